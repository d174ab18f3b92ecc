-- ------------------------------------------------------------------------
-- Issue #15 (branch state-types): the all-queries ranking aggregates and
-- the numeric regression aggregates get real state types
-- (vqc.ranking_all_state, vqc.regression_numeric_state) instead of
-- internal, so that Citus pushes them down.  An aggregate's STYPE cannot be
-- altered: they are dropped with their internal-state support functions
-- (nothing in the catalog depends on them; generated SQL calls them by
-- name) and created again with the same names and arguments.  The C
-- symbols of the internal forms stay in vqc.so for the released scripts.
-- ------------------------------------------------------------------------
DROP AGGREGATE vqc.ndcg_at_k_all(anyelement, float8, float8, int4);
DROP AGGREGATE vqc.ranking_metrics_all(anyelement, float8, float8, int4);
DROP AGGREGATE vqc._ranking_metrics_all_soft(anyelement, float8, float8, int4);
DROP FUNCTION vqc.ranking_all_transfn(internal, anyelement, float8, float8, int4);
DROP FUNCTION vqc._ranking_all_soft_transfn(internal, anyelement, float8, float8, int4);
DROP FUNCTION vqc.ranking_all_combinefn(internal, internal);
DROP FUNCTION vqc.ranking_all_serialize(internal);
DROP FUNCTION vqc.ranking_all_deserialize(bytea, internal);
DROP FUNCTION vqc.ranking_all_ndcg(internal);
DROP FUNCTION vqc.ranking_all_report(internal);

DROP AGGREGATE vqc.mean_absolute_error(numeric, numeric);
DROP AGGREGATE vqc.mean_squared_error(numeric, numeric);
DROP AGGREGATE vqc.root_mean_squared_error(numeric, numeric);
DROP AGGREGATE vqc.mean_absolute_percentage_error(numeric, numeric);
DROP AGGREGATE vqc.r2_score(numeric, numeric);
DROP AGGREGATE vqc.max_error(numeric, numeric);
DROP FUNCTION vqc.regression_numeric_abs_transfn(internal, numeric, numeric);
DROP FUNCTION vqc.regression_numeric_sq_transfn(internal, numeric, numeric);
DROP FUNCTION vqc.regression_numeric_ape_transfn(internal, numeric, numeric);
DROP FUNCTION vqc.regression_numeric_r2_transfn(internal, numeric, numeric);
DROP FUNCTION vqc.regression_numeric_combinefn(internal, internal);
DROP FUNCTION vqc.regression_numeric_serialize(internal);
DROP FUNCTION vqc.regression_numeric_deserialize(bytea, internal);
DROP FUNCTION vqc.regression_numeric_mae(internal);
DROP FUNCTION vqc.regression_numeric_mse(internal);
DROP FUNCTION vqc.regression_numeric_rmse(internal);
DROP FUNCTION vqc.regression_numeric_mape(internal);
DROP FUNCTION vqc.regression_numeric_r2(internal);
DROP FUNCTION vqc.regression_numeric_max_error(internal);

-- src/regression_numeric.sql as built
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

-- src/ranking_all.sql as built
-- ---------------------------------------------------------------------
-- ranking_all.sql: ranking metrics at k averaged over every query of a
-- table in one aggregate, without GROUP BY (src/ranking_all.c)
-- ---------------------------------------------------------------------
-- SELECT vqc.ndcg_at_k_all(query_id, rel, score, 10) FROM results;
-- Each query's rows are kept in a hash table keyed by the query value until
-- the end (about 16 bytes a row), within vqc.exact_memory_limit (54000 past
-- it).  Same metrics, ties and NULL rules as the per-query aggregates; a row
-- with a NULL query is skipped and counted with the NULL rows.
--
-- The state is a type of its own (0.6.0; internal before), so that Citus
-- runs the aggregates as worker partials and a coordinator combine.  During
-- aggregation it is an expanded object modified in place; its flat form
-- (a parallel worker's, Citus's, ::text) holds the query type and collation
-- by OID and the pairs in native byte order: it reads back on a server of
-- the same architecture with the same query type.  Text form: hex.

CREATE TYPE vqc.ranking_all_state;

CREATE FUNCTION vqc.ranking_all_state_in(cstring)
RETURNS vqc.ranking_all_state
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_state_out(vqc.ranking_all_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_state_recv(internal)
RETURNS vqc.ranking_all_state
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_state_send(vqc.ranking_all_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.ranking_all_state (
    INPUT = vqc.ranking_all_state_in,
    OUTPUT = vqc.ranking_all_state_out,
    RECEIVE = vqc.ranking_all_state_recv,
    SEND = vqc.ranking_all_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE vqc.ranking_all_state IS
    'The rows of every query of vqc.ndcg_at_k_all and vqc.ranking_metrics_all (mergeable partial state; same-architecture servers).';

-- not strict: rows with NULLs are left out or counted, k must not be NULL
CREATE FUNCTION vqc.ranking_all_transfn(vqc.ranking_all_state, anyelement, float8, float8, int4)
RETURNS vqc.ranking_all_state
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: either state may be NULL
CREATE FUNCTION vqc.ranking_all_combinefn(vqc.ranking_all_state, vqc.ranking_all_state)
RETURNS vqc.ranking_all_state
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_ndcg(vqc.ranking_all_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_ndcg'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_report(vqc.ranking_all_state)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_report'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.ndcg_at_k_all(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_all_transfn,
    STYPE = vqc.ranking_all_state,
    FINALFUNC = vqc.ranking_all_ndcg,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ndcg_at_k_all(anyelement, float8, float8, int4) IS
    'NDCG@k (scikit-learn 1.2''s ndcg_score, ties averaged) of each query, averaged over the queries, in one aggregate without GROUP BY.';

CREATE AGGREGATE vqc.ranking_metrics_all(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_all_transfn,
    STYPE = vqc.ranking_all_state,
    FINALFUNC = vqc.ranking_all_report,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ranking_metrics_all(anyelement, float8, float8, int4) IS
    'NDCG, MAP, MRR, precision, recall and hit rate at k averaged over the queries, with counts, in one aggregate without GROUP BY (jsonb).';

-- The form a suite's scan uses (expect_ranking_metric_to_be_between): past
-- vqc.exact_memory_limit it stops keeping rows and ends in {"k": k,
-- "overflow": true} instead of raising, so the scan's other checks go on and
-- the runner reads the metric in a pass of its own (vqc.ranking_report).
CREATE FUNCTION vqc._ranking_all_soft_transfn(vqc.ranking_all_state, anyelement, float8, float8, int4)
RETURNS vqc.ranking_all_state
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_soft_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc._ranking_metrics_all_soft(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc._ranking_all_soft_transfn,
    STYPE = vqc.ranking_all_state,
    FINALFUNC = vqc.ranking_all_report,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    PARALLEL = SAFE
);

-- The three aggregates also for query columns of these types, with
-- transition functions of those types: Citus runs a custom aggregate on its
-- workers only when it is declared for the argument's exact type, and calls
-- the transition function with no call expression (src/arg_type.c reads
-- the type from the declaration then).  On one node the parser picks the
-- exact type's form; the answers are the anyelement form's.  Other query
-- types keep the anyelement forms, which run on one node only (on Citus,
-- cast the query column).
DO $typed_ranking_all$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision', 'boolean',
                             'date', 'timestamp', 'timestamptz', 'text', 'varchar', 'char', 'uuid'] LOOP
        EXECUTE format($sql$
            CREATE FUNCTION vqc.ranking_all_transfn(vqc.ranking_all_state, %1$s, float8, float8, int4)
            RETURNS vqc.ranking_all_state
            AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
            CREATE FUNCTION vqc._ranking_all_soft_transfn(vqc.ranking_all_state, %1$s, float8, float8, int4)
            RETURNS vqc.ranking_all_state
            AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_soft_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
            CREATE AGGREGATE vqc.ndcg_at_k_all(query %1$s, y_true float8, y_score float8, k int4) (
                SFUNC = vqc.ranking_all_transfn, STYPE = vqc.ranking_all_state, FINALFUNC = vqc.ranking_all_ndcg,
                FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.ranking_all_combinefn, PARALLEL = SAFE);
            CREATE AGGREGATE vqc.ranking_metrics_all(query %1$s, y_true float8, y_score float8, k int4) (
                SFUNC = vqc.ranking_all_transfn, STYPE = vqc.ranking_all_state, FINALFUNC = vqc.ranking_all_report,
                FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.ranking_all_combinefn, PARALLEL = SAFE);
            CREATE AGGREGATE vqc._ranking_metrics_all_soft(query %1$s, y_true float8, y_score float8, k int4) (
                SFUNC = vqc._ranking_all_soft_transfn, STYPE = vqc.ranking_all_state, FINALFUNC = vqc.ranking_all_report,
                FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.ranking_all_combinefn, PARALLEL = SAFE);
            $sql$, t);
    END LOOP;
END
$typed_ranking_all$;

-- Whether the one-aggregate forms run on target's rows where they live: on
-- one node always; on a Citus distributed table only for a query type (or
-- a domain over one) with a form of its own above, which Citus pushes down.
CREATE FUNCTION vqc._ranking_all_fits(target regclass, query_type regtype)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT NOT vqc._citus_distributed(target)
        OR EXISTS (SELECT 1
                     FROM pg_catalog.pg_proc p
                     JOIN pg_catalog.pg_type t
                       ON t.oid OPERATOR(pg_catalog.=) query_type
                    WHERE p.pronamespace OPERATOR(pg_catalog.=) 'vqc'::pg_catalog.regnamespace
                      AND p.proname OPERATOR(pg_catalog.=) '_ranking_metrics_all_soft'
                      AND p.proargtypes[0] OPERATOR(pg_catalog.=)
                          CASE WHEN t.typtype OPERATOR(pg_catalog.=) 'd' THEN t.typbasetype ELSE t.oid END)
$$;

-- the one-aggregate form on Citus too, for query types with typed aggregates
SET check_function_bodies = false;
CREATE OR REPLACE FUNCTION vqc.ranking_report(target regclass, query_column text, relevance_column text,
                                   score_column text, k integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    result  jsonb;
    -- on Citus, a query type without a typed aggregate is grouped
    grouped boolean := NOT vqc._ranking_all_fits(target,
                           (SELECT a.atttypid FROM pg_catalog.pg_attribute a
                             WHERE a.attrelid OPERATOR(pg_catalog.=) target
                               AND a.attname OPERATOR(pg_catalog.=) query_column
                               AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped));
BEGIN
    IF target IS NULL OR query_column IS NULL OR relevance_column IS NULL OR score_column IS NULL OR k IS NULL THEN
        RAISE EXCEPTION 'vqc.ranking_report arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF k <= 0 THEN
        RAISE EXCEPTION 'k must be between 1 and 1000000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT grouped THEN
        BEGIN
            EXECUTE format($q$
                SELECT vqc.ranking_metrics_all(%4$I, (%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1)
                  FROM %1$s$q$,
                target, relevance_column, score_column, query_column)
            INTO result USING k;
        EXCEPTION WHEN program_limit_exceeded OR undefined_function THEN
            grouped := true;
        END;
    END IF;
    IF grouped THEN
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
    END IF;
    -- no row at all: the aggregate's NULL
    RETURN coalesce(result, pg_catalog.jsonb_build_object(
        'k', k, 'queries', 0, 'queries_without_relevant', 0, 'rows', 0, 'null_rows', 0,
        'ndcg', NULL, 'map', NULL, 'mrr', NULL, 'precision', NULL, 'recall', NULL, 'hit_rate', NULL));
END
$$;

CREATE OR REPLACE FUNCTION vqc._plan_model_metric_long(target regclass, plan jsonb, pidx integer, metric text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype  text := plan ->> 'type';
    kwargs jsonb := plan -> 'kwargs';
    lo     jsonb;
    hi     jsonb;
    c      record;
    cols   name[] := '{}';
    types  regtype[] := '{}';
    k      text;
    item   text;
BEGIN
    SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
    PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
    FOREACH k IN ARRAY CASE WHEN etype = 'expect_ranking_metric_to_be_between' THEN ARRAY['query', 'relevance', 'score']
                            WHEN metric IN ('krippendorff_alpha', 'cohen_kappa') THEN ARRAY['item', 'annotator', 'label']
                            ELSE ARRAY['item', 'label'] END LOOP
        SELECT * INTO c FROM vqc._column(target, vqc._kw_text(etype, kwargs, k));
        cols := cols || c.attname;
        types := types || c.type_sql::regtype;
    END LOOP;
    IF etype = 'expect_ranking_metric_to_be_between' THEN
        IF metric NOT IN ('ndcg', 'map', 'mrr', 'precision', 'recall', 'hit_rate') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        IF vqc._kw_int(etype, kwargs, 'k') NOT BETWEEN 1 AND 1000000 THEN
            PERFORM vqc._bad_kwarg(etype, 'k must be between 1 and 1000000');
        END IF;
        -- an aggregate of the scan over all queries (vqc._ranking_metrics_all_soft,
        -- which says when the queries outgrow vqc.exact_memory_limit); a query
        -- type without hashing, or that overflow: a pass of its own at evaluation
        -- (on Citus, a query type without a typed aggregate: the pass)
        IF vqc._default_opclass(types[1], 'hash') IS NOT NULL AND vqc._ranking_all_fits(target, types[1]) THEN
            item := format('vqc._ranking_metrics_all_soft(%I, (%I)::pg_catalog.float8, (%I)::pg_catalog.float8, %s)',
                           cols[1], cols[2], cols[3], (kwargs ->> 'k')::int);
        END IF;
        RETURN vqc._model_value_plan(etype, kwargs, metric, NULL, NULL, lo, hi) - 'value_item'
               || jsonb_build_object('items', CASE WHEN item IS NULL THEN '{}'::jsonb
                                                   ELSE jsonb_build_object(format('rk%s', pidx), item) END,
                                     'ranking_item', CASE WHEN item IS NOT NULL THEN format('rk%s', pidx) END,
                                     'ranking_columns', to_jsonb(cols), 'k', (kwargs ->> 'k')::int,
                                     'explain_note', CASE WHEN item IS NULL
                                         THEN 'the metric takes a pass grouped by query (the query column''s type has no hashing, or no typed aggregate for Citus)'
                                         ELSE 'if the queries outgrow vqc.exact_memory_limit, the metric takes a pass of its own' END);
    END IF;
    item := CASE metric
        WHEN 'percent_agreement' THEN format('vqc.percent_agreement(%I, %I)', cols[1], cols[2])
        WHEN 'fleiss_kappa' THEN format('vqc.fleiss_kappa(%I, %I)', cols[1], cols[2])
        WHEN 'krippendorff_alpha' THEN format('vqc.krippendorff_alpha(%I, %I, %I, %L)', cols[1], cols[2], cols[3],
                                              coalesce(vqc._kw_text(etype, kwargs, 'level'), 'nominal'))
        WHEN 'cohen_kappa' THEN format('vqc.cohen_kappa(%I, %I, %I%s)', cols[1], cols[2], cols[3],
                                       coalesce(format(', %L', vqc._kw_text(etype, kwargs, 'weights')), ''))
    END;
    IF item IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
    END IF;
    IF kwargs ? 'level' AND kwargs ->> 'level' NOT IN ('nominal', 'ordinal', 'interval') THEN
        PERFORM vqc._bad_kwarg(etype, 'level is nominal, ordinal or interval');
    END IF;
    RETURN vqc._model_value_plan(etype, kwargs, metric, format('ag%s', pidx), item, lo, hi);
END
$$;
RESET check_function_bodies;
