-- A profile of another format version (stored by an older vqc, or its text
-- form from a dump) is refused with 0A000 / 22P02 and a hint to take it again,
-- never misread (other states: tally.sql).  The version word follows the
-- varlena header in the stored form and the magic word in the text form.
CREATE FUNCTION pg_temp.stored_bytes(vqc.profile) RETURNS bytea
LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';
CREATE FUNCTION pg_temp.from_stored_bytes(bytea) RETURNS vqc.profile
LANGUAGE internal IMMUTABLE STRICT AS 'byteasend';

CREATE TEMP TABLE stored AS
SELECT vqc.profile_agg(x) AS p FROM generate_series(1, 10) x;

-- sqlstate, message, detail and hint of a statement's error
CREATE FUNCTION pg_temp.error_of(sql text) RETURNS TABLE(state text, message text, detail text, hint text)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    RETURN QUERY SELECT 'none', NULL::text, NULL::text, NULL::text;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RETURN NEXT;
END
$$;

-- the stored form as it is reads; with version 0x0303 (either byte order) it is refused
SELECT vqc.row_count(pg_temp.from_stored_bytes(pg_temp.stored_bytes(p))) FROM stored;
SELECT * FROM pg_temp.error_of($$SELECT vqc.row_count(pg_temp.from_stored_bytes(
           overlay(pg_temp.stored_bytes(p) PLACING '\x0303' FROM 1 FOR 2))) FROM stored$$) e;

-- the text form: the version word after the magic word 'VQCP'
SELECT * FROM pg_temp.error_of($$SELECT overlay(p::text PLACING '0002' FROM 9 FOR 4)::vqc.profile FROM stored$$);
