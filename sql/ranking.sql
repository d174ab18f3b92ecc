-- vqc.ranking_state and ranking metrics at k
\set VERBOSITY terse
\i sql/include/state_helpers.psql
\i sql/include/metric_helpers.psql

-- query 1: ties at the cut; 2: no relevant item; 3: one item; 4: a tie of
-- three holding one relevant item; 5: NULL rows only
CREATE TABLE rk (q int, rel float8, score float8);
INSERT INTO rk VALUES
  (1, 3, 0.9), (1, 2, 0.9), (1, 0, 0.8), (1, 1, 0.7), (1, 0, 0.7), (1, 2, 0.1),
  (2, 0, 0.5), (2, 0, 0.4),
  (3, 1, 0.3),
  (4, 1, 0.5), (4, 0, 0.5), (4, 0, 0.5), (4, 1, 0.2),
  (5, NULL, 1), (5, 2, NULL);
-- scikit-learn: ndcg_score([[3, 2, 0, 1, 0, 2]], [[.9, .9, .8, .7, .7, .1]], k=3) = 0.774882791605082,
-- ndcg_score([[1, 0, 0, 1]], [[.5, .5, .5, .2]], k=3) = 0.43552453212757647; no relevant item: 0
SELECT q, round(vqc.ndcg_score(rel, score, 3)::numeric, 12) AS ndcg,
       round(vqc.average_precision_at_k(rel, score, 3)::numeric, 12) AS ap,
       round(vqc.reciprocal_rank(rel, score, 3)::numeric, 12) AS rr,
       round(vqc.precision_at_k(rel, score, 3)::numeric, 12) AS p,
       round(vqc.recall_at_k(rel, score, 3)::numeric, 12) AS r,
       vqc.hit_rate(rel, score, 3) AS hit
  FROM rk GROUP BY q ORDER BY q;
-- the state: counts, k, and every metric in one jsonb
SELECT q, vqc.ranking_k(s), vqc.ranking_count(s), vqc.ranking_null_count(s),
       vqc.ranking_to_jsonb(s) ->> 'relevant_count' AS relevant,
       vqc.ranking_to_jsonb(s) ->> 'ndcg' = vqc.ndcg_score(s)::text AS jsonb_agrees
  FROM (SELECT q, vqc.ranking_agg(rel, score, 3) s FROM rk GROUP BY q) x ORDER BY q;
-- a tie straddling k = 1: hit is the chance that the tie's first place is relevant (1/3)
SELECT round(vqc.hit_rate(rel, score, 1)::numeric, 12) AS hit_at_1,
       round(vqc.reciprocal_rank(rel, score, 1)::numeric, 12) AS rr_at_1
  FROM rk WHERE q = 4;

-- averaged over queries: plain SQL, or vqc.ranking_report in one statement
SELECT round(avg(n)::numeric, 12) AS mean_ndcg
  FROM (SELECT vqc.ndcg_score(rel, score, 3) n FROM rk GROUP BY q) x;
SELECT vqc.ranking_report('rk', 'q', 'rel', 'score', 3) - ARRAY['ndcg', 'map', 'mrr', 'precision', 'recall', 'hit_rate'] AS counts,
       round((vqc.ranking_report('rk', 'q', 'rel', 'score', 3) ->> 'ndcg')::numeric, 12) AS ndcg;

-- merged states (each query split in parts) give the whole's metrics
SELECT bool_and(m = w) AS merge_is_whole
  FROM (SELECT q, vqc.ranking_to_jsonb(vqc.merge_agg(s)) m
          FROM (SELECT q, vqc.ranking_agg(rel, score, 3) s FROM rk GROUP BY q, score) x GROUP BY q) a
  JOIN (SELECT q, vqc.ranking_to_jsonb(vqc.ranking_agg(rel, score, 3)) w FROM rk GROUP BY q) b USING (q);

-- a state keeps O(k) groups: 100 000 rows of one query, k = 2
SELECT vqc.ranking_count(s), length(s::text) AS hex_digits, round(vqc.ndcg_score(s)::numeric, 12) AS ndcg
  FROM (SELECT vqc.ranking_agg((g % 3)::float8, (g % 1000)::float8, 2) s FROM generate_series(1, 100000) g) x;

-- bad input: k <= 0 or NULL, k changing, negative relevance, NaN scores
SELECT pg_temp.try_sql($$SELECT vqc.ndcg_score(rel, score, 0) FROM rk$$);
SELECT pg_temp.try_sql($$SELECT vqc.ndcg_score(rel, score, -3) FROM rk$$);
SELECT pg_temp.try_sql($$SELECT vqc.ndcg_score(rel, score, 1000001) FROM rk$$);
SELECT pg_temp.try_sql($$SELECT vqc.ndcg_score(rel, score, NULL) FROM rk$$);
SELECT pg_temp.try_sql($$SELECT vqc.ndcg_score(rel, score, q) FROM rk$$);
SELECT pg_temp.try_sql($$SELECT vqc.merge_agg(s)::text FROM (SELECT vqc.ranking_agg(rel, score, q) s FROM rk GROUP BY q) x$$);
SELECT pg_temp.try_sql($$SELECT vqc.ndcg_score(-1, score, 3) FROM rk$$);
SELECT pg_temp.try_sql($$SELECT vqc.ndcg_score(rel, 'NaN', 3) FROM rk$$);
SELECT pg_temp.try_sql($$SELECT vqc.ranking_report('rk', 'q', 'rel', 'score', 0)::text$$);
SELECT pg_temp.try_sql($$SELECT vqc.ranking_report('rk', 'q', 'no_such_column', 'score', 3)::text$$);
SELECT pg_temp.try_sql($$SELECT vqc.ranking_transfn(NULL, 1, 2, 3)::text$$);

-- text and binary forms: round trip, and malformed states refused
CREATE TEMP TABLE rk_state AS SELECT vqc.ranking_agg(rel, score, 3)::text AS s FROM rk WHERE q = 1;
SELECT s, s::vqc.ranking_state::text = s AS text_round_trip,
       pg_temp.recv(vqc.ranking_state_send(s::vqc.ranking_state), 'vqc.ranking_state') = s AS binary_round_trip
  FROM rk_state;
-- layout: header 16, k 8, n 16, nulls 16, relevant 16, ngroups 8, groups of 64, nrels 8, relevances of 16
SELECT name, pg_temp.try_in(v, 'vqc.ranking_state') AS text_in,
       pg_temp.try_recv(decode(v, 'hex'), 'vqc.ranking_state') AS binary_in
  FROM rk_state,
       LATERAL (VALUES ('valid', s),
                       ('magic', '00' || substr(s, 3)),
                       ('version 2', substr(s, 1, 11) || '2' || substr(s, 13)),
                       ('truncated', substr(s, 1, length(s) - 2)),
                       ('trailing', s || '00'),
                       ('k 0', substr(s, 1, 16) || '00000000' || substr(s, 25)),
                       ('k 2: a group past k', substr(s, 1, 16) || '00000002' || substr(s, 25)),
                       ('too many items', substr(s, 1, 24) || '0000000000000001' || substr(s, 41)),
                       ('relevant > items', substr(s, 1, 56) || '0000000000000007' || substr(s, 73)),
                       ('scores not decreasing', substr(s, 1, 80) || '3fe999999999999a' || substr(s, 97)),
                       ('NaN score', substr(s, 1, 80) || '7ff8000000000000' || substr(s, 97)),
                       ('relevant > count', substr(s, 1, 112) || '0000000000000003' || substr(s, 129)),
                       ('relevance sum 0', substr(s, 1, 128) || '0000000000000000' || substr(s, 145)),
                       ('relevances increasing', substr(s, 1, length(s) - 48) || '4000000000000000' || '4008000000000000' || substr(s, length(s) - 15)),
                       ('negative relevance', substr(s, 1, length(s) - 16) || 'bff0000000000000')) v(name, v)
 ORDER BY name;

-- a forced parallel plan gives Partial Aggregate and the serial plan's result
CREATE TABLE rk_big AS SELECT g % 1000 AS q, (g % 4)::float8 AS rel, ((g * 7919) % 50)::float8 AS score
  FROM generate_series(1, 100000) g;
ANALYZE rk_big;
CREATE TEMP TABLE rk_serial AS SELECT vqc.ranking_report('rk_big', 'q', 'rel', 'score', 10) j;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
SELECT pg_temp.plan_has('SELECT vqc.ranking_agg(rel, score, 10) FROM rk_big', 'Partial Aggregate') AS parallel_plan;
SELECT (SELECT vqc.ranking_to_jsonb(vqc.ranking_agg(rel, score, 10)) FROM rk_big)
       = (SELECT vqc.ranking_to_jsonb(vqc.merge_agg(s)) FROM (SELECT vqc.ranking_agg(rel, score, 10) s FROM rk_big GROUP BY q) x)
       AS one_query_parallel_is_merged_groups;
SELECT j = vqc.ranking_report('rk_big', 'q', 'rel', 'score', 10) AS report_same FROM rk_serial;
RESET enable_hashagg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
