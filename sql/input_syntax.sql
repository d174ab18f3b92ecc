-- vqc._numeric_input_valid and vqc._boolean_input accept exactly what the
-- casts accept, and vqc._sample_json (which tests text with them instead of
-- catching the cast's error in a subtransaction per sample) gives the same
-- JSON as its former body, which caught data_exception, on every input.
CREATE SCHEMA input_syntax_test;
SET search_path = input_syntax_test, public;

-- the casts, caught (one subtransaction each: fine in a test)
CREATE FUNCTION numeric_ok(v text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM v::numeric;
    RETURN true;
EXCEPTION WHEN data_exception THEN
    RETURN false;
END
$$;
CREATE FUNCTION boolean_cast(v text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    RETURN v::boolean;
EXCEPTION WHEN data_exception THEN
    RETURN NULL;
END
$$;
-- vqc._sample_json as it was in 0.4.0
CREATE FUNCTION old_sample_json(value text, category "char", clipped boolean) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF value IS NULL THEN
        RETURN 'null';
    ELSIF clipped THEN
        RETURN to_jsonb(value);
    ELSIF category = 'N' AND value ~ '^-?[0-9]' THEN
        RETURN to_jsonb(value::numeric);
    ELSIF category = 'B' THEN
        RETURN to_jsonb(value::boolean);
    END IF;
    RETURN to_jsonb(value);
EXCEPTION WHEN data_exception THEN
    RETURN to_jsonb(value);
END
$$;

-- edge cases: spaces, signs, digits and points, exponents (empty, spaced,
-- at and past numeric's limits), trailing junk; NaN and the infinities;
-- boolean words and their prefixes
CREATE TABLE cases (v text);
INSERT INTO cases
SELECT lead || sign || mant || ex || trail
  FROM unnest(ARRAY['', ' ', E'\t\n']) lead,
       unnest(ARRAY['', '+', '-']) sign,
       unnest(ARRAY['0', '1', '007', '1.5', '.5', '5.', '.', '1.2.3', '', '00.000', '0.0001',
                    '12345678901234567890.12345678901234567890', 'NaN', 'nan', 'inf', 'Inf', 'INFINITY',
                    'Infinity', 'infinit', 'in', 'x', 'e5', 't', 'true', 'yes', 'on', 'off', 'o', '1 2']) mant,
       unnest(ARRAY['', 'e5', 'E-5', 'e+5', 'e', 'e+', 'e-', 'e 5', 'e\t-5', 'e- 5', 'e5.5', 'ee5', 'e0x10',
                    'e-1000', 'e1001', 'e-16383', 'e-16384', 'e131072',
                    'e0000000000000000000016', 'e1073741822', 'e1073741823', 'e-1073741822',
                    'e-1073741823', 'e99999999999999999999', 'e-99999999999999999999']) ex,
       unnest(ARRAY['', ' ', E' \r\n', 'x', ' 1']) trail;
INSERT INTO cases VALUES
    (NULL), (repeat('9', 131072)), (repeat('9', 131073)), ('0.' || repeat('0', 16382) || '1'),
    ('0.' || repeat('0', 16383) || '1'), ('0.' || repeat('0', 16383)), ('0.' || repeat('0', 16382)),
    (repeat('0', 200000) || '1'), ('1' || repeat('0', 131071) || 'e-4'), ('1' || repeat('0', 131072) || 'e-4'),
    ('0.0001e-16379'), ('0.0001e-16380'), ('1e-131072'), ('1e-131068'), ('1e-131069'), ('9999e131068'),
    ('99999e131068'), ('1e131071'), ('-1.5e-16382'), (' 1e-16383 '), ('0e1073741822'), ('-0'), ('-0.0e-10'),
    ('t'), ('T'), ('tr'), ('tru'), ('TRUE'), ('truex'), ('f'), ('fa'), ('fals'), ('false'), ('falsey'),
    ('y'), ('ye'), ('yes'), ('yess'), ('n'), ('no'), ('non'), ('on'), ('ON'), ('of'), ('off'), ('offf'),
    ('o'), ('1'), ('0'), ('01'), ('10'), ('2'), ('-1'), (' t '), (E'\tyes\n'), (E'\ft'), (E'\x0bf'),
    ('t t'), (''), (' '), ('é'), ('1é'), (E'1\u00a0'), (E'\u00a0t');
-- random strings over the characters that matter, seeded
SELECT setseed(0.15);
INSERT INTO cases
-- (random() is drawn in the nested loop's order, g then k; ORDER BY k keeps
-- each string's characters in that order whether the grouping hashes or sorts)
SELECT string_agg(substr('0123456789.eE+- ' || E'\t' || 'NnaIifty', (random() * 24)::int + 1, 1), '' ORDER BY k)
  FROM generate_series(1, 30000) g, generate_series(1, 1 + g % 12) k
 GROUP BY g;

SELECT count(*) AS cases, count(DISTINCT v) AS distinct_cases,
       count(*) FILTER (WHERE numeric_ok(v)) AS valid_numeric,
       count(*) FILTER (WHERE boolean_cast(v) IS NOT NULL) AS valid_boolean
  FROM cases;

-- the validators against the casts: no difference
SELECT v, vqc._numeric_input_valid(v) AS valid, numeric_ok(v) AS cast_ok
  FROM cases WHERE vqc._numeric_input_valid(v) IS DISTINCT FROM (CASE WHEN v IS NOT NULL THEN numeric_ok(v) END);
SELECT v, vqc._boolean_input(v) AS parsed, boolean_cast(v) AS cast
  FROM cases WHERE vqc._boolean_input(v) IS DISTINCT FROM boolean_cast(v);

-- the new vqc._sample_json against the old, for numbers, booleans, text,
-- clipped or not: no difference
SELECT left(v, 40) AS v, c, clipped
  FROM cases, unnest(ARRAY['N', 'B', 'S']::"char"[]) c, unnest(ARRAY[false, true, NULL]) clipped
 WHERE vqc._sample_json(v, c, clipped) IS DISTINCT FROM old_sample_json(v, c, clipped);
-- and the comparison is not vacuous: numbers and booleans do come out typed
SELECT jsonb_typeof(vqc._sample_json(v, c, false)) AS json_type, c, count(*)
  FROM cases, unnest(ARRAY['N', 'B']::"char"[]) c
 GROUP BY 1, 2 ORDER BY 2, 1;

RESET search_path;
DROP SCHEMA input_syntax_test CASCADE;
