-- Statistic expectations: exact by default, from the profile when it is exact,
-- approximate only when asked (allow_relative_error), and then said so.
CREATE SCHEMA statistics_test;
SET search_path = statistics_test, public;
\set VERBOSITY terse
CREATE TABLE s (id int PRIMARY KEY, x float8, n int, c text, b boolean, d date);
INSERT INTO s SELECT g, (g * 7919 % 1000) / 10.0, g % 7, CASE WHEN g % 10 = 0 THEN NULL ELSE 'c' || (g % 4) END,
                     g % 3 = 0, date '2024-01-01' + g % 5
  FROM generate_series(1, 1000) g;
-- a big table, past the profile's exact capacity
CREATE TABLE big (x float8, k int, c text);
INSERT INTO big SELECT (g * 7919 % 100003)::float8, g % 50000, CASE WHEN g % 3 = 0 THEN 'a' ELSE 'b' || (g % 1000) END
  FROM generate_series(1, 200000) g;

-- quantiles: exact, percentile_disc as GE computes them
SELECT jsonb_pretty(vqc.expect('s', 'expect_column_quantile_values_to_be_between',
  '{"column": "x", "quantile_ranges": {"quantiles": [0, 0.25, 0.5, 0.75, 1], "value_ranges": [[0, 1], [20, 30], [45, 55], [70, 80], [99, null]]}}') -> 'result');
SELECT (vqc.expect('big', 'expect_column_quantile_values_to_be_between',
          '{"column": "x", "quantile_ranges": {"quantiles": [0.1, 0.5, 0.99], "value_ranges": [[null, null], [null, null], [null, null]]}}')
        #> '{result,observed_value,values}')
       = (SELECT to_jsonb(percentile_disc(ARRAY[0.1, 0.5, 0.99]) WITHIN GROUP (ORDER BY x)) FROM big) AS exact_quantiles;
-- allowed relative error: from the KLL sketch, with its rank error
SELECT r #> '{result,details,approximate}' AS approximate, (r #>> '{result,details,rank_error}')::float8 <= 0.01 AS rank_error_bounded,
       abs((r #>> '{result,observed_value,values,0}')::float8 - 50001) / 100003 <= 0.01 AS median_within_bound
  FROM vqc.expect('big', 'expect_column_quantile_values_to_be_between',
          '{"column": "x", "allow_relative_error": true, "quantile_ranges": {"quantiles": [0.5], "value_ranges": [[40000, 60000]]}}') r;

-- distinct counts and proportions: exact
SELECT vqc.expect('s', 'expect_column_unique_value_count_to_be_between', '{"column": "n", "min_value": 7, "max_value": 7}') -> 'result' AS n_distinct,
       vqc.expect('s', 'expect_column_unique_value_count_to_be_between', '{"column": "c", "min_value": 5}') -> 'success' AS c_five,
       vqc.expect('s', 'expect_column_proportion_of_unique_values_to_be_between', '{"column": "c", "max_value": 0.01}') -> 'result' AS c_proportion;
SELECT (vqc.expect('big', 'expect_column_unique_value_count_to_be_between', '{"column": "k", "min_value": 0}') #>> '{result,observed_value}')::bigint
       = (SELECT count(DISTINCT k) FROM big) AS exact_distinct_big;
SET vqc.exact_memory_limit = 64;
SELECT (vqc.expect('big', 'expect_column_unique_value_count_to_be_between', '{"column": "k", "min_value": 0}') #>> '{result,observed_value}')::bigint
       = (SELECT count(DISTINCT k) FROM big) AS exact_distinct_second_pass;
RESET vqc.exact_memory_limit;

-- most common value: exact profile, a Misra-Gries count that proves the mode, or a GROUP BY pass
SELECT vqc.expect('s', 'expect_column_most_common_value_to_be_in_set', '{"column": "n", "value_set": [1, 2]}') AS modes_small;
SELECT vqc.expect('s', 'expect_column_most_common_value_to_be_in_set', '{"column": "c", "value_set": ["c1"], "ties_okay": true}') -> 'result' AS tied,
       vqc.expect('s', 'expect_column_most_common_value_to_be_in_set', '{"column": "c", "value_set": ["c1"]}') -> 'success' AS tied_not_ok;
SELECT vqc.expect('big', 'expect_column_most_common_value_to_be_in_set', '{"column": "c", "value_set": ["a"]}') -> 'result' AS mode_big;
SELECT vqc.expect('big', 'expect_column_most_common_value_to_be_in_set', '{"column": "k", "value_set": [0]}') -> 'success' AS mode_ties_big;
SELECT vqc.expect('s', 'expect_column_most_common_value_to_be_in_set', '{"column": "d", "value_set": ["2024-01-02", "2024-01-03"], "ties_okay": true}') -> 'result' AS date_modes;

-- distinct value sets
SELECT t, vqc.expect('s', t, k) -> 'success' AS success, vqc.expect('s', t, k) -> 'result' AS result
  FROM (VALUES ('expect_column_distinct_values_to_be_in_set', '{"column": "c", "value_set": ["c0", "c1", "c2", "c3", "c4"]}'::jsonb),
               ('expect_column_distinct_values_to_be_in_set', '{"column": "c", "value_set": ["c0", "c1"]}'),
               ('expect_column_distinct_values_to_contain_set', '{"column": "n", "value_set": [0, 6]}'),
               ('expect_column_distinct_values_to_contain_set', '{"column": "n", "value_set": [0, 7]}'),
               ('expect_column_distinct_values_to_equal_set', '{"column": "b", "value_set": [true, false]}'),
               ('expect_column_distinct_values_to_equal_set', '{"column": "n", "value_set": [0, 1, 2, 3, 4, 5, 9]}'),
               ('expect_column_distinct_values_to_equal_set', '{"column": "d", "value_set": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]}')) v(t, k);
SELECT vqc.expect('big', 'expect_column_distinct_values_to_contain_set', '{"column": "c", "value_set": ["a", "b1", "b999"]}') -> 'success' AS big_contains;

-- bad requests
SELECT vqc.expect('s', 'expect_column_quantile_values_to_be_between', '{"column": "c", "quantile_ranges": {"quantiles": [0.5], "value_ranges": [[0, 1]]}}');
SELECT vqc.expect('s', 'expect_column_quantile_values_to_be_between', '{"column": "x", "quantile_ranges": {"quantiles": [0.5, 0.6], "value_ranges": [[0, 1]]}}');
SELECT vqc.expect('s', 'expect_column_quantile_values_to_be_between', '{"column": "x", "quantile_ranges": {"quantiles": [1.5], "value_ranges": [[0, 1]]}}');
SELECT vqc.expect('s', 'expect_column_quantile_values_to_be_between', '{"column": "x", "quantile_ranges": {"quantiles": [0.5], "value_ranges": [[2, 1]]}}');
SELECT vqc.expect('s', 'expect_column_most_common_value_to_be_in_set', '{"column": "n", "value_set": ["x"]}');
SELECT vqc.expect('s', 'expect_column_unique_value_count_to_be_between', '{"column": "n"}');

-- in a suite, with profiles taken in the same scan
SELECT vqc.create_suite('stats_suite', 's', profile_columns => '{x,c,d}') > 0 AS created;
SELECT vqc.add_expectation('stats_suite', 'expect_column_unique_value_count_to_be_between', '{"column": "n", "min_value": 7}') > 0 AS added;
SELECT vqc.add_expectation('stats_suite', 'expect_column_quantile_values_to_be_between',
  '{"column": "x", "quantile_ranges": {"quantiles": [0.5], "value_ranges": [[45, 55]]}}') > 0 AS added;
SELECT "position", status, observed_value FROM vqc.run('stats_suite');
SELECT scans FROM vqc_report.run WHERE suite_name = 'stats_suite';
SELECT column_name, column_type, vqc.row_count(profile), vqc.null_count(profile), vqc.is_exact(profile)
  FROM vqc_report.profile ORDER BY column_name;
SELECT vqc.quantile(profile, 0.5) = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM s) AS median_exact
  FROM vqc_report.profile WHERE column_name = 'x';
SELECT suite_name, column_name, row_count, null_fraction, ndistinct, min_value, max_value FROM vqc_report.latest_profiles ORDER BY column_name;
SELECT vqc.set_profile_columns('stats_suite', '{*}');
SELECT profile_columns FROM vqc.list_suites() WHERE name = 'stats_suite';
SELECT count(*) FROM vqc.run('stats_suite');
SELECT count(*) AS profiles_of_all_columns FROM vqc_report.profile p JOIN vqc_report.run r USING (run_id)
 WHERE r.run_id = (SELECT max(run_id) FROM vqc_report.run WHERE suite_name = 'stats_suite');
SELECT vqc.set_profile_columns('stats_suite', '{nope}');
CREATE TABLE withpoint (id int, p point);
SELECT vqc.create_suite('point_suite', 'withpoint', profile_columns => '{p}');
SELECT vqc.drop_suite('stats_suite');
DELETE FROM vqc_report.run WHERE suite_name = 'stats_suite';

-- suggestions from one profile pass
SELECT jsonb_pretty(vqc.suggest_expectations('s'));
-- the suggestions are valid expectations that pass on the data they came from
SELECT vqc.create_suite('suggested', 's') > 0 AS created;
SELECT vqc.add_expectations('suggested', vqc.suggest_expectations('s'));
SELECT bool_and(success) AS all_pass, count(*) FROM vqc.run('suggested');
SELECT vqc.drop_suite('suggested');
DELETE FROM vqc_report.run WHERE suite_name = 'suggested';
CREATE TABLE empty_t (a int, b text);
SELECT vqc.suggest_expectations('empty_t') -> 'expectations';
-- uniqueness is suggested only when it holds exactly.  Past the profile's exact
-- capacity the sketches only estimate the distinct count: a few repeats among
-- 10 000 values hide in HyperLogLog's error, so such columns are checked exactly
-- (i: integer repeats, t: text, f: float, u: distinct, k: a primary key)
CREATE TABLE near_unique (k int PRIMARY KEY, i bigint, t text, f float8, u text);
INSERT INTO near_unique
SELECT g, CASE WHEN g % 3001 = 0 THEN g - 1 ELSE g END,
       'v' || CASE WHEN g % 4001 = 0 THEN g - 1 ELSE g END,
       CASE WHEN g % 5001 = 0 THEN 1.5 ELSE g + 0.5 END, 'u' || g
  FROM generate_series(1, 10000) g;
SELECT col, vqc.is_exact(p) AS exact, vqc.ndistinct(p) >= 0.98 * 10000 AS estimate_near_count, true_distinct
  FROM (SELECT 'i', vqc.profile_agg(i), count(DISTINCT i) FROM near_unique
        UNION ALL SELECT 't', vqc.profile_agg(t), count(DISTINCT t) FROM near_unique
        UNION ALL SELECT 'f', vqc.profile_agg(f), count(DISTINCT f) FROM near_unique
        UNION ALL SELECT 'u', vqc.profile_agg(u), count(DISTINCT u) FROM near_unique) v(col, p, true_distinct);
SELECT e #>> '{kwargs,column}' AS col, e #>> '{meta,reason}' AS reason
  FROM jsonb_array_elements(vqc.suggest_expectations('near_unique') -> 'expectations') e
 WHERE e ->> 'type' = 'expect_column_values_to_be_unique';
-- the same answer when the screen outgrows its memory (a GROUP BY pass)
SET vqc.exact_memory_limit = 1;
SELECT array_agg(e #>> '{kwargs,column}') AS unique_columns
  FROM jsonb_array_elements(vqc.suggest_expectations('near_unique') -> 'expectations') e
 WHERE e ->> 'type' = 'expect_column_values_to_be_unique';
RESET vqc.exact_memory_limit;

-- KL divergence against a partition, as GE defines it: KL(observed || expected)
SELECT k, r -> 'success' AS success, round((r #>> '{result,observed_value}')::numeric, 6) AS kl,
       jsonb_typeof(r #> '{result,observed_value}') AS observed_type
  FROM (VALUES
    ('{"column": "n", "threshold": 0.01, "partition_object": {"values": [0, 1, 2, 3, 4, 5, 6], "weights": [0.14285714285714285, 0.14285714285714285, 0.14285714285714285, 0.14285714285714285, 0.14285714285714285, 0.14285714285714285, 0.1428571428571429]}}'::jsonb),
    ('{"column": "n", "threshold": 0.5, "partition_object": {"values": [0, 1, 2, 3, 4, 5], "weights": [0.1666666666666667, 0.1666666666666667, 0.1666666666666667, 0.1666666666666667, 0.1666666666666666, 0.1666666666666666]}}'),
    ('{"column": "n", "threshold": 0.5, "tail_weight_holdout": 0.2, "partition_object": {"values": [0, 1, 2, 3, 4, 5], "weights": [0.1666666666666667, 0.1666666666666667, 0.1666666666666667, 0.1666666666666667, 0.1666666666666666, 0.1666666666666666]}}'),
    ('{"column": "x", "threshold": 0.01, "partition_object": {"bins": [0, 50, 100], "weights": [0.5, 0.5]}}'),
    ('{"column": "x", "threshold": 0.1, "partition_object": {"bins": [10, 50, 100], "weights": [0.5, 0.5]}}'),
    ('{"column": "x", "threshold": 0.1, "tail_weight_holdout": 0.1, "partition_object": {"bins": [10, 50, 100], "weights": [0.5, 0.5]}}'),
    ('{"column": "x", "partition_object": {"bins": [10, 50, 100], "weights": [0.5, 0.5]}, "tail_weight_holdout": 0.1}')) v(k),
  LATERAL (SELECT vqc.expect('s', 'expect_column_kl_divergence_to_be_less_than', k)) e(r);
SELECT vqc.expect('s', 'expect_column_kl_divergence_to_be_less_than', '{"column": "x", "partition_object": {"bins": [0, 50], "weights": [0.5, 0.5]}}');
SELECT vqc.expect('s', 'expect_column_kl_divergence_to_be_less_than', '{"column": "x", "partition_object": {"values": [1], "weights": [0.7]}}');
SELECT vqc.expect('s', 'expect_column_kl_divergence_to_be_less_than', '{"column": "c", "partition_object": {"bins": [0, 1], "weights": [1]}}');
SELECT vqc.expect('s', 'expect_column_most_common_value_to_be_in_set', '{"column": "n", "value_set": [[1]]}');
SELECT vqc.expect('s', 'expect_column_values_to_be_in_set', '{"column": "n", "value_set": [{"a": 1}]}');

-- Dates, and timestamps within 285 years of 1970, come back exactly from the
-- profile (float8 days or microseconds): modes and distinct values need no
-- second pass.  A timestamp centuries away may not, so a second pass answers.
SET TimeZone = 'UTC';
CREATE TABLE times (d date, ts timestamp, tz timestamptz, far timestamp);
INSERT INTO times
SELECT date '2024-01-01' + g % 3, timestamp '2024-05-01 10:00:00.123456' + (g % 4) * interval '1 microsecond',
       timestamptz '2024-05-01 10:00:00.5+02' + (g % 2) * interval '1 hour',
       timestamp '1500-01-01 00:00:00.000001' + (g % 2) * interval '1 microsecond'
  FROM generate_series(1, 10) g;
SELECT vqc.create_suite('times_near', 'statistics_test.times') > 0 AS created;
SELECT vqc.add_expectation('times_near', 'expect_column_most_common_value_to_be_in_set', '{"column": "d", "value_set": ["2024-01-02"]}') > 0,
       vqc.add_expectation('times_near', 'expect_column_most_common_value_to_be_in_set', '{"column": "ts", "value_set": ["2024-05-01 10:00:00.123457", "2024-05-01 10:00:00.123458"], "ties_okay": true}') > 0,
       vqc.add_expectation('times_near', 'expect_column_distinct_values_to_equal_set', '{"column": "tz", "value_set": ["2024-05-01 08:00:00.5+00", "2024-05-01 09:00:00.5+00"]}') > 0;
SELECT "position", success, observed_value FROM vqc.run('times_near') ORDER BY 1;
SELECT scans FROM vqc_report.run ORDER BY run_id DESC LIMIT 1;
SELECT vqc.create_suite('times_far', 'statistics_test.times') > 0 AS created;
SELECT vqc.add_expectation('times_far', 'expect_column_distinct_values_to_equal_set', '{"column": "far", "value_set": ["1500-01-01 00:00:00.000001", "1500-01-01 00:00:00.000002"]}') > 0;
SELECT "position", success, observed_value FROM vqc.run('times_far') ORDER BY 1;
SELECT scans FROM vqc_report.run ORDER BY run_id DESC LIMIT 1;
SELECT vqc.drop_suite('times_near'), vqc.drop_suite('times_far');
DELETE FROM vqc_report.run WHERE suite_name IN ('times_near', 'times_far');
RESET TimeZone;
