-- The comparison helpers (test/citus/run.sh loads them on the coordinator).

-- Whether the plan of a query on a distributed table runs its aggregates on
-- the workers: a Citus scan over the shards whose task queries aggregate
-- (worker_partial_agg for vqc's aggregates, the built-in aggregates by
-- name), no repartition, no pull of rows to the coordinator.
CREATE OR REPLACE FUNCTION citus_pushed_down(query text) RETURNS boolean
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
CREATE OR REPLACE FUNCTION citus_close(a jsonb, b jsonb, rel float8) RETURNS boolean
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
-- and $2 (plain answer) for sketches with stated bounds.  explain_sql: the
-- query whose plan must show the aggregates on the workers (the query
-- itself when NULL; '' for none: a function call, whose inner queries the
-- aggregate-strategy setting guards).
CREATE OR REPLACE FUNCTION citus_compare(feature text, query text, rel float8 DEFAULT 0,
                              check_sql text DEFAULT NULL, explain_sql text DEFAULT NULL)
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
        IF coalesce(explain_sql, query) <> '' THEN
            pushed := citus_pushed_down(format(coalesce(explain_sql, query), 'people'))
                      AND citus_pushed_down(format(coalesce(explain_sql, query), 'people_part'));
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

-- Whether a sketch-mode profile of the distributed table (d) agrees with the
-- plain copy's (p) within the sketches' stated bounds, checked against the
-- plain copy's column col: the exact parts equal (counts, min, max, the
-- HyperLogLog estimate, whose registers merge exactly), mean and stddev
-- within 1e-12 relative, each KLL quantile's true rank within its stated
-- rank error, each frequent value's true count within [count, count + error
-- bound].
CREATE OR REPLACE FUNCTION citus_sketch_ok(d jsonb, p jsonb, col text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    moments text[] := '{mean,stddev,variance,skewness,kurtosis,frequent,quantiles}';
    ok      boolean;
    eps     float8 := (d -> 'quantiles' ->> 'rank_error')::float8;
BEGIN
    IF (d - moments) <> (p - moments)
       OR NOT citus_close(d -> 'mean', p -> 'mean', 1e-12)
       OR NOT citus_close(d -> 'stddev', p -> 'stddev', 1e-12)
       OR NOT citus_close(d -> 'variance', p -> 'variance', 1e-12)
       OR abs((d ->> 'skewness')::float8 - (p ->> 'skewness')::float8) > 1e-9
       OR abs((d ->> 'kurtosis')::float8 - (p ->> 'kurtosis')::float8) > 1e-9 THEN
        RAISE NOTICE 'citus_sketch_ok(%): exact parts or moments differ', col;
        RETURN false;
    END IF;
    IF d ? 'quantiles' AND NOT (d -> 'quantiles' ->> 'exact')::boolean THEN
        EXECUTE format($q$
            SELECT bool_and(lo - %2$s <= q.key::float8 AND q.key::float8 <= hi + %2$s)
            FROM jsonb_each($1) q,
                 LATERAL (SELECT count(*) FILTER (WHERE %1$I::float8 < q.value::float8)::float8 / count(*) AS lo,
                                 count(*) FILTER (WHERE %1$I::float8 <= q.value::float8)::float8 / count(*) AS hi
                          FROM people_plain WHERE %1$I IS NOT NULL AND %1$I::float8 <> 'NaN') r$q$, col, eps)
            INTO ok USING d -> 'quantiles' -> 'values';
        IF NOT ok THEN
            RAISE NOTICE 'citus_sketch_ok(%): a quantile''s rank is off by more than % (% against %)', col, eps,
                d -> 'quantiles' -> 'values', p -> 'quantiles' -> 'values';
            RETURN false;
        END IF;
    END IF;
    IF d ? 'frequent' AND NOT (d -> 'frequent' ->> 'exact')::boolean THEN
        EXECUTE format($q$
            SELECT bool_and(t BETWEEN (v ->> 'count')::bigint AND (v ->> 'count')::bigint + (v ->> 'error_bound')::bigint)
            FROM jsonb_array_elements($1) v,
                 LATERAL (SELECT count(*) AS t FROM people_plain WHERE %2$s) r$q$, col,
                       -- a numeric profile prints its values as numbers (250.5 for 250.50)
                       CASE WHEN d ->> 'kind' = 'numeric' THEN format('%I::float8 = (v ->> ''value'')::float8', col)
                            ELSE format('%I::text = v ->> ''value''', col) END)
            INTO ok USING d -> 'frequent' -> 'values';
        IF NOT ok THEN
            RAISE NOTICE 'citus_sketch_ok(%): a frequent value''s count is out of its bound', col;
            RETURN false;
        END IF;
    ELSIF (d -> 'frequent') IS DISTINCT FROM (p -> 'frequent') THEN
        RAISE NOTICE 'citus_sketch_ok(%): exact frequent values differ', col;
        RETURN false;
    END IF;
    RETURN true;
END
$$;

-- A validation result with its samples made independent of scan order: the
-- lists of failing values sorted, or dropped when they are a partial sample
-- (fewer entries than failing rows), whose choice follows the scan; row keys
-- lose the row's place (ctid, shard, partition), which differs between the
-- copies (test/citus/30_suites.sql checks that such keys are unique).
CREATE OR REPLACE FUNCTION citus_normalize(r jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    k   text;
    res jsonb := r -> 'result';
    n   bigint := (r -> 'result' ->> 'unexpected_count')::bigint;
BEGIN
    IF res IS NULL OR jsonb_typeof(res) <> 'object' THEN
        RETURN r;
    END IF;
    FOR k IN SELECT key FROM jsonb_each(res) WHERE key LIKE '%unexpected%list%' OR key LIKE '%unexpected_rows%' LOOP
        IF jsonb_typeof(res -> k) = 'array' AND (n IS NULL OR jsonb_array_length(res -> k) < n) THEN
            res := res - k;
        ELSIF jsonb_typeof(res -> k) = 'array' THEN
            -- a row's place (ctid, shard, partition) differs between the copies
            res := jsonb_set(res, ARRAY[k], (SELECT coalesce(jsonb_agg(e ORDER BY e::text), '[]')
                                             FROM jsonb_array_elements(res -> k) x,
                                                  LATERAL (SELECT CASE WHEN jsonb_typeof(x) = 'object'
                                                                       THEN x - '{ctid,shard,partition}'::text[] ELSE x END) AS y(e)));
        END IF;
    END LOOP;
    RETURN jsonb_set(r, '{result}', res);
END
$$;

-- Copies a suite's expectations to a new suite on another table.
CREATE OR REPLACE FUNCTION citus_copy_suite(src text, dst text, target regclass, keep_keys boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    s vqc.suite;
    e record;
BEGIN
    SELECT * INTO s FROM vqc.suite WHERE name = src;
    PERFORM vqc.drop_suite(dst) FROM vqc.suite WHERE name = dst;
    PERFORM vqc.create_suite(dst, target, CASE WHEN keep_keys THEN s.key_columns END, s.profile_columns);
    FOR e IN SELECT * FROM vqc.suite_expectation WHERE suite_id = s.suite_id ORDER BY expectation_id LOOP
        PERFORM vqc.add_expectation(dst, e.expectation_type, e.kwargs);
    END LOOP;
END
$$;

-- Timings and scans of the suite runs, for the README.
CREATE TABLE IF NOT EXISTS citus_timing (suite text PRIMARY KEY, target text, scans int, rows_scanned bigint, ms float8);

-- Runs a suite and returns what it stored: the results (samples made
-- order-independent), the samples, the profiles; records time and scans.
CREATE OR REPLACE FUNCTION citus_run(suite text, OUT results jsonb, OUT samples jsonb, OUT profiles jsonb,
                                     OUT run jsonb)
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
    id bigint;
BEGIN
    SELECT jsonb_agg(jsonb_build_object('position', r.position, 'type', r.expectation_type, 'column', r.column_name,
                                        'status', r.status, 'success', r.success, 'observed', r.observed_value,
                                        'unexpected_count', r.unexpected_count,
                                        'result', citus_normalize(r.result) - 'meta') ORDER BY r.position),
           max(r.run_id)
    INTO results, id FROM vqc.run(suite) r;
    SELECT to_jsonb(x) - '{run_id,suite_id,suite_name,target_schema,target_table,started_at,finished_at,target}'::text[]
           || jsonb_build_object('run_id', id)
    INTO run FROM vqc_report.run x WHERE x.run_id = id;
    INSERT INTO citus_timing VALUES (suite, (SELECT target::text FROM vqc.suite s WHERE s.name = suite),
                                     (run ->> 'scans')::int, (run ->> 'rows_scanned')::bigint,
                                     extract(epoch FROM clock_timestamp() - t0) * 1000)
    ON CONFLICT ON CONSTRAINT citus_timing_pkey DO UPDATE SET scans = excluded.scans, ms = excluded.ms,
                                                             rows_scanned = excluded.rows_scanned;
    SELECT jsonb_agg(jsonb_build_array(u.position, u.value, u.value_clipped, u.row_key) ORDER BY u.position, u.row_key::text, u.value)
    INTO samples FROM vqc_report.unexpected u WHERE u.run_id = id;
    SELECT jsonb_object_agg(p.column_name, vqc.profile_to_jsonb(p.profile))
    INTO profiles FROM vqc_report.profile p WHERE p.run_id = id;
END
$$;

-- Compares a suite on the distributed table (dist) with its twin on the
-- plain copy (plain): one row each for statuses and counts, samples,
-- profiles, and the run's scans.  own_passes: the passes of its own that
-- the suite takes on a distributed table only (increasing / decreasing).
CREATE OR REPLACE FUNCTION citus_compare_suite(label text, dist text, plain text, own_passes int DEFAULT 0)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    d    record;
    p    record;
    c    text;
    ok   boolean := true;
BEGIN
    BEGIN
        SELECT * INTO d FROM citus_run(dist);
        SELECT * INTO p FROM citus_run(plain);
    EXCEPTION WHEN OTHERS THEN
        INSERT INTO citus_result VALUES (label || ': vqc.run', false, false, SQLERRM);
        RETURN;
    END;
    INSERT INTO citus_result VALUES
        (label || ': statuses, counts, observed values', NOT (d.results::text LIKE '%"status": "error"%'),
         citus_close(d.results, p.results, 1e-12),
         CASE WHEN NOT citus_close(d.results, p.results, 1e-12) THEN format('distributed %s plain %s', left(d.results::text, 400), left(p.results::text, 400)) END),
        (label || ': samples stored', true, citus_samples_ok((d.run ->> 'run_id')::bigint, (p.run ->> 'run_id')::bigint),
         format('%s samples distributed, %s plain', jsonb_array_length(d.samples), jsonb_array_length(p.samples))),
        (label || ': run (scans, rows, counts)', own_passes = 0 AND (d.run ->> 'scans') = (p.run ->> 'scans'),
         d.run - '{run_id,scans}'::text[] = p.run - '{run_id,scans}'::text[],
         format('scans: %s distributed, %s plain', d.run ->> 'scans', p.run ->> 'scans')
         || CASE WHEN d.run - '{run_id,scans}'::text[] <> p.run - '{run_id,scans}'::text[]
                 THEN format('; distributed %s plain %s', d.run, p.run) ELSE '' END);
    IF own_passes > 0 AND (d.run ->> 'scans')::int = (p.run ->> 'scans')::int + own_passes THEN
        UPDATE citus_result SET instead = format('the shared scan, plus a pass of its own for each of the %s increasing / '
                                                 'decreasing checks', own_passes)
         WHERE feature = label || ': run (scans, rows, counts)';
    END IF;
    IF p.profiles IS NOT NULL OR d.profiles IS NOT NULL THEN
        IF d.profiles IS NULL OR p.profiles IS NULL
           OR (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(d.profiles) k)
              IS DISTINCT FROM (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(p.profiles) k) THEN
            ok := false;
        ELSE
            FOR c IN SELECT jsonb_object_keys(p.profiles) LOOP
                ok := ok AND citus_sketch_ok(d.profiles -> c, p.profiles -> c, c);
            END LOOP;
        END IF;
        INSERT INTO citus_result VALUES (label || ': profiles stored', true, ok,
            format('%s distributed, %s plain', (SELECT count(*) FROM jsonb_object_keys(coalesce(d.profiles, '{}')) k),
                   (SELECT count(*) FROM jsonb_object_keys(coalesce(p.profiles, '{}')) k)));
    END IF;
END
$$;

-- Whether two drift reports (arrays of rows) agree: the same columns,
-- methods, thresholds, verdicts and errors; scores and p-values within 1e-9
-- when computed exactly, and within tol when from sketches (a KLL sketch's
-- rank error moves a sketch-based score by about as much).
CREATE OR REPLACE FUNCTION citus_drift_ok(d jsonb, p jsonb, tol float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_array_length(d) = jsonb_array_length(p)
       AND bool_and(x - '{score,p_value}'::text[] = y - '{score,p_value}'::text[]
                    AND abs(coalesce((x ->> 'score')::float8, 0) - coalesce((y ->> 'score')::float8, 0))
                        <= CASE WHEN (x ->> 'exact')::boolean THEN 1e-9 * greatest(abs((y ->> 'score')::float8), 1) ELSE tol END
                    AND abs(coalesce((x ->> 'p_value')::float8, 0) - coalesce((y ->> 'p_value')::float8, 0))
                        <= CASE WHEN (x ->> 'exact')::boolean THEN 1e-9 ELSE tol END)
    FROM jsonb_array_elements(d) WITH ORDINALITY a(x, i)
    JOIN jsonb_array_elements(p) WITH ORDINALITY b(y, j) ON i = j
$$;

-- Whether two runs stored the same samples: per expectation the same set
-- when all failing rows fit the sample, else as many samples, each a real
-- failing row (its value is the plain copy's at its key, record_id).
CREATE OR REPLACE FUNCTION citus_samples_ok(dist_run bigint, plain_run bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    r   record;
    ok  boolean;
BEGIN
    FOR r IN SELECT res.position, res.column_name, res.unexpected_count,
                    (SELECT jsonb_agg(jsonb_build_array(u.value, u.value_clipped, u.row_key) ORDER BY u.row_key::text, u.value)
                       FROM vqc_report.unexpected u WHERE u.run_id = dist_run AND u.position = res.position) AS d,
                    (SELECT jsonb_agg(jsonb_build_array(u.value, u.value_clipped, u.row_key) ORDER BY u.row_key::text, u.value)
                       FROM vqc_report.unexpected u WHERE u.run_id = plain_run AND u.position = res.position) AS p
             FROM vqc_report.result res WHERE res.run_id = plain_run LOOP
        IF r.d IS NULL AND r.p IS NULL OR r.d = r.p THEN
            CONTINUE;
        END IF;
        IF r.d IS NULL OR r.p IS NULL OR jsonb_array_length(r.d) <> jsonb_array_length(r.p)
           OR jsonb_array_length(r.p) >= r.unexpected_count THEN
            RETURN false;
        END IF;
        -- a multi-column expectation's value is an object of its columns
        EXECUTE format($q$SELECT bool_and(EXISTS (SELECT 1 FROM people_plain pp
                                                  WHERE record_id = (s -> 2 ->> 'record_id')::bigint AND %1$s))
                          FROM jsonb_array_elements($1) s$q$,
                       CASE WHEN r.column_name IS NULL THEN 'to_jsonb(pp) @> (s ->> 0)::jsonb'
                            ELSE format('%I::text IS NOT DISTINCT FROM s ->> 0', r.column_name) END)
            INTO ok USING r.d;
        IF NOT ok THEN
            RETURN false;
        END IF;
    END LOOP;
    RETURN true;
END
$$;

-- The select lists of a query's tasks on the shards (one per distinct
-- task query); params: its $1, if any.
CREATE OR REPLACE FUNCTION citus_shard_selects(query text, params jsonb DEFAULT NULL) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    plan text := '';
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query USING params LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RETURN QUERY SELECT DISTINCT q.m[1]
                   FROM regexp_matches(plan, 'Query: SELECT (.*?) FROM [a-z_0-9]+\.[a-z_0-9]+_[0-9]+ ', 'g') AS q(m);
END
$$;

-- What a query gathers to the coordinator instead of pushing aggregates
-- down: the select list of its tasks on the shards, when they all read the
-- same plain columns (no call, no aggregate, no window), e.g.
-- "record_id, level"; NULL otherwise.
CREATE OR REPLACE FUNCTION citus_gathered(query text) RETURNS text
LANGUAGE sql AS $$
    SELECT CASE WHEN count(*) = 1 AND bool_and(l !~ '[()]') THEN min(l) END FROM citus_shard_selects(query) l
$$;

-- increasing / decreasing (etype, kwargs, ordered by keys) with vqc.expect
-- on the distributed table, the partitioned one and the plain copy: the same
-- results (status, counts, percentages, samples and their keys in row order)
-- and the same rows selected by each table's unexpected_index_query; the
-- check's pass on each distributed table gathers the key and value columns
-- only (its plan's tasks on the shards).
CREATE OR REPLACE FUNCTION citus_compare_monotone(label text, etype text, kwargs jsonb, keys text[])
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t        text;
    r        jsonb;
    q        text;
    rows     jsonb;
    j        jsonb;
    selected jsonb[];
    got      jsonb := '{}';
    same     boolean;
    gathered text[] := '{}';
    wanted   text := array_to_string(ARRAY(SELECT DISTINCT c FROM unnest(keys || (kwargs ->> 'column')) c
                                           ORDER BY c), ', ');
    rf       jsonb := jsonb_build_object('result_format', coalesce(kwargs ->> 'result_format', 'COMPLETE'),
                                         'unexpected_index_column_names', to_jsonb(keys));
BEGIN
    FOREACH t IN ARRAY ARRAY['people_plain', 'people', 'people_part'] LOOP
        r := vqc.expect(t::regclass, etype, (kwargs - 'result_format') || jsonb_build_object('result_format', rf));
        q := r #>> '{result,unexpected_index_query}';
        rows := NULL;
        IF q IS NOT NULL THEN
            -- the rows read one by one: Citus runs no ordered jsonb_agg over a distributed query
            selected := '{}';
            FOR j IN EXECUTE format('SELECT to_jsonb(x) FROM (%s) x', rtrim(q, ';')) LOOP
                selected := selected || j;
            END LOOP;
            rows := (SELECT jsonb_agg(e ORDER BY e::text) FROM unnest(selected) e);
        END IF;
        got := got || jsonb_build_object(t, jsonb_build_object('success', r -> 'success',
                                                               'result', (r -> 'result') - 'unexpected_index_query',
                                                               'index_query', q IS NOT NULL, 'index_rows', rows));
        IF t <> 'people_plain' THEN
            -- the columns the pass's shard tasks select, in name order
            gathered := gathered || array_to_string(ARRAY(SELECT c FROM unnest(string_to_array(
                            citus_gathered(vqc._plan(t::regclass, etype, kwargs - 'result_format', 1, keys, 20) ->> 'pass_sql'),
                            ', ')) c ORDER BY c), ', ');
        END IF;
    END LOOP;
    same := got -> 'people' = got -> 'people_plain' AND got -> 'people_part' = got -> 'people_plain';
    INSERT INTO citus_result VALUES (
        format('expect %s', label), false, same,
        format('%s failing of %s; ', got #> '{people_plain,result,unexpected_count}', got #> '{people_plain,result,element_count}')
        || CASE WHEN same THEN format('shards ship (%s)', array_to_string(gathered, ' / '))
                ELSE format('distributed %s, partitioned %s, plain %s', left((got -> 'people')::text, 300),
                            left((got -> 'people_part')::text, 300), left((got -> 'people_plain')::text, 300)) END,
        CASE WHEN gathered[1] = wanted AND gathered[2] = wanted
             THEN format('a pass gathers %s column%s (%s)', cardinality(string_to_array(wanted, ', ')),
                         CASE WHEN wanted LIKE '%,%' THEN 's' ELSE '' END, wanted) END);
EXCEPTION WHEN OTHERS THEN
    INSERT INTO citus_result VALUES (format('expect %s', label), false, false, SQLERRM, NULL);
END
$$;
