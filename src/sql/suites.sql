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
