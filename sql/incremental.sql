-- Incremental runs (issue #13): a suite with a watermark reads only the rows
-- past the last run's watermark; each result carries the whole table's
-- answer in result.cumulative, which must equal a full run's: exactly for
-- counts, sums, min/max and uniqueness, within 1e-12 (relative) for a mean and
-- a standard deviation.
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE inc_people (id bigint PRIMARY KEY, email text, age integer, income numeric, score float8,
                         city text, code integer, doc jsonb);
INSERT INTO inc_people
SELECT g, CASE WHEN g % 97 = 0 THEN 'bad' ELSE 'u' || g || '@x.org' END,
       CASE WHEN g % 101 = 0 THEN -1 WHEN g % 89 = 0 THEN NULL ELSE 20 + g % 60 END,
       g * 1.5, (g % 1000) / 7.0, (ARRAY['a', 'b', 'c'])[1 + g % 3],
       CASE WHEN g % 1000 = 0 THEN 7 ELSE g END, '{}'
  FROM generate_series(1, 20000) g;
ANALYZE inc_people;

-- the same expectations in two suites: one incremental, one read whole each time
CREATE FUNCTION inc_suite(name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vqc.create_suite(name, 'inc_people', profile_columns => '{age,city}');
    PERFORM vqc.add_expectation(name, 'expect_table_row_count_to_be_between', '{"min_value": 1}');
    PERFORM vqc.add_expectation(name, 'expect_column_values_to_match_regex', '{"column": "email", "regex": "@"}');
    PERFORM vqc.add_expectation(name, 'expect_column_values_to_be_between', '{"column": "age", "min_value": 0, "max_value": 120}');
    PERFORM vqc.add_expectation(name, 'expect_column_values_to_not_be_null', '{"column": "age", "mostly": 0.9}');
    PERFORM vqc.add_expectation(name, 'expect_column_min_to_be_between', '{"column": "age", "min_value": 0}');
    PERFORM vqc.add_expectation(name, 'expect_column_max_to_be_between', '{"column": "city", "max_value": "b"}');
    PERFORM vqc.add_expectation(name, 'expect_column_sum_to_be_between', '{"column": "income", "min_value": 0}');
    PERFORM vqc.add_expectation(name, 'expect_column_mean_to_be_between', '{"column": "score", "min_value": 0, "max_value": 100}');
    PERFORM vqc.add_expectation(name, 'expect_column_stdev_to_be_between', '{"column": "age", "max_value": 100}');
    PERFORM vqc.add_expectation(name, 'expect_column_values_to_be_unique', '{"column": "code"}');
    PERFORM vqc.add_expectation(name, 'expect_column_values_to_be_unique', '{"column": "id"}');
    PERFORM vqc.add_expectation(name, 'expect_column_median_to_be_between', '{"column": "age", "min_value": 0}');
END $$;
SELECT inc_suite('inc'), inc_suite('inc_whole');
SELECT vqc.set_watermark('inc', 'id');

-- Compares the incremental suite's last results' cumulative answers with a
-- run of the whole-table suite: one line per expectation.
CREATE FUNCTION inc_compare() RETURNS TABLE (pos integer, etype text, cumulative_equals_full text)
LANGUAGE sql AS $$
    WITH i AS (SELECT res.position, res.expectation_type, d.result -> 'result' -> 'cumulative' AS c
                 FROM vqc_report.result res JOIN vqc_report.result_detail d USING (run_id, position)
                WHERE res.run_id = (SELECT max(run_id) FROM vqc_report.run WHERE suite_name = 'inc')),
         f AS (SELECT r.position, r.success, r.result -> 'result' AS res FROM vqc.run('inc_whole') r)
    SELECT i.position, i.expectation_type,
           CASE WHEN NOT (i.c ? 'success') THEN 'not merged: ' || (i.c ->> 'reason')
                WHEN (i.c -> 'success') <> to_jsonb(f.success) THEN 'success differs'
                WHEN EXISTS (SELECT 1 FROM jsonb_each(i.c) x(k, v)
                              WHERE k IN ('element_count', 'missing_count', 'unexpected_count')
                                AND v <> f.res -> k) THEN 'a count differs'
                WHEN i.expectation_type IN ('expect_column_mean_to_be_between', 'expect_column_stdev_to_be_between')
                     AND abs((i.c ->> 'observed_value')::float8 / (f.res ->> 'observed_value')::float8 - 1) > 1e-12
                     THEN 'observed value differs'
                WHEN i.expectation_type NOT IN ('expect_column_mean_to_be_between', 'expect_column_stdev_to_be_between')
                     AND (i.c -> 'observed_value') IS DISTINCT FROM (f.res -> 'observed_value') THEN 'observed value differs'
                ELSE 'equal' || coalesce(' (' || (i.c ->> 'method') || ')', '') END
      FROM i JOIN f USING (position)
     ORDER BY i.position
$$;

-- the first run reads everything and stores the state
SELECT count(*) AS results FROM vqc.run('inc');
SELECT mode, reason, from_watermark, to_watermark, new_rows, cumulative_rows FROM vqc_report.incremental_run ORDER BY run_id;
SELECT * FROM inc_compare();

-- 1 % appended: a repeated code among the new rows, one repeating an old
-- (unique) code and one an old repeated code; a bad email, a NULL age
INSERT INTO inc_people
SELECT g, CASE WHEN g = 20100 THEN 'bad' ELSE 'u' || g || '@x.org' END, CASE WHEN g = 20007 THEN NULL ELSE 30 + g % 50 END,
       g * 1.5, (g % 1000) / 7.0, (ARRAY['a', 'c', 'd'])[1 + g % 3],
       CASE g WHEN 20001 THEN 20002 WHEN 20003 THEN 5 WHEN 20004 THEN 7 ELSE g END, '{}'
  FROM generate_series(20001, 20200) g;
ANALYZE inc_people;
-- the new rows are read through the primary key (the watermark's index)
SELECT vqc._new_rows_view('inc_people', 'id', 'bigint', '20000', 0) IS NOT NULL AS made;
CREATE FUNCTION inc_plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q;
END $$;
SELECT bool_or(p LIKE '%inc_people_pkey%') AS reads_through_the_index FROM inc_plan('SELECT count(*) FROM vqc_new_rows_0') p;
DROP VIEW vqc_new_rows_0;
-- the new rows' results, then the cumulative ones against a full run's
SELECT position, status, result -> 'result' ->> 'element_count' AS new_elements,
       result -> 'result' ->> 'unexpected_count' AS new_unexpected,
       result -> 'result' -> 'cumulative' ->> 'unexpected_count' AS all_unexpected
  FROM vqc.run('inc') ORDER BY position;
SELECT mode, reason, from_watermark, to_watermark, new_rows, cumulative_rows FROM vqc_report.incremental_run ORDER BY run_id;
SELECT rows_scanned FROM vqc_report.run WHERE suite_name = 'inc' ORDER BY run_id DESC LIMIT 1;
SELECT * FROM inc_compare();
-- the cumulative profile is the merge of the runs' profiles: the same counts as one of the whole column
SELECT vqc.row_count((state -> 'profiles' ->> 'age')::vqc.profile) AS rows_profiled,
       vqc.null_count((state -> 'profiles' ->> 'age')::vqc.profile) = (SELECT count(*) FROM inc_people WHERE age IS NULL) AS same_nulls,
       vqc.min_value((state -> 'profiles' ->> 'age')::vqc.profile) AS min_age,
       vqc.max_value((state -> 'profiles' ->> 'age')::vqc.profile) AS max_age
  FROM vqc_report.incremental_run ORDER BY run_id DESC LIMIT 1;

-- with an index on the unique column, new values probe it instead of a pass over the old rows
CREATE INDEX inc_people_code ON inc_people (code);
INSERT INTO inc_people SELECT g, 'u@x.org', 40, 1, 1, 'a', CASE WHEN g = 20201 THEN 100 ELSE g END, '{}'
  FROM generate_series(20201, 20210) g;
SELECT position, result -> 'result' -> 'cumulative' ->> 'method' AS method,
       result -> 'result' -> 'cumulative' ->> 'unexpected_count' AS all_unexpected
  FROM vqc.run('inc') WHERE expectation_type = 'expect_column_values_to_be_unique' ORDER BY position;
SELECT * FROM inc_compare() WHERE etype = 'expect_column_values_to_be_unique';
-- no new rows: nothing read, the state carried over
SELECT count(*) FILTER (WHERE (result -> 'result' ->> 'element_count')::int = 0) AS empty_results FROM vqc.run('inc');
SELECT mode, new_rows, cumulative_rows, to_watermark FROM vqc_report.incremental_run ORDER BY run_id DESC LIMIT 1;

-- an aborted insert raises a suspicion that the exact count clears
BEGIN;
INSERT INTO inc_people SELECT -g, 'x@y.z', 1, 1, 1, 'a', -g, '{}' FROM generate_series(1, 5) g;
ROLLBACK;
SELECT count(*) AS results FROM vqc.run('inc');
SELECT mode, new_rows FROM vqc_report.incremental_run ORDER BY run_id DESC LIMIT 1;

-- rows that arrive behind the watermark are an error, and nothing is written
INSERT INTO inc_people VALUES (-1, 'late@x.org', 50, 1, 1, 'a', -1, '{}'), (-2, 'late@x.org', 50, 1, 1, 'a', -2, '{}');
SELECT count(*) AS runs_before FROM vqc_report.run WHERE suite_name = 'inc';
DO $$
BEGIN
    PERFORM vqc.run('inc');
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING '%: %', SQLSTATE, SQLERRM;
END $$;
SELECT count(*) AS runs_after FROM vqc_report.run WHERE suite_name = 'inc';
-- full => true reads everything again and resets the state
SELECT count(*) AS results FROM vqc.run('inc', full => true);
SELECT mode, reason, new_rows, cumulative_rows FROM vqc_report.incremental_run ORDER BY run_id DESC LIMIT 1;
SELECT * FROM inc_compare();
-- a changed suite starts over
SELECT vqc.add_expectation('inc', 'expect_column_values_to_not_be_null', '{"column": "email"}') > 0 AS added;
SELECT count(*) AS results FROM vqc.run('inc');
SELECT mode, reason FROM vqc_report.incremental_run ORDER BY run_id DESC LIMIT 1;

-- bad input: a column without an order, an unknown column, an unknown suite
DO $$
DECLARE
    c text;
BEGIN
    FOREACH c IN ARRAY ARRAY['doc', 'nope'] LOOP
        BEGIN
            PERFORM vqc.set_watermark('inc', c);
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING '%: %', SQLSTATE, SQLERRM;
        END;
    END LOOP;
    PERFORM vqc.set_watermark('no_such_suite', 'id');
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING '%: %', SQLSTATE, SQLERRM;
END $$;
SELECT watermark FROM vqc.suite WHERE name = 'inc';
-- NULL turns it off: whole-table runs, no state stored
SELECT vqc.set_watermark('inc', NULL);
SELECT count(*) AS results FROM vqc.run('inc');
SELECT count(*) AS states FROM vqc_report.incremental_run;

-- a timestamp watermark that repeats: uniqueness of the watermark itself
-- needs no probe (new values are past every old one); the watermark is
-- stored as ISO 8601, so another DateStyle reads it back the same
CREATE TABLE inc_events (at timestamptz, v integer);
CREATE INDEX ON inc_events (at);
INSERT INTO inc_events SELECT '2026-01-01 00:00+00'::timestamptz + (g / 2) * interval '1 minute', g FROM generate_series(1, 1000) g;
SELECT vqc.create_suite('inc_ev', 'inc_events') > 0 AS made, vqc.create_suite('inc_ev_whole', 'inc_events') > 0 AS made;
SELECT vqc.add_expectation(x, 'expect_column_values_to_be_unique', '{"column": "at"}') > 0 AS added,
       vqc.add_expectation(x, 'expect_column_max_to_be_between', '{"column": "at", "max_value": "2027-01-01"}') > 0 AS added
  FROM unnest('{inc_ev,inc_ev_whole}'::text[]) x;
SELECT vqc.set_watermark('inc_ev', 'at');
SELECT count(*) AS results FROM vqc.run('inc_ev');
SELECT to_watermark FROM vqc_report.incremental_run ORDER BY run_id DESC LIMIT 1;
SET DateStyle = 'SQL, DMY';
SET TimeZone = 'Asia/Tokyo';
INSERT INTO inc_events SELECT '2026-01-01 00:00+00'::timestamptz + (g / 2) * interval '1 minute', g FROM generate_series(1002, 1011) g;
SELECT position, success, result -> 'result' -> 'cumulative' AS cumulative FROM vqc.run('inc_ev') ORDER BY position;
SELECT mode, new_rows, cumulative_rows, to_watermark FROM vqc_report.incremental_run ORDER BY run_id DESC LIMIT 1;
SELECT position, success, result -> 'result' ->> 'unexpected_count' AS unexpected, observed_value FROM vqc.run('inc_ev_whole') ORDER BY position;
RESET DateStyle;
RESET TimeZone;
SELECT vqc.drop_suite('inc_ev'), vqc.drop_suite('inc_ev_whole');
DELETE FROM vqc_report.run WHERE suite_name IN ('inc_ev', 'inc_ev_whole');
DROP TABLE inc_events;

-- a partitioned table: the new rows come from any partition, rows without a
-- primary key are keyed by partition and ctid, and late rows are counted
-- over the leaf partitions' statistics
CREATE TABLE inc_parted (id integer, v integer) PARTITION BY RANGE (id);
CREATE TABLE inc_parted_1 PARTITION OF inc_parted FOR VALUES FROM (MINVALUE) TO (1000);
CREATE TABLE inc_parted_2 PARTITION OF inc_parted FOR VALUES FROM (1000) TO (MAXVALUE);
CREATE INDEX ON inc_parted (id);
INSERT INTO inc_parted SELECT g, g % 7 FROM generate_series(1, 900) g;
SELECT vqc.create_suite('inc_p', 'inc_parted') > 0 AS made,
       vqc.add_expectation('inc_p', 'expect_column_values_to_be_between', '{"column": "v", "max_value": 5}') > 0 AS added;
SELECT vqc.set_watermark('inc_p', 'id');
SELECT count(*) AS results FROM vqc.run('inc_p');
INSERT INTO inc_parted SELECT g, g % 7 FROM generate_series(901, 1100) g;
SELECT result -> 'result' ->> 'element_count' AS elements_read, result -> 'result' ->> 'unexpected_count' AS new_unexpected,
       result -> 'result' -> 'cumulative' ->> 'unexpected_count' AS all_unexpected,
       result -> 'result' -> 'partial_unexpected_index_list' -> 0 ? 'partition' AS keyed_by_partition
  FROM vqc.run('inc_p');
SELECT (SELECT count(*) FROM inc_parted WHERE v > 5) AS all_unexpected_really;
INSERT INTO inc_parted VALUES (5, 6);
DO $$
BEGIN
    PERFORM vqc.run('inc_p');
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING '%: %', SQLSTATE, SQLERRM;
END $$;
SELECT vqc.drop_suite('inc_p');
DELETE FROM vqc_report.run WHERE suite_name = 'inc_p';
DROP TABLE inc_parted;

-- a role that only reads the table: the view of new rows is its own
-- (temporary) and the state is read as it; without SELECT on
-- vqc_report.incremental_run each run reads everything and says why
CREATE ROLE inc_runner;
CREATE TABLE inc_small (id integer PRIMARY KEY, v integer);
INSERT INTO inc_small SELECT g, g FROM generate_series(1, 100) g;
GRANT SELECT ON inc_small TO inc_runner;
SET ROLE inc_runner;
SELECT vqc.create_suite('inc_role', 'inc_small') > 0 AS made,
       vqc.add_expectation('inc_role', 'expect_column_values_to_not_be_null', '{"column": "v"}') > 0 AS added;
SELECT vqc.set_watermark('inc_role', 'id');
SELECT count(*) AS results FROM vqc.run('inc_role');
RESET ROLE;
INSERT INTO inc_small VALUES (101, NULL);
SET ROLE inc_runner;
SELECT result -> 'result' ->> 'element_count' AS elements_read,
       result -> 'result' -> 'cumulative' ->> 'unexpected_count' AS all_unexpected FROM vqc.run('inc_role');
RESET ROLE;
GRANT SELECT ON vqc_report.incremental_run TO inc_runner;
INSERT INTO inc_small VALUES (102, NULL);
SET ROLE inc_runner;
SELECT result -> 'result' ->> 'element_count' AS elements_read,
       result -> 'result' -> 'cumulative' ->> 'unexpected_count' AS all_unexpected FROM vqc.run('inc_role');
SELECT mode, reason, new_rows, cumulative_rows FROM vqc_report.incremental_run ORDER BY run_id;
SELECT vqc.drop_suite('inc_role');
RESET ROLE;
DELETE FROM vqc_report.run WHERE suite_name = 'inc_role';
REVOKE SELECT ON vqc_report.incremental_run FROM inc_runner;
DROP TABLE inc_small;
DROP ROLE inc_runner;

SELECT vqc.drop_suite('inc'), vqc.drop_suite('inc_whole');
DELETE FROM vqc_report.run WHERE suite_name IN ('inc', 'inc_whole');
DROP FUNCTION inc_compare(), inc_suite(text), inc_plan(text);
DROP TABLE inc_people;
