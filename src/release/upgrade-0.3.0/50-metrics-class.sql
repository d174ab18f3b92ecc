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
