-- Fuzzing of the state formats at their structural limits, where random
-- bytes (state_fuzz.sql) rarely land.  Three kinds of attempt:
--   * a field of a seed state (test/fuzz/include/states.psql), found by
--     walking the format as the parsers read it (src/profile.c, kll.c,
--     frequent.c, tally.c, state_io.c, classification.c, scores.c,
--     regression_metrics.c, ranking.c, agreement.c), set to a boundary
--     value: 0, 1, -1,
--     the type's extremes, the formats' limits and one past them (64 bytes
--     of text min/max and frequent value, 64 counters, 63 KLL levels, shift
--     6, 1456 KLL items, 2048 exact values, 32768 text bytes, tally caps and
--     lengths, version words, flag bits), the field's value +-1; a length
--     or count may move with the bytes it covers, so the parser gets past it;
--   * invalid UTF-8 (\xff, a cut sequence, an overlong form, a surrogate, a
--     NUL) written into a text field of a state;
--   * a numeric sketch-mode profile built whole around a KLL sketch with
--     levels, shift, pending values and level sizes at and past their
--     limits, every count consistent: when the input accepts it, every
--     quantile must be one of the values put in.
-- Accepted states go through fuzzlib.exercise (every accessor, text valid
-- in the server encoding, read back as written).  A crash ends the session;
-- an internal error (XX) or a failed check (VQ001) counts as a failure.
--   psql -v iterations=N -v seed=S -f test/fuzz/limits_fuzz.sql
-- ends with "limits fuzz: PASS" or "limits fuzz: FAIL".
\set ON_ERROR_STOP on
\set schema lfuzz
\i test/fuzz/include/attempts.psql
\i test/fuzz/include/states.psql

-- big-endian integers of 1, 2, 4 or 8 bytes; v wraps around (so 2^32 - 1 is -1)
CREATE FUNCTION lfuzz.int_bytes(v numeric, width int) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE width
           WHEN 1 THEN set_byte('\x00'::bytea, 0, mod(mod(v, 256) + 256, 256)::int)
           WHEN 2 THEN substr(int4send(mod(mod(v, 65536) + 65536, 65536)::int4), 3)
           WHEN 4 THEN int4send((mod(mod(v, 4294967296) + 4294967296 + 2147483648, 4294967296) - 2147483648)::int4)
           ELSE int8send((mod(mod(v, 18446744073709551616) + 18446744073709551616 + 9223372036854775808,
                              18446744073709551616) - 9223372036854775808)::int8)
           END
$$;

-- the signed big-endian integer at off (0-based)
CREATE FUNCTION lfuzz.int_at(b bytea, off int, width int) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v >= 2 ^ (8 * width - 1) THEN v - 2 ^ (8 * width) ELSE v END
      FROM (SELECT sum(get_byte(b, off + i)::numeric * 256 ^ (width - 1 - i)) AS v
              FROM generate_series(0, width - 1) i) x
$$;

CREATE FUNCTION lfuzz.pick(a anyarray) RETURNS anyelement LANGUAGE sql VOLATILE AS $$
    SELECT a[1 + floor(random() * cardinality(a))::int]
$$;

-- b with its bytes [off, off + len) replaced by r
CREATE FUNCTION lfuzz.splice(b bytea, off int, len int, r bytea) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT substr(b, 1, off) || r || substr(b, off + len + 1)
$$;

-- The fields of a valid state as its parser reads them: offset, width,
-- name, class ('int', 'f8', 'text', 'bytes') and, for a length or count,
-- where the bytes it covers start and how long one element is.
CREATE TYPE lfuzz.field AS (off int, width int, name text, cls text, run_off int, elem int);

CREATE FUNCTION lfuzz.fields(typ regtype, b bytea) RETURNS SETOF lfuzz.field LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    p     int;
    n     int;
    i     int;
    h     int;
    l     int;
    kind  int;
    flags int;
    nlev  int;
    npend int;
    sizes int[];
BEGIN
    RETURN NEXT ROW(0, 4, 'magic', 'int', NULL, NULL)::lfuzz.field;
    RETURN NEXT ROW(4, 2, 'version', 'int', NULL, NULL)::lfuzz.field;
    RETURN NEXT ROW(6, 2, 'flags', 'int', NULL, NULL)::lfuzz.field;
    flags := lfuzz.int_at(b, 6, 2);
    IF typ IN ('vqc.exact_quantile_state'::regtype, 'vqc.hash_set_state'::regtype) THEN
        RETURN NEXT ROW(8, 8, 'count', 'int', NULL, NULL)::lfuzz.field;
        RETURN NEXT ROW(16, 8, 'stored words', 'int', 24, 8)::lfuzz.field;
        FOR i IN 0 .. least(lfuzz.int_at(b, 16, 8), 3)::int - 1 LOOP
            RETURN NEXT ROW(24 + 8 * i, 8, 'word', 'f8', NULL, NULL)::lfuzz.field;
        END LOOP;
        RETURN;
    END IF;
    IF typ = 'vqc.tally'::regtype THEN
        RETURN NEXT ROW(8, 8, 'count', 'int', NULL, NULL)::lfuzz.field;
        RETURN NEXT ROW(16, 4, 'sample cap', 'int', NULL, NULL)::lfuzz.field;
        RETURN NEXT ROW(20, 4, 'samples', 'int', NULL, NULL)::lfuzz.field;
        p := 24;
        FOR i IN 1 .. lfuzz.int_at(b, 20, 4) LOOP
            EXIT WHEN p + 9 > length(b);
            RETURN NEXT ROW(p, 1, 'sample flags', 'int', NULL, NULL)::lfuzz.field;
            l := lfuzz.int_at(b, p + 1, 4);
            RETURN NEXT ROW(p + 1, 4, 'sample value length', 'int', p + 5, 1)::lfuzz.field;
            RETURN NEXT ROW(p + 5, l, 'sample value', 'text', NULL, NULL)::lfuzz.field;
            p := p + 5 + l;
            l := lfuzz.int_at(b, p, 4);
            RETURN NEXT ROW(p, 4, 'sample key length', 'int', p + 4, 1)::lfuzz.field;
            RETURN NEXT ROW(p + 4, l, 'sample key', 'text', NULL, NULL)::lfuzz.field;
            p := p + 4 + l;
        END LOOP;
        RETURN;
    END IF;
    IF typ = 'vqc.confusion_state'::regtype THEN  -- classification.c
        RETURN NEXT ROW(8, 8, 'skipped', 'int', NULL, NULL)::lfuzz.field;
        n := lfuzz.int_at(b, 16, 4);
        RETURN NEXT ROW(16, 4, 'classes', 'int', 20, 5)::lfuzz.field;
        p := 20;
        FOR i IN 1 .. least(n, 40) LOOP
            EXIT WHEN p + 4 > length(b);
            l := lfuzz.int_at(b, p, 4);
            RETURN NEXT ROW(p, 4, 'label length', 'int', p + 4, 1)::lfuzz.field;
            RETURN NEXT ROW(p + 4, l, 'label', 'text', NULL, NULL)::lfuzz.field;
            p := p + 4 + l;
        END LOOP;
        RETURN NEXT ROW(p, 4, 'cells', 'int', p + 4, 16)::lfuzz.field;
        FOR i IN 0 .. least(lfuzz.int_at(b, p, 4), 8)::int - 1 LOOP
            RETURN NEXT ROW(p + 4 + 16 * i, 4, 'cell true class', 'int', NULL, NULL)::lfuzz.field;
            RETURN NEXT ROW(p + 8 + 16 * i, 4, 'cell predicted class', 'int', NULL, NULL)::lfuzz.field;
            RETURN NEXT ROW(p + 12 + 16 * i, 8, 'cell count', 'int', NULL, NULL)::lfuzz.field;
        END LOOP;
        RETURN;
    END IF;
    IF typ = 'vqc.score_state'::regtype THEN      -- scores.c
        RETURN NEXT ROW(8, 8, 'skipped', 'int', NULL, NULL)::lfuzz.field;
        n := lfuzz.int_at(b, 16, 4);
        RETURN NEXT ROW(16, 4, 'labels', 'int', 20, 16)::lfuzz.field;
        FOR i IN 0 .. least(n, 2) - 1 LOOP
            RETURN NEXT ROW(20 + 8 * i, 8, 'label', 'int', NULL, NULL)::lfuzz.field;
            RETURN NEXT ROW(20 + 8 * least(n, 2) + 8 * i, 8, 'label rows', 'int', NULL, NULL)::lfuzz.field;
        END LOOP;
        p := 20 + 16 * least(n, 2);
        FOR i IN 0 .. 5 LOOP
            RETURN NEXT ROW(p + 8 * i, 8, 'score, sum or bin', CASE WHEN i % 2 = 0 THEN 'int' ELSE 'f8' END, NULL, NULL)::lfuzz.field;
        END LOOP;
        RETURN;
    END IF;
    IF typ = 'vqc.regression_state'::regtype THEN      -- regression_parse
        RETURN NEXT ROW(8, 8, 'pairs', 'int', NULL, NULL)::lfuzz.field;
        RETURN NEXT ROW(16, 8, 'skipped pairs', 'int', NULL, NULL)::lfuzz.field;
        FOR i IN 0 .. 9 LOOP
            RETURN NEXT ROW(24 + 8 * i, 8, (ARRAY['sum |e|', 'comp |e|', 'sum e^2', 'comp e^2', 'sum ape', 'comp ape',
                                                  'max |e|', 'shift', 'mean', 'm2'])[i + 1], 'f8', NULL, NULL)::lfuzz.field;
        END LOOP;
        RETURN;
    END IF;
    IF typ = 'vqc.ranking_state'::regtype THEN         -- ranking_parse
        RETURN NEXT ROW(8, 4, 'k', 'int', NULL, NULL)::lfuzz.field;
        RETURN NEXT ROW(12, 8, 'items', 'int', NULL, NULL)::lfuzz.field;
        RETURN NEXT ROW(20, 8, 'skipped rows', 'int', NULL, NULL)::lfuzz.field;
        RETURN NEXT ROW(28, 8, 'relevant items', 'int', NULL, NULL)::lfuzz.field;
        n := lfuzz.int_at(b, 36, 4);
        RETURN NEXT ROW(36, 4, 'groups', 'int', 40, 32)::lfuzz.field;
        p := 40;
        FOR i IN 1 .. n LOOP
            EXIT WHEN p + 32 > length(b);
            RETURN NEXT ROW(p, 8, 'group score', 'f8', NULL, NULL)::lfuzz.field;
            RETURN NEXT ROW(p + 8, 8, 'group items', 'int', NULL, NULL)::lfuzz.field;
            RETURN NEXT ROW(p + 16, 8, 'group relevant items', 'int', NULL, NULL)::lfuzz.field;
            RETURN NEXT ROW(p + 24, 8, 'group relevance sum', 'f8', NULL, NULL)::lfuzz.field;
            p := p + 32;
        END LOOP;
        n := lfuzz.int_at(b, p, 4);
        RETURN NEXT ROW(p, 4, 'relevances kept', 'int', p + 4, 8)::lfuzz.field;
        FOR i IN 0 .. least(n, 3) - 1 LOOP
            RETURN NEXT ROW(p + 4 + 8 * i, 8, 'relevance', 'f8', NULL, NULL)::lfuzz.field;
        END LOOP;
        RETURN;
    END IF;
    IF typ = 'vqc.agreement_state'::regtype THEN       -- agreement_parse
        RETURN NEXT ROW(8, 8, 'ratings', 'int', NULL, NULL)::lfuzz.field;
        RETURN NEXT ROW(16, 8, 'skipped ratings', 'int', NULL, NULL)::lfuzz.field;
        p := 24;
        FOR i IN 1 .. lfuzz.int_at(b, 8, 8) LOOP
            FOR h IN 1 .. 3 LOOP
                EXIT WHEN p + 4 > length(b);
                l := lfuzz.int_at(b, p, 4);
                RETURN NEXT ROW(p, 4, (ARRAY['item length', 'annotator length', 'label length'])[h], 'int', p + 4, 1)::lfuzz.field;
                RETURN NEXT ROW(p + 4, l, (ARRAY['item', 'annotator', 'label'])[h], 'text', NULL, NULL)::lfuzz.field;
                p := p + 4 + l;
            END LOOP;
        END LOOP;
        RETURN;
    END IF;
    -- vqc.profile (profile_parse)
    kind := get_byte(b, 8);
    RETURN NEXT ROW(8, 1, 'kind', 'int', NULL, NULL)::lfuzz.field;
    RETURN NEXT ROW(9, 4, 'type oid', 'int', NULL, NULL)::lfuzz.field;
    FOR i IN 0 .. 7 LOOP
        RETURN NEXT ROW(13 + 8 * i, 8, (ARRAY['rows', 'nulls', 'nan', '+inf', '-inf', 'true', 'false', 'moments n'])[i + 1],
                     'int', NULL, NULL)::lfuzz.field;
    END LOOP;
    FOR i IN 0 .. 5 LOOP
        RETURN NEXT ROW(77 + 8 * i, 8, (ARRAY['mean', 'm2', 'm3', 'm4', 'min', 'max'])[i + 1], 'f8', NULL, NULL)::lfuzz.field;
    END LOOP;
    FOR i IN 0 .. 2 LOOP
        RETURN NEXT ROW(125 + 8 * i, 8, (ARRAY['length min', 'length max', 'length total'])[i + 1], 'int', NULL, NULL)::lfuzz.field;
    END LOOP;
    p := 149;
    FOR i IN 1 .. 2 LOOP
        l := get_byte(b, p);
        RETURN NEXT ROW(p, 1, 'text min/max length', 'int', p + 1, 1)::lfuzz.field;
        RETURN NEXT ROW(p + 1, l, 'text min/max', 'text', NULL, NULL)::lfuzz.field;
        p := p + 1 + l;
    END LOOP;
    IF flags & 1 = 0 THEN
        n := lfuzz.int_at(b, p, 4);
        RETURN NEXT ROW(p, 4, 'exact values', 'int', p + 4, CASE WHEN kind = 4 THEN NULL ELSE 8 END)::lfuzz.field;
        p := p + 4;
        FOR i IN 1 .. n LOOP
            EXIT WHEN p + 8 > length(b);
            IF kind = 4 THEN
                l := lfuzz.int_at(b, p, 4);
                RETURN NEXT ROW(p, 4, 'exact text length', 'int', p + 4, 1)::lfuzz.field;
                RETURN NEXT ROW(p + 4, l, 'exact text', 'text', NULL, NULL)::lfuzz.field;
                p := p + 4 + l;
            ELSE
                RETURN NEXT ROW(p, 8, 'exact value', 'f8', NULL, NULL)::lfuzz.field;
                p := p + 8;
            END IF;
        END LOOP;
        RETURN;
    END IF;
    FOR i IN 0 .. 7 LOOP       -- a few HyperLogLog registers
        RETURN NEXT ROW(p + (random() * 16383)::int, 1, 'hll register', 'int', NULL, NULL)::lfuzz.field;
    END LOOP;
    p := p + 16384;
    RETURN NEXT ROW(p, 8, 'frequent offset', 'int', NULL, NULL)::lfuzz.field;
    n := lfuzz.int_at(b, p + 8, 4);
    RETURN NEXT ROW(p + 8, 4, 'frequent counters', 'int', NULL, NULL)::lfuzz.field;
    p := p + 12;
    FOR i IN 1 .. n LOOP
        EXIT WHEN p + 26 > length(b);
        RETURN NEXT ROW(p, 8, 'frequent hash', 'int', NULL, NULL)::lfuzz.field;
        RETURN NEXT ROW(p + 8, 8, 'frequent count', 'int', NULL, NULL)::lfuzz.field;
        RETURN NEXT ROW(p + 16, 8, 'frequent number', 'f8', NULL, NULL)::lfuzz.field;
        l := get_byte(b, p + 24);
        RETURN NEXT ROW(p + 24, 1, 'frequent text length', 'int', p + 26, 1)::lfuzz.field;
        RETURN NEXT ROW(p + 25, 1, 'frequent clipped', 'int', NULL, NULL)::lfuzz.field;
        RETURN NEXT ROW(p + 26, l, 'frequent text', 'text', NULL, NULL)::lfuzz.field;
        p := p + 26 + l;
    END LOOP;
    IF kind = 4 THEN
        RETURN;
    END IF;
    RETURN NEXT ROW(p, 8, 'kll n', 'int', NULL, NULL)::lfuzz.field;
    RETURN NEXT ROW(p + 8, 8, 'kll generator', 'int', NULL, NULL)::lfuzz.field;
    nlev := least(lfuzz.int_at(b, p + 16, 4), 64, (length(b) - p - 28) / 4);
    npend := lfuzz.int_at(b, p + 24, 4);
    RETURN NEXT ROW(p + 16, 4, 'kll levels', 'int', NULL, NULL)::lfuzz.field;
    RETURN NEXT ROW(p + 20, 4, 'kll shift', 'int', NULL, NULL)::lfuzz.field;
    p := p + 28;
    sizes := ARRAY(SELECT lfuzz.int_at(b, p + 4 * g, 4)::int FROM generate_series(0, nlev - 1) g);
    l := p + 4 * nlev;         -- items of level 0
    FOR h IN 0 .. nlev - 1 LOOP
        RETURN NEXT ROW(p + 4 * h, 4, 'kll level size', 'int', l, 8)::lfuzz.field;
        IF sizes[h + 1] > 0 THEN
            RETURN NEXT ROW(l, 8, 'kll item', 'f8', NULL, NULL)::lfuzz.field;
        END IF;
        l := l + 8 * sizes[h + 1];
    END LOOP;
    RETURN NEXT ROW(p - 4, 4, 'kll pending', 'int', l, 8)::lfuzz.field;
END $$;

-- values worth trying in an integer field of this width
CREATE FUNCTION lfuzz.boundary(width int, cur numeric) RETURNS numeric LANGUAGE sql VOLATILE AS $$
    SELECT CASE WHEN r < 0.35 THEN cur + lfuzz.pick(ARRAY[-2, -1, 1, 2, 64, -64])
                WHEN r < 0.45 THEN lfuzz.pick(ARRAY[cur * 2, cur * 2 + 1, trunc(cur / 2)])
                WHEN r < 0.65 THEN lfuzz.pick(ARRAY[0, 1, -1, 2 ^ (8 * width - 1) - 1, -(2 ^ (8 * width - 1)),
                                                    2 ^ (8 * width - 1), 2 ^ (8 * width - 2)])
                ELSE lfuzz.pick(ARRAY[2, 6, 7, 8, 11, 12, 13, 50, 51, 52, 56, 57, 62, 63, 64, 65, 127, 128, 255, 256, 350,
                                      1023, 1024, 1025, 1455, 1456, 1457, 2047, 2048, 2049, 16383, 16384, 32767,
                                      32768, 32769, 65535, 65536, 999999, 1000000, 1000001, 1048576, 1048577,
                                      2 ^ 53, 2 ^ 62, 2 ^ 31])
           END
      FROM (SELECT random() AS r) x
$$;

-- invalid UTF-8: a stray byte, a cut sequence, an overlong form, a
-- surrogate, a code point past U+10FFFF, a NUL
CREATE FUNCTION lfuzz.bad_utf8() RETURNS bytea LANGUAGE sql VOLATILE AS $$
    SELECT lfuzz.pick(ARRAY['\xff', '\xfe', '\x80', '\xc3', '\xc0af', '\xe080af', '\xeda080',
                            '\xf4908080', '\x00', '\xc328']::bytea[])
$$;

-- one field of b set to a boundary value (lengths and counts with their bytes)
CREATE FUNCTION lfuzz.mutate_field(typ regtype, b bytea) RETURNS bytea LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    f     lfuzz.field;
    cur   numeric;
    v     numeric;
    bad   bytea;
    pos   int;
    delta int;
BEGIN
    BEGIN
        -- (the walk of a mutated state may name fields past its bytes)
        SELECT * INTO f FROM lfuzz.fields(typ, b) x
         WHERE x.off >= 0 AND x.width >= 0 AND x.off + x.width <= length(b)
           AND (x.run_off IS NULL OR x.run_off <= length(b))
         ORDER BY random() LIMIT 1;
    EXCEPTION WHEN program_limit_exceeded OR array_subscript_error OR numeric_value_out_of_range THEN
        RETURN b;       -- a walk past the bytes of an already mutated state
    END;
    IF f.off IS NULL THEN
        RETURN b;
    ELSIF f.cls = 'text' THEN                   -- invalid UTF-8 inside the text, length kept when it fits
        bad := lfuzz.bad_utf8();
        IF f.width = 0 THEN
            RETURN b;
        END IF;
        pos := f.off + (random() * greatest(f.width - length(bad), 0))::int;
        RETURN lfuzz.splice(b, pos, least(length(bad), f.width), substr(bad, 1, f.width));
    ELSIF f.cls = 'f8' THEN
        RETURN lfuzz.splice(b, f.off, 8, float8send(lfuzz.pick(ARRAY['NaN', 'Infinity', '-Infinity', '-0', '0',
                            '4.9e-324', '2.2250738585072014e-308', '1.7976931348623157e308', '-1e300', '1', '-1']::float8[])));
    END IF;
    cur := lfuzz.int_at(b, f.off, f.width);
    v := lfuzz.boundary(f.width, cur);
    b := lfuzz.splice(b, f.off, f.width, lfuzz.int_bytes(v, f.width));
    -- a length or count that covers bytes: half the time the bytes follow
    IF f.run_off IS NOT NULL AND f.elem IS NOT NULL AND cur BETWEEN 0 AND 70000 AND random() < 0.5 THEN
        delta := (least(greatest(v, 0), cur + 70000) - cur)::int * f.elem;
        IF delta > 0 THEN
            b := lfuzz.splice(b, f.run_off, 0,
                              CASE WHEN f.elem = 1 AND random() < 0.5 THEN decode(repeat('ff', delta), 'hex')
                                   WHEN f.elem = 1 THEN convert_to(repeat('é', delta / 2) || repeat('a', delta % 2), 'UTF8')
                                   ELSE substr(decode(repeat(encode(float8send(1.5), 'hex'), delta / 8), 'hex'), 1, delta) END);
        ELSIF delta < 0 THEN
            b := lfuzz.splice(b, f.run_off, least(-delta, length(b) - f.run_off), '');
        END IF;
    END IF;
    RETURN b;
END $$;

-- round(k * (2/3)^depth) in integers, as DataSketches computes it
CREATE FUNCTION lfuzz.cap_aux(k numeric, depth int) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT div(div(2 * k * 2::numeric ^ depth, 3::numeric ^ depth) + 1, 2)
$$;

-- items a KLL sketch of nlevels levels (shift included) holds: what kll.c's
-- kll_total_capacity() should give, computed exactly
CREATE FUNCTION lfuzz.kll_capacity(nlevels int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(sum(greatest(8, CASE WHEN d <= 30 THEN lfuzz.cap_aux(350, d)
                                         ELSE lfuzz.cap_aux(lfuzz.cap_aux(350, d / 2), d - d / 2) END)), 0)::int
      FROM (SELECT nlevels - h - 1 AS d FROM generate_series(0, nlevels - 1) h) x
$$;

-- a profile's header (profile_write's order up to the exact or sketch part)
CREATE FUNCTION lfuzz.profile_header(flags int, kind int, typid int, counts numeric[], moments float8[],
                                     lens numeric[], mintext bytea, maxtext bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT '\x56514350'::bytea || lfuzz.int_bytes(1, 2) || lfuzz.int_bytes(flags, 2) || lfuzz.int_bytes(kind, 1)
           || lfuzz.int_bytes(typid, 4)
           || (SELECT string_agg(lfuzz.int_bytes(c, 8), '' ORDER BY o) FROM unnest(counts) WITH ORDINALITY u(c, o))
           || (SELECT string_agg(float8send(m), '' ORDER BY o) FROM unnest(moments) WITH ORDINALITY u(m, o))
           || (SELECT string_agg(lfuzz.int_bytes(c, 8), '' ORDER BY o) FROM unnest(lens) WITH ORDINALITY u(c, o))
           || lfuzz.int_bytes(length(mintext), 1) || mintext || lfuzz.int_bytes(length(maxtext), 1) || maxtext
$$;

-- A numeric sketch-mode profile around a KLL sketch whose levels, shift,
-- pending values and level sizes lie at or past their limits, the rest
-- consistent (weights, counts, min and max, sorted levels).  The values
-- are 1 .. 9, so every quantile of an accepted state must be one of them.
CREATE FUNCTION lfuzz.kll_profile() RETURNS bytea LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    nl     int := lfuzz.pick(ARRAY[1, 2, 3, 11, 12, 13, 20, 40, 55, 56, 57, 58, 59, 61, 62, 63, 64]);
    shift  int := lfuzz.pick(ARRAY[0, 0, 1, 5, 6, 6, 7, -1]);
    npend  int;
    sizes  int[] := '{}';
    levels bytea := '';
    items  bytea := '';
    pend   bytea := '';
    vals   float8[] := '{}';
    lvl    float8[];
    w      numeric;
    h      int;
    i      int;
BEGIN
    IF nl > 12 AND random() < 0.9 THEN
        shift := 6;
    END IF;
    npend := greatest(0, lfuzz.pick(ARRAY[0, 1, (2 ^ greatest(shift, 0))::int - 1, (2 ^ greatest(shift, 0))::int]));
    FOR h IN 0 .. nl - 1 LOOP
        sizes := sizes || CASE WHEN h = nl - 1 THEN CASE WHEN random() < 0.05 THEN 0 ELSE 1 END
                               WHEN h + shift >= 50 THEN lfuzz.pick(ARRAY[0, 0, 0, 1])
                               ELSE lfuzz.pick(ARRAY[0, 0, 1, 2, 3, 8]) END;
    END LOOP;
    IF random() < 0.4 THEN                      -- level 0 filled to the capacity, or one past or short of it
        sizes[1] := greatest(0, lfuzz.kll_capacity(nl + greatest(shift, 0))
                                - coalesce((SELECT sum(x) FROM unnest(sizes[2:]) x), 0)::int + lfuzz.pick(ARRAY[-1, 0, 0, 1]));
    END IF;
    w := npend;
    FOR h IN 0 .. nl - 1 LOOP
        w := w + sizes[h + 1] * 2::numeric ^ (h + shift);
        levels := levels || lfuzz.int_bytes(sizes[h + 1], 4);
        lvl := ARRAY(SELECT (1 + floor(random() * 9))::float8 FROM generate_series(1, sizes[h + 1]));
        IF h > 0 THEN
            lvl := ARRAY(SELECT x FROM unnest(lvl) x ORDER BY x);
        END IF;
        vals := vals || lvl;
        items := items || coalesce((SELECT string_agg(float8send(x), '' ORDER BY o)
                                      FROM unnest(lvl) WITH ORDINALITY u(x, o)), '');
    END LOOP;
    FOR i IN 1 .. npend LOOP
        vals := vals || (1 + floor(random() * 9))::float8;
        pend := pend || float8send(vals[cardinality(vals)]);
    END LOOP;
    RETURN lfuzz.profile_header(1, 1, 701, ARRAY[w, 0, 0, 0, 0, 0, 0, w],
                                ARRAY[5, 0, 0, 0, coalesce((SELECT min(x) FROM unnest(vals) x), 0),
                                      coalesce((SELECT max(x) FROM unnest(vals) x), 0)]::float8[],
                                '{0, 0, 0}', '', '')
           || decode(repeat('00', 16384), 'hex')          -- HyperLogLog registers
           || lfuzz.int_bytes(0, 8) || lfuzz.int_bytes(0, 4)  -- no frequent values
           || lfuzz.int_bytes(w, 8) || lfuzz.int_bytes(lfuzz.pick(ARRAY[-7046029254386353131, 1, -1]), 8)
           || lfuzz.int_bytes(nl, 4) || lfuzz.int_bytes(shift, 4) || lfuzz.int_bytes(npend, 4)
           || levels || items || pend;
END $$;

-- every quantile of the accepted KLL profile s is one of the values 1 .. 9
CREATE FUNCTION lfuzz.check_kll(s text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    q float8;
    v float8;
BEGIN
    FOREACH q IN ARRAY ARRAY[0, 0.001, 0.1, 0.5, 0.9, 0.999, 1]::float8[] LOOP
        v := vqc.quantile(s::vqc.profile, q);
        PERFORM fuzzlib.check(v IN (1, 2, 3, 4, 5, 6, 7, 8, 9),
                              format('vqc.quantile(p, %s) = %s is not one of the values put in', q, v));
    END LOOP;
    PERFORM fuzzlib.check(vqc.rank(s::vqc.profile, 5) BETWEEN 0 AND 1, 'vqc.rank is not between 0 and 1');
END $$;

-- A text profile whose stored strings, text min/max and frequent values
-- hold invalid UTF-8 or lie at their length limits, the counts consistent.
CREATE FUNCTION lfuzz.text_profile() RETURNS bytea LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    sketch boolean := random() < 0.5;
    n      int;
    vals   bytea[] := '{}';
    body   bytea;
    t      bytea;
    mint   bytea;
    maxt   bytea;
    flags  int;
    i      int;
BEGIN
    -- text min and max: 'a...' and 'z...', 0 to 65 bytes, maybe invalid
    mint := substr('\x61'::bytea || convert_to(repeat('b', 70), 'UTF8'), 1, lfuzz.pick(ARRAY[1, 2, 63, 64, 65]));
    maxt := substr('\x7a'::bytea || convert_to(repeat('y', 70), 'UTF8'), 1, lfuzz.pick(ARRAY[1, 2, 63, 64, 65]));
    IF random() < 0.5 THEN
        mint := lfuzz.splice(mint, least(1, length(mint) - 1), 1, lfuzz.bad_utf8());
    END IF;
    IF random() < 0.5 THEN
        maxt := lfuzz.splice(maxt, least(1, length(maxt) - 1), 1, lfuzz.bad_utf8());
    END IF;
    flags := CASE WHEN sketch THEN 1 ELSE 0 END | lfuzz.pick(ARRAY[0, 2, 4, 6]);
    IF NOT sketch THEN
        n := lfuzz.pick(ARRAY[1, 2, 3, 2047, 2048, 2049]);
        FOR i IN 1 .. n LOOP
            t := CASE WHEN random() < 0.3 THEN lfuzz.bad_utf8() || '\x61'::bytea ELSE '\x62'::bytea END;
            vals := vals || t;
        END LOOP;
        IF random() < 0.4 THEN                  -- one value that takes the text budget, or one byte past it
            vals[1] := decode(repeat('63', 32768 - 4 * n - coalesce((SELECT sum(length(x)) FROM unnest(vals[2:]) x), 0)::int
                                            + lfuzz.pick(ARRAY[0, 1])), 'hex') || lfuzz.bad_utf8();
        END IF;
        body := lfuzz.int_bytes(n, 4)
                || (SELECT string_agg(lfuzz.int_bytes(length(x), 4) || x, '' ORDER BY o)
                      FROM unnest(vals) WITH ORDINALITY u(x, o));
    ELSE
        n := lfuzz.pick(ARRAY[1, 2, 63, 64, 65]);
        body := decode(repeat('00', 16384), 'hex') || lfuzz.int_bytes(0, 8) || lfuzz.int_bytes(n, 4);
        FOR i IN 1 .. n LOOP
            t := substr(convert_to(repeat('f', 70), 'UTF8'), 1, lfuzz.pick(ARRAY[0, 1, 63, 64, 65]));
            IF length(t) > 0 AND random() < 0.5 THEN
                t := lfuzz.splice(t, (random() * (length(t) - 1))::int, 1, lfuzz.bad_utf8());
            END IF;
            body := body || lfuzz.int_bytes(i * 2654435761, 8) || lfuzz.int_bytes(1, 8) || lfuzz.int_bytes(0, 8)
                         || lfuzz.int_bytes(length(t), 1) || lfuzz.int_bytes(lfuzz.pick(ARRAY[0, 0, 1, 2]), 1) || t;
        END LOOP;
        n := 3000;
    END IF;
    RETURN lfuzz.profile_header(flags, 4, 25, ARRAY[n, 0, 0, 0, 0, 0, 0, 0]::numeric[], '{0, 0, 0, 0, 0, 0}',
                                ARRAY[0, 70000, 2 ^ 40]::numeric[], mint, maxt) || body;
END $$;

-- attempt i: a seed with one or two fields at a boundary, a KLL profile at
-- its limits, or a text profile with invalid UTF-8 and lengths at theirs
CREATE FUNCTION lfuzz.next(i int, seed float8) RETURNS fuzzlib.next LANGUAGE plpgsql AS $$
DECLARE
    r     float8 := random();
    sd    fuzzlib.seed;
    b     bytea;
    stmt  text := 'SELECT fuzzlib.exercise(($1)[1]::regtype, ($1)[2], ($1)[3])';
    label text;
BEGIN
    IF r < 0.55 THEN
        SELECT * INTO sd FROM fuzzlib.seed ORDER BY random() LIMIT 1;
        b := lfuzz.mutate_field(sd.typ, sd.state);
        IF random() < 0.3 THEN
            b := lfuzz.mutate_field(sd.typ, b);
        END IF;
        label := format('%s, boundary mutation %s of seed %s', sd.name, i, seed);
    ELSIF r < 0.8 THEN
        SELECT * INTO sd FROM fuzzlib.seed WHERE name = 'profile double precision sketch';
        b := lfuzz.kll_profile();
        stmt := 'SELECT lfuzz.check_kll(($1)[2]), fuzzlib.exercise(($1)[1]::regtype, ($1)[2], ($1)[3])';
        label := format('KLL of %s levels, shift %s, %s pending, attempt %s of seed %s', lfuzz.int_at(b, 16563, 4),
                        lfuzz.int_at(b, 16567, 4), lfuzz.int_at(b, 16571, 4), i, seed);
    ELSE
        SELECT * INTO sd FROM fuzzlib.seed WHERE name = 'profile text exact';
        b := lfuzz.text_profile();
        label := format('text profile at its limits, attempt %s of seed %s', i, seed);
    END IF;
    RETURN ROW(stmt, ARRAY[sd.typ::text, encode(b, 'hex'), encode(sd.state, 'hex')], label)::fuzzlib.next;
END $$;

SELECT fuzzlib.run(:iterations, :seed, 'lfuzz.next');
SELECT sqlstate, attempts, example FROM fuzzlib.outcome ORDER BY attempts DESC;
SELECT fuzzlib.verdict('limits fuzz') AS verdict;
DROP SCHEMA lfuzz, fuzzlib CASCADE;
