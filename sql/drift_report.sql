-- Baselines and drift reports: profiles stored once, drift measured from one
-- scan of the current data; the drift expectation in a suite.
CREATE SCHEMA drift_report_test;
SET search_path = drift_report_test, public;
\set VERBOSITY terse
CREATE TABLE events (id int PRIMARY KEY, amount float8, kind text, flag boolean, note text);
-- baseline data: seeded, deterministic
INSERT INTO events
SELECT g, (g * 7919 % 1000)::float8, (ARRAY['a', 'b', 'c'])[1 + g % 3], g % 2 = 0, 'n' || (g % 50)
  FROM generate_series(1, 3000) g;
SELECT vqc.set_baseline('events', 'march') AS columns_profiled;
SELECT column_name, column_type, vqc.row_count(profile) FROM vqc.baseline WHERE label = 'march' ORDER BY column_name;
SELECT vqc.set_baseline('events', 'march_amount', '{amount}') AS columns_profiled;

-- unchanged data: nothing drifts
SELECT column_name, method_used, drifted, exact, error_message FROM vqc.drift_report('events', 'march');
SELECT baseline_label, rows_scanned, columns, drifted_columns, drift_share, dataset_drifted FROM vqc_report.drift_run ORDER BY drift_run_id;

-- shift the amounts, the kinds (a: 33 % -> 60 %) and the flags (true: 50 % -> 80 %):
-- those three drift, id and note do not, and 3 of 5 columns make the dataset drift
UPDATE events SET amount = amount + 300,
                  kind = CASE WHEN id % 10 < 4 THEN 'a' ELSE kind END,
                  flag = id % 10 < 8;
SELECT column_name, method_used, drifted FROM vqc.drift_report('events', 'march');
SELECT drifted_columns, columns, dataset_drifted FROM vqc_report.drift_run ORDER BY drift_run_id DESC LIMIT 1;
SELECT column_name, method_used, drifted FROM vqc.drift_report('events', 'march', 'psi');
SELECT count(*) AS reports FROM vqc_report.drift_run;
SELECT column_name, method, round(score::numeric, 4) AS score, round(p_value::numeric, 4) AS p_value, threshold, drifted
  FROM vqc_report.drift_result WHERE drift_run_id = (SELECT max(drift_run_id) FROM vqc_report.drift_run) ORDER BY column_name;

-- a dropped column is reported, not fatal
ALTER TABLE events DROP COLUMN note;
SELECT column_name, drifted, error_message FROM vqc.drift_report('events', 'march') WHERE column_name = 'note';

-- the drift expectation, evaluated in a suite's single scan
SELECT vqc.create_suite('events_drift', 'events') > 0 AS created;
SELECT vqc.add_expectation('events_drift', 'expect_column_drift_to_be_less_than', '{"column": "amount", "baseline": "march"}') > 0 AS added;
SELECT vqc.add_expectation('events_drift', 'expect_column_drift_to_be_less_than', '{"column": "flag", "baseline": "march", "method": "z_test"}') > 0 AS added;
SELECT "position", status, result #> '{result,details,method}' AS method FROM vqc.run('events_drift');
SELECT scans FROM vqc_report.run WHERE suite_name = 'events_drift';
SELECT vqc.drop_suite('events_drift');
DELETE FROM vqc_report.run WHERE suite_name = 'events_drift';

-- bad requests
SELECT vqc.drift_report('events', 'april');
SELECT vqc.expect('events', 'expect_column_drift_to_be_less_than', '{"column": "amount", "baseline": "april"}');
SELECT vqc.expect('events', 'expect_column_drift_to_be_less_than', '{"column": "kind", "baseline": "march_amount"}');
SELECT vqc.drift_report('events', 'march', drift_share => 0);
SELECT vqc.set_baseline('events', '');
SELECT vqc.drop_baseline('events', 'march') AS removed, vqc.drop_baseline('events', 'march') AS removed_again;
