-- vqc upgrade script 0.2.0 -> 0.3.0 (ALTER EXTENSION vqc UPDATE).
--
-- After this script a database upgraded from 0.2.0 (or, through
-- vqc--0.1.0--0.2.0.sql first, from 0.1.0) has the same catalog as a fresh
-- CREATE EXTENSION vqc of 0.3.0 (test/upgrade/run.sh compares the schema-only
-- dumps).  Every change to src/*.sql or src/sql/*.sql since 0.2.0 is here as
-- the statements that turn 0.2.0's objects into the new ones.  Once 0.3.0 is
-- released this file is frozen: later changes go into vqc--0.3.0--<next>.sql.
--
-- Layout as in vqc--0.1.0--0.2.0.sql: part 1 holds one section per change,
-- oldest first, each headed by a comment naming it; part 2, pinning
-- search_path and revoking the writers from PUBLIC, stays last, because
-- CREATE OR REPLACE FUNCTION without a SET clause clears a function's
-- search_path, and new functions need it too.
\echo Use "ALTER EXTENSION vqc UPDATE TO '0.3.0'" to load this file. \quit

-- ========================================================================
-- Part 1: the changes since 0.2.0, oldest first.
-- ========================================================================

-- (While 0.3.0 is being made, this script is joined from the files of
-- src/release/upgrade-0.3.0 in name order: 00-head.sql, one file per change,
-- 99-tail.sql.  At the release they are frozen into one file.)

