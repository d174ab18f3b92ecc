
-- ---------------------------------------------------------------------
-- hash_set_keyed.sql: the keyed form of vqc.hash_set_state
-- (src/hash_set_keyed.c), the screen of a compound uniqueness whose
-- columns include a nearly unique integer key
-- ---------------------------------------------------------------------

-- not strict: a row whose key is NULL overflows the state instead of
-- going unseen
CREATE FUNCTION vqc.hash_set_keyed_transfn(vqc.hash_set_state, anyelement, bigint)
RETURNS vqc.hash_set_state
AS 'MODULE_PATHNAME', 'vqc_hash_set_keyed_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.hash_set_agg(key anyelement, rest bigint) (
    SFUNC = vqc.hash_set_keyed_transfn,
    STYPE = vqc.hash_set_state,
    COMBINEFUNC = vqc.hash_set_combinefn,
    INITCOND = '565143480001000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.hash_set_agg(anyelement, bigint) IS
    'The hash screen of combinations keyed by an integer column (smallint, integer or bigint) with few repeats over a narrow range: a bitmap over the keys'' range with a 16-bit fingerprint of rest (vqc.hash_row of the other columns) per key; vqc.hash_set_duplicates returns the keys whose rows share a fingerprint.';

CREATE FUNCTION vqc.hash_set_key_duplicates(state vqc.hash_set_state, max_keys integer)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'vqc_hash_set_key_duplicates'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.hash_set_key_duplicates(vqc.hash_set_state, integer) IS
    'For a keyed state: one {key, occurrences} row per key stored more than once, ascending, whatever the other columns: what vqc.hash_set_duplicates gives for the key column''s own screen; NULL when the state overflowed or more than max_keys keys repeat.';
