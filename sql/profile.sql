-- vqc.profile: mergeable column profile
\set VERBOSITY terse

CREATE FUNCTION pg_temp.try_in(s text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    d text;
BEGIN
    PERFORM s::vqc.profile;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ' ' || d;
END $$;

CREATE FUNCTION pg_temp.try_recv(b bytea) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    -- a file of this backend's own: test runs may share /tmp
    EXECUTE format('COPY (SELECT %L::bytea) TO %L WITH (FORMAT binary)',
                   b, format('/tmp/vqc_regress_profile_%s.bin', pg_backend_pid()));
    CREATE TEMP TABLE recv_buf (p vqc.profile);
    EXECUTE format('COPY recv_buf FROM %L WITH (FORMAT binary)',
                   format('/tmp/vqc_regress_profile_%s.bin', pg_backend_pid()));
    DROP TABLE recv_buf;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;

-- overwrites byte n (0-based) of the state's binary form
CREATE FUNCTION pg_temp.poke(p text, n int, b int) RETURNS text
LANGUAGE sql AS $$ SELECT encode(set_byte(decode(p, 'hex'), n, b), 'hex') $$;

-- deterministic data: 2000 rows, NULLs, duplicates, a skewed column
CREATE TABLE pd AS
SELECT i,
       CASE WHEN i % 20 = 0 THEN NULL ELSE ((i * 7919) % 1000 / 10.0)::float8 END AS x,
       (i * 7919) % 37 AS k,
       CASE WHEN i % 25 = 0 THEN NULL ELSE 'v' || ((i * 31) % 53) END AS s,
       i % 3 = 0 AS b,
       date '2024-01-01' + (i % 400) AS d,
       timestamptz '2024-01-01 00:00+00' + i * interval '1 hour' AS ts,
       i % 4 AS part
FROM generate_series(1, 2000) i;

-- exact mode: quantiles equal percentile_cont
SELECT vqc.is_exact(p), vqc.row_count(p), vqc.null_count(p), vqc.null_fraction(p)
FROM (SELECT vqc.profile_agg(x) p FROM pd) s;
SELECT bool_and(vqc.quantile(p, q) = pc) AS quantiles_equal, count(*)
FROM (SELECT vqc.profile_agg(x) p FROM pd) s,
     generate_series(0, 20) g, LATERAL (SELECT g / 20.0::float8 AS q) qq,
     LATERAL (SELECT percentile_cont(q) WITHIN GROUP (ORDER BY x) pc FROM pd) e;
SELECT vqc.quantiles(vqc.profile_agg(x), '{0, 0.25, 0.5, 0.75, 1}') =
       percentile_cont('{0, 0.25, 0.5, 0.75, 1}'::float8[]) WITHIN GROUP (ORDER BY x) AS quantiles_array_equal
FROM pd;
SELECT vqc.quantiles(vqc.profile_agg(x), '{0.5, NULL}'), vqc.quantiles(vqc.profile_agg(x), '{}') FROM pd;
-- rank: fraction of values <= x
SELECT vqc.rank(p, 50) = (SELECT count(*) FILTER (WHERE x <= 50)::float8 / count(x) FROM pd) AS rank_equal,
       vqc.rank(p, -1), vqc.rank(p, 1000)
FROM (SELECT vqc.profile_agg(x) p FROM pd) s;
-- ndistinct equals count(DISTINCT)
SELECT vqc.ndistinct(vqc.profile_agg(x)) = count(DISTINCT x) AS x_nd,
       vqc.ndistinct(vqc.profile_agg(s)) = count(DISTINCT s) AS s_nd,
       vqc.ndistinct(vqc.profile_agg(k)) = count(DISTINCT k) AS k_nd,
       vqc.ndistinct(vqc.profile_agg(b)), vqc.ndistinct(vqc.profile_agg(d)) = count(DISTINCT d) AS d_nd
FROM pd;
-- top values equal GROUP BY (all of them, counts exact, bound 0)
SELECT count(*) AS mismatches FROM (
  (SELECT value, count, error_bound FROM vqc.top_values((SELECT vqc.profile_agg(s) FROM pd), 1000)
   EXCEPT ALL
   SELECT s, count(*), 0 FROM pd WHERE s IS NOT NULL GROUP BY s)
  UNION ALL
  (SELECT s, count(*), 0 FROM pd WHERE s IS NOT NULL GROUP BY s
   EXCEPT ALL
   SELECT value, count, error_bound FROM vqc.top_values((SELECT vqc.profile_agg(s) FROM pd), 1000))) m;
SELECT count(*) AS mismatches FROM (
  (SELECT value, count FROM vqc.top_values((SELECT vqc.profile_agg(k) FROM pd), 1000)
   EXCEPT ALL
   SELECT k::text, count(*) FROM pd GROUP BY k)
  UNION ALL
  (SELECT k::text, count(*) FROM pd GROUP BY k
   EXCEPT ALL
   SELECT value, count FROM vqc.top_values((SELECT vqc.profile_agg(k) FROM pd), 1000))) m;
SELECT * FROM vqc.top_values((SELECT vqc.profile_agg(k) FROM pd), 3);
SELECT * FROM vqc.top_values((SELECT vqc.profile_agg(b) FROM pd), 5);
-- moments against PostgreSQL's own
SELECT abs(vqc.mean(p) - a) < 1e-9 AS mean_ok,
       abs(vqc.variance(p) / v - 1) < 1e-12 AS var_ok,
       abs(vqc.stddev(p) / sd - 1) < 1e-12 AS sd_ok,
       vqc.min_value(p), vqc.max_value(p)
FROM (SELECT vqc.profile_agg(x) p, avg(x) a, var_samp(x) v, stddev_samp(x) sd FROM pd) s;
-- skewness and kurtosis (biased, Fisher), against the definitions
WITH m AS (SELECT avg(x) mu, count(x) n FROM pd),
     c AS (SELECT sum((x - mu)^2) / n m2, sum((x - mu)^3) / n m3, sum((x - mu)^4) / n m4 FROM pd, m GROUP BY n)
SELECT abs(vqc.skewness(p) - m3 / m2^1.5) < 1e-9 AS skew_ok,
       abs(vqc.kurtosis(p) - (m4 / m2^2 - 3)) < 1e-9 AS kurt_ok
FROM c, (SELECT vqc.profile_agg(x) p FROM pd) s;
-- histograms (exact mode: true counts)
SELECT * FROM vqc.histogram((SELECT vqc.profile_agg(x) FROM pd), 4);
SELECT * FROM vqc.histogram((SELECT vqc.profile_agg(x) FROM pd), 4, 'quantile');
SELECT count(*) FILTER (WHERE x <= 25.0) AS first_bin_check FROM pd;
-- other kinds
SELECT vqc.min_value(p), vqc.max_value(p), vqc.ndistinct(p), vqc.mean(p), vqc.quantile(p, 0.5)
FROM (SELECT vqc.profile_agg(s) p FROM pd) s;
SELECT vqc.min_value(p), vqc.max_value(p), vqc.quantile(p, 0.5) = (SELECT (percentile_cont(0.5) WITHIN GROUP (ORDER BY d - date '1970-01-01'))::float8 FROM pd) AS median_days
FROM (SELECT vqc.profile_agg(d) p FROM pd) s;
SELECT vqc.min_value(p), vqc.max_value(p),
       vqc.quantile(p, 0) = extract(epoch FROM timestamptz '2024-01-01 01:00+00') * 1e6 AS min_micros
FROM (SELECT vqc.profile_agg(ts) p FROM pd) s;
SELECT vqc.min_value(vqc.profile_agg(b)), vqc.max_value(vqc.profile_agg(b)), vqc.mean(vqc.profile_agg(b)) FROM pd;
SELECT vqc.profile_to_jsonb(vqc.profile_agg(x)) FROM pd;
SELECT vqc.profile_to_jsonb(vqc.profile_agg(s)) FROM pd;
-- every supported input type
SELECT t, vqc.row_count(p), vqc.is_exact(p), vqc.min_value(p), vqc.max_value(p), vqc.ndistinct(p)
FROM (VALUES
  ('int2', (SELECT vqc.profile_agg(v::int2) FROM generate_series(1, 5) v)),
  ('int4', (SELECT vqc.profile_agg(v::int4) FROM generate_series(1, 5) v)),
  ('int8', (SELECT vqc.profile_agg(v::int8 * 1000000000000) FROM generate_series(1, 5) v)),
  ('numeric', (SELECT vqc.profile_agg(v::numeric / 4) FROM generate_series(1, 5) v)),
  ('float4', (SELECT vqc.profile_agg(v::float4 / 2) FROM generate_series(1, 5) v)),
  ('float8', (SELECT vqc.profile_agg(v::float8 / 8) FROM generate_series(1, 5) v)),
  ('bool', (SELECT vqc.profile_agg(v > 2) FROM generate_series(1, 5) v)),
  ('date', (SELECT vqc.profile_agg(date '2024-02-27' + v) FROM generate_series(1, 5) v)),
  ('timestamp', (SELECT vqc.profile_agg(timestamp '2024-02-27 12:00:00.5' + v * interval '1 day') FROM generate_series(1, 5) v)),
  ('timestamptz', (SELECT vqc.profile_agg(timestamptz '2024-02-27 12:00+00' + v * interval '1 day') FROM generate_series(1, 5) v)),
  ('text', (SELECT vqc.profile_agg('t' || v) FROM generate_series(1, 5) v)),
  ('varchar', (SELECT vqc.profile_agg(('t' || v)::varchar(4)) FROM generate_series(1, 5) v)),
  ('bpchar', (SELECT vqc.profile_agg(('t' || v % 2)::char(4)) FROM generate_series(1, 5) v))
) AS x(t, p);
-- bpchar: trailing blanks are not significant, lengths ignore them
SELECT vqc.ndistinct(p), (vqc.profile_to_jsonb(p))->'length' FROM (SELECT vqc.profile_agg(v) p FROM (VALUES ('ab'::char(5)), ('ab  '::char(5))) x(v)) s;
-- unsupported type: 42804
\set VERBOSITY default
SELECT vqc.profile_agg(v) FROM (VALUES (interval '1 day')) x(v);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
-- vqc.profile(col) is not an aggregate: for a text column it parses as a cast
SELECT vqc.profile(s) FROM pd;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.profile(x) FROM pd;
\echo SQLSTATE :LAST_ERROR_SQLSTATE

-- NaN, infinities, empty, all NULL
CREATE TABLE pspecial (x float8);
INSERT INTO pspecial VALUES (1), (2), ('NaN'), ('Infinity'), ('-Infinity'), ('NaN'), (NULL), ('-0'), (0);  -- '-0': a float8 negative zero, folded into 0
SELECT vqc.row_count(p), vqc.null_count(p), vqc.min_value(p), vqc.max_value(p), vqc.mean(p),
       vqc.quantile(p, 0), vqc.quantile(p, 0.5), vqc.quantile(p, 1), vqc.ndistinct(p), vqc.rank(p, 1)
FROM (SELECT vqc.profile_agg(x) p FROM pspecial) s;
SELECT count(DISTINCT x) FROM pspecial;
SELECT (j->>'nan')::int AS nan, (j->>'pos_infinity')::int AS pinf, (j->>'neg_infinity')::int AS ninf
FROM (SELECT vqc.profile_to_jsonb(vqc.profile_agg(x)) j FROM pspecial) s;
SELECT * FROM vqc.top_values((SELECT vqc.profile_agg(x) FROM pspecial), 10);
SELECT * FROM vqc.histogram((SELECT vqc.profile_agg(x) FROM pspecial), 2);
SELECT vqc.min_value(p), vqc.max_value(p), vqc.quantile(p, 0.5), vqc.mean(p)
FROM (SELECT vqc.profile_agg(x) p FROM pspecial WHERE x = 'NaN') s;
SELECT vqc.quantile(vqc.profile_agg(x), 0.5) FROM pspecial WHERE x = 'Infinity';
SELECT vqc.min_value(vqc.profile_agg(d)), vqc.max_value(vqc.profile_agg(d)), vqc.quantile(vqc.profile_agg(d), 1)
FROM (VALUES (date 'infinity'), (date '2020-01-01')) v(d);
-- empty input: an empty profile (row_count 0), not NULL
SELECT vqc.row_count(p), vqc.null_fraction(p), vqc.quantile(p, 0.5), vqc.ndistinct(p), vqc.mean(p),
       vqc.min_value(p), vqc.is_exact(p), (SELECT count(*) FROM vqc.top_values(p, 5)) AS top
FROM (SELECT vqc.profile_agg(x) p FROM pspecial WHERE false) s;
-- all NULL
SELECT vqc.row_count(p), vqc.null_fraction(p), vqc.quantile(p, 0.5), vqc.ndistinct(p), vqc.mean(p),
       vqc.min_value(p), (SELECT count(*) FROM vqc.histogram(p, 3)) AS bins
FROM (SELECT vqc.profile_agg(x) p FROM pspecial WHERE x IS NULL) s;
SELECT vqc.profile_to_jsonb(vqc.profile_agg(s)) FROM pd WHERE s IS NULL;
-- q outside [0, 1]: 22003 as percentile_cont; bad arguments: 22023
\set VERBOSITY default
SELECT vqc.quantile(vqc.profile_agg(x), 1.5) FROM pd;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.quantiles(vqc.profile_agg(x), '{0.5, -0.5}') FROM pd;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM vqc.histogram((SELECT vqc.profile_agg(x) FROM pd), 0);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM vqc.histogram((SELECT vqc.profile_agg(x) FROM pd), 3, 'equal_depth');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM vqc.top_values((SELECT vqc.profile_agg(x) FROM pd), -1);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse

-- merging: partitions merged equal the whole, in any order
CREATE TABLE pbig_whole_early AS SELECT vqc.profile_agg(v::float8) px FROM generate_series(1, 100000) v;
CREATE TABLE pparts AS SELECT part, vqc.profile_agg(x) px, vqc.profile_agg(s) ps FROM pd GROUP BY part;
SELECT vqc.row_count(w) = vqc.row_count(m) AS rows_eq, vqc.null_count(w) = vqc.null_count(m) AS nulls_eq,
       abs(vqc.mean(w) / vqc.mean(m) - 1) < 1e-12 AS mean_eq, abs(vqc.kurtosis(w) / vqc.kurtosis(m) - 1) < 1e-12 AS kurt_eq,
       vqc.quantiles(w, '{0, 0.1, 0.5, 0.9, 1}') = vqc.quantiles(m, '{0, 0.1, 0.5, 0.9, 1}') AS quantiles_eq,
       vqc.ndistinct(w) = vqc.ndistinct(m) AS nd_eq, vqc.is_exact(m)
FROM (SELECT vqc.profile_agg(x) w FROM pd) a, (SELECT vqc.merge_agg(px ORDER BY part) m FROM pparts) b;
SELECT vqc.ndistinct(m) = (SELECT count(DISTINCT x) FROM pd) AS nd,
       vqc.quantile(m, 0.3) = (SELECT percentile_cont(0.3) WITHIN GROUP (ORDER BY x) FROM pd) AS q30,
       vqc.is_exact(m)
FROM (SELECT vqc.merge_agg(px ORDER BY part DESC) m FROM pparts) s;
SELECT vqc.quantiles(vqc.merge(a.px, b.px), '{0.2, 0.7}') = vqc.quantiles(vqc.merge(b.px, a.px), '{0.2, 0.7}') AS order_independent,
       (SELECT array_agg(value || ':' || count) FROM vqc.top_values(vqc.merge(a.ps, b.ps), 5)) =
       (SELECT array_agg(value || ':' || count) FROM vqc.top_values(vqc.merge(b.ps, a.ps), 5)) AS top_order_independent
FROM pparts a, pparts b WHERE a.part = 0 AND b.part = 1;
-- exact with sketch, both ways
SELECT vqc.row_count(vqc.merge(a.px, b.px)) AS rows_ab, vqc.row_count(vqc.merge(b.px, a.px)) AS rows_ba,
       vqc.is_exact(vqc.merge(a.px, b.px)), vqc.ndistinct(vqc.merge(a.px, b.px)) > 95000 AS nd_ok
FROM pparts a, pbig_whole_early b WHERE a.part = 0;
-- long text: min/max clipped to 64 bytes at a character boundary, flagged
SELECT length(vqc.min_value(p)) AS min_len, length(vqc.max_value(p)) AS max_len, octet_length(vqc.max_value(p)) AS max_bytes,
       j->>'min_clipped' AS min_clipped, j->>'max_clipped' AS max_clipped, j->'length' AS length, vqc.is_exact(p)
FROM (SELECT vqc.profile_agg(v) p FROM (VALUES (repeat('a', 100)), (repeat('é', 100)), ('b')) x(v)) s,
     LATERAL (SELECT vqc.profile_to_jsonb(p) j) jj;
-- text past the 32 kB budget switches to sketch mode
SELECT vqc.is_exact(p), vqc.row_count(p), vqc.ndistinct(p) FROM (SELECT vqc.profile_agg(repeat('x', 1000) || v) p FROM generate_series(1, 40) v) s;
SELECT vqc.row_count(vqc.merge(px, NULL)), vqc.merge(NULL::vqc.profile, NULL) IS NULL FROM pparts WHERE part = 0;
-- different kinds or units do not merge: 42804
\set VERBOSITY default
SELECT vqc.merge(vqc.profile_agg(x), vqc.profile_agg(s)) FROM pd;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.merge(vqc.profile_agg(d), vqc.profile_agg(ts)) FROM pd;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
-- numbers of different types merge (as float8)
SELECT (vqc.profile_to_jsonb(vqc.merge(vqc.profile_agg(k), vqc.profile_agg(x))))->>'type' AS merged_type,
       vqc.row_count(vqc.merge(vqc.profile_agg(k), vqc.profile_agg(x))) FROM pd;

-- sketch mode: 100000 rows, merge of 4 partitions vs the whole
CREATE TABLE pbig AS
SELECT i, CASE WHEN i % 50 = 0 THEN NULL
               ELSE exp(((i * 7919) % 100003) / 100003.0 * 4) END AS x,
       (i::bigint * 48271) % 9973 AS u,
       CASE WHEN i % 3 = 0 THEN 'hot' WHEN i % 7 = 0 THEN 'warm' ELSE 'c' || (i::bigint * 48271) % 20011 END AS s,
       i % 4 AS part
FROM generate_series(1, 100000) i;
CREATE TABLE pbig_parts AS SELECT part, vqc.profile_agg(x) px, vqc.profile_agg(u) pu, vqc.profile_agg(s) ps FROM pbig GROUP BY part;
CREATE TABLE pbig_whole AS SELECT vqc.profile_agg(x) px, vqc.profile_agg(u) pu, vqc.profile_agg(s) ps FROM pbig;
CREATE TABLE pbig_merged AS SELECT vqc.merge_agg(px) px, vqc.merge_agg(pu) pu, vqc.merge_agg(ps) ps FROM pbig_parts;
SELECT vqc.is_exact(w.px), vqc.row_count(w.px) = vqc.row_count(m.px) AS rows_eq,
       vqc.null_count(w.px) = vqc.null_count(m.px) AS nulls_eq,
       abs(vqc.mean(w.px) / vqc.mean(m.px) - 1) < 1e-12 AS mean_eq,
       abs(vqc.variance(w.px) / vqc.variance(m.px) - 1) < 1e-12 AS var_eq,
       abs(vqc.skewness(w.px) / vqc.skewness(m.px) - 1) < 1e-12 AS skew_eq,
       abs(vqc.kurtosis(w.px) / vqc.kurtosis(m.px) - 1) < 1e-12 AS kurt_eq,
       vqc.min_value(w.px) = vqc.min_value(m.px) AS min_eq, vqc.max_value(w.px) = vqc.max_value(m.px) AS max_eq,
       vqc.ndistinct(w.pu) = vqc.ndistinct(m.pu) AS hll_merge_is_lossless,
       vqc.ndistinct(w.ps) = vqc.ndistinct(m.ps) AS hll_text_merge_is_lossless
FROM pbig_whole w, pbig_merged m;
-- accuracy: normalized rank error of q = 0.01 .. 0.99 (the rank interval of the
-- estimate must come within 0.01 of q), distinct count within 2 %
CREATE FUNCTION pg_temp.max_rank_error(p vqc.profile) RETURNS float8
LANGUAGE sql AS $$
  WITH e AS MATERIALIZED (
    SELECT u.q, u.est
    FROM (SELECT array_agg(g / 100.0::float8 ORDER BY g) qs FROM generate_series(1, 99) g) a,
         LATERAL unnest(a.qs, vqc.quantiles(p, a.qs)) AS u(q, est))
  SELECT max(greatest(q - hi, lo - q, 0))
  FROM e, LATERAL (SELECT count(*) FILTER (WHERE x < est)::float8 / count(x) AS lo,
                       count(*) FILTER (WHERE x <= est)::float8 / count(x) AS hi FROM pbig) r
$$;
SELECT pg_temp.max_rank_error(px) <= 0.01 AS whole_rank_ok FROM pbig_whole;
SELECT pg_temp.max_rank_error(px) <= 0.01 AS merged_rank_ok FROM pbig_merged;
SELECT abs(vqc.ndistinct(pu) / (SELECT count(DISTINCT u) FROM pbig) - 1) <= 0.02 AS int_nd_ok,
       abs(vqc.ndistinct(ps) / (SELECT count(DISTINCT s) FROM pbig) - 1) <= 0.02 AS text_nd_ok,
       abs(vqc.ndistinct(px) / (SELECT count(DISTINCT x) FROM pbig) - 1) <= 0.02 AS float_nd_ok
FROM pbig_merged;
-- frequent values: true count within [count, count + bound], heavy hitters reported
SELECT t.value, t.count <= g.n AND g.n <= t.count + t.error_bound AS within_bound,
       t.error_bound <= 100000 / 65 AS bound_ok
FROM vqc.top_values((SELECT ps FROM pbig_merged), 2) t
JOIN (SELECT s, count(*) n FROM pbig GROUP BY s) g ON g.s = t.value;
SELECT count(*) AS heavy_hitters_missing
FROM (SELECT s FROM pbig GROUP BY s HAVING count(*) > 100000 / 65) h
WHERE h.s NOT IN (SELECT value FROM vqc.top_values((SELECT ps FROM pbig_whole), 64));
SELECT * FROM vqc.histogram((SELECT px FROM pbig_whole), 3, 'quantile');

-- parallel plan equals serial
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT vqc.profile_agg(x) FROM pbig;
CREATE TABLE pbig_par AS SELECT vqc.profile_agg(x) px, vqc.profile_agg(s) ps FROM pbig;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT vqc.row_count(p.px) = vqc.row_count(w.px) AS rows_eq,
       abs(vqc.mean(p.px) / vqc.mean(w.px) - 1) < 1e-12 AS mean_eq,
       abs(vqc.kurtosis(p.px) / vqc.kurtosis(w.px) - 1) < 1e-12 AS kurt_eq,
       abs(vqc.ndistinct(p.ps) / vqc.ndistinct(w.ps) - 1) < 1e-12 AS nd_eq,
       pg_temp.max_rank_error(p.px) <= 0.01 AS rank_ok
FROM pbig_par p, pbig_whole w;

-- two-phase through SQL alone: text form, then binary COPY
CREATE TABLE pbig_text AS SELECT part, px::text AS tx, ps::text AS ts FROM pbig_parts;
SELECT vqc.merge_agg(tx::vqc.profile)::text = (SELECT px::text FROM pbig_merged) AS text_two_phase_eq,
       vqc.merge_agg(ts::vqc.profile ORDER BY part)::text = (SELECT vqc.merge_agg(ps ORDER BY part)::text FROM pbig_parts) AS text_two_phase_eq_s
FROM pbig_text;
SELECT format('/tmp/vqc_regress_profile_parts_%s.bin', pg_backend_pid()) AS parts_file \gset
COPY pbig_parts TO :'parts_file' WITH (FORMAT binary);
CREATE TABLE pbig_copy (LIKE pbig_parts);
COPY pbig_copy FROM :'parts_file' WITH (FORMAT binary);
SELECT bool_and(c.px::text = p.px::text AND c.pu::text = p.pu::text AND c.ps::text = p.ps::text) AS binary_round_trip
FROM pbig_copy c JOIN pbig_parts p USING (part);
SELECT vqc.merge_agg(px ORDER BY part)::text = (SELECT vqc.merge_agg(px ORDER BY part)::text FROM pbig_parts) AS binary_two_phase_eq
FROM pbig_copy;
SELECT vqc.row_count(vqc.merge_agg(px)), abs(vqc.mean(vqc.merge_agg(px)) / (SELECT avg(x) FROM pbig) - 1) < 1e-12 AS mean_eq
FROM pbig_copy;
-- send(p) is decode(p::text, 'hex')
SELECT vqc.profile_send(px) = decode(px::text, 'hex') AS send_is_hex FROM pbig_whole;

-- sketch mode with NaN, infinities and -0 among the batched finite values:
-- counts, moments and min/max against exact SQL over the same rows
CREATE TABLE pmixed AS
SELECT CASE WHEN v % 97 = 0 THEN 'NaN'::float8 WHEN v % 101 = 0 THEN 'Infinity'
            WHEN v % 103 = 0 THEN '-Infinity' WHEN v % 89 = 0 THEN '-0'
            ELSE (v % 1000) * 0.5 - 100 END AS x
FROM generate_series(1, 10000) v;
SELECT vqc.is_exact(p) AS exact,
       (j->>'nan')::bigint = t.nan AS nan_ok,
       (j->>'pos_infinity')::bigint = t.posinf AS posinf_ok,
       (j->>'neg_infinity')::bigint = t.neginf AS neginf_ok,
       abs(vqc.mean(p) - t.mean) < 1e-9 AS mean_ok,
       abs(vqc.variance(p) / t.variance - 1) < 1e-12 AS variance_ok,
       vqc.min_value(p) AS min, vqc.max_value(p) AS max,
       abs(vqc.ndistinct(p) / t.ndistinct - 1) < 0.02 AS ndistinct_ok
FROM (SELECT vqc.profile_agg(x) AS p FROM pmixed) a,
     LATERAL (SELECT vqc.profile_to_jsonb(a.p) AS j) b,
     (SELECT count(*) FILTER (WHERE x = 'NaN') AS nan,
             count(*) FILTER (WHERE x = 'Infinity') AS posinf,
             count(*) FILTER (WHERE x = '-Infinity') AS neginf,
             avg(x) FILTER (WHERE x NOT IN ('NaN', 'Infinity', '-Infinity')) AS mean,
             var_samp(x) FILTER (WHERE x NOT IN ('NaN', 'Infinity', '-Infinity')) AS variance,
             count(DISTINCT x) AS ndistinct
        FROM pmixed) t;
DROP TABLE pmixed;

-- size is bounded
SELECT pg_column_size(vqc.profile_agg(v::float8)) <= 36000 AS size_ok, pg_column_size(vqc.profile_agg(v::float8)) AS bytes
FROM generate_series(1, 1000000) v;

-- a stored sketch-mode profile as the INITCOND of a user's aggregate: the
-- transition function continues it (its stored form has no batch to fill)
DO $$
BEGIN
    EXECUTE format('CREATE AGGREGATE continue_profile(anyelement) (SFUNC = vqc.profile_transfn, STYPE = vqc.profile, INITCOND = %L)',
                   (SELECT vqc.profile_agg(v::float8) FROM generate_series(1, 5000) v)::text);
END $$;
SELECT vqc.row_count(c) AS rows, vqc.mean(c) AS mean, vqc.min_value(c) AS min, vqc.max_value(c) AS max,
       vqc.ndistinct(c) = vqc.ndistinct(w) AS ndistinct_same,
       vqc.quantiles(c, '{0.1,0.5,0.9}') = vqc.quantiles(w, '{0.1,0.5,0.9}') AS quantiles_same,
       abs(vqc.stddev(c) / vqc.stddev(w) - 1) < 1e-12 AS stddev_same
FROM (SELECT continue_profile(v::float8) FILTER (WHERE v > 5000) AS c, vqc.profile_agg(v::float8) AS w
        FROM generate_series(1, 10000) v) s;
DROP AGGREGATE continue_profile(anyelement);

-- merges return the stored form too (the size of an aggregate's sketch-mode result),
-- also when an exact side meets a sketch
SELECT pg_column_size(vqc.merge(a, b)) = pg_column_size(a) AS merge_stored,
       pg_column_size(vqc.merge(e, a)) = pg_column_size(a) AS exact_into_sketch_stored,
       (SELECT pg_column_size(vqc.merge_agg(p)) FROM (VALUES (e), (a), (b)) v(p)) = pg_column_size(a) AS merge_agg_stored,
       vqc.row_count(vqc.merge(e, a)) AS rows
FROM (SELECT vqc.profile_agg(v::float8) FILTER (WHERE v <= 5000) AS a,
             vqc.profile_agg(v::float8) FILTER (WHERE v > 5000) AS b,
             vqc.profile_agg(v::float8) FILTER (WHERE v <= 100) AS e
        FROM generate_series(1, 10000) v) s;

-- malformed input: 22P02 (text) and 22P03 (binary)
CREATE TABLE pvalid AS
SELECT (SELECT vqc.profile_agg(v)::text FROM (VALUES (1.5::float8), (2.5), (NULL)) x(v)) AS e,
       (SELECT vqc.profile_agg(v)::text FROM (VALUES ('abc'), ('de')) x(v)) AS t,
       (SELECT px::text FROM pbig_whole) AS sk,
       (SELECT vqc.profile_agg(CASE WHEN v % 2 = 0 THEN 0 ELSE v END::float8)::text FROM generate_series(1, 5000) v) AS h,
       -- past 1.4M values the quantile sketch samples: this one's KLL part
       -- starts at byte 18185 (n, rng, nlevels 12, shift 1 at 18205, one
       -- pending value at 18209, which is the last 8 bytes)
       (SELECT vqc.profile_agg(v::float8)::text FROM generate_series(1, 1500003) v) AS sp;
SELECT pg_temp.try_in(e) AS valid_exact, pg_temp.try_in(t) AS valid_text, pg_temp.try_in(sk) AS valid_sketch,
       pg_temp.try_in(h) AS valid_heavy, pg_temp.try_in(sp) AS valid_sampled,
       substr(sp, 2 * 18205 + 1, 16) = '0000000100000001' AS sampled_layout,
       pg_temp.try_recv(decode(sk, 'hex')) AS valid_binary
FROM pvalid;
-- the stated rank error: KLL's 0.974 %, and once the sketch samples (shift 1,
-- n 1500003) in quadrature with 2.576 x sqrt(2 / 1500003) / 2: 0.985 %
SELECT (vqc.profile_to_jsonb(sk::vqc.profile)->'quantiles'->>'rank_error')::float8 AS rank_error,
       round((vqc.profile_to_jsonb(sp::vqc.profile)->'quantiles'->>'rank_error')::numeric, 6) AS sampled_rank_error
FROM pvalid;
SELECT c AS malformed, pg_temp.try_in(v) AS sqlstate
FROM pvalid, LATERAL (VALUES
  ('odd hex digits', e || '0'),
  ('upper-case hex', upper(e)),
  ('not hex', 'zz' || substr(e, 3)),
  ('empty', ''),
  ('bad magic', pg_temp.poke(e, 0, 0)),
  ('bad version', pg_temp.poke(e, 5, 2)),
  ('unknown flag', pg_temp.poke(e, 7, 128)),
  ('bad kind', pg_temp.poke(e, 8, 9)),
  ('kind/type mismatch', pg_temp.poke(e, 8, 4)),
  ('rows < nulls', pg_temp.poke(e, 20, 0)),
  ('counts inconsistent', pg_temp.poke(e, 36, 1)),
  ('negative count', pg_temp.poke(e, 13, 255)),
  ('NaN mean', pg_temp.poke(pg_temp.poke(e, 77, 127), 78, 248)),
  ('negative M2', pg_temp.poke(e, 85, 191)),
  ('min > max', pg_temp.poke(e, 109, 65)),
  ('value count mismatch', pg_temp.poke(e, 154, 3)),
  ('stored value outside min/max', pg_temp.poke(e, 155, 64)),
  ('truncated', left(e, length(e) - 2)),
  ('trailing bytes', e || '00'),
  ('text too long', pg_temp.poke(t, 149, 65)),
  ('text min > max', pg_temp.poke(t, 150, 122)),
  ('negative string length', pg_temp.poke(t, 160, 255)),
  ('HLL register > 51', pg_temp.poke(sk, 151, 52)),
  ('sketch truncated', left(sk, length(sk) - 16)),
  ('KLL item NaN', left(sk, length(sk) - 16) || '7ff8000000000000'),
  ('KLL level unsorted', left(sk, length(sk) - 16) || 'bff0000000000000'),
  ('MG count too large', pg_temp.poke(h, 151 + 16384 + 12 + 8, 127)),
  ('MG count zero', pg_temp.poke(pg_temp.poke(pg_temp.poke(h, 151 + 16384 + 12 + 15, 0), 151 + 16384 + 12 + 14, 0), 151 + 16384 + 12 + 13, 0)),
  ('MG bound above n/(k+1)', pg_temp.poke(h, 151 + 16384 + 2, 1)),
  ('KLL shift above 6', pg_temp.poke(sp, 18208, 7)),
  ('KLL pending values >= 2^shift', pg_temp.poke(sp, 18212, 2)),
  ('KLL weights with another shift', pg_temp.poke(sp, 18208, 2)),
  ('KLL pending value NaN', left(sp, length(sp) - 16) || '7ff8000000000000'),
  ('sketch flag on an exact state', pg_temp.poke(e, 7, 1))
) AS m(c, v);
SELECT c AS malformed_binary, pg_temp.try_recv(v) AS sqlstate
FROM pvalid, LATERAL (VALUES
  ('bad magic', set_byte(decode(sk, 'hex'), 0, 0)),
  ('truncated', substr(decode(sk, 'hex'), 1, length(decode(sk, 'hex')) - 1)),
  ('trailing bytes', decode(sk || '00', 'hex')),
  ('HLL register > 51', set_byte(decode(sk, 'hex'), 151, 200)),
  ('empty', ''::bytea)
) AS m(c, v);
\set VERBOSITY default
SELECT ((SELECT e FROM pvalid) || '00')::vqc.profile;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY terse

-- numerics become the float8 that numeric::float8 gives, bit for bit: short
-- numerics by one exact multiplication or division, others PostgreSQL's way
SELECT setseed(0.5);
CREATE TABLE pnums AS
SELECT round(((random() - 0.5) * 10 ^ (random() * 40 - 20)::int)::numeric, (random() * 30)::int) AS n
  FROM generate_series(1, 20000)
UNION ALL SELECT (random() * 1e6)::numeric(12,2) FROM generate_series(1, 10000)
UNION ALL SELECT (random() * 1e12)::numeric(30,10) * 10::numeric ^ (random() * 20)::int FROM generate_series(1, 10000)
UNION ALL SELECT x::numeric FROM unnest('{0, -0.0, 0.1, 0.3, 1e22, 1e23, 1e-22, 1e-23, 9007199254740992,
  9007199254740993, 123456789012345678, -123.45, 1234567890123456.7, 0.0000000001, 99999999.99999999,
  Infinity, -Infinity}'::text[]) x;
SELECT count(*) AS numerics, count(*) FILTER (WHERE vqc.quantile(p, 0.5) IS DISTINCT FROM n::float8) AS mismatches
  FROM (SELECT n, vqc.profile_agg(n) AS p FROM pnums GROUP BY n) s;
DROP TABLE pnums;
