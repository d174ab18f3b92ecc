-- engine.sql: turns one expectation into the SQL it needs.
--
-- vqc._plan() validates an expectation's kwargs against the table and returns
-- a plan (jsonb): the aggregate expressions ("items") its answer is made of,
-- named so that expectations sharing an item (count(*), count(col)) share it
-- in the suite's single SELECT.  Values from kwargs never enter the SQL text:
-- the expressions read them from the parameter $1 (a jsonb array holding every
-- expectation's kwargs), which the planner folds to constants once per query.

-- ---------------------------------------------------------------------------
-- kwargs helpers

CREATE FUNCTION vqc._bad_kwarg(etype text, message text, hint text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    RAISE EXCEPTION '%', message
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = format('Expectation: %s.', etype),
              HINT = coalesce(hint, 'See vqc.expectation_catalog for the arguments each expectation takes.');
END
$$;

-- The catalog entry of an expectation type, after checking kwargs' keys.
CREATE FUNCTION vqc._check_kwargs(etype text, kwargs jsonb)
RETURNS vqc.expectation_catalog
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    entry vqc.expectation_catalog;
    key   text;
BEGIN
    SELECT * INTO entry FROM vqc.expectation_catalog c WHERE c.expectation_type = etype;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown expectation type "%"', etype
            USING ERRCODE = 'undefined_object',
                  HINT = 'SELECT expectation_type FROM vqc.expectation_catalog lists the known types.';
    END IF;
    IF kwargs IS NULL OR jsonb_typeof(kwargs) <> 'object' THEN
        PERFORM vqc._bad_kwarg(etype, 'expectation kwargs must be a JSON object');
    END IF;
    FOR key IN SELECT jsonb_object_keys(kwargs) LOOP
        IF NOT (key = ANY (entry.required_kwargs || entry.optional_kwargs || vqc._common_kwargs())) THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown argument "%s"', key));
        END IF;
    END LOOP;
    FOREACH key IN ARRAY entry.required_kwargs LOOP
        IF NOT kwargs ? key OR jsonb_typeof(kwargs -> key) = 'null' THEN
            PERFORM vqc._bad_kwarg(etype, format('missing argument "%s"', key));
        END IF;
    END LOOP;
    RETURN entry;
END
$$;

-- kwargs -> key when it is present and of one of the JSON types allowed, else an error.
CREATE FUNCTION vqc._kw(etype text, kwargs jsonb, key text, allowed text[])
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v jsonb := kwargs -> key;
BEGIN
    IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
        RETURN NULL;
    END IF;
    IF NOT jsonb_typeof(v) = ANY (allowed) THEN
        PERFORM vqc._bad_kwarg(etype, format('argument "%s" must be of JSON type %s, not %s',
                                             key, array_to_string(allowed, ' or '), jsonb_typeof(v)));
    END IF;
    RETURN v;
END
$$;

CREATE FUNCTION vqc._kw_bool(etype text, kwargs jsonb, key text, default_value boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT coalesce((vqc._kw(etype, kwargs, key, '{boolean}'))::boolean, default_value) $$;

CREATE FUNCTION vqc._kw_text(etype text, kwargs jsonb, key text)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT vqc._kw(etype, kwargs, key, '{string}') #>> '{}' $$;

-- An integer argument (a JSON number with no fraction that fits an integer).
CREATE FUNCTION vqc._kw_int(etype text, kwargs jsonb, key text)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v numeric := (vqc._kw(etype, kwargs, key, '{number}'))::numeric;
BEGIN
    IF v IS NOT NULL AND (v <> trunc(v) OR v NOT BETWEEN -2147483648 AND 2147483647) THEN
        PERFORM vqc._bad_kwarg(etype, format('argument "%s" must be an integer', key));
    END IF;
    RETURN v::integer;
END
$$;

-- mostly: a fraction in [0, 1], default 1
CREATE FUNCTION vqc._kw_mostly(etype text, kwargs jsonb)
RETURNS numeric
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    m numeric := (vqc._kw(etype, kwargs, 'mostly', '{number}'))::numeric;
BEGIN
    IF m IS NULL THEN
        RETURN 1;
    END IF;
    IF m < 0 OR m > 1 THEN
        PERFORM vqc._bad_kwarg(etype, 'argument "mostly" must be between 0 and 1');
    END IF;
    RETURN m;
END
$$;

-- min_value and max_value, of the JSON types allowed.  Both null is
-- vacuously true for aggregates, statistics and counts, but an error for the
-- map expectations of values and lengths between bounds, as in GE, and for
-- the history checks that compare with bounds (history.sql).
CREATE FUNCTION vqc._kw_bounds(etype text, kwargs jsonb, allowed text[], OUT lo jsonb, OUT hi jsonb)
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    lo := vqc._kw(etype, kwargs, 'min_value', allowed);
    hi := vqc._kw(etype, kwargs, 'max_value', allowed);
    IF lo IS NULL AND hi IS NULL
       AND etype IN ('expect_column_values_to_be_between', 'expect_column_value_lengths_to_be_between',
                     'expect_metric_change_to_be_between', 'expect_metric_to_not_be_anomalous') THEN
        PERFORM vqc._bad_kwarg(etype, 'min_value and max_value cannot both be null');
    END IF;
END
$$;

-- A JSON array of scalars as text[] (JSON null stays NULL); immutable so that
-- the planner folds it to a constant.
CREATE FUNCTION vqc._jsonb_text_array(value jsonb)
RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT ARRAY(SELECT e FROM jsonb_array_elements_text(value) WITH ORDINALITY AS x(e, i) ORDER BY i) $$;

-- ---------------------------------------------------------------------------
-- table and column helpers

-- A column of target: its name, type (as SQL) and type category, or an error.
CREATE FUNCTION vqc._column(target regclass, column_name text,
                            OUT attname name, OUT type_sql text, OUT category "char")
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    SELECT a.attname, format_type(a.atttypid, NULL), t.typcategory
      INTO attname, type_sql, category
      FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     WHERE a.attrelid = target AND a.attname = column_name
       AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'column "%" of relation % does not exist', column_name, target
            USING ERRCODE = 'undefined_column';
    END IF;
END
$$;

-- The table's columns in order.
CREATE FUNCTION vqc._table_columns(target regclass)
RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(array_agg(attname::text ORDER BY attnum), '{}')
      FROM pg_attribute
     WHERE attrelid = target AND attnum > 0 AND NOT attisdropped
$$;

-- The primary key's columns, or NULL.
CREATE FUNCTION vqc._primary_key(target regclass)
RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT array_agg(a.attname::text ORDER BY k.ord)
      FROM pg_index i
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = target AND i.indisprimary
$$;

-- A domain's base type; any other type itself.
CREATE FUNCTION vqc._base_type(typid regtype)
RETURNS regtype
LANGUAGE sql STABLE
AS $$
    SELECT coalesce((SELECT t.typbasetype::regtype FROM pg_type t WHERE t.oid = typid AND t.typtype = 'd'), typid)
$$;

-- The argument of vqc.exact_quantile_agg for a numeric-category column:
-- numeric columns go to its numeric form (no slow cast), others to float8.
-- A column already of that type is left bare, so that its collector or
-- sketch is the same call, one state of the scan, as other checks' and
-- the suite's profile of the column (see vqc._scan_item_split).
CREATE FUNCTION vqc._quantile_arg(qcol text, type_sql text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format(CASE WHEN type_sql::regtype IN ('pg_catalog.numeric'::regtype, 'pg_catalog.float8'::regtype) THEN '%s'
                       WHEN vqc._base_type(type_sql::regtype) = 'numeric'::regtype THEN '%s::pg_catalog.numeric'
                       ELSE '%s::pg_catalog.float8' END, qcol)
$$;

-- The tally of a map check's failing rows in the scan: value_sql and key_sql
-- (text) are built only for the rows the tally keeps (vqc._sample_slot),
-- the others are only counted.  The FILTER stays last: the row_condition
-- rewrite appends its condition there.
CREATE FUNCTION vqc._tally_sql(value_sql text, key_sql text, sample_cap integer, fails text)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format('vqc.tally(CASE WHEN vqc._sample_slot(%3$s) THEN %1$s END, CASE WHEN vqc._sample_slot(%3$s) THEN %2$s END, %3$s) '
                  'FILTER (WHERE %4$s)', value_sql, key_sql, sample_cap, fails)
$$;

-- SQL for a failing row's key as jsonb text: the key columns; without a key,
-- the ctid (with the partition for a partitioned table, with the shard for a
-- Citus distributed table, whose shards repeat ctids), or nothing for a view
-- or foreign table, which have no ctid.
CREATE FUNCTION vqc._row_key_sql(target regclass, key_columns text[])
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    parts text[] := '{}';
    c     text;
    kind  "char" := (SELECT relkind FROM pg_class WHERE oid = target);
BEGIN
    IF (key_columns IS NULL OR cardinality(key_columns) = 0) AND vqc._citus_distributed(target) THEN
        -- tableoid is read on the worker: the shard's table, named once in the cluster
        RETURN 'pg_catalog.jsonb_build_object(''shard'', tableoid::pg_catalog.regclass::pg_catalog.text, '
               '''ctid'', ctid::pg_catalog.text)::pg_catalog.text';
    END IF;
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

-- Raises unless text_value casts to type_sql.
CREATE FUNCTION vqc._check_castable(etype text, what text, text_value text, type_sql text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('SELECT $1::%s', type_sql) USING text_value;
EXCEPTION
    WHEN data_exception THEN
        PERFORM vqc._bad_kwarg(etype, format('%s is not a valid value of type %s', what, type_sql));
END
$$;

-- value_set of an expectation: scalars that all cast to the column's type,
-- which must be a scalar type itself (the set is compared with =).
CREATE FUNCTION vqc._check_value_set(etype text, v jsonb, type_sql text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF (SELECT typcategory FROM pg_type WHERE oid = type_sql::regtype) = 'A' THEN
        RAISE EXCEPTION '% needs a column of a scalar type, not %', etype, type_sql
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(v) e WHERE jsonb_typeof(e) IN ('array', 'object')) THEN
        PERFORM vqc._bad_kwarg(etype, 'value_set must hold scalar values');
    END IF;
    BEGIN
        EXECUTE format('SELECT vqc._jsonb_text_array($1)::%s[]', type_sql) USING v;
    EXCEPTION WHEN data_exception THEN
        PERFORM vqc._bad_kwarg(etype, format('value_set holds a value that is not a valid %s', type_sql));
    END;
END
$$;

-- ---------------------------------------------------------------------------
-- result_format

-- GE's result_format (a level name or its dict form) normalized to
-- {"result_format", "partial_unexpected_count", "unexpected_index_column_names",
--  "include_unexpected_rows"}.
CREATE FUNCTION vqc._result_format(spec jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    level text;
    n     jsonb;
    cols  jsonb;
    key   text;
BEGIN
    IF spec IS NULL OR jsonb_typeof(spec) = 'null' THEN
        spec := '"BASIC"';
    END IF;
    IF jsonb_typeof(spec) = 'string' THEN
        spec := jsonb_build_object('result_format', spec);
    ELSIF jsonb_typeof(spec) <> 'object' THEN
        RAISE EXCEPTION 'result_format must be a level name or an object'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR key IN SELECT jsonb_object_keys(spec) LOOP
        IF key NOT IN ('result_format', 'partial_unexpected_count', 'unexpected_index_column_names',
                       'include_unexpected_rows', 'return_unexpected_index_query',
                       'exclude_unexpected_values') THEN
            RAISE EXCEPTION 'unknown result_format option "%"', key
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    level := upper(coalesce(spec ->> 'result_format', 'BASIC'));
    IF level NOT IN ('BOOLEAN_ONLY', 'BASIC', 'SUMMARY', 'COMPLETE') THEN
        RAISE EXCEPTION 'unknown result_format "%"', spec ->> 'result_format'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use BOOLEAN_ONLY, BASIC, SUMMARY or COMPLETE.';
    END IF;
    n := coalesce(spec -> 'partial_unexpected_count', '20');
    IF jsonb_typeof(n) <> 'number' OR n::numeric < 0 OR n::numeric <> trunc(n::numeric) THEN
        RAISE EXCEPTION 'partial_unexpected_count must be a non-negative integer'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    cols := spec -> 'unexpected_index_column_names';
    IF cols IS NOT NULL AND jsonb_typeof(cols) <> 'null'
       AND (jsonb_typeof(cols) <> 'array'
            OR EXISTS (SELECT 1 FROM jsonb_array_elements(cols) e WHERE jsonb_typeof(e) <> 'string')) THEN
        RAISE EXCEPTION 'unexpected_index_column_names must be an array of column names'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN jsonb_build_object(
        'result_format', level,
        'partial_unexpected_count', least(n::numeric, 1000000)::int,
        'unexpected_index_column_names', CASE WHEN jsonb_typeof(cols) = 'array' THEN cols END,
        'include_unexpected_rows', coalesce((spec ->> 'include_unexpected_rows')::boolean, false),
        'return_unexpected_index_query', coalesce((spec ->> 'return_unexpected_index_query')::boolean, true),
        'exclude_unexpected_values', coalesce((spec ->> 'exclude_unexpected_values')::boolean, false));
END
$$;

-- ---------------------------------------------------------------------------
-- the planner

-- Plan of one expectation at position pidx (its kwargs are $1->pidx).
--   kind, type, kwargs, column, type_sql
--   items:        {name: aggregate SQL}      what the scan must compute
--   map:          tally (item name), nonnull (item name or null), mostly, unique
--   aggregate:    statistic, value_item, compare_type
--   table/schema: see vqc._evaluate
CREATE FUNCTION vqc._plan(target regclass, etype text, kwargs jsonb, pidx integer,
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
$$;

CREATE FUNCTION vqc._require_text(etype text, colname text, category "char", type_sql text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF category <> 'S' THEN
        RAISE EXCEPTION '% needs a text column; column "%" is of type %', etype, colname, type_sql
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'Cast the column in a view, or choose an expectation for its type.';
    END IF;
END
$$;

-- The SQL that a value is as expected by a list of pattern matches (regex
-- or LIKE lists): any of them (match_on "any", the default) or all, or for
-- the not_match types none.
CREATE FUNCTION vqc._pattern_list_sql(etype text, kwargs jsonb, conds text[])
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    match_on text := coalesce(vqc._kw_text(etype, kwargs, 'match_on'), 'any');
BEGIN
    IF match_on NOT IN ('any', 'all') THEN
        PERFORM vqc._bad_kwarg(etype, 'match_on must be "any" or "all"');
    END IF;
    IF etype LIKE '%not_match%' THEN
        RETURN format('NOT (%s)', array_to_string(conds, ' OR '));
    END IF;
    RETURN format('(%s)', array_to_string(conds, CASE match_on WHEN 'any' THEN ' OR ' ELSE ' AND ' END));
END
$$;

-- The column's type must have a default operator class of access method am
-- (btree: an ordering; hash: equality and hashing), as vqc._type_operator
-- finds it.
CREATE FUNCTION vqc._require_opclass(etype text, type_sql text, am text)
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

-- Does a valid, immediate, non-partial unique index on exactly this column
-- guarantee its values are unique?
CREATE FUNCTION vqc._has_unique_index(target regclass, colname text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (
        SELECT 1
          FROM pg_index i
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
         WHERE i.indrelid = target AND i.indisunique AND i.indisvalid AND i.indimmediate
           AND i.indnkeyatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL
           AND a.attname = colname)
$$;

-- Bounds must cast to the compared type, and min_value <= max_value.
CREATE FUNCTION vqc._check_bounds(etype text, lo jsonb, hi jsonb, type_sql text)
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
