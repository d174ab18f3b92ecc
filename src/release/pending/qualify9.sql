-- qualify9 (issue #9, rule 5): upgrade statements for the SQL-object changes
-- on branch qualify9, for vqc--0.1.0--0.2.0.sql.  Generated from the source
-- files by copying each changed function (keep them equal).
--
-- New (src/sql/operators.sql): the operators and min/max aggregates vqc
-- applies to a column's values, from the default operator classes of the
-- column's type.  Replaced (src/sql/engine.sql, expect.sql, statistics.sql,
-- suggest.sql): the SQL they generate schema-qualifies functions, operators
-- and casts, and compares column values by those operators.
-- vqc._unique_columns is new in 0.2.0 (drift10's pending statements create
-- it): its CREATE OR REPLACE here must come after drift10's.  CREATE OR REPLACE drops a
-- function's SET clause, so every one is pinned again at the end, as
-- src/sql/search_path.sql pins them at install.

-- new functions first: the SQL-language ones are checked at creation
CREATE FUNCTION vqc._default_opclass(typ regtype, am text)
RETURNS oid
LANGUAGE sql STABLE
AS $$
    SELECT c.oid
      FROM pg_type t, pg_opclass c
      JOIN pg_am m ON m.oid = c.opcmethod
      JOIN pg_type ct ON ct.oid = c.opcintype
     WHERE t.oid = vqc._base_type(typ) AND m.amname = am AND c.opcdefault
       AND (c.opcintype = t.oid
            OR EXISTS (SELECT 1 FROM pg_cast k
                        WHERE k.castsource = t.oid AND k.casttarget = c.opcintype
                          AND k.castmethod = 'b' AND k.castcontext = 'i')
            OR (c.opcintype = 'anyarray'::regtype AND t.typelem <> 0
                AND t.typsubscript = 'array_subscript_handler'::regproc)
            OR (c.opcintype = 'anyenum'::regtype AND t.typtype = 'e')
            OR (c.opcintype = 'anyrange'::regtype AND t.typtype = 'r')
            OR (c.opcintype = 'anymultirange'::regtype AND t.typtype = 'm')
            OR (c.opcintype = 'record'::regtype AND t.typtype = 'c'))
     ORDER BY c.opcintype = t.oid DESC, ct.typtype <> 'p' DESC, ct.typispreferred DESC, c.oid
     LIMIT 1
$$;

CREATE FUNCTION vqc._type_operator(typ regtype, op text,
                                   OUT oprid oid, OUT operator_sql text, OUT operand_cast text)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    strategy smallint := array_position(ARRAY['<', '<=', '=', '>=', '>'], op);
    am       text := 'btree';
    opclass  oid := vqc._default_opclass(typ, 'btree');
BEGIN
    IF strategy IS NULL THEN
        RAISE EXCEPTION 'unknown comparison "%"', op
            USING ERRCODE = 'internal_error';
    END IF;
    IF opclass IS NULL AND op = '=' THEN
        am := 'hash';
        opclass := vqc._default_opclass(typ, 'hash');
        strategy := 1;
    END IF;
    SELECT o.oid, format('OPERATOR(%s.%s)', quote_ident(n.nspname), o.oprname),
           CASE WHEN ct.typtype = 'p' OR ct.oid = typ THEN ''
                ELSE '::' || format_type(ct.oid, NULL) END
      INTO oprid, operator_sql, operand_cast
      FROM pg_opclass c
      JOIN pg_type ct ON ct.oid = c.opcintype
      JOIN pg_amop a ON a.amopfamily = c.opcfamily AND a.amoplefttype = c.opcintype
                    AND a.amoprighttype = c.opcintype AND a.amopstrategy = strategy
      JOIN pg_operator o ON o.oid = a.amopopr
      JOIN pg_namespace n ON n.oid = o.oprnamespace
     WHERE c.oid = opclass;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'type % has no default % operator class with an operator %', typ, am, op
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'Cast the column in a view to a type with a default btree operator class.';
    END IF;
END
$$;

CREATE FUNCTION vqc._compare_sql(typ regtype, lhs text, op text, rhs text,
                                 rhs_is_array boolean DEFAULT false)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN rhs_is_array
                THEN format('(%s)%s %s ANY ((%s)%s)', lhs, o.operand_cast, o.operator_sql, rhs,
                            CASE WHEN o.operand_cast = '' THEN '' ELSE o.operand_cast || '[]' END)
                ELSE format('(%s)%s %s (%s)%s', lhs, o.operand_cast, o.operator_sql, rhs, o.operand_cast) END
      FROM vqc._type_operator(typ, op) o
$$;

CREATE FUNCTION vqc._minmax_sql(typ regtype, which text, arg text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format('%I.%I((%s)%s)', n.nspname, p.proname, arg, o.operand_cast)
      FROM vqc._type_operator(typ, CASE which WHEN 'min' THEN '<' ELSE '>' END) o
      JOIN pg_operator opr ON opr.oid = o.oprid
      JOIN pg_aggregate a ON a.aggsortop = o.oprid AND a.aggkind = 'n'
      JOIN pg_proc p ON p.oid = a.aggfnoid AND p.pronargs = 1
                    AND p.pronamespace = opr.oprnamespace AND p.proowner = opr.oprowner
      JOIN pg_namespace n ON n.oid = p.pronamespace
     ORDER BY p.proname = which DESC, p.oid
     LIMIT 1
$$;

-- replaced functions
CREATE OR REPLACE FUNCTION vqc._quantile_arg(qcol text, type_sql text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format(CASE WHEN vqc._base_type(type_sql::regtype) = 'numeric'::regtype THEN '%s::pg_catalog.numeric'
                       ELSE '%s::pg_catalog.float8' END, qcol)
$$;

CREATE OR REPLACE FUNCTION vqc._row_key_sql(target regclass, key_columns text[])
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    parts text[] := '{}';
    c     text;
    kind  "char" := (SELECT relkind FROM pg_class WHERE oid = target);
BEGIN
    IF key_columns IS NULL OR cardinality(key_columns) = 0 THEN
        RETURN CASE kind
            WHEN 'p' THEN 'pg_catalog.jsonb_build_object(''partition'', tableoid::pg_catalog.regclass::pg_catalog.text, '
                          '''ctid'', ctid::pg_catalog.text)::pg_catalog.text'
            WHEN 'r' THEN 'pg_catalog.jsonb_build_object(''ctid'', ctid::pg_catalog.text)::pg_catalog.text'
            WHEN 'm' THEN 'pg_catalog.jsonb_build_object(''ctid'', ctid::pg_catalog.text)::pg_catalog.text'
            ELSE 'NULL::pg_catalog.text' END;
    END IF;
    FOREACH c IN ARRAY key_columns LOOP
        PERFORM vqc._column(target, c);
        parts := parts || format('%L, %I', c, c);
    END LOOP;
    RETURN format('pg_catalog.jsonb_build_object(%s)::pg_catalog.text', array_to_string(parts, ', '));
END
$$;

CREATE OR REPLACE FUNCTION vqc._plan(target regclass, etype text, kwargs jsonb, pidx integer,
                          key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    entry     vqc.expectation_catalog := vqc._check_kwargs(etype, kwargs);
    p         text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    col       record;
    colname   text := vqc._kw_text(etype, kwargs, 'column');
    qcol      text;
    plan      jsonb;
    expected  text;          -- SQL: the row is as expected (map kind)
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
    plan := jsonb_build_object('kind', entry.kind, 'type', etype, 'kwargs', kwargs,
                               'position', pidx);
    IF kwargs ? 'column' AND etype <> 'expect_column_to_exist' THEN
        SELECT * INTO col FROM vqc._column(target, colname);
        qcol := quote_ident(colname);
        plan := plan || jsonb_build_object('column', colname, 'type_sql', col.type_sql);
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
            IF col.category <> 'N' THEN
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
        RETURN plan || jsonb_build_object(
            'items', jsonb_build_object(format('s%s', pidx), stat_sql) ||
                     CASE WHEN etype = 'expect_column_median_to_be_between' THEN
                          jsonb_build_object(format('c%s', pidx),
                                             format('vqc.exact_quantile_count(vqc.exact_quantile_agg(%s))',
                                                    vqc._quantile_arg(qcol, col.type_sql)),
                                             format('o%s', pidx),
                                             format('vqc.exact_quantile_overflowed(vqc.exact_quantile_agg(%s))',
                                                    vqc._quantile_arg(qcol, col.type_sql)))
                     ELSE '{}' END,
            'value_item', format('s%s', pidx),
            'overflow_item', CASE WHEN etype = 'expect_column_median_to_be_between' THEN format('o%s', pidx) END,
            'count_item', CASE WHEN etype = 'expect_column_median_to_be_between' THEN format('c%s', pidx) END,
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
            SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
            PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
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
        pat := coalesce(vqc._kw_text(etype, kwargs, 'match_on'), 'any');
        IF pat NOT IN ('any', 'all') THEN
            PERFORM vqc._bad_kwarg(etype, 'match_on must be "any" or "all"');
        END IF;
        IF etype LIKE '%not_match%' THEN
            expected := format('NOT (%s)', array_to_string(conds, ' OR '));
        ELSE
            expected := format('(%s)', array_to_string(conds, CASE pat WHEN 'any' THEN ' OR ' ELSE ' AND ' END));
        END IF;
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
                                            format('vqc._jsonb_text_array(%s OPERATOR(pg_catalog.->) ''value_set'')::%s[]',
                                                   p, col.type_sql), true));
    END CASE;

    IF etype = 'expect_column_values_to_be_unique' THEN
        IF vqc._has_unique_index(target, colname) THEN
            -- the database already guarantees it: count, don't screen
            RETURN plan || jsonb_build_object(
                'items', jsonb_build_object('n', 'pg_catalog.count(*)', format('nn:%s', colname),
                                            format('pg_catalog.count(%s)', qcol)),
                'nonnull', format('nn:%s', colname),
                'unique_by_index', true,
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
            -- the screen stores integers themselves: when the row key is
            -- the column too, the repeats alone give values and keys
            'keys_from_values', coalesce(key_columns = ARRAY[colname], false)
                                AND vqc._base_type(col.type_sql::regtype)
                                    IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype),
            'sample_cap', sample_cap);
    END IF;

    RETURN plan || jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
            format('t%s', pidx),
            format('vqc.tally(%s, %s, %s) FILTER (WHERE %s)', value_sql,
                   vqc._row_key_sql(target, key_columns), sample_cap,
                   CASE WHEN skip_missing THEN format('(%s) IS NOT TRUE', expected)
                        ELSE format('%s IS NOT NULL AND (%s) IS NOT TRUE', qcol, expected) END)),
        'tally', format('t%s', pidx),
        'nonnull', CASE WHEN skip_missing THEN NULL ELSE format('nn:%s', colname) END,
        'mostly', mostly);
END
$$;

CREATE OR REPLACE FUNCTION vqc._require_opclass(etype text, type_sql text, am text)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF vqc._default_opclass(type_sql::regtype, am) IS NULL THEN
        RAISE EXCEPTION '% needs %; type % has none', etype,
                        CASE am WHEN 'btree' THEN 'an ordered column' ELSE 'a column with equality and hashing' END,
                        type_sql
            USING ERRCODE = 'datatype_mismatch';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION vqc._check_bounds(etype text, lo jsonb, hi jsonb, type_sql text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    wrong boolean;
BEGIN
    IF lo IS NOT NULL THEN
        PERFORM vqc._check_castable(etype, 'min_value', lo #>> '{}', type_sql);
    END IF;
    IF hi IS NOT NULL THEN
        PERFORM vqc._check_castable(etype, 'max_value', hi #>> '{}', type_sql);
    END IF;
    IF lo IS NOT NULL AND hi IS NOT NULL THEN
        EXECUTE format('SELECT %s', vqc._compare_sql(type_sql::regtype, format('$1::%s', type_sql), '>',
                                                     format('$2::%s', type_sql)))
            INTO wrong USING lo #>> '{}', hi #>> '{}';
        IF wrong THEN
            PERFORM vqc._bad_kwarg(etype, 'min_value is greater than max_value');
        END IF;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION vqc._within_bounds(plan jsonb, observed text)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    t  text := plan ->> 'compare_type';
    ok boolean;
BEGIN
    IF observed IS NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('SELECT ($2 IS NULL OR %s) AND ($3 IS NULL OR %s)',
                   vqc._compare_sql(t::regtype, format('$1::%s', t),
                                    CASE WHEN (plan ->> 'strict_min')::boolean THEN '>' ELSE '>=' END,
                                    format('$2::%s', t)),
                   vqc._compare_sql(t::regtype, format('$1::%s', t),
                                    CASE WHEN (plan ->> 'strict_max')::boolean THEN '<' ELSE '<=' END,
                                    format('$3::%s', t)))
        INTO ok
        USING observed, plan -> 'min_value' #>> '{}', plan -> 'max_value' #>> '{}';
    RETURN ok;
END
$$;

CREATE OR REPLACE FUNCTION vqc._observed_json(plan jsonb, observed text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    j jsonb;
BEGIN
    IF observed IS NULL THEN
        RETURN 'null';
    END IF;
    IF plan ->> 'compare_type' = 'numeric' THEN
        BEGIN
            RETURN to_jsonb(observed::numeric);
        EXCEPTION WHEN data_exception OR feature_not_supported THEN
            RETURN to_jsonb(observed);       -- NaN or infinity: JSON has no number for it
        END;
    END IF;
    EXECUTE format('SELECT pg_catalog.to_jsonb($1::%s)', plan ->> 'compare_type') INTO j USING observed;
    RETURN j;
END
$$;

CREATE OR REPLACE FUNCTION vqc._exact_ranks(target regclass, value_sql text, ranks bigint[],
                                 OUT vals float8[], OUT passes integer)
LANGUAGE plpgsql
AS $$
DECLARE
    lim     text := current_setting('vqc.exact_memory_limit');
    fit     bigint := greatest(CASE WHEN lim = '-1' THEN pg_size_bytes(current_setting('work_mem'))
                                    ELSE pg_size_bytes(lim) END / 8, 1);
    key_sql text := format('vqc.value_key(%s)', value_sql);
    nr      int := cardinality(ranks);
    lo      bigint[] := array_fill(-9223372036854775808, ARRAY[nr]);
    hi      bigint[] := array_fill(9223372036854775807, ARRAY[nr]);
    rk      bigint[] := ranks;
    cnt     bigint[] := array_fill(NULL::bigint, ARRAY[nr]);   -- NULL: more than fit
    shift   int;
    i       int;
    j       int;
    before  bigint;
    bs      bigint[];
    cs      bigint[];
    open    text;
    items   text;
BEGIN
    passes := 0;
    FOREACH shift IN ARRAY ARRAY[48, 32, 16, 0] LOOP
        SELECT string_agg(DISTINCT format('k OPERATOR(pg_catalog.>=) %L::pg_catalog.int8 '
                                          'AND k OPERATOR(pg_catalog.<=) %L::pg_catalog.int8', lo[g], hi[g]), ' OR ')
          INTO open FROM generate_series(1, nr) g WHERE cnt[g] IS NULL OR cnt[g] > fit;
        EXIT WHEN open IS NULL;
        EXECUTE format('SELECT pg_catalog.array_agg(b ORDER BY b), pg_catalog.array_agg(c ORDER BY b) FROM '
                       '(SELECT k OPERATOR(pg_catalog.>>) %s AS b, pg_catalog.count(*) AS c '
                       '   FROM (SELECT %s AS k FROM %s WHERE (%s) IS NOT NULL) s '
                       '  WHERE %s GROUP BY 1) g', shift, key_sql, target, value_sql, open)
            INTO bs, cs;
        passes := passes + 1;
        FOR i IN 1 .. nr LOOP
            CONTINUE WHEN cnt[i] <= fit;
            before := 0;
            FOR j IN 1 .. coalesce(cardinality(bs), 0) LOOP
                CONTINUE WHEN (bs[j] << shift) NOT BETWEEN lo[i] AND hi[i];
                IF before + cs[j] > rk[i] THEN
                    lo[i] := bs[j] << shift;
                    hi[i] := lo[i] + ((1::bigint << shift) - 1);
                    rk[i] := rk[i] - before;
                    cnt[i] := cs[j];
                    EXIT;
                END IF;
                before := before + cs[j];
            END LOOP;
            IF cnt[i] IS NULL THEN
                RAISE EXCEPTION 'rank % is beyond the column''s values', ranks[i]
                    USING ERRCODE = 'internal_error';
            END IF;
        END LOOP;
    END LOOP;

    -- a range still too big after the last level is one key: one value
    SELECT string_agg(CASE WHEN cnt[g] > fit THEN format('vqc.key_value(%L::pg_catalog.int8)', lo[g])
                           ELSE format('vqc.exact_kth(vqc.exact_quantile_agg(%s) FILTER (WHERE %s OPERATOR(pg_catalog.>=) %L::pg_catalog.int8 '
                                       'AND %s OPERATOR(pg_catalog.<=) %L::pg_catalog.int8), %s)',
                                       value_sql, key_sql, lo[g], key_sql, hi[g], rk[g]) END, ', ' ORDER BY g)
      INTO items FROM generate_series(1, nr) g;
    EXECUTE format('SELECT ARRAY[%s]::pg_catalog.float8[] FROM %s', items, target) INTO vals;
    passes := passes + 1;
END
$$;

CREATE OR REPLACE FUNCTION vqc._evaluate(target regclass, plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    kind      text := plan ->> 'kind';
    etype     text := plan ->> 'type';
    observed  text;
    element   bigint;
    nonnull   bigint;
    t         vqc.tally;
    dups      bigint[];
    samples   jsonb := '[]';
    extra     integer := 0;
    category  "char";
    res       jsonb;
    qcol      text := quote_ident(plan ->> 'column');
    eq        record;
BEGIN
    IF kind = 'schema' THEN
        res := plan -> 'result_now';
        RETURN jsonb_build_object('success', (res ->> 'success')::boolean,
                                  'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                                                 ELSE res -> 'result' END,
                                  'samples', samples, 'extra_scans', 0);
    END IF;

    IF kind = 'statistic' THEN
        res := vqc._evaluate_statistic(target, plan, vals, rf);
        RETURN res || jsonb_build_object('samples', samples);
    END IF;

    IF kind IN ('table', 'aggregate') THEN
        observed := vals ->> (plan ->> 'value_item');
        IF (vals ->> (plan ->> 'overflow_item'))::boolean THEN
            -- more values than vqc.exact_memory_limit: the exact median by passes
            SELECT x.vals[1]::text, x.passes INTO observed, extra
              FROM vqc._exact_quantiles_by_passes(target, vqc._quantile_arg(qcol, plan ->> 'type_sql'), '{0.5}',
                                                  (vals ->> (plan ->> 'count_item'))::bigint, false) x;
        END IF;
        RETURN jsonb_build_object(
            'success', vqc._within_bounds(plan, observed),
            'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                           ELSE jsonb_build_object('observed_value', vqc._observed_json(plan, observed)) END,
            'samples', samples, 'extra_scans', extra);
    END IF;

    -- map
    SELECT typcategory INTO category FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype;
    element := (vals ->> 'n')::bigint;
    nonnull := (vals ->> (plan ->> 'nonnull'))::bigint;

    IF plan ? 'unique_by_index' THEN
        t := NULL;
    ELSIF plan ? 'hash_item' THEN
        -- The screen's repeated words ({word, occurrences} rows): none proves
        -- all values distinct.  Integers are their own words, so when the row
        -- key is the column itself the repeats are the failing rows; otherwise
        -- a second pass reads just the rows with those words.  NULL (the
        -- screen outgrew its memory, or too many repeats): a GROUP BY pass.
        dups := (vals ->> (plan ->> 'hash_item'))::bigint[];
        IF dups = '{}' THEN
            t := NULL;
        ELSIF dups IS NOT NULL AND (plan ->> 'keys_from_values')::boolean THEN
            EXECUTE format('SELECT vqc.tally(%1$s::pg_catalog.text, %2$s, %3$s ORDER BY i) FROM '
                           '(SELECT i, ($1)[i][1]::%4$s AS %1$s FROM pg_catalog.generate_subscripts($1, 1) AS i, '
                           '        pg_catalog.generate_series(1, ($1)[i][2]) AS occurrence) AS repeats',
                           qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', plan ->> 'type_sql')
                INTO t USING dups;
        ELSIF dups IS NOT NULL THEN
            -- samples ascending by value, then by row key: the same order whatever the plan
            EXECUTE format('SELECT vqc.tally(v::pg_catalog.text, k, %3$s ORDER BY v, k) FROM '
                           '(SELECT %1$s AS v, %2$s AS k, pg_catalog.count(*) OVER (PARTITION BY %1$s) AS c '
                           '   FROM %4$s WHERE vqc.hash_value(%1$s) OPERATOR(pg_catalog.=) ANY ($1)) AS candidates '
                           'WHERE c OPERATOR(pg_catalog.>) 1',
                           qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', target)
                INTO t USING ARRAY(SELECT dups[i][1] FROM generate_subscripts(dups, 1) AS i);
            extra := 1;
        ELSE
            -- samples in the hash screen's order, by value, then by row key
            eq := vqc._type_operator((plan ->> 'type_sql')::regtype, '=');
            EXECUTE format('SELECT vqc.tally(%1$s::pg_catalog.text, %2$s, %3$s ORDER BY %1$s, %2$s) FROM %4$s '
                           'WHERE (%1$s)%5$s %6$s ANY (SELECT (%1$s)%5$s FROM %4$s WHERE %1$s IS NOT NULL '
                           'GROUP BY %1$s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)',
                           qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', target,
                           eq.operand_cast, eq.operator_sql)
                INTO t;
            extra := 1;
        END IF;
    ELSE
        t := (vals ->> (plan ->> 'tally'))::vqc.tally;
    END IF;
    IF t IS NOT NULL THEN
        samples := vqc._tally_samples_json(t);
    END IF;
    res := vqc._map_result(plan, rf, element, nonnull, coalesce(vqc.tally_count(t), 0), samples, category);
    RETURN res || jsonb_build_object('samples', samples, 'extra_scans', extra);
END
$$;

CREATE OR REPLACE FUNCTION vqc._scan_sql(target regclass, items jsonb, names text[])
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format('SELECT ARRAY[%s]::pg_catalog.text[] FROM %s',
                  string_agg(format('(%s)::pg_catalog.text', items ->> nm), ', ' ORDER BY o), target)
      FROM unnest(names) WITH ORDINALITY AS x(nm, o)
$$;

CREATE OR REPLACE FUNCTION vqc._plan_all(target regclass, expectations jsonb, key_columns text[],
                              sample_cap integer, rf_default jsonb, raise_errors boolean,
                              profile_columns text[],
                              OUT plans jsonb[], OUT rfs jsonb[], OUT errors text[],
                              OUT items jsonb, OUT kwargs_all jsonb)
LANGUAGE plpgsql
AS $$
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
    IF items <> '{}' THEN
        items := items || jsonb_build_object('n', 'pg_catalog.count(*)');
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION vqc._plan_statistic(target regclass, etype text, kwargs jsonb, pidx integer,
                                    colname text, type_sql text, category "char")
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    qcol   text := quote_ident(colname);
    p      text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    qr     jsonb;
    qs     jsonb;
    ranges jsonb;
    lo     jsonb;
    hi     jsonb;
    items  jsonb;
    j      integer;
    approx boolean;
BEGIN
    CASE etype
    WHEN 'expect_column_quantile_values_to_be_between' THEN
        IF category <> 'N' THEN
            RAISE EXCEPTION '% needs a numeric column; column "%" is of type %', etype, colname, type_sql
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        qr := vqc._kw(etype, kwargs, 'quantile_ranges', '{object}');
        qs := qr -> 'quantiles';
        ranges := qr -> 'value_ranges';
        IF jsonb_typeof(qs) IS DISTINCT FROM 'array' OR jsonb_typeof(ranges) IS DISTINCT FROM 'array'
           OR jsonb_array_length(qs) <> jsonb_array_length(ranges) OR jsonb_array_length(qs) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'quantile_ranges needs "quantiles" and "value_ranges" arrays of the same, non-zero length');
        END IF;
        FOR j IN 0 .. jsonb_array_length(qs) - 1 LOOP
            IF jsonb_typeof(qs -> j) <> 'number' OR (qs ->> j)::numeric NOT BETWEEN 0 AND 1 THEN
                PERFORM vqc._bad_kwarg(etype, 'quantiles must be numbers between 0 and 1');
            END IF;
            IF jsonb_typeof(ranges -> j) <> 'array' OR jsonb_array_length(ranges -> j) <> 2
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(ranges -> j) b WHERE jsonb_typeof(b) NOT IN ('number', 'null')) THEN
                PERFORM vqc._bad_kwarg(etype, 'each value range must be [min, max] with numbers or nulls');
            END IF;
            IF (ranges -> j ->> 0)::numeric > (ranges -> j ->> 1)::numeric THEN
                PERFORM vqc._bad_kwarg(etype, 'a value range has min greater than max');
            END IF;
        END LOOP;
        approx := vqc._kw_bool(etype, kwargs, 'allow_relative_error', false);
        IF approx THEN
            RETURN jsonb_build_object('statistic', 'quantiles', 'approximate', true,
                                      'profile_item', format('p:%s', colname),
                                      'items', jsonb_build_object(format('p:%s', colname),
                                                                  format('vqc.profile_agg(%s)', qcol)));
        END IF;
        items := jsonb_build_object(format('o:%s', colname),
                                    format('vqc.exact_quantile_overflowed(vqc.exact_quantile_agg(%s))',
                                           vqc._quantile_arg(qcol, type_sql)),
                                    format('qn:%s', colname),
                                    format('vqc.exact_quantile_count(vqc.exact_quantile_agg(%s))',
                                           vqc._quantile_arg(qcol, type_sql)));
        FOR j IN 0 .. jsonb_array_length(qs) - 1 LOOP
            -- one collector for all quantiles: the planner computes identical aggregates once
            items := items || jsonb_build_object(format('q%s_%s', pidx, j),
                format('vqc.exact_quantile_disc(vqc.exact_quantile_agg(%s), '
                       '(%s OPERATOR(pg_catalog.->) ''quantile_ranges'' OPERATOR(pg_catalog.->) ''quantiles'' '
                       'OPERATOR(pg_catalog.->>) %s)::pg_catalog.float8)',
                       vqc._quantile_arg(qcol, type_sql), p, j));
        END LOOP;
        RETURN jsonb_build_object('statistic', 'quantiles', 'approximate', false,
                                  'overflow_item', format('o:%s', colname),
                                  'count_item', format('qn:%s', colname), 'items', items);

    WHEN 'expect_column_unique_value_count_to_be_between',
         'expect_column_proportion_of_unique_values_to_be_between' THEN
        PERFORM vqc._require_opclass(etype, type_sql, 'hash');
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
        PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
        RETURN jsonb_build_object(
            'statistic', CASE WHEN etype LIKE '%proportion%' THEN 'unique_proportion' ELSE 'unique_count' END,
            'items', jsonb_build_object(
                format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
                format('d:%s', colname), format('vqc.hash_set_distinct_hashes(vqc.hash_set_agg(%s))', qcol)),
            'nonnull', format('nn:%s', colname),
            'distinct_item', format('d:%s', colname),
            'compare_type', 'numeric',
            'min_value', lo, 'max_value', hi,
            'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
            'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false));

    WHEN 'expect_column_drift_to_be_less_than' THEN
        PERFORM vqc._baseline_profile(target, vqc._kw_text(etype, kwargs, 'baseline'), colname);
        IF vqc._kw(etype, kwargs, 'options', '{object}') ? 'threshold' AND kwargs ? 'threshold' THEN
            PERFORM vqc._bad_kwarg(etype, 'give threshold once, as an argument or in options');
        END IF;
        PERFORM vqc._kw(etype, kwargs, 'threshold', '{number}');
        PERFORM vqc._kw_text(etype, kwargs, 'method');
        RETURN jsonb_build_object(
            'statistic', 'drift',
            'profile_item', format('p:%s', colname),
            'items', jsonb_build_object(format('p:%s', colname), format('vqc.profile_agg(%s)', qcol)));

    WHEN 'expect_column_kl_divergence_to_be_less_than' THEN
        RETURN vqc._plan_kl(etype, kwargs, pidx, colname, type_sql, category);

    WHEN 'expect_column_most_common_value_to_be_in_set',
         'expect_column_distinct_values_to_be_in_set',
         'expect_column_distinct_values_to_contain_set',
         'expect_column_distinct_values_to_equal_set' THEN
        PERFORM vqc._check_value_set(etype, vqc._kw(etype, kwargs, 'value_set', '{array}'), type_sql);
        PERFORM vqc._require_opclass(etype, type_sql, 'btree');
        RETURN jsonb_build_object(
            'statistic', CASE WHEN etype LIKE '%most_common%' THEN 'mode' ELSE 'distinct_values' END,
            'ties_okay', vqc._kw_bool(etype, kwargs, 'ties_okay', false)) ||
            -- a type profiles do not take (citext, say) is answered by a second pass
            CASE WHEN vqc._profiles_type(type_sql::regtype) THEN jsonb_build_object(
                'profile_item', format('p:%s', colname),
                'items', jsonb_build_object(format('p:%s', colname), format('vqc.profile_agg(%s)', qcol)))
                 ELSE '{}' END;
    END CASE;
END
$$;

CREATE OR REPLACE FUNCTION vqc._distinct_values(target regclass, colname text, type_sql text, prof vqc.profile,
                                     OUT vals text[], OUT extra integer)
LANGUAGE plpgsql
AS $$
BEGIN
    extra := 0;
    IF prof IS NOT NULL AND vqc.is_exact(prof) AND vqc._profile_values_exact(prof, type_sql) THEN
        EXECUTE format('SELECT coalesce(pg_catalog.array_agg(v::pg_catalog.text ORDER BY v), ''{}'') '
                       'FROM (SELECT DISTINCT t.value::%s AS v FROM vqc.top_values($1, 2147483647) t) d',
                       type_sql)
            INTO vals USING prof;
    ELSE
        EXECUTE format('SELECT coalesce(pg_catalog.array_agg(v::pg_catalog.text ORDER BY v), ''{}'') '
                       'FROM (SELECT DISTINCT %1$s AS v FROM %2$s WHERE %1$s IS NOT NULL) d',
                       quote_ident(colname), target)
            INTO vals;
        extra := 1;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION vqc._modes(target regclass, colname text, type_sql text, prof vqc.profile,
                           OUT vals text[], OUT extra integer)
LANGUAGE plpgsql
AS $$
DECLARE
    top    record;
    rival  bigint;        -- the highest count any other value may truly have
BEGIN
    extra := 0;
    IF prof IS NOT NULL AND vqc._profile_values_exact(prof, type_sql) THEN
        SELECT t.value, t.count INTO top FROM vqc.top_values(prof, 64) t ORDER BY t.count DESC LIMIT 1;
        IF NOT FOUND THEN
            vals := '{}';
            RETURN;
        END IF;
        IF vqc.is_exact(prof) THEN
            EXECUTE format('SELECT pg_catalog.array_agg(t.value::%1$s::pg_catalog.text ORDER BY t.value::%1$s) '
                           'FROM vqc.top_values($1, 2147483647) t WHERE t.count OPERATOR(pg_catalog.=) $2',
                           type_sql)
                INTO vals USING prof, top.count;
            RETURN;
        END IF;
        -- Misra-Gries: a listed value's true count lies in [count, count +
        -- error_bound]; a value not listed has at most the largest error_bound.
        -- The top value is surely the only mode when its count beats them all.
        SELECT greatest(max(t.count + t.error_bound) FILTER (WHERE t.value IS DISTINCT FROM top.value),
                        max(t.error_bound))
          INTO rival
          FROM vqc.top_values(prof, 64) t;
        IF top.count > rival THEN
            EXECUTE format('SELECT ARRAY[$1::%s::pg_catalog.text]', type_sql) INTO vals USING top.value;
            RETURN;
        END IF;
    END IF;
    EXECUTE format('WITH c AS (SELECT %1$s AS v, pg_catalog.count(*) AS n FROM %2$s WHERE %1$s IS NOT NULL GROUP BY %1$s) '
                   'SELECT coalesce(pg_catalog.array_agg(v::pg_catalog.text ORDER BY v), ''{}'') FROM c '
                   'WHERE n OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(n) FROM c)',
                   quote_ident(colname), target)
        INTO vals;
    extra := 1;
END
$$;

CREATE OR REPLACE FUNCTION vqc._typed_json_array(vals text[], type_sql text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    out jsonb;
BEGIN
    EXECUTE format('SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(x) ORDER BY o), ''[]'') '
                   'FROM pg_catalog.unnest($1::%s[]) WITH ORDINALITY AS u(x, o)',
                   type_sql)
        INTO out USING vals;
    RETURN out;
END
$$;

CREATE OR REPLACE FUNCTION vqc._evaluate_statistic(target regclass, plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    etype    text := plan ->> 'type';
    kwargs   jsonb := plan -> 'kwargs';
    colname  text := plan ->> 'column';
    type_sql text := plan ->> 'type_sql';
    category "char";
    prof     vqc.profile;
    observed jsonb;
    details  jsonb := '{}';
    success  boolean;
    extra    integer := 0;
    qvals    float8[];
    qs       float8[];
    oks      boolean[];
    j        integer;
    distinct_count bigint;
    nonnull  bigint;
    setvals  text[];
    found    text[];
    res      record;
BEGIN
    SELECT typcategory INTO category FROM pg_type WHERE oid = type_sql::regtype;
    IF plan ? 'profile_item' THEN
        prof := (vals ->> (plan ->> 'profile_item'))::vqc.profile;
    END IF;

    CASE plan ->> 'statistic'
    WHEN 'quantiles' THEN
        qs := ARRAY(SELECT (x)::float8 FROM jsonb_array_elements_text(kwargs -> 'quantile_ranges' -> 'quantiles') x);
        IF (plan ->> 'approximate')::boolean THEN
            qvals := vqc.quantiles(prof, qs);
            details := jsonb_build_object('approximate', NOT vqc.is_exact(prof),
                                          'rank_error', vqc.profile_to_jsonb(prof) #> '{quantiles,rank_error}');
        ELSIF (vals ->> (plan ->> 'overflow_item'))::boolean THEN
            -- past vqc.exact_memory_limit: exact percentile_disc by passes
            SELECT x.vals, x.passes INTO qvals, extra
              FROM vqc._exact_quantiles_by_passes(target, vqc._quantile_arg(quote_ident(colname), plan ->> 'type_sql'), qs,
                                                  (vals ->> (plan ->> 'count_item'))::bigint, true) x;
        ELSE
            qvals := ARRAY(SELECT (vals ->> format('q%s_%s', plan ->> 'position', g))::float8
                             FROM generate_series(0, cardinality(qs) - 1) g ORDER BY g);
        END IF;
        oks := ARRAY(SELECT qvals[g] IS NOT NULL
                            AND (kwargs -> 'quantile_ranges' -> 'value_ranges' -> (g - 1) ->> 0 IS NULL
                                 OR qvals[g] >= (kwargs -> 'quantile_ranges' -> 'value_ranges' -> (g - 1) ->> 0)::float8)
                            AND (kwargs -> 'quantile_ranges' -> 'value_ranges' -> (g - 1) ->> 1 IS NULL
                                 OR qvals[g] <= (kwargs -> 'quantile_ranges' -> 'value_ranges' -> (g - 1) ->> 1)::float8)
                       FROM generate_series(1, cardinality(qs)) g ORDER BY g);
        success := coalesce(bool_and(x), false) FROM unnest(oks) x;
        observed := jsonb_build_object('quantiles', to_jsonb(qs), 'values', to_jsonb(qvals));
        details := details || jsonb_build_object('success_details', to_jsonb(oks));

    WHEN 'unique_count', 'unique_proportion' THEN
        nonnull := (vals ->> (plan ->> 'nonnull'))::bigint;
        distinct_count := (vals ->> (plan ->> 'distinct_item'))::bigint;
        IF distinct_count IS NULL THEN
            -- the hash screen outgrew vqc.exact_memory_limit: count exactly in a second pass
            EXECUTE format('SELECT pg_catalog.count(DISTINCT %s) FROM %s', quote_ident(colname), target) INTO distinct_count;
            extra := 1;
        END IF;
        observed := CASE WHEN plan ->> 'statistic' = 'unique_count' THEN to_jsonb(distinct_count)
                         WHEN nonnull > 0 THEN to_jsonb(distinct_count::float8 / nonnull) END;
        success := vqc._within_bounds(plan, observed #>> '{}');

    WHEN 'mode' THEN
        res := vqc._modes(target, colname, type_sql, prof);
        extra := res.extra;
        EXECUTE format('SELECT pg_catalog.count(*) FROM pg_catalog.unnest($1::%s[]) m WHERE %s', type_sql,
                       vqc._compare_sql(type_sql::regtype, 'm', '=', format('vqc._jsonb_text_array($2)::%s[]', type_sql), true))
            INTO j USING res.vals, kwargs -> 'value_set';
        success := CASE WHEN (plan ->> 'ties_okay')::boolean THEN j > 0
                        ELSE cardinality(res.vals) = 1 AND j = 1 END;
        observed := vqc._typed_json_array(res.vals, type_sql);

    WHEN 'drift' THEN
        details := vqc.drift(vqc._baseline_profile(target, kwargs ->> 'baseline', colname), prof,
                             coalesce(kwargs ->> 'method', 'auto'),
                             coalesce(kwargs -> 'options', '{}') ||
                             CASE WHEN kwargs ? 'threshold' THEN jsonb_build_object('threshold', kwargs -> 'threshold')
                                  ELSE '{}' END);
        success := NOT coalesce((details ->> 'drifted')::boolean, true);
        observed := details -> 'score';

    WHEN 'kl' THEN
        res := vqc._evaluate_kl(target, plan, vals);
        success := res.success;
        observed := res.observed;
        details := res.details;
        extra := res.extra;

    WHEN 'distinct_values' THEN
        res := vqc._distinct_values(target, colname, type_sql, prof);
        extra := res.extra;
        setvals := vqc._jsonb_text_array(kwargs -> 'value_set');
        -- compare as the column's type: values outside the set, set members not found
        EXECUTE format('SELECT ARRAY(SELECT d::pg_catalog.text FROM pg_catalog.unnest($1::%1$s[]) d WHERE (%2$s) IS NOT TRUE), '
                       '       ARRAY(SELECT s::pg_catalog.text FROM pg_catalog.unnest($2::%1$s[]) s '
                       '              WHERE s IS NOT NULL AND (%3$s) IS NOT TRUE)',
                       type_sql,
                       vqc._compare_sql(type_sql::regtype, 'd', '=', format('$2::%s[]', type_sql), true),
                       vqc._compare_sql(type_sql::regtype, 's', '=', format('$1::%s[]', type_sql), true))
            INTO found, setvals USING res.vals, setvals;
        success := CASE etype
            WHEN 'expect_column_distinct_values_to_be_in_set' THEN cardinality(found) = 0
            WHEN 'expect_column_distinct_values_to_contain_set' THEN cardinality(setvals) = 0
            ELSE cardinality(found) = 0 AND cardinality(setvals) = 0 END;
        observed := vqc._typed_json_array(res.vals, type_sql);
        IF NOT success THEN
            details := CASE etype
                WHEN 'expect_column_distinct_values_to_be_in_set' THEN
                    jsonb_build_object('unexpected_values', vqc._typed_json_array(found, type_sql))
                WHEN 'expect_column_distinct_values_to_contain_set' THEN
                    jsonb_build_object('missing_values', vqc._typed_json_array(setvals, type_sql))
                ELSE jsonb_build_object('unexpected_values', vqc._typed_json_array(found, type_sql),
                                        'missing_values', vqc._typed_json_array(setvals, type_sql)) END;
        END IF;
    END CASE;

    RETURN jsonb_build_object(
        'success', coalesce(success, false),
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       WHEN details = '{}' THEN jsonb_build_object('observed_value', observed)
                       ELSE jsonb_build_object('observed_value', observed, 'details', details) END,
        'extra_scans', extra);
END
$$;

CREATE OR REPLACE FUNCTION vqc._plan_kl(etype text, kwargs jsonb, pidx integer, colname text, type_sql text, category "char")
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    qcol   text := quote_ident(colname);
    p      text := format('($1 OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->) ''partition_object'')', pidx);
    po     jsonb := vqc._kw(etype, kwargs, 'partition_object', '{object}');
    w      jsonb := po -> 'weights';
    items  jsonb := jsonb_build_object(format('nn:%s', colname), format('pg_catalog.count(%s)', qcol));
    bin_sql text := format('(%s OPERATOR(pg_catalog.->) ''bins'' OPERATOR(pg_catalog.->>) %%s)::pg_catalog.float8', p);
    x_sql  text := format('%s::pg_catalog.float8', qcol);
    k      integer;
    i      integer;
    h_in   numeric := coalesce((vqc._kw(etype, kwargs, 'internal_weight_holdout', '{number}'))::numeric, 0);
    h_tail numeric := coalesce((vqc._kw(etype, kwargs, 'tail_weight_holdout', '{number}'))::numeric, 0);
BEGIN
    PERFORM vqc._kw(etype, kwargs, 'threshold', '{number}');
    PERFORM vqc._kw_bool(etype, kwargs, 'bucketize_data', true);
    IF h_in < 0 OR h_in >= 1 OR h_tail < 0 OR h_tail >= 1 THEN
        PERFORM vqc._bad_kwarg(etype, 'holdouts must be in [0, 1)');
    END IF;
    IF jsonb_typeof(w) IS DISTINCT FROM 'array' OR jsonb_array_length(w) = 0
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(w) x WHERE jsonb_typeof(x) <> 'number' OR x::numeric < 0)
       OR abs((SELECT sum(x::numeric) FROM jsonb_array_elements(w) x) - 1) > 1e-6 THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object needs "weights": non-negative numbers summing to 1');
    END IF;
    k := jsonb_array_length(w);
    IF po ? 'bins' THEN
        IF category <> 'N' THEN
            RAISE EXCEPTION '% with bins needs a numeric column; column "%" is of type %', etype, colname, type_sql
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        IF jsonb_typeof(po -> 'bins') <> 'array' OR jsonb_array_length(po -> 'bins') <> k + 1
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(po -> 'bins') x WHERE jsonb_typeof(x) <> 'number')
           OR EXISTS (SELECT 1 FROM generate_series(1, k) g WHERE (po -> 'bins' ->> g)::numeric <= (po -> 'bins' ->> (g - 1))::numeric) THEN
            PERFORM vqc._bad_kwarg(etype, 'partition_object "bins" must be k + 1 increasing numbers for k weights');
        END IF;
        FOR i IN 0 .. k - 1 LOOP
            items := items || jsonb_build_object(format('kl%s_%s', pidx, i),
                format('pg_catalog.count(*) FILTER (WHERE %1$s OPERATOR(pg_catalog.>=) %2$s AND %1$s OPERATOR(pg_catalog.%3$s) %4$s)',
                       x_sql, format(bin_sql, i), CASE WHEN i = k - 1 THEN '<=' ELSE '<' END, format(bin_sql, i + 1)));
        END LOOP;
        items := items || jsonb_build_object(
            format('kl%s_below', pidx), format('pg_catalog.count(*) FILTER (WHERE %s OPERATOR(pg_catalog.<) %s)', x_sql, format(bin_sql, 0)),
            format('kl%s_above', pidx), format('pg_catalog.count(*) FILTER (WHERE %s OPERATOR(pg_catalog.>) %s)', x_sql, format(bin_sql, k)));
    ELSIF po ? 'values' THEN
        IF jsonb_typeof(po -> 'values') <> 'array' OR jsonb_array_length(po -> 'values') <> k THEN
            PERFORM vqc._bad_kwarg(etype, 'partition_object "values" must have one weight each');
        END IF;
        PERFORM vqc._check_value_set(etype, po -> 'values', type_sql);
        FOR i IN 0 .. k - 1 LOOP
            items := items || jsonb_build_object(format('kl%s_%s', pidx, i),
                format('pg_catalog.count(*) FILTER (WHERE %s)',
                       vqc._compare_sql(type_sql::regtype, qcol, '=',
                                        format('(%s OPERATOR(pg_catalog.->) ''values'' OPERATOR(pg_catalog.->>) %s)::%s',
                                               p, i, type_sql))));
        END LOOP;
    ELSE
        PERFORM vqc._bad_kwarg(etype, 'partition_object needs "bins" or "values"');
    END IF;
    RETURN jsonb_build_object('statistic', 'kl', 'nonnull', format('nn:%s', colname),
                              'partition_kind', CASE WHEN po ? 'bins' THEN 'bins' ELSE 'values' END,
                              'items', items);
END
$$;

CREATE OR REPLACE FUNCTION vqc._evaluate_kl(target regclass, plan jsonb, vals jsonb,
                                 OUT success boolean, OUT observed jsonb, OUT details jsonb, OUT extra integer)
LANGUAGE plpgsql
AS $$
DECLARE
    kwargs  jsonb := plan -> 'kwargs';
    po      jsonb := kwargs -> 'partition_object';
    pidx    text := plan ->> 'position';
    n       float8 := (vals ->> (plan ->> 'nonnull'))::float8;
    k       integer := jsonb_array_length(po -> 'weights');
    h_in    float8 := coalesce((kwargs ->> 'internal_weight_holdout')::float8, 0);
    h_tail  float8 := coalesce((kwargs ->> 'tail_weight_holdout')::float8, 0);
    obs     float8[] := '{}';
    expct   float8[] := '{}';
    zeros   integer;
    inside  float8 := 0;
    others  float8[];
    kl      float8 := 0;
    i       integer;
    threshold float8 := (kwargs ->> 'threshold')::float8;
BEGIN
    extra := 0;
    FOR i IN 0 .. k - 1 LOOP
        obs := obs || (vals ->> format('kl%s_%s', pidx, i))::float8;
        expct := expct || (po -> 'weights' ->> i)::float8;
        inside := inside + (vals ->> format('kl%s_%s', pidx, i))::float8;
    END LOOP;
    IF plan ->> 'partition_kind' = 'bins' THEN
        IF h_in > 0 THEN
            zeros := (SELECT count(*) FROM unnest(expct) e WHERE e = 0);
            IF zeros > 0 THEN
                expct := ARRAY(SELECT CASE WHEN e = 0 THEN h_in / zeros ELSE e * (1 - h_in) END FROM unnest(expct) WITH ORDINALITY u(e, o) ORDER BY o);
            END IF;
        END IF;
        IF h_tail > 0 THEN
            expct := ARRAY[h_tail / 2] || ARRAY(SELECT e * (1 - h_tail) FROM unnest(expct) WITH ORDINALITY u(e, o) ORDER BY o) || ARRAY[h_tail / 2];
            obs := ARRAY[(vals ->> format('kl%s_below', pidx))::float8] || obs || ARRAY[(vals ->> format('kl%s_above', pidx))::float8];
        ELSE
            -- mass outside the bins has no expected weight
            obs := obs || ((vals ->> format('kl%s_below', pidx))::float8 + (vals ->> format('kl%s_above', pidx))::float8);
            expct := expct || 0::float8;
        END IF;
    ELSE
        IF n - inside > 0 THEN
            IF h_in > 0 THEN
                -- the unexpected values, exactly, and the holdout spread over them
                EXECUTE format('SELECT pg_catalog.array_agg(c::pg_catalog.float8) FROM (SELECT pg_catalog.count(*) AS c '
                               'FROM %1$s WHERE %2$s IS NOT NULL AND NOT %3$s GROUP BY %2$s) g',
                               target, quote_ident(plan ->> 'column'),
                               vqc._compare_sql((plan ->> 'type_sql')::regtype, quote_ident(plan ->> 'column'), '=',
                                                format('vqc._jsonb_text_array($1)::%s[]', plan ->> 'type_sql'), true))
                    INTO others USING po -> 'values';
                extra := 1;
                expct := ARRAY(SELECT e * (1 - h_in) FROM unnest(expct) WITH ORDINALITY u(e, o) ORDER BY o)
                         || array_fill(h_in / cardinality(others), ARRAY[cardinality(others)]);
                obs := obs || others;
            ELSE
                obs := obs || (n - inside);
                expct := expct || 0::float8;
            END IF;
        END IF;
    END IF;

    IF n = 0 THEN
        kl := NULL;
    ELSE
        FOR i IN 1 .. cardinality(obs) LOOP
            CONTINUE WHEN obs[i] = 0;
            IF expct[i] = 0 THEN
                kl := 'Infinity';
                EXIT;
            END IF;
            kl := kl + (obs[i] / n) * ln((obs[i] / n) / expct[i]);
        END LOOP;
    END IF;
    observed := CASE WHEN kl IS NULL OR kl = 'Infinity' THEN 'null'::jsonb ELSE to_jsonb(kl) END;
    success := kl IS NOT NULL AND kl <> 'Infinity' AND (threshold IS NULL OR kl <= threshold);
    details := jsonb_build_object('observed_partition', jsonb_build_object('weights',
                   to_jsonb(ARRAY(SELECT CASE WHEN n > 0 THEN x / n END FROM unnest(obs) WITH ORDINALITY u(x, o) ORDER BY o))),
                                  'expected_partition', jsonb_build_object('weights', to_jsonb(expct)),
                                  'infinite', kl = 'Infinity');
END
$$;

CREATE OR REPLACE FUNCTION vqc._unique_columns(target regclass, columns text[])
RETURNS text[]
LANGUAGE plpgsql
AS $$
DECLARE
    screened text[];
    repeats  text[];
    words    bigint[];
    out      text[];
    col      text;
    distinct_values boolean;
BEGIN
    SELECT coalesce(array_agg(c ORDER BY o) FILTER (WHERE vqc._has_unique_index(target, c)), '{}'),
           array_agg(c ORDER BY o) FILTER (WHERE NOT vqc._has_unique_index(target, c))
      INTO out, screened
      FROM unnest(columns) WITH ORDINALITY AS x(c, o);
    IF screened IS NULL THEN
        RETURN out;
    END IF;
    EXECUTE format('SELECT ARRAY[%s]::pg_catalog.text[] FROM %s',
                   (SELECT string_agg(format('vqc.hash_set_duplicates(vqc.hash_set_agg(%I), 100000)::pg_catalog.text', c),
                                      ', ' ORDER BY o)
                      FROM unnest(screened) WITH ORDINALITY AS x(c, o)),
                   target)
        INTO repeats;
    FOR i IN 1 .. cardinality(screened) LOOP
        col := screened[i];
        words := repeats[i]::bigint[];
        IF words = '{}' THEN
            distinct_values := true;
        ELSIF words IS NOT NULL AND (SELECT vqc._base_type(a.atttypid::regtype)
                                       FROM pg_attribute a WHERE a.attrelid = target AND a.attname = col)
                                    IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
            distinct_values := false;
        ELSIF words IS NOT NULL THEN
            EXECUTE format('SELECT NOT EXISTS (SELECT FROM %2$s WHERE vqc.hash_value(%1$I) OPERATOR(pg_catalog.=) ANY ($1) '
                           'GROUP BY %1$I HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)', col, target)
                INTO distinct_values
                USING ARRAY(SELECT words[j][1] FROM generate_subscripts(words, 1) AS j);
        ELSE
            EXECUTE format('SELECT NOT EXISTS (SELECT FROM %2$s WHERE %1$I IS NOT NULL '
                           'GROUP BY %1$I HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)', col, target)
                INTO distinct_values;
        END IF;
        IF distinct_values THEN
            out := out || col;
        END IF;
    END LOOP;
    RETURN out;
END
$$;

-- pinned as src/sql/search_path.sql pins every function at install
ALTER FUNCTION vqc._check_bounds(text,jsonb,jsonb,text) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._compare_sql(regtype,text,text,text,boolean) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._default_opclass(regtype,text) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._distinct_values(regclass,text,text,vqc.profile) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._evaluate(regclass,jsonb,jsonb,jsonb) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._evaluate_kl(regclass,jsonb,jsonb) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._evaluate_statistic(regclass,jsonb,jsonb,jsonb) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._exact_ranks(regclass,text,bigint[]) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._minmax_sql(regtype,text,text) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._modes(regclass,text,text,vqc.profile) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._observed_json(jsonb,text) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._plan(regclass,text,jsonb,integer,text[],integer) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._plan_all(regclass,jsonb,text[],integer,jsonb,boolean,text[]) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._plan_kl(text,jsonb,integer,text,text,"char") SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._plan_statistic(regclass,text,jsonb,integer,text,text,"char") SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._quantile_arg(text,text) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._require_opclass(text,text,text) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._row_key_sql(regclass,text[]) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._scan_sql(regclass,jsonb,text[]) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._type_operator(regtype,text) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._typed_json_array(text[],text) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._unique_columns(regclass,text[]) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION vqc._within_bounds(jsonb,text) SET search_path = pg_catalog, pg_temp;
