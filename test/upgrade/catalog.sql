-- catalog.sql: prints what a schema-only pg_dump leaves out of an extension
-- (its version, its config tables and their filters, its members, and the rows
-- the install script put in its other tables), then detaches every member, so
-- that pg_dump dumps each object by itself instead of one CREATE EXTENSION.
-- run.sh appends that dump; two databases with the same output have the same
-- vqc catalog.  Run on a throwaway database: it leaves vqc without members.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
SET client_min_messages = warning;

SELECT 'extension', extname, extversion, extrelocatable, extnamespace::regnamespace
  FROM pg_extension WHERE extname = 'vqc';

SELECT 'config table', c::regclass, f
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(c, f)
 WHERE e.extname = 'vqc'
 ORDER BY c::regclass::text;  -- the array's order means nothing: tables added by an upgrade come last

CREATE TEMP VIEW vqc_member AS
SELECT d.classid, d.objid, d.objsubid
  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'vqc';

SELECT 'member', pg_describe_object(classid, objid, objsubid) FROM vqc_member ORDER BY 2;

-- rows of member tables that pg_dump does not keep (the install script's own)
SELECT format('SELECT %L, t::text FROM %s t ORDER BY 2', c.oid::regclass, c.oid::regclass)
  FROM vqc_member m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
 WHERE c.relkind IN ('r', 'p')
   AND c.oid <> ALL (coalesce((SELECT extconfig FROM pg_extension WHERE extname = 'vqc'), '{}'))
 ORDER BY 1
\gexec

-- detach every member
SELECT format('ALTER EXTENSION vqc DROP %s %s', o.type, o.identity)
  FROM vqc_member m, pg_identify_object(m.classid, m.objid, m.objsubid) o
 ORDER BY 1
\gexec
SELECT 'members left', count(*) FROM vqc_member;
