-- Bad requests: each raises an error that names the problem, with its SQLSTATE.
CREATE SCHEMA expect_errors_test;
SET search_path = expect_errors_test, public;
CREATE TABLE t (id int PRIMARY KEY, n int, s text, p point, j jsonb, a int[]);
INSERT INTO t VALUES (1, 1, 'a', '(0,0)', '{}', '{1}');
CREATE FUNCTION try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

SELECT stmt, try(stmt) FROM (VALUES
  -- unknown expectation, unknown / missing / ill-typed kwargs
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_purple', '{"column": "n"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "n", "min_value": 1, "colour": "red"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"min_value": 1}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "n"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "n", "min_value": [1]}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "n", "min_value": "one"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "n", "min_value": 5, "max_value": 1}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "n", "min_value": 1, "strict_min": "yes"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "n", "min_value": 1, "mostly": 1.5}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "n", "min_value": 1, "mostly": "most"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_between', '[1, 2]')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_in_set', '{"column": "n", "value_set": "1,2"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_in_set', '{"column": "n", "value_set": [1, "x"]}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_in_set', '{"column": "n", "value_set": [[1]]}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_value_lengths_to_be_between', '{"column": "s", "min_value": -1}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_mean_to_be_between', '{"column": "n"}')$$),
  ($$SELECT vqc.expect('t', 'expect_table_row_count_to_equal', '{"value": 1.5}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_of_type', '{"column": "n", "type_": "NOSUCHTYPE"}')$$),
  -- found by test/fuzz/kwargs_fuzz.sql: a type name that does not parse, an
  -- index beyond integer, min() of a type with an order but no min()
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_of_type', '{"column": "n", "type_": "%Y-%m-%d"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_to_exist', '{"column": "n", "column_index": 1e30}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_to_exist', '{"column": "n", "column_index": 1.5}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_min_to_be_between', '{"column": "j", "min_value": 0}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_match_regex_list', '{"column": "s", "regex_list": []}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_match_regex_list', '{"column": "s", "regex_list": ["a"], "match_on": "most"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_iso8601', '{"column": "s", "kind": "week"}')$$),
  -- missing table or column
  ($$SELECT vqc.expect('no_such_table', 'expect_column_values_to_not_be_null', '{"column": "n"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "nope"}')$$),
  ($$SELECT vqc.expect(NULL, 'expect_column_values_to_not_be_null', '{"column": "n"}')$$),
  -- an expectation on a column type it cannot handle
  ($$SELECT vqc.expect('t', 'expect_column_values_to_match_regex', '{"column": "n", "regex": "1"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_mean_to_be_between', '{"column": "s", "min_value": 0}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "p", "min_value": 0}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_unique', '{"column": "p"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_value_lengths_to_equal', '{"column": "n", "value": 1}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_in_set', '{"column": "a", "value_set": [1, 2]}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_distinct_values_to_be_in_set', '{"column": "a", "value_set": [1]}')$$),
  -- bad patterns and formats
  ($$SELECT vqc.expect('t', 'expect_column_values_to_match_regex', '{"column": "s", "regex": "(unclosed"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_match_strftime_format', '{"column": "s", "strftime_format": "%Q"}')$$),
  -- result_format
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "n"}', 'VERBOSE')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "n", "result_format": {"partial_unexpected_count": -1}}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "n", "result_format": {"result_format": "BASIC", "colour": 1}}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "n", "result_format": {"unexpected_index_column_names": ["nope"]}}')$$)
) v(stmt);

-- the match limit: a catastrophic pattern ends with an error instead of hanging
CREATE TABLE slow (id int PRIMARY KEY, s text);
INSERT INTO slow VALUES (1, repeat('a', 40) || 'b');
SELECT try($$SELECT vqc.expect('slow', 'expect_column_values_to_match_regex', '{"column": "s", "regex": "(a+)+$"}')$$);
-- row values never appear in error messages
SELECT try($$SELECT vqc.expect('slow', 'expect_column_values_to_match_regex', '{"column": "s", "regex": "(a+)+$"}')$$) LIKE '%aaaa%' AS leaks_value;
