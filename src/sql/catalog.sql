-- catalog.sql: the expectations vqc knows, with their kwargs.
--
-- kind:
--   map        row-level condition; counts element / missing / unexpected rows
--   aggregate  one statistic of a column, compared with min_value / max_value
--   statistic  a distribution statistic of a column (quantiles, distinct values,
--              modes), answered from the column's profile where that is exact
--   table      a property of the whole table (row count)
--   schema     answered from the catalog, without a scan (columns, types)
--   history    a metric of this run against the suite's earlier runs (history.sql)

CREATE TABLE vqc.expectation_catalog (
    expectation_type text PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('map', 'aggregate', 'statistic', 'table', 'schema', 'history')),
    required_kwargs  text[] NOT NULL,
    optional_kwargs  text[] NOT NULL,
    description      text NOT NULL
);
COMMENT ON TABLE vqc.expectation_catalog IS
    'Expectation types vqc evaluates, with the Great Expectations kwargs each accepts.';
GRANT SELECT ON vqc.expectation_catalog TO PUBLIC;

-- kwargs every expectation accepts (GE's common ones)
CREATE FUNCTION vqc._common_kwargs() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['result_format', 'include_config', 'catch_exceptions', 'meta', 'notes',
                    'row_condition', 'condition_parser'] $$;

INSERT INTO vqc.expectation_catalog VALUES
('expect_column_to_exist', 'schema', '{column}', '{column_index}',
 'The column exists (at column_index, zero-based as in GE, when given).'),
('expect_table_columns_to_match_set', 'schema', '{}', '{column_set,exact_match}',
 'The table''s columns are column_set (exact_match, default true) or include it.'),
('expect_table_columns_to_match_ordered_list', 'schema', '{}', '{column_list}',
 'The table''s columns are column_list, in that order.'),
('expect_table_column_count_to_equal', 'schema', '{value}', '{}',
 'The table has exactly value columns.'),
('expect_table_column_count_to_be_between', 'schema', '{}', '{min_value,max_value}',
 'The table''s column count is within [min_value, max_value].'),
('expect_column_values_to_be_of_type', 'schema', '{column,type_}', '{}',
 'The column''s declared type is type_ (a PostgreSQL type name such as INTEGER or TEXT).'),
('expect_column_values_to_be_in_type_list', 'schema', '{column}', '{type_list}',
 'The column''s declared type is one of type_list.'),
('expect_table_row_count_to_be_between', 'table', '{}', '{min_value,max_value}',
 'The number of rows is within [min_value, max_value].'),
('expect_table_row_count_to_equal', 'table', '{value}', '{}',
 'The number of rows is exactly value.'),
('expect_column_values_to_not_be_null', 'map', '{column}', '{mostly}',
 'Values are not null.'),
('expect_column_values_to_be_null', 'map', '{column}', '{mostly}',
 'Values are null.'),
('expect_column_values_to_be_between', 'map', '{column}', '{min_value,max_value,strict_min,strict_max,mostly}',
 'Values are within [min_value, max_value]; either bound may be omitted.'),
('expect_column_values_to_be_unique', 'map', '{column}', '{mostly}',
 'No value occurs more than once; every row of a repeated value is unexpected.'),
('expect_column_values_to_match_regex', 'map', '{column,regex}', '{mostly}',
 'Values match the PCRE2 pattern regex somewhere (unanchored, as re.search).'),
('expect_column_values_to_not_match_regex', 'map', '{column,regex}', '{mostly}',
 'Values do not match the PCRE2 pattern regex anywhere.'),
('expect_column_values_to_match_regex_list', 'map', '{column,regex_list}', '{match_on,mostly}',
 'Values match any (match_on = any, default) or all of the patterns.'),
('expect_column_values_to_not_match_regex_list', 'map', '{column,regex_list}', '{mostly}',
 'Values match none of the patterns.'),
('expect_column_values_to_match_strftime_format', 'map', '{column,strftime_format}', '{mostly}',
 'Values parse with Python''s strptime semantics for strftime_format.'),
('expect_column_values_to_be_iso8601', 'map', '{column}', '{kind,mostly}',
 'vqc extension: values are strict ISO 8601 dates (kind = date, default) or date-times (kind = datetime).'),
('expect_column_values_to_be_valid_email', 'map', '{column}', '{mostly}',
 'vqc extension: values are practical e-mail addresses (see vqc.is_email).'),
('expect_column_values_to_be_in_set', 'map', '{column,value_set}', '{mostly}',
 'Values are in value_set.'),
('expect_column_values_to_not_be_in_set', 'map', '{column,value_set}', '{mostly}',
 'Values are not in value_set.'),
('expect_column_value_lengths_to_be_between', 'map', '{column}', '{min_value,max_value,strict_min,strict_max,mostly}',
 'Character lengths of the values are within [min_value, max_value].'),
('expect_column_value_lengths_to_equal', 'map', '{column,value}', '{mostly}',
 'Character lengths of the values equal value.'),
('expect_column_mean_to_be_between', 'aggregate', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The mean of the non-null values is within [min_value, max_value].'),
('expect_column_median_to_be_between', 'aggregate', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The exact median (as percentile_cont(0.5)) is within [min_value, max_value].'),
('expect_column_stdev_to_be_between', 'aggregate', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The sample standard deviation is within [min_value, max_value].'),
('expect_column_min_to_be_between', 'aggregate', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The minimum is within [min_value, max_value].'),
('expect_column_max_to_be_between', 'aggregate', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The maximum is within [min_value, max_value].'),
('expect_column_sum_to_be_between', 'aggregate', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The sum of the values is within [min_value, max_value].'),
('expect_column_quantile_values_to_be_between', 'statistic', '{column,quantile_ranges}', '{allow_relative_error}',
 'Each quantile (percentile_disc, exact) lies in its range; allow_relative_error answers from the KLL sketch with its rank error.'),
('expect_column_unique_value_count_to_be_between', 'statistic', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The number of distinct non-null values is within bounds.'),
('expect_column_proportion_of_unique_values_to_be_between', 'statistic', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'Distinct values / non-null values is within bounds.'),
('expect_column_most_common_value_to_be_in_set', 'statistic', '{column,value_set}', '{ties_okay}',
 'The most common value (all of them when tied) is in value_set; with ties_okay, one of them.'),
('expect_column_distinct_values_to_be_in_set', 'statistic', '{column}', '{value_set}',
 'Every distinct non-null value is in value_set.'),
('expect_column_distinct_values_to_contain_set', 'statistic', '{column,value_set}', '{}',
 'Every value of value_set occurs in the column.'),
('expect_column_distinct_values_to_equal_set', 'statistic', '{column,value_set}', '{}',
 'The distinct non-null values are exactly value_set.'),
('expect_column_drift_to_be_less_than', 'statistic', '{column,baseline}', '{method,threshold,options}',
 'vqc extension: the drift score against a stored baseline profile (vqc.set_baseline) stays under the method''s threshold.'),
('expect_column_kl_divergence_to_be_less_than', 'statistic', '{column}',
 '{partition_object,threshold,internal_weight_holdout,tail_weight_holdout,bucketize_data}',
 'KL(observed || expected) of the column against partition_object (bins or values with weights) is at most threshold.');

-- Great Expectations types of several columns, z-scores, other tables (ge_types.sql)
INSERT INTO vqc.expectation_catalog VALUES
('expect_column_values_to_match_like_pattern', 'map', '{column,like_pattern}', '{mostly}',
 'Values match the SQL LIKE pattern like_pattern.'),
('expect_column_values_to_not_match_like_pattern', 'map', '{column,like_pattern}', '{mostly}',
 'Values do not match the SQL LIKE pattern like_pattern.'),
('expect_column_values_to_match_like_pattern_list', 'map', '{column,like_pattern_list}', '{match_on,mostly}',
 'Values match any (match_on = any, default) or all of the SQL LIKE patterns.'),
('expect_column_values_to_not_match_like_pattern_list', 'map', '{column,like_pattern_list}', '{mostly}',
 'Values match none of the SQL LIKE patterns.'),
('expect_column_pair_values_a_to_be_greater_than_b', 'map', '{column_A,column_B}', '{or_equal,ignore_row_if,mostly}',
 'column_A > column_B in each row (>= with or_equal); ignore_row_if: both_values_are_missing (default), either_value_is_missing, neither.'),
('expect_column_pair_values_to_be_equal', 'map', '{column_A,column_B}', '{ignore_row_if,mostly}',
 'column_A = column_B in each row; a missing value on one side is unequal.'),
('expect_column_pair_values_to_be_in_set', 'map', '{column_A,column_B,value_pairs_set}', '{ignore_row_if,mostly}',
 'Each row''s pair (column_A, column_B) is one of value_pairs_set ([[a, b], ...]).'),
('expect_compound_columns_to_be_unique', 'map', '{column_list}', '{ignore_row_if,mostly}',
 'No combination of the values of column_list occurs in more than one row; ignore_row_if: all_values_are_missing (default), any_value_is_missing, never.'),
('expect_multicolumn_sum_to_equal', 'map', '{column_list,sum_total}', '{ignore_row_if,mostly}',
 'The values of column_list sum (exactly, as numeric) to sum_total in each row.'),
('expect_select_column_values_to_be_unique_within_record', 'map', '{column_list}', '{ignore_row_if,mostly}',
 'The values of column_list differ from each other within each row.'),
('expect_column_value_z_scores_to_be_less_than', 'map', '{column,threshold}', '{double_sided,mostly}',
 'Each value''s z-score (against the column''s mean and sample stdev) is below threshold (in absolute value when double_sided, default true).'),
('expect_column_values_to_be_in_other_table', 'map', '{column,other_table,other_column}', '{mostly}',
 'vqc extension: every value occurs in other_table.other_column (referential integrity).'),
('expect_table_row_count_to_equal_other_table', 'table', '{other_table_name}', '{}',
 'The table has as many rows as other_table_name.'),
('expect_table_row_count_to_be_within_other_table_by', 'table', '{other_table_name,tolerance}', '{}',
 'vqc extension: |rows - other''s rows| <= tolerance x other''s rows (a relative tolerance).'),
('unexpected_rows_expectation', 'table', '{unexpected_rows_query}', '{}',
 'The query ({batch} stands for the table) returns no rows; vqc.expect only, never in a suite.');
