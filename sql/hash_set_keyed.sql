-- vqc.hash_set_agg(key, rest): the keyed hash screen of compound uniqueness
-- (src/hash_set_keyed.c).  A key whose rows share a fingerprint of rest is
-- a candidate; no other key holds a repeated combination.  Every answer is
-- checked against GROUP BY.
\set VERBOSITY terse

\i sql/include/state_helpers.psql

CREATE FUNCTION pg_temp.answers(s vqc.hash_set_state) RETURNS text
LANGUAGE sql AS $$
SELECT format('count %s overflowed %s dup %s distinct %s candidates %s',
              vqc.hash_set_count(s), vqc.hash_set_overflowed(s),
              vqc.hash_set_has_duplicates(s), vqc.hash_set_distinct_hashes(s),
              vqc.hash_set_duplicates(s, 1000))
$$;
-- the flags word: 8004 = keyed form, 0004 = keyed and empty, 0005 = overflowed
CREATE FUNCTION pg_temp.form(s vqc.hash_set_state) RETURNS text
LANGUAGE sql AS $$ SELECT substr(s::text, 13, 4) $$;
-- do the candidates hold every key of a repeated combination?
CREATE FUNCTION pg_temp.covers(s vqc.hash_set_state, truth bigint[]) RETURNS boolean
LANGUAGE sql AS $$
SELECT vqc.hash_set_overflowed(s)
       OR truth <@ ARRAY(SELECT d[i][1] FROM (SELECT vqc.hash_set_duplicates(s, 1000) AS d) x,
                               generate_subscripts(x.d, 1) AS i)
$$;

-- the cases: (key, rest) in the order o
CREATE TABLE kc (name text, o int, k bigint, r bigint);
INSERT INTO kc
SELECT 'ascending, no repeats', i, i, i % 7 FROM generate_series(1, 3000) i
UNION ALL SELECT 'descending, a key repeated with another rest', -i, i, 0 FROM generate_series(1, 3000) i
UNION ALL SELECT 'descending, a key repeated with another rest', 1, 1500, 1
UNION ALL SELECT 'repeated combinations', i, i, i * 3 FROM generate_series(1, 3000) i
UNION ALL SELECT 'repeated combinations', 3000 + i, (ARRAY[2999, 17, 17, 17])[i], (ARRAY[8997, 51, 51, 52])[i]
  FROM generate_series(1, 4) i
UNION ALL SELECT 'fingerprint collision (rest 2 and 46370)', i, i, 2 FROM generate_series(1, 100) i
UNION ALL SELECT 'fingerprint collision (rest 2 and 46370)', 101, 50, 46370
UNION ALL SELECT 'outward from the middle', i, CASE WHEN i % 2 = 0 THEN i / 2 ELSE -(i / 2) END, i
  FROM generate_series(1, 4000) i
UNION ALL SELECT 'outward from the middle', 4001, -3, 7
UNION ALL SELECT 'int8 top', i, 9223372036854775807 - i % 1000, i / 1000 FROM generate_series(0, 1999) i
UNION ALL SELECT 'int8 bottom', i, -9223372036854775808 + i % 500, 5 FROM generate_series(0, 500) i
UNION ALL SELECT 'range too wide', i, i * 1000000, 0 FROM generate_series(1, 200) i
UNION ALL SELECT 'a NULL key', i, CASE WHEN i <> 50 THEN i END, 0 FROM generate_series(1, 100) i
UNION ALL SELECT 'a NULL rest', i, i, CASE WHEN i <> 50 THEN i END FROM generate_series(1, 100) i;

CREATE TEMP TABLE truth AS
SELECT name, coalesce(array_agg(DISTINCT k ORDER BY k) FILTER (WHERE n > 1), '{}') AS dup_keys
  FROM (SELECT name, k, r, count(*) AS n FROM kc GROUP BY name, k, r) g GROUP BY name;

-- under 64 kB (8192 words) a range of about 30 000 keys fits
SET vqc.exact_memory_limit = 64;
CREATE TEMP TABLE keyed AS
SELECT name, vqc.hash_set_agg(k, r ORDER BY o) AS s,
       vqc.hash_set_agg(k::int4, r ORDER BY o) FILTER (WHERE k IS NULL OR k BETWEEN -2147483648 AND 2147483647) AS s4,
       bool_and(k IS NULL OR k BETWEEN -2147483648 AND 2147483647) AS fits4
  FROM kc GROUP BY name;
RESET vqc.exact_memory_limit;
SELECT name, pg_temp.form(s) AS form, t.dup_keys, pg_temp.covers(s, t.dup_keys) AS covers,
       CASE WHEN fits4 THEN pg_temp.answers(s4) = pg_temp.answers(s) END AS int4_same,
       pg_temp.answers(s)
  FROM keyed JOIN truth t USING (name) ORDER BY name;
-- smallint keys
SELECT pg_temp.answers(vqc.hash_set_agg(i::int2, (i % 3)::int8)) FROM generate_series(-32768, 32767) i;
-- other key types are refused
SELECT vqc.hash_set_agg(k::numeric, r) FROM kc WHERE name = 'a NULL key';

-- merges: a partial state per partition (partitionwise aggregation), one
-- combined with the next, and every pair of partitions
CREATE TABLE kp (part int, k int, r bigint) PARTITION BY LIST (part);
CREATE TABLE kp1 PARTITION OF kp FOR VALUES IN (1);
CREATE TABLE kp2 PARTITION OF kp FOR VALUES IN (2);
CREATE TABLE kp3 PARTITION OF kp FOR VALUES IN (3);
CREATE TABLE kp4 PARTITION OF kp FOR VALUES IN (4);
CREATE TABLE kp5 PARTITION OF kp FOR VALUES IN (5);
INSERT INTO kp SELECT 1, i, i FROM generate_series(1, 100) i;
INSERT INTO kp SELECT 2, i, i FROM generate_series(101, 1500) i;       -- beside 1
INSERT INTO kp SELECT 3, i, 0 FROM generate_series(-2000, -1901) i;    -- below
INSERT INTO kp SELECT 4, i, -i FROM generate_series(1400, 2000) i;     -- overlapping 2, other rests
INSERT INTO kp SELECT 5, i, i FROM generate_series(1, 50) i;           -- repeats 1
INSERT INTO kp VALUES (4, -1950, 0), (4, 1500, 7), (3, 1500, 1500), (2, 64, 64), (1, 64, 64);
ANALYZE kp;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) SELECT vqc.hash_set_agg(k, r) FROM kp GROUP BY k < 1000000;
CREATE TEMP TABLE kmerged AS SELECT vqc.hash_set_agg(k, r) AS s FROM kp GROUP BY k < 1000000;
CREATE TEMP TABLE kpairs AS
SELECT a.p AS a, b.p AS b,
       (SELECT vqc.hash_set_agg(k, r) FROM kp WHERE part IN (a.p, b.p) GROUP BY k < 1000000) AS s
  FROM generate_series(1, 5) a(p), generate_series(1, 5) b(p) WHERE a.p < b.p;
RESET enable_partitionwise_aggregate;
RESET max_parallel_workers_per_gather;
SELECT pg_temp.form(s), pg_temp.answers(s) = (SELECT pg_temp.answers(vqc.hash_set_agg(k, r ORDER BY k, r)) FROM kp) AS same,
       pg_temp.answers(s)
  FROM kmerged;
SELECT a, b, pg_temp.answers(s) = (SELECT pg_temp.answers(vqc.hash_set_agg(k, r ORDER BY k, r)) FROM kp WHERE part IN (a, b)) AS same,
       vqc.hash_set_duplicates(s, 100) AS candidates
  FROM kpairs ORDER BY a, b;
-- a merged range that no longer fits overflows
SET vqc.exact_memory_limit = 4;
SELECT pg_temp.answers(vqc.hash_set_agg(k, r)) FROM kp GROUP BY k < 1000000;
RESET vqc.exact_memory_limit;
-- states of other kinds do not merge with keyed ones
CREATE AGGREGATE pg_temp.merge_sets(vqc.hash_set_state) (SFUNC = vqc.hash_set_combinefn, STYPE = vqc.hash_set_state,
                                                         INITCOND = '565143480001000000000000000000000000000000000000');
SELECT pg_temp.answers(pg_temp.merge_sets(s)) FROM (SELECT s FROM kpairs WHERE a = 1 AND b = 5 UNION ALL SELECT vqc.hash_set_agg(k) FROM kp) x;

-- repeats across parallel workers: each worker's state is keyed
CREATE TABLE kw AS SELECT i AS k, i % 1000 AS r FROM generate_series(1, 200000) i;
INSERT INTO kw SELECT i * 1000, i * 1000 % 1000 FROM generate_series(1, 200) i;   -- 200 repeated combinations
INSERT INTO kw SELECT i * 999, 1 FROM generate_series(1, 200) i;                  -- 200 repeated keys only
ANALYZE kw;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT vqc.hash_set_agg(k, r) FROM kw;
SELECT vqc.hash_set_agg(k, r) AS par FROM kw \gset
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT pg_temp.form(:'par'), vqc.hash_set_count(:'par'), vqc.hash_set_distinct_hashes(:'par'),
       cardinality(vqc.hash_set_duplicates(:'par', 1000)) / 2 AS candidates,
       pg_temp.covers(:'par', (SELECT array_agg(DISTINCT k) FROM (SELECT k FROM kw GROUP BY k, r HAVING count(*) > 1) d)) AS covers,
       pg_temp.answers(:'par') = (SELECT pg_temp.answers(vqc.hash_set_agg(k, r)) FROM kw) AS same_as_serial;

-- text and binary round trips
SET vqc.exact_memory_limit = 64;
CREATE TEMP TABLE k_states AS SELECT s FROM keyed WHERE NOT vqc.hash_set_overflowed(s);
RESET vqc.exact_memory_limit;
SELECT count(*) AS states,
       bool_and(s::text::vqc.hash_set_state::text = s::text) AS text_rt,
       bool_and(pg_temp.recv(vqc.hash_set_state_send(s), 'vqc.hash_set_state') = s::text) AS binary_rt,
       bool_and(pg_temp.answers(s::text::vqc.hash_set_state) = pg_temp.answers(s)) AS same_answers
  FROM k_states;

-- a keyed state by hand, in the compact layout it is stored and shipped in:
-- (0, 0), (1, 0), (1, 1): count 3, range [0, 64), bitmap 3, the two
-- fingerprints (0, 0) in one word, the repeat (1, 0x9e37)
SELECT vqc.hash_set_agg(k, r)::text = '565143480001' || '8004' || '0000000000000003' || '0000000000000006'
       || '0000000000000000' || '0000000000000001' || '0000000000000003' || '0000000000000000'
       || '0000000000000001' || '0000000000009e37' AS by_hand
  FROM (VALUES (0, 0::int8), (1, 0), (1, 1)) v(k, r);
-- malformed keyed states: text 22P02, binary 22P03
WITH g(s) AS (SELECT '565143480001' || '8004' || '0000000000000003' || '0000000000000006'
                     || '0000000000000000' || '0000000000000001' || '0000000000000003' || '0000000000000000'
                     || '0000000000000001' || '0000000000009e37'),
cases(name, h) AS (
    SELECT 'valid', s FROM g
    UNION ALL SELECT 'keyed, overflowed', overlay(s PLACING '8005' FROM 13 FOR 4) FROM g
    UNION ALL SELECT 'keyed list', '565143480001' || '0004' || '0000000000000001' || '0000000000000001' || '0000000000000005'
    UNION ALL SELECT 'keyed, empty', '565143480001' || '0004' || '0000000000000000' || '0000000000000000'
    UNION ALL SELECT 'the mark of the direct layout', overlay(s PLACING '4000000000000001' FROM 65 FOR 16) FROM g
    UNION ALL SELECT 'bitmap longer than the state', overlay(s PLACING '0000000000000005' FROM 65 FOR 16) FROM g
    UNION ALL SELECT 'no bitmap words', overlay(s PLACING '0000000000000000' FROM 65 FOR 16) FROM g
    UNION ALL SELECT 'range not a multiple of 64', overlay(s PLACING '0000000000000001' FROM 49 FOR 16) FROM g
    UNION ALL SELECT 'range past the largest bigint',
                     overlay(overlay(s PLACING '7fffffffffffffc0' FROM 49 FOR 16) PLACING '0000000000000002' FROM 65 FOR 16) FROM g
    UNION ALL SELECT 'an unused fingerprint lane set', overlay(s PLACING '0000000100000000' FROM 97 FOR 16) FROM g
    UNION ALL SELECT 'another fingerprint of a key', overlay(s PLACING '000000000000ffff' FROM 97 FOR 16) FROM g
    UNION ALL SELECT 'count too high', overlay(s PLACING '0000000000000004' FROM 17 FOR 16) FROM g
    UNION ALL SELECT 'repeat not in the bitmap', overlay(s PLACING '0000000000000002' FROM 113 FOR 16) FROM g
    UNION ALL SELECT 'repeat below the range', overlay(s PLACING 'ffffffffffffffff' FROM 113 FOR 16) FROM g
    UNION ALL SELECT 'fingerprint wider than 16 bits', overlay(s PLACING '0000000000019e37' FROM 129 FOR 16) FROM g
    UNION ALL SELECT 'repeats not in pairs', overlay(left(s, -16) PLACING '0000000000000005' FROM 33 FOR 16) FROM g
    UNION ALL SELECT 'truncated', left(s, -16) FROM g
)
SELECT name, pg_temp.try_in(h, 'vqc.hash_set_state') AS text_in,
       pg_temp.try_recv(decode(h, 'hex'), 'vqc.hash_set_state') AS binary_in
  FROM cases;
\set VERBOSITY default
SELECT ('565143480001' || '8004' || '0000000000000003' || '0000000000000006'
        || '0000000000000000' || '0000000000000001' || '0000000000000003' || '0000000000000000'
        || '0000000000000001' || '0000000000019e37')::vqc.hash_set_state;
\set VERBOSITY terse
-- a stored state goes on as an INITCOND, and merges, as the state it was
CREATE AGGREGATE pg_temp.keyed_more(anyelement, bigint) (SFUNC = vqc.hash_set_keyed_transfn, STYPE = vqc.hash_set_state,
    INITCOND = '565143480001800400000000000000030000000000000006000000000000000000000000000000010000000000000003000000000000000000000000000000010000000000009e37');
SELECT pg_temp.answers(pg_temp.keyed_more(k, r)) AS more,
       pg_temp.answers(vqc.hash_set_agg(k, r)) AS new_rows_alone
  FROM (VALUES (1, 1::int8), (2, 5), (70, 0), (-5, 1)) v(k, r);
SELECT pg_temp.answers(vqc.hash_set_agg(k, r))
  FROM (VALUES (0, 0::int8), (1, 0), (1, 1), (1, 1), (2, 5), (70, 0), (-5, 1)) v(k, r);
SELECT pg_temp.answers(pg_temp.merge_sets(s)) AS merged
  FROM (VALUES ('565143480001800400000000000000030000000000000006000000000000000000000000000000010000000000000003000000000000000000000000000000010000000000009e37'::vqc.hash_set_state),
               ((SELECT vqc.hash_set_agg(k, r) FROM (VALUES (1, 1::int8), (2, 5), (70, 0), (-5, 1)) v(k, r)))) m(s);
-- the one-column aggregate does not take a keyed state, nor the keyed one another kind
CREATE AGGREGATE pg_temp.plain_from(anyelement) (SFUNC = vqc.hash_set_transfn, STYPE = vqc.hash_set_state,
    INITCOND = '565143480001000400000000000000000000000000000000');
SELECT pg_temp.plain_from(1);
CREATE AGGREGATE pg_temp.keyed_from(anyelement, bigint) (SFUNC = vqc.hash_set_keyed_transfn, STYPE = vqc.hash_set_state,
    INITCOND = '565143480001000200000000000000000000000000000000');
SELECT pg_temp.keyed_from(1, 1::int8);
CREATE AGGREGATE pg_temp.keyed_no_init(anyelement, bigint) (SFUNC = vqc.hash_set_keyed_transfn, STYPE = vqc.hash_set_state);
SELECT pg_temp.keyed_no_init(1, 1::int8);

-- compound uniqueness planned on the keyed screen: a NOT NULL integer
-- column that the statistics call nearly unique keys it; the answers are
-- those of the screen of combination words (the same table, the key
-- column nullable)
CREATE TABLE kt (id int NOT NULL, u int, w int NOT NULL, t text);
INSERT INTO kt SELECT i, i % 50, i % 13, 't' || i % 7 FROM generate_series(1, 5000) i;
INSERT INTO kt VALUES (10, 10, 10, 't3'), (10, 10, 10, 't3'), (20, 21, 20, 't6'), (4000, NULL, 9, 't3'), (4000, NULL, 9, 't3'),
                      (4001, NULL, 0, NULL);
CREATE TABLE kt_list AS SELECT * FROM kt;
ANALYZE kt;
ANALYZE kt_list;
SELECT t, vqc._compound_screen_key(t, '{u,id}') AS key_of_u_id, vqc._compound_screen_key(t, '{u,t}') AS key_of_u_t,
       vqc._compound_screen_key(t, '{id}') AS key_of_id
  FROM unnest(ARRAY['kt', 'kt_list']::regclass[]) t;
-- the other columns hashed, or one NOT NULL integer column as itself; under
-- 4 kB (512 words) the 5 000 keys' bitmap fits (79 words), their
-- fingerprints (17 times that) do not: the key's values alone
SELECT n, vqc._compound_screen_sql('kt', n, k.key, k.fingerprints)
  FROM (VALUES ('{u,id}'::text[]), ('{w,id}'), ('{id,w,t}'), ('{t,u}')) v(n), vqc._compound_screen_key('kt', n) k;
SET vqc.exact_memory_limit = 4;
SELECT vqc._compound_screen_key('kt', '{u,id}') AS key_under_4kb,
       vqc._plan('kt', 'expect_compound_columns_to_be_unique', '{"column_list": ["u", "id"]}', 0, '{id}', 20) #>> '{items,h0}' AS item;
RESET vqc.exact_memory_limit;
SELECT k, r1 #> '{result}' = r2 #> '{result}' AS same_result, r1 -> 'success' AS success, r1 #> '{result,unexpected_count}' AS unexpected,
       r1 #> '{result,partial_unexpected_list}' AS samples
  FROM (VALUES ('{"column_list": ["u", "id"]}'::jsonb), ('{"column_list": ["w", "id"]}'),
               ('{"column_list": ["id", "t", "u"], "ignore_row_if": "never"}'), ('{"column_list": ["t", "id"]}')) v(k),
       LATERAL (SELECT vqc.expect('kt', 'expect_compound_columns_to_be_unique', k) AS r1,
                       vqc.expect('kt_list', 'expect_compound_columns_to_be_unique', k) AS r2) x;
-- ignore_row_if tests no NOT NULL column per row (id is one in kt, not in
-- kt_list): the same answers
SELECT k ->> 'ignore_row_if' AS mode, vqc._plan('kt', 'expect_compound_columns_to_be_unique', k, 0, '{id}', 20) ->> 'keep' AS keep,
       vqc.expect('kt', 'expect_compound_columns_to_be_unique', k) #> '{result}'
       = vqc.expect('kt_list', 'expect_compound_columns_to_be_unique', k) #> '{result}' AS same_result
  FROM (VALUES ('{"column_list": ["u", "id"]}'::jsonb), ('{"column_list": ["u", "id"], "ignore_row_if": "any_value_is_missing"}'),
               ('{"column_list": ["w", "id"], "ignore_row_if": "any_value_is_missing"}')) v(k);
SELECT k, vqc._plan('kt', 'expect_column_pair_values_to_be_equal', k, 0, '{id}', 20) #>> '{items,t0}' AS tally_item
  FROM (VALUES ('{"column_A": "u", "column_B": "id", "ignore_row_if": "either_value_is_missing"}'::jsonb),
               ('{"column_A": "w", "column_B": "id", "ignore_row_if": "either_value_is_missing"}'),
               ('{"column_A": "u", "column_B": "id"}')) v(k);
-- the same, screened by the key's values alone
SET vqc.exact_memory_limit = 4;
SELECT k, r1 #> '{result}' = r2 #> '{result}' AS same_result, r1 #> '{result,unexpected_count}' AS unexpected
  FROM (VALUES ('{"column_list": ["u", "id"]}'::jsonb), ('{"column_list": ["t", "id"]}')) v(k),
       LATERAL (SELECT vqc.expect('kt', 'expect_compound_columns_to_be_unique', k) AS r1,
                       vqc.expect('kt_list', 'expect_compound_columns_to_be_unique', k) AS r2) x;
RESET vqc.exact_memory_limit;
-- without repeated combinations, one scan
DELETE FROM kt WHERE ctid IN (SELECT ctid FROM (SELECT ctid, row_number() OVER (PARTITION BY id, u, t) AS n FROM kt) d WHERE n > 1);
SELECT vqc.create_suite('kt_suite', 'kt', key_columns => '{id}') IS NOT NULL AS created;
SELECT vqc.add_expectation('kt_suite', 'expect_compound_columns_to_be_unique', '{"column_list": ["id", "u"]}') IS NOT NULL AS added;
SELECT * FROM vqc.explain('kt_suite') WHERE explain LIKE 'Note%';
SELECT status, unexpected_count FROM vqc.run('kt_suite');
SELECT scans FROM vqc_report.run WHERE suite_name = 'kt_suite' ORDER BY run_id DESC LIMIT 1;
SELECT vqc.drop_suite('kt_suite');
