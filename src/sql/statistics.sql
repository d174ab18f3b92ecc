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
LANGUAGE sql
AS $$
    SELECT d.vals, d.extra FROM vqc._distinct_value_counts(target, colname, type_sql, prof) d
$$;

-- The distinct non-null values, ascending, with how often each occurs: from
-- an exact profile, else from a GROUP BY pass.
CREATE FUNCTION vqc._distinct_value_counts(target regclass, colname text, type_sql text, prof vqc.profile,
                                           OUT vals text[], OUT counts bigint[], OUT extra integer)
LANGUAGE plpgsql
AS $$
BEGIN
    extra := 0;
    IF prof IS NOT NULL AND vqc.is_exact(prof) AND vqc._profile_values_exact(prof, type_sql) THEN
        EXECUTE format('SELECT coalesce(pg_catalog.array_agg(v::pg_catalog.text ORDER BY v), ''{}''), '
                       '       coalesce(pg_catalog.array_agg(c ORDER BY v), ''{}'') '
                       'FROM (SELECT t.value::%s AS v, pg_catalog.sum(t.count)::pg_catalog.int8 AS c '
                       '        FROM vqc.top_values($1, 2147483647) t GROUP BY 1) d',
                       type_sql)
            INTO vals, counts USING prof;
    ELSE
        EXECUTE format('SELECT coalesce(pg_catalog.array_agg(v::pg_catalog.text ORDER BY v), ''{}''), '
                       '       coalesce(pg_catalog.array_agg(c ORDER BY v), ''{}'') '
                       'FROM (SELECT %1$s AS v, pg_catalog.count(*) AS c FROM %2$s WHERE %1$s IS NOT NULL GROUP BY 1) d',
                       quote_ident(colname), target)
            INTO vals, counts;
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
        res := vqc._distinct_value_counts(target, colname, type_sql, prof);
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
            -- no value_set is the universal set (GE)
            WHEN 'expect_column_distinct_values_to_be_in_set' THEN kwargs -> 'value_set' IS NULL
                                                                   OR jsonb_typeof(kwargs -> 'value_set') = 'null'
                                                                   OR cardinality(found) = 0
            WHEN 'expect_column_distinct_values_to_contain_set' THEN cardinality(setvals) = 0
            ELSE cardinality(found) = 0 AND cardinality(setvals) = 0 END;
        observed := vqc._typed_json_array(res.vals, type_sql);
        -- GE's column.value_counts, ascending by value
        details := jsonb_build_object('value_counts',
            (SELECT coalesce(jsonb_agg(jsonb_build_object('value', v, 'count', res.counts[o]) ORDER BY o), '[]')
               FROM jsonb_array_elements(observed) WITH ORDINALITY x(v, o)));
        IF NOT success THEN
            details := details || CASE etype
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
-- expect_column_kl_divergence_to_be_less_than, as Great Expectations defines it
-- (its _validate, step by step): KL = scipy.stats.entropy(observed, expected),
-- both normalized, where the observed weights are exact counts from the scan
-- (one count per bin or value, in the same SELECT) over the non-null values.
--   bins:   [b0, b1), ..., [b(k-1), bk] as GE's SQL histogram; an infinite
--           end bin is the partition's tail (its weight is the tail weight);
--           values outside finite ends meet tail_weights, or
--           tail_weight_holdout (half each), or weight 0 (infinite KL).
--           internal_weight_holdout is spread evenly over zero-weight bins.
--   values: values outside the partition (listed by a second pass) share
--           tail_weight_holdout, or have weight 0; internal_weight_holdout
--           is an error, as in GE.
--   no partition_object: the column's own partition, so KL is 0.
-- An infinite or undefined divergence has observed_value null; without
-- threshold the expectation only reports (and succeeds).
CREATE FUNCTION vqc._plan_kl(etype text, kwargs jsonb, pidx integer, colname text, type_sql text, category "char")
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    qcol   text := quote_ident(colname);
    p      text := format('($1 OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->) ''partition_object'')', pidx);
    po     jsonb := vqc._kw(etype, kwargs, 'partition_object', '{object}');
    w      jsonb := po -> 'weights';
    tw     jsonb := po -> 'tail_weights';
    bins   float8[];
    items  jsonb := jsonb_build_object(format('nn:%s', colname), format('pg_catalog.count(%s)', qcol));
    bin_sql text := format('(%s OPERATOR(pg_catalog.->) ''bins'' OPERATOR(pg_catalog.->>) %%s)::pg_catalog.float8', p);
    x_sql  text := format('%s::pg_catalog.float8', qcol);
    k      integer;
    i      integer;
    total  numeric;
    h_in   numeric := coalesce((vqc._kw(etype, kwargs, 'internal_weight_holdout', '{number}'))::numeric, 0);
    h_tail numeric := coalesce((vqc._kw(etype, kwargs, 'tail_weight_holdout', '{number}'))::numeric, 0);
BEGIN
    IF (vqc._kw(etype, kwargs, 'threshold', '{number}'))::numeric < 0 THEN
        PERFORM vqc._bad_kwarg(etype, 'threshold must not be negative');
    END IF;
    IF h_in < 0 OR h_in > 1 OR h_tail < 0 OR h_tail > 1 THEN
        PERFORM vqc._bad_kwarg(etype, 'holdouts must be between 0 and 1');
    END IF;
    IF po IS NULL THEN
        -- GE partitions the column itself: the divergence from itself is 0
        RETURN jsonb_build_object('statistic', 'kl', 'nonnull', format('nn:%s', colname),
                                  'partition_kind', 'own', 'items', items);
    END IF;
    IF jsonb_typeof(w) IS DISTINCT FROM 'array' OR jsonb_array_length(w) = 0
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(w) x WHERE jsonb_typeof(x) <> 'number' OR x::numeric < 0) THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object needs "weights": non-negative numbers');
    END IF;
    IF tw IS NOT NULL AND (NOT po ? 'bins' OR jsonb_typeof(tw) <> 'array' OR jsonb_array_length(tw) <> 2
                           OR EXISTS (SELECT 1 FROM jsonb_array_elements(tw) x
                                       WHERE jsonb_typeof(x) <> 'number' OR x::numeric < 0)) THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object "tail_weights" must be two non-negative numbers, beside "bins"');
    END IF;
    k := jsonb_array_length(w);
    total := (SELECT sum(x::numeric) FROM jsonb_array_elements(w) x)
             + coalesce((SELECT sum(x::numeric) FROM jsonb_array_elements(tw) x), 0);
    -- numpy.allclose(sum, 1), as GE's is_valid_partition_object
    IF abs(total - 1) > 1e-8 + 1e-5 THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object weights (with tail_weights) must sum to 1');
    END IF;
    IF po ? 'bins' THEN
        IF category <> 'N' THEN
            RAISE EXCEPTION '% with bins needs a numeric column; column "%" is of type %', etype, colname, type_sql
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        IF NOT vqc._kw_bool(etype, kwargs, 'bucketize_data', true) THEN
            PERFORM vqc._bad_kwarg(etype, 'a partition_object with bins needs bucketize_data');
        END IF;
        bins := vqc._kl_bins(etype, po -> 'bins');
        IF cardinality(bins) <> k + 1
           OR EXISTS (SELECT 1 FROM generate_series(2, k + 1) g WHERE bins[g] <= bins[g - 1]) THEN
            PERFORM vqc._bad_kwarg(etype, 'partition_object "bins" must be k + 1 increasing numbers for k weights');
        END IF;
        IF (bins[1] = '-Infinity' OR bins[k + 1] = 'Infinity') AND tw IS NOT NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'a partition with an infinite end has no tail_weights');
        END IF;
        IF bins[1] = '-Infinity' AND bins[k + 1] = 'Infinity' AND h_tail > 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'tail_weight_holdout cannot be used for a partition with two infinite ends');
        END IF;
        IF (bins[1] = '-Infinity' OR bins[k + 1] = 'Infinity') AND k < 2 THEN
            PERFORM vqc._bad_kwarg(etype, 'a partition with an infinite end needs at least two bins');
        END IF;
        IF tw IS NOT NULL AND h_tail > 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'tail_weight_holdout must be 0 with tail_weights');
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
        IF h_in > 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'internal_weight_holdout cannot be used with a partition of values');
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

-- Bin edges as float8: JSON numbers, or the strings "Infinity" / "-Infinity"
-- (JSON has no number for them; GE writes numpy's inf).
CREATE FUNCTION vqc._kl_bins(etype text, bins jsonb)
RETURNS float8[]
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    out float8[] := '{}';
    b   jsonb;
BEGIN
    IF jsonb_typeof(bins) IS DISTINCT FROM 'array' THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object "bins" must be an array');
    END IF;
    FOR b IN SELECT x FROM jsonb_array_elements(bins) x LOOP
        IF jsonb_typeof(b) = 'number' THEN
            out := out || (b #>> '{}')::float8;
        ELSIF jsonb_typeof(b) = 'string' AND lower(b #>> '{}') IN ('infinity', '-infinity', 'inf', '-inf') THEN
            out := out || (b #>> '{}')::float8;
        ELSE
            PERFORM vqc._bad_kwarg(etype, 'partition_object "bins" must hold numbers (or "Infinity", "-Infinity")');
        END IF;
    END LOOP;
    RETURN out;
END
$$;

-- scipy.stats.entropy(pk, qk): both normalized; infinite where pk > 0 = qk,
-- NULL (GE's NaN) when either sums to 0.
CREATE FUNCTION vqc._kl_entropy(pk float8[], qk float8[])
RETURNS float8
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    sp  float8 := (SELECT sum(x) FROM unnest(pk) x);
    sq  float8 := (SELECT sum(x) FROM unnest(qk) x);
    kl  float8 := 0;
    i   integer;
BEGIN
    IF sp IS NULL OR sq IS NULL OR sp <= 0 OR sq <= 0 OR sp = 'NaN' OR sq = 'NaN' THEN
        RETURN NULL;
    END IF;
    FOR i IN 1 .. cardinality(pk) LOOP
        CONTINUE WHEN pk[i] = 0;
        IF qk[i] = 0 THEN
            RETURN 'Infinity';
        END IF;
        kl := kl + (pk[i] / sp) * ln((pk[i] / sp) / (qk[i] / sq));
    END LOOP;
    RETURN kl;
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
    threshold float8 := (kwargs ->> 'threshold')::float8;
    bins    float8[];
    obs     float8[] := '{}';     -- observed weights, count / n
    expct   float8[] := '{}';     -- expected weights
    comb_o  float8[];
    comb_e  float8[];
    tail_o  float8[];
    tail_e  float8[];
    below   float8;
    above   float8;
    zeros   integer;
    inside  float8 := 0;
    others  text[];
    counts  float8[];
    category "char";
    kl      float8;
    i       integer;
BEGIN
    extra := 0;
    IF plan ->> 'partition_kind' = 'own' THEN
        kl := CASE WHEN n > 0 THEN 0 END;
        observed := coalesce(to_jsonb(kl), 'null');
        success := threshold IS NULL OR kl <= threshold;
        details := '{}';
        RETURN;
    END IF;
    FOR i IN 0 .. k - 1 LOOP
        obs := obs || (vals ->> format('kl%s_%s', pidx, i))::float8 / nullif(n, 0);
        expct := expct || (po -> 'weights' ->> i)::float8;
        inside := inside + (vals ->> format('kl%s_%s', pidx, i))::float8;
    END LOOP;
    IF plan ->> 'partition_kind' = 'values' THEN
        details := jsonb_build_object('values', po -> 'values');
        IF n - inside > 0 THEN
            -- the values outside the partition, exactly, each with its count
            EXECUTE format('SELECT pg_catalog.array_agg(v::pg_catalog.text ORDER BY v), '
                           '       pg_catalog.array_agg(c::pg_catalog.float8 ORDER BY v) '
                           'FROM (SELECT %2$s AS v, pg_catalog.count(*) AS c FROM %1$s '
                           '       WHERE %2$s IS NOT NULL AND NOT %3$s GROUP BY %2$s) g',
                           target, quote_ident(plan ->> 'column'),
                           vqc._compare_sql((plan ->> 'type_sql')::regtype, quote_ident(plan ->> 'column'), '=',
                                            format('vqc._jsonb_text_array($1)::%s[]', plan ->> 'type_sql'), true))
                INTO others, counts USING po -> 'values';
            extra := 1;
            SELECT typcategory INTO category FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype;
            details := jsonb_build_object('values', (po -> 'values') ||
                (SELECT jsonb_agg(vqc._sample_json(v, category, false) ORDER BY o) FROM unnest(others) WITH ORDINALITY u(v, o)));
            obs := obs || ARRAY(SELECT c / n FROM unnest(counts) WITH ORDINALITY u(c, o) ORDER BY o);
            expct := ARRAY(SELECT e * (1 - h_tail) FROM unnest(expct) WITH ORDINALITY u(e, o) ORDER BY o)
                     || array_fill(h_tail / cardinality(others), ARRAY[cardinality(others)]);
        END IF;
        kl := vqc._kl_entropy(obs, expct);
        details := jsonb_build_object(
            'observed_partition', details || jsonb_build_object('weights', to_jsonb(obs)),
            'expected_partition', details || jsonb_build_object('weights', to_jsonb(expct)));
    ELSE
        bins := vqc._kl_bins(plan ->> 'type', po -> 'bins');
        below := (vals ->> format('kl%s_below', pidx))::float8 / nullif(n, 0);
        above := (vals ->> format('kl%s_above', pidx))::float8 / nullif(n, 0);
        expct := ARRAY(SELECT e * (1 - h_tail - h_in) FROM unnest(expct) WITH ORDINALITY u(e, o) ORDER BY o);
        IF h_in > 0 THEN
            zeros := (SELECT count(*) FROM unnest(expct) e WHERE e = 0);
            IF zeros > 0 THEN
                expct := ARRAY(SELECT CASE WHEN e = 0 THEN h_in / zeros ELSE e END FROM unnest(expct) WITH ORDINALITY u(e, o) ORDER BY o);
            END IF;
        END IF;
        IF bins[1] = '-Infinity' AND bins[k + 1] = 'Infinity' THEN
            comb_e := expct;
            comb_o := obs;
            tail_e := ARRAY[expct[1], expct[k]];
            tail_o := ARRAY[obs[1], obs[k]];
            bins := bins[2:k];
            expct := expct[2:k - 1];
            obs := obs[2:k - 1];
        ELSIF bins[1] = '-Infinity' THEN
            comb_e := expct || h_tail;
            comb_o := obs || above;
            tail_e := ARRAY[expct[1], h_tail];
            tail_o := ARRAY[obs[1], above];
            bins := bins[2:k + 1];
            expct := expct[2:k];
            obs := obs[2:k];
        ELSIF bins[k + 1] = 'Infinity' THEN
            comb_e := h_tail || expct;
            comb_o := below || obs;
            tail_e := ARRAY[h_tail, expct[k]];
            tail_o := ARRAY[below, obs[k]];
            bins := bins[1:k];
            expct := expct[1:k - 1];
            obs := obs[1:k - 1];
        ELSE
            tail_e := CASE WHEN po ? 'tail_weights' THEN ARRAY[(po -> 'tail_weights' ->> 0)::float8,
                                                               (po -> 'tail_weights' ->> 1)::float8]
                           ELSE ARRAY[h_tail / 2, h_tail / 2] END;
            tail_o := ARRAY[below, above];
            comb_e := tail_e[1] || expct || tail_e[2];
            comb_o := below || obs || above;
        END IF;
        kl := vqc._kl_entropy(comb_o, comb_e);
        details := jsonb_build_object(
            'observed_partition', jsonb_build_object('bins', to_jsonb(bins), 'weights', to_jsonb(obs),
                                                     'tail_weights', to_jsonb(tail_o)),
            'expected_partition', jsonb_build_object('bins', to_jsonb(bins), 'weights', to_jsonb(expct),
                                                     'tail_weights', to_jsonb(tail_e)));
    END IF;
    observed := CASE WHEN kl IS NULL OR kl = 'Infinity' THEN 'null'::jsonb ELSE to_jsonb(kl) END;
    success := threshold IS NULL OR coalesce(kl <= threshold, false);
END
$$;
