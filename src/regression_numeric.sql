-- ---------------------------------------------------------------------
-- regression_numeric.sql: scikit-learn's regression metrics over numeric
-- (y_true, y_pred) in exact decimal arithmetic (src/regression_numeric.c)
-- ---------------------------------------------------------------------
-- Overloads of the six float8 aggregates: numeric columns now resolve to
-- these and get a numeric result, each metric one numeric division of exact
-- sums (the same as avg(abs(y_true - y_pred)) and its kin written in SQL).
-- Integer columns still resolve to the float8 aggregates.  A pair with a
-- NULL is skipped; NaN or infinite values: 22023; no pairs: NULL.

-- not strict: a pair with a NULL is counted.  Each keeps the sums of its
-- aggregates: |e| (MAE, max error), e * e (MSE, RMSE), the ratios (MAPE),
-- e * e, y and y * y (R^2).
CREATE FUNCTION vqc.regression_numeric_abs_transfn(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_abs_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_sq_transfn(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_sq_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_ape_transfn(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_ape_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_r2_transfn(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_r2_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: the first state (or serialized state) is read into a new one in the aggregate's context
CREATE FUNCTION vqc.regression_numeric_combinefn(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_mae(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mae' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_mse(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mse' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_rmse(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_rmse' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_mape(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mape' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_r2(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_r2' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_max_error(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_max_error' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.mean_absolute_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_abs_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_mae,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_squared_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_sq_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_mse,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.root_mean_squared_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_sq_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_rmse,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_absolute_percentage_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_ape_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_mape,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.r2_score(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_r2_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_r2,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.max_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_abs_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_max_error,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.mean_absolute_error(numeric, numeric) IS
    'Mean absolute error over numeric columns, exact: sum |y_true - y_pred| / n in numeric.';
