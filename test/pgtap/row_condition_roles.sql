-- row_condition across roles: a suite written by one role and run by
-- another never runs SQL of the writer's choosing.  The condition is
-- parsed again at every run, as the role running it, from the stored
-- kwargs; a condition that is SQL fails to parse, even when it reached the
-- catalogue behind vqc's back.
BEGIN;
SELECT plan(9);

CREATE ROLE rc_writer;
CREATE ROLE rc_runner;
GRANT CREATE, USAGE ON SCHEMA public TO rc_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA vqc_report TO rc_runner;

SET ROLE rc_writer;
CREATE TABLE public.rc_people (id int PRIMARY KEY, age int, country text);
INSERT INTO public.rc_people SELECT g, g % 60, CASE WHEN g % 3 = 0 THEN 'CN' ELSE 'US' END
  FROM generate_series(1, 90) g;
CREATE TABLE public.rc_canary (n int);
INSERT INTO public.rc_canary VALUES (1);
GRANT SELECT ON public.rc_people TO rc_runner;
GRANT SELECT, DELETE ON public.rc_canary TO rc_runner;
SELECT lives_ok($$SELECT vqc.create_suite('rc_suite', 'public.rc_people')$$, 'the writer creates a suite');
SELECT lives_ok($$SELECT vqc.add_expectation('rc_suite', 'expect_column_values_to_be_between',
                  '{"column": "age", "max_value": 40, "row_condition": "col(\"age\") > 18 & col(\"country\") == \"CN\""}')$$,
                'with a row condition');
SELECT throws_ok($$SELECT vqc.add_expectation('rc_suite', 'expect_column_values_to_be_between',
                   '{"column": "age", "max_value": 40, "row_condition": "col(\"age\") > 18) OR (SELECT count(*) FROM public.rc_canary) > 0 OR (true"}')$$,
                 '42601', 'row_condition cannot be parsed', 'a condition that is SQL is refused when added');
SELECT throws_ok($$SELECT vqc.add_expectation('rc_suite', 'expect_column_values_to_be_between',
                   '{"column": "age", "max_value": 40, "row_condition": "col(\"age; DELETE FROM public.rc_canary; --\") > 1"}')$$,
                 '42703', NULL, 'a column name carrying SQL is an unknown column');
RESET ROLE;

-- a condition written into the catalogue directly (as only a superuser can)
INSERT INTO vqc.suite_expectation (suite_id, expectation_type, kwargs)
SELECT suite_id, 'expect_column_values_to_not_be_null',
       '{"column": "age", "row_condition": "true) OR (DELETE FROM public.rc_canary) IS NULL OR (true"}'
  FROM vqc.suite WHERE name = 'rc_suite';

SET ROLE rc_runner;
SELECT is((SELECT array_agg(status || ':' || coalesce(unexpected_count::text, '-') ORDER BY position)
             FROM vqc.run('rc_suite')),
          ARRAY['failure:' || (SELECT count(*) FROM public.rc_people WHERE age > 18 AND country = 'CN' AND age > 40)::text,
                'error:-'],
          'another role runs it: the condition holds, the forged one is an error');
SELECT is((SELECT error_message FROM vqc_report.result r JOIN vqc_report.run USING (run_id)
            WHERE suite_name = 'rc_suite' AND position = 2), 'row_condition cannot be parsed',
          'which says why');
SELECT is((SELECT count(*)::int FROM public.rc_canary), 1, 'and nothing of it ran');
SELECT is((SELECT element_count FROM vqc_report.result r JOIN vqc_report.run USING (run_id)
            WHERE suite_name = 'rc_suite' AND position = 1),
          (SELECT count(*) FROM public.rc_people WHERE age > 18 AND country = 'CN'),
          'the element count is the rows of the condition');
SELECT is((SELECT scans FROM vqc_report.run WHERE suite_name = 'rc_suite'), 1, 'in one scan');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
