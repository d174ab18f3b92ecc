-- State safety (issue #16): a state takes only inputs of the type family it
-- was built for, crafted states are rejected or read within their bytes,
-- every stored byte is written, text in states is valid in the server
-- encoding, many groups stay cheap, arguments are bounded, volatilities
-- match the code.
\set VERBOSITY terse
\i sql/include/state_helpers.psql

-- the SQLSTATE and message of a statement, or 'ok'
CREATE FUNCTION pg_temp.try(q text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

\i sql/include/state_detail.psql

-- 1. A profile given as INITCOND takes values of its own type family only:
-- its kind decides how the argument's datum is read (an integer read as
-- text crashed the server; a number as boolean raised an internal error).
SELECT vqc.profile_agg(t)::text AS text_profile FROM (VALUES ('a'), ('b')) v(t) \gset
SELECT vqc.profile_agg(x)::text AS numeric_profile FROM (VALUES (1.5), (2.5)) v(x) \gset
SELECT vqc.profile_agg(b)::text AS bool_profile FROM (VALUES (true), (false)) v(b) \gset
SELECT vqc.profile_agg(d)::text AS date_profile FROM (VALUES ('2024-01-01'::date)) v(d) \gset
SELECT vqc.profile_agg(i)::text AS int8_profile FROM (VALUES (1::int8), (2)) v(i) \gset
CREATE AGGREGATE pg_temp.from_text(anyelement) (
    SFUNC = vqc.profile_transfn, STYPE = vqc.profile, INITCOND = :'text_profile');
CREATE AGGREGATE pg_temp.from_numeric(anyelement) (
    SFUNC = vqc.profile_transfn, STYPE = vqc.profile, INITCOND = :'numeric_profile');
CREATE AGGREGATE pg_temp.from_bool(anyelement) (
    SFUNC = vqc.profile_transfn, STYPE = vqc.profile, INITCOND = :'bool_profile');
CREATE AGGREGATE pg_temp.from_date(anyelement) (
    SFUNC = vqc.profile_transfn, STYPE = vqc.profile, INITCOND = :'date_profile');
CREATE AGGREGATE pg_temp.from_int8(anyelement) (
    SFUNC = vqc.profile_transfn, STYPE = vqc.profile, INITCOND = :'int8_profile',
    FINALFUNC = vqc.profile_finalfn);
SELECT pg_temp.try('SELECT pg_temp.from_text(i) FROM generate_series(1, 3) i') AS int_into_text;
SELECT pg_temp.try('SELECT pg_temp.from_numeric(i % 2 = 0) FROM generate_series(1, 3) i') AS bool_into_numeric;
SELECT pg_temp.try('SELECT pg_temp.from_bool(i::text) FROM generate_series(1, 3) i') AS text_into_bool;
SELECT pg_temp.try('SELECT pg_temp.from_date(now()::timestamp) FROM generate_series(1, 3) i') AS timestamp_into_date;
-- a type of the same family is welcome: the profile then holds the family
SELECT vqc.row_count(p) AS rows, vqc.min_value(p) AS min, vqc.max_value(p) AS max,
       vqc.profile_to_jsonb(p)->>'type' AS type
FROM (SELECT pg_temp.from_int8(i) AS p FROM generate_series(5, 7) i) x;
SELECT vqc.row_count(pg_temp.from_text(t)) AS rows FROM (VALUES ('c'::varchar), (NULL)) v(t);
-- merging states of different families fails as well
SELECT pg_temp.try(format('SELECT vqc.merge(%L::vqc.profile, %L::vqc.profile)',
                          :'text_profile', :'numeric_profile')) AS merge_text_numeric;
CREATE AGGREGATE pg_temp.merge_as_sfunc(vqc.profile) (
    SFUNC = vqc.profile_combinefn, STYPE = vqc.profile);
SELECT pg_temp.try(format('SELECT pg_temp.merge_as_sfunc(p) FROM (VALUES (%L::vqc.profile), (%L)) v(p)',
                          :'bool_profile', :'date_profile')) AS combine_bool_date;

-- hash_set states are bound to how their words are made: integers as
-- themselves, or one type's hash
SELECT vqc.hash_set_agg(t)::text AS text_hs FROM (VALUES ('a'), ('b')) v(t) \gset
SELECT vqc.hash_set_agg(i)::text AS int_hs FROM (VALUES (1), (2)) v(i) \gset
CREATE AGGREGATE pg_temp.hs_from_text(anyelement) (
    SFUNC = vqc.hash_set_transfn, STYPE = vqc.hash_set_state, INITCOND = :'text_hs');
CREATE AGGREGATE pg_temp.hs_merge(vqc.hash_set_state) (
    SFUNC = vqc.hash_set_combinefn, STYPE = vqc.hash_set_state,
    INITCOND = '565143480001000000000000000000000000000000000000');
SELECT pg_temp.try('SELECT pg_temp.hs_from_text(i) FROM generate_series(1, 3) i') AS int_into_text_hs;
SELECT vqc.hash_set_count(pg_temp.hs_from_text(t)) AS count,
       vqc.hash_set_has_duplicates(pg_temp.hs_from_text(t)) AS dup
FROM (VALUES ('a'::varchar), ('c')) v(t);
SELECT pg_temp.try(format('SELECT pg_temp.hs_merge(s) FROM (VALUES (%L::vqc.hash_set_state), (%L)) v(s)',
                          :'text_hs', :'int_hs')) AS merge_text_int_hs;
SELECT vqc.hash_set_count(pg_temp.hs_merge(s)) AS merged_count
FROM (VALUES (:'int_hs'::vqc.hash_set_state), (:'int_hs')) v(s);
-- a state written before bindings existed (flags 0) still reads and binds
SELECT vqc.hash_set_count(pg_temp.hs_merge(s)) AS old_form
FROM (VALUES ('5651434800010000000000000000000100000000000000010000000000000007'::vqc.hash_set_state),
             (:'int_hs')) v(s);

-- 2. A quantile sketch with levels + shift = 63 (the most any count needs)
-- fits its array: its capacity is read from the table, never past it.  A
-- profile of 0.0 and 1.0 whose sketch is rewritten to 57 levels, shift 6:
-- level 0 holds 0 and 1 (weight 64 each), level 56 holds 1 (weight 2^62).
-- 58 levels are more than the table covers (and than 2^63 values need).
CREATE TABLE safety_src AS SELECT (i % 2)::float8 AS x FROM generate_series(1, 5000) i;
SELECT vqc.profile_send(vqc.profile_agg(x)) AS bin FROM safety_src \gset
CREATE FUNCTION pg_temp.kll63(bin bytea, levels int, shift int) RETURNS text
LANGUAGE sql AS $$
    -- 151 bytes of header, 16384 HyperLogLog registers, 64 bytes of frequent values
    SELECT encode(
        overlay(overlay(substring(bin FROM 1 FOR 151 + 16384 + 64)
                        PLACING int8send(n) FROM 14 FOR 8)
                PLACING int8send(n) FROM 70 FOR 8)
        || int8send(n) || int8send(12345) || int4send(levels) || int4send(shift) || int4send(0)
        || int4send(2) || (SELECT string_agg(int4send(0), ''::bytea) FROM generate_series(1, levels - 2))
        || int4send(1)
        || float8send(0) || float8send(1) || float8send(1), 'hex')
    FROM (SELECT 128 + (1::int8 << 62) AS n) c
$$;
SELECT pg_temp.try_state(pg_temp.kll63(:'bin', 58, 6), 'vqc.profile') AS levels_64;
CREATE TABLE safety_kll AS SELECT pg_temp.kll63(:'bin', 57, 6)::vqc.profile AS p;
SELECT array_agg(vqc.quantile(p, q) ORDER BY q) AS quantiles,
       bool_and(vqc.quantile(p, q) IN (0, 1)) AS within_values
FROM safety_kll, unnest('{0, 0.25, 0.5, 0.75, 1}'::float8[]) q;
SELECT p::text::vqc.profile::text = p::text AS text_rt FROM safety_kll;

-- 3. Every byte of a stored profile is written: a profile as the aggregate
-- or vqc.merge leaves it equals its own text round trip byte for byte, in
-- exact and sketch mode, whatever the order of its rows (a longer minimum
-- replaced by a shorter one) and whatever memory earlier statements left.
-- pageinspect shows the bytes stored in the table (detoasted).
CREATE EXTENSION pageinspect;
CREATE FUNCTION pg_temp.stored(rel regclass) RETURNS TABLE (what text, raw bytea)
LANGUAGE sql AS $$
    SELECT convert_from(a[1], 'UTF8'), a[2]
    FROM heap_page_items(get_raw_page(rel::text, 0)) h,
         LATERAL tuple_data_split(rel, h.t_data, h.t_infomask, h.t_infomask2, h.t_bits, true) a
$$;
SELECT length(string_agg(repeat('SECRET-', 2000), '')) AS planted FROM generate_series(1, 200);
CREATE TABLE safety_profiles AS
SELECT 'exact text' AS what, vqc.profile_agg(t ORDER BY o) AS p
  FROM (VALUES (1, 'bbbbbbbbbbbb'), (2, 'a'), (3, 'zz'), (4, 'yyyyyyyyyyy')) v(o, t)
UNION ALL SELECT 'exact number', vqc.profile_agg(x) FROM generate_series(1, 100) x
UNION ALL SELECT 'sketch number', vqc.profile_agg(x * 0.37) FROM generate_series(1, 50000) x
UNION ALL SELECT 'sketch text', vqc.profile_agg(md5(x::text)) FROM generate_series(1, 20000) x
UNION ALL SELECT 'sketch date', vqc.profile_agg(date '2020-01-01' + x % 1000) FROM generate_series(1, 30000) x
UNION ALL SELECT 'merged', vqc.merge(a, b)
  FROM (SELECT vqc.profile_agg(x) AS a FROM generate_series(1, 3000) x) l,
       (SELECT vqc.profile_agg(x) AS b FROM generate_series(2000, 9000) x) r
UNION ALL SELECT 'merge_agg', vqc.merge_agg(p)
  FROM (SELECT vqc.profile_agg(x) AS p FROM generate_series(1, 40000) x GROUP BY x % 3) g
UNION ALL SELECT 'rebuilt sketch number', vqc.profile_agg(x * 0.37) FROM generate_series(1, 50000) x;
CREATE TABLE safety_parsed AS SELECT what, p::text::vqc.profile AS p FROM safety_profiles;
SELECT a.what, a.raw = b.raw AS stored_equals_parsed,
       position('\x534543524554'::bytea IN a.raw) = 0 AS no_planted_bytes
FROM pg_temp.stored('safety_profiles') a JOIN pg_temp.stored('safety_parsed') b USING (what)
ORDER BY 1;
-- two equal profiles built apart are equal bytes
SELECT count(DISTINCT raw) AS distinct_raw
FROM pg_temp.stored('safety_profiles') WHERE what LIKE '%sketch number';
DROP EXTENSION pageinspect;

-- 4. Text inside a state must be valid in the server encoding (UTF-8 here):
-- a text minimum and maximum, an exact value, a frequent value of 0xff
SELECT vqc.profile_send(vqc.profile_agg(t)) AS one_a FROM (VALUES ('a')) v(t) \gset
SELECT vqc.profile_send(vqc.profile_agg(t)) AS many_x
FROM (SELECT 'x' AS t FROM generate_series(1, 3000)) v \gset
SELECT pg_temp.try_state(encode(set_byte(set_byte(:'one_a'::bytea, 150, 255), 152, 255), 'hex'),
                         'vqc.profile') AS minmax,
       pg_temp.try_state(encode(set_byte(:'one_a'::bytea, 161, 255), 'hex'), 'vqc.profile') AS exact_value,
       pg_temp.try_state(encode(set_byte(:'many_x'::bytea, 16575, 255), 'hex'), 'vqc.profile') AS frequent_value,
       pg_temp.try_recv(set_byte(:'one_a'::bytea, 161, 255), 'vqc.profile') AS binary_exact_value,
       pg_temp.try_state(encode(:'many_x'::bytea, 'hex'), 'vqc.profile') AS unchanged;

-- 5. Many groups under HashAggregate: the states share one memory context,
-- so 20 000 groups fit in a few MB and in one batch (a context and 16 kB a
-- group took 320 MB and spilled).
CREATE FUNCTION pg_temp.hashagg_kb(q text) RETURNS TABLE (hashagg boolean, batches int, small boolean)
LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, COSTS OFF, TIMING OFF) ' || q INTO plan;
    RETURN QUERY SELECT plan->0->'Plan'->>'Strategy' = 'Hashed',
                        (plan->0->'Plan'->>'HashAgg Batches')::int,
                        (plan->0->'Plan'->>'Peak Memory Usage')::int < 40000;
END $$;
SET work_mem = '64MB';
SET enable_sort = off;
SET max_parallel_workers_per_gather = 0;
SELECT 'hash_set' AS agg, * FROM pg_temp.hashagg_kb(
    'SELECT i % 20000, vqc.hash_set_agg(i) FROM generate_series(1, 40000) i GROUP BY 1');
SELECT 'exact_quantile' AS agg, * FROM pg_temp.hashagg_kb(
    'SELECT i % 20000, vqc.exact_quantile_agg(i::float8) FROM generate_series(1, 40000) i GROUP BY 1');
-- and the answers stay right
SELECT count(*) AS groups, bool_and(vqc.hash_set_count(s) = 2) AS counts,
       bool_and(NOT vqc.hash_set_has_duplicates(s)) AS distinct,
       bool_and(vqc.exact_quantile(q, 0.5) = CASE g WHEN 0 THEN 30000 ELSE g + 10000 END) AS medians
FROM (SELECT i % 20000 AS g, vqc.hash_set_agg(i) AS s, vqc.exact_quantile_agg(i::float8) AS q
      FROM generate_series(1, 40000) i GROUP BY 1) x;
RESET work_mem;
RESET enable_sort;
RESET max_parallel_workers_per_gather;

-- 6. vqc.quantile_interpolate checks q and n before converting rows to int64
SELECT pg_temp.try('SELECT vqc.quantile_interpolate(1, 2, ''NaN'', 10)') AS nan_q,
       pg_temp.try('SELECT vqc.quantile_interpolate(1, 2, 1.5, 10)') AS big_q,
       pg_temp.try('SELECT vqc.quantile_interpolate(1, 2, 0.5, 0)') AS zero_n,
       pg_temp.try('SELECT vqc.quantile_interpolate(1, 2, 0.5, 9223372036854775807)') AS huge_n,
       vqc.quantile_interpolate(1, 2, 0.5, 2) AS half,
       vqc.quantile_interpolate(1, 2, 1, 1) AS one_row;

-- the C entry point of drift bounds its bins as the SQL wrappers do
SELECT pg_temp.try('SELECT vqc._drift_exact(''{1,2,3}''::int[], ''{1,2}''::int[], ''psi'', NULL, 200000000, NULL)') AS drift_bins;

-- 7. Volatility: reading a setting, or calling type output functions, makes
-- a function at most STABLE; all stay parallel safe
SELECT p.oid::regprocedure AS function, p.provolatile AS volatility, p.proparallel AS parallel
FROM pg_proc p
WHERE p.oid = ANY ('{"vqc.exact_quantile_transfn(vqc.exact_quantile_state, float8)",
                     "vqc.exact_quantile_numeric_transfn(vqc.exact_quantile_state, numeric)",
                     "vqc.exact_quantile_combinefn(vqc.exact_quantile_state, vqc.exact_quantile_state)",
                     "vqc.hash_set_transfn(vqc.hash_set_state, anyelement)",
                     "vqc.hash_set_combinefn(vqc.hash_set_state, vqc.hash_set_state)",
                     "vqc.tally_transfn(vqc.tally, text, text, int4)",
                     "vqc.regex_match(text, text)",
                     "vqc._drift_exact(anyarray, anycompatiblearray, text, float8, integer, text)",
                     "vqc.drift_exact(anyarray, anycompatiblearray, text, jsonb)"}'::regprocedure[])
ORDER BY 1::text;

DROP TABLE safety_src, safety_kll, safety_profiles, safety_parsed;
