-- Suites run with vqc.run on the distributed table, its partitioned twin and
-- the plain copy: statuses, counts, samples, profiles stored, scans.
\set QUIET on
SET client_min_messages = warning;
\o /dev/null
\i test/fixtures/people_suite.sql
SELECT citus_copy_suite('people_daily', 'people_daily_plain', 'people_plain');
SELECT citus_copy_suite('people_daily', 'people_daily_part', 'people_part');
-- the catalogue expectations of 20_expect.sql in one suite, with the
-- increasing / decreasing checks whose order (record_id) breaks no tie
-- between values: on a distributed table each takes a pass of its own, the
-- others share the scan
SELECT vqc.create_suite('catalogue', 'people', key_columns => '{record_id}', profile_columns => '{*}');
SELECT vqc.add_expectation('catalogue', expectation_type, kwargs) FROM expect_case;
SELECT vqc.add_expectation('catalogue', expectation_type, kwargs - 'result_format') FROM monotone_case WHERE in_suite;
SELECT citus_copy_suite('catalogue', 'catalogue_plain', 'people_plain');
SELECT citus_copy_suite('catalogue', 'catalogue_part', 'people_part');
\o

SELECT citus_compare_suite('fixture suite', 'people_daily', 'people_daily_plain');
SELECT citus_compare_suite('fixture suite, partitioned', 'people_daily_part', 'people_daily_plain');
SELECT citus_compare_suite('catalogue suite', 'catalogue', 'catalogue_plain', (SELECT count(*)::int FROM monotone_case WHERE in_suite));
SELECT citus_compare_suite('catalogue suite, partitioned', 'catalogue_part', 'catalogue_plain',
                           (SELECT count(*)::int FROM monotone_case WHERE in_suite));

-- without key_columns (and no primary key) failing rows are keyed by the
-- row's place: unique across the shards
\o /dev/null
SELECT citus_copy_suite('people_daily', 'people_nokey', 'people', false);
SELECT citus_copy_suite('people_daily', 'people_part_nokey', 'people_part', false);
UPDATE vqc.suite SET key_columns = '{}' WHERE name IN ('people_nokey', 'people_part_nokey');
SELECT vqc.run('people_nokey');
SELECT vqc.run('people_part_nokey');
\o
INSERT INTO citus_result
SELECT format('row keys without key_columns (%s)', s.target), true,
       count(*) = count(DISTINCT (u.position, u.row_key)) AND count(*) > 0,
       format('%s samples, %s distinct keys, e.g. %s', count(*), count(DISTINCT (u.position, u.row_key)), min(u.row_key::text))
FROM vqc_report.unexpected u JOIN vqc_report.run r USING (run_id) JOIN vqc.suite s ON s.name = r.suite_name
WHERE r.suite_name IN ('people_nokey', 'people_part_nokey') GROUP BY s.target;

-- the EXPLAIN (VERBOSE) of a suite's scan on tbl
CREATE FUNCTION citus_suite_plan(suite_name text, tbl regclass) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    p    record;
    q    text;
    line text;
    plan text := '';
BEGIN
    SELECT x.items, x.kwargs_all INTO p
      FROM vqc.suite s, LATERAL vqc._suite_inputs(s, tbl) i,
           LATERAL vqc._plan_all(tbl, i.expectations, i.key_columns, 20, '"BASIC"', false, i.profile_columns) x
     WHERE s.name = suite_name;
    q := vqc._scan_sql(tbl, p.items, ARRAY(SELECT k FROM jsonb_object_keys(p.items) k ORDER BY k));
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q USING p.kwargs_all LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RETURN plan;
END $$;
-- each aggregate state of a suite's scan goes to the coordinator once per
-- shard: the accessors (count, overflow and value of one exact-quantile
-- state, say) are applied after combining, so no partial state of the worker
-- query (worker_partial_agg) repeats another.  Built-in aggregates are left
-- out: Citus itself splits avg(x) into sum(x) and count(x), which may repeat
-- a count(x) of the scan (two bigints).
CREATE FUNCTION citus_repeated_states(suite_name text, tbl regclass) RETURNS TABLE (items bigint, repeated bigint)
LANGUAGE plpgsql AS $$
DECLARE
    plan text := citus_suite_plan(suite_name, tbl);
BEGIN
    RETURN QUERY
    SELECT count(*), count(*) - count(DISTINCT item)
      FROM (SELECT (regexp_match(plan, 'Query: SELECT (.*?) FROM [^\n]*'))[1] AS list) l,
           regexp_split_to_table(l.list, ' AS vqc_s[0-9]+(, )?') AS item
     WHERE item LIKE '%worker_partial_agg(%';
END $$;
INSERT INTO citus_result
SELECT format('suite scan (%s): each state shipped once per shard', t), items > 0 AND repeated = 0, items > 0 AND repeated = 0,
       format('%s partial states in the worker query, %s repeated', items, repeated)
  FROM unnest(ARRAY['people', 'people_part']) t, LATERAL citus_repeated_states('people_daily', t::regclass) r;

-- the catalogue suite's shared scan, with the increasing / decreasing
-- checks in the suite, stays on the workers: no window, and one task query
-- on the shards, of partial aggregates only (their passes are their own)
CREATE FUNCTION citus_scan_sql(suite_name text, tbl regclass, OUT q text, OUT params jsonb)
LANGUAGE sql AS $$
    SELECT vqc._scan_sql(tbl, x.items, ARRAY(SELECT k FROM jsonb_object_keys(x.items) k ORDER BY k)), x.kwargs_all
      FROM vqc.suite s, LATERAL vqc._suite_inputs(s, tbl) i,
           LATERAL vqc._plan_all(tbl, i.expectations, i.key_columns, 20, '"BASIC"', false, i.profile_columns) x
     WHERE s.name = suite_name
$$;
INSERT INTO citus_result
SELECT format('catalogue suite with increasing / decreasing: the shared scan (%s)', t), ok, ok,
       format('%s checks in the suite, %s increasing / decreasing; a window in the scan: %s', c.n, c.m, x.w)
  FROM unnest(ARRAY['people', 'people_part']) t,
       LATERAL citus_scan_sql('catalogue', t::regclass) s,
       LATERAL (SELECT count(*) AS n, count(*) FILTER (WHERE e.expectation_type ~ 'increasing|decreasing') AS m
                  FROM vqc.suite_expectation e JOIN vqc.suite su USING (suite_id) WHERE su.name = 'catalogue') c,
       LATERAL (SELECT s.q ~ 'OVER \(' AS w) x,
       LATERAL (SELECT c.m > 0 AND NOT x.w AND count(*) = 1
                       AND bool_and(l ~ '^worker_partial_agg\(' AND l !~ 'OVER \(') AS ok
                  FROM citus_shard_selects(s.q, s.params) l) y;

-- vqc.explain says that each increasing / decreasing check takes a pass of
-- its own on a distributed table, and why; on the plain copy they stay in
-- the scan (a window that reads the table again)
INSERT INTO citus_result
SELECT format('vqc.explain notes the pass of increasing / decreasing (%s)', s.name), ok, ok,
       format('%s notes of a pass of its own, %s of a window in the scan, for %s checks', own, win, c.m)
  FROM (VALUES ('catalogue', true), ('catalogue_part', true), ('catalogue_plain', false)) s(name, distributed),
       LATERAL (SELECT count(*) FILTER (WHERE e.expectation_type ~ 'increasing|decreasing') AS m
                  FROM vqc.suite_expectation e JOIN vqc.suite su USING (suite_id) WHERE su.name = s.name) c,
       LATERAL (SELECT count(*) FILTER (WHERE line ~ '^Note: .*creasing.*takes a pass of its own: a failing row is defined by') AS own,
                       count(*) FILTER (WHERE line ~ '^Note: .*creasing.*reads the table a second time') AS win
                  FROM vqc.explain(s.name) AS l(line)) x,
       LATERAL (SELECT c.m > 0 AND CASE WHEN s.distributed THEN own = c.m AND win = 0 ELSE own = 0 AND win = c.m END AS ok) y;

-- the ranking expectation in a suite: its one aggregate over all queries
-- (vqc._ranking_metrics_all_soft, a state of its own type) runs on the
-- workers within the suite's one scan, for integer and text query columns
\o /dev/null
SELECT vqc.create_suite('ranking', 'people', key_columns => '{record_id}');
SELECT vqc.add_expectation('ranking', 'expect_ranking_metric_to_be_between',
                           '{"query": "age", "relevance": "score", "score": "income", "metric": "map", "k": 5, "min_value": 0}');
SELECT vqc.add_expectation('ranking', 'expect_ranking_metric_to_be_between',
                           '{"query": "gender", "relevance": "score", "score": "age", "metric": "ndcg", "k": 10, "max_value": 0.5}');
SELECT citus_copy_suite('ranking', 'ranking_part', 'people_part');
SELECT citus_copy_suite('ranking', 'ranking_plain', 'people_plain');
\o
SELECT citus_compare_suite('ranking suite (all queries in one aggregate)', 'ranking', 'ranking_plain');
SELECT citus_compare_suite('ranking suite, partitioned', 'ranking_part', 'ranking_plain');
INSERT INTO citus_result
SELECT format('ranking suite scan (%s): the all-queries aggregate on the workers', t), ok, ok,
       CASE WHEN NOT ok THEN left(plan, 600) END
  FROM unnest(ARRAY['people', 'people_part']) t,
       LATERAL (SELECT citus_suite_plan('ranking', t::regclass) AS plan) p,
       LATERAL (SELECT p.plan LIKE '%Custom Scan (Citus Adaptive)%' AND p.plan NOT ILIKE '%intermediate result%'
                       AND p.plan NOT ILIKE '%repartition%'
                       AND (SELECT count(*) FROM regexp_matches(p.plan, 'worker_partial_agg\([^)]*_ranking_metrics_all_soft', 'g')) > 0
                       AS ok) o;
