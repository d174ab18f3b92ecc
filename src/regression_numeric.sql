-- ---------------------------------------------------------------------
-- regression_numeric.sql: scikit-learn's regression metrics over numeric
-- (y_true, y_pred) in exact decimal arithmetic (src/regression_numeric.c)
-- ---------------------------------------------------------------------
-- Overloads of the six float8 aggregates: numeric columns now resolve to
-- these and get a numeric result, each metric one numeric division of exact
-- sums (the same as avg(abs(y_true - y_pred)) and its kin written in SQL).
-- Integer columns still resolve to the float8 aggregates.  A pair with a
-- NULL is skipped; NaN or infinite values: 22023; no pairs: NULL.
--
-- The state is a type of its own (0.6.0; internal before), so that Citus
-- runs the aggregates as worker partials and a coordinator combine: during
-- aggregation an expanded object modified in place, flat (a parallel
-- worker's, Citus's, ::text) the counts and the sums in numeric's binary
-- form, with flags saying which sums it keeps.  Text form: hex.

CREATE TYPE vqc.regression_numeric_state;

CREATE FUNCTION vqc.regression_numeric_state_in(cstring)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_state_out(vqc.regression_numeric_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_state_recv(internal)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_state_send(vqc.regression_numeric_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.regression_numeric_state (
    INPUT = vqc.regression_numeric_state_in,
    OUTPUT = vqc.regression_numeric_state_out,
    RECEIVE = vqc.regression_numeric_state_recv,
    SEND = vqc.regression_numeric_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE vqc.regression_numeric_state IS
    'Exact numeric sums of the numeric regression aggregates (mean_absolute_error(numeric, numeric) and kin); mergeable partial state.';

-- not strict: a pair with a NULL is counted.  Each keeps the sums of its
-- aggregates: |e| (MAE, max error), e * e (MSE, RMSE), the ratios (MAPE),
-- e * e, y and y * y (R^2); a state keeping other sums is refused (42804).
CREATE FUNCTION vqc.regression_numeric_abs_transfn(vqc.regression_numeric_state, numeric, numeric)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_abs_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_sq_transfn(vqc.regression_numeric_state, numeric, numeric)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_sq_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_ape_transfn(vqc.regression_numeric_state, numeric, numeric)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_ape_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_r2_transfn(vqc.regression_numeric_state, numeric, numeric)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_r2_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: either state may be NULL; states of different metrics do not merge
CREATE FUNCTION vqc.regression_numeric_combinefn(vqc.regression_numeric_state, vqc.regression_numeric_state)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- the metrics of a state (22023 when it keeps other sums)
CREATE FUNCTION vqc.regression_numeric_mae(vqc.regression_numeric_state) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mae_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_mse(vqc.regression_numeric_state) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mse_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_rmse(vqc.regression_numeric_state) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_rmse_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_mape(vqc.regression_numeric_state) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mape_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_r2(vqc.regression_numeric_state) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_r2_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_max_error(vqc.regression_numeric_state) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_max_error_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.mean_absolute_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_abs_transfn, STYPE = vqc.regression_numeric_state, FINALFUNC = vqc.regression_numeric_mae,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_squared_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_sq_transfn, STYPE = vqc.regression_numeric_state, FINALFUNC = vqc.regression_numeric_mse,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.root_mean_squared_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_sq_transfn, STYPE = vqc.regression_numeric_state, FINALFUNC = vqc.regression_numeric_rmse,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_absolute_percentage_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_ape_transfn, STYPE = vqc.regression_numeric_state, FINALFUNC = vqc.regression_numeric_mape,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.r2_score(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_r2_transfn, STYPE = vqc.regression_numeric_state, FINALFUNC = vqc.regression_numeric_r2,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.max_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_abs_transfn, STYPE = vqc.regression_numeric_state, FINALFUNC = vqc.regression_numeric_max_error,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.mean_absolute_error(numeric, numeric) IS
    'Mean absolute error over numeric columns, exact: sum |y_true - y_pred| / n in numeric.';
