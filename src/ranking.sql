
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
-- statement, read as the caller.  Rows with a NULL query are skipped and
-- counted in null_rows;
-- "queries" counts those with at least one row taken.  One aggregate over
-- the table (vqc.ranking_metrics_all, src/ranking_all.sql); past
-- vqc.exact_memory_limit, or for a query type without a hash function, the
-- per-query aggregates over GROUP BY, which spill to disk.
CREATE FUNCTION vqc.ranking_report(target regclass, query_column text, relevance_column text,
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
COMMENT ON FUNCTION vqc.ranking_report(regclass, text, text, text, integer) IS
    'NDCG, MAP, MRR, precision, recall and hit rate at k, each averaged over the queries of the table (read as the caller).';
