-- A page for a big run (issue #14): a suite of 50 expectations on a table of
-- 20 columns, each profiled, run 30 times so every expectation has a
-- 30-point trend; vqc.report_html and vqc.suite_html of the last run.
-- Targets: the run's page under 1 MB, rendered in under 200 ms.
-- Run by test/bench/run.sh (--only html); needs no other table.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\o /dev/null
\i test/bench/bench_timer.sql
TRUNCATE bench.timing;
DROP TABLE IF EXISTS bench.wide;
SELECT vqc.drop_suite('wide_page') FROM vqc.suite WHERE name = 'wide_page';
DELETE FROM vqc_report.run WHERE suite_name = 'wide_page';
-- ten number columns, five integer columns, five text columns
SELECT format('CREATE TABLE bench.wide AS SELECT g AS id, %s, %s, %s FROM generate_series(1, 20000) g',
              (SELECT string_agg(format('(g * %s %% 1009) / 7.0 + random() AS x%s', 31 + i, i), ', ') FROM generate_series(1, 10) i),
              (SELECT string_agg(format('(g * %s) %% 97 AS k%s', 13 + i, i), ', ') FROM generate_series(1, 4) i),
              (SELECT string_agg(format('''v'' || ((g * %s) %% 23) AS t%s', 7 + i, i), ', ') FROM generate_series(1, 5) i))
\gexec
ALTER TABLE bench.wide ADD PRIMARY KEY (id);
ANALYZE bench.wide;
SELECT vqc.create_suite('wide_page', 'bench.wide', profile_columns => '{*}');
-- 50 expectations: per number column a range, a mean, a median and a
-- not-null; per integer column a value set; per text column a pattern and a length
SELECT vqc.add_expectation('wide_page', e.t, e.k)
  FROM (SELECT 1 AS o, i, 'expect_column_values_to_be_between' AS t, format('{"column": "x%s", "min_value": 0, "max_value": 140}', i)::jsonb AS k FROM generate_series(1, 10) i
        UNION ALL SELECT 2, i, 'expect_column_mean_to_be_between', format('{"column": "x%s", "min_value": 60, "max_value": 80, "meta": {"notes": "the mean of x%s stays near 72"}}', i, i)::jsonb FROM generate_series(1, 10) i
        UNION ALL SELECT 3, i, 'expect_column_median_to_be_between', format('{"column": "x%s", "min_value": 60, "max_value": 80}', i)::jsonb FROM generate_series(1, 10) i
        UNION ALL SELECT 4, i, 'expect_column_values_to_not_be_null', format('{"column": "x%s"}', i)::jsonb FROM generate_series(1, 6) i
        UNION ALL SELECT 5, i, 'expect_column_values_to_be_in_set', format('{"column": "k%s", "value_set": [%s]}', i, (SELECT string_agg(v::text, ',') FROM generate_series(0, 90) v))::jsonb FROM generate_series(1, 4) i
        UNION ALL SELECT 6, i, 'expect_column_values_to_match_regex', format('{"column": "t%s", "regex": "^v1?[0-9]$"}', i)::jsonb FROM generate_series(1, 5) i
        UNION ALL SELECT 7, i, 'expect_column_value_lengths_to_be_between', format('{"column": "t%s", "min_value": 2, "max_value": 3}', i)::jsonb FROM generate_series(1, 5) i) e
 ORDER BY e.o, e.i;
DO $$ BEGIN FOR i IN 1 .. 30 LOOP PERFORM count(*) FROM vqc.run('wide_page'); END LOOP; END $$;
SELECT bench.time('report_html (50 expectations, 20 profiles, 30-run trends)',
                  ARRAY['SELECT length(vqc.report_html((SELECT max(run_id) FROM vqc_report.run WHERE suite_name = ''wide_page'')))'], 5);
SELECT bench.time('suite_html (50 expectations, 30 runs)', ARRAY['SELECT length(vqc.suite_html(''wide_page''))'], 5);
\o
\echo
\echo 'Median of 5 renderings each, measured in this one session:'
SELECT label, round(median_ms::numeric, 1) AS median_ms, round(best_ms::numeric, 1) AS best_ms FROM bench.timing ORDER BY label;
SELECT (SELECT count(*) FROM vqc_report.result WHERE run_id = r.run_id) AS expectations,
       (SELECT count(*) FROM vqc_report.profile WHERE run_id = r.run_id) AS profiles,
       length(vqc.report_html(r.run_id)) AS "run page bytes (target < 1 MB)",
       length(vqc.suite_html('wide_page')) AS "suite page bytes",
       round((bench.ms('report_html (50 expectations, 20 profiles, 30-run trends)'))::numeric, 1) AS "run page ms (target < 200)"
  FROM vqc_report.run r WHERE r.suite_name = 'wide_page' ORDER BY r.run_id DESC LIMIT 1;
