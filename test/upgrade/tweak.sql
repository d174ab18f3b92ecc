-- tweak.sql: deliberate differences from a fresh install, one of each kind the
-- catalog comparison must report; run.sh applies them to a copy of a fresh
-- database and checks that the comparison's diff has, for each, a line with
-- the text after "-- expect:".
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- a missing function
-- expect: CREATE FUNCTION vqc.kurtosis(
ALTER EXTENSION vqc DROP FUNCTION vqc.kurtosis(vqc.profile);
DROP FUNCTION vqc.kurtosis(vqc.profile);
-- an object that is not a member of the extension
-- expect: member|function vqc.variance(vqc.profile)
ALTER EXTENSION vqc DROP FUNCTION vqc.variance(vqc.profile);
-- a different function body
-- expect: 'UPDATE'
DO $$ BEGIN
    EXECUTE replace(pg_get_functiondef('vqc._require_select(regclass,regrole)'::regprocedure),
                    '''SELECT''', '''UPDATE''');
END $$;
-- a function without its pinned search_path
-- expect: SET search_path TO 'pg_catalog', 'pg_temp'
ALTER FUNCTION vqc._suite(text) RESET search_path;
-- another volatility
-- expect: LANGUAGE c STRICT PARALLEL SAFE
ALTER FUNCTION vqc.mean(vqc.profile) VOLATILE;
-- grants on a table and on a function
-- expect: GRANT SELECT ON TABLE vqc.expectation_catalog TO PUBLIC
REVOKE SELECT ON vqc.expectation_catalog FROM PUBLIC;
-- expect: REVOKE ALL ON FUNCTION vqc.row_count(p vqc.profile) FROM PUBLIC
REVOKE EXECUTE ON FUNCTION vqc.row_count(vqc.profile) FROM PUBLIC;
-- a policy
-- expect: CREATE POLICY suite_readers ON vqc.suite FOR SELECT USING (false)
ALTER POLICY suite_readers ON vqc.suite USING (false);
-- a comment
-- expect: COMMENT ON TABLE vqc.baseline IS 'tweaked'
COMMENT ON TABLE vqc.baseline IS 'tweaked';
-- a column, a default, an index
-- expect: tweak_note text
ALTER TABLE vqc_report.run ADD COLUMN tweak_note text;
-- expect: SESSION_USER
ALTER TABLE vqc_report.run ALTER COLUMN run_by SET DEFAULT session_user;
-- expect: metric_run_id_idx
DROP INDEX vqc_report.metric_run_id_idx;
-- a table that pg_dump no longer keeps (no longer a config table)
-- expect: config table|vqc_report.drift_result|
ALTER EXTENSION vqc DROP TABLE vqc_report.drift_result;
ALTER EXTENSION vqc ADD TABLE vqc_report.drift_result;
-- a row of the install script's own
-- expect: expect_column_to_exist
DELETE FROM vqc.expectation_catalog WHERE expectation_type = 'expect_column_to_exist';
