-- A drift report over every column of people against a stored baseline,
-- measured next to one count(*) scan.  Run by test/bench/run.sh.
\set ON_ERROR_STOP on
\o /dev/null
\i test/bench/bench_timer.sql
TRUNCATE bench.timing;
SELECT vqc.set_baseline('people', 'bench_baseline');
SELECT count(*) FROM people;
SELECT bench.time('count(*)', ARRAY['SELECT count(*) FROM people']);
SELECT bench.time('vqc.drift_report (9 columns)', ARRAY['SELECT count(*) FROM vqc.drift_report(''people'', ''bench_baseline'')']);
-- the floor: reading the nine columns at all
SELECT bench.time('floor: count() of the 9 columns', ARRAY['SELECT count(record_id), count(user_id), count(transaction_amount), count(age), count(score), count(date_of_birth), count(email), count(gender), count(income) FROM people']);
SELECT bench.time('vqc.set_baseline (9 columns)', ARRAY['SELECT vqc.set_baseline(''people'', ''bench_baseline'')']);
\o
\echo
\echo 'Drift report against stored baselines, median of 3 runs, measured in this session:'
SELECT label, round(median_ms::numeric, 1) AS median_ms, round(best_ms::numeric, 1) AS best_ms FROM bench.timing ORDER BY median_ms;
SELECT round((bench.ms('vqc.drift_report (9 columns)') / bench.ms('count(*)'))::numeric, 2) AS "drift_report / count(*) (target <= 2)",
       round((bench.ms('floor: count() of the 9 columns') / bench.ms('count(*)'))::numeric, 2) AS "floor / count(*)";
SELECT column_name, method_used, drifted, exact FROM vqc.drift_report('people', 'bench_baseline');
