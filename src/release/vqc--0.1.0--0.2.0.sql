-- vqc upgrade script 0.1.0 -> 0.2.0 (ALTER EXTENSION vqc UPDATE).
--
-- After this script a database upgraded from 0.1.0 has the same catalog as a
-- fresh CREATE EXTENSION vqc of 0.2.0 (test/upgrade/run.sh compares the two
-- schema-only dumps).  Every change to src/*.sql or src/sql/*.sql since 0.1.0
-- is here as the statements that turn 0.1.0's objects into the new ones.
-- Once 0.2.0 is released this file is frozen: later changes go into
-- vqc--0.2.0--<next>.sql.
--
-- Layout: one section per change, in the order they were made, each headed by
-- a comment naming the change; new sections go at the end of part 1.  Part 2,
-- pinning search_path, stays last: CREATE OR REPLACE FUNCTION without a SET
-- clause clears a function's search_path, and new functions need it too.
\echo Use "ALTER EXTENSION vqc UPDATE TO '0.2.0'" to load this file. \quit

-- ========================================================================
-- Part 1: the changes since 0.1.0, oldest first.
-- ========================================================================

-- (No object changes yet besides part 2.)

-- ========================================================================
-- Part 2 (keep last): every SQL and PL/pgSQL function of vqc runs with
-- search_path = pg_catalog, pg_temp, as src/sql/search_path.sql sets it at
-- the end of a fresh install; the same loop, over 0.1.0's functions and any
-- that part 1 created or replaced.
-- ========================================================================
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
