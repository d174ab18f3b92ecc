-- Compound uniqueness planned from the statistics: when pg_stats says a
-- column of the list is unique and never NULL, the scan screens that column
-- alone (sharing the item of its own uniqueness check) and the combination
-- only in one more pass when that column repeats or holds a NULL.  Exact
-- either way.
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE cs (id bigint, grp int, tag text) WITH (autovacuum_enabled = off);
INSERT INTO cs SELECT g, g % 10, 't' || g % 7 FROM generate_series(1, 20000) g;
ANALYZE cs;
SELECT vqc._stats_unique_column('cs', '{grp,id}') AS screened, vqc._stats_unique_column('cs', '{grp,tag}') AS none;
SELECT vqc.create_suite('cs_suite', 'cs', key_columns => '{id}') > 0 AS created;
SELECT vqc.add_expectation('cs_suite', 'expect_column_values_to_be_unique', '{"column": "id"}') > 0 AS added;
SELECT vqc.add_expectation('cs_suite', 'expect_compound_columns_to_be_unique', '{"column_list": ["grp", "id"]}') > 0 AS added;
-- unique: one scan, no pass
SELECT position, status, unexpected_count FROM vqc.run('cs_suite') ORDER BY position;
SELECT scans FROM vqc_report.run WHERE suite_name = 'cs_suite' ORDER BY run_id DESC LIMIT 1;
-- the statistics are now wrong: a repeated id (a repeated combination too)
-- and a NULL id; the answers stay exact, through passes
INSERT INTO cs VALUES (5, 5, 'x'), (NULL, 1, 'y'), (NULL, 1, 'z');
SELECT position, status, unexpected_count FROM vqc.run('cs_suite') ORDER BY position;
SELECT (SELECT count(*) FROM (SELECT grp, id, count(*) OVER (PARTITION BY grp, id) AS c FROM cs) x WHERE c > 1) AS truth;
SELECT scans > 1 AS more_scans FROM vqc_report.run WHERE suite_name = 'cs_suite' ORDER BY run_id DESC LIMIT 1;
SELECT vqc.drop_suite('cs_suite');
DELETE FROM vqc_report.run WHERE suite_name = 'cs_suite';
DROP TABLE cs;
