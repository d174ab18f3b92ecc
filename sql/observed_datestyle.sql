-- Observed values of date and time columns do not depend on the session's
-- DateStyle: the scan's values come back as text in ISO 8601 (with the
-- offset), so a zone whose abbreviation names another zone too (IST: India,
-- +05:30, or Israel, +02) is read back at the same instant.
SET client_min_messages = warning;
CREATE TABLE ds (ts timestamptz, d date);
INSERT INTO ds VALUES ('2026-11-28 10:00:00+05:30', '2026-11-28'), ('2026-11-27 09:00:00+05:30', '2026-11-27');
SET TimeZone = 'Asia/Kolkata';
SET DateStyle = 'SQL, DMY';
SELECT max(ts)::text AS max_as_the_session_prints_it FROM ds;
SELECT vqc.expect('ds', 'expect_column_max_to_be_between',
                  '{"column": "ts", "min_value": "2026-11-28T04:30:00+00:00", "max_value": "2026-11-28T04:30:00+00:00"}')
       #> '{result,observed_value}' AS observed, 
       vqc.expect('ds', 'expect_column_max_to_be_between',
                  '{"column": "ts", "min_value": "2026-11-28T04:30:00+00:00", "max_value": "2026-11-28T04:30:00+00:00"}')
       -> 'success' AS success;
SELECT vqc.expect('ds', 'expect_column_min_to_be_between', '{"column": "d", "min_value": "2026-11-27", "max_value": "2026-11-27"}')
       -> 'success' AS date_success;
SET DateStyle = 'Postgres, MDY';
SELECT vqc.expect('ds', 'expect_column_max_to_be_between',
                  '{"column": "ts", "min_value": "2026-11-28T04:30:00+00:00", "max_value": "2026-11-28T04:30:00+00:00"}')
       -> 'success' AS success_postgres_style;
RESET DateStyle;
RESET TimeZone;
DROP TABLE ds;
