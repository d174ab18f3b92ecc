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
