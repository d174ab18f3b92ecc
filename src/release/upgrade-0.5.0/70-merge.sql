
-- ------------------------------------------------------------------------
-- Where two changes above replaced the same function, its final body:
-- vqc._evaluate_all plans, scans (vqc._scan_plans: the shared scan, or each
-- check alone and then the profiles, scan.sql) and evaluates
-- (vqc._evaluate_plans, which reports a profile that could not be taken).
-- ------------------------------------------------------------------------
SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._evaluate_all(target regclass, expectations jsonb, key_columns text[],
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

RESET check_function_bodies;

-- ------------------------------------------------------------------------
-- On a Citus distributed table (issue #15): increasing / decreasing are
-- refused (0A000: one order of all the rows), and the ranking metric takes
-- its pass grouped by query (Citus pushes down no aggregate of an internal
-- state, as vqc.ranking_metrics_all's).
-- ------------------------------------------------------------------------
SET check_function_bodies = false;

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
    cmp     text;
    inner_sql text;
    ordlist text;
BEGIN
    IF vqc._citus_distributed(target) THEN
        -- one ordered sequence of rows spread over shards: no partial
        -- aggregate computes it, so it is refused rather than gathered
        RAISE EXCEPTION '% needs one order of all the rows, which a distributed table does not keep', etype
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Each value is compared with the one before it; the rows are spread over shards on several nodes.',
                  HINT = 'Check a copy of the table, or a range of it, that is not distributed.';
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
    RETURN jsonb_build_object(
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
END
$$;

CREATE OR REPLACE FUNCTION vqc._plan_model_metric_long(target regclass, plan jsonb, pidx integer, metric text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype  text := plan ->> 'type';
    kwargs jsonb := plan -> 'kwargs';
    lo     jsonb;
    hi     jsonb;
    c      record;
    cols   name[] := '{}';
    types  regtype[] := '{}';
    k      text;
    item   text;
BEGIN
    SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
    PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
    FOREACH k IN ARRAY CASE WHEN etype = 'expect_ranking_metric_to_be_between' THEN ARRAY['query', 'relevance', 'score']
                            WHEN metric IN ('krippendorff_alpha', 'cohen_kappa') THEN ARRAY['item', 'annotator', 'label']
                            ELSE ARRAY['item', 'label'] END LOOP
        SELECT * INTO c FROM vqc._column(target, vqc._kw_text(etype, kwargs, k));
        cols := cols || c.attname;
        types := types || c.type_sql::regtype;
    END LOOP;
    IF etype = 'expect_ranking_metric_to_be_between' THEN
        IF metric NOT IN ('ndcg', 'map', 'mrr', 'precision', 'recall', 'hit_rate') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        IF vqc._kw_int(etype, kwargs, 'k') NOT BETWEEN 1 AND 1000000 THEN
            PERFORM vqc._bad_kwarg(etype, 'k must be between 1 and 1000000');
        END IF;
        -- an aggregate of the scan over all queries (vqc._ranking_metrics_all_soft,
        -- which says when the queries outgrow vqc.exact_memory_limit); a query
        -- type without hashing, or that overflow: a pass of its own at evaluation
        -- (Citus pushes down no aggregate of an internal state: there, the pass)
        IF vqc._default_opclass(types[1], 'hash') IS NOT NULL AND NOT vqc._citus_distributed(target) THEN
            item := format('vqc._ranking_metrics_all_soft(%I, (%I)::pg_catalog.float8, (%I)::pg_catalog.float8, %s)',
                           cols[1], cols[2], cols[3], (kwargs ->> 'k')::int);
        END IF;
        RETURN vqc._model_value_plan(etype, kwargs, metric, NULL, NULL, lo, hi) - 'value_item'
               || jsonb_build_object('items', CASE WHEN item IS NULL THEN '{}'::jsonb
                                                   ELSE jsonb_build_object(format('rk%s', pidx), item) END,
                                     'ranking_item', CASE WHEN item IS NOT NULL THEN format('rk%s', pidx) END,
                                     'ranking_columns', to_jsonb(cols), 'k', (kwargs ->> 'k')::int,
                                     'explain_note', CASE WHEN item IS NULL
                                         THEN 'the metric takes a pass grouped by query (the query column''s type has no hashing, or the table is distributed)'
                                         ELSE 'if the queries outgrow vqc.exact_memory_limit, the metric takes a pass of its own' END);
    END IF;
    item := CASE metric
        WHEN 'percent_agreement' THEN format('vqc.percent_agreement(%I, %I)', cols[1], cols[2])
        WHEN 'fleiss_kappa' THEN format('vqc.fleiss_kappa(%I, %I)', cols[1], cols[2])
        WHEN 'krippendorff_alpha' THEN format('vqc.krippendorff_alpha(%I, %I, %I, %L)', cols[1], cols[2], cols[3],
                                              coalesce(vqc._kw_text(etype, kwargs, 'level'), 'nominal'))
        WHEN 'cohen_kappa' THEN format('vqc.cohen_kappa(%I, %I, %I%s)', cols[1], cols[2], cols[3],
                                       coalesce(format(', %L', vqc._kw_text(etype, kwargs, 'weights')), ''))
    END;
    IF item IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
    END IF;
    IF kwargs ? 'level' AND kwargs ->> 'level' NOT IN ('nominal', 'ordinal', 'interval') THEN
        PERFORM vqc._bad_kwarg(etype, 'level is nominal, ordinal or interval');
    END IF;
    RETURN vqc._model_value_plan(etype, kwargs, metric, format('ag%s', pidx), item, lo, hi);
END
$$;

CREATE OR REPLACE FUNCTION vqc.ranking_report(target regclass, query_column text, relevance_column text,
                                   score_column text, k integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    result  jsonb;
    -- Citus pushes down no aggregate of an internal state: grouped there
    grouped boolean := vqc._citus_distributed(target);
BEGIN
    IF target IS NULL OR query_column IS NULL OR relevance_column IS NULL OR score_column IS NULL OR k IS NULL THEN
        RAISE EXCEPTION 'vqc.ranking_report arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF k <= 0 THEN
        RAISE EXCEPTION 'k must be between 1 and 1000000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT grouped THEN
        BEGIN
            EXECUTE format($q$
                SELECT vqc.ranking_metrics_all(%4$I, (%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1)
                  FROM %1$s$q$,
                target, relevance_column, score_column, query_column)
            INTO result USING k;
        EXCEPTION WHEN program_limit_exceeded OR undefined_function THEN
            grouped := true;
        END;
    END IF;
    IF grouped THEN
        EXECUTE format($q$
            SELECT pg_catalog.jsonb_build_object(
                       'k', $1,
                       'queries', pg_catalog.count(*) FILTER (WHERE NOT no_query AND m[7] OPERATOR(pg_catalog.>) 0),
                       'queries_without_relevant',
                       pg_catalog.count(*) FILTER (WHERE NOT no_query AND m[7] OPERATOR(pg_catalog.>) 0
                                                         AND m[9] OPERATOR(pg_catalog.=) 0),
                       'rows', coalesce(pg_catalog.sum(m[7]) FILTER (WHERE NOT no_query), 0)::pg_catalog.int8,
                       -- the rows of no query (a NULL one) are skipped and counted, as by the aggregate
                       'null_rows', (coalesce(pg_catalog.sum(m[8]), 0)
                                     OPERATOR(pg_catalog.+) coalesce(pg_catalog.sum(m[7]) FILTER (WHERE no_query), 0))::pg_catalog.int8,
                       'ndcg', pg_catalog.avg(m[1]) FILTER (WHERE NOT no_query),
                       'map', pg_catalog.avg(m[2]) FILTER (WHERE NOT no_query),
                       'mrr', pg_catalog.avg(m[3]) FILTER (WHERE NOT no_query),
                       'precision', pg_catalog.avg(m[4]) FILTER (WHERE NOT no_query),
                       'recall', pg_catalog.avg(m[5]) FILTER (WHERE NOT no_query),
                       'hit_rate', pg_catalog.avg(m[6]) FILTER (WHERE NOT no_query))
              FROM (SELECT %4$I IS NULL AS no_query,
                           vqc._ranking_metrics((%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1) AS m
                      FROM %1$s
                     GROUP BY %4$I) q$q$,
            target, relevance_column, score_column, query_column)
        INTO result USING k;
    END IF;
    -- no row at all: the aggregate's NULL
    RETURN coalesce(result, pg_catalog.jsonb_build_object(
        'k', k, 'queries', 0, 'queries_without_relevant', 0, 'rows', 0, 'null_rows', 0,
        'ndcg', NULL, 'map', NULL, 'mrr', NULL, 'precision', NULL, 'recall', NULL, 'hit_rate', NULL));
END
$$;

RESET check_function_bodies;
