-- The state types of 0.6.0 (src/state_box.c) against 0.5.0's internal
-- states, side by side in one session: vqc.ndcg_at_k_all and
-- vqc.ranking_metrics_all (state vqc.ranking_all_state, an expanded object
-- during aggregation) against the same aggregates declared here over the
-- 0.5.0 C symbols that vqc.so keeps (internal state, serialize /
-- deserialize for parallel plans), over :rows results (10 per query),
-- parallel (the planner's plan) and serial, three rounds of three runs.
-- Target: within 5 % (issue #15).  Run by test/bench/run.sh --only state_box
-- [--rows N]; builds its own table.
\set ON_ERROR_STOP on
\if :{?rows}
\else
\set rows 1000000
\endif
SET client_min_messages = warning;
SET vqc.exact_memory_limit = '1GB';
\o /dev/null
\i test/bench/bench_timer.sql
TRUNCATE bench.timing;
DROP SCHEMA IF EXISTS internal_state CASCADE;
CREATE SCHEMA internal_state;
CREATE FUNCTION internal_state.transfn(internal, anyelement, float8, float8, int4) RETURNS internal
AS 'vqc', 'vqc_ranking_all_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION internal_state.combinefn(internal, internal) RETURNS internal
AS 'vqc', 'vqc_ranking_all_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION internal_state.serialize(internal) RETURNS bytea
AS 'vqc', 'vqc_ranking_all_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION internal_state.deserialize(bytea, internal) RETURNS internal
AS 'vqc', 'vqc_ranking_all_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION internal_state.ndcg(internal) RETURNS float8
AS 'vqc', 'vqc_ranking_all_ndcg' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION internal_state.report(internal) RETURNS jsonb
AS 'vqc', 'vqc_ranking_all_report' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE internal_state.ndcg_at_k_all(anyelement, float8, float8, int4) (
    SFUNC = internal_state.transfn, STYPE = internal, FINALFUNC = internal_state.ndcg, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = internal_state.combinefn, SERIALFUNC = internal_state.serialize,
    DESERIALFUNC = internal_state.deserialize, PARALLEL = SAFE);
CREATE AGGREGATE internal_state.ranking_metrics_all(anyelement, float8, float8, int4) (
    SFUNC = internal_state.transfn, STYPE = internal, FINALFUNC = internal_state.report, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = internal_state.combinefn, SERIALFUNC = internal_state.serialize,
    DESERIALFUNC = internal_state.deserialize, PARALLEL = SAFE);
SELECT setseed(0.12);
DROP TABLE IF EXISTS bench.results;
CREATE TABLE bench.results AS
SELECT i / 10 AS q, floor(random() * 4)::float8 * (random() < 0.6)::int AS rel, random() AS score
  FROM generate_series(0, :rows - 1) i;
VACUUM ANALYZE bench.results;
DO $$
DECLARE
    s text;
BEGIN
    FOR i IN 1 .. 3 LOOP
        FOREACH s IN ARRAY ARRAY['vqc', 'internal_state'] LOOP
            PERFORM bench.time(format('%s ndcg parallel %s', s, i),
                               ARRAY[format('SELECT %s.ndcg_at_k_all(q, rel, score, 10) FROM bench.results', s)]);
            PERFORM bench.time(format('%s ndcg serial %s', s, i),
                               ARRAY['SET max_parallel_workers_per_gather = 0',
                                     format('SELECT %s.ndcg_at_k_all(q, rel, score, 10) FROM bench.results', s),
                                     'RESET max_parallel_workers_per_gather']);
            PERFORM bench.time(format('%s all six parallel %s', s, i),
                               ARRAY[format('SELECT %s.ranking_metrics_all(q, rel, score, 10) FROM bench.results', s)]);
        END LOOP;
    END LOOP;
END $$;
\o
SELECT regexp_replace(label, '^\S+ | \d+$', '', 'g') AS "aggregate (10 rows per query)",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY median_ms) FILTER (WHERE label LIKE 'vqc %')) AS "state type ms",
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY median_ms) FILTER (WHERE label LIKE 'internal_state %')) AS "internal ms",
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY median_ms) FILTER (WHERE label LIKE 'vqc %')
              / percentile_cont(0.5) WITHIN GROUP (ORDER BY median_ms) FILTER (WHERE label LIKE 'internal_state %'))::numeric, 3)
           AS ratio
  FROM bench.timing GROUP BY 1 ORDER BY 1;
SELECT vqc.ranking_metrics_all(q, rel, score, 10) = internal_state.ranking_metrics_all(q, rel, score, 10) AS same_answer
  FROM bench.results;
DROP TABLE bench.results;
DROP SCHEMA internal_state CASCADE;
