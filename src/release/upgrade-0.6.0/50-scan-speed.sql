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

