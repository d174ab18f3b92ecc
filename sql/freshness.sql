-- expect_row_values_to_have_recent_data: the newest value of a date or
-- timestamp column against the run's time, in the suite's one scan.
SET client_min_messages = warning;
CREATE TABLE fresh (id int, at timestamptz, d date, t timestamp, n int);
INSERT INTO fresh SELECT g, now() - g * interval '1 hour', (now() - g * interval '1 day')::date,
                         (now() - g * interval '3 hours')::timestamp, g
  FROM generate_series(1, 50) g;
SELECT k ->> 'datepart' AS datepart, k ->> 'interval' AS amount, r -> 'success' AS success,
       r #>> '{result,details,max_age}' AS max_age
  FROM (VALUES ('{"column": "at", "interval": 2, "datepart": "hour"}'::jsonb),
               ('{"column": "at", "interval": 30, "datepart": "minute"}'),
               ('{"column": "d", "interval": 2}'),
               ('{"column": "d", "interval": 0, "datepart": "week"}'),
               ('{"column": "t", "interval": 1, "datepart": "HOUR"}'),
               ('{"column": "t", "interval": 4, "datepart": "hour"}')) v(k),
       LATERAL (SELECT vqc.expect('fresh', 'expect_row_values_to_have_recent_data', k) AS r) x;
-- the observed value is the newest value; an empty column fails
SELECT (vqc.expect('fresh', 'expect_row_values_to_have_recent_data', '{"column": "at", "interval": 2, "datepart": "hour"}')
        #>> '{result,observed_value}')::timestamptz = (SELECT max(at) FROM fresh) AS newest;
TRUNCATE fresh;
SELECT vqc.expect('fresh', 'expect_row_values_to_have_recent_data', '{"column": "at", "interval": 2}') -> 'success' AS empty_fails;
-- in a suite, in the one scan
INSERT INTO fresh SELECT g, now() - g * interval '1 hour', NULL, NULL, g FROM generate_series(1, 10) g;
SELECT vqc.create_suite('fresh_suite', 'fresh') > 0 AS created;
SELECT vqc.add_expectation('fresh_suite', 'expect_row_values_to_have_recent_data', '{"column": "at", "interval": 1, "datepart": "day"}') > 0 AS added;
SELECT vqc.add_expectation('fresh_suite', 'expect_column_values_to_not_be_null', '{"column": "id"}') > 0 AS added;
SELECT position, status FROM vqc.run('fresh_suite') ORDER BY position;
SELECT scans FROM vqc_report.run WHERE suite_name = 'fresh_suite';
SELECT column_name, newest_value = (SELECT max(at) FROM fresh) AS newest, max_age, age_at_check > '0'::interval AS aged, status
  FROM vqc_report.freshness WHERE suite_name = 'fresh_suite';
-- the table's activity from PostgreSQL's statistics, without a scan
SELECT a -> 'rows_estimate' IS NOT NULL AS has_estimate, a -> 'answerable' -> 'last_write_time' AS last_write_time,
       a ->> 'table' AS tab
  FROM (SELECT vqc.table_activity('fresh') AS a) x;
-- bad arguments
SET client_min_messages = notice;
DO $$
DECLARE
    k jsonb;
BEGIN
    FOREACH k IN ARRAY ARRAY['{"column": "n", "interval": 1}', '{"column": "at", "interval": 1, "datepart": "fortnight"}',
                             '{"column": "at", "interval": -1}', '{"column": "at"}', '{"column": "at", "interval": "soon"}']::jsonb[] LOOP
        BEGIN
            PERFORM vqc.add_expectation('fresh_suite', 'expect_row_values_to_have_recent_data', k);
            RAISE NOTICE 'accepted %', k;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE '%: %', SQLSTATE, SQLERRM;
        END;
    END LOOP;
END $$;
SELECT vqc.drop_suite('fresh_suite');
DELETE FROM vqc_report.run WHERE suite_name = 'fresh_suite';
DROP TABLE fresh;
