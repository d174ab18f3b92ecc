-- vqc install script, joined by the Makefile from the SQL beside each concern.
\echo Use "CREATE EXTENSION vqc" to load this file. \quit

-- Schema vqc (the API) is the extension's own schema (vqc.control);
-- vqc_report holds the quality report that dashboards read.
CREATE SCHEMA vqc_report;
GRANT USAGE ON SCHEMA vqc TO PUBLIC;
GRANT USAGE ON SCHEMA vqc_report TO PUBLIC;
-- regex.sql: PCRE2 matching (src/regex.c).

-- STABLE: vqc.regex_match_limit and vqc.regex_depth_limit decide whether a
-- match completes or raises
CREATE FUNCTION vqc.regex_match(value text, pattern text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_regex_match'
LANGUAGE C STRICT STABLE PARALLEL SAFE;

COMMENT ON FUNCTION vqc.regex_match(text, text) IS
'True when the PCRE2 pattern matches anywhere in the value (unanchored, like ~; '
'use ^ and $ to anchor). Perl/Python syntax; in a UTF-8 database characters and '
'classes such as \w and \d are Unicode (PCRE2_UTF and PCRE2_UCP), otherwise bytes '
'and ASCII. The pattern is compiled once per query (JIT when available). Bounded '
'by vqc.regex_match_limit and vqc.regex_depth_limit: a match that exceeds them '
'raises 54000. An invalid pattern raises 2201B.';

CREATE FUNCTION vqc.regex_validate(pattern text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_regex_validate'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION vqc.regex_validate(text) IS
'Compiles the pattern as vqc.regex_match would: true when it is valid, error '
'2201B (invalid_regular_expression) with PCRE2''s message and the offset otherwise.';

-- ---------------------------------------------------------------------
-- like_match.sql: SQL LIKE for the scan (src/like_match.c)
-- ---------------------------------------------------------------------
CREATE FUNCTION vqc.like_match(value text, pattern text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_like_match'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.like_match(text, text) IS
    'value LIKE pattern, exactly as text ~~ text (the same answers and errors, escape character \), faster on patterns of literals and %: such a pattern is compiled once per query.';
-- formats.sql: format validators (src/formats.c).

CREATE FUNCTION vqc.is_iso8601_date(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_is_iso8601_date'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION vqc.is_iso8601_date(text) IS
'True for an ISO 8601 calendar date in extended format, exactly YYYY-MM-DD '
'(year 0000-9999, a real day of the month, Gregorian leap years), nothing else '
'(no spaces, no time, no basic format YYYYMMDD).';

CREATE FUNCTION vqc.is_iso8601_datetime(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_is_iso8601_datetime'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION vqc.is_iso8601_datetime(text) IS
'True for YYYY-MM-DDThh:mm[:ss[.fraction]][Z|+hh:mm|+hhmm|+hh] (or -). As in '
'RFC 3339 practice, a space or lower-case t may replace T and z may replace Z; '
'the fraction has 1-9 digits after . or , and needs seconds. hh 00-23 (24:00 is '
'rejected, as in RFC 3339 and ISO 8601-1:2019), mm 00-59, ss 00-60 (leap second); '
'offset hours 00-23, minutes 00-59. A bare date is false.';

CREATE FUNCTION vqc.matches_strftime(value text, format text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_matches_strftime'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION vqc.matches_strftime(text, text) IS
'True when Python''s datetime.strptime(value, format) would succeed (what Great '
'Expectations'' expect_column_values_to_match_strftime_format checks): the '
'whole value is consumed, letters match case-insensitively, whitespace in the '
'format matches one or more whitespace characters, %m %d %H %M %S %I accept one '
'or two digits, and the result must be a valid datetime (no Feb 30, no second '
'60, no year 0; Feb 29 without a year fails as in Python). Directives: %a %A %b '
'%B %d %f %H %I %j %m %M %p %S %u %w %y %Y %z %Z %%, English names; %Z accepts '
'UTC and GMT only; digits are ASCII. Other directives (%c %x %X %U %W %G %V, '
'...), a repeated directive and a trailing lone % raise 22023.';

CREATE FUNCTION vqc.strftime_validate(format text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_strftime_validate'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION vqc.strftime_validate(text) IS
'True when vqc.matches_strftime accepts the format; error 22023 '
'(invalid_parameter_value) for an unsupported or repeated directive or a '
'trailing lone %.';

CREATE FUNCTION vqc.is_email(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_is_email'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION vqc.is_email(text) IS
'Practical e-mail address check: ASCII only (internationalized addresses are '
'rejected); at most 254 characters; exactly one @; local part 1-64 characters '
'of letters, digits, !#$%&''*+/=?^_`{|}~- and dots, without a leading, trailing '
'or doubled dot (quoted local parts are rejected); domain at most 253 characters, '
'two or more dot-separated labels of 1-63 letters, digits and hyphens, not '
'starting or ending with a hyphen, the last label not all digits (no address '
'literals, no trailing dot).';
-- input_syntax.sql: valid numeric and boolean input, tested without raising
-- (src/input_syntax.c), so that the runner converts failing samples without
-- a subtransaction per sample.

CREATE FUNCTION vqc._numeric_input_valid(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_numeric_input_valid'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc._boolean_input(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_boolean_input'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

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

-- ---------------------------------------------------------------------
-- exact_quantile.sql: vqc.exact_quantile_state, exact quantiles in one scan
-- ---------------------------------------------------------------------
-- The state is a real SQL type (not internal) so that partial states can
-- travel (parallel workers, Citus).  Text form: hex of the binary form.

CREATE TYPE vqc.exact_quantile_state;

CREATE FUNCTION vqc.exact_quantile_state_in(cstring)
RETURNS vqc.exact_quantile_state
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.exact_quantile_state_out(vqc.exact_quantile_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.exact_quantile_state_recv(internal)
RETURNS vqc.exact_quantile_state
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.exact_quantile_state_send(vqc.exact_quantile_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.exact_quantile_state (
    INPUT = vqc.exact_quantile_state_in,
    OUTPUT = vqc.exact_quantile_state_out,
    RECEIVE = vqc.exact_quantile_state_recv,
    SEND = vqc.exact_quantile_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

CREATE FUNCTION vqc.exact_quantile_transfn(vqc.exact_quantile_state, float8)
RETURNS vqc.exact_quantile_state
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_transfn'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- STABLE like the transition functions: growing a state reads
-- vqc.exact_memory_limit
CREATE FUNCTION vqc.exact_quantile_combinefn(vqc.exact_quantile_state, vqc.exact_quantile_state)
RETURNS vqc.exact_quantile_state
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_combinefn'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- INITCOND is the empty state: no rows (or only NULLs) give count 0.
CREATE AGGREGATE vqc.exact_quantile_agg(float8) (
    SFUNC = vqc.exact_quantile_transfn,
    STYPE = vqc.exact_quantile_state,
    COMBINEFUNC = vqc.exact_quantile_combinefn,
    INITCOND = '565143510001000000000000000000000000000000000000',
    PARALLEL = SAFE
);

-- numeric values are collected as numeric::float8 would give them, but
-- without the cast's text round trip
CREATE FUNCTION vqc.exact_quantile_numeric_transfn(vqc.exact_quantile_state, numeric)
RETURNS vqc.exact_quantile_state
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_numeric_transfn'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE vqc.exact_quantile_agg(numeric) (
    SFUNC = vqc.exact_quantile_numeric_transfn,
    STYPE = vqc.exact_quantile_state,
    COMBINEFUNC = vqc.exact_quantile_combinefn,
    INITCOND = '565143510001000000000000000000000000000000000000',
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.exact_quantile(state vqc.exact_quantile_state, q float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_exact_quantile'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.exact_quantile_disc(state vqc.exact_quantile_state, q float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_exact_quantile_disc'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.exact_quantile_disc(vqc.exact_quantile_state, float8) IS
    'Exactly percentile_disc(q) over the collected values; NULL when empty or overflowed.';

CREATE FUNCTION vqc.exact_quantile_count(state vqc.exact_quantile_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_vec8_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.exact_quantile_overflowed(state vqc.exact_quantile_state)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_vec8_overflowed'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Exact quantiles past the memory limit, by passes (vqc._exact_ranks): the
-- order key of a value (bigint order is float8 order, NaN last, -0 = 0), its
-- inverse, the k-th collected value, and percentile_cont's interpolation.
CREATE FUNCTION vqc.value_key(float8)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_value_key'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.value_key(numeric)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_numeric_value_key'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.key_value(bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_key_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.exact_kth(state vqc.exact_quantile_state, k bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_exact_kth'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.quantile_interpolate(first float8, second float8, q float8, n bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_quantile_interpolate'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

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

-- ---------------------------------------------------------------------
-- profile.sql: vqc.profile, a mergeable bounded-size column profile
-- ---------------------------------------------------------------------
-- The state is a real SQL type (not internal) so partial profiles can
-- travel (parallel workers, Citus, files).  Text form: hex of the binary
-- form.  See src/profile.c for what a profile holds and how.

CREATE TYPE vqc.profile;

CREATE FUNCTION vqc.profile_in(cstring)
RETURNS vqc.profile
AS 'MODULE_PATHNAME', 'vqc_profile_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.profile_out(vqc.profile)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_profile_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.profile_recv(internal)
RETURNS vqc.profile
AS 'MODULE_PATHNAME', 'vqc_profile_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.profile_send(vqc.profile)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_profile_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.profile (
    INPUT = vqc.profile_in,
    OUTPUT = vqc.profile_out,
    RECEIVE = vqc.profile_recv,
    SEND = vqc.profile_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- not strict: NULL inputs are counted
CREATE FUNCTION vqc.profile_transfn(vqc.profile, anyelement)
RETURNS vqc.profile
AS 'MODULE_PATHNAME', 'vqc_profile_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.profile_combinefn(vqc.profile, vqc.profile)
RETURNS vqc.profile
AS 'MODULE_PATHNAME', 'vqc_profile_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the aggregates' result: the stored form, with the numbers the state batches flushed
CREATE FUNCTION vqc.profile_finalfn(vqc.profile)
RETURNS vqc.profile
AS 'MODULE_PATHNAME', 'vqc_profile_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- INITCOND is the empty profile (kind set by the first row): no rows give
-- row_count 0.  Named *_agg: vqc.profile(text_col) would parse as a cast.
CREATE AGGREGATE vqc.profile_agg(anyelement) (
    SFUNC = vqc.profile_transfn,
    STYPE = vqc.profile,
    FINALFUNC = vqc.profile_finalfn,
    COMBINEFUNC = vqc.profile_combinefn,
    INITCOND = '5651435000010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.profile_agg(anyelement) IS
    'A mergeable column profile: counts, min/max, moments, quantile and distinct-count sketches, frequent values (exact up to 2048 values).';

-- Merging profiles (partitions, days, nodes).  The aggregate is merge_agg,
-- not merge: one name per arity would let a forgotten second argument turn
-- a row-wise merge into an aggregate silently.
CREATE FUNCTION vqc.merge(a vqc.profile, b vqc.profile)
RETURNS vqc.profile
AS 'MODULE_PATHNAME', 'vqc_profile_merge'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION vqc.merge(vqc.profile, vqc.profile) IS
    'The profile of both inputs'' rows; a NULL side yields the other.';

CREATE AGGREGATE vqc.merge_agg(vqc.profile) (
    SFUNC = vqc.profile_combinefn,
    STYPE = vqc.profile,
    FINALFUNC = vqc.profile_finalfn,
    COMBINEFUNC = vqc.profile_combinefn,
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.quantile(p vqc.profile, q float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_quantile'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.quantile(vqc.profile, float8) IS
    'Exact mode: percentile_cont(q) over the non-NaN values; sketch mode: the KLL estimate (normalized rank error <= 0.974 % at 99 % confidence, <= 0.986 % once the sketch samples past 1.4 M values).';

CREATE FUNCTION vqc.quantiles(p vqc.profile, qs float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'vqc_profile_quantiles'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.rank(p vqc.profile, x float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_rank'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.rank(vqc.profile, float8) IS
    'The fraction of non-NaN values <= x.';

CREATE FUNCTION vqc.ndistinct(p vqc.profile)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_ndistinct'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.ndistinct(vqc.profile) IS
    'Distinct non-null values: exact in exact mode, else HyperLogLog (p = 14, relative standard error 0.81 %).';

CREATE FUNCTION vqc.top_values(p vqc.profile, k integer)
RETURNS TABLE(value text, count bigint, error_bound bigint)
AS 'MODULE_PATHNAME', 'vqc_profile_top_values'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION vqc.top_values(vqc.profile, integer) IS
    'The k most frequent values; the true count lies in [count, count + error_bound] (Misra-Gries, error_bound <= n/65; 0 when exact).';

CREATE FUNCTION vqc.histogram(p vqc.profile, bins integer, kind text DEFAULT 'equal_width')
RETURNS TABLE(bin integer, lower float8, upper float8, count float8)
AS 'MODULE_PATHNAME', 'vqc_profile_histogram'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;

CREATE FUNCTION vqc.row_count(p vqc.profile) RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_profile_row_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.null_count(p vqc.profile) RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_profile_null_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.null_fraction(p vqc.profile) RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_null_fraction' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.mean(p vqc.profile) RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.variance(p vqc.profile) RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_variance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.variance(vqc.profile) IS 'Sample variance M2/(n-1) of the finite values.';
CREATE FUNCTION vqc.stddev(p vqc.profile) RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_stddev' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.skewness(p vqc.profile) RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_skewness' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.skewness(vqc.profile) IS 'Biased Fisher-Pearson skewness (scipy.stats.skew defaults).';
CREATE FUNCTION vqc.kurtosis(p vqc.profile) RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_profile_kurtosis' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.kurtosis(vqc.profile) IS 'Biased excess (Fisher) kurtosis (scipy.stats.kurtosis defaults).';
CREATE FUNCTION vqc.min_value(p vqc.profile) RETURNS text
AS 'MODULE_PATHNAME', 'vqc_profile_min_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.max_value(p vqc.profile) RETURNS text
AS 'MODULE_PATHNAME', 'vqc_profile_max_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.is_exact(p vqc.profile) RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_profile_is_exact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION vqc.profile_to_jsonb(p vqc.profile) RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_profile_to_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

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

-- ---------------------------------------------------------------------
-- regression_metrics.sql: vqc.regression_state and scikit-learn's
-- regression metrics over (y_true, y_pred)
-- ---------------------------------------------------------------------
-- One state serves every metric: vqc.regression_agg(y_true, y_pred) and an
-- accessor per metric, or the metric's own aggregate.  A pair with a NULL
-- is skipped and counted (vqc.regression_null_count); NaN and infinite
-- values are refused (22023).  No pairs: NULL metrics.  numeric and
-- integer columns take the implicit cast to float8.

CREATE TYPE vqc.regression_state;

CREATE FUNCTION vqc.regression_state_in(cstring)
RETURNS vqc.regression_state
AS 'MODULE_PATHNAME', 'vqc_regression_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_state_out(vqc.regression_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_regression_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_state_recv(internal)
RETURNS vqc.regression_state
AS 'MODULE_PATHNAME', 'vqc_regression_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_state_send(vqc.regression_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_regression_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.regression_state (
    INPUT = vqc.regression_state_in,
    OUTPUT = vqc.regression_state_out,
    RECEIVE = vqc.regression_state_recv,
    SEND = vqc.regression_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- not strict: a pair with a NULL is counted
CREATE FUNCTION vqc.regression_transfn(vqc.regression_state, float8, float8)
RETURNS vqc.regression_state
AS 'MODULE_PATHNAME', 'vqc_regression_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.regression_combinefn(vqc.regression_state, vqc.regression_state)
RETURNS vqc.regression_state
AS 'MODULE_PATHNAME', 'vqc_regression_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- INITCOND is the empty state: no rows give count 0 and NULL metrics.
CREATE AGGREGATE vqc.regression_agg(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn,
    STYPE = vqc.regression_state,
    COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.regression_agg(float8, float8) IS
    'A mergeable state behind every regression metric (MAE, MSE, RMSE, MAPE, R², max error).';

CREATE AGGREGATE vqc.merge_agg(vqc.regression_state) (
    SFUNC = vqc.regression_combinefn,
    STYPE = vqc.regression_state,
    COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.mean_absolute_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_mae'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.mean_squared_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_mse'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.root_mean_squared_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_rmse'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.mean_absolute_percentage_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_mape'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.mean_absolute_percentage_error(vqc.regression_state) IS
    'mean(|y_pred - y_true| / max(|y_true|, 2.220446049250313e-16)), as scikit-learn: a fraction, not a percentage.';

CREATE FUNCTION vqc.r2_score(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_r2'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.r2_score(vqc.regression_state) IS
    '1 - SS_res / SS_tot; constant y_true gives 1 for perfect predictions, else 0 (scikit-learn); NULL under two pairs.';

CREATE FUNCTION vqc.max_error(state vqc.regression_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_regression_max_error'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_count(state vqc.regression_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_regression_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_null_count(state vqc.regression_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_regression_null_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_to_jsonb(state vqc.regression_state)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_regression_to_jsonb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- scikit-learn's names, y_true first: the state with the metric as FINALFUNC
CREATE AGGREGATE vqc.mean_absolute_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.mean_absolute_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_squared_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.mean_squared_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.root_mean_squared_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.root_mean_squared_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_absolute_percentage_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.mean_absolute_percentage_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.r2_score(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.r2_score, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.max_error(y_true float8, y_pred float8) (
    SFUNC = vqc.regression_transfn, STYPE = vqc.regression_state,
    FINALFUNC = vqc.max_error, COMBINEFUNC = vqc.regression_combinefn,
    INITCOND = '5651434500010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
-- ---------------------------------------------------------------------
-- regression_numeric.sql: scikit-learn's regression metrics over numeric
-- (y_true, y_pred) in exact decimal arithmetic (src/regression_numeric.c)
-- ---------------------------------------------------------------------
-- Overloads of the six float8 aggregates: numeric columns now resolve to
-- these and get a numeric result, each metric one numeric division of exact
-- sums (the same as avg(abs(y_true - y_pred)) and its kin written in SQL).
-- Integer columns still resolve to the float8 aggregates.  A pair with a
-- NULL is skipped; NaN or infinite values: 22023; no pairs: NULL.

-- not strict: a pair with a NULL is counted.  Each keeps the sums of its
-- aggregates: |e| (MAE, max error), e * e (MSE, RMSE), the ratios (MAPE),
-- e * e, y and y * y (R^2).
CREATE FUNCTION vqc.regression_numeric_abs_transfn(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_abs_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_sq_transfn(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_sq_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_ape_transfn(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_ape_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_r2_transfn(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_r2_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: the first state (or serialized state) is read into a new one in the aggregate's context
CREATE FUNCTION vqc.regression_numeric_combinefn(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.regression_numeric_mae(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mae' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_mse(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mse' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_rmse(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_rmse' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_mape(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_mape' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_r2(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_r2' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION vqc.regression_numeric_max_error(internal) RETURNS numeric
AS 'MODULE_PATHNAME', 'vqc_regression_numeric_max_error' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.mean_absolute_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_abs_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_mae,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_squared_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_sq_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_mse,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.root_mean_squared_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_sq_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_rmse,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.mean_absolute_percentage_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_ape_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_mape,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.r2_score(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_r2_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_r2,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
CREATE AGGREGATE vqc.max_error(y_true numeric, y_pred numeric) (
    SFUNC = vqc.regression_numeric_abs_transfn, STYPE = internal, FINALFUNC = vqc.regression_numeric_max_error,
    FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = vqc.regression_numeric_combinefn,
    SERIALFUNC = vqc.regression_numeric_serialize, DESERIALFUNC = vqc.regression_numeric_deserialize, PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.mean_absolute_error(numeric, numeric) IS
    'Mean absolute error over numeric columns, exact: sum |y_true - y_pred| / n in numeric.';

-- ---------------------------------------------------------------------
-- ranking.sql: vqc.ranking_state and ranking metrics at k over one
-- query's rows (y_true relevance, y_score)
-- ---------------------------------------------------------------------
-- Per query: vqc.ndcg_score(rel, score, 10) ... GROUP BY query_id; averaged
-- over queries with avg(), or vqc.ranking_report() in one statement.  Tied
-- scores are averaged over their orders (scikit-learn's ndcg_score); a row
-- with a NULL relevance or score is skipped and counted.

CREATE TYPE vqc.ranking_state;

CREATE FUNCTION vqc.ranking_state_in(cstring)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_state_out(vqc.ranking_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_ranking_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_state_recv(internal)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_state_send(vqc.ranking_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_ranking_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.ranking_state (
    INPUT = vqc.ranking_state_in,
    OUTPUT = vqc.ranking_state_out,
    RECEIVE = vqc.ranking_state_recv,
    SEND = vqc.ranking_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- not strict: a row with a NULL is counted, and k must not be NULL
CREATE FUNCTION vqc.ranking_transfn(vqc.ranking_state, float8, float8, int4)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_combinefn(vqc.ranking_state, vqc.ranking_state)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the aggregate's result in its compacted form, without spare room
CREATE FUNCTION vqc.ranking_finalfn(vqc.ranking_state)
RETURNS vqc.ranking_state
AS 'MODULE_PATHNAME', 'vqc_ranking_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- INITCOND is the empty state (k set by the first row)
CREATE AGGREGATE vqc.ranking_agg(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn,
    STYPE = vqc.ranking_state,
    FINALFUNC = vqc.ranking_finalfn,
    COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ranking_agg(float8, float8, int4) IS
    'One query''s rows as the ranking metrics at k need them (exact, O(k) memory, mergeable).';

CREATE AGGREGATE vqc.merge_agg(vqc.ranking_state) (
    SFUNC = vqc.ranking_combinefn,
    STYPE = vqc.ranking_state,
    FINALFUNC = vqc.ranking_finalfn,
    COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.ndcg_score(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_ndcg'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.ndcg_score(vqc.ranking_state) IS
    'NDCG@k as scikit-learn 1.2''s ndcg_score (linear gain, tied scores averaged); 0 when no item is relevant.';

CREATE FUNCTION vqc.average_precision_at_k(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_ap'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.average_precision_at_k(vqc.ranking_state) IS
    'AP@k: sum of precision@i at the relevant positions i <= k, over min(k, relevant items); 0 when none is relevant.';

CREATE FUNCTION vqc.reciprocal_rank(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_rr'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.reciprocal_rank(vqc.ranking_state) IS
    '1 / rank of the first relevant item within the top k, else 0.';

CREATE FUNCTION vqc.precision_at_k(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_precision'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.precision_at_k(vqc.ranking_state) IS
    'Relevant items in the top k, over k.';

CREATE FUNCTION vqc.recall_at_k(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_recall'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.recall_at_k(vqc.ranking_state) IS
    'Relevant items in the top k, over all relevant items (0 when none).';

CREATE FUNCTION vqc.hit_rate(state vqc.ranking_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_hit'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.hit_rate(vqc.ranking_state) IS
    '1 when the top k hold a relevant item, else 0 (with ties at the cut: its probability).';

CREATE FUNCTION vqc.ranking_k(state vqc.ranking_state)
RETURNS int4
AS 'MODULE_PATHNAME', 'vqc_ranking_k'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_count(state vqc.ranking_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_ranking_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_null_count(state vqc.ranking_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_ranking_null_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_to_jsonb(state vqc.ranking_state)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_ranking_to_jsonb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- scikit-learn's argument order, y_true first: the state with the metric
-- as FINALFUNC, over one query's rows
CREATE AGGREGATE vqc.ndcg_score(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.ndcg_score, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.average_precision_at_k(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.average_precision_at_k, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.reciprocal_rank(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.reciprocal_rank, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.precision_at_k(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.precision_at_k, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.recall_at_k(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.recall_at_k, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);
CREATE AGGREGATE vqc.hit_rate(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc.hit_rate, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

-- {ndcg, ap, rr, precision, recall, hit, items, skipped rows, relevant
-- items} of a state from one compaction (vqc.ranking_report's per query;
-- the six metrics NULL for a state of no items)
CREATE FUNCTION vqc._ranking_metrics(state vqc.ranking_state)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'vqc_ranking_metrics'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the same over a query's rows, without the state's compacted copy
CREATE AGGREGATE vqc._ranking_metrics(y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_transfn, STYPE = vqc.ranking_state,
    FINALFUNC = vqc._ranking_metrics, COMBINEFUNC = vqc.ranking_combinefn,
    INITCOND = '5651434e00010000000000000000000000000000000000000000000000000000000000000000000000000000',
    PARALLEL = SAFE
);

-- Every ranking metric at k averaged over the queries of a table, in one
-- statement, read as the caller.  Rows with a NULL query are skipped and
-- counted in null_rows;
-- "queries" counts those with at least one row taken.  One aggregate over
-- the table (vqc.ranking_metrics_all, src/ranking_all.sql); past
-- vqc.exact_memory_limit, or for a query type without a hash function, the
-- per-query aggregates over GROUP BY, which spill to disk.
CREATE FUNCTION vqc.ranking_report(target regclass, query_column text, relevance_column text,
                                   score_column text, k integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    result  jsonb;
    -- Citus pushes down no aggregate of an internal state: grouped there
    grouped boolean := vqc._citus_distributed(target);
BEGIN
    IF target IS NULL OR query_column IS NULL OR relevance_column IS NULL OR score_column IS NULL OR k IS NULL THEN
        RAISE EXCEPTION 'vqc.ranking_report arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF k <= 0 THEN
        RAISE EXCEPTION 'k must be between 1 and 1000000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT grouped THEN
        BEGIN
            EXECUTE format($q$
                SELECT vqc.ranking_metrics_all(%4$I, (%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1)
                  FROM %1$s$q$,
                target, relevance_column, score_column, query_column)
            INTO result USING k;
        EXCEPTION WHEN program_limit_exceeded OR undefined_function THEN
            grouped := true;
        END;
    END IF;
    IF grouped THEN
        EXECUTE format($q$
            SELECT pg_catalog.jsonb_build_object(
                       'k', $1,
                       'queries', pg_catalog.count(*) FILTER (WHERE NOT no_query AND m[7] OPERATOR(pg_catalog.>) 0),
                       'queries_without_relevant',
                       pg_catalog.count(*) FILTER (WHERE NOT no_query AND m[7] OPERATOR(pg_catalog.>) 0
                                                         AND m[9] OPERATOR(pg_catalog.=) 0),
                       'rows', coalesce(pg_catalog.sum(m[7]) FILTER (WHERE NOT no_query), 0)::pg_catalog.int8,
                       -- the rows of no query (a NULL one) are skipped and counted, as by the aggregate
                       'null_rows', (coalesce(pg_catalog.sum(m[8]), 0)
                                     OPERATOR(pg_catalog.+) coalesce(pg_catalog.sum(m[7]) FILTER (WHERE no_query), 0))::pg_catalog.int8,
                       'ndcg', pg_catalog.avg(m[1]) FILTER (WHERE NOT no_query),
                       'map', pg_catalog.avg(m[2]) FILTER (WHERE NOT no_query),
                       'mrr', pg_catalog.avg(m[3]) FILTER (WHERE NOT no_query),
                       'precision', pg_catalog.avg(m[4]) FILTER (WHERE NOT no_query),
                       'recall', pg_catalog.avg(m[5]) FILTER (WHERE NOT no_query),
                       'hit_rate', pg_catalog.avg(m[6]) FILTER (WHERE NOT no_query))
              FROM (SELECT %4$I IS NULL AS no_query,
                           vqc._ranking_metrics((%2$I)::pg_catalog.float8, (%3$I)::pg_catalog.float8, $1) AS m
                      FROM %1$s
                     GROUP BY %4$I) q$q$,
            target, relevance_column, score_column, query_column)
        INTO result USING k;
    END IF;
    -- no row at all: the aggregate's NULL
    RETURN coalesce(result, pg_catalog.jsonb_build_object(
        'k', k, 'queries', 0, 'queries_without_relevant', 0, 'rows', 0, 'null_rows', 0,
        'ndcg', NULL, 'map', NULL, 'mrr', NULL, 'precision', NULL, 'recall', NULL, 'hit_rate', NULL));
END
$$;
COMMENT ON FUNCTION vqc.ranking_report(regclass, text, text, text, integer) IS
    'NDCG, MAP, MRR, precision, recall and hit rate at k, each averaged over the queries of the table (read as the caller).';
-- ---------------------------------------------------------------------
-- ranking_all.sql: ranking metrics at k averaged over every query of a
-- table in one aggregate, without GROUP BY (src/ranking_all.c)
-- ---------------------------------------------------------------------
-- SELECT vqc.ndcg_at_k_all(query_id, rel, score, 10) FROM results;
-- Each query's rows are kept in a hash table keyed by the query value until
-- the end (about 16 bytes a row), within vqc.exact_memory_limit (54000 past
-- it).  Same metrics, ties and NULL rules as the per-query aggregates; a row
-- with a NULL query is skipped and counted with the NULL rows.

-- not strict: rows with NULLs are left out or counted, k must not be NULL
CREATE FUNCTION vqc.ranking_all_transfn(internal, anyelement, float8, float8, int4)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: the first state (or serialized state) is read into a new one in the aggregate's context
CREATE FUNCTION vqc.ranking_all_combinefn(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_ranking_all_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_ndcg(internal)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_ranking_all_ndcg'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.ranking_all_report(internal)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_ranking_all_report'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.ndcg_at_k_all(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_all_transfn,
    STYPE = internal,
    FINALFUNC = vqc.ranking_all_ndcg,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    SERIALFUNC = vqc.ranking_all_serialize,
    DESERIALFUNC = vqc.ranking_all_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ndcg_at_k_all(anyelement, float8, float8, int4) IS
    'NDCG@k (scikit-learn 1.2''s ndcg_score, ties averaged) of each query, averaged over the queries, in one aggregate without GROUP BY.';

CREATE AGGREGATE vqc.ranking_metrics_all(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc.ranking_all_transfn,
    STYPE = internal,
    FINALFUNC = vqc.ranking_all_report,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    SERIALFUNC = vqc.ranking_all_serialize,
    DESERIALFUNC = vqc.ranking_all_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.ranking_metrics_all(anyelement, float8, float8, int4) IS
    'NDCG, MAP, MRR, precision, recall and hit rate at k averaged over the queries, with counts, in one aggregate without GROUP BY (jsonb).';

-- The form a suite's scan uses (expect_ranking_metric_to_be_between): past
-- vqc.exact_memory_limit it stops keeping rows and ends in {"k": k,
-- "overflow": true} instead of raising, so the scan's other checks go on and
-- the runner reads the metric in a pass of its own (vqc.ranking_report).
CREATE FUNCTION vqc._ranking_all_soft_transfn(internal, anyelement, float8, float8, int4)
RETURNS internal
AS 'MODULE_PATHNAME', 'vqc_ranking_all_soft_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE vqc._ranking_metrics_all_soft(query anyelement, y_true float8, y_score float8, k int4) (
    SFUNC = vqc._ranking_all_soft_transfn,
    STYPE = internal,
    FINALFUNC = vqc.ranking_all_report,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = vqc.ranking_all_combinefn,
    SERIALFUNC = vqc.ranking_all_serialize,
    DESERIALFUNC = vqc.ranking_all_deserialize,
    PARALLEL = SAFE
);

-- ---------------------------------------------------------------------
-- agreement.sql: vqc.agreement_state and annotator agreement over
-- long-format ratings (item, annotator, label)
-- ---------------------------------------------------------------------
-- Items, annotators and labels of any type, compared by their text form
-- (ordinal and interval labels read as numbers).  A rating with a NULL is
-- skipped and counted (missing ratings are allowed where the measure
-- allows them).  The state keeps every rating: exact and mergeable.

CREATE TYPE vqc.agreement_state;

CREATE FUNCTION vqc.agreement_state_in(cstring)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_state_out(vqc.agreement_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_agreement_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_state_recv(internal)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_state_send(vqc.agreement_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_agreement_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.agreement_state (
    INPUT = vqc.agreement_state_in,
    OUTPUT = vqc.agreement_state_out,
    RECEIVE = vqc.agreement_state_recv,
    SEND = vqc.agreement_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

-- Not strict: a rating with a NULL is counted.  STABLE: the text form of
-- a value may depend on settings (DateStyle, extra_float_digits).
CREATE FUNCTION vqc.agreement_transfn(vqc.agreement_state, "any", "any", "any")
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_items_transfn(vqc.agreement_state, "any", "any")
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_items_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_alpha_transfn(vqc.agreement_state, "any", "any", "any", text)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_alpha_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_cohen_transfn(vqc.agreement_state, "any", "any", "any", text)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_cohen_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_combinefn(vqc.agreement_state, vqc.agreement_state)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the aggregate's result without spare room
CREATE FUNCTION vqc.agreement_finalfn(vqc.agreement_state)
RETURNS vqc.agreement_state
AS 'MODULE_PATHNAME', 'vqc_agreement_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE vqc.agreement_agg(item "any", annotator "any", label "any") (
    SFUNC = vqc.agreement_transfn,
    STYPE = vqc.agreement_state,
    FINALFUNC = vqc.agreement_finalfn,
    COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.agreement_agg("any", "any", "any") IS
    'Long-format ratings for percent agreement, Fleiss'' kappa, Krippendorff''s alpha and Cohen''s kappa (exact, mergeable).';

CREATE AGGREGATE vqc.merge_agg(vqc.agreement_state) (
    SFUNC = vqc.agreement_combinefn,
    STYPE = vqc.agreement_state,
    FINALFUNC = vqc.agreement_finalfn,
    COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000',
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.percent_agreement(state vqc.agreement_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_percent'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.percent_agreement(vqc.agreement_state) IS
    'Mean over items of two or more ratings of the share of rating pairs that agree.';

CREATE FUNCTION vqc.fleiss_kappa(state vqc.agreement_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_fleiss'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.fleiss_kappa(vqc.agreement_state) IS
    'Fleiss'' kappa as statsmodels 0.13; every item must have the same number (>= 2) of ratings (22023 otherwise).';

CREATE FUNCTION vqc.krippendorff_alpha(state vqc.agreement_state, level text)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_alpha'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.krippendorff_alpha(vqc.agreement_state, text) IS
    'Krippendorff''s alpha at level nominal, ordinal or interval (NLTK 3.8; ordinal: the textbook metric); missing ratings allowed.';

CREATE FUNCTION vqc.krippendorff_alpha(state vqc.agreement_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_alpha_bound'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.krippendorff_alpha(vqc.agreement_state) IS
    'Krippendorff''s alpha at the level the state was taken with (vqc.krippendorff_alpha''s aggregate).';

CREATE FUNCTION vqc.cohen_kappa(state vqc.agreement_state, weights text)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_cohen'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION vqc.cohen_kappa(vqc.agreement_state, text) IS
    'Cohen''s kappa of exactly two annotators over the items both rated (weights NULL, linear or quadratic), as scikit-learn''s cohen_kappa_score.';

CREATE FUNCTION vqc.cohen_kappa(state vqc.agreement_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_agreement_cohen_bound'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_count(state vqc.agreement_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_agreement_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.agreement_null_count(state vqc.agreement_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_agreement_null_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the measures as aggregates over the ratings
CREATE AGGREGATE vqc.percent_agreement(item "any", label "any") (
    SFUNC = vqc.agreement_items_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.percent_agreement, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
CREATE AGGREGATE vqc.fleiss_kappa(item "any", label "any") (
    SFUNC = vqc.agreement_items_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.fleiss_kappa, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
CREATE AGGREGATE vqc.krippendorff_alpha(item "any", annotator "any", label "any", level text) (
    SFUNC = vqc.agreement_alpha_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.krippendorff_alpha, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
CREATE AGGREGATE vqc.cohen_kappa(item "any", annotator "any", label "any") (
    SFUNC = vqc.agreement_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.cohen_kappa, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
CREATE AGGREGATE vqc.cohen_kappa(item "any", annotator "any", label "any", weights text) (
    SFUNC = vqc.agreement_cohen_transfn, STYPE = vqc.agreement_state,
    FINALFUNC = vqc.cohen_kappa, COMBINEFUNC = vqc.agreement_combinefn,
    INITCOND = '565143410001000000000000000000000000000000000000', PARALLEL = SAFE
);
-- report.sql: the quality report (schema vqc_report) that every run writes and
-- dashboards read.  All rows of one run are written in the run's transaction.
--
-- Privileges (README, "Security"): nobody but the extension's owner writes
-- these tables; vqc's functions write them through vqc_with_caller
-- (privilege.c), recording the real caller.  PUBLIC has no privilege on
-- them: a DBA grants SELECT to report readers.  What a report reader sees is
-- in two tiers:
--   counts, percents, pass/fail, names and kwargs: every row of run, result,
--     metric (not is_value), drift_run and drift_result;
--   row values (samples, observed values, GE's full result, statistics that
--     are values, profiles, drift details): rows of result_detail,
--     unexpected, metric (is_value), profile and drift_detail, each carrying
--     its table's OID and name, visible through row-level security only to
--     roles for which vqc_report.may_read_values() holds now.

-- May the current role see row values stored from this table?  See
-- privilege.c: SELECT on it now, the same OID and name as when stored, and
-- no row-level security applying to the role on it.
CREATE FUNCTION vqc_report.may_read_values(target regclass, target_schema name, target_table name)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_may_read_values'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc_report.may_read_values(regclass, name, name) IS
    'Whether the current role may see row values vqc stored from a table: SELECT on it now, still the same table (OID and name), and no row-level security applying to the role on it.';

CREATE TABLE vqc_report.run (
    run_id                     bigserial PRIMARY KEY,
    suite_name                 text NOT NULL,
    target_schema              name NOT NULL,
    target_table               name NOT NULL,
    started_at                 timestamptz NOT NULL,
    finished_at                timestamptz NOT NULL,
    rows_scanned               bigint,
    scans                      integer NOT NULL,
    success                    boolean NOT NULL,
    evaluated_expectations     integer NOT NULL,
    successful_expectations    integer NOT NULL,
    unsuccessful_expectations  integer NOT NULL,
    error_expectations         integer NOT NULL,
    success_percent            double precision,
    run_by                     name NOT NULL,
    target                     regclass,
    suite_id                   bigint,
    row_security               boolean NOT NULL DEFAULT false
);
CREATE INDEX ON vqc_report.run (suite_name, started_at DESC);
COMMENT ON TABLE vqc_report.run IS 'One row per vqc.run() of a suite.';
COMMENT ON COLUMN vqc_report.run.row_security IS
    'The runner saw the table through row-level security: the counts are of the rows visible to run_by.';

CREATE TABLE vqc_report.result (
    run_id              bigint NOT NULL REFERENCES vqc_report.run ON DELETE CASCADE,
    position            integer NOT NULL,
    expectation_id      bigint,
    expectation_type    text NOT NULL,
    column_name         text,
    kwargs              jsonb NOT NULL,
    status              text NOT NULL CHECK (status IN ('success', 'failure', 'error')),
    success             boolean,
    element_count       bigint,
    missing_count       bigint,
    missing_percent     double precision,
    unexpected_count    bigint,
    unexpected_percent  double precision,
    error_message       text,
    PRIMARY KEY (run_id, position)
);
COMMENT ON TABLE vqc_report.result IS
    'One row per expectation per run: status and counts (values are in result_detail).';
COMMENT ON COLUMN vqc_report.result.kwargs IS
    'The expectation''s kwargs, clipped: strings to vqc.sample_value_max_bytes, arrays to 20 elements (vqc.suite_expectation has them whole).';

CREATE TABLE vqc_report.result_detail (
    run_id          bigint NOT NULL,
    position        integer NOT NULL,
    target          regclass NOT NULL,
    target_schema   name NOT NULL,
    target_table    name NOT NULL,
    observed_value  jsonb,
    result          jsonb NOT NULL,
    PRIMARY KEY (run_id, position),
    FOREIGN KEY (run_id, position) REFERENCES vqc_report.result ON DELETE CASCADE
);
COMMENT ON TABLE vqc_report.result_detail IS
    'The observed value and Great Expectations'' full validation result of each result; visible only where vqc_report.may_read_values() holds.';

CREATE TABLE vqc_report.unexpected (
    run_id         bigint NOT NULL,
    position       integer NOT NULL,
    ordinality     integer NOT NULL,
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    column_name    text,
    value          text,
    value_clipped  boolean NOT NULL DEFAULT false,
    row_key        jsonb,
    target         regclass NOT NULL,
    PRIMARY KEY (run_id, position, ordinality),
    FOREIGN KEY (run_id, position) REFERENCES vqc_report.result ON DELETE CASCADE
);
COMMENT ON TABLE vqc_report.unexpected IS
    'Failing values with their row keys; visible only where vqc_report.may_read_values() holds.';

-- Metric history: every observed number of every run, for trends and anomaly checks.
CREATE TABLE vqc_report.metric (
    run_id         bigint NOT NULL REFERENCES vqc_report.run ON DELETE CASCADE,
    position       integer,
    suite_name     text NOT NULL,
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    column_name    text,
    metric_name    text NOT NULL,
    value          double precision,
    recorded_at    timestamptz NOT NULL,
    target         regclass,
    is_value       boolean NOT NULL DEFAULT false
);
CREATE INDEX ON vqc_report.metric (suite_name, metric_name, column_name, recorded_at);
CREATE INDEX ON vqc_report.metric (run_id);
COMMENT ON TABLE vqc_report.metric IS 'Numbers observed by each run (counts, percents, statistics).';
COMMENT ON COLUMN vqc_report.metric.is_value IS
    'The number is a statistic of the column''s values (min, max, mean, quantile, ...): visible only where vqc_report.may_read_values() holds.';

-- Column profiles of each run: the history that drift and anomaly checks read.
CREATE TABLE vqc_report.profile (
    run_id         bigint NOT NULL REFERENCES vqc_report.run ON DELETE CASCADE,
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    column_name    text NOT NULL,
    column_type    text NOT NULL,
    profile        vqc.profile NOT NULL,
    target         regclass NOT NULL,
    PRIMARY KEY (run_id, column_name)
);
COMMENT ON TABLE vqc_report.profile IS
    'Column profiles taken by each run (suite option profile_columns); visible only where vqc_report.may_read_values() holds.';

ALTER TABLE vqc_report.result_detail ENABLE ROW LEVEL SECURITY;
CREATE POLICY result_detail_readers ON vqc_report.result_detail FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
ALTER TABLE vqc_report.unexpected ENABLE ROW LEVEL SECURITY;
CREATE POLICY unexpected_readers ON vqc_report.unexpected FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
ALTER TABLE vqc_report.metric ENABLE ROW LEVEL SECURITY;
CREATE POLICY metric_readers ON vqc_report.metric FOR SELECT
    USING (NOT is_value OR vqc_report.may_read_values(target, target_schema, target_table));
ALTER TABLE vqc_report.profile ENABLE ROW LEVEL SECURITY;
CREATE POLICY profile_readers ON vqc_report.profile FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));

SELECT pg_catalog.pg_extension_config_dump('vqc_report.run', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.run_run_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.result', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.result_detail', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.unexpected', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.metric', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.profile', '');

-- The views run with the reader's rights (security_invoker), so the
-- row-level security above applies to them as to the tables.

-- Every result with its run, and its values where the reader may see them.
CREATE VIEW vqc_report.results WITH (security_invoker = true) AS
SELECT r.suite_name, r.target_schema, r.target_table, r.run_id, r.started_at, r.run_by,
       res.position, res.expectation_id, res.expectation_type, res.column_name,
       res.status, res.success, d.observed_value, res.element_count,
       res.missing_count, res.missing_percent, res.unexpected_count, res.unexpected_percent,
       res.error_message, res.kwargs, d.result
FROM vqc_report.run r
JOIN vqc_report.result res USING (run_id)
LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position;
COMMENT ON VIEW vqc_report.results IS
    'Every result with its run; observed_value and result (GE''s full result) are NULL where the reader may not see the table''s values.';

-- Latest result of each expectation of each suite.
CREATE VIEW vqc_report.latest_results WITH (security_invoker = true) AS
SELECT DISTINCT ON (r.suite_name, res.position)
       r.suite_name, r.target_schema, r.target_table, r.run_id, r.started_at,
       res.position, res.expectation_id, res.expectation_type, res.column_name,
       res.status, res.success, d.observed_value, res.element_count,
       res.missing_count, res.unexpected_count, res.unexpected_percent,
       res.error_message, res.kwargs
FROM vqc_report.run r
JOIN vqc_report.result res USING (run_id)
LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
WHERE r.run_id = (SELECT max(r2.run_id) FROM vqc_report.run r2 WHERE r2.suite_name = r.suite_name)
ORDER BY r.suite_name, res.position, r.run_id DESC;
COMMENT ON VIEW vqc_report.latest_results IS
    'The latest result of each expectation of each suite (observed_value NULL where the reader may not see the table''s values).';

-- One line per run, for dashboards.
CREATE VIEW vqc_report.run_summary WITH (security_invoker = true) AS
SELECT run_id, suite_name, target_schema, target_table, started_at,
       finished_at - started_at AS duration, rows_scanned, scans, success,
       evaluated_expectations, successful_expectations, unsuccessful_expectations,
       error_expectations, success_percent, run_by
FROM vqc_report.run;
COMMENT ON VIEW vqc_report.run_summary IS 'Every run with its duration and counts.';

-- The latest profile of each profiled column of each suite, summarized.
CREATE VIEW vqc_report.latest_profiles WITH (security_invoker = true) AS
SELECT r.suite_name, p.target_schema, p.target_table, p.column_name, p.column_type, r.run_id, r.started_at,
       vqc.row_count(p.profile) AS row_count, vqc.null_fraction(p.profile) AS null_fraction,
       vqc.ndistinct(p.profile) AS ndistinct, vqc.mean(p.profile) AS mean, vqc.stddev(p.profile) AS stddev,
       vqc.quantile(p.profile, 0.5) AS median, vqc.min_value(p.profile) AS min_value,
       vqc.max_value(p.profile) AS max_value, p.profile
FROM vqc_report.run r
JOIN vqc_report.profile p USING (run_id)
WHERE r.run_id = (SELECT max(r2.run_id) FROM vqc_report.run r2
                   JOIN vqc_report.profile p2 USING (run_id)
                   WHERE r2.suite_name = r.suite_name);
COMMENT ON VIEW vqc_report.latest_profiles IS 'The latest profile of each profiled column of each suite (row-level security applies).';
-- catalog.sql: the expectations vqc knows, with their kwargs.
--
-- kind:
--   map        row-level condition; counts element / missing / unexpected rows
--   aggregate  one statistic of a column, compared with min_value / max_value
--   statistic  a distribution statistic of a column (quantiles, distinct values,
--              modes), answered from the column's profile where that is exact
--   table      a property of the whole table (row count)
--   schema     answered from the catalog, without a scan (columns, types)
--   history    a metric of this run against the suite's earlier runs (history.sql)

CREATE TABLE vqc.expectation_catalog (
    expectation_type text PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('map', 'aggregate', 'statistic', 'table', 'schema', 'history')),
    required_kwargs  text[] NOT NULL,
    optional_kwargs  text[] NOT NULL,
    description      text NOT NULL
);
COMMENT ON TABLE vqc.expectation_catalog IS
    'Expectation types vqc evaluates, with the Great Expectations kwargs each accepts.';
GRANT SELECT ON vqc.expectation_catalog TO PUBLIC;

-- kwargs every expectation accepts (GE's common ones)
CREATE FUNCTION vqc._common_kwargs() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['result_format', 'include_config', 'catch_exceptions', 'meta', 'notes',
                    'row_condition', 'condition_parser'] $$;

INSERT INTO vqc.expectation_catalog VALUES
('expect_column_to_exist', 'schema', '{column}', '{column_index}',
 'The column exists (at column_index, zero-based as in GE, when given).'),
('expect_table_columns_to_match_set', 'schema', '{}', '{column_set,exact_match}',
 'The table''s columns are column_set (exact_match, default true) or include it.'),
('expect_table_columns_to_match_ordered_list', 'schema', '{}', '{column_list}',
 'The table''s columns are column_list, in that order.'),
('expect_table_column_count_to_equal', 'schema', '{value}', '{}',
 'The table has exactly value columns.'),
('expect_table_column_count_to_be_between', 'schema', '{}', '{min_value,max_value}',
 'The table''s column count is within [min_value, max_value].'),
('expect_column_values_to_be_of_type', 'schema', '{column,type_}', '{}',
 'The column''s declared type is type_ (a PostgreSQL type name such as INTEGER or TEXT).'),
('expect_column_values_to_be_in_type_list', 'schema', '{column}', '{type_list}',
 'The column''s declared type is one of type_list.'),
('expect_table_row_count_to_be_between', 'table', '{}', '{min_value,max_value}',
 'The number of rows is within [min_value, max_value].'),
('expect_table_row_count_to_equal', 'table', '{value}', '{}',
 'The number of rows is exactly value.'),
('expect_column_values_to_not_be_null', 'map', '{column}', '{mostly}',
 'Values are not null.'),
('expect_column_values_to_be_null', 'map', '{column}', '{mostly}',
 'Values are null.'),
('expect_column_values_to_be_between', 'map', '{column}', '{min_value,max_value,strict_min,strict_max,mostly}',
 'Values are within [min_value, max_value]; either bound may be omitted.'),
('expect_column_values_to_be_unique', 'map', '{column}', '{mostly}',
 'No value occurs more than once; every row of a repeated value is unexpected.'),
('expect_column_values_to_match_regex', 'map', '{column,regex}', '{mostly}',
 'Values match the PCRE2 pattern regex somewhere (unanchored, as re.search).'),
('expect_column_values_to_not_match_regex', 'map', '{column,regex}', '{mostly}',
 'Values do not match the PCRE2 pattern regex anywhere.'),
('expect_column_values_to_match_regex_list', 'map', '{column,regex_list}', '{match_on,mostly}',
 'Values match any (match_on = any, default) or all of the patterns.'),
('expect_column_values_to_not_match_regex_list', 'map', '{column,regex_list}', '{mostly}',
 'Values match none of the patterns.'),
('expect_column_values_to_match_strftime_format', 'map', '{column,strftime_format}', '{mostly}',
 'Values parse with Python''s strptime semantics for strftime_format.'),
('expect_column_values_to_be_iso8601', 'map', '{column}', '{kind,mostly}',
 'vqc extension: values are strict ISO 8601 dates (kind = date, default) or date-times (kind = datetime).'),
('expect_column_values_to_be_valid_email', 'map', '{column}', '{mostly}',
 'vqc extension: values are practical e-mail addresses (see vqc.is_email).'),
('expect_column_values_to_be_in_set', 'map', '{column,value_set}', '{mostly}',
 'Values are in value_set.'),
('expect_column_values_to_not_be_in_set', 'map', '{column,value_set}', '{mostly}',
 'Values are not in value_set.'),
('expect_column_value_lengths_to_be_between', 'map', '{column}', '{min_value,max_value,strict_min,strict_max,mostly}',
 'Character lengths of the values are within [min_value, max_value].'),
('expect_column_value_lengths_to_equal', 'map', '{column,value}', '{mostly}',
 'Character lengths of the values equal value.'),
('expect_column_mean_to_be_between', 'aggregate', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The mean of the non-null values is within [min_value, max_value].'),
('expect_column_median_to_be_between', 'aggregate', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The exact median (as percentile_cont(0.5)) is within [min_value, max_value].'),
('expect_column_stdev_to_be_between', 'aggregate', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The sample standard deviation is within [min_value, max_value].'),
('expect_column_min_to_be_between', 'aggregate', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The minimum is within [min_value, max_value].'),
('expect_column_max_to_be_between', 'aggregate', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The maximum is within [min_value, max_value].'),
('expect_column_sum_to_be_between', 'aggregate', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The sum of the values is within [min_value, max_value].'),
('expect_column_quantile_values_to_be_between', 'statistic', '{column,quantile_ranges}', '{allow_relative_error}',
 'Each quantile (percentile_disc, exact) lies in its range; allow_relative_error answers from the KLL sketch with its rank error.'),
('expect_column_unique_value_count_to_be_between', 'statistic', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'The number of distinct non-null values is within bounds.'),
('expect_column_proportion_of_unique_values_to_be_between', 'statistic', '{column}', '{min_value,max_value,strict_min,strict_max}',
 'Distinct values / non-null values is within bounds.'),
('expect_column_most_common_value_to_be_in_set', 'statistic', '{column,value_set}', '{ties_okay}',
 'The most common value (all of them when tied) is in value_set; with ties_okay, one of them.'),
('expect_column_distinct_values_to_be_in_set', 'statistic', '{column}', '{value_set}',
 'Every distinct non-null value is in value_set.'),
('expect_column_distinct_values_to_contain_set', 'statistic', '{column,value_set}', '{}',
 'Every value of value_set occurs in the column.'),
('expect_column_distinct_values_to_equal_set', 'statistic', '{column,value_set}', '{}',
 'The distinct non-null values are exactly value_set.'),
('expect_column_drift_to_be_less_than', 'statistic', '{column,baseline}', '{method,threshold,options}',
 'vqc extension: the drift score against a stored baseline profile (vqc.set_baseline) stays under the method''s threshold.'),
('expect_column_kl_divergence_to_be_less_than', 'statistic', '{column}',
 '{partition_object,threshold,internal_weight_holdout,tail_weight_holdout,bucketize_data}',
 'KL(observed || expected) of the column against partition_object (bins or values with weights) is at most threshold.');

-- Great Expectations types of several columns, z-scores, other tables (ge_types.sql)
INSERT INTO vqc.expectation_catalog VALUES
('expect_column_values_to_match_like_pattern', 'map', '{column,like_pattern}', '{mostly}',
 'Values match the SQL LIKE pattern like_pattern.'),
('expect_column_values_to_not_match_like_pattern', 'map', '{column,like_pattern}', '{mostly}',
 'Values do not match the SQL LIKE pattern like_pattern.'),
('expect_column_values_to_match_like_pattern_list', 'map', '{column,like_pattern_list}', '{match_on,mostly}',
 'Values match any (match_on = any, default) or all of the SQL LIKE patterns.'),
('expect_column_values_to_not_match_like_pattern_list', 'map', '{column,like_pattern_list}', '{mostly}',
 'Values match none of the SQL LIKE patterns.'),
('expect_column_pair_values_a_to_be_greater_than_b', 'map', '{column_A,column_B}', '{or_equal,ignore_row_if,mostly}',
 'column_A > column_B in each row (>= with or_equal); ignore_row_if: both_values_are_missing (default), either_value_is_missing, neither.'),
('expect_column_pair_values_to_be_equal', 'map', '{column_A,column_B}', '{ignore_row_if,mostly}',
 'column_A = column_B in each row; a missing value on one side is unequal.'),
('expect_column_pair_values_to_be_in_set', 'map', '{column_A,column_B,value_pairs_set}', '{ignore_row_if,mostly}',
 'Each row''s pair (column_A, column_B) is one of value_pairs_set ([[a, b], ...]).'),
('expect_compound_columns_to_be_unique', 'map', '{column_list}', '{ignore_row_if,mostly}',
 'No combination of the values of column_list occurs in more than one row; ignore_row_if: all_values_are_missing (default), any_value_is_missing, never.'),
('expect_multicolumn_sum_to_equal', 'map', '{column_list,sum_total}', '{ignore_row_if,mostly}',
 'The values of column_list sum (exactly, as numeric) to sum_total in each row.'),
('expect_select_column_values_to_be_unique_within_record', 'map', '{column_list}', '{ignore_row_if,mostly}',
 'The values of column_list differ from each other within each row.'),
('expect_column_value_z_scores_to_be_less_than', 'map', '{column,threshold}', '{double_sided,mostly}',
 'Each value''s z-score (against the column''s mean and sample stdev) is below threshold (in absolute value when double_sided, default true).'),
('expect_column_values_to_be_in_other_table', 'map', '{column,other_table,other_column}', '{mostly}',
 'vqc extension: every value occurs in other_table.other_column (referential integrity).'),
('expect_table_row_count_to_equal_other_table', 'table', '{other_table_name}', '{}',
 'The table has as many rows as other_table_name.'),
('expect_table_row_count_to_be_within_other_table_by', 'table', '{other_table_name,tolerance}', '{}',
 'vqc extension: |rows - other''s rows| <= tolerance x other''s rows (a relative tolerance).'),
('unexpected_rows_expectation', 'table', '{unexpected_rows_query}', '{}',
 'The query ({batch} stands for the table) returns no rows; vqc.expect only, never in a suite.');
-- engine.sql: turns one expectation into the SQL it needs.
--
-- vqc._plan() validates an expectation's kwargs against the table and returns
-- a plan (jsonb): the aggregate expressions ("items") its answer is made of,
-- named so that expectations sharing an item (count(*), count(col)) share it
-- in the suite's single SELECT.  Values from kwargs never enter the SQL text:
-- the expressions read them from the parameter $1 (a jsonb array holding every
-- expectation's kwargs), which the planner folds to constants once per query.

-- ---------------------------------------------------------------------------
-- kwargs helpers

CREATE FUNCTION vqc._bad_kwarg(etype text, message text, hint text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    RAISE EXCEPTION '%', message
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = format('Expectation: %s.', etype),
              HINT = coalesce(hint, 'See vqc.expectation_catalog for the arguments each expectation takes.');
END
$$;

-- The catalog entry of an expectation type, after checking kwargs' keys.
CREATE FUNCTION vqc._check_kwargs(etype text, kwargs jsonb)
RETURNS vqc.expectation_catalog
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    entry vqc.expectation_catalog;
    key   text;
BEGIN
    SELECT * INTO entry FROM vqc.expectation_catalog c WHERE c.expectation_type = etype;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown expectation type "%"', etype
            USING ERRCODE = 'undefined_object',
                  HINT = 'SELECT expectation_type FROM vqc.expectation_catalog lists the known types.';
    END IF;
    IF kwargs IS NULL OR jsonb_typeof(kwargs) <> 'object' THEN
        PERFORM vqc._bad_kwarg(etype, 'expectation kwargs must be a JSON object');
    END IF;
    FOR key IN SELECT jsonb_object_keys(kwargs) LOOP
        IF NOT (key = ANY (entry.required_kwargs || entry.optional_kwargs || vqc._common_kwargs())) THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown argument "%s"', key));
        END IF;
    END LOOP;
    FOREACH key IN ARRAY entry.required_kwargs LOOP
        IF NOT kwargs ? key OR jsonb_typeof(kwargs -> key) = 'null' THEN
            PERFORM vqc._bad_kwarg(etype, format('missing argument "%s"', key));
        END IF;
    END LOOP;
    RETURN entry;
END
$$;

-- kwargs -> key when it is present and of one of the JSON types allowed, else an error.
CREATE FUNCTION vqc._kw(etype text, kwargs jsonb, key text, allowed text[])
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v jsonb := kwargs -> key;
BEGIN
    IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
        RETURN NULL;
    END IF;
    IF NOT jsonb_typeof(v) = ANY (allowed) THEN
        PERFORM vqc._bad_kwarg(etype, format('argument "%s" must be of JSON type %s, not %s',
                                             key, array_to_string(allowed, ' or '), jsonb_typeof(v)));
    END IF;
    RETURN v;
END
$$;

CREATE FUNCTION vqc._kw_bool(etype text, kwargs jsonb, key text, default_value boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT coalesce((vqc._kw(etype, kwargs, key, '{boolean}'))::boolean, default_value) $$;

CREATE FUNCTION vqc._kw_text(etype text, kwargs jsonb, key text)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT vqc._kw(etype, kwargs, key, '{string}') #>> '{}' $$;

-- An integer argument (a JSON number with no fraction that fits an integer).
CREATE FUNCTION vqc._kw_int(etype text, kwargs jsonb, key text)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v numeric := (vqc._kw(etype, kwargs, key, '{number}'))::numeric;
BEGIN
    IF v IS NOT NULL AND (v <> trunc(v) OR v NOT BETWEEN -2147483648 AND 2147483647) THEN
        PERFORM vqc._bad_kwarg(etype, format('argument "%s" must be an integer', key));
    END IF;
    RETURN v::integer;
END
$$;

-- mostly: a fraction in [0, 1], default 1
CREATE FUNCTION vqc._kw_mostly(etype text, kwargs jsonb)
RETURNS numeric
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    m numeric := (vqc._kw(etype, kwargs, 'mostly', '{number}'))::numeric;
BEGIN
    IF m IS NULL THEN
        RETURN 1;
    END IF;
    IF m < 0 OR m > 1 THEN
        PERFORM vqc._bad_kwarg(etype, 'argument "mostly" must be between 0 and 1');
    END IF;
    RETURN m;
END
$$;

-- min_value and max_value, of the JSON types allowed.  Both null is
-- vacuously true for aggregates, statistics and counts, but an error for the
-- map expectations of values and lengths between bounds, as in GE, and for
-- the history checks that compare with bounds (history.sql).
CREATE FUNCTION vqc._kw_bounds(etype text, kwargs jsonb, allowed text[], OUT lo jsonb, OUT hi jsonb)
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    lo := vqc._kw(etype, kwargs, 'min_value', allowed);
    hi := vqc._kw(etype, kwargs, 'max_value', allowed);
    IF lo IS NULL AND hi IS NULL
       AND etype IN ('expect_column_values_to_be_between', 'expect_column_value_lengths_to_be_between',
                     'expect_metric_change_to_be_between', 'expect_metric_to_not_be_anomalous') THEN
        PERFORM vqc._bad_kwarg(etype, 'min_value and max_value cannot both be null');
    END IF;
END
$$;

-- A JSON array of scalars as text[] (JSON null stays NULL); immutable so that
-- the planner folds it to a constant.
CREATE FUNCTION vqc._jsonb_text_array(value jsonb)
RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT ARRAY(SELECT e FROM jsonb_array_elements_text(value) WITH ORDINALITY AS x(e, i) ORDER BY i) $$;

-- ---------------------------------------------------------------------------
-- table and column helpers

-- A column of target: its name, type (as SQL) and type category, or an error.
CREATE FUNCTION vqc._column(target regclass, column_name text,
                            OUT attname name, OUT type_sql text, OUT category "char")
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    SELECT a.attname, format_type(a.atttypid, NULL), t.typcategory
      INTO attname, type_sql, category
      FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     WHERE a.attrelid = target AND a.attname = column_name
       AND a.attnum > 0 AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'column "%" of relation % does not exist', column_name, target
            USING ERRCODE = 'undefined_column';
    END IF;
END
$$;

-- The table's columns in order.
CREATE FUNCTION vqc._table_columns(target regclass)
RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(array_agg(attname::text ORDER BY attnum), '{}')
      FROM pg_attribute
     WHERE attrelid = target AND attnum > 0 AND NOT attisdropped
$$;

-- The primary key's columns, or NULL.
CREATE FUNCTION vqc._primary_key(target regclass)
RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT array_agg(a.attname::text ORDER BY k.ord)
      FROM pg_index i
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = target AND i.indisprimary
$$;

-- A domain's base type; any other type itself.
CREATE FUNCTION vqc._base_type(typid regtype)
RETURNS regtype
LANGUAGE sql STABLE
AS $$
    SELECT coalesce((SELECT t.typbasetype::regtype FROM pg_type t WHERE t.oid = typid AND t.typtype = 'd'), typid)
$$;

-- The argument of vqc.exact_quantile_agg for a numeric-category column:
-- numeric columns go to its numeric form (no slow cast), others to float8.
-- A column already of that type is left bare, so that its collector or
-- sketch is the same call, one state of the scan, as other checks' and
-- the suite's profile of the column (see vqc._scan_item_split).
CREATE FUNCTION vqc._quantile_arg(qcol text, type_sql text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format(CASE WHEN type_sql::regtype IN ('pg_catalog.numeric'::regtype, 'pg_catalog.float8'::regtype) THEN '%s'
                       WHEN vqc._base_type(type_sql::regtype) = 'numeric'::regtype THEN '%s::pg_catalog.numeric'
                       ELSE '%s::pg_catalog.float8' END, qcol)
$$;

-- SQL for a failing row's key as jsonb text: the key columns; without a key,
-- the ctid (with the partition for a partitioned table, with the shard for a
-- Citus distributed table, whose shards repeat ctids), or nothing for a view
-- or foreign table, which have no ctid.
CREATE FUNCTION vqc._row_key_sql(target regclass, key_columns text[])
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    parts text[] := '{}';
    c     text;
    kind  "char" := (SELECT relkind FROM pg_class WHERE oid = target);
BEGIN
    IF (key_columns IS NULL OR cardinality(key_columns) = 0) AND vqc._citus_distributed(target) THEN
        -- tableoid is read on the worker: the shard's table, named once in the cluster
        RETURN 'pg_catalog.jsonb_build_object(''shard'', tableoid::pg_catalog.regclass::pg_catalog.text, '
               '''ctid'', ctid::pg_catalog.text)::pg_catalog.text';
    END IF;
    IF key_columns IS NULL OR cardinality(key_columns) = 0 THEN
        RETURN CASE kind
            WHEN 'p' THEN 'pg_catalog.jsonb_build_object(''partition'', tableoid::pg_catalog.regclass::pg_catalog.text, '
                          '''ctid'', ctid::pg_catalog.text)::pg_catalog.text'
            WHEN 'r' THEN 'pg_catalog.jsonb_build_object(''ctid'', ctid::pg_catalog.text)::pg_catalog.text'
            WHEN 'm' THEN 'pg_catalog.jsonb_build_object(''ctid'', ctid::pg_catalog.text)::pg_catalog.text'
            ELSE 'NULL::pg_catalog.text' END;
    END IF;
    FOREACH c IN ARRAY key_columns LOOP
        PERFORM vqc._column(target, c);
        parts := parts || format('%L, %I', c, c);
    END LOOP;
    RETURN format('pg_catalog.jsonb_build_object(%s)::pg_catalog.text', array_to_string(parts, ', '));
END
$$;

-- Raises unless text_value casts to type_sql.
CREATE FUNCTION vqc._check_castable(etype text, what text, text_value text, type_sql text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('SELECT $1::%s', type_sql) USING text_value;
EXCEPTION
    WHEN data_exception THEN
        PERFORM vqc._bad_kwarg(etype, format('%s is not a valid value of type %s', what, type_sql));
END
$$;

-- value_set of an expectation: scalars that all cast to the column's type,
-- which must be a scalar type itself (the set is compared with =).
CREATE FUNCTION vqc._check_value_set(etype text, v jsonb, type_sql text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF (SELECT typcategory FROM pg_type WHERE oid = type_sql::regtype) = 'A' THEN
        RAISE EXCEPTION '% needs a column of a scalar type, not %', etype, type_sql
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(v) e WHERE jsonb_typeof(e) IN ('array', 'object')) THEN
        PERFORM vqc._bad_kwarg(etype, 'value_set must hold scalar values');
    END IF;
    BEGIN
        EXECUTE format('SELECT vqc._jsonb_text_array($1)::%s[]', type_sql) USING v;
    EXCEPTION WHEN data_exception THEN
        PERFORM vqc._bad_kwarg(etype, format('value_set holds a value that is not a valid %s', type_sql));
    END;
END
$$;

-- ---------------------------------------------------------------------------
-- result_format

-- GE's result_format (a level name or its dict form) normalized to
-- {"result_format", "partial_unexpected_count", "unexpected_index_column_names",
--  "include_unexpected_rows"}.
CREATE FUNCTION vqc._result_format(spec jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    level text;
    n     jsonb;
    cols  jsonb;
    key   text;
BEGIN
    IF spec IS NULL OR jsonb_typeof(spec) = 'null' THEN
        spec := '"BASIC"';
    END IF;
    IF jsonb_typeof(spec) = 'string' THEN
        spec := jsonb_build_object('result_format', spec);
    ELSIF jsonb_typeof(spec) <> 'object' THEN
        RAISE EXCEPTION 'result_format must be a level name or an object'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR key IN SELECT jsonb_object_keys(spec) LOOP
        IF key NOT IN ('result_format', 'partial_unexpected_count', 'unexpected_index_column_names',
                       'include_unexpected_rows', 'return_unexpected_index_query',
                       'exclude_unexpected_values') THEN
            RAISE EXCEPTION 'unknown result_format option "%"', key
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    level := upper(coalesce(spec ->> 'result_format', 'BASIC'));
    IF level NOT IN ('BOOLEAN_ONLY', 'BASIC', 'SUMMARY', 'COMPLETE') THEN
        RAISE EXCEPTION 'unknown result_format "%"', spec ->> 'result_format'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use BOOLEAN_ONLY, BASIC, SUMMARY or COMPLETE.';
    END IF;
    n := coalesce(spec -> 'partial_unexpected_count', '20');
    IF jsonb_typeof(n) <> 'number' OR n::numeric < 0 OR n::numeric <> trunc(n::numeric) THEN
        RAISE EXCEPTION 'partial_unexpected_count must be a non-negative integer'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    cols := spec -> 'unexpected_index_column_names';
    IF cols IS NOT NULL AND jsonb_typeof(cols) <> 'null'
       AND (jsonb_typeof(cols) <> 'array'
            OR EXISTS (SELECT 1 FROM jsonb_array_elements(cols) e WHERE jsonb_typeof(e) <> 'string')) THEN
        RAISE EXCEPTION 'unexpected_index_column_names must be an array of column names'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN jsonb_build_object(
        'result_format', level,
        'partial_unexpected_count', least(n::numeric, 1000000)::int,
        'unexpected_index_column_names', CASE WHEN jsonb_typeof(cols) = 'array' THEN cols END,
        'include_unexpected_rows', coalesce((spec ->> 'include_unexpected_rows')::boolean, false),
        'return_unexpected_index_query', coalesce((spec ->> 'return_unexpected_index_query')::boolean, true),
        'exclude_unexpected_values', coalesce((spec ->> 'exclude_unexpected_values')::boolean, false));
END
$$;

-- ---------------------------------------------------------------------------
-- the planner

-- Plan of one expectation at position pidx (its kwargs are $1->pidx).
--   kind, type, kwargs, column, type_sql
--   items:        {name: aggregate SQL}      what the scan must compute
--   map:          tally (item name), nonnull (item name or null), mostly, unique
--   aggregate:    statistic, value_item, compare_type
--   table/schema: see vqc._evaluate
CREATE FUNCTION vqc._plan(target regclass, etype text, kwargs jsonb, pidx integer,
                          key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    entry     vqc.expectation_catalog := vqc._check_kwargs(etype, kwargs);
    p         text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    col       record;
    colname   text := vqc._kw_text(etype, kwargs, 'column');
    qcol      text;
    plan      jsonb;
    other_plan jsonb;
    expected  text;          -- SQL: the row is as expected (map kind)
    fails     text;          -- SQL: the row is counted unexpected (map kind)
    value_sql text;
    lo        jsonb;
    hi        jsonb;
    strict_lo boolean := vqc._kw_bool(etype, kwargs, 'strict_min', false);
    strict_hi boolean := vqc._kw_bool(etype, kwargs, 'strict_max', false);
    mostly    numeric;
    skip_missing boolean := false;
    bound_type text;
    v         jsonb;
    pat       text;
    conds     text[] := '{}';
    stat_sql  text;
    i         integer;
BEGIN
    IF kwargs ? 'row_condition' OR kwargs ? 'condition_parser' THEN
        RETURN vqc._plan_row_condition(target, etype, kwargs, pidx, key_columns, sample_cap);
    END IF;
    plan := jsonb_build_object('kind', entry.kind, 'type', etype, 'kwargs', kwargs,
                               'position', pidx);
    IF kwargs ? 'column' AND etype <> 'expect_column_to_exist' THEN
        SELECT * INTO col FROM vqc._column(target, colname);
        qcol := quote_ident(colname);
        plan := plan || jsonb_build_object('column', colname, 'type_sql', col.type_sql);
    END IF;

    -- pairs, several columns, z-scores, other tables (ge_types.sql)
    other_plan := vqc._plan_ge_type(target, plan, pidx, key_columns, sample_cap);
    IF other_plan IS NOT NULL THEN
        RETURN plan || other_plan;
    END IF;
    -- a model's predictions and labels (model_expectations.sql)
    other_plan := vqc._plan_model_metric(target, plan, pidx);
    IF other_plan IS NOT NULL THEN
        RETURN plan || other_plan;
    END IF;
    -- the newest value against the run's time (freshness.sql)
    other_plan := vqc._plan_freshness(target, plan);
    IF other_plan IS NOT NULL THEN
        RETURN plan || other_plan;
    END IF;
    -- ---------------------------------------------------------- history
    IF entry.kind = 'history' THEN
        RETURN plan || vqc._plan_history(target, etype, kwargs, pidx);
    END IF;

    -- ---------------------------------------------------------- schema
    IF entry.kind = 'schema' THEN
        RETURN plan || jsonb_build_object('result_now', vqc._plan_schema(target, etype, kwargs));
    END IF;

    -- ---------------------------------------------------------- table
    IF entry.kind = 'table' THEN
        IF etype = 'expect_table_row_count_to_equal' THEN
            lo := vqc._kw(etype, kwargs, 'value', '{number}');
            IF lo::numeric < 0 OR lo::numeric <> trunc(lo::numeric) THEN
                PERFORM vqc._bad_kwarg(etype, 'argument "value" must be a non-negative integer');
            END IF;
            hi := lo;
        ELSE
            SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
            IF lo::numeric > hi::numeric THEN
                PERFORM vqc._bad_kwarg(etype, 'min_value is greater than max_value');
            END IF;
        END IF;
        RETURN plan || jsonb_build_object('items', jsonb_build_object('n', 'pg_catalog.count(*)'),
                                          'value_item', 'n', 'compare_type', 'numeric',
                                          'min_value', lo, 'max_value', hi);
    END IF;

    -- ---------------------------------------------------------- aggregate
    IF entry.kind = 'aggregate' THEN
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number,string}') b;
        IF etype IN ('expect_column_min_to_be_between', 'expect_column_max_to_be_between') THEN
            bound_type := col.type_sql;
            PERFORM vqc._require_opclass(etype, col.type_sql, 'btree');
            -- a btree order is not enough: jsonb, for one, has no min() or max()
            stat_sql := vqc._minmax_sql(col.type_sql::regtype,
                                        CASE etype WHEN 'expect_column_min_to_be_between' THEN 'min' ELSE 'max' END,
                                        qcol);
            IF stat_sql IS NULL THEN
                RAISE EXCEPTION '% needs a column whose type has min() and max(); column "%" is of type %',
                                etype, colname, col.type_sql
                    USING ERRCODE = 'datatype_mismatch';
            END IF;
        ELSE
            -- GE's median is the middle of the sorted values: of a text column
            -- with none (all NULL, as GE loads an empty column), none
            IF col.category <> 'N' AND NOT (etype = 'expect_column_median_to_be_between' AND col.category = 'S'
                                             AND vqc._column_is_empty(target, colname)) THEN
                RAISE EXCEPTION '% needs a numeric column; column "%" is of type %', etype, colname, col.type_sql
                    USING ERRCODE = 'datatype_mismatch';
            END IF;
            bound_type := 'numeric';
            stat_sql := CASE etype
                WHEN 'expect_column_mean_to_be_between'   THEN format('pg_catalog.avg(%s)::pg_catalog.float8', qcol)
                WHEN 'expect_column_stdev_to_be_between'  THEN format('pg_catalog.stddev_samp(%s)::pg_catalog.float8', qcol)
                WHEN 'expect_column_sum_to_be_between'    THEN format('pg_catalog.sum(%s)', qcol)
                -- the planner computes the two identical aggregate calls once
                WHEN 'expect_column_median_to_be_between' THEN format('vqc.exact_quantile(vqc.exact_quantile_agg(%s), 0.5)',
                                                                      vqc._quantile_arg(qcol, col.type_sql))
            END;
        END IF;
        PERFORM vqc._check_bounds(etype, lo, hi, bound_type);
        IF etype = 'expect_column_median_to_be_between' THEN
            -- its collector's count and overflow flag, and its way past the limit
            plan := plan || vqc._exact_quantile_items(target, colname, vqc._quantile_arg(qcol, col.type_sql), '{0.5}', false,
                                                      pidx::text, pidx::text);
            IF plan ? 'bracket_items' THEN
                stat_sql := NULL;   -- no collector of the whole column
            END IF;
        END IF;
        RETURN plan || jsonb_build_object(
            'items', coalesce(plan -> 'items', '{}')
                     || CASE WHEN stat_sql IS NULL THEN '{}' ELSE jsonb_build_object(format('s%s', pidx), stat_sql) END,
            'value_item', format('s%s', pidx),
            'statistic', etype,
            'compare_type', bound_type,
            'min_value', lo, 'max_value', hi,
            'strict_min', strict_lo, 'strict_max', strict_hi);
    END IF;

    -- ---------------------------------------------------------- statistic
    IF entry.kind = 'statistic' THEN
        RETURN plan || vqc._plan_statistic(target, etype, kwargs, pidx, colname, col.type_sql, col.category);
    END IF;

    -- ---------------------------------------------------------- map
    mostly := vqc._kw_mostly(etype, kwargs);
    value_sql := format('%s::pg_catalog.text', qcol);

    CASE etype
    WHEN 'expect_column_values_to_not_be_null' THEN
        expected := format('%s IS NOT NULL', qcol);
        value_sql := 'NULL::pg_catalog.text';
        skip_missing := true;
    WHEN 'expect_column_values_to_be_null' THEN
        expected := format('%s IS NULL', qcol);
        skip_missing := true;
    WHEN 'expect_column_values_to_be_unique' THEN
        expected := NULL;     -- answered from a hash screen; see vqc._evaluate
    WHEN 'expect_column_values_to_be_between' THEN
        PERFORM vqc._require_opclass(etype, col.type_sql, 'btree');
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number,string}') b;
        PERFORM vqc._check_bounds(etype, lo, hi, col.type_sql);
        IF lo IS NOT NULL THEN
            conds := conds || vqc._compare_sql(col.type_sql::regtype, qcol, CASE WHEN strict_lo THEN '>' ELSE '>=' END,
                                               format('(%s OPERATOR(pg_catalog.->>) ''min_value'')::%s', p, col.type_sql));
        END IF;
        IF hi IS NOT NULL THEN
            conds := conds || vqc._compare_sql(col.type_sql::regtype, qcol, CASE WHEN strict_hi THEN '<' ELSE '<=' END,
                                               format('(%s OPERATOR(pg_catalog.->>) ''max_value'')::%s', p, col.type_sql));
        END IF;
        expected := array_to_string(conds, ' AND ');
    WHEN 'expect_column_value_lengths_to_be_between', 'expect_column_value_lengths_to_equal' THEN
        PERFORM vqc._require_text(etype, colname, col.category, col.type_sql);
        IF etype = 'expect_column_value_lengths_to_equal' THEN
            lo := vqc._kw(etype, kwargs, 'value', '{number}');
            hi := lo;
            p := p || ' OPERATOR(pg_catalog.->) ''value''';
            conds := ARRAY[format('pg_catalog.char_length(%s) OPERATOR(pg_catalog.=) (%s)::pg_catalog.numeric', qcol, p)];
        ELSE
            -- min_value > max_value is no error here: every length fails (as GE)
            SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
            IF lo IS NOT NULL THEN
                conds := conds || format('pg_catalog.char_length(%s) OPERATOR(pg_catalog.%s) '
                                         '(%s OPERATOR(pg_catalog.->>) ''min_value'')::pg_catalog.numeric', qcol,
                                         CASE WHEN strict_lo THEN '>' ELSE '>=' END, p);
            END IF;
            IF hi IS NOT NULL THEN
                conds := conds || format('pg_catalog.char_length(%s) OPERATOR(pg_catalog.%s) '
                                         '(%s OPERATOR(pg_catalog.->>) ''max_value'')::pg_catalog.numeric', qcol,
                                         CASE WHEN strict_hi THEN '<' ELSE '<=' END, p);
            END IF;
        END IF;
        IF lo::numeric < 0 OR hi::numeric < 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'lengths cannot be negative');
        END IF;
        expected := array_to_string(conds, ' AND ');
    WHEN 'expect_column_values_to_match_regex', 'expect_column_values_to_not_match_regex' THEN
        PERFORM vqc._require_text(etype, colname, col.category, col.type_sql);
        PERFORM vqc.regex_validate(vqc._kw_text(etype, kwargs, 'regex'));
        expected := format('%svqc.regex_match(%s, %s OPERATOR(pg_catalog.->>) ''regex'')',
                           CASE WHEN etype LIKE '%not_match%' THEN 'NOT ' ELSE '' END, qcol, p);
    WHEN 'expect_column_values_to_match_regex_list', 'expect_column_values_to_not_match_regex_list' THEN
        PERFORM vqc._require_text(etype, colname, col.category, col.type_sql);
        v := vqc._kw(etype, kwargs, 'regex_list', '{array}');
        IF jsonb_array_length(v) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'regex_list must not be empty');
        END IF;
        FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
            IF jsonb_typeof(v -> i) <> 'string' THEN
                PERFORM vqc._bad_kwarg(etype, 'regex_list must hold strings');
            END IF;
            PERFORM vqc.regex_validate(v ->> i);
            conds := conds || format('vqc.regex_match(%s, %s OPERATOR(pg_catalog.->) ''regex_list'' OPERATOR(pg_catalog.->>) %s)',
                                     qcol, p, i);
        END LOOP;
        expected := vqc._pattern_list_sql(etype, kwargs, conds);
    WHEN 'expect_column_values_to_match_strftime_format' THEN
        PERFORM vqc._require_text(etype, colname, col.category, col.type_sql);
        PERFORM vqc.strftime_validate(vqc._kw_text(etype, kwargs, 'strftime_format'));
        expected := format('vqc.matches_strftime(%s, %s OPERATOR(pg_catalog.->>) ''strftime_format'')', qcol, p);
    WHEN 'expect_column_values_to_be_iso8601' THEN
        PERFORM vqc._require_text(etype, colname, col.category, col.type_sql);
        pat := coalesce(vqc._kw_text(etype, kwargs, 'kind'), 'date');
        IF pat NOT IN ('date', 'datetime') THEN
            PERFORM vqc._bad_kwarg(etype, 'kind must be "date" or "datetime"');
        END IF;
        expected := format('vqc.is_iso8601_%s(%s)', pat, qcol);
    WHEN 'expect_column_values_to_be_valid_email' THEN
        PERFORM vqc._require_text(etype, colname, col.category, col.type_sql);
        expected := format('vqc.is_email(%s)', qcol);
    WHEN 'expect_column_values_to_be_in_set', 'expect_column_values_to_not_be_in_set' THEN
        PERFORM vqc._check_value_set(etype, vqc._kw(etype, kwargs, 'value_set', '{array}'), col.type_sql);
        expected := format('%s%s', CASE WHEN etype LIKE '%not_be_in_set' THEN 'NOT ' ELSE '' END,
                           vqc._compare_sql(col.type_sql::regtype, qcol, '=',
                                            format('pg_catalog.array_remove(vqc._jsonb_text_array(%s OPERATOR(pg_catalog.->) ''value_set'')::%s[], NULL)',
                                                   p, col.type_sql), true));
    ELSE
        -- SQL LIKE patterns (ge_types.sql)
        expected := vqc._like_expected_sql(etype, kwargs, p, qcol, colname, col.category, col.type_sql);
    END CASE;

    IF etype = 'expect_column_values_to_be_unique' THEN
        IF vqc._has_unique_index(target, colname) THEN
            -- the database already guarantees it: count, don't screen
            RETURN plan || jsonb_build_object(
                'items', jsonb_build_object('n', 'pg_catalog.count(*)', format('nn:%s', colname),
                                            format('pg_catalog.count(%s)', qcol)),
                'nonnull', format('nn:%s', colname),
                'unique_by_index', true,
                'key_columns', to_jsonb(key_columns),
                'mostly', mostly);
        END IF;
        PERFORM vqc._require_opclass(etype, col.type_sql, 'hash');
        RETURN plan || jsonb_build_object(
            'items', jsonb_build_object('n', 'pg_catalog.count(*)',
                                        format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
                                        format('h%s', pidx), format('vqc.hash_set_duplicates(vqc.hash_set_agg(%s), 100000)', qcol)),
            'nonnull', format('nn:%s', colname),
            'hash_item', format('h%s', pidx),
            'mostly', mostly,
            'row_key_sql', vqc._row_key_sql(target, key_columns),
            'key_columns', to_jsonb(key_columns),
            -- the screen stores integers themselves: when the row key is
            -- the column too, the repeats alone give values and keys
            'keys_from_values', coalesce(key_columns = ARRAY[colname], false)
                                AND vqc._base_type(col.type_sql::regtype)
                                    IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype),
            'sample_cap', sample_cap);
    END IF;

    fails := CASE WHEN skip_missing THEN format('(%s) IS NOT TRUE', expected)
                ELSE format('%s IS NOT NULL AND (%s) IS NOT TRUE', qcol, expected) END;
    RETURN plan || jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
            format('t%s', pidx),
            format('vqc.tally(%s, %s, %s) FILTER (WHERE %s)', value_sql,
                   vqc._row_key_sql(target, key_columns), sample_cap, fails)),
        'fails_sql', fails,
        'key_columns', to_jsonb(key_columns),
        'tally', format('t%s', pidx),
        'nonnull', CASE WHEN skip_missing THEN NULL ELSE format('nn:%s', colname) END,
        'mostly', mostly);
END
$$;

CREATE FUNCTION vqc._require_text(etype text, colname text, category "char", type_sql text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF category <> 'S' THEN
        RAISE EXCEPTION '% needs a text column; column "%" is of type %', etype, colname, type_sql
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'Cast the column in a view, or choose an expectation for its type.';
    END IF;
END
$$;

-- The SQL that a value is as expected by a list of pattern matches (regex
-- or LIKE lists): any of them (match_on "any", the default) or all, or for
-- the not_match types none.
CREATE FUNCTION vqc._pattern_list_sql(etype text, kwargs jsonb, conds text[])
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    match_on text := coalesce(vqc._kw_text(etype, kwargs, 'match_on'), 'any');
BEGIN
    IF match_on NOT IN ('any', 'all') THEN
        PERFORM vqc._bad_kwarg(etype, 'match_on must be "any" or "all"');
    END IF;
    IF etype LIKE '%not_match%' THEN
        RETURN format('NOT (%s)', array_to_string(conds, ' OR '));
    END IF;
    RETURN format('(%s)', array_to_string(conds, CASE match_on WHEN 'any' THEN ' OR ' ELSE ' AND ' END));
END
$$;

-- The column's type must have a default operator class of access method am
-- (btree: an ordering; hash: equality and hashing), as vqc._type_operator
-- finds it.
CREATE FUNCTION vqc._require_opclass(etype text, type_sql text, am text)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF vqc._default_opclass(type_sql::regtype, am) IS NULL THEN
        RAISE EXCEPTION '% needs %; type % has none', etype,
                        CASE am WHEN 'btree' THEN 'an ordered column' ELSE 'a column with equality and hashing' END,
                        type_sql
            USING ERRCODE = 'datatype_mismatch';
    END IF;
END
$$;

-- Does a valid, immediate, non-partial unique index on exactly this column
-- guarantee its values are unique?
CREATE FUNCTION vqc._has_unique_index(target regclass, colname text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (
        SELECT 1
          FROM pg_index i
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
         WHERE i.indrelid = target AND i.indisunique AND i.indisvalid AND i.indimmediate
           AND i.indnkeyatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL
           AND a.attname = colname)
$$;

-- Bounds must cast to the compared type, and min_value <= max_value.
CREATE FUNCTION vqc._check_bounds(etype text, lo jsonb, hi jsonb, type_sql text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    wrong boolean;
BEGIN
    IF lo IS NOT NULL THEN
        PERFORM vqc._check_castable(etype, 'min_value', lo #>> '{}', type_sql);
    END IF;
    IF hi IS NOT NULL THEN
        PERFORM vqc._check_castable(etype, 'max_value', hi #>> '{}', type_sql);
    END IF;
    IF lo IS NOT NULL AND hi IS NOT NULL THEN
        EXECUTE format('SELECT %s', vqc._compare_sql(type_sql::regtype, format('$1::%s', type_sql), '>',
                                                     format('$2::%s', type_sql)))
            INTO wrong USING lo #>> '{}', hi #>> '{}';
        IF wrong THEN
            PERFORM vqc._bad_kwarg(etype, 'min_value is greater than max_value');
        END IF;
    END IF;
END
$$;
-- operators.sql: the operators and aggregates vqc applies to a column's
-- values, taken from the default operator classes of the column's type, never
-- looked up by name: with search_path pinned to pg_catalog an operator named
-- "<" would find text's for a citext column (through its implicit cast to
-- text), and an unqualified name could find what another role planted.  The
-- generated SQL names each one as OPERATOR(schema.op), or schema.aggregate,
-- of the operator class's own schema, and casts both operands to the class's
-- input type when the column's type is not that type itself (a domain,
-- varchar for text's class), so that the one operator taking exactly those
-- types is the one resolved.

-- The default operator class of access method am for values of typ (a
-- domain: of its base type), as GetDefaultOpClass chooses it: one for the
-- type itself, else one for a type it is binary-coercible to (varchar to
-- text), preferring the category's preferred type, else the polymorphic one
-- (arrays, enums, ranges, composite types).  NULL when there is none.
CREATE FUNCTION vqc._default_opclass(typ regtype, am text)
RETURNS oid
LANGUAGE sql STABLE
AS $$
    SELECT c.oid
      FROM pg_type t, pg_opclass c
      JOIN pg_am m ON m.oid = c.opcmethod
      JOIN pg_type ct ON ct.oid = c.opcintype
     WHERE t.oid = vqc._base_type(typ) AND m.amname = am AND c.opcdefault
       AND (c.opcintype = t.oid
            OR EXISTS (SELECT 1 FROM pg_cast k
                        WHERE k.castsource = t.oid AND k.casttarget = c.opcintype
                          AND k.castmethod = 'b' AND k.castcontext = 'i')
            OR (c.opcintype = 'anyarray'::regtype AND t.typelem <> 0
                AND t.typsubscript = 'array_subscript_handler'::regproc)
            OR (c.opcintype = 'anyenum'::regtype AND t.typtype = 'e')
            OR (c.opcintype = 'anyrange'::regtype AND t.typtype = 'r')
            OR (c.opcintype = 'anymultirange'::regtype AND t.typtype = 'm')
            OR (c.opcintype = 'record'::regtype AND t.typtype = 'c'))
     ORDER BY c.opcintype = t.oid DESC, ct.typtype <> 'p' DESC, ct.typispreferred DESC, c.oid
     LIMIT 1
$$;

-- The operator of role op ('<', '<=', '=', '>=' or '>') in typ's default
-- btree operator class ('=' also from its hash class when it has no btree
-- class): oprid, its SQL (OPERATOR(schema.name)), and the cast to append to
-- each operand ('' when typ is the class's type or the class is polymorphic).
CREATE FUNCTION vqc._type_operator(typ regtype, op text,
                                   OUT oprid oid, OUT operator_sql text, OUT operand_cast text)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    strategy smallint := array_position(ARRAY['<', '<=', '=', '>=', '>'], op);
    am       text := 'btree';
    opclass  oid := vqc._default_opclass(typ, 'btree');
BEGIN
    IF strategy IS NULL THEN
        RAISE EXCEPTION 'unknown comparison "%"', op
            USING ERRCODE = 'internal_error';
    END IF;
    IF opclass IS NULL AND op = '=' THEN
        am := 'hash';
        opclass := vqc._default_opclass(typ, 'hash');
        strategy := 1;
    END IF;
    SELECT o.oid, format('OPERATOR(%s.%s)', quote_ident(n.nspname), o.oprname),
           CASE WHEN ct.typtype = 'p' OR ct.oid = typ THEN ''
                ELSE '::' || format_type(ct.oid, NULL) END
      INTO oprid, operator_sql, operand_cast
      FROM pg_opclass c
      JOIN pg_type ct ON ct.oid = c.opcintype
      JOIN pg_amop a ON a.amopfamily = c.opcfamily AND a.amoplefttype = c.opcintype
                    AND a.amoprighttype = c.opcintype AND a.amopstrategy = strategy
      JOIN pg_operator o ON o.oid = a.amopopr
      JOIN pg_namespace n ON n.oid = o.oprnamespace
     WHERE c.oid = opclass;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'type % has no default % operator class with an operator %', typ, am, op
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'Cast the column in a view to a type with a default btree operator class.';
    END IF;
END
$$;

-- SQL comparing lhs with rhs, both of type typ, by the operator of role op
-- of typ's operator class; with rhs_is_array, rhs is an array of typ and the
-- comparison holds when it holds for ANY element.
CREATE FUNCTION vqc._compare_sql(typ regtype, lhs text, op text, rhs text,
                                 rhs_is_array boolean DEFAULT false)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN rhs_is_array
                THEN format('(%s)%s %s ANY ((%s)%s)', lhs, o.operand_cast, o.operator_sql, rhs,
                            CASE WHEN o.operand_cast = '' THEN '' ELSE o.operand_cast || '[]' END)
                ELSE format('(%s)%s %s (%s)%s', lhs, o.operand_cast, o.operator_sql, rhs, o.operand_cast) END
      FROM vqc._type_operator(typ, op) o
$$;

-- The call of the min or max aggregate (which) of typ's ordering on arg: an
-- aggregate whose sort operator is the class's < or > (for boolean, bool_and
-- and bool_or), of the operator's schema and owner, so that no other role's
-- aggregate declaring that sort operator is chosen.  NULL when the type has
-- none (jsonb).
CREATE FUNCTION vqc._minmax_sql(typ regtype, which text, arg text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format('%I.%I((%s)%s)', n.nspname, p.proname, arg, o.operand_cast)
      FROM vqc._type_operator(typ, CASE which WHEN 'min' THEN '<' ELSE '>' END) o
      JOIN pg_operator opr ON opr.oid = o.oprid
      JOIN pg_aggregate a ON a.aggsortop = o.oprid AND a.aggkind = 'n'
      JOIN pg_proc p ON p.oid = a.aggfnoid AND p.pronargs = 1
                    AND p.pronamespace = opr.oprnamespace AND p.proowner = opr.oprowner
      JOIN pg_namespace n ON n.oid = p.pronamespace
     ORDER BY p.proname = which DESC, p.oid
     LIMIT 1
$$;
-- expect.sql: evaluates planned expectations into Great Expectations'
-- validation-result JSON, and vqc.expect(), the ad-hoc entry point.

-- ---------------------------------------------------------------------------
-- schema expectations: answered from the catalog when planned

CREATE FUNCTION vqc._resolve_type(etype text, type_name text)
RETURNS regtype
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    t regtype;
BEGIN
    -- to_regtype is NULL for an unknown type but raises on what does not
    -- parse as a type name at all ("%Y", "int(", ...): both are unknown types
    BEGIN
        t := coalesce(to_regtype(type_name), to_regtype(replace(type_name, '_', ' ')));
    EXCEPTION WHEN syntax_error OR invalid_name OR invalid_text_representation THEN
        t := NULL;
    END;
    IF t IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown type "%s"', type_name),
                               'Use a PostgreSQL type name such as INTEGER, TEXT or TIMESTAMP.');
    END IF;
    RETURN t;
END
$$;

CREATE FUNCTION vqc._plan_schema(target regclass, etype text, kwargs jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    actual   text[] := vqc._table_columns(target);
    wanted   text[];
    v        jsonb;
    success  boolean;
    result   jsonb := '{}';
    coltype  regtype;
    idx      integer;
    lo       numeric;
    hi       numeric;
    n        integer;
BEGIN
    CASE etype
    WHEN 'expect_column_to_exist' THEN
        idx := vqc._kw_int(etype, kwargs, 'column_index');
        success := (kwargs ->> 'column') = ANY (actual);
        IF success AND idx IS NOT NULL THEN
            success := coalesce(actual[idx + 1] = kwargs ->> 'column', false);
        END IF;
    WHEN 'expect_table_columns_to_match_set', 'expect_table_columns_to_match_ordered_list' THEN
        v := vqc._kw(etype, kwargs, CASE WHEN etype LIKE '%set' THEN 'column_set' ELSE 'column_list' END, '{array}');
        IF EXISTS (SELECT 1 FROM jsonb_array_elements(v) e WHERE jsonb_typeof(e) <> 'string') THEN
            PERFORM vqc._bad_kwarg(etype, 'column names must be strings');
        END IF;
        wanted := vqc._jsonb_text_array(v);
        result := jsonb_build_object('observed_value', to_jsonb(actual));
        IF etype LIKE '%set' THEN
            -- no column_set is the empty set (GE); only non-empty lists are shown
            wanted := coalesce(wanted, '{}');
            success := wanted <@ actual
                       AND (NOT vqc._kw_bool(etype, kwargs, 'exact_match', true) OR actual <@ wanted);
            IF NOT success THEN
                result := result || jsonb_build_object('details', jsonb_build_object('mismatched', jsonb_strip_nulls(jsonb_build_object(
                    'unexpected', to_jsonb(nullif(ARRAY(SELECT c FROM unnest(actual) c WHERE NOT c = ANY (wanted)), '{}')),
                    'missing', to_jsonb(nullif(ARRAY(SELECT c FROM unnest(wanted) c WHERE NOT c = ANY (actual)), '{}'))))));
            END IF;
        ELSE
            -- no column_list: vacuously true (GE)
            success := wanted IS NULL OR actual = wanted;
            IF NOT success THEN
                result := result || jsonb_build_object('details', jsonb_build_object('mismatched',
                    (SELECT coalesce(jsonb_agg(jsonb_build_object('Expected Column Position', i - 1,
                                                                  'Expected', wanted[i], 'Found', actual[i]) ORDER BY i), '[]')
                       FROM generate_series(1, greatest(cardinality(actual), cardinality(wanted))) i
                      WHERE actual[i] IS DISTINCT FROM wanted[i])));
            END IF;
        END IF;
    WHEN 'expect_table_column_count_to_equal', 'expect_table_column_count_to_be_between' THEN
        n := cardinality(actual);
        IF etype LIKE '%equal' THEN
            lo := (vqc._kw(etype, kwargs, 'value', '{number}'))::numeric;
            hi := lo;
        ELSE
            lo := (vqc._kw(etype, kwargs, 'min_value', '{number}'))::numeric;
            hi := (vqc._kw(etype, kwargs, 'max_value', '{number}'))::numeric;
            IF lo > hi THEN
                PERFORM vqc._bad_kwarg(etype, 'min_value is greater than max_value');
            END IF;
        END IF;
        success := (lo IS NULL OR n >= lo) AND (hi IS NULL OR n <= hi);
        result := jsonb_build_object('observed_value', n);
    WHEN 'expect_column_values_to_be_of_type', 'expect_column_values_to_be_in_type_list' THEN
        SELECT a.atttypid::regtype INTO coltype
          FROM pg_attribute a
         WHERE a.attrelid = target AND a.attname = kwargs ->> 'column' AND a.attnum > 0 AND NOT a.attisdropped;
        IF etype LIKE '%of_type' THEN
            wanted := ARRAY[vqc._kw_text(etype, kwargs, 'type_')];
        ELSE
            v := vqc._kw(etype, kwargs, 'type_list', '{array}');
            IF EXISTS (SELECT 1 FROM jsonb_array_elements(v) e WHERE jsonb_typeof(e) <> 'string') THEN
                PERFORM vqc._bad_kwarg(etype, 'type_list must hold type names');
            END IF;
            wanted := vqc._jsonb_text_array(v);
        END IF;
        -- no type_list: vacuously true (GE)
        success := wanted IS NULL OR EXISTS (
            SELECT 1 FROM unnest(wanted) w
             WHERE vqc._resolve_type(etype, w) IN (coltype, (SELECT typbasetype::regtype FROM pg_type WHERE oid = coltype)));
        result := jsonb_build_object('observed_value', upper(format_type(coltype, NULL)));
    END CASE;
    RETURN jsonb_build_object('success', success, 'result', result);
END
$$;

-- ---------------------------------------------------------------------------
-- evaluation

-- A failing value (text from the scan) as JSON, typed like the column: a
-- number or boolean where the text converts, else a string.  The text is
-- tested before it is converted (src/input_syntax.c), not caught when the
-- conversion raises: a handler would open a subtransaction per sample.
CREATE FUNCTION vqc._sample_json(value text, category "char", clipped boolean)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    b boolean;
BEGIN
    IF value IS NULL THEN
        RETURN 'null';
    ELSIF clipped THEN
        RETURN to_jsonb(value);
    ELSIF category = 'N' AND value ~ '^-?[0-9]' AND vqc._numeric_input_valid(value) THEN
        RETURN to_jsonb(value::numeric);
    ELSIF category = 'B' THEN
        b := vqc._boolean_input(value);
        IF b IS NOT NULL THEN
            RETURN to_jsonb(b);
        END IF;
    END IF;
    RETURN to_jsonb(value);
END
$$;

-- Is observed within the plan's bounds (compared as compare_type)?
CREATE FUNCTION vqc._within_bounds(plan jsonb, observed text)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    t  text := plan ->> 'compare_type';
    ok boolean;
BEGIN
    IF observed IS NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('SELECT ($2 IS NULL OR %s) AND ($3 IS NULL OR %s)',
                   vqc._compare_sql(t::regtype, format('$1::%s', t),
                                    CASE WHEN (plan ->> 'strict_min')::boolean THEN '>' ELSE '>=' END,
                                    format('$2::%s', t)),
                   vqc._compare_sql(t::regtype, format('$1::%s', t),
                                    CASE WHEN (plan ->> 'strict_max')::boolean THEN '<' ELSE '<=' END,
                                    format('$3::%s', t)))
        INTO ok
        USING observed, plan -> 'min_value' #>> '{}', plan -> 'max_value' #>> '{}';
    RETURN ok;
END
$$;

-- The observed value (text from the scan) as JSON.
CREATE FUNCTION vqc._observed_json(plan jsonb, observed text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    j jsonb;
BEGIN
    IF observed IS NULL THEN
        RETURN 'null';
    END IF;
    IF plan ->> 'compare_type' = 'numeric' THEN
        -- tested, not caught: no subtransaction (see vqc._sample_json)
        IF vqc._numeric_input_valid(observed) THEN
            RETURN to_jsonb(observed::numeric);   -- NaN or infinity: a string
        END IF;
        RETURN to_jsonb(observed);
    END IF;
    EXECUTE format('SELECT pg_catalog.to_jsonb($1::%s)', plan ->> 'compare_type') INTO j USING observed;
    RETURN j;
END
$$;

-- GE's map-expectation result from counts and samples.
--   samples: [{"value": text, "row_key": jsonb, "clipped": bool}]
CREATE FUNCTION vqc._map_result(plan jsonb, rf jsonb, element bigint, nonnull bigint,
                                unexpected bigint, samples jsonb, category "char")
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    skip_missing boolean := plan ->> 'nonnull' IS NULL;
    denominator  bigint := CASE WHEN skip_missing THEN element ELSE nonnull END;
    mostly       numeric := (plan ->> 'mostly')::numeric;
    success      boolean;
    level        text := rf ->> 'result_format';
    partial_n    integer := (rf ->> 'partial_unexpected_count')::integer;
    res          jsonb;
    values_json  jsonb;
    index_json   jsonb;
    col          text := plan ->> 'column';
BEGIN
    success := denominator = 0 OR (denominator - unexpected) >= mostly * denominator;
    IF level = 'BOOLEAN_ONLY' THEN
        RETURN jsonb_build_object('success', success, 'result', '{}'::jsonb);
    END IF;

    -- samples of several columns (plan "columns") are JSON objects {column: value}
    SELECT coalesce(jsonb_agg(CASE WHEN plan ? 'columns' THEN vqc._columns_sample_value(plan, s)
                                   ELSE vqc._sample_json(s ->> 'value', category, (s ->> 'clipped')::boolean) END
                              ORDER BY o), '[]'),
           coalesce(jsonb_agg(CASE WHEN plan ? 'columns' THEN vqc._columns_sample_index(plan, s)
                                   ELSE CASE WHEN jsonb_typeof(s -> 'row_key') = 'object' THEN s -> 'row_key' ELSE '{}' END ||
                                        jsonb_build_object(col, vqc._sample_json(s ->> 'value', category, (s ->> 'clipped')::boolean)) END
                              ORDER BY o), '[]')
      INTO values_json, index_json
      FROM jsonb_array_elements(samples) WITH ORDINALITY AS x(s, o);

    res := jsonb_build_object(
        'element_count', element,
        'unexpected_count', unexpected,
        'unexpected_percent', CASE WHEN denominator > 0 THEN unexpected::float8 / denominator * 100 END,
        'partial_unexpected_list', (SELECT coalesce(jsonb_agg(e ORDER BY o), '[]')
                                      FROM jsonb_array_elements(values_json) WITH ORDINALITY AS x(e, o)
                                     WHERE o <= partial_n));
    IF NOT skip_missing THEN
        res := res || jsonb_build_object(
            'missing_count', element - nonnull,
            'missing_percent', CASE WHEN element > 0 THEN (element - nonnull)::float8 / element * 100 END,
            'unexpected_percent_total', CASE WHEN element > 0 THEN unexpected::float8 / element * 100 END,
            'unexpected_percent_nonmissing', CASE WHEN nonnull > 0 THEN unexpected::float8 / nonnull * 100 END);
    END IF;
    res := res || jsonb_build_object(
        'partial_unexpected_index_list', (SELECT coalesce(jsonb_agg(e ORDER BY o), '[]')
                                            FROM jsonb_array_elements(index_json) WITH ORDINALITY AS x(e, o)
                                           WHERE o <= partial_n));
    IF level IN ('SUMMARY', 'COMPLETE') THEN
        res := res || jsonb_build_object('partial_unexpected_counts',
            (SELECT coalesce(jsonb_agg(jsonb_build_object('value', v, 'count', c) ORDER BY c DESC, v::text), '[]')
               FROM (SELECT e AS v, count(*) AS c
                       FROM jsonb_array_elements(values_json) WITH ORDINALITY AS x(e, o)
                      WHERE o <= partial_n
                      GROUP BY e) g));
    END IF;
    IF level = 'COMPLETE' THEN
        res := res || jsonb_build_object('unexpected_list', values_json,
                                         'unexpected_index_list', index_json);
        IF jsonb_array_length(values_json) < unexpected THEN
            res := res || jsonb_build_object('unexpected_list_truncated', true);
        END IF;
    END IF;
    RETURN jsonb_build_object('success', success, 'result', res);
END
$$;

-- Samples of a tally as the JSON array _map_result reads.
CREATE FUNCTION vqc._tally_samples_json(t vqc.tally)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('value', s.value, 'row_key', s.row_key::jsonb,
                                                 'clipped', s.clipped) ORDER BY s.ordinality), '[]')
      FROM vqc.tally_samples(t) s
$$;

-- The values at 0-based ranks among a column's non-null values (NaN last,
-- as PostgreSQL orders float8; value_sql is the column cast to float8 or
-- numeric, as vqc._quantile_arg gives it), exactly, for when the one-scan collector
-- outgrew vqc.exact_memory_limit.  Instead of sorting the column, passes
-- narrow a range of order keys (vqc.value_key) 16 bits at a time, each a
-- GROUP BY over the ranges still too big to hold, until every rank's range
-- holds at most the limit's worth of values; one last pass collects each
-- range and selects the rank in it.  Usually two passes in all.
CREATE FUNCTION vqc._exact_ranks(target regclass, value_sql text, ranks bigint[],
                                 OUT vals float8[], OUT passes integer)
LANGUAGE plpgsql
AS $$
DECLARE
    fit     bigint := vqc._exact_fit();
    key_sql text := format('vqc.value_key(%s)', value_sql);
    nr      int := cardinality(ranks);
    lo      bigint[] := array_fill(-9223372036854775808, ARRAY[nr]);
    hi      bigint[] := array_fill(9223372036854775807, ARRAY[nr]);
    rk      bigint[] := ranks;
    cnt     bigint[] := array_fill(NULL::bigint, ARRAY[nr]);   -- NULL: more than fit
    shift   int;
    i       int;
    j       int;
    before  bigint;
    bs      bigint[];
    cs      bigint[];
    open    text;
    items   text;
BEGIN
    passes := 0;
    FOREACH shift IN ARRAY ARRAY[48, 32, 16, 0] LOOP
        SELECT string_agg(DISTINCT format('k OPERATOR(pg_catalog.>=) %L::pg_catalog.int8 '
                                          'AND k OPERATOR(pg_catalog.<=) %L::pg_catalog.int8', lo[g], hi[g]), ' OR ')
          INTO open FROM generate_series(1, nr) g WHERE cnt[g] IS NULL OR cnt[g] > fit;
        EXIT WHEN open IS NULL;
        EXECUTE format('SELECT pg_catalog.array_agg(b ORDER BY b), pg_catalog.array_agg(c ORDER BY b) FROM '
                       '(SELECT k OPERATOR(pg_catalog.>>) %s AS b, pg_catalog.count(*) AS c '
                       '   FROM (SELECT %s AS k FROM %s WHERE (%s) IS NOT NULL) s '
                       '  WHERE %s GROUP BY 1) g', shift, key_sql, target, value_sql, open)
            INTO bs, cs;
        passes := passes + 1;
        FOR i IN 1 .. nr LOOP
            CONTINUE WHEN cnt[i] <= fit;
            before := 0;
            FOR j IN 1 .. coalesce(cardinality(bs), 0) LOOP
                CONTINUE WHEN (bs[j] << shift) NOT BETWEEN lo[i] AND hi[i];
                IF before + cs[j] > rk[i] THEN
                    lo[i] := bs[j] << shift;
                    hi[i] := lo[i] + ((1::bigint << shift) - 1);
                    rk[i] := rk[i] - before;
                    cnt[i] := cs[j];
                    EXIT;
                END IF;
                before := before + cs[j];
            END LOOP;
            IF cnt[i] IS NULL THEN
                RAISE EXCEPTION 'rank % is beyond the column''s values', ranks[i]
                    USING ERRCODE = 'internal_error';
            END IF;
        END LOOP;
    END LOOP;

    -- a range still too big after the last level is one key: one value
    SELECT string_agg(CASE WHEN cnt[g] > fit THEN format('vqc.key_value(%L::pg_catalog.int8)', lo[g])
                           ELSE format('vqc.exact_kth(vqc.exact_quantile_agg(%s) FILTER (WHERE %s OPERATOR(pg_catalog.>=) %L::pg_catalog.int8 '
                                       'AND %s OPERATOR(pg_catalog.<=) %L::pg_catalog.int8), %s)',
                                       value_sql, key_sql, lo[g], key_sql, hi[g], rk[g]) END, ', ' ORDER BY g)
      INTO items FROM generate_series(1, nr) g;
    EXECUTE format('SELECT ARRAY[%s]::pg_catalog.float8[] FROM %s', items, target) INTO vals;
    passes := passes + 1;
END
$$;

-- How many values vqc.exact_memory_limit lets one exact collector hold.
CREATE FUNCTION vqc._exact_fit()
RETURNS bigint
LANGUAGE sql STABLE
AS $$
    -- Until vqc's library is loaded the setting is unknown (its default
    -- then), or a placeholder holding what the user wrote: a bare number is kB.
    SELECT greatest(CASE WHEN lim = '-1' THEN pg_catalog.pg_size_bytes(pg_catalog.current_setting('work_mem'))
                         WHEN lim OPERATOR(pg_catalog.~) '^\s*\d+\s*$' THEN lim::pg_catalog.int8 OPERATOR(pg_catalog.*) 1024
                         ELSE pg_catalog.pg_size_bytes(lim) END / 8, 1)
      FROM (SELECT coalesce(pg_catalog.current_setting('vqc.exact_memory_limit', true), '-1') AS lim) s
$$;

-- May the table hold more values than one exact collector keeps?  From the
-- planner's row estimate (with room to grow); true when there is none.  Then
-- the scan also takes a profile of the column for vqc._exact_ranks_bracketed.
CREATE FUNCTION vqc._may_overflow(target regclass)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT coalesce((SELECT c.reltuples < 0 OR c.reltuples > vqc._exact_fit() / 2
                       FROM pg_catalog.pg_class c WHERE c.oid = target), true)
$$;

-- The values at 0-based ranks (as vqc._exact_ranks) in ONE pass, after the
-- collector overflowed, from a profile of the same values taken in the same
-- scan.  Its quantile sketch brackets each rank between two values (the
-- sketch's stated rank error, times 1.5, each side; at least 0.5 %), and the
-- pass counts the values below each bracket and collects those inside it
-- (keyed by vqc.value_key, so ties at either edge fall inside).  The answer
-- is exact whatever the sketch says: a rank is found only when the count
-- below proves it inside the bracket.  A NULL element means that rank was
-- not found (the bracket missed, or its values outgrew the memory limit):
-- the caller falls back to vqc._exact_ranks.  NULL without a pass when the
-- brackets could not be wide enough for the limit.
CREATE FUNCTION vqc._exact_ranks_bracketed(target regclass, value_sql text, ranks bigint[], n bigint,
                                           sketch vqc.profile)
RETURNS float8[]
LANGUAGE plpgsql
AS $$
DECLARE
    fit     bigint := vqc._exact_fit();
    j       jsonb := vqc.profile_to_jsonb(sketch);
    -- the sketch ranks the numbers (not NaN) among themselves
    m       bigint := (j ->> 'rows')::bigint - (j ->> 'nulls')::bigint - coalesce((j ->> 'nan')::bigint, 0);
    eps     float8 := coalesce((j #>> '{quantiles,rank_error}')::float8, 0);
    half    float8 := least(greatest(1.5 * eps, 0.005), 0.45 * fit / n);
    nan_key bigint := vqc.value_key('NaN'::float8);
    nr      int := cardinality(ranks);
    lo      bigint[];
    hi      bigint[];
    grp     int[] := '{}';
    glo     bigint[] := '{}';
    ghi     bigint[] := '{}';
    i       int;
    items   text;
    got     float8[];
BEGIN
    IF half < eps / 2 OR m IS NULL THEN
        RETURN NULL;
    END IF;
    -- NaN ranks last; the sketch's quantiles 0 and 1 are the exact min and max
    SELECT array_agg(CASE WHEN r >= m THEN nan_key
                          ELSE vqc.value_key(vqc.quantile(sketch, greatest((r + 0.5) / m - half, 0))) END ORDER BY o),
           array_agg(CASE WHEN r >= m THEN nan_key
                          ELSE vqc.value_key(vqc.quantile(sketch, least((r + 0.5) / m + half, 1))) END ORDER BY o)
      INTO lo, hi
      FROM unnest(ranks) WITH ORDINALITY u(r, o);
    -- ascending ranks have ascending brackets: overlapping ones share a collector
    FOR i IN 1 .. nr LOOP
        IF i > 1 AND lo[i] <= ghi[cardinality(ghi)] THEN
            ghi[cardinality(ghi)] := greatest(ghi[cardinality(ghi)], hi[i]);
        ELSE
            glo := glo || lo[i];
            ghi := ghi || hi[i];
        END IF;
        grp := grp || cardinality(glo);
    END LOOP;
    -- per group g: b<g> values below, s<g> those inside; per rank, its value
    -- when the counts put it inside, else NULL
    SELECT string_agg(format('pg_catalog.count(*) FILTER (WHERE k OPERATOR(pg_catalog.<) %1$L::pg_catalog.int8) AS b%3$s, '
                             'vqc.exact_quantile_agg(v) FILTER (WHERE k OPERATOR(pg_catalog.>=) %1$L::pg_catalog.int8 '
                             'AND k OPERATOR(pg_catalog.<=) %2$L::pg_catalog.int8) AS s%3$s', glo[g], ghi[g], g), ', ' ORDER BY g)
      INTO items FROM generate_series(1, cardinality(glo)) g;
    EXECUTE format('SELECT ARRAY[%s]::pg_catalog.float8[] FROM (SELECT %s FROM '
                   '(SELECT v, vqc.value_key(v) AS k FROM (SELECT %s AS v FROM %s) x WHERE v IS NOT NULL) y) z',
                   (SELECT string_agg(format('CASE WHEN %1$s::pg_catalog.int8 OPERATOR(pg_catalog.>=) b%2$s '
                                             'AND %1$s::pg_catalog.int8 OPERATOR(pg_catalog.<) (b%2$s OPERATOR(pg_catalog.+) vqc.exact_quantile_count(s%2$s)) '
                                             'THEN %3$s END',
                                             ranks[i2], grp[i2],
                                             CASE WHEN glo[grp[i2]] = ghi[grp[i2]] THEN format('vqc.key_value(%L::pg_catalog.int8)', glo[grp[i2]])
                                                  ELSE format('vqc.exact_kth(s%s, (%s::pg_catalog.int8 OPERATOR(pg_catalog.-) b%s))', grp[i2], ranks[i2], grp[i2]) END),
                                      ', ' ORDER BY i2)
                      FROM generate_series(1, nr) i2),
                   items, value_sql, target)
        INTO got;
    RETURN got;
END
$$;

-- percentile_cont(q) (disc: percentile_disc(q)) of a column's n non-null
-- values for each q, exactly: in one pass bracketed by sketch (a profile of
-- the same values, from the scan whose collector overflowed) when it is
-- given and the brackets hold, else by vqc._exact_ranks' passes.
CREATE FUNCTION vqc._exact_quantiles_by_passes(target regclass, value_sql text, qs float8[], n bigint,
                                               disc boolean, sketch vqc.profile,
                                               OUT vals float8[], OUT passes integer)
LANGUAGE plpgsql
AS $$
DECLARE
    ranks bigint[];       -- the distinct ranks needed, ascending
    got   float8[];       -- their values
    tried integer := 0;   -- the bracketed pass, when it ran and missed
BEGIN
    IF n IS NULL OR n = 0 THEN
        vals := array_fill(NULL::float8, ARRAY[cardinality(qs)]);
        passes := 0;
        RETURN;
    END IF;
    SELECT array_agg(DISTINCT r ORDER BY r) INTO ranks
      FROM unnest(qs) q,
           LATERAL (VALUES (CASE WHEN disc THEN greatest(ceil(q * n)::bigint, 1) - 1 ELSE floor(q * (n - 1))::bigint END),
                           (CASE WHEN disc THEN greatest(ceil(q * n)::bigint, 1) - 1 ELSE ceil(q * (n - 1))::bigint END)) v(r);
    IF sketch IS NOT NULL THEN
        got := vqc._exact_ranks_bracketed(target, value_sql, ranks, n, sketch);
        tried := CASE WHEN got IS NULL THEN 0 ELSE 1 END;
        passes := 1;
    END IF;
    IF got IS NULL OR array_position(got, NULL) IS NOT NULL THEN
        SELECT x.vals, x.passes + tried INTO got, passes FROM vqc._exact_ranks(target, value_sql, ranks) x;
    END IF;
    vals := ARRAY(SELECT CASE WHEN disc THEN got[array_position(ranks, greatest(ceil(q * n)::bigint, 1) - 1)]
                              ELSE vqc.quantile_interpolate(got[array_position(ranks, floor(q * (n - 1))::bigint)],
                                                            got[array_position(ranks, ceil(q * (n - 1))::bigint)], q, n) END
                    FROM unnest(qs) WITH ORDINALITY u(q, o) ORDER BY o);
END
$$;

-- Evaluates one planned expectation from the scan's values (item name -> text).
-- Returns {"success", "result", "samples", "extra_scans"}.
CREATE FUNCTION vqc._evaluate(target regclass, plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    kind      text := plan ->> 'kind';
    etype     text := plan ->> 'type';
    observed  text;
    element   bigint;
    nonnull   bigint;
    t         vqc.tally;
    dups      bigint[];
    samples   jsonb := '[]';
    extra     integer := 0;
    category  "char";
    res       jsonb;
    qcol      text := quote_ident(plan ->> 'column');
    eq        record;
BEGIN
    IF kind = 'schema' THEN
        res := plan -> 'result_now';
        RETURN jsonb_build_object('success', (res ->> 'success')::boolean,
                                  'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                                                 ELSE res -> 'result' END,
                                  'samples', samples, 'extra_scans', 0);
    END IF;

    IF plan ->> 'evaluator' = 'freshness' THEN
        RETURN vqc._evaluate_freshness(plan, vals, rf);            -- freshness.sql
    END IF;
    IF plan ->> 'evaluator' = 'model_metric' THEN
        RETURN vqc._evaluate_model_metric(target, plan, vals, rf);  -- model_expectations.sql
    END IF;
    IF plan ? 'evaluator' THEN
        RETURN vqc._evaluate_ge_type(target, plan, vals, rf);      -- ge_types.sql: other tables' counts
    END IF;

    IF kind = 'statistic' THEN
        res := vqc._evaluate_statistic(target, plan, vals, rf);
        RETURN res || jsonb_build_object('samples', samples);
    END IF;

    IF kind IN ('table', 'aggregate') THEN
        observed := vals ->> (plan ->> 'value_item');
        IF plan ? 'bracket_items' OR (vals ->> (plan ->> 'overflow_item'))::boolean THEN
            -- bracketed in the scan, or more values than
            -- vqc.exact_memory_limit: the exact median from the scan's
            -- brackets, or by passes
            SELECT x.quantiles[1]::text, x.passes INTO observed, extra
              FROM vqc._overflowed_quantiles(target, vqc._quantile_arg(qcol, plan ->> 'type_sql'), '{0.5}', false,
                                             plan, vals) x;
        END IF;
        RETURN jsonb_build_object(
            'success', vqc._within_bounds(plan, observed),
            'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                           ELSE jsonb_build_object('observed_value', vqc._observed_json(plan, observed)) END,
            'samples', samples, 'extra_scans', extra);
    END IF;

    -- map
    SELECT typcategory INTO category FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype;
    element := (vals ->> coalesce(plan ->> 'element_item', 'n'))::bigint;
    nonnull := (vals ->> (plan ->> 'nonnull'))::bigint;

    IF plan ? 'unique_by_index' THEN
        t := NULL;
    ELSIF plan ? 'failures' THEN
        -- z-scores, compound uniqueness (ge_types.sql): a pass when needed
        SELECT x.t, x.passes INTO t, extra FROM vqc._ge_type_failures(target, plan, vals) x;
    ELSIF plan ? 'hash_item' THEN
        -- The screen's repeated words ({word, occurrences} rows): none proves
        -- all values distinct.  Integers are their own words, so when the row
        -- key is the column itself the repeats are the failing rows; otherwise
        -- a second pass reads just the rows with those words.  NULL (the
        -- screen outgrew its memory, or too many repeats): a GROUP BY pass.
        dups := (vals ->> (plan ->> 'hash_item'))::bigint[];
        IF dups = '{}' THEN
            t := NULL;
        ELSIF dups IS NOT NULL AND (plan ->> 'keys_from_values')::boolean THEN
            EXECUTE format('SELECT vqc.tally(%1$s::pg_catalog.text, %2$s, %3$s ORDER BY i) FROM '
                           '(SELECT i, ($1)[i][1]::%4$s AS %1$s FROM pg_catalog.generate_subscripts($1, 1) AS i, '
                           '        pg_catalog.generate_series(1, ($1)[i][2]) AS occurrence) AS repeats',
                           qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', plan ->> 'type_sql')
                INTO t USING dups;
        ELSIF dups IS NOT NULL THEN
            -- samples ascending by value, then by row key: the same order
            -- whatever the plan.  OFFSET 0 keeps the candidates a subquery
            -- of their own: Citus gathers them and runs the ordered
            -- aggregate on the coordinator (it cannot push one down).
            EXECUTE format('SELECT vqc.tally(v::pg_catalog.text, k, %3$s ORDER BY v, k) FROM '
                           '(SELECT %1$s AS v, %2$s AS k, pg_catalog.count(*) OVER (PARTITION BY %1$s) AS c '
                           '   FROM %4$s WHERE vqc.hash_value(%1$s) OPERATOR(pg_catalog.=) ANY ($1) OFFSET 0) AS candidates '
                           'WHERE c OPERATOR(pg_catalog.>) 1',
                           qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', target)
                INTO t USING ARRAY(SELECT dups[i][1] FROM generate_subscripts(dups, 1) AS i);
            extra := 1;
        ELSE
            -- samples in the hash screen's order, by value, then by row key
            -- (the repeated rows in a subquery of their own, as above)
            eq := vqc._type_operator((plan ->> 'type_sql')::regtype, '=');
            EXECUTE format('SELECT vqc.tally(v::pg_catalog.text, k, %3$s ORDER BY v, k) FROM '
                           '(SELECT %1$s AS v, %2$s AS k FROM %4$s '
                           ' WHERE (%1$s)%5$s %6$s ANY (SELECT (%1$s)%5$s FROM %4$s WHERE %1$s IS NOT NULL '
                           ' GROUP BY %1$s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1) OFFSET 0) AS candidates',
                           qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', target,
                           eq.operand_cast, eq.operator_sql)
                INTO t;
            extra := 1;
        END IF;
    ELSE
        t := (vals ->> (plan ->> 'tally'))::vqc.tally;
    END IF;
    IF t IS NOT NULL THEN
        samples := vqc._tally_samples_json(t);
    END IF;
    res := vqc._map_result(plan, rf, element, nonnull, coalesce(vqc.tally_count(t), 0), samples, category);
    res := vqc._ge_map_extras(target, plan, rf, res);
    RETURN res || jsonb_build_object('samples', samples, 'extra_scans', extra);
END
$$;

-- ---------------------------------------------------------------------------
-- evaluating a list of expectations on one table in one scan

-- The one SELECT that computes the named items (in the order of names) as
-- text: the aggregate states in an inner SELECT, each once, and the items
-- over them in the outer one (see vqc._scan_item_split).
CREATE FUNCTION vqc._scan_sql(target regclass, items jsonb, names text[])
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    aggs   text[];
    plain  text[];
    states text[] := '{}';
    outs   text[] := '{}';
    o      text;
    nm     text;
    from_sql text;
BEGIN
    -- the aggregates generated SQL calls: pg_catalog's and vqc's
    SELECT array_agg(DISTINCT lower(p.proname::text)) FILTER (WHERE p.prokind = 'a'),
           array_agg(DISTINCT lower(p.proname::text)) FILTER (WHERE p.prokind = 'f')
      INTO aggs, plain
      FROM pg_proc p
     WHERE p.pronamespace IN ('pg_catalog'::regnamespace, 'vqc'::regnamespace)
       AND p.proname IN (SELECT a.proname FROM pg_proc a WHERE a.prokind = 'a'
                            AND a.pronamespace IN ('pg_catalog'::regnamespace, 'vqc'::regnamespace));
    -- items named join:* are joined to the table (their value stays NULL);
    -- a join hides the table's system columns, which row keys use, so the
    -- table is then read through a subquery that names them (pulled up by
    -- the planner: the same scan)
    FOREACH nm IN ARRAY names LOOP
        IF nm LIKE 'join:%' THEN
            outs := outs || 'NULL::pg_catalog.text'::text;
        ELSE
            SELECT x.states, x.outer_sql INTO states, o FROM vqc._scan_item_split(items ->> nm, aggs, plain, states) x;
            outs := outs || format('(%s)::pg_catalog.text', o);
        END IF;
    END LOOP;
    SELECT CASE WHEN bool_or(nm2 LIKE 'join:%') AND (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'p', 'm')
                THEN format('(SELECT *, ctid, tableoid FROM %s) AS vqc_scan', target)
                ELSE target::text END
           || coalesce(string_agg(' ' || (items ->> nm2), '' ORDER BY o2) FILTER (WHERE nm2 LIKE 'join:%'), '')
      INTO from_sql
      FROM unnest(names) WITH ORDINALITY AS x(nm2, o2);
    IF cardinality(states) = 0 THEN
        RETURN format('SELECT ARRAY[%s]::pg_catalog.text[] FROM %s', array_to_string(outs, ', '), from_sql);
    END IF;
    RETURN format('SELECT ARRAY[%s]::pg_catalog.text[] FROM (SELECT %s FROM %s) AS vqc_states',
                  array_to_string(outs, ', '),
                  (SELECT string_agg(format('%s AS vqc_s%s', st, k), ', ' ORDER BY k)
                     FROM unnest(states) WITH ORDINALITY AS y(st, k)),
                  from_sql);
END
$$;

-- Plans every expectation of a list for one scan of target:
--   plans[i] (NULL when it could not be planned: errors[i] says why),
--   rfs[i] (the normalized result_format), items (every aggregate expression
--   the scan computes, profiles of profile_columns and count(*) included) and
--   kwargs_all (the $1 parameter of the scan).
-- With raise_errors, a bad expectation raises instead.
CREATE FUNCTION vqc._plan_all(target regclass, expectations jsonb, key_columns text[],
                              sample_cap integer, rf_default jsonb, raise_errors boolean,
                              profile_columns text[],
                              OUT plans jsonb[], OUT rfs jsonb[], OUT errors text[],
                              OUT items jsonb, OUT kwargs_all jsonb)
LANGUAGE plpgsql
AS $$
DECLARE
    e       jsonb;
    plan    jsonb;
    rf      jsonb;
    cap     integer;
    msg     text;
    keycols text[];
    c       text;
    i       integer;
BEGIN
    plans := '{}';
    rfs := '{}';
    errors := '{}';
    items := '{}';
    kwargs_all := '[]';
    FOR i IN 0 .. jsonb_array_length(expectations) - 1 LOOP
        e := expectations -> i;
        kwargs_all := kwargs_all || jsonb_build_array(e -> 'kwargs');
        plan := NULL;
        rf := NULL;
        msg := NULL;
        BEGIN
            rf := vqc._result_format(coalesce(e -> 'kwargs' -> 'result_format', rf_default));
            cap := greatest(sample_cap, CASE rf ->> 'result_format'
                                             WHEN 'COMPLETE' THEN coalesce(current_setting('vqc.max_unexpected_samples', true)::integer, 1000)
                                             WHEN 'BOOLEAN_ONLY' THEN 0
                                             ELSE (rf ->> 'partial_unexpected_count')::integer END);
            keycols := CASE WHEN jsonb_typeof(rf -> 'unexpected_index_column_names') = 'array'
                            THEN vqc._jsonb_text_array(rf -> 'unexpected_index_column_names')
                            ELSE key_columns END;
            plan := vqc._plan(target, e ->> 'type', e -> 'kwargs', i, keycols, cap);
            IF plan ->> 'kind' = 'history' THEN
                plan := vqc._history_bind(plan, e -> 'id');
            END IF;
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE;        -- reading the table is the caller's right, not an expectation's failure
            WHEN OTHERS THEN
                IF raise_errors THEN
                    RAISE;
                END IF;
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                plan := NULL;
        END;
        plans := plans || plan;
        rfs := rfs || rf;
        errors := errors || msg;
        IF plan ? 'items' THEN
            items := items || (plan -> 'items');
        END IF;
    END LOOP;

    -- column profiles ride along in the same scan
    FOREACH c IN ARRAY coalesce(profile_columns, '{}') LOOP
        items := items || jsonb_build_object(format('p:%s', c), format('vqc.profile_agg(%I)', c));
    END LOOP;
    IF items <> '{}' THEN
        items := items || jsonb_build_object('n', 'pg_catalog.count(*)');
    END IF;
END
$$;

-- expectations: [{"type", "kwargs", "id"?}]; profile_columns are profiled in the same scan
-- Returns {"rows": element count or null, "scans": n, "results": [
--   {"position", "id", "type", "kwargs", "column", "status", "success", "result",
--    "samples", "error"}]}
-- With raise_errors, a bad expectation raises; otherwise it is reported with
-- status "error" and the others are evaluated.
CREATE FUNCTION vqc._evaluate_all(target regclass, expectations jsonb, key_columns text[],
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

-- The one scan of target for all items ({name: value text} in vals); when it
-- fails and errors are not raised, each plan's items are scanned alone so
-- that only the culprit is reported (its plan NULL, its error set), then
-- the profiles and the row count no check's scan took (scan.sql); a
-- profile that cannot be taken is in profile_errors ({column: message}).
CREATE FUNCTION vqc._scan_plans(target regclass, items jsonb, kwargs_all jsonb, raise_errors boolean,
                                INOUT plans jsonb[], INOUT errors text[], OUT vals jsonb, OUT scans integer,
                                OUT profile_errors jsonb)
LANGUAGE plpgsql
AS $$
BEGIN
    vals := '{}';
    scans := 0;
    profile_errors := '{}';
    IF items <> '{}' THEN
        BEGIN
            scans := 1;
            vals := vqc._scan_items(target, items, kwargs_all);
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE;
            WHEN OTHERS THEN
                IF raise_errors THEN
                    RAISE;
                END IF;
                SELECT x.plans, x.errors, x.vals, x.scans, x.profile_errors
                  INTO plans, errors, vals, scans, profile_errors
                  FROM vqc._scan_each(target, items, kwargs_all, plans, errors) x;
        END;
    END IF;
END
$$;

-- Evaluates planned expectations from the scan's values (see _evaluate_all).
CREATE FUNCTION vqc._evaluate_plans(target regclass, expectations jsonb, plans jsonb[], rfs jsonb[],
                                    errors text[], vals jsonb, scans integer, raise_errors boolean,
                                    profile_columns text[], profile_errors jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    n          integer := jsonb_array_length(expectations);
    e          jsonb;
    i          integer;
    pc         text;
    msg        text;
    out_results jsonb := '[]';
    ev         jsonb;
BEGIN
    -- evaluate
    FOR i IN 1 .. n LOOP
        e := expectations -> (i - 1);
        ev := NULL;
        IF plans[i] IS NOT NULL THEN
            BEGIN
                IF plans[i] ->> 'kind' = 'history' THEN
                    ev := vqc._evaluate_history(plans[i], vals, rfs[i]);
                ELSE
                    ev := vqc._evaluate(target, plans[i], vals, rfs[i]);
                END IF;
                scans := scans + (ev ->> 'extra_scans')::integer;
                IF e ? 'id' THEN
                    -- for the history expectations after it that read its metrics
                    vals := vals || jsonb_build_object(format('result:%s', e ->> 'id'), ev -> 'result');
                END IF;
            EXCEPTION
                WHEN insufficient_privilege THEN
                    RAISE;
                WHEN OTHERS THEN
                    IF raise_errors THEN
                        RAISE;
                    END IF;
                    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                    errors[i] := msg;
            END;
        END IF;
        out_results := out_results || jsonb_build_object(
            'position', i,
            'id', e -> 'id',
            'type', e ->> 'type',
            'kwargs', e -> 'kwargs',
            'column', e -> 'kwargs' ->> 'column',
            'status', CASE WHEN ev IS NULL THEN 'error'
                           WHEN (ev ->> 'success')::boolean THEN 'success' ELSE 'failure' END,
            'success', ev -> 'success',
            'result', coalesce(ev -> 'result', '{}'),
            'samples', coalesce(ev -> 'samples', '[]'),
            'error', errors[i]);
    END LOOP;

    -- a profile the scans could not take is an error of the run, after the
    -- expectations, never a missing row
    FOR pc IN SELECT x FROM unnest(profile_columns) x WHERE profile_errors ? x LOOP
        out_results := out_results || jsonb_build_object(
            'position', jsonb_array_length(out_results) + 1,
            'id', NULL,
            'type', 'column_profile',
            'kwargs', jsonb_build_object('column', pc),
            'column', pc,
            'status', 'error',
            'success', NULL,
            'result', '{}'::jsonb,
            'samples', '[]'::jsonb,
            'error', format('the profile of column "%s" could not be taken: %s', pc, profile_errors ->> pc));
    END LOOP;

    RETURN jsonb_build_object('rows', vals -> 'n', 'scans', scans, 'results', out_results,
                              'profiles', (SELECT coalesce(jsonb_object_agg(c, vals -> format('p:%s', c)), '{}')
                                             FROM unnest(coalesce(profile_columns, '{}')) c
                                            WHERE vals ? format('p:%s', c)));
END
$$;

-- GE's validation-result JSON for one evaluated expectation.
CREATE FUNCTION vqc._ge_result(r jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_build_object(
        'success', coalesce((r ->> 'success')::boolean, false),
        'result', r -> 'result',
        'expectation_config', jsonb_build_object('type', r ->> 'type', 'kwargs', r -> 'kwargs'),
        'meta', coalesce(r -> 'kwargs' -> 'meta', '{}'),
        'exception_info', jsonb_build_object(
            'raised_exception', r ->> 'status' = 'error',
            'exception_message', r -> 'error',
            'exception_traceback', NULL))
$$;

-- ---------------------------------------------------------------------------
-- the ad-hoc entry point

CREATE FUNCTION vqc.expect(target regclass, expectation_type text, kwargs jsonb DEFAULT '{}',
                           result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    out jsonb;
BEGIN
    IF target IS NULL OR expectation_type IS NULL THEN
        RAISE EXCEPTION 'target and expectation_type must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF kwargs IS NULL THEN
        kwargs := '{}';
    END IF;
    IF expectation_type = 'unexpected_rows_expectation' THEN
        RETURN vqc._expect_unexpected_rows(target, kwargs, result_format);    -- ge_types.sql
    END IF;
    out := vqc._evaluate_all(target,
                             jsonb_build_array(jsonb_build_object('type', expectation_type, 'kwargs', kwargs)),
                             vqc._primary_key(target), 0, to_jsonb(result_format), true);
    RETURN vqc._ge_result(out -> 'results' -> 0);
END
$$;
COMMENT ON FUNCTION vqc.expect(regclass, text, jsonb, text) IS
    'Evaluates one Great Expectations expectation on a table and returns GE''s validation result.';
-- scan.sql: the runner's scans of a suite's table: the items' values from
-- one SELECT, and the scans one check at a time when the shared one fails.

-- The named items' values ({name: text}) from one scan of target.
CREATE FUNCTION vqc._scan_items(target regclass, items jsonb, kwargs_all jsonb)
RETURNS jsonb
LANGUAGE plpgsql
-- the values come back as text and are read again: in ISO 8601 a timestamp
-- with time zone carries its offset, where another DateStyle may print an
-- abbreviation that reads back as another zone (IST: India or Israel)
SET DateStyle TO 'ISO, MDY'
-- the scan's expressions are large (an aggregate and a filter per check):
-- LLVM's inlining of them costs each process more compile time than it
-- saves over the rows (10 M rows, 2 workers: the ten sample checks 8 %
-- faster without it, the fourteen of ge_types_bench 13 %); JIT compiles
-- and optimizes them still
SET jit_inline_above_cost TO '-1'
AS $$
DECLARE
    names text[] := ARRAY(SELECT k FROM jsonb_object_keys(items) k ORDER BY k);
    arr   text[];
BEGIN
    EXECUTE vqc._scan_sql(target, items, names) INTO arr USING kwargs_all;
    RETURN (SELECT coalesce(jsonb_object_agg(nm, arr[o]), '{}')
              FROM unnest(names) WITH ORDINALITY AS x(nm, o));
END
$$;

-- After the shared scan of items failed (one check broke it: a regex
-- limit, say), each planned check alone, so that only the culprit is an
-- error; then what no check's scan took (the profiles, and the row count
-- when no check that counts succeeded) in one more scan, or if that fails
-- each profile alone.  A check that still fails gets its error and loses
-- its plan; a profile that still fails is in profile_errors ({column:
-- message}), never just missing.  scans counts the scans tried, the
-- failed shared one included.
CREATE FUNCTION vqc._scan_each(target regclass, items jsonb, kwargs_all jsonb,
                               INOUT plans jsonb[], INOUT errors text[],
                               OUT vals jsonb, OUT scans integer, OUT profile_errors jsonb)
LANGUAGE plpgsql
AS $$
DECLARE
    i    integer;
    k    text;
    rest jsonb;
    msg  text;
BEGIN
    vals := '{}';
    scans := 1;
    profile_errors := '{}';
    FOR i IN 1 .. coalesce(cardinality(plans), 0) LOOP
        CONTINUE WHEN NOT plans[i] ? 'items';
        BEGIN
            scans := scans + 1;
            vals := vals || vqc._scan_items(target, plans[i] -> 'items', kwargs_all);
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE;
            WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                errors[i] := msg;
                plans[i] := NULL;
        END;
    END LOOP;

    SELECT jsonb_object_agg(key, value) INTO rest
      FROM jsonb_each(items)
     WHERE (key = 'n' OR key LIKE 'p:%') AND NOT vals ? key;
    IF rest IS NULL THEN
        RETURN;
    END IF;
    BEGIN
        scans := scans + 1;
        vals := vals || vqc._scan_items(target, rest, kwargs_all);
    EXCEPTION
        WHEN insufficient_privilege THEN
            RAISE;
        WHEN OTHERS THEN
            FOR k IN SELECT key FROM jsonb_object_keys(rest) key WHERE key LIKE 'p:%' ORDER BY key LOOP
                BEGIN
                    scans := scans + 1;
                    vals := vals || vqc._scan_items(target, jsonb_build_object(k, rest -> k)
                                                            || CASE WHEN vals ? 'n' THEN '{}'
                                                                    ELSE jsonb_build_object('n', items -> 'n') END,
                                                     kwargs_all);
                EXCEPTION
                    WHEN insufficient_privilege THEN
                        RAISE;
                    WHEN OTHERS THEN
                        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                        profile_errors := profile_errors || jsonb_build_object(substr(k, 3), msg);
                END;
            END LOOP;
    END;
END
$$;

-- One item of a scan split around its aggregate calls: each call (with its
-- FILTER) becomes a state of the scan's inner SELECT, found in states or
-- appended to it, and outer_sql is the item over those states
-- (vqc_states.vqc_s<k>).  PostgreSQL merges identical aggregate calls of
-- one query by itself, Citus does not: so a state is computed, and shipped
-- from each shard, once however many accessors read it.  aggs are the names
-- of aggregates, plain those that are also ordinary functions (an accessor
-- such as vqc.roc_auc_score(state) when it wraps an aggregate call).  An
-- item that holds a subquery or a window, or that the tokens do not
-- reassemble, is one state whole, as it was.
CREATE FUNCTION vqc._scan_item_split(expr text, aggs text[], plain text[], INOUT states text[],
                                     OUT outer_sql text)
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    -- E'' and '' strings, quoted names, names (dotted), parentheses, the rest
    toks  text[] := ARRAY(SELECT m[1] FROM regexp_matches(expr,
                          $re$([Ee]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)*|\(|\)|[^'"()A-Za-z_]+)$re$,
                          'g') m);
    n     integer := cardinality(toks);
    i     integer := 1;
    j     integer;
    stop  integer;
    depth integer;
    nm    text;
    call  text;
    k     integer;
BEGIN
    outer_sql := '';
    IF array_to_string(toks, '') IS DISTINCT FROM expr
       OR EXISTS (SELECT 1 FROM unnest(toks) t WHERE lower(t) IN ('select', 'over', 'within')) THEN
        toks := ARRAY[expr];
        n := 0;
    END IF;
    WHILE i <= n LOOP
        nm := lower(regexp_replace(toks[i], '^.*\.', ''));
        stop := NULL;
        IF i < n AND toks[i + 1] = '(' AND toks[i] ~ '^[A-Za-z_]' AND nm = ANY (aggs) THEN
            -- the call's closing parenthesis, and that of a FILTER (...) after it
            j := i + 1;
            LOOP
                depth := 0;
                LOOP
                    depth := depth + CASE toks[j] WHEN '(' THEN 1 WHEN ')' THEN -1 ELSE 0 END;
                    EXIT WHEN depth = 0 OR j = n;
                    j := j + 1;
                END LOOP;
                EXIT WHEN depth <> 0;
                stop := j;
                j := stop + 1 + CASE WHEN toks[stop + 1] ~ '^\s+$' THEN 1 ELSE 0 END;
                EXIT WHEN upper(toks[j]) IS DISTINCT FROM 'FILTER';
                j := j + 1 + CASE WHEN toks[j + 1] ~ '^\s+$' THEN 1 ELSE 0 END;
                EXIT WHEN toks[j] IS DISTINCT FROM '(';
            END LOOP;
            -- an accessor named like an aggregate, around an aggregate call: look inside
            IF stop IS NOT NULL AND nm = ANY (plain)
               AND EXISTS (SELECT 1 FROM generate_series(i + 2, stop - 1) g
                            WHERE toks[g + 1] = '(' AND toks[g] ~ '^[A-Za-z_]'
                              AND lower(regexp_replace(toks[g], '^.*\.', '')) = ANY (aggs)) THEN
                stop := NULL;
            END IF;
        END IF;
        IF stop IS NULL THEN
            outer_sql := outer_sql || toks[i];
            i := i + 1;
            CONTINUE;
        END IF;
        call := array_to_string(toks[i:stop], '');
        k := array_position(states, call);
        IF k IS NULL THEN
            states := states || call;
            k := cardinality(states);
        END IF;
        outer_sql := outer_sql || format('vqc_states.vqc_s%s', k);
        i := stop + 1;
    END LOOP;
    IF n = 0 THEN
        -- whole
        k := array_position(states, expr);
        IF k IS NULL THEN
            states := states || expr;
            k := cardinality(states);
        END IF;
        outer_sql := format('vqc_states.vqc_s%s', k);
    END IF;
END
$$;

-- ---------------------------------------------------------------------
-- stats_brackets.sql: exact quantiles of a big column in the suite's one
-- scan, bracketed by the planner's statistics
-- ---------------------------------------------------------------------
-- When a column may hold more values than one exact collector keeps
-- (vqc._may_overflow), the scan collects, beside its usual collector, only
-- the values inside a bracket [lo, hi] around each wanted quantile, taken
-- from pg_stats (ANALYZE's histogram and most common values), and counts
-- the values below lo.  The rank r falls inside when
-- below <= r < below + inside; then the value at rank r is the
-- (r - below)-th collected value: exact, whatever the statistics said.  A
-- bracket that misses (statistics too far off) or overflows costs the
-- passes of vqc._exact_quantiles_by_passes, as before; the run's `scans`
-- shows them.

-- The non-null values' distribution as ANALYZE saw it: sorted points (the
-- histogram's bounds and the most common values) with the share of the
-- non-null values below each (below) and at or below it (upto); the share
-- of the rows that is not null (nonnull); the sampling error of a share
-- near one half (sigma).  NULL when pg_stats has nothing the caller may
-- read for the column, or its values are not numbers.
CREATE FUNCTION vqc._stats_distribution(target regclass, colname name,
                                        OUT xs float8[], OUT below float8[], OUT upto float8[],
                                        OUT nonnull float8, OUT sigma float8)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    st       record;
    mcv      float8[];
    hist     float8[];
    histpart float8;   -- the share of all rows the histogram describes
    stat_target int;
BEGIN
    -- pg_stats shows a role only the columns it may read; a table with
    -- inheritance children is read with them, as its inherited statistics say
    SELECT s.null_frac, s.most_common_vals::text AS mcv, s.most_common_freqs AS mcf,
           s.histogram_bounds::text AS hist
      INTO st
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname
     WHERE c.oid = target AND s.attname = colname
     ORDER BY s.inherited DESC
     LIMIT 1;
    IF NOT FOUND OR st.null_frac >= 1 THEN
        RETURN;
    END IF;
    BEGIN
        mcv := coalesce(st.mcv::float8[], '{}');
        hist := coalesce(st.hist::float8[], '{}');
    EXCEPTION WHEN data_exception OR invalid_text_representation THEN
        RETURN;
    END;
    -- NaN and the infinities have no place on a line: the finite bounds
    -- describe the rest well enough for a bracket
    hist := ARRAY(SELECT h FROM unnest(hist) h WHERE h NOT IN ('NaN', 'Infinity', '-Infinity'));
    IF cardinality(hist) = 1 OR (cardinality(hist) = 0 AND cardinality(mcv) = 0) THEN
        RETURN;
    END IF;
    nonnull := 1 - st.null_frac;
    histpart := greatest(nonnull - coalesce((SELECT sum(f) FROM unnest(st.mcf) f), 0), 0);
    -- each point: the most common values' mass below and at it, plus the
    -- histogram's part up to it
    WITH pts AS (
        SELECT x, sum(f) AS mass FROM (
            SELECT m.x, m.f FROM unnest(mcv, st.mcf) m(x, f)
            UNION ALL
            SELECT h.x, 0 FROM unnest(hist) h(x)) p
         WHERE x NOT IN ('NaN', 'Infinity', '-Infinity')
         GROUP BY x),
    cum AS (
        SELECT x, mass,
               coalesce(sum(mass) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS mcv_below,
               vqc._hist_fraction(hist, x) AS h
          FROM pts)
    SELECT array_agg(x ORDER BY x),
           array_agg(least((mcv_below + histpart * h) / nonnull, 1) ORDER BY x),
           array_agg(least((mcv_below + mass + histpart * h) / nonnull, 1) ORDER BY x)
      INTO xs, below, upto
      FROM cum;
    -- ANALYZE samples 300 rows per unit of the column's statistics target
    SELECT coalesce(nullif(a.attstattarget, -1), pg_catalog.current_setting('default_statistics_target')::int)
      INTO stat_target
      FROM pg_catalog.pg_attribute a WHERE a.attrelid = target AND a.attname = colname;
    sigma := sqrt(0.25 / greatest(300.0 * stat_target, 1));
END
$$;

-- The share of a histogram's values below x (bounds hist, each bin the
-- same share; linear inside a bin).
CREATE FUNCTION vqc._hist_fraction(hist float8[], x float8)
RETURNS float8
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN b < 2 OR i = 0 THEN 0
                WHEN i >= b THEN 1
                ELSE (i - 1 + coalesce((x - hist[i]) / nullif(hist[i + 1] - hist[i], 0), 0)) / (b - 1) END
      FROM (SELECT cardinality(hist) AS b, width_bucket(x, hist) AS i) s
$$;

-- The smallest value x of the distribution with at least fraction p of the
-- values at or below it (linear between points); -Infinity below the
-- first point's share, Infinity past 1.
CREATE FUNCTION vqc._stats_inverse(xs float8[], below float8[], upto float8[], p float8)
RETURNS float8
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN p <= 0 THEN '-Infinity'::float8
                WHEN p >= 1 OR p > upto[cardinality(upto)] THEN 'Infinity'::float8
                ELSE (SELECT CASE WHEN i = 1 OR p >= below[i] THEN xs[i]
                                  -- between point i - 1 and i the share rises linearly
                                  ELSE xs[i - 1] + (xs[i] - xs[i - 1]) * (p - upto[i - 1]) / nullif(below[i] - upto[i - 1], 0) END
                        FROM generate_series(1, cardinality(xs)) i
                       WHERE upto[i] >= p
                       ORDER BY i LIMIT 1) END
$$;

-- For each quantile q, a bracket {"lo", "hi"} of the non-null values
-- around it, from the column's statistics: q's share plus and minus a
-- margin of ten times ANALYZE's sampling error, or less to keep the brackets
-- of all quantiles together within 70 % of one collector
-- (vqc._exact_fit()) for the rows the table has now; with no single value
-- inside heavier than a quarter of the margin.  NULL when the statistics cannot give that (none, or a margin
-- under four times ANALYZE's sampling error: a table too big for the
-- collector); the caller then brackets by a profile taken in the scan
-- instead.  Statistics that are out of date cost passes, not exactness.
CREATE FUNCTION vqc._stats_brackets(target regclass, colname name, qs float8[])
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    d       record;
    rows    float8;
    margin  float8;
    lo      float8;
    hi      float8;
    q       float8;
    out     jsonb := '[]';
BEGIN
    -- rows inserted since the last ANALYZE count too
    SELECT greatest(c.reltuples, s.n_live_tup) INTO rows
      FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
     WHERE c.oid = target;
    IF rows IS NULL OR rows <= 0 THEN
        RETURN NULL;
    END IF;
    SELECT * INTO d FROM vqc._stats_distribution(target, colname);
    IF d.xs IS NULL THEN
        RETURN NULL;
    END IF;
    -- ten times the sampling error is wide enough: a bracket holds no more
    -- values than it must
    margin := least(0.7 * vqc._exact_fit() / (rows * d.nonnull) / cardinality(qs) / 2, 10 * d.sigma);
    IF margin < 4 * d.sigma THEN
        RETURN NULL;
    END IF;
    FOREACH q IN ARRAY qs LOOP
        lo := vqc._stats_inverse(d.xs, d.below, d.upto, q - margin);
        hi := vqc._stats_inverse(d.xs, d.below, d.upto, q + margin);
        IF (SELECT max(d.upto[i] - d.below[i]) FROM generate_series(1, cardinality(d.xs)) i
             WHERE d.xs[i] BETWEEN lo AND hi) > margin / 4 THEN
            RETURN NULL;
        END IF;
        out := out || jsonb_build_object('lo', lo, 'hi', hi);
    END LOOP;
    RETURN out;
END
$$;

-- SQL, for the scan's select list, of the value at 0-based rank rank_sql
-- (an expression over the scan's aggregates) among the values of
-- value_sql (float8 or numeric), from the bracket's collector; NULL when
-- the rank falls outside the bracket or the collector overflowed.
CREATE FUNCTION vqc._bracketed_rank_sql(value_sql text, bracket jsonb, rank_sql text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format('vqc.exact_kth(vqc.exact_quantile_agg(%1$s) FILTER (WHERE (%1$s)::pg_catalog.float8 OPERATOR(pg_catalog.>=) %2$L::pg_catalog.float8 '
                  'AND (%1$s)::pg_catalog.float8 OPERATOR(pg_catalog.<=) %3$L::pg_catalog.float8), '
                  '(%4$s) OPERATOR(pg_catalog.-) pg_catalog.count(*) FILTER (WHERE (%1$s)::pg_catalog.float8 OPERATOR(pg_catalog.<) %2$L::pg_catalog.float8))',
                  value_sql, bracket ->> 'lo', bracket ->> 'hi', rank_sql)
$$;

-- SQL of the 0-based rank percentile_cont (disc: percentile_disc) reads for
-- q among the n values counted by count_sql; second: the upper of
-- percentile_cont's two rows.
CREATE FUNCTION vqc._rank_sql(count_sql text, q float8, disc boolean, second boolean)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN disc THEN format('GREATEST(pg_catalog.ceil(%L::pg_catalog.float8 OPERATOR(pg_catalog.*) %s)::pg_catalog.int8, 1) OPERATOR(pg_catalog.-) 1',
                                      q, count_sql)
                ELSE format('pg_catalog.%s(%L::pg_catalog.float8 OPERATOR(pg_catalog.*) (%s OPERATOR(pg_catalog.-) 1))::pg_catalog.int8',
                            CASE WHEN second THEN 'ceil' ELSE 'floor' END, q, count_sql) END
$$;

-- The items an exact quantile check adds to the scan, in one of two ways.
-- On a table of a million rows or more, or one that may outgrow the
-- collector, whose statistics bracket every wanted quantile: the count of
-- non-null values and, per quantile, the values at its ranks from the
-- brackets' filtered collectors ("bracket_items": one [item of the lower
-- rank, item of the upper rank] per q); collecting the whole column would
-- cost more and prove nothing more.  Otherwise the caller's collector
-- (vqc.exact_quantile_agg(qarg), whose answers the caller adds) with its
-- count and overflow flag, and, when the table may outgrow it, a profile of
-- the column ("sketch_item") to bracket one more pass.  Returns {"items",
-- "count_item", "overflow_item" or "bracket_items", "sketch_item"}; the
-- item names end in suffix, the brackets' in bracket_suffix (they depend on
-- the quantiles).
CREATE FUNCTION vqc._exact_quantile_items(target regclass, colname name, qarg text, qs float8[], disc boolean,
                                          suffix text, bracket_suffix text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    count_sql text := format('vqc.exact_quantile_count(vqc.exact_quantile_agg(%s))', qarg);
    overflow  boolean := vqc._may_overflow(target);
    brackets  jsonb;
    items     jsonb := '{}';
    pairs     jsonb := '[]';
    i         int;
    first     text;
    second    text;
BEGIN
    IF overflow OR (SELECT c.reltuples >= 1e6 FROM pg_catalog.pg_class c WHERE c.oid = target) THEN
        brackets := vqc._stats_brackets(target, colname, qs);
    END IF;
    IF brackets IS NULL THEN
        RETURN jsonb_build_object(
            'items', jsonb_build_object('o' || suffix, format('vqc.exact_quantile_overflowed(vqc.exact_quantile_agg(%s))', qarg),
                                        'c' || suffix, count_sql)
                     || CASE WHEN overflow THEN jsonb_build_object('k' || suffix, format('vqc.profile_agg(%s)', qarg)) ELSE '{}' END,
            'overflow_item', 'o' || suffix, 'count_item', 'c' || suffix,
            'sketch_item', CASE WHEN overflow THEN 'k' || suffix END);
    END IF;
    count_sql := format('pg_catalog.count(%s)', qarg);
    FOR i IN 1 .. cardinality(qs) LOOP
        first := format('r%s_%s', bracket_suffix, i);
        second := CASE WHEN disc THEN first ELSE format('R%s_%s', bracket_suffix, i) END;
        items := items
                 || jsonb_build_object(first, vqc._bracketed_rank_sql(qarg, brackets -> (i - 1), vqc._rank_sql(count_sql, qs[i], disc, false)))
                 || jsonb_build_object(second, vqc._bracketed_rank_sql(qarg, brackets -> (i - 1), vqc._rank_sql(count_sql, qs[i], disc, NOT disc)));
        pairs := pairs || jsonb_build_array(jsonb_build_array(first, second));
    END LOOP;
    RETURN jsonb_build_object('items', items || jsonb_build_object('n' || suffix, count_sql),
                              'count_item', 'n' || suffix, 'bracket_items', pairs);
END
$$;

-- percentile_cont(q) (disc: percentile_disc(q)) for each q of qs when the
-- scan's collector overflowed or the scan bracketed them instead: from the
-- scan's brackets when every wanted rank fell inside them (no pass), else
-- by vqc._exact_quantiles_by_passes (with the scan's profile when it took
-- one).  plan is what
-- vqc._exact_quantile_items returned, vals the scan's values.
CREATE FUNCTION vqc._overflowed_quantiles(target regclass, qarg text, qs float8[], disc boolean,
                                          plan jsonb, vals jsonb, OUT quantiles float8[], OUT passes integer)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    n bigint := (vals ->> (plan ->> 'count_item'))::bigint;
BEGIN
    IF plan ? 'bracket_items' AND n > 0 THEN
        quantiles := ARRAY(SELECT CASE WHEN disc THEN (vals ->> (p ->> 0))::float8
                                       ELSE vqc.quantile_interpolate((vals ->> (p ->> 0))::float8,
                                                                     (vals ->> (p ->> 1))::float8, qs[o::int], n) END
                             FROM jsonb_array_elements(plan -> 'bracket_items') WITH ORDINALITY b(p, o)
                            ORDER BY o);
        passes := 0;
        IF array_position(quantiles, NULL) IS NULL THEN
            RETURN;
        END IF;
    END IF;
    SELECT x.vals, x.passes INTO quantiles, passes
      FROM vqc._exact_quantiles_by_passes(target, qarg, qs, n, disc, (vals ->> (plan ->> 'sketch_item'))::vqc.profile) x;
END
$$;
-- statistics.sql: expectations on a column's distribution (quantiles,
-- distinct values, modes).  They are answered exactly by default, from the
-- column's profile when the profile is exact (small columns), otherwise from
-- exact collectors in the same scan or an exact second pass; only
-- allow_relative_error asks for a sketch's answer, and then the result says
-- so and by how much.

CREATE FUNCTION vqc._plan_statistic(target regclass, etype text, kwargs jsonb, pidx integer,
                                    colname text, type_sql text, category "char")
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    qcol   text := quote_ident(colname);
    p      text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    qr     jsonb;
    qs     jsonb;
    ranges jsonb;
    lo     jsonb;
    hi     jsonb;
    items  jsonb;
    plan   jsonb;
    j      integer;
    approx boolean;
BEGIN
    CASE etype
    WHEN 'expect_column_quantile_values_to_be_between' THEN
        IF category <> 'N' THEN
            RAISE EXCEPTION '% needs a numeric column; column "%" is of type %', etype, colname, type_sql
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        qr := vqc._kw(etype, kwargs, 'quantile_ranges', '{object}');
        qs := qr -> 'quantiles';
        ranges := qr -> 'value_ranges';
        IF jsonb_typeof(qs) IS DISTINCT FROM 'array' OR jsonb_typeof(ranges) IS DISTINCT FROM 'array'
           OR jsonb_array_length(qs) <> jsonb_array_length(ranges) OR jsonb_array_length(qs) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'quantile_ranges needs "quantiles" and "value_ranges" arrays of the same, non-zero length');
        END IF;
        FOR j IN 0 .. jsonb_array_length(qs) - 1 LOOP
            IF jsonb_typeof(qs -> j) <> 'number' OR (qs ->> j)::numeric NOT BETWEEN 0 AND 1 THEN
                PERFORM vqc._bad_kwarg(etype, 'quantiles must be numbers between 0 and 1');
            END IF;
            IF jsonb_typeof(ranges -> j) <> 'array' OR jsonb_array_length(ranges -> j) <> 2
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(ranges -> j) b WHERE jsonb_typeof(b) NOT IN ('number', 'null')) THEN
                PERFORM vqc._bad_kwarg(etype, 'each value range must be [min, max] with numbers or nulls');
            END IF;
            IF (ranges -> j ->> 0)::numeric > (ranges -> j ->> 1)::numeric THEN
                PERFORM vqc._bad_kwarg(etype, 'a value range has min greater than max');
            END IF;
        END LOOP;
        approx := vqc._kw_bool(etype, kwargs, 'allow_relative_error', false);
        IF approx THEN
            RETURN jsonb_build_object('statistic', 'quantiles', 'approximate', true,
                                      'profile_item', format('p:%s', colname),
                                      'items', jsonb_build_object(format('p:%s', colname),
                                                                  format('vqc.profile_agg(%s)', qcol)));
        END IF;
        -- one collector for all quantiles (the planner computes identical
        -- aggregates once), its count and overflow flag, its way past the limit
        plan := vqc._exact_quantile_items(target, colname, vqc._quantile_arg(qcol, type_sql),
                                          ARRAY(SELECT (x)::float8 FROM jsonb_array_elements_text(qs) x), true,
                                          ':' || colname, pidx::text);
        items := plan -> 'items';
        FOR j IN 0 .. jsonb_array_length(qs) - 1 LOOP
            EXIT WHEN plan ? 'bracket_items';   -- no collector of the whole column
            items := items || jsonb_build_object(format('q%s_%s', pidx, j),
                format('vqc.exact_quantile_disc(vqc.exact_quantile_agg(%s), '
                       '(%s OPERATOR(pg_catalog.->) ''quantile_ranges'' OPERATOR(pg_catalog.->) ''quantiles'' '
                       'OPERATOR(pg_catalog.->>) %s)::pg_catalog.float8)',
                       vqc._quantile_arg(qcol, type_sql), p, j));
        END LOOP;
        RETURN plan || jsonb_build_object('statistic', 'quantiles', 'approximate', false, 'items', items);

    WHEN 'expect_column_unique_value_count_to_be_between',
         'expect_column_proportion_of_unique_values_to_be_between' THEN
        PERFORM vqc._require_opclass(etype, type_sql, 'hash');
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
        PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
        RETURN jsonb_build_object(
            'statistic', CASE WHEN etype LIKE '%proportion%' THEN 'unique_proportion' ELSE 'unique_count' END,
            'items', jsonb_build_object(
                format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
                format('d:%s', colname), format('vqc.hash_set_distinct_hashes(vqc.hash_set_agg(%s))', qcol)),
            'nonnull', format('nn:%s', colname),
            'distinct_item', format('d:%s', colname),
            'compare_type', 'numeric',
            'min_value', lo, 'max_value', hi,
            'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
            'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false));

    WHEN 'expect_column_drift_to_be_less_than' THEN
        PERFORM vqc._baseline_profile(target, vqc._kw_text(etype, kwargs, 'baseline'), colname);
        IF vqc._kw(etype, kwargs, 'options', '{object}') ? 'threshold' AND kwargs ? 'threshold' THEN
            PERFORM vqc._bad_kwarg(etype, 'give threshold once, as an argument or in options');
        END IF;
        PERFORM vqc._kw(etype, kwargs, 'threshold', '{number}');
        PERFORM vqc._kw_text(etype, kwargs, 'method');
        RETURN jsonb_build_object(
            'statistic', 'drift',
            'profile_item', format('p:%s', colname),
            'items', jsonb_build_object(format('p:%s', colname), format('vqc.profile_agg(%s)', qcol)));

    WHEN 'expect_column_kl_divergence_to_be_less_than' THEN
        RETURN vqc._plan_kl(etype, kwargs, pidx, colname, type_sql, category);

    WHEN 'expect_column_most_common_value_to_be_in_set',
         'expect_column_distinct_values_to_be_in_set',
         'expect_column_distinct_values_to_contain_set',
         'expect_column_distinct_values_to_equal_set' THEN
        PERFORM vqc._check_value_set(etype, vqc._kw(etype, kwargs, 'value_set', '{array}'), type_sql);
        PERFORM vqc._require_opclass(etype, type_sql, 'btree');
        RETURN jsonb_build_object(
            'statistic', CASE WHEN etype LIKE '%most_common%' THEN 'mode' ELSE 'distinct_values' END,
            'ties_okay', vqc._kw_bool(etype, kwargs, 'ties_okay', false)) ||
            -- a type profiles do not take (citext, say) is answered by a second pass
            CASE WHEN vqc._profiles_type(type_sql::regtype) THEN jsonb_build_object(
                'profile_item', format('p:%s', colname),
                'items', jsonb_build_object(format('p:%s', colname), format('vqc.profile_agg(%s)', qcol)))
                 ELSE '{}' END;
    END CASE;
END
$$;

-- Whether a profile's values turn back into the column's values exactly.
-- Profiles keep temporal values as float8 (days, or microseconds since
-- 1970): exact for every date, and for timestamps within 2^53 microseconds
-- (285 years) of 1970; 1685-01-01 to 2255-01-01 is safely inside.
CREATE FUNCTION vqc._profile_values_exact(prof vqc.profile, type_sql text)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    lo text;
    hi text;
BEGIN
    IF type_sql NOT IN ('timestamp without time zone', 'timestamp with time zone') THEN
        RETURN true;
    END IF;
    lo := vqc.min_value(prof);
    hi := vqc.max_value(prof);
    IF lo IS NULL THEN
        RETURN true;    -- no values
    END IF;
    IF type_sql = 'timestamp without time zone' THEN
        RETURN lo::timestamp >= '1685-01-01' AND hi::timestamp <= '2255-01-01';
    END IF;
    RETURN lo::timestamptz >= '1685-01-01 00:00+00' AND hi::timestamptz <= '2255-01-01 00:00+00';
END
$$;

-- The distinct non-null values of a column (as text, sorted by the column's
-- order), exactly: from an exact profile, else from a second pass.
CREATE FUNCTION vqc._distinct_values(target regclass, colname text, type_sql text, prof vqc.profile,
                                     OUT vals text[], OUT extra integer)
LANGUAGE sql
AS $$
    SELECT d.vals, d.extra FROM vqc._distinct_value_counts(target, colname, type_sql, prof) d
$$;

-- The distinct non-null values, ascending, with how often each occurs: from
-- an exact profile, else from a GROUP BY pass.
CREATE FUNCTION vqc._distinct_value_counts(target regclass, colname text, type_sql text, prof vqc.profile,
                                           OUT vals text[], OUT counts bigint[], OUT extra integer)
LANGUAGE plpgsql
AS $$
BEGIN
    extra := 0;
    IF prof IS NOT NULL AND vqc.is_exact(prof) AND vqc._profile_values_exact(prof, type_sql) THEN
        EXECUTE format('SELECT coalesce(pg_catalog.array_agg(v::pg_catalog.text ORDER BY v), ''{}''), '
                       '       coalesce(pg_catalog.array_agg(c ORDER BY v), ''{}'') '
                       'FROM (SELECT t.value::%s AS v, pg_catalog.sum(t.count)::pg_catalog.int8 AS c '
                       '        FROM vqc.top_values($1, 2147483647) t GROUP BY 1) d',
                       type_sql)
            INTO vals, counts USING prof;
    ELSE
        EXECUTE format('SELECT coalesce(pg_catalog.array_agg(v::pg_catalog.text ORDER BY v), ''{}''), '
                       '       coalesce(pg_catalog.array_agg(c ORDER BY v), ''{}'') '
                       'FROM (SELECT %1$s AS v, pg_catalog.count(*) AS c FROM %2$s WHERE %1$s IS NOT NULL GROUP BY 1) d',
                       quote_ident(colname), target)
            INTO vals, counts;
        extra := 1;
    END IF;
END
$$;

-- The most common values (all tied ones), exactly: from the profile when its
-- counts prove the mode, else from a GROUP BY pass.
CREATE FUNCTION vqc._modes(target regclass, colname text, type_sql text, prof vqc.profile,
                           OUT vals text[], OUT extra integer)
LANGUAGE plpgsql
AS $$
DECLARE
    top    record;
    rival  bigint;        -- the highest count any other value may truly have
BEGIN
    extra := 0;
    IF prof IS NOT NULL AND vqc._profile_values_exact(prof, type_sql) THEN
        SELECT t.value, t.count INTO top FROM vqc.top_values(prof, 64) t ORDER BY t.count DESC LIMIT 1;
        IF NOT FOUND THEN
            vals := '{}';
            RETURN;
        END IF;
        IF vqc.is_exact(prof) THEN
            EXECUTE format('SELECT pg_catalog.array_agg(t.value::%1$s::pg_catalog.text ORDER BY t.value::%1$s) '
                           'FROM vqc.top_values($1, 2147483647) t WHERE t.count OPERATOR(pg_catalog.=) $2',
                           type_sql)
                INTO vals USING prof, top.count;
            RETURN;
        END IF;
        -- Misra-Gries: a listed value's true count lies in [count, count +
        -- error_bound]; a value not listed has at most the largest error_bound.
        -- The top value is surely the only mode when its count beats them all.
        SELECT greatest(max(t.count + t.error_bound) FILTER (WHERE t.value IS DISTINCT FROM top.value),
                        max(t.error_bound))
          INTO rival
          FROM vqc.top_values(prof, 64) t;
        IF top.count > rival THEN
            EXECUTE format('SELECT ARRAY[$1::%s::pg_catalog.text]', type_sql) INTO vals USING top.value;
            RETURN;
        END IF;
    END IF;
    EXECUTE format('WITH c AS (SELECT %1$s AS v, pg_catalog.count(*) AS n FROM %2$s WHERE %1$s IS NOT NULL GROUP BY %1$s) '
                   'SELECT coalesce(pg_catalog.array_agg(v::pg_catalog.text ORDER BY v), ''{}'') FROM c '
                   'WHERE n OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(n) FROM c)',
                   quote_ident(colname), target)
        INTO vals;
    extra := 1;
END
$$;

-- Values (text of type_sql) as a JSON array typed like the column (dates as
-- ISO 8601 whatever DateStyle says, numbers as numbers).
CREATE FUNCTION vqc._typed_json_array(vals text[], type_sql text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    out jsonb;
BEGIN
    EXECUTE format('SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(x) ORDER BY o), ''[]'') '
                   'FROM pg_catalog.unnest($1::%s[]) WITH ORDINALITY AS u(x, o)',
                   type_sql)
        INTO out USING vals;
    RETURN out;
END
$$;

-- {"success", "result", "extra_scans"} of a statistic expectation.
CREATE FUNCTION vqc._evaluate_statistic(target regclass, plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    etype    text := plan ->> 'type';
    kwargs   jsonb := plan -> 'kwargs';
    colname  text := plan ->> 'column';
    type_sql text := plan ->> 'type_sql';
    category "char";
    prof     vqc.profile;
    observed jsonb;
    details  jsonb := '{}';
    success  boolean;
    extra    integer := 0;
    qvals    float8[];
    qs       float8[];
    oks      boolean[];
    j        integer;
    distinct_count bigint;
    nonnull  bigint;
    setvals  text[];
    found    text[];
    res      record;
BEGIN
    SELECT typcategory INTO category FROM pg_type WHERE oid = type_sql::regtype;
    IF plan ? 'profile_item' THEN
        prof := (vals ->> (plan ->> 'profile_item'))::vqc.profile;
    END IF;

    CASE plan ->> 'statistic'
    WHEN 'quantiles' THEN
        qs := ARRAY(SELECT (x)::float8 FROM jsonb_array_elements_text(kwargs -> 'quantile_ranges' -> 'quantiles') x);
        IF (plan ->> 'approximate')::boolean THEN
            qvals := vqc.quantiles(prof, qs);
            details := jsonb_build_object('approximate', NOT vqc.is_exact(prof),
                                          'rank_error', vqc.profile_to_jsonb(prof) #> '{quantiles,rank_error}');
        ELSIF plan ? 'bracket_items' OR (vals ->> (plan ->> 'overflow_item'))::boolean THEN
            -- bracketed in the scan, or past vqc.exact_memory_limit: exact
            -- percentile_disc from the scan's brackets, or by passes
            SELECT x.quantiles, x.passes INTO qvals, extra
              FROM vqc._overflowed_quantiles(target, vqc._quantile_arg(quote_ident(colname), plan ->> 'type_sql'), qs, true,
                                             plan, vals) x;
        ELSE
            qvals := ARRAY(SELECT (vals ->> format('q%s_%s', plan ->> 'position', g))::float8
                             FROM generate_series(0, cardinality(qs) - 1) g ORDER BY g);
        END IF;
        oks := ARRAY(SELECT qvals[g] IS NOT NULL
                            AND (kwargs -> 'quantile_ranges' -> 'value_ranges' -> (g - 1) ->> 0 IS NULL
                                 OR qvals[g] >= (kwargs -> 'quantile_ranges' -> 'value_ranges' -> (g - 1) ->> 0)::float8)
                            AND (kwargs -> 'quantile_ranges' -> 'value_ranges' -> (g - 1) ->> 1 IS NULL
                                 OR qvals[g] <= (kwargs -> 'quantile_ranges' -> 'value_ranges' -> (g - 1) ->> 1)::float8)
                       FROM generate_series(1, cardinality(qs)) g ORDER BY g);
        success := coalesce(bool_and(x), false) FROM unnest(oks) x;
        observed := jsonb_build_object('quantiles', to_jsonb(qs), 'values', to_jsonb(qvals));
        details := details || jsonb_build_object('success_details', to_jsonb(oks));

    WHEN 'unique_count', 'unique_proportion' THEN
        nonnull := (vals ->> (plan ->> 'nonnull'))::bigint;
        distinct_count := (vals ->> (plan ->> 'distinct_item'))::bigint;
        IF distinct_count IS NULL THEN
            -- the hash screen outgrew vqc.exact_memory_limit: count exactly in a second pass
            EXECUTE format('SELECT pg_catalog.count(DISTINCT %s) FROM %s', quote_ident(colname), target) INTO distinct_count;
            extra := 1;
        END IF;
        observed := CASE WHEN plan ->> 'statistic' = 'unique_count' THEN to_jsonb(distinct_count)
                         WHEN nonnull > 0 THEN to_jsonb(distinct_count::float8 / nonnull) END;
        success := vqc._within_bounds(plan, observed #>> '{}');

    WHEN 'mode' THEN
        res := vqc._modes(target, colname, type_sql, prof);
        extra := res.extra;
        EXECUTE format('SELECT pg_catalog.count(*) FROM pg_catalog.unnest($1::%s[]) m WHERE %s', type_sql,
                       vqc._compare_sql(type_sql::regtype, 'm', '=', format('vqc._jsonb_text_array($2)::%s[]', type_sql), true))
            INTO j USING res.vals, kwargs -> 'value_set';
        success := CASE WHEN (plan ->> 'ties_okay')::boolean THEN j > 0
                        ELSE cardinality(res.vals) = 1 AND j = 1 END;
        observed := vqc._typed_json_array(res.vals, type_sql);

    WHEN 'drift' THEN
        details := vqc.drift(vqc._baseline_profile(target, kwargs ->> 'baseline', colname), prof,
                             coalesce(kwargs ->> 'method', 'auto'),
                             coalesce(kwargs -> 'options', '{}') ||
                             CASE WHEN kwargs ? 'threshold' THEN jsonb_build_object('threshold', kwargs -> 'threshold')
                                  ELSE '{}' END);
        success := NOT coalesce((details ->> 'drifted')::boolean, true);
        observed := details -> 'score';

    WHEN 'kl' THEN
        res := vqc._evaluate_kl(target, plan, vals);
        success := res.success;
        observed := res.observed;
        details := res.details;
        extra := res.extra;

    WHEN 'distinct_values' THEN
        res := vqc._distinct_value_counts(target, colname, type_sql, prof);
        extra := res.extra;
        setvals := vqc._jsonb_text_array(kwargs -> 'value_set');
        -- compare as the column's type: values outside the set, set members not found
        EXECUTE format('SELECT ARRAY(SELECT d::pg_catalog.text FROM pg_catalog.unnest($1::%1$s[]) d WHERE (%2$s) IS NOT TRUE), '
                       '       ARRAY(SELECT s::pg_catalog.text FROM pg_catalog.unnest($2::%1$s[]) s '
                       '              WHERE s IS NOT NULL AND (%3$s) IS NOT TRUE)',
                       type_sql,
                       vqc._compare_sql(type_sql::regtype, 'd', '=', format('$2::%s[]', type_sql), true),
                       vqc._compare_sql(type_sql::regtype, 's', '=', format('$1::%s[]', type_sql), true))
            INTO found, setvals USING res.vals, setvals;
        success := CASE etype
            -- no value_set is the universal set (GE)
            WHEN 'expect_column_distinct_values_to_be_in_set' THEN kwargs -> 'value_set' IS NULL
                                                                   OR jsonb_typeof(kwargs -> 'value_set') = 'null'
                                                                   OR cardinality(found) = 0
            WHEN 'expect_column_distinct_values_to_contain_set' THEN cardinality(setvals) = 0
            ELSE cardinality(found) = 0 AND cardinality(setvals) = 0 END;
        observed := vqc._typed_json_array(res.vals, type_sql);
        -- GE's column.value_counts, ascending by value
        details := jsonb_build_object('value_counts',
            (SELECT coalesce(jsonb_agg(jsonb_build_object('value', v, 'count', res.counts[o]) ORDER BY o), '[]')
               FROM jsonb_array_elements(observed) WITH ORDINALITY x(v, o)));
        IF NOT success THEN
            details := details || CASE etype
                WHEN 'expect_column_distinct_values_to_be_in_set' THEN
                    jsonb_build_object('unexpected_values', vqc._typed_json_array(found, type_sql))
                WHEN 'expect_column_distinct_values_to_contain_set' THEN
                    jsonb_build_object('missing_values', vqc._typed_json_array(setvals, type_sql))
                ELSE jsonb_build_object('unexpected_values', vqc._typed_json_array(found, type_sql),
                                        'missing_values', vqc._typed_json_array(setvals, type_sql)) END;
        END IF;
    END CASE;

    RETURN jsonb_build_object(
        'success', coalesce(success, false),
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       WHEN details = '{}' THEN jsonb_build_object('observed_value', observed)
                       ELSE jsonb_build_object('observed_value', observed, 'details', details) END,
        'extra_scans', extra);
END
$$;

-- ---------------------------------------------------------------------------
-- expect_column_kl_divergence_to_be_less_than, as Great Expectations defines it
-- (its _validate, step by step): KL = scipy.stats.entropy(observed, expected),
-- both normalized, where the observed weights are exact counts from the scan
-- (one count per bin or value, in the same SELECT) over the non-null values.
--   bins:   [b0, b1), ..., [b(k-1), bk] as GE's SQL histogram; an infinite
--           end bin is the partition's tail (its weight is the tail weight);
--           values outside finite ends meet tail_weights, or
--           tail_weight_holdout (half each), or weight 0 (infinite KL).
--           internal_weight_holdout is spread evenly over zero-weight bins.
--   values: values outside the partition (listed by a second pass) share
--           tail_weight_holdout, or have weight 0; internal_weight_holdout
--           is an error, as in GE.
--   no partition_object: the column's own partition, so KL is 0.
-- An infinite or undefined divergence has observed_value null; without
-- threshold the expectation only reports (and succeeds).
CREATE FUNCTION vqc._plan_kl(etype text, kwargs jsonb, pidx integer, colname text, type_sql text, category "char")
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    qcol   text := quote_ident(colname);
    p      text := format('($1 OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->) ''partition_object'')', pidx);
    po     jsonb := vqc._kw(etype, kwargs, 'partition_object', '{object}');
    w      jsonb := po -> 'weights';
    tw     jsonb := po -> 'tail_weights';
    bins   float8[];
    items  jsonb := jsonb_build_object(format('nn:%s', colname), format('pg_catalog.count(%s)', qcol));
    bin_sql text := format('(%s OPERATOR(pg_catalog.->) ''bins'' OPERATOR(pg_catalog.->>) %%s)::pg_catalog.float8', p);
    x_sql  text := format('%s::pg_catalog.float8', qcol);
    k      integer;
    i      integer;
    total  numeric;
    h_in   numeric := coalesce((vqc._kw(etype, kwargs, 'internal_weight_holdout', '{number}'))::numeric, 0);
    h_tail numeric := coalesce((vqc._kw(etype, kwargs, 'tail_weight_holdout', '{number}'))::numeric, 0);
BEGIN
    IF (vqc._kw(etype, kwargs, 'threshold', '{number}'))::numeric < 0 THEN
        PERFORM vqc._bad_kwarg(etype, 'threshold must not be negative');
    END IF;
    IF h_in < 0 OR h_in > 1 OR h_tail < 0 OR h_tail > 1 THEN
        PERFORM vqc._bad_kwarg(etype, 'holdouts must be between 0 and 1');
    END IF;
    IF po IS NULL THEN
        -- GE partitions the column itself: the divergence from itself is 0
        RETURN jsonb_build_object('statistic', 'kl', 'nonnull', format('nn:%s', colname),
                                  'partition_kind', 'own', 'items', items);
    END IF;
    IF jsonb_typeof(w) IS DISTINCT FROM 'array' OR jsonb_array_length(w) = 0
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(w) x WHERE jsonb_typeof(x) <> 'number' OR x::numeric < 0) THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object needs "weights": non-negative numbers');
    END IF;
    IF tw IS NOT NULL AND (NOT po ? 'bins' OR jsonb_typeof(tw) <> 'array' OR jsonb_array_length(tw) <> 2
                           OR EXISTS (SELECT 1 FROM jsonb_array_elements(tw) x
                                       WHERE jsonb_typeof(x) <> 'number' OR x::numeric < 0)) THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object "tail_weights" must be two non-negative numbers, beside "bins"');
    END IF;
    k := jsonb_array_length(w);
    total := (SELECT sum(x::numeric) FROM jsonb_array_elements(w) x)
             + coalesce((SELECT sum(x::numeric) FROM jsonb_array_elements(tw) x), 0);
    -- numpy.allclose(sum, 1), as GE's is_valid_partition_object
    IF abs(total - 1) > 1e-8 + 1e-5 THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object weights (with tail_weights) must sum to 1');
    END IF;
    IF po ? 'bins' THEN
        IF category <> 'N' THEN
            RAISE EXCEPTION '% with bins needs a numeric column; column "%" is of type %', etype, colname, type_sql
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        IF NOT vqc._kw_bool(etype, kwargs, 'bucketize_data', true) THEN
            PERFORM vqc._bad_kwarg(etype, 'a partition_object with bins needs bucketize_data');
        END IF;
        bins := vqc._kl_bins(etype, po -> 'bins');
        IF cardinality(bins) <> k + 1
           OR EXISTS (SELECT 1 FROM generate_series(2, k + 1) g WHERE bins[g] <= bins[g - 1]) THEN
            PERFORM vqc._bad_kwarg(etype, 'partition_object "bins" must be k + 1 increasing numbers for k weights');
        END IF;
        IF (bins[1] = '-Infinity' OR bins[k + 1] = 'Infinity') AND tw IS NOT NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'a partition with an infinite end has no tail_weights');
        END IF;
        IF bins[1] = '-Infinity' AND bins[k + 1] = 'Infinity' AND h_tail > 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'tail_weight_holdout cannot be used for a partition with two infinite ends');
        END IF;
        IF (bins[1] = '-Infinity' OR bins[k + 1] = 'Infinity') AND k < 2 THEN
            PERFORM vqc._bad_kwarg(etype, 'a partition with an infinite end needs at least two bins');
        END IF;
        IF tw IS NOT NULL AND h_tail > 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'tail_weight_holdout must be 0 with tail_weights');
        END IF;
        FOR i IN 0 .. k - 1 LOOP
            items := items || jsonb_build_object(format('kl%s_%s', pidx, i),
                format('pg_catalog.count(*) FILTER (WHERE %1$s OPERATOR(pg_catalog.>=) %2$s AND %1$s OPERATOR(pg_catalog.%3$s) %4$s)',
                       x_sql, format(bin_sql, i), CASE WHEN i = k - 1 THEN '<=' ELSE '<' END, format(bin_sql, i + 1)));
        END LOOP;
        items := items || jsonb_build_object(
            format('kl%s_below', pidx), format('pg_catalog.count(*) FILTER (WHERE %s OPERATOR(pg_catalog.<) %s)', x_sql, format(bin_sql, 0)),
            format('kl%s_above', pidx), format('pg_catalog.count(*) FILTER (WHERE %s OPERATOR(pg_catalog.>) %s)', x_sql, format(bin_sql, k)));
    ELSIF po ? 'values' THEN
        IF jsonb_typeof(po -> 'values') <> 'array' OR jsonb_array_length(po -> 'values') <> k THEN
            PERFORM vqc._bad_kwarg(etype, 'partition_object "values" must have one weight each');
        END IF;
        IF h_in > 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'internal_weight_holdout cannot be used with a partition of values');
        END IF;
        PERFORM vqc._check_value_set(etype, po -> 'values', type_sql);
        FOR i IN 0 .. k - 1 LOOP
            items := items || jsonb_build_object(format('kl%s_%s', pidx, i),
                format('pg_catalog.count(*) FILTER (WHERE %s)',
                       vqc._compare_sql(type_sql::regtype, qcol, '=',
                                        format('(%s OPERATOR(pg_catalog.->) ''values'' OPERATOR(pg_catalog.->>) %s)::%s',
                                               p, i, type_sql))));
        END LOOP;
    ELSE
        PERFORM vqc._bad_kwarg(etype, 'partition_object needs "bins" or "values"');
    END IF;
    RETURN jsonb_build_object('statistic', 'kl', 'nonnull', format('nn:%s', colname),
                              'partition_kind', CASE WHEN po ? 'bins' THEN 'bins' ELSE 'values' END,
                              'items', items);
END
$$;

-- Bin edges as float8: JSON numbers, or the strings "Infinity" / "-Infinity"
-- (JSON has no number for them; GE writes numpy's inf).
CREATE FUNCTION vqc._kl_bins(etype text, bins jsonb)
RETURNS float8[]
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    out float8[] := '{}';
    b   jsonb;
BEGIN
    IF jsonb_typeof(bins) IS DISTINCT FROM 'array' THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object "bins" must be an array');
    END IF;
    FOR b IN SELECT x FROM jsonb_array_elements(bins) x LOOP
        IF jsonb_typeof(b) = 'number' THEN
            out := out || (b #>> '{}')::float8;
        ELSIF jsonb_typeof(b) = 'string' AND lower(b #>> '{}') IN ('infinity', '-infinity', 'inf', '-inf') THEN
            out := out || (b #>> '{}')::float8;
        ELSE
            PERFORM vqc._bad_kwarg(etype, 'partition_object "bins" must hold numbers (or "Infinity", "-Infinity")');
        END IF;
    END LOOP;
    RETURN out;
END
$$;

-- scipy.stats.entropy(pk, qk): both normalized; infinite where pk > 0 = qk,
-- NULL (GE's NaN) when either sums to 0.
CREATE FUNCTION vqc._kl_entropy(pk float8[], qk float8[])
RETURNS float8
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    sp  float8 := (SELECT sum(x) FROM unnest(pk) x);
    sq  float8 := (SELECT sum(x) FROM unnest(qk) x);
    kl  float8 := 0;
    i   integer;
BEGIN
    IF sp IS NULL OR sq IS NULL OR sp <= 0 OR sq <= 0 OR sp = 'NaN' OR sq = 'NaN' THEN
        RETURN NULL;
    END IF;
    FOR i IN 1 .. cardinality(pk) LOOP
        CONTINUE WHEN pk[i] = 0;
        IF qk[i] = 0 THEN
            RETURN 'Infinity';
        END IF;
        kl := kl + (pk[i] / sp) * ln((pk[i] / sp) / (qk[i] / sq));
    END LOOP;
    RETURN kl;
END
$$;

CREATE FUNCTION vqc._evaluate_kl(target regclass, plan jsonb, vals jsonb,
                                 OUT success boolean, OUT observed jsonb, OUT details jsonb, OUT extra integer)
LANGUAGE plpgsql
AS $$
DECLARE
    kwargs  jsonb := plan -> 'kwargs';
    po      jsonb := kwargs -> 'partition_object';
    pidx    text := plan ->> 'position';
    n       float8 := (vals ->> (plan ->> 'nonnull'))::float8;
    k       integer := jsonb_array_length(po -> 'weights');
    h_in    float8 := coalesce((kwargs ->> 'internal_weight_holdout')::float8, 0);
    h_tail  float8 := coalesce((kwargs ->> 'tail_weight_holdout')::float8, 0);
    threshold float8 := (kwargs ->> 'threshold')::float8;
    bins    float8[];
    obs     float8[] := '{}';     -- observed weights, count / n
    expct   float8[] := '{}';     -- expected weights
    comb_o  float8[];
    comb_e  float8[];
    tail_o  float8[];
    tail_e  float8[];
    below   float8;
    above   float8;
    zeros   integer;
    inside  float8 := 0;
    others  text[];
    counts  float8[];
    category "char";
    kl      float8;
    i       integer;
BEGIN
    extra := 0;
    IF plan ->> 'partition_kind' = 'own' THEN
        kl := CASE WHEN n > 0 THEN 0 END;
        observed := coalesce(to_jsonb(kl), 'null');
        success := threshold IS NULL OR kl <= threshold;
        details := '{}';
        RETURN;
    END IF;
    FOR i IN 0 .. k - 1 LOOP
        obs := obs || (vals ->> format('kl%s_%s', pidx, i))::float8 / nullif(n, 0);
        expct := expct || (po -> 'weights' ->> i)::float8;
        inside := inside + (vals ->> format('kl%s_%s', pidx, i))::float8;
    END LOOP;
    IF plan ->> 'partition_kind' = 'values' THEN
        details := jsonb_build_object('values', po -> 'values');
        IF n - inside > 0 THEN
            -- the values outside the partition, exactly, each with its count
            EXECUTE format('SELECT pg_catalog.array_agg(v::pg_catalog.text ORDER BY v), '
                           '       pg_catalog.array_agg(c::pg_catalog.float8 ORDER BY v) '
                           'FROM (SELECT %2$s AS v, pg_catalog.count(*) AS c FROM %1$s '
                           '       WHERE %2$s IS NOT NULL AND NOT %3$s GROUP BY %2$s) g',
                           target, quote_ident(plan ->> 'column'),
                           vqc._compare_sql((plan ->> 'type_sql')::regtype, quote_ident(plan ->> 'column'), '=',
                                            format('vqc._jsonb_text_array($1)::%s[]', plan ->> 'type_sql'), true))
                INTO others, counts USING po -> 'values';
            extra := 1;
            SELECT typcategory INTO category FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype;
            details := jsonb_build_object('values', (po -> 'values') ||
                (SELECT jsonb_agg(vqc._sample_json(v, category, false) ORDER BY o) FROM unnest(others) WITH ORDINALITY u(v, o)));
            obs := obs || ARRAY(SELECT c / n FROM unnest(counts) WITH ORDINALITY u(c, o) ORDER BY o);
            expct := ARRAY(SELECT e * (1 - h_tail) FROM unnest(expct) WITH ORDINALITY u(e, o) ORDER BY o)
                     || array_fill(h_tail / cardinality(others), ARRAY[cardinality(others)]);
        END IF;
        kl := vqc._kl_entropy(obs, expct);
        details := jsonb_build_object(
            'observed_partition', details || jsonb_build_object('weights', to_jsonb(obs)),
            'expected_partition', details || jsonb_build_object('weights', to_jsonb(expct)));
    ELSE
        bins := vqc._kl_bins(plan ->> 'type', po -> 'bins');
        below := (vals ->> format('kl%s_below', pidx))::float8 / nullif(n, 0);
        above := (vals ->> format('kl%s_above', pidx))::float8 / nullif(n, 0);
        expct := ARRAY(SELECT e * (1 - h_tail - h_in) FROM unnest(expct) WITH ORDINALITY u(e, o) ORDER BY o);
        IF h_in > 0 THEN
            zeros := (SELECT count(*) FROM unnest(expct) e WHERE e = 0);
            IF zeros > 0 THEN
                expct := ARRAY(SELECT CASE WHEN e = 0 THEN h_in / zeros ELSE e END FROM unnest(expct) WITH ORDINALITY u(e, o) ORDER BY o);
            END IF;
        END IF;
        IF bins[1] = '-Infinity' AND bins[k + 1] = 'Infinity' THEN
            comb_e := expct;
            comb_o := obs;
            tail_e := ARRAY[expct[1], expct[k]];
            tail_o := ARRAY[obs[1], obs[k]];
            bins := bins[2:k];
            expct := expct[2:k - 1];
            obs := obs[2:k - 1];
        ELSIF bins[1] = '-Infinity' THEN
            comb_e := expct || h_tail;
            comb_o := obs || above;
            tail_e := ARRAY[expct[1], h_tail];
            tail_o := ARRAY[obs[1], above];
            bins := bins[2:k + 1];
            expct := expct[2:k];
            obs := obs[2:k];
        ELSIF bins[k + 1] = 'Infinity' THEN
            comb_e := h_tail || expct;
            comb_o := below || obs;
            tail_e := ARRAY[h_tail, expct[k]];
            tail_o := ARRAY[below, obs[k]];
            bins := bins[1:k];
            expct := expct[1:k - 1];
            obs := obs[1:k - 1];
        ELSE
            tail_e := CASE WHEN po ? 'tail_weights' THEN ARRAY[(po -> 'tail_weights' ->> 0)::float8,
                                                               (po -> 'tail_weights' ->> 1)::float8]
                           ELSE ARRAY[h_tail / 2, h_tail / 2] END;
            tail_o := ARRAY[below, above];
            comb_e := tail_e[1] || expct || tail_e[2];
            comb_o := below || obs || above;
        END IF;
        kl := vqc._kl_entropy(comb_o, comb_e);
        details := jsonb_build_object(
            'observed_partition', jsonb_build_object('bins', to_jsonb(bins), 'weights', to_jsonb(obs),
                                                     'tail_weights', to_jsonb(tail_o)),
            'expected_partition', jsonb_build_object('bins', to_jsonb(bins), 'weights', to_jsonb(expct),
                                                     'tail_weights', to_jsonb(tail_e)));
    END IF;
    observed := CASE WHEN kl IS NULL OR kl = 'Infinity' THEN 'null'::jsonb ELSE to_jsonb(kl) END;
    success := threshold IS NULL OR coalesce(kl <= threshold, false);
END
$$;
-- suites.sql: named lists of expectations on one table.

-- Suites belong to their owners: only vqc's functions change them (no role
-- has INSERT, UPDATE or DELETE on these tables), for the owner or a member
-- of the owning role, validating as add_expectation does.  Each such
-- function is relayed by vqc_with_caller (privilege.c): vqc._F_check runs as
-- the caller (validation may run a column type's input function or a
-- domain's check, which must never run with more rights than the
-- caller's), vqc._F_write as the extension's owner, told who the caller is.
-- A suite references its table by OID: a dropped table makes its runs fail,
-- a re-created one of the same name is not picked up.

CREATE TABLE vqc.suite (
    suite_id       bigserial PRIMARY KEY,
    name           text NOT NULL UNIQUE CHECK (name <> ''),
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    key_columns    text[],                -- NULL: the table's primary key at run time
    profile_columns text[],               -- NULL: none; '{*}': every column a profile supports
    owner          regrole NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    target         regclass NOT NULL,
    callback       regprocedure           -- NULL: none (vqc.set_suite_callback)
);
COMMENT ON TABLE vqc.suite IS 'Expectation suites: a named list of expectations on one table.';
COMMENT ON COLUMN vqc.suite.target IS 'The checked table, by OID (target_schema and target_table are its names when the suite was made).';

CREATE TABLE vqc.suite_expectation (
    expectation_id    bigserial PRIMARY KEY,
    suite_id          bigint NOT NULL REFERENCES vqc.suite ON DELETE CASCADE,
    expectation_type  text NOT NULL,
    kwargs            jsonb NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON vqc.suite_expectation (suite_id, expectation_id);
COMMENT ON TABLE vqc.suite_expectation IS 'The expectations of each suite, in the order they were added.';

SELECT pg_catalog.pg_extension_config_dump('vqc.suite', '');
SELECT pg_catalog.pg_extension_config_dump('vqc.suite_suite_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('vqc.suite_expectation', '');
SELECT pg_catalog.pg_extension_config_dump('vqc.suite_expectation_expectation_id_seq', '');

-- A suite is visible to members of its owner and to roles that may read
-- some column of its table; nobody writes the tables but vqc's writers.
ALTER TABLE vqc.suite ENABLE ROW LEVEL SECURITY;
CREATE POLICY suite_readers ON vqc.suite FOR SELECT
    USING (pg_has_role(owner, 'MEMBER') OR coalesce(has_any_column_privilege(target, 'SELECT'), false));
ALTER TABLE vqc.suite_expectation ENABLE ROW LEVEL SECURITY;
CREATE POLICY suite_expectation_readers ON vqc.suite_expectation FOR SELECT
    USING (EXISTS (SELECT 1 FROM vqc.suite s WHERE s.suite_id = suite_expectation.suite_id));
GRANT SELECT ON vqc.suite, vqc.suite_expectation TO PUBLIC;

-- The suite row visible to the current role, or an error.
CREATE FUNCTION vqc._suite(suite_name text)
RETURNS vqc.suite
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    s vqc.suite;
BEGIN
    SELECT * INTO s FROM vqc.suite WHERE name = suite_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'suite "%" does not exist', suite_name
            USING ERRCODE = 'undefined_object',
                  HINT = 'vqc.list_suites() lists the suites you may see.';
    END IF;
    RETURN s;
END
$$;

-- The suite row by id, or an error (a scheduled job names its suite by id).
CREATE FUNCTION vqc._suite_by_id(id bigint)
RETURNS vqc.suite
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    s vqc.suite;
BEGIN
    SELECT * INTO s FROM vqc.suite WHERE suite_id = id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'suite % does not exist', id
            USING ERRCODE = 'undefined_object',
                  HINT = 'It was dropped (or is not visible to this role); unschedule its job.';
    END IF;
    RETURN s;
END
$$;

-- Raises unless role may change suite s (it is a member of the owner).
CREATE FUNCTION vqc._require_suite_owner(s vqc.suite, role regrole)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF NOT coalesce(pg_has_role(role, s.owner, 'MEMBER'), false) THEN
        RAISE EXCEPTION 'must be a member of role % to change suite "%"', s.owner, s.name
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- The suite row when the current role may change it (owner or member), or an error.
CREATE FUNCTION vqc._suite_for_change(suite_name text)
RETURNS vqc.suite
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    s vqc.suite := vqc._suite(suite_name);
BEGIN
    PERFORM vqc._require_suite_owner(s, current_user::regrole);
    RETURN s;
END
$$;

-- The suite's table, or an error when it was dropped (a table re-created
-- under the same name is another table).
CREATE FUNCTION vqc._suite_target(s vqc.suite)
RETURNS regclass
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = s.target) THEN
        RAISE EXCEPTION 'table %.% of suite "%" was dropped',
                        quote_ident(s.target_schema), quote_ident(s.target_table), s.name
            USING ERRCODE = 'undefined_table',
                  HINT = 'A suite follows its table by OID, not by name: drop the suite and create it again on the new table.';
    END IF;
    RETURN s.target;
END
$$;

-- Raises unless the current role may SELECT target (create_suite, set_baseline).
CREATE FUNCTION vqc._require_select(target regclass, role regrole DEFAULT current_user::regrole)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF NOT coalesce(has_table_privilege(role, target, 'SELECT'), false) THEN
        RAISE EXCEPTION 'permission denied for table %', target
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'vqc checks a table only for roles that may SELECT it.';
    END IF;
END
$$;

CREATE FUNCTION vqc.create_suite(name text, target regclass, key_columns text[] DEFAULT NULL,
                                 profile_columns text[] DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.create_suite(text, regclass, text[], text[]) IS
    'Creates an empty suite on a table you may SELECT; failing rows are identified by key_columns (default: the primary key); each run profiles profile_columns (''{*}'': all).';

CREATE FUNCTION vqc._create_suite_check(name text, target regclass, key_columns text[], profile_columns text[])
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    c text;
BEGIN
    IF name IS NULL OR name = '' OR target IS NULL THEN
        RAISE EXCEPTION 'suite name and target must not be null or empty'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM vqc._require_select(target);
    FOREACH c IN ARRAY coalesce(key_columns, '{}') LOOP
        PERFORM vqc._column(target, c);
    END LOOP;
    PERFORM vqc._profile_columns(target, profile_columns);
    RETURN NULL;
END
$$;

CREATE FUNCTION vqc._create_suite_write(caller regrole, checked jsonb, name text, target regclass,
                                        key_columns text[], profile_columns text[])
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    id bigint;
BEGIN
    PERFORM vqc._require_select(target, caller);
    IF EXISTS (SELECT 1 FROM vqc.suite s WHERE s.name = _create_suite_write.name) THEN
        RAISE EXCEPTION 'suite "%" already exists', name USING ERRCODE = 'duplicate_object';
    END IF;
    INSERT INTO vqc.suite (name, target_schema, target_table, key_columns, profile_columns, owner, target)
    SELECT _create_suite_write.name, n.nspname, c.relname, _create_suite_write.key_columns,
           _create_suite_write.profile_columns, caller, c.oid
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = _create_suite_write.target
    RETURNING suite_id INTO id;
    RETURN id;
END
$$;

-- The columns a suite's runs profile: profile_columns resolved against the
-- table ('{*}' means every column of a type a profile supports), or an error.
CREATE FUNCTION vqc._profile_columns(target regclass, profile_columns text[])
RETURNS TABLE (column_name text, type_sql text)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    c text;
BEGIN
    IF profile_columns IS NULL OR cardinality(profile_columns) = 0 THEN
        RETURN;
    END IF;
    IF profile_columns = '{*}' THEN
        RETURN QUERY
        SELECT a.attname::text, format_type(a.atttypid, NULL)
          FROM pg_attribute a
         WHERE a.attrelid = target AND a.attnum > 0 AND NOT a.attisdropped
           AND vqc._profiles_type(a.atttypid)
         ORDER BY a.attnum;
        RETURN;
    END IF;
    FOREACH c IN ARRAY profile_columns LOOP
        column_name := c;
        SELECT x.type_sql INTO type_sql FROM vqc._column(target, c) x;
        IF NOT vqc._profiles_type(type_sql::regtype) THEN
            RAISE EXCEPTION 'column "%" is of type %, which a profile does not support', c, type_sql
                USING ERRCODE = 'datatype_mismatch',
                      HINT = 'Profiles support integers, numeric, floats, boolean, date, timestamps and text.';
        END IF;
        RETURN NEXT;
    END LOOP;
END
$$;

CREATE FUNCTION vqc._profiles_type(typid oid)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT vqc._base_type(typid)
           = ANY ('{int2,int4,int8,numeric,float4,float8,bool,date,timestamp,timestamptz,text,varchar,bpchar}'::regtype[])
$$;

-- Sets the columns a suite's runs profile (NULL: none, '{*}': all).
CREATE FUNCTION vqc.set_profile_columns(suite text, profile_columns text[])
RETURNS void
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.set_profile_columns(text, text[]) IS
    'Sets which columns each run of the suite profiles (NULL: none; ''{*}'': all), in the same scan.';

CREATE FUNCTION vqc._set_profile_columns_check(suite text, profile_columns text[])
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_for_change(suite);
BEGIN
    PERFORM vqc._profile_columns(vqc._suite_target(s), profile_columns);
    RETURN jsonb_build_object('suite_id', s.suite_id);
END
$$;

CREATE FUNCTION vqc._set_profile_columns_write(caller regrole, checked jsonb, suite text, profile_columns text[])
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_by_id((checked ->> 'suite_id')::bigint);
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    UPDATE vqc.suite SET profile_columns = _set_profile_columns_write.profile_columns WHERE suite_id = s.suite_id;
END
$$;

CREATE FUNCTION vqc.add_expectation(suite text, expectation_type text, kwargs jsonb DEFAULT '{}')
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.add_expectation(text, text, jsonb) IS
    'Validates an expectation against the suite''s table and appends it to the suite.';

CREATE FUNCTION vqc._add_expectation_check(suite text, expectation_type text, kwargs jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s  vqc.suite := vqc._suite_for_change(suite);
    t  regclass := vqc._suite_target(s);
BEGIN
    kwargs := coalesce(kwargs, '{}');
    -- a bad request fails now, not at 3 a.m.
    PERFORM vqc._result_format(kwargs -> 'result_format');
    IF vqc._has_suite_parameter(kwargs) THEN
        -- the values come at run time: check what can be checked now
        PERFORM vqc._check_kwargs(expectation_type, kwargs);
        PERFORM vqc._resolve_suite_parameters(kwargs, (SELECT jsonb_object_agg(p #>> '{}', NULL)
                                                         FROM jsonb_path_query(kwargs, 'strict $.**."$PARAMETER"') p));
    ELSE
        PERFORM vqc._plan(t, expectation_type, kwargs, 0, coalesce(s.key_columns, vqc._primary_key(t)), 20);
    END IF;
    RETURN jsonb_build_object('suite_id', s.suite_id, 'kwargs', kwargs);
END
$$;

CREATE FUNCTION vqc._add_expectation_write(caller regrole, checked jsonb, suite text,
                                           expectation_type text, kwargs jsonb)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    s  vqc.suite := vqc._suite_by_id((checked ->> 'suite_id')::bigint);
    id bigint;
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    INSERT INTO vqc.suite_expectation (suite_id, expectation_type, kwargs)
    VALUES (s.suite_id, expectation_type, checked -> 'kwargs')
    RETURNING expectation_id INTO id;
    RETURN id;
END
$$;

-- Adds every expectation of a Great Expectations suite JSON
-- ({"expectations": [{"expectation_type" or "type", "kwargs"}]}).
CREATE FUNCTION vqc.add_expectations(suite text, ge_suite jsonb)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    e jsonb;
    n integer := 0;
BEGIN
    IF jsonb_typeof(ge_suite -> 'expectations') IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'a Great Expectations suite needs an "expectations" array'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR e IN SELECT x FROM jsonb_array_elements(ge_suite -> 'expectations') x LOOP
        PERFORM vqc.add_expectation(suite, coalesce(e ->> 'type', e ->> 'expectation_type'),
                                    coalesce(e -> 'kwargs', '{}'));
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION vqc.add_expectations(text, jsonb) IS
    'Adds all expectations of a Great Expectations suite JSON to a suite.';

CREATE FUNCTION vqc.remove_expectation(suite text, expectation_id bigint)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.remove_expectation(text, bigint) IS 'Removes one expectation from a suite.';

CREATE FUNCTION vqc._remove_expectation_write(caller regrole, suite text, expectation_id bigint)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite(suite);
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    DELETE FROM vqc.suite_expectation e
     WHERE e.suite_id = s.suite_id AND e.expectation_id = _remove_expectation_write.expectation_id;
    RETURN FOUND;
END
$$;

CREATE FUNCTION vqc.drop_suite(suite text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.drop_suite(text) IS 'Drops a suite and its expectations (its report history stays).';

CREATE FUNCTION vqc._drop_suite_write(caller regrole, suite text)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite(suite);
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    DELETE FROM vqc.suite WHERE suite_id = s.suite_id;
    RETURN FOUND;
END
$$;

CREATE FUNCTION vqc.list_suites()
RETURNS TABLE (name text, target text, key_columns text[], profile_columns text[], expectations bigint,
               owner name, created_at timestamptz)
LANGUAGE sql STABLE
AS $$
    SELECT s.name, coalesce((SELECT s.target::text FROM pg_class c WHERE c.oid = s.target),
                            format('%I.%I (dropped)', s.target_schema, s.target_table)),
           s.key_columns, s.profile_columns,
           (SELECT count(*) FROM vqc.suite_expectation e WHERE e.suite_id = s.suite_id),
           s.owner::text::name, s.created_at
      FROM vqc.suite s
     ORDER BY s.name
$$;
COMMENT ON FUNCTION vqc.list_suites() IS 'The suites, with their tables and number of expectations.';

CREATE FUNCTION vqc.list_expectations(suite text)
RETURNS TABLE (expectation_id bigint, expectation_type text, kwargs jsonb)
LANGUAGE sql STABLE
AS $$
    SELECT e.expectation_id, e.expectation_type, e.kwargs
      FROM vqc.suite_expectation e
     WHERE e.suite_id = (vqc._suite(suite)).suite_id
     ORDER BY e.expectation_id
$$;
COMMENT ON FUNCTION vqc.list_expectations(text) IS 'The expectations of a suite, in run order.';

CREATE FUNCTION vqc.suite_to_json(suite text)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
        'name', suite,
        'expectations', coalesce(jsonb_agg(jsonb_build_object('type', e.expectation_type, 'kwargs', e.kwargs)
                                           ORDER BY e.expectation_id), '[]'),
        'meta', jsonb_build_object('vqc_target', (SELECT format('%I.%I', s.target_schema, s.target_table)
                                                    FROM vqc.suite s WHERE s.name = suite)))
      FROM vqc.list_expectations(suite) e
$$;
COMMENT ON FUNCTION vqc.suite_to_json(text) IS 'The suite as Great Expectations suite JSON.';
-- runner.sql: vqc.run() evaluates a suite in one scan of its table, as the
-- calling user, and writes the run to vqc_report in the caller's transaction.

-- What a run of suite s on its table t evaluates: the expectations in order
-- ([{"id", "type", "kwargs"}]), the row key columns, and the columns to
-- profile (listed columns that are gone or changed type are skipped, with a
-- warning).
CREATE FUNCTION vqc._suite_inputs(s vqc.suite, t regclass,
                                  OUT expectations jsonb, OUT key_columns text[], OUT profile_columns text[])
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', e.expectation_id, 'type', e.expectation_type,
                                                 'kwargs', e.kwargs) ORDER BY e.expectation_id), '[]')
      INTO expectations
      FROM vqc.suite_expectation e
     WHERE e.suite_id = s.suite_id;
    key_columns := coalesce(s.key_columns, vqc._primary_key(t));
    SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO profile_columns
      FROM pg_attribute a
     WHERE a.attrelid = t AND a.attnum > 0 AND NOT a.attisdropped AND vqc._profiles_type(a.atttypid)
       AND (s.profile_columns = '{*}' OR a.attname = ANY (s.profile_columns));
    IF s.profile_columns IS NOT NULL AND s.profile_columns <> '{*}'
       AND cardinality(s.profile_columns) > coalesce(cardinality(profile_columns), 0) THEN
        RAISE WARNING 'suite "%": some profile columns no longer exist or changed type; they are skipped', s.name;
    END IF;
END
$$;

-- Clips a JSON value for storage beside every run: strings to max_bytes
-- (whole characters), arrays to max_items elements, recursively, so that a
-- 100 000-element value_set is not copied into every result row.
CREATE FUNCTION vqc._clip_json(j jsonb, max_bytes integer, max_items integer)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    s text;
    n integer;
BEGIN
    -- nothing to clip, the usual case: one statement, not one per node
    IF max_bytes IS NOT NULL AND max_items IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM jsonb_path_query(j, 'strict $.**') v
                        WHERE (jsonb_typeof(v) = 'string' AND octet_length(v #>> '{}') > max_bytes)
                           OR (jsonb_typeof(v) = 'array' AND jsonb_array_length(v) > max_items)) THEN
        RETURN j;
    END IF;
    CASE jsonb_typeof(j)
    WHEN 'string' THEN
        s := j #>> '{}';
        IF octet_length(s) <= max_bytes THEN
            RETURN j;
        END IF;
        n := max_bytes;
        WHILE octet_length(left(s, n)) > max_bytes LOOP
            n := n - 1;
        END LOOP;
        RETURN to_jsonb(left(s, n));
    WHEN 'array' THEN
        RETURN (SELECT coalesce(jsonb_agg(vqc._clip_json(e, max_bytes, max_items) ORDER BY i), '[]')
                  FROM jsonb_array_elements(j) WITH ORDINALITY AS x(e, i)
                 WHERE i <= max_items);
    WHEN 'object' THEN
        RETURN (SELECT coalesce(jsonb_object_agg(k, vqc._clip_json(v, max_bytes, max_items)), '{}')
                  FROM jsonb_each(j) AS x(k, v));
    ELSE
        RETURN j;
    END CASE;
END
$$;

-- Is the observed value of this expectation type a statistic of the
-- column's values (stored where only the table's readers see it) rather
-- than a count or a score?  A history check's is, whatever its metric: it
-- may be a mean (the cautious choice; see history.sql).
CREATE FUNCTION vqc._observed_is_value(etype text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT c.kind IN ('aggregate', 'statistic', 'history')
           AND etype NOT IN ('expect_column_unique_value_count_to_be_between',
                             'expect_column_proportion_of_unique_values_to_be_between',
                             'expect_column_drift_to_be_less_than',
                             'expect_column_kl_divergence_to_be_less_than',
                             'expect_classification_metric_to_be_between',
                             'expect_score_metric_to_be_between',
                             'expect_metric_gap_between_segments_to_be_less_than',
                             'expect_regression_metric_to_be_between',
                             'expect_ranking_metric_to_be_between',
                             'expect_annotator_agreement_to_be_between')
      FROM vqc.expectation_catalog c
     WHERE c.expectation_type = etype
$$;

-- Evaluates suite suite_id and records the run; returns {run_id, results}.
-- Relayed by vqc_with_caller: the scan as the caller, the writes as the
-- extension's owner (see suites.sql).
CREATE FUNCTION vqc._record_run(suite_id bigint)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;

CREATE FUNCTION vqc._record_run_check(suite_id bigint)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
BEGIN
    -- a run with no suite parameters (see suite_parameters.sql)
    RETURN vqc._record_run_check(suite_id, NULL::jsonb);
END
$$;

CREATE FUNCTION vqc._record_run_write(caller regrole, ev jsonb, suite_id bigint)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s         vqc.suite := vqc._suite_by_id(suite_id);
    started   timestamptz := (ev ->> 'started')::timestamptz;
    max_bytes integer := (SELECT setting::integer FROM pg_settings WHERE name = 'vqc.sample_value_max_bytes');
    r         jsonb;
    run       vqc_report.run;
    ok_count  integer;
    err_count integer;
    total     integer;
BEGIN
    IF (ev ->> 'suite_id')::bigint IS DISTINCT FROM s.suite_id THEN
        RAISE EXCEPTION 'run of suite % recorded under suite %', ev ->> 'suite_id', s.suite_id;
    END IF;
    SELECT count(*), count(*) FILTER (WHERE x ->> 'status' = 'success'),
           count(*) FILTER (WHERE x ->> 'status' = 'error')
      INTO total, ok_count, err_count
      FROM jsonb_array_elements(ev -> 'results') x;

    INSERT INTO vqc_report.run AS rr (suite_name, target_schema, target_table, started_at, finished_at,
                                      rows_scanned, scans, success, evaluated_expectations,
                                      successful_expectations, unsuccessful_expectations,
                                      error_expectations, success_percent, run_by, target, suite_id,
                                      row_security)
    SELECT s.name, n.nspname, c.relname, started, (ev ->> 'finished')::timestamptz,
           (ev ->> 'rows')::bigint, (ev ->> 'scans')::integer, ok_count = total, total,
           ok_count, total - ok_count - err_count, err_count,
           CASE WHEN total > 0 THEN ok_count::float8 / total * 100 END,
           caller::text, c.oid, s.suite_id, (ev ->> 'row_security')::boolean
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.oid = s.target
    RETURNING rr.* INTO run;
    IF run.run_id IS NULL THEN
        PERFORM vqc._suite_target(s);
    END IF;

    FOR r IN SELECT x FROM jsonb_array_elements(ev -> 'results') x LOOP
        PERFORM vqc._record_run_write_result(run, r, max_bytes);
    END LOOP;

    INSERT INTO vqc_report.metric (run_id, position, suite_name, target_schema, target_table,
                                   column_name, metric_name, value, recorded_at, target, is_value)
    VALUES (run.run_id, NULL, run.suite_name, run.target_schema, run.target_table, NULL, 'row_count',
            (ev ->> 'rows')::float8, started, run.target, false);

    INSERT INTO vqc_report.profile (run_id, target_schema, target_table, column_name, column_type, profile, target)
    SELECT run.run_id, run.target_schema, run.target_table, p.key, format_type(a.atttypid, a.atttypmod),
           (p.value #>> '{}')::vqc.profile, run.target
      FROM jsonb_each(ev -> 'profiles') p
      JOIN pg_attribute a ON a.attrelid = run.target AND a.attname = p.key;

    IF ev ? 'incremental' THEN
        PERFORM vqc._incremental_write(run, ev -> 'incremental');      -- incremental.sql
    END IF;

    -- NOTIFY vqc, and the suite's callback, in the run's transaction
    PERFORM vqc._announce_run_write(s, run, ev);
    RETURN jsonb_build_object('run_id', run.run_id, 'results', ev -> 'results');
END
$$;

-- Writes one evaluated expectation r of the run just inserted: its counts, its values
-- and full result (row values: result_detail), samples and metrics.
CREATE FUNCTION vqc._record_run_write_result(run vqc_report.run, r jsonb, max_bytes integer)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    pos      integer := (r ->> 'position')::integer;
    is_value boolean := coalesce(vqc._observed_is_value(r ->> 'type'), true);
    rid      bigint := run.run_id;
BEGIN
    INSERT INTO vqc_report.result (run_id, position, expectation_id, expectation_type, column_name,
                                   kwargs, status, success, element_count, missing_count,
                                   missing_percent, unexpected_count, unexpected_percent, error_message)
    VALUES (rid, pos, (r ->> 'id')::bigint, r ->> 'type', r ->> 'column',
            vqc._clip_json(r -> 'kwargs', max_bytes, 20), r ->> 'status', (r ->> 'success')::boolean,
            (r -> 'result' ->> 'element_count')::bigint,
            (r -> 'result' ->> 'missing_count')::bigint,
            (r -> 'result' ->> 'missing_percent')::float8,
            (r -> 'result' ->> 'unexpected_count')::bigint,
            (r -> 'result' ->> 'unexpected_percent')::float8,
            r ->> 'error');

    INSERT INTO vqc_report.result_detail (run_id, position, target, target_schema, target_table,
                                          observed_value, result)
    VALUES (rid, pos, run.target, run.target_schema, run.target_table,
            vqc._clip_json(r -> 'result' -> 'observed_value', max_bytes, 1000),
            vqc._clip_json(vqc._ge_result(r), max_bytes, 1000000));

    INSERT INTO vqc_report.unexpected (run_id, position, ordinality, target_schema, target_table,
                                       column_name, value, value_clipped, row_key, target)
    SELECT rid, pos, o, run.target_schema, run.target_table, r ->> 'column',
           smp ->> 'value', coalesce((smp ->> 'clipped')::boolean, false), smp -> 'row_key', run.target
      FROM jsonb_array_elements(r -> 'samples') WITH ORDINALITY AS x(smp, o);

    INSERT INTO vqc_report.metric (run_id, position, suite_name, target_schema, target_table,
                                   column_name, metric_name, value, recorded_at, target, is_value)
    SELECT rid, pos, run.suite_name, run.target_schema, run.target_table,
           r ->> 'column', m.key, (m.value #>> '{}')::float8, run.started_at, run.target,
           m.key = 'observed_value' AND is_value
      FROM jsonb_each(r -> 'result') m
     WHERE m.key IN ('observed_value', 'element_count', 'missing_count', 'missing_percent',
                     'unexpected_count', 'unexpected_percent')
       AND jsonb_typeof(m.value) = 'number';
END
$$;

-- What a pg_cron job of vqc.schedule() runs: the suite by id (a suite
-- dropped and re-created under its name is another suite), as the job's
-- role, which must be a member of the suite's owner.
CREATE FUNCTION vqc._run_scheduled(suite_id bigint)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_by_id(suite_id);
BEGIN
    IF NOT pg_has_role(s.owner, 'MEMBER') THEN
        RAISE EXCEPTION 'scheduled run of suite "%" must run as its owner %, not as %', s.name, s.owner, current_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Schedule it again with vqc.schedule().';
    END IF;
    RETURN jsonb_array_length(vqc._record_run(s.suite_id) -> 'results');
END
$$;

-- The plan of a suite's scan, for a person who wants to see what vqc.run() does.
CREATE FUNCTION vqc.explain(suite text, with_analyze boolean DEFAULT false)
RETURNS SETOF text
LANGUAGE plpgsql
AS $$
DECLARE
    s       vqc.suite := vqc._suite(suite);
    t       regclass := vqc._suite_target(s);
    inputs  record := vqc._suite_inputs(s, t);
    planned record := vqc._plan_all(t, inputs.expectations, inputs.key_columns, 20, '"BASIC"', false,
                                    inputs.profile_columns);
    names   text[];
BEGIN
    IF planned.items = '{}' THEN
        RETURN;
    END IF;
    SELECT array_agg(key ORDER BY key) INTO names FROM jsonb_object_keys(planned.items) key;
    IF with_analyze AND vqc._citus_distributed(t) THEN
        -- Citus' EXPLAIN ANALYZE cannot bring back a worker's partial
        -- aggregate state (a cstring column): the plan alone
        with_analyze := false;
        RETURN NEXT 'Note: without ANALYZE: Citus cannot EXPLAIN ANALYZE the partial aggregates of a distributed table';
    END IF;
    RETURN QUERY EXECUTE format('EXPLAIN (COSTS OFF%s) %s',
                                CASE WHEN with_analyze THEN ', ANALYZE, TIMING OFF, SUMMARY OFF' ELSE '' END,
                                vqc._scan_sql(t, planned.items, names))
        USING planned.kwargs_all;
    RETURN QUERY SELECT vqc._explain_notes(planned.plans);     -- checks that may read again
END
$$;
COMMENT ON FUNCTION vqc.explain(text, boolean) IS
    'The plan of the single scan vqc.run() makes for a suite (with ANALYZE when asked).';
-- compound_screen.sql: which hash screen a compound uniqueness check takes
-- (vqc._plan_compound_unique, ge_types.sql).

-- The hash screen's input for a combination of columns: vqc.hash_row of
-- them, a bigint the screen stores as itself.
CREATE FUNCTION vqc._compound_word_sql(names text[])
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format('vqc.hash_row(%s)', string_agg(format('%I', c), ', ' ORDER BY o))
      FROM unnest(names) WITH ORDINALITY AS x(c, o)
$$;

-- The column that may key the screen of a combination of columns names
-- (src/hash_set_keyed.c), and whether its fingerprints fit: the first of
-- them that is a NOT NULL smallint, integer or bigint whose statistics say
-- it is nearly unique (at least half its rows distinct) over a range narrow
-- enough that a bitmap over it takes less memory than a word per row and
-- fits in half of vqc.exact_memory_limit; one whose 17 bits per value of
-- the range (bitmap and fingerprints) fit as well comes first.  Key NULL
-- (screen the combination words) for a single column, or when no column
-- qualifies or has statistics: the choice decides the screen's memory and
-- time, never its answer (a key that repeats more than its statistics said
-- only makes more candidates, or overflows the screen into a pass over
-- every row).
CREATE FUNCTION vqc._compound_screen_key(target regclass, names text[], OUT key text, OUT fingerprints boolean)
LANGUAGE sql STABLE
AS $$
    -- materialized: the histogram is read as bigint[] only for these columns
    WITH cand AS MATERIALIZED (
        SELECT a.attname::text AS attname, x.o, cl.reltuples,
               CASE WHEN s.n_distinct < 0 THEN -s.n_distinct
                    ELSE s.n_distinct / greatest(cl.reltuples, 1) END AS distinct_share,
               s.histogram_bounds::text AS hist
          FROM unnest(names) WITH ORDINALITY AS x(c, o)
          JOIN pg_catalog.pg_class cl ON cl.oid = target
          JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
          JOIN pg_catalog.pg_attribute a ON a.attrelid = target AND a.attname::text = x.c
          JOIN pg_catalog.pg_stats s
            ON s.schemaname = n.nspname AND s.tablename = cl.relname AND s.attname = a.attname
               AND NOT s.inherited
         WHERE pg_catalog.cardinality(names) > 1 AND a.attnotnull AND cl.reltuples > 0
           AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,
                              'pg_catalog.int8'::pg_catalog.regtype))
    SELECT c.attname, w.words * 17 <= least(c.reltuples, vqc._exact_fit() / 2)
      FROM cand c,
           LATERAL (SELECT c.hist::pg_catalog.int8[] AS h) AS b,
           LATERAL (SELECT (b.h[pg_catalog.cardinality(b.h)]::numeric - b.h[1] + 1) / 64 AS words) AS w
     WHERE c.distinct_share >= 0.5 AND pg_catalog.cardinality(b.h) >= 2
       AND w.words <= least(c.reltuples, vqc._exact_fit() / 2)
     ORDER BY w.words * 17 <= least(c.reltuples, vqc._exact_fit() / 2) DESC, c.o
     LIMIT 1
$$;

-- The hash screen's aggregate over the combinations of names of target:
-- keyed by key (vqc._compound_screen_key) when there is one, with
-- vqc.hash_row of the other columns, or one other NOT NULL integer column
-- itself, as fingerprints when they fit, else the key's values alone (the
-- bitmap of integers: the candidates are the repeated values); else over
-- the combination words.
CREATE FUNCTION vqc._compound_screen_sql(target regclass, names text[], key text, fingerprints boolean)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN key IS NULL THEN format('vqc.hash_set_agg(%s)', vqc._compound_word_sql(names))
                WHEN NOT fingerprints THEN format('vqc.hash_set_agg(%I)', key)
                WHEN pg_catalog.cardinality(others) = 1 AND
                     (SELECT a.attnotnull AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype,
                                 'pg_catalog.int4'::pg_catalog.regtype, 'pg_catalog.int8'::pg_catalog.regtype)
                        FROM pg_catalog.pg_attribute a
                       WHERE a.attrelid = target AND a.attname::text = others[1])
                THEN format('vqc.hash_set_agg(%I, (%I)::pg_catalog.int8)', key, others[1])
                ELSE format('vqc.hash_set_agg(%I, %s)', key, vqc._compound_word_sql(others)) END
      FROM (SELECT array_remove(names, key) AS others) AS o
$$;
-- ge_types.sql: the expectations of Great Expectations that look at more
-- than one column of a row, or beyond the table: SQL LIKE patterns, column
-- pairs, several columns of a row, z-scores, other tables, and GE 1.2's
-- unexpected_rows_expectation.  The shared code calls in here:
-- vqc._plan (vqc._plan_ge_type, vqc._like_expected_sql), vqc._evaluate
-- (vqc._evaluate_ge_type, vqc._ge_type_failures), vqc._map_result (the
-- samples of several columns), vqc.expect (vqc._expect_unexpected_rows),
-- vqc.explain (vqc._explain_notes) and a suite's run
-- (vqc._check_suite_other_tables).  Everything still runs in the one scan:
--   * pair and multicolumn checks are row predicates, tallied like any other;
--     their samples are JSON objects {column: value} (plan key "columns");
--   * compound uniqueness goes through the hash screen over the combinations
--     (vqc.hash_row, src/hash_row.c);
--   * z-scores take the mean, stdev, min and max from the scan; a second
--     pass reads the failing rows only when the min or max is beyond the
--     threshold (vqc.explain says so);
--   * another table's row count is a scalar subquery of the scan (read once);
--   * expect_column_values_to_be_in_other_table left-joins the other table's
--     distinct values to the scan (one hash anti-join);
--   * unexpected_rows_expectation runs the caller's own query, in vqc.expect
--     only: a suite must never execute SQL of its writer's choosing.

-- ---------------------------------------------------------------------------
-- helpers

-- Columns of target named by v (kwarg key): a non-empty array of column
-- names, distinct unless allow_repeat; returns them with their types.
CREATE FUNCTION vqc._kw_columns(target regclass, etype text, v jsonb, key text, allow_repeat boolean,
                                OUT names text[], OUT types regtype[])
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    c   record;
    i   integer;
BEGIN
    names := '{}';
    types := '{}';
    IF v IS NULL OR jsonb_array_length(v) = 0 THEN
        PERFORM vqc._bad_kwarg(etype, format('%s must name at least one column', key));
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        IF jsonb_typeof(v -> i) <> 'string' THEN
            PERFORM vqc._bad_kwarg(etype, format('%s must hold column names', key));
        END IF;
        IF (v ->> i) = ANY (names) AND NOT allow_repeat THEN
            PERFORM vqc._bad_kwarg(etype, format('%s names a column twice', key));
        END IF;
        SELECT * INTO c FROM vqc._column(target, v ->> i);
        names := names || (v ->> i);
        types := types || c.type_sql::regtype;
    END LOOP;
END
$$;

-- The cross-type operator of role op for base types ba and bb in ba's
-- default btree family (int4 with int8, date with timestamp), as
-- OPERATOR(schema.name), or NULL.
CREATE FUNCTION vqc._cross_type_operator(ba regtype, op text, bb regtype)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format('OPERATOR(%s.%s)', quote_ident(n.nspname), o.oprname)
      FROM pg_opclass c
      JOIN pg_amop x ON x.amopfamily = c.opcfamily AND x.amoplefttype = ba AND x.amoprighttype = bb
                    AND x.amopstrategy = array_position(ARRAY['<', '<=', '=', '>=', '>'], op)
                    AND x.amopmethod = c.opcmethod
      JOIN pg_operator o ON o.oid = x.amopopr
      JOIN pg_namespace n ON n.oid = o.oprnamespace
     WHERE c.oid = vqc._default_opclass(ba, 'btree')
$$;

-- Does src cast implicitly to dst?
CREATE FUNCTION vqc._implicit_cast(src regtype, dst regtype)
RETURNS boolean
LANGUAGE sql STABLE
AS $$ SELECT EXISTS (SELECT 1 FROM pg_cast WHERE castsource = src AND casttarget = dst AND castcontext = 'i') $$;

-- SQL comparing a (of type ta) with b (of type tb) by the operator of role
-- op: the operator of ta's default btree class when tb is ta's type, its
-- family's cross-type operator, or, when one side casts implicitly to the
-- other's type, that type's operator (b's cast first).  Two types with none
-- of these cannot be compared (42883), as in SQL.
CREATE FUNCTION vqc._pair_compare_sql(ta regtype, a text, op text, tb regtype, b text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    ba   regtype := vqc._base_type(ta);
    bb   regtype := vqc._base_type(tb);
    opr  text;
BEGIN
    IF ba = bb THEN
        RETURN vqc._compare_sql(ta, a, op, b);
    END IF;
    opr := vqc._cross_type_operator(ba, op, bb);
    IF opr IS NOT NULL THEN
        RETURN format('(%s)::%s %s (%s)::%s', a, format_type(ba, NULL), opr, b, format_type(bb, NULL));
    END IF;
    IF vqc._implicit_cast(bb, ba) THEN
        RETURN vqc._compare_sql(ba, a, op, format('(%s)::%s', b, format_type(ba, NULL)));
    END IF;
    IF vqc._implicit_cast(ba, bb) THEN
        RETURN vqc._compare_sql(bb, format('(%s)::%s', a, format_type(bb, NULL)), op, b);
    END IF;
    RAISE EXCEPTION 'values of types % and % cannot be compared', format_type(ta, NULL), format_type(tb, NULL)
        USING ERRCODE = 'undefined_function',
              HINT = 'Cast one of the columns in a view to the other''s type.';
END
$$;

-- ignore_row_if: the SQL that keeps a row (NULL: every row is kept).
-- Pairs: both_values_are_missing (default), either_value_is_missing,
-- neither; lists: all_values_are_missing (default), any_value_is_missing, never.
-- qcols holds NULL in place of a NOT NULL column: one that is never missing
-- (so no row is all missing), and that is left out of the test per row.
CREATE FUNCTION vqc._ignore_row_if_sql(etype text, kwargs jsonb, qcols text[], pair boolean)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    modes text[] := CASE WHEN pair THEN ARRAY['both_values_are_missing', 'either_value_is_missing', 'neither']
                         ELSE ARRAY['all_values_are_missing', 'any_value_is_missing', 'never'] END;
    mode  text := coalesce(vqc._kw_text(etype, kwargs, 'ignore_row_if'), modes[1]);
BEGIN
    CASE array_position(modes, mode)
    WHEN 1 THEN
        IF array_position(qcols, NULL) IS NOT NULL THEN
            RETURN NULL;
        END IF;
        RETURN format('NOT (%s)', (SELECT string_agg(format('%s IS NULL', q), ' AND ') FROM unnest(qcols) q));
    WHEN 2 THEN
        RETURN (SELECT format('(%s)', string_agg(format('%s IS NOT NULL', q), ' AND '))
                  FROM unnest(qcols) q WHERE q IS NOT NULL HAVING count(*) > 0);
    WHEN 3 THEN
        RETURN NULL;
    ELSE
    END CASE;
    PERFORM vqc._bad_kwarg(etype, format('unknown ignore_row_if "%s"', mode),
                           CASE WHEN pair THEN 'Use both_values_are_missing, either_value_is_missing or neither.'
                                ELSE 'Use all_values_are_missing, any_value_is_missing or never.' END);
END
$$;

-- A table named by a kwarg: schema-qualified, or else in target's schema.
-- Never looked up through search_path, so a suite run by another role (or
-- by pg_cron) reads the same table.  The caller must be allowed to read it.
CREATE FUNCTION vqc._kw_other_table(target regclass, etype text, kwargs jsonb, key text)
RETURNS regclass
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    name  text := vqc._kw_text(etype, kwargs, key);
    parts text[];
    t     regclass;
BEGIN
    BEGIN
        parts := parse_ident(name);
    EXCEPTION WHEN invalid_parameter_value OR syntax_error THEN
        PERFORM vqc._bad_kwarg(etype, format('%s is not a valid table name', key));
    END;
    IF cardinality(parts) = 1 THEN
        parts := ARRAY[(SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.oid = target)] || parts;
    ELSIF cardinality(parts) <> 2 THEN
        PERFORM vqc._bad_kwarg(etype, format('%s must be a table name, optionally schema-qualified', key));
    END IF;
    t := to_regclass(format('%I.%I', parts[1], parts[2]));
    IF t IS NULL OR (SELECT relkind FROM pg_class WHERE oid = t) NOT IN ('r', 'p', 'v', 'm', 'f') THEN
        RAISE EXCEPTION 'relation "%.%" does not exist', parts[1], parts[2]
            USING ERRCODE = 'undefined_table',
                  DETAIL = format('Expectation: %s.', etype),
                  HINT = 'An unqualified name is looked up in the schema of the checked table.';
    END IF;
    IF NOT has_any_column_privilege(t, 'SELECT') THEN
        RAISE EXCEPTION 'permission denied for table %', t
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN t;
END
$$;

-- A failing row's values as JSON text {column: value}, for the samples.
CREATE FUNCTION vqc._columns_json_sql(names text[])
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format('pg_catalog.jsonb_build_object(%s)::pg_catalog.text',
                  string_agg(format('%L, %I', c, c), ', ' ORDER BY o))
      FROM unnest(names) WITH ORDINALITY AS x(c, o)
$$;

-- The JSON of one sample of a pair or multicolumn expectation: the values in
-- column order for a pair (GE lists [a, b]), the object {column: value}
-- otherwise; a clipped sample stays its text.
CREATE FUNCTION vqc._columns_sample_value(plan jsonb, s jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    obj jsonb;
BEGIN
    IF (s ->> 'clipped')::boolean OR s ->> 'value' IS NULL THEN
        RETURN coalesce(s -> 'value', 'null');
    END IF;
    obj := (s ->> 'value')::jsonb;
    IF (plan ->> 'pair')::boolean THEN
        RETURN (SELECT jsonb_agg(obj -> c ORDER BY o)
                  FROM jsonb_array_elements_text(plan -> 'columns') WITH ORDINALITY AS x(c, o));
    END IF;
    RETURN obj;
END
$$;

-- The index-list entry of such a sample: its row key and its values.
CREATE FUNCTION vqc._columns_sample_index(plan jsonb, s jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN jsonb_typeof(s -> 'row_key') = 'object' THEN s -> 'row_key' ELSE '{}' END ||
           CASE WHEN coalesce((s ->> 'clipped')::boolean, false) OR s ->> 'value' IS NULL THEN '{}'
                ELSE (s ->> 'value')::jsonb END
$$;

-- ---------------------------------------------------------------------------
-- planning

-- The map tally of a row predicate: counts the kept rows (nonnull item) and
-- tallies those where expected is false (as GE on SQL: NOT expected, so a
-- NULL comparison is not a failure).
CREATE FUNCTION vqc._columns_map_plan(target regclass, pidx integer, names text[], keep text,
                                      expected text, key_columns text[], sample_cap integer, pair boolean)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('t%s', pidx),
            format('vqc.tally(%s, %s, %s) FILTER (WHERE %s(%s) IS FALSE)', vqc._columns_json_sql(names),
                   vqc._row_key_sql(target, key_columns), sample_cap,
                   CASE WHEN keep IS NULL THEN '' ELSE keep || ' AND ' END, expected)) ||
                 CASE WHEN keep IS NULL THEN '{}'::jsonb
                      ELSE jsonb_build_object(format('k:%s', md5(keep)), format('pg_catalog.count(*) FILTER (WHERE %s)', keep)) END,
        'tally', format('t%s', pidx),
        'nonnull', CASE WHEN keep IS NULL THEN 'n' ELSE format('k:%s', md5(keep)) END,
        'columns', to_jsonb(names),
        'pair', pair,
        -- the failing rows, for a query that selects them
        'fails_sql', format('%s(%s) IS FALSE', CASE WHEN keep IS NULL THEN '' ELSE keep || ' AND ' END, expected),
        'key_columns', to_jsonb(key_columns))
$$;

-- Plan of the types of this file that do not take the common single-column
-- path of vqc._plan; NULL for any other type.  plan holds type, kwargs and,
-- with a column, column and type_sql.
CREATE FUNCTION vqc._plan_ge_type(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    p       text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    cols    record;
    q       text[];
    keep    text;
    conds   text[] := '{}';
    v       jsonb;
    i       integer;
    j       integer;
    mostly  numeric;
BEGIN
    -- the types GE does not run on SQL (ge_unimpl.sql)
    v := vqc._plan_ge_unimpl(target, plan, pidx, key_columns, sample_cap);
    IF v IS NOT NULL THEN
        RETURN v;
    END IF;
    IF etype NOT IN ('expect_column_pair_values_a_to_be_greater_than_b', 'expect_column_pair_values_to_be_equal',
                     'expect_column_pair_values_to_be_in_set', 'expect_compound_columns_to_be_unique',
                     'expect_multicolumn_sum_to_equal', 'expect_select_column_values_to_be_unique_within_record',
                     'expect_column_value_z_scores_to_be_less_than', 'expect_column_values_to_be_in_other_table',
                     'expect_table_row_count_to_equal_other_table',
                     'expect_table_row_count_to_be_within_other_table_by', 'unexpected_rows_expectation') THEN
        RETURN NULL;
    END IF;
    IF etype = 'unexpected_rows_expectation' THEN
        RAISE EXCEPTION 'unexpected_rows_expectation runs only in vqc.expect'
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its query is SQL of its writer''s choosing, and a suite may be run by another role or by pg_cron.',
                  HINT = 'Call vqc.expect() with it, as the role whose rights the query should have.';
    END IF;
    IF etype LIKE 'expect_table_row_count_%other_table%' THEN
        RETURN vqc._plan_other_table_count(target, etype, kwargs, pidx);
    END IF;
    mostly := vqc._kw_mostly(etype, kwargs);
    IF etype = 'expect_column_value_z_scores_to_be_less_than' THEN
        RETURN vqc._plan_z_scores(target, plan, pidx, key_columns, sample_cap) || jsonb_build_object('mostly', mostly);
    END IF;
    IF etype = 'expect_column_values_to_be_in_other_table' THEN
        RETURN vqc._plan_in_other_table(target, plan, pidx, key_columns, sample_cap) || jsonb_build_object('mostly', mostly);
    END IF;

    IF etype LIKE 'expect_column_pair_%' THEN
        IF vqc._kw_text(etype, kwargs, 'column_A') IS NULL OR vqc._kw_text(etype, kwargs, 'column_B') IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'column_A and column_B must be column names');
        END IF;
        SELECT * INTO cols FROM vqc._kw_columns(target, etype, jsonb_build_array(kwargs -> 'column_A', kwargs -> 'column_B'),
                                                'column_A and column_B', true);
    ELSE
        SELECT * INTO cols FROM vqc._kw_columns(target, etype, vqc._kw(etype, kwargs, 'column_list', '{array}'),
                                                'column_list', false);
    END IF;
    q := ARRAY(SELECT quote_ident(c) FROM unnest(cols.names) c);
    -- a NOT NULL column is never missing: no test of it per row
    keep := vqc._ignore_row_if_sql(etype, kwargs,
                                   ARRAY(SELECT CASE WHEN a.attnotnull THEN NULL ELSE quote_ident(x.c) END
                                           FROM unnest(cols.names) WITH ORDINALITY AS x(c, o)
                                           LEFT JOIN pg_attribute a ON a.attrelid = target AND a.attname::text = x.c
                                          ORDER BY x.o),
                                   etype LIKE 'expect_column_pair_%');

    CASE etype
    WHEN 'expect_column_pair_values_a_to_be_greater_than_b' THEN
        IF vqc._kw_bool(etype, kwargs, 'or_equal', false) THEN
            conds := ARRAY[vqc._pair_compare_sql(cols.types[1], q[1], '>=', cols.types[2], q[2]),
                           format('(%s IS NULL AND %s IS NULL)', q[1], q[2])];
        ELSE
            conds := ARRAY[vqc._pair_compare_sql(cols.types[1], q[1], '>', cols.types[2], q[2])];
        END IF;
    WHEN 'expect_column_pair_values_to_be_equal' THEN
        -- a missing value on either side is unequal (GE: NOT (A IS NULL OR B IS NULL))
        conds := ARRAY[format('(%s AND %s IS NOT NULL AND %s IS NOT NULL)',
                              vqc._pair_compare_sql(cols.types[1], q[1], '=', cols.types[2], q[2]), q[1], q[2])];
    WHEN 'expect_column_pair_values_to_be_in_set' THEN
        v := vqc._kw(etype, kwargs, 'value_pairs_set', '{array}');
        IF jsonb_array_length(v) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'value_pairs_set must not be empty');
        END IF;
        FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
            IF jsonb_typeof(v -> i) <> 'array' OR jsonb_array_length(v -> i) <> 2
               OR jsonb_typeof(v -> i -> 0) IN ('array', 'object') OR jsonb_typeof(v -> i -> 1) IN ('array', 'object') THEN
                PERFORM vqc._bad_kwarg(etype, 'value_pairs_set must hold pairs [a, b] of scalar values');
            END IF;
            FOR j IN 0 .. 1 LOOP
                IF jsonb_typeof(v -> i -> j) <> 'null' THEN
                    PERFORM vqc._check_castable(etype, 'a value of value_pairs_set', v -> i ->> j,
                                                format_type(cols.types[j + 1], NULL));
                END IF;
            END LOOP;
            conds := conds || format('(%s AND %s)',
                vqc._compare_sql(cols.types[1], q[1], '=', format('(%s OPERATOR(pg_catalog.->) ''value_pairs_set'' '
                                 'OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->>) 0)::%s', p, i, format_type(cols.types[1], NULL))),
                vqc._compare_sql(cols.types[2], q[2], '=', format('(%s OPERATOR(pg_catalog.->) ''value_pairs_set'' '
                                 'OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->>) 1)::%s', p, i, format_type(cols.types[2], NULL))));
        END LOOP;
    WHEN 'expect_multicolumn_sum_to_equal' THEN
        FOR i IN 1 .. cardinality(q) LOOP
            IF (SELECT typcategory FROM pg_type WHERE oid = cols.types[i]) <> 'N' THEN
                RAISE EXCEPTION '% needs numeric columns; column "%" is of type %', etype, cols.names[i],
                                format_type(cols.types[i], NULL)
                    USING ERRCODE = 'datatype_mismatch';
            END IF;
        END LOOP;
        PERFORM vqc._kw(etype, kwargs, 'sum_total', '{number}');
        -- summed exactly, in numeric
        conds := ARRAY[format('(%s) OPERATOR(pg_catalog.=) (%s OPERATOR(pg_catalog.->>) ''sum_total'')::pg_catalog.numeric',
                              (SELECT string_agg(format('(%s)::pg_catalog.numeric', c), ' OPERATOR(pg_catalog.+) ')
                                 FROM unnest(q) c), p)];
    WHEN 'expect_select_column_values_to_be_unique_within_record' THEN
        FOR i IN 1 .. cardinality(q) - 1 LOOP
            FOR j IN i + 1 .. cardinality(q) LOOP
                conds := conds || format('%s OR (%s IS NULL AND %s IS NULL)',
                                         vqc._pair_compare_sql(cols.types[i], q[i], '=', cols.types[j], q[j]), q[i], q[j]);
            END LOOP;
        END LOOP;
        IF cardinality(conds) = 0 THEN
            conds := ARRAY['false'];
        END IF;
        conds := ARRAY[format('NOT (%s)', array_to_string(conds, ' OR '))];
    WHEN 'expect_compound_columns_to_be_unique' THEN
        FOR i IN 1 .. cardinality(q) LOOP
            PERFORM vqc._require_opclass(etype, format_type(cols.types[i], NULL), 'hash');
            PERFORM vqc._require_opclass(etype, format_type(cols.types[i], NULL), 'btree');
        END LOOP;
        IF vqc._unique_by_index(target, cols.names) THEN
            -- the database already guarantees it: count, don't screen
            conds := ARRAY['true'];
        ELSE
                RETURN vqc._plan_compound_unique(target, pidx, cols.names, keep, key_columns, sample_cap)
                   || jsonb_build_object('mostly', mostly);
        END IF;
    END CASE;

    RETURN vqc._columns_map_plan(target, pidx, cols.names, keep,
                                 format('(%s)', array_to_string(conds, ' OR ')), key_columns, sample_cap,
                                 etype LIKE 'expect_column_pair_%')
           || jsonb_build_object('mostly', mostly);
END
$$;

-- One 64-bit word for a combination of values (src/hash_row.c): the hash
-- screen's input for compound uniqueness.
CREATE FUNCTION vqc.hash_row(VARIADIC "any")
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_hash_row'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION vqc.hash_row("any") IS
    'A 64-bit word for a combination of values (each hashed by its type''s extended hash, NULLs alike, chained): equal combinations give equal words.';

-- Does a valid, immediate, non-partial unique index make every combination
-- of the columns names unique: one whose key columns are all among them and
-- cannot hold two NULL keys alike (NOT NULL columns, or NULLS NOT DISTINCT)?
CREATE FUNCTION vqc._unique_by_index(target regclass, names text[])
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (
        SELECT 1
          FROM pg_index i
         WHERE i.indrelid = target AND i.indisunique AND i.indisvalid AND i.indimmediate
           AND i.indpred IS NULL AND i.indexprs IS NULL
           AND NOT EXISTS (SELECT 1
                             FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, o)
                             LEFT JOIN pg_attribute a ON a.attrelid = target AND a.attnum = k.attnum
                            WHERE k.o <= i.indnkeyatts
                              AND (a.attname IS NULL OR NOT a.attname::text = ANY (names)
                                   OR NOT (a.attnotnull OR i.indnullsnotdistinct))))
$$;

-- The rows of repeated combinations, as a condition on a row of target (for
-- a query that selects them): by (tableoid, ctid) and a window, so that
-- NULLs group together as in the scan; a view (no ctid) compares with IN,
-- which leaves out combinations holding a NULL.
CREATE FUNCTION vqc._compound_fails_sql(target regclass, names text[], keep text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'p', 'm')
                THEN format('(tableoid, ctid) OPERATOR(pg_catalog.=) ANY (SELECT tableoid, ctid FROM (SELECT tableoid, ctid, '
                            'pg_catalog.count(*) OVER (PARTITION BY %1$s) AS c FROM %2$s%3$s) AS w WHERE c OPERATOR(pg_catalog.>) 1)',
                            cols, target, w)
                ELSE format('(%1$s) IN (SELECT %1$s FROM %2$s%3$s GROUP BY %1$s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)',
                            cols, target, w) END
      FROM (SELECT string_agg(quote_ident(c), ', ' ORDER BY o) AS cols,
                   CASE WHEN keep IS NULL THEN '' ELSE ' WHERE ' || keep END AS w
              FROM unnest(names) WITH ORDINALITY AS x(c, o)) AS parts
$$;

-- Compound uniqueness: the hash screen over the combinations of the kept
-- rows, keyed by a nearly unique integer column when the statistics show
-- one (vqc._compound_screen_key); vqc._compound_repeats reads back the rows
-- of repeated words, or of candidate keys.
CREATE FUNCTION vqc._plan_compound_unique(target regclass, pidx integer, names text[], keep text,
                                          key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT vqc._columns_map_plan(target, pidx, names, keep, 'true', key_columns, sample_cap, false)
           - 'tally' ||
           jsonb_build_object(
               'items', jsonb_build_object(
                   'n', 'pg_catalog.count(*)',
                   format('h%s', pidx),
                   format('vqc.hash_set_duplicates(%s%s, 100000)', vqc._compound_screen_sql(target, names, k.key, k.fingerprints),
                          CASE WHEN keep IS NULL THEN '' ELSE format(' FILTER (WHERE %s)', keep) END)) ||
                        CASE WHEN keep IS NULL THEN '{}'::jsonb
                             ELSE jsonb_build_object(format('k:%s', md5(keep)), format('pg_catalog.count(*) FILTER (WHERE %s)', keep)) END,
               'failures', 'compound_unique',
               'fails_sql', vqc._compound_fails_sql(target, names, keep),
               'hash_words', format('h%s', pidx),
               'screen_key', k.key,
               'keep', keep,
               'row_key_sql', vqc._row_key_sql(target, key_columns),
               'sample_cap', sample_cap,
               'explain_note', CASE WHEN k.key IS NULL
                                    THEN 'a second pass reads the rows whose column values'' hash repeats, only when the hash screen finds a repeat'
                                    WHEN k.fingerprints
                                    THEN format('the hash screen is keyed by column %s (nearly unique by its statistics); a second pass '
                                                'reads the rows of the keys whose other columns'' hashes match, only when there are any',
                                                quote_ident(k.key))
                                    ELSE format('the hash screen is keyed by column %s alone (nearly unique by its statistics; the other '
                                                'columns'' hashes would outgrow vqc.exact_memory_limit); a second pass reads the rows of '
                                                'its repeated values, only when there are any', quote_ident(k.key)) END)
      FROM vqc._compound_screen_key(target, names) AS k
$$;

-- z-scores against the column's own mean and sample stdev: the scan takes
-- them with the min and max (one item, shared by every z-score check of the
-- column).  A value's z-score is monotone in the value, so when neither the
-- min's nor the max's z-score fails, no value does; otherwise one more
-- pass tallies the failing rows.
CREATE FUNCTION vqc._plan_z_scores(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype  text := plan ->> 'type';
    kwargs jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    qcol   text := quote_ident(colname);
    x      text := format('(%s)::pg_catalog.float8', quote_ident(colname));
BEGIN
    IF (SELECT typcategory FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype) <> 'N' THEN
        RAISE EXCEPTION '% needs a numeric column; column "%" is of type %', etype, colname, plan ->> 'type_sql'
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    PERFORM vqc._kw(etype, kwargs, 'threshold', '{number}');
    PERFORM vqc._kw_bool(etype, kwargs, 'double_sided', true);
    RETURN jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
            format('z:%s', colname),
            format('ARRAY[pg_catalog.avg(%1$s), pg_catalog.stddev_samp(%1$s), pg_catalog.min(%1$s), pg_catalog.max(%1$s)]', x)),
        'failures', 'z_scores',
        'fails_sql', vqc._z_fails_sql(x, format('(SELECT pg_catalog.avg(%s) FROM %s)', x, target),
                                      format('(SELECT pg_catalog.stddev_samp(%s) FROM %s)', x, target),
                                      (kwargs ->> 'threshold')::float8, vqc._kw_bool(etype, kwargs, 'double_sided', true)),
        'key_columns', to_jsonb(key_columns),
        'moments_item', format('z:%s', colname),
        'nonnull', format('nn:%s', colname),
        'threshold', (kwargs ->> 'threshold')::float8,
        'double_sided', vqc._kw_bool(etype, kwargs, 'double_sided', true),
        'row_key_sql', vqc._row_key_sql(target, key_columns),
        'sample_cap', sample_cap,
        'explain_note', 'z-scores need the mean and stdev this scan computes: a second pass reads the failing rows, '
                        'only when the min or max is beyond the threshold');
END
$$;

-- The SQL that a value x (float8) fails the z-score test, given the mean and
-- stdev as SQL: NOT (|z| < |threshold|), or NOT (z < threshold) one-sided.
-- A stdev of 0 or none (fewer than two values) gives no z-scores: nothing fails.
CREATE FUNCTION vqc._z_fails_sql(x text, mean text, sd text, threshold float8, double_sided boolean)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format('(%3$s OPERATOR(pg_catalog.>) 0 AND (%s) IS FALSE)', x, mean, sd,
                  CASE WHEN double_sided
                       THEN format('pg_catalog.abs((%s OPERATOR(pg_catalog.-) %s) OPERATOR(pg_catalog./) %s) '
                                   'OPERATOR(pg_catalog.<) pg_catalog.abs(%L::pg_catalog.float8)', x, mean, sd, threshold)
                       ELSE format('((%s OPERATOR(pg_catalog.-) %s) OPERATOR(pg_catalog./) %s) '
                                   'OPERATOR(pg_catalog.<) %L::pg_catalog.float8', x, mean, sd, threshold) END)
$$;

-- Values of column in other_table.other_column: the other table's distinct
-- values (compared as the column's type) are left-joined to the scan, so a
-- row without a partner is a failure; one hash anti-join, each table read once.
CREATE FUNCTION vqc._plan_in_other_table(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    qcol    text := quote_ident(colname);
    other   regclass := vqc._kw_other_table(target, etype, kwargs, 'other_table');
    ocol    record := vqc._column(other, vqc._kw_text(etype, kwargs, 'other_column'));
    alias   text := format('vqc_in_%s', pidx);
    ta      regtype;
    tb      regtype;
    ovalue  text;
    cmp     text;
BEGIN
    -- the join's names must not hide a column of the table
    WHILE alias = ANY (vqc._table_columns(target)) LOOP
        alias := alias || '_';
    END LOOP;
    IF NOT has_column_privilege(other, ocol.attname, 'SELECT') THEN
        RAISE EXCEPTION 'permission denied for table %', other
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM vqc._require_opclass(etype, ocol.type_sql, 'hash');
    -- distinct as compared: values cast to the column's type are made
    -- distinct after the cast, so that a row meets at most one partner
    ta := (plan ->> 'type_sql')::regtype;
    tb := ocol.type_sql::regtype;
    ovalue := quote_ident(ocol.attname);
    IF vqc._base_type(ta) <> vqc._base_type(tb) AND vqc._cross_type_operator(vqc._base_type(ta), '=', vqc._base_type(tb)) IS NULL
       AND vqc._implicit_cast(vqc._base_type(tb), vqc._base_type(ta)) THEN
        ovalue := format('(%s)::%s', ovalue, format_type(vqc._base_type(ta), NULL));
        tb := vqc._base_type(ta);
    END IF;
    cmp := vqc._pair_compare_sql(ta, qcol, '=', tb, format('%I.%I', alias, alias));
    RETURN jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
            format('join:%s', pidx),
            format('LEFT JOIN (SELECT DISTINCT %2$s AS %1$I FROM %3$s) AS %1$I ON (%4$s)', alias, ovalue, other, cmp),
            format('t%s', pidx),
            format('vqc.tally(%s::pg_catalog.text, %s, %s) FILTER (WHERE %s IS NOT NULL AND %I.%I IS NULL)',
                   qcol, vqc._row_key_sql(target, key_columns), sample_cap, qcol, alias, alias)),
        'tally', format('t%s', pidx),
        'nonnull', format('nn:%s', colname),
        'fails_sql', format('%s IS NOT NULL AND NOT EXISTS (SELECT FROM (SELECT DISTINCT %s AS %I FROM %s) AS %I WHERE %s)',
                            qcol, ovalue, alias, other, alias, cmp),
        'key_columns', to_jsonb(key_columns));
END
$$;

-- Row count against another table's: a scalar subquery of the scan.
CREATE FUNCTION vqc._plan_other_table_count(target regclass, etype text, kwargs jsonb, pidx integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    other regclass := vqc._kw_other_table(target, etype, kwargs, 'other_table_name');
    tol   numeric;
BEGIN
    IF etype = 'expect_table_row_count_to_be_within_other_table_by' THEN
        tol := (vqc._kw(etype, kwargs, 'tolerance', '{number}'))::numeric;
        IF tol < 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'tolerance cannot be negative');
        END IF;
    END IF;
    RETURN jsonb_build_object(
        'items', jsonb_build_object('n', 'pg_catalog.count(*)',
                                    format('oc:%s', other::oid), format('(SELECT pg_catalog.count(*) FROM %s)', other)),
        'evaluator', 'other_table_count',
        'other_item', format('oc:%s', other::oid),
        'tolerance', coalesce(tol, 0));
END
$$;

-- SQL LIKE patterns (single column, the common map path of vqc._plan):
-- the SQL that a value is as expected.
CREATE FUNCTION vqc._like_expected_sql(etype text, kwargs jsonb, p text, qcol text, colname text,
                                       category "char", type_sql text)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v      jsonb;
    conds  text[] := '{}';
    i      integer;
BEGIN
    IF etype NOT LIKE 'expect_column_values_to_%match_like_pattern%' THEN
        RAISE EXCEPTION 'no plan for expectation type "%"', etype USING ERRCODE = 'internal_error';
    END IF;
    PERFORM vqc._require_text(etype, colname, category, type_sql);
    IF etype LIKE '%_list' THEN
        v := vqc._kw(etype, kwargs, 'like_pattern_list', '{array}');
        IF jsonb_array_length(v) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'like_pattern_list must not be empty');
        END IF;
    ELSE
        v := jsonb_build_array(vqc._kw(etype, kwargs, 'like_pattern', '{string}'));
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        IF jsonb_typeof(v -> i) <> 'string' THEN
            PERFORM vqc._bad_kwarg(etype, 'like patterns must be strings');
        END IF;
        -- LIKE refuses a pattern ending in its escape only when a match reaches it
        IF (v ->> i) ~ '(^|[^\\])(\\\\)*\\$' THEN
            PERFORM vqc._bad_kwarg(etype, 'a LIKE pattern must not end with the escape character',
                                   'Double a final backslash to match a backslash.');
        END IF;
        -- vqc.like_match is ~~ compiled once per query (src/like_match.c)
        conds := conds || format('vqc.like_match((%s)::pg_catalog.text, (%s%s))', qcol, p,
                                 CASE WHEN etype LIKE '%_list' THEN format(' OPERATOR(pg_catalog.->) ''like_pattern_list'' OPERATOR(pg_catalog.->>) %s', i)
                                      ELSE ' OPERATOR(pg_catalog.->>) ''like_pattern''' END);
    END LOOP;
    RETURN vqc._pattern_list_sql(etype, kwargs, conds);
END
$$;

-- ---------------------------------------------------------------------------
-- evaluation

-- The result of the plans with an "evaluator" (see vqc._evaluate): a row
-- count against another table's.
CREATE FUNCTION vqc._evaluate_ge_type(target regclass, plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    element  bigint := (vals ->> 'n')::bigint;
    other    bigint := (vals ->> (plan ->> 'other_item'))::bigint;
BEGIN
    IF plan ->> 'evaluator' <> 'other_table_count' THEN
        RETURN vqc._evaluate_ge_unimpl(target, plan, vals, rf);     -- ge_unimpl.sql: KS, chi-square
    END IF;
    RETURN jsonb_build_object(
        'success', abs(element - other) <= (plan ->> 'tolerance')::numeric * other,
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', jsonb_build_object('self', element, 'other', other)) END,
        'samples', '[]'::jsonb, 'extra_scans', 0);
END
$$;

-- The failing rows of the map plans with "failures" (see vqc._evaluate),
-- and the passes taken to find them.
CREATE FUNCTION vqc._ge_type_failures(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
LANGUAGE plpgsql
AS $$
BEGIN
    IF plan ->> 'failures' = 'z_scores' THEN
        SELECT x.t, x.passes INTO t, passes FROM vqc._z_score_failures(target, plan, vals) x;
    ELSE
        SELECT x.t, x.passes INTO t, passes FROM vqc._compound_repeats(target, plan, vals) x;
    END IF;
END
$$;

-- The failing rows of a z-score check, or NULL without a pass when neither
-- the min nor the max fails (see vqc._plan_z_scores).
CREATE FUNCTION vqc._z_score_failures(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
LANGUAGE plpgsql
AS $$
DECLARE
    m     float8[] := (vals ->> (plan ->> 'moments_item'))::float8[];
    th    float8 := (plan ->> 'threshold')::float8;
    ds    boolean := (plan ->> 'double_sided')::boolean;
    qcol  text := quote_ident(plan ->> 'column');
    fails boolean;
BEGIN
    passes := 0;
    IF m[2] IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT %s OR %s', vqc._z_fails_sql('$3', '$1', '$2', th, ds), vqc._z_fails_sql('$4', '$1', '$2', th, ds))
        INTO fails USING m[1], m[2], m[3], m[4];
    IF NOT fails THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT vqc.tally(%1$s::pg_catalog.text, %2$s, %3$s) FROM %4$s WHERE %5$s',
                   qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', target,
                   vqc._z_fails_sql(format('(%s)::pg_catalog.float8', qcol), '$1', '$2', th, ds))
        INTO t USING m[1], m[2];
    passes := 1;
END
$$;

-- The rows of repeated compound values: none when the screen found no
-- repeated word (or candidate key); else one pass over the rows with those
-- words or keys (every row when the screen overflowed), counting each
-- value's rows.
CREATE FUNCTION vqc._compound_repeats(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
LANGUAGE plpgsql
AS $$
DECLARE
    dups  bigint[] := (vals ->> (plan ->> 'hash_words'))::bigint[];
    cols  text := (SELECT string_agg(quote_ident(c), ', ' ORDER BY o)
                     FROM jsonb_array_elements_text(plan -> 'columns') WITH ORDINALITY AS x(c, o));
    conds text[] := ARRAY(SELECT plan ->> 'keep' WHERE plan ->> 'keep' IS NOT NULL);
BEGIN
    passes := 0;
    IF dups = '{}' THEN
        RETURN;
    END IF;
    IF dups IS NOT NULL AND plan ->> 'screen_key' IS NOT NULL THEN
        -- a keyed screen: the candidate keys
        conds := conds || format('(%I)::pg_catalog.int8 OPERATOR(pg_catalog.=) ANY ($1)', plan ->> 'screen_key');
    ELSIF dups IS NOT NULL THEN
        conds := conds || format('%s OPERATOR(pg_catalog.=) ANY ($1)',
                                 vqc._compound_word_sql(vqc._jsonb_text_array(plan -> 'columns')));
    END IF;
    -- samples ascending by value, then by row key: the same order whatever the plan
    EXECUTE format('SELECT vqc.tally(v, k, %1$s ORDER BY v, k) FROM '
                   '(SELECT %2$s AS v, %3$s AS k, pg_catalog.count(*) OVER (PARTITION BY %4$s) AS c '
                   '   FROM %5$s%6$s) AS candidates WHERE c OPERATOR(pg_catalog.>) 1',
                   plan ->> 'sample_cap', vqc._columns_json_sql(vqc._jsonb_text_array(plan -> 'columns')),
                   plan ->> 'row_key_sql', cols, target,
                   CASE WHEN cardinality(conds) > 0 THEN ' WHERE ' || array_to_string(conds, ' AND ') ELSE '' END)
        INTO t USING ARRAY(SELECT dups[i][1] FROM generate_subscripts(dups, 1) AS i);
    passes := 1;
END
$$;

-- ---------------------------------------------------------------------------
-- unexpected_rows_expectation (vqc.expect only)

-- GE 1.2's unexpected_rows_expectation: the rows of the caller's query
-- (where {batch} stands for the table) are the failures.  It runs as the
-- caller, in vqc.expect only: vqc._plan refuses it in suites.
CREATE FUNCTION vqc._expect_unexpected_rows(target regclass, kwargs jsonb, result_format text)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    etype text := 'unexpected_rows_expectation';
    rf    jsonb;
    query text;
    cap   integer;
    n     bigint;
    rows  jsonb;
BEGIN
    PERFORM vqc._check_kwargs(etype, kwargs);
    rf := vqc._result_format(coalesce(kwargs -> 'result_format', to_jsonb(result_format)));
    query := replace(vqc._kw_text(etype, kwargs, 'unexpected_rows_query'), '{batch}', target::text);
    cap := CASE rf ->> 'result_format'
                WHEN 'COMPLETE' THEN coalesce(current_setting('vqc.max_unexpected_samples', true)::integer, 1000)
                WHEN 'BOOLEAN_ONLY' THEN 0
                ELSE greatest((rf ->> 'partial_unexpected_count')::integer, 20) END;
    EXECUTE format('SELECT pg_catalog.count(*), pg_catalog.jsonb_agg(pg_catalog.to_jsonb(q)) '
                   'FILTER (WHERE q.vqc_ordinality OPERATOR(pg_catalog.<=) %s) '
                   'FROM (SELECT *, pg_catalog.row_number() OVER () AS vqc_ordinality FROM (%s) AS u) AS q', cap, query)
        INTO n, rows;
    RETURN vqc._ge_result(jsonb_build_object(
        'type', etype, 'kwargs', kwargs, 'status', CASE WHEN n = 0 THEN 'success' ELSE 'failure' END,
        'success', n = 0,
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object(
                           'observed_value', format('%s unexpected %s', n, CASE WHEN n = 1 THEN 'row' ELSE 'rows' END),
                           'details', jsonb_build_object(
                               'unexpected_rows', (SELECT coalesce(jsonb_agg(r - 'vqc_ordinality'), '[]')
                                                     FROM jsonb_array_elements(coalesce(rows, '[]')) r))) END));
END
$$;

-- ---------------------------------------------------------------------------
-- suites reading other tables

-- A run reads a suite's other tables as the caller; the results (counts,
-- the checked table's values missing from the other table) are stored for
-- whoever may read the checked table, the owner among them.  So the suite's
-- owner must be allowed to read them too: else a run by a role with more
-- rights would tell the owner what the other table holds (42501).
CREATE FUNCTION vqc._check_suite_other_tables(s vqc.suite, t regclass, expectations jsonb)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    e     jsonb;
    key   text;
    other regclass;
BEGIN
    FOR e IN SELECT x FROM jsonb_array_elements(expectations) x
              WHERE x ->> 'type' IN ('expect_column_values_to_be_in_other_table',
                                     'expect_table_row_count_to_equal_other_table',
                                     'expect_table_row_count_to_be_within_other_table_by') LOOP
        key := CASE WHEN e ->> 'type' = 'expect_column_values_to_be_in_other_table' THEN 'other_table' ELSE 'other_table_name' END;
        BEGIN
            other := vqc._kw_other_table(t, e ->> 'type', e -> 'kwargs', key);
        EXCEPTION WHEN invalid_parameter_value OR undefined_table THEN
            CONTINUE;          -- the expectation reports it
        END;
        IF NOT has_any_column_privilege(s.owner, other, 'SELECT')
           OR (key = 'other_table' AND EXISTS (
                   SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = other AND a.attname = e -> 'kwargs' ->> 'other_column' AND a.attnum > 0
                      AND NOT a.attisdropped AND NOT has_column_privilege(s.owner, other, a.attnum, 'SELECT'))) THEN
            RAISE EXCEPTION 'suite "%" reads table %, which its owner % may not read', s.name, other, s.owner
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'A run stores what it learns of the other table where the suite''s owner can read it.',
                      HINT = 'Grant the owner SELECT on it, or remove the expectation.';
        END IF;
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------
-- vqc.explain: why a check of this file may read the table again

CREATE FUNCTION vqc._explain_notes(plans jsonb[])
RETURNS SETOF text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format('Note: expectation %s (%s): %s.', i, p ->> 'type', p ->> 'explain_note')
      FROM unnest(plans) WITH ORDINALITY AS x(p, i)
     WHERE p ? 'explain_note'
     ORDER BY i
$$;
-- ge_unimpl.sql: Great Expectations types that GE itself does not run on
-- SQL databases (its runner skips them there), run in the database:
--   * expect_column_values_to_be_increasing / _decreasing: each non-null
--     value against the one before it in row order (GE's pandas rule: the
--     first value passes; strictly makes ties fail).  Row order is the
--     order of the row key (the suite's key, or result_format's
--     unexpected_index_column_names), else the primary key, else the
--     physical order (ctid).  Needs a window over the ordered rows: a
--     second read of the table, in the same SELECT (vqc.explain says so);
--   * expect_column_values_to_be_json_parseable, _to_match_json_schema
--     (vqc.matches_json_schema, a documented subset of JSON Schema),
--     _to_be_dateutil_parseable: row predicates of the one scan;
--   * expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than:
--     scipy.stats.kstest against a named distribution (src/ge_unimpl.c),
--     on the column's values gathered by the scan;
--   * expect_column_bootstrapped_ks_test_p_value_to_be_greater_than: GE's
--     bootstrap of KS tests against a partition's piecewise-linear CDF, with
--     a fixed pseudo-random sequence over the sorted values (src/ge_unimpl.c);
--   * expect_column_chisquare_test_p_value_to_be_greater_than: scipy's
--     chisquare on the column's value counts against partition_object, the
--     counts taken as for the KL divergence (statistics.sql).
-- The shared code calls in here from vqc._plan_ge_type and
-- vqc._evaluate_ge_type (ge_types.sql).

CREATE FUNCTION vqc.is_json(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_is_json'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.is_json(text) IS
    'True when the text is one JSON value (PostgreSQL''s json grammar: NaN and Infinity, which Python''s json.loads takes, are not JSON).';

CREATE FUNCTION vqc.is_dateutil_parseable(value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_is_dateutil_parseable'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.is_dateutil_parseable(text) IS
    'True when the text is a date, date-time or time of day as PostgreSQL''s date/time input reads it (DateStyle orders day and month): the forms dateutil.parser.parse takes, but fuzzy ones.';

CREATE FUNCTION vqc._ks_1samp(vals float8[], distribution text, args float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'vqc_ks_1samp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc._ks_bootstrap(vals float8[], bins float8[], weights float8[], p float8, samples integer, size integer)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'vqc_ks_bootstrap'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc._chi2_sf(x float8, dof float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_chi2_sf_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---------------------------------------------------------------------------
-- JSON Schema, the subset GE's users write: type (a name or a list; integer
-- is a number without fraction), enum, const, properties, required,
-- additionalProperties (boolean or schema), items (one schema), minItems,
-- maxItems, minLength, maxLength (characters), pattern (PCRE2, unanchored),
-- minimum, maximum, exclusiveMinimum, exclusiveMaximum (numbers, draft 6+),
-- allOf, anyOf, oneOf, not.  Other keywords are ignored, as JSON Schema
-- ignores unknown ones; $ref is refused.
CREATE FUNCTION vqc.matches_json_schema(doc jsonb, schema jsonb)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    t    text := jsonb_typeof(doc);
    k    text;
    s    jsonb;
    n    integer;
BEGIN
    IF jsonb_typeof(schema) = 'boolean' THEN
        RETURN schema::boolean;
    END IF;
    IF jsonb_typeof(schema) <> 'object' THEN
        RAISE EXCEPTION 'a JSON schema must be an object or a boolean'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF schema ? '$ref' THEN
        RAISE EXCEPTION 'JSON schema keyword "$ref" is not supported'
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Write the referenced schema in place.';
    END IF;
    IF schema ? 'type' AND NOT EXISTS (
           SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(schema -> 'type') = 'array' THEN schema -> 'type'
                                                       ELSE jsonb_build_array(schema -> 'type') END) AS x(name)
            WHERE name = t OR (name = 'integer' AND t = 'number' AND (doc #>> '{}')::numeric = trunc((doc #>> '{}')::numeric))) THEN
        RETURN false;
    END IF;
    IF schema ? 'enum' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(schema -> 'enum') e WHERE e = doc) THEN
        RETURN false;
    END IF;
    IF schema ? 'const' AND schema -> 'const' <> doc THEN
        RETURN false;
    END IF;
    FOR k, s IN SELECT key, value FROM jsonb_each(schema) WHERE key IN ('allOf', 'anyOf', 'oneOf') LOOP
        n := (SELECT count(*) FROM jsonb_array_elements(s) x WHERE vqc.matches_json_schema(doc, x));
        IF (k = 'allOf' AND n < jsonb_array_length(s)) OR (k = 'anyOf' AND n = 0) OR (k = 'oneOf' AND n <> 1) THEN
            RETURN false;
        END IF;
    END LOOP;
    IF schema ? 'not' AND vqc.matches_json_schema(doc, schema -> 'not') THEN
        RETURN false;
    END IF;
    IF t = 'object' THEN
        IF EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(schema -> 'required', '[]')) r WHERE NOT doc ? r) THEN
            RETURN false;
        END IF;
        FOR k, s IN SELECT key, value FROM jsonb_each(doc) LOOP
            IF schema -> 'properties' ? k THEN
                IF NOT vqc.matches_json_schema(s, schema -> 'properties' -> k) THEN
                    RETURN false;
                END IF;
            ELSIF schema ? 'additionalProperties' AND NOT vqc.matches_json_schema(s, schema -> 'additionalProperties') THEN
                RETURN false;
            END IF;
        END LOOP;
    ELSIF t = 'array' THEN
        IF jsonb_array_length(doc) < coalesce((schema ->> 'minItems')::numeric, 0)
           OR jsonb_array_length(doc) > coalesce((schema ->> 'maxItems')::numeric, jsonb_array_length(doc))
           OR (jsonb_typeof(schema -> 'items') IN ('object', 'boolean')
               AND EXISTS (SELECT 1 FROM jsonb_array_elements(doc) x WHERE NOT vqc.matches_json_schema(x, schema -> 'items'))) THEN
            RETURN false;
        END IF;
    ELSIF t = 'string' THEN
        IF char_length(doc #>> '{}') < coalesce((schema ->> 'minLength')::numeric, 0)
           OR char_length(doc #>> '{}') > coalesce((schema ->> 'maxLength')::numeric, char_length(doc #>> '{}'))
           OR (schema ? 'pattern' AND NOT vqc.regex_match(doc #>> '{}', schema ->> 'pattern')) THEN
            RETURN false;
        END IF;
    ELSIF t = 'number' THEN
        IF (doc #>> '{}')::numeric < (schema ->> 'minimum')::numeric
           OR (doc #>> '{}')::numeric > (schema ->> 'maximum')::numeric
           OR (jsonb_typeof(schema -> 'exclusiveMinimum') = 'number' AND (doc #>> '{}')::numeric <= (schema ->> 'exclusiveMinimum')::numeric)
           OR (jsonb_typeof(schema -> 'exclusiveMaximum') = 'number' AND (doc #>> '{}')::numeric >= (schema ->> 'exclusiveMaximum')::numeric) THEN
            RETURN false;
        END IF;
    END IF;
    RETURN true;
END
$$;
COMMENT ON FUNCTION vqc.matches_json_schema(jsonb, jsonb) IS
    'True when the JSON value meets the schema: a subset of JSON Schema (type, enum, const, properties, required, additionalProperties, items, min/maxItems, min/maxLength, pattern, minimum, maximum, exclusiveMinimum/Maximum, allOf, anyOf, oneOf, not).';

-- ---------------------------------------------------------------------------
-- planning

-- The row order of increasing / decreasing: the row key, else the primary
-- key, else the physical order.
CREATE FUNCTION vqc._row_order_columns(target regclass, key_columns text[])
RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT CASE
        WHEN cardinality(key_columns) > 0 THEN ARRAY(SELECT quote_ident(c) FROM unnest(key_columns) c)
        WHEN pk IS NOT NULL THEN ARRAY(SELECT quote_ident(c) FROM unnest(pk) c)
        WHEN (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'm') THEN ARRAY['ctid']
        WHEN (SELECT relkind FROM pg_class WHERE oid = target) = 'p' THEN ARRAY['tableoid', 'ctid']
        END
      FROM vqc._primary_key(target) AS pk
$$;

-- The common map plan of a single-column row test: expected is the SQL that
-- a non-null value is as expected.
CREATE FUNCTION vqc._ge_unimpl_map_plan(target regclass, colname text, pidx integer, expected text,
                                        key_columns text[], sample_cap integer, mostly numeric)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%I)', colname),
            format('t%s', pidx),
            format('vqc.tally(%1$I::pg_catalog.text, %2$s, %3$s) FILTER (WHERE %4$s)', colname,
                   vqc._row_key_sql(target, key_columns), sample_cap, fails)),
        'fails_sql', fails,
        'key_columns', to_jsonb(key_columns),
        'tally', format('t%s', pidx),
        'nonnull', format('nn:%s', colname),
        'mostly', mostly)
      FROM (SELECT format('%I IS NOT NULL AND (%s) IS NOT TRUE', colname, expected) AS fails) f
$$;

-- increasing / decreasing: the failing rows are those whose value is not
-- above (below; or equal, unless strictly) the previous non-null value in
-- row order, found by a window over the ordered rows: a scalar subquery of
-- the scan, which reads the table a second time.
CREATE FUNCTION vqc._plan_monotone(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer,
                                   mostly numeric)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    typ     regtype := (plan ->> 'type_sql')::regtype;
    v       text := format('%I', colname);
    ord     text[] := vqc._row_order_columns(target, key_columns);
    cmp     text;
    inner_sql text;
    ordlist text;
BEGIN
    IF vqc._citus_distributed(target) THEN
        -- one ordered sequence of rows spread over shards: no partial
        -- aggregate computes it, so it is refused rather than gathered
        RAISE EXCEPTION '% needs one order of all the rows, which a distributed table does not keep', etype
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Each value is compared with the one before it; the rows are spread over shards on several nodes.',
                  HINT = 'Check a copy of the table, or a range of it, that is not distributed.';
    END IF;
    IF ord IS NULL THEN
        RAISE EXCEPTION '% needs an order of the rows', etype
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'The relation has no primary key and no physical order.',
                  HINT = 'Give a row key (the suite''s key columns, or result_format''s unexpected_index_column_names).';
    END IF;
    IF vqc._kw_bool(etype, kwargs, 'parse_strings_as_datetimes', false) THEN
        PERFORM vqc._require_text(etype, colname, (SELECT typcategory FROM pg_type WHERE oid = typ), typ::text);
        v := format('(%s)::pg_catalog.timestamp', v);
        typ := 'timestamp'::regtype;
    ELSE
        PERFORM vqc._require_opclass(etype, typ::text, 'btree');
    END IF;
    cmp := vqc._compare_sql(typ, 'vqc_v', CASE WHEN etype LIKE '%increasing' THEN '>' ELSE '<' END
                                          || CASE WHEN vqc._kw_bool(etype, kwargs, 'strictly', false) THEN '' ELSE '=' END,
                            'vqc_p');
    ordlist := (SELECT string_agg(format('%s AS vqc_o%s', c, i), ', ') FROM unnest(ord) WITH ORDINALITY x(c, i));
    inner_sql := format('SELECT %1$s AS vqc_v, pg_catalog.lag(%1$s) OVER (ORDER BY %2$s) AS vqc_p, %3$s, %4$s AS vqc_k, '
                        '%5$I::pg_catalog.text AS vqc_t FROM %6$s WHERE %5$I IS NOT NULL',
                        v, array_to_string(ord, ', '), ordlist, vqc._row_key_sql(target, key_columns), colname, target);
    RETURN jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%I)', colname),
            format('t%s', pidx),
            format('(SELECT vqc.tally(vqc_t, vqc_k, %s) FROM (%s) AS vqc_m WHERE vqc_p IS NOT NULL AND (%s) IS NOT TRUE)',
                   sample_cap, inner_sql, cmp)),
        'fails_sql', format('(%s) IN (SELECT %s FROM (%s) AS vqc_m WHERE vqc_p IS NOT NULL AND (%s) IS NOT TRUE)',
                            array_to_string(ord, ', '),
                            (SELECT string_agg(format('vqc_o%s', i), ', ') FROM generate_series(1, cardinality(ord)) i),
                            inner_sql, cmp),
        'key_columns', to_jsonb(key_columns),
        'tally', format('t%s', pidx),
        'nonnull', format('nn:%s', colname),
        'mostly', mostly,
        'explain_note', format('compares each value with the one before it in the order of %s: a window over the ordered rows, '
                               'which reads the table a second time in the same statement', array_to_string(ord, ', ')));
END
$$;

-- The scipy positional args of a parameterized distribution: params as an
-- array, or as GE's dict (_scipy_distribution_positional_args_from_dict).
CREATE FUNCTION vqc._distribution_args(etype text, distribution text, params jsonb)
RETURNS float8[]
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    names text[];
    out   float8[] := '{}';
    k     text;
BEGIN
    IF params IS NULL OR jsonb_typeof(params) = 'null' THEN
        RETURN out;
    END IF;
    IF jsonb_typeof(params) = 'array' THEN
        IF EXISTS (SELECT 1 FROM jsonb_array_elements(params) x WHERE jsonb_typeof(x) <> 'number') THEN
            PERFORM vqc._bad_kwarg(etype, 'params must be numbers');
        END IF;
        RETURN ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(params) WITH ORDINALITY AS u(x, o) ORDER BY o);
    END IF;
    IF jsonb_typeof(params) <> 'object' THEN
        PERFORM vqc._bad_kwarg(etype, 'params must be an array or an object');
    END IF;
    names := CASE distribution
        WHEN 'norm' THEN '{mean,std_dev}'
        WHEN 'beta' THEN '{alpha,beta,loc,scale}'
        WHEN 'gamma' THEN '{alpha,loc,scale}'
        WHEN 'uniform' THEN '{min,max}'
        WHEN 'chi2' THEN '{df,loc,scale}'
        WHEN 'expon' THEN '{loc,scale}' END;
    IF names IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown distribution "%s"', distribution),
                               'Use norm, beta, gamma, uniform, chi2 or expon.');
    END IF;
    FOREACH k IN ARRAY names LOOP
        IF jsonb_typeof(params -> k) = 'number' THEN
            out := out || (params ->> k)::float8;
        ELSIF k = 'loc' THEN
            out := out || 0::float8;
        ELSIF k = 'scale' THEN
            out := out || 1::float8;
        ELSE
            PERFORM vqc._bad_kwarg(etype, format('params of distribution "%s" need a number "%s"', distribution, k));
        END IF;
    END LOOP;
    RETURN out;
END
$$;

-- The bootstrapped KS test's partition (GE's is_valid_continuous_partition_object,
-- finite ends, no tail weights) and its settings.
CREATE FUNCTION vqc._plan_ks_bootstrap(etype text, kwargs jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    po      jsonb := vqc._kw(etype, kwargs, 'partition_object', '{object}');
    bins    float8[];
    w       float8[];
    pv      numeric := coalesce((vqc._kw(etype, kwargs, 'p', '{number}'))::numeric, 0.05);
    samples integer := coalesce(vqc._kw_int(etype, kwargs, 'bootstrap_samples'), 1000);
    size    integer;
BEGIN
    IF po IS NULL OR NOT po ? 'bins' THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object must be a continuous partition ({"bins", "weights"})');
    END IF;
    bins := vqc._kl_bins(etype, po -> 'bins');
    IF jsonb_typeof(po -> 'weights') IS DISTINCT FROM 'array'
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(po -> 'weights') x WHERE jsonb_typeof(x) <> 'number' OR x::numeric < 0) THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object needs "weights": non-negative numbers');
    END IF;
    w := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(po -> 'weights') WITH ORDINALITY u(x, o) ORDER BY o);
    IF cardinality(bins) <> cardinality(w) + 1 OR cardinality(w) = 0
       OR EXISTS (SELECT 1 FROM generate_series(2, cardinality(bins)) g WHERE bins[g] <= bins[g - 1])
       OR abs((SELECT sum(x) FROM unnest(w) x) - 1) > 1e-8 + 1e-5 THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object "bins" must be k + 1 increasing numbers for k weights summing to 1');
    END IF;
    IF bins[1] = '-Infinity' OR bins[cardinality(bins)] = 'Infinity' THEN
        PERFORM vqc._bad_kwarg(etype, 'partition endpoints must be finite');
    END IF;
    IF po ? 'tail_weights' AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(po -> 'tail_weights') x WHERE x::numeric <> 0) THEN
        PERFORM vqc._bad_kwarg(etype, 'partition cannot have tail weights: its endpoints must be finite');
    END IF;
    IF pv <= 0 OR pv >= 1 THEN
        PERFORM vqc._bad_kwarg(etype, 'p must be between 0 and 1 exclusive');
    END IF;
    size := coalesce(vqc._kw_int(etype, kwargs, 'bootstrap_sample_size'), 2 * cardinality(w));
    IF samples NOT BETWEEN 1 AND 1000000 OR size NOT BETWEEN 1 AND 1000000 OR samples::bigint * size > 100000000 THEN
        PERFORM vqc._bad_kwarg(etype, 'bootstrap_samples and bootstrap_sample_size must be between 1 and 1000000',
                               'Their product (the values drawn) is at most 100000000.');
    END IF;
    RETURN jsonb_build_object('evaluator', 'ks_bootstrap', 'threshold', pv, 'bins', to_jsonb(bins), 'weights', to_jsonb(w),
                              'bootstrap_samples', samples, 'bootstrap_sample_size', size);
END
$$;

-- Plans of this file's types; NULL for any other type.
CREATE FUNCTION vqc._plan_ge_unimpl(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    p       text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    cat     "char";
    mostly  numeric;
    dist    text;
    pv      numeric;
    po      jsonb;
    kl      jsonb;
BEGIN
    IF etype NOT IN ('expect_column_values_to_be_increasing', 'expect_column_values_to_be_decreasing',
                     'expect_column_values_to_be_json_parseable', 'expect_column_values_to_match_json_schema',
                     'expect_column_values_to_be_dateutil_parseable',
                     'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than',
                     'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than',
                     'expect_column_chisquare_test_p_value_to_be_greater_than') THEN
        RETURN NULL;
    END IF;
    SELECT typcategory INTO cat FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype;
    CASE etype
    WHEN 'expect_column_values_to_be_increasing', 'expect_column_values_to_be_decreasing' THEN
        RETURN vqc._plan_monotone(target, plan, pidx, key_columns, sample_cap, vqc._kw_mostly(etype, kwargs));
    WHEN 'expect_column_values_to_be_json_parseable' THEN
        -- a value that is not text is not a JSON document (GE: json.loads of it fails)
        RETURN vqc._ge_unimpl_map_plan(target, colname, pidx,
                                       CASE WHEN cat = 'S' THEN format('vqc.is_json(%I)', colname) ELSE 'false' END,
                                       key_columns, sample_cap, vqc._kw_mostly(etype, kwargs));
    WHEN 'expect_column_values_to_match_json_schema' THEN
        PERFORM vqc._require_text(etype, colname, cat, plan ->> 'type_sql');
        PERFORM vqc.matches_json_schema('null', vqc._kw(etype, kwargs, 'json_schema', '{object,boolean}'));
        RETURN vqc._ge_unimpl_map_plan(target, colname, pidx,
                                       format('CASE WHEN vqc.is_json(%1$I) THEN vqc.matches_json_schema(%1$I::pg_catalog.jsonb, '
                                              '%2$s OPERATOR(pg_catalog.->) ''json_schema'') ELSE false END', colname, p),
                                       key_columns, sample_cap, vqc._kw_mostly(etype, kwargs));
    WHEN 'expect_column_values_to_be_dateutil_parseable' THEN
        PERFORM vqc._require_text(etype, colname, cat, plan ->> 'type_sql');
        RETURN vqc._ge_unimpl_map_plan(target, colname, pidx, format('vqc.is_dateutil_parseable(%I)', colname),
                                       key_columns, sample_cap, vqc._kw_mostly(etype, kwargs));
    WHEN 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than',
         'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than' THEN
        IF cat <> 'N' THEN
            RAISE EXCEPTION '% needs a numeric column; column "%" is of type %', etype, colname, plan ->> 'type_sql'
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        IF etype LIKE '%bootstrapped%' THEN
            kl := vqc._plan_ks_bootstrap(etype, kwargs);
        ELSE
            dist := vqc._kw_text(etype, kwargs, 'distribution');
            pv := coalesce((vqc._kw(etype, kwargs, 'p_value', '{number}'))::numeric, 0.05);
            IF pv <= 0 OR pv >= 1 THEN
                PERFORM vqc._bad_kwarg(etype, 'p_value must be between 0 and 1 exclusive');
            END IF;
            -- checks the distribution and its parameters now
            PERFORM vqc._ks_1samp('{}', dist, vqc._distribution_args(etype, dist, kwargs -> 'params'));
            kl := jsonb_build_object('evaluator', 'ks_1samp', 'threshold', pv,
                                     'args', to_jsonb(vqc._distribution_args(etype, dist, kwargs -> 'params')));
        END IF;
        RETURN kl || jsonb_build_object(
            'items', jsonb_build_object(
                'n', 'pg_catalog.count(*)',
                format('nn:%s', colname), format('pg_catalog.count(%I)', colname),
                format('ks%s', pidx), format('pg_catalog.array_agg(%I::pg_catalog.float8) FILTER (WHERE %I IS NOT NULL)',
                                             colname, colname)));
    ELSE
        -- chi-square: the value counts as for the KL divergence (values only)
        po := vqc._kw(etype, kwargs, 'partition_object', '{object}');
        IF po IS NULL OR NOT po ? 'values' OR po ? 'bins' THEN
            PERFORM vqc._bad_kwarg(etype, 'partition_object must be a partition of values ({"values", "weights"})',
                                   'A partition of bins is for continuous data: use the KS tests.');
        END IF;
        pv := coalesce((vqc._kw(etype, kwargs, 'p', '{number}'))::numeric, 0.05);
        IF pv <= 0 OR pv >= 1 THEN
            PERFORM vqc._bad_kwarg(etype, 'p must be between 0 and 1 exclusive');
        END IF;
        kl := vqc._plan_kl(etype, kwargs - 'p', pidx, colname, plan ->> 'type_sql', cat);
        RETURN kl || jsonb_build_object('evaluator', 'chisquare', 'threshold', pv,
                                        'items', (kl -> 'items') || jsonb_build_object('n', 'pg_catalog.count(*)'));
    END CASE;
END
$$;

-- ---------------------------------------------------------------------------
-- evaluation

-- GE's bootstrapped KS result: the share of passing bootstrap samples, and
-- details as GE's metric: the observed partition (widened to the column's
-- min and max when values fall outside), both partitions and both CDFs.
CREATE FUNCTION vqc._evaluate_ks_bootstrap(plan jsonb, vals float8[], OUT pval float8, OUT details jsonb)
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    bins  float8[] := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(plan -> 'bins') WITH ORDINALITY u(x, o) ORDER BY o);
    w     float8[] := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(plan -> 'weights') WITH ORDINALITY u(x, o) ORDER BY o);
    r     float8[] := vqc._ks_bootstrap(coalesce(vals, '{}'), bins, w, (plan ->> 'threshold')::float8,
                                        (plan ->> 'bootstrap_samples')::integer, (plan ->> 'bootstrap_sample_size')::integer);
    n     float8 := cardinality(vals);
    obins float8[] := bins;
    ow    float8[] := r[6:];
BEGIN
    pval := r[1];
    IF r[2] > 0 THEN
        obins := r[4] || obins;
        ow := r[2] || ow;
    END IF;
    IF r[3] > 0 THEN
        obins := obins || r[5];
        ow := ow || r[3];
    END IF;
    ow := ARRAY(SELECT x / n FROM unnest(ow) WITH ORDINALITY u(x, o) ORDER BY o);
    details := jsonb_build_object(
        'bootstrap_samples', plan -> 'bootstrap_samples',
        'bootstrap_sample_size', plan -> 'bootstrap_sample_size',
        'observed_partition', jsonb_build_object('bins', to_jsonb(obins), 'weights', to_jsonb(ow)),
        'expected_partition', jsonb_build_object('bins', plan -> 'bins', 'weights', plan -> 'weights'),
        'observed_cdf', jsonb_build_object('x', to_jsonb(obins), 'cdf_values', to_jsonb(vqc._cumulative(ow))),
        'expected_cdf', jsonb_build_object('x', plan -> 'bins', 'cdf_values', to_jsonb(vqc._cumulative(w))));
END
$$;

-- 0 followed by the running sums of xs, as numpy's [0] + cumsum.
CREATE FUNCTION vqc._cumulative(xs float8[])
RETURNS float8[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT '{0}'::float8[] || ARRAY(SELECT sum(x) OVER (ORDER BY o) FROM unnest(xs) WITH ORDINALITY u(x, o) ORDER BY o)
$$;

CREATE FUNCTION vqc._evaluate_ge_unimpl(target regclass, plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    colname text := plan ->> 'column';
    th      float8 := (plan ->> 'threshold')::float8;
    ks      float8[];
    kl      record;
    obs     float8[];
    expct   float8[];
    n       float8;
    chi2    float8 := 0;
    pval    float8;
    details jsonb;
    extra   integer := 0;
    i       integer;
BEGIN
    IF plan ->> 'evaluator' = 'ks_1samp' THEN
        ks := vqc._ks_1samp(coalesce((vals ->> format('ks%s', plan ->> 'position'))::float8[], '{}'),
                            plan -> 'kwargs' ->> 'distribution',
                            ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(plan -> 'args') WITH ORDINALITY u(x, o) ORDER BY o));
        pval := ks[2];
        details := jsonb_build_object('observed_ks_statistic', ks[1]);
    ELSIF plan ->> 'evaluator' = 'ks_bootstrap' THEN
        SELECT x.pval, x.details INTO pval, details
          FROM vqc._evaluate_ks_bootstrap(plan, (vals ->> format('ks%s', plan ->> 'position'))::float8[]) x;
    ELSE
        -- scipy.stats.chisquare(counts, expected counts): GE's partition
        -- weights times the non-null count, values outside it sharing
        -- tail_weight_holdout (vqc._evaluate_kl builds both partitions)
        SELECT * INTO kl FROM vqc._evaluate_kl(target, plan, vals);
        extra := kl.extra;
        details := kl.details;
        n := (vals ->> (plan ->> 'nonnull'))::float8;
        obs := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(details -> 'observed_partition' -> 'weights') WITH ORDINALITY u(x, o) ORDER BY o);
        expct := ARRAY(SELECT x::float8 FROM jsonb_array_elements_text(details -> 'expected_partition' -> 'weights') WITH ORDINALITY u(x, o) ORDER BY o);
        IF n > 0 THEN
            FOR i IN 1 .. cardinality(obs) LOOP
                IF expct[i] = 0 THEN
                    chi2 := CASE WHEN obs[i] > 0 THEN 'Infinity' ELSE 'NaN' END;
                    EXIT;
                END IF;
                chi2 := chi2 + (obs[i] * n - expct[i] * n) ^ 2 / (expct[i] * n);
            END LOOP;
            pval := CASE WHEN chi2 = 'NaN' THEN NULL ELSE vqc._chi2_sf(chi2, cardinality(obs) - 1) END;
        END IF;
    END IF;
    RETURN jsonb_build_object(
        'success', coalesce(pval > th, false),
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', pval, 'element_count', (vals ->> 'n')::bigint,
                                               'missing_count', (vals ->> 'n')::bigint - (vals ->> format('nn:%s', colname))::bigint)
                            || CASE WHEN rf ->> 'result_format' IN ('SUMMARY', 'COMPLETE')
                                    THEN jsonb_build_object('details', details) ELSE '{}' END END,
        'samples', '[]'::jsonb, 'extra_scans', extra);
END
$$;

-- ---------------------------------------------------------------------------
-- the catalogue

INSERT INTO vqc.expectation_catalog VALUES
('expect_column_values_to_be_increasing', 'map', '{column}', '{strictly,parse_strings_as_datetimes,mostly}',
 'Each non-null value is at least (above, with strictly) the previous non-null value in row order (the row key, else the primary key, else the physical order).'),
('expect_column_values_to_be_decreasing', 'map', '{column}', '{strictly,parse_strings_as_datetimes,mostly}',
 'Each non-null value is at most (below, with strictly) the previous non-null value in row order (the row key, else the primary key, else the physical order).'),
('expect_column_values_to_be_json_parseable', 'map', '{column}', '{mostly}',
 'Values are JSON documents (vqc.is_json); a value of a column that is not text is not.'),
('expect_column_values_to_match_json_schema', 'map', '{column,json_schema}', '{mostly}',
 'Values are JSON documents that meet json_schema (vqc.matches_json_schema: a subset of JSON Schema).'),
('expect_column_values_to_be_dateutil_parseable', 'map', '{column}', '{mostly}',
 'Values of a text column are dates, date-times or times of day (vqc.is_dateutil_parseable).'),
('expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than', 'statistic', '{column,distribution}', '{p_value,params}',
 'The KS test of the values against distribution (norm, beta, gamma, uniform, chi2, expon) with params (scipy''s positional list, or GE''s dict) has a p-value above p_value (default 0.05).'),
('expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', 'statistic', '{column,partition_object}',
 '{p,bootstrap_samples,bootstrap_sample_size}',
 'The share of bootstrap samples (bootstrap_samples of bootstrap_sample_size values, drawn by a fixed pseudo-random sequence) whose KS test against partition_object''s piecewise-linear CDF has a p-value of at least p is above p (default 0.05).'),
('expect_column_chisquare_test_p_value_to_be_greater_than', 'statistic', '{column,partition_object}', '{p,tail_weight_holdout}',
 'The chi-square test of the value counts against partition_object (values and weights) has a p-value above p (default 0.05); values outside it share tail_weight_holdout.');
-- wrappers.sql: one typed SQL function per expectation, with Great Expectations'
-- name and arguments, calling the same engine as vqc.expect().  COLUMN is a
-- reserved word in SQL, so named notation spells it "column" => 'age'.
-- Generated by scripts/gen_wrappers.py; edit that, not this.

CREATE FUNCTION vqc.expect_column_to_exist(target regclass, "column" text, column_index integer DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_to_exist', jsonb_strip_nulls(jsonb_build_object('column', "column", 'column_index', column_index)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_to_exist IS 'The column exists (at zero-based column_index when given).';

CREATE FUNCTION vqc.expect_table_columns_to_match_set(target regclass, column_set text[], exact_match boolean DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_table_columns_to_match_set', jsonb_strip_nulls(jsonb_build_object('column_set', column_set, 'exact_match', exact_match)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_table_columns_to_match_set IS 'The table''s columns are column_set (or include it when exact_match is false).';

CREATE FUNCTION vqc.expect_table_columns_to_match_ordered_list(target regclass, column_list text[], result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_table_columns_to_match_ordered_list', jsonb_strip_nulls(jsonb_build_object('column_list', column_list)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_table_columns_to_match_ordered_list IS 'The table''s columns are column_list, in order.';

CREATE FUNCTION vqc.expect_table_column_count_to_equal(target regclass, value integer, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_table_column_count_to_equal', jsonb_strip_nulls(jsonb_build_object('value', value)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_table_column_count_to_equal IS 'The table has value columns.';

CREATE FUNCTION vqc.expect_table_column_count_to_be_between(target regclass, min_value integer DEFAULT NULL, max_value integer DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_table_column_count_to_be_between', jsonb_strip_nulls(jsonb_build_object('min_value', min_value, 'max_value', max_value)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_table_column_count_to_be_between IS 'The column count is within bounds.';

CREATE FUNCTION vqc.expect_column_values_to_be_of_type(target regclass, "column" text, type_ text, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_of_type', jsonb_strip_nulls(jsonb_build_object('column', "column", 'type_', type_)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_of_type IS 'The column is of type type_.';

CREATE FUNCTION vqc.expect_column_values_to_be_in_type_list(target regclass, "column" text, type_list text[], result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_in_type_list', jsonb_strip_nulls(jsonb_build_object('column', "column", 'type_list', type_list)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_in_type_list IS 'The column''s type is in type_list.';

CREATE FUNCTION vqc.expect_table_row_count_to_be_between(target regclass, min_value bigint DEFAULT NULL, max_value bigint DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_table_row_count_to_be_between', jsonb_strip_nulls(jsonb_build_object('min_value', min_value, 'max_value', max_value)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_table_row_count_to_be_between IS 'The row count is within bounds.';

CREATE FUNCTION vqc.expect_table_row_count_to_equal(target regclass, value bigint, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_table_row_count_to_equal', jsonb_strip_nulls(jsonb_build_object('value', value)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_table_row_count_to_equal IS 'The row count is value.';

CREATE FUNCTION vqc.expect_column_values_to_not_be_null(target regclass, "column" text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_not_be_null', jsonb_strip_nulls(jsonb_build_object('column', "column", 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_not_be_null IS 'Values are not null.';

CREATE FUNCTION vqc.expect_column_values_to_be_null(target regclass, "column" text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_null', jsonb_strip_nulls(jsonb_build_object('column', "column", 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_null IS 'Values are null.';

CREATE FUNCTION vqc.expect_column_values_to_be_between(target regclass, "column" text, min_value anycompatible DEFAULT NULL, max_value anycompatible DEFAULT NULL, strict_min boolean DEFAULT NULL, strict_max boolean DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_between', jsonb_strip_nulls(jsonb_build_object('column', "column", 'min_value', min_value, 'max_value', max_value, 'strict_min', strict_min, 'strict_max', strict_max, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_between IS 'Values are within [min_value, max_value].';

CREATE FUNCTION vqc.expect_column_values_to_be_unique(target regclass, "column" text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_unique', jsonb_strip_nulls(jsonb_build_object('column', "column", 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_unique IS 'Values are unique.';

CREATE FUNCTION vqc.expect_column_values_to_match_regex(target regclass, "column" text, regex text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_match_regex', jsonb_strip_nulls(jsonb_build_object('column', "column", 'regex', regex, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_regex IS 'Values match the PCRE2 pattern.';

CREATE FUNCTION vqc.expect_column_values_to_not_match_regex(target regclass, "column" text, regex text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_not_match_regex', jsonb_strip_nulls(jsonb_build_object('column', "column", 'regex', regex, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_not_match_regex IS 'Values do not match the PCRE2 pattern.';

CREATE FUNCTION vqc.expect_column_values_to_match_regex_list(target regclass, "column" text, regex_list text[], match_on text DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_match_regex_list', jsonb_strip_nulls(jsonb_build_object('column', "column", 'regex_list', regex_list, 'match_on', match_on, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_regex_list IS 'Values match any (or all) of the patterns.';

CREATE FUNCTION vqc.expect_column_values_to_not_match_regex_list(target regclass, "column" text, regex_list text[], mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_not_match_regex_list', jsonb_strip_nulls(jsonb_build_object('column', "column", 'regex_list', regex_list, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_not_match_regex_list IS 'Values match none of the patterns.';

CREATE FUNCTION vqc.expect_column_values_to_match_strftime_format(target regclass, "column" text, strftime_format text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_match_strftime_format', jsonb_strip_nulls(jsonb_build_object('column', "column", 'strftime_format', strftime_format, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_strftime_format IS 'Values parse with the strftime format.';

CREATE FUNCTION vqc.expect_column_values_to_be_iso8601(target regclass, "column" text, kind text DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_iso8601', jsonb_strip_nulls(jsonb_build_object('column', "column", 'kind', kind, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_iso8601 IS 'Values are ISO 8601 dates (or date-times).';

CREATE FUNCTION vqc.expect_column_values_to_be_valid_email(target regclass, "column" text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_valid_email', jsonb_strip_nulls(jsonb_build_object('column', "column", 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_valid_email IS 'Values are practical e-mail addresses.';

CREATE FUNCTION vqc.expect_column_values_to_be_in_set(target regclass, "column" text, value_set anyarray, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_in_set', jsonb_strip_nulls(jsonb_build_object('column', "column", 'value_set', to_jsonb(value_set), 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_in_set IS 'Values are in value_set.';

CREATE FUNCTION vqc.expect_column_values_to_not_be_in_set(target regclass, "column" text, value_set anyarray, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_not_be_in_set', jsonb_strip_nulls(jsonb_build_object('column', "column", 'value_set', to_jsonb(value_set), 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_not_be_in_set IS 'Values are not in value_set.';

CREATE FUNCTION vqc.expect_column_value_lengths_to_be_between(target regclass, "column" text, min_value integer DEFAULT NULL, max_value integer DEFAULT NULL, strict_min boolean DEFAULT NULL, strict_max boolean DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_value_lengths_to_be_between', jsonb_strip_nulls(jsonb_build_object('column', "column", 'min_value', min_value, 'max_value', max_value, 'strict_min', strict_min, 'strict_max', strict_max, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_value_lengths_to_be_between IS 'Value lengths are within bounds.';

CREATE FUNCTION vqc.expect_column_value_lengths_to_equal(target regclass, "column" text, value integer, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_value_lengths_to_equal', jsonb_strip_nulls(jsonb_build_object('column', "column", 'value', value, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_value_lengths_to_equal IS 'Value lengths equal value.';

CREATE FUNCTION vqc.expect_column_mean_to_be_between(target regclass, "column" text, min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, strict_min boolean DEFAULT NULL, strict_max boolean DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_mean_to_be_between', jsonb_strip_nulls(jsonb_build_object('column', "column", 'min_value', min_value, 'max_value', max_value, 'strict_min', strict_min, 'strict_max', strict_max)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_mean_to_be_between IS 'The mean is within bounds.';

CREATE FUNCTION vqc.expect_column_median_to_be_between(target regclass, "column" text, min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, strict_min boolean DEFAULT NULL, strict_max boolean DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_median_to_be_between', jsonb_strip_nulls(jsonb_build_object('column', "column", 'min_value', min_value, 'max_value', max_value, 'strict_min', strict_min, 'strict_max', strict_max)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_median_to_be_between IS 'The exact median is within bounds.';

CREATE FUNCTION vqc.expect_column_stdev_to_be_between(target regclass, "column" text, min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, strict_min boolean DEFAULT NULL, strict_max boolean DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_stdev_to_be_between', jsonb_strip_nulls(jsonb_build_object('column', "column", 'min_value', min_value, 'max_value', max_value, 'strict_min', strict_min, 'strict_max', strict_max)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_stdev_to_be_between IS 'The sample standard deviation is within bounds.';

CREATE FUNCTION vqc.expect_column_sum_to_be_between(target regclass, "column" text, min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, strict_min boolean DEFAULT NULL, strict_max boolean DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_sum_to_be_between', jsonb_strip_nulls(jsonb_build_object('column', "column", 'min_value', min_value, 'max_value', max_value, 'strict_min', strict_min, 'strict_max', strict_max)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_sum_to_be_between IS 'The sum is within bounds.';

CREATE FUNCTION vqc.expect_column_min_to_be_between(target regclass, "column" text, min_value anycompatible DEFAULT NULL, max_value anycompatible DEFAULT NULL, strict_min boolean DEFAULT NULL, strict_max boolean DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_min_to_be_between', jsonb_strip_nulls(jsonb_build_object('column', "column", 'min_value', min_value, 'max_value', max_value, 'strict_min', strict_min, 'strict_max', strict_max)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_min_to_be_between IS 'The minimum is within bounds.';

CREATE FUNCTION vqc.expect_column_max_to_be_between(target regclass, "column" text, min_value anycompatible DEFAULT NULL, max_value anycompatible DEFAULT NULL, strict_min boolean DEFAULT NULL, strict_max boolean DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_max_to_be_between', jsonb_strip_nulls(jsonb_build_object('column', "column", 'min_value', min_value, 'max_value', max_value, 'strict_min', strict_min, 'strict_max', strict_max)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_max_to_be_between IS 'The maximum is within bounds.';

CREATE FUNCTION vqc.expect_column_quantile_values_to_be_between(target regclass, "column" text, quantile_ranges jsonb, allow_relative_error boolean DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_quantile_values_to_be_between', jsonb_strip_nulls(jsonb_build_object('column', "column", 'quantile_ranges', quantile_ranges, 'allow_relative_error', allow_relative_error)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_quantile_values_to_be_between IS 'Each quantile lies in its value range.';

CREATE FUNCTION vqc.expect_column_unique_value_count_to_be_between(target regclass, "column" text, min_value bigint DEFAULT NULL, max_value bigint DEFAULT NULL, strict_min boolean DEFAULT NULL, strict_max boolean DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_unique_value_count_to_be_between', jsonb_strip_nulls(jsonb_build_object('column', "column", 'min_value', min_value, 'max_value', max_value, 'strict_min', strict_min, 'strict_max', strict_max)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_unique_value_count_to_be_between IS 'The number of distinct values is within bounds.';

CREATE FUNCTION vqc.expect_column_proportion_of_unique_values_to_be_between(target regclass, "column" text, min_value float8 DEFAULT NULL, max_value float8 DEFAULT NULL, strict_min boolean DEFAULT NULL, strict_max boolean DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_proportion_of_unique_values_to_be_between', jsonb_strip_nulls(jsonb_build_object('column', "column", 'min_value', min_value, 'max_value', max_value, 'strict_min', strict_min, 'strict_max', strict_max)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_proportion_of_unique_values_to_be_between IS 'The share of distinct values is within bounds.';

CREATE FUNCTION vqc.expect_column_most_common_value_to_be_in_set(target regclass, "column" text, value_set anyarray, ties_okay boolean DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_most_common_value_to_be_in_set', jsonb_strip_nulls(jsonb_build_object('column', "column", 'value_set', to_jsonb(value_set), 'ties_okay', ties_okay)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_most_common_value_to_be_in_set IS 'The most common value is in value_set.';

CREATE FUNCTION vqc.expect_column_distinct_values_to_be_in_set(target regclass, "column" text, value_set anyarray, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_distinct_values_to_be_in_set', jsonb_strip_nulls(jsonb_build_object('column', "column", 'value_set', to_jsonb(value_set))), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_distinct_values_to_be_in_set IS 'The distinct values are all in value_set.';

CREATE FUNCTION vqc.expect_column_distinct_values_to_contain_set(target regclass, "column" text, value_set anyarray, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_distinct_values_to_contain_set', jsonb_strip_nulls(jsonb_build_object('column', "column", 'value_set', to_jsonb(value_set))), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_distinct_values_to_contain_set IS 'The distinct values contain value_set.';

CREATE FUNCTION vqc.expect_column_distinct_values_to_equal_set(target regclass, "column" text, value_set anyarray, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_distinct_values_to_equal_set', jsonb_strip_nulls(jsonb_build_object('column', "column", 'value_set', to_jsonb(value_set))), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_distinct_values_to_equal_set IS 'The distinct values are exactly value_set.';

CREATE FUNCTION vqc.expect_column_drift_to_be_less_than(target regclass, "column" text, baseline text, method text DEFAULT NULL, threshold float8 DEFAULT NULL, options jsonb DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_drift_to_be_less_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'baseline', baseline, 'method', method, 'threshold', threshold, 'options', options)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_drift_to_be_less_than IS 'The drift against a stored baseline stays under the threshold.';

CREATE FUNCTION vqc.expect_column_kl_divergence_to_be_less_than(target regclass, "column" text, partition_object jsonb, threshold float8 DEFAULT NULL, internal_weight_holdout float8 DEFAULT NULL, tail_weight_holdout float8 DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_kl_divergence_to_be_less_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'partition_object', partition_object, 'threshold', threshold, 'internal_weight_holdout', internal_weight_holdout, 'tail_weight_holdout', tail_weight_holdout)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_kl_divergence_to_be_less_than IS 'KL(observed || expected partition) is at most threshold.';

CREATE FUNCTION vqc.expect_column_values_to_match_like_pattern(target regclass, "column" text, like_pattern text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_match_like_pattern', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern', like_pattern, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_like_pattern IS 'Values match the SQL LIKE pattern.';

CREATE FUNCTION vqc.expect_column_values_to_not_match_like_pattern(target regclass, "column" text, like_pattern text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_not_match_like_pattern', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern', like_pattern, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_not_match_like_pattern IS 'Values do not match the SQL LIKE pattern.';

CREATE FUNCTION vqc.expect_column_values_to_match_like_pattern_list(target regclass, "column" text, like_pattern_list text[], match_on text DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_match_like_pattern_list', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern_list', like_pattern_list, 'match_on', match_on, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_like_pattern_list IS 'Values match any (or all) of the SQL LIKE patterns.';

CREATE FUNCTION vqc.expect_column_values_to_not_match_like_pattern_list(target regclass, "column" text, like_pattern_list text[], mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_not_match_like_pattern_list', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern_list', like_pattern_list, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_not_match_like_pattern_list IS 'Values match none of the SQL LIKE patterns.';

CREATE FUNCTION vqc.expect_column_pair_values_a_to_be_greater_than_b(target regclass, column_a text, column_b text, or_equal boolean DEFAULT NULL, ignore_row_if text DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_pair_values_a_to_be_greater_than_b', jsonb_strip_nulls(jsonb_build_object('column_A', column_a, 'column_B', column_b, 'or_equal', or_equal, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_pair_values_a_to_be_greater_than_b IS 'column_A is greater than (or equal to) column_B in each row.';

CREATE FUNCTION vqc.expect_column_pair_values_to_be_equal(target regclass, column_a text, column_b text, ignore_row_if text DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_pair_values_to_be_equal', jsonb_strip_nulls(jsonb_build_object('column_A', column_a, 'column_B', column_b, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_pair_values_to_be_equal IS 'column_A equals column_B in each row.';

CREATE FUNCTION vqc.expect_column_pair_values_to_be_in_set(target regclass, column_a text, column_b text, value_pairs_set jsonb, ignore_row_if text DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_pair_values_to_be_in_set', jsonb_strip_nulls(jsonb_build_object('column_A', column_a, 'column_B', column_b, 'value_pairs_set', value_pairs_set, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_pair_values_to_be_in_set IS 'Each row''s (column_A, column_B) is one of value_pairs_set.';

CREATE FUNCTION vqc.expect_compound_columns_to_be_unique(target regclass, column_list text[], ignore_row_if text DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_compound_columns_to_be_unique', jsonb_strip_nulls(jsonb_build_object('column_list', column_list, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_compound_columns_to_be_unique IS 'Each combination of the columns'' values occurs once.';

CREATE FUNCTION vqc.expect_multicolumn_sum_to_equal(target regclass, column_list text[], sum_total numeric, ignore_row_if text DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_multicolumn_sum_to_equal', jsonb_strip_nulls(jsonb_build_object('column_list', column_list, 'sum_total', sum_total, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_multicolumn_sum_to_equal IS 'The columns sum to sum_total in each row.';

CREATE FUNCTION vqc.expect_select_column_values_to_be_unique_within_record(target regclass, column_list text[], ignore_row_if text DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_select_column_values_to_be_unique_within_record', jsonb_strip_nulls(jsonb_build_object('column_list', column_list, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_select_column_values_to_be_unique_within_record IS 'The columns'' values differ within each row.';

CREATE FUNCTION vqc.expect_column_value_z_scores_to_be_less_than(target regclass, "column" text, threshold float8, double_sided boolean DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_value_z_scores_to_be_less_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'threshold', threshold, 'double_sided', double_sided, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_value_z_scores_to_be_less_than IS 'Each value''s z-score is below threshold.';

CREATE FUNCTION vqc.expect_column_values_to_be_in_other_table(target regclass, "column" text, other_table regclass, other_column text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_in_other_table', jsonb_strip_nulls(jsonb_build_object('column', "column", 'other_table', other_table::text, 'other_column', other_column, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_in_other_table IS 'Every value occurs in other_table.other_column.';

CREATE FUNCTION vqc.expect_table_row_count_to_equal_other_table(target regclass, other_table_name regclass, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_table_row_count_to_equal_other_table', jsonb_strip_nulls(jsonb_build_object('other_table_name', other_table_name::text)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_table_row_count_to_equal_other_table IS 'The table has as many rows as other_table_name.';

CREATE FUNCTION vqc.expect_table_row_count_to_be_within_other_table_by(target regclass, other_table_name regclass, tolerance float8, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_table_row_count_to_be_within_other_table_by', jsonb_strip_nulls(jsonb_build_object('other_table_name', other_table_name::text, 'tolerance', tolerance)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_table_row_count_to_be_within_other_table_by IS 'The row count is within a relative tolerance of other_table_name''s.';

CREATE FUNCTION vqc.unexpected_rows_expectation(target regclass, unexpected_rows_query text, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'unexpected_rows_expectation', jsonb_strip_nulls(jsonb_build_object('unexpected_rows_query', unexpected_rows_query)), result_format) $$;
COMMENT ON FUNCTION vqc.unexpected_rows_expectation IS 'The query ({batch} stands for the table) returns no rows.';

CREATE FUNCTION vqc.expect_column_values_to_be_increasing(target regclass, "column" text, strictly boolean DEFAULT NULL, parse_strings_as_datetimes boolean DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_increasing', jsonb_strip_nulls(jsonb_build_object('column', "column", 'strictly', strictly, 'parse_strings_as_datetimes', parse_strings_as_datetimes, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_increasing IS 'Each value is at least (above, with strictly) the previous one in row order.';

CREATE FUNCTION vqc.expect_column_values_to_be_decreasing(target regclass, "column" text, strictly boolean DEFAULT NULL, parse_strings_as_datetimes boolean DEFAULT NULL, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_decreasing', jsonb_strip_nulls(jsonb_build_object('column', "column", 'strictly', strictly, 'parse_strings_as_datetimes', parse_strings_as_datetimes, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_decreasing IS 'Each value is at most (below, with strictly) the previous one in row order.';

CREATE FUNCTION vqc.expect_column_values_to_be_json_parseable(target regclass, "column" text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_json_parseable', jsonb_strip_nulls(jsonb_build_object('column', "column", 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_json_parseable IS 'Values are JSON documents.';

CREATE FUNCTION vqc.expect_column_values_to_match_json_schema(target regclass, "column" text, json_schema jsonb, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_match_json_schema', jsonb_strip_nulls(jsonb_build_object('column', "column", 'json_schema', json_schema, 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_json_schema IS 'Values are JSON documents that meet json_schema.';

CREATE FUNCTION vqc.expect_column_values_to_be_dateutil_parseable(target regclass, "column" text, mostly numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_values_to_be_dateutil_parseable', jsonb_strip_nulls(jsonb_build_object('column', "column", 'mostly', mostly)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_dateutil_parseable IS 'Values are dates, date-times or times of day.';

CREATE FUNCTION vqc.expect_column_parameterized_distribution_ks_test_p_value(target regclass, "column" text, distribution text, params jsonb DEFAULT NULL, p_value float8 DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'distribution', distribution, 'params', params, 'p_value', p_value)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_parameterized_distribution_ks_test_p_value IS 'The KS test against the named distribution has a p-value above p_value.';

CREATE FUNCTION vqc.expect_column_bootstrapped_ks_test_p_value_to_be_greater_than(target regclass, "column" text, partition_object jsonb, p float8 DEFAULT NULL, bootstrap_samples integer DEFAULT NULL, bootstrap_sample_size integer DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_bootstrapped_ks_test_p_value_to_be_greater_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'partition_object', partition_object, 'p', p, 'bootstrap_samples', bootstrap_samples, 'bootstrap_sample_size', bootstrap_sample_size)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_bootstrapped_ks_test_p_value_to_be_greater_than IS 'The share of bootstrap samples whose KS test against the partition passes is above p.';

CREATE FUNCTION vqc.expect_column_chisquare_test_p_value_to_be_greater_than(target regclass, "column" text, partition_object jsonb, p float8 DEFAULT NULL, tail_weight_holdout float8 DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_column_chisquare_test_p_value_to_be_greater_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'partition_object', partition_object, 'p', p, 'tail_weight_holdout', tail_weight_holdout)), result_format) $$;
COMMENT ON FUNCTION vqc.expect_column_chisquare_test_p_value_to_be_greater_than IS 'The chi-square test of the value counts against partition_object has a p-value above p.';
-- suggest.sql: a Great Expectations suite proposed from one profile pass.

-- Rules (each suggestion carries its reason in meta):
--   table       row count at least half the rows seen; the columns, in order
--   completeness a column without NULLs must stay so; with few NULLs, `mostly`
--               the observed non-null share rounded down to 2 decimals
--   numbers     values within the observed [min, max]; non-negative when min >= 0
--   categories  text or boolean with at most 20 distinct values, all known
--               exactly: values in that set
--   uniqueness  every non-null value distinct, exactly: an exact profile
--               counts them; on sketches, columns whose HyperLogLog estimate
--               comes near it are checked by vqc._unique_columns (one more scan)
--   text        character lengths within the observed bounds

-- Which of columns hold only distinct non-null values, exactly.  A unique
-- index says so without reading; the other columns share one hash_set screen
-- (the runner's uniqueness check): no repeated word proves them distinct;
-- integers are their own words, so a repeat is a repeated value; other
-- types' repeated words are settled by reading just the rows with those
-- words; a screen that outgrew vqc.exact_memory_limit gives a GROUP BY pass.
CREATE FUNCTION vqc._unique_columns(target regclass, columns text[])
RETURNS text[]
LANGUAGE plpgsql
AS $$
DECLARE
    screened text[];
    repeats  text[];
    words    bigint[];
    out      text[];
    col      text;
    distinct_values boolean;
BEGIN
    SELECT coalesce(array_agg(c ORDER BY o) FILTER (WHERE vqc._has_unique_index(target, c)), '{}'),
           array_agg(c ORDER BY o) FILTER (WHERE NOT vqc._has_unique_index(target, c))
      INTO out, screened
      FROM unnest(columns) WITH ORDINALITY AS x(c, o);
    IF screened IS NULL THEN
        RETURN out;
    END IF;
    EXECUTE format('SELECT ARRAY[%s]::pg_catalog.text[] FROM %s',
                   (SELECT string_agg(format('vqc.hash_set_duplicates(vqc.hash_set_agg(%I), 100000)::pg_catalog.text', c),
                                      ', ' ORDER BY o)
                      FROM unnest(screened) WITH ORDINALITY AS x(c, o)),
                   target)
        INTO repeats;
    FOR i IN 1 .. cardinality(screened) LOOP
        col := screened[i];
        words := repeats[i]::bigint[];
        IF words = '{}' THEN
            distinct_values := true;
        ELSIF words IS NOT NULL AND (SELECT vqc._base_type(a.atttypid::regtype)
                                       FROM pg_attribute a WHERE a.attrelid = target AND a.attname = col)
                                    IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
            distinct_values := false;
        ELSIF words IS NOT NULL THEN
            -- SELECT 1, not SELECT: Citus reads such a subquery of a
            -- distributed table through an intermediate result, which
            -- needs a column
            EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %2$s WHERE vqc.hash_value(%1$I) OPERATOR(pg_catalog.=) ANY ($1) '
                           'GROUP BY %1$I HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)', col, target)
                INTO distinct_values
                USING ARRAY(SELECT words[j][1] FROM generate_subscripts(words, 1) AS j);
        ELSE
            EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %2$s WHERE %1$I IS NOT NULL '
                           'GROUP BY %1$I HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)', col, target)
                INTO distinct_values;
        END IF;
        IF distinct_values THEN
            out := out || col;
        END IF;
    END LOOP;
    RETURN out;
END
$$;

CREATE FUNCTION vqc.suggest_expectations(target regclass)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    scan     record;
    names    text[];
    types    text[];
    out      jsonb := '[]';
    i        integer;
    p        vqc.profile;
    nrows    bigint;
    nnull    bigint;
    nonnull  bigint;
    nd       float8;
    exact    boolean;
    cat      "char";
    lens     jsonb;
    lo       numeric;
    hi       numeric;
    set_vals jsonb;
    col      text;
    uniq     text[];
BEGIN
    IF target IS NULL THEN
        RAISE EXCEPTION 'target must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT array_agg(a.attname::text ORDER BY a.attnum), array_agg(format_type(a.atttypid, NULL) ORDER BY a.attnum)
      INTO names, types
      FROM pg_attribute a
     WHERE a.attrelid = target AND a.attnum > 0 AND NOT a.attisdropped AND vqc._profiles_type(a.atttypid);

    out := out || jsonb_build_array(jsonb_build_object(
        'type', 'expect_table_columns_to_match_ordered_list',
        'kwargs', jsonb_build_object('column_list', to_jsonb(vqc._table_columns(target))),
        'meta', jsonb_build_object('reason', 'the table''s columns, in order')));

    -- one scan: a profile per column
    scan := vqc._profile_scan(target, names);
    nrows := scan.rows_scanned;

    out := out || jsonb_build_array(jsonb_build_object(
        'type', 'expect_table_row_count_to_be_between',
        'kwargs', jsonb_build_object('min_value', nrows / 2),
        'meta', jsonb_build_object('reason', format('%s rows seen; fewer than half would be suspicious', nrows))));

    -- uniqueness: sketches only estimate the distinct count, so the columns
    -- that may be unique (estimate within 5 % of the count: HyperLogLog's
    -- error is under 1 %) are checked exactly, together
    uniq := vqc._unique_columns(target, ARRAY(
        SELECT c FROM unnest(names, types) AS x(c, t),
               LATERAL (SELECT (scan.profiles ->> c)::vqc.profile AS p) pp
         WHERE NOT vqc.is_exact(pp.p)
           AND (SELECT typcategory FROM pg_type WHERE oid = t::regtype) <> 'B'
           AND nrows - vqc.null_count(pp.p) >= 2
           AND vqc.ndistinct(pp.p) >= 0.95 * (nrows - vqc.null_count(pp.p))));

    FOR i IN 1 .. coalesce(cardinality(names), 0) LOOP
        col := names[i];
        p := (scan.profiles ->> col)::vqc.profile;
        nnull := vqc.null_count(p);
        nonnull := nrows - nnull;
        exact := vqc.is_exact(p);
        nd := vqc.ndistinct(p);
        SELECT typcategory INTO cat FROM pg_type WHERE oid = types[i]::regtype;

        -- completeness
        IF nrows > 0 AND nnull = 0 THEN
            out := out || jsonb_build_array(jsonb_build_object(
                'type', 'expect_column_values_to_not_be_null',
                'kwargs', jsonb_build_object('column', col),
                'meta', jsonb_build_object('reason', 'no NULLs seen')));
        ELSIF nrows > 0 AND nonnull::float8 / nrows >= 0.5 THEN
            out := out || jsonb_build_array(jsonb_build_object(
                'type', 'expect_column_values_to_not_be_null',
                'kwargs', jsonb_build_object('column', col, 'mostly', (floor(nonnull::numeric / nrows * 100) / 100)::numeric(3,2)),
                'meta', jsonb_build_object('reason', format('%s%% of values are not NULL', round(nonnull::numeric / nrows * 100, 2)))));
        END IF;
        CONTINUE WHEN nonnull = 0;

        -- ranges and signs of numbers (finite ones: JSON has no infinity)
        IF cat = 'N' AND vqc.min_value(p) ~ '^-?[0-9]' AND vqc.max_value(p) ~ '^-?[0-9]' THEN
            lo := (vqc.min_value(p))::numeric;
            hi := (vqc.max_value(p))::numeric;
            out := out || jsonb_build_array(jsonb_build_object(
                'type', 'expect_column_values_to_be_between',
                'kwargs', jsonb_build_object('column', col, 'min_value', lo, 'max_value', hi),
                'meta', jsonb_build_object('reason', 'the observed range')));
            IF lo >= 0 THEN
                out := out || jsonb_build_array(jsonb_build_object(
                    'type', 'expect_column_min_to_be_between',
                    'kwargs', jsonb_build_object('column', col, 'min_value', 0),
                    'meta', jsonb_build_object('reason', 'no negative number seen')));
            END IF;
        END IF;

        -- categories: few distinct values, all known exactly
        IF cat IN ('S', 'B') AND nd <= 20 AND nonnull >= 2 * nd
           AND (exact OR NOT EXISTS (SELECT 1 FROM vqc.top_values(p, 64) t WHERE t.error_bound > 0)) THEN
            SELECT jsonb_agg(vqc._sample_json(t.value, cat, false) ORDER BY t.value) INTO set_vals
              FROM vqc.top_values(p, 64) t;
            IF jsonb_array_length(set_vals) = nd THEN
                out := out || jsonb_build_array(jsonb_build_object(
                    'type', 'expect_column_values_to_be_in_set',
                    'kwargs', jsonb_build_object('column', col, 'value_set', set_vals),
                    'meta', jsonb_build_object('reason', format('%s distinct values', nd))));
            END IF;
        END IF;

        -- uniqueness
        IF nonnull >= 2 AND cat <> 'B' AND ((exact AND nd = nonnull) OR col = ANY (uniq)) THEN
            out := out || jsonb_build_array(jsonb_build_object(
                'type', 'expect_column_values_to_be_unique',
                'kwargs', jsonb_build_object('column', col),
                'meta', jsonb_build_object('reason',
                    CASE WHEN exact THEN 'every value distinct'
                         ELSE 'every value distinct (checked exactly)' END)));
        END IF;

        -- text lengths
        IF cat = 'S' THEN
            lens := vqc.profile_to_jsonb(p) -> 'length';
            out := out || jsonb_build_array(jsonb_build_object(
                'type', 'expect_column_value_lengths_to_be_between',
                'kwargs', jsonb_build_object('column', col, 'min_value', lens -> 'min', 'max_value', lens -> 'max'),
                'meta', jsonb_build_object('reason', 'the observed lengths')));
        END IF;
    END LOOP;

    RETURN jsonb_build_object(
        'name', format('%s_suggested', (SELECT relname FROM pg_class WHERE oid = target)),
        'expectations', out,
        'meta', jsonb_build_object('vqc_target', target::text, 'rows_profiled', nrows,
                                   'note', 'From a profile pass and exact checks: review these before vqc.add_expectations().'));
END
$$;
COMMENT ON FUNCTION vqc.suggest_expectations(regclass) IS
    'A Great Expectations suite proposed from one profile pass over the table (completeness, ranges, categories, exact uniqueness, lengths), for review.';
-- baseline.sql: stored baseline profiles, drift reports against them, and
-- the drift expectation that suites evaluate in their single scan.

CREATE TABLE vqc.baseline (
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    label          text NOT NULL CHECK (label <> ''),
    column_name    text NOT NULL,
    column_type    text NOT NULL,
    profile        vqc.profile NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     regrole NOT NULL,
    target         regclass NOT NULL,
    PRIMARY KEY (target, label, column_name)
);
COMMENT ON TABLE vqc.baseline IS
    'Baseline column profiles under a label; drift is measured against them without re-reading the baseline data.';
COMMENT ON COLUMN vqc.baseline.created_by IS
    'The baseline''s owner: only its members replace or drop it.';
SELECT pg_catalog.pg_extension_config_dump('vqc.baseline', '');
-- A profile holds row values: only roles for which may_read_values() holds
-- see a baseline; only vqc.set_baseline / drop_baseline write the table.
ALTER TABLE vqc.baseline ENABLE ROW LEVEL SECURITY;
CREATE POLICY baseline_readers ON vqc.baseline FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
GRANT SELECT ON vqc.baseline TO PUBLIC;

CREATE TABLE vqc_report.drift_run (
    drift_run_id     bigserial PRIMARY KEY,
    target_schema    name NOT NULL,
    target_table     name NOT NULL,
    baseline_label   text NOT NULL,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz NOT NULL,
    rows_scanned     bigint,
    columns          integer NOT NULL,
    drifted_columns  integer NOT NULL,
    drift_share      double precision,
    share_threshold  double precision NOT NULL,
    dataset_drifted  boolean NOT NULL,
    run_by           name NOT NULL,
    target           regclass,
    baseline_schema  name,
    baseline_table   name,
    baseline_target  regclass
);
COMMENT ON TABLE vqc_report.drift_run IS 'One row per vqc.drift_report(): the dataset verdict.';
COMMENT ON COLUMN vqc_report.drift_run.baseline_target IS
    'The table whose baseline was compared (baseline_schema.baseline_table when taken): the checked table, or the option baseline_table''s (reports made before 0.5.0: NULL).';

CREATE TABLE vqc_report.drift_result (
    drift_run_id   bigint NOT NULL REFERENCES vqc_report.drift_run ON DELETE CASCADE,
    column_name    text NOT NULL,
    method         text,
    score          double precision,
    p_value        double precision,
    threshold      double precision,
    drifted        boolean,
    exact          boolean,
    error_message  text,
    PRIMARY KEY (drift_run_id, column_name)
);
COMMENT ON TABLE vqc_report.drift_result IS 'Per-column drift of each drift report: scores and verdicts (details in drift_detail).';

-- vqc.drift()'s whole answer: its details hold values of the table (bin
-- edges, frequent values), so only the table's readers see them.
CREATE TABLE vqc_report.drift_detail (
    drift_run_id   bigint NOT NULL,
    column_name    text NOT NULL,
    target         regclass NOT NULL,
    target_schema  name NOT NULL,
    target_table   name NOT NULL,
    result         jsonb,
    baseline_profile vqc.profile,
    current_profile  vqc.profile,
    PRIMARY KEY (drift_run_id, column_name),
    FOREIGN KEY (drift_run_id, column_name) REFERENCES vqc_report.drift_result ON DELETE CASCADE
);
COMMENT ON TABLE vqc_report.drift_detail IS
    'vqc.drift()''s full answer per column of a drift report; visible only where vqc_report.may_read_values() holds.';
COMMENT ON COLUMN vqc_report.drift_detail.current_profile IS
    'The column''s profile the report compared with baseline_profile (reports made before 0.3.0: NULL).';
ALTER TABLE vqc_report.drift_detail ENABLE ROW LEVEL SECURITY;
CREATE POLICY drift_detail_readers ON vqc_report.drift_detail FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_run', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_run_drift_run_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_result', '');
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_detail', '');

-- Profiles of the given columns of target in one scan: {column: profile text}.
CREATE FUNCTION vqc._profile_scan(target regclass, columns text[], OUT profiles jsonb, OUT rows_scanned bigint)
LANGUAGE plpgsql
AS $$
DECLARE
    arr text[];
BEGIN
    profiles := '{}';
    IF columns IS NULL OR cardinality(columns) = 0 THEN
        EXECUTE format('SELECT pg_catalog.count(*) FROM %s', target) INTO rows_scanned;
        RETURN;
    END IF;
    EXECUTE format('SELECT pg_catalog.count(*), ARRAY[%s]::pg_catalog.text[] FROM %s',
                   (SELECT string_agg(format('vqc.profile_agg(%I)::pg_catalog.text', c), ', ' ORDER BY o)
                      FROM unnest(columns) WITH ORDINALITY AS x(c, o)),
                   target)
        INTO rows_scanned, arr;
    SELECT jsonb_object_agg(c, arr[o]) INTO profiles FROM unnest(columns) WITH ORDINALITY AS x(c, o);
END
$$;

-- Stores the profiles of columns (default: every column a profile supports)
-- under label, replacing a baseline of that label.  One scan, as the caller
-- (vqc_with_caller: see suites.sql); the caller must own a baseline it replaces.
CREATE FUNCTION vqc.set_baseline(target regclass, label text, columns text[] DEFAULT NULL)
RETURNS integer
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.set_baseline(regclass, text, text[]) IS
    'Stores the profiles of the table''s columns (default: all that a profile supports) under a label, in one scan.';

CREATE FUNCTION vqc._set_baseline_check(target regclass, label text, columns text[])
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    cols text[];
    scan record;
BEGIN
    IF target IS NULL OR label IS NULL OR label = '' THEN
        RAISE EXCEPTION 'target and label must not be null or empty' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM vqc._require_select(target);
    SELECT array_agg(column_name) INTO cols
      FROM vqc._profile_columns(target, coalesce(columns, '{*}'));
    IF cols IS NULL THEN
        RAISE EXCEPTION 'table % has no column a profile supports', target USING ERRCODE = 'datatype_mismatch';
    END IF;
    scan := vqc._profile_scan(target, cols);
    RETURN scan.profiles;
END
$$;

CREATE FUNCTION vqc._set_baseline_write(caller regrole, profiles jsonb, target regclass, label text, columns text[])
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    owner regrole;
    n     integer;
BEGIN
    PERFORM vqc._require_select(target, caller);
    SELECT b.created_by INTO owner FROM vqc.baseline b
     WHERE b.target = _set_baseline_write.target AND b.label = _set_baseline_write.label LIMIT 1;
    IF owner IS NOT NULL AND NOT coalesce(pg_has_role(caller, owner, 'MEMBER'), false) THEN
        RAISE EXCEPTION 'baseline "%" of table % belongs to role %', label, target, owner
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Choose another label, or ask its owner to drop it.';
    END IF;
    DELETE FROM vqc.baseline b WHERE b.target = _set_baseline_write.target AND b.label = _set_baseline_write.label;
    INSERT INTO vqc.baseline (target_schema, target_table, label, column_name, column_type, profile,
                              created_by, target)
    SELECT n.nspname, c.relname, _set_baseline_write.label, p.key, format_type(a.atttypid, NULL),
           (p.value #>> '{}')::vqc.profile, caller, c.oid
      FROM jsonb_each(profiles) p
      JOIN pg_class c ON c.oid = _set_baseline_write.target
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = p.key;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

CREATE FUNCTION vqc.drop_baseline(target regclass, label text)
RETURNS integer
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.drop_baseline(regclass, text) IS
    'Removes a baseline you own; returns the number of column profiles removed.';

CREATE FUNCTION vqc._drop_baseline_write(caller regrole, target regclass, label text)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    n integer;
BEGIN
    IF EXISTS (SELECT 1 FROM vqc.baseline b
                WHERE b.target = _drop_baseline_write.target AND b.label = _drop_baseline_write.label
                  AND NOT coalesce(pg_has_role(caller, b.created_by, 'MEMBER'), false)) THEN
        RAISE EXCEPTION 'must be a member of the owner of baseline "%" of table % to drop it', label, target
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM vqc.baseline b
     WHERE b.target = _drop_baseline_write.target AND b.label = _drop_baseline_write.label;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- The baseline profile of one column, or an error naming what is missing.
CREATE FUNCTION vqc._baseline_profile(target regclass, label text, colname text)
RETURNS vqc.profile
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    p vqc.profile;
BEGIN
    SELECT b.profile INTO p
      FROM vqc.baseline b
     WHERE b.target = _baseline_profile.target AND b.label = _baseline_profile.label AND b.column_name = colname;
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM vqc.baseline b
                        WHERE b.target = _baseline_profile.target AND b.label = _baseline_profile.label) THEN
            RAISE EXCEPTION 'baseline "%" of table % does not exist', label, target
                USING ERRCODE = 'undefined_object',
                      HINT = 'Store one with vqc.set_baseline().';
        END IF;
        RAISE EXCEPTION 'baseline "%" of table % has no profile of column "%"', label, target, colname
            USING ERRCODE = 'undefined_object';
    END IF;
    RETURN p;
END
$$;

-- Drift of every baselined column, from one scan of the current table;
-- recorded in vqc_report.drift_run / drift_result / drift_detail.  The
-- dataset drifts when the share of drifted columns reaches drift_share.
CREATE FUNCTION vqc.drift_report(target regclass, label text, method text DEFAULT 'auto',
                                 options jsonb DEFAULT '{}', drift_share double precision DEFAULT 0.5)
RETURNS TABLE (drift_run_id bigint, column_name text, method_used text, score double precision,
               p_value double precision, threshold double precision, drifted boolean, exact boolean,
               error_message text)
LANGUAGE plpgsql
AS $$
DECLARE
    done jsonb := vqc._record_drift_report(target, label, method, options, drift_share);
BEGIN
    RETURN QUERY
    SELECT (done ->> 'drift_run_id')::bigint, x ->> 'column', x -> 'drift' ->> 'method',
           (x -> 'drift' ->> 'score')::float8, (x -> 'drift' ->> 'p_value')::float8,
           (x -> 'drift' ->> 'threshold')::float8, (x -> 'drift' ->> 'drifted')::boolean,
           (x -> 'drift' ->> 'exact')::boolean, x ->> 'error'
      FROM jsonb_array_elements(done -> 'results') x
     ORDER BY x ->> 'column';
END
$$;
COMMENT ON FUNCTION vqc.drift_report(regclass, text, text, jsonb, double precision) IS
    'Drift of every baselined column from one scan of the table, recorded in vqc_report.drift_run / drift_result with the dataset verdict.';

-- The drift report, computed as the caller and recorded by the extension's
-- owner (vqc_with_caller: see suites.sql); returns {drift_run_id, results}.
CREATE FUNCTION vqc._record_drift_report(target regclass, label text, method text, options jsonb,
                                         drift_share double precision)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;

CREATE FUNCTION vqc._record_drift_report_check(target regclass, label text, method text, options jsonb,
                                               drift_share double precision)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    started timestamptz := clock_timestamp();
    base_of regclass := target;   -- the table whose baseline is compared
    base    record;
    cols    text[];
    scan    record;
    d       jsonb;
    msg     text;
    results jsonb := '[]';
BEGIN
    IF target IS NULL OR label IS NULL THEN
        RAISE EXCEPTION 'target and label must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF drift_share IS NULL OR drift_share <= 0 OR drift_share > 1 THEN
        RAISE EXCEPTION 'drift_share must be in (0, 1]' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- a baseline of another table with the same columns (the training table
    -- for the serving log, last month's partition for this month's)
    IF options ? 'baseline_table' THEN
        IF jsonb_typeof(options -> 'baseline_table') <> 'string' THEN
            RAISE EXCEPTION 'option baseline_table must be a table name' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- schema-qualified, or in the checked table's schema (never through
        -- search_path, which is pinned)
        base_of := CASE WHEN strpos(options ->> 'baseline_table', '.') > 0
                        THEN pg_catalog.to_regclass(options ->> 'baseline_table')
                        ELSE pg_catalog.to_regclass(format('%I.%I', (SELECT n.nspname FROM pg_class c
                                                                       JOIN pg_namespace n ON n.oid = c.relnamespace
                                                                      WHERE c.oid = target),
                                                           options ->> 'baseline_table')) END;
        IF base_of IS NULL THEN
            RAISE EXCEPTION 'baseline table % does not exist', options ->> 'baseline_table' USING ERRCODE = 'undefined_table';
        END IF;
        options := options - 'baseline_table';
    END IF;
    -- the baselines the caller may read (row-level security on vqc.baseline)
    IF NOT EXISTS (SELECT 1 FROM vqc.baseline b WHERE b.target = base_of
                                                 AND b.label = _record_drift_report_check.label) THEN
        RAISE EXCEPTION 'baseline "%" of table % does not exist', label, base_of
            USING ERRCODE = 'undefined_object',
                  HINT = 'Store one with vqc.set_baseline(), or name the baselined table with the option baseline_table.';
    END IF;
    -- baselined columns that exist in the checked table with a type a profile supports
    SELECT array_agg(b.column_name ORDER BY a.attnum) INTO cols
      FROM vqc.baseline b
      JOIN pg_attribute a ON a.attrelid = _record_drift_report_check.target AND a.attname = b.column_name AND NOT a.attisdropped
     WHERE b.target = base_of AND b.label = _record_drift_report_check.label
       AND vqc._profiles_type(a.atttypid);
    scan := vqc._profile_scan(target, cols);

    FOR base IN SELECT b.column_name, b.profile FROM vqc.baseline b
                 WHERE b.target = base_of AND b.label = _record_drift_report_check.label
                 ORDER BY b.column_name LOOP
        d := NULL;
        msg := NULL;
        IF NOT scan.profiles ? base.column_name THEN
            msg := format('column "%s" is no longer in the table (or its type changed)', base.column_name);
        ELSE
            BEGIN
                d := vqc.drift(base.profile, (scan.profiles ->> base.column_name)::vqc.profile, method, options);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
            END;
        END IF;
        results := results || jsonb_build_array(jsonb_build_object('column', base.column_name, 'drift', d, 'error', msg,
                                                                   'baseline_profile', base.profile::text,
                                                                   'current_profile', scan.profiles ->> base.column_name));
    END LOOP;
    RETURN jsonb_build_object('started', started, 'finished', clock_timestamp(),
                              'rows', scan.rows_scanned, 'results', results, 'baseline_of', base_of::oid);
END
$$;

CREATE FUNCTION vqc._record_drift_report_write(caller regrole, computed jsonb, target regclass, label text,
                                               method text, options jsonb, drift_share double precision)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    rid bigint;
BEGIN
    PERFORM vqc._require_select(target, caller);
    INSERT INTO vqc_report.drift_run AS r (target_schema, target_table, baseline_label, started_at, finished_at,
                                          rows_scanned, columns, drifted_columns, drift_share, share_threshold,
                                          dataset_drifted, run_by, target, baseline_schema, baseline_table,
                                          baseline_target)
    SELECT n.nspname, c.relname, label, (computed ->> 'started')::timestamptz, (computed ->> 'finished')::timestamptz,
           (computed ->> 'rows')::bigint, x.columns, x.drifted, x.drifted::float8 / nullif(x.columns, 0),
           drift_share, coalesce(x.drifted::float8 / nullif(x.columns, 0) >= drift_share, false),
           caller::text, c.oid, bn.nspname, bc.relname, bc.oid
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      -- the baselined table, as the check resolved it (this table by default)
      LEFT JOIN pg_class bc ON bc.oid = coalesce((computed ->> 'baseline_of')::oid, c.oid)
      LEFT JOIN pg_namespace bn ON bn.oid = bc.relnamespace,
           LATERAL (SELECT count(*)::integer AS columns,
                           (count(*) FILTER (WHERE (e -> 'drift' ->> 'drifted')::boolean))::integer AS drifted
                      FROM jsonb_array_elements(computed -> 'results') e) x
     WHERE c.oid = target
    RETURNING r.drift_run_id INTO rid;

    INSERT INTO vqc_report.drift_result (drift_run_id, column_name, method, score, p_value, threshold,
                                         drifted, exact, error_message)
    SELECT rid, x ->> 'column', x -> 'drift' ->> 'method', (x -> 'drift' ->> 'score')::float8,
           (x -> 'drift' ->> 'p_value')::float8, (x -> 'drift' ->> 'threshold')::float8,
           (x -> 'drift' ->> 'drifted')::boolean, (x -> 'drift' ->> 'exact')::boolean, x ->> 'error'
      FROM jsonb_array_elements(computed -> 'results') x;

    INSERT INTO vqc_report.drift_detail (drift_run_id, column_name, target, target_schema, target_table, result,
                                         baseline_profile, current_profile)
    SELECT rid, x ->> 'column', r.target, r.target_schema, r.target_table, x -> 'drift',
           (x ->> 'baseline_profile')::vqc.profile, (x ->> 'current_profile')::vqc.profile
      FROM vqc_report.drift_run r, jsonb_array_elements(computed -> 'results') x
     WHERE r.drift_run_id = rid;

    RETURN jsonb_build_object('drift_run_id', rid,
                              'results', (SELECT jsonb_agg(x - '{baseline_profile,current_profile}'::text[] ORDER BY o)
                                            FROM jsonb_array_elements(computed -> 'results') WITH ORDINALITY e(x, o)));
END
$$;

-- Drift between two time windows of one table, without copying rows: the
-- profiles of the rows whose time_column falls in [baseline_from,
-- baseline_to) and in [current_from, current_to), taken in one scan as the
-- caller, compared with vqc.drift.  Not recorded (a report of windows has no
-- stored baseline); columns default to every column a profile supports but
-- the time column.
CREATE FUNCTION vqc.drift_windows(target regclass, time_column text,
                                  baseline_from timestamptz, baseline_to timestamptz,
                                  current_from timestamptz, current_to timestamptz,
                                  columns text[] DEFAULT NULL, method text DEFAULT 'auto', options jsonb DEFAULT '{}')
RETURNS TABLE (column_name text, method_used text, score double precision, p_value double precision,
               threshold double precision, drifted boolean, exact boolean, baseline_rows bigint, current_rows bigint)
LANGUAGE plpgsql
AS $$
DECLARE
    tc    record;
    cols  text[];
    arr   text[];
    nb    bigint;
    nc    bigint;
    i     integer;
    d     jsonb;
BEGIN
    IF target IS NULL OR time_column IS NULL OR baseline_from IS NULL OR baseline_to IS NULL
       OR current_from IS NULL OR current_to IS NULL THEN
        RAISE EXCEPTION 'vqc.drift_windows arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM vqc._require_select(target, current_user::regrole);
    SELECT * INTO tc FROM vqc._column(target, time_column);
    IF vqc._base_type(tc.type_sql::regtype) NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
        RAISE EXCEPTION 'time column "%" is of type %, not a date or timestamp', time_column, tc.type_sql
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO cols
      FROM pg_attribute a
     WHERE a.attrelid = target AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> tc.attname
       AND vqc._profiles_type(a.atttypid)
       AND (columns IS NULL OR a.attname::text = ANY (columns));
    IF columns IS NOT NULL AND coalesce(cardinality(cols), 0) <> cardinality(columns) THEN
        RAISE EXCEPTION 'a column of % is not in table % or has a type a profile does not support', columns, target
            USING ERRCODE = 'undefined_column';
    END IF;
    EXECUTE format('SELECT pg_catalog.count(*) FILTER (WHERE w = 1), pg_catalog.count(*) FILTER (WHERE w = 2), ARRAY[%s]::pg_catalog.text[] '
                   'FROM (SELECT *, CASE WHEN %2$I::pg_catalog.timestamptz OPERATOR(pg_catalog.>=) $1 AND %2$I::pg_catalog.timestamptz OPERATOR(pg_catalog.<) $2 THEN 1 '
                   'WHEN %2$I::pg_catalog.timestamptz OPERATOR(pg_catalog.>=) $3 AND %2$I::pg_catalog.timestamptz OPERATOR(pg_catalog.<) $4 THEN 2 END AS w FROM %3$s) t '
                   'WHERE w IS NOT NULL',
                   (SELECT string_agg(format('vqc.profile_agg(%1$I) FILTER (WHERE w = 1)::pg_catalog.text, '
                                             'vqc.profile_agg(%1$I) FILTER (WHERE w = 2)::pg_catalog.text', c), ', ' ORDER BY o)
                      FROM unnest(cols) WITH ORDINALITY x(c, o)),
                   tc.attname, target)
        INTO nb, nc, arr
        USING baseline_from, baseline_to, current_from, current_to;
    FOR i IN 1 .. coalesce(cardinality(cols), 0) LOOP
        column_name := cols[i];
        baseline_rows := nb;
        current_rows := nc;
        -- a window without values in this column has no score
        d := CASE WHEN vqc.row_count(arr[2 * i - 1]::vqc.profile) > vqc.null_count(arr[2 * i - 1]::vqc.profile)
                       AND vqc.row_count(arr[2 * i]::vqc.profile) > vqc.null_count(arr[2 * i]::vqc.profile)
                  THEN vqc.drift(arr[2 * i - 1]::vqc.profile, arr[2 * i]::vqc.profile, method, options) END;
        method_used := d ->> 'method';
        score := (d ->> 'score')::float8;
        p_value := (d ->> 'p_value')::float8;
        threshold := (d ->> 'threshold')::float8;
        drifted := (d ->> 'drifted')::boolean;
        exact := (d ->> 'exact')::boolean;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION vqc.drift_windows(regclass, text, timestamptz, timestamptz, timestamptz, timestamptz, text[], text, jsonb) IS
    'Drift of each column between two time windows of one table, in one scan, without copying rows (not recorded).';
-- schedule.sql: runs suites on a schedule through pg_cron, when it is installed.

CREATE FUNCTION vqc._require_pg_cron()
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add pg_cron to shared_preload_libraries, then CREATE EXTENSION pg_cron in the database named by cron.database_name.';
    END IF;
END
$$;

-- Schedules (or reschedules: jobs are named vqc:<suite>) a suite's run.
-- The job runs as the suite's owner, whoever schedules it: the owner's own
-- job, or, scheduled by a superuser, a job in the owner's name.  It names
-- the suite by id, so renaming or re-creating suites cannot redirect it.
CREATE FUNCTION vqc.schedule(suite text, cron_schedule text)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    s       vqc.suite := vqc._suite(suite);
    command text := format('SELECT vqc._run_scheduled(%s)', s.suite_id);
    jobid   bigint;
BEGIN
    PERFORM vqc._require_pg_cron();
    IF s.owner = current_user::regrole THEN
        EXECUTE 'SELECT cron.schedule($1, $2, $3)' INTO jobid
            USING 'vqc:' || s.name, cron_schedule, command;
    ELSIF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE 'SELECT jobid FROM cron.job WHERE jobname = $1 AND username = $2' INTO jobid
            USING 'vqc:' || s.name, s.owner::text;
        IF jobid IS NOT NULL THEN
            EXECUTE 'SELECT cron.unschedule($1)' USING jobid;
        END IF;
        EXECUTE 'SELECT cron.schedule_in_database($1, $2, $3, current_database(), $4, true)' INTO jobid
            USING 'vqc:' || s.name, cron_schedule, command, s.owner::text;
    ELSE
        RAISE EXCEPTION 'only the owner of suite "%" (%) or a superuser may schedule it', s.name, s.owner
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'A scheduled run runs as the suite''s owner: SET ROLE to it first.';
    END IF;
    RETURN jobid;
END
$$;
COMMENT ON FUNCTION vqc.schedule(text, text) IS
    'Runs a suite on a cron schedule through pg_cron (job name vqc:<suite>), as the suite''s owner; scheduling again replaces the job.';

-- Removes the job of a suite (the owner's own, or any owner's for a superuser).
CREATE FUNCTION vqc.unschedule(suite text)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    s     vqc.suite := vqc._suite(suite);
    jobid bigint;
    done  boolean;
BEGIN
    PERFORM vqc._require_pg_cron();
    IF s.owner <> current_user::regrole
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'only the owner of suite "%" (%) or a superuser may unschedule it', s.name, s.owner
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE 'SELECT jobid FROM cron.job WHERE jobname = $1 AND username = $2' INTO jobid
        USING 'vqc:' || s.name, s.owner::text;
    IF jobid IS NULL THEN
        RETURN false;
    END IF;
    EXECUTE 'SELECT cron.unschedule($1)' INTO done USING jobid;
    RETURN done;
END
$$;
COMMENT ON FUNCTION vqc.unschedule(text) IS 'Removes the pg_cron job of a suite.';
-- ge_result.sql: the parts of Great Expectations' result that vqc builds
-- after evaluation: unexpected_index_query (a query selecting the failing
-- rows, to paste into psql) and unexpected_index_column_names.

-- The SQL of a planned expectation with its kwargs written in as a literal:
-- each "$1 OPERATOR(pg_catalog.->) N" outside quoted identifiers and
-- literals (the scan's parameter, see vqc._plan) becomes
-- '<kwargs>'::pg_catalog.jsonb.  Quoted text is copied unchanged, so a
-- column named like the parameter stays a name.
CREATE FUNCTION vqc._inline_kwargs(sql text, pidx integer, kwargs jsonb)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    param  text := format('$1 OPERATOR(pg_catalog.->) %s', pidx);
    lit    text := format('%L::pg_catalog.jsonb', kwargs::text);
    out    text := '';
    n      integer := length(sql);
    i      integer := 1;
    j      integer;
    ch     text;
    escape boolean;
BEGIN
    WHILE i <= n LOOP
        ch := substr(sql, i, 1);
        IF ch IN ('"', '''') THEN
            -- E'...' (quote_literal with backslashes) takes backslash escapes
            escape := ch = '''' AND i > 1 AND upper(substr(sql, i - 1, 1)) = 'E'
                      AND (i = 2 OR substr(sql, i - 2, 1) !~ '[[:alnum:]_$"]');
            j := i + 1;
            LOOP
                EXIT WHEN j > n;
                IF escape AND substr(sql, j, 1) = '\' THEN
                    j := j + 2;
                ELSIF substr(sql, j, 1) = ch THEN
                    EXIT WHEN substr(sql, j + 1, 1) IS DISTINCT FROM ch OR j = n;
                    j := j + 2;
                ELSE
                    j := j + 1;
                END IF;
            END LOOP;
            out := out || substr(sql, i, j - i + 1);
            i := j + 1;
        ELSIF ch = '$' AND substr(sql, i, length(param)) = param
              AND substr(sql, i + length(param), 1) !~ '[0-9]' THEN
            out := out || lit;
            i := i + length(param);
        ELSE
            out := out || ch;
            i := i + 1;
        END IF;
    END LOOP;
    RETURN out;
END
$$;

-- A query that selects the rows a map expectation found unexpected: the
-- index (row key) columns, then the checked column (or the plan's
-- "columns", for checks of several columns of a row); NULL when the plan
-- has no row predicate ("fails_sql") to show.
CREATE FUNCTION vqc._unexpected_index_query(target regclass, plan jsonb)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    tbl   text := (SELECT format('%I.%I', n.nspname, c.relname)
                     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.oid = target);
    cols  text;
    qcol  text := quote_ident(plan ->> 'column');
    cond  text := plan ->> 'row_condition_sql';
    fails text;
    eq    record;
BEGIN
    SELECT string_agg(quote_ident(k), ', ' ORDER BY part, o) INTO cols
      FROM (SELECT k, o, 1 AS part
              FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(plan -> 'key_columns') = 'array'
                                                  THEN plan -> 'key_columns' ELSE '[]' END) WITH ORDINALITY AS x(k, o)
            UNION ALL
            SELECT k, o, 2
              FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(plan -> 'columns') = 'array' THEN plan -> 'columns'
                                                  ELSE jsonb_build_array(plan -> 'column') END) WITH ORDINALITY AS y(k, o)) c
     WHERE part = 2 OR NOT k IN (SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(plan -> 'columns') = 'array'
                                                                       THEN plan -> 'columns'
                                                                       ELSE jsonb_build_array(plan -> 'column') END));
    IF plan ? 'fails_sql' THEN
        fails := vqc._inline_kwargs(plan ->> 'fails_sql', (plan ->> 'position')::integer, plan -> 'kwargs');
    ELSIF plan ? 'hash_item' OR plan ? 'unique_by_index' THEN
        eq := vqc._type_operator((plan ->> 'type_sql')::regtype, '=');
        fails := format('(%1$s)%2$s %3$s ANY (SELECT (%1$s)%2$s FROM %4$s WHERE %1$s IS NOT NULL%5$s '
                        'GROUP BY %1$s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)',
                        qcol, eq.operand_cast, eq.operator_sql, tbl,
                        CASE WHEN cond IS NOT NULL THEN format(' AND (%s)', cond) ELSE '' END);
        IF cond IS NOT NULL THEN
            fails := format('(%s) AND %s', cond, fails);
        END IF;
    ELSE
        RETURN NULL;
    END IF;
    RETURN format(E'SELECT %s\nFROM %s\nWHERE %s;', cols, tbl, fails);
END
$$;

-- GE's extra keys of a map result: unexpected_index_column_names when the
-- result_format names them (BASIC and up), unexpected_index_query
-- (COMPLETE, unless return_unexpected_index_query is false); and without
-- the failing values when exclude_unexpected_values is true (the index
-- lists then become GE's one object of key lists, {"id": [3, 7]}).
CREATE FUNCTION vqc._ge_map_extras(target regclass, plan jsonb, rf jsonb, res jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    q text;
    k text;
BEGIN
    IF rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN
        RETURN res;
    END IF;
    IF (rf ->> 'exclude_unexpected_values')::boolean THEN
        res := jsonb_set(res, '{result}', (res -> 'result') - '{partial_unexpected_list,unexpected_list,partial_unexpected_counts}'::text[]);
        FOREACH k IN ARRAY ARRAY['partial_unexpected_index_list', 'unexpected_index_list'] LOOP
            CONTINUE WHEN jsonb_typeof(res -> 'result' -> k) IS DISTINCT FROM 'array'
                          OR jsonb_array_length(res -> 'result' -> k) = 0;
            res := jsonb_set(res, ARRAY['result', k], jsonb_build_array(
                (SELECT jsonb_object_agg(key, vals)
                   FROM (SELECT x.key, jsonb_agg(x.value ORDER BY o) AS vals
                           FROM jsonb_array_elements(res -> 'result' -> k) WITH ORDINALITY AS e(entry, o),
                                jsonb_each(e.entry) AS x
                          WHERE x.key IS DISTINCT FROM plan ->> 'column'
                          GROUP BY x.key) g)));
        END LOOP;
    END IF;
    IF jsonb_typeof(rf -> 'unexpected_index_column_names') = 'array' THEN
        res := jsonb_set(res, '{result,unexpected_index_column_names}', rf -> 'unexpected_index_column_names');
    END IF;
    IF rf ->> 'result_format' = 'COMPLETE' AND coalesce((rf ->> 'return_unexpected_index_query')::boolean, true) THEN
        q := vqc._unexpected_index_query(target, plan);
        IF q IS NOT NULL THEN
            res := jsonb_set(res, '{result,unexpected_index_query}', to_jsonb(q));
        END IF;
    END IF;
    RETURN res;
END
$$;

-- Has the column no non-null value?  (Read as the caller; stops at the
-- first value.)
CREATE FUNCTION vqc._column_is_empty(target regclass, colname text)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    empty boolean;
BEGIN
    EXECUTE format('SELECT NOT EXISTS (SELECT FROM %s WHERE %I IS NOT NULL)', target, colname) INTO empty;
    RETURN empty;
END
$$;
-- row_condition.sql: Great Expectations' row_condition (condition_parser
-- "great_expectations"), parsed by vqc into SQL it writes itself.
--
-- A suite is written by one role and run by another (or by pg_cron as its
-- owner), so the condition is never SQL: it is GE's small language,
--   col("age") > 18 & (col("country") == "CN" | ~col("email").notnull())
--   col("day") >= date("2024-01-01")
-- tokenized and parsed here (precedence ~ over & over |, parentheses), with
-- every column checked against the table (quoted with quote_ident), every
-- value a quoted literal cast to its column's type, and every comparison the
-- operator of the column type's default btree class (vqc._compare_sql).
-- Nothing of the text reaches the SQL but through those three doors.

-- Tokens of a condition: kinds (( ) & | ~ . op num str id) and texts.
CREATE FUNCTION vqc._row_condition_tokens(cond text, OUT kinds text[], OUT texts text[])
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    pos  integer := 1;
    n    integer := length(cond);
    rest text;
    m    text;
BEGIN
    kinds := '{}';
    texts := '{}';
    IF n > 10000 THEN
        RAISE EXCEPTION 'row_condition is too long'
            USING ERRCODE = 'program_limit_exceeded',
                  DETAIL = 'A row_condition has at most 10000 characters.';
    END IF;
    WHILE pos <= n LOOP
        rest := substr(cond, pos);
        IF substr(rest, 1, 1) IN (' ', E'\t', E'\n', E'\r') THEN
            pos := pos + 1;
            CONTINUE;
        END IF;
        m := substring(rest FROM '^(==|!=|<=|>=|<|>)');
        IF m IS NOT NULL THEN
            kinds := kinds || 'op'::text;
        ELSE
            m := substring(rest FROM '^[()&|~.]');
            IF m IS NOT NULL THEN
                kinds := kinds || m;
            ELSE
                m := substring(rest FROM '^[+-]?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?');
                IF m IS NOT NULL THEN
                    kinds := kinds || 'num'::text;
                ELSE
                    m := coalesce(substring(rest FROM '^"[^"]*"'), substring(rest FROM '^''[^'']*'''));
                    IF m IS NOT NULL THEN
                        kinds := kinds || 'str'::text;
                    ELSE
                        m := substring(rest FROM '^[A-Za-z_][A-Za-z0-9_]*');
                        IF m IS NULL THEN
                            RAISE EXCEPTION 'row_condition cannot be parsed'
                                USING ERRCODE = 'syntax_error',
                                      DETAIL = format('Unexpected character at position %s.', pos),
                                      HINT = 'Write conditions as col("name") > 5, joined by &, | and ~.';
                        END IF;
                        kinds := kinds || 'id'::text;
                    END IF;
                END IF;
            END IF;
        END IF;
        texts := texts || CASE WHEN kinds[cardinality(kinds)] = 'str' THEN substr(m, 2, length(m) - 2) ELSE m END;
        pos := pos + length(m);
    END LOOP;
END
$$;

CREATE FUNCTION vqc._row_condition_error(detail text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    RAISE EXCEPTION 'row_condition cannot be parsed'
        USING ERRCODE = 'syntax_error', DETAIL = detail,
              HINT = 'Write conditions as col("name") > 5, col("d") >= date("2024-01-01") or col("name").notnull(), joined by &, | and ~.';
END
$$;

-- One comparison or null test, starting at token i (1-based):
-- col("name") op value | col("name").notnull() | col("name").isnull().
-- Returns its SQL and the index of the token after it.
CREATE FUNCTION vqc._row_condition_term(target regclass, kinds text[], texts text[], i integer,
                                        OUT sql text, OUT next integer)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    col   record;
    qcol  text;
    op    text;
    val   text;
    typ   regtype;
BEGIN
    IF NOT (kinds[i] = 'id' AND texts[i] = 'col' AND kinds[i + 1] = '(' AND kinds[i + 2] = 'str' AND kinds[i + 3] = ')') THEN
        PERFORM vqc._row_condition_error(format('Expected col("name") at token %s.', i));
    END IF;
    SELECT * INTO col FROM vqc._column(target, texts[i + 2]);
    qcol := quote_ident(texts[i + 2]);
    typ := col.type_sql::regtype;
    i := i + 4;
    IF kinds[i] = '.' THEN
        IF NOT (kinds[i + 1] = 'id' AND lower(texts[i + 1]) IN ('notnull', 'isnull') AND kinds[i + 2] = '(' AND kinds[i + 3] = ')') THEN
            PERFORM vqc._row_condition_error(format('Expected .notnull() or .isnull() at token %s.', i));
        END IF;
        sql := format('(%s IS %sNULL)', qcol, CASE WHEN lower(texts[i + 1]) = 'notnull' THEN 'NOT ' ELSE '' END);
        next := i + 4;
        RETURN;
    END IF;
    IF kinds[i] IS DISTINCT FROM 'op' THEN
        PERFORM vqc._row_condition_error(format('Expected a comparison (==, !=, <, <=, >, >=) at token %s.', i));
    END IF;
    op := texts[i];
    i := i + 1;
    IF kinds[i] IN ('num', 'str') THEN
        val := texts[i];
        next := i + 1;
    ELSIF kinds[i] = 'id' AND texts[i] = 'date' AND kinds[i + 1] = '(' AND kinds[i + 2] = 'str' AND kinds[i + 3] = ')' THEN
        BEGIN
            -- written back in ISO form, which reads the same under any DateStyle
            val := CASE WHEN isfinite(texts[i + 2]::date) THEN to_char(texts[i + 2]::date, 'YYYY-MM-DD BC')
                        ELSE texts[i + 2]::date::text END;
        EXCEPTION WHEN data_exception THEN
            PERFORM vqc._row_condition_error(format('date() at token %s does not hold a date.', i));
        END;
        next := i + 4;
    ELSE
        PERFORM vqc._row_condition_error(format('Expected a number, a quoted string or date("...") at token %s.', i));
    END IF;
    PERFORM vqc._require_opclass('row_condition', col.type_sql, 'btree');
    PERFORM vqc._check_castable('row_condition', format('the value compared with column "%s"', col.attname), val, col.type_sql);
    sql := vqc._compare_sql(typ, qcol, CASE op WHEN '==' THEN '=' WHEN '!=' THEN '=' ELSE op END,
                            format('%L::%s', val, col.type_sql));
    IF op = '!=' THEN
        sql := format('(NOT %s)', sql);
    ELSE
        sql := format('(%s)', sql);
    END IF;
END
$$;

-- The SQL of a row condition on target: a boolean expression built from the
-- parsed terms only.  Precedence climbing over the tokens (shunting-yard):
-- ~ binds tighter than &, & tighter than |.
CREATE FUNCTION vqc._row_condition_sql(target regclass, cond text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    tok     record := vqc._row_condition_tokens(cond);
    kinds   text[] := tok.kinds;
    texts   text[] := tok.texts;
    n       integer := cardinality(tok.kinds);
    i       integer := 1;
    outq    text[] := '{}';     -- operand stack (SQL)
    ops     text[] := '{}';     -- operator stack: ~ & | (
    operand boolean := true;    -- expecting an operand
    term    record;
    top     text;
BEGIN
    IF n = 0 THEN
        PERFORM vqc._row_condition_error('The condition is empty.');
    END IF;
    IF n > 2000 THEN
        RAISE EXCEPTION 'row_condition is too long'
            USING ERRCODE = 'program_limit_exceeded', DETAIL = 'A row_condition has at most 2000 tokens.';
    END IF;
    WHILE i <= n LOOP
        IF operand THEN
            IF kinds[i] IN ('~', '(') THEN
                ops := ops || kinds[i];
                i := i + 1;
            ELSE
                term := vqc._row_condition_term(target, kinds, texts, i);
                outq := outq || term.sql;
                i := term.next;
                operand := false;
            END IF;
        ELSIF kinds[i] IN ('&', '|') THEN
            LOOP
                top := ops[cardinality(ops)];
                EXIT WHEN top IS NULL OR top = '(' OR (kinds[i] = '&' AND top = '|');
                outq := vqc._row_condition_apply(outq, top);
                ops := ops[1:cardinality(ops) - 1];
            END LOOP;
            ops := ops || kinds[i];
            operand := true;
            i := i + 1;
        ELSIF kinds[i] = ')' THEN
            LOOP
                top := ops[cardinality(ops)];
                IF top IS NULL THEN
                    PERFORM vqc._row_condition_error(format('Unmatched ")" at token %s.', i));
                END IF;
                ops := ops[1:cardinality(ops) - 1];
                EXIT WHEN top = '(';
                outq := vqc._row_condition_apply(outq, top);
            END LOOP;
            i := i + 1;
        ELSE
            PERFORM vqc._row_condition_error(format('Expected &, | or ")" at token %s.', i));
        END IF;
    END LOOP;
    IF operand THEN
        PERFORM vqc._row_condition_error('The condition ends where a term was expected.');
    END IF;
    WHILE cardinality(ops) > 0 LOOP
        top := ops[cardinality(ops)];
        IF top = '(' THEN
            PERFORM vqc._row_condition_error('A "(" is not closed.');
        END IF;
        outq := vqc._row_condition_apply(outq, top);
        ops := ops[1:cardinality(ops) - 1];
    END LOOP;
    RETURN outq[1];
END
$$;

-- Applies operator op to the top of the operand stack.
CREATE FUNCTION vqc._row_condition_apply(outq text[], op text)
RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE op
        WHEN '~' THEN outq[1:cardinality(outq) - 1] || format('(NOT %s)', outq[cardinality(outq)])
        ELSE outq[1:cardinality(outq) - 2] || format('(%s %s %s)', outq[cardinality(outq) - 1],
                                                      CASE op WHEN '&' THEN 'AND' ELSE 'OR' END,
                                                      outq[cardinality(outq)]) END
$$;

-- The condition of an expectation's kwargs as SQL, or NULL when it has none
-- (GE: a null or empty row_condition is no condition).
CREATE FUNCTION vqc._kw_row_condition(target regclass, etype text, kwargs jsonb)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    cond   text := vqc._kw_text(etype, kwargs, 'row_condition');
    parser text := coalesce(vqc._kw_text(etype, kwargs, 'condition_parser'), 'great_expectations');
BEGIN
    IF parser NOT IN ('great_expectations', 'great_expectations__experimental__') THEN
        RAISE EXCEPTION 'condition_parser "%" is not supported', parser
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'vqc parses row conditions itself, so that a suite never runs SQL of its writer''s choosing.',
                  HINT = 'Use condition_parser "great_expectations": col("a") > 5 & col("b") == "x".';
    END IF;
    IF cond IS NULL OR btrim(cond) = '' THEN
        RETURN NULL;
    END IF;
    RETURN vqc._row_condition_sql(target, cond);
END
$$;

-- The item of an aggregate expectation as vqc._plan writes it, over arg
-- (the column, or the column under a condition); NULL for other types.
CREATE FUNCTION vqc._row_condition_aggregate_sql(etype text, type_sql text, arg text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE etype
        WHEN 'expect_column_mean_to_be_between'  THEN format('pg_catalog.avg(%s)::pg_catalog.float8', arg)
        WHEN 'expect_column_stdev_to_be_between' THEN format('pg_catalog.stddev_samp(%s)::pg_catalog.float8', arg)
        WHEN 'expect_column_sum_to_be_between'   THEN format('pg_catalog.sum(%s)', arg)
        WHEN 'expect_column_min_to_be_between'   THEN vqc._minmax_sql(type_sql::regtype, 'min', arg)
        WHEN 'expect_column_max_to_be_between'   THEN vqc._minmax_sql(type_sql::regtype, 'max', arg)
    END
$$;

-- vqc._plan for an expectation with a row_condition: the plan without it,
-- whose items then count only the rows the condition holds for, under names
-- of their own (so that a conditioned count(*) never merges with the plain
-- one), so that the suite stays one scan:
--   map (counted by a tally): count(*), count(column) and the tally's
--     failing rows take FILTER (WHERE <condition>);
--   table row count: count(*) FILTER (WHERE <condition>);
--   aggregates (mean, stdev, sum, min, max): over
--     CASE WHEN <condition> THEN column END, which they skip when NULL.
-- Others (uniqueness, median, statistics, whose exact second passes read
-- the table again) are refused: 0A000.  Each rewrite first checks that the
-- item is what vqc._plan writes, so a change there is refused, never
-- miscounted.
CREATE FUNCTION vqc._plan_row_condition(target regclass, etype text, kwargs jsonb, pidx integer,
                                        key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    cond    text := vqc._kw_row_condition(target, etype, kwargs);
    plan    jsonb := vqc._plan(target, etype, kwargs - 'row_condition' - 'condition_parser', pidx, key_columns, sample_cap);
    kind    text := plan ->> 'kind';
    suffix  text;
    fails   text := plan ->> 'fails_sql';
    qcol    text := quote_ident(plan ->> 'column');
    items   jsonb := '{}';
    k       text;
    v       text;
    w       text;
    renamed jsonb := '{}';
BEGIN
    plan := plan || jsonb_build_object('kwargs', kwargs);
    IF cond IS NULL THEN
        RETURN plan;
    END IF;
    suffix := '?' || left(md5(cond), 12);
    FOR k, v IN SELECT key, value #>> '{}' FROM jsonb_each(coalesce(plan -> 'items', '{}')) LOOP
        w := NULL;
        IF kind = 'map' AND k = plan ->> 'tally' AND fails IS NOT NULL
           AND right(v, length(fails) + 8) = format('(WHERE %s)', fails) THEN
            -- the condition last: tested only on the rows that fail
            w := left(v, length(v) - length(fails) - 1) || format('%s AND (%s))', fails, cond);
        ELSIF kind IN ('map', 'table') AND k = 'n' AND v = 'pg_catalog.count(*)'
              OR kind = 'map' AND k = format('nn:%s', plan ->> 'column') AND v = format('pg_catalog.count(%s)', qcol) THEN
            w := format('%s FILTER (WHERE %s)', v, cond);
        ELSIF kind = 'aggregate' AND k = plan ->> 'value_item'
              AND v = vqc._row_condition_aggregate_sql(etype, plan ->> 'type_sql', qcol) THEN
            w := vqc._row_condition_aggregate_sql(etype, plan ->> 'type_sql', format('(CASE WHEN %s THEN %s END)', cond, qcol));
        END IF;
        IF w IS NULL THEN
            RAISE EXCEPTION '% does not take a row_condition', etype
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'row_condition applies to map expectations but uniqueness, to the row count, and to mean, stdev, sum, min and max.';
        END IF;
        items := items || jsonb_build_object(k || suffix, w);
        renamed := renamed || jsonb_build_object(k, k || suffix);
    END LOOP;
    IF kind = 'map' AND (fails IS NULL OR NOT renamed ? (plan ->> 'tally')) OR items = '{}' THEN
        RAISE EXCEPTION '% does not take a row_condition', etype
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'row_condition applies to map expectations but uniqueness, to the row count, and to mean, stdev, sum, min and max.';
    END IF;
    RETURN plan || jsonb_strip_nulls(jsonb_build_object(
        'items', items,
        'tally', renamed ->> (plan ->> 'tally'),
        'nonnull', renamed ->> (plan ->> 'nonnull'),
        'value_item', renamed ->> (plan ->> 'value_item'),
        'element_item', CASE WHEN kind = 'map' THEN renamed ->> 'n' END,
        'row_condition_sql', cond,
        'fails_sql', CASE WHEN fails IS NOT NULL THEN format('(%s) AND %s', cond, fails) END));
END
$$;
-- suite_parameters.sql: Great Expectations' suite parameters.  A kwarg
-- {"$PARAMETER": "name"} takes its value when the suite runs, from
-- vqc.run(suite, suite_parameters) (or vqc.expect's suite_parameters).

-- Does kwargs hold a {"$PARAMETER": ...} anywhere?
CREATE FUNCTION vqc._has_suite_parameter(j jsonb)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT j IS NOT NULL AND jsonb_path_exists(j, 'strict $.** ? (exists (@."$PARAMETER"))')
$$;

-- kwargs with each {"$PARAMETER": "name"} replaced by parameters -> name;
-- a name parameters lack is an error naming it.
CREATE FUNCTION vqc._resolve_suite_parameters(j jsonb, parameters jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    name text;
BEGIN
    CASE jsonb_typeof(j)
    WHEN 'object' THEN
        IF j ? '$PARAMETER' THEN
            IF jsonb_typeof(j -> '$PARAMETER') IS DISTINCT FROM 'string' THEN
                RAISE EXCEPTION 'a suite parameter must be {"$PARAMETER": "name"}'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            name := j ->> '$PARAMETER';
            IF parameters IS NULL OR jsonb_typeof(parameters) <> 'object' OR NOT parameters ? name THEN
                RAISE EXCEPTION 'suite parameter "%" is not given', name
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'Pass it in suite_parameters: vqc.run(suite, ''{"name": value}'').';
            END IF;
            RETURN parameters -> name;
        END IF;
        RETURN (SELECT coalesce(jsonb_object_agg(k, vqc._resolve_suite_parameters(v, parameters)), '{}')
                  FROM jsonb_each(j) AS x(k, v));
    WHEN 'array' THEN
        RETURN (SELECT coalesce(jsonb_agg(vqc._resolve_suite_parameters(v, parameters) ORDER BY i), '[]')
                  FROM jsonb_array_elements(j) WITH ORDINALITY AS x(v, i));
    ELSE
        RETURN j;
    END CASE;
END
$$;

-- A suite's expectations ([{"id", "type", "kwargs"}]) with their parameters resolved.
CREATE FUNCTION vqc._resolve_expectation_parameters(expectations jsonb, parameters jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(jsonb_agg(CASE WHEN vqc._has_suite_parameter(e -> 'kwargs')
                                   THEN jsonb_set(e, '{kwargs}', vqc._resolve_suite_parameters(e -> 'kwargs', parameters))
                                   ELSE e END ORDER BY i), '[]')
      FROM jsonb_array_elements(expectations) WITH ORDINALITY AS x(e, i)
$$;

-- The relay of a run with parameters (see vqc._record_run(bigint)).
CREATE FUNCTION vqc._record_run(suite_id bigint, suite_parameters jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;

CREATE FUNCTION vqc._record_run_check(suite_id bigint, suite_parameters jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN vqc._record_run_check(suite_id, suite_parameters, false);     -- incremental.sql
END
$$;

CREATE FUNCTION vqc._record_run_write(caller regrole, ev jsonb, suite_id bigint, suite_parameters jsonb)
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc._record_run_write(caller, ev, suite_id) $$;

-- vqc.expect with suite parameters.
CREATE FUNCTION vqc.expect(target regclass, expectation_type text, kwargs jsonb, result_format text,
                           suite_parameters jsonb)
RETURNS jsonb
LANGUAGE sql
AS $$
    SELECT vqc.expect(target, expectation_type, vqc._resolve_suite_parameters(kwargs, suite_parameters), result_format)
$$;
COMMENT ON FUNCTION vqc.expect(regclass, text, jsonb, text, jsonb) IS
    'vqc.expect with the values of {"$PARAMETER": "name"} kwargs.';

-- ---------------------------------------------------------------------
-- html.sql: pages people look at, rendered in SQL
-- ---------------------------------------------------------------------
-- vqc.report_html(run_id), vqc.suite_html(suite) and vqc.drift_html(
-- drift_run_id) return one standalone HTML page each: no script, no
-- external stylesheet, font or image (a Content-Security-Policy forbids
-- them), charts as inline SVG.  The pages read vqc_report as the caller,
-- so they show what the caller may read and nothing more: row-level
-- security hides failing samples, observed values and profiles of tables
-- the caller may not SELECT, exactly as in the views.  Every text that
-- comes from a table, a suite, a kwarg or a note goes through
-- vqc.html_escape (and is clipped to a length a page can show).

-- Text made safe to place in HTML, in an element or a quoted attribute:
-- & < > " ' become entities, control characters (other than tab and line
-- breaks) the replacement character.
CREATE FUNCTION vqc.html_escape(s text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT replace(replace(replace(replace(replace(
               regexp_replace(s, '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]', U&'\FFFD', 'g'),
               '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')
$$;
COMMENT ON FUNCTION vqc.html_escape(text) IS
    'The text with & < > " '' as HTML entities and control characters replaced: safe inside an element or a quoted attribute.';

-- A text for a page: clipped to max_chars characters (with an ellipsis)
-- and escaped; an em dash for NULL.
CREATE FUNCTION vqc._html_text(s text, max_chars integer DEFAULT 300)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN s IS NULL THEN '&#8212;'
                WHEN length(s) > max_chars THEN vqc.html_escape(left(s, max_chars)) || '&#8230;'
                ELSE vqc.html_escape(s) END
$$;

-- A number for a page: thousands apart, six decimals at most, very large
-- and very small ones in scientific notation.
CREATE FUNCTION vqc._html_num(x double precision)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN x IS NULL THEN '&#8212;'
                WHEN x IN ('NaN', 'Infinity', '-Infinity') THEN x::text
                WHEN x = trunc(x) AND abs(x) < 1e15 THEN to_char(x::numeric, 'FM999,999,999,999,990')
                WHEN abs(x) >= 1e12 OR abs(x) < 1e-6 THEN trim(to_char(x, '9.99999EEEE'))
                ELSE rtrim(to_char(round(x::numeric, 6), 'FM999,999,999,990.999999'), '.') END
$$;

-- The page around a body: the stylesheet, and a policy that forbids any
-- script, remote resource or form (defence in depth: the body escapes
-- everything already).
CREATE FUNCTION vqc._html_page(title text, body text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT '<!DOCTYPE html>' || E'\n'
        || '<html lang="en"><head><meta charset="utf-8">'
        || '<meta http-equiv="Content-Security-Policy" content="default-src ''none''; style-src ''unsafe-inline''; img-src data:; form-action ''none''; base-uri ''none''">'
        || '<meta name="viewport" content="width=device-width, initial-scale=1">'
        || '<meta name="generator" content="vqc">'
        || '<title>' || vqc._html_text(title, 200) || '</title><style>'
        || 'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2430;margin:0;background:#f6f7f9}'
        || 'main{max-width:1180px;margin:0 auto;padding:24px}h1{font-size:22px;margin:0 0 4px}'
        || 'h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #d8dde5;padding-bottom:4px}'
        || 'h3{font-size:14px;margin:0 0 6px}.muted{color:#5d6778}'
        || 'table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #e1e5eb;padding:5px 8px;text-align:left;vertical-align:top}'
        || 'th{background:#eef1f5;font-weight:600}.kv th{width:22%;font-weight:500}.kv td{width:28%}.card table{font-size:12px;margin-top:6px;table-layout:fixed}td{overflow-wrap:anywhere}.card{overflow:hidden}td.num{text-align:right;font-variant-numeric:tabular-nums}'
        || '.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600;color:#fff}'
        || '.success{background:#2f8f4e}.failure{background:#c0392b}.error{background:#8a5a00}.none{background:#7b8494}'
        || '.summary{display:flex;gap:12px;margin:14px 0}.summary div{background:#fff;border:1px solid #e1e5eb;border-radius:8px;padding:10px 16px;min-width:110px}'
        || '.summary b{display:block;font-size:22px}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}'
        || '.card{background:#fff;border:1px solid #e1e5eb;border-radius:8px;padding:12px}'
        || 'code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all}'
        || 'pre{background:#f3f5f8;padding:6px;margin:4px 0;max-height:220px;overflow:auto}'
        || 'details summary{cursor:pointer;color:#36518a}'
        || 'svg{display:block;margin:6px 0}svg .bar{fill:#4a78c2}svg .baseline{fill:#8aa0c8;opacity:.75}svg .current{fill:#e08a3c;opacity:.6}'
        || 'svg .axis{stroke:#9aa4b2;stroke-width:1}svg .line{fill:none;stroke:#4a78c2;stroke-width:1.5}'
        || 'svg .point{fill:#4a78c2}svg .anomaly{fill:#c0392b}svg .bound{stroke:#c0392b;stroke-dasharray:4 3;stroke-width:1}'
        || 'svg text{font-size:10px;fill:#5d6778}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}'
        || '</style></head><body><main>' || body
        || '<p class="muted">Rendered by vqc at ' || vqc.html_escape(to_char(now(), 'YYYY-MM-DD HH24:MI:SS TZ'))
        || ' for role ' || vqc.html_escape(current_user::text) || '.</p></main></body></html>'
$$;

-- A status badge.
CREATE FUNCTION vqc._html_status(status text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT format('<span class="badge %s">%s</span>',
                  CASE WHEN status IN ('success', 'failure', 'error') THEN status ELSE 'none' END,
                  vqc._html_text(coalesce(status, 'not run'), 40))
$$;

-- A coordinate for SVG: two decimals.
CREATE FUNCTION vqc._svg_num(x double precision)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT round(x::numeric, 2) $$;

-- One bar of vqc._svg_bars: the i-th of n, of value h against the largest
-- top, with its label and value as a tooltip.
CREATE FUNCTION vqc._svg_rect(series text, i bigint, n bigint, h double precision, top double precision,
                              label text, width integer, height integer)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT format('<rect class="bar %s" x="%s" y="%s" width="%s" height="%s"><title>%s: %s</title></rect>',
                  vqc.html_escape(series), vqc._svg_num((i - 1) * width::float8 / n),
                  vqc._svg_num(height - h / top * height), vqc._svg_num(greatest(width::float8 / n - 1, 0.5)),
                  vqc._svg_num(h / top * height), vqc._html_text(label, 120), vqc._html_num(h))
$$;

-- An SVG bar chart: one bar per value (heights scaled to the largest),
-- each with its label and value as a tooltip; class names the series.
-- With second values, a second series drawn over the first (for two
-- distributions on the same bins).
CREATE FUNCTION vqc._svg_bars(heights double precision[], labels text[], series text DEFAULT 'bar',
                              second double precision[] DEFAULT NULL, second_series text DEFAULT NULL,
                              width integer DEFAULT 340, height integer DEFAULT 110)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    WITH b AS (
        SELECT i, coalesce(heights[i], 0) AS h, coalesce(second[i], 0) AS h2, labels[i] AS label
          FROM generate_series(1, coalesce(cardinality(heights), 0)) i),
    m AS (SELECT greatest(max(h), max(h2), 1e-300) AS top, count(*) AS n FROM b)
    SELECT format('<svg class="chart %s" data-bars="%s" viewBox="0 0 %s %s" width="%s" height="%s" role="img">',
                  vqc.html_escape(series), m.n * (1 + (second IS NOT NULL)::int), width, height + 14, width, height + 14)
        || format('<line class="axis" x1="0" y1="%s" x2="%s" y2="%s"/>', height, width, height)
        || coalesce(string_agg(
               vqc._svg_rect(series, b.i, m.n, b.h, m.top, b.label, width, height)
               || CASE WHEN second IS NULL THEN ''
                       ELSE vqc._svg_rect(second_series, b.i, m.n, b.h2, m.top, b.label, width, height) END,
               '' ORDER BY b.i), '')
        || format('<text x="0" y="%s">%s</text><text x="%s" y="%s" text-anchor="end">%s</text>',
                  height + 12, vqc._html_text(labels[1], 40), width, height + 12,
                  vqc._html_text(labels[cardinality(labels)], 40))
        || '</svg>'
      FROM b, m
     GROUP BY m.top, m.n
    UNION ALL
    SELECT '<p class="muted">No values.</p>' WHERE coalesce(cardinality(heights), 0) = 0
$$;

-- An SVG trend of a metric over runs: a line through the points, the
-- bounds as dashed lines, points whose run failed marked as anomalies.
CREATE FUNCTION vqc._svg_trend(at timestamptz[], ys double precision[], failed boolean[],
                               lo double precision, hi double precision,
                               width integer DEFAULT 340, height integer DEFAULT 90)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    WITH p AS (
        SELECT i, at[i] AS t, ys[i] AS y, coalesce(failed[i], false) AS bad
          FROM generate_series(1, coalesce(cardinality(ys), 0)) i
         WHERE ys[i] IS NOT NULL AND ys[i] NOT IN ('NaN', 'Infinity', '-Infinity')),
    r AS (SELECT least(min(y), lo) AS y0, greatest(max(y), hi) AS y1, count(*) AS n, max(i) AS last FROM p),
    s AS (SELECT p.*, vqc._svg_num(8 + (p.i - 1) * (width - 16)::numeric / greatest(r.last - 1, 1)) AS px,
                 vqc._svg_num(height - 6 - (p.y - r.y0) / nullif(r.y1 - r.y0, 0) * (height - 12)) AS py0,
                 r.y0, r.y1
            FROM p, r),
    s2 AS (SELECT *, coalesce(py0, vqc._svg_num(height / 2.0)) AS py FROM s)
    SELECT format('<svg class="chart trend" data-points="%s" viewBox="0 0 %s %s" width="%s" height="%s" role="img">',
                  count(*), width, height, width, height)
        || coalesce((SELECT string_agg(format('<line class="bound" x1="0" y1="%1$s" x2="%2$s" y2="%1$s"><title>bound %3$s</title></line>',
                                              vqc._svg_num(height - 6 - (b - min(s2.y0)) / nullif(min(s2.y1) - min(s2.y0), 0) * (height - 12)),
                                              width, vqc._html_num(b)), '')
                       FROM unnest(ARRAY[lo, hi]) b WHERE b IS NOT NULL AND min(s2.y1) > min(s2.y0)), '')
        || format('<polyline class="line" points="%s"/>', string_agg(s2.px || ',' || s2.py, ' ' ORDER BY s2.i))
        || string_agg(format('<circle class="point%s" cx="%s" cy="%s" r="3"><title>%s: %s%s</title></circle>',
                             CASE WHEN s2.bad THEN ' anomaly' ELSE '' END, s2.px, s2.py,
                             vqc.html_escape(to_char(s2.t, 'YYYY-MM-DD HH24:MI')), vqc._html_num(s2.y),
                             CASE WHEN s2.bad THEN ' (failed)' ELSE '' END), '' ORDER BY s2.i)
        || '</svg>'
      FROM s2
    HAVING count(*) > 0
$$;

-- What an expectation checks, in words: the catalogue's sentence with the
-- kwargs it names, and the expectation's notes.
CREATE FUNCTION vqc._html_describe(etype text, kwargs jsonb)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT '<b>' || vqc._html_text(coalesce(kwargs ->> 'column', kwargs ->> 'column_A', 'The table'), 120) || '</b>: '
        || vqc._html_text(coalesce(c.description, etype), 600)
        || coalesce(' <span class="muted">(' || (SELECT string_agg(vqc._html_text(k, 60) || ' = ' || vqc._html_text(v::text, 200), ', ' ORDER BY k)
                                                   FROM jsonb_each(kwargs - '{column,meta,notes,result_format,include_config,catch_exceptions}'::text[]) x(k, v))
                    || ')</span>', '')
        || coalesce('<br><i>' || vqc.html_escape(left(coalesce(kwargs #>> '{meta,notes,content}', kwargs #>> '{meta,notes}', kwargs ->> 'notes'), 2000)) || '</i>', '')
      FROM (SELECT NULL) one
      LEFT JOIN vqc.expectation_catalog c ON c.expectation_type = etype
$$;

-- The trend of each expectation's main number (its observed value, else its
-- unexpected percent) over the suite's last n runs up to a run, by
-- expectation identity; points whose result failed are anomalies.  HTML
-- of cards, empty when no expectation has two points.
CREATE FUNCTION vqc._html_trends(suite text, up_to bigint, n integer DEFAULT 30)
RETURNS text
LANGUAGE sql STABLE
AS $$
    WITH runs AS (
        SELECT r.run_id, r.started_at FROM vqc_report.run r
         WHERE r.suite_name = suite AND r.run_id <= up_to
         ORDER BY r.run_id DESC LIMIT n),
    pts AS (
        SELECT res.expectation_id, res.expectation_type, res.column_name, runs.run_id, runs.started_at,
               res.status = 'failure' AS bad,
               coalesce(max(m.value) FILTER (WHERE m.metric_name = 'observed_value'),
                        max(m.value) FILTER (WHERE m.metric_name = 'unexpected_percent')) AS y,
               bool_or(m.metric_name = 'observed_value') AS observed
          FROM runs
          JOIN vqc_report.result res ON res.run_id = runs.run_id
          JOIN vqc_report.metric m ON m.run_id = res.run_id AND m.position = res.position
         WHERE res.expectation_id IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5, 6),
    series AS (
        SELECT p.expectation_id, min(p.expectation_type) AS etype, min(p.column_name) AS col,
               bool_or(p.observed) AS observed,
               array_agg(p.started_at ORDER BY p.run_id) AS at, array_agg(p.y ORDER BY p.run_id) AS ys,
               array_agg(p.bad ORDER BY p.run_id) AS bad
          FROM pts p GROUP BY p.expectation_id HAVING count(p.y) >= 2)
    SELECT coalesce(string_agg(
               '<div class="card"><h3>' || vqc._html_text(s.etype, 120) || ' &#183; ' || vqc._html_text(coalesce(s.col, 'table'), 120)
               || '</h3><div class="muted">' || CASE WHEN s.observed THEN 'observed value' ELSE 'unexpected %' END
               || ', last ' || cardinality(s.ys) || ' runs</div>'
               || coalesce(vqc._svg_trend(s.at, s.ys, s.bad,
                                          CASE WHEN s.observed THEN (e.kwargs ->> 'min_value')::float8 END,
                                          CASE WHEN s.observed THEN (e.kwargs ->> 'max_value')::float8 END), '')
               || '</div>', '' ORDER BY s.expectation_id), '')
      FROM series s
      LEFT JOIN vqc.suite_expectation e ON e.expectation_id = s.expectation_id
$$;

-- Rows of a table of names and values (already HTML), two pairs a row.
CREATE FUNCTION vqc._html_kv_rows(names text[], vals text[])
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT string_agg(format('<tr><th>%s</th><td class="num">%s</td>%s</tr>', names[i], vals[i],
                             CASE WHEN i < cardinality(names) THEN format('<th>%s</th><td class="num">%s</td>', names[i + 1], vals[i + 1])
                                  ELSE '<td></td><td></td>' END), '' ORDER BY i)
      FROM generate_series(1, cardinality(names), 2) i
$$;

-- A profile as a card: counts, quantiles, and its distribution as an SVG
-- histogram (numbers and times) or bars of its most frequent values.
CREATE FUNCTION vqc._html_profile_card(column_name text, column_type text, p vqc.profile)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    numeric_kind boolean := vqc.mean(p) IS NOT NULL;
    chart        text;
    qs           double precision[];
BEGIN
    IF numeric_kind THEN
        SELECT vqc._svg_bars(array_agg(h.count ORDER BY h.bin),
                             array_agg(vqc._html_num(h.lower) || ' – ' || vqc._html_num(h.upper) ORDER BY h.bin), 'bar')
          INTO chart FROM vqc.histogram(p, 20) h;
        qs := vqc.quantiles(p, '{0.05,0.25,0.5,0.75,0.95}');
    ELSE
        SELECT vqc._svg_bars(array_agg(t.count::float8 ORDER BY t.count DESC, t.value),
                             array_agg(t.value ORDER BY t.count DESC, t.value), 'bar')
          INTO chart FROM vqc.top_values(p, 12) t;
    END IF;
    RETURN '<div class="card"><h3>' || vqc._html_text(column_name, 120) || ' <span class="muted">'
        || vqc._html_text(column_type, 60) || '</span></h3>'
        || coalesce(chart, '')
        || '<table class="kv">' || vqc._html_kv_rows(
               ARRAY['rows', 'null fraction', 'distinct', 'min', 'max']
               || CASE WHEN qs IS NULL THEN '{}'::text[] ELSE ARRAY['mean', 'stddev', 'p5', 'p25', 'median', 'p75', 'p95'] END,
               ARRAY[vqc._html_num(vqc.row_count(p)), vqc._html_num(vqc.null_fraction(p)), vqc._html_num(round(vqc.ndistinct(p))),
                     vqc._html_text(vqc.min_value(p), 60), vqc._html_text(vqc.max_value(p), 60)]
               || CASE WHEN qs IS NULL THEN '{}'::text[] ELSE
                  ARRAY[vqc._html_num(vqc.mean(p)), vqc._html_num(vqc.stddev(p))]
                  || ARRAY(SELECT vqc._html_num(q) FROM unnest(qs) WITH ORDINALITY u(q, o) ORDER BY o) END)
        || '</table>'
        || CASE WHEN numeric_kind THEN '' ELSE
           '<table><tr><th>most frequent</th><th>count</th></tr>'
           || coalesce((SELECT string_agg(format('<tr><td>%s</td><td class="num">%s</td></tr>', vqc._html_text(t.value, 200), vqc._html_num(t.count)),
                                          '' ORDER BY t.count DESC, t.value)
                          FROM vqc.top_values(p, 5) t), '')
           || '</table>' END
        || CASE WHEN vqc.is_exact(p) THEN '' ELSE '<div class="muted">from sketches (approximate)</div>' END
        || '</div>';
END
$$;

-- Two distributions over the same bins, drawn over each other: numbers
-- and times on 20 equal bins spanning both, other values on the most
-- frequent values of both.  Shares, not counts, so sizes may differ.
CREATE FUNCTION vqc._html_overlay(baseline vqc.profile, current vqc.profile)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    lo    double precision;
    hi    double precision;
    edges double precision[];
    a     double precision[];
    b     double precision[];
    labs  text[];
BEGIN
    IF vqc.mean(baseline) IS NOT NULL AND vqc.mean(current) IS NOT NULL THEN
        lo := least(vqc.quantile(baseline, 0), vqc.quantile(current, 0));
        hi := greatest(vqc.quantile(baseline, 1), vqc.quantile(current, 1));
        IF lo IS NULL OR hi IS NULL OR lo = hi THEN
            RETURN '<p class="muted">Both hold one value.</p>';
        END IF;
        edges := ARRAY(SELECT lo + (hi - lo) * g / 20.0 FROM generate_series(0, 20) g);
        SELECT array_agg(coalesce(vqc.rank(baseline, edges[g + 1]) - CASE WHEN g = 1 THEN 0 ELSE vqc.rank(baseline, edges[g]) END, 0) ORDER BY g),
               array_agg(coalesce(vqc.rank(current, edges[g + 1]) - CASE WHEN g = 1 THEN 0 ELSE vqc.rank(current, edges[g]) END, 0) ORDER BY g),
               array_agg(vqc._html_num(edges[g]) || ' – ' || vqc._html_num(edges[g + 1]) ORDER BY g)
          INTO a, b, labs
          FROM generate_series(1, 20) g;
    ELSE
        WITH v AS (SELECT value FROM vqc.top_values(baseline, 10) UNION SELECT value FROM vqc.top_values(current, 10))
        SELECT array_agg(coalesce(tb.count, 0)::float8 / nullif(vqc.row_count(baseline) - vqc.null_count(baseline), 0) ORDER BY v.value),
               array_agg(coalesce(tc.count, 0)::float8 / nullif(vqc.row_count(current) - vqc.null_count(current), 0) ORDER BY v.value),
               array_agg(v.value ORDER BY v.value)
          INTO a, b, labs
          FROM v
          LEFT JOIN vqc.top_values(baseline, 1000) tb ON tb.value = v.value
          LEFT JOIN vqc.top_values(current, 1000) tc ON tc.value = v.value;
    END IF;
    RETURN vqc._svg_bars(a, labs, 'baseline', b, 'current')
        || '<div class="legend muted"><span class="baseline" style="background:#8aa0c8"></span>baseline'
        || '<span class="current" style="background:#e08a3c"></span>current</div>';
END
$$;

-- The drift expectations of a run as cards: score and status, and the
-- baseline's and this run's distributions over each other when the run
-- profiled the column (the suite's profile_columns) and the baseline is
-- still there; NULL when the run has none.
CREATE FUNCTION vqc._html_run_drift(run_id bigint, target regclass)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT string_agg(
               '<div class="card"><h3>' || vqc._html_text(res.column_name, 120) || ' ' || vqc._html_status(res.status)
               || '</h3><div class="muted">against baseline <b>' || vqc._html_text(res.kwargs ->> 'baseline', 200) || '</b>'
               || CASE WHEN jsonb_typeof(d.observed_value) = 'number'
                       THEN ', score ' || vqc._html_num((d.observed_value #>> '{}')::float8) ELSE '' END
               || '</div>'
               || CASE WHEN b.profile IS NOT NULL AND p.profile IS NOT NULL THEN vqc._html_overlay(b.profile, p.profile)
                       ELSE '<p class="muted">Profile the column in the suite (profile_columns) to draw both distributions here.</p>' END
               || '</div>', '' ORDER BY res.position)
      FROM vqc_report.result res
      LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
      LEFT JOIN vqc_report.profile p ON p.run_id = res.run_id AND p.column_name = res.column_name
      LEFT JOIN vqc.baseline b ON b.target = _html_run_drift.target AND b.label = res.kwargs ->> 'baseline'
                              AND b.column_name = res.column_name
     WHERE res.run_id = _html_run_drift.run_id AND res.expectation_type = 'expect_column_drift_to_be_less_than'
$$;

-- GE's query for a failing result's rows when the run did not keep one
-- (suites run with result_format BASIC): the suite's expectation planned
-- again on the table as it is now, with the suite's row key, as vqc.expect
-- would write it for COMPLETE.  NULL when the expectation is gone from the
-- suite, cannot be planned any more (a column was dropped) or has no such
-- query.
CREATE FUNCTION vqc._html_failing_query(r vqc_report.run, res vqc_report.result)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    keys   text[];
    kwargs jsonb;
BEGIN
    -- the expectation's whole kwargs (the report keeps them clipped)
    SELECT e.kwargs INTO kwargs FROM vqc.suite_expectation e WHERE e.expectation_id = res.expectation_id;
    IF r.target IS NULL OR kwargs IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT s.key_columns INTO keys FROM vqc.suite s WHERE s.suite_id = r.suite_id;
    keys := coalesce(keys, vqc._primary_key(r.target));
    RETURN vqc._unexpected_index_query(r.target,
                                       vqc._plan(r.target, res.expectation_type, kwargs, res.position, keys, 20)
                                       || jsonb_build_object('key_columns', to_jsonb(keys)));
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$$;

-- The page of one run: the suite, table, time, duration and scans; a
-- summary; every expectation with its kwargs, status, observed value and
-- bounds; failing samples with their row keys (and GE's query for the
-- failing rows, where the result has one); the profiles taken in the run;
-- its drift expectations; the trend of each expectation over the suite's
-- last 30 runs.
CREATE FUNCTION vqc.report_html(run_id bigint)
RETURNS text
LANGUAGE plpgsql STABLE STRICT
AS $$
DECLARE
    r        vqc_report.run;
    body     text;
    rows_html text;
    profiles text;
BEGIN
    SELECT * INTO r FROM vqc_report.run x WHERE x.run_id = report_html.run_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'run % does not exist', run_id USING ERRCODE = 'undefined_object';
    END IF;
    body := '<h1>' || vqc._html_text(r.suite_name, 200) || '</h1>'
         || '<div class="muted">run ' || r.run_id || ' of table <code>' || vqc._html_text(format('%I.%I', r.target_schema, r.target_table), 300)
         || '</code> by ' || vqc._html_text(r.run_by, 100) || ', started ' || vqc.html_escape(to_char(r.started_at, 'YYYY-MM-DD HH24:MI:SS TZ'))
         || ', ' || vqc._html_num(round(extract(epoch FROM r.finished_at - r.started_at)::numeric * 1000, 1)::float8) || ' ms, '
         || vqc._html_num(r.rows_scanned) || ' rows, ' || r.scans || ' scan' || CASE WHEN r.scans = 1 THEN '' ELSE 's' END
         || CASE WHEN r.row_security THEN ', through row-level security' ELSE '' END || '</div>'
         || '<div class="summary">'
         || format('<div><b>%s</b>%s</div>', vqc._html_status(CASE WHEN r.success THEN 'success' ELSE 'failure' END),
                   vqc._html_num(round(r.success_percent::numeric, 1)::float8) || ' % passed')
         || format('<div><b>%s</b>passed</div><div><b>%s</b>failed</div><div><b>%s</b>errors</div><div><b>%s</b>expectations</div>',
                   r.successful_expectations, r.unsuccessful_expectations, r.error_expectations,
                   r.evaluated_expectations)
         || '</div>';

    SELECT string_agg(
               '<tr id="e' || res.position || '"><td class="num">' || res.position || '</td><td>'
               || vqc._html_describe(res.expectation_type, res.kwargs)
               || '<details><summary>kwargs</summary><pre>' || vqc._html_text(jsonb_pretty(res.kwargs), 20000) || '</pre></details></td>'
               || '<td>' || vqc._html_status(res.status) || coalesce('<div class="muted">' || vqc.html_escape(left(res.error_message, 500)) || '</div>', '') || '</td>'
               || '<td>' || CASE WHEN jsonb_typeof(d.observed_value) = 'number' THEN vqc._html_num((d.observed_value #>> '{}')::float8)
                                 WHEN d.observed_value IS NOT NULL THEN vqc._html_text(d.observed_value::text, 400)
                                 WHEN res.unexpected_count IS NOT NULL THEN
                                      vqc._html_num(res.unexpected_count) || ' unexpected (' || vqc._html_num(res.unexpected_percent) || ' %)'
                                 ELSE '&#8212;' END || '</td>'
               || '<td>' || CASE WHEN res.kwargs ->> 'min_value' IS NULL AND res.kwargs ->> 'max_value' IS NULL THEN ''
                                 ELSE coalesce(vqc._html_text(res.kwargs ->> 'min_value', 60), '') || ' &#8230; '
                                      || coalesce(vqc._html_text(res.kwargs ->> 'max_value', 60), '') END || '</td>'
               || '<td>' || coalesce(s.samples, '') || coalesce('<details class="failing-query"><summary>query for the failing rows</summary><pre>'
                                                             || vqc.html_escape(left(coalesce(d.result #>> '{result,unexpected_index_query}',
                                                                                              CASE WHEN res.unexpected_count > 0
                                                                                                   THEN vqc._html_failing_query(r, res) END), 20000))
                                                             || '</pre></details>', '')
               || '</td></tr>', '' ORDER BY res.position)
      INTO rows_html
      FROM vqc_report.result res
      LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
      LEFT JOIN LATERAL (
          SELECT '<table><tr><th>value</th><th>row key</th></tr>'
                 || string_agg('<tr><td><code>' || vqc._html_text(u.value, 200) || CASE WHEN u.value_clipped THEN '&#8230;' ELSE '' END
                               || '</code></td><td><code>' || vqc._html_text(u.row_key::text, 200) || '</code></td></tr>', '' ORDER BY u.ordinality)
                 || '</table>' AS samples
            FROM (SELECT * FROM vqc_report.unexpected u
                   WHERE u.run_id = res.run_id AND u.position = res.position
                   ORDER BY u.ordinality LIMIT 20) u) s ON true
     WHERE res.run_id = r.run_id;
    body := body || '<h2>Expectations</h2><table><tr><th>#</th><th>what is checked</th><th>status</th>'
                 || '<th>observed</th><th>bounds</th><th>failing samples (first 20)</th></tr>'
                 || coalesce(rows_html, '') || '</table>';

    SELECT string_agg(vqc._html_profile_card(p.column_name, p.column_type, p.profile), '' ORDER BY p.column_name)
      INTO profiles
      FROM vqc_report.profile p WHERE p.run_id = r.run_id;
    IF profiles IS NOT NULL THEN
        body := body || '<h2>Profiles taken in the run</h2><div class="cards">' || profiles || '</div>';
    END IF;
    body := body || coalesce('<h2>Drift</h2><div class="cards">' || vqc._html_run_drift(r.run_id, r.target) || '</div>', '');
    body := body || coalesce('<h2>Trends</h2><div class="cards">' || nullif(vqc._html_trends(r.suite_name, r.run_id), '') || '</div>', '');
    RETURN vqc._html_page(format('vqc: %s, run %s', r.suite_name, r.run_id), body);
END
$$;
COMMENT ON FUNCTION vqc.report_html(bigint) IS
    'One standalone HTML page for a run: summary, every expectation with kwargs, status, observed value and failing samples, the profiles taken, trends. Shows only what the caller may read.';

-- The page of a suite: what it checks, in words; its last runs; trends.
CREATE FUNCTION vqc.suite_html(suite text)
RETURNS text
LANGUAGE plpgsql STABLE STRICT
AS $$
DECLARE
    s      vqc.suite;
    body   text;
    last   bigint;
BEGIN
    SELECT * INTO s FROM vqc.suite x WHERE x.name = suite;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'suite "%" does not exist', suite USING ERRCODE = 'undefined_object';
    END IF;
    body := '<h1>' || vqc._html_text(s.name, 200) || '</h1><div class="muted">suite on <code>'
         || vqc._html_text(coalesce(s.target::text, format('%I.%I', s.target_schema, s.target_table)), 300)
         || '</code>, owned by ' || vqc._html_text(s.owner::text, 100)
         || ', row key ' || vqc._html_text(coalesce(array_to_string(s.key_columns, ', '), 'the primary key'), 300)
         || coalesce(', profiles ' || vqc._html_text(array_to_string(s.profile_columns, ', '), 300), '') || '</div>'
         || '<h2>What it checks</h2><table><tr><th>#</th><th>expectation</th></tr>'
         || coalesce((SELECT string_agg('<tr><td class="num">' || o || '</td><td>' || vqc._html_describe(e.expectation_type, e.kwargs) || '</td></tr>', '' ORDER BY o)
                        FROM (SELECT e.*, row_number() OVER (ORDER BY e.expectation_id) AS o
                                FROM vqc.suite_expectation e WHERE e.suite_id = s.suite_id) e), '')
         || '</table>';
    body := body || '<h2>Last runs</h2><table><tr><th>run</th><th>started</th><th>status</th><th>passed</th><th>failed</th><th>errors</th><th>rows</th><th>scans</th><th>ms</th></tr>'
         || coalesce((SELECT string_agg(format('<tr><td class="num">%s</td><td>%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td></tr>',
                                               r.run_id, vqc.html_escape(to_char(r.started_at, 'YYYY-MM-DD HH24:MI:SS')),
                                               vqc._html_status(CASE WHEN r.success THEN 'success' ELSE 'failure' END),
                                               r.successful_expectations, r.unsuccessful_expectations,
                                               r.error_expectations, vqc._html_num(r.rows_scanned), r.scans,
                                               vqc._html_num(round(extract(epoch FROM r.finished_at - r.started_at)::numeric * 1000, 1)::float8)),
                                        '' ORDER BY r.run_id DESC)
                        FROM (SELECT * FROM vqc_report.run r WHERE r.suite_name = s.name ORDER BY r.run_id DESC LIMIT 20) r), '')
         || '</table>';
    SELECT max(r.run_id) INTO last FROM vqc_report.run r WHERE r.suite_name = s.name;
    IF last IS NOT NULL THEN
        body := body || coalesce('<h2>Trends</h2><div class="cards">' || nullif(vqc._html_trends(s.name, last), '') || '</div>', '');
    END IF;
    RETURN vqc._html_page('vqc: suite ' || s.name, body);
END
$$;
COMMENT ON FUNCTION vqc.suite_html(text) IS
    'One standalone HTML page for a suite: its expectations in words, its last 20 runs, the trend of each expectation.';

-- The page of a drift report: the verdict, then per column its score and
-- the baseline's and current distributions drawn over each other.
CREATE FUNCTION vqc.drift_html(drift_run_id bigint)
RETURNS text
LANGUAGE plpgsql STABLE STRICT
AS $$
DECLARE
    d     vqc_report.drift_run;
    body  text;
BEGIN
    SELECT * INTO d FROM vqc_report.drift_run x WHERE x.drift_run_id = drift_html.drift_run_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'drift report % does not exist', drift_run_id USING ERRCODE = 'undefined_object';
    END IF;
    body := '<h1>Drift of ' || vqc._html_text(format('%I.%I', d.target_schema, d.target_table), 300) || '</h1>'
         || '<div class="muted">drift report ' || d.drift_run_id || ' against baseline <b>' || vqc._html_text(d.baseline_label, 200)
         || '</b>' || CASE WHEN d.baseline_table IS NULL THEN ''    -- reports made before 0.5.0
                           ELSE ' of <b>' || vqc._html_text(format('%I.%I', d.baseline_schema, d.baseline_table), 300) || '</b>' END
         || ', by ' || vqc._html_text(d.run_by, 100) || ', started ' || vqc.html_escape(to_char(d.started_at, 'YYYY-MM-DD HH24:MI:SS TZ'))
         || ', ' || vqc._html_num(d.rows_scanned) || ' rows</div>'
         || '<div class="summary">'
         || format('<div>%s<b>%s / %s</b>columns drifted</div><div><b>%s</b>share (threshold %s)</div></div>',
                   vqc._html_status(CASE WHEN d.dataset_drifted THEN 'failure' ELSE 'success' END),
                   d.drifted_columns, d.columns, vqc._html_num(d.drift_share), vqc._html_num(d.share_threshold))
         || '<div class="cards">'
         || coalesce((SELECT string_agg(
                '<div class="card"><h3>' || vqc._html_text(x.column_name, 120) || ' '
                || vqc._html_status(CASE WHEN x.error_message IS NOT NULL THEN 'error' WHEN x.drifted THEN 'failure' ELSE 'success' END)
                || '</h3><div class="muted">' || vqc._html_text(x.method, 60) || ' ' || vqc._html_num(x.score)
                || ' (threshold ' || vqc._html_num(x.threshold) || ')'
                || CASE WHEN x.p_value IS NULL THEN '' ELSE ', p-value ' || vqc._html_num(x.p_value) END
                || CASE WHEN x.exact THEN '' ELSE ', from sketches' END || '</div>'
                || coalesce('<div class="muted">' || vqc.html_escape(left(x.error_message, 500)) || '</div>', '')
                || coalesce(vqc._html_overlay(dd.baseline_profile, dd.current_profile), '')
                || '</div>', '' ORDER BY x.column_name)
               FROM vqc_report.drift_result x
               LEFT JOIN vqc_report.drift_detail dd ON dd.drift_run_id = x.drift_run_id AND dd.column_name = x.column_name
              WHERE x.drift_run_id = d.drift_run_id), '')
         || '</div>';
    RETURN vqc._html_page(format('vqc: drift of %s.%s', d.target_schema, d.target_table), body);
END
$$;
COMMENT ON FUNCTION vqc.drift_html(bigint) IS
    'One standalone HTML page for a drift report: the verdict and, per column, the score with the baseline and current distributions drawn over each other.';

-- Every page by kind and id, for a small web handler or a BI tool:
-- SELECT html FROM vqc_report.pages WHERE kind = 'run' AND id = '42'.  A
-- page is rendered only for the rows a query asks for; security_invoker,
-- so it shows what the reader may read.
CREATE VIEW vqc_report.pages WITH (security_invoker = true) AS
SELECT 'run'::text AS kind, r.run_id::text AS id, r.suite_name AS title, r.started_at AS at,
       vqc.report_html(r.run_id) AS html
  FROM vqc_report.run r
UNION ALL
SELECT 'suite', s.name, s.name, s.created_at, vqc.suite_html(s.name)
  FROM vqc.suite s
UNION ALL
SELECT 'drift', d.drift_run_id::text, d.target_schema || '.' || d.target_table, d.started_at,
       vqc.drift_html(d.drift_run_id)
  FROM vqc_report.drift_run d;
COMMENT ON VIEW vqc_report.pages IS
    'Every page (kind run, suite or drift; id) as HTML, rendered only for the rows asked for; shows what the reader may read.';

-- ---------------------------------------------------------------------
-- gate.sql: alerts after each run, and the quality gate
-- ---------------------------------------------------------------------
-- Every recorded run sends pg_notify on channel 'vqc' (delivered when the
-- run's transaction commits) and, when its suite names one, calls the
-- suite's callback with the run's id in that transaction.
-- vqc.assert_suite runs a suite as a gate: its run is recorded in a
-- transaction of its own (autonomous.c), then it raises SQLSTATE VQ001 when
-- the run failed, so that the caller's transaction rolls back its data but
-- not the report.

-- The NOTIFY payload of a run: ids, names, counts and the failing
-- expectations' types and columns (never a row value), under PostgreSQL's
-- 8000-byte limit (failing expectations past it are counted in "more").
CREATE FUNCTION vqc._run_notice(run vqc_report.run, ev jsonb)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    failing jsonb := coalesce((SELECT jsonb_agg(jsonb_build_object('position', (x ->> 'position')::int, 'type', x ->> 'type',
                                                                   'column', x ->> 'column', 'status', x ->> 'status')
                                                ORDER BY (x ->> 'position')::int)
                                 FROM jsonb_array_elements(ev -> 'results') x
                                WHERE x ->> 'status' <> 'success'), '[]');
    total   int := jsonb_array_length(failing);
    payload jsonb;
    kept    int := total;
BEGIN
    LOOP
        payload := jsonb_build_object(
            'run_id', run.run_id, 'suite', left(run.suite_name, 1000),
            'table', format('%I.%I', run.target_schema, run.target_table),
            'success', run.success, 'evaluated', run.evaluated_expectations,
            'successful', run.successful_expectations, 'unsuccessful', run.unsuccessful_expectations,
            'errors', run.error_expectations, 'scans', run.scans, 'rows', run.rows_scanned,
            'failing', (SELECT coalesce(jsonb_agg(f ORDER BY o), '[]') FROM jsonb_array_elements(failing) WITH ORDINALITY a(f, o) WHERE o <= kept),
            'more', total - kept);
        EXIT WHEN octet_length(payload::text) < 7900 OR kept = 0;
        kept := kept / 2;
    END LOOP;
    RETURN payload::text;
END
$$;

-- Raises unless fn may be a suite's callback: one argument of type bigint,
-- SECURITY DEFINER (it runs with its owner's rights, never the runner's:
-- running another role's suite must not run code of the owner's choosing
-- as the runner), owned by a role the suite's owner belongs to, and
-- executable by the suite's owner.
CREATE FUNCTION vqc._check_callback(s vqc.suite, fn regprocedure)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    p pg_proc;
BEGIN
    SELECT * INTO p FROM pg_proc WHERE oid = fn;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'callback % of suite "%" does not exist', fn::oid, s.name USING ERRCODE = 'undefined_function';
    END IF;
    IF p.pronargs <> 1 OR p.proargtypes[0] <> 'bigint'::regtype OR p.prokind <> 'f' OR p.proretset THEN
        RAISE EXCEPTION 'callback % must be a function of one bigint argument (the run''s id)', fn
            USING ERRCODE = 'invalid_function_definition';
    END IF;
    IF NOT p.prosecdef OR NOT pg_has_role(s.owner, p.proowner, 'MEMBER') THEN
        RAISE EXCEPTION 'callback % must be SECURITY DEFINER and owned by a role that % belongs to', fn, s.owner
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'A callback runs with its owner''s rights, so that running another role''s suite never runs code of that role''s choosing with the runner''s rights.';
    END IF;
    IF NOT has_function_privilege(s.owner, fn, 'EXECUTE') THEN
        RAISE EXCEPTION 'role % may not execute callback %', s.owner, fn USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- Names (or, with NULL, removes) the function each run of the suite calls
-- with its run id, in the run's transaction.
CREATE FUNCTION vqc.set_suite_callback(suite text, callback regprocedure)
RETURNS void
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.set_suite_callback(text, regprocedure) IS
    'Names the function (one bigint argument, SECURITY DEFINER, owned by the suite''s owner) each run of the suite calls with its run id, in the run''s transaction; NULL removes it.';

CREATE FUNCTION vqc._set_suite_callback_check(suite text, callback regprocedure)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_for_change(suite);
BEGIN
    RETURN jsonb_build_object('suite_id', s.suite_id);
END
$$;

CREATE FUNCTION vqc._set_suite_callback_write(caller regrole, checked jsonb, suite text, callback regprocedure)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_by_id((checked ->> 'suite_id')::bigint);
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    IF callback IS NOT NULL THEN
        PERFORM vqc._check_callback(s, callback);
    END IF;
    UPDATE vqc.suite SET callback = _set_suite_callback_write.callback WHERE suite_id = s.suite_id;
END
$$;

-- After a run is written (by vqc._record_run_write, as the extension's
-- owner): the notice on channel 'vqc', then the suite's callback, checked
-- again (its definition may have changed since it was set).
CREATE FUNCTION vqc._announce_run_write(s vqc.suite, run vqc_report.run, ev jsonb)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    call text;
BEGIN
    PERFORM pg_notify('vqc', vqc._run_notice(run, ev));
    IF s.callback IS NOT NULL THEN
        PERFORM vqc._check_callback(s, s.callback);
        SELECT format('SELECT %I.%I($1::pg_catalog.int8)', n.nspname, p.proname) INTO call
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE p.oid = s.callback;
        EXECUTE call USING run.run_id;
    END IF;
END
$$;

-- The quality gate: runs the suite (as vqc.run does, with its parameters)
-- and records the run in a transaction of its own, committed whatever
-- happens to the caller's; returns the run's id when every expectation
-- passed, else raises SQLSTATE VQ001.
CREATE FUNCTION vqc.assert_suite(suite text, suite_parameters jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    done jsonb := vqc._gate_run((vqc._suite(suite)).suite_id, suite_parameters);
BEGIN
    IF NOT (done ->> 'success')::boolean THEN
        RAISE EXCEPTION 'suite "%" failed: % of % expectations did not pass', suite,
                        done ->> 'unsuccessful', done ->> 'evaluated'
            USING ERRCODE = 'VQ001',
                  DETAIL = format('Run %s is recorded in vqc_report in a transaction of its own; failing: %s.',
                                  done ->> 'run_id', done ->> 'failing'),
                  HINT = format('SELECT * FROM vqc_report.results WHERE run_id = %s;', done ->> 'run_id');
    END IF;
    RETURN (done ->> 'run_id')::bigint;
END
$$;
COMMENT ON FUNCTION vqc.assert_suite(text, jsonb) IS
    'Quality gate: runs the suite, records the run in a transaction of its own, and raises SQLSTATE VQ001 when it failed (the caller''s transaction rolls back, the report stays).';

-- The gate's relay: the scan as the caller (vqc._record_run_check), the
-- record in a background worker's transaction (vqc._run_autonomous_write).
CREATE FUNCTION vqc._gate_run(suite_id bigint, suite_parameters jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;

CREATE FUNCTION vqc._gate_run_check(suite_id bigint, suite_parameters jsonb)
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc._record_run_check(suite_id, suite_parameters) $$;

CREATE FUNCTION vqc._gate_run_write(caller regrole, ev jsonb, suite_id bigint, suite_parameters jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    run_id bigint;
BEGIN
    PERFORM vqc._require_select(vqc._suite_target(vqc._suite_by_id(suite_id)), caller);
    -- a failed gate rolls its rows back: its incremental state must not
    -- count them (the next run reads from the state before)
    run_id := vqc._run_autonomous_write(caller, CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(ev -> 'results') x
                                                                  WHERE x ->> 'status' <> 'success')
                                                     THEN ev - 'incremental' ELSE ev END, suite_id);
    RETURN (SELECT jsonb_build_object(
                'run_id', run_id,
                'success', bool_and(x ->> 'status' = 'success') IS NOT FALSE,
                'evaluated', count(*),
                'unsuccessful', count(*) FILTER (WHERE x ->> 'status' <> 'success'),
                'failing', coalesce(string_agg(format('#%s %s', x ->> 'position', x ->> 'type'), ', ' ORDER BY (x ->> 'position')::int)
                                    FILTER (WHERE x ->> 'status' <> 'success'), 'none'))
              FROM jsonb_array_elements(ev -> 'results') x);
END
$$;

-- Records an evaluated run in a background worker's transaction; its id.
CREATE FUNCTION vqc._run_autonomous_write(caller regrole, ev jsonb, suite_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_run_autonomous_write'
LANGUAGE C STRICT;
-- ---------------------------------------------------------------------
-- classification.sql: vqc.confusion_state and the classification metrics
-- ---------------------------------------------------------------------
-- vqc.confusion_agg(y_true, y_pred) counts (true, predicted) pairs of labels
-- of any type into a mergeable state; scikit-learn's metrics read it, as
-- aggregates of their own name and argument order (y_true first, options
-- as trailing positional arguments) and as functions of a state, so that
-- one scan serves many metrics.  Rows whose label or prediction is NULL are
-- skipped and counted (vqc.confusion_skipped).  No rows, or only skipped
-- ones, give NULL metrics.  Text form: hex of the binary form.

CREATE TYPE vqc.confusion_state;

CREATE FUNCTION vqc.confusion_state_in(cstring)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_state_out(vqc.confusion_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_confusion_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_state_recv(internal)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_state_send(vqc.confusion_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_confusion_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.confusion_state (
    INPUT = vqc.confusion_state_in,
    OUTPUT = vqc.confusion_state_out,
    RECEIVE = vqc.confusion_state_recv,
    SEND = vqc.confusion_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE vqc.confusion_state IS
    'Counts of (y_true, y_pred) label pairs with the rows skipped for a NULL; mergeable (vqc.merge, vqc.merge_agg).';

-- Transition functions: not strict (a NULL label is counted as skipped),
-- labels of any type ("any"); the metric aggregates'' options come from
-- their first row and travel in the state to the final function.
CREATE FUNCTION vqc.confusion_transfn(vqc.confusion_state, "any", "any")
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_prf_transfn(vqc.confusion_state, "any", "any", text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_prf_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_prf_transfn(vqc.confusion_state, "any", "any", text, text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_prf_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_prf_transfn(vqc.confusion_state, "any", "any", text, text, text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_prf_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_fbeta_transfn(vqc.confusion_state, "any", "any", float8)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_fbeta_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_fbeta_transfn(vqc.confusion_state, "any", "any", float8, text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_fbeta_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_fbeta_transfn(vqc.confusion_state, "any", "any", float8, text, text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_fbeta_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_fbeta_transfn(vqc.confusion_state, "any", "any", float8, text, text, text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_fbeta_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_kappa_transfn(vqc.confusion_state, "any", "any", text)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_kappa_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_combinefn(vqc.confusion_state, vqc.confusion_state)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE vqc.confusion_agg(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE FUNCTION vqc.merge(a vqc.confusion_state, b vqc.confusion_state)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_confusion_merge'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE vqc.merge_agg(vqc.confusion_state) (
    SFUNC = vqc.confusion_combinefn,
    STYPE = vqc.confusion_state,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

-- Accessors: NULL for a NULL state or one without pairs.
CREATE FUNCTION vqc.confusion_count(state vqc.confusion_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_confusion_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_skipped(state vqc.confusion_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_confusion_skipped'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_matrix(state vqc.confusion_state)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_confusion_matrix'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.accuracy_score(state vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_accuracy'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.balanced_accuracy_score(state vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_balanced_accuracy'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.matthews_corrcoef(state vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_mcc'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- not strict: NULL weights is unweighted
CREATE FUNCTION vqc.cohen_kappa_score(state vqc.confusion_state, weights text DEFAULT NULL)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_kappa'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: NULL pos_label is 1, NULL zero_division is 'warn' (0)
CREATE FUNCTION vqc.precision_score(state vqc.confusion_state, average text DEFAULT 'binary',
                              pos_label text DEFAULT NULL, zero_division text DEFAULT 'warn')
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_precision'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: NULL pos_label is 1, NULL zero_division is 'warn' (0)
CREATE FUNCTION vqc.recall_score(state vqc.confusion_state, average text DEFAULT 'binary',
                              pos_label text DEFAULT NULL, zero_division text DEFAULT 'warn')
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_recall'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- not strict: NULL pos_label is 1, NULL zero_division is 'warn' (0)
CREATE FUNCTION vqc.f1_score(state vqc.confusion_state, average text DEFAULT 'binary',
                              pos_label text DEFAULT NULL, zero_division text DEFAULT 'warn')
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_fscore'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.fbeta_score(state vqc.confusion_state, beta float8, average text DEFAULT 'binary',
                                pos_label text DEFAULT NULL, zero_division text DEFAULT 'warn')
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_fbeta'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- average NULL: per class, in label order
CREATE FUNCTION vqc.precision_recall_fscore_support(state vqc.confusion_state, beta float8 DEFAULT 1,
                                                    average text DEFAULT NULL, pos_label text DEFAULT NULL,
                                                    zero_division text DEFAULT 'warn')
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_confusion_prfs'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Final functions of the metric aggregates (the options are in the state).
CREATE FUNCTION vqc.confusion_precision_final(vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_precision_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_recall_final(vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_recall_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_fscore_final(vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_fscore_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_kappa_final(vqc.confusion_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_confusion_kappa_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The metric aggregates, scikit-learn's names and argument order.

CREATE AGGREGATE vqc.confusion_matrix(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_matrix,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.accuracy_score(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.accuracy_score,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.balanced_accuracy_score(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.balanced_accuracy_score,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.matthews_corrcoef(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.matthews_corrcoef,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.cohen_kappa_score(y1 "any", y2 "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_kappa_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.cohen_kappa_score(y1 "any", y2 "any", weights text) (
    SFUNC = vqc.confusion_kappa_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_kappa_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.precision_score(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_precision_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.precision_score(y_true "any", y_pred "any", average text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_precision_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.precision_score(y_true "any", y_pred "any", average text, pos_label text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_precision_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.precision_score(y_true "any", y_pred "any", average text, pos_label text, zero_division text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_precision_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.recall_score(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_recall_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.recall_score(y_true "any", y_pred "any", average text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_recall_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.recall_score(y_true "any", y_pred "any", average text, pos_label text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_recall_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.recall_score(y_true "any", y_pred "any", average text, pos_label text, zero_division text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_recall_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.f1_score(y_true "any", y_pred "any") (
    SFUNC = vqc.confusion_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.f1_score(y_true "any", y_pred "any", average text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.f1_score(y_true "any", y_pred "any", average text, pos_label text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.f1_score(y_true "any", y_pred "any", average text, pos_label text, zero_division text) (
    SFUNC = vqc.confusion_prf_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.fbeta_score(y_true "any", y_pred "any", beta float8) (
    SFUNC = vqc.confusion_fbeta_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.fbeta_score(y_true "any", y_pred "any", beta float8, average text) (
    SFUNC = vqc.confusion_fbeta_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.fbeta_score(y_true "any", y_pred "any", beta float8, average text, pos_label text) (
    SFUNC = vqc.confusion_fbeta_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.fbeta_score(y_true "any", y_pred "any", beta float8, average text, pos_label text, zero_division text) (
    SFUNC = vqc.confusion_fbeta_transfn,
    STYPE = vqc.confusion_state,
    FINALFUNC = vqc.confusion_fscore_final,
    COMBINEFUNC = vqc.confusion_combinefn,
    PARALLEL = SAFE
);
-- ---------------------------------------------------------------------
-- scores.sql: vqc.score_state and the score and probability metrics
-- ---------------------------------------------------------------------
-- From binary labels (y_true boolean, or an integer with at most two
-- values) and scores (y_score float8): ROC AUC and average precision,
-- exact with ties as scikit-learn, from the scores collected up to
-- vqc.exact_memory_limit (past it they raise an error rather than guess);
-- log loss and the Brier score from sums, calibration curves and expected
-- calibration error from bins (bounded memory); the confusion state at a
-- threshold.  Rows with a NULL label or score are skipped and counted
-- (vqc.score_skipped); a NaN score is an error.  Text form: hex of the
-- binary form.

CREATE TYPE vqc.score_state;

CREATE FUNCTION vqc.score_state_in(cstring)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.score_state_out(vqc.score_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'vqc_score_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.score_state_recv(internal)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.score_state_send(vqc.score_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'vqc_score_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE vqc.score_state (
    INPUT = vqc.score_state_in,
    OUTPUT = vqc.score_state_out,
    RECEIVE = vqc.score_state_recv,
    SEND = vqc.score_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE vqc.score_state IS
    'Binary labels with their scores (exact up to vqc.exact_memory_limit), loss sums or calibration bins; mergeable (vqc.merge, vqc.merge_agg).';

-- Transition functions: not strict (NULL rows are counted as skipped);
-- STABLE, as growing a state of scores reads vqc.exact_memory_limit.

CREATE FUNCTION vqc.score_transfn(vqc.score_state, int8, float8)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_sums_transfn(vqc.score_state, int8, float8)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_sums_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_bins_transfn(vqc.score_state, int8, float8)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_bins_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_bins_transfn(vqc.score_state, int8, float8, int4)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_bins_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_transfn(vqc.score_state, boolean, float8)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_sums_transfn(vqc.score_state, boolean, float8)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_sums_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_bins_transfn(vqc.score_state, boolean, float8)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_bins_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_bins_transfn(vqc.score_state, boolean, float8, int4)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_bins_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.score_combinefn(vqc.score_state, vqc.score_state)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_combinefn'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.merge(a vqc.score_state, b vqc.score_state)
RETURNS vqc.score_state
AS 'MODULE_PATHNAME', 'vqc_score_merge'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE vqc.merge_agg(vqc.score_state) (
    SFUNC = vqc.score_combinefn,
    STYPE = vqc.score_state,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

-- Accessors.  The metrics are NULL for a NULL state; ROC AUC and log loss
-- also when one class is missing (scikit-learn raises), average precision
-- and the Brier score without rows.
CREATE FUNCTION vqc.score_count(state vqc.score_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_score_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.score_skipped(state vqc.score_state)
RETURNS int8
AS 'MODULE_PATHNAME', 'vqc_score_skipped'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.score_overflowed(state vqc.score_state)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_score_overflowed'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.roc_auc_score(state vqc.score_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_roc_auc'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.average_precision_score(state vqc.score_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_average_precision'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.log_loss(state vqc.score_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_log_loss'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.brier_score_loss(state vqc.score_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_brier'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- not strict: NULL n_bins is the state's own (bins) or 5 (scores)
CREATE FUNCTION vqc.calibration_curve(state vqc.score_state, n_bins int4 DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_score_calibration_curve'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION vqc.calibration_error(state vqc.score_state, n_bins int4 DEFAULT NULL)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_calibration_error'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- the calibration aggregates' final functions (n_bins from the state)
CREATE FUNCTION vqc.calibration_curve_final(vqc.score_state)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_score_calibration_curve'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.calibration_error_final(vqc.score_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_calibration_error'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc.confusion_at_threshold(state vqc.score_state, threshold float8)
RETURNS vqc.confusion_state
AS 'MODULE_PATHNAME', 'vqc_score_confusion_at'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;


CREATE AGGREGATE vqc.score_agg(y_true int8, y_score float8) (
    SFUNC = vqc.score_transfn,
    STYPE = vqc.score_state,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.roc_auc_score(y_true int8, y_score float8) (
    SFUNC = vqc.score_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.roc_auc_score,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.average_precision_score(y_true int8, y_score float8) (
    SFUNC = vqc.score_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.average_precision_score,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.log_loss(y_true int8, y_pred float8) (
    SFUNC = vqc.score_sums_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.log_loss,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.brier_score_loss(y_true int8, y_prob float8) (
    SFUNC = vqc.score_sums_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.brier_score_loss,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_curve(y_true int8, y_prob float8) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_curve_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_curve(y_true int8, y_prob float8, n_bins int4) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_curve_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_error(y_true int8, y_prob float8) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_error_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_error(y_true int8, y_prob float8, n_bins int4) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_error_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.score_agg(y_true boolean, y_score float8) (
    SFUNC = vqc.score_transfn,
    STYPE = vqc.score_state,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.roc_auc_score(y_true boolean, y_score float8) (
    SFUNC = vqc.score_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.roc_auc_score,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.average_precision_score(y_true boolean, y_score float8) (
    SFUNC = vqc.score_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.average_precision_score,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.log_loss(y_true boolean, y_pred float8) (
    SFUNC = vqc.score_sums_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.log_loss,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.brier_score_loss(y_true boolean, y_prob float8) (
    SFUNC = vqc.score_sums_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.brier_score_loss,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_curve(y_true boolean, y_prob float8) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_curve_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_curve(y_true boolean, y_prob float8, n_bins int4) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_curve_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_error(y_true boolean, y_prob float8) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_error_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

CREATE AGGREGATE vqc.calibration_error(y_true boolean, y_prob float8, n_bins int4) (
    SFUNC = vqc.score_bins_transfn,
    STYPE = vqc.score_state,
    FINALFUNC = vqc.calibration_error_final,
    COMBINEFUNC = vqc.score_combinefn,
    PARALLEL = SAFE
);

-- ---------------------------------------------------------------------
-- Exact ROC AUC and average precision past vqc.exact_memory_limit, by
-- passes over the table and no sort of it: histograms of the scores' keys
-- (vqc.value_key) by label, refined (top 16, 32, 48, then all 64 bits)
-- where a range holds more scores than the limit; then the ranges, merged
-- into chunks of at most the limit, each collected by vqc.score_agg in a
-- pass (several chunks a pass while they fit) and reduced at once to its
-- part of the metric; the pairs across chunks, and a single value's ties
-- however many, come from the histogram's counts.
-- ---------------------------------------------------------------------

CREATE FUNCTION vqc._score_pairs(state vqc.score_state, pos bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_score_pairs'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION vqc._score_ap_part(state vqc.score_state, pos bigint, tp_above bigint,
                                   fp_above bigint, npos bigint)
RETURNS float8
AS 'MODULE_PATHNAME', 'vqc_score_ap_part'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- metric: 'roc_auc' or 'average_precision'.  y_true and y_score name
-- columns of target (y_true boolean or integer, y_score a number).
CREATE FUNCTION vqc._score_by_passes(target regclass, y_true text, y_score text, metric text,
                                     OUT value float8, OUT passes integer)
LANGUAGE plpgsql
AS $$
DECLARE
    fit     bigint := vqc._exact_fit();
    ytyp    regtype;
    styp    regtype;
    src     text;
    labels  bigint[];
    pos     bigint;
    npos    bigint;
    nneg    bigint;
    -- open key ranges (to refine), closed buckets (lo, hi, positives, negatives)
    olo     bigint[] := ARRAY[-9223372036854775808];
    ohi     bigint[] := ARRAY[9223372036854775807];
    blo     bigint[] := '{}';
    bhi     bigint[] := '{}';
    bp      bigint[] := '{}';
    bn      bigint[] := '{}';
    shift   int;
    g       record;
    nlo     bigint[];
    nhi     bigint[];
    -- chunks: key range, counts, and whether it is collected
    clo     bigint[] := '{}';
    chi     bigint[] := '{}';
    cp      bigint[] := '{}';
    cn      bigint[] := '{}';
    ccol    boolean[] := '{}';
    i       int;
    j       int;
    c       int;
    below   bigint;
    tp      bigint;
    fp      bigint;
    twice_u numeric := 0;
    ap      float8 := 0;
    batch   int[];
    total   bigint;
    states  vqc.score_state[];
    nan     boolean;
BEGIN
    IF metric NOT IN ('roc_auc', 'average_precision') THEN
        RAISE EXCEPTION 'unknown metric' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT a.atttypid INTO ytyp FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = target AND a.attname = y_true AND a.attnum > 0 AND NOT a.attisdropped;
    SELECT a.atttypid INTO styp FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = target AND a.attname = y_score AND a.attnum > 0 AND NOT a.attisdropped;
    IF ytyp IS NULL OR styp IS NULL THEN
        RAISE EXCEPTION 'column % or % of % does not exist', y_true, y_score, target USING ERRCODE = 'undefined_column';
    END IF;
    IF ytyp NOT IN ('boolean'::regtype, 'smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
        RAISE EXCEPTION 'y_true must be a boolean or integer column' USING ERRCODE = 'datatype_mismatch';
    END IF;
    src := format('(SELECT (%1$I)%2$s::pg_catalog.int8 AS y, (%3$I)::pg_catalog.float8 AS v, '
                  'vqc.value_key((%3$I)::pg_catalog.float8) AS k FROM %4$s WHERE %1$I IS NOT NULL AND %3$I IS NOT NULL) s',
                  y_true, CASE WHEN ytyp = 'boolean'::regtype THEN '::pg_catalog.int4' ELSE '' END, y_score, target);
    -- the labels (at most two) and no NaN, in a hash aggregate of y
    EXECUTE format('SELECT pg_catalog.array_agg(y ORDER BY y), pg_catalog.bool_or(nan) FROM '
                   '(SELECT y, pg_catalog.bool_or(v OPERATOR(pg_catalog.=) ''NaN''::pg_catalog.float8) AS nan '
                   '   FROM %s GROUP BY y LIMIT 3) l', src)
       INTO labels, nan;
    passes := 1;
    IF nan THEN
        RAISE EXCEPTION 'score is NaN' USING ERRCODE = 'numeric_value_out_of_range';
    END IF;
    IF cardinality(labels) > 2 THEN
        RAISE EXCEPTION 'y_true has more than two classes' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF labels IS NULL OR (metric = 'roc_auc' AND cardinality(labels) < 2) THEN
        value := NULL;
        RETURN;
    END IF;
    -- the positive label: the greater for ROC AUC, 1 for average precision
    pos := CASE WHEN metric = 'roc_auc' THEN labels[cardinality(labels)] ELSE 1 END;
    IF metric = 'average_precision' AND NOT pos = ANY (labels) THEN
        IF cardinality(labels) = 2 THEN
            RAISE EXCEPTION 'pos_label 1 is not one of the two classes' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        value := 0;
        RETURN;
    END IF;

    -- histograms of the keys, refined where a range holds more than fit scores
    FOREACH shift IN ARRAY ARRAY[48, 32, 16, 0] LOOP
        EXIT WHEN cardinality(olo) = 0;
        nlo := '{}';
        nhi := '{}';
        passes := passes + 1;
        FOR g IN EXECUTE format(
                'SELECT k OPERATOR(pg_catalog.>>) %s AS b, '
                '       pg_catalog.count(*) FILTER (WHERE y OPERATOR(pg_catalog.=) %L::pg_catalog.int8) AS p, '
                '       pg_catalog.count(*) FILTER (WHERE y OPERATOR(pg_catalog.<>) %L::pg_catalog.int8) AS n '
                '  FROM %s WHERE %s GROUP BY 1',
                shift, pos, pos, src,
                (SELECT pg_catalog.string_agg(format('(k OPERATOR(pg_catalog.>=) %L::pg_catalog.int8 AND k OPERATOR(pg_catalog.<=) %L::pg_catalog.int8)',
                                                     olo[o], ohi[o]), ' OR ')
                   FROM pg_catalog.generate_subscripts(olo, 1) o)) LOOP
            IF shift = 0 OR g.p + g.n <= fit THEN
                blo := blo || (g.b << shift);
                bhi := bhi || ((g.b << shift) + ((1::bigint << shift) - 1));
                bp := bp || g.p;
                bn := bn || g.n;
            ELSE
                nlo := nlo || (g.b << shift);
                nhi := nhi || ((g.b << shift) + ((1::bigint << shift) - 1));
            END IF;
        END LOOP;
        olo := nlo;
        ohi := nhi;
    END LOOP;

    -- buckets in key order, merged into chunks of at most fit scores; one
    -- value with more than fit scores is a chunk of ties, not collected
    SELECT pg_catalog.array_agg(l ORDER BY l), pg_catalog.array_agg(h ORDER BY l),
           pg_catalog.array_agg(p ORDER BY l), pg_catalog.array_agg(n ORDER BY l)
      INTO blo, bhi, bp, bn
      FROM unnest(blo, bhi, bp, bn) u(l, h, p, n);
    FOR i IN 1 .. coalesce(cardinality(blo), 0) LOOP
        IF bp[i] + bn[i] > fit THEN
            clo := clo || blo[i]; chi := chi || bhi[i]; cp := cp || bp[i]; cn := cn || bn[i]; ccol := ccol || false;
        ELSIF cardinality(clo) > 0 AND ccol[cardinality(clo)]
              AND cp[cardinality(clo)] + cn[cardinality(clo)] + bp[i] + bn[i] <= fit THEN
            c := cardinality(clo);
            chi[c] := bhi[i]; cp[c] := cp[c] + bp[i]; cn[c] := cn[c] + bn[i];
        ELSE
            clo := clo || blo[i]; chi := chi || bhi[i]; cp := cp || bp[i]; cn := cn || bn[i]; ccol := ccol || true;
        END IF;
    END LOOP;
    npos := (SELECT coalesce(sum(x), 0) FROM pg_catalog.unnest(cp) x);
    nneg := (SELECT coalesce(sum(x), 0) FROM pg_catalog.unnest(cn) x);
    IF metric = 'average_precision' AND npos = 0 THEN
        value := 0;
        RETURN;
    END IF;

    -- the chunks' parts: collected ones in passes of at most fit scores
    -- (and 50 chunks), ties from their counts
    i := 1;
    WHILE i <= cardinality(clo) LOOP
        batch := '{}';
        total := 0;
        WHILE i <= cardinality(clo) AND cardinality(batch) < 50 LOOP
            IF NOT ccol[i] THEN
                batch := batch || i;
                i := i + 1;
                CONTINUE;
            END IF;
            EXIT WHEN total + cp[i] + cn[i] > fit;
            total := total + cp[i] + cn[i];
            batch := batch || i;
            i := i + 1;
        END LOOP;
        states := NULL;
        IF (SELECT bool_or(ccol[b]) FROM pg_catalog.unnest(batch) b) THEN
            EXECUTE format('SELECT ARRAY[%s]::vqc.score_state[] FROM %s',
                           (SELECT pg_catalog.string_agg(CASE WHEN ccol[b]
                                   THEN format('vqc.score_agg(y, v) FILTER (WHERE k OPERATOR(pg_catalog.>=) %L::pg_catalog.int8 '
                                          'AND k OPERATOR(pg_catalog.<=) %L::pg_catalog.int8)', clo[b], chi[b])
                                   ELSE 'NULL' END, ', ' ORDER BY o)
                              FROM pg_catalog.unnest(batch) WITH ORDINALITY u(b, o)), src)
               INTO states;
            passes := passes + 1;
        END IF;
        FOR j IN 1 .. cardinality(batch) LOOP
            c := batch[j];
            below := (SELECT coalesce(sum(cn[x]), 0) FROM pg_catalog.generate_series(1, c - 1) x);
            IF metric = 'roc_auc' THEN
                twice_u := twice_u + 2::numeric * cp[c] * below
                           + CASE WHEN ccol[c] THEN coalesce(vqc._score_pairs(states[j], pos), 0)
                                  ELSE cp[c]::numeric * cn[c] END;
            ELSE
                tp := (SELECT coalesce(sum(cp[x]), 0) FROM pg_catalog.generate_series(c + 1, cardinality(clo)) x);
                fp := (SELECT coalesce(sum(cn[x]), 0) FROM pg_catalog.generate_series(c + 1, cardinality(clo)) x);
                ap := ap + CASE WHEN ccol[c] THEN coalesce(vqc._score_ap_part(states[j], pos, tp, fp, npos), 0)
                                WHEN cp[c] = 0 THEN 0
                                ELSE (cp[c]::float8 / npos) * ((tp + cp[c])::float8 / (tp + cp[c] + fp + cn[c])) END;
            END IF;
        END LOOP;
    END LOOP;
    value := CASE WHEN metric = 'roc_auc' THEN (twice_u / (2::numeric * npos * nneg))::float8 ELSE ap END;
END
$$;

CREATE FUNCTION vqc.roc_auc_score_by_passes(target regclass, y_true text, y_score text)
RETURNS float8
LANGUAGE sql
AS $$ SELECT value FROM vqc._score_by_passes(target, y_true, y_score, 'roc_auc') $$;
COMMENT ON FUNCTION vqc.roc_auc_score_by_passes(regclass, text, text) IS
    'Exact ROC AUC of columns y_true and y_score of a table within vqc.exact_memory_limit, by passes (no sort of the table).';

CREATE FUNCTION vqc.average_precision_score_by_passes(target regclass, y_true text, y_score text)
RETURNS float8
LANGUAGE sql
AS $$ SELECT value FROM vqc._score_by_passes(target, y_true, y_score, 'average_precision') $$;
COMMENT ON FUNCTION vqc.average_precision_score_by_passes(regclass, text, text) IS
    'Exact average precision of columns y_true and y_score of a table within vqc.exact_memory_limit, by passes (no sort of the table).';

-- ---------------------------------------------------------------------
-- model_expectations.sql: expectations on a model's predictions and labels
-- ---------------------------------------------------------------------
-- A classification metric, a score metric, and the gap of a metric between
-- segments (the model's bias threshold), planned as aggregate items of the
-- suite's one scan over the confusion and score states
-- (src/classification.sql, src/scores.sql).  PostgreSQL computes identical
-- aggregate calls once, so several metrics of one pair of columns share
-- one state.

INSERT INTO vqc.expectation_catalog VALUES
('expect_classification_metric_to_be_between', 'aggregate', '{y_true,y_pred,metric}',
 '{average,pos_label,beta,zero_division,weights,min_value,max_value,strict_min,strict_max}',
 'A classification metric of the predictions y_pred against the labels y_true (accuracy, balanced_accuracy, precision, recall, f1, fbeta, matthews_corrcoef, cohen_kappa; as scikit-learn defines them, with average, pos_label, beta, zero_division, weights) is within [min_value, max_value]; details hold the confusion matrix and each class''s precision, recall and F1.'),
('expect_score_metric_to_be_between', 'aggregate', '{y_true,y_score,metric}',
 '{n_bins,min_value,max_value,strict_min,strict_max}',
 'A metric of the scores y_score against binary labels y_true (roc_auc and average_precision, exact; log_loss, brier_score_loss, calibration_error with n_bins) is within [min_value, max_value].'),
('expect_regression_metric_to_be_between', 'aggregate', '{y_true,y_pred,metric}',
 '{min_value,max_value,strict_min,strict_max}',
 'A regression metric of the predictions y_pred against the actual values y_true (mean_absolute_error, mean_squared_error, root_mean_squared_error, mean_absolute_percentage_error, r2, max_error; as scikit-learn defines them) is within [min_value, max_value].'),
('expect_ranking_metric_to_be_between', 'aggregate', '{query,relevance,score,metric,k}',
 '{min_value,max_value,strict_min,strict_max}',
 'A ranking metric at k (ndcg, map, mrr, precision, recall, hit_rate), averaged over the queries (the values of column query) of the results ranked by score with relevance relevance, is within [min_value, max_value]. Computed in the suite''s scan; a pass of its own when the queries outgrow vqc.exact_memory_limit or the query column''s type has no hashing.'),
('expect_annotator_agreement_to_be_between', 'aggregate', '{item,label,metric}',
 '{annotator,level,weights,min_value,max_value,strict_min,strict_max}',
 'The agreement of the annotators'' labels (long format: one row per item, annotator and label; metric percent_agreement, fleiss_kappa, krippendorff_alpha with level nominal, ordinal or interval, cohen_kappa of two annotators with weights) is within [min_value, max_value].'),
('expect_metric_gap_between_segments_to_be_less_than', 'aggregate', '{y_true,y_pred,segment,metric,max_gap}',
 '{pos_label,min_segment_rows}',
 'The largest difference of a metric (recall, precision, f1, accuracy, positive_rate of pos_label) between the segments (the values of column segment) is at most max_gap: the model''s bias threshold. Details list every segment''s value; the segments at the two extremes are the failing ones.');

-- The label given as pos_label (a kwarg of any JSON type) as the text form
-- the confusion state keys classes by; NULL: the state's default (1).
CREATE FUNCTION vqc._kw_label(etype text, kwargs jsonb, key text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE jsonb_typeof(vqc._kw(etype, kwargs, key, '{string,number,boolean}'))
                WHEN 'string' THEN kwargs ->> key
                ELSE (kwargs -> key)::text END
$$;

-- The plan of a model expectation: its items and what its evaluation
-- needs, or NULL for any other type.
CREATE FUNCTION vqc._plan_model_metric(target regclass, plan jsonb, pidx integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype  text := plan ->> 'type';
    kwargs jsonb := plan -> 'kwargs';
    metric text;
    yt     record;
    yp     record;
    seg    record;
    lo     jsonb;
    hi     jsonb;
    state  text;
    item   text;
    scored jsonb;
BEGIN
    IF etype NOT IN ('expect_classification_metric_to_be_between', 'expect_score_metric_to_be_between',
                     'expect_metric_gap_between_segments_to_be_less_than', 'expect_regression_metric_to_be_between',
                     'expect_ranking_metric_to_be_between', 'expect_annotator_agreement_to_be_between') THEN
        RETURN NULL;
    END IF;
    metric := vqc._kw_text(etype, kwargs, 'metric');
    IF etype IN ('expect_ranking_metric_to_be_between', 'expect_annotator_agreement_to_be_between') THEN
        RETURN vqc._plan_model_metric_long(target, plan, pidx, metric);
    END IF;
    SELECT * INTO yt FROM vqc._column(target, vqc._kw_text(etype, kwargs, 'y_true'));
    SELECT * INTO yp FROM vqc._column(target, vqc._kw_text(etype, kwargs,
                                                          CASE WHEN etype LIKE '%score_metric%' THEN 'y_score' ELSE 'y_pred' END));
    IF etype <> 'expect_metric_gap_between_segments_to_be_less_than' THEN
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
        PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
    END IF;

    IF etype = 'expect_classification_metric_to_be_between' THEN
        IF metric NOT IN ('accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'fbeta',
                          'matthews_corrcoef', 'cohen_kappa') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        IF metric = 'fbeta' THEN
            PERFORM vqc._kw(etype, kwargs, 'beta', '{number}');
        END IF;
        -- the state itself is the item: the evaluation derives the metric and the per-class details
        RETURN vqc._model_value_plan(etype, kwargs, metric, format('cm%s', pidx),
                                     format('vqc.confusion_agg(%I, %I)', yt.attname, yp.attname), lo, hi)
               || jsonb_build_object('state_item', format('cm%s', pidx),
                                     'pos_label', vqc._kw_label(etype, kwargs, 'pos_label'));
    END IF;

    IF etype = 'expect_regression_metric_to_be_between' THEN
        IF yt.category <> 'N' OR yp.category <> 'N' THEN
            RAISE EXCEPTION '% needs numeric y_true and y_pred', etype USING ERRCODE = 'datatype_mismatch';
        END IF;
        -- the metric over the one regression state, which other metrics of
        -- the same columns share (the metric's own aggregate has the same
        -- transition and this final function: the same answer)
        item := format('vqc.%s(vqc.regression_agg(%I::pg_catalog.float8, %I::pg_catalog.float8))',
                       CASE metric WHEN 'mean_absolute_error' THEN 'mean_absolute_error' WHEN 'mean_squared_error' THEN 'mean_squared_error'
                                   WHEN 'root_mean_squared_error' THEN 'root_mean_squared_error'
                                   WHEN 'mean_absolute_percentage_error' THEN 'mean_absolute_percentage_error'
                                   WHEN 'r2' THEN 'r2_score' WHEN 'max_error' THEN 'max_error' END,
                       yt.attname, yp.attname);
        IF item IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        RETURN vqc._model_value_plan(etype, kwargs, metric, format('rm%s', pidx), item, lo, hi);
    END IF;

    IF etype = 'expect_score_metric_to_be_between' THEN
        IF yp.category <> 'N' THEN
            RAISE EXCEPTION '% needs a numeric y_score; column "%" is of type %', etype, yp.attname, yp.type_sql
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        IF vqc._base_type(yt.type_sql::regtype) NOT IN ('boolean'::regtype, 'smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
            RAISE EXCEPTION '% needs binary labels (boolean or integer 0/1); column "%" is of type %', etype, yt.attname, yt.type_sql
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        state := format('%I::%s, %I::pg_catalog.float8', yt.attname,
                        CASE WHEN vqc._base_type(yt.type_sql::regtype) = 'boolean'::regtype THEN 'pg_catalog.bool' ELSE 'pg_catalog.int8' END,
                        yp.attname);
        item := CASE metric
            WHEN 'roc_auc' THEN format('CASE WHEN vqc.score_overflowed(vqc.score_agg(%1$s)) THEN NULL ELSE vqc.roc_auc_score(vqc.score_agg(%1$s)) END', state)
            WHEN 'average_precision' THEN format('CASE WHEN vqc.score_overflowed(vqc.score_agg(%1$s)) THEN NULL ELSE vqc.average_precision_score(vqc.score_agg(%1$s)) END', state)
            WHEN 'log_loss' THEN format('vqc.log_loss(%s)', state)
            WHEN 'brier_score_loss' THEN format('vqc.brier_score_loss(%s)', state)
            WHEN 'calibration_error' THEN format('vqc.calibration_error(%s, %s::pg_catalog.int4)', state,
                                                 greatest(coalesce(vqc._kw_int(etype, kwargs, 'n_bins'), 10), 1))
        END;
        IF item IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        scored := vqc._model_value_plan(etype, kwargs, metric, format('sm%s', pidx), item, lo, hi)
                  || jsonb_build_object('overflow_item', format('so%s', pidx), 'y_true', yt.attname, 'y_score', yp.attname);
        IF metric IN ('roc_auc', 'average_precision') THEN
            scored := jsonb_set(scored, '{items}', (scored -> 'items')
                                || jsonb_build_object(format('so%s', pidx), format('vqc.score_overflowed(vqc.score_agg(%s))', state)));
        END IF;
        RETURN scored;
    END IF;

    -- the gap between segments: one confusion state of (segment, label)
    -- pairs, split by segment when evaluated
    IF metric NOT IN ('recall', 'precision', 'f1', 'accuracy', 'positive_rate') THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
    END IF;
    IF (vqc._kw(etype, kwargs, 'max_gap', '{number}'))::numeric < 0 THEN
        PERFORM vqc._bad_kwarg(etype, 'max_gap cannot be negative');
    END IF;
    SELECT * INTO seg FROM vqc._column(target, vqc._kw_text(etype, kwargs, 'segment'));
    state := format('vqc.confusion_agg(pg_catalog.jsonb_build_array(%1$I, %2$I)::pg_catalog.text, '
                    'pg_catalog.jsonb_build_array(%1$I, %3$I)::pg_catalog.text)', seg.attname, yt.attname, yp.attname);
    RETURN jsonb_build_object('evaluator', 'model_metric', 'metric', metric,
                              'items', jsonb_build_object(format('sg%s', pidx), state),
                              'state_item', format('sg%s', pidx),
                              'pos_label', coalesce(kwargs -> 'pos_label', '1'),
                              'min_rows', greatest(coalesce(vqc._kw_int(etype, kwargs, 'min_segment_rows'), 1), 1),
                              'max_gap', kwargs -> 'max_gap');
END
$$;

-- The plan of a model expectation whose metric is one item of the scan.
CREATE FUNCTION vqc._model_value_plan(etype text, kwargs jsonb, metric text, item_name text, item_sql text,
                                      lo jsonb, hi jsonb)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object('evaluator', 'model_metric', 'metric', metric,
                              'items', CASE WHEN item_name IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(item_name, item_sql) END,
                              'value_item', item_name,
                              'compare_type', 'numeric', 'min_value', lo, 'max_value', hi,
                              'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
                              'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false))
$$;

-- The plans of the long-format expectations: annotators' agreement and
-- ranking metrics (aggregates of the scan).
CREATE FUNCTION vqc._plan_model_metric_long(target regclass, plan jsonb, pidx integer, metric text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype  text := plan ->> 'type';
    kwargs jsonb := plan -> 'kwargs';
    lo     jsonb;
    hi     jsonb;
    c      record;
    cols   name[] := '{}';
    types  regtype[] := '{}';
    k      text;
    item   text;
BEGIN
    SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
    PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
    FOREACH k IN ARRAY CASE WHEN etype = 'expect_ranking_metric_to_be_between' THEN ARRAY['query', 'relevance', 'score']
                            WHEN metric IN ('krippendorff_alpha', 'cohen_kappa') THEN ARRAY['item', 'annotator', 'label']
                            ELSE ARRAY['item', 'label'] END LOOP
        SELECT * INTO c FROM vqc._column(target, vqc._kw_text(etype, kwargs, k));
        cols := cols || c.attname;
        types := types || c.type_sql::regtype;
    END LOOP;
    IF etype = 'expect_ranking_metric_to_be_between' THEN
        IF metric NOT IN ('ndcg', 'map', 'mrr', 'precision', 'recall', 'hit_rate') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
        END IF;
        IF vqc._kw_int(etype, kwargs, 'k') NOT BETWEEN 1 AND 1000000 THEN
            PERFORM vqc._bad_kwarg(etype, 'k must be between 1 and 1000000');
        END IF;
        -- an aggregate of the scan over all queries (vqc._ranking_metrics_all_soft,
        -- which says when the queries outgrow vqc.exact_memory_limit); a query
        -- type without hashing, or that overflow: a pass of its own at evaluation
        -- (Citus pushes down no aggregate of an internal state: there, the pass)
        IF vqc._default_opclass(types[1], 'hash') IS NOT NULL AND NOT vqc._citus_distributed(target) THEN
            item := format('vqc._ranking_metrics_all_soft(%I, (%I)::pg_catalog.float8, (%I)::pg_catalog.float8, %s)',
                           cols[1], cols[2], cols[3], (kwargs ->> 'k')::int);
        END IF;
        RETURN vqc._model_value_plan(etype, kwargs, metric, NULL, NULL, lo, hi) - 'value_item'
               || jsonb_build_object('items', CASE WHEN item IS NULL THEN '{}'::jsonb
                                                   ELSE jsonb_build_object(format('rk%s', pidx), item) END,
                                     'ranking_item', CASE WHEN item IS NOT NULL THEN format('rk%s', pidx) END,
                                     'ranking_columns', to_jsonb(cols), 'k', (kwargs ->> 'k')::int,
                                     'explain_note', CASE WHEN item IS NULL
                                         THEN 'the metric takes a pass grouped by query (the query column''s type has no hashing, or the table is distributed)'
                                         ELSE 'if the queries outgrow vqc.exact_memory_limit, the metric takes a pass of its own' END);
    END IF;
    item := CASE metric
        WHEN 'percent_agreement' THEN format('vqc.percent_agreement(%I, %I)', cols[1], cols[2])
        WHEN 'fleiss_kappa' THEN format('vqc.fleiss_kappa(%I, %I)', cols[1], cols[2])
        WHEN 'krippendorff_alpha' THEN format('vqc.krippendorff_alpha(%I, %I, %I, %L)', cols[1], cols[2], cols[3],
                                              coalesce(vqc._kw_text(etype, kwargs, 'level'), 'nominal'))
        WHEN 'cohen_kappa' THEN format('vqc.cohen_kappa(%I, %I, %I%s)', cols[1], cols[2], cols[3],
                                       coalesce(format(', %L', vqc._kw_text(etype, kwargs, 'weights')), ''))
    END;
    IF item IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', left(metric, 100)));
    END IF;
    IF kwargs ? 'level' AND kwargs ->> 'level' NOT IN ('nominal', 'ordinal', 'interval') THEN
        PERFORM vqc._bad_kwarg(etype, 'level is nominal, ordinal or interval');
    END IF;
    RETURN vqc._model_value_plan(etype, kwargs, metric, format('ag%s', pidx), item, lo, hi);
END
$$;

-- Each segment's metric from the confusion matrix of (segment, label)
-- pairs: rows {segment (jsonb), value, rows}, for segments with at least
-- min_rows rows where the metric is defined (a segment without positives
-- has no recall).
CREATE FUNCTION vqc._segment_metrics(matrix jsonb, metric text, pos_label jsonb, min_rows bigint)
RETURNS TABLE (segment jsonb, value double precision, rows bigint)
LANGUAGE sql IMMUTABLE
AS $$
    WITH cells AS (
        SELECT (matrix -> 'labels' ->> (i - 1))::jsonb AS t, (matrix -> 'labels' ->> (j - 1))::jsonb AS p,
               (matrix -> 'matrix' -> (i - 1) ->> (j - 1))::bigint AS n
          FROM generate_series(1, jsonb_array_length(matrix -> 'labels')) i,
               generate_series(1, jsonb_array_length(matrix -> 'labels')) j),
    seg AS (
        SELECT t -> 0 AS segment, sum(n) AS rows,
               sum(n) FILTER (WHERE t -> 1 = p -> 1) AS correct,
               sum(n) FILTER (WHERE t -> 1 = pos_label AND p -> 1 = pos_label) AS tp,
               sum(n) FILTER (WHERE t -> 1 = pos_label) AS actual,
               sum(n) FILTER (WHERE p -> 1 = pos_label) AS predicted
          FROM cells
         WHERE t -> 0 = p -> 0
         GROUP BY t -> 0)
    SELECT segment,
           CASE metric
               WHEN 'recall' THEN tp::float8 / nullif(actual, 0)
               WHEN 'precision' THEN tp::float8 / nullif(predicted, 0)
               WHEN 'f1' THEN 2 * tp::float8 / nullif(actual + predicted, 0)
               WHEN 'accuracy' THEN correct::float8 / nullif(rows, 0)
               WHEN 'positive_rate' THEN predicted::float8 / nullif(rows, 0) END,
           rows
      FROM seg
     WHERE rows >= min_rows
$$;

-- Evaluates a model expectation from the scan's values.
CREATE FUNCTION vqc._evaluate_model_metric(target regclass, plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    etype    text := plan ->> 'type';
    metric   text := plan ->> 'metric';
    kwargs   jsonb := plan -> 'kwargs';
    st       vqc.confusion_state;
    observed double precision;
    details  jsonb := '{}';
    extra    integer := 0;
    ok       boolean;
    segs     jsonb;
BEGIN
    IF etype = 'expect_classification_metric_to_be_between' THEN
        st := (vals ->> (plan ->> 'state_item'))::vqc.confusion_state;
        observed := CASE metric
            WHEN 'accuracy' THEN vqc.accuracy_score(st)
            WHEN 'balanced_accuracy' THEN vqc.balanced_accuracy_score(st)
            WHEN 'matthews_corrcoef' THEN vqc.matthews_corrcoef(st)
            WHEN 'cohen_kappa' THEN vqc.cohen_kappa_score(st, kwargs ->> 'weights')
            WHEN 'precision' THEN vqc.precision_score(st, coalesce(kwargs ->> 'average', 'binary'), plan ->> 'pos_label', coalesce(kwargs ->> 'zero_division', 'warn'))
            WHEN 'recall' THEN vqc.recall_score(st, coalesce(kwargs ->> 'average', 'binary'), plan ->> 'pos_label', coalesce(kwargs ->> 'zero_division', 'warn'))
            WHEN 'f1' THEN vqc.f1_score(st, coalesce(kwargs ->> 'average', 'binary'), plan ->> 'pos_label', coalesce(kwargs ->> 'zero_division', 'warn'))
            WHEN 'fbeta' THEN vqc.fbeta_score(st, (kwargs ->> 'beta')::float8, coalesce(kwargs ->> 'average', 'binary'), plan ->> 'pos_label', coalesce(kwargs ->> 'zero_division', 'warn'))
        END;
        details := jsonb_build_object('confusion_matrix', vqc.confusion_matrix(st),
                                      'per_class', vqc.precision_recall_fscore_support(st, 1, NULL, NULL, coalesce(kwargs ->> 'zero_division', 'warn')),
                                      'rows', vqc.confusion_count(st), 'skipped_null_rows', vqc.confusion_skipped(st));
        ok := vqc._within_bounds(plan, observed::text);
    ELSIF etype = 'expect_ranking_metric_to_be_between' THEN
        details := (vals ->> (plan ->> 'ranking_item'))::jsonb;
        IF details IS NULL OR details ? 'overflow' THEN
            -- not in the scan, or past the memory limit there: a pass of its
            -- own (vqc.ranking_report, which may group by query), as the caller
            details := vqc.ranking_report(target, plan -> 'ranking_columns' ->> 0, plan -> 'ranking_columns' ->> 1,
                                          plan -> 'ranking_columns' ->> 2, (plan ->> 'k')::int);
            extra := 1;
        END IF;
        observed := (details ->> metric)::float8;
        ok := vqc._within_bounds(plan, observed::text);
    ELSIF plan ? 'value_item' THEN
        observed := (vals ->> (plan ->> 'value_item'))::float8;
        IF coalesce((vals ->> (plan ->> 'overflow_item'))::boolean, false) THEN
            -- more scores than vqc.exact_memory_limit: exact by passes
            observed := CASE metric
                WHEN 'roc_auc' THEN vqc.roc_auc_score_by_passes(target, plan ->> 'y_true', plan ->> 'y_score')
                ELSE vqc.average_precision_score_by_passes(target, plan ->> 'y_true', plan ->> 'y_score') END;
            extra := 1;
            details := jsonb_build_object('by_passes', true);
        END IF;
        ok := vqc._within_bounds(plan, observed::text);
    ELSE
        SELECT jsonb_agg(jsonb_build_object('segment', m.segment, 'value', m.value, 'rows', m.rows) ORDER BY m.value, m.segment::text),
               max(m.value) - min(m.value)
          INTO segs, observed
          FROM vqc._segment_metrics(vqc.confusion_matrix((vals ->> (plan ->> 'state_item'))::vqc.confusion_state),
                                    metric, plan -> 'pos_label', (plan ->> 'min_rows')::bigint) m
         WHERE m.value IS NOT NULL;
        ok := observed IS NOT NULL AND observed <= (plan ->> 'max_gap')::float8;
        details := jsonb_build_object('metric', metric, 'segments', coalesce(segs, '[]'),
                                      'failing_segments', CASE WHEN ok IS FALSE AND jsonb_array_length(segs) > 1
                                                               THEN jsonb_build_array(segs -> 0 -> 'segment', segs -> -1 -> 'segment')
                                                               ELSE '[]' END);
    END IF;
    RETURN jsonb_build_object(
        'success', coalesce(ok, false),
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', to_jsonb(observed), 'details', details) END,
        'samples', '[]'::jsonb, 'extra_scans', extra);
END
$$;

-- Typed wrappers, as for every expectation (src/sql/wrappers.sql).
CREATE FUNCTION vqc.expect_classification_metric_to_be_between(target regclass, y_true text, y_pred text, metric text,
    min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, average text DEFAULT NULL, pos_label text DEFAULT NULL,
    beta numeric DEFAULT NULL, zero_division text DEFAULT NULL, weights text DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_classification_metric_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('y_true', y_true, 'y_pred', y_pred, 'metric', metric,
                                                             'min_value', min_value, 'max_value', max_value, 'average', average,
                                                             'pos_label', pos_label, 'beta', beta, 'zero_division', zero_division,
                                                             'weights', weights)), result_format) $$;

CREATE FUNCTION vqc.expect_score_metric_to_be_between(target regclass, y_true text, y_score text, metric text,
    min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, n_bins integer DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_score_metric_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('y_true', y_true, 'y_score', y_score, 'metric', metric,
                                                             'min_value', min_value, 'max_value', max_value, 'n_bins', n_bins)),
                        result_format) $$;

CREATE FUNCTION vqc.expect_metric_gap_between_segments_to_be_less_than(target regclass, y_true text, y_pred text,
    segment text, metric text, max_gap numeric, pos_label jsonb DEFAULT NULL, min_segment_rows integer DEFAULT NULL,
    result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_metric_gap_between_segments_to_be_less_than',
                        jsonb_strip_nulls(jsonb_build_object('y_true', y_true, 'y_pred', y_pred, 'segment', segment,
                                                             'metric', metric, 'max_gap', max_gap, 'pos_label', pos_label,
                                                             'min_segment_rows', min_segment_rows)), result_format) $$;

CREATE FUNCTION vqc.expect_regression_metric_to_be_between(target regclass, y_true text, y_pred text, metric text,
    min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_regression_metric_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('y_true', y_true, 'y_pred', y_pred, 'metric', metric,
                                                             'min_value', min_value, 'max_value', max_value)), result_format) $$;

CREATE FUNCTION vqc.expect_ranking_metric_to_be_between(target regclass, query text, relevance text, score text, metric text,
    k integer, min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_ranking_metric_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('query', query, 'relevance', relevance, 'score', score,
                                                             'metric', metric, 'k', k, 'min_value', min_value,
                                                             'max_value', max_value)), result_format) $$;

CREATE FUNCTION vqc.expect_annotator_agreement_to_be_between(target regclass, item text, label text, metric text,
    annotator text DEFAULT NULL, level text DEFAULT NULL, weights text DEFAULT NULL,
    min_value numeric DEFAULT NULL, max_value numeric DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_annotator_agreement_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('item', item, 'label', label, 'metric', metric,
                                                             'annotator', annotator, 'level', level, 'weights', weights,
                                                             'min_value', min_value, 'max_value', max_value)), result_format) $$;

-- Every model metric of every run, for dashboards: one row per run and
-- model expectation (security_invoker: the reader's rights apply).
CREATE VIEW vqc_report.model_metrics WITH (security_invoker = true) AS
SELECT r.run_id, r.started_at, r.suite_name, r.target_schema, r.target_table,
       res.position, res.expectation_id, res.expectation_type,
       res.kwargs ->> 'metric' AS metric,
       coalesce(res.kwargs ->> 'y_pred', res.kwargs ->> 'y_score', res.kwargs ->> 'score') AS predictions,
       coalesce(res.kwargs ->> 'y_true', res.kwargs ->> 'relevance', res.kwargs ->> 'label') AS labels,
       coalesce(res.kwargs ->> 'segment', res.kwargs ->> 'query', res.kwargs ->> 'item') AS segment,
       m.value, res.kwargs ->> 'min_value' AS min_value,
       coalesce(res.kwargs ->> 'max_value', res.kwargs ->> 'max_gap') AS max_value,
       res.status
  FROM vqc_report.run r
  JOIN vqc_report.result res USING (run_id)
  LEFT JOIN vqc_report.metric m ON m.run_id = res.run_id AND m.position = res.position AND m.metric_name = 'observed_value'
 WHERE res.expectation_type IN ('expect_classification_metric_to_be_between', 'expect_score_metric_to_be_between',
                                'expect_metric_gap_between_segments_to_be_less_than', 'expect_regression_metric_to_be_between',
                                'expect_ranking_metric_to_be_between', 'expect_annotator_agreement_to_be_between');
COMMENT ON VIEW vqc_report.model_metrics IS
    'Every model metric of every run (classification and score metrics, gaps between segments) with its bounds and status, for dashboards.';

-- ---------------------------------------------------------------------
-- freshness.sql: the newest value of a date or time column, against the
-- run's time
-- ---------------------------------------------------------------------

INSERT INTO vqc.expectation_catalog VALUES
('expect_row_values_to_have_recent_data', 'aggregate', '{column,interval}', '{datepart}',
 'The newest value of the date or timestamp column is at most interval dateparts (datepart: year, month, week, day (default), hour, minute, second) before the run''s time, as dbt-expectations'' test of that name.');

-- The plan of a freshness check, or NULL for any other type.
CREATE FUNCTION vqc._plan_freshness(target regclass, plan jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype    text := plan ->> 'type';
    kwargs   jsonb := plan -> 'kwargs';
    datepart text;
    amount   integer;
BEGIN
    IF etype <> 'expect_row_values_to_have_recent_data' THEN
        RETURN NULL;
    END IF;
    IF vqc._base_type((plan ->> 'type_sql')::regtype) NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
        RAISE EXCEPTION '% needs a date or timestamp column; column "%" is of type %', etype, plan ->> 'column', plan ->> 'type_sql'
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    datepart := lower(coalesce(vqc._kw_text(etype, kwargs, 'datepart'), 'day'));
    IF datepart NOT IN ('year', 'month', 'week', 'day', 'hour', 'minute', 'second') THEN
        PERFORM vqc._bad_kwarg(etype, 'datepart is year, month, week, day, hour, minute or second');
    END IF;
    amount := vqc._kw_int(etype, kwargs, 'interval');
    IF amount < 0 THEN
        PERFORM vqc._bad_kwarg(etype, 'interval cannot be negative');
    END IF;
    RETURN jsonb_build_object('evaluator', 'freshness',
                              'items', jsonb_build_object(format('fr%s', plan ->> 'position'),
                                                          format('pg_catalog.max(%I)::pg_catalog.timestamptz', plan ->> 'column')),
                              'value_item', format('fr%s', plan ->> 'position'),
                              'max_age', format('%s %ss', amount, datepart));
END
$$;

-- Evaluates a freshness check: success when the newest value is no older
-- than the allowed age at the time of the evaluation (an empty column
-- fails).  The result holds the newest value and the allowed age, not the
-- time of the evaluation: equal data give equal results.
CREATE FUNCTION vqc._evaluate_freshness(plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    newest  timestamptz := (vals ->> (plan ->> 'value_item'))::timestamptz;
    oldest  timestamptz := clock_timestamp() - (plan ->> 'max_age')::interval;
BEGIN
    RETURN jsonb_build_object(
        'success', coalesce(newest >= oldest, false),
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', to_jsonb(newest),
                                               'details', jsonb_build_object('max_age', plan ->> 'max_age')) END,
        'samples', '[]'::jsonb, 'extra_scans', 0);
END
$$;

CREATE FUNCTION vqc.expect_row_values_to_have_recent_data(target regclass, "column" text, "interval" integer,
                                                          datepart text DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_row_values_to_have_recent_data',
                        jsonb_strip_nulls(jsonb_build_object('column', "column", 'interval', "interval", 'datepart', datepart)),
                        result_format) $$;

-- What PostgreSQL's statistics tell of a table without a scan: its size and
-- its writes since the statistics were reset, and when it was last vacuumed
-- and analyzed.  PostgreSQL keeps no time of a table's last write, so
-- "answerable" says what the statistics cannot answer (the newest row's
-- time needs expect_row_values_to_have_recent_data, a scan).
CREATE FUNCTION vqc.table_activity(target regclass)
RETURNS jsonb
LANGUAGE sql STABLE STRICT
AS $$
    SELECT jsonb_build_object(
               'table', target::text,
               'rows_estimate', c.reltuples::bigint,
               'live_rows', s.n_live_tup, 'dead_rows', s.n_dead_tup,
               'inserted', s.n_tup_ins, 'updated', s.n_tup_upd, 'deleted', s.n_tup_del,
               'modified_since_analyze', s.n_mod_since_analyze,
               'inserted_since_vacuum', s.n_ins_since_vacuum,
               'last_analyze', greatest(s.last_analyze, s.last_autoanalyze),
               'last_vacuum', greatest(s.last_vacuum, s.last_autovacuum),
               'stats_reset', d.stats_reset,
               'answerable', jsonb_build_object(
                   'volume', s.relid IS NOT NULL,
                   'writes_since_reset', s.relid IS NOT NULL,
                   'last_write_time', false,
                   'note', 'PostgreSQL keeps no time of a table''s last write: counts are since the statistics were reset (stats_reset); the newest row''s time needs a scan (expect_row_values_to_have_recent_data).'))
      FROM pg_class c
      LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
      LEFT JOIN pg_stat_database d ON d.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
     WHERE c.oid = target
$$;
COMMENT ON FUNCTION vqc.table_activity(regclass) IS
    'A table''s size, writes since the statistics were reset and last vacuum and analyze, from PostgreSQL''s statistics, without a scan; says what they cannot answer.';

-- The latest freshness check of each suite's expectation, for dashboards.
CREATE VIEW vqc_report.freshness WITH (security_invoker = true) AS
SELECT DISTINCT ON (res.expectation_id)
       r.suite_name, r.target_schema, r.target_table, res.column_name, r.run_id, r.started_at AS checked_at,
       (d.observed_value #>> '{}')::timestamptz AS newest_value,
       d.result #>> '{result,details,max_age}' AS max_age,
       r.started_at - (d.observed_value #>> '{}')::timestamptz AS age_at_check,
       res.status
  FROM vqc_report.run r
  JOIN vqc_report.result res USING (run_id)
  LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
 WHERE res.expectation_type = 'expect_row_values_to_have_recent_data'
 ORDER BY res.expectation_id, r.run_id DESC;
COMMENT ON VIEW vqc_report.freshness IS
    'The latest freshness check of each expectation: the newest value seen, the allowed age, the age at the check, the status (the newest value is a row value: NULL where the reader may not see the table''s values).';
-- history.sql: expectations of kind 'history' (issue #13, point 1), which
-- compare a metric of this run with the same metric in the suite's earlier
-- runs, read from vqc_report as the caller.
--
-- The metric of this run comes from the suite's one scan (the items of the
-- planner: count(*), count(col), avg(col), ...), or from the result of an
-- earlier expectation of the same suite (kwarg expectation_id).  Its series:
--   row_count                   the suite's row_count metric of every run;
--   another expectation's       that expectation's metric rows, by its id;
--   any other table/column one  this expectation's own observed values, by its id;
-- in every case runs of the same suite only, results with status 'error' left
-- out, oldest first.  Too little history passes, saying so in
-- result.details.reason = 'insufficient_history' (see README).

INSERT INTO vqc.expectation_catalog VALUES
('expect_metric_change_to_be_between', 'history', '{metric}',
 '{column,expectation_id,compare_to,n,window,change,min_value,max_value,strict_min,strict_max}',
 'vqc extension: the change of a metric (absolute, or relative to the reference) against the previous run, the mean of the last n runs or of a time window is within [min_value, max_value].'),
('expect_metric_to_not_be_anomalous', 'history', '{metric,strategy}',
 '{column,expectation_id,n,window,min_value,max_value,lower_deviation_factor,upper_deviation_factor,warm_up,ignore_anomalies,season,seasonal_periods,alpha,beta,gamma}',
 'vqc extension: the metric of this run is not an anomaly of its history (strategy: simple_thresholds, absolute_change, relative_rate_of_change, online_normal, batch_normal, holt_winters).');

-- ---------------------------------------------------------------------------
-- planning

-- Metrics of the table or a column this check computes in the scan.
CREATE FUNCTION vqc._history_metrics()
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['row_count', 'missing_count', 'missing_percent', 'null_fraction',
                   'mean', 'stdev', 'sum', 'min', 'max'] $$;

-- Metrics a suite records for each expectation (see vqc._record_run_write_result).
CREATE FUNCTION vqc._history_result_metrics()
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['observed_value', 'element_count', 'missing_count', 'missing_percent',
                   'unexpected_count', 'unexpected_percent'] $$;

-- A number argument in [lo, hi], or default_value.
CREATE FUNCTION vqc._kw_number_in(etype text, kwargs jsonb, key text, lo float8, hi float8, default_value float8)
RETURNS float8
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v float8 := (vqc._kw(etype, kwargs, key, '{number}'))::float8;
BEGIN
    IF v IS NULL THEN
        RETURN default_value;
    END IF;
    IF v < lo OR v > hi THEN
        PERFORM vqc._bad_kwarg(etype, format('argument "%s" must be between %s and %s', key, lo, hi));
    END IF;
    RETURN v;
END
$$;

-- A positive integer argument, or NULL.
CREATE FUNCTION vqc._kw_positive(etype text, kwargs jsonb, key text)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v integer := vqc._kw_int(etype, kwargs, key);
BEGIN
    IF v < 1 THEN
        PERFORM vqc._bad_kwarg(etype, format('argument "%s" must be a positive integer', key));
    END IF;
    RETURN v;
END
$$;

-- What the check computes in the scan: {"items", "metric_sql"} where
-- metric_sql names how vqc._history_value combines the items.
CREATE FUNCTION vqc._history_metric_plan(target regclass, etype text, kwargs jsonb, pidx integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    metric  text := vqc._kw_text(etype, kwargs, 'metric');
    ref     integer := vqc._kw_positive(etype, kwargs, 'expectation_id');
    colname text := vqc._kw_text(etype, kwargs, 'column');
    col     record;
    qcol    text := quote_ident(colname);
    nn      text := format('nn:%s', colname);
    v       text := format('hv%s', pidx);
BEGIN
    IF ref IS NOT NULL THEN
        IF NOT metric = ANY (vqc._history_result_metrics()) THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s" of an expectation', metric),
                                   format('An expectation''s metric is one of %s.',
                                          array_to_string(vqc._history_result_metrics(), ', ')));
        END IF;
        IF colname IS NOT NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'argument "column" cannot be given with "expectation_id"');
        END IF;
        RETURN jsonb_build_object('metric', metric, 'expectation_ref', ref, 'items', '{}'::jsonb);
    END IF;
    IF NOT metric = ANY (vqc._history_metrics()) THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', metric),
                               format('A metric is one of %s, or a metric of another expectation of the suite (with expectation_id).',
                                      array_to_string(vqc._history_metrics(), ', ')));
    END IF;
    IF metric = 'row_count' THEN
        IF colname IS NOT NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'metric "row_count" takes no "column"');
        END IF;
        RETURN jsonb_build_object('metric', metric, 'items', jsonb_build_object('n', 'pg_catalog.count(*)'),
                                  'value_sql', 'n');
    END IF;
    IF colname IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('metric "%s" needs argument "column"', metric));
    END IF;
    SELECT * INTO col FROM vqc._column(target, colname);
    IF metric IN ('missing_count', 'missing_percent', 'null_fraction') THEN
        RETURN jsonb_build_object('metric', metric, 'value_sql', metric, 'nonnull', nn,
                                  'items', jsonb_build_object('n', 'pg_catalog.count(*)',
                                                              nn, format('pg_catalog.count(%s)', qcol)));
    END IF;
    IF col.category <> 'N' THEN
        RAISE EXCEPTION 'metric "%" needs a numeric column; column "%" is of type %', metric, colname, col.type_sql
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    RETURN jsonb_build_object('metric', metric, 'value_sql', 'item', 'value_item', v,
                              'items', jsonb_build_object(v, format(CASE metric
                                  -- the same text as the aggregate kind's: one aggregate call in the scan
                                  WHEN 'mean'  THEN 'pg_catalog.avg(%s)::pg_catalog.float8'
                                  WHEN 'stdev' THEN 'pg_catalog.stddev_samp(%s)::pg_catalog.float8'
                                  WHEN 'sum'   THEN 'pg_catalog.sum(%s)::pg_catalog.float8'
                                  WHEN 'min'   THEN 'pg_catalog.min(%s)::pg_catalog.float8'
                                  WHEN 'max'   THEN 'pg_catalog.max(%s)::pg_catalog.float8' END, qcol)));
END
$$;

-- The period of a seasonal strategy, in runs.
CREATE FUNCTION vqc._history_period(etype text, kwargs jsonb)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    season text := vqc._kw_text(etype, kwargs, 'season');
    m      integer := vqc._kw_int(etype, kwargs, 'seasonal_periods');
BEGIN
    IF season IS NOT NULL AND season NOT IN ('daily', 'weekly') THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown season "%s"', season),
                               'season is "daily" (24 hourly runs) or "weekly" (7 daily runs), or give seasonal_periods.');
    END IF;
    IF m IS NOT NULL AND m < 2 THEN
        PERFORM vqc._bad_kwarg(etype, 'argument "seasonal_periods" must be at least 2');
    END IF;
    m := coalesce(m, CASE season WHEN 'daily' THEN 24 WHEN 'weekly' THEN 7 END);
    IF m IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, 'strategy "holt_winters" needs argument "season" or "seasonal_periods"');
    END IF;
    RETURN m;
END
$$;

-- Plan of a history expectation (called by vqc._plan): the metric's items
-- and every argument checked; the expectation's id is added by
-- vqc._history_bind when a suite runs it.
CREATE FUNCTION vqc._plan_history(target regclass, etype text, kwargs jsonb, pidx integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    plan     jsonb := vqc._history_metric_plan(target, etype, kwargs, pidx);
    n        integer := vqc._kw_positive(etype, kwargs, 'n');
    win      text := vqc._kw_text(etype, kwargs, 'window');
    win_iv   interval;
    lo       jsonb;
    hi       jsonb;
    strategy text;
    compare  text;
    needed   integer := 0;
    m        integer;
    bounded  boolean := true;
BEGIN
    IF win IS NOT NULL THEN
        BEGIN
            win_iv := win::interval;
        EXCEPTION WHEN data_exception THEN
            PERFORM vqc._bad_kwarg(etype, 'argument "window" must be an interval such as ''7 days''');
        END;
        IF win_iv <= interval '0' THEN
            PERFORM vqc._bad_kwarg(etype, 'argument "window" must be a positive interval');
        END IF;
    END IF;

    IF etype = 'expect_metric_change_to_be_between' THEN
        compare := coalesce(vqc._kw_text(etype, kwargs, 'compare_to'), 'previous');
        IF compare NOT IN ('previous', 'mean_of_last_n', 'window') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown compare_to "%s"', compare),
                                   'compare_to is "previous", "mean_of_last_n" (with n) or "window" (with window).');
        END IF;
        IF compare = 'mean_of_last_n' AND n IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'compare_to "mean_of_last_n" needs argument "n"');
        ELSIF compare = 'window' AND win IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'compare_to "window" needs argument "window"');
        END IF;
        IF coalesce(vqc._kw_text(etype, kwargs, 'change'), 'absolute') NOT IN ('absolute', 'relative') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown change "%s"', vqc._kw_text(etype, kwargs, 'change')),
                                   'change is "absolute" (this run minus the reference) or "relative" (that divided by |reference|).');
        END IF;
        needed := CASE compare WHEN 'mean_of_last_n' THEN n ELSE 1 END;
        plan := plan || jsonb_build_object(
            'compare_to', compare,
            'change', coalesce(vqc._kw_text(etype, kwargs, 'change'), 'absolute'),
            'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
            'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false));
    ELSE
        strategy := vqc._kw_text(etype, kwargs, 'strategy');
        IF strategy NOT IN ('simple_thresholds', 'absolute_change', 'relative_rate_of_change',
                            'online_normal', 'batch_normal', 'holt_winters') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown strategy "%s"', strategy),
                                   'strategy is simple_thresholds, absolute_change, relative_rate_of_change, '
                                   'online_normal, batch_normal or holt_winters.');
        END IF;
        bounded := strategy IN ('simple_thresholds', 'absolute_change', 'relative_rate_of_change');
        needed := CASE strategy WHEN 'simple_thresholds' THEN 0
                                WHEN 'absolute_change' THEN 1
                                WHEN 'relative_rate_of_change' THEN 1
                                ELSE greatest(coalesce(vqc._kw_positive(etype, kwargs, 'warm_up'), 5), 2) END;
        IF strategy = 'holt_winters' THEN
            m := vqc._history_period(etype, kwargs);
            needed := greatest(needed, 2 * m);
            plan := plan || jsonb_build_object(
                'seasonal_periods', m,
                'alpha', vqc._kw_number_in(etype, kwargs, 'alpha', 0, 1, 0.3),
                'beta',  vqc._kw_number_in(etype, kwargs, 'beta', 0, 1, 0.1),
                'gamma', vqc._kw_number_in(etype, kwargs, 'gamma', 0, 1, 0.1));
        END IF;
        IF n IS NOT NULL AND n < needed THEN
            PERFORM vqc._bad_kwarg(etype, format('argument "n" (%s runs) is shorter than the warm-up of strategy "%s" (%s runs)',
                                                 n, strategy, needed));
        END IF;
        plan := plan || jsonb_build_object(
            'strategy', strategy,
            'lower_deviation_factor', vqc._kw_number_in(etype, kwargs, 'lower_deviation_factor', 0, 1e6, 3),
            'upper_deviation_factor', vqc._kw_number_in(etype, kwargs, 'upper_deviation_factor', 0, 1e6, 3),
            'ignore_anomalies', vqc._kw_bool(etype, kwargs, 'ignore_anomalies', true));
    END IF;

    IF bounded THEN
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
        IF lo::float8 > hi::float8 THEN
            PERFORM vqc._bad_kwarg(etype, 'min_value is greater than max_value');
        END IF;
    ELSIF kwargs ? 'min_value' OR kwargs ? 'max_value' THEN
        PERFORM vqc._bad_kwarg(etype, format('strategy "%s" takes no min_value or max_value', strategy));
    END IF;
    RETURN plan || jsonb_build_object('n', n, 'window', win, 'needed', needed,
                                      'min_value', lo, 'max_value', hi,
                                      'row_security', row_security_active(target));
END
$$;

-- The plan of a history expectation bound to its identity in a suite
-- (called by vqc._plan_all with the expectation's id, NULL outside a suite:
-- then the plan stays unbound and the result says there is no history).
CREATE FUNCTION vqc._history_bind(plan jsonb, expectation_id jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    own bigint;
    sid bigint;
    ref bigint := (plan ->> 'expectation_ref')::bigint;
BEGIN
    IF expectation_id IS NULL OR jsonb_typeof(expectation_id) <> 'number' THEN
        -- vqc.expect(): no suite, so no history (the result says so)
        IF ref IS NOT NULL THEN
            RAISE EXCEPTION '% with expectation_id needs a suite', plan ->> 'type'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'vqc.expect() runs outside any suite, so there is no other expectation to read.',
                      HINT = 'Add the expectation to a suite with vqc.add_expectation() and run it with vqc.run().';
        END IF;
        RETURN plan;
    END IF;
    own := (expectation_id #>> '{}')::bigint;
    SELECT e.suite_id INTO sid FROM vqc.suite_expectation e WHERE e.expectation_id = own;
    IF ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vqc.suite_expectation e
                                        WHERE e.expectation_id = ref AND e.suite_id = sid
                                          AND e.expectation_id < own) THEN
        PERFORM vqc._bad_kwarg(plan ->> 'type', format('expectation %s is not an earlier expectation of this suite', ref),
                               'expectation_id names an expectation added to the same suite before this one.');
    END IF;
    RETURN plan || jsonb_build_object('expectation_id', own, 'suite_id', sid);
END
$$;

-- ---------------------------------------------------------------------------
-- this run's metric and its history

-- The metric of this run from the scan's values (and the results of the
-- suite's earlier expectations, stashed in vals as "result:<id>").
CREATE FUNCTION vqc._history_value(plan jsonb, vals jsonb)
RETURNS float8
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    n  float8 := (vals ->> 'n')::float8;
    nn float8 := (vals ->> (plan ->> 'nonnull'))::float8;
    r  jsonb;
BEGIN
    IF plan ? 'expectation_ref' THEN
        r := vals -> format('result:%s', plan ->> 'expectation_ref');
        IF r IS NULL THEN
            RAISE EXCEPTION 'expectation % has no result in this run', plan ->> 'expectation_ref'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'It failed with an error, so its metric has no value to compare.';
        END IF;
        RETURN CASE WHEN jsonb_typeof(r -> (plan ->> 'metric')) = 'number' THEN (r ->> (plan ->> 'metric'))::float8 END;
    END IF;
    RETURN CASE plan ->> 'value_sql'
        WHEN 'n' THEN n
        WHEN 'item' THEN (vals ->> (plan ->> 'value_item'))::float8
        WHEN 'missing_count' THEN n - nn
        WHEN 'missing_percent' THEN CASE WHEN n > 0 THEN (n - nn) / n * 100 END
        WHEN 'null_fraction' THEN CASE WHEN n > 0 THEN (n - nn) / n END END;
END
$$;

-- The metric's earlier values in the suite (oldest first, the last n and/or
-- those within the window of now()), read as the caller, from runs that saw
-- the table as this one does (a role under row-level security counts only
-- its rows: its series is its own runs').
CREATE FUNCTION vqc._history_series(plan jsonb)
RETURNS float8[]
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(array_agg(value ORDER BY started_at, run_id), '{}')
      FROM (SELECT u.started_at, u.run_id, m.value
              FROM vqc_report.run u
              JOIN vqc_report.metric m ON m.run_id OPERATOR(pg_catalog.=) u.run_id
              LEFT JOIN vqc_report.result r
                     ON r.run_id OPERATOR(pg_catalog.=) u.run_id
                    AND r.position OPERATOR(pg_catalog.=) m.position
             WHERE u.suite_id OPERATOR(pg_catalog.=) (plan ->> 'suite_id')::bigint
               AND m.value IS NOT NULL
               -- runs that saw the same rows: without row-level security, or
               -- the caller's own runs through it
               AND u.row_security OPERATOR(pg_catalog.=) (plan ->> 'row_security')::boolean
               AND (NOT u.row_security OR u.run_by OPERATOR(pg_catalog.=) CURRENT_USER)
               AND CASE WHEN plan ? 'expectation_ref' OR plan ->> 'metric' <> 'row_count'
                        THEN r.expectation_id OPERATOR(pg_catalog.=)
                                 coalesce(plan ->> 'expectation_ref', plan ->> 'expectation_id')::bigint
                             AND r.status OPERATOR(pg_catalog.<>) 'error'
                             AND m.metric_name OPERATOR(pg_catalog.=)
                                 CASE WHEN plan ? 'expectation_ref' THEN plan ->> 'metric' ELSE 'observed_value' END
                        -- the suite's row count, but not of a run where this check was an error
                        ELSE m.position IS NULL AND m.metric_name OPERATOR(pg_catalog.=) 'row_count'
                             AND NOT EXISTS (SELECT 1 FROM vqc_report.result e
                                              WHERE e.run_id OPERATOR(pg_catalog.=) u.run_id
                                                AND e.expectation_id OPERATOR(pg_catalog.=) (plan ->> 'expectation_id')::bigint
                                                AND e.status OPERATOR(pg_catalog.=) 'error') END
               AND (plan ->> 'window' IS NULL
                    OR u.started_at OPERATOR(pg_catalog.>=) (pg_catalog.now() OPERATOR(pg_catalog.-) (plan ->> 'window')::interval))
             ORDER BY u.started_at DESC, u.run_id DESC
             LIMIT (plan ->> 'n')::integer) h
$$;

-- ---------------------------------------------------------------------------
-- strategies

-- Additive Holt-Winters (level, trend, season of period m) over y with fixed
-- smoothing parameters, as statsmodels' ExponentialSmoothing(trend='add',
-- seasonal='add', initialization_method='known') with fit(optimized=False):
--   initial level l0 = mean(y[1..m]), trend b0 = mean((y[m+i] - y[i]) / m),
--   seasons s[i] = y[i] - l0 (i = 1..m);
--   l_t = alpha (y_t - s_{t-m}) + (1 - alpha)(l_{t-1} + b_{t-1})
--   b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1}
--   s_t = gamma (y_t - l_{t-1} - b_{t-1}) + (1 - gamma) s_{t-m}
-- forecast = l_N + b_N + s_{N+1-m}; sse = sum of (y_t - (l_{t-1} + b_{t-1} + s_{t-m}))^2;
-- residual_sd = sqrt(sse / N).  Needs at least 2m values.
CREATE FUNCTION vqc.holt_winters(y float8[], seasonal_periods integer,
                                 alpha float8 DEFAULT 0.3, beta float8 DEFAULT 0.1, gamma float8 DEFAULT 0.1,
                                 OUT forecast float8, OUT sse float8, OUT residual_sd float8)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    m   integer := seasonal_periods;
    n   integer := coalesce(cardinality(y), 0);
    l   float8 := 0;
    b   float8 := 0;
    l1  float8;
    b1  float8;
    s   float8[];
    e   float8;
    i   integer;
BEGIN
    IF m IS NULL OR m < 2 THEN
        RAISE EXCEPTION 'seasonal_periods must be at least 2'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF n < 2 * m THEN
        RAISE EXCEPTION 'holt_winters needs at least two seasons (% values), not %', 2 * m, n
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF alpha NOT BETWEEN 0 AND 1 OR beta NOT BETWEEN 0 AND 1 OR gamma NOT BETWEEN 0 AND 1 THEN
        RAISE EXCEPTION 'alpha, beta and gamma must be between 0 and 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. m LOOP
        l := l + y[i] / m;
        b := b + (y[m + i] - y[i]) / m / m;
    END LOOP;
    s := ARRAY(SELECT y[j] - l FROM generate_series(1, m) j);
    sse := 0;
    FOR i IN 1 .. n LOOP
        -- s[i] is the season of y[i]: s_{t-m} in the formulas above
        e := y[i] - (l + b + s[i]);
        sse := sse + e * e;
        l1 := l;
        b1 := b;
        l := alpha * (y[i] - s[i]) + (1 - alpha) * (l1 + b1);
        b := beta * (l - l1) + (1 - beta) * b1;
        s[i + m] := gamma * (y[i] - l1 - b1) + (1 - gamma) * s[i];
    END LOOP;
    forecast := l + b + s[n + 1];
    residual_sd := sqrt(sse / n);
END
$$;
COMMENT ON FUNCTION vqc.holt_winters(float8[], integer, float8, float8, float8) IS
    'One-step forecast of additive Holt-Winters with fixed smoothing parameters, its in-sample sum of squared errors and residual standard deviation.';

-- The interval an anomaly strategy allows for x after history h (oldest
-- first): {"expected", "lower_bound", "upper_bound"} or {"reason"}.
CREATE FUNCTION vqc._history_interval(plan jsonb, h float8[], x float8)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    strategy text := plan ->> 'strategy';
    lo       float8 := (plan ->> 'min_value')::float8;
    hi       float8 := (plan ->> 'max_value')::float8;
    kl       float8 := (plan ->> 'lower_deviation_factor')::float8;
    ku       float8 := (plan ->> 'upper_deviation_factor')::float8;
    warm_up  integer := (plan ->> 'needed')::integer;
    prev     float8 := h[cardinality(h)];
    mean     float8 := 0;
    m2       float8 := 0;
    k        integer := 0;
    sd       float8;
    v        float8;
    d        float8;
    hw       record;
    i        integer;
BEGIN
    CASE strategy
    WHEN 'simple_thresholds' THEN
        RETURN jsonb_build_object('lower_bound', lo, 'upper_bound', hi);
    WHEN 'absolute_change' THEN
        RETURN jsonb_build_object('expected', prev, 'lower_bound', prev + lo, 'upper_bound', prev + hi);
    WHEN 'relative_rate_of_change' THEN
        IF prev <= 0 THEN
            RETURN jsonb_build_object('expected', prev, 'reason', 'reference_not_positive');
        END IF;
        RETURN jsonb_build_object('expected', prev, 'lower_bound', prev * lo, 'upper_bound', prev * hi);
    WHEN 'batch_normal' THEN
        SELECT avg(e), stddev_samp(e) INTO mean, sd FROM unnest(h) e;
    WHEN 'online_normal' THEN
        -- Welford's running mean and variance; after the warm-up, a value
        -- outside its interval is an anomaly and (ignore_anomalies) not learnt
        FOREACH v IN ARRAY h LOOP
            IF k >= warm_up AND (plan ->> 'ignore_anomalies')::boolean THEN
                sd := sqrt(m2 / (k - 1));
                CONTINUE WHEN v < mean - kl * sd OR v > mean + ku * sd;
            END IF;
            k := k + 1;
            d := v - mean;
            mean := mean + d / k;
            m2 := m2 + d * (v - mean);
        END LOOP;
        sd := sqrt(m2 / (k - 1));
    WHEN 'holt_winters' THEN
        hw := vqc.holt_winters(h, (plan ->> 'seasonal_periods')::integer, (plan ->> 'alpha')::float8,
                               (plan ->> 'beta')::float8, (plan ->> 'gamma')::float8);
        mean := hw.forecast;
        sd := hw.residual_sd;
    END CASE;
    RETURN jsonb_build_object('expected', mean, 'deviation', sd,
                              'lower_bound', mean - kl * sd, 'upper_bound', mean + ku * sd);
END
$$;

-- Evaluates a history expectation (called by vqc._evaluate_all).
CREATE FUNCTION vqc._evaluate_history(plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    x       float8 := vqc._history_value(plan, vals);
    h       float8[];
    needed  integer := (plan ->> 'needed')::integer;
    details jsonb := jsonb_build_object('metric', plan ->> 'metric');
    ref     float8;
    change  float8;
    iv      jsonb;
    success boolean;
BEGIN
    IF plan ? 'suite_id' THEN
        -- read as the caller, who may run a suite without reading the report
        IF NOT (has_table_privilege('vqc_report.run', 'SELECT') AND has_table_privilege('vqc_report.result', 'SELECT')
                AND has_table_privilege('vqc_report.metric', 'SELECT')) THEN
            RAISE EXCEPTION 'role % may not read the history of this suite', current_user
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'A history check reads vqc_report.run, result and metric as the role running the suite.',
                      HINT = 'GRANT SELECT ON ALL TABLES IN SCHEMA vqc_report to the role.';
        END IF;
        h := vqc._history_series(plan);
    ELSE
        h := '{}';
    END IF;
    details := details || jsonb_build_object('history_size', cardinality(h));
    IF x IS NULL OR x = 'NaN'::float8 THEN
        success := false;
        details := details || '{"reason": "no_value"}';
    ELSIF NOT plan ? 'suite_id' AND needed > 0 THEN
        -- vqc.expect(): no suite, no history; passes, and says so
        success := true;
        details := details || jsonb_build_object('reason', 'no_suite', 'history_needed', needed);
    ELSIF cardinality(h) < needed THEN
        -- too little history: passes, and says so
        success := true;
        details := details || jsonb_build_object('reason', 'insufficient_history', 'history_needed', needed);
    ELSIF plan ->> 'type' = 'expect_metric_change_to_be_between' THEN
        ref := CASE plan ->> 'compare_to' WHEN 'previous' THEN h[cardinality(h)]
                                           ELSE (SELECT avg(e) FROM unnest(h) e) END;
        change := x - ref;
        IF plan ->> 'change' = 'relative' THEN
            change := CASE WHEN ref <> 0 THEN change / abs(ref) WHEN change = 0 THEN 0 END;
        END IF;
        details := details || jsonb_build_object('compare_to', plan -> 'compare_to', 'reference', ref,
                                                 'change', plan -> 'change', 'observed_change', change);
        IF change IS NULL THEN
            success := false;
            details := details || '{"reason": "reference_is_zero"}';
        ELSE
            success := (plan -> 'min_value' IS NULL OR jsonb_typeof(plan -> 'min_value') = 'null'
                        OR CASE WHEN (plan ->> 'strict_min')::boolean THEN change > (plan ->> 'min_value')::float8
                                ELSE change >= (plan ->> 'min_value')::float8 END)
                   AND (plan -> 'max_value' IS NULL OR jsonb_typeof(plan -> 'max_value') = 'null'
                        OR CASE WHEN (plan ->> 'strict_max')::boolean THEN change < (plan ->> 'max_value')::float8
                                ELSE change <= (plan ->> 'max_value')::float8 END);
        END IF;
    ELSE
        iv := vqc._history_interval(plan, h, x);
        details := details || jsonb_build_object('strategy', plan -> 'strategy') || jsonb_strip_nulls(iv);
        success := CASE WHEN iv ? 'reason' THEN false
                        ELSE (iv ->> 'lower_bound' IS NULL OR x >= (iv ->> 'lower_bound')::float8)
                         AND (iv ->> 'upper_bound' IS NULL OR x <= (iv ->> 'upper_bound')::float8) END;
    END IF;
    RETURN jsonb_build_object(
        'success', success,
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', CASE WHEN x = 'NaN'::float8 THEN NULL ELSE x END,
                                               'details', details) END,
        'samples', '[]'::jsonb, 'extra_scans', 0);
END
$$;

-- ---------------------------------------------------------------------------
-- typed wrappers, as wrappers.sql's: vqc.expect() runs outside any suite, so
-- they give this run's metric and the reason "no_suite"; in a suite the same
-- kwargs compare with its history

CREATE FUNCTION vqc.expect_metric_change_to_be_between(target regclass, metric text, "column" text DEFAULT NULL,
                                                       compare_to text DEFAULT NULL, n integer DEFAULT NULL,
                                                       "window" text DEFAULT NULL, change text DEFAULT NULL,
                                                       min_value float8 DEFAULT NULL, max_value float8 DEFAULT NULL,
                                                       result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_metric_change_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('metric', metric, 'column', "column", 'compare_to', compare_to,
                                                             'n', n, 'window', "window", 'change', change,
                                                             'min_value', min_value, 'max_value', max_value)),
                        result_format) $$;
COMMENT ON FUNCTION vqc.expect_metric_change_to_be_between IS
    'The change of a metric against the suite''s history is within bounds (outside a suite: the metric, and no history).';

CREATE FUNCTION vqc.expect_metric_to_not_be_anomalous(target regclass, metric text, strategy text, "column" text DEFAULT NULL,
                                                      min_value float8 DEFAULT NULL, max_value float8 DEFAULT NULL,
                                                      lower_deviation_factor float8 DEFAULT NULL,
                                                      upper_deviation_factor float8 DEFAULT NULL,
                                                      warm_up integer DEFAULT NULL, season text DEFAULT NULL,
                                                      result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_metric_to_not_be_anomalous',
                        jsonb_strip_nulls(jsonb_build_object('metric', metric, 'strategy', strategy, 'column', "column",
                                                             'min_value', min_value, 'max_value', max_value,
                                                             'lower_deviation_factor', lower_deviation_factor,
                                                             'upper_deviation_factor', upper_deviation_factor,
                                                             'warm_up', warm_up, 'season', season)),
                        result_format) $$;
COMMENT ON FUNCTION vqc.expect_metric_to_not_be_anomalous IS
    'This run''s metric is not an anomaly of the suite''s history (outside a suite: the metric, and no history).';

-- ---------------------------------------------------------------------------
-- views for dashboards (issue #13, point 7); with the reader's rights, so
-- the row-level security of metric and result_detail applies through them

-- One row per run and metric: a run's row count, and each number each
-- expectation observed, with the expectation's bounds (a history check's
-- computed ones where the reader may see its result) and status.
CREATE VIEW vqc_report.metric_history WITH (security_invoker = true) AS
SELECT u.run_id, u.started_at, u.suite_name, u.suite_id, m.target_schema, m.target_table, m.column_name,
       m.position, res.expectation_id, res.expectation_type, m.metric_name, m.value,
       coalesce((d.result #>> '{result,details,lower_bound}')::float8,
                CASE WHEN jsonb_typeof(res.kwargs -> 'min_value') = 'number' THEN (res.kwargs ->> 'min_value')::float8 END)
           AS lower_bound,
       coalesce((d.result #>> '{result,details,upper_bound}')::float8,
                CASE WHEN jsonb_typeof(res.kwargs -> 'max_value') = 'number' THEN (res.kwargs ->> 'max_value')::float8 END)
           AS upper_bound,
       coalesce(res.status, CASE WHEN u.success THEN 'success' ELSE 'failure' END) AS status
FROM vqc_report.run u
JOIN vqc_report.metric m ON m.run_id = u.run_id
LEFT JOIN vqc_report.result res ON res.run_id = m.run_id AND res.position = m.position
LEFT JOIN vqc_report.result_detail d ON d.run_id = m.run_id AND d.position = m.position;
COMMENT ON VIEW vqc_report.metric_history IS
    'One row per run and metric, with the expectation, its bounds and status (values only where the reader may see them).';

-- Every failed history check: the metric, what was expected and why.
CREATE VIEW vqc_report.anomalies WITH (security_invoker = true) AS
SELECT u.run_id, u.started_at, u.suite_name, u.suite_id, u.target_schema, u.target_table, res.column_name,
       res.position, res.expectation_id, res.expectation_type, res.kwargs ->> 'metric' AS metric,
       coalesce(res.kwargs ->> 'strategy', 'change from ' || coalesce(res.kwargs ->> 'compare_to', 'previous')) AS strategy,
       (d.observed_value #>> '{}')::float8 AS value,
       (d.result #>> '{result,details,expected}')::float8 AS expected,
       (d.result #>> '{result,details,reference}')::float8 AS reference,
       (d.result #>> '{result,details,lower_bound}')::float8 AS lower_bound,
       (d.result #>> '{result,details,upper_bound}')::float8 AS upper_bound,
       (d.result #>> '{result,details,observed_change}')::float8 AS observed_change,
       d.result #>> '{result,details,reason}' AS reason
FROM vqc_report.run u
JOIN vqc_report.result res ON res.run_id = u.run_id
JOIN vqc.expectation_catalog c ON c.expectation_type = res.expectation_type AND c.kind = 'history'
LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
WHERE res.status = 'failure';
COMMENT ON VIEW vqc_report.anomalies IS
    'Every history check that failed: its metric, value, expected value or reference, bounds and change (values only where the reader may see them).';
-- incremental.sql: incremental runs (issue #13).  A suite may name a
-- watermark column (an increasing id or timestamp).  A run then reads only
-- the rows past the watermark of the state the last run stored, evaluates the
-- expectations on them (the run's results are the new rows'), and merges what
-- merges with that state (counts, failing-row tallies, sums, min/max, the
-- sums behind a mean and a standard deviation, exact uniqueness, column
-- profiles), so that each result also carries the whole table's answer in
-- result.cumulative.  The state holds row values (min/max, profiles,
-- samples), so it lives in vqc_report.incremental_run under the same
-- row-level security as vqc_report.profile.

ALTER TABLE vqc.suite ADD COLUMN watermark text;
COMMENT ON COLUMN vqc.suite.watermark IS
    'The column whose increasing values tell new rows from old (vqc.set_watermark); NULL: every run reads the whole table.';

CREATE TABLE vqc_report.incremental_run (
    run_id            bigint PRIMARY KEY REFERENCES vqc_report.run ON DELETE CASCADE,
    suite_id          bigint NOT NULL,
    target            regclass NOT NULL,
    target_schema     name NOT NULL,
    target_table      name NOT NULL,
    watermark_column  text NOT NULL,
    mode              text NOT NULL CHECK (mode IN ('full', 'incremental')),
    reason            text,
    from_watermark    jsonb,
    to_watermark      jsonb,
    new_rows          bigint NOT NULL,
    cumulative_rows   bigint NOT NULL,
    tuples_inserted   bigint NOT NULL,
    state             jsonb NOT NULL
);
CREATE INDEX ON vqc_report.incremental_run (suite_id, run_id);
COMMENT ON TABLE vqc_report.incremental_run IS
    'The cumulative state each run of a suite with a watermark stored: the rows read (watermark > from_watermark; all rows in mode full), the largest watermark so far, and the merged parts and profiles; visible only where vqc_report.may_read_values() holds.';
COMMENT ON COLUMN vqc_report.incremental_run.tuples_inserted IS
    'The table''s n_tup_ins (pg_stat_user_tables, with this session''s pending counts) when the run began: the next run compares it to find rows that arrived behind the watermark.';
ALTER TABLE vqc_report.incremental_run ENABLE ROW LEVEL SECURITY;
CREATE POLICY incremental_run_readers ON vqc_report.incremental_run FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
SELECT pg_catalog.pg_extension_config_dump('vqc_report.incremental_run', '');

-- ---------------------------------------------------------------------------
-- the watermark

-- The watermark column's type, or an error: it must exist and be ordered
-- (a default btree class and a max aggregate).
CREATE FUNCTION vqc._watermark_type(target regclass, colname text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    col record := vqc._column(target, colname);
BEGIN
    IF vqc._default_opclass(col.type_sql::regtype, 'btree') IS NULL
       OR vqc._minmax_sql(col.type_sql::regtype, 'max', 'x') IS NULL THEN
        RAISE EXCEPTION 'watermark column "%" is of type %, which has no order', colname, col.type_sql
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'A watermark is an increasing id or timestamp: a column whose type has a default btree operator class.';
    END IF;
    RETURN col.type_sql;
END
$$;

CREATE FUNCTION vqc.set_watermark(suite text, watermark text)
RETURNS void
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;
COMMENT ON FUNCTION vqc.set_watermark(text, text) IS
    'Makes the suite''s runs incremental on an increasing column (NULL: whole-table runs again); the next run reads everything.';

CREATE FUNCTION vqc._set_watermark_check(suite text, watermark text)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_for_change(suite);
BEGIN
    IF watermark IS NOT NULL THEN
        PERFORM vqc._watermark_type(vqc._suite_target(s), watermark);
    END IF;
    RETURN jsonb_build_object('suite_id', s.suite_id);
END
$$;

CREATE FUNCTION vqc._set_watermark_write(caller regrole, checked jsonb, suite text, watermark text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    s vqc.suite := vqc._suite_by_id((checked ->> 'suite_id')::bigint);
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    UPDATE vqc.suite SET watermark = _set_watermark_write.watermark WHERE suite_id = s.suite_id;
END
$$;

-- The watermark comparison "column op value" as SQL, value a literal of the
-- column's type (so the planner sees a constant and uses an index on it).
-- value is the JSON of the watermark (to_jsonb: ISO 8601 for times, whatever
-- the session's DateStyle).
CREATE FUNCTION vqc._watermark_sql(wm text, wm_type text, op text, value jsonb, qualifier text DEFAULT '')
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT vqc._compare_sql(wm_type::regtype, qualifier || quote_ident(wm), op,
                            format('%L::%s', value #>> '{}', wm_type))
$$;

-- n_tup_ins of the table (or of its leaf partitions), with this session's pending counts.
CREATE FUNCTION vqc._tuples_inserted(target regclass)
RETURNS bigint
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(sum(pg_stat_get_tuples_inserted(x.relid) + pg_stat_get_xact_tuples_inserted(x.relid)), 0)::bigint
      FROM (SELECT p.relid FROM pg_partition_tree(target) p WHERE p.isleaf
            UNION
            SELECT target) x         -- pg_partition_tree lists no plain table
$$;

-- Rows that arrived behind the watermark since the last run, or an error.
-- Cheap test first: the inserts the statistics counted since then, less the
-- new rows read, can hide no late row when they are none (aborted inserts,
-- lagging statistics and a reset can only raise a false suspicion).  On
-- suspicion, the exact test: the rows at or below the last watermark (or
-- without one) counted through an index on it, against the rows the state has.
CREATE FUNCTION vqc._check_late_rows(target regclass, wm text, wm_type text, prev vqc_report.incremental_run,
                                     ins_now bigint, new_rows bigint)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    old_rows bigint;
BEGIN
    IF ins_now >= prev.tuples_inserted AND ins_now - prev.tuples_inserted <= new_rows THEN
        RETURN false;
    END IF;
    EXECUTE format('SELECT pg_catalog.count(*) FROM %s WHERE %s OR %I IS NULL',
                   target, vqc._watermark_sql(wm, wm_type, '<=', prev.to_watermark), wm)
        INTO old_rows;
    IF old_rows > prev.cumulative_rows THEN
        RAISE EXCEPTION '% rows of table % arrived with a watermark at or below the last run''s (or none)',
                        old_rows - prev.cumulative_rows, target
            USING ERRCODE = 'VQ002',
                  DETAIL = format('Column "%s" is the suite''s watermark; an incremental run reads only rows past it.', wm),
                  HINT = 'Run vqc.run(suite, full => true) to read the whole table again.';
    END IF;
    RETURN true;
END
$$;

-- A temporary view of the rows past the watermark (with the system columns
-- row keys use), read as the caller like the table.
CREATE FUNCTION vqc._new_rows_view(target regclass, wm text, wm_type text, after jsonb, suite_id bigint)
RETURNS regclass
LANGUAGE plpgsql
AS $$
DECLARE
    name text := format('vqc_new_rows_%s', suite_id);
BEGIN
    IF to_regclass(format('pg_temp.%I', name)) IS NOT NULL THEN
        EXECUTE format('DROP VIEW pg_temp.%I', name);
    END IF;
    EXECUTE format('CREATE TEMPORARY VIEW %I AS SELECT *%s FROM %s WHERE %s', name,
                   CASE WHEN (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'p', 'm')
                        THEN ', ctid, tableoid' ELSE '' END,
                   target, vqc._watermark_sql(wm, wm_type, '>', after));
    RETURN format('pg_temp.%I', name)::regclass;
END
$$;

-- ---------------------------------------------------------------------------
-- what merges

-- Merges tallies (counts added, samples of the first kept first).
CREATE AGGREGATE vqc._tally_merge(vqc.tally) (
    SFUNC = vqc.tally_combinefn,
    STYPE = vqc.tally
);

-- How an expectation's plan merges across runs, or NULL when it does not:
-- {"how": "counts" | "aggregate" | "unique", "parts": {item: merge}, "items":
-- the extra items the scan computes for it, "stat": mean | stdev}.  A map or
-- row-count plan merges when every item is a count or a tally; an aggregate
-- when its value is a min, max or sum, or a mean or standard deviation
-- (from the count, mean and variance added to the scan); uniqueness by its
-- own rule.
CREATE FUNCTION vqc._incremental_parts(plan jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    parts jsonb := '{}';
    item  record;
    vi    text := plan ->> 'value_item';
    arg   text;
    pos   text := plan ->> 'position';
BEGIN
    IF plan IS NULL OR plan ? 'evaluator' OR plan ? 'failures' OR plan ? 'bracket_items'
       OR plan ->> 'kind' NOT IN ('table', 'map', 'aggregate') THEN
        RETURN NULL;
    END IF;
    IF plan ->> 'type' = 'expect_column_values_to_be_unique' THEN
        RETURN jsonb_build_object('how', 'unique', 'parts',
                                  jsonb_build_object('n', 'add', plan ->> 'nonnull', 'add'));
    END IF;
    FOR item IN SELECT key, value #>> '{}' AS expr FROM jsonb_each(plan -> 'items') LOOP
        IF item.key = vi AND plan ->> 'kind' = 'aggregate' THEN
            CASE plan ->> 'statistic'
            WHEN 'expect_column_min_to_be_between' THEN parts := parts || jsonb_build_object(vi, 'min');
            WHEN 'expect_column_max_to_be_between' THEN parts := parts || jsonb_build_object(vi, 'max');
            WHEN 'expect_column_sum_to_be_between' THEN parts := parts || jsonb_build_object(vi, 'add');
            WHEN 'expect_column_mean_to_be_between' THEN
                arg := substring(item.expr FROM '^pg_catalog\.avg\((.*)\)::pg_catalog\.float8$');
            WHEN 'expect_column_stdev_to_be_between' THEN
                arg := substring(item.expr FROM '^pg_catalog\.stddev_samp\((.*)\)::pg_catalog\.float8$');
            ELSE
                RETURN NULL;
            END CASE;
            CONTINUE WHEN arg IS NULL;
            -- a mean and a standard deviation from the count, mean and
            -- variance of each run (the scan shares their aggregates' states
            -- with the expectation's own avg or stddev_samp)
            RETURN jsonb_build_object(
                'how', 'aggregate', 'stat', CASE WHEN item.expr LIKE 'pg_catalog.avg(%' THEN 'mean' ELSE 'stdev' END,
                'parts', jsonb_build_object('c:m:' || pos, 'moments'),
                'items', jsonb_build_object('c:m:' || pos, format(
                    'pg_catalog.jsonb_build_array(pg_catalog.count(%1$s), pg_catalog.avg(%1$s), pg_catalog.var_samp(%1$s))', arg)));
        ELSIF item.expr LIKE 'pg_catalog.count(%' THEN
            parts := parts || jsonb_build_object(item.key, 'add');
        ELSIF item.expr LIKE 'vqc.tally(%' THEN
            parts := parts || jsonb_build_object(item.key, 'tally');
        ELSE
            RETURN NULL;
        END IF;
    END LOOP;
    IF plan ->> 'kind' = 'aggregate' AND NOT parts ? vi THEN
        RETURN NULL;
    END IF;
    RETURN jsonb_build_object('how', CASE WHEN plan ->> 'kind' = 'aggregate' THEN 'aggregate' ELSE 'counts' END,
                              'parts', parts);
END
$$;

-- One part merged: old and new values (text) of an item.
CREATE FUNCTION vqc._merge_part(merge text, a text, b text, type_sql text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    r text;
BEGIN
    IF merge IN ('min', 'max') THEN
        -- by the column type's own ordering; kept as to_jsonb writes it (ISO
        -- 8601 for times), which reads back the same whatever the DateStyle
        EXECUTE format('SELECT pg_catalog.to_jsonb(%s) OPERATOR(pg_catalog.#>>) ''{}'' FROM (VALUES ($1::%2$s), ($2::%2$s)) v(x)',
                       vqc._minmax_sql(type_sql::regtype, merge, 'x'), type_sql)
            INTO r USING a, b;
        RETURN r;
    END IF;
    IF a IS NULL OR b IS NULL THEN
        RETURN coalesce(a, b);
    END IF;
    IF merge = 'add' THEN
        RETURN (a::numeric + b::numeric)::text;
    ELSIF merge = 'moments' THEN
        RETURN vqc._merge_moments(a::jsonb, b::jsonb)::text;
    END IF;
    RETURN (SELECT vqc._tally_merge(x)::text FROM (VALUES (a::vqc.tally), (b::vqc.tally)) v(x));
END
$$;

-- [count, mean, sample variance] of two sets of rows merged (Chan, Golub
-- and LeVeque), in numeric arithmetic.
CREATE FUNCTION vqc._merge_moments(a jsonb, b jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    na numeric := (a ->> 0)::numeric;
    nb numeric := (b ->> 0)::numeric;
    n  numeric := na + nb;
    d  numeric;
    m2 numeric;
BEGIN
    IF na = 0 OR nb = 0 THEN
        RETURN CASE WHEN na = 0 THEN b ELSE a END;
    END IF;
    d := (b ->> 1)::numeric - (a ->> 1)::numeric;
    m2 := coalesce((a ->> 2)::numeric * (na - 1), 0) + coalesce((b ->> 2)::numeric * (nb - 1), 0)
          + d * d * na * nb / n;
    RETURN jsonb_build_array(n, (a ->> 1)::numeric + d * nb / n, CASE WHEN n > 1 THEN m2 / (n - 1) END);
END
$$;

-- The cumulative answer of one expectation from its merged parts: the keys
-- of its result that describe the table (counts, observed value) and success.
CREATE FUNCTION vqc._evaluate_cumulative(target regclass, plan jsonb, inc jsonb, merged jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    vals jsonb := merged;
    m    jsonb := (merged ->> ('c:m:' || (plan ->> 'position')))::jsonb;
    ev   jsonb;
BEGIN
    IF inc ? 'stat' THEN
        vals := vals || jsonb_build_object(plan ->> 'value_item',
            CASE WHEN inc ->> 'stat' = 'mean' THEN (m ->> 1)::float8
                 ELSE sqrt((m ->> 2)::numeric)::float8 END::text);
    END IF;
    ev := vqc._evaluate(target, plan, vals, rf);
    RETURN jsonb_build_object('success', ev -> 'success')
           || (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(ev -> 'result') x(k, v)
                WHERE k IN ('observed_value', 'element_count', 'missing_count', 'missing_percent',
                            'unexpected_count', 'unexpected_percent'));
END
$$;

-- Is there a valid, non-partial btree or hash index led by this column?
CREATE FUNCTION vqc._has_index_on(target regclass, colname text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (
        SELECT 1
          FROM pg_index i
          JOIN pg_class ic ON ic.oid = i.indexrelid
          JOIN pg_am m ON m.oid = ic.relam
          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
         WHERE i.indrelid = target AND i.indisvalid AND i.indpred IS NULL
           AND m.amname IN ('btree', 'hash') AND a.attname = colname)
$$;

-- Rows counted unexpected by the column's uniqueness because of the new rows
-- (src) among the old ones of target (watermark at or below after, or none):
-- each new row whose value occurs twice or more in all rows, and each old
-- row whose value was unique among the old rows and occurs among the new.
-- With an index led by the column, each distinct new value probes it;
-- without, one pass over the old rows joins them.
CREATE FUNCTION vqc._unique_added(target regclass, src regclass, colname text, type_sql text,
                                  wm text, wm_type text, after jsonb, OUT added bigint, OUT method text)
LANGUAGE plpgsql
AS $$
DECLARE
    eq      record := vqc._type_operator(type_sql::regtype, '=');
    old_sql text := format('(%s OR o.%I IS NULL)', vqc._watermark_sql(wm, wm_type, '<=', after, 'o.'), wm);
    count_sql text := 'SELECT COALESCE(pg_catalog.sum(CASE WHEN o.c OPERATOR(pg_catalog.+) nv.c OPERATOR(pg_catalog.>=) 2 '
                      'THEN nv.c ELSE 0 END OPERATOR(pg_catalog.+) CASE WHEN o.c OPERATOR(pg_catalog.=) 1 THEN 1 ELSE 0 END), 0)::pg_catalog.int8 ';
    new_sql text := format('(SELECT %1$I AS v, pg_catalog.count(*) AS c FROM %2$s WHERE %1$I IS NOT NULL GROUP BY %1$I) nv',
                           colname, src);
BEGIN
    IF vqc._has_index_on(target, colname) THEN
        method := 'index_probe';
        EXECUTE count_sql || format('FROM %s, LATERAL (SELECT pg_catalog.count(*) AS c FROM %s o '
                                    'WHERE (o.%I)%s %s (nv.v)%s AND %s) o',
                                    new_sql, target, colname, eq.operand_cast, eq.operator_sql, eq.operand_cast, old_sql)
            INTO added;
    ELSE
        method := 'full_scan';
        EXECUTE count_sql || format('FROM %1$s LEFT JOIN (SELECT o.%3$I AS v, pg_catalog.count(*) AS c FROM %2$s o '
                                    'WHERE %6$s AND EXISTS (SELECT 1 FROM %7$s x WHERE (x.%3$I)%4$s %5$s (o.%3$I)%4$s) '
                                    'GROUP BY o.%3$I) o0 ON (o0.v)%4$s %5$s (nv.v)%4$s, '
                                    'LATERAL (SELECT COALESCE(o0.c, 0) AS c) o',
                                    new_sql, target, colname, eq.operand_cast, eq.operator_sql, old_sql, src)
            INTO added;
    END IF;
END
$$;

-- The cumulative answer of a uniqueness expectation from its merged counts.
CREATE FUNCTION vqc._unique_cumulative(plan jsonb, n bigint, nonnull bigint, unexpected bigint, method text)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT jsonb_build_object(
        'success', CASE WHEN nonnull = 0 THEN true
                        ELSE 1 - unexpected::numeric / nonnull >= coalesce((plan ->> 'mostly')::numeric, 1) END,
        'element_count', n, 'missing_count', n - nonnull,
        'missing_percent', CASE WHEN n > 0 THEN (n - nonnull)::float8 / n * 100 END,
        'unexpected_count', unexpected,
        'unexpected_percent', CASE WHEN nonnull > 0 THEN unexpected::float8 / nonnull * 100 END,
        'method', method)
$$;

-- ---------------------------------------------------------------------------
-- the run

-- An incremental (or, with full_scan or nothing to go on, full) evaluation of
-- a suite with a watermark: _evaluate_all's answer, each result with
-- result.cumulative, and "incremental": what _record_run_write stores.
CREATE FUNCTION vqc._evaluate_incremental(s vqc.suite, t regclass, expectations jsonb, key_columns text[],
                                          profile_columns text[], full_scan boolean)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    wm_type  text := vqc._watermark_type(t, s.watermark);
    ins_now  bigint := vqc._tuples_inserted(t);     -- before the scan: see _check_late_rows
    prev     vqc_report.incremental_run;
    reason   text;
    signature jsonb := jsonb_build_object('expectations', expectations, 'profile_columns', profile_columns,
                                          'watermark', s.watermark);
    planned  record;
    scanned  record;
    items    jsonb;
    incs     jsonb[] := '{}';
    src      regclass := t;
    ev       jsonb;
    res      jsonb := '[]';
    r        jsonb;
    plan     jsonb;
    inc      jsonb;
    old      jsonb;
    merged   jsonb;
    parts    jsonb := '[]';
    cum      jsonb;
    added    bigint;
    method   text;
    new_rows bigint;
    max_wm   jsonb;
    profiles jsonb := '{}';
    workers  text;
    c        text;
    k        text;
    i        integer;
BEGIN
    -- the last state, read as the runner (who needs SELECT on it, as on the
    -- report for history checks; row-level security), and whether it serves
    IF has_table_privilege('vqc_report.incremental_run', 'SELECT') THEN
        SELECT * INTO prev FROM vqc_report.incremental_run x WHERE x.suite_id = s.suite_id ORDER BY x.run_id DESC LIMIT 1;
    END IF;
    reason := CASE WHEN full_scan THEN 'full requested'
                   WHEN NOT has_table_privilege('vqc_report.incremental_run', 'SELECT')
                        THEN 'the runner may not read vqc_report.incremental_run'
                   WHEN row_security_active(t) THEN 'row security applies to the runner'
                   WHEN prev.run_id IS NULL THEN 'no earlier state'
                   WHEN prev.target <> t OR prev.state -> 'signature' IS DISTINCT FROM signature
                        THEN 'the suite or its watermark changed'
                   WHEN prev.to_watermark IS NULL THEN 'no watermark read yet' END;
    IF reason IS NULL THEN
        src := vqc._new_rows_view(t, s.watermark, wm_type, prev.to_watermark, s.suite_id);
    END IF;

    -- one scan of the new rows (or of all): the plans' items, their extra
    -- items for merging, the row count and the largest watermark
    planned := vqc._plan_all(t, expectations, key_columns, 20, '"BASIC"', false, profile_columns);
    items := planned.items || jsonb_build_object(
        'n', 'pg_catalog.count(*)',
        'c:watermark', format('pg_catalog.to_jsonb(%s)', vqc._minmax_sql(wm_type::regtype, 'max', quote_ident(s.watermark))));
    FOR i IN 1 .. coalesce(cardinality(planned.plans), 0) LOOP
        inc := vqc._incremental_parts(planned.plans[i]);
        incs := incs || inc;
        items := items || coalesce(inc -> 'items', '{}');
    END LOOP;
    -- a few new rows: starting parallel workers would cost more than they save
    IF reason IS NULL AND vqc._estimated_rows(src) < 200000 THEN
        workers := current_setting('max_parallel_workers_per_gather');
        PERFORM set_config('max_parallel_workers_per_gather', '0', true);
    END IF;
    scanned := vqc._scan_plans(src, items, planned.kwargs_all, false, planned.plans, planned.errors);
    ev := vqc._evaluate_plans(src, expectations, scanned.plans, planned.rfs, scanned.errors, scanned.vals,
                              scanned.scans, false, profile_columns, scanned.profile_errors);
    IF workers IS NOT NULL THEN
        PERFORM set_config('max_parallel_workers_per_gather', workers, true);
    END IF;
    IF NOT scanned.vals ? 'c:watermark' THEN
        -- the shared scan failed and each expectation was scanned alone: no state
        RAISE WARNING 'suite "%": the incremental state is not advanced (an expectation broke the shared scan)', s.name;
        PERFORM vqc._drop_new_rows_view(src, t);
        RETURN ev;
    END IF;
    new_rows := (scanned.vals ->> 'n')::bigint;
    max_wm := coalesce((scanned.vals ->> 'c:watermark')::jsonb, prev.to_watermark);
    IF reason IS NULL THEN
        PERFORM vqc._check_late_rows(t, s.watermark, wm_type, prev, ins_now, new_rows);
    END IF;

    -- merge each expectation's parts with the state's
    FOR i IN 1 .. jsonb_array_length(ev -> 'results') LOOP
        r := ev -> 'results' -> (i - 1);
        plan := scanned.plans[i];
        inc := incs[i];
        cum := NULL;
        IF plan IS NOT NULL AND inc IS NOT NULL AND r ->> 'status' <> 'error'
           AND (inc ->> 'how' <> 'unique' OR r -> 'result' ? 'unexpected_count') THEN
            old := CASE WHEN reason IS NULL THEN prev.state -> 'parts' -> (i - 1) END;
            merged := '{}';
            FOR k IN SELECT jsonb_object_keys(inc -> 'parts') LOOP
                merged := merged || jsonb_build_object(k, vqc._merge_part(inc -> 'parts' ->> k, old ->> k,
                                                                          scanned.vals ->> k, plan ->> 'type_sql'));
            END LOOP;
            IF inc ->> 'how' = 'unique' THEN
                IF plan ? 'unique_by_index' THEN
                    added := 0;
                    method := 'unique_index';
                ELSIF reason IS NULL AND plan ->> 'column' = s.watermark THEN
                    -- new values are past every old one: only their own repeats
                    added := (r -> 'result' ->> 'unexpected_count')::bigint;
                    method := 'watermark';
                ELSIF reason IS NULL THEN
                    SELECT x.added, x.method INTO added, method
                      FROM vqc._unique_added(t, src, plan ->> 'column', plan ->> 'type_sql', s.watermark, wm_type,
                                             prev.to_watermark) x;
                    ev := jsonb_set(ev, '{scans}', to_jsonb((ev ->> 'scans')::integer + 1));
                ELSE
                    added := 0;
                    method := 'full_scan';
                END IF;
                merged := merged || jsonb_build_object(
                    'unexpected', coalesce((old ->> 'unexpected')::bigint,
                                           (r -> 'result' ->> 'unexpected_count')::bigint, 0) + added);
                cum := vqc._unique_cumulative(plan, (merged ->> 'n')::bigint, (merged ->> (plan ->> 'nonnull'))::bigint,
                                              (merged ->> 'unexpected')::bigint, method);
            ELSE
                cum := vqc._evaluate_cumulative(t, plan, inc, merged, planned.rfs[i]);
            END IF;
        END IF;
        parts := parts || jsonb_build_array(merged);     -- by position: the signature fixes the order
        merged := NULL;
        res := res || jsonb_set(r, '{result,cumulative}',
                                coalesce(cum, '{"available": false, "reason": "this expectation does not merge across runs"}'));
    END LOOP;

    FOREACH c IN ARRAY coalesce(profile_columns, '{}') LOOP
        CONTINUE WHEN NOT scanned.vals ? format('p:%s', c);
        profiles := profiles || jsonb_build_object(c, vqc.merge(
            CASE WHEN reason IS NULL THEN (prev.state -> 'profiles' ->> c)::vqc.profile END,
            (scanned.vals ->> format('p:%s', c))::vqc.profile)::text);
    END LOOP;
    PERFORM vqc._drop_new_rows_view(src, t);

    RETURN ev || jsonb_build_object('results', res, 'incremental', jsonb_build_object(
        'watermark_column', s.watermark,
        'mode', CASE WHEN reason IS NULL THEN 'incremental' ELSE 'full' END,
        'reason', reason,
        'from_watermark', CASE WHEN reason IS NULL THEN prev.to_watermark END,
        'to_watermark', max_wm,
        'new_rows', new_rows,
        'cumulative_rows', new_rows + CASE WHEN reason IS NULL THEN prev.cumulative_rows ELSE 0 END,
        'tuples_inserted', ins_now,
        'state', jsonb_build_object('signature', signature, 'parts', parts, 'profiles', profiles)));
END
$$;

-- The planner's estimate of the rows of a relation (or view).
CREATE FUNCTION vqc._estimated_rows(src regclass)
RETURNS float8
LANGUAGE plpgsql
AS $$
DECLARE
    p jsonb;
BEGIN
    EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM %s', src) INTO p;
    RETURN (p -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END
$$;

CREATE FUNCTION vqc._drop_new_rows_view(src regclass, t regclass)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF src <> t THEN
        EXECUTE format('DROP VIEW %s', src);
    END IF;
END
$$;

-- Stores a run's cumulative state (called by _record_run_write, as the
-- extension's owner, with what the check computed as the caller).
CREATE FUNCTION vqc._incremental_write(run vqc_report.run, inc jsonb)
RETURNS void
LANGUAGE sql
AS $$
    INSERT INTO vqc_report.incremental_run (run_id, suite_id, target, target_schema, target_table, watermark_column,
                                            mode, reason, from_watermark, to_watermark, new_rows, cumulative_rows,
                                            tuples_inserted, state)
    VALUES (run.run_id, run.suite_id, run.target, run.target_schema, run.target_table, inc ->> 'watermark_column',
            inc ->> 'mode', inc ->> 'reason', inc -> 'from_watermark', inc -> 'to_watermark',
            (inc ->> 'new_rows')::bigint, (inc ->> 'cumulative_rows')::bigint, (inc ->> 'tuples_inserted')::bigint,
            inc -> 'state')
$$;

-- ---------------------------------------------------------------------------
-- entry points

CREATE FUNCTION vqc.run(suite text, suite_parameters jsonb DEFAULT NULL, full boolean DEFAULT false)
RETURNS TABLE (run_id bigint, "position" integer, expectation_id bigint, expectation_type text,
               column_name text, status text, success boolean, observed_value jsonb,
               unexpected_count bigint, unexpected_percent double precision, result jsonb)
LANGUAGE plpgsql
AS $$
DECLARE
    done jsonb := vqc._record_run((vqc._suite(suite)).suite_id, suite_parameters, run.full);
BEGIN
    RETURN QUERY
    SELECT (done ->> 'run_id')::bigint, (r ->> 'position')::integer, (r ->> 'id')::bigint, r ->> 'type',
           r ->> 'column', r ->> 'status', (r ->> 'success')::boolean, r -> 'result' -> 'observed_value',
           (r -> 'result' ->> 'unexpected_count')::bigint, (r -> 'result' ->> 'unexpected_percent')::float8,
           vqc._ge_result(r)
      FROM jsonb_array_elements(done -> 'results') r
     ORDER BY (r ->> 'position')::integer;
END
$$;
COMMENT ON FUNCTION vqc.run(text, jsonb, boolean) IS
    'Evaluates every expectation of a suite in one scan of its table (of its new rows when the suite has a watermark, unless full), as the caller, records the run in vqc_report and returns the results; suite_parameters gives the values of {"$PARAMETER": "name"} kwargs.';

-- The relay of a run (see vqc._record_run(bigint)).
CREATE FUNCTION vqc._record_run(suite_id bigint, suite_parameters jsonb, full_scan boolean)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vqc_with_caller'
LANGUAGE C;

CREATE FUNCTION vqc._record_run_check(suite_id bigint, suite_parameters jsonb, full_scan boolean)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    s       vqc.suite := vqc._suite_by_id(suite_id);
    t       regclass := vqc._suite_target(s);
    started timestamptz := clock_timestamp();
    inputs  record := vqc._suite_inputs(s, t);
    ev      jsonb;
BEGIN
    PERFORM vqc._check_suite_other_tables(s, t, inputs.expectations);     -- ge_types.sql
    IF s.watermark IS NULL THEN
        ev := vqc._evaluate_all(t, vqc._resolve_expectation_parameters(inputs.expectations, suite_parameters),
                                inputs.key_columns, 20, '"BASIC"', false, inputs.profile_columns);
    ELSE
        ev := vqc._evaluate_incremental(s, t, vqc._resolve_expectation_parameters(inputs.expectations, suite_parameters),
                                        inputs.key_columns, inputs.profile_columns, full_scan);
    END IF;
    RETURN ev || jsonb_build_object('suite_id', s.suite_id, 'started', started,
                                    'finished', clock_timestamp(),
                                    'row_security', row_security_active(t));
END
$$;

CREATE FUNCTION vqc._record_run_write(caller regrole, ev jsonb, suite_id bigint, suite_parameters jsonb,
                                      full_scan boolean)
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc._record_run_write(caller, ev, suite_id) $$;

-- ---------------------------------------------------------------------
-- typed_aggregates.sql: vqc.profile_agg and vqc.hash_set_agg for each
-- type a profile takes, beside their anyelement forms
-- ---------------------------------------------------------------------
-- Citus runs a custom aggregate on its workers (worker_partial_agg) only
-- when the aggregate is declared for the argument's exact type, and calls
-- the transition function by oid with no call expression: the C reads the
-- type from these declarations then (src/arg_type.c).  On one node the
-- parser picks the exact type's aggregate, and the result is the same as the
-- anyelement form's (a domain resolves to its base type, as before).
-- vqc.hash_value gets the same overloads, so that a value is hashed as the
-- same type by it and by vqc.hash_set_agg whatever the parser resolves.
DO $typed$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision',
                             'boolean', 'date', 'timestamp', 'timestamptz', 'text', 'varchar', 'char'] LOOP
        EXECUTE format($sql$
            CREATE FUNCTION vqc.profile_transfn(vqc.profile, %1$s) RETURNS vqc.profile
            AS 'MODULE_PATHNAME', 'vqc_profile_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
            CREATE AGGREGATE vqc.profile_agg(%1$s) (
                SFUNC = vqc.profile_transfn, STYPE = vqc.profile, FINALFUNC = vqc.profile_finalfn,
                COMBINEFUNC = vqc.profile_combinefn, INITCOND = %2$L, PARALLEL = SAFE);
            CREATE FUNCTION vqc.hash_set_transfn(vqc.hash_set_state, %1$s) RETURNS vqc.hash_set_state
            AS 'MODULE_PATHNAME', 'vqc_hash_set_transfn' LANGUAGE C STABLE STRICT PARALLEL SAFE;
            CREATE AGGREGATE vqc.hash_set_agg(%1$s) (
                SFUNC = vqc.hash_set_transfn, STYPE = vqc.hash_set_state,
                COMBINEFUNC = vqc.hash_set_combinefn, INITCOND = %3$L, PARALLEL = SAFE);
            CREATE FUNCTION vqc.hash_value(value %1$s) RETURNS bigint
            AS 'MODULE_PATHNAME', 'vqc_hash_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
            $sql$, t,
            (SELECT agginitval FROM pg_catalog.pg_aggregate WHERE aggfnoid = 'vqc.profile_agg(anyelement)'::pg_catalog.regprocedure),
            (SELECT agginitval FROM pg_catalog.pg_aggregate WHERE aggfnoid = 'vqc.hash_set_agg(anyelement)'::pg_catalog.regprocedure));
    END LOOP;
END
$typed$;

-- The classification aggregates ("any" labels) likewise, for two labels of
-- one of these types (smallint too: a smallint pair would otherwise find
-- the integer and bigint forms equally good), and the agreement aggregates
-- (which read every argument as text) for text items, annotators and labels,
-- with transition functions of those types; an option argument keeps its
-- type.  Other argument types keep the "any" forms, which run on one node
-- only (on Citus, cast the arguments).
DO $typed_labels$
DECLARE
    family record;
    t      text;
    f      record;
BEGIN
    FOR family IN SELECT * FROM (VALUES ('confusion%transfn', ARRAY['smallint', 'integer', 'bigint', 'boolean', 'text']),
                                        ('agreement%transfn', ARRAY['text'])) AS x(transfns, types) LOOP
    FOREACH t IN ARRAY family.types LOOP
        FOR f IN
            SELECT p.proname, p.prosrc, p.provolatile, p.proisstrict, p.prorettype,
                   (SELECT string_agg(CASE WHEN a.typ = 'pg_catalog."any"'::pg_catalog.regtype THEN t
                                           ELSE pg_catalog.format_type(a.typ, NULL) END, ', ' ORDER BY a.i)
                      FROM unnest(p.proargtypes::pg_catalog.oid[]) WITH ORDINALITY AS a(typ, i)) AS args
              FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'vqc'::pg_catalog.regnamespace AND p.proname LIKE family.transfns
               AND 'pg_catalog."any"'::pg_catalog.regtype = ANY (p.proargtypes::pg_catalog.oid[])
             ORDER BY p.proname, p.pronargs
        LOOP
            EXECUTE format('CREATE FUNCTION vqc.%I(%s) RETURNS %s AS %L, %L LANGUAGE C %s %s PARALLEL SAFE',
                           f.proname, f.args, pg_catalog.format_type(f.prorettype, NULL), 'MODULE_PATHNAME', f.prosrc,
                           CASE f.provolatile WHEN 'i' THEN 'IMMUTABLE' WHEN 's' THEN 'STABLE' ELSE 'VOLATILE' END,
                           CASE WHEN f.proisstrict THEN 'STRICT' ELSE 'CALLED ON NULL INPUT' END);
        END LOOP;
        FOR f IN
            SELECT p.proname, tf.proname AS transfn, ff.proname AS finalfn, cf.proname AS combinefn, g.aggtranstype,
                   g.agginitval,
                   (SELECT string_agg(pg_catalog.format('%I %s', p.proargnames[a.i],
                                                        CASE WHEN a.typ = 'pg_catalog."any"'::pg_catalog.regtype THEN t
                                                             ELSE pg_catalog.format_type(a.typ, NULL) END), ', ' ORDER BY a.i)
                      FROM unnest(p.proargtypes::pg_catalog.oid[]) WITH ORDINALITY AS a(typ, i)) AS args
              FROM pg_catalog.pg_aggregate g
              JOIN pg_catalog.pg_proc p ON p.oid = g.aggfnoid
              JOIN pg_catalog.pg_proc tf ON tf.oid = g.aggtransfn
              JOIN pg_catalog.pg_proc cf ON cf.oid = g.aggcombinefn
              LEFT JOIN pg_catalog.pg_proc ff ON ff.oid = g.aggfinalfn
             WHERE p.pronamespace = 'vqc'::pg_catalog.regnamespace AND tf.proname LIKE family.transfns
               AND 'pg_catalog."any"'::pg_catalog.regtype = ANY (p.proargtypes::pg_catalog.oid[])
             ORDER BY p.proname, p.pronargs
        LOOP
            EXECUTE format('CREATE AGGREGATE vqc.%I(%s) (SFUNC = vqc.%I, STYPE = %s, %s %s COMBINEFUNC = vqc.%I, PARALLEL = SAFE)',
                           f.proname, f.args, f.transfn, pg_catalog.format_type(f.aggtranstype, NULL),
                           CASE WHEN f.finalfn IS NOT NULL THEN format('FINALFUNC = vqc.%I,', f.finalfn) ELSE '' END,
                           CASE WHEN f.agginitval IS NOT NULL THEN format('INITCOND = %L,', f.agginitval) ELSE '' END,
                           f.combinefn);
        END LOOP;
    END LOOP;
    END LOOP;
END
$typed_labels$;

-- ---------------------------------------------------------------------
-- citus.sql: what vqc needs to know of Citus (optional; see README "Citus")
-- ---------------------------------------------------------------------

-- Whether target is a Citus distributed table (hash, range or append
-- distributed; a reference table's rows live whole on each node).  False
-- without Citus.
CREATE FUNCTION vqc._citus_distributed(target regclass)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    distributed boolean := false;
BEGIN
    IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition '
                'WHERE logicalrelid OPERATOR(pg_catalog.=) $1 AND partmethod OPERATOR(pg_catalog.<>) ''n'')'
            INTO distributed USING target;
    END IF;
    RETURN distributed;
END
$$;
-- search_path.sql: settings every function of vqc gets, done here, last, in
-- one pass over the extension's functions, so that none is forgotten.
--
-- Every SQL and PL/pgSQL function runs with a pinned search_path
-- (PostgreSQL's guidance for extensions since CVE-2018-1058), so that
-- nothing a caller or another role put in public or pg_temp is resolved
-- inside vqc: not in the functions' own code, nor in the SQL they generate
-- and execute.  pg_catalog comes first and pg_temp is named last, so neither
-- functions, operators nor types can be shadowed.  C functions resolve no
-- names and are left alone (a SET clause would also cost every aggregate
-- transition a GUC save and restore).
--
-- The writers of vqc's tables (vqc._*_write*, relayed by vqc_with_caller in
-- privilege.c) trust their caller argument, so no role may call them:
-- EXECUTE is revoked from PUBLIC.  A role calling one anyway would run it
-- with its own rights, which include no write on these tables; this is the
-- second lock.
DO $pin$
DECLARE
    fn regprocedure;
    lang name;
    writer boolean;
BEGIN
    FOR fn, lang, writer IN
        SELECT p.oid, l.lanname, p.proname OPERATOR(pg_catalog.~~) '\_%\_write%'
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                     AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
          JOIN pg_catalog.pg_language l ON l.oid = p.prolang
         WHERE p.prokind = 'f'
    LOOP
        IF lang IN ('sql', 'plpgsql') THEN
            EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', fn);
        END IF;
        IF writer THEN
            EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
        END IF;
    END LOOP;
END
$pin$;
