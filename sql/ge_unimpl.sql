-- The Great Expectations types GE does not run on SQL (src/sql/ge_unimpl.sql):
-- increasing / decreasing, JSON, JSON schema, dateutil, the parameterized
-- KS test and the chi-square test; in vqc.expect, typed wrappers and
-- suites, with their bad requests.
CREATE SCHEMA ge_unimpl_test;
SET search_path = ge_unimpl_test, public;
CREATE FUNCTION try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE FUNCTION brief(r jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT format('success=%s unexpected=%s list=%s index=%s',
                  r -> 'success', r #> '{result,unexpected_count}',
                  r #> '{result,partial_unexpected_list}', r #> '{result,partial_unexpected_index_list}')
$$;

-- rows inserted out of key order: the order is the key's, not the insertion's
CREATE TABLE m (id int PRIMARY KEY, up int, down float8, ts text, j text, d text);
INSERT INTO m VALUES
  (3, 3,    7,    '2020-01-03', '{"a": 3}',      '01/03/2020'),
  (1, 1,    9,    '2020-01-01', '{"a": 1}',      '2020-01-01'),
  (2, NULL, 8,    '2020-01-02', '[1, 2]',        'Jan 5 2020'),
  (4, 3,    NULL, '2019-12-31', '{"a": 1.5}',    '12:30'),
  (5, 2,    8,    NULL,         'not json',      'cat'),
  (6, 5,    1,    '2020-02-01', NULL,            '2020-02-30');

-- ---------------------------------------------------------------- increasing / decreasing
-- by the primary key: 1, 3, 3, 2, 5 (NULL skipped): 2 fails; strictly, the tie too
SELECT brief(vqc.expect('m', 'expect_column_values_to_be_increasing', '{"column": "up"}'));
SELECT brief(vqc.expect('m', 'expect_column_values_to_be_increasing', '{"column": "up", "strictly": true}'));
SELECT brief(vqc.expect('m', 'expect_column_values_to_be_decreasing', '{"column": "down"}'));
SELECT brief(vqc.expect('m', 'expect_column_values_to_be_decreasing', '{"column": "down", "strictly": true, "mostly": 0.7}'));
-- text as timestamps
SELECT brief(vqc.expect('m', 'expect_column_values_to_be_increasing', '{"column": "ts", "parse_strings_as_datetimes": true}'));
-- by another row key (result_format's index columns): the order of "down"
SELECT brief(vqc.expect('m', 'expect_column_values_to_be_decreasing',
                        '{"column": "up", "result_format": {"result_format": "SUMMARY", "unexpected_index_column_names": ["down"]}}'));
-- the query that selects the failing rows runs
SELECT r #>> '{result,unexpected_index_query}' AS q
  FROM vqc.expect('m', 'expect_column_values_to_be_increasing',
                  '{"column": "up", "result_format": {"result_format": "COMPLETE", "unexpected_index_column_names": ["id"]}}') r \gset
:q;
-- a table without a key: physical order
CREATE TABLE heap (v int);
INSERT INTO heap VALUES (1), (2), (2), (1);
SELECT brief(vqc.expect('heap', 'expect_column_values_to_be_increasing', '{"column": "v"}'));
-- a view without a row key has no order
CREATE VIEW heap_v AS SELECT v FROM heap;
SELECT try($$SELECT vqc.expect('heap_v', 'expect_column_values_to_be_increasing', '{"column": "v"}')$$);
SELECT try($$SELECT vqc.expect('m', 'expect_column_values_to_be_increasing', '{"column": "up", "parse_strings_as_datetimes": true}')$$);
SELECT try($$SELECT vqc.expect('m', 'expect_column_values_to_be_increasing', '{"column": "up", "strictly": "yes"}')$$);

-- ---------------------------------------------------------------- JSON, JSON schema, dateutil
SELECT brief(vqc.expect('m', 'expect_column_values_to_be_json_parseable', '{"column": "j"}'));
-- a column that is not text holds no JSON documents
SELECT brief(vqc.expect('m', 'expect_column_values_to_be_json_parseable', '{"column": "up"}'));
SELECT brief(vqc.expect('m', 'expect_column_values_to_match_json_schema',
                        '{"column": "j", "json_schema": {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}}'));
SELECT brief(vqc.expect('m', 'expect_column_values_to_match_json_schema',
                        '{"column": "j", "json_schema": {"anyOf": [{"type": "array", "items": {"type": "integer", "minimum": 1}}, {"type": "object"}]}}'));
SELECT s, vqc.matches_json_schema(d, s) FROM (VALUES
  ('"abc"'::jsonb, '{"type": "string", "minLength": 2, "maxLength": 3, "pattern": "^a"}'::jsonb),
  ('"abcd"', '{"type": "string", "maxLength": 3}'),
  ('{"a": 1, "b": 2}', '{"properties": {"a": {"const": 1}}, "additionalProperties": false}'),
  ('{"a": 1}', '{"properties": {"a": {"enum": [1, 2]}}, "additionalProperties": false}'),
  ('2', '{"oneOf": [{"type": "integer"}, {"type": "number"}]}'),
  ('2.5', '{"type": ["integer", "null"]}'),
  ('5', '{"exclusiveMaximum": 5}'),
  ('[1, 2, 3]', '{"minItems": 4}'),
  ('null', '{"not": {"type": "null"}}'),
  ('1', 'true')) v(d, s);
SELECT try($$SELECT vqc.matches_json_schema('1', '{"$ref": "#/x"}')$$);
SELECT try($$SELECT vqc.expect('m', 'expect_column_values_to_match_json_schema', '{"column": "j", "json_schema": [1]}')$$);
SELECT try($$SELECT vqc.expect('m', 'expect_column_values_to_match_json_schema', '{"column": "up", "json_schema": {}}')$$);
-- 2020-02-30 and "cat" are not dates; a time of day is
SELECT brief(vqc.expect('m', 'expect_column_values_to_be_dateutil_parseable', '{"column": "d"}'));
SELECT v, vqc.is_dateutil_parseable(v), vqc.is_json(v)
  FROM unnest(ARRAY['2019-04-01T10:00:00Z', 'now', '', '12', '"x"', ' {"a": [1, {}]} ', 'NaN', 'today']) v;
SELECT try($$SELECT vqc.expect('m', 'expect_column_values_to_be_dateutil_parseable', '{"column": "up"}')$$);

-- ---------------------------------------------------------------- parameterized KS
-- 200 evenly spread quantiles of U(0, 1): D = 1/400, p near 1; shifted by a half, p tiny
CREATE TABLE dist (x float8, k text);
INSERT INTO dist SELECT (i - 0.5) / 200, NULL FROM generate_series(1, 200) i;
INSERT INTO dist VALUES (NULL, 'a');
SELECT r -> 'success' AS success, (r #>> '{result,observed_value}')::float8 > 0.99 AS p_high,
       r #> '{result,details,observed_ks_statistic}' AS d, r #> '{result,missing_count}' AS missing
  FROM vqc.expect('dist', 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than',
                  '{"column": "x", "distribution": "uniform", "params": {"min": 0, "max": 1}}', 'SUMMARY') r;
SELECT r -> 'success' AS success, (r #>> '{result,observed_value}')::float8 < 1e-20 AS p_tiny,
       r #> '{result,details,observed_ks_statistic}' AS d
  FROM vqc.expect('dist', 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than',
                  '{"column": "x", "distribution": "uniform", "params": [0.5, 1]}', 'SUMMARY') r;
-- the CDFs against known values: uniform on [0, 1] of 0.5; expon; gamma(1) is expon; chi2(2) is expon(scale 2); beta(1, 1) is uniform
SELECT d, round(ks[1]::numeric, 6) AS statistic, round(ks[2]::numeric, 6) AS p
  FROM (VALUES ('uniform', '{}'::float8[]), ('expon', '{}'), ('gamma', '{1}'), ('chi2', '{2, 0, 0.5}'), ('beta', '{1, 1}')) v(d, a),
       LATERAL (SELECT vqc._ks_1samp('{0.5}', d, a) AS ks) k;
-- and where they are not trivial: I_0.5(2, 3) = 0.6875 (D is F(0.5) here);
-- gamma(2) at 1: 1 - 2/e (D is 1 - F); norm at its mean: 1/2
SELECT d, round(ks[1]::numeric, 6) AS statistic
  FROM (VALUES ('beta', '{2, 3}'::float8[], 0.5::float8), ('beta', '{3, 2}', 0.5), ('gamma', '{2}', 1), ('norm', '{3, 2}', 3)) v(d, a, x),
       LATERAL (SELECT vqc._ks_1samp(ARRAY[x], d, a) AS ks) k;
SELECT try($$SELECT vqc._ks_1samp('{1}', 'norm', '{0, NULL}')$$);
SELECT try($$SELECT vqc._ks_1samp('{1}', 'gamma', '{}')$$);
SELECT try($$SELECT vqc._ks_1samp('{0.5}', 'beta', '{2, 1e308}')$$);
SELECT try($$SELECT vqc.expect('dist', 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than', '{"column": "x", "distribution": "cauchy"}')$$);
SELECT try($$SELECT vqc.expect('dist', 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than', '{"column": "x", "distribution": "beta", "params": {"alpha": 1}}')$$);
SELECT try($$SELECT vqc.expect('dist', 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than', '{"column": "x", "distribution": "norm", "params": [0, -1]}')$$);
SELECT try($$SELECT vqc.expect('dist', 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than', '{"column": "x", "distribution": "norm", "p_value": 1}')$$);
SELECT try($$SELECT vqc.expect('dist', 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than', '{"column": "k", "distribution": "norm"}')$$);

-- ---------------------------------------------------------------- bootstrapped KS
-- U(0, 1) against a uniform partition of [0, 1]: every bootstrap sample passes
-- nearly always; against [0.5, 1.5] none does.  The same answer at every call.
SELECT r -> 'success' AS success, (r #>> '{result,observed_value}')::float8 > 0.9 AS share_high,
       r #> '{result,details,bootstrap_sample_size}' AS size, r #> '{result,details,observed_partition}' AS observed,
       r #> '{result,details,observed_cdf,cdf_values}' AS cdf
  FROM vqc.expect('dist', 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than',
                  '{"column": "x", "partition_object": {"bins": [0, 0.5, 1], "weights": [0.5, 0.5]}}', 'SUMMARY') r;
SELECT (SELECT vqc.expect('dist', 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than',
                          '{"column": "x", "partition_object": {"bins": [0, 0.5, 1], "weights": [0.5, 0.5]}}') #> '{result,observed_value}')
     = (SELECT vqc.expect('dist', 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than',
                          '{"column": "x", "partition_object": {"bins": [0, 0.5, 1], "weights": [0.5, 0.5]}}') #> '{result,observed_value}') AS same;
-- values outside the bins widen the observed partition to the min and max
SELECT r -> 'success' AS success, r #> '{result,observed_value}' AS share, r #> '{result,details,observed_partition}' AS observed
  FROM vqc.expect('dist', 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than',
                  '{"column": "x", "partition_object": {"bins": [0.5, 1, 1.5], "weights": [0.5, 0.5]}, "bootstrap_samples": 99, "bootstrap_sample_size": 50}',
                  'SUMMARY') r;
SELECT try($$SELECT vqc.expect('dist', 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', '{"column": "x", "partition_object": {"bins": ["-Infinity", 0, 1], "weights": [0.5, 0.5]}}')$$);
SELECT try($$SELECT vqc.expect('dist', 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', '{"column": "x", "partition_object": {"bins": [0, 1], "weights": [1], "tail_weights": [0.1, 0]}}')$$);
SELECT try($$SELECT vqc.expect('dist', 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', '{"column": "x", "partition_object": {"values": [1], "weights": [1]}}')$$);
SELECT try($$SELECT vqc.expect('dist', 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', '{"column": "x", "partition_object": {"bins": [0, 1], "weights": [0.9]}}')$$);
SELECT try($$SELECT vqc.expect('dist', 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', '{"column": "x", "partition_object": {"bins": [0, 1], "weights": [1]}, "bootstrap_samples": 0}')$$);
SELECT try($$SELECT vqc.expect('dist', 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', '{"column": "x", "partition_object": {"bins": [0, 1], "weights": [1]}, "bootstrap_samples": 1000000, "bootstrap_sample_size": 1000}')$$);

-- ---------------------------------------------------------------- chi-square
CREATE TABLE cat (c text);
INSERT INTO cat SELECT 'A' FROM generate_series(1, 54) UNION ALL SELECT 'B' FROM generate_series(1, 32)
   UNION ALL SELECT 'C' FROM generate_series(1, 14) UNION ALL SELECT NULL;
SELECT r -> 'success' AS success, r #> '{result,observed_value}' AS p, r #> '{result,details}' AS details
  FROM vqc.expect('cat', 'expect_column_chisquare_test_p_value_to_be_greater_than',
                  '{"column": "c", "partition_object": {"values": ["A", "B", "C"], "weights": [0.54, 0.32, 0.14]}}', 'SUMMARY') r;
-- against thirds: chi2 = 24.08 on 2 degrees, p = exp(-chi2 / 2)
SELECT r -> 'success' AS success, round((r #>> '{result,observed_value}')::numeric * 1e7, 3) AS p_times_1e7
  FROM vqc.expect('cat', 'expect_column_chisquare_test_p_value_to_be_greater_than',
                  '{"column": "c", "partition_object": {"values": ["A", "B", "C"], "weights": [0.3333333333333333, 0.3333333333333333, 0.3333333333333334]}}') r;
-- C outside the partition: infinite chi2 without holdout
SELECT vqc.expect('cat', 'expect_column_chisquare_test_p_value_to_be_greater_than',
                  '{"column": "c", "partition_object": {"values": ["A", "B"], "weights": [0.6, 0.4]}}') #> '{result,observed_value}' AS p;
SELECT try($$SELECT vqc.expect('cat', 'expect_column_chisquare_test_p_value_to_be_greater_than', '{"column": "c", "partition_object": {"bins": [0, 1], "weights": [1]}}')$$);
SELECT try($$SELECT vqc.expect('cat', 'expect_column_chisquare_test_p_value_to_be_greater_than', '{"column": "c"}')$$);

-- ---------------------------------------------------------------- wrappers
SELECT vqc.expect_column_values_to_be_increasing('m', 'up', strictly => true) -> 'success' AS w1,
       vqc.expect_column_values_to_be_decreasing('m', 'down', mostly => 0.5) -> 'success' AS w2,
       vqc.expect_column_values_to_be_json_parseable('m', 'j', mostly => 0.5) -> 'success' AS w3,
       vqc.expect_column_values_to_match_json_schema('m', 'j', '{"type": "object"}') -> 'success' AS w4,
       vqc.expect_column_values_to_be_dateutil_parseable('m', 'd', 0.5) -> 'success' AS w5,
       vqc.expect_column_parameterized_distribution_ks_test_p_value('dist', 'x', 'uniform') -> 'success' AS w6,
       vqc.expect_column_bootstrapped_ks_test_p_value_to_be_greater_than('dist', 'x', '{"bins": [0, 1], "weights": [1]}') -> 'success' AS w8,
       vqc.expect_column_chisquare_test_p_value_to_be_greater_than('cat', 'c', '{"values": ["A", "B", "C"], "weights": [0.5, 0.3, 0.2]}') -> 'success' AS w7;

-- ---------------------------------------------------------------- a suite
SELECT vqc.create_suite('ge_unimpl_suite', 'ge_unimpl_test.m', '{id}') IS NOT NULL AS created;
SELECT count(vqc.add_expectation('ge_unimpl_suite', e.type, e.kwargs)) AS added FROM (VALUES
  ('expect_column_values_to_be_increasing', '{"column": "up"}'::jsonb),
  ('expect_column_values_to_be_json_parseable', '{"column": "j"}'),
  ('expect_column_values_to_match_json_schema', '{"column": "j", "json_schema": {"type": "object"}}'),
  ('expect_column_values_to_be_dateutil_parseable', '{"column": "d"}'),
  ('expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than', '{"column": "down", "distribution": "uniform", "params": [0, 10]}'),
  ('expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', '{"column": "down", "partition_object": {"bins": [0, 5, 10], "weights": [0.2, 0.8]}}'),
  ('expect_column_chisquare_test_p_value_to_be_greater_than', '{"column": "up", "partition_object": {"values": [1, 2, 3, 5], "weights": [0.2, 0.2, 0.4, 0.2]}}')) e(type, kwargs);
-- one statement; the ordered window reads m again (the note says so)
SELECT count(*) FILTER (WHERE line ~ 'Seq Scan on m') AS reads_of_m FROM vqc.explain('ge_unimpl_suite') line;
SELECT line FROM vqc.explain('ge_unimpl_suite') line WHERE line ~ '^Note';
SELECT "position", expectation_type, status, unexpected_count FROM vqc.run('ge_unimpl_suite');
SELECT "position", value, row_key FROM vqc_report.unexpected u JOIN vqc_report.run r USING (run_id)
 WHERE r.suite_name = 'ge_unimpl_suite' ORDER BY "position", row_key ->> 'id';

RESET search_path;
DROP SCHEMA ge_unimpl_test CASCADE;
SELECT vqc.drop_suite('ge_unimpl_suite');
