
-- ---------------------------------------------------------------------
-- freshness.sql: the newest value of a date or time column, against the
-- run's time
-- ---------------------------------------------------------------------

INSERT INTO vqc.expectation_catalog VALUES
('expect_row_values_to_have_recent_data', 'aggregate', '{column,interval}', '{datepart}',
 'The newest value of the date or timestamp column is at most interval dateparts (datepart: year, month, week, day (default), hour, minute, second) before the run''s time, as dbt-expectations'' test of that name.');

-- The plan of a freshness check, or NULL for any other type.
CREATE FUNCTION vqc._plan_freshness(target regclass, plan jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    etype    text := plan ->> 'type';
    kwargs   jsonb := plan -> 'kwargs';
    datepart text;
    amount   integer;
BEGIN
    IF etype <> 'expect_row_values_to_have_recent_data' THEN
        RETURN NULL;
    END IF;
    IF vqc._base_type((plan ->> 'type_sql')::regtype) NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
        RAISE EXCEPTION '% needs a date or timestamp column; column "%" is of type %', etype, plan ->> 'column', plan ->> 'type_sql'
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    datepart := lower(coalesce(vqc._kw_text(etype, kwargs, 'datepart'), 'day'));
    IF datepart NOT IN ('year', 'month', 'week', 'day', 'hour', 'minute', 'second') THEN
        PERFORM vqc._bad_kwarg(etype, 'datepart is year, month, week, day, hour, minute or second');
    END IF;
    amount := vqc._kw_int(etype, kwargs, 'interval');
    IF amount < 0 THEN
        PERFORM vqc._bad_kwarg(etype, 'interval cannot be negative');
    END IF;
    RETURN jsonb_build_object('evaluator', 'freshness',
                              'items', jsonb_build_object(format('fr%s', plan ->> 'position'),
                                                          format('pg_catalog.max(%I)::pg_catalog.timestamptz', plan ->> 'column')),
                              'value_item', format('fr%s', plan ->> 'position'),
                              'max_age', format('%s %ss', amount, datepart));
END
$$;

-- Evaluates a freshness check: success when the newest value is no older
-- than the allowed age at the time of the evaluation (an empty column
-- fails).  The result holds the newest value and the allowed age, not the
-- time of the evaluation: equal data give equal results.
CREATE FUNCTION vqc._evaluate_freshness(plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    newest  timestamptz := (vals ->> (plan ->> 'value_item'))::timestamptz;
    oldest  timestamptz := clock_timestamp() - (plan ->> 'max_age')::interval;
BEGIN
    RETURN jsonb_build_object(
        'success', coalesce(newest >= oldest, false),
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', to_jsonb(newest),
                                               'details', jsonb_build_object('max_age', plan ->> 'max_age')) END,
        'samples', '[]'::jsonb, 'extra_scans', 0);
END
$$;

CREATE FUNCTION vqc.expect_row_values_to_have_recent_data(target regclass, "column" text, "interval" integer,
                                                          datepart text DEFAULT NULL, result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_row_values_to_have_recent_data',
                        jsonb_strip_nulls(jsonb_build_object('column', "column", 'interval', "interval", 'datepart', datepart)),
                        result_format) $$;

-- What PostgreSQL's statistics tell of a table without a scan: its size and
-- its writes since the statistics were reset, and when it was last vacuumed
-- and analyzed.  PostgreSQL keeps no time of a table's last write, so
-- "answerable" says what the statistics cannot answer (the newest row's
-- time needs expect_row_values_to_have_recent_data, a scan).
CREATE FUNCTION vqc.table_activity(target regclass)
RETURNS jsonb
LANGUAGE sql STABLE STRICT
AS $$
    SELECT jsonb_build_object(
               'table', target::text,
               'rows_estimate', c.reltuples::bigint,
               'live_rows', s.n_live_tup, 'dead_rows', s.n_dead_tup,
               'inserted', s.n_tup_ins, 'updated', s.n_tup_upd, 'deleted', s.n_tup_del,
               'modified_since_analyze', s.n_mod_since_analyze,
               'inserted_since_vacuum', s.n_ins_since_vacuum,
               'last_analyze', greatest(s.last_analyze, s.last_autoanalyze),
               'last_vacuum', greatest(s.last_vacuum, s.last_autovacuum),
               'stats_reset', d.stats_reset,
               'answerable', jsonb_build_object(
                   'volume', s.relid IS NOT NULL,
                   'writes_since_reset', s.relid IS NOT NULL,
                   'last_write_time', false,
                   'note', 'PostgreSQL keeps no time of a table''s last write: counts are since the statistics were reset (stats_reset); the newest row''s time needs a scan (expect_row_values_to_have_recent_data).'))
      FROM pg_class c
      LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
      LEFT JOIN pg_stat_database d ON d.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
     WHERE c.oid = target
$$;
COMMENT ON FUNCTION vqc.table_activity(regclass) IS
    'A table''s size, writes since the statistics were reset and last vacuum and analyze, from PostgreSQL''s statistics, without a scan; says what they cannot answer.';

-- The latest freshness check of each suite's expectation, for dashboards.
CREATE VIEW vqc_report.freshness WITH (security_invoker = true) AS
SELECT DISTINCT ON (res.expectation_id)
       r.suite_name, r.target_schema, r.target_table, res.column_name, r.run_id, r.started_at AS checked_at,
       (d.observed_value #>> '{}')::timestamptz AS newest_value,
       d.result #>> '{result,details,max_age}' AS max_age,
       r.started_at - (d.observed_value #>> '{}')::timestamptz AS age_at_check,
       res.status
  FROM vqc_report.run r
  JOIN vqc_report.result res USING (run_id)
  LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
 WHERE res.expectation_type = 'expect_row_values_to_have_recent_data'
 ORDER BY res.expectation_id, r.run_id DESC;
COMMENT ON VIEW vqc_report.freshness IS
    'The latest freshness check of each expectation: the newest value seen, the allowed age, the age at the check, the status (the newest value is a row value: NULL where the reader may not see the table''s values).';
