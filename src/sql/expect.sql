-- expect.sql: evaluates planned expectations into Great Expectations'
-- validation-result JSON, and vqc.expect(), the ad-hoc entry point.

-- ---------------------------------------------------------------------------
-- schema expectations: answered from the catalog when planned

CREATE FUNCTION vqc._resolve_type(etype text, type_name text)
RETURNS regtype
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    t regtype;
BEGIN
    -- to_regtype is NULL for an unknown type but raises on what does not
    -- parse as a type name at all ("%Y", "int(", ...): both are unknown types
    BEGIN
        t := coalesce(to_regtype(type_name), to_regtype(replace(type_name, '_', ' ')));
    EXCEPTION WHEN syntax_error OR invalid_name OR invalid_text_representation THEN
        t := NULL;
    END;
    IF t IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown type "%s"', type_name),
                               'Use a PostgreSQL type name such as INTEGER, TEXT or TIMESTAMP.');
    END IF;
    RETURN t;
END
$$;

CREATE FUNCTION vqc._plan_schema(target regclass, etype text, kwargs jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    actual   text[] := vqc._table_columns(target);
    wanted   text[];
    v        jsonb;
    success  boolean;
    result   jsonb := '{}';
    coltype  regtype;
    idx      integer;
    lo       numeric;
    hi       numeric;
    n        integer;
BEGIN
    CASE etype
    WHEN 'expect_column_to_exist' THEN
        idx := vqc._kw_int(etype, kwargs, 'column_index');
        success := (kwargs ->> 'column') = ANY (actual);
        IF success AND idx IS NOT NULL THEN
            success := coalesce(actual[idx + 1] = kwargs ->> 'column', false);
        END IF;
    WHEN 'expect_table_columns_to_match_set', 'expect_table_columns_to_match_ordered_list' THEN
        v := vqc._kw(etype, kwargs, CASE WHEN etype LIKE '%set' THEN 'column_set' ELSE 'column_list' END, '{array}');
        IF EXISTS (SELECT 1 FROM jsonb_array_elements(v) e WHERE jsonb_typeof(e) <> 'string') THEN
            PERFORM vqc._bad_kwarg(etype, 'column names must be strings');
        END IF;
        wanted := vqc._jsonb_text_array(v);
        result := jsonb_build_object('observed_value', to_jsonb(actual));
        IF etype LIKE '%set' THEN
            -- no column_set is the empty set (GE); only non-empty lists are shown
            wanted := coalesce(wanted, '{}');
            success := wanted <@ actual
                       AND (NOT vqc._kw_bool(etype, kwargs, 'exact_match', true) OR actual <@ wanted);
            IF NOT success THEN
                result := result || jsonb_build_object('details', jsonb_build_object('mismatched', jsonb_strip_nulls(jsonb_build_object(
                    'unexpected', to_jsonb(nullif(ARRAY(SELECT c FROM unnest(actual) c WHERE NOT c = ANY (wanted)), '{}')),
                    'missing', to_jsonb(nullif(ARRAY(SELECT c FROM unnest(wanted) c WHERE NOT c = ANY (actual)), '{}'))))));
            END IF;
        ELSE
            -- no column_list: vacuously true (GE)
            success := wanted IS NULL OR actual = wanted;
            IF NOT success THEN
                result := result || jsonb_build_object('details', jsonb_build_object('mismatched',
                    (SELECT coalesce(jsonb_agg(jsonb_build_object('Expected Column Position', i - 1,
                                                                  'Expected', wanted[i], 'Found', actual[i]) ORDER BY i), '[]')
                       FROM generate_series(1, greatest(cardinality(actual), cardinality(wanted))) i
                      WHERE actual[i] IS DISTINCT FROM wanted[i])));
            END IF;
        END IF;
    WHEN 'expect_table_column_count_to_equal', 'expect_table_column_count_to_be_between' THEN
        n := cardinality(actual);
        IF etype LIKE '%equal' THEN
            lo := (vqc._kw(etype, kwargs, 'value', '{number}'))::numeric;
            hi := lo;
        ELSE
            lo := (vqc._kw(etype, kwargs, 'min_value', '{number}'))::numeric;
            hi := (vqc._kw(etype, kwargs, 'max_value', '{number}'))::numeric;
            IF lo > hi THEN
                PERFORM vqc._bad_kwarg(etype, 'min_value is greater than max_value');
            END IF;
        END IF;
        success := (lo IS NULL OR n >= lo) AND (hi IS NULL OR n <= hi);
        result := jsonb_build_object('observed_value', n);
    WHEN 'expect_column_values_to_be_of_type', 'expect_column_values_to_be_in_type_list' THEN
        SELECT a.atttypid::regtype INTO coltype
          FROM pg_attribute a
         WHERE a.attrelid = target AND a.attname = kwargs ->> 'column' AND a.attnum > 0 AND NOT a.attisdropped;
        IF etype LIKE '%of_type' THEN
            wanted := ARRAY[vqc._kw_text(etype, kwargs, 'type_')];
        ELSE
            v := vqc._kw(etype, kwargs, 'type_list', '{array}');
            IF EXISTS (SELECT 1 FROM jsonb_array_elements(v) e WHERE jsonb_typeof(e) <> 'string') THEN
                PERFORM vqc._bad_kwarg(etype, 'type_list must hold type names');
            END IF;
            wanted := vqc._jsonb_text_array(v);
        END IF;
        -- no type_list: vacuously true (GE)
        success := wanted IS NULL OR EXISTS (
            SELECT 1 FROM unnest(wanted) w
             WHERE vqc._resolve_type(etype, w) IN (coltype, (SELECT typbasetype::regtype FROM pg_type WHERE oid = coltype)));
        result := jsonb_build_object('observed_value', upper(format_type(coltype, NULL)));
    END CASE;
    RETURN jsonb_build_object('success', success, 'result', result);
END
$$;

-- ---------------------------------------------------------------------------
-- evaluation

-- A failing value (text from the scan) as JSON, typed like the column: a
-- number or boolean where the text converts, else a string.  The text is
-- tested before it is converted (src/input_syntax.c), not caught when the
-- conversion raises: a handler would open a subtransaction per sample.
CREATE FUNCTION vqc._sample_json(value text, category "char", clipped boolean)
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

-- Is observed within the plan's bounds (compared as compare_type)?
CREATE FUNCTION vqc._within_bounds(plan jsonb, observed text)
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

-- The observed value (text from the scan) as JSON.
CREATE FUNCTION vqc._observed_json(plan jsonb, observed text)
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

-- GE's map-expectation result from counts and samples.
--   samples: [{"value": text, "row_key": jsonb, "clipped": bool}]
CREATE FUNCTION vqc._map_result(plan jsonb, rf jsonb, element bigint, nonnull bigint,
                                unexpected bigint, samples jsonb, category "char")
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    skip_missing boolean := plan ->> 'nonnull' IS NULL;
    denominator  bigint := CASE WHEN skip_missing THEN element ELSE nonnull END;
    mostly       numeric := (plan ->> 'mostly')::numeric;
    success      boolean;
    level        text := rf ->> 'result_format';
    partial_n    integer := (rf ->> 'partial_unexpected_count')::integer;
    res          jsonb;
    values_json  jsonb;
    index_json   jsonb;
    col          text := plan ->> 'column';
BEGIN
    success := denominator = 0 OR (denominator - unexpected) >= mostly * denominator;
    IF level = 'BOOLEAN_ONLY' THEN
        RETURN jsonb_build_object('success', success, 'result', '{}'::jsonb);
    END IF;

    -- samples of several columns (plan "columns") are JSON objects {column: value}
    SELECT coalesce(jsonb_agg(CASE WHEN plan ? 'columns' THEN vqc._columns_sample_value(plan, s)
                                   ELSE vqc._sample_json(s ->> 'value', category, (s ->> 'clipped')::boolean) END
                              ORDER BY o), '[]'),
           coalesce(jsonb_agg(CASE WHEN plan ? 'columns' THEN vqc._columns_sample_index(plan, s)
                                   ELSE CASE WHEN jsonb_typeof(s -> 'row_key') = 'object' THEN s -> 'row_key' ELSE '{}' END ||
                                        jsonb_build_object(col, vqc._sample_json(s ->> 'value', category, (s ->> 'clipped')::boolean)) END
                              ORDER BY o), '[]')
      INTO values_json, index_json
      FROM jsonb_array_elements(samples) WITH ORDINALITY AS x(s, o);

    res := jsonb_build_object(
        'element_count', element,
        'unexpected_count', unexpected,
        'unexpected_percent', CASE WHEN denominator > 0 THEN unexpected::float8 / denominator * 100 END,
        'partial_unexpected_list', (SELECT coalesce(jsonb_agg(e ORDER BY o), '[]')
                                      FROM jsonb_array_elements(values_json) WITH ORDINALITY AS x(e, o)
                                     WHERE o <= partial_n));
    IF NOT skip_missing THEN
        res := res || jsonb_build_object(
            'missing_count', element - nonnull,
            'missing_percent', CASE WHEN element > 0 THEN (element - nonnull)::float8 / element * 100 END,
            'unexpected_percent_total', CASE WHEN element > 0 THEN unexpected::float8 / element * 100 END,
            'unexpected_percent_nonmissing', CASE WHEN nonnull > 0 THEN unexpected::float8 / nonnull * 100 END);
    END IF;
    res := res || jsonb_build_object(
        'partial_unexpected_index_list', (SELECT coalesce(jsonb_agg(e ORDER BY o), '[]')
                                            FROM jsonb_array_elements(index_json) WITH ORDINALITY AS x(e, o)
                                           WHERE o <= partial_n));
    IF level IN ('SUMMARY', 'COMPLETE') THEN
        res := res || jsonb_build_object('partial_unexpected_counts',
            (SELECT coalesce(jsonb_agg(jsonb_build_object('value', v, 'count', c) ORDER BY c DESC, v::text), '[]')
               FROM (SELECT e AS v, count(*) AS c
                       FROM jsonb_array_elements(values_json) WITH ORDINALITY AS x(e, o)
                      WHERE o <= partial_n
                      GROUP BY e) g));
    END IF;
    IF level = 'COMPLETE' THEN
        res := res || jsonb_build_object('unexpected_list', values_json,
                                         'unexpected_index_list', index_json);
        IF jsonb_array_length(values_json) < unexpected THEN
            res := res || jsonb_build_object('unexpected_list_truncated', true);
        END IF;
    END IF;
    RETURN jsonb_build_object('success', success, 'result', res);
END
$$;

-- Samples of a tally as the JSON array _map_result reads.
CREATE FUNCTION vqc._tally_samples_json(t vqc.tally)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('value', s.value, 'row_key', s.row_key::jsonb,
                                                 'clipped', s.clipped) ORDER BY s.ordinality), '[]')
      FROM vqc.tally_samples(t) s
$$;

-- The values at 0-based ranks among a column's non-null values (NaN last,
-- as PostgreSQL orders float8; value_sql is the column cast to float8 or
-- numeric, as vqc._quantile_arg gives it), exactly, for when the one-scan collector
-- outgrew vqc.exact_memory_limit.  Instead of sorting the column, passes
-- narrow a range of order keys (vqc.value_key) 16 bits at a time, each a
-- GROUP BY over the ranges still too big to hold, until every rank's range
-- holds at most the limit's worth of values; one last pass collects each
-- range and selects the rank in it.  Usually two passes in all.
CREATE FUNCTION vqc._exact_ranks(target regclass, value_sql text, ranks bigint[],
                                 OUT vals float8[], OUT passes integer)
LANGUAGE plpgsql
AS $$
DECLARE
    fit     bigint := vqc._exact_fit();
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

-- How many values vqc.exact_memory_limit lets one exact collector hold.
CREATE FUNCTION vqc._exact_fit()
RETURNS bigint
LANGUAGE sql STABLE
AS $$
    -- Until vqc's library is loaded the setting is unknown (its default
    -- then), or a placeholder holding what the user wrote: a bare number is kB.
    SELECT greatest(CASE WHEN lim = '-1' THEN pg_catalog.pg_size_bytes(pg_catalog.current_setting('work_mem'))
                         WHEN lim OPERATOR(pg_catalog.~) '^\s*\d+\s*$' THEN lim::pg_catalog.int8 OPERATOR(pg_catalog.*) 1024
                         ELSE pg_catalog.pg_size_bytes(lim) END / 8, 1)
      FROM (SELECT coalesce(pg_catalog.current_setting('vqc.exact_memory_limit', true), '-1') AS lim) s
$$;

-- May the table hold more values than one exact collector keeps?  From the
-- planner's row estimate (with room to grow); true when there is none.  Then
-- the scan also takes a profile of the column for vqc._exact_ranks_bracketed.
CREATE FUNCTION vqc._may_overflow(target regclass)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT coalesce((SELECT c.reltuples < 0 OR c.reltuples > vqc._exact_fit() / 2
                       FROM pg_catalog.pg_class c WHERE c.oid = target), true)
$$;

-- The values at 0-based ranks (as vqc._exact_ranks) in ONE pass, after the
-- collector overflowed, from a profile of the same values taken in the same
-- scan.  Its quantile sketch brackets each rank between two values (the
-- sketch's stated rank error, times 1.5, each side; at least 0.5 %), and the
-- pass counts the values below each bracket and collects those inside it
-- (keyed by vqc.value_key, so ties at either edge fall inside).  The answer
-- is exact whatever the sketch says: a rank is found only when the count
-- below proves it inside the bracket.  A NULL element means that rank was
-- not found (the bracket missed, or its values outgrew the memory limit):
-- the caller falls back to vqc._exact_ranks.  NULL without a pass when the
-- brackets could not be wide enough for the limit.
CREATE FUNCTION vqc._exact_ranks_bracketed(target regclass, value_sql text, ranks bigint[], n bigint,
                                           sketch vqc.profile)
RETURNS float8[]
LANGUAGE plpgsql
AS $$
DECLARE
    fit     bigint := vqc._exact_fit();
    j       jsonb := vqc.profile_to_jsonb(sketch);
    -- the sketch ranks the numbers (not NaN) among themselves
    m       bigint := (j ->> 'rows')::bigint - (j ->> 'nulls')::bigint - coalesce((j ->> 'nan')::bigint, 0);
    eps     float8 := coalesce((j #>> '{quantiles,rank_error}')::float8, 0);
    half    float8 := least(greatest(1.5 * eps, 0.005), 0.45 * fit / n);
    nan_key bigint := vqc.value_key('NaN'::float8);
    nr      int := cardinality(ranks);
    lo      bigint[];
    hi      bigint[];
    grp     int[] := '{}';
    glo     bigint[] := '{}';
    ghi     bigint[] := '{}';
    i       int;
    items   text;
    got     float8[];
BEGIN
    IF half < eps / 2 OR m IS NULL THEN
        RETURN NULL;
    END IF;
    -- NaN ranks last; the sketch's quantiles 0 and 1 are the exact min and max
    SELECT array_agg(CASE WHEN r >= m THEN nan_key
                          ELSE vqc.value_key(vqc.quantile(sketch, greatest((r + 0.5) / m - half, 0))) END ORDER BY o),
           array_agg(CASE WHEN r >= m THEN nan_key
                          ELSE vqc.value_key(vqc.quantile(sketch, least((r + 0.5) / m + half, 1))) END ORDER BY o)
      INTO lo, hi
      FROM unnest(ranks) WITH ORDINALITY u(r, o);
    -- ascending ranks have ascending brackets: overlapping ones share a collector
    FOR i IN 1 .. nr LOOP
        IF i > 1 AND lo[i] <= ghi[cardinality(ghi)] THEN
            ghi[cardinality(ghi)] := greatest(ghi[cardinality(ghi)], hi[i]);
        ELSE
            glo := glo || lo[i];
            ghi := ghi || hi[i];
        END IF;
        grp := grp || cardinality(glo);
    END LOOP;
    -- per group g: b<g> values below, s<g> those inside; per rank, its value
    -- when the counts put it inside, else NULL
    SELECT string_agg(format('pg_catalog.count(*) FILTER (WHERE k OPERATOR(pg_catalog.<) %1$L::pg_catalog.int8) AS b%3$s, '
                             'vqc.exact_quantile_agg(v) FILTER (WHERE k OPERATOR(pg_catalog.>=) %1$L::pg_catalog.int8 '
                             'AND k OPERATOR(pg_catalog.<=) %2$L::pg_catalog.int8) AS s%3$s', glo[g], ghi[g], g), ', ' ORDER BY g)
      INTO items FROM generate_series(1, cardinality(glo)) g;
    EXECUTE format('SELECT ARRAY[%s]::pg_catalog.float8[] FROM (SELECT %s FROM '
                   '(SELECT v, vqc.value_key(v) AS k FROM (SELECT %s AS v FROM %s) x WHERE v IS NOT NULL) y) z',
                   (SELECT string_agg(format('CASE WHEN %1$s::pg_catalog.int8 OPERATOR(pg_catalog.>=) b%2$s '
                                             'AND %1$s::pg_catalog.int8 OPERATOR(pg_catalog.<) (b%2$s OPERATOR(pg_catalog.+) vqc.exact_quantile_count(s%2$s)) '
                                             'THEN %3$s END',
                                             ranks[i2], grp[i2],
                                             CASE WHEN glo[grp[i2]] = ghi[grp[i2]] THEN format('vqc.key_value(%L::pg_catalog.int8)', glo[grp[i2]])
                                                  ELSE format('vqc.exact_kth(s%s, (%s::pg_catalog.int8 OPERATOR(pg_catalog.-) b%s))', grp[i2], ranks[i2], grp[i2]) END),
                                      ', ' ORDER BY i2)
                      FROM generate_series(1, nr) i2),
                   items, value_sql, target)
        INTO got;
    RETURN got;
END
$$;

-- percentile_cont(q) (disc: percentile_disc(q)) of a column's n non-null
-- values for each q, exactly: in one pass bracketed by sketch (a profile of
-- the same values, from the scan whose collector overflowed) when it is
-- given and the brackets hold, else by vqc._exact_ranks' passes.
CREATE FUNCTION vqc._exact_quantiles_by_passes(target regclass, value_sql text, qs float8[], n bigint,
                                               disc boolean, sketch vqc.profile,
                                               OUT vals float8[], OUT passes integer)
LANGUAGE plpgsql
AS $$
DECLARE
    ranks bigint[];       -- the distinct ranks needed, ascending
    got   float8[];       -- their values
    tried integer := 0;   -- the bracketed pass, when it ran and missed
BEGIN
    IF n IS NULL OR n = 0 THEN
        vals := array_fill(NULL::float8, ARRAY[cardinality(qs)]);
        passes := 0;
        RETURN;
    END IF;
    SELECT array_agg(DISTINCT r ORDER BY r) INTO ranks
      FROM unnest(qs) q,
           LATERAL (VALUES (CASE WHEN disc THEN greatest(ceil(q * n)::bigint, 1) - 1 ELSE floor(q * (n - 1))::bigint END),
                           (CASE WHEN disc THEN greatest(ceil(q * n)::bigint, 1) - 1 ELSE ceil(q * (n - 1))::bigint END)) v(r);
    IF sketch IS NOT NULL THEN
        got := vqc._exact_ranks_bracketed(target, value_sql, ranks, n, sketch);
        tried := CASE WHEN got IS NULL THEN 0 ELSE 1 END;
        passes := 1;
    END IF;
    IF got IS NULL OR array_position(got, NULL) IS NOT NULL THEN
        SELECT x.vals, x.passes + tried INTO got, passes FROM vqc._exact_ranks(target, value_sql, ranks) x;
    END IF;
    vals := ARRAY(SELECT CASE WHEN disc THEN got[array_position(ranks, greatest(ceil(q * n)::bigint, 1) - 1)]
                              ELSE vqc.quantile_interpolate(got[array_position(ranks, floor(q * (n - 1))::bigint)],
                                                            got[array_position(ranks, ceil(q * (n - 1))::bigint)], q, n) END
                    FROM unnest(qs) WITH ORDINALITY u(q, o) ORDER BY o);
END
$$;

-- Evaluates one planned expectation from the scan's values (item name -> text).
-- Returns {"success", "result", "samples", "extra_scans"}.
CREATE FUNCTION vqc._evaluate(target regclass, plan jsonb, vals jsonb, rf jsonb)
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

    IF plan ->> 'evaluator' = 'freshness' THEN
        RETURN vqc._evaluate_freshness(plan, vals, rf);            -- freshness.sql
    END IF;
    IF plan ->> 'evaluator' = 'model_metric' THEN
        RETURN vqc._evaluate_model_metric(target, plan, vals, rf);  -- model_expectations.sql
    END IF;
    IF plan ? 'evaluator' THEN
        RETURN vqc._evaluate_ge_type(target, plan, vals, rf);      -- ge_types.sql: other tables' counts
    END IF;

    IF kind = 'statistic' THEN
        res := vqc._evaluate_statistic(target, plan, vals, rf);
        RETURN res || jsonb_build_object('samples', samples);
    END IF;

    IF kind IN ('table', 'aggregate') THEN
        observed := vals ->> (plan ->> 'value_item');
        IF plan ? 'bracket_items' OR (vals ->> (plan ->> 'overflow_item'))::boolean THEN
            -- bracketed in the scan, or more values than
            -- vqc.exact_memory_limit: the exact median from the scan's
            -- brackets, or by passes
            SELECT x.quantiles[1]::text, x.passes INTO observed, extra
              FROM vqc._overflowed_quantiles(target, vqc._quantile_arg(qcol, plan ->> 'type_sql'), '{0.5}', false,
                                             plan, vals) x;
        END IF;
        RETURN jsonb_build_object(
            'success', vqc._within_bounds(plan, observed),
            'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                           ELSE jsonb_build_object('observed_value', vqc._observed_json(plan, observed)) END,
            'samples', samples, 'extra_scans', extra);
    END IF;

    -- map
    SELECT typcategory INTO category FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype;
    element := (vals ->> coalesce(plan ->> 'element_item', 'n'))::bigint;
    nonnull := (vals ->> (plan ->> 'nonnull'))::bigint;

    IF plan ? 'unique_by_index' THEN
        t := NULL;
    ELSIF plan ? 'failures' THEN
        -- z-scores, compound uniqueness (ge_types.sql): a pass when needed
        SELECT x.t, x.passes INTO t, extra FROM vqc._ge_type_failures(target, plan, vals) x;
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
            -- samples ascending by value, then by row key: the same order
            -- whatever the plan.  OFFSET 0 keeps the candidates a subquery
            -- of their own: Citus gathers them and runs the ordered
            -- aggregate on the coordinator (it cannot push one down).
            EXECUTE format('SELECT vqc.tally(v::pg_catalog.text, k, %3$s ORDER BY v, k) FROM '
                           '(SELECT %1$s AS v, %2$s AS k, pg_catalog.count(*) OVER (PARTITION BY %1$s) AS c '
                           '   FROM %4$s WHERE vqc.hash_value(%1$s) OPERATOR(pg_catalog.=) ANY ($1) OFFSET 0) AS candidates '
                           'WHERE c OPERATOR(pg_catalog.>) 1',
                           qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', target)
                INTO t USING ARRAY(SELECT dups[i][1] FROM generate_subscripts(dups, 1) AS i);
            extra := 1;
        ELSE
            -- samples in the hash screen's order, by value, then by row key
            -- (the repeated rows in a subquery of their own, as above)
            eq := vqc._type_operator((plan ->> 'type_sql')::regtype, '=');
            EXECUTE format('SELECT vqc.tally(v::pg_catalog.text, k, %3$s ORDER BY v, k) FROM '
                           '(SELECT %1$s AS v, %2$s AS k FROM %4$s '
                           ' WHERE (%1$s)%5$s %6$s ANY (SELECT (%1$s)%5$s FROM %4$s WHERE %1$s IS NOT NULL '
                           ' GROUP BY %1$s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1) OFFSET 0) AS candidates',
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
    res := vqc._ge_map_extras(target, plan, rf, res);
    RETURN res || jsonb_build_object('samples', samples, 'extra_scans', extra);
END
$$;

-- ---------------------------------------------------------------------------
-- evaluating a list of expectations on one table in one scan

-- The one SELECT that computes the named items (in the order of names) as
-- text: the aggregate states in an inner SELECT, each once, and the items
-- over them in the outer one (see vqc._scan_item_split).
CREATE FUNCTION vqc._scan_sql(target regclass, items jsonb, names text[])
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

-- Plans every expectation of a list for one scan of target:
--   plans[i] (NULL when it could not be planned: errors[i] says why),
--   rfs[i] (the normalized result_format), items (every aggregate expression
--   the scan computes, profiles of profile_columns and count(*) included) and
--   kwargs_all (the $1 parameter of the scan).
-- With raise_errors, a bad expectation raises instead.
CREATE FUNCTION vqc._plan_all(target regclass, expectations jsonb, key_columns text[],
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
$$;

-- expectations: [{"type", "kwargs", "id"?}]; profile_columns are profiled in the same scan
-- Returns {"rows": element count or null, "scans": n, "results": [
--   {"position", "id", "type", "kwargs", "column", "status", "success", "result",
--    "samples", "error"}]}
-- With raise_errors, a bad expectation raises; otherwise it is reported with
-- status "error" and the others are evaluated.
CREATE FUNCTION vqc._evaluate_all(target regclass, expectations jsonb, key_columns text[],
                                  sample_cap integer, rf_default jsonb, raise_errors boolean,
                                  profile_columns text[] DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    planned record := vqc._plan_all(target, expectations, key_columns, sample_cap, rf_default,
                                    raise_errors, profile_columns);
    scanned record := vqc._scan_plans(target, planned.items, planned.kwargs_all, raise_errors,
                                      planned.plans, planned.errors);
BEGIN
    RETURN vqc._evaluate_plans(target, expectations, scanned.plans, planned.rfs, scanned.errors,
                               scanned.vals, scanned.scans, raise_errors, profile_columns,
                               scanned.profile_errors);
END
$$;

-- The one scan of target for all items ({name: value text} in vals); when it
-- fails and errors are not raised, each plan's items are scanned alone so
-- that only the culprit is reported (its plan NULL, its error set), then
-- the profiles and the row count no check's scan took (scan.sql); a
-- profile that cannot be taken is in profile_errors ({column: message}).
CREATE FUNCTION vqc._scan_plans(target regclass, items jsonb, kwargs_all jsonb, raise_errors boolean,
                                INOUT plans jsonb[], INOUT errors text[], OUT vals jsonb, OUT scans integer,
                                OUT profile_errors jsonb)
LANGUAGE plpgsql
AS $$
BEGIN
    vals := '{}';
    scans := 0;
    profile_errors := '{}';
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
                SELECT x.plans, x.errors, x.vals, x.scans, x.profile_errors
                  INTO plans, errors, vals, scans, profile_errors
                  FROM vqc._scan_each(target, items, kwargs_all, plans, errors) x;
        END;
    END IF;
END
$$;

-- Evaluates planned expectations from the scan's values (see _evaluate_all).
CREATE FUNCTION vqc._evaluate_plans(target regclass, expectations jsonb, plans jsonb[], rfs jsonb[],
                                    errors text[], vals jsonb, scans integer, raise_errors boolean,
                                    profile_columns text[], profile_errors jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    n          integer := jsonb_array_length(expectations);
    e          jsonb;
    i          integer;
    pc         text;
    msg        text;
    out_results jsonb := '[]';
    ev         jsonb;
BEGIN
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

-- GE's validation-result JSON for one evaluated expectation.
CREATE FUNCTION vqc._ge_result(r jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_build_object(
        'success', coalesce((r ->> 'success')::boolean, false),
        'result', r -> 'result',
        'expectation_config', jsonb_build_object('type', r ->> 'type', 'kwargs', r -> 'kwargs'),
        'meta', coalesce(r -> 'kwargs' -> 'meta', '{}'),
        'exception_info', jsonb_build_object(
            'raised_exception', r ->> 'status' = 'error',
            'exception_message', r -> 'error',
            'exception_traceback', NULL))
$$;

-- ---------------------------------------------------------------------------
-- the ad-hoc entry point

CREATE FUNCTION vqc.expect(target regclass, expectation_type text, kwargs jsonb DEFAULT '{}',
                           result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    out jsonb;
BEGIN
    IF target IS NULL OR expectation_type IS NULL THEN
        RAISE EXCEPTION 'target and expectation_type must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF kwargs IS NULL THEN
        kwargs := '{}';
    END IF;
    IF expectation_type = 'unexpected_rows_expectation' THEN
        RETURN vqc._expect_unexpected_rows(target, kwargs, result_format);    -- ge_types.sql
    END IF;
    out := vqc._evaluate_all(target,
                             jsonb_build_array(jsonb_build_object('type', expectation_type, 'kwargs', kwargs)),
                             vqc._primary_key(target), 0, to_jsonb(result_format), true);
    RETURN vqc._ge_result(out -> 'results' -> 0);
END
$$;
COMMENT ON FUNCTION vqc.expect(regclass, text, jsonb, text) IS
    'Evaluates one Great Expectations expectation on a table and returns GE''s validation result.';
