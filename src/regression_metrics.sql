
-- ---------------------------------------------------------------------
-- regression_metrics.sql: vqc.regression_state and scikit-learn's
-- regression metrics over (y_true, y_pred)
-- ---------------------------------------------------------------------
-- One state serves every metric: vqc.regression_agg(y_true, y_pred) and an
-- accessor per metric, or the metric's own aggregate.  A pair with a NULL
-- is skipped and counted (vqc.regression_null_count); NaN and infinite
-- values are refused (22023).  No pairs: NULL metrics.  numeric and
-- integer columns take the implicit cast to float8.

CREATE TYPE vqc.regression_state;

CREATE FUNCTION vqc.regression_state_in(cstring)
RETURNS vqc.regression_state
AS 'MODULE_PATHNAME', 'vqc_regression_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_state_out(vqc.regression_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_regression_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_state_recv(internal)
RETURNS vqc.regression_state
AS 'MODULE_PATHNAME', 'vqc_regression_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_state_send(vqc.regression_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_regression_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.regression_state (
    INPUT = vqc.regression_state_in,
    OUTPUT = vqc.regression_state_out,
    RECEIVE = vqc.regression_state_recv,
    SEND = vqc.regression_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- not strict: a pair with a NULL is counted
CREATE FUNCTION vqc.regression_transfn(vqc.regression_state, float8, float8)
RETURNS vqc.regression_state
AS 'MODULE_PATHNAME', 'vqc_regression_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.regression_combinefn(vqc.regression_state, vqc.regression_state)
RETURNS vqc.regression_state
AS 'MODULE_PATHNAME', 'vqc_regression_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- INITCOND is the empty state: no rows give count 0 and NULL metrics.
CREATE AGGREGATE vqc.regression_agg(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn,
    STYPE = vqc.regression_state,
    COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.regression_agg(float8, float8) IS
    'A mergeable state behind every regression metric (MAE, MSE, RMSE, MAPE, R², max error).';

CREATE AGGREGATE vqc.merge_agg(vqc.regression_state) (
    SFUNC = vqc.regression_combinefn,
    STYPE = vqc.regression_state,
    COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.mean_absolute_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_mae'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.mean_squared_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_mse'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.root_mean_squared_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_rmse'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.mean_absolute_percentage_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_mape'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.mean_absolute_percentage_error(vqc.regression_state) IS
    'mean(|y_pred - y_true| / max(|y_true|, 2.220446049250313e-16)), as scikit-learn: a fraction, not a percentage.';

CREATE FUNCTION vqc.r2_score(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_r2'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.r2_score(vqc.regression_state) IS
    '1 - SS_res / SS_tot; constant y_true gives 1 for perfect predictions, else 0 (scikit-learn); NULL under two pairs.';

CREATE FUNCTION vqc.max_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_max_error'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_count(state vqc.regression_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_regression_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_null_count(state vqc.regression_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_regression_null_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_to_jsonb(state vqc.regression_state)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_regression_to_jsonb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- scikit-learn's names, y_true first: the state with the metric as FINALFUNC
CREATE AGGREGATE vqc.mean_absolute_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.mean_absolute_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_squared_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.mean_squared_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.root_mean_squared_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.root_mean_squared_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_absolute_percentage_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.mean_absolute_percentage_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.r2_score(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.r2_score, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.max_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.max_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
