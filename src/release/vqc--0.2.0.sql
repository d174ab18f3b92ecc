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

CREATE TABLE vqc.expectation_catalog (
    expectation_type text PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('map', 'aggregate', 'statistic', 'table', 'schema')),
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
AS $$ SELECT ARRAY['result_format', 'include_config', 'catch_exceptions', 'meta', 'notes'] $$;

INSERT INTO vqc.expectation_catalog VALUES
('expect_column_to_exist', 'schema', '{column}', '{column_index}',
 'The column exists (at column_index, zero-based as in GE, when given).'),
('expect_table_columns_to_match_set', 'schema', '{column_set}', '{exact_match}',
 'The table''s columns are column_set (exact_match, default true) or include it.'),
('expect_table_columns_to_match_ordered_list', 'schema', '{column_list}', '{}',
 'The table''s columns are column_list, in that order.'),
('expect_table_column_count_to_equal', 'schema', '{value}', '{}',
 'The table has exactly value columns.'),
('expect_table_column_count_to_be_between', 'schema', '{}', '{min_value,max_value}',
 'The table''s column count is within [min_value, max_value].'),
('expect_column_values_to_be_of_type', 'schema', '{column,type_}', '{}',
 'The column''s declared type is type_ (a PostgreSQL type name such as INTEGER or TEXT).'),
('expect_column_values_to_be_in_type_list', 'schema', '{column,type_list}', '{}',
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
('expect_column_distinct_values_to_be_in_set', 'statistic', '{column,value_set}', '{}',
 'Every distinct non-null value is in value_set.'),
('expect_column_distinct_values_to_contain_set', 'statistic', '{column,value_set}', '{}',
 'Every value of value_set occurs in the column.'),
('expect_column_distinct_values_to_equal_set', 'statistic', '{column,value_set}', '{}',
 'The distinct non-null values are exactly value_set.'),
('expect_column_drift_to_be_less_than', 'statistic', '{column,baseline}', '{method,threshold,options}',
 'vqc extension: the drift score against a stored baseline profile (vqc.set_baseline) stays under the method''s threshold.'),
('expect_column_kl_divergence_to_be_less_than', 'statistic', '{column,partition_object}',
 '{threshold,internal_weight_holdout,tail_weight_holdout,bucketize_data}',
 'KL(observed || expected) of the column against partition_object (bins or values with weights) is at most threshold.');
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

-- min_value and max_value, of the JSON types allowed; at least one of them.
CREATE FUNCTION vqc._kw_bounds(etype text, kwargs jsonb, allowed text[], OUT lo jsonb, OUT hi jsonb)
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    lo := vqc._kw(etype, kwargs, 'min_value', allowed);
    hi := vqc._kw(etype, kwargs, 'max_value', allowed);
    IF lo IS NULL AND hi IS NULL THEN
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
CREATE FUNCTION vqc._quantile_arg(qcol text, type_sql text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format(CASE WHEN vqc._base_type(type_sql::regtype) = 'numeric'::regtype THEN '%s::pg_catalog.numeric'
                       ELSE '%s::pg_catalog.float8' END, qcol)
$$;

-- SQL for a failing row's key as jsonb text: the key columns; without a key,
-- the ctid (with the partition for a partitioned table), or nothing for a
-- view or foreign table, which have no ctid.
CREATE FUNCTION vqc._row_key_sql(target regclass, key_columns text[])
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    parts text[] := '{}';
    c     text;
    kind  "char" := (SELECT relkind FROM pg_class WHERE oid = target);
BEGIN
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
        'include_unexpected_rows', coalesce((spec ->> 'include_unexpected_rows')::boolean, false));
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
    expected  text;          -- SQL: the row is as expected (map kind)
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
    plan := jsonb_build_object('kind', entry.kind, 'type', etype, 'kwargs', kwargs,
                               'position', pidx);
    IF kwargs ? 'column' AND etype <> 'expect_column_to_exist' THEN
        SELECT * INTO col FROM vqc._column(target, colname);
        qcol := quote_ident(colname);
        plan := plan || jsonb_build_object('column', colname, 'type_sql', col.type_sql);
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
            IF col.category <> 'N' THEN
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
        RETURN plan || jsonb_build_object(
            'items', jsonb_build_object(format('s%s', pidx), stat_sql) ||
                     CASE WHEN etype = 'expect_column_median_to_be_between' THEN
                          jsonb_build_object(format('c%s', pidx),
                                             format('vqc.exact_quantile_count(vqc.exact_quantile_agg(%s))',
                                                    vqc._quantile_arg(qcol, col.type_sql)),
                                             format('o%s', pidx),
                                             format('vqc.exact_quantile_overflowed(vqc.exact_quantile_agg(%s))',
                                                    vqc._quantile_arg(qcol, col.type_sql)))
                     ELSE '{}' END ||
                     -- brackets for one exact pass should the collector overflow
                     CASE WHEN etype = 'expect_column_median_to_be_between' AND vqc._may_overflow(target) THEN
                          jsonb_build_object(format('k%s', pidx),
                                             format('vqc.profile_agg(%s)', vqc._quantile_arg(qcol, col.type_sql)))
                     ELSE '{}' END,
            'value_item', format('s%s', pidx),
            'overflow_item', CASE WHEN etype = 'expect_column_median_to_be_between' THEN format('o%s', pidx) END,
            'count_item', CASE WHEN etype = 'expect_column_median_to_be_between' THEN format('c%s', pidx) END,
            'sketch_item', CASE WHEN etype = 'expect_column_median_to_be_between' AND vqc._may_overflow(target)
                                THEN format('k%s', pidx) END,
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
            SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
            PERFORM vqc._check_bounds(etype, lo, hi, 'numeric');
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
        pat := coalesce(vqc._kw_text(etype, kwargs, 'match_on'), 'any');
        IF pat NOT IN ('any', 'all') THEN
            PERFORM vqc._bad_kwarg(etype, 'match_on must be "any" or "all"');
        END IF;
        IF etype LIKE '%not_match%' THEN
            expected := format('NOT (%s)', array_to_string(conds, ' OR '));
        ELSE
            expected := format('(%s)', array_to_string(conds, CASE pat WHEN 'any' THEN ' OR ' ELSE ' AND ' END));
        END IF;
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
                                            format('vqc._jsonb_text_array(%s OPERATOR(pg_catalog.->) ''value_set'')::%s[]',
                                                   p, col.type_sql), true));
    END CASE;

    IF etype = 'expect_column_values_to_be_unique' THEN
        IF vqc._has_unique_index(target, colname) THEN
            -- the database already guarantees it: count, don't screen
            RETURN plan || jsonb_build_object(
                'items', jsonb_build_object('n', 'pg_catalog.count(*)', format('nn:%s', colname),
                                            format('pg_catalog.count(%s)', qcol)),
                'nonnull', format('nn:%s', colname),
                'unique_by_index', true,
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
            -- the screen stores integers themselves: when the row key is
            -- the column too, the repeats alone give values and keys
            'keys_from_values', coalesce(key_columns = ARRAY[colname], false)
                                AND vqc._base_type(col.type_sql::regtype)
                                    IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype),
            'sample_cap', sample_cap);
    END IF;

    RETURN plan || jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
            format('t%s', pidx),
            format('vqc.tally(%s, %s, %s) FILTER (WHERE %s)', value_sql,
                   vqc._row_key_sql(target, key_columns), sample_cap,
                   CASE WHEN skip_missing THEN format('(%s) IS NOT TRUE', expected)
                        ELSE format('%s IS NOT NULL AND (%s) IS NOT TRUE', qcol, expected) END)),
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
            success := wanted <@ actual
                       AND (NOT vqc._kw_bool(etype, kwargs, 'exact_match', true) OR actual <@ wanted);
            IF NOT success THEN
                result := result || jsonb_build_object('details', jsonb_build_object('mismatched', jsonb_build_object(
                    'unexpected', to_jsonb(ARRAY(SELECT c FROM unnest(actual) c WHERE NOT c = ANY (wanted))),
                    'missing', to_jsonb(ARRAY(SELECT c FROM unnest(wanted) c WHERE NOT c = ANY (actual))))));
            END IF;
        ELSE
            success := actual = wanted;
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
            IF lo IS NULL AND hi IS NULL THEN
                PERFORM vqc._bad_kwarg(etype, 'min_value and max_value cannot both be null');
            END IF;
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
        success := EXISTS (
            SELECT 1 FROM unnest(wanted) w
             WHERE vqc._resolve_type(etype, w) IN (coltype, (SELECT typbasetype::regtype FROM pg_type WHERE oid = coltype)));
        result := jsonb_build_object('observed_value', upper(format_type(coltype, NULL)));
    END CASE;
    RETURN jsonb_build_object('success', success, 'result', result);
END
$$;

-- ---------------------------------------------------------------------------
-- evaluation

-- A failing value (text from the scan) as JSON, typed like the column.
CREATE FUNCTION vqc._sample_json(value text, category "char", clipped boolean)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF value IS NULL THEN
        RETURN 'null';
    ELSIF clipped THEN
        RETURN to_jsonb(value);
    ELSIF category = 'N' AND value ~ '^-?[0-9]' THEN
        RETURN to_jsonb(value::numeric);
    ELSIF category = 'B' THEN
        RETURN to_jsonb(value::boolean);
    END IF;
    RETURN to_jsonb(value);
EXCEPTION WHEN data_exception THEN
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
        BEGIN
            RETURN to_jsonb(observed::numeric);
        EXCEPTION WHEN data_exception OR feature_not_supported THEN
            RETURN to_jsonb(observed);       -- NaN or infinity: JSON has no number for it
        END;
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

    SELECT coalesce(jsonb_agg(vqc._sample_json(s ->> 'value', category, (s ->> 'clipped')::boolean) ORDER BY o), '[]'),
           coalesce(jsonb_agg(CASE WHEN jsonb_typeof(s -> 'row_key') = 'object' THEN s -> 'row_key' ELSE '{}' END ||
                              jsonb_build_object(col, vqc._sample_json(s ->> 'value', category, (s ->> 'clipped')::boolean))
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
    lim     text := current_setting('vqc.exact_memory_limit');
    fit     bigint := greatest(CASE WHEN lim = '-1' THEN pg_size_bytes(current_setting('work_mem'))
                                    ELSE pg_size_bytes(lim) END / 8, 1);
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
    SELECT greatest(CASE WHEN pg_catalog.current_setting('vqc.exact_memory_limit') = '-1'
                          THEN pg_catalog.pg_size_bytes(pg_catalog.current_setting('work_mem'))
                          ELSE pg_catalog.pg_size_bytes(pg_catalog.current_setting('vqc.exact_memory_limit')) END / 8, 1)
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

    IF kind = 'statistic' THEN
        res := vqc._evaluate_statistic(target, plan, vals, rf);
        RETURN res || jsonb_build_object('samples', samples);
    END IF;

    IF kind IN ('table', 'aggregate') THEN
        observed := vals ->> (plan ->> 'value_item');
        IF (vals ->> (plan ->> 'overflow_item'))::boolean THEN
            -- more values than vqc.exact_memory_limit: the exact median by passes
            SELECT x.vals[1]::text, x.passes INTO observed, extra
              FROM vqc._exact_quantiles_by_passes(target, vqc._quantile_arg(qcol, plan ->> 'type_sql'), '{0.5}',
                                                  (vals ->> (plan ->> 'count_item'))::bigint, false,
                                                  (vals ->> (plan ->> 'sketch_item'))::vqc.profile) x;
        END IF;
        RETURN jsonb_build_object(
            'success', vqc._within_bounds(plan, observed),
            'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                           ELSE jsonb_build_object('observed_value', vqc._observed_json(plan, observed)) END,
            'samples', samples, 'extra_scans', extra);
    END IF;

    -- map
    SELECT typcategory INTO category FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype;
    element := (vals ->> 'n')::bigint;
    nonnull := (vals ->> (plan ->> 'nonnull'))::bigint;

    IF plan ? 'unique_by_index' THEN
        t := NULL;
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
            -- samples ascending by value, then by row key: the same order whatever the plan
            EXECUTE format('SELECT vqc.tally(v::pg_catalog.text, k, %3$s ORDER BY v, k) FROM '
                           '(SELECT %1$s AS v, %2$s AS k, pg_catalog.count(*) OVER (PARTITION BY %1$s) AS c '
                           '   FROM %4$s WHERE vqc.hash_value(%1$s) OPERATOR(pg_catalog.=) ANY ($1)) AS candidates '
                           'WHERE c OPERATOR(pg_catalog.>) 1',
                           qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', target)
                INTO t USING ARRAY(SELECT dups[i][1] FROM generate_subscripts(dups, 1) AS i);
            extra := 1;
        ELSE
            -- samples in the hash screen's order, by value, then by row key
            eq := vqc._type_operator((plan ->> 'type_sql')::regtype, '=');
            EXECUTE format('SELECT vqc.tally(%1$s::pg_catalog.text, %2$s, %3$s ORDER BY %1$s, %2$s) FROM %4$s '
                           'WHERE (%1$s)%5$s %6$s ANY (SELECT (%1$s)%5$s FROM %4$s WHERE %1$s IS NOT NULL '
                           'GROUP BY %1$s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)',
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
    RETURN res || jsonb_build_object('samples', samples, 'extra_scans', extra);
END
$$;

-- ---------------------------------------------------------------------------
-- evaluating a list of expectations on one table in one scan

-- The one SELECT that computes the named items (in the order of names) as text.
CREATE FUNCTION vqc._scan_sql(target regclass, items jsonb, names text[])
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format('SELECT ARRAY[%s]::pg_catalog.text[] FROM %s',
                  string_agg(format('(%s)::pg_catalog.text', items ->> nm), ', ' ORDER BY o), target)
      FROM unnest(names) WITH ORDINALITY AS x(nm, o)
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
    n          integer := jsonb_array_length(expectations);
    planned    record := vqc._plan_all(target, expectations, key_columns, sample_cap, rf_default,
                                       raise_errors, profile_columns);
    plans      jsonb[] := planned.plans;
    rfs        jsonb[] := planned.rfs;
    errors     text[] := planned.errors;
    kwargs_all jsonb := planned.kwargs_all;
    items      jsonb := planned.items;
    names      text[];
    vals       jsonb := '{}';
    arr        text[];
    e          jsonb;
    i          integer;
    k          text;
    msg        text;
    scans      integer := 0;
    out_results jsonb := '[]';
    ev         jsonb;
BEGIN
    -- one scan for all items
    IF items <> '{}' THEN
        SELECT array_agg(key ORDER BY key) INTO names FROM jsonb_object_keys(items) key;
        BEGIN
            scans := 1;
            EXECUTE vqc._scan_sql(target, items, names) INTO arr USING kwargs_all;
            FOR i IN 1 .. cardinality(names) LOOP
                vals := vals || jsonb_build_object(names[i], arr[i]);
            END LOOP;
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE;
            WHEN OTHERS THEN
                IF raise_errors THEN
                    RAISE;
                END IF;
                -- One expectation broke the shared scan (a regex limit, say): scan
                -- each alone so that only the culprit is reported as an error.
                FOR i IN 1 .. n LOOP
                CONTINUE WHEN NOT plans[i] ? 'items';
                BEGIN
                    SELECT array_agg(key ORDER BY key) INTO names FROM jsonb_object_keys(plans[i] -> 'items') key;
                    scans := scans + 1;
                    EXECUTE vqc._scan_sql(target, plans[i] -> 'items', names) INTO arr USING kwargs_all;
                    FOR k IN SELECT unnest(names) LOOP
                        vals := vals || jsonb_build_object(k, arr[array_position(names, k)]);
                    END LOOP;
                EXCEPTION
                    WHEN insufficient_privilege THEN
                        RAISE;
                    WHEN OTHERS THEN
                        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                        errors[i] := msg;
                        plans[i] := NULL;
                END;
            END LOOP;
        END;
    END IF;

    -- evaluate
    FOR i IN 1 .. n LOOP
        e := expectations -> (i - 1);
        ev := NULL;
        IF plans[i] IS NOT NULL THEN
            BEGIN
                ev := vqc._evaluate(target, plans[i], vals, rfs[i]);
                scans := scans + (ev ->> 'extra_scans')::integer;
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
    out := vqc._evaluate_all(target,
                             jsonb_build_array(jsonb_build_object('type', expectation_type, 'kwargs', kwargs)),
                             vqc._primary_key(target), 0, to_jsonb(result_format), true);
    RETURN vqc._ge_result(out -> 'results' -> 0);
END
$$;
COMMENT ON FUNCTION vqc.expect(regclass, text, jsonb, text) IS
    'Evaluates one Great Expectations expectation on a table and returns GE''s validation result.';
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
        items := jsonb_build_object(format('o:%s', colname),
                                    format('vqc.exact_quantile_overflowed(vqc.exact_quantile_agg(%s))',
                                           vqc._quantile_arg(qcol, type_sql)),
                                    format('qn:%s', colname),
                                    format('vqc.exact_quantile_count(vqc.exact_quantile_agg(%s))',
                                           vqc._quantile_arg(qcol, type_sql)));
        FOR j IN 0 .. jsonb_array_length(qs) - 1 LOOP
            -- one collector for all quantiles: the planner computes identical aggregates once
            items := items || jsonb_build_object(format('q%s_%s', pidx, j),
                format('vqc.exact_quantile_disc(vqc.exact_quantile_agg(%s), '
                       '(%s OPERATOR(pg_catalog.->) ''quantile_ranges'' OPERATOR(pg_catalog.->) ''quantiles'' '
                       'OPERATOR(pg_catalog.->>) %s)::pg_catalog.float8)',
                       vqc._quantile_arg(qcol, type_sql), p, j));
        END LOOP;
        IF vqc._may_overflow(target) THEN
            -- brackets for one exact pass should the collector overflow
            items := items || jsonb_build_object(format('k:%s', colname),
                                                 format('vqc.profile_agg(%s)', vqc._quantile_arg(qcol, type_sql)));
        END IF;
        RETURN jsonb_build_object('statistic', 'quantiles', 'approximate', false,
                                  'overflow_item', format('o:%s', colname),
                                  'count_item', format('qn:%s', colname), 'items', items,
                                  'sketch_item', CASE WHEN items ? format('k:%s', colname) THEN format('k:%s', colname) END);

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
LANGUAGE plpgsql
AS $$
BEGIN
    extra := 0;
    IF prof IS NOT NULL AND vqc.is_exact(prof) AND vqc._profile_values_exact(prof, type_sql) THEN
        EXECUTE format('SELECT coalesce(pg_catalog.array_agg(v::pg_catalog.text ORDER BY v), ''{}'') '
                       'FROM (SELECT DISTINCT t.value::%s AS v FROM vqc.top_values($1, 2147483647) t) d',
                       type_sql)
            INTO vals USING prof;
    ELSE
        EXECUTE format('SELECT coalesce(pg_catalog.array_agg(v::pg_catalog.text ORDER BY v), ''{}'') '
                       'FROM (SELECT DISTINCT %1$s AS v FROM %2$s WHERE %1$s IS NOT NULL) d',
                       quote_ident(colname), target)
            INTO vals;
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
        ELSIF (vals ->> (plan ->> 'overflow_item'))::boolean THEN
            -- past vqc.exact_memory_limit: exact percentile_disc by passes
            SELECT x.vals, x.passes INTO qvals, extra
              FROM vqc._exact_quantiles_by_passes(target, vqc._quantile_arg(quote_ident(colname), plan ->> 'type_sql'), qs,
                                                  (vals ->> (plan ->> 'count_item'))::bigint, true,
                                                  (vals ->> (plan ->> 'sketch_item'))::vqc.profile) x;
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
        res := vqc._distinct_values(target, colname, type_sql, prof);
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
            WHEN 'expect_column_distinct_values_to_be_in_set' THEN cardinality(found) = 0
            WHEN 'expect_column_distinct_values_to_contain_set' THEN cardinality(setvals) = 0
            ELSE cardinality(found) = 0 AND cardinality(setvals) = 0 END;
        observed := vqc._typed_json_array(res.vals, type_sql);
        IF NOT success THEN
            details := CASE etype
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
-- expect_column_kl_divergence_to_be_less_than, as Great Expectations defines it:
-- KL(observed || expected) = sum o ln(o / e) over the partition, where the
-- observed weights are exact counts from the scan (one count per bin or
-- value, in the same SELECT) over the non-null values.
--   bins:   [b0, b1), ..., [b(k-1), bk] as numpy.histogram; values outside the
--           range make the divergence infinite unless tail_weight_holdout
--           gives the tails that much expected weight (half each).
--   values: a value outside the partition makes it infinite unless
--           internal_weight_holdout spreads that much expected weight evenly
--           over the unexpected values (counted exactly in a second pass).
--   internal_weight_holdout with bins: spread evenly over zero-weight bins.
-- An infinite divergence fails with observed_value null; without threshold
-- the expectation only reports.
CREATE FUNCTION vqc._plan_kl(etype text, kwargs jsonb, pidx integer, colname text, type_sql text, category "char")
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    qcol   text := quote_ident(colname);
    p      text := format('($1 OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->) ''partition_object'')', pidx);
    po     jsonb := vqc._kw(etype, kwargs, 'partition_object', '{object}');
    w      jsonb := po -> 'weights';
    items  jsonb := jsonb_build_object(format('nn:%s', colname), format('pg_catalog.count(%s)', qcol));
    bin_sql text := format('(%s OPERATOR(pg_catalog.->) ''bins'' OPERATOR(pg_catalog.->>) %%s)::pg_catalog.float8', p);
    x_sql  text := format('%s::pg_catalog.float8', qcol);
    k      integer;
    i      integer;
    h_in   numeric := coalesce((vqc._kw(etype, kwargs, 'internal_weight_holdout', '{number}'))::numeric, 0);
    h_tail numeric := coalesce((vqc._kw(etype, kwargs, 'tail_weight_holdout', '{number}'))::numeric, 0);
BEGIN
    PERFORM vqc._kw(etype, kwargs, 'threshold', '{number}');
    PERFORM vqc._kw_bool(etype, kwargs, 'bucketize_data', true);
    IF h_in < 0 OR h_in >= 1 OR h_tail < 0 OR h_tail >= 1 THEN
        PERFORM vqc._bad_kwarg(etype, 'holdouts must be in [0, 1)');
    END IF;
    IF jsonb_typeof(w) IS DISTINCT FROM 'array' OR jsonb_array_length(w) = 0
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(w) x WHERE jsonb_typeof(x) <> 'number' OR x::numeric < 0)
       OR abs((SELECT sum(x::numeric) FROM jsonb_array_elements(w) x) - 1) > 1e-6 THEN
        PERFORM vqc._bad_kwarg(etype, 'partition_object needs "weights": non-negative numbers summing to 1');
    END IF;
    k := jsonb_array_length(w);
    IF po ? 'bins' THEN
        IF category <> 'N' THEN
            RAISE EXCEPTION '% with bins needs a numeric column; column "%" is of type %', etype, colname, type_sql
                USING ERRCODE = 'datatype_mismatch';
        END IF;
        IF jsonb_typeof(po -> 'bins') <> 'array' OR jsonb_array_length(po -> 'bins') <> k + 1
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(po -> 'bins') x WHERE jsonb_typeof(x) <> 'number')
           OR EXISTS (SELECT 1 FROM generate_series(1, k) g WHERE (po -> 'bins' ->> g)::numeric <= (po -> 'bins' ->> (g - 1))::numeric) THEN
            PERFORM vqc._bad_kwarg(etype, 'partition_object "bins" must be k + 1 increasing numbers for k weights');
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
    obs     float8[] := '{}';
    expct   float8[] := '{}';
    zeros   integer;
    inside  float8 := 0;
    others  float8[];
    kl      float8 := 0;
    i       integer;
    threshold float8 := (kwargs ->> 'threshold')::float8;
BEGIN
    extra := 0;
    FOR i IN 0 .. k - 1 LOOP
        obs := obs || (vals ->> format('kl%s_%s', pidx, i))::float8;
        expct := expct || (po -> 'weights' ->> i)::float8;
        inside := inside + (vals ->> format('kl%s_%s', pidx, i))::float8;
    END LOOP;
    IF plan ->> 'partition_kind' = 'bins' THEN
        IF h_in > 0 THEN
            zeros := (SELECT count(*) FROM unnest(expct) e WHERE e = 0);
            IF zeros > 0 THEN
                expct := ARRAY(SELECT CASE WHEN e = 0 THEN h_in / zeros ELSE e * (1 - h_in) END FROM unnest(expct) WITH ORDINALITY u(e, o) ORDER BY o);
            END IF;
        END IF;
        IF h_tail > 0 THEN
            expct := ARRAY[h_tail / 2] || ARRAY(SELECT e * (1 - h_tail) FROM unnest(expct) WITH ORDINALITY u(e, o) ORDER BY o) || ARRAY[h_tail / 2];
            obs := ARRAY[(vals ->> format('kl%s_below', pidx))::float8] || obs || ARRAY[(vals ->> format('kl%s_above', pidx))::float8];
        ELSE
            -- mass outside the bins has no expected weight
            obs := obs || ((vals ->> format('kl%s_below', pidx))::float8 + (vals ->> format('kl%s_above', pidx))::float8);
            expct := expct || 0::float8;
        END IF;
    ELSE
        IF n - inside > 0 THEN
            IF h_in > 0 THEN
                -- the unexpected values, exactly, and the holdout spread over them
                EXECUTE format('SELECT pg_catalog.array_agg(c::pg_catalog.float8) FROM (SELECT pg_catalog.count(*) AS c '
                               'FROM %1$s WHERE %2$s IS NOT NULL AND NOT %3$s GROUP BY %2$s) g',
                               target, quote_ident(plan ->> 'column'),
                               vqc._compare_sql((plan ->> 'type_sql')::regtype, quote_ident(plan ->> 'column'), '=',
                                                format('vqc._jsonb_text_array($1)::%s[]', plan ->> 'type_sql'), true))
                    INTO others USING po -> 'values';
                extra := 1;
                expct := ARRAY(SELECT e * (1 - h_in) FROM unnest(expct) WITH ORDINALITY u(e, o) ORDER BY o)
                         || array_fill(h_in / cardinality(others), ARRAY[cardinality(others)]);
                obs := obs || others;
            ELSE
                obs := obs || (n - inside);
                expct := expct || 0::float8;
            END IF;
        END IF;
    END IF;

    IF n = 0 THEN
        kl := NULL;
    ELSE
        FOR i IN 1 .. cardinality(obs) LOOP
            CONTINUE WHEN obs[i] = 0;
            IF expct[i] = 0 THEN
                kl := 'Infinity';
                EXIT;
            END IF;
            kl := kl + (obs[i] / n) * ln((obs[i] / n) / expct[i]);
        END LOOP;
    END IF;
    observed := CASE WHEN kl IS NULL OR kl = 'Infinity' THEN 'null'::jsonb ELSE to_jsonb(kl) END;
    success := kl IS NOT NULL AND kl <> 'Infinity' AND (threshold IS NULL OR kl <= threshold);
    details := jsonb_build_object('observed_partition', jsonb_build_object('weights',
                   to_jsonb(ARRAY(SELECT CASE WHEN n > 0 THEN x / n END FROM unnest(obs) WITH ORDINALITY u(x, o) ORDER BY o))),
                                  'expected_partition', jsonb_build_object('weights', to_jsonb(expct)),
                                  'infinite', kl = 'Infinity');
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
    target         regclass NOT NULL
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
    PERFORM vqc._plan(t, expectation_type, kwargs, 0, coalesce(s.key_columns, vqc._primary_key(t)), 20);
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
-- than a count or a score?
CREATE FUNCTION vqc._observed_is_value(etype text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT c.kind IN ('aggregate', 'statistic')
           AND etype NOT IN ('expect_column_unique_value_count_to_be_between',
                             'expect_column_proportion_of_unique_values_to_be_between',
                             'expect_column_drift_to_be_less_than',
                             'expect_column_kl_divergence_to_be_less_than')
      FROM vqc.expectation_catalog c
     WHERE c.expectation_type = etype
$$;

CREATE FUNCTION vqc.run(suite text)
RETURNS TABLE (run_id bigint, "position" integer, expectation_id bigint, expectation_type text,
               column_name text, status text, success boolean, observed_value jsonb,
               unexpected_count bigint, unexpected_percent double precision, result jsonb)
LANGUAGE plpgsql
AS $$
DECLARE
    done jsonb := vqc._record_run((vqc._suite(suite)).suite_id);
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
COMMENT ON FUNCTION vqc.run(text) IS
    'Evaluates every expectation of a suite in one scan of its table, as the caller, records the run in vqc_report and returns the results.';

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
DECLARE
    s       vqc.suite := vqc._suite_by_id(suite_id);
    t       regclass := vqc._suite_target(s);
    started timestamptz := clock_timestamp();
    inputs  record := vqc._suite_inputs(s, t);
    ev      jsonb;
BEGIN
    ev := vqc._evaluate_all(t, inputs.expectations, inputs.key_columns, 20, '"BASIC"', false,
                            inputs.profile_columns);
    RETURN ev || jsonb_build_object('suite_id', s.suite_id, 'started', started,
                                    'finished', clock_timestamp(),
                                    'row_security', row_security_active(t));
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
    RETURN QUERY EXECUTE format('EXPLAIN (COSTS OFF%s) %s',
                                CASE WHEN with_analyze THEN ', ANALYZE, TIMING OFF, SUMMARY OFF' ELSE '' END,
                                vqc._scan_sql(t, planned.items, names))
        USING planned.kwargs_all;
END
$$;
COMMENT ON FUNCTION vqc.explain(text, boolean) IS
    'The plan of the single scan vqc.run() makes for a suite (with ANALYZE when asked).';
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
            EXECUTE format('SELECT NOT EXISTS (SELECT FROM %2$s WHERE vqc.hash_value(%1$I) OPERATOR(pg_catalog.=) ANY ($1) '
                           'GROUP BY %1$I HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)', col, target)
                INTO distinct_values
                USING ARRAY(SELECT words[j][1] FROM generate_subscripts(words, 1) AS j);
        ELSE
            EXECUTE format('SELECT NOT EXISTS (SELECT FROM %2$s WHERE %1$I IS NOT NULL '
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
    target           regclass
);
COMMENT ON TABLE vqc_report.drift_run IS 'One row per vqc.drift_report(): the dataset verdict.';

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
    PRIMARY KEY (drift_run_id, column_name),
    FOREIGN KEY (drift_run_id, column_name) REFERENCES vqc_report.drift_result ON DELETE CASCADE
);
COMMENT ON TABLE vqc_report.drift_detail IS
    'vqc.drift()''s full answer per column of a drift report; visible only where vqc_report.may_read_values() holds.';
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
    -- the baselines the caller may read (row-level security on vqc.baseline)
    IF NOT EXISTS (SELECT 1 FROM vqc.baseline b WHERE b.target = _record_drift_report_check.target
                                                 AND b.label = _record_drift_report_check.label) THEN
        RAISE EXCEPTION 'baseline "%" of table % does not exist', label, target
            USING ERRCODE = 'undefined_object', HINT = 'Store one with vqc.set_baseline().';
    END IF;
    -- baselined columns that still exist with a type a profile supports
    SELECT array_agg(b.column_name ORDER BY a.attnum) INTO cols
      FROM vqc.baseline b
      JOIN pg_attribute a ON a.attrelid = b.target AND a.attname = b.column_name AND NOT a.attisdropped
     WHERE b.target = _record_drift_report_check.target AND b.label = _record_drift_report_check.label
       AND vqc._profiles_type(a.atttypid);
    scan := vqc._profile_scan(target, cols);

    FOR base IN SELECT b.column_name, b.profile FROM vqc.baseline b
                 WHERE b.target = _record_drift_report_check.target AND b.label = _record_drift_report_check.label
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
        results := results || jsonb_build_array(jsonb_build_object('column', base.column_name, 'drift', d, 'error', msg));
    END LOOP;
    RETURN jsonb_build_object('started', started, 'finished', clock_timestamp(),
                              'rows', scan.rows_scanned, 'results', results);
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
                                          dataset_drifted, run_by, target)
    SELECT n.nspname, c.relname, label, (computed ->> 'started')::timestamptz, (computed ->> 'finished')::timestamptz,
           (computed ->> 'rows')::bigint, x.columns, x.drifted, x.drifted::float8 / nullif(x.columns, 0),
           drift_share, coalesce(x.drifted::float8 / nullif(x.columns, 0) >= drift_share, false),
           caller::text, c.oid
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
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

    INSERT INTO vqc_report.drift_detail (drift_run_id, column_name, target, target_schema, target_table, result)
    SELECT rid, x ->> 'column', r.target, r.target_schema, r.target_table, x -> 'drift'
      FROM vqc_report.drift_run r, jsonb_array_elements(computed -> 'results') x
     WHERE r.drift_run_id = rid;

    RETURN jsonb_build_object('drift_run_id', rid, 'results', computed -> 'results');
END
$$;
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
