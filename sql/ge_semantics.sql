-- GE's result keys and semantics (issue #11): unexpected_index_query,
-- vacuous bounds and sets, KL divergence as GE, value_counts, row_condition
-- parsed by vqc, suite parameters.
CREATE SCHEMA ge_sem;
SET search_path = ge_sem, public;
CREATE TABLE t (id int PRIMARY KEY, n int, s text, "we""ird" text, d date);
INSERT INTO t SELECT g, g % 10, CASE WHEN g % 3 = 0 THEN 'CN' ELSE 'US' END,
                     CASE WHEN g % 4 = 0 THEN NULL ELSE 'v' || g END, date '2024-01-01' + g
  FROM generate_series(1, 40) g;
CREATE FUNCTION try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
-- runs a result's unexpected_index_query; returns the ids it selects
CREATE FUNCTION rows_of(r jsonb) RETURNS int[] LANGUAGE plpgsql AS $$
DECLARE ids int[];
BEGIN
    EXECUTE format('SELECT array_agg(id ORDER BY id) FROM (%s) q', rtrim(r -> 'result' ->> 'unexpected_index_query', ';')) INTO ids;
    RETURN ids;
END $$;

-- unexpected_index_query selects exactly the failing rows (COMPLETE only)
SELECT r -> 'result' ->> 'unexpected_index_query' AS query,
       rows_of(r) = ARRAY(SELECT (e ->> 'id')::int FROM jsonb_array_elements(r -> 'result' -> 'unexpected_index_list') e ORDER BY 1) AS same_rows
  FROM (SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "n", "min_value": 2, "max_value": 8}', 'COMPLETE') r) x;
SELECT rows_of(vqc.expect('t', 'expect_column_values_to_be_in_set', $${"column": "we\"ird", "value_set": ["v1", "it's", "a\\b"]}$$, 'COMPLETE'));
SELECT rows_of(vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "we\"ird"}', 'COMPLETE'));
SELECT rows_of(vqc.expect('t', 'expect_column_values_to_be_unique', '{"column": "n"}', 'COMPLETE')) = ARRAY(SELECT id FROM t ORDER BY id);
-- without a key: the checked column alone
CREATE TABLE nokey AS SELECT n FROM t;
SELECT vqc.expect('nokey', 'expect_column_values_to_be_between', '{"column": "n", "max_value": 8}', 'COMPLETE') -> 'result' ->> 'unexpected_index_query';
SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "n", "max_value": 8}', 'SUMMARY') -> 'result' ? 'unexpected_index_query';
SELECT vqc.expect('t', 'expect_column_values_to_be_between',
                  '{"column": "n", "max_value": 8, "result_format": {"result_format": "COMPLETE", "return_unexpected_index_query": false}}')
       -> 'result' ? 'unexpected_index_query';
SELECT vqc.expect('t', 'expect_column_values_to_be_between',
                  '{"column": "n", "max_value": 8, "result_format": {"result_format": "BASIC", "unexpected_index_column_names": ["id"]}}')
       -> 'result' -> 'unexpected_index_column_names';
SELECT jsonb_object_keys(vqc.expect('t', 'expect_column_values_to_be_between',
                  '{"column": "n", "max_value": 8, "result_format": {"result_format": "COMPLETE", "exclude_unexpected_values": true}}')
       -> 'result') AS keys_without_values ORDER BY 1;
SELECT vqc.expect('t', 'expect_column_values_to_be_between',
                  '{"column": "n", "max_value": 7, "result_format": {"result_format": "COMPLETE", "exclude_unexpected_values": true,
                                                                     "unexpected_index_column_names": ["id"]}}')
       #> '{result,unexpected_index_list}';
-- the parameter is inlined only outside quotes
SELECT vqc._inline_kwargs($q$f("$1 OPERATOR(pg_catalog.->) 0", '$1 OPERATOR(pg_catalog.->) 0', E'\'$1', $1 OPERATOR(pg_catalog.->) 0, $1 OPERATOR(pg_catalog.->) 01)$q$,
                          0, '{"a": "it''s"}');

-- GE's vacuous truths and optional arguments
SELECT x.stmt, (vqc.expect('t', x.etype, x.kwargs::jsonb)) -> 'success' AS success FROM (VALUES
  ('no bounds, mean', 'expect_column_mean_to_be_between', '{"column": "n"}'),
  ('no bounds, row count', 'expect_table_row_count_to_be_between', '{}'),
  ('no bounds, column count', 'expect_table_column_count_to_be_between', '{}'),
  ('lengths, min > max', 'expect_column_value_lengths_to_be_between', '{"column": "s", "min_value": 3, "max_value": 1}'),
  ('no column_list', 'expect_table_columns_to_match_ordered_list', '{"column_list": null}'),
  ('no type_list', 'expect_column_values_to_be_in_type_list', '{"column": "n", "type_list": null}'),
  ('no column_set, exact', 'expect_table_columns_to_match_set', '{"column_set": null}'),
  ('no column_set, not exact', 'expect_table_columns_to_match_set', '{"column_set": null, "exact_match": false}'),
  ('no value_set: universal', 'expect_column_distinct_values_to_be_in_set', '{"column": "s"}'),
  ('null in not_in_set', 'expect_column_values_to_not_be_in_set', '{"column": "n", "value_set": [null, 11]}')
) x(stmt, etype, kwargs);
SELECT vqc.expect('t', 'expect_table_columns_to_match_set', '{"column_set": ["id", "n", "zz"], "exact_match": false}') -> 'result' -> 'details';
-- but bounds of values and lengths, both null, are an error (as GE)
SELECT try($$SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "n", "min_value": null, "max_value": null}')$$);
SELECT try($$SELECT vqc.expect('t', 'expect_column_value_lengths_to_be_between', '{"column": "s"}')$$);
-- the median of a text column without values is none (GE); with values, an error
CREATE TABLE empty_text (s text);
INSERT INTO empty_text VALUES (NULL), (NULL);
SELECT vqc.expect('empty_text', 'expect_column_median_to_be_between', '{"column": "s", "min_value": 0, "max_value": 0}') -> 'result';
SELECT vqc.expect('empty_text', 'expect_column_median_to_be_between', '{"column": "s", "min_value": 0, "max_value": 0}') -> 'success';
SELECT try($$SELECT vqc.expect('t', 'expect_column_median_to_be_between', '{"column": "s", "min_value": 0}')$$);
SELECT vqc.expect('t', 'expect_column_distinct_values_to_be_in_set', '{"column": "s", "value_set": ["CN"]}') -> 'result';

-- KL divergence as GE: infinite end bins are the tails, tail_weights, holdouts
SELECT vqc.expect('t', 'expect_column_kl_divergence_to_be_less_than',
                  '{"column": "n", "partition_object": {"bins": ["-Infinity", 3, 6, "Infinity"], "weights": [0.3, 0.3, 0.4]}, "threshold": 0.01}') -> 'result';
SELECT vqc.expect('t', 'expect_column_kl_divergence_to_be_less_than',
                  '{"column": "n", "partition_object": {"bins": [3, 6], "weights": [0.3], "tail_weights": [0.3, 0.4]}}') -> 'result';
SELECT vqc.expect('t', 'expect_column_kl_divergence_to_be_less_than',
                  '{"column": "s", "partition_object": {"values": ["US"], "weights": [1]}, "tail_weight_holdout": 0.25}') -> 'result';
SELECT vqc.expect('t', 'expect_column_kl_divergence_to_be_less_than', '{"column": "n", "threshold": 0}') -> 'result';
SELECT stmt, try(stmt) FROM (VALUES
  ($$SELECT vqc.expect('t', 'expect_column_kl_divergence_to_be_less_than', '{"column": "s", "partition_object": {"values": ["US"], "weights": [1]}, "internal_weight_holdout": 0.1}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_kl_divergence_to_be_less_than', '{"column": "n", "partition_object": {"bins": ["-Infinity", 3, "Infinity"], "weights": [0.5, 0.5]}, "tail_weight_holdout": 0.1}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_kl_divergence_to_be_less_than', '{"column": "n", "partition_object": {"bins": [0, 3, "Infinity"], "weights": [0.5, 0.3], "tail_weights": [0.1, 0.1]}}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_kl_divergence_to_be_less_than', '{"column": "n", "partition_object": {"bins": [0, "NaN"], "weights": [1]}}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_kl_divergence_to_be_less_than', '{"column": "n", "partition_object": {"bins": [0, 1], "weights": [0.5]}}')$$)
) x(stmt);

-- row_condition: GE's syntax, parsed by vqc; only the rows it holds for are checked
SELECT vqc._row_condition_sql('t', $$col("n") > 2 & col("s") == 'CN' | ~col("s").notnull() & (col("d") >= date("2024-02-01") | col("n") != -1)$$);
SELECT (r -> 'result' ->> 'element_count')::int AS element_count, (r -> 'result' ->> 'unexpected_count')::int AS unexpected,
       rows_of(r) AS query_rows,
       (SELECT array_agg(id ORDER BY id) FROM t WHERE n > 2 AND s = 'CN' AND n > 6) AS wanted
  FROM (SELECT vqc.expect('t', 'expect_column_values_to_be_between',
                          '{"column": "n", "max_value": 6, "row_condition": "col(\"n\") > 2 & col(\"s\") == \"CN\"", "condition_parser": "great_expectations"}',
                          'COMPLETE') r) x;
SELECT stmt, try(stmt) FROM (VALUES
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "n", "row_condition": "col(\"nn\") > 2"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "n", "row_condition": "col(\"n\") > 2; DROP TABLE t"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "n", "row_condition": "col(\"n\") > 2) OR (true"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "n", "row_condition": "n > 2"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "n", "row_condition": "(col(\"n\") > 2"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "n", "row_condition": "col(\"n\") > \"x\""}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "n", "row_condition": "col(\"n\") > 2", "condition_parser": "sql"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_median_to_be_between', '{"column": "n", "row_condition": "col(\"n\") > 2"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_unique', '{"column": "n", "row_condition": "col(\"n\") > 2"}')$$),
  ($$SELECT vqc.expect('t', 'expect_table_column_count_to_equal', '{"value": 5, "row_condition": "col(\"n\") > 2"}')$$)
) x(stmt);
-- the row count and the aggregates mean, stdev, sum, min and max over the rows of the condition
SELECT e, vqc.expect('t', e, '{"column": "n", "min_value": 0, "row_condition": "col(\"s\") == \"CN\" & col(\"n\") != 3"}') #>> '{result,observed_value}' AS observed
  FROM unnest(ARRAY['expect_column_mean_to_be_between', 'expect_column_stdev_to_be_between', 'expect_column_sum_to_be_between',
                    'expect_column_min_to_be_between', 'expect_column_max_to_be_between']) e;
SELECT avg(n)::float8, stddev_samp(n)::float8, sum(n), min(n), max(n) FROM t WHERE s = 'CN' AND n <> 3;
SELECT vqc.expect('t', 'expect_table_row_count_to_be_between', '{"max_value": 10, "row_condition": "col(\"s\") == \"CN\""}') -> 'result';

-- suites: one scan with and without conditions; add_expectation refuses a bad condition
SELECT vqc.create_suite('ge_sem_suite', 't') > 0 AS ok;
SELECT vqc.add_expectation('ge_sem_suite', 'expect_column_values_to_be_between', '{"column": "n", "max_value": 6, "row_condition": "col(\"s\") == \"CN\""}') > 0 AS ok;
SELECT vqc.add_expectation('ge_sem_suite', 'expect_column_values_to_be_between', '{"column": "n", "max_value": 6}') > 0 AS ok;
SELECT vqc.add_expectation('ge_sem_suite', 'expect_column_values_to_not_be_null', '{"column": "we\"ird", "row_condition": "col(\"n\") >= 5"}') > 0 AS ok;
SELECT vqc.add_expectation('ge_sem_suite', 'expect_column_mean_to_be_between', '{"column": "n", "max_value": 5, "row_condition": "col(\"s\") == \"CN\""}') > 0 AS ok;
SELECT vqc.add_expectation('ge_sem_suite', 'expect_column_mean_to_be_between', '{"column": "n", "max_value": 5}') > 0 AS ok;
SELECT vqc.add_expectation('ge_sem_suite', 'expect_table_row_count_to_be_between', '{"max_value": 20, "row_condition": "col(\"s\") == \"CN\""}') > 0 AS ok;
SELECT try($$SELECT vqc.add_expectation('ge_sem_suite', 'expect_column_values_to_not_be_null', '{"column": "n", "row_condition": "col(\"zz\") == 1"}')$$);
SELECT position, status, unexpected_count, (result -> 'result' ->> 'element_count')::int AS element_count, observed_value
  FROM vqc.run('ge_sem_suite');
SELECT scans FROM vqc_report.run WHERE suite_name = 'ge_sem_suite';

-- suite parameters: values at run time, a missing one named
SELECT vqc.create_suite('ge_sem_params', 't') > 0 AS ok;
SELECT vqc.add_expectation('ge_sem_params', 'expect_column_values_to_be_between', '{"column": "n", "max_value": {"$PARAMETER": "top"}}') > 0 AS ok;
SELECT try($$SELECT vqc.add_expectation('ge_sem_params', 'expect_column_values_to_be_between', '{"column": "n", "max_value": {"$PARAMETER": 7}}')$$);
SELECT position, status, unexpected_count FROM vqc.run('ge_sem_params', '{"top": 7}');
SELECT position, status, unexpected_count FROM vqc.run('ge_sem_params', '{"top": 9}');
SELECT try($$SELECT * FROM vqc.run('ge_sem_params', '{"bottom": 9}')$$);
SELECT try($$SELECT * FROM vqc.run('ge_sem_params')$$);
SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "n", "max_value": {"$PARAMETER": "top"}}', 'BASIC', '{"top": 8}') -> 'result' -> 'unexpected_count';

SELECT vqc.drop_suite('ge_sem_suite'), vqc.drop_suite('ge_sem_params');
RESET search_path;
DROP SCHEMA ge_sem CASCADE;
