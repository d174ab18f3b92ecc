
-- ---------------------------------------------------------------------
-- drift.sql: exact drift scores between two samples given as arrays
-- ---------------------------------------------------------------------
-- vqc._drift_exact does the numerics (src/drift.c); vqc.drift_exact checks
-- the options.  baseline is anyarray and current anycompatiblearray: two
-- independent polymorphic families, so that any two arrays reach the C
-- code, which accepts two numeric arrays (any mix of int2/4/8, float4/8,
-- numeric), two text-like arrays, or two arrays of the same type, and
-- raises 42804 otherwise.  STABLE: other arrays are compared by their
-- elements' text, and a type's output function may be STABLE.

CREATE FUNCTION vqc._drift_exact(baseline anyarray, current anycompatiblearray,
                                 method text, threshold float8, bins integer,
                                 binning text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_drift_exact'
LANGUAGE C STABLE PARALLEL SAFE;

-- The arguments of vqc.drift_exact and vqc.drift, checked once for both:
-- NULL inputs and method, then the options, returned as C arguments.
CREATE FUNCTION vqc._drift_args(baseline_is_null boolean, current_is_null boolean,
                                method text, options jsonb, OUT threshold float8,
                                OUT bins integer, OUT binning text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bad_key text;
BEGIN
    IF baseline_is_null THEN
        RAISE EXCEPTION 'baseline has no non-null values' USING ERRCODE = '22023';
    END IF;
    IF current_is_null THEN
        RAISE EXCEPTION 'current has no non-null values' USING ERRCODE = '22023';
    END IF;
    IF method IS NULL THEN
        RAISE EXCEPTION 'drift method must not be null' USING ERRCODE = '22004';
    END IF;
    options := coalesce(options, '{}');
    IF jsonb_typeof(options) <> 'object' THEN
        RAISE EXCEPTION 'drift options must be a JSON object' USING ERRCODE = '22023';
    END IF;
    SELECT k INTO bad_key FROM jsonb_object_keys(options) AS k
     WHERE k NOT IN ('threshold', 'bins', 'binning') ORDER BY k LIMIT 1;
    IF bad_key IS NOT NULL THEN
        RAISE EXCEPTION 'unknown drift option "%"', bad_key USING ERRCODE = '22023',
              HINT = 'The options are threshold, bins and binning.';
    END IF;
    IF options ? 'threshold' THEN
        IF jsonb_typeof(options->'threshold') <> 'number' THEN
            RAISE EXCEPTION 'drift option "threshold" must be a number' USING ERRCODE = '22023';
        END IF;
        threshold := (options->>'threshold')::float8;
    END IF;
    IF options ? 'bins' THEN
        IF jsonb_typeof(options->'bins') <> 'number'
           OR (options->>'bins')::numeric <> trunc((options->>'bins')::numeric)
           OR (options->>'bins')::numeric NOT BETWEEN 1 AND 10000 THEN
            RAISE EXCEPTION 'drift option "bins" must be an integer between 1 and 10000' USING ERRCODE = '22023';
        END IF;
        bins := (options->>'bins')::integer;
    END IF;
    IF options ? 'binning' THEN
        binning := options->>'binning';
        IF jsonb_typeof(options->'binning') <> 'string'
           OR binning NOT IN ('quantile', 'equal_width') THEN
            RAISE EXCEPTION 'drift option "binning" must be "quantile" or "equal_width"' USING ERRCODE = '22023';
        END IF;
    END IF;
END
$$;

CREATE FUNCTION vqc.drift_exact(baseline anyarray, current anycompatiblearray,
                                method text, options jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT vqc._drift_exact(baseline, current, method, o.threshold, o.bins, o.binning)
      FROM vqc._drift_args(baseline IS NULL, current IS NULL, method, options) o
$$;

COMMENT ON FUNCTION vqc.drift_exact(anyarray, anycompatiblearray, text, jsonb) IS
    'Exact drift score between two samples: {"method", "score", "p_value", "threshold", "drifted", "n_baseline", "n_current", "details"}.';

-- ---------------------------------------------------------------------
-- Drift from two stored profiles (src/drift_profile.c): the same methods,
-- options and result as vqc.drift_exact, plus "exact".
-- ---------------------------------------------------------------------

CREATE FUNCTION vqc._drift_profile(baseline vqc.profile, current vqc.profile,
                                   method text, threshold float8, bins integer,
                                   binning text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_drift_profile'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.drift(baseline vqc.profile, current vqc.profile,
                          method text, options jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT vqc._drift_profile(baseline, current, method, o.threshold, o.bins, o.binning)
      FROM vqc._drift_args(baseline IS NULL, current IS NULL, method, options) o
$$;

COMMENT ON FUNCTION vqc.drift(vqc.profile, vqc.profile, text, jsonb) IS
    'Drift score between two stored profiles: vqc.drift_exact''s result plus "exact"; exact when both profiles kept their values, otherwise from the sketches with details.error.';
