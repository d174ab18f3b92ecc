-- ge_result.sql: the parts of Great Expectations' result that vqc builds
-- after evaluation: unexpected_index_query (a query selecting the failing
-- rows, to paste into psql) and unexpected_index_column_names.

-- The SQL of a planned expectation with its kwargs written in as a literal:
-- each "$1 OPERATOR(pg_catalog.->) N" outside quoted identifiers and
-- literals (the scan's parameter, see vqc._plan) becomes
-- '<kwargs>'::pg_catalog.jsonb.  Quoted text is copied unchanged, so a
-- column named like the parameter stays a name.
CREATE FUNCTION vqc._inline_kwargs(sql text, pidx integer, kwargs jsonb)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    param  text := format('$1 OPERATOR(pg_catalog.->) %s', pidx);
    lit    text := format('%L::pg_catalog.jsonb', kwargs::text);
    out    text := '';
    n      integer := length(sql);
    i      integer := 1;
    j      integer;
    ch     text;
    escape boolean;
BEGIN
    WHILE i <= n LOOP
        ch := substr(sql, i, 1);
        IF ch IN ('"', '''') THEN
            -- E'...' (quote_literal with backslashes) takes backslash escapes
            escape := ch = '''' AND i > 1 AND upper(substr(sql, i - 1, 1)) = 'E'
                      AND (i = 2 OR substr(sql, i - 2, 1) !~ '[[:alnum:]_$"]');
            j := i + 1;
            LOOP
                EXIT WHEN j > n;
                IF escape AND substr(sql, j, 1) = '\' THEN
                    j := j + 2;
                ELSIF substr(sql, j, 1) = ch THEN
                    EXIT WHEN substr(sql, j + 1, 1) IS DISTINCT FROM ch OR j = n;
                    j := j + 2;
                ELSE
                    j := j + 1;
                END IF;
            END LOOP;
            out := out || substr(sql, i, j - i + 1);
            i := j + 1;
        ELSIF ch = '$' AND substr(sql, i, length(param)) = param
              AND substr(sql, i + length(param), 1) !~ '[0-9]' THEN
            out := out || lit;
            i := i + length(param);
        ELSE
            out := out || ch;
            i := i + 1;
        END IF;
    END LOOP;
    RETURN out;
END
$$;

-- A query that selects the rows a map expectation found unexpected: the
-- index (row key) columns, then the checked column (or the plan's
-- "columns", for checks of several columns of a row); NULL when the plan
-- has no row predicate ("fails_sql") to show.
CREATE FUNCTION vqc._unexpected_index_query(target regclass, plan jsonb)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    tbl   text := (SELECT format('%I.%I', n.nspname, c.relname)
                     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.oid = target);
    cols  text;
    qcol  text := quote_ident(plan ->> 'column');
    cond  text := plan ->> 'row_condition_sql';
    fails text;
    eq    record;
BEGIN
    SELECT string_agg(quote_ident(k), ', ' ORDER BY part, o) INTO cols
      FROM (SELECT k, o, 1 AS part
              FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(plan -> 'key_columns') = 'array'
                                                  THEN plan -> 'key_columns' ELSE '[]' END) WITH ORDINALITY AS x(k, o)
            UNION ALL
            SELECT k, o, 2
              FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(plan -> 'columns') = 'array' THEN plan -> 'columns'
                                                  ELSE jsonb_build_array(plan -> 'column') END) WITH ORDINALITY AS y(k, o)) c
     WHERE part = 2 OR NOT k IN (SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(plan -> 'columns') = 'array'
                                                                       THEN plan -> 'columns'
                                                                       ELSE jsonb_build_array(plan -> 'column') END));
    IF plan ? 'fails_sql' THEN
        fails := vqc._inline_kwargs(plan ->> 'fails_sql', (plan ->> 'position')::integer, plan -> 'kwargs');
    ELSIF plan ? 'hash_item' OR plan ? 'unique_by_index' THEN
        eq := vqc._type_operator((plan ->> 'type_sql')::regtype, '=');
        fails := format('(%1$s)%2$s %3$s ANY (SELECT (%1$s)%2$s FROM %4$s WHERE %1$s IS NOT NULL%5$s '
                        'GROUP BY %1$s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)',
                        qcol, eq.operand_cast, eq.operator_sql, tbl,
                        CASE WHEN cond IS NOT NULL THEN format(' AND (%s)', cond) ELSE '' END);
        IF cond IS NOT NULL THEN
            fails := format('(%s) AND %s', cond, fails);
        END IF;
    ELSE
        RETURN NULL;
    END IF;
    RETURN format(E'SELECT %s\nFROM %s\nWHERE %s;', cols, tbl, fails);
END
$$;

-- GE's extra keys of a map result: unexpected_index_column_names when the
-- result_format names them (BASIC and up), unexpected_index_query
-- (COMPLETE, unless return_unexpected_index_query is false); and without
-- the failing values when exclude_unexpected_values is true (the index
-- lists then become GE's one object of key lists, {"id": [3, 7]}).
CREATE FUNCTION vqc._ge_map_extras(target regclass, plan jsonb, rf jsonb, res jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    q text;
    k text;
BEGIN
    IF rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN
        RETURN res;
    END IF;
    IF (rf ->> 'exclude_unexpected_values')::boolean THEN
        res := jsonb_set(res, '{result}', (res -> 'result') - '{partial_unexpected_list,unexpected_list,partial_unexpected_counts}'::text[]);
        FOREACH k IN ARRAY ARRAY['partial_unexpected_index_list', 'unexpected_index_list'] LOOP
            CONTINUE WHEN jsonb_typeof(res -> 'result' -> k) IS DISTINCT FROM 'array'
                          OR jsonb_array_length(res -> 'result' -> k) = 0;
            res := jsonb_set(res, ARRAY['result', k], jsonb_build_array(
                (SELECT jsonb_object_agg(key, vals)
                   FROM (SELECT x.key, jsonb_agg(x.value ORDER BY o) AS vals
                           FROM jsonb_array_elements(res -> 'result' -> k) WITH ORDINALITY AS e(entry, o),
                                jsonb_each(e.entry) AS x
                          WHERE x.key IS DISTINCT FROM plan ->> 'column'
                          GROUP BY x.key) g)));
        END LOOP;
    END IF;
    IF jsonb_typeof(rf -> 'unexpected_index_column_names') = 'array' THEN
        res := jsonb_set(res, '{result,unexpected_index_column_names}', rf -> 'unexpected_index_column_names');
    END IF;
    IF rf ->> 'result_format' = 'COMPLETE' AND coalesce((rf ->> 'return_unexpected_index_query')::boolean, true) THEN
        q := vqc._unexpected_index_query(target, plan);
        IF q IS NOT NULL THEN
            res := jsonb_set(res, '{result,unexpected_index_query}', to_jsonb(q));
        END IF;
    END IF;
    RETURN res;
END
$$;

-- Has the column no non-null value?  (Read as the caller; stops at the
-- first value.)
CREATE FUNCTION vqc._column_is_empty(target regclass, colname text)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    empty boolean;
BEGIN
    EXECUTE format('SELECT NOT EXISTS (SELECT FROM %s WHERE %I IS NOT NULL)', target, colname) INTO empty;
    RETURN empty;
END
$$;
