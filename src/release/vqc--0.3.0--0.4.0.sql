-- vqc upgrade script 0.3.0 -> 0.4.0 (ALTER EXTENSION vqc UPDATE).
--
-- After this script a database upgraded from 0.3.0 (or, through the earlier
-- scripts, from 0.1.0 or 0.2.0) has the same catalog as a fresh CREATE
-- EXTENSION vqc of 0.4.0 (test/upgrade/run.sh compares the schema-only
-- dumps).  Every change to src/*.sql or src/sql/*.sql since 0.3.0 is here.
-- Layout as in the earlier scripts: part 1, one section per change, oldest
-- first; part 2, pinning search_path and revoking the writers from PUBLIC,
-- stays last.
\echo Use "ALTER EXTENSION vqc UPDATE TO '0.4.0'" to load this file. \quit

-- ========================================================================
-- Part 1: the changes since 0.3.0, oldest first.
-- ========================================================================

-- ------------------------------------------------------------------------
-- Pages (issue #14): a run's page shows GE's query for the failing rows of
-- a suite's expectation, which BASIC results do not keep
-- (vqc._html_failing_query; vqc.report_html calls it).
-- Review: one bar of an SVG chart is vqc._svg_rect (vqc._svg_bars drew two
-- near-copies); the model plans share vqc._model_value_plan.
-- ------------------------------------------------------------------------
SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._html_failing_query(r vqc_report.run, res vqc_report.result)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    keys   text[];
    kwargs jsonb;
BEGIN
    -- the expectation's whole kwargs (the report keeps them clipped)
    SELECT e.kwargs INTO kwargs FROM vqc.suite_expectation e WHERE e.expectation_id = res.expectation_id;
    IF r.target IS NULL OR kwargs IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT s.key_columns INTO keys FROM vqc.suite s WHERE s.suite_id = r.suite_id;
    keys := coalesce(keys, vqc._primary_key(r.target));
    RETURN vqc._unexpected_index_query(r.target,
                                       vqc._plan(r.target, res.expectation_type, kwargs, res.position, keys, 20)
                                       || jsonb_build_object('key_columns', to_jsonb(keys)));
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._model_value_plan(etype text, kwargs jsonb, metric text, item_name text, item_sql text, lo jsonb, hi jsonb)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT jsonb_build_object('evaluator', 'model_metric', 'metric', metric,
                              'items', CASE WHEN item_name IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(item_name, item_sql) END,
                              'value_item', item_name,
                              'compare_type', 'numeric', 'min_value', lo, 'max_value', hi,
                              'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
                              'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false))
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_model_metric(target regclass, plan jsonb, pidx integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
        item := format('vqc.%s(%I::pg_catalog.float8, %I::pg_catalog.float8)',
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
    END LOOP;
    IF etype = 'expect_ranking_metric_to_be_between' THEN
        IF metric NOT IN ('ndcg', 'map', 'mrr', 'precision', 'recall', 'hit_rate') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        IF vqc._kw_int(etype, kwargs, 'k') NOT BETWEEN 1 AND 1000000 THEN
            PERFORM vqc._bad_kwarg(etype, 'k must be between 1 and 1000000');
        END IF;
        -- no item: a pass grouped by query at evaluation
        RETURN vqc._model_value_plan(etype, kwargs, metric, NULL, NULL, lo, hi) - 'value_item'
               || jsonb_build_object('items', '{}'::jsonb, 'ranking_columns', to_jsonb(cols), 'k', (kwargs ->> 'k')::int);
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
               vqc._svg_rect(series, b.i, m.n, b.h, m.top, b.label, width, height)
               || CASE WHEN second IS NULL THEN ''
                       ELSE vqc._svg_rect(second_series, b.i, m.n, b.h2, m.top, b.label, width, height) END,
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

CREATE OR REPLACE FUNCTION vqc._svg_rect(series text, i bigint, n bigint, h double precision, top double precision, label text, width integer, height integer)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('<rect class="bar %s" x="%s" y="%s" width="%s" height="%s"><title>%s: %s</title></rect>',
                  vqc.html_escape(series), vqc._svg_num((i - 1) * width::float8 / n),
                  vqc._svg_num(height - h / top * height), vqc._svg_num(greatest(width::float8 / n - 1, 0.5)),
                  vqc._svg_num(h / top * height), vqc._html_text(label, 120), vqc._html_num(h))
$function$
;

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
               || '<td>' || coalesce(s.samples, '') || coalesce('<details class="failing-query"><summary>query for the failing rows</summary><pre>'
                                                             || vqc.html_escape(left(coalesce(d.result #>> '{result,unexpected_index_query}',
                                                                                              CASE WHEN res.unexpected_count > 0
                                                                                                   THEN vqc._html_failing_query(r, res) END), 20000))
                                                             || '</pre></details>', '')
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


RESET check_function_bodies;

-- ========================================================================
-- Part 2 (keep last): every SQL and PL/pgSQL function of vqc runs with
-- search_path = pg_catalog, pg_temp, as src/sql/search_path.sql sets it at
-- the end of a fresh install; the same loop, over 0.3.0's functions and any
-- that part 1 created or replaced.
-- ========================================================================
DO $pin$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                     AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
          JOIN pg_catalog.pg_language l ON l.oid = p.prolang
         WHERE l.lanname IN ('sql', 'plpgsql') AND p.prokind = 'f'
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', fn);
    END LOOP;
END
$pin$;

-- The writers of vqc's tables may not be called by PUBLIC, as
-- src/sql/search_path.sql sets at the end of a fresh install.
DO $revoke$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                     AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
         WHERE p.proname OPERATOR(pg_catalog.~~) '\_%\_write%'
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    END LOOP;
END
$revoke$;
