
-- ---------------------------------------------------------------------
-- like_match.sql: SQL LIKE for the scan (src/like_match.c)
-- ---------------------------------------------------------------------
CREATE FUNCTION vqc.like_match(value text, pattern text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_like_match'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.like_match(text, text) IS
    'value LIKE pattern, exactly as text ~~ text (the same answers and errors, escape character \), faster on patterns of literals and %: such a pattern is compiled once per query.';
