-- vqc upgrade script 0.1.0 -> 0.2.0 (ALTER EXTENSION vqc UPDATE).
--
-- After this script a database upgraded from 0.1.0 has the same catalog as a
-- fresh CREATE EXTENSION vqc of 0.2.0 (test/upgrade/run.sh compares the two
-- schema-only dumps).  Every change to src/*.sql or src/sql/*.sql since 0.1.0
-- is here as the statements that turn 0.1.0's objects into the new ones.
-- Once 0.2.0 is released this file is frozen: later changes go into
-- vqc--0.2.0--<next>.sql.
--
-- Layout: one section per change, in the order they were made, each headed by
-- a comment naming the change; new sections go at the end of part 1.  Part 2,
-- pinning search_path, stays last: CREATE OR REPLACE FUNCTION without a SET
-- clause clears a function's search_path, and new functions need it too.
\echo Use "ALTER EXTENSION vqc UPDATE TO '0.2.0'" to load this file. \quit

-- ========================================================================
-- Part 1: the changes since 0.1.0, oldest first.
-- ========================================================================

-- ------------------------------------------------------------------------
-- The privilege model (issue #9): row values in their own tables behind
-- vqc_report.may_read_values(), the report written only by vqc's writers,
-- suites and baselines by OID and owned, scheduled jobs run as the owner.
-- Data stored by 0.1.0 is bound to the table that has its schema and name
-- now (0.1.0 kept no OID): the same rows stay visible to the same roles as
-- before the upgrade, and from now on a table is followed by OID.  A table
-- that is gone gets OID 0, which no role may read.
-- ------------------------------------------------------------------------

CREATE FUNCTION vqc_report.may_read_values(target regclass, target_schema name, target_table name)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_may_read_values'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc_report.may_read_values(regclass, name, name) IS
    'Whether the current role may see row values vqc stored from a table: SELECT on it now, still the same table (OID and name), and no row-level security applying to the role on it.';

-- the table named schema.name now, or OID 0
CREATE FUNCTION vqc_report.__upgrade_target(target_schema name, target_table name)
RETURNS regclass
LANGUAGE sql STABLE
AS $$ SELECT coalesce(pg_catalog.to_regclass(pg_catalog.format('%I.%I', target_schema, target_table)), 0::pg_catalog.oid::pg_catalog.regclass) $$;

-- the extension's owner, who takes over suites and baselines whose role is gone
CREATE FUNCTION vqc_report.__upgrade_owner()
RETURNS regrole
LANGUAGE sql STABLE
AS $$ SELECT extowner::pg_catalog.regrole FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'vqc' $$;

-- the old policies and their function
DROP POLICY profile_readers ON vqc_report.profile;
DROP POLICY profile_writers ON vqc_report.profile;
DROP POLICY unexpected_readers ON vqc_report.unexpected;
DROP POLICY unexpected_writers ON vqc_report.unexpected;
DROP POLICY baseline_readers ON vqc.baseline;
DROP POLICY baseline_writers ON vqc.baseline;
DROP POLICY suite_read ON vqc.suite;
DROP POLICY suite_insert ON vqc.suite;
DROP POLICY suite_update ON vqc.suite;
DROP POLICY suite_delete ON vqc.suite;
DROP POLICY suite_expectation_read ON vqc.suite_expectation;
DROP POLICY suite_expectation_write ON vqc.suite_expectation;
DROP FUNCTION vqc_report.may_read_table(name, name);

-- nobody but the extension's owner writes; the report is read where a DBA grants it
REVOKE ALL ON vqc_report.run, vqc_report.result, vqc_report.unexpected, vqc_report.metric,
    vqc_report.profile, vqc_report.drift_run, vqc_report.drift_result,
    vqc_report.latest_results, vqc_report.run_summary, vqc_report.latest_profiles FROM PUBLIC;
REVOKE ALL ON SEQUENCE vqc_report.run_run_id_seq, vqc_report.drift_run_drift_run_id_seq,
    vqc.suite_suite_id_seq, vqc.suite_expectation_expectation_id_seq FROM PUBLIC;
REVOKE INSERT, UPDATE, DELETE ON vqc.suite, vqc.suite_expectation, vqc.baseline FROM PUBLIC;

-- run
ALTER TABLE vqc_report.run ALTER COLUMN run_by DROP DEFAULT;
ALTER TABLE vqc_report.run ADD COLUMN target regclass, ADD COLUMN suite_id bigint,
    ADD COLUMN row_security boolean NOT NULL DEFAULT false;
UPDATE vqc_report.run r SET target = vqc_report.__upgrade_target(r.target_schema, r.target_table),
                            suite_id = (SELECT s.suite_id FROM vqc.suite s WHERE s.name = r.suite_name);
COMMENT ON COLUMN vqc_report.run.row_security IS
    'The runner saw the table through row-level security: the counts are of the rows visible to run_by.';

-- result: its row values move to result_detail
DROP VIEW vqc_report.latest_results;
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
INSERT INTO vqc_report.result_detail (run_id, position, target, target_schema, target_table, observed_value, result)
SELECT res.run_id, res.position, r.target, r.target_schema, r.target_table, res.observed_value, res.result
  FROM vqc_report.result res JOIN vqc_report.run r USING (run_id);
ALTER TABLE vqc_report.result DROP COLUMN observed_value, DROP COLUMN result;
COMMENT ON TABLE vqc_report.result IS
    'One row per expectation per run: status and counts (values are in result_detail).';
COMMENT ON COLUMN vqc_report.result.kwargs IS
    'The expectation''s kwargs, clipped: strings to vqc.sample_value_max_bytes, arrays to 20 elements (vqc.suite_expectation has them whole).';

-- unexpected, metric, profile: the table's OID
ALTER TABLE vqc_report.unexpected ADD COLUMN target regclass;
UPDATE vqc_report.unexpected u SET target = r.target FROM vqc_report.run r WHERE r.run_id = u.run_id;
UPDATE vqc_report.unexpected u SET target = 0::oid::regclass WHERE target IS NULL;
ALTER TABLE vqc_report.unexpected ALTER COLUMN target SET NOT NULL;
COMMENT ON TABLE vqc_report.unexpected IS
    'Failing values with their row keys; visible only where vqc_report.may_read_values() holds.';

ALTER TABLE vqc_report.metric ADD COLUMN target regclass, ADD COLUMN is_value boolean NOT NULL DEFAULT false;
UPDATE vqc_report.metric m SET target = r.target FROM vqc_report.run r WHERE r.run_id = m.run_id;
-- an observed value of an aggregate or statistic expectation is a statistic of the column's values
UPDATE vqc_report.metric m SET is_value = true
  FROM vqc_report.result res JOIN vqc.expectation_catalog c ON c.expectation_type = res.expectation_type
 WHERE res.run_id = m.run_id AND res.position = m.position AND m.metric_name = 'observed_value'
   AND c.kind IN ('aggregate', 'statistic')
   AND c.expectation_type NOT IN ('expect_column_unique_value_count_to_be_between',
                                  'expect_column_proportion_of_unique_values_to_be_between',
                                  'expect_column_drift_to_be_less_than',
                                  'expect_column_kl_divergence_to_be_less_than');
COMMENT ON COLUMN vqc_report.metric.is_value IS
    'The number is a statistic of the column''s values (min, max, mean, quantile, ...): visible only where vqc_report.may_read_values() holds.';

ALTER TABLE vqc_report.profile ADD COLUMN target regclass;
UPDATE vqc_report.profile p SET target = r.target FROM vqc_report.run r WHERE r.run_id = p.run_id;
UPDATE vqc_report.profile p SET target = 0::oid::regclass WHERE target IS NULL;
ALTER TABLE vqc_report.profile ALTER COLUMN target SET NOT NULL;
COMMENT ON TABLE vqc_report.profile IS
    'Column profiles taken by each run (suite option profile_columns); visible only where vqc_report.may_read_values() holds.';

ALTER TABLE vqc_report.result_detail ENABLE ROW LEVEL SECURITY;
CREATE POLICY result_detail_readers ON vqc_report.result_detail FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
CREATE POLICY unexpected_readers ON vqc_report.unexpected FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
ALTER TABLE vqc_report.metric ENABLE ROW LEVEL SECURITY;
CREATE POLICY metric_readers ON vqc_report.metric FOR SELECT
    USING (NOT is_value OR vqc_report.may_read_values(target, target_schema, target_table));
CREATE POLICY profile_readers ON vqc_report.profile FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
SELECT pg_catalog.pg_extension_config_dump('vqc_report.result_detail', '');

-- the views, with their readers' rights
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
ALTER VIEW vqc_report.run_summary SET (security_invoker = true);

-- suites: owned by a role (by OID), on a table (by OID)
ALTER TABLE vqc.suite ALTER COLUMN owner DROP DEFAULT;
ALTER TABLE vqc.suite ALTER COLUMN owner TYPE regrole
    USING coalesce(pg_catalog.to_regrole(pg_catalog.quote_ident(owner)),
                   vqc_report.__upgrade_owner());
ALTER TABLE vqc.suite ADD COLUMN target regclass;
UPDATE vqc.suite SET target = vqc_report.__upgrade_target(target_schema, target_table);
ALTER TABLE vqc.suite ALTER COLUMN target SET NOT NULL;
COMMENT ON COLUMN vqc.suite.target IS 'The checked table, by OID (target_schema and target_table are its names when the suite was made).';
CREATE POLICY suite_readers ON vqc.suite FOR SELECT
    USING (pg_has_role(owner, 'MEMBER') OR coalesce(has_any_column_privilege(target, 'SELECT'), false));
CREATE POLICY suite_expectation_readers ON vqc.suite_expectation FOR SELECT
    USING (EXISTS (SELECT 1 FROM vqc.suite s WHERE s.suite_id = suite_expectation.suite_id));

-- baselines: by OID, owned by the role that stored them
ALTER TABLE vqc.baseline ALTER COLUMN created_by DROP DEFAULT;
ALTER TABLE vqc.baseline ALTER COLUMN created_by TYPE regrole
    USING coalesce(pg_catalog.to_regrole(pg_catalog.quote_ident(created_by)),
                   vqc_report.__upgrade_owner());
ALTER TABLE vqc.baseline ADD COLUMN target regclass;
UPDATE vqc.baseline SET target = vqc_report.__upgrade_target(target_schema, target_table);
ALTER TABLE vqc.baseline ALTER COLUMN target SET NOT NULL;
ALTER TABLE vqc.baseline DROP CONSTRAINT baseline_pkey, ADD PRIMARY KEY (target, label, column_name);
COMMENT ON COLUMN vqc.baseline.created_by IS
    'The baseline''s owner: only its members replace or drop it.';
CREATE POLICY baseline_readers ON vqc.baseline FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));

-- drift reports: details (bin edges) move to drift_detail
ALTER TABLE vqc_report.drift_run ALTER COLUMN run_by DROP DEFAULT;
ALTER TABLE vqc_report.drift_run ADD COLUMN target regclass;
UPDATE vqc_report.drift_run SET target = vqc_report.__upgrade_target(target_schema, target_table);
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
INSERT INTO vqc_report.drift_detail (drift_run_id, column_name, target, target_schema, target_table, result)
SELECT d.drift_run_id, d.column_name, coalesce(r.target, 0::oid::regclass), r.target_schema, r.target_table, d.result
  FROM vqc_report.drift_result d JOIN vqc_report.drift_run r USING (drift_run_id);
ALTER TABLE vqc_report.drift_result DROP COLUMN result;
COMMENT ON TABLE vqc_report.drift_result IS 'Per-column drift of each drift report: scores and verdicts (details in drift_detail).';
ALTER TABLE vqc_report.drift_detail ENABLE ROW LEVEL SECURITY;
CREATE POLICY drift_detail_readers ON vqc_report.drift_detail FOR SELECT
    USING (vqc_report.may_read_values(target, target_schema, target_table));
SELECT pg_catalog.pg_extension_config_dump('vqc_report.drift_detail', '');

DROP FUNCTION vqc_report.__upgrade_target(name, name);
DROP FUNCTION vqc_report.__upgrade_owner();

-- scheduled jobs of 0.1.0 ran as whoever scheduled them and named the suite:
-- they now run as the suite's owner, by id (when pg_cron is here and the
-- upgrading role may change its jobs)
DO $jobs$
BEGIN
    IF pg_catalog.to_regclass('cron.job') IS NOT NULL THEN
        EXECUTE $sql$
            UPDATE cron.job j
               SET command = pg_catalog.format('SELECT vqc._run_scheduled(%s)', s.suite_id),
                   username = s.owner::pg_catalog.text
              FROM vqc.suite s
             WHERE j.jobname OPERATOR(pg_catalog.=) ('vqc:' OPERATOR(pg_catalog.||) s.name)
        $sql$;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'the pg_cron jobs of vqc suites were not updated: re-run vqc.schedule() for each suite';
END
$jobs$;

-- ------------------------------------------------------------------------
-- Functions: every function that is new or changed since 0.1.0 (drafted by
-- test/upgrade/draft_functions.sh from the two versions' catalogs, then
-- read): the privilege relay and its check and write halves (issue #9),
-- generated SQL that names no object through the search_path (#9),
-- volatilities that match the code (#16), exact uniqueness suggestions
-- and exact quantiles past vqc.exact_memory_limit in one bracketed pass
-- (#10).  Bodies are checked when called, as pg_dump's scripts do, since
-- some SQL functions call functions created after them here.
-- ------------------------------------------------------------------------
SET check_function_bodies = false;

DROP FUNCTION vqc._exact_quantiles_by_passes(regclass,text,double precision[],bigint,boolean);
CREATE OR REPLACE FUNCTION vqc._add_expectation_check(suite text, expectation_type text, kwargs jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._add_expectation_write(caller regrole, checked jsonb, suite text, expectation_type text, kwargs jsonb)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._baseline_profile(target regclass, label text, colname text)
 RETURNS vqc.profile
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._check_bounds(etype text, lo jsonb, hi jsonb, type_sql text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._clip_json(j jsonb, max_bytes integer, max_items integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._compare_sql(typ regtype, lhs text, op text, rhs text, rhs_is_array boolean DEFAULT false)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE WHEN rhs_is_array
                THEN format('(%s)%s %s ANY ((%s)%s)', lhs, o.operand_cast, o.operator_sql, rhs,
                            CASE WHEN o.operand_cast = '' THEN '' ELSE o.operand_cast || '[]' END)
                ELSE format('(%s)%s %s (%s)%s', lhs, o.operand_cast, o.operator_sql, rhs, o.operand_cast) END
      FROM vqc._type_operator(typ, op) o
$function$
;

CREATE OR REPLACE FUNCTION vqc._create_suite_check(name text, target regclass, key_columns text[], profile_columns text[])
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._create_suite_write(caller regrole, checked jsonb, name text, target regclass, key_columns text[], profile_columns text[])
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._default_opclass(typ regtype, am text)
 RETURNS oid
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._distinct_values(target regclass, colname text, type_sql text, prof vqc.profile, OUT vals text[], OUT extra integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._drift_exact(baseline anyarray, current anycompatiblearray, method text, threshold double precision, bins integer, binning text)
 RETURNS jsonb
 LANGUAGE c
 STABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_drift_exact$function$
;

CREATE OR REPLACE FUNCTION vqc._drop_baseline_write(caller regrole, target regclass, label text)
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._drop_suite_write(caller regrole, suite text)
 RETURNS boolean
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s vqc.suite := vqc._suite(suite);
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    DELETE FROM vqc.suite WHERE suite_id = s.suite_id;
    RETURN FOUND;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._evaluate(target regclass, plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._evaluate_kl(target regclass, plan jsonb, vals jsonb, OUT success boolean, OUT observed jsonb, OUT details jsonb, OUT extra integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._evaluate_statistic(target regclass, plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._exact_fit()
 RETURNS bigint
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT greatest(CASE WHEN pg_catalog.current_setting('vqc.exact_memory_limit') = '-1'
                          THEN pg_catalog.pg_size_bytes(pg_catalog.current_setting('work_mem'))
                          ELSE pg_catalog.pg_size_bytes(pg_catalog.current_setting('vqc.exact_memory_limit')) END / 8, 1)
$function$
;

CREATE OR REPLACE FUNCTION vqc._exact_quantiles_by_passes(target regclass, value_sql text, qs double precision[], n bigint, disc boolean, sketch vqc.profile, OUT vals double precision[], OUT passes integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._exact_ranks(target regclass, value_sql text, ranks bigint[], OUT vals double precision[], OUT passes integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._exact_ranks_bracketed(target regclass, value_sql text, ranks bigint[], n bigint, sketch vqc.profile)
 RETURNS double precision[]
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._may_overflow(target regclass)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT coalesce((SELECT c.reltuples < 0 OR c.reltuples > vqc._exact_fit() / 2
                       FROM pg_catalog.pg_class c WHERE c.oid = target), true)
$function$
;

CREATE OR REPLACE FUNCTION vqc._minmax_sql(typ regtype, which text, arg text)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('%I.%I((%s)%s)', n.nspname, p.proname, arg, o.operand_cast)
      FROM vqc._type_operator(typ, CASE which WHEN 'min' THEN '<' ELSE '>' END) o
      JOIN pg_operator opr ON opr.oid = o.oprid
      JOIN pg_aggregate a ON a.aggsortop = o.oprid AND a.aggkind = 'n'
      JOIN pg_proc p ON p.oid = a.aggfnoid AND p.pronargs = 1
                    AND p.pronamespace = opr.oprnamespace AND p.proowner = opr.oprowner
      JOIN pg_namespace n ON n.oid = p.pronamespace
     ORDER BY p.proname = which DESC, p.oid
     LIMIT 1
$function$
;

CREATE OR REPLACE FUNCTION vqc._modes(target regclass, colname text, type_sql text, prof vqc.profile, OUT vals text[], OUT extra integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._observed_is_value(etype text)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT c.kind IN ('aggregate', 'statistic')
           AND etype NOT IN ('expect_column_unique_value_count_to_be_between',
                             'expect_column_proportion_of_unique_values_to_be_between',
                             'expect_column_drift_to_be_less_than',
                             'expect_column_kl_divergence_to_be_less_than')
      FROM vqc.expectation_catalog c
     WHERE c.expectation_type = etype
$function$
;

CREATE OR REPLACE FUNCTION vqc._observed_json(plan jsonb, observed text)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan(target regclass, etype text, kwargs jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_all(target regclass, expectations jsonb, key_columns text[], sample_cap integer, rf_default jsonb, raise_errors boolean, profile_columns text[], OUT plans jsonb[], OUT rfs jsonb[], OUT errors text[], OUT items jsonb, OUT kwargs_all jsonb)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_kl(etype text, kwargs jsonb, pidx integer, colname text, type_sql text, category "char")
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_statistic(target regclass, etype text, kwargs jsonb, pidx integer, colname text, type_sql text, category "char")
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._profile_scan(target regclass, columns text[], OUT profiles jsonb, OUT rows_scanned bigint)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._quantile_arg(qcol text, type_sql text)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format(CASE WHEN vqc._base_type(type_sql::regtype) = 'numeric'::regtype THEN '%s::pg_catalog.numeric'
                       ELSE '%s::pg_catalog.float8' END, qcol)
$function$
;

CREATE OR REPLACE FUNCTION vqc._record_drift_report(target regclass, label text, method text, options jsonb, drift_share double precision)
 RETURNS jsonb
 LANGUAGE c
AS '$libdir/vqc', $function$vqc_with_caller$function$
;

CREATE OR REPLACE FUNCTION vqc._record_drift_report_check(target regclass, label text, method text, options jsonb, drift_share double precision)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._record_drift_report_write(caller regrole, computed jsonb, target regclass, label text, method text, options jsonb, drift_share double precision)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._record_run(suite_id bigint)
 RETURNS jsonb
 LANGUAGE c
AS '$libdir/vqc', $function$vqc_with_caller$function$
;

CREATE OR REPLACE FUNCTION vqc._record_run_check(suite_id bigint)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._record_run_write(caller regrole, ev jsonb, suite_id bigint)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._record_run_write_result(run vqc_report.run, r jsonb, max_bytes integer)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._remove_expectation_write(caller regrole, suite text, expectation_id bigint)
 RETURNS boolean
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s vqc.suite := vqc._suite(suite);
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    DELETE FROM vqc.suite_expectation e
     WHERE e.suite_id = s.suite_id AND e.expectation_id = _remove_expectation_write.expectation_id;
    RETURN FOUND;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._require_opclass(etype text, type_sql text, am text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    IF vqc._default_opclass(type_sql::regtype, am) IS NULL THEN
        RAISE EXCEPTION '% needs %; type % has none', etype,
                        CASE am WHEN 'btree' THEN 'an ordered column' ELSE 'a column with equality and hashing' END,
                        type_sql
            USING ERRCODE = 'datatype_mismatch';
    END IF;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._require_select(target regclass, role regrole DEFAULT (CURRENT_USER)::regrole)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    IF NOT coalesce(has_table_privilege(role, target, 'SELECT'), false) THEN
        RAISE EXCEPTION 'permission denied for table %', target
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'vqc checks a table only for roles that may SELECT it.';
    END IF;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._require_suite_owner(s vqc.suite, role regrole)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    IF NOT coalesce(pg_has_role(role, s.owner, 'MEMBER'), false) THEN
        RAISE EXCEPTION 'must be a member of role % to change suite "%"', s.owner, s.name
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._row_key_sql(target regclass, key_columns text[])
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._run_scheduled(suite_id bigint)
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._scan_sql(target regclass, items jsonb, names text[])
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('SELECT ARRAY[%s]::pg_catalog.text[] FROM %s',
                  string_agg(format('(%s)::pg_catalog.text', items ->> nm), ', ' ORDER BY o), target)
      FROM unnest(names) WITH ORDINALITY AS x(nm, o)
$function$
;

CREATE OR REPLACE FUNCTION vqc._set_baseline_check(target regclass, label text, columns text[])
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._set_baseline_write(caller regrole, profiles jsonb, target regclass, label text, columns text[])
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._set_profile_columns_check(suite text, profile_columns text[])
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s vqc.suite := vqc._suite_for_change(suite);
BEGIN
    PERFORM vqc._profile_columns(vqc._suite_target(s), profile_columns);
    RETURN jsonb_build_object('suite_id', s.suite_id);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._set_profile_columns_write(caller regrole, checked jsonb, suite text, profile_columns text[])
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s vqc.suite := vqc._suite_by_id((checked ->> 'suite_id')::bigint);
BEGIN
    PERFORM vqc._require_suite_owner(s, caller);
    UPDATE vqc.suite SET profile_columns = _set_profile_columns_write.profile_columns WHERE suite_id = s.suite_id;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._suite(suite_name text)
 RETURNS vqc.suite
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._suite_by_id(id bigint)
 RETURNS vqc.suite
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._suite_for_change(suite_name text)
 RETURNS vqc.suite
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s vqc.suite := vqc._suite(suite_name);
BEGIN
    PERFORM vqc._require_suite_owner(s, current_user::regrole);
    RETURN s;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._suite_target(s vqc.suite)
 RETURNS regclass
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = s.target) THEN
        RAISE EXCEPTION 'table %.% of suite "%" was dropped',
                        quote_ident(s.target_schema), quote_ident(s.target_table), s.name
            USING ERRCODE = 'undefined_table',
                  HINT = 'A suite follows its table by OID, not by name: drop the suite and create it again on the new table.';
    END IF;
    RETURN s.target;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._type_operator(typ regtype, op text, OUT oprid oid, OUT operator_sql text, OUT operand_cast text)
 RETURNS record
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._typed_json_array(vals text[], type_sql text)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    out jsonb;
BEGIN
    EXECUTE format('SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(x) ORDER BY o), ''[]'') '
                   'FROM pg_catalog.unnest($1::%s[]) WITH ORDINALITY AS u(x, o)',
                   type_sql)
        INTO out USING vals;
    RETURN out;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._unique_columns(target regclass, columns text[])
 RETURNS text[]
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc._within_bounds(plan jsonb, observed text)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc.add_expectation(suite text, expectation_type text, kwargs jsonb DEFAULT '{}'::jsonb)
 RETURNS bigint
 LANGUAGE c
AS '$libdir/vqc', $function$vqc_with_caller$function$
;

CREATE OR REPLACE FUNCTION vqc.create_suite(name text, target regclass, key_columns text[] DEFAULT NULL::text[], profile_columns text[] DEFAULT NULL::text[])
 RETURNS bigint
 LANGUAGE c
AS '$libdir/vqc', $function$vqc_with_caller$function$
;
COMMENT ON FUNCTION vqc.create_suite(text,regclass,text[],text[]) IS 'Creates an empty suite on a table you may SELECT; failing rows are identified by key_columns (default: the primary key); each run profiles profile_columns (''{*}'': all).';

CREATE OR REPLACE FUNCTION vqc.drift_exact(baseline anyarray, current anycompatiblearray, method text, options jsonb DEFAULT '{}'::jsonb)
 RETURNS jsonb
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT vqc._drift_exact(baseline, current, method, o.threshold, o.bins, o.binning)
      FROM vqc._drift_args(baseline IS NULL, current IS NULL, method, options) o
$function$
;

CREATE OR REPLACE FUNCTION vqc.drift_report(target regclass, label text, method text DEFAULT 'auto'::text, options jsonb DEFAULT '{}'::jsonb, drift_share double precision DEFAULT 0.5)
 RETURNS TABLE(drift_run_id bigint, column_name text, method_used text, score double precision, p_value double precision, threshold double precision, drifted boolean, exact boolean, error_message text)
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION vqc.drop_baseline(target regclass, label text)
 RETURNS integer
 LANGUAGE c
AS '$libdir/vqc', $function$vqc_with_caller$function$
;
COMMENT ON FUNCTION vqc.drop_baseline(regclass,text) IS 'Removes a baseline you own; returns the number of column profiles removed.';

CREATE OR REPLACE FUNCTION vqc.drop_suite(suite text)
 RETURNS boolean
 LANGUAGE c
AS '$libdir/vqc', $function$vqc_with_caller$function$
;

CREATE OR REPLACE FUNCTION vqc.exact_quantile_combinefn(vqc.exact_quantile_state, vqc.exact_quantile_state)
 RETURNS vqc.exact_quantile_state
 LANGUAGE c
 STABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_exact_quantile_combinefn$function$
;

CREATE OR REPLACE FUNCTION vqc.exact_quantile_numeric_transfn(vqc.exact_quantile_state, numeric)
 RETURNS vqc.exact_quantile_state
 LANGUAGE c
 STABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_exact_quantile_numeric_transfn$function$
;

CREATE OR REPLACE FUNCTION vqc.hash_set_combinefn(vqc.hash_set_state, vqc.hash_set_state)
 RETURNS vqc.hash_set_state
 LANGUAGE c
 STABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_hash_set_combinefn$function$
;

CREATE OR REPLACE FUNCTION vqc.list_suites()
 RETURNS TABLE(name text, target text, key_columns text[], profile_columns text[], expectations bigint, owner name, created_at timestamp with time zone)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT s.name, coalesce((SELECT s.target::text FROM pg_class c WHERE c.oid = s.target),
                            format('%I.%I (dropped)', s.target_schema, s.target_table)),
           s.key_columns, s.profile_columns,
           (SELECT count(*) FROM vqc.suite_expectation e WHERE e.suite_id = s.suite_id),
           s.owner::text::name, s.created_at
      FROM vqc.suite s
     ORDER BY s.name
$function$
;

CREATE OR REPLACE FUNCTION vqc.regex_match(value text, pattern text)
 RETURNS boolean
 LANGUAGE c
 STABLE PARALLEL SAFE STRICT
AS '$libdir/vqc', $function$vqc_regex_match$function$
;

CREATE OR REPLACE FUNCTION vqc.remove_expectation(suite text, expectation_id bigint)
 RETURNS boolean
 LANGUAGE c
AS '$libdir/vqc', $function$vqc_with_caller$function$
;

CREATE OR REPLACE FUNCTION vqc.run(suite text)
 RETURNS TABLE(run_id bigint, "position" integer, expectation_id bigint, expectation_type text, column_name text, status text, success boolean, observed_value jsonb, unexpected_count bigint, unexpected_percent double precision, result jsonb)
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;
COMMENT ON FUNCTION vqc.run(text) IS 'Evaluates every expectation of a suite in one scan of its table, as the caller, records the run in vqc_report and returns the results.';

CREATE OR REPLACE FUNCTION vqc.schedule(suite text, cron_schedule text)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;
COMMENT ON FUNCTION vqc.schedule(text,text) IS 'Runs a suite on a cron schedule through pg_cron (job name vqc:<suite>), as the suite''s owner; scheduling again replaces the job.';

CREATE OR REPLACE FUNCTION vqc.set_baseline(target regclass, label text, columns text[] DEFAULT NULL::text[])
 RETURNS integer
 LANGUAGE c
AS '$libdir/vqc', $function$vqc_with_caller$function$
;

CREATE OR REPLACE FUNCTION vqc.set_profile_columns(suite text, profile_columns text[])
 RETURNS void
 LANGUAGE c
AS '$libdir/vqc', $function$vqc_with_caller$function$
;

CREATE OR REPLACE FUNCTION vqc.suggest_expectations(target regclass)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;
COMMENT ON FUNCTION vqc.suggest_expectations(regclass) IS 'A Great Expectations suite proposed from one profile pass over the table (completeness, ranges, categories, exact uniqueness, lengths), for review.';

CREATE OR REPLACE FUNCTION vqc.unschedule(suite text)
 RETURNS boolean
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

RESET check_function_bodies;

-- ========================================================================
-- Part 2 (keep last): every SQL and PL/pgSQL function of vqc runs with
-- search_path = pg_catalog, pg_temp, as src/sql/search_path.sql sets it at
-- the end of a fresh install; the same loop, over 0.1.0's functions and any
-- that part 1 created or replaced.
-- ========================================================================
DO $pin$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                     AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
          JOIN pg_catalog.pg_language l ON l.oid = p.prolang
         WHERE l.lanname IN ('sql', 'plpgsql') AND p.prokind = 'f'
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', fn);
    END LOOP;
END
$pin$;

-- The writers of vqc's tables may not be called by PUBLIC, as
-- src/sql/search_path.sql sets at the end of a fresh install.
DO $revoke$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid
          FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                     AND d.objid = p.oid AND d.deptype = 'e'
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
         WHERE p.proname OPERATOR(pg_catalog.~~) '\_%\_write%'
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    END LOOP;
END
$revoke$;
