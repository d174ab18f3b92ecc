
-- ------------------------------------------------------------------------
-- The scan's values come back as text in ISO 8601 whatever the session's
-- DateStyle, so a timestamptz observed value is read back at the same
-- instant (sql/observed_datestyle.sql).
-- ------------------------------------------------------------------------
ALTER FUNCTION vqc._scan_items(regclass, jsonb, jsonb) SET DateStyle TO 'ISO, MDY';
