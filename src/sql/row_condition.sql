-- row_condition.sql: Great Expectations' row_condition (condition_parser
-- "great_expectations"), parsed by vqc into SQL it writes itself.
--
-- A suite is written by one role and run by another (or by pg_cron as its
-- owner), so the condition is never SQL: it is GE's small language,
--   col("age") > 18 & (col("country") == "CN" | ~col("email").notnull())
--   col("day") >= date("2024-01-01")
-- tokenized and parsed here (precedence ~ over & over |, parentheses), with
-- every column checked against the table (quoted with quote_ident), every
-- value a quoted literal cast to its column's type, and every comparison the
-- operator of the column type's default btree class (vqc._compare_sql).
-- Nothing of the text reaches the SQL but through those three doors.

-- Tokens of a condition: kinds (( ) & | ~ . op num str id) and texts.
CREATE FUNCTION vqc._row_condition_tokens(cond text, OUT kinds text[], OUT texts text[])
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    pos  integer := 1;
    n    integer := length(cond);
    rest text;
    m    text;
BEGIN
    kinds := '{}';
    texts := '{}';
    IF n > 10000 THEN
        RAISE EXCEPTION 'row_condition is too long'
            USING ERRCODE = 'program_limit_exceeded',
                  DETAIL = 'A row_condition has at most 10000 characters.';
    END IF;
    WHILE pos <= n LOOP
        rest := substr(cond, pos);
        IF substr(rest, 1, 1) IN (' ', E'\t', E'\n', E'\r') THEN
            pos := pos + 1;
            CONTINUE;
        END IF;
        m := substring(rest FROM '^(==|!=|<=|>=|<|>)');
        IF m IS NOT NULL THEN
            kinds := kinds || 'op'::text;
        ELSE
            m := substring(rest FROM '^[()&|~.]');
            IF m IS NOT NULL THEN
                kinds := kinds || m;
            ELSE
                m := substring(rest FROM '^[+-]?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?');
                IF m IS NOT NULL THEN
                    kinds := kinds || 'num'::text;
                ELSE
                    m := coalesce(substring(rest FROM '^"[^"]*"'), substring(rest FROM '^''[^'']*'''));
                    IF m IS NOT NULL THEN
                        kinds := kinds || 'str'::text;
                    ELSE
                        m := substring(rest FROM '^[A-Za-z_][A-Za-z0-9_]*');
                        IF m IS NULL THEN
                            RAISE EXCEPTION 'row_condition cannot be parsed'
                                USING ERRCODE = 'syntax_error',
                                      DETAIL = format('Unexpected character at position %s.', pos),
                                      HINT = 'Write conditions as col("name") > 5, joined by &, | and ~.';
                        END IF;
                        kinds := kinds || 'id'::text;
                    END IF;
                END IF;
            END IF;
        END IF;
        texts := texts || CASE WHEN kinds[cardinality(kinds)] = 'str' THEN substr(m, 2, length(m) - 2) ELSE m END;
        pos := pos + length(m);
    END LOOP;
END
$$;

CREATE FUNCTION vqc._row_condition_error(detail text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    RAISE EXCEPTION 'row_condition cannot be parsed'
        USING ERRCODE = 'syntax_error', DETAIL = detail,
              HINT = 'Write conditions as col("name") > 5, col("d") >= date("2024-01-01") or col("name").notnull(), joined by &, | and ~.';
END
$$;

-- One comparison or null test, starting at token i (1-based):
-- col("name") op value | col("name").notnull() | col("name").isnull().
-- Returns its SQL and the index of the token after it.
CREATE FUNCTION vqc._row_condition_term(target regclass, kinds text[], texts text[], i integer,
                                        OUT sql text, OUT next integer)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    col   record;
    qcol  text;
    op    text;
    val   text;
    typ   regtype;
BEGIN
    IF NOT (kinds[i] = 'id' AND texts[i] = 'col' AND kinds[i + 1] = '(' AND kinds[i + 2] = 'str' AND kinds[i + 3] = ')') THEN
        PERFORM vqc._row_condition_error(format('Expected col("name") at token %s.', i));
    END IF;
    SELECT * INTO col FROM vqc._column(target, texts[i + 2]);
    qcol := quote_ident(texts[i + 2]);
    typ := col.type_sql::regtype;
    i := i + 4;
    IF kinds[i] = '.' THEN
        IF NOT (kinds[i + 1] = 'id' AND lower(texts[i + 1]) IN ('notnull', 'isnull') AND kinds[i + 2] = '(' AND kinds[i + 3] = ')') THEN
            PERFORM vqc._row_condition_error(format('Expected .notnull() or .isnull() at token %s.', i));
        END IF;
        sql := format('(%s IS %sNULL)', qcol, CASE WHEN lower(texts[i + 1]) = 'notnull' THEN 'NOT ' ELSE '' END);
        next := i + 4;
        RETURN;
    END IF;
    IF kinds[i] IS DISTINCT FROM 'op' THEN
        PERFORM vqc._row_condition_error(format('Expected a comparison (==, !=, <, <=, >, >=) at token %s.', i));
    END IF;
    op := texts[i];
    i := i + 1;
    IF kinds[i] IN ('num', 'str') THEN
        val := texts[i];
        next := i + 1;
    ELSIF kinds[i] = 'id' AND texts[i] = 'date' AND kinds[i + 1] = '(' AND kinds[i + 2] = 'str' AND kinds[i + 3] = ')' THEN
        BEGIN
            -- written back in ISO form, which reads the same under any DateStyle
            val := CASE WHEN isfinite(texts[i + 2]::date) THEN to_char(texts[i + 2]::date, 'YYYY-MM-DD BC')
                        ELSE texts[i + 2]::date::text END;
        EXCEPTION WHEN data_exception THEN
            PERFORM vqc._row_condition_error(format('date() at token %s does not hold a date.', i));
        END;
        next := i + 4;
    ELSE
        PERFORM vqc._row_condition_error(format('Expected a number, a quoted string or date("...") at token %s.', i));
    END IF;
    PERFORM vqc._require_opclass('row_condition', col.type_sql, 'btree');
    PERFORM vqc._check_castable('row_condition', format('the value compared with column "%s"', col.attname), val, col.type_sql);
    sql := vqc._compare_sql(typ, qcol, CASE op WHEN '==' THEN '=' WHEN '!=' THEN '=' ELSE op END,
                            format('%L::%s', val, col.type_sql));
    IF op = '!=' THEN
        sql := format('(NOT %s)', sql);
    ELSE
        sql := format('(%s)', sql);
    END IF;
END
$$;

-- The SQL of a row condition on target: a boolean expression built from the
-- parsed terms only.  Precedence climbing over the tokens (shunting-yard):
-- ~ binds tighter than &, & tighter than |.
CREATE FUNCTION vqc._row_condition_sql(target regclass, cond text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    tok     record := vqc._row_condition_tokens(cond);
    kinds   text[] := tok.kinds;
    texts   text[] := tok.texts;
    n       integer := cardinality(tok.kinds);
    i       integer := 1;
    outq    text[] := '{}';     -- operand stack (SQL)
    ops     text[] := '{}';     -- operator stack: ~ & | (
    operand boolean := true;    -- expecting an operand
    term    record;
    top     text;
BEGIN
    IF n = 0 THEN
        PERFORM vqc._row_condition_error('The condition is empty.');
    END IF;
    IF n > 2000 THEN
        RAISE EXCEPTION 'row_condition is too long'
            USING ERRCODE = 'program_limit_exceeded', DETAIL = 'A row_condition has at most 2000 tokens.';
    END IF;
    WHILE i <= n LOOP
        IF operand THEN
            IF kinds[i] IN ('~', '(') THEN
                ops := ops || kinds[i];
                i := i + 1;
            ELSE
                term := vqc._row_condition_term(target, kinds, texts, i);
                outq := outq || term.sql;
                i := term.next;
                operand := false;
            END IF;
        ELSIF kinds[i] IN ('&', '|') THEN
            LOOP
                top := ops[cardinality(ops)];
                EXIT WHEN top IS NULL OR top = '(' OR (kinds[i] = '&' AND top = '|');
                outq := vqc._row_condition_apply(outq, top);
                ops := ops[1:cardinality(ops) - 1];
            END LOOP;
            ops := ops || kinds[i];
            operand := true;
            i := i + 1;
        ELSIF kinds[i] = ')' THEN
            LOOP
                top := ops[cardinality(ops)];
                IF top IS NULL THEN
                    PERFORM vqc._row_condition_error(format('Unmatched ")" at token %s.', i));
                END IF;
                ops := ops[1:cardinality(ops) - 1];
                EXIT WHEN top = '(';
                outq := vqc._row_condition_apply(outq, top);
            END LOOP;
            i := i + 1;
        ELSE
            PERFORM vqc._row_condition_error(format('Expected &, | or ")" at token %s.', i));
        END IF;
    END LOOP;
    IF operand THEN
        PERFORM vqc._row_condition_error('The condition ends where a term was expected.');
    END IF;
    WHILE cardinality(ops) > 0 LOOP
        top := ops[cardinality(ops)];
        IF top = '(' THEN
            PERFORM vqc._row_condition_error('A "(" is not closed.');
        END IF;
        outq := vqc._row_condition_apply(outq, top);
        ops := ops[1:cardinality(ops) - 1];
    END LOOP;
    RETURN outq[1];
END
$$;

-- Applies operator op to the top of the operand stack.
CREATE FUNCTION vqc._row_condition_apply(outq text[], op text)
RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE op
        WHEN '~' THEN outq[1:cardinality(outq) - 1] || format('(NOT %s)', outq[cardinality(outq)])
        ELSE outq[1:cardinality(outq) - 2] || format('(%s %s %s)', outq[cardinality(outq) - 1],
                                                      CASE op WHEN '&' THEN 'AND' ELSE 'OR' END,
                                                      outq[cardinality(outq)]) END
$$;

-- The condition of an expectation's kwargs as SQL, or NULL when it has none
-- (GE: a null or empty row_condition is no condition).
CREATE FUNCTION vqc._kw_row_condition(target regclass, etype text, kwargs jsonb)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    cond   text := vqc._kw_text(etype, kwargs, 'row_condition');
    parser text := coalesce(vqc._kw_text(etype, kwargs, 'condition_parser'), 'great_expectations');
BEGIN
    IF parser NOT IN ('great_expectations', 'great_expectations__experimental__') THEN
        RAISE EXCEPTION 'condition_parser "%" is not supported', parser
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'vqc parses row conditions itself, so that a suite never runs SQL of its writer''s choosing.',
                  HINT = 'Use condition_parser "great_expectations": col("a") > 5 & col("b") == "x".';
    END IF;
    IF cond IS NULL OR btrim(cond) = '' THEN
        RETURN NULL;
    END IF;
    RETURN vqc._row_condition_sql(target, cond);
END
$$;

-- The item of an aggregate expectation as vqc._plan writes it, over arg
-- (the column, or the column under a condition); NULL for other types.
CREATE FUNCTION vqc._row_condition_aggregate_sql(etype text, type_sql text, arg text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE etype
        WHEN 'expect_column_mean_to_be_between'  THEN format('pg_catalog.avg(%s)::pg_catalog.float8', arg)
        WHEN 'expect_column_stdev_to_be_between' THEN format('pg_catalog.stddev_samp(%s)::pg_catalog.float8', arg)
        WHEN 'expect_column_sum_to_be_between'   THEN format('pg_catalog.sum(%s)', arg)
        WHEN 'expect_column_min_to_be_between'   THEN vqc._minmax_sql(type_sql::regtype, 'min', arg)
        WHEN 'expect_column_max_to_be_between'   THEN vqc._minmax_sql(type_sql::regtype, 'max', arg)
    END
$$;

-- vqc._plan for an expectation with a row_condition: the plan without it,
-- whose items then count only the rows the condition holds for, under names
-- of their own (so that a conditioned count(*) never merges with the plain
-- one), so that the suite stays one scan:
--   map (counted by a tally): count(*), count(column) and the tally's
--     failing rows take FILTER (WHERE <condition>), the two counts as one
--     aggregate (vqc._scope_counts) when the plan has both;
--   table row count: count(*) FILTER (WHERE <condition>);
--   aggregates (mean, stdev, sum, min, max): over
--     CASE WHEN <condition> THEN column END, which they skip when NULL.
-- Others (uniqueness, median, statistics, whose exact second passes read
-- the table again) are refused: 0A000.  Each rewrite first checks that the
-- item is what vqc._plan writes, so a change there is refused, never
-- miscounted.
CREATE FUNCTION vqc._plan_row_condition(target regclass, etype text, kwargs jsonb, pidx integer,
                                        key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
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
$$;
