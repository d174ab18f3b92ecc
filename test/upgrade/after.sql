-- after.sql: after ALTER EXTENSION vqc UPDATE, the data before.sql made under
-- a released version still works: profiles 0.1.0's C code stored read as they did (or are
-- refused with the hint to take them again), the suite runs with the same
-- results, the profiles in vqc's tables read, drift reports run.
\set ON_ERROR_STOP 1
SET search_path = upgrade_data;
SET max_parallel_workers_per_gather = 0;

DO $$
DECLARE
    r record;
    got jsonb;
    refused int := 0;
BEGIN
    IF (SELECT extversion FROM pg_extension WHERE extname = 'vqc')
       IS DISTINCT FROM (SELECT default_version FROM pg_available_extensions WHERE name = 'vqc') THEN
        RAISE EXCEPTION 'vqc is not at its default version after ALTER EXTENSION vqc UPDATE';
    END IF;
    -- profiles stored by 0.1.0's C code: stored form and text form
    FOR r IN SELECT * FROM old_baseline LOOP
        FOREACH got IN ARRAY ARRAY[read_or_refused(r.stored), read_or_refused(NULL, r.text_form)] LOOP
            IF got = '"refused"' THEN
                refused := refused + 1;
            ELSIF NOT near(got, r.summary) THEN
                RAISE EXCEPTION 'profile of %.% stored by 0.1.0 reads differently: % instead of %',
                    r.target_table, r.column_name, got, r.summary;
            END IF;
        END LOOP;
        -- and measures no drift against the same data profiled now
        CONTINUE WHEN read_or_refused(r.stored) = '"refused"';
        EXECUTE format('SELECT vqc.drift($1, vqc.profile_agg(%I), ''auto'') FROM %I',
                       r.column_name, r.target_table) INTO got USING r.stored;
        IF (got ->> 'drifted')::boolean IS NOT FALSE THEN
            RAISE EXCEPTION 'profile of %.% stored by 0.1.0 drifts from the same data: %',
                r.target_table, r.column_name, got;
        END IF;
    END LOOP;
    IF (SELECT count(*) FROM old_baseline) < 6 THEN
        RAISE EXCEPTION 'the fixture of 0.1.0 profiles was not loaded';
    END IF;
    RAISE NOTICE 'profiles stored by 0.1.0: % read as before, % refused with the hint to take them again',
        2 * (SELECT count(*) FROM old_baseline) - refused, refused;
END
$$;

-- the old suite runs, with the results it had under 0.1.0
CREATE TABLE run_after AS
SELECT position, expectation_type, column_name, status, success, observed_value, unexpected_count
  FROM vqc.run('people_daily');
DO $$
BEGIN
    IF (SELECT count(*) FROM run_before) < 10
       OR EXISTS (SELECT * FROM run_before b FULL JOIN run_after a USING (position)
                   WHERE (b.*) IS DISTINCT FROM (a.*)) THEN
        RAISE EXCEPTION 'the suite made under 0.1.0 runs with other results after the upgrade';
    END IF;
END
$$;

-- every profile vqc's tables hold (runs' and baselines', stored under 0.1.0)
-- reads; counts.sql compares what they read as across a dump and restore
SELECT format('SELECT count(upgrade_data.profile_summary(%I)) FROM %s', a.attname, c.oid::regclass)
  FROM pg_extension e, unnest(e.extconfig) x(oid)
  JOIN pg_class c ON c.oid = x.oid
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.atttypid = 'vqc.profile'::regtype AND NOT a.attisdropped
 WHERE e.extname = 'vqc'
\gexec

-- a drift report against the baseline taken under 0.1.0: the same data, no drift
CREATE TABLE drift_after AS SELECT * FROM vqc.drift_report('people', 'before');
DO $$
BEGIN
    IF (SELECT count(*) FROM drift_after) <> 4
       OR EXISTS (SELECT * FROM drift_after WHERE error_message IS NOT NULL OR drifted) THEN
        RAISE EXCEPTION 'drift report against the baseline of 0.1.0 fails or drifts';
    END IF;
END
$$;
