-- ------------------------------------------------------------------------
-- Every function whose definition differs from 0.2.0's, as it is in 0.3.0:
-- new ones and changed ones, drafted by `test/upgrade/draft_functions.sh
-- 0.2.0` from a fresh install, then read.  After the files of each change,
-- which create the types, aggregates, tables and catalogue rows the
-- functions use (and drop what 0.3.0 no longer has).
--   * exact quantiles past the limit in the one scan, bracketed by the
--     planner's statistics (src/sql/stats_brackets.sql; issue #10);
--     vqc._exact_fit reads a setting placed before vqc's library loaded.
-- ------------------------------------------------------------------------
SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._bracketed_rank_sql(value_sql text, bracket jsonb, rank_sql text)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('vqc.exact_kth(vqc.exact_quantile_agg(%1$s) FILTER (WHERE (%1$s)::pg_catalog.float8 OPERATOR(pg_catalog.>=) %2$L::pg_catalog.float8 '
                  'AND (%1$s)::pg_catalog.float8 OPERATOR(pg_catalog.<=) %3$L::pg_catalog.float8), '
                  '(%4$s) OPERATOR(pg_catalog.-) pg_catalog.count(*) FILTER (WHERE (%1$s)::pg_catalog.float8 OPERATOR(pg_catalog.<) %2$L::pg_catalog.float8))',
                  value_sql, bracket ->> 'lo', bracket ->> 'hi', rank_sql)
$function$
;

CREATE OR REPLACE FUNCTION vqc._evaluate(target regclass, plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._evaluate_statistic(target regclass, plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
        ELSIF plan ? 'bracket_items' OR (vals ->> (plan ->> 'overflow_item'))::boolean THEN
            -- bracketed in the scan, or past vqc.exact_memory_limit: exact
            -- percentile_disc from the scan's brackets, or by passes
            SELECT x.quantiles, x.passes INTO qvals, extra
              FROM vqc._overflowed_quantiles(target, vqc._quantile_arg(quote_ident(colname), plan ->> 'type_sql'), qs, true,
                                             plan, vals) x;
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._exact_fit()
 RETURNS bigint
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    -- Until vqc's library is loaded the setting is unknown (its default
    -- then), or a placeholder holding what the user wrote: a bare number is kB.
    SELECT greatest(CASE WHEN lim = '-1' THEN pg_catalog.pg_size_bytes(pg_catalog.current_setting('work_mem'))
                         WHEN lim OPERATOR(pg_catalog.~) '^\s*\d+\s*$' THEN lim::pg_catalog.int8 OPERATOR(pg_catalog.*) 1024
                         ELSE pg_catalog.pg_size_bytes(lim) END / 8, 1)
      FROM (SELECT coalesce(pg_catalog.current_setting('vqc.exact_memory_limit', true), '-1') AS lim) s
$function$
;

CREATE OR REPLACE FUNCTION vqc._exact_quantile_items(target regclass, colname name, qarg text, qs double precision[], disc boolean, suffix text, bracket_suffix text)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    count_sql text := format('vqc.exact_quantile_count(vqc.exact_quantile_agg(%s))', qarg);
    overflow  boolean := vqc._may_overflow(target);
    brackets  jsonb;
    items     jsonb := '{}';
    pairs     jsonb := '[]';
    i         int;
    first     text;
    second    text;
BEGIN
    IF overflow OR (SELECT c.reltuples >= 1e6 FROM pg_catalog.pg_class c WHERE c.oid = target) THEN
        brackets := vqc._stats_brackets(target, colname, qs);
    END IF;
    IF brackets IS NULL THEN
        RETURN jsonb_build_object(
            'items', jsonb_build_object('o' || suffix, format('vqc.exact_quantile_overflowed(vqc.exact_quantile_agg(%s))', qarg),
                                        'c' || suffix, count_sql)
                     || CASE WHEN overflow THEN jsonb_build_object('k' || suffix, format('vqc.profile_agg(%s)', qarg)) ELSE '{}' END,
            'overflow_item', 'o' || suffix, 'count_item', 'c' || suffix,
            'sketch_item', CASE WHEN overflow THEN 'k' || suffix END);
    END IF;
    count_sql := format('pg_catalog.count(%s)', qarg);
    FOR i IN 1 .. cardinality(qs) LOOP
        first := format('r%s_%s', bracket_suffix, i);
        second := CASE WHEN disc THEN first ELSE format('R%s_%s', bracket_suffix, i) END;
        items := items
                 || jsonb_build_object(first, vqc._bracketed_rank_sql(qarg, brackets -> (i - 1), vqc._rank_sql(count_sql, qs[i], disc, false)))
                 || jsonb_build_object(second, vqc._bracketed_rank_sql(qarg, brackets -> (i - 1), vqc._rank_sql(count_sql, qs[i], disc, NOT disc)));
        pairs := pairs || jsonb_build_array(jsonb_build_array(first, second));
    END LOOP;
    RETURN jsonb_build_object('items', items || jsonb_build_object('n' || suffix, count_sql),
                              'count_item', 'n' || suffix, 'bracket_items', pairs);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._exact_ranks(target regclass, value_sql text, ranks bigint[], OUT vals double precision[], OUT passes integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._hist_fraction(hist double precision[], x double precision)
 RETURNS double precision
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE WHEN b < 2 OR i = 0 THEN 0
                WHEN i >= b THEN 1
                ELSE (i - 1 + coalesce((x - hist[i]) / nullif(hist[i + 1] - hist[i], 0), 0)) / (b - 1) END
      FROM (SELECT cardinality(hist) AS b, width_bucket(x, hist) AS i) s
$function$
;

CREATE OR REPLACE FUNCTION vqc._html_describe(etype text, kwargs jsonb)
 RETURNS text
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT '<b>' || vqc._html_text(coalesce(kwargs ->> 'column', kwargs ->> 'column_A', 'The table'), 120) || '</b>: '
        || vqc._html_text(coalesce(c.description, etype), 600)
        || coalesce(' <span class="muted">(' || (SELECT string_agg(vqc._html_text(k, 60) || ' = ' || vqc._html_text(v::text, 200), ', ' ORDER BY k)
                                                   FROM jsonb_each(kwargs - '{column,meta,notes,result_format,include_config,catch_exceptions}'::text[]) x(k, v))
                    || ')</span>', '')
        || coalesce('<br><i>' || vqc.html_escape(left(coalesce(kwargs #>> '{meta,notes,content}', kwargs #>> '{meta,notes}', kwargs ->> 'notes'), 2000)) || '</i>', '')
      FROM (SELECT NULL) one
      LEFT JOIN vqc.expectation_catalog c ON c.expectation_type = etype
$function$
;

CREATE OR REPLACE FUNCTION vqc._html_kv_rows(names text[], vals text[])
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT string_agg(format('<tr><th>%s</th><td class="num">%s</td>%s</tr>', names[i], vals[i],
                             CASE WHEN i < cardinality(names) THEN format('<th>%s</th><td class="num">%s</td>', names[i + 1], vals[i + 1])
                                  ELSE '<td></td><td></td>' END), '' ORDER BY i)
      FROM generate_series(1, cardinality(names), 2) i
$function$
;

CREATE OR REPLACE FUNCTION vqc._html_num(x double precision)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE WHEN x IS NULL THEN '&#8212;'
                WHEN x IN ('NaN', 'Infinity', '-Infinity') THEN x::text
                WHEN x = trunc(x) AND abs(x) < 1e15 THEN to_char(x::numeric, 'FM999,999,999,999,990')
                WHEN abs(x) >= 1e12 OR abs(x) < 1e-6 THEN trim(to_char(x, '9.99999EEEE'))
                ELSE rtrim(to_char(round(x::numeric, 6), 'FM999,999,999,990.999999'), '.') END
$function$
;

CREATE OR REPLACE FUNCTION vqc._html_overlay(baseline vqc.profile, current vqc.profile)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    lo    double precision;
    hi    double precision;
    edges double precision[];
    a     double precision[];
    b     double precision[];
    labs  text[];
BEGIN
    IF vqc.mean(baseline) IS NOT NULL AND vqc.mean(current) IS NOT NULL THEN
        lo := least(vqc.quantile(baseline, 0), vqc.quantile(current, 0));
        hi := greatest(vqc.quantile(baseline, 1), vqc.quantile(current, 1));
        IF lo IS NULL OR hi IS NULL OR lo = hi THEN
            RETURN '<p class="muted">Both hold one value.</p>';
        END IF;
        edges := ARRAY(SELECT lo + (hi - lo) * g / 20.0 FROM generate_series(0, 20) g);
        SELECT array_agg(coalesce(vqc.rank(baseline, edges[g + 1]) - CASE WHEN g = 1 THEN 0 ELSE vqc.rank(baseline, edges[g]) END, 0) ORDER BY g),
               array_agg(coalesce(vqc.rank(current, edges[g + 1]) - CASE WHEN g = 1 THEN 0 ELSE vqc.rank(current, edges[g]) END, 0) ORDER BY g),
               array_agg(vqc._html_num(edges[g]) || ' – ' || vqc._html_num(edges[g + 1]) ORDER BY g)
          INTO a, b, labs
          FROM generate_series(1, 20) g;
    ELSE
        WITH v AS (SELECT value FROM vqc.top_values(baseline, 10) UNION SELECT value FROM vqc.top_values(current, 10))
        SELECT array_agg(coalesce(tb.count, 0)::float8 / nullif(vqc.row_count(baseline) - vqc.null_count(baseline), 0) ORDER BY v.value),
               array_agg(coalesce(tc.count, 0)::float8 / nullif(vqc.row_count(current) - vqc.null_count(current), 0) ORDER BY v.value),
               array_agg(v.value ORDER BY v.value)
          INTO a, b, labs
          FROM v
          LEFT JOIN vqc.top_values(baseline, 1000) tb ON tb.value = v.value
          LEFT JOIN vqc.top_values(current, 1000) tc ON tc.value = v.value;
    END IF;
    RETURN vqc._svg_bars(a, labs, 'baseline', b, 'current')
        || '<div class="legend muted"><span class="baseline" style="background:#8aa0c8"></span>baseline'
        || '<span class="current" style="background:#e08a3c"></span>current</div>';
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._html_page(title text, body text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT '<!DOCTYPE html>' || E'\n'
        || '<html lang="en"><head><meta charset="utf-8">'
        || '<meta http-equiv="Content-Security-Policy" content="default-src ''none''; style-src ''unsafe-inline''; img-src data:; form-action ''none''; base-uri ''none''">'
        || '<meta name="viewport" content="width=device-width, initial-scale=1">'
        || '<meta name="generator" content="vqc">'
        || '<title>' || vqc._html_text(title, 200) || '</title><style>'
        || 'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2430;margin:0;background:#f6f7f9}'
        || 'main{max-width:1180px;margin:0 auto;padding:24px}h1{font-size:22px;margin:0 0 4px}'
        || 'h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #d8dde5;padding-bottom:4px}'
        || 'h3{font-size:14px;margin:0 0 6px}.muted{color:#5d6778}'
        || 'table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #e1e5eb;padding:5px 8px;text-align:left;vertical-align:top}'
        || 'th{background:#eef1f5;font-weight:600}.kv th{width:22%;font-weight:500}.kv td{width:28%}.card table{font-size:12px;margin-top:6px;table-layout:fixed}td{overflow-wrap:anywhere}.card{overflow:hidden}td.num{text-align:right;font-variant-numeric:tabular-nums}'
        || '.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600;color:#fff}'
        || '.success{background:#2f8f4e}.failure{background:#c0392b}.error{background:#8a5a00}.none{background:#7b8494}'
        || '.summary{display:flex;gap:12px;margin:14px 0}.summary div{background:#fff;border:1px solid #e1e5eb;border-radius:8px;padding:10px 16px;min-width:110px}'
        || '.summary b{display:block;font-size:22px}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}'
        || '.card{background:#fff;border:1px solid #e1e5eb;border-radius:8px;padding:12px}'
        || 'code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all}'
        || 'pre{background:#f3f5f8;padding:6px;margin:4px 0;max-height:220px;overflow:auto}'
        || 'details summary{cursor:pointer;color:#36518a}'
        || 'svg{display:block;margin:6px 0}svg .bar{fill:#4a78c2}svg .baseline{fill:#8aa0c8;opacity:.75}svg .current{fill:#e08a3c;opacity:.6}'
        || 'svg .axis{stroke:#9aa4b2;stroke-width:1}svg .line{fill:none;stroke:#4a78c2;stroke-width:1.5}'
        || 'svg .point{fill:#4a78c2}svg .anomaly{fill:#c0392b}svg .bound{stroke:#c0392b;stroke-dasharray:4 3;stroke-width:1}'
        || 'svg text{font-size:10px;fill:#5d6778}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}'
        || '</style></head><body><main>' || body
        || '<p class="muted">Rendered by vqc at ' || vqc.html_escape(to_char(now(), 'YYYY-MM-DD HH24:MI:SS TZ'))
        || ' for role ' || vqc.html_escape(current_user::text) || '.</p></main></body></html>'
$function$
;

CREATE OR REPLACE FUNCTION vqc._html_profile_card(column_name text, column_type text, p vqc.profile)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    numeric_kind boolean := vqc.mean(p) IS NOT NULL;
    chart        text;
    qs           double precision[];
BEGIN
    IF numeric_kind THEN
        SELECT vqc._svg_bars(array_agg(h.count ORDER BY h.bin),
                             array_agg(vqc._html_num(h.lower) || ' – ' || vqc._html_num(h.upper) ORDER BY h.bin), 'bar')
          INTO chart FROM vqc.histogram(p, 20) h;
        qs := vqc.quantiles(p, '{0.05,0.25,0.5,0.75,0.95}');
    ELSE
        SELECT vqc._svg_bars(array_agg(t.count::float8 ORDER BY t.count DESC, t.value),
                             array_agg(t.value ORDER BY t.count DESC, t.value), 'bar')
          INTO chart FROM vqc.top_values(p, 12) t;
    END IF;
    RETURN '<div class="card"><h3>' || vqc._html_text(column_name, 120) || ' <span class="muted">'
        || vqc._html_text(column_type, 60) || '</span></h3>'
        || coalesce(chart, '')
        || '<table class="kv">' || vqc._html_kv_rows(
               ARRAY['rows', 'null fraction', 'distinct', 'min', 'max']
               || CASE WHEN qs IS NULL THEN '{}'::text[] ELSE ARRAY['mean', 'stddev', 'p5', 'p25', 'median', 'p75', 'p95'] END,
               ARRAY[vqc._html_num(vqc.row_count(p)), vqc._html_num(vqc.null_fraction(p)), vqc._html_num(round(vqc.ndistinct(p))),
                     vqc._html_text(vqc.min_value(p), 60), vqc._html_text(vqc.max_value(p), 60)]
               || CASE WHEN qs IS NULL THEN '{}'::text[] ELSE
                  ARRAY[vqc._html_num(vqc.mean(p)), vqc._html_num(vqc.stddev(p))]
                  || ARRAY(SELECT vqc._html_num(q) FROM unnest(qs) WITH ORDINALITY u(q, o) ORDER BY o) END)
        || '</table>'
        || CASE WHEN numeric_kind THEN '' ELSE
           '<table><tr><th>most frequent</th><th>count</th></tr>'
           || coalesce((SELECT string_agg(format('<tr><td>%s</td><td class="num">%s</td></tr>', vqc._html_text(t.value, 200), vqc._html_num(t.count)),
                                          '' ORDER BY t.count DESC, t.value)
                          FROM vqc.top_values(p, 5) t), '')
           || '</table>' END
        || CASE WHEN vqc.is_exact(p) THEN '' ELSE '<div class="muted">from sketches (approximate)</div>' END
        || '</div>';
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._html_run_drift(run_id bigint, target regclass)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT string_agg(
               '<div class="card"><h3>' || vqc._html_text(res.column_name, 120) || ' ' || vqc._html_status(res.status)
               || '</h3><div class="muted">against baseline <b>' || vqc._html_text(res.kwargs ->> 'baseline', 200) || '</b>'
               || CASE WHEN jsonb_typeof(d.observed_value) = 'number'
                       THEN ', score ' || vqc._html_num((d.observed_value #>> '{}')::float8) ELSE '' END
               || '</div>'
               || CASE WHEN b.profile IS NOT NULL AND p.profile IS NOT NULL THEN vqc._html_overlay(b.profile, p.profile)
                       ELSE '<p class="muted">Profile the column in the suite (profile_columns) to draw both distributions here.</p>' END
               || '</div>', '' ORDER BY res.position)
      FROM vqc_report.result res
      LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
      LEFT JOIN vqc_report.profile p ON p.run_id = res.run_id AND p.column_name = res.column_name
      LEFT JOIN vqc.baseline b ON b.target = _html_run_drift.target AND b.label = res.kwargs ->> 'baseline'
                              AND b.column_name = res.column_name
     WHERE res.run_id = _html_run_drift.run_id AND res.expectation_type = 'expect_column_drift_to_be_less_than'
$function$
;

CREATE OR REPLACE FUNCTION vqc._html_status(status text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('<span class="badge %s">%s</span>',
                  CASE WHEN status IN ('success', 'failure', 'error') THEN status ELSE 'none' END,
                  vqc._html_text(coalesce(status, 'not run'), 40))
$function$
;

CREATE OR REPLACE FUNCTION vqc._html_text(s text, max_chars integer DEFAULT 300)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE WHEN s IS NULL THEN '&#8212;'
                WHEN length(s) > max_chars THEN vqc.html_escape(left(s, max_chars)) || '&#8230;'
                ELSE vqc.html_escape(s) END
$function$
;

CREATE OR REPLACE FUNCTION vqc._html_trends(suite text, up_to bigint, n integer DEFAULT 30)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    WITH runs AS (
        SELECT r.run_id, r.started_at FROM vqc_report.run r
         WHERE r.suite_name = suite AND r.run_id <= up_to
         ORDER BY r.run_id DESC LIMIT n),
    pts AS (
        SELECT res.expectation_id, res.expectation_type, res.column_name, runs.run_id, runs.started_at,
               res.status = 'failure' AS bad,
               coalesce(max(m.value) FILTER (WHERE m.metric_name = 'observed_value'),
                        max(m.value) FILTER (WHERE m.metric_name = 'unexpected_percent')) AS y,
               bool_or(m.metric_name = 'observed_value') AS observed
          FROM runs
          JOIN vqc_report.result res ON res.run_id = runs.run_id
          JOIN vqc_report.metric m ON m.run_id = res.run_id AND m.position = res.position
         WHERE res.expectation_id IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5, 6),
    series AS (
        SELECT p.expectation_id, min(p.expectation_type) AS etype, min(p.column_name) AS col,
               bool_or(p.observed) AS observed,
               array_agg(p.started_at ORDER BY p.run_id) AS at, array_agg(p.y ORDER BY p.run_id) AS ys,
               array_agg(p.bad ORDER BY p.run_id) AS bad
          FROM pts p GROUP BY p.expectation_id HAVING count(p.y) >= 2)
    SELECT coalesce(string_agg(
               '<div class="card"><h3>' || vqc._html_text(s.etype, 120) || ' &#183; ' || vqc._html_text(coalesce(s.col, 'table'), 120)
               || '</h3><div class="muted">' || CASE WHEN s.observed THEN 'observed value' ELSE 'unexpected %' END
               || ', last ' || cardinality(s.ys) || ' runs</div>'
               || coalesce(vqc._svg_trend(s.at, s.ys, s.bad,
                                          CASE WHEN s.observed THEN (e.kwargs ->> 'min_value')::float8 END,
                                          CASE WHEN s.observed THEN (e.kwargs ->> 'max_value')::float8 END), '')
               || '</div>', '' ORDER BY s.expectation_id), '')
      FROM series s
      LEFT JOIN vqc.suite_expectation e ON e.expectation_id = s.expectation_id
$function$
;

CREATE OR REPLACE FUNCTION vqc._overflowed_quantiles(target regclass, qarg text, qs double precision[], disc boolean, plan jsonb, vals jsonb, OUT quantiles double precision[], OUT passes integer)
 RETURNS record
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    n bigint := (vals ->> (plan ->> 'count_item'))::bigint;
BEGIN
    IF plan ? 'bracket_items' AND n > 0 THEN
        quantiles := ARRAY(SELECT CASE WHEN disc THEN (vals ->> (p ->> 0))::float8
                                       ELSE vqc.quantile_interpolate((vals ->> (p ->> 0))::float8,
                                                                     (vals ->> (p ->> 1))::float8, qs[o::int], n) END
                             FROM jsonb_array_elements(plan -> 'bracket_items') WITH ORDINALITY b(p, o)
                            ORDER BY o);
        passes := 0;
        IF array_position(quantiles, NULL) IS NULL THEN
            RETURN;
        END IF;
    END IF;
    SELECT x.vals, x.passes INTO quantiles, passes
      FROM vqc._exact_quantiles_by_passes(target, qarg, qs, n, disc, (vals ->> (plan ->> 'sketch_item'))::vqc.profile) x;
END
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_statistic(target regclass, etype text, kwargs jsonb, pidx integer, colname text, type_sql text, category "char")
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    qcol   text := quote_ident(colname);
    p      text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    qr     jsonb;
    qs     jsonb;
    ranges jsonb;
    lo     jsonb;
    hi     jsonb;
    items  jsonb;
    plan   jsonb;
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
        -- one collector for all quantiles (the planner computes identical
        -- aggregates once), its count and overflow flag, its way past the limit
        plan := vqc._exact_quantile_items(target, colname, vqc._quantile_arg(qcol, type_sql),
                                          ARRAY(SELECT (x)::float8 FROM jsonb_array_elements_text(qs) x), true,
                                          ':' || colname, pidx::text);
        items := plan -> 'items';
        FOR j IN 0 .. jsonb_array_length(qs) - 1 LOOP
            EXIT WHEN plan ? 'bracket_items';   -- no collector of the whole column
            items := items || jsonb_build_object(format('q%s_%s', pidx, j),
                format('vqc.exact_quantile_disc(vqc.exact_quantile_agg(%s), '
                       '(%s OPERATOR(pg_catalog.->) ''quantile_ranges'' OPERATOR(pg_catalog.->) ''quantiles'' '
                       'OPERATOR(pg_catalog.->>) %s)::pg_catalog.float8)',
                       vqc._quantile_arg(qcol, type_sql), p, j));
        END LOOP;
        RETURN plan || jsonb_build_object('statistic', 'quantiles', 'approximate', false, 'items', items);

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
$function$
;

CREATE OR REPLACE FUNCTION vqc._rank_sql(count_sql text, q double precision, disc boolean, second boolean)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE WHEN disc THEN format('GREATEST(pg_catalog.ceil(%L::pg_catalog.float8 OPERATOR(pg_catalog.*) %s)::pg_catalog.int8, 1) OPERATOR(pg_catalog.-) 1',
                                      q, count_sql)
                ELSE format('pg_catalog.%s(%L::pg_catalog.float8 OPERATOR(pg_catalog.*) (%s OPERATOR(pg_catalog.-) 1))::pg_catalog.int8',
                            CASE WHEN second THEN 'ceil' ELSE 'floor' END, q, count_sql) END
$function$
;

CREATE OR REPLACE FUNCTION vqc._record_drift_report_check(target regclass, label text, method text, options jsonb, drift_share double precision)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    started timestamptz := clock_timestamp();
    base    record;
    cols    text[];
    scan    record;
    d       jsonb;
    msg     text;
    results jsonb := '[]';
BEGIN
    IF target IS NULL OR label IS NULL THEN
        RAISE EXCEPTION 'target and label must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF drift_share IS NULL OR drift_share <= 0 OR drift_share > 1 THEN
        RAISE EXCEPTION 'drift_share must be in (0, 1]' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- the baselines the caller may read (row-level security on vqc.baseline)
    IF NOT EXISTS (SELECT 1 FROM vqc.baseline b WHERE b.target = _record_drift_report_check.target
                                                 AND b.label = _record_drift_report_check.label) THEN
        RAISE EXCEPTION 'baseline "%" of table % does not exist', label, target
            USING ERRCODE = 'undefined_object', HINT = 'Store one with vqc.set_baseline().';
    END IF;
    -- baselined columns that still exist with a type a profile supports
    SELECT array_agg(b.column_name ORDER BY a.attnum) INTO cols
      FROM vqc.baseline b
      JOIN pg_attribute a ON a.attrelid = b.target AND a.attname = b.column_name AND NOT a.attisdropped
     WHERE b.target = _record_drift_report_check.target AND b.label = _record_drift_report_check.label
       AND vqc._profiles_type(a.atttypid);
    scan := vqc._profile_scan(target, cols);

    FOR base IN SELECT b.column_name, b.profile FROM vqc.baseline b
                 WHERE b.target = _record_drift_report_check.target AND b.label = _record_drift_report_check.label
                 ORDER BY b.column_name LOOP
        d := NULL;
        msg := NULL;
        IF NOT scan.profiles ? base.column_name THEN
            msg := format('column "%s" is no longer in the table (or its type changed)', base.column_name);
        ELSE
            BEGIN
                d := vqc.drift(base.profile, (scan.profiles ->> base.column_name)::vqc.profile, method, options);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            END;
        END IF;
        results := results || jsonb_build_array(jsonb_build_object('column', base.column_name, 'drift', d, 'error', msg,
                                                                   'baseline_profile', base.profile::text,
                                                                   'current_profile', scan.profiles ->> base.column_name));
    END LOOP;
    RETURN jsonb_build_object('started', started, 'finished', clock_timestamp(),
                              'rows', scan.rows_scanned, 'results', results);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._record_drift_report_write(caller regrole, computed jsonb, target regclass, label text, method text, options jsonb, drift_share double precision)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    rid bigint;
BEGIN
    PERFORM vqc._require_select(target, caller);
    INSERT INTO vqc_report.drift_run AS r (target_schema, target_table, baseline_label, started_at, finished_at,
                                          rows_scanned, columns, drifted_columns, drift_share, share_threshold,
                                          dataset_drifted, run_by, target)
    SELECT n.nspname, c.relname, label, (computed ->> 'started')::timestamptz, (computed ->> 'finished')::timestamptz,
           (computed ->> 'rows')::bigint, x.columns, x.drifted, x.drifted::float8 / nullif(x.columns, 0),
           drift_share, coalesce(x.drifted::float8 / nullif(x.columns, 0) >= drift_share, false),
           caller::text, c.oid
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
           LATERAL (SELECT count(*)::integer AS columns,
                           (count(*) FILTER (WHERE (e -> 'drift' ->> 'drifted')::boolean))::integer AS drifted
                      FROM jsonb_array_elements(computed -> 'results') e) x
     WHERE c.oid = target
    RETURNING r.drift_run_id INTO rid;

    INSERT INTO vqc_report.drift_result (drift_run_id, column_name, method, score, p_value, threshold,
                                         drifted, exact, error_message)
    SELECT rid, x ->> 'column', x -> 'drift' ->> 'method', (x -> 'drift' ->> 'score')::float8,
           (x -> 'drift' ->> 'p_value')::float8, (x -> 'drift' ->> 'threshold')::float8,
           (x -> 'drift' ->> 'drifted')::boolean, (x -> 'drift' ->> 'exact')::boolean, x ->> 'error'
      FROM jsonb_array_elements(computed -> 'results') x;

    INSERT INTO vqc_report.drift_detail (drift_run_id, column_name, target, target_schema, target_table, result,
                                         baseline_profile, current_profile)
    SELECT rid, x ->> 'column', r.target, r.target_schema, r.target_table, x -> 'drift',
           (x ->> 'baseline_profile')::vqc.profile, (x ->> 'current_profile')::vqc.profile
      FROM vqc_report.drift_run r, jsonb_array_elements(computed -> 'results') x
     WHERE r.drift_run_id = rid;

    RETURN jsonb_build_object('drift_run_id', rid,
                              'results', (SELECT jsonb_agg(x - '{baseline_profile,current_profile}'::text[] ORDER BY o)
                                            FROM jsonb_array_elements(computed -> 'results') WITH ORDINALITY e(x, o)));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._stats_brackets(target regclass, colname name, qs double precision[])
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    d       record;
    rows    float8;
    margin  float8;
    lo      float8;
    hi      float8;
    q       float8;
    out     jsonb := '[]';
BEGIN
    -- rows inserted since the last ANALYZE count too
    SELECT greatest(c.reltuples, s.n_live_tup) INTO rows
      FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
     WHERE c.oid = target;
    IF rows IS NULL OR rows <= 0 THEN
        RETURN NULL;
    END IF;
    SELECT * INTO d FROM vqc._stats_distribution(target, colname);
    IF d.xs IS NULL THEN
        RETURN NULL;
    END IF;
    -- ten times the sampling error is wide enough: a bracket holds no more
    -- values than it must
    margin := least(0.7 * vqc._exact_fit() / (rows * d.nonnull) / cardinality(qs) / 2, 10 * d.sigma);
    IF margin < 4 * d.sigma THEN
        RETURN NULL;
    END IF;
    FOREACH q IN ARRAY qs LOOP
        lo := vqc._stats_inverse(d.xs, d.below, d.upto, q - margin);
        hi := vqc._stats_inverse(d.xs, d.below, d.upto, q + margin);
        IF (SELECT max(d.upto[i] - d.below[i]) FROM generate_series(1, cardinality(d.xs)) i
             WHERE d.xs[i] BETWEEN lo AND hi) > margin / 4 THEN
            RETURN NULL;
        END IF;
        out := out || jsonb_build_object('lo', lo, 'hi', hi);
    END LOOP;
    RETURN out;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._stats_distribution(target regclass, colname name, OUT xs double precision[], OUT below double precision[], OUT upto double precision[], OUT nonnull double precision, OUT sigma double precision)
 RETURNS record
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    st       record;
    mcv      float8[];
    hist     float8[];
    histpart float8;   -- the share of all rows the histogram describes
    stat_target int;
BEGIN
    -- pg_stats shows a role only the columns it may read; a table with
    -- inheritance children is read with them, as its inherited statistics say
    SELECT s.null_frac, s.most_common_vals::text AS mcv, s.most_common_freqs AS mcf,
           s.histogram_bounds::text AS hist
      INTO st
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname
     WHERE c.oid = target AND s.attname = colname
     ORDER BY s.inherited DESC
     LIMIT 1;
    IF NOT FOUND OR st.null_frac >= 1 THEN
        RETURN;
    END IF;
    BEGIN
        mcv := coalesce(st.mcv::float8[], '{}');
        hist := coalesce(st.hist::float8[], '{}');
    EXCEPTION WHEN data_exception OR invalid_text_representation THEN
        RETURN;
    END;
    -- NaN and the infinities have no place on a line: the finite bounds
    -- describe the rest well enough for a bracket
    hist := ARRAY(SELECT h FROM unnest(hist) h WHERE h NOT IN ('NaN', 'Infinity', '-Infinity'));
    IF cardinality(hist) = 1 OR (cardinality(hist) = 0 AND cardinality(mcv) = 0) THEN
        RETURN;
    END IF;
    nonnull := 1 - st.null_frac;
    histpart := greatest(nonnull - coalesce((SELECT sum(f) FROM unnest(st.mcf) f), 0), 0);
    -- each point: the most common values' mass below and at it, plus the
    -- histogram's part up to it
    WITH pts AS (
        SELECT x, sum(f) AS mass FROM (
            SELECT m.x, m.f FROM unnest(mcv, st.mcf) m(x, f)
            UNION ALL
            SELECT h.x, 0 FROM unnest(hist) h(x)) p
         WHERE x NOT IN ('NaN', 'Infinity', '-Infinity')
         GROUP BY x),
    cum AS (
        SELECT x, mass,
               coalesce(sum(mass) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS mcv_below,
               vqc._hist_fraction(hist, x) AS h
          FROM pts)
    SELECT array_agg(x ORDER BY x),
           array_agg(least((mcv_below + histpart * h) / nonnull, 1) ORDER BY x),
           array_agg(least((mcv_below + mass + histpart * h) / nonnull, 1) ORDER BY x)
      INTO xs, below, upto
      FROM cum;
    -- ANALYZE samples 300 rows per unit of the column's statistics target
    SELECT coalesce(nullif(a.attstattarget, -1), pg_catalog.current_setting('default_statistics_target')::int)
      INTO stat_target
      FROM pg_catalog.pg_attribute a WHERE a.attrelid = target AND a.attname = colname;
    sigma := sqrt(0.25 / greatest(300.0 * stat_target, 1));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._stats_inverse(xs double precision[], below double precision[], upto double precision[], p double precision)
 RETURNS double precision
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE WHEN p <= 0 THEN '-Infinity'::float8
                WHEN p >= 1 OR p > upto[cardinality(upto)] THEN 'Infinity'::float8
                ELSE (SELECT CASE WHEN i = 1 OR p >= below[i] THEN xs[i]
                                  -- between point i - 1 and i the share rises linearly
                                  ELSE xs[i - 1] + (xs[i] - xs[i - 1]) * (p - upto[i - 1]) / nullif(below[i] - upto[i - 1], 0) END
                        FROM generate_series(1, cardinality(xs)) i
                       WHERE upto[i] >= p
                       ORDER BY i LIMIT 1) END
$function$
;

CREATE OR REPLACE FUNCTION vqc._svg_bars(heights double precision[], labels text[], series text DEFAULT 'bar'::text, second double precision[] DEFAULT NULL::double precision[], second_series text DEFAULT NULL::text, width integer DEFAULT 340, height integer DEFAULT 110)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    WITH b AS (
        SELECT i, coalesce(heights[i], 0) AS h, coalesce(second[i], 0) AS h2, labels[i] AS label
          FROM generate_series(1, coalesce(cardinality(heights), 0)) i),
    m AS (SELECT greatest(max(h), max(h2), 1e-300) AS top, count(*) AS n FROM b)
    SELECT format('<svg class="chart %s" data-bars="%s" viewBox="0 0 %s %s" width="%s" height="%s" role="img">',
                  vqc.html_escape(series), m.n * (1 + (second IS NOT NULL)::int), width, height + 14, width, height + 14)
        || format('<line class="axis" x1="0" y1="%s" x2="%s" y2="%s"/>', height, width, height)
        || coalesce(string_agg(
               format('<rect class="bar %s" x="%s" y="%s" width="%s" height="%s"><title>%s: %s</title></rect>',
                      vqc.html_escape(series), vqc._svg_num((b.i - 1) * width::numeric / m.n),
                      vqc._svg_num(height - b.h / m.top * height), vqc._svg_num(greatest(width::numeric / m.n - 1, 0.5)),
                      vqc._svg_num(b.h / m.top * height), vqc._html_text(b.label, 120), vqc._html_num(b.h))
               || CASE WHEN second IS NULL THEN '' ELSE
                  format('<rect class="bar %s" x="%s" y="%s" width="%s" height="%s"><title>%s: %s</title></rect>',
                         vqc.html_escape(second_series), vqc._svg_num((b.i - 1) * width::numeric / m.n),
                         vqc._svg_num(height - b.h2 / m.top * height), vqc._svg_num(greatest(width::numeric / m.n - 1, 0.5)),
                         vqc._svg_num(b.h2 / m.top * height), vqc._html_text(b.label, 120), vqc._html_num(b.h2)) END,
               '' ORDER BY b.i), '')
        || format('<text x="0" y="%s">%s</text><text x="%s" y="%s" text-anchor="end">%s</text>',
                  height + 12, vqc._html_text(labels[1], 40), width, height + 12,
                  vqc._html_text(labels[cardinality(labels)], 40))
        || '</svg>'
      FROM b, m
     GROUP BY m.top, m.n
    UNION ALL
    SELECT '<p class="muted">No values.</p>' WHERE coalesce(cardinality(heights), 0) = 0
$function$
;

CREATE OR REPLACE FUNCTION vqc._svg_num(x double precision)
 RETURNS numeric
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT round(x::numeric, 2) $function$
;

CREATE OR REPLACE FUNCTION vqc._svg_trend(at timestamp with time zone[], ys double precision[], failed boolean[], lo double precision, hi double precision, width integer DEFAULT 340, height integer DEFAULT 90)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    WITH p AS (
        SELECT i, at[i] AS t, ys[i] AS y, coalesce(failed[i], false) AS bad
          FROM generate_series(1, coalesce(cardinality(ys), 0)) i
         WHERE ys[i] IS NOT NULL AND ys[i] NOT IN ('NaN', 'Infinity', '-Infinity')),
    r AS (SELECT least(min(y), lo) AS y0, greatest(max(y), hi) AS y1, count(*) AS n, max(i) AS last FROM p),
    s AS (SELECT p.*, vqc._svg_num(8 + (p.i - 1) * (width - 16)::numeric / greatest(r.last - 1, 1)) AS px,
                 vqc._svg_num(height - 6 - (p.y - r.y0) / nullif(r.y1 - r.y0, 0) * (height - 12)) AS py0,
                 r.y0, r.y1
            FROM p, r),
    s2 AS (SELECT *, coalesce(py0, vqc._svg_num(height / 2.0)) AS py FROM s)
    SELECT format('<svg class="chart trend" data-points="%s" viewBox="0 0 %s %s" width="%s" height="%s" role="img">',
                  count(*), width, height, width, height)
        || coalesce((SELECT string_agg(format('<line class="bound" x1="0" y1="%1$s" x2="%2$s" y2="%1$s"><title>bound %3$s</title></line>',
                                              vqc._svg_num(height - 6 - (b - min(s2.y0)) / nullif(min(s2.y1) - min(s2.y0), 0) * (height - 12)),
                                              width, vqc._html_num(b)), '')
                       FROM unnest(ARRAY[lo, hi]) b WHERE b IS NOT NULL AND min(s2.y1) > min(s2.y0)), '')
        || format('<polyline class="line" points="%s"/>', string_agg(s2.px || ',' || s2.py, ' ' ORDER BY s2.i))
        || string_agg(format('<circle class="point%s" cx="%s" cy="%s" r="3"><title>%s: %s%s</title></circle>',
                             CASE WHEN s2.bad THEN ' anomaly' ELSE '' END, s2.px, s2.py,
                             vqc.html_escape(to_char(s2.t, 'YYYY-MM-DD HH24:MI')), vqc._html_num(s2.y),
                             CASE WHEN s2.bad THEN ' (failed)' ELSE '' END), '' ORDER BY s2.i)
        || '</svg>'
      FROM s2
    HAVING count(*) > 0
$function$
;

CREATE OR REPLACE FUNCTION vqc.drift_html(drift_run_id bigint)
 RETURNS text
 LANGUAGE plpgsql
 STABLE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    d     vqc_report.drift_run;
    body  text;
BEGIN
    SELECT * INTO d FROM vqc_report.drift_run x WHERE x.drift_run_id = drift_html.drift_run_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'drift report % does not exist', drift_run_id USING ERRCODE = 'undefined_object';
    END IF;
    body := '<h1>Drift of ' || vqc._html_text(format('%I.%I', d.target_schema, d.target_table), 300) || '</h1>'
         || '<div class="muted">drift report ' || d.drift_run_id || ' against baseline <b>' || vqc._html_text(d.baseline_label, 200)
         || '</b>, by ' || vqc._html_text(d.run_by, 100) || ', started ' || vqc.html_escape(to_char(d.started_at, 'YYYY-MM-DD HH24:MI:SS TZ'))
         || ', ' || vqc._html_num(d.rows_scanned) || ' rows</div>'
         || '<div class="summary">'
         || format('<div>%s<b>%s / %s</b>columns drifted</div><div><b>%s</b>share (threshold %s)</div></div>',
                   vqc._html_status(CASE WHEN d.dataset_drifted THEN 'failure' ELSE 'success' END),
                   d.drifted_columns, d.columns, vqc._html_num(d.drift_share), vqc._html_num(d.share_threshold))
         || '<div class="cards">'
         || coalesce((SELECT string_agg(
                '<div class="card"><h3>' || vqc._html_text(x.column_name, 120) || ' '
                || vqc._html_status(CASE WHEN x.error_message IS NOT NULL THEN 'error' WHEN x.drifted THEN 'failure' ELSE 'success' END)
                || '</h3><div class="muted">' || vqc._html_text(x.method, 60) || ' ' || vqc._html_num(x.score)
                || ' (threshold ' || vqc._html_num(x.threshold) || ')'
                || CASE WHEN x.p_value IS NULL THEN '' ELSE ', p-value ' || vqc._html_num(x.p_value) END
                || CASE WHEN x.exact THEN '' ELSE ', from sketches' END || '</div>'
                || coalesce('<div class="muted">' || vqc.html_escape(left(x.error_message, 500)) || '</div>', '')
                || coalesce(vqc._html_overlay(dd.baseline_profile, dd.current_profile), '')
                || '</div>', '' ORDER BY x.column_name)
               FROM vqc_report.drift_result x
               LEFT JOIN vqc_report.drift_detail dd ON dd.drift_run_id = x.drift_run_id AND dd.column_name = x.column_name
              WHERE x.drift_run_id = d.drift_run_id), '')
         || '</div>';
    RETURN vqc._html_page(format('vqc: drift of %s.%s', d.target_schema, d.target_table), body);
END
$function$
;
COMMENT ON FUNCTION vqc.drift_html(bigint) IS 'One standalone HTML page for a drift report: the verdict and, per column, the score with the baseline and current distributions drawn over each other.';

CREATE OR REPLACE FUNCTION vqc.html_escape(s text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT replace(replace(replace(replace(replace(
               regexp_replace(s, '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]', U&'\FFFD', 'g'),
               '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')
$function$
;
COMMENT ON FUNCTION vqc.html_escape(text) IS 'The text with & < > " '' as HTML entities and control characters replaced: safe inside an element or a quoted attribute.';

CREATE OR REPLACE FUNCTION vqc.report_html(run_id bigint)
 RETURNS text
 LANGUAGE plpgsql
 STABLE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    r        vqc_report.run;
    body     text;
    rows_html text;
    profiles text;
BEGIN
    SELECT * INTO r FROM vqc_report.run x WHERE x.run_id = report_html.run_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'run % does not exist', run_id USING ERRCODE = 'undefined_object';
    END IF;
    body := '<h1>' || vqc._html_text(r.suite_name, 200) || '</h1>'
         || '<div class="muted">run ' || r.run_id || ' of table <code>' || vqc._html_text(format('%I.%I', r.target_schema, r.target_table), 300)
         || '</code> by ' || vqc._html_text(r.run_by, 100) || ', started ' || vqc.html_escape(to_char(r.started_at, 'YYYY-MM-DD HH24:MI:SS TZ'))
         || ', ' || vqc._html_num(round(extract(epoch FROM r.finished_at - r.started_at)::numeric * 1000, 1)::float8) || ' ms, '
         || vqc._html_num(r.rows_scanned) || ' rows, ' || r.scans || ' scan' || CASE WHEN r.scans = 1 THEN '' ELSE 's' END
         || CASE WHEN r.row_security THEN ', through row-level security' ELSE '' END || '</div>'
         || '<div class="summary">'
         || format('<div><b>%s</b>%s</div>', vqc._html_status(CASE WHEN r.success THEN 'success' ELSE 'failure' END),
                   vqc._html_num(round(r.success_percent::numeric, 1)::float8) || ' % passed')
         || format('<div><b>%s</b>passed</div><div><b>%s</b>failed</div><div><b>%s</b>errors</div><div><b>%s</b>expectations</div>',
                   r.successful_expectations, r.unsuccessful_expectations, r.error_expectations,
                   r.evaluated_expectations)
         || '</div>';

    SELECT string_agg(
               '<tr id="e' || res.position || '"><td class="num">' || res.position || '</td><td>'
               || vqc._html_describe(res.expectation_type, res.kwargs)
               || '<details><summary>kwargs</summary><pre>' || vqc._html_text(jsonb_pretty(res.kwargs), 20000) || '</pre></details></td>'
               || '<td>' || vqc._html_status(res.status) || coalesce('<div class="muted">' || vqc.html_escape(left(res.error_message, 500)) || '</div>', '') || '</td>'
               || '<td>' || CASE WHEN jsonb_typeof(d.observed_value) = 'number' THEN vqc._html_num((d.observed_value #>> '{}')::float8)
                                 WHEN d.observed_value IS NOT NULL THEN vqc._html_text(d.observed_value::text, 400)
                                 WHEN res.unexpected_count IS NOT NULL THEN
                                      vqc._html_num(res.unexpected_count) || ' unexpected (' || vqc._html_num(res.unexpected_percent) || ' %)'
                                 ELSE '&#8212;' END || '</td>'
               || '<td>' || CASE WHEN res.kwargs ->> 'min_value' IS NULL AND res.kwargs ->> 'max_value' IS NULL THEN ''
                                 ELSE coalesce(vqc._html_text(res.kwargs ->> 'min_value', 60), '') || ' &#8230; '
                                      || coalesce(vqc._html_text(res.kwargs ->> 'max_value', 60), '') END || '</td>'
               || '<td>' || coalesce(s.samples, '') || coalesce('<details><summary>query for the failing rows</summary><pre>'
                                                             || vqc.html_escape(left(d.result #>> '{result,unexpected_index_query}', 20000)) || '</pre></details>', '')
               || '</td></tr>', '' ORDER BY res.position)
      INTO rows_html
      FROM vqc_report.result res
      LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
      LEFT JOIN LATERAL (
          SELECT '<table><tr><th>value</th><th>row key</th></tr>'
                 || string_agg('<tr><td><code>' || vqc._html_text(u.value, 200) || CASE WHEN u.value_clipped THEN '&#8230;' ELSE '' END
                               || '</code></td><td><code>' || vqc._html_text(u.row_key::text, 200) || '</code></td></tr>', '' ORDER BY u.ordinality)
                 || '</table>' AS samples
            FROM (SELECT * FROM vqc_report.unexpected u
                   WHERE u.run_id = res.run_id AND u.position = res.position
                   ORDER BY u.ordinality LIMIT 20) u) s ON true
     WHERE res.run_id = r.run_id;
    body := body || '<h2>Expectations</h2><table><tr><th>#</th><th>what is checked</th><th>status</th>'
                 || '<th>observed</th><th>bounds</th><th>failing samples (first 20)</th></tr>'
                 || coalesce(rows_html, '') || '</table>';

    SELECT string_agg(vqc._html_profile_card(p.column_name, p.column_type, p.profile), '' ORDER BY p.column_name)
      INTO profiles
      FROM vqc_report.profile p WHERE p.run_id = r.run_id;
    IF profiles IS NOT NULL THEN
        body := body || '<h2>Profiles taken in the run</h2><div class="cards">' || profiles || '</div>';
    END IF;
    body := body || coalesce('<h2>Drift</h2><div class="cards">' || vqc._html_run_drift(r.run_id, r.target) || '</div>', '');
    body := body || coalesce('<h2>Trends</h2><div class="cards">' || nullif(vqc._html_trends(r.suite_name, r.run_id), '') || '</div>', '');
    RETURN vqc._html_page(format('vqc: %s, run %s', r.suite_name, r.run_id), body);
END
$function$
;
COMMENT ON FUNCTION vqc.report_html(bigint) IS 'One standalone HTML page for a run: summary, every expectation with kwargs, status, observed value and failing samples, the profiles taken, trends. Shows only what the caller may read.';

CREATE OR REPLACE FUNCTION vqc.suite_html(suite text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s      vqc.suite;
    body   text;
    last   bigint;
BEGIN
    SELECT * INTO s FROM vqc.suite x WHERE x.name = suite;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'suite "%" does not exist', suite USING ERRCODE = 'undefined_object';
    END IF;
    body := '<h1>' || vqc._html_text(s.name, 200) || '</h1><div class="muted">suite on <code>'
         || vqc._html_text(coalesce(s.target::text, format('%I.%I', s.target_schema, s.target_table)), 300)
         || '</code>, owned by ' || vqc._html_text(s.owner::text, 100)
         || ', row key ' || vqc._html_text(coalesce(array_to_string(s.key_columns, ', '), 'the primary key'), 300)
         || coalesce(', profiles ' || vqc._html_text(array_to_string(s.profile_columns, ', '), 300), '') || '</div>'
         || '<h2>What it checks</h2><table><tr><th>#</th><th>expectation</th></tr>'
         || coalesce((SELECT string_agg('<tr><td class="num">' || o || '</td><td>' || vqc._html_describe(e.expectation_type, e.kwargs) || '</td></tr>', '' ORDER BY o)
                        FROM (SELECT e.*, row_number() OVER (ORDER BY e.expectation_id) AS o
                                FROM vqc.suite_expectation e WHERE e.suite_id = s.suite_id) e), '')
         || '</table>';
    body := body || '<h2>Last runs</h2><table><tr><th>run</th><th>started</th><th>status</th><th>passed</th><th>failed</th><th>errors</th><th>rows</th><th>scans</th><th>ms</th></tr>'
         || coalesce((SELECT string_agg(format('<tr><td class="num">%s</td><td>%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td></tr>',
                                               r.run_id, vqc.html_escape(to_char(r.started_at, 'YYYY-MM-DD HH24:MI:SS')),
                                               vqc._html_status(CASE WHEN r.success THEN 'success' ELSE 'failure' END),
                                               r.successful_expectations, r.unsuccessful_expectations,
                                               r.error_expectations, vqc._html_num(r.rows_scanned), r.scans,
                                               vqc._html_num(round(extract(epoch FROM r.finished_at - r.started_at)::numeric * 1000, 1)::float8)),
                                        '' ORDER BY r.run_id DESC)
                        FROM (SELECT * FROM vqc_report.run r WHERE r.suite_name = s.name ORDER BY r.run_id DESC LIMIT 20) r), '')
         || '</table>';
    SELECT max(r.run_id) INTO last FROM vqc_report.run r WHERE r.suite_name = s.name;
    IF last IS NOT NULL THEN
        body := body || coalesce('<h2>Trends</h2><div class="cards">' || nullif(vqc._html_trends(s.name, last), '') || '</div>', '');
    END IF;
    RETURN vqc._html_page('vqc: suite ' || s.name, body);
END
$function$
;
COMMENT ON FUNCTION vqc.suite_html(text) IS 'One standalone HTML page for a suite: its expectations in words, its last 20 runs, the trend of each expectation.';


RESET check_function_bodies;

