-- function_diff.sql: drafts the functions part of an upgrade script.
--
-- Run in a database holding a fresh install of the NEW version, with the
-- OLD version's catalog of functions loaded into old_fn (test/upgrade/
-- draft_functions.sh does both).  Prints, for every function of the
-- extension, what turns the old one into the new one: CREATE OR REPLACE
-- (pg_get_functiondef) for a new or changed function, DROP first where the
-- result type changed (CREATE OR REPLACE cannot change it), DROP for a
-- function that is gone, and COMMENT ON FUNCTION where the comment changed.
-- Signatures listed in skip (written by hand elsewhere in the script) are
-- left out.  A function that differs only in its pinned search_path is not
-- printed: the upgrade script pins every function at its end.  The output
-- is a draft: it is read, then frozen into the script.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on

-- a definition without its pinned search_path
CREATE FUNCTION pg_temp.unpinned(def text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT regexp_replace(def, E'\n SET search_path TO [^\n]*', '') $$;

CREATE TEMP VIEW new_fn AS
SELECT p.oid::regprocedure::text AS signature, pg_get_function_result(p.oid) AS result,
       pg_get_functiondef(p.oid) AS def, obj_description(p.oid, 'pg_proc') AS comment,
       p.prokind
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
 WHERE p.prokind = 'f';

SELECT string_agg(stmt, E'\n' ORDER BY ord, signature)
  FROM (
    SELECT 1 AS ord, o.signature, format('DROP FUNCTION %s;', o.signature) AS stmt
      FROM old_fn o
     WHERE NOT EXISTS (SELECT 1 FROM new_fn n WHERE n.signature = o.signature)
       AND o.signature <> ALL (:'skip'::text[])
    UNION ALL
    SELECT 2, n.signature, format('DROP FUNCTION %s;', n.signature)
      FROM new_fn n JOIN old_fn o USING (signature)
     WHERE o.result <> n.result AND n.signature <> ALL (:'skip'::text[])
    UNION ALL
    SELECT 3, n.signature,
           n.def || E';\n' ||
           CASE WHEN n.comment IS DISTINCT FROM o.comment AND n.comment IS NOT NULL
                THEN format(E'COMMENT ON FUNCTION %s IS %L;\n', n.signature, n.comment) ELSE '' END
      FROM new_fn n LEFT JOIN old_fn o USING (signature)
     WHERE (o.signature IS NULL OR pg_temp.unpinned(o.def) <> pg_temp.unpinned(n.def) OR o.comment IS DISTINCT FROM n.comment
            OR o.result <> n.result)
       AND n.signature <> ALL (:'skip'::text[])
  ) x;
