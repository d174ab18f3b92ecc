-- Timing helpers for the benchmarks: best and median of N runs of statements,
-- measured side by side in one session.
CREATE SCHEMA IF NOT EXISTS bench;
CREATE TABLE IF NOT EXISTS bench.timing (label text PRIMARY KEY, best_ms float8, median_ms float8, runs int);

-- Runs all statements in order, reps times, each time followed by cleanup
-- (untimed) when given; records the best and median total.
CREATE OR REPLACE FUNCTION bench.time(label text, stmts text[], reps int DEFAULT 3, cleanup text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    t0 timestamptz;
    times float8[] := '{}';
    s text;
    i int;
BEGIN
    FOR i IN 1 .. reps LOOP
        t0 := clock_timestamp();
        FOREACH s IN ARRAY stmts LOOP
            EXECUTE s;
        END LOOP;
        times := times || extract(epoch FROM clock_timestamp() - t0)::float8 * 1000;
        IF cleanup IS NOT NULL THEN
            EXECUTE cleanup;
        END IF;
    END LOOP;
    INSERT INTO bench.timing
    VALUES (label, (SELECT min(x) FROM unnest(times) x),
            (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(times) x), reps)
    ON CONFLICT ON CONSTRAINT timing_pkey DO UPDATE
        SET best_ms = excluded.best_ms, median_ms = excluded.median_ms, runs = excluded.runs;
END
$$;

CREATE OR REPLACE FUNCTION bench.ms(l text) RETURNS float8 LANGUAGE sql STABLE
AS $$ SELECT median_ms FROM bench.timing WHERE label = l $$;

-- Statements timed in alternation (1, 2, ..., 1, 2, ...), reps times each,
-- so that a drift of the machine during the runs weighs on all alike: for
-- the ratios of times measured side by side.
CREATE OR REPLACE FUNCTION bench.time_set(labels text[], stmts text[], reps int DEFAULT 5)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    t0 timestamptz;
    times float8[] := array_fill(NULL::float8, ARRAY[cardinality(stmts), reps]);
    i int;
    j int;
BEGIN
    FOR i IN 1 .. reps LOOP
        FOR j IN 1 .. cardinality(stmts) LOOP
            t0 := clock_timestamp();
            EXECUTE stmts[j];
            times[j][i] := extract(epoch FROM clock_timestamp() - t0)::float8 * 1000;
        END LOOP;
    END LOOP;
    FOR j IN 1 .. cardinality(stmts) LOOP
        INSERT INTO bench.timing
        SELECT labels[j], min(x), percentile_cont(0.5) WITHIN GROUP (ORDER BY x), reps
          FROM unnest(times[j:j][1:reps]) x
        ON CONFLICT ON CONSTRAINT timing_pkey DO UPDATE
            SET best_ms = excluded.best_ms, median_ms = excluded.median_ms, runs = excluded.runs;
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION bench.time_pair(label_a text, stmt_a text, label_b text, stmt_b text, reps int DEFAULT 5)
RETURNS void
LANGUAGE sql
AS $$ SELECT bench.time_set(ARRAY[label_a, label_b], ARRAY[stmt_a, stmt_b], reps) $$;
