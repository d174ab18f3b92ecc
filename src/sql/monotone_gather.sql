
-- ---------------------------------------------------------------------
-- monotone_gather.sql: increasing / decreasing on a Citus distributed
-- table (issue #15), a pass of its own (see vqc._plan_monotone)
-- ---------------------------------------------------------------------
-- What can be computed where.  A failing row is one whose value is not
-- above (below) the previous non-null value in ONE order of all the rows.
-- Hash distribution interleaves the shards in any such order: the row
-- before a shard's row may sit on any other shard, so no bounded partial
-- state per shard decides a row (unlike the scan's aggregates, whose states
-- combine).  Per-shard boundary values (first and last value, plus the
-- shard's own failures) would suffice only if each shard held a contiguous
-- range of the order: range or append distribution on the order column.
-- That case is not handled: Citus 13 creates hash-distributed tables only
-- (range and append are legacy, kept for old clusters), the order column is
-- the row key rather than the distribution column in general, and a shard's
-- range would have to be proved against the order at every run.  So the
-- order key and the value meet in one place: the coordinator gathers those
-- columns only, runs the window there and tallies the failing rows in key
-- order.  The rest of the suite stays in its shared scan, which counts the
-- rows and non-null values as for any map check.
-- What Citus 13.2.2 does with it (seen in its plans): a window without
-- PARTITION BY the distribution column, directly over the table, runs (a
-- WindowAgg on the coordinator over the shards' rows), but the shards then
-- compute the window's select list: the value twice (as value and lag
-- argument), casts and row keys under the workers' settings.  A subquery of
-- its own (OFFSET 0; a MATERIALIZED CTE plans the same) is an intermediate
-- result whose shard tasks are exactly SELECT <key>, <value> FROM <shard>
-- WHERE <value> IS NOT NULL; the window over it is a second intermediate
-- result on the coordinator, read by the tally.

-- The SQL of the check on a distributed table: "pass_sql", the tally of
-- the failing rows (their samples in row order), and "fails_sql", the
-- predicate of the failing rows (unexpected_index_query), whose subquery
-- ends in OFFSET 0 so that Citus sends the workers the failing keys only,
-- not every row's window.  ord: the order columns (quoted); v_sql: the value
-- compared, over the gathered column; cmp: that vqc_v is as expected against
-- vqc_p.  The value's text, the cast of parse_strings_as_datetimes and the
-- row key are computed on the coordinator, as on one node (their text
-- follows the session's settings, which the workers' connections need not
-- share), but for a key of the row's place (shard, ctid), which only the
-- worker knows.
CREATE FUNCTION vqc._monotone_gather_sql(target regclass, colname text, ord text[], v_sql text, cmp text,
                                         key_columns text[], sample_cap integer)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    cols     text[] := ord;
    gathered text[];
    key_sql  text := vqc._row_key_sql(target, key_columns);
    ordered  text := array_to_string(ord, ', ');
    windowed text;
BEGIN
    IF NOT quote_ident(colname) = ANY (ord) THEN
        cols := cols || quote_ident(colname);
    END IF;
    gathered := cols;
    IF coalesce(cardinality(key_columns), 0) = 0 THEN
        gathered := gathered || format('%s AS vqc_k', key_sql);
        cols := cols || 'vqc_k'::text;
        key_sql := 'vqc_k';
    END IF;
    windowed := format('(SELECT %1$s, %2$s AS vqc_v, pg_catalog.lag(%2$s) OVER (ORDER BY %3$s) AS vqc_p '
                       'FROM (SELECT %4$s FROM %5$s WHERE %6$I IS NOT NULL OFFSET 0) AS vqc_g) AS vqc_m '
                       'WHERE vqc_p IS NOT NULL AND (%7$s) IS NOT TRUE',
                       array_to_string(cols, ', '), v_sql, ordered, array_to_string(gathered, ', '), target, colname, cmp);
    RETURN jsonb_build_object(
        'pass_sql', format('SELECT vqc.tally(%I::pg_catalog.text, %s, %s ORDER BY %s) FROM %s',
                           colname, key_sql, sample_cap, ordered, windowed),
        'fails_sql', format('(%1$s) IN (SELECT %1$s FROM %2$s OFFSET 0)', ordered, windowed));
END
$$;

-- The failing rows of a gathered plan (vqc._ge_type_failures): one pass.
CREATE FUNCTION vqc._monotone_failures(plan jsonb, OUT t vqc.tally, OUT passes integer)
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE plan ->> 'pass_sql' INTO t;
    passes := 1;
END
$$;
