-- The runner's scan computes each aggregate state once: the aggregates in an
-- inner SELECT, the accessors (count, overflow flag, quantiles, duplicates,
-- metrics) over them in the outer one.  PostgreSQL would merge identical
-- aggregate calls by itself; Citus ships each call's state separately, so
-- the scan must not rely on that.
CREATE SCHEMA scan_states_test;
SET search_path = scan_states_test, public;
SET client_min_messages = warning;

CREATE TABLE m (id int, x float8, y_true int, y_score float8, y_pred int);
INSERT INTO m SELECT i, (i * 37 % 101)::float8, i % 2, ((i * 7919) % 1000) / 1000.0, (i * 3 / 2) % 2 FROM generate_series(1, 500) i;
INSERT INTO m VALUES (7, NULL, 1, 0.5, 1);

SELECT vqc.create_suite('states', 'm', profile_columns => '{x}') > 0 AS created;
SELECT vqc.add_expectation('states', 'expect_column_median_to_be_between', '{"column": "x", "min_value": 0, "max_value": 100}') > 0;
SELECT vqc.add_expectation('states', 'expect_column_quantile_values_to_be_between',
       '{"column": "x", "quantile_ranges": {"quantiles": [0.25, 0.75], "value_ranges": [[0, 50], [50, 100]]}}') > 0;
SELECT vqc.add_expectation('states', 'expect_column_values_to_be_unique', '{"column": "id"}') > 0;
SELECT vqc.add_expectation('states', 'expect_column_unique_value_count_to_be_between', '{"column": "id", "min_value": 1}') > 0;
SELECT vqc.add_expectation('states', 'expect_score_metric_to_be_between',
       '{"y_true": "y_true", "y_score": "y_score", "metric": "roc_auc", "min_value": 0}') > 0;
SELECT vqc.add_expectation('states', 'expect_score_metric_to_be_between',
       '{"y_true": "y_true", "y_score": "y_score", "metric": "average_precision", "min_value": 0}') > 0;
SELECT vqc.add_expectation('states', 'expect_classification_metric_to_be_between',
       '{"y_true": "y_true", "y_pred": "y_pred", "metric": "accuracy", "min_value": 0}') > 0;
SELECT vqc.add_expectation('states', 'expect_classification_metric_to_be_between',
       '{"y_true": "y_true", "y_pred": "y_pred", "metric": "f1", "min_value": 0}') > 0;
SELECT vqc.add_expectation('states', 'expect_regression_metric_to_be_between',
       '{"y_true": "y_true", "y_pred": "y_score", "metric": "mean_absolute_error", "max_value": 1}') > 0;
SELECT vqc.add_expectation('states', 'expect_regression_metric_to_be_between',
       '{"y_true": "y_true", "y_pred": "y_score", "metric": "root_mean_squared_error", "max_value": 1}') > 0;

-- the scan's aggregate node lists each state once: one line per output
-- expression of the node (the plan's Output, split at top-level commas)
CREATE FUNCTION aggregate_outputs(suite text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    s      vqc.suite := vqc._suite(suite);
    t      regclass := vqc._suite_target(s);
    inputs record := vqc._suite_inputs(s, t);
    p      record := vqc._plan_all(t, inputs.expectations, inputs.key_columns, 20, '"BASIC"', false,
                                   inputs.profile_columns);
    line   text;
    after  boolean := false;
    item   text := '';
    depth  integer := 0;
    ch     text;
BEGIN
    FOR line IN EXECUTE format('EXPLAIN (VERBOSE, COSTS OFF) %s',
                               vqc._scan_sql(t, p.items, ARRAY(SELECT k FROM jsonb_object_keys(p.items) k ORDER BY k)))
                USING p.kwargs_all LOOP
        IF after AND line ~ '^\s*Output: ' THEN
            FOREACH ch IN ARRAY regexp_split_to_array(regexp_replace(line, '^\s*Output: ', ''), '') LOOP
                depth := depth + CASE ch WHEN '(' THEN 1 WHEN ')' THEN -1 ELSE 0 END;
                IF ch = ',' AND depth = 0 THEN
                    RETURN NEXT btrim(item);
                    item := '';
                ELSE
                    item := item || ch;
                END IF;
            END LOOP;
            RETURN NEXT btrim(item);
            RETURN;
        END IF;
        after := line ~ 'Aggregate$';
    END LOOP;
END
$$;
SELECT * FROM aggregate_outputs('states');
-- each state once, though read by several items (the median's count,
-- overflow flag and value, the quantiles; the screen's duplicates and the
-- distinct count; two score metrics and their overflow flag; two
-- classification metrics; two regression metrics; the suite's
-- profile and the median's sketch, the same call once x is left bare)
CREATE FUNCTION item_calls(suite text, agg text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    s vqc.suite := vqc._suite(suite);
    t regclass := vqc._suite_target(s);
    inputs record := vqc._suite_inputs(s, t);
    p record := vqc._plan_all(t, inputs.expectations, inputs.key_columns, 20, '"BASIC"', false, inputs.profile_columns);
BEGIN
    RETURN (SELECT count(*) FROM jsonb_each_text(p.items) i, regexp_matches(i.value, agg || '\(', 'g') m);
END
$$;
SELECT item_calls('states', 'vqc\.exact_quantile_agg') AS quantile_calls_in_items,
       item_calls('states', 'vqc\.hash_set_agg') AS hash_calls_in_items,
       item_calls('states', 'vqc\.score_agg') AS score_calls_in_items,
       item_calls('states', 'vqc\.profile_agg') AS profile_calls_in_items,
       item_calls('states', 'vqc\.confusion_agg') AS confusion_calls_in_items,
       item_calls('states', 'vqc\.regression_agg') AS regression_calls_in_items;
SELECT count(*) AS states, count(DISTINCT o) AS distinct_states,
       count(*) FILTER (WHERE o LIKE 'vqc.exact_quantile_agg%') AS quantile_collectors,
       count(*) FILTER (WHERE o LIKE 'vqc.hash_set_agg%') AS hash_screens,
       count(*) FILTER (WHERE o LIKE 'vqc.score_agg%') AS score_states,
       count(*) FILTER (WHERE o LIKE 'vqc.profile_agg%') AS profiles,
       count(*) FILTER (WHERE o LIKE 'vqc.confusion_agg%') AS confusion_states,
       count(*) FILTER (WHERE o LIKE 'vqc.regression_agg%') AS regression_states
  FROM aggregate_outputs('states') o;

-- the answers are those of the checks one at a time (each its own scan)
CREATE TEMP TABLE together AS SELECT "position", status, observed_value, unexpected_count FROM vqc.run('states');
SELECT * FROM together ORDER BY "position";
SELECT e.position, vqc.expect('m', e.expectation_type, e.kwargs) -> 'result' -> 'observed_value'
                   IS NOT DISTINCT FROM t.observed_value AS same_observed_value
  FROM (SELECT row_number() OVER (ORDER BY expectation_id) AS position, expectation_type, kwargs
          FROM vqc.suite_expectation WHERE suite_id = (SELECT suite_id FROM vqc.suite WHERE name = 'states')) e
  JOIN together t ON t.position = e.position
 ORDER BY 1;

-- the regression metrics over the shared state are their own aggregates' answers
SELECT (SELECT observed_value FROM together WHERE "position" = 9) = to_jsonb(vqc.mean_absolute_error(y_true, y_score))
           AS same_mae,
       (SELECT observed_value FROM together WHERE "position" = 10) = to_jsonb(vqc.root_mean_squared_error(y_true, y_score))
           AS same_rmse
  FROM m;

-- an item with a subquery is left whole in the inner SELECT, as it was
SELECT x.states, x.outer_sql
  FROM vqc._scan_item_split('pg_catalog.count(*) OPERATOR(pg_catalog.-) (SELECT pg_catalog.count(*) FROM m)',
                            '{count}', '{}', '{}') x;
-- an accessor named like an aggregate around an aggregate call is looked into;
-- strings and quoted names holding parentheses or quotes stay whole
SELECT x.states, x.outer_sql
  FROM vqc._scan_item_split($q$vqc.roc_auc_score(vqc.score_agg("a(b", 'x)''y') FILTER (WHERE E'\')' IS NOT NULL)) OPERATOR(pg_catalog.+) pg_catalog.count(*)$q$,
                            '{roc_auc_score,score_agg,count}', '{roc_auc_score}', '{"pg_catalog.count(*)"}') x;

SELECT vqc.drop_suite('states');
DELETE FROM vqc_report.run WHERE suite_name = 'states';
RESET client_min_messages;
RESET search_path;
DROP SCHEMA scan_states_test CASCADE;
