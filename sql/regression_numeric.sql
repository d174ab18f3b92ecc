-- regression metrics over numeric columns: exact decimal arithmetic
\set VERBOSITY terse
\i sql/include/metric_helpers.psql

-- money-like amounts: prices and their forecasts, cents exact
CREATE TABLE rn (y numeric(12, 2), p numeric(12, 2));
INSERT INTO rn SELECT round((g * 7919 % 100000) / 100.0, 2), round((g * 7919 % 100000) / 100.0 + ((g * 31) % 201 - 100) / 100.0, 2)
  FROM generate_series(1, 5000) g;
INSERT INTO rn VALUES (NULL, 1), (2, NULL), (0, 0.01), (0, 0);
-- each metric equals the same expression written in SQL over numeric, digit for digit
\set eps 0.0000000000000002220446049250313080847263336181640625
SELECT vqc.mean_absolute_error(y, p) = avg(abs(y - p)) AS mae,
       vqc.mean_squared_error(y, p) = avg((y - p) * (y - p)) AS mse,
       vqc.root_mean_squared_error(y, p) = sqrt(avg((y - p) * (y - p))) AS rmse,
       vqc.mean_absolute_percentage_error(y, p) = avg(abs(y - p) / greatest(abs(y), :eps)) AS mape,
       vqc.r2_score(y, p) = 1 - count(*) * sum((y - p) * (y - p)) / (count(*) * sum(y * y) - sum(y) * sum(y)) AS r2,
       vqc.max_error(y, p) = max(abs(y - p)) AS max_error
  FROM rn WHERE y IS NOT NULL AND p IS NOT NULL;
SELECT pg_typeof(vqc.mean_absolute_error(y, p)) AS result_type, vqc.mean_absolute_error(y, p), vqc.max_error(y, p),
       round(vqc.r2_score(y, p), 12) AS r2
  FROM rn;
-- against float8: 19.99 forecast as 20.00 is off by exactly one cent, and
-- a cent on 10^15 is not lost
SELECT vqc.mean_absolute_error(y, p) AS exact, vqc.mean_absolute_error(y::float8, p::float8) AS float8
  FROM (VALUES (19.99, 20.00)) v(y, p);
SELECT vqc.mean_absolute_error(y, p) AS exact, vqc.mean_absolute_error(y::float8, p::float8) AS float8
  FROM (VALUES (1000000000000000.01, 1000000000000000.00)) v(y, p);
-- no pairs: NULL; one pair: R^2 NULL; constant y_true: R^2 1 when exact, else 0
SELECT vqc.mean_absolute_error(y, p) IS NULL AS no_pairs, vqc.r2_score(y, p) IS NULL AS no_pairs_r2 FROM rn WHERE false;
SELECT vqc.r2_score(y, p) IS NULL AS one_pair FROM (VALUES (1.5, 2.5)) v(y, p);
SELECT vqc.r2_score(y, p) AS constant_exact FROM (VALUES (3.0, 3.0), (3.00, 3)) v(y, p);
SELECT vqc.r2_score(y, p) AS constant_off FROM (VALUES (3.0, 3.5), (3.00, 3)) v(y, p);
-- MAPE with a zero actual divides by scikit-learn's eps (2^-52)
SELECT vqc.mean_absolute_percentage_error(y, p) = 0.01 / :eps / 2 AS zero_actual FROM (VALUES (0, 0.01), (1, 1)) v(y, p);
-- bad input
SELECT pg_temp.try_sql(x) FROM (VALUES
  ($$SELECT vqc.mean_absolute_error('NaN'::numeric, 1::numeric)$$),
  ($$SELECT vqc.mean_squared_error(1::numeric, 'Infinity'::numeric)$$),
  ($$SELECT vqc.max_error(1::numeric, '-Infinity'::numeric)$$)) v(x);
-- integer columns keep the float8 aggregates
SELECT pg_typeof(vqc.mean_absolute_error(1, 2)) AS integers, pg_typeof(vqc.mean_absolute_error(1::numeric, 2::float8)) AS mixed_float8;
-- a forced parallel plan merges the workers' exact sums: the serial answer
CREATE TEMP TABLE rn_serial AS
SELECT vqc.mean_absolute_error(y, p) mae, vqc.r2_score(y, p) r2, vqc.max_error(y, p) mx,
       vqc.mean_absolute_percentage_error(y, p) mape FROM rn;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT pg_temp.plan_has('SELECT vqc.mean_absolute_error(y, p) FROM rn', 'Partial Aggregate') AS parallel_plan;
SELECT (SELECT vqc.mean_absolute_error(y, p) FROM rn) = mae AS mae_same, (SELECT vqc.r2_score(y, p) FROM rn) = r2 AS r2_same,
       (SELECT vqc.max_error(y, p) FROM rn) = mx AS max_same,
       (SELECT vqc.mean_absolute_percentage_error(y, p) FROM rn) = mape AS mape_same
  FROM rn_serial;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
