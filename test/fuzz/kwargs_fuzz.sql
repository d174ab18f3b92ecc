-- Fuzzing of the expectation entry point: every expectation type in
-- vqc.expectation_catalog, with kwargs drawn at random from values of every
-- JSON shape (wrong types, nulls, NaN and huge numbers, nested arrays and
-- objects, bogus columns, unknown keys, odd result formats), on a table with
-- columns of many types.  vqc.expect must return a result or raise a proper
-- error: a crash ends the session and an internal error (SQLSTATE class XX)
-- counts as a failure.
--   psql -v iterations=N -v seed=S -f test/fuzz/kwargs_fuzz.sql
-- prints a summary and ends with "kwargs fuzz: PASS" or "kwargs fuzz: FAIL".
\set ON_ERROR_STOP on
\set schema kwfuzz
\i test/fuzz/include/attempts.psql

CREATE TABLE kwfuzz.t (id int PRIMARY KEY, i int, b bigint, n numeric, f float8, r real, s text,
                       v varchar(10), c char(3), flag boolean, d date, ts timestamp, tz timestamptz,
                       j jsonb, a int[], u uuid);
INSERT INTO kwfuzz.t
SELECT g, g % 7, g::bigint * 1000003, g / 7.0, CASE WHEN g % 50 = 0 THEN 'NaN' ELSE g / 3.0 END, g, 'x' || g % 13,
       'v' || g % 5, 'c' || g % 3, g % 2 = 0, date '2024-01-01' + g % 40, timestamp '2024-01-01' + g * interval '1 hour',
       timestamptz '2024-01-01 00:00+00' + g * interval '1 minute', jsonb_build_object('k', g), ARRAY[g], md5(g::text)::uuid
  FROM generate_series(1, 3000) g;
INSERT INTO kwfuzz.t (id) VALUES (0);

CREATE TABLE kwfuzz.pool (v jsonb);
INSERT INTO kwfuzz.pool VALUES
  ('null'), ('true'), ('false'), ('0'), ('1'), ('-1'), ('0.5'), ('1e308'), ('-1e308'), ('123456789012345678901234567890'),
  ('"NaN"'), ('"Infinity"'), ('"-Infinity"'), ('""'), ('"x1"'), ('"2024-01-05"'), ('"%Y-%m-%d"'), ('"^x[0-9]+$"'),
  ('"(a+)+$"'), ('"["'), ('"int"'), ('"INTEGER"'), ('"text"'), ('"nope"'), ('[]'), ('[1, 2, 3]'), ('["x1", "x2"]'),
  ('[null]'), ('[[1]]'), ('[{"a": 1}]'), ('{}'), ('{"a": 1}'), ('{"bins": [0, 1], "weights": [1]}'),
  ('{"values": [1, 2], "weights": [0.5, 0.5]}'), ('{"quantiles": [0.5], "value_ranges": [[0, 10]]}'),
  ('{"quantiles": [2], "value_ranges": [[null, null]]}'), ('"BOOLEAN_ONLY"'), ('"COMPLETE"'), ('"SUMMARY"'),
  ('{"result_format": "COMPLETE", "partial_unexpected_count": -5}'),
  ('{"result_format": "COMPLETE", "unexpected_index_column_names": ["nope"]}'),
  ('{"result_format": "COMPLETE", "unexpected_index_column_names": ["id"], "partial_unexpected_count": 3}'),
  ('{"$PARAMETER": "p"}'), ('"col(\"i\") > 3 & ~col(\"s\").notnull()"'), ('"great_expectations"'),
  (to_jsonb(repeat('y', 5000)));
CREATE TABLE kwfuzz.cols (c text);
INSERT INTO kwfuzz.cols SELECT attname FROM pg_attribute WHERE attrelid = 'kwfuzz.t'::regclass AND attnum > 0;
INSERT INTO kwfuzz.cols VALUES ('nope'), (''), ('ID'), ('i; DROP TABLE kwfuzz.t');

-- values of the kwargs of several columns, patterns, pairs, other tables and queries
CREATE TABLE kwfuzz.typed (k text, v jsonb);
INSERT INTO kwfuzz.typed VALUES
  ('ignore_row_if', '"both_values_are_missing"'), ('ignore_row_if', '"either_value_is_missing"'),
  ('ignore_row_if', '"neither"'), ('ignore_row_if', '"all_values_are_missing"'),
  ('ignore_row_if', '"any_value_is_missing"'), ('ignore_row_if', '"never"'), ('ignore_row_if', '"sometimes"'),
  ('like_pattern', '"x%"'), ('like_pattern', '"%1_"'), ('like_pattern', '"\\\\"'), ('like_pattern', '"ab\\"'),
  ('like_pattern', '"%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%x"'), ('like_pattern', '"_"'),
  ('like_pattern_list', '["x%", "%3"]'), ('like_pattern_list', '["\\"]'), ('like_pattern_list', '[1, "x"]'),
  ('value_pairs_set', '[[1, 1], [2, 2000006]]'), ('value_pairs_set', '[["x1", 1], [null, null]]'),
  ('value_pairs_set', '[[1, 2, 3]]'), ('value_pairs_set', '[[[1], 2]]'), ('value_pairs_set', '[1, 2]'),
  ('other_table', '"t"'), ('other_table', '"kwfuzz.t"'), ('other_table', '"pool"'), ('other_table', '"pg_class"'),
  ('other_table', '"nope.t"'), ('other_table', '"a.b.c"'), ('other_table', '"\"t\""'), ('other_table', '"t; SELECT 1"'),
  ('threshold', '3'), ('threshold', '-0.5'), ('threshold', '0'), ('sum_total', '6'), ('sum_total', '-1e308'),
  ('tolerance', '0.1'), ('tolerance', '-1'), ('tolerance', '1e308'),
  ('unexpected_rows_query', '"SELECT * FROM {batch} WHERE i > 3"'), ('unexpected_rows_query', '"SELECT 1 WHERE false"'),
  ('unexpected_rows_query', '"{batch}"'), ('unexpected_rows_query', '"SELECT 1; DROP TABLE kwfuzz.t"'),
  ('unexpected_rows_query', '"DELETE FROM {batch} RETURNING *"'),
  ('json_schema', '{"type": "object", "required": ["k"]}'), ('json_schema', '{"$ref": "#"}'), ('json_schema', 'true'),
  ('json_schema', '{"anyOf": [{"type": "integer"}, {"not": {"pattern": "(a+)+$"}}]}'), ('json_schema', '{"items": [1]}'),
  ('distribution', '"norm"'), ('distribution', '"beta"'), ('distribution', '"gamma"'), ('distribution', '"cauchy"'),
  ('params', '[0, 1]'), ('params', '[2, 3, 0, 1]'), ('params', '[0, -1]'), ('params', '[1, 2, 3, 4, 5]'),
  ('params', '{"mean": 0, "std_dev": 1}'), ('params', '{"alpha": 2, "beta": 1e308}'), ('params', '{"min": 0}'),
  ('p_value', '0.05'), ('p_value', '1'), ('p', '0.05'), ('p', '0'),
  ('bootstrap_samples', '10'), ('bootstrap_samples', '0'), ('bootstrap_samples', '1000000'),
  ('bootstrap_sample_size', '5'), ('bootstrap_sample_size', '-3'), ('bootstrap_sample_size', '1000000'),
  ('partition_object', '{"bins": [0, 10, 100], "weights": [0.5, 0.5]}'),
  ('partition_object', '{"bins": [0, 1], "weights": [1], "tail_weights": [0.5, 0]}'),
  ('partition_object', '{"values": ["x1", "x2"], "weights": [0.5, 0.5]}');
INSERT INTO kwfuzz.typed SELECT 'other_table_name', v FROM kwfuzz.typed WHERE k = 'other_table';

CREATE FUNCTION kwfuzz.pick(tbl text) RETURNS jsonb LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    out jsonb;
BEGIN
    IF tbl = 'cols' THEN
        SELECT to_jsonb(c) INTO out FROM kwfuzz.cols ORDER BY random() LIMIT 1;
    ELSIF tbl = 'column_list' THEN
        SELECT jsonb_agg(c) INTO out FROM (SELECT c FROM kwfuzz.cols ORDER BY random() LIMIT 1 + (random() * 3)::int) x;
    ELSIF EXISTS (SELECT 1 FROM kwfuzz.typed WHERE k = tbl) THEN
        SELECT v INTO out FROM kwfuzz.typed WHERE k = tbl ORDER BY random() LIMIT 1;
    ELSE
        SELECT v INTO out FROM kwfuzz.pool ORDER BY random() LIMIT 1;
    END IF;
    RETURN out;
END $$;

-- attempt i: an expectation type (or a bogus one) with random kwargs
CREATE FUNCTION kwfuzz.next(i int, seed float8) RETURNS fuzzlib.next LANGUAGE plpgsql AS $$
DECLARE
    e      text;
    k      text;
    kwargs jsonb := '{}';
    rf     text;
    cat    record;
BEGIN
    SELECT x INTO e FROM (SELECT expectation_type FROM vqc.expectation_catalog
                          UNION ALL VALUES ('expect_nothing'), ('')) c(x) ORDER BY random() LIMIT 1;
    SELECT * INTO cat FROM vqc.expectation_catalog WHERE expectation_type = e;
    IF FOUND THEN
        FOREACH k IN ARRAY cat.required_kwargs || cat.optional_kwargs || vqc._common_kwargs() LOOP
            CONTINUE WHEN random() < CASE WHEN k = ANY (cat.required_kwargs) THEN 0.1 ELSE 0.6 END;
            kwargs := kwargs || jsonb_build_object(k,
                CASE WHEN k IN ('column', 'column_A', 'column_B', 'other_column') AND random() < 0.8 THEN kwfuzz.pick('cols')
                     WHEN k = 'column_list' AND random() < 0.8 THEN kwfuzz.pick('column_list')
                     WHEN random() < 0.7 AND k IN (SELECT typed.k FROM kwfuzz.typed) THEN kwfuzz.pick(k)
                     ELSE kwfuzz.pick('pool') END);
        END LOOP;
    END IF;
    IF random() < 0.1 THEN
        kwargs := kwargs || jsonb_build_object('unknown_' || (random() * 9)::int, kwfuzz.pick('pool'));
    END IF;
    rf := (ARRAY['BOOLEAN_ONLY', 'BASIC', 'SUMMARY', 'COMPLETE', 'basic', ''])[1 + (random() * 5)::int];
    RETURN ROW('SELECT vqc.expect(''kwfuzz.t'', ($1)[1], ($1)[2]::jsonb, ($1)[3])', ARRAY[e, kwargs::text, rf],
            format('%s %s', e, kwargs))::fuzzlib.next;
END $$;

SELECT fuzzlib.run(:iterations, :seed, 'kwfuzz.next');
SELECT sqlstate, attempts, example FROM fuzzlib.outcome ORDER BY attempts DESC;
SELECT count(*) = 3001 AS table_intact FROM kwfuzz.t;
SELECT fuzzlib.verdict('kwargs fuzz', (SELECT count(*) FROM kwfuzz.t) = 3001) AS verdict;
DROP SCHEMA kwfuzz, fuzzlib CASCADE;
