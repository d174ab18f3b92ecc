-- The state types of the all-queries ranking aggregates and of the numeric
-- regression aggregates (issue #15, src/state_box.c): vqc.ranking_all_state
-- and vqc.regression_numeric_state are real types (Citus pushes their
-- aggregates down), expanded objects during aggregation, flat in tuples and
-- text; a state typed by a user is validated completely.
\set VERBOSITY terse
\i sql/include/state_helpers.psql
\i sql/include/metric_helpers.psql
\i sql/include/state_detail.psql

-- the aggregates keep their names and arguments; their states are the types
SELECT a.aggfnoid::regprocedure AS aggregate, a.aggtranstype::regtype AS state
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
 WHERE p.proname IN ('ndcg_at_k_all', 'ranking_metrics_all', '_ranking_metrics_all_soft')
   AND p.proargtypes[0] = 'anyelement'::regtype
    OR a.aggfnoid::regprocedure::text LIKE '%(numeric,numeric)'
 ORDER BY 1::text;
SELECT count(*) AS typed_ranking_all_forms
  FROM pg_proc WHERE proname IN ('ndcg_at_k_all', 'ranking_metrics_all', '_ranking_metrics_all_soft')
   AND pronamespace = 'vqc'::regnamespace AND proargtypes[0] <> 'anyelement'::regtype;

-- 1. vqc.ranking_all_state: a user's aggregate over the transition function
-- gives the state; the final functions read it flat as the aggregates do
CREATE TABLE sb_rank AS
SELECT g % 7 AS q, (g % 4)::float8 AS rel, ((g * 37) % 11)::float8 AS score FROM generate_series(1, 200) g;
INSERT INTO sb_rank VALUES (NULL, 1, 1), (3, NULL, 2);
CREATE AGGREGATE pg_temp.ra_state(anyelement, float8, float8, int4) (
    SFUNC = vqc.ranking_all_transfn, STYPE = vqc.ranking_all_state, COMBINEFUNC = vqc.ranking_all_combinefn);
CREATE AGGREGATE pg_temp.ra_merge(vqc.ranking_all_state) (
    SFUNC = vqc.ranking_all_combinefn, STYPE = vqc.ranking_all_state);
SELECT pg_temp.ra_state(q, rel, score, 3)::text AS ra FROM sb_rank \gset
SELECT vqc.ranking_all_report(:'ra') = (SELECT vqc.ranking_metrics_all(q, rel, score, 3) FROM sb_rank) AS report_same,
       vqc.ranking_all_ndcg(:'ra') = (SELECT vqc.ndcg_at_k_all(q, rel, score, 3) FROM sb_rank) AS ndcg_same,
       :'ra'::vqc.ranking_all_state::text = :'ra' AS text_round_trip,
       pg_temp.recv(vqc.ranking_all_state_send(:'ra'), 'vqc.ranking_all_state') = :'ra' AS binary_round_trip,
       vqc.ranking_all_state_send(:'ra') = decode(:'ra', 'hex') AS send_is_hex;
-- partial states (one per group) merged: the whole table's answer, also
-- with text keys and from states stored in a table
SELECT vqc.ranking_all_report(pg_temp.ra_merge(s)) = (SELECT vqc.ranking_metrics_all(q, rel, score, 3) FROM sb_rank)
       AS merged_same
  FROM (SELECT pg_temp.ra_state(q, rel, score, 3) AS s FROM sb_rank GROUP BY score > 5) x;
CREATE TABLE sb_states AS SELECT pg_temp.ra_state(q::text, rel, score, 3) AS s FROM sb_rank GROUP BY rel;
SELECT vqc.ranking_all_report(pg_temp.ra_merge(s ORDER BY s::text)) = (SELECT vqc.ranking_metrics_all(q::text, rel, score, 3) FROM sb_rank)
       AS stored_merged_same
  FROM sb_states;
-- a state carries its query type, collation and k: another is refused
CREATE AGGREGATE pg_temp.ra_from(anyelement, float8, float8, int4) (
    SFUNC = vqc.ranking_all_transfn, STYPE = vqc.ranking_all_state, FINALFUNC = vqc.ranking_all_report,
    INITCOND = :'ra');
SELECT (pg_temp.ra_from(q, rel, score, 3) ->> 'rows')::int
       = 2 * (SELECT vqc.ranking_metrics_all(q, rel, score, 3) ->> 'rows' FROM sb_rank)::int AS initcond_counted
  FROM sb_rank;
SELECT pg_temp.try_sql('SELECT pg_temp.ra_from(q::text, rel, score, 3) FROM sb_rank') AS other_query_type;
SELECT pg_temp.try_sql('SELECT pg_temp.ra_from(q, rel, score, 4) FROM sb_rank') AS other_k;
SELECT pg_temp.try_sql($$SELECT pg_temp.ra_merge(s) FROM (SELECT pg_temp.ra_state(1, 1, 1, 3) UNION ALL SELECT pg_temp.ra_state('a'::text, 1, 1, 3)) v(s)$$)
       AS merge_other_type;
-- outside an aggregate the transition and combine functions refuse
SELECT pg_temp.try_sql($$SELECT vqc.ranking_all_transfn(NULL, 1, 1, 1, 3)$$) AS transfn_direct;
SELECT pg_temp.try_sql(format('SELECT vqc.ranking_all_combinefn(%L, %L)', :'ra', :'ra')) AS combinefn_direct;
-- a typed state: magic "VQCK", version 1, flags, the query type (int4),
-- collation (none), k, rows skipped, queries; the soft form's overflowed
-- state (flags 3) ends in the report, NDCG refuses it
\set ra_v1 '5651434b0001'
\set ra_int '000000170000000000000003'
\set zeros8 '0000000000000000'
SELECT :'ra_v1' || '0003' || :'ra_int' || :'zeros8' || :'zeros8' AS soft_overflowed \gset
SELECT :'soft_overflowed'::vqc.ranking_all_state::text = :'soft_overflowed' AS overflowed_reads_back,
       vqc.ranking_all_report(:'soft_overflowed') AS overflowed_report;
SELECT pg_temp.try_sql(format('SELECT vqc.ranking_all_ndcg(%L)', :'soft_overflowed')) AS overflowed_ndcg;
SELECT vqc.ranking_all_report((:'ra_v1' || '0000' || :'ra_int' || '0000000000000005' || :'zeros8')::vqc.ranking_all_state) AS no_queries;
-- every byte checked (22P02 for text, 22P03 for binary)
SELECT v.what, pg_temp.try_state(v.s, 'vqc.ranking_all_state') AS result
  FROM (VALUES
    ('empty', ''),
    ('odd hex', '565'),
    ('truncated header', '565143'),
    ('other magic', '56514351' || substr(:'ra', 9)),
    ('version 2', '5651434b0002' || substr(:'ra', 13)),
    ('unknown flag', :'ra_v1' || '0004' || :'ra_int' || :'zeros8' || :'zeros8'),
    ('overflowed, not soft', :'ra_v1' || '0001' || :'ra_int' || :'zeros8' || :'zeros8'),
    ('no such type', :'ra_v1' || '0000' || '0000ffff0000000000000003' || :'zeros8' || :'zeros8'),
    ('no such collation', :'ra_v1' || '0000' || '00000019000fffff00000003' || :'zeros8' || :'zeros8'),
    ('k out of range', :'ra_v1' || '0000' || '0000001700000000fffffffd' || :'zeros8' || :'zeros8'),
    ('queries without k', :'ra_v1' || '0000' || '000000170000000000000000' || :'zeros8' || '0000000000000001'),
    ('negative skipped count', :'ra_v1' || '0000' || :'ra_int' || '8000000000000000' || :'zeros8'),
    ('absurd query count', :'ra_v1' || '0000' || :'ra_int' || :'zeros8' || '7fffffffffffffff'),
    ('truncated query', left(:'ra', 120)),
    ('trailing byte', :'ra' || '00')) v(what, s);
SELECT pg_temp.try_recv(decode(left(:'ra', 100), 'hex'), 'vqc.ranking_all_state') AS truncated_binary;
-- a crafted pair (native byte order: score, relevance) with a negative relevance
SELECT pg_temp.ra_state(1, 2, 0.5, 3)::text AS ra1 \gset
SELECT pg_temp.try_state(:'ra1', 'vqc.ranking_all_state') AS one_pair,
       pg_temp.try_state(left(:'ra1', -16) || '000000000000f0bf', 'vqc.ranking_all_state') AS negative_relevance;

-- 2. vqc.regression_numeric_state: each aggregate's state keeps its sums
CREATE TABLE sb_num AS SELECT g / 7.0 AS y, g / 7.0 + (g % 5 - 2) / 3.0 AS p FROM generate_series(1, 100) g;
INSERT INTO sb_num VALUES (NULL, 1), (2, NULL);
CREATE AGGREGATE pg_temp.rn_abs(numeric, numeric) (
    SFUNC = vqc.regression_numeric_abs_transfn, STYPE = vqc.regression_numeric_state, COMBINEFUNC = vqc.regression_numeric_combinefn);
CREATE AGGREGATE pg_temp.rn_r2(numeric, numeric) (
    SFUNC = vqc.regression_numeric_r2_transfn, STYPE = vqc.regression_numeric_state, COMBINEFUNC = vqc.regression_numeric_combinefn);
CREATE AGGREGATE pg_temp.rn_merge(vqc.regression_numeric_state) (
    SFUNC = vqc.regression_numeric_combinefn, STYPE = vqc.regression_numeric_state);
SELECT pg_temp.rn_abs(y, p)::text AS rn_abs, pg_temp.rn_r2(y, p)::text AS rn_r2 FROM sb_num \gset
SELECT vqc.regression_numeric_mae(:'rn_abs') = (SELECT vqc.mean_absolute_error(y, p) FROM sb_num) AS mae_same,
       vqc.regression_numeric_max_error(:'rn_abs') = (SELECT vqc.max_error(y, p) FROM sb_num) AS max_error_same,
       vqc.regression_numeric_r2(:'rn_r2') = (SELECT vqc.r2_score(y, p) FROM sb_num) AS r2_same,
       vqc.regression_numeric_mse(:'rn_r2') = (SELECT vqc.mean_squared_error(y, p) FROM sb_num) AS mse_from_r2_sums,
       :'rn_abs'::vqc.regression_numeric_state::text = :'rn_abs' AS text_round_trip,
       pg_temp.recv(vqc.regression_numeric_state_send(:'rn_r2'), 'vqc.regression_numeric_state') = :'rn_r2' AS binary_round_trip;
SELECT vqc.regression_numeric_mae(pg_temp.rn_merge(s)) = (SELECT vqc.mean_absolute_error(y, p) FROM sb_num) AS merged_same
  FROM (SELECT pg_temp.rn_abs(y, p) AS s FROM sb_num GROUP BY y > 5) x;
-- a state of other sums: refused by a metric, a merge and a transition
SELECT pg_temp.try_sql(format('SELECT vqc.regression_numeric_mse(%L)', :'rn_abs')) AS mse_of_abs_sums;
SELECT pg_temp.try_sql(format('SELECT pg_temp.rn_merge(s) FROM (VALUES (%L::vqc.regression_numeric_state), (%L)) v(s)',
                          :'rn_abs', :'rn_r2')) AS merge_abs_r2;
CREATE AGGREGATE pg_temp.rn_abs_from_r2(numeric, numeric) (
    SFUNC = vqc.regression_numeric_abs_transfn, STYPE = vqc.regression_numeric_state, INITCOND = :'rn_r2');
SELECT pg_temp.try_sql('SELECT pg_temp.rn_abs_from_r2(y, p) FROM sb_num') AS abs_from_r2;
SELECT v.what, pg_temp.try_state(v.s, 'vqc.regression_numeric_state') AS result
  FROM (VALUES
    ('truncated', left(:'rn_abs', 30)),
    ('other magic', '5651434e' || substr(:'rn_abs', 9)),
    ('version 2', '5651434d0002' || substr(:'rn_abs', 13)),
    ('unknown sums', '5651434d00010040' || substr(:'rn_abs', 17)),
    ('negative count', '5651434d00010021' || 'ffffffffffffffff' || substr(:'rn_abs', 33)),
    ('sum length past the end', '5651434d00010021' || substr(:'rn_abs', 17, 32) || '7fffffff'),
    ('pairs without sums kept', '5651434d00010000' || substr(:'rn_abs', 17)),
    ('trailing byte', :'rn_abs' || '00')) v(what, s);
-- the empty state (no pairs) gives NULL metrics
SELECT vqc.regression_numeric_mae(pg_temp.rn_abs(y, p)) AS mae_of_none FROM sb_num WHERE false;

-- 3. a forced parallel plan: the workers' states travel flat to the leader
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
CREATE TABLE sb_big AS
SELECT g % 1000 AS q, (g % 4)::float8 AS rel, ((g * 7919) % 1009)::float8 AS score, (g % 97) / 7.0 AS y, (g % 89) / 3.0 AS p
  FROM generate_series(1, 60000) g;
ANALYZE sb_big;
CREATE TEMP TABLE sb_parallel AS
SELECT vqc.ranking_metrics_all(q, rel, score, 10) AS r, vqc.mean_absolute_error(y, p) AS mae, vqc.r2_score(y, p) AS r2
  FROM sb_big;
SELECT pg_temp.plan_has('SELECT vqc.ranking_metrics_all(q, rel, score, 10), vqc.mean_absolute_error(y, p) FROM sb_big',
                        'Partial Aggregate') AS parallel_plan;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT (SELECT mae FROM sb_parallel) = vqc.mean_absolute_error(y, p) AS mae_parallel_same,
       (SELECT r2 FROM sb_parallel) = vqc.r2_score(y, p) AS r2_parallel_same,
       (SELECT r ->> 'rows' FROM sb_parallel) = vqc.ranking_metrics_all(q, rel, score, 10) ->> 'rows' AS rows_parallel_same,
       abs((SELECT (r ->> 'ndcg')::float8 FROM sb_parallel) - (vqc.ranking_metrics_all(q, rel, score, 10) ->> 'ndcg')::float8) < 1e-12
           AS ndcg_parallel_same
  FROM sb_big;
RESET max_parallel_workers_per_gather;
