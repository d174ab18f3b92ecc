-- vqc.like_match(value, pattern): text ~~ text exactly (src/like_match.c).
-- Every pattern of up to 4 symbols over an alphabet with both wildcards,
-- the escape, a multibyte character and plain letters, against every value
-- of up to 4 of its characters: the same answers, and the same error where
-- ~~ raises one (a pattern ending in its escape, when a match reaches it).
\set VERBOSITY terse
CREATE FUNCTION pg_temp.outcome(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r boolean;
BEGIN
    EXECUTE q INTO r;
    RETURN r::text;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;
CREATE TEMP TABLE sym(c text);
INSERT INTO sym VALUES ('a'), ('b'), ('%'), ('_'), ('\'), ('é'), ('.');
CREATE TEMP TABLE pat AS
WITH RECURSIVE p(s, n) AS (SELECT '', 0 UNION ALL SELECT p.s || sym.c, n + 1 FROM p, sym WHERE n < 4)
SELECT s FROM p;
CREATE TEMP TABLE val AS
WITH RECURSIVE v(s, n) AS (SELECT '', 0 UNION ALL SELECT v.s || c, n + 1 FROM v, (VALUES ('a'), ('b'), ('%'), ('é'), ('\')) x(c) WHERE n < 4)
SELECT s FROM v;
SELECT (SELECT count(*) FROM pat) AS patterns, (SELECT count(*) FROM val) AS "values";
-- the boolean answers: compared in one query (errors are compared below)
SELECT count(*) AS compared,
       count(*) FILTER (WHERE vqc.like_match(v.s, p.s) IS DISTINCT FROM (v.s ~~ p.s)) AS differ
  FROM pat p, val v
 WHERE p.s !~ '(^|[^\\])(\\\\)*\\$';
-- patterns ending in the escape: the outcome row by row
SELECT count(*) AS compared,
       count(*) FILTER (WHERE pg_temp.outcome(format('SELECT vqc.like_match(%L, %L)', v.s, p.s))
                              IS DISTINCT FROM pg_temp.outcome(format('SELECT %L ~~ %L', v.s, p.s))) AS differ
  FROM pat p, val v
 WHERE p.s ~ '(^|[^\\])(\\\\)*\\$' AND length(p.s) <= 3 AND length(v.s) <= 3;
-- longer values, and a pattern that changes from row to row
SELECT count(*) FILTER (WHERE vqc.like_match(v, p) IS DISTINCT FROM (v ~~ p)) AS differ
  FROM (SELECT repeat('ab', g % 40) || 'é@x.' || repeat('b', g % 7) AS v,
               (ARRAY['%@%.%', 'ab%', '%b', 'a%b%a', '%é@%', '%%', '', '%.%.%', 'abab%@%'])[1 + g % 9] AS p
          FROM generate_series(1, 2000) g) x;
-- NULLs, and a nondeterministic collation (refused as ~~ refuses it)
SELECT vqc.like_match(NULL, 'a'), vqc.like_match('a', NULL);
CREATE COLLATION pg_temp.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
SELECT pg_temp.outcome($$SELECT vqc.like_match('a' COLLATE pg_temp.ci, 'a')$$) AS like_match,
       pg_temp.outcome($$SELECT 'a' COLLATE pg_temp.ci ~~ 'a'$$) AS "~~";
