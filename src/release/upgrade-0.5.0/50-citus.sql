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
