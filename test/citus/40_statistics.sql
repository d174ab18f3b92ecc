-- suggest_expectations, baselines, drift reports and explain on the
-- distributed table against the plain copy.
SELECT citus_compare('suggest_expectations',
    $$SELECT (vqc.suggest_expectations(%L) #- '{meta,vqc_target}') - 'name' AS s$$, 1e-12, NULL, '');
SELECT citus_compare('set_baseline', $$SELECT vqc.set_baseline(%1$L, 'citus') AS n$$, 0, NULL, '');
SELECT citus_compare('baseline profiles',
    $$SELECT jsonb_object_agg(column_name, vqc.profile_to_jsonb(profile)) AS p FROM vqc.baseline
      WHERE target = %1$L::regclass AND label = 'citus'$$, 0,
    $$(SELECT bool_and(citus_sketch_ok($1 -> 0 -> 'p' -> k, $2 -> 0 -> 'p' -> k, k)) FROM jsonb_object_keys($2 -> 0 -> 'p') k)
      AND (SELECT count(*) FROM jsonb_object_keys($1 -> 0 -> 'p')) = (SELECT count(*) FROM jsonb_object_keys($2 -> 0 -> 'p'))$$, '');
SELECT citus_compare('drift_report against its own baseline',
    $$SELECT jsonb_agg(to_jsonb(d) - 'drift_run_id' ORDER BY d.column_name) AS d
      FROM vqc.drift_report(%1$L, 'citus') d$$, 0, $$citus_drift_ok($1 -> 0 -> 'd', $2 -> 0 -> 'd', 0.02)$$, '');
-- the plain copy's baseline, stored for each table
INSERT INTO vqc.baseline (target_schema, target_table, label, column_name, column_type, profile, created_by, target)
SELECT 'public', t, 'plain', column_name, column_type, profile, created_by, t::regclass
FROM vqc.baseline, unnest('{people,people_part,people_plain}'::text[]) t
WHERE target = 'people_plain'::regclass AND label = 'citus';
SELECT citus_compare('drift_report against the plain copy''s baseline',
    $$SELECT jsonb_agg(to_jsonb(d) - 'drift_run_id' ORDER BY d.column_name) AS d
      FROM vqc.drift_report(%1$L, 'plain') d$$, 0, $$citus_drift_ok($1 -> 0 -> 'd', $2 -> 0 -> 'd', 0.02)$$, '');
SELECT citus_compare('vqc.explain(suite, true)',
    $$SELECT count(*) > 0 AS planned FROM vqc.explain(CASE %1$L WHEN 'people' THEN 'people_daily' WHEN 'people_part' THEN 'people_daily_part'
                                                     ELSE 'people_daily_plain' END, true)$$, 0, NULL, '');
