-- baseline.sql: stored baseline profiles, drift reports against them, and
-- the drift expectation that suites evaluate in their single scan.

CREATE TABLE vqc.baseline (
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    label          text NOT NULL CHECK (label <> ''),
    column_name    text NOT NULL,
    column_type    text NOT NULL,
    profile        vqc.profile NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     regrole NOT NULL,
    target         regclass NOT NULL,
    PRIMARY KEY (target, label, column_name)
);
COMMENT ON TABLE vqc.baseline IS
    'Baseline column profiles under a label; drift is measured against them without re-reading the baseline data.';
COMMENT ON COLUMN vqc.baseline.created_by IS
    'The baseline''s owner: only its members replace or drop it.';
SELECT pg_catalog.pg_extension_config_dump('vqc.baseline', '');
-- A profile holds row values: only roles for which may_read_values() holds
-- see a baseline; only vqc.set_baseline / drop_baseline write the table.
ALTER TABLE vqc.baseline ENABLE ROW LEVEL SECURITY;
CREATE POLICY baseline_readers ON vqc.baseline FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
GRANT SELECT ON vqc.baseline TO PUBLIC;

CREATE TABLE vqc_report.drift_run (
    drift_run_id     bigserial PRIMARY KEY,
    target_schema    name NOT NULL,
    target_table     name NOT NULL,
    baseline_label   text NOT NULL,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz NOT NULL,
    rows_scanned     bigint,
    columns          integer NOT NULL,
    drifted_columns  integer NOT NULL,
    drift_share      double precision,
    share_threshold  double precision NOT NULL,
    dataset_drifted  boolean NOT NULL,
    run_by           name NOT NULL,
    target           regclass,
    baseline_schema  name,
    baseline_table   name,
    baseline_target  regclass
);
COMMENT ON TABLE vqc_report.drift_run IS 'One row per vqc.drift_report(): the dataset verdict.';
COMMENT ON COLUMN vqc_report.drift_run.baseline_target IS
    'The table whose baseline was compared (baseline_schema.baseline_table when taken): the checked table, or the option baseline_table''s (reports made before 0.5.0: NULL).';

CREATE TABLE vqc_report.drift_result (
    drift_run_id   bigint NOT NULL REFERENCES vqc_report.drift_run ON DELETE CASCADE,
    column_name    text NOT NULL,
    method         text,
    score          double precision,
    p_value        double precision,
    threshold      double precision,
    drifted        boolean,
    exact          boolean,
    error_message  text,
    PRIMARY KEY (drift_run_id, column_name)
);
COMMENT ON TABLE vqc_report.drift_result IS 'Per-column drift of each drift report: scores and verdicts (details in drift_detail).';

-- vqc.drift()'s whole answer: its details hold values of the table (bin
-- edges, frequent values), so only the table's readers see them.
CREATE TABLE vqc_report.drift_detail (
    drift_run_id   bigint NOT NULL,
    column_name    text NOT NULL,
    target         regclass NOT NULL,
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    result         jsonb,
    baseline_profile vqc.profile,
    current_profile  vqc.profile,
    PRIMARY KEY (drift_run_id, column_name),
    FOREIGN KEY (drift_run_id, column_name) REFERENCES vqc_report.drift_result ON DELETE CASCADE
);
COMMENT ON TABLE vqc_report.drift_detail IS
    'vqc.drift()''s full answer per column of a drift report; visible only where vqc_report.may_read_values() holds.';
COMMENT ON COLUMN vqc_report.drift_detail.current_profile IS
    'The column''s profile the report compared with baseline_profile (reports made before 0.3.0: NULL).';
ALTER TABLE vqc_report.drift_detail ENABLE ROW LEVEL SECURITY;
CREATE POLICY drift_detail_readers ON vqc_report.drift_detail FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_run', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_run_drift_run_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_result', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_detail', '');

-- Profiles of the given columns of target in one scan: {column: profile text}.
CREATE FUNCTION vqc._profile_scan(target regclass, columns text[], OUT profiles jsonb, OUT rows_scanned bigint)
LANGUAGE plpgsql
AS $$
DECLARE
    arr text[];
BEGIN
    profiles := '{}';
    IF columns IS NULL OR cardinality(columns) = 0 THEN
        EXECUTE format('SELECT pg_catalog.count(*) FROM %s', target) INTO rows_scanned;
        RETURN;
    END IF;
    EXECUTE format('SELECT pg_catalog.count(*), ARRAY[%s]::pg_catalog.text[] FROM %s',
                   (SELECT string_agg(format('vqc.profile_agg(%I)::pg_catalog.text', c), ', ' ORDER BY o)
                      FROM unnest(columns) WITH ORDINALITY AS x(c, o)),
                   target)
        INTO rows_scanned, arr;
    SELECT jsonb_object_agg(c, arr[o]) INTO profiles FROM unnest(columns) WITH ORDINALITY AS x(c, o);
END
$$;

-- Stores the profiles of columns (default: every column a profile supports)
-- under label, replacing a baseline of that label.  One scan, as the caller
-- (vqc_with_caller: see suites.sql); the caller must own a baseline it replaces.
CREATE FUNCTION vqc.set_baseline(target regclass, label text, columns text[] DEFAULT NULL)
RETURNS integer
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.set_baseline(regclass, text, text[]) IS
    'Stores the profiles of the table''s columns (default: all that a profile supports) under a label, in one scan.';

CREATE FUNCTION vqc._set_baseline_check(target regclass, label text, columns text[])
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    cols text[];
    scan record;
BEGIN
    IF target IS NULL OR label IS NULL OR label = '' THEN
        RAISE EXCEPTION 'target and label must not be null or empty' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM vqc._require_select(target);
    SELECT array_agg(column_name) INTO cols
      FROM vqc._profile_columns(target, coalesce(columns, '{*}'));
    IF cols IS NULL THEN
        RAISE EXCEPTION 'table % has no column a profile supports', target USING ERRCODE = 'datatype_mismatch';
    END IF;
    scan := vqc._profile_scan(target, cols);
    RETURN scan.profiles;
END
$$;

CREATE FUNCTION vqc._set_baseline_write(caller regrole, profiles jsonb, target regclass, label text, columns text[])
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    owner regrole;
    n     integer;
BEGIN
    PERFORM vqc._require_select(target, caller);
    SELECT b.created_by INTO owner FROM vqc.baseline b
     WHERE b.target = _set_baseline_write.target AND b.label = _set_baseline_write.label LIMIT 1;
    IF owner IS NOT NULL AND NOT coalesce(pg_has_role(caller, owner, 'MEMBER'), false) THEN
        RAISE EXCEPTION 'baseline "%" of table % belongs to role %', label, target, owner
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Choose another label, or ask its owner to drop it.';
    END IF;
    DELETE FROM vqc.baseline b WHERE b.target = _set_baseline_write.target AND b.label = _set_baseline_write.label;
    INSERT INTO vqc.baseline (target_schema, target_table, label, column_name, column_type, profile,
                              created_by, target)
    SELECT n.nspname, c.relname, _set_baseline_write.label, p.key, format_type(a.atttypid, NULL),
           (p.value #>> '{}')::vqc.profile, caller, c.oid
      FROM jsonb_each(profiles) p
      JOIN pg_class c ON c.oid = _set_baseline_write.target
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = p.key;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

CREATE FUNCTION vqc.drop_baseline(target regclass, label text)
RETURNS integer
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.drop_baseline(regclass, text) IS
    'Removes a baseline you own; returns the number of column profiles removed.';

CREATE FUNCTION vqc._drop_baseline_write(caller regrole, target regclass, label text)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    n integer;
BEGIN
    IF EXISTS (SELECT 1 FROM vqc.baseline b
                WHERE b.target = _drop_baseline_write.target AND b.label = _drop_baseline_write.label
                  AND NOT coalesce(pg_has_role(caller, b.created_by, 'MEMBER'), false)) THEN
        RAISE EXCEPTION 'must be a member of the owner of baseline "%" of table % to drop it', label, target
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM vqc.baseline b
     WHERE b.target = _drop_baseline_write.target AND b.label = _drop_baseline_write.label;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- The baseline profile of one column, or an error naming what is missing.
CREATE FUNCTION vqc._baseline_profile(target regclass, label text, colname text)
RETURNS vqc.profile
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    p vqc.profile;
BEGIN
    SELECT b.profile INTO p
      FROM vqc.baseline b
     WHERE b.target = _baseline_profile.target AND b.label = _baseline_profile.label AND b.column_name = colname;
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM vqc.baseline b
                        WHERE b.target = _baseline_profile.target AND b.label = _baseline_profile.label) THEN
            RAISE EXCEPTION 'baseline "%" of table % does not exist', label, target
                USING ERRCODE = 'undefined_object',
                      HINT = 'Store one with vqc.set_baseline().';
        END IF;
        RAISE EXCEPTION 'baseline "%" of table % has no profile of column "%"', label, target, colname
            USING ERRCODE = 'undefined_object';
    END IF;
    RETURN p;
END
$$;

-- Drift of every baselined column, from one scan of the current table;
-- recorded in vqc_report.drift_run / drift_result / drift_detail.  The
-- dataset drifts when the share of drifted columns reaches drift_share.
CREATE FUNCTION vqc.drift_report(target regclass, label text, method text DEFAULT 'auto',
                                 options jsonb DEFAULT '{}', drift_share double precision DEFAULT 0.5)
RETURNS TABLE (drift_run_id bigint, column_name text, method_used text, score double precision,
               p_value double precision, threshold double precision, drifted boolean, exact boolean,
               error_message text)
LANGUAGE plpgsql
AS $$
DECLARE
    done jsonb := vqc._record_drift_report(target, label, method, options, drift_share);
BEGIN
    RETURN QUERY
    SELECT (done ->> 'drift_run_id')::bigint, x ->> 'column', x -> 'drift' ->> 'method',
           (x -> 'drift' ->> 'score')::float8, (x -> 'drift' ->> 'p_value')::float8,
           (x -> 'drift' ->> 'threshold')::float8, (x -> 'drift' ->> 'drifted')::boolean,
           (x -> 'drift' ->> 'exact')::boolean, x ->> 'error'
      FROM jsonb_array_elements(done -> 'results') x
     ORDER BY x ->> 'column';
END
$$;
COMMENT ON FUNCTION vqc.drift_report(regclass, text, text, jsonb, double precision) IS
    'Drift of every baselined column from one scan of the table, recorded in vqc_report.drift_run / drift_result with the dataset verdict.';

-- The drift report, computed as the caller and recorded by the extension's
-- owner (vqc_with_caller: see suites.sql); returns {drift_run_id, results}.
CREATE FUNCTION vqc._record_drift_report(target regclass, label text, method text, options jsonb,
                                         drift_share double precision)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;

CREATE FUNCTION vqc._record_drift_report_check(target regclass, label text, method text, options jsonb,
                                               drift_share double precision)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    started timestamptz := clock_timestamp();
    base_of regclass := target;   -- the table whose baseline is compared
    base    record;
    cols    text[];
    scan    record;
    d       jsonb;
    msg     text;
    results jsonb := '[]';
BEGIN
    IF target IS NULL OR label IS NULL THEN
        RAISE EXCEPTION 'target and label must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF drift_share IS NULL OR drift_share <= 0 OR drift_share > 1 THEN
        RAISE EXCEPTION 'drift_share must be in (0, 1]' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- a baseline of another table with the same columns (the training table
    -- for the serving log, last month's partition for this month's)
    IF options ? 'baseline_table' THEN
        IF jsonb_typeof(options -> 'baseline_table') <> 'string' THEN
            RAISE EXCEPTION 'option baseline_table must be a table name' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- schema-qualified, or in the checked table's schema (never through
        -- search_path, which is pinned)
        base_of := CASE WHEN strpos(options ->> 'baseline_table', '.') > 0
                        THEN pg_catalog.to_regclass(options ->> 'baseline_table')
                        ELSE pg_catalog.to_regclass(format('%I.%I', (SELECT n.nspname FROM pg_class c
                                                                       JOIN pg_namespace n ON n.oid = c.relnamespace
                                                                      WHERE c.oid = target),
                                                           options ->> 'baseline_table')) END;
        IF base_of IS NULL THEN
            RAISE EXCEPTION 'baseline table % does not exist', options ->> 'baseline_table' USING ERRCODE = 'undefined_table';
        END IF;
        options := options - 'baseline_table';
    END IF;
    -- the baselines the caller may read (row-level security on vqc.baseline)
    IF NOT EXISTS (SELECT 1 FROM vqc.baseline b WHERE b.target = base_of
                                                 AND b.label = _record_drift_report_check.label) THEN
        RAISE EXCEPTION 'baseline "%" of table % does not exist', label, base_of
            USING ERRCODE = 'undefined_object',
                  HINT = 'Store one with vqc.set_baseline(), or name the baselined table with the option baseline_table.';
    END IF;
    -- baselined columns that exist in the checked table with a type a profile supports
    SELECT array_agg(b.column_name ORDER BY a.attnum) INTO cols
      FROM vqc.baseline b
      JOIN pg_attribute a ON a.attrelid = _record_drift_report_check.target AND a.attname = b.column_name AND NOT a.attisdropped
     WHERE b.target = base_of AND b.label = _record_drift_report_check.label
       AND vqc._profiles_type(a.atttypid);
    scan := vqc._profile_scan(target, cols);

    FOR base IN SELECT b.column_name, b.profile FROM vqc.baseline b
                 WHERE b.target = base_of AND b.label = _record_drift_report_check.label
                 ORDER BY b.column_name LOOP
        d := NULL;
        msg := NULL;
        IF NOT scan.profiles ? base.column_name THEN
            msg := format('column "%s" is no longer in the table (or its type changed)', base.column_name);
        ELSE
            BEGIN
                d := vqc.drift(base.profile, (scan.profiles ->> base.column_name)::vqc.profile, method, options);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            END;
        END IF;
        results := results || jsonb_build_array(jsonb_build_object('column', base.column_name, 'drift', d, 'error', msg,
                                                                   'baseline_profile', base.profile::text,
                                                                   'current_profile', scan.profiles ->> base.column_name));
    END LOOP;
    RETURN jsonb_build_object('started', started, 'finished', clock_timestamp(),
                              'rows', scan.rows_scanned, 'results', results, 'baseline_of', base_of::oid);
END
$$;

CREATE FUNCTION vqc._record_drift_report_write(caller regrole, computed jsonb, target regclass, label text,
                                               method text, options jsonb, drift_share double precision)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    rid bigint;
BEGIN
    PERFORM vqc._require_select(target, caller);
    INSERT INTO vqc_report.drift_run AS r (target_schema, target_table, baseline_label, started_at, finished_at,
                                          rows_scanned, columns, drifted_columns, drift_share, share_threshold,
                                          dataset_drifted, run_by, target, baseline_schema, baseline_table,
                                          baseline_target)
    SELECT n.nspname, c.relname, label, (computed ->> 'started')::timestamptz, (computed ->> 'finished')::timestamptz,
           (computed ->> 'rows')::bigint, x.columns, x.drifted, x.drifted::float8 / nullif(x.columns, 0),
           drift_share, coalesce(x.drifted::float8 / nullif(x.columns, 0) >= drift_share, false),
           caller::text, c.oid, bn.nspname, bc.relname, bc.oid
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      -- the baselined table, as the check resolved it (this table by default)
      LEFT JOIN pg_class bc ON bc.oid = coalesce((computed ->> 'baseline_of')::oid, c.oid)
      LEFT JOIN pg_namespace bn ON bn.oid = bc.relnamespace,
           LATERAL (SELECT count(*)::integer AS columns,
                           (count(*) FILTER (WHERE (e -> 'drift' ->> 'drifted')::boolean))::integer AS drifted
                      FROM jsonb_array_elements(computed -> 'results') e) x
     WHERE c.oid = target
    RETURNING r.drift_run_id INTO rid;

    INSERT INTO vqc_report.drift_result (drift_run_id, column_name, method, score, p_value, threshold,
                                         drifted, exact, error_message)
    SELECT rid, x ->> 'column', x -> 'drift' ->> 'method', (x -> 'drift' ->> 'score')::float8,
           (x -> 'drift' ->> 'p_value')::float8, (x -> 'drift' ->> 'threshold')::float8,
           (x -> 'drift' ->> 'drifted')::boolean, (x -> 'drift' ->> 'exact')::boolean, x ->> 'error'
      FROM jsonb_array_elements(computed -> 'results') x;

    INSERT INTO vqc_report.drift_detail (drift_run_id, column_name, target, target_schema, target_table, result,
                                         baseline_profile, current_profile)
    SELECT rid, x ->> 'column', r.target, r.target_schema, r.target_table, x -> 'drift',
           (x ->> 'baseline_profile')::vqc.profile, (x ->> 'current_profile')::vqc.profile
      FROM vqc_report.drift_run r, jsonb_array_elements(computed -> 'results') x
     WHERE r.drift_run_id = rid;

    RETURN jsonb_build_object('drift_run_id', rid,
                              'results', (SELECT jsonb_agg(x - '{baseline_profile,current_profile}'::text[] ORDER BY o)
                                            FROM jsonb_array_elements(computed -> 'results') WITH ORDINALITY e(x, o)));
END
$$;

-- Drift between two time windows of one table, without copying rows: the
-- profiles of the rows whose time_column falls in [baseline_from,
-- baseline_to) and in [current_from, current_to), taken in one scan as the
-- caller, compared with vqc.drift.  Not recorded (a report of windows has no
-- stored baseline); columns default to every column a profile supports but
-- the time column.
CREATE FUNCTION vqc.drift_windows(target regclass, time_column text,
                                  baseline_from timestamptz, baseline_to timestamptz,
                                  current_from timestamptz, current_to timestamptz,
                                  columns text[] DEFAULT NULL, method text DEFAULT 'auto', options jsonb DEFAULT '{}')
RETURNS TABLE (column_name text, method_used text, score double precision, p_value double precision,
               threshold double precision, drifted boolean, exact boolean, baseline_rows bigint, current_rows bigint)
LANGUAGE plpgsql
AS $$
DECLARE
    tc    record;
    cols  text[];
    arr   text[];
    nb    bigint;
    nc    bigint;
    i     integer;
    d     jsonb;
BEGIN
    IF target IS NULL OR time_column IS NULL OR baseline_from IS NULL OR baseline_to IS NULL
       OR current_from IS NULL OR current_to IS NULL THEN
        RAISE EXCEPTION 'vqc.drift_windows arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM vqc._require_select(target, current_user::regrole);
    SELECT * INTO tc FROM vqc._column(target, time_column);
    IF vqc._base_type(tc.type_sql::regtype) NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
        RAISE EXCEPTION 'time column "%" is of type %, not a date or timestamp', time_column, tc.type_sql
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO cols
      FROM pg_attribute a
     WHERE a.attrelid = target AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> tc.attname
       AND vqc._profiles_type(a.atttypid)
       AND (columns IS NULL OR a.attname::text = ANY (columns));
    IF columns IS NOT NULL AND coalesce(cardinality(cols), 0) <> cardinality(columns) THEN
        RAISE EXCEPTION 'a column of % is not in table % or has a type a profile does not support', columns, target
            USING ERRCODE = 'undefined_column';
    END IF;
    EXECUTE format('SELECT pg_catalog.count(*) FILTER (WHERE w = 1), pg_catalog.count(*) FILTER (WHERE w = 2), ARRAY[%s]::pg_catalog.text[] '
                   'FROM (SELECT *, CASE WHEN %2$I::pg_catalog.timestamptz OPERATOR(pg_catalog.>=) $1 AND %2$I::pg_catalog.timestamptz OPERATOR(pg_catalog.<) $2 THEN 1 '
                   'WHEN %2$I::pg_catalog.timestamptz OPERATOR(pg_catalog.>=) $3 AND %2$I::pg_catalog.timestamptz OPERATOR(pg_catalog.<) $4 THEN 2 END AS w FROM %3$s) t '
                   'WHERE w IS NOT NULL',
                   (SELECT string_agg(format('vqc.profile_agg(%1$I) FILTER (WHERE w = 1)::pg_catalog.text, '
                                             'vqc.profile_agg(%1$I) FILTER (WHERE w = 2)::pg_catalog.text', c), ', ' ORDER BY o)
                      FROM unnest(cols) WITH ORDINALITY x(c, o)),
                   tc.attname, target)
        INTO nb, nc, arr
        USING baseline_from, baseline_to, current_from, current_to;
    FOR i IN 1 .. coalesce(cardinality(cols), 0) LOOP
        column_name := cols[i];
        baseline_rows := nb;
        current_rows := nc;
        -- a window without values in this column has no score
        d := CASE WHEN vqc.row_count(arr[2 * i - 1]::vqc.profile) > vqc.null_count(arr[2 * i - 1]::vqc.profile)
                       AND vqc.row_count(arr[2 * i]::vqc.profile) > vqc.null_count(arr[2 * i]::vqc.profile)
                  THEN vqc.drift(arr[2 * i - 1]::vqc.profile, arr[2 * i]::vqc.profile, method, options) END;
        method_used := d ->> 'method';
        score := (d ->> 'score')::float8;
        p_value := (d ->> 'p_value')::float8;
        threshold := (d ->> 'threshold')::float8;
        drifted := (d ->> 'drifted')::boolean;
        exact := (d ->> 'exact')::boolean;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION vqc.drift_windows(regclass, text, timestamptz, timestamptz, timestamptz, timestamptz, text[], text, jsonb) IS
    'Drift of each column between two time windows of one table, in one scan, without copying rows (not recorded).';
