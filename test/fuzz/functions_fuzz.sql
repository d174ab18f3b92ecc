-- Fuzzing of the C entry points that take free user input: PCRE2 matching
-- (patterns from a pool of valid, invalid and pathological ones, mutated),
-- strftime formats, ISO 8601 and e-mail checks, vqc.drift_exact over arrays
-- of every kind (NaN, infinities, NULLs, empty, mixed sizes) and vqc.drift
-- over profiles of every kind, with methods and options of every shape.
-- A crash ends the session; an internal error (SQLSTATE class XX) counts as
-- a failure.
--   psql -v iterations=N -v seed=S -f test/fuzz/functions_fuzz.sql
-- ends with "functions fuzz: PASS" or "functions fuzz: FAIL".
\set ON_ERROR_STOP on
\set schema ffuzz
\i test/fuzz/include/attempts.psql

CREATE TABLE ffuzz.texts (v text);
INSERT INTO ffuzz.texts VALUES (''), ('a'), ('abc'), ('2024-02-29'), ('2023-02-29'), ('1990-13-01'), ('2024-01-01T10:00:00Z'),
  ('2024-01-01T25:00:00+01:00'), ('2024-01-01 10:00:00.123456+05:30'), ('user@example.com'), ('a@b'), ('@'), ('é@ü.de'),
  ('12:30:45 PM'), ('Mon, 05 Feb 2024'), (repeat('a', 40) || 'b'), (repeat('ab', 5000)), (E'line\nbreak'),
  ('99999-01-01'), ('-0001-01-01'), ('%'), ('%%'), (chr(128512)), ('0'), ('-1.5e300');
CREATE TABLE ffuzz.patterns (v text);
INSERT INTO ffuzz.patterns VALUES ('^a'), ('a|b'), ('(a+)+$'), ('(unclosed'), ('['), ('\'), ('a{2,1}'), ('(?<n>a)\k<n>'),
  ('\p{L}+'), ('(?i)ABC'), ('.*.*.*.*.*=.*'), (''), ('^$'), ('(?=a)'), ('[[:alpha:]]'), ('\d{4}-\d{2}-\d{2}'),
  ('(a|aa)*c'), ('x' || repeat('(', 300)), ('(?C1)a'), ('\x{ffffffff}'), ('a++b'), ('(*UTF)a'), ('(*LIMIT_MATCH=1)a+');
CREATE TABLE ffuzz.formats (v text);
INSERT INTO ffuzz.formats VALUES ('%Y-%m-%d'), ('%d/%m/%Y %H:%M:%S'), ('%Q'), ('%'), ('%%'), ('%j'), ('%U %W %w'),
  ('%b %d %Y'), ('%I:%M %p'), ('%y'), ('%f'), ('%z'), ('%Z'), ('%a, %d %b %Y'), (''), ('%Y%Y%Y'), (repeat('%Y', 200));
CREATE TABLE ffuzz.arrays (v text);    -- array literals with their type
INSERT INTO ffuzz.arrays VALUES ($$'{1,2,3}'::float8[]$$), ($$'{}'::float8[]$$), ($$'{NaN,1}'::float8[]$$), ($$'{Infinity,1}'::float8[]$$),
  ($$'{NULL,NULL}'::float8[]$$), ($$'{NULL,1,2}'::float8[]$$), ($$'{1,1,1,1}'::int[]$$), ($$'{5}'::int[]$$), ($$'{a,b,a}'::text[]$$),
  ($$'{t,f,t}'::boolean[]$$), ($$'{t,t}'::boolean[]$$), ($$'{2024-01-01,2024-01-02}'::date[]$$), ($$'{1.5,2.5,1e30}'::numeric[]$$),
  ($$'{-0,0,-0}'::float8[]$$), ($$'{1e308,-1e308}'::float8[]$$), ($$ARRAY(SELECT random() FROM generate_series(1, 3000))$$),
  ($$ARRAY(SELECT (random() * 3)::int FROM generate_series(1, 2000))$$), ($$ARRAY(SELECT md5(g::text) FROM generate_series(1, 500) g)$$),
  ($$'{{1,2},{3,4}}'::float8[]$$);
CREATE TABLE ffuzz.methods (v text);
INSERT INTO ffuzz.methods VALUES ('auto'), ('psi'), ('kl'), ('js'), ('hellinger'), ('tv'), ('ks'), ('wasserstein'),
  ('wasserstein_normed'), ('chi_square'), ('chi_square_gof'), ('z_test'), ('median'), (''), ('PSI');
CREATE TABLE ffuzz.options (v jsonb);
INSERT INTO ffuzz.options VALUES ('{}'), ('{"bins": 4}'), ('{"bins": 0}'), ('{"bins": -1}'), ('{"bins": 1e9}'), ('{"bins": "x"}'),
  ('{"binning": "equal_width"}'), ('{"binning": "nope"}'), ('{"threshold": 0.01}'), ('{"threshold": "NaN"}'),
  ('{"threshold": -1}'), ('{"colour": 1}'), ('[]'), ('null'), ('{"bins": 2, "binning": "equal_width", "threshold": 1e308}');
CREATE TABLE ffuzz.profiles (p vqc.profile);
INSERT INTO ffuzz.profiles
SELECT vqc.profile_agg(x) FROM (VALUES (1.5::float8), (2), (3)) v(x)
UNION ALL SELECT vqc.profile_agg(g::float8 / 7) FROM generate_series(1, 5000) g
UNION ALL SELECT vqc.profile_agg(g % 4) FROM generate_series(1, 5000) g
UNION ALL SELECT vqc.profile_agg('s' || g % 9) FROM generate_series(1, 5000) g
UNION ALL SELECT vqc.profile_agg(g % 2 = 0) FROM generate_series(1, 100) g
UNION ALL SELECT vqc.profile_agg(date '2024-01-01' + g) FROM generate_series(1, 100) g
UNION ALL SELECT vqc.profile_agg(NULL::float8)
UNION ALL SELECT vqc.profile_agg(x) FROM (VALUES ('NaN'::float8), (1)) v(x);

CREATE FUNCTION ffuzz.pick(tbl text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    out text;
BEGIN
    EXECUTE format('SELECT v::text FROM ffuzz.%I ORDER BY random() LIMIT 1', tbl) INTO out;
    RETURN out;
END $$;

-- a string with a few random characters overwritten or inserted
CREATE FUNCTION ffuzz.mutate(s text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    k   int;
    pos int;
BEGIN
    FOR k IN 1 .. (random() * 3)::int LOOP
        pos := (random() * length(s))::int;
        s := overlay(s PLACING (ARRAY['(', ')', '[', ']', '{', '}', '\', '*', '+', '?', '%', '|', '^', '$', '.', 'a', 'é', '0'])[1 + (random() * 17)::int]
                     FROM pos + 1 FOR (random() < 0.5)::int);
    END LOOP;
    RETURN s;
END $$;

-- attempt i: one of the input functions on random, mutated input
CREATE FUNCTION ffuzz.next(i int, seed float8) RETURNS fuzzlib.next LANGUAGE plpgsql AS $$
DECLARE
    what int := (random() * 5)::int;
    call text;
BEGIN
    call := CASE what
        WHEN 0 THEN format('SELECT vqc.regex_match(%L, %L)', ffuzz.pick('texts'),
                           CASE WHEN random() < 0.5 THEN ffuzz.mutate(ffuzz.pick('patterns')) ELSE ffuzz.pick('patterns') END)
        WHEN 1 THEN format('SELECT vqc.matches_strftime(%L, %L), vqc.strftime_validate(%2$L)', ffuzz.pick('texts'),
                           CASE WHEN random() < 0.5 THEN ffuzz.mutate(ffuzz.pick('formats')) ELSE ffuzz.pick('formats') END)
        WHEN 2 THEN format('SELECT vqc.is_iso8601_date(%1$L), vqc.is_iso8601_datetime(%1$L), vqc.is_email(%1$L)',
                           ffuzz.mutate(ffuzz.pick('texts')))
        WHEN 3 THEN format('SELECT vqc.drift_exact(%s, %s, %L, %L)', ffuzz.pick('arrays'), ffuzz.pick('arrays'),
                           ffuzz.pick('methods'), ffuzz.pick('options'))
        ELSE format('SELECT vqc.drift(%L, %L, %L, %L)',
                    (SELECT p::text FROM ffuzz.profiles ORDER BY random() LIMIT 1),
                    (SELECT p::text FROM ffuzz.profiles ORDER BY random() LIMIT 1),
                    ffuzz.pick('methods'), ffuzz.pick('options'))
    END;
    RETURN ROW(call, NULL, call)::fuzzlib.next;
END $$;

SELECT fuzzlib.run(:iterations, :seed, 'ffuzz.next');
SELECT sqlstate, attempts, example FROM fuzzlib.outcome ORDER BY attempts DESC;
SELECT fuzzlib.verdict('functions fuzz') AS verdict;
DROP SCHEMA ffuzz, fuzzlib CASCADE;
