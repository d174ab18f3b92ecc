-- Mutation fuzzing of the state types' input and of every function that
-- reads a state.  Valid states of each type and kind (the seeds of
-- test/fuzz/include/states.psql) are mutated (bytes
-- overwritten, bits flipped, truncated, extended, segments repeated, with a
-- bias towards headers and the end, where the sketches' structure lies) and
-- fed to the type's input; accepted states go through every accessor
-- (fuzzlib.exercise, which also checks that they read back as written and
-- return valid text).
-- Each attempt runs in its own subtransaction.  A backend crash ends the
-- session (psql fails); an internal error (SQLSTATE class XX) is counted as
-- a failure: malformed input must get a proper error, never a crash or XX.
--   psql -v iterations=N -v seed=S -f test/fuzz/state_fuzz.sql
-- prints a summary and ends with "fuzz: PASS" or "fuzz: FAIL".
\set ON_ERROR_STOP on
\set schema fuzz
\i test/fuzz/include/attempts.psql
\i test/fuzz/include/states.psql

-- a position biased towards the first 200 and the last 1200 bytes
CREATE FUNCTION fuzz.position(n int) RETURNS int LANGUAGE sql VOLATILE AS $$
    SELECT CASE WHEN r < 0.35 THEN least(n - 1, (random() * 200)::int)
                WHEN r < 0.7 THEN greatest(0, n - 1 - (random() * 1200)::int)
                ELSE (random() * (n - 1))::int END
      FROM (SELECT random() AS r) x
$$;

CREATE FUNCTION fuzz.mutate(b bytea) RETURNS bytea LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n   int := length(b);
    r   float8 := random();
    pos int;
    k   int;
BEGIN
    IF n = 0 THEN
        RETURN '\x00'::bytea;
    END IF;
    IF r < 0.55 THEN                                    -- overwrite 1 to 4 bytes
        FOR k IN 1 .. 1 + (random() * 3)::int LOOP
            b := set_byte(b, fuzz.position(n),
                          CASE WHEN random() < 0.4 THEN (ARRAY[0, 1, 2, 127, 128, 254, 255])[1 + (random() * 6)::int]
                               ELSE (random() * 255)::int END);
        END LOOP;
    ELSIF r < 0.7 THEN                                  -- flip one bit
        pos := fuzz.position(n) * 8 + (random() * 7)::int;
        b := set_bit(b, pos, 1 - get_bit(b, pos));
    ELSIF r < 0.8 THEN                                  -- truncate
        b := substr(b, 1, fuzz.position(n));
    ELSIF r < 0.9 THEN                                  -- append junk
        b := b || decode(md5(random()::text), 'hex');
    ELSE                                                -- repeat a segment
        pos := fuzz.position(n);
        b := substr(b, 1, pos) || substr(b, pos + 1, 1 + (random() * 24)::int) || substr(b, pos + 1);
    END IF;
    RETURN b;
END $$;

-- attempt i: a mutation of a seed, its input and every accessor
CREATE FUNCTION fuzz.next(i int, seed float8) RETURNS fuzzlib.next LANGUAGE plpgsql AS $$
DECLARE
    sd fuzzlib.seed;
BEGIN
    SELECT * INTO sd FROM fuzzlib.seed ORDER BY random() LIMIT 1;
    RETURN ROW('SELECT fuzzlib.exercise(($1)[1]::regtype, ($1)[2], ($1)[3])',
            ARRAY[sd.typ::text, encode(fuzz.mutate(sd.state), 'hex'), encode(sd.state, 'hex')],
            format('%s, mutation %s of seed %s', sd.name, i, seed))::fuzzlib.next;
END $$;

SELECT fuzzlib.run(:iterations, :seed, 'fuzz.next');
SELECT sqlstate, attempts, example FROM fuzzlib.outcome ORDER BY attempts DESC;
SELECT fuzzlib.verdict('fuzz') AS verdict;
DROP SCHEMA fuzz, fuzzlib CASCADE;
