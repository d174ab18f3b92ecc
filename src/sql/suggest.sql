-- suggest.sql: a Great Expectations suite proposed from one profile pass.

-- Rules (each suggestion carries its reason in meta):
--   table       row count at least half the rows seen; the columns, in order
--   completeness a column without NULLs must stay so; with few NULLs, `mostly`
--               the observed non-null share rounded down to 2 decimals
--   numbers     values within the observed [min, max]; non-negative when min >= 0
--   categories  text or boolean with at most 20 distinct values, all known
--               exactly: values in that set
--   uniqueness  every non-null value distinct (exactly, or within the HLL error
--               on large columns: then flagged for review)
--   text        character lengths within the observed bounds
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
        IF nonnull >= 2 AND cat <> 'B' AND (
               (exact AND nd = nonnull)
            OR (NOT exact AND nd >= 0.98 * nonnull)) THEN
            out := out || jsonb_build_array(jsonb_build_object(
                'type', 'expect_column_values_to_be_unique',
                'kwargs', jsonb_build_object('column', col),
                'meta', jsonb_build_object('reason',
                    CASE WHEN exact THEN 'every value distinct'
                         ELSE 'about every value distinct (HyperLogLog estimate): review' END)));
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
                                   'note', 'Proposed from one profile pass: review before adding with vqc.add_expectations().'));
END
$$;
COMMENT ON FUNCTION vqc.suggest_expectations(regclass) IS
    'A Great Expectations suite proposed from one profile pass over the table (completeness, ranges, categories, uniqueness, lengths), for review.';
