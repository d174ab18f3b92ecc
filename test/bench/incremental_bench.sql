-- Incremental runs (issue #13): the people table with 1 % appended and an
-- index on the watermark (record_id).  Times, median of 3, side by side: the
-- suite of suite_bench.sql run whole (no watermark), the same suite with a
-- watermark run with full => true (which also builds the cumulative state),
-- the incremental run of the appended rows, and the floor: reading the
-- appended rows' checked columns through the index.  Then the cumulative
-- answers of the incremental run against the whole run's.
-- Run by test/bench/run.sh on the people table (--only incremental).
\set ON_ERROR_STOP on
\o /dev/null
\i test/bench/bench_timer.sql
TRUNCATE bench.timing;

CREATE OR REPLACE FUNCTION bench.inc_suite(name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vqc.drop_suite(s.name) FROM vqc.suite s WHERE s.name = inc_suite.name;
    PERFORM vqc.create_suite(name, 'people', key_columns => '{record_id}', profile_columns => '{age}');
    PERFORM vqc.add_expectation(name, 'expect_column_values_to_be_unique', '{"column": "record_id"}');
    PERFORM vqc.add_expectation(name, 'expect_column_values_to_not_be_null', '{"column": "transaction_amount"}');
    PERFORM vqc.add_expectation(name, 'expect_column_values_to_be_between', '{"column": "age", "min_value": 0, "max_value": 120}');
    PERFORM vqc.add_expectation(name, 'expect_column_values_to_be_between', '{"column": "score", "min_value": 0, "max_value": 100}');
    PERFORM vqc.add_expectation(name, 'expect_column_values_to_match_regex', '{"column": "date_of_birth", "regex": "^\\d{4}-\\d{2}-\\d{2}$"}');
    PERFORM vqc.add_expectation(name, 'expect_column_values_to_match_regex', '{"column": "email", "regex": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"}');
    PERFORM vqc.add_expectation(name, 'expect_column_values_to_be_in_set', '{"column": "gender", "value_set": ["Male", "Female", "Other"]}');
    PERFORM vqc.add_expectation(name, 'expect_column_mean_to_be_between', '{"column": "income", "min_value": 35000, "max_value": 45000}');
    PERFORM vqc.add_expectation(name, 'expect_column_stdev_to_be_between', '{"column": "income", "min_value": 15000, "max_value": 30000}');
    PERFORM vqc.add_expectation(name, 'expect_column_sum_to_be_between', '{"column": "transaction_amount", "min_value": 0}');
    PERFORM vqc.add_expectation(name, 'expect_column_max_to_be_between', '{"column": "age", "max_value": 200}');
    PERFORM vqc.add_expectation(name, 'expect_table_row_count_to_be_between', '{"min_value": 1}');
END $$;

SELECT bench.inc_suite('inc_whole'), bench.inc_suite('inc_bench');
SELECT vqc.set_watermark('inc_bench', 'record_id');
CREATE INDEX IF NOT EXISTS people_record_id ON people (record_id);

-- uniqueness of a column that is not the watermark (the appended rows repeat
-- the first 1 %'s emails): without an index on email, one pass over the old
-- rows; with one, each new value probes it
SELECT vqc.drop_suite(name) FROM vqc.suite WHERE name = 'inc_probe';
SELECT vqc.create_suite('inc_probe', 'people', key_columns => '{record_id}');
SELECT vqc.add_expectation('inc_probe', 'expect_column_values_to_be_unique', '{"column": "email"}');
SELECT vqc.set_watermark('inc_probe', 'record_id');
DROP INDEX IF EXISTS people_email;

-- the state of the table as it is, then 1 % appended (the first rows again, ids past the end)
SELECT count(*) FROM vqc.run('inc_bench');
SELECT count(*) FROM vqc.run('inc_probe');
SELECT max(record_id) AS old_max FROM people \gset
INSERT INTO people
SELECT record_id + :old_max, user_id, transaction_amount, age, score, date_of_birth, email, gender, income
  FROM people WHERE record_id <= (:old_max / 100);
VACUUM ANALYZE people;
SELECT count(*) FROM people;    -- warm the cache

-- the latest run of a suite, deleted after a timed run so that the next starts from the same state
CREATE OR REPLACE FUNCTION bench.drop_last_run(suite text) RETURNS void LANGUAGE sql AS $$
    DELETE FROM vqc_report.run WHERE run_id = (SELECT max(run_id) FROM vqc_report.run WHERE suite_name = suite)
$$;

SELECT bench.time('whole run (suite without watermark)', ARRAY['SELECT count(*) FROM vqc.run(''inc_whole'')'], 3,
                  'SELECT bench.drop_last_run(''inc_whole'')');
SELECT bench.time('full => true (watermark suite, state rebuilt)', ARRAY['SELECT count(*) FROM vqc.run(''inc_bench'', full => true)'], 3,
                  'SELECT bench.drop_last_run(''inc_bench'')');
SELECT bench.time('incremental run (the 1 % appended)', ARRAY['SELECT count(*) FROM vqc.run(''inc_bench'')'], 3,
                  'SELECT bench.drop_last_run(''inc_bench'')');
-- the floor serially, as the incremental run reads so few rows (workers cost more than they save)
SET max_parallel_workers_per_gather = 0;
SELECT bench.time('floor: read the appended rows'' checked columns through the index', ARRAY[format(
  $q$SELECT count(record_id), count(transaction_amount), count(age), count(score), count(gender), count(income),
            count(*) FILTER (WHERE vqc.regex_match(date_of_birth, '^\d{4}-\d{2}-\d{2}$')),
            count(*) FILTER (WHERE vqc.regex_match(email, '^[^@\s]+@[^@\s]+\.[^@\s]+$'))
       FROM people WHERE record_id > %s$q$, :old_max)]);
RESET max_parallel_workers_per_gather;

SELECT bench.time('uniqueness of email, no index (one pass over the old rows)', ARRAY['SELECT count(*) FROM vqc.run(''inc_probe'')'], 3,
                  'SELECT bench.drop_last_run(''inc_probe'')');
CREATE INDEX people_email ON people (email);
SELECT bench.time('uniqueness of email, index on email (probes)', ARRAY['SELECT count(*) FROM vqc.run(''inc_probe'')'], 3,
                  'SELECT bench.drop_last_run(''inc_probe'')');
SELECT count(*) FROM vqc.run('inc_probe');
CREATE TEMP TABLE probe_cmp AS
SELECT d.result -> 'result' -> 'cumulative' ->> 'method' AS method,
       (d.result -> 'result' -> 'cumulative' ->> 'unexpected_count')::bigint AS cumulative_unexpected,
       (vqc.expect('people', 'expect_column_values_to_be_unique', '{"column": "email"}') -> 'result' ->> 'unexpected_count')::bigint
           AS whole_table_unexpected
  FROM vqc_report.result_detail d
 WHERE d.run_id = (SELECT max(run_id) FROM vqc_report.run WHERE suite_name = 'inc_probe');
DROP INDEX people_email;

-- one incremental run kept, compared with a whole run on the same rows
SELECT count(*) FROM vqc.run('inc_bench');
CREATE TEMP TABLE inc_cmp AS
WITH i AS (SELECT res.position, res.expectation_type, d.result -> 'result' -> 'cumulative' AS c
             FROM vqc_report.result res JOIN vqc_report.result_detail d USING (run_id, position)
            WHERE res.run_id = (SELECT max(run_id) FROM vqc_report.run WHERE suite_name = 'inc_bench')),
     f AS (SELECT r.position, r.success, r.result -> 'result' AS res FROM vqc.run('inc_whole') r)
SELECT i.position, i.expectation_type,
       CASE WHEN NOT (i.c ? 'success') THEN 'not merged'
            WHEN (i.c -> 'success') <> to_jsonb(f.success) THEN 'success differs'
            WHEN EXISTS (SELECT 1 FROM jsonb_each(i.c) x(k, v)
                          WHERE k IN ('element_count', 'missing_count', 'unexpected_count') AND v <> f.res -> k) THEN 'a count differs'
            WHEN i.expectation_type IN ('expect_column_mean_to_be_between', 'expect_column_stdev_to_be_between')
                 THEN format('relative difference %s', abs((i.c ->> 'observed_value')::float8 / (f.res ->> 'observed_value')::float8 - 1))
            WHEN (i.c -> 'observed_value') IS DISTINCT FROM (f.res -> 'observed_value') THEN 'observed value differs'
            ELSE 'equal' END || coalesce(' (' || (i.c ->> 'method') || ')', '') AS cumulative_vs_whole_run
  FROM i JOIN f USING (position);

\o
\echo 'median of 3 (ms); people with 1 % appended, index on record_id'
SELECT label, round(median_ms::numeric, 1) AS median_ms, round(best_ms::numeric, 1) AS best_ms,
       round((median_ms / bench.ms('whole run (suite without watermark)') * 100)::numeric, 2) AS pct_of_whole_run
  FROM bench.timing ORDER BY median_ms DESC;
SELECT mode, new_rows, cumulative_rows FROM vqc_report.incremental_run ORDER BY run_id DESC LIMIT 1;
SELECT * FROM inc_cmp ORDER BY position;
SELECT * FROM probe_cmp;
SELECT vqc.drop_suite('inc_whole'), vqc.drop_suite('inc_bench'), vqc.drop_suite('inc_probe');
DELETE FROM people WHERE record_id > :old_max;
