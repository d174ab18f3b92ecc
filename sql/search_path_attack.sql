-- No name resolution through the caller's search_path (issue #9, rule 5).
-- A role that may CREATE in public plants functions, aggregates, operators,
-- types and casts shadowing what vqc calls, in public and in the session's
-- temporary schema; each records itself in public.hijack_log when it runs.
-- A superuser then runs every expectation type, the typed wrappers,
-- suggestions, a baseline and its drift report, a suite, explain, profiles
-- and drift_exact, with search_path "$user", public and with public before
-- pg_catalog: nothing planted runs, and every result equals the result of
-- the same calls before anything was planted.  A citext column (operators
-- and operator classes outside pg_catalog) shows that comparisons use the
-- column type's own operators, even though vqc's search_path leaves public out.
\set VERBOSITY terse
CREATE ROLE regress_vqc_attacker;
GRANT CREATE ON SCHEMA public TO regress_vqc_attacker;
CREATE EXTENSION citext SCHEMA public;
CREATE DOMAIN public.posint AS integer CHECK (VALUE > 0);
CREATE SCHEMA sp_attack;
CREATE TABLE sp_attack.people (id integer PRIMARY KEY, name text, score numeric, born date,
                               tag public.citext, qty public.posint, email text, day text, ratio float8);
INSERT INTO sp_attack.people VALUES
    (1, 'Ann', 12.5, '1990-01-01', 'apple', 3, 'ann@example.com', '2024-01-05', 0.1),
    (2, 'Bob', 20, '1985-06-15', 'Apple', 5, 'bob@example.com', '2024-02-10', 0.2),
    (3, 'Cy', 7.25, '2001-03-03', 'banana', 5, NULL, '2024-13-01', 0.3),
    (4, 'Dee', 30, '1979-12-31', 'BANANA', 8, 'dee@example', '2024-03-15', 0.4),
    (5, 'Eve', NULL, '1999-09-09', 'cherry', 13, 'eve@example.com', '2024-04-20', 0.5),
    (6, 'Fay', 44, '2003-07-04', 'Cherry', 21, 'not an email', '2024-05-25', 0.6),
    (7, 'Gus', 15, '1995-05-05', 'date', 34, 'gus@example.com', 'yesterday', 0.7),
    (8, 'Hal', 9, '1988-08-08', 'Elder', 55, 'hal@example.com', '2024-07-01', 0.8),
    (9, 'Ida', 25, '1992-02-29', 'Grape', 89, 'ida@example.com', '2024-08-08', 0.9),
    (10, 'joe', 33, '2010-10-10', NULL, NULL, 'joe@example.com', '2024-09-09', 1.0);

-- one or more valid expectations of every type
CREATE TABLE sp_attack.cases (id integer PRIMARY KEY, target regclass NOT NULL DEFAULT 'sp_attack.people',
                              etype text NOT NULL, kwargs jsonb NOT NULL);
INSERT INTO sp_attack.cases (id, etype, kwargs) VALUES
    (1, 'expect_column_to_exist', '{"column": "tag", "column_index": 4}'),
    (2, 'expect_table_columns_to_match_set', '{"column_set": ["id", "name", "tag"], "exact_match": false}'),
    (3, 'expect_table_columns_to_match_ordered_list',
        '{"column_list": ["id", "name", "score", "born", "tag", "qty", "email", "day", "ratio"]}'),
    (4, 'expect_table_column_count_to_equal', '{"value": 9}'),
    (5, 'expect_table_column_count_to_be_between', '{"min_value": 2, "max_value": 20}'),
    (6, 'expect_column_values_to_be_of_type', '{"column": "qty", "type_": "INTEGER"}'),
    (7, 'expect_column_values_to_be_in_type_list', '{"column": "tag", "type_list": ["public.citext", "text"]}'),
    (8, 'expect_table_row_count_to_be_between', '{"min_value": 5, "max_value": 20}'),
    (9, 'expect_table_row_count_to_equal', '{"value": 10}'),
    (10, 'expect_column_values_to_not_be_null', '{"column": "score", "mostly": 0.8}'),
    (11, 'expect_column_values_to_be_null', '{"column": "email", "mostly": 0.05}'),
    (12, 'expect_column_values_to_be_between', '{"column": "score", "min_value": 9, "max_value": 40, "strict_min": true}'),
    (13, 'expect_column_values_to_be_between', '{"column": "born", "min_value": "1980-01-01", "max_value": "2005-12-31"}'),
    (14, 'expect_column_values_to_be_between', '{"column": "tag", "min_value": "b", "max_value": "cherry"}'),
    (15, 'expect_column_values_to_be_between', '{"column": "qty", "min_value": 2, "max_value": 50}'),
    (16, 'expect_column_values_to_be_between', '{"column": "name", "min_value": "B", "max_value": "H", "strict_max": true}'),
    (17, 'expect_column_values_to_be_unique', '{"column": "tag"}'),
    (18, 'expect_column_values_to_be_unique', '{"column": "qty"}'),
    (19, 'expect_column_values_to_be_unique', '{"column": "id"}'),
    (20, 'expect_column_values_to_match_regex', '{"column": "name", "regex": "^[A-Z]"}'),
    (21, 'expect_column_values_to_not_match_regex', '{"column": "email", "regex": "\\s"}'),
    (22, 'expect_column_values_to_match_regex_list', '{"column": "tag", "regex_list": ["^a", "^b"], "match_on": "any"}'),
    (23, 'expect_column_values_to_not_match_regex_list', '{"column": "name", "regex_list": ["x", "z"]}'),
    (24, 'expect_column_values_to_match_strftime_format', '{"column": "day", "strftime_format": "%Y-%m-%d"}'),
    (25, 'expect_column_values_to_be_iso8601', '{"column": "day"}'),
    (26, 'expect_column_values_to_be_valid_email', '{"column": "email"}'),
    (27, 'expect_column_values_to_be_in_set', '{"column": "tag", "value_set": ["APPLE", "banana", "Cherry"]}'),
    (28, 'expect_column_values_to_be_in_set', '{"column": "qty", "value_set": [3, 5, 8, 13]}'),
    (29, 'expect_column_values_to_not_be_in_set', '{"column": "born", "value_set": ["1990-01-01", "2010-10-10"]}'),
    (30, 'expect_column_value_lengths_to_be_between', '{"column": "tag", "min_value": 5, "max_value": 5}'),
    (31, 'expect_column_value_lengths_to_equal', '{"column": "day", "value": 10}'),
    (32, 'expect_column_mean_to_be_between', '{"column": "score", "min_value": 10, "max_value": 30}'),
    (33, 'expect_column_median_to_be_between', '{"column": "qty", "min_value": 10, "max_value": 20}'),
    (34, 'expect_column_median_to_be_between', '{"column": "score", "min_value": 10, "max_value": 20}'),
    (35, 'expect_column_stdev_to_be_between', '{"column": "ratio", "min_value": 0, "max_value": 1}'),
    (36, 'expect_column_min_to_be_between', '{"column": "born", "min_value": "1970-01-01", "max_value": "1980-01-01"}'),
    (37, 'expect_column_min_to_be_between', '{"column": "tag", "min_value": "a", "max_value": "b"}'),
    (38, 'expect_column_max_to_be_between', '{"column": "tag", "min_value": "g"}'),
    (39, 'expect_column_max_to_be_between', '{"column": "qty", "max_value": 100}'),
    (40, 'expect_column_sum_to_be_between', '{"column": "qty", "min_value": 200, "max_value": 250}'),
    (41, 'expect_column_quantile_values_to_be_between',
         '{"column": "score", "quantile_ranges": {"quantiles": [0.25, 0.5, 0.75], "value_ranges": [[5, 15], [15, 25], [25, 40]]}}'),
    (42, 'expect_column_unique_value_count_to_be_between', '{"column": "tag", "min_value": 6, "max_value": 6}'),
    (43, 'expect_column_proportion_of_unique_values_to_be_between', '{"column": "qty", "min_value": 0.5}'),
    (44, 'expect_column_most_common_value_to_be_in_set', '{"column": "tag", "value_set": ["APPLE"], "ties_okay": true}'),
    (45, 'expect_column_distinct_values_to_be_in_set',
         '{"column": "tag", "value_set": ["apple", "banana", "cherry", "date", "elder", "grape"]}'),
    (46, 'expect_column_distinct_values_to_contain_set', '{"column": "qty", "value_set": [3, 5]}'),
    (47, 'expect_column_distinct_values_to_equal_set',
         '{"column": "tag", "value_set": ["APPLE", "BANANA", "CHERRY", "DATE", "ELDER", "GRAPE"]}'),
    (48, 'expect_column_drift_to_be_less_than', '{"column": "score", "baseline": "sp_base"}'),
    (49, 'expect_column_kl_divergence_to_be_less_than',
         '{"column": "score", "partition_object": {"bins": [0, 20, 50], "weights": [0.5, 0.5]}, "threshold": 1}'),
    (50, 'expect_column_kl_divergence_to_be_less_than',
         '{"column": "tag", "partition_object": {"values": ["apple", "banana", "cherry"], "weights": [0.4, 0.3, 0.3]}, "tail_weight_holdout": 0.1}'),
    (51, 'expect_metric_change_to_be_between', '{"metric": "mean", "column": "score", "compare_to": "window", "window": "7 days", "change": "relative", "max_value": 0.5}'),
    (52, 'expect_metric_to_not_be_anomalous', '{"metric": "row_count", "strategy": "online_normal", "warm_up": 2}');
-- several columns, z-scores, other tables, a query (src/sql/ge_types.sql)
INSERT INTO sp_attack.cases (id, etype, kwargs) VALUES
    (81, 'expect_column_values_to_match_like_pattern', '{"column": "email", "like_pattern": "%@example.com"}'),
    (82, 'expect_column_values_to_not_match_like_pattern', '{"column": "name", "like_pattern": "%o%"}'),
    (83, 'expect_column_values_to_match_like_pattern_list', '{"column": "tag", "like_pattern_list": ["a%", "b%", "c%", "C%", "d%", "%e%"]}'),
    (84, 'expect_column_values_to_not_match_like_pattern_list', '{"column": "day", "like_pattern_list": ["%-13-%", "y%"]}'),
    (85, 'expect_column_pair_values_a_to_be_greater_than_b', '{"column_A": "qty", "column_B": "id", "or_equal": true}'),
    (86, 'expect_column_pair_values_to_be_equal', '{"column_A": "score", "column_B": "qty", "mostly": 0.1}'),
    (87, 'expect_column_pair_values_to_be_in_set', '{"column_A": "tag", "column_B": "qty", "value_pairs_set": [["APPLE", 3], ["apple", 5]]}'),
    (88, 'expect_compound_columns_to_be_unique', '{"column_list": ["tag", "qty"]}'),
    (89, 'expect_multicolumn_sum_to_equal', '{"column_list": ["qty", "id"], "sum_total": 10}'),
    (90, 'expect_select_column_values_to_be_unique_within_record', '{"column_list": ["qty", "id", "score"]}'),
    (91, 'expect_column_value_z_scores_to_be_less_than', '{"column": "ratio", "threshold": 1.6}'),
    (92, 'expect_column_value_z_scores_to_be_less_than', '{"column": "score", "threshold": 1, "double_sided": true}'),
    (93, 'expect_column_values_to_be_in_other_table', '{"column": "qty", "other_table": "people", "other_column": "id"}'),
    (94, 'expect_column_values_to_be_in_other_table', '{"column": "tag", "other_table": "sp_attack.people", "other_column": "tag"}'),
    (95, 'expect_table_row_count_to_equal_other_table', '{"other_table_name": "big"}'),
    (96, 'expect_table_row_count_to_be_within_other_table_by', '{"other_table_name": "sp_attack.big", "tolerance": 0.99}'),
    (97, 'unexpected_rows_expectation', '{"unexpected_rows_query": "SELECT id, tag FROM {batch} WHERE qty IS NULL"}'),
    (98, 'expect_column_values_to_be_increasing', '{"column": "qty"}'),
    (99, 'expect_column_values_to_be_decreasing', '{"column": "tag", "strictly": true}'),
    (100, 'expect_column_values_to_be_json_parseable', '{"column": "name"}'),
    (110, 'expect_column_values_to_match_json_schema', '{"column": "email", "json_schema": {"type": "string", "pattern": "@"}}'),
    (111, 'expect_column_values_to_be_dateutil_parseable', '{"column": "day", "mostly": 0.5}'),
    (112, 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than',
          '{"column": "ratio", "distribution": "uniform", "params": [0, 1.1]}'),
    (113, 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than',
          '{"column": "score", "partition_object": {"bins": [0, 20, 50], "weights": [0.4, 0.6]}, "bootstrap_samples": 50}'),
    (114, 'expect_column_chisquare_test_p_value_to_be_greater_than',
          '{"column": "tag", "partition_object": {"values": ["apple", "banana", "cherry"], "weights": [0.3, 0.3, 0.4]}, "tail_weight_holdout": 0.3}');
-- a model's predictions and labels (src/sql/model_expectations.sql), on a
-- table of binary labels and scores
CREATE TABLE sp_attack.preds AS
SELECT g AS id, (g % 3 = 0) AS label, ((g * 7) % 10) / 10.0::float8 AS score, ((g * 7) % 10 >= 5) AS pred,
       (CASE WHEN g % 2 = 0 THEN 'North' ELSE 'south' END)::public.citext AS region
  FROM generate_series(1, 60) g;
INSERT INTO sp_attack.cases VALUES
    (56, 'sp_attack.preds', 'expect_classification_metric_to_be_between', '{"y_true": "label", "y_pred": "pred", "metric": "f1", "pos_label": true, "min_value": 0}'),
    (57, 'sp_attack.preds', 'expect_score_metric_to_be_between', '{"y_true": "label", "y_score": "score", "metric": "roc_auc", "min_value": 0}'),
    (58, 'sp_attack.preds', 'expect_metric_gap_between_segments_to_be_less_than', '{"y_true": "label", "y_pred": "pred", "segment": "region", "metric": "recall", "pos_label": true, "max_gap": 1}'),
    (53, 'sp_attack.preds', 'expect_regression_metric_to_be_between', '{"y_true": "id", "y_pred": "score", "metric": "r2", "max_value": 1}'),
    (54, 'sp_attack.preds', 'expect_ranking_metric_to_be_between', '{"query": "region", "relevance": "id", "score": "score", "metric": "mrr", "k": 3, "min_value": 0}'),
    (55, 'sp_attack.preds', 'expect_annotator_agreement_to_be_between', '{"item": "region", "label": "pred", "metric": "percent_agreement", "min_value": 0}'),
    (59, 'sp_attack.people', 'expect_row_values_to_have_recent_data', '{"column": "born", "interval": 1000, "datepart": "year"}');
SELECT expectation_type AS not_covered FROM vqc.expectation_catalog EXCEPT SELECT etype FROM sp_attack.cases;
-- a larger table, checked with and without the memory for exact collectors:
-- the SQL of the second passes (exact medians and quantiles by passes,
-- repeated values and distinct counts by GROUP BY)
CREATE TABLE sp_attack.big AS
SELECT g AS id, (g % 97)::numeric / 4 AS x, (g % 150 + 1)::public.posint AS q,
       (CASE WHEN g % 3 = 0 THEN upper('v' || g % 140) ELSE 'v' || g % 140 END)::public.citext AS t
  FROM generate_series(1, 400) g;
INSERT INTO sp_attack.cases VALUES
    (101, 'sp_attack.big', 'expect_column_median_to_be_between', '{"column": "x", "min_value": 0}'),
    (102, 'sp_attack.big', 'expect_column_median_to_be_between', '{"column": "q", "min_value": 0}'),
    (103, 'sp_attack.big', 'expect_column_quantile_values_to_be_between',
          '{"column": "x", "quantile_ranges": {"quantiles": [0.1, 0.9], "value_ranges": [[0, 5], [20, 25]]}}'),
    (104, 'sp_attack.big', 'expect_column_values_to_be_unique', '{"column": "q"}'),
    (105, 'sp_attack.big', 'expect_column_values_to_be_unique', '{"column": "t"}'),
    (106, 'sp_attack.big', 'expect_column_unique_value_count_to_be_between', '{"column": "t", "min_value": 140, "max_value": 140}'),
    (107, 'sp_attack.big', 'expect_column_unique_value_count_to_be_between', '{"column": "q", "min_value": 150, "max_value": 150}'),
    (108, 'sp_attack.big', 'expect_column_distinct_values_to_contain_set', '{"column": "t", "value_set": ["V1", "v139"]}'),
    (109, 'sp_attack.big', 'expect_column_kl_divergence_to_be_less_than',
          '{"column": "t", "partition_object": {"values": ["v1", "v2"], "weights": [0.5, 0.5]}, "tail_weight_holdout": 0.5}');
SET vqc.exact_memory_limit = 1;
SELECT vqc.exact_quantile_overflowed(vqc.exact_quantile_agg(x)) AS quantiles_overflow,
       vqc.hash_set_overflowed(vqc.hash_set_agg(q)) AS hashes_overflow,
       vqc.hash_set_overflowed(vqc.hash_set_agg(t)) AS citext_hashes_overflow
  FROM sp_attack.big;
RESET vqc.exact_memory_limit;

SELECT vqc.set_baseline('sp_attack.people', 'sp_base') AS baselined_columns;
SELECT vqc.create_suite('sp_suite', 'sp_attack.people', profile_columns => '{*}') > 0 AS created;
-- (not the history checks: their results change with each run, by design)
SELECT count(vqc.add_expectation('sp_suite', etype, kwargs)) AS added
  FROM sp_attack.cases WHERE target = 'sp_attack.people'::regclass AND etype <> 'unexpected_rows_expectation'
   AND etype NOT IN ('expect_metric_change_to_be_between', 'expect_metric_to_not_be_anomalous');
CREATE TABLE sp_attack.outcome (phase text, call text, case_id integer, result jsonb);

-- before anything is planted
\set phase clean
\i sql/include/search_path_calls.psql

-- citext compares case-insensitively, by its own operators and operator
-- class: between, sets, uniqueness, min and max, distinct values
SELECT c.id, c.kwargs ->> 'column' AS col, o.result -> 'success' AS success,
       coalesce(o.result #> '{result,observed_value}', o.result #> '{result,partial_unexpected_list}') AS observed
  FROM sp_attack.cases c JOIN sp_attack.outcome o ON o.case_id = c.id AND o.call = 'expect'
 WHERE c.kwargs ->> 'column' = 'tag' AND c.etype NOT LIKE '%regex%'
 ORDER BY c.id;
-- every expectation's outcome, to pin what the comparisons below compare
SELECT c.id, c.etype, o.result -> 'success' AS success, o.result #> '{result,unexpected_count}' AS unexpected
  FROM sp_attack.cases c JOIN sp_attack.outcome o ON o.case_id = c.id AND o.call = 'expect'
 WHERE c.target = 'sp_attack.people'::regclass
 ORDER BY c.id;
-- the larger table, with 1 kB for exact collectors (second passes) and
-- without a limit: the same results
SELECT c.id, c.etype, o.result -> 'success' AS success, o.result #> '{result,unexpected_count}' AS unexpected,
       CASE WHEN jsonb_typeof(o.result #> '{result,observed_value}') <> 'array'
            THEN o.result #> '{result,observed_value}' END AS observed,
       l.result = o.result AS same_by_passes
  FROM sp_attack.cases c
  JOIN sp_attack.outcome o ON o.case_id = c.id AND o.call = 'expect'
  JOIN sp_attack.outcome l ON l.case_id = c.id AND l.call = 'expect_low_memory'
 ORDER BY c.id;

-- a fresh session, in which the attacker plants
\c -
\set VERBOSITY terse
SET ROLE regress_vqc_attacker;
CREATE TABLE public.hijack_log (what text, by_superuser boolean);
GRANT SELECT, INSERT ON public.hijack_log TO PUBLIC;
CREATE FUNCTION public.hijack(what text) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    INSERT INTO public.hijack_log SELECT what, rolsuper FROM pg_roles WHERE rolname = current_user;
    RAISE NOTICE 'HIJACKED: %', what;
    RETURN true;
END $$;
CREATE FUNCTION public.hijack_sfunc(state text, value anyelement) RETURNS text
LANGUAGE sql SET search_path = pg_catalog AS $$ SELECT CASE WHEN public.hijack(state) THEN state END $$;
CREATE FUNCTION public.hijack_sfunc0(state text) RETURNS text
LANGUAGE sql SET search_path = pg_catalog AS $$ SELECT CASE WHEN public.hijack(state) THEN state END $$;
-- functions: the finding's count(text) and jsonb_build_object(text, integer), and more
CREATE FUNCTION public.count(text) RETURNS bigint
LANGUAGE sql AS $$ SELECT CASE WHEN public.hijack('public.count(text)') THEN 0::pg_catalog.int8 END $$;
-- (pg_catalog's own count("any") cannot be shadowed: only C functions take "any")
CREATE FUNCTION public.count("any") RETURNS bigint
LANGUAGE sql AS $$ SELECT CASE WHEN public.hijack('public.count("any")') THEN 0::pg_catalog.int8 END $$;
CREATE FUNCTION public.jsonb_build_object(text, integer) RETURNS jsonb
LANGUAGE sql AS $$ SELECT CASE WHEN public.hijack('public.jsonb_build_object(text, integer)') THEN '{}'::pg_catalog.jsonb END $$;
CREATE FUNCTION public.jsonb_build_object(text, text) RETURNS jsonb
LANGUAGE sql AS $$ SELECT CASE WHEN public.hijack('public.jsonb_build_object(text, text)') THEN '{}'::pg_catalog.jsonb END $$;
CREATE FUNCTION public.format(text, text) RETURNS text
LANGUAGE sql AS $$ SELECT CASE WHEN public.hijack('public.format(text, text)') THEN '' END $$;
CREATE FUNCTION public.format(text, integer) RETURNS text
LANGUAGE sql AS $$ SELECT CASE WHEN public.hijack('public.format(text, integer)') THEN '' END $$;
CREATE FUNCTION public.char_length(public.citext) RETURNS integer
LANGUAGE sql AS $$ SELECT CASE WHEN public.hijack('public.char_length(citext)') THEN 0 END $$;
CREATE FUNCTION public.char_length(text) RETURNS integer
LANGUAGE sql AS $$ SELECT CASE WHEN public.hijack('public.char_length(text)') THEN 0 END $$;
CREATE FUNCTION public.to_jsonb(text) RETURNS jsonb
LANGUAGE sql AS $$ SELECT CASE WHEN public.hijack('public.to_jsonb(text)') THEN 'null'::pg_catalog.jsonb END $$;
CREATE FUNCTION public.unnest(text[]) RETURNS SETOF text
LANGUAGE sql AS $$ SELECT 'x' WHERE public.hijack('public.unnest(text[])') $$;
CREATE FUNCTION public.generate_series(integer, bigint) RETURNS SETOF integer
LANGUAGE sql AS $$ SELECT 1 WHERE public.hijack('public.generate_series(integer, bigint)') $$;
CREATE FUNCTION pg_temp.count(text) RETURNS bigint
LANGUAGE sql AS $$ SELECT CASE WHEN public.hijack('pg_temp.count(text)') THEN 0::pg_catalog.int8 END $$;
CREATE FUNCTION pg_temp.jsonb_build_object(text, integer) RETURNS jsonb
LANGUAGE sql AS $$ SELECT CASE WHEN public.hijack('pg_temp.jsonb_build_object(text, integer)') THEN '{}'::pg_catalog.jsonb END $$;
-- aggregates, in public and pg_temp: exact matches for builtin types (first
-- when public comes before pg_catalog), and for the domain (first anyway)
DO $plant$
DECLARE
    agg text;
    typ text;
    sch text;
BEGIN
    FOREACH sch IN ARRAY ARRAY['public', 'pg_temp'] LOOP
        FOREACH agg IN ARRAY ARRAY['count', 'avg', 'sum', 'min', 'max', 'stddev_samp', 'array_agg', 'jsonb_agg', 'string_agg'] LOOP
            FOREACH typ IN ARRAY ARRAY['integer', 'bigint', 'numeric', 'double precision', 'date', 'text', 'public.posint', 'public.citext'] LOOP
                CONTINUE WHEN (sch, agg, typ) IN (('public', 'count', 'text'), ('pg_temp', 'count', 'text'),
                                                  ('public', 'min', 'public.citext'), ('public', 'max', 'public.citext'));
                EXECUTE pg_catalog.format('CREATE AGGREGATE %s.%I(%s) (SFUNC = public.hijack_sfunc, STYPE = pg_catalog.text, INITCOND = %L)',
                                          sch, agg, typ, pg_catalog.format('%s.%s(%s)', sch, agg, typ));
            END LOOP;
        END LOOP;
        EXECUTE pg_catalog.format('CREATE AGGREGATE %s.count(*) (SFUNC = public.hijack_sfunc0, STYPE = pg_catalog.text, INITCOND = %L)',
                                  sch, pg_catalog.format('%s.count(*)', sch));
    END LOOP;
END
$plant$;
-- operators, in public and pg_temp: comparisons on the types vqc compares,
-- cross-type ones that beat pg_catalog's after a cast, and jsonb's -> and ->>
DO $plant$
DECLARE
    plant record;
    n     integer := 0;
BEGIN
    FOR plant IN
        SELECT sch, op, l, r
          FROM pg_catalog.unnest(ARRAY['public', 'pg_temp']) sch,
               pg_catalog.unnest(ARRAY['=', '<>', '<', '<=', '>', '>=']) op,
               (VALUES ('integer', 'integer'), ('bigint', 'bigint'), ('text', 'text'), ('numeric', 'numeric'),
                       ('date', 'date'), ('double precision', 'double precision'), ('public.posint', 'public.posint'),
                       ('integer', 'numeric'), ('bigint', 'numeric'), ('public.citext', 'text'),
                       ('public.citext', 'public.citext')) AS t(l, r)
         WHERE NOT (sch = 'public' AND l = 'public.citext' AND r = 'public.citext')   -- citext's own
        UNION ALL
        SELECT sch, op, l, r
          FROM pg_catalog.unnest(ARRAY['public', 'pg_temp']) sch,
               (VALUES ('->', 'jsonb', 'integer'), ('->', 'jsonb', 'text'), ('->>', 'jsonb', 'integer'),
                       ('->>', 'jsonb', 'text'), ('>>', 'bigint', 'integer')) AS t(op, l, r)
    LOOP
        n := n + 1;
        EXECUTE pg_catalog.format('CREATE FUNCTION public.hijack_op_%s(%s, %s) RETURNS boolean LANGUAGE sql '
                                  'AS $f$ SELECT public.hijack(%L) $f$', n, plant.l, plant.r,
                                  pg_catalog.format('OPERATOR(%s.%s)(%s, %s)', plant.sch, plant.op, plant.l, plant.r));
        EXECUTE pg_catalog.format('CREATE OPERATOR %s.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = public.hijack_op_%s)',
                                  plant.sch, plant.op, plant.l, plant.r, n);
    END LOOP;
END
$plant$;
-- types named like builtins (public ones first when public comes before
-- pg_catalog; temporary ones, searched first for types, domains whose check
-- records the cast), and casts to them
CREATE TYPE public.text AS ENUM ('hijacked');
CREATE TYPE public.float8 AS ENUM ('hijacked');
CREATE TYPE public.int8 AS ENUM ('hijacked');
CREATE TYPE public.numeric AS ENUM ('hijacked');
CREATE TYPE public.jsonb AS ENUM ('hijacked');
CREATE TYPE public.date AS ENUM ('hijacked');
CREATE FUNCTION public.hijack_cast(value anyelement) RETURNS public.text
LANGUAGE sql AS $$ SELECT CASE WHEN public.hijack('a cast to public.text') THEN 'hijacked'::public.text END $$;
CREATE CAST (integer AS public.text) WITH FUNCTION public.hijack_cast(anyelement) AS IMPLICIT;
CREATE CAST (pg_catalog.text AS public.text) WITH FUNCTION public.hijack_cast(anyelement) AS IMPLICIT;
CREATE CAST (public.citext AS public.text) WITH FUNCTION public.hijack_cast(anyelement) AS IMPLICIT;
CREATE CAST (numeric AS public.text) WITH FUNCTION public.hijack_cast(anyelement) AS IMPLICIT;
CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (public.hijack('pg_temp.text'));
CREATE DOMAIN pg_temp.float8 AS pg_catalog.float8 CHECK (public.hijack('pg_temp.float8'));
CREATE DOMAIN pg_temp.int8 AS pg_catalog.int8 CHECK (public.hijack('pg_temp.int8'));
CREATE DOMAIN pg_temp.jsonb AS pg_catalog.jsonb CHECK (public.hijack('pg_temp.jsonb'));
CREATE DOMAIN pg_temp.date AS pg_catalog.date CHECK (public.hijack('pg_temp.date'));
CREATE DOMAIN pg_temp.regclass AS pg_catalog.regclass CHECK (public.hijack('pg_temp.regclass'));
CREATE DOMAIN pg_temp.citext AS public.citext CHECK (public.hijack('pg_temp.citext'));
CREATE DOMAIN pg_temp.posint AS public.posint CHECK (public.hijack('pg_temp.posint'));
-- catalog names (temporary relations are searched first too)
CREATE VIEW pg_temp.pg_attribute AS
SELECT attrelid, attname, atttypid, attnum, atttypmod, attisdropped FROM pg_catalog.pg_attribute
 WHERE (SELECT public.hijack('pg_temp.pg_attribute'));
CREATE VIEW pg_temp.pg_type AS SELECT * FROM pg_catalog.pg_type WHERE (SELECT public.hijack('pg_temp.pg_type'));
CREATE VIEW pg_temp.pg_opclass AS SELECT * FROM pg_catalog.pg_opclass WHERE (SELECT public.hijack('pg_temp.pg_opclass'));
CREATE VIEW pg_temp.pg_class AS SELECT * FROM pg_catalog.pg_class WHERE (SELECT public.hijack('pg_temp.pg_class'));
RESET ROLE;
SELECT pg_catalog.count(*) AS planted FROM pg_catalog.pg_shdepend d
 WHERE d.refobjid = 'regress_vqc_attacker'::pg_catalog.regrole AND d.deptype = 'o';

-- the bait is live: the caller's own unqualified calls run it
SET search_path = "$user", public;
SELECT count(name) AS count_text FROM sp_attack.people WHERE id = 1;
SELECT jsonb_build_object('k', 1) AS jsonb_build_object;
SELECT '2.5'::float8 AS float8;
SELECT count(*) AS pg_attribute_rows FROM pg_attribute
 WHERE attrelid = 'sp_attack.people'::pg_catalog.regclass AND attnum = 1;
SET search_path = public, pg_catalog;
SELECT 1 = 1 AS integer_equal;
SELECT pg_catalog.count(*) AS hijacks_seen FROM public.hijack_log;
DELETE FROM public.hijack_log;

-- vqc, called by a superuser with the attacker's objects in its path
SET search_path = "$user", public;
\set phase user_public
\i sql/include/search_path_calls.psql
SET search_path = public, pg_catalog;
\set phase public_first
\i sql/include/search_path_calls.psql
RESET search_path;

-- nothing planted ran, and every result is the one before
SELECT * FROM public.hijack_log;
SELECT h.phase, count(*) AS calls, count(*) FILTER (WHERE h.result IS DISTINCT FROM c.result) AS differing
  FROM sp_attack.outcome h
  JOIN sp_attack.outcome c ON c.phase = 'clean' AND c.call = h.call AND c.case_id = h.case_id
 WHERE h.phase <> 'clean'
 GROUP BY h.phase ORDER BY h.phase;
SELECT h.phase, h.call, h.case_id FROM sp_attack.outcome h
  JOIN sp_attack.outcome c ON c.phase = 'clean' AND c.call = h.call AND c.case_id = h.case_id
 WHERE h.phase <> 'clean' AND h.result IS DISTINCT FROM c.result
 ORDER BY 1, 2, 3;
SELECT phase, count(*) AS calls FROM sp_attack.outcome GROUP BY phase ORDER BY phase;

-- clean up: the role, its objects, the suite and the baseline
SELECT vqc.drop_suite('sp_suite');
SELECT vqc.drop_baseline('sp_attack.people', 'sp_base');
DELETE FROM vqc_report.run WHERE target_schema = 'sp_attack';
DELETE FROM vqc_report.drift_run WHERE target_schema = 'sp_attack';
\c -
\set VERBOSITY default
DROP OWNED BY regress_vqc_attacker CASCADE;   -- and the casts to its types
DROP ROLE regress_vqc_attacker;
DROP SCHEMA sp_attack CASCADE;
DROP DOMAIN public.posint;
DROP EXTENSION citext;
