
-- ---------------------------------------------------------------------
-- gate.sql: alerts after each run, and the quality gate
-- ---------------------------------------------------------------------
-- Every recorded run sends pg_notify on channel 'vqc' (delivered when the
-- run's transaction commits) and, when its suite names one, calls the
-- suite's callback with the run's id in that transaction.
-- vqc.assert_suite runs a suite as a gate: its run is recorded in a
-- transaction of its own (autonomous.c), then it raises SQLSTATE VQ001 when
-- the run failed, so that the caller's transaction rolls back its data but
-- not the report.

-- The NOTIFY payload of a run: ids, names, counts and the failing
-- expectations' types and columns (never a row value), under PostgreSQL's
-- 8000-byte limit (failing expectations past it are counted in "more").
CREATE FUNCTION vqc._run_notice(run vqc_report.run, ev jsonb)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    failing jsonb := coalesce((SELECT jsonb_agg(jsonb_build_object('position', (x ->> 'position')::int, 'type', x ->> 'type',
                                                                   'column', x ->> 'column', 'status', x ->> 'status')
                                                ORDER BY (x ->> 'position')::int)
                                 FROM jsonb_array_elements(ev -> 'results') x
                                WHERE x ->> 'status' <> 'success'), '[]');
    total   int := jsonb_array_length(failing);
    payload jsonb;
    kept    int := total;
BEGIN
    LOOP
        payload := jsonb_build_object(
            'run_id', run.run_id, 'suite', left(run.suite_name, 1000),
            'table', format('%I.%I', run.target_schema, run.target_table),
            'success', run.success, 'evaluated', run.evaluated_expectations,
            'successful', run.successful_expectations, 'unsuccessful', run.unsuccessful_expectations,
            'errors', run.error_expectations, 'scans', run.scans, 'rows', run.rows_scanned,
            'failing', (SELECT coalesce(jsonb_agg(f ORDER BY o), '[]') FROM jsonb_array_elements(failing) WITH ORDINALITY a(f, o) WHERE o <= kept),
            'more', total - kept);
        EXIT WHEN octet_length(payload::text) < 7900 OR kept = 0;
        kept := kept / 2;
    END LOOP;
    RETURN payload::text;
END
$$;

-- Raises unless fn may be a suite's callback: one argument of type bigint,
-- SECURITY DEFINER (it runs with its owner's rights, never the runner's:
-- running another role's suite must not run code of the owner's choosing
-- as the runner), owned by a role the suite's owner belongs to, and
-- executable by the suite's owner.
CREATE FUNCTION vqc._check_callback(s vqc.suite, fn regprocedure)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    p pg_proc;
BEGIN
    SELECT * INTO p FROM pg_proc WHERE oid = fn;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'callback % of suite "%" does not exist', fn::oid, s.name USING ERRCODE = 'undefined_function';
    END IF;
    IF p.pronargs <> 1 OR p.proargtypes[0] <> 'bigint'::regtype OR p.prokind <> 'f' OR p.proretset THEN
        RAISE EXCEPTION 'callback % must be a function of one bigint argument (the run''s id)', fn
            USING ERRCODE = 'invalid_function_definition';
    END IF;
    IF NOT p.prosecdef OR NOT pg_has_role(s.owner, p.proowner, 'MEMBER') THEN
        RAISE EXCEPTION 'callback % must be SECURITY DEFINER and owned by a role that % belongs to', fn, s.owner
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'A callback runs with its owner''s rights, so that running another role''s suite never runs code of that role''s choosing with the runner''s rights.';
    END IF;
    IF NOT has_function_privilege(s.owner, fn, 'EXECUTE') THEN
        RAISE EXCEPTION 'role % may not execute callback %', s.owner, fn USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- Names (or, with NULL, removes) the function each run of the suite calls
-- with its run id, in the run's transaction.
CREATE FUNCTION vqc.set_suite_callback(suite text, callback regprocedure)
RETURNS void
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.set_suite_callback(text, regprocedure) IS
    'Names the function (one bigint argument, SECURITY DEFINER, owned by the suite''s owner) each run of the suite calls with its run id, in the run''s transaction; NULL removes it.';

CREATE FUNCTION vqc._set_suite_callback_check(suite text, callback regprocedure)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_for_change(suite);
BEGIN
    RETURN jsonb_build_object('suite_id', s.suite_id);
END
$$;

CREATE FUNCTION vqc._set_suite_callback_write(caller regrole, checked jsonb, suite text, callback regprocedure)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_by_id((checked ->> 'suite_id')::bigint);
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    IF callback IS NOT NULL THEN
        PERFORM vqc._check_callback(s, callback);
    END IF;
    UPDATE vqc.suite SET callback = _set_suite_callback_write.callback WHERE suite_id = s.suite_id;
END
$$;

-- After a run is written (by vqc._record_run_write, as the extension's
-- owner): the notice on channel 'vqc', then the suite's callback, checked
-- again (its definition may have changed since it was set).
CREATE FUNCTION vqc._announce_run_write(s vqc.suite, run vqc_report.run, ev jsonb)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    call text;
BEGIN
    PERFORM pg_notify('vqc', vqc._run_notice(run, ev));
    IF s.callback IS NOT NULL THEN
        PERFORM vqc._check_callback(s, s.callback);
        SELECT format('SELECT %I.%I($1::pg_catalog.int8)', n.nspname, p.proname) INTO call
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE p.oid = s.callback;
        EXECUTE call USING run.run_id;
    END IF;
END
$$;

-- The quality gate: runs the suite (as vqc.run does, with its parameters)
-- and records the run in a transaction of its own, committed whatever
-- happens to the caller's; returns the run's id when every expectation
-- passed, else raises SQLSTATE VQ001.
CREATE FUNCTION vqc.assert_suite(suite text, suite_parameters jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    done jsonb := vqc._gate_run((vqc._suite(suite)).suite_id, suite_parameters);
BEGIN
    IF NOT (done ->> 'success')::boolean THEN
        RAISE EXCEPTION 'suite "%" failed: % of % expectations did not pass', suite,
                        done ->> 'unsuccessful', done ->> 'evaluated'
            USING ERRCODE = 'VQ001',
                  DETAIL = format('Run %s is recorded in vqc_report in a transaction of its own; failing: %s.',
                                  done ->> 'run_id', done ->> 'failing'),
                  HINT = format('SELECT * FROM vqc_report.results WHERE run_id = %s;', done ->> 'run_id');
    END IF;
    RETURN (done ->> 'run_id')::bigint;
END
$$;
COMMENT ON FUNCTION vqc.assert_suite(text, jsonb) IS
    'Quality gate: runs the suite, records the run in a transaction of its own, and raises SQLSTATE VQ001 when it failed (the caller''s transaction rolls back, the report stays).';

-- The gate's relay: the scan as the caller (vqc._record_run_check), the
-- record in a background worker's transaction (vqc._run_autonomous_write).
CREATE FUNCTION vqc._gate_run(suite_id bigint, suite_parameters jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;

CREATE FUNCTION vqc._gate_run_check(suite_id bigint, suite_parameters jsonb)
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc._record_run_check(suite_id, suite_parameters) $$;

CREATE FUNCTION vqc._gate_run_write(caller regrole, ev jsonb, suite_id bigint, suite_parameters jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    run_id bigint;
BEGIN
    PERFORM vqc._require_select(vqc._suite_target(vqc._suite_by_id(suite_id)), caller);
    -- a failed gate rolls its rows back: its incremental state must not
    -- count them (the next run reads from the state before)
    run_id := vqc._run_autonomous_write(caller, CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(ev -> 'results') x
                                                                  WHERE x ->> 'status' <> 'success')
                                                     THEN ev - 'incremental' ELSE ev END, suite_id);
    RETURN (SELECT jsonb_build_object(
                'run_id', run_id,
                'success', bool_and(x ->> 'status' = 'success') IS NOT FALSE,
                'evaluated', count(*),
                'unsuccessful', count(*) FILTER (WHERE x ->> 'status' <> 'success'),
                'failing', coalesce(string_agg(format('#%s %s', x ->> 'position', x ->> 'type'), ', ' ORDER BY (x ->> 'position')::int)
                                    FILTER (WHERE x ->> 'status' <> 'success'), 'none'))
              FROM jsonb_array_elements(ev -> 'results') x);
END
$$;

-- Records an evaluated run in a background worker's transaction; its id.
CREATE FUNCTION vqc._run_autonomous_write(caller regrole, ev jsonb, suite_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_run_autonomous_write'
LANGUAGE C STRICT;
