-- The harness's table of results (test/citus/run.sh prints it).
\pset footer off
SELECT feature AS "feature",
       CASE WHEN pushed_down THEN 'yes' WHEN instead IS NOT NULL THEN 'no: ' || instead ELSE 'NO' END AS "pushed down",
       CASE WHEN same_answer THEN 'yes' ELSE 'NO' END AS "same answer",
       coalesce(left(detail, 160), '') AS "detail"
FROM citus_result ORDER BY feature;
SELECT format('%s features: %s pushed down, %s gather their columns in a pass of their own, %s suite runs whose '
              'pushed-down scan adds those passes, %s refused by design, '
              '%s not pushed down without a reason; %s with the same answer', count(*),
              count(*) FILTER (WHERE pushed_down), count(*) FILTER (WHERE NOT pushed_down AND instead LIKE '%gathers%'),
              count(*) FILTER (WHERE NOT pushed_down AND instead LIKE '%plus a pass%'),
              count(*) FILTER (WHERE NOT pushed_down AND instead LIKE 'refused%'),
              count(*) FILTER (WHERE NOT pushed_down AND instead IS NULL), count(*) FILTER (WHERE same_answer)) AS "summary"
FROM citus_result;
SELECT suite AS "suite run", target, scans, rows_scanned AS "rows", round(ms::numeric, 1) AS "ms"
FROM citus_timing ORDER BY suite;
