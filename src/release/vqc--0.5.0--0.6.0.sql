-- vqc upgrade script 0.5.0 -> 0.6.0 (ALTER EXTENSION vqc UPDATE).
--
-- After this script a database upgraded from 0.5.0 (or, through the earlier
-- scripts, from 0.1.0 … 0.4.0) has the same catalog as a fresh
-- CREATE EXTENSION vqc of 0.6.0 (test/upgrade/run.sh compares the
-- schema-only dumps).  Every change to src/*.sql or src/sql/*.sql since
-- 0.5.0 is here.  Layout as in the earlier scripts: part 1, one section per
-- change; part 2, pinning search_path and revoking the writers from PUBLIC,
-- stays last.
\echo Use "ALTER EXTENSION vqc UPDATE TO '0.6.0'" to load this file. \quit

-- ========================================================================
-- Part 1: the changes since 0.5.0.
-- ========================================================================
-- ------------------------------------------------------------------------
-- Before 50-state-types drops and recreates the nine aggregates whose state
-- type changes (an aggregate's STYPE cannot be altered): an object of the
-- user's that uses one of them (a view, a function's default...) would stop
-- the DROP with a bare "cannot drop"; say which objects and what to do,
-- before anything has changed.
-- ------------------------------------------------------------------------
DO $precheck$
DECLARE
    users text;
BEGIN
    -- a view depends through its rewrite rule: name the view
    SELECT pg_catalog.string_agg(DISTINCT coalesce(pg_catalog.pg_describe_object('pg_catalog.pg_class'::pg_catalog.regclass, r.ev_class, 0),
                                                   pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)), ', ')
      INTO users
      FROM pg_catalog.pg_depend d
      LEFT JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND r.oid = d.objid
      JOIN pg_catalog.pg_proc p ON d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.refobjid = p.oid
     WHERE p.pronamespace = 'vqc'::pg_catalog.regnamespace AND p.prokind = 'a'
       AND (p.proname IN ('ndcg_at_k_all', 'ranking_metrics_all', '_ranking_metrics_all_soft')
            OR p.proname IN ('mean_absolute_error', 'mean_squared_error', 'root_mean_squared_error',
                             'mean_absolute_percentage_error', 'r2_score', 'max_error')
               AND p.proargtypes::pg_catalog.oid[] = ARRAY['pg_catalog.numeric'::pg_catalog.regtype,
                                                             'pg_catalog.numeric'::pg_catalog.regtype]::pg_catalog.oid[])
       AND d.deptype = 'n'
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend e
                        WHERE e.classid = d.classid AND e.objid = d.objid AND e.deptype = 'e');
    IF users IS NOT NULL THEN
        RAISE EXCEPTION 'vqc 0.6.0 recreates aggregates that objects of this database use'
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = pg_catalog.format('The all-queries ranking aggregates and the numeric regression overloads get state types of their own; used by: %s.', users),
                  HINT = 'Drop those objects, run ALTER EXTENSION vqc UPDATE, and create them again: the aggregates keep their names, arguments and answers.';
    END IF;
END
$precheck$;

-- Issue #15: expect_column_values_to_be_increasing / _decreasing on a Citus
-- distributed table (src/sql/monotone_gather.sql): a pass of its own that
-- gathers the order key and the value to the coordinator, instead of 0A000.
SET check_function_bodies = false;

CREATE FUNCTION vqc._monotone_gather_sql(target regclass, colname text, ord text[], v_sql text, cmp text,
                                         key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    cols     text[] := ord;
    gathered text[];
    key_sql  text := vqc._row_key_sql(target, key_columns);
    ordered  text := array_to_string(ord, ', ');
    windowed text;
BEGIN
    IF NOT quote_ident(colname) = ANY (ord) THEN
        cols := cols || quote_ident(colname);
    END IF;
    gathered := cols;
    IF coalesce(cardinality(key_columns), 0) = 0 THEN
        gathered := gathered || format('%s AS vqc_k', key_sql);
        cols := cols || 'vqc_k'::text;
        key_sql := 'vqc_k';
    END IF;
    windowed := format('(SELECT %1$s, %2$s AS vqc_v, pg_catalog.lag(%2$s) OVER (ORDER BY %3$s) AS vqc_p '
                       'FROM (SELECT %4$s FROM %5$s WHERE %6$I IS NOT NULL OFFSET 0) AS vqc_g) AS vqc_m '
                       'WHERE vqc_p IS NOT NULL AND (%7$s) IS NOT TRUE',
                       array_to_string(cols, ', '), v_sql, ordered, array_to_string(gathered, ', '), target, colname, cmp);
    RETURN jsonb_build_object(
        'pass_sql', format('SELECT vqc.tally(%I::pg_catalog.text, %s, %s ORDER BY %s) FROM %s',
                           colname, key_sql, sample_cap, ordered, windowed),
        'fails_sql', format('(%1$s) IN (SELECT %1$s FROM %2$s OFFSET 0)', ordered, windowed));
END
$$;

CREATE FUNCTION vqc._monotone_failures(plan jsonb, OUT t vqc.tally, OUT passes integer)
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE plan ->> 'pass_sql' INTO t;
    passes := 1;
END
$$;

CREATE OR REPLACE FUNCTION vqc._plan_monotone(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer,
                                   mostly numeric)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    typ     regtype := (plan ->> 'type_sql')::regtype;
    v       text := format('%I', colname);
    ord     text[] := vqc._row_order_columns(target, key_columns);
    gather  boolean := vqc._citus_distributed(target);
    cmp     text;
    inner_sql text;
    ordlist text;
    res     jsonb;
BEGIN
    IF gather AND ord && ARRAY['ctid'] THEN
        -- a ctid repeats across shards: no order without a key
        RAISE EXCEPTION '% needs an order of the rows', etype
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'The distributed table has no primary key, and its physical order (ctid) repeats across shards.',
                  HINT = 'Give a row key (the suite''s key columns, or result_format''s unexpected_index_column_names).';
    END IF;
    IF ord IS NULL THEN
        RAISE EXCEPTION '% needs an order of the rows', etype
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'The relation has no primary key and no physical order.',
                  HINT = 'Give a row key (the suite''s key columns, or result_format''s unexpected_index_column_names).';
    END IF;
    IF vqc._kw_bool(etype, kwargs, 'parse_strings_as_datetimes', false) THEN
        PERFORM vqc._require_text(etype, colname, (SELECT typcategory FROM pg_type WHERE oid = typ), typ::text);
        v := format('(%s)::pg_catalog.timestamp', v);
        typ := 'timestamp'::regtype;
    ELSE
        PERFORM vqc._require_opclass(etype, typ::text, 'btree');
    END IF;
    cmp := vqc._compare_sql(typ, 'vqc_v', CASE WHEN etype LIKE '%increasing' THEN '>' ELSE '<' END
                                          || CASE WHEN vqc._kw_bool(etype, kwargs, 'strictly', false) THEN '' ELSE '=' END,
                            'vqc_p');
    ordlist := (SELECT string_agg(format('%s AS vqc_o%s', c, i), ', ') FROM unnest(ord) WITH ORDINALITY x(c, i));
    inner_sql := format('SELECT %1$s AS vqc_v, pg_catalog.lag(%1$s) OVER (ORDER BY %2$s) AS vqc_p, %3$s, %4$s AS vqc_k, '
                        '%5$I::pg_catalog.text AS vqc_t FROM %6$s WHERE %5$I IS NOT NULL',
                        v, array_to_string(ord, ', '), ordlist, vqc._row_key_sql(target, key_columns), colname, target);
    res := jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%I)', colname),
            format('t%s', pidx),
            format('(SELECT vqc.tally(vqc_t, vqc_k, %s) FROM (%s) AS vqc_m WHERE vqc_p IS NOT NULL AND (%s) IS NOT TRUE)',
                   sample_cap, inner_sql, cmp)),
        'fails_sql', format('(%s) IN (SELECT %s FROM (%s) AS vqc_m WHERE vqc_p IS NOT NULL AND (%s) IS NOT TRUE)',
                            array_to_string(ord, ', '),
                            (SELECT string_agg(format('vqc_o%s', i), ', ') FROM generate_series(1, cardinality(ord)) i),
                            inner_sql, cmp),
        'key_columns', to_jsonb(key_columns),
        'tally', format('t%s', pidx),
        'nonnull', format('nn:%s', colname),
        'mostly', mostly,
        'explain_note', format('compares each value with the one before it in the order of %s: a window over the ordered rows, '
                               'which reads the table a second time in the same statement', array_to_string(ord, ', ')));
    IF NOT gather THEN
        RETURN res;
    END IF;
    -- distributed: the scan counts; the failing rows take a pass of their
    -- own (the tally's name stays, with no item: a row_condition is refused)
    RETURN res || vqc._monotone_gather_sql(target, colname, ord, v, cmp, key_columns, sample_cap) || jsonb_build_object(
        'items', (res -> 'items') - format('t%s', pidx),
        'failures', 'monotone',
        'explain_note', format('on a distributed table it takes a pass of its own: a failing row is defined by the row before '
                               'it in one order of all the rows (%s), which interleaves the shards, so no state per shard '
                               'decides it; the pass gathers the order key and the value of the non-null rows to the '
                               'coordinator and compares them there', array_to_string(ord, ', ')));
END
$$;

CREATE OR REPLACE FUNCTION vqc._ge_type_failures(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
LANGUAGE plpgsql
AS $$
BEGIN
    IF plan ->> 'failures' = 'z_scores' THEN
        SELECT x.t, x.passes INTO t, passes FROM vqc._z_score_failures(target, plan, vals) x;
    ELSIF plan ->> 'failures' = 'monotone' THEN
        -- increasing / decreasing on a distributed table (monotone_gather.sql)
        SELECT x.t, x.passes INTO t, passes FROM vqc._monotone_failures(plan) x;
    ELSE
        SELECT x.t, x.passes INTO t, passes FROM vqc._compound_repeats(target, plan, vals) x;
    END IF;
END
$$;

RESET check_function_bodies;
-- ------------------------------------------------------------------------
-- The scan's cost under issue #11 (src/scope_counts.c, src/tally.c,
-- src/hash_set_keyed.c, src/sql/compound_screen.sql, row_condition.sql):
--  * a map check under a row_condition takes its two counts from one
--    aggregate, vqc._scope_counts, the condition evaluated once a row;
--  * a uniqueness check of a column that keys a compound screen of the same
--    scan reads its repeats from that screen (vqc.hash_set_key_duplicates,
--    vqc._share_key_screens, called by vqc._plan_all);
--  * a tally's value and row key are built only for the rows it keeps
--    (vqc._sample_slot, vqc._tally_sql), in every plan that writes a tally.
-- ------------------------------------------------------------------------
SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._columns_map_plan(target regclass, pidx integer, names text[], keep text, expected text, key_columns text[], sample_cap integer, pair boolean)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('t%s', pidx),
            vqc._tally_sql(vqc._columns_json_sql(names), vqc._row_key_sql(target, key_columns), sample_cap,
                           format('%s(%s) IS FALSE', CASE WHEN keep IS NULL THEN '' ELSE keep || ' AND ' END, expected))) ||
                 CASE WHEN keep IS NULL THEN '{}'::jsonb
                      ELSE jsonb_build_object(format('k:%s', md5(keep)), format('pg_catalog.count(*) FILTER (WHERE %s)', keep)) END,
        'tally', format('t%s', pidx),
        'nonnull', CASE WHEN keep IS NULL THEN 'n' ELSE format('k:%s', md5(keep)) END,
        'columns', to_jsonb(names),
        'pair', pair,
        -- the failing rows, for a query that selects them
        'fails_sql', format('%s(%s) IS FALSE', CASE WHEN keep IS NULL THEN '' ELSE keep || ' AND ' END, expected),
        'key_columns', to_jsonb(key_columns))
$function$
;

CREATE OR REPLACE FUNCTION vqc._ge_unimpl_map_plan(target regclass, colname text, pidx integer, expected text, key_columns text[], sample_cap integer, mostly numeric)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%I)', colname),
            format('t%s', pidx),
            vqc._tally_sql(format('%I::pg_catalog.text', colname), vqc._row_key_sql(target, key_columns), sample_cap, fails)),
        'fails_sql', fails,
        'key_columns', to_jsonb(key_columns),
        'tally', format('t%s', pidx),
        'nonnull', format('nn:%s', colname),
        'mostly', mostly)
      FROM (SELECT format('%I IS NOT NULL AND (%s) IS NOT TRUE', colname, expected) AS fails) f
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan(target regclass, etype text, kwargs jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    entry     vqc.expectation_catalog := vqc._check_kwargs(etype, kwargs);
    p         text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    col       record;
    colname   text := vqc._kw_text(etype, kwargs, 'column');
    qcol      text;
    plan      jsonb;
    other_plan jsonb;
    expected  text;          -- SQL: the row is as expected (map kind)
    fails     text;          -- SQL: the row is counted unexpected (map kind)
    value_sql text;
    lo        jsonb;
    hi        jsonb;
    strict_lo boolean := vqc._kw_bool(etype, kwargs, 'strict_min', false);
    strict_hi boolean := vqc._kw_bool(etype, kwargs, 'strict_max', false);
    mostly    numeric;
    skip_missing boolean := false;
    bound_type text;
    v         jsonb;
    pat       text;
    conds     text[] := '{}';
    stat_sql  text;
    i         integer;
BEGIN
    IF kwargs ? 'row_condition' OR kwargs ? 'condition_parser' THEN
        RETURN vqc._plan_row_condition(target, etype, kwargs, pidx, key_columns, sample_cap);
    END IF;
    plan := jsonb_build_object('kind', entry.kind, 'type', etype, 'kwargs', kwargs,
                               'position', pidx);
    IF kwargs ? 'column' AND etype <> 'expect_column_to_exist' THEN
        SELECT * INTO col FROM vqc._column(target, colname);
        qcol := quote_ident(colname);
        plan := plan || jsonb_build_object('column', colname, 'type_sql', col.type_sql);
    END IF;

    -- pairs, several columns, z-scores, other tables (ge_types.sql)
    other_plan := vqc._plan_ge_type(target, plan, pidx, key_columns, sample_cap);
    IF other_plan IS NOT NULL THEN
        RETURN plan || other_plan;
    END IF;
    -- a model's predictions and labels (model_expectations.sql)
    other_plan := vqc._plan_model_metric(target, plan, pidx);
    IF other_plan IS NOT NULL THEN
        RETURN plan || other_plan;
    END IF;
    -- the newest value against the run's time (freshness.sql)
    other_plan := vqc._plan_freshness(target, plan);
    IF other_plan IS NOT NULL THEN
        RETURN plan || other_plan;
    END IF;
    -- ---------------------------------------------------------- history
    IF entry.kind = 'history' THEN
        RETURN plan || vqc._plan_history(target, etype, kwargs, pidx);
    END IF;

    -- ---------------------------------------------------------- schema
    IF entry.kind = 'schema' THEN
        RETURN plan || jsonb_build_object('result_now', vqc._plan_schema(target, etype, kwargs));
    END IF;

    -- ---------------------------------------------------------- table
    IF entry.kind = 'table' THEN
        IF etype = 'expect_table_row_count_to_equal' THEN
            lo := vqc._kw(etype, kwargs, 'value', '{number}');
            IF lo::numeric < 0 OR lo::numeric <> trunc(lo::numeric) THEN
                PERFORM vqc._bad_kwarg(etype, 'argument "value" must be a non-negative integer');
            END IF;
            hi := lo;
        ELSE
            SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
            IF lo::numeric > hi::numeric THEN
                PERFORM vqc._bad_kwarg(etype, 'min_value is greater than max_value');
            END IF;
        END IF;
        RETURN plan || jsonb_build_object('items', jsonb_build_object('n', 'pg_catalog.count(*)'),
                                          'value_item', 'n', 'compare_type', 'numeric',
                                          'min_value', lo, 'max_value', hi);
    END IF;

    -- ---------------------------------------------------------- aggregate
    IF entry.kind = 'aggregate' THEN
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number,string}') b;
        IF etype IN ('expect_column_min_to_be_between', 'expect_column_max_to_be_between') THEN
            bound_type := col.type_sql;
            PERFORM vqc._require_opclass(etype, col.type_sql, 'btree');
            -- a btree order is not enough: jsonb, for one, has no min() or max()
            stat_sql := vqc._minmax_sql(col.type_sql::regtype,
                                        CASE etype WHEN 'expect_column_min_to_be_between' THEN 'min' ELSE 'max' END,
                                        qcol);
            IF stat_sql IS NULL THEN
                RAISE EXCEPTION '% needs a column whose type has min() and max(); column "%" is of type %',
                                etype, colname, col.type_sql
                    USING ERRCODE = 'datatype_mismatch';
            END IF;
        ELSE
            -- GE's median is the middle of the sorted values: of a text column
            -- with none (all NULL, as GE loads an empty column), none
            IF col.category <> 'N' AND NOT (etype = 'expect_column_median_to_be_between' AND col.category = 'S'
                                             AND vqc._column_is_empty(target, colname)) THEN
                RAISE EXCEPTION '% needs a numeric column; column "%" is of type %', etype, colname, col.type_sql
                    USING ERRCODE = 'datatype_mismatch';
            END IF;
            bound_type := 'numeric';
            stat_sql := CASE etype
                WHEN 'expect_column_mean_to_be_between'   THEN format('pg_catalog.avg(%s)::pg_catalog.float8', qcol)
                WHEN 'expect_column_stdev_to_be_between'  THEN format('pg_catalog.stddev_samp(%s)::pg_catalog.float8', qcol)
                WHEN 'expect_column_sum_to_be_between'    THEN format('pg_catalog.sum(%s)', qcol)
                -- the planner computes the two identical aggregate calls once
                WHEN 'expect_column_median_to_be_between' THEN format('vqc.exact_quantile(vqc.exact_quantile_agg(%s), 0.5)',
                                                                      vqc._quantile_arg(qcol, col.type_sql))
            END;
        END IF;
        PERFORM vqc._check_bounds(etype, lo, hi, bound_type);
        IF etype = 'expect_column_median_to_be_between' THEN
            -- its collector's count and overflow flag, and its way past the limit
            plan := plan || vqc._exact_quantile_items(target, colname, vqc._quantile_arg(qcol, col.type_sql), '{0.5}', false,
                                                      pidx::text, pidx::text);
            IF plan ? 'bracket_items' THEN
                stat_sql := NULL;   -- no collector of the whole column
            END IF;
        END IF;
        RETURN plan || jsonb_build_object(
            'items', coalesce(plan -> 'items', '{}')
                     || CASE WHEN stat_sql IS NULL THEN '{}' ELSE jsonb_build_object(format('s%s', pidx), stat_sql) END,
            'value_item', format('s%s', pidx),
            'statistic', etype,
            'compare_type', bound_type,
            'min_value', lo, 'max_value', hi,
            'strict_min', strict_lo, 'strict_max', strict_hi);
    END IF;

    -- ---------------------------------------------------------- statistic
    IF entry.kind = 'statistic' THEN
        RETURN plan || vqc._plan_statistic(target, etype, kwargs, pidx, colname, col.type_sql, col.category);
    END IF;

    -- ---------------------------------------------------------- map
    mostly := vqc._kw_mostly(etype, kwargs);
    value_sql := format('%s::pg_catalog.text', qcol);

    CASE etype
    WHEN 'expect_column_values_to_not_be_null' THEN
        expected := format('%s IS NOT NULL', qcol);
        value_sql := 'NULL::pg_catalog.text';
        skip_missing := true;
    WHEN 'expect_column_values_to_be_null' THEN
        expected := format('%s IS NULL', qcol);
        skip_missing := true;
    WHEN 'expect_column_values_to_be_unique' THEN
        expected := NULL;     -- answered from a hash screen; see vqc._evaluate
    WHEN 'expect_column_values_to_be_between' THEN
        PERFORM vqc._require_opclass(etype, col.type_sql, 'btree');
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number,string}') b;
        PERFORM vqc._check_bounds(etype, lo, hi, col.type_sql);
        IF lo IS NOT NULL THEN
            conds := conds || vqc._compare_sql(col.type_sql::regtype, qcol, CASE WHEN strict_lo THEN '>' ELSE '>=' END,
                                               format('(%s OPERATOR(pg_catalog.->>) ''min_value'')::%s', p, col.type_sql));
        END IF;
        IF hi IS NOT NULL THEN
            conds := conds || vqc._compare_sql(col.type_sql::regtype, qcol, CASE WHEN strict_hi THEN '<' ELSE '<=' END,
                                               format('(%s OPERATOR(pg_catalog.->>) ''max_value'')::%s', p, col.type_sql));
        END IF;
        expected := array_to_string(conds, ' AND ');
    WHEN 'expect_column_value_lengths_to_be_between', 'expect_column_value_lengths_to_equal' THEN
        PERFORM vqc._require_text(etype, colname, col.category, col.type_sql);
        IF etype = 'expect_column_value_lengths_to_equal' THEN
            lo := vqc._kw(etype, kwargs, 'value', '{number}');
            hi := lo;
            p := p || ' OPERATOR(pg_catalog.->) ''value''';
            conds := ARRAY[format('pg_catalog.char_length(%s) OPERATOR(pg_catalog.=) (%s)::pg_catalog.numeric', qcol, p)];
        ELSE
            -- min_value > max_value is no error here: every length fails (as GE)
            SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
            IF lo IS NOT NULL THEN
                conds := conds || format('pg_catalog.char_length(%s) OPERATOR(pg_catalog.%s) '
                                         '(%s OPERATOR(pg_catalog.->>) ''min_value'')::pg_catalog.numeric', qcol,
                                         CASE WHEN strict_lo THEN '>' ELSE '>=' END, p);
            END IF;
            IF hi IS NOT NULL THEN
                conds := conds || format('pg_catalog.char_length(%s) OPERATOR(pg_catalog.%s) '
                                         '(%s OPERATOR(pg_catalog.->>) ''max_value'')::pg_catalog.numeric', qcol,
                                         CASE WHEN strict_hi THEN '<' ELSE '<=' END, p);
            END IF;
        END IF;
        IF lo::numeric < 0 OR hi::numeric < 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'lengths cannot be negative');
        END IF;
        expected := array_to_string(conds, ' AND ');
    WHEN 'expect_column_values_to_match_regex', 'expect_column_values_to_not_match_regex' THEN
        PERFORM vqc._require_text(etype, colname, col.category, col.type_sql);
        PERFORM vqc.regex_validate(vqc._kw_text(etype, kwargs, 'regex'));
        expected := format('%svqc.regex_match(%s, %s OPERATOR(pg_catalog.->>) ''regex'')',
                           CASE WHEN etype LIKE '%not_match%' THEN 'NOT ' ELSE '' END, qcol, p);
    WHEN 'expect_column_values_to_match_regex_list', 'expect_column_values_to_not_match_regex_list' THEN
        PERFORM vqc._require_text(etype, colname, col.category, col.type_sql);
        v := vqc._kw(etype, kwargs, 'regex_list', '{array}');
        IF jsonb_array_length(v) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'regex_list must not be empty');
        END IF;
        FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
            IF jsonb_typeof(v -> i) <> 'string' THEN
                PERFORM vqc._bad_kwarg(etype, 'regex_list must hold strings');
            END IF;
            PERFORM vqc.regex_validate(v ->> i);
            conds := conds || format('vqc.regex_match(%s, %s OPERATOR(pg_catalog.->) ''regex_list'' OPERATOR(pg_catalog.->>) %s)',
                                     qcol, p, i);
        END LOOP;
        expected := vqc._pattern_list_sql(etype, kwargs, conds);
    WHEN 'expect_column_values_to_match_strftime_format' THEN
        PERFORM vqc._require_text(etype, colname, col.category, col.type_sql);
        PERFORM vqc.strftime_validate(vqc._kw_text(etype, kwargs, 'strftime_format'));
        expected := format('vqc.matches_strftime(%s, %s OPERATOR(pg_catalog.->>) ''strftime_format'')', qcol, p);
    WHEN 'expect_column_values_to_be_iso8601' THEN
        PERFORM vqc._require_text(etype, colname, col.category, col.type_sql);
        pat := coalesce(vqc._kw_text(etype, kwargs, 'kind'), 'date');
        IF pat NOT IN ('date', 'datetime') THEN
            PERFORM vqc._bad_kwarg(etype, 'kind must be "date" or "datetime"');
        END IF;
        expected := format('vqc.is_iso8601_%s(%s)', pat, qcol);
    WHEN 'expect_column_values_to_be_valid_email' THEN
        PERFORM vqc._require_text(etype, colname, col.category, col.type_sql);
        expected := format('vqc.is_email(%s)', qcol);
    WHEN 'expect_column_values_to_be_in_set', 'expect_column_values_to_not_be_in_set' THEN
        PERFORM vqc._check_value_set(etype, vqc._kw(etype, kwargs, 'value_set', '{array}'), col.type_sql);
        expected := format('%s%s', CASE WHEN etype LIKE '%not_be_in_set' THEN 'NOT ' ELSE '' END,
                           vqc._compare_sql(col.type_sql::regtype, qcol, '=',
                                            format('pg_catalog.array_remove(vqc._jsonb_text_array(%s OPERATOR(pg_catalog.->) ''value_set'')::%s[], NULL)',
                                                   p, col.type_sql), true));
    ELSE
        -- SQL LIKE patterns (ge_types.sql)
        expected := vqc._like_expected_sql(etype, kwargs, p, qcol, colname, col.category, col.type_sql);
    END CASE;

    IF etype = 'expect_column_values_to_be_unique' THEN
        IF vqc._has_unique_index(target, colname) THEN
            -- the database already guarantees it: count, don't screen
            RETURN plan || jsonb_build_object(
                'items', jsonb_build_object('n', 'pg_catalog.count(*)', format('nn:%s', colname),
                                            format('pg_catalog.count(%s)', qcol)),
                'nonnull', format('nn:%s', colname),
                'unique_by_index', true,
                'key_columns', to_jsonb(key_columns),
                'mostly', mostly);
        END IF;
        PERFORM vqc._require_opclass(etype, col.type_sql, 'hash');
        RETURN plan || jsonb_build_object(
            'items', jsonb_build_object('n', 'pg_catalog.count(*)',
                                        format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
                                        format('h%s', pidx), format('vqc.hash_set_duplicates(vqc.hash_set_agg(%s), 100000)', qcol)),
            'nonnull', format('nn:%s', colname),
            'hash_item', format('h%s', pidx),
            'mostly', mostly,
            'row_key_sql', vqc._row_key_sql(target, key_columns),
            'key_columns', to_jsonb(key_columns),
            -- the screen stores integers themselves: when the row key is
            -- the column too, the repeats alone give values and keys
            'keys_from_values', coalesce(key_columns = ARRAY[colname], false)
                                AND vqc._base_type(col.type_sql::regtype)
                                    IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype),
            'sample_cap', sample_cap);
    END IF;

    fails := CASE WHEN skip_missing THEN format('(%s) IS NOT TRUE', expected)
                ELSE format('%s IS NOT NULL AND (%s) IS NOT TRUE', qcol, expected) END;
    RETURN plan || jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
            format('t%s', pidx),
            vqc._tally_sql(value_sql, vqc._row_key_sql(target, key_columns), sample_cap, fails)),
        'fails_sql', fails,
        'key_columns', to_jsonb(key_columns),
        'tally', format('t%s', pidx),
        'nonnull', CASE WHEN skip_missing THEN NULL ELSE format('nn:%s', colname) END,
        'mostly', mostly);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_all(target regclass, expectations jsonb, key_columns text[], sample_cap integer, rf_default jsonb, raise_errors boolean, profile_columns text[], OUT plans jsonb[], OUT rfs jsonb[], OUT errors text[], OUT items jsonb, OUT kwargs_all jsonb)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    e       jsonb;
    plan    jsonb;
    rf      jsonb;
    cap     integer;
    msg     text;
    keycols text[];
    c       text;
    i       integer;
BEGIN
    plans := '{}';
    rfs := '{}';
    errors := '{}';
    items := '{}';
    kwargs_all := '[]';
    FOR i IN 0 .. jsonb_array_length(expectations) - 1 LOOP
        e := expectations -> i;
        kwargs_all := kwargs_all || jsonb_build_array(e -> 'kwargs');
        plan := NULL;
        rf := NULL;
        msg := NULL;
        BEGIN
            rf := vqc._result_format(coalesce(e -> 'kwargs' -> 'result_format', rf_default));
            cap := greatest(sample_cap, CASE rf ->> 'result_format'
                                             WHEN 'COMPLETE' THEN coalesce(current_setting('vqc.max_unexpected_samples', true)::integer, 1000)
                                             WHEN 'BOOLEAN_ONLY' THEN 0
                                             ELSE (rf ->> 'partial_unexpected_count')::integer END);
            keycols := CASE WHEN jsonb_typeof(rf -> 'unexpected_index_column_names') = 'array'
                            THEN vqc._jsonb_text_array(rf -> 'unexpected_index_column_names')
                            ELSE key_columns END;
            plan := vqc._plan(target, e ->> 'type', e -> 'kwargs', i, keycols, cap);
            IF plan ->> 'kind' = 'history' THEN
                plan := vqc._history_bind(plan, e -> 'id');
            END IF;
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE;        -- reading the table is the caller's right, not an expectation's failure
            WHEN OTHERS THEN
                IF raise_errors THEN
                    RAISE;
                END IF;
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                plan := NULL;
        END;
        plans := plans || plan;
        rfs := rfs || rf;
        errors := errors || msg;
        IF plan ? 'items' THEN
            items := items || (plan -> 'items');
        END IF;
    END LOOP;

    -- column profiles ride along in the same scan
    FOREACH c IN ARRAY coalesce(profile_columns, '{}') LOOP
        items := items || jsonb_build_object(format('p:%s', c), format('vqc.profile_agg(%I)', c));
    END LOOP;
    SELECT x.plans, x.items INTO plans, items FROM vqc._share_key_screens(plans, items) x;
    IF items <> '{}' THEN
        items := items || jsonb_build_object('n', 'pg_catalog.count(*)');
    END IF;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_in_other_table(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    qcol    text := quote_ident(colname);
    other   regclass := vqc._kw_other_table(target, etype, kwargs, 'other_table');
    ocol    record := vqc._column(other, vqc._kw_text(etype, kwargs, 'other_column'));
    alias   text := format('vqc_in_%s', pidx);
    ta      regtype;
    tb      regtype;
    ovalue  text;
    cmp     text;
BEGIN
    -- the join's names must not hide a column of the table
    WHILE alias = ANY (vqc._table_columns(target)) LOOP
        alias := alias || '_';
    END LOOP;
    IF NOT has_column_privilege(other, ocol.attname, 'SELECT') THEN
        RAISE EXCEPTION 'permission denied for table %', other
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM vqc._require_opclass(etype, ocol.type_sql, 'hash');
    -- distinct as compared: values cast to the column's type are made
    -- distinct after the cast, so that a row meets at most one partner
    ta := (plan ->> 'type_sql')::regtype;
    tb := ocol.type_sql::regtype;
    ovalue := quote_ident(ocol.attname);
    IF vqc._base_type(ta) <> vqc._base_type(tb) AND vqc._cross_type_operator(vqc._base_type(ta), '=', vqc._base_type(tb)) IS NULL
       AND vqc._implicit_cast(vqc._base_type(tb), vqc._base_type(ta)) THEN
        ovalue := format('(%s)::%s', ovalue, format_type(vqc._base_type(ta), NULL));
        tb := vqc._base_type(ta);
    END IF;
    cmp := vqc._pair_compare_sql(ta, qcol, '=', tb, format('%I.%I', alias, alias));
    RETURN jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
            format('join:%s', pidx),
            format('LEFT JOIN (SELECT DISTINCT %2$s AS %1$I FROM %3$s) AS %1$I ON (%4$s)', alias, ovalue, other, cmp),
            format('t%s', pidx),
            vqc._tally_sql(format('%s::pg_catalog.text', qcol), vqc._row_key_sql(target, key_columns), sample_cap,
                           format('%s IS NOT NULL AND %I.%I IS NULL', qcol, alias, alias))),
        'tally', format('t%s', pidx),
        'nonnull', format('nn:%s', colname),
        'fails_sql', format('%s IS NOT NULL AND NOT EXISTS (SELECT FROM (SELECT DISTINCT %s AS %I FROM %s) AS %I WHERE %s)',
                            qcol, ovalue, alias, other, alias, cmp),
        'key_columns', to_jsonb(key_columns));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_row_condition(target regclass, etype text, kwargs jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    cond    text := vqc._kw_row_condition(target, etype, kwargs);
    plan    jsonb := vqc._plan(target, etype, kwargs - 'row_condition' - 'condition_parser', pidx, key_columns, sample_cap);
    kind    text := plan ->> 'kind';
    suffix  text;
    fails   text := plan ->> 'fails_sql';
    qcol    text := quote_ident(plan ->> 'column');
    items   jsonb := '{}';
    k       text;
    v       text;
    w       text;
    renamed jsonb := '{}';
    nn      text := format('nn:%s', plan ->> 'column');
    counted boolean := coalesce(plan -> 'items' ->> 'n' = 'pg_catalog.count(*)'
                       AND plan -> 'items' ->> nn = format('pg_catalog.count(%s)', quote_ident(plan ->> 'column')), false);
BEGIN
    plan := plan || jsonb_build_object('kwargs', kwargs);
    IF cond IS NULL THEN
        RETURN plan;
    END IF;
    suffix := '?' || left(md5(cond), 12);
    FOR k, v IN SELECT key, value #>> '{}' FROM jsonb_each(coalesce(plan -> 'items', '{}')) LOOP
        w := NULL;
        IF kind = 'map' AND k = plan ->> 'tally' AND fails IS NOT NULL
           AND right(v, length(fails) + 8) = format('(WHERE %s)', fails) THEN
            -- the condition last: tested only on the rows that fail
            w := left(v, length(v) - length(fails) - 1) || format('%s AND (%s))', fails, cond);
        ELSIF kind = 'map' AND k IN ('n', nn) AND counted THEN
            -- both counts from one aggregate: the condition evaluated once a row
            w := format('(vqc._scope_counts(%s IS NOT NULL) FILTER (WHERE %s))[%s]', qcol, cond, CASE k WHEN 'n' THEN 1 ELSE 2 END);
        ELSIF kind IN ('map', 'table') AND k = 'n' AND v = 'pg_catalog.count(*)'
              OR kind = 'map' AND k = nn AND v = format('pg_catalog.count(%s)', qcol) THEN
            w := format('%s FILTER (WHERE %s)', v, cond);
        ELSIF kind = 'aggregate' AND k = plan ->> 'value_item'
              AND v = vqc._row_condition_aggregate_sql(etype, plan ->> 'type_sql', qcol) THEN
            w := vqc._row_condition_aggregate_sql(etype, plan ->> 'type_sql', format('(CASE WHEN %s THEN %s END)', cond, qcol));
        END IF;
        IF w IS NULL THEN
            RAISE EXCEPTION '% does not take a row_condition', etype
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'row_condition applies to map expectations but uniqueness, to the row count, and to mean, stdev, sum, min and max.';
        END IF;
        items := items || jsonb_build_object(k || suffix, w);
        renamed := renamed || jsonb_build_object(k, k || suffix);
    END LOOP;
    IF kind = 'map' AND (fails IS NULL OR NOT renamed ? (plan ->> 'tally')) OR items = '{}' THEN
        RAISE EXCEPTION '% does not take a row_condition', etype
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'row_condition applies to map expectations but uniqueness, to the row count, and to mean, stdev, sum, min and max.';
    END IF;
    RETURN plan || jsonb_strip_nulls(jsonb_build_object(
        'items', items,
        'tally', renamed ->> (plan ->> 'tally'),
        'nonnull', renamed ->> (plan ->> 'nonnull'),
        'value_item', renamed ->> (plan ->> 'value_item'),
        'element_item', CASE WHEN kind = 'map' THEN renamed ->> 'n' END,
        'row_condition_sql', cond,
        'fails_sql', CASE WHEN fails IS NOT NULL THEN format('(%s) AND %s', cond, fails) END));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._sample_slot(cap integer)
 RETURNS boolean
 LANGUAGE c
 PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_sample_slot$function$
;
COMMENT ON FUNCTION vqc._sample_slot(integer) IS 'True for the first cap calls of this call site in this process, then false: guards the value and row key of a scan''s tally, which keeps only its first samples.';

CREATE OR REPLACE FUNCTION vqc._scope_counts_combinefn(bigint[], bigint[])
 RETURNS bigint[]
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_scope_counts_combinefn$function$
;

CREATE OR REPLACE FUNCTION vqc._scope_counts_transfn(bigint[], boolean)
 RETURNS bigint[]
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_scope_counts_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc._share_key_screens(INOUT plans jsonb[], INOUT items jsonb)
 RETURNS record
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    i      integer;
    j      integer;
    own    text;
    keyed  text;
    prefix text;
BEGIN
    FOR i IN 1 .. coalesce(cardinality(plans), 0) LOOP
        CONTINUE WHEN plans[i] IS NULL OR plans[i] ->> 'type' IS DISTINCT FROM 'expect_column_values_to_be_unique'
                      OR NOT plans[i] ? 'hash_item';
        own := format('vqc.hash_set_duplicates(vqc.hash_set_agg(%I), 100000)', plans[i] ->> 'column');
        CONTINUE WHEN items ->> (plans[i] ->> 'hash_item') IS DISTINCT FROM own;
        prefix := format('vqc.hash_set_duplicates(vqc.hash_set_agg(%I, ', plans[i] ->> 'column');
        FOR j IN 1 .. cardinality(plans) LOOP
            keyed := items ->> (plans[j] ->> 'hash_words');
            IF plans[j] ->> 'screen_key' = plans[i] ->> 'column' AND plans[j] ->> 'keep' IS NULL
               AND starts_with(keyed, prefix) AND right(keyed, 9) = ', 100000)' THEN
                items := jsonb_set(items, ARRAY[plans[i] ->> 'hash_item'],
                                   to_jsonb('vqc.hash_set_key_duplicates(' || substr(keyed, length('vqc.hash_set_duplicates(') + 1)));
                plans[i] := plans[i] || jsonb_build_object('explain_note', concat_ws('; ', plans[i] ->> 'explain_note',
                    format('the repeats of column %s are read from the compound screen of expectation %s, which is keyed by it',
                           quote_ident(plans[i] ->> 'column'), j)));
                EXIT;
            END IF;
        END LOOP;
    END LOOP;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._tally_sql(value_sql text, key_sql text, sample_cap integer, fails text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('vqc.tally(CASE WHEN vqc._sample_slot(%3$s) THEN %1$s END, CASE WHEN vqc._sample_slot(%3$s) THEN %2$s END, %3$s) '
                  'FILTER (WHERE %4$s)', value_sql, key_sql, sample_cap, fails)
$function$
;

CREATE OR REPLACE FUNCTION vqc.hash_set_key_duplicates(state vqc.hash_set_state, max_keys integer)
 RETURNS bigint[]
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_hash_set_key_duplicates$function$
;
COMMENT ON FUNCTION vqc.hash_set_key_duplicates(vqc.hash_set_state,integer) IS 'For a keyed state: one {key, occurrences} row per key stored more than once, ascending, whatever the other columns: what vqc.hash_set_duplicates gives for the key column''s own screen; NULL when the state overflowed or more than max_keys keys repeat.';


CREATE AGGREGATE vqc._scope_counts(nonnull boolean) (
    SFUNC = vqc._scope_counts_transfn,
    STYPE = bigint[],
    COMBINEFUNC = vqc._scope_counts_combinefn,
    INITCOND = '{0,0}',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc._scope_counts(boolean) IS
    'The rows and the rows whose argument is true, as {rows, true rows}: count(*) and count(column) under one row_condition, the condition evaluated once.';

RESET check_function_bodies;

-- ------------------------------------------------------------------------
-- Issue #15 (branch state-types): the all-queries ranking aggregates and
-- the numeric regression aggregates get real state types
-- (vqc.ranking_all_state, vqc.regression_numeric_state) instead of
-- internal, so that Citus pushes them down.  An aggregate's STYPE cannot be
-- altered: they are dropped with their internal-state support functions
-- (nothing in the catalog depends on them; generated SQL calls them by
-- name) and created again with the same names and arguments.  The C
-- symbols of the internal forms stay in vqc.so for the released scripts.
-- ------------------------------------------------------------------------
DROP AGGREGATE vqc.ndcg_at_k_all(anyelement, float8, float8, int4);
DROP AGGREGATE vqc.ranking_metrics_all(anyelement, float8, float8, int4);
DROP AGGREGATE vqc._ranking_metrics_all_soft(anyelement, float8, float8, int4);
DROP FUNCTION vqc.ranking_all_transfn(internal, anyelement, float8, float8, int4);
DROP FUNCTION vqc._ranking_all_soft_transfn(internal, anyelement, float8, float8, int4);
DROP FUNCTION vqc.ranking_all_combinefn(internal, internal);
DROP FUNCTION vqc.ranking_all_serialize(internal);
DROP FUNCTION vqc.ranking_all_deserialize(bytea, internal);
DROP FUNCTION vqc.ranking_all_ndcg(internal);
DROP FUNCTION vqc.ranking_all_report(internal);

DROP AGGREGATE vqc.mean_absolute_error(numeric, numeric);
DROP AGGREGATE vqc.mean_squared_error(numeric, numeric);
DROP AGGREGATE vqc.root_mean_squared_error(numeric, numeric);
DROP AGGREGATE vqc.mean_absolute_percentage_error(numeric, numeric);
DROP AGGREGATE vqc.r2_score(numeric, numeric);
DROP AGGREGATE vqc.max_error(numeric, numeric);
DROP FUNCTION vqc.regression_numeric_abs_transfn(internal, numeric, numeric);
DROP FUNCTION vqc.regression_numeric_sq_transfn(internal, numeric, numeric);
DROP FUNCTION vqc.regression_numeric_ape_transfn(internal, numeric, numeric);
DROP FUNCTION vqc.regression_numeric_r2_transfn(internal, numeric, numeric);
DROP FUNCTION vqc.regression_numeric_combinefn(internal, internal);
DROP FUNCTION vqc.regression_numeric_serialize(internal);
DROP FUNCTION vqc.regression_numeric_deserialize(bytea, internal);
DROP FUNCTION vqc.regression_numeric_mae(internal);
DROP FUNCTION vqc.regression_numeric_mse(internal);
DROP FUNCTION vqc.regression_numeric_rmse(internal);
DROP FUNCTION vqc.regression_numeric_mape(internal);
DROP FUNCTION vqc.regression_numeric_r2(internal);
DROP FUNCTION vqc.regression_numeric_max_error(internal);

-- src/regression_numeric.sql as built
-- ---------------------------------------------------------------------
-- regression_numeric.sql: scikit-learn's regression metrics over numeric
-- (y_true, y_pred) in exact decimal arithmetic (src/regression_numeric.c)
-- ---------------------------------------------------------------------
-- Overloads of the six float8 aggregates: numeric columns now resolve to
-- these and get a numeric result, each metric one numeric division of exact
-- sums (the same as avg(abs(y_true - y_pred)) and its kin written in SQL).
-- Integer columns still resolve to the float8 aggregates.  A pair with a
-- NULL is skipped; NaN or infinite values: 22023; no pairs: NULL.
--
-- The state is a type of its own (0.6.0; internal before), so that Citus
-- runs the aggregates as worker partials and a coordinator combine: during
-- aggregation an expanded object modified in place, flat (a parallel
-- worker's, Citus's, ::text) the counts and the sums in numeric's binary
-- form, with flags saying which sums it keeps.  Text form: hex.

CREATE TYPE vqc.regression_numeric_state;

CREATE FUNCTION vqc.regression_numeric_state_in(cstring)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_state_out(vqc.regression_numeric_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_state_recv(internal)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_state_send(vqc.regression_numeric_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.regression_numeric_state (
    INPUT = vqc.regression_numeric_state_in,
    OUTPUT = vqc.regression_numeric_state_out,
    RECEIVE = vqc.regression_numeric_state_recv,
    SEND = vqc.regression_numeric_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE vqc.regression_numeric_state IS
    'Exact numeric sums of the numeric regression aggregates (mean_absolute_error(numeric, numeric) and kin); mergeable partial state.';

-- not strict: a pair with a NULL is counted.  Each keeps the sums of its
-- aggregates: |e| (MAE, max error), e * e (MSE, RMSE), the ratios (MAPE),
-- e * e, y and y * y (R^2); a state keeping other sums is refused (42804).
CREATE FUNCTION vqc.regression_numeric_abs_transfn(vqc.regression_numeric_state, numeric, numeric)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_abs_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_sq_transfn(vqc.regression_numeric_state, numeric, numeric)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_sq_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_ape_transfn(vqc.regression_numeric_state, numeric, numeric)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_ape_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_r2_transfn(vqc.regression_numeric_state, numeric, numeric)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_r2_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: either state may be NULL; states of different metrics do not merge
CREATE FUNCTION vqc.regression_numeric_combinefn(vqc.regression_numeric_state, vqc.regression_numeric_state)
RETURNS vqc.regression_numeric_state
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_state_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- the metrics of a state (22023 when it keeps other sums)
CREATE FUNCTION vqc.regression_numeric_mae(vqc.regression_numeric_state) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mae_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_mse(vqc.regression_numeric_state) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mse_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_rmse(vqc.regression_numeric_state) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_rmse_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_mape(vqc.regression_numeric_state) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mape_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_r2(vqc.regression_numeric_state) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_r2_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_max_error(vqc.regression_numeric_state) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_max_error_state' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.mean_absolute_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_abs_transfn, STYPE = vqc.regression_numeric_state, FINALFUNC = vqc.regression_numeric_mae,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_squared_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_sq_transfn, STYPE = vqc.regression_numeric_state, FINALFUNC = vqc.regression_numeric_mse,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.root_mean_squared_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_sq_transfn, STYPE = vqc.regression_numeric_state, FINALFUNC = vqc.regression_numeric_rmse,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_absolute_percentage_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_ape_transfn, STYPE = vqc.regression_numeric_state, FINALFUNC = vqc.regression_numeric_mape,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.r2_score(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_r2_transfn, STYPE = vqc.regression_numeric_state, FINALFUNC = vqc.regression_numeric_r2,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.max_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_abs_transfn, STYPE = vqc.regression_numeric_state, FINALFUNC = vqc.regression_numeric_max_error,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.mean_absolute_error(numeric, numeric) IS
    'Mean absolute error over numeric columns, exact: sum |y_true - y_pred| / n in numeric.';

-- src/ranking_all.sql as built
-- ---------------------------------------------------------------------
-- ranking_all.sql: ranking metrics at k averaged over every query of a
-- table in one aggregate, without GROUP BY (src/ranking_all.c)
-- ---------------------------------------------------------------------
-- SELECT vqc.ndcg_at_k_all(query_id, rel, score, 10) FROM results;
-- Each query's rows are kept in a hash table keyed by the query value until
-- the end (about 16 bytes a row), within vqc.exact_memory_limit (54000 past
-- it).  Same metrics, ties and NULL rules as the per-query aggregates; a row
-- with a NULL query is skipped and counted with the NULL rows.
--
-- The state is a type of its own (0.6.0; internal before), so that Citus
-- runs the aggregates as worker partials and a coordinator combine.  During
-- aggregation it is an expanded object modified in place; its flat form
-- (a parallel worker's, Citus's, ::text) holds the query type and collation
-- by OID and the pairs in native byte order: it reads back on a server of
-- the same architecture with the same query type.  Text form: hex.

CREATE TYPE vqc.ranking_all_state;

CREATE FUNCTION vqc.ranking_all_state_in(cstring)
RETURNS vqc.ranking_all_state
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_state_out(vqc.ranking_all_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_state_recv(internal)
RETURNS vqc.ranking_all_state
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_state_send(vqc.ranking_all_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.ranking_all_state (
    INPUT = vqc.ranking_all_state_in,
    OUTPUT = vqc.ranking_all_state_out,
    RECEIVE = vqc.ranking_all_state_recv,
    SEND = vqc.ranking_all_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE vqc.ranking_all_state IS
    'The rows of every query of vqc.ndcg_at_k_all and vqc.ranking_metrics_all (mergeable partial state; same-architecture servers).';

-- not strict: rows with NULLs are left out or counted, k must not be NULL
CREATE FUNCTION vqc.ranking_all_transfn(vqc.ranking_all_state, anyelement, float8, float8, int4)
RETURNS vqc.ranking_all_state
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: either state may be NULL
CREATE FUNCTION vqc.ranking_all_combinefn(vqc.ranking_all_state, vqc.ranking_all_state)
RETURNS vqc.ranking_all_state
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_ndcg(vqc.ranking_all_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_ndcg'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_report(vqc.ranking_all_state)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_report'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.ndcg_at_k_all(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_all_transfn,
    STYPE = vqc.ranking_all_state,
    FINALFUNC = vqc.ranking_all_ndcg,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ndcg_at_k_all(anyelement, float8, float8, int4) IS
    'NDCG@k (scikit-learn 1.2''s ndcg_score, ties averaged) of each query, averaged over the queries, in one aggregate without GROUP BY.';

CREATE AGGREGATE vqc.ranking_metrics_all(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_all_transfn,
    STYPE = vqc.ranking_all_state,
    FINALFUNC = vqc.ranking_all_report,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ranking_metrics_all(anyelement, float8, float8, int4) IS
    'NDCG, MAP, MRR, precision, recall and hit rate at k averaged over the queries, with counts, in one aggregate without GROUP BY (jsonb).';

-- The form a suite's scan uses (expect_ranking_metric_to_be_between): past
-- vqc.exact_memory_limit it stops keeping rows and ends in {"k": k,
-- "overflow": true} instead of raising, so the scan's other checks go on and
-- the runner reads the metric in a pass of its own (vqc.ranking_report).
CREATE FUNCTION vqc._ranking_all_soft_transfn(vqc.ranking_all_state, anyelement, float8, float8, int4)
RETURNS vqc.ranking_all_state
AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_soft_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc._ranking_metrics_all_soft(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc._ranking_all_soft_transfn,
    STYPE = vqc.ranking_all_state,
    FINALFUNC = vqc.ranking_all_report,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    PARALLEL = SAFE
);

-- The three aggregates also for query columns of these types, with
-- transition functions of those types: Citus runs a custom aggregate on its
-- workers only when it is declared for the argument's exact type, and calls
-- the transition function with no call expression (src/arg_type.c reads
-- the type from the declaration then).  On one node the parser picks the
-- exact type's form; the answers are the anyelement form's.  Other query
-- types keep the anyelement forms, which run on one node only (on Citus,
-- cast the query column).
DO $typed_ranking_all$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision', 'boolean',
                             'date', 'timestamp', 'timestamptz', 'text', 'varchar', 'char', 'uuid'] LOOP
        EXECUTE format($sql$
            CREATE FUNCTION vqc.ranking_all_transfn(vqc.ranking_all_state, %1$s, float8, float8, int4)
            RETURNS vqc.ranking_all_state
            AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
            CREATE FUNCTION vqc._ranking_all_soft_transfn(vqc.ranking_all_state, %1$s, float8, float8, int4)
            RETURNS vqc.ranking_all_state
            AS 'MODULE_PATHNAME', 'vqc_ranking_all_state_soft_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
            CREATE AGGREGATE vqc.ndcg_at_k_all(query %1$s, y_true float8, y_score float8, k int4) (
                SFUNC = vqc.ranking_all_transfn, STYPE = vqc.ranking_all_state, FINALFUNC = vqc.ranking_all_ndcg,
                FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.ranking_all_combinefn, PARALLEL = SAFE);
            CREATE AGGREGATE vqc.ranking_metrics_all(query %1$s, y_true float8, y_score float8, k int4) (
                SFUNC = vqc.ranking_all_transfn, STYPE = vqc.ranking_all_state, FINALFUNC = vqc.ranking_all_report,
                FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.ranking_all_combinefn, PARALLEL = SAFE);
            CREATE AGGREGATE vqc._ranking_metrics_all_soft(query %1$s, y_true float8, y_score float8, k int4) (
                SFUNC = vqc._ranking_all_soft_transfn, STYPE = vqc.ranking_all_state, FINALFUNC = vqc.ranking_all_report,
                FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.ranking_all_combinefn, PARALLEL = SAFE);
            $sql$, t);
    END LOOP;
END
$typed_ranking_all$;

-- Whether the one-aggregate forms run on target's rows where they live: on
-- one node always; on a Citus distributed table only for a query type (or
-- a domain over one) with a form of its own above, which Citus pushes down.
CREATE FUNCTION vqc._ranking_all_fits(target regclass, query_type regtype)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT NOT vqc._citus_distributed(target)
        OR EXISTS (SELECT 1
                     FROM pg_catalog.pg_proc p
                     JOIN pg_catalog.pg_type t
                       ON t.oid OPERATOR(pg_catalog.=) query_type
                    WHERE p.pronamespace OPERATOR(pg_catalog.=) 'vqc'::pg_catalog.regnamespace
                      AND p.proname OPERATOR(pg_catalog.=) '_ranking_metrics_all_soft'
                      AND p.proargtypes[0] OPERATOR(pg_catalog.=)
                          CASE WHEN t.typtype OPERATOR(pg_catalog.=) 'd' THEN t.typbasetype ELSE t.oid END)
$$;

-- the one-aggregate form on Citus too, for query types with typed aggregates
SET check_function_bodies = false;
CREATE OR REPLACE FUNCTION vqc.ranking_report(target regclass, query_column text, relevance_column text,
                                   score_column text, k integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    result  jsonb;
    -- on Citus, a query type without a typed aggregate is grouped
    grouped boolean := NOT vqc._ranking_all_fits(target,
                           (SELECT a.atttypid FROM pg_catalog.pg_attribute a
                             WHERE a.attrelid OPERATOR(pg_catalog.=) target
                               AND a.attname OPERATOR(pg_catalog.=) query_column
                               AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped));
BEGIN
    IF target IS NULL OR query_column IS NULL OR relevance_column IS NULL OR score_column IS NULL OR k IS NULL THEN
        RAISE EXCEPTION 'vqc.ranking_report arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF k <= 0 THEN
        RAISE EXCEPTION 'k must be between 1 and 1000000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT grouped THEN
        BEGIN
            EXECUTE format($q$
                SELECT vqc.ranking_metrics_all(%4$I, (%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1)
                  FROM %1$s$q$,
                target, relevance_column, score_column, query_column)
            INTO result USING k;
        EXCEPTION WHEN program_limit_exceeded OR undefined_function THEN
            grouped := true;
        END;
    END IF;
    IF grouped THEN
        EXECUTE format($q$
            SELECT pg_catalog.jsonb_build_object(
                       'k', $1,
                       'queries', pg_catalog.count(*) FILTER (WHERE NOT no_query AND m[7] OPERATOR(pg_catalog.>) 0),
                       'queries_without_relevant',
                       pg_catalog.count(*) FILTER (WHERE NOT no_query AND m[7] OPERATOR(pg_catalog.>) 0
                                                         AND m[9] OPERATOR(pg_catalog.=) 0),
                       'rows', coalesce(pg_catalog.sum(m[7]) FILTER (WHERE NOT no_query), 0)::pg_catalog.int8,
                       -- the rows of no query (a NULL one) are skipped and counted, as by the aggregate
                       'null_rows', (coalesce(pg_catalog.sum(m[8]), 0)
                                     OPERATOR(pg_catalog.+) coalesce(pg_catalog.sum(m[7]) FILTER (WHERE no_query), 0))::pg_catalog.int8,
                       'ndcg', pg_catalog.avg(m[1]) FILTER (WHERE NOT no_query),
                       'map', pg_catalog.avg(m[2]) FILTER (WHERE NOT no_query),
                       'mrr', pg_catalog.avg(m[3]) FILTER (WHERE NOT no_query),
                       'precision', pg_catalog.avg(m[4]) FILTER (WHERE NOT no_query),
                       'recall', pg_catalog.avg(m[5]) FILTER (WHERE NOT no_query),
                       'hit_rate', pg_catalog.avg(m[6]) FILTER (WHERE NOT no_query))
              FROM (SELECT %4$I IS NULL AS no_query,
                           vqc._ranking_metrics((%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1) AS m
                      FROM %1$s
                     GROUP BY %4$I) q$q$,
            target, relevance_column, score_column, query_column)
        INTO result USING k;
    END IF;
    -- no row at all: the aggregate's NULL
    RETURN coalesce(result, pg_catalog.jsonb_build_object(
        'k', k, 'queries', 0, 'queries_without_relevant', 0, 'rows', 0, 'null_rows', 0,
        'ndcg', NULL, 'map', NULL, 'mrr', NULL, 'precision', NULL, 'recall', NULL, 'hit_rate', NULL));
END
$$;

CREATE OR REPLACE FUNCTION vqc._plan_model_metric_long(target regclass, plan jsonb, pidx integer, metric text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype  text := plan ->> 'type';
    kwargs jsonb := plan -> 'kwargs';
    lo     jsonb;
    hi     jsonb;
    c      record;
    cols   name[] := '{}';
    types  regtype[] := '{}';
    k      text;
    item   text;
BEGIN
    SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
    PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
    FOREACH k IN ARRAY CASE WHEN etype = 'expect_ranking_metric_to_be_between' THEN ARRAY['query', 'relevance', 'score']
                            WHEN metric IN ('krippendorff_alpha', 'cohen_kappa') THEN ARRAY['item', 'annotator', 'label']
                            ELSE ARRAY['item', 'label'] END LOOP
        SELECT * INTO c FROM vqc._column(target, vqc._kw_text(etype, kwargs, k));
        cols := cols || c.attname;
        types := types || c.type_sql::regtype;
    END LOOP;
    IF etype = 'expect_ranking_metric_to_be_between' THEN
        IF metric NOT IN ('ndcg', 'map', 'mrr', 'precision', 'recall', 'hit_rate') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        IF vqc._kw_int(etype, kwargs, 'k') NOT BETWEEN 1 AND 1000000 THEN
            PERFORM vqc._bad_kwarg(etype, 'k must be between 1 and 1000000');
        END IF;
        -- an aggregate of the scan over all queries (vqc._ranking_metrics_all_soft,
        -- which says when the queries outgrow vqc.exact_memory_limit); a query
        -- type without hashing, or that overflow: a pass of its own at evaluation
        -- (on Citus, a query type without a typed aggregate: the pass)
        IF vqc._default_opclass(types[1], 'hash') IS NOT NULL AND vqc._ranking_all_fits(target, types[1]) THEN
            item := format('vqc._ranking_metrics_all_soft(%I, (%I)::pg_catalog.float8, (%I)::pg_catalog.float8, %s)',
                           cols[1], cols[2], cols[3], (kwargs ->> 'k')::int);
        END IF;
        RETURN vqc._model_value_plan(etype, kwargs, metric, NULL, NULL, lo, hi) - 'value_item'
               || jsonb_build_object('items', CASE WHEN item IS NULL THEN '{}'::jsonb
                                                   ELSE jsonb_build_object(format('rk%s', pidx), item) END,
                                     'ranking_item', CASE WHEN item IS NOT NULL THEN format('rk%s', pidx) END,
                                     'ranking_columns', to_jsonb(cols), 'k', (kwargs ->> 'k')::int,
                                     'explain_note', CASE WHEN item IS NULL
                                         THEN 'the metric takes a pass grouped by query (the query column''s type has no hashing, or no typed aggregate for Citus)'
                                         ELSE 'if the queries outgrow vqc.exact_memory_limit, the metric takes a pass of its own' END);
    END IF;
    item := CASE metric
        WHEN 'percent_agreement' THEN format('vqc.percent_agreement(%I, %I)', cols[1], cols[2])
        WHEN 'fleiss_kappa' THEN format('vqc.fleiss_kappa(%I, %I)', cols[1], cols[2])
        WHEN 'krippendorff_alpha' THEN format('vqc.krippendorff_alpha(%I, %I, %I, %L)', cols[1], cols[2], cols[3],
                                              coalesce(vqc._kw_text(etype, kwargs, 'level'), 'nominal'))
        WHEN 'cohen_kappa' THEN format('vqc.cohen_kappa(%I, %I, %I%s)', cols[1], cols[2], cols[3],
                                       coalesce(format(', %L', vqc._kw_text(etype, kwargs, 'weights')), ''))
    END;
    IF item IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
    END IF;
    IF kwargs ? 'level' AND kwargs ->> 'level' NOT IN ('nominal', 'ordinal', 'interval') THEN
        PERFORM vqc._bad_kwarg(etype, 'level is nominal, ordinal or interval');
    END IF;
    RETURN vqc._model_value_plan(etype, kwargs, metric, format('ag%s', pidx), item, lo, hi);
END
$$;
RESET check_function_bodies;
-- ========================================================================
-- Part 2 (keep last): every SQL and PL/pgSQL function of vqc runs with
-- search_path = pg_catalog, pg_temp, as src/sql/search_path.sql sets it at
-- the end of a fresh install; the same loop, over 0.5.0's functions and any
-- that part 1 created or replaced.
-- ========================================================================
DO $pin$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                     AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
          JOIN pg_catalog.pg_language l ON l.oid = p.prolang
         WHERE l.lanname IN ('sql', 'plpgsql') AND p.prokind = 'f'
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', fn);
    END LOOP;
END
$pin$;

-- The writers of vqc's tables may not be called by PUBLIC, as
-- src/sql/search_path.sql sets at the end of a fresh install.
DO $revoke$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                     AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
         WHERE p.proname OPERATOR(pg_catalog.~~) '\_%\_write%'
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    END LOOP;
END
$revoke$;
