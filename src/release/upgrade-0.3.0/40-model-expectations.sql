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

