-- A forced parallel plan gives Partial Aggregate and the same results as the serial plan.
CREATE SCHEMA parallel_test;
SET search_path = parallel_test, public;
CREATE TABLE big (id int PRIMARY KEY, n int, s text, x float8, u int);
INSERT INTO big
SELECT g, CASE WHEN g % 1000 = 0 THEN -g ELSE g % 500 END,
       CASE WHEN g % 777 = 0 THEN 'bad' ELSE 'ok' || (g % 10) END,
       (g % 1013) * 0.5, CASE WHEN g % 50000 = 0 THEN 7 ELSE g END
  FROM generate_series(1, 200000) g;
ANALYZE big;
SELECT vqc.create_suite('big_check', 'big') > 0 AS created;
SELECT vqc.add_expectation('big_check', 'expect_column_values_to_be_between', '{"column": "n", "min_value": 0}') > 0,
       vqc.add_expectation('big_check', 'expect_column_values_to_match_regex', '{"column": "s", "regex": "^ok[0-9]$"}') > 0,
       vqc.add_expectation('big_check', 'expect_column_values_to_be_unique', '{"column": "u"}') > 0,
       vqc.add_expectation('big_check', 'expect_column_median_to_be_between', '{"column": "x", "min_value": 0}') > 0,
       vqc.add_expectation('big_check', 'expect_column_mean_to_be_between', '{"column": "x", "min_value": 0}') > 0;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_run AS SELECT "position", success, observed_value, unexpected_count, result FROM vqc.run('big_check');

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
-- the runner's one scan is a parallel aggregate
SELECT * FROM vqc.explain('big_check');
CREATE TEMP TABLE parallel_run AS SELECT "position", success, observed_value, unexpected_count, result FROM vqc.run('big_check');

SELECT s.position, s.success, s.observed_value, s.unexpected_count,
       s.success = p.success AND s.observed_value IS NOT DISTINCT FROM p.observed_value
       AND s.unexpected_count IS NOT DISTINCT FROM p.unexpected_count AS same_in_parallel
  FROM serial_run s JOIN parallel_run p USING ("position") ORDER BY 1;
-- samples may arrive in another order in parallel, but they are failing rows either way
SELECT "position", jsonb_array_length(result #> '{result,partial_unexpected_list}') AS samples,
       (SELECT bool_and((v #>> '{}')::int < 0) FROM jsonb_array_elements(result #> '{result,partial_unexpected_list}') v) AS all_negative
  FROM parallel_run WHERE "position" = 1;
-- the plan the run actually used: workers launched
SELECT line FROM vqc.explain('big_check', with_analyze => true) AS line WHERE line ~ 'Workers|Partial|Gather';
RESET ALL;
SELECT vqc.drop_suite('big_check');
DELETE FROM vqc_report.run WHERE suite_name = 'big_check';
