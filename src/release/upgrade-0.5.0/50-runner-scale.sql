-- 50-runner-scale.sql: the runner on a cluster (issue #15): samples and
-- observed values converted without a subtransaction each
-- (src/input_syntax.c), profiles taken when the shared scan falls back
-- (a profile that cannot be taken is an error result), and each aggregate
-- state computed once per scan (src/sql/scan.sql).

CREATE FUNCTION vqc._numeric_input_valid(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_numeric_input_valid'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc._boolean_input(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_boolean_input'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

SET check_function_bodies = false;

-- The named items' values ({name: text}) from one scan of target.
CREATE FUNCTION vqc._scan_items(target regclass, items jsonb, kwargs_all jsonb)
RETURNS jsonb
LANGUAGE plpgsql
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

-- A failing value (text from the scan) as JSON, typed like the column: a
-- number or boolean where the text converts, else a string.  The text is
-- tested before it is converted (src/input_syntax.c), not caught when the
-- conversion raises: a handler would open a subtransaction per sample.
CREATE OR REPLACE FUNCTION vqc._sample_json(value text, category "char", clipped boolean)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    b boolean;
BEGIN
    IF value IS NULL THEN
        RETURN 'null';
    ELSIF clipped THEN
        RETURN to_jsonb(value);
    ELSIF category = 'N' AND value ~ '^-?[0-9]' AND vqc._numeric_input_valid(value) THEN
        RETURN to_jsonb(value::numeric);
    ELSIF category = 'B' THEN
        b := vqc._boolean_input(value);
        IF b IS NOT NULL THEN
            RETURN to_jsonb(b);
        END IF;
    END IF;
    RETURN to_jsonb(value);
END
$$;

-- The observed value (text from the scan) as JSON.
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
        -- tested, not caught: no subtransaction (see vqc._sample_json)
        IF vqc._numeric_input_valid(observed) THEN
            RETURN to_jsonb(observed::numeric);   -- NaN or infinity: a string
        END IF;
        RETURN to_jsonb(observed);
    END IF;
    EXECUTE format('SELECT pg_catalog.to_jsonb($1::%s)', plan ->> 'compare_type') INTO j USING observed;
    RETURN j;
END
$$;

-- The one SELECT that computes the named items (in the order of names) as
-- text: the aggregate states in an inner SELECT, each once, and the items
-- over them in the outer one (see vqc._scan_item_split).
CREATE OR REPLACE FUNCTION vqc._scan_sql(target regclass, items jsonb, names text[])
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    aggs   text[];
    plain  text[];
    states text[] := '{}';
    outs   text[] := '{}';
    o      text;
    nm     text;
    from_sql text;
BEGIN
    -- the aggregates generated SQL calls: pg_catalog's and vqc's
    SELECT array_agg(DISTINCT lower(p.proname::text)) FILTER (WHERE p.prokind = 'a'),
           array_agg(DISTINCT lower(p.proname::text)) FILTER (WHERE p.prokind = 'f')
      INTO aggs, plain
      FROM pg_proc p
     WHERE p.pronamespace IN ('pg_catalog'::regnamespace, 'vqc'::regnamespace)
       AND p.proname IN (SELECT a.proname FROM pg_proc a WHERE a.prokind = 'a'
                            AND a.pronamespace IN ('pg_catalog'::regnamespace, 'vqc'::regnamespace));
    -- items named join:* are joined to the table (their value stays NULL);
    -- a join hides the table's system columns, which row keys use, so the
    -- table is then read through a subquery that names them (pulled up by
    -- the planner: the same scan)
    FOREACH nm IN ARRAY names LOOP
        IF nm LIKE 'join:%' THEN
            outs := outs || 'NULL::pg_catalog.text'::text;
        ELSE
            SELECT x.states, x.outer_sql INTO states, o FROM vqc._scan_item_split(items ->> nm, aggs, plain, states) x;
            outs := outs || format('(%s)::pg_catalog.text', o);
        END IF;
    END LOOP;
    SELECT CASE WHEN bool_or(nm2 LIKE 'join:%') AND (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'p', 'm')
                THEN format('(SELECT *, ctid, tableoid FROM %s) AS vqc_scan', target)
                ELSE target::text END
           || coalesce(string_agg(' ' || (items ->> nm2), '' ORDER BY o2) FILTER (WHERE nm2 LIKE 'join:%'), '')
      INTO from_sql
      FROM unnest(names) WITH ORDINALITY AS x(nm2, o2);
    IF cardinality(states) = 0 THEN
        RETURN format('SELECT ARRAY[%s]::pg_catalog.text[] FROM %s', array_to_string(outs, ', '), from_sql);
    END IF;
    RETURN format('SELECT ARRAY[%s]::pg_catalog.text[] FROM (SELECT %s FROM %s) AS vqc_states',
                  array_to_string(outs, ', '),
                  (SELECT string_agg(format('%s AS vqc_s%s', st, k), ', ' ORDER BY k)
                     FROM unnest(states) WITH ORDINALITY AS y(st, k)),
                  from_sql);
END
$$;

-- expectations: [{"type", "kwargs", "id"?}]; profile_columns are profiled in the same scan
-- Returns {"rows": element count or null, "scans": n, "results": [
--   {"position", "id", "type", "kwargs", "column", "status", "success", "result",
--    "samples", "error"}]}
-- With raise_errors, a bad expectation raises; otherwise it is reported with
-- status "error" and the others are evaluated.
CREATE OR REPLACE FUNCTION vqc._evaluate_all(target regclass, expectations jsonb, key_columns text[],
                                  sample_cap integer, rf_default jsonb, raise_errors boolean,
                                  profile_columns text[] DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    n          integer := jsonb_array_length(expectations);
    planned    record := vqc._plan_all(target, expectations, key_columns, sample_cap, rf_default,
                                       raise_errors, profile_columns);
    plans      jsonb[] := planned.plans;
    rfs        jsonb[] := planned.rfs;
    errors     text[] := planned.errors;
    kwargs_all jsonb := planned.kwargs_all;
    items      jsonb := planned.items;
    vals       jsonb := '{}';
    profile_errors jsonb := '{}';
    e          jsonb;
    i          integer;
    pc         text;
    msg        text;
    scans      integer := 0;
    out_results jsonb := '[]';
    ev         jsonb;
BEGIN
    -- one scan for all items
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
                -- one expectation broke the shared scan: each alone, then
                -- the profiles (scan.sql)
                SELECT x.plans, x.errors, x.vals, x.scans, x.profile_errors
                  INTO plans, errors, vals, scans, profile_errors
                  FROM vqc._scan_each(target, items, kwargs_all, plans, errors) x;
        END;
    END IF;

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

-- The argument of vqc.exact_quantile_agg for a numeric-category column:
-- numeric columns go to its numeric form (no slow cast), others to float8.
-- A column already of that type is left bare, so that its collector or
-- sketch is the same call, one state of the scan, as other checks' and
-- the suite's profile of the column (see vqc._scan_item_split).
CREATE OR REPLACE FUNCTION vqc._quantile_arg(qcol text, type_sql text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format(CASE WHEN type_sql::regtype IN ('pg_catalog.numeric'::regtype, 'pg_catalog.float8'::regtype) THEN '%s'
                       WHEN vqc._base_type(type_sql::regtype) = 'numeric'::regtype THEN '%s::pg_catalog.numeric'
                       ELSE '%s::pg_catalog.float8' END, qcol)
$$;

-- Clips a JSON value for storage beside every run: strings to max_bytes
-- (whole characters), arrays to max_items elements, recursively, so that a
-- 100 000-element value_set is not copied into every result row.
CREATE OR REPLACE FUNCTION vqc._clip_json(j jsonb, max_bytes integer, max_items integer)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    s text;
    n integer;
BEGIN
    -- nothing to clip, the usual case: one statement, not one per node
    IF max_bytes IS NOT NULL AND max_items IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM jsonb_path_query(j, 'strict $.**') v
                        WHERE (jsonb_typeof(v) = 'string' AND octet_length(v #>> '{}') > max_bytes)
                           OR (jsonb_typeof(v) = 'array' AND jsonb_array_length(v) > max_items)) THEN
        RETURN j;
    END IF;
    CASE jsonb_typeof(j)
    WHEN 'string' THEN
        s := j #>> '{}';
        IF octet_length(s) <= max_bytes THEN
            RETURN j;
        END IF;
        n := max_bytes;
        WHILE octet_length(left(s, n)) > max_bytes LOOP
            n := n - 1;
        END LOOP;
        RETURN to_jsonb(left(s, n));
    WHEN 'array' THEN
        RETURN (SELECT coalesce(jsonb_agg(vqc._clip_json(e, max_bytes, max_items) ORDER BY i), '[]')
                  FROM jsonb_array_elements(j) WITH ORDINALITY AS x(e, i)
                 WHERE i <= max_items);
    WHEN 'object' THEN
        RETURN (SELECT coalesce(jsonb_object_agg(k, vqc._clip_json(v, max_bytes, max_items)), '{}')
                  FROM jsonb_each(j) AS x(k, v));
    ELSE
        RETURN j;
    END CASE;
END
$$;

-- The plan of a model expectation: its items and what its evaluation
-- needs, or NULL for any other type.
CREATE OR REPLACE FUNCTION vqc._plan_model_metric(target regclass, plan jsonb, pidx integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype  text := plan ->> 'type';
    kwargs jsonb := plan -> 'kwargs';
    metric text;
    yt     record;
    yp     record;
    seg    record;
    lo     jsonb;
    hi     jsonb;
    state  text;
    item   text;
    scored jsonb;
BEGIN
    IF etype NOT IN ('expect_classification_metric_to_be_between', 'expect_score_metric_to_be_between',
                     'expect_metric_gap_between_segments_to_be_less_than', 'expect_regression_metric_to_be_between',
                     'expect_ranking_metric_to_be_between', 'expect_annotator_agreement_to_be_between') THEN
        RETURN NULL;
    END IF;
    metric := vqc._kw_text(etype, kwargs, 'metric');
    IF etype IN ('expect_ranking_metric_to_be_between', 'expect_annotator_agreement_to_be_between') THEN
        RETURN vqc._plan_model_metric_long(target, plan, pidx, metric);
    END IF;
    SELECT * INTO yt FROM vqc._column(target, vqc._kw_text(etype, kwargs, 'y_true'));
    SELECT * INTO yp FROM vqc._column(target, vqc._kw_text(etype, kwargs,
                                                          CASE WHEN etype LIKE '%score_metric%' THEN 'y_score' ELSE 'y_pred' END));
    IF etype <> 'expect_metric_gap_between_segments_to_be_less_than' THEN
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
        PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
    END IF;

    IF etype = 'expect_classification_metric_to_be_between' THEN
        IF metric NOT IN ('accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'fbeta',
                          'matthews_corrcoef', 'cohen_kappa') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        IF metric = 'fbeta' THEN
            PERFORM vqc._kw(etype, kwargs, 'beta', '{number}');
        END IF;
        -- the state itself is the item: the evaluation derives the metric and the per-class details
        RETURN vqc._model_value_plan(etype, kwargs, metric, format('cm%s', pidx),
                                     format('vqc.confusion_agg(%I, %I)', yt.attname, yp.attname), lo, hi)
               || jsonb_build_object('state_item', format('cm%s', pidx),
                                     'pos_label', vqc._kw_label(etype, kwargs, 'pos_label'));
    END IF;

    IF etype = 'expect_regression_metric_to_be_between' THEN
        IF yt.category <> 'N' OR yp.category <> 'N' THEN
            RAISE EXCEPTION '% needs numeric y_true and y_pred', etype USING ERRCODE = 'datatype_mismatch';
        END IF;
        -- the metric over the one regression state, which other metrics of
        -- the same columns share (the metric's own aggregate has the same
        -- transition and this final function: the same answer)
        item := format('vqc.%s(vqc.regression_agg(%I::pg_catalog.float8, %I::pg_catalog.float8))',
                       CASE metric WHEN 'mean_absolute_error' THEN 'mean_absolute_error' WHEN 'mean_squared_error' THEN 'mean_squared_error'
                                   WHEN 'root_mean_squared_error' THEN 'root_mean_squared_error'
                                   WHEN 'mean_absolute_percentage_error' THEN 'mean_absolute_percentage_error'
                                   WHEN 'r2' THEN 'r2_score' WHEN 'max_error' THEN 'max_error' END,
                       yt.attname, yp.attname);
        IF item IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        RETURN vqc._model_value_plan(etype, kwargs, metric, format('rm%s', pidx), item, lo, hi);
    END IF;

    IF etype = 'expect_score_metric_to_be_between' THEN
        IF yp.category <> 'N' THEN
            RAISE EXCEPTION '% needs a numeric y_score; column "%" is of type %', etype, yp.attname, yp.type_sql
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        IF vqc._base_type(yt.type_sql::regtype) NOT IN ('boolean'::regtype, 'smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
            RAISE EXCEPTION '% needs binary labels (boolean or integer 0/1); column "%" is of type %', etype, yt.attname, yt.type_sql
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        state := format('%I::%s, %I::pg_catalog.float8', yt.attname,
                        CASE WHEN vqc._base_type(yt.type_sql::regtype) = 'boolean'::regtype THEN 'pg_catalog.bool' ELSE 'pg_catalog.int8' END,
                        yp.attname);
        item := CASE metric
            WHEN 'roc_auc' THEN format('CASE WHEN vqc.score_overflowed(vqc.score_agg(%1$s)) THEN NULL ELSE vqc.roc_auc_score(vqc.score_agg(%1$s)) END', state)
            WHEN 'average_precision' THEN format('CASE WHEN vqc.score_overflowed(vqc.score_agg(%1$s)) THEN NULL ELSE vqc.average_precision_score(vqc.score_agg(%1$s)) END', state)
            WHEN 'log_loss' THEN format('vqc.log_loss(%s)', state)
            WHEN 'brier_score_loss' THEN format('vqc.brier_score_loss(%s)', state)
            WHEN 'calibration_error' THEN format('vqc.calibration_error(%s, %s::pg_catalog.int4)', state,
                                                 greatest(coalesce(vqc._kw_int(etype, kwargs, 'n_bins'), 10), 1))
        END;
        IF item IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        scored := vqc._model_value_plan(etype, kwargs, metric, format('sm%s', pidx), item, lo, hi)
                  || jsonb_build_object('overflow_item', format('so%s', pidx), 'y_true', yt.attname, 'y_score', yp.attname);
        IF metric IN ('roc_auc', 'average_precision') THEN
            scored := jsonb_set(scored, '{items}', (scored -> 'items')
                                || jsonb_build_object(format('so%s', pidx), format('vqc.score_overflowed(vqc.score_agg(%s))', state)));
        END IF;
        RETURN scored;
    END IF;

    -- the gap between segments: one confusion state of (segment, label)
    -- pairs, split by segment when evaluated
    IF metric NOT IN ('recall', 'precision', 'f1', 'accuracy', 'positive_rate') THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
    END IF;
    IF (vqc._kw(etype, kwargs, 'max_gap', '{number}'))::numeric < 0 THEN
        PERFORM vqc._bad_kwarg(etype, 'max_gap cannot be negative');
    END IF;
    SELECT * INTO seg FROM vqc._column(target, vqc._kw_text(etype, kwargs, 'segment'));
    state := format('vqc.confusion_agg(pg_catalog.jsonb_build_array(%1$I, %2$I)::pg_catalog.text, '
                    'pg_catalog.jsonb_build_array(%1$I, %3$I)::pg_catalog.text)', seg.attname, yt.attname, yp.attname);
    RETURN jsonb_build_object('evaluator', 'model_metric', 'metric', metric,
                              'items', jsonb_build_object(format('sg%s', pidx), state),
                              'state_item', format('sg%s', pidx),
                              'pos_label', coalesce(kwargs -> 'pos_label', '1'),
                              'min_rows', greatest(coalesce(vqc._kw_int(etype, kwargs, 'min_segment_rows'), 1), 1),
                              'max_gap', kwargs -> 'max_gap');
END
$$;

RESET check_function_bodies;
