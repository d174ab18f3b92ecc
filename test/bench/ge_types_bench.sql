-- The sample suite of suite_bench.sql against the same suite plus one check
-- of the kinds issue #11 names: a column pair, a compound uniqueness (the
-- hash screen), a LIKE pattern and a row_condition (target: still one scan, at most 1.3 x
-- the sample suite's time), and plus each of them alone (what each costs);
-- and alone, a z-score and a referential check
-- joined to the scan.  Run by test/bench/run.sh on the
-- people table.
\set ON_ERROR_STOP on
\o /dev/null
\i test/bench/bench_timer.sql
TRUNCATE bench.timing;

CREATE TABLE IF NOT EXISTS bench.users AS SELECT g AS user_id FROM generate_series(1, 49000) g;
SELECT vqc.drop_suite(name) FROM vqc.suite
 WHERE name IN ('ge_sample', 'ge_plus', 'ge_z', 'ge_ref', 'ge_pair', 'ge_compound', 'ge_like', 'ge_condition');
SELECT vqc.create_suite(s, 'people', key_columns => '{record_id}')
  FROM unnest(ARRAY['ge_sample', 'ge_plus', 'ge_pair', 'ge_compound', 'ge_like', 'ge_condition']) s;
SELECT vqc.add_expectation(s, e.t, e.k::jsonb)
  FROM unnest(ARRAY['ge_sample', 'ge_plus', 'ge_pair', 'ge_compound', 'ge_like', 'ge_condition']) s,
       (VALUES (1, 'expect_column_values_to_be_unique', '{"column": "record_id"}'),
               (2, 'expect_column_values_to_not_be_null', '{"column": "transaction_amount"}'),
               (3, 'expect_column_values_to_be_between', '{"column": "age", "min_value": 0, "max_value": 120}'),
               (4, 'expect_column_values_to_be_between', '{"column": "score", "min_value": 0, "max_value": 100}'),
               (5, 'expect_column_values_to_match_regex', '{"column": "date_of_birth", "regex": "^\\d{4}-\\d{2}-\\d{2}$"}'),
               (6, 'expect_column_values_to_match_regex', '{"column": "email", "regex": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"}'),
               (7, 'expect_column_values_to_be_in_set', '{"column": "gender", "value_set": ["Male", "Female", "Other"]}'),
               (8, 'expect_column_mean_to_be_between', '{"column": "income", "min_value": 35000, "max_value": 45000}'),
               (9, 'expect_column_median_to_be_between', '{"column": "income", "min_value": 30000, "max_value": 40000}'),
               (10, 'expect_column_stdev_to_be_between', '{"column": "income", "min_value": 15000, "max_value": 30000}')) e(o, t, k)
 ORDER BY s, e.o;
-- the four new checks: all in ge_plus, each alone in a suite of its own
SELECT vqc.add_expectation(s, e.t, e.k::jsonb)
  FROM (VALUES (1, 'ge_pair', 'expect_column_pair_values_a_to_be_greater_than_b', '{"column_A": "record_id", "column_B": "user_id", "or_equal": true, "mostly": 0.9}'),
               (2, 'ge_compound', 'expect_compound_columns_to_be_unique', '{"column_list": ["user_id", "record_id"]}'),
               (3, 'ge_like', 'expect_column_values_to_match_like_pattern', '{"column": "email", "like_pattern": "%@%.%"}'),
               (4, 'ge_condition', 'expect_column_values_to_be_between', '{"column": "age", "min_value": 18, "max_value": 120, "mostly": 0.5, "row_condition": "col(\"gender\") == \"Female\"", "condition_parser": "great_expectations"}')) e(o, one, t, k),
       unnest(ARRAY['ge_plus', e.one]) s
 ORDER BY s, e.o;
SELECT vqc.create_suite('ge_z', 'people', key_columns => '{record_id}');
SELECT vqc.add_expectation('ge_z', 'expect_column_value_z_scores_to_be_less_than', '{"column": "income", "threshold": 30}');
SELECT vqc.create_suite('ge_ref', 'people', key_columns => '{record_id}');
SELECT vqc.add_expectation('ge_ref', 'expect_column_values_to_be_in_other_table',
                           '{"column": "user_id", "other_table": "bench.users", "other_column": "user_id"}');

-- warm the cache
SELECT count(*) FROM people;

SELECT bench.time('count(*)', ARRAY['SELECT count(*) FROM people']);
-- the two times of the target's ratio, in alternation
SELECT bench.time_pair('sample suite (10 checks)', 'SELECT count(*) FROM vqc.run(''ge_sample'')',
                       'sample suite + pair, compound unique, LIKE, row_condition (14)', 'SELECT count(*) FROM vqc.run(''ge_plus'')', 7);
SELECT bench.time(format('sample suite + %s', x.what), ARRAY[format('SELECT count(*) FROM vqc.run(%L)', x.suite)])
  FROM (VALUES ('pair', 'ge_pair'), ('compound unique', 'ge_compound'), ('LIKE', 'ge_like'), ('row_condition', 'ge_condition')) x(what, suite);
SELECT bench.time('z-scores (mean, stdev, min, max in the scan)', ARRAY['SELECT count(*) FROM vqc.run(''ge_z'')']);
SELECT bench.time('values in other table (joined to the scan)', ARRAY['SELECT count(*) FROM vqc.run(''ge_ref'')']);
\o

\echo
\echo 'Median of 3 runs each (7, in alternation, for the sample suite and the 14 checks), measured in this one session:'
SELECT label, round(median_ms::numeric, 1) AS median_ms, round(best_ms::numeric, 1) AS best_ms FROM bench.timing ORDER BY median_ms;
SELECT round((bench.ms('sample suite + pair, compound unique, LIKE, row_condition (14)') / bench.ms('sample suite (10 checks)'))::numeric, 2)
           AS "with the 4 new checks / sample suite (target <= 1.3)";
SELECT substr(label, 16) AS "one new check", round((median_ms - bench.ms('sample suite (10 checks)'))::numeric) AS "ms over the sample suite"
  FROM bench.timing WHERE label LIKE 'sample suite + %' AND label NOT LIKE '%(14)' ORDER BY label;
SELECT suite_name, scans AS "scans per run", rows_scanned
  FROM (SELECT DISTINCT ON (suite_name) suite_name, scans, rows_scanned FROM vqc_report.run
         WHERE suite_name LIKE 'ge\_%' ORDER BY suite_name, run_id DESC) r
 ORDER BY suite_name;
SELECT "position", expectation_type, status, unexpected_count FROM vqc.run('ge_plus') WHERE "position" > 10;

-- The floor of the 14 checks' scan: the sample suite's scan plus the least
-- work per row the four checks cannot skip (their three predicates, counted
-- by count(*) FILTER with the cheapest evaluator of each, and the keyed
-- screen of the combination, one direct-addressed slot a row), against the
-- 14 checks' scan; the scans alone (no planning, no result building), in
-- alternation.  At tuned settings (the keyed screen).
CREATE TABLE IF NOT EXISTS bench.scan_sql (name text PRIMARY KEY, sql text, params jsonb);
DROP FUNCTION IF EXISTS bench.save_scan(text, text, text, text);
CREATE FUNCTION bench.save_scan(scan_name text, suite text, extra text DEFAULT NULL, extra_out text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    q text;
    x record;
BEGIN
    SELECT p.* INTO x
      FROM vqc.suite s, LATERAL vqc._suite_inputs(s, 'people'::regclass) i,
           LATERAL vqc._plan_all('people'::regclass, i.expectations, i.key_columns, 20, '"BASIC"', false, i.profile_columns) p
     WHERE s.name = suite;
    q := vqc._scan_sql('people'::regclass, x.items, ARRAY(SELECT k FROM jsonb_object_keys(x.items) k ORDER BY k));
    IF extra IS NOT NULL THEN
        -- referenced outside, or the planner drops them from the subquery
        q := replace(replace(q, ' FROM public.people) AS vqc_states', ', ' || extra || ' FROM public.people) AS vqc_states'),
                     ']::pg_catalog.text[] FROM (SELECT', ', ' || extra_out || ']::pg_catalog.text[] FROM (SELECT');
    END IF;
    INSERT INTO bench.scan_sql VALUES (scan_name, q, x.kwargs_all)
        ON CONFLICT ON CONSTRAINT scan_sql_pkey DO UPDATE SET sql = excluded.sql, params = excluded.params;
END
$$;
CREATE OR REPLACE FUNCTION bench.run_scan(name text) RETURNS void
LANGUAGE plpgsql
SET jit_inline_above_cost TO '-1'      -- as vqc._scan_items
AS $$
DECLARE
    r bench.scan_sql := (SELECT x FROM bench.scan_sql x WHERE x.name = run_scan.name);
    arr text[];
BEGIN
    EXECUTE r.sql INTO arr USING r.params;
END
$$;
\o /dev/null
SELECT bench.save_scan('sample', 'ge_sample');
SELECT bench.save_scan('plus', 'ge_plus');
SELECT bench.save_scan('floor', 'ge_sample',
    'pg_catalog.count(*) FILTER (WHERE (record_id)::bigint OPERATOR(pg_catalog.>=) (user_id)::integer) AS vqc_f1, '
    'pg_catalog.count(*) FILTER (WHERE vqc.like_match((email)::pg_catalog.text, ''%@%.%'')) AS vqc_f2, '
    'pg_catalog.count(*) FILTER (WHERE gender OPERATOR(pg_catalog.=) ''Female''::text) AS vqc_f3, '
    'vqc.hash_set_agg(record_id, (user_id)::pg_catalog.int8) AS vqc_f4',
    '(vqc_states.vqc_f1)::pg_catalog.text, (vqc_states.vqc_f2)::pg_catalog.text, (vqc_states.vqc_f3)::pg_catalog.text, '
    '(vqc.hash_set_duplicates(vqc_states.vqc_f4, 100000))::pg_catalog.text');
SELECT bench.time_set(ARRAY['scan: sample suite', 'scan: floor of the 14 checks', 'scan: the 14 checks'],
                      ARRAY['SELECT bench.run_scan(''sample'')', 'SELECT bench.run_scan(''floor'')', 'SELECT bench.run_scan(''plus'')'], 7);
\o
SELECT round(bench.ms('scan: sample suite')::numeric, 1) AS "sample suite's scan ms",
       round(bench.ms('scan: floor of the 14 checks')::numeric, 1) AS "floor ms",
       round(bench.ms('scan: the 14 checks')::numeric, 1) AS "14 checks' scan ms",
       round((bench.ms('scan: floor of the 14 checks') / bench.ms('scan: sample suite'))::numeric, 2) AS "floor / sample",
       round((bench.ms('scan: the 14 checks') / bench.ms('scan: sample suite'))::numeric, 2) AS "14 checks / sample",
       round((bench.ms('scan: the 14 checks') / bench.ms('scan: floor of the 14 checks'))::numeric, 2) AS "14 checks / floor";

-- The 14 checks with room for the combination's keyed screen: 10 M keys
-- take 21 MB, past vqc.exact_memory_limit's default (work_mem: 4 MB at stock
-- settings), where the screen keys by record_id alone and a second pass
-- confirms its repeated values
\o /dev/null
SET vqc.exact_memory_limit = '64MB';
SELECT bench.time_pair('sample suite (10 checks), exact_memory_limit 64MB', 'SELECT count(*) FROM vqc.run(''ge_sample'')',
                       'the 14 checks, exact_memory_limit 64MB', 'SELECT count(*) FROM vqc.run(''ge_plus'')', 7);
\o
SELECT round(bench.ms('sample suite (10 checks), exact_memory_limit 64MB')::numeric, 1) AS "sample suite ms (limit 64MB)",
       round(bench.ms('the 14 checks, exact_memory_limit 64MB')::numeric, 1) AS "14 checks ms (limit 64MB)",
       round((bench.ms('the 14 checks, exact_memory_limit 64MB') / bench.ms('sample suite (10 checks), exact_memory_limit 64MB'))::numeric, 2)
           AS "ratio (limit 64MB)",
       (SELECT scans FROM vqc_report.run WHERE suite_name = 'ge_plus' ORDER BY run_id DESC LIMIT 1) AS "scans (limit 64MB)";
RESET vqc.exact_memory_limit;
