-- vqc.hash_set_state of integers in the bitmap form: when the list of words
-- would outgrow vqc.exact_memory_limit and the values' range fits, the state
-- keeps a bitmap over the range plus the repeats.  Every answer must equal
-- the list's (taken under a large limit).
\set VERBOSITY terse

\i sql/include/state_helpers.psql

-- every answer of a state, and its form: the flags word (8002 = bitmap of
-- integers, 0002 = list of integers, 0003 = overflowed)
CREATE FUNCTION pg_temp.answers(s vqc.hash_set_state) RETURNS text
LANGUAGE sql AS $$
SELECT format('count %s overflowed %s dup %s distinct %s repeats %s',
              vqc.hash_set_count(s), vqc.hash_set_overflowed(s),
              vqc.hash_set_has_duplicates(s), vqc.hash_set_distinct_hashes(s),
              vqc.hash_set_duplicates(s, 1000))
$$;
CREATE FUNCTION pg_temp.form(s vqc.hash_set_state) RETURNS text
LANGUAGE sql AS $$ SELECT substr(s::text, 13, 4) $$;

-- the cases: values of one column, in the order o
CREATE TABLE hd (name text, o int, v8 bigint);
INSERT INTO hd
SELECT 'dense ascending', i, i FROM generate_series(1, 5000) i
UNION ALL SELECT 'dense ascending', 5000 + i, (ARRAY[17, 4000, 17, 1])[i] FROM generate_series(1, 4) i
UNION ALL SELECT 'dense descending', -i, i FROM generate_series(1, 5000) i
UNION ALL SELECT 'dense descending', i, 2500 FROM generate_series(1, 3) i
UNION ALL SELECT 'outward from the middle', i, CASE WHEN i % 2 = 0 THEN i / 2 ELSE -(i / 2) END
  FROM generate_series(1, 6000) i
UNION ALL SELECT 'outward from the middle', 6000 + i, -1 FROM generate_series(1, 2) i
UNION ALL SELECT 'negative', i, -3000 + (i * 7919) % 5000 FROM generate_series(1, 5000) i
UNION ALL SELECT 'negative', 5000 + i, -3000 + i % 3 FROM generate_series(1, 9) i
UNION ALL SELECT 'random order, no repeats', (i * 7919) % 6007, i FROM generate_series(1, 6000) i
UNION ALL SELECT 'int4 top', i, 2147483647 - i % 3000 FROM generate_series(0, 3001) i
UNION ALL SELECT 'int4 bottom', i, -2147483648 + (i * 13) % 3000 FROM generate_series(0, 3001) i
UNION ALL SELECT 'int8 top', i, 9223372036854775807 - i % 3000 FROM generate_series(0, 3001) i
UNION ALL SELECT 'int8 bottom', i, -9223372036854775808 + i % 3000 FROM generate_series(0, 3001) i
UNION ALL SELECT 'sparse: range too wide', i, i * 1000 FROM generate_series(1, 5000) i
UNION ALL SELECT 'repeats outgrow the limit', i, i % 10 FROM generate_series(1, 5000) i
UNION ALL SELECT 'widens, then too wide', i, i FROM generate_series(1, 5000) i
UNION ALL SELECT 'widens, then too wide', 5001, 100000000;

-- under 1 kB (128 words) the list overflows after 128 values
SET vqc.exact_memory_limit = 1;
CREATE TEMP TABLE small AS
SELECT name, vqc.hash_set_agg(v8 ORDER BY o) AS s8,
       vqc.hash_set_agg(v8::int4 ORDER BY o) FILTER (WHERE v8 BETWEEN -2147483648 AND 2147483647) AS s4
  FROM hd GROUP BY name;
RESET vqc.exact_memory_limit;
CREATE TEMP TABLE large AS
SELECT name, vqc.hash_set_agg(v8 ORDER BY o) AS s8,
       vqc.hash_set_agg(v8::int4 ORDER BY o) FILTER (WHERE v8 BETWEEN -2147483648 AND 2147483647) AS s4
  FROM hd GROUP BY name;
SELECT name, pg_temp.form(s.s8) AS form, pg_temp.answers(s.s8) = pg_temp.answers(l.s8) AS same_as_list,
       pg_temp.answers(s.s4) IS NOT DISTINCT FROM pg_temp.answers(l.s4) AS int4_same,
       pg_temp.form(l.s8) AS list_form
  FROM small s JOIN large l USING (name) ORDER BY name;
-- the answers themselves where they are short
SELECT name, pg_temp.answers(s8) FROM small
 WHERE name IN ('dense ascending', 'dense descending', 'outward from the middle', 'negative',
                'int4 top', 'int8 bottom', 'sparse: range too wide', 'widens, then too wide')
 ORDER BY name;

-- int2: the whole range is 1024 bitmap words, under 16 kB (a list of 2048)
SET vqc.exact_memory_limit = 16;
SELECT pg_temp.form(s), pg_temp.answers(s)
  FROM (SELECT vqc.hash_set_agg(v) AS s
          FROM (SELECT i::int2 AS v FROM generate_series(-32768, 32767) i
                UNION ALL VALUES ((-32768)::int2), (32767::int2), (32767::int2)) x) y;
RESET vqc.exact_memory_limit;
SELECT vqc.hash_set_distinct_hashes(vqc.hash_set_agg(i::int2)) AS int2_list_distinct
  FROM generate_series(-32768, 32767) i;

-- merges: partial states per partition (partitionwise aggregation), one
-- combined with the next: lists, bitmaps, and both; under 2 kB (a list of
-- 256 words)
CREATE TABLE hp (part int, v int) PARTITION BY LIST (part);
CREATE TABLE hp1 PARTITION OF hp FOR VALUES IN (1);
CREATE TABLE hp2 PARTITION OF hp FOR VALUES IN (2);
CREATE TABLE hp3 PARTITION OF hp FOR VALUES IN (3);
CREATE TABLE hp4 PARTITION OF hp FOR VALUES IN (4);
CREATE TABLE hp5 PARTITION OF hp FOR VALUES IN (5);
INSERT INTO hp SELECT 1, i FROM generate_series(1, 100) i;           -- a list
INSERT INTO hp SELECT 2, i FROM generate_series(50, 1500) i;         -- a bitmap, overlapping 1
INSERT INTO hp SELECT 3, i FROM generate_series(-2000, -1901) i;     -- a list below
INSERT INTO hp SELECT 4, i FROM generate_series(1400, 2000) i;       -- a bitmap, overlapping 2
INSERT INTO hp SELECT 5, i FROM generate_series(-1000, -801) i;     -- a list: with 1, more than one list holds
INSERT INTO hp VALUES (4, -1950), (4, 1500), (3, 1500), (2, 1500);
ANALYZE hp;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
SET vqc.exact_memory_limit = 2;
EXPLAIN (COSTS OFF) SELECT vqc.hash_set_agg(v) FROM hp GROUP BY v < 1000000;
CREATE TEMP TABLE merged AS SELECT vqc.hash_set_agg(v) AS s FROM hp GROUP BY v < 1000000;
-- and every pair of partitions
CREATE TEMP TABLE pairs AS
SELECT a.p AS a, b.p AS b,
       (SELECT vqc.hash_set_agg(v) FROM hp WHERE part IN (a.p, b.p) GROUP BY v < 1000000) AS s
  FROM generate_series(1, 5) a(p), generate_series(1, 5) b(p) WHERE a.p < b.p;
RESET vqc.exact_memory_limit;
SELECT pg_temp.form(s), pg_temp.answers(s) = (SELECT pg_temp.answers(vqc.hash_set_agg(v)) FROM hp) AS same_as_list
  FROM merged;
SELECT a, b, pg_temp.form(s),
       pg_temp.answers(s) = (SELECT pg_temp.answers(vqc.hash_set_agg(v)) FROM hp WHERE part IN (a, b)) AS same_as_list
  FROM pairs ORDER BY a, b;
-- merged bitmaps whose range no longer fits overflow
INSERT INTO hp VALUES (1, 100000000);
SET vqc.exact_memory_limit = 2;
SELECT pg_temp.answers(vqc.hash_set_agg(v)) FROM hp GROUP BY v < 1000000000;
RESET vqc.exact_memory_limit;
RESET enable_partitionwise_aggregate;
RESET max_parallel_workers_per_gather;

-- repeats across parallel workers: each worker's state is a bitmap
CREATE TABLE hw AS SELECT i AS v FROM generate_series(1, 200000) i;
INSERT INTO hw SELECT i * 1000 FROM generate_series(1, 200) i;
ANALYZE hw;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET vqc.exact_memory_limit = 64;
EXPLAIN (COSTS OFF) SELECT vqc.hash_set_agg(v) FROM hw;
SELECT vqc.hash_set_agg(v) AS par FROM hw \gset
RESET vqc.exact_memory_limit;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT pg_temp.form(:'par'), vqc.hash_set_count(:'par'), vqc.hash_set_distinct_hashes(:'par'),
       pg_temp.answers(:'par') = (SELECT pg_temp.answers(vqc.hash_set_agg(v)) FROM hw) AS same_as_list;

-- text and binary round trips of bitmaps
SET vqc.exact_memory_limit = 1;
CREATE TEMP TABLE hd_states AS SELECT s8 AS s FROM small WHERE pg_temp.form(s8) = '8002';
RESET vqc.exact_memory_limit;
SELECT count(*) AS states,
       bool_and(s::text::vqc.hash_set_state::text = s::text) AS text_rt,
       bool_and(pg_temp.recv(vqc.hash_set_state_send(s), 'vqc.hash_set_state') = s::text) AS binary_rt,
       bool_and(vqc.hash_set_state_send(s) = decode(s::text, 'hex')) AS send_is_hex,
       bool_and(pg_temp.answers(s::text::vqc.hash_set_state) = pg_temp.answers(s)) AS same_answers
  FROM hd_states;

-- a bitmap state by hand: {0, 1, 1, 64}: count 4, range [0, 128), repeat 1
SELECT pg_temp.answers(('565143480001' || '8002' || '0000000000000004' || '0000000000000005'
       || '0000000000000000' || '0000000000000002'
       || '0000000000000003' || '0000000000000001' || '0000000000000001')::vqc.hash_set_state);

-- malformed bitmaps: text 22P02, binary 22P03
WITH g(s) AS (SELECT '565143480001' || '8002' || '0000000000000004' || '0000000000000005'
                     || '0000000000000000' || '0000000000000002'
                     || '0000000000000003' || '0000000000000001' || '0000000000000001'),
cases(name, h) AS (
    SELECT 'valid', s FROM g
    UNION ALL SELECT 'bitmap of hashes', overlay(s PLACING '8004' FROM 13 FOR 4) FROM g
    UNION ALL SELECT 'bitmap, overflowed', overlay(s PLACING '8003' FROM 13 FOR 4) FROM g
    UNION ALL SELECT 'no bitmap words', overlay(s PLACING '0000000000000000' FROM 65 FOR 16) FROM g
    UNION ALL SELECT 'bitmap longer than the state', overlay(s PLACING '0000000000000004' FROM 65 FOR 16) FROM g
    UNION ALL SELECT 'range not a multiple of 64', overlay(s PLACING '0000000000000001' FROM 49 FOR 16) FROM g
    UNION ALL SELECT 'range past the largest bigint', overlay(s PLACING '7fffffffffffffc0' FROM 49 FOR 16) FROM g
    UNION ALL SELECT 'count too high', overlay(s PLACING '0000000000000005' FROM 17 FOR 16) FROM g
    UNION ALL SELECT 'count too low', overlay(s PLACING '0000000000000003' FROM 17 FOR 16) FROM g
    UNION ALL SELECT 'repeat not in the bitmap', overlay(s PLACING '0000000000000002' FROM 113 FOR 16) FROM g
    UNION ALL SELECT 'repeat outside the range', overlay(s PLACING '0000000000000080' FROM 113 FOR 16) FROM g
    UNION ALL SELECT 'repeat below the range', overlay(s PLACING 'ffffffffffffffff' FROM 113 FOR 16) FROM g
    UNION ALL SELECT 'truncated', left(s, -16) FROM g
    UNION ALL SELECT 'too few words', '565143480001800200000000000000000000000000000001' || '0000000000000000' FROM g
    UNION ALL SELECT 'quantile with the flag', overlay(s PLACING '565143518000' FROM 1 FOR 12) FROM g
)
SELECT name, pg_temp.try_in(h, 'vqc.hash_set_state') AS text_in,
       pg_temp.try_recv(decode(h, 'hex'), 'vqc.hash_set_state') AS binary_in
  FROM cases;
\set VERBOSITY default
SELECT ('565143480001' || '8002' || '0000000000000004' || '0000000000000005'
        || '0000000000000000' || '0000000000000002'
        || '0000000000000003' || '0000000000000001' || '0000000000000002')::vqc.hash_set_state;
\set VERBOSITY terse

-- the uniqueness expectation over a bitmap: the repeated keys, one scan
CREATE TABLE hk AS SELECT i AS id FROM generate_series(1, 20000) i;
INSERT INTO hk VALUES (7), (7), (19999);
SET vqc.exact_memory_limit = 8;
SELECT r -> 'success' AS success, r -> 'result' -> 'unexpected_count' AS unexpected
  FROM vqc.expect('hk', 'expect_column_values_to_be_unique', '{"column": "id"}') r;
RESET vqc.exact_memory_limit;
