-- privileges.sql: the writers of vqc's tables (vqc._*_write*, relayed by
-- vqc_with_caller in privilege.c) trust their caller argument, so no role
-- may call them: EXECUTE is revoked from PUBLIC.  A role calling one
-- anyway would run it with its own rights, which include no write on these
-- tables; this is the second lock.  Done here, last, so none is forgotten.
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
