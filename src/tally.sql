
-- ---------------------------------------------------------------------
-- tally.sql: vqc.tally, the per-expectation failing-row tally
-- ---------------------------------------------------------------------
-- vqc.tally(col::text, row_key, 20) FILTER (WHERE <row fails>) counts the
-- failing rows and keeps the first failing values with their row keys.
-- The state is a real SQL type (not internal) so that partial states can
-- travel (parallel workers, Citus).  Text form: hex of the binary form.

CREATE TYPE vqc.tally;

CREATE FUNCTION vqc.tally_in(cstring)
RETURNS vqc.tally
AS 'MODULE_PATHNAME', 'vqc_tally_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.tally_out(vqc.tally)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_tally_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.tally_recv(internal)
RETURNS vqc.tally
AS 'MODULE_PATHNAME', 'vqc_tally_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.tally_send(vqc.tally)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_tally_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.tally (
    INPUT = vqc.tally_in,
    OUTPUT = vqc.tally_out,
    RECEIVE = vqc.tally_recv,
    SEND = vqc.tally_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- Not strict: a NULL value (a not-null expectation's failing value) or a
-- NULL row key is a sample too.  STABLE: it reads vqc.* settings.
CREATE FUNCTION vqc.tally_transfn(vqc.tally, text, text, int4)
RETURNS vqc.tally
AS 'MODULE_PATHNAME', 'vqc_tally_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.tally_combinefn(vqc.tally, vqc.tally)
RETURNS vqc.tally
AS 'MODULE_PATHNAME', 'vqc_tally_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- No rows (e.g. no failing row under FILTER) give NULL, as for sum().
CREATE AGGREGATE vqc.tally(value text, row_key text, max_samples int4) (
    SFUNC = vqc.tally_transfn,
    STYPE = vqc.tally,
    COMBINEFUNC = vqc.tally_combinefn,
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.tally_count(vqc.tally)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_tally_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.tally_sample_cap(vqc.tally)
RETURNS int4
AS 'MODULE_PATHNAME', 'vqc_tally_sample_cap'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.tally_samples(vqc.tally)
RETURNS TABLE(ordinality int, value text, row_key text, clipped boolean)
AS 'MODULE_PATHNAME', 'vqc_tally_samples'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;

-- The guard of a tally's arguments in a scan (src/tally.c): true for the
-- first cap calls of its call site, so that the value and row key of a
-- failing row are built only while the tally keeps samples.  VOLATILE: each
-- call counts.
CREATE FUNCTION vqc._sample_slot(cap integer)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_sample_slot'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc._sample_slot(integer) IS
    'True for the first cap calls of this call site in this process, then false: guards the value and row key of a scan''s tally, which keeps only its first samples.';
