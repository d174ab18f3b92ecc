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
