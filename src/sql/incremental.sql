-- incremental.sql: incremental runs (issue #13).  A suite may name a
-- watermark column (an increasing id or timestamp).  A run then reads only
-- the rows past the watermark of the state the last run stored, evaluates the
-- expectations on them (the run's results are the new rows'), and merges what
-- merges with that state (counts, failing-row tallies, sums, min/max, the
-- sums behind a mean and a standard deviation, exact uniqueness, column
-- profiles), so that each result also carries the whole table's answer in
-- result.cumulative.  The state holds row values (min/max, profiles,
-- samples), so it lives in vqc_report.incremental_run under the same
-- row-level security as vqc_report.profile.

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
