-- ------------------------------------------------------------------------
-- Ranking over all queries in one aggregate, without GROUP BY (issue #12,
-- src/ranking_all.sql): vqc.ndcg_at_k_all and vqc.ranking_metrics_all with
-- their internal state's functions; vqc.ranking_report uses them and falls
-- back to the per-query aggregates over GROUP BY past vqc.exact_memory_limit.
-- ------------------------------------------------------------------------
-- not strict: rows with NULLs are left out or counted, k must not be NULL
CREATE FUNCTION vqc.ranking_all_transfn(internal, anyelement, float8, float8, int4)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: the first state (or serialized state) is read into a new one in the aggregate's context
CREATE FUNCTION vqc.ranking_all_combinefn(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_ranking_all_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_ndcg(internal)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_all_ndcg'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_report(internal)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_ranking_all_report'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.ndcg_at_k_all(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_all_transfn,
    STYPE = internal,
    FINALFUNC = vqc.ranking_all_ndcg,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    SERIALFUNC = vqc.ranking_all_serialize,
    DESERIALFUNC = vqc.ranking_all_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ndcg_at_k_all(anyelement, float8, float8, int4) IS
    'NDCG@k (scikit-learn 1.2''s ndcg_score, ties averaged) of each query, averaged over the queries, in one aggregate without GROUP BY.';

CREATE AGGREGATE vqc.ranking_metrics_all(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_all_transfn,
    STYPE = internal,
    FINALFUNC = vqc.ranking_all_report,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    SERIALFUNC = vqc.ranking_all_serialize,
    DESERIALFUNC = vqc.ranking_all_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ranking_metrics_all(anyelement, float8, float8, int4) IS
    'NDCG, MAP, MRR, precision, recall and hit rate at k averaged over the queries, with counts, in one aggregate without GROUP BY (jsonb).';

SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc.ranking_report(target regclass, query_column text, relevance_column text,
                                   score_column text, k integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    result jsonb;
BEGIN
    IF target IS NULL OR query_column IS NULL OR relevance_column IS NULL OR score_column IS NULL OR k IS NULL THEN
        RAISE EXCEPTION 'vqc.ranking_report arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF k <= 0 THEN
        RAISE EXCEPTION 'k must be between 1 and 1000000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    BEGIN
        EXECUTE format($q$
            SELECT vqc.ranking_metrics_all(%4$I, (%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1)
              FROM %1$s$q$,
            target, relevance_column, score_column, query_column)
        INTO result USING k;
    EXCEPTION WHEN program_limit_exceeded OR undefined_function THEN
        EXECUTE format($q$
            SELECT pg_catalog.jsonb_build_object(
                       'k', $1,
                       'queries', pg_catalog.count(*) FILTER (WHERE NOT no_query AND m[7] OPERATOR(pg_catalog.>) 0),
                       'queries_without_relevant',
                       pg_catalog.count(*) FILTER (WHERE NOT no_query AND m[7] OPERATOR(pg_catalog.>) 0
                                                         AND m[9] OPERATOR(pg_catalog.=) 0),
                       'rows', coalesce(pg_catalog.sum(m[7]) FILTER (WHERE NOT no_query), 0)::pg_catalog.int8,
                       -- the rows of no query (a NULL one) are skipped and counted, as by the aggregate
                       'null_rows', (coalesce(pg_catalog.sum(m[8]), 0)
                                     OPERATOR(pg_catalog.+) coalesce(pg_catalog.sum(m[7]) FILTER (WHERE no_query), 0))::pg_catalog.int8,
                       'ndcg', pg_catalog.avg(m[1]) FILTER (WHERE NOT no_query),
                       'map', pg_catalog.avg(m[2]) FILTER (WHERE NOT no_query),
                       'mrr', pg_catalog.avg(m[3]) FILTER (WHERE NOT no_query),
                       'precision', pg_catalog.avg(m[4]) FILTER (WHERE NOT no_query),
                       'recall', pg_catalog.avg(m[5]) FILTER (WHERE NOT no_query),
                       'hit_rate', pg_catalog.avg(m[6]) FILTER (WHERE NOT no_query))
              FROM (SELECT %4$I IS NULL AS no_query,
                           vqc._ranking_metrics((%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1) AS m
                      FROM %1$s
                     GROUP BY %4$I) q$q$,
            target, relevance_column, score_column, query_column)
        INTO result USING k;
    END;
    -- no row at all: the aggregate's NULL
    RETURN coalesce(result, pg_catalog.jsonb_build_object(
        'k', k, 'queries', 0, 'queries_without_relevant', 0, 'rows', 0, 'null_rows', 0,
        'ndcg', NULL, 'map', NULL, 'mrr', NULL, 'precision', NULL, 'recall', NULL, 'hit_rate', NULL));
END
$$;

RESET check_function_bodies;

-- ------------------------------------------------------------------------
-- Regression metrics over numeric columns in exact decimal arithmetic
-- (issue #12, src/regression_numeric.sql): numeric overloads of the six
-- aggregates and their internal state's functions.
-- ------------------------------------------------------------------------
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
