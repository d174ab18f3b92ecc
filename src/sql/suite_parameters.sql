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
