-- ------------------------------------------------------------------------
-- Pages (issue #14; src/sql/html.sql): a drift report keeps the two
-- profiles it compared, so that its page can draw both distributions.  The
-- functions are in 90-functions.sql.
-- ------------------------------------------------------------------------
ALTER TABLE vqc_report.drift_detail ADD COLUMN baseline_profile vqc.profile;
ALTER TABLE vqc_report.drift_detail ADD COLUMN current_profile vqc.profile;
COMMENT ON COLUMN vqc_report.drift_detail.current_profile IS
    'The column''s profile the report compared with baseline_profile (reports made before 0.3.0: NULL).';

-- (the view vqc_report.pages needs the page functions: it is created by
-- 95-html-view.sql, after 90-functions.sql)
