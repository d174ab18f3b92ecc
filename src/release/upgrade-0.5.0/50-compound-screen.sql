-- ------------------------------------------------------------------------
-- compound-screen: the keyed hash screen of compound uniqueness (issue #11's
-- speed target).  vqc.hash_set_agg(key, rest) keeps a bitmap over a nearly
-- unique integer column's range with a 16-bit fingerprint of the other
-- columns per key (src/hash_set_keyed.c); the planner takes it when the
-- statistics show such a column (vqc._compound_screen_key), and the second
-- pass reads the rows of the candidate keys.  vqc._compound_word_sql moved
-- to src/sql/compound_screen.sql unchanged.  And LIKE (ibid.): the LIKE
-- expectations match through vqc.like_match (src/like_match.c).  And
-- ignore_row_if tests no NOT NULL column per row, and a row_condition is
-- tested after the check's own failure test.
-- ------------------------------------------------------------------------

-- The LIKE expectations match through vqc.like_match (src/like_match.c):
-- text ~~ text exactly, with the pattern compiled once per query.
CREATE FUNCTION vqc.like_match(value text, pattern text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'vqc_like_match'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION vqc.like_match(text, text) IS
    'value LIKE pattern, exactly as text ~~ text (the same answers and errors, escape character \), faster on patterns of literals and %: such a pattern is compiled once per query.';

-- not strict: a row whose key is NULL overflows the state instead of
-- going unseen
CREATE FUNCTION vqc.hash_set_keyed_transfn(vqc.hash_set_state, anyelement, bigint)
RETURNS vqc.hash_set_state
AS 'MODULE_PATHNAME', 'vqc_hash_set_keyed_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE vqc.hash_set_agg(key anyelement, rest bigint) (
    SFUNC = vqc.hash_set_keyed_transfn,
    STYPE = vqc.hash_set_state,
    COMBINEFUNC = vqc.hash_set_combinefn,
    INITCOND = '565143480001000000000000000000000000000000000000',
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE vqc.hash_set_agg(anyelement, bigint) IS
    'The hash screen of combinations keyed by an integer column (smallint, integer or bigint) with few repeats over a narrow range: a bitmap over the keys'' range with a 16-bit fingerprint of rest (vqc.hash_row of the other columns) per key; vqc.hash_set_duplicates returns the keys whose rows share a fingerprint.';

SET check_function_bodies = false;

-- The column that may key the screen of a combination of columns names
-- (src/hash_set_keyed.c), and whether its fingerprints fit: the first of
-- them that is a NOT NULL smallint, integer or bigint whose statistics say
-- it is nearly unique (at least half its rows distinct) over a range narrow
-- enough that a bitmap over it takes less memory than a word per row and
-- fits in half of vqc.exact_memory_limit; one whose 17 bits per value of
-- the range (bitmap and fingerprints) fit as well comes first.  Key NULL
-- (screen the combination words) for a single column, or when no column
-- qualifies or has statistics: the choice decides the screen's memory and
-- time, never its answer (a key that repeats more than its statistics said
-- only makes more candidates, or overflows the screen into a pass over
-- every row).
CREATE FUNCTION vqc._compound_screen_key(target regclass, names text[], OUT key text, OUT fingerprints boolean)
LANGUAGE sql STABLE
AS $$
    -- materialized: the histogram is read as bigint[] only for these columns
    WITH cand AS MATERIALIZED (
        SELECT a.attname::text AS attname, x.o, cl.reltuples,
               CASE WHEN s.n_distinct < 0 THEN -s.n_distinct
                    ELSE s.n_distinct / greatest(cl.reltuples, 1) END AS distinct_share,
               s.histogram_bounds::text AS hist
          FROM unnest(names) WITH ORDINALITY AS x(c, o)
          JOIN pg_catalog.pg_class cl ON cl.oid = target
          JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
          JOIN pg_catalog.pg_attribute a ON a.attrelid = target AND a.attname::text = x.c
          JOIN pg_catalog.pg_stats s
            ON s.schemaname = n.nspname AND s.tablename = cl.relname AND s.attname = a.attname
               AND NOT s.inherited
         WHERE pg_catalog.cardinality(names) > 1 AND a.attnotnull AND cl.reltuples > 0
           AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,
                              'pg_catalog.int8'::pg_catalog.regtype))
    SELECT c.attname, w.words * 17 <= least(c.reltuples, vqc._exact_fit() / 2)
      FROM cand c,
           LATERAL (SELECT c.hist::pg_catalog.int8[] AS h) AS b,
           LATERAL (SELECT (b.h[pg_catalog.cardinality(b.h)]::numeric - b.h[1] + 1) / 64 AS words) AS w
     WHERE c.distinct_share >= 0.5 AND pg_catalog.cardinality(b.h) >= 2
       AND w.words <= least(c.reltuples, vqc._exact_fit() / 2)
     ORDER BY w.words * 17 <= least(c.reltuples, vqc._exact_fit() / 2) DESC, c.o
     LIMIT 1
$$;

-- The hash screen's aggregate over the combinations of names of target:
-- keyed by key (vqc._compound_screen_key) when there is one, with
-- vqc.hash_row of the other columns, or one other NOT NULL integer column
-- itself, as fingerprints when they fit, else the key's values alone (the
-- bitmap of integers: the candidates are the repeated values); else over
-- the combination words.
CREATE FUNCTION vqc._compound_screen_sql(target regclass, names text[], key text, fingerprints boolean)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN key IS NULL THEN format('vqc.hash_set_agg(%s)', vqc._compound_word_sql(names))
                WHEN NOT fingerprints THEN format('vqc.hash_set_agg(%I)', key)
                WHEN pg_catalog.cardinality(others) = 1 AND
                     (SELECT a.attnotnull AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype,
                                 'pg_catalog.int4'::pg_catalog.regtype, 'pg_catalog.int8'::pg_catalog.regtype)
                        FROM pg_catalog.pg_attribute a
                       WHERE a.attrelid = target AND a.attname::text = others[1])
                THEN format('vqc.hash_set_agg(%I, (%I)::pg_catalog.int8)', key, others[1])
                ELSE format('vqc.hash_set_agg(%I, %s)', key, vqc._compound_word_sql(others)) END
      FROM (SELECT array_remove(names, key) AS others) AS o
$$;

-- Compound uniqueness: the hash screen over the combinations of the kept
-- rows, keyed by a nearly unique integer column when the statistics show
-- one (vqc._compound_screen_key); vqc._compound_repeats reads back the rows
-- of repeated words, or of candidate keys.
CREATE OR REPLACE FUNCTION vqc._plan_compound_unique(target regclass, pidx integer, names text[], keep text,
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

-- The rows of repeated compound values: none when the screen found no
-- repeated word (or candidate key); else one pass over the rows with those
-- words or keys (every row when the screen overflowed), counting each
-- value's rows.
CREATE OR REPLACE FUNCTION vqc._compound_repeats(target regclass, plan jsonb, vals jsonb, OUT t vqc.tally, OUT passes integer)
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

-- SQL LIKE patterns (single column, the common map path of vqc._plan):
-- the SQL that a value is as expected.
CREATE OR REPLACE FUNCTION vqc._like_expected_sql(etype text, kwargs jsonb, p text, qcol text, colname text,
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

-- ignore_row_if: a NOT NULL column is never missing (no test of it per row)
-- ignore_row_if: the SQL that keeps a row (NULL: every row is kept).
-- Pairs: both_values_are_missing (default), either_value_is_missing,
-- neither; lists: all_values_are_missing (default), any_value_is_missing, never.
-- qcols holds NULL in place of a NOT NULL column: one that is never missing
-- (so no row is all missing), and that is left out of the test per row.
CREATE OR REPLACE FUNCTION vqc._ignore_row_if_sql(etype text, kwargs jsonb, qcols text[], pair boolean)
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

-- Plan of the types of this file that do not take the common single-column
-- path of vqc._plan; NULL for any other type.  plan holds type, kwargs and,
-- with a column, column and type_sql.
CREATE OR REPLACE FUNCTION vqc._plan_ge_type(target regclass, plan jsonb, pidx integer, key_columns text[], sample_cap integer)
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

-- a row_condition is tested last in the failures' filter
-- vqc._plan for an expectation with a row_condition: the plan without it,
-- whose items then count only the rows the condition holds for, under names
-- of their own (so that a conditioned count(*) never merges with the plain
-- one), so that the suite stays one scan:
--   map (counted by a tally): count(*), count(column) and the tally's
--     failing rows take FILTER (WHERE <condition>);
--   table row count: count(*) FILTER (WHERE <condition>);
--   aggregates (mean, stdev, sum, min, max): over
--     CASE WHEN <condition> THEN column END, which they skip when NULL.
-- Others (uniqueness, median, statistics, whose exact second passes read
-- the table again) are refused: 0A000.  Each rewrite first checks that the
-- item is what vqc._plan writes, so a change there is refused, never
-- miscounted.
CREATE OR REPLACE FUNCTION vqc._plan_row_condition(target regclass, etype text, kwargs jsonb, pidx integer,
                                        key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    cond    text := vqc._kw_row_condition(target, etype, kwargs);
    plan    jsonb := vqc._plan(target, etype, kwargs - 'row_condition' - 'condition_parser', pidx, key_columns, sample_cap);
    kind    text := plan ->> 'kind';
    suffix  text;
    fails   text := plan ->> 'fails_sql';
    qcol    text := quote_ident(plan ->> 'column');
    items   jsonb := '{}';
    k       text;
    v       text;
    w       text;
    renamed jsonb := '{}';
BEGIN
    plan := plan || jsonb_build_object('kwargs', kwargs);
    IF cond IS NULL THEN
        RETURN plan;
    END IF;
    suffix := '?' || left(md5(cond), 12);
    FOR k, v IN SELECT key, value #>> '{}' FROM jsonb_each(coalesce(plan -> 'items', '{}')) LOOP
        w := NULL;
        IF kind = 'map' AND k = plan ->> 'tally' AND fails IS NOT NULL
           AND right(v, length(fails) + 8) = format('(WHERE %s)', fails) THEN
            -- the condition last: tested only on the rows that fail
            w := left(v, length(v) - length(fails) - 1) || format('%s AND (%s))', fails, cond);
        ELSIF kind IN ('map', 'table') AND k = 'n' AND v = 'pg_catalog.count(*)'
              OR kind = 'map' AND k = format('nn:%s', plan ->> 'column') AND v = format('pg_catalog.count(%s)', qcol) THEN
            w := format('%s FILTER (WHERE %s)', v, cond);
        ELSIF kind = 'aggregate' AND k = plan ->> 'value_item'
              AND v = vqc._row_condition_aggregate_sql(etype, plan ->> 'type_sql', qcol) THEN
            w := vqc._row_condition_aggregate_sql(etype, plan ->> 'type_sql', format('(CASE WHEN %s THEN %s END)', cond, qcol));
        END IF;
        IF w IS NULL THEN
            RAISE EXCEPTION '% does not take a row_condition', etype
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'row_condition applies to map expectations but uniqueness, to the row count, and to mean, stdev, sum, min and max.';
        END IF;
        items := items || jsonb_build_object(k || suffix, w);
        renamed := renamed || jsonb_build_object(k, k || suffix);
    END LOOP;
    IF kind = 'map' AND (fails IS NULL OR NOT renamed ? (plan ->> 'tally')) OR items = '{}' THEN
        RAISE EXCEPTION '% does not take a row_condition', etype
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'row_condition applies to map expectations but uniqueness, to the row count, and to mean, stdev, sum, min and max.';
    END IF;
    RETURN plan || jsonb_strip_nulls(jsonb_build_object(
        'items', items,
        'tally', renamed ->> (plan ->> 'tally'),
        'nonnull', renamed ->> (plan ->> 'nonnull'),
        'value_item', renamed ->> (plan ->> 'value_item'),
        'element_item', CASE WHEN kind = 'map' THEN renamed ->> 'n' END,
        'row_condition_sql', cond,
        'fails_sql', CASE WHEN fails IS NOT NULL THEN format('(%s) AND %s', cond, fails) END));
END
$$;

RESET check_function_bodies;
