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
