-- History checks (issue #13): a metric of this run against the suite's
-- earlier runs.  Histories are seeded by running a suite over changing data;
-- every expected number below is worked out by hand in the comments.
SET client_min_messages = warning;

CREATE TABLE hist_v (v float8);
INSERT INTO hist_v VALUES (0);
CREATE TABLE hist_rows (id int);

-- runs suite once per value of xs, with hist_v's one value set to it
CREATE FUNCTION hist_seed(suite text, xs float8[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE x float8;
BEGIN
    FOREACH x IN ARRAY xs LOOP
        UPDATE hist_v SET v = x;
        PERFORM * FROM vqc.run(suite);
    END LOOP;
END $$;

-- one run of suite with hist_v's value x: each result, its numbers rounded
CREATE FUNCTION hist_run(suite text, x float8)
RETURNS TABLE (pos int, status text, success boolean, observed float8, reason text, history int,
               expected numeric, lower_bound numeric, upper_bound numeric, change numeric)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE hist_v SET v = x;
    RETURN QUERY
    SELECT r.position, r.status, r.success, (r.observed_value #>> '{}')::float8,
           d ->> 'reason', (d ->> 'history_size')::int,
           round((d ->> 'expected')::numeric, 3), round((d ->> 'lower_bound')::numeric, 3),
           round((d ->> 'upper_bound')::numeric, 3), round((d ->> 'observed_change')::numeric, 3)
      FROM vqc.run(suite) r, LATERAL (SELECT r.result -> 'result' -> 'details' AS d) x
     ORDER BY r.position;
END $$;

-- adds an expectation to a suite (ids depend on the tests before this one)
CREATE FUNCTION hist_add(suite text, etype text, kwargs jsonb) RETURNS void LANGUAGE sql
AS $$ SELECT NULL::void FROM vqc.add_expectation(suite, etype, kwargs) $$;

SELECT expectation_type, kind, required_kwargs FROM vqc.expectation_catalog
 WHERE kind = 'history' ORDER BY 1;

-- ---------------------------------------------------------------------------
-- too short a history: passes, and says so; then a step
SELECT NULL FROM vqc.create_suite('hist_step', 'hist_v');
SELECT hist_add('hist_step', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "batch_normal", "warm_up": 3}');
SELECT hist_add('hist_step', 'expect_metric_change_to_be_between',
                           '{"metric": "mean", "column": "v", "change": "relative", "min_value": -0.2, "max_value": 0.2}');
-- no history at all
SELECT * FROM hist_run('hist_step', 10);
-- history 10, 12: two runs, batch_normal wants 3
SELECT * FROM hist_run('hist_step', 12);
SELECT NULL FROM hist_seed('hist_step', '{10, 12, 10}');
-- history 10 12 10 12 10: mean 10.8, sample sd sqrt(4.8/4) = 1.095, 3 sd = 3.286:
-- [7.514, 14.086]; 13 is normal; change against 10 is +30 %: too much
SELECT * FROM hist_run('hist_step', 13);
-- history 10 12 10 12 10 13: the step to 20 is anomalous (mean 11.167, sd
-- sqrt(8.833/5) = 1.329: [7.179, 15.154])
-- and +53.8 % from 13
SELECT * FROM hist_run('hist_step', 20);

-- ---------------------------------------------------------------------------
-- a trend in the row count: against the previous run, the mean of the last 3
-- runs, and absolute / relative rate of change
SELECT NULL FROM vqc.create_suite('hist_trend', 'hist_rows');
SELECT hist_add('hist_trend', 'expect_metric_change_to_be_between',
                           '{"metric": "row_count", "compare_to": "previous", "min_value": 0, "max_value": 1}');
SELECT hist_add('hist_trend', 'expect_metric_change_to_be_between',
                           '{"metric": "row_count", "compare_to": "mean_of_last_n", "n": 3, "change": "relative", "max_value": 0.5}');
SELECT hist_add('hist_trend', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "row_count", "strategy": "absolute_change", "min_value": 0, "max_value": 1}');
SELECT hist_add('hist_trend', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "row_count", "strategy": "relative_rate_of_change", "min_value": 1, "max_value": 1.25}');
DO $$ BEGIN
    FOR i IN 1 .. 5 LOOP
        INSERT INTO hist_rows VALUES (i);
        PERFORM * FROM vqc.run('hist_trend');
    END LOOP;
END $$;
-- history 1 2 3 4 5, now 6: +1 on 5; mean of 3 4 5 is 4, +50 %; 6 / 5 = 1.2
INSERT INTO hist_rows VALUES (6);
SELECT * FROM hist_run('hist_trend', 0);
-- now 8: +2 on 6; mean of 4 5 6 is 5, +60 %; 8 / 6 = 1.333
INSERT INTO hist_rows VALUES (7), (8);
SELECT * FROM hist_run('hist_trend', 0);

-- ---------------------------------------------------------------------------
-- a weekly season: five quiet days and two busy ones, three weeks of daily runs
SELECT NULL FROM vqc.create_suite('hist_season', 'hist_v');
SELECT hist_add('hist_season', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "holt_winters", "season": "weekly"}');
SELECT hist_add('hist_season', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "batch_normal"}');
SELECT NULL FROM hist_seed('hist_season', '{10, 11, 10, 9, 10, 30, 31, 11, 10, 10, 10, 9, 29, 30}');
-- fourteen runs: Holt-Winters has its two seasons; the next day is a quiet
-- Monday (statsmodels 0.13 forecasts 9.405, see test/oracle/history_vs_statsmodels.py)
SELECT pos, status, success, reason, history, expected FROM hist_run('hist_season', 10);
SELECT NULL FROM hist_seed('hist_season', '{11, 10, 9, 10, 31, 30}');
-- 21 runs: a Monday of 30 is an anomaly for Holt-Winters (statsmodels: forecast
-- 10.062, sse 10.655, sd sqrt(10.655/21) = 0.712: [7.925, 12.199]), not for
-- batch_normal (mean 331/21 = 15.762, sd 9.359: up to 43.839)
SELECT * FROM hist_run('hist_season', 30);
-- the same forecast from vqc.holt_winters on the series itself
SELECT round(forecast::numeric, 3) AS forecast, round(residual_sd::numeric, 3) AS residual_sd
  FROM vqc.holt_winters('{10, 11, 10, 9, 10, 30, 31, 11, 10, 10, 10, 9, 29, 30, 10, 11, 10, 9, 10, 31, 30}', 7);

-- ---------------------------------------------------------------------------
-- a single outlier: online_normal does not learn it (ignore_anomalies),
-- batch_normal does
SELECT NULL FROM vqc.create_suite('hist_outlier', 'hist_v');
SELECT hist_add('hist_outlier', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "online_normal", "warm_up": 3}');
SELECT hist_add('hist_outlier', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "online_normal", "warm_up": 3, "ignore_anomalies": false}');
SELECT hist_add('hist_outlier', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "batch_normal", "warm_up": 3}');
SELECT NULL FROM hist_seed('hist_outlier', '{10, 11, 9, 10, 100, 10, 11}');
-- online, 100 skipped: learnt 10 11 9 10 10 11, mean 10.167, sd sqrt(2.833/5) = 0.753:
-- [7.908, 12.425]; 13 is an anomaly.  Learning 100 too, or in one batch,
-- the sd is 33.96 (the same both ways) and 13 passes.
SELECT * FROM hist_run('hist_outlier', 13);

-- ---------------------------------------------------------------------------
-- gaps: a run where the check errors is not history; a window leaves out old runs
SELECT NULL FROM vqc.create_suite('hist_gaps', 'hist_v');
SELECT hist_add('hist_gaps', 'expect_metric_change_to_be_between',
                           '{"metric": "mean", "column": "v", "compare_to": "window", "window": "7 days", "max_value": 1}');
SELECT NULL FROM hist_seed('hist_gaps', '{50, 50}');
-- the two runs of 50 happened 30 days ago
UPDATE vqc_report.run SET started_at = started_at - interval '30 days' WHERE suite_name = 'hist_gaps';
-- today the column is not numeric for a while: the check errors
ALTER TABLE hist_v ALTER COLUMN v TYPE text;
SELECT status, success FROM vqc.run('hist_gaps');
ALTER TABLE hist_v ALTER COLUMN v TYPE float8 USING v::float8;
-- history: none within 7 days (the error run is no history)
SELECT * FROM hist_run('hist_gaps', 4);
-- history: 4; 5 is +1
SELECT * FROM hist_run('hist_gaps', 5);
-- history: 4, 5 (mean 4.5); 7 is +2.5
SELECT * FROM hist_run('hist_gaps', 7);

-- ---------------------------------------------------------------------------
-- the metric of another expectation of the suite, by its id
SELECT NULL FROM vqc.create_suite('hist_ref', 'hist_v');
SELECT vqc.add_expectation('hist_ref', 'expect_column_values_to_be_between',
                           '{"column": "v", "min_value": 0, "max_value": 10}') AS ref_id \gset
SELECT hist_add('hist_ref', 'expect_metric_change_to_be_between',
                           jsonb_build_object('metric', 'unexpected_percent', 'expectation_id', :ref_id,
                                              'max_value', 0));
SELECT NULL FROM hist_seed('hist_ref', '{5}');
SELECT * FROM hist_run('hist_ref', 50);
-- a reference to a later expectation, or to one of another suite, is an error of the check
SELECT hist_add('hist_ref', 'expect_metric_change_to_be_between',
                           jsonb_build_object('metric', 'observed_value', 'expectation_id', :ref_id + 1000,
                                              'max_value', 0));
SELECT pos, status, success FROM hist_run('hist_ref', 5);
SELECT regexp_replace(result -> 'exception_info' ->> 'exception_message', '[0-9]+', 'N')
  FROM vqc.run('hist_ref') WHERE position = 3;

-- ---------------------------------------------------------------------------
-- outside a suite (vqc.expect and the typed wrappers): this run's metric, and no history
SELECT x -> 'success' AS success, x -> 'result' AS result
  FROM (VALUES (vqc.expect('hist_v', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "batch_normal"}')),
               (vqc.expect_metric_change_to_be_between('hist_rows', 'row_count', max_value => 1)),
               -- simple thresholds need no history
               (vqc.expect_metric_to_not_be_anomalous('hist_v', 'null_fraction', 'simple_thresholds',
                                                      "column" => 'v', max_value => 0.1)),
               (vqc.expect_metric_to_not_be_anomalous('hist_rows', 'row_count', 'simple_thresholds',
                                                      max_value => 5))) v(x);

-- ---------------------------------------------------------------------------
-- the values of a history check are values (is_value); row counts of runs are not
SELECT DISTINCT m.metric_name, m.is_value FROM vqc_report.metric m
 WHERE m.suite_name = 'hist_step' AND (m.position IS NULL OR m.position = 1) ORDER BY 1;

-- ---------------------------------------------------------------------------
-- row-level security: a role that sees part of the table compares with its
-- own runs only, never with counts of rows it cannot see (nor they with its)
CREATE ROLE hist_partial;
GRANT SELECT ON hist_rows TO hist_partial;
ALTER TABLE hist_rows ENABLE ROW LEVEL SECURITY;
CREATE POLICY hist_rows_some ON hist_rows FOR SELECT TO hist_partial USING (id <= 3);
SET ROLE hist_partial;
-- without the report's grant it may not read the history: the checks are errors
SELECT position, status, result #>> '{exception_info,exception_message}' AS error
  FROM vqc.run('hist_trend') WHERE position IN (1, 3);
RESET ROLE;
GRANT SELECT ON ALL TABLES IN SCHEMA vqc_report TO hist_partial;
SET ROLE hist_partial;
-- 3 rows; none of the owner's runs count (nor this role's run with the errors)
SELECT position, status, success, observed_value, result #>> '{result,details,reason}' AS reason,
       result #>> '{result,details,history_size}' AS history
  FROM vqc.run('hist_trend') WHERE position IN (1, 3);
-- 3 rows again: its history is its own run of 3, and no change
SELECT position, status, success, observed_value, result #>> '{result,details,reason}' AS reason,
       result #>> '{result,details,history_size}' AS history
  FROM vqc.run('hist_trend') WHERE position IN (1, 3);
RESET ROLE;
REVOKE SELECT ON ALL TABLES IN SCHEMA vqc_report FROM hist_partial;
-- the owner sees all 8 rows; its history still is 1 2 3 4 5 6 8
SELECT position, status, success, observed_value, result #>> '{result,details,reason}' AS reason,
       result #>> '{result,details,history_size}' AS history
  FROM vqc.run('hist_trend') WHERE position IN (1, 3);
ALTER TABLE hist_rows DISABLE ROW LEVEL SECURITY;
DROP POLICY hist_rows_some ON hist_rows;
REVOKE SELECT ON hist_rows FROM hist_partial;

-- ---------------------------------------------------------------------------
-- bad input
-- each error as its SQLSTATE and message
CREATE FUNCTION hist_err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT hist_err($q$ SELECT vqc.expect('hist_v', 'expect_metric_change_to_be_between',
                  '{"metric": "observed_value", "expectation_id": 1, "max_value": 1}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "median_of_squares", "column": "v", "strategy": "batch_normal"}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "prophet"}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "online_normal", "warm_up": 10, "n": 5}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "holt_winters", "season": "daily", "n": 30}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "holt_winters"}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "batch_normal", "max_value": 3}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "simple_thresholds"}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_change_to_be_between',
                           '{"metric": "mean", "column": "v", "compare_to": "mean_of_last_n", "max_value": 3}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_change_to_be_between',
                           '{"metric": "mean", "column": "v", "compare_to": "yesterday", "max_value": 3}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_change_to_be_between',
                           '{"metric": "mean", "column": "v", "change": "squared", "max_value": 3}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_change_to_be_between',
                           '{"metric": "row_count", "column": "v", "max_value": 3}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_change_to_be_between',
                           '{"metric": "mean", "max_value": 3}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_change_to_be_between',
                           '{"metric": "mean", "column": "v", "compare_to": "window", "window": "soon", "max_value": 3}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_change_to_be_between',
                           '{"metric": "row_count", "min_value": 3, "max_value": 1}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_step', 'expect_metric_to_not_be_anomalous',
                           '{"metric": "mean", "column": "v", "strategy": "batch_normal", "lower_deviation_factor": -1}') $q$);
SELECT hist_err($q$ SELECT vqc.add_expectation('hist_trend', 'expect_metric_change_to_be_between',
                           '{"metric": "mean", "column": "nope", "max_value": 3}') $q$);
SELECT hist_err($q$ SELECT * FROM vqc.holt_winters('{1, 2, 3}', 2) $q$);

-- ---------------------------------------------------------------------------
-- the views for dashboards
SELECT suite_name, position, expectation_type, metric, strategy, value, round(expected::numeric, 3) AS expected,
       round(lower_bound::numeric, 3) AS lower_bound, round(upper_bound::numeric, 3) AS upper_bound,
       observed_change, reason
  FROM vqc_report.anomalies WHERE suite_name IN ('hist_season', 'hist_outlier', 'hist_gaps') ORDER BY run_id, position;
SELECT metric_name, expectation_type, value, round(lower_bound::numeric, 3) AS lower_bound,
       round(upper_bound::numeric, 3) AS upper_bound, status
  FROM vqc_report.metric_history
 WHERE suite_name = 'hist_outlier' AND run_id = (SELECT max(run_id) FROM vqc_report.run WHERE suite_name = 'hist_outlier')
 ORDER BY position NULLS FIRST, metric_name;
DROP ROLE hist_partial;
