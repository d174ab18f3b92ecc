-- vqc.hash_set_state: exact uniqueness screening
\set VERBOSITY terse

\i sql/include/state_helpers.psql

CREATE TABLE hs_data AS
SELECT i, i AS n_unique, i % 100 AS n_dup,
       'value ' || i AS t_unique, 'value ' || (i % 250) AS t_dup,
       CASE WHEN i % 10 = 0 THEN NULL ELSE i END AS n_nulls
FROM generate_series(1, 1000) i;

-- int, text: unique vs duplicated; NULLs are ignored
SELECT 'int unique' AS what, vqc.hash_set_count(s), vqc.hash_set_has_duplicates(s),
       vqc.hash_set_distinct_hashes(s), vqc.hash_set_overflowed(s)
FROM (SELECT vqc.hash_set_agg(n_unique) s FROM hs_data) x
UNION ALL
SELECT 'int duplicated', vqc.hash_set_count(s), vqc.hash_set_has_duplicates(s),
       vqc.hash_set_distinct_hashes(s), vqc.hash_set_overflowed(s)
FROM (SELECT vqc.hash_set_agg(n_dup) s FROM hs_data) x
UNION ALL
SELECT 'int with nulls', vqc.hash_set_count(s), vqc.hash_set_has_duplicates(s),
       vqc.hash_set_distinct_hashes(s), vqc.hash_set_overflowed(s)
FROM (SELECT vqc.hash_set_agg(n_nulls) s FROM hs_data) x
UNION ALL
SELECT 'text unique', vqc.hash_set_count(s), vqc.hash_set_has_duplicates(s),
       vqc.hash_set_distinct_hashes(s), vqc.hash_set_overflowed(s)
FROM (SELECT vqc.hash_set_agg(t_unique) s FROM hs_data) x
UNION ALL
SELECT 'text duplicated', vqc.hash_set_count(s), vqc.hash_set_has_duplicates(s),
       vqc.hash_set_distinct_hashes(s), vqc.hash_set_overflowed(s)
FROM (SELECT vqc.hash_set_agg(t_dup) s FROM hs_data) x
UNION ALL
SELECT 'empty', vqc.hash_set_count(s), vqc.hash_set_has_duplicates(s),
       vqc.hash_set_distinct_hashes(s), vqc.hash_set_overflowed(s)
FROM (SELECT vqc.hash_set_agg(n_unique) s FROM hs_data WHERE false) x
UNION ALL
SELECT 'only nulls', vqc.hash_set_count(s), vqc.hash_set_has_duplicates(s),
       vqc.hash_set_distinct_hashes(s), vqc.hash_set_overflowed(s)
FROM (SELECT vqc.hash_set_agg(NULL::int) s FROM hs_data) x;

-- distinct hashes agree with count(DISTINCT) on these sets
SELECT vqc.hash_set_distinct_hashes(vqc.hash_set_agg(t_dup)) = count(DISTINCT t_dup) AS text_ok,
       vqc.hash_set_distinct_hashes(vqc.hash_set_agg(n_dup)) = count(DISTINCT n_dup) AS int_ok
FROM hs_data;

-- string types other than text are aggregates too, not casts
SELECT vqc.hash_set_has_duplicates(vqc.hash_set_agg(x::varchar)) AS varchar_dup,
       vqc.hash_set_has_duplicates(vqc.hash_set_agg(x::char(5))) AS bpchar_dup,
       vqc.hash_set_has_duplicates(vqc.hash_set_agg(x::name)) AS name_dup,
       vqc.hash_set_count(vqc.hash_set_agg(x)) AS text_count
FROM unnest('{a, "a  ", b}'::text[]) x;

-- numeric: 1.0 and 1.00 are equal, so they hash equal
SELECT vqc.hash_set_has_duplicates(vqc.hash_set_agg(x)) AS dup,
       vqc.hash_set_distinct_hashes(vqc.hash_set_agg(x)) AS distinct_hashes
FROM unnest('{1.0, 1.00, 2}'::numeric[]) x;
SELECT vqc.hash_set_has_duplicates(vqc.hash_set_agg(x)) AS dup
FROM unnest('{1.0, 1.01, 2}'::numeric[]) x;

-- other hashable types: arrays, timestamps
SELECT vqc.hash_set_has_duplicates(vqc.hash_set_agg(x))
FROM (VALUES ('{1,2}'::int[]), ('{2,1}'::int[])) v(x);
SELECT vqc.hash_set_has_duplicates(vqc.hash_set_agg(d))
FROM generate_series('2024-01-01'::date, '2024-12-31'::date, '1 day') d;

-- a case-insensitive (nondeterministic) collation hashes 'ABC' and 'abc' alike
CREATE COLLATION hs_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
SELECT vqc.hash_set_has_duplicates(vqc.hash_set_agg(x COLLATE hs_ci)) AS ci_dup,
       vqc.hash_set_has_duplicates(vqc.hash_set_agg(x COLLATE "C")) AS c_dup
FROM unnest('{ABC, abc, xyz}'::text[]) x;
DROP COLLATION hs_ci;

-- a type without an extended hash function: 42883
\set VERBOSITY default
SELECT vqc.hash_set_agg(point(i, i)) FROM generate_series(1, 3) i;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse

-- over the memory limit: only the count; duplicate answers are NULL (these
-- integers spread too wide for a bitmap: sql/hash_set_dense.sql)
CREATE TABLE hs_big AS SELECT i FROM generate_series(1, 100000) i;
ANALYZE hs_big;
SET vqc.exact_memory_limit = 64;
SELECT vqc.hash_set_overflowed(s), vqc.hash_set_count(s),
       vqc.hash_set_has_duplicates(s) IS NULL AS dup_null,
       vqc.hash_set_distinct_hashes(s) IS NULL AS distinct_null
FROM (SELECT vqc.hash_set_agg(i * 1000) s FROM hs_big) b;
RESET vqc.exact_memory_limit;

-- combine through a parallel plan equals the serial plan
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT vqc.hash_set_agg(i) FROM hs_big;
SELECT vqc.hash_set_agg(i) AS u_par, vqc.hash_set_agg(i % 5000) AS d_par FROM hs_big \gset
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
SELECT vqc.hash_set_agg(i) AS u_ser, vqc.hash_set_agg(i % 5000) AS d_ser FROM hs_big \gset
RESET max_parallel_workers_per_gather;
SELECT vqc.hash_set_count(p.u) = vqc.hash_set_count(s.u) AS count_same,
       vqc.hash_set_has_duplicates(p.u) AS par_u_dup, vqc.hash_set_has_duplicates(s.u) AS ser_u_dup,
       vqc.hash_set_distinct_hashes(p.u) AS par_u, vqc.hash_set_distinct_hashes(s.u) AS ser_u,
       vqc.hash_set_has_duplicates(p.d) AS par_d_dup,
       vqc.hash_set_distinct_hashes(p.d) AS par_d, vqc.hash_set_distinct_hashes(s.d) AS ser_d
FROM (SELECT :'u_par'::vqc.hash_set_state AS u, :'d_par'::vqc.hash_set_state AS d) p,
     (SELECT :'u_ser'::vqc.hash_set_state AS u, :'d_ser'::vqc.hash_set_state AS d) s;

-- text and binary round trips
CREATE TABLE hs_states AS
SELECT vqc.hash_set_agg(n_dup) AS s FROM hs_data WHERE i <= 5
UNION ALL SELECT vqc.hash_set_agg(t_unique) FROM hs_data
UNION ALL SELECT vqc.hash_set_agg(i) FROM hs_data WHERE false;
SET vqc.exact_memory_limit = 1;
INSERT INTO hs_states SELECT vqc.hash_set_agg(i * 1000) FROM hs_data;
RESET vqc.exact_memory_limit;
SELECT count(*) AS states,
       bool_and(s::text::vqc.hash_set_state::text = s::text) AS text_rt,
       bool_and(pg_temp.recv(vqc.hash_set_state_send(s), 'vqc.hash_set_state') = s::text) AS binary_rt,
       bool_and(vqc.hash_set_state_send(s) = decode(s::text, 'hex')) AS send_is_hex
FROM hs_states;
SELECT s, vqc.hash_set_count(s), vqc.hash_set_overflowed(s) FROM hs_states
WHERE vqc.hash_set_count(s) <> 1000;
-- the state aggregated under a 1 kB memory limit overflowed (it keeps the count it reached)
SELECT vqc.hash_set_count(s), vqc.hash_set_overflowed(s) FROM hs_states ORDER BY 1, 2;

-- malformed input: text 22P02, binary 22P03
WITH g(s) AS (SELECT s::text FROM hs_states LIMIT 1),
cases(name, h) AS (
    SELECT 'valid', s FROM g
    UNION ALL SELECT 'quantile magic', overlay(s PLACING '56514351' FROM 1 FOR 8) FROM g
    UNION ALL SELECT 'bad version', overlay(s PLACING 'ffff' FROM 9 FOR 4) FROM g
    UNION ALL SELECT 'unknown flag', overlay(s PLACING '8000' FROM 13 FOR 4) FROM g
    UNION ALL SELECT 'truncated', left(s, -2) FROM g
    UNION ALL SELECT 'truncated value', left(s, -16) FROM g
    UNION ALL SELECT 'trailing', s || '00' FROM g
    UNION ALL SELECT 'counts larger than data', overlay(s PLACING '00000000000000060000000000000006' FROM 17 FOR 32) FROM g
    UNION ALL SELECT 'negative counts', overlay(s PLACING 'ffffffffffffffffffffffffffffffff' FROM 17 FOR 32) FROM g
    UNION ALL SELECT 'count != nvalues', overlay(s PLACING '0000000000000004' FROM 33 FOR 16) FROM g
    UNION ALL SELECT 'overflowed with values', overlay(s PLACING '0001' FROM 13 FOR 4) FROM g
)
SELECT name, pg_temp.try_in(h, 'vqc.hash_set_state') AS text_in,
       pg_temp.try_recv(decode(h, 'hex'), 'vqc.hash_set_state') AS binary_in
FROM cases;
\set VERBOSITY default
SELECT '56514348000100000000000000000001000000000000000100'::vqc.hash_set_state;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse

DROP TABLE hs_data, hs_big, hs_states;

-- the second pass's helpers: which words repeat and how often, and each value's word
SELECT (SELECT array_agg(dups[i][1] ORDER BY dups[i][1]) FROM generate_subscripts(dups, 1) i)
       = (SELECT array_agg(DISTINCT vqc.hash_value(v) ORDER BY vqc.hash_value(v))
            FROM (VALUES ('b'), ('c')) y(v)) AS repeated_hashes,
       (SELECT array_agg(dups[i][2] ORDER BY dups[i][1]) FROM generate_subscripts(dups, 1) i)
       = (SELECT array_agg(n ORDER BY vqc.hash_value(v)) FROM (VALUES ('b', 2::bigint), ('c', 3)) y(v, n)) AS occurrences
  FROM (SELECT vqc.hash_set_duplicates(vqc.hash_set_agg(v), 10)
          FROM (VALUES ('a'), ('b'), ('b'), ('c'), ('c'), ('c'), (NULL), (NULL)) x(v)) s(dups);
-- integers are their own words: the repeats are the values, ascending
SELECT vqc.hash_set_duplicates(vqc.hash_set_agg(v), 10) AS int_repeats
  FROM (VALUES (7), (-3), (7), (2), (-3), (7), (NULL)) x(v);
SELECT vqc.hash_set_duplicates(vqc.hash_set_agg(v::smallint), 10) AS smallint_repeats,
       vqc.hash_set_duplicates(vqc.hash_set_agg(v::bigint * 4000000000), 10) AS bigint_repeats
  FROM (VALUES (-1), (5), (-1)) x(v);
SELECT vqc.hash_value(-5::int) AS int_word, vqc.hash_value(9223372036854775807) AS bigint_word,
       vqc.hash_value(3::smallint) AS smallint_word;
-- many words sharing their high bits (integers) and uniform hashes sort alike
SELECT (SELECT array_agg(d) FROM unnest(vqc.hash_set_duplicates(vqc.hash_set_agg(v % 50000), 100000)) WITH ORDINALITY u(d, o) WHERE o % 2 = 1)
       = (SELECT array_agg(w::bigint ORDER BY w) FROM generate_series(0, 49999) w) AS int_repeats_ascending,
       cardinality(vqc.hash_set_duplicates(vqc.hash_set_agg(v::text), 100000)) = 0 AS text_distinct,
       vqc.hash_set_distinct_hashes(vqc.hash_set_agg(v % 70001)) = 70001 AS int_distinct,
       vqc.hash_set_distinct_hashes(vqc.hash_set_agg((v % 70001)::text)) = 70001 AS text_repeats,
       vqc.hash_set_distinct_hashes(vqc.hash_set_agg(v % 70001 - 35000)) = 70001 AS signed_distinct
  FROM generate_series(1, 200000) v;
SELECT vqc.hash_set_duplicates(vqc.hash_set_agg(v), 1) AS too_many_repeats,
       vqc.hash_set_duplicates(vqc.hash_set_agg(v), 2) IS NOT NULL AS enough_room
  FROM (VALUES (1), (1), (2), (2)) x(v);
SELECT vqc.hash_set_duplicates(vqc.hash_set_agg(v), 10) AS no_repeats
  FROM generate_series(1, 1000) v;
SELECT vqc.hash_set_duplicates(vqc.hash_set_agg(v), 10) AS empty_input
  FROM generate_series(1, 0) v;
SELECT vqc.hash_value(1.0::numeric) = vqc.hash_value(1.00::numeric) AS numeric_scale_ignored,
       vqc.hash_value('x'::text) = vqc.hash_value('y'::text) AS different_text,
       vqc.hash_value(NULL::int) IS NULL AS null_in_null_out;
SELECT vqc.hash_set_duplicates(vqc.hash_set_agg(v), -1) FROM (VALUES (1)) x(v);
-- numeric NaN, Infinity and -Infinity are three values, each equal only to itself
SELECT vqc.hash_set_distinct_hashes(vqc.hash_set_agg(v)) AS numeric_specials_distinct,
       vqc.hash_set_duplicates(vqc.hash_set_agg(v), 10) AS numeric_specials_repeats
  FROM (VALUES ('NaN'::numeric), ('Infinity'), ('-Infinity'), (0), (1.5)) x(v);
SELECT vqc.hash_set_distinct_hashes(vqc.hash_set_agg(v)) AS numeric_specials_twice
  FROM (VALUES ('NaN'::numeric), ('Infinity'), ('-Infinity'), ('NaN'), ('Infinity'), ('-Infinity')) x(v);
CREATE TEMP TABLE numeric_specials (v numeric);
INSERT INTO numeric_specials VALUES ('NaN'), ('Infinity'), ('-Infinity'), (1);
SELECT vqc.expect('numeric_specials', 'expect_column_values_to_be_unique', '{"column": "v"}') -> 'success' AS specials_unique;
-- and distinct counts of a numeric column count them as three values (1 and 1.0 as one)
CREATE TEMP TABLE numeric_counted AS
SELECT CASE WHEN i % 3 = 0 THEN 'NaN'::numeric WHEN i % 3 = 1 THEN 'Infinity' ELSE '-Infinity' END AS x
  FROM generate_series(1, 5000) i
UNION ALL SELECT i FROM generate_series(1, 3000) i
UNION ALL SELECT 1.0;
SELECT vqc.expect('numeric_counted', 'expect_column_unique_value_count_to_be_between',
                  '{"column": "x", "min_value": 3003, "max_value": 3003}') -> 'success' AS specials_counted_apart,
       (SELECT count(DISTINCT x) FROM numeric_counted) AS count_distinct;
