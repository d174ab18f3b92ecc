-- Byte-level determinism of every state type: a state is stored as its
-- in-memory bytes, so any byte an aggregate leaves unset carries whatever
-- an earlier allocation left there onto disk.  Each attempt builds a state
-- of a random type and kind (profiles of every input type, exact and in
-- sketch mode, directly, merged by vqc.merge_agg and vqc.merge; tallies;
-- exact quantile and hash set states; regression, ranking, all-queries
-- ranking, numeric regression and agreement states; profiles grown from a stored sketch
-- by an aggregate with it as INITCOND) twice, in separate statements, each
-- time after statements that fill memory with a planted secret string
-- (profiles, tallies and hash sets of it, a large string_agg), and checks
-- that the two are the same bytes (stored form, binary send form and text
-- form), that the secret appears in neither, and that a profile, exact
-- quantile or hash set state is the same bytes as its text form read back
-- (the stored form of logically equal states is one).  A failed check is
-- SQLSTATE VQ001; any other error fails the run too (every query is
-- valid); a crash ends the session.
--   psql -v iterations=N -v seed=S -f test/fuzz/determinism_fuzz.sql
-- ends with "determinism fuzz: PASS" or "determinism fuzz: FAIL".
\set ON_ERROR_STOP on
\set schema dfuzz
\i test/fuzz/include/attempts.psql

-- a state's stored bytes: the datum itself as bytea (detoasted), through
-- byteasend, which returns its argument's bytes unchanged
CREATE FUNCTION dfuzz.raw(vqc.profile) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
CREATE FUNCTION dfuzz.raw(vqc.tally) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
CREATE FUNCTION dfuzz.raw(vqc.exact_quantile_state) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
CREATE FUNCTION dfuzz.raw(vqc.hash_set_state) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
CREATE FUNCTION dfuzz.raw(vqc.regression_state) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
CREATE FUNCTION dfuzz.raw(vqc.ranking_state) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
CREATE FUNCTION dfuzz.raw(vqc.agreement_state) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
CREATE FUNCTION dfuzz.raw(vqc.ranking_all_state) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
CREATE FUNCTION dfuzz.raw(vqc.regression_numeric_state) RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
-- the all-queries ranking and numeric regression states (no vqc aggregate returns them)
CREATE AGGREGATE dfuzz.ranking_all_state(anyelement, float8, float8, int4) (
    SFUNC = vqc.ranking_all_transfn, STYPE = vqc.ranking_all_state, COMBINEFUNC = vqc.ranking_all_combinefn);
CREATE AGGREGATE dfuzz.regnum_r2(numeric, numeric) (
    SFUNC = vqc.regression_numeric_r2_transfn, STYPE = vqc.regression_numeric_state);

-- values of each type (sqltype) for row g, scaled by $m (a number of the attempt)
CREATE TABLE dfuzz.input (typ text PRIMARY KEY, sqltype text NOT NULL, expr text NOT NULL);
INSERT INTO dfuzz.input VALUES
  ('smallint', 'int2', '(g * $m % 30011 - 15000)::int2'), ('integer', 'int4', '(g * $m % 100003)::int4'),
  ('bigint', 'int8', 'g::int8 * $m'), ('real', 'float4', '(g * $m % 3001 / 7.0)::float4'),
  ('double precision', 'float8', $$CASE g % 97 WHEN 1 THEN 'NaN' WHEN 2 THEN 'Infinity' ELSE g * $m % 3001 / 3.0 END::float8$$),
  ('numeric', 'numeric', 'g * $m % 3001 / 7.0'), ('boolean', 'bool', 'g % $m = 0'), ('text', 'text', $$'t' || g * $m % 3001$$),
  ('long text', 'text', $$repeat(chr(97 + g % 26), 60 + g % 10) || g * $m % 3001$$),
  ('varchar', 'varchar', $$('w' || g % $m)::varchar$$), ('char', 'bpchar', $$('c' || g * $m % 99)::char(5)$$),
  ('date', 'date', $$date '2020-01-01' + g * $m % 3001$$),
  ('timestamp', 'timestamp', $$timestamp '2020-01-01' + (g * $m % 3001) * interval '1 hour'$$),
  ('timestamptz', 'timestamptz', $$timestamptz '2020-01-01 00:00+00' + (g * $m % 3001) * interval '1 second'$$);

-- dfuzz.extend(t) for each input type t: vqc.profile_transfn from an
-- INITCOND in sketch mode (exact for boolean) of 3000 values of t, so that
-- a stored profile is widened again and grows
DO $$
DECLARE
    r    record;
    init text;
BEGIN
    FOR r IN SELECT DISTINCT ON (sqltype) sqltype, replace(expr, '$m', '7') AS e FROM dfuzz.input ORDER BY sqltype, typ LOOP
        EXECUTE format('SELECT vqc.profile_agg(%s)::text FROM generate_series(1, 3000) g', r.e) INTO init;
        EXECUTE format('CREATE AGGREGATE dfuzz.extend(%s) (SFUNC = vqc.profile_transfn, STYPE = vqc.profile, '
                       'FINALFUNC = vqc.profile_finalfn, INITCOND = %L)', r.sqltype, init);
    END LOOP;
END $$;

CREATE FUNCTION dfuzz.plant(secret text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vqc.profile_agg(secret || g) FROM generate_series(1, 3000) g;
    PERFORM vqc.profile_agg(repeat(secret, 3) || g % 70) FROM generate_series(1, 500) g;
    PERFORM vqc.merge_agg(p) FROM (SELECT vqc.profile_agg(secret || g) AS p FROM generate_series(1, 4000) g GROUP BY g % 3) x;
    PERFORM vqc.tally(secret || g, secret, 1000) FROM generate_series(1, 2000) g;
    PERFORM vqc.hash_set_agg(secret || g), vqc.exact_quantile_agg(length(secret || g)::float8) FROM generate_series(1, 3000) g;
    PERFORM length(string_agg(secret || g, '')) FROM generate_series(1, 20000) g;
END $$;

-- q's state twice, each after planting the secret; the checks above
CREATE FUNCTION dfuzz.try(q text, typ regtype, secret text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    raw1  bytea;
    raw2  bytea;
    txt1  text;
    txt2  text;
    back  bytea;
    send1 bytea;
    send2 bytea;
    send  regproc := (SELECT typsend FROM pg_type WHERE oid = typ);
    mark  bytea := convert_to(left(secret, 16), 'UTF8');
BEGIN
    PERFORM dfuzz.plant(secret);
    EXECUTE format('SELECT dfuzz.raw(s), s::text, %s(s) FROM (%s) x(s)', send, q) INTO raw1, txt1, send1;
    PERFORM dfuzz.plant(secret);
    EXECUTE format('SELECT dfuzz.raw(s), s::text, %s(s) FROM (%s) x(s)', send, q) INTO raw2, txt2, send2;
    PERFORM fuzzlib.check(txt1 = txt2, 'the same input gave two different text forms');
    PERFORM fuzzlib.check(send1 = send2 AND send1 = decode(txt1, 'hex'),
                          'the same input gave two different binary forms, or one that is not its text form');
    PERFORM fuzzlib.check(position(mark IN decode(txt1, 'hex')) = 0, 'the secret is in the text form of a state built without it');
    PERFORM fuzzlib.check(position(mark IN raw1) = 0 AND position(mark IN raw2) = 0,
                          'the secret is in the stored bytes of a state built without it');
    PERFORM fuzzlib.check(raw1 = raw2, 'the same input gave two different stored states');
    IF typ <> 'vqc.tally'::regtype THEN       -- a tally keeps its growth slack (zeroed)
        EXECUTE format('SELECT dfuzz.raw($1::%s)', typ) INTO back USING txt1;
        PERFORM fuzzlib.check(back = raw1, 'a state is not the same bytes as its text form read back');
    END IF;
END $$;

-- a random query of one state of a random type and kind
CREATE FUNCTION dfuzz.query(OUT q text, OUT typ regtype) LANGUAGE plpgsql AS $$
DECLARE
    r    float8 := random();
    t    text;
    e    text;
    n    int := (ARRAY[1, 5, 100, 2047, 2049, 3000, 12000])[1 + floor(random() * 7)::int];
BEGIN
    SELECT i.typ, replace(i.expr, '$m', (1 + floor(random() * 97))::text) INTO t, e FROM dfuzz.input i ORDER BY random() LIMIT 1;
    e := format('CASE WHEN g %% 13 = 0 THEN NULL ELSE %s END', e);
    IF random() < 0.2 THEN                      -- model- and label-quality states
        r := random();
        IF r < 0.2 THEN
            q := format('SELECT vqc.regression_agg(g %% 97 / 3.0, CASE WHEN g %% 13 <> 0 THEN g %% 89 END) '
                        'FROM generate_series(1, %s) g', n);
            typ := 'vqc.regression_state';
        ELSIF r < 0.4 THEN
            q := format('SELECT vqc.ranking_agg((g %% 4)::float8, (g * 7919 %% %s)::float8, %s) FROM generate_series(1, %s) g',
                        1 + floor(random() * 500)::int, 1 + floor(random() * 40)::int, n);
            typ := 'vqc.ranking_state';
        ELSIF r < 0.55 THEN
            q := format('SELECT vqc.merge_agg(s) FROM (SELECT vqc.ranking_agg((g %% 3)::float8, (g %% 17)::float8, 7) s '
                        'FROM generate_series(1, %s) g GROUP BY g %% 4) x', n);
            typ := 'vqc.ranking_state';
        ELSIF r < 0.7 THEN
            q := format('SELECT dfuzz.ranking_all_state(%s, (g %% 4)::float8, (g * 7919 %% 101)::float8, %s) '
                        'FROM generate_series(1, %s) g', e, 1 + floor(random() * 20)::int, n);
            typ := 'vqc.ranking_all_state';
        ELSIF r < 0.8 THEN
            q := format('SELECT dfuzz.regnum_r2(g %% 97 / 3.0, CASE WHEN g %% 13 <> 0 THEN g %% 89 / 7.0 END) '
                        'FROM generate_series(1, %s) g', n);
            typ := 'vqc.regression_numeric_state';
        ELSE
            q := format('SELECT vqc.agreement_agg(g %% 50, g %% 3, %s) FROM generate_series(1, %s) g', e, n);
            typ := 'vqc.agreement_state';
        END IF;
        RETURN;
    END IF;
    IF r < 0.4 THEN
        q := format('SELECT vqc.profile_agg(%s) FROM generate_series(1, %s) g', e, n);
        typ := 'vqc.profile';
    ELSIF r < 0.55 THEN
        q := format('SELECT vqc.merge_agg(p) FROM (SELECT vqc.profile_agg(%s) AS p FROM generate_series(1, %s) g GROUP BY g %% %s) x',
                    e, n, 1 + floor(random() * 4)::int);
        typ := 'vqc.profile';
    ELSIF r < 0.65 THEN
        q := format('SELECT vqc.merge((SELECT vqc.profile_agg(%1$s) FROM generate_series(1, %2$s) g), '
                    '(SELECT vqc.profile_agg(%1$s) FROM generate_series(%2$s, %3$s) g))', e, n, n + floor(random() * 3000)::int);
        typ := 'vqc.profile';
    ELSIF r < 0.72 THEN
        q := format('SELECT dfuzz.extend(%s) FROM generate_series(1, %s) g', e, n);
        typ := 'vqc.profile';
    ELSIF r < 0.78 THEN
        q := format('SELECT vqc.tally((%s)::text, g::text, %s) FROM generate_series(1, %s) g', e, floor(random() * 50)::int, n);
        typ := 'vqc.tally';
    ELSIF r < 0.88 THEN
        q := format('SELECT vqc.exact_quantile_agg(g * %s / 7.0%s) FROM generate_series(1, %s) g',
                    1 + floor(random() * 9)::int, CASE WHEN random() < 0.5 THEN '' ELSE '::float8' END, n);
        typ := 'vqc.exact_quantile_state';
    ELSE
        q := format('SELECT vqc.hash_set_agg(%s) FROM generate_series(1, %s) g', e, n);
        typ := 'vqc.hash_set_state';
    END IF;
END $$;

-- attempt i: a random state built twice around plantings of a secret
CREATE FUNCTION dfuzz.next(i int, seed float8) RETURNS fuzzlib.next LANGUAGE plpgsql AS $$
DECLARE
    d record := dfuzz.query();
BEGIN
    RETURN ROW('SELECT dfuzz.try(($1)[1], ($1)[2]::regtype, ($1)[3])',
            ARRAY[d.q, d.typ::text, 'vqcSECRET' || md5(i::text || seed)], format('%s, attempt %s of seed %s', d.q, i, seed))::fuzzlib.next;
END $$;

SELECT fuzzlib.run(:iterations, :seed, 'dfuzz.next');
SELECT sqlstate, attempts, example FROM fuzzlib.outcome ORDER BY attempts DESC;
-- every attempt is a valid query: any error fails the run
SELECT fuzzlib.verdict('determinism fuzz', NOT EXISTS (SELECT 1 FROM fuzzlib.outcome WHERE sqlstate <> 'accepted')) AS verdict;
DROP SCHEMA dfuzz, fuzzlib CASCADE;
