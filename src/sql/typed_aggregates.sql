
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
