-- The quality gate (vqc.assert_suite) and the alerts of a run: the gate's
-- run is recorded in a transaction of its own and survives the rollback of
-- the caller's; NOTIFY payloads stay under the limit and hold no row value;
-- callbacks run with their owner's rights and are checked.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(20);

CREATE TABLE gate_loads (id int PRIMARY KEY, amount numeric);
INSERT INTO gate_loads SELECT g, g FROM generate_series(1, 100) g;
SELECT vqc.create_suite('gate_suite', 'gate_loads');
SELECT vqc.add_expectation('gate_suite', 'expect_column_values_to_be_between', '{"column": "amount", "min_value": 0}');
SELECT vqc.add_expectation('gate_suite', 'expect_column_values_to_not_be_null', '{"column": "amount"}');
CREATE TABLE gate_alerts (run_id bigint, success boolean);
CREATE FUNCTION gate_alert(run_id bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
AS $$ INSERT INTO gate_alerts SELECT r.run_id, r.success FROM vqc_report.run r WHERE r.run_id = gate_alert.run_id $$;
CREATE FUNCTION gate_invoker(run_id bigint) RETURNS void LANGUAGE sql AS $$ SELECT $$;
CREATE FUNCTION gate_two(run_id bigint, x int) RETURNS void LANGUAGE sql SECURITY DEFINER AS $$ SELECT $$;

-- callbacks: checked when set
SELECT throws_ok($$SELECT vqc.set_suite_callback('gate_suite', 'gate_invoker(bigint)')$$, '42501', NULL,
                 'a callback that is not SECURITY DEFINER is refused');
SELECT throws_ok($$SELECT vqc.set_suite_callback('gate_suite', 'gate_two(bigint, integer)')$$, '42P13', NULL,
                 'so is one of another signature');
SELECT lives_ok($$SELECT vqc.set_suite_callback('gate_suite', 'gate_alert(bigint)')$$, 'a SECURITY DEFINER callback of the owner is set');
SELECT is((SELECT callback::text FROM vqc.suite WHERE name = 'gate_suite'), 'gate_alert(bigint)', 'and stored');

-- a passing gate returns its run id, and its callback ran
SELECT ok(vqc.assert_suite('gate_suite') > 0, 'a passing gate returns its run id');
SELECT is((SELECT count(*)::int FROM gate_alerts WHERE success), 1, 'its callback ran with the run id');

-- a failing gate inside a loading transaction
CREATE FUNCTION gate_load() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        INSERT INTO gate_loads VALUES (101, -5), (102, NULL);
        PERFORM vqc.assert_suite('gate_suite');
        RETURN 'passed';
    EXCEPTION WHEN SQLSTATE 'VQ001' THEN
        RETURN 'rolled back: ' || SQLERRM;
    END;
END $$;
SELECT is(gate_load(), 'rolled back: suite "gate_suite" failed: 2 of 2 expectations did not pass',
          'a failing gate raises VQ001 and its transaction rolls back');
SELECT is((SELECT count(*)::int FROM gate_loads WHERE id > 100), 0, 'the bad rows are gone');
SELECT is((SELECT success FROM vqc_report.run WHERE suite_name = 'gate_suite' ORDER BY run_id DESC LIMIT 1), false,
          'but the failed run is recorded');
SELECT is((SELECT sum(unexpected_count)::int FROM vqc_report.result
            WHERE run_id = (SELECT max(run_id) FROM vqc_report.run WHERE suite_name = 'gate_suite')), 2,
          'with its results');
SELECT is((SELECT count(*)::int FROM vqc_report.unexpected
            WHERE run_id = (SELECT max(run_id) FROM vqc_report.run WHERE suite_name = 'gate_suite')), 2,
          'and its failing samples (row values, behind row-level security as always)');
SELECT is((SELECT count(*)::int FROM gate_alerts WHERE NOT success), 1, 'and its callback''s row, written in the run''s own transaction');
SELECT throws_ok($$SELECT vqc.assert_suite('no such suite')$$, '42704', NULL,
                 'an unknown suite: 42704');

-- a callback changed after it was set is checked again at run time:
-- the run fails with the error, nothing half-written
ALTER FUNCTION gate_alert(bigint) SECURITY INVOKER;
SELECT throws_ok($$SELECT * FROM vqc.run('gate_suite')$$, '42501', NULL, 'a callback no longer SECURITY DEFINER stops the run');
SELECT is((SELECT count(*)::int FROM vqc_report.run WHERE suite_name = 'gate_suite'), 2, 'which recorded nothing');
ALTER FUNCTION gate_alert(bigint) SECURITY DEFINER;
SELECT lives_ok($$SELECT vqc.set_suite_callback('gate_suite', NULL)$$, 'a callback is removed with NULL');

-- NOTIFY payloads: counts and names, never a row value, under 8000 bytes
SELECT ok(vqc._run_notice(r, jsonb_build_object('results', (SELECT jsonb_agg(jsonb_build_object('position', g, 'type', 'expect_column_values_to_be_between',
                                                                                              'column', repeat('c', 60), 'status', 'failure')) FROM generate_series(1, 2000) g)))::jsonb ->> 'more' > '0'
          AND octet_length(vqc._run_notice(r, jsonb_build_object('results', (SELECT jsonb_agg(jsonb_build_object('position', g, 'type', 'expect_column_values_to_be_between',
                                                                                              'column', repeat('c', 60), 'status', 'failure')) FROM generate_series(1, 2000) g)))) < 8000,
          'a payload of 2000 failing expectations is clipped under 8000 bytes, counting the rest in "more"')
  FROM vqc_report.run r WHERE suite_name = 'gate_suite' ORDER BY run_id DESC LIMIT 1;
SELECT is((SELECT vqc._run_notice(r, '{"results": [{"position": 1, "type": "t", "column": "amount", "status": "failure", "result": {"partial_unexpected_list": [-5]}}]}')::jsonb
                  -> 'failing' -> 0
            FROM vqc_report.run r WHERE suite_name = 'gate_suite' ORDER BY run_id DESC LIMIT 1),
          '{"type": "t", "column": "amount", "status": "failure", "position": 1}'::jsonb,
          'a failing expectation is its position, type, column and status: no value');

-- a role that may not read the table cannot gate on it
DO $$ BEGIN CREATE ROLE gate_outsider; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT USAGE ON SCHEMA vqc TO gate_outsider;
SET ROLE gate_outsider;
SELECT throws_ok($$SELECT vqc.assert_suite('gate_suite')$$, '42704', NULL, 'an outsider does not see the suite to gate on');
SELECT throws_ok($$SELECT vqc._run_autonomous_write('gate_outsider', '{}', 1)$$, '42501', NULL, 'nor calls the autonomous writer directly');
RESET ROLE;

SELECT * FROM finish();
DELETE FROM vqc_report.run WHERE suite_name = 'gate_suite';
SELECT vqc.drop_suite('gate_suite');
DROP TABLE gate_loads, gate_alerts;
DROP FUNCTION gate_alert(bigint), gate_invoker(bigint), gate_two(bigint, integer), gate_load();
DROP OWNED BY gate_outsider;
DROP ROLE gate_outsider;
