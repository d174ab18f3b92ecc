-- Map expectations: passing and failing data, NULLs, empty tables, mostly,
-- strict bounds, every result_format level.
CREATE SCHEMA expect_map_test;
SET search_path = expect_map_test, public;
CREATE TABLE t (id int PRIMARY KEY, n int, x float8, s text, d date, b boolean);
INSERT INTO t VALUES
  (1, 1, 1.5, 'apple', '2020-01-01', true),
  (2, 2, 2.5, 'banana', '2020-02-01', false),
  (3, 3, NULL, 'cherry', '2020-03-01', true),
  (4, NULL, 4.5, NULL, NULL, NULL),
  (5, 5, 5.5, 'apple', '2020-05-01', false),
  (6, 6, 'NaN', 'date', '2020-06-01', true),
  (7, 7, 7.5, 'elderberry', '2020-07-01', true),
  (8, 8, 8.5, 'fig', '2020-08-01', false),
  (9, 9, 9.5, 'grape', '2020-09-01', true),
  (10, 10, 10.5, 'kiwi', '2020-10-01', false);
CREATE TABLE empty (id int PRIMARY KEY, n int, s text);

-- a full BASIC result, to show its shape
SELECT jsonb_pretty(vqc.expect('t', 'expect_column_values_to_be_between',
                               '{"column": "n", "min_value": 2, "max_value": 8}'));

-- not null / null: nulls are the unexpected values, no missing_count
SELECT jsonb_pretty(vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "s"}'));
SELECT vqc.expect('t', 'expect_column_values_to_not_be_null', '{"column": "id"}') -> 'success' AS id_not_null;
SELECT vqc.expect('t', 'expect_column_values_to_be_null', '{"column": "n"}') #> '{result,unexpected_count}' AS n_nonnull;
SELECT vqc.expect('t', 'expect_column_values_to_be_null', '{"column": "n", "mostly": 0.1}') -> 'success' AS mostly_null;

-- between: bounds, one-sided bounds, strictness
SELECT k, vqc.expect('t', 'expect_column_values_to_be_between', k) #> '{result,unexpected_count}' AS unexpected
  FROM (VALUES ('{"column": "n", "min_value": 1, "max_value": 10}'::jsonb),
               ('{"column": "n", "min_value": 1, "max_value": 10, "strict_min": true}'),
               ('{"column": "n", "min_value": 1, "max_value": 10, "strict_min": true, "strict_max": true}'),
               ('{"column": "n", "min_value": 5}'),
               ('{"column": "n", "max_value": 5}'),
               ('{"column": "n", "max_value": 5, "strict_max": true}'),
               ('{"column": "x", "min_value": 0, "max_value": 100}'),
               ('{"column": "d", "min_value": "2020-02-01", "max_value": "2020-09-30"}'),
               ('{"column": "s", "min_value": "b", "max_value": "f"}')) v(k);
-- NaN is above every number in PostgreSQL, so it is outside [0, 100]; the NULL is missing
SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "x", "min_value": 0, "max_value": 100}')
       #> '{result}' AS x_result;

-- mostly: 9 non-null n; 6 in [2, 8] is 6/9 = 0.666...
SELECT m, vqc.expect('t', 'expect_column_values_to_be_between',
                     jsonb_build_object('column', 'n', 'min_value', 2, 'max_value', 8, 'mostly', m)) -> 'success' AS success
  FROM unnest(ARRAY[0.6, 0.66, 0.6666, 0.6667, 0.67, 1]) m;
-- exactly at the boundary: 8 of 10 non-null ids in [1, 8] is 0.8
SELECT vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "id", "max_value": 8, "mostly": 0.8}') -> 'success' AS at_boundary,
       vqc.expect('t', 'expect_column_values_to_be_between', '{"column": "id", "max_value": 8, "mostly": 0.80000001}') -> 'success' AS just_above;

-- unique: every row of a repeated value is unexpected
SELECT jsonb_pretty(vqc.expect('t', 'expect_column_values_to_be_unique', '{"column": "s"}'));
-- id has a unique index: answered from the catalog, same result
SELECT vqc.expect('t', 'expect_column_values_to_be_unique', '{"column": "id"}') #> '{result}' AS id_dups;
SELECT vqc.expect('t', 'expect_column_values_to_be_unique', '{"column": "b"}') #> '{result,unexpected_count}' AS b_dups;

-- regex (PCRE2, unanchored) and its negation
SELECT vqc.expect('t', 'expect_column_values_to_match_regex', '{"column": "s", "regex": "an"}') #> '{result,partial_unexpected_list}' AS no_an;
SELECT vqc.expect('t', 'expect_column_values_to_not_match_regex', '{"column": "s", "regex": "^[a-c]"}') #> '{result,partial_unexpected_list}' AS starts_a_to_c;
SELECT vqc.expect('t', 'expect_column_values_to_match_regex_list', '{"column": "s", "regex_list": ["^a", "e$"]}') #> '{result,partial_unexpected_list}' AS any_of;
SELECT vqc.expect('t', 'expect_column_values_to_match_regex_list', '{"column": "s", "regex_list": ["^a", "e$"], "match_on": "all"}') #> '{result,partial_unexpected_list}' AS all_of;
SELECT vqc.expect('t', 'expect_column_values_to_not_match_regex_list', '{"column": "s", "regex_list": ["rr", "pp"]}') #> '{result,partial_unexpected_list}' AS none_of;

-- sets
SELECT vqc.expect('t', 'expect_column_values_to_be_in_set', '{"column": "s", "value_set": ["apple", "banana", "cherry"]}') #> '{result,partial_unexpected_list}' AS not_in;
SELECT vqc.expect('t', 'expect_column_values_to_not_be_in_set', '{"column": "s", "value_set": ["apple", "kiwi"]}') #> '{result,partial_unexpected_list}' AS forbidden;
SELECT vqc.expect('t', 'expect_column_values_to_be_in_set', '{"column": "n", "value_set": [1, 2, 3, null]}') #> '{result,unexpected_count}' AS n_not_in;
SELECT vqc.expect('t', 'expect_column_values_to_be_in_set', '{"column": "b", "value_set": [true]}') #> '{result,partial_unexpected_list}' AS bools;
SELECT vqc.expect('t', 'expect_column_values_to_be_in_set', '{"column": "s", "value_set": []}') #> '{result,unexpected_count}' AS empty_set;

-- lengths
SELECT vqc.expect('t', 'expect_column_value_lengths_to_be_between', '{"column": "s", "min_value": 4, "max_value": 6}') #> '{result,partial_unexpected_list}' AS len_4_6;
SELECT vqc.expect('t', 'expect_column_value_lengths_to_equal', '{"column": "s", "value": 5}') #> '{result,partial_unexpected_list}' AS len_5;

-- formats
CREATE TABLE f (id int PRIMARY KEY, v text);
INSERT INTO f VALUES (1, '1990-01-01'), (2, '1990-13-01'), (3, '1990/01/01'), (4, '2000-02-29'),
                     (5, '1900-02-29'), (6, NULL), (7, 'a@b.co'), (8, 'not an email');
SELECT vqc.expect('f', 'expect_column_values_to_match_strftime_format', '{"column": "v", "strftime_format": "%Y-%m-%d"}') #> '{result,partial_unexpected_list}' AS strftime;
SELECT vqc.expect('f', 'expect_column_values_to_be_iso8601', '{"column": "v"}') #> '{result,partial_unexpected_list}' AS iso_date;
SELECT vqc.expect('f', 'expect_column_values_to_be_valid_email', '{"column": "v"}') #> '{result,unexpected_count}' AS not_email;

-- empty table: vacuously true, percents null
SELECT jsonb_pretty(vqc.expect('empty', 'expect_column_values_to_be_between', '{"column": "n", "min_value": 0}'));
SELECT vqc.expect('empty', 'expect_column_values_to_not_be_null', '{"column": "n"}') -> 'success' AS empty_not_null;
SELECT vqc.expect('empty', 'expect_column_values_to_be_unique', '{"column": "n"}') -> 'success' AS empty_unique;

-- result_format levels
SELECT vqc.expect('t', 'expect_column_values_to_be_in_set', '{"column": "s", "value_set": ["kiwi"]}', 'BOOLEAN_ONLY') AS boolean_only;
SELECT jsonb_pretty(vqc.expect('t', 'expect_column_values_to_be_in_set', '{"column": "s", "value_set": ["kiwi", "fig"]}', 'SUMMARY') -> 'result') AS summary;
SELECT jsonb_pretty(vqc.expect('t', 'expect_column_values_to_be_in_set', '{"column": "s", "value_set": ["kiwi", "fig", "grape", "elderberry", "date"]}', 'COMPLETE') -> 'result') AS complete;
-- GE's dict form inside kwargs, with a partial_unexpected_count and other index columns
SELECT jsonb_pretty(vqc.expect('t', 'expect_column_values_to_be_between',
    '{"column": "n", "max_value": 4, "result_format": {"result_format": "SUMMARY", "partial_unexpected_count": 2, "unexpected_index_column_names": ["s"]}}') -> 'result') AS dict_form;
-- a table without a primary key: rows are identified by ctid
CREATE TABLE nokey (v int);
INSERT INTO nokey VALUES (1), (200);
SELECT vqc.expect('nokey', 'expect_column_values_to_be_between', '{"column": "v", "max_value": 100}') #> '{result,partial_unexpected_index_list}' AS by_ctid;
-- views have no ctid: samples come without a key; partitions are named
CREATE VIEW nokey_view AS SELECT v FROM nokey;
SELECT vqc.expect('nokey_view', 'expect_column_values_to_be_between', '{"column": "v", "max_value": 100}') #> '{result,partial_unexpected_index_list}' AS from_view;
CREATE TABLE parted (v int) PARTITION BY RANGE (v);
CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (0) TO (100);
CREATE TABLE parted_high PARTITION OF parted FOR VALUES FROM (100) TO (1000);
INSERT INTO parted VALUES (1), (200);
SELECT vqc.expect('parted', 'expect_column_values_to_be_between', '{"column": "v", "max_value": 100}') #> '{result,partial_unexpected_index_list}' AS from_partition;

-- a 10 MB value is clipped in samples, not copied whole
CREATE TABLE huge (id int PRIMARY KEY, s text);
INSERT INTO huge VALUES (1, repeat('x', 10000000)), (2, 'y');
SELECT octet_length(r #>> '{result,partial_unexpected_list,0}') AS sample_bytes,
       r #> '{result,unexpected_count}' AS unexpected
  FROM vqc.expect('huge', 'expect_column_values_to_match_regex', '{"column": "s", "regex": "^y"}') AS r;
SELECT vqc.expect('huge', 'expect_column_value_lengths_to_be_between', '{"column": "s", "max_value": 9999999}') #> '{result,unexpected_count}' AS too_long;
