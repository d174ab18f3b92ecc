
-- ---------------------------------------------------------------------
-- exact_quantile.sql: vqc.exact_quantile_state, exact quantiles in one scan
-- ---------------------------------------------------------------------
-- The state is a real SQL type (not internal) so that partial states can
-- travel (parallel workers, Citus).  Text form: hex of the binary form.

CREATE TYPE vqc.exact_quantile_state;

CREATE FUNCTION vqc.exact_quantile_state_in(cstring)
RETURNS vqc.exact_quantile_state
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.exact_quantile_state_out(vqc.exact_quantile_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.exact_quantile_state_recv(internal)
RETURNS vqc.exact_quantile_state
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.exact_quantile_state_send(vqc.exact_quantile_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.exact_quantile_state (
    INPUT = vqc.exact_quantile_state_in,
    OUTPUT = vqc.exact_quantile_state_out,
    RECEIVE = vqc.exact_quantile_state_recv,
    SEND = vqc.exact_quantile_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

CREATE FUNCTION vqc.exact_quantile_transfn(vqc.exact_quantile_state, float8)
RETURNS vqc.exact_quantile_state
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_transfn'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- STABLE like the transition functions: growing a state reads
-- vqc.exact_memory_limit
CREATE FUNCTION vqc.exact_quantile_combinefn(vqc.exact_quantile_state, vqc.exact_quantile_state)
RETURNS vqc.exact_quantile_state
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_combinefn'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- INITCOND is the empty state: no rows (or only NULLs) give count 0.
CREATE AGGREGATE vqc.exact_quantile_agg(float8) (
    SFUNC = vqc.exact_quantile_transfn,
    STYPE = vqc.exact_quantile_state,
    COMBINEFUNC = vqc.exact_quantile_combinefn,
    INITCOND = '565143510001000000000000000000000000000000000000',
    PARALLEL = SAFE
);

-- numeric values are collected as numeric::float8 would give them, but
-- without the cast's text round trip
CREATE FUNCTION vqc.exact_quantile_numeric_transfn(vqc.exact_quantile_state, numeric)
RETURNS vqc.exact_quantile_state
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_numeric_transfn'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE vqc.exact_quantile_agg(numeric) (
    SFUNC = vqc.exact_quantile_numeric_transfn,
    STYPE = vqc.exact_quantile_state,
    COMBINEFUNC = vqc.exact_quantile_combinefn,
    INITCOND = '565143510001000000000000000000000000000000000000',
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.exact_quantile(state vqc.exact_quantile_state, q float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_exact_quantile'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.exact_quantile_disc(state vqc.exact_quantile_state, q float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_disc'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.exact_quantile_disc(vqc.exact_quantile_state, float8) IS
    'Exactly percentile_disc(q) over the collected values; NULL when empty or overflowed.';

CREATE FUNCTION vqc.exact_quantile_count(state vqc.exact_quantile_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_vec8_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.exact_quantile_overflowed(state vqc.exact_quantile_state)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_vec8_overflowed'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Exact quantiles past the memory limit, by passes (vqc._exact_ranks): the
-- order key of a value (bigint order is float8 order, NaN last, -0 = 0), its
-- inverse, the k-th collected value, and percentile_cont's interpolation.
CREATE FUNCTION vqc.value_key(float8)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_value_key'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.value_key(numeric)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_numeric_value_key'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.key_value(bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_key_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.exact_kth(state vqc.exact_quantile_state, k bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_exact_kth'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.quantile_interpolate(first float8, second float8, q float8, n bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_quantile_interpolate'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
