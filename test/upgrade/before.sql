-- before.sql: vqc data made under a released version (run.sh has just created the
-- extension at that version and loaded test/fixtures/people.sql into schema
-- upgrade_data): a suite with its runs, results and profiles, baselines and a
-- drift report, and baselines stored by 0.1.0's C code (fixture-0.1.0.sql).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET search_path = upgrade_data;
-- one plan for each run, so that runs before and after the upgrade agree
SET max_parallel_workers_per_gather = 0;

CREATE TABLE small AS SELECT * FROM people WHERE record_id <= 500;

-- profiles as 0.1.0's C code stored them, carried here byte for byte into a
-- column of type vqc.profile (as any table of the user's may hold them)
CREATE TABLE old_baseline (target_table name, column_name text, column_type text,
                           stored_bytes bytea, text_form text, summary jsonb);
\ir fixture-0.1.0.sql
ALTER TABLE old_baseline ADD COLUMN stored vqc.profile;
UPDATE old_baseline SET stored = from_stored_bytes(stored_bytes);

-- a suite, with a drift expectation on a baseline, run twice
\ir ../fixtures/people_suite.sql
SELECT vqc.set_baseline('people', 'before', '{age,income,gender,email}');
SELECT vqc.add_expectation('people_daily', 'expect_column_drift_to_be_less_than',
                           '{"column": "income", "baseline": "before", "method": "psi"}');
SELECT count(*) FROM vqc.run('people_daily');
CREATE TABLE run_before AS
SELECT position, expectation_type, column_name, status, success, observed_value, unexpected_count
  FROM vqc.run('people_daily');
SELECT count(*) FROM vqc.drift_report('people', 'before');
