W=[]
def w(name, params, kw, desc, etype=None):
    sig = ", ".join(["target regclass"] + params + ["result_format text DEFAULT 'BASIC'"])
    args = ", ".join("'%s', %s" % (k, v) for k, v in kw)
    etype = etype or name
    W.append("""CREATE FUNCTION vqc.%s(%s)
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, '%s', jsonb_strip_nulls(jsonb_build_object(%s)), result_format) $$;
COMMENT ON FUNCTION vqc.%s IS '%s';
""" % (name, sig, etype, args, name, desc))
COL = '"column" text'; MOST = "mostly numeric DEFAULT NULL"
c = ('column', '"column"'); m = ('mostly', 'mostly')
B = ['strict_min boolean DEFAULT NULL', 'strict_max boolean DEFAULT NULL']
BK = [('strict_min', 'strict_min'), ('strict_max', 'strict_max')]
MM = [('min_value', 'min_value'), ('max_value', 'max_value')]
w('expect_column_to_exist', [COL, 'column_index integer DEFAULT NULL'], [c, ('column_index', 'column_index')], "The column exists (at zero-based column_index when given).")
w('expect_table_columns_to_match_set', ['column_set text[]', 'exact_match boolean DEFAULT NULL'], [('column_set', 'column_set'), ('exact_match', 'exact_match')], "The table''s columns are column_set (or include it when exact_match is false).")
w('expect_table_columns_to_match_ordered_list', ['column_list text[]'], [('column_list', 'column_list')], "The table''s columns are column_list, in order.")
w('expect_table_column_count_to_equal', ['value integer'], [('value', 'value')], "The table has value columns.")
w('expect_table_column_count_to_be_between', ['min_value integer DEFAULT NULL', 'max_value integer DEFAULT NULL'], MM, "The column count is within bounds.")
w('expect_column_values_to_be_of_type', [COL, 'type_ text'], [c, ('type_', 'type_')], "The column is of type type_.")
w('expect_column_values_to_be_in_type_list', [COL, 'type_list text[]'], [c, ('type_list', 'type_list')], "The column''s type is in type_list.")
w('expect_table_row_count_to_be_between', ['min_value bigint DEFAULT NULL', 'max_value bigint DEFAULT NULL'], MM, "The row count is within bounds.")
w('expect_table_row_count_to_equal', ['value bigint'], [('value', 'value')], "The row count is value.")
w('expect_column_values_to_not_be_null', [COL, MOST], [c, m], "Values are not null.")
w('expect_column_values_to_be_null', [COL, MOST], [c, m], "Values are null.")
w('expect_column_values_to_be_between', [COL, 'min_value anycompatible DEFAULT NULL', 'max_value anycompatible DEFAULT NULL'] + B + [MOST], [c] + MM + BK + [m], "Values are within [min_value, max_value].")
w('expect_column_values_to_be_unique', [COL, MOST], [c, m], "Values are unique.")
w('expect_column_values_to_match_regex', [COL, 'regex text', MOST], [c, ('regex', 'regex'), m], "Values match the PCRE2 pattern.")
w('expect_column_values_to_not_match_regex', [COL, 'regex text', MOST], [c, ('regex', 'regex'), m], "Values do not match the PCRE2 pattern.")
w('expect_column_values_to_match_regex_list', [COL, 'regex_list text[]', "match_on text DEFAULT NULL", MOST], [c, ('regex_list', 'regex_list'), ('match_on', 'match_on'), m], "Values match any (or all) of the patterns.")
w('expect_column_values_to_not_match_regex_list', [COL, 'regex_list text[]', MOST], [c, ('regex_list', 'regex_list'), m], "Values match none of the patterns.")
w('expect_column_values_to_match_strftime_format', [COL, 'strftime_format text', MOST], [c, ('strftime_format', 'strftime_format'), m], "Values parse with the strftime format.")
w('expect_column_values_to_be_iso8601', [COL, "kind text DEFAULT NULL", MOST], [c, ('kind', 'kind'), m], "Values are ISO 8601 dates (or date-times).")
w('expect_column_values_to_be_valid_email', [COL, MOST], [c, m], "Values are practical e-mail addresses.")
w('expect_column_values_to_be_in_set', [COL, 'value_set anyarray', MOST], [c, ('value_set', 'to_jsonb(value_set)'), m], "Values are in value_set.")
w('expect_column_values_to_not_be_in_set', [COL, 'value_set anyarray', MOST], [c, ('value_set', 'to_jsonb(value_set)'), m], "Values are not in value_set.")
w('expect_column_value_lengths_to_be_between', [COL, 'min_value integer DEFAULT NULL', 'max_value integer DEFAULT NULL'] + B + [MOST], [c] + MM + BK + [m], "Value lengths are within bounds.")
w('expect_column_value_lengths_to_equal', [COL, 'value integer', MOST], [c, ('value', 'value'), m], "Value lengths equal value.")
for st, d in [('mean', 'The mean'), ('median', 'The exact median'), ('stdev', 'The sample standard deviation'), ('sum', 'The sum')]:
    w('expect_column_%s_to_be_between' % st, [COL, 'min_value numeric DEFAULT NULL', 'max_value numeric DEFAULT NULL'] + B, [c] + MM + BK, "%s is within bounds." % d)
for st, d in [('min', 'The minimum'), ('max', 'The maximum')]:
    w('expect_column_%s_to_be_between' % st, [COL, 'min_value anycompatible DEFAULT NULL', 'max_value anycompatible DEFAULT NULL'] + B, [c] + MM + BK, "%s is within bounds." % d)
w('expect_column_quantile_values_to_be_between', [COL, 'quantile_ranges jsonb', 'allow_relative_error boolean DEFAULT NULL'], [c, ('quantile_ranges', 'quantile_ranges'), ('allow_relative_error', 'allow_relative_error')], "Each quantile lies in its value range.")
w('expect_column_unique_value_count_to_be_between', [COL, 'min_value bigint DEFAULT NULL', 'max_value bigint DEFAULT NULL'] + B, [c] + MM + BK, "The number of distinct values is within bounds.")
w('expect_column_proportion_of_unique_values_to_be_between', [COL, 'min_value float8 DEFAULT NULL', 'max_value float8 DEFAULT NULL'] + B, [c] + MM + BK, "The share of distinct values is within bounds.")
w('expect_column_most_common_value_to_be_in_set', [COL, 'value_set anyarray', 'ties_okay boolean DEFAULT NULL'], [c, ('value_set', 'to_jsonb(value_set)'), ('ties_okay', 'ties_okay')], "The most common value is in value_set.")
for kind, d in [('be_in_set', 'are all in value_set'), ('contain_set', 'contain value_set'), ('equal_set', 'are exactly value_set')]:
    w('expect_column_distinct_values_to_%s' % kind, [COL, 'value_set anyarray'], [c, ('value_set', 'to_jsonb(value_set)')], "The distinct values %s." % d)
w('expect_column_drift_to_be_less_than', [COL, 'baseline text', 'method text DEFAULT NULL', 'threshold float8 DEFAULT NULL', 'options jsonb DEFAULT NULL'], [c, ('baseline', 'baseline'), ('method', 'method'), ('threshold', 'threshold'), ('options', 'options')], "The drift against a stored baseline stays under the threshold.")
w('expect_column_kl_divergence_to_be_less_than', [COL, 'partition_object jsonb', 'threshold float8 DEFAULT NULL', 'internal_weight_holdout float8 DEFAULT NULL', 'tail_weight_holdout float8 DEFAULT NULL'], [c, ('partition_object', 'partition_object'), ('threshold', 'threshold'), ('internal_weight_holdout', 'internal_weight_holdout'), ('tail_weight_holdout', 'tail_weight_holdout')], "KL(observed || expected partition) is at most threshold.")
# ge_types.sql: LIKE patterns, column pairs, several columns, z-scores, other tables.
# Other tables are regclass, resolved by the caller's search_path and passed
# schema-qualified (the wrappers' own search_path is pinned).
for neg in ('', 'not_'):
    w('expect_column_values_to_%smatch_like_pattern' % neg, [COL, 'like_pattern text', MOST], [c, ('like_pattern', 'like_pattern'), m], "Values %s the SQL LIKE pattern." % ('do not match' if neg else 'match'))
w('expect_column_values_to_match_like_pattern_list', [COL, 'like_pattern_list text[]', "match_on text DEFAULT NULL", MOST], [c, ('like_pattern_list', 'like_pattern_list'), ('match_on', 'match_on'), m], "Values match any (or all) of the SQL LIKE patterns.")
w('expect_column_values_to_not_match_like_pattern_list', [COL, 'like_pattern_list text[]', MOST], [c, ('like_pattern_list', 'like_pattern_list'), m], "Values match none of the SQL LIKE patterns.")
AB = ['column_a text', 'column_b text']; ABK = [('column_A', 'column_a'), ('column_B', 'column_b')]
IG = 'ignore_row_if text DEFAULT NULL'; IGK = ('ignore_row_if', 'ignore_row_if')
w('expect_column_pair_values_a_to_be_greater_than_b', AB + ['or_equal boolean DEFAULT NULL', IG, MOST], ABK + [('or_equal', 'or_equal'), IGK, m], "column_A is greater than (or equal to) column_B in each row.")
w('expect_column_pair_values_to_be_equal', AB + [IG, MOST], ABK + [IGK, m], "column_A equals column_B in each row.")
w('expect_column_pair_values_to_be_in_set', AB + ['value_pairs_set jsonb', IG, MOST], ABK + [('value_pairs_set', 'value_pairs_set'), IGK, m], "Each row''s (column_A, column_B) is one of value_pairs_set.")
CL = 'column_list text[]'; CLK = ('column_list', 'column_list')
w('expect_compound_columns_to_be_unique', [CL, IG, MOST], [CLK, IGK, m], "Each combination of the columns'' values occurs once.")
w('expect_multicolumn_sum_to_equal', [CL, 'sum_total numeric', IG, MOST], [CLK, ('sum_total', 'sum_total'), IGK, m], "The columns sum to sum_total in each row.")
w('expect_select_column_values_to_be_unique_within_record', [CL, IG, MOST], [CLK, IGK, m], "The columns'' values differ within each row.")
w('expect_column_value_z_scores_to_be_less_than', [COL, 'threshold float8', 'double_sided boolean DEFAULT NULL', MOST], [c, ('threshold', 'threshold'), ('double_sided', 'double_sided'), m], "Each value''s z-score is below threshold.")
w('expect_column_values_to_be_in_other_table', [COL, 'other_table regclass', 'other_column text', MOST], [c, ('other_table', 'other_table::text'), ('other_column', 'other_column'), m], "Every value occurs in other_table.other_column.")
w('expect_table_row_count_to_equal_other_table', ['other_table_name regclass'], [('other_table_name', 'other_table_name::text')], "The table has as many rows as other_table_name.")
w('expect_table_row_count_to_be_within_other_table_by', ['other_table_name regclass', 'tolerance float8'], [('other_table_name', 'other_table_name::text'), ('tolerance', 'tolerance')], "The row count is within a relative tolerance of other_table_name''s.")
w('unexpected_rows_expectation', ['unexpected_rows_query text'], [('unexpected_rows_query', 'unexpected_rows_query')], "The query ({batch} stands for the table) returns no rows.")
# ge_unimpl.sql: the types GE does not run on SQL.
for d, word in [('increasing', 'at least (above, with strictly)'), ('decreasing', 'at most (below, with strictly)')]:
    w('expect_column_values_to_be_%s' % d, [COL, 'strictly boolean DEFAULT NULL', 'parse_strings_as_datetimes boolean DEFAULT NULL', MOST], [c, ('strictly', 'strictly'), ('parse_strings_as_datetimes', 'parse_strings_as_datetimes'), m], "Each value is %s the previous one in row order." % word)
w('expect_column_values_to_be_json_parseable', [COL, MOST], [c, m], "Values are JSON documents.")
w('expect_column_values_to_match_json_schema', [COL, 'json_schema jsonb', MOST], [c, ('json_schema', 'json_schema'), m], "Values are JSON documents that meet json_schema.")
w('expect_column_values_to_be_dateutil_parseable', [COL, MOST], [c, m], "Values are dates, date-times or times of day.")
# PostgreSQL names have at most 63 bytes: the wrapper drops GE's _to_be_greater_than
w('expect_column_parameterized_distribution_ks_test_p_value', [COL, 'distribution text', 'params jsonb DEFAULT NULL', 'p_value float8 DEFAULT NULL'], [c, ('distribution', 'distribution'), ('params', 'params'), ('p_value', 'p_value')], "The KS test against the named distribution has a p-value above p_value.", 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than')
w('expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', [COL, 'partition_object jsonb', 'p float8 DEFAULT NULL', 'bootstrap_samples integer DEFAULT NULL', 'bootstrap_sample_size integer DEFAULT NULL'], [c, ('partition_object', 'partition_object'), ('p', 'p'), ('bootstrap_samples', 'bootstrap_samples'), ('bootstrap_sample_size', 'bootstrap_sample_size')], "The share of bootstrap samples whose KS test against the partition passes is above p.")
w('expect_column_chisquare_test_p_value_to_be_greater_than', [COL, 'partition_object jsonb', 'p float8 DEFAULT NULL', 'tail_weight_holdout float8 DEFAULT NULL'], [c, ('partition_object', 'partition_object'), ('p', 'p'), ('tail_weight_holdout', 'tail_weight_holdout')], "The chi-square test of the value counts against partition_object has a p-value above p.")
hdr = ("-- wrappers.sql: one typed SQL function per expectation, with Great Expectations'\n"
       "-- name and arguments, calling the same engine as vqc.expect().  COLUMN is a\n"
       "-- reserved word in SQL, so named notation spells it \"column\" => 'age'.\n"
       "-- Generated by scripts/gen_wrappers.py; edit that, not this.\n\n")
open('src/sql/wrappers.sql', 'w').write(hdr + "\n".join(W))
