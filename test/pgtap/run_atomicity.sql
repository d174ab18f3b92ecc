-- A run is written whole or not at all; an expectation that cannot be
-- evaluated is recorded with status error.
BEGIN;
SELECT plan(12);

CREATE TABLE public.tap_people (id int PRIMARY KEY, age int, name text);
INSERT INTO public.tap_people SELECT g, g % 130, 'n' || g FROM generate_series(1, 500) g;
SELECT vqc.create_suite('tap_suite', 'public.tap_people');
SELECT vqc.add_expectation('tap_suite', 'expect_column_values_to_be_between', '{"column": "age", "max_value": 120}');
SELECT vqc.add_expectation('tap_suite', 'expect_column_values_to_not_be_null', '{"column": "name"}');

SELECT lives_ok($$SELECT * FROM vqc.run('tap_suite')$$, 'a suite runs');
SELECT is((SELECT count(*)::int FROM vqc_report.run WHERE suite_name = 'tap_suite'), 1, 'one run row');
SELECT is((SELECT count(*)::int FROM vqc_report.result r JOIN vqc_report.run USING (run_id) WHERE suite_name = 'tap_suite'), 2,
          'one result row per expectation');
SELECT is((SELECT count(*)::int FROM vqc_report.unexpected u JOIN vqc_report.run USING (run_id) WHERE suite_name = 'tap_suite'), 20,
          'the first 20 failing samples are kept');

-- make the last write of a run fail: nothing of that run may remain
CREATE FUNCTION public.tap_fail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'simulated failure while writing the report'; END $$;
CREATE TRIGGER tap_fail BEFORE INSERT ON vqc_report.metric FOR EACH ROW EXECUTE FUNCTION public.tap_fail();
SELECT throws_ok($$SELECT * FROM vqc.run('tap_suite')$$, 'P0001', 'simulated failure while writing the report',
                 'a failure while writing the report aborts the run');
SELECT is((SELECT count(*)::int FROM vqc_report.run WHERE suite_name = 'tap_suite'), 1, 'no half-written run row');
SELECT is((SELECT count(*)::int FROM vqc_report.result r JOIN vqc_report.run USING (run_id) WHERE suite_name = 'tap_suite'), 2,
          'no half-written results');
DROP TRIGGER tap_fail ON vqc_report.metric;

-- a dropped column: status error with its message, the other expectation evaluated
ALTER TABLE public.tap_people DROP COLUMN name;
SELECT results_eq($$SELECT status FROM vqc.run('tap_suite') ORDER BY "position"$$,
                  ARRAY['failure', 'error'], 'the broken expectation is an error, the other is evaluated');
SELECT matches((SELECT error_message FROM vqc_report.latest_results WHERE suite_name = 'tap_suite' AND position = 2),
               'column "name" of relation .* does not exist', 'the error row says what went wrong');
SELECT is((SELECT error_expectations FROM vqc_report.run WHERE suite_name = 'tap_suite' ORDER BY run_id DESC LIMIT 1), 1,
          'the run counts the error');
SELECT is((SELECT success FROM vqc_report.run WHERE suite_name = 'tap_suite' ORDER BY run_id DESC LIMIT 1), false,
          'a run with an error does not succeed');
SELECT is((SELECT (result -> 'exception_info' ->> 'raised_exception')::boolean FROM vqc_report.latest_results l
             JOIN vqc_report.results r USING (run_id, position) WHERE l.suite_name = 'tap_suite' AND l.position = 2), true,
          'the GE result carries exception_info');

SELECT * FROM finish();
ROLLBACK;
