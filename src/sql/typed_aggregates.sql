
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
