-- search_path.sql: every SQL and PL/pgSQL function of vqc runs with a pinned
-- search_path (PostgreSQL's guidance for extensions since CVE-2018-1058), so
-- that nothing a caller or another role put in public or pg_temp is resolved
-- inside vqc: not in the functions' own code, nor in the SQL they generate
-- and execute.  pg_catalog comes first and pg_temp is named last, so neither
-- functions, operators nor types can be shadowed.  Done here, last, so that no
-- function can be forgotten; C functions resolve no names and are left alone
-- (a SET clause would also cost every aggregate transition a GUC save and
-- restore).
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
