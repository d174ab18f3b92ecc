-- ---------------------------------------------------------------------
-- scope_counts.sql: the rows and non-null rows under a row_condition in
-- one aggregate (src/scope_counts.c)
-- ---------------------------------------------------------------------
CREATE FUNCTION vqc._scope_counts_transfn(bigint[], boolean)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'vqc_scope_counts_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc._scope_counts_combinefn(bigint[], bigint[])
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'vqc_scope_counts_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- SELECT vqc._scope_counts(col IS NOT NULL) FILTER (WHERE cond): {count(*), count(col)} of the rows cond holds for
CREATE AGGREGATE vqc._scope_counts(nonnull boolean) (
    SFUNC = vqc._scope_counts_transfn,
    STYPE = bigint[],
    COMBINEFUNC = vqc._scope_counts_combinefn,
    INITCOND = '{0,0}',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc._scope_counts(boolean) IS
    'The rows and the rows whose argument is true, as {rows, true rows}: count(*) and count(column) under one row_condition, the condition evaluated once.';
