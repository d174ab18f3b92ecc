-- The tables and helpers the comparisons share (test/citus/run.sh runs this
-- on the coordinator after test/fixtures/people.sql made people).
--   people        distributed by record_id in 32 shards
--   people_plain  a plain copy on the coordinator
--   people_part   partitioned by range of record_id, distributed by it
SET client_min_messages = warning;

CREATE TABLE people_plain AS SELECT * FROM people;
CREATE TABLE people_part (LIKE people) PARTITION BY RANGE (record_id);
CREATE TABLE people_part_1 PARTITION OF people_part FOR VALUES FROM (MINVALUE) TO (50000);
CREATE TABLE people_part_2 PARTITION OF people_part FOR VALUES FROM (50000) TO (MAXVALUE);
INSERT INTO people_part SELECT * FROM people;
SELECT create_distributed_table('people', 'record_id', shard_count => 32);
SELECT create_distributed_table('people_part', 'record_id', shard_count => 32);
-- the rows moved into the shards; the coordinator's local copies go
SELECT truncate_local_data_after_distributing_table('people');
SELECT truncate_local_data_after_distributing_table('people_part');
ANALYZE people_plain;

-- A row gather would make every aggregate "work": refuse it, so that a
-- feature runs on the distributed table only when its aggregates run on
-- the workers.
ALTER DATABASE postgres SET citus.coordinator_aggregation_strategy = 'disabled';

-- One row per feature compared.
CREATE TABLE citus_result (
    feature     text PRIMARY KEY,
    pushed_down boolean NOT NULL,
    same_answer boolean NOT NULL,
    detail      text
);

-- Whether the plan of a query on a distributed table runs its aggregates on
-- the workers: a Citus scan over the shards whose task queries aggregate
-- (worker_partial_agg for vqc's aggregates, the built-in aggregates by
-- name), no repartition, no pull of rows to the coordinator.
CREATE FUNCTION citus_pushed_down(query text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    plan    text := '';
    line    text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RETURN plan LIKE '%Custom Scan (Citus Adaptive)%'
       AND plan NOT ILIKE '%repartition%'
       AND plan NOT ILIKE '%intermediate result%'
       AND NOT EXISTS (SELECT 1 FROM regexp_matches(plan, 'Query: ([^\n]*)', 'g') AS q(m)
                       WHERE q.m[1] !~ '(worker_partial_agg|\m(count|sum|min|max|avg|bool_and|bool_or|every)\()');
END
$$;

-- Whether two JSON values are the same, numbers within rel relative error
-- (absolute near 0).
CREATE FUNCTION citus_close(a jsonb, b jsonb, rel float8) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    k text;
    i int;
BEGIN
    IF a IS NULL OR b IS NULL THEN
        RETURN a IS NULL AND b IS NULL;
    END IF;
    IF jsonb_typeof(a) <> jsonb_typeof(b) THEN
        RETURN false;
    END IF;
    CASE jsonb_typeof(a)
    WHEN 'number' THEN
        RETURN abs(a::numeric - b::numeric) <= rel * greatest(abs(a::numeric), abs(b::numeric), 1e-300);
    WHEN 'object' THEN
        IF (SELECT array_agg(x ORDER BY x) FROM jsonb_object_keys(a) x)
           IS DISTINCT FROM (SELECT array_agg(x ORDER BY x) FROM jsonb_object_keys(b) x) THEN
            RETURN false;
        END IF;
        FOR k IN SELECT jsonb_object_keys(a) LOOP
            IF NOT citus_close(a -> k, b -> k, rel) THEN RETURN false; END IF;
        END LOOP;
        RETURN true;
    WHEN 'array' THEN
        IF jsonb_array_length(a) <> jsonb_array_length(b) THEN RETURN false; END IF;
        FOR i IN 0 .. jsonb_array_length(a) - 1 LOOP
            IF NOT citus_close(a -> i, b -> i, rel) THEN RETURN false; END IF;
        END LOOP;
        RETURN true;
    ELSE
        RETURN a = b;
    END CASE;
END
$$;

-- Runs one feature's query (%1$s is the table) on the distributed table,
-- its plain copy and the partitioned distributed table, and records whether
-- the answers agree: exactly when rel is 0, numbers within rel otherwise;
-- check, when given, is a boolean expression over $1 (distributed answer)
-- and $2 (plain answer) for sketches with stated bounds.  pushdown: whether
-- to EXPLAIN the query (false for function calls, whose inner queries the
-- aggregate-strategy setting guards).
CREATE FUNCTION citus_compare(feature text, query text, rel float8 DEFAULT 0,
                              check_sql text DEFAULT NULL, explain boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    dist    jsonb;
    plain   jsonb;
    part    jsonb;
    pushed  boolean := true;
    same    boolean;
    detail  text;
    wrapped text := 'SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(q)) FROM (%s) q';
BEGIN
    BEGIN
        EXECUTE format(wrapped, format(query, 'people_plain')) INTO plain;
        EXECUTE format(wrapped, format(query, 'people')) INTO dist;
        EXECUTE format(wrapped, format(query, 'people_part')) INTO part;
        IF explain THEN
            pushed := citus_pushed_down(format(query, 'people'))
                      AND citus_pushed_down(format(query, 'people_part'));
        END IF;
        IF check_sql IS NOT NULL THEN
            EXECUTE 'SELECT ' || check_sql INTO same USING dist, plain;
            EXECUTE 'SELECT ' || check_sql INTO same USING part, plain;
        ELSIF rel = 0 THEN
            same := dist = plain AND part = plain;
        ELSE
            same := citus_close(dist, plain, rel) AND citus_close(part, plain, rel);
        END IF;
        IF NOT same THEN
            detail := format('distributed %s, partitioned %s, plain %s',
                             left(dist::text, 300), left(part::text, 300), left(plain::text, 300));
        END IF;
    EXCEPTION WHEN OTHERS THEN
        pushed := false;
        same := false;
        detail := SQLERRM;
    END;
    INSERT INTO citus_result VALUES (feature, coalesce(pushed, false), coalesce(same, false), detail)
    ON CONFLICT ON CONSTRAINT citus_result_pkey DO UPDATE
        SET pushed_down = excluded.pushed_down, same_answer = excluded.same_answer, detail = excluded.detail;
END
$$;
