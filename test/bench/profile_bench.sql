-- vqc.profile_agg against count(*), percentile_cont, tdigest and
-- postgresql-hll, side by side on the people table.
-- Run by test/bench/run.sh; needs postgresql-15-tdigest and postgresql-15-hll.
\set ON_ERROR_STOP on
\o /dev/null
\i test/bench/bench_timer.sql
TRUNCATE bench.timing;
CREATE EXTENSION IF NOT EXISTS tdigest;
CREATE EXTENSION IF NOT EXISTS hll;

-- warm the cache
SELECT count(*) FROM people;

SELECT bench.time('count(*)', ARRAY['SELECT count(*) FROM people']);
SELECT bench.time('profile_agg(income)', ARRAY['SELECT vqc.profile_agg(income) IS NULL FROM people']);
-- the floor: reading the column at all (income is the last of nine, after three texts)
SELECT bench.time('floor: count(income)', ARRAY['SELECT count(income) FROM people']);
SELECT bench.time('profile_agg(user_id)', ARRAY['SELECT vqc.profile_agg(user_id) IS NULL FROM people']);
SELECT bench.time('floor: count(user_id)', ARRAY['SELECT count(user_id) FROM people']);
SELECT bench.time('median: percentile_cont', ARRAY['SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY income) FROM people']);
SELECT bench.time('median: vqc.quantile(profile_agg)', ARRAY['SELECT vqc.quantile(vqc.profile_agg(income), 0.5) FROM people']);
SELECT bench.time('median: tdigest_percentile', ARRAY['SELECT tdigest_percentile(income, 100, 0.5) FROM people']);
SELECT bench.time('distinct: count(DISTINCT)', ARRAY['SELECT count(DISTINCT user_id) FROM people']);
SELECT bench.time('distinct: vqc.ndistinct(profile_agg)', ARRAY['SELECT vqc.ndistinct(vqc.profile_agg(user_id)) FROM people']);
SELECT bench.time('distinct: hll_cardinality', ARRAY['SELECT hll_cardinality(hll_add_agg(hll_hash_integer(user_id))) FROM people']);
\o

\echo
\echo 'Median of 3 runs each, measured in this one session:'
SELECT label, round(median_ms::numeric, 1) AS median_ms, round(best_ms::numeric, 1) AS best_ms FROM bench.timing ORDER BY median_ms;
SELECT round((bench.ms('profile_agg(income)') / bench.ms('count(*)'))::numeric, 2) AS "profile / count(*) (target <= 1.5)",
       round((bench.ms('floor: count(income)') / bench.ms('count(*)'))::numeric, 2) AS "count(income) / count(*)",
       round((bench.ms('profile_agg(income)') / bench.ms('floor: count(income)'))::numeric, 2) AS "profile / count(income)",
       round((bench.ms('profile_agg(user_id)') / bench.ms('count(*)'))::numeric, 2) AS "profile(user_id) / count(*)",
       round((bench.ms('profile_agg(user_id)') / bench.ms('floor: count(user_id)'))::numeric, 2) AS "profile(user_id) / count(user_id)",
       round((bench.ms('median: percentile_cont') / bench.ms('median: vqc.quantile(profile_agg)'))::numeric, 2) AS "percentile_cont / profile (target >= 3)",
       round((bench.ms('median: tdigest_percentile') / bench.ms('median: vqc.quantile(profile_agg)'))::numeric, 2) AS "tdigest / profile (target >= 1)",
       round((bench.ms('distinct: hll_cardinality') / bench.ms('distinct: vqc.ndistinct(profile_agg)'))::numeric, 2) AS "hll / profile (target >= 1)",
       round((bench.ms('distinct: count(DISTINCT)') / bench.ms('distinct: vqc.ndistinct(profile_agg)'))::numeric, 2) AS "count(DISTINCT) / profile";

\echo 'Answers (exact, then estimates):'
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY income) AS exact_median,
       vqc.quantile(vqc.profile_agg(income), 0.5) AS profile_median,
       tdigest_percentile(income, 100, 0.5) AS tdigest_median
  FROM people;
SELECT count(DISTINCT user_id) AS exact_distinct,
       round(vqc.ndistinct(vqc.profile_agg(user_id))) AS profile_distinct,
       round(hll_cardinality(hll_add_agg(hll_hash_integer(user_id)))) AS hll_distinct
  FROM people;
SELECT pg_column_size(vqc.profile_agg(income)) AS profile_bytes FROM people;
