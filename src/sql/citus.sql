
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
