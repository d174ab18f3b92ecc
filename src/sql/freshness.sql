
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
