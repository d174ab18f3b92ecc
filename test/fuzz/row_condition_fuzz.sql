-- Fuzzing of row_condition, the one user text vqc turns into SQL
-- (src/sql/row_condition.sql).  Half the attempts are conditions drawn from
-- GE's grammar (comparisons of int, float, text and date columns with
-- numbers, strings and date(), .notnull() / .isnull(), ~ & | and
-- parentheses placed by precedence), each written beside an oracle: the
-- same condition in plain SQL, with SQL's three-valued logic as GE's SQL
-- backends have it (a comparison with NULL selects no row, nor does its ~).
-- vqc's SQL must select exactly the rows the oracle selects, and vqc.expect
-- with the condition must count them as its element_count and sum their
-- values as the oracle does.  The other half mutates such a condition
-- (characters deleted, doubled or inserted: quotes, semicolons, comment
-- marks, parentheses, backslashes, dollars, non-ASCII) or writes SQL
-- outright: vqc must answer with SQL that runs, or refuse with 42601
-- (syntax), 42703 (unknown column), 22023 (a value of the wrong type),
-- 54000 (too long) or 0A000; an internal error or any other failure is a
-- failure, and so is a change to the canary table that injected SQL would
-- make.
--   psql -v iterations=N -v seed=S -f test/fuzz/row_condition_fuzz.sql
-- prints a summary and ends with "row_condition fuzz: PASS" or "row_condition fuzz: FAIL".
\set ON_ERROR_STOP on
\set schema rcfuzz
\i test/fuzz/include/attempts.psql

CREATE TABLE rcfuzz.t (id int PRIMARY KEY, i int, f float8, s text, d date, "my col" int);
INSERT INTO rcfuzz.t
SELECT g, CASE WHEN g % 11 = 0 THEN NULL ELSE g % 20 - 5 END, CASE WHEN g % 13 = 0 THEN NULL ELSE g / 4.0 END,
       CASE WHEN g % 7 = 0 THEN NULL ELSE (ARRAY['CN', 'US', 'a b', 'x-y.z', 'é', ''])[1 + g % 6] END,
       CASE WHEN g % 9 = 0 THEN NULL ELSE date '2024-01-01' + g END, g % 3
  FROM generate_series(1, 300) g;
CREATE TABLE rcfuzz.canary (n int);
INSERT INTO rcfuzz.canary VALUES (1);

-- a random leaf: {ge, sql}
CREATE FUNCTION rcfuzz.leaf() RETURNS text[] LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    ops  text[] := ARRAY['==', '!=', '<', '<=', '>', '>='];
    op   text := ops[1 + floor(random() * 6)::int];
    sop  text := CASE op WHEN '==' THEN '=' WHEN '!=' THEN '<>' ELSE op END;
    col  text := (ARRAY['i', 'f', 's', 'd', 'my col'])[1 + floor(random() * 5)::int];
    q    text := CASE WHEN random() < 0.5 THEN '"' ELSE '''' END;
    v    text;
BEGIN
    IF random() < 0.2 THEN
        RETURN CASE WHEN random() < 0.5
                    THEN ARRAY[format('col("%s").notnull()', col), format('(%I IS NOT NULL)', col)]
                    ELSE ARRAY[format('col("%s").isnull()', col), format('(%I IS NULL)', col)] END;
    END IF;
    CASE col
    WHEN 'i', 'my col' THEN
        v := (floor(random() * 30) - 8)::int::text;
        RETURN ARRAY[format('col("%s") %s %s', col, op, v), format('(%I %s %s)', col, sop, v)];
    WHEN 'f' THEN
        v := round((random() * 80 - 5)::numeric, 2)::text;
        RETURN ARRAY[format('col("f") %s %s', op, v), format('(f %s %s)', sop, v)];
    WHEN 's' THEN
        v := (ARRAY['CN', 'US', 'a b', 'x-y.z', 'é', '', 'zz'])[1 + floor(random() * 7)::int];
        RETURN ARRAY[format('col("s") %s %s%s%s', op, q, v, q), format('(s %s %L)', sop, v)];
    ELSE
        v := (date '2024-01-01' + floor(random() * 320)::int)::text;
        RETURN ARRAY[format('col("d") %s date(%s%s%s)', op, q, v, q), format('(d %s DATE %L)', sop, v)];
    END CASE;
END $$;

-- a random condition of depth at most depth: {ge, sql, kind}, kind being
-- the loosest operator at its top (| & ~ or leaf), for parentheses by precedence
CREATE FUNCTION rcfuzz.gen(depth int) RETURNS text[] LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    r  float8 := random();
    a  text[];
    b  text[];
    op text;
BEGIN
    IF depth = 0 OR r < 0.35 THEN
        a := rcfuzz.leaf();
        RETURN ARRAY[a[1], a[2], 'leaf'];
    ELSIF r < 0.5 THEN
        a := rcfuzz.gen(depth - 1);
        RETURN ARRAY['~' || CASE WHEN a[3] IN ('&', '|') OR random() < 0.3 THEN '(' || a[1] || ')' ELSE a[1] END,
                     format('(NOT %s)', a[2]), '~'];
    END IF;
    op := CASE WHEN r < 0.75 THEN '&' ELSE '|' END;
    a := rcfuzz.gen(depth - 1);
    b := rcfuzz.gen(depth - 1);
    -- a child needs parentheses when its operator binds more loosely
    -- (| under &), or on the right of a chain of its own kind sometimes
    RETURN ARRAY[
        CASE WHEN (op = '&' AND a[3] = '|') OR random() < 0.15 THEN '(' || a[1] || ')' ELSE a[1] END
          || CASE WHEN random() < 0.5 THEN ' ' ELSE '' END || op || CASE WHEN random() < 0.5 THEN ' ' ELSE '' END
          || CASE WHEN (op = '&' AND b[3] = '|') OR (b[3] = op) OR random() < 0.15 THEN '(' || b[1] || ')' ELSE b[1] END,
        format('(%s %s %s)', a[2], CASE op WHEN '&' THEN 'AND' ELSE 'OR' END, b[2]),
        op];
END $$;

-- a condition with 1 to 3 random edits, or SQL outright
CREATE FUNCTION rcfuzz.mutate(c text) RETURNS text LANGUAGE plpgsql VOLATILE AS $f$
DECLARE
    bits text[] := ARRAY['"', '''', ';', '--', '/*', '(', ')', '&', '|', '~', '\', '$1', '$$', 'é', E'\t', '.', '==',
                         'col(', '")', ' OR 1=1', '"); DROP TABLE rcfuzz.canary; --', 'date(', '.notnull()', 'E''\'''];
    k    int;
    p    int;
BEGIN
    IF random() < 0.1 THEN
        RETURN (ARRAY['1 = 1', 'true', 'id > 0; DELETE FROM rcfuzz.canary', 'col("i") > 1) OR (1 = 1',
                      'col("i") > (SELECT 1)', 'col("id") > 0 -- ', 'col("i") > 1e999', 'col("i") > 99999999999',
                      'col("d") > date("2024-13-45")', 'col("nope") > 1', repeat('~', 3000) || 'col("i") > 1',
                      repeat('(', 500) || 'col("i") > 1' || repeat(')', 500)])[1 + floor(random() * 12)::int];
    END IF;
    FOR k IN 1 .. 1 + floor(random() * 3)::int LOOP
        p := 1 + floor(random() * (length(c) + 1))::int;
        CASE floor(random() * 3)::int
        WHEN 0 THEN c := overlay(c placing '' from p for 1 + floor(random() * 3)::int);
        WHEN 1 THEN c := overlay(c placing bits[1 + floor(random() * cardinality(bits))::int] from p for 0);
        ELSE c := overlay(c placing substr(c, p, 1 + floor(random() * 6)::int) from p for 0);
        END CASE;
    END LOOP;
    RETURN c;
END $f$;

-- VQ001 unless vqc's SQL for cond selects the rows of oracle (when given),
-- and vqc.expect with the condition counts them
CREATE FUNCTION rcfuzz.check(cond text, oracle text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    sql  text := vqc._row_condition_sql('rcfuzz.t', cond);
    got  int[];
    want int[];
    r    jsonb;
    r2   jsonb;
BEGIN
    EXECUTE format('SELECT array_agg(id ORDER BY id) FROM rcfuzz.t WHERE %s', sql) INTO got;
    IF oracle IS NOT NULL THEN
        EXECUTE format('SELECT array_agg(id ORDER BY id) FROM rcfuzz.t WHERE %s', oracle) INTO want;
        PERFORM fuzzlib.check(got IS NOT DISTINCT FROM want, format('rows differ from the oracle %s', oracle));
    END IF;
    IF random() < 0.2 THEN
        r := vqc.expect('rcfuzz.t', 'expect_column_values_to_not_be_null',
                        jsonb_build_object('column', 'i', 'row_condition', cond, 'condition_parser', 'great_expectations'),
                        'COMPLETE');
        PERFORM fuzzlib.check((r #>> '{result,element_count}')::int = coalesce(cardinality(got), 0),
                              'vqc.expect counts other rows than the condition selects');
    END IF;
    IF oracle IS NOT NULL AND random() < 0.2 THEN
        r := vqc.expect('rcfuzz.t', 'expect_column_sum_to_be_between',
                        jsonb_build_object('column', 'i', 'row_condition', cond));
        EXECUTE format('SELECT pg_catalog.to_jsonb(sum(i)) FROM rcfuzz.t WHERE %s', oracle) INTO r2;
        PERFORM fuzzlib.check(coalesce(r #> '{result,observed_value}', 'null') = coalesce(r2, 'null'),
                              'the sum under the condition differs from the oracle''s');
    END IF;
    PERFORM fuzzlib.check((SELECT count(*) = 1 FROM rcfuzz.canary), 'the canary table changed');
EXCEPTION WHEN syntax_error OR undefined_column OR invalid_parameter_value OR program_limit_exceeded
               OR feature_not_supported THEN
    IF oracle IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'VQ001', MESSAGE = 'a condition of the grammar was refused: ' || SQLERRM;
    END IF;
    RAISE;
END $$;

CREATE FUNCTION rcfuzz.next(i int, seed float8) RETURNS fuzzlib.next LANGUAGE plpgsql AS $$
DECLARE
    g text[] := rcfuzz.gen(1 + floor(random() * 4)::int);
BEGIN
    IF random() < 0.5 THEN
        RETURN ROW('SELECT rcfuzz.check(($1)[1], ($1)[2])', ARRAY[g[1], g[2]], g[1])::fuzzlib.next;
    END IF;
    g[1] := rcfuzz.mutate(g[1]);
    RETURN ROW('SELECT rcfuzz.check(($1)[1], NULL)', ARRAY[g[1]], g[1])::fuzzlib.next;
END $$;

SELECT fuzzlib.run(:iterations, :seed, 'rcfuzz.next');
SELECT sqlstate, attempts, example FROM fuzzlib.outcome ORDER BY attempts DESC;
SELECT fuzzlib.verdict('row_condition fuzz', (SELECT count(*) = 1 FROM rcfuzz.canary)) AS verdict;
DROP SCHEMA rcfuzz, fuzzlib CASCADE;
