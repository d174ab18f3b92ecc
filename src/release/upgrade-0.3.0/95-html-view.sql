-- ------------------------------------------------------------------------
-- Pages (issue #14): every page by kind and id, as a view.
-- ------------------------------------------------------------------------
CREATE VIEW vqc_report.pages WITH (security_invoker = true) AS
SELECT 'run'::text AS kind, r.run_id::text AS id, r.suite_name AS title, r.started_at AS at,
       vqc.report_html(r.run_id) AS html
  FROM vqc_report.run r
UNION ALL
SELECT 'suite', s.name, s.name, s.created_at, vqc.suite_html(s.name)
  FROM vqc.suite s
UNION ALL
SELECT 'drift', d.drift_run_id::text, d.target_schema || '.' || d.target_table, d.started_at,
       vqc.drift_html(d.drift_run_id)
  FROM vqc_report.drift_run d;
COMMENT ON VIEW vqc_report.pages IS
    'Every page (kind run, suite or drift; id) as HTML, rendered only for the rows asked for; shows what the reader may read.';


-- ------------------------------------------------------------------------
-- Freshness (issue #13): the dashboard view.
-- ------------------------------------------------------------------------
-- The latest freshness check of each suite's expectation, for dashboards.
CREATE VIEW vqc_report.freshness WITH (security_invoker = true) AS
SELECT DISTINCT ON (res.expectation_id)
       r.suite_name, r.target_schema, r.target_table, res.column_name, r.run_id, r.started_at AS checked_at,
       (d.observed_value #>> '{}')::timestamptz AS newest_value,
       d.result #>> '{result,details,max_age}' AS max_age,
       r.started_at - (d.observed_value #>> '{}')::timestamptz AS age_at_check,
       res.status
  FROM vqc_report.run r
  JOIN vqc_report.result res USING (run_id)
  LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
 WHERE res.expectation_type = 'expect_row_values_to_have_recent_data'
 ORDER BY res.expectation_id, r.run_id DESC;
COMMENT ON VIEW vqc_report.freshness IS
    'The latest freshness check of each expectation: the newest value seen, the allowed age, the age at the check, the status (the newest value is a row value: NULL where the reader may not see the table''s values).';

