
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
