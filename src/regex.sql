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
