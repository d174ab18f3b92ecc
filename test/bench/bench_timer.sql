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

-- Two statements timed in alternation (a, b, a, b, ...), reps times each, so
-- that a drift of the machine during the runs weighs on both alike: for the
-- ratio of two times measured side by side.
CREATE OR REPLACE FUNCTION bench.time_pair(label_a text, stmt_a text, label_b text, stmt_b text, reps int DEFAULT 5)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    t0 timestamptz;
    ta float8[] := '{}';
    tb float8[] := '{}';
    i int;
BEGIN
    FOR i IN 1 .. reps LOOP
        t0 := clock_timestamp();
        EXECUTE stmt_a;
        ta := ta || extract(epoch FROM clock_timestamp() - t0)::float8 * 1000;
        t0 := clock_timestamp();
        EXECUTE stmt_b;
        tb := tb || extract(epoch FROM clock_timestamp() - t0)::float8 * 1000;
    END LOOP;
    INSERT INTO bench.timing
    SELECT l, (SELECT min(x) FROM unnest(t) x), (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(t) x), reps
      FROM (VALUES (label_a, ta), (label_b, tb)) v(l, t)
    ON CONFLICT ON CONSTRAINT timing_pkey DO UPDATE
        SET best_ms = excluded.best_ms, median_ms = excluded.median_ms, runs = excluded.runs;
END
$$;
