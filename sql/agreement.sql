-- vqc.agreement_state: percent agreement, Fleiss' kappa, Krippendorff's
-- alpha and Cohen's kappa from long-format ratings
\set VERBOSITY terse
\i sql/include/state_helpers.psql
\i sql/include/metric_helpers.psql

-- Krippendorff's worked example (Content Analysis, 2004, p. 230): 4 coders,
-- 12 units, missing ratings; alpha nominal 0.743, ordinal 0.815, interval 0.849
-- (Krippendorff, Computing Krippendorff's alpha-reliability, 2011)
CREATE TABLE kr (unit int, coder text, value int);
INSERT INTO kr
SELECT unit, coder, value
  FROM (VALUES ('A', ARRAY[1, 2, 3, 3, 2, 1, 4, 1, 2, NULL, NULL, NULL]),
               ('B', ARRAY[1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NULL, 3]),
               ('C', ARRAY[NULL, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NULL]),
               ('D', ARRAY[1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NULL])) c(coder, vals),
       unnest(vals) WITH ORDINALITY u(value, unit);
SELECT round(vqc.krippendorff_alpha(unit, coder, value, 'nominal')::numeric, 3) AS nominal,
       round(vqc.krippendorff_alpha(unit, coder, value, 'interval')::numeric, 3) AS interval,
       round(vqc.krippendorff_alpha(unit, coder, value, 'ordinal')::numeric, 3) AS ordinal,
       round(vqc.percent_agreement(unit, value)::numeric, 6) AS percent
  FROM kr;
-- the state: every measure from one scan, NULL ratings skipped and counted
SELECT vqc.agreement_count(s), vqc.agreement_null_count(s),
       round(vqc.krippendorff_alpha(s, 'nominal')::numeric, 3) AS nominal,
       round(vqc.percent_agreement(s)::numeric, 6) AS percent
  FROM (SELECT vqc.agreement_agg(unit, coder, value) s FROM kr) x;
-- any types: text items and labels, numeric labels read as numbers
SELECT round(vqc.krippendorff_alpha('u' || unit, coder::varchar, (value * 1.0)::numeric, 'interval')::numeric, 3) AS interval
  FROM kr;

-- Fleiss' kappa (Fleiss 1971's table, as statsmodels' test: 0.2099):
-- 10 items, 14 ratings each, 5 categories
CREATE TABLE fl (item int, label text);
INSERT INTO fl
SELECT i, 'c' || c
  FROM (VALUES (1, ARRAY[0, 0, 0, 0, 14]), (2, ARRAY[0, 2, 6, 4, 2]), (3, ARRAY[0, 0, 3, 5, 6]),
               (4, ARRAY[0, 3, 9, 2, 0]), (5, ARRAY[2, 2, 8, 1, 1]), (6, ARRAY[7, 7, 0, 0, 0]),
               (7, ARRAY[3, 2, 6, 3, 0]), (8, ARRAY[2, 5, 3, 2, 2]), (9, ARRAY[6, 5, 2, 1, 0]),
               (10, ARRAY[0, 2, 2, 3, 7])) t(i, counts),
       generate_subscripts(counts, 1) c, generate_series(1, counts[c]);
SELECT round(vqc.fleiss_kappa(item, label)::numeric, 4) AS fleiss, round(vqc.percent_agreement(item, label)::numeric, 4) AS percent
  FROM fl;
-- one label only: kappa is 0 / 0 (NULL), alpha is 1 (NLTK)
SELECT vqc.fleiss_kappa(item, 'same') AS fleiss, vqc.krippendorff_alpha(item, ctid, 'same', 'nominal') AS alpha
  FROM fl WHERE item < 3;

-- Cohen's kappa of two annotators, over the items both rated
CREATE TABLE ck (item int, annotator text, label int);
INSERT INTO ck VALUES (1, 'x', 1), (1, 'y', 1), (2, 'x', 2), (2, 'y', 3), (3, 'x', 3), (3, 'y', 3),
                      (4, 'x', 1), (4, 'y', 2), (5, 'x', 2), (5, 'y', 2), (6, 'x', 3);
-- scikit-learn: cohen_kappa_score([1, 2, 3, 1, 2], [1, 3, 3, 2, 2]) = 0.411764705882,
-- weights='linear' 0.545454545455, weights='quadratic' 0.6875
SELECT round(vqc.cohen_kappa(item, annotator, label)::numeric, 12) AS unweighted,
       round(vqc.cohen_kappa(item, annotator, label, 'linear')::numeric, 12) AS linear,
       round(vqc.cohen_kappa(item, annotator, label, 'quadratic')::numeric, 12) AS quadratic,
       round(vqc.cohen_kappa(vqc.agreement_agg(item, annotator, label), 'quadratic')::numeric, 12) AS from_state
  FROM ck;

-- merged states give the whole's measures
SELECT vqc.krippendorff_alpha(vqc.merge_agg(s), 'interval') = (SELECT vqc.krippendorff_alpha(unit, coder, value, 'interval') FROM kr)
       AS merge_is_whole
  FROM (SELECT vqc.agreement_agg(unit, coder, value) s FROM kr GROUP BY unit % 3) x;
-- no ratings: NULL
SELECT vqc.fleiss_kappa(item, label), vqc.krippendorff_alpha(item, 1, label, 'nominal'), vqc.cohen_kappa(item, 1, label)
  FROM fl WHERE false;

-- bad input: one annotator where two are needed, unequal ratings for
-- Fleiss, duplicates for Cohen, unknown level or weights, non-numeric labels
SELECT pg_temp.try_sql($$SELECT vqc.krippendorff_alpha(unit, 'one', value, 'nominal') FROM kr$$);
SELECT pg_temp.try_sql($$SELECT vqc.cohen_kappa(item, 'one', label) FROM ck$$);
SELECT pg_temp.try_sql($$SELECT vqc.cohen_kappa(unit, coder, value) FROM kr$$);
SELECT pg_temp.try_sql($$SELECT vqc.cohen_kappa(item, annotator, label) FROM (SELECT * FROM ck UNION ALL SELECT 1, 'x', 2) d$$);
SELECT pg_temp.try_sql($$SELECT vqc.fleiss_kappa(unit, value) FROM kr$$);
SELECT pg_temp.try_sql($$SELECT vqc.fleiss_kappa(item, label) FROM (SELECT DISTINCT ON (item) * FROM fl) d$$);
SELECT pg_temp.try_sql($$SELECT vqc.krippendorff_alpha(unit, coder, value, 'ratio') FROM kr$$);
SELECT pg_temp.try_sql($$SELECT vqc.krippendorff_alpha(unit, coder, value, NULL) FROM kr$$);
SELECT pg_temp.try_sql($$SELECT vqc.cohen_kappa(item, annotator, label, 'cubic') FROM ck$$);
SELECT pg_temp.try_sql($$SELECT vqc.krippendorff_alpha(item, 1, label, 'interval') FROM fl$$);
SELECT pg_temp.try_sql($$SELECT vqc.krippendorff_alpha(vqc.agreement_agg(unit, coder, value)) FROM kr$$);
-- a state of (item, label) ratings, as vqc.fleiss_kappa takes them, does not merge with annotated ones
SELECT pg_temp.try_sql($$SELECT vqc.merge_agg(s)::text FROM (SELECT vqc.agreement_agg(item, 1, label) s FROM fl
                         UNION ALL SELECT '565143410001002000000000000000000000000000000000') y$$);
SELECT pg_temp.try_sql($$SELECT vqc.agreement_transfn(NULL, 1, 2, 3)::text$$);

-- text and binary forms: round trip, and malformed states refused
CREATE TEMP TABLE ag_state AS SELECT vqc.agreement_agg(item, annotator, label)::text AS s FROM ck WHERE item < 3;
SELECT s, s::vqc.agreement_state::text = s AS text_round_trip,
       pg_temp.recv(vqc.agreement_state_send(s::vqc.agreement_state), 'vqc.agreement_state') = s AS binary_round_trip
  FROM ag_state;
SELECT name, pg_temp.try_in(v, 'vqc.agreement_state') AS text_in,
       pg_temp.try_recv(decode(v, 'hex'), 'vqc.agreement_state') AS binary_in
  FROM ag_state,
       LATERAL (VALUES ('valid', s),
                       ('magic', '00' || substr(s, 3)),
                       ('version 2', substr(s, 1, 11) || '2' || substr(s, 13)),
                       ('unknown flag', substr(s, 1, 12) || '0100' || substr(s, 17)),
                       ('with and without annotators', substr(s, 1, 12) || '0030' || substr(s, 17)),
                       ('option 7', substr(s, 1, 12) || '0017' || substr(s, 17)),
                       ('unbound with ratings', substr(s, 1, 12) || '0000' || substr(s, 17)),
                       ('truncated', substr(s, 1, length(s) - 2)),
                       ('trailing', s || '00'),
                       ('more ratings', substr(s, 1, 16) || '0000000000000005' || substr(s, 33)),
                       ('invalid UTF-8', substr(s, 1, length(s) - 2) || 'ff')) v(name, v)
 ORDER BY name;

-- a forced parallel plan gives Partial Aggregate and the serial plan's result
CREATE TABLE ag_big AS SELECT g / 5 AS item, 'a' || g % 5 AS annotator, (g * 7919 / 3) % 4 AS label
  FROM generate_series(1, 50000) g;
ANALYZE ag_big;
CREATE TEMP TABLE ag_serial AS SELECT vqc.krippendorff_alpha(item, annotator, label, 'ordinal') a FROM ag_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT pg_temp.plan_has($$SELECT vqc.krippendorff_alpha(item, annotator, label, 'ordinal') FROM ag_big$$, 'Partial Aggregate')
       AS parallel_plan;
SELECT a = (SELECT vqc.krippendorff_alpha(item, annotator, label, 'ordinal') FROM ag_big) AS same FROM ag_serial;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
