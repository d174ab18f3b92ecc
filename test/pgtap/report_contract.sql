-- The report schema's contract: tables, columns, keys, views, dump registration.
BEGIN;
SELECT plan(24);

SELECT has_schema('vqc_report');
SELECT tables_are('vqc_report', ARRAY['run', 'result', 'result_detail', 'unexpected', 'metric', 'profile',
                                       'drift_run', 'drift_result', 'drift_detail', 'incremental_run']);
SELECT views_are('vqc_report', ARRAY['results', 'latest_results', 'run_summary', 'latest_profiles', 'pages',
                                    'model_metrics', 'metric_history', 'anomalies', 'freshness']);
SELECT columns_are('vqc_report', 'run', ARRAY['run_id', 'suite_name', 'target_schema', 'target_table',
    'started_at', 'finished_at', 'rows_scanned', 'scans', 'success', 'evaluated_expectations',
    'successful_expectations', 'unsuccessful_expectations', 'error_expectations', 'success_percent', 'run_by',
    'target', 'suite_id', 'row_security']);
SELECT columns_are('vqc_report', 'result', ARRAY['run_id', 'position', 'expectation_id', 'expectation_type',
    'column_name', 'kwargs', 'status', 'success', 'element_count', 'missing_count',
    'missing_percent', 'unexpected_count', 'unexpected_percent', 'error_message']);
SELECT columns_are('vqc_report', 'unexpected', ARRAY['run_id', 'position', 'ordinality', 'target_schema',
    'target_table', 'column_name', 'value', 'value_clipped', 'row_key', 'target']);
SELECT columns_are('vqc_report', 'metric', ARRAY['run_id', 'position', 'suite_name', 'target_schema',
    'target_table', 'column_name', 'metric_name', 'value', 'recorded_at', 'target', 'is_value']);
SELECT col_is_pk('vqc_report', 'run', 'run_id', 'run has a primary key');
SELECT col_is_pk('vqc_report', 'result', ARRAY['run_id', 'position'], 'result is keyed by run and position');
SELECT col_is_fk('vqc_report', 'result', 'run_id', 'results belong to a run');
SELECT col_type_is('vqc_report', 'result_detail', 'result', 'jsonb', 'the full GE result is jsonb');
SELECT col_type_is('vqc_report', 'unexpected', 'row_key', 'jsonb', 'row keys are jsonb');
SELECT col_not_null('vqc_report', 'result', 'status', 'every result has a status');
SELECT columns_are('vqc_report', 'latest_results', ARRAY['suite_name', 'target_schema', 'target_table', 'run_id',
    'started_at', 'position', 'expectation_id', 'expectation_type', 'column_name', 'status', 'success',
    'observed_value', 'element_count', 'missing_count', 'unexpected_count', 'unexpected_percent',
    'error_message', 'kwargs']);
SELECT is((SELECT array_agg(relname::text ORDER BY relname) FROM pg_class
            WHERE relnamespace IN ('vqc'::regnamespace, 'vqc_report'::regnamespace) AND relrowsecurity),
          '{baseline,drift_detail,incremental_run,metric,profile,result_detail,suite,suite_expectation,unexpected}',
          'row values, suites and baselines are protected by row-level security');
SELECT set_eq($$SELECT c.relname::text FROM pg_extension e, unnest(e.extconfig) AS x(oid)
                 JOIN pg_class c ON c.oid = x.oid WHERE e.extname = 'vqc'$$,
              ARRAY['run', 'run_run_id_seq', 'result', 'result_detail', 'unexpected', 'metric', 'profile', 'suite',
                    'suite_suite_id_seq', 'suite_expectation', 'suite_expectation_expectation_id_seq', 'baseline',
                    'drift_run', 'drift_run_drift_run_id_seq', 'drift_result', 'drift_detail', 'incremental_run'],
              'pg_dump keeps the report, the suites and the baselines');
SELECT has_function('vqc', 'run', ARRAY['text', 'jsonb', 'boolean']);
SELECT has_function('vqc', 'expect', ARRAY['regclass', 'text', 'jsonb', 'text']);
SELECT is((SELECT count(*)::int FROM pg_proc WHERE pronamespace = 'vqc'::regnamespace AND prosecdef), 0,
          'no SECURITY DEFINER function: tables are read as the caller');
SELECT is((SELECT count(*)::int FROM pg_proc WHERE pronamespace = 'vqc'::regnamespace AND proname LIKE '\_%\_write%'
             AND has_function_privilege('public', oid, 'EXECUTE')), 0,
          'no role may call a writer of vqc''s tables');
SELECT ok((SELECT count(*) FROM pg_proc WHERE pronamespace = 'vqc'::regnamespace AND proname LIKE '\_%\_write%') >= 10,
          'the writers are there to be locked');
SELECT is((SELECT count(*)::int FROM vqc.expectation_catalog e
            WHERE NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = 'vqc'::regnamespace
                                                       AND (p.proname = e.expectation_type
                                                            -- a name past 63 bytes: the wrapper calling it
                                                            OR octet_length(e.expectation_type) > 63
                                                               AND p.prosrc LIKE format('%%vqc.expect(target, %L,%%', e.expectation_type)))), 0,
          'every expectation in the catalog has a typed wrapper');
SELECT ok((SELECT count(*) FROM vqc.expectation_catalog) >= 22, 'at least the 22 expectations of the foundation issue');
SELECT vqc.regex_validate('loads the library');
SELECT is(current_setting('vqc.max_unexpected_samples'), '1000', 'settings are registered');

SELECT * FROM finish();
ROLLBACK;
