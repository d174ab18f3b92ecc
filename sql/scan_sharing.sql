-- The scan's shared work (issue #11): a row_condition's two counts in one
-- aggregate (vqc._scope_counts); a column's uniqueness read from the
-- compound screen keyed by it (vqc.hash_set_key_duplicates); a tally's
-- value and row key built only for the rows it keeps (vqc._sample_slot).
-- Every answer is checked against plain SQL, serial and in a forced
-- parallel plan.
\set VERBOSITY terse
CREATE SCHEMA scan_sharing;
SET search_path = scan_sharing, public;
-- id: 1..60000 with 40 planted repeats (ids 1..40 again), never NULL; grp
-- NOT NULL; (grp, id) repeats twice (ids 1..2 with the same grp)
CREATE TABLE t (id int NOT NULL, grp int NOT NULL, v int, s text);
INSERT INTO t SELECT g, g % 7, CASE WHEN g % 13 = 0 THEN NULL ELSE g % 100 END,
                     CASE WHEN g % 3 = 0 THEN 'a' ELSE 'b' END
  FROM generate_series(1, 60000) g;
INSERT INTO t SELECT g, CASE WHEN g <= 2 THEN g % 7 ELSE (g % 7) + 1 END, 5, 'a' FROM generate_series(1, 40) g;
ANALYZE t;

-- _scope_counts equals count(*) and count(v) under the same FILTER
SELECT vqc._scope_counts(v IS NOT NULL) FILTER (WHERE s = 'a') AS scope,
       ARRAY[count(*) FILTER (WHERE s = 'a'), count(v) FILTER (WHERE s = 'a')] AS plain
  FROM t;
-- a state that is not two non-negative counts is refused
SELECT vqc._scope_counts_transfn('{1,2,3}', true);
SELECT vqc._scope_counts_transfn('{1,2}', true);
SELECT vqc._scope_counts_combinefn('{5,1}', '{-1,0}');
SELECT vqc._scope_counts_transfn('{4,2}', true), vqc._scope_counts_combinefn('{4,2}', '{3,3}');

-- key duplicates of the keyed screen = duplicates of the key's own screen = GROUP BY
SELECT vqc.hash_set_key_duplicates(vqc.hash_set_agg(id, grp::bigint), 1000)
         = vqc.hash_set_duplicates(vqc.hash_set_agg(id), 1000) AS same_as_own_screen,
       vqc.hash_set_key_duplicates(vqc.hash_set_agg(id, grp::bigint), 1000)
         = (SELECT array_agg(ARRAY[id::bigint, c] ORDER BY id) FROM (SELECT id, count(*) c FROM t GROUP BY id HAVING count(*) > 1) d)
           AS same_as_group_by,
       vqc.hash_set_key_duplicates(vqc.hash_set_agg(id, grp::bigint), 10) AS over_max_keys
  FROM t;
SELECT vqc.hash_set_key_duplicates(vqc.hash_set_agg(id), 10) FROM t;   -- not keyed: refused
SELECT vqc.hash_set_key_duplicates(vqc.hash_set_agg(id, grp::bigint), -1) FROM t;

-- a suite with both: one screen, the note says so, the answers are GROUP BY's
SELECT vqc.create_suite('sharing', 'scan_sharing.t', key_columns => '{id}') > 0 AS created;
SELECT vqc.add_expectation('sharing', 'expect_column_values_to_be_unique', '{"column": "id"}') > 0,
       vqc.add_expectation('sharing', 'expect_compound_columns_to_be_unique', '{"column_list": ["grp", "id"]}') > 0,
       vqc.add_expectation('sharing', 'expect_column_values_to_be_between',
                           '{"column": "v", "min_value": 0, "max_value": 50, "row_condition": "col(\"s\") == \"a\"", "condition_parser": "great_expectations"}') > 0,
       vqc.add_expectation('sharing', 'expect_column_values_to_be_between', '{"column": "v", "min_value": 0, "max_value": 10}') > 0;
SELECT line FROM vqc.explain('sharing') AS line WHERE line LIKE 'Note:%';
CREATE FUNCTION pg_temp.answers() RETURNS TABLE (pos int, success boolean, element_count bigint, unexpected_count bigint,
                                                  missing_count bigint, samples int, keys_ok boolean)
LANGUAGE sql AS $$
    SELECT "position", success, (result #>> '{result,element_count}')::bigint, unexpected_count,
           (result #>> '{result,missing_count}')::bigint, jsonb_array_length(result #> '{result,partial_unexpected_list}'),
           -- each sample's row key names a row of the table
           (SELECT bool_and((SELECT count(*) FROM scan_sharing.t x WHERE x.id = (u ->> 'id')::int) > 0)
              FROM jsonb_array_elements(result #> '{result,partial_unexpected_index_list}') u)
      FROM vqc.run('sharing')
$$;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_run AS SELECT * FROM pg_temp.answers();
SELECT * FROM serial_run ORDER BY pos;
-- the same from SQL: 80 rows in 40 repeated ids; 2 rows in a repeated (grp, id);
-- the conditioned check's counts; the unconditioned one's failures
SELECT (SELECT sum(c) FROM (SELECT count(*) c FROM t GROUP BY id HAVING count(*) > 1) d) AS unique_unexpected,
       (SELECT sum(c) FROM (SELECT count(*) c FROM t GROUP BY grp, id HAVING count(*) > 1) d) AS compound_unexpected,
       (SELECT count(*) FROM t WHERE s = 'a') AS cond_rows,
       (SELECT count(*) FROM t WHERE s = 'a' AND v IS NULL) AS cond_missing,
       (SELECT count(*) FROM t WHERE s = 'a' AND v > 50) AS cond_unexpected,
       (SELECT count(*) FROM t WHERE v > 10) AS plain_unexpected;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT line FROM vqc.explain('sharing') AS line WHERE line LIKE '%Partial Aggregate%';
SELECT pos, p.success = s.success AND p.element_count IS NOT DISTINCT FROM s.element_count
            AND p.unexpected_count IS NOT DISTINCT FROM s.unexpected_count
            AND p.missing_count IS NOT DISTINCT FROM s.missing_count AND p.samples IS NOT DISTINCT FROM s.samples
            AND p.keys_ok IS NOT DISTINCT FROM s.keys_ok AS same
  FROM pg_temp.answers() p JOIN serial_run s USING (pos) ORDER BY pos;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- _sample_slot: open for the first cap calls of its call site, then shut
SELECT count(*) FILTER (WHERE o) AS opened, count(*) FILTER (WHERE NOT o) AS shut
  FROM (SELECT vqc._sample_slot(20) AS o FROM generate_series(1, 1000)) x;
SELECT count(*) FILTER (WHERE o) AS opened FROM (SELECT vqc._sample_slot(0) AS o FROM generate_series(1, 10)) x;
-- the tally of 1 000 failing rows with its arguments guarded keeps the same
-- 20 samples as unguarded, and counts every row
SELECT vqc.tally_count(g) = vqc.tally_count(p) AS same_count, vqc.tally_count(g) AS count,
       (SELECT array_agg(ROW(x.value, x.row_key)::text ORDER BY x.ordinality) FROM vqc.tally_samples(g) x)
         = (SELECT array_agg(ROW(x.value, x.row_key)::text ORDER BY x.ordinality) FROM vqc.tally_samples(p) x) AS same_samples,
       (SELECT count(*) FROM vqc.tally_samples(g) x WHERE x.value IS NULL OR x.row_key IS NULL) AS null_samples
  FROM (SELECT vqc.tally(CASE WHEN vqc._sample_slot(20) THEN id::text END, CASE WHEN vqc._sample_slot(20) THEN id::text END, 20)
                 FILTER (WHERE v > 10) AS g,
               vqc.tally(id::text, id::text, 20) FILTER (WHERE v > 10) AS p
          FROM (SELECT * FROM t ORDER BY id LIMIT 2000) o) x;

DROP SCHEMA scan_sharing CASCADE;
