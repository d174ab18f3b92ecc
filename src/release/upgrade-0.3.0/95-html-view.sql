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

