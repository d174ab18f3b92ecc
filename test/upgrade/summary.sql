-- summary.sql: what a stored profile reads as, to compare a profile across
-- versions of vqc: the answers of its accessors as one jsonb.  Loaded by
-- make_fixture.sh under 0.1.0 and by run.sh under the current version, into
-- schema upgrade_data (which the catalog comparison leaves out).

CREATE SCHEMA IF NOT EXISTS upgrade_data;

-- A profile's stored bytes as they are (byteasend returns its argument), and
-- back, to carry profiles stored by one version of vqc to another.
CREATE OR REPLACE FUNCTION upgrade_data.stored_bytes(vqc.profile) RETURNS bytea
LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
CREATE OR REPLACE FUNCTION upgrade_data.from_stored_bytes(bytea) RETURNS vqc.profile
LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';

-- The accessors' answers; a group of accessors that raises records its
-- SQLSTATE instead (numbers of a text profile), except a refused format
-- version, which propagates.
CREATE OR REPLACE FUNCTION upgrade_data.profile_summary(p vqc.profile) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    s jsonb;
BEGIN
    s := jsonb_build_object('rows', vqc.row_count(p), 'nulls', vqc.null_count(p),
                            'exact', vqc.is_exact(p), 'ndistinct', vqc.ndistinct(p),
                            'min', vqc.min_value(p), 'max', vqc.max_value(p),
                            'top', (SELECT jsonb_agg(to_jsonb(t) ORDER BY t.count DESC, t.value)
                                      FROM vqc.top_values(p, 3) t));
    BEGIN
        s := s || jsonb_build_object('mean', vqc.mean(p), 'stddev', vqc.stddev(p),
                                     'skewness', vqc.skewness(p),
                                     'quantiles', to_jsonb(vqc.quantiles(p, '{0.1,0.5,0.9}')),
                                     'rank', vqc.rank(p, vqc.quantile(p, 0.5)));
    EXCEPTION WHEN feature_not_supported THEN RAISE;
              WHEN OTHERS THEN s := s || jsonb_build_object('numbers', SQLSTATE);
    END;
    RETURN s;
END
$$;

-- Equal, but numbers only within 1e-9 relative (a float's last digits may
-- legitimately change with how the accessors compute).
CREATE OR REPLACE FUNCTION upgrade_data.near(a jsonb, b jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN jsonb_typeof(a) = 'number' AND jsonb_typeof(b) = 'number' THEN
            abs(a::numeric - b::numeric) <= 1e-9 * greatest(1, abs(a::numeric), abs(b::numeric))
        WHEN jsonb_typeof(a) = 'array' AND jsonb_typeof(b) = 'array' THEN
            jsonb_array_length(a) = jsonb_array_length(b)
            AND (SELECT bool_and(upgrade_data.near(x.v, y.v))
                   FROM jsonb_array_elements(a) WITH ORDINALITY x(v, i)
                   JOIN jsonb_array_elements(b) WITH ORDINALITY y(v, i) USING (i)) IS NOT FALSE
        WHEN jsonb_typeof(a) = 'object' AND jsonb_typeof(b) = 'object' THEN
            (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(a) k)
                IS NOT DISTINCT FROM (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(b) k)
            AND (SELECT bool_and(upgrade_data.near(a -> k, b -> k)) FROM jsonb_object_keys(a) k) IS NOT FALSE
        ELSE a = b
    END
$$;

-- The summary of profile p, or else of text form t (as a dump holds it), or
-- 'refused' when its format version is refused with the hint to take it again
-- (the other way an old profile may be handled): 0A000 for a stored profile,
-- 22P02 for a text form.
CREATE OR REPLACE FUNCTION upgrade_data.read_or_refused(p vqc.profile, t text DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    hint text;
BEGIN
    RETURN upgrade_data.profile_summary(coalesce(p, t::vqc.profile));
EXCEPTION WHEN feature_not_supported OR invalid_text_representation THEN
    GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
    IF hint NOT LIKE '%take it again with this version of vqc%vqc.set_baseline()%' THEN
        RAISE;
    END IF;
    RETURN '"refused"';
END
$$;
