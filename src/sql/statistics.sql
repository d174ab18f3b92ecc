-- statistics.sql: expectations on a column's distribution (quantiles,
-- distinct values, modes).  They are answered exactly by default, from the
-- column's profile when the profile is exact (small columns), otherwise from
-- exact collectors in the same scan or an exact second pass; only
-- allow_relative_error asks for a sketch's answer, and then the result says
-- so and by how much.

CREATE FUNCTION vqc._plan_statistic(target regclass, etype text, kwargs jsonb, pidx integer,
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
$$;

-- Whether a profile's values turn back into the column's values exactly.
-- Profiles keep temporal values as float8 (days, or microseconds since
-- 1970): exact for every date, and for timestamps within 2^53 microseconds
-- (285 years) of 1970; 1685-01-01 to 2255-01-01 is safely inside.
CREATE FUNCTION vqc._profile_values_exact(prof vqc.profile, type_sql text)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    lo text;
    hi text;
BEGIN
    IF type_sql NOT IN ('timestamp without time zone', 'timestamp with time zone') THEN
        RETURN true;
    END IF;
    lo := vqc.min_value(prof);
    hi := vqc.max_value(prof);
    IF lo IS NULL THEN
        RETURN true;    -- no values
    END IF;
    IF type_sql = 'timestamp without time zone' THEN
        RETURN lo::timestamp >= '1685-01-01' AND hi::timestamp <= '2255-01-01';
    END IF;
    RETURN lo::timestamptz >= '1685-01-01 00:00+00' AND hi::timestamptz <= '2255-01-01 00:00+00';
END
$$;

-- The distinct non-null values of a column (as text, sorted by the column's
-- order), exactly: from an exact profile, else from a second pass.
CREATE FUNCTION vqc._distinct_values(target regclass, colname text, type_sql text, prof vqc.profile,
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

-- The most common values (all tied ones), exactly: from the profile when its
-- counts prove the mode, else from a GROUP BY pass.
CREATE FUNCTION vqc._modes(target regclass, colname text, type_sql text, prof vqc.profile,
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

-- Values (text of type_sql) as a JSON array typed like the column (dates as
-- ISO 8601 whatever DateStyle says, numbers as numbers).
CREATE FUNCTION vqc._typed_json_array(vals text[], type_sql text)
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

-- {"success", "result", "extra_scans"} of a statistic expectation.
CREATE FUNCTION vqc._evaluate_statistic(target regclass, plan jsonb, vals jsonb, rf jsonb)
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
$$;

-- ---------------------------------------------------------------------------
-- expect_column_kl_divergence_to_be_less_than, as Great Expectations defines it:
-- KL(observed || expected) = sum o ln(o / e) over the partition, where the
-- observed weights are exact counts from the scan (one count per bin or
-- value, in the same SELECT) over the non-null values.
--   bins:   [b0, b1), ..., [b(k-1), bk] as numpy.histogram; values outside the
--           range make the divergence infinite unless tail_weight_holdout
--           gives the tails that much expected weight (half each).
--   values: a value outside the partition makes it infinite unless
--           internal_weight_holdout spreads that much expected weight evenly
--           over the unexpected values (counted exactly in a second pass).
--   internal_weight_holdout with bins: spread evenly over zero-weight bins.
-- An infinite divergence fails with observed_value null; without threshold
-- the expectation only reports.
CREATE FUNCTION vqc._plan_kl(etype text, kwargs jsonb, pidx integer, colname text, type_sql text, category "char")
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

CREATE FUNCTION vqc._evaluate_kl(target regclass, plan jsonb, vals jsonb,
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
