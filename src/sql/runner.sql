-- runner.sql: vqc.run() evaluates a suite in one scan of its table, as the
-- calling user, and writes the run to vqc_report in the caller's transaction.

-- What a run of suite s on its table t evaluates: the expectations in order
-- ([{"id", "type", "kwargs"}]), the row key columns, and the columns to
-- profile (listed columns that are gone or changed type are skipped, with a
-- warning).
CREATE FUNCTION vqc._suite_inputs(s vqc.suite, t regclass,
                                  OUT expectations jsonb, OUT key_columns text[], OUT profile_columns text[])
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', e.expectation_id, 'type', e.expectation_type,
                                                 'kwargs', e.kwargs) ORDER BY e.expectation_id), '[]')
      INTO expectations
      FROM vqc.suite_expectation e
     WHERE e.suite_id = s.suite_id;
    key_columns := coalesce(s.key_columns, vqc._primary_key(t));
    SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO profile_columns
      FROM pg_attribute a
     WHERE a.attrelid = t AND a.attnum > 0 AND NOT a.attisdropped AND vqc._profiles_type(a.atttypid)
       AND (s.profile_columns = '{*}' OR a.attname = ANY (s.profile_columns));
    IF s.profile_columns IS NOT NULL AND s.profile_columns <> '{*}'
       AND cardinality(s.profile_columns) > coalesce(cardinality(profile_columns), 0) THEN
        RAISE WARNING 'suite "%": some profile columns no longer exist or changed type; they are skipped', s.name;
    END IF;
END
$$;

CREATE FUNCTION vqc.run(suite text)
RETURNS TABLE (run_id bigint, "position" integer, expectation_id bigint, expectation_type text,
               column_name text, status text, success boolean, observed_value jsonb,
               unexpected_count bigint, unexpected_percent double precision, result jsonb)
LANGUAGE plpgsql
AS $$
DECLARE
    s        vqc.suite := vqc._suite(suite);
    t        regclass := vqc._suite_target(s);
    started  timestamptz := clock_timestamp();
    exps     jsonb;
    ev       jsonb;
    r        jsonb;
    rid      bigint;
    ge       jsonb;
    ok_count integer;
    err_count integer;
    total    integer;
    pcols    text[];
    keys     text[];
BEGIN
    SELECT i.expectations, i.key_columns, i.profile_columns INTO exps, keys, pcols FROM vqc._suite_inputs(s, t) i;

    ev := vqc._evaluate_all(t, exps, keys, 20, '"BASIC"', false, pcols);

    SELECT count(*), count(*) FILTER (WHERE x ->> 'status' = 'success'),
           count(*) FILTER (WHERE x ->> 'status' = 'error')
      INTO total, ok_count, err_count
      FROM jsonb_array_elements(ev -> 'results') x;

    INSERT INTO vqc_report.run AS rr (suite_name, target_schema, target_table, started_at, finished_at,
                                rows_scanned, scans, success, evaluated_expectations,
                                successful_expectations, unsuccessful_expectations,
                                error_expectations, success_percent)
    VALUES (s.name, s.target_schema, s.target_table, started, clock_timestamp(),
            (ev ->> 'rows')::bigint, (ev ->> 'scans')::integer, ok_count = total, total,
            ok_count, total - ok_count - err_count, err_count,
            CASE WHEN total > 0 THEN ok_count::float8 / total * 100 END)
    RETURNING rr.run_id INTO rid;

    FOR r IN SELECT x FROM jsonb_array_elements(ev -> 'results') x LOOP
        ge := vqc._ge_result(r);
        INSERT INTO vqc_report.result AS res (run_id, position, expectation_id, expectation_type, column_name,
                                       kwargs, status, success, observed_value, element_count,
                                       missing_count, missing_percent, unexpected_count,
                                       unexpected_percent, error_message, result)
        VALUES (rid, (r ->> 'position')::integer, (r ->> 'id')::bigint, r ->> 'type', r ->> 'column',
                r -> 'kwargs', r ->> 'status', (r ->> 'success')::boolean,
                r -> 'result' -> 'observed_value',
                (r -> 'result' ->> 'element_count')::bigint,
                (r -> 'result' ->> 'missing_count')::bigint,
                (r -> 'result' ->> 'missing_percent')::float8,
                (r -> 'result' ->> 'unexpected_count')::bigint,
                (r -> 'result' ->> 'unexpected_percent')::float8,
                r ->> 'error', ge);

        INSERT INTO vqc_report.unexpected (run_id, position, ordinality, target_schema, target_table,
                                           column_name, value, value_clipped, row_key)
        SELECT rid, (r ->> 'position')::integer, o, s.target_schema, s.target_table, r ->> 'column',
               smp ->> 'value', coalesce((smp ->> 'clipped')::boolean, false), smp -> 'row_key'
          FROM jsonb_array_elements(r -> 'samples') WITH ORDINALITY AS x(smp, o);

        INSERT INTO vqc_report.metric (run_id, position, suite_name, target_schema, target_table,
                                       column_name, metric_name, value, recorded_at)
        SELECT rid, (r ->> 'position')::integer, s.name, s.target_schema, s.target_table,
               r ->> 'column', m.key, (m.value #>> '{}')::float8, started
          FROM jsonb_each(r -> 'result') m
         WHERE m.key IN ('observed_value', 'element_count', 'missing_count', 'missing_percent',
                         'unexpected_count', 'unexpected_percent')
           AND jsonb_typeof(m.value) = 'number';
    END LOOP;

    INSERT INTO vqc_report.metric (run_id, position, suite_name, target_schema, target_table,
                                   column_name, metric_name, value, recorded_at)
    VALUES (rid, NULL, s.name, s.target_schema, s.target_table, NULL, 'row_count',
            (ev ->> 'rows')::float8, started);

    INSERT INTO vqc_report.profile (run_id, target_schema, target_table, column_name, column_type, profile)
    SELECT rid, s.target_schema, s.target_table, p.key, format_type(a.atttypid, a.atttypmod),
           (p.value #>> '{}')::vqc.profile
      FROM jsonb_each(ev -> 'profiles') p
      JOIN pg_attribute a ON a.attrelid = t AND a.attname = p.key;

    RETURN QUERY
    SELECT res.run_id, res.position, res.expectation_id, res.expectation_type, res.column_name,
           res.status, res.success, res.observed_value, res.unexpected_count,
           res.unexpected_percent, res.result
      FROM vqc_report.result res
     WHERE res.run_id = rid
     ORDER BY res.position;
END
$$;
COMMENT ON FUNCTION vqc.run(text) IS
    'Evaluates every expectation of a suite in one scan of its table, records the run in vqc_report and returns the results.';

-- The plan of a suite's scan, for a person who wants to see what vqc.run() does.
CREATE FUNCTION vqc.explain(suite text, with_analyze boolean DEFAULT false)
RETURNS SETOF text
LANGUAGE plpgsql
AS $$
DECLARE
    s       vqc.suite := vqc._suite(suite);
    t       regclass := vqc._suite_target(s);
    inputs  record := vqc._suite_inputs(s, t);
    planned record := vqc._plan_all(t, inputs.expectations, inputs.key_columns, 20, '"BASIC"', false,
                                    inputs.profile_columns);
    names   text[];
BEGIN
    IF planned.items = '{}' THEN
        RETURN;
    END IF;
    SELECT array_agg(key ORDER BY key) INTO names FROM jsonb_object_keys(planned.items) key;
    RETURN QUERY EXECUTE format('EXPLAIN (COSTS OFF%s) %s',
                                CASE WHEN with_analyze THEN ', ANALYZE, TIMING OFF, SUMMARY OFF' ELSE '' END,
                                vqc._scan_sql(t, planned.items, names))
        USING planned.kwargs_all;
END
$$;
COMMENT ON FUNCTION vqc.explain(text, boolean) IS
    'The plan of the single scan vqc.run() makes for a suite (with ANALYZE when asked).';
