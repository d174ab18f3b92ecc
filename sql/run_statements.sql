-- What a run costs does not grow with its failing samples: the same suite
-- on a table with 5 failing rows and on one with 400 makes the same number
-- of calls of the functions that hold an exception handler (each entry
-- into a handler's block is a subtransaction: a SAVEPOINT round trip per
-- worker on Citus) and of the JSON clipping of stored results; and
-- vqc._clip_json, which now returns a value with nothing to clip in one
-- statement, still gives the same JSON as its recursive form.
CREATE SCHEMA run_statements_test;
SET search_path = run_statements_test, public;
SET client_min_messages = warning;

CREATE TABLE few (id int PRIMARY KEY, v int, ok boolean, s text);
INSERT INTO few SELECT i, CASE WHEN i % 200 = 0 THEN -i ELSE i END, i % 200 <> 0,
                       CASE WHEN i % 200 = 0 THEN 'bad ' || i ELSE 'ok' END
  FROM generate_series(1, 1000) i;
CREATE TABLE many (LIKE few);
INSERT INTO many SELECT i, CASE WHEN i % 5 = 0 THEN -i ELSE i END, i % 5 <> 0,
                        CASE WHEN i % 5 = 0 THEN 'bad ' || i ELSE 'ok' END
  FROM generate_series(1, 2000) i;

CREATE FUNCTION make_suite(name text, target regclass) RETURNS void LANGUAGE sql AS $$
    SELECT vqc.create_suite(name, target, profile_columns => '{v,s}');
    SELECT vqc.add_expectation(name, 'expect_column_values_to_be_between',
                               '{"column": "v", "min_value": 0, "result_format": "COMPLETE"}');
    SELECT vqc.add_expectation(name, 'expect_column_values_to_be_in_set',
                               '{"column": "ok", "value_set": [true], "result_format": "COMPLETE"}');
    SELECT vqc.add_expectation(name, 'expect_column_values_to_match_regex',
                               '{"column": "s", "regex": "^ok$", "result_format": "SUMMARY"}');
    SELECT vqc.add_expectation(name, 'expect_column_mean_to_be_between', '{"column": "v", "min_value": -1e9}');
    SELECT vqc.add_expectation(name, 'expect_column_median_to_be_between', '{"column": "v", "min_value": -1e9}');
$$;
SELECT make_suite('few_failing', 'few'), make_suite('many_failing', 'many');

-- the calls one run makes, counted in its transaction
CREATE TABLE costs (suite text, samples bigint, handler_calls bigint, sample_json_calls bigint,
                    clip_json_calls bigint, scans integer);
CREATE FUNCTION calls_now() RETURNS TABLE (handler_calls bigint, sample_json_calls bigint, clip_json_calls bigint)
LANGUAGE sql AS $$
    SELECT coalesce(sum(pg_stat_get_xact_function_calls(p.oid)) FILTER (WHERE p.prosrc ~* 'EXCEPTION\s+WHEN'), 0),
           coalesce(sum(pg_stat_get_xact_function_calls(p.oid)) FILTER (WHERE p.proname = '_sample_json'), 0),
           coalesce(sum(pg_stat_get_xact_function_calls(p.oid)) FILTER (WHERE p.proname = '_clip_json'), 0)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'vqc'
$$;
CREATE FUNCTION run_and_count(suite text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    before record := calls_now();
    after  record;
BEGIN
    PERFORM vqc.run(suite);
    after := calls_now();
    INSERT INTO costs
    SELECT suite,
           (SELECT count(*) FROM vqc_report.unexpected u JOIN vqc_report.run r USING (run_id) WHERE r.suite_name = suite),
           after.handler_calls - before.handler_calls, after.sample_json_calls - before.sample_json_calls,
           after.clip_json_calls - before.clip_json_calls,
           (SELECT scans FROM vqc_report.run WHERE suite_name = suite);
END
$$;
SET track_functions = 'all';
SELECT run_and_count('few_failing');
SELECT run_and_count('many_failing');
RESET track_functions;
-- many more samples; the same handler calls (none per sample) and clippings
-- (three per result: kwargs, observed value, result)
SELECT suite, samples, handler_calls, sample_json_calls > samples AS samples_converted, clip_json_calls, scans
  FROM costs ORDER BY suite;
SELECT count(DISTINCT handler_calls) AS distinct_handler_calls, count(DISTINCT clip_json_calls) AS distinct_clip_calls
  FROM costs;

-- vqc._clip_json against its recursive form, with and without something to clip
CREATE FUNCTION old_clip_json(j jsonb, max_bytes integer, max_items integer) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    s text;
    n integer;
BEGIN
    CASE jsonb_typeof(j)
    WHEN 'string' THEN
        s := j #>> '{}';
        IF octet_length(s) <= max_bytes THEN
            RETURN j;
        END IF;
        n := max_bytes;
        WHILE octet_length(left(s, n)) > max_bytes LOOP
            n := n - 1;
        END LOOP;
        RETURN to_jsonb(left(s, n));
    WHEN 'array' THEN
        RETURN (SELECT coalesce(jsonb_agg(old_clip_json(e, max_bytes, max_items) ORDER BY i), '[]')
                  FROM jsonb_array_elements(j) WITH ORDINALITY AS x(e, i)
                 WHERE i <= max_items);
    WHEN 'object' THEN
        RETURN (SELECT coalesce(jsonb_object_agg(k, old_clip_json(v, max_bytes, max_items)), '{}')
                  FROM jsonb_each(j) AS x(k, v));
    ELSE
        RETURN j;
    END CASE;
END
$$;
CREATE TABLE docs (j jsonb);
INSERT INTO docs VALUES (NULL), ('null'), ('1'), ('"short"'), ('"' || repeat('é', 40) || '"'), ('[]'), ('{}'),
    ('[1, 2, 3, 4, 5]'), ('{"a": [1, 2, 3], "b": {"c": "' || repeat('x', 30) || '"}}'),
    ('[[1, 2, 3, 4], ["' || repeat('y', 9) || '", "z"], {"k": []}]'),
    ((SELECT jsonb_agg(jsonb_build_object('value', 'v' || i, 'count', i)) FROM generate_series(1, 12) i));
INSERT INTO docs SELECT result FROM vqc_report.result_detail d JOIN vqc_report.run r USING (run_id)
 WHERE r.suite_name IN ('few_failing', 'many_failing');
SELECT count(*) AS docs, count(*) FILTER (WHERE vqc._clip_json(j, b, i) IS DISTINCT FROM j) AS clipped_cases,
       count(*) FILTER (WHERE vqc._clip_json(j, b, i) IS DISTINCT FROM old_clip_json(j, b, i)) AS differences
  FROM docs, unnest(ARRAY[8, 30, 1000, NULL]) b, unnest(ARRAY[3, 20, 1000, NULL]) i;

SELECT vqc.drop_suite('few_failing'), vqc.drop_suite('many_failing');
DELETE FROM vqc_report.run WHERE suite_name IN ('few_failing', 'many_failing');
RESET client_min_messages;
RESET search_path;
DROP SCHEMA run_statements_test CASCADE;
