-- ranking metrics over all queries in one aggregate, without GROUP BY
\set VERBOSITY terse
\i sql/include/metric_helpers.psql

-- query 1: ties at the cut; 2: no relevant item; 3: one item; 4: a tie of
-- three holding one relevant item; 5: NULL rows only; a row of no query
CREATE TABLE ra (q int, rel float8, score float8);
INSERT INTO ra VALUES
  (1, 3, 0.9), (1, 2, 0.9), (1, 0, 0.8), (1, 1, 0.7), (1, 0, 0.7), (1, 2, 0.1),
  (2, 0, 0.5), (2, 0, 0.4),
  (3, 1, 0.3),
  (4, 1, 0.5), (4, 0, 0.5), (4, 0, 0.5), (4, 1, 0.2),
  (5, NULL, 1), (5, 2, NULL),
  (NULL, 1, 0.5);
-- the mean of the per-query aggregates over the queries with a row taken
SELECT round(vqc.ndcg_at_k_all(q, rel, score, 3)::numeric, 12) AS ndcg_all,
       round((SELECT avg(n) FROM (SELECT vqc.ndcg_score(rel, score, 3) n FROM ra WHERE q IS NOT NULL GROUP BY q) x)::numeric, 12)
           AS ndcg_grouped
  FROM ra;
SELECT vqc.ranking_metrics_all(q, rel, score, 3) FROM ra;
-- the same from the rows in another order, with text, numeric and shuffled keys
SELECT vqc.ranking_metrics_all(q::text, rel, score, 3) = vqc.ranking_metrics_all(q, rel, score, 3) AS text_keys,
       vqc.ranking_metrics_all(q::numeric, rel, score, 3) = vqc.ranking_metrics_all(q, rel, score, 3) AS numeric_keys
  FROM ra;
SELECT vqc.ranking_metrics_all(q, rel, score, 3) = (SELECT vqc.ranking_metrics_all(q, rel, score, 3) FROM ra) AS any_order
  FROM (SELECT * FROM ra ORDER BY score, rel DESC) x;
-- equal keys of different images (numeric 1.0 and 1.00) are one query
SELECT vqc.ranking_metrics_all(q, rel, score, 2) ->> 'queries' AS queries
  FROM (VALUES (1.0::numeric, 1::float8, 0.5::float8), (1.00, 0, 0.7), (1.0, 2, 0.1)) v(q, rel, score);
-- vqc.ranking_report gives the same object, and past vqc.exact_memory_limit
-- falls back to GROUP BY with the same answer
SELECT vqc.ranking_report('ra', 'q', 'rel', 'score', 3) = (SELECT vqc.ranking_metrics_all(q, rel, score, 3) FROM ra)
       AS report_is_all;
CREATE TEMP TABLE ra_report AS SELECT vqc.ranking_report('ra', 'q', 'rel', 'score', 3) j;
SET vqc.exact_memory_limit = '1kB';
SELECT pg_temp.try_sql('SELECT vqc.ndcg_at_k_all(q, rel, score, 3) FROM ra') AS past_limit;
SELECT key, abs((j ->> key)::float8 - (vqc.ranking_report('ra', 'q', 'rel', 'score', 3) ->> key)::float8) < 1e-12 AS fallback_same
  FROM ra_report, jsonb_object_keys(j) key ORDER BY key;
RESET vqc.exact_memory_limit;
-- no rows: NULL (vqc.ranking_report: its empty object); NULL queries only: no
-- query, each row skipped and counted in null_rows
SELECT vqc.ndcg_at_k_all(q, rel, score, 3) IS NULL AS no_rows, vqc.ranking_metrics_all(q, rel, score, 3) IS NULL AS no_rows_all
  FROM ra WHERE false;
SELECT vqc.ranking_metrics_all(q, rel, score, 3) FROM ra WHERE q IS NULL;
CREATE TEMP TABLE ra_empty (LIKE ra);
SELECT vqc.ranking_report('ra_empty', 'q', 'rel', 'score', 3)
       = (SELECT vqc.ranking_metrics_all(q, rel, score, 3) || '{"null_rows": 0}' FROM ra WHERE q IS NULL) AS empty_report;
-- bad input
SELECT pg_temp.try_sql(x) FROM (VALUES
  ('SELECT vqc.ndcg_at_k_all(q, rel, score, 0) FROM ra'),
  ('SELECT vqc.ndcg_at_k_all(q, rel, score, -1) FROM ra'),
  ('SELECT vqc.ndcg_at_k_all(q, rel, score, 1000001) FROM ra'),
  ('SELECT vqc.ndcg_at_k_all(q, rel, score, NULL) FROM ra'),
  ('SELECT vqc.ndcg_at_k_all(q, rel, score, q) FROM ra WHERE q < 3'),
  ('SELECT vqc.ndcg_at_k_all(1, -1, 0.5, 3)'),
  ('SELECT vqc.ndcg_at_k_all(1, 1, ''NaN'', 3)'),
  ('SELECT vqc.ndcg_at_k_all(1, ''Infinity'', 1, 3)'),
  ('SELECT vqc.ndcg_at_k_all(point(1, 2), 1, 1, 3)'),
  ('SELECT vqc.ranking_report(''ra'', ''q'', ''rel'', ''score'', 0)')) v(x);

-- a query past 2k + 16 rows is compacted (O(k)) and scored as ndcg_score scores it
CREATE TABLE ra_big AS SELECT g % 1000 AS q, (g % 4)::float8 AS rel, ((g * 7919) % 50)::float8 AS score
  FROM generate_series(1, 100000) g;
ANALYZE ra_big;
CREATE TEMP TABLE ra_grouped AS
SELECT count(*) AS queries, sum(n) AS ndcg_sum FROM (SELECT vqc.ndcg_score(rel, score, 10) n FROM ra_big GROUP BY q) x;
SELECT abs(vqc.ndcg_at_k_all(q, rel, score, 10) - (SELECT ndcg_sum / queries FROM ra_grouped)) < 1e-12 AS compacted_same
  FROM ra_big;
-- one state per group (say, per model): each group's own queries, and a
-- state per group stays small (10 000 groups of one query each)
SELECT m, abs(vqc.ndcg_at_k_all(q, rel, score, 10)
              - (SELECT avg(n) FROM (SELECT vqc.ndcg_score(rel, score, 10) n FROM ra_big b WHERE b.q % 3 = a.m GROUP BY q) x)) < 1e-12
           AS per_group_same
  FROM (SELECT q % 3 AS m, * FROM ra_big) a GROUP BY m ORDER BY m;
SELECT count(*) AS groups, sum(n) AS ndcg_sum
  FROM (SELECT g, vqc.ndcg_at_k_all(1, (g % 4)::float8, (g % 7)::float8, 10) n FROM generate_series(1, 10000) g GROUP BY g) y;
CREATE TEMP TABLE ra_serial AS SELECT vqc.ranking_metrics_all(q, rel, score, 10) j, vqc.ndcg_at_k_all(q, rel, score, 10) n,
                                      vqc.ranking_metrics_all(q, rel, score, 100) j100 FROM ra_big;
-- a forced parallel plan: every query is split across the workers and
-- merged by the combine function; the serial plan's answer
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT pg_temp.plan_has('SELECT vqc.ndcg_at_k_all(q, rel, score, 10) FROM ra_big', 'Partial Aggregate') AS parallel_plan;
SELECT abs((j ->> 'ndcg')::float8 - (SELECT (vqc.ranking_metrics_all(q, rel, score, 10) ->> 'ndcg')::float8 FROM ra_big)) < 1e-12
           AS parallel_same,
       abs(n - (SELECT vqc.ndcg_at_k_all(q, rel, score, 10) FROM ra_big)) < 1e-12 AS parallel_ndcg_same,
       abs((j100 ->> 'map')::float8 - (SELECT (vqc.ranking_metrics_all(q, rel, score, 100) ->> 'map')::float8 FROM ra_big)) < 1e-12
           AS parallel_pairs_same,
       (SELECT vqc.ranking_metrics_all(q::text, rel, score, 10) ->> 'rows' FROM ra_big) AS parallel_text_rows
  FROM ra_serial;
-- the soft form of a suite's scan: the same object; past the limit each
-- worker's state says it overflowed, and so does the merged one
SELECT (SELECT vqc._ranking_metrics_all_soft(q, rel, score, 10) FROM ra_big) = j AS soft_parallel_same FROM ra_serial;
SET vqc.exact_memory_limit = '64kB';
SELECT vqc._ranking_metrics_all_soft(q, rel, score, 10) AS soft_parallel_overflow FROM ra_big;
SELECT pg_temp.try_sql('SELECT vqc.ranking_metrics_all(q, rel, score, 10) FROM ra_big') AS hard_parallel_overflow;
RESET vqc.exact_memory_limit;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
