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
