-- Mutation fuzzing of the state types' input and of every function that
-- reads a state.  Valid states of each type and kind are mutated (bytes
-- overwritten, bits flipped, truncated, extended, segments repeated, with a
-- bias towards headers and the end, where the sketches' structure lies) and
-- fed to the type's input; accepted states go through every accessor.
-- Each attempt runs in its own subtransaction.  A backend crash ends the
-- session (psql fails); an internal error (SQLSTATE class XX) is counted as
-- a failure: malformed input must get a proper error, never a crash or XX.
--   psql -v iterations=N -v seed=S -f test/fuzz/state_fuzz.sql
-- prints a summary and ends with "fuzz: PASS" or "fuzz: FAIL".
\set ON_ERROR_STOP on
\i test/fuzz/include/attempts.psql
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS fuzz CASCADE;
CREATE SCHEMA fuzz;
RESET client_min_messages;

-- seeds: valid states of every type and kind, as their binary form
CREATE TABLE fuzz.seed (name text PRIMARY KEY, typ regtype NOT NULL, state bytea NOT NULL);
INSERT INTO fuzz.seed
SELECT 'profile numeric exact', 'vqc.profile'::regtype, decode(vqc.profile_agg(x)::text, 'hex')
  FROM (VALUES (1.5::float8), (2.5), (NULL), ('NaN'), ('Infinity'), (-3)) v(x)
UNION ALL
SELECT 'profile numeric sketch', 'vqc.profile', decode(vqc.profile_agg(((g * 7919) % 1000)::float8 / 7)::text, 'hex')
  FROM generate_series(1, 20000) g
UNION ALL
SELECT 'profile numeric sampled', 'vqc.profile', decode(vqc.profile_agg(g::float8)::text, 'hex')
  FROM generate_series(1, 1500003) g
UNION ALL
SELECT 'profile integer few values', 'vqc.profile', decode(vqc.profile_agg(g % 7)::text, 'hex')
  FROM generate_series(1, 5000) g
UNION ALL
SELECT 'profile text exact', 'vqc.profile', decode(vqc.profile_agg(x)::text, 'hex')
  FROM (VALUES ('abc'), ('de'), (NULL), (repeat('é', 80))) v(x)
UNION ALL
SELECT 'profile text sketch', 'vqc.profile', decode(vqc.profile_agg('v' || (g * 48271) % 3000)::text, 'hex')
  FROM generate_series(1, 20000) g
UNION ALL
SELECT 'profile boolean', 'vqc.profile', decode(vqc.profile_agg(g % 3 = 0)::text, 'hex')
  FROM generate_series(1, 100) g
UNION ALL
SELECT 'profile date', 'vqc.profile', decode(vqc.profile_agg(date '2020-01-01' + g)::text, 'hex')
  FROM generate_series(1, 3000) g
UNION ALL
SELECT 'profile empty', 'vqc.profile', decode(vqc.profile_agg(NULL::int)::text, 'hex')
UNION ALL
SELECT 'tally', 'vqc.tally', decode(vqc.tally(g::text, format('{"id": %s}', g), 5)::text, 'hex')
  FROM generate_series(1, 12) g
UNION ALL
SELECT 'exact quantile', 'vqc.exact_quantile_state', decode(vqc.exact_quantile_agg(x)::text, 'hex')
  FROM (VALUES (1.5::float8), ('NaN'), (-2), (7), ('-Infinity')) v(x)
UNION ALL
SELECT 'hash set', 'vqc.hash_set_state', decode(vqc.hash_set_agg(g % 5)::text, 'hex')
  FROM generate_series(1, 9) g
UNION ALL
-- a bitmap of the integers -70 to 70 with -70 and 5 repeated (taken under a 1 kB limit)
SELECT 'hash set bitmap', 'vqc.hash_set_state',
       decode('5651434800018002000000000000008f000000000000000bffffffffffffff8000000000000000'
              '07fc00000000000000ffffffffffffffffffffffffffffffff000000000000007f00000000000000'
              '0000000000000000000000000000000000ffffffffffffffba0000000000000005', 'hex');

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

-- the input of type typ on the text form s, then every function that
-- reads such a state
CREATE FUNCTION fuzz.exercise(typ regtype, s text, original text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT $1::%s', typ) USING s;
    CASE typ
    WHEN 'vqc.profile'::regtype THEN
        PERFORM vqc.quantile(p, 0.5), vqc.quantiles(p, '{0, 0.1, 0.99, 1}'), vqc.rank(p, 3),
                vqc.ndistinct(p), vqc.mean(p), vqc.variance(p), vqc.stddev(p), vqc.skewness(p),
                vqc.kurtosis(p), vqc.min_value(p), vqc.max_value(p), vqc.is_exact(p),
                vqc.null_fraction(p), vqc.row_count(p), vqc.null_count(p),
                vqc.profile_to_jsonb(p), p::text, vqc.profile_send(p)
          FROM (SELECT s::vqc.profile AS p) x;
        PERFORM * FROM vqc.top_values(s::vqc.profile, 10);
        PERFORM * FROM vqc.histogram(s::vqc.profile, 5);
        PERFORM * FROM vqc.histogram(s::vqc.profile, 4, 'quantile');
        PERFORM vqc.merge(s::vqc.profile, original::vqc.profile)::text;
        PERFORM vqc.merge_agg(p)::text FROM (VALUES (s::vqc.profile), (original::vqc.profile)) v(p);
        BEGIN
            PERFORM vqc.drift(original::vqc.profile, s::vqc.profile, m)
              FROM unnest(ARRAY['auto', 'ks', 'psi', 'wasserstein_normed', 'chi_square', 'js']) m;
        EXCEPTION WHEN invalid_parameter_value OR datatype_mismatch THEN
            NULL;   -- a method the kind cannot take, or non-finite values: documented errors
        END;
    WHEN 'vqc.tally'::regtype THEN
        PERFORM vqc.tally_count(t), vqc.tally_sample_cap(t), t::text FROM (SELECT s::vqc.tally AS t) x;
        PERFORM * FROM vqc.tally_samples(s::vqc.tally);
    WHEN 'vqc.exact_quantile_state'::regtype THEN
        PERFORM vqc.exact_quantile(q, 0.5), vqc.exact_quantile(q, 1), vqc.exact_quantile_disc(q, 0.3), vqc.exact_kth(q, 2),
                vqc.exact_quantile_count(q), vqc.exact_quantile_overflowed(q), q::text
          FROM (SELECT s::vqc.exact_quantile_state AS q) x;
    WHEN 'vqc.hash_set_state'::regtype THEN
        PERFORM vqc.hash_set_count(h), vqc.hash_set_overflowed(h), vqc.hash_set_has_duplicates(h),
                vqc.hash_set_distinct_hashes(h), vqc.hash_set_duplicates(h, 3), h::text
          FROM (SELECT s::vqc.hash_set_state AS h) x;
    END CASE;
END $$;

CREATE FUNCTION fuzz.run(iterations int, seed float8) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    seeds    fuzz.seed[];
    sd       fuzz.seed;
    i        int;
    counts   jsonb := '{}';
    examples jsonb := '{}';
BEGIN
    PERFORM setseed(seed);
    SELECT array_agg(x ORDER BY name) INTO seeds FROM fuzz.seed x;
    FOR i IN 1 .. iterations LOOP
        sd := seeds[1 + (random() * (cardinality(seeds) - 1))::int];
        SELECT a.counts, a.examples INTO counts, examples
          FROM fuzzlib.attempt('SELECT fuzz.exercise(($1)[1]::regtype, ($1)[2], ($1)[3])',
                               ARRAY[sd.typ::text, encode(fuzz.mutate(sd.state), 'hex'), encode(sd.state, 'hex')],
                               format('%s, mutation %s of seed %s', sd.name, i, seed), counts, examples) a;
    END LOOP;
    PERFORM fuzzlib.record(counts, examples);
END $$;

SELECT fuzz.run(:iterations, :seed);
SELECT sqlstate, attempts, example FROM fuzzlib.outcome ORDER BY attempts DESC;
SELECT fuzzlib.verdict('fuzz') AS verdict;
DROP SCHEMA fuzz, fuzzlib CASCADE;
