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
-- The job runs as the suite's owner, whoever schedules it: the owner's own
-- job, or, scheduled by a superuser, a job in the owner's name.  It names
-- the suite by id, so renaming or re-creating suites cannot redirect it.
CREATE FUNCTION vqc.schedule(suite text, cron_schedule text)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    s       vqc.suite := vqc._suite(suite);
    command text := format('SELECT vqc._run_scheduled(%s)', s.suite_id);
    jobid   bigint;
BEGIN
    PERFORM vqc._require_pg_cron();
    IF s.owner = current_user::regrole THEN
        EXECUTE 'SELECT cron.schedule($1, $2, $3)' INTO jobid
            USING 'vqc:' || s.name, cron_schedule, command;
    ELSIF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE 'SELECT jobid FROM cron.job WHERE jobname = $1 AND username = $2' INTO jobid
            USING 'vqc:' || s.name, s.owner::text;
        IF jobid IS NOT NULL THEN
            EXECUTE 'SELECT cron.unschedule($1)' USING jobid;
        END IF;
        EXECUTE 'SELECT cron.schedule_in_database($1, $2, $3, current_database(), $4, true)' INTO jobid
            USING 'vqc:' || s.name, cron_schedule, command, s.owner::text;
    ELSE
        RAISE EXCEPTION 'only the owner of suite "%" (%) or a superuser may schedule it', s.name, s.owner
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'A scheduled run runs as the suite''s owner: SET ROLE to it first.';
    END IF;
    RETURN jobid;
END
$$;
COMMENT ON FUNCTION vqc.schedule(text, text) IS
    'Runs a suite on a cron schedule through pg_cron (job name vqc:<suite>), as the suite''s owner; scheduling again replaces the job.';

-- Removes the job of a suite (the owner's own, or any owner's for a superuser).
CREATE FUNCTION vqc.unschedule(suite text)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    s     vqc.suite := vqc._suite(suite);
    jobid bigint;
    done  boolean;
BEGIN
    PERFORM vqc._require_pg_cron();
    IF s.owner <> current_user::regrole
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'only the owner of suite "%" (%) or a superuser may unschedule it', s.name, s.owner
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE 'SELECT jobid FROM cron.job WHERE jobname = $1 AND username = $2' INTO jobid
        USING 'vqc:' || s.name, s.owner::text;
    IF jobid IS NULL THEN
        RETURN false;
    END IF;
    EXECUTE 'SELECT cron.unschedule($1)' INTO done USING jobid;
    RETURN done;
END
$$;
COMMENT ON FUNCTION vqc.unschedule(text) IS 'Removes the pg_cron job of a suite.';
