-- ge_unimpl.sql: Great Expectations types that GE itself does not run on
-- SQL databases (its runner skips them there), run in the database:
--   * expect_column_values_to_be_increasing / _decreasing: each non-null
--     value against the one before it in row order (GE's pandas rule: the
--     first value passes; strictly makes ties fail).  Row order is the
--     order of the row key (the suite's key, or result_format's
--     unexpected_index_column_names), else the primary key, else the
--     physical order (ctid).  Needs a window over the ordered rows: a
--     second read of the table, in the same SELECT (vqc.explain says so);
--     on a Citus distributed table a pass of its own that gathers the order
--     key and the value (monotone_gather.sql says why);
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
            vqc._tally_sql(format('%I::pg_catalog.text', colname), vqc._row_key_sql(target, key_columns), sample_cap, fails)),
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
-- the scan, which reads the table a second time.  On a Citus distributed
-- table no partial state per shard decides a row (its predecessor may be on
-- any shard): the check takes a pass of its own that gathers the order key
-- and the value to the coordinator (vqc._monotone_gather_sql, whose file says
-- why), and the scan counts the rows as for any map check.
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
    gather  boolean := vqc._citus_distributed(target);
    cmp     text;
    inner_sql text;
    ordlist text;
    res     jsonb;
BEGIN
    IF gather AND ord && ARRAY['ctid'] THEN
        -- a ctid repeats across shards: no order without a key
        RAISE EXCEPTION '% needs an order of the rows', etype
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'The distributed table has no primary key, and its physical order (ctid) repeats across shards.',
                  HINT = 'Give a row key (the suite''s key columns, or result_format''s unexpected_index_column_names).';
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
    res := jsonb_build_object(
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
    IF NOT gather THEN
        RETURN res;
    END IF;
    -- distributed: the scan counts; the failing rows take a pass of their
    -- own (the tally's name stays, with no item: a row_condition is refused)
    RETURN res || vqc._monotone_gather_sql(target, colname, ord, v, cmp, key_columns, sample_cap) || jsonb_build_object(
        'items', (res -> 'items') - format('t%s', pidx),
        'failures', 'monotone',
        'explain_note', format('on a distributed table it takes a pass of its own: a failing row is defined by the row before '
                               'it in one order of all the rows (%s), which interleaves the shards, so no state per shard '
                               'decides it; the pass gathers the order key and the value of the non-null rows to the '
                               'coordinator and compares them there', array_to_string(ord, ', ')));
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
