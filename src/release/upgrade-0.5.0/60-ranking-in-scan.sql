
-- ------------------------------------------------------------------------
-- The ranking expectation in the suite's scan (issue #12): an aggregate over
-- all queries (vqc._ranking_metrics_all_soft, which ends in {"overflow":
-- true} past vqc.exact_memory_limit instead of raising); a pass of its own
-- only then, or for a query type without hashing.
-- ------------------------------------------------------------------------
CREATE FUNCTION vqc._ranking_all_soft_transfn(internal, anyelement, float8, float8, int4)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_soft_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc._ranking_metrics_all_soft(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc._ranking_all_soft_transfn,
    STYPE = internal,
    FINALFUNC = vqc.ranking_all_report,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    SERIALFUNC = vqc.ranking_all_serialize,
    DESERIALFUNC = vqc.ranking_all_deserialize,
    PARALLEL = SAFE
);

UPDATE vqc.expectation_catalog
   SET description = 'A ranking metric at k (ndcg, map, mrr, precision, recall, hit_rate), averaged over the queries (the values of column query) of the results ranked by score with relevance relevance, is within [min_value, max_value]. Computed in the suite''s scan; a pass of its own when the queries outgrow vqc.exact_memory_limit or the query column''s type has no hashing.'
 WHERE expectation_type = 'expect_ranking_metric_to_be_between';

SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._evaluate_model_metric(target regclass, plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype    text := plan ->> 'type';
    metric   text := plan ->> 'metric';
    kwargs   jsonb := plan -> 'kwargs';
    st       vqc.confusion_state;
    observed double precision;
    details  jsonb := '{}';
    extra    integer := 0;
    ok       boolean;
    segs     jsonb;
BEGIN
    IF etype = 'expect_classification_metric_to_be_between' THEN
        st := (vals ->> (plan ->> 'state_item'))::vqc.confusion_state;
        observed := CASE metric
            WHEN 'accuracy' THEN vqc.accuracy_score(st)
            WHEN 'balanced_accuracy' THEN vqc.balanced_accuracy_score(st)
            WHEN 'matthews_corrcoef' THEN vqc.matthews_corrcoef(st)
            WHEN 'cohen_kappa' THEN vqc.cohen_kappa_score(st, kwargs ->> 'weights')
            WHEN 'precision' THEN vqc.precision_score(st, coalesce(kwargs ->> 'average', 'binary'), plan ->> 'pos_label', coalesce(kwargs ->> 'zero_division', 'warn'))
            WHEN 'recall' THEN vqc.recall_score(st, coalesce(kwargs ->> 'average', 'binary'), plan ->> 'pos_label', coalesce(kwargs ->> 'zero_division', 'warn'))
            WHEN 'f1' THEN vqc.f1_score(st, coalesce(kwargs ->> 'average', 'binary'), plan ->> 'pos_label', coalesce(kwargs ->> 'zero_division', 'warn'))
            WHEN 'fbeta' THEN vqc.fbeta_score(st, (kwargs ->> 'beta')::float8, coalesce(kwargs ->> 'average', 'binary'), plan ->> 'pos_label', coalesce(kwargs ->> 'zero_division', 'warn'))
        END;
        details := jsonb_build_object('confusion_matrix', vqc.confusion_matrix(st),
                                      'per_class', vqc.precision_recall_fscore_support(st, 1, NULL, NULL, coalesce(kwargs ->> 'zero_division', 'warn')),
                                      'rows', vqc.confusion_count(st), 'skipped_null_rows', vqc.confusion_skipped(st));
        ok := vqc._within_bounds(plan, observed::text);
    ELSIF etype = 'expect_ranking_metric_to_be_between' THEN
        details := (vals ->> (plan ->> 'ranking_item'))::jsonb;
        IF details IS NULL OR details ? 'overflow' THEN
            -- not in the scan, or past the memory limit there: a pass of its
            -- own (vqc.ranking_report, which may group by query), as the caller
            details := vqc.ranking_report(target, plan -> 'ranking_columns' ->> 0, plan -> 'ranking_columns' ->> 1,
                                          plan -> 'ranking_columns' ->> 2, (plan ->> 'k')::int);
            extra := 1;
        END IF;
        observed := (details ->> metric)::float8;
        ok := vqc._within_bounds(plan, observed::text);
    ELSIF plan ? 'value_item' THEN
        observed := (vals ->> (plan ->> 'value_item'))::float8;
        IF coalesce((vals ->> (plan ->> 'overflow_item'))::boolean, false) THEN
            -- more scores than vqc.exact_memory_limit: exact by passes
            observed := CASE metric
                WHEN 'roc_auc' THEN vqc.roc_auc_score_by_passes(target, plan ->> 'y_true', plan ->> 'y_score')
                ELSE vqc.average_precision_score_by_passes(target, plan ->> 'y_true', plan ->> 'y_score') END;
            extra := 1;
            details := jsonb_build_object('by_passes', true);
        END IF;
        ok := vqc._within_bounds(plan, observed::text);
    ELSE
        SELECT jsonb_agg(jsonb_build_object('segment', m.segment, 'value', m.value, 'rows', m.rows) ORDER BY m.value, m.segment::text),
               max(m.value) - min(m.value)
          INTO segs, observed
          FROM vqc._segment_metrics(vqc.confusion_matrix((vals ->> (plan ->> 'state_item'))::vqc.confusion_state),
                                    metric, plan -> 'pos_label', (plan ->> 'min_rows')::bigint) m
         WHERE m.value IS NOT NULL;
        ok := observed IS NOT NULL AND observed <= (plan ->> 'max_gap')::float8;
        details := jsonb_build_object('metric', metric, 'segments', coalesce(segs, '[]'),
                                      'failing_segments', CASE WHEN ok IS FALSE AND jsonb_array_length(segs) > 1
                                                               THEN jsonb_build_array(segs -> 0 -> 'segment', segs -> -1 -> 'segment')
                                                               ELSE '[]' END);
    END IF;
    RETURN jsonb_build_object(
        'success', coalesce(ok, false),
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', to_jsonb(observed), 'details', details) END,
        'samples', '[]'::jsonb, 'extra_scans', extra);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_model_metric_long(target regclass, plan jsonb, pidx integer, metric text)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
        IF vqc._default_opclass(types[1], 'hash') IS NOT NULL THEN
            item := format('vqc._ranking_metrics_all_soft(%I, (%I)::pg_catalog.float8, (%I)::pg_catalog.float8, %s)',
                           cols[1], cols[2], cols[3], (kwargs ->> 'k')::int);
        END IF;
        RETURN vqc._model_value_plan(etype, kwargs, metric, NULL, NULL, lo, hi) - 'value_item'
               || jsonb_build_object('items', CASE WHEN item IS NULL THEN '{}'::jsonb
                                                   ELSE jsonb_build_object(format('rk%s', pidx), item) END,
                                     'ranking_item', CASE WHEN item IS NOT NULL THEN format('rk%s', pidx) END,
                                     'ranking_columns', to_jsonb(cols), 'k', (kwargs ->> 'k')::int,
                                     'explain_note', CASE WHEN item IS NULL
                                         THEN 'the query column''s type has no hashing, so the metric takes a pass grouped by query'
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
$function$
;

RESET check_function_bodies;
