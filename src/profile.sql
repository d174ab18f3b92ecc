
-- ---------------------------------------------------------------------
-- profile.sql: vqc.profile, a mergeable bounded-size column profile
-- ---------------------------------------------------------------------
-- The state is a real SQL type (not internal) so partial profiles can
-- travel (parallel workers, Citus, files).  Text form: hex of the binary
-- form.  See src/profile.c for what a profile holds and how.

CREATE TYPE vqc.profile;

CREATE FUNCTION vqc.profile_in(cstring)
RETURNS vqc.profile
AS 'MODULE_PATHNAME', 'vqc_profile_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.profile_out(vqc.profile)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_profile_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.profile_recv(internal)
RETURNS vqc.profile
AS 'MODULE_PATHNAME', 'vqc_profile_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.profile_send(vqc.profile)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_profile_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.profile (
    INPUT = vqc.profile_in,
    OUTPUT = vqc.profile_out,
    RECEIVE = vqc.profile_recv,
    SEND = vqc.profile_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- not strict: NULL inputs are counted
CREATE FUNCTION vqc.profile_transfn(vqc.profile, anyelement)
RETURNS vqc.profile
AS 'MODULE_PATHNAME', 'vqc_profile_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.profile_combinefn(vqc.profile, vqc.profile)
RETURNS vqc.profile
AS 'MODULE_PATHNAME', 'vqc_profile_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the aggregates' result: the stored form, with the numbers the state batches flushed
CREATE FUNCTION vqc.profile_finalfn(vqc.profile)
RETURNS vqc.profile
AS 'MODULE_PATHNAME', 'vqc_profile_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- INITCOND is the empty profile (kind set by the first row): no rows give
-- row_count 0.  Named *_agg: vqc.profile(text_col) would parse as a cast.
CREATE AGGREGATE vqc.profile_agg(anyelement) (
    SFUNC = vqc.profile_transfn,
    STYPE = vqc.profile,
    FINALFUNC = vqc.profile_finalfn,
    COMBINEFUNC = vqc.profile_combinefn,
    INITCOND = '5651435000010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.profile_agg(anyelement) IS
    'A mergeable column profile: counts, min/max, moments, quantile and distinct-count sketches, frequent values (exact up to 2048 values).';

-- Merging profiles (partitions, days, nodes).  The aggregate is merge_agg,
-- not merge: one name per arity would let a forgotten second argument turn
-- a row-wise merge into an aggregate silently.
CREATE FUNCTION vqc.merge(a vqc.profile, b vqc.profile)
RETURNS vqc.profile
AS 'MODULE_PATHNAME', 'vqc_profile_merge'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION vqc.merge(vqc.profile, vqc.profile) IS
    'The profile of both inputs'' rows; a NULL side yields the other.';

CREATE AGGREGATE vqc.merge_agg(vqc.profile) (
    SFUNC = vqc.profile_combinefn,
    STYPE = vqc.profile,
    FINALFUNC = vqc.profile_finalfn,
    COMBINEFUNC = vqc.profile_combinefn,
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.quantile(p vqc.profile, q float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_quantile'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.quantile(vqc.profile, float8) IS
    'Exact mode: percentile_cont(q) over the non-NaN values; sketch mode: the KLL estimate (normalized rank error <= 0.974 % at 99 % confidence, <= 0.986 % once the sketch samples past 1.4 M values).';

CREATE FUNCTION vqc.quantiles(p vqc.profile, qs float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'vqc_profile_quantiles'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.rank(p vqc.profile, x float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_rank'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.rank(vqc.profile, float8) IS
    'The fraction of non-NaN values <= x.';

CREATE FUNCTION vqc.ndistinct(p vqc.profile)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_ndistinct'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.ndistinct(vqc.profile) IS
    'Distinct non-null values: exact in exact mode, else HyperLogLog (p = 14, relative standard error 0.81 %).';

CREATE FUNCTION vqc.top_values(p vqc.profile, k integer)
RETURNS TABLE(value text, count bigint, error_bound bigint)
AS 'MODULE_PATHNAME', 'vqc_profile_top_values'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION vqc.top_values(vqc.profile, integer) IS
    'The k most frequent values; the true count lies in [count, count + error_bound] (Misra-Gries, error_bound <= n/65; 0 when exact).';

CREATE FUNCTION vqc.histogram(p vqc.profile, bins integer, kind text DEFAULT 'equal_width')
RETURNS TABLE(bin integer, lower float8, upper float8, count float8)
AS 'MODULE_PATHNAME', 'vqc_profile_histogram'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;

CREATE FUNCTION vqc.row_count(p vqc.profile) RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_profile_row_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.null_count(p vqc.profile) RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_profile_null_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.null_fraction(p vqc.profile) RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_null_fraction' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.mean(p vqc.profile) RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.variance(p vqc.profile) RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_variance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.variance(vqc.profile) IS 'Sample variance M2/(n-1) of the finite values.';
CREATE FUNCTION vqc.stddev(p vqc.profile) RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_stddev' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.skewness(p vqc.profile) RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_skewness' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.skewness(vqc.profile) IS 'Biased Fisher-Pearson skewness (scipy.stats.skew defaults).';
CREATE FUNCTION vqc.kurtosis(p vqc.profile) RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_kurtosis' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.kurtosis(vqc.profile) IS 'Biased excess (Fisher) kurtosis (scipy.stats.kurtosis defaults).';
CREATE FUNCTION vqc.min_value(p vqc.profile) RETURNS text
AS 'MODULE_PATHNAME', 'vqc_profile_min_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.max_value(p vqc.profile) RETURNS text
AS 'MODULE_PATHNAME', 'vqc_profile_max_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.is_exact(p vqc.profile) RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_profile_is_exact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.profile_to_jsonb(p vqc.profile) RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_profile_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
