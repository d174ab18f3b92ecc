-- The privilege model (README, "Security"), role by role:
--   tap_owner     owns the checked tables and the suites
--   tap_deputy    a member of tap_owner
--   tap_analyst   SELECT on the plain table, and on the report
--   tap_reader    SELECT on all of vqc_report, as a DBA grants a dashboard
--   tap_outsider  nothing
--   tap_tenant    SELECT on the tenant table, restricted by its row-level
--                 security to tenant 'a', and on the report
-- Each finding of the security review is a case here.
BEGIN;
SELECT plan(90);

CREATE ROLE tap_owner LOGIN;   -- pg_cron runs jobs only as roles that may log in
CREATE ROLE tap_deputy IN ROLE tap_owner;
CREATE ROLE tap_analyst;
CREATE ROLE tap_reader;
CREATE ROLE tap_outsider;
CREATE ROLE tap_tenant;
GRANT CREATE, USAGE ON SCHEMA public TO tap_owner;
GRANT SELECT ON ALL TABLES IN SCHEMA vqc_report TO tap_owner, tap_reader, tap_analyst, tap_tenant;

SET ROLE tap_owner;
CREATE TABLE public.sec_plain (id int PRIMARY KEY, email text, amount numeric);
INSERT INTO public.sec_plain
SELECT i, CASE WHEN i % 10 = 0 THEN 'secret-' || i ELSE 'user' || i || '@example.com' END, i
  FROM generate_series(1, 100) i;
CREATE TABLE public.sec_tenant (id int PRIMARY KEY, tenant text, email text);
INSERT INTO public.sec_tenant VALUES (1, 'a', 'a-bad'), (2, 'b', 'b-bad'), (3, 'a', 'ok@example.com');
ALTER TABLE public.sec_tenant ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_a ON public.sec_tenant USING (tenant = 'a');
GRANT SELECT ON public.sec_plain TO tap_analyst;
GRANT SELECT ON public.sec_tenant TO tap_tenant;

SELECT lives_ok($$SELECT vqc.create_suite('sec_suite', 'public.sec_plain', profile_columns => '{email}')$$,
                'the owner creates a suite on its table');
SELECT vqc.add_expectation('sec_suite', 'expect_column_values_to_match_regex',
                           '{"column": "email", "regex": "@", "result_format": "COMPLETE"}');
SELECT vqc.add_expectation('sec_suite', 'expect_column_max_to_be_between',
                           '{"column": "email", "min_value": "a", "max_value": "b"}');
SELECT vqc.add_expectation('sec_suite', 'expect_column_values_to_not_be_null', '{"column": "email"}');
SELECT vqc.add_expectation('sec_suite', 'expect_column_values_to_not_be_in_set',
    jsonb_build_object('column', 'amount', 'value_set', (SELECT jsonb_agg(-i) FROM generate_series(1, 100000) i)));
SELECT vqc.add_expectation('sec_suite', 'expect_column_mean_to_be_between', '{"column": "amount", "min_value": 0}');
SELECT lives_ok($$SELECT * FROM vqc.run('sec_suite')$$, 'and runs it');
SELECT is((SELECT run_by::text FROM vqc_report.run WHERE suite_name = 'sec_suite'), 'tap_owner',
          'the run is recorded under its real caller');
RESET ROLE;
SELECT suite_id AS sec_id FROM vqc.suite WHERE name = 'sec_suite' \gset

-- ---------------------------------------------------------------- row values
SET ROLE tap_reader;
SELECT is((SELECT count(*)::int FROM vqc_report.result r JOIN vqc_report.run USING (run_id)
            WHERE suite_name = 'sec_suite'), 5, 'a report reader sees the results');
SELECT is((SELECT unexpected_count FROM vqc_report.results WHERE suite_name = 'sec_suite' AND position = 1), 10::bigint,
          'with their counts');
SELECT is((SELECT count(*)::int FROM vqc_report.result_detail), 0, 'but no observed value nor GE result');
SELECT is((SELECT count(*)::int FROM vqc_report.results WHERE observed_value IS NOT NULL OR result IS NOT NULL), 0,
          'the results view shows them as NULL');
SELECT is((SELECT count(*)::int FROM vqc_report.latest_results WHERE observed_value IS NOT NULL), 0,
          'as does latest_results');
SELECT is((SELECT count(*)::int FROM vqc_report.unexpected), 0, 'no failing sample');
SELECT is((SELECT count(*)::int FROM vqc_report.metric WHERE is_value), 0, 'no metric that is a value');
SELECT ok((SELECT count(*) FROM vqc_report.metric WHERE NOT is_value) > 0, 'but the counts in the metric history');
SELECT is((SELECT count(*)::int FROM vqc_report.profile), 0, 'no profile');
SELECT is((SELECT count(*)::int FROM vqc_report.latest_profiles), 0, 'nor through latest_profiles');
SELECT is((SELECT count(*)::int FROM vqc.suite), 0, 'and not the suites of tables it may not read');
SELECT ok((SELECT html FROM vqc_report.pages WHERE kind = 'run' ORDER BY at DESC LIMIT 1) LIKE '%10 unexpected%',
          'its page of the run shows the counts');
SELECT ok((SELECT html FROM vqc_report.pages WHERE kind = 'run' ORDER BY at DESC LIMIT 1) NOT LIKE '%example.com%',
          'but no failing sample nor observed value');
SELECT is((SELECT count(*)::int FROM vqc_report.pages WHERE kind = 'suite'), 0, 'and no page of the suite');
RESET ROLE;

SET ROLE tap_analyst;
SELECT is((SELECT count(*)::int FROM vqc_report.unexpected), 10, 'an analyst who may read the table sees the samples');
SELECT is((SELECT observed_value #>> '{}' FROM vqc_report.results WHERE suite_name = 'sec_suite' AND position = 2),
          'user9@example.com', 'and the observed values');
SELECT is((SELECT jsonb_array_length(result -> 'result' -> 'unexpected_list') FROM vqc_report.result_detail
            WHERE position = 1), 10, 'and GE''s full result');
SELECT is((SELECT count(*)::int FROM vqc_report.metric WHERE is_value), 1, 'and the metrics that are values');
SELECT is((SELECT count(*)::int FROM vqc_report.profile), 1, 'and the profiles');
SELECT ok((SELECT html FROM vqc_report.pages WHERE kind = 'run' ORDER BY at DESC LIMIT 1) LIKE '%user9@example.com%',
          'and the failing samples on the page of the run');
SELECT is((SELECT count(*)::int FROM vqc.suite), 1, 'and the suite on its table');
SELECT lives_ok($$SELECT * FROM vqc.run('sec_suite')$$, 'it may run the owner''s suite');
SELECT is((SELECT run_by::text FROM vqc_report.run WHERE suite_name = 'sec_suite' ORDER BY run_id DESC LIMIT 1),
          'tap_analyst', 'recorded under its own name');
RESET ROLE;

SET ROLE tap_outsider;
SELECT throws_ok($$SELECT count(*) FROM vqc_report.run$$, '42501', NULL, 'an outsider reads nothing of the report');
SELECT throws_ok($$SELECT count(*) FROM vqc_report.results$$, '42501', NULL, 'nor of its views');
SELECT throws_ok($$SELECT vqc.report_html(max(run_id)) FROM vqc_report.run$$, '42501', NULL, 'nor its pages');
SELECT is((SELECT count(*)::int FROM vqc.suite), 0, 'nor sees the suite');
SELECT is((SELECT count(*)::int FROM vqc.suite_expectation), 0, 'nor its expectations');
SELECT throws_ok($$SELECT * FROM vqc.run('sec_suite')$$, '42704', NULL, 'nor runs it');
SELECT throws_ok(format('SELECT vqc._record_run(%s)', :sec_id), '42704', NULL,
                 'nor runs it by id, which it may not see');
SELECT throws_ok($$SELECT vqc.expect('public.sec_plain', 'expect_column_values_to_not_be_null', '{"column": "email"}')$$,
                 '42501', NULL, 'nor checks the table ad hoc');
SELECT throws_ok($$SELECT vqc.create_suite('outsider_suite', 'public.sec_plain')$$, '42501', NULL,
                 'nor makes a suite on a table it may not read');
SELECT throws_ok($$SELECT vqc.set_baseline('public.sec_plain', 'stolen')$$, '42501', NULL,
                 'nor a baseline of it');
RESET ROLE;

-- ---------------------------------------------------------------- forgery
SET ROLE tap_analyst;
SELECT throws_ok($$INSERT INTO vqc_report.run (suite_name, target_schema, target_table, started_at, finished_at, scans,
                   success, evaluated_expectations, successful_expectations, unsuccessful_expectations,
                   error_expectations, run_by) VALUES ('sec_suite', 'public', 'sec_plain', now(), now(), 1, true, 0, 0, 0, 0, 'tap_owner')$$,
                 '42501', NULL, 'nobody inserts runs');
SELECT throws_ok($$UPDATE vqc_report.result SET success = true$$, '42501', NULL, 'nor changes results');
SELECT throws_ok($$DELETE FROM vqc_report.run$$, '42501', NULL, 'nor deletes runs');
SELECT throws_ok($$SELECT vqc._record_run_write('tap_owner', '{"suite_id": 1, "results": []}', 1)$$, '42501', NULL,
                 'nor calls the run''s writer');
SELECT throws_ok($$SELECT vqc._record_run_write_result(NULL::vqc_report.run, '{}', 10)$$, '42501', NULL, 'nor the result''s writer');
SELECT throws_ok($$SELECT vqc._create_suite_write('tap_owner', NULL, 'x', 'public.sec_plain', NULL, NULL)$$, '42501', NULL,
                 'nor the suites'' writer');
RESET ROLE;

-- ---------------------------------------------------------------- suites belong to their owners
SET ROLE tap_owner;
SELECT throws_ok($$UPDATE vqc.suite SET target = 'public.sec_tenant'::regclass$$, '42501', NULL,
                 'not even the owner changes a suite by direct DML');
SELECT throws_ok($$INSERT INTO vqc.suite_expectation (suite_id, expectation_type, kwargs)
                   SELECT suite_id, 'expect_column_values_to_be_null', '{"column": "email"}' FROM vqc.suite$$,
                 '42501', NULL, 'nor adds an expectation without validation');
SELECT throws_ok($$SELECT vqc.add_expectation('sec_suite', 'expect_column_values_to_be_null', '{"column": "nope"}')$$,
                 '42703', NULL, 'add_expectation validates');
RESET ROLE;
SET ROLE tap_analyst;
SELECT throws_ok($$SELECT vqc.add_expectation('sec_suite', 'expect_column_values_to_be_null', '{"column": "email"}')$$,
                 '42501', NULL, 'a reader of the table does not change another role''s suite');
SELECT throws_ok($$SELECT vqc.set_profile_columns('sec_suite', NULL)$$, '42501', NULL, 'nor its profile columns');
SELECT throws_ok($$SELECT vqc.remove_expectation('sec_suite', 1)$$, '42501', NULL, 'nor removes its expectations');
SELECT throws_ok($$SELECT vqc.drop_suite('sec_suite')$$, '42501', NULL, 'nor drops it');
RESET ROLE;
SET ROLE tap_deputy;
SELECT lives_ok($$SELECT vqc.add_expectation('sec_suite', 'expect_column_values_to_be_unique', '{"column": "id"}')$$,
                'a member of the owning role changes it');
RESET ROLE;

-- a suite follows its table by OID
SET ROLE tap_owner;
CREATE TABLE public.sec_moving (id int PRIMARY KEY);
SELECT vqc.create_suite('sec_moving_suite', 'public.sec_moving');
ALTER TABLE public.sec_moving RENAME TO sec_moved;
SELECT lives_ok($$SELECT * FROM vqc.run('sec_moving_suite')$$, 'a suite follows its renamed table');
SELECT is((SELECT target_table::text FROM vqc_report.run WHERE suite_name = 'sec_moving_suite'), 'sec_moved',
          'and the run names it as it is now');
DROP TABLE public.sec_moved;
CREATE TABLE public.sec_moving (id int PRIMARY KEY);
SELECT throws_ok($$SELECT * FROM vqc.run('sec_moving_suite')$$, '42P01', NULL,
                 'a dropped table fails the suite''s runs instead of re-binding to a new one of the same name');
RESET ROLE;

-- ---------------------------------------------------------------- scheduled runs
CREATE EXTENSION pg_cron;
SELECT lives_ok($$SELECT vqc.schedule('sec_suite', '0 3 * * *')$$, 'a superuser schedules the owner''s suite');
SELECT is((SELECT username::text FROM cron.job WHERE jobname = 'vqc:sec_suite'), 'tap_owner',
          'the job runs as the suite''s owner, not as the superuser');
SELECT is((SELECT command FROM cron.job WHERE jobname = 'vqc:sec_suite'),
          format('SELECT vqc._run_scheduled(%s)', (SELECT suite_id FROM vqc.suite WHERE name = 'sec_suite')),
          'it names the suite by id, schema-qualified');
SET ROLE tap_analyst;
SELECT throws_ok($$SELECT vqc.schedule('sec_suite', '* * * * *')$$, '42501', NULL,
                 'a role other than the owner may not schedule it');
SELECT throws_ok(format('SELECT vqc._run_scheduled(%s)', (SELECT suite_id FROM vqc.suite WHERE name = 'sec_suite')),
                 '42501', NULL, 'nor run its job');
RESET ROLE;
-- what the job runs, as the job's role would
SET ROLE tap_owner;
SELECT is(vqc._run_scheduled((SELECT suite_id FROM vqc.suite WHERE name = 'sec_suite')), 6,
          'the job runs the suite as its owner');
SELECT is((SELECT run_by::text FROM vqc_report.run WHERE suite_name = 'sec_suite' ORDER BY run_id DESC LIMIT 1),
          'tap_owner', 'with the owner''s rights');
RESET ROLE;
-- the job's command, run by its role under a search_path another role writes to
GRANT CREATE ON SCHEMA public TO tap_outsider;
SET ROLE tap_outsider;
CREATE TABLE public.hijacked (what text);
GRANT INSERT ON public.hijacked TO PUBLIC;
-- a closer match than pg_catalog.pg_has_role(oid, text) for vqc's call with a regrole
CREATE FUNCTION public.pg_has_role(regrole, text) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.hijacked VALUES ('pg_has_role') RETURNING true $$;
CREATE FUNCTION public._run_scheduled(bigint) RETURNS integer LANGUAGE sql
    AS $$ INSERT INTO public.hijacked VALUES ('_run_scheduled') RETURNING 0 $$;
RESET ROLE;
SELECT command AS job_command FROM cron.job WHERE jobname = 'vqc:sec_suite' \gset
SET search_path = "$user", public;
SET ROLE tap_owner;
SELECT lives_ok(:'job_command',
                'the job''s command runs under a search_path another role writes to');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.hijacked), 0, 'and calls nothing planted there');
RESET search_path;
SELECT is(vqc.unschedule('sec_suite'), true, 'and a superuser removes the job');

-- ---------------------------------------------------------------- baselines
SET ROLE tap_analyst;
SELECT is(vqc.set_baseline('public.sec_plain', 'analyst_base', '{email,amount}'), 2,
          'a reader of the table stores a baseline');
SELECT is((SELECT created_by::text FROM vqc.baseline WHERE label = 'analyst_base' LIMIT 1), 'tap_analyst',
          'owned by it');
SELECT lives_ok($$SELECT * FROM vqc.drift_report('public.sec_plain', 'analyst_base')$$, 'and reports drift against it');
SELECT is((SELECT count(*)::int FROM vqc_report.drift_detail), 2, 'seeing the drift details');
RESET ROLE;
SET ROLE tap_owner;
SELECT throws_ok($$SELECT vqc.set_baseline('public.sec_plain', 'analyst_base')$$, '42501', NULL,
                 'another role does not replace it');
SELECT throws_ok($$SELECT vqc.drop_baseline('public.sec_plain', 'analyst_base')$$, '42501', NULL, 'nor drops it');
SELECT throws_ok($$DELETE FROM vqc.baseline$$, '42501', NULL, 'nor deletes it directly');
RESET ROLE;
SET ROLE tap_reader;
SELECT is((SELECT count(*)::int FROM vqc.baseline), 0, 'a report reader sees no baseline of a table it may not read');
SELECT is((SELECT count(*)::int FROM vqc_report.drift_result), 2, 'sees the drift scores');
SELECT is((SELECT count(*)::int FROM vqc_report.drift_detail), 0, 'but not the details, which hold bin edges');
RESET ROLE;
SET ROLE tap_analyst;
SELECT is(vqc.drop_baseline('public.sec_plain', 'analyst_base'), 2, 'its owner drops it');
RESET ROLE;

-- ---------------------------------------------------------------- the checked table's row-level security
SET ROLE tap_owner;
SELECT vqc.create_suite('sec_tenant_suite', 'public.sec_tenant');
SELECT vqc.add_expectation('sec_tenant_suite', 'expect_column_values_to_match_regex', '{"column": "email", "regex": "@"}');
RESET ROLE;
SET ROLE tap_tenant;
SELECT is((SELECT unexpected_count FROM vqc.run('sec_tenant_suite')), 1::bigint,
          'a tenant-restricted analyst''s run counts the rows it sees');
SELECT is((SELECT row_security FROM vqc_report.run WHERE suite_name = 'sec_tenant_suite'), true,
          'and the run says it saw the table through row-level security');
SELECT is((SELECT count(*)::int FROM vqc_report.unexpected WHERE target_table = 'sec_tenant'), 0,
          'values stored from a table with row-level security are hidden from roles it applies to');
RESET ROLE;
SET ROLE tap_owner;
SELECT is((SELECT value FROM vqc_report.unexpected WHERE target_table = 'sec_tenant'), 'a-bad',
          'and shown to its owner, to whom it does not apply');
SELECT is((SELECT unexpected_count FROM vqc.run('sec_tenant_suite')), 2::bigint, 'whose own run sees every tenant');
RESET ROLE;
SET ROLE tap_tenant;
SELECT is((SELECT count(*)::int FROM vqc_report.unexpected WHERE target_table = 'sec_tenant'), 0,
          'the owner''s samples of other tenants stay hidden from the tenant');
RESET ROLE;

-- ---------------------------------------------------------------- a re-created table
SET ROLE tap_owner;
CREATE TABLE public.sec_again (id int PRIMARY KEY, v text);
INSERT INTO public.sec_again VALUES (1, 'old-secret');
SELECT vqc.create_suite('sec_again_suite', 'public.sec_again');
SELECT vqc.add_expectation('sec_again_suite', 'expect_column_values_to_be_null', '{"column": "v"}');
SELECT count(*) FROM vqc.run('sec_again_suite');
DROP TABLE public.sec_again;
CREATE TABLE public.sec_again (id int PRIMARY KEY, v text);
GRANT SELECT ON public.sec_again TO tap_analyst;
RESET ROLE;
SET ROLE tap_analyst;
SELECT is((SELECT count(*)::int FROM vqc_report.unexpected WHERE target_table = 'sec_again'), 0,
          'a table re-created under the same name does not inherit the old table''s samples');
RESET ROLE;

-- ---------------------------------------------------------------- clipping
SELECT is((SELECT jsonb_array_length(kwargs -> 'value_set') FROM vqc_report.result r JOIN vqc_report.run USING (run_id)
            WHERE suite_name = 'sec_suite' AND position = 4 ORDER BY run_id DESC LIMIT 1), 20,
          'a 100 000-element value_set is stored clipped to 20 elements in each result');
SELECT is((SELECT jsonb_array_length(kwargs -> 'value_set') FROM vqc.suite_expectation
            WHERE expectation_type = 'expect_column_values_to_not_be_in_set'), 100000,
          'and whole in the suite');
SET vqc.sample_value_max_bytes = 16;
SET ROLE tap_owner;
SELECT count(*) FROM vqc.run('sec_suite');
RESET ROLE;
SELECT is((SELECT observed_value #>> '{}' FROM vqc_report.results WHERE suite_name = 'sec_suite' AND position = 2
            ORDER BY run_id DESC LIMIT 1), 'user9@example.co', 'observed values are clipped as samples are');
RESET vqc.sample_value_max_bytes;

-- ---------------------------------------------------------------- grants, relation by relation
SELECT set_eq($$SELECT c.relname::text || ':' || a.privilege_type
                  FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
                 WHERE c.relnamespace IN ('vqc'::regnamespace, 'vqc_report'::regnamespace) AND a.grantee = 0$$,
              ARRAY['suite:SELECT', 'suite_expectation:SELECT', 'baseline:SELECT', 'expectation_catalog:SELECT'],
              'PUBLIC may only SELECT the suites, baselines (both filtered by row-level security) and the catalog');
SELECT is((SELECT count(*)::int FROM pg_class c
            WHERE c.relnamespace IN ('vqc'::regnamespace, 'vqc_report'::regnamespace) AND c.relkind IN ('r', 'v', 'S')
              AND (has_table_privilege('tap_reader', c.oid, 'INSERT') OR has_table_privilege('tap_reader', c.oid, 'UPDATE')
                   OR has_table_privilege('tap_reader', c.oid, 'DELETE'))), 0,
          'a report reader writes nothing');
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c
            WHERE c.relnamespace = 'vqc_report'::regnamespace AND c.relkind = 'v'
              AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)), NULL,
          'every report view runs with its reader''s rights, so row-level security applies');
SELECT is((SELECT array_agg(p.oid::regprocedure::text) FROM pg_proc p
             JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
             JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
             JOIN pg_language l ON l.oid = p.prolang
            WHERE l.lanname IN ('sql', 'plpgsql')
              AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)), NULL,
          'every SQL and PL/pgSQL function of vqc pins search_path');
SELECT is((SELECT array_agg(p.oid::regprocedure::text) FROM pg_proc p
             JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
             JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
            WHERE p.prosrc = 'vqc_with_caller'
              AND NOT EXISTS (SELECT 1 FROM pg_proc w WHERE w.pronamespace = p.pronamespace
                                 AND w.proname = regexp_replace(p.proname, '^_?', '_') || '_write'
                                 AND NOT has_function_privilege('public', w.oid, 'EXECUTE'))), NULL,
          'every relayed function has a writer that PUBLIC may not call');
SELECT is((SELECT array_agg(p.oid::regprocedure::text) FROM pg_proc p
             JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
             JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
            WHERE has_function_privilege('public', p.oid, 'EXECUTE') = (p.proname LIKE '\_%\_write%')), NULL,
          'PUBLIC may call every other function of vqc (each safe with hostile arguments: README, Security)');

SELECT * FROM finish();
ROLLBACK;
