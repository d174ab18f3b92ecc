-- ------------------------------------------------------------------------
-- ge-types (issue #11): the missing Great Expectations types, each a full
-- citizen: LIKE patterns, column pairs, several columns of a row, compound
-- uniqueness (hash screen), z-scores, other tables (row counts, referential
-- integrity as a join of the scan), unexpected_rows_expectation (vqc.expect
-- only).  New: src/sql/ge_types.sql and its catalogue rows; the typed
-- wrappers; hooks in vqc._plan, vqc._evaluate, vqc._map_result,
-- vqc._scan_sql, vqc.expect, vqc.explain and vqc._record_run_check
-- (full new bodies below).
-- ------------------------------------------------------------------------

-- Great Expectations types of several columns, z-scores, other tables (ge_types.sql)
INSERT INTO vqc.expectation_catalog VALUES
('expect_column_values_to_match_like_pattern', 'map', '{column,like_pattern}', '{mostly}',
 'Values match the SQL LIKE pattern like_pattern.'),
('expect_column_values_to_not_match_like_pattern', 'map', '{column,like_pattern}', '{mostly}',
 'Values do not match the SQL LIKE pattern like_pattern.'),
('expect_column_values_to_match_like_pattern_list', 'map', '{column,like_pattern_list}', '{match_on,mostly}',
 'Values match any (match_on = any, default) or all of the SQL LIKE patterns.'),
('expect_column_values_to_not_match_like_pattern_list', 'map', '{column,like_pattern_list}', '{mostly}',
 'Values match none of the SQL LIKE patterns.'),
('expect_column_pair_values_a_to_be_greater_than_b', 'map', '{column_A,column_B}', '{or_equal,ignore_row_if,mostly}',
 'column_A > column_B in each row (>= with or_equal); ignore_row_if: both_values_are_missing (default), either_value_is_missing, neither.'),
('expect_column_pair_values_to_be_equal', 'map', '{column_A,column_B}', '{ignore_row_if,mostly}',
 'column_A = column_B in each row; a missing value on one side is unequal.'),
('expect_column_pair_values_to_be_in_set', 'map', '{column_A,column_B,value_pairs_set}', '{ignore_row_if,mostly}',
 'Each row''s pair (column_A, column_B) is one of value_pairs_set ([[a, b], ...]).'),
('expect_compound_columns_to_be_unique', 'map', '{column_list}', '{ignore_row_if,mostly}',
 'No combination of the values of column_list occurs in more than one row; ignore_row_if: all_values_are_missing (default), any_value_is_missing, never.'),
('expect_multicolumn_sum_to_equal', 'map', '{column_list,sum_total}', '{ignore_row_if,mostly}',
 'The values of column_list sum (exactly, as numeric) to sum_total in each row.'),
('expect_select_column_values_to_be_unique_within_record', 'map', '{column_list}', '{ignore_row_if,mostly}',
 'The values of column_list differ from each other within each row.'),
('expect_column_value_z_scores_to_be_less_than', 'map', '{column,threshold}', '{double_sided,mostly}',
 'Each value''s z-score (against the column''s mean and sample stdev) is below threshold (in absolute value when double_sided, default true).'),
('expect_column_values_to_be_in_other_table', 'map', '{column,other_table,other_column}', '{mostly}',
 'vqc extension: every value occurs in other_table.other_column (referential integrity).'),
('expect_table_row_count_to_equal_other_table', 'table', '{other_table_name}', '{}',
 'The table has as many rows as other_table_name.'),
('expect_table_row_count_to_be_within_other_table_by', 'table', '{other_table_name,tolerance}', '{}',
 'vqc extension: |rows - other''s rows| <= tolerance x other''s rows (a relative tolerance).'),
('unexpected_rows_expectation', 'table', '{unexpected_rows_query}', '{}',
 'The query ({batch} stands for the table) returns no rows; vqc.expect only, never in a suite.');

CREATE OR REPLACE FUNCTION vqc._check_suite_other_tables(s vqc.suite, t regclass, expectations jsonb)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    e     jsonb;
    key   text;
    other regclass;
BEGIN
    FOR e IN SELECT x FROM jsonb_array_elements(expectations) x
              WHERE x ->> 'type' IN ('expect_column_values_to_be_in_other_table',
                                     'expect_table_row_count_to_equal_other_table',
                                     'expect_table_row_count_to_be_within_other_table_by') LOOP
        key := CASE WHEN e ->> 'type' = 'expect_column_values_to_be_in_other_table' THEN 'other_table' ELSE 'other_table_name' END;
        BEGIN
            other := vqc._kw_other_table(t, e ->> 'type', e -> 'kwargs', key);
        EXCEPTION WHEN invalid_parameter_value OR undefined_table THEN
            CONTINUE;          -- the expectation reports it
        END;
        IF NOT has_any_column_privilege(s.owner, other, 'SELECT')
           OR (key = 'other_table' AND EXISTS (
                   SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = other AND a.attname = e -> 'kwargs' ->> 'other_column' AND a.attnum > 0
                      AND NOT a.attisdropped AND NOT has_column_privilege(s.owner, other, a.attnum, 'SELECT'))) THEN
            RAISE EXCEPTION 'suite "%" reads table %, which its owner % may not read', s.name, other, s.owner
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'A run stores what it learns of the other table where the suite''s owner can read it.',
                      HINT = 'Grant the owner SELECT on it, or remove the expectation.';
        END IF;
    END LOOP;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._columns_json_sql(names text[])
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('pg_catalog.jsonb_build_object(%s)::pg_catalog.text',
                  string_agg(format('%L, %I', c, c), ', ' ORDER BY o))
      FROM unnest(names) WITH ORDINALITY AS x(c, o)
$function$
;

CREATE OR REPLACE FUNCTION vqc._columns_map_plan(target regclass, pidx integer, names text[], keep text, expected text, key_columns text[], sample_cap integer, pair boolean)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('t%s', pidx),
            format('vqc.tally(%s, %s, %s) FILTER (WHERE %s(%s) IS FALSE)', vqc._columns_json_sql(names),
                   vqc._row_key_sql(target, key_columns), sample_cap,
                   CASE WHEN keep IS NULL THEN '' ELSE keep || ' AND ' END, expected)) ||
                 CASE WHEN keep IS NULL THEN '{}'::jsonb
                      ELSE jsonb_build_object(format('k:%s', md5(keep)), format('pg_catalog.count(*) FILTER (WHERE %s)', keep)) END,
        'tally', format('t%s', pidx),
        'nonnull', CASE WHEN keep IS NULL THEN 'n' ELSE format('k:%s', md5(keep)) END,
        'columns', to_jsonb(names),
        'pair', pair,
        -- the failing rows, for a query that selects them
        'fails_sql', format('%s(%s) IS FALSE', CASE WHEN keep IS NULL THEN '' ELSE keep || ' AND ' END, expected),
        'key_columns', to_jsonb(key_columns))
$function$
;

CREATE OR REPLACE FUNCTION vqc._columns_sample_index(plan jsonb, s jsonb)
 RETURNS jsonb
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE WHEN jsonb_typeof(s -> 'row_key') = 'object' THEN s -> 'row_key' ELSE '{}' END ||
           CASE WHEN coalesce((s ->> 'clipped')::boolean, false) OR s ->> 'value' IS NULL THEN '{}'
                ELSE (s ->> 'value')::jsonb END
$function$
;

CREATE OR REPLACE FUNCTION vqc._columns_sample_value(plan jsonb, s jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    obj jsonb;
BEGIN
    IF (s ->> 'clipped')::boolean OR s ->> 'value' IS NULL THEN
        RETURN coalesce(s -> 'value', 'null');
    END IF;
    obj := (s ->> 'value')::jsonb;
    IF (plan ->> 'pair')::boolean THEN
        RETURN (SELECT jsonb_agg(obj -> c ORDER BY o)
                  FROM jsonb_array_elements_text(plan -> 'columns') WITH ORDINALITY AS x(c, o));
    END IF;
    RETURN obj;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._compound_fails_sql(target regclass, names text[], keep text)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT CASE WHEN (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'p', 'm')
                THEN format('(tableoid, ctid) OPERATOR(pg_catalog.=) ANY (SELECT tableoid, ctid FROM (SELECT tableoid, ctid, '
                            'pg_catalog.count(*) OVER (PARTITION BY %1$s) AS c FROM %2$s%3$s) AS w WHERE c OPERATOR(pg_catalog.>) 1)',
                            cols, target, w)
                ELSE format('(%1$s) IN (SELECT %1$s FROM %2$s%3$s GROUP BY %1$s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)',
                            cols, target, w) END
      FROM (SELECT string_agg(quote_ident(c), ', ' ORDER BY o) AS cols,
                   CASE WHEN keep IS NULL THEN '' ELSE ' WHERE ' || keep END AS w
              FROM unnest(names) WITH ORDINALITY AS x(c, o)) AS parts
$function$
;

CREATE OR REPLACE FUNCTION vqc._compound_repeats(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    dups  bigint[] := (vals ->> (plan ->> 'hash_words'))::bigint[];
    cols  text := (SELECT string_agg(quote_ident(c), ', ' ORDER BY o)
                     FROM jsonb_array_elements_text(plan -> 'columns') WITH ORDINALITY AS x(c, o));
    conds text[] := ARRAY(SELECT plan ->> 'keep' WHERE plan ->> 'keep' IS NOT NULL);
BEGIN
    passes := 0;
    IF dups = '{}' THEN
        RETURN;
    END IF;
    IF dups IS NOT NULL THEN
        conds := conds || format('%s OPERATOR(pg_catalog.=) ANY ($1)',
                                 vqc._compound_word_sql(vqc._jsonb_text_array(plan -> 'columns')));
    END IF;
    -- samples ascending by value, then by row key: the same order whatever the plan
    EXECUTE format('SELECT vqc.tally(v, k, %1$s ORDER BY v, k) FROM '
                   '(SELECT %2$s AS v, %3$s AS k, pg_catalog.count(*) OVER (PARTITION BY %4$s) AS c '
                   '   FROM %5$s%6$s) AS candidates WHERE c OPERATOR(pg_catalog.>) 1',
                   plan ->> 'sample_cap', vqc._columns_json_sql(vqc._jsonb_text_array(plan -> 'columns')),
                   plan ->> 'row_key_sql', cols, target,
                   CASE WHEN cardinality(conds) > 0 THEN ' WHERE ' || array_to_string(conds, ' AND ') ELSE '' END)
        INTO t USING ARRAY(SELECT dups[i][1] FROM generate_subscripts(dups, 1) AS i);
    passes := 1;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._compound_word_sql(names text[])
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('vqc.hash_row(%s)', string_agg(format('%I', c), ', ' ORDER BY o))
      FROM unnest(names) WITH ORDINALITY AS x(c, o)
$function$
;

CREATE OR REPLACE FUNCTION vqc._cross_type_operator(ba regtype, op text, bb regtype)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('OPERATOR(%s.%s)', quote_ident(n.nspname), o.oprname)
      FROM pg_opclass c
      JOIN pg_amop x ON x.amopfamily = c.opcfamily AND x.amoplefttype = ba AND x.amoprighttype = bb
                    AND x.amopstrategy = array_position(ARRAY['<', '<=', '=', '>=', '>'], op)
                    AND x.amopmethod = c.opcmethod
      JOIN pg_operator o ON o.oid = x.amopopr
      JOIN pg_namespace n ON n.oid = o.oprnamespace
     WHERE c.oid = vqc._default_opclass(ba, 'btree')
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

    IF plan ? 'evaluator' THEN
        RETURN vqc._evaluate_ge_type(target, plan, vals, rf);      -- ge_types.sql: other tables' counts
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
    ELSIF plan ? 'failures' THEN
        -- z-scores, compound uniqueness (ge_types.sql): a pass when needed
        SELECT x.t, x.passes INTO t, extra FROM vqc._ge_type_failures(target, plan, vals) x;
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

CREATE OR REPLACE FUNCTION vqc._evaluate_ge_type(target regclass, plan jsonb, vals jsonb, rf jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    element  bigint := (vals ->> 'n')::bigint;
    other    bigint := (vals ->> (plan ->> 'other_item'))::bigint;
BEGIN
    RETURN jsonb_build_object(
        'success', abs(element - other) <= (plan ->> 'tolerance')::numeric * other,
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', jsonb_build_object('self', element, 'other', other)) END,
        'samples', '[]'::jsonb, 'extra_scans', 0);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._expect_unexpected_rows(target regclass, kwargs jsonb, result_format text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype text := 'unexpected_rows_expectation';
    rf    jsonb;
    query text;
    cap   integer;
    n     bigint;
    rows  jsonb;
BEGIN
    PERFORM vqc._check_kwargs(etype, kwargs);
    rf := vqc._result_format(coalesce(kwargs -> 'result_format', to_jsonb(result_format)));
    query := replace(vqc._kw_text(etype, kwargs, 'unexpected_rows_query'), '{batch}', target::text);
    cap := CASE rf ->> 'result_format'
                WHEN 'COMPLETE' THEN coalesce(current_setting('vqc.max_unexpected_samples', true)::integer, 1000)
                WHEN 'BOOLEAN_ONLY' THEN 0
                ELSE greatest((rf ->> 'partial_unexpected_count')::integer, 20) END;
    EXECUTE format('SELECT pg_catalog.count(*), pg_catalog.jsonb_agg(pg_catalog.to_jsonb(q)) '
                   'FILTER (WHERE q.vqc_ordinality OPERATOR(pg_catalog.<=) %s) '
                   'FROM (SELECT *, pg_catalog.row_number() OVER () AS vqc_ordinality FROM (%s) AS u) AS q', cap, query)
        INTO n, rows;
    RETURN vqc._ge_result(jsonb_build_object(
        'type', etype, 'kwargs', kwargs, 'status', CASE WHEN n = 0 THEN 'success' ELSE 'failure' END,
        'success', n = 0,
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object(
                           'observed_value', format('%s unexpected %s', n, CASE WHEN n = 1 THEN 'row' ELSE 'rows' END),
                           'details', jsonb_build_object(
                               'unexpected_rows', (SELECT coalesce(jsonb_agg(r - 'vqc_ordinality'), '[]')
                                                     FROM jsonb_array_elements(coalesce(rows, '[]')) r))) END));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._explain_notes(plans jsonb[])
 RETURNS SETOF text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('Note: expectation %s (%s): %s.', i, p ->> 'type', p ->> 'explain_note')
      FROM unnest(plans) WITH ORDINALITY AS x(p, i)
     WHERE p ? 'explain_note'
     ORDER BY i
$function$
;

CREATE OR REPLACE FUNCTION vqc._ge_type_failures(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    IF plan ->> 'failures' = 'z_scores' THEN
        SELECT x.t, x.passes INTO t, passes FROM vqc._z_score_failures(target, plan, vals) x;
    ELSE
        SELECT x.t, x.passes INTO t, passes FROM vqc._compound_repeats(target, plan, vals) x;
    END IF;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._ignore_row_if_sql(etype text, kwargs jsonb, qcols text[], pair boolean)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    modes text[] := CASE WHEN pair THEN ARRAY['both_values_are_missing', 'either_value_is_missing', 'neither']
                         ELSE ARRAY['all_values_are_missing', 'any_value_is_missing', 'never'] END;
    mode  text := coalesce(vqc._kw_text(etype, kwargs, 'ignore_row_if'), modes[1]);
BEGIN
    CASE array_position(modes, mode)
    WHEN 1 THEN
        RETURN format('NOT (%s)', (SELECT string_agg(format('%s IS NULL', q), ' AND ') FROM unnest(qcols) q));
    WHEN 2 THEN
        RETURN format('(%s)', (SELECT string_agg(format('%s IS NOT NULL', q), ' AND ') FROM unnest(qcols) q));
    WHEN 3 THEN
        RETURN NULL;
    ELSE
    END CASE;
    PERFORM vqc._bad_kwarg(etype, format('unknown ignore_row_if "%s"', mode),
                           CASE WHEN pair THEN 'Use both_values_are_missing, either_value_is_missing or neither.'
                                ELSE 'Use all_values_are_missing, any_value_is_missing or never.' END);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._implicit_cast(src regtype, dst regtype)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT EXISTS (SELECT 1 FROM pg_cast WHERE castsource = src AND casttarget = dst AND castcontext = 'i') $function$
;

CREATE OR REPLACE FUNCTION vqc._kw_columns(target regclass, etype text, v jsonb, key text, allow_repeat boolean, OUT names text[], OUT types regtype[])
 RETURNS record
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    c   record;
    i   integer;
BEGIN
    names := '{}';
    types := '{}';
    IF v IS NULL OR jsonb_array_length(v) = 0 THEN
        PERFORM vqc._bad_kwarg(etype, format('%s must name at least one column', key));
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        IF jsonb_typeof(v -> i) <> 'string' THEN
            PERFORM vqc._bad_kwarg(etype, format('%s must hold column names', key));
        END IF;
        IF (v ->> i) = ANY (names) AND NOT allow_repeat THEN
            PERFORM vqc._bad_kwarg(etype, format('%s names a column twice', key));
        END IF;
        SELECT * INTO c FROM vqc._column(target, v ->> i);
        names := names || (v ->> i);
        types := types || c.type_sql::regtype;
    END LOOP;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._kw_other_table(target regclass, etype text, kwargs jsonb, key text)
 RETURNS regclass
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    name  text := vqc._kw_text(etype, kwargs, key);
    parts text[];
    t     regclass;
BEGIN
    BEGIN
        parts := parse_ident(name);
    EXCEPTION WHEN invalid_parameter_value OR syntax_error THEN
        PERFORM vqc._bad_kwarg(etype, format('%s is not a valid table name', key));
    END;
    IF cardinality(parts) = 1 THEN
        parts := ARRAY[(SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.oid = target)] || parts;
    ELSIF cardinality(parts) <> 2 THEN
        PERFORM vqc._bad_kwarg(etype, format('%s must be a table name, optionally schema-qualified', key));
    END IF;
    t := to_regclass(format('%I.%I', parts[1], parts[2]));
    IF t IS NULL OR (SELECT relkind FROM pg_class WHERE oid = t) NOT IN ('r', 'p', 'v', 'm', 'f') THEN
        RAISE EXCEPTION 'relation "%.%" does not exist', parts[1], parts[2]
            USING ERRCODE = 'undefined_table',
                  DETAIL = format('Expectation: %s.', etype),
                  HINT = 'An unqualified name is looked up in the schema of the checked table.';
    END IF;
    IF NOT has_any_column_privilege(t, 'SELECT') THEN
        RAISE EXCEPTION 'permission denied for table %', t
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN t;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._like_expected_sql(etype text, kwargs jsonb, p text, qcol text, colname text, category "char", type_sql text)
 RETURNS text
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    v      jsonb;
    conds  text[] := '{}';
    i      integer;
BEGIN
    IF etype NOT LIKE 'expect_column_values_to_%match_like_pattern%' THEN
        RAISE EXCEPTION 'no plan for expectation type "%"', etype USING ERRCODE = 'internal_error';
    END IF;
    PERFORM vqc._require_text(etype, colname, category, type_sql);
    IF etype LIKE '%_list' THEN
        v := vqc._kw(etype, kwargs, 'like_pattern_list', '{array}');
        IF jsonb_array_length(v) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'like_pattern_list must not be empty');
        END IF;
    ELSE
        v := jsonb_build_array(vqc._kw(etype, kwargs, 'like_pattern', '{string}'));
    END IF;
    FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        IF jsonb_typeof(v -> i) <> 'string' THEN
            PERFORM vqc._bad_kwarg(etype, 'like patterns must be strings');
        END IF;
        -- LIKE refuses a pattern ending in its escape only when a match reaches it
        IF (v ->> i) ~ '(^|[^\\])(\\\\)*\\$' THEN
            PERFORM vqc._bad_kwarg(etype, 'a LIKE pattern must not end with the escape character',
                                   'Double a final backslash to match a backslash.');
        END IF;
        conds := conds || format('(%s)::pg_catalog.text OPERATOR(pg_catalog.~~) (%s%s)', qcol, p,
                                 CASE WHEN etype LIKE '%_list' THEN format(' OPERATOR(pg_catalog.->) ''like_pattern_list'' OPERATOR(pg_catalog.->>) %s', i)
                                      ELSE ' OPERATOR(pg_catalog.->>) ''like_pattern''' END);
    END LOOP;
    RETURN vqc._pattern_list_sql(etype, kwargs, conds);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._map_result(plan jsonb, rf jsonb, element bigint, nonnull bigint, unexpected bigint, samples jsonb, category "char")
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    skip_missing boolean := plan ->> 'nonnull' IS NULL;
    denominator  bigint := CASE WHEN skip_missing THEN element ELSE nonnull END;
    mostly       numeric := (plan ->> 'mostly')::numeric;
    success      boolean;
    level        text := rf ->> 'result_format';
    partial_n    integer := (rf ->> 'partial_unexpected_count')::integer;
    res          jsonb;
    values_json  jsonb;
    index_json   jsonb;
    col          text := plan ->> 'column';
BEGIN
    success := denominator = 0 OR (denominator - unexpected) >= mostly * denominator;
    IF level = 'BOOLEAN_ONLY' THEN
        RETURN jsonb_build_object('success', success, 'result', '{}'::jsonb);
    END IF;

    -- samples of several columns (plan "columns") are JSON objects {column: value}
    SELECT coalesce(jsonb_agg(CASE WHEN plan ? 'columns' THEN vqc._columns_sample_value(plan, s)
                                   ELSE vqc._sample_json(s ->> 'value', category, (s ->> 'clipped')::boolean) END
                              ORDER BY o), '[]'),
           coalesce(jsonb_agg(CASE WHEN plan ? 'columns' THEN vqc._columns_sample_index(plan, s)
                                   ELSE CASE WHEN jsonb_typeof(s -> 'row_key') = 'object' THEN s -> 'row_key' ELSE '{}' END ||
                                        jsonb_build_object(col, vqc._sample_json(s ->> 'value', category, (s ->> 'clipped')::boolean)) END
                              ORDER BY o), '[]')
      INTO values_json, index_json
      FROM jsonb_array_elements(samples) WITH ORDINALITY AS x(s, o);

    res := jsonb_build_object(
        'element_count', element,
        'unexpected_count', unexpected,
        'unexpected_percent', CASE WHEN denominator > 0 THEN unexpected::float8 / denominator * 100 END,
        'partial_unexpected_list', (SELECT coalesce(jsonb_agg(e ORDER BY o), '[]')
                                      FROM jsonb_array_elements(values_json) WITH ORDINALITY AS x(e, o)
                                     WHERE o <= partial_n));
    IF NOT skip_missing THEN
        res := res || jsonb_build_object(
            'missing_count', element - nonnull,
            'missing_percent', CASE WHEN element > 0 THEN (element - nonnull)::float8 / element * 100 END,
            'unexpected_percent_total', CASE WHEN element > 0 THEN unexpected::float8 / element * 100 END,
            'unexpected_percent_nonmissing', CASE WHEN nonnull > 0 THEN unexpected::float8 / nonnull * 100 END);
    END IF;
    res := res || jsonb_build_object(
        'partial_unexpected_index_list', (SELECT coalesce(jsonb_agg(e ORDER BY o), '[]')
                                            FROM jsonb_array_elements(index_json) WITH ORDINALITY AS x(e, o)
                                           WHERE o <= partial_n));
    IF level IN ('SUMMARY', 'COMPLETE') THEN
        res := res || jsonb_build_object('partial_unexpected_counts',
            (SELECT coalesce(jsonb_agg(jsonb_build_object('value', v, 'count', c) ORDER BY c DESC, v::text), '[]')
               FROM (SELECT e AS v, count(*) AS c
                       FROM jsonb_array_elements(values_json) WITH ORDINALITY AS x(e, o)
                      WHERE o <= partial_n
                      GROUP BY e) g));
    END IF;
    IF level = 'COMPLETE' THEN
        res := res || jsonb_build_object('unexpected_list', values_json,
                                         'unexpected_index_list', index_json);
        IF jsonb_array_length(values_json) < unexpected THEN
            res := res || jsonb_build_object('unexpected_list_truncated', true);
        END IF;
    END IF;
    RETURN jsonb_build_object('success', success, 'result', res);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._pair_compare_sql(ta regtype, a text, op text, tb regtype, b text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    ba   regtype := vqc._base_type(ta);
    bb   regtype := vqc._base_type(tb);
    opr  text;
BEGIN
    IF ba = bb THEN
        RETURN vqc._compare_sql(ta, a, op, b);
    END IF;
    opr := vqc._cross_type_operator(ba, op, bb);
    IF opr IS NOT NULL THEN
        RETURN format('(%s)::%s %s (%s)::%s', a, format_type(ba, NULL), opr, b, format_type(bb, NULL));
    END IF;
    IF vqc._implicit_cast(bb, ba) THEN
        RETURN vqc._compare_sql(ba, a, op, format('(%s)::%s', b, format_type(ba, NULL)));
    END IF;
    IF vqc._implicit_cast(ba, bb) THEN
        RETURN vqc._compare_sql(bb, format('(%s)::%s', a, format_type(bb, NULL)), op, b);
    END IF;
    RAISE EXCEPTION 'values of types % and % cannot be compared', format_type(ta, NULL), format_type(tb, NULL)
        USING ERRCODE = 'undefined_function',
              HINT = 'Cast one of the columns in a view to the other''s type.';
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._pattern_list_sql(etype text, kwargs jsonb, conds text[])
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    match_on text := coalesce(vqc._kw_text(etype, kwargs, 'match_on'), 'any');
BEGIN
    IF match_on NOT IN ('any', 'all') THEN
        PERFORM vqc._bad_kwarg(etype, 'match_on must be "any" or "all"');
    END IF;
    IF etype LIKE '%not_match%' THEN
        RETURN format('NOT (%s)', array_to_string(conds, ' OR '));
    END IF;
    RETURN format('(%s)', array_to_string(conds, CASE match_on WHEN 'any' THEN ' OR ' ELSE ' AND ' END));
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
    other_plan jsonb;
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

    -- pairs, several columns, z-scores, other tables (ge_types.sql)
    other_plan := vqc._plan_ge_type(target, plan, pidx, key_columns, sample_cap);
    IF other_plan IS NOT NULL THEN
        RETURN plan || other_plan;
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
        expected := vqc._pattern_list_sql(etype, kwargs, conds);
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
    ELSE
        -- SQL LIKE patterns (ge_types.sql)
        expected := vqc._like_expected_sql(etype, kwargs, p, qcol, colname, col.category, col.type_sql);
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

CREATE OR REPLACE FUNCTION vqc._plan_compound_unique(target regclass, pidx integer, names text[], keep text, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT vqc._columns_map_plan(target, pidx, names, keep, 'true', key_columns, sample_cap, false)
           - 'tally' ||
           jsonb_build_object(
               'items', jsonb_build_object(
                   'n', 'pg_catalog.count(*)',
                   format('h%s', pidx),
                   format('vqc.hash_set_duplicates(vqc.hash_set_agg(%s)%s, 100000)', vqc._compound_word_sql(names),
                          CASE WHEN keep IS NULL THEN '' ELSE format(' FILTER (WHERE %s)', keep) END)) ||
                        CASE WHEN keep IS NULL THEN '{}'::jsonb
                             ELSE jsonb_build_object(format('k:%s', md5(keep)), format('pg_catalog.count(*) FILTER (WHERE %s)', keep)) END,
               'failures', 'compound_unique',
               'fails_sql', vqc._compound_fails_sql(target, names, keep),
               'hash_words', format('h%s', pidx),
               'keep', keep,
               'row_key_sql', vqc._row_key_sql(target, key_columns),
               'sample_cap', sample_cap,
               'explain_note', 'a second pass reads the rows whose column values'' hash repeats, only when the hash screen finds a repeat')
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_ge_type(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    p       text := format('($1 OPERATOR(pg_catalog.->) %s)', pidx);
    cols    record;
    q       text[];
    keep    text;
    conds   text[] := '{}';
    v       jsonb;
    i       integer;
    j       integer;
    mostly  numeric;
BEGIN
    IF etype NOT IN ('expect_column_pair_values_a_to_be_greater_than_b', 'expect_column_pair_values_to_be_equal',
                     'expect_column_pair_values_to_be_in_set', 'expect_compound_columns_to_be_unique',
                     'expect_multicolumn_sum_to_equal', 'expect_select_column_values_to_be_unique_within_record',
                     'expect_column_value_z_scores_to_be_less_than', 'expect_column_values_to_be_in_other_table',
                     'expect_table_row_count_to_equal_other_table',
                     'expect_table_row_count_to_be_within_other_table_by', 'unexpected_rows_expectation') THEN
        RETURN NULL;
    END IF;
    IF etype = 'unexpected_rows_expectation' THEN
        RAISE EXCEPTION 'unexpected_rows_expectation runs only in vqc.expect'
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its query is SQL of its writer''s choosing, and a suite may be run by another role or by pg_cron.',
                  HINT = 'Call vqc.expect() with it, as the role whose rights the query should have.';
    END IF;
    IF etype LIKE 'expect_table_row_count_%other_table%' THEN
        RETURN vqc._plan_other_table_count(target, etype, kwargs, pidx);
    END IF;
    mostly := vqc._kw_mostly(etype, kwargs);
    IF etype = 'expect_column_value_z_scores_to_be_less_than' THEN
        RETURN vqc._plan_z_scores(target, plan, pidx, key_columns, sample_cap) || jsonb_build_object('mostly', mostly);
    END IF;
    IF etype = 'expect_column_values_to_be_in_other_table' THEN
        RETURN vqc._plan_in_other_table(target, plan, pidx, key_columns, sample_cap) || jsonb_build_object('mostly', mostly);
    END IF;

    IF etype LIKE 'expect_column_pair_%' THEN
        IF vqc._kw_text(etype, kwargs, 'column_A') IS NULL OR vqc._kw_text(etype, kwargs, 'column_B') IS NULL THEN
            PERFORM vqc._bad_kwarg(etype, 'column_A and column_B must be column names');
        END IF;
        SELECT * INTO cols FROM vqc._kw_columns(target, etype, jsonb_build_array(kwargs -> 'column_A', kwargs -> 'column_B'),
                                                'column_A and column_B', true);
    ELSE
        SELECT * INTO cols FROM vqc._kw_columns(target, etype, vqc._kw(etype, kwargs, 'column_list', '{array}'),
                                                'column_list', false);
    END IF;
    q := ARRAY(SELECT quote_ident(c) FROM unnest(cols.names) c);
    keep := vqc._ignore_row_if_sql(etype, kwargs, q, etype LIKE 'expect_column_pair_%');

    CASE etype
    WHEN 'expect_column_pair_values_a_to_be_greater_than_b' THEN
        IF vqc._kw_bool(etype, kwargs, 'or_equal', false) THEN
            conds := ARRAY[vqc._pair_compare_sql(cols.types[1], q[1], '>=', cols.types[2], q[2]),
                           format('(%s IS NULL AND %s IS NULL)', q[1], q[2])];
        ELSE
            conds := ARRAY[vqc._pair_compare_sql(cols.types[1], q[1], '>', cols.types[2], q[2])];
        END IF;
    WHEN 'expect_column_pair_values_to_be_equal' THEN
        -- a missing value on either side is unequal (GE: NOT (A IS NULL OR B IS NULL))
        conds := ARRAY[format('(%s AND %s IS NOT NULL AND %s IS NOT NULL)',
                              vqc._pair_compare_sql(cols.types[1], q[1], '=', cols.types[2], q[2]), q[1], q[2])];
    WHEN 'expect_column_pair_values_to_be_in_set' THEN
        v := vqc._kw(etype, kwargs, 'value_pairs_set', '{array}');
        IF jsonb_array_length(v) = 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'value_pairs_set must not be empty');
        END IF;
        FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
            IF jsonb_typeof(v -> i) <> 'array' OR jsonb_array_length(v -> i) <> 2
               OR jsonb_typeof(v -> i -> 0) IN ('array', 'object') OR jsonb_typeof(v -> i -> 1) IN ('array', 'object') THEN
                PERFORM vqc._bad_kwarg(etype, 'value_pairs_set must hold pairs [a, b] of scalar values');
            END IF;
            FOR j IN 0 .. 1 LOOP
                IF jsonb_typeof(v -> i -> j) <> 'null' THEN
                    PERFORM vqc._check_castable(etype, 'a value of value_pairs_set', v -> i ->> j,
                                                format_type(cols.types[j + 1], NULL));
                END IF;
            END LOOP;
            conds := conds || format('(%s AND %s)',
                vqc._compare_sql(cols.types[1], q[1], '=', format('(%s OPERATOR(pg_catalog.->) ''value_pairs_set'' '
                                 'OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->>) 0)::%s', p, i, format_type(cols.types[1], NULL))),
                vqc._compare_sql(cols.types[2], q[2], '=', format('(%s OPERATOR(pg_catalog.->) ''value_pairs_set'' '
                                 'OPERATOR(pg_catalog.->) %s OPERATOR(pg_catalog.->>) 1)::%s', p, i, format_type(cols.types[2], NULL))));
        END LOOP;
    WHEN 'expect_multicolumn_sum_to_equal' THEN
        FOR i IN 1 .. cardinality(q) LOOP
            IF (SELECT typcategory FROM pg_type WHERE oid = cols.types[i]) <> 'N' THEN
                RAISE EXCEPTION '% needs numeric columns; column "%" is of type %', etype, cols.names[i],
                                format_type(cols.types[i], NULL)
                    USING ERRCODE = 'datatype_mismatch';
            END IF;
        END LOOP;
        PERFORM vqc._kw(etype, kwargs, 'sum_total', '{number}');
        -- summed exactly, in numeric
        conds := ARRAY[format('(%s) OPERATOR(pg_catalog.=) (%s OPERATOR(pg_catalog.->>) ''sum_total'')::pg_catalog.numeric',
                              (SELECT string_agg(format('(%s)::pg_catalog.numeric', c), ' OPERATOR(pg_catalog.+) ')
                                 FROM unnest(q) c), p)];
    WHEN 'expect_select_column_values_to_be_unique_within_record' THEN
        FOR i IN 1 .. cardinality(q) - 1 LOOP
            FOR j IN i + 1 .. cardinality(q) LOOP
                conds := conds || format('%s OR (%s IS NULL AND %s IS NULL)',
                                         vqc._pair_compare_sql(cols.types[i], q[i], '=', cols.types[j], q[j]), q[i], q[j]);
            END LOOP;
        END LOOP;
        IF cardinality(conds) = 0 THEN
            conds := ARRAY['false'];
        END IF;
        conds := ARRAY[format('NOT (%s)', array_to_string(conds, ' OR '))];
    WHEN 'expect_compound_columns_to_be_unique' THEN
        FOR i IN 1 .. cardinality(q) LOOP
            PERFORM vqc._require_opclass(etype, format_type(cols.types[i], NULL), 'hash');
            PERFORM vqc._require_opclass(etype, format_type(cols.types[i], NULL), 'btree');
        END LOOP;
        IF vqc._unique_by_index(target, cols.names) THEN
            -- the database already guarantees it: count, don't screen
            conds := ARRAY['true'];
        ELSE
                RETURN vqc._plan_compound_unique(target, pidx, cols.names, keep, key_columns, sample_cap)
                   || jsonb_build_object('mostly', mostly);
        END IF;
    END CASE;

    RETURN vqc._columns_map_plan(target, pidx, cols.names, keep,
                                 format('(%s)', array_to_string(conds, ' OR ')), key_columns, sample_cap,
                                 etype LIKE 'expect_column_pair_%')
           || jsonb_build_object('mostly', mostly);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_in_other_table(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype   text := plan ->> 'type';
    kwargs  jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    qcol    text := quote_ident(colname);
    other   regclass := vqc._kw_other_table(target, etype, kwargs, 'other_table');
    ocol    record := vqc._column(other, vqc._kw_text(etype, kwargs, 'other_column'));
    alias   text := format('vqc_in_%s', pidx);
    ta      regtype;
    tb      regtype;
    ovalue  text;
    cmp     text;
BEGIN
    -- the join's names must not hide a column of the table
    WHILE alias = ANY (vqc._table_columns(target)) LOOP
        alias := alias || '_';
    END LOOP;
    IF NOT has_column_privilege(other, ocol.attname, 'SELECT') THEN
        RAISE EXCEPTION 'permission denied for table %', other
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM vqc._require_opclass(etype, ocol.type_sql, 'hash');
    -- distinct as compared: values cast to the column's type are made
    -- distinct after the cast, so that a row meets at most one partner
    ta := (plan ->> 'type_sql')::regtype;
    tb := ocol.type_sql::regtype;
    ovalue := quote_ident(ocol.attname);
    IF vqc._base_type(ta) <> vqc._base_type(tb) AND vqc._cross_type_operator(vqc._base_type(ta), '=', vqc._base_type(tb)) IS NULL
       AND vqc._implicit_cast(vqc._base_type(tb), vqc._base_type(ta)) THEN
        ovalue := format('(%s)::%s', ovalue, format_type(vqc._base_type(ta), NULL));
        tb := vqc._base_type(ta);
    END IF;
    cmp := vqc._pair_compare_sql(ta, qcol, '=', tb, format('%I.%I', alias, alias));
    RETURN jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
            format('join:%s', pidx),
            format('LEFT JOIN (SELECT DISTINCT %2$s AS %1$I FROM %3$s) AS %1$I ON (%4$s)', alias, ovalue, other, cmp),
            format('t%s', pidx),
            format('vqc.tally(%s::pg_catalog.text, %s, %s) FILTER (WHERE %s IS NOT NULL AND %I.%I IS NULL)',
                   qcol, vqc._row_key_sql(target, key_columns), sample_cap, qcol, alias, alias)),
        'tally', format('t%s', pidx),
        'nonnull', format('nn:%s', colname),
        'fails_sql', format('%s IS NOT NULL AND NOT EXISTS (SELECT FROM (SELECT DISTINCT %s AS %I FROM %s) AS %I WHERE %s)',
                            qcol, ovalue, alias, other, alias, cmp),
        'key_columns', to_jsonb(key_columns));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_other_table_count(target regclass, etype text, kwargs jsonb, pidx integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    other regclass := vqc._kw_other_table(target, etype, kwargs, 'other_table_name');
    tol   numeric;
BEGIN
    IF etype = 'expect_table_row_count_to_be_within_other_table_by' THEN
        tol := (vqc._kw(etype, kwargs, 'tolerance', '{number}'))::numeric;
        IF tol < 0 THEN
            PERFORM vqc._bad_kwarg(etype, 'tolerance cannot be negative');
        END IF;
    END IF;
    RETURN jsonb_build_object(
        'items', jsonb_build_object('n', 'pg_catalog.count(*)',
                                    format('oc:%s', other::oid), format('(SELECT pg_catalog.count(*) FROM %s)', other)),
        'evaluator', 'other_table_count',
        'other_item', format('oc:%s', other::oid),
        'tolerance', coalesce(tol, 0));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._plan_z_scores(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    etype  text := plan ->> 'type';
    kwargs jsonb := plan -> 'kwargs';
    colname text := plan ->> 'column';
    qcol   text := quote_ident(colname);
    x      text := format('(%s)::pg_catalog.float8', quote_ident(colname));
BEGIN
    IF (SELECT typcategory FROM pg_type WHERE oid = (plan ->> 'type_sql')::regtype) <> 'N' THEN
        RAISE EXCEPTION '% needs a numeric column; column "%" is of type %', etype, colname, plan ->> 'type_sql'
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    PERFORM vqc._kw(etype, kwargs, 'threshold', '{number}');
    PERFORM vqc._kw_bool(etype, kwargs, 'double_sided', true);
    RETURN jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('nn:%s', colname), format('pg_catalog.count(%s)', qcol),
            format('z:%s', colname),
            format('ARRAY[pg_catalog.avg(%1$s), pg_catalog.stddev_samp(%1$s), pg_catalog.min(%1$s), pg_catalog.max(%1$s)]', x)),
        'failures', 'z_scores',
        'fails_sql', vqc._z_fails_sql(x, format('(SELECT pg_catalog.avg(%s) FROM %s)', x, target),
                                      format('(SELECT pg_catalog.stddev_samp(%s) FROM %s)', x, target),
                                      (kwargs ->> 'threshold')::float8, vqc._kw_bool(etype, kwargs, 'double_sided', true)),
        'key_columns', to_jsonb(key_columns),
        'moments_item', format('z:%s', colname),
        'nonnull', format('nn:%s', colname),
        'threshold', (kwargs ->> 'threshold')::float8,
        'double_sided', vqc._kw_bool(etype, kwargs, 'double_sided', true),
        'row_key_sql', vqc._row_key_sql(target, key_columns),
        'sample_cap', sample_cap,
        'explain_note', 'z-scores need the mean and stdev this scan computes: a second pass reads the failing rows, '
                        'only when the min or max is beyond the threshold');
END
$function$
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
    PERFORM vqc._check_suite_other_tables(s, t, inputs.expectations);     -- ge_types.sql
    ev := vqc._evaluate_all(t, inputs.expectations, inputs.key_columns, 20, '"BASIC"', false,
                            inputs.profile_columns);
    RETURN ev || jsonb_build_object('suite_id', s.suite_id, 'started', started,
                                    'finished', clock_timestamp(),
                                    'row_security', row_security_active(t));
END
$function$
;

CREATE OR REPLACE FUNCTION vqc._scan_sql(target regclass, items jsonb, names text[])
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    -- items named join:* are joined to the table (their value stays NULL);
    -- a join hides the table's system columns, which row keys use, so the
    -- table is then read through a subquery that names them (pulled up by
    -- the planner: the same scan)
    SELECT format('SELECT ARRAY[%s]::pg_catalog.text[] FROM %s%s',
                  string_agg(CASE WHEN nm LIKE 'join:%' THEN 'NULL::pg_catalog.text'
                                  ELSE format('(%s)::pg_catalog.text', items ->> nm) END, ', ' ORDER BY o),
                  CASE WHEN bool_or(nm LIKE 'join:%') AND (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'p', 'm')
                       THEN format('(SELECT *, ctid, tableoid FROM %s) AS vqc_scan', target)
                       ELSE target::text END,
                  coalesce(string_agg(' ' || (items ->> nm), '' ORDER BY o) FILTER (WHERE nm LIKE 'join:%'), ''))
      FROM unnest(names) WITH ORDINALITY AS x(nm, o)
$function$
;

CREATE OR REPLACE FUNCTION vqc._unique_by_index(target regclass, names text[])
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT EXISTS (
        SELECT 1
          FROM pg_index i
         WHERE i.indrelid = target AND i.indisunique AND i.indisvalid AND i.indimmediate
           AND i.indpred IS NULL AND i.indexprs IS NULL
           AND NOT EXISTS (SELECT 1
                             FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, o)
                             LEFT JOIN pg_attribute a ON a.attrelid = target AND a.attnum = k.attnum
                            WHERE k.o <= i.indnkeyatts
                              AND (a.attname IS NULL OR NOT a.attname::text = ANY (names)
                                   OR NOT (a.attnotnull OR i.indnullsnotdistinct))))
$function$
;

CREATE OR REPLACE FUNCTION vqc._z_fails_sql(x text, mean text, sd text, threshold double precision, double_sided boolean)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    SELECT format('(%3$s OPERATOR(pg_catalog.>) 0 AND (%s) IS FALSE)', x, mean, sd,
                  CASE WHEN double_sided
                       THEN format('pg_catalog.abs((%s OPERATOR(pg_catalog.-) %s) OPERATOR(pg_catalog./) %s) '
                                   'OPERATOR(pg_catalog.<) pg_catalog.abs(%L::pg_catalog.float8)', x, mean, sd, threshold)
                       ELSE format('((%s OPERATOR(pg_catalog.-) %s) OPERATOR(pg_catalog./) %s) '
                                   'OPERATOR(pg_catalog.<) %L::pg_catalog.float8', x, mean, sd, threshold) END)
$function$
;

CREATE OR REPLACE FUNCTION vqc._z_score_failures(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    m     float8[] := (vals ->> (plan ->> 'moments_item'))::float8[];
    th    float8 := (plan ->> 'threshold')::float8;
    ds    boolean := (plan ->> 'double_sided')::boolean;
    qcol  text := quote_ident(plan ->> 'column');
    fails boolean;
BEGIN
    passes := 0;
    IF m[2] IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT %s OR %s', vqc._z_fails_sql('$3', '$1', '$2', th, ds), vqc._z_fails_sql('$4', '$1', '$2', th, ds))
        INTO fails USING m[1], m[2], m[3], m[4];
    IF NOT fails THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT vqc.tally(%1$s::pg_catalog.text, %2$s, %3$s) FROM %4$s WHERE %5$s',
                   qcol, plan ->> 'row_key_sql', plan ->> 'sample_cap', target,
                   vqc._z_fails_sql(format('(%s)::pg_catalog.float8', qcol), '$1', '$2', th, ds))
        INTO t USING m[1], m[2];
    passes := 1;
END
$function$
;

CREATE OR REPLACE FUNCTION vqc.expect(target regclass, expectation_type text, kwargs jsonb DEFAULT '{}'::jsonb, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    out jsonb;
BEGIN
    IF target IS NULL OR expectation_type IS NULL THEN
        RAISE EXCEPTION 'target and expectation_type must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF kwargs IS NULL THEN
        kwargs := '{}';
    END IF;
    IF expectation_type = 'unexpected_rows_expectation' THEN
        RETURN vqc._expect_unexpected_rows(target, kwargs, result_format);    -- ge_types.sql
    END IF;
    out := vqc._evaluate_all(target,
                             jsonb_build_array(jsonb_build_object('type', expectation_type, 'kwargs', kwargs)),
                             vqc._primary_key(target), 0, to_jsonb(result_format), true);
    RETURN vqc._ge_result(out -> 'results' -> 0);
END
$function$
;

CREATE OR REPLACE FUNCTION vqc.expect_column_pair_values_a_to_be_greater_than_b(target regclass, column_a text, column_b text, or_equal boolean DEFAULT NULL::boolean, ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_pair_values_a_to_be_greater_than_b', jsonb_strip_nulls(jsonb_build_object('column_A', column_a, 'column_B', column_b, 'or_equal', or_equal, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_pair_values_a_to_be_greater_than_b(regclass,text,text,boolean,text,numeric,text) IS 'column_A is greater than (or equal to) column_B in each row.';

CREATE OR REPLACE FUNCTION vqc.expect_column_pair_values_to_be_equal(target regclass, column_a text, column_b text, ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_pair_values_to_be_equal', jsonb_strip_nulls(jsonb_build_object('column_A', column_a, 'column_B', column_b, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_pair_values_to_be_equal(regclass,text,text,text,numeric,text) IS 'column_A equals column_B in each row.';

CREATE OR REPLACE FUNCTION vqc.expect_column_pair_values_to_be_in_set(target regclass, column_a text, column_b text, value_pairs_set jsonb, ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_pair_values_to_be_in_set', jsonb_strip_nulls(jsonb_build_object('column_A', column_a, 'column_B', column_b, 'value_pairs_set', value_pairs_set, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_pair_values_to_be_in_set(regclass,text,text,jsonb,text,numeric,text) IS 'Each row''s (column_A, column_B) is one of value_pairs_set.';

CREATE OR REPLACE FUNCTION vqc.expect_column_value_z_scores_to_be_less_than(target regclass, "column" text, threshold double precision, double_sided boolean DEFAULT NULL::boolean, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_value_z_scores_to_be_less_than', jsonb_strip_nulls(jsonb_build_object('column', "column", 'threshold', threshold, 'double_sided', double_sided, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_value_z_scores_to_be_less_than(regclass,text,double precision,boolean,numeric,text) IS 'Each value''s z-score is below threshold.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_be_in_other_table(target regclass, "column" text, other_table regclass, other_column text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_be_in_other_table', jsonb_strip_nulls(jsonb_build_object('column', "column", 'other_table', other_table::text, 'other_column', other_column, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_be_in_other_table(regclass,text,regclass,text,numeric,text) IS 'Every value occurs in other_table.other_column.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_match_like_pattern(target regclass, "column" text, like_pattern text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_match_like_pattern', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern', like_pattern, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_like_pattern(regclass,text,text,numeric,text) IS 'Values match the SQL LIKE pattern.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_match_like_pattern_list(target regclass, "column" text, like_pattern_list text[], match_on text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_match_like_pattern_list', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern_list', like_pattern_list, 'match_on', match_on, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_match_like_pattern_list(regclass,text,text[],text,numeric,text) IS 'Values match any (or all) of the SQL LIKE patterns.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_not_match_like_pattern(target regclass, "column" text, like_pattern text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_not_match_like_pattern', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern', like_pattern, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_not_match_like_pattern(regclass,text,text,numeric,text) IS 'Values do not match the SQL LIKE pattern.';

CREATE OR REPLACE FUNCTION vqc.expect_column_values_to_not_match_like_pattern_list(target regclass, "column" text, like_pattern_list text[], mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_column_values_to_not_match_like_pattern_list', jsonb_strip_nulls(jsonb_build_object('column', "column", 'like_pattern_list', like_pattern_list, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_column_values_to_not_match_like_pattern_list(regclass,text,text[],numeric,text) IS 'Values match none of the SQL LIKE patterns.';

CREATE OR REPLACE FUNCTION vqc.expect_compound_columns_to_be_unique(target regclass, column_list text[], ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_compound_columns_to_be_unique', jsonb_strip_nulls(jsonb_build_object('column_list', column_list, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_compound_columns_to_be_unique(regclass,text[],text,numeric,text) IS 'Each combination of the columns'' values occurs once.';

CREATE OR REPLACE FUNCTION vqc.expect_multicolumn_sum_to_equal(target regclass, column_list text[], sum_total numeric, ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_multicolumn_sum_to_equal', jsonb_strip_nulls(jsonb_build_object('column_list', column_list, 'sum_total', sum_total, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_multicolumn_sum_to_equal(regclass,text[],numeric,text,numeric,text) IS 'The columns sum to sum_total in each row.';

CREATE OR REPLACE FUNCTION vqc.expect_select_column_values_to_be_unique_within_record(target regclass, column_list text[], ignore_row_if text DEFAULT NULL::text, mostly numeric DEFAULT NULL::numeric, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_select_column_values_to_be_unique_within_record', jsonb_strip_nulls(jsonb_build_object('column_list', column_list, 'ignore_row_if', ignore_row_if, 'mostly', mostly)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_select_column_values_to_be_unique_within_record(regclass,text[],text,numeric,text) IS 'The columns'' values differ within each row.';

CREATE OR REPLACE FUNCTION vqc.expect_table_row_count_to_be_within_other_table_by(target regclass, other_table_name regclass, tolerance double precision, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_table_row_count_to_be_within_other_table_by', jsonb_strip_nulls(jsonb_build_object('other_table_name', other_table_name::text, 'tolerance', tolerance)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_table_row_count_to_be_within_other_table_by(regclass,regclass,double precision,text) IS 'The row count is within a relative tolerance of other_table_name''s.';

CREATE OR REPLACE FUNCTION vqc.expect_table_row_count_to_equal_other_table(target regclass, other_table_name regclass, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'expect_table_row_count_to_equal_other_table', jsonb_strip_nulls(jsonb_build_object('other_table_name', other_table_name::text)), result_format) $function$
;
COMMENT ON FUNCTION vqc.expect_table_row_count_to_equal_other_table(regclass,regclass,text) IS 'The table has as many rows as other_table_name.';

CREATE OR REPLACE FUNCTION vqc.explain(suite text, with_analyze boolean DEFAULT false)
 RETURNS SETOF text
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
    s       vqc.suite := vqc._suite(suite);
    t       regclass := vqc._suite_target(s);
    inputs  record := vqc._suite_inputs(s, t);
    planned record := vqc._plan_all(t, inputs.expectations, inputs.key_columns, 20, '"BASIC"', false,
                                    inputs.profile_columns);
    names   text[];
BEGIN
    IF planned.items = '{}' THEN
        RETURN;
    END IF;
    SELECT array_agg(key ORDER BY key) INTO names FROM jsonb_object_keys(planned.items) key;
    RETURN QUERY EXECUTE format('EXPLAIN (COSTS OFF%s) %s',
                                CASE WHEN with_analyze THEN ', ANALYZE, TIMING OFF, SUMMARY OFF' ELSE '' END,
                                vqc._scan_sql(t, planned.items, names))
        USING planned.kwargs_all;
    RETURN QUERY SELECT vqc._explain_notes(planned.plans);     -- checks that may read again
END
$function$
;

CREATE OR REPLACE FUNCTION vqc.hash_row(VARIADIC "any")
 RETURNS bigint
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE
AS '$libdir/vqc', $function$vqc_hash_row$function$
;
COMMENT ON FUNCTION vqc.hash_row("any") IS 'A 64-bit word for a combination of values (each hashed by its type''s extended hash, NULLs alike, chained): equal combinations give equal words.';

CREATE OR REPLACE FUNCTION vqc.unexpected_rows_expectation(target regclass, unexpected_rows_query text, result_format text DEFAULT 'BASIC'::text)
 RETURNS jsonb
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT vqc.expect(target, 'unexpected_rows_expectation', jsonb_strip_nulls(jsonb_build_object('unexpected_rows_query', unexpected_rows_query)), result_format) $function$
;
COMMENT ON FUNCTION vqc.unexpected_rows_expectation(regclass,text,text) IS 'The query ({batch} stands for the table) returns no rows.';

