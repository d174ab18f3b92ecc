-- Prints a readable report of one run of people_daily.
\pset footer off
\set QUIET on
CREATE TEMP TABLE demo_run AS SELECT * FROM vqc.run('people_daily');
\set QUIET off

\echo
\echo '== run'
SELECT run_id, suite_name, target_table, rows_scanned, scans, success,
       successful_expectations || ' / ' || evaluated_expectations AS passed,
       round(extract(epoch FROM finished_at - started_at)::numeric * 1000, 1) AS ms
  FROM vqc_report.run WHERE run_id = (SELECT max(run_id) FROM demo_run);

\echo '== checks'
SELECT "position" AS "#",
       replace(expectation_type, 'expect_', '') AS check,
       coalesce(column_name, '(table)') AS column,
       upper(status) AS status,
       coalesce(observed_value::text,
                unexpected_count || ' unexpected (' || round(unexpected_percent::numeric, 4) || ' %)') AS observed
  FROM demo_run ORDER BY "position";

\echo '== failing samples (first 3 of each check, with row keys)'
SELECT u.position AS "#", u.column_name AS column, coalesce(u.value, 'NULL') AS value, u.row_key
  FROM vqc_report.unexpected u
 WHERE u.run_id = (SELECT max(run_id) FROM demo_run) AND u.ordinality <= 3
 ORDER BY u.position, u.ordinality;

\echo '== column profiles taken in the same scan'
SELECT column_name AS column, row_count AS rows, round(null_fraction::numeric, 4) AS null_fraction,
       round(ndistinct::numeric) AS distinct, round(mean::numeric, 2) AS mean, round(median::numeric, 2) AS median,
       min_value AS min, max_value AS max
  FROM vqc_report.latest_profiles WHERE suite_name = 'people_daily' ORDER BY column_name;

\echo '== a suite proposed from one profile pass (first 8 suggestions)'
SELECT e ->> 'type' AS type, e -> 'kwargs' AS kwargs
  FROM jsonb_array_elements(vqc.suggest_expectations('people') -> 'expectations') WITH ORDINALITY AS x(e, o)
 WHERE o <= 8 ORDER BY o;
