-- Settings that change answers (vqc.sample_value_max_bytes clips samples in
-- the workers' transition functions): which ways of setting them reach the
-- workers.  A plain SET does not (the README says so).
SET client_min_messages = error;
CREATE TABLE setting_case (way text, dist int, plain int);
CREATE VIEW setting_probe AS
SELECT (SELECT max(length(value)) FROM vqc.tally_samples((SELECT vqc.tally(repeat(email, 20), record_id::text, 5) FROM people))) AS dist,
       (SELECT max(length(value)) FROM vqc.tally_samples((SELECT vqc.tally(repeat(email, 20), record_id::text, 5) FROM people_plain))) AS plain;

BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL vqc.sample_value_max_bytes = 20;
INSERT INTO setting_case SELECT 'SET LOCAL with citus.propagate_set_commands = local', dist, plain FROM setting_probe;
COMMIT;

ALTER DATABASE postgres SET vqc.sample_value_max_bytes = 30;
\c
INSERT INTO setting_case SELECT 'ALTER DATABASE ... SET (Citus propagates it)', dist, plain FROM setting_probe;
ALTER DATABASE postgres RESET vqc.sample_value_max_bytes;
\c

SET vqc.sample_value_max_bytes = 40;
INSERT INTO setting_case SELECT 'plain SET (not seen by the workers)', dist, plain FROM setting_probe;
RESET vqc.sample_value_max_bytes;

INSERT INTO citus_result
SELECT 'settings: ' || way, true, dist = plain,
       format('samples clipped to %s characters on the workers, %s on one node', dist, plain)
FROM setting_case WHERE way NOT LIKE 'plain SET%';
-- the plain SET's outcome, for the README (the workers keep 200)
INSERT INTO citus_timing (suite, target, ms)
SELECT 'setting: ' || way, format('workers %s, one node %s', dist, plain), NULL FROM setting_case WHERE way LIKE 'plain SET%';
