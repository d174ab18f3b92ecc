-- increasing / decreasing on a Citus distributed table (src/sql/monotone_gather.sql),
-- on one node: vqc._citus_distributed reads Citus' catalog
-- pg_catalog.pg_dist_partition; a stand-in of it, made and dropped in one
-- transaction (no other session sees it), makes the table "distributed".  The plan is then
-- the gathered one (the scan counts, a pass of its own finds the failing
-- rows), with the same answers as the one-node plan.
CREATE SCHEMA monotone_test;
SET search_path = monotone_test, public;
CREATE FUNCTION try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    hint text;
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' HINT: ' || nullif(hint, ''), '');
END $$;

-- rows inserted out of key order, NULLs, ties and planted drops
CREATE TABLE m (id int PRIMARY KEY, up int, down float8, ts text);
INSERT INTO m SELECT i, CASE WHEN i % 7 = 0 THEN i - 3 WHEN i % 11 = 0 THEN NULL ELSE i END,
                     CASE WHEN i % 13 = 0 THEN i ELSE 100 - i / 2 END,
                     to_char(timestamp '2024-01-01' + (i - CASE WHEN i % 17 = 0 THEN 2 ELSE 0 END) * interval '1 hour',
                             'YYYY-MM-DD HH24:MI:SS')
                FROM generate_series(60, 1, -1) i;
CREATE TABLE heap (v int);
INSERT INTO heap VALUES (1), (2);
CREATE TABLE cases (n int, etype text, kwargs jsonb);
INSERT INTO cases VALUES
  (1, 'expect_column_values_to_be_increasing', '{"column": "up"}'),
  (2, 'expect_column_values_to_be_increasing', '{"column": "up", "strictly": true, "mostly": 0.8}'),
  (3, 'expect_column_values_to_be_decreasing', '{"column": "down"}'),
  (4, 'expect_column_values_to_be_decreasing', '{"column": "down", "strictly": true}'),
  (5, 'expect_column_values_to_be_increasing', '{"column": "ts", "parse_strings_as_datetimes": true}'),
  (6, 'expect_column_values_to_be_increasing', '{"column": "id", "result_format": "COMPLETE"}'),
  (7, 'expect_column_values_to_be_decreasing',
      '{"column": "up", "result_format": {"result_format": "COMPLETE", "unexpected_index_column_names": ["down", "id"]}}');
CREATE TABLE answers (n int, how text, r jsonb, index_rows jsonb);
-- the rows unexpected_index_query selects
CREATE FUNCTION index_rows(r jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    rows jsonb;
BEGIN
    IF r #>> '{result,unexpected_index_query}' IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT jsonb_agg(to_jsonb(q) ORDER BY to_jsonb(q)::text) FROM (%s) q',
                   rtrim(r #>> '{result,unexpected_index_query}', ';')) INTO rows;
    RETURN rows;
END $$;
INSERT INTO answers SELECT n, 'one node', r, index_rows(r)
  FROM cases, LATERAL vqc.expect('m', etype, kwargs) r;
SELECT vqc.create_suite('monotone_suite', 'monotone_test.m', '{id}') IS NOT NULL AS created;
SELECT count(vqc.add_expectation('monotone_suite', etype, kwargs - 'result_format')) AS added FROM cases;
SELECT vqc.add_expectation('monotone_suite', 'expect_column_values_to_be_between', '{"column": "up", "min_value": 0}') > 0 AS added;
CREATE TABLE runs AS
SELECT 'one node' AS how, array_agg(format('%s %s %s', "position", status, unexpected_count) ORDER BY "position") AS results
  FROM vqc.run('monotone_suite');

BEGIN;
SET LOCAL allow_system_table_mods = on;
CREATE TABLE pg_catalog.pg_dist_partition (logicalrelid regclass, partmethod "char");
INSERT INTO pg_catalog.pg_dist_partition VALUES ('m', 'h'), ('heap', 'h');
SELECT vqc._citus_distributed('m') AS m_distributed;
-- the plan on a "distributed" table: the scan counts rows and values; the
-- failing rows are the pass's, which gathers the key and the value
SELECT jsonb_pretty(p - 'kwargs' - 'explain_note' - 'column' - 'type_sql' - 'type' - 'position')
  FROM vqc._plan('m', 'expect_column_values_to_be_increasing', '{"column": "up", "strictly": true}', 1, '{id}', 20) p;
SELECT p ->> 'explain_note' AS note
  FROM vqc._plan('m', 'expect_column_values_to_be_decreasing', '{"column": "ts", "parse_strings_as_datetimes": true}', 1, '{id}', 20) p;
-- without key_columns the primary key orders the rows; the row key is the
-- row's place, which only the shard knows: gathered with them
SELECT p ->> 'pass_sql' AS pass_sql
  FROM vqc._plan('m', 'expect_column_values_to_be_increasing', '{"column": "up"}', 1, '{}', 20) p;
INSERT INTO answers SELECT n, 'distributed', r, index_rows(r)
  FROM cases, LATERAL vqc.expect('m', etype, kwargs) r;
-- a suite: the other checks stay in the one scan, each monotone check
-- takes a pass (vqc.explain says so)
SELECT count(*) FILTER (WHERE line ~ 'Seq Scan on m') AS reads_of_m_in_the_scan,
       count(*) FILTER (WHERE line ~ 'WindowAgg') AS windows_in_the_scan
  FROM vqc.explain('monotone_suite') line;
SELECT line FROM vqc.explain('monotone_suite') line WHERE line ~ '^Note' LIMIT 2;
INSERT INTO runs
SELECT 'distributed', array_agg(format('%s %s %s', "position", status, unexpected_count) ORDER BY "position")
  FROM vqc.run('monotone_suite');
SELECT scans FROM vqc_report.run WHERE suite_name = 'monotone_suite' ORDER BY run_id;
-- a distributed table without a key has no order (a ctid repeats across shards)
SELECT try($$SELECT vqc.expect('heap', 'expect_column_values_to_be_increasing', '{"column": "v"}')$$);
SELECT try($$SELECT vqc.expect('m', 'expect_column_values_to_be_increasing', '{"column": "up", "row_condition": "col(\"id\") > 3", "condition_parser": "great_expectations"}')$$);
DROP TABLE pg_catalog.pg_dist_partition;
COMMIT;
SELECT vqc._citus_distributed('m') AS m_distributed_after;

-- the same answers: statuses, counts, percentages, samples and their keys,
-- and the rows of unexpected_index_query
SELECT c.n, c.etype, (d.r -> 'result') - 'unexpected_index_query' = (o.r -> 'result') - 'unexpected_index_query' AS same_result,
       d.r -> 'success' AS success, d.r #> '{result,unexpected_count}' AS unexpected,
       d.index_rows IS NOT DISTINCT FROM o.index_rows AS same_index_rows, jsonb_array_length(d.index_rows) AS index_rows
  FROM cases c JOIN answers o ON o.n = c.n AND o.how = 'one node' JOIN answers d ON d.n = c.n AND d.how = 'distributed'
 ORDER BY c.n;
SELECT r #> '{result,partial_unexpected_index_list}' AS keys FROM answers WHERE n = 7 AND how = 'distributed';
SELECT how, results FROM runs ORDER BY how DESC;

RESET search_path;
DROP SCHEMA monotone_test CASCADE;
SELECT vqc.drop_suite('monotone_suite');
