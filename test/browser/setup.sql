-- The pages the browser test renders: the demo's suite run four times (the
-- data changing between runs, so the trends have points and anomalies), a
-- drift expectation and a drift report against a baseline of the first
-- state.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\ir ../fixtures/people_suite.sql
SELECT vqc.set_baseline('people', 'browser', '{age,income,gender,email}');
SELECT vqc.add_expectation('people_daily', 'expect_column_drift_to_be_less_than',
                           '{"column": "income", "baseline": "browser", "method": "psi"}');
SELECT count(*) FROM vqc.run('people_daily');
UPDATE people SET income = income * 1.15 WHERE record_id % 3 = 0;
SELECT count(*) FROM vqc.run('people_daily');
UPDATE people SET age = NULL WHERE record_id % 50 = 0;
SELECT count(*) FROM vqc.run('people_daily');
UPDATE people SET income = income * 1.3 WHERE record_id % 2 = 0;
SELECT count(*) FROM vqc.run('people_daily');
SELECT count(*) FROM vqc.drift_report('people', 'browser');
