-- vqc.drift: drift scores from two stored profiles.  Exact-mode profiles
-- give vqc.drift_exact's result (plus "exact": true); sketch-mode profiles
-- (200 000 seeded rows) detect known shifts, leave unshifted data alone,
-- and stay within their stated error of drift_exact on the same data.
\set SHOW_CONTEXT never
-- one partitioning, so the sketches (seeded) are reproducible
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.31);

-- small columns (exact mode): numbers with ties, integers, text, booleans
CREATE TEMP TABLE small AS
SELECT g, (g % 2 = 0) AS side,
       round((random() * 10 + CASE WHEN g % 2 = 0 THEN 1 ELSE 0 END)::numeric, 1)::float8 AS x,
       (random() * 4)::int + CASE WHEN g % 2 = 0 AND g % 5 = 0 THEN 1 ELSE 0 END AS i,
       (ARRAY['red','green','blue','teal'])[1 + (random() * 3)::int + CASE WHEN g % 2 = 0 AND g % 3 = 0 THEN 1 ELSE 0 END] AS t,
       random() < CASE WHEN g % 2 = 0 THEN 0.6 ELSE 0.4 END AS b,
       (ARRAY['p','q'])[1 + (random() < 0.3)::int] AS two
  FROM generate_series(1, 700) g;
CREATE TEMP TABLE small_p AS
SELECT side, vqc.profile_agg(x) AS px, array_agg(x) AS ax,
       vqc.profile_agg(i) AS pi, array_agg(i) AS ai,
       vqc.profile_agg(t) AS pt, array_agg(t) AS at,
       vqc.profile_agg(b) AS pb, array_agg(b) AS ab,
       vqc.profile_agg(two) AS p2, array_agg(two) AS a2
  FROM small GROUP BY side;
SELECT side, vqc.is_exact(px) AND vqc.is_exact(pi) AND vqc.is_exact(pt) AS exact
  FROM small_p ORDER BY side;

-- exact profiles: the result is drift_exact's, plus "exact": true
CREATE TEMP TABLE cases(col text, m text, opt jsonb);
INSERT INTO cases
SELECT 'x', m, o FROM unnest(ARRAY['ks','wasserstein','wasserstein_normed','psi','kl','js','hellinger','tv','chi_square','auto']) m,
                      unnest(ARRAY['{}', '{"bins": 4, "threshold": 0.01}', '{"binning": "equal_width"}']::jsonb[]) o
UNION ALL SELECT 'i', m, '{}' FROM unnest(ARRAY['ks','wasserstein_normed','psi','js','chi_square','auto']) m
UNION ALL SELECT 't', m, '{}' FROM unnest(ARRAY['psi','kl','js','hellinger','tv','chi_square','chi_square_gof','auto']) m
UNION ALL SELECT 'b', m, '{}' FROM unnest(ARRAY['psi','tv','chi_square','z_test','auto']) m
UNION ALL SELECT 'two', m, '{}' FROM unnest(ARRAY['z_test','chi_square','js','auto']) m;
SELECT c.col, count(*) AS cases,
       bool_and(CASE c.col
           WHEN 'x' THEN vqc.drift(b.px, a.px, c.m, c.opt) = vqc.drift_exact(b.ax, a.ax, c.m, c.opt) || '{"exact": true}'
           WHEN 'i' THEN vqc.drift(b.pi, a.pi, c.m, c.opt) = vqc.drift_exact(b.ai, a.ai, c.m, c.opt) || '{"exact": true}'
           WHEN 't' THEN vqc.drift(b.pt, a.pt, c.m, c.opt) = vqc.drift_exact(b.at, a.at, c.m, c.opt) || '{"exact": true}'
           WHEN 'b' THEN vqc.drift(b.pb, a.pb, c.m, c.opt) = vqc.drift_exact(b.ab, a.ab, c.m, c.opt) || '{"exact": true}'
           ELSE vqc.drift(b.p2, a.p2, c.m, c.opt) = vqc.drift_exact(b.a2, a.a2, c.m, c.opt) || '{"exact": true}'
       END) AS equal
  FROM cases c, small_p b, small_p a
 WHERE NOT b.side AND a.side
 GROUP BY c.col ORDER BY c.col;
-- one full result
SELECT vqc.drift(b.pt, a.pt, 'chi_square')
  FROM small_p b, small_p a WHERE NOT b.side AND a.side;

-- dates are numbers (days since 1970-01-01) in a profile: equal to
-- drift_exact over those numbers
SELECT m, vqc.drift(vqc.profile_agg(d) FILTER (WHERE g <= 300), vqc.profile_agg(d) FILTER (WHERE g > 300), m)
          = vqc.drift_exact(array_agg((d - date '1970-01-01')::float8) FILTER (WHERE g <= 300),
                            array_agg((d - date '1970-01-01')::float8) FILTER (WHERE g > 300), m)
            || '{"exact": true}' AS equal
  FROM (SELECT g, date '2024-01-01' + g % 37 + (g > 300)::int * 3 AS d FROM generate_series(1, 600) g) s,
       unnest(ARRAY['ks', 'wasserstein', 'psi', 'auto']) m
 GROUP BY m ORDER BY m;

-- 200 000 rows per column (sketch mode): N(0,1), N(0.5,1) and another
-- N(0,1); categories A-D at 40/30/20/10 %, moved by 10 points, and
-- unmoved; a long tail (5 000 rare values) beside them
CREATE TEMP TABLE big AS
SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS n0,
       sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) + 0.5 AS n5,
       sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS m0,
       random() AS u1, random() AS u2, random() AS u3
  FROM generate_series(1, 200000);
CREATE TEMP TABLE big_c AS
SELECT n0, n5, m0,
       CASE WHEN u1 < 0.4 THEN 'A' WHEN u1 < 0.7 THEN 'B' WHEN u1 < 0.9 THEN 'C' ELSE 'D' END AS c0,
       CASE WHEN u2 < 0.3 THEN 'A' WHEN u2 < 0.6 THEN 'B' WHEN u2 < 0.8 THEN 'C' ELSE 'D' END AS c10,
       CASE WHEN u3 < 0.4 THEN 'A' WHEN u3 < 0.7 THEN 'B' WHEN u3 < 0.9 THEN 'C' ELSE 'D' END AS d0,
       CASE WHEN u1 < 0.8 THEN (CASE WHEN u1 < 0.4 THEN 'A' ELSE 'B' END)
            ELSE 'r' || (u2 * 5000)::int END AS l0,
       CASE WHEN u3 < 0.8 THEN (CASE WHEN u3 < 0.3 THEN 'A' ELSE 'B' END)
            ELSE 'r' || (u1 * 5000)::int END AS l10,
       CASE WHEN u2 < 0.8 THEN (CASE WHEN u2 < 0.4 THEN 'A' ELSE 'B' END)
            ELSE 'r' || (u3 * 5000)::int END AS lsame,
       (u1 * 4)::int AS k0, (u2 * 4)::int AS k1
  FROM big;
CREATE TEMP TABLE big_p AS
SELECT vqc.profile_agg(n0) AS n0, vqc.profile_agg(n5) AS n5, vqc.profile_agg(m0) AS m0,
       vqc.profile_agg(c0) AS c0, vqc.profile_agg(c10) AS c10, vqc.profile_agg(d0) AS d0,
       vqc.profile_agg(l0) AS l0, vqc.profile_agg(l10) AS l10, vqc.profile_agg(lsame) AS lsame,
       vqc.profile_agg(k0) AS k0, vqc.profile_agg(k1) AS k1, array_agg(k0) AS a_k0, array_agg(k1) AS a_k1,
       array_agg(n0) AS a_n0, array_agg(n5) AS a_n5, array_agg(m0) AS a_m0,
       array_agg(c0) AS a_c0, array_agg(c10) AS a_c10, array_agg(d0) AS a_d0
  FROM big_c;
SELECT vqc.is_exact(n0) AS n0_exact, vqc.is_exact(c0) AS c0_exact, vqc.is_exact(l0) AS l0_exact
  FROM big_p;

-- KS: the shift is detected, the unshifted pair is not; D within the
-- stated error (eps_b + eps_c = 2 x 0.974 %) of the exact D
CREATE TEMP TABLE ks AS
SELECT vqc.drift(n0, n5, 'ks') AS s_shift, vqc.drift_exact(a_n0, a_n5, 'ks') AS e_shift,
       vqc.drift(n0, m0, 'ks') AS s_same, vqc.drift_exact(a_n0, a_m0, 'ks') AS e_same
  FROM big_p;
SELECT s_shift->'drifted' AS shift_drifted, s_same->'drifted' AS same_drifted,
       s_shift->'exact' AS exact, s_shift->'details'->'error' AS error,
       s_shift->'details'->>'p_value_method' AS p_method,
       abs((s_shift->>'score')::float8 - (e_shift->>'score')::float8)
           <= (s_shift->'details'->>'error')::float8 AS shift_within,
       abs((s_same->>'score')::float8 - (e_same->>'score')::float8)
           <= (s_same->'details'->>'error')::float8 AS same_within,
       (s_shift->>'n_baseline')::int = 200000 AS n_ok
  FROM ks;
SELECT k, s_shift->'details'->k AS v
  FROM ks, jsonb_object_keys(s_shift->'details') k
 WHERE k NOT IN ('p_value_at_score') ORDER BY k;

-- wasserstein_normed: detected (exact 0.5 / 1), not detected unshifted;
-- no formal bound: within 0.01 of the exact score (measured: 1e-3 shifted,
-- 7e-3 unshifted)
CREATE TEMP TABLE wn AS
SELECT vqc.drift(n0, n5, 'wasserstein_normed') AS s_shift, vqc.drift_exact(a_n0, a_n5, 'wasserstein_normed') AS e_shift,
       vqc.drift(n0, m0, 'wasserstein_normed') AS s_same, vqc.drift_exact(a_n0, a_m0, 'wasserstein_normed') AS e_same
  FROM big_p;
SELECT s_shift->'drifted' AS shift_drifted, s_same->'drifted' AS same_drifted,
       s_shift->'details'->'error' AS error,
       abs((s_shift->>'score')::float8 - (e_shift->>'score')::float8) <= 0.01 AS shift_within,
       abs((s_same->>'score')::float8 - (e_same->>'score')::float8) <= 0.01 AS same_within,
       abs((s_shift->'details'->>'baseline_std')::float8 - (e_shift->'details'->>'baseline_std')::float8) <= 1e-9 AS std_equal
  FROM wn;

-- binned numbers (baseline deciles from the sketch): each bin proportion is
-- within 2 x 0.974 %; the scores within 0.01 of drift_exact's
SELECT m, (vqc.drift(n0, n5, m)->>'drifted')::bool AS shift_drifted,
       (vqc.drift(n0, m0, m)->>'drifted')::bool AS same_drifted,
       abs((vqc.drift(n0, n5, m)->>'score')::float8 - (vqc.drift_exact(a_n0, a_n5, m)->>'score')::float8) <= 0.01 AS within,
       vqc.drift(n0, n5, m)->'details'->'error' AS error
  FROM big_p, unnest(ARRAY['psi','js','hellinger','tv']) m ORDER BY m;

-- categories A-D: four values fit the frequent-value table, so the counts
-- (and the scores) are exact, equal to drift_exact's
SELECT (vqc.drift(c0, c10, 'chi_square')->>'drifted')::bool AS moved_drifted,
       (vqc.drift(c0, d0, 'chi_square')->>'drifted')::bool AS same_drifted,
       vqc.drift(c0, c10, 'chi_square') = vqc.drift_exact(a_c0, a_c10, 'chi_square') || '{"exact": true}' AS moved_equal,
       vqc.drift(c0, d0, 'js') = vqc.drift_exact(a_c0, a_d0, 'js') || '{"exact": true}' AS same_equal
  FROM big_p;

-- a long tail: Misra-Gries counts plus "__other__", error = offset / n <= 1/65
SELECT (vqc.drift(l0, l10, 'chi_square')->>'drifted')::bool AS moved_drifted,
       (vqc.drift(l0, lsame, 'chi_square')->>'drifted')::bool AS same_drifted,
       vqc.drift(l0, l10, 'chi_square')->'exact' AS exact,
       (vqc.drift(l0, l10, 'chi_square')->'details'->>'error')::float8 <= 1.0 / 65 AS error_bounded,
       (vqc.drift(l0, l10, 'tv')->>'score')::float8 BETWEEN 0.1 - 2.0 / 65 AND 0.1 + 2.0 / 65 AS tv_near_0_1,
       vqc.drift(l0, l10, 'auto')->>'method' AS auto_method
  FROM big_p;

-- integers 0-4 in sketch mode: auto picks js over the categories, which
-- come from the frequent values (exact here: five values, so exact: true)
SELECT vqc.drift(k0, k1, 'auto')->>'method' AS method,
       vqc.drift(k0, k1, 'auto')->'exact' AS exact,
       vqc.drift(k0, k1, 'auto')->'details'->'error' AS error,
       vqc.drift(k0, k1, 'chi_square')->'score' = vqc.drift_exact(a_k0, a_k1, 'chi_square')->'score' AS chi_equal
  FROM big_p;

-- auto on sketches: more than 1000 values, many distinct (HyperLogLog)
SELECT vqc.drift(n0, n5, 'auto')->>'method' AS method,
       vqc.drift(n0, n5, 'auto')->'details'->>'auto' AS reason
  FROM big_p;
-- an exact side against a sketch side is not exact
SELECT vqc.drift(b.px, p.n0, 'ks')->'exact' AS exact
  FROM small_p b, big_p p WHERE NOT b.side;


-- a sketch-mode profile of at most 64 distinct numbers keeps them all in its
-- frequent-value table: every score is then the exact one (the standard
-- deviation from the moments, so equal up to rounding) and says so
CREATE TEMP TABLE few AS
SELECT g % 2 = 0 AS side, ((g * 7919) % 40 + CASE WHEN g % 2 = 0 THEN g % 3 ELSE 0 END)::int AS v
  FROM generate_series(1, 12000) g;
SELECT m, vqc.is_exact(b.p) OR vqc.is_exact(a.p) AS exact_mode, (s ->> 'exact')::boolean AS exact,
       abs((s ->> 'score')::float8 - (e ->> 'score')::float8) <= 1e-12 * greatest(abs((e ->> 'score')::float8), 1) AS score_eq,
       (s ->> 'p_value') IS NOT DISTINCT FROM (e ->> 'p_value')
       OR abs((s ->> 'p_value')::float8 - (e ->> 'p_value')::float8) <= 1e-12 AS p_eq,
       s ->> 'method' AS method, s ->> 'drifted' AS drifted
  FROM (SELECT vqc.profile_agg(v) p, array_agg(v) a FROM few WHERE NOT side) b,
       (SELECT vqc.profile_agg(v) p, array_agg(v) a FROM few WHERE side) a,
       unnest(ARRAY['ks', 'wasserstein', 'wasserstein_normed', 'psi', 'js', 'chi_square', 'auto']) m,
       LATERAL (SELECT vqc.drift(b.p, a.p, m) s, vqc.drift_exact(b.a, a.a, m) e) r;
-- errors
SELECT vqc.drift(n0, c0, 'psi') FROM big_p;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift(pb, pt, 'chi_square') FROM small_p WHERE side;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift(vqc.profile_agg(d), vqc.profile_agg(t), 'ks')
  FROM (SELECT current_date + g AS d, now()::timestamp + g * interval '1 day' AS t FROM generate_series(1, 3) g) s;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift((SELECT vqc.profile_agg(x) FROM small WHERE false), px, 'ks') FROM small_p WHERE side;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift(px, (SELECT vqc.profile_agg(NULL::float8) FROM generate_series(1, 3)), 'ks') FROM small_p WHERE side;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift(NULL, px, 'ks') FROM small_p WHERE side;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift(pt, pt, 'ks') FROM small_p WHERE side;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift(c0, c10, 'wasserstein') FROM big_p;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift(pt, pt, 'z_test') FROM small_p WHERE side;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift(px, px, 'median') FROM small_p WHERE side;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift(px, px, 'psi', '{"bins": 0}') FROM small_p WHERE side;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift(px, px, NULL) FROM small_p WHERE side;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT vqc.drift(vqc.profile_agg(v), vqc.profile_agg(v), 'ks')
  FROM unnest(ARRAY[1, 'NaN', 2]::float8[]) v;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
