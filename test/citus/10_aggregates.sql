-- vqc's aggregates on the distributed table against the plain copy.
SELECT citus_compare('count(*)', 'SELECT count(*) FROM %s');

-- profiles in exact mode (at most 2048 values): equal, moments within 1e-12
SELECT citus_compare(format('profile_agg(%s), exact mode', c),
                     format('SELECT vqc.profile_to_jsonb(vqc.profile_agg(%I)) AS p FROM %%s', c), 1e-12)
FROM unnest(ARRAY['gender']) c;
-- profiles in sketch mode: within the sketches' bounds
SELECT citus_compare(format('profile_agg(%s), sketch mode', c),
                     format('SELECT vqc.profile_to_jsonb(vqc.profile_agg(%I)) AS p FROM %%s', c), 0,
                     format('citus_sketch_ok($1 -> 0 -> ''p'', $2 -> 0 -> ''p'', %L)', c))
FROM unnest(ARRAY['age', 'score', 'income', 'transaction_amount', 'record_id', 'email', 'date_of_birth']) c;
SELECT citus_compare('profile accessors (ndistinct, top_values, histogram, min_value)',
    $$SELECT vqc.ndistinct(p) AS nd, vqc.null_count(p) AS nulls, vqc.min_value(p) AS min_value,
             (SELECT jsonb_agg(t) FROM vqc.top_values(p, 3) t) AS top,
             (SELECT jsonb_agg(h) FROM vqc.histogram(p, 4) h) AS histogram
      FROM (SELECT vqc.profile_agg(gender) AS p FROM %s) q$$, 0, NULL,
    'SELECT vqc.profile_agg(gender) FROM %s');

-- exact uniqueness and distinct counts
SELECT citus_compare(format('hash_set_agg(%s)', c),
                     format('SELECT vqc.hash_set_count(vqc.hash_set_agg(%1$I)) AS n, vqc.hash_set_has_duplicates(vqc.hash_set_agg(%1$I)) AS dup,
                                    vqc.hash_set_distinct_hashes(vqc.hash_set_agg(%1$I)) AS distinct_hashes,
                                    vqc.hash_set_duplicates(vqc.hash_set_agg(%1$I), 100000) AS duplicates FROM %%s', c))
FROM unnest(ARRAY['record_id', 'user_id', 'email', 'gender', 'transaction_amount', 'income']) c;

-- exact quantiles
SELECT citus_compare(format('exact_quantile_agg(%s)', c),
                     format('SELECT vqc.exact_quantile(vqc.exact_quantile_agg(%1$I), 0.5) AS median,
                                    vqc.exact_quantile_disc(vqc.exact_quantile_agg(%1$I), 0.9) AS p90,
                                    vqc.exact_quantile_count(vqc.exact_quantile_agg(%1$I)) AS n FROM %%s', c))
FROM unnest(ARRAY['income', 'transaction_amount', 'age']) c;

-- failing values and row keys: the same set (a sample's order follows the scan)
SELECT citus_compare('tally (failing values and keys)',
    $$SELECT vqc.tally_count(t) AS n,
             (SELECT jsonb_agg(jsonb_build_array(s.value, s.row_key, s.clipped) ORDER BY s.row_key) FROM vqc.tally_samples(t) s) AS samples
      FROM (SELECT vqc.tally(age::text, record_id::text, 1000) FILTER (WHERE age NOT BETWEEN 0 AND 120) AS t FROM %s) q$$, 0, NULL,
    'SELECT vqc.tally(age::text, record_id::text, 1000) FILTER (WHERE age NOT BETWEEN 0 AND 120) FROM %s');

-- model metrics
SELECT citus_compare('regression_agg and its metrics',
    $$SELECT vqc.regression_to_jsonb(vqc.regression_agg(income, income * 1.1 + age)) AS r,
             vqc.mean_absolute_error(income, income + age) AS mae, vqc.r2_score(income, income + age) AS r2,
             vqc.max_error(income, income + age) AS maxe FROM %s WHERE income IS NOT NULL$$, 1e-12);
SELECT citus_compare('ranking metrics',
    $$SELECT vqc.ndcg_score(score, age, 10) AS ndcg, vqc.precision_at_k(score, age, 10) AS p FROM %s$$, 1e-12);
-- the all-queries ranking aggregates and the numeric regression overloads
-- (states of their own types since 0.6.0: worker partials, coordinator combine)
SELECT citus_compare(format('ndcg_at_k_all (%s queries)', t),
                     format($$SELECT vqc.ndcg_at_k_all(%s, score, age, 10) AS ndcg FROM %%s$$, e), 1e-12)
FROM (VALUES ('integer', 'user_id %% 300'), ('bigint', 'record_id / 500'), ('text', 'gender')) v(t, e);
SELECT citus_compare(format('ranking_metrics_all (%s queries)', t),
                     format($$SELECT vqc.ranking_metrics_all(%s, score, age, 5) AS r FROM %%s$$, e), 1e-12)
FROM (VALUES ('integer', 'age'), ('text', 'left(email, 2)')) v(t, e);
SELECT citus_compare('ranking_report (one aggregate on the workers)',
    $$SELECT vqc.ranking_report('%s', 'age', 'score', 'income', 5) AS r$$, 1e-12, NULL,
    $$SELECT vqc.ranking_metrics_all(age, score::float8, income::float8, 5) FROM %s$$);
SELECT citus_compare(format('%s (numeric, numeric)', f),
                     format($$SELECT vqc.%s(transaction_amount, round(income::numeric, 2)) AS m FROM %%s$$, f))
FROM unnest(ARRAY['mean_absolute_error', 'mean_squared_error', 'root_mean_squared_error',
                  'mean_absolute_percentage_error', 'r2_score', 'max_error']) f;
SELECT citus_compare('score metrics (roc_auc, log_loss, brier)',
    $$SELECT vqc.roc_auc_score(score > 50, age / 200.0) AS auc, vqc.brier_score_loss(score > 50, age / 200.0) AS brier,
             vqc.average_precision_score(score > 50, age / 200.0) AS ap FROM %s WHERE age BETWEEN 0 AND 120$$, 1e-12);
SELECT citus_compare('classification metrics (text labels)',
    $$SELECT vqc.accuracy_score(gender, CASE WHEN score > 50 THEN 'Male' ELSE 'Female' END) AS acc,
             vqc.f1_score(gender, CASE WHEN score > 50 THEN 'Male' ELSE 'Female' END, 'macro') AS f1 FROM %s$$, 1e-12);
-- the agreement aggregates run on Citus with text arguments (README, "Citus");
-- items 1 .. 16664 have two ratings each (the fixture repeats ids past them)
SELECT citus_compare('agreement metrics (text item, annotator, label)',
    $$SELECT vqc.cohen_kappa((record_id / 2)::text, (record_id %% 2)::text, gender) AS kappa,
             vqc.fleiss_kappa((record_id / 2)::text, gender) AS fleiss,
             vqc.krippendorff_alpha((record_id / 2)::text, (record_id %% 2)::text, gender, 'nominal') AS alpha
      FROM %s WHERE record_id BETWEEN 2 AND 33329$$, 1e-12);
