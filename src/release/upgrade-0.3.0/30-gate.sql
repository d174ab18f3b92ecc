-- ------------------------------------------------------------------------
-- Alerts and the quality gate (issue #13; src/sql/gate.sql,
-- src/autonomous.c): a suite may name a callback.  The functions are in
-- 90-functions.sql.
-- ------------------------------------------------------------------------
ALTER TABLE vqc.suite ADD COLUMN callback regprocedure;

