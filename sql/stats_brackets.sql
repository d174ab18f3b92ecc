-- Exact quantiles past vqc.exact_memory_limit in the suite's one scan: the
-- planner's statistics bracket each wanted rank, the scan counts the values
-- below the bracket and collects those inside, and the answer is exact
-- whatever the statistics say (a bracket that misses costs passes).
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE sb (x float8, v numeric, i int, heavy int, late float8) WITH (autovacuum_enabled = off);
INSERT INTO sb SELECT (g * 7919) % 100003 / 7.0 - 3000,
                      ((g::bigint * 104729) % 99991) / 3.0,
                      (g * 31) % 100000,
                      CASE WHEN g % 3 = 0 THEN 50000 ELSE g END,
                      g
  FROM generate_series(1, 100000) g;
INSERT INTO sb VALUES (NULL, NULL, NULL, NULL, NULL), ('NaN', 'NaN', NULL, NULL, 'NaN'),
                      ('-Infinity', NULL, NULL, NULL, '-Infinity');
ANALYZE sb;
-- 64 kB hold 8192 values: the collector overflows, a bracket of the statistics
-- fits; except in heavy, where every third value is 50000, the median, one
-- value heavier than a bracket may hold
SET vqc.exact_memory_limit = 64;
SELECT col, b IS NOT NULL AS bracketed,
       (b -> 0 ->> 'lo')::float8 < (b -> 0 ->> 'hi')::float8 AS ordered
  FROM unnest('{x,v,i,heavy}'::text[]) col, LATERAL (SELECT vqc._stats_brackets('sb', col, '{0.5}') AS b) s
 ORDER BY col;
-- a suite: median and quantiles of three columns, all in the one scan
SELECT vqc.create_suite('brackets', 'sb') > 0 AS created;
SELECT count(*) FROM (
    SELECT vqc.add_expectation('brackets', 'expect_column_median_to_be_between', format('{"column": "%s", "min_value": -1e9}', c)::jsonb)
      FROM unnest('{x,v,i}'::text[]) c
    UNION ALL
    SELECT vqc.add_expectation('brackets', 'expect_column_quantile_values_to_be_between',
             format('{"column": "%s", "quantile_ranges": {"quantiles": [0.5], "value_ranges": [[null, null]]}}', c)::jsonb)
      FROM unnest('{x,v}'::text[]) c) a;
CREATE TABLE got AS SELECT position, column_name, expectation_type, observed_value FROM vqc.run('brackets');
SELECT scans FROM vqc_report.run WHERE suite_name = 'brackets';
SELECT g.column_name, g.expectation_type,
       CASE g.expectation_type WHEN 'expect_column_median_to_be_between' THEN (g.observed_value #>> '{}')::float8 = w.cont
            ELSE (g.observed_value #>> '{values,0}')::float8 = w.disc END AS exact
  FROM got g
  JOIN LATERAL (SELECT * FROM (VALUES
        ('x', (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM sb), (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM sb)),
        ('v', (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v::float8) FROM sb), (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v::float8) FROM sb)),
        ('i', (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY i) FROM sb), NULL)) w(col, cont, disc)
        WHERE w.col = g.column_name) w ON true
 ORDER BY g.position;
-- the heavy column takes a profile in the scan to bracket one more pass, exact
SELECT vqc.add_expectation('brackets', 'expect_column_median_to_be_between', '{"column": "heavy", "min_value": -1e9}') > 0 AS added;
SELECT observed_value::text::float8 = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY heavy) FROM sb) AS exact
  FROM vqc.run('brackets') WHERE column_name = 'heavy';
SELECT scans FROM vqc_report.run WHERE suite_name = 'brackets' ORDER BY run_id DESC LIMIT 1;
-- quantiles near the ends: the bracket reaches past the last value (-Infinity,
-- NaN: ranked last as percentile_disc ranks them)
SELECT vqc._stats_brackets('sb', 'late', '{0.0001, 0.9999}') IS NOT NULL AS bracketed,
       ARRAY(SELECT jsonb_array_elements_text(vqc.expect('sb', 'expect_column_quantile_values_to_be_between',
                   '{"column": "late", "quantile_ranges": {"quantiles": [0, 0.0001, 0.9999, 1], "value_ranges": [[null, null], [null, null], [null, null], [null, null]]}}')
        #> '{result,observed_value,values}')::float8)
       = (SELECT percentile_disc('{0, 0.0001, 0.9999, 1}'::float8[]) WITHIN GROUP (ORDER BY late) FROM sb) AS exact;
-- A bracket that misses the rank gives NULL, never a wrong value (here one
-- that holds only values above the median), one around it the value
SET client_min_messages = notice;
DO $$
DECLARE
    got  float8;
    same boolean;
BEGIN
    EXECUTE format('SELECT %s FROM sb', vqc._bracketed_rank_sql('x::pg_catalog.float8', '{"lo": 9000, "hi": 9500}',
                                                                vqc._rank_sql('pg_catalog.count(x)', 0.5, false, false)))
        INTO got;
    RAISE NOTICE 'a bracket above the median: %', coalesce(got::text, 'NULL');
    EXECUTE format('SELECT %s = (SELECT x FROM sb WHERE x IS NOT NULL ORDER BY x OFFSET (SELECT floor(0.5 * (count(x) - 1)) FROM sb) LIMIT 1) FROM sb',
                   vqc._bracketed_rank_sql('x::pg_catalog.float8', '{"lo": 4000, "hi": 4300}',
                                           vqc._rank_sql('pg_catalog.count(x)', 0.5, false, false)))
        INTO same;
    RAISE NOTICE 'a bracket around it finds the value at the rank: %', same;
END $$;
-- the evaluation falls back to passes when a bracket missed
SELECT x.quantiles[1] = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM sb) AS exact, x.passes > 0 AS passes
  FROM vqc._overflowed_quantiles('sb', 'x::pg_catalog.float8', '{0.5}', false,
                                 '{"count_item": "c", "bracket_items": [["r", "R"]]}',
                                 jsonb_build_object('c', (SELECT count(x) FROM sb), 'r', NULL, 'R', 1)) x;
SET client_min_messages = warning;
-- no statistics: no bracket
CREATE TABLE sb_new WITH (autovacuum_enabled = off) AS SELECT * FROM sb;
SELECT vqc._stats_brackets('sb_new', 'x', '{0.5}') AS not_analyzed;
-- statistics far from the data: the bracket misses, the median is still
-- exact, from passes (the run's scans say so)
UPDATE sb SET x = x + 5000 WHERE x < 4000;
SELECT vqc._stats_brackets('sb', 'x', '{0.5}') IS NOT NULL AS bracketed;
SELECT observed_value::text::float8 = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM sb) AS exact
  FROM vqc.run('brackets') WHERE column_name = 'x' AND expectation_type = 'expect_column_median_to_be_between';
SELECT scans > 1 AS more_scans FROM vqc_report.run WHERE suite_name = 'brackets' ORDER BY run_id DESC LIMIT 1;
-- too many quantiles for the budget: the profile brackets instead
ANALYZE sb;
SELECT vqc._stats_brackets('sb', 'x', '{0.1, 0.2, 0.3, 0.4, 0.5}') AS too_many;
RESET vqc.exact_memory_limit;
SELECT vqc.drop_suite('brackets');
DELETE FROM vqc_report.run WHERE suite_name = 'brackets';
DROP TABLE sb, sb_new, got;
