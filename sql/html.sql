-- The pages (vqc.report_html, vqc.suite_html, vqc.drift_html): everything
-- from a table, a suite name, a kwarg or a note is escaped; a page shows
-- only what the caller may read; bad arguments get clear errors.
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;

SELECT vqc.html_escape('<script>alert("x")</script> & ''q''') AS escaped,
       vqc.html_escape(E'a\x01b\x7fc\td') AS control_characters,
       vqc.html_escape(NULL) IS NULL AS null_stays_null;

-- hostile values in a checked column, the suite's name and the notes
CREATE TABLE hostile (id int PRIMARY KEY, v text, n float8);
INSERT INTO hostile VALUES
    (1, '<script>alert(1)</script>', 1),
    (2, '"><img src=x onerror=alert(2)>', 2),
    (3, '</svg><script>alert(3)</script>', 3),
    (4, E'\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x1f\x7f binary-looking \\x00\\xff', 4),
    (5, repeat('<b>big', 200000), 5),
    (6, 'fine', 6);
SELECT vqc.create_suite('<script>alert("suite")</script>', 'hostile', profile_columns => '{v,n}') > 0 AS created;
SELECT vqc.add_expectation('<script>alert("suite")</script>', 'expect_column_values_to_be_in_set',
                           '{"column": "v", "value_set": ["fine", "<i>also fine</i>"],
                             "meta": {"notes": "<script>alert(\"notes\")</script> \"><img src=x onerror=alert(4)>"}}') > 0 AS added;
SELECT vqc.add_expectation('<script>alert("suite")</script>', 'expect_column_values_to_match_regex',
                           '{"column": "v", "regex": "^</svg>$"}') > 0 AS added;
SELECT vqc.add_expectation('<script>alert("suite")</script>', 'expect_column_mean_to_be_between',
                           '{"column": "n", "min_value": 0, "max_value": 10}') > 0 AS added;
SELECT count(*) FROM vqc.run('<script>alert("suite")</script>');
SELECT count(*) FROM vqc.run('<script>alert("suite")</script>');
CREATE TABLE page AS
SELECT 'run' AS kind, vqc.report_html((SELECT max(run_id) FROM vqc_report.run WHERE suite_name LIKE '<script>%')) AS html
UNION ALL
SELECT 'suite', vqc.suite_html('<script>alert("suite")</script>');
-- no markup of the table's or the suite's: only the page's own tags, and
-- as many SVG ends as starts
SELECT kind,
       html ~* '<script' AS has_script,
       html ~* '<img' AS has_img,
       html ~* '<[a-z][^>]*[[:space:]]on[a-z]+=' AS has_event_handler,
       (SELECT count(*) FROM regexp_matches(html, '<svg', 'g')) = (SELECT count(*) FROM regexp_matches(html, '</svg>', 'g')) AS svg_balanced,
       html ~ '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]' AS has_control_characters,
       strpos(html, '&lt;script&gt;alert(&quot;suite&quot;)&lt;/script&gt;') > 0 AS suite_name_as_text,
       length(html) < 200000 AS clipped
  FROM page ORDER BY kind;
-- the failing samples and the notes, as text
SELECT strpos(html, '&lt;script&gt;alert(1)&lt;/script&gt;') > 0 AS sample_1,
       strpos(html, '&quot;&gt;&lt;img src=x onerror=alert(2)&gt;') > 0 AS sample_2,
       strpos(html, '&lt;/svg&gt;&lt;script&gt;alert(3)&lt;/script&gt;') > 0 AS sample_3,
       strpos(html, 'binary-looking') > 0 AS sample_4,
       strpos(html, '&lt;script&gt;alert(&quot;notes&quot;)&lt;/script&gt;') > 0 AS notes,
       strpos(html, 'Content-Security-Policy') > 0 AS csp
  FROM page WHERE kind = 'run';

-- A role that may read the report but not the table sees counts, no
-- values: no samples, no observed mean, no profiles.
CREATE ROLE regress_vqc_page_reader;
GRANT USAGE ON SCHEMA vqc_report TO regress_vqc_page_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA vqc_report TO regress_vqc_page_reader;
SET ROLE regress_vqc_page_reader;
CREATE TEMP TABLE reader_page AS
SELECT vqc.report_html((SELECT max(run_id) FROM vqc_report.run WHERE suite_name LIKE '<script>%')) AS html;
SELECT strpos(html, 'alert(1)') = 0 AS no_samples,
       strpos(html, 'Profiles taken') = 0 AS no_profiles,
       strpos(html, '>3.5<') = 0 AS no_observed_mean,
       strpos(html, 'unexpected (') > 0 AS counts_shown
  FROM reader_page;
RESET ROLE;
SELECT strpos(html, '>3.5<') > 0 AS owner_sees_the_mean FROM page WHERE kind = 'run';
-- a suite the role may not see is not there; without a grant on the report, 42501
SET client_min_messages = notice;
SET ROLE regress_vqc_page_reader;
DO $$
BEGIN
    PERFORM vqc.suite_html('<script>alert("suite")</script>');
EXCEPTION WHEN undefined_object THEN
    RAISE NOTICE 'suite_html: % (%)', SQLERRM, SQLSTATE;
END $$;
RESET ROLE;
REVOKE SELECT ON ALL TABLES IN SCHEMA vqc_report FROM regress_vqc_page_reader;
SET ROLE regress_vqc_page_reader;
DO $$
BEGIN
    PERFORM vqc.report_html(1);
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'report_html without a grant: SQLSTATE %', SQLSTATE;
END $$;
RESET ROLE;
-- unknown ids and names
DO $$
BEGIN
    PERFORM vqc.report_html(-1);
EXCEPTION WHEN undefined_object THEN
    RAISE NOTICE '%', SQLERRM;
END $$;
DO $$
BEGIN
    PERFORM vqc.drift_html(-1);
EXCEPTION WHEN undefined_object THEN
    RAISE NOTICE '%', SQLERRM;
END $$;
SELECT vqc.report_html(NULL) IS NULL AS null_run;
SET client_min_messages = warning;

-- A drift report's page: the baseline's and current distributions on the
-- same bins, stored with the report.
SELECT vqc.set_baseline('hostile', 'before', '{v,n}');
UPDATE hostile SET n = n * 10;
SELECT count(*) FROM vqc.drift_report('hostile', 'before');
SELECT column_name, baseline_profile IS NOT NULL AS baseline_kept, current_profile IS NOT NULL AS current_kept
  FROM vqc_report.drift_detail WHERE target = 'hostile'::regclass ORDER BY column_name;
SELECT html ~* '<script' AS has_script,
       (SELECT count(*) FROM regexp_matches(html, '<rect class="bar baseline"', 'g')) AS baseline_bars,
       (SELECT count(*) FROM regexp_matches(html, '<rect class="bar current"', 'g')) AS current_bars
  FROM (SELECT vqc.drift_html((SELECT max(drift_run_id) FROM vqc_report.drift_run)) AS html) d;

SELECT vqc.drop_suite('<script>alert("suite")</script>');
DELETE FROM vqc_report.run WHERE suite_name LIKE '<script>%';
DELETE FROM vqc_report.drift_run WHERE target = 'hostile'::regclass;
SELECT vqc.drop_baseline('hostile', 'before');
DROP OWNED BY regress_vqc_page_reader;
DROP ROLE regress_vqc_page_reader;
DROP TABLE hostile, page;
