-- core16 (issue #16): volatilities that match the code.  A function that
-- reads a setting is at most STABLE; so is one that calls type output
-- functions, which may be STABLE.  All stay PARALLEL SAFE.
ALTER FUNCTION vqc.exact_quantile_numeric_transfn(vqc.exact_quantile_state, numeric) STABLE;
ALTER FUNCTION vqc.exact_quantile_combinefn(vqc.exact_quantile_state, vqc.exact_quantile_state) STABLE;
ALTER FUNCTION vqc.hash_set_combinefn(vqc.hash_set_state, vqc.hash_set_state) STABLE;
ALTER FUNCTION vqc.regex_match(text, text) STABLE;
ALTER FUNCTION vqc._drift_exact(anyarray, anycompatiblearray, text, float8, integer, text) STABLE;
ALTER FUNCTION vqc.drift_exact(anyarray, anycompatiblearray, text, jsonb) STABLE;
