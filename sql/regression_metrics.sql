-- vqc.regression_state and scikit-learn's regression metrics
\set VERBOSITY terse
\i sql/include/state_helpers.psql
\i sql/include/metric_helpers.psql

-- scikit-learn's documentation examples: MAE 0.5, MSE 0.375, RMSE 0.6124,
-- MAPE 0.3274, R² 0.9486, max error 1
CREATE TABLE reg_doc (i int, y float8, p float8);
INSERT INTO reg_doc VALUES (1, 3, 2.5), (2, -0.5, 0.0), (3, 2, 2), (4, 7, 8);
SELECT round(vqc.mean_absolute_error(y, p)::numeric, 12) AS mae,
       round(vqc.mean_squared_error(y, p)::numeric, 12) AS mse,
       round(vqc.root_mean_squared_error(y, p)::numeric, 12) AS rmse,
       round(vqc.mean_absolute_percentage_error(y, p)::numeric, 12) AS mape,
       round(vqc.r2_score(y, p)::numeric, 12) AS r2,
       vqc.max_error(y, p) AS max_error
  FROM reg_doc;
-- the state and its accessors give the same; the jsonb has them all
SELECT vqc.regression_to_jsonb(s) = jsonb_build_object(
           'count', 4, 'null_count', 0, 'mean_absolute_error', vqc.mean_absolute_error(s),
           'mean_squared_error', vqc.mean_squared_error(s), 'root_mean_squared_error', vqc.root_mean_squared_error(s),
           'mean_absolute_percentage_error', vqc.mean_absolute_percentage_error(s),
           'r2_score', vqc.r2_score(s), 'max_error', vqc.max_error(s)) AS jsonb_agrees
  FROM (SELECT vqc.regression_agg(y, p) s FROM reg_doc) x;

-- integer columns through the implicit cast to float8; a numeric column
-- makes it the numeric aggregate (exact, sql/regression_numeric.sql)
SELECT vqc.mean_absolute_error(y::int, (p * 2)::int) FROM reg_doc;
SELECT vqc.mean_absolute_error(y::int, (p * 2)::numeric) FROM reg_doc;

-- a pair with a NULL is skipped and counted; no pairs: NULL metrics
SELECT vqc.regression_count(s), vqc.regression_null_count(s), vqc.mean_absolute_error(s)
  FROM (SELECT vqc.regression_agg(y, p) s
          FROM (VALUES (1::float8, 2::float8), (NULL, 1), (2, NULL), (NULL, NULL)) v(y, p)) x;
SELECT vqc.regression_count(s), vqc.mean_absolute_error(s), vqc.r2_score(s), vqc.max_error(s),
       vqc.regression_to_jsonb(s)
  FROM (SELECT vqc.regression_agg(y, p) s FROM reg_doc WHERE false) x;
SELECT vqc.mean_squared_error(y, p) FROM reg_doc WHERE false;

-- R²: one pair is undefined (NULL); constant y_true gives 1 when perfect, else 0
SELECT vqc.r2_score(y, p) FROM reg_doc WHERE i = 1;
SELECT vqc.r2_score(5, 5) AS perfect, vqc.r2_score(5, CASE WHEN g = 3 THEN 6 ELSE 5 END) AS off
  FROM generate_series(1, 4) g;

-- MAPE: a zero actual divides by float8's epsilon, as scikit-learn
SELECT vqc.mean_absolute_percentage_error(0, 1) = 1 / 2.220446049250313e-16 AS eps_rule;

-- merged states give the whole's metrics
SELECT vqc.regression_to_jsonb(vqc.merge_agg(s)) = (SELECT vqc.regression_to_jsonb(vqc.regression_agg(y, p)) FROM reg_doc)
       AS merge_is_whole
  FROM (SELECT vqc.regression_agg(y, p) s FROM reg_doc GROUP BY i % 2) x;
SELECT vqc.regression_count(vqc.merge_agg(s)) FROM (SELECT NULL::vqc.regression_state s) x;

-- bad input: NaN and infinite values are refused (22023); sums leaving the
-- float8 range raise 22003; the functions are for aggregates only
SELECT pg_temp.try_sql($$SELECT vqc.mean_absolute_error(y, 'NaN') FROM reg_doc$$);
SELECT pg_temp.try_sql($$SELECT vqc.r2_score('-Infinity', p) FROM reg_doc$$);
SELECT pg_temp.try_sql($$SELECT vqc.mean_squared_error(1e200::float8, -1e200::float8)$$);
SELECT pg_temp.try_sql($$SELECT vqc.regression_transfn(NULL, 1, 2)::text$$);

-- text and binary forms: round trip, and malformed states refused
CREATE TEMP TABLE reg_state AS SELECT vqc.regression_agg(y, p)::text AS s FROM reg_doc;
SELECT s::vqc.regression_state::text = s AS text_round_trip,
       pg_temp.recv(vqc.regression_state_send(s::vqc.regression_state), 'vqc.regression_state') = s AS binary_round_trip,
       length(s) AS hex_digits
  FROM reg_state;
SELECT name, pg_temp.try_in(v, 'vqc.regression_state') AS text_in,
       pg_temp.try_recv(decode(v, 'hex'), 'vqc.regression_state') AS binary_in
  FROM reg_state,
       LATERAL (VALUES ('valid', s),
                       ('magic', '00' || substr(s, 3)),
                       ('version 2', substr(s, 1, 11) || '2' || substr(s, 13)),
                       ('flags', substr(s, 1, 15) || '1' || substr(s, 17)),
                       ('truncated', substr(s, 1, length(s) - 2)),
                       ('trailing', s || '00'),
                       ('upper case', upper(s)),
                       ('negative count', substr(s, 1, 16) || 'ff' || substr(s, 19)),
                       ('NaN sum', substr(s, 1, 48) || '7ff8000000000000' || substr(s, 65)),
                       ('negative sum', substr(s, 1, 48) || 'bff0000000000000' || substr(s, 65)),
                       ('no pairs with sums', substr(s, 1, 16) || '0000000000000000' || substr(s, 33))) v(name, v)
 ORDER BY name;

-- a forced parallel plan gives Partial Aggregate and the serial plan's result
CREATE TABLE reg_big AS SELECT g, sin(g)::float8 * 100 AS y, sin(g)::float8 * 100 + cos(g * 7) AS p
  FROM generate_series(1, 100000) g;
ANALYZE reg_big;
CREATE TEMP TABLE reg_serial AS SELECT vqc.regression_to_jsonb(vqc.regression_agg(y, p)) j FROM reg_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT pg_temp.plan_has('SELECT vqc.r2_score(y, p) FROM reg_big', 'Partial Aggregate') AS parallel_plan;
SELECT abs((j->>'r2_score')::float8 - (SELECT vqc.r2_score(y, p) FROM reg_big)) < 1e-12 AS r2_same,
       abs((j->>'mean_absolute_error')::float8 - (SELECT vqc.mean_absolute_error(y, p) FROM reg_big)) < 1e-12 AS mae_same,
       (j->>'max_error')::float8 = (SELECT vqc.max_error(y, p) FROM reg_big) AS max_same
  FROM reg_serial;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
