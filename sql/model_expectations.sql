-- Expectations on a model's predictions and labels: each observed value
-- equals the metric aggregate's over the same rows; a suite computes them
-- in its one scan; the gap between segments equals the per-segment metrics
-- written in plain SQL; bad arguments are refused when added.
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE mx AS
SELECT g AS id, (g % 3 = 0) AS label, ((g * 7) % 10) / 10.0::float8 AS score,
       CASE WHEN (g * 7) % 10 >= 5 THEN 1 ELSE 0 END AS pred, (g % 3 = 0)::int AS y,
       (ARRAY['cat', 'dog', 'cow'])[1 + g % 3] AS animal, (ARRAY['cat', 'dog', 'dog', 'cow'])[1 + g % 4] AS guess,
       (ARRAY['north', 'south', 'east'])[1 + (g / 7) % 3] AS region
  FROM generate_series(1, 3000) g;

-- each metric as the aggregate of the same name gives it
SELECT m.metric,
       (vqc.expect('mx', 'expect_classification_metric_to_be_between',
                   jsonb_build_object('y_true', 'y', 'y_pred', 'pred', 'metric', m.metric, 'min_value', 0) || m.extra)
        #>> '{result,observed_value}')::float8 = m.direct AS same
  FROM (SELECT 'accuracy' AS metric, '{}'::jsonb AS extra, (SELECT vqc.accuracy_score(y, pred) FROM mx) AS direct
        UNION ALL SELECT 'balanced_accuracy', '{}', (SELECT vqc.balanced_accuracy_score(y, pred) FROM mx)
        UNION ALL SELECT 'precision', '{}', (SELECT vqc.precision_score(y, pred) FROM mx)
        UNION ALL SELECT 'recall', '{}', (SELECT vqc.recall_score(y, pred) FROM mx)
        UNION ALL SELECT 'f1', '{}', (SELECT vqc.f1_score(y, pred) FROM mx)
        UNION ALL SELECT 'fbeta', '{"beta": 2}', (SELECT vqc.fbeta_score(y, pred, 2) FROM mx)
        UNION ALL SELECT 'matthews_corrcoef', '{}', (SELECT vqc.matthews_corrcoef(y, pred) FROM mx)
        UNION ALL SELECT 'cohen_kappa', '{"weights": "linear"}', (SELECT vqc.cohen_kappa_score(y, pred, 'linear') FROM mx)) m
 ORDER BY m.metric;
-- text labels, averaged, with the per-class details
SELECT (r #>> '{result,observed_value}')::float8 = (SELECT vqc.f1_score(animal, guess, 'macro') FROM mx) AS macro_f1,
       r #> '{result,details,confusion_matrix,labels}' AS labels, r #> '{result,details,rows}' AS rows
  FROM (SELECT vqc.expect('mx', 'expect_classification_metric_to_be_between',
                          '{"y_true": "animal", "y_pred": "guess", "metric": "f1", "average": "macro", "min_value": 0.9}') AS r) x;
SELECT m.metric,
       (vqc.expect('mx', 'expect_score_metric_to_be_between',
                   jsonb_build_object('y_true', 'label', 'y_score', 'score', 'metric', m.metric, 'min_value', 0))
        #>> '{result,observed_value}')::float8 = m.direct AS same
  FROM (SELECT 'roc_auc' AS metric, (SELECT vqc.roc_auc_score(label, score) FROM mx) AS direct
        UNION ALL SELECT 'average_precision', (SELECT vqc.average_precision_score(label, score) FROM mx)
        UNION ALL SELECT 'log_loss', (SELECT vqc.log_loss(label, score) FROM mx)
        UNION ALL SELECT 'brier_score_loss', (SELECT vqc.brier_score_loss(label, score) FROM mx)
        UNION ALL SELECT 'calibration_error', (SELECT vqc.calibration_error(label, score, 10) FROM mx)) m
 ORDER BY m.metric;
-- past vqc.exact_memory_limit ROC AUC stays exact, by passes
SET vqc.exact_memory_limit = 1;
SELECT (r #>> '{result,observed_value}')::float8 = (SELECT vqc.roc_auc_score_by_passes('mx', 'label', 'score')) AS exact,
       r #> '{result,details,by_passes}' AS by_passes
  FROM (SELECT vqc.expect('mx', 'expect_score_metric_to_be_between',
                          '{"y_true": "y", "y_score": "score", "metric": "roc_auc", "min_value": 0}') AS r) x;
RESET vqc.exact_memory_limit;

-- the gap between segments, against plain SQL
WITH seg AS (
    SELECT region, sum(y * pred)::float8 / sum(y) AS recall, avg(pred) AS positive_rate
      FROM mx GROUP BY region)
SELECT abs((r #>> '{result,observed_value}')::float8 - (SELECT max(recall) - min(recall) FROM seg)) < 1e-12 AS recall_gap,
       jsonb_array_length(r #> '{result,details,segments}') AS segments,
       r -> 'success' AS success, r #> '{result,details,failing_segments}' AS failing
  FROM (SELECT vqc.expect('mx', 'expect_metric_gap_between_segments_to_be_less_than',
                          '{"y_true": "y", "y_pred": "pred", "segment": "region", "metric": "recall", "max_gap": 0.001}') AS r) x;
SELECT (vqc.expect('mx', 'expect_metric_gap_between_segments_to_be_less_than',
                   '{"y_true": "y", "y_pred": "pred", "segment": "region", "metric": "positive_rate", "max_gap": 0.5}')
        #>> '{result,observed_value}')::float8
       = (SELECT max(p) - min(p) FROM (SELECT avg(pred)::float8 AS p FROM mx GROUP BY region) s) AS positive_rate_gap;

-- regression metrics, as their aggregates
SELECT m.metric,
       (vqc.expect('mx', 'expect_regression_metric_to_be_between',
                   jsonb_build_object('y_true', 'id', 'y_pred', 'score', 'metric', m.metric, 'min_value', -1e12))
        #>> '{result,observed_value}')::float8 = m.direct AS same
  FROM (SELECT 'mean_absolute_error' AS metric, (SELECT vqc.mean_absolute_error(id, score) FROM mx) AS direct
        UNION ALL SELECT 'root_mean_squared_error', (SELECT vqc.root_mean_squared_error(id, score) FROM mx)
        UNION ALL SELECT 'r2', (SELECT vqc.r2_score(id, score) FROM mx)
        UNION ALL SELECT 'max_error', (SELECT vqc.max_error(id, score) FROM mx)) m
 ORDER BY m.metric;
-- ranking at k: as vqc.ranking_report
SELECT (r #>> '{result,observed_value}')::float8 = (vqc.ranking_report('mx', 'region', 'y', 'score', 5) ->> 'ndcg')::float8 AS ndcg,
       r #> '{result,details,queries}' AS queries
  FROM (SELECT vqc.expect('mx', 'expect_ranking_metric_to_be_between',
                          '{"query": "region", "relevance": "y", "score": "score", "metric": "ndcg", "k": 5, "min_value": 0}') AS r) x;
-- annotators' agreement, long format: three annotators label 100 items
CREATE TABLE mx_labels AS
SELECT i AS item, a AS annotator, CASE WHEN (i * a) % 7 = 0 THEN 'b' ELSE 'a' END AS label
  FROM generate_series(1, 100) i, generate_series(1, 3) a;
SELECT m.metric,
       (vqc.expect('mx_labels', 'expect_annotator_agreement_to_be_between',
                   jsonb_build_object('item', 'item', 'annotator', 'annotator', 'label', 'label', 'metric', m.metric, 'min_value', -1))
        #>> '{result,observed_value}')::float8 = m.direct AS same
  FROM (SELECT 'percent_agreement' AS metric, (SELECT vqc.percent_agreement(item, label) FROM mx_labels) AS direct
        UNION ALL SELECT 'fleiss_kappa', (SELECT vqc.fleiss_kappa(item, label) FROM mx_labels)
        UNION ALL SELECT 'krippendorff_alpha', (SELECT vqc.krippendorff_alpha(item, annotator, label, 'nominal') FROM mx_labels)) m
 ORDER BY m.metric;
DROP TABLE mx_labels;

-- in a suite: one scan, every metric recorded, the dashboard view
SELECT vqc.create_suite('mx_model', 'mx') > 0 AS created;
SELECT count(vqc.add_expectation('mx_model', t, k)) AS added
  FROM (VALUES ('expect_classification_metric_to_be_between', '{"y_true": "y", "y_pred": "pred", "metric": "accuracy", "min_value": 0.5}'::jsonb),
               ('expect_classification_metric_to_be_between', '{"y_true": "y", "y_pred": "pred", "metric": "recall", "min_value": 0.4}'),
               ('expect_score_metric_to_be_between', '{"y_true": "y", "y_score": "score", "metric": "brier_score_loss", "max_value": 0.5}'),
               ('expect_metric_gap_between_segments_to_be_less_than', '{"y_true": "y", "y_pred": "pred", "segment": "region", "metric": "recall", "max_gap": 0.2}'),
               ('expect_ranking_metric_to_be_between', '{"query": "region", "relevance": "y", "score": "score", "metric": "map", "k": 5, "min_value": 0.1}')) v(t, k);
CREATE TEMP TABLE mx_first AS SELECT * FROM vqc.run('mx_model');
SELECT position, expectation_type, status FROM mx_first ORDER BY position;
SELECT scans FROM vqc_report.run WHERE suite_name = 'mx_model';
-- the ranking metric is the aggregate's over all queries, in the scan
SELECT (observed_value #>> '{}')::float8 = (SELECT (vqc.ranking_metrics_all(region, y, score, 5) ->> 'map')::float8 FROM mx) AS map_same
  FROM mx_first WHERE expectation_type = 'expect_ranking_metric_to_be_between';
-- past vqc.exact_memory_limit the scan's ranking aggregate overflows (no
-- error): the metric takes a pass of its own, with the same value
SET vqc.exact_memory_limit = '1kB';
SELECT r.position, r.status, r.observed_value = f.observed_value AS same_value
  FROM vqc.run('mx_model') r JOIN mx_first f USING (position) ORDER BY r.position;
RESET vqc.exact_memory_limit;
SELECT scans FROM vqc_report.run WHERE suite_name = 'mx_model' ORDER BY run_id;
SET vqc.exact_memory_limit = '1kB';
SELECT vqc._ranking_metrics_all_soft(region, y, score, 5) AS overflowed FROM mx;
RESET vqc.exact_memory_limit;
-- vqc.explain notes the pass the ranking metric may take
SELECT line FROM vqc.explain('mx_model') line WHERE line LIKE 'Note:%';
SELECT metric, predictions, labels, segment, value IS NOT NULL AS has_value, status
  FROM vqc_report.model_metrics WHERE suite_name = 'mx_model' ORDER BY position;

-- bad arguments, when added
CREATE FUNCTION mx_err(k jsonb, t text DEFAULT 'expect_classification_metric_to_be_between') RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vqc.add_expectation('mx_model', t, k);
    RETURN 'added';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT mx_err('{"y_true": "y", "y_pred": "pred", "metric": "auc"}');
SELECT mx_err('{"y_true": "y", "y_pred": "nope", "metric": "f1"}');
SELECT mx_err('{"y_true": "y", "y_pred": "pred"}');
SELECT mx_err('{"y_true": "animal", "y_score": "score", "metric": "roc_auc"}', 'expect_score_metric_to_be_between');
SELECT mx_err('{"y_true": "y", "y_score": "animal", "metric": "roc_auc"}', 'expect_score_metric_to_be_between');
SELECT mx_err('{"y_true": "y", "y_pred": "pred", "segment": "region", "metric": "recall", "max_gap": -1}',
              'expect_metric_gap_between_segments_to_be_less_than');
SELECT mx_err('{"y_true": "y", "y_pred": "pred", "segment": "region", "metric": "auc", "max_gap": 1}',
              'expect_metric_gap_between_segments_to_be_less_than');

SELECT vqc.drop_suite('mx_model');
DELETE FROM vqc_report.run WHERE suite_name = 'mx_model';
DROP FUNCTION mx_err(jsonb, text);
DROP TABLE mx;
