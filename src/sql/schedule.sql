-- schedule.sql: runs suites on a schedule through pg_cron, when it is installed.

CREATE FUNCTION vqc._require_pg_cron()
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add pg_cron to shared_preload_libraries, then CREATE EXTENSION pg_cron in the database named by cron.database_name.';
    END IF;
END
$$;

-- Schedules (or reschedules: jobs are named vqc:<suite>) a suite's run.
CREATE FUNCTION vqc.schedule(suite text, cron_schedule text)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    s     vqc.suite := vqc._suite(suite);
    jobid bigint;
BEGIN
    PERFORM vqc._require_pg_cron();
    EXECUTE 'SELECT cron.schedule($1, $2, $3)' INTO jobid
        USING 'vqc:' || s.name, cron_schedule, format('SELECT count(*) FROM vqc.run(%L)', s.name);
    RETURN jobid;
END
$$;
COMMENT ON FUNCTION vqc.schedule(text, text) IS
    'Runs a suite on a cron schedule through pg_cron (job name vqc:<suite>); scheduling again replaces the job.';

CREATE FUNCTION vqc.unschedule(suite text)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    done boolean;
BEGIN
    PERFORM vqc._require_pg_cron();
    IF NOT EXISTS (SELECT 1 FROM cron.job WHERE jobname = 'vqc:' || suite) THEN
        RETURN false;
    END IF;
    EXECUTE 'SELECT cron.unschedule($1)' INTO done USING 'vqc:' || suite;
    RETURN done;
END
$$;
COMMENT ON FUNCTION vqc.unschedule(text) IS 'Removes the pg_cron job of a suite.';
