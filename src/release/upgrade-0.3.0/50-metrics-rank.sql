-- ------------------------------------------------------------------------
-- metrics-rank: regression, ranking and agreement metrics (issue #12).
-- New objects only: src/regression_metrics.sql, src/ranking.sql and
-- src/agreement.sql as they stand, in that order.
-- ------------------------------------------------------------------------

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

-- ---------------------------------------------------------------------
-- ranking.sql: vqc.ranking_state and ranking metrics at k over one
-- query's rows (y_true relevance, y_score)
-- ---------------------------------------------------------------------
-- Per query: vqc.ndcg_score(rel, score, 10) ... GROUP BY query_id; averaged
-- over queries with avg(), or vqc.ranking_report() in one statement.  Tied
-- scores are averaged over their orders (scikit-learn's ndcg_score); a row
-- with a NULL relevance or score is skipped and counted.

CREATE TYPE vqc.ranking_state;

CREATE FUNCTION vqc.ranking_state_in(cstring)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_state_out(vqc.ranking_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_ranking_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_state_recv(internal)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_state_send(vqc.ranking_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_ranking_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.ranking_state (
    INPUT = vqc.ranking_state_in,
    OUTPUT = vqc.ranking_state_out,
    RECEIVE = vqc.ranking_state_recv,
    SEND = vqc.ranking_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- not strict: a row with a NULL is counted, and k must not be NULL
CREATE FUNCTION vqc.ranking_transfn(vqc.ranking_state, float8, float8, int4)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_combinefn(vqc.ranking_state, vqc.ranking_state)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the aggregate's result in its compacted form, without spare room
CREATE FUNCTION vqc.ranking_finalfn(vqc.ranking_state)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- INITCOND is the empty state (k set by the first row)
CREATE AGGREGATE vqc.ranking_agg(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn,
    STYPE = vqc.ranking_state,
    FINALFUNC = vqc.ranking_finalfn,
    COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ranking_agg(float8, float8, int4) IS
    'One query''s rows as the ranking metrics at k need them (exact, O(k) memory, mergeable).';

CREATE AGGREGATE vqc.merge_agg(vqc.ranking_state) (
    SFUNC = vqc.ranking_combinefn,
    STYPE = vqc.ranking_state,
    FINALFUNC = vqc.ranking_finalfn,
    COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.ndcg_score(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_ndcg'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.ndcg_score(vqc.ranking_state) IS
    'NDCG@k as scikit-learn 1.2''s ndcg_score (linear gain, tied scores averaged); 0 when no item is relevant.';

CREATE FUNCTION vqc.average_precision_at_k(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_ap'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.average_precision_at_k(vqc.ranking_state) IS
    'AP@k: sum of precision@i at the relevant positions i <= k, over min(k, relevant items); 0 when none is relevant.';

CREATE FUNCTION vqc.reciprocal_rank(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_rr'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.reciprocal_rank(vqc.ranking_state) IS
    '1 / rank of the first relevant item within the top k, else 0.';

CREATE FUNCTION vqc.precision_at_k(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_precision'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.precision_at_k(vqc.ranking_state) IS
    'Relevant items in the top k, over k.';

CREATE FUNCTION vqc.recall_at_k(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_recall'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.recall_at_k(vqc.ranking_state) IS
    'Relevant items in the top k, over all relevant items (0 when none).';

CREATE FUNCTION vqc.hit_rate(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_hit'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.hit_rate(vqc.ranking_state) IS
    '1 when the top k hold a relevant item, else 0 (with ties at the cut: its probability).';

CREATE FUNCTION vqc.ranking_k(state vqc.ranking_state)
RETURNS int4
AS 'MODULE_PATHNAME', 'vqc_ranking_k'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_count(state vqc.ranking_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_ranking_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_null_count(state vqc.ranking_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_ranking_null_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_to_jsonb(state vqc.ranking_state)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_ranking_to_jsonb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- scikit-learn's argument order, y_true first: the state with the metric
-- as FINALFUNC, over one query's rows
CREATE AGGREGATE vqc.ndcg_score(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.ndcg_score, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.average_precision_at_k(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.average_precision_at_k, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.reciprocal_rank(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.reciprocal_rank, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.precision_at_k(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.precision_at_k, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.recall_at_k(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.recall_at_k, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.hit_rate(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.hit_rate, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

-- {ndcg, ap, rr, precision, recall, hit, items, skipped rows, relevant
-- items} of a state from one compaction (vqc.ranking_report's per query;
-- the six metrics NULL for a state of no items)
CREATE FUNCTION vqc._ranking_metrics(state vqc.ranking_state)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'vqc_ranking_metrics'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the same over a query's rows, without the state's compacted copy
CREATE AGGREGATE vqc._ranking_metrics(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc._ranking_metrics, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

-- Every ranking metric at k averaged over the queries of a table, in one
-- statement, read as the caller.  Rows with a NULL query are left out;
-- "queries" counts those with at least one row taken.
CREATE FUNCTION vqc.ranking_report(target regclass, query_column text, relevance_column text,
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
    EXECUTE format($q$
        SELECT pg_catalog.jsonb_build_object(
                   'k', $1,
                   'queries', pg_catalog.count(*) FILTER (WHERE m[7] OPERATOR(pg_catalog.>) 0),
                   'queries_without_relevant',
                   pg_catalog.count(*) FILTER (WHERE m[7] OPERATOR(pg_catalog.>) 0 AND m[9] OPERATOR(pg_catalog.=) 0),
                   'rows', coalesce(pg_catalog.sum(m[7]), 0)::pg_catalog.int8,
                   'null_rows', coalesce(pg_catalog.sum(m[8]), 0)::pg_catalog.int8,
                   'ndcg', pg_catalog.avg(m[1]),
                   'map', pg_catalog.avg(m[2]),
                   'mrr', pg_catalog.avg(m[3]),
                   'precision', pg_catalog.avg(m[4]),
                   'recall', pg_catalog.avg(m[5]),
                   'hit_rate', pg_catalog.avg(m[6]))
          FROM (SELECT vqc._ranking_metrics((%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1) AS m
                  FROM %1$s
                 WHERE %4$I IS NOT NULL
                 GROUP BY %4$I) q$q$,
        target, relevance_column, score_column, query_column)
    INTO result USING k;
    RETURN result;
END
$$;
COMMENT ON FUNCTION vqc.ranking_report(regclass, text, text, text, integer) IS
    'NDCG, MAP, MRR, precision, recall and hit rate at k, each averaged over the queries of the table (read as the caller).';

-- ---------------------------------------------------------------------
-- agreement.sql: vqc.agreement_state and annotator agreement over
-- long-format ratings (item, annotator, label)
-- ---------------------------------------------------------------------
-- Items, annotators and labels of any type, compared by their text form
-- (ordinal and interval labels read as numbers).  A rating with a NULL is
-- skipped and counted (missing ratings are allowed where the measure
-- allows them).  The state keeps every rating: exact and mergeable.

CREATE TYPE vqc.agreement_state;

CREATE FUNCTION vqc.agreement_state_in(cstring)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_state_out(vqc.agreement_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_agreement_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_state_recv(internal)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_state_send(vqc.agreement_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_agreement_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.agreement_state (
    INPUT = vqc.agreement_state_in,
    OUTPUT = vqc.agreement_state_out,
    RECEIVE = vqc.agreement_state_recv,
    SEND = vqc.agreement_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- Not strict: a rating with a NULL is counted.  STABLE: the text form of
-- a value may depend on settings (DateStyle, extra_float_digits).
CREATE FUNCTION vqc.agreement_transfn(vqc.agreement_state, "any", "any", "any")
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_items_transfn(vqc.agreement_state, "any", "any")
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_items_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_alpha_transfn(vqc.agreement_state, "any", "any", "any", text)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_alpha_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_cohen_transfn(vqc.agreement_state, "any", "any", "any", text)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_cohen_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_combinefn(vqc.agreement_state, vqc.agreement_state)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the aggregate's result without spare room
CREATE FUNCTION vqc.agreement_finalfn(vqc.agreement_state)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE vqc.agreement_agg(item "any", annotator "any", label "any") (
    SFUNC = vqc.agreement_transfn,
    STYPE = vqc.agreement_state,
    FINALFUNC = vqc.agreement_finalfn,
    COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.agreement_agg("any", "any", "any") IS
    'Long-format ratings for percent agreement, Fleiss'' kappa, Krippendorff''s alpha and Cohen''s kappa (exact, mergeable).';

CREATE AGGREGATE vqc.merge_agg(vqc.agreement_state) (
    SFUNC = vqc.agreement_combinefn,
    STYPE = vqc.agreement_state,
    FINALFUNC = vqc.agreement_finalfn,
    COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000',
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.percent_agreement(state vqc.agreement_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_percent'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.percent_agreement(vqc.agreement_state) IS
    'Mean over items of two or more ratings of the share of rating pairs that agree.';

CREATE FUNCTION vqc.fleiss_kappa(state vqc.agreement_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_fleiss'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.fleiss_kappa(vqc.agreement_state) IS
    'Fleiss'' kappa as statsmodels 0.13; every item must have the same number (>= 2) of ratings (22023 otherwise).';

CREATE FUNCTION vqc.krippendorff_alpha(state vqc.agreement_state, level text)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_alpha'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.krippendorff_alpha(vqc.agreement_state, text) IS
    'Krippendorff''s alpha at level nominal, ordinal or interval (NLTK 3.8; ordinal: the textbook metric); missing ratings allowed.';

CREATE FUNCTION vqc.krippendorff_alpha(state vqc.agreement_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_alpha_bound'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.krippendorff_alpha(vqc.agreement_state) IS
    'Krippendorff''s alpha at the level the state was taken with (vqc.krippendorff_alpha''s aggregate).';

CREATE FUNCTION vqc.cohen_kappa(state vqc.agreement_state, weights text)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_cohen'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION vqc.cohen_kappa(vqc.agreement_state, text) IS
    'Cohen''s kappa of exactly two annotators over the items both rated (weights NULL, linear or quadratic), as scikit-learn''s cohen_kappa_score.';

CREATE FUNCTION vqc.cohen_kappa(state vqc.agreement_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_cohen_bound'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_count(state vqc.agreement_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_agreement_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_null_count(state vqc.agreement_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_agreement_null_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the measures as aggregates over the ratings
CREATE AGGREGATE vqc.percent_agreement(item "any", label "any") (
    SFUNC = vqc.agreement_items_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.percent_agreement, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
CREATE AGGREGATE vqc.fleiss_kappa(item "any", label "any") (
    SFUNC = vqc.agreement_items_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.fleiss_kappa, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
CREATE AGGREGATE vqc.krippendorff_alpha(item "any", annotator "any", label "any", level text) (
    SFUNC = vqc.agreement_alpha_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.krippendorff_alpha, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
CREATE AGGREGATE vqc.cohen_kappa(item "any", annotator "any", label "any") (
    SFUNC = vqc.agreement_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.cohen_kappa, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
CREATE AGGREGATE vqc.cohen_kappa(item "any", annotator "any", label "any", weights text) (
    SFUNC = vqc.agreement_cohen_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.cohen_kappa, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
