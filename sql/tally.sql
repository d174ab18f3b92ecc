-- vqc.tally: failing-row counts and samples
\set VERBOSITY terse

\i sql/include/state_helpers.psql

CREATE TABLE tally_t (i int, v text);
INSERT INTO tally_t
SELECT i, CASE WHEN i % 4 = 0 THEN NULL ELSE 'v' || i END
FROM generate_series(1, 10) i;

-- count every row, keep the first 3 in scan order (NULL values included)
SELECT vqc.tally_count(s), vqc.tally_sample_cap(s)
FROM (SELECT vqc.tally(v, 'k' || i, 3) s FROM tally_t) x;
SELECT (vqc.tally_samples(s)).*
FROM (SELECT vqc.tally(v, 'k' || i, 3) s FROM tally_t) x;

-- FILTER: only failing rows; NULL values and NULL row keys are samples
SELECT (vqc.tally_samples(s)).*, vqc.tally_count(s) AS count
FROM (SELECT vqc.tally(v, CASE WHEN i > 6 THEN NULL ELSE 'k' || i END, 10)
             FILTER (WHERE v IS NULL OR i > 8) s
      FROM tally_t) x;

-- no failing row: NULL state
SELECT vqc.tally(v, 'k' || i, 3) FILTER (WHERE false) IS NULL AS is_null FROM tally_t;

-- NULL max_samples means 20; the cap is also bounded by the setting
SELECT vqc.tally_sample_cap(vqc.tally(v, NULL, NULL)) FROM tally_t;
SET vqc.max_unexpected_samples = 2;
SELECT vqc.tally_sample_cap(s), vqc.tally_count(s),
       (SELECT count(*) FROM vqc.tally_samples(s)) AS kept
FROM (SELECT vqc.tally(v, NULL, 100) s FROM tally_t) x;
RESET vqc.max_unexpected_samples;

-- cap 0 keeps only the count
SELECT vqc.tally_count(s), (SELECT count(*) FROM vqc.tally_samples(s)) AS kept
FROM (SELECT vqc.tally(v, NULL, 0) s FROM tally_t) x;

-- negative cap: 22023
\set VERBOSITY default
SELECT vqc.tally(v, NULL, -1) FROM tally_t;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse

-- clipping at a character boundary (é is 2 bytes in UTF-8)
SET vqc.sample_value_max_bytes = 16;
SELECT ordinality, value, octet_length(value) AS bytes, clipped
FROM vqc.tally_samples((
    SELECT vqc.tally(x, NULL, 10)
    FROM (VALUES (1, repeat('é', 20)), (2, 'abcdefghijklmnopq'),
                 (3, 'abcdefghijklmnop'), (4, 'a' || repeat('é', 8))) AS d(n, x)));
RESET vqc.sample_value_max_bytes;
-- row keys are clipped at 1024 bytes
SELECT octet_length(row_key) FROM vqc.tally_samples((
    SELECT vqc.tally('x', repeat('k', 5000), 1)));

-- text round trip, binary round trip, binary = hex-decoded text form
CREATE TABLE tally_states AS
SELECT vqc.tally(v, 'k' || i, 3) AS s FROM tally_t
UNION ALL SELECT vqc.tally(v, NULL, 0) FROM tally_t
UNION ALL SELECT vqc.tally(NULL, NULL, 5) FROM tally_t
UNION ALL SELECT vqc.tally(repeat('é', 300), 'ключ', 2);
SELECT s::text::vqc.tally::text = s::text AS text_rt,
       pg_temp.recv(vqc.tally_send(s), 'vqc.tally') = s::text AS binary_rt,
       vqc.tally_send(s) = decode(s::text, 'hex') AS send_is_hex,
       vqc.tally_send(pg_temp.recv(vqc.tally_send(s), 'vqc.tally')::vqc.tally)
         = vqc.tally_send(s) AS send_rt
FROM tally_states;
SELECT s FROM tally_states LIMIT 1;

-- malformed input: text 22P02, binary 22P03
-- layout (hex digits): magic 1-8, version 9-12, flags 13-16, count 17-32,
-- cap 33-40, nsamples 41-48, then samples
WITH g(s) AS (SELECT s::text FROM tally_states LIMIT 1),
cases(name, h) AS (
    SELECT 'valid', s FROM g
    UNION ALL SELECT 'bad magic', overlay(s PLACING '00000000' FROM 1 FOR 8) FROM g
    UNION ALL SELECT 'bad version', overlay(s PLACING '0002' FROM 9 FOR 4) FROM g
    UNION ALL SELECT 'flags set', overlay(s PLACING '0001' FROM 13 FOR 4) FROM g
    UNION ALL SELECT 'truncated', left(s, -2) FROM g
    UNION ALL SELECT 'header only', left(s, 16) FROM g
    UNION ALL SELECT 'empty', '' FROM g
    UNION ALL SELECT 'trailing', s || '00' FROM g
    UNION ALL SELECT 'negative count', overlay(s PLACING 'ffffffffffffffff' FROM 17 FOR 16) FROM g
    UNION ALL SELECT 'count < samples', overlay(s PLACING '0000000000000002' FROM 17 FOR 16) FROM g
    UNION ALL SELECT 'negative cap', overlay(s PLACING 'ffffffff' FROM 33 FOR 8) FROM g
    UNION ALL SELECT 'cap too large', overlay(s PLACING '000f4241' FROM 33 FOR 8) FROM g
    UNION ALL SELECT 'samples > cap', overlay(s PLACING '00000004' FROM 41 FOR 8) FROM g
    UNION ALL SELECT 'samples > data', overlay(overlay(s PLACING '00000010' FROM 33 FOR 8) PLACING '00000004' FROM 41 FOR 8) FROM g
    UNION ALL SELECT 'negative samples', overlay(s PLACING 'ffffffff' FROM 41 FOR 8) FROM g
    UNION ALL SELECT 'sample flags', overlay(s PLACING '10' FROM 49 FOR 2) FROM g
    UNION ALL SELECT 'null value with length', overlay(s PLACING '01' FROM 49 FOR 2) FROM g
    UNION ALL SELECT 'value length too large', overlay(s PLACING '7fffffff' FROM 51 FOR 8) FROM g
    UNION ALL SELECT 'invalid utf8', overlay(s PLACING 'ff' FROM 59 FOR 2) FROM g
    UNION ALL SELECT 'nul byte', overlay(s PLACING '00' FROM 59 FOR 2) FROM g
)
SELECT name, pg_temp.try_in(h, 'vqc.tally') AS text_in,
       pg_temp.try_recv(decode(h, 'hex'), 'vqc.tally') AS binary_in
FROM cases;
SELECT pg_temp.try_in('5651435', 'vqc.tally') AS odd_digits,
       pg_temp.try_in('5651435G', 'vqc.tally') AS not_hex,
       pg_temp.try_in('56514354000100000000000000000000000000000000000X', 'vqc.tally') AS not_hex2,
       pg_temp.try_in(upper((SELECT s::text FROM tally_states LIMIT 1)), 'vqc.tally') AS upper_case;
\set VERBOSITY default
SELECT '565143540002'::vqc.tally;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse

-- combine through a parallel plan equals the serial plan
CREATE TABLE tally_big AS
SELECT i, 'v' || i AS v FROM generate_series(1, 100000) i;
ANALYZE tally_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT vqc.tally(v, i::text, 20) FILTER (WHERE i % 10000 = 0) FROM tally_big;
SELECT vqc.tally(v, i::text, 20) FILTER (WHERE i % 10000 = 0) AS few_par,
       vqc.tally(v, i::text, 20) FILTER (WHERE i % 7 = 0) AS many_par
FROM tally_big \gset
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
SELECT vqc.tally(v, i::text, 20) FILTER (WHERE i % 10000 = 0) AS few_ser,
       vqc.tally(v, i::text, 20) FILTER (WHERE i % 7 = 0) AS many_ser
FROM tally_big \gset
RESET max_parallel_workers_per_gather;
SELECT vqc.tally_count(p.few) = vqc.tally_count(s.few) AS few_count,
       vqc.tally_count(p.many) = vqc.tally_count(s.many) AS many_count,
       vqc.tally_count(p.many) AS count,
       (SELECT array_agg(value || '/' || row_key ORDER BY value) FROM vqc.tally_samples(p.few))
         = (SELECT array_agg(value || '/' || row_key ORDER BY value) FROM vqc.tally_samples(s.few))
         AS same_samples,
       (SELECT count(*) FROM vqc.tally_samples(p.few)) AS few_kept,
       (SELECT count(*) FROM vqc.tally_samples(p.many)) AS many_kept,
       (SELECT bool_and(value = 'v' || row_key AND row_key::int % 7 = 0)
          FROM vqc.tally_samples(p.many)) AS many_samples_fail
FROM (SELECT :'few_par'::vqc.tally AS few, :'many_par'::vqc.tally AS many) p,
     (SELECT :'few_ser'::vqc.tally AS few, :'many_ser'::vqc.tally AS many) s;

DROP TABLE tally_t, tally_states, tally_big;
