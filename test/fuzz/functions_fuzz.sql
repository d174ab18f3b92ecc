-- Fuzzing of the C entry points that take free user input: PCRE2 matching
-- (patterns from a pool of valid, invalid and pathological ones, mutated),
-- strftime formats, ISO 8601 and e-mail checks, vqc.drift_exact over arrays
-- of every kind (NaN, infinities, NULLs, empty, mixed sizes) and vqc.drift
-- over profiles of every kind, with methods and options of every shape,
-- and the all-queries ranking aggregates (vqc.ranking_metrics_all,
-- vqc.ndcg_at_k_all) over random rows: query keys of many types (equal
-- keys of different images, NULLs, a type without hashing), runs or
-- shuffled rows, NaN, negative and NULL values, k of every kind, serial or
-- forced parallel plans, small memory limits; a result must match the
-- per-query aggregates over GROUP BY (1e-9), else VQ001; and the numeric
-- regression overloads over random decimals (scales up to 30 digits, NaN,
-- infinities, NULLs), serial or parallel, equal digit for digit to the
-- same metrics written in SQL over numeric, else VQ001.
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

-- query keys for row g of m queries
CREATE TABLE ffuzz.query_keys (v text);
INSERT INTO ffuzz.query_keys VALUES ('g % m'), ($$'q' || g % m$$), ('(g % m) / 2.0'), ('((g % m) * 1.00)::numeric(10, 2)'),
  ($$CASE WHEN g % 2 = 0 THEN '-0'::float8 ELSE 0 END + g % m$$), ('NULLIF(g % m, 1)'), ('(g % m = 0)'),
  ($$date '2024-01-01' + g % m$$), ('ARRAY[g % m, 1]'), ($$jsonb_build_object('q', g % m)$$), ('md5((g % m)::text)::uuid'),
  ('point(g % m, 0)'), ($$repeat('é', g % m)$$), ('(g % m)::int2');

-- one attempt over the all-queries ranking aggregates: n rows of the key
-- expression, in runs or shuffled, k, a parallel plan or not, a memory limit
CREATE FUNCTION ffuzz.ranking_all(key text, n int, m int, bad float8, shuffled boolean, k int, par boolean, mem text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    got jsonb;
    ndcg float8;
    want record;
    tbl text := 'ffuzz.ranking_' || md5(key);
BEGIN
    EXECUTE format('DROP TABLE IF EXISTS %s', tbl);
    EXECUTE format($q$CREATE TABLE %1$s AS
        SELECT %2$s AS q,
               CASE WHEN random() < %3$s THEN NULL WHEN random() < %4$s THEN 'NaN' WHEN random() < %4$s THEN -1
                    ELSE floor(random() * 4) * (random() < 0.6)::int END::float8 AS rel,
               CASE WHEN random() < %3$s THEN NULL ELSE round((random() * 8)::numeric) / 4 END::float8 AS score
          FROM (SELECT g, %5$s AS m FROM generate_series(1, %6$s) g) x ORDER BY %7$s$q$,
        tbl, replace(key, 'g % m', 'g / greatest(1, ' || n || ' / m)'), bad, bad / 20, m, n,
        CASE WHEN shuffled THEN 'random()' ELSE 'g' END);
    IF par THEN
        PERFORM set_config('parallel_setup_cost', '0', true), set_config('parallel_tuple_cost', '0', true),
                set_config('min_parallel_table_scan_size', '0', true), set_config('max_parallel_workers_per_gather', '2', true);
    END IF;
    IF mem IS NOT NULL THEN
        PERFORM set_config('vqc.exact_memory_limit', mem, true);
    END IF;
    EXECUTE format('SELECT vqc.ranking_metrics_all(q, rel, score, $1), vqc.ndcg_at_k_all(q, rel, score, $1) FROM %s', tbl)
        INTO got, ndcg USING k;
    EXECUTE format($q$SELECT count(*) AS queries, count(*) FILTER (WHERE (j ->> 'relevant_count')::int = 0) AS without,
                             coalesce(sum((j ->> 'count')::int), 0) AS taken, avg((j ->> 'ndcg')::float8) AS ndcg,
                             avg((j ->> 'average_precision')::float8) AS ap, avg((j ->> 'hit')::float8) AS hit
                        FROM (SELECT vqc.ranking_to_jsonb(vqc.ranking_agg(rel, score, $1)) j FROM %s WHERE q IS NOT NULL GROUP BY q) x
                       WHERE (j ->> 'count')::int > 0$q$, tbl) INTO want USING k;
    EXECUTE format('DROP TABLE %s', tbl);
    PERFORM fuzzlib.check(got IS NULL OR ((got ->> 'queries')::bigint = want.queries
                          AND (got ->> 'queries_without_relevant')::bigint = want.without
                          AND (got ->> 'rows')::bigint = want.taken
                          AND coalesce(abs((got ->> 'ndcg')::float8 - want.ndcg) <= 1e-9, want.ndcg IS NULL AND got ->> 'ndcg' IS NULL)
                          AND coalesce(abs(ndcg - want.ndcg) <= 1e-9, want.ndcg IS NULL AND ndcg IS NULL)
                          AND coalesce(abs((got ->> 'map')::float8 - want.ap) <= 1e-9, want.ap IS NULL)
                          AND coalesce(abs((got ->> 'hit_rate')::float8 - want.hit) <= 1e-9, want.hit IS NULL)),
                          'the all-queries ranking aggregates differ from the per-query aggregates over GROUP BY');
END $$;

-- one attempt over the numeric regression overloads: n pairs of decimals
CREATE FUNCTION ffuzz.regression_numeric(n int, digits int, bad float8, par boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    ok boolean;
BEGIN
    DROP TABLE IF EXISTS ffuzz.rn;
    EXECUTE format($q$CREATE TABLE ffuzz.rn AS
        SELECT CASE WHEN random() < %1$s THEN NULL WHEN random() < %2$s THEN 'NaN' WHEN random() < %2$s THEN '-Infinity'
                    ELSE round(((random() - 0.5) * 10 ^ (random() * %3$s))::numeric, (random() * %3$s)::int) END AS y,
               CASE WHEN random() < %1$s THEN NULL
                    ELSE round(((random() - 0.5) * 10 ^ (random() * %3$s))::numeric, (random() * %3$s)::int) END AS p
          FROM generate_series(1, %4$s) g$q$, bad, bad / 20, digits, n);
    IF par THEN
        PERFORM set_config('parallel_setup_cost', '0', true), set_config('parallel_tuple_cost', '0', true),
                set_config('min_parallel_table_scan_size', '0', true), set_config('max_parallel_workers_per_gather', '2', true);
    END IF;
    SELECT vqc.mean_absolute_error(y, p) IS NOT DISTINCT FROM (SELECT avg(abs(y - p)) FROM ffuzz.rn WHERE y IS NOT NULL AND p IS NOT NULL)
       AND vqc.mean_squared_error(y, p) IS NOT DISTINCT FROM (SELECT avg((y - p) * (y - p)) FROM ffuzz.rn WHERE y IS NOT NULL AND p IS NOT NULL)
       AND vqc.max_error(y, p) IS NOT DISTINCT FROM (SELECT max(abs(y - p)) FROM ffuzz.rn WHERE y IS NOT NULL AND p IS NOT NULL)
       AND vqc.mean_absolute_percentage_error(y, p) IS NOT DISTINCT FROM
           (SELECT avg(abs(y - p) / greatest(abs(y), 0.0000000000000002220446049250313080847263336181640625))
              FROM ffuzz.rn WHERE y IS NOT NULL AND p IS NOT NULL)
      INTO ok FROM ffuzz.rn;
    PERFORM fuzzlib.check(ok, 'the numeric regression overloads differ from the same metrics in SQL over numeric');
END $$;

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
    what int := (random() * 7)::int;
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
        WHEN 5 THEN format('SELECT ffuzz.ranking_all(%L, %s, %s, %s, %L, %s, %L, %L)', ffuzz.pick('query_keys'),
                           (ARRAY[0, 1, 7, 60, 500, 3000])[1 + (random() * 5)::int], (ARRAY[1, 2, 13, 200])[1 + (random() * 3)::int],
                           (ARRAY[0, 0, 0.05, 0.4])[1 + (random() * 3)::int], random() < 0.5,
                           (ARRAY['1', '2', '3', '10', '50', '0', '-1', 'NULL', '1000001'])[1 + (random() * 8)::int],
                           random() < 0.3, (ARRAY[NULL, NULL, NULL, '1kB', '300kB'])[1 + (random() * 4)::int])
        WHEN 6 THEN format('SELECT ffuzz.regression_numeric(%s, %s, %s, %L)', (ARRAY[0, 1, 2, 50, 3000])[1 + (random() * 4)::int],
                           (ARRAY[2, 12, 30])[1 + (random() * 2)::int], (ARRAY[0, 0, 0.05, 0.3])[1 + (random() * 3)::int],
                           random() < 0.3)
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
