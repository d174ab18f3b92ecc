-- When a check breaks the shared scan, the runner scans each check alone;
-- the suite's profiles are then taken in one more scan (each alone if that
-- fails too), and a profile that cannot be taken is an error result of the
-- run, never a missing row.
CREATE SCHEMA scan_fallback_test;
SET search_path = scan_fallback_test, public;
SET client_min_messages = warning;

CREATE TABLE texts (id int PRIMARY KEY, s text, x int);
INSERT INTO texts VALUES (1, 'fine', 1), (2, repeat('a', 40) || 'b', 2), (3, NULL, 3);

-- a pattern that exceeds the regex match limit on row 2 breaks the shared scan
SELECT vqc.create_suite('texts_fallback', 'texts', profile_columns => '{s,x}') > 0 AS created;
SELECT vqc.add_expectation('texts_fallback', 'expect_column_values_to_not_be_null', '{"column": "s"}') > 0 AS added;
SELECT vqc.add_expectation('texts_fallback', 'expect_column_values_to_match_regex', '{"column": "s", "regex": "(a+)+$"}') > 0 AS added;
SELECT vqc.add_expectation('texts_fallback', 'expect_column_mean_to_be_between', '{"column": "x", "min_value": 1, "max_value": 3}') > 0 AS added;
SELECT "position", expectation_type, status, observed_value, unexpected_count,
       result #> '{exception_info,exception_message}' AS message
  FROM vqc.run('texts_fallback') ORDER BY "position";
-- the shared scan, three checks alone, one scan for both profiles
SELECT scans, rows_scanned, evaluated_expectations, successful_expectations, unsuccessful_expectations,
       error_expectations, success
  FROM vqc_report.run WHERE suite_name = 'texts_fallback';
-- both profiles stored, as by a run whose shared scan succeeds
SELECT column_name, column_type, vqc.row_count(profile) AS row_count, vqc.null_fraction(profile) AS null_fraction
  FROM vqc_report.profile JOIN vqc_report.run USING (run_id)
 WHERE suite_name = 'texts_fallback' ORDER BY column_name;
-- and every other result: samples, metrics
SELECT position, ordinality, value, row_key FROM vqc_report.unexpected JOIN vqc_report.run USING (run_id)
 WHERE suite_name = 'texts_fallback' ORDER BY position, ordinality;
SELECT position, metric_name, value FROM vqc_report.metric
 WHERE suite_name = 'texts_fallback' ORDER BY position NULLS FIRST, metric_name;

-- a column of a view that fails on a row: its profile cannot be taken (nor
-- the shared scan); the checks that do not read it are evaluated, the other
-- profile is stored, and the failing one is an error result after the checks
CREATE VIEW texts_view AS SELECT id, s, 10 / (x - 2) AS q FROM texts;
SELECT vqc.create_suite('view_fallback', 'texts_view', profile_columns => '{s,q}') > 0 AS created;
SELECT vqc.add_expectation('view_fallback', 'expect_column_values_to_not_be_null', '{"column": "s"}') > 0 AS added;
SELECT vqc.add_expectation('view_fallback', 'expect_table_row_count_to_be_between', '{"min_value": 1}') > 0 AS added;
SELECT "position", expectation_id IS NULL AS no_expectation, expectation_type, column_name, status, success,
       result #> '{exception_info,exception_message}' AS message,
       result #> '{exception_info,raised_exception}' AS raised
  FROM vqc.run('view_fallback') ORDER BY "position";
-- the shared scan, two checks, both profiles together, each alone
SELECT scans, rows_scanned, evaluated_expectations, successful_expectations, unsuccessful_expectations,
       error_expectations, success
  FROM vqc_report.run WHERE suite_name = 'view_fallback';
SELECT column_name, vqc.row_count(profile) AS row_count
  FROM vqc_report.profile JOIN vqc_report.run USING (run_id)
 WHERE suite_name = 'view_fallback' ORDER BY column_name;
SELECT position, expectation_type, column_name, kwargs, status, error_message
  FROM vqc_report.results WHERE suite_name = 'view_fallback' ORDER BY position;

-- with the failing row gone, the same suite runs in one scan and takes both profiles
DELETE FROM texts WHERE x = 2;
SELECT "position", expectation_type, status FROM vqc.run('view_fallback') ORDER BY "position";
SELECT scans, error_expectations, success FROM vqc_report.run
 WHERE suite_name = 'view_fallback' ORDER BY run_id DESC LIMIT 1;
SELECT column_name, vqc.row_count(profile) AS row_count
  FROM vqc_report.profile WHERE run_id = (SELECT max(run_id) FROM vqc_report.run) ORDER BY column_name;

SELECT vqc.drop_suite('texts_fallback'), vqc.drop_suite('view_fallback');
-- the runs go too: later tests read every stored profile
DELETE FROM vqc_report.run WHERE suite_name IN ('texts_fallback', 'view_fallback');
RESET client_min_messages;
RESET search_path;
DROP SCHEMA scan_fallback_test CASCADE;
