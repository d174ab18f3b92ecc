-- report.sql: the quality report (schema vqc_report) that every run writes and
-- dashboards read.  All rows of one run are written in the run's transaction.
--
-- Privileges (README, "Security"): nobody but the extension's owner writes
-- these tables; vqc's functions write them through vqc_with_caller
-- (privilege.c), recording the real caller.  PUBLIC has no privilege on
-- them: a DBA grants SELECT to report readers.  What a report reader sees is
-- in two tiers:
--   counts, percents, pass/fail, names and kwargs: every row of run, result,
--     metric (not is_value), drift_run and drift_result;
--   row values (samples, observed values, GE's full result, statistics that
--     are values, profiles, drift details): rows of result_detail,
--     unexpected, metric (is_value), profile and drift_detail, each carrying
--     its table's OID and name, visible through row-level security only to
--     roles for which vqc_report.may_read_values() holds now.

-- May the current role see row values stored from this table?  See
-- privilege.c: SELECT on it now, the same OID and name as when stored, and
-- no row-level security applying to the role on it.
CREATE FUNCTION vqc_report.may_read_values(target regclass, target_schema name, target_table name)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_may_read_values'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc_report.may_read_values(regclass, name, name) IS
    'Whether the current role may see row values vqc stored from a table: SELECT on it now, still the same table (OID and name), and no row-level security applying to the role on it.';

CREATE TABLE vqc_report.run (
    run_id                     bigserial PRIMARY KEY,
    suite_name                 text NOT NULL,
    target_schema              name NOT NULL,
    target_table               name NOT NULL,
    started_at                 timestamptz NOT NULL,
    finished_at                timestamptz NOT NULL,
    rows_scanned               bigint,
    scans                      integer NOT NULL,
    success                    boolean NOT NULL,
    evaluated_expectations     integer NOT NULL,
    successful_expectations    integer NOT NULL,
    unsuccessful_expectations  integer NOT NULL,
    error_expectations         integer NOT NULL,
    success_percent            double precision,
    run_by                     name NOT NULL,
    target                     regclass,
    suite_id                   bigint,
    row_security               boolean NOT NULL DEFAULT false
);
CREATE INDEX ON vqc_report.run (suite_name, started_at DESC);
COMMENT ON TABLE vqc_report.run IS 'One row per vqc.run() of a suite.';
COMMENT ON COLUMN vqc_report.run.row_security IS
    'The runner saw the table through row-level security: the counts are of the rows visible to run_by.';

CREATE TABLE vqc_report.result (
    run_id              bigint NOT NULL REFERENCES vqc_report.run ON DELETE CASCADE,
    position            integer NOT NULL,
    expectation_id      bigint,
    expectation_type    text NOT NULL,
    column_name         text,
    kwargs              jsonb NOT NULL,
    status              text NOT NULL CHECK (status IN ('success', 'failure', 'error')),
    success             boolean,
    element_count       bigint,
    missing_count       bigint,
    missing_percent     double precision,
    unexpected_count    bigint,
    unexpected_percent  double precision,
    error_message       text,
    PRIMARY KEY (run_id, position)
);
COMMENT ON TABLE vqc_report.result IS
    'One row per expectation per run: status and counts (values are in result_detail).';
COMMENT ON COLUMN vqc_report.result.kwargs IS
    'The expectation''s kwargs, clipped: strings to vqc.sample_value_max_bytes, arrays to 20 elements (vqc.suite_expectation has them whole).';

CREATE TABLE vqc_report.result_detail (
    run_id          bigint NOT NULL,
    position        integer NOT NULL,
    target          regclass NOT NULL,
    target_schema   name NOT NULL,
    target_table    name NOT NULL,
    observed_value  jsonb,
    result          jsonb NOT NULL,
    PRIMARY KEY (run_id, position),
    FOREIGN KEY (run_id, position) REFERENCES vqc_report.result ON DELETE CASCADE
);
COMMENT ON TABLE vqc_report.result_detail IS
    'The observed value and Great Expectations'' full validation result of each result; visible only where vqc_report.may_read_values() holds.';

CREATE TABLE vqc_report.unexpected (
    run_id         bigint NOT NULL,
    position       integer NOT NULL,
    ordinality     integer NOT NULL,
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    column_name    text,
    value          text,
    value_clipped  boolean NOT NULL DEFAULT false,
    row_key        jsonb,
    target         regclass NOT NULL,
    PRIMARY KEY (run_id, position, ordinality),
    FOREIGN KEY (run_id, position) REFERENCES vqc_report.result ON DELETE CASCADE
);
COMMENT ON TABLE vqc_report.unexpected IS
    'Failing values with their row keys; visible only where vqc_report.may_read_values() holds.';

-- Metric history: every observed number of every run, for trends and anomaly checks.
CREATE TABLE vqc_report.metric (
    run_id         bigint NOT NULL REFERENCES vqc_report.run ON DELETE CASCADE,
    position       integer,
    suite_name     text NOT NULL,
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    column_name    text,
    metric_name    text NOT NULL,
    value          double precision,
    recorded_at    timestamptz NOT NULL,
    target         regclass,
    is_value       boolean NOT NULL DEFAULT false
);
CREATE INDEX ON vqc_report.metric (suite_name, metric_name, column_name, recorded_at);
CREATE INDEX ON vqc_report.metric (run_id);
COMMENT ON TABLE vqc_report.metric IS 'Numbers observed by each run (counts, percents, statistics).';
COMMENT ON COLUMN vqc_report.metric.is_value IS
    'The number is a statistic of the column''s values (min, max, mean, quantile, ...): visible only where vqc_report.may_read_values() holds.';

-- Column profiles of each run: the history that drift and anomaly checks read.
CREATE TABLE vqc_report.profile (
    run_id         bigint NOT NULL REFERENCES vqc_report.run ON DELETE CASCADE,
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    column_name    text NOT NULL,
    column_type    text NOT NULL,
    profile        vqc.profile NOT NULL,
    target         regclass NOT NULL,
    PRIMARY KEY (run_id, column_name)
);
COMMENT ON TABLE vqc_report.profile IS
    'Column profiles taken by each run (suite option profile_columns); visible only where vqc_report.may_read_values() holds.';

ALTER TABLE vqc_report.result_detail ENABLE ROW LEVEL SECURITY;
CREATE POLICY result_detail_readers ON vqc_report.result_detail FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
ALTER TABLE vqc_report.unexpected ENABLE ROW LEVEL SECURITY;
CREATE POLICY unexpected_readers ON vqc_report.unexpected FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
ALTER TABLE vqc_report.metric ENABLE ROW LEVEL SECURITY;
CREATE POLICY metric_readers ON vqc_report.metric FOR SELECT
    USING (NOT is_value OR vqc_report.may_read_values(target, target_schema, target_table));
ALTER TABLE vqc_report.profile ENABLE ROW LEVEL SECURITY;
CREATE POLICY profile_readers ON vqc_report.profile FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));

SELECT pg_catalog.pg_extension_config_dump('vqc_report.run', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.run_run_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.result', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.result_detail', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.unexpected', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.metric', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.profile', '');

-- The views run with the reader's rights (security_invoker), so the
-- row-level security above applies to them as to the tables.

-- Every result with its run, and its values where the reader may see them.
CREATE VIEW vqc_report.results WITH (security_invoker = true) AS
SELECT r.suite_name, r.target_schema, r.target_table, r.run_id, r.started_at, r.run_by,
       res.position, res.expectation_id, res.expectation_type, res.column_name,
       res.status, res.success, d.observed_value, res.element_count,
       res.missing_count, res.missing_percent, res.unexpected_count, res.unexpected_percent,
       res.error_message, res.kwargs, d.result
FROM vqc_report.run r
JOIN vqc_report.result res USING (run_id)
LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position;
COMMENT ON VIEW vqc_report.results IS
    'Every result with its run; observed_value and result (GE''s full result) are NULL where the reader may not see the table''s values.';

-- Latest result of each expectation of each suite.
CREATE VIEW vqc_report.latest_results WITH (security_invoker = true) AS
SELECT DISTINCT ON (r.suite_name, res.position)
       r.suite_name, r.target_schema, r.target_table, r.run_id, r.started_at,
       res.position, res.expectation_id, res.expectation_type, res.column_name,
       res.status, res.success, d.observed_value, res.element_count,
       res.missing_count, res.unexpected_count, res.unexpected_percent,
       res.error_message, res.kwargs
FROM vqc_report.run r
JOIN vqc_report.result res USING (run_id)
LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
WHERE r.run_id = (SELECT max(r2.run_id) FROM vqc_report.run r2 WHERE r2.suite_name = r.suite_name)
ORDER BY r.suite_name, res.position, r.run_id DESC;
COMMENT ON VIEW vqc_report.latest_results IS
    'The latest result of each expectation of each suite (observed_value NULL where the reader may not see the table''s values).';

-- One line per run, for dashboards.
CREATE VIEW vqc_report.run_summary WITH (security_invoker = true) AS
SELECT run_id, suite_name, target_schema, target_table, started_at,
       finished_at - started_at AS duration, rows_scanned, scans, success,
       evaluated_expectations, successful_expectations, unsuccessful_expectations,
       error_expectations, success_percent, run_by
FROM vqc_report.run;
COMMENT ON VIEW vqc_report.run_summary IS 'Every run with its duration and counts.';

-- The latest profile of each profiled column of each suite, summarized.
CREATE VIEW vqc_report.latest_profiles WITH (security_invoker = true) AS
SELECT r.suite_name, p.target_schema, p.target_table, p.column_name, p.column_type, r.run_id, r.started_at,
       vqc.row_count(p.profile) AS row_count, vqc.null_fraction(p.profile) AS null_fraction,
       vqc.ndistinct(p.profile) AS ndistinct, vqc.mean(p.profile) AS mean, vqc.stddev(p.profile) AS stddev,
       vqc.quantile(p.profile, 0.5) AS median, vqc.min_value(p.profile) AS min_value,
       vqc.max_value(p.profile) AS max_value, p.profile
FROM vqc_report.run r
JOIN vqc_report.profile p USING (run_id)
WHERE r.run_id = (SELECT max(r2.run_id) FROM vqc_report.run r2
                   JOIN vqc_report.profile p2 USING (run_id)
                   WHERE r2.suite_name = r.suite_name);
COMMENT ON VIEW vqc_report.latest_profiles IS 'The latest profile of each profiled column of each suite (row-level security applies).';
