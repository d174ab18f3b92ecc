-- vqc.exact_quantile_state: exact quantiles, equal to percentile_cont
\set VERBOSITY terse

\i sql/include/state_helpers.psql

-- data sets: (name, x)
SELECT setseed(0.42);
CREATE TABLE eq_data (name text, x float8);
INSERT INTO eq_data SELECT 'random', random() * 1000 - 500 FROM generate_series(1, 5000);
INSERT INTO eq_data SELECT 'duplicates', (i % 7)::float8 FROM generate_series(1, 1001) i;
INSERT INTO eq_data SELECT 'with nan', x FROM unnest('{3, NaN, 1, NaN, 2, 5, 4}'::float8[]) x;
INSERT INTO eq_data SELECT 'with infinities', x FROM unnest('{3, Infinity, -Infinity, 1, Infinity, 2}'::float8[]) x;
INSERT INTO eq_data SELECT 'two infinities', x FROM unnest('{Infinity, Infinity}'::float8[]) x;
INSERT INTO eq_data SELECT 'minus to plus infinity', x FROM unnest('{-Infinity, Infinity}'::float8[]) x;
INSERT INTO eq_data SELECT 'all nan', x FROM unnest('{NaN, NaN, NaN}'::float8[]) x;
INSERT INTO eq_data SELECT 'single', 42.5;
INSERT INTO eq_data SELECT 'with nulls', x FROM unnest('{NULL, 10, NULL, 20, 30}'::float8[]) x;
INSERT INTO eq_data SELECT 'only nulls', NULL FROM generate_series(1, 3);
INSERT INTO eq_data SELECT 'sorted', i FROM generate_series(1, 2000) i;
INSERT INTO eq_data SELECT 'reversed', -i FROM generate_series(1, 2000) i;
-- selection buckets values by their top bits: values spread over many
-- buckets with both signs, values crowded into one bucket, signed zeros
INSERT INTO eq_data SELECT 'mixed scales', (CASE WHEN random() < 0.5 THEN -1 ELSE 1 END) * exp(random() * 80 - 40)
  FROM generate_series(1, 3000);
INSERT INTO eq_data SELECT 'crowded', 1 + i * 1e-13 FROM generate_series(1, 3000) i;
INSERT INTO eq_data SELECT 'signed zeros', x FROM unnest('{-0, 0, -0, 1, -1, 0}'::float8[]) x;

-- every data set and q: the result is exactly percentile_cont's
SELECT name, q, vqc.exact_quantile(s, q) AS exact, pc,
       vqc.exact_quantile(s, q) IS NOT DISTINCT FROM pc AS same
FROM (SELECT name, vqc.exact_quantile_agg(x) AS s FROM eq_data GROUP BY name) st
CROSS JOIN unnest('{0, 0.25, 0.5, 0.9, 1}'::float8[]) q
JOIN LATERAL (SELECT percentile_cont(q) WITHIN GROUP (ORDER BY x) AS pc
              FROM eq_data d WHERE d.name = st.name) p ON true
WHERE name NOT IN ('random', 'sorted', 'reversed', 'mixed scales', 'crowded')
ORDER BY name, q;

-- large sets: all agree at many q
SELECT name, count(*) AS qs,
       bool_and(vqc.exact_quantile(s, q) IS NOT DISTINCT FROM pc) AS all_same
FROM (SELECT name, vqc.exact_quantile_agg(x) AS s FROM eq_data GROUP BY name) st
CROSS JOIN (SELECT i / 100.0 AS q FROM generate_series(0, 100) i) qs
JOIN LATERAL (SELECT percentile_cont(q) WITHIN GROUP (ORDER BY x) AS pc
              FROM eq_data d WHERE d.name = st.name) p ON true
WHERE name IN ('random', 'sorted', 'reversed', 'duplicates', 'mixed scales', 'crowded')
GROUP BY name ORDER BY name;

-- counts: non-null values
SELECT name, vqc.exact_quantile_count(vqc.exact_quantile_agg(x)) AS count,
       vqc.exact_quantile_overflowed(vqc.exact_quantile_agg(x)) AS overflowed
FROM eq_data GROUP BY name ORDER BY name;

-- numeric input is collected as numeric::float8 gives it (without the cast)
SELECT vqc.exact_quantile(s, 0.5) = pc AS numeric_median, vqc.exact_quantile_disc(s, 0.9) = pd AS numeric_disc,
       vqc.exact_quantile(s, 1) AS nan_on_top, vqc.exact_quantile_count(s) AS count
FROM (SELECT vqc.exact_quantile_agg(n) s, percentile_cont(0.5) WITHIN GROUP (ORDER BY n::float8) pc,
             percentile_disc(0.9) WITHIN GROUP (ORDER BY n::float8) pd
        FROM (SELECT round((random() * 1e6)::numeric, 2) AS n FROM generate_series(1, 5001)
              UNION ALL VALUES (NULL), ('NaN'), (1e30), (-0.000001)) x) y;

-- empty input: count 0, quantile NULL
SELECT vqc.exact_quantile_count(s), vqc.exact_quantile(s, 0.5) IS NULL AS is_null
FROM (SELECT vqc.exact_quantile_agg(x) s FROM eq_data WHERE false) e;

-- q outside [0, 1] or NaN: 22003, as percentile_cont
\set VERBOSITY default
SELECT vqc.exact_quantile(vqc.exact_quantile_agg(x), 1.5) FROM eq_data;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.exact_quantile(vqc.exact_quantile_agg(x), -0.1) FROM eq_data;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.exact_quantile(vqc.exact_quantile_agg(x), 'NaN') FROM eq_data;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
SELECT vqc.exact_quantile(vqc.exact_quantile_agg(x), NULL) IS NULL AS null_q FROM eq_data;

-- over the memory limit: the state only counts, quantiles are NULL
CREATE TABLE eq_big AS SELECT i, (i * 7919 % 100003)::float8 AS x FROM generate_series(1, 100000) i;
ANALYZE eq_big;
SET vqc.exact_memory_limit = 64;
SELECT vqc.exact_quantile_overflowed(s), vqc.exact_quantile_count(s),
       vqc.exact_quantile(s, 0.5) IS NULL AS is_null, s::text
FROM (SELECT vqc.exact_quantile_agg(x) s FROM eq_big) b;
-- 8192 values fit in 64 kB, 8193 do not
SELECT vqc.exact_quantile_overflowed(vqc.exact_quantile_agg(x)) FROM eq_big WHERE i <= 8192;
SELECT vqc.exact_quantile_overflowed(vqc.exact_quantile_agg(x)) FROM eq_big WHERE i <= 8193;
RESET vqc.exact_memory_limit;

-- combine through a parallel plan equals the serial plan
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT vqc.exact_quantile_agg(x) FROM eq_big;
SELECT vqc.exact_quantile_agg(x) AS par FROM eq_big \gset
SET vqc.exact_memory_limit = 500;  -- each worker fits, the combined state does not
SELECT vqc.exact_quantile_agg(x) AS par_over FROM eq_big \gset
RESET vqc.exact_memory_limit;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT vqc.exact_quantile_count(s) AS count, vqc.exact_quantile_overflowed(s) AS overflowed,
       (SELECT bool_and(vqc.exact_quantile(s, q) = (SELECT percentile_cont(q) WITHIN GROUP (ORDER BY x) FROM eq_big))
          FROM unnest('{0, 0.25, 0.5, 0.9, 1}'::float8[]) q) AS same_as_serial
FROM (SELECT :'par'::vqc.exact_quantile_state AS s) p;
SELECT vqc.exact_quantile_count(s) AS count, vqc.exact_quantile_overflowed(s) AS overflowed
FROM (SELECT :'par_over'::vqc.exact_quantile_state AS s) p;

-- text and binary round trips
CREATE TABLE eq_states AS
SELECT name, vqc.exact_quantile_agg(x) AS s FROM eq_data GROUP BY name;
INSERT INTO eq_states SELECT 'overflowed', s FROM (SELECT :'par_over'::vqc.exact_quantile_state AS s) p;
SELECT count(*) AS states,
       bool_and(s::text::vqc.exact_quantile_state::text = s::text) AS text_rt,
       bool_and(pg_temp.recv(vqc.exact_quantile_state_send(s), 'vqc.exact_quantile_state') = s::text) AS binary_rt,
       bool_and(vqc.exact_quantile_state_send(s) = decode(s::text, 'hex')) AS send_is_hex
FROM eq_states;
SELECT s FROM eq_states WHERE name = 'with infinities';
-- NaN and -0 survive the round trip bit for bit
SELECT s::text::vqc.exact_quantile_state::text = s::text AS rt, s
FROM (SELECT vqc.exact_quantile_agg(x) s FROM unnest('{NaN, -0, 0}'::float8[]) x) z;

-- malformed input: text 22P02, binary 22P03
-- layout (hex digits): magic 1-8, version 9-12, flags 13-16, count 17-32,
-- nvalues 33-48, then 16 digits per value
WITH g(s) AS (SELECT s::text FROM eq_states WHERE name = 'with nan'),
o(s) AS (SELECT s::text FROM eq_states WHERE name = 'overflowed'),
cases(name, h) AS (
    SELECT 'valid', s FROM g
    UNION ALL SELECT 'valid overflowed', s FROM o
    UNION ALL SELECT 'bad magic', overlay(s PLACING '56514348' FROM 1 FOR 8) FROM g
    UNION ALL SELECT 'bad version', overlay(s PLACING '0000' FROM 9 FOR 4) FROM g
    UNION ALL SELECT 'unknown flag', overlay(s PLACING '0002' FROM 13 FOR 4) FROM g
    UNION ALL SELECT 'truncated', left(s, -2) FROM g
    UNION ALL SELECT 'truncated value', left(s, -16) FROM g
    UNION ALL SELECT 'header only', left(s, 16) FROM g
    UNION ALL SELECT 'empty', '' FROM g
    UNION ALL SELECT 'trailing', s || '00' FROM g
    UNION ALL SELECT 'counts larger than data', overlay(s PLACING '00000000000000080000000000000008' FROM 17 FOR 32) FROM g
    UNION ALL SELECT 'huge counts', overlay(s PLACING '7fffffffffffffff7fffffffffffffff' FROM 17 FOR 32) FROM g
    UNION ALL SELECT 'negative counts', overlay(s PLACING 'ffffffffffffffffffffffffffffffff' FROM 17 FOR 32) FROM g
    UNION ALL SELECT 'count != nvalues', overlay(s PLACING '0000000000000006' FROM 17 FOR 16) FROM g
    UNION ALL SELECT 'overflowed with values', overlay(s PLACING '0001' FROM 13 FOR 4) FROM g
    UNION ALL SELECT 'overflowed, negative count', overlay(s PLACING 'ffffffffffffffff' FROM 17 FOR 16) FROM o
    UNION ALL SELECT 'overflowed, trailing', s || '0000000000000000' FROM o
)
SELECT name, pg_temp.try_in(h, 'vqc.exact_quantile_state') AS text_in,
       pg_temp.try_recv(decode(h, 'hex'), 'vqc.exact_quantile_state') AS binary_in
FROM cases;
\set VERBOSITY default
SELECT 'zz'::vqc.exact_quantile_state;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT '5651435100010000'::vqc.exact_quantile_state;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse

DROP TABLE eq_data, eq_big, eq_states;

-- as a window aggregate (the state grows in place across rows): a running median
SELECT bool_and(running = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM generate_series(1, i) AS s(i2), LATERAL (SELECT ((i2 * 37) % 101)::float8) AS w(v)))
       AS running_median_exact
  FROM (SELECT i, vqc.exact_quantile(vqc.exact_quantile_agg(((i * 37) % 101)::float8) OVER (ORDER BY i), 0.5) AS running
          FROM generate_series(1, 300) i) r;

-- percentile_disc as well, for Great Expectations' quantile expectations
CREATE TABLE disc_data AS SELECT ((i * 7919) % 1009)::float8 / 7 AS x FROM generate_series(1, 3001) i;
INSERT INTO disc_data SELECT (i % 5)::float8 FROM generate_series(1, 500) i;
SELECT q, vqc.exact_quantile_disc(vqc.exact_quantile_agg(x), q)
          = (SELECT percentile_disc(q) WITHIN GROUP (ORDER BY x) FROM disc_data) AS same_as_percentile_disc
  FROM unnest(ARRAY[0, 0.001, 0.25, 0.5, 0.5001, 0.9, 0.999, 1]::float8[]) q, disc_data
 GROUP BY q ORDER BY q;
SELECT vqc.exact_quantile_disc(vqc.exact_quantile_agg(x), 0.5) FROM (VALUES (1::float8), (2), ('NaN'), ('NaN')) v(x);
SELECT vqc.exact_quantile_disc(vqc.exact_quantile_agg(x), 0.75) FROM (VALUES (1::float8), (2), ('NaN'), ('NaN')) v(x);
