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
