-- The expectation types of src/sql/ge_types.sql: SQL LIKE patterns, column
-- pairs, several columns of a row, compound uniqueness, z-scores, other
-- tables, unexpected_rows_expectation; in vqc.expect, typed wrappers and
-- suites (one scan), with their bad requests.
CREATE SCHEMA ge_types_test;
SET search_path = ge_types_test, public;
CREATE FUNCTION try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
-- the parts of a map result that tell what failed
CREATE FUNCTION brief(r jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT format('success=%s unexpected=%s missing=%s list=%s index=%s',
                  r -> 'success', r #> '{result,unexpected_count}', r #> '{result,missing_count}',
                  r #> '{result,partial_unexpected_list}', r #> '{result,partial_unexpected_index_list}')
$$;

CREATE TABLE t (id int PRIMARY KEY, s text, a int, b bigint, c numeric, f float8,
                d date, ts timestamp, j json, x int, y int, z int);
INSERT INTO t VALUES
  (1, 'apple',  1, 0,    1,    0.1, '2020-01-01', '2020-01-01 00:00', '{}', 1, 2, 3),
  (2, 'banana', 2, 2,    2.0,  0.2, '2020-01-02', '2020-01-01 00:00', '{}', 1, 1, 2),
  (3, 'cherry', 3, 4,    NULL, 0.7, '2020-01-03', '2020-01-04 00:00', '{}', 2, 2, NULL),
  (4, NULL,     4, NULL, 4,    NULL, NULL,        NULL,               '{}', NULL, NULL, NULL),
  (5, 'apricot', NULL, NULL, 5, 0.5, '2020-01-05', '2020-01-05 00:00', '{}', 1, 2, 3),
  (6, 'a_b%',   6, 5,    6,    100,  '2020-01-06', '2020-01-06 12:00', '{}', NULL, 7, 8);

-- ---------------------------------------------------------------- LIKE
SELECT brief(vqc.expect('t', 'expect_column_values_to_match_like_pattern', '{"column": "s", "like_pattern": "a%"}'));
SELECT brief(vqc.expect('t', 'expect_column_values_to_match_like_pattern', '{"column": "s", "like_pattern": "a%", "mostly": 0.5}'));
-- _ and % are wildcards, \ escapes them
SELECT brief(vqc.expect('t', 'expect_column_values_to_match_like_pattern', '{"column": "s", "like_pattern": "%\\_b\\%"}'));
SELECT brief(vqc.expect('t', 'expect_column_values_to_not_match_like_pattern', '{"column": "s", "like_pattern": "%an%"}'));
SELECT brief(vqc.expect('t', 'expect_column_values_to_match_like_pattern_list',
                        '{"column": "s", "like_pattern_list": ["a%", "%rr%"]}'));
SELECT brief(vqc.expect('t', 'expect_column_values_to_match_like_pattern_list',
                        '{"column": "s", "like_pattern_list": ["a%", "%p%"], "match_on": "all"}'));
SELECT brief(vqc.expect('t', 'expect_column_values_to_not_match_like_pattern_list',
                        '{"column": "s", "like_pattern_list": ["b%", "c%"]}'));

-- ---------------------------------------------------------------- pairs
-- a > b; rows with both missing are ignored by default, one missing is no failure (NOT NULL is NULL, as GE on SQL)
SELECT brief(vqc.expect('t', 'expect_column_pair_values_a_to_be_greater_than_b', '{"column_A": "a", "column_B": "b"}'));
SELECT brief(vqc.expect('t', 'expect_column_pair_values_a_to_be_greater_than_b',
                        '{"column_A": "a", "column_B": "b", "or_equal": true, "ignore_row_if": "either_value_is_missing"}'));
SELECT brief(vqc.expect('t', 'expect_column_pair_values_a_to_be_greater_than_b',
                        '{"column_A": "a", "column_B": "b", "ignore_row_if": "neither", "mostly": 0.6}'));
-- types that compare across: timestamp with date, integer with numeric
SELECT brief(vqc.expect('t', 'expect_column_pair_values_a_to_be_greater_than_b',
                        '{"column_A": "ts", "column_B": "d", "or_equal": true}'));
-- equal: a missing value on one side is unequal
SELECT brief(vqc.expect('t', 'expect_column_pair_values_to_be_equal', '{"column_A": "a", "column_B": "c"}'));
SELECT brief(vqc.expect('t', 'expect_column_pair_values_to_be_equal',
                        '{"column_A": "a", "column_B": "c", "ignore_row_if": "either_value_is_missing"}'));
SELECT brief(vqc.expect('t', 'expect_column_pair_values_to_be_equal', '{"column_A": "a", "column_B": "a"}'));
SELECT brief(vqc.expect('t', 'expect_column_pair_values_to_be_in_set',
                        '{"column_A": "x", "column_B": "y", "value_pairs_set": [[1, 2], [2, 2], [null, 7]]}'));
-- COMPLETE: the failing pairs [a, b] and their rows
SELECT vqc.expect('t', 'expect_column_pair_values_to_be_in_set',
                  '{"column_A": "x", "column_B": "y", "value_pairs_set": [[1, 2]]}', 'COMPLETE')
       #> '{result,unexpected_index_list}' AS complete;

-- ---------------------------------------------------------------- several columns
SELECT brief(vqc.expect('t', 'expect_multicolumn_sum_to_equal', '{"column_list": ["x", "y", "z"], "sum_total": 6}'));
-- summed exactly as numeric: 0.1 + 0.2 = 0.3 holds
CREATE TABLE fl (p float8, q float8);
INSERT INTO fl VALUES (0.1, 0.2), (0.7, 0.3), (NULL, NULL), (NULL, 0.3);
SELECT brief(vqc.expect('fl', 'expect_multicolumn_sum_to_equal', '{"column_list": ["p", "q"], "sum_total": 0.3}'));
SELECT brief(vqc.expect('fl', 'expect_multicolumn_sum_to_equal',
                        '{"column_list": ["p", "q"], "sum_total": 0.3, "ignore_row_if": "never"}'));
SELECT brief(vqc.expect('t', 'expect_select_column_values_to_be_unique_within_record', '{"column_list": ["x", "y", "z"]}'));
SELECT brief(vqc.expect('t', 'expect_select_column_values_to_be_unique_within_record',
                        '{"column_list": ["x", "y"], "ignore_row_if": "any_value_is_missing"}'));

-- compound uniqueness through the hash screen: every row of a repeated
-- combination fails; NULLs group together (as GROUP BY), all-missing rows
-- are ignored by default
SELECT brief(vqc.expect('t', 'expect_compound_columns_to_be_unique', '{"column_list": ["x", "y"]}'));
SELECT brief(vqc.expect('t', 'expect_compound_columns_to_be_unique', '{"column_list": ["x", "y", "z"], "ignore_row_if": "never"}'));
SELECT brief(vqc.expect('t', 'expect_compound_columns_to_be_unique', '{"column_list": ["y", "z"], "ignore_row_if": "never"}'));
SELECT brief(vqc.expect('t', 'expect_compound_columns_to_be_unique', '{"column_list": ["id", "x"]}'));
-- a unique index on NOT NULL columns among them settles it without the
-- screen; a unique index that allows NULLs (two NULL keys) does not
CREATE UNIQUE INDEX t_b ON t (b);
SELECT k ->> 'column_list' AS columns, vqc._plan('t', 'expect_compound_columns_to_be_unique', k, 0, '{id}', 20) -> 'items' ? 'h0' AS screened,
       vqc.expect('t', 'expect_compound_columns_to_be_unique', k) #> '{result,unexpected_count}' AS unexpected
  FROM (VALUES ('{"column_list": ["x", "id"]}'::jsonb), ('{"column_list": ["b", "x"]}'), ('{"column_list": ["b", "x"], "ignore_row_if": "never"}'),
               ('{"column_list": ["x", "y"]}')) v(k);
DROP INDEX t_b;
-- numerics equal in value are equal combinations whatever their scale
CREATE TABLE nums (k int, n numeric, m text);
INSERT INTO nums VALUES (1, 1.0, 'a'), (2, 1.00, 'a'), (3, 1.5, 'a');
SELECT brief(vqc.expect('nums', 'expect_compound_columns_to_be_unique', '{"column_list": ["n", "m"]}'));

-- ---------------------------------------------------------------- z-scores
CREATE TABLE zt (id int PRIMARY KEY, v int, w float8);
INSERT INTO zt SELECT g, g % 10, 5 FROM generate_series(1, 100) g;
INSERT INTO zt VALUES (101, 100, 5), (102, NULL, NULL);
SELECT brief(vqc.expect('zt', 'expect_column_value_z_scores_to_be_less_than', '{"column": "v", "threshold": 3}'));
SELECT brief(vqc.expect('zt', 'expect_column_value_z_scores_to_be_less_than', '{"column": "v", "threshold": 11}'));
-- one-sided: only high values fail
SELECT vqc.expect('zt', 'expect_column_value_z_scores_to_be_less_than',
                  '{"column": "v", "threshold": -0.1, "double_sided": false}') #> '{result,unexpected_count}' AS high;
SELECT vqc.expect('zt', 'expect_column_value_z_scores_to_be_less_than',
                  '{"column": "v", "threshold": -0.1, "double_sided": true}') #> '{result,unexpected_count}' AS both;
-- a stdev of 0 gives no z-scores: nothing fails
SELECT brief(vqc.expect('zt', 'expect_column_value_z_scores_to_be_less_than', '{"column": "w", "threshold": 1}'));

-- ---------------------------------------------------------------- other tables
CREATE TABLE parent (id bigint PRIMARY KEY, code text, amount numeric);
INSERT INTO parent SELECT g, 'c' || g, g FROM generate_series(1, 5) g;
INSERT INTO parent VALUES (7, NULL, 7.0), (8, 'c8', 7.00);
SELECT brief(vqc.expect('t', 'expect_column_values_to_be_in_other_table',
                        '{"column": "a", "other_table": "parent", "other_column": "id"}'));
-- (when the checked table is the smaller side of the join, its failing rows
-- come in the order of the join's hash table: sorted here)
SELECT r -> 'success' AS success, r #> '{result,unexpected_count}' AS unexpected,
       (SELECT jsonb_agg(e ORDER BY e ->> 'id') FROM jsonb_array_elements(r #> '{result,partial_unexpected_index_list}') e) AS index
  FROM vqc.expect('t', 'expect_column_values_to_be_in_other_table',
                  '{"column": "s", "other_table": "ge_types_test.parent", "other_column": "code", "mostly": 0}') r;
-- integer against numeric: the other side's values are cast, then made
-- distinct, so 7.0 and 7.00 do not count the row twice
SELECT brief(vqc.expect('t', 'expect_column_values_to_be_in_other_table',
                        '{"column": "z", "other_table": "parent", "other_column": "amount"}'));
SELECT vqc.expect('t', 'expect_column_values_to_be_in_other_table',
                  '{"column": "y", "other_table": "parent", "other_column": "amount"}') #> '{result,element_count}' AS rows_once;
-- float8 against numeric: numerics equal as float8 (1 and 1 + 1e-17) count a row once
CREATE TABLE fk (v float8);
INSERT INTO fk VALUES (1), (2);
CREATE TABLE pk (n numeric);
INSERT INTO pk VALUES (1), (1.00000000000000001);
SELECT brief(r), r #> '{result,element_count}' AS element_count
  FROM vqc.expect('fk', 'expect_column_values_to_be_in_other_table', '{"column": "v", "other_table": "pk", "other_column": "n"}') r;
SELECT vqc.expect('t', 'expect_table_row_count_to_equal_other_table', '{"other_table_name": "parent"}') #> '{result}' AS counts;
SELECT vqc.expect('t', 'expect_table_row_count_to_equal_other_table', '{"other_table_name": "t"}') -> 'success' AS itself;
SELECT k ->> 'tolerance' AS tolerance,
       vqc.expect('t', 'expect_table_row_count_to_be_within_other_table_by', k) -> 'success' AS success
  FROM (VALUES ('{"other_table_name": "parent", "tolerance": 0.1}'::jsonb),
               ('{"other_table_name": "parent", "tolerance": 0.15}'), ('{"other_table_name": "parent", "tolerance": 0}')) v(k);

-- ---------------------------------------------------------------- unexpected_rows_expectation
SELECT vqc.expect('t', 'unexpected_rows_expectation',
                  '{"unexpected_rows_query": "SELECT id, s FROM {batch} WHERE a > 3 ORDER BY id"}') -> 'result' AS rows;
SELECT vqc.expect('t', 'unexpected_rows_expectation',
                  '{"unexpected_rows_query": "SELECT * FROM {batch} WHERE a > 100"}') -> 'result' AS none;

-- ---------------------------------------------------------------- the failing rows' condition
-- each plan's fails_sql (for a query that selects the failing rows, its
-- kwargs written in) selects as many rows as the result counts
CREATE FUNCTION fails_count(tbl regclass, etype text, kwargs jsonb) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %s WHERE %s', tbl,
                   replace(vqc._plan(tbl, etype, kwargs, 0, '{id}', 20) ->> 'fails_sql',
                           '$1 OPERATOR(pg_catalog.->) 0', quote_literal(kwargs) || '::jsonb'))
        INTO n;
    RETURN n;
END $$;
SELECT c.etype, fails_count(c.tbl, c.etype, c.kwargs) AS selected,
       vqc.expect(c.tbl, c.etype, c.kwargs) #> '{result,unexpected_count}' AS counted
  FROM (VALUES
    ('t'::regclass, 'expect_column_pair_values_a_to_be_greater_than_b', '{"column_A": "a", "column_B": "b"}'::jsonb),
    ('t', 'expect_column_pair_values_to_be_equal', '{"column_A": "a", "column_B": "c"}'),
    ('t', 'expect_column_pair_values_to_be_in_set', '{"column_A": "x", "column_B": "y", "value_pairs_set": [[1, 2], [null, 7]]}'),
    ('t', 'expect_multicolumn_sum_to_equal', '{"column_list": ["x", "y", "z"], "sum_total": 6}'),
    ('t', 'expect_select_column_values_to_be_unique_within_record', '{"column_list": ["x", "y", "z"]}'),
    ('t', 'expect_compound_columns_to_be_unique', '{"column_list": ["x", "y"]}'),
    ('t', 'expect_compound_columns_to_be_unique', '{"column_list": ["x", "z"], "ignore_row_if": "never"}'),
    ('zt', 'expect_column_value_z_scores_to_be_less_than', '{"column": "v", "threshold": 3}'),
    ('zt', 'expect_column_value_z_scores_to_be_less_than', '{"column": "v", "threshold": 0.5, "double_sided": false}'),
    ('t', 'expect_column_values_to_be_in_other_table', '{"column": "a", "other_table": "parent", "other_column": "id"}'),
    ('t', 'expect_column_values_to_be_in_other_table', '{"column": "z", "other_table": "parent", "other_column": "amount"}')
  ) AS c(tbl, etype, kwargs);

-- ---------------------------------------------------------------- typed wrappers
SELECT vqc.expect_column_values_to_match_like_pattern('t', 's', 'a%', mostly => 0.5) -> 'success' AS w1,
       vqc.expect_column_pair_values_a_to_be_greater_than_b('t', column_A => 'ts', column_B => 'd', or_equal => true) -> 'success' AS w2,
       vqc.expect_compound_columns_to_be_unique('t', '{x,y}') #> '{result,unexpected_count}' AS w3,
       vqc.expect_multicolumn_sum_to_equal('t', '{x,y,z}', 6) #> '{result,unexpected_count}' AS w4,
       vqc.expect_column_values_to_be_in_other_table('t', 'a', 'parent', 'id') #> '{result,unexpected_count}' AS w5,
       vqc.expect_table_row_count_to_equal_other_table('t', 'parent') #> '{result,observed_value}' AS w6,
       vqc.expect_column_value_z_scores_to_be_less_than('zt', 'v', 3) -> 'success' AS w7,
       vqc.expect_column_pair_values_to_be_in_set('t', 'x', 'y', '[[1, 2], [2, 2]]', mostly => 0.5) -> 'success' AS w8;

-- ---------------------------------------------------------------- a suite: still one scan
SELECT vqc.create_suite('ge_types_suite', 'ge_types_test.t') IS NOT NULL AS created;
SELECT count(vqc.add_expectation('ge_types_suite', e.type, e.kwargs)) AS added FROM (VALUES
  ('expect_column_values_to_match_like_pattern', '{"column": "s", "like_pattern": "%a%"}'::jsonb),
  ('expect_column_pair_values_a_to_be_greater_than_b', '{"column_A": "a", "column_B": "b"}'),
  ('expect_compound_columns_to_be_unique', '{"column_list": ["x", "y"]}'),
  ('expect_select_column_values_to_be_unique_within_record', '{"column_list": ["x", "y", "z"]}'),
  ('expect_column_values_to_be_in_other_table', '{"column": "a", "other_table": "parent", "other_column": "id"}'),
  ('expect_column_values_to_be_in_other_table', '{"column": "s", "other_table": "parent", "other_column": "code"}'),
  ('expect_table_row_count_to_equal_other_table', '{"other_table_name": "parent"}'),
  ('expect_column_value_z_scores_to_be_less_than', '{"column": "f", "threshold": 5}'),
  ('expect_column_values_to_not_be_null', '{"column": "s"}')) e(type, kwargs);
-- the scan joins the other tables' distinct values to one read of t; the
-- notes say which checks may read again
SELECT count(*) FILTER (WHERE line ~ 'Seq Scan on t$') AS reads_of_t, count(*) FILTER (WHERE line ~ 'Join') AS joins
  FROM vqc.explain('ge_types_suite') line;
SELECT line FROM vqc.explain('ge_types_suite') line WHERE line ~ '^Note';
SELECT "position", expectation_type, status, unexpected_count, observed_value FROM vqc.run('ge_types_suite');
-- the scan, and one pass: the compound screen found a repeat, whose rows it reads
SELECT scans, rows_scanned FROM vqc_report.run WHERE suite_name = 'ge_types_suite';
SELECT "position", value, row_key FROM vqc_report.unexpected u JOIN vqc_report.run r USING (run_id)
 WHERE r.suite_name = 'ge_types_suite' ORDER BY "position", row_key ->> 'id';
-- without failures of the compound and z-score checks, one scan in all
SELECT vqc.create_suite('ge_types_one_scan', 'ge_types_test.zt') IS NOT NULL AS created;
SELECT vqc.add_expectation('ge_types_one_scan', 'expect_column_value_z_scores_to_be_less_than', '{"column": "v", "threshold": 11}') IS NOT NULL AS added;
SELECT vqc.add_expectation('ge_types_one_scan', 'expect_compound_columns_to_be_unique', '{"column_list": ["id", "v"]}') IS NOT NULL AS added;
SELECT vqc.add_expectation('ge_types_one_scan', 'expect_column_values_to_be_in_other_table', '{"column": "id", "other_table": "t", "other_column": "id", "mostly": 0}') IS NOT NULL AS added;
SELECT count(*) FILTER (WHERE success) AS passed, count(*) AS checks FROM vqc.run('ge_types_one_scan');
SELECT scans FROM vqc_report.run WHERE suite_name = 'ge_types_one_scan';

-- ---------------------------------------------------------------- bad requests
SELECT stmt, try(stmt) FROM (VALUES
  ($$SELECT vqc.expect('t', 'expect_column_values_to_match_like_pattern', '{"column": "a", "like_pattern": "1%"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_match_like_pattern', '{"column": "s", "like_pattern": "ab\\"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_match_like_pattern_list', '{"column": "s", "like_pattern_list": ["a%", "\\\\\\"]}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_match_like_pattern', '{"column": "s", "like_pattern": "ab\\\\"}') -> 'success'$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_match_like_pattern', '{"column": "s", "like_pattern": 1}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_match_like_pattern_list', '{"column": "s", "like_pattern_list": []}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_match_like_pattern_list', '{"column": "s", "like_pattern_list": ["a%"], "match_on": "most"}')$$),
  -- pairs of incomparable types, missing or unknown columns, bad ignore_row_if
  ($$SELECT vqc.expect('t', 'expect_column_pair_values_to_be_equal', '{"column_A": "a", "column_B": "s"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_pair_values_a_to_be_greater_than_b', '{"column_A": "d", "column_B": "f"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_pair_values_a_to_be_greater_than_b', '{"column_A": "j", "column_B": "j"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_pair_values_to_be_equal', '{"column_A": "a", "column_B": "nope"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_pair_values_to_be_equal', '{"column_A": "a", "column_B": 1}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_pair_values_to_be_equal', '{"column_A": "a", "column_B": "b", "ignore_row_if": "never"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_pair_values_to_be_in_set', '{"column_A": "a", "column_B": "b", "value_pairs_set": [[1]]}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_pair_values_to_be_in_set', '{"column_A": "a", "column_B": "b", "value_pairs_set": [[1, "x"]]}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_pair_values_to_be_in_set', '{"column_A": "a", "column_B": "b", "value_pairs_set": []}')$$),
  -- several columns
  ($$SELECT vqc.expect('t', 'expect_compound_columns_to_be_unique', '{"column_list": []}')$$),
  ($$SELECT vqc.expect('t', 'expect_compound_columns_to_be_unique', '{"column_list": ["x", "x"]}')$$),
  ($$SELECT vqc.expect('t', 'expect_compound_columns_to_be_unique', '{"column_list": ["x", "j"]}')$$),
  ($$SELECT vqc.expect('t', 'expect_compound_columns_to_be_unique', '{"column_list": "x"}')$$),
  ($$SELECT vqc.expect('t', 'expect_compound_columns_to_be_unique', '{"column_list": ["x"], "ignore_row_if": "neither"}')$$),
  ($$SELECT vqc.expect('t', 'expect_multicolumn_sum_to_equal', '{"column_list": ["x", "s"], "sum_total": 1}')$$),
  ($$SELECT vqc.expect('t', 'expect_multicolumn_sum_to_equal', '{"column_list": ["x", "y"], "sum_total": "1"}')$$),
  ($$SELECT vqc.expect('t', 'expect_select_column_values_to_be_unique_within_record', '{"column_list": ["x", "s"]}')$$),
  -- z-scores
  ($$SELECT vqc.expect('t', 'expect_column_value_z_scores_to_be_less_than', '{"column": "s", "threshold": 1}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_value_z_scores_to_be_less_than', '{"column": "a"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_value_z_scores_to_be_less_than', '{"column": "a", "threshold": 1, "double_sided": 1}')$$),
  -- other tables: missing, not a table name, not in this schema, incomparable, negative tolerance
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_in_other_table', '{"column": "a", "other_table": "nope", "other_column": "id"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_in_other_table', '{"column": "a", "other_table": "a.b.c", "other_column": "id"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_in_other_table', '{"column": "a", "other_table": "pg_class", "other_column": "oid"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_in_other_table', '{"column": "a", "other_table": "parent", "other_column": "code"}')$$),
  ($$SELECT vqc.expect('t', 'expect_column_values_to_be_in_other_table', '{"column": "a", "other_table": "parent", "other_column": "nope"}')$$),
  ($$SELECT vqc.expect('t', 'expect_table_row_count_to_be_within_other_table_by', '{"other_table_name": "parent", "tolerance": -1}')$$),
  ($$SELECT vqc.expect('t', 'expect_table_row_count_to_be_within_other_table_by', '{"other_table_name": "parent"}')$$),
  -- the query of unexpected_rows_expectation: never in a suite
  ($$SELECT vqc.add_expectation('ge_types_suite', 'unexpected_rows_expectation', '{"unexpected_rows_query": "SELECT 1"}')$$),
  ($$SELECT vqc.expect('t', 'unexpected_rows_expectation', '{"unexpected_rows_query": "SELECT 1; SELECT 2"}')$$),
  ($$SELECT vqc.expect('t', 'unexpected_rows_expectation', '{}')$$)
) AS x(stmt);
-- the refused requests added nothing: the 9 above
SELECT count(*) FROM vqc.suite_expectation e JOIN vqc.suite s USING (suite_id) WHERE s.name = 'ge_types_suite';

-- ---------------------------------------------------------------- another role
-- a role that may read t but not parent: a permission error, no samples of parent
CREATE ROLE regress_vqc_ge_reader;
GRANT USAGE ON SCHEMA ge_types_test TO regress_vqc_ge_reader;
GRANT SELECT ON t TO regress_vqc_ge_reader;
SET ROLE regress_vqc_ge_reader;
SELECT stmt, try(stmt) FROM (VALUES
  ($$SELECT vqc.expect('ge_types_test.t', 'expect_column_values_to_be_in_other_table', '{"column": "a", "other_table": "parent", "other_column": "id"}')$$),
  ($$SELECT vqc.expect('ge_types_test.t', 'expect_table_row_count_to_equal_other_table', '{"other_table_name": "parent"}')$$),
  ($$SELECT vqc.run('ge_types_suite')$$)
) AS x(stmt);
RESET ROLE;
SELECT count(*) AS runs FROM vqc_report.run WHERE suite_name = 'ge_types_suite';
-- column privilege on the other column only is enough for membership
GRANT SELECT (id) ON parent TO regress_vqc_ge_reader;
SET ROLE regress_vqc_ge_reader;
SELECT brief(vqc.expect('ge_types_test.t', 'expect_column_values_to_be_in_other_table',
                        '{"column": "a", "other_table": "parent", "other_column": "id"}'));
SELECT try($$SELECT vqc.expect('ge_types_test.t', 'expect_column_values_to_be_in_other_table', '{"column": "s", "other_table": "parent", "other_column": "code"}')$$);
-- its own suite reading parent; once it may no longer read parent, a run by
-- a role that may (here the superuser) is refused: the results would tell
-- the owner what parent holds
SELECT vqc.create_suite('ge_types_reader', 'ge_types_test.t') IS NOT NULL AS created;
SELECT vqc.add_expectation('ge_types_reader', 'expect_column_values_to_be_in_other_table',
                           '{"column": "a", "other_table": "parent", "other_column": "id"}') IS NOT NULL AS added;
RESET ROLE;
SELECT count(*) AS rows_before FROM vqc.run('ge_types_reader');
REVOKE SELECT (id) ON parent FROM regress_vqc_ge_reader;
SELECT try($$SELECT vqc.run('ge_types_reader')$$);
SELECT count(*) AS runs FROM vqc_report.run WHERE suite_name = 'ge_types_reader';
SELECT vqc.drop_suite('ge_types_reader');
DELETE FROM vqc_report.run WHERE suite_name = 'ge_types_reader';

SELECT vqc.drop_suite('ge_types_suite');
SELECT vqc.drop_suite('ge_types_one_scan');
DROP SCHEMA ge_types_test CASCADE;
DROP ROLE regress_vqc_ge_reader;
