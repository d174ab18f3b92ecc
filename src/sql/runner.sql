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

-- Clips a JSON value for storage beside every run: strings to max_bytes
-- (whole characters), arrays to max_items elements, recursively, so that a
-- 100 000-element value_set is not copied into every result row.
CREATE FUNCTION vqc._clip_json(j jsonb, max_bytes integer, max_items integer)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    s text;
    n integer;
BEGIN
    -- nothing to clip, the usual case: one statement, not one per node
    IF max_bytes IS NOT NULL AND max_items IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM jsonb_path_query(j, 'strict $.**') v
                        WHERE (jsonb_typeof(v) = 'string' AND octet_length(v #>> '{}') > max_bytes)
                           OR (jsonb_typeof(v) = 'array' AND jsonb_array_length(v) > max_items)) THEN
        RETURN j;
    END IF;
    CASE jsonb_typeof(j)
    WHEN 'string' THEN
        s := j #>> '{}';
        IF octet_length(s) <= max_bytes THEN
            RETURN j;
        END IF;
        n := max_bytes;
        WHILE octet_length(left(s, n)) > max_bytes LOOP
            n := n - 1;
        END LOOP;
        RETURN to_jsonb(left(s, n));
    WHEN 'array' THEN
        RETURN (SELECT coalesce(jsonb_agg(vqc._clip_json(e, max_bytes, max_items) ORDER BY i), '[]')
                  FROM jsonb_array_elements(j) WITH ORDINALITY AS x(e, i)
                 WHERE i <= max_items);
    WHEN 'object' THEN
        RETURN (SELECT coalesce(jsonb_object_agg(k, vqc._clip_json(v, max_bytes, max_items)), '{}')
                  FROM jsonb_each(j) AS x(k, v));
    ELSE
        RETURN j;
    END CASE;
END
$$;

-- Is the observed value of this expectation type a statistic of the
-- column's values (stored where only the table's readers see it) rather
-- than a count or a score?  A history check's is, whatever its metric: it
-- may be a mean (the cautious choice; see history.sql).
CREATE FUNCTION vqc._observed_is_value(etype text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT c.kind IN ('aggregate', 'statistic', 'history')
           AND etype NOT IN ('expect_column_unique_value_count_to_be_between',
                             'expect_column_proportion_of_unique_values_to_be_between',
                             'expect_column_drift_to_be_less_than',
                             'expect_column_kl_divergence_to_be_less_than',
                             'expect_classification_metric_to_be_between',
                             'expect_score_metric_to_be_between',
                             'expect_metric_gap_between_segments_to_be_less_than',
                             'expect_regression_metric_to_be_between',
                             'expect_ranking_metric_to_be_between',
                             'expect_annotator_agreement_to_be_between')
      FROM vqc.expectation_catalog c
     WHERE c.expectation_type = etype
$$;

-- Evaluates suite suite_id and records the run; returns {run_id, results}.
-- Relayed by vqc_with_caller: the scan as the caller, the writes as the
-- extension's owner (see suites.sql).
CREATE FUNCTION vqc._record_run(suite_id bigint)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;

CREATE FUNCTION vqc._record_run_check(suite_id bigint)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
BEGIN
    -- a run with no suite parameters (see suite_parameters.sql)
    RETURN vqc._record_run_check(suite_id, NULL::jsonb);
END
$$;

CREATE FUNCTION vqc._record_run_write(caller regrole, ev jsonb, suite_id bigint)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s         vqc.suite := vqc._suite_by_id(suite_id);
    started   timestamptz := (ev ->> 'started')::timestamptz;
    max_bytes integer := (SELECT setting::integer FROM pg_settings WHERE name = 'vqc.sample_value_max_bytes');
    r         jsonb;
    run       vqc_report.run;
    ok_count  integer;
    err_count integer;
    total     integer;
BEGIN
    IF (ev ->> 'suite_id')::bigint IS DISTINCT FROM s.suite_id THEN
        RAISE EXCEPTION 'run of suite % recorded under suite %', ev ->> 'suite_id', s.suite_id;
    END IF;
    SELECT count(*), count(*) FILTER (WHERE x ->> 'status' = 'success'),
           count(*) FILTER (WHERE x ->> 'status' = 'error')
      INTO total, ok_count, err_count
      FROM jsonb_array_elements(ev -> 'results') x;

    INSERT INTO vqc_report.run AS rr (suite_name, target_schema, target_table, started_at, finished_at,
                                      rows_scanned, scans, success, evaluated_expectations,
                                      successful_expectations, unsuccessful_expectations,
                                      error_expectations, success_percent, run_by, target, suite_id,
                                      row_security)
    SELECT s.name, n.nspname, c.relname, started, (ev ->> 'finished')::timestamptz,
           (ev ->> 'rows')::bigint, (ev ->> 'scans')::integer, ok_count = total, total,
           ok_count, total - ok_count - err_count, err_count,
           CASE WHEN total > 0 THEN ok_count::float8 / total * 100 END,
           caller::text, c.oid, s.suite_id, (ev ->> 'row_security')::boolean
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = s.target
    RETURNING rr.* INTO run;
    IF run.run_id IS NULL THEN
        PERFORM vqc._suite_target(s);
    END IF;

    FOR r IN SELECT x FROM jsonb_array_elements(ev -> 'results') x LOOP
        PERFORM vqc._record_run_write_result(run, r, max_bytes);
    END LOOP;

    INSERT INTO vqc_report.metric (run_id, position, suite_name, target_schema, target_table,
                                   column_name, metric_name, value, recorded_at, target, is_value)
    VALUES (run.run_id, NULL, run.suite_name, run.target_schema, run.target_table, NULL, 'row_count',
            (ev ->> 'rows')::float8, started, run.target, false);

    INSERT INTO vqc_report.profile (run_id, target_schema, target_table, column_name, column_type, profile, target)
    SELECT run.run_id, run.target_schema, run.target_table, p.key, format_type(a.atttypid, a.atttypmod),
           (p.value #>> '{}')::vqc.profile, run.target
      FROM jsonb_each(ev -> 'profiles') p
      JOIN pg_attribute a ON a.attrelid = run.target AND a.attname = p.key;

    IF ev ? 'incremental' THEN
        PERFORM vqc._incremental_write(run, ev -> 'incremental');      -- incremental.sql
    END IF;

    -- NOTIFY vqc, and the suite's callback, in the run's transaction
    PERFORM vqc._announce_run_write(s, run, ev);
    RETURN jsonb_build_object('run_id', run.run_id, 'results', ev -> 'results');
END
$$;

-- Writes one evaluated expectation r of the run just inserted: its counts, its values
-- and full result (row values: result_detail), samples and metrics.
CREATE FUNCTION vqc._record_run_write_result(run vqc_report.run, r jsonb, max_bytes integer)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    pos      integer := (r ->> 'position')::integer;
    is_value boolean := coalesce(vqc._observed_is_value(r ->> 'type'), true);
    rid      bigint := run.run_id;
BEGIN
    INSERT INTO vqc_report.result (run_id, position, expectation_id, expectation_type, column_name,
                                   kwargs, status, success, element_count, missing_count,
                                   missing_percent, unexpected_count, unexpected_percent, error_message)
    VALUES (rid, pos, (r ->> 'id')::bigint, r ->> 'type', r ->> 'column',
            vqc._clip_json(r -> 'kwargs', max_bytes, 20), r ->> 'status', (r ->> 'success')::boolean,
            (r -> 'result' ->> 'element_count')::bigint,
            (r -> 'result' ->> 'missing_count')::bigint,
            (r -> 'result' ->> 'missing_percent')::float8,
            (r -> 'result' ->> 'unexpected_count')::bigint,
            (r -> 'result' ->> 'unexpected_percent')::float8,
            r ->> 'error');

    INSERT INTO vqc_report.result_detail (run_id, position, target, target_schema, target_table,
                                          observed_value, result)
    VALUES (rid, pos, run.target, run.target_schema, run.target_table,
            vqc._clip_json(r -> 'result' -> 'observed_value', max_bytes, 1000),
            vqc._clip_json(vqc._ge_result(r), max_bytes, 1000000));

    INSERT INTO vqc_report.unexpected (run_id, position, ordinality, target_schema, target_table,
                                       column_name, value, value_clipped, row_key, target)
    SELECT rid, pos, o, run.target_schema, run.target_table, r ->> 'column',
           smp ->> 'value', coalesce((smp ->> 'clipped')::boolean, false), smp -> 'row_key', run.target
      FROM jsonb_array_elements(r -> 'samples') WITH ORDINALITY AS x(smp, o);

    INSERT INTO vqc_report.metric (run_id, position, suite_name, target_schema, target_table,
                                   column_name, metric_name, value, recorded_at, target, is_value)
    SELECT rid, pos, run.suite_name, run.target_schema, run.target_table,
           r ->> 'column', m.key, (m.value #>> '{}')::float8, run.started_at, run.target,
           m.key = 'observed_value' AND is_value
      FROM jsonb_each(r -> 'result') m
     WHERE m.key IN ('observed_value', 'element_count', 'missing_count', 'missing_percent',
                     'unexpected_count', 'unexpected_percent')
       AND jsonb_typeof(m.value) = 'number';
END
$$;

-- What a pg_cron job of vqc.schedule() runs: the suite by id (a suite
-- dropped and re-created under its name is another suite), as the job's
-- role, which must be a member of the suite's owner.
CREATE FUNCTION vqc._run_scheduled(suite_id bigint)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_by_id(suite_id);
BEGIN
    IF NOT pg_has_role(s.owner, 'MEMBER') THEN
        RAISE EXCEPTION 'scheduled run of suite "%" must run as its owner %, not as %', s.name, s.owner, current_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Schedule it again with vqc.schedule().';
    END IF;
    RETURN jsonb_array_length(vqc._record_run(s.suite_id) -> 'results');
END
$$;

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
    IF with_analyze AND vqc._citus_distributed(t) THEN
        -- Citus' EXPLAIN ANALYZE cannot bring back a worker's partial
        -- aggregate state (a cstring column): the plan alone
        with_analyze := false;
        RETURN NEXT 'Note: without ANALYZE: Citus cannot EXPLAIN ANALYZE the partial aggregates of a distributed table';
    END IF;
    RETURN QUERY EXECUTE format('EXPLAIN (COSTS OFF%s) %s',
                                CASE WHEN with_analyze THEN ', ANALYZE, TIMING OFF, SUMMARY OFF' ELSE '' END,
                                vqc._scan_sql(t, planned.items, names))
        USING planned.kwargs_all;
    RETURN QUERY SELECT vqc._explain_notes(planned.plans);     -- checks that may read again
END
$$;
COMMENT ON FUNCTION vqc.explain(text, boolean) IS
    'The plan of the single scan vqc.run() makes for a suite (with ANALYZE when asked).';
