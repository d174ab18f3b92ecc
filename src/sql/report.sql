-- report.sql: the quality report (schema vqc_report) that every run writes and
-- dashboards read.  All rows of one run are written in the run's transaction.

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
    run_by                     name NOT NULL DEFAULT current_user
);
CREATE INDEX ON vqc_report.run (suite_name, started_at DESC);
COMMENT ON TABLE vqc_report.run IS 'One row per vqc.run() of a suite.';

CREATE TABLE vqc_report.result (
    run_id              bigint NOT NULL REFERENCES vqc_report.run ON DELETE CASCADE,
    position            integer NOT NULL,
    expectation_id      bigint,
    expectation_type    text NOT NULL,
    column_name         text,
    kwargs              jsonb NOT NULL,
    status              text NOT NULL CHECK (status IN ('success', 'failure', 'error')),
    success             boolean,
    observed_value      jsonb,
    element_count       bigint,
    missing_count       bigint,
    missing_percent     double precision,
    unexpected_count    bigint,
    unexpected_percent  double precision,
    error_message       text,
    result              jsonb NOT NULL,
    PRIMARY KEY (run_id, position)
);
COMMENT ON TABLE vqc_report.result IS
    'One row per expectation per run, with the Great Expectations validation result.';

-- Failing samples are row values: readers see them only for tables they may read.
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
    PRIMARY KEY (run_id, position, ordinality),
    FOREIGN KEY (run_id, position) REFERENCES vqc_report.result ON DELETE CASCADE
);
COMMENT ON TABLE vqc_report.unexpected IS
    'Failing values with their row keys; visible only to roles that may SELECT the checked table.';

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
    recorded_at    timestamptz NOT NULL
);
CREATE INDEX ON vqc_report.metric (suite_name, metric_name, column_name, recorded_at);
CREATE INDEX ON vqc_report.metric (run_id);
COMMENT ON TABLE vqc_report.metric IS 'Numbers observed by each run (counts, percents, statistics).';

-- Column profiles of each run: the history that drift and anomaly checks read.
-- A profile holds row values (min, max, frequent values), so it is protected
-- like the failing samples.
CREATE TABLE vqc_report.profile (
    run_id         bigint NOT NULL REFERENCES vqc_report.run ON DELETE CASCADE,
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    column_name    text NOT NULL,
    column_type    text NOT NULL,
    profile        vqc.profile NOT NULL,
    PRIMARY KEY (run_id, column_name)
);
COMMENT ON TABLE vqc_report.profile IS
    'Column profiles taken by each run (suite option profile_columns); visible only to roles that may SELECT the table.';

-- May the current role read the table a sample came from?  NULL-safe when the
-- table is gone (then nobody but the owner of the report sees its samples).
CREATE FUNCTION vqc_report.may_read_table(target_schema name, target_table name)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(has_table_privilege(
               to_regclass(format('%I.%I', target_schema, target_table))::oid, 'SELECT'), false)
$$;

ALTER TABLE vqc_report.profile ENABLE ROW LEVEL SECURITY;
CREATE POLICY profile_readers ON vqc_report.profile
    FOR SELECT USING (vqc_report.may_read_table(target_schema, target_table));
CREATE POLICY profile_writers ON vqc_report.profile
    FOR INSERT WITH CHECK (vqc_report.may_read_table(target_schema, target_table));

ALTER TABLE vqc_report.unexpected ENABLE ROW LEVEL SECURITY;
CREATE POLICY unexpected_readers ON vqc_report.unexpected
    FOR SELECT USING (vqc_report.may_read_table(target_schema, target_table));
CREATE POLICY unexpected_writers ON vqc_report.unexpected
    FOR INSERT WITH CHECK (vqc_report.may_read_table(target_schema, target_table));

-- Runs write as the caller; anyone may read the report, nobody but the owner rewrites it.
GRANT SELECT, INSERT ON vqc_report.run, vqc_report.result, vqc_report.unexpected,
    vqc_report.metric, vqc_report.profile TO PUBLIC;
GRANT USAGE ON SEQUENCE vqc_report.run_run_id_seq TO PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('vqc_report.run', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.run_run_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.result', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.unexpected', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.metric', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.profile', '');

-- Latest result of each expectation of each suite.
CREATE VIEW vqc_report.latest_results AS
SELECT DISTINCT ON (r.suite_name, res.position)
       r.suite_name, r.target_schema, r.target_table, r.run_id, r.started_at,
       res.position, res.expectation_id, res.expectation_type, res.column_name,
       res.status, res.success, res.observed_value, res.element_count,
       res.missing_count, res.unexpected_count, res.unexpected_percent,
       res.error_message, res.kwargs
FROM vqc_report.run r
JOIN vqc_report.result res USING (run_id)
WHERE r.run_id = (SELECT max(r2.run_id) FROM vqc_report.run r2 WHERE r2.suite_name = r.suite_name)
ORDER BY r.suite_name, res.position, r.run_id DESC;
COMMENT ON VIEW vqc_report.latest_results IS 'The latest result of each expectation of each suite.';

-- One line per run, for dashboards.
CREATE VIEW vqc_report.run_summary AS
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

GRANT SELECT ON vqc_report.latest_results, vqc_report.run_summary, vqc_report.latest_profiles TO PUBLIC;
