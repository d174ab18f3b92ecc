-- Classification and score metrics (issue #12): the confusion and score
-- states, scikit-learn's names, NULL handling, edge cases, SQLSTATEs of
-- bad arguments and of corrupt states.  test/oracle/classification_vs_sklearn.py
-- checks the values against scikit-learn on larger seeded cases.
\set VERBOSITY terse
\i sql/include/state_helpers.psql

-- the SQLSTATE and message of a statement, or 'ok'
CREATE FUNCTION pg_temp.try(q text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE pred (id int, y_true int, y_pred int, t text, p text, score float8);
INSERT INTO pred VALUES
    (1, 0, 0, 'cat', 'cat', 0.10), (2, 0, 1, 'cat', 'dog', 0.40),
    (3, 1, 1, 'dog', 'dog', 0.35), (4, 1, 1, 'dog', 'bird', 0.80),
    (5, 2, 1, 'bird', 'bird', 0.40), (6, 2, 2, 'bird', 'cat', 0.80),
    (7, NULL, 1, NULL, 'cat', 0.30), (8, 1, NULL, 'dog', NULL, NULL);

-- 1. The confusion matrix: rows true, columns predicted, labels in order;
-- rows with a NULL label or prediction are skipped and counted.
SELECT vqc.confusion_matrix(y_true, y_pred) FROM pred;
SELECT vqc.confusion_matrix(t, p) FROM pred;
SELECT vqc.confusion_count(s) AS pairs, vqc.confusion_skipped(s) AS skipped
FROM (SELECT vqc.confusion_agg(y_true, y_pred) s FROM pred) x;

-- 2. The metrics as aggregates (scikit-learn's values in comments)
SELECT round(vqc.accuracy_score(y_true, y_pred)::numeric, 6) AS accuracy,              -- 0.666667
       round(vqc.balanced_accuracy_score(y_true, y_pred)::numeric, 6) AS balanced,     -- 0.666667
       round(vqc.matthews_corrcoef(y_true, y_pred)::numeric, 6) AS mcc,                -- 0.577350
       round(vqc.cohen_kappa_score(y_true, y_pred)::numeric, 6) AS kappa,              -- 0.5
       round(vqc.cohen_kappa_score(y_true, y_pred, 'linear')::numeric, 6) AS linear,   -- 0.571429
       round(vqc.cohen_kappa_score(y_true, y_pred, 'quadratic')::numeric, 6) AS quad   -- 0.666667
FROM pred;
SELECT round(vqc.precision_score(y_true, y_pred, 'macro')::numeric, 6) AS p_macro,     -- 0.833333
       round(vqc.recall_score(y_true, y_pred, 'macro')::numeric, 6) AS r_macro,        -- 0.666667
       round(vqc.f1_score(y_true, y_pred, 'micro')::numeric, 6) AS f1_micro,           -- 0.666667
       round(vqc.f1_score(y_true, y_pred, 'weighted')::numeric, 6) AS f1_weighted,     -- 0.666667
       round(vqc.fbeta_score(y_true, y_pred, 2, 'macro')::numeric, 6) AS f2_macro      -- 0.648148
FROM pred;

-- 3. One scan, many metrics: the state and its accessors
SELECT round(vqc.f1_score(s, 'macro')::numeric, 6) AS f1,
       round(vqc.fbeta_score(s, 0.5, 'weighted')::numeric, 6) AS f05,
       vqc.precision_recall_fscore_support(s) AS per_class,
       vqc.precision_recall_fscore_support(s, 1, 'macro') AS macro
FROM (SELECT vqc.confusion_agg(y_true, y_pred) s FROM pred) x;

-- 4. Binary averages: pos_label (default 1), zero_division ('warn' is 0)
SELECT vqc.precision_score(y_true, y_pred) AS p_pos1,
       vqc.precision_score(y_true, y_pred, 'binary', '0') AS p_pos0,
       vqc.recall_score(y_true, 0 * y_pred, 'binary') AS r_nothing_predicted,
       vqc.precision_score(y_true, 0 * y_pred, 'binary') AS p_warn,
       vqc.precision_score(y_true, 0 * y_pred, 'binary', NULL, '1') AS p_zd1,
       vqc.f1_score(0 * y_true, 0 * y_pred) AS f1_pos_absent,
       vqc.f1_score(0 * y_true, 0 * y_pred, 'binary', NULL, '1') AS f1_pos_absent_zd1
FROM pred WHERE y_true < 2;
-- booleans: pos_label 1 is true; strings need their own pos_label
SELECT vqc.f1_score(x > 2, x > 3) AS f1_bool,
       vqc.recall_score(x > 2, x > 3, 'binary', 'false') AS recall_false
FROM generate_series(1, 6) x;
SELECT vqc.precision_score(t, p, 'binary', 'dog') AS p_dog FROM pred WHERE t <> 'bird' AND p <> 'bird';

-- 5. Labels: integer and numeric labels of equal value are one class,
-- floats by value (-0 = 0), text by code point, numbers by value (10 > 9)
SELECT vqc.confusion_matrix(a, b) FROM (VALUES (1, 1.00), (2, 2.0), (10, 9.5)) v(a, b);
SELECT vqc.confusion_matrix(a, b) FROM (VALUES (-0.0::float8, 0::float4), (0.1, 0.1::float4)) v(a, b);
SELECT vqc.confusion_matrix(a, b) FROM (VALUES ('b', 'B'), ('é', 'a')) v(a, b);
SELECT vqc.confusion_matrix(a, b) FROM (VALUES ('2024-01-01'::date, '2024-01-02'::date)) v(a, b);

-- 6. No rows, only skipped rows, one class
SELECT vqc.accuracy_score(y_true, y_pred) AS none, vqc.f1_score(y_true, y_pred, 'macro') AS none_f1
FROM pred WHERE false;
SELECT vqc.accuracy_score(y_true, y_pred) AS only_nulls FROM pred WHERE id >= 7;
SELECT vqc.accuracy_score(1, 1) AS acc, vqc.matthews_corrcoef(1, 1) AS mcc,
       vqc.cohen_kappa_score(1, 1) AS kappa, vqc.f1_score(1, 1) AS f1;

-- 7. Merge = whole, and the text form round trip
SELECT vqc.confusion_matrix(vqc.merge_agg(s)) = (SELECT vqc.confusion_matrix(y_true, y_pred) FROM pred) AS merged_equals_whole,
       vqc.confusion_skipped(vqc.merge_agg(s)) AS skipped
FROM (SELECT vqc.confusion_agg(y_true, y_pred) s FROM pred GROUP BY id % 3) x;
SELECT vqc.confusion_matrix(vqc.merge(a, b))
FROM (SELECT vqc.confusion_agg(y_true, y_pred) FILTER (WHERE id < 4) a,
             vqc.confusion_agg(y_true, y_pred) FILTER (WHERE id >= 4) b FROM pred) x;
SELECT s::text::vqc.confusion_state::text = s::text AS text_round_trip,
       pg_temp.recv(vqc.confusion_state_send(s), 'vqc.confusion_state') = s::text AS binary_round_trip
FROM (SELECT vqc.confusion_agg(t, p) s FROM pred) x;

-- 8. Bad arguments
SELECT pg_temp.try($$SELECT vqc.f1_score(y_true, t) FROM pred$$) AS types_differ;
SELECT pg_temp.try($$SELECT vqc.f1_score(y_true::float8, y_pred) FROM pred$$) AS float_and_int;
SELECT pg_temp.try($$SELECT vqc.f1_score(y_true, y_pred) FROM pred$$) AS binary_of_three;
SELECT pg_temp.try($$SELECT vqc.f1_score(y_true, y_pred, 'samples') FROM pred$$) AS samples;
SELECT pg_temp.try($$SELECT vqc.f1_score(y_true, y_pred, NULL) FROM pred$$) AS average_null;
SELECT pg_temp.try($$SELECT vqc.f1_score(vqc.confusion_agg(y_true, y_pred), NULL) FROM pred$$) AS accessor_average_null;
SELECT pg_temp.try($$SELECT vqc.f1_score(y_true, y_pred, 'binary', '7') FROM pred WHERE y_true < 2$$) AS pos_label_absent;
SELECT pg_temp.try($$SELECT vqc.f1_score(y_true, y_pred, 'binary', 'x') FROM pred WHERE y_true < 2$$) AS pos_label_not_number;
SELECT pg_temp.try($$SELECT vqc.f1_score(y_true, y_pred, 'macro', NULL, '2') FROM pred$$) AS zero_division;
SELECT pg_temp.try($$SELECT vqc.fbeta_score(y_true, y_pred, -1, 'macro') FROM pred$$) AS beta_negative;
SELECT pg_temp.try($$SELECT vqc.fbeta_score(y_true, y_pred, NULL, 'macro') FROM pred$$) AS beta_null;
SELECT pg_temp.try($$SELECT vqc.cohen_kappa_score(y_true, y_pred, 'cubic') FROM pred$$) AS weights;
SELECT pg_temp.try($$SELECT vqc.merge(a, b) FROM (SELECT vqc.confusion_agg(y_true, y_pred) a, vqc.confusion_agg(t, p) b FROM pred) x$$) AS merge_kinds;
SELECT pg_temp.try($$SELECT vqc.confusion_agg(x, x) FROM generate_series(1, 70000) x$$) AS too_many_classes;
SELECT pg_temp.try($$SELECT vqc.confusion_transfn(NULL, 1, 1)$$) AS outside_aggregate;

-- 9. Corrupt confusion states: 22P02 (text) or 22P03 (binary), never a
-- crash.  put(state, byte offset, hex) overwrites bytes of a text form.
CREATE FUNCTION pg_temp.put(s text, off int, h text) RETURNS text
LANGUAGE sql AS $$ SELECT overlay(s placing h from 2 * off + 1) $$;
-- class "1", cell (0, 0) counted 5.  Bytes: magic 0, version 4, flags 6,
-- skipped 8, nlabels 16, label length 20, label 24, ncells 25, cell 29
-- (true 29, predicted 33, count 37), 45 bytes.
SELECT vqc.confusion_agg(x, x)::text AS ok FROM (VALUES (1), (1), (1), (1), (1)) v(x) \gset
SELECT :'ok' AS ok, length(:'ok') / 2 AS bytes, vqc.confusion_matrix(:'ok'::vqc.confusion_state) AS matrix;
SELECT pg_temp.try_in(pg_temp.put(:'ok', 0, '56514344'), 'vqc.confusion_state') AS magic,
       pg_temp.try_in(pg_temp.put(:'ok', 4, '0002'), 'vqc.confusion_state') AS version,
       pg_temp.try_in(pg_temp.put(:'ok', 6, '0081'), 'vqc.confusion_state') AS flags,
       pg_temp.try_in(pg_temp.put(:'ok', 6, '0000'), 'vqc.confusion_state') AS no_kind,
       pg_temp.try_in(pg_temp.put(:'ok', 8, 'ff'), 'vqc.confusion_state') AS skipped_negative,
       pg_temp.try_in(:'ok' || '00', 'vqc.confusion_state') AS trailing,
       pg_temp.try_in(left(:'ok', 60), 'vqc.confusion_state') AS truncated,
       pg_temp.try_in(left(:'ok', 61), 'vqc.confusion_state') AS odd_digits;
SELECT pg_temp.try_in(pg_temp.put(:'ok', 16, '7fffffff'), 'vqc.confusion_state') AS nlabels,
       pg_temp.try_in(pg_temp.put(:'ok', 20, 'ffffffff'), 'vqc.confusion_state') AS label_length,
       pg_temp.try_in(pg_temp.put(:'ok', 24, '41'), 'vqc.confusion_state') AS not_a_number,
       pg_temp.try_in(pg_temp.put(:'ok', 6, '0003'), 'vqc.confusion_state') AS not_a_boolean,
       pg_temp.try_in(pg_temp.put(:'ok', 6, '0004'), 'vqc.confusion_state') AS as_text_labels,
       pg_temp.try_in(pg_temp.put(:'ok', 24, 'ff'), 'vqc.confusion_state') AS bad_utf8,
       pg_temp.try_in(pg_temp.put(:'ok', 25, '00000002'), 'vqc.confusion_state') AS ncells,
       pg_temp.try_in(pg_temp.put(:'ok', 33, '00000001'), 'vqc.confusion_state') AS bad_class,
       pg_temp.try_in(pg_temp.put(:'ok', 37, '0000000000000000'), 'vqc.confusion_state') AS zero_count,
       pg_temp.try_in(pg_temp.put(:'ok', 37, 'ffffffffffffffff'), 'vqc.confusion_state') AS negative_count,
       pg_temp.try_recv(decode(left(:'ok', 70), 'hex'), 'vqc.confusion_state') AS recv_truncated;
-- two labels, a cell twice; labels "1" and "1"
SELECT pg_temp.try_in(pg_temp.put(:'ok' || '000000000000000000000000000000000005', 25, '00000002'), 'vqc.confusion_state') AS cell_twice,
       pg_temp.try_in(overlay(:'ok' placing '000000020000000131000000013100000000' from 33 for 18), 'vqc.confusion_state') AS label_twice;
-- the options a metric aggregate keeps in its state (bytes 45 on: average,
-- zero_division, weights, has pos_label, beta at 49, pos_label at 57)
CREATE AGGREGATE pg_temp.prf_state("any", "any", text, text, text) (
    SFUNC = vqc.confusion_prf_transfn, STYPE = vqc.confusion_state);
SELECT pg_temp.prf_state(x, x, 'binary', '1', '1')::text AS with_opts,
       vqc.confusion_agg(x, x)::text AS without_opts
FROM (VALUES (1)) v(x) \gset
SELECT vqc.f1_score(vqc.merge(:'with_opts'::vqc.confusion_state, :'without_opts')) AS f1_merged,
       pg_temp.try_in(pg_temp.put(:'with_opts', 45, '09'), 'vqc.confusion_state') AS bad_average,
       pg_temp.try_in(pg_temp.put(:'with_opts', 49, 'fff8000000000000'), 'vqc.confusion_state') AS nan_beta;

-- 10. Scores: ROC AUC and average precision exact with ties, log loss,
-- Brier, calibration; NULL rows skipped; the confusion state at a threshold
SELECT round(vqc.roc_auc_score(y_true, score)::numeric, 6) AS auc,            -- 0.555556
       round(vqc.average_precision_score(y_true, score)::numeric, 6) AS ap,   -- 0.533333
       round(vqc.log_loss(y_true, score)::numeric, 6) AS log_loss,            -- 0.735813
       round(vqc.brier_score_loss(y_true, score)::numeric, 6) AS brier,       -- 0.272083
       round(vqc.calibration_error(y_true, score, 3)::numeric, 6) AS ece
FROM pred WHERE y_true < 2 OR y_true IS NULL;
SELECT vqc.calibration_curve(y_true, score, 3) FROM pred WHERE y_true < 2 OR y_true IS NULL;
SELECT vqc.score_count(s) AS scored, vqc.score_skipped(s) AS skipped,
       round(vqc.roc_auc_score(s)::numeric, 6) AS auc,
       vqc.confusion_matrix(vqc.confusion_at_threshold(s, 0.4)) AS at_04,
       vqc.f1_score(vqc.confusion_at_threshold(s, 0.4)) AS f1_at_04
FROM (SELECT vqc.score_agg(y_true, score) s FROM pred WHERE y_true < 2 OR y_true IS NULL) x;
-- booleans; one class (AUC and log loss NULL, as scikit-learn raises); none
SELECT vqc.roc_auc_score(x > 5, x / 10.0) AS auc_bool, vqc.average_precision_score(x > 5, x / 10.0) AS ap_bool
FROM generate_series(1, 10) x;
SELECT vqc.roc_auc_score(0, x / 10.0) AS auc_one_class, vqc.log_loss(0, x / 10.0) AS log_loss_one_class,
       vqc.average_precision_score(0, x / 10.0) AS ap_no_positive, vqc.brier_score_loss(0, x / 10.0) AS brier
FROM generate_series(1, 10) x;
SELECT vqc.roc_auc_score(1, 0.5) AS none FROM pred WHERE false;
-- merge = whole
SELECT vqc.roc_auc_score(vqc.merge_agg(s)) = (SELECT vqc.roc_auc_score(x % 2, (x % 7) / 7.0) FROM generate_series(1, 1000) x) AS auc_merged
FROM (SELECT vqc.score_agg(x % 2, (x % 7) / 7.0) s FROM generate_series(1, 1000) x GROUP BY x % 8) g;
SELECT s::text::vqc.score_state::text = s::text AS text_round_trip,
       pg_temp.recv(vqc.score_state_send(s), 'vqc.score_state') = s::text AS binary_round_trip
FROM (SELECT vqc.score_agg(x % 2, x / 7.0) s FROM generate_series(1, 20) x) x;

-- 11. Bad scores and arguments
SELECT pg_temp.try($$SELECT vqc.roc_auc_score(y_true, 'NaN') FROM pred$$) AS nan_score;
SELECT pg_temp.try($$SELECT vqc.log_loss(y_true, score * 2) FROM pred WHERE y_true < 2$$) AS log_loss_outside;
SELECT pg_temp.try($$SELECT vqc.brier_score_loss(y_true, -score) FROM pred WHERE y_true < 2$$) AS brier_outside;
SELECT pg_temp.try($$SELECT vqc.log_loss(vqc.score_agg(y_true, score * 2)) FROM pred WHERE y_true < 2$$) AS state_outside;
SELECT pg_temp.try($$SELECT vqc.roc_auc_score(y_true, score) FROM pred$$) AS three_classes;
SELECT pg_temp.try($$SELECT vqc.average_precision_score(x % 2 + 2, x) FROM generate_series(1, 10) x$$) AS ap_no_label_1;
SELECT pg_temp.try($$SELECT vqc.calibration_error(y_true, score, 0) FROM pred$$) AS zero_bins;
SELECT pg_temp.try($$SELECT vqc.roc_auc_score(vqc.merge(vqc.score_agg(x % 2, x), vqc.score_agg(x % 2 = 0, x))) FROM generate_series(1, 4) x$$) AS bool_and_int;
SET vqc.exact_memory_limit = '1kB';
SELECT pg_temp.try($$SELECT vqc.roc_auc_score(x % 2, x) FROM generate_series(1, 1000) x$$) AS past_memory_limit;
SELECT vqc.score_overflowed(vqc.score_agg(x % 2, x)) AS overflowed, vqc.score_count(vqc.score_agg(x % 2, x)) AS counted,
       round(vqc.log_loss(x % 2, x / 1000.0)::numeric, 6) AS log_loss_has_no_limit
FROM generate_series(1, 1000) x;
RESET vqc.exact_memory_limit;
-- past the limit, exact by passes (no sort of the table): the same values
CREATE TABLE scored AS
SELECT (g % 3 = 0)::int AS y, round((g % 97) / 97.0, 2)::float8 AS s, g % 3 = 0 AS b FROM generate_series(1, 3000) g;
INSERT INTO scored SELECT 1, 0.5, true FROM generate_series(1, 400);   -- one value, more than the limit holds
SELECT vqc.roc_auc_score(y, s) = vqc.roc_auc_score_by_passes('scored', 'y', 's') AS auc_same_within_limit FROM scored;
SET vqc.exact_memory_limit = '1kB';
SELECT round(vqc.roc_auc_score_by_passes('scored', 'y', 's')::numeric, 12) AS auc_by_passes,
       round(vqc.average_precision_score_by_passes('scored', 'y', 's')::numeric, 12) AS ap_by_passes,
       round(vqc.roc_auc_score_by_passes('scored', 'b', 's')::numeric, 12) AS auc_boolean,
       (vqc._score_by_passes('scored', 'y', 's', 'roc_auc')).passes > 5 AS several_passes;
RESET vqc.exact_memory_limit;
SELECT round(vqc.roc_auc_score(y, s)::numeric, 12) AS auc, round(vqc.average_precision_score(y, s)::numeric, 12) AS ap FROM scored;
SELECT pg_temp.try($$SELECT vqc.roc_auc_score_by_passes('scored', 'nope', 's')$$) AS no_column,
       pg_temp.try($$SELECT vqc.roc_auc_score_by_passes('scored', 's', 'y')$$) AS score_as_label;
UPDATE scored SET y = 2 WHERE s = 0.5;
SELECT pg_temp.try($$SELECT vqc.roc_auc_score_by_passes('scored', 'y', 's')$$) AS three_classes;
UPDATE scored SET y = 1, s = 'NaN' WHERE y = 2;
SELECT pg_temp.try($$SELECT vqc.average_precision_score_by_passes('scored', 'y', 's')$$) AS nan_score;

-- 12. Corrupt score states: 22P02.  Labels 0 and 1 with one score each.
-- Bytes: magic 0, version 4, flags 6, skipped 8, nlabels 16, labels 20
-- and 28, rows 36 and 44, scores 52 and 60 (as vqc.value_key gives them:
-- 0 and 0.25), 68 bytes.
SELECT vqc.score_agg(x, x / 4.0)::text AS sok FROM (VALUES (0), (1)) v(x) \gset
SELECT :'sok' AS sok, length(:'sok') / 2 AS bytes, vqc.roc_auc_score(:'sok'::vqc.score_state) AS auc;
SELECT pg_temp.try_in(pg_temp.put(:'sok', 52, '7ff8000000000000'), 'vqc.score_state') AS nan_key,
       pg_temp.try_in(pg_temp.put(:'sok', 52, 'ffffffffffffffff'), 'vqc.score_state') AS negative_zero_key,
       pg_temp.try_in(pg_temp.put(:'sok', 16, '00000003'), 'vqc.score_state') AS three_labels,
       pg_temp.try_in(pg_temp.put(:'sok', 28, '0000000000000000'), 'vqc.score_state') AS same_label,
       pg_temp.try_in(pg_temp.put(:'sok', 36, '0000000000000002'), 'vqc.score_state') AS more_rows_than_scores,
       pg_temp.try_in(pg_temp.put(:'sok', 36, 'ffffffffffffffff'), 'vqc.score_state') AS negative_rows,
       pg_temp.try_in(left(:'sok', 120), 'vqc.score_state') AS truncated,
       pg_temp.try_in(pg_temp.put(:'sok', 6, '0018'), 'vqc.score_state') AS mode,
       pg_temp.try_in(pg_temp.put(:'sok', 6, '0008'), 'vqc.score_state') AS sums_need_sums,
       pg_temp.try_in(pg_temp.put(pg_temp.put(:'sok', 6, '0002'), 28, '0000000000000002'), 'vqc.score_state') AS boolean_label_2;
-- a sorted state (flag 0x20) must be in order: one label, scores at 36, 44
SELECT vqc.score_agg(0, x / 4.0)::text AS two FROM (VALUES (2), (1)) v(x) \gset
SELECT :'two' AS sorted_state,
       pg_temp.try_in(pg_temp.put(pg_temp.put(:'two', 36, '3fe0000000000000'), 44, '3fd0000000000000'), 'vqc.score_state') AS out_of_order,
       pg_temp.try_in(pg_temp.put(pg_temp.put(pg_temp.put(:'two', 6, '0000'), 36, '3fe0000000000000'), 44, '3fd0000000000000'), 'vqc.score_state') AS unsorted_ok;
-- states of loss sums and of calibration bins, through aggregates of the
-- user's over vqc's transition functions
CREATE AGGREGATE pg_temp.sums(int8, float8) (SFUNC = vqc.score_sums_transfn, STYPE = vqc.score_state);
CREATE AGGREGATE pg_temp.bins(int8, float8, int4) (SFUNC = vqc.score_bins_transfn, STYPE = vqc.score_state);
SELECT round(vqc.log_loss(pg_temp.sums(x % 2, x / 10.0))::numeric, 6) AS log_loss,
       round(vqc.brier_score_loss(pg_temp.sums(x % 2, x / 10.0))::numeric, 6) AS brier,
       round(vqc.calibration_error(pg_temp.bins(x % 2, x / 10.0, 4))::numeric, 6) AS ece,
       round(vqc.calibration_error(vqc.score_agg(x % 2, x / 10.0), 4)::numeric, 6) AS ece_from_scores
FROM generate_series(0, 10) x;
SELECT pg_temp.try($$SELECT vqc.roc_auc_score(pg_temp.sums(x % 2, x / 10.0)) FROM generate_series(0, 10) x$$) AS auc_of_sums,
       pg_temp.try($$SELECT vqc.calibration_error(pg_temp.bins(x % 2, x / 10.0, 4), 5) FROM generate_series(0, 10) x$$) AS other_bins,
       pg_temp.try($$SELECT vqc.merge(vqc.score_agg(x % 2, x / 10.0), pg_temp.sums(x % 2, x / 10.0)) FROM generate_series(0, 10) x$$) AS merge_modes;
SELECT pg_temp.sums(x % 2, x / 10.0)::text AS sums_state, pg_temp.bins(x % 2, x / 10.0, 2)::text AS bins_state
FROM generate_series(0, 10) x \gset
SELECT pg_temp.try_in(:'sums_state', 'vqc.score_state') AS sums_ok,
       pg_temp.try_in(pg_temp.put(:'sums_state', 52, 'bff0000000000000'), 'vqc.score_state') AS negative_sum,
       pg_temp.try_in(:'bins_state', 'vqc.score_state') AS bins_ok,
       pg_temp.try_in(pg_temp.put(:'bins_state', 52, '00000000'), 'vqc.score_state') AS zero_bins,
       pg_temp.try_in(pg_temp.put(:'bins_state', 56, '0000000000000009'), 'vqc.score_state') AS bins_do_not_add_up;
