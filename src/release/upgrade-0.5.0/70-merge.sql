
-- ------------------------------------------------------------------------
-- Where two changes above replaced the same function, its final body:
-- vqc._evaluate_all plans, scans (vqc._scan_plans: the shared scan, or each
-- check alone and then the profiles, scan.sql) and evaluates
-- (vqc._evaluate_plans, which reports a profile that could not be taken).
-- ------------------------------------------------------------------------
SET check_function_bodies = false;

CREATE OR REPLACE FUNCTION vqc._evaluate_all(target regclass, expectations jsonb, key_columns text[],
                                  sample_cap integer, rf_default jsonb, raise_errors boolean,
                                  profile_columns text[] DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    planned record := vqc._plan_all(target, expectations, key_columns, sample_cap, rf_default,
                                    raise_errors, profile_columns);
    scanned record := vqc._scan_plans(target, planned.items, planned.kwargs_all, raise_errors,
                                      planned.plans, planned.errors);
BEGIN
    RETURN vqc._evaluate_plans(target, expectations, scanned.plans, planned.rfs, scanned.errors,
                               scanned.vals, scanned.scans, raise_errors, profile_columns,
                               scanned.profile_errors);
END
$$;

RESET check_function_bodies;
