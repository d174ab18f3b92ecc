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
    created_by     name NOT NULL DEFAULT current_user,
    PRIMARY KEY (target_schema, target_table, label, column_name)
);
COMMENT ON TABLE vqc.baseline IS
    'Baseline column profiles under a label; drift is measured against them without re-reading the baseline data.';
SELECT pg_catalog.pg_extension_config_dump('vqc.baseline', '');
-- a profile holds row values: only roles that may read the table see or set its baselines
ALTER TABLE vqc.baseline ENABLE ROW LEVEL SECURITY;
CREATE POLICY baseline_readers ON vqc.baseline FOR SELECT
    USING (vqc_report.may_read_table(target_schema, target_table));
CREATE POLICY baseline_writers ON vqc.baseline FOR ALL
    USING (vqc_report.may_read_table(target_schema, target_table))
    WITH CHECK (vqc_report.may_read_table(target_schema, target_table));
GRANT SELECT, INSERT, DELETE ON vqc.baseline TO PUBLIC;

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
    run_by           name NOT NULL DEFAULT current_user
);
COMMENT ON TABLE vqc_report.drift_run IS 'One row per vqc.drift_report(): the dataset verdict.';

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
    result         jsonb,
    PRIMARY KEY (drift_run_id, column_name)
);
COMMENT ON TABLE vqc_report.drift_result IS 'Per-column drift of each drift report.';
GRANT SELECT, INSERT ON vqc_report.drift_run, vqc_report.drift_result TO PUBLIC;
GRANT USAGE ON SEQUENCE vqc_report.drift_run_drift_run_id_seq TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_run', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_run_drift_run_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_result', '');

-- Profiles of the given columns of target in one scan: {column: profile text}.
CREATE FUNCTION vqc._profile_scan(target regclass, columns text[], OUT profiles jsonb, OUT rows_scanned bigint)
LANGUAGE plpgsql
AS $$
DECLARE
    arr text[];
BEGIN
    profiles := '{}';
    IF columns IS NULL OR cardinality(columns) = 0 THEN
        EXECUTE format('SELECT count(*) FROM %s', target) INTO rows_scanned;
        RETURN;
    END IF;
    EXECUTE format('SELECT count(*), ARRAY[%s]::text[] FROM %s',
                   (SELECT string_agg(format('vqc.profile_agg(%I)::text', c), ', ' ORDER BY o)
                      FROM unnest(columns) WITH ORDINALITY AS x(c, o)),
                   target)
        INTO rows_scanned, arr;
    SELECT jsonb_object_agg(c, arr[o]) INTO profiles FROM unnest(columns) WITH ORDINALITY AS x(c, o);
END
$$;

-- Stores the profiles of columns (default: every column a profile supports)
-- under label, replacing a baseline of that label.  One scan.
CREATE FUNCTION vqc.set_baseline(target regclass, label text, columns text[] DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    cols   text[];
    scan   record;
    sch    name;
    tbl    name;
    n      integer;
BEGIN
    IF target IS NULL OR label IS NULL OR label = '' THEN
        RAISE EXCEPTION 'target and label must not be null or empty' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT array_agg(column_name) INTO cols
      FROM vqc._profile_columns(target, coalesce(columns, '{*}'));
    IF cols IS NULL THEN
        RAISE EXCEPTION 'table % has no column a profile supports', target USING ERRCODE = 'datatype_mismatch';
    END IF;
    SELECT n.nspname, c.relname INTO sch, tbl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = target;
    scan := vqc._profile_scan(target, cols);
    DELETE FROM vqc.baseline b WHERE b.target_schema = sch AND b.target_table = tbl AND b.label = set_baseline.label;
    INSERT INTO vqc.baseline (target_schema, target_table, label, column_name, column_type, profile)
    SELECT sch, tbl, set_baseline.label, p.key, format_type(a.atttypid, NULL), (p.value #>> '{}')::vqc.profile
      FROM jsonb_each(scan.profiles) p
      JOIN pg_attribute a ON a.attrelid = target AND a.attname = p.key;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION vqc.set_baseline(regclass, text, text[]) IS
    'Stores the profiles of the table''s columns (default: all that a profile supports) under a label, in one scan.';

CREATE FUNCTION vqc.drop_baseline(target regclass, label text)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    n integer;
BEGIN
    DELETE FROM vqc.baseline b
     USING pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
     WHERE c.oid = target AND b.target_schema = s.nspname AND b.target_table = c.relname
       AND b.label = drop_baseline.label;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION vqc.drop_baseline(regclass, text) IS 'Removes a baseline; returns the number of column profiles removed.';

-- The baseline profile of one column, or an error naming what is missing.
CREATE FUNCTION vqc._baseline_profile(target regclass, label text, colname text)
RETURNS vqc.profile
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    p vqc.profile;
BEGIN
    SELECT b.profile INTO p
      FROM vqc.baseline b JOIN pg_namespace s ON s.nspname = b.target_schema
      JOIN pg_class c ON c.relnamespace = s.oid AND c.relname = b.target_table
     WHERE c.oid = target AND b.label = _baseline_profile.label AND b.column_name = colname;
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM vqc.baseline b JOIN pg_namespace s ON s.nspname = b.target_schema
                         JOIN pg_class c ON c.relnamespace = s.oid AND c.relname = b.target_table
                        WHERE c.oid = target AND b.label = _baseline_profile.label) THEN
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
-- recorded in vqc_report.drift_run / drift_result.  The dataset drifts when
-- the share of drifted columns reaches drift_share.
CREATE FUNCTION vqc.drift_report(target regclass, label text, method text DEFAULT 'auto',
                                 options jsonb DEFAULT '{}', drift_share double precision DEFAULT 0.5)
RETURNS TABLE (drift_run_id bigint, column_name text, method_used text, score double precision,
               p_value double precision, threshold double precision, drifted boolean, exact boolean,
               error_message text)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    started timestamptz := clock_timestamp();
    sch     name;
    tbl     name;
    base    record;
    cols    text[];
    scan    record;
    d       jsonb;
    msg     text;
    rid     bigint;
    results jsonb := '[]';
BEGIN
    IF drift_share IS NULL OR drift_share <= 0 OR drift_share > 1 THEN
        RAISE EXCEPTION 'drift_share must be in (0, 1]' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT s.nspname, c.relname INTO sch, tbl FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
     WHERE c.oid = target;
    -- baselined columns that still exist with a type a profile supports
    SELECT array_agg(b.column_name ORDER BY a.attnum) INTO cols
      FROM vqc.baseline b
      JOIN pg_attribute a ON a.attrelid = target AND a.attname = b.column_name AND NOT a.attisdropped
     WHERE b.target_schema = sch AND b.target_table = tbl AND b.label = drift_report.label
       AND vqc._profiles_type(a.atttypid);
    IF NOT EXISTS (SELECT 1 FROM vqc.baseline b WHERE b.target_schema = sch AND b.target_table = tbl
                                                 AND b.label = drift_report.label) THEN
        RAISE EXCEPTION 'baseline "%" of table % does not exist', label, target
            USING ERRCODE = 'undefined_object', HINT = 'Store one with vqc.set_baseline().';
    END IF;
    scan := vqc._profile_scan(target, cols);

    FOR base IN SELECT b.column_name, b.profile FROM vqc.baseline b
                 WHERE b.target_schema = sch AND b.target_table = tbl AND b.label = drift_report.label
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
        results := results || jsonb_build_array(jsonb_build_object('column', base.column_name, 'drift', d, 'error', msg));
    END LOOP;

    INSERT INTO vqc_report.drift_run AS r (target_schema, target_table, baseline_label, started_at, finished_at,
                                          rows_scanned, columns, drifted_columns, drift_share, share_threshold,
                                          dataset_drifted)
    SELECT sch, tbl, label, started, clock_timestamp(), scan.rows_scanned,
           count(*), count(*) FILTER (WHERE (x -> 'drift' ->> 'drifted')::boolean),
           (count(*) FILTER (WHERE (x -> 'drift' ->> 'drifted')::boolean))::float8 / nullif(count(*), 0),
           drift_share,
           coalesce((count(*) FILTER (WHERE (x -> 'drift' ->> 'drifted')::boolean))::float8 / nullif(count(*), 0)
                    >= drift_share, false)
      FROM jsonb_array_elements(results) x
    RETURNING r.drift_run_id INTO rid;

    INSERT INTO vqc_report.drift_result (drift_run_id, column_name, method, score, p_value, threshold,
                                         drifted, exact, error_message, result)
    SELECT rid, x ->> 'column', x -> 'drift' ->> 'method', (x -> 'drift' ->> 'score')::float8,
           (x -> 'drift' ->> 'p_value')::float8, (x -> 'drift' ->> 'threshold')::float8,
           (x -> 'drift' ->> 'drifted')::boolean, (x -> 'drift' ->> 'exact')::boolean, x ->> 'error', x -> 'drift'
      FROM jsonb_array_elements(results) x;

    RETURN QUERY
    SELECT r.drift_run_id, r.column_name, r.method, r.score, r.p_value, r.threshold, r.drifted, r.exact, r.error_message
      FROM vqc_report.drift_result r WHERE r.drift_run_id = rid ORDER BY r.column_name;
END
$$;
COMMENT ON FUNCTION vqc.drift_report(regclass, text, text, jsonb, double precision) IS
    'Drift of every baselined column from one scan of the table, recorded in vqc_report.drift_run / drift_result with the dataset verdict.';
