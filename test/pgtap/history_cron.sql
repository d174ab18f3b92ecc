-- A scheduled suite whose history drives an anomaly check: the job pg_cron
-- runs (its command, run here directly three times as pg_cron would) finds
-- the anomaly on the third run.
BEGIN;
SELECT plan(7);

CREATE EXTENSION IF NOT EXISTS pg_cron;
CREATE TABLE public.tap_orders (id int PRIMARY KEY, amount numeric);
INSERT INTO public.tap_orders SELECT g, g FROM generate_series(1, 100) g;
SELECT vqc.create_suite('tap_orders_daily', 'public.tap_orders');
SELECT vqc.add_expectation('tap_orders_daily', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "row_count", "strategy": "relative_rate_of_change", "min_value": 0.5, "max_value": 1.5}');
SELECT lives_ok($$SELECT vqc.schedule('tap_orders_daily', '0 6 * * *')$$, 'the suite is scheduled');

-- the job's command, as pg_cron runs it
CREATE FUNCTION pg_temp.run_job() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE (SELECT command FROM cron.job WHERE jobname = 'vqc:tap_orders_daily');
END $$;
CREATE FUNCTION pg_temp.last_check() RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('status', res.status, 'reason', d.result #>> '{result,details,reason}')
      FROM vqc_report.run r JOIN vqc_report.result res USING (run_id)
      LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
     WHERE r.suite_name = 'tap_orders_daily' ORDER BY r.run_id DESC LIMIT 1
$$;

SELECT lives_ok($$SELECT pg_temp.run_job()$$, 'day 1: the job runs');
SELECT is(pg_temp.last_check() ->> 'status', 'success', 'day 1: no history yet, which is not a failure');
INSERT INTO public.tap_orders SELECT g, g FROM generate_series(101, 120) g;
SELECT pg_temp.run_job();
SELECT is(pg_temp.last_check() ->> 'status', 'success', 'day 2: 120 rows after 100 is within the rate');
INSERT INTO public.tap_orders SELECT g, g FROM generate_series(121, 400) g;
SELECT pg_temp.run_job();
SELECT is(pg_temp.last_check() ->> 'status', 'failure', 'day 3: 400 rows after 120 is the anomaly');
SELECT is((SELECT count(*)::int FROM vqc_report.run WHERE suite_name = 'tap_orders_daily'), 3, 'three runs recorded');
SELECT is((SELECT count(*)::int FROM vqc_report.anomalies WHERE suite_name = 'tap_orders_daily'), 1,
          'and one anomaly in vqc_report.anomalies');

SELECT * FROM finish();
ROLLBACK;
