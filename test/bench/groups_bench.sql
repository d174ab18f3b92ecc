-- Many small groups under HashAggregate: vqc.exact_quantile_agg and
-- vqc.hash_set_agg against array_agg, 50 000 groups of 4 rows, serial.
-- Each group's state must cost about what array_agg's does (issue #16: a
-- memory context and an 8 kB block per group took 809 MB and 41.8 s, where
-- array_agg took 18 MB and 0.13 s).  Target: within 2 x array_agg's time.
-- Run by test/bench/run.sh (--only groups); needs no other table.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\o /dev/null
\i test/bench/bench_timer.sql
TRUNCATE bench.timing;
DROP TABLE IF EXISTS bench.groups;
CREATE TABLE bench.groups AS
SELECT (i % 50000)::int AS g, (i * 0.37)::float8 AS x, i AS n
FROM generate_series(1, 200000) i;
VACUUM ANALYZE bench.groups;
SET max_parallel_workers_per_gather = 0;
SET enable_sort = off;			-- HashAggregate
SET work_mem = '1GB';			-- one batch for every contender

SELECT bench.time('array_agg(x)', ARRAY['SELECT count(*) FROM (SELECT g, array_agg(x) AS s FROM bench.groups GROUP BY g) q WHERE s IS NOT NULL'], 5);
SELECT bench.time('exact_quantile_agg(x)', ARRAY['SELECT count(*) FROM (SELECT g, vqc.exact_quantile_agg(x) AS s FROM bench.groups GROUP BY g) q WHERE s IS NOT NULL'], 5);
SELECT bench.time('hash_set_agg(n)', ARRAY['SELECT count(*) FROM (SELECT g, vqc.hash_set_agg(n) AS s FROM bench.groups GROUP BY g) q WHERE s IS NOT NULL'], 5);

-- peak memory of the HashAggregate (kB), from EXPLAIN ANALYZE
CREATE OR REPLACE FUNCTION bench.hashagg_kb(agg text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE format('EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) SELECT g, %s FROM bench.groups GROUP BY g', agg)
        INTO plan;
    RETURN (plan->0->'Plan'->>'Peak Memory Usage')::int;
END $$;
\o

\echo
\echo '50 000 groups of 4 rows under HashAggregate, serial; median of 5 runs each:'
SELECT label, round(median_ms::numeric, 1) AS median_ms, round(best_ms::numeric, 1) AS best_ms,
       round((median_ms / bench.ms('array_agg(x)'))::numeric, 2) AS "/ array_agg (target <= 2)",
       bench.hashagg_kb(CASE label WHEN 'array_agg(x)' THEN 'array_agg(x)'
                                   WHEN 'exact_quantile_agg(x)' THEN 'vqc.exact_quantile_agg(x)'
                                   ELSE 'vqc.hash_set_agg(n)' END) AS peak_kb
FROM bench.timing ORDER BY median_ms;
DROP TABLE bench.groups;
