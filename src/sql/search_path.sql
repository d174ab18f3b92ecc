-- search_path.sql: settings every function of vqc gets, done here, last, in
-- one pass over the extension's functions, so that none is forgotten.
--
-- Every SQL and PL/pgSQL function runs with a pinned search_path
-- (PostgreSQL's guidance for extensions since CVE-2018-1058), so that
-- nothing a caller or another role put in public or pg_temp is resolved
-- inside vqc: not in the functions' own code, nor in the SQL they generate
-- and execute.  pg_catalog comes first and pg_temp is named last, so neither
-- functions, operators nor types can be shadowed.  C functions resolve no
-- names and are left alone (a SET clause would also cost every aggregate
-- transition a GUC save and restore).
--
-- The writers of vqc's tables (vqc._*_write*, relayed by vqc_with_caller in
-- privilege.c) trust their caller argument, so no role may call them:
-- EXECUTE is revoked from PUBLIC.  A role calling one anyway would run it
-- with its own rights, which include no write on these tables; this is the
-- second lock.
DO $pin$
DECLARE
    fn regprocedure;
    lang name;
    writer boolean;
BEGIN
    FOR fn, lang, writer IN
        SELECT p.oid, l.lanname, p.proname OPERATOR(pg_catalog.~~) '\_%\_write%'
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                     AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
          JOIN pg_catalog.pg_language l ON l.oid = p.prolang
         WHERE p.prokind = 'f'
    LOOP
        IF lang IN ('sql', 'plpgsql') THEN
            EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', fn);
        END IF;
        IF writer THEN
            EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
        END IF;
    END LOOP;
END
$pin$;
