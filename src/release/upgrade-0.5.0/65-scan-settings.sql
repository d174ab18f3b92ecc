
-- ------------------------------------------------------------------------
-- The scan's settings (vqc._scan_items): its values come back as text in
-- ISO 8601 whatever the session's DateStyle, so a timestamptz observed value
-- is read back at the same instant (sql/observed_datestyle.sql); and JIT
-- does not inline its large expressions (faster: README, Benchmark).
-- ------------------------------------------------------------------------
ALTER FUNCTION vqc._scan_items(regclass, jsonb, jsonb) SET DateStyle TO 'ISO, MDY';
ALTER FUNCTION vqc._scan_items(regclass, jsonb, jsonb) SET jit_inline_above_cost TO '-1';
