-- Issue #13, the rest: incremental runs on a suite's watermark column
-- (src/sql/incremental.sql, with vqc._evaluate_all split into _scan_plans and
-- _evaluate_plans in src/sql/expect.sql, vqc.run(suite, suite_parameters,
-- full) replacing vqc.run(text) and vqc.run(text, jsonb), the run's writer
-- storing the cumulative state, a failed gate not storing it), and drift
-- reports recording the table whose baseline they compared
-- (src/sql/baseline.sql, vqc.drift_html in src/sql/html.sql).

-- ------------------------------------------------------------------------
-- Drift reports record their baseline's table.
ALTER TABLE vqc_report.drift_run ADD COLUMN baseline_schema name,
                                 ADD COLUMN baseline_table name,
                                 ADD COLUMN baseline_target regclass;
COMMENT ON COLUMN vqc_report.drift_run.baseline_target IS
    'The table whose baseline was compared (baseline_schema.baseline_table when taken): the checked table, or the option baseline_table''s (reports made before 0.5.0: NULL).';

SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._record_drift_report_check(target regclass, label text, method text, options jsonb,
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

CREATE OR REPLACE FUNCTION vqc._record_drift_report_write(caller regrole, computed jsonb, target regclass, label text,
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

CREATE OR REPLACE FUNCTION vqc.drift_html(drift_run_id bigint)
RETURNS text
LANGUAGE plpgsql STABLE STRICT
AS $$
DECLARE
    d     vqc_report.drift_run;
    body  text;
BEGIN
    SELECT * INTO d FROM vqc_report.drift_run x WHERE x.drift_run_id = drift_html.drift_run_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'drift report % does not exist', drift_run_id USING ERRCODE = 'undefined_object';
    END IF;
    body := '<h1>Drift of ' || vqc._html_text(format('%I.%I', d.target_schema, d.target_table), 300) || '</h1>'
         || '<div class="muted">drift report ' || d.drift_run_id || ' against baseline <b>' || vqc._html_text(d.baseline_label, 200)
         || '</b>' || CASE WHEN d.baseline_table IS NULL THEN ''    -- reports made before 0.5.0
                           ELSE ' of <b>' || vqc._html_text(format('%I.%I', d.baseline_schema, d.baseline_table), 300) || '</b>' END
         || ', by ' || vqc._html_text(d.run_by, 100) || ', started ' || vqc.html_escape(to_char(d.started_at, 'YYYY-MM-DD HH24:MI:SS TZ'))
         || ', ' || vqc._html_num(d.rows_scanned) || ' rows</div>'
         || '<div class="summary">'
         || format('<div>%s<b>%s / %s</b>columns drifted</div><div><b>%s</b>share (threshold %s)</div></div>',
                   vqc._html_status(CASE WHEN d.dataset_drifted THEN 'failure' ELSE 'success' END),
                   d.drifted_columns, d.columns, vqc._html_num(d.drift_share), vqc._html_num(d.share_threshold))
         || '<div class="cards">'
         || coalesce((SELECT string_agg(
                '<div class="card"><h3>' || vqc._html_text(x.column_name, 120) || ' '
                || vqc._html_status(CASE WHEN x.error_message IS NOT NULL THEN 'error' WHEN x.drifted THEN 'failure' ELSE 'success' END)
                || '</h3><div class="muted">' || vqc._html_text(x.method, 60) || ' ' || vqc._html_num(x.score)
                || ' (threshold ' || vqc._html_num(x.threshold) || ')'
                || CASE WHEN x.p_value IS NULL THEN '' ELSE ', p-value ' || vqc._html_num(x.p_value) END
                || CASE WHEN x.exact THEN '' ELSE ', from sketches' END || '</div>'
                || coalesce('<div class="muted">' || vqc.html_escape(left(x.error_message, 500)) || '</div>', '')
                || coalesce(vqc._html_overlay(dd.baseline_profile, dd.current_profile), '')
                || '</div>', '' ORDER BY x.column_name)
               FROM vqc_report.drift_result x
               LEFT JOIN vqc_report.drift_detail dd ON dd.drift_run_id = x.drift_run_id AND dd.column_name = x.column_name
              WHERE x.drift_run_id = d.drift_run_id), '')
         || '</div>';
    RETURN vqc._html_page(format('vqc: drift of %s.%s', d.target_schema, d.target_table), body);
END
$$;
COMMENT ON FUNCTION vqc.drift_html(bigint) IS
    'One standalone HTML page for a drift report: the verdict and, per column, the score with the baseline and current distributions drawn over each other.';

RESET check_function_bodies;

-- ------------------------------------------------------------------------
-- Incremental runs.  vqc.run(text) and vqc.run(text, jsonb) become one
-- function with defaults, vqc.run(suite, suite_parameters, full).
DROP FUNCTION vqc.run(text);
DROP FUNCTION vqc.run(text, jsonb);

SET check_function_bodies = false;

ALTER TABLE vqc.suite ADD COLUMN watermark text;
COMMENT ON COLUMN vqc.suite.watermark IS
    'The column whose increasing values tell new rows from old (vqc.set_watermark); NULL: every run reads the whole table.';

CREATE TABLE vqc_report.incremental_run (
    run_id            bigint PRIMARY KEY REFERENCES vqc_report.run ON DELETE CASCADE,
    suite_id          bigint NOT NULL,
    target            regclass NOT NULL,
    target_schema     name NOT NULL,
    target_table      name NOT NULL,
    watermark_column  text NOT NULL,
    mode              text NOT NULL CHECK (mode IN ('full', 'incremental')),
    reason            text,
    from_watermark    jsonb,
    to_watermark      jsonb,
    new_rows          bigint NOT NULL,
    cumulative_rows   bigint NOT NULL,
    tuples_inserted   bigint NOT NULL,
    state             jsonb NOT NULL
);
CREATE INDEX ON vqc_report.incremental_run (suite_id, run_id);
COMMENT ON TABLE vqc_report.incremental_run IS
    'The cumulative state each run of a suite with a watermark stored: the rows read (watermark > from_watermark; all rows in mode full), the largest watermark so far, and the merged parts and profiles; visible only where vqc_report.may_read_values() holds.';
COMMENT ON COLUMN vqc_report.incremental_run.tuples_inserted IS
    'The table''s n_tup_ins (pg_stat_user_tables, with this session''s pending counts) when the run began: the next run compares it to find rows that arrived behind the watermark.';
ALTER TABLE vqc_report.incremental_run ENABLE ROW LEVEL SECURITY;
CREATE POLICY incremental_run_readers ON vqc_report.incremental_run FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
SELECT pg_catalog.pg_extension_config_dump('vqc_report.incremental_run', '');

-- ---------------------------------------------------------------------------
-- the watermark

-- The watermark column's type, or an error: it must exist and be ordered
-- (a default btree class and a max aggregate).
CREATE FUNCTION vqc._watermark_type(target regclass, colname text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    col record := vqc._column(target, colname);
BEGIN
    IF vqc._default_opclass(col.type_sql::regtype, 'btree') IS NULL
       OR vqc._minmax_sql(col.type_sql::regtype, 'max', 'x') IS NULL THEN
        RAISE EXCEPTION 'watermark column "%" is of type %, which has no order', colname, col.type_sql
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'A watermark is an increasing id or timestamp: a column whose type has a default btree operator class.';
    END IF;
    RETURN col.type_sql;
END
$$;

CREATE FUNCTION vqc.set_watermark(suite text, watermark text)
RETURNS void
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.set_watermark(text, text) IS
    'Makes the suite''s runs incremental on an increasing column (NULL: whole-table runs again); the next run reads everything.';

CREATE FUNCTION vqc._set_watermark_check(suite text, watermark text)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_for_change(suite);
BEGIN
    IF watermark IS NOT NULL THEN
        PERFORM vqc._watermark_type(vqc._suite_target(s), watermark);
    END IF;
    RETURN jsonb_build_object('suite_id', s.suite_id);
END
$$;

CREATE FUNCTION vqc._set_watermark_write(caller regrole, checked jsonb, suite text, watermark text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_by_id((checked ->> 'suite_id')::bigint);
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    UPDATE vqc.suite SET watermark = _set_watermark_write.watermark WHERE suite_id = s.suite_id;
END
$$;

-- The watermark comparison "column op value" as SQL, value a literal of the
-- column's type (so the planner sees a constant and uses an index on it).
-- value is the JSON of the watermark (to_jsonb: ISO 8601 for times, whatever
-- the session's DateStyle).
CREATE FUNCTION vqc._watermark_sql(wm text, wm_type text, op text, value jsonb, qualifier text DEFAULT '')
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT vqc._compare_sql(wm_type::regtype, qualifier || quote_ident(wm), op,
                            format('%L::%s', value #>> '{}', wm_type))
$$;

-- n_tup_ins of the table (or of its leaf partitions), with this session's pending counts.
CREATE FUNCTION vqc._tuples_inserted(target regclass)
RETURNS bigint
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(sum(pg_stat_get_tuples_inserted(x.relid) + pg_stat_get_xact_tuples_inserted(x.relid)), 0)::bigint
      FROM (SELECT p.relid FROM pg_partition_tree(target) p WHERE p.isleaf
            UNION
            SELECT target) x         -- pg_partition_tree lists no plain table
$$;

-- Rows that arrived behind the watermark since the last run, or an error.
-- Cheap test first: the inserts the statistics counted since then, less the
-- new rows read, can hide no late row when they are none (aborted inserts,
-- lagging statistics and a reset can only raise a false suspicion).  On
-- suspicion, the exact test: the rows at or below the last watermark (or
-- without one) counted through an index on it, against the rows the state has.
CREATE FUNCTION vqc._check_late_rows(target regclass, wm text, wm_type text, prev vqc_report.incremental_run,
                                     ins_now bigint, new_rows bigint)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    old_rows bigint;
BEGIN
    IF ins_now >= prev.tuples_inserted AND ins_now - prev.tuples_inserted <= new_rows THEN
        RETURN false;
    END IF;
    EXECUTE format('SELECT pg_catalog.count(*) FROM %s WHERE %s OR %I IS NULL',
                   target, vqc._watermark_sql(wm, wm_type, '<=', prev.to_watermark), wm)
        INTO old_rows;
    IF old_rows > prev.cumulative_rows THEN
        RAISE EXCEPTION '% rows of table % arrived with a watermark at or below the last run''s (or none)',
                        old_rows - prev.cumulative_rows, target
            USING ERRCODE = 'VQ002',
                  DETAIL = format('Column "%s" is the suite''s watermark; an incremental run reads only rows past it.', wm),
                  HINT = 'Run vqc.run(suite, full => true) to read the whole table again.';
    END IF;
    RETURN true;
END
$$;

-- A temporary view of the rows past the watermark (with the system columns
-- row keys use), read as the caller like the table.
CREATE FUNCTION vqc._new_rows_view(target regclass, wm text, wm_type text, after jsonb, suite_id bigint)
RETURNS regclass
LANGUAGE plpgsql
AS $$
DECLARE
    name text := format('vqc_new_rows_%s', suite_id);
BEGIN
    IF to_regclass(format('pg_temp.%I', name)) IS NOT NULL THEN
        EXECUTE format('DROP VIEW pg_temp.%I', name);
    END IF;
    EXECUTE format('CREATE TEMPORARY VIEW %I AS SELECT *%s FROM %s WHERE %s', name,
                   CASE WHEN (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'p', 'm')
                        THEN ', ctid, tableoid' ELSE '' END,
                   target, vqc._watermark_sql(wm, wm_type, '>', after));
    RETURN format('pg_temp.%I', name)::regclass;
END
$$;

-- ---------------------------------------------------------------------------
-- what merges

-- Merges tallies (counts added, samples of the first kept first).
CREATE AGGREGATE vqc._tally_merge(vqc.tally) (
    SFUNC = vqc.tally_combinefn,
    STYPE = vqc.tally
);

-- How an expectation's plan merges across runs, or NULL when it does not:
-- {"how": "counts" | "aggregate" | "unique", "parts": {item: merge}, "items":
-- the extra items the scan computes for it, "stat": mean | stdev}.  A map or
-- row-count plan merges when every item is a count or a tally; an aggregate
-- when its value is a min, max or sum, or a mean or standard deviation
-- (from the count, mean and variance added to the scan); uniqueness by its
-- own rule.
CREATE FUNCTION vqc._incremental_parts(plan jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    parts jsonb := '{}';
    item  record;
    vi    text := plan ->> 'value_item';
    arg   text;
    pos   text := plan ->> 'position';
BEGIN
    IF plan IS NULL OR plan ? 'evaluator' OR plan ? 'failures' OR plan ? 'bracket_items'
       OR plan ->> 'kind' NOT IN ('table', 'map', 'aggregate') THEN
        RETURN NULL;
    END IF;
    IF plan ->> 'type' = 'expect_column_values_to_be_unique' THEN
        RETURN jsonb_build_object('how', 'unique', 'parts',
                                  jsonb_build_object('n', 'add', plan ->> 'nonnull', 'add'));
    END IF;
    FOR item IN SELECT key, value #>> '{}' AS expr FROM jsonb_each(plan -> 'items') LOOP
        IF item.key = vi AND plan ->> 'kind' = 'aggregate' THEN
            CASE plan ->> 'statistic'
            WHEN 'expect_column_min_to_be_between' THEN parts := parts || jsonb_build_object(vi, 'min');
            WHEN 'expect_column_max_to_be_between' THEN parts := parts || jsonb_build_object(vi, 'max');
            WHEN 'expect_column_sum_to_be_between' THEN parts := parts || jsonb_build_object(vi, 'add');
            WHEN 'expect_column_mean_to_be_between' THEN
                arg := substring(item.expr FROM '^pg_catalog\.avg\((.*)\)::pg_catalog\.float8$');
            WHEN 'expect_column_stdev_to_be_between' THEN
                arg := substring(item.expr FROM '^pg_catalog\.stddev_samp\((.*)\)::pg_catalog\.float8$');
            ELSE
                RETURN NULL;
            END CASE;
            CONTINUE WHEN arg IS NULL;
            -- a mean and a standard deviation from the count, mean and
            -- variance of each run (the scan shares their aggregates' states
            -- with the expectation's own avg or stddev_samp)
            RETURN jsonb_build_object(
                'how', 'aggregate', 'stat', CASE WHEN item.expr LIKE 'pg_catalog.avg(%' THEN 'mean' ELSE 'stdev' END,
                'parts', jsonb_build_object('c:m:' || pos, 'moments'),
                'items', jsonb_build_object('c:m:' || pos, format(
                    'pg_catalog.jsonb_build_array(pg_catalog.count(%1$s), pg_catalog.avg(%1$s), pg_catalog.var_samp(%1$s))', arg)));
        ELSIF item.expr LIKE 'pg_catalog.count(%' THEN
            parts := parts || jsonb_build_object(item.key, 'add');
        ELSIF item.expr LIKE 'vqc.tally(%' THEN
            parts := parts || jsonb_build_object(item.key, 'tally');
        ELSE
            RETURN NULL;
        END IF;
    END LOOP;
    IF plan ->> 'kind' = 'aggregate' AND NOT parts ? vi THEN
        RETURN NULL;
    END IF;
    RETURN jsonb_build_object('how', CASE WHEN plan ->> 'kind' = 'aggregate' THEN 'aggregate' ELSE 'counts' END,
                              'parts', parts);
END
$$;

-- One part merged: old and new values (text) of an item.
CREATE FUNCTION vqc._merge_part(merge text, a text, b text, type_sql text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    r text;
BEGIN
    IF merge IN ('min', 'max') THEN
        -- by the column type's own ordering; kept as to_jsonb writes it (ISO
        -- 8601 for times), which reads back the same whatever the DateStyle
        EXECUTE format('SELECT pg_catalog.to_jsonb(%s) OPERATOR(pg_catalog.#>>) ''{}'' FROM (VALUES ($1::%2$s), ($2::%2$s)) v(x)',
                       vqc._minmax_sql(type_sql::regtype, merge, 'x'), type_sql)
            INTO r USING a, b;
        RETURN r;
    END IF;
    IF a IS NULL OR b IS NULL THEN
        RETURN coalesce(a, b);
    END IF;
    IF merge = 'add' THEN
        RETURN (a::numeric + b::numeric)::text;
    ELSIF merge = 'moments' THEN
        RETURN vqc._merge_moments(a::jsonb, b::jsonb)::text;
    END IF;
    RETURN (SELECT vqc._tally_merge(x)::text FROM (VALUES (a::vqc.tally), (b::vqc.tally)) v(x));
END
$$;

-- [count, mean, sample variance] of two sets of rows merged (Chan, Golub
-- and LeVeque), in numeric arithmetic.
CREATE FUNCTION vqc._merge_moments(a jsonb, b jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    na numeric := (a ->> 0)::numeric;
    nb numeric := (b ->> 0)::numeric;
    n  numeric := na + nb;
    d  numeric;
    m2 numeric;
BEGIN
    IF na = 0 OR nb = 0 THEN
        RETURN CASE WHEN na = 0 THEN b ELSE a END;
    END IF;
    d := (b ->> 1)::numeric - (a ->> 1)::numeric;
    m2 := coalesce((a ->> 2)::numeric * (na - 1), 0) + coalesce((b ->> 2)::numeric * (nb - 1), 0)
          + d * d * na * nb / n;
    RETURN jsonb_build_array(n, (a ->> 1)::numeric + d * nb / n, CASE WHEN n > 1 THEN m2 / (n - 1) END);
END
$$;

-- The cumulative answer of one expectation from its merged parts: the keys
-- of its result that describe the table (counts, observed value) and success.
CREATE FUNCTION vqc._evaluate_cumulative(target regclass, plan jsonb, inc jsonb, merged jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    vals jsonb := merged;
    m    jsonb := (merged ->> ('c:m:' || (plan ->> 'position')))::jsonb;
    ev   jsonb;
BEGIN
    IF inc ? 'stat' THEN
        vals := vals || jsonb_build_object(plan ->> 'value_item',
            CASE WHEN inc ->> 'stat' = 'mean' THEN (m ->> 1)::float8
                 ELSE sqrt((m ->> 2)::numeric)::float8 END::text);
    END IF;
    ev := vqc._evaluate(target, plan, vals, rf);
    RETURN jsonb_build_object('success', ev -> 'success')
           || (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(ev -> 'result') x(k, v)
                WHERE k IN ('observed_value', 'element_count', 'missing_count', 'missing_percent',
                            'unexpected_count', 'unexpected_percent'));
END
$$;

-- Is there a valid, non-partial btree or hash index led by this column?
CREATE FUNCTION vqc._has_index_on(target regclass, colname text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (
        SELECT 1
          FROM pg_index i
          JOIN pg_class ic ON ic.oid = i.indexrelid
          JOIN pg_am m ON m.oid = ic.relam
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
         WHERE i.indrelid = target AND i.indisvalid AND i.indpred IS NULL
           AND m.amname IN ('btree', 'hash') AND a.attname = colname)
$$;

-- Rows counted unexpected by the column's uniqueness because of the new rows
-- (src) among the old ones of target (watermark at or below after, or none):
-- each new row whose value occurs twice or more in all rows, and each old
-- row whose value was unique among the old rows and occurs among the new.
-- With an index led by the column, each distinct new value probes it;
-- without, one pass over the old rows joins them.
CREATE FUNCTION vqc._unique_added(target regclass, src regclass, colname text, type_sql text,
                                  wm text, wm_type text, after jsonb, OUT added bigint, OUT method text)
LANGUAGE plpgsql
AS $$
DECLARE
    eq      record := vqc._type_operator(type_sql::regtype, '=');
    old_sql text := format('(%s OR o.%I IS NULL)', vqc._watermark_sql(wm, wm_type, '<=', after, 'o.'), wm);
    count_sql text := 'SELECT COALESCE(pg_catalog.sum(CASE WHEN o.c OPERATOR(pg_catalog.+) nv.c OPERATOR(pg_catalog.>=) 2 '
                      'THEN nv.c ELSE 0 END OPERATOR(pg_catalog.+) CASE WHEN o.c OPERATOR(pg_catalog.=) 1 THEN 1 ELSE 0 END), 0)::pg_catalog.int8 ';
    new_sql text := format('(SELECT %1$I AS v, pg_catalog.count(*) AS c FROM %2$s WHERE %1$I IS NOT NULL GROUP BY %1$I) nv',
                           colname, src);
BEGIN
    IF vqc._has_index_on(target, colname) THEN
        method := 'index_probe';
        EXECUTE count_sql || format('FROM %s, LATERAL (SELECT pg_catalog.count(*) AS c FROM %s o '
                                    'WHERE (o.%I)%s %s (nv.v)%s AND %s) o',
                                    new_sql, target, colname, eq.operand_cast, eq.operator_sql, eq.operand_cast, old_sql)
            INTO added;
    ELSE
        method := 'full_scan';
        EXECUTE count_sql || format('FROM %1$s LEFT JOIN (SELECT o.%3$I AS v, pg_catalog.count(*) AS c FROM %2$s o '
                                    'WHERE %6$s AND EXISTS (SELECT 1 FROM %7$s x WHERE (x.%3$I)%4$s %5$s (o.%3$I)%4$s) '
                                    'GROUP BY o.%3$I) o0 ON (o0.v)%4$s %5$s (nv.v)%4$s, '
                                    'LATERAL (SELECT COALESCE(o0.c, 0) AS c) o',
                                    new_sql, target, colname, eq.operand_cast, eq.operator_sql, old_sql, src)
            INTO added;
    END IF;
END
$$;

-- The cumulative answer of a uniqueness expectation from its merged counts.
CREATE FUNCTION vqc._unique_cumulative(plan jsonb, n bigint, nonnull bigint, unexpected bigint, method text)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_build_object(
        'success', CASE WHEN nonnull = 0 THEN true
                        ELSE 1 - unexpected::numeric / nonnull >= coalesce((plan ->> 'mostly')::numeric, 1) END,
        'element_count', n, 'missing_count', n - nonnull,
        'missing_percent', CASE WHEN n > 0 THEN (n - nonnull)::float8 / n * 100 END,
        'unexpected_count', unexpected,
        'unexpected_percent', CASE WHEN nonnull > 0 THEN unexpected::float8 / nonnull * 100 END,
        'method', method)
$$;

-- ---------------------------------------------------------------------------
-- the run

-- An incremental (or, with full_scan or nothing to go on, full) evaluation of
-- a suite with a watermark: _evaluate_all's answer, each result with
-- result.cumulative, and "incremental": what _record_run_write stores.
CREATE FUNCTION vqc._evaluate_incremental(s vqc.suite, t regclass, expectations jsonb, key_columns text[],
                                          profile_columns text[], full_scan boolean)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    wm_type  text := vqc._watermark_type(t, s.watermark);
    ins_now  bigint := vqc._tuples_inserted(t);     -- before the scan: see _check_late_rows
    prev     vqc_report.incremental_run;
    reason   text;
    signature jsonb := jsonb_build_object('expectations', expectations, 'profile_columns', profile_columns,
                                          'watermark', s.watermark);
    planned  record;
    scanned  record;
    items    jsonb;
    incs     jsonb[] := '{}';
    src      regclass := t;
    ev       jsonb;
    res      jsonb := '[]';
    r        jsonb;
    plan     jsonb;
    inc      jsonb;
    old      jsonb;
    merged   jsonb;
    parts    jsonb := '[]';
    cum      jsonb;
    added    bigint;
    method   text;
    new_rows bigint;
    max_wm   jsonb;
    profiles jsonb := '{}';
    workers  text;
    c        text;
    k        text;
    i        integer;
BEGIN
    -- the last state, read as the runner (who needs SELECT on it, as on the
    -- report for history checks; row-level security), and whether it serves
    IF has_table_privilege('vqc_report.incremental_run', 'SELECT') THEN
        SELECT * INTO prev FROM vqc_report.incremental_run x WHERE x.suite_id = s.suite_id ORDER BY x.run_id DESC LIMIT 1;
    END IF;
    reason := CASE WHEN full_scan THEN 'full requested'
                   WHEN NOT has_table_privilege('vqc_report.incremental_run', 'SELECT')
                        THEN 'the runner may not read vqc_report.incremental_run'
                   WHEN row_security_active(t) THEN 'row security applies to the runner'
                   WHEN prev.run_id IS NULL THEN 'no earlier state'
                   WHEN prev.target <> t OR prev.state -> 'signature' IS DISTINCT FROM signature
                        THEN 'the suite or its watermark changed'
                   WHEN prev.to_watermark IS NULL THEN 'no watermark read yet' END;
    IF reason IS NULL THEN
        src := vqc._new_rows_view(t, s.watermark, wm_type, prev.to_watermark, s.suite_id);
    END IF;

    -- one scan of the new rows (or of all): the plans' items, their extra
    -- items for merging, the row count and the largest watermark
    planned := vqc._plan_all(t, expectations, key_columns, 20, '"BASIC"', false, profile_columns);
    items := planned.items || jsonb_build_object(
        'n', 'pg_catalog.count(*)',
        'c:watermark', format('pg_catalog.to_jsonb(%s)', vqc._minmax_sql(wm_type::regtype, 'max', quote_ident(s.watermark))));
    FOR i IN 1 .. coalesce(cardinality(planned.plans), 0) LOOP
        inc := vqc._incremental_parts(planned.plans[i]);
        incs := incs || inc;
        items := items || coalesce(inc -> 'items', '{}');
    END LOOP;
    -- a few new rows: starting parallel workers would cost more than they save
    IF reason IS NULL AND vqc._estimated_rows(src) < 200000 THEN
        workers := current_setting('max_parallel_workers_per_gather');
        PERFORM set_config('max_parallel_workers_per_gather', '0', true);
    END IF;
    scanned := vqc._scan_plans(src, items, planned.kwargs_all, false, planned.plans, planned.errors);
    ev := vqc._evaluate_plans(src, expectations, scanned.plans, planned.rfs, scanned.errors, scanned.vals,
                              scanned.scans, false, profile_columns, scanned.profile_errors);
    IF workers IS NOT NULL THEN
        PERFORM set_config('max_parallel_workers_per_gather', workers, true);
    END IF;
    IF NOT scanned.vals ? 'c:watermark' THEN
        -- the shared scan failed and each expectation was scanned alone: no state
        RAISE WARNING 'suite "%": the incremental state is not advanced (an expectation broke the shared scan)', s.name;
        PERFORM vqc._drop_new_rows_view(src, t);
        RETURN ev;
    END IF;
    new_rows := (scanned.vals ->> 'n')::bigint;
    max_wm := coalesce((scanned.vals ->> 'c:watermark')::jsonb, prev.to_watermark);
    IF reason IS NULL THEN
        PERFORM vqc._check_late_rows(t, s.watermark, wm_type, prev, ins_now, new_rows);
    END IF;

    -- merge each expectation's parts with the state's
    FOR i IN 1 .. jsonb_array_length(ev -> 'results') LOOP
        r := ev -> 'results' -> (i - 1);
        plan := scanned.plans[i];
        inc := incs[i];
        cum := NULL;
        IF plan IS NOT NULL AND inc IS NOT NULL AND r ->> 'status' <> 'error'
           AND (inc ->> 'how' <> 'unique' OR r -> 'result' ? 'unexpected_count') THEN
            old := CASE WHEN reason IS NULL THEN prev.state -> 'parts' -> (i - 1) END;
            merged := '{}';
            FOR k IN SELECT jsonb_object_keys(inc -> 'parts') LOOP
                merged := merged || jsonb_build_object(k, vqc._merge_part(inc -> 'parts' ->> k, old ->> k,
                                                                          scanned.vals ->> k, plan ->> 'type_sql'));
            END LOOP;
            IF inc ->> 'how' = 'unique' THEN
                IF plan ? 'unique_by_index' THEN
                    added := 0;
                    method := 'unique_index';
                ELSIF reason IS NULL AND plan ->> 'column' = s.watermark THEN
                    -- new values are past every old one: only their own repeats
                    added := (r -> 'result' ->> 'unexpected_count')::bigint;
                    method := 'watermark';
                ELSIF reason IS NULL THEN
                    SELECT x.added, x.method INTO added, method
                      FROM vqc._unique_added(t, src, plan ->> 'column', plan ->> 'type_sql', s.watermark, wm_type,
                                             prev.to_watermark) x;
                    ev := jsonb_set(ev, '{scans}', to_jsonb((ev ->> 'scans')::integer + 1));
                ELSE
                    added := 0;
                    method := 'full_scan';
                END IF;
                merged := merged || jsonb_build_object(
                    'unexpected', coalesce((old ->> 'unexpected')::bigint,
                                           (r -> 'result' ->> 'unexpected_count')::bigint, 0) + added);
                cum := vqc._unique_cumulative(plan, (merged ->> 'n')::bigint, (merged ->> (plan ->> 'nonnull'))::bigint,
                                              (merged ->> 'unexpected')::bigint, method);
            ELSE
                cum := vqc._evaluate_cumulative(t, plan, inc, merged, planned.rfs[i]);
            END IF;
        END IF;
        parts := parts || jsonb_build_array(merged);     -- by position: the signature fixes the order
        merged := NULL;
        res := res || jsonb_set(r, '{result,cumulative}',
                                coalesce(cum, '{"available": false, "reason": "this expectation does not merge across runs"}'));
    END LOOP;

    FOREACH c IN ARRAY coalesce(profile_columns, '{}') LOOP
        CONTINUE WHEN NOT scanned.vals ? format('p:%s', c);
        profiles := profiles || jsonb_build_object(c, vqc.merge(
            CASE WHEN reason IS NULL THEN (prev.state -> 'profiles' ->> c)::vqc.profile END,
            (scanned.vals ->> format('p:%s', c))::vqc.profile)::text);
    END LOOP;
    PERFORM vqc._drop_new_rows_view(src, t);

    RETURN ev || jsonb_build_object('results', res, 'incremental', jsonb_build_object(
        'watermark_column', s.watermark,
        'mode', CASE WHEN reason IS NULL THEN 'incremental' ELSE 'full' END,
        'reason', reason,
        'from_watermark', CASE WHEN reason IS NULL THEN prev.to_watermark END,
        'to_watermark', max_wm,
        'new_rows', new_rows,
        'cumulative_rows', new_rows + CASE WHEN reason IS NULL THEN prev.cumulative_rows ELSE 0 END,
        'tuples_inserted', ins_now,
        'state', jsonb_build_object('signature', signature, 'parts', parts, 'profiles', profiles)));
END
$$;

-- The planner's estimate of the rows of a relation (or view).
CREATE FUNCTION vqc._estimated_rows(src regclass)
RETURNS float8
LANGUAGE plpgsql
AS $$
DECLARE
    p jsonb;
BEGIN
    EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM %s', src) INTO p;
    RETURN (p -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END
$$;

CREATE FUNCTION vqc._drop_new_rows_view(src regclass, t regclass)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF src <> t THEN
        EXECUTE format('DROP VIEW %s', src);
    END IF;
END
$$;

-- Stores a run's cumulative state (called by _record_run_write, as the
-- extension's owner, with what the check computed as the caller).
CREATE FUNCTION vqc._incremental_write(run vqc_report.run, inc jsonb)
RETURNS void
LANGUAGE sql
AS $$
    INSERT INTO vqc_report.incremental_run (run_id, suite_id, target, target_schema, target_table, watermark_column,
                                            mode, reason, from_watermark, to_watermark, new_rows, cumulative_rows,
                                            tuples_inserted, state)
    VALUES (run.run_id, run.suite_id, run.target, run.target_schema, run.target_table, inc ->> 'watermark_column',
            inc ->> 'mode', inc ->> 'reason', inc -> 'from_watermark', inc -> 'to_watermark',
            (inc ->> 'new_rows')::bigint, (inc ->> 'cumulative_rows')::bigint, (inc ->> 'tuples_inserted')::bigint,
            inc -> 'state')
$$;

-- ---------------------------------------------------------------------------
-- entry points

CREATE FUNCTION vqc.run(suite text, suite_parameters jsonb DEFAULT NULL, full boolean DEFAULT false)
RETURNS TABLE (run_id bigint, "position" integer, expectation_id bigint, expectation_type text,
               column_name text, status text, success boolean, observed_value jsonb,
               unexpected_count bigint, unexpected_percent double precision, result jsonb)
LANGUAGE plpgsql
AS $$
DECLARE
    done jsonb := vqc._record_run((vqc._suite(suite)).suite_id, suite_parameters, run.full);
BEGIN
    RETURN QUERY
    SELECT (done ->> 'run_id')::bigint, (r ->> 'position')::integer, (r ->> 'id')::bigint, r ->> 'type',
           r ->> 'column', r ->> 'status', (r ->> 'success')::boolean, r -> 'result' -> 'observed_value',
           (r -> 'result' ->> 'unexpected_count')::bigint, (r -> 'result' ->> 'unexpected_percent')::float8,
           vqc._ge_result(r)
      FROM jsonb_array_elements(done -> 'results') r
     ORDER BY (r ->> 'position')::integer;
END
$$;
COMMENT ON FUNCTION vqc.run(text, jsonb, boolean) IS
    'Evaluates every expectation of a suite in one scan of its table (of its new rows when the suite has a watermark, unless full), as the caller, records the run in vqc_report and returns the results; suite_parameters gives the values of {"$PARAMETER": "name"} kwargs.';

-- The relay of a run (see vqc._record_run(bigint)).
CREATE FUNCTION vqc._record_run(suite_id bigint, suite_parameters jsonb, full_scan boolean)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;

CREATE FUNCTION vqc._record_run_check(suite_id bigint, suite_parameters jsonb, full_scan boolean)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s       vqc.suite := vqc._suite_by_id(suite_id);
    t       regclass := vqc._suite_target(s);
    started timestamptz := clock_timestamp();
    inputs  record := vqc._suite_inputs(s, t);
    ev      jsonb;
BEGIN
    PERFORM vqc._check_suite_other_tables(s, t, inputs.expectations);     -- ge_types.sql
    IF s.watermark IS NULL THEN
        ev := vqc._evaluate_all(t, vqc._resolve_expectation_parameters(inputs.expectations, suite_parameters),
                                inputs.key_columns, 20, '"BASIC"', false, inputs.profile_columns);
    ELSE
        ev := vqc._evaluate_incremental(s, t, vqc._resolve_expectation_parameters(inputs.expectations, suite_parameters),
                                        inputs.key_columns, inputs.profile_columns, full_scan);
    END IF;
    RETURN ev || jsonb_build_object('suite_id', s.suite_id, 'started', started,
                                    'finished', clock_timestamp(),
                                    'row_security', row_security_active(t));
END
$$;

CREATE FUNCTION vqc._record_run_write(caller regrole, ev jsonb, suite_id bigint, suite_parameters jsonb,
                                      full_scan boolean)
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc._record_run_write(caller, ev, suite_id) $$;

-- The run's pieces that changed: the evaluation split in two, the checks
-- and writers that reach the incremental state.
CREATE OR REPLACE FUNCTION vqc._evaluate_all(target regclass, expectations jsonb, key_columns text[],
                                  sample_cap integer, rf_default jsonb, raise_errors boolean,
                                  profile_columns text[] DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    planned record := vqc._plan_all(target, expectations, key_columns, sample_cap, rf_default,
                                    raise_errors, profile_columns);
    scanned record := vqc._scan_plans(target, planned.items, planned.kwargs_all, raise_errors,
                                      planned.plans, planned.errors);
BEGIN
    RETURN vqc._evaluate_plans(target, expectations, scanned.plans, planned.rfs, scanned.errors,
                               scanned.vals, scanned.scans, raise_errors, profile_columns,
                               scanned.profile_errors);
END
$$;

CREATE OR REPLACE FUNCTION vqc._scan_plans(target regclass, items jsonb, kwargs_all jsonb, raise_errors boolean,
                                INOUT plans jsonb[], INOUT errors text[], OUT vals jsonb, OUT scans integer,
                                OUT profile_errors jsonb)
LANGUAGE plpgsql
AS $$
BEGIN
    vals := '{}';
    scans := 0;
    profile_errors := '{}';
    IF items <> '{}' THEN
        BEGIN
            scans := 1;
            vals := vqc._scan_items(target, items, kwargs_all);
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE;
            WHEN OTHERS THEN
                IF raise_errors THEN
                    RAISE;
                END IF;
                SELECT x.plans, x.errors, x.vals, x.scans, x.profile_errors
                  INTO plans, errors, vals, scans, profile_errors
                  FROM vqc._scan_each(target, items, kwargs_all, plans, errors) x;
        END;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION vqc._evaluate_plans(target regclass, expectations jsonb, plans jsonb[], rfs jsonb[],
                                    errors text[], vals jsonb, scans integer, raise_errors boolean,
                                    profile_columns text[], profile_errors jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    n          integer := jsonb_array_length(expectations);
    e          jsonb;
    i          integer;
    pc         text;
    msg        text;
    out_results jsonb := '[]';
    ev         jsonb;
BEGIN
    -- evaluate
    FOR i IN 1 .. n LOOP
        e := expectations -> (i - 1);
        ev := NULL;
        IF plans[i] IS NOT NULL THEN
            BEGIN
                IF plans[i] ->> 'kind' = 'history' THEN
                    ev := vqc._evaluate_history(plans[i], vals, rfs[i]);
                ELSE
                    ev := vqc._evaluate(target, plans[i], vals, rfs[i]);
                END IF;
                scans := scans + (ev ->> 'extra_scans')::integer;
                IF e ? 'id' THEN
                    -- for the history expectations after it that read its metrics
                    vals := vals || jsonb_build_object(format('result:%s', e ->> 'id'), ev -> 'result');
                END IF;
            EXCEPTION
                WHEN insufficient_privilege THEN
                    RAISE;
                WHEN OTHERS THEN
                    IF raise_errors THEN
                        RAISE;
                    END IF;
                    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                    errors[i] := msg;
            END;
        END IF;
        out_results := out_results || jsonb_build_object(
            'position', i,
            'id', e -> 'id',
            'type', e ->> 'type',
            'kwargs', e -> 'kwargs',
            'column', e -> 'kwargs' ->> 'column',
            'status', CASE WHEN ev IS NULL THEN 'error'
                           WHEN (ev ->> 'success')::boolean THEN 'success' ELSE 'failure' END,
            'success', ev -> 'success',
            'result', coalesce(ev -> 'result', '{}'),
            'samples', coalesce(ev -> 'samples', '[]'),
            'error', errors[i]);
    END LOOP;

    -- a profile the scans could not take is an error of the run, after the
    -- expectations, never a missing row
    FOR pc IN SELECT x FROM unnest(profile_columns) x WHERE profile_errors ? x LOOP
        out_results := out_results || jsonb_build_object(
            'position', jsonb_array_length(out_results) + 1,
            'id', NULL,
            'type', 'column_profile',
            'kwargs', jsonb_build_object('column', pc),
            'column', pc,
            'status', 'error',
            'success', NULL,
            'result', '{}'::jsonb,
            'samples', '[]'::jsonb,
            'error', format('the profile of column "%s" could not be taken: %s', pc, profile_errors ->> pc));
    END LOOP;

    RETURN jsonb_build_object('rows', vals -> 'n', 'scans', scans, 'results', out_results,
                              'profiles', (SELECT coalesce(jsonb_object_agg(c, vals -> format('p:%s', c)), '{}')
                                             FROM unnest(coalesce(profile_columns, '{}')) c
                                            WHERE vals ? format('p:%s', c)));
END
$$;

CREATE OR REPLACE FUNCTION vqc._record_run_write(caller regrole, ev jsonb, suite_id bigint)
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

CREATE OR REPLACE FUNCTION vqc._record_run_check(suite_id bigint, suite_parameters jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN vqc._record_run_check(suite_id, suite_parameters, false);     -- incremental.sql
END
$$;

CREATE OR REPLACE FUNCTION vqc._gate_run_write(caller regrole, ev jsonb, suite_id bigint, suite_parameters jsonb)
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

RESET check_function_bodies;
