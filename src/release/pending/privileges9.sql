-- ------------------------------------------------------------------------
-- The privilege model (issue #9): row values in their own tables behind
-- vqc_report.may_read_values(), the report written only by vqc's writers,
-- suites and baselines by OID and owned, scheduled jobs run as the owner.
-- Data stored by 0.1.0 is bound to the table that has its schema and name
-- now (0.1.0 kept no OID): the same rows stay visible to the same roles as
-- before the upgrade, and from now on a table is followed by OID.  A table
-- that is gone gets OID 0, which no role may read.
-- ------------------------------------------------------------------------

CREATE FUNCTION vqc_report.may_read_values(target regclass, target_schema name, target_table name)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_may_read_values'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc_report.may_read_values(regclass, name, name) IS
    'Whether the current role may see row values vqc stored from a table: SELECT on it now, still the same table (OID and name), and no row-level security applying to the role on it.';

-- the table named schema.name now, or OID 0
CREATE FUNCTION vqc_report.__upgrade_target(target_schema name, target_table name)
RETURNS regclass
LANGUAGE sql STABLE
AS $$ SELECT coalesce(pg_catalog.to_regclass(pg_catalog.format('%I.%I', target_schema, target_table)), 0::pg_catalog.oid::pg_catalog.regclass) $$;

-- the old policies and their function
DROP POLICY profile_readers ON vqc_report.profile;
DROP POLICY profile_writers ON vqc_report.profile;
DROP POLICY unexpected_readers ON vqc_report.unexpected;
DROP POLICY unexpected_writers ON vqc_report.unexpected;
DROP POLICY baseline_readers ON vqc.baseline;
DROP POLICY baseline_writers ON vqc.baseline;
DROP POLICY suite_read ON vqc.suite;
DROP POLICY suite_insert ON vqc.suite;
DROP POLICY suite_update ON vqc.suite;
DROP POLICY suite_delete ON vqc.suite;
DROP POLICY suite_expectation_read ON vqc.suite_expectation;
DROP POLICY suite_expectation_write ON vqc.suite_expectation;
DROP FUNCTION vqc_report.may_read_table(name, name);

-- nobody but the extension's owner writes; the report is read where a DBA grants it
REVOKE ALL ON vqc_report.run, vqc_report.result, vqc_report.unexpected, vqc_report.metric,
    vqc_report.profile, vqc_report.drift_run, vqc_report.drift_result,
    vqc_report.latest_results, vqc_report.run_summary, vqc_report.latest_profiles FROM PUBLIC;
REVOKE ALL ON SEQUENCE vqc_report.run_run_id_seq, vqc_report.drift_run_drift_run_id_seq,
    vqc.suite_suite_id_seq, vqc.suite_expectation_expectation_id_seq FROM PUBLIC;
REVOKE INSERT, UPDATE, DELETE ON vqc.suite, vqc.suite_expectation, vqc.baseline FROM PUBLIC;

-- run
ALTER TABLE vqc_report.run ALTER COLUMN run_by DROP DEFAULT;
ALTER TABLE vqc_report.run ADD COLUMN target regclass, ADD COLUMN suite_id bigint,
    ADD COLUMN row_security boolean NOT NULL DEFAULT false;
UPDATE vqc_report.run r SET target = vqc_report.__upgrade_target(r.target_schema, r.target_table),
                            suite_id = (SELECT s.suite_id FROM vqc.suite s WHERE s.name = r.suite_name);
COMMENT ON COLUMN vqc_report.run.row_security IS
    'The runner saw the table through row-level security: the counts are of the rows visible to run_by.';

-- result: its row values move to result_detail
DROP VIEW vqc_report.latest_results;
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
INSERT INTO vqc_report.result_detail (run_id, position, target, target_schema, target_table, observed_value, result)
SELECT res.run_id, res.position, r.target, r.target_schema, r.target_table, res.observed_value, res.result
  FROM vqc_report.result res JOIN vqc_report.run r USING (run_id);
ALTER TABLE vqc_report.result DROP COLUMN observed_value, DROP COLUMN result;
COMMENT ON TABLE vqc_report.result IS
    'One row per expectation per run: status and counts (values are in result_detail).';
COMMENT ON COLUMN vqc_report.result.kwargs IS
    'The expectation''s kwargs, clipped: strings to vqc.sample_value_max_bytes, arrays to 20 elements (vqc.suite_expectation has them whole).';

-- unexpected, metric, profile: the table's OID
ALTER TABLE vqc_report.unexpected ADD COLUMN target regclass;
UPDATE vqc_report.unexpected u SET target = r.target FROM vqc_report.run r WHERE r.run_id = u.run_id;
UPDATE vqc_report.unexpected u SET target = 0::oid::regclass WHERE target IS NULL;
ALTER TABLE vqc_report.unexpected ALTER COLUMN target SET NOT NULL;
COMMENT ON TABLE vqc_report.unexpected IS
    'Failing values with their row keys; visible only where vqc_report.may_read_values() holds.';

ALTER TABLE vqc_report.metric ADD COLUMN target regclass, ADD COLUMN is_value boolean NOT NULL DEFAULT false;
UPDATE vqc_report.metric m SET target = r.target FROM vqc_report.run r WHERE r.run_id = m.run_id;
-- an observed value of an aggregate or statistic expectation is a statistic of the column's values
UPDATE vqc_report.metric m SET is_value = true
  FROM vqc_report.result res JOIN vqc.expectation_catalog c ON c.expectation_type = res.expectation_type
 WHERE res.run_id = m.run_id AND res.position = m.position AND m.metric_name = 'observed_value'
   AND c.kind IN ('aggregate', 'statistic')
   AND c.expectation_type NOT IN ('expect_column_unique_value_count_to_be_between',
                                  'expect_column_proportion_of_unique_values_to_be_between',
                                  'expect_column_drift_to_be_less_than',
                                  'expect_column_kl_divergence_to_be_less_than');
COMMENT ON COLUMN vqc_report.metric.is_value IS
    'The number is a statistic of the column''s values (min, max, mean, quantile, ...): visible only where vqc_report.may_read_values() holds.';

ALTER TABLE vqc_report.profile ADD COLUMN target regclass;
UPDATE vqc_report.profile p SET target = r.target FROM vqc_report.run r WHERE r.run_id = p.run_id;
UPDATE vqc_report.profile p SET target = 0::oid::regclass WHERE target IS NULL;
ALTER TABLE vqc_report.profile ALTER COLUMN target SET NOT NULL;
COMMENT ON TABLE vqc_report.profile IS
    'Column profiles taken by each run (suite option profile_columns); visible only where vqc_report.may_read_values() holds.';

ALTER TABLE vqc_report.result_detail ENABLE ROW LEVEL SECURITY;
CREATE POLICY result_detail_readers ON vqc_report.result_detail FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
CREATE POLICY unexpected_readers ON vqc_report.unexpected FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
ALTER TABLE vqc_report.metric ENABLE ROW LEVEL SECURITY;
CREATE POLICY metric_readers ON vqc_report.metric FOR SELECT
    USING (NOT is_value OR vqc_report.may_read_values(target, target_schema, target_table));
CREATE POLICY profile_readers ON vqc_report.profile FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
SELECT pg_catalog.pg_extension_config_dump('vqc_report.result_detail', '');

-- the views, with their readers' rights
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
ALTER VIEW vqc_report.run_summary SET (security_invoker = true);

-- suites: owned by a role (by OID), on a table (by OID)
ALTER TABLE vqc.suite ALTER COLUMN owner DROP DEFAULT;
ALTER TABLE vqc.suite ALTER COLUMN owner TYPE regrole
    USING coalesce(pg_catalog.to_regrole(pg_catalog.quote_ident(owner)),
                   (SELECT extowner FROM pg_catalog.pg_extension WHERE extname = 'vqc')::regrole);
ALTER TABLE vqc.suite ADD COLUMN target regclass;
UPDATE vqc.suite SET target = vqc_report.__upgrade_target(target_schema, target_table);
ALTER TABLE vqc.suite ALTER COLUMN target SET NOT NULL;
COMMENT ON COLUMN vqc.suite.target IS 'The checked table, by OID (target_schema and target_table are its names when the suite was made).';
CREATE POLICY suite_readers ON vqc.suite FOR SELECT
    USING (pg_has_role(owner, 'MEMBER') OR coalesce(has_any_column_privilege(target, 'SELECT'), false));
CREATE POLICY suite_expectation_readers ON vqc.suite_expectation FOR SELECT
    USING (EXISTS (SELECT 1 FROM vqc.suite s WHERE s.suite_id = suite_expectation.suite_id));

-- baselines: by OID, owned by the role that stored them
ALTER TABLE vqc.baseline ALTER COLUMN created_by DROP DEFAULT;
ALTER TABLE vqc.baseline ALTER COLUMN created_by TYPE regrole
    USING coalesce(pg_catalog.to_regrole(pg_catalog.quote_ident(created_by)),
                   (SELECT extowner FROM pg_catalog.pg_extension WHERE extname = 'vqc')::regrole);
ALTER TABLE vqc.baseline ADD COLUMN target regclass;
UPDATE vqc.baseline SET target = vqc_report.__upgrade_target(target_schema, target_table);
ALTER TABLE vqc.baseline ALTER COLUMN target SET NOT NULL;
ALTER TABLE vqc.baseline DROP CONSTRAINT baseline_pkey, ADD PRIMARY KEY (target, label, column_name);
COMMENT ON COLUMN vqc.baseline.created_by IS
    'The baseline''s owner: only its members replace or drop it.';
CREATE POLICY baseline_readers ON vqc.baseline FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));

-- drift reports: details (bin edges) move to drift_detail
ALTER TABLE vqc_report.drift_run ALTER COLUMN run_by DROP DEFAULT;
ALTER TABLE vqc_report.drift_run ADD COLUMN target regclass;
UPDATE vqc_report.drift_run SET target = vqc_report.__upgrade_target(target_schema, target_table);
CREATE TABLE vqc_report.drift_detail (
    drift_run_id   bigint NOT NULL,
    column_name    text NOT NULL,
    target         regclass NOT NULL,
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    result         jsonb,
    PRIMARY KEY (drift_run_id, column_name),
    FOREIGN KEY (drift_run_id, column_name) REFERENCES vqc_report.drift_result ON DELETE CASCADE
);
COMMENT ON TABLE vqc_report.drift_detail IS
    'vqc.drift()''s full answer per column of a drift report; visible only where vqc_report.may_read_values() holds.';
INSERT INTO vqc_report.drift_detail (drift_run_id, column_name, target, target_schema, target_table, result)
SELECT d.drift_run_id, d.column_name, coalesce(r.target, 0::oid::regclass), r.target_schema, r.target_table, d.result
  FROM vqc_report.drift_result d JOIN vqc_report.drift_run r USING (drift_run_id);
ALTER TABLE vqc_report.drift_result DROP COLUMN result;
COMMENT ON TABLE vqc_report.drift_result IS 'Per-column drift of each drift report: scores and verdicts (details in drift_detail).';
ALTER TABLE vqc_report.drift_detail ENABLE ROW LEVEL SECURITY;
CREATE POLICY drift_detail_readers ON vqc_report.drift_detail FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_detail', '');

DROP FUNCTION vqc_report.__upgrade_target(name, name);

-- scheduled jobs of 0.1.0 ran as whoever scheduled them and named the suite:
-- they now run as the suite's owner, by id (when pg_cron is here and the
-- upgrading role may change its jobs)
DO $jobs$
BEGIN
    IF pg_catalog.to_regclass('cron.job') IS NOT NULL THEN
        EXECUTE $sql$
            UPDATE cron.job j
               SET command = pg_catalog.format('SELECT vqc._run_scheduled(%s)', s.suite_id),
                   username = s.owner::pg_catalog.text
              FROM vqc.suite s
             WHERE j.jobname OPERATOR(pg_catalog.=) ('vqc:' OPERATOR(pg_catalog.||) s.name)
        $sql$;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'the pg_cron jobs of vqc suites were not updated: re-run vqc.schedule() for each suite';
END
$jobs$;
