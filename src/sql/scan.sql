-- scan.sql: the runner's scans of a suite's table: the items' values from
-- one SELECT, and the scans one check at a time when the shared one fails.

-- The named items' values ({name: text}) from one scan of target.
CREATE FUNCTION vqc._scan_items(target regclass, items jsonb, kwargs_all jsonb)
RETURNS jsonb
LANGUAGE plpgsql
-- the values come back as text and are read again: in ISO 8601 a timestamp
-- with time zone carries its offset, where another DateStyle may print an
-- abbreviation that reads back as another zone (IST: India or Israel)
SET DateStyle TO 'ISO, MDY'
-- the scan's expressions are large (an aggregate and a filter per check):
-- LLVM's inlining of them costs each process more compile time than it
-- saves over the rows (10 M rows, 2 workers: the ten sample checks 8 %
-- faster without it, the fourteen of ge_types_bench 13 %); JIT compiles
-- and optimizes them still
SET jit_inline_above_cost TO '-1'
AS $$
DECLARE
    names text[] := ARRAY(SELECT k FROM jsonb_object_keys(items) k ORDER BY k);
    arr   text[];
BEGIN
    EXECUTE vqc._scan_sql(target, items, names) INTO arr USING kwargs_all;
    RETURN (SELECT coalesce(jsonb_object_agg(nm, arr[o]), '{}')
              FROM unnest(names) WITH ORDINALITY AS x(nm, o));
END
$$;

-- After the shared scan of items failed (one check broke it: a regex
-- limit, say), each planned check alone, so that only the culprit is an
-- error; then what no check's scan took (the profiles, and the row count
-- when no check that counts succeeded) in one more scan, or if that fails
-- each profile alone.  A check that still fails gets its error and loses
-- its plan; a profile that still fails is in profile_errors ({column:
-- message}), never just missing.  scans counts the scans tried, the
-- failed shared one included.
CREATE FUNCTION vqc._scan_each(target regclass, items jsonb, kwargs_all jsonb,
                               INOUT plans jsonb[], INOUT errors text[],
                               OUT vals jsonb, OUT scans integer, OUT profile_errors jsonb)
LANGUAGE plpgsql
AS $$
DECLARE
    i    integer;
    k    text;
    rest jsonb;
    msg  text;
BEGIN
    vals := '{}';
    scans := 1;
    profile_errors := '{}';
    FOR i IN 1 .. coalesce(cardinality(plans), 0) LOOP
        CONTINUE WHEN NOT plans[i] ? 'items';
        BEGIN
            scans := scans + 1;
            vals := vals || vqc._scan_items(target, plans[i] -> 'items', kwargs_all);
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE;
            WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                errors[i] := msg;
                plans[i] := NULL;
        END;
    END LOOP;

    SELECT jsonb_object_agg(key, value) INTO rest
      FROM jsonb_each(items)
     WHERE (key = 'n' OR key LIKE 'p:%') AND NOT vals ? key;
    IF rest IS NULL THEN
        RETURN;
    END IF;
    BEGIN
        scans := scans + 1;
        vals := vals || vqc._scan_items(target, rest, kwargs_all);
    EXCEPTION
        WHEN insufficient_privilege THEN
            RAISE;
        WHEN OTHERS THEN
            FOR k IN SELECT key FROM jsonb_object_keys(rest) key WHERE key LIKE 'p:%' ORDER BY key LOOP
                BEGIN
                    scans := scans + 1;
                    vals := vals || vqc._scan_items(target, jsonb_build_object(k, rest -> k)
                                                            || CASE WHEN vals ? 'n' THEN '{}'
                                                                    ELSE jsonb_build_object('n', items -> 'n') END,
                                                     kwargs_all);
                EXCEPTION
                    WHEN insufficient_privilege THEN
                        RAISE;
                    WHEN OTHERS THEN
                        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                        profile_errors := profile_errors || jsonb_build_object(substr(k, 3), msg);
                END;
            END LOOP;
    END;
END
$$;

-- One item of a scan split around its aggregate calls: each call (with its
-- FILTER) becomes a state of the scan's inner SELECT, found in states or
-- appended to it, and outer_sql is the item over those states
-- (vqc_states.vqc_s<k>).  PostgreSQL merges identical aggregate calls of
-- one query by itself, Citus does not: so a state is computed, and shipped
-- from each shard, once however many accessors read it.  aggs are the names
-- of aggregates, plain those that are also ordinary functions (an accessor
-- such as vqc.roc_auc_score(state) when it wraps an aggregate call).  An
-- item that holds a subquery or a window, or that the tokens do not
-- reassemble, is one state whole, as it was.
CREATE FUNCTION vqc._scan_item_split(expr text, aggs text[], plain text[], INOUT states text[],
                                     OUT outer_sql text)
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    -- E'' and '' strings, quoted names, names (dotted), parentheses, the rest
    toks  text[] := ARRAY(SELECT m[1] FROM regexp_matches(expr,
                          $re$([Ee]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)*|\(|\)|[^'"()A-Za-z_]+)$re$,
                          'g') m);
    n     integer := cardinality(toks);
    i     integer := 1;
    j     integer;
    stop  integer;
    depth integer;
    nm    text;
    call  text;
    k     integer;
BEGIN
    outer_sql := '';
    IF array_to_string(toks, '') IS DISTINCT FROM expr
       OR EXISTS (SELECT 1 FROM unnest(toks) t WHERE lower(t) IN ('select', 'over', 'within')) THEN
        toks := ARRAY[expr];
        n := 0;
    END IF;
    WHILE i <= n LOOP
        nm := lower(regexp_replace(toks[i], '^.*\.', ''));
        stop := NULL;
        IF i < n AND toks[i + 1] = '(' AND toks[i] ~ '^[A-Za-z_]' AND nm = ANY (aggs) THEN
            -- the call's closing parenthesis, and that of a FILTER (...) after it
            j := i + 1;
            LOOP
                depth := 0;
                LOOP
                    depth := depth + CASE toks[j] WHEN '(' THEN 1 WHEN ')' THEN -1 ELSE 0 END;
                    EXIT WHEN depth = 0 OR j = n;
                    j := j + 1;
                END LOOP;
                EXIT WHEN depth <> 0;
                stop := j;
                j := stop + 1 + CASE WHEN toks[stop + 1] ~ '^\s+$' THEN 1 ELSE 0 END;
                EXIT WHEN upper(toks[j]) IS DISTINCT FROM 'FILTER';
                j := j + 1 + CASE WHEN toks[j + 1] ~ '^\s+$' THEN 1 ELSE 0 END;
                EXIT WHEN toks[j] IS DISTINCT FROM '(';
            END LOOP;
            -- an accessor named like an aggregate, around an aggregate call: look inside
            IF stop IS NOT NULL AND nm = ANY (plain)
               AND EXISTS (SELECT 1 FROM generate_series(i + 2, stop - 1) g
                            WHERE toks[g + 1] = '(' AND toks[g] ~ '^[A-Za-z_]'
                              AND lower(regexp_replace(toks[g], '^.*\.', '')) = ANY (aggs)) THEN
                stop := NULL;
            END IF;
        END IF;
        IF stop IS NULL THEN
            outer_sql := outer_sql || toks[i];
            i := i + 1;
            CONTINUE;
        END IF;
        call := array_to_string(toks[i:stop], '');
        k := array_position(states, call);
        IF k IS NULL THEN
            states := states || call;
            k := cardinality(states);
        END IF;
        outer_sql := outer_sql || format('vqc_states.vqc_s%s', k);
        i := stop + 1;
    END LOOP;
    IF n = 0 THEN
        -- whole
        k := array_position(states, expr);
        IF k IS NULL THEN
            states := states || expr;
            k := cardinality(states);
        END IF;
        outer_sql := format('vqc_states.vqc_s%s', k);
    END IF;
END
$$;
