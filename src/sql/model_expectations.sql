
-- ---------------------------------------------------------------------
-- model_expectations.sql: expectations on a model's predictions and labels
-- ---------------------------------------------------------------------
-- A classification metric, a score metric, and the gap of a metric between
-- segments (the model's bias threshold), planned as aggregate items of the
-- suite's one scan over the confusion and score states
-- (src/classification.sql, src/scores.sql).  PostgreSQL computes identical
-- aggregate calls once, so several metrics of one pair of columns share
-- one state.

INSERT INTO vqc.expectation_catalog VALUES
('expect_classification_metric_to_be_between', 'aggregate', '{y_true,y_pred,metric}',
 '{average,pos_label,beta,zero_division,weights,min_value,max_value,strict_min,strict_max}',
 'A classification metric of the predictions y_pred against the labels y_true (accuracy, balanced_accuracy, precision, recall, f1, fbeta, matthews_corrcoef, cohen_kappa; as scikit-learn defines them, with average, pos_label, beta, zero_division, weights) is within [min_value, max_value]; details hold the confusion matrix and each class''s precision, recall and F1.'),
('expect_score_metric_to_be_between', 'aggregate', '{y_true,y_score,metric}',
 '{n_bins,min_value,max_value,strict_min,strict_max}',
 'A metric of the scores y_score against binary labels y_true (roc_auc and average_precision, exact; log_loss, brier_score_loss, calibration_error with n_bins) is within [min_value, max_value].'),
('expect_regression_metric_to_be_between', 'aggregate', '{y_true,y_pred,metric}',
 '{min_value,max_value,strict_min,strict_max}',
 'A regression metric of the predictions y_pred against the actual values y_true (mean_absolute_error, mean_squared_error, root_mean_squared_error, mean_absolute_percentage_error, r2, max_error; as scikit-learn defines them) is within [min_value, max_value].'),
('expect_ranking_metric_to_be_between', 'aggregate', '{query,relevance,score,metric,k}',
 '{min_value,max_value,strict_min,strict_max}',
 'A ranking metric at k (ndcg, map, mrr, precision, recall, hit_rate), averaged over the queries (the values of column query) of the results ranked by score with relevance relevance, is within [min_value, max_value]. Computed in the suite''s scan; a pass of its own when the queries outgrow vqc.exact_memory_limit or the query column''s type has no hashing.'),
('expect_annotator_agreement_to_be_between', 'aggregate', '{item,label,metric}',
 '{annotator,level,weights,min_value,max_value,strict_min,strict_max}',
 'The agreement of the annotators'' labels (long format: one row per item, annotator and label; metric percent_agreement, fleiss_kappa, krippendorff_alpha with level nominal, ordinal or interval, cohen_kappa of two annotators with weights) is within [min_value, max_value].'),
('expect_metric_gap_between_segments_to_be_less_than', 'aggregate', '{y_true,y_pred,segment,metric,max_gap}',
 '{pos_label,min_segment_rows}',
 'The largest difference of a metric (recall, precision, f1, accuracy, positive_rate of pos_label) between the segments (the values of column segment) is at most max_gap: the model''s bias threshold. Details list every segment''s value; the segments at the two extremes are the failing ones.');

-- The label given as pos_label (a kwarg of any JSON type) as the text form
-- the confusion state keys classes by; NULL: the state's default (1).
CREATE FUNCTION vqc._kw_label(etype text, kwargs jsonb, key text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE jsonb_typeof(vqc._kw(etype, kwargs, key, '{string,number,boolean}'))
                WHEN 'string' THEN kwargs ->> key
                ELSE (kwargs -> key)::text END
$$;

-- The plan of a model expectation: its items and what its evaluation
-- needs, or NULL for any other type.
CREATE FUNCTION vqc._plan_model_metric(target regclass, plan jsonb, pidx integer)
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

-- The plan of a model expectation whose metric is one item of the scan.
CREATE FUNCTION vqc._model_value_plan(etype text, kwargs jsonb, metric text, item_name text, item_sql text,
                                      lo jsonb, hi jsonb)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object('evaluator', 'model_metric', 'metric', metric,
                              'items', CASE WHEN item_name IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(item_name, item_sql) END,
                              'value_item', item_name,
                              'compare_type', 'numeric', 'min_value', lo, 'max_value', hi,
                              'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
                              'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false))
$$;

-- The plans of the long-format expectations: annotators' agreement and
-- ranking metrics (aggregates of the scan).
CREATE FUNCTION vqc._plan_model_metric_long(target regclass, plan jsonb, pidx integer, metric text)
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
        -- (on Citus, a query type without a typed aggregate: the pass)
        IF vqc._default_opclass(types[1], 'hash') IS NOT NULL AND vqc._ranking_all_fits(target, types[1]) THEN
            item := format('vqc._ranking_metrics_all_soft(%I, (%I)::pg_catalog.float8, (%I)::pg_catalog.float8, %s)',
                           cols[1], cols[2], cols[3], (kwargs ->> 'k')::int);
        END IF;
        RETURN vqc._model_value_plan(etype, kwargs, metric, NULL, NULL, lo, hi) - 'value_item'
               || jsonb_build_object('items', CASE WHEN item IS NULL THEN '{}'::jsonb
                                                   ELSE jsonb_build_object(format('rk%s', pidx), item) END,
                                     'ranking_item', CASE WHEN item IS NOT NULL THEN format('rk%s', pidx) END,
                                     'ranking_columns', to_jsonb(cols), 'k', (kwargs ->> 'k')::int,
                                     'explain_note', CASE WHEN item IS NULL
                                         THEN 'the metric takes a pass grouped by query (the query column''s type has no hashing, or no typed aggregate for Citus)'
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

-- Each segment's metric from the confusion matrix of (segment, label)
-- pairs: rows {segment (jsonb), value, rows}, for segments with at least
-- min_rows rows where the metric is defined (a segment without positives
-- has no recall).
CREATE FUNCTION vqc._segment_metrics(matrix jsonb, metric text, pos_label jsonb, min_rows bigint)
RETURNS TABLE (segment jsonb, value double precision, rows bigint)
LANGUAGE sql IMMUTABLE
AS $$
    WITH cells AS (
        SELECT (matrix -> 'labels' ->> (i - 1))::jsonb AS t, (matrix -> 'labels' ->> (j - 1))::jsonb AS p,
               (matrix -> 'matrix' -> (i - 1) ->> (j - 1))::bigint AS n
          FROM generate_series(1, jsonb_array_length(matrix -> 'labels')) i,
               generate_series(1, jsonb_array_length(matrix -> 'labels')) j),
    seg AS (
        SELECT t -> 0 AS segment, sum(n) AS rows,
               sum(n) FILTER (WHERE t -> 1 = p -> 1) AS correct,
               sum(n) FILTER (WHERE t -> 1 = pos_label AND p -> 1 = pos_label) AS tp,
               sum(n) FILTER (WHERE t -> 1 = pos_label) AS actual,
               sum(n) FILTER (WHERE p -> 1 = pos_label) AS predicted
          FROM cells
         WHERE t -> 0 = p -> 0
         GROUP BY t -> 0)
    SELECT segment,
           CASE metric
               WHEN 'recall' THEN tp::float8 / nullif(actual, 0)
               WHEN 'precision' THEN tp::float8 / nullif(predicted, 0)
               WHEN 'f1' THEN 2 * tp::float8 / nullif(actual + predicted, 0)
               WHEN 'accuracy' THEN correct::float8 / nullif(rows, 0)
               WHEN 'positive_rate' THEN predicted::float8 / nullif(rows, 0) END,
           rows
      FROM seg
     WHERE rows >= min_rows
$$;

-- Evaluates a model expectation from the scan's values.
CREATE FUNCTION vqc._evaluate_model_metric(target regclass, plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
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
$$;

-- Typed wrappers, as for every expectation (src/sql/wrappers.sql).
CREATE FUNCTION vqc.expect_classification_metric_to_be_between(target regclass, y_true text, y_pred text, metric text,
    min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, average text DEFAULT NULL, pos_label text DEFAULT NULL,
    beta numeric DEFAULT NULL, zero_division text DEFAULT NULL, weights text DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_classification_metric_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('y_true', y_true, 'y_pred', y_pred, 'metric', metric,
                                                             'min_value', min_value, 'max_value', max_value, 'average', average,
                                                             'pos_label', pos_label, 'beta', beta, 'zero_division', zero_division,
                                                             'weights', weights)), result_format) $$;

CREATE FUNCTION vqc.expect_score_metric_to_be_between(target regclass, y_true text, y_score text, metric text,
    min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, n_bins integer DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_score_metric_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('y_true', y_true, 'y_score', y_score, 'metric', metric,
                                                             'min_value', min_value, 'max_value', max_value, 'n_bins', n_bins)),
                        result_format) $$;

CREATE FUNCTION vqc.expect_metric_gap_between_segments_to_be_less_than(target regclass, y_true text, y_pred text,
    segment text, metric text, max_gap numeric, pos_label jsonb DEFAULT NULL, min_segment_rows integer DEFAULT NULL,
    result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_metric_gap_between_segments_to_be_less_than',
                        jsonb_strip_nulls(jsonb_build_object('y_true', y_true, 'y_pred', y_pred, 'segment', segment,
                                                             'metric', metric, 'max_gap', max_gap, 'pos_label', pos_label,
                                                             'min_segment_rows', min_segment_rows)), result_format) $$;

CREATE FUNCTION vqc.expect_regression_metric_to_be_between(target regclass, y_true text, y_pred text, metric text,
    min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_regression_metric_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('y_true', y_true, 'y_pred', y_pred, 'metric', metric,
                                                             'min_value', min_value, 'max_value', max_value)), result_format) $$;

CREATE FUNCTION vqc.expect_ranking_metric_to_be_between(target regclass, query text, relevance text, score text, metric text,
    k integer, min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_ranking_metric_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('query', query, 'relevance', relevance, 'score', score,
                                                             'metric', metric, 'k', k, 'min_value', min_value,
                                                             'max_value', max_value)), result_format) $$;

CREATE FUNCTION vqc.expect_annotator_agreement_to_be_between(target regclass, item text, label text, metric text,
    annotator text DEFAULT NULL, level text DEFAULT NULL, weights text DEFAULT NULL,
    min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_annotator_agreement_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('item', item, 'label', label, 'metric', metric,
                                                             'annotator', annotator, 'level', level, 'weights', weights,
                                                             'min_value', min_value, 'max_value', max_value)), result_format) $$;

-- Every model metric of every run, for dashboards: one row per run and
-- model expectation (security_invoker: the reader's rights apply).
CREATE VIEW vqc_report.model_metrics WITH (security_invoker = true) AS
SELECT r.run_id, r.started_at, r.suite_name, r.target_schema, r.target_table,
       res.position, res.expectation_id, res.expectation_type,
       res.kwargs ->> 'metric' AS metric,
       coalesce(res.kwargs ->> 'y_pred', res.kwargs ->> 'y_score', res.kwargs ->> 'score') AS predictions,
       coalesce(res.kwargs ->> 'y_true', res.kwargs ->> 'relevance', res.kwargs ->> 'label') AS labels,
       coalesce(res.kwargs ->> 'segment', res.kwargs ->> 'query', res.kwargs ->> 'item') AS segment,
       m.value, res.kwargs ->> 'min_value' AS min_value,
       coalesce(res.kwargs ->> 'max_value', res.kwargs ->> 'max_gap') AS max_value,
       res.status
  FROM vqc_report.run r
  JOIN vqc_report.result res USING (run_id)
  LEFT JOIN vqc_report.metric m ON m.run_id = res.run_id AND m.position = res.position AND m.metric_name = 'observed_value'
 WHERE res.expectation_type IN ('expect_classification_metric_to_be_between', 'expect_score_metric_to_be_between',
                                'expect_metric_gap_between_segments_to_be_less_than', 'expect_regression_metric_to_be_between',
                                'expect_ranking_metric_to_be_between', 'expect_annotator_agreement_to_be_between');
COMMENT ON VIEW vqc_report.model_metrics IS
    'Every model metric of every run (classification and score metrics, gaps between segments) with its bounds and status, for dashboards.';
