-- vqc upgrade script 0.4.0 -> 0.5.0 (ALTER EXTENSION vqc UPDATE).
--
-- After this script a database upgraded from 0.4.0 (or, through the earlier
-- scripts, from 0.1.0, 0.2.0 or 0.3.0) has the same catalog as a fresh
-- CREATE EXTENSION vqc of 0.5.0 (test/upgrade/run.sh compares the
-- schema-only dumps).  Every change to src/*.sql or src/sql/*.sql since
-- 0.4.0 is here.  Layout as in the earlier scripts: part 1, one section per
-- change; part 2, pinning search_path and revoking the writers from PUBLIC,
-- stays last.
\echo Use "ALTER EXTENSION vqc UPDATE TO '0.5.0'" to load this file. \quit

-- ========================================================================
-- Part 1: the changes since 0.4.0.
-- ========================================================================
-- 50-citus.sql: vqc on a Citus cluster (issue #15): the anyelement,
-- classification and agreement aggregates declared also for concrete types (Citus'
-- worker_partial_agg checks the declared type and passes no call
-- expression), vqc._citus_distributed, failing-row keys unique across
-- shards, second passes and suggest_expectations' checks that Citus can
-- plan, and vqc.explain(suite, true) on a distributed table.

-- ---------------------------------------------------------------------
-- typed_aggregates.sql: vqc.profile_agg and vqc.hash_set_agg for each
-- type a profile takes, beside their anyelement forms
-- ---------------------------------------------------------------------
-- Citus runs a custom aggregate on its workers (worker_partial_agg) only
-- when the aggregate is declared for the argument's exact type, and calls
-- the transition function by oid with no call expression: the C reads the
-- type from these declarations then (src/arg_type.c).  On one node the
-- parser picks the exact type's aggregate, and the result is the same as the
-- anyelement form's (a domain resolves to its base type, as before).
-- vqc.hash_value gets the same overloads, so that a value is hashed as the
-- same type by it and by vqc.hash_set_agg whatever the parser resolves.
DO $typed$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision',
                             'boolean', 'date', 'timestamp', 'timestamptz', 'text', 'varchar', 'char'] LOOP
        EXECUTE format($sql$
            CREATE FUNCTION vqc.profile_transfn(vqc.profile, %1$s) RETURNS vqc.profile
            AS 'MODULE_PATHNAME', 'vqc_profile_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
            CREATE AGGREGATE vqc.profile_agg(%1$s) (
                SFUNC = vqc.profile_transfn, STYPE = vqc.profile, FINALFUNC = vqc.profile_finalfn,
                COMBINEFUNC = vqc.profile_combinefn, INITCOND = %2$L, PARALLEL = SAFE);
            CREATE FUNCTION vqc.hash_set_transfn(vqc.hash_set_state, %1$s) RETURNS vqc.hash_set_state
            AS 'MODULE_PATHNAME', 'vqc_hash_set_transfn' LANGUAGE C STABLE STRICT PARALLEL SAFE;
            CREATE AGGREGATE vqc.hash_set_agg(%1$s) (
                SFUNC = vqc.hash_set_transfn, STYPE = vqc.hash_set_state,
                COMBINEFUNC = vqc.hash_set_combinefn, INITCOND = %3$L, PARALLEL = SAFE);
            CREATE FUNCTION vqc.hash_value(value %1$s) RETURNS bigint
            AS 'MODULE_PATHNAME', 'vqc_hash_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
            $sql$, t,
            (SELECT agginitval FROM pg_catalog.pg_aggregate WHERE aggfnoid = 'vqc.profile_agg(anyelement)'::pg_catalog.regprocedure),
            (SELECT agginitval FROM pg_catalog.pg_aggregate WHERE aggfnoid = 'vqc.hash_set_agg(anyelement)'::pg_catalog.regprocedure));
    END LOOP;
END
$typed$;

-- The classification aggregates ("any" labels) likewise, for two labels of
-- one of these types (smallint too: a smallint pair would otherwise find
-- the integer and bigint forms equally good), and the agreement aggregates
-- (which read every argument as text) for text items, annotators and labels,
-- with transition functions of those types; an option argument keeps its
-- type.  Other argument types keep the "any" forms, which run on one node
-- only (on Citus, cast the arguments).
DO $typed_labels$
DECLARE
    family record;
    t      text;
    f      record;
BEGIN
    FOR family IN SELECT * FROM (VALUES ('confusion%transfn', ARRAY['smallint', 'integer', 'bigint', 'boolean', 'text']),
                                        ('agreement%transfn', ARRAY['text'])) AS x(transfns, types) LOOP
    FOREACH t IN ARRAY family.types LOOP
        FOR f IN
            SELECT p.proname, p.prosrc, p.provolatile, p.proisstrict, p.prorettype,
                   (SELECT string_agg(CASE WHEN a.typ = 'pg_catalog."any"'::pg_catalog.regtype THEN t
                                           ELSE pg_catalog.format_type(a.typ, NULL) END, ', ' ORDER BY a.i)
                      FROM unnest(p.proargtypes::pg_catalog.oid[]) WITH ORDINALITY AS a(typ, i)) AS args
              FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'vqc'::pg_catalog.regnamespace AND p.proname LIKE family.transfns
               AND 'pg_catalog."any"'::pg_catalog.regtype = ANY (p.proargtypes::pg_catalog.oid[])
             ORDER BY p.proname, p.pronargs
        LOOP
            EXECUTE format('CREATE FUNCTION vqc.%I(%s) RETURNS %s AS %L, %L LANGUAGE C %s %s PARALLEL SAFE',
                           f.proname, f.args, pg_catalog.format_type(f.prorettype, NULL), 'MODULE_PATHNAME', f.prosrc,
                           CASE f.provolatile WHEN 'i' THEN 'IMMUTABLE' WHEN 's' THEN 'STABLE' ELSE 'VOLATILE' END,
                           CASE WHEN f.proisstrict THEN 'STRICT' ELSE 'CALLED ON NULL INPUT' END);
        END LOOP;
        FOR f IN
            SELECT p.proname, tf.proname AS transfn, ff.proname AS finalfn, cf.proname AS combinefn, g.aggtranstype,
                   g.agginitval,
                   (SELECT string_agg(pg_catalog.format('%I %s', p.proargnames[a.i],
                                                        CASE WHEN a.typ = 'pg_catalog."any"'::pg_catalog.regtype THEN t
                                                             ELSE pg_catalog.format_type(a.typ, NULL) END), ', ' ORDER BY a.i)
                      FROM unnest(p.proargtypes::pg_catalog.oid[]) WITH ORDINALITY AS a(typ, i)) AS args
              FROM pg_catalog.pg_aggregate g
              JOIN pg_catalog.pg_proc p ON p.oid = g.aggfnoid
              JOIN pg_catalog.pg_proc tf ON tf.oid = g.aggtransfn
              JOIN pg_catalog.pg_proc cf ON cf.oid = g.aggcombinefn
              LEFT JOIN pg_catalog.pg_proc ff ON ff.oid = g.aggfinalfn
             WHERE p.pronamespace = 'vqc'::pg_catalog.regnamespace AND tf.proname LIKE family.transfns
               AND 'pg_catalog."any"'::pg_catalog.regtype = ANY (p.proargtypes::pg_catalog.oid[])
             ORDER BY p.proname, p.pronargs
        LOOP
            EXECUTE format('CREATE AGGREGATE vqc.%I(%s) (SFUNC = vqc.%I, STYPE = %s, %s %s COMBINEFUNC = vqc.%I, PARALLEL = SAFE)',
                           f.proname, f.args, f.transfn, pg_catalog.format_type(f.aggtranstype, NULL),
                           CASE WHEN f.finalfn IS NOT NULL THEN format('FINALFUNC = vqc.%I,', f.finalfn) ELSE '' END,
                           CASE WHEN f.agginitval IS NOT NULL THEN format('INITCOND = %L,', f.agginitval) ELSE '' END,
                           f.combinefn);
        END LOOP;
    END LOOP;
    END LOOP;
END
$typed_labels$;

-- ---------------------------------------------------------------------
-- citus.sql: what vqc needs to know of Citus (optional; see README "Citus")
-- ---------------------------------------------------------------------

-- Whether target is a Citus distributed table (hash, range or append
-- distributed; a reference table's rows live whole on each node).  False
-- without Citus.
CREATE FUNCTION vqc._citus_distributed(target regclass)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    distributed boolean := false;
BEGIN
    IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition '
                'WHERE logicalrelid OPERATOR(pg_catalog.=) $1 AND partmethod OPERATOR(pg_catalog.<>) ''n'')'
            INTO distributed USING target;
    END IF;
    RETURN distributed;
END
$$;

SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._evaluate(target regclass, plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    kind      text := plan ->> 'kind';
    etype     text := plan ->> 'type';
    observed  text;
    element   bigint;
    nonnull   bigint;
    t         vqc.tally;
    dups      bigint[];
    samples   jsonb := '[]';
    extra     integer := 0;
    category  "char";
    res       jsonb;
    qcol      text := quote_ident(plan ->> 'column');
    eq        record;
BEGIN
    IF kind = 'schema' THEN
        res := plan -> 'result_now';
        RETURN jsonb_build_object('success', (res ->> 'success')::boolean,
                                  'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                                                 ELSE res -> 'result' END,
                                  'samples', samples, 'extra_scans', 0);
    END IF;

    IF plan ->> 'evaluator' = 'freshness' THEN
        RETURN vqc._evaluate_freshness(plan, vals, rf);            -- freshness.sql
    END IF;
    IF plan ->> 'evaluator' = 'model_metric' THEN
        RETURN vqc._evaluate_model_metric(target, plan, vals, rf);  -- model_expectations.sql
    END IF;
    IF plan ? 'evaluator' THEN
        RETURN vqc._evaluate_ge_type(target, plan, vals, rf);      -- ge_types.sql: other tables' counts
    END IF;

    IF kind = 'statistic' THEN
        res := vqc._evaluate_statistic(target, plan, vals, rf);
        RETURN res || jsonb_build_object('samples', samples);
    END IF;

    IF kind IN ('table', 'aggregate') THEN
        observed := vals ->> (plan ->> 'value_item');
        IF plan ? 'bracket_items' OR (vals ->> (plan ->> 'overflow_item'))::boolean THEN
            -- bracketed in the scan, or more values than
            -- vqc.exact_memory_limit: the exact median from the scan's
            -- brackets, or by passes
            SELECT x.quantiles[1]::text, x.passes INTO observed, extra
              FROM vqc._overflowed_quantiles(target, vqc._quantile_arg(qcol, plan ->> 'type_sql'), '{0.5}', false,
                                             plan, vals) x;
        END IF;
        RETURN jsonb_build_object(
            'success', vqc._within_bounds(plan, observed),
            'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                           ELSE jsonb_build_object('observed_value', vqc._observed_json(plan, observed)) END,
            'samples', samples, 'extra_scans', extra);
    END IF;

    -- map
    SELECT typcategory INTO category FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype;
    element := (vals ->> coalesce(plan ->> 'element_item', 'n'))::bigint;
    nonnull := (vals ->> (plan ->> 'nonnull'))::bigint;

    IF plan ? 'unique_by_index' THEN
        t := NULL;
    ELSIF plan ? 'failures' THEN
        -- z-scores, compound uniqueness (ge_types.sql): a pass when needed
        SELECT x.t, x.passes INTO t, extra FROM vqc._ge_type_failures(target, plan, vals) x;
    ELSIF plan ? 'hash_item' THEN
        -- The screen's repeated words ({word, occurrences} rows): none proves
        -- all values distinct.  Integers are their own words, so when the row
        -- key is the column itself the repeats are the failing rows; otherwise
        -- a second pass reads just the rows with those words.  NULL (the
        -- screen outgrew its memory, or too many repeats): a GROUP BY pass.
        dups := (vals ->> (plan ->> 'hash_item'))::bigint[];
        IF dups = '{}' THEN
            t := NULL;
        ELSIF dups IS NOT NULL AND (plan ->> 'keys_from_values')::boolean THEN
            EXECUTE format('SELECT vqc.tally(%1$s::pg_catalog.text, %2$s, %3$s ORDER BY i) FROM '
                           '(SELECT i, ($1)[i][1]::%4$s AS %1$s FROM pg_catalog.generate_subscripts($1, 1) AS i, '
                           '        pg_catalog.generate_series(1, ($1)[i][2]) AS occurrence) AS repeats',
                           qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', plan ->> 'type_sql')
                INTO t USING dups;
        ELSIF dups IS NOT NULL THEN
            -- samples ascending by value, then by row key: the same order
            -- whatever the plan.  OFFSET 0 keeps the candidates a subquery
            -- of their own: Citus gathers them and runs the ordered
            -- aggregate on the coordinator (it cannot push one down).
            EXECUTE format('SELECT vqc.tally(v::pg_catalog.text, k, %3$s ORDER BY v, k) FROM '
                           '(SELECT %1$s AS v, %2$s AS k, pg_catalog.count(*) OVER (PARTITION BY %1$s) AS c '
                           '   FROM %4$s WHERE vqc.hash_value(%1$s) OPERATOR(pg_catalog.=) ANY ($1) OFFSET 0) AS candidates '
                           'WHERE c OPERATOR(pg_catalog.>) 1',
                           qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', target)
                INTO t USING ARRAY(SELECT dups[i][1] FROM generate_subscripts(dups, 1) AS i);
            extra := 1;
        ELSE
            -- samples in the hash screen's order, by value, then by row key
            -- (the repeated rows in a subquery of their own, as above)
            eq := vqc._type_operator((plan ->> 'type_sql')::regtype, '=');
            EXECUTE format('SELECT vqc.tally(v::pg_catalog.text, k, %3$s ORDER BY v, k) FROM '
                           '(SELECT %1$s AS v, %2$s AS k FROM %4$s '
                           ' WHERE (%1$s)%5$s %6$s ANY (SELECT (%1$s)%5$s FROM %4$s WHERE %1$s IS NOT NULL '
                           ' GROUP BY %1$s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1) OFFSET 0) AS candidates',
                           qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', target,
                           eq.operand_cast, eq.operator_sql)
                INTO t;
            extra := 1;
        END IF;
    ELSE
        t := (vals ->> (plan ->> 'tally'))::vqc.tally;
    END IF;
    IF t IS NOT NULL THEN
        samples := vqc._tally_samples_json(t);
    END IF;
    res := vqc._map_result(plan, rf, element, nonnull, coalesce(vqc.tally_count(t), 0), samples, category);
    res := vqc._ge_map_extras(target, plan, rf, res);
    RETURN res || jsonb_build_object('samples', samples, 'extra_scans', extra);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._row_key_sql(target regclass, key_columns text[])
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    parts text[] := '{}';
    c     text;
    kind  "char" := (SELECT relkind FROM pg_class WHERE oid = target);
BEGIN
    IF (key_columns IS NULL OR cardinality(key_columns) = 0) AND vqc._citus_distributed(target) THEN
        -- tableoid is read on the worker: the shard's table, named once in the cluster
        RETURN 'pg_catalog.jsonb_build_object(''shard'', tableoid::pg_catalog.regclass::pg_catalog.text, '
               '''ctid'', ctid::pg_catalog.text)::pg_catalog.text';
    END IF;
    IF key_columns IS NULL OR cardinality(key_columns) = 0 THEN
        RETURN CASE kind
            WHEN 'p' THEN 'pg_catalog.jsonb_build_object(''partition'', tableoid::pg_catalog.regclass::pg_catalog.text, '
                          '''ctid'', ctid::pg_catalog.text)::pg_catalog.text'
            WHEN 'r' THEN 'pg_catalog.jsonb_build_object(''ctid'', ctid::pg_catalog.text)::pg_catalog.text'
            WHEN 'm' THEN 'pg_catalog.jsonb_build_object(''ctid'', ctid::pg_catalog.text)::pg_catalog.text'
            ELSE 'NULL::pg_catalog.text' END;
    END IF;
    FOREACH c IN ARRAY key_columns LOOP
        PERFORM vqc._column(target, c);
        parts := parts || format('%L, %I', c, c);
    END LOOP;
    RETURN format('pg_catalog.jsonb_build_object(%s)::pg_catalog.text', array_to_string(parts, ', '));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._unique_columns(target regclass, columns text[])
 RETURNS text[]
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    screened text[];
    repeats  text[];
    words    bigint[];
    out      text[];
    col      text;
    distinct_values boolean;
BEGIN
    SELECT coalesce(array_agg(c ORDER BY o) FILTER (WHERE vqc._has_unique_index(target, c)), '{}'),
           array_agg(c ORDER BY o) FILTER (WHERE NOT vqc._has_unique_index(target, c))
      INTO out, screened
      FROM unnest(columns) WITH ORDINALITY AS x(c, o);
    IF screened IS NULL THEN
        RETURN out;
    END IF;
    EXECUTE format('SELECT ARRAY[%s]::pg_catalog.text[] FROM %s',
                   (SELECT string_agg(format('vqc.hash_set_duplicates(vqc.hash_set_agg(%I), 100000)::pg_catalog.text', c),
                                      ', ' ORDER BY o)
                      FROM unnest(screened) WITH ORDINALITY AS x(c, o)),
                   target)
        INTO repeats;
    FOR i IN 1 .. cardinality(screened) LOOP
        col := screened[i];
        words := repeats[i]::bigint[];
        IF words = '{}' THEN
            distinct_values := true;
        ELSIF words IS NOT NULL AND (SELECT vqc._base_type(a.atttypid::regtype)
                                       FROM pg_attribute a WHERE a.attrelid = target AND a.attname = col)
                                    IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
            distinct_values := false;
        ELSIF words IS NOT NULL THEN
            -- SELECT 1, not SELECT: Citus reads such a subquery of a
            -- distributed table through an intermediate result, which
            -- needs a column
            EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %2$s WHERE vqc.hash_value(%1$I) OPERATOR(pg_catalog.=) ANY ($1) '
                           'GROUP BY %1$I HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)', col, target)
                INTO distinct_values
                USING ARRAY(SELECT words[j][1] FROM generate_subscripts(words, 1) AS j);
        ELSE
            EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %2$s WHERE %1$I IS NOT NULL '
                           'GROUP BY %1$I HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)', col, target)
                INTO distinct_values;
        END IF;
        IF distinct_values THEN
            out := out || col;
        END IF;
    END LOOP;
    RETURN out;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc.explain(suite text, with_analyze boolean DEFAULT false)
 RETURNS SETOF text
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s       vqc.suite := vqc._suite(suite);
    t       regclass := vqc._suite_target(s);
    inputs  record := vqc._suite_inputs(s, t);
    planned record := vqc._plan_all(t, inputs.expectations, inputs.key_columns, 20, '"BASIC"', false,
                                    inputs.profile_columns);
    names   text[];
BEGIN
    IF planned.items = '{}' THEN
        RETURN;
    END IF;
    SELECT array_agg(key ORDER BY key) INTO names FROM jsonb_object_keys(planned.items) key;
    IF with_analyze AND vqc._citus_distributed(t) THEN
        -- Citus' EXPLAIN ANALYZE cannot bring back a worker's partial
        -- aggregate state (a cstring column): the plan alone
        with_analyze := false;
        RETURN NEXT 'Note: without ANALYZE: Citus cannot EXPLAIN ANALYZE the partial aggregates of a distributed table';
    END IF;
    RETURN QUERY EXECUTE format('EXPLAIN (COSTS OFF%s) %s',
                                CASE WHEN with_analyze THEN ', ANALYZE, TIMING OFF, SUMMARY OFF' ELSE '' END,
                                vqc._scan_sql(t, planned.items, names))
        USING planned.kwargs_all;
    RETURN QUERY SELECT vqc._explain_notes(planned.plans);     -- checks that may read again
END
$function$
;

RESET check_function_bodies;
-- ------------------------------------------------------------------------
-- compound-screen: the keyed hash screen of compound uniqueness (issue #11's
-- speed target).  vqc.hash_set_agg(key, rest) keeps a bitmap over a nearly
-- unique integer column's range with a 16-bit fingerprint of the other
-- columns per key (src/hash_set_keyed.c); the planner takes it when the
-- statistics show such a column (vqc._compound_screen_key), and the second
-- pass reads the rows of the candidate keys.  vqc._compound_word_sql moved
-- to src/sql/compound_screen.sql unchanged.  And LIKE (ibid.): the LIKE
-- expectations match through vqc.like_match (src/like_match.c).  And
-- ignore_row_if tests no NOT NULL column per row, and a row_condition is
-- tested after the check's own failure test.
-- ------------------------------------------------------------------------

-- The LIKE expectations match through vqc.like_match (src/like_match.c):
-- text ~~ text exactly, with the pattern compiled once per query.
CREATE FUNCTION vqc.like_match(value text, pattern text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_like_match'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.like_match(text, text) IS
    'value LIKE pattern, exactly as text ~~ text (the same answers and errors, escape character \), faster on patterns of literals and %: such a pattern is compiled once per query.';

-- not strict: a row whose key is NULL overflows the state instead of
-- going unseen
CREATE FUNCTION vqc.hash_set_keyed_transfn(vqc.hash_set_state, anyelement, bigint)
RETURNS vqc.hash_set_state
AS 'MODULE_PATHNAME', 'vqc_hash_set_keyed_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.hash_set_agg(key anyelement, rest bigint) (
    SFUNC = vqc.hash_set_keyed_transfn,
    STYPE = vqc.hash_set_state,
    COMBINEFUNC = vqc.hash_set_combinefn,
    INITCOND = '565143480001000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.hash_set_agg(anyelement, bigint) IS
    'The hash screen of combinations keyed by an integer column (smallint, integer or bigint) with few repeats over a narrow range: a bitmap over the keys'' range with a 16-bit fingerprint of rest (vqc.hash_row of the other columns) per key; vqc.hash_set_duplicates returns the keys whose rows share a fingerprint.';

SET check_function_bodies = false;

-- The column that may key the screen of a combination of columns names
-- (src/hash_set_keyed.c), and whether its fingerprints fit: the first of
-- them that is a NOT NULL smallint, integer or bigint whose statistics say
-- it is nearly unique (at least half its rows distinct) over a range narrow
-- enough that a bitmap over it takes less memory than a word per row and
-- fits in half of vqc.exact_memory_limit; one whose 17 bits per value of
-- the range (bitmap and fingerprints) fit as well comes first.  Key NULL
-- (screen the combination words) for a single column, or when no column
-- qualifies or has statistics: the choice decides the screen's memory and
-- time, never its answer (a key that repeats more than its statistics said
-- only makes more candidates, or overflows the screen into a pass over
-- every row).
CREATE FUNCTION vqc._compound_screen_key(target regclass, names text[], OUT key text, OUT fingerprints boolean)
LANGUAGE sql STABLE
AS $$
    -- materialized: the histogram is read as bigint[] only for these columns
    WITH cand AS MATERIALIZED (
        SELECT a.attname::text AS attname, x.o, cl.reltuples,
               CASE WHEN s.n_distinct < 0 THEN -s.n_distinct
                    ELSE s.n_distinct / greatest(cl.reltuples, 1) END AS distinct_share,
               s.histogram_bounds::text AS hist
          FROM unnest(names) WITH ORDINALITY AS x(c, o)
          JOIN pg_catalog.pg_class cl ON cl.oid = target
          JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
          JOIN pg_catalog.pg_attribute a ON a.attrelid = target AND a.attname::text = x.c
          JOIN pg_catalog.pg_stats s
            ON s.schemaname = n.nspname AND s.tablename = cl.relname AND s.attname = a.attname
               AND NOT s.inherited
         WHERE pg_catalog.cardinality(names) > 1 AND a.attnotnull AND cl.reltuples > 0
           AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,
                              'pg_catalog.int8'::pg_catalog.regtype))
    SELECT c.attname, w.words * 17 <= least(c.reltuples, vqc._exact_fit() / 2)
      FROM cand c,
           LATERAL (SELECT c.hist::pg_catalog.int8[] AS h) AS b,
           LATERAL (SELECT (b.h[pg_catalog.cardinality(b.h)]::numeric - b.h[1] + 1) / 64 AS words) AS w
     WHERE c.distinct_share >= 0.5 AND pg_catalog.cardinality(b.h) >= 2
       AND w.words <= least(c.reltuples, vqc._exact_fit() / 2)
     ORDER BY w.words * 17 <= least(c.reltuples, vqc._exact_fit() / 2) DESC, c.o
     LIMIT 1
$$;

-- The hash screen's aggregate over the combinations of names of target:
-- keyed by key (vqc._compound_screen_key) when there is one, with
-- vqc.hash_row of the other columns, or one other NOT NULL integer column
-- itself, as fingerprints when they fit, else the key's values alone (the
-- bitmap of integers: the candidates are the repeated values); else over
-- the combination words.
CREATE FUNCTION vqc._compound_screen_sql(target regclass, names text[], key text, fingerprints boolean)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN key IS NULL THEN format('vqc.hash_set_agg(%s)', vqc._compound_word_sql(names))
                WHEN NOT fingerprints THEN format('vqc.hash_set_agg(%I)', key)
                WHEN pg_catalog.cardinality(others) = 1 AND
                     (SELECT a.attnotnull AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype,
                                 'pg_catalog.int4'::pg_catalog.regtype, 'pg_catalog.int8'::pg_catalog.regtype)
                        FROM pg_catalog.pg_attribute a
                       WHERE a.attrelid = target AND a.attname::text = others[1])
                THEN format('vqc.hash_set_agg(%I, (%I)::pg_catalog.int8)', key, others[1])
                ELSE format('vqc.hash_set_agg(%I, %s)', key, vqc._compound_word_sql(others)) END
      FROM (SELECT array_remove(names, key) AS others) AS o
$$;

-- Compound uniqueness: the hash screen over the combinations of the kept
-- rows, keyed by a nearly unique integer column when the statistics show
-- one (vqc._compound_screen_key); vqc._compound_repeats reads back the rows
-- of repeated words, or of candidate keys.
CREATE OR REPLACE FUNCTION vqc._plan_compound_unique(target regclass, pidx integer, names text[], keep text,
                                          key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT vqc._columns_map_plan(target, pidx, names, keep, 'true', key_columns, sample_cap, false)
           - 'tally' ||
           jsonb_build_object(
               'items', jsonb_build_object(
                   'n', 'pg_catalog.count(*)',
                   format('h%s', pidx),
                   format('vqc.hash_set_duplicates(%s%s, 100000)', vqc._compound_screen_sql(target, names, k.key, k.fingerprints),
                          CASE WHEN keep IS NULL THEN '' ELSE format(' FILTER (WHERE %s)', keep) END)) ||
                        CASE WHEN keep IS NULL THEN '{}'::jsonb
                             ELSE jsonb_build_object(format('k:%s', md5(keep)), format('pg_catalog.count(*) FILTER (WHERE %s)', keep)) END,
               'failures', 'compound_unique',
               'fails_sql', vqc._compound_fails_sql(target, names, keep),
               'hash_words', format('h%s', pidx),
               'screen_key', k.key,
               'keep', keep,
               'row_key_sql', vqc._row_key_sql(target, key_columns),
               'sample_cap', sample_cap,
               'explain_note', CASE WHEN k.key IS NULL
                                    THEN 'a second pass reads the rows whose column values'' hash repeats, only when the hash screen finds a repeat'
                                    WHEN k.fingerprints
                                    THEN format('the hash screen is keyed by column %s (nearly unique by its statistics); a second pass '
                                                'reads the rows of the keys whose other columns'' hashes match, only when there are any',
                                                quote_ident(k.key))
                                    ELSE format('the hash screen is keyed by column %s alone (nearly unique by its statistics; the other '
                                                'columns'' hashes would outgrow vqc.exact_memory_limit); a second pass reads the rows of '
                                                'its repeated values, only when there are any', quote_ident(k.key)) END)
      FROM vqc._compound_screen_key(target, names) AS k
$$;

-- The rows of repeated compound values: none when the screen found no
-- repeated word (or candidate key); else one pass over the rows with those
-- words or keys (every row when the screen overflowed), counting each
-- value's rows.
CREATE OR REPLACE FUNCTION vqc._compound_repeats(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
LANGUAGE plpgsql
AS $$
DECLARE
    dups  bigint[] := (vals ->> (plan ->> 'hash_words'))::bigint[];
    cols  text := (SELECT string_agg(quote_ident(c), ', ' ORDER BY o)
                     FROM jsonb_array_elements_text(plan -> 'columns') WITH ORDINALITY AS x(c, o));
    conds text[] := ARRAY(SELECT plan ->> 'keep' WHERE plan ->> 'keep' IS NOT NULL);
BEGIN
    passes := 0;
    IF dups = '{}' THEN
        RETURN;
    END IF;
    IF dups IS NOT NULL AND plan ->> 'screen_key' IS NOT NULL THEN
        -- a keyed screen: the candidate keys
        conds := conds || format('(%I)::pg_catalog.int8 OPERATOR(pg_catalog.=) ANY ($1)', plan ->> 'screen_key');
    ELSIF dups IS NOT NULL THEN
        conds := conds || format('%s OPERATOR(pg_catalog.=) ANY ($1)',
                                 vqc._compound_word_sql(vqc._jsonb_text_array(plan -> 'columns')));
    END IF;
    -- samples ascending by value, then by row key: the same order whatever the plan
    EXECUTE format('SELECT vqc.tally(v, k, %1$s ORDER BY v, k) FROM '
                   '(SELECT %2$s AS v, %3$s AS k, pg_catalog.count(*) OVER (PARTITION BY %4$s) AS c '
                   '   FROM %5$s%6$s) AS candidates WHERE c OPERATOR(pg_catalog.>) 1',
                   plan ->> 'sample_cap', vqc._columns_json_sql(vqc._jsonb_text_array(plan -> 'columns')),
                   plan ->> 'row_key_sql', cols, target,
                   CASE WHEN cardinality(conds) > 0 THEN ' WHERE ' || array_to_string(conds, ' AND ') ELSE '' END)
        INTO t USING ARRAY(SELECT dups[i][1] FROM generate_subscripts(dups, 1) AS i);
    passes := 1;
END
$$;

-- SQL LIKE patterns (single column, the common map path of vqc._plan):
-- the SQL that a value is as expected.
CREATE OR REPLACE FUNCTION vqc._like_expected_sql(etype text, kwargs jsonb, p text, qcol text, colname text,
                                       category "char", type_sql text)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v      jsonb;
    conds  text[] := '{}';
    i      integer;
BEGIN
    IF etype NOT LIKE 'expect_column_values_to_%match_like_pattern%' THEN
        RAISE EXCEPTION 'no plan for expectation type "%"', etype USING ERRCODE = 'internal_error';
    END IF;
    PERFORM vqc._require_text(etype, colname, category, type_sql);
    IF etype LIKE '%_list' THEN
        v := vqc._kw(etype, kwargs, 'like_pattern_list', '{array}');
        IF jsonb_array_length(v) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'like_pattern_list must not be empty');
        END IF;
    ELSE
        v := jsonb_build_array(vqc._kw(etype, kwargs, 'like_pattern', '{string}'));
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        IF jsonb_typeof(v -> i) <> 'string' THEN
            PERFORM vqc._bad_kwarg(etype, 'like patterns must be strings');
        END IF;
        -- LIKE refuses a pattern ending in its escape only when a match reaches it
        IF (v ->> i) ~ '(^|[^\\])(\\\\)*\\$' THEN
            PERFORM vqc._bad_kwarg(etype, 'a LIKE pattern must not end with the escape character',
                                   'Double a final backslash to match a backslash.');
        END IF;
        -- vqc.like_match is ~~ compiled once per query (src/like_match.c)
        conds := conds || format('vqc.like_match((%s)::pg_catalog.text, (%s%s))', qcol, p,
                                 CASE WHEN etype LIKE '%_list' THEN format(' OPERATOR(pg_catalog.->) ''like_pattern_list'' OPERATOR(pg_catalog.->>) %s', i)
                                      ELSE ' OPERATOR(pg_catalog.->>) ''like_pattern''' END);
    END LOOP;
    RETURN vqc._pattern_list_sql(etype, kwargs, conds);
END
$$;

-- ignore_row_if: a NOT NULL column is never missing (no test of it per row)
-- ignore_row_if: the SQL that keeps a row (NULL: every row is kept).
-- Pairs: both_values_are_missing (default), either_value_is_missing,
-- neither; lists: all_values_are_missing (default), any_value_is_missing, never.
-- qcols holds NULL in place of a NOT NULL column: one that is never missing
-- (so no row is all missing), and that is left out of the test per row.
CREATE OR REPLACE FUNCTION vqc._ignore_row_if_sql(etype text, kwargs jsonb, qcols text[], pair boolean)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    modes text[] := CASE WHEN pair THEN ARRAY['both_values_are_missing', 'either_value_is_missing', 'neither']
                         ELSE ARRAY['all_values_are_missing', 'any_value_is_missing', 'never'] END;
    mode  text := coalesce(vqc._kw_text(etype, kwargs, 'ignore_row_if'), modes[1]);
BEGIN
    CASE array_position(modes, mode)
    WHEN 1 THEN
        IF array_position(qcols, NULL) IS NOT NULL THEN
            RETURN NULL;
        END IF;
        RETURN format('NOT (%s)', (SELECT string_agg(format('%s IS NULL', q), ' AND ') FROM unnest(qcols) q));
    WHEN 2 THEN
        RETURN (SELECT format('(%s)', string_agg(format('%s IS NOT NULL', q), ' AND '))
                  FROM unnest(qcols) q WHERE q IS NOT NULL HAVING count(*) > 0);
    WHEN 3 THEN
        RETURN NULL;
    ELSE
    END CASE;
    PERFORM vqc._bad_kwarg(etype, format('unknown ignore_row_if "%s"', mode),
                           CASE WHEN pair THEN 'Use both_values_are_missing, either_value_is_missing or neither.'
                                ELSE 'Use all_values_are_missing, any_value_is_missing or never.' END);
END
$$;

-- Plan of the types of this file that do not take the common single-column
-- path of vqc._plan; NULL for any other type.  plan holds type, kwargs and,
-- with a column, column and type_sql.
CREATE OR REPLACE FUNCTION vqc._plan_ge_type(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    p       text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    cols    record;
    q       text[];
    keep    text;
    conds   text[] := '{}';
    v       jsonb;
    i       integer;
    j       integer;
    mostly  numeric;
BEGIN
    -- the types GE does not run on SQL (ge_unimpl.sql)
    v := vqc._plan_ge_unimpl(target, plan, pidx, key_columns, sample_cap);
    IF v IS NOT NULL THEN
        RETURN v;
    END IF;
    IF etype NOT IN ('expect_column_pair_values_a_to_be_greater_than_b', 'expect_column_pair_values_to_be_equal',
                     'expect_column_pair_values_to_be_in_set', 'expect_compound_columns_to_be_unique',
                     'expect_multicolumn_sum_to_equal', 'expect_select_column_values_to_be_unique_within_record',
                     'expect_column_value_z_scores_to_be_less_than', 'expect_column_values_to_be_in_other_table',
                     'expect_table_row_count_to_equal_other_table',
                     'expect_table_row_count_to_be_within_other_table_by', 'unexpected_rows_expectation') THEN
        RETURN NULL;
    END IF;
    IF etype = 'unexpected_rows_expectation' THEN
        RAISE EXCEPTION 'unexpected_rows_expectation runs only in vqc.expect'
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its query is SQL of its writer''s choosing, and a suite may be run by another role or by pg_cron.',
                  HINT = 'Call vqc.expect() with it, as the role whose rights the query should have.';
    END IF;
    IF etype LIKE 'expect_table_row_count_%other_table%' THEN
        RETURN vqc._plan_other_table_count(target, etype, kwargs, pidx);
    END IF;
    mostly := vqc._kw_mostly(etype, kwargs);
    IF etype = 'expect_column_value_z_scores_to_be_less_than' THEN
        RETURN vqc._plan_z_scores(target, plan, pidx, key_columns, sample_cap) || jsonb_build_object('mostly', mostly);
    END IF;
    IF etype = 'expect_column_values_to_be_in_other_table' THEN
        RETURN vqc._plan_in_other_table(target, plan, pidx, key_columns, sample_cap) || jsonb_build_object('mostly', mostly);
    END IF;

    IF etype LIKE 'expect_column_pair_%' THEN
        IF vqc._kw_text(etype, kwargs, 'column_A') IS NULL OR vqc._kw_text(etype, kwargs, 'column_B') IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'column_A and column_B must be column names');
        END IF;
        SELECT * INTO cols FROM vqc._kw_columns(target, etype, jsonb_build_array(kwargs -> 'column_A', kwargs -> 'column_B'),
                                                'column_A and column_B', true);
    ELSE
        SELECT * INTO cols FROM vqc._kw_columns(target, etype, vqc._kw(etype, kwargs, 'column_list', '{array}'),
                                                'column_list', false);
    END IF;
    q := ARRAY(SELECT quote_ident(c) FROM unnest(cols.names) c);
    -- a NOT NULL column is never missing: no test of it per row
    keep := vqc._ignore_row_if_sql(etype, kwargs,
                                   ARRAY(SELECT CASE WHEN a.attnotnull THEN NULL ELSE quote_ident(x.c) END
                                           FROM unnest(cols.names) WITH ORDINALITY AS x(c, o)
                                           LEFT JOIN pg_attribute a ON a.attrelid = target AND a.attname::text = x.c
                                          ORDER BY x.o),
                                   etype LIKE 'expect_column_pair_%');

    CASE etype
    WHEN 'expect_column_pair_values_a_to_be_greater_than_b' THEN
        IF vqc._kw_bool(etype, kwargs, 'or_equal', false) THEN
            conds := ARRAY[vqc._pair_compare_sql(cols.types[1], q[1], '>=', cols.types[2], q[2]),
                           format('(%s IS NULL AND %s IS NULL)', q[1], q[2])];
        ELSE
            conds := ARRAY[vqc._pair_compare_sql(cols.types[1], q[1], '>', cols.types[2], q[2])];
        END IF;
    WHEN 'expect_column_pair_values_to_be_equal' THEN
        -- a missing value on either side is unequal (GE: NOT (A IS NULL OR B IS NULL))
        conds := ARRAY[format('(%s AND %s IS NOT NULL AND %s IS NOT NULL)',
                              vqc._pair_compare_sql(cols.types[1], q[1], '=', cols.types[2], q[2]), q[1], q[2])];
    WHEN 'expect_column_pair_values_to_be_in_set' THEN
        v := vqc._kw(etype, kwargs, 'value_pairs_set', '{array}');
        IF jsonb_array_length(v) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'value_pairs_set must not be empty');
        END IF;
        FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
            IF jsonb_typeof(v -> i) <> 'array' OR jsonb_array_length(v -> i) <> 2
               OR jsonb_typeof(v -> i -> 0) IN ('array', 'object') OR jsonb_typeof(v -> i -> 1) IN ('array', 'object') THEN
                PERFORM vqc._bad_kwarg(etype, 'value_pairs_set must hold pairs [a, b] of scalar values');
            END IF;
            FOR j IN 0 .. 1 LOOP
                IF jsonb_typeof(v -> i -> j) <> 'null' THEN
                    PERFORM vqc._check_castable(etype, 'a value of value_pairs_set', v -> i ->> j,
                                                format_type(cols.types[j + 1], NULL));
                END IF;
            END LOOP;
            conds := conds || format('(%s AND %s)',
                vqc._compare_sql(cols.types[1], q[1], '=', format('(%s OPERATOR(pg_catalog.->) ''value_pairs_set'' '
                                 'OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->>) 0)::%s', p, i, format_type(cols.types[1], NULL))),
                vqc._compare_sql(cols.types[2], q[2], '=', format('(%s OPERATOR(pg_catalog.->) ''value_pairs_set'' '
                                 'OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->>) 1)::%s', p, i, format_type(cols.types[2], NULL))));
        END LOOP;
    WHEN 'expect_multicolumn_sum_to_equal' THEN
        FOR i IN 1 .. cardinality(q) LOOP
            IF (SELECT typcategory FROM pg_type WHERE oid = cols.types[i]) <> 'N' THEN
                RAISE EXCEPTION '% needs numeric columns; column "%" is of type %', etype, cols.names[i],
                                format_type(cols.types[i], NULL)
                    USING ERRCODE = 'datatype_mismatch';
            END IF;
        END LOOP;
        PERFORM vqc._kw(etype, kwargs, 'sum_total', '{number}');
        -- summed exactly, in numeric
        conds := ARRAY[format('(%s) OPERATOR(pg_catalog.=) (%s OPERATOR(pg_catalog.->>) ''sum_total'')::pg_catalog.numeric',
                              (SELECT string_agg(format('(%s)::pg_catalog.numeric', c), ' OPERATOR(pg_catalog.+) ')
                                 FROM unnest(q) c), p)];
    WHEN 'expect_select_column_values_to_be_unique_within_record' THEN
        FOR i IN 1 .. cardinality(q) - 1 LOOP
            FOR j IN i + 1 .. cardinality(q) LOOP
                conds := conds || format('%s OR (%s IS NULL AND %s IS NULL)',
                                         vqc._pair_compare_sql(cols.types[i], q[i], '=', cols.types[j], q[j]), q[i], q[j]);
            END LOOP;
        END LOOP;
        IF cardinality(conds) = 0 THEN
            conds := ARRAY['false'];
        END IF;
        conds := ARRAY[format('NOT (%s)', array_to_string(conds, ' OR '))];
    WHEN 'expect_compound_columns_to_be_unique' THEN
        FOR i IN 1 .. cardinality(q) LOOP
            PERFORM vqc._require_opclass(etype, format_type(cols.types[i], NULL), 'hash');
            PERFORM vqc._require_opclass(etype, format_type(cols.types[i], NULL), 'btree');
        END LOOP;
        IF vqc._unique_by_index(target, cols.names) THEN
            -- the database already guarantees it: count, don't screen
            conds := ARRAY['true'];
        ELSE
                RETURN vqc._plan_compound_unique(target, pidx, cols.names, keep, key_columns, sample_cap)
                   || jsonb_build_object('mostly', mostly);
        END IF;
    END CASE;

    RETURN vqc._columns_map_plan(target, pidx, cols.names, keep,
                                 format('(%s)', array_to_string(conds, ' OR ')), key_columns, sample_cap,
                                 etype LIKE 'expect_column_pair_%')
           || jsonb_build_object('mostly', mostly);
END
$$;

-- a row_condition is tested last in the failures' filter
-- vqc._plan for an expectation with a row_condition: the plan without it,
-- whose items then count only the rows the condition holds for, under names
-- of their own (so that a conditioned count(*) never merges with the plain
-- one), so that the suite stays one scan:
--   map (counted by a tally): count(*), count(column) and the tally's
--     failing rows take FILTER (WHERE <condition>);
--   table row count: count(*) FILTER (WHERE <condition>);
--   aggregates (mean, stdev, sum, min, max): over
--     CASE WHEN <condition> THEN column END, which they skip when NULL.
-- Others (uniqueness, median, statistics, whose exact second passes read
-- the table again) are refused: 0A000.  Each rewrite first checks that the
-- item is what vqc._plan writes, so a change there is refused, never
-- miscounted.
CREATE OR REPLACE FUNCTION vqc._plan_row_condition(target regclass, etype text, kwargs jsonb, pidx integer,
                                        key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    cond    text := vqc._kw_row_condition(target, etype, kwargs);
    plan    jsonb := vqc._plan(target, etype, kwargs - 'row_condition' - 'condition_parser', pidx, key_columns, sample_cap);
    kind    text := plan ->> 'kind';
    suffix  text;
    fails   text := plan ->> 'fails_sql';
    qcol    text := quote_ident(plan ->> 'column');
    items   jsonb := '{}';
    k       text;
    v       text;
    w       text;
    renamed jsonb := '{}';
BEGIN
    plan := plan || jsonb_build_object('kwargs', kwargs);
    IF cond IS NULL THEN
        RETURN plan;
    END IF;
    suffix := '?' || left(md5(cond), 12);
    FOR k, v IN SELECT key, value #>> '{}' FROM jsonb_each(coalesce(plan -> 'items', '{}')) LOOP
        w := NULL;
        IF kind = 'map' AND k = plan ->> 'tally' AND fails IS NOT NULL
           AND right(v, length(fails) + 8) = format('(WHERE %s)', fails) THEN
            -- the condition last: tested only on the rows that fail
            w := left(v, length(v) - length(fails) - 1) || format('%s AND (%s))', fails, cond);
        ELSIF kind IN ('map', 'table') AND k = 'n' AND v = 'pg_catalog.count(*)'
              OR kind = 'map' AND k = format('nn:%s', plan ->> 'column') AND v = format('pg_catalog.count(%s)', qcol) THEN
            w := format('%s FILTER (WHERE %s)', v, cond);
        ELSIF kind = 'aggregate' AND k = plan ->> 'value_item'
              AND v = vqc._row_condition_aggregate_sql(etype, plan ->> 'type_sql', qcol) THEN
            w := vqc._row_condition_aggregate_sql(etype, plan ->> 'type_sql', format('(CASE WHEN %s THEN %s END)', cond, qcol));
        END IF;
        IF w IS NULL THEN
            RAISE EXCEPTION '% does not take a row_condition', etype
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'row_condition applies to map expectations but uniqueness, to the row count, and to mean, stdev, sum, min and max.';
        END IF;
        items := items || jsonb_build_object(k || suffix, w);
        renamed := renamed || jsonb_build_object(k, k || suffix);
    END LOOP;
    IF kind = 'map' AND (fails IS NULL OR NOT renamed ? (plan ->> 'tally')) OR items = '{}' THEN
        RAISE EXCEPTION '% does not take a row_condition', etype
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'row_condition applies to map expectations but uniqueness, to the row count, and to mean, stdev, sum, min and max.';
    END IF;
    RETURN plan || jsonb_strip_nulls(jsonb_build_object(
        'items', items,
        'tally', renamed ->> (plan ->> 'tally'),
        'nonnull', renamed ->> (plan ->> 'nonnull'),
        'value_item', renamed ->> (plan ->> 'value_item'),
        'element_item', CASE WHEN kind = 'map' THEN renamed ->> 'n' END,
        'row_condition_sql', cond,
        'fails_sql', CASE WHEN fails IS NOT NULL THEN format('(%s) AND %s', cond, fails) END));
END
$$;

RESET check_function_bodies;
-- Issue #13, the rest: incremental runs on a suite's watermark column
-- (src/sql/incremental.sql, with vqc._evaluate_all split into _scan_plans and
-- _evaluate_plans in src/sql/expect.sql, vqc.run(suite, suite_parameters,
-- full) replacing vqc.run(text) and vqc.run(text, jsonb), the run's writer
-- storing the cumulative state, a failed gate not storing it), and drift
-- reports recording the table whose baseline they compared
-- (src/sql/baseline.sql, vqc.drift_html in src/sql/html.sql).

-- ------------------------------------------------------------------------
-- Drift reports record their baseline's table.
ALTER TABLE vqc_report.drift_run ADD COLUMN baseline_schema name,
                                 ADD COLUMN baseline_table name,
                                 ADD COLUMN baseline_target regclass;
COMMENT ON COLUMN vqc_report.drift_run.baseline_target IS
    'The table whose baseline was compared (baseline_schema.baseline_table when taken): the checked table, or the option baseline_table''s (reports made before 0.5.0: NULL).';

SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._record_drift_report_check(target regclass, label text, method text, options jsonb,
                                               drift_share double precision)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    started timestamptz := clock_timestamp();
    base_of regclass := target;   -- the table whose baseline is compared
    base    record;
    cols    text[];
    scan    record;
    d       jsonb;
    msg     text;
    results jsonb := '[]';
BEGIN
    IF target IS NULL OR label IS NULL THEN
        RAISE EXCEPTION 'target and label must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF drift_share IS NULL OR drift_share <= 0 OR drift_share > 1 THEN
        RAISE EXCEPTION 'drift_share must be in (0, 1]' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- a baseline of another table with the same columns (the training table
    -- for the serving log, last month's partition for this month's)
    IF options ? 'baseline_table' THEN
        IF jsonb_typeof(options -> 'baseline_table') <> 'string' THEN
            RAISE EXCEPTION 'option baseline_table must be a table name' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- schema-qualified, or in the checked table's schema (never through
        -- search_path, which is pinned)
        base_of := CASE WHEN strpos(options ->> 'baseline_table', '.') > 0
                        THEN pg_catalog.to_regclass(options ->> 'baseline_table')
                        ELSE pg_catalog.to_regclass(format('%I.%I', (SELECT n.nspname FROM pg_class c
                                                                       JOIN pg_namespace n ON n.oid = c.relnamespace
                                                                      WHERE c.oid = target),
                                                           options ->> 'baseline_table')) END;
        IF base_of IS NULL THEN
            RAISE EXCEPTION 'baseline table % does not exist', options ->> 'baseline_table' USING ERRCODE = 'undefined_table';
        END IF;
        options := options - 'baseline_table';
    END IF;
    -- the baselines the caller may read (row-level security on vqc.baseline)
    IF NOT EXISTS (SELECT 1 FROM vqc.baseline b WHERE b.target = base_of
                                                 AND b.label = _record_drift_report_check.label) THEN
        RAISE EXCEPTION 'baseline "%" of table % does not exist', label, base_of
            USING ERRCODE = 'undefined_object',
                  HINT = 'Store one with vqc.set_baseline(), or name the baselined table with the option baseline_table.';
    END IF;
    -- baselined columns that exist in the checked table with a type a profile supports
    SELECT array_agg(b.column_name ORDER BY a.attnum) INTO cols
      FROM vqc.baseline b
      JOIN pg_attribute a ON a.attrelid = _record_drift_report_check.target AND a.attname = b.column_name AND NOT a.attisdropped
     WHERE b.target = base_of AND b.label = _record_drift_report_check.label
       AND vqc._profiles_type(a.atttypid);
    scan := vqc._profile_scan(target, cols);

    FOR base IN SELECT b.column_name, b.profile FROM vqc.baseline b
                 WHERE b.target = base_of AND b.label = _record_drift_report_check.label
                 ORDER BY b.column_name LOOP
        d := NULL;
        msg := NULL;
        IF NOT scan.profiles ? base.column_name THEN
            msg := format('column "%s" is no longer in the table (or its type changed)', base.column_name);
        ELSE
            BEGIN
                d := vqc.drift(base.profile, (scan.profiles ->> base.column_name)::vqc.profile, method, options);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            END;
        END IF;
        results := results || jsonb_build_array(jsonb_build_object('column', base.column_name, 'drift', d, 'error', msg,
                                                                   'baseline_profile', base.profile::text,
                                                                   'current_profile', scan.profiles ->> base.column_name));
    END LOOP;
    RETURN jsonb_build_object('started', started, 'finished', clock_timestamp(),
                              'rows', scan.rows_scanned, 'results', results, 'baseline_of', base_of::oid);
END
$$;

CREATE OR REPLACE FUNCTION vqc._record_drift_report_write(caller regrole, computed jsonb, target regclass, label text,
                                               method text, options jsonb, drift_share double precision)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    rid bigint;
BEGIN
    PERFORM vqc._require_select(target, caller);
    INSERT INTO vqc_report.drift_run AS r (target_schema, target_table, baseline_label, started_at, finished_at,
                                          rows_scanned, columns, drifted_columns, drift_share, share_threshold,
                                          dataset_drifted, run_by, target, baseline_schema, baseline_table,
                                          baseline_target)
    SELECT n.nspname, c.relname, label, (computed ->> 'started')::timestamptz, (computed ->> 'finished')::timestamptz,
           (computed ->> 'rows')::bigint, x.columns, x.drifted, x.drifted::float8 / nullif(x.columns, 0),
           drift_share, coalesce(x.drifted::float8 / nullif(x.columns, 0) >= drift_share, false),
           caller::text, c.oid, bn.nspname, bc.relname, bc.oid
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      -- the baselined table, as the check resolved it (this table by default)
      LEFT JOIN pg_class bc ON bc.oid = coalesce((computed ->> 'baseline_of')::oid, c.oid)
      LEFT JOIN pg_namespace bn ON bn.oid = bc.relnamespace,
           LATERAL (SELECT count(*)::integer AS columns,
                           (count(*) FILTER (WHERE (e -> 'drift' ->> 'drifted')::boolean))::integer AS drifted
                      FROM jsonb_array_elements(computed -> 'results') e) x
     WHERE c.oid = target
    RETURNING r.drift_run_id INTO rid;

    INSERT INTO vqc_report.drift_result (drift_run_id, column_name, method, score, p_value, threshold,
                                         drifted, exact, error_message)
    SELECT rid, x ->> 'column', x -> 'drift' ->> 'method', (x -> 'drift' ->> 'score')::float8,
           (x -> 'drift' ->> 'p_value')::float8, (x -> 'drift' ->> 'threshold')::float8,
           (x -> 'drift' ->> 'drifted')::boolean, (x -> 'drift' ->> 'exact')::boolean, x ->> 'error'
      FROM jsonb_array_elements(computed -> 'results') x;

    INSERT INTO vqc_report.drift_detail (drift_run_id, column_name, target, target_schema, target_table, result,
                                         baseline_profile, current_profile)
    SELECT rid, x ->> 'column', r.target, r.target_schema, r.target_table, x -> 'drift',
           (x ->> 'baseline_profile')::vqc.profile, (x ->> 'current_profile')::vqc.profile
      FROM vqc_report.drift_run r, jsonb_array_elements(computed -> 'results') x
     WHERE r.drift_run_id = rid;

    RETURN jsonb_build_object('drift_run_id', rid,
                              'results', (SELECT jsonb_agg(x - '{baseline_profile,current_profile}'::text[] ORDER BY o)
                                            FROM jsonb_array_elements(computed -> 'results') WITH ORDINALITY e(x, o)));
END
$$;

CREATE OR REPLACE FUNCTION vqc.drift_html(drift_run_id bigint)
RETURNS text
LANGUAGE plpgsql STABLE STRICT
AS $$
DECLARE
    d     vqc_report.drift_run;
    body  text;
BEGIN
    SELECT * INTO d FROM vqc_report.drift_run x WHERE x.drift_run_id = drift_html.drift_run_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'drift report % does not exist', drift_run_id USING ERRCODE = 'undefined_object';
    END IF;
    body := '<h1>Drift of ' || vqc._html_text(format('%I.%I', d.target_schema, d.target_table), 300) || '</h1>'
         || '<div class="muted">drift report ' || d.drift_run_id || ' against baseline <b>' || vqc._html_text(d.baseline_label, 200)
         || '</b>' || CASE WHEN d.baseline_table IS NULL THEN ''    -- reports made before 0.5.0
                           ELSE ' of <b>' || vqc._html_text(format('%I.%I', d.baseline_schema, d.baseline_table), 300) || '</b>' END
         || ', by ' || vqc._html_text(d.run_by, 100) || ', started ' || vqc.html_escape(to_char(d.started_at, 'YYYY-MM-DD HH24:MI:SS TZ'))
         || ', ' || vqc._html_num(d.rows_scanned) || ' rows</div>'
         || '<div class="summary">'
         || format('<div>%s<b>%s / %s</b>columns drifted</div><div><b>%s</b>share (threshold %s)</div></div>',
                   vqc._html_status(CASE WHEN d.dataset_drifted THEN 'failure' ELSE 'success' END),
                   d.drifted_columns, d.columns, vqc._html_num(d.drift_share), vqc._html_num(d.share_threshold))
         || '<div class="cards">'
         || coalesce((SELECT string_agg(
                '<div class="card"><h3>' || vqc._html_text(x.column_name, 120) || ' '
                || vqc._html_status(CASE WHEN x.error_message IS NOT NULL THEN 'error' WHEN x.drifted THEN 'failure' ELSE 'success' END)
                || '</h3><div class="muted">' || vqc._html_text(x.method, 60) || ' ' || vqc._html_num(x.score)
                || ' (threshold ' || vqc._html_num(x.threshold) || ')'
                || CASE WHEN x.p_value IS NULL THEN '' ELSE ', p-value ' || vqc._html_num(x.p_value) END
                || CASE WHEN x.exact THEN '' ELSE ', from sketches' END || '</div>'
                || coalesce('<div class="muted">' || vqc.html_escape(left(x.error_message, 500)) || '</div>', '')
                || coalesce(vqc._html_overlay(dd.baseline_profile, dd.current_profile), '')
                || '</div>', '' ORDER BY x.column_name)
               FROM vqc_report.drift_result x
               LEFT JOIN vqc_report.drift_detail dd ON dd.drift_run_id = x.drift_run_id AND dd.column_name = x.column_name
              WHERE x.drift_run_id = d.drift_run_id), '')
         || '</div>';
    RETURN vqc._html_page(format('vqc: drift of %s.%s', d.target_schema, d.target_table), body);
END
$$;
COMMENT ON FUNCTION vqc.drift_html(bigint) IS
    'One standalone HTML page for a drift report: the verdict and, per column, the score with the baseline and current distributions drawn over each other.';

RESET check_function_bodies;

-- ------------------------------------------------------------------------
-- Incremental runs.  vqc.run(text) and vqc.run(text, jsonb) become one
-- function with defaults, vqc.run(suite, suite_parameters, full).
DROP FUNCTION vqc.run(text);
DROP FUNCTION vqc.run(text, jsonb);

SET check_function_bodies = false;

ALTER TABLE vqc.suite ADD COLUMN watermark text;
COMMENT ON COLUMN vqc.suite.watermark IS
    'The column whose increasing values tell new rows from old (vqc.set_watermark); NULL: every run reads the whole table.';

CREATE TABLE vqc_report.incremental_run (
    run_id            bigint PRIMARY KEY REFERENCES vqc_report.run ON DELETE CASCADE,
    suite_id          bigint NOT NULL,
    target            regclass NOT NULL,
    target_schema     name NOT NULL,
    target_table      name NOT NULL,
    watermark_column  text NOT NULL,
    mode              text NOT NULL CHECK (mode IN ('full', 'incremental')),
    reason            text,
    from_watermark    jsonb,
    to_watermark      jsonb,
    new_rows          bigint NOT NULL,
    cumulative_rows   bigint NOT NULL,
    tuples_inserted   bigint NOT NULL,
    state             jsonb NOT NULL
);
CREATE INDEX ON vqc_report.incremental_run (suite_id, run_id);
COMMENT ON TABLE vqc_report.incremental_run IS
    'The cumulative state each run of a suite with a watermark stored: the rows read (watermark > from_watermark; all rows in mode full), the largest watermark so far, and the merged parts and profiles; visible only where vqc_report.may_read_values() holds.';
COMMENT ON COLUMN vqc_report.incremental_run.tuples_inserted IS
    'The table''s n_tup_ins (pg_stat_user_tables, with this session''s pending counts) when the run began: the next run compares it to find rows that arrived behind the watermark.';
ALTER TABLE vqc_report.incremental_run ENABLE ROW LEVEL SECURITY;
CREATE POLICY incremental_run_readers ON vqc_report.incremental_run FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
SELECT pg_catalog.pg_extension_config_dump('vqc_report.incremental_run', '');

-- ---------------------------------------------------------------------------
-- the watermark

-- The watermark column's type, or an error: it must exist and be ordered
-- (a default btree class and a max aggregate).
CREATE FUNCTION vqc._watermark_type(target regclass, colname text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    col record := vqc._column(target, colname);
BEGIN
    IF vqc._default_opclass(col.type_sql::regtype, 'btree') IS NULL
       OR vqc._minmax_sql(col.type_sql::regtype, 'max', 'x') IS NULL THEN
        RAISE EXCEPTION 'watermark column "%" is of type %, which has no order', colname, col.type_sql
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'A watermark is an increasing id or timestamp: a column whose type has a default btree operator class.';
    END IF;
    RETURN col.type_sql;
END
$$;

CREATE FUNCTION vqc.set_watermark(suite text, watermark text)
RETURNS void
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.set_watermark(text, text) IS
    'Makes the suite''s runs incremental on an increasing column (NULL: whole-table runs again); the next run reads everything.';

CREATE FUNCTION vqc._set_watermark_check(suite text, watermark text)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_for_change(suite);
BEGIN
    IF watermark IS NOT NULL THEN
        PERFORM vqc._watermark_type(vqc._suite_target(s), watermark);
    END IF;
    RETURN jsonb_build_object('suite_id', s.suite_id);
END
$$;

CREATE FUNCTION vqc._set_watermark_write(caller regrole, checked jsonb, suite text, watermark text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_by_id((checked ->> 'suite_id')::bigint);
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    UPDATE vqc.suite SET watermark = _set_watermark_write.watermark WHERE suite_id = s.suite_id;
END
$$;

-- The watermark comparison "column op value" as SQL, value a literal of the
-- column's type (so the planner sees a constant and uses an index on it).
-- value is the JSON of the watermark (to_jsonb: ISO 8601 for times, whatever
-- the session's DateStyle).
CREATE FUNCTION vqc._watermark_sql(wm text, wm_type text, op text, value jsonb, qualifier text DEFAULT '')
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT vqc._compare_sql(wm_type::regtype, qualifier || quote_ident(wm), op,
                            format('%L::%s', value #>> '{}', wm_type))
$$;

-- n_tup_ins of the table (or of its leaf partitions), with this session's pending counts.
CREATE FUNCTION vqc._tuples_inserted(target regclass)
RETURNS bigint
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(sum(pg_stat_get_tuples_inserted(x.relid) + pg_stat_get_xact_tuples_inserted(x.relid)), 0)::bigint
      FROM (SELECT p.relid FROM pg_partition_tree(target) p WHERE p.isleaf
            UNION
            SELECT target) x         -- pg_partition_tree lists no plain table
$$;

-- Rows that arrived behind the watermark since the last run, or an error.
-- Cheap test first: the inserts the statistics counted since then, less the
-- new rows read, can hide no late row when they are none (aborted inserts,
-- lagging statistics and a reset can only raise a false suspicion).  On
-- suspicion, the exact test: the rows at or below the last watermark (or
-- without one) counted through an index on it, against the rows the state has.
CREATE FUNCTION vqc._check_late_rows(target regclass, wm text, wm_type text, prev vqc_report.incremental_run,
                                     ins_now bigint, new_rows bigint)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    old_rows bigint;
BEGIN
    IF ins_now >= prev.tuples_inserted AND ins_now - prev.tuples_inserted <= new_rows THEN
        RETURN false;
    END IF;
    EXECUTE format('SELECT pg_catalog.count(*) FROM %s WHERE %s OR %I IS NULL',
                   target, vqc._watermark_sql(wm, wm_type, '<=', prev.to_watermark), wm)
        INTO old_rows;
    IF old_rows > prev.cumulative_rows THEN
        RAISE EXCEPTION '% rows of table % arrived with a watermark at or below the last run''s (or none)',
                        old_rows - prev.cumulative_rows, target
            USING ERRCODE = 'VQ002',
                  DETAIL = format('Column "%s" is the suite''s watermark; an incremental run reads only rows past it.', wm),
                  HINT = 'Run vqc.run(suite, full => true) to read the whole table again.';
    END IF;
    RETURN true;
END
$$;

-- A temporary view of the rows past the watermark (with the system columns
-- row keys use), read as the caller like the table.
CREATE FUNCTION vqc._new_rows_view(target regclass, wm text, wm_type text, after jsonb, suite_id bigint)
RETURNS regclass
LANGUAGE plpgsql
AS $$
DECLARE
    name text := format('vqc_new_rows_%s', suite_id);
BEGIN
    IF to_regclass(format('pg_temp.%I', name)) IS NOT NULL THEN
        EXECUTE format('DROP VIEW pg_temp.%I', name);
    END IF;
    EXECUTE format('CREATE TEMPORARY VIEW %I AS SELECT *%s FROM %s WHERE %s', name,
                   CASE WHEN (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'p', 'm')
                        THEN ', ctid, tableoid' ELSE '' END,
                   target, vqc._watermark_sql(wm, wm_type, '>', after));
    RETURN format('pg_temp.%I', name)::regclass;
END
$$;

-- ---------------------------------------------------------------------------
-- what merges

-- Merges tallies (counts added, samples of the first kept first).
CREATE AGGREGATE vqc._tally_merge(vqc.tally) (
    SFUNC = vqc.tally_combinefn,
    STYPE = vqc.tally
);

-- How an expectation's plan merges across runs, or NULL when it does not:
-- {"how": "counts" | "aggregate" | "unique", "parts": {item: merge}, "items":
-- the extra items the scan computes for it, "stat": mean | stdev}.  A map or
-- row-count plan merges when every item is a count or a tally; an aggregate
-- when its value is a min, max or sum, or a mean or standard deviation
-- (from the count, mean and variance added to the scan); uniqueness by its
-- own rule.
CREATE FUNCTION vqc._incremental_parts(plan jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    parts jsonb := '{}';
    item  record;
    vi    text := plan ->> 'value_item';
    arg   text;
    pos   text := plan ->> 'position';
BEGIN
    IF plan IS NULL OR plan ? 'evaluator' OR plan ? 'failures' OR plan ? 'bracket_items'
       OR plan ->> 'kind' NOT IN ('table', 'map', 'aggregate') THEN
        RETURN NULL;
    END IF;
    IF plan ->> 'type' = 'expect_column_values_to_be_unique' THEN
        RETURN jsonb_build_object('how', 'unique', 'parts',
                                  jsonb_build_object('n', 'add', plan ->> 'nonnull', 'add'));
    END IF;
    FOR item IN SELECT key, value #>> '{}' AS expr FROM jsonb_each(plan -> 'items') LOOP
        IF item.key = vi AND plan ->> 'kind' = 'aggregate' THEN
            CASE plan ->> 'statistic'
            WHEN 'expect_column_min_to_be_between' THEN parts := parts || jsonb_build_object(vi, 'min');
            WHEN 'expect_column_max_to_be_between' THEN parts := parts || jsonb_build_object(vi, 'max');
            WHEN 'expect_column_sum_to_be_between' THEN parts := parts || jsonb_build_object(vi, 'add');
            WHEN 'expect_column_mean_to_be_between' THEN
                arg := substring(item.expr FROM '^pg_catalog\.avg\((.*)\)::pg_catalog\.float8$');
            WHEN 'expect_column_stdev_to_be_between' THEN
                arg := substring(item.expr FROM '^pg_catalog\.stddev_samp\((.*)\)::pg_catalog\.float8$');
            ELSE
                RETURN NULL;
            END CASE;
            CONTINUE WHEN arg IS NULL;
            -- a mean and a standard deviation from the count, mean and
            -- variance of each run (the scan shares their aggregates' states
            -- with the expectation's own avg or stddev_samp)
            RETURN jsonb_build_object(
                'how', 'aggregate', 'stat', CASE WHEN item.expr LIKE 'pg_catalog.avg(%' THEN 'mean' ELSE 'stdev' END,
                'parts', jsonb_build_object('c:m:' || pos, 'moments'),
                'items', jsonb_build_object('c:m:' || pos, format(
                    'pg_catalog.jsonb_build_array(pg_catalog.count(%1$s), pg_catalog.avg(%1$s), pg_catalog.var_samp(%1$s))', arg)));
        ELSIF item.expr LIKE 'pg_catalog.count(%' THEN
            parts := parts || jsonb_build_object(item.key, 'add');
        ELSIF item.expr LIKE 'vqc.tally(%' THEN
            parts := parts || jsonb_build_object(item.key, 'tally');
        ELSE
            RETURN NULL;
        END IF;
    END LOOP;
    IF plan ->> 'kind' = 'aggregate' AND NOT parts ? vi THEN
        RETURN NULL;
    END IF;
    RETURN jsonb_build_object('how', CASE WHEN plan ->> 'kind' = 'aggregate' THEN 'aggregate' ELSE 'counts' END,
                              'parts', parts);
END
$$;

-- One part merged: old and new values (text) of an item.
CREATE FUNCTION vqc._merge_part(merge text, a text, b text, type_sql text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    r text;
BEGIN
    IF merge IN ('min', 'max') THEN
        -- by the column type's own ordering; kept as to_jsonb writes it (ISO
        -- 8601 for times), which reads back the same whatever the DateStyle
        EXECUTE format('SELECT pg_catalog.to_jsonb(%s) OPERATOR(pg_catalog.#>>) ''{}'' FROM (VALUES ($1::%2$s), ($2::%2$s)) v(x)',
                       vqc._minmax_sql(type_sql::regtype, merge, 'x'), type_sql)
            INTO r USING a, b;
        RETURN r;
    END IF;
    IF a IS NULL OR b IS NULL THEN
        RETURN coalesce(a, b);
    END IF;
    IF merge = 'add' THEN
        RETURN (a::numeric + b::numeric)::text;
    ELSIF merge = 'moments' THEN
        RETURN vqc._merge_moments(a::jsonb, b::jsonb)::text;
    END IF;
    RETURN (SELECT vqc._tally_merge(x)::text FROM (VALUES (a::vqc.tally), (b::vqc.tally)) v(x));
END
$$;

-- [count, mean, sample variance] of two sets of rows merged (Chan, Golub
-- and LeVeque), in numeric arithmetic.
CREATE FUNCTION vqc._merge_moments(a jsonb, b jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    na numeric := (a ->> 0)::numeric;
    nb numeric := (b ->> 0)::numeric;
    n  numeric := na + nb;
    d  numeric;
    m2 numeric;
BEGIN
    IF na = 0 OR nb = 0 THEN
        RETURN CASE WHEN na = 0 THEN b ELSE a END;
    END IF;
    d := (b ->> 1)::numeric - (a ->> 1)::numeric;
    m2 := coalesce((a ->> 2)::numeric * (na - 1), 0) + coalesce((b ->> 2)::numeric * (nb - 1), 0)
          + d * d * na * nb / n;
    RETURN jsonb_build_array(n, (a ->> 1)::numeric + d * nb / n, CASE WHEN n > 1 THEN m2 / (n - 1) END);
END
$$;

-- The cumulative answer of one expectation from its merged parts: the keys
-- of its result that describe the table (counts, observed value) and success.
CREATE FUNCTION vqc._evaluate_cumulative(target regclass, plan jsonb, inc jsonb, merged jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    vals jsonb := merged;
    m    jsonb := (merged ->> ('c:m:' || (plan ->> 'position')))::jsonb;
    ev   jsonb;
BEGIN
    IF inc ? 'stat' THEN
        vals := vals || jsonb_build_object(plan ->> 'value_item',
            CASE WHEN inc ->> 'stat' = 'mean' THEN (m ->> 1)::float8
                 ELSE sqrt((m ->> 2)::numeric)::float8 END::text);
    END IF;
    ev := vqc._evaluate(target, plan, vals, rf);
    RETURN jsonb_build_object('success', ev -> 'success')
           || (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(ev -> 'result') x(k, v)
                WHERE k IN ('observed_value', 'element_count', 'missing_count', 'missing_percent',
                            'unexpected_count', 'unexpected_percent'));
END
$$;

-- Is there a valid, non-partial btree or hash index led by this column?
CREATE FUNCTION vqc._has_index_on(target regclass, colname text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (
        SELECT 1
          FROM pg_index i
          JOIN pg_class ic ON ic.oid = i.indexrelid
          JOIN pg_am m ON m.oid = ic.relam
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
         WHERE i.indrelid = target AND i.indisvalid AND i.indpred IS NULL
           AND m.amname IN ('btree', 'hash') AND a.attname = colname)
$$;

-- Rows counted unexpected by the column's uniqueness because of the new rows
-- (src) among the old ones of target (watermark at or below after, or none):
-- each new row whose value occurs twice or more in all rows, and each old
-- row whose value was unique among the old rows and occurs among the new.
-- With an index led by the column, each distinct new value probes it;
-- without, one pass over the old rows joins them.
CREATE FUNCTION vqc._unique_added(target regclass, src regclass, colname text, type_sql text,
                                  wm text, wm_type text, after jsonb, OUT added bigint, OUT method text)
LANGUAGE plpgsql
AS $$
DECLARE
    eq      record := vqc._type_operator(type_sql::regtype, '=');
    old_sql text := format('(%s OR o.%I IS NULL)', vqc._watermark_sql(wm, wm_type, '<=', after, 'o.'), wm);
    count_sql text := 'SELECT COALESCE(pg_catalog.sum(CASE WHEN o.c OPERATOR(pg_catalog.+) nv.c OPERATOR(pg_catalog.>=) 2 '
                      'THEN nv.c ELSE 0 END OPERATOR(pg_catalog.+) CASE WHEN o.c OPERATOR(pg_catalog.=) 1 THEN 1 ELSE 0 END), 0)::pg_catalog.int8 ';
    new_sql text := format('(SELECT %1$I AS v, pg_catalog.count(*) AS c FROM %2$s WHERE %1$I IS NOT NULL GROUP BY %1$I) nv',
                           colname, src);
BEGIN
    IF vqc._has_index_on(target, colname) THEN
        method := 'index_probe';
        EXECUTE count_sql || format('FROM %s, LATERAL (SELECT pg_catalog.count(*) AS c FROM %s o '
                                    'WHERE (o.%I)%s %s (nv.v)%s AND %s) o',
                                    new_sql, target, colname, eq.operand_cast, eq.operator_sql, eq.operand_cast, old_sql)
            INTO added;
    ELSE
        method := 'full_scan';
        EXECUTE count_sql || format('FROM %1$s LEFT JOIN (SELECT o.%3$I AS v, pg_catalog.count(*) AS c FROM %2$s o '
                                    'WHERE %6$s AND EXISTS (SELECT 1 FROM %7$s x WHERE (x.%3$I)%4$s %5$s (o.%3$I)%4$s) '
                                    'GROUP BY o.%3$I) o0 ON (o0.v)%4$s %5$s (nv.v)%4$s, '
                                    'LATERAL (SELECT COALESCE(o0.c, 0) AS c) o',
                                    new_sql, target, colname, eq.operand_cast, eq.operator_sql, old_sql, src)
            INTO added;
    END IF;
END
$$;

-- The cumulative answer of a uniqueness expectation from its merged counts.
CREATE FUNCTION vqc._unique_cumulative(plan jsonb, n bigint, nonnull bigint, unexpected bigint, method text)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_build_object(
        'success', CASE WHEN nonnull = 0 THEN true
                        ELSE 1 - unexpected::numeric / nonnull >= coalesce((plan ->> 'mostly')::numeric, 1) END,
        'element_count', n, 'missing_count', n - nonnull,
        'missing_percent', CASE WHEN n > 0 THEN (n - nonnull)::float8 / n * 100 END,
        'unexpected_count', unexpected,
        'unexpected_percent', CASE WHEN nonnull > 0 THEN unexpected::float8 / nonnull * 100 END,
        'method', method)
$$;

-- ---------------------------------------------------------------------------
-- the run

-- An incremental (or, with full_scan or nothing to go on, full) evaluation of
-- a suite with a watermark: _evaluate_all's answer, each result with
-- result.cumulative, and "incremental": what _record_run_write stores.
CREATE FUNCTION vqc._evaluate_incremental(s vqc.suite, t regclass, expectations jsonb, key_columns text[],
                                          profile_columns text[], full_scan boolean)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    wm_type  text := vqc._watermark_type(t, s.watermark);
    ins_now  bigint := vqc._tuples_inserted(t);     -- before the scan: see _check_late_rows
    prev     vqc_report.incremental_run;
    reason   text;
    signature jsonb := jsonb_build_object('expectations', expectations, 'profile_columns', profile_columns,
                                          'watermark', s.watermark);
    planned  record;
    scanned  record;
    items    jsonb;
    incs     jsonb[] := '{}';
    src      regclass := t;
    ev       jsonb;
    res      jsonb := '[]';
    r        jsonb;
    plan     jsonb;
    inc      jsonb;
    old      jsonb;
    merged   jsonb;
    parts    jsonb := '[]';
    cum      jsonb;
    added    bigint;
    method   text;
    new_rows bigint;
    max_wm   jsonb;
    profiles jsonb := '{}';
    workers  text;
    c        text;
    k        text;
    i        integer;
BEGIN
    -- the last state, read as the runner (who needs SELECT on it, as on the
    -- report for history checks; row-level security), and whether it serves
    IF has_table_privilege('vqc_report.incremental_run', 'SELECT') THEN
        SELECT * INTO prev FROM vqc_report.incremental_run x WHERE x.suite_id = s.suite_id ORDER BY x.run_id DESC LIMIT 1;
    END IF;
    reason := CASE WHEN full_scan THEN 'full requested'
                   WHEN NOT has_table_privilege('vqc_report.incremental_run', 'SELECT')
                        THEN 'the runner may not read vqc_report.incremental_run'
                   WHEN row_security_active(t) THEN 'row security applies to the runner'
                   WHEN prev.run_id IS NULL THEN 'no earlier state'
                   WHEN prev.target <> t OR prev.state -> 'signature' IS DISTINCT FROM signature
                        THEN 'the suite or its watermark changed'
                   WHEN prev.to_watermark IS NULL THEN 'no watermark read yet' END;
    IF reason IS NULL THEN
        src := vqc._new_rows_view(t, s.watermark, wm_type, prev.to_watermark, s.suite_id);
    END IF;

    -- one scan of the new rows (or of all): the plans' items, their extra
    -- items for merging, the row count and the largest watermark
    planned := vqc._plan_all(t, expectations, key_columns, 20, '"BASIC"', false, profile_columns);
    items := planned.items || jsonb_build_object(
        'n', 'pg_catalog.count(*)',
        'c:watermark', format('pg_catalog.to_jsonb(%s)', vqc._minmax_sql(wm_type::regtype, 'max', quote_ident(s.watermark))));
    FOR i IN 1 .. coalesce(cardinality(planned.plans), 0) LOOP
        inc := vqc._incremental_parts(planned.plans[i]);
        incs := incs || inc;
        items := items || coalesce(inc -> 'items', '{}');
    END LOOP;
    -- a few new rows: starting parallel workers would cost more than they save
    IF reason IS NULL AND vqc._estimated_rows(src) < 200000 THEN
        workers := current_setting('max_parallel_workers_per_gather');
        PERFORM set_config('max_parallel_workers_per_gather', '0', true);
    END IF;
    scanned := vqc._scan_plans(src, items, planned.kwargs_all, false, planned.plans, planned.errors);
    ev := vqc._evaluate_plans(src, expectations, scanned.plans, planned.rfs, scanned.errors, scanned.vals,
                              scanned.scans, false, profile_columns, scanned.profile_errors);
    IF workers IS NOT NULL THEN
        PERFORM set_config('max_parallel_workers_per_gather', workers, true);
    END IF;
    IF NOT scanned.vals ? 'c:watermark' THEN
        -- the shared scan failed and each expectation was scanned alone: no state
        RAISE WARNING 'suite "%": the incremental state is not advanced (an expectation broke the shared scan)', s.name;
        PERFORM vqc._drop_new_rows_view(src, t);
        RETURN ev;
    END IF;
    new_rows := (scanned.vals ->> 'n')::bigint;
    max_wm := coalesce((scanned.vals ->> 'c:watermark')::jsonb, prev.to_watermark);
    IF reason IS NULL THEN
        PERFORM vqc._check_late_rows(t, s.watermark, wm_type, prev, ins_now, new_rows);
    END IF;

    -- merge each expectation's parts with the state's
    FOR i IN 1 .. jsonb_array_length(ev -> 'results') LOOP
        r := ev -> 'results' -> (i - 1);
        plan := scanned.plans[i];
        inc := incs[i];
        cum := NULL;
        IF plan IS NOT NULL AND inc IS NOT NULL AND r ->> 'status' <> 'error'
           AND (inc ->> 'how' <> 'unique' OR r -> 'result' ? 'unexpected_count') THEN
            old := CASE WHEN reason IS NULL THEN prev.state -> 'parts' -> (i - 1) END;
            merged := '{}';
            FOR k IN SELECT jsonb_object_keys(inc -> 'parts') LOOP
                merged := merged || jsonb_build_object(k, vqc._merge_part(inc -> 'parts' ->> k, old ->> k,
                                                                          scanned.vals ->> k, plan ->> 'type_sql'));
            END LOOP;
            IF inc ->> 'how' = 'unique' THEN
                IF plan ? 'unique_by_index' THEN
                    added := 0;
                    method := 'unique_index';
                ELSIF reason IS NULL AND plan ->> 'column' = s.watermark THEN
                    -- new values are past every old one: only their own repeats
                    added := (r -> 'result' ->> 'unexpected_count')::bigint;
                    method := 'watermark';
                ELSIF reason IS NULL THEN
                    SELECT x.added, x.method INTO added, method
                      FROM vqc._unique_added(t, src, plan ->> 'column', plan ->> 'type_sql', s.watermark, wm_type,
                                             prev.to_watermark) x;
                    ev := jsonb_set(ev, '{scans}', to_jsonb((ev ->> 'scans')::integer + 1));
                ELSE
                    added := 0;
                    method := 'full_scan';
                END IF;
                merged := merged || jsonb_build_object(
                    'unexpected', coalesce((old ->> 'unexpected')::bigint,
                                           (r -> 'result' ->> 'unexpected_count')::bigint, 0) + added);
                cum := vqc._unique_cumulative(plan, (merged ->> 'n')::bigint, (merged ->> (plan ->> 'nonnull'))::bigint,
                                              (merged ->> 'unexpected')::bigint, method);
            ELSE
                cum := vqc._evaluate_cumulative(t, plan, inc, merged, planned.rfs[i]);
            END IF;
        END IF;
        parts := parts || jsonb_build_array(merged);     -- by position: the signature fixes the order
        merged := NULL;
        res := res || jsonb_set(r, '{result,cumulative}',
                                coalesce(cum, '{"available": false, "reason": "this expectation does not merge across runs"}'));
    END LOOP;

    FOREACH c IN ARRAY coalesce(profile_columns, '{}') LOOP
        CONTINUE WHEN NOT scanned.vals ? format('p:%s', c);
        profiles := profiles || jsonb_build_object(c, vqc.merge(
            CASE WHEN reason IS NULL THEN (prev.state -> 'profiles' ->> c)::vqc.profile END,
            (scanned.vals ->> format('p:%s', c))::vqc.profile)::text);
    END LOOP;
    PERFORM vqc._drop_new_rows_view(src, t);

    RETURN ev || jsonb_build_object('results', res, 'incremental', jsonb_build_object(
        'watermark_column', s.watermark,
        'mode', CASE WHEN reason IS NULL THEN 'incremental' ELSE 'full' END,
        'reason', reason,
        'from_watermark', CASE WHEN reason IS NULL THEN prev.to_watermark END,
        'to_watermark', max_wm,
        'new_rows', new_rows,
        'cumulative_rows', new_rows + CASE WHEN reason IS NULL THEN prev.cumulative_rows ELSE 0 END,
        'tuples_inserted', ins_now,
        'state', jsonb_build_object('signature', signature, 'parts', parts, 'profiles', profiles)));
END
$$;

-- The planner's estimate of the rows of a relation (or view).
CREATE FUNCTION vqc._estimated_rows(src regclass)
RETURNS float8
LANGUAGE plpgsql
AS $$
DECLARE
    p jsonb;
BEGIN
    EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM %s', src) INTO p;
    RETURN (p -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END
$$;

CREATE FUNCTION vqc._drop_new_rows_view(src regclass, t regclass)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF src <> t THEN
        EXECUTE format('DROP VIEW %s', src);
    END IF;
END
$$;

-- Stores a run's cumulative state (called by _record_run_write, as the
-- extension's owner, with what the check computed as the caller).
CREATE FUNCTION vqc._incremental_write(run vqc_report.run, inc jsonb)
RETURNS void
LANGUAGE sql
AS $$
    INSERT INTO vqc_report.incremental_run (run_id, suite_id, target, target_schema, target_table, watermark_column,
                                            mode, reason, from_watermark, to_watermark, new_rows, cumulative_rows,
                                            tuples_inserted, state)
    VALUES (run.run_id, run.suite_id, run.target, run.target_schema, run.target_table, inc ->> 'watermark_column',
            inc ->> 'mode', inc ->> 'reason', inc -> 'from_watermark', inc -> 'to_watermark',
            (inc ->> 'new_rows')::bigint, (inc ->> 'cumulative_rows')::bigint, (inc ->> 'tuples_inserted')::bigint,
            inc -> 'state')
$$;

-- ---------------------------------------------------------------------------
-- entry points

CREATE FUNCTION vqc.run(suite text, suite_parameters jsonb DEFAULT NULL, full boolean DEFAULT false)
RETURNS TABLE (run_id bigint, "position" integer, expectation_id bigint, expectation_type text,
               column_name text, status text, success boolean, observed_value jsonb,
               unexpected_count bigint, unexpected_percent double precision, result jsonb)
LANGUAGE plpgsql
AS $$
DECLARE
    done jsonb := vqc._record_run((vqc._suite(suite)).suite_id, suite_parameters, run.full);
BEGIN
    RETURN QUERY
    SELECT (done ->> 'run_id')::bigint, (r ->> 'position')::integer, (r ->> 'id')::bigint, r ->> 'type',
           r ->> 'column', r ->> 'status', (r ->> 'success')::boolean, r -> 'result' -> 'observed_value',
           (r -> 'result' ->> 'unexpected_count')::bigint, (r -> 'result' ->> 'unexpected_percent')::float8,
           vqc._ge_result(r)
      FROM jsonb_array_elements(done -> 'results') r
     ORDER BY (r ->> 'position')::integer;
END
$$;
COMMENT ON FUNCTION vqc.run(text, jsonb, boolean) IS
    'Evaluates every expectation of a suite in one scan of its table (of its new rows when the suite has a watermark, unless full), as the caller, records the run in vqc_report and returns the results; suite_parameters gives the values of {"$PARAMETER": "name"} kwargs.';

-- The relay of a run (see vqc._record_run(bigint)).
CREATE FUNCTION vqc._record_run(suite_id bigint, suite_parameters jsonb, full_scan boolean)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;

CREATE FUNCTION vqc._record_run_check(suite_id bigint, suite_parameters jsonb, full_scan boolean)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s       vqc.suite := vqc._suite_by_id(suite_id);
    t       regclass := vqc._suite_target(s);
    started timestamptz := clock_timestamp();
    inputs  record := vqc._suite_inputs(s, t);
    ev      jsonb;
BEGIN
    PERFORM vqc._check_suite_other_tables(s, t, inputs.expectations);     -- ge_types.sql
    IF s.watermark IS NULL THEN
        ev := vqc._evaluate_all(t, vqc._resolve_expectation_parameters(inputs.expectations, suite_parameters),
                                inputs.key_columns, 20, '"BASIC"', false, inputs.profile_columns);
    ELSE
        ev := vqc._evaluate_incremental(s, t, vqc._resolve_expectation_parameters(inputs.expectations, suite_parameters),
                                        inputs.key_columns, inputs.profile_columns, full_scan);
    END IF;
    RETURN ev || jsonb_build_object('suite_id', s.suite_id, 'started', started,
                                    'finished', clock_timestamp(),
                                    'row_security', row_security_active(t));
END
$$;

CREATE FUNCTION vqc._record_run_write(caller regrole, ev jsonb, suite_id bigint, suite_parameters jsonb,
                                      full_scan boolean)
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc._record_run_write(caller, ev, suite_id) $$;

-- The run's pieces that changed: the evaluation split in two, the checks
-- and writers that reach the incremental state.
CREATE OR REPLACE FUNCTION vqc._evaluate_all(target regclass, expectations jsonb, key_columns text[],
                                  sample_cap integer, rf_default jsonb, raise_errors boolean,
                                  profile_columns text[] DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    planned record := vqc._plan_all(target, expectations, key_columns, sample_cap, rf_default,
                                    raise_errors, profile_columns);
    scanned record := vqc._scan_plans(target, planned.items, planned.kwargs_all, raise_errors,
                                      planned.plans, planned.errors);
BEGIN
    RETURN vqc._evaluate_plans(target, expectations, scanned.plans, planned.rfs, scanned.errors,
                               scanned.vals, scanned.scans, raise_errors, profile_columns,
                               scanned.profile_errors);
END
$$;

CREATE OR REPLACE FUNCTION vqc._scan_plans(target regclass, items jsonb, kwargs_all jsonb, raise_errors boolean,
                                INOUT plans jsonb[], INOUT errors text[], OUT vals jsonb, OUT scans integer,
                                OUT profile_errors jsonb)
LANGUAGE plpgsql
AS $$
BEGIN
    vals := '{}';
    scans := 0;
    profile_errors := '{}';
    IF items <> '{}' THEN
        BEGIN
            scans := 1;
            vals := vqc._scan_items(target, items, kwargs_all);
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE;
            WHEN OTHERS THEN
                IF raise_errors THEN
                    RAISE;
                END IF;
                SELECT x.plans, x.errors, x.vals, x.scans, x.profile_errors
                  INTO plans, errors, vals, scans, profile_errors
                  FROM vqc._scan_each(target, items, kwargs_all, plans, errors) x;
        END;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION vqc._evaluate_plans(target regclass, expectations jsonb, plans jsonb[], rfs jsonb[],
                                    errors text[], vals jsonb, scans integer, raise_errors boolean,
                                    profile_columns text[], profile_errors jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    n          integer := jsonb_array_length(expectations);
    e          jsonb;
    i          integer;
    pc         text;
    msg        text;
    out_results jsonb := '[]';
    ev         jsonb;
BEGIN
    -- evaluate
    FOR i IN 1 .. n LOOP
        e := expectations -> (i - 1);
        ev := NULL;
        IF plans[i] IS NOT NULL THEN
            BEGIN
                IF plans[i] ->> 'kind' = 'history' THEN
                    ev := vqc._evaluate_history(plans[i], vals, rfs[i]);
                ELSE
                    ev := vqc._evaluate(target, plans[i], vals, rfs[i]);
                END IF;
                scans := scans + (ev ->> 'extra_scans')::integer;
                IF e ? 'id' THEN
                    -- for the history expectations after it that read its metrics
                    vals := vals || jsonb_build_object(format('result:%s', e ->> 'id'), ev -> 'result');
                END IF;
            EXCEPTION
                WHEN insufficient_privilege THEN
                    RAISE;
                WHEN OTHERS THEN
                    IF raise_errors THEN
                        RAISE;
                    END IF;
                    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                    errors[i] := msg;
            END;
        END IF;
        out_results := out_results || jsonb_build_object(
            'position', i,
            'id', e -> 'id',
            'type', e ->> 'type',
            'kwargs', e -> 'kwargs',
            'column', e -> 'kwargs' ->> 'column',
            'status', CASE WHEN ev IS NULL THEN 'error'
                           WHEN (ev ->> 'success')::boolean THEN 'success' ELSE 'failure' END,
            'success', ev -> 'success',
            'result', coalesce(ev -> 'result', '{}'),
            'samples', coalesce(ev -> 'samples', '[]'),
            'error', errors[i]);
    END LOOP;

    -- a profile the scans could not take is an error of the run, after the
    -- expectations, never a missing row
    FOR pc IN SELECT x FROM unnest(profile_columns) x WHERE profile_errors ? x LOOP
        out_results := out_results || jsonb_build_object(
            'position', jsonb_array_length(out_results) + 1,
            'id', NULL,
            'type', 'column_profile',
            'kwargs', jsonb_build_object('column', pc),
            'column', pc,
            'status', 'error',
            'success', NULL,
            'result', '{}'::jsonb,
            'samples', '[]'::jsonb,
            'error', format('the profile of column "%s" could not be taken: %s', pc, profile_errors ->> pc));
    END LOOP;

    RETURN jsonb_build_object('rows', vals -> 'n', 'scans', scans, 'results', out_results,
                              'profiles', (SELECT coalesce(jsonb_object_agg(c, vals -> format('p:%s', c)), '{}')
                                             FROM unnest(coalesce(profile_columns, '{}')) c
                                            WHERE vals ? format('p:%s', c)));
END
$$;

CREATE OR REPLACE FUNCTION vqc._record_run_write(caller regrole, ev jsonb, suite_id bigint)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s         vqc.suite := vqc._suite_by_id(suite_id);
    started   timestamptz := (ev ->> 'started')::timestamptz;
    max_bytes integer := (SELECT setting::integer FROM pg_settings WHERE name = 'vqc.sample_value_max_bytes');
    r         jsonb;
    run       vqc_report.run;
    ok_count  integer;
    err_count integer;
    total     integer;
BEGIN
    IF (ev ->> 'suite_id')::bigint IS DISTINCT FROM s.suite_id THEN
        RAISE EXCEPTION 'run of suite % recorded under suite %', ev ->> 'suite_id', s.suite_id;
    END IF;
    SELECT count(*), count(*) FILTER (WHERE x ->> 'status' = 'success'),
           count(*) FILTER (WHERE x ->> 'status' = 'error')
      INTO total, ok_count, err_count
      FROM jsonb_array_elements(ev -> 'results') x;

    INSERT INTO vqc_report.run AS rr (suite_name, target_schema, target_table, started_at, finished_at,
                                      rows_scanned, scans, success, evaluated_expectations,
                                      successful_expectations, unsuccessful_expectations,
                                      error_expectations, success_percent, run_by, target, suite_id,
                                      row_security)
    SELECT s.name, n.nspname, c.relname, started, (ev ->> 'finished')::timestamptz,
           (ev ->> 'rows')::bigint, (ev ->> 'scans')::integer, ok_count = total, total,
           ok_count, total - ok_count - err_count, err_count,
           CASE WHEN total > 0 THEN ok_count::float8 / total * 100 END,
           caller::text, c.oid, s.suite_id, (ev ->> 'row_security')::boolean
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = s.target
    RETURNING rr.* INTO run;
    IF run.run_id IS NULL THEN
        PERFORM vqc._suite_target(s);
    END IF;

    FOR r IN SELECT x FROM jsonb_array_elements(ev -> 'results') x LOOP
        PERFORM vqc._record_run_write_result(run, r, max_bytes);
    END LOOP;

    INSERT INTO vqc_report.metric (run_id, position, suite_name, target_schema, target_table,
                                   column_name, metric_name, value, recorded_at, target, is_value)
    VALUES (run.run_id, NULL, run.suite_name, run.target_schema, run.target_table, NULL, 'row_count',
            (ev ->> 'rows')::float8, started, run.target, false);

    INSERT INTO vqc_report.profile (run_id, target_schema, target_table, column_name, column_type, profile, target)
    SELECT run.run_id, run.target_schema, run.target_table, p.key, format_type(a.atttypid, a.atttypmod),
           (p.value #>> '{}')::vqc.profile, run.target
      FROM jsonb_each(ev -> 'profiles') p
      JOIN pg_attribute a ON a.attrelid = run.target AND a.attname = p.key;

    IF ev ? 'incremental' THEN
        PERFORM vqc._incremental_write(run, ev -> 'incremental');      -- incremental.sql
    END IF;

    -- NOTIFY vqc, and the suite's callback, in the run's transaction
    PERFORM vqc._announce_run_write(s, run, ev);
    RETURN jsonb_build_object('run_id', run.run_id, 'results', ev -> 'results');
END
$$;

CREATE OR REPLACE FUNCTION vqc._record_run_check(suite_id bigint, suite_parameters jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN vqc._record_run_check(suite_id, suite_parameters, false);     -- incremental.sql
END
$$;

CREATE OR REPLACE FUNCTION vqc._gate_run_write(caller regrole, ev jsonb, suite_id bigint, suite_parameters jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    run_id bigint;
BEGIN
    PERFORM vqc._require_select(vqc._suite_target(vqc._suite_by_id(suite_id)), caller);
    -- a failed gate rolls its rows back: its incremental state must not
    -- count them (the next run reads from the state before)
    run_id := vqc._run_autonomous_write(caller, CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(ev -> 'results') x
                                                                  WHERE x ->> 'status' <> 'success')
                                                     THEN ev - 'incremental' ELSE ev END, suite_id);
    RETURN (SELECT jsonb_build_object(
                'run_id', run_id,
                'success', bool_and(x ->> 'status' = 'success') IS NOT FALSE,
                'evaluated', count(*),
                'unsuccessful', count(*) FILTER (WHERE x ->> 'status' <> 'success'),
                'failing', coalesce(string_agg(format('#%s %s', x ->> 'position', x ->> 'type'), ', ' ORDER BY (x ->> 'position')::int)
                                    FILTER (WHERE x ->> 'status' <> 'success'), 'none'))
              FROM jsonb_array_elements(ev -> 'results') x);
END
$$;

RESET check_function_bodies;
-- ------------------------------------------------------------------------
-- Ranking over all queries in one aggregate, without GROUP BY (issue #12,
-- src/ranking_all.sql): vqc.ndcg_at_k_all and vqc.ranking_metrics_all with
-- their internal state's functions; vqc.ranking_report uses them and falls
-- back to the per-query aggregates over GROUP BY past vqc.exact_memory_limit.
-- ------------------------------------------------------------------------
-- not strict: rows with NULLs are left out or counted, k must not be NULL
CREATE FUNCTION vqc.ranking_all_transfn(internal, anyelement, float8, float8, int4)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: the first state (or serialized state) is read into a new one in the aggregate's context
CREATE FUNCTION vqc.ranking_all_combinefn(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_ranking_all_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_ndcg(internal)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_all_ndcg'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_report(internal)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_ranking_all_report'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.ndcg_at_k_all(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_all_transfn,
    STYPE = internal,
    FINALFUNC = vqc.ranking_all_ndcg,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    SERIALFUNC = vqc.ranking_all_serialize,
    DESERIALFUNC = vqc.ranking_all_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ndcg_at_k_all(anyelement, float8, float8, int4) IS
    'NDCG@k (scikit-learn 1.2''s ndcg_score, ties averaged) of each query, averaged over the queries, in one aggregate without GROUP BY.';

CREATE AGGREGATE vqc.ranking_metrics_all(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_all_transfn,
    STYPE = internal,
    FINALFUNC = vqc.ranking_all_report,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    SERIALFUNC = vqc.ranking_all_serialize,
    DESERIALFUNC = vqc.ranking_all_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ranking_metrics_all(anyelement, float8, float8, int4) IS
    'NDCG, MAP, MRR, precision, recall and hit rate at k averaged over the queries, with counts, in one aggregate without GROUP BY (jsonb).';

SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc.ranking_report(target regclass, query_column text, relevance_column text,
                                   score_column text, k integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    result jsonb;
BEGIN
    IF target IS NULL OR query_column IS NULL OR relevance_column IS NULL OR score_column IS NULL OR k IS NULL THEN
        RAISE EXCEPTION 'vqc.ranking_report arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF k <= 0 THEN
        RAISE EXCEPTION 'k must be between 1 and 1000000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    BEGIN
        EXECUTE format($q$
            SELECT vqc.ranking_metrics_all(%4$I, (%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1)
              FROM %1$s$q$,
            target, relevance_column, score_column, query_column)
        INTO result USING k;
    EXCEPTION WHEN program_limit_exceeded OR undefined_function THEN
        EXECUTE format($q$
            SELECT pg_catalog.jsonb_build_object(
                       'k', $1,
                       'queries', pg_catalog.count(*) FILTER (WHERE NOT no_query AND m[7] OPERATOR(pg_catalog.>) 0),
                       'queries_without_relevant',
                       pg_catalog.count(*) FILTER (WHERE NOT no_query AND m[7] OPERATOR(pg_catalog.>) 0
                                                         AND m[9] OPERATOR(pg_catalog.=) 0),
                       'rows', coalesce(pg_catalog.sum(m[7]) FILTER (WHERE NOT no_query), 0)::pg_catalog.int8,
                       -- the rows of no query (a NULL one) are skipped and counted, as by the aggregate
                       'null_rows', (coalesce(pg_catalog.sum(m[8]), 0)
                                     OPERATOR(pg_catalog.+) coalesce(pg_catalog.sum(m[7]) FILTER (WHERE no_query), 0))::pg_catalog.int8,
                       'ndcg', pg_catalog.avg(m[1]) FILTER (WHERE NOT no_query),
                       'map', pg_catalog.avg(m[2]) FILTER (WHERE NOT no_query),
                       'mrr', pg_catalog.avg(m[3]) FILTER (WHERE NOT no_query),
                       'precision', pg_catalog.avg(m[4]) FILTER (WHERE NOT no_query),
                       'recall', pg_catalog.avg(m[5]) FILTER (WHERE NOT no_query),
                       'hit_rate', pg_catalog.avg(m[6]) FILTER (WHERE NOT no_query))
              FROM (SELECT %4$I IS NULL AS no_query,
                           vqc._ranking_metrics((%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1) AS m
                      FROM %1$s
                     GROUP BY %4$I) q$q$,
            target, relevance_column, score_column, query_column)
        INTO result USING k;
    END;
    -- no row at all: the aggregate's NULL
    RETURN coalesce(result, pg_catalog.jsonb_build_object(
        'k', k, 'queries', 0, 'queries_without_relevant', 0, 'rows', 0, 'null_rows', 0,
        'ndcg', NULL, 'map', NULL, 'mrr', NULL, 'precision', NULL, 'recall', NULL, 'hit_rate', NULL));
END
$$;

RESET check_function_bodies;

-- ------------------------------------------------------------------------
-- Regression metrics over numeric columns in exact decimal arithmetic
-- (issue #12, src/regression_numeric.sql): numeric overloads of the six
-- aggregates and their internal state's functions.
-- ------------------------------------------------------------------------
-- not strict: a pair with a NULL is counted.  Each keeps the sums of its
-- aggregates: |e| (MAE, max error), e * e (MSE, RMSE), the ratios (MAPE),
-- e * e, y and y * y (R^2).
CREATE FUNCTION vqc.regression_numeric_abs_transfn(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_abs_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_sq_transfn(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_sq_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_ape_transfn(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_ape_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_r2_transfn(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_r2_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: the first state (or serialized state) is read into a new one in the aggregate's context
CREATE FUNCTION vqc.regression_numeric_combinefn(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_mae(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mae' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_mse(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mse' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_rmse(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_rmse' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_mape(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mape' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_r2(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_r2' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_max_error(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_max_error' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.mean_absolute_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_abs_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_mae,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_squared_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_sq_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_mse,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.root_mean_squared_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_sq_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_rmse,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_absolute_percentage_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_ape_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_mape,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.r2_score(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_r2_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_r2,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.max_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_abs_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_max_error,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.mean_absolute_error(numeric, numeric) IS
    'Mean absolute error over numeric columns, exact: sum |y_true - y_pred| / n in numeric.';
-- 50-runner-scale.sql: the runner on a cluster (issue #15): samples and
-- observed values converted without a subtransaction each
-- (src/input_syntax.c), profiles taken when the shared scan falls back
-- (a profile that cannot be taken is an error result), and each aggregate
-- state computed once per scan (src/sql/scan.sql).

CREATE FUNCTION vqc._numeric_input_valid(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_numeric_input_valid'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc._boolean_input(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_boolean_input'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

SET check_function_bodies = false;

-- The named items' values ({name: text}) from one scan of target.
CREATE FUNCTION vqc._scan_items(target regclass, items jsonb, kwargs_all jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    names text[] := ARRAY(SELECT k FROM jsonb_object_keys(items) k ORDER BY k);
    arr   text[];
BEGIN
    EXECUTE vqc._scan_sql(target, items, names) INTO arr USING kwargs_all;
    RETURN (SELECT coalesce(jsonb_object_agg(nm, arr[o]), '{}')
              FROM unnest(names) WITH ORDINALITY AS x(nm, o));
END
$$;

-- After the shared scan of items failed (one check broke it: a regex
-- limit, say), each planned check alone, so that only the culprit is an
-- error; then what no check's scan took (the profiles, and the row count
-- when no check that counts succeeded) in one more scan, or if that fails
-- each profile alone.  A check that still fails gets its error and loses
-- its plan; a profile that still fails is in profile_errors ({column:
-- message}), never just missing.  scans counts the scans tried, the
-- failed shared one included.
CREATE FUNCTION vqc._scan_each(target regclass, items jsonb, kwargs_all jsonb,
                               INOUT plans jsonb[], INOUT errors text[],
                               OUT vals jsonb, OUT scans integer, OUT profile_errors jsonb)
LANGUAGE plpgsql
AS $$
DECLARE
    i    integer;
    k    text;
    rest jsonb;
    msg  text;
BEGIN
    vals := '{}';
    scans := 1;
    profile_errors := '{}';
    FOR i IN 1 .. coalesce(cardinality(plans), 0) LOOP
        CONTINUE WHEN NOT plans[i] ? 'items';
        BEGIN
            scans := scans + 1;
            vals := vals || vqc._scan_items(target, plans[i] -> 'items', kwargs_all);
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE;
            WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                errors[i] := msg;
                plans[i] := NULL;
        END;
    END LOOP;

    SELECT jsonb_object_agg(key, value) INTO rest
      FROM jsonb_each(items)
     WHERE (key = 'n' OR key LIKE 'p:%') AND NOT vals ? key;
    IF rest IS NULL THEN
        RETURN;
    END IF;
    BEGIN
        scans := scans + 1;
        vals := vals || vqc._scan_items(target, rest, kwargs_all);
    EXCEPTION
        WHEN insufficient_privilege THEN
            RAISE;
        WHEN OTHERS THEN
            FOR k IN SELECT key FROM jsonb_object_keys(rest) key WHERE key LIKE 'p:%' ORDER BY key LOOP
                BEGIN
                    scans := scans + 1;
                    vals := vals || vqc._scan_items(target, jsonb_build_object(k, rest -> k)
                                                            || CASE WHEN vals ? 'n' THEN '{}'
                                                                    ELSE jsonb_build_object('n', items -> 'n') END,
                                                     kwargs_all);
                EXCEPTION
                    WHEN insufficient_privilege THEN
                        RAISE;
                    WHEN OTHERS THEN
                        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                        profile_errors := profile_errors || jsonb_build_object(substr(k, 3), msg);
                END;
            END LOOP;
    END;
END
$$;

-- One item of a scan split around its aggregate calls: each call (with its
-- FILTER) becomes a state of the scan's inner SELECT, found in states or
-- appended to it, and outer_sql is the item over those states
-- (vqc_states.vqc_s<k>).  PostgreSQL merges identical aggregate calls of
-- one query by itself, Citus does not: so a state is computed, and shipped
-- from each shard, once however many accessors read it.  aggs are the names
-- of aggregates, plain those that are also ordinary functions (an accessor
-- such as vqc.roc_auc_score(state) when it wraps an aggregate call).  An
-- item that holds a subquery or a window, or that the tokens do not
-- reassemble, is one state whole, as it was.
CREATE FUNCTION vqc._scan_item_split(expr text, aggs text[], plain text[], INOUT states text[],
                                     OUT outer_sql text)
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    -- E'' and '' strings, quoted names, names (dotted), parentheses, the rest
    toks  text[] := ARRAY(SELECT m[1] FROM regexp_matches(expr,
                          $re$([Ee]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)*|\(|\)|[^'"()A-Za-z_]+)$re$,
                          'g') m);
    n     integer := cardinality(toks);
    i     integer := 1;
    j     integer;
    stop  integer;
    depth integer;
    nm    text;
    call  text;
    k     integer;
BEGIN
    outer_sql := '';
    IF array_to_string(toks, '') IS DISTINCT FROM expr
       OR EXISTS (SELECT 1 FROM unnest(toks) t WHERE lower(t) IN ('select', 'over', 'within')) THEN
        toks := ARRAY[expr];
        n := 0;
    END IF;
    WHILE i <= n LOOP
        nm := lower(regexp_replace(toks[i], '^.*\.', ''));
        stop := NULL;
        IF i < n AND toks[i + 1] = '(' AND toks[i] ~ '^[A-Za-z_]' AND nm = ANY (aggs) THEN
            -- the call's closing parenthesis, and that of a FILTER (...) after it
            j := i + 1;
            LOOP
                depth := 0;
                LOOP
                    depth := depth + CASE toks[j] WHEN '(' THEN 1 WHEN ')' THEN -1 ELSE 0 END;
                    EXIT WHEN depth = 0 OR j = n;
                    j := j + 1;
                END LOOP;
                EXIT WHEN depth <> 0;
                stop := j;
                j := stop + 1 + CASE WHEN toks[stop + 1] ~ '^\s+$' THEN 1 ELSE 0 END;
                EXIT WHEN upper(toks[j]) IS DISTINCT FROM 'FILTER';
                j := j + 1 + CASE WHEN toks[j + 1] ~ '^\s+$' THEN 1 ELSE 0 END;
                EXIT WHEN toks[j] IS DISTINCT FROM '(';
            END LOOP;
            -- an accessor named like an aggregate, around an aggregate call: look inside
            IF stop IS NOT NULL AND nm = ANY (plain)
               AND EXISTS (SELECT 1 FROM generate_series(i + 2, stop - 1) g
                            WHERE toks[g + 1] = '(' AND toks[g] ~ '^[A-Za-z_]'
                              AND lower(regexp_replace(toks[g], '^.*\.', '')) = ANY (aggs)) THEN
                stop := NULL;
            END IF;
        END IF;
        IF stop IS NULL THEN
            outer_sql := outer_sql || toks[i];
            i := i + 1;
            CONTINUE;
        END IF;
        call := array_to_string(toks[i:stop], '');
        k := array_position(states, call);
        IF k IS NULL THEN
            states := states || call;
            k := cardinality(states);
        END IF;
        outer_sql := outer_sql || format('vqc_states.vqc_s%s', k);
        i := stop + 1;
    END LOOP;
    IF n = 0 THEN
        -- whole
        k := array_position(states, expr);
        IF k IS NULL THEN
            states := states || expr;
            k := cardinality(states);
        END IF;
        outer_sql := format('vqc_states.vqc_s%s', k);
    END IF;
END
$$;

-- A failing value (text from the scan) as JSON, typed like the column: a
-- number or boolean where the text converts, else a string.  The text is
-- tested before it is converted (src/input_syntax.c), not caught when the
-- conversion raises: a handler would open a subtransaction per sample.
CREATE OR REPLACE FUNCTION vqc._sample_json(value text, category "char", clipped boolean)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    b boolean;
BEGIN
    IF value IS NULL THEN
        RETURN 'null';
    ELSIF clipped THEN
        RETURN to_jsonb(value);
    ELSIF category = 'N' AND value ~ '^-?[0-9]' AND vqc._numeric_input_valid(value) THEN
        RETURN to_jsonb(value::numeric);
    ELSIF category = 'B' THEN
        b := vqc._boolean_input(value);
        IF b IS NOT NULL THEN
            RETURN to_jsonb(b);
        END IF;
    END IF;
    RETURN to_jsonb(value);
END
$$;

-- The observed value (text from the scan) as JSON.
CREATE OR REPLACE FUNCTION vqc._observed_json(plan jsonb, observed text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    j jsonb;
BEGIN
    IF observed IS NULL THEN
        RETURN 'null';
    END IF;
    IF plan ->> 'compare_type' = 'numeric' THEN
        -- tested, not caught: no subtransaction (see vqc._sample_json)
        IF vqc._numeric_input_valid(observed) THEN
            RETURN to_jsonb(observed::numeric);   -- NaN or infinity: a string
        END IF;
        RETURN to_jsonb(observed);
    END IF;
    EXECUTE format('SELECT pg_catalog.to_jsonb($1::%s)', plan ->> 'compare_type') INTO j USING observed;
    RETURN j;
END
$$;

-- The one SELECT that computes the named items (in the order of names) as
-- text: the aggregate states in an inner SELECT, each once, and the items
-- over them in the outer one (see vqc._scan_item_split).
CREATE OR REPLACE FUNCTION vqc._scan_sql(target regclass, items jsonb, names text[])
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    aggs   text[];
    plain  text[];
    states text[] := '{}';
    outs   text[] := '{}';
    o      text;
    nm     text;
    from_sql text;
BEGIN
    -- the aggregates generated SQL calls: pg_catalog's and vqc's
    SELECT array_agg(DISTINCT lower(p.proname::text)) FILTER (WHERE p.prokind = 'a'),
           array_agg(DISTINCT lower(p.proname::text)) FILTER (WHERE p.prokind = 'f')
      INTO aggs, plain
      FROM pg_proc p
     WHERE p.pronamespace IN ('pg_catalog'::regnamespace, 'vqc'::regnamespace)
       AND p.proname IN (SELECT a.proname FROM pg_proc a WHERE a.prokind = 'a'
                            AND a.pronamespace IN ('pg_catalog'::regnamespace, 'vqc'::regnamespace));
    -- items named join:* are joined to the table (their value stays NULL);
    -- a join hides the table's system columns, which row keys use, so the
    -- table is then read through a subquery that names them (pulled up by
    -- the planner: the same scan)
    FOREACH nm IN ARRAY names LOOP
        IF nm LIKE 'join:%' THEN
            outs := outs || 'NULL::pg_catalog.text'::text;
        ELSE
            SELECT x.states, x.outer_sql INTO states, o FROM vqc._scan_item_split(items ->> nm, aggs, plain, states) x;
            outs := outs || format('(%s)::pg_catalog.text', o);
        END IF;
    END LOOP;
    SELECT CASE WHEN bool_or(nm2 LIKE 'join:%') AND (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'p', 'm')
                THEN format('(SELECT *, ctid, tableoid FROM %s) AS vqc_scan', target)
                ELSE target::text END
           || coalesce(string_agg(' ' || (items ->> nm2), '' ORDER BY o2) FILTER (WHERE nm2 LIKE 'join:%'), '')
      INTO from_sql
      FROM unnest(names) WITH ORDINALITY AS x(nm2, o2);
    IF cardinality(states) = 0 THEN
        RETURN format('SELECT ARRAY[%s]::pg_catalog.text[] FROM %s', array_to_string(outs, ', '), from_sql);
    END IF;
    RETURN format('SELECT ARRAY[%s]::pg_catalog.text[] FROM (SELECT %s FROM %s) AS vqc_states',
                  array_to_string(outs, ', '),
                  (SELECT string_agg(format('%s AS vqc_s%s', st, k), ', ' ORDER BY k)
                     FROM unnest(states) WITH ORDINALITY AS y(st, k)),
                  from_sql);
END
$$;

-- expectations: [{"type", "kwargs", "id"?}]; profile_columns are profiled in the same scan
-- Returns {"rows": element count or null, "scans": n, "results": [
--   {"position", "id", "type", "kwargs", "column", "status", "success", "result",
--    "samples", "error"}]}
-- With raise_errors, a bad expectation raises; otherwise it is reported with
-- status "error" and the others are evaluated.
CREATE OR REPLACE FUNCTION vqc._evaluate_all(target regclass, expectations jsonb, key_columns text[],
                                  sample_cap integer, rf_default jsonb, raise_errors boolean,
                                  profile_columns text[] DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    n          integer := jsonb_array_length(expectations);
    planned    record := vqc._plan_all(target, expectations, key_columns, sample_cap, rf_default,
                                       raise_errors, profile_columns);
    plans      jsonb[] := planned.plans;
    rfs        jsonb[] := planned.rfs;
    errors     text[] := planned.errors;
    kwargs_all jsonb := planned.kwargs_all;
    items      jsonb := planned.items;
    vals       jsonb := '{}';
    profile_errors jsonb := '{}';
    e          jsonb;
    i          integer;
    pc         text;
    msg        text;
    scans      integer := 0;
    out_results jsonb := '[]';
    ev         jsonb;
BEGIN
    -- one scan for all items
    IF items <> '{}' THEN
        BEGIN
            scans := 1;
            vals := vqc._scan_items(target, items, kwargs_all);
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE;
            WHEN OTHERS THEN
                IF raise_errors THEN
                    RAISE;
                END IF;
                -- one expectation broke the shared scan: each alone, then
                -- the profiles (scan.sql)
                SELECT x.plans, x.errors, x.vals, x.scans, x.profile_errors
                  INTO plans, errors, vals, scans, profile_errors
                  FROM vqc._scan_each(target, items, kwargs_all, plans, errors) x;
        END;
    END IF;

    -- evaluate
    FOR i IN 1 .. n LOOP
        e := expectations -> (i - 1);
        ev := NULL;
        IF plans[i] IS NOT NULL THEN
            BEGIN
                IF plans[i] ->> 'kind' = 'history' THEN
                    ev := vqc._evaluate_history(plans[i], vals, rfs[i]);
                ELSE
                    ev := vqc._evaluate(target, plans[i], vals, rfs[i]);
                END IF;
                scans := scans + (ev ->> 'extra_scans')::integer;
                IF e ? 'id' THEN
                    -- for the history expectations after it that read its metrics
                    vals := vals || jsonb_build_object(format('result:%s', e ->> 'id'), ev -> 'result');
                END IF;
            EXCEPTION
                WHEN insufficient_privilege THEN
                    RAISE;
                WHEN OTHERS THEN
                    IF raise_errors THEN
                        RAISE;
                    END IF;
                    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                    errors[i] := msg;
            END;
        END IF;
        out_results := out_results || jsonb_build_object(
            'position', i,
            'id', e -> 'id',
            'type', e ->> 'type',
            'kwargs', e -> 'kwargs',
            'column', e -> 'kwargs' ->> 'column',
            'status', CASE WHEN ev IS NULL THEN 'error'
                           WHEN (ev ->> 'success')::boolean THEN 'success' ELSE 'failure' END,
            'success', ev -> 'success',
            'result', coalesce(ev -> 'result', '{}'),
            'samples', coalesce(ev -> 'samples', '[]'),
            'error', errors[i]);
    END LOOP;

    -- a profile the scans could not take is an error of the run, after the
    -- expectations, never a missing row
    FOR pc IN SELECT x FROM unnest(profile_columns) x WHERE profile_errors ? x LOOP
        out_results := out_results || jsonb_build_object(
            'position', jsonb_array_length(out_results) + 1,
            'id', NULL,
            'type', 'column_profile',
            'kwargs', jsonb_build_object('column', pc),
            'column', pc,
            'status', 'error',
            'success', NULL,
            'result', '{}'::jsonb,
            'samples', '[]'::jsonb,
            'error', format('the profile of column "%s" could not be taken: %s', pc, profile_errors ->> pc));
    END LOOP;

    RETURN jsonb_build_object('rows', vals -> 'n', 'scans', scans, 'results', out_results,
                              'profiles', (SELECT coalesce(jsonb_object_agg(c, vals -> format('p:%s', c)), '{}')
                                             FROM unnest(coalesce(profile_columns, '{}')) c
                                            WHERE vals ? format('p:%s', c)));
END
$$;

-- The argument of vqc.exact_quantile_agg for a numeric-category column:
-- numeric columns go to its numeric form (no slow cast), others to float8.
-- A column already of that type is left bare, so that its collector or
-- sketch is the same call, one state of the scan, as other checks' and
-- the suite's profile of the column (see vqc._scan_item_split).
CREATE OR REPLACE FUNCTION vqc._quantile_arg(qcol text, type_sql text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format(CASE WHEN type_sql::regtype IN ('pg_catalog.numeric'::regtype, 'pg_catalog.float8'::regtype) THEN '%s'
                       WHEN vqc._base_type(type_sql::regtype) = 'numeric'::regtype THEN '%s::pg_catalog.numeric'
                       ELSE '%s::pg_catalog.float8' END, qcol)
$$;

-- Clips a JSON value for storage beside every run: strings to max_bytes
-- (whole characters), arrays to max_items elements, recursively, so that a
-- 100 000-element value_set is not copied into every result row.
CREATE OR REPLACE FUNCTION vqc._clip_json(j jsonb, max_bytes integer, max_items integer)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    s text;
    n integer;
BEGIN
    -- nothing to clip, the usual case: one statement, not one per node
    IF max_bytes IS NOT NULL AND max_items IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM jsonb_path_query(j, 'strict $.**') v
                        WHERE (jsonb_typeof(v) = 'string' AND octet_length(v #>> '{}') > max_bytes)
                           OR (jsonb_typeof(v) = 'array' AND jsonb_array_length(v) > max_items)) THEN
        RETURN j;
    END IF;
    CASE jsonb_typeof(j)
    WHEN 'string' THEN
        s := j #>> '{}';
        IF octet_length(s) <= max_bytes THEN
            RETURN j;
        END IF;
        n := max_bytes;
        WHILE octet_length(left(s, n)) > max_bytes LOOP
            n := n - 1;
        END LOOP;
        RETURN to_jsonb(left(s, n));
    WHEN 'array' THEN
        RETURN (SELECT coalesce(jsonb_agg(vqc._clip_json(e, max_bytes, max_items) ORDER BY i), '[]')
                  FROM jsonb_array_elements(j) WITH ORDINALITY AS x(e, i)
                 WHERE i <= max_items);
    WHEN 'object' THEN
        RETURN (SELECT coalesce(jsonb_object_agg(k, vqc._clip_json(v, max_bytes, max_items)), '{}')
                  FROM jsonb_each(j) AS x(k, v));
    ELSE
        RETURN j;
    END CASE;
END
$$;

-- The plan of a model expectation: its items and what its evaluation
-- needs, or NULL for any other type.
CREATE OR REPLACE FUNCTION vqc._plan_model_metric(target regclass, plan jsonb, pidx integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype  text := plan ->> 'type';
    kwargs jsonb := plan -> 'kwargs';
    metric text;
    yt     record;
    yp     record;
    seg    record;
    lo     jsonb;
    hi     jsonb;
    state  text;
    item   text;
    scored jsonb;
BEGIN
    IF etype NOT IN ('expect_classification_metric_to_be_between', 'expect_score_metric_to_be_between',
                     'expect_metric_gap_between_segments_to_be_less_than', 'expect_regression_metric_to_be_between',
                     'expect_ranking_metric_to_be_between', 'expect_annotator_agreement_to_be_between') THEN
        RETURN NULL;
    END IF;
    metric := vqc._kw_text(etype, kwargs, 'metric');
    IF etype IN ('expect_ranking_metric_to_be_between', 'expect_annotator_agreement_to_be_between') THEN
        RETURN vqc._plan_model_metric_long(target, plan, pidx, metric);
    END IF;
    SELECT * INTO yt FROM vqc._column(target, vqc._kw_text(etype, kwargs, 'y_true'));
    SELECT * INTO yp FROM vqc._column(target, vqc._kw_text(etype, kwargs,
                                                          CASE WHEN etype LIKE '%score_metric%' THEN 'y_score' ELSE 'y_pred' END));
    IF etype <> 'expect_metric_gap_between_segments_to_be_less_than' THEN
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
        PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
    END IF;

    IF etype = 'expect_classification_metric_to_be_between' THEN
        IF metric NOT IN ('accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'fbeta',
                          'matthews_corrcoef', 'cohen_kappa') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        IF metric = 'fbeta' THEN
            PERFORM vqc._kw(etype, kwargs, 'beta', '{number}');
        END IF;
        -- the state itself is the item: the evaluation derives the metric and the per-class details
        RETURN vqc._model_value_plan(etype, kwargs, metric, format('cm%s', pidx),
                                     format('vqc.confusion_agg(%I, %I)', yt.attname, yp.attname), lo, hi)
               || jsonb_build_object('state_item', format('cm%s', pidx),
                                     'pos_label', vqc._kw_label(etype, kwargs, 'pos_label'));
    END IF;

    IF etype = 'expect_regression_metric_to_be_between' THEN
        IF yt.category <> 'N' OR yp.category <> 'N' THEN
            RAISE EXCEPTION '% needs numeric y_true and y_pred', etype USING ERRCODE = 'datatype_mismatch';
        END IF;
        -- the metric over the one regression state, which other metrics of
        -- the same columns share (the metric's own aggregate has the same
        -- transition and this final function: the same answer)
        item := format('vqc.%s(vqc.regression_agg(%I::pg_catalog.float8, %I::pg_catalog.float8))',
                       CASE metric WHEN 'mean_absolute_error' THEN 'mean_absolute_error' WHEN 'mean_squared_error' THEN 'mean_squared_error'
                                   WHEN 'root_mean_squared_error' THEN 'root_mean_squared_error'
                                   WHEN 'mean_absolute_percentage_error' THEN 'mean_absolute_percentage_error'
                                   WHEN 'r2' THEN 'r2_score' WHEN 'max_error' THEN 'max_error' END,
                       yt.attname, yp.attname);
        IF item IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        RETURN vqc._model_value_plan(etype, kwargs, metric, format('rm%s', pidx), item, lo, hi);
    END IF;

    IF etype = 'expect_score_metric_to_be_between' THEN
        IF yp.category <> 'N' THEN
            RAISE EXCEPTION '% needs a numeric y_score; column "%" is of type %', etype, yp.attname, yp.type_sql
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        IF vqc._base_type(yt.type_sql::regtype) NOT IN ('boolean'::regtype, 'smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
            RAISE EXCEPTION '% needs binary labels (boolean or integer 0/1); column "%" is of type %', etype, yt.attname, yt.type_sql
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        state := format('%I::%s, %I::pg_catalog.float8', yt.attname,
                        CASE WHEN vqc._base_type(yt.type_sql::regtype) = 'boolean'::regtype THEN 'pg_catalog.bool' ELSE 'pg_catalog.int8' END,
                        yp.attname);
        item := CASE metric
            WHEN 'roc_auc' THEN format('CASE WHEN vqc.score_overflowed(vqc.score_agg(%1$s)) THEN NULL ELSE vqc.roc_auc_score(vqc.score_agg(%1$s)) END', state)
            WHEN 'average_precision' THEN format('CASE WHEN vqc.score_overflowed(vqc.score_agg(%1$s)) THEN NULL ELSE vqc.average_precision_score(vqc.score_agg(%1$s)) END', state)
            WHEN 'log_loss' THEN format('vqc.log_loss(%s)', state)
            WHEN 'brier_score_loss' THEN format('vqc.brier_score_loss(%s)', state)
            WHEN 'calibration_error' THEN format('vqc.calibration_error(%s, %s::pg_catalog.int4)', state,
                                                 greatest(coalesce(vqc._kw_int(etype, kwargs, 'n_bins'), 10), 1))
        END;
        IF item IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        scored := vqc._model_value_plan(etype, kwargs, metric, format('sm%s', pidx), item, lo, hi)
                  || jsonb_build_object('overflow_item', format('so%s', pidx), 'y_true', yt.attname, 'y_score', yp.attname);
        IF metric IN ('roc_auc', 'average_precision') THEN
            scored := jsonb_set(scored, '{items}', (scored -> 'items')
                                || jsonb_build_object(format('so%s', pidx), format('vqc.score_overflowed(vqc.score_agg(%s))', state)));
        END IF;
        RETURN scored;
    END IF;

    -- the gap between segments: one confusion state of (segment, label)
    -- pairs, split by segment when evaluated
    IF metric NOT IN ('recall', 'precision', 'f1', 'accuracy', 'positive_rate') THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
    END IF;
    IF (vqc._kw(etype, kwargs, 'max_gap', '{number}'))::numeric < 0 THEN
        PERFORM vqc._bad_kwarg(etype, 'max_gap cannot be negative');
    END IF;
    SELECT * INTO seg FROM vqc._column(target, vqc._kw_text(etype, kwargs, 'segment'));
    state := format('vqc.confusion_agg(pg_catalog.jsonb_build_array(%1$I, %2$I)::pg_catalog.text, '
                    'pg_catalog.jsonb_build_array(%1$I, %3$I)::pg_catalog.text)', seg.attname, yt.attname, yp.attname);
    RETURN jsonb_build_object('evaluator', 'model_metric', 'metric', metric,
                              'items', jsonb_build_object(format('sg%s', pidx), state),
                              'state_item', format('sg%s', pidx),
                              'pos_label', coalesce(kwargs -> 'pos_label', '1'),
                              'min_rows', greatest(coalesce(vqc._kw_int(etype, kwargs, 'min_segment_rows'), 1), 1),
                              'max_gap', kwargs -> 'max_gap');
END
$$;

RESET check_function_bodies;

-- ------------------------------------------------------------------------
-- The ranking expectation in the suite's scan (issue #12): an aggregate over
-- all queries (vqc._ranking_metrics_all_soft, which ends in {"overflow":
-- true} past vqc.exact_memory_limit instead of raising); a pass of its own
-- only then, or for a query type without hashing.
-- ------------------------------------------------------------------------
CREATE FUNCTION vqc._ranking_all_soft_transfn(internal, anyelement, float8, float8, int4)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_soft_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc._ranking_metrics_all_soft(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc._ranking_all_soft_transfn,
    STYPE = internal,
    FINALFUNC = vqc.ranking_all_report,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    SERIALFUNC = vqc.ranking_all_serialize,
    DESERIALFUNC = vqc.ranking_all_deserialize,
    PARALLEL = SAFE
);

UPDATE vqc.expectation_catalog
   SET description = 'A ranking metric at k (ndcg, map, mrr, precision, recall, hit_rate), averaged over the queries (the values of column query) of the results ranked by score with relevance relevance, is within [min_value, max_value]. Computed in the suite''s scan; a pass of its own when the queries outgrow vqc.exact_memory_limit or the query column''s type has no hashing.'
 WHERE expectation_type = 'expect_ranking_metric_to_be_between';

SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._evaluate_model_metric(target regclass, plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype    text := plan ->> 'type';
    metric   text := plan ->> 'metric';
    kwargs   jsonb := plan -> 'kwargs';
    st       vqc.confusion_state;
    observed double precision;
    details  jsonb := '{}';
    extra    integer := 0;
    ok       boolean;
    segs     jsonb;
BEGIN
    IF etype = 'expect_classification_metric_to_be_between' THEN
        st := (vals ->> (plan ->> 'state_item'))::vqc.confusion_state;
        observed := CASE metric
            WHEN 'accuracy' THEN vqc.accuracy_score(st)
            WHEN 'balanced_accuracy' THEN vqc.balanced_accuracy_score(st)
            WHEN 'matthews_corrcoef' THEN vqc.matthews_corrcoef(st)
            WHEN 'cohen_kappa' THEN vqc.cohen_kappa_score(st, kwargs ->> 'weights')
            WHEN 'precision' THEN vqc.precision_score(st, coalesce(kwargs ->> 'average', 'binary'), plan ->> 'pos_label', coalesce(kwargs ->> 'zero_division', 'warn'))
            WHEN 'recall' THEN vqc.recall_score(st, coalesce(kwargs ->> 'average', 'binary'), plan ->> 'pos_label', coalesce(kwargs ->> 'zero_division', 'warn'))
            WHEN 'f1' THEN vqc.f1_score(st, coalesce(kwargs ->> 'average', 'binary'), plan ->> 'pos_label', coalesce(kwargs ->> 'zero_division', 'warn'))
            WHEN 'fbeta' THEN vqc.fbeta_score(st, (kwargs ->> 'beta')::float8, coalesce(kwargs ->> 'average', 'binary'), plan ->> 'pos_label', coalesce(kwargs ->> 'zero_division', 'warn'))
        END;
        details := jsonb_build_object('confusion_matrix', vqc.confusion_matrix(st),
                                      'per_class', vqc.precision_recall_fscore_support(st, 1, NULL, NULL, coalesce(kwargs ->> 'zero_division', 'warn')),
                                      'rows', vqc.confusion_count(st), 'skipped_null_rows', vqc.confusion_skipped(st));
        ok := vqc._within_bounds(plan, observed::text);
    ELSIF etype = 'expect_ranking_metric_to_be_between' THEN
        details := (vals ->> (plan ->> 'ranking_item'))::jsonb;
        IF details IS NULL OR details ? 'overflow' THEN
            -- not in the scan, or past the memory limit there: a pass of its
            -- own (vqc.ranking_report, which may group by query), as the caller
            details := vqc.ranking_report(target, plan -> 'ranking_columns' ->> 0, plan -> 'ranking_columns' ->> 1,
                                          plan -> 'ranking_columns' ->> 2, (plan ->> 'k')::int);
            extra := 1;
        END IF;
        observed := (details ->> metric)::float8;
        ok := vqc._within_bounds(plan, observed::text);
    ELSIF plan ? 'value_item' THEN
        observed := (vals ->> (plan ->> 'value_item'))::float8;
        IF coalesce((vals ->> (plan ->> 'overflow_item'))::boolean, false) THEN
            -- more scores than vqc.exact_memory_limit: exact by passes
            observed := CASE metric
                WHEN 'roc_auc' THEN vqc.roc_auc_score_by_passes(target, plan ->> 'y_true', plan ->> 'y_score')
                ELSE vqc.average_precision_score_by_passes(target, plan ->> 'y_true', plan ->> 'y_score') END;
            extra := 1;
            details := jsonb_build_object('by_passes', true);
        END IF;
        ok := vqc._within_bounds(plan, observed::text);
    ELSE
        SELECT jsonb_agg(jsonb_build_object('segment', m.segment, 'value', m.value, 'rows', m.rows) ORDER BY m.value, m.segment::text),
               max(m.value) - min(m.value)
          INTO segs, observed
          FROM vqc._segment_metrics(vqc.confusion_matrix((vals ->> (plan ->> 'state_item'))::vqc.confusion_state),
                                    metric, plan -> 'pos_label', (plan ->> 'min_rows')::bigint) m
         WHERE m.value IS NOT NULL;
        ok := observed IS NOT NULL AND observed <= (plan ->> 'max_gap')::float8;
        details := jsonb_build_object('metric', metric, 'segments', coalesce(segs, '[]'),
                                      'failing_segments', CASE WHEN ok IS FALSE AND jsonb_array_length(segs) > 1
                                                               THEN jsonb_build_array(segs -> 0 -> 'segment', segs -> -1 -> 'segment')
                                                               ELSE '[]' END);
    END IF;
    RETURN jsonb_build_object(
        'success', coalesce(ok, false),
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', to_jsonb(observed), 'details', details) END,
        'samples', '[]'::jsonb, 'extra_scans', extra);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_model_metric_long(target regclass, plan jsonb, pidx integer, metric text)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype  text := plan ->> 'type';
    kwargs jsonb := plan -> 'kwargs';
    lo     jsonb;
    hi     jsonb;
    c      record;
    cols   name[] := '{}';
    types  regtype[] := '{}';
    k      text;
    item   text;
BEGIN
    SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
    PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
    FOREACH k IN ARRAY CASE WHEN etype = 'expect_ranking_metric_to_be_between' THEN ARRAY['query', 'relevance', 'score']
                            WHEN metric IN ('krippendorff_alpha', 'cohen_kappa') THEN ARRAY['item', 'annotator', 'label']
                            ELSE ARRAY['item', 'label'] END LOOP
        SELECT * INTO c FROM vqc._column(target, vqc._kw_text(etype, kwargs, k));
        cols := cols || c.attname;
        types := types || c.type_sql::regtype;
    END LOOP;
    IF etype = 'expect_ranking_metric_to_be_between' THEN
        IF metric NOT IN ('ndcg', 'map', 'mrr', 'precision', 'recall', 'hit_rate') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        IF vqc._kw_int(etype, kwargs, 'k') NOT BETWEEN 1 AND 1000000 THEN
            PERFORM vqc._bad_kwarg(etype, 'k must be between 1 and 1000000');
        END IF;
        -- an aggregate of the scan over all queries (vqc._ranking_metrics_all_soft,
        -- which says when the queries outgrow vqc.exact_memory_limit); a query
        -- type without hashing, or that overflow: a pass of its own at evaluation
        IF vqc._default_opclass(types[1], 'hash') IS NOT NULL THEN
            item := format('vqc._ranking_metrics_all_soft(%I, (%I)::pg_catalog.float8, (%I)::pg_catalog.float8, %s)',
                           cols[1], cols[2], cols[3], (kwargs ->> 'k')::int);
        END IF;
        RETURN vqc._model_value_plan(etype, kwargs, metric, NULL, NULL, lo, hi) - 'value_item'
               || jsonb_build_object('items', CASE WHEN item IS NULL THEN '{}'::jsonb
                                                   ELSE jsonb_build_object(format('rk%s', pidx), item) END,
                                     'ranking_item', CASE WHEN item IS NOT NULL THEN format('rk%s', pidx) END,
                                     'ranking_columns', to_jsonb(cols), 'k', (kwargs ->> 'k')::int,
                                     'explain_note', CASE WHEN item IS NULL
                                         THEN 'the query column''s type has no hashing, so the metric takes a pass grouped by query'
                                         ELSE 'if the queries outgrow vqc.exact_memory_limit, the metric takes a pass of its own' END);
    END IF;
    item := CASE metric
        WHEN 'percent_agreement' THEN format('vqc.percent_agreement(%I, %I)', cols[1], cols[2])
        WHEN 'fleiss_kappa' THEN format('vqc.fleiss_kappa(%I, %I)', cols[1], cols[2])
        WHEN 'krippendorff_alpha' THEN format('vqc.krippendorff_alpha(%I, %I, %I, %L)', cols[1], cols[2], cols[3],
                                              coalesce(vqc._kw_text(etype, kwargs, 'level'), 'nominal'))
        WHEN 'cohen_kappa' THEN format('vqc.cohen_kappa(%I, %I, %I%s)', cols[1], cols[2], cols[3],
                                       coalesce(format(', %L', vqc._kw_text(etype, kwargs, 'weights')), ''))
    END;
    IF item IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
    END IF;
    IF kwargs ? 'level' AND kwargs ->> 'level' NOT IN ('nominal', 'ordinal', 'interval') THEN
        PERFORM vqc._bad_kwarg(etype, 'level is nominal, ordinal or interval');
    END IF;
    RETURN vqc._model_value_plan(etype, kwargs, metric, format('ag%s', pidx), item, lo, hi);
END
$function$
;

RESET check_function_bodies;

-- ------------------------------------------------------------------------
-- The scan's settings (vqc._scan_items): its values come back as text in
-- ISO 8601 whatever the session's DateStyle, so a timestamptz observed value
-- is read back at the same instant (sql/observed_datestyle.sql); and JIT
-- does not inline its large expressions (faster: README, Benchmark).
-- ------------------------------------------------------------------------
ALTER FUNCTION vqc._scan_items(regclass, jsonb, jsonb) SET DateStyle TO 'ISO, MDY';
ALTER FUNCTION vqc._scan_items(regclass, jsonb, jsonb) SET jit_inline_above_cost TO '-1';

-- ------------------------------------------------------------------------
-- Where two changes above replaced the same function, its final body:
-- vqc._evaluate_all plans, scans (vqc._scan_plans: the shared scan, or each
-- check alone and then the profiles, scan.sql) and evaluates
-- (vqc._evaluate_plans, which reports a profile that could not be taken).
-- ------------------------------------------------------------------------
SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._evaluate_all(target regclass, expectations jsonb, key_columns text[],
                                  sample_cap integer, rf_default jsonb, raise_errors boolean,
                                  profile_columns text[] DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    planned record := vqc._plan_all(target, expectations, key_columns, sample_cap, rf_default,
                                    raise_errors, profile_columns);
    scanned record := vqc._scan_plans(target, planned.items, planned.kwargs_all, raise_errors,
                                      planned.plans, planned.errors);
BEGIN
    RETURN vqc._evaluate_plans(target, expectations, scanned.plans, planned.rfs, scanned.errors,
                               scanned.vals, scanned.scans, raise_errors, profile_columns,
                               scanned.profile_errors);
END
$$;

RESET check_function_bodies;

-- ------------------------------------------------------------------------
-- On a Citus distributed table (issue #15): increasing / decreasing are
-- refused (0A000: one order of all the rows), and the ranking metric takes
-- its pass grouped by query (Citus pushes down no aggregate of an internal
-- state, as vqc.ranking_metrics_all's).
-- ------------------------------------------------------------------------
SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._plan_monotone(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer,
                                   mostly numeric)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    typ     regtype := (plan ->> 'type_sql')::regtype;
    v       text := format('%I', colname);
    ord     text[] := vqc._row_order_columns(target, key_columns);
    cmp     text;
    inner_sql text;
    ordlist text;
BEGIN
    IF vqc._citus_distributed(target) THEN
        -- one ordered sequence of rows spread over shards: no partial
        -- aggregate computes it, so it is refused rather than gathered
        RAISE EXCEPTION '% needs one order of all the rows, which a distributed table does not keep', etype
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Each value is compared with the one before it; the rows are spread over shards on several nodes.',
                  HINT = 'Check a copy of the table, or a range of it, that is not distributed.';
    END IF;
    IF ord IS NULL THEN
        RAISE EXCEPTION '% needs an order of the rows', etype
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'The relation has no primary key and no physical order.',
                  HINT = 'Give a row key (the suite''s key columns, or result_format''s unexpected_index_column_names).';
    END IF;
    IF vqc._kw_bool(etype, kwargs, 'parse_strings_as_datetimes', false) THEN
        PERFORM vqc._require_text(etype, colname, (SELECT typcategory FROM pg_type WHERE oid = typ), typ::text);
        v := format('(%s)::pg_catalog.timestamp', v);
        typ := 'timestamp'::regtype;
    ELSE
        PERFORM vqc._require_opclass(etype, typ::text, 'btree');
    END IF;
    cmp := vqc._compare_sql(typ, 'vqc_v', CASE WHEN etype LIKE '%increasing' THEN '>' ELSE '<' END
                                          || CASE WHEN vqc._kw_bool(etype, kwargs, 'strictly', false) THEN '' ELSE '=' END,
                            'vqc_p');
    ordlist := (SELECT string_agg(format('%s AS vqc_o%s', c, i), ', ') FROM unnest(ord) WITH ORDINALITY x(c, i));
    inner_sql := format('SELECT %1$s AS vqc_v, pg_catalog.lag(%1$s) OVER (ORDER BY %2$s) AS vqc_p, %3$s, %4$s AS vqc_k, '
                        '%5$I::pg_catalog.text AS vqc_t FROM %6$s WHERE %5$I IS NOT NULL',
                        v, array_to_string(ord, ', '), ordlist, vqc._row_key_sql(target, key_columns), colname, target);
    RETURN jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%I)', colname),
            format('t%s', pidx),
            format('(SELECT vqc.tally(vqc_t, vqc_k, %s) FROM (%s) AS vqc_m WHERE vqc_p IS NOT NULL AND (%s) IS NOT TRUE)',
                   sample_cap, inner_sql, cmp)),
        'fails_sql', format('(%s) IN (SELECT %s FROM (%s) AS vqc_m WHERE vqc_p IS NOT NULL AND (%s) IS NOT TRUE)',
                            array_to_string(ord, ', '),
                            (SELECT string_agg(format('vqc_o%s', i), ', ') FROM generate_series(1, cardinality(ord)) i),
                            inner_sql, cmp),
        'key_columns', to_jsonb(key_columns),
        'tally', format('t%s', pidx),
        'nonnull', format('nn:%s', colname),
        'mostly', mostly,
        'explain_note', format('compares each value with the one before it in the order of %s: a window over the ordered rows, '
                               'which reads the table a second time in the same statement', array_to_string(ord, ', ')));
END
$$;

CREATE OR REPLACE FUNCTION vqc._plan_model_metric_long(target regclass, plan jsonb, pidx integer, metric text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype  text := plan ->> 'type';
    kwargs jsonb := plan -> 'kwargs';
    lo     jsonb;
    hi     jsonb;
    c      record;
    cols   name[] := '{}';
    types  regtype[] := '{}';
    k      text;
    item   text;
BEGIN
    SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
    PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
    FOREACH k IN ARRAY CASE WHEN etype = 'expect_ranking_metric_to_be_between' THEN ARRAY['query', 'relevance', 'score']
                            WHEN metric IN ('krippendorff_alpha', 'cohen_kappa') THEN ARRAY['item', 'annotator', 'label']
                            ELSE ARRAY['item', 'label'] END LOOP
        SELECT * INTO c FROM vqc._column(target, vqc._kw_text(etype, kwargs, k));
        cols := cols || c.attname;
        types := types || c.type_sql::regtype;
    END LOOP;
    IF etype = 'expect_ranking_metric_to_be_between' THEN
        IF metric NOT IN ('ndcg', 'map', 'mrr', 'precision', 'recall', 'hit_rate') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        IF vqc._kw_int(etype, kwargs, 'k') NOT BETWEEN 1 AND 1000000 THEN
            PERFORM vqc._bad_kwarg(etype, 'k must be between 1 and 1000000');
        END IF;
        -- an aggregate of the scan over all queries (vqc._ranking_metrics_all_soft,
        -- which says when the queries outgrow vqc.exact_memory_limit); a query
        -- type without hashing, or that overflow: a pass of its own at evaluation
        -- (Citus pushes down no aggregate of an internal state: there, the pass)
        IF vqc._default_opclass(types[1], 'hash') IS NOT NULL AND NOT vqc._citus_distributed(target) THEN
            item := format('vqc._ranking_metrics_all_soft(%I, (%I)::pg_catalog.float8, (%I)::pg_catalog.float8, %s)',
                           cols[1], cols[2], cols[3], (kwargs ->> 'k')::int);
        END IF;
        RETURN vqc._model_value_plan(etype, kwargs, metric, NULL, NULL, lo, hi) - 'value_item'
               || jsonb_build_object('items', CASE WHEN item IS NULL THEN '{}'::jsonb
                                                   ELSE jsonb_build_object(format('rk%s', pidx), item) END,
                                     'ranking_item', CASE WHEN item IS NOT NULL THEN format('rk%s', pidx) END,
                                     'ranking_columns', to_jsonb(cols), 'k', (kwargs ->> 'k')::int,
                                     'explain_note', CASE WHEN item IS NULL
                                         THEN 'the metric takes a pass grouped by query (the query column''s type has no hashing, or the table is distributed)'
                                         ELSE 'if the queries outgrow vqc.exact_memory_limit, the metric takes a pass of its own' END);
    END IF;
    item := CASE metric
        WHEN 'percent_agreement' THEN format('vqc.percent_agreement(%I, %I)', cols[1], cols[2])
        WHEN 'fleiss_kappa' THEN format('vqc.fleiss_kappa(%I, %I)', cols[1], cols[2])
        WHEN 'krippendorff_alpha' THEN format('vqc.krippendorff_alpha(%I, %I, %I, %L)', cols[1], cols[2], cols[3],
                                              coalesce(vqc._kw_text(etype, kwargs, 'level'), 'nominal'))
        WHEN 'cohen_kappa' THEN format('vqc.cohen_kappa(%I, %I, %I%s)', cols[1], cols[2], cols[3],
                                       coalesce(format(', %L', vqc._kw_text(etype, kwargs, 'weights')), ''))
    END;
    IF item IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
    END IF;
    IF kwargs ? 'level' AND kwargs ->> 'level' NOT IN ('nominal', 'ordinal', 'interval') THEN
        PERFORM vqc._bad_kwarg(etype, 'level is nominal, ordinal or interval');
    END IF;
    RETURN vqc._model_value_plan(etype, kwargs, metric, format('ag%s', pidx), item, lo, hi);
END
$$;

CREATE OR REPLACE FUNCTION vqc.ranking_report(target regclass, query_column text, relevance_column text,
                                   score_column text, k integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    result  jsonb;
    -- Citus pushes down no aggregate of an internal state: grouped there
    grouped boolean := vqc._citus_distributed(target);
BEGIN
    IF target IS NULL OR query_column IS NULL OR relevance_column IS NULL OR score_column IS NULL OR k IS NULL THEN
        RAISE EXCEPTION 'vqc.ranking_report arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF k <= 0 THEN
        RAISE EXCEPTION 'k must be between 1 and 1000000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT grouped THEN
        BEGIN
            EXECUTE format($q$
                SELECT vqc.ranking_metrics_all(%4$I, (%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1)
                  FROM %1$s$q$,
                target, relevance_column, score_column, query_column)
            INTO result USING k;
        EXCEPTION WHEN program_limit_exceeded OR undefined_function THEN
            grouped := true;
        END;
    END IF;
    IF grouped THEN
        EXECUTE format($q$
            SELECT pg_catalog.jsonb_build_object(
                       'k', $1,
                       'queries', pg_catalog.count(*) FILTER (WHERE NOT no_query AND m[7] OPERATOR(pg_catalog.>) 0),
                       'queries_without_relevant',
                       pg_catalog.count(*) FILTER (WHERE NOT no_query AND m[7] OPERATOR(pg_catalog.>) 0
                                                         AND m[9] OPERATOR(pg_catalog.=) 0),
                       'rows', coalesce(pg_catalog.sum(m[7]) FILTER (WHERE NOT no_query), 0)::pg_catalog.int8,
                       -- the rows of no query (a NULL one) are skipped and counted, as by the aggregate
                       'null_rows', (coalesce(pg_catalog.sum(m[8]), 0)
                                     OPERATOR(pg_catalog.+) coalesce(pg_catalog.sum(m[7]) FILTER (WHERE no_query), 0))::pg_catalog.int8,
                       'ndcg', pg_catalog.avg(m[1]) FILTER (WHERE NOT no_query),
                       'map', pg_catalog.avg(m[2]) FILTER (WHERE NOT no_query),
                       'mrr', pg_catalog.avg(m[3]) FILTER (WHERE NOT no_query),
                       'precision', pg_catalog.avg(m[4]) FILTER (WHERE NOT no_query),
                       'recall', pg_catalog.avg(m[5]) FILTER (WHERE NOT no_query),
                       'hit_rate', pg_catalog.avg(m[6]) FILTER (WHERE NOT no_query))
              FROM (SELECT %4$I IS NULL AS no_query,
                           vqc._ranking_metrics((%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1) AS m
                      FROM %1$s
                     GROUP BY %4$I) q$q$,
            target, relevance_column, score_column, query_column)
        INTO result USING k;
    END IF;
    -- no row at all: the aggregate's NULL
    RETURN coalesce(result, pg_catalog.jsonb_build_object(
        'k', k, 'queries', 0, 'queries_without_relevant', 0, 'rows', 0, 'null_rows', 0,
        'ndcg', NULL, 'map', NULL, 'mrr', NULL, 'precision', NULL, 'recall', NULL, 'hit_rate', NULL));
END
$$;

RESET check_function_bodies;
-- ========================================================================
-- Part 2 (keep last): every SQL and PL/pgSQL function of vqc runs with
-- search_path = pg_catalog, pg_temp, as src/sql/search_path.sql sets it at
-- the end of a fresh install; the same loop, over 0.4.0's functions and any
-- that part 1 created or replaced.
-- ========================================================================
DO $pin$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                     AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
          JOIN pg_catalog.pg_language l ON l.oid = p.prolang
         WHERE l.lanname IN ('sql', 'plpgsql') AND p.prokind = 'f'
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', fn);
    END LOOP;
END
$pin$;

-- The writers of vqc's tables may not be called by PUBLIC, as
-- src/sql/search_path.sql sets at the end of a fresh install.
DO $revoke$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                     AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
         WHERE p.proname OPERATOR(pg_catalog.~~) '\_%\_write%'
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    END LOOP;
END
$revoke$;
