-- Aggregate, table and schema expectations.
CREATE SCHEMA expect_aggregate_test;
SET search_path = expect_aggregate_test, public;
CREATE TABLE a (id int PRIMARY KEY, v numeric, f float8, i int, d date, s text);
INSERT INTO a SELECT g, g, g * 1.5, g, date '2024-01-01' + g, 's' || g FROM generate_series(1, 9) g;
INSERT INTO a VALUES (10, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE e (v numeric);

SELECT jsonb_pretty(vqc.expect('a', 'expect_column_mean_to_be_between', '{"column": "v", "min_value": 4, "max_value": 6}'));
SELECT t, k, r -> 'success' AS success, r #> '{result,observed_value}' AS observed
  FROM (VALUES ('expect_column_mean_to_be_between', '{"column": "f", "min_value": 7.5, "max_value": 7.5}'::jsonb),
               ('expect_column_mean_to_be_between', '{"column": "f", "min_value": 7.5, "strict_min": true}'),
               ('expect_column_median_to_be_between', '{"column": "v", "min_value": 5, "max_value": 5}'),
               ('expect_column_median_to_be_between', '{"column": "f", "max_value": 7}'),
               ('expect_column_stdev_to_be_between', '{"column": "i", "min_value": 2.7, "max_value": 2.8}'),
               ('expect_column_sum_to_be_between', '{"column": "i", "min_value": 45, "max_value": 45}'),
               ('expect_column_sum_to_be_between', '{"column": "i", "max_value": 45, "strict_max": true}'),
               ('expect_column_min_to_be_between', '{"column": "d", "min_value": "2024-01-02", "max_value": "2024-01-02"}'),
               ('expect_column_max_to_be_between', '{"column": "s", "min_value": "s9"}'),
               ('expect_column_max_to_be_between', '{"column": "i", "max_value": 8}')) x(t, k),
       LATERAL (SELECT vqc.expect('a', t, k)) y(r);
-- odd and even sizes: the median is percentile_cont(0.5), interpolating between the middle two
CREATE TABLE a8 (i int);
INSERT INTO a8 SELECT g FROM generate_series(1, 8) g;
SELECT vqc.expect('a', 'expect_column_median_to_be_between', '{"column": "i", "min_value": 0}') #> '{result,observed_value}' AS median_9,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY i) FROM a) AS median_9_sql,
       vqc.expect('a8', 'expect_column_median_to_be_between', '{"column": "i", "min_value": 0}') #> '{result,observed_value}' AS median_8,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY i) FROM a8) AS median_8_sql,
       vqc.expect('a', 'expect_column_median_to_be_between', '{"column": "i", "min_value": 0}', 'BOOLEAN_ONLY') AS boolean_only;
-- past vqc.exact_memory_limit the median is still exact, from a second pass
CREATE TABLE big_median (x float8);
INSERT INTO big_median SELECT (g * 7919) % 100003 / 7.0 FROM generate_series(1, 100000) g;
SET vqc.exact_memory_limit = 64;
SELECT (vqc.expect('big_median', 'expect_column_median_to_be_between', '{"column": "x", "min_value": 0}') #>> '{result,observed_value}')::float8
       = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM big_median) AS exact_after_overflow;
RESET vqc.exact_memory_limit;
-- 0 kB would hold no value: refused
SET vqc.exact_memory_limit = 0;
SELECT (vqc.expect('big_median', 'expect_column_median_to_be_between', '{"column": "x", "min_value": 0}') #>> '{result,observed_value}')::float8
       = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM big_median) AS exact_in_one_pass;
-- Past the limit, quantiles come from passes that narrow a range of order keys
-- 16 bits at a time, then collect one range: exact on every shape of data, with
-- the limit at 1 kB (128 values): spread, crowded into one bucket, all equal,
-- signed zeros, NaN and infinities, duplicates, one value.
CREATE TABLE shapes (shape text, x float8);
INSERT INTO shapes SELECT 'spread', (g * 7919) % 10007 - 5000.5 FROM generate_series(1, 3000) g;
INSERT INTO shapes SELECT 'crowded', 1 + g * 1e-13 FROM generate_series(1, 3000) g;
INSERT INTO shapes SELECT 'all equal', 5 FROM generate_series(1, 3000) g;
INSERT INTO shapes SELECT 'zeros and specials', (ARRAY[-0.0, 0, 'NaN', 'Infinity', '-Infinity', 1, -1]::float8[])[1 + g % 7]
  FROM generate_series(1, 3000) g;
INSERT INTO shapes SELECT 'duplicates', g % 13 FROM generate_series(1, 3000) g;
INSERT INTO shapes SELECT 'one value', 42;
INSERT INTO shapes SELECT 'with nulls', CASE WHEN g % 3 = 0 THEN NULL ELSE g END FROM generate_series(1, 3000) g;
CREATE TABLE shape_results (shape text, median float8, quantiles float8[]);
SET vqc.exact_memory_limit = 1;
DO $$
DECLARE
    sh text;
BEGIN
    FOR sh IN SELECT DISTINCT shape FROM shapes LOOP
        DROP TABLE IF EXISTS one_shape;
        CREATE TABLE one_shape AS SELECT x FROM shapes WHERE shape = sh;
        INSERT INTO shape_results
        SELECT sh, (vqc.expect('one_shape', 'expect_column_median_to_be_between', '{"column": "x", "min_value": 0}')
                    #>> '{result,observed_value}')::float8,
               ARRAY(SELECT jsonb_array_elements_text(vqc.expect('one_shape', 'expect_column_quantile_values_to_be_between',
                        '{"column": "x", "quantile_ranges": {"quantiles": [0, 0.01, 0.25, 0.5, 0.75, 0.999, 1], "value_ranges": [[null, null], [null, null], [null, null], [null, null], [null, null], [null, null], [null, null]]}}')
                        #> '{result,observed_value,values}'))::float8[];
    END LOOP;
END $$;
RESET vqc.exact_memory_limit;
SELECT r.shape, r.median IS NOT DISTINCT FROM e.median AS median_exact,
       r.quantiles IS NOT DISTINCT FROM e.quantiles AS quantiles_exact, r.median
  FROM shape_results r
  JOIN (SELECT shape, percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS median,
               percentile_disc('{0, 0.01, 0.25, 0.5, 0.75, 0.999, 1}'::float8[]) WITHIN GROUP (ORDER BY x) AS quantiles
          FROM shapes GROUP BY shape) e USING (shape)
 ORDER BY r.shape;
-- One pass past the limit: the scan's profile brackets each wanted rank, and
-- one pass counts the values below each bracket and collects those inside
-- (passes 1).  A sketch that misses (here a profile of other values) costs that
-- pass and falls back to the key passes; brackets too narrow for the limit go
-- to the key passes directly.  Exact every way: floats, numeric through its
-- float8 form, heavy ties at the bracket edges (every value 100 times), all
-- values equal, NaN and -Infinity at the ends.
CREATE TABLE bracket (x float8, v numeric, t float8, e float8);
INSERT INTO bracket SELECT (g * 7919) % 20011 / 3.0, ((g * 7919) % 20011) / 7.0, g % 200, 7 FROM generate_series(1, 20000) g;
INSERT INTO bracket VALUES (NULL, NULL, NULL, NULL), ('NaN', 'NaN', 'NaN', 7), ('-Infinity', NULL, '-0', 7);
CREATE TABLE bracket_cases (name text, col text, sketch_of text, lim text);
INSERT INTO bracket_cases VALUES ('float8', 'x', 'x', '8'), ('numeric', 'v', 'v', '8'), ('ties', 't', 't', '8'),
    ('all equal', 'e', 'e', '8'),
    ('missing bracket', 'x', 'x OPERATOR(pg_catalog.+) 5000', '8'), ('limit too small', 'x', 'x', '1');
-- bracketed: what the one pass alone gives for the ranks 0, n/2 and n - 1
CREATE FUNCTION bracket_check(c bracket_cases, disc boolean, OUT passes integer, OUT exact boolean, OUT bracketed text)
LANGUAGE plpgsql AS $$
DECLARE
    qs     float8[] := '{0, 0.01, 0.4999, 0.5, 0.75, 0.99, 1}';
    want   float8[];
    sketch vqc.profile;
    n      bigint;
    got    float8[];
    arg    text := vqc._quantile_arg(quote_ident(c.col), (SELECT atttypid::regtype::text FROM pg_attribute
                                                           WHERE attrelid = 'bracket'::regclass AND attname = c.col));
BEGIN
    EXECUTE format('SELECT CASE WHEN $1 THEN percentile_disc($2) WITHIN GROUP (ORDER BY %1$s::float8) '
                   'ELSE percentile_cont($2) WITHIN GROUP (ORDER BY %1$s::float8) END, count(%1$s), '
                   'vqc.profile_agg(%2$s) FROM bracket', c.col, c.sketch_of)
        INTO want, n, sketch USING disc, qs;
    PERFORM set_config('vqc.exact_memory_limit', c.lim, true);
    SELECT r.vals, r.passes INTO got, passes
      FROM vqc._exact_quantiles_by_passes('bracket', arg, qs, n, disc, sketch) r;
    exact := got = want;
    got := vqc._exact_ranks_bracketed('bracket', arg, ARRAY[0, n / 2, n - 1], n, sketch);
    bracketed := CASE WHEN got IS NULL THEN 'no pass' WHEN array_position(got, NULL) IS NOT NULL THEN 'missed' ELSE 'found' END;
    PERFORM set_config('vqc.exact_memory_limit', '-1', true);
END $$;
SELECT c.name, d.disc, r.passes, r.exact, r.bracketed
  FROM bracket_cases c, (VALUES (false), (true)) d(disc), LATERAL bracket_check(c, d.disc) r
 ORDER BY c.name, d.disc;
DROP FUNCTION bracket_check;
DROP TABLE bracket, bracket_cases;
-- the passes in a run: one scan, then one bracketed pass (the scan took a profile:
-- the table had never been analyzed, so it might outgrow the collector)
SELECT vqc.create_suite('median_passes', 'one_shape') > 0 AS created;
SELECT vqc.add_expectation('median_passes', 'expect_column_median_to_be_between', '{"column": "x", "min_value": 0}') > 0 AS added;
SET vqc.exact_memory_limit = 1;
SELECT success, observed_value FROM vqc.run('median_passes');
RESET vqc.exact_memory_limit;
SELECT scans FROM vqc_report.run WHERE suite_name = 'median_passes';
SELECT vqc.drop_suite('median_passes');
DELETE FROM vqc_report.run WHERE suite_name = 'median_passes';
DROP TABLE shapes, shape_results, one_shape;
-- empty column: fails with a null observed value, no error
SELECT vqc.expect('e', 'expect_column_mean_to_be_between', '{"column": "v", "min_value": 0}') AS empty_mean;
SELECT vqc.expect('e', 'expect_column_median_to_be_between', '{"column": "v", "min_value": 0}') -> 'result' AS empty_median;

-- table
SELECT vqc.expect('a', 'expect_table_row_count_to_be_between', '{"min_value": 10, "max_value": 10}') AS rows_10;
SELECT vqc.expect('a', 'expect_table_row_count_to_equal', '{"value": 11}') -> 'success' AS rows_11;
SELECT vqc.expect('e', 'expect_table_row_count_to_be_between', '{"min_value": 1}') -> 'result' AS empty_rows;

-- schema
SELECT vqc.expect('a', 'expect_column_to_exist', '{"column": "v"}') -> 'success' AS v_exists,
       vqc.expect('a', 'expect_column_to_exist', '{"column": "nope"}') -> 'success' AS nope_exists,
       vqc.expect('a', 'expect_column_to_exist', '{"column": "v", "column_index": 1}') -> 'success' AS v_second,
       vqc.expect('a', 'expect_column_to_exist', '{"column": "v", "column_index": 2}') -> 'success' AS v_third;
SELECT vqc.expect('a', 'expect_table_columns_to_match_set', '{"column_set": ["id", "v", "f", "i", "d", "s"]}') -> 'success' AS exact_set,
       vqc.expect('a', 'expect_table_columns_to_match_set', '{"column_set": ["id", "v"], "exact_match": false}') -> 'success' AS subset;
SELECT jsonb_pretty(vqc.expect('a', 'expect_table_columns_to_match_set', '{"column_set": ["id", "v", "zz"]}') -> 'result') AS mismatch;
SELECT vqc.expect('a', 'expect_table_columns_to_match_ordered_list', '{"column_list": ["id", "f", "v", "i", "d", "s"]}') #> '{result,details}' AS order_mismatch;
SELECT vqc.expect('a', 'expect_table_column_count_to_equal', '{"value": 6}') AS six_columns;
SELECT vqc.expect('a', 'expect_column_values_to_be_of_type', '{"column": "v", "type_": "NUMERIC"}') AS numeric_type,
       vqc.expect('a', 'expect_column_values_to_be_of_type', '{"column": "i", "type_": "INTEGER"}') -> 'success' AS integer_type,
       vqc.expect('a', 'expect_column_values_to_be_of_type', '{"column": "f", "type_": "DOUBLE_PRECISION"}') -> 'success' AS double_type,
       vqc.expect('a', 'expect_column_values_to_be_of_type', '{"column": "s", "type_": "INTEGER"}') -> 'success' AS s_integer;
SELECT vqc.expect('a', 'expect_column_values_to_be_in_type_list', '{"column": "d", "type_list": ["TIMESTAMP", "DATE"]}') AS in_list;

-- the typed wrappers call the same engine
SELECT vqc.expect_column_values_to_be_between('a', 'i', 2, 8) #> '{result,unexpected_count}' AS wrapper_between,
       vqc.expect_column_values_to_be_between('a', "column" => 'd', min_value => date '2024-01-05') #> '{result,unexpected_count}' AS wrapper_dates,
       vqc.expect_column_values_to_be_in_set('a', 's', ARRAY['s1', 's2']) #> '{result,unexpected_count}' AS wrapper_set,
       vqc.expect_column_mean_to_be_between('a', 'i', 4, 6) -> 'success' AS wrapper_mean,
       vqc.expect_column_values_to_not_be_null('a', 'v', mostly => 0.9) -> 'success' AS wrapper_mostly,
       vqc.expect_table_row_count_to_equal('a', 10) -> 'success' AS wrapper_rows;
SELECT vqc.expect_column_values_to_be_between('a', 'i', 2, 8) -> 'expectation_config' AS config;
