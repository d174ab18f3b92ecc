-- ge-semantics (issue #11): GE's result keys (unexpected_index_query,
-- unexpected_index_column_names), GE's semantics where vqc raised (null
-- bounds and sets, KL divergence as GE's _validate), value_counts in
-- distinct-value details, row_condition parsed by vqc, suite parameters.

-- arguments GE treats as optional
UPDATE vqc.expectation_catalog SET required_kwargs = '{}', optional_kwargs = '{column_set,exact_match}'
 WHERE expectation_type = 'expect_table_columns_to_match_set';
UPDATE vqc.expectation_catalog SET required_kwargs = '{}', optional_kwargs = '{column_list}'
 WHERE expectation_type = 'expect_table_columns_to_match_ordered_list';
UPDATE vqc.expectation_catalog SET required_kwargs = '{column}', optional_kwargs = '{type_list}'
 WHERE expectation_type = 'expect_column_values_to_be_in_type_list';
UPDATE vqc.expectation_catalog SET required_kwargs = '{column}', optional_kwargs = '{value_set}'
 WHERE expectation_type = 'expect_column_distinct_values_to_be_in_set';
UPDATE vqc.expectation_catalog SET required_kwargs = '{column}',
       optional_kwargs = '{partition_object,threshold,internal_weight_holdout,tail_weight_holdout,bucketize_data}'
 WHERE expectation_type = 'expect_column_kl_divergence_to_be_less_than';

-- new and changed functions (new ones before those that call them in SQL)
CREATE OR REPLACE FUNCTION vqc._add_expectation_check(suite text, expectation_type text, kwargs jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s  vqc.suite := vqc._suite_for_change(suite);
    t  regclass := vqc._suite_target(s);
BEGIN
    kwargs := coalesce(kwargs, '{}');
    -- a bad request fails now, not at 3 a.m.
    PERFORM vqc._result_format(kwargs -> 'result_format');
    IF vqc._has_suite_parameter(kwargs) THEN
        -- the values come at run time: check what can be checked now
        PERFORM vqc._check_kwargs(expectation_type, kwargs);
        PERFORM vqc._resolve_suite_parameters(kwargs, (SELECT jsonb_object_agg(p #>> '{}', NULL)
                                                         FROM jsonb_path_query(kwargs, 'strict $.**."$PARAMETER"') p));
    ELSE
        PERFORM vqc._plan(t, expectation_type, kwargs, 0, coalesce(s.key_columns, vqc._primary_key(t)), 20);
    END IF;
    RETURN jsonb_build_object('suite_id', s.suite_id, 'kwargs', kwargs);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._column_is_empty(target regclass, colname text)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    empty boolean;
BEGIN
    EXECUTE format('SELECT NOT EXISTS (SELECT FROM %s WHERE %I IS NOT NULL)', target, colname) INTO empty;
    RETURN empty;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._common_kwargs()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT ARRAY['result_format', 'include_config', 'catch_exceptions', 'meta', 'notes',
                    'row_condition', 'condition_parser'] $function$
;

CREATE OR REPLACE FUNCTION vqc._distinct_value_counts(target regclass, colname text, type_sql text, prof vqc.profile, OUT vals text[], OUT counts bigint[], OUT extra integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._distinct_values(target regclass, colname text, type_sql text, prof vqc.profile, OUT vals text[], OUT extra integer)
 RETURNS record
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT d.vals, d.extra FROM vqc._distinct_value_counts(target, colname, type_sql, prof) d
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
        IF (vals ->> (plan ->> 'overflow_item'))::boolean THEN
            -- more values than vqc.exact_memory_limit: the exact median by passes
            SELECT x.vals[1]::text, x.passes INTO observed, extra
              FROM vqc._exact_quantiles_by_passes(target, vqc._quantile_arg(qcol, plan ->> 'type_sql'), '{0.5}',
                                                  (vals ->> (plan ->> 'count_item'))::bigint, false,
                                                  (vals ->> (plan ->> 'sketch_item'))::vqc.profile) x;
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
    res := vqc._ge_map_extras(target, plan, rf, res);
    RETURN res || jsonb_build_object('samples', samples, 'extra_scans', extra);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._evaluate_kl(target regclass, plan jsonb, vals jsonb, OUT success boolean, OUT observed jsonb, OUT details jsonb, OUT extra integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
        ELSIF (vals ->> (plan ->> 'overflow_item'))::boolean THEN
            -- past vqc.exact_memory_limit: exact percentile_disc by passes
            SELECT x.vals, x.passes INTO qvals, extra
              FROM vqc._exact_quantiles_by_passes(target, vqc._quantile_arg(quote_ident(colname), plan ->> 'type_sql'), qs,
                                                  (vals ->> (plan ->> 'count_item'))::bigint, true,
                                                  (vals ->> (plan ->> 'sketch_item'))::vqc.profile) x;
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._ge_map_extras(target regclass, plan jsonb, rf jsonb, res jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._has_suite_parameter(j jsonb)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT j IS NOT NULL AND jsonb_path_exists(j, 'strict $.** ? (exists (@."$PARAMETER"))')
$function$
;

CREATE OR REPLACE FUNCTION vqc._inline_kwargs(sql text, pidx integer, kwargs jsonb)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._kl_bins(etype text, bins jsonb)
 RETURNS double precision[]
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._kl_entropy(pk double precision[], qk double precision[])
 RETURNS double precision
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._kw_bounds(etype text, kwargs jsonb, allowed text[], OUT lo jsonb, OUT hi jsonb)
 RETURNS record
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    lo := vqc._kw(etype, kwargs, 'min_value', allowed);
    hi := vqc._kw(etype, kwargs, 'max_value', allowed);
    IF lo IS NULL AND hi IS NULL
       AND etype IN ('expect_column_values_to_be_between', 'expect_column_value_lengths_to_be_between') THEN
        PERFORM vqc._bad_kwarg(etype, 'min_value and max_value cannot both be null');
    END IF;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._kw_row_condition(target regclass, etype text, kwargs jsonb)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
        RETURN plan || jsonb_build_object(
            'items', jsonb_build_object(format('s%s', pidx), stat_sql) ||
                     CASE WHEN etype = 'expect_column_median_to_be_between' THEN
                          jsonb_build_object(format('c%s', pidx),
                                             format('vqc.exact_quantile_count(vqc.exact_quantile_agg(%s))',
                                                    vqc._quantile_arg(qcol, col.type_sql)),
                                             format('o%s', pidx),
                                             format('vqc.exact_quantile_overflowed(vqc.exact_quantile_agg(%s))',
                                                    vqc._quantile_arg(qcol, col.type_sql)))
                     ELSE '{}' END ||
                     -- brackets for one exact pass should the collector overflow
                     CASE WHEN etype = 'expect_column_median_to_be_between' AND vqc._may_overflow(target) THEN
                          jsonb_build_object(format('k%s', pidx),
                                             format('vqc.profile_agg(%s)', vqc._quantile_arg(qcol, col.type_sql)))
                     ELSE '{}' END,
            'value_item', format('s%s', pidx),
            'overflow_item', CASE WHEN etype = 'expect_column_median_to_be_between' THEN format('o%s', pidx) END,
            'count_item', CASE WHEN etype = 'expect_column_median_to_be_between' THEN format('c%s', pidx) END,
            'sketch_item', CASE WHEN etype = 'expect_column_median_to_be_between' AND vqc._may_overflow(target)
                                THEN format('k%s', pidx) END,
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
                                            format('pg_catalog.array_remove(vqc._jsonb_text_array(%s OPERATOR(pg_catalog.->) ''value_set'')::%s[], NULL)',
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
            format('vqc.tally(%s, %s, %s) FILTER (WHERE %s)', value_sql,
                   vqc._row_key_sql(target, key_columns), sample_cap, fails)),
        'fails_sql', fails,
        'key_columns', to_jsonb(key_columns),
        'tally', format('t%s', pidx),
        'nonnull', CASE WHEN skip_missing THEN NULL ELSE format('nn:%s', colname) END,
        'mostly', mostly);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_kl(etype text, kwargs jsonb, pidx integer, colname text, type_sql text, category "char")
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_row_condition(target regclass, etype text, kwargs jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
            w := left(v, length(v) - length(fails) - 1) || format('(%s) AND %s)', cond, fails);
        ELSIF kind IN ('map', 'table') AND k = 'n' AND v = 'pg_catalog.count(*)'
              OR kind = 'map' AND k = format('nn:%s', plan ->> 'column') AND v = format('pg_catalog.count(%s)', qcol) THEN
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_schema(target regclass, etype text, kwargs jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._record_run(suite_id bigint, suite_parameters jsonb)
 RETURNS jsonb
 LANGUAGE c
AS 'MODULE_PATHNAME', 'vqc_with_caller'
;

CREATE OR REPLACE FUNCTION vqc._record_run_check(suite_id bigint)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    -- a run with no suite parameters (see suite_parameters.sql)
    RETURN vqc._record_run_check(suite_id, NULL::jsonb);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._record_run_check(suite_id bigint, suite_parameters jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s       vqc.suite := vqc._suite_by_id(suite_id);
    t       regclass := vqc._suite_target(s);
    started timestamptz := clock_timestamp();
    inputs  record := vqc._suite_inputs(s, t);
    ev      jsonb;
BEGIN
    ev := vqc._evaluate_all(t, vqc._resolve_expectation_parameters(inputs.expectations, suite_parameters),
                            inputs.key_columns, 20, '"BASIC"', false, inputs.profile_columns);
    RETURN ev || jsonb_build_object('suite_id', s.suite_id, 'started', started,
                                    'finished', clock_timestamp(),
                                    'row_security', row_security_active(t));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._record_run_write(caller regrole, ev jsonb, suite_id bigint, suite_parameters jsonb)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc._record_run_write(caller, ev, suite_id) $function$
;

CREATE OR REPLACE FUNCTION vqc._resolve_suite_parameters(j jsonb, parameters jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    name text;
BEGIN
    CASE jsonb_typeof(j)
    WHEN 'object' THEN
        IF j ? '$PARAMETER' THEN
            IF jsonb_typeof(j -> '$PARAMETER') IS DISTINCT FROM 'string' THEN
                RAISE EXCEPTION 'a suite parameter must be {"$PARAMETER": "name"}'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            name := j ->> '$PARAMETER';
            IF parameters IS NULL OR jsonb_typeof(parameters) <> 'object' OR NOT parameters ? name THEN
                RAISE EXCEPTION 'suite parameter "%" is not given', name
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'Pass it in suite_parameters: vqc.run(suite, ''{"name": value}'').';
            END IF;
            RETURN parameters -> name;
        END IF;
        RETURN (SELECT coalesce(jsonb_object_agg(k, vqc._resolve_suite_parameters(v, parameters)), '{}')
                  FROM jsonb_each(j) AS x(k, v));
    WHEN 'array' THEN
        RETURN (SELECT coalesce(jsonb_agg(vqc._resolve_suite_parameters(v, parameters) ORDER BY i), '[]')
                  FROM jsonb_array_elements(j) WITH ORDINALITY AS x(v, i));
    ELSE
        RETURN j;
    END CASE;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._resolve_expectation_parameters(expectations jsonb, parameters jsonb)
 RETURNS jsonb
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT coalesce(jsonb_agg(CASE WHEN vqc._has_suite_parameter(e -> 'kwargs')
                                   THEN jsonb_set(e, '{kwargs}', vqc._resolve_suite_parameters(e -> 'kwargs', parameters))
                                   ELSE e END ORDER BY i), '[]')
      FROM jsonb_array_elements(expectations) WITH ORDINALITY AS x(e, i)
$function$
;

CREATE OR REPLACE FUNCTION vqc._result_format(spec jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._row_condition_aggregate_sql(etype text, type_sql text, arg text)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE etype
        WHEN 'expect_column_mean_to_be_between'  THEN format('pg_catalog.avg(%s)::pg_catalog.float8', arg)
        WHEN 'expect_column_stdev_to_be_between' THEN format('pg_catalog.stddev_samp(%s)::pg_catalog.float8', arg)
        WHEN 'expect_column_sum_to_be_between'   THEN format('pg_catalog.sum(%s)', arg)
        WHEN 'expect_column_min_to_be_between'   THEN vqc._minmax_sql(type_sql::regtype, 'min', arg)
        WHEN 'expect_column_max_to_be_between'   THEN vqc._minmax_sql(type_sql::regtype, 'max', arg)
    END
$function$
;

CREATE OR REPLACE FUNCTION vqc._row_condition_apply(outq text[], op text)
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE op
        WHEN '~' THEN outq[1:cardinality(outq) - 1] || format('(NOT %s)', outq[cardinality(outq)])
        ELSE outq[1:cardinality(outq) - 2] || format('(%s %s %s)', outq[cardinality(outq) - 1],
                                                      CASE op WHEN '&' THEN 'AND' ELSE 'OR' END,
                                                      outq[cardinality(outq)]) END
$function$
;

CREATE OR REPLACE FUNCTION vqc._row_condition_error(detail text)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    RAISE EXCEPTION 'row_condition cannot be parsed'
        USING ERRCODE = 'syntax_error', DETAIL = detail,
              HINT = 'Write conditions as col("name") > 5, col("d") >= date("2024-01-01") or col("name").notnull(), joined by &, | and ~.';
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._row_condition_sql(target regclass, cond text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._row_condition_term(target regclass, kinds text[], texts text[], i integer, OUT sql text, OUT next integer)
 RETURNS record
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._row_condition_tokens(cond text, OUT kinds text[], OUT texts text[])
 RETURNS record
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._unexpected_index_query(target regclass, plan jsonb)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc.expect(target regclass, expectation_type text, kwargs jsonb, result_format text, suite_parameters jsonb)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT vqc.expect(target, expectation_type, vqc._resolve_suite_parameters(kwargs, suite_parameters), result_format)
$function$
;
COMMENT ON FUNCTION vqc.expect(regclass,text,jsonb,text,jsonb) IS 'vqc.expect with the values of {"$PARAMETER": "name"} kwargs.';

CREATE OR REPLACE FUNCTION vqc.run(suite text)
 RETURNS TABLE(run_id bigint, "position" integer, expectation_id bigint, expectation_type text, column_name text, status text, success boolean, observed_value jsonb, unexpected_count bigint, unexpected_percent double precision, result jsonb)
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    -- a suite with no parameters (see suite_parameters.sql)
    RETURN QUERY SELECT * FROM vqc.run(suite, NULL::jsonb);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc.run(suite text, suite_parameters jsonb)
 RETURNS TABLE(run_id bigint, "position" integer, expectation_id bigint, expectation_type text, column_name text, status text, success boolean, observed_value jsonb, unexpected_count bigint, unexpected_percent double precision, result jsonb)
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    done jsonb := vqc._record_run((vqc._suite(suite)).suite_id, suite_parameters);
BEGIN
    RETURN QUERY
    SELECT (done ->> 'run_id')::bigint, (r ->> 'position')::integer, (r ->> 'id')::bigint, r ->> 'type',
           r ->> 'column', r ->> 'status', (r ->> 'success')::boolean, r -> 'result' -> 'observed_value',
           (r -> 'result' ->> 'unexpected_count')::bigint, (r -> 'result' ->> 'unexpected_percent')::float8,
           vqc._ge_result(r)
      FROM jsonb_array_elements(done -> 'results') r
     ORDER BY (r ->> 'position')::integer;
END
$function$
;
COMMENT ON FUNCTION vqc.run(text,jsonb) IS 'vqc.run(suite) with the values of the suite''s {"$PARAMETER": "name"} kwargs.';
