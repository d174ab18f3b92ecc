
-- ---------------------------------------------------------------------
-- hash_set.sql: vqc.hash_set_state, exact uniqueness screening in one scan
-- ---------------------------------------------------------------------
-- The state is a real SQL type (not internal) so that partial states can
-- travel (parallel workers, Citus).  Text form: hex of the binary form.

CREATE TYPE vqc.hash_set_state;

CREATE FUNCTION vqc.hash_set_state_in(cstring)
RETURNS vqc.hash_set_state
AS 'MODULE_PATHNAME', 'vqc_hash_set_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.hash_set_state_out(vqc.hash_set_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_hash_set_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.hash_set_state_recv(internal)
RETURNS vqc.hash_set_state
AS 'MODULE_PATHNAME', 'vqc_hash_set_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.hash_set_state_send(vqc.hash_set_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_hash_set_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.hash_set_state (
    INPUT = vqc.hash_set_state_in,
    OUTPUT = vqc.hash_set_state_out,
    RECEIVE = vqc.hash_set_state_recv,
    SEND = vqc.hash_set_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

CREATE FUNCTION vqc.hash_set_transfn(vqc.hash_set_state, anyelement)
RETURNS vqc.hash_set_state
AS 'MODULE_PATHNAME', 'vqc_hash_set_transfn'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- STABLE like the transition function: growing a state reads
-- vqc.exact_memory_limit
CREATE FUNCTION vqc.hash_set_combinefn(vqc.hash_set_state, vqc.hash_set_state)
RETURNS vqc.hash_set_state
AS 'MODULE_PATHNAME', 'vqc_hash_set_combinefn'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- INITCOND is the empty state: no rows (or only NULLs) give count 0.
-- Named *_agg, not after its state type: a one-argument call named like a
-- type would be parsed as a cast for string arguments.
CREATE AGGREGATE vqc.hash_set_agg(anyelement) (
    SFUNC = vqc.hash_set_transfn,
    STYPE = vqc.hash_set_state,
    COMBINEFUNC = vqc.hash_set_combinefn,
    INITCOND = '565143480001000000000000000000000000000000000000',
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.hash_set_count(state vqc.hash_set_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_vec8_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.hash_set_overflowed(state vqc.hash_set_state)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_vec8_overflowed'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- true: some hash repeats, so values MAY repeat; false: all values distinct;
-- NULL: the state overflowed the exact memory limit.
CREATE FUNCTION vqc.hash_set_has_duplicates(state vqc.hash_set_state)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_hash_set_has_duplicates'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.hash_set_distinct_hashes(state vqc.hash_set_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_hash_set_distinct_hashes'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.hash_set_duplicates(state vqc.hash_set_state, max_hashes integer)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'vqc_hash_set_duplicates'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.hash_set_duplicates(vqc.hash_set_state, integer) IS
    'One {word, occurrences} row per word stored more than once, ascending (for integers the words are the values); NULL when the state overflowed or more than max_hashes words repeat.';

CREATE FUNCTION vqc.hash_value(value anyelement)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_hash_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.hash_value(anyelement) IS
    'The 64-bit word vqc.hash_set_agg stores for a value: the value itself for smallint, integer and bigint, else the type''s extended hash (seed 0, the value''s collation).';
