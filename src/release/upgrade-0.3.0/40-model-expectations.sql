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
('expect_metric_gap_between_segments_to_be_less_than', 'aggregate', '{y_true,y_pred,segment,metric,max_gap}',
 '{pos_label,min_segment_rows}',
 'The largest difference of a metric (recall, precision, f1, accuracy, positive_rate of pos_label) between the segments (the values of column segment) is at most max_gap: the model''s bias threshold. Details list every segment''s value; the segments at the two extremes are the failing ones.');

-- Every model metric of every run, for dashboards: one row per run and
-- model expectation (security_invoker: the reader's rights apply).
CREATE VIEW vqc_report.model_metrics WITH (security_invoker = true) AS
SELECT r.run_id, r.started_at, r.suite_name, r.target_schema, r.target_table,
       res.position, res.expectation_id, res.expectation_type,
       res.kwargs ->> 'metric' AS metric,
       coalesce(res.kwargs ->> 'y_pred', res.kwargs ->> 'y_score') AS predictions,
       res.kwargs ->> 'y_true' AS labels, res.kwargs ->> 'segment' AS segment,
       m.value, res.kwargs ->> 'min_value' AS min_value,
       coalesce(res.kwargs ->> 'max_value', res.kwargs ->> 'max_gap') AS max_value,
       res.status
  FROM vqc_report.run r
  JOIN vqc_report.result res USING (run_id)
  LEFT JOIN vqc_report.metric m ON m.run_id = res.run_id AND m.position = res.position AND m.metric_name = 'observed_value'
 WHERE res.expectation_type IN ('expect_classification_metric_to_be_between', 'expect_score_metric_to_be_between',
                                'expect_metric_gap_between_segments_to_be_less_than');
COMMENT ON VIEW vqc_report.model_metrics IS
    'Every model metric of every run (classification and score metrics, gaps between segments) with its bounds and status, for dashboards.';

