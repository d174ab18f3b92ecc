-- ge_types.sql: the expectations of Great Expectations that look at more
-- than one column of a row, or beyond the table: SQL LIKE patterns, column
-- pairs, several columns of a row, z-scores, other tables, and GE 1.2's
-- unexpected_rows_expectation.  The shared code calls in here:
-- vqc._plan (vqc._plan_ge_type, vqc._like_expected_sql), vqc._evaluate
-- (vqc._evaluate_ge_type, vqc._ge_type_failures), vqc._map_result (the
-- samples of several columns), vqc.expect (vqc._expect_unexpected_rows),
-- vqc.explain (vqc._explain_notes) and a suite's run
-- (vqc._check_suite_other_tables).  Everything still runs in the one scan:
--   * pair and multicolumn checks are row predicates, tallied like any other;
--     their samples are JSON objects {column: value} (plan key "columns");
--   * compound uniqueness goes through the hash screen over the combinations
--     (vqc.hash_row, src/hash_row.c);
--   * z-scores take the mean, stdev, min and max from the scan; a second
--     pass reads the failing rows only when the min or max is beyond the
--     threshold (vqc.explain says so);
--   * another table's row count is a scalar subquery of the scan (read once);
--   * expect_column_values_to_be_in_other_table left-joins the other table's
--     distinct values to the scan (one hash anti-join);
--   * unexpected_rows_expectation runs the caller's own query, in vqc.expect
--     only: a suite must never execute SQL of its writer's choosing.

-- ---------------------------------------------------------------------------
-- helpers

-- Columns of target named by v (kwarg key): a non-empty array of column
-- names, distinct unless allow_repeat; returns them with their types.
CREATE FUNCTION vqc._kw_columns(target regclass, etype text, v jsonb, key text, allow_repeat boolean,
                                OUT names text[], OUT types regtype[])
LANGUAGE plpgsql STABLE
AS $$
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
$$;

-- The cross-type operator of role op for base types ba and bb in ba's
-- default btree family (int4 with int8, date with timestamp), as
-- OPERATOR(schema.name), or NULL.
CREATE FUNCTION vqc._cross_type_operator(ba regtype, op text, bb regtype)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format('OPERATOR(%s.%s)', quote_ident(n.nspname), o.oprname)
      FROM pg_opclass c
      JOIN pg_amop x ON x.amopfamily = c.opcfamily AND x.amoplefttype = ba AND x.amoprighttype = bb
                    AND x.amopstrategy = array_position(ARRAY['<', '<=', '=', '>=', '>'], op)
                    AND x.amopmethod = c.opcmethod
      JOIN pg_operator o ON o.oid = x.amopopr
      JOIN pg_namespace n ON n.oid = o.oprnamespace
     WHERE c.oid = vqc._default_opclass(ba, 'btree')
$$;

-- Does src cast implicitly to dst?
CREATE FUNCTION vqc._implicit_cast(src regtype, dst regtype)
RETURNS boolean
LANGUAGE sql STABLE
AS $$ SELECT EXISTS (SELECT 1 FROM pg_cast WHERE castsource = src AND casttarget = dst AND castcontext = 'i') $$;

-- SQL comparing a (of type ta) with b (of type tb) by the operator of role
-- op: the operator of ta's default btree class when tb is ta's type, its
-- family's cross-type operator, or, when one side casts implicitly to the
-- other's type, that type's operator (b's cast first).  Two types with none
-- of these cannot be compared (42883), as in SQL.
CREATE FUNCTION vqc._pair_compare_sql(ta regtype, a text, op text, tb regtype, b text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
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
$$;

-- ignore_row_if: the SQL that keeps a row (NULL: every row is kept).
-- Pairs: both_values_are_missing (default), either_value_is_missing,
-- neither; lists: all_values_are_missing (default), any_value_is_missing, never.
-- qcols holds NULL in place of a NOT NULL column: one that is never missing
-- (so no row is all missing), and that is left out of the test per row.
CREATE FUNCTION vqc._ignore_row_if_sql(etype text, kwargs jsonb, qcols text[], pair boolean)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    modes text[] := CASE WHEN pair THEN ARRAY['both_values_are_missing', 'either_value_is_missing', 'neither']
                         ELSE ARRAY['all_values_are_missing', 'any_value_is_missing', 'never'] END;
    mode  text := coalesce(vqc._kw_text(etype, kwargs, 'ignore_row_if'), modes[1]);
BEGIN
    CASE array_position(modes, mode)
    WHEN 1 THEN
        IF array_position(qcols, NULL) IS NOT NULL THEN
            RETURN NULL;
        END IF;
        RETURN format('NOT (%s)', (SELECT string_agg(format('%s IS NULL', q), ' AND ') FROM unnest(qcols) q));
    WHEN 2 THEN
        RETURN (SELECT format('(%s)', string_agg(format('%s IS NOT NULL', q), ' AND '))
                  FROM unnest(qcols) q WHERE q IS NOT NULL HAVING count(*) > 0);
    WHEN 3 THEN
        RETURN NULL;
    ELSE
    END CASE;
    PERFORM vqc._bad_kwarg(etype, format('unknown ignore_row_if "%s"', mode),
                           CASE WHEN pair THEN 'Use both_values_are_missing, either_value_is_missing or neither.'
                                ELSE 'Use all_values_are_missing, any_value_is_missing or never.' END);
END
$$;

-- A table named by a kwarg: schema-qualified, or else in target's schema.
-- Never looked up through search_path, so a suite run by another role (or
-- by pg_cron) reads the same table.  The caller must be allowed to read it.
CREATE FUNCTION vqc._kw_other_table(target regclass, etype text, kwargs jsonb, key text)
RETURNS regclass
LANGUAGE plpgsql STABLE
AS $$
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
$$;

-- A failing row's values as JSON text {column: value}, for the samples.
CREATE FUNCTION vqc._columns_json_sql(names text[])
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format('pg_catalog.jsonb_build_object(%s)::pg_catalog.text',
                  string_agg(format('%L, %I', c, c), ', ' ORDER BY o))
      FROM unnest(names) WITH ORDINALITY AS x(c, o)
$$;

-- The JSON of one sample of a pair or multicolumn expectation: the values in
-- column order for a pair (GE lists [a, b]), the object {column: value}
-- otherwise; a clipped sample stays its text.
CREATE FUNCTION vqc._columns_sample_value(plan jsonb, s jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
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
$$;

-- The index-list entry of such a sample: its row key and its values.
CREATE FUNCTION vqc._columns_sample_index(plan jsonb, s jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN jsonb_typeof(s -> 'row_key') = 'object' THEN s -> 'row_key' ELSE '{}' END ||
           CASE WHEN coalesce((s ->> 'clipped')::boolean, false) OR s ->> 'value' IS NULL THEN '{}'
                ELSE (s ->> 'value')::jsonb END
$$;

-- ---------------------------------------------------------------------------
-- planning

-- The map tally of a row predicate: counts the kept rows (nonnull item) and
-- tallies those where expected is false (as GE on SQL: NOT expected, so a
-- NULL comparison is not a failure).
CREATE FUNCTION vqc._columns_map_plan(target regclass, pidx integer, names text[], keep text,
                                      expected text, key_columns text[], sample_cap integer, pair boolean)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
        'items', jsonb_build_object(
            'n', 'pg_catalog.count(*)',
            format('t%s', pidx),
            vqc._tally_sql(vqc._columns_json_sql(names), vqc._row_key_sql(target, key_columns), sample_cap,
                           format('%s(%s) IS FALSE', CASE WHEN keep IS NULL THEN '' ELSE keep || ' AND ' END, expected))) ||
                 CASE WHEN keep IS NULL THEN '{}'::jsonb
                      ELSE jsonb_build_object(format('k:%s', md5(keep)), format('pg_catalog.count(*) FILTER (WHERE %s)', keep)) END,
        'tally', format('t%s', pidx),
        'nonnull', CASE WHEN keep IS NULL THEN 'n' ELSE format('k:%s', md5(keep)) END,
        'columns', to_jsonb(names),
        'pair', pair,
        -- the failing rows, for a query that selects them
        'fails_sql', format('%s(%s) IS FALSE', CASE WHEN keep IS NULL THEN '' ELSE keep || ' AND ' END, expected),
        'key_columns', to_jsonb(key_columns))
$$;

-- Plan of the types of this file that do not take the common single-column
-- path of vqc._plan; NULL for any other type.  plan holds type, kwargs and,
-- with a column, column and type_sql.
CREATE FUNCTION vqc._plan_ge_type(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
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
    -- the types GE does not run on SQL (ge_unimpl.sql)
    v := vqc._plan_ge_unimpl(target, plan, pidx, key_columns, sample_cap);
    IF v IS NOT NULL THEN
        RETURN v;
    END IF;
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
    -- a NOT NULL column is never missing: no test of it per row
    keep := vqc._ignore_row_if_sql(etype, kwargs,
                                   ARRAY(SELECT CASE WHEN a.attnotnull THEN NULL ELSE quote_ident(x.c) END
                                           FROM unnest(cols.names) WITH ORDINALITY AS x(c, o)
                                           LEFT JOIN pg_attribute a ON a.attrelid = target AND a.attname::text = x.c
                                          ORDER BY x.o),
                                   etype LIKE 'expect_column_pair_%');

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
$$;

-- One 64-bit word for a combination of values (src/hash_row.c): the hash
-- screen's input for compound uniqueness.
CREATE FUNCTION vqc.hash_row(VARIADIC "any")
RETURNS bigint
AS 'MODULE_PATHNAME', 'vqc_hash_row'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION vqc.hash_row("any") IS
    'A 64-bit word for a combination of values (each hashed by its type''s extended hash, NULLs alike, chained): equal combinations give equal words.';

-- Does a valid, immediate, non-partial unique index make every combination
-- of the columns names unique: one whose key columns are all among them and
-- cannot hold two NULL keys alike (NOT NULL columns, or NULLS NOT DISTINCT)?
CREATE FUNCTION vqc._unique_by_index(target regclass, names text[])
RETURNS boolean
LANGUAGE sql STABLE
AS $$
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
$$;

-- The rows of repeated combinations, as a condition on a row of target (for
-- a query that selects them): by (tableoid, ctid) and a window, so that
-- NULLs group together as in the scan; a view (no ctid) compares with IN,
-- which leaves out combinations holding a NULL.
CREATE FUNCTION vqc._compound_fails_sql(target regclass, names text[], keep text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN (SELECT relkind FROM pg_class WHERE oid = target) IN ('r', 'p', 'm')
                THEN format('(tableoid, ctid) OPERATOR(pg_catalog.=) ANY (SELECT tableoid, ctid FROM (SELECT tableoid, ctid, '
                            'pg_catalog.count(*) OVER (PARTITION BY %1$s) AS c FROM %2$s%3$s) AS w WHERE c OPERATOR(pg_catalog.>) 1)',
                            cols, target, w)
                ELSE format('(%1$s) IN (SELECT %1$s FROM %2$s%3$s GROUP BY %1$s HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)',
                            cols, target, w) END
      FROM (SELECT string_agg(quote_ident(c), ', ' ORDER BY o) AS cols,
                   CASE WHEN keep IS NULL THEN '' ELSE ' WHERE ' || keep END AS w
              FROM unnest(names) WITH ORDINALITY AS x(c, o)) AS parts
$$;

-- Compound uniqueness: the hash screen over the combinations of the kept
-- rows, keyed by a nearly unique integer column when the statistics show
-- one (vqc._compound_screen_key); vqc._compound_repeats reads back the rows
-- of repeated words, or of candidate keys.
CREATE FUNCTION vqc._plan_compound_unique(target regclass, pidx integer, names text[], keep text,
                                          key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT vqc._columns_map_plan(target, pidx, names, keep, 'true', key_columns, sample_cap, false)
           - 'tally' ||
           jsonb_build_object(
               'items', jsonb_build_object(
                   'n', 'pg_catalog.count(*)',
                   format('h%s', pidx),
                   format('vqc.hash_set_duplicates(%s%s, 100000)', vqc._compound_screen_sql(target, names, k.key, k.fingerprints),
                          CASE WHEN keep IS NULL THEN '' ELSE format(' FILTER (WHERE %s)', keep) END)) ||
                        CASE WHEN keep IS NULL THEN '{}'::jsonb
                             ELSE jsonb_build_object(format('k:%s', md5(keep)), format('pg_catalog.count(*) FILTER (WHERE %s)', keep)) END,
               'failures', 'compound_unique',
               'fails_sql', vqc._compound_fails_sql(target, names, keep),
               'hash_words', format('h%s', pidx),
               'screen_key', k.key,
               'keep', keep,
               'row_key_sql', vqc._row_key_sql(target, key_columns),
               'sample_cap', sample_cap,
               'explain_note', CASE WHEN k.key IS NULL
                                    THEN 'a second pass reads the rows whose column values'' hash repeats, only when the hash screen finds a repeat'
                                    WHEN k.fingerprints
                                    THEN format('the hash screen is keyed by column %s (nearly unique by its statistics); a second pass '
                                                'reads the rows of the keys whose other columns'' hashes match, only when there are any',
                                                quote_ident(k.key))
                                    ELSE format('the hash screen is keyed by column %s alone (nearly unique by its statistics; the other '
                                                'columns'' hashes would outgrow vqc.exact_memory_limit); a second pass reads the rows of '
                                                'its repeated values, only when there are any', quote_ident(k.key)) END)
      FROM vqc._compound_screen_key(target, names) AS k
$$;

-- z-scores against the column's own mean and sample stdev: the scan takes
-- them with the min and max (one item, shared by every z-score check of the
-- column).  A value's z-score is monotone in the value, so when neither the
-- min's nor the max's z-score fails, no value does; otherwise one more
-- pass tallies the failing rows.
CREATE FUNCTION vqc._plan_z_scores(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
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
$$;

-- The SQL that a value x (float8) fails the z-score test, given the mean and
-- stdev as SQL: NOT (|z| < |threshold|), or NOT (z < threshold) one-sided.
-- A stdev of 0 or none (fewer than two values) gives no z-scores: nothing fails.
CREATE FUNCTION vqc._z_fails_sql(x text, mean text, sd text, threshold float8, double_sided boolean)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format('(%3$s OPERATOR(pg_catalog.>) 0 AND (%s) IS FALSE)', x, mean, sd,
                  CASE WHEN double_sided
                       THEN format('pg_catalog.abs((%s OPERATOR(pg_catalog.-) %s) OPERATOR(pg_catalog./) %s) '
                                   'OPERATOR(pg_catalog.<) pg_catalog.abs(%L::pg_catalog.float8)', x, mean, sd, threshold)
                       ELSE format('((%s OPERATOR(pg_catalog.-) %s) OPERATOR(pg_catalog./) %s) '
                                   'OPERATOR(pg_catalog.<) %L::pg_catalog.float8', x, mean, sd, threshold) END)
$$;

-- Values of column in other_table.other_column: the other table's distinct
-- values (compared as the column's type) are left-joined to the scan, so a
-- row without a partner is a failure; one hash anti-join, each table read once.
CREATE FUNCTION vqc._plan_in_other_table(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
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
            vqc._tally_sql(format('%s::pg_catalog.text', qcol), vqc._row_key_sql(target, key_columns), sample_cap,
                           format('%s IS NOT NULL AND %I.%I IS NULL', qcol, alias, alias))),
        'tally', format('t%s', pidx),
        'nonnull', format('nn:%s', colname),
        'fails_sql', format('%s IS NOT NULL AND NOT EXISTS (SELECT FROM (SELECT DISTINCT %s AS %I FROM %s) AS %I WHERE %s)',
                            qcol, ovalue, alias, other, alias, cmp),
        'key_columns', to_jsonb(key_columns));
END
$$;

-- Row count against another table's: a scalar subquery of the scan.
CREATE FUNCTION vqc._plan_other_table_count(target regclass, etype text, kwargs jsonb, pidx integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
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
$$;

-- SQL LIKE patterns (single column, the common map path of vqc._plan):
-- the SQL that a value is as expected.
CREATE FUNCTION vqc._like_expected_sql(etype text, kwargs jsonb, p text, qcol text, colname text,
                                       category "char", type_sql text)
RETURNS text
LANGUAGE plpgsql
AS $$
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
        -- vqc.like_match is ~~ compiled once per query (src/like_match.c)
        conds := conds || format('vqc.like_match((%s)::pg_catalog.text, (%s%s))', qcol, p,
                                 CASE WHEN etype LIKE '%_list' THEN format(' OPERATOR(pg_catalog.->) ''like_pattern_list'' OPERATOR(pg_catalog.->>) %s', i)
                                      ELSE ' OPERATOR(pg_catalog.->>) ''like_pattern''' END);
    END LOOP;
    RETURN vqc._pattern_list_sql(etype, kwargs, conds);
END
$$;

-- ---------------------------------------------------------------------------
-- evaluation

-- The result of the plans with an "evaluator" (see vqc._evaluate): a row
-- count against another table's.
CREATE FUNCTION vqc._evaluate_ge_type(target regclass, plan jsonb, vals jsonb, rf jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    element  bigint := (vals ->> 'n')::bigint;
    other    bigint := (vals ->> (plan ->> 'other_item'))::bigint;
BEGIN
    IF plan ->> 'evaluator' <> 'other_table_count' THEN
        RETURN vqc._evaluate_ge_unimpl(target, plan, vals, rf);     -- ge_unimpl.sql: KS, chi-square
    END IF;
    RETURN jsonb_build_object(
        'success', abs(element - other) <= (plan ->> 'tolerance')::numeric * other,
        'result', CASE WHEN rf ->> 'result_format' = 'BOOLEAN_ONLY' THEN '{}'::jsonb
                       ELSE jsonb_build_object('observed_value', jsonb_build_object('self', element, 'other', other)) END,
        'samples', '[]'::jsonb, 'extra_scans', 0);
END
$$;

-- The failing rows of the map plans with "failures" (see vqc._evaluate),
-- and the passes taken to find them.
CREATE FUNCTION vqc._ge_type_failures(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
LANGUAGE plpgsql
AS $$
BEGIN
    IF plan ->> 'failures' = 'z_scores' THEN
        SELECT x.t, x.passes INTO t, passes FROM vqc._z_score_failures(target, plan, vals) x;
    ELSIF plan ->> 'failures' = 'monotone' THEN
        -- increasing / decreasing on a distributed table (monotone_gather.sql)
        SELECT x.t, x.passes INTO t, passes FROM vqc._monotone_failures(plan) x;
    ELSE
        SELECT x.t, x.passes INTO t, passes FROM vqc._compound_repeats(target, plan, vals) x;
    END IF;
END
$$;

-- The failing rows of a z-score check, or NULL without a pass when neither
-- the min nor the max fails (see vqc._plan_z_scores).
CREATE FUNCTION vqc._z_score_failures(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
LANGUAGE plpgsql
AS $$
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
$$;

-- The rows of repeated compound values: none when the screen found no
-- repeated word (or candidate key); else one pass over the rows with those
-- words or keys (every row when the screen overflowed), counting each
-- value's rows.
CREATE FUNCTION vqc._compound_repeats(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
LANGUAGE plpgsql
AS $$
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
    IF dups IS NOT NULL AND plan ->> 'screen_key' IS NOT NULL THEN
        -- a keyed screen: the candidate keys
        conds := conds || format('(%I)::pg_catalog.int8 OPERATOR(pg_catalog.=) ANY ($1)', plan ->> 'screen_key');
    ELSIF dups IS NOT NULL THEN
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
$$;

-- ---------------------------------------------------------------------------
-- unexpected_rows_expectation (vqc.expect only)

-- GE 1.2's unexpected_rows_expectation: the rows of the caller's query
-- (where {batch} stands for the table) are the failures.  It runs as the
-- caller, in vqc.expect only: vqc._plan refuses it in suites.
CREATE FUNCTION vqc._expect_unexpected_rows(target regclass, kwargs jsonb, result_format text)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
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
$$;

-- ---------------------------------------------------------------------------
-- suites reading other tables

-- A run reads a suite's other tables as the caller; the results (counts,
-- the checked table's values missing from the other table) are stored for
-- whoever may read the checked table, the owner among them.  So the suite's
-- owner must be allowed to read them too: else a run by a role with more
-- rights would tell the owner what the other table holds (42501).
CREATE FUNCTION vqc._check_suite_other_tables(s vqc.suite, t regclass, expectations jsonb)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
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
$$;

-- ---------------------------------------------------------------------------
-- vqc.explain: why a check of this file may read the table again

CREATE FUNCTION vqc._explain_notes(plans jsonb[])
RETURNS SETOF text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format('Note: expectation %s (%s): %s.', i, p ->> 'type', p ->> 'explain_note')
      FROM unnest(plans) WITH ORDINALITY AS x(p, i)
     WHERE p ? 'explain_note'
     ORDER BY i
$$;
