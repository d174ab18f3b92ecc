-- Drift across tables and time windows: a baseline taken on one table
-- serves another with the same columns (option baseline_table), and two
-- time windows of one table compare in one scan without copying rows.
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE trips_jan AS SELECT g AS id, (g % 50)::float8 AS fare, (ARRAY['a', 'b'])[1 + g % 2] AS kind
  FROM generate_series(1, 5000) g;
CREATE TABLE trips_mar AS SELECT g AS id, (g % 50)::float8 * 1.5 AS fare, (ARRAY['a', 'b'])[1 + g % 2] AS kind
  FROM generate_series(1, 5000) g;
SELECT vqc.set_baseline('trips_jan', 'jan') AS baselined;
-- March against January's baseline: the fares drifted, the rest did not
SELECT column_name, method_used, drifted
  FROM vqc.drift_report('trips_mar', 'jan', options => '{"baseline_table": "trips_jan", "bins": 10}') ORDER BY column_name;
SELECT target_table, baseline_label, drifted_columns FROM vqc_report.drift_run ORDER BY drift_run_id DESC LIMIT 1;
-- the report records whose baseline it compared, and its page says so
SELECT target_schema, target_table, baseline_schema, baseline_table, baseline_target = 'trips_jan'::regclass AS baseline_oid
  FROM vqc_report.drift_run ORDER BY drift_run_id DESC LIMIT 1;
SELECT vqc.drift_html(drift_run_id) LIKE '%against baseline <b>jan</b> of <b>public.trips_jan</b>%' AS page_names_baseline
  FROM vqc_report.drift_run ORDER BY drift_run_id DESC LIMIT 1;
-- without the option, the table's own baseline
SELECT vqc.set_baseline('trips_mar', 'mar') AS baselined;
SELECT count(*) AS columns FROM vqc.drift_report('trips_mar', 'mar');
SELECT target_table, baseline_schema, baseline_table, baseline_target = target AS own_baseline
  FROM vqc_report.drift_run ORDER BY drift_run_id DESC LIMIT 1;
SELECT vqc.drop_baseline('trips_mar', 'mar') AS dropped;
-- the same scores as comparing the two tables' profiles directly
SELECT abs(r.score - (vqc.drift((SELECT profile FROM vqc.baseline WHERE target = 'trips_jan'::regclass AND label = 'jan' AND column_name = 'fare'),
                               (SELECT vqc.profile_agg(fare) FROM trips_mar), 'auto') ->> 'score')::float8) < 1e-12 AS same_score
  FROM vqc.drift_report('trips_mar', 'jan', options => '{"baseline_table": "public.trips_jan"}') r WHERE r.column_name = 'fare';
-- without the option the baseline is looked for on the checked table; bad names
DO $$
DECLARE
    o jsonb;
BEGIN
    FOREACH o IN ARRAY ARRAY['{}', '{"baseline_table": "no_such_table"}', '{"baseline_table": 7}']::jsonb[] LOOP
        BEGIN
            PERFORM vqc.drift_report('trips_mar', 'jan', options => o);
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING '%: %', SQLSTATE, SQLERRM;
        END;
    END LOOP;
END $$;

-- two windows of one table: the last week's values moved up
CREATE TABLE events AS
SELECT g AS id, '2026-01-31 12:00+00'::timestamptz - (g % 35) * interval '1 day' AS at,
       CASE WHEN g % 35 < 7 THEN g % 100 + 50 ELSE g % 100 END::float8 AS v, (ARRAY['x', 'y'])[1 + g % 2] AS tag
  FROM generate_series(1, 7000) g;
SELECT column_name, method_used, drifted, baseline_rows, current_rows
  FROM vqc.drift_windows('events', 'at', '2026-01-01', '2026-01-25', '2026-01-25', '2026-02-01')
 ORDER BY column_name;
-- the score equals vqc.drift of the two windows' profiles
SELECT abs(w.score - (vqc.drift((SELECT vqc.profile_agg(v) FROM events WHERE at >= '2026-01-01' AND at < '2026-01-25'),
                               (SELECT vqc.profile_agg(v) FROM events WHERE at >= '2026-01-25' AND at < '2026-02-01'), 'psi')
                     ->> 'score')::float8) < 1e-12 AS same_score
  FROM vqc.drift_windows('events', 'at', '2026-01-01', '2026-01-25', '2026-01-25', '2026-02-01', '{v}', 'psi') w;
-- an empty window has no score; bad arguments
SELECT column_name, score, baseline_rows, current_rows
  FROM vqc.drift_windows('events', 'at', '2025-01-01', '2025-02-01', '2026-01-25', '2026-02-01', '{v}');
DO $$
BEGIN
    PERFORM vqc.drift_windows('events', 'tag', '2026-01-01', '2026-01-25', '2026-01-25', '2026-02-01');
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING '%: %', SQLSTATE, SQLERRM;
END $$;
DO $$
BEGIN
    PERFORM vqc.drift_windows('events', 'at', '2026-01-01', '2026-01-25', '2026-01-25', '2026-02-01', '{nope}');
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING '%: %', SQLSTATE, SQLERRM;
END $$;
DELETE FROM vqc_report.drift_run WHERE target_table = 'trips_mar';
SELECT vqc.drop_baseline('trips_jan', 'jan');
DROP TABLE trips_jan, trips_mar, events;
