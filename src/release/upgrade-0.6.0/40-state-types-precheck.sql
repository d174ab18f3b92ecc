-- ------------------------------------------------------------------------
-- Before 50-state-types drops and recreates the nine aggregates whose state
-- type changes (an aggregate's STYPE cannot be altered): an object of the
-- user's that uses one of them (a view, a function's default...) would stop
-- the DROP with a bare "cannot drop"; say which objects and what to do,
-- before anything has changed.
-- ------------------------------------------------------------------------
DO $precheck$
DECLARE
    users text;
BEGIN
    -- a view depends through its rewrite rule: name the view
    SELECT pg_catalog.string_agg(DISTINCT coalesce(pg_catalog.pg_describe_object('pg_catalog.pg_class'::pg_catalog.regclass, r.ev_class, 0),
                                                   pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)), ', ')
      INTO users
      FROM pg_catalog.pg_depend d
      LEFT JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND r.oid = d.objid
      JOIN pg_catalog.pg_proc p ON d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.refobjid = p.oid
     WHERE p.pronamespace = 'vqc'::pg_catalog.regnamespace AND p.prokind = 'a'
       AND (p.proname IN ('ndcg_at_k_all', 'ranking_metrics_all', '_ranking_metrics_all_soft')
            OR p.proname IN ('mean_absolute_error', 'mean_squared_error', 'root_mean_squared_error',
                             'mean_absolute_percentage_error', 'r2_score', 'max_error')
               AND p.proargtypes::pg_catalog.oid[] = ARRAY['pg_catalog.numeric'::pg_catalog.regtype,
                                                             'pg_catalog.numeric'::pg_catalog.regtype]::pg_catalog.oid[])
       AND d.deptype = 'n'
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend e
                        WHERE e.classid = d.classid AND e.objid = d.objid AND e.deptype = 'e');
    IF users IS NOT NULL THEN
        RAISE EXCEPTION 'vqc 0.6.0 recreates aggregates that objects of this database use'
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = pg_catalog.format('The all-queries ranking aggregates and the numeric regression overloads get state types of their own; used by: %s.', users),
                  HINT = 'Drop those objects, run ALTER EXTENSION vqc UPDATE, and create them again: the aggregates keep their names, arguments and answers.';
    END IF;
END
$precheck$;

