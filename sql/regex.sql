-- vqc.regex_match / vqc.regex_validate (src/regex.c)
\set VERBOSITY default

-- matches and non-matches; the search is unanchored like ~
SELECT vqc.regex_match('hello world', 'world') AS t,
       vqc.regex_match('hello world', 'o w') AS t,
       vqc.regex_match('hello world', 'planet') AS f,
       vqc.regex_match('', '') AS t,
       vqc.regex_match('', 'a') AS f,
       vqc.regex_match('abc', '') AS t;

-- anchors
SELECT vqc.regex_match('hello world', '^hello') AS t,
       vqc.regex_match('hello world', '^world') AS f,
       vqc.regex_match('hello world', 'world$') AS t,
       vqc.regex_match('hello world', '^hello$') AS f,
       vqc.regex_match('12345', '^\d{5}$') AS t,
       vqc.regex_match('123456', '^\d{5}$') AS f,
       vqc.regex_match('abc' || chr(10), '^abc$') AS t_perl_dollar,
       vqc.regex_match('abc' || chr(10), '^abc\z') AS f;

-- Perl syntax: classes, alternation, lazy quantifiers, lookaround, flags
SELECT vqc.regex_match('2024-01-31', '^(\d{4})-(0[1-9]|1[0-2])-\d{2}$') AS t,
       vqc.regex_match('foo.bar', '^[a-z]+\.[a-z]+$') AS t,
       vqc.regex_match('fooXbar', '^[a-z]+\.[a-z]+$') AS f,
       vqc.regex_match('price: 100', '(?<=: )\d+') AS t,
       vqc.regex_match('HELLO', '(?i)^hello$') AS t,
       vqc.regex_match('HELLO', '^hello$') AS f,
       vqc.regex_match('cat', '^(dog|cat|bird)$') AS t;

-- the email regex from the design page
SELECT v, vqc.regex_match(v, '^[^@\s]+@[^@\s]+\.[^@\s]+$') AS ok
FROM (VALUES ('a@b.co'), ('a@b'), ('a b@c.de'), ('@x.y')) AS t(v);

-- UTF-8 (the test database is UTF-8): characters, and Unicode \w and \d
-- (PCRE2_UTF | PCRE2_UCP, as in Python 3's re)
SELECT vqc.regex_match('ünïcödé', '^\w+$') AS t,
       vqc.regex_match('ünïcödé', '^.{7}$') AS t_seven_chars,
       vqc.regex_match('ünïcödé', '^[a-z]+$') AS f,
       vqc.regex_match('ünïcödé', '^[[:alpha:]]+$') AS t,
       vqc.regex_match('١٢٣', '^\d+$') AS t_arabic_indic_digits,
       vqc.regex_match('日本語', '^\p{Han}{3}$') AS t,
       vqc.regex_match('naïve café', '\bcafé\b') AS t;

-- NULL in, NULL out
SELECT vqc.regex_match(NULL, 'a') IS NULL AS t,
       vqc.regex_match('a', NULL) IS NULL AS t,
       vqc.regex_validate(NULL) IS NULL AS t;

-- validation
SELECT vqc.regex_validate('^[a-z]+$') AS t;
SELECT vqc.regex_validate('(abc');
SELECT vqc.regex_validate('a{2,1}');
SELECT vqc.regex_match('abc', '[z-a]');
-- \C is refused: it could split a character
SELECT vqc.regex_validate('a\Cb');

-- SQLSTATE of an invalid pattern
DO $$
BEGIN
  PERFORM vqc.regex_match('abc', '*abc');
EXCEPTION WHEN invalid_regular_expression THEN
  RAISE NOTICE 'SQLSTATE %: %', SQLSTATE, SQLERRM;
END $$;

-- a huge pattern is refused cleanly, not crashed on
SELECT vqc.regex_validate(repeat('(a)', 400000));
SELECT vqc.regex_match('a', repeat('a', 1000000));

-- catastrophic backtracking ends with an error, fast
SELECT clock_timestamp() AS t0 \gset
SELECT vqc.regex_match(repeat('a', 40) || 'b', '(a+)+$');
DO $$
BEGIN
  PERFORM vqc.regex_match(repeat('a', 40) || 'b', '(a+)+$');
EXCEPTION WHEN program_limit_exceeded THEN
  RAISE NOTICE 'SQLSTATE %: %', SQLSTATE, SQLERRM;
END $$;
SELECT clock_timestamp() - :'t0' < interval '5 seconds' AS fast;

-- a moderately hard pattern passes under the default limit and fails under
-- a lowered one
-- (no required literal such as a final y, which PCRE2 would check first)
SELECT vqc.regex_match(repeat('x', 14) || 'y', '^(x+x+)+$') AS f;
SET vqc.regex_match_limit = 1000;
SELECT vqc.regex_match(repeat('x', 14) || 'y', '^(x+x+)+$');
SELECT vqc.regex_match(repeat('x', 14), '^(x+x+)+$') AS t_easy_still_fine;
RESET vqc.regex_match_limit;
SELECT vqc.regex_match(repeat('x', 14) || 'y', '^(x+x+)+$') AS f;
-- the depth limit binds the interpreter (the JIT ignores it): (*NO_JIT)
SELECT vqc.regex_match(repeat('x', 500), '(*NO_JIT)^(?:x|y)+$') AS t;
SET vqc.regex_depth_limit = 100;
SELECT vqc.regex_match(repeat('x', 500), '(*NO_JIT)^(?:x|y)+$');
SELECT vqc.regex_match(repeat('x', 500), '^(?:x|y)+$') AS t_jit;
RESET vqc.regex_depth_limit;

-- over a table: one compiled pattern, many subjects
CREATE TEMP TABLE subjects (id int, s text, p text);
INSERT INTO subjects VALUES
  (1, 'alpha-1', '^[a-z]+-\d$'),
  (2, 'BETA-22', '^[A-Z]+-\d+$'),
  (3, 'gamma_3', '^[a-z]+-\d$'),
  (4, 'delta-4', '^[a-z]+-\d$'),
  (5, '', '^$'),
  (6, NULL, '^$'),
  (7, 'ünï-7', '^\w+-\d$'),
  (8, 'epsilon-8', NULL);
SELECT id, vqc.regex_match(s, '^[a-z]+-\d$') AS same_pattern
FROM subjects ORDER BY id;
SELECT count(*) FILTER (WHERE vqc.regex_match(s, '^[a-z]+-\d$')) AS matched,
       count(*) FILTER (WHERE NOT vqc.regex_match(s, '^[a-z]+-\d$')) AS unmatched
FROM subjects;

-- the pattern changes per row: the cache is rebuilt each time it changes
SELECT id, vqc.regex_match(s, p) AS own_pattern
FROM subjects ORDER BY id;

-- a bad pattern on one row fails the query
SELECT id, vqc.regex_match(s, CASE WHEN id = 3 THEN '([a-z]' ELSE p END)
FROM subjects ORDER BY id;

-- many rows through one cached pattern
SELECT count(*) AS matched
FROM generate_series(1, 10000) AS g
WHERE vqc.regex_match('row-' || g, '^row-\d*7$');
