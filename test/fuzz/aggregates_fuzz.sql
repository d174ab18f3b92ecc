-- Fuzzing of vqc's transition and combine functions through aggregates of
-- the user's: any role may CREATE AGGREGATE over them with a state of any
-- kind as INITCOND and any input type, so each attempt declares one (in a
-- scratch schema) over a function found in the catalog (every function of
-- the extension whose result is a state type and whose first argument is
-- that state: the transition and combine functions, vqc.merge), with an
-- INITCOND drawn from the seed states of test/fuzz/include/states.psql (of
-- every kind, none, or another type's), a FINALFUNC or none, inputs of
-- every type the profile takes and some it does not (or states, for a
-- combine function), and runs it plainly, grouped, ordered, filtered, as a
-- window, or in parallel (with the type's combine function).  The first
-- attempts sweep every function with every INITCOND of its type and every
-- input type (about 800, run plainly over 40 rows);
-- the rest draw at random.  Some call the functions directly with states
-- (outside an aggregate they must refuse with an ordinary error too).
-- An attempt passes when it fails with an ordinary error, or succeeds with
-- states that pass fuzzlib.exercise and, run plainly, counts that add up
-- (the INITCOND's count plus the rows or states fed); a profile must also
-- agree with vqc.merge of the INITCOND and vqc.profile_agg of the inputs
-- (kind, counts, min and max), and fail where vqc.merge fails.  A crash
-- ends the session; an internal error (XX) or a failed check (VQ001)
-- counts as a failure.
--   psql -v iterations=N -v seed=S -f test/fuzz/aggregates_fuzz.sql
-- ends with "aggregates fuzz: PASS" or "aggregates fuzz: FAIL".
\set ON_ERROR_STOP on
\set schema afuzz
\i test/fuzz/include/attempts.psql
\i test/fuzz/include/states.psql

CREATE DOMAIN afuzz.small AS int CHECK (VALUE > -1000000);
CREATE DOMAIN afuzz.label AS text;
CREATE TYPE afuzz.mood AS ENUM ('low', 'high');

-- input types and a value of each for row g (NULL in every 11th row)
CREATE TABLE afuzz.input (typ text PRIMARY KEY, expr text NOT NULL);
INSERT INTO afuzz.input VALUES
  ('smallint', '(g * 7919 % 3001)::int2'), ('integer', '(g * 7919 % 100003)::int4'), ('bigint', 'g::int8 * 1000003'),
  ('real', '(g / 7.0)::float4'), ('double precision', $$CASE g % 97 WHEN 1 THEN 'NaN' WHEN 2 THEN '-Infinity' ELSE g / 3.0 END::float8$$),
  ('numeric', 'g / 7.0'), ('boolean', 'g % 3 = 0'), ('text', $$'t' || (g * 48271) % 3001$$),
  ('varchar', $$('w' || g % 50)::varchar$$), ('char(4)', $$('c' || g % 9)::char(4)$$),
  ('date', $$date '2020-01-01' + g$$), ('timestamp', $$timestamp '2020-01-01' + g * interval '1 hour'$$),
  ('timestamptz', $$timestamptz '2020-01-01 00:00+00' + g * interval '1 second'$$),
  ('afuzz.small', '(g % 1000)::afuzz.small'), ('afuzz.label', $$(repeat('é', g % 90))::afuzz.label$$),
  ('uuid', 'md5(g::text)::uuid'), ('jsonb', $$jsonb_build_object('g', g)$$), ('interval', 'g * interval ''1 day'''),
  ('integer[]', 'ARRAY[g]'), ('afuzz.mood', $$(ARRAY['low', 'high'])[1 + g % 2]::afuzz.mood$$), ('bytea', 'int4send(g)');

-- functions an aggregate can take as SFUNC: the state first and as result
CREATE TABLE afuzz.sfunc AS
SELECT p.oid::regprocedure AS fn, p.prorettype::regtype AS stype, p.proargtypes::oid[] AS args, p.proisstrict AS isstrict
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'vqc')
   AND p.prokind = 'f' AND p.pronargs >= 2 AND p.prorettype = p.proargtypes[0]
   AND p.prorettype IN (SELECT DISTINCT typ FROM fuzzlib.seed);
-- functions an aggregate can take as FINALFUNC: the state as only argument
CREATE TABLE afuzz.finalfunc AS
SELECT p.oid::regproc AS fn, p.proargtypes[0]::regtype AS stype
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'vqc')
   AND p.prokind = 'f' AND p.pronargs = 1 AND NOT p.proretset
   AND p.proargtypes[0] IN (SELECT DISTINCT typ FROM fuzzlib.seed);

-- the seed states of each state type, typed, numbered from 1: the rows a
-- combine function aggregates (afuzz.states_<type oid>)
DO $$
DECLARE
    t regtype;
BEGIN
    FOR t IN SELECT DISTINCT stype FROM afuzz.sfunc LOOP
        EXECUTE format('CREATE TABLE afuzz.%I AS SELECT row_number() OVER (ORDER BY name)::int AS k, '
                       'encode(state, ''hex'')::%s AS s FROM fuzzlib.seed WHERE typ = %L::regtype',
                       'states_' || t::oid, t, t);
    END LOOP;
END $$;

-- the first attempts of a run sweep every function with every INITCOND of
-- its state type and every input type (one polymorphic argument at most,
-- or "any" arguments of one type; of the confusion state's transitions,
-- only the plain one)
CREATE TABLE afuzz.sweep AS
SELECT row_number() OVER (ORDER BY f.fn::text, sd.name, i.typ) AS k, f.fn, sd.name AS init, i.typ AS input
  FROM afuzz.sfunc f
  JOIN fuzzlib.seed sd ON sd.typ = f.stype
  LEFT JOIN afuzz.input i ON 'anyelement'::regtype = ANY (f.args)
                          OR ('"any"'::regtype = ANY (f.args)
                              AND (f.stype <> 'vqc.confusion_state'::regtype
                                   OR f.fn = 'vqc.confusion_transfn(vqc.confusion_state, "any", "any")'::regprocedure));

-- the rows of a parallel run (a table: a function scan has no parallel plan)
CREATE TABLE afuzz.rows AS SELECT g FROM generate_series(1, 2100) g;
ANALYZE afuzz.rows;

-- the query q (SELECT ARRAY[afuzz.agg(...)::text] over afuzz.rows) with a
-- parallel plan where one is possible: partial states, from the INITCOND in
-- each process, go through the COMBINEFUNC
CREATE FUNCTION afuzz.run_parallel(q text) RETURNS text[] LANGUAGE plpgsql
SET parallel_setup_cost = 0 SET parallel_tuple_cost = 0 SET min_parallel_table_scan_size = 0
SET max_parallel_workers_per_gather = 2 AS $$
DECLARE
    res text[];
BEGIN
    EXECUTE q INTO res;
    RETURN res;
END $$;

CREATE FUNCTION afuzz.pick(a anyarray) RETURNS anyelement LANGUAGE sql VOLATILE AS $$
    SELECT a[1 + floor(random() * cardinality(a))::int]
$$;

-- how many values a state counts: rows for profiles and tallies, non-null
-- values for the others
CREATE FUNCTION afuzz.state_count(typ regtype, s text) RETURNS numeric LANGUAGE plpgsql AS $$
BEGIN
    RETURN CASE typ WHEN 'vqc.profile'::regtype THEN vqc.row_count(s::vqc.profile)
                    WHEN 'vqc.tally'::regtype THEN vqc.tally_count(s::vqc.tally)
                    WHEN 'vqc.exact_quantile_state'::regtype THEN vqc.exact_quantile_count(s::vqc.exact_quantile_state)
                    WHEN 'vqc.confusion_state'::regtype
                        THEN vqc.confusion_count(s::vqc.confusion_state) + vqc.confusion_skipped(s::vqc.confusion_state)
                    WHEN 'vqc.score_state'::regtype THEN vqc.score_count(s::vqc.score_state) + vqc.score_skipped(s::vqc.score_state)
                    WHEN 'vqc.regression_state'::regtype
                    THEN vqc.regression_count(s::vqc.regression_state) + vqc.regression_null_count(s::vqc.regression_state)
                    WHEN 'vqc.ranking_state'::regtype
                    THEN vqc.ranking_count(s::vqc.ranking_state) + vqc.ranking_null_count(s::vqc.ranking_state)
                    WHEN 'vqc.agreement_state'::regtype
                    THEN vqc.agreement_count(s::vqc.agreement_state) + vqc.agreement_null_count(s::vqc.agreement_state)
                    WHEN 'vqc.ranking_all_state'::regtype
                    THEN (SELECT (r ->> 'rows')::numeric + (r ->> 'null_rows')::numeric
                            FROM (SELECT vqc.ranking_all_report(s::vqc.ranking_all_state) AS r) x)
                    -- the pairs taken and skipped: the two counts after the header
                    WHEN 'vqc.regression_numeric_state'::regtype
                    THEN ('x' || substr(s, 17, 16))::bit(64)::bigint + ('x' || substr(s, 33, 16))::bit(64)::bigint
                    ELSE vqc.hash_set_count(s::vqc.hash_set_state) END;
END $$;

-- what two profiles must agree on
CREATE FUNCTION afuzz.profile_facts(p vqc.profile) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('kind', j -> 'kind', 'rows', j -> 'rows', 'nulls', j -> 'nulls', 'nan', j -> 'nan',
                              'true', j -> 'true', 'false', j -> 'false', 'min', j -> 'min', 'max', j -> 'max')
      FROM (SELECT vqc.profile_to_jsonb(p) AS j) x
$$;

-- afuzz.agg over the inputs argexprs (of rows g = 1 .. n) run in the mode;
-- the checks of the header comment on its results
CREATE FUNCTION afuzz.check(sf text, stype regtype, argtypes text[], argexprs text[], initcond text,
                            final text, mode text, n int, isstrict boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    src     text := format('(SELECT g, %s FROM %s) src', (SELECT string_agg(format('%s AS a%s', e, o), ', ')
                                                         FROM unnest(argexprs) WITH ORDINALITY u(e, o)),
                           CASE WHEN mode = 'parallel' THEN format('afuzz.rows WHERE g <= %s', n)
                                ELSE format('generate_series(1, %s) g', n) END);
    cols    text := (SELECT string_agg('a' || o, ', ') FROM generate_series(1, cardinality(argexprs)) o);
    q       text;
    res     text[];
    s       text;
    fed     numeric;
    ref     vqc.profile;
    ref_ok  boolean := true;
BEGIN
    q := CASE mode
         WHEN 'plain' THEN format('SELECT ARRAY[afuzz.agg(%s)::text] FROM %s', cols, src)
         WHEN 'grouped' THEN format('SELECT array_agg(r) FROM (SELECT afuzz.agg(%s)::text AS r FROM %s GROUP BY g %% 3) x', cols, src)
         WHEN 'ordered' THEN format('SELECT ARRAY[afuzz.agg(%s ORDER BY g DESC)::text] FROM %s', cols, src)
         WHEN 'filtered' THEN format('SELECT ARRAY[afuzz.agg(%s) FILTER (WHERE g %% 4 <> 0)::text] FROM %s', cols, src)
         WHEN 'running' THEN format('SELECT array_agg(r) FROM (SELECT afuzz.agg(%s) OVER (ORDER BY g)::text AS r FROM %s) x', cols, src)
         ELSE format('SELECT array_agg(r) FROM (SELECT afuzz.agg(%s) OVER (ORDER BY g ROWS 2 PRECEDING)::text AS r FROM %s) x', cols, src)
         END;
    IF mode = 'parallel' THEN
        res := afuzz.run_parallel(format('SELECT ARRAY[afuzz.agg(%s)::text] FROM %s', cols, src));
    ELSE
        EXECUTE q INTO res;
    END IF;
    IF final IS NOT NULL AND final <> 'vqc.profile_finalfn' THEN
        RETURN;                                 -- an accessor's result: no state to check
    END IF;
    FOREACH s IN ARRAY coalesce(res, '{}') LOOP
        CONTINUE WHEN s IS NULL;
        PERFORM fuzzlib.exercise(stype, s, s);     -- merged with itself
    END LOOP;
    IF mode <> 'plain' OR res[1] IS NULL THEN
        RETURN;
    END IF;
    -- counts add up: the INITCOND's, plus rows (non-strict transitions) or
    -- non-null values, or the states' counts for a combine function
    IF argtypes[1]::regtype = stype THEN
        EXECUTE format('SELECT coalesce(sum(afuzz.state_count(%L, a1::text)), 0) FROM %s', stype, src) INTO fed;
    ELSE
        EXECUTE format('SELECT count(*) FROM %s WHERE %s', src,
                       CASE WHEN isstrict THEN format('(%s) IS NOT NULL', replace(cols, ', ', ') IS NOT NULL AND (')) ELSE 'true' END)
           INTO fed;
    END IF;
    PERFORM fuzzlib.check(afuzz.state_count(stype, res[1]) = coalesce(afuzz.state_count(stype, initcond), 0) + fed,
                          format('%s counts %s, not the INITCOND''s %s plus %s fed', sf, afuzz.state_count(stype, res[1]),
                                 coalesce(afuzz.state_count(stype, initcond), 0), fed));
    IF stype <> 'vqc.profile'::regtype THEN
        RETURN;
    END IF;
    -- a profile agrees with vqc.merge of the INITCOND and what was fed
    BEGIN
        IF argtypes[1]::regtype = stype THEN
            EXECUTE format('SELECT vqc.merge(%L::vqc.profile, (SELECT vqc.merge_agg(a1 ORDER BY g) FROM %s))', initcond, src) INTO ref;
        ELSE
            EXECUTE format('SELECT vqc.merge(%L::vqc.profile, (SELECT vqc.profile_agg(a1) FROM %s))', initcond, src) INTO ref;
        END IF;
    EXCEPTION WHEN datatype_mismatch THEN
        ref_ok := false;
    END;
    PERFORM fuzzlib.check(ref_ok, format('%s took what vqc.merge rejects as a mismatch', sf));
    PERFORM fuzzlib.check(afuzz.profile_facts(res[1]::vqc.profile) = afuzz.profile_facts(ref),
                          format('%s gave %s where vqc.merge gives %s', sf, afuzz.profile_facts(res[1]::vqc.profile),
                                 afuzz.profile_facts(ref)));
END $$;

-- One attempt: the aggregate afuzz.agg declared from the parts, checked,
-- dropped (an error rolls it back with the attempt)
CREATE FUNCTION afuzz.try(sf text, stype regtype, argtypes text[], argexprs text[], initcond text,
                          final text, mode text, n int, isstrict boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE AGGREGATE afuzz.agg(%s) (SFUNC = %s, STYPE = %s%s%s%s)', array_to_string(argtypes, ', '), sf, stype,
                   CASE WHEN initcond IS NOT NULL THEN format(', INITCOND = %L', initcond) ELSE '' END,
                   CASE WHEN final IS NOT NULL THEN format(', FINALFUNC = %s', final) ELSE '' END,
                   CASE WHEN mode = 'parallel'
                        THEN format(', COMBINEFUNC = %s, PARALLEL = SAFE',
                                    (SELECT aggcombinefn FROM pg_aggregate WHERE aggtranstype = stype AND aggcombinefn <> 0 LIMIT 1))
                        ELSE '' END);
    PERFORM afuzz.check(sf, stype, argtypes, argexprs, initcond, final, mode, n, isstrict);
    EXECUTE format('DROP AGGREGATE afuzz.agg(%s)', array_to_string(argtypes, ', '));
END $$;

-- attempt i: the i-th combination of the sweep, else a random aggregate
-- (or a direct call)
CREATE FUNCTION afuzz.next(i int, seed float8) RETURNS fuzzlib.next LANGUAGE plpgsql AS $$
DECLARE
    f        afuzz.sfunc;
    sw       afuzz.sweep;
    a        oid;
    argtypes text[];
    argexprs text[];
    t        text;
    init     fuzzlib.seed;
    other    boolean;
    initcond text;
    final    text;
    mode     text;
    n        int;
BEGIN
    SELECT * INTO sw FROM afuzz.sweep WHERE k = i;
    IF FOUND THEN
        SELECT * INTO f FROM afuzz.sfunc WHERE fn = sw.fn;
        SELECT * INTO init FROM fuzzlib.seed WHERE name = sw.init;
    ELSE
        SELECT * INTO f FROM afuzz.sfunc ORDER BY random() LIMIT 1;
        other := random() < 0.1;             -- another type's state as INITCOND, now and then
        SELECT * INTO init FROM fuzzlib.seed WHERE (typ = f.stype) <> other ORDER BY random() LIMIT 1;
    END IF;
    IF sw.k IS NULL AND random() < 0.15 THEN    -- called directly with two states or a state and a value
        t := format('SELECT %s(%L::%s, %s)::text', f.fn::regproc, encode(init.state, 'hex'), f.stype,
                    (SELECT string_agg(CASE WHEN x = f.stype::oid
                                            THEN format('%L::%s', (SELECT encode(state, 'hex') FROM fuzzlib.seed
                                                                    WHERE typ = f.stype ORDER BY random() LIMIT 1), f.stype)
                                            WHEN x IN ('anyelement'::regtype, '"any"'::regtype)
                                            THEN format('(SELECT %s FROM (SELECT 7 AS g) x)', afuzz.pick(ARRAY(SELECT expr FROM afuzz.input)))
                                            ELSE format('NULL::%s', x::regtype) END, ', ')
                       FROM unnest(f.args[1:]) x));
        RETURN ROW(t, NULL, format('direct call %s with %s, attempt %s of seed %s', f.fn, init.name, i, seed))::fuzzlib.next;
    END IF;
    argtypes := '{}';
    argexprs := '{}';
    FOREACH a IN ARRAY f.args[1:] LOOP
        IF a = 'anyelement'::regtype OR a = '"any"'::regtype THEN
            -- the second label of a confusion state is mostly of the first's type
            t := CASE WHEN a = '"any"'::regtype AND cardinality(argtypes) > 0 AND random() < 0.8
                      THEN argtypes[cardinality(argtypes)]
                      ELSE coalesce(sw.input, afuzz.pick(ARRAY(SELECT typ FROM afuzz.input))) END;
            argtypes := argtypes || t;
            argexprs := argexprs || format('CASE WHEN g %% 11 = 0 THEN NULL ELSE %s END::%s',
                                           (SELECT expr FROM afuzz.input WHERE typ = t), t);
        ELSIF a = f.stype::oid THEN            -- states of the aggregate's type, of every kind
            argtypes := argtypes || f.stype::text;
            argexprs := argexprs || format('(SELECT s FROM afuzz.%I WHERE k = 1 + (g * %s) %% %s)', 'states_' || f.stype::oid,
                                           1 + floor(random() * 7)::int, (SELECT count(*) FROM fuzzlib.seed WHERE typ = f.stype));
        ELSE
            t := CASE WHEN a = 'text'::regtype AND random() < 0.3 THEN 'varchar' ELSE a::regtype::text END;
            argtypes := argtypes || t;
            argexprs := argexprs || format('CASE WHEN g %% 11 = 0 THEN NULL ELSE %s END::%s',
                                           CASE WHEN a = 'integer'::regtype THEN '(g % 7)' WHEN a = 'text'::regtype
                                                THEN '(g::text || repeat(''é'', g % 5))'
                                                ELSE (SELECT expr FROM afuzz.input WHERE typ::regtype = a) END, t);
        END IF;
    END LOOP;
    initcond := CASE WHEN sw.k IS NULL AND random() < 0.1 THEN NULL ELSE encode(init.state, 'hex') END;
    final := CASE WHEN sw.k IS NOT NULL OR random() < 0.6 THEN NULL
                  ELSE (SELECT fn::text FROM afuzz.finalfunc WHERE stype = f.stype ORDER BY random() LIMIT 1) END;
    mode := CASE WHEN sw.k IS NOT NULL THEN 'plain'
                 ELSE afuzz.pick(ARRAY['plain', 'plain', 'plain', 'grouped', 'ordered', 'filtered', 'running', 'sliding',
                                       'parallel']) END;
    n := CASE WHEN sw.k IS NOT NULL THEN 40 ELSE afuzz.pick(ARRAY[0, 1, 7, 40, 300, 2100]) END;
    RETURN ROW('SELECT afuzz.try(($1)[1], ($1)[2]::regtype, ($1)[3]::text[], ($1)[4]::text[], ($1)[5], ($1)[6], ($1)[7], ($1)[8]::int, ($1)[9]::boolean)',
            ARRAY[f.fn::regproc::text, f.stype::text, argtypes::text, argexprs::text, initcond, final, mode, n::text, f.isstrict::text],
            format('%s(%s) INITCOND %s FINALFUNC %s, %s over %s rows, attempt %s of seed %s', f.fn::regproc,
                   array_to_string(argtypes, ', '), CASE WHEN initcond IS NULL THEN 'none' ELSE init.name END,
                   coalesce(final, 'none'), mode, n, i, seed))::fuzzlib.next;
END $$;

SELECT fuzzlib.run(:iterations, :seed, 'afuzz.next');
SELECT sqlstate, attempts, example FROM fuzzlib.outcome ORDER BY attempts DESC;
SELECT fuzzlib.verdict('aggregates fuzz') AS verdict;
DROP SCHEMA afuzz, fuzzlib CASCADE;
