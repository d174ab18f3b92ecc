-- Tables are read as the caller; failing samples are visible only to roles
-- that may read the checked table.
BEGIN;
SELECT plan(9);

CREATE ROLE tap_analyst;
CREATE ROLE tap_bi_reader;
CREATE TABLE public.tap_secret (id int PRIMARY KEY, ssn text);
INSERT INTO public.tap_secret VALUES (1, '123-45-6789'), (2, 'not-a-ssn');
GRANT SELECT ON public.tap_secret TO tap_analyst;
GRANT CREATE, USAGE ON SCHEMA public TO tap_analyst;

SET ROLE tap_analyst;
SELECT vqc.create_suite('tap_secret_suite', 'public.tap_secret');
SELECT vqc.add_expectation('tap_secret_suite', 'expect_column_values_to_match_regex',
                           '{"column": "ssn", "regex": "^\\d{3}-\\d{2}-\\d{4}$"}');
SELECT lives_ok($$SELECT * FROM vqc.run('tap_secret_suite')$$, 'the analyst may run a suite on a table it reads');
SELECT is((SELECT count(*)::int FROM vqc_report.unexpected WHERE target_table = 'tap_secret'), 1,
          'the analyst sees the failing sample');
RESET ROLE;

SET ROLE tap_bi_reader;
SELECT is((SELECT count(*)::int FROM vqc_report.result r JOIN vqc_report.run USING (run_id)
            WHERE suite_name = 'tap_secret_suite'), 1, 'a BI reader sees the results');
SELECT is((SELECT count(*)::int FROM vqc_report.unexpected WHERE target_table = 'tap_secret'), 0,
          'but not the samples of a table it may not read');
SELECT throws_ok($$SELECT * FROM vqc.run('tap_secret_suite')$$, '42501', NULL,
                 'and it cannot run the suite: the table is read with its own privileges');
SELECT throws_ok($$SELECT vqc.expect('public.tap_secret', 'expect_column_values_to_not_be_null', '{"column": "ssn"}')$$,
                 '42501', NULL, 'nor check the table ad hoc');
SELECT throws_ok($$SELECT vqc.drop_suite('tap_secret_suite')$$, '42501', NULL,
                 'nor drop another role''s suite');
RESET ROLE;

GRANT SELECT ON public.tap_secret TO tap_bi_reader;
SET ROLE tap_bi_reader;
SELECT is((SELECT count(*)::int FROM vqc_report.unexpected WHERE target_table = 'tap_secret'), 1,
          'once it may read the table, it sees the samples');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM vqc.suite WHERE name = 'tap_secret_suite'), 1, 'the suite is still there');

SELECT * FROM finish();
ROLLBACK;
