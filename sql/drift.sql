-- vqc.drift_exact: small hand-checkable cases for every method, and every
-- error with its SQLSTATE.
\set SHOW_CONTEXT never
-- KS: D = max |F1 - F2| = 0.5 (at 5: 1 - 3/6); exact p = 5/14
SELECT vqc.drift_exact(ARRAY[1,2,3,4,5], ARRAY[3,4,5,6,7,8], 'ks');
-- identical samples: D = 0, p = 1; disjoint 3 vs 3: D = 1, p = 2 / C(6,3) = 0.1
SELECT vqc.drift_exact(ARRAY[1.5,2.5,2.5], ARRAY[2.5,1.5,2.5], 'ks') ->> 'score' AS d,
       vqc.drift_exact(ARRAY[1.5,2.5,2.5], ARRAY[2.5,1.5,2.5], 'ks') ->> 'p_value' AS p;
SELECT vqc.drift_exact(ARRAY[1,2,3], ARRAY[4,5,6], 'ks') ->> 'score' AS d,
       vqc.drift_exact(ARRAY[1,2,3], ARRAY[4,5,6], 'ks') ->> 'p_value' AS p;
-- Wasserstein: a shift by 1 costs 1; the baseline [1, 3] has population std 1
SELECT vqc.drift_exact(ARRAY[1,3], ARRAY[2,4]::float8[], 'wasserstein');
SELECT vqc.drift_exact(ARRAY[1,3]::numeric[], ARRAY[2,4]::real[], 'wasserstein_normed');
-- a constant baseline: the norm is floored at 0.001, so 1 / 0.001
SELECT vqc.drift_exact(ARRAY[2,2,2], ARRAY[3,3]::bigint[], 'wasserstein_normed') ->> 'score' AS score;
-- quantile bins of 1..10 with bins = 4: edges 3.25, 5.5, 7.75; same data: every score 0
SELECT m, vqc.drift_exact(ARRAY[1,2,3,4,5,6,7,8,9,10], ARRAY[10,9,8,7,6,5,4,3,2,1], m, '{"bins": 4}')
  FROM unnest(ARRAY['psi','kl','js','hellinger','tv']) AS m;
-- bins [1,3.25) [3.25,5.5) [5.5,7.75) [7.75,inf): baseline 3,2,2,3 of 10, current 0,0,2,2 of 4
SELECT vqc.drift_exact(ARRAY[1,2,3,4,5,6,7,8,9,10], ARRAY[6,7,8,9], 'tv', '{"bins": 4}') ->> 'score' AS tv;
-- equal width with Sturges: n = 8 gives ceil(log2 8) + 1 = 4 bins over [0, 8]
SELECT vqc.drift_exact(ARRAY[0,1,2,3], ARRAY[5,6,7,8], 'psi', '{"binning": "equal_width"}') -> 'details' AS details;
-- categories: baseline a:3 b:1, current a:1 b:3; no empty bin, so no smoothing:
-- psi = ln 3 = 1.098612, kl = ln 3 / 2, js = 0.361679, hellinger = sqrt(1 - sqrt(3) / 2), tv = 0.5
SELECT m, round((vqc.drift_exact(ARRAY['a','a','a','b'], ARRAY['a','b','b','b'], m) ->> 'score')::numeric, 6) AS score
  FROM unnest(ARRAY['psi','kl','js','hellinger','tv']) AS m;
-- the textbook values: psi of (1/4, 1/4, 1/4, 1/4) against (0.1, 0.2, 0.3, 0.4) is 0.228217;
-- js of x:2 against x:1 y:1 is sqrt(3/4 ln(4/3)) = 0.464501 (finite with the empty bin, unsmoothed)
SELECT round((vqc.drift_exact(ARRAY['a','b','c','d'], ARRAY['a','b','b','c','c','c','d','d','d','d'], 'psi') ->> 'score')::numeric, 6) AS psi,
       round((vqc.drift_exact(ARRAY['x','x'], ARRAY['x','y'], 'js') ->> 'score')::numeric, 6) AS js;
-- a category on one side only: tv, js and hellinger take its proportion 0 as it is
SELECT vqc.drift_exact(ARRAY['a','b'], ARRAY['a','c'], 'tv');
-- psi and kl give an empty bin 1e-4 (nothing renormalized): psi = 2 (0.5 - 1e-4) ln(0.5 / 1e-4) = 8.515490;
-- kl rescales to sum 1 first, as scipy.stats.entropy does: 4.257319
SELECT m, round((r ->> 'score')::numeric, 6) AS score, r -> 'details' AS details
  FROM unnest(ARRAY['psi','kl']) AS m, vqc.drift_exact(ARRAY['a','b'], ARRAY['a','c'], m) AS r;
-- a side whose smallest proportion is at most 1e-4 (here 1 in 10 000) gives its empty bins
-- that proportion / 10^6 instead, so an empty bin never outweighs an observed one:
-- psi = 2 (1e-4 - 1e-10) ln(1e-4 / 1e-10) = 0.002763
SELECT round((r ->> 'score')::numeric, 6) AS psi, r -> 'details' AS details
  FROM vqc.drift_exact(array_fill('a'::text, '{9999}') || 'b'::text,
                       array_fill('a'::text, '{9999}') || 'c'::text, 'psi') AS r;
-- chi-square test of homogeneity, 2 x 2 with Yates: table [[10,10],[15,5]],
-- expected [[12.5,7.5],[12.5,7.5]], corrected |O - E| = 2: 4/12.5*2 + 4/7.5*2 = 1.70667
SELECT vqc.drift_exact(array_fill('x'::text, '{10}') || array_fill('y'::text, '{10}'),
                       array_fill('x'::text, '{15}') || array_fill('y'::text, '{5}'), 'chi_square');
-- goodness of fit: expected 10, 10 from the baseline; (15-10)^2/10 * 2 = 5
SELECT vqc.drift_exact(array_fill('x'::text, '{10}') || array_fill('y'::text, '{10}'),
                       array_fill('x'::text, '{15}') || array_fill('y'::text, '{5}'), 'chi_square_gof');
-- three categories, no correction: [[2,1,1],[1,2,1]]
SELECT vqc.drift_exact(ARRAY['p','p','q','r'], ARRAY['p','q','q','r'], 'chi_square') ->> 'score' AS chi2;
-- z-test: p1 = 0.5, p2 = 0.75, pooled 0.625: z = -0.25 / sqrt(0.625*0.375*0.1) = -1.63299
SELECT vqc.drift_exact(array_fill('x'::text, '{10}') || array_fill('y'::text, '{10}'),
                       array_fill('x'::text, '{15}') || array_fill('y'::text, '{5}'), 'z_test');
-- one category only: no evidence of drift
SELECT vqc.drift_exact(ARRAY[true,true], ARRAY[true], 'z_test') ->> 'p_value' AS p;
-- numbers as categories for chi_square (and z_test)
SELECT vqc.drift_exact(ARRAY[0,0,1,1], ARRAY[0,1,1,1], 'z_test') -> 'details' AS details;
-- auto: small baseline: numeric with > 5 distinct values -> ks; two categories -> z_test; else chi_square
SELECT vqc.drift_exact(ARRAY[1,2,3,4,5,6], ARRAY[1,2,3,4,5,6], 'auto') ->> 'method' AS m1,
       vqc.drift_exact(ARRAY[true,false], ARRAY[true,true], 'auto') ->> 'method' AS m2,
       vqc.drift_exact(ARRAY[1,2,3], ARRAY[1,2,2], 'auto') ->> 'method' AS m3,
       vqc.drift_exact(ARRAY['a','b','c'], ARRAY['a'], 'auto') ->> 'method' AS m4;
-- auto: large baseline: numeric with > 5 distinct values -> wasserstein_normed; else js
SELECT vqc.drift_exact(ARRAY(SELECT g FROM generate_series(1, 2000) g),
                       ARRAY(SELECT g FROM generate_series(1, 2000) g), 'auto');
SELECT vqc.drift_exact(ARRAY(SELECT g % 3 FROM generate_series(1, 2000) g),
                       ARRAY(SELECT g % 3 FROM generate_series(1, 300) g), 'auto') - 'score' AS result;
-- options: threshold overrides the default
SELECT vqc.drift_exact(ARRAY[1,2,3], ARRAY[4,5,6], 'ks', '{"threshold": 0.2}') ->> 'drifted' AS drifted,
       vqc.drift_exact(ARRAY[1,2,3], ARRAY[4,5,6], 'ks') ->> 'drifted' AS default_drifted;
-- NULL elements are ignored; multidimensional arrays are flattened; NULL options mean {}
SELECT vqc.drift_exact(ARRAY[1,NULL,2], '{{1,2},{3,4}}'::int[], 'wasserstein', NULL) - 'details' AS result;
-- varchar against text, dates by their text form
SELECT vqc.drift_exact(ARRAY['a','b']::varchar[], ARRAY['a','b'], 'js') ->> 'score' AS js,
       vqc.drift_exact(ARRAY[date '2024-01-01'], ARRAY[date '2024-01-02'], 'chi_square') ->> 'p_value' AS p;

-- errors
SELECT vqc.drift_exact('{}'::int[], ARRAY[1], 'ks');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[1], ARRAY[NULL,NULL]::int[], 'ks');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(NULL::int[], ARRAY[1], 'ks');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[1,2]::float8[], ARRAY['NaN']::float8[], 'ks');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY['Infinity']::numeric[], ARRAY[1], 'psi');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[1,2]::real[], ARRAY['-Infinity']::real[], 'wasserstein');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[1], ARRAY[2], 'kolmogorov');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[1], ARRAY[2], NULL);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[1], ARRAY['1'], 'ks');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[date '2024-01-01'], ARRAY['2024-01-01'], 'chi_square');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY['a'], ARRAY['b'], 'ks');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY['a','b'], ARRAY['c'], 'z_test');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY['a'], ARRAY['a','b'], 'chi_square_gof');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[1], ARRAY[2], 'psi', '{"bin": 5}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[1], ARRAY[2], 'psi', '{"bins": 0}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[1], ARRAY[2], 'psi', '{"bins": 2.5}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[1], ARRAY[2], 'psi', '{"binning": "deciles"}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[1], ARRAY[2], 'psi', '{"threshold": "high"}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift_exact(ARRAY[1], ARRAY[2], 'psi', '[1]');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
