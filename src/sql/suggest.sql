-- suggest.sql: a Great Expectations suite proposed from one profile pass.

-- Rules (each suggestion carries its reason in meta):
--   table       row count at least half the rows seen; the columns, in order
--   completeness a column without NULLs must stay so; with few NULLs, `mostly`
--               the observed non-null share rounded down to 2 decimals
--   numbers     values within the observed [min, max]; non-negative when min >= 0
--   categories  text or boolean with at most 20 distinct values, all known
--               exactly: values in that set
--   uniqueness  every non-null value distinct, exactly: an exact profile
--               counts them; on sketches, columns whose HyperLogLog estimate
--               comes near it are checked by vqc._unique_columns (one more scan)
--   text        character lengths within the observed bounds

-- Which of columns hold only distinct non-null values, exactly.  A unique
-- index says so without reading; the other columns share one hash_set screen
-- (the runner's uniqueness check): no repeated word proves them distinct;
-- integers are their own words, so a repeat is a repeated value; other
-- types' repeated words are settled by reading just the rows with those
-- words; a screen that outgrew vqc.exact_memory_limit gives a GROUP BY pass.
CREATE FUNCTION vqc._unique_columns(target regclass, columns text[])
RETURNS text[]
LANGUAGE plpgsql
AS $$
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
            -- SELECT 1, not SELECT: Citus reads such a subquery of a
            -- distributed table through an intermediate result, which
            -- needs a column
            EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %2$s WHERE vqc.hash_value(%1$I) OPERATOR(pg_catalog.=) ANY ($1) '
                           'GROUP BY %1$I HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)', col, target)
                INTO distinct_values
                USING ARRAY(SELECT words[j][1] FROM generate_subscripts(words, 1) AS j);
        ELSE
            EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %2$s WHERE %1$I IS NOT NULL '
                           'GROUP BY %1$I HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1)', col, target)
                INTO distinct_values;
        END IF;
        IF distinct_values THEN
            out := out || col;
        END IF;
    END LOOP;
    RETURN out;
END
$$;

CREATE FUNCTION vqc.suggest_expectations(target regclass)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
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
$$;
COMMENT ON FUNCTION vqc.suggest_expectations(regclass) IS
    'A Great Expectations suite proposed from one profile pass over the table (completeness, ranges, categories, exact uniqueness, lengths), for review.';
