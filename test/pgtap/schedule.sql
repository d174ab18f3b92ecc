-- Scheduling through pg_cron: named jobs, idempotent, removable.
BEGIN;
SELECT plan(7);

CREATE TABLE public.tap_sched (id int PRIMARY KEY);
SELECT vqc.create_suite('tap_sched_suite', 'public.tap_sched');

SELECT throws_ok($$SELECT vqc.schedule('tap_sched_suite', '0 3 * * *')$$, '55000', NULL,
                 'without pg_cron, scheduling says what is missing');
CREATE EXTENSION pg_cron;
SELECT lives_ok($$SELECT vqc.schedule('tap_sched_suite', '0 3 * * *')$$, 'with pg_cron, a suite is scheduled');
SELECT is((SELECT schedule || ' ' || command FROM cron.job WHERE jobname = 'vqc:tap_sched_suite'),
          '0 3 * * * SELECT vqc._run_scheduled(' || (SELECT suite_id FROM vqc.suite WHERE name = 'tap_sched_suite') || ')',
          'as a named job running the suite by id');
SELECT lives_ok($$SELECT vqc.schedule('tap_sched_suite', '30 4 * * *')$$, 'scheduling again');
SELECT is((SELECT count(*)::int FROM cron.job WHERE jobname = 'vqc:tap_sched_suite'), 1, 'replaces the job');
SELECT is(vqc.unschedule('tap_sched_suite'), true, 'unschedule removes it');
SELECT is(vqc.unschedule('tap_sched_suite'), false, 'and says so when there is nothing to remove');

SELECT * FROM finish();
ROLLBACK;
