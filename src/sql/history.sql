-- history.sql: expectations of kind 'history' (issue #13, point 1), which
-- compare a metric of this run with the same metric in the suite's earlier
-- runs, read from vqc_report as the caller.
--
-- The metric of this run comes from the suite's one scan (the items of the
-- planner: count(*), count(col), avg(col), ...), or from the result of an
-- earlier expectation of the same suite (kwarg expectation_id).  Its series:
--   row_count                   the suite's row_count metric of every run;
--   another expectation's       that expectation's metric rows, by its id;
--   any other table/column one  this expectation's own observed values, by its id;
-- in every case runs of the same suite only, results with status 'error' left
-- out, oldest first.  Too little history passes, saying so in
-- result.details.reason = 'insufficient_history' (see README).

INSERT INTO vqc.expectation_catalog VALUES
('expect_metric_change_to_be_between', 'history', '{metric}',
 '{column,expectation_id,compare_to,n,window,change,min_value,max_value,strict_min,strict_max}',
 'vqc extension: the change of a metric (absolute, or relative to the reference) against the previous run, the mean of the last n runs or of a time window is within [min_value, max_value].'),
('expect_metric_to_not_be_anomalous', 'history', '{metric,strategy}',
 '{column,expectation_id,n,window,min_value,max_value,lower_deviation_factor,upper_deviation_factor,warm_up,ignore_anomalies,season,seasonal_periods,alpha,beta,gamma}',
 'vqc extension: the metric of this run is not an anomaly of its history (strategy: simple_thresholds, absolute_change, relative_rate_of_change, online_normal, batch_normal, holt_winters).');

-- ---------------------------------------------------------------------------
-- planning

-- Metrics of the table or a column this check computes in the scan.
CREATE FUNCTION vqc._history_metrics()
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['row_count', 'missing_count', 'missing_percent', 'null_fraction',
                   'mean', 'stdev', 'sum', 'min', 'max'] $$;

-- Metrics a suite records for each expectation (see vqc._record_run_write_result).
CREATE FUNCTION vqc._history_result_metrics()
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['observed_value', 'element_count', 'missing_count', 'missing_percent',
                   'unexpected_count', 'unexpected_percent'] $$;

-- A number argument in [lo, hi], or default_value.
CREATE FUNCTION vqc._kw_number_in(etype text, kwargs jsonb, key text, lo float8, hi float8, default_value float8)
RETURNS float8
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v float8 := (vqc._kw(etype, kwargs, key, '{number}'))::float8;
BEGIN
    IF v IS NULL THEN
        RETURN default_value;
    END IF;
    IF v < lo OR v > hi THEN
        PERFORM vqc._bad_kwarg(etype, format('argument "%s" must be between %s and %s', key, lo, hi));
    END IF;
    RETURN v;
END
$$;

-- A positive integer argument, or NULL.
CREATE FUNCTION vqc._kw_positive(etype text, kwargs jsonb, key text)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v integer := vqc._kw_int(etype, kwargs, key);
BEGIN
    IF v < 1 THEN
        PERFORM vqc._bad_kwarg(etype, format('argument "%s" must be a positive integer', key));
    END IF;
    RETURN v;
END
$$;

-- What the check computes in the scan: {"items", "metric_sql"} where
-- metric_sql names how vqc._history_value combines the items.
CREATE FUNCTION vqc._history_metric_plan(target regclass, etype text, kwargs jsonb, pidx integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    metric  text := vqc._kw_text(etype, kwargs, 'metric');
    ref     integer := vqc._kw_positive(etype, kwargs, 'expectation_id');
    colname text := vqc._kw_text(etype, kwargs, 'column');
    col     record;
    qcol    text := quote_ident(colname);
    nn      text := format('nn:%s', colname);
    v       text := format('hv%s', pidx);
BEGIN
    IF ref IS NOT NULL THEN
        IF NOT metric = ANY (vqc._history_result_metrics()) THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s" of an expectation', metric),
                                   format('An expectation''s metric is one of %s.',
                                          array_to_string(vqc._history_result_metrics(), ', ')));
        END IF;
        IF colname IS NOT NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'argument "column" cannot be given with "expectation_id"');
        END IF;
        RETURN jsonb_build_object('metric', metric, 'expectation_ref', ref, 'items', '{}'::jsonb);
    END IF;
    IF NOT metric = ANY (vqc._history_metrics()) THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown metric "%s"', metric),
                               format('A metric is one of %s, or a metric of another expectation of the suite (with expectation_id).',
                                      array_to_string(vqc._history_metrics(), ', ')));
    END IF;
    IF metric = 'row_count' THEN
        IF colname IS NOT NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'metric "row_count" takes no "column"');
        END IF;
        RETURN jsonb_build_object('metric', metric, 'items', jsonb_build_object('n', 'pg_catalog.count(*)'),
                                  'value_sql', 'n');
    END IF;
    IF colname IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, format('metric "%s" needs argument "column"', metric));
    END IF;
    SELECT * INTO col FROM vqc._column(target, colname);
    IF metric IN ('missing_count', 'missing_percent', 'null_fraction') THEN
        RETURN jsonb_build_object('metric', metric, 'value_sql', metric, 'nonnull', nn,
                                  'items', jsonb_build_object('n', 'pg_catalog.count(*)',
                                                              nn, format('pg_catalog.count(%s)', qcol)));
    END IF;
    IF col.category <> 'N' THEN
        RAISE EXCEPTION 'metric "%" needs a numeric column; column "%" is of type %', metric, colname, col.type_sql
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    RETURN jsonb_build_object('metric', metric, 'value_sql', 'item', 'value_item', v,
                              'items', jsonb_build_object(v, format(CASE metric
                                  -- the same text as the aggregate kind's: one aggregate call in the scan
                                  WHEN 'mean'  THEN 'pg_catalog.avg(%s)::pg_catalog.float8'
                                  WHEN 'stdev' THEN 'pg_catalog.stddev_samp(%s)::pg_catalog.float8'
                                  WHEN 'sum'   THEN 'pg_catalog.sum(%s)::pg_catalog.float8'
                                  WHEN 'min'   THEN 'pg_catalog.min(%s)::pg_catalog.float8'
                                  WHEN 'max'   THEN 'pg_catalog.max(%s)::pg_catalog.float8' END, qcol)));
END
$$;

-- The period of a seasonal strategy, in runs.
CREATE FUNCTION vqc._history_period(etype text, kwargs jsonb)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    season text := vqc._kw_text(etype, kwargs, 'season');
    m      integer := vqc._kw_int(etype, kwargs, 'seasonal_periods');
BEGIN
    IF season IS NOT NULL AND season NOT IN ('daily', 'weekly') THEN
        PERFORM vqc._bad_kwarg(etype, format('unknown season "%s"', season),
                               'season is "daily" (24 hourly runs) or "weekly" (7 daily runs), or give seasonal_periods.');
    END IF;
    IF m IS NOT NULL AND m < 2 THEN
        PERFORM vqc._bad_kwarg(etype, 'argument "seasonal_periods" must be at least 2');
    END IF;
    m := coalesce(m, CASE season WHEN 'daily' THEN 24 WHEN 'weekly' THEN 7 END);
    IF m IS NULL THEN
        PERFORM vqc._bad_kwarg(etype, 'strategy "holt_winters" needs argument "season" or "seasonal_periods"');
    END IF;
    RETURN m;
END
$$;

-- Plan of a history expectation (called by vqc._plan): the metric's items
-- and every argument checked; the expectation's id is added by
-- vqc._history_bind when a suite runs it.
CREATE FUNCTION vqc._plan_history(target regclass, etype text, kwargs jsonb, pidx integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    plan     jsonb := vqc._history_metric_plan(target, etype, kwargs, pidx);
    n        integer := vqc._kw_positive(etype, kwargs, 'n');
    win      text := vqc._kw_text(etype, kwargs, 'window');
    win_iv   interval;
    lo       jsonb;
    hi       jsonb;
    strategy text;
    compare  text;
    needed   integer := 0;
    m        integer;
    bounded  boolean := true;
BEGIN
    IF win IS NOT NULL THEN
        BEGIN
            win_iv := win::interval;
        EXCEPTION WHEN data_exception THEN
            PERFORM vqc._bad_kwarg(etype, 'argument "window" must be an interval such as ''7 days''');
        END;
        IF win_iv <= interval '0' THEN
            PERFORM vqc._bad_kwarg(etype, 'argument "window" must be a positive interval');
        END IF;
    END IF;

    IF etype = 'expect_metric_change_to_be_between' THEN
        compare := coalesce(vqc._kw_text(etype, kwargs, 'compare_to'), 'previous');
        IF compare NOT IN ('previous', 'mean_of_last_n', 'window') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown compare_to "%s"', compare),
                                   'compare_to is "previous", "mean_of_last_n" (with n) or "window" (with window).');
        END IF;
        IF compare = 'mean_of_last_n' AND n IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'compare_to "mean_of_last_n" needs argument "n"');
        ELSIF compare = 'window' AND win IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'compare_to "window" needs argument "window"');
        END IF;
        IF coalesce(vqc._kw_text(etype, kwargs, 'change'), 'absolute') NOT IN ('absolute', 'relative') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown change "%s"', vqc._kw_text(etype, kwargs, 'change')),
                                   'change is "absolute" (this run minus the reference) or "relative" (that divided by |reference|).');
        END IF;
        needed := CASE compare WHEN 'mean_of_last_n' THEN n ELSE 1 END;
        plan := plan || jsonb_build_object(
            'compare_to', compare,
            'change', coalesce(vqc._kw_text(etype, kwargs, 'change'), 'absolute'),
            'strict_min', vqc._kw_bool(etype, kwargs, 'strict_min', false),
            'strict_max', vqc._kw_bool(etype, kwargs, 'strict_max', false));
    ELSE
        strategy := vqc._kw_text(etype, kwargs, 'strategy');
        IF strategy NOT IN ('simple_thresholds', 'absolute_change', 'relative_rate_of_change',
                            'online_normal', 'batch_normal', 'holt_winters') THEN
            PERFORM vqc._bad_kwarg(etype, format('unknown strategy "%s"', strategy),
                                   'strategy is simple_thresholds, absolute_change, relative_rate_of_change, '
                                   'online_normal, batch_normal or holt_winters.');
        END IF;
        bounded := strategy IN ('simple_thresholds', 'absolute_change', 'relative_rate_of_change');
        needed := CASE strategy WHEN 'simple_thresholds' THEN 0
                                WHEN 'absolute_change' THEN 1
                                WHEN 'relative_rate_of_change' THEN 1
                                ELSE greatest(coalesce(vqc._kw_positive(etype, kwargs, 'warm_up'), 5), 2) END;
        IF strategy = 'holt_winters' THEN
            m := vqc._history_period(etype, kwargs);
            needed := greatest(needed, 2 * m);
            plan := plan || jsonb_build_object(
                'seasonal_periods', m,
                'alpha', vqc._kw_number_in(etype, kwargs, 'alpha', 0, 1, 0.3),
                'beta',  vqc._kw_number_in(etype, kwargs, 'beta', 0, 1, 0.1),
                'gamma', vqc._kw_number_in(etype, kwargs, 'gamma', 0, 1, 0.1));
        END IF;
        IF n IS NOT NULL AND n < needed THEN
            PERFORM vqc._bad_kwarg(etype, format('argument "n" (%s runs) is shorter than the warm-up of strategy "%s" (%s runs)',
                                                 n, strategy, needed));
        END IF;
        plan := plan || jsonb_build_object(
            'strategy', strategy,
            'lower_deviation_factor', vqc._kw_number_in(etype, kwargs, 'lower_deviation_factor', 0, 1e6, 3),
            'upper_deviation_factor', vqc._kw_number_in(etype, kwargs, 'upper_deviation_factor', 0, 1e6, 3),
            'ignore_anomalies', vqc._kw_bool(etype, kwargs, 'ignore_anomalies', true));
    END IF;

    IF bounded THEN
        SELECT b.lo, b.hi INTO lo, hi FROM vqc._kw_bounds(etype, kwargs, '{number}') b;
        IF lo::float8 > hi::float8 THEN
            PERFORM vqc._bad_kwarg(etype, 'min_value is greater than max_value');
        END IF;
    ELSIF kwargs ? 'min_value' OR kwargs ? 'max_value' THEN
        PERFORM vqc._bad_kwarg(etype, format('strategy "%s" takes no min_value or max_value', strategy));
    END IF;
    RETURN plan || jsonb_build_object('n', n, 'window', win, 'needed', needed,
                                      'min_value', lo, 'max_value', hi,
                                      'row_security', row_security_active(target));
END
$$;

-- The plan of a history expectation bound to its identity in a suite
-- (called by vqc._plan_all with the expectation's id, NULL outside a suite:
-- then the plan stays unbound and the result says there is no history).
CREATE FUNCTION vqc._history_bind(plan jsonb, expectation_id jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    own bigint;
    sid bigint;
    ref bigint := (plan ->> 'expectation_ref')::bigint;
BEGIN
    IF expectation_id IS NULL OR jsonb_typeof(expectation_id) <> 'number' THEN
        -- vqc.expect(): no suite, so no history (the result says so)
        IF ref IS NOT NULL THEN
            RAISE EXCEPTION '% with expectation_id needs a suite', plan ->> 'type'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'vqc.expect() runs outside any suite, so there is no other expectation to read.',
                      HINT = 'Add the expectation to a suite with vqc.add_expectation() and run it with vqc.run().';
        END IF;
        RETURN plan;
    END IF;
    own := (expectation_id #>> '{}')::bigint;
    SELECT e.suite_id INTO sid FROM vqc.suite_expectation e WHERE e.expectation_id = own;
    IF ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vqc.suite_expectation e
                                        WHERE e.expectation_id = ref AND e.suite_id = sid
                                          AND e.expectation_id < own) THEN
        PERFORM vqc._bad_kwarg(plan ->> 'type', format('expectation %s is not an earlier expectation of this suite', ref),
                               'expectation_id names an expectation added to the same suite before this one.');
    END IF;
    RETURN plan || jsonb_build_object('expectation_id', own, 'suite_id', sid);
END
$$;

-- ---------------------------------------------------------------------------
-- this run's metric and its history

-- The metric of this run from the scan's values (and the results of the
-- suite's earlier expectations, stashed in vals as "result:<id>").
CREATE FUNCTION vqc._history_value(plan jsonb, vals jsonb)
RETURNS float8
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    n  float8 := (vals ->> 'n')::float8;
    nn float8 := (vals ->> (plan ->> 'nonnull'))::float8;
    r  jsonb;
BEGIN
    IF plan ? 'expectation_ref' THEN
        r := vals -> format('result:%s', plan ->> 'expectation_ref');
        IF r IS NULL THEN
            RAISE EXCEPTION 'expectation % has no result in this run', plan ->> 'expectation_ref'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'It failed with an error, so its metric has no value to compare.';
        END IF;
        RETURN CASE WHEN jsonb_typeof(r -> (plan ->> 'metric')) = 'number' THEN (r ->> (plan ->> 'metric'))::float8 END;
    END IF;
    RETURN CASE plan ->> 'value_sql'
        WHEN 'n' THEN n
        WHEN 'item' THEN (vals ->> (plan ->> 'value_item'))::float8
        WHEN 'missing_count' THEN n - nn
        WHEN 'missing_percent' THEN CASE WHEN n > 0 THEN (n - nn) / n * 100 END
        WHEN 'null_fraction' THEN CASE WHEN n > 0 THEN (n - nn) / n END END;
END
$$;

-- The metric's earlier values in the suite (oldest first, the last n and/or
-- those within the window of now()), read as the caller, from runs that saw
-- the table as this one does (a role under row-level security counts only
-- its rows: its series is its own runs').
CREATE FUNCTION vqc._history_series(plan jsonb)
RETURNS float8[]
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(array_agg(value ORDER BY started_at, run_id), '{}')
      FROM (SELECT u.started_at, u.run_id, m.value
              FROM vqc_report.run u
              JOIN vqc_report.metric m ON m.run_id OPERATOR(pg_catalog.=) u.run_id
              LEFT JOIN vqc_report.result r
                     ON r.run_id OPERATOR(pg_catalog.=) u.run_id
                    AND r.position OPERATOR(pg_catalog.=) m.position
             WHERE u.suite_id OPERATOR(pg_catalog.=) (plan ->> 'suite_id')::bigint
               AND m.value IS NOT NULL
               -- runs that saw the same rows: without row-level security, or
               -- the caller's own runs through it
               AND u.row_security OPERATOR(pg_catalog.=) (plan ->> 'row_security')::boolean
               AND (NOT u.row_security OR u.run_by OPERATOR(pg_catalog.=) CURRENT_USER)
               AND CASE WHEN plan ? 'expectation_ref' OR plan ->> 'metric' <> 'row_count'
                        THEN r.expectation_id OPERATOR(pg_catalog.=)
                                 coalesce(plan ->> 'expectation_ref', plan ->> 'expectation_id')::bigint
                             AND r.status OPERATOR(pg_catalog.<>) 'error'
                             AND m.metric_name OPERATOR(pg_catalog.=)
                                 CASE WHEN plan ? 'expectation_ref' THEN plan ->> 'metric' ELSE 'observed_value' END
                        -- the suite's row count, but not of a run where this check was an error
                        ELSE m.position IS NULL AND m.metric_name OPERATOR(pg_catalog.=) 'row_count'
                             AND NOT EXISTS (SELECT 1 FROM vqc_report.result e
                                              WHERE e.run_id OPERATOR(pg_catalog.=) u.run_id
                                                AND e.expectation_id OPERATOR(pg_catalog.=) (plan ->> 'expectation_id')::bigint
                                                AND e.status OPERATOR(pg_catalog.=) 'error') END
               AND (plan ->> 'window' IS NULL
                    OR u.started_at OPERATOR(pg_catalog.>=) (pg_catalog.now() OPERATOR(pg_catalog.-) (plan ->> 'window')::interval))
             ORDER BY u.started_at DESC, u.run_id DESC
             LIMIT (plan ->> 'n')::integer) h
$$;

-- ---------------------------------------------------------------------------
-- strategies

-- Additive Holt-Winters (level, trend, season of period m) over y with fixed
-- smoothing parameters, as statsmodels' ExponentialSmoothing(trend='add',
-- seasonal='add', initialization_method='known') with fit(optimized=False):
--   initial level l0 = mean(y[1..m]), trend b0 = mean((y[m+i] - y[i]) / m),
--   seasons s[i] = y[i] - l0 (i = 1..m);
--   l_t = alpha (y_t - s_{t-m}) + (1 - alpha)(l_{t-1} + b_{t-1})
--   b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1}
--   s_t = gamma (y_t - l_{t-1} - b_{t-1}) + (1 - gamma) s_{t-m}
-- forecast = l_N + b_N + s_{N+1-m}; sse = sum of (y_t - (l_{t-1} + b_{t-1} + s_{t-m}))^2;
-- residual_sd = sqrt(sse / N).  Needs at least 2m values.
CREATE FUNCTION vqc.holt_winters(y float8[], seasonal_periods integer,
                                 alpha float8 DEFAULT 0.3, beta float8 DEFAULT 0.1, gamma float8 DEFAULT 0.1,
                                 OUT forecast float8, OUT sse float8, OUT residual_sd float8)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    m   integer := seasonal_periods;
    n   integer := coalesce(cardinality(y), 0);
    l   float8 := 0;
    b   float8 := 0;
    l1  float8;
    b1  float8;
    s   float8[];
    e   float8;
    i   integer;
BEGIN
    IF m IS NULL OR m < 2 THEN
        RAISE EXCEPTION 'seasonal_periods must be at least 2'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF n < 2 * m THEN
        RAISE EXCEPTION 'holt_winters needs at least two seasons (% values), not %', 2 * m, n
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF alpha NOT BETWEEN 0 AND 1 OR beta NOT BETWEEN 0 AND 1 OR gamma NOT BETWEEN 0 AND 1 THEN
        RAISE EXCEPTION 'alpha, beta and gamma must be between 0 and 1'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. m LOOP
        l := l + y[i] / m;
        b := b + (y[m + i] - y[i]) / m / m;
    END LOOP;
    s := ARRAY(SELECT y[j] - l FROM generate_series(1, m) j);
    sse := 0;
    FOR i IN 1 .. n LOOP
        -- s[i] is the season of y[i]: s_{t-m} in the formulas above
        e := y[i] - (l + b + s[i]);
        sse := sse + e * e;
        l1 := l;
        b1 := b;
        l := alpha * (y[i] - s[i]) + (1 - alpha) * (l1 + b1);
        b := beta * (l - l1) + (1 - beta) * b1;
        s[i + m] := gamma * (y[i] - l1 - b1) + (1 - gamma) * s[i];
    END LOOP;
    forecast := l + b + s[n + 1];
    residual_sd := sqrt(sse / n);
END
$$;
COMMENT ON FUNCTION vqc.holt_winters(float8[], integer, float8, float8, float8) IS
    'One-step forecast of additive Holt-Winters with fixed smoothing parameters, its in-sample sum of squared errors and residual standard deviation.';

-- The interval an anomaly strategy allows for x after history h (oldest
-- first): {"expected", "lower_bound", "upper_bound"} or {"reason"}.
CREATE FUNCTION vqc._history_interval(plan jsonb, h float8[], x float8)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    strategy text := plan ->> 'strategy';
    lo       float8 := (plan ->> 'min_value')::float8;
    hi       float8 := (plan ->> 'max_value')::float8;
    kl       float8 := (plan ->> 'lower_deviation_factor')::float8;
    ku       float8 := (plan ->> 'upper_deviation_factor')::float8;
    warm_up  integer := (plan ->> 'needed')::integer;
    prev     float8 := h[cardinality(h)];
    mean     float8 := 0;
    m2       float8 := 0;
    k        integer := 0;
    sd       float8;
    v        float8;
    d        float8;
    hw       record;
    i        integer;
BEGIN
    CASE strategy
    WHEN 'simple_thresholds' THEN
        RETURN jsonb_build_object('lower_bound', lo, 'upper_bound', hi);
    WHEN 'absolute_change' THEN
        RETURN jsonb_build_object('expected', prev, 'lower_bound', prev + lo, 'upper_bound', prev + hi);
    WHEN 'relative_rate_of_change' THEN
        IF prev <= 0 THEN
            RETURN jsonb_build_object('expected', prev, 'reason', 'reference_not_positive');
        END IF;
        RETURN jsonb_build_object('expected', prev, 'lower_bound', prev * lo, 'upper_bound', prev * hi);
    WHEN 'batch_normal' THEN
        SELECT avg(e), stddev_samp(e) INTO mean, sd FROM unnest(h) e;
    WHEN 'online_normal' THEN
        -- Welford's running mean and variance; after the warm-up, a value
        -- outside its interval is an anomaly and (ignore_anomalies) not learnt
        FOREACH v IN ARRAY h LOOP
            IF k >= warm_up AND (plan ->> 'ignore_anomalies')::boolean THEN
                sd := sqrt(m2 / (k - 1));
                CONTINUE WHEN v < mean - kl * sd OR v > mean + ku * sd;
            END IF;
            k := k + 1;
            d := v - mean;
            mean := mean + d / k;
            m2 := m2 + d * (v - mean);
        END LOOP;
        sd := sqrt(m2 / (k - 1));
    WHEN 'holt_winters' THEN
        hw := vqc.holt_winters(h, (plan ->> 'seasonal_periods')::integer, (plan ->> 'alpha')::float8,
                               (plan ->> 'beta')::float8, (plan ->> 'gamma')::float8);
        mean := hw.forecast;
        sd := hw.residual_sd;
    END CASE;
    RETURN jsonb_build_object('expected', mean, 'deviation', sd,
                              'lower_bound', mean - kl * sd, 'upper_bound', mean + ku * sd);
END
$$;

-- Evaluates a history expectation (called by vqc._evaluate_all).
CREATE FUNCTION vqc._evaluate_history(plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    x       float8 := vqc._history_value(plan, vals);
    h       float8[];
    needed  integer := (plan ->> 'needed')::integer;
    details jsonb := jsonb_build_object('metric', plan ->> 'metric');
    ref     float8;
    change  float8;
    iv      jsonb;
    success boolean;
BEGIN
    IF plan ? 'suite_id' THEN
        -- read as the caller, who may run a suite without reading the report
        IF NOT (has_table_privilege('vqc_report.run', 'SELECT') AND has_table_privilege('vqc_report.result', 'SELECT')
                AND has_table_privilege('vqc_report.metric', 'SELECT')) THEN
            RAISE EXCEPTION 'role % may not read the history of this suite', current_user
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'A history check reads vqc_report.run, result and metric as the role running the suite.',
                      HINT = 'GRANT SELECT ON ALL TABLES IN SCHEMA vqc_report to the role.';
        END IF;
        h := vqc._history_series(plan);
    ELSE
        h := '{}';
    END IF;
    details := details || jsonb_build_object('history_size', cardinality(h));
    IF x IS NULL OR x = 'NaN'::float8 THEN
        success := false;
        details := details || '{"reason": "no_value"}';
    ELSIF NOT plan ? 'suite_id' AND needed > 0 THEN
        -- vqc.expect(): no suite, no history; passes, and says so
        success := true;
        details := details || jsonb_build_object('reason', 'no_suite', 'history_needed', needed);
    ELSIF cardinality(h) < needed THEN
        -- too little history: passes, and says so
        success := true;
        details := details || jsonb_build_object('reason', 'insufficient_history', 'history_needed', needed);
    ELSIF plan ->> 'type' = 'expect_metric_change_to_be_between' THEN
        ref := CASE plan ->> 'compare_to' WHEN 'previous' THEN h[cardinality(h)]
                                           ELSE (SELECT avg(e) FROM unnest(h) e) END;
        change := x - ref;
        IF plan ->> 'change' = 'relative' THEN
            change := CASE WHEN ref <> 0 THEN change / abs(ref) WHEN change = 0 THEN 0 END;
        END IF;
        details := details || jsonb_build_object('compare_to', plan -> 'compare_to', 'reference', ref,
                                                 'change', plan -> 'change', 'observed_change', change);
        IF change IS NULL THEN
            success := false;
            details := details || '{"reason": "reference_is_zero"}';
        ELSE
            success := (plan -> 'min_value' IS NULL OR jsonb_typeof(plan -> 'min_value') = 'null'
                        OR CASE WHEN (plan ->> 'strict_min')::boolean THEN change > (plan ->> 'min_value')::float8
                                ELSE change >= (plan ->> 'min_value')::float8 END)
                   AND (plan -> 'max_value' IS NULL OR jsonb_typeof(plan -> 'max_value') = 'null'
                        OR CASE WHEN (plan ->> 'strict_max')::boolean THEN change < (plan ->> 'max_value')::float8
                                ELSE change <= (plan ->> 'max_value')::float8 END);
        END IF;
    ELSE
        iv := vqc._history_interval(plan, h, x);
        details := details || jsonb_build_object('strategy', plan -> 'strategy') || jsonb_strip_nulls(iv);
        success := CASE WHEN iv ? 'reason' THEN false
                        ELSE (iv ->> 'lower_bound' IS NULL OR x >= (iv ->> 'lower_bound')::float8)
                         AND (iv ->> 'upper_bound' IS NULL OR x <= (iv ->> 'upper_bound')::float8) END;
    END IF;
    RETURN jsonb_build_object(
        'success', success,
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', CASE WHEN x = 'NaN'::float8 THEN NULL ELSE x END,
                                               'details', details) END,
        'samples', '[]'::jsonb, 'extra_scans', 0);
END
$$;

-- ---------------------------------------------------------------------------
-- typed wrappers, as wrappers.sql's: vqc.expect() runs outside any suite, so
-- they give this run's metric and the reason "no_suite"; in a suite the same
-- kwargs compare with its history

CREATE FUNCTION vqc.expect_metric_change_to_be_between(target regclass, metric text, "column" text DEFAULT NULL,
                                                       compare_to text DEFAULT NULL, n integer DEFAULT NULL,
                                                       "window" text DEFAULT NULL, change text DEFAULT NULL,
                                                       min_value float8 DEFAULT NULL, max_value float8 DEFAULT NULL,
                                                       result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_metric_change_to_be_between',
                        jsonb_strip_nulls(jsonb_build_object('metric', metric, 'column', "column", 'compare_to', compare_to,
                                                             'n', n, 'window', "window", 'change', change,
                                                             'min_value', min_value, 'max_value', max_value)),
                        result_format) $$;
COMMENT ON FUNCTION vqc.expect_metric_change_to_be_between IS
    'The change of a metric against the suite''s history is within bounds (outside a suite: the metric, and no history).';

CREATE FUNCTION vqc.expect_metric_to_not_be_anomalous(target regclass, metric text, strategy text, "column" text DEFAULT NULL,
                                                      min_value float8 DEFAULT NULL, max_value float8 DEFAULT NULL,
                                                      lower_deviation_factor float8 DEFAULT NULL,
                                                      upper_deviation_factor float8 DEFAULT NULL,
                                                      warm_up integer DEFAULT NULL, season text DEFAULT NULL,
                                                      result_format text DEFAULT 'BASIC')
RETURNS jsonb
LANGUAGE sql
AS $$ SELECT vqc.expect(target, 'expect_metric_to_not_be_anomalous',
                        jsonb_strip_nulls(jsonb_build_object('metric', metric, 'strategy', strategy, 'column', "column",
                                                             'min_value', min_value, 'max_value', max_value,
                                                             'lower_deviation_factor', lower_deviation_factor,
                                                             'upper_deviation_factor', upper_deviation_factor,
                                                             'warm_up', warm_up, 'season', season)),
                        result_format) $$;
COMMENT ON FUNCTION vqc.expect_metric_to_not_be_anomalous IS
    'This run''s metric is not an anomaly of the suite''s history (outside a suite: the metric, and no history).';

-- ---------------------------------------------------------------------------
-- views for dashboards (issue #13, point 7); with the reader's rights, so
-- the row-level security of metric and result_detail applies through them

-- One row per run and metric: a run's row count, and each number each
-- expectation observed, with the expectation's bounds (a history check's
-- computed ones where the reader may see its result) and status.
CREATE VIEW vqc_report.metric_history WITH (security_invoker = true) AS
SELECT u.run_id, u.started_at, u.suite_name, u.suite_id, m.target_schema, m.target_table, m.column_name,
       m.position, res.expectation_id, res.expectation_type, m.metric_name, m.value,
       coalesce((d.result #>> '{result,details,lower_bound}')::float8,
                CASE WHEN jsonb_typeof(res.kwargs -> 'min_value') = 'number' THEN (res.kwargs ->> 'min_value')::float8 END)
           AS lower_bound,
       coalesce((d.result #>> '{result,details,upper_bound}')::float8,
                CASE WHEN jsonb_typeof(res.kwargs -> 'max_value') = 'number' THEN (res.kwargs ->> 'max_value')::float8 END)
           AS upper_bound,
       coalesce(res.status, CASE WHEN u.success THEN 'success' ELSE 'failure' END) AS status
FROM vqc_report.run u
JOIN vqc_report.metric m ON m.run_id = u.run_id
LEFT JOIN vqc_report.result res ON res.run_id = m.run_id AND res.position = m.position
LEFT JOIN vqc_report.result_detail d ON d.run_id = m.run_id AND d.position = m.position;
COMMENT ON VIEW vqc_report.metric_history IS
    'One row per run and metric, with the expectation, its bounds and status (values only where the reader may see them).';

-- Every failed history check: the metric, what was expected and why.
CREATE VIEW vqc_report.anomalies WITH (security_invoker = true) AS
SELECT u.run_id, u.started_at, u.suite_name, u.suite_id, u.target_schema, u.target_table, res.column_name,
       res.position, res.expectation_id, res.expectation_type, res.kwargs ->> 'metric' AS metric,
       coalesce(res.kwargs ->> 'strategy', 'change from ' || coalesce(res.kwargs ->> 'compare_to', 'previous')) AS strategy,
       (d.observed_value #>> '{}')::float8 AS value,
       (d.result #>> '{result,details,expected}')::float8 AS expected,
       (d.result #>> '{result,details,reference}')::float8 AS reference,
       (d.result #>> '{result,details,lower_bound}')::float8 AS lower_bound,
       (d.result #>> '{result,details,upper_bound}')::float8 AS upper_bound,
       (d.result #>> '{result,details,observed_change}')::float8 AS observed_change,
       d.result #>> '{result,details,reason}' AS reason
FROM vqc_report.run u
JOIN vqc_report.result res ON res.run_id = u.run_id
JOIN vqc.expectation_catalog c ON c.expectation_type = res.expectation_type AND c.kind = 'history'
LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
WHERE res.status = 'failure';
COMMENT ON VIEW vqc_report.anomalies IS
    'Every history check that failed: its metric, value, expected value or reference, bounds and change (values only where the reader may see them).';
