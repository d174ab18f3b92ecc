-- ------------------------------------------------------------------------
-- Freshness (issue #13; src/sql/freshness.sql): its catalogue row.  The
-- functions are in 90-functions.sql.
-- ------------------------------------------------------------------------
INSERT INTO vqc.expectation_catalog VALUES
('expect_row_values_to_have_recent_data', 'aggregate', '{column,interval}', '{datepart}',
 'The newest value of the date or timestamp column is at most interval dateparts (datepart: year, month, week, day (default), hour, minute, second) before the run''s time, as dbt-expectations'' test of that name.');

