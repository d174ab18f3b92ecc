-- vqc.expect for the catalogue's types on the distributed table against the
-- plain copy: the same success and counts, observed values within 1e-12.
CREATE TABLE expect_case (expectation_type text, kwargs jsonb);
INSERT INTO expect_case VALUES
('expect_column_values_to_not_be_null', '{"column": "transaction_amount"}'),
('expect_column_values_to_be_null', '{"column": "age", "mostly": 0.00001}'),
('expect_column_values_to_be_between', '{"column": "age", "min_value": 0, "max_value": 120}'),
('expect_column_values_to_be_in_set', '{"column": "gender", "value_set": ["Male", "Female", "Other"]}'),
('expect_column_values_to_not_be_in_set', '{"column": "gender", "value_set": ["Unknown", "male"]}'),
('expect_column_values_to_match_regex', '{"column": "email", "regex": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"}'),
('expect_column_values_to_not_match_regex', '{"column": "email", "regex": "@$"}'),
('expect_column_values_to_match_regex_list', '{"column": "email", "regex_list": ["^user", "com$"], "match_on": "all"}'),
('expect_column_values_to_not_match_regex_list', '{"column": "email", "regex_list": ["@$", "^x"]}'),
('expect_column_values_to_match_like_pattern', '{"column": "email", "like_pattern": "%@example.com"}'),
('expect_column_values_to_not_match_like_pattern', '{"column": "email", "like_pattern": "%@"}'),
('expect_column_values_to_match_like_pattern_list', '{"column": "email", "like_pattern_list": ["user%", "%com"]}'),
('expect_column_values_to_not_match_like_pattern_list', '{"column": "email", "like_pattern_list": ["%@", "x%"]}'),
('expect_column_values_to_match_strftime_format', '{"column": "date_of_birth", "strftime_format": "%Y-%m-%d"}'),
('expect_column_values_to_be_dateutil_parseable', '{"column": "date_of_birth"}'),
('expect_column_values_to_be_iso8601', '{"column": "date_of_birth"}'),
('expect_column_values_to_be_valid_email', '{"column": "email"}'),
('expect_column_values_to_be_json_parseable', '{"column": "gender"}'),
('expect_column_value_lengths_to_be_between', '{"column": "gender", "min_value": 4, "max_value": 6}'),
('expect_column_value_lengths_to_equal', '{"column": "date_of_birth", "value": 10}'),
('expect_column_values_to_be_unique', '{"column": "record_id"}'),
('expect_column_values_to_be_unique', '{"column": "email"}'),
('expect_compound_columns_to_be_unique', '{"column_list": ["user_id", "gender"]}'),
('expect_compound_columns_to_be_unique', '{"column_list": ["user_id", "record_id"]}'),
('expect_select_column_values_to_be_unique_within_record', '{"column_list": ["age", "score"]}'),
('expect_multicolumn_sum_to_equal', '{"column_list": ["age", "score"], "sum_total": 100}'),
('expect_column_pair_values_a_to_be_greater_than_b', '{"column_A": "income", "column_B": "transaction_amount"}'),
('expect_column_pair_values_to_be_equal', '{"column_A": "age", "column_B": "score"}'),
('expect_column_pair_values_to_be_in_set', '{"column_A": "gender", "column_B": "gender", "value_pairs_set": [["Male", "Male"], ["Female", "Female"]]}'),
('expect_column_value_z_scores_to_be_less_than', '{"column": "income", "threshold": 4}'),
('expect_column_min_to_be_between', '{"column": "income", "min_value": 0}'),
('expect_column_max_to_be_between', '{"column": "age", "max_value": 150}'),
('expect_column_mean_to_be_between', '{"column": "income", "min_value": 35000, "max_value": 45000}'),
('expect_column_median_to_be_between', '{"column": "income", "min_value": 30000, "max_value": 40000}'),
('expect_column_stdev_to_be_between', '{"column": "income", "min_value": 15000, "max_value": 30000}'),
('expect_column_sum_to_be_between', '{"column": "score", "min_value": 0}'),
('expect_column_quantile_values_to_be_between', '{"column": "age", "quantile_ranges": {"quantiles": [0.1, 0.5, 0.9], "value_ranges": [[20, 30], [45, 60], [70, 90]]}}'),
('expect_column_unique_value_count_to_be_between', '{"column": "gender", "min_value": 3, "max_value": 5}'),
('expect_column_unique_value_count_to_be_between', '{"column": "email", "min_value": 1}'),
('expect_column_proportion_of_unique_values_to_be_between', '{"column": "record_id", "min_value": 0.99}'),
('expect_column_distinct_values_to_be_in_set', '{"column": "gender", "value_set": ["Male", "Female", "Other"]}'),
('expect_column_distinct_values_to_contain_set', '{"column": "gender", "value_set": ["Male", "Female"]}'),
('expect_column_distinct_values_to_equal_set', '{"column": "gender", "value_set": ["Male", "Female", "Other", "Unknown", "male"]}'),
('expect_column_most_common_value_to_be_in_set', '{"column": "gender", "value_set": ["Male", "Female"]}'),
('expect_column_kl_divergence_to_be_less_than', '{"column": "gender", "partition_object": {"values": ["Male", "Female", "Other"], "weights": [0.3, 0.4, 0.3]}, "threshold": 0.5}'),
('expect_column_chisquare_test_p_value_to_be_greater_than', '{"column": "gender", "partition_object": {"values": ["Male", "Female", "Other"], "weights": [0.3, 0.4, 0.3]}}'),
('expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than', '{"column": "score", "distribution": "uniform", "params": {"min": 0, "max": 100}}'),
('expect_table_row_count_to_be_between', '{"min_value": 1000}'),
('expect_table_row_count_to_equal', '{"value": 100000}'),
('expect_regression_metric_to_be_between', '{"y_true": "income", "y_pred": "transaction_amount", "metric": "mean_absolute_error", "min_value": 0}'),
('expect_score_metric_to_be_between', '{"y_true": "y_true", "y_score": "y_score", "metric": "roc_auc", "min_value": 0}'),
('expect_classification_metric_to_be_between', '{"y_true": "label", "y_pred": "pred", "metric": "accuracy", "min_value": 0}'),
('expect_ranking_metric_to_be_between', '{"query": "user_id", "relevance": "score", "score": "age", "metric": "ndcg", "k": 5, "min_value": 0}');

SELECT citus_compare(format('expect %s %s', expectation_type, coalesce(kwargs ->> 'column', kwargs ->> 'column_list')),
                     format('SELECT citus_normalize(vqc.expect(%%L, %s, %s::jsonb)) AS r', quote_literal(expectation_type),
                            replace(quote_literal(kwargs::text), '%', '%%')),
                     1e-12, NULL, '')
FROM expect_case;

-- increasing / decreasing compare each value with the one before it in
-- one order of all the rows, which interleaves the shards: on a distributed
-- table each takes a pass of its own that gathers the order key and the
-- value to the coordinator (README "Citus"), so "pushed down" is no; the
-- answers must be the same.  Planted violations in level and seq_ts
-- (setup.sql); age is random, ordered by (record_id, user_id), a total order.
CREATE TABLE monotone_case (label text, expectation_type text, kwargs jsonb, keys text[], in_suite boolean);
INSERT INTO monotone_case VALUES
('increasing level', 'expect_column_values_to_be_increasing', '{"column": "level"}', '{record_id}', true),
('increasing level, strictly, mostly 0.05', 'expect_column_values_to_be_increasing',
 '{"column": "level", "strictly": true, "mostly": 0.05, "result_format": "SUMMARY"}', '{record_id}', true),
('decreasing level, mostly 0.5', 'expect_column_values_to_be_decreasing',
 '{"column": "level", "mostly": 0.5, "result_format": "SUMMARY"}', '{record_id}', true),
('decreasing level, strictly', 'expect_column_values_to_be_decreasing',
 '{"column": "level", "strictly": true, "result_format": "SUMMARY"}', '{record_id}', false),
('increasing seq_ts, parse_strings_as_datetimes', 'expect_column_values_to_be_increasing',
 '{"column": "seq_ts", "parse_strings_as_datetimes": true}', '{record_id}', true),
('decreasing seq_ts, strictly, parse_strings_as_datetimes', 'expect_column_values_to_be_decreasing',
 '{"column": "seq_ts", "strictly": true, "parse_strings_as_datetimes": true, "result_format": "SUMMARY"}', '{record_id}', false),
('increasing record_id, strictly (the key itself)', 'expect_column_values_to_be_increasing',
 '{"column": "record_id", "strictly": true}', '{record_id}', true),
('increasing age by key_columns (record_id, user_id)', 'expect_column_values_to_be_increasing',
 '{"column": "age", "result_format": "SUMMARY"}', '{record_id,user_id}', false);
SELECT citus_compare_monotone(label, expectation_type, kwargs, keys) FROM monotone_case;

-- without a key (people has no primary key) a distributed table has no
-- order: a ctid repeats across shards.  Refused there with 0A000 and a
-- hint to give key_columns; the plain copy runs in physical order.
CREATE FUNCTION citus_refused(target regclass, etype text, kwargs jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    hint text;
BEGIN
    PERFORM vqc.expect(target, etype, kwargs);
    RETURN 'ran';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || CASE WHEN hint LIKE '%key columns%' THEN ' (hint: key columns)' ELSE '' END;
END $$;
INSERT INTO citus_result
SELECT format('expect %s level without a key: refused on distributed tables (0A000)', etype),
       false, refused,
       format('distributed %s, partitioned %s, plain %s', d, p, plain),
       CASE WHEN refused THEN 'refused: no order of the rows without a key' END
  FROM unnest(ARRAY['expect_column_values_to_be_increasing', 'expect_column_values_to_be_decreasing']) etype,
       LATERAL (SELECT citus_refused('people', etype, '{"column": "level"}') AS d,
                       citus_refused('people_part', etype, '{"column": "level"}') AS p,
                       citus_refused('people_plain', etype, '{"column": "level"}') AS plain) r,
       LATERAL (SELECT d = '0A000 (hint: key columns)' AND p = d AND plain = 'ran' AS refused) x;
