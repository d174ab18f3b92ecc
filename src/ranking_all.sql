-- ---------------------------------------------------------------------
-- ranking_all.sql: ranking metrics at k averaged over every query of a
-- table in one aggregate, without GROUP BY (src/ranking_all.c)
-- ---------------------------------------------------------------------
-- SELECT vqc.ndcg_at_k_all(query_id, rel, score, 10) FROM results;
-- Each query's rows are kept in a hash table keyed by the query value until
-- the end (about 16 bytes a row), within vqc.exact_memory_limit (54000 past
-- it).  Same metrics, ties and NULL rules as the per-query aggregates; a row
-- with a NULL query is skipped and counted with the NULL rows.

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

-- The form a suite's scan uses (expect_ranking_metric_to_be_between): past
-- vqc.exact_memory_limit it stops keeping rows and ends in {"k": k,
-- "overflow": true} instead of raising, so the scan's other checks go on and
-- the runner reads the metric in a pass of its own (vqc.ranking_report).
CREATE FUNCTION vqc._ranking_all_soft_transfn(internal, anyelement, float8, float8, int4)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_soft_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc._ranking_metrics_all_soft(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc._ranking_all_soft_transfn,
    STYPE = internal,
    FINALFUNC = vqc.ranking_all_report,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    SERIALFUNC = vqc.ranking_all_serialize,
    DESERIALFUNC = vqc.ranking_all_deserialize,
    PARALLEL = SAFE
);
