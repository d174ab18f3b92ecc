-- vqc upgrade script 0.3.0 -> 0.4.0 (ALTER EXTENSION vqc UPDATE).
--
-- After this script a database upgraded from 0.3.0 (or, through the earlier
-- scripts, from 0.1.0 or 0.2.0) has the same catalog as a fresh CREATE
-- EXTENSION vqc of 0.4.0 (test/upgrade/run.sh compares the schema-only
-- dumps).  Every change to src/*.sql or src/sql/*.sql since 0.3.0 is here.
-- Layout as in the earlier scripts: part 1, one section per change, oldest
-- first; part 2, pinning search_path and revoking the writers from PUBLIC,
-- stays last.
\echo Use "ALTER EXTENSION vqc UPDATE TO '0.4.0'" to load this file. \quit

-- ========================================================================
-- Part 1: the changes since 0.3.0, oldest first.
-- ========================================================================

-- ------------------------------------------------------------------------
-- Pages (issue #14): a run's page shows GE's query for the failing rows of
-- a suite's expectation, which BASIC results do not keep
-- (vqc._html_failing_query; vqc.report_html calls it).
-- ------------------------------------------------------------------------
SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._html_failing_query(r vqc_report.run, res vqc_report.result)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    keys   text[];
    kwargs jsonb;
BEGIN
    -- the expectation's whole kwargs (the report keeps them clipped)
    SELECT e.kwargs INTO kwargs FROM vqc.suite_expectation e WHERE e.expectation_id = res.expectation_id;
    IF r.target IS NULL OR kwargs IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT s.key_columns INTO keys FROM vqc.suite s WHERE s.suite_id = r.suite_id;
    keys := coalesce(keys, vqc._primary_key(r.target));
    RETURN vqc._unexpected_index_query(r.target,
                                       vqc._plan(r.target, res.expectation_type, kwargs, res.position, keys, 20)
                                       || jsonb_build_object('key_columns', to_jsonb(keys)));
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc.report_html(run_id bigint)
 RETURNS text
 LANGUAGE plpgsql
 STABLE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    r        vqc_report.run;
    body     text;
    rows_html text;
    profiles text;
BEGIN
    SELECT * INTO r FROM vqc_report.run x WHERE x.run_id = report_html.run_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'run % does not exist', run_id USING ERRCODE = 'undefined_object';
    END IF;
    body := '<h1>' || vqc._html_text(r.suite_name, 200) || '</h1>'
         || '<div class="muted">run ' || r.run_id || ' of table <code>' || vqc._html_text(format('%I.%I', r.target_schema, r.target_table), 300)
         || '</code> by ' || vqc._html_text(r.run_by, 100) || ', started ' || vqc.html_escape(to_char(r.started_at, 'YYYY-MM-DD HH24:MI:SS TZ'))
         || ', ' || vqc._html_num(round(extract(epoch FROM r.finished_at - r.started_at)::numeric * 1000, 1)::float8) || ' ms, '
         || vqc._html_num(r.rows_scanned) || ' rows, ' || r.scans || ' scan' || CASE WHEN r.scans = 1 THEN '' ELSE 's' END
         || CASE WHEN r.row_security THEN ', through row-level security' ELSE '' END || '</div>'
         || '<div class="summary">'
         || format('<div><b>%s</b>%s</div>', vqc._html_status(CASE WHEN r.success THEN 'success' ELSE 'failure' END),
                   vqc._html_num(round(r.success_percent::numeric, 1)::float8) || ' % passed')
         || format('<div><b>%s</b>passed</div><div><b>%s</b>failed</div><div><b>%s</b>errors</div><div><b>%s</b>expectations</div>',
                   r.successful_expectations, r.unsuccessful_expectations, r.error_expectations,
                   r.evaluated_expectations)
         || '</div>';

    SELECT string_agg(
               '<tr id="e' || res.position || '"><td class="num">' || res.position || '</td><td>'
               || vqc._html_describe(res.expectation_type, res.kwargs)
               || '<details><summary>kwargs</summary><pre>' || vqc._html_text(jsonb_pretty(res.kwargs), 20000) || '</pre></details></td>'
               || '<td>' || vqc._html_status(res.status) || coalesce('<div class="muted">' || vqc.html_escape(left(res.error_message, 500)) || '</div>', '') || '</td>'
               || '<td>' || CASE WHEN jsonb_typeof(d.observed_value) = 'number' THEN vqc._html_num((d.observed_value #>> '{}')::float8)
                                 WHEN d.observed_value IS NOT NULL THEN vqc._html_text(d.observed_value::text, 400)
                                 WHEN res.unexpected_count IS NOT NULL THEN
                                      vqc._html_num(res.unexpected_count) || ' unexpected (' || vqc._html_num(res.unexpected_percent) || ' %)'
                                 ELSE '&#8212;' END || '</td>'
               || '<td>' || CASE WHEN res.kwargs ->> 'min_value' IS NULL AND res.kwargs ->> 'max_value' IS NULL THEN ''
                                 ELSE coalesce(vqc._html_text(res.kwargs ->> 'min_value', 60), '') || ' &#8230; '
                                      || coalesce(vqc._html_text(res.kwargs ->> 'max_value', 60), '') END || '</td>'
               || '<td>' || coalesce(s.samples, '') || coalesce('<details class="failing-query"><summary>query for the failing rows</summary><pre>'
                                                             || vqc.html_escape(left(coalesce(d.result #>> '{result,unexpected_index_query}',
                                                                                              CASE WHEN res.unexpected_count > 0
                                                                                                   THEN vqc._html_failing_query(r, res) END), 20000))
                                                             || '</pre></details>', '')
               || '</td></tr>', '' ORDER BY res.position)
      INTO rows_html
      FROM vqc_report.result res
      LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
      LEFT JOIN LATERAL (
          SELECT '<table><tr><th>value</th><th>row key</th></tr>'
                 || string_agg('<tr><td><code>' || vqc._html_text(u.value, 200) || CASE WHEN u.value_clipped THEN '&#8230;' ELSE '' END
                               || '</code></td><td><code>' || vqc._html_text(u.row_key::text, 200) || '</code></td></tr>', '' ORDER BY u.ordinality)
                 || '</table>' AS samples
            FROM (SELECT * FROM vqc_report.unexpected u
                   WHERE u.run_id = res.run_id AND u.position = res.position
                   ORDER BY u.ordinality LIMIT 20) u) s ON true
     WHERE res.run_id = r.run_id;
    body := body || '<h2>Expectations</h2><table><tr><th>#</th><th>what is checked</th><th>status</th>'
                 || '<th>observed</th><th>bounds</th><th>failing samples (first 20)</th></tr>'
                 || coalesce(rows_html, '') || '</table>';

    SELECT string_agg(vqc._html_profile_card(p.column_name, p.column_type, p.profile), '' ORDER BY p.column_name)
      INTO profiles
      FROM vqc_report.profile p WHERE p.run_id = r.run_id;
    IF profiles IS NOT NULL THEN
        body := body || '<h2>Profiles taken in the run</h2><div class="cards">' || profiles || '</div>';
    END IF;
    body := body || coalesce('<h2>Drift</h2><div class="cards">' || vqc._html_run_drift(r.run_id, r.target) || '</div>', '');
    body := body || coalesce('<h2>Trends</h2><div class="cards">' || nullif(vqc._html_trends(r.suite_name, r.run_id), '') || '</div>', '');
    RETURN vqc._html_page(format('vqc: %s, run %s', r.suite_name, r.run_id), body);
END
$function$
;


RESET check_function_bodies;

-- ========================================================================
-- Part 2 (keep last): every SQL and PL/pgSQL function of vqc runs with
-- search_path = pg_catalog, pg_temp, as src/sql/search_path.sql sets it at
-- the end of a fresh install; the same loop, over 0.3.0's functions and any
-- that part 1 created or replaced.
-- ========================================================================
DO $pin$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                     AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
          JOIN pg_catalog.pg_language l ON l.oid = p.prolang
         WHERE l.lanname IN ('sql', 'plpgsql') AND p.prokind = 'f'
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', fn);
    END LOOP;
END
$pin$;

-- The writers of vqc's tables may not be called by PUBLIC, as
-- src/sql/search_path.sql sets at the end of a fresh install.
DO $revoke$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                     AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
         WHERE p.proname OPERATOR(pg_catalog.~~) '\_%\_write%'
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    END LOOP;
END
$revoke$;
