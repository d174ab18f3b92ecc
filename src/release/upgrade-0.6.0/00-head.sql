-- vqc upgrade script 0.5.0 -> 0.6.0 (ALTER EXTENSION vqc UPDATE).
--
-- After this script a database upgraded from 0.5.0 (or, through the earlier
-- scripts, from 0.1.0 … 0.4.0) has the same catalog as a fresh
-- CREATE EXTENSION vqc of 0.6.0 (test/upgrade/run.sh compares the
-- schema-only dumps).  Every change to src/*.sql or src/sql/*.sql since
-- 0.5.0 is here.  Layout as in the earlier scripts: part 1, one section per
-- change; part 2, pinning search_path and revoking the writers from PUBLIC,
-- stays last.
\echo Use "ALTER EXTENSION vqc UPDATE TO '0.6.0'" to load this file. \quit

-- ========================================================================
-- Part 1: the changes since 0.5.0.
-- ========================================================================
