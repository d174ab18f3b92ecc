-- Suites and the one-scan runner; the report it writes.
CREATE SCHEMA suite_run_test;
SET search_path = suite_run_test, public;
\set VERBOSITY terse
CREATE TABLE people (record_id int PRIMARY KEY, age int, email text, income float8);
INSERT INTO people
SELECT g, CASE WHEN g % 100 = 0 THEN 150 ELSE 20 + g % 50 END,
       CASE WHEN g % 250 = 0 THEN 'broken' ELSE 'u' || g || '@example.com' END,
       1000 + g
  FROM generate_series(1, 1000) g;

SELECT vqc.create_suite('people_check', 'people') > 0 AS created;
SELECT vqc.add_expectation('people_check', 'expect_column_values_to_be_between', '{"column": "age", "min_value": 0, "max_value": 120}') > 0 AS added;
SELECT vqc.add_expectation('people_check', 'expect_column_values_to_match_regex', '{"column": "email", "regex": "^[^@]+@[^@]+$"}') > 0 AS added;
SELECT vqc.add_expectation('people_check', 'expect_column_median_to_be_between', '{"column": "income", "min_value": 1500, "max_value": 1501}') > 0 AS added;
SELECT vqc.add_expectation('people_check', 'expect_column_values_to_be_unique', '{"column": "record_id"}') > 0 AS added;
SELECT vqc.add_expectation('people_check', 'expect_table_row_count_to_be_between', '{"min_value": 1}') > 0 AS added;
-- a bad expectation is refused when added, not when run
SELECT vqc.add_expectation('people_check', 'expect_column_values_to_be_between', '{"column": "agee", "min_value": 0}');
SELECT vqc.add_expectation('no_suite', 'expect_column_values_to_be_between', '{"column": "age", "min_value": 0}');
SELECT vqc.create_suite('people_check', 'people');
SELECT vqc.create_suite('bad_key', 'people', key_columns => '{nope}');

SELECT name, target, key_columns, expectations FROM vqc.list_suites() WHERE name = 'people_check';
SELECT expectation_type, kwargs FROM vqc.list_expectations('people_check');

SELECT "position", expectation_type, column_name, status, success, observed_value, unexpected_count, unexpected_percent
  FROM vqc.run('people_check');

-- the run, its results and samples are in the report
SELECT suite_name, target_schema, target_table, rows_scanned, scans, success, evaluated_expectations,
       successful_expectations, unsuccessful_expectations, error_expectations, success_percent
  FROM vqc_report.run WHERE suite_name = 'people_check';
SELECT position, status, element_count, missing_count, unexpected_count, result -> 'success' AS success
  FROM vqc_report.results WHERE suite_name = 'people_check' ORDER BY position;
SELECT position, ordinality, column_name, value, row_key
  FROM vqc_report.unexpected JOIN vqc_report.run USING (run_id) WHERE suite_name = 'people_check'
 ORDER BY position, ordinality;
SELECT position, metric_name, column_name, value FROM vqc_report.metric
 WHERE suite_name = 'people_check' ORDER BY position NULLS FIRST, metric_name;
SELECT suite_name, position, expectation_type, status FROM vqc_report.latest_results
 WHERE suite_name = 'people_check' ORDER BY position;

-- an expectation that can no longer be evaluated is recorded as an error; the rest completes
ALTER TABLE people DROP COLUMN email;
SELECT "position", status, success, result #> '{exception_info,exception_message}' AS message
  FROM vqc.run('people_check');
SELECT evaluated_expectations, successful_expectations, error_expectations, success
  FROM vqc_report.run ORDER BY run_id DESC LIMIT 1;

-- an error during the shared scan (the regex match limit) is pinned on its expectation
CREATE TABLE texts (id int PRIMARY KEY, s text);
INSERT INTO texts VALUES (1, 'fine'), (2, repeat('a', 40) || 'b');
SELECT vqc.create_suite('texts_check', 'texts') > 0 AS created;
SELECT vqc.add_expectation('texts_check', 'expect_column_values_to_not_be_null', '{"column": "s"}') > 0 AS added;
SELECT vqc.add_expectation('texts_check', 'expect_column_values_to_match_regex', '{"column": "s", "regex": "(a+)+$"}') > 0 AS added;
SELECT "position", status, result #> '{exception_info,exception_message}' AS message FROM vqc.run('texts_check');
-- three scans: the shared one that failed, then each expectation alone
SELECT scans FROM vqc_report.run ORDER BY run_id DESC LIMIT 1;

-- removing and dropping
SELECT vqc.remove_expectation('texts_check', (SELECT max(expectation_id) FROM vqc.list_expectations('texts_check')));
SELECT count(*) FROM vqc.list_expectations('texts_check');
SELECT vqc.drop_suite('texts_check');
SELECT name FROM vqc.list_suites() WHERE name LIKE '%check';
-- the dropped suite's history stays
SELECT count(*) FROM vqc_report.run WHERE suite_name = 'texts_check';

-- a suite whose table is gone
DROP TABLE people;
SELECT * FROM vqc.run('people_check');

-- GE suite JSON in and out
CREATE TABLE g (id int PRIMARY KEY, v int);
INSERT INTO g VALUES (1, 1), (2, NULL);
SELECT vqc.create_suite('from_ge', 'g') > 0 AS created;
SELECT vqc.add_expectations('from_ge', '{"expectations": [
    {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "v", "mostly": 0.5}},
    {"type": "expect_table_row_count_to_equal", "kwargs": {"value": 2}}]}');
SELECT vqc.suite_to_json('from_ge');
SELECT "position", status FROM vqc.run('from_ge');

-- scheduling without pg_cron
SELECT vqc.schedule('from_ge', '0 3 * * *');

-- uniqueness of an unindexed integer column.  Keyed by the column itself,
-- the screen's repeats are the failing rows (one scan); keyed by another
-- column, a second pass reads just the rows of repeated words.  Both agree
-- with GROUP BY.
CREATE TABLE dup_ids (id bigint, other int);
INSERT INTO dup_ids
SELECT CASE WHEN g % 7 = 0 THEN g - 1 WHEN g % 11 = 0 THEN -5 ELSE g END, g
  FROM generate_series(1, 100) g;
INSERT INTO dup_ids VALUES (NULL, 101), (NULL, 102);
SELECT vqc.create_suite('dup_by_self', 'dup_ids', key_columns => '{id}') > 0 AS created;
SELECT vqc.add_expectation('dup_by_self', 'expect_column_values_to_be_unique', '{"column": "id"}') > 0 AS added;
SELECT vqc.create_suite('dup_by_other', 'dup_ids', key_columns => '{other}') > 0 AS created;
SELECT vqc.add_expectation('dup_by_other', 'expect_column_values_to_be_unique', '{"column": "id"}') > 0 AS added;
SELECT count(*) AS group_by_count FROM dup_ids WHERE id IN (SELECT id FROM dup_ids GROUP BY id HAVING count(*) > 1);
SELECT success, unexpected_count, unexpected_percent FROM vqc.run('dup_by_self');
SELECT scans FROM vqc_report.run ORDER BY run_id DESC LIMIT 1;
SELECT ordinality, value, row_key FROM vqc_report.unexpected
 WHERE run_id = (SELECT max(run_id) FROM vqc_report.run) ORDER BY ordinality;
SELECT success, unexpected_count, unexpected_percent FROM vqc.run('dup_by_other');
SELECT scans FROM vqc_report.run ORDER BY run_id DESC LIMIT 1;
SELECT ordinality, value, row_key FROM vqc_report.unexpected
 WHERE run_id = (SELECT max(run_id) FROM vqc_report.run) ORDER BY ordinality;

-- clean up what this file made
SELECT vqc.drop_suite(name) FROM vqc.list_suites() WHERE name IN ('people_check', 'from_ge', 'dup_by_self', 'dup_by_other');
DELETE FROM vqc_report.run WHERE suite_name IN ('people_check', 'texts_check', 'from_ge', 'dup_by_self', 'dup_by_other');

