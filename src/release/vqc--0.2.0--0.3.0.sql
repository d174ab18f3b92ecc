-- vqc upgrade script 0.2.0 -> 0.3.0 (ALTER EXTENSION vqc UPDATE).
--
-- After this script a database upgraded from 0.2.0 (or, through
-- vqc--0.1.0--0.2.0.sql first, from 0.1.0) has the same catalog as a fresh
-- CREATE EXTENSION vqc of 0.3.0 (test/upgrade/run.sh compares the schema-only
-- dumps).  Every change to src/*.sql or src/sql/*.sql since 0.2.0 is here as
-- the statements that turn 0.2.0's objects into the new ones.  Once 0.3.0 is
-- released this file is frozen: later changes go into vqc--0.3.0--<next>.sql.
--
-- Layout as in vqc--0.1.0--0.2.0.sql: part 1 holds one section per change,
-- oldest first, each headed by a comment naming it; part 2, pinning
-- search_path and revoking the writers from PUBLIC, stays last, because
-- CREATE OR REPLACE FUNCTION without a SET clause clears a function's
-- search_path, and new functions need it too.
\echo Use "ALTER EXTENSION vqc UPDATE TO '0.3.0'" to load this file. \quit

-- ========================================================================
-- Part 1: the changes since 0.2.0, oldest first.
-- ========================================================================

-- (Joined, while 0.3.0 was being made, from one file per change; frozen
-- here at the release.  Sections: the privilege-free changes of each
-- issue, then every function whose definition differs from 0.2.0's, drafted
-- by test/upgrade/draft_functions.sh 0.2.0, then the views that use them,
-- then part 2.)

-- ------------------------------------------------------------------------
-- Pages (issue #14; src/sql/html.sql): a drift report keeps the two
-- profiles it compared, so that its page can draw both distributions.  The
-- functions are in 90-functions.sql.
-- ------------------------------------------------------------------------
ALTER TABLE vqc_report.drift_detail ADD COLUMN baseline_profile vqc.profile;
ALTER TABLE vqc_report.drift_detail ADD COLUMN current_profile vqc.profile;
COMMENT ON COLUMN vqc_report.drift_detail.current_profile IS
    'The column''s profile the report compared with baseline_profile (reports made before 0.3.0: NULL).';

-- (the view vqc_report.pages needs the page functions: it is created by
-- 95-html-view.sql, after 90-functions.sql)
-- ------------------------------------------------------------------------
-- Alerts and the quality gate (issue #13; src/sql/gate.sql,
-- src/autonomous.c): a suite may name a callback.  The functions are in
-- 90-functions.sql.
-- ------------------------------------------------------------------------
ALTER TABLE vqc.suite ADD COLUMN callback regprocedure;

-- ------------------------------------------------------------------------
-- Model expectations (issue #12; src/sql/model_expectations.sql): their
-- catalogue rows and the dashboard view.  The functions are in
-- 90-functions.sql.
-- ------------------------------------------------------------------------
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
 'A ranking metric at k (ndcg, map, mrr, precision, recall, hit_rate), averaged over the queries (the values of column query) of the results ranked by score with relevance relevance, is within [min_value, max_value]. Needs one pass grouped by query besides the suite''s scan.'),
('expect_annotator_agreement_to_be_between', 'aggregate', '{item,label,metric}',
 '{annotator,level,weights,min_value,max_value,strict_min,strict_max}',
 'The agreement of the annotators'' labels (long format: one row per item, annotator and label; metric percent_agreement, fleiss_kappa, krippendorff_alpha with level nominal, ordinal or interval, cohen_kappa of two annotators with weights) is within [min_value, max_value].'),
('expect_metric_gap_between_segments_to_be_less_than', 'aggregate', '{y_true,y_pred,segment,metric,max_gap}',
 '{pos_label,min_segment_rows}',
 'The largest difference of a metric (recall, precision, f1, accuracy, positive_rate of pos_label) between the segments (the values of column segment) is at most max_gap: the model''s bias threshold. Details list every segment''s value; the segments at the two extremes are the failing ones.');

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

-- ------------------------------------------------------------------------
-- Freshness (issue #13; src/sql/freshness.sql): its catalogue row.  The
-- functions are in 90-functions.sql.
-- ------------------------------------------------------------------------
INSERT INTO vqc.expectation_catalog VALUES
('expect_row_values_to_have_recent_data', 'aggregate', '{column,interval}', '{datepart}',
 'The newest value of the date or timestamp column is at most interval dateparts (datepart: year, month, week, day (default), hour, minute, second) before the run''s time, as dbt-expectations'' test of that name.');

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
-- ------------------------------------------------------------------------
-- ge-types (issue #11): the missing Great Expectations types, each a full
-- citizen: LIKE patterns, column pairs, several columns of a row, compound
-- uniqueness (hash screen), z-scores, other tables (row counts, referential
-- integrity as a join of the scan), unexpected_rows_expectation (vqc.expect
-- only).  New: src/sql/ge_types.sql and its catalogue rows; the typed
-- wrappers; hooks in vqc._plan, vqc._evaluate, vqc._map_result,
-- vqc._scan_sql, vqc.expect, vqc.explain and vqc._record_run_check
-- (full new bodies below).
-- ------------------------------------------------------------------------

-- Great Expectations types of several columns, z-scores, other tables (ge_types.sql)
INSERT INTO vqc.expectation_catalog VALUES
('expect_column_values_to_match_like_pattern', 'map', '{column,like_pattern}', '{mostly}',
 'Values match the SQL LIKE pattern like_pattern.'),
('expect_column_values_to_not_match_like_pattern', 'map', '{column,like_pattern}', '{mostly}',
 'Values do not match the SQL LIKE pattern like_pattern.'),
('expect_column_values_to_match_like_pattern_list', 'map', '{column,like_pattern_list}', '{match_on,mostly}',
 'Values match any (match_on = any, default) or all of the SQL LIKE patterns.'),
('expect_column_values_to_not_match_like_pattern_list', 'map', '{column,like_pattern_list}', '{mostly}',
 'Values match none of the SQL LIKE patterns.'),
('expect_column_pair_values_a_to_be_greater_than_b', 'map', '{column_A,column_B}', '{or_equal,ignore_row_if,mostly}',
 'column_A > column_B in each row (>= with or_equal); ignore_row_if: both_values_are_missing (default), either_value_is_missing, neither.'),
('expect_column_pair_values_to_be_equal', 'map', '{column_A,column_B}', '{ignore_row_if,mostly}',
 'column_A = column_B in each row; a missing value on one side is unequal.'),
('expect_column_pair_values_to_be_in_set', 'map', '{column_A,column_B,value_pairs_set}', '{ignore_row_if,mostly}',
 'Each row''s pair (column_A, column_B) is one of value_pairs_set ([[a, b], ...]).'),
('expect_compound_columns_to_be_unique', 'map', '{column_list}', '{ignore_row_if,mostly}',
 'No combination of the values of column_list occurs in more than one row; ignore_row_if: all_values_are_missing (default), any_value_is_missing, never.'),
('expect_multicolumn_sum_to_equal', 'map', '{column_list,sum_total}', '{ignore_row_if,mostly}',
 'The values of column_list sum (exactly, as numeric) to sum_total in each row.'),
('expect_select_column_values_to_be_unique_within_record', 'map', '{column_list}', '{ignore_row_if,mostly}',
 'The values of column_list differ from each other within each row.'),
('expect_column_value_z_scores_to_be_less_than', 'map', '{column,threshold}', '{double_sided,mostly}',
 'Each value''s z-score (against the column''s mean and sample stdev) is below threshold (in absolute value when double_sided, default true).'),
('expect_column_values_to_be_in_other_table', 'map', '{column,other_table,other_column}', '{mostly}',
 'vqc extension: every value occurs in other_table.other_column (referential integrity).'),
('expect_table_row_count_to_equal_other_table', 'table', '{other_table_name}', '{}',
 'The table has as many rows as other_table_name.'),
('expect_table_row_count_to_be_within_other_table_by', 'table', '{other_table_name,tolerance}', '{}',
 'vqc extension: |rows - other''s rows| <= tolerance x other''s rows (a relative tolerance).'),
('unexpected_rows_expectation', 'table', '{unexpected_rows_query}', '{}',
 'The query ({batch} stands for the table) returns no rows; vqc.expect only, never in a suite.');

CREATE OR REPLACE FUNCTION vqc._check_suite_other_tables(s vqc.suite, t regclass, expectations jsonb)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    e     jsonb;
    key   text;
    other regclass;
BEGIN
    FOR e IN SELECT x FROM jsonb_array_elements(expectations) x
              WHERE x ->> 'type' IN ('expect_column_values_to_be_in_other_table',
                                     'expect_table_row_count_to_equal_other_table',
                                     'expect_table_row_count_to_be_within_other_table_by') LOOP
        key := CASE WHEN e ->> 'type' = 'expect_column_values_to_be_in_other_table' THEN 'other_table' ELSE 'other_table_name' END;
        BEGIN
            other := vqc._kw_other_table(t, e ->> 'type', e -> 'kwargs', key);
        EXCEPTION WHEN invalid_parameter_value OR undefined_table THEN
            CONTINUE;          -- the expectation reports it
        END;
        IF NOT has_any_column_privilege(s.owner, other, 'SELECT')
           OR (key = 'other_table' AND EXISTS (
                   SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = other AND a.attname = e -> 'kwargs' ->> 'other_column' AND a.attnum > 0
                      AND NOT a.attisdropped AND NOT has_column_privilege(s.owner, other, a.attnum, 'SELECT'))) THEN
            RAISE EXCEPTION 'suite "%" reads table %, which its owner % may not read', s.name, other, s.owner
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'A run stores what it learns of the other table where the suite''s owner can read it.',
                      HINT = 'Grant the owner SELECT on it, or remove the expectation.';
        END IF;
    END LOOP;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._columns_json_sql(names text[])
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('pg_catalog.jsonb_build_object(%s)::pg_catalog.text',
                  string_agg(format('%L, %I', c, c), ', ' ORDER BY o))
      FROM unnest(names) WITH ORDINALITY AS x(c, o)
$function$
;

CREATE OR REPLACE FUNCTION vqc._columns_map_plan(target regclass, pidx integer, names text[], keep text, expected text, key_columns text[], sample_cap integer, pair boolean)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('t%s', pidx),
            format('vqc.tally(%s, %s, %s) FILTER (WHERE %s(%s) IS FALSE)', vqc._columns_json_sql(names),
                   vqc._row_key_sql(target, key_columns), sample_cap,
                   CASE WHEN keep IS NULL THEN '' ELSE keep || ' AND ' END, expected)) ||
                 CASE WHEN keep IS NULL THEN '{}'::jsonb
                      ELSE jsonb_build_object(format('k:%s', md5(keep)), format('pg_catalog.count(*) FILTER (WHERE %s)', keep)) END,
        'tally', format('t%s', pidx),
        'nonnull', CASE WHEN keep IS NULL THEN 'n' ELSE format('k:%s', md5(keep)) END,
        'columns', to_jsonb(names),
        'pair', pair,
        -- the failing rows, for a query that selects them
        'fails_sql', format('%s(%s) IS FALSE', CASE WHEN keep IS NULL THEN '' ELSE keep || ' AND ' END, expected),
        'key_columns', to_jsonb(key_columns))
$function$
;

CREATE OR REPLACE FUNCTION vqc._columns_sample_index(plan jsonb, s jsonb)
 RETURNS jsonb
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE WHEN jsonb_typeof(s -> 'row_key') = 'object' THEN s -> 'row_key' ELSE '{}' END ||
           CASE WHEN coalesce((s ->> 'clipped')::boolean, false) OR s ->> 'value' IS NULL THEN '{}'
                ELSE (s ->> 'value')::jsonb END
$function$
;

CREATE OR REPLACE FUNCTION vqc._columns_sample_value(plan jsonb, s jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    obj jsonb;
BEGIN
    IF (s ->> 'clipped')::boolean OR s ->> 'value' IS NULL THEN
        RETURN coalesce(s -> 'value', 'null');
    END IF;
    obj := (s ->> 'value')::jsonb;
    IF (plan ->> 'pair')::boolean THEN
        RETURN (SELECT jsonb_agg(obj -> c ORDER BY o)
                  FROM jsonb_array_elements_text(plan -> 'columns') WITH ORDINALITY AS x(c, o));
    END IF;
    RETURN obj;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._compound_fails_sql(target regclass, names text[], keep text)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE WHEN (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'p', 'm')
                THEN format('(tableoid, ctid) OPERATOR(pg_catalog.=) ANY (SELECT tableoid, ctid FROM (SELECT tableoid, ctid, '
                            'pg_catalog.count(*) OVER (PARTITION BY %1$s) AS c FROM %2$s%3$s) AS w WHERE c OPERATOR(pg_catalog.>) 1)',
                            cols, target, w)
                ELSE format('(%1$s) IN (SELECT %1$s FROM %2$s%3$s GROUP BY %1$s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)',
                            cols, target, w) END
      FROM (SELECT string_agg(quote_ident(c), ', ' ORDER BY o) AS cols,
                   CASE WHEN keep IS NULL THEN '' ELSE ' WHERE ' || keep END AS w
              FROM unnest(names) WITH ORDINALITY AS x(c, o)) AS parts
$function$
;

CREATE OR REPLACE FUNCTION vqc._compound_repeats(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    dups  bigint[] := (vals ->> (plan ->> 'hash_words'))::bigint[];
    cols  text := (SELECT string_agg(quote_ident(c), ', ' ORDER BY o)
                     FROM jsonb_array_elements_text(plan -> 'columns') WITH ORDINALITY AS x(c, o));
    conds text[] := ARRAY(SELECT plan ->> 'keep' WHERE plan ->> 'keep' IS NOT NULL);
BEGIN
    passes := 0;
    IF dups = '{}' THEN
        RETURN;
    END IF;
    IF dups IS NOT NULL THEN
        conds := conds || format('%s OPERATOR(pg_catalog.=) ANY ($1)',
                                 vqc._compound_word_sql(vqc._jsonb_text_array(plan -> 'columns')));
    END IF;
    -- samples ascending by value, then by row key: the same order whatever the plan
    EXECUTE format('SELECT vqc.tally(v, k, %1$s ORDER BY v, k) FROM '
                   '(SELECT %2$s AS v, %3$s AS k, pg_catalog.count(*) OVER (PARTITION BY %4$s) AS c '
                   '   FROM %5$s%6$s) AS candidates WHERE c OPERATOR(pg_catalog.>) 1',
                   plan ->> 'sample_cap', vqc._columns_json_sql(vqc._jsonb_text_array(plan -> 'columns')),
                   plan ->> 'row_key_sql', cols, target,
                   CASE WHEN cardinality(conds) > 0 THEN ' WHERE ' || array_to_string(conds, ' AND ') ELSE '' END)
        INTO t USING ARRAY(SELECT dups[i][1] FROM generate_subscripts(dups, 1) AS i);
    passes := 1;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._compound_word_sql(names text[])
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('vqc.hash_row(%s)', string_agg(format('%I', c), ', ' ORDER BY o))
      FROM unnest(names) WITH ORDINALITY AS x(c, o)
$function$
;

CREATE OR REPLACE FUNCTION vqc._cross_type_operator(ba regtype, op text, bb regtype)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('OPERATOR(%s.%s)', quote_ident(n.nspname), o.oprname)
      FROM pg_opclass c
      JOIN pg_amop x ON x.amopfamily = c.opcfamily AND x.amoplefttype = ba AND x.amoprighttype = bb
                    AND x.amopstrategy = array_position(ARRAY['<', '<=', '=', '>=', '>'], op)
                    AND x.amopmethod = c.opcmethod
      JOIN pg_operator o ON o.oid = x.amopopr
      JOIN pg_namespace n ON n.oid = o.oprnamespace
     WHERE c.oid = vqc._default_opclass(ba, 'btree')
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

    IF plan ? 'evaluator' THEN
        RETURN vqc._evaluate_ge_type(target, plan, vals, rf);      -- ge_types.sql: other tables' counts
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
    element := (vals ->> 'n')::bigint;
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

CREATE OR REPLACE FUNCTION vqc._evaluate_ge_type(target regclass, plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    element  bigint := (vals ->> 'n')::bigint;
    other    bigint := (vals ->> (plan ->> 'other_item'))::bigint;
BEGIN
    RETURN jsonb_build_object(
        'success', abs(element - other) <= (plan ->> 'tolerance')::numeric * other,
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', jsonb_build_object('self', element, 'other', other)) END,
        'samples', '[]'::jsonb, 'extra_scans', 0);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._expect_unexpected_rows(target regclass, kwargs jsonb, result_format text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype text := 'unexpected_rows_expectation';
    rf    jsonb;
    query text;
    cap   integer;
    n     bigint;
    rows  jsonb;
BEGIN
    PERFORM vqc._check_kwargs(etype, kwargs);
    rf := vqc._result_format(coalesce(kwargs -> 'result_format', to_jsonb(result_format)));
    query := replace(vqc._kw_text(etype, kwargs, 'unexpected_rows_query'), '{batch}', target::text);
    cap := CASE rf ->> 'result_format'
                WHEN 'COMPLETE' THEN coalesce(current_setting('vqc.max_unexpected_samples', true)::integer, 1000)
                WHEN 'BOOLEAN_ONLY' THEN 0
                ELSE greatest((rf ->> 'partial_unexpected_count')::integer, 20) END;
    EXECUTE format('SELECT pg_catalog.count(*), pg_catalog.jsonb_agg(pg_catalog.to_jsonb(q)) '
                   'FILTER (WHERE q.vqc_ordinality OPERATOR(pg_catalog.<=) %s) '
                   'FROM (SELECT *, pg_catalog.row_number() OVER () AS vqc_ordinality FROM (%s) AS u) AS q', cap, query)
        INTO n, rows;
    RETURN vqc._ge_result(jsonb_build_object(
        'type', etype, 'kwargs', kwargs, 'status', CASE WHEN n = 0 THEN 'success' ELSE 'failure' END,
        'success', n = 0,
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object(
                           'observed_value', format('%s unexpected %s', n, CASE WHEN n = 1 THEN 'row' ELSE 'rows' END),
                           'details', jsonb_build_object(
                               'unexpected_rows', (SELECT coalesce(jsonb_agg(r - 'vqc_ordinality'), '[]')
                                                     FROM jsonb_array_elements(coalesce(rows, '[]')) r))) END));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._explain_notes(plans jsonb[])
 RETURNS SETOF text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('Note: expectation %s (%s): %s.', i, p ->> 'type', p ->> 'explain_note')
      FROM unnest(plans) WITH ORDINALITY AS x(p, i)
     WHERE p ? 'explain_note'
     ORDER BY i
$function$
;

CREATE OR REPLACE FUNCTION vqc._ge_type_failures(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    IF plan ->> 'failures' = 'z_scores' THEN
        SELECT x.t, x.passes INTO t, passes FROM vqc._z_score_failures(target, plan, vals) x;
    ELSE
        SELECT x.t, x.passes INTO t, passes FROM vqc._compound_repeats(target, plan, vals) x;
    END IF;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._ignore_row_if_sql(etype text, kwargs jsonb, qcols text[], pair boolean)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    modes text[] := CASE WHEN pair THEN ARRAY['both_values_are_missing', 'either_value_is_missing', 'neither']
                         ELSE ARRAY['all_values_are_missing', 'any_value_is_missing', 'never'] END;
    mode  text := coalesce(vqc._kw_text(etype, kwargs, 'ignore_row_if'), modes[1]);
BEGIN
    CASE array_position(modes, mode)
    WHEN 1 THEN
        RETURN format('NOT (%s)', (SELECT string_agg(format('%s IS NULL', q), ' AND ') FROM unnest(qcols) q));
    WHEN 2 THEN
        RETURN format('(%s)', (SELECT string_agg(format('%s IS NOT NULL', q), ' AND ') FROM unnest(qcols) q));
    WHEN 3 THEN
        RETURN NULL;
    ELSE
    END CASE;
    PERFORM vqc._bad_kwarg(etype, format('unknown ignore_row_if "%s"', mode),
                           CASE WHEN pair THEN 'Use both_values_are_missing, either_value_is_missing or neither.'
                                ELSE 'Use all_values_are_missing, any_value_is_missing or never.' END);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._implicit_cast(src regtype, dst regtype)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT EXISTS (SELECT 1 FROM pg_cast WHERE castsource = src AND casttarget = dst AND castcontext = 'i') $function$
;

CREATE OR REPLACE FUNCTION vqc._kw_columns(target regclass, etype text, v jsonb, key text, allow_repeat boolean, OUT names text[], OUT types regtype[])
 RETURNS record
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    c   record;
    i   integer;
BEGIN
    names := '{}';
    types := '{}';
    IF v IS NULL OR jsonb_array_length(v) = 0 THEN
        PERFORM vqc._bad_kwarg(etype, format('%s must name at least one column', key));
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        IF jsonb_typeof(v -> i) <> 'string' THEN
            PERFORM vqc._bad_kwarg(etype, format('%s must hold column names', key));
        END IF;
        IF (v ->> i) = ANY (names) AND NOT allow_repeat THEN
            PERFORM vqc._bad_kwarg(etype, format('%s names a column twice', key));
        END IF;
        SELECT * INTO c FROM vqc._column(target, v ->> i);
        names := names || (v ->> i);
        types := types || c.type_sql::regtype;
    END LOOP;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._kw_other_table(target regclass, etype text, kwargs jsonb, key text)
 RETURNS regclass
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    name  text := vqc._kw_text(etype, kwargs, key);
    parts text[];
    t     regclass;
BEGIN
    BEGIN
        parts := parse_ident(name);
    EXCEPTION WHEN invalid_parameter_value OR syntax_error THEN
        PERFORM vqc._bad_kwarg(etype, format('%s is not a valid table name', key));
    END;
    IF cardinality(parts) = 1 THEN
        parts := ARRAY[(SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.oid = target)] || parts;
    ELSIF cardinality(parts) <> 2 THEN
        PERFORM vqc._bad_kwarg(etype, format('%s must be a table name, optionally schema-qualified', key));
    END IF;
    t := to_regclass(format('%I.%I', parts[1], parts[2]));
    IF t IS NULL OR (SELECT relkind FROM pg_class WHERE oid = t) NOT IN ('r', 'p', 'v', 'm', 'f') THEN
        RAISE EXCEPTION 'relation "%.%" does not exist', parts[1], parts[2]
            USING ERRCODE = 'undefined_table',
                  DETAIL = format('Expectation: %s.', etype),
                  HINT = 'An unqualified name is looked up in the schema of the checked table.';
    END IF;
    IF NOT has_any_column_privilege(t, 'SELECT') THEN
        RAISE EXCEPTION 'permission denied for table %', t
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN t;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._like_expected_sql(etype text, kwargs jsonb, p text, qcol text, colname text, category "char", type_sql text)
 RETURNS text
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    v      jsonb;
    conds  text[] := '{}';
    i      integer;
BEGIN
    IF etype NOT LIKE 'expect_column_values_to_%match_like_pattern%' THEN
        RAISE EXCEPTION 'no plan for expectation type "%"', etype USING ERRCODE = 'internal_error';
    END IF;
    PERFORM vqc._require_text(etype, colname, category, type_sql);
    IF etype LIKE '%_list' THEN
        v := vqc._kw(etype, kwargs, 'like_pattern_list', '{array}');
        IF jsonb_array_length(v) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'like_pattern_list must not be empty');
        END IF;
    ELSE
        v := jsonb_build_array(vqc._kw(etype, kwargs, 'like_pattern', '{string}'));
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        IF jsonb_typeof(v -> i) <> 'string' THEN
            PERFORM vqc._bad_kwarg(etype, 'like patterns must be strings');
        END IF;
        -- LIKE refuses a pattern ending in its escape only when a match reaches it
        IF (v ->> i) ~ '(^|[^\\])(\\\\)*\\$' THEN
            PERFORM vqc._bad_kwarg(etype, 'a LIKE pattern must not end with the escape character',
                                   'Double a final backslash to match a backslash.');
        END IF;
        conds := conds || format('(%s)::pg_catalog.text OPERATOR(pg_catalog.~~) (%s%s)', qcol, p,
                                 CASE WHEN etype LIKE '%_list' THEN format(' OPERATOR(pg_catalog.->) ''like_pattern_list'' OPERATOR(pg_catalog.->>) %s', i)
                                      ELSE ' OPERATOR(pg_catalog.->>) ''like_pattern''' END);
    END LOOP;
    RETURN vqc._pattern_list_sql(etype, kwargs, conds);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._map_result(plan jsonb, rf jsonb, element bigint, nonnull bigint, unexpected bigint, samples jsonb, category "char")
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._pair_compare_sql(ta regtype, a text, op text, tb regtype, b text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    ba   regtype := vqc._base_type(ta);
    bb   regtype := vqc._base_type(tb);
    opr  text;
BEGIN
    IF ba = bb THEN
        RETURN vqc._compare_sql(ta, a, op, b);
    END IF;
    opr := vqc._cross_type_operator(ba, op, bb);
    IF opr IS NOT NULL THEN
        RETURN format('(%s)::%s %s (%s)::%s', a, format_type(ba, NULL), opr, b, format_type(bb, NULL));
    END IF;
    IF vqc._implicit_cast(bb, ba) THEN
        RETURN vqc._compare_sql(ba, a, op, format('(%s)::%s', b, format_type(ba, NULL)));
    END IF;
    IF vqc._implicit_cast(ba, bb) THEN
        RETURN vqc._compare_sql(bb, format('(%s)::%s', a, format_type(bb, NULL)), op, b);
    END IF;
    RAISE EXCEPTION 'values of types % and % cannot be compared', format_type(ta, NULL), format_type(tb, NULL)
        USING ERRCODE = 'undefined_function',
              HINT = 'Cast one of the columns in a view to the other''s type.';
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._pattern_list_sql(etype text, kwargs jsonb, conds text[])
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    match_on text := coalesce(vqc._kw_text(etype, kwargs, 'match_on'), 'any');
BEGIN
    IF match_on NOT IN ('any', 'all') THEN
        PERFORM vqc._bad_kwarg(etype, 'match_on must be "any" or "all"');
    END IF;
    IF etype LIKE '%not_match%' THEN
        RETURN format('NOT (%s)', array_to_string(conds, ' OR '));
    END IF;
    RETURN format('(%s)', array_to_string(conds, CASE match_on WHEN 'any' THEN ' OR ' ELSE ' AND ' END));
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
    other_plan jsonb;
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

    -- pairs, several columns, z-scores, other tables (ge_types.sql)
    other_plan := vqc._plan_ge_type(target, plan, pidx, key_columns, sample_cap);
    IF other_plan IS NOT NULL THEN
        RETURN plan || other_plan;
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
        expected := vqc._pattern_list_sql(etype, kwargs, conds);
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
    ELSE
        -- SQL LIKE patterns (ge_types.sql)
        expected := vqc._like_expected_sql(etype, kwargs, p, qcol, colname, col.category, col.type_sql);
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

CREATE OR REPLACE FUNCTION vqc._plan_compound_unique(target regclass, pidx integer, names text[], keep text, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT vqc._columns_map_plan(target, pidx, names, keep, 'true', key_columns, sample_cap, false)
           - 'tally' ||
           jsonb_build_object(
               'items', jsonb_build_object(
                   'n', 'pg_catalog.count(*)',
                   format('h%s', pidx),
                   format('vqc.hash_set_duplicates(vqc.hash_set_agg(%s)%s, 100000)', vqc._compound_word_sql(names),
                          CASE WHEN keep IS NULL THEN '' ELSE format(' FILTER (WHERE %s)', keep) END)) ||
                        CASE WHEN keep IS NULL THEN '{}'::jsonb
                             ELSE jsonb_build_object(format('k:%s', md5(keep)), format('pg_catalog.count(*) FILTER (WHERE %s)', keep)) END,
               'failures', 'compound_unique',
               'fails_sql', vqc._compound_fails_sql(target, names, keep),
               'hash_words', format('h%s', pidx),
               'keep', keep,
               'row_key_sql', vqc._row_key_sql(target, key_columns),
               'sample_cap', sample_cap,
               'explain_note', 'a second pass reads the rows whose column values'' hash repeats, only when the hash screen finds a repeat')
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_ge_type(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    p       text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    cols    record;
    q       text[];
    keep    text;
    conds   text[] := '{}';
    v       jsonb;
    i       integer;
    j       integer;
    mostly  numeric;
BEGIN
    IF etype NOT IN ('expect_column_pair_values_a_to_be_greater_than_b', 'expect_column_pair_values_to_be_equal',
                     'expect_column_pair_values_to_be_in_set', 'expect_compound_columns_to_be_unique',
                     'expect_multicolumn_sum_to_equal', 'expect_select_column_values_to_be_unique_within_record',
                     'expect_column_value_z_scores_to_be_less_than', 'expect_column_values_to_be_in_other_table',
                     'expect_table_row_count_to_equal_other_table',
                     'expect_table_row_count_to_be_within_other_table_by', 'unexpected_rows_expectation') THEN
        RETURN NULL;
    END IF;
    IF etype = 'unexpected_rows_expectation' THEN
        RAISE EXCEPTION 'unexpected_rows_expectation runs only in vqc.expect'
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its query is SQL of its writer''s choosing, and a suite may be run by another role or by pg_cron.',
                  HINT = 'Call vqc.expect() with it, as the role whose rights the query should have.';
    END IF;
    IF etype LIKE 'expect_table_row_count_%other_table%' THEN
        RETURN vqc._plan_other_table_count(target, etype, kwargs, pidx);
    END IF;
    mostly := vqc._kw_mostly(etype, kwargs);
    IF etype = 'expect_column_value_z_scores_to_be_less_than' THEN
        RETURN vqc._plan_z_scores(target, plan, pidx, key_columns, sample_cap) || jsonb_build_object('mostly', mostly);
    END IF;
    IF etype = 'expect_column_values_to_be_in_other_table' THEN
        RETURN vqc._plan_in_other_table(target, plan, pidx, key_columns, sample_cap) || jsonb_build_object('mostly', mostly);
    END IF;

    IF etype LIKE 'expect_column_pair_%' THEN
        IF vqc._kw_text(etype, kwargs, 'column_A') IS NULL OR vqc._kw_text(etype, kwargs, 'column_B') IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'column_A and column_B must be column names');
        END IF;
        SELECT * INTO cols FROM vqc._kw_columns(target, etype, jsonb_build_array(kwargs -> 'column_A', kwargs -> 'column_B'),
                                                'column_A and column_B', true);
    ELSE
        SELECT * INTO cols FROM vqc._kw_columns(target, etype, vqc._kw(etype, kwargs, 'column_list', '{array}'),
                                                'column_list', false);
    END IF;
    q := ARRAY(SELECT quote_ident(c) FROM unnest(cols.names) c);
    keep := vqc._ignore_row_if_sql(etype, kwargs, q, etype LIKE 'expect_column_pair_%');

    CASE etype
    WHEN 'expect_column_pair_values_a_to_be_greater_than_b' THEN
        IF vqc._kw_bool(etype, kwargs, 'or_equal', false) THEN
            conds := ARRAY[vqc._pair_compare_sql(cols.types[1], q[1], '>=', cols.types[2], q[2]),
                           format('(%s IS NULL AND %s IS NULL)', q[1], q[2])];
        ELSE
            conds := ARRAY[vqc._pair_compare_sql(cols.types[1], q[1], '>', cols.types[2], q[2])];
        END IF;
    WHEN 'expect_column_pair_values_to_be_equal' THEN
        -- a missing value on either side is unequal (GE: NOT (A IS NULL OR B IS NULL))
        conds := ARRAY[format('(%s AND %s IS NOT NULL AND %s IS NOT NULL)',
                              vqc._pair_compare_sql(cols.types[1], q[1], '=', cols.types[2], q[2]), q[1], q[2])];
    WHEN 'expect_column_pair_values_to_be_in_set' THEN
        v := vqc._kw(etype, kwargs, 'value_pairs_set', '{array}');
        IF jsonb_array_length(v) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'value_pairs_set must not be empty');
        END IF;
        FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
            IF jsonb_typeof(v -> i) <> 'array' OR jsonb_array_length(v -> i) <> 2
               OR jsonb_typeof(v -> i -> 0) IN ('array', 'object') OR jsonb_typeof(v -> i -> 1) IN ('array', 'object') THEN
                PERFORM vqc._bad_kwarg(etype, 'value_pairs_set must hold pairs [a, b] of scalar values');
            END IF;
            FOR j IN 0 .. 1 LOOP
                IF jsonb_typeof(v -> i -> j) <> 'null' THEN
                    PERFORM vqc._check_castable(etype, 'a value of value_pairs_set', v -> i ->> j,
                                                format_type(cols.types[j + 1], NULL));
                END IF;
            END LOOP;
            conds := conds || format('(%s AND %s)',
                vqc._compare_sql(cols.types[1], q[1], '=', format('(%s OPERATOR(pg_catalog.->) ''value_pairs_set'' '
                                 'OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->>) 0)::%s', p, i, format_type(cols.types[1], NULL))),
                vqc._compare_sql(cols.types[2], q[2], '=', format('(%s OPERATOR(pg_catalog.->) ''value_pairs_set'' '
                                 'OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->>) 1)::%s', p, i, format_type(cols.types[2], NULL))));
        END LOOP;
    WHEN 'expect_multicolumn_sum_to_equal' THEN
        FOR i IN 1 .. cardinality(q) LOOP
            IF (SELECT typcategory FROM pg_type WHERE oid = cols.types[i]) <> 'N' THEN
                RAISE EXCEPTION '% needs numeric columns; column "%" is of type %', etype, cols.names[i],
                                format_type(cols.types[i], NULL)
                    USING ERRCODE = 'datatype_mismatch';
            END IF;
        END LOOP;
        PERFORM vqc._kw(etype, kwargs, 'sum_total', '{number}');
        -- summed exactly, in numeric
        conds := ARRAY[format('(%s) OPERATOR(pg_catalog.=) (%s OPERATOR(pg_catalog.->>) ''sum_total'')::pg_catalog.numeric',
                              (SELECT string_agg(format('(%s)::pg_catalog.numeric', c), ' OPERATOR(pg_catalog.+) ')
                                 FROM unnest(q) c), p)];
    WHEN 'expect_select_column_values_to_be_unique_within_record' THEN
        FOR i IN 1 .. cardinality(q) - 1 LOOP
            FOR j IN i + 1 .. cardinality(q) LOOP
                conds := conds || format('%s OR (%s IS NULL AND %s IS NULL)',
                                         vqc._pair_compare_sql(cols.types[i], q[i], '=', cols.types[j], q[j]), q[i], q[j]);
            END LOOP;
        END LOOP;
        IF cardinality(conds) = 0 THEN
            conds := ARRAY['false'];
        END IF;
        conds := ARRAY[format('NOT (%s)', array_to_string(conds, ' OR '))];
    WHEN 'expect_compound_columns_to_be_unique' THEN
        FOR i IN 1 .. cardinality(q) LOOP
            PERFORM vqc._require_opclass(etype, format_type(cols.types[i], NULL), 'hash');
            PERFORM vqc._require_opclass(etype, format_type(cols.types[i], NULL), 'btree');
        END LOOP;
        IF vqc._unique_by_index(target, cols.names) THEN
            -- the database already guarantees it: count, don't screen
            conds := ARRAY['true'];
        ELSE
                RETURN vqc._plan_compound_unique(target, pidx, cols.names, keep, key_columns, sample_cap)
                   || jsonb_build_object('mostly', mostly);
        END IF;
    END CASE;

    RETURN vqc._columns_map_plan(target, pidx, cols.names, keep,
                                 format('(%s)', array_to_string(conds, ' OR ')), key_columns, sample_cap,
                                 etype LIKE 'expect_column_pair_%')
           || jsonb_build_object('mostly', mostly);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_in_other_table(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    qcol    text := quote_ident(colname);
    other   regclass := vqc._kw_other_table(target, etype, kwargs, 'other_table');
    ocol    record := vqc._column(other, vqc._kw_text(etype, kwargs, 'other_column'));
    alias   text := format('vqc_in_%s', pidx);
    ta      regtype;
    tb      regtype;
    ovalue  text;
    cmp     text;
BEGIN
    -- the join's names must not hide a column of the table
    WHILE alias = ANY (vqc._table_columns(target)) LOOP
        alias := alias || '_';
    END LOOP;
    IF NOT has_column_privilege(other, ocol.attname, 'SELECT') THEN
        RAISE EXCEPTION 'permission denied for table %', other
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM vqc._require_opclass(etype, ocol.type_sql, 'hash');
    -- distinct as compared: values cast to the column's type are made
    -- distinct after the cast, so that a row meets at most one partner
    ta := (plan ->> 'type_sql')::regtype;
    tb := ocol.type_sql::regtype;
    ovalue := quote_ident(ocol.attname);
    IF vqc._base_type(ta) <> vqc._base_type(tb) AND vqc._cross_type_operator(vqc._base_type(ta), '=', vqc._base_type(tb)) IS NULL
       AND vqc._implicit_cast(vqc._base_type(tb), vqc._base_type(ta)) THEN
        ovalue := format('(%s)::%s', ovalue, format_type(vqc._base_type(ta), NULL));
        tb := vqc._base_type(ta);
    END IF;
    cmp := vqc._pair_compare_sql(ta, qcol, '=', tb, format('%I.%I', alias, alias));
    RETURN jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
            format('join:%s', pidx),
            format('LEFT JOIN (SELECT DISTINCT %2$s AS %1$I FROM %3$s) AS %1$I ON (%4$s)', alias, ovalue, other, cmp),
            format('t%s', pidx),
            format('vqc.tally(%s::pg_catalog.text, %s, %s) FILTER (WHERE %s IS NOT NULL AND %I.%I IS NULL)',
                   qcol, vqc._row_key_sql(target, key_columns), sample_cap, qcol, alias, alias)),
        'tally', format('t%s', pidx),
        'nonnull', format('nn:%s', colname),
        'fails_sql', format('%s IS NOT NULL AND NOT EXISTS (SELECT FROM (SELECT DISTINCT %s AS %I FROM %s) AS %I WHERE %s)',
                            qcol, ovalue, alias, other, alias, cmp),
        'key_columns', to_jsonb(key_columns));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_other_table_count(target regclass, etype text, kwargs jsonb, pidx integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    other regclass := vqc._kw_other_table(target, etype, kwargs, 'other_table_name');
    tol   numeric;
BEGIN
    IF etype = 'expect_table_row_count_to_be_within_other_table_by' THEN
        tol := (vqc._kw(etype, kwargs, 'tolerance', '{number}'))::numeric;
        IF tol < 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'tolerance cannot be negative');
        END IF;
    END IF;
    RETURN jsonb_build_object(
        'items', jsonb_build_object('n', 'pg_catalog.count(*)',
                                    format('oc:%s', other::oid), format('(SELECT pg_catalog.count(*) FROM %s)', other)),
        'evaluator', 'other_table_count',
        'other_item', format('oc:%s', other::oid),
        'tolerance', coalesce(tol, 0));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_z_scores(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype  text := plan ->> 'type';
    kwargs jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    qcol   text := quote_ident(colname);
    x      text := format('(%s)::pg_catalog.float8', quote_ident(colname));
BEGIN
    IF (SELECT typcategory FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype) <> 'N' THEN
        RAISE EXCEPTION '% needs a numeric column; column "%" is of type %', etype, colname, plan ->> 'type_sql'
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    PERFORM vqc._kw(etype, kwargs, 'threshold', '{number}');
    PERFORM vqc._kw_bool(etype, kwargs, 'double_sided', true);
    RETURN jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
            format('z:%s', colname),
            format('ARRAY[pg_catalog.avg(%1$s), pg_catalog.stddev_samp(%1$s), pg_catalog.min(%1$s), pg_catalog.max(%1$s)]', x)),
        'failures', 'z_scores',
        'fails_sql', vqc._z_fails_sql(x, format('(SELECT pg_catalog.avg(%s) FROM %s)', x, target),
                                      format('(SELECT pg_catalog.stddev_samp(%s) FROM %s)', x, target),
                                      (kwargs ->> 'threshold')::float8, vqc._kw_bool(etype, kwargs, 'double_sided', true)),
        'key_columns', to_jsonb(key_columns),
        'moments_item', format('z:%s', colname),
        'nonnull', format('nn:%s', colname),
        'threshold', (kwargs ->> 'threshold')::float8,
        'double_sided', vqc._kw_bool(etype, kwargs, 'double_sided', true),
        'row_key_sql', vqc._row_key_sql(target, key_columns),
        'sample_cap', sample_cap,
        'explain_note', 'z-scores need the mean and stdev this scan computes: a second pass reads the failing rows, '
                        'only when the min or max is beyond the threshold');
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._record_run_check(suite_id bigint)
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
    PERFORM vqc._check_suite_other_tables(s, t, inputs.expectations);     -- ge_types.sql
    ev := vqc._evaluate_all(t, inputs.expectations, inputs.key_columns, 20, '"BASIC"', false,
                            inputs.profile_columns);
    RETURN ev || jsonb_build_object('suite_id', s.suite_id, 'started', started,
                                    'finished', clock_timestamp(),
                                    'row_security', row_security_active(t));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._scan_sql(target regclass, items jsonb, names text[])
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    -- items named join:* are joined to the table (their value stays NULL);
    -- a join hides the table's system columns, which row keys use, so the
    -- table is then read through a subquery that names them (pulled up by
    -- the planner: the same scan)
    SELECT format('SELECT ARRAY[%s]::pg_catalog.text[] FROM %s%s',
                  string_agg(CASE WHEN nm LIKE 'join:%' THEN 'NULL::pg_catalog.text'
                                  ELSE format('(%s)::pg_catalog.text', items ->> nm) END, ', ' ORDER BY o),
                  CASE WHEN bool_or(nm LIKE 'join:%') AND (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'p', 'm')
                       THEN format('(SELECT *, ctid, tableoid FROM %s) AS vqc_scan', target)
                       ELSE target::text END,
                  coalesce(string_agg(' ' || (items ->> nm), '' ORDER BY o) FILTER (WHERE nm LIKE 'join:%'), ''))
      FROM unnest(names) WITH ORDINALITY AS x(nm, o)
$function$
;

CREATE OR REPLACE FUNCTION vqc._unique_by_index(target regclass, names text[])
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT EXISTS (
        SELECT 1
          FROM pg_index i
         WHERE i.indrelid = target AND i.indisunique AND i.indisvalid AND i.indimmediate
           AND i.indpred IS NULL AND i.indexprs IS NULL
           AND NOT EXISTS (SELECT 1
                             FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, o)
                             LEFT JOIN pg_attribute a ON a.attrelid = target AND a.attnum = k.attnum
                            WHERE k.o <= i.indnkeyatts
                              AND (a.attname IS NULL OR NOT a.attname::text = ANY (names)
                                   OR NOT (a.attnotnull OR i.indnullsnotdistinct))))
$function$
;

CREATE OR REPLACE FUNCTION vqc._z_fails_sql(x text, mean text, sd text, threshold double precision, double_sided boolean)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('(%3$s OPERATOR(pg_catalog.>) 0 AND (%s) IS FALSE)', x, mean, sd,
                  CASE WHEN double_sided
                       THEN format('pg_catalog.abs((%s OPERATOR(pg_catalog.-) %s) OPERATOR(pg_catalog./) %s) '
                                   'OPERATOR(pg_catalog.<) pg_catalog.abs(%L::pg_catalog.float8)', x, mean, sd, threshold)
                       ELSE format('((%s OPERATOR(pg_catalog.-) %s) OPERATOR(pg_catalog./) %s) '
                                   'OPERATOR(pg_catalog.<) %L::pg_catalog.float8', x, mean, sd, threshold) END)
$function$
;

CREATE OR REPLACE FUNCTION vqc._z_score_failures(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    m     float8[] := (vals ->> (plan ->> 'moments_item'))::float8[];
    th    float8 := (plan ->> 'threshold')::float8;
    ds    boolean := (plan ->> 'double_sided')::boolean;
    qcol  text := quote_ident(plan ->> 'column');
    fails boolean;
BEGIN
    passes := 0;
    IF m[2] IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT %s OR %s', vqc._z_fails_sql('$3', '$1', '$2', th, ds), vqc._z_fails_sql('$4', '$1', '$2', th, ds))
        INTO fails USING m[1], m[2], m[3], m[4];
    IF NOT fails THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT vqc.tally(%1$s::pg_catalog.text, %2$s, %3$s) FROM %4$s WHERE %5$s',
                   qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', target,
                   vqc._z_fails_sql(format('(%s)::pg_catalog.float8', qcol), '$1', '$2', th, ds))
        INTO t USING m[1], m[2];
    passes := 1;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc.expect(target regclass, expectation_type text, kwargs jsonb DEFAULT '{}'::jsonb, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc.expect_column_pair_values_a_to_be_greater_than_b(target regclass, column_a text, column_b text, or_equal boolean DEFAULT NULL::boolean, ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_pair_values_a_to_be_greater_than_b', jsonb_strip_nulls(jsonb_build_object('column_A', column_a, 'column_B', column_b, 'or_equal', or_equal, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_pair_values_a_to_be_greater_than_b(regclass,text,text,boolean,text,numeric,text) IS 'column_A is greater than (or equal to) column_B in each row.';

CREATE OR REPLACE FUNCTION vqc.expect_column_pair_values_to_be_equal(target regclass, column_a text, column_b text, ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_pair_values_to_be_equal', jsonb_strip_nulls(jsonb_build_object('column_A', column_a, 'column_B', column_b, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_pair_values_to_be_equal(regclass,text,text,text,numeric,text) IS 'column_A equals column_B in each row.';

CREATE OR REPLACE FUNCTION vqc.expect_column_pair_values_to_be_in_set(target regclass, column_a text, column_b text, value_pairs_set jsonb, ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_pair_values_to_be_in_set', jsonb_strip_nulls(jsonb_build_object('column_A', column_a, 'column_B', column_b, 'value_pairs_set', value_pairs_set, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_pair_values_to_be_in_set(regclass,text,text,jsonb,text,numeric,text) IS 'Each row''s (column_A, column_B) is one of value_pairs_set.';

CREATE OR REPLACE FUNCTION vqc.expect_column_value_z_scores_to_be_less_than(target regclass, "column" text, threshold double precision, double_sided boolean DEFAULT NULL::boolean, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_value_z_scores_to_be_less_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'threshold', threshold, 'double_sided', double_sided, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_value_z_scores_to_be_less_than(regclass,text,double precision,boolean,numeric,text) IS 'Each value''s z-score is below threshold.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_be_in_other_table(target regclass, "column" text, other_table regclass, other_column text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_be_in_other_table', jsonb_strip_nulls(jsonb_build_object('column', "column", 'other_table', other_table::text, 'other_column', other_column, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_in_other_table(regclass,text,regclass,text,numeric,text) IS 'Every value occurs in other_table.other_column.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_match_like_pattern(target regclass, "column" text, like_pattern text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_match_like_pattern', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern', like_pattern, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_like_pattern(regclass,text,text,numeric,text) IS 'Values match the SQL LIKE pattern.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_match_like_pattern_list(target regclass, "column" text, like_pattern_list text[], match_on text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_match_like_pattern_list', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern_list', like_pattern_list, 'match_on', match_on, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_like_pattern_list(regclass,text,text[],text,numeric,text) IS 'Values match any (or all) of the SQL LIKE patterns.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_not_match_like_pattern(target regclass, "column" text, like_pattern text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_not_match_like_pattern', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern', like_pattern, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_not_match_like_pattern(regclass,text,text,numeric,text) IS 'Values do not match the SQL LIKE pattern.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_not_match_like_pattern_list(target regclass, "column" text, like_pattern_list text[], mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_not_match_like_pattern_list', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern_list', like_pattern_list, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_not_match_like_pattern_list(regclass,text,text[],numeric,text) IS 'Values match none of the SQL LIKE patterns.';

CREATE OR REPLACE FUNCTION vqc.expect_compound_columns_to_be_unique(target regclass, column_list text[], ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_compound_columns_to_be_unique', jsonb_strip_nulls(jsonb_build_object('column_list', column_list, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_compound_columns_to_be_unique(regclass,text[],text,numeric,text) IS 'Each combination of the columns'' values occurs once.';

CREATE OR REPLACE FUNCTION vqc.expect_multicolumn_sum_to_equal(target regclass, column_list text[], sum_total numeric, ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_multicolumn_sum_to_equal', jsonb_strip_nulls(jsonb_build_object('column_list', column_list, 'sum_total', sum_total, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_multicolumn_sum_to_equal(regclass,text[],numeric,text,numeric,text) IS 'The columns sum to sum_total in each row.';

CREATE OR REPLACE FUNCTION vqc.expect_select_column_values_to_be_unique_within_record(target regclass, column_list text[], ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_select_column_values_to_be_unique_within_record', jsonb_strip_nulls(jsonb_build_object('column_list', column_list, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_select_column_values_to_be_unique_within_record(regclass,text[],text,numeric,text) IS 'The columns'' values differ within each row.';

CREATE OR REPLACE FUNCTION vqc.expect_table_row_count_to_be_within_other_table_by(target regclass, other_table_name regclass, tolerance double precision, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_table_row_count_to_be_within_other_table_by', jsonb_strip_nulls(jsonb_build_object('other_table_name', other_table_name::text, 'tolerance', tolerance)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_table_row_count_to_be_within_other_table_by(regclass,regclass,double precision,text) IS 'The row count is within a relative tolerance of other_table_name''s.';

CREATE OR REPLACE FUNCTION vqc.expect_table_row_count_to_equal_other_table(target regclass, other_table_name regclass, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_table_row_count_to_equal_other_table', jsonb_strip_nulls(jsonb_build_object('other_table_name', other_table_name::text)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_table_row_count_to_equal_other_table(regclass,regclass,text) IS 'The table has as many rows as other_table_name.';

CREATE OR REPLACE FUNCTION vqc.explain(suite text, with_analyze boolean DEFAULT false)
 RETURNS SETOF text
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s       vqc.suite := vqc._suite(suite);
    t       regclass := vqc._suite_target(s);
    inputs  record := vqc._suite_inputs(s, t);
    planned record := vqc._plan_all(t, inputs.expectations, inputs.key_columns, 20, '"BASIC"', false,
                                    inputs.profile_columns);
    names   text[];
BEGIN
    IF planned.items = '{}' THEN
        RETURN;
    END IF;
    SELECT array_agg(key ORDER BY key) INTO names FROM jsonb_object_keys(planned.items) key;
    RETURN QUERY EXECUTE format('EXPLAIN (COSTS OFF%s) %s',
                                CASE WHEN with_analyze THEN ', ANALYZE, TIMING OFF, SUMMARY OFF' ELSE '' END,
                                vqc._scan_sql(t, planned.items, names))
        USING planned.kwargs_all;
    RETURN QUERY SELECT vqc._explain_notes(planned.plans);     -- checks that may read again
END
$function$
;

CREATE OR REPLACE FUNCTION vqc.hash_row(VARIADIC "any")
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_hash_row$function$
;
COMMENT ON FUNCTION vqc.hash_row("any") IS 'A 64-bit word for a combination of values (each hashed by its type''s extended hash, NULLs alike, chained): equal combinations give equal words.';

CREATE OR REPLACE FUNCTION vqc.unexpected_rows_expectation(target regclass, unexpected_rows_query text, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'unexpected_rows_expectation', jsonb_strip_nulls(jsonb_build_object('unexpected_rows_query', unexpected_rows_query)), result_format) $function$
;
COMMENT ON FUNCTION vqc.unexpected_rows_expectation(regclass,text,text) IS 'The query ({batch} stands for the table) returns no rows.';

-- ------------------------------------------------------------------------
-- ge-unimpl (issue #11, point 5): the Great Expectations types GE does not
-- run on SQL databases: increasing / decreasing, JSON-parseable, JSON
-- schema, dateutil-parseable, the parameterized-distribution and the
-- bootstrapped KS tests, the chi-square test.  New: src/sql/ge_unimpl.sql
-- (and src/ge_unimpl.c), its catalogue rows and typed wrappers; hooks in
-- vqc._plan_ge_type and vqc._evaluate_ge_type (their full new bodies are in
-- 90-functions.sql).
-- ------------------------------------------------------------------------

CREATE FUNCTION vqc.is_json(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_is_json'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.is_json(text) IS
    'True when the text is one JSON value (PostgreSQL''s json grammar: NaN and Infinity, which Python''s json.loads takes, are not JSON).';

CREATE FUNCTION vqc.is_dateutil_parseable(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_is_dateutil_parseable'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.is_dateutil_parseable(text) IS
    'True when the text is a date, date-time or time of day as PostgreSQL''s date/time input reads it (DateStyle orders day and month): the forms dateutil.parser.parse takes, but fuzzy ones.';

CREATE FUNCTION vqc._ks_1samp(vals float8[], distribution text, args float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'vqc_ks_1samp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc._ks_bootstrap(vals float8[], bins float8[], weights float8[], p float8, samples integer, size integer)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'vqc_ks_bootstrap'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc._chi2_sf(x float8, dof float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_chi2_sf_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---------------------------------------------------------------------------
-- JSON Schema, the subset GE's users write: type (a name or a list; integer
-- is a number without fraction), enum, const, properties, required,
-- additionalProperties (boolean or schema), items (one schema), minItems,
-- maxItems, minLength, maxLength (characters), pattern (PCRE2, unanchored),
-- minimum, maximum, exclusiveMinimum, exclusiveMaximum (numbers, draft 6+),
-- allOf, anyOf, oneOf, not.  Other keywords are ignored, as JSON Schema
-- ignores unknown ones; $ref is refused.
CREATE FUNCTION vqc.matches_json_schema(doc jsonb, schema jsonb)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    t    text := jsonb_typeof(doc);
    k    text;
    s    jsonb;
    n    integer;
BEGIN
    IF jsonb_typeof(schema) = 'boolean' THEN
        RETURN schema::boolean;
    END IF;
    IF jsonb_typeof(schema) <> 'object' THEN
        RAISE EXCEPTION 'a JSON schema must be an object or a boolean'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF schema ? '$ref' THEN
        RAISE EXCEPTION 'JSON schema keyword "$ref" is not supported'
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Write the referenced schema in place.';
    END IF;
    IF schema ? 'type' AND NOT EXISTS (
           SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(schema -> 'type') = 'array' THEN schema -> 'type'
                                                       ELSE jsonb_build_array(schema -> 'type') END) AS x(name)
            WHERE name = t OR (name = 'integer' AND t = 'number' AND (doc #>> '{}')::numeric = trunc((doc #>> '{}')::numeric))) THEN
        RETURN false;
    END IF;
    IF schema ? 'enum' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(schema -> 'enum') e WHERE e = doc) THEN
        RETURN false;
    END IF;
    IF schema ? 'const' AND schema -> 'const' <> doc THEN
        RETURN false;
    END IF;
    FOR k, s IN SELECT key, value FROM jsonb_each(schema) WHERE key IN ('allOf', 'anyOf', 'oneOf') LOOP
        n := (SELECT count(*) FROM jsonb_array_elements(s) x WHERE vqc.matches_json_schema(doc, x));
        IF (k = 'allOf' AND n < jsonb_array_length(s)) OR (k = 'anyOf' AND n = 0) OR (k = 'oneOf' AND n <> 1) THEN
            RETURN false;
        END IF;
    END LOOP;
    IF schema ? 'not' AND vqc.matches_json_schema(doc, schema -> 'not') THEN
        RETURN false;
    END IF;
    IF t = 'object' THEN
        IF EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(schema -> 'required', '[]')) r WHERE NOT doc ? r) THEN
            RETURN false;
        END IF;
        FOR k, s IN SELECT key, value FROM jsonb_each(doc) LOOP
            IF schema -> 'properties' ? k THEN
                IF NOT vqc.matches_json_schema(s, schema -> 'properties' -> k) THEN
                    RETURN false;
                END IF;
            ELSIF schema ? 'additionalProperties' AND NOT vqc.matches_json_schema(s, schema -> 'additionalProperties') THEN
                RETURN false;
            END IF;
        END LOOP;
    ELSIF t = 'array' THEN
        IF jsonb_array_length(doc) < coalesce((schema ->> 'minItems')::numeric, 0)
           OR jsonb_array_length(doc) > coalesce((schema ->> 'maxItems')::numeric, jsonb_array_length(doc))
           OR (jsonb_typeof(schema -> 'items') IN ('object', 'boolean')
               AND EXISTS (SELECT 1 FROM jsonb_array_elements(doc) x WHERE NOT vqc.matches_json_schema(x, schema -> 'items'))) THEN
            RETURN false;
        END IF;
    ELSIF t = 'string' THEN
        IF char_length(doc #>> '{}') < coalesce((schema ->> 'minLength')::numeric, 0)
           OR char_length(doc #>> '{}') > coalesce((schema ->> 'maxLength')::numeric, char_length(doc #>> '{}'))
           OR (schema ? 'pattern' AND NOT vqc.regex_match(doc #>> '{}', schema ->> 'pattern')) THEN
            RETURN false;
        END IF;
    ELSIF t = 'number' THEN
        IF (doc #>> '{}')::numeric < (schema ->> 'minimum')::numeric
           OR (doc #>> '{}')::numeric > (schema ->> 'maximum')::numeric
           OR (jsonb_typeof(schema -> 'exclusiveMinimum') = 'number' AND (doc #>> '{}')::numeric <= (schema ->> 'exclusiveMinimum')::numeric)
           OR (jsonb_typeof(schema -> 'exclusiveMaximum') = 'number' AND (doc #>> '{}')::numeric >= (schema ->> 'exclusiveMaximum')::numeric) THEN
            RETURN false;
        END IF;
    END IF;
    RETURN true;
END
$$;
COMMENT ON FUNCTION vqc.matches_json_schema(jsonb, jsonb) IS
    'True when the JSON value meets the schema: a subset of JSON Schema (type, enum, const, properties, required, additionalProperties, items, min/maxItems, min/maxLength, pattern, minimum, maximum, exclusiveMinimum/Maximum, allOf, anyOf, oneOf, not).';

-- ---------------------------------------------------------------------------
-- planning

-- The row order of increasing / decreasing: the row key, else the primary
-- key, else the physical order.
CREATE FUNCTION vqc._row_order_columns(target regclass, key_columns text[])
RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT CASE
        WHEN cardinality(key_columns) > 0 THEN ARRAY(SELECT quote_ident(c) FROM unnest(key_columns) c)
        WHEN pk IS NOT NULL THEN ARRAY(SELECT quote_ident(c) FROM unnest(pk) c)
        WHEN (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'm') THEN ARRAY['ctid']
        WHEN (SELECT relkind FROM pg_class WHERE oid = target) = 'p' THEN ARRAY['tableoid', 'ctid']
        END
      FROM vqc._primary_key(target) AS pk
$$;

-- The common map plan of a single-column row test: expected is the SQL that
-- a non-null value is as expected.
CREATE FUNCTION vqc._ge_unimpl_map_plan(target regclass, colname text, pidx integer, expected text,
                                        key_columns text[], sample_cap integer, mostly numeric)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%I)', colname),
            format('t%s', pidx),
            format('vqc.tally(%1$I::pg_catalog.text, %2$s, %3$s) FILTER (WHERE %4$s)', colname,
                   vqc._row_key_sql(target, key_columns), sample_cap, fails)),
        'fails_sql', fails,
        'key_columns', to_jsonb(key_columns),
        'tally', format('t%s', pidx),
        'nonnull', format('nn:%s', colname),
        'mostly', mostly)
      FROM (SELECT format('%I IS NOT NULL AND (%s) IS NOT TRUE', colname, expected) AS fails) f
$$;

-- increasing / decreasing: the failing rows are those whose value is not
-- above (below; or equal, unless strictly) the previous non-null value in
-- row order, found by a window over the ordered rows: a scalar subquery of
-- the scan, which reads the table a second time.
CREATE FUNCTION vqc._plan_monotone(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer,
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

-- The scipy positional args of a parameterized distribution: params as an
-- array, or as GE's dict (_scipy_distribution_positional_args_from_dict).
CREATE FUNCTION vqc._distribution_args(etype text, distribution text, params jsonb)
RETURNS float8[]
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    names text[];
    out   float8[] := '{}';
    k     text;
BEGIN
    IF params IS NULL OR jsonb_typeof(params) = 'null' THEN
        RETURN out;
    END IF;
    IF jsonb_typeof(params) = 'array' THEN
        IF EXISTS (SELECT 1 FROM jsonb_array_elements(params) x WHERE jsonb_typeof(x) <> 'number') THEN
            PERFORM vqc._bad_kwarg(etype, 'params must be numbers');
        END IF;
        RETURN ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(params) WITH ORDINALITY AS u(x, o) ORDER BY o);
    END IF;
    IF jsonb_typeof(params) <> 'object' THEN
        PERFORM vqc._bad_kwarg(etype, 'params must be an array or an object');
    END IF;
    names := CASE distribution
        WHEN 'norm' THEN '{mean,std_dev}'
        WHEN 'beta' THEN '{alpha,beta,loc,scale}'
        WHEN 'gamma' THEN '{alpha,loc,scale}'
        WHEN 'uniform' THEN '{min,max}'
        WHEN 'chi2' THEN '{df,loc,scale}'
        WHEN 'expon' THEN '{loc,scale}' END;
    IF names IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown distribution "%s"', distribution),
                               'Use norm, beta, gamma, uniform, chi2 or expon.');
    END IF;
    FOREACH k IN ARRAY names LOOP
        IF jsonb_typeof(params -> k) = 'number' THEN
            out := out || (params ->> k)::float8;
        ELSIF k = 'loc' THEN
            out := out || 0::float8;
        ELSIF k = 'scale' THEN
            out := out || 1::float8;
        ELSE
            PERFORM vqc._bad_kwarg(etype, format('params of distribution "%s" need a number "%s"', distribution, k));
        END IF;
    END LOOP;
    RETURN out;
END
$$;

-- The bootstrapped KS test's partition (GE's is_valid_continuous_partition_object,
-- finite ends, no tail weights) and its settings.
CREATE FUNCTION vqc._plan_ks_bootstrap(etype text, kwargs jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    po      jsonb := vqc._kw(etype, kwargs, 'partition_object', '{object}');
    bins    float8[];
    w       float8[];
    pv      numeric := coalesce((vqc._kw(etype, kwargs, 'p', '{number}'))::numeric, 0.05);
    samples integer := coalesce(vqc._kw_int(etype, kwargs, 'bootstrap_samples'), 1000);
    size    integer;
BEGIN
    IF po IS NULL OR NOT po ? 'bins' THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object must be a continuous partition ({"bins", "weights"})');
    END IF;
    bins := vqc._kl_bins(etype, po -> 'bins');
    IF jsonb_typeof(po -> 'weights') IS DISTINCT FROM 'array'
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(po -> 'weights') x WHERE jsonb_typeof(x) <> 'number' OR x::numeric < 0) THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object needs "weights": non-negative numbers');
    END IF;
    w := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(po -> 'weights') WITH ORDINALITY u(x, o) ORDER BY o);
    IF cardinality(bins) <> cardinality(w) + 1 OR cardinality(w) = 0
       OR EXISTS (SELECT 1 FROM generate_series(2, cardinality(bins)) g WHERE bins[g] <= bins[g - 1])
       OR abs((SELECT sum(x) FROM unnest(w) x) - 1) > 1e-8 + 1e-5 THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object "bins" must be k + 1 increasing numbers for k weights summing to 1');
    END IF;
    IF bins[1] = '-Infinity' OR bins[cardinality(bins)] = 'Infinity' THEN
        PERFORM vqc._bad_kwarg(etype, 'partition endpoints must be finite');
    END IF;
    IF po ? 'tail_weights' AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(po -> 'tail_weights') x WHERE x::numeric <> 0) THEN
        PERFORM vqc._bad_kwarg(etype, 'partition cannot have tail weights: its endpoints must be finite');
    END IF;
    IF pv <= 0 OR pv >= 1 THEN
        PERFORM vqc._bad_kwarg(etype, 'p must be between 0 and 1 exclusive');
    END IF;
    size := coalesce(vqc._kw_int(etype, kwargs, 'bootstrap_sample_size'), 2 * cardinality(w));
    IF samples NOT BETWEEN 1 AND 1000000 OR size NOT BETWEEN 1 AND 1000000 OR samples::bigint * size > 100000000 THEN
        PERFORM vqc._bad_kwarg(etype, 'bootstrap_samples and bootstrap_sample_size must be between 1 and 1000000',
                               'Their product (the values drawn) is at most 100000000.');
    END IF;
    RETURN jsonb_build_object('evaluator', 'ks_bootstrap', 'threshold', pv, 'bins', to_jsonb(bins), 'weights', to_jsonb(w),
                              'bootstrap_samples', samples, 'bootstrap_sample_size', size);
END
$$;

-- Plans of this file's types; NULL for any other type.
CREATE FUNCTION vqc._plan_ge_unimpl(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    p       text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    cat     "char";
    mostly  numeric;
    dist    text;
    pv      numeric;
    po      jsonb;
    kl      jsonb;
BEGIN
    IF etype NOT IN ('expect_column_values_to_be_increasing', 'expect_column_values_to_be_decreasing',
                     'expect_column_values_to_be_json_parseable', 'expect_column_values_to_match_json_schema',
                     'expect_column_values_to_be_dateutil_parseable',
                     'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than',
                     'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than',
                     'expect_column_chisquare_test_p_value_to_be_greater_than') THEN
        RETURN NULL;
    END IF;
    SELECT typcategory INTO cat FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype;
    CASE etype
    WHEN 'expect_column_values_to_be_increasing', 'expect_column_values_to_be_decreasing' THEN
        RETURN vqc._plan_monotone(target, plan, pidx, key_columns, sample_cap, vqc._kw_mostly(etype, kwargs));
    WHEN 'expect_column_values_to_be_json_parseable' THEN
        -- a value that is not text is not a JSON document (GE: json.loads of it fails)
        RETURN vqc._ge_unimpl_map_plan(target, colname, pidx,
                                       CASE WHEN cat = 'S' THEN format('vqc.is_json(%I)', colname) ELSE 'false' END,
                                       key_columns, sample_cap, vqc._kw_mostly(etype, kwargs));
    WHEN 'expect_column_values_to_match_json_schema' THEN
        PERFORM vqc._require_text(etype, colname, cat, plan ->> 'type_sql');
        PERFORM vqc.matches_json_schema('null', vqc._kw(etype, kwargs, 'json_schema', '{object,boolean}'));
        RETURN vqc._ge_unimpl_map_plan(target, colname, pidx,
                                       format('CASE WHEN vqc.is_json(%1$I) THEN vqc.matches_json_schema(%1$I::pg_catalog.jsonb, '
                                              '%2$s OPERATOR(pg_catalog.->) ''json_schema'') ELSE false END', colname, p),
                                       key_columns, sample_cap, vqc._kw_mostly(etype, kwargs));
    WHEN 'expect_column_values_to_be_dateutil_parseable' THEN
        PERFORM vqc._require_text(etype, colname, cat, plan ->> 'type_sql');
        RETURN vqc._ge_unimpl_map_plan(target, colname, pidx, format('vqc.is_dateutil_parseable(%I)', colname),
                                       key_columns, sample_cap, vqc._kw_mostly(etype, kwargs));
    WHEN 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than',
         'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than' THEN
        IF cat <> 'N' THEN
            RAISE EXCEPTION '% needs a numeric column; column "%" is of type %', etype, colname, plan ->> 'type_sql'
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        IF etype LIKE '%bootstrapped%' THEN
            kl := vqc._plan_ks_bootstrap(etype, kwargs);
        ELSE
            dist := vqc._kw_text(etype, kwargs, 'distribution');
            pv := coalesce((vqc._kw(etype, kwargs, 'p_value', '{number}'))::numeric, 0.05);
            IF pv <= 0 OR pv >= 1 THEN
                PERFORM vqc._bad_kwarg(etype, 'p_value must be between 0 and 1 exclusive');
            END IF;
            -- checks the distribution and its parameters now
            PERFORM vqc._ks_1samp('{}', dist, vqc._distribution_args(etype, dist, kwargs -> 'params'));
            kl := jsonb_build_object('evaluator', 'ks_1samp', 'threshold', pv,
                                     'args', to_jsonb(vqc._distribution_args(etype, dist, kwargs -> 'params')));
        END IF;
        RETURN kl || jsonb_build_object(
            'items', jsonb_build_object(
                'n', 'pg_catalog.count(*)',
                format('nn:%s', colname), format('pg_catalog.count(%I)', colname),
                format('ks%s', pidx), format('pg_catalog.array_agg(%I::pg_catalog.float8) FILTER (WHERE %I IS NOT NULL)',
                                             colname, colname)));
    ELSE
        -- chi-square: the value counts as for the KL divergence (values only)
        po := vqc._kw(etype, kwargs, 'partition_object', '{object}');
        IF po IS NULL OR NOT po ? 'values' OR po ? 'bins' THEN
            PERFORM vqc._bad_kwarg(etype, 'partition_object must be a partition of values ({"values", "weights"})',
                                   'A partition of bins is for continuous data: use the KS tests.');
        END IF;
        pv := coalesce((vqc._kw(etype, kwargs, 'p', '{number}'))::numeric, 0.05);
        IF pv <= 0 OR pv >= 1 THEN
            PERFORM vqc._bad_kwarg(etype, 'p must be between 0 and 1 exclusive');
        END IF;
        kl := vqc._plan_kl(etype, kwargs - 'p', pidx, colname, plan ->> 'type_sql', cat);
        RETURN kl || jsonb_build_object('evaluator', 'chisquare', 'threshold', pv,
                                        'items', (kl -> 'items') || jsonb_build_object('n', 'pg_catalog.count(*)'));
    END CASE;
END
$$;

-- ---------------------------------------------------------------------------
-- evaluation

-- GE's bootstrapped KS result: the share of passing bootstrap samples, and
-- details as GE's metric: the observed partition (widened to the column's
-- min and max when values fall outside), both partitions and both CDFs.
CREATE FUNCTION vqc._evaluate_ks_bootstrap(plan jsonb, vals float8[], OUT pval float8, OUT details jsonb)
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    bins  float8[] := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(plan -> 'bins') WITH ORDINALITY u(x, o) ORDER BY o);
    w     float8[] := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(plan -> 'weights') WITH ORDINALITY u(x, o) ORDER BY o);
    r     float8[] := vqc._ks_bootstrap(coalesce(vals, '{}'), bins, w, (plan ->> 'threshold')::float8,
                                        (plan ->> 'bootstrap_samples')::integer, (plan ->> 'bootstrap_sample_size')::integer);
    n     float8 := cardinality(vals);
    obins float8[] := bins;
    ow    float8[] := r[6:];
BEGIN
    pval := r[1];
    IF r[2] > 0 THEN
        obins := r[4] || obins;
        ow := r[2] || ow;
    END IF;
    IF r[3] > 0 THEN
        obins := obins || r[5];
        ow := ow || r[3];
    END IF;
    ow := ARRAY(SELECT x / n FROM unnest(ow) WITH ORDINALITY u(x, o) ORDER BY o);
    details := jsonb_build_object(
        'bootstrap_samples', plan -> 'bootstrap_samples',
        'bootstrap_sample_size', plan -> 'bootstrap_sample_size',
        'observed_partition', jsonb_build_object('bins', to_jsonb(obins), 'weights', to_jsonb(ow)),
        'expected_partition', jsonb_build_object('bins', plan -> 'bins', 'weights', plan -> 'weights'),
        'observed_cdf', jsonb_build_object('x', to_jsonb(obins), 'cdf_values', to_jsonb(vqc._cumulative(ow))),
        'expected_cdf', jsonb_build_object('x', plan -> 'bins', 'cdf_values', to_jsonb(vqc._cumulative(w))));
END
$$;

-- 0 followed by the running sums of xs, as numpy's [0] + cumsum.
CREATE FUNCTION vqc._cumulative(xs float8[])
RETURNS float8[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT '{0}'::float8[] || ARRAY(SELECT sum(x) OVER (ORDER BY o) FROM unnest(xs) WITH ORDINALITY u(x, o) ORDER BY o)
$$;

CREATE FUNCTION vqc._evaluate_ge_unimpl(target regclass, plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    colname text := plan ->> 'column';
    th      float8 := (plan ->> 'threshold')::float8;
    ks      float8[];
    kl      record;
    obs     float8[];
    expct   float8[];
    n       float8;
    chi2    float8 := 0;
    pval    float8;
    details jsonb;
    extra   integer := 0;
    i       integer;
BEGIN
    IF plan ->> 'evaluator' = 'ks_1samp' THEN
        ks := vqc._ks_1samp(coalesce((vals ->> format('ks%s', plan ->> 'position'))::float8[], '{}'),
                            plan -> 'kwargs' ->> 'distribution',
                            ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(plan -> 'args') WITH ORDINALITY u(x, o) ORDER BY o));
        pval := ks[2];
        details := jsonb_build_object('observed_ks_statistic', ks[1]);
    ELSIF plan ->> 'evaluator' = 'ks_bootstrap' THEN
        SELECT x.pval, x.details INTO pval, details
          FROM vqc._evaluate_ks_bootstrap(plan, (vals ->> format('ks%s', plan ->> 'position'))::float8[]) x;
    ELSE
        -- scipy.stats.chisquare(counts, expected counts): GE's partition
        -- weights times the non-null count, values outside it sharing
        -- tail_weight_holdout (vqc._evaluate_kl builds both partitions)
        SELECT * INTO kl FROM vqc._evaluate_kl(target, plan, vals);
        extra := kl.extra;
        details := kl.details;
        n := (vals ->> (plan ->> 'nonnull'))::float8;
        obs := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(details -> 'observed_partition' -> 'weights') WITH ORDINALITY u(x, o) ORDER BY o);
        expct := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(details -> 'expected_partition' -> 'weights') WITH ORDINALITY u(x, o) ORDER BY o);
        IF n > 0 THEN
            FOR i IN 1 .. cardinality(obs) LOOP
                IF expct[i] = 0 THEN
                    chi2 := CASE WHEN obs[i] > 0 THEN 'Infinity' ELSE 'NaN' END;
                    EXIT;
                END IF;
                chi2 := chi2 + (obs[i] * n - expct[i] * n) ^ 2 / (expct[i] * n);
            END LOOP;
            pval := CASE WHEN chi2 = 'NaN' THEN NULL ELSE vqc._chi2_sf(chi2, cardinality(obs) - 1) END;
        END IF;
    END IF;
    RETURN jsonb_build_object(
        'success', coalesce(pval > th, false),
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', pval, 'element_count', (vals ->> 'n')::bigint,
                                               'missing_count', (vals ->> 'n')::bigint - (vals ->> format('nn:%s', colname))::bigint)
                            || CASE WHEN rf ->> 'result_format' IN ('SUMMARY', 'COMPLETE')
                                    THEN jsonb_build_object('details', details) ELSE '{}' END END,
        'samples', '[]'::jsonb, 'extra_scans', extra);
END
$$;

-- ---------------------------------------------------------------------------
-- the catalogue

INSERT INTO vqc.expectation_catalog VALUES
('expect_column_values_to_be_increasing', 'map', '{column}', '{strictly,parse_strings_as_datetimes,mostly}',
 'Each non-null value is at least (above, with strictly) the previous non-null value in row order (the row key, else the primary key, else the physical order).'),
('expect_column_values_to_be_decreasing', 'map', '{column}', '{strictly,parse_strings_as_datetimes,mostly}',
 'Each non-null value is at most (below, with strictly) the previous non-null value in row order (the row key, else the primary key, else the physical order).'),
('expect_column_values_to_be_json_parseable', 'map', '{column}', '{mostly}',
 'Values are JSON documents (vqc.is_json); a value of a column that is not text is not.'),
('expect_column_values_to_match_json_schema', 'map', '{column,json_schema}', '{mostly}',
 'Values are JSON documents that meet json_schema (vqc.matches_json_schema: a subset of JSON Schema).'),
('expect_column_values_to_be_dateutil_parseable', 'map', '{column}', '{mostly}',
 'Values of a text column are dates, date-times or times of day (vqc.is_dateutil_parseable).'),
('expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than', 'statistic', '{column,distribution}', '{p_value,params}',
 'The KS test of the values against distribution (norm, beta, gamma, uniform, chi2, expon) with params (scipy''s positional list, or GE''s dict) has a p-value above p_value (default 0.05).'),
('expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', 'statistic', '{column,partition_object}',
 '{p,bootstrap_samples,bootstrap_sample_size}',
 'The share of bootstrap samples (bootstrap_samples of bootstrap_sample_size values, drawn by a fixed pseudo-random sequence) whose KS test against partition_object''s piecewise-linear CDF has a p-value of at least p is above p (default 0.05).'),
('expect_column_chisquare_test_p_value_to_be_greater_than', 'statistic', '{column,partition_object}', '{p,tail_weight_holdout}',
 'The chi-square test of the value counts against partition_object (values and weights) has a p-value above p (default 0.05); values outside it share tail_weight_holdout.');

-- typed wrappers (src/sql/wrappers.sql, scripts/gen_wrappers.py)
CREATE FUNCTION vqc.expect_column_values_to_be_increasing(target regclass, "column" text, strictly boolean DEFAULT NULL, parse_strings_as_datetimes boolean DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_increasing', jsonb_strip_nulls(jsonb_build_object('column', "column", 'strictly', strictly, 'parse_strings_as_datetimes', parse_strings_as_datetimes, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_increasing IS 'Each value is at least (above, with strictly) the previous one in row order.';

CREATE FUNCTION vqc.expect_column_values_to_be_decreasing(target regclass, "column" text, strictly boolean DEFAULT NULL, parse_strings_as_datetimes boolean DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_decreasing', jsonb_strip_nulls(jsonb_build_object('column', "column", 'strictly', strictly, 'parse_strings_as_datetimes', parse_strings_as_datetimes, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_decreasing IS 'Each value is at most (below, with strictly) the previous one in row order.';

CREATE FUNCTION vqc.expect_column_values_to_be_json_parseable(target regclass, "column" text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_json_parseable', jsonb_strip_nulls(jsonb_build_object('column', "column", 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_json_parseable IS 'Values are JSON documents.';

CREATE FUNCTION vqc.expect_column_values_to_match_json_schema(target regclass, "column" text, json_schema jsonb, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_match_json_schema', jsonb_strip_nulls(jsonb_build_object('column', "column", 'json_schema', json_schema, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_json_schema IS 'Values are JSON documents that meet json_schema.';

CREATE FUNCTION vqc.expect_column_values_to_be_dateutil_parseable(target regclass, "column" text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_dateutil_parseable', jsonb_strip_nulls(jsonb_build_object('column', "column", 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_dateutil_parseable IS 'Values are dates, date-times or times of day.';

CREATE FUNCTION vqc.expect_column_parameterized_distribution_ks_test_p_value(target regclass, "column" text, distribution text, params jsonb DEFAULT NULL, p_value float8 DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'distribution', distribution, 'params', params, 'p_value', p_value)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_parameterized_distribution_ks_test_p_value IS 'The KS test against the named distribution has a p-value above p_value.';

CREATE FUNCTION vqc.expect_column_bootstrapped_ks_test_p_value_to_be_greater_than(target regclass, "column" text, partition_object jsonb, p float8 DEFAULT NULL, bootstrap_samples integer DEFAULT NULL, bootstrap_sample_size integer DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'partition_object', partition_object, 'p', p, 'bootstrap_samples', bootstrap_samples, 'bootstrap_sample_size', bootstrap_sample_size)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_bootstrapped_ks_test_p_value_to_be_greater_than IS 'The share of bootstrap samples whose KS test against the partition passes is above p.';

CREATE FUNCTION vqc.expect_column_chisquare_test_p_value_to_be_greater_than(target regclass, "column" text, partition_object jsonb, p float8 DEFAULT NULL, tail_weight_holdout float8 DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_chisquare_test_p_value_to_be_greater_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'partition_object', partition_object, 'p', p, 'tail_weight_holdout', tail_weight_holdout)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_chisquare_test_p_value_to_be_greater_than IS 'The chi-square test of the value counts against partition_object has a p-value above p.';
-- ------------------------------------------------------------------------
-- History checks (issue #13, point 1; src/sql/history.sql): the kind
-- 'history' in the catalogue, its two expectation types and their functions,
-- and the hooks in the planner and the runner that call them (vqc._plan's
-- hook is in 90-functions.sql, which holds that function's 0.3.0 body).
-- ------------------------------------------------------------------------
ALTER TABLE vqc.expectation_catalog DROP CONSTRAINT expectation_catalog_kind_check;
ALTER TABLE vqc.expectation_catalog ADD CONSTRAINT expectation_catalog_kind_check
    CHECK (kind IN ('map', 'aggregate', 'statistic', 'table', 'schema', 'history'));

-- history.sql: expectations of kind 'history' (issue #13, point 1), which
-- compare a metric of this run with the same metric in the suite's earlier
-- runs, read from vqc_report as the caller.
--
-- The metric of this run comes from the suite's one scan (the items of the
-- planner: count(*), count(col), avg(col), ...), or from the result of an
-- earlier expectation of the same suite (kwarg expectation_id).  Its series:
--   row_count                   the suite's row_count metric of every run;
--   another expectation's       that expectation's metric rows, by its id;
--   any other table/column one  this expectation's own observed values, by its id;
-- in every case runs of the same suite only, results with status 'error' left
-- out, oldest first.  Too little history passes, saying so in
-- result.details.reason = 'insufficient_history' (see README).

INSERT INTO vqc.expectation_catalog VALUES
('expect_metric_change_to_be_between', 'history', '{metric}',
 '{column,expectation_id,compare_to,n,window,change,min_value,max_value,strict_min,strict_max}',
 'vqc extension: the change of a metric (absolute, or relative to the reference) against the previous run, the mean of the last n runs or of a time window is within [min_value, max_value].'),
('expect_metric_to_not_be_anomalous', 'history', '{metric,strategy}',
 '{column,expectation_id,n,window,min_value,max_value,lower_deviation_factor,upper_deviation_factor,warm_up,ignore_anomalies,season,seasonal_periods,alpha,beta,gamma}',
 'vqc extension: the metric of this run is not an anomaly of its history (strategy: simple_thresholds, absolute_change, relative_rate_of_change, online_normal, batch_normal, holt_winters).');

-- ---------------------------------------------------------------------------
-- planning

-- Metrics of the table or a column this check computes in the scan.
CREATE FUNCTION vqc._history_metrics()
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['row_count', 'missing_count', 'missing_percent', 'null_fraction',
                   'mean', 'stdev', 'sum', 'min', 'max'] $$;

-- Metrics a suite records for each expectation (see vqc._record_run_write_result).
CREATE FUNCTION vqc._history_result_metrics()
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['observed_value', 'element_count', 'missing_count', 'missing_percent',
                   'unexpected_count', 'unexpected_percent'] $$;

-- A number argument in [lo, hi], or default_value.
CREATE FUNCTION vqc._kw_number_in(etype text, kwargs jsonb, key text, lo float8, hi float8, default_value float8)
RETURNS float8
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v float8 := (vqc._kw(etype, kwargs, key, '{number}'))::float8;
BEGIN
    IF v IS NULL THEN
        RETURN default_value;
    END IF;
    IF v < lo OR v > hi THEN
        PERFORM vqc._bad_kwarg(etype, format('argument "%s" must be between %s and %s', key, lo, hi));
    END IF;
    RETURN v;
END
$$;

-- A positive integer argument, or NULL.
CREATE FUNCTION vqc._kw_positive(etype text, kwargs jsonb, key text)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v integer := vqc._kw_int(etype, kwargs, key);
BEGIN
    IF v < 1 THEN
        PERFORM vqc._bad_kwarg(etype, format('argument "%s" must be a positive integer', key));
    END IF;
    RETURN v;
END
$$;

-- What the check computes in the scan: {"items", "metric_sql"} where
-- metric_sql names how vqc._history_value combines the items.
CREATE FUNCTION vqc._history_metric_plan(target regclass, etype text, kwargs jsonb, pidx integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    metric  text := vqc._kw_text(etype, kwargs, 'metric');
    ref     integer := vqc._kw_positive(etype, kwargs, 'expectation_id');
    colname text := vqc._kw_text(etype, kwargs, 'column');
    col     record;
    qcol    text := quote_ident(colname);
    nn      text := format('nn:%s', colname);
    v       text := format('hv%s', pidx);
BEGIN
    IF ref IS NOT NULL THEN
        IF NOT metric = ANY (vqc._history_result_metrics()) THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s" of an expectation', metric),
                                   format('An expectation''s metric is one of %s.',
                                          array_to_string(vqc._history_result_metrics(), ', ')));
        END IF;
        IF colname IS NOT NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'argument "column" cannot be given with "expectation_id"');
        END IF;
        RETURN jsonb_build_object('metric', metric, 'expectation_ref', ref, 'items', '{}'::jsonb);
    END IF;
    IF NOT metric = ANY (vqc._history_metrics()) THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', metric),
                               format('A metric is one of %s, or a metric of another expectation of the suite (with expectation_id).',
                                      array_to_string(vqc._history_metrics(), ', ')));
    END IF;
    IF metric = 'row_count' THEN
        IF colname IS NOT NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'metric "row_count" takes no "column"');
        END IF;
        RETURN jsonb_build_object('metric', metric, 'items', jsonb_build_object('n', 'pg_catalog.count(*)'),
                                  'value_sql', 'n');
    END IF;
    IF colname IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('metric "%s" needs argument "column"', metric));
    END IF;
    SELECT * INTO col FROM vqc._column(target, colname);
    IF metric IN ('missing_count', 'missing_percent', 'null_fraction') THEN
        RETURN jsonb_build_object('metric', metric, 'value_sql', metric, 'nonnull', nn,
                                  'items', jsonb_build_object('n', 'pg_catalog.count(*)',
                                                              nn, format('pg_catalog.count(%s)', qcol)));
    END IF;
    IF col.category <> 'N' THEN
        RAISE EXCEPTION 'metric "%" needs a numeric column; column "%" is of type %', metric, colname, col.type_sql
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    RETURN jsonb_build_object('metric', metric, 'value_sql', 'item', 'value_item', v,
                              'items', jsonb_build_object(v, format(CASE metric
                                  -- the same text as the aggregate kind's: one aggregate call in the scan
                                  WHEN 'mean'  THEN 'pg_catalog.avg(%s)::pg_catalog.float8'
                                  WHEN 'stdev' THEN 'pg_catalog.stddev_samp(%s)::pg_catalog.float8'
                                  WHEN 'sum'   THEN 'pg_catalog.sum(%s)::pg_catalog.float8'
                                  WHEN 'min'   THEN 'pg_catalog.min(%s)::pg_catalog.float8'
                                  WHEN 'max'   THEN 'pg_catalog.max(%s)::pg_catalog.float8' END, qcol)));
END
$$;

-- The period of a seasonal strategy, in runs.
CREATE FUNCTION vqc._history_period(etype text, kwargs jsonb)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    season text := vqc._kw_text(etype, kwargs, 'season');
    m      integer := vqc._kw_int(etype, kwargs, 'seasonal_periods');
BEGIN
    IF season IS NOT NULL AND season NOT IN ('daily', 'weekly') THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown season "%s"', season),
                               'season is "daily" (24 hourly runs) or "weekly" (7 daily runs), or give seasonal_periods.');
    END IF;
    IF m IS NOT NULL AND m < 2 THEN
        PERFORM vqc._bad_kwarg(etype, 'argument "seasonal_periods" must be at least 2');
    END IF;
    m := coalesce(m, CASE season WHEN 'daily' THEN 24 WHEN 'weekly' THEN 7 END);
    IF m IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, 'strategy "holt_winters" needs argument "season" or "seasonal_periods"');
    END IF;
    RETURN m;
END
$$;

-- Plan of a history expectation (called by vqc._plan): the metric's items
-- and every argument checked; the expectation's id is added by
-- vqc._history_bind when a suite runs it.
CREATE FUNCTION vqc._plan_history(target regclass, etype text, kwargs jsonb, pidx integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    plan     jsonb := vqc._history_metric_plan(target, etype, kwargs, pidx);
    n        integer := vqc._kw_positive(etype, kwargs, 'n');
    win      text := vqc._kw_text(etype, kwargs, 'window');
    win_iv   interval;
    lo       jsonb;
    hi       jsonb;
    strategy text;
    compare  text;
    needed   integer := 0;
    m        integer;
    bounded  boolean := true;
BEGIN
    IF win IS NOT NULL THEN
        BEGIN
            win_iv := win::interval;
        EXCEPTION WHEN data_exception THEN
            PERFORM vqc._bad_kwarg(etype, 'argument "window" must be an interval such as ''7 days''');
        END;
        IF win_iv <= interval '0' THEN
            PERFORM vqc._bad_kwarg(etype, 'argument "window" must be a positive interval');
        END IF;
    END IF;

    IF etype = 'expect_metric_change_to_be_between' THEN
        compare := coalesce(vqc._kw_text(etype, kwargs, 'compare_to'), 'previous');
        IF compare NOT IN ('previous', 'mean_of_last_n', 'window') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown compare_to "%s"', compare),
                                   'compare_to is "previous", "mean_of_last_n" (with n) or "window" (with window).');
        END IF;
        IF compare = 'mean_of_last_n' AND n IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'compare_to "mean_of_last_n" needs argument "n"');
        ELSIF compare = 'window' AND win IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'compare_to "window" needs argument "window"');
        END IF;
        IF coalesce(vqc._kw_text(etype, kwargs, 'change'), 'absolute') NOT IN ('absolute', 'relative') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown change "%s"', vqc._kw_text(etype, kwargs, 'change')),
                                   'change is "absolute" (this run minus the reference) or "relative" (that divided by |reference|).');
        END IF;
        needed := CASE compare WHEN 'mean_of_last_n' THEN n ELSE 1 END;
        plan := plan || jsonb_build_object(
            'compare_to', compare,
            'change', coalesce(vqc._kw_text(etype, kwargs, 'change'), 'absolute'),
            'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
            'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false));
    ELSE
        strategy := vqc._kw_text(etype, kwargs, 'strategy');
        IF strategy NOT IN ('simple_thresholds', 'absolute_change', 'relative_rate_of_change',
                            'online_normal', 'batch_normal', 'holt_winters') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown strategy "%s"', strategy),
                                   'strategy is simple_thresholds, absolute_change, relative_rate_of_change, '
                                   'online_normal, batch_normal or holt_winters.');
        END IF;
        bounded := strategy IN ('simple_thresholds', 'absolute_change', 'relative_rate_of_change');
        needed := CASE strategy WHEN 'simple_thresholds' THEN 0
                                WHEN 'absolute_change' THEN 1
                                WHEN 'relative_rate_of_change' THEN 1
                                ELSE greatest(coalesce(vqc._kw_positive(etype, kwargs, 'warm_up'), 5), 2) END;
        IF strategy = 'holt_winters' THEN
            m := vqc._history_period(etype, kwargs);
            needed := greatest(needed, 2 * m);
            plan := plan || jsonb_build_object(
                'seasonal_periods', m,
                'alpha', vqc._kw_number_in(etype, kwargs, 'alpha', 0, 1, 0.3),
                'beta',  vqc._kw_number_in(etype, kwargs, 'beta', 0, 1, 0.1),
                'gamma', vqc._kw_number_in(etype, kwargs, 'gamma', 0, 1, 0.1));
        END IF;
        IF n IS NOT NULL AND n < needed THEN
            PERFORM vqc._bad_kwarg(etype, format('argument "n" (%s runs) is shorter than the warm-up of strategy "%s" (%s runs)',
                                                 n, strategy, needed));
        END IF;
        plan := plan || jsonb_build_object(
            'strategy', strategy,
            'lower_deviation_factor', vqc._kw_number_in(etype, kwargs, 'lower_deviation_factor', 0, 1e6, 3),
            'upper_deviation_factor', vqc._kw_number_in(etype, kwargs, 'upper_deviation_factor', 0, 1e6, 3),
            'ignore_anomalies', vqc._kw_bool(etype, kwargs, 'ignore_anomalies', true));
    END IF;

    IF bounded THEN
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
        IF lo::float8 > hi::float8 THEN
            PERFORM vqc._bad_kwarg(etype, 'min_value is greater than max_value');
        END IF;
    ELSIF kwargs ? 'min_value' OR kwargs ? 'max_value' THEN
        PERFORM vqc._bad_kwarg(etype, format('strategy "%s" takes no min_value or max_value', strategy));
    END IF;
    RETURN plan || jsonb_build_object('n', n, 'window', win, 'needed', needed,
                                      'min_value', lo, 'max_value', hi,
                                      'row_security', row_security_active(target));
END
$$;

-- The plan of a history expectation bound to its identity in a suite
-- (called by vqc._plan_all with the expectation's id, NULL outside a suite:
-- then the plan stays unbound and the result says there is no history).
CREATE FUNCTION vqc._history_bind(plan jsonb, expectation_id jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    own bigint;
    sid bigint;
    ref bigint := (plan ->> 'expectation_ref')::bigint;
BEGIN
    IF expectation_id IS NULL OR jsonb_typeof(expectation_id) <> 'number' THEN
        -- vqc.expect(): no suite, so no history (the result says so)
        IF ref IS NOT NULL THEN
            RAISE EXCEPTION '% with expectation_id needs a suite', plan ->> 'type'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'vqc.expect() runs outside any suite, so there is no other expectation to read.',
                      HINT = 'Add the expectation to a suite with vqc.add_expectation() and run it with vqc.run().';
        END IF;
        RETURN plan;
    END IF;
    own := (expectation_id #>> '{}')::bigint;
    SELECT e.suite_id INTO sid FROM vqc.suite_expectation e WHERE e.expectation_id = own;
    IF ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vqc.suite_expectation e
                                        WHERE e.expectation_id = ref AND e.suite_id = sid
                                          AND e.expectation_id < own) THEN
        PERFORM vqc._bad_kwarg(plan ->> 'type', format('expectation %s is not an earlier expectation of this suite', ref),
                               'expectation_id names an expectation added to the same suite before this one.');
    END IF;
    RETURN plan || jsonb_build_object('expectation_id', own, 'suite_id', sid);
END
$$;

-- ---------------------------------------------------------------------------
-- this run's metric and its history

-- The metric of this run from the scan's values (and the results of the
-- suite's earlier expectations, stashed in vals as "result:<id>").
CREATE FUNCTION vqc._history_value(plan jsonb, vals jsonb)
RETURNS float8
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    n  float8 := (vals ->> 'n')::float8;
    nn float8 := (vals ->> (plan ->> 'nonnull'))::float8;
    r  jsonb;
BEGIN
    IF plan ? 'expectation_ref' THEN
        r := vals -> format('result:%s', plan ->> 'expectation_ref');
        IF r IS NULL THEN
            RAISE EXCEPTION 'expectation % has no result in this run', plan ->> 'expectation_ref'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'It failed with an error, so its metric has no value to compare.';
        END IF;
        RETURN CASE WHEN jsonb_typeof(r -> (plan ->> 'metric')) = 'number' THEN (r ->> (plan ->> 'metric'))::float8 END;
    END IF;
    RETURN CASE plan ->> 'value_sql'
        WHEN 'n' THEN n
        WHEN 'item' THEN (vals ->> (plan ->> 'value_item'))::float8
        WHEN 'missing_count' THEN n - nn
        WHEN 'missing_percent' THEN CASE WHEN n > 0 THEN (n - nn) / n * 100 END
        WHEN 'null_fraction' THEN CASE WHEN n > 0 THEN (n - nn) / n END END;
END
$$;

-- The metric's earlier values in the suite (oldest first, the last n and/or
-- those within the window of now()), read as the caller, from runs that saw
-- the table as this one does (a role under row-level security counts only
-- its rows: its series is its own runs').
CREATE FUNCTION vqc._history_series(plan jsonb)
RETURNS float8[]
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(array_agg(value ORDER BY started_at, run_id), '{}')
      FROM (SELECT u.started_at, u.run_id, m.value
              FROM vqc_report.run u
              JOIN vqc_report.metric m ON m.run_id OPERATOR(pg_catalog.=) u.run_id
              LEFT JOIN vqc_report.result r
                     ON r.run_id OPERATOR(pg_catalog.=) u.run_id
                    AND r.position OPERATOR(pg_catalog.=) m.position
             WHERE u.suite_id OPERATOR(pg_catalog.=) (plan ->> 'suite_id')::bigint
               AND m.value IS NOT NULL
               -- runs that saw the same rows: without row-level security, or
               -- the caller's own runs through it
               AND u.row_security OPERATOR(pg_catalog.=) (plan ->> 'row_security')::boolean
               AND (NOT u.row_security OR u.run_by OPERATOR(pg_catalog.=) CURRENT_USER)
               AND CASE WHEN plan ? 'expectation_ref' OR plan ->> 'metric' <> 'row_count'
                        THEN r.expectation_id OPERATOR(pg_catalog.=)
                                 coalesce(plan ->> 'expectation_ref', plan ->> 'expectation_id')::bigint
                             AND r.status OPERATOR(pg_catalog.<>) 'error'
                             AND m.metric_name OPERATOR(pg_catalog.=)
                                 CASE WHEN plan ? 'expectation_ref' THEN plan ->> 'metric' ELSE 'observed_value' END
                        -- the suite's row count, but not of a run where this check was an error
                        ELSE m.position IS NULL AND m.metric_name OPERATOR(pg_catalog.=) 'row_count'
                             AND NOT EXISTS (SELECT 1 FROM vqc_report.result e
                                              WHERE e.run_id OPERATOR(pg_catalog.=) u.run_id
                                                AND e.expectation_id OPERATOR(pg_catalog.=) (plan ->> 'expectation_id')::bigint
                                                AND e.status OPERATOR(pg_catalog.=) 'error') END
               AND (plan ->> 'window' IS NULL
                    OR u.started_at OPERATOR(pg_catalog.>=) (pg_catalog.now() OPERATOR(pg_catalog.-) (plan ->> 'window')::interval))
             ORDER BY u.started_at DESC, u.run_id DESC
             LIMIT (plan ->> 'n')::integer) h
$$;

-- ---------------------------------------------------------------------------
-- strategies

-- Additive Holt-Winters (level, trend, season of period m) over y with fixed
-- smoothing parameters, as statsmodels' ExponentialSmoothing(trend='add',
-- seasonal='add', initialization_method='known') with fit(optimized=False):
--   initial level l0 = mean(y[1..m]), trend b0 = mean((y[m+i] - y[i]) / m),
--   seasons s[i] = y[i] - l0 (i = 1..m);
--   l_t = alpha (y_t - s_{t-m}) + (1 - alpha)(l_{t-1} + b_{t-1})
--   b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1}
--   s_t = gamma (y_t - l_{t-1} - b_{t-1}) + (1 - gamma) s_{t-m}
-- forecast = l_N + b_N + s_{N+1-m}; sse = sum of (y_t - (l_{t-1} + b_{t-1} + s_{t-m}))^2;
-- residual_sd = sqrt(sse / N).  Needs at least 2m values.
CREATE FUNCTION vqc.holt_winters(y float8[], seasonal_periods integer,
                                 alpha float8 DEFAULT 0.3, beta float8 DEFAULT 0.1, gamma float8 DEFAULT 0.1,
                                 OUT forecast float8, OUT sse float8, OUT residual_sd float8)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    m   integer := seasonal_periods;
    n   integer := coalesce(cardinality(y), 0);
    l   float8 := 0;
    b   float8 := 0;
    l1  float8;
    b1  float8;
    s   float8[];
    e   float8;
    i   integer;
BEGIN
    IF m IS NULL OR m < 2 THEN
        RAISE EXCEPTION 'seasonal_periods must be at least 2'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF n < 2 * m THEN
        RAISE EXCEPTION 'holt_winters needs at least two seasons (% values), not %', 2 * m, n
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF alpha NOT BETWEEN 0 AND 1 OR beta NOT BETWEEN 0 AND 1 OR gamma NOT BETWEEN 0 AND 1 THEN
        RAISE EXCEPTION 'alpha, beta and gamma must be between 0 and 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. m LOOP
        l := l + y[i] / m;
        b := b + (y[m + i] - y[i]) / m / m;
    END LOOP;
    s := ARRAY(SELECT y[j] - l FROM generate_series(1, m) j);
    sse := 0;
    FOR i IN 1 .. n LOOP
        -- s[i] is the season of y[i]: s_{t-m} in the formulas above
        e := y[i] - (l + b + s[i]);
        sse := sse + e * e;
        l1 := l;
        b1 := b;
        l := alpha * (y[i] - s[i]) + (1 - alpha) * (l1 + b1);
        b := beta * (l - l1) + (1 - beta) * b1;
        s[i + m] := gamma * (y[i] - l1 - b1) + (1 - gamma) * s[i];
    END LOOP;
    forecast := l + b + s[n + 1];
    residual_sd := sqrt(sse / n);
END
$$;
COMMENT ON FUNCTION vqc.holt_winters(float8[], integer, float8, float8, float8) IS
    'One-step forecast of additive Holt-Winters with fixed smoothing parameters, its in-sample sum of squared errors and residual standard deviation.';

-- The interval an anomaly strategy allows for x after history h (oldest
-- first): {"expected", "lower_bound", "upper_bound"} or {"reason"}.
CREATE FUNCTION vqc._history_interval(plan jsonb, h float8[], x float8)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    strategy text := plan ->> 'strategy';
    lo       float8 := (plan ->> 'min_value')::float8;
    hi       float8 := (plan ->> 'max_value')::float8;
    kl       float8 := (plan ->> 'lower_deviation_factor')::float8;
    ku       float8 := (plan ->> 'upper_deviation_factor')::float8;
    warm_up  integer := (plan ->> 'needed')::integer;
    prev     float8 := h[cardinality(h)];
    mean     float8 := 0;
    m2       float8 := 0;
    k        integer := 0;
    sd       float8;
    v        float8;
    d        float8;
    hw       record;
    i        integer;
BEGIN
    CASE strategy
    WHEN 'simple_thresholds' THEN
        RETURN jsonb_build_object('lower_bound', lo, 'upper_bound', hi);
    WHEN 'absolute_change' THEN
        RETURN jsonb_build_object('expected', prev, 'lower_bound', prev + lo, 'upper_bound', prev + hi);
    WHEN 'relative_rate_of_change' THEN
        IF prev <= 0 THEN
            RETURN jsonb_build_object('expected', prev, 'reason', 'reference_not_positive');
        END IF;
        RETURN jsonb_build_object('expected', prev, 'lower_bound', prev * lo, 'upper_bound', prev * hi);
    WHEN 'batch_normal' THEN
        SELECT avg(e), stddev_samp(e) INTO mean, sd FROM unnest(h) e;
    WHEN 'online_normal' THEN
        -- Welford's running mean and variance; after the warm-up, a value
        -- outside its interval is an anomaly and (ignore_anomalies) not learnt
        FOREACH v IN ARRAY h LOOP
            IF k >= warm_up AND (plan ->> 'ignore_anomalies')::boolean THEN
                sd := sqrt(m2 / (k - 1));
                CONTINUE WHEN v < mean - kl * sd OR v > mean + ku * sd;
            END IF;
            k := k + 1;
            d := v - mean;
            mean := mean + d / k;
            m2 := m2 + d * (v - mean);
        END LOOP;
        sd := sqrt(m2 / (k - 1));
    WHEN 'holt_winters' THEN
        hw := vqc.holt_winters(h, (plan ->> 'seasonal_periods')::integer, (plan ->> 'alpha')::float8,
                               (plan ->> 'beta')::float8, (plan ->> 'gamma')::float8);
        mean := hw.forecast;
        sd := hw.residual_sd;
    END CASE;
    RETURN jsonb_build_object('expected', mean, 'deviation', sd,
                              'lower_bound', mean - kl * sd, 'upper_bound', mean + ku * sd);
END
$$;

-- Evaluates a history expectation (called by vqc._evaluate_all).
CREATE FUNCTION vqc._evaluate_history(plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    x       float8 := vqc._history_value(plan, vals);
    h       float8[];
    needed  integer := (plan ->> 'needed')::integer;
    details jsonb := jsonb_build_object('metric', plan ->> 'metric');
    ref     float8;
    change  float8;
    iv      jsonb;
    success boolean;
BEGIN
    IF plan ? 'suite_id' THEN
        -- read as the caller, who may run a suite without reading the report
        IF NOT (has_table_privilege('vqc_report.run', 'SELECT') AND has_table_privilege('vqc_report.result', 'SELECT')
                AND has_table_privilege('vqc_report.metric', 'SELECT')) THEN
            RAISE EXCEPTION 'role % may not read the history of this suite', current_user
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'A history check reads vqc_report.run, result and metric as the role running the suite.',
                      HINT = 'GRANT SELECT ON ALL TABLES IN SCHEMA vqc_report to the role.';
        END IF;
        h := vqc._history_series(plan);
    ELSE
        h := '{}';
    END IF;
    details := details || jsonb_build_object('history_size', cardinality(h));
    IF x IS NULL OR x = 'NaN'::float8 THEN
        success := false;
        details := details || '{"reason": "no_value"}';
    ELSIF NOT plan ? 'suite_id' AND needed > 0 THEN
        -- vqc.expect(): no suite, no history; passes, and says so
        success := true;
        details := details || jsonb_build_object('reason', 'no_suite', 'history_needed', needed);
    ELSIF cardinality(h) < needed THEN
        -- too little history: passes, and says so
        success := true;
        details := details || jsonb_build_object('reason', 'insufficient_history', 'history_needed', needed);
    ELSIF plan ->> 'type' = 'expect_metric_change_to_be_between' THEN
        ref := CASE plan ->> 'compare_to' WHEN 'previous' THEN h[cardinality(h)]
                                           ELSE (SELECT avg(e) FROM unnest(h) e) END;
        change := x - ref;
        IF plan ->> 'change' = 'relative' THEN
            change := CASE WHEN ref <> 0 THEN change / abs(ref) WHEN change = 0 THEN 0 END;
        END IF;
        details := details || jsonb_build_object('compare_to', plan -> 'compare_to', 'reference', ref,
                                                 'change', plan -> 'change', 'observed_change', change);
        IF change IS NULL THEN
            success := false;
            details := details || '{"reason": "reference_is_zero"}';
        ELSE
            success := (plan -> 'min_value' IS NULL OR jsonb_typeof(plan -> 'min_value') = 'null'
                        OR CASE WHEN (plan ->> 'strict_min')::boolean THEN change > (plan ->> 'min_value')::float8
                                ELSE change >= (plan ->> 'min_value')::float8 END)
                   AND (plan -> 'max_value' IS NULL OR jsonb_typeof(plan -> 'max_value') = 'null'
                        OR CASE WHEN (plan ->> 'strict_max')::boolean THEN change < (plan ->> 'max_value')::float8
                                ELSE change <= (plan ->> 'max_value')::float8 END);
        END IF;
    ELSE
        iv := vqc._history_interval(plan, h, x);
        details := details || jsonb_build_object('strategy', plan -> 'strategy') || jsonb_strip_nulls(iv);
        success := CASE WHEN iv ? 'reason' THEN false
                        ELSE (iv ->> 'lower_bound' IS NULL OR x >= (iv ->> 'lower_bound')::float8)
                         AND (iv ->> 'upper_bound' IS NULL OR x <= (iv ->> 'upper_bound')::float8) END;
    END IF;
    RETURN jsonb_build_object(
        'success', success,
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', CASE WHEN x = 'NaN'::float8 THEN NULL ELSE x END,
                                               'details', details) END,
        'samples', '[]'::jsonb, 'extra_scans', 0);
END
$$;

-- ---------------------------------------------------------------------------
-- typed wrappers, as wrappers.sql's: vqc.expect() runs outside any suite, so
-- they give this run's metric and the reason "no_suite"; in a suite the same
-- kwargs compare with its history

CREATE FUNCTION vqc.expect_metric_change_to_be_between(target regclass, metric text, "column" text DEFAULT NULL,
                                                       compare_to text DEFAULT NULL, n integer DEFAULT NULL,
                                                       "window" text DEFAULT NULL, change text DEFAULT NULL,
                                                       min_value float8 DEFAULT NULL, max_value float8 DEFAULT NULL,
                                                       result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_metric_change_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('metric', metric, 'column', "column", 'compare_to', compare_to,
                                                             'n', n, 'window', "window", 'change', change,
                                                             'min_value', min_value, 'max_value', max_value)),
                        result_format) $$;
COMMENT ON FUNCTION vqc.expect_metric_change_to_be_between IS
    'The change of a metric against the suite''s history is within bounds (outside a suite: the metric, and no history).';

CREATE FUNCTION vqc.expect_metric_to_not_be_anomalous(target regclass, metric text, strategy text, "column" text DEFAULT NULL,
                                                      min_value float8 DEFAULT NULL, max_value float8 DEFAULT NULL,
                                                      lower_deviation_factor float8 DEFAULT NULL,
                                                      upper_deviation_factor float8 DEFAULT NULL,
                                                      warm_up integer DEFAULT NULL, season text DEFAULT NULL,
                                                      result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_metric_to_not_be_anomalous',
                        jsonb_strip_nulls(jsonb_build_object('metric', metric, 'strategy', strategy, 'column', "column",
                                                             'min_value', min_value, 'max_value', max_value,
                                                             'lower_deviation_factor', lower_deviation_factor,
                                                             'upper_deviation_factor', upper_deviation_factor,
                                                             'warm_up', warm_up, 'season', season)),
                        result_format) $$;
COMMENT ON FUNCTION vqc.expect_metric_to_not_be_anomalous IS
    'This run''s metric is not an anomaly of the suite''s history (outside a suite: the metric, and no history).';

-- ---------------------------------------------------------------------------
-- views for dashboards (issue #13, point 7); with the reader's rights, so
-- the row-level security of metric and result_detail applies through them

-- One row per run and metric: a run's row count, and each number each
-- expectation observed, with the expectation's bounds (a history check's
-- computed ones where the reader may see its result) and status.
CREATE VIEW vqc_report.metric_history WITH (security_invoker = true) AS
SELECT u.run_id, u.started_at, u.suite_name, u.suite_id, m.target_schema, m.target_table, m.column_name,
       m.position, res.expectation_id, res.expectation_type, m.metric_name, m.value,
       coalesce((d.result #>> '{result,details,lower_bound}')::float8,
                CASE WHEN jsonb_typeof(res.kwargs -> 'min_value') = 'number' THEN (res.kwargs ->> 'min_value')::float8 END)
           AS lower_bound,
       coalesce((d.result #>> '{result,details,upper_bound}')::float8,
                CASE WHEN jsonb_typeof(res.kwargs -> 'max_value') = 'number' THEN (res.kwargs ->> 'max_value')::float8 END)
           AS upper_bound,
       coalesce(res.status, CASE WHEN u.success THEN 'success' ELSE 'failure' END) AS status
FROM vqc_report.run u
JOIN vqc_report.metric m ON m.run_id = u.run_id
LEFT JOIN vqc_report.result res ON res.run_id = m.run_id AND res.position = m.position
LEFT JOIN vqc_report.result_detail d ON d.run_id = m.run_id AND d.position = m.position;
COMMENT ON VIEW vqc_report.metric_history IS
    'One row per run and metric, with the expectation, its bounds and status (values only where the reader may see them).';

-- Every failed history check: the metric, what was expected and why.
CREATE VIEW vqc_report.anomalies WITH (security_invoker = true) AS
SELECT u.run_id, u.started_at, u.suite_name, u.suite_id, u.target_schema, u.target_table, res.column_name,
       res.position, res.expectation_id, res.expectation_type, res.kwargs ->> 'metric' AS metric,
       coalesce(res.kwargs ->> 'strategy', 'change from ' || coalesce(res.kwargs ->> 'compare_to', 'previous')) AS strategy,
       (d.observed_value #>> '{}')::float8 AS value,
       (d.result #>> '{result,details,expected}')::float8 AS expected,
       (d.result #>> '{result,details,reference}')::float8 AS reference,
       (d.result #>> '{result,details,lower_bound}')::float8 AS lower_bound,
       (d.result #>> '{result,details,upper_bound}')::float8 AS upper_bound,
       (d.result #>> '{result,details,observed_change}')::float8 AS observed_change,
       d.result #>> '{result,details,reason}' AS reason
FROM vqc_report.run u
JOIN vqc_report.result res ON res.run_id = u.run_id
JOIN vqc.expectation_catalog c ON c.expectation_type = res.expectation_type AND c.kind = 'history'
LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
WHERE res.status = 'failure';
COMMENT ON VIEW vqc_report.anomalies IS
    'Every history check that failed: its metric, value, expected value or reference, bounds and change (values only where the reader may see them).';

-- the hooks

CREATE OR REPLACE FUNCTION vqc._plan_all(target regclass, expectations jsonb, key_columns text[],
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
    IF items <> '{}' THEN
        items := items || jsonb_build_object('n', 'pg_catalog.count(*)');
    END IF;
END
$$;

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
    names      text[];
    vals       jsonb := '{}';
    arr        text[];
    e          jsonb;
    i          integer;
    k          text;
    msg        text;
    scans      integer := 0;
    out_results jsonb := '[]';
    ev         jsonb;
BEGIN
    -- one scan for all items
    IF items <> '{}' THEN
        SELECT array_agg(key ORDER BY key) INTO names FROM jsonb_object_keys(items) key;
        BEGIN
            scans := 1;
            EXECUTE vqc._scan_sql(target, items, names) INTO arr USING kwargs_all;
            FOR i IN 1 .. cardinality(names) LOOP
                vals := vals || jsonb_build_object(names[i], arr[i]);
            END LOOP;
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE;
            WHEN OTHERS THEN
                IF raise_errors THEN
                    RAISE;
                END IF;
                -- One expectation broke the shared scan (a regex limit, say): scan
                -- each alone so that only the culprit is reported as an error.
                FOR i IN 1 .. n LOOP
                CONTINUE WHEN NOT plans[i] ? 'items';
                BEGIN
                    SELECT array_agg(key ORDER BY key) INTO names FROM jsonb_object_keys(plans[i] -> 'items') key;
                    scans := scans + 1;
                    EXECUTE vqc._scan_sql(target, plans[i] -> 'items', names) INTO arr USING kwargs_all;
                    FOR k IN SELECT unnest(names) LOOP
                        vals := vals || jsonb_build_object(k, arr[array_position(names, k)]);
                    END LOOP;
                EXCEPTION
                    WHEN insufficient_privilege THEN
                        RAISE;
                    WHEN OTHERS THEN
                        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                        errors[i] := msg;
                        plans[i] := NULL;
                END;
            END LOOP;
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

    RETURN jsonb_build_object('rows', vals -> 'n', 'scans', scans, 'results', out_results,
                              'profiles', (SELECT coalesce(jsonb_object_agg(c, vals -> format('p:%s', c)), '{}')
                                             FROM unnest(coalesce(profile_columns, '{}')) c
                                            WHERE vals ? format('p:%s', c)));
END
$$;

CREATE OR REPLACE FUNCTION vqc._observed_is_value(etype text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT c.kind IN ('aggregate', 'statistic', 'history')
           AND etype NOT IN ('expect_column_unique_value_count_to_be_between',
                             'expect_column_proportion_of_unique_values_to_be_between',
                             'expect_column_drift_to_be_less_than',
                             'expect_column_kl_divergence_to_be_less_than')
      FROM vqc.expectation_catalog c
     WHERE c.expectation_type = etype
$$;
-- ------------------------------------------------------------------------
-- metrics-class: the confusion state and classification metrics
-- (src/classification.sql), the score state and score metrics (src/scores.sql)
-- ------------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- classification.sql: vqc.confusion_state and the classification metrics
-- ---------------------------------------------------------------------
-- vqc.confusion_agg(y_true, y_pred) counts (true, predicted) pairs of labels
-- of any type into a mergeable state; scikit-learn's metrics read it, as
-- aggregates of their own name and argument order (y_true first, options
-- as trailing positional arguments) and as functions of a state, so that
-- one scan serves many metrics.  Rows whose label or prediction is NULL are
-- skipped and counted (vqc.confusion_skipped).  No rows, or only skipped
-- ones, give NULL metrics.  Text form: hex of the binary form.

CREATE TYPE vqc.confusion_state;

CREATE FUNCTION vqc.confusion_state_in(cstring)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_state_out(vqc.confusion_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_confusion_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_state_recv(internal)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_state_send(vqc.confusion_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_confusion_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.confusion_state (
    INPUT = vqc.confusion_state_in,
    OUTPUT = vqc.confusion_state_out,
    RECEIVE = vqc.confusion_state_recv,
    SEND = vqc.confusion_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE vqc.confusion_state IS
    'Counts of (y_true, y_pred) label pairs with the rows skipped for a NULL; mergeable (vqc.merge, vqc.merge_agg).';

-- Transition functions: not strict (a NULL label is counted as skipped),
-- labels of any type ("any"); the metric aggregates'' options come from
-- their first row and travel in the state to the final function.
CREATE FUNCTION vqc.confusion_transfn(vqc.confusion_state, "any", "any")
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_prf_transfn(vqc.confusion_state, "any", "any", text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_prf_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_prf_transfn(vqc.confusion_state, "any", "any", text, text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_prf_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_prf_transfn(vqc.confusion_state, "any", "any", text, text, text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_prf_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_fbeta_transfn(vqc.confusion_state, "any", "any", float8)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_fbeta_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_fbeta_transfn(vqc.confusion_state, "any", "any", float8, text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_fbeta_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_fbeta_transfn(vqc.confusion_state, "any", "any", float8, text, text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_fbeta_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_fbeta_transfn(vqc.confusion_state, "any", "any", float8, text, text, text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_fbeta_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_kappa_transfn(vqc.confusion_state, "any", "any", text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_kappa_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_combinefn(vqc.confusion_state, vqc.confusion_state)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE vqc.confusion_agg(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.merge(a vqc.confusion_state, b vqc.confusion_state)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_merge'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE vqc.merge_agg(vqc.confusion_state) (
    SFUNC = vqc.confusion_combinefn,
    STYPE = vqc.confusion_state,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

-- Accessors: NULL for a NULL state or one without pairs.
CREATE FUNCTION vqc.confusion_count(state vqc.confusion_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_confusion_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_skipped(state vqc.confusion_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_confusion_skipped'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_matrix(state vqc.confusion_state)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_confusion_matrix'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.accuracy_score(state vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_accuracy'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.balanced_accuracy_score(state vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_balanced_accuracy'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.matthews_corrcoef(state vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_mcc'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- not strict: NULL weights is unweighted
CREATE FUNCTION vqc.cohen_kappa_score(state vqc.confusion_state, weights text DEFAULT NULL)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_kappa'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: NULL pos_label is 1, NULL zero_division is 'warn' (0)
CREATE FUNCTION vqc.precision_score(state vqc.confusion_state, average text DEFAULT 'binary',
                              pos_label text DEFAULT NULL, zero_division text DEFAULT 'warn')
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_precision'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: NULL pos_label is 1, NULL zero_division is 'warn' (0)
CREATE FUNCTION vqc.recall_score(state vqc.confusion_state, average text DEFAULT 'binary',
                              pos_label text DEFAULT NULL, zero_division text DEFAULT 'warn')
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_recall'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: NULL pos_label is 1, NULL zero_division is 'warn' (0)
CREATE FUNCTION vqc.f1_score(state vqc.confusion_state, average text DEFAULT 'binary',
                              pos_label text DEFAULT NULL, zero_division text DEFAULT 'warn')
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_fscore'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.fbeta_score(state vqc.confusion_state, beta float8, average text DEFAULT 'binary',
                                pos_label text DEFAULT NULL, zero_division text DEFAULT 'warn')
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_fbeta'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- average NULL: per class, in label order
CREATE FUNCTION vqc.precision_recall_fscore_support(state vqc.confusion_state, beta float8 DEFAULT 1,
                                                    average text DEFAULT NULL, pos_label text DEFAULT NULL,
                                                    zero_division text DEFAULT 'warn')
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_confusion_prfs'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Final functions of the metric aggregates (the options are in the state).
CREATE FUNCTION vqc.confusion_precision_final(vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_precision_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_recall_final(vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_recall_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_fscore_final(vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_fscore_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_kappa_final(vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_kappa_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The metric aggregates, scikit-learn's names and argument order.

CREATE AGGREGATE vqc.confusion_matrix(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_matrix,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.accuracy_score(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.accuracy_score,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.balanced_accuracy_score(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.balanced_accuracy_score,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.matthews_corrcoef(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.matthews_corrcoef,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.cohen_kappa_score(y1 "any", y2 "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_kappa_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.cohen_kappa_score(y1 "any", y2 "any", weights text) (
    SFUNC = vqc.confusion_kappa_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_kappa_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.precision_score(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_precision_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.precision_score(y_true "any", y_pred "any", average text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_precision_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.precision_score(y_true "any", y_pred "any", average text, pos_label text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_precision_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.precision_score(y_true "any", y_pred "any", average text, pos_label text, zero_division text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_precision_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.recall_score(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_recall_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.recall_score(y_true "any", y_pred "any", average text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_recall_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.recall_score(y_true "any", y_pred "any", average text, pos_label text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_recall_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.recall_score(y_true "any", y_pred "any", average text, pos_label text, zero_division text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_recall_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.f1_score(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.f1_score(y_true "any", y_pred "any", average text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.f1_score(y_true "any", y_pred "any", average text, pos_label text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.f1_score(y_true "any", y_pred "any", average text, pos_label text, zero_division text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.fbeta_score(y_true "any", y_pred "any", beta float8) (
    SFUNC = vqc.confusion_fbeta_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.fbeta_score(y_true "any", y_pred "any", beta float8, average text) (
    SFUNC = vqc.confusion_fbeta_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.fbeta_score(y_true "any", y_pred "any", beta float8, average text, pos_label text) (
    SFUNC = vqc.confusion_fbeta_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.fbeta_score(y_true "any", y_pred "any", beta float8, average text, pos_label text, zero_division text) (
    SFUNC = vqc.confusion_fbeta_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

-- ---------------------------------------------------------------------
-- scores.sql: vqc.score_state and the score and probability metrics
-- ---------------------------------------------------------------------
-- From binary labels (y_true boolean, or an integer with at most two
-- values) and scores (y_score float8): ROC AUC and average precision,
-- exact with ties as scikit-learn, from the scores collected up to
-- vqc.exact_memory_limit (past it they raise an error rather than guess);
-- log loss and the Brier score from sums, calibration curves and expected
-- calibration error from bins (bounded memory); the confusion state at a
-- threshold.  Rows with a NULL label or score are skipped and counted
-- (vqc.score_skipped); a NaN score is an error.  Text form: hex of the
-- binary form.

CREATE TYPE vqc.score_state;

CREATE FUNCTION vqc.score_state_in(cstring)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.score_state_out(vqc.score_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_score_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.score_state_recv(internal)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.score_state_send(vqc.score_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_score_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.score_state (
    INPUT = vqc.score_state_in,
    OUTPUT = vqc.score_state_out,
    RECEIVE = vqc.score_state_recv,
    SEND = vqc.score_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE vqc.score_state IS
    'Binary labels with their scores (exact up to vqc.exact_memory_limit), loss sums or calibration bins; mergeable (vqc.merge, vqc.merge_agg).';

-- Transition functions: not strict (NULL rows are counted as skipped);
-- STABLE, as growing a state of scores reads vqc.exact_memory_limit.

CREATE FUNCTION vqc.score_transfn(vqc.score_state, int8, float8)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_sums_transfn(vqc.score_state, int8, float8)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_sums_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_bins_transfn(vqc.score_state, int8, float8)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_bins_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_bins_transfn(vqc.score_state, int8, float8, int4)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_bins_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_transfn(vqc.score_state, boolean, float8)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_sums_transfn(vqc.score_state, boolean, float8)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_sums_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_bins_transfn(vqc.score_state, boolean, float8)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_bins_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_bins_transfn(vqc.score_state, boolean, float8, int4)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_bins_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_combinefn(vqc.score_state, vqc.score_state)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_combinefn'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.merge(a vqc.score_state, b vqc.score_state)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_merge'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE vqc.merge_agg(vqc.score_state) (
    SFUNC = vqc.score_combinefn,
    STYPE = vqc.score_state,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

-- Accessors.  The metrics are NULL for a NULL state; ROC AUC and log loss
-- also when one class is missing (scikit-learn raises), average precision
-- and the Brier score without rows.
CREATE FUNCTION vqc.score_count(state vqc.score_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_score_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.score_skipped(state vqc.score_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_score_skipped'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.score_overflowed(state vqc.score_state)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_score_overflowed'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.roc_auc_score(state vqc.score_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_roc_auc'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.average_precision_score(state vqc.score_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_average_precision'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.log_loss(state vqc.score_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_log_loss'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.brier_score_loss(state vqc.score_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_brier'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- not strict: NULL n_bins is the state's own (bins) or 5 (scores)
CREATE FUNCTION vqc.calibration_curve(state vqc.score_state, n_bins int4 DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_score_calibration_curve'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.calibration_error(state vqc.score_state, n_bins int4 DEFAULT NULL)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_calibration_error'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- the calibration aggregates' final functions (n_bins from the state)
CREATE FUNCTION vqc.calibration_curve_final(vqc.score_state)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_score_calibration_curve'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.calibration_error_final(vqc.score_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_calibration_error'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_at_threshold(state vqc.score_state, threshold float8)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_score_confusion_at'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;


CREATE AGGREGATE vqc.score_agg(y_true int8, y_score float8) (
    SFUNC = vqc.score_transfn,
    STYPE = vqc.score_state,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.roc_auc_score(y_true int8, y_score float8) (
    SFUNC = vqc.score_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.roc_auc_score,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.average_precision_score(y_true int8, y_score float8) (
    SFUNC = vqc.score_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.average_precision_score,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.log_loss(y_true int8, y_pred float8) (
    SFUNC = vqc.score_sums_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.log_loss,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.brier_score_loss(y_true int8, y_prob float8) (
    SFUNC = vqc.score_sums_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.brier_score_loss,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_curve(y_true int8, y_prob float8) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_curve_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_curve(y_true int8, y_prob float8, n_bins int4) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_curve_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_error(y_true int8, y_prob float8) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_error_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_error(y_true int8, y_prob float8, n_bins int4) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_error_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.score_agg(y_true boolean, y_score float8) (
    SFUNC = vqc.score_transfn,
    STYPE = vqc.score_state,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.roc_auc_score(y_true boolean, y_score float8) (
    SFUNC = vqc.score_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.roc_auc_score,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.average_precision_score(y_true boolean, y_score float8) (
    SFUNC = vqc.score_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.average_precision_score,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.log_loss(y_true boolean, y_pred float8) (
    SFUNC = vqc.score_sums_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.log_loss,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.brier_score_loss(y_true boolean, y_prob float8) (
    SFUNC = vqc.score_sums_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.brier_score_loss,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_curve(y_true boolean, y_prob float8) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_curve_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_curve(y_true boolean, y_prob float8, n_bins int4) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_curve_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_error(y_true boolean, y_prob float8) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_error_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_error(y_true boolean, y_prob float8, n_bins int4) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_error_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

-- ---------------------------------------------------------------------
-- Exact ROC AUC and average precision past vqc.exact_memory_limit, by
-- passes over the table and no sort of it: histograms of the scores' keys
-- (vqc.value_key) by label, refined (top 16, 32, 48, then all 64 bits)
-- where a range holds more scores than the limit; then the ranges, merged
-- into chunks of at most the limit, each collected by vqc.score_agg in a
-- pass (several chunks a pass while they fit) and reduced at once to its
-- part of the metric; the pairs across chunks, and a single value's ties
-- however many, come from the histogram's counts.
-- ---------------------------------------------------------------------

CREATE FUNCTION vqc._score_pairs(state vqc.score_state, pos bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_score_pairs'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc._score_ap_part(state vqc.score_state, pos bigint, tp_above bigint,
                                   fp_above bigint, npos bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_ap_part'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- metric: 'roc_auc' or 'average_precision'.  y_true and y_score name
-- columns of target (y_true boolean or integer, y_score a number).
CREATE FUNCTION vqc._score_by_passes(target regclass, y_true text, y_score text, metric text,
                                     OUT value float8, OUT passes integer)
LANGUAGE plpgsql
AS $$
DECLARE
    fit     bigint := vqc._exact_fit();
    ytyp    regtype;
    styp    regtype;
    src     text;
    labels  bigint[];
    pos     bigint;
    npos    bigint;
    nneg    bigint;
    -- open key ranges (to refine), closed buckets (lo, hi, positives, negatives)
    olo     bigint[] := ARRAY[-9223372036854775808];
    ohi     bigint[] := ARRAY[9223372036854775807];
    blo     bigint[] := '{}';
    bhi     bigint[] := '{}';
    bp      bigint[] := '{}';
    bn      bigint[] := '{}';
    shift   int;
    g       record;
    nlo     bigint[];
    nhi     bigint[];
    -- chunks: key range, counts, and whether it is collected
    clo     bigint[] := '{}';
    chi     bigint[] := '{}';
    cp      bigint[] := '{}';
    cn      bigint[] := '{}';
    ccol    boolean[] := '{}';
    i       int;
    j       int;
    c       int;
    below   bigint;
    tp      bigint;
    fp      bigint;
    twice_u numeric := 0;
    ap      float8 := 0;
    batch   int[];
    total   bigint;
    states  vqc.score_state[];
    nan     boolean;
BEGIN
    IF metric NOT IN ('roc_auc', 'average_precision') THEN
        RAISE EXCEPTION 'unknown metric' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT a.atttypid INTO ytyp FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = target AND a.attname = y_true AND a.attnum > 0 AND NOT a.attisdropped;
    SELECT a.atttypid INTO styp FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = target AND a.attname = y_score AND a.attnum > 0 AND NOT a.attisdropped;
    IF ytyp IS NULL OR styp IS NULL THEN
        RAISE EXCEPTION 'column % or % of % does not exist', y_true, y_score, target USING ERRCODE = 'undefined_column';
    END IF;
    IF ytyp NOT IN ('boolean'::regtype, 'smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
        RAISE EXCEPTION 'y_true must be a boolean or integer column' USING ERRCODE = 'datatype_mismatch';
    END IF;
    src := format('(SELECT (%1$I)%2$s::pg_catalog.int8 AS y, (%3$I)::pg_catalog.float8 AS v, '
                  'vqc.value_key((%3$I)::pg_catalog.float8) AS k FROM %4$s WHERE %1$I IS NOT NULL AND %3$I IS NOT NULL) s',
                  y_true, CASE WHEN ytyp = 'boolean'::regtype THEN '::pg_catalog.int4' ELSE '' END, y_score, target);
    -- the labels (at most two) and no NaN, in a hash aggregate of y
    EXECUTE format('SELECT pg_catalog.array_agg(y ORDER BY y), pg_catalog.bool_or(nan) FROM '
                   '(SELECT y, pg_catalog.bool_or(v OPERATOR(pg_catalog.=) ''NaN''::pg_catalog.float8) AS nan '
                   '   FROM %s GROUP BY y LIMIT 3) l', src)
       INTO labels, nan;
    passes := 1;
    IF nan THEN
        RAISE EXCEPTION 'score is NaN' USING ERRCODE = 'numeric_value_out_of_range';
    END IF;
    IF cardinality(labels) > 2 THEN
        RAISE EXCEPTION 'y_true has more than two classes' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF labels IS NULL OR (metric = 'roc_auc' AND cardinality(labels) < 2) THEN
        value := NULL;
        RETURN;
    END IF;
    -- the positive label: the greater for ROC AUC, 1 for average precision
    pos := CASE WHEN metric = 'roc_auc' THEN labels[cardinality(labels)] ELSE 1 END;
    IF metric = 'average_precision' AND NOT pos = ANY (labels) THEN
        IF cardinality(labels) = 2 THEN
            RAISE EXCEPTION 'pos_label 1 is not one of the two classes' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        value := 0;
        RETURN;
    END IF;

    -- histograms of the keys, refined where a range holds more than fit scores
    FOREACH shift IN ARRAY ARRAY[48, 32, 16, 0] LOOP
        EXIT WHEN cardinality(olo) = 0;
        nlo := '{}';
        nhi := '{}';
        passes := passes + 1;
        FOR g IN EXECUTE format(
                'SELECT k OPERATOR(pg_catalog.>>) %s AS b, '
                '       pg_catalog.count(*) FILTER (WHERE y OPERATOR(pg_catalog.=) %L::pg_catalog.int8) AS p, '
                '       pg_catalog.count(*) FILTER (WHERE y OPERATOR(pg_catalog.<>) %L::pg_catalog.int8) AS n '
                '  FROM %s WHERE %s GROUP BY 1',
                shift, pos, pos, src,
                (SELECT pg_catalog.string_agg(format('(k OPERATOR(pg_catalog.>=) %L::pg_catalog.int8 AND k OPERATOR(pg_catalog.<=) %L::pg_catalog.int8)',
                                                     olo[o], ohi[o]), ' OR ')
                   FROM pg_catalog.generate_subscripts(olo, 1) o)) LOOP
            IF shift = 0 OR g.p + g.n <= fit THEN
                blo := blo || (g.b << shift);
                bhi := bhi || ((g.b << shift) + ((1::bigint << shift) - 1));
                bp := bp || g.p;
                bn := bn || g.n;
            ELSE
                nlo := nlo || (g.b << shift);
                nhi := nhi || ((g.b << shift) + ((1::bigint << shift) - 1));
            END IF;
        END LOOP;
        olo := nlo;
        ohi := nhi;
    END LOOP;

    -- buckets in key order, merged into chunks of at most fit scores; one
    -- value with more than fit scores is a chunk of ties, not collected
    SELECT pg_catalog.array_agg(l ORDER BY l), pg_catalog.array_agg(h ORDER BY l),
           pg_catalog.array_agg(p ORDER BY l), pg_catalog.array_agg(n ORDER BY l)
      INTO blo, bhi, bp, bn
      FROM unnest(blo, bhi, bp, bn) u(l, h, p, n);
    FOR i IN 1 .. coalesce(cardinality(blo), 0) LOOP
        IF bp[i] + bn[i] > fit THEN
            clo := clo || blo[i]; chi := chi || bhi[i]; cp := cp || bp[i]; cn := cn || bn[i]; ccol := ccol || false;
        ELSIF cardinality(clo) > 0 AND ccol[cardinality(clo)]
              AND cp[cardinality(clo)] + cn[cardinality(clo)] + bp[i] + bn[i] <= fit THEN
            c := cardinality(clo);
            chi[c] := bhi[i]; cp[c] := cp[c] + bp[i]; cn[c] := cn[c] + bn[i];
        ELSE
            clo := clo || blo[i]; chi := chi || bhi[i]; cp := cp || bp[i]; cn := cn || bn[i]; ccol := ccol || true;
        END IF;
    END LOOP;
    npos := (SELECT coalesce(sum(x), 0) FROM pg_catalog.unnest(cp) x);
    nneg := (SELECT coalesce(sum(x), 0) FROM pg_catalog.unnest(cn) x);
    IF metric = 'average_precision' AND npos = 0 THEN
        value := 0;
        RETURN;
    END IF;

    -- the chunks' parts: collected ones in passes of at most fit scores
    -- (and 50 chunks), ties from their counts
    i := 1;
    WHILE i <= cardinality(clo) LOOP
        batch := '{}';
        total := 0;
        WHILE i <= cardinality(clo) AND cardinality(batch) < 50 LOOP
            IF NOT ccol[i] THEN
                batch := batch || i;
                i := i + 1;
                CONTINUE;
            END IF;
            EXIT WHEN total + cp[i] + cn[i] > fit;
            total := total + cp[i] + cn[i];
            batch := batch || i;
            i := i + 1;
        END LOOP;
        states := NULL;
        IF (SELECT bool_or(ccol[b]) FROM pg_catalog.unnest(batch) b) THEN
            EXECUTE format('SELECT ARRAY[%s]::vqc.score_state[] FROM %s',
                           (SELECT pg_catalog.string_agg(CASE WHEN ccol[b]
                                   THEN format('vqc.score_agg(y, v) FILTER (WHERE k OPERATOR(pg_catalog.>=) %L::pg_catalog.int8 '
                                          'AND k OPERATOR(pg_catalog.<=) %L::pg_catalog.int8)', clo[b], chi[b])
                                   ELSE 'NULL' END, ', ' ORDER BY o)
                              FROM pg_catalog.unnest(batch) WITH ORDINALITY u(b, o)), src)
               INTO states;
            passes := passes + 1;
        END IF;
        FOR j IN 1 .. cardinality(batch) LOOP
            c := batch[j];
            below := (SELECT coalesce(sum(cn[x]), 0) FROM pg_catalog.generate_series(1, c - 1) x);
            IF metric = 'roc_auc' THEN
                twice_u := twice_u + 2::numeric * cp[c] * below
                           + CASE WHEN ccol[c] THEN coalesce(vqc._score_pairs(states[j], pos), 0)
                                  ELSE cp[c]::numeric * cn[c] END;
            ELSE
                tp := (SELECT coalesce(sum(cp[x]), 0) FROM pg_catalog.generate_series(c + 1, cardinality(clo)) x);
                fp := (SELECT coalesce(sum(cn[x]), 0) FROM pg_catalog.generate_series(c + 1, cardinality(clo)) x);
                ap := ap + CASE WHEN ccol[c] THEN coalesce(vqc._score_ap_part(states[j], pos, tp, fp, npos), 0)
                                WHEN cp[c] = 0 THEN 0
                                ELSE (cp[c]::float8 / npos) * ((tp + cp[c])::float8 / (tp + cp[c] + fp + cn[c])) END;
            END IF;
        END LOOP;
    END LOOP;
    value := CASE WHEN metric = 'roc_auc' THEN (twice_u / (2::numeric * npos * nneg))::float8 ELSE ap END;
END
$$;

CREATE FUNCTION vqc.roc_auc_score_by_passes(target regclass, y_true text, y_score text)
RETURNS float8
LANGUAGE sql
AS $$ SELECT value FROM vqc._score_by_passes(target, y_true, y_score, 'roc_auc') $$;
COMMENT ON FUNCTION vqc.roc_auc_score_by_passes(regclass, text, text) IS
    'Exact ROC AUC of columns y_true and y_score of a table within vqc.exact_memory_limit, by passes (no sort of the table).';

CREATE FUNCTION vqc.average_precision_score_by_passes(target regclass, y_true text, y_score text)
RETURNS float8
LANGUAGE sql
AS $$ SELECT value FROM vqc._score_by_passes(target, y_true, y_score, 'average_precision') $$;
COMMENT ON FUNCTION vqc.average_precision_score_by_passes(regclass, text, text) IS
    'Exact average precision of columns y_true and y_score of a table within vqc.exact_memory_limit, by passes (no sort of the table).';
-- ------------------------------------------------------------------------
-- metrics-rank: regression, ranking and agreement metrics (issue #12).
-- New objects only: src/regression_metrics.sql, src/ranking.sql and
-- src/agreement.sql as they stand, in that order.
-- ------------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- regression_metrics.sql: vqc.regression_state and scikit-learn's
-- regression metrics over (y_true, y_pred)
-- ---------------------------------------------------------------------
-- One state serves every metric: vqc.regression_agg(y_true, y_pred) and an
-- accessor per metric, or the metric's own aggregate.  A pair with a NULL
-- is skipped and counted (vqc.regression_null_count); NaN and infinite
-- values are refused (22023).  No pairs: NULL metrics.  numeric and
-- integer columns take the implicit cast to float8.

CREATE TYPE vqc.regression_state;

CREATE FUNCTION vqc.regression_state_in(cstring)
RETURNS vqc.regression_state
AS 'MODULE_PATHNAME', 'vqc_regression_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_state_out(vqc.regression_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_regression_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_state_recv(internal)
RETURNS vqc.regression_state
AS 'MODULE_PATHNAME', 'vqc_regression_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_state_send(vqc.regression_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_regression_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.regression_state (
    INPUT = vqc.regression_state_in,
    OUTPUT = vqc.regression_state_out,
    RECEIVE = vqc.regression_state_recv,
    SEND = vqc.regression_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- not strict: a pair with a NULL is counted
CREATE FUNCTION vqc.regression_transfn(vqc.regression_state, float8, float8)
RETURNS vqc.regression_state
AS 'MODULE_PATHNAME', 'vqc_regression_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.regression_combinefn(vqc.regression_state, vqc.regression_state)
RETURNS vqc.regression_state
AS 'MODULE_PATHNAME', 'vqc_regression_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- INITCOND is the empty state: no rows give count 0 and NULL metrics.
CREATE AGGREGATE vqc.regression_agg(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn,
    STYPE = vqc.regression_state,
    COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.regression_agg(float8, float8) IS
    'A mergeable state behind every regression metric (MAE, MSE, RMSE, MAPE, R², max error).';

CREATE AGGREGATE vqc.merge_agg(vqc.regression_state) (
    SFUNC = vqc.regression_combinefn,
    STYPE = vqc.regression_state,
    COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.mean_absolute_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_mae'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.mean_squared_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_mse'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.root_mean_squared_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_rmse'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.mean_absolute_percentage_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_mape'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.mean_absolute_percentage_error(vqc.regression_state) IS
    'mean(|y_pred - y_true| / max(|y_true|, 2.220446049250313e-16)), as scikit-learn: a fraction, not a percentage.';

CREATE FUNCTION vqc.r2_score(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_r2'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.r2_score(vqc.regression_state) IS
    '1 - SS_res / SS_tot; constant y_true gives 1 for perfect predictions, else 0 (scikit-learn); NULL under two pairs.';

CREATE FUNCTION vqc.max_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_max_error'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_count(state vqc.regression_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_regression_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_null_count(state vqc.regression_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_regression_null_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_to_jsonb(state vqc.regression_state)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_regression_to_jsonb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- scikit-learn's names, y_true first: the state with the metric as FINALFUNC
CREATE AGGREGATE vqc.mean_absolute_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.mean_absolute_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_squared_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.mean_squared_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.root_mean_squared_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.root_mean_squared_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_absolute_percentage_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.mean_absolute_percentage_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.r2_score(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.r2_score, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.max_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.max_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

-- ---------------------------------------------------------------------
-- ranking.sql: vqc.ranking_state and ranking metrics at k over one
-- query's rows (y_true relevance, y_score)
-- ---------------------------------------------------------------------
-- Per query: vqc.ndcg_score(rel, score, 10) ... GROUP BY query_id; averaged
-- over queries with avg(), or vqc.ranking_report() in one statement.  Tied
-- scores are averaged over their orders (scikit-learn's ndcg_score); a row
-- with a NULL relevance or score is skipped and counted.

CREATE TYPE vqc.ranking_state;

CREATE FUNCTION vqc.ranking_state_in(cstring)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_state_out(vqc.ranking_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_ranking_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_state_recv(internal)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_state_send(vqc.ranking_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_ranking_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.ranking_state (
    INPUT = vqc.ranking_state_in,
    OUTPUT = vqc.ranking_state_out,
    RECEIVE = vqc.ranking_state_recv,
    SEND = vqc.ranking_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- not strict: a row with a NULL is counted, and k must not be NULL
CREATE FUNCTION vqc.ranking_transfn(vqc.ranking_state, float8, float8, int4)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_combinefn(vqc.ranking_state, vqc.ranking_state)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the aggregate's result in its compacted form, without spare room
CREATE FUNCTION vqc.ranking_finalfn(vqc.ranking_state)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- INITCOND is the empty state (k set by the first row)
CREATE AGGREGATE vqc.ranking_agg(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn,
    STYPE = vqc.ranking_state,
    FINALFUNC = vqc.ranking_finalfn,
    COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ranking_agg(float8, float8, int4) IS
    'One query''s rows as the ranking metrics at k need them (exact, O(k) memory, mergeable).';

CREATE AGGREGATE vqc.merge_agg(vqc.ranking_state) (
    SFUNC = vqc.ranking_combinefn,
    STYPE = vqc.ranking_state,
    FINALFUNC = vqc.ranking_finalfn,
    COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.ndcg_score(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_ndcg'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.ndcg_score(vqc.ranking_state) IS
    'NDCG@k as scikit-learn 1.2''s ndcg_score (linear gain, tied scores averaged); 0 when no item is relevant.';

CREATE FUNCTION vqc.average_precision_at_k(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_ap'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.average_precision_at_k(vqc.ranking_state) IS
    'AP@k: sum of precision@i at the relevant positions i <= k, over min(k, relevant items); 0 when none is relevant.';

CREATE FUNCTION vqc.reciprocal_rank(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_rr'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.reciprocal_rank(vqc.ranking_state) IS
    '1 / rank of the first relevant item within the top k, else 0.';

CREATE FUNCTION vqc.precision_at_k(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_precision'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.precision_at_k(vqc.ranking_state) IS
    'Relevant items in the top k, over k.';

CREATE FUNCTION vqc.recall_at_k(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_recall'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.recall_at_k(vqc.ranking_state) IS
    'Relevant items in the top k, over all relevant items (0 when none).';

CREATE FUNCTION vqc.hit_rate(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_hit'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.hit_rate(vqc.ranking_state) IS
    '1 when the top k hold a relevant item, else 0 (with ties at the cut: its probability).';

CREATE FUNCTION vqc.ranking_k(state vqc.ranking_state)
RETURNS int4
AS 'MODULE_PATHNAME', 'vqc_ranking_k'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_count(state vqc.ranking_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_ranking_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_null_count(state vqc.ranking_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_ranking_null_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_to_jsonb(state vqc.ranking_state)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_ranking_to_jsonb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- scikit-learn's argument order, y_true first: the state with the metric
-- as FINALFUNC, over one query's rows
CREATE AGGREGATE vqc.ndcg_score(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.ndcg_score, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.average_precision_at_k(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.average_precision_at_k, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.reciprocal_rank(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.reciprocal_rank, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.precision_at_k(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.precision_at_k, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.recall_at_k(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.recall_at_k, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.hit_rate(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.hit_rate, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

-- {ndcg, ap, rr, precision, recall, hit, items, skipped rows, relevant
-- items} of a state from one compaction (vqc.ranking_report's per query;
-- the six metrics NULL for a state of no items)
CREATE FUNCTION vqc._ranking_metrics(state vqc.ranking_state)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'vqc_ranking_metrics'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the same over a query's rows, without the state's compacted copy
CREATE AGGREGATE vqc._ranking_metrics(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc._ranking_metrics, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

-- Every ranking metric at k averaged over the queries of a table, in one
-- statement, read as the caller.  Rows with a NULL query are left out;
-- "queries" counts those with at least one row taken.
CREATE FUNCTION vqc.ranking_report(target regclass, query_column text, relevance_column text,
                                   score_column text, k integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    result jsonb;
BEGIN
    IF target IS NULL OR query_column IS NULL OR relevance_column IS NULL OR score_column IS NULL OR k IS NULL THEN
        RAISE EXCEPTION 'vqc.ranking_report arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF k <= 0 THEN
        RAISE EXCEPTION 'k must be between 1 and 1000000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format($q$
        SELECT pg_catalog.jsonb_build_object(
                   'k', $1,
                   'queries', pg_catalog.count(*) FILTER (WHERE m[7] OPERATOR(pg_catalog.>) 0),
                   'queries_without_relevant',
                   pg_catalog.count(*) FILTER (WHERE m[7] OPERATOR(pg_catalog.>) 0 AND m[9] OPERATOR(pg_catalog.=) 0),
                   'rows', coalesce(pg_catalog.sum(m[7]), 0)::pg_catalog.int8,
                   'null_rows', coalesce(pg_catalog.sum(m[8]), 0)::pg_catalog.int8,
                   'ndcg', pg_catalog.avg(m[1]),
                   'map', pg_catalog.avg(m[2]),
                   'mrr', pg_catalog.avg(m[3]),
                   'precision', pg_catalog.avg(m[4]),
                   'recall', pg_catalog.avg(m[5]),
                   'hit_rate', pg_catalog.avg(m[6]))
          FROM (SELECT vqc._ranking_metrics((%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1) AS m
                  FROM %1$s
                 WHERE %4$I IS NOT NULL
                 GROUP BY %4$I) q$q$,
        target, relevance_column, score_column, query_column)
    INTO result USING k;
    RETURN result;
END
$$;
COMMENT ON FUNCTION vqc.ranking_report(regclass, text, text, text, integer) IS
    'NDCG, MAP, MRR, precision, recall and hit rate at k, each averaged over the queries of the table (read as the caller).';

-- ---------------------------------------------------------------------
-- agreement.sql: vqc.agreement_state and annotator agreement over
-- long-format ratings (item, annotator, label)
-- ---------------------------------------------------------------------
-- Items, annotators and labels of any type, compared by their text form
-- (ordinal and interval labels read as numbers).  A rating with a NULL is
-- skipped and counted (missing ratings are allowed where the measure
-- allows them).  The state keeps every rating: exact and mergeable.

CREATE TYPE vqc.agreement_state;

CREATE FUNCTION vqc.agreement_state_in(cstring)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_state_out(vqc.agreement_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_agreement_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_state_recv(internal)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_state_send(vqc.agreement_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_agreement_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.agreement_state (
    INPUT = vqc.agreement_state_in,
    OUTPUT = vqc.agreement_state_out,
    RECEIVE = vqc.agreement_state_recv,
    SEND = vqc.agreement_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- Not strict: a rating with a NULL is counted.  STABLE: the text form of
-- a value may depend on settings (DateStyle, extra_float_digits).
CREATE FUNCTION vqc.agreement_transfn(vqc.agreement_state, "any", "any", "any")
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_items_transfn(vqc.agreement_state, "any", "any")
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_items_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_alpha_transfn(vqc.agreement_state, "any", "any", "any", text)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_alpha_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_cohen_transfn(vqc.agreement_state, "any", "any", "any", text)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_cohen_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_combinefn(vqc.agreement_state, vqc.agreement_state)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the aggregate's result without spare room
CREATE FUNCTION vqc.agreement_finalfn(vqc.agreement_state)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE vqc.agreement_agg(item "any", annotator "any", label "any") (
    SFUNC = vqc.agreement_transfn,
    STYPE = vqc.agreement_state,
    FINALFUNC = vqc.agreement_finalfn,
    COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.agreement_agg("any", "any", "any") IS
    'Long-format ratings for percent agreement, Fleiss'' kappa, Krippendorff''s alpha and Cohen''s kappa (exact, mergeable).';

CREATE AGGREGATE vqc.merge_agg(vqc.agreement_state) (
    SFUNC = vqc.agreement_combinefn,
    STYPE = vqc.agreement_state,
    FINALFUNC = vqc.agreement_finalfn,
    COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000',
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.percent_agreement(state vqc.agreement_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_percent'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.percent_agreement(vqc.agreement_state) IS
    'Mean over items of two or more ratings of the share of rating pairs that agree.';

CREATE FUNCTION vqc.fleiss_kappa(state vqc.agreement_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_fleiss'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.fleiss_kappa(vqc.agreement_state) IS
    'Fleiss'' kappa as statsmodels 0.13; every item must have the same number (>= 2) of ratings (22023 otherwise).';

CREATE FUNCTION vqc.krippendorff_alpha(state vqc.agreement_state, level text)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_alpha'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.krippendorff_alpha(vqc.agreement_state, text) IS
    'Krippendorff''s alpha at level nominal, ordinal or interval (NLTK 3.8; ordinal: the textbook metric); missing ratings allowed.';

CREATE FUNCTION vqc.krippendorff_alpha(state vqc.agreement_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_alpha_bound'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.krippendorff_alpha(vqc.agreement_state) IS
    'Krippendorff''s alpha at the level the state was taken with (vqc.krippendorff_alpha''s aggregate).';

CREATE FUNCTION vqc.cohen_kappa(state vqc.agreement_state, weights text)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_cohen'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION vqc.cohen_kappa(vqc.agreement_state, text) IS
    'Cohen''s kappa of exactly two annotators over the items both rated (weights NULL, linear or quadratic), as scikit-learn''s cohen_kappa_score.';

CREATE FUNCTION vqc.cohen_kappa(state vqc.agreement_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_cohen_bound'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_count(state vqc.agreement_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_agreement_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_null_count(state vqc.agreement_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_agreement_null_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the measures as aggregates over the ratings
CREATE AGGREGATE vqc.percent_agreement(item "any", label "any") (
    SFUNC = vqc.agreement_items_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.percent_agreement, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
CREATE AGGREGATE vqc.fleiss_kappa(item "any", label "any") (
    SFUNC = vqc.agreement_items_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.fleiss_kappa, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
CREATE AGGREGATE vqc.krippendorff_alpha(item "any", annotator "any", label "any", level text) (
    SFUNC = vqc.agreement_alpha_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.krippendorff_alpha, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
CREATE AGGREGATE vqc.cohen_kappa(item "any", annotator "any", label "any") (
    SFUNC = vqc.agreement_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.cohen_kappa, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
CREATE AGGREGATE vqc.cohen_kappa(item "any", annotator "any", label "any", weights text) (
    SFUNC = vqc.agreement_cohen_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.cohen_kappa, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
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


CREATE OR REPLACE FUNCTION vqc._announce_run_write(s vqc.suite, run vqc_report.run, ev jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    call text;
BEGIN
    PERFORM pg_notify('vqc', vqc._run_notice(run, ev));
    IF s.callback IS NOT NULL THEN
        PERFORM vqc._check_callback(s, s.callback);
        SELECT format('SELECT %I.%I($1::pg_catalog.int8)', n.nspname, p.proname) INTO call
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE p.oid = s.callback;
        EXECUTE call USING run.run_id;
    END IF;
END
$function$
;

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

CREATE OR REPLACE FUNCTION vqc._check_callback(s vqc.suite, fn regprocedure)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    p pg_proc;
BEGIN
    SELECT * INTO p FROM pg_proc WHERE oid = fn;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'callback % of suite "%" does not exist', fn::oid, s.name USING ERRCODE = 'undefined_function';
    END IF;
    IF p.pronargs <> 1 OR p.proargtypes[0] <> 'bigint'::regtype OR p.prokind <> 'f' OR p.proretset THEN
        RAISE EXCEPTION 'callback % must be a function of one bigint argument (the run''s id)', fn
            USING ERRCODE = 'invalid_function_definition';
    END IF;
    IF NOT p.prosecdef OR NOT pg_has_role(s.owner, p.proowner, 'MEMBER') THEN
        RAISE EXCEPTION 'callback % must be SECURITY DEFINER and owned by a role that % belongs to', fn, s.owner
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'A callback runs with its owner''s rights, so that running another role''s suite never runs code of that role''s choosing with the runner''s rights.';
    END IF;
    IF NOT has_function_privilege(s.owner, fn, 'EXECUTE') THEN
        RAISE EXCEPTION 'role % may not execute callback %', s.owner, fn USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$function$
;


CREATE OR REPLACE FUNCTION vqc._chi2_sf(x double precision, dof double precision)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_chi2_sf_sql$function$
;











CREATE OR REPLACE FUNCTION vqc._cumulative(xs double precision[])
 RETURNS double precision[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT '{0}'::float8[] || ARRAY(SELECT sum(x) OVER (ORDER BY o) FROM unnest(xs) WITH ORDINALITY u(x, o) ORDER BY o)
$function$
;



CREATE OR REPLACE FUNCTION vqc._distribution_args(etype text, distribution text, params jsonb)
 RETURNS double precision[]
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    names text[];
    out   float8[] := '{}';
    k     text;
BEGIN
    IF params IS NULL OR jsonb_typeof(params) = 'null' THEN
        RETURN out;
    END IF;
    IF jsonb_typeof(params) = 'array' THEN
        IF EXISTS (SELECT 1 FROM jsonb_array_elements(params) x WHERE jsonb_typeof(x) <> 'number') THEN
            PERFORM vqc._bad_kwarg(etype, 'params must be numbers');
        END IF;
        RETURN ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(params) WITH ORDINALITY AS u(x, o) ORDER BY o);
    END IF;
    IF jsonb_typeof(params) <> 'object' THEN
        PERFORM vqc._bad_kwarg(etype, 'params must be an array or an object');
    END IF;
    names := CASE distribution
        WHEN 'norm' THEN '{mean,std_dev}'
        WHEN 'beta' THEN '{alpha,beta,loc,scale}'
        WHEN 'gamma' THEN '{alpha,loc,scale}'
        WHEN 'uniform' THEN '{min,max}'
        WHEN 'chi2' THEN '{df,loc,scale}'
        WHEN 'expon' THEN '{loc,scale}' END;
    IF names IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown distribution "%s"', distribution),
                               'Use norm, beta, gamma, uniform, chi2 or expon.');
    END IF;
    FOREACH k IN ARRAY names LOOP
        IF jsonb_typeof(params -> k) = 'number' THEN
            out := out || (params ->> k)::float8;
        ELSIF k = 'loc' THEN
            out := out || 0::float8;
        ELSIF k = 'scale' THEN
            out := out || 1::float8;
        ELSE
            PERFORM vqc._bad_kwarg(etype, format('params of distribution "%s" need a number "%s"', distribution, k));
        END IF;
    END LOOP;
    RETURN out;
END
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

CREATE OR REPLACE FUNCTION vqc._evaluate_all(target regclass, expectations jsonb, key_columns text[], sample_cap integer, rf_default jsonb, raise_errors boolean, profile_columns text[] DEFAULT NULL::text[])
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    n          integer := jsonb_array_length(expectations);
    planned    record := vqc._plan_all(target, expectations, key_columns, sample_cap, rf_default,
                                       raise_errors, profile_columns);
    plans      jsonb[] := planned.plans;
    rfs        jsonb[] := planned.rfs;
    errors     text[] := planned.errors;
    kwargs_all jsonb := planned.kwargs_all;
    items      jsonb := planned.items;
    names      text[];
    vals       jsonb := '{}';
    arr        text[];
    e          jsonb;
    i          integer;
    k          text;
    msg        text;
    scans      integer := 0;
    out_results jsonb := '[]';
    ev         jsonb;
BEGIN
    -- one scan for all items
    IF items <> '{}' THEN
        SELECT array_agg(key ORDER BY key) INTO names FROM jsonb_object_keys(items) key;
        BEGIN
            scans := 1;
            EXECUTE vqc._scan_sql(target, items, names) INTO arr USING kwargs_all;
            FOR i IN 1 .. cardinality(names) LOOP
                vals := vals || jsonb_build_object(names[i], arr[i]);
            END LOOP;
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE;
            WHEN OTHERS THEN
                IF raise_errors THEN
                    RAISE;
                END IF;
                -- One expectation broke the shared scan (a regex limit, say): scan
                -- each alone so that only the culprit is reported as an error.
                FOR i IN 1 .. n LOOP
                CONTINUE WHEN NOT plans[i] ? 'items';
                BEGIN
                    SELECT array_agg(key ORDER BY key) INTO names FROM jsonb_object_keys(plans[i] -> 'items') key;
                    scans := scans + 1;
                    EXECUTE vqc._scan_sql(target, plans[i] -> 'items', names) INTO arr USING kwargs_all;
                    FOR k IN SELECT unnest(names) LOOP
                        vals := vals || jsonb_build_object(k, arr[array_position(names, k)]);
                    END LOOP;
                EXCEPTION
                    WHEN insufficient_privilege THEN
                        RAISE;
                    WHEN OTHERS THEN
                        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                        errors[i] := msg;
                        plans[i] := NULL;
                END;
            END LOOP;
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

    RETURN jsonb_build_object('rows', vals -> 'n', 'scans', scans, 'results', out_results,
                              'profiles', (SELECT coalesce(jsonb_object_agg(c, vals -> format('p:%s', c)), '{}')
                                             FROM unnest(coalesce(profile_columns, '{}')) c
                                            WHERE vals ? format('p:%s', c)));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._evaluate_freshness(plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    newest  timestamptz := (vals ->> (plan ->> 'value_item'))::timestamptz;
    oldest  timestamptz := clock_timestamp() - (plan ->> 'max_age')::interval;
BEGIN
    RETURN jsonb_build_object(
        'success', coalesce(newest >= oldest, false),
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', to_jsonb(newest),
                                               'details', jsonb_build_object('max_age', plan ->> 'max_age')) END,
        'samples', '[]'::jsonb, 'extra_scans', 0);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._evaluate_ge_type(target regclass, plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    element  bigint := (vals ->> 'n')::bigint;
    other    bigint := (vals ->> (plan ->> 'other_item'))::bigint;
BEGIN
    IF plan ->> 'evaluator' <> 'other_table_count' THEN
        RETURN vqc._evaluate_ge_unimpl(target, plan, vals, rf);     -- ge_unimpl.sql: KS, chi-square
    END IF;
    RETURN jsonb_build_object(
        'success', abs(element - other) <= (plan ->> 'tolerance')::numeric * other,
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', jsonb_build_object('self', element, 'other', other)) END,
        'samples', '[]'::jsonb, 'extra_scans', 0);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._evaluate_ge_unimpl(target regclass, plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    colname text := plan ->> 'column';
    th      float8 := (plan ->> 'threshold')::float8;
    ks      float8[];
    kl      record;
    obs     float8[];
    expct   float8[];
    n       float8;
    chi2    float8 := 0;
    pval    float8;
    details jsonb;
    extra   integer := 0;
    i       integer;
BEGIN
    IF plan ->> 'evaluator' = 'ks_1samp' THEN
        ks := vqc._ks_1samp(coalesce((vals ->> format('ks%s', plan ->> 'position'))::float8[], '{}'),
                            plan -> 'kwargs' ->> 'distribution',
                            ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(plan -> 'args') WITH ORDINALITY u(x, o) ORDER BY o));
        pval := ks[2];
        details := jsonb_build_object('observed_ks_statistic', ks[1]);
    ELSIF plan ->> 'evaluator' = 'ks_bootstrap' THEN
        SELECT x.pval, x.details INTO pval, details
          FROM vqc._evaluate_ks_bootstrap(plan, (vals ->> format('ks%s', plan ->> 'position'))::float8[]) x;
    ELSE
        -- scipy.stats.chisquare(counts, expected counts): GE's partition
        -- weights times the non-null count, values outside it sharing
        -- tail_weight_holdout (vqc._evaluate_kl builds both partitions)
        SELECT * INTO kl FROM vqc._evaluate_kl(target, plan, vals);
        extra := kl.extra;
        details := kl.details;
        n := (vals ->> (plan ->> 'nonnull'))::float8;
        obs := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(details -> 'observed_partition' -> 'weights') WITH ORDINALITY u(x, o) ORDER BY o);
        expct := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(details -> 'expected_partition' -> 'weights') WITH ORDINALITY u(x, o) ORDER BY o);
        IF n > 0 THEN
            FOR i IN 1 .. cardinality(obs) LOOP
                IF expct[i] = 0 THEN
                    chi2 := CASE WHEN obs[i] > 0 THEN 'Infinity' ELSE 'NaN' END;
                    EXIT;
                END IF;
                chi2 := chi2 + (obs[i] * n - expct[i] * n) ^ 2 / (expct[i] * n);
            END LOOP;
            pval := CASE WHEN chi2 = 'NaN' THEN NULL ELSE vqc._chi2_sf(chi2, cardinality(obs) - 1) END;
        END IF;
    END IF;
    RETURN jsonb_build_object(
        'success', coalesce(pval > th, false),
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', pval, 'element_count', (vals ->> 'n')::bigint,
                                               'missing_count', (vals ->> 'n')::bigint - (vals ->> format('nn:%s', colname))::bigint)
                            || CASE WHEN rf ->> 'result_format' IN ('SUMMARY', 'COMPLETE')
                                    THEN jsonb_build_object('details', details) ELSE '{}' END END,
        'samples', '[]'::jsonb, 'extra_scans', extra);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._evaluate_history(plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    x       float8 := vqc._history_value(plan, vals);
    h       float8[];
    needed  integer := (plan ->> 'needed')::integer;
    details jsonb := jsonb_build_object('metric', plan ->> 'metric');
    ref     float8;
    change  float8;
    iv      jsonb;
    success boolean;
BEGIN
    IF plan ? 'suite_id' THEN
        -- read as the caller, who may run a suite without reading the report
        IF NOT (has_table_privilege('vqc_report.run', 'SELECT') AND has_table_privilege('vqc_report.result', 'SELECT')
                AND has_table_privilege('vqc_report.metric', 'SELECT')) THEN
            RAISE EXCEPTION 'role % may not read the history of this suite', current_user
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'A history check reads vqc_report.run, result and metric as the role running the suite.',
                      HINT = 'GRANT SELECT ON ALL TABLES IN SCHEMA vqc_report to the role.';
        END IF;
        h := vqc._history_series(plan);
    ELSE
        h := '{}';
    END IF;
    details := details || jsonb_build_object('history_size', cardinality(h));
    IF x IS NULL OR x = 'NaN'::float8 THEN
        success := false;
        details := details || '{"reason": "no_value"}';
    ELSIF NOT plan ? 'suite_id' AND needed > 0 THEN
        -- vqc.expect(): no suite, no history; passes, and says so
        success := true;
        details := details || jsonb_build_object('reason', 'no_suite', 'history_needed', needed);
    ELSIF cardinality(h) < needed THEN
        -- too little history: passes, and says so
        success := true;
        details := details || jsonb_build_object('reason', 'insufficient_history', 'history_needed', needed);
    ELSIF plan ->> 'type' = 'expect_metric_change_to_be_between' THEN
        ref := CASE plan ->> 'compare_to' WHEN 'previous' THEN h[cardinality(h)]
                                           ELSE (SELECT avg(e) FROM unnest(h) e) END;
        change := x - ref;
        IF plan ->> 'change' = 'relative' THEN
            change := CASE WHEN ref <> 0 THEN change / abs(ref) WHEN change = 0 THEN 0 END;
        END IF;
        details := details || jsonb_build_object('compare_to', plan -> 'compare_to', 'reference', ref,
                                                 'change', plan -> 'change', 'observed_change', change);
        IF change IS NULL THEN
            success := false;
            details := details || '{"reason": "reference_is_zero"}';
        ELSE
            success := (plan -> 'min_value' IS NULL OR jsonb_typeof(plan -> 'min_value') = 'null'
                        OR CASE WHEN (plan ->> 'strict_min')::boolean THEN change > (plan ->> 'min_value')::float8
                                ELSE change >= (plan ->> 'min_value')::float8 END)
                   AND (plan -> 'max_value' IS NULL OR jsonb_typeof(plan -> 'max_value') = 'null'
                        OR CASE WHEN (plan ->> 'strict_max')::boolean THEN change < (plan ->> 'max_value')::float8
                                ELSE change <= (plan ->> 'max_value')::float8 END);
        END IF;
    ELSE
        iv := vqc._history_interval(plan, h, x);
        details := details || jsonb_build_object('strategy', plan -> 'strategy') || jsonb_strip_nulls(iv);
        success := CASE WHEN iv ? 'reason' THEN false
                        ELSE (iv ->> 'lower_bound' IS NULL OR x >= (iv ->> 'lower_bound')::float8)
                         AND (iv ->> 'upper_bound' IS NULL OR x <= (iv ->> 'upper_bound')::float8) END;
    END IF;
    RETURN jsonb_build_object(
        'success', success,
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', CASE WHEN x = 'NaN'::float8 THEN NULL ELSE x END,
                                               'details', details) END,
        'samples', '[]'::jsonb, 'extra_scans', 0);
END
$function$
;


CREATE OR REPLACE FUNCTION vqc._evaluate_ks_bootstrap(plan jsonb, vals double precision[], OUT pval double precision, OUT details jsonb)
 RETURNS record
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    bins  float8[] := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(plan -> 'bins') WITH ORDINALITY u(x, o) ORDER BY o);
    w     float8[] := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(plan -> 'weights') WITH ORDINALITY u(x, o) ORDER BY o);
    r     float8[] := vqc._ks_bootstrap(coalesce(vals, '{}'), bins, w, (plan ->> 'threshold')::float8,
                                        (plan ->> 'bootstrap_samples')::integer, (plan ->> 'bootstrap_sample_size')::integer);
    n     float8 := cardinality(vals);
    obins float8[] := bins;
    ow    float8[] := r[6:];
BEGIN
    pval := r[1];
    IF r[2] > 0 THEN
        obins := r[4] || obins;
        ow := r[2] || ow;
    END IF;
    IF r[3] > 0 THEN
        obins := obins || r[5];
        ow := ow || r[3];
    END IF;
    ow := ARRAY(SELECT x / n FROM unnest(ow) WITH ORDINALITY u(x, o) ORDER BY o);
    details := jsonb_build_object(
        'bootstrap_samples', plan -> 'bootstrap_samples',
        'bootstrap_sample_size', plan -> 'bootstrap_sample_size',
        'observed_partition', jsonb_build_object('bins', to_jsonb(obins), 'weights', to_jsonb(ow)),
        'expected_partition', jsonb_build_object('bins', plan -> 'bins', 'weights', plan -> 'weights'),
        'observed_cdf', jsonb_build_object('x', to_jsonb(obins), 'cdf_values', to_jsonb(vqc._cumulative(ow))),
        'expected_cdf', jsonb_build_object('x', plan -> 'bins', 'cdf_values', to_jsonb(vqc._cumulative(w))));
END
$function$
;

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
        -- a pass grouped by query (vqc.ranking_report), as the caller
        details := vqc.ranking_report(target, plan -> 'ranking_columns' ->> 0, plan -> 'ranking_columns' ->> 1,
                                      plan -> 'ranking_columns' ->> 2, (plan ->> 'k')::int);
        observed := (details ->> metric)::float8;
        extra := 1;
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



CREATE OR REPLACE FUNCTION vqc._gate_run(suite_id bigint, suite_parameters jsonb)
 RETURNS jsonb
 LANGUAGE c
AS '$libdir/vqc', $function$vqc_with_caller$function$
;

CREATE OR REPLACE FUNCTION vqc._gate_run_check(suite_id bigint, suite_parameters jsonb)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc._record_run_check(suite_id, suite_parameters) $function$
;

CREATE OR REPLACE FUNCTION vqc._gate_run_write(caller regrole, ev jsonb, suite_id bigint, suite_parameters jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    run_id bigint;
BEGIN
    PERFORM vqc._require_select(vqc._suite_target(vqc._suite_by_id(suite_id)), caller);
    run_id := vqc._run_autonomous_write(caller, ev, suite_id);
    RETURN (SELECT jsonb_build_object(
                'run_id', run_id,
                'success', bool_and(x ->> 'status' = 'success') IS NOT FALSE,
                'evaluated', count(*),
                'unsuccessful', count(*) FILTER (WHERE x ->> 'status' <> 'success'),
                'failing', coalesce(string_agg(format('#%s %s', x ->> 'position', x ->> 'type'), ', ' ORDER BY (x ->> 'position')::int)
                                    FILTER (WHERE x ->> 'status' <> 'success'), 'none'))
              FROM jsonb_array_elements(ev -> 'results') x);
END
$function$
;



CREATE OR REPLACE FUNCTION vqc._ge_unimpl_map_plan(target regclass, colname text, pidx integer, expected text, key_columns text[], sample_cap integer, mostly numeric)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%I)', colname),
            format('t%s', pidx),
            format('vqc.tally(%1$I::pg_catalog.text, %2$s, %3$s) FILTER (WHERE %4$s)', colname,
                   vqc._row_key_sql(target, key_columns), sample_cap, fails)),
        'fails_sql', fails,
        'key_columns', to_jsonb(key_columns),
        'tally', format('t%s', pidx),
        'nonnull', format('nn:%s', colname),
        'mostly', mostly)
      FROM (SELECT format('%I IS NOT NULL AND (%s) IS NOT TRUE', colname, expected) AS fails) f
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

CREATE OR REPLACE FUNCTION vqc._history_bind(plan jsonb, expectation_id jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    own bigint;
    sid bigint;
    ref bigint := (plan ->> 'expectation_ref')::bigint;
BEGIN
    IF expectation_id IS NULL OR jsonb_typeof(expectation_id) <> 'number' THEN
        -- vqc.expect(): no suite, so no history (the result says so)
        IF ref IS NOT NULL THEN
            RAISE EXCEPTION '% with expectation_id needs a suite', plan ->> 'type'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'vqc.expect() runs outside any suite, so there is no other expectation to read.',
                      HINT = 'Add the expectation to a suite with vqc.add_expectation() and run it with vqc.run().';
        END IF;
        RETURN plan;
    END IF;
    own := (expectation_id #>> '{}')::bigint;
    SELECT e.suite_id INTO sid FROM vqc.suite_expectation e WHERE e.expectation_id = own;
    IF ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vqc.suite_expectation e
                                        WHERE e.expectation_id = ref AND e.suite_id = sid
                                          AND e.expectation_id < own) THEN
        PERFORM vqc._bad_kwarg(plan ->> 'type', format('expectation %s is not an earlier expectation of this suite', ref),
                               'expectation_id names an expectation added to the same suite before this one.');
    END IF;
    RETURN plan || jsonb_build_object('expectation_id', own, 'suite_id', sid);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._history_interval(plan jsonb, h double precision[], x double precision)
 RETURNS jsonb
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    strategy text := plan ->> 'strategy';
    lo       float8 := (plan ->> 'min_value')::float8;
    hi       float8 := (plan ->> 'max_value')::float8;
    kl       float8 := (plan ->> 'lower_deviation_factor')::float8;
    ku       float8 := (plan ->> 'upper_deviation_factor')::float8;
    warm_up  integer := (plan ->> 'needed')::integer;
    prev     float8 := h[cardinality(h)];
    mean     float8 := 0;
    m2       float8 := 0;
    k        integer := 0;
    sd       float8;
    v        float8;
    d        float8;
    hw       record;
    i        integer;
BEGIN
    CASE strategy
    WHEN 'simple_thresholds' THEN
        RETURN jsonb_build_object('lower_bound', lo, 'upper_bound', hi);
    WHEN 'absolute_change' THEN
        RETURN jsonb_build_object('expected', prev, 'lower_bound', prev + lo, 'upper_bound', prev + hi);
    WHEN 'relative_rate_of_change' THEN
        IF prev <= 0 THEN
            RETURN jsonb_build_object('expected', prev, 'reason', 'reference_not_positive');
        END IF;
        RETURN jsonb_build_object('expected', prev, 'lower_bound', prev * lo, 'upper_bound', prev * hi);
    WHEN 'batch_normal' THEN
        SELECT avg(e), stddev_samp(e) INTO mean, sd FROM unnest(h) e;
    WHEN 'online_normal' THEN
        -- Welford's running mean and variance; after the warm-up, a value
        -- outside its interval is an anomaly and (ignore_anomalies) not learnt
        FOREACH v IN ARRAY h LOOP
            IF k >= warm_up AND (plan ->> 'ignore_anomalies')::boolean THEN
                sd := sqrt(m2 / (k - 1));
                CONTINUE WHEN v < mean - kl * sd OR v > mean + ku * sd;
            END IF;
            k := k + 1;
            d := v - mean;
            mean := mean + d / k;
            m2 := m2 + d * (v - mean);
        END LOOP;
        sd := sqrt(m2 / (k - 1));
    WHEN 'holt_winters' THEN
        hw := vqc.holt_winters(h, (plan ->> 'seasonal_periods')::integer, (plan ->> 'alpha')::float8,
                               (plan ->> 'beta')::float8, (plan ->> 'gamma')::float8);
        mean := hw.forecast;
        sd := hw.residual_sd;
    END CASE;
    RETURN jsonb_build_object('expected', mean, 'deviation', sd,
                              'lower_bound', mean - kl * sd, 'upper_bound', mean + ku * sd);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._history_metric_plan(target regclass, etype text, kwargs jsonb, pidx integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    metric  text := vqc._kw_text(etype, kwargs, 'metric');
    ref     integer := vqc._kw_positive(etype, kwargs, 'expectation_id');
    colname text := vqc._kw_text(etype, kwargs, 'column');
    col     record;
    qcol    text := quote_ident(colname);
    nn      text := format('nn:%s', colname);
    v       text := format('hv%s', pidx);
BEGIN
    IF ref IS NOT NULL THEN
        IF NOT metric = ANY (vqc._history_result_metrics()) THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s" of an expectation', metric),
                                   format('An expectation''s metric is one of %s.',
                                          array_to_string(vqc._history_result_metrics(), ', ')));
        END IF;
        IF colname IS NOT NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'argument "column" cannot be given with "expectation_id"');
        END IF;
        RETURN jsonb_build_object('metric', metric, 'expectation_ref', ref, 'items', '{}'::jsonb);
    END IF;
    IF NOT metric = ANY (vqc._history_metrics()) THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', metric),
                               format('A metric is one of %s, or a metric of another expectation of the suite (with expectation_id).',
                                      array_to_string(vqc._history_metrics(), ', ')));
    END IF;
    IF metric = 'row_count' THEN
        IF colname IS NOT NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'metric "row_count" takes no "column"');
        END IF;
        RETURN jsonb_build_object('metric', metric, 'items', jsonb_build_object('n', 'pg_catalog.count(*)'),
                                  'value_sql', 'n');
    END IF;
    IF colname IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('metric "%s" needs argument "column"', metric));
    END IF;
    SELECT * INTO col FROM vqc._column(target, colname);
    IF metric IN ('missing_count', 'missing_percent', 'null_fraction') THEN
        RETURN jsonb_build_object('metric', metric, 'value_sql', metric, 'nonnull', nn,
                                  'items', jsonb_build_object('n', 'pg_catalog.count(*)',
                                                              nn, format('pg_catalog.count(%s)', qcol)));
    END IF;
    IF col.category <> 'N' THEN
        RAISE EXCEPTION 'metric "%" needs a numeric column; column "%" is of type %', metric, colname, col.type_sql
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    RETURN jsonb_build_object('metric', metric, 'value_sql', 'item', 'value_item', v,
                              'items', jsonb_build_object(v, format(CASE metric
                                  -- the same text as the aggregate kind's: one aggregate call in the scan
                                  WHEN 'mean'  THEN 'pg_catalog.avg(%s)::pg_catalog.float8'
                                  WHEN 'stdev' THEN 'pg_catalog.stddev_samp(%s)::pg_catalog.float8'
                                  WHEN 'sum'   THEN 'pg_catalog.sum(%s)::pg_catalog.float8'
                                  WHEN 'min'   THEN 'pg_catalog.min(%s)::pg_catalog.float8'
                                  WHEN 'max'   THEN 'pg_catalog.max(%s)::pg_catalog.float8' END, qcol)));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._history_metrics()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT ARRAY['row_count', 'missing_count', 'missing_percent', 'null_fraction',
                   'mean', 'stdev', 'sum', 'min', 'max'] $function$
;

CREATE OR REPLACE FUNCTION vqc._history_period(etype text, kwargs jsonb)
 RETURNS integer
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    season text := vqc._kw_text(etype, kwargs, 'season');
    m      integer := vqc._kw_int(etype, kwargs, 'seasonal_periods');
BEGIN
    IF season IS NOT NULL AND season NOT IN ('daily', 'weekly') THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown season "%s"', season),
                               'season is "daily" (24 hourly runs) or "weekly" (7 daily runs), or give seasonal_periods.');
    END IF;
    IF m IS NOT NULL AND m < 2 THEN
        PERFORM vqc._bad_kwarg(etype, 'argument "seasonal_periods" must be at least 2');
    END IF;
    m := coalesce(m, CASE season WHEN 'daily' THEN 24 WHEN 'weekly' THEN 7 END);
    IF m IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, 'strategy "holt_winters" needs argument "season" or "seasonal_periods"');
    END IF;
    RETURN m;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._history_result_metrics()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT ARRAY['observed_value', 'element_count', 'missing_count', 'missing_percent',
                   'unexpected_count', 'unexpected_percent'] $function$
;

CREATE OR REPLACE FUNCTION vqc._history_series(plan jsonb)
 RETURNS double precision[]
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT coalesce(array_agg(value ORDER BY started_at, run_id), '{}')
      FROM (SELECT u.started_at, u.run_id, m.value
              FROM vqc_report.run u
              JOIN vqc_report.metric m ON m.run_id OPERATOR(pg_catalog.=) u.run_id
              LEFT JOIN vqc_report.result r
                     ON r.run_id OPERATOR(pg_catalog.=) u.run_id
                    AND r.position OPERATOR(pg_catalog.=) m.position
             WHERE u.suite_id OPERATOR(pg_catalog.=) (plan ->> 'suite_id')::bigint
               AND m.value IS NOT NULL
               -- runs that saw the same rows: without row-level security, or
               -- the caller's own runs through it
               AND u.row_security OPERATOR(pg_catalog.=) (plan ->> 'row_security')::boolean
               AND (NOT u.row_security OR u.run_by OPERATOR(pg_catalog.=) CURRENT_USER)
               AND CASE WHEN plan ? 'expectation_ref' OR plan ->> 'metric' <> 'row_count'
                        THEN r.expectation_id OPERATOR(pg_catalog.=)
                                 coalesce(plan ->> 'expectation_ref', plan ->> 'expectation_id')::bigint
                             AND r.status OPERATOR(pg_catalog.<>) 'error'
                             AND m.metric_name OPERATOR(pg_catalog.=)
                                 CASE WHEN plan ? 'expectation_ref' THEN plan ->> 'metric' ELSE 'observed_value' END
                        -- the suite's row count, but not of a run where this check was an error
                        ELSE m.position IS NULL AND m.metric_name OPERATOR(pg_catalog.=) 'row_count'
                             AND NOT EXISTS (SELECT 1 FROM vqc_report.result e
                                              WHERE e.run_id OPERATOR(pg_catalog.=) u.run_id
                                                AND e.expectation_id OPERATOR(pg_catalog.=) (plan ->> 'expectation_id')::bigint
                                                AND e.status OPERATOR(pg_catalog.=) 'error') END
               AND (plan ->> 'window' IS NULL
                    OR u.started_at OPERATOR(pg_catalog.>=) (pg_catalog.now() OPERATOR(pg_catalog.-) (plan ->> 'window')::interval))
             ORDER BY u.started_at DESC, u.run_id DESC
             LIMIT (plan ->> 'n')::integer) h
$function$
;

CREATE OR REPLACE FUNCTION vqc._history_value(plan jsonb, vals jsonb)
 RETURNS double precision
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    n  float8 := (vals ->> 'n')::float8;
    nn float8 := (vals ->> (plan ->> 'nonnull'))::float8;
    r  jsonb;
BEGIN
    IF plan ? 'expectation_ref' THEN
        r := vals -> format('result:%s', plan ->> 'expectation_ref');
        IF r IS NULL THEN
            RAISE EXCEPTION 'expectation % has no result in this run', plan ->> 'expectation_ref'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'It failed with an error, so its metric has no value to compare.';
        END IF;
        RETURN CASE WHEN jsonb_typeof(r -> (plan ->> 'metric')) = 'number' THEN (r ->> (plan ->> 'metric'))::float8 END;
    END IF;
    RETURN CASE plan ->> 'value_sql'
        WHEN 'n' THEN n
        WHEN 'item' THEN (vals ->> (plan ->> 'value_item'))::float8
        WHEN 'missing_count' THEN n - nn
        WHEN 'missing_percent' THEN CASE WHEN n > 0 THEN (n - nn) / n * 100 END
        WHEN 'null_fraction' THEN CASE WHEN n > 0 THEN (n - nn) / n END END;
END
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






CREATE OR REPLACE FUNCTION vqc._ks_1samp(vals double precision[], distribution text, args double precision[])
 RETURNS double precision[]
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ks_1samp$function$
;

CREATE OR REPLACE FUNCTION vqc._ks_bootstrap(vals double precision[], bins double precision[], weights double precision[], p double precision, samples integer, size integer)
 RETURNS double precision[]
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ks_bootstrap$function$
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
       AND etype IN ('expect_column_values_to_be_between', 'expect_column_value_lengths_to_be_between',
                     'expect_metric_change_to_be_between', 'expect_metric_to_not_be_anomalous') THEN
        PERFORM vqc._bad_kwarg(etype, 'min_value and max_value cannot both be null');
    END IF;
END
$function$
;


CREATE OR REPLACE FUNCTION vqc._kw_label(etype text, kwargs jsonb, key text)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE jsonb_typeof(vqc._kw(etype, kwargs, key, '{string,number,boolean}'))
                WHEN 'string' THEN kwargs ->> key
                ELSE (kwargs -> key)::text END
$function$
;

CREATE OR REPLACE FUNCTION vqc._kw_number_in(etype text, kwargs jsonb, key text, lo double precision, hi double precision, default_value double precision)
 RETURNS double precision
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    v float8 := (vqc._kw(etype, kwargs, key, '{number}'))::float8;
BEGIN
    IF v IS NULL THEN
        RETURN default_value;
    END IF;
    IF v < lo OR v > hi THEN
        PERFORM vqc._bad_kwarg(etype, format('argument "%s" must be between %s and %s', key, lo, hi));
    END IF;
    RETURN v;
END
$function$
;


CREATE OR REPLACE FUNCTION vqc._kw_positive(etype text, kwargs jsonb, key text)
 RETURNS integer
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    v integer := vqc._kw_int(etype, kwargs, key);
BEGIN
    IF v < 1 THEN
        PERFORM vqc._bad_kwarg(etype, format('argument "%s" must be a positive integer', key));
    END IF;
    RETURN v;
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
                              'items', jsonb_build_object(item_name, item_sql), 'value_item', item_name,
                              'compare_type', 'numeric', 'min_value', lo, 'max_value', hi,
                              'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
                              'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false))
$function$
;

CREATE OR REPLACE FUNCTION vqc._observed_is_value(etype text)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT c.kind IN ('aggregate', 'statistic', 'history')
           AND etype NOT IN ('expect_column_unique_value_count_to_be_between',
                             'expect_column_proportion_of_unique_values_to_be_between',
                             'expect_column_drift_to_be_less_than',
                             'expect_column_kl_divergence_to_be_less_than',
                             'expect_classification_metric_to_be_between',
                             'expect_score_metric_to_be_between',
                             'expect_metric_gap_between_segments_to_be_less_than',
                             'expect_regression_metric_to_be_between',
                             'expect_ranking_metric_to_be_between',
                             'expect_annotator_agreement_to_be_between')
      FROM vqc.expectation_catalog c
     WHERE c.expectation_type = etype
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
    other_plan jsonb;
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

    -- pairs, several columns, z-scores, other tables (ge_types.sql)
    other_plan := vqc._plan_ge_type(target, plan, pidx, key_columns, sample_cap);
    IF other_plan IS NOT NULL THEN
        RETURN plan || other_plan;
    END IF;
    -- a model's predictions and labels (model_expectations.sql)
    other_plan := vqc._plan_model_metric(target, plan, pidx);
    IF other_plan IS NOT NULL THEN
        RETURN plan || other_plan;
    END IF;
    -- the newest value against the run's time (freshness.sql)
    other_plan := vqc._plan_freshness(target, plan);
    IF other_plan IS NOT NULL THEN
        RETURN plan || other_plan;
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
        expected := vqc._pattern_list_sql(etype, kwargs, conds);
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
    ELSE
        -- SQL LIKE patterns (ge_types.sql)
        expected := vqc._like_expected_sql(etype, kwargs, p, qcol, colname, col.category, col.type_sql);
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

CREATE OR REPLACE FUNCTION vqc._plan_all(target regclass, expectations jsonb, key_columns text[], sample_cap integer, rf_default jsonb, raise_errors boolean, profile_columns text[], OUT plans jsonb[], OUT rfs jsonb[], OUT errors text[], OUT items jsonb, OUT kwargs_all jsonb)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
    IF items <> '{}' THEN
        items := items || jsonb_build_object('n', 'pg_catalog.count(*)');
    END IF;
END
$function$
;


CREATE OR REPLACE FUNCTION vqc._plan_freshness(target regclass, plan jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype    text := plan ->> 'type';
    kwargs   jsonb := plan -> 'kwargs';
    datepart text;
    amount   integer;
BEGIN
    IF etype <> 'expect_row_values_to_have_recent_data' THEN
        RETURN NULL;
    END IF;
    IF vqc._base_type((plan ->> 'type_sql')::regtype) NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
        RAISE EXCEPTION '% needs a date or timestamp column; column "%" is of type %', etype, plan ->> 'column', plan ->> 'type_sql'
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    datepart := lower(coalesce(vqc._kw_text(etype, kwargs, 'datepart'), 'day'));
    IF datepart NOT IN ('year', 'month', 'week', 'day', 'hour', 'minute', 'second') THEN
        PERFORM vqc._bad_kwarg(etype, 'datepart is year, month, week, day, hour, minute or second');
    END IF;
    amount := vqc._kw_int(etype, kwargs, 'interval');
    IF amount < 0 THEN
        PERFORM vqc._bad_kwarg(etype, 'interval cannot be negative');
    END IF;
    RETURN jsonb_build_object('evaluator', 'freshness',
                              'items', jsonb_build_object(format('fr%s', plan ->> 'position'),
                                                          format('pg_catalog.max(%I)::pg_catalog.timestamptz', plan ->> 'column')),
                              'value_item', format('fr%s', plan ->> 'position'),
                              'max_age', format('%s %ss', amount, datepart));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_ge_type(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    p       text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    cols    record;
    q       text[];
    keep    text;
    conds   text[] := '{}';
    v       jsonb;
    i       integer;
    j       integer;
    mostly  numeric;
BEGIN
    -- the types GE does not run on SQL (ge_unimpl.sql)
    v := vqc._plan_ge_unimpl(target, plan, pidx, key_columns, sample_cap);
    IF v IS NOT NULL THEN
        RETURN v;
    END IF;
    IF etype NOT IN ('expect_column_pair_values_a_to_be_greater_than_b', 'expect_column_pair_values_to_be_equal',
                     'expect_column_pair_values_to_be_in_set', 'expect_compound_columns_to_be_unique',
                     'expect_multicolumn_sum_to_equal', 'expect_select_column_values_to_be_unique_within_record',
                     'expect_column_value_z_scores_to_be_less_than', 'expect_column_values_to_be_in_other_table',
                     'expect_table_row_count_to_equal_other_table',
                     'expect_table_row_count_to_be_within_other_table_by', 'unexpected_rows_expectation') THEN
        RETURN NULL;
    END IF;
    IF etype = 'unexpected_rows_expectation' THEN
        RAISE EXCEPTION 'unexpected_rows_expectation runs only in vqc.expect'
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its query is SQL of its writer''s choosing, and a suite may be run by another role or by pg_cron.',
                  HINT = 'Call vqc.expect() with it, as the role whose rights the query should have.';
    END IF;
    IF etype LIKE 'expect_table_row_count_%other_table%' THEN
        RETURN vqc._plan_other_table_count(target, etype, kwargs, pidx);
    END IF;
    mostly := vqc._kw_mostly(etype, kwargs);
    IF etype = 'expect_column_value_z_scores_to_be_less_than' THEN
        RETURN vqc._plan_z_scores(target, plan, pidx, key_columns, sample_cap) || jsonb_build_object('mostly', mostly);
    END IF;
    IF etype = 'expect_column_values_to_be_in_other_table' THEN
        RETURN vqc._plan_in_other_table(target, plan, pidx, key_columns, sample_cap) || jsonb_build_object('mostly', mostly);
    END IF;

    IF etype LIKE 'expect_column_pair_%' THEN
        IF vqc._kw_text(etype, kwargs, 'column_A') IS NULL OR vqc._kw_text(etype, kwargs, 'column_B') IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'column_A and column_B must be column names');
        END IF;
        SELECT * INTO cols FROM vqc._kw_columns(target, etype, jsonb_build_array(kwargs -> 'column_A', kwargs -> 'column_B'),
                                                'column_A and column_B', true);
    ELSE
        SELECT * INTO cols FROM vqc._kw_columns(target, etype, vqc._kw(etype, kwargs, 'column_list', '{array}'),
                                                'column_list', false);
    END IF;
    q := ARRAY(SELECT quote_ident(c) FROM unnest(cols.names) c);
    keep := vqc._ignore_row_if_sql(etype, kwargs, q, etype LIKE 'expect_column_pair_%');

    CASE etype
    WHEN 'expect_column_pair_values_a_to_be_greater_than_b' THEN
        IF vqc._kw_bool(etype, kwargs, 'or_equal', false) THEN
            conds := ARRAY[vqc._pair_compare_sql(cols.types[1], q[1], '>=', cols.types[2], q[2]),
                           format('(%s IS NULL AND %s IS NULL)', q[1], q[2])];
        ELSE
            conds := ARRAY[vqc._pair_compare_sql(cols.types[1], q[1], '>', cols.types[2], q[2])];
        END IF;
    WHEN 'expect_column_pair_values_to_be_equal' THEN
        -- a missing value on either side is unequal (GE: NOT (A IS NULL OR B IS NULL))
        conds := ARRAY[format('(%s AND %s IS NOT NULL AND %s IS NOT NULL)',
                              vqc._pair_compare_sql(cols.types[1], q[1], '=', cols.types[2], q[2]), q[1], q[2])];
    WHEN 'expect_column_pair_values_to_be_in_set' THEN
        v := vqc._kw(etype, kwargs, 'value_pairs_set', '{array}');
        IF jsonb_array_length(v) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'value_pairs_set must not be empty');
        END IF;
        FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
            IF jsonb_typeof(v -> i) <> 'array' OR jsonb_array_length(v -> i) <> 2
               OR jsonb_typeof(v -> i -> 0) IN ('array', 'object') OR jsonb_typeof(v -> i -> 1) IN ('array', 'object') THEN
                PERFORM vqc._bad_kwarg(etype, 'value_pairs_set must hold pairs [a, b] of scalar values');
            END IF;
            FOR j IN 0 .. 1 LOOP
                IF jsonb_typeof(v -> i -> j) <> 'null' THEN
                    PERFORM vqc._check_castable(etype, 'a value of value_pairs_set', v -> i ->> j,
                                                format_type(cols.types[j + 1], NULL));
                END IF;
            END LOOP;
            conds := conds || format('(%s AND %s)',
                vqc._compare_sql(cols.types[1], q[1], '=', format('(%s OPERATOR(pg_catalog.->) ''value_pairs_set'' '
                                 'OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->>) 0)::%s', p, i, format_type(cols.types[1], NULL))),
                vqc._compare_sql(cols.types[2], q[2], '=', format('(%s OPERATOR(pg_catalog.->) ''value_pairs_set'' '
                                 'OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->>) 1)::%s', p, i, format_type(cols.types[2], NULL))));
        END LOOP;
    WHEN 'expect_multicolumn_sum_to_equal' THEN
        FOR i IN 1 .. cardinality(q) LOOP
            IF (SELECT typcategory FROM pg_type WHERE oid = cols.types[i]) <> 'N' THEN
                RAISE EXCEPTION '% needs numeric columns; column "%" is of type %', etype, cols.names[i],
                                format_type(cols.types[i], NULL)
                    USING ERRCODE = 'datatype_mismatch';
            END IF;
        END LOOP;
        PERFORM vqc._kw(etype, kwargs, 'sum_total', '{number}');
        -- summed exactly, in numeric
        conds := ARRAY[format('(%s) OPERATOR(pg_catalog.=) (%s OPERATOR(pg_catalog.->>) ''sum_total'')::pg_catalog.numeric',
                              (SELECT string_agg(format('(%s)::pg_catalog.numeric', c), ' OPERATOR(pg_catalog.+) ')
                                 FROM unnest(q) c), p)];
    WHEN 'expect_select_column_values_to_be_unique_within_record' THEN
        FOR i IN 1 .. cardinality(q) - 1 LOOP
            FOR j IN i + 1 .. cardinality(q) LOOP
                conds := conds || format('%s OR (%s IS NULL AND %s IS NULL)',
                                         vqc._pair_compare_sql(cols.types[i], q[i], '=', cols.types[j], q[j]), q[i], q[j]);
            END LOOP;
        END LOOP;
        IF cardinality(conds) = 0 THEN
            conds := ARRAY['false'];
        END IF;
        conds := ARRAY[format('NOT (%s)', array_to_string(conds, ' OR '))];
    WHEN 'expect_compound_columns_to_be_unique' THEN
        FOR i IN 1 .. cardinality(q) LOOP
            PERFORM vqc._require_opclass(etype, format_type(cols.types[i], NULL), 'hash');
            PERFORM vqc._require_opclass(etype, format_type(cols.types[i], NULL), 'btree');
        END LOOP;
        IF vqc._unique_by_index(target, cols.names) THEN
            -- the database already guarantees it: count, don't screen
            conds := ARRAY['true'];
        ELSE
                RETURN vqc._plan_compound_unique(target, pidx, cols.names, keep, key_columns, sample_cap)
                   || jsonb_build_object('mostly', mostly);
        END IF;
    END CASE;

    RETURN vqc._columns_map_plan(target, pidx, cols.names, keep,
                                 format('(%s)', array_to_string(conds, ' OR ')), key_columns, sample_cap,
                                 etype LIKE 'expect_column_pair_%')
           || jsonb_build_object('mostly', mostly);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_ge_unimpl(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    p       text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    cat     "char";
    mostly  numeric;
    dist    text;
    pv      numeric;
    po      jsonb;
    kl      jsonb;
BEGIN
    IF etype NOT IN ('expect_column_values_to_be_increasing', 'expect_column_values_to_be_decreasing',
                     'expect_column_values_to_be_json_parseable', 'expect_column_values_to_match_json_schema',
                     'expect_column_values_to_be_dateutil_parseable',
                     'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than',
                     'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than',
                     'expect_column_chisquare_test_p_value_to_be_greater_than') THEN
        RETURN NULL;
    END IF;
    SELECT typcategory INTO cat FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype;
    CASE etype
    WHEN 'expect_column_values_to_be_increasing', 'expect_column_values_to_be_decreasing' THEN
        RETURN vqc._plan_monotone(target, plan, pidx, key_columns, sample_cap, vqc._kw_mostly(etype, kwargs));
    WHEN 'expect_column_values_to_be_json_parseable' THEN
        -- a value that is not text is not a JSON document (GE: json.loads of it fails)
        RETURN vqc._ge_unimpl_map_plan(target, colname, pidx,
                                       CASE WHEN cat = 'S' THEN format('vqc.is_json(%I)', colname) ELSE 'false' END,
                                       key_columns, sample_cap, vqc._kw_mostly(etype, kwargs));
    WHEN 'expect_column_values_to_match_json_schema' THEN
        PERFORM vqc._require_text(etype, colname, cat, plan ->> 'type_sql');
        PERFORM vqc.matches_json_schema('null', vqc._kw(etype, kwargs, 'json_schema', '{object,boolean}'));
        RETURN vqc._ge_unimpl_map_plan(target, colname, pidx,
                                       format('CASE WHEN vqc.is_json(%1$I) THEN vqc.matches_json_schema(%1$I::pg_catalog.jsonb, '
                                              '%2$s OPERATOR(pg_catalog.->) ''json_schema'') ELSE false END', colname, p),
                                       key_columns, sample_cap, vqc._kw_mostly(etype, kwargs));
    WHEN 'expect_column_values_to_be_dateutil_parseable' THEN
        PERFORM vqc._require_text(etype, colname, cat, plan ->> 'type_sql');
        RETURN vqc._ge_unimpl_map_plan(target, colname, pidx, format('vqc.is_dateutil_parseable(%I)', colname),
                                       key_columns, sample_cap, vqc._kw_mostly(etype, kwargs));
    WHEN 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than',
         'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than' THEN
        IF cat <> 'N' THEN
            RAISE EXCEPTION '% needs a numeric column; column "%" is of type %', etype, colname, plan ->> 'type_sql'
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        IF etype LIKE '%bootstrapped%' THEN
            kl := vqc._plan_ks_bootstrap(etype, kwargs);
        ELSE
            dist := vqc._kw_text(etype, kwargs, 'distribution');
            pv := coalesce((vqc._kw(etype, kwargs, 'p_value', '{number}'))::numeric, 0.05);
            IF pv <= 0 OR pv >= 1 THEN
                PERFORM vqc._bad_kwarg(etype, 'p_value must be between 0 and 1 exclusive');
            END IF;
            -- checks the distribution and its parameters now
            PERFORM vqc._ks_1samp('{}', dist, vqc._distribution_args(etype, dist, kwargs -> 'params'));
            kl := jsonb_build_object('evaluator', 'ks_1samp', 'threshold', pv,
                                     'args', to_jsonb(vqc._distribution_args(etype, dist, kwargs -> 'params')));
        END IF;
        RETURN kl || jsonb_build_object(
            'items', jsonb_build_object(
                'n', 'pg_catalog.count(*)',
                format('nn:%s', colname), format('pg_catalog.count(%I)', colname),
                format('ks%s', pidx), format('pg_catalog.array_agg(%I::pg_catalog.float8) FILTER (WHERE %I IS NOT NULL)',
                                             colname, colname)));
    ELSE
        -- chi-square: the value counts as for the KL divergence (values only)
        po := vqc._kw(etype, kwargs, 'partition_object', '{object}');
        IF po IS NULL OR NOT po ? 'values' OR po ? 'bins' THEN
            PERFORM vqc._bad_kwarg(etype, 'partition_object must be a partition of values ({"values", "weights"})',
                                   'A partition of bins is for continuous data: use the KS tests.');
        END IF;
        pv := coalesce((vqc._kw(etype, kwargs, 'p', '{number}'))::numeric, 0.05);
        IF pv <= 0 OR pv >= 1 THEN
            PERFORM vqc._bad_kwarg(etype, 'p must be between 0 and 1 exclusive');
        END IF;
        kl := vqc._plan_kl(etype, kwargs - 'p', pidx, colname, plan ->> 'type_sql', cat);
        RETURN kl || jsonb_build_object('evaluator', 'chisquare', 'threshold', pv,
                                        'items', (kl -> 'items') || jsonb_build_object('n', 'pg_catalog.count(*)'));
    END CASE;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_history(target regclass, etype text, kwargs jsonb, pidx integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    plan     jsonb := vqc._history_metric_plan(target, etype, kwargs, pidx);
    n        integer := vqc._kw_positive(etype, kwargs, 'n');
    win      text := vqc._kw_text(etype, kwargs, 'window');
    win_iv   interval;
    lo       jsonb;
    hi       jsonb;
    strategy text;
    compare  text;
    needed   integer := 0;
    m        integer;
    bounded  boolean := true;
BEGIN
    IF win IS NOT NULL THEN
        BEGIN
            win_iv := win::interval;
        EXCEPTION WHEN data_exception THEN
            PERFORM vqc._bad_kwarg(etype, 'argument "window" must be an interval such as ''7 days''');
        END;
        IF win_iv <= interval '0' THEN
            PERFORM vqc._bad_kwarg(etype, 'argument "window" must be a positive interval');
        END IF;
    END IF;

    IF etype = 'expect_metric_change_to_be_between' THEN
        compare := coalesce(vqc._kw_text(etype, kwargs, 'compare_to'), 'previous');
        IF compare NOT IN ('previous', 'mean_of_last_n', 'window') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown compare_to "%s"', compare),
                                   'compare_to is "previous", "mean_of_last_n" (with n) or "window" (with window).');
        END IF;
        IF compare = 'mean_of_last_n' AND n IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'compare_to "mean_of_last_n" needs argument "n"');
        ELSIF compare = 'window' AND win IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'compare_to "window" needs argument "window"');
        END IF;
        IF coalesce(vqc._kw_text(etype, kwargs, 'change'), 'absolute') NOT IN ('absolute', 'relative') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown change "%s"', vqc._kw_text(etype, kwargs, 'change')),
                                   'change is "absolute" (this run minus the reference) or "relative" (that divided by |reference|).');
        END IF;
        needed := CASE compare WHEN 'mean_of_last_n' THEN n ELSE 1 END;
        plan := plan || jsonb_build_object(
            'compare_to', compare,
            'change', coalesce(vqc._kw_text(etype, kwargs, 'change'), 'absolute'),
            'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
            'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false));
    ELSE
        strategy := vqc._kw_text(etype, kwargs, 'strategy');
        IF strategy NOT IN ('simple_thresholds', 'absolute_change', 'relative_rate_of_change',
                            'online_normal', 'batch_normal', 'holt_winters') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown strategy "%s"', strategy),
                                   'strategy is simple_thresholds, absolute_change, relative_rate_of_change, '
                                   'online_normal, batch_normal or holt_winters.');
        END IF;
        bounded := strategy IN ('simple_thresholds', 'absolute_change', 'relative_rate_of_change');
        needed := CASE strategy WHEN 'simple_thresholds' THEN 0
                                WHEN 'absolute_change' THEN 1
                                WHEN 'relative_rate_of_change' THEN 1
                                ELSE greatest(coalesce(vqc._kw_positive(etype, kwargs, 'warm_up'), 5), 2) END;
        IF strategy = 'holt_winters' THEN
            m := vqc._history_period(etype, kwargs);
            needed := greatest(needed, 2 * m);
            plan := plan || jsonb_build_object(
                'seasonal_periods', m,
                'alpha', vqc._kw_number_in(etype, kwargs, 'alpha', 0, 1, 0.3),
                'beta',  vqc._kw_number_in(etype, kwargs, 'beta', 0, 1, 0.1),
                'gamma', vqc._kw_number_in(etype, kwargs, 'gamma', 0, 1, 0.1));
        END IF;
        IF n IS NOT NULL AND n < needed THEN
            PERFORM vqc._bad_kwarg(etype, format('argument "n" (%s runs) is shorter than the warm-up of strategy "%s" (%s runs)',
                                                 n, strategy, needed));
        END IF;
        plan := plan || jsonb_build_object(
            'strategy', strategy,
            'lower_deviation_factor', vqc._kw_number_in(etype, kwargs, 'lower_deviation_factor', 0, 1e6, 3),
            'upper_deviation_factor', vqc._kw_number_in(etype, kwargs, 'upper_deviation_factor', 0, 1e6, 3),
            'ignore_anomalies', vqc._kw_bool(etype, kwargs, 'ignore_anomalies', true));
    END IF;

    IF bounded THEN
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
        IF lo::float8 > hi::float8 THEN
            PERFORM vqc._bad_kwarg(etype, 'min_value is greater than max_value');
        END IF;
    ELSIF kwargs ? 'min_value' OR kwargs ? 'max_value' THEN
        PERFORM vqc._bad_kwarg(etype, format('strategy "%s" takes no min_value or max_value', strategy));
    END IF;
    RETURN plan || jsonb_build_object('n', n, 'window', win, 'needed', needed,
                                      'min_value', lo, 'max_value', hi,
                                      'row_security', row_security_active(target));
END
$function$
;



CREATE OR REPLACE FUNCTION vqc._plan_ks_bootstrap(etype text, kwargs jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    po      jsonb := vqc._kw(etype, kwargs, 'partition_object', '{object}');
    bins    float8[];
    w       float8[];
    pv      numeric := coalesce((vqc._kw(etype, kwargs, 'p', '{number}'))::numeric, 0.05);
    samples integer := coalesce(vqc._kw_int(etype, kwargs, 'bootstrap_samples'), 1000);
    size    integer;
BEGIN
    IF po IS NULL OR NOT po ? 'bins' THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object must be a continuous partition ({"bins", "weights"})');
    END IF;
    bins := vqc._kl_bins(etype, po -> 'bins');
    IF jsonb_typeof(po -> 'weights') IS DISTINCT FROM 'array'
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(po -> 'weights') x WHERE jsonb_typeof(x) <> 'number' OR x::numeric < 0) THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object needs "weights": non-negative numbers');
    END IF;
    w := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(po -> 'weights') WITH ORDINALITY u(x, o) ORDER BY o);
    IF cardinality(bins) <> cardinality(w) + 1 OR cardinality(w) = 0
       OR EXISTS (SELECT 1 FROM generate_series(2, cardinality(bins)) g WHERE bins[g] <= bins[g - 1])
       OR abs((SELECT sum(x) FROM unnest(w) x) - 1) > 1e-8 + 1e-5 THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object "bins" must be k + 1 increasing numbers for k weights summing to 1');
    END IF;
    IF bins[1] = '-Infinity' OR bins[cardinality(bins)] = 'Infinity' THEN
        PERFORM vqc._bad_kwarg(etype, 'partition endpoints must be finite');
    END IF;
    IF po ? 'tail_weights' AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(po -> 'tail_weights') x WHERE x::numeric <> 0) THEN
        PERFORM vqc._bad_kwarg(etype, 'partition cannot have tail weights: its endpoints must be finite');
    END IF;
    IF pv <= 0 OR pv >= 1 THEN
        PERFORM vqc._bad_kwarg(etype, 'p must be between 0 and 1 exclusive');
    END IF;
    size := coalesce(vqc._kw_int(etype, kwargs, 'bootstrap_sample_size'), 2 * cardinality(w));
    IF samples NOT BETWEEN 1 AND 1000000 OR size NOT BETWEEN 1 AND 1000000 OR samples::bigint * size > 100000000 THEN
        PERFORM vqc._bad_kwarg(etype, 'bootstrap_samples and bootstrap_sample_size must be between 1 and 1000000',
                               'Their product (the values drawn) is at most 100000000.');
    END IF;
    RETURN jsonb_build_object('evaluator', 'ks_bootstrap', 'threshold', pv, 'bins', to_jsonb(bins), 'weights', to_jsonb(w),
                              'bootstrap_samples', samples, 'bootstrap_sample_size', size);
END
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
        state := format('vqc.confusion_agg(%I, %I)', yt.attname, yp.attname);
        RETURN jsonb_build_object('evaluator', 'model_metric', 'metric', metric,
                                  'items', jsonb_build_object(format('cm%s', pidx), state),
                                  'state_item', format('cm%s', pidx),
                                  'pos_label', vqc._kw_label(etype, kwargs, 'pos_label'),
                                  'compare_type', 'numeric', 'min_value', lo, 'max_value', hi,
                                  'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
                                  'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false));
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
        RETURN jsonb_build_object('evaluator', 'model_metric', 'metric', metric,
                                  'items', jsonb_build_object(format('sm%s', pidx), item)
                                           || CASE WHEN metric IN ('roc_auc', 'average_precision')
                                                   THEN jsonb_build_object(format('so%s', pidx), format('vqc.score_overflowed(vqc.score_agg(%s))', state))
                                                   ELSE '{}' END,
                                  'value_item', format('sm%s', pidx), 'overflow_item', format('so%s', pidx),
                                  'y_true', yt.attname, 'y_score', yp.attname,
                                  'compare_type', 'numeric', 'min_value', lo, 'max_value', hi,
                                  'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
                                  'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false));
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
        RETURN jsonb_build_object('evaluator', 'model_metric', 'metric', metric, 'items', '{}'::jsonb,
                                  'ranking_columns', to_jsonb(cols), 'k', (kwargs ->> 'k')::int,
                                  'compare_type', 'numeric', 'min_value', lo, 'max_value', hi,
                                  'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
                                  'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false));
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

CREATE OR REPLACE FUNCTION vqc._plan_monotone(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer, mostly numeric)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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

CREATE OR REPLACE FUNCTION vqc._ranking_metrics(state vqc.ranking_state)
 RETURNS double precision[]
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_metrics$function$
;

CREATE OR REPLACE FUNCTION vqc._record_drift_report_check(target regclass, label text, method text, options jsonb, drift_share double precision)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    started timestamptz := clock_timestamp();
    base_of regclass := target;   -- the table whose baseline is compared
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
    -- a baseline of another table with the same columns (the training table
    -- for the serving log, last month's partition for this month's)
    IF options ? 'baseline_table' THEN
        IF jsonb_typeof(options -> 'baseline_table') <> 'string' THEN
            RAISE EXCEPTION 'option baseline_table must be a table name' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- schema-qualified, or in the checked table's schema (never through
        -- search_path, which is pinned)
        base_of := CASE WHEN strpos(options ->> 'baseline_table', '.') > 0
                        THEN pg_catalog.to_regclass(options ->> 'baseline_table')
                        ELSE pg_catalog.to_regclass(format('%I.%I', (SELECT n.nspname FROM pg_class c
                                                                       JOIN pg_namespace n ON n.oid = c.relnamespace
                                                                      WHERE c.oid = target),
                                                           options ->> 'baseline_table')) END;
        IF base_of IS NULL THEN
            RAISE EXCEPTION 'baseline table % does not exist', options ->> 'baseline_table' USING ERRCODE = 'undefined_table';
        END IF;
        options := options - 'baseline_table';
    END IF;
    -- the baselines the caller may read (row-level security on vqc.baseline)
    IF NOT EXISTS (SELECT 1 FROM vqc.baseline b WHERE b.target = base_of
                                                 AND b.label = _record_drift_report_check.label) THEN
        RAISE EXCEPTION 'baseline "%" of table % does not exist', label, base_of
            USING ERRCODE = 'undefined_object',
                  HINT = 'Store one with vqc.set_baseline(), or name the baselined table with the option baseline_table.';
    END IF;
    -- baselined columns that exist in the checked table with a type a profile supports
    SELECT array_agg(b.column_name ORDER BY a.attnum) INTO cols
      FROM vqc.baseline b
      JOIN pg_attribute a ON a.attrelid = _record_drift_report_check.target AND a.attname = b.column_name AND NOT a.attisdropped
     WHERE b.target = base_of AND b.label = _record_drift_report_check.label
       AND vqc._profiles_type(a.atttypid);
    scan := vqc._profile_scan(target, cols);

    FOR base IN SELECT b.column_name, b.profile FROM vqc.baseline b
                 WHERE b.target = base_of AND b.label = _record_drift_report_check.label
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

CREATE OR REPLACE FUNCTION vqc._record_run(suite_id bigint, suite_parameters jsonb)
 RETURNS jsonb
 LANGUAGE c
AS '$libdir/vqc', $function$vqc_with_caller$function$
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
    PERFORM vqc._check_suite_other_tables(s, t, inputs.expectations);     -- ge_types.sql
    ev := vqc._evaluate_all(t, vqc._resolve_expectation_parameters(inputs.expectations, suite_parameters),
                            inputs.key_columns, 20, '"BASIC"', false, inputs.profile_columns);
    RETURN ev || jsonb_build_object('suite_id', s.suite_id, 'started', started,
                                    'finished', clock_timestamp(),
                                    'row_security', row_security_active(t));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._record_run_write(caller regrole, ev jsonb, suite_id bigint)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s         vqc.suite := vqc._suite_by_id(suite_id);
    started   timestamptz := (ev ->> 'started')::timestamptz;
    max_bytes integer := (SELECT setting::integer FROM pg_settings WHERE name = 'vqc.sample_value_max_bytes');
    r         jsonb;
    run       vqc_report.run;
    ok_count  integer;
    err_count integer;
    total     integer;
BEGIN
    IF (ev ->> 'suite_id')::bigint IS DISTINCT FROM s.suite_id THEN
        RAISE EXCEPTION 'run of suite % recorded under suite %', ev ->> 'suite_id', s.suite_id;
    END IF;
    SELECT count(*), count(*) FILTER (WHERE x ->> 'status' = 'success'),
           count(*) FILTER (WHERE x ->> 'status' = 'error')
      INTO total, ok_count, err_count
      FROM jsonb_array_elements(ev -> 'results') x;

    INSERT INTO vqc_report.run AS rr (suite_name, target_schema, target_table, started_at, finished_at,
                                      rows_scanned, scans, success, evaluated_expectations,
                                      successful_expectations, unsuccessful_expectations,
                                      error_expectations, success_percent, run_by, target, suite_id,
                                      row_security)
    SELECT s.name, n.nspname, c.relname, started, (ev ->> 'finished')::timestamptz,
           (ev ->> 'rows')::bigint, (ev ->> 'scans')::integer, ok_count = total, total,
           ok_count, total - ok_count - err_count, err_count,
           CASE WHEN total > 0 THEN ok_count::float8 / total * 100 END,
           caller::text, c.oid, s.suite_id, (ev ->> 'row_security')::boolean
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = s.target
    RETURNING rr.* INTO run;
    IF run.run_id IS NULL THEN
        PERFORM vqc._suite_target(s);
    END IF;

    FOR r IN SELECT x FROM jsonb_array_elements(ev -> 'results') x LOOP
        PERFORM vqc._record_run_write_result(run, r, max_bytes);
    END LOOP;

    INSERT INTO vqc_report.metric (run_id, position, suite_name, target_schema, target_table,
                                   column_name, metric_name, value, recorded_at, target, is_value)
    VALUES (run.run_id, NULL, run.suite_name, run.target_schema, run.target_table, NULL, 'row_count',
            (ev ->> 'rows')::float8, started, run.target, false);

    INSERT INTO vqc_report.profile (run_id, target_schema, target_table, column_name, column_type, profile, target)
    SELECT run.run_id, run.target_schema, run.target_table, p.key, format_type(a.atttypid, a.atttypmod),
           (p.value #>> '{}')::vqc.profile, run.target
      FROM jsonb_each(ev -> 'profiles') p
      JOIN pg_attribute a ON a.attrelid = run.target AND a.attname = p.key;

    -- NOTIFY vqc, and the suite's callback, in the run's transaction
    PERFORM vqc._announce_run_write(s, run, ev);
    RETURN jsonb_build_object('run_id', run.run_id, 'results', ev -> 'results');
END
$function$
;











CREATE OR REPLACE FUNCTION vqc._row_order_columns(target regclass, key_columns text[])
 RETURNS text[]
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE
        WHEN cardinality(key_columns) > 0 THEN ARRAY(SELECT quote_ident(c) FROM unnest(key_columns) c)
        WHEN pk IS NOT NULL THEN ARRAY(SELECT quote_ident(c) FROM unnest(pk) c)
        WHEN (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'm') THEN ARRAY['ctid']
        WHEN (SELECT relkind FROM pg_class WHERE oid = target) = 'p' THEN ARRAY['tableoid', 'ctid']
        END
      FROM vqc._primary_key(target) AS pk
$function$
;

CREATE OR REPLACE FUNCTION vqc._run_autonomous_write(caller regrole, ev jsonb, suite_id bigint)
 RETURNS bigint
 LANGUAGE c
 STRICT
AS '$libdir/vqc', $function$vqc_run_autonomous_write$function$
;

CREATE OR REPLACE FUNCTION vqc._run_notice(run vqc_report.run, ev jsonb)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    failing jsonb := coalesce((SELECT jsonb_agg(jsonb_build_object('position', (x ->> 'position')::int, 'type', x ->> 'type',
                                                                   'column', x ->> 'column', 'status', x ->> 'status')
                                                ORDER BY (x ->> 'position')::int)
                                 FROM jsonb_array_elements(ev -> 'results') x
                                WHERE x ->> 'status' <> 'success'), '[]');
    total   int := jsonb_array_length(failing);
    payload jsonb;
    kept    int := total;
BEGIN
    LOOP
        payload := jsonb_build_object(
            'run_id', run.run_id, 'suite', left(run.suite_name, 1000),
            'table', format('%I.%I', run.target_schema, run.target_table),
            'success', run.success, 'evaluated', run.evaluated_expectations,
            'successful', run.successful_expectations, 'unsuccessful', run.unsuccessful_expectations,
            'errors', run.error_expectations, 'scans', run.scans, 'rows', run.rows_scanned,
            'failing', (SELECT coalesce(jsonb_agg(f ORDER BY o), '[]') FROM jsonb_array_elements(failing) WITH ORDINALITY a(f, o) WHERE o <= kept),
            'more', total - kept);
        EXIT WHEN octet_length(payload::text) < 7900 OR kept = 0;
        kept := kept / 2;
    END LOOP;
    RETURN payload::text;
END
$function$
;


CREATE OR REPLACE FUNCTION vqc._score_ap_part(state vqc.score_state, pos bigint, tp_above bigint, fp_above bigint, npos bigint)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_ap_part$function$
;

CREATE OR REPLACE FUNCTION vqc._score_by_passes(target regclass, y_true text, y_score text, metric text, OUT value double precision, OUT passes integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    fit     bigint := vqc._exact_fit();
    ytyp    regtype;
    styp    regtype;
    src     text;
    labels  bigint[];
    pos     bigint;
    npos    bigint;
    nneg    bigint;
    -- open key ranges (to refine), closed buckets (lo, hi, positives, negatives)
    olo     bigint[] := ARRAY[-9223372036854775808];
    ohi     bigint[] := ARRAY[9223372036854775807];
    blo     bigint[] := '{}';
    bhi     bigint[] := '{}';
    bp      bigint[] := '{}';
    bn      bigint[] := '{}';
    shift   int;
    g       record;
    nlo     bigint[];
    nhi     bigint[];
    -- chunks: key range, counts, and whether it is collected
    clo     bigint[] := '{}';
    chi     bigint[] := '{}';
    cp      bigint[] := '{}';
    cn      bigint[] := '{}';
    ccol    boolean[] := '{}';
    i       int;
    j       int;
    c       int;
    below   bigint;
    tp      bigint;
    fp      bigint;
    twice_u numeric := 0;
    ap      float8 := 0;
    batch   int[];
    total   bigint;
    states  vqc.score_state[];
    nan     boolean;
BEGIN
    IF metric NOT IN ('roc_auc', 'average_precision') THEN
        RAISE EXCEPTION 'unknown metric' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT a.atttypid INTO ytyp FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = target AND a.attname = y_true AND a.attnum > 0 AND NOT a.attisdropped;
    SELECT a.atttypid INTO styp FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = target AND a.attname = y_score AND a.attnum > 0 AND NOT a.attisdropped;
    IF ytyp IS NULL OR styp IS NULL THEN
        RAISE EXCEPTION 'column % or % of % does not exist', y_true, y_score, target USING ERRCODE = 'undefined_column';
    END IF;
    IF ytyp NOT IN ('boolean'::regtype, 'smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
        RAISE EXCEPTION 'y_true must be a boolean or integer column' USING ERRCODE = 'datatype_mismatch';
    END IF;
    src := format('(SELECT (%1$I)%2$s::pg_catalog.int8 AS y, (%3$I)::pg_catalog.float8 AS v, '
                  'vqc.value_key((%3$I)::pg_catalog.float8) AS k FROM %4$s WHERE %1$I IS NOT NULL AND %3$I IS NOT NULL) s',
                  y_true, CASE WHEN ytyp = 'boolean'::regtype THEN '::pg_catalog.int4' ELSE '' END, y_score, target);
    -- the labels (at most two) and no NaN, in a hash aggregate of y
    EXECUTE format('SELECT pg_catalog.array_agg(y ORDER BY y), pg_catalog.bool_or(nan) FROM '
                   '(SELECT y, pg_catalog.bool_or(v OPERATOR(pg_catalog.=) ''NaN''::pg_catalog.float8) AS nan '
                   '   FROM %s GROUP BY y LIMIT 3) l', src)
       INTO labels, nan;
    passes := 1;
    IF nan THEN
        RAISE EXCEPTION 'score is NaN' USING ERRCODE = 'numeric_value_out_of_range';
    END IF;
    IF cardinality(labels) > 2 THEN
        RAISE EXCEPTION 'y_true has more than two classes' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF labels IS NULL OR (metric = 'roc_auc' AND cardinality(labels) < 2) THEN
        value := NULL;
        RETURN;
    END IF;
    -- the positive label: the greater for ROC AUC, 1 for average precision
    pos := CASE WHEN metric = 'roc_auc' THEN labels[cardinality(labels)] ELSE 1 END;
    IF metric = 'average_precision' AND NOT pos = ANY (labels) THEN
        IF cardinality(labels) = 2 THEN
            RAISE EXCEPTION 'pos_label 1 is not one of the two classes' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        value := 0;
        RETURN;
    END IF;

    -- histograms of the keys, refined where a range holds more than fit scores
    FOREACH shift IN ARRAY ARRAY[48, 32, 16, 0] LOOP
        EXIT WHEN cardinality(olo) = 0;
        nlo := '{}';
        nhi := '{}';
        passes := passes + 1;
        FOR g IN EXECUTE format(
                'SELECT k OPERATOR(pg_catalog.>>) %s AS b, '
                '       pg_catalog.count(*) FILTER (WHERE y OPERATOR(pg_catalog.=) %L::pg_catalog.int8) AS p, '
                '       pg_catalog.count(*) FILTER (WHERE y OPERATOR(pg_catalog.<>) %L::pg_catalog.int8) AS n '
                '  FROM %s WHERE %s GROUP BY 1',
                shift, pos, pos, src,
                (SELECT pg_catalog.string_agg(format('(k OPERATOR(pg_catalog.>=) %L::pg_catalog.int8 AND k OPERATOR(pg_catalog.<=) %L::pg_catalog.int8)',
                                                     olo[o], ohi[o]), ' OR ')
                   FROM pg_catalog.generate_subscripts(olo, 1) o)) LOOP
            IF shift = 0 OR g.p + g.n <= fit THEN
                blo := blo || (g.b << shift);
                bhi := bhi || ((g.b << shift) + ((1::bigint << shift) - 1));
                bp := bp || g.p;
                bn := bn || g.n;
            ELSE
                nlo := nlo || (g.b << shift);
                nhi := nhi || ((g.b << shift) + ((1::bigint << shift) - 1));
            END IF;
        END LOOP;
        olo := nlo;
        ohi := nhi;
    END LOOP;

    -- buckets in key order, merged into chunks of at most fit scores; one
    -- value with more than fit scores is a chunk of ties, not collected
    SELECT pg_catalog.array_agg(l ORDER BY l), pg_catalog.array_agg(h ORDER BY l),
           pg_catalog.array_agg(p ORDER BY l), pg_catalog.array_agg(n ORDER BY l)
      INTO blo, bhi, bp, bn
      FROM unnest(blo, bhi, bp, bn) u(l, h, p, n);
    FOR i IN 1 .. coalesce(cardinality(blo), 0) LOOP
        IF bp[i] + bn[i] > fit THEN
            clo := clo || blo[i]; chi := chi || bhi[i]; cp := cp || bp[i]; cn := cn || bn[i]; ccol := ccol || false;
        ELSIF cardinality(clo) > 0 AND ccol[cardinality(clo)]
              AND cp[cardinality(clo)] + cn[cardinality(clo)] + bp[i] + bn[i] <= fit THEN
            c := cardinality(clo);
            chi[c] := bhi[i]; cp[c] := cp[c] + bp[i]; cn[c] := cn[c] + bn[i];
        ELSE
            clo := clo || blo[i]; chi := chi || bhi[i]; cp := cp || bp[i]; cn := cn || bn[i]; ccol := ccol || true;
        END IF;
    END LOOP;
    npos := (SELECT coalesce(sum(x), 0) FROM pg_catalog.unnest(cp) x);
    nneg := (SELECT coalesce(sum(x), 0) FROM pg_catalog.unnest(cn) x);
    IF metric = 'average_precision' AND npos = 0 THEN
        value := 0;
        RETURN;
    END IF;

    -- the chunks' parts: collected ones in passes of at most fit scores
    -- (and 50 chunks), ties from their counts
    i := 1;
    WHILE i <= cardinality(clo) LOOP
        batch := '{}';
        total := 0;
        WHILE i <= cardinality(clo) AND cardinality(batch) < 50 LOOP
            IF NOT ccol[i] THEN
                batch := batch || i;
                i := i + 1;
                CONTINUE;
            END IF;
            EXIT WHEN total + cp[i] + cn[i] > fit;
            total := total + cp[i] + cn[i];
            batch := batch || i;
            i := i + 1;
        END LOOP;
        states := NULL;
        IF (SELECT bool_or(ccol[b]) FROM pg_catalog.unnest(batch) b) THEN
            EXECUTE format('SELECT ARRAY[%s]::vqc.score_state[] FROM %s',
                           (SELECT pg_catalog.string_agg(CASE WHEN ccol[b]
                                   THEN format('vqc.score_agg(y, v) FILTER (WHERE k OPERATOR(pg_catalog.>=) %L::pg_catalog.int8 '
                                          'AND k OPERATOR(pg_catalog.<=) %L::pg_catalog.int8)', clo[b], chi[b])
                                   ELSE 'NULL' END, ', ' ORDER BY o)
                              FROM pg_catalog.unnest(batch) WITH ORDINALITY u(b, o)), src)
               INTO states;
            passes := passes + 1;
        END IF;
        FOR j IN 1 .. cardinality(batch) LOOP
            c := batch[j];
            below := (SELECT coalesce(sum(cn[x]), 0) FROM pg_catalog.generate_series(1, c - 1) x);
            IF metric = 'roc_auc' THEN
                twice_u := twice_u + 2::numeric * cp[c] * below
                           + CASE WHEN ccol[c] THEN coalesce(vqc._score_pairs(states[j], pos), 0)
                                  ELSE cp[c]::numeric * cn[c] END;
            ELSE
                tp := (SELECT coalesce(sum(cp[x]), 0) FROM pg_catalog.generate_series(c + 1, cardinality(clo)) x);
                fp := (SELECT coalesce(sum(cn[x]), 0) FROM pg_catalog.generate_series(c + 1, cardinality(clo)) x);
                ap := ap + CASE WHEN ccol[c] THEN coalesce(vqc._score_ap_part(states[j], pos, tp, fp, npos), 0)
                                WHEN cp[c] = 0 THEN 0
                                ELSE (cp[c]::float8 / npos) * ((tp + cp[c])::float8 / (tp + cp[c] + fp + cn[c])) END;
            END IF;
        END LOOP;
    END LOOP;
    value := CASE WHEN metric = 'roc_auc' THEN (twice_u / (2::numeric * npos * nneg))::float8 ELSE ap END;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._score_pairs(state vqc.score_state, pos bigint)
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_pairs$function$
;

CREATE OR REPLACE FUNCTION vqc._segment_metrics(matrix jsonb, metric text, pos_label jsonb, min_rows bigint)
 RETURNS TABLE(segment jsonb, value double precision, rows bigint)
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._set_suite_callback_check(suite text, callback regprocedure)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s vqc.suite := vqc._suite_for_change(suite);
BEGIN
    RETURN jsonb_build_object('suite_id', s.suite_id);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._set_suite_callback_write(caller regrole, checked jsonb, suite text, callback regprocedure)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s vqc.suite := vqc._suite_by_id((checked ->> 'suite_id')::bigint);
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    IF callback IS NOT NULL THEN
        PERFORM vqc._check_callback(s, callback);
    END IF;
    UPDATE vqc.suite SET callback = _set_suite_callback_write.callback WHERE suite_id = s.suite_id;
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





CREATE OR REPLACE FUNCTION vqc.accuracy_score(state vqc.confusion_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_accuracy$function$
;

CREATE OR REPLACE FUNCTION vqc.agreement_alpha_transfn(vqc.agreement_state, "any", "any", "any", text)
 RETURNS vqc.agreement_state
 LANGUAGE c
 STABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_agreement_alpha_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.agreement_cohen_transfn(vqc.agreement_state, "any", "any", "any", text)
 RETURNS vqc.agreement_state
 LANGUAGE c
 STABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_agreement_cohen_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.agreement_combinefn(vqc.agreement_state, vqc.agreement_state)
 RETURNS vqc.agreement_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_combinefn$function$
;

CREATE OR REPLACE FUNCTION vqc.agreement_count(state vqc.agreement_state)
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_count$function$
;

CREATE OR REPLACE FUNCTION vqc.agreement_finalfn(vqc.agreement_state)
 RETURNS vqc.agreement_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_finalfn$function$
;

CREATE OR REPLACE FUNCTION vqc.agreement_items_transfn(vqc.agreement_state, "any", "any")
 RETURNS vqc.agreement_state
 LANGUAGE c
 STABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_agreement_items_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.agreement_null_count(state vqc.agreement_state)
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_null_count$function$
;

CREATE OR REPLACE FUNCTION vqc.agreement_state_in(cstring)
 RETURNS vqc.agreement_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_state_in$function$
;

CREATE OR REPLACE FUNCTION vqc.agreement_state_out(vqc.agreement_state)
 RETURNS cstring
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_state_out$function$
;

CREATE OR REPLACE FUNCTION vqc.agreement_state_recv(internal)
 RETURNS vqc.agreement_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_state_recv$function$
;

CREATE OR REPLACE FUNCTION vqc.agreement_state_send(vqc.agreement_state)
 RETURNS bytea
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_state_send$function$
;

CREATE OR REPLACE FUNCTION vqc.agreement_transfn(vqc.agreement_state, "any", "any", "any")
 RETURNS vqc.agreement_state
 LANGUAGE c
 STABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_agreement_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.assert_suite(suite text, suite_parameters jsonb DEFAULT NULL::jsonb)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    done jsonb := vqc._gate_run((vqc._suite(suite)).suite_id, suite_parameters);
BEGIN
    IF NOT (done ->> 'success')::boolean THEN
        RAISE EXCEPTION 'suite "%" failed: % of % expectations did not pass', suite,
                        done ->> 'unsuccessful', done ->> 'evaluated'
            USING ERRCODE = 'VQ001',
                  DETAIL = format('Run %s is recorded in vqc_report in a transaction of its own; failing: %s.',
                                  done ->> 'run_id', done ->> 'failing'),
                  HINT = format('SELECT * FROM vqc_report.results WHERE run_id = %s;', done ->> 'run_id');
    END IF;
    RETURN (done ->> 'run_id')::bigint;
END
$function$
;
COMMENT ON FUNCTION vqc.assert_suite(text,jsonb) IS 'Quality gate: runs the suite, records the run in a transaction of its own, and raises SQLSTATE VQ001 when it failed (the caller''s transaction rolls back, the report stays).';

CREATE OR REPLACE FUNCTION vqc.average_precision_at_k(state vqc.ranking_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_ap$function$
;
COMMENT ON FUNCTION vqc.average_precision_at_k(vqc.ranking_state) IS 'AP@k: sum of precision@i at the relevant positions i <= k, over min(k, relevant items); 0 when none is relevant.';

CREATE OR REPLACE FUNCTION vqc.average_precision_score(state vqc.score_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_average_precision$function$
;

CREATE OR REPLACE FUNCTION vqc.average_precision_score_by_passes(target regclass, y_true text, y_score text)
 RETURNS double precision
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT value FROM vqc._score_by_passes(target, y_true, y_score, 'average_precision') $function$
;
COMMENT ON FUNCTION vqc.average_precision_score_by_passes(regclass,text,text) IS 'Exact average precision of columns y_true and y_score of a table within vqc.exact_memory_limit, by passes (no sort of the table).';

CREATE OR REPLACE FUNCTION vqc.balanced_accuracy_score(state vqc.confusion_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_balanced_accuracy$function$
;

CREATE OR REPLACE FUNCTION vqc.brier_score_loss(state vqc.score_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_brier$function$
;

CREATE OR REPLACE FUNCTION vqc.calibration_curve(state vqc.score_state, n_bins integer DEFAULT NULL::integer)
 RETURNS jsonb
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_score_calibration_curve$function$
;

CREATE OR REPLACE FUNCTION vqc.calibration_curve_final(vqc.score_state)
 RETURNS jsonb
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_calibration_curve$function$
;

CREATE OR REPLACE FUNCTION vqc.calibration_error(state vqc.score_state, n_bins integer DEFAULT NULL::integer)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_score_calibration_error$function$
;

CREATE OR REPLACE FUNCTION vqc.calibration_error_final(vqc.score_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_calibration_error$function$
;

CREATE OR REPLACE FUNCTION vqc.cohen_kappa(state vqc.agreement_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_cohen_bound$function$
;

CREATE OR REPLACE FUNCTION vqc.cohen_kappa(state vqc.agreement_state, weights text)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_agreement_cohen$function$
;
COMMENT ON FUNCTION vqc.cohen_kappa(vqc.agreement_state,text) IS 'Cohen''s kappa of exactly two annotators over the items both rated (weights NULL, linear or quadratic), as scikit-learn''s cohen_kappa_score.';

CREATE OR REPLACE FUNCTION vqc.cohen_kappa_score(state vqc.confusion_state, weights text DEFAULT NULL::text)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_kappa$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_at_threshold(state vqc.score_state, threshold double precision)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_confusion_at$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_combinefn(vqc.confusion_state, vqc.confusion_state)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_combinefn$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_count(state vqc.confusion_state)
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_count$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_fbeta_transfn(vqc.confusion_state, "any", "any", double precision)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_fbeta_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_fbeta_transfn(vqc.confusion_state, "any", "any", double precision, text)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_fbeta_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_fbeta_transfn(vqc.confusion_state, "any", "any", double precision, text, text)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_fbeta_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_fbeta_transfn(vqc.confusion_state, "any", "any", double precision, text, text, text)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_fbeta_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_fscore_final(vqc.confusion_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_fscore_final$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_kappa_final(vqc.confusion_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_kappa_final$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_kappa_transfn(vqc.confusion_state, "any", "any", text)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_kappa_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_matrix(state vqc.confusion_state)
 RETURNS jsonb
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_matrix$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_precision_final(vqc.confusion_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_precision_final$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_prf_transfn(vqc.confusion_state, "any", "any", text)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_prf_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_prf_transfn(vqc.confusion_state, "any", "any", text, text)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_prf_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_prf_transfn(vqc.confusion_state, "any", "any", text, text, text)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_prf_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_recall_final(vqc.confusion_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_recall_final$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_skipped(state vqc.confusion_state)
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_skipped$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_state_in(cstring)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_state_in$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_state_out(vqc.confusion_state)
 RETURNS cstring
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_state_out$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_state_recv(internal)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_state_recv$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_state_send(vqc.confusion_state)
 RETURNS bytea
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_state_send$function$
;

CREATE OR REPLACE FUNCTION vqc.confusion_transfn(vqc.confusion_state, "any", "any")
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_transfn$function$
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

CREATE OR REPLACE FUNCTION vqc.drift_windows(target regclass, time_column text, baseline_from timestamp with time zone, baseline_to timestamp with time zone, current_from timestamp with time zone, current_to timestamp with time zone, columns text[] DEFAULT NULL::text[], method text DEFAULT 'auto'::text, options jsonb DEFAULT '{}'::jsonb)
 RETURNS TABLE(column_name text, method_used text, score double precision, p_value double precision, threshold double precision, drifted boolean, exact boolean, baseline_rows bigint, current_rows bigint)
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    tc    record;
    cols  text[];
    arr   text[];
    nb    bigint;
    nc    bigint;
    i     integer;
    d     jsonb;
BEGIN
    IF target IS NULL OR time_column IS NULL OR baseline_from IS NULL OR baseline_to IS NULL
       OR current_from IS NULL OR current_to IS NULL THEN
        RAISE EXCEPTION 'vqc.drift_windows arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM vqc._require_select(target, current_user::regrole);
    SELECT * INTO tc FROM vqc._column(target, time_column);
    IF vqc._base_type(tc.type_sql::regtype) NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
        RAISE EXCEPTION 'time column "%" is of type %, not a date or timestamp', time_column, tc.type_sql
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO cols
      FROM pg_attribute a
     WHERE a.attrelid = target AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> tc.attname
       AND vqc._profiles_type(a.atttypid)
       AND (columns IS NULL OR a.attname::text = ANY (columns));
    IF columns IS NOT NULL AND coalesce(cardinality(cols), 0) <> cardinality(columns) THEN
        RAISE EXCEPTION 'a column of % is not in table % or has a type a profile does not support', columns, target
            USING ERRCODE = 'undefined_column';
    END IF;
    EXECUTE format('SELECT pg_catalog.count(*) FILTER (WHERE w = 1), pg_catalog.count(*) FILTER (WHERE w = 2), ARRAY[%s]::pg_catalog.text[] '
                   'FROM (SELECT *, CASE WHEN %2$I::pg_catalog.timestamptz OPERATOR(pg_catalog.>=) $1 AND %2$I::pg_catalog.timestamptz OPERATOR(pg_catalog.<) $2 THEN 1 '
                   'WHEN %2$I::pg_catalog.timestamptz OPERATOR(pg_catalog.>=) $3 AND %2$I::pg_catalog.timestamptz OPERATOR(pg_catalog.<) $4 THEN 2 END AS w FROM %3$s) t '
                   'WHERE w IS NOT NULL',
                   (SELECT string_agg(format('vqc.profile_agg(%1$I) FILTER (WHERE w = 1)::pg_catalog.text, '
                                             'vqc.profile_agg(%1$I) FILTER (WHERE w = 2)::pg_catalog.text', c), ', ' ORDER BY o)
                      FROM unnest(cols) WITH ORDINALITY x(c, o)),
                   tc.attname, target)
        INTO nb, nc, arr
        USING baseline_from, baseline_to, current_from, current_to;
    FOR i IN 1 .. coalesce(cardinality(cols), 0) LOOP
        column_name := cols[i];
        baseline_rows := nb;
        current_rows := nc;
        -- a window without values in this column has no score
        d := CASE WHEN vqc.row_count(arr[2 * i - 1]::vqc.profile) > vqc.null_count(arr[2 * i - 1]::vqc.profile)
                       AND vqc.row_count(arr[2 * i]::vqc.profile) > vqc.null_count(arr[2 * i]::vqc.profile)
                  THEN vqc.drift(arr[2 * i - 1]::vqc.profile, arr[2 * i]::vqc.profile, method, options) END;
        method_used := d ->> 'method';
        score := (d ->> 'score')::float8;
        p_value := (d ->> 'p_value')::float8;
        threshold := (d ->> 'threshold')::float8;
        drifted := (d ->> 'drifted')::boolean;
        exact := (d ->> 'exact')::boolean;
        RETURN NEXT;
    END LOOP;
END
$function$
;
COMMENT ON FUNCTION vqc.drift_windows(regclass,text,timestamp with time zone,timestamp with time zone,timestamp with time zone,timestamp with time zone,text[],text,jsonb) IS 'Drift of each column between two time windows of one table, in one scan, without copying rows (not recorded).';


CREATE OR REPLACE FUNCTION vqc.expect(target regclass, expectation_type text, kwargs jsonb, result_format text, suite_parameters jsonb)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT vqc.expect(target, expectation_type, vqc._resolve_suite_parameters(kwargs, suite_parameters), result_format)
$function$
;
COMMENT ON FUNCTION vqc.expect(regclass,text,jsonb,text,jsonb) IS 'vqc.expect with the values of {"$PARAMETER": "name"} kwargs.';

CREATE OR REPLACE FUNCTION vqc.expect_annotator_agreement_to_be_between(target regclass, item text, label text, metric text, annotator text DEFAULT NULL::text, level text DEFAULT NULL::text, weights text DEFAULT NULL::text, min_value numeric DEFAULT NULL::numeric, max_value numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_annotator_agreement_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('item', item, 'label', label, 'metric', metric,
                                                             'annotator', annotator, 'level', level, 'weights', weights,
                                                             'min_value', min_value, 'max_value', max_value)), result_format) $function$
;

CREATE OR REPLACE FUNCTION vqc.expect_classification_metric_to_be_between(target regclass, y_true text, y_pred text, metric text, min_value numeric DEFAULT NULL::numeric, max_value numeric DEFAULT NULL::numeric, average text DEFAULT NULL::text, pos_label text DEFAULT NULL::text, beta numeric DEFAULT NULL::numeric, zero_division text DEFAULT NULL::text, weights text DEFAULT NULL::text, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_classification_metric_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('y_true', y_true, 'y_pred', y_pred, 'metric', metric,
                                                             'min_value', min_value, 'max_value', max_value, 'average', average,
                                                             'pos_label', pos_label, 'beta', beta, 'zero_division', zero_division,
                                                             'weights', weights)), result_format) $function$
;

CREATE OR REPLACE FUNCTION vqc.expect_column_bootstrapped_ks_test_p_value_to_be_greater_than(target regclass, "column" text, partition_object jsonb, p double precision DEFAULT NULL::double precision, bootstrap_samples integer DEFAULT NULL::integer, bootstrap_sample_size integer DEFAULT NULL::integer, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'partition_object', partition_object, 'p', p, 'bootstrap_samples', bootstrap_samples, 'bootstrap_sample_size', bootstrap_sample_size)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_bootstrapped_ks_test_p_value_to_be_greater_than(regclass,text,jsonb,double precision,integer,integer,text) IS 'The share of bootstrap samples whose KS test against the partition passes is above p.';

CREATE OR REPLACE FUNCTION vqc.expect_column_chisquare_test_p_value_to_be_greater_than(target regclass, "column" text, partition_object jsonb, p double precision DEFAULT NULL::double precision, tail_weight_holdout double precision DEFAULT NULL::double precision, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_chisquare_test_p_value_to_be_greater_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'partition_object', partition_object, 'p', p, 'tail_weight_holdout', tail_weight_holdout)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_chisquare_test_p_value_to_be_greater_than(regclass,text,jsonb,double precision,double precision,text) IS 'The chi-square test of the value counts against partition_object has a p-value above p.';

CREATE OR REPLACE FUNCTION vqc.expect_column_pair_values_a_to_be_greater_than_b(target regclass, column_a text, column_b text, or_equal boolean DEFAULT NULL::boolean, ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_pair_values_a_to_be_greater_than_b', jsonb_strip_nulls(jsonb_build_object('column_A', column_a, 'column_B', column_b, 'or_equal', or_equal, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_pair_values_a_to_be_greater_than_b(regclass,text,text,boolean,text,numeric,text) IS 'column_A is greater than (or equal to) column_B in each row.';

CREATE OR REPLACE FUNCTION vqc.expect_column_pair_values_to_be_equal(target regclass, column_a text, column_b text, ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_pair_values_to_be_equal', jsonb_strip_nulls(jsonb_build_object('column_A', column_a, 'column_B', column_b, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_pair_values_to_be_equal(regclass,text,text,text,numeric,text) IS 'column_A equals column_B in each row.';

CREATE OR REPLACE FUNCTION vqc.expect_column_pair_values_to_be_in_set(target regclass, column_a text, column_b text, value_pairs_set jsonb, ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_pair_values_to_be_in_set', jsonb_strip_nulls(jsonb_build_object('column_A', column_a, 'column_B', column_b, 'value_pairs_set', value_pairs_set, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_pair_values_to_be_in_set(regclass,text,text,jsonb,text,numeric,text) IS 'Each row''s (column_A, column_B) is one of value_pairs_set.';

CREATE OR REPLACE FUNCTION vqc.expect_column_parameterized_distribution_ks_test_p_value(target regclass, "column" text, distribution text, params jsonb DEFAULT NULL::jsonb, p_value double precision DEFAULT NULL::double precision, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'distribution', distribution, 'params', params, 'p_value', p_value)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_parameterized_distribution_ks_test_p_value(regclass,text,text,jsonb,double precision,text) IS 'The KS test against the named distribution has a p-value above p_value.';

CREATE OR REPLACE FUNCTION vqc.expect_column_value_z_scores_to_be_less_than(target regclass, "column" text, threshold double precision, double_sided boolean DEFAULT NULL::boolean, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_value_z_scores_to_be_less_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'threshold', threshold, 'double_sided', double_sided, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_value_z_scores_to_be_less_than(regclass,text,double precision,boolean,numeric,text) IS 'Each value''s z-score is below threshold.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_be_dateutil_parseable(target regclass, "column" text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_be_dateutil_parseable', jsonb_strip_nulls(jsonb_build_object('column', "column", 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_dateutil_parseable(regclass,text,numeric,text) IS 'Values are dates, date-times or times of day.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_be_decreasing(target regclass, "column" text, strictly boolean DEFAULT NULL::boolean, parse_strings_as_datetimes boolean DEFAULT NULL::boolean, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_be_decreasing', jsonb_strip_nulls(jsonb_build_object('column', "column", 'strictly', strictly, 'parse_strings_as_datetimes', parse_strings_as_datetimes, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_decreasing(regclass,text,boolean,boolean,numeric,text) IS 'Each value is at most (below, with strictly) the previous one in row order.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_be_in_other_table(target regclass, "column" text, other_table regclass, other_column text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_be_in_other_table', jsonb_strip_nulls(jsonb_build_object('column', "column", 'other_table', other_table::text, 'other_column', other_column, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_in_other_table(regclass,text,regclass,text,numeric,text) IS 'Every value occurs in other_table.other_column.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_be_increasing(target regclass, "column" text, strictly boolean DEFAULT NULL::boolean, parse_strings_as_datetimes boolean DEFAULT NULL::boolean, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_be_increasing', jsonb_strip_nulls(jsonb_build_object('column', "column", 'strictly', strictly, 'parse_strings_as_datetimes', parse_strings_as_datetimes, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_increasing(regclass,text,boolean,boolean,numeric,text) IS 'Each value is at least (above, with strictly) the previous one in row order.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_be_json_parseable(target regclass, "column" text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_be_json_parseable', jsonb_strip_nulls(jsonb_build_object('column', "column", 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_json_parseable(regclass,text,numeric,text) IS 'Values are JSON documents.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_match_json_schema(target regclass, "column" text, json_schema jsonb, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_match_json_schema', jsonb_strip_nulls(jsonb_build_object('column', "column", 'json_schema', json_schema, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_json_schema(regclass,text,jsonb,numeric,text) IS 'Values are JSON documents that meet json_schema.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_match_like_pattern(target regclass, "column" text, like_pattern text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_match_like_pattern', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern', like_pattern, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_like_pattern(regclass,text,text,numeric,text) IS 'Values match the SQL LIKE pattern.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_match_like_pattern_list(target regclass, "column" text, like_pattern_list text[], match_on text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_match_like_pattern_list', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern_list', like_pattern_list, 'match_on', match_on, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_like_pattern_list(regclass,text,text[],text,numeric,text) IS 'Values match any (or all) of the SQL LIKE patterns.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_not_match_like_pattern(target regclass, "column" text, like_pattern text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_not_match_like_pattern', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern', like_pattern, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_not_match_like_pattern(regclass,text,text,numeric,text) IS 'Values do not match the SQL LIKE pattern.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_not_match_like_pattern_list(target regclass, "column" text, like_pattern_list text[], mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_not_match_like_pattern_list', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern_list', like_pattern_list, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_not_match_like_pattern_list(regclass,text,text[],numeric,text) IS 'Values match none of the SQL LIKE patterns.';

CREATE OR REPLACE FUNCTION vqc.expect_compound_columns_to_be_unique(target regclass, column_list text[], ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_compound_columns_to_be_unique', jsonb_strip_nulls(jsonb_build_object('column_list', column_list, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_compound_columns_to_be_unique(regclass,text[],text,numeric,text) IS 'Each combination of the columns'' values occurs once.';

CREATE OR REPLACE FUNCTION vqc.expect_metric_change_to_be_between(target regclass, metric text, "column" text DEFAULT NULL::text, compare_to text DEFAULT NULL::text, n integer DEFAULT NULL::integer, "window" text DEFAULT NULL::text, change text DEFAULT NULL::text, min_value double precision DEFAULT NULL::double precision, max_value double precision DEFAULT NULL::double precision, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_metric_change_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('metric', metric, 'column', "column", 'compare_to', compare_to,
                                                             'n', n, 'window', "window", 'change', change,
                                                             'min_value', min_value, 'max_value', max_value)),
                        result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_metric_change_to_be_between(regclass,text,text,text,integer,text,text,double precision,double precision,text) IS 'The change of a metric against the suite''s history is within bounds (outside a suite: the metric, and no history).';

CREATE OR REPLACE FUNCTION vqc.expect_metric_gap_between_segments_to_be_less_than(target regclass, y_true text, y_pred text, segment text, metric text, max_gap numeric, pos_label jsonb DEFAULT NULL::jsonb, min_segment_rows integer DEFAULT NULL::integer, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_metric_gap_between_segments_to_be_less_than',
                        jsonb_strip_nulls(jsonb_build_object('y_true', y_true, 'y_pred', y_pred, 'segment', segment,
                                                             'metric', metric, 'max_gap', max_gap, 'pos_label', pos_label,
                                                             'min_segment_rows', min_segment_rows)), result_format) $function$
;

CREATE OR REPLACE FUNCTION vqc.expect_metric_to_not_be_anomalous(target regclass, metric text, strategy text, "column" text DEFAULT NULL::text, min_value double precision DEFAULT NULL::double precision, max_value double precision DEFAULT NULL::double precision, lower_deviation_factor double precision DEFAULT NULL::double precision, upper_deviation_factor double precision DEFAULT NULL::double precision, warm_up integer DEFAULT NULL::integer, season text DEFAULT NULL::text, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_metric_to_not_be_anomalous',
                        jsonb_strip_nulls(jsonb_build_object('metric', metric, 'strategy', strategy, 'column', "column",
                                                             'min_value', min_value, 'max_value', max_value,
                                                             'lower_deviation_factor', lower_deviation_factor,
                                                             'upper_deviation_factor', upper_deviation_factor,
                                                             'warm_up', warm_up, 'season', season)),
                        result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_metric_to_not_be_anomalous(regclass,text,text,text,double precision,double precision,double precision,double precision,integer,text,text) IS 'This run''s metric is not an anomaly of the suite''s history (outside a suite: the metric, and no history).';

CREATE OR REPLACE FUNCTION vqc.expect_multicolumn_sum_to_equal(target regclass, column_list text[], sum_total numeric, ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_multicolumn_sum_to_equal', jsonb_strip_nulls(jsonb_build_object('column_list', column_list, 'sum_total', sum_total, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_multicolumn_sum_to_equal(regclass,text[],numeric,text,numeric,text) IS 'The columns sum to sum_total in each row.';

CREATE OR REPLACE FUNCTION vqc.expect_ranking_metric_to_be_between(target regclass, query text, relevance text, score text, metric text, k integer, min_value numeric DEFAULT NULL::numeric, max_value numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_ranking_metric_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('query', query, 'relevance', relevance, 'score', score,
                                                             'metric', metric, 'k', k, 'min_value', min_value,
                                                             'max_value', max_value)), result_format) $function$
;

CREATE OR REPLACE FUNCTION vqc.expect_regression_metric_to_be_between(target regclass, y_true text, y_pred text, metric text, min_value numeric DEFAULT NULL::numeric, max_value numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_regression_metric_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('y_true', y_true, 'y_pred', y_pred, 'metric', metric,
                                                             'min_value', min_value, 'max_value', max_value)), result_format) $function$
;

CREATE OR REPLACE FUNCTION vqc.expect_row_values_to_have_recent_data(target regclass, "column" text, "interval" integer, datepart text DEFAULT NULL::text, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_row_values_to_have_recent_data',
                        jsonb_strip_nulls(jsonb_build_object('column', "column", 'interval', "interval", 'datepart', datepart)),
                        result_format) $function$
;

CREATE OR REPLACE FUNCTION vqc.expect_score_metric_to_be_between(target regclass, y_true text, y_score text, metric text, min_value numeric DEFAULT NULL::numeric, max_value numeric DEFAULT NULL::numeric, n_bins integer DEFAULT NULL::integer, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_score_metric_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('y_true', y_true, 'y_score', y_score, 'metric', metric,
                                                             'min_value', min_value, 'max_value', max_value, 'n_bins', n_bins)),
                        result_format) $function$
;

CREATE OR REPLACE FUNCTION vqc.expect_select_column_values_to_be_unique_within_record(target regclass, column_list text[], ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_select_column_values_to_be_unique_within_record', jsonb_strip_nulls(jsonb_build_object('column_list', column_list, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_select_column_values_to_be_unique_within_record(regclass,text[],text,numeric,text) IS 'The columns'' values differ within each row.';

CREATE OR REPLACE FUNCTION vqc.expect_table_row_count_to_be_within_other_table_by(target regclass, other_table_name regclass, tolerance double precision, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_table_row_count_to_be_within_other_table_by', jsonb_strip_nulls(jsonb_build_object('other_table_name', other_table_name::text, 'tolerance', tolerance)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_table_row_count_to_be_within_other_table_by(regclass,regclass,double precision,text) IS 'The row count is within a relative tolerance of other_table_name''s.';

CREATE OR REPLACE FUNCTION vqc.expect_table_row_count_to_equal_other_table(target regclass, other_table_name regclass, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_table_row_count_to_equal_other_table', jsonb_strip_nulls(jsonb_build_object('other_table_name', other_table_name::text)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_table_row_count_to_equal_other_table(regclass,regclass,text) IS 'The table has as many rows as other_table_name.';


CREATE OR REPLACE FUNCTION vqc.f1_score(state vqc.confusion_state, average text DEFAULT 'binary'::text, pos_label text DEFAULT NULL::text, zero_division text DEFAULT 'warn'::text)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_fscore$function$
;

CREATE OR REPLACE FUNCTION vqc.fbeta_score(state vqc.confusion_state, beta double precision, average text DEFAULT 'binary'::text, pos_label text DEFAULT NULL::text, zero_division text DEFAULT 'warn'::text)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_fbeta$function$
;

CREATE OR REPLACE FUNCTION vqc.fleiss_kappa(state vqc.agreement_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_fleiss$function$
;
COMMENT ON FUNCTION vqc.fleiss_kappa(vqc.agreement_state) IS 'Fleiss'' kappa as statsmodels 0.13; every item must have the same number (>= 2) of ratings (22023 otherwise).';

CREATE OR REPLACE FUNCTION vqc.hash_row(VARIADIC "any")
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_hash_row$function$
;
COMMENT ON FUNCTION vqc.hash_row("any") IS 'A 64-bit word for a combination of values (each hashed by its type''s extended hash, NULLs alike, chained): equal combinations give equal words.';

CREATE OR REPLACE FUNCTION vqc.hit_rate(state vqc.ranking_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_hit$function$
;
COMMENT ON FUNCTION vqc.hit_rate(vqc.ranking_state) IS '1 when the top k hold a relevant item, else 0 (with ties at the cut: its probability).';

CREATE OR REPLACE FUNCTION vqc.holt_winters(y double precision[], seasonal_periods integer, alpha double precision DEFAULT 0.3, beta double precision DEFAULT 0.1, gamma double precision DEFAULT 0.1, OUT forecast double precision, OUT sse double precision, OUT residual_sd double precision)
 RETURNS record
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    m   integer := seasonal_periods;
    n   integer := coalesce(cardinality(y), 0);
    l   float8 := 0;
    b   float8 := 0;
    l1  float8;
    b1  float8;
    s   float8[];
    e   float8;
    i   integer;
BEGIN
    IF m IS NULL OR m < 2 THEN
        RAISE EXCEPTION 'seasonal_periods must be at least 2'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF n < 2 * m THEN
        RAISE EXCEPTION 'holt_winters needs at least two seasons (% values), not %', 2 * m, n
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF alpha NOT BETWEEN 0 AND 1 OR beta NOT BETWEEN 0 AND 1 OR gamma NOT BETWEEN 0 AND 1 THEN
        RAISE EXCEPTION 'alpha, beta and gamma must be between 0 and 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. m LOOP
        l := l + y[i] / m;
        b := b + (y[m + i] - y[i]) / m / m;
    END LOOP;
    s := ARRAY(SELECT y[j] - l FROM generate_series(1, m) j);
    sse := 0;
    FOR i IN 1 .. n LOOP
        -- s[i] is the season of y[i]: s_{t-m} in the formulas above
        e := y[i] - (l + b + s[i]);
        sse := sse + e * e;
        l1 := l;
        b1 := b;
        l := alpha * (y[i] - s[i]) + (1 - alpha) * (l1 + b1);
        b := beta * (l - l1) + (1 - beta) * b1;
        s[i + m] := gamma * (y[i] - l1 - b1) + (1 - gamma) * s[i];
    END LOOP;
    forecast := l + b + s[n + 1];
    residual_sd := sqrt(sse / n);
END
$function$
;
COMMENT ON FUNCTION vqc.holt_winters(double precision[],integer,double precision,double precision,double precision) IS 'One-step forecast of additive Holt-Winters with fixed smoothing parameters, its in-sample sum of squared errors and residual standard deviation.';

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

CREATE OR REPLACE FUNCTION vqc.is_dateutil_parseable(value text)
 RETURNS boolean
 LANGUAGE c
 STABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_is_dateutil_parseable$function$
;
COMMENT ON FUNCTION vqc.is_dateutil_parseable(text) IS 'True when the text is a date, date-time or time of day as PostgreSQL''s date/time input reads it (DateStyle orders day and month): the forms dateutil.parser.parse takes, but fuzzy ones.';

CREATE OR REPLACE FUNCTION vqc.is_json(value text)
 RETURNS boolean
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_is_json$function$
;
COMMENT ON FUNCTION vqc.is_json(text) IS 'True when the text is one JSON value (PostgreSQL''s json grammar: NaN and Infinity, which Python''s json.loads takes, are not JSON).';

CREATE OR REPLACE FUNCTION vqc.krippendorff_alpha(state vqc.agreement_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_alpha_bound$function$
;
COMMENT ON FUNCTION vqc.krippendorff_alpha(vqc.agreement_state) IS 'Krippendorff''s alpha at the level the state was taken with (vqc.krippendorff_alpha''s aggregate).';

CREATE OR REPLACE FUNCTION vqc.krippendorff_alpha(state vqc.agreement_state, level text)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_alpha$function$
;
COMMENT ON FUNCTION vqc.krippendorff_alpha(vqc.agreement_state,text) IS 'Krippendorff''s alpha at level nominal, ordinal or interval (NLTK 3.8; ordinal: the textbook metric); missing ratings allowed.';

CREATE OR REPLACE FUNCTION vqc.log_loss(state vqc.score_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_log_loss$function$
;

CREATE OR REPLACE FUNCTION vqc.matches_json_schema(doc jsonb, schema jsonb)
 RETURNS boolean
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    t    text := jsonb_typeof(doc);
    k    text;
    s    jsonb;
    n    integer;
BEGIN
    IF jsonb_typeof(schema) = 'boolean' THEN
        RETURN schema::boolean;
    END IF;
    IF jsonb_typeof(schema) <> 'object' THEN
        RAISE EXCEPTION 'a JSON schema must be an object or a boolean'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF schema ? '$ref' THEN
        RAISE EXCEPTION 'JSON schema keyword "$ref" is not supported'
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Write the referenced schema in place.';
    END IF;
    IF schema ? 'type' AND NOT EXISTS (
           SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(schema -> 'type') = 'array' THEN schema -> 'type'
                                                       ELSE jsonb_build_array(schema -> 'type') END) AS x(name)
            WHERE name = t OR (name = 'integer' AND t = 'number' AND (doc #>> '{}')::numeric = trunc((doc #>> '{}')::numeric))) THEN
        RETURN false;
    END IF;
    IF schema ? 'enum' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(schema -> 'enum') e WHERE e = doc) THEN
        RETURN false;
    END IF;
    IF schema ? 'const' AND schema -> 'const' <> doc THEN
        RETURN false;
    END IF;
    FOR k, s IN SELECT key, value FROM jsonb_each(schema) WHERE key IN ('allOf', 'anyOf', 'oneOf') LOOP
        n := (SELECT count(*) FROM jsonb_array_elements(s) x WHERE vqc.matches_json_schema(doc, x));
        IF (k = 'allOf' AND n < jsonb_array_length(s)) OR (k = 'anyOf' AND n = 0) OR (k = 'oneOf' AND n <> 1) THEN
            RETURN false;
        END IF;
    END LOOP;
    IF schema ? 'not' AND vqc.matches_json_schema(doc, schema -> 'not') THEN
        RETURN false;
    END IF;
    IF t = 'object' THEN
        IF EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(schema -> 'required', '[]')) r WHERE NOT doc ? r) THEN
            RETURN false;
        END IF;
        FOR k, s IN SELECT key, value FROM jsonb_each(doc) LOOP
            IF schema -> 'properties' ? k THEN
                IF NOT vqc.matches_json_schema(s, schema -> 'properties' -> k) THEN
                    RETURN false;
                END IF;
            ELSIF schema ? 'additionalProperties' AND NOT vqc.matches_json_schema(s, schema -> 'additionalProperties') THEN
                RETURN false;
            END IF;
        END LOOP;
    ELSIF t = 'array' THEN
        IF jsonb_array_length(doc) < coalesce((schema ->> 'minItems')::numeric, 0)
           OR jsonb_array_length(doc) > coalesce((schema ->> 'maxItems')::numeric, jsonb_array_length(doc))
           OR (jsonb_typeof(schema -> 'items') IN ('object', 'boolean')
               AND EXISTS (SELECT 1 FROM jsonb_array_elements(doc) x WHERE NOT vqc.matches_json_schema(x, schema -> 'items'))) THEN
            RETURN false;
        END IF;
    ELSIF t = 'string' THEN
        IF char_length(doc #>> '{}') < coalesce((schema ->> 'minLength')::numeric, 0)
           OR char_length(doc #>> '{}') > coalesce((schema ->> 'maxLength')::numeric, char_length(doc #>> '{}'))
           OR (schema ? 'pattern' AND NOT vqc.regex_match(doc #>> '{}', schema ->> 'pattern')) THEN
            RETURN false;
        END IF;
    ELSIF t = 'number' THEN
        IF (doc #>> '{}')::numeric < (schema ->> 'minimum')::numeric
           OR (doc #>> '{}')::numeric > (schema ->> 'maximum')::numeric
           OR (jsonb_typeof(schema -> 'exclusiveMinimum') = 'number' AND (doc #>> '{}')::numeric <= (schema ->> 'exclusiveMinimum')::numeric)
           OR (jsonb_typeof(schema -> 'exclusiveMaximum') = 'number' AND (doc #>> '{}')::numeric >= (schema ->> 'exclusiveMaximum')::numeric) THEN
            RETURN false;
        END IF;
    END IF;
    RETURN true;
END
$function$
;
COMMENT ON FUNCTION vqc.matches_json_schema(jsonb,jsonb) IS 'True when the JSON value meets the schema: a subset of JSON Schema (type, enum, const, properties, required, additionalProperties, items, min/maxItems, min/maxLength, pattern, minimum, maximum, exclusiveMinimum/Maximum, allOf, anyOf, oneOf, not).';

CREATE OR REPLACE FUNCTION vqc.matthews_corrcoef(state vqc.confusion_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_mcc$function$
;

CREATE OR REPLACE FUNCTION vqc.max_error(state vqc.regression_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_max_error$function$
;

CREATE OR REPLACE FUNCTION vqc.mean_absolute_error(state vqc.regression_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_mae$function$
;

CREATE OR REPLACE FUNCTION vqc.mean_absolute_percentage_error(state vqc.regression_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_mape$function$
;
COMMENT ON FUNCTION vqc.mean_absolute_percentage_error(vqc.regression_state) IS 'mean(|y_pred - y_true| / max(|y_true|, 2.220446049250313e-16)), as scikit-learn: a fraction, not a percentage.';

CREATE OR REPLACE FUNCTION vqc.mean_squared_error(state vqc.regression_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_mse$function$
;

CREATE OR REPLACE FUNCTION vqc.merge(a vqc.confusion_state, b vqc.confusion_state)
 RETURNS vqc.confusion_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_confusion_merge$function$
;

CREATE OR REPLACE FUNCTION vqc.merge(a vqc.score_state, b vqc.score_state)
 RETURNS vqc.score_state
 LANGUAGE c
 STABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_merge$function$
;

CREATE OR REPLACE FUNCTION vqc.ndcg_score(state vqc.ranking_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_ndcg$function$
;
COMMENT ON FUNCTION vqc.ndcg_score(vqc.ranking_state) IS 'NDCG@k as scikit-learn 1.2''s ndcg_score (linear gain, tied scores averaged); 0 when no item is relevant.';

CREATE OR REPLACE FUNCTION vqc.percent_agreement(state vqc.agreement_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_agreement_percent$function$
;
COMMENT ON FUNCTION vqc.percent_agreement(vqc.agreement_state) IS 'Mean over items of two or more ratings of the share of rating pairs that agree.';

CREATE OR REPLACE FUNCTION vqc.precision_at_k(state vqc.ranking_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_precision$function$
;
COMMENT ON FUNCTION vqc.precision_at_k(vqc.ranking_state) IS 'Relevant items in the top k, over k.';

CREATE OR REPLACE FUNCTION vqc.precision_recall_fscore_support(state vqc.confusion_state, beta double precision DEFAULT 1, average text DEFAULT NULL::text, pos_label text DEFAULT NULL::text, zero_division text DEFAULT 'warn'::text)
 RETURNS jsonb
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_prfs$function$
;

CREATE OR REPLACE FUNCTION vqc.precision_score(state vqc.confusion_state, average text DEFAULT 'binary'::text, pos_label text DEFAULT NULL::text, zero_division text DEFAULT 'warn'::text)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_precision$function$
;

CREATE OR REPLACE FUNCTION vqc.r2_score(state vqc.regression_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_r2$function$
;
COMMENT ON FUNCTION vqc.r2_score(vqc.regression_state) IS '1 - SS_res / SS_tot; constant y_true gives 1 for perfect predictions, else 0 (scikit-learn); NULL under two pairs.';

CREATE OR REPLACE FUNCTION vqc.ranking_combinefn(vqc.ranking_state, vqc.ranking_state)
 RETURNS vqc.ranking_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_combinefn$function$
;

CREATE OR REPLACE FUNCTION vqc.ranking_count(state vqc.ranking_state)
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_count$function$
;

CREATE OR REPLACE FUNCTION vqc.ranking_finalfn(vqc.ranking_state)
 RETURNS vqc.ranking_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_finalfn$function$
;

CREATE OR REPLACE FUNCTION vqc.ranking_k(state vqc.ranking_state)
 RETURNS integer
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_k$function$
;

CREATE OR REPLACE FUNCTION vqc.ranking_null_count(state vqc.ranking_state)
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_null_count$function$
;

CREATE OR REPLACE FUNCTION vqc.ranking_report(target regclass, query_column text, relevance_column text, score_column text, k integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    result jsonb;
BEGIN
    IF target IS NULL OR query_column IS NULL OR relevance_column IS NULL OR score_column IS NULL OR k IS NULL THEN
        RAISE EXCEPTION 'vqc.ranking_report arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF k <= 0 THEN
        RAISE EXCEPTION 'k must be between 1 and 1000000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format($q$
        SELECT pg_catalog.jsonb_build_object(
                   'k', $1,
                   'queries', pg_catalog.count(*) FILTER (WHERE m[7] OPERATOR(pg_catalog.>) 0),
                   'queries_without_relevant',
                   pg_catalog.count(*) FILTER (WHERE m[7] OPERATOR(pg_catalog.>) 0 AND m[9] OPERATOR(pg_catalog.=) 0),
                   'rows', coalesce(pg_catalog.sum(m[7]), 0)::pg_catalog.int8,
                   'null_rows', coalesce(pg_catalog.sum(m[8]), 0)::pg_catalog.int8,
                   'ndcg', pg_catalog.avg(m[1]),
                   'map', pg_catalog.avg(m[2]),
                   'mrr', pg_catalog.avg(m[3]),
                   'precision', pg_catalog.avg(m[4]),
                   'recall', pg_catalog.avg(m[5]),
                   'hit_rate', pg_catalog.avg(m[6]))
          FROM (SELECT vqc._ranking_metrics((%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1) AS m
                  FROM %1$s
                 WHERE %4$I IS NOT NULL
                 GROUP BY %4$I) q$q$,
        target, relevance_column, score_column, query_column)
    INTO result USING k;
    RETURN result;
END
$function$
;
COMMENT ON FUNCTION vqc.ranking_report(regclass,text,text,text,integer) IS 'NDCG, MAP, MRR, precision, recall and hit rate at k, each averaged over the queries of the table (read as the caller).';

CREATE OR REPLACE FUNCTION vqc.ranking_state_in(cstring)
 RETURNS vqc.ranking_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_state_in$function$
;

CREATE OR REPLACE FUNCTION vqc.ranking_state_out(vqc.ranking_state)
 RETURNS cstring
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_state_out$function$
;

CREATE OR REPLACE FUNCTION vqc.ranking_state_recv(internal)
 RETURNS vqc.ranking_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_state_recv$function$
;

CREATE OR REPLACE FUNCTION vqc.ranking_state_send(vqc.ranking_state)
 RETURNS bytea
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_state_send$function$
;

CREATE OR REPLACE FUNCTION vqc.ranking_to_jsonb(state vqc.ranking_state)
 RETURNS jsonb
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_to_jsonb$function$
;

CREATE OR REPLACE FUNCTION vqc.ranking_transfn(vqc.ranking_state, double precision, double precision, integer)
 RETURNS vqc.ranking_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_ranking_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.recall_at_k(state vqc.ranking_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_recall$function$
;
COMMENT ON FUNCTION vqc.recall_at_k(vqc.ranking_state) IS 'Relevant items in the top k, over all relevant items (0 when none).';

CREATE OR REPLACE FUNCTION vqc.recall_score(state vqc.confusion_state, average text DEFAULT 'binary'::text, pos_label text DEFAULT NULL::text, zero_division text DEFAULT 'warn'::text)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_confusion_recall$function$
;

CREATE OR REPLACE FUNCTION vqc.reciprocal_rank(state vqc.ranking_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_ranking_rr$function$
;
COMMENT ON FUNCTION vqc.reciprocal_rank(vqc.ranking_state) IS '1 / rank of the first relevant item within the top k, else 0.';

CREATE OR REPLACE FUNCTION vqc.regression_combinefn(vqc.regression_state, vqc.regression_state)
 RETURNS vqc.regression_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_combinefn$function$
;

CREATE OR REPLACE FUNCTION vqc.regression_count(state vqc.regression_state)
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_count$function$
;

CREATE OR REPLACE FUNCTION vqc.regression_null_count(state vqc.regression_state)
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_null_count$function$
;

CREATE OR REPLACE FUNCTION vqc.regression_state_in(cstring)
 RETURNS vqc.regression_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_state_in$function$
;

CREATE OR REPLACE FUNCTION vqc.regression_state_out(vqc.regression_state)
 RETURNS cstring
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_state_out$function$
;

CREATE OR REPLACE FUNCTION vqc.regression_state_recv(internal)
 RETURNS vqc.regression_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_state_recv$function$
;

CREATE OR REPLACE FUNCTION vqc.regression_state_send(vqc.regression_state)
 RETURNS bytea
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_state_send$function$
;

CREATE OR REPLACE FUNCTION vqc.regression_to_jsonb(state vqc.regression_state)
 RETURNS jsonb
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_to_jsonb$function$
;

CREATE OR REPLACE FUNCTION vqc.regression_transfn(vqc.regression_state, double precision, double precision)
 RETURNS vqc.regression_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_regression_transfn$function$
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

CREATE OR REPLACE FUNCTION vqc.roc_auc_score(state vqc.score_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_roc_auc$function$
;

CREATE OR REPLACE FUNCTION vqc.roc_auc_score_by_passes(target regclass, y_true text, y_score text)
 RETURNS double precision
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT value FROM vqc._score_by_passes(target, y_true, y_score, 'roc_auc') $function$
;
COMMENT ON FUNCTION vqc.roc_auc_score_by_passes(regclass,text,text) IS 'Exact ROC AUC of columns y_true and y_score of a table within vqc.exact_memory_limit, by passes (no sort of the table).';

CREATE OR REPLACE FUNCTION vqc.root_mean_squared_error(state vqc.regression_state)
 RETURNS double precision
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regression_rmse$function$
;

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

CREATE OR REPLACE FUNCTION vqc.score_bins_transfn(vqc.score_state, bigint, double precision)
 RETURNS vqc.score_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_score_bins_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.score_bins_transfn(vqc.score_state, bigint, double precision, integer)
 RETURNS vqc.score_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_score_bins_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.score_bins_transfn(vqc.score_state, boolean, double precision)
 RETURNS vqc.score_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_score_bins_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.score_bins_transfn(vqc.score_state, boolean, double precision, integer)
 RETURNS vqc.score_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_score_bins_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.score_combinefn(vqc.score_state, vqc.score_state)
 RETURNS vqc.score_state
 LANGUAGE c
 STABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_combinefn$function$
;

CREATE OR REPLACE FUNCTION vqc.score_count(state vqc.score_state)
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_count$function$
;

CREATE OR REPLACE FUNCTION vqc.score_overflowed(state vqc.score_state)
 RETURNS boolean
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_overflowed$function$
;

CREATE OR REPLACE FUNCTION vqc.score_skipped(state vqc.score_state)
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_skipped$function$
;

CREATE OR REPLACE FUNCTION vqc.score_state_in(cstring)
 RETURNS vqc.score_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_state_in$function$
;

CREATE OR REPLACE FUNCTION vqc.score_state_out(vqc.score_state)
 RETURNS cstring
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_state_out$function$
;

CREATE OR REPLACE FUNCTION vqc.score_state_recv(internal)
 RETURNS vqc.score_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_state_recv$function$
;

CREATE OR REPLACE FUNCTION vqc.score_state_send(vqc.score_state)
 RETURNS bytea
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_score_state_send$function$
;

CREATE OR REPLACE FUNCTION vqc.score_sums_transfn(vqc.score_state, bigint, double precision)
 RETURNS vqc.score_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_score_sums_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.score_sums_transfn(vqc.score_state, boolean, double precision)
 RETURNS vqc.score_state
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_score_sums_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.score_transfn(vqc.score_state, bigint, double precision)
 RETURNS vqc.score_state
 LANGUAGE c
 STABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_score_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.score_transfn(vqc.score_state, boolean, double precision)
 RETURNS vqc.score_state
 LANGUAGE c
 STABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_score_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.set_suite_callback(suite text, callback regprocedure)
 RETURNS void
 LANGUAGE c
AS '$libdir/vqc', $function$vqc_with_caller$function$
;
COMMENT ON FUNCTION vqc.set_suite_callback(text,regprocedure) IS 'Names the function (one bigint argument, SECURITY DEFINER, owned by the suite''s owner) each run of the suite calls with its run id, in the run''s transaction; NULL removes it.';

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

CREATE OR REPLACE FUNCTION vqc.table_activity(target regclass)
 RETURNS jsonb
 LANGUAGE sql
 STABLE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT jsonb_build_object(
               'table', target::text,
               'rows_estimate', c.reltuples::bigint,
               'live_rows', s.n_live_tup, 'dead_rows', s.n_dead_tup,
               'inserted', s.n_tup_ins, 'updated', s.n_tup_upd, 'deleted', s.n_tup_del,
               'modified_since_analyze', s.n_mod_since_analyze,
               'inserted_since_vacuum', s.n_ins_since_vacuum,
               'last_analyze', greatest(s.last_analyze, s.last_autoanalyze),
               'last_vacuum', greatest(s.last_vacuum, s.last_autovacuum),
               'stats_reset', d.stats_reset,
               'answerable', jsonb_build_object(
                   'volume', s.relid IS NOT NULL,
                   'writes_since_reset', s.relid IS NOT NULL,
                   'last_write_time', false,
                   'note', 'PostgreSQL keeps no time of a table''s last write: counts are since the statistics were reset (stats_reset); the newest row''s time needs a scan (expect_row_values_to_have_recent_data).'))
      FROM pg_class c
      LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
      LEFT JOIN pg_stat_database d ON d.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
     WHERE c.oid = target
$function$
;
COMMENT ON FUNCTION vqc.table_activity(regclass) IS 'A table''s size, writes since the statistics were reset and last vacuum and analyze, from PostgreSQL''s statistics, without a scan; says what they cannot answer.';

CREATE OR REPLACE FUNCTION vqc.unexpected_rows_expectation(target regclass, unexpected_rows_query text, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'unexpected_rows_expectation', jsonb_strip_nulls(jsonb_build_object('unexpected_rows_query', unexpected_rows_query)), result_format) $function$
;
COMMENT ON FUNCTION vqc.unexpected_rows_expectation(regclass,text,text) IS 'The query ({batch} stands for the table) returns no rows.';


RESET check_function_bodies;

-- ------------------------------------------------------------------------
-- Pages (issue #14): every page by kind and id, as a view.
-- ------------------------------------------------------------------------
CREATE VIEW vqc_report.pages WITH (security_invoker = true) AS
SELECT 'run'::text AS kind, r.run_id::text AS id, r.suite_name AS title, r.started_at AS at,
       vqc.report_html(r.run_id) AS html
  FROM vqc_report.run r
UNION ALL
SELECT 'suite', s.name, s.name, s.created_at, vqc.suite_html(s.name)
  FROM vqc.suite s
UNION ALL
SELECT 'drift', d.drift_run_id::text, d.target_schema || '.' || d.target_table, d.started_at,
       vqc.drift_html(d.drift_run_id)
  FROM vqc_report.drift_run d;
COMMENT ON VIEW vqc_report.pages IS
    'Every page (kind run, suite or drift; id) as HTML, rendered only for the rows asked for; shows what the reader may read.';


-- ------------------------------------------------------------------------
-- Freshness (issue #13): the dashboard view.
-- ------------------------------------------------------------------------
-- The latest freshness check of each suite's expectation, for dashboards.
CREATE VIEW vqc_report.freshness WITH (security_invoker = true) AS
SELECT DISTINCT ON (res.expectation_id)
       r.suite_name, r.target_schema, r.target_table, res.column_name, r.run_id, r.started_at AS checked_at,
       (d.observed_value #>> '{}')::timestamptz AS newest_value,
       d.result #>> '{result,details,max_age}' AS max_age,
       r.started_at - (d.observed_value #>> '{}')::timestamptz AS age_at_check,
       res.status
  FROM vqc_report.run r
  JOIN vqc_report.result res USING (run_id)
  LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
 WHERE res.expectation_type = 'expect_row_values_to_have_recent_data'
 ORDER BY res.expectation_id, r.run_id DESC;
COMMENT ON VIEW vqc_report.freshness IS
    'The latest freshness check of each expectation: the newest value seen, the allowed age, the age at the check, the status (the newest value is a row value: NULL where the reader may not see the table''s values).';

-- ========================================================================
-- Part 2 (keep last): every SQL and PL/pgSQL function of vqc runs with
-- search_path = pg_catalog, pg_temp, as src/sql/search_path.sql sets it at
-- the end of a fresh install; the same loop, over 0.2.0's functions and any
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
