-- compound_screen.sql: which hash screen a compound uniqueness check takes
-- (vqc._plan_compound_unique, ge_types.sql).

-- The hash screen's input for a combination of columns: vqc.hash_row of
-- them, a bigint the screen stores as itself.
CREATE FUNCTION vqc._compound_word_sql(names text[])
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format('vqc.hash_row(%s)', string_agg(format('%I', c), ', ' ORDER BY o))
      FROM unnest(names) WITH ORDINALITY AS x(c, o)
$$;

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

-- A uniqueness check of a column that also keys the compound screen of
-- another check of the same scan reads its repeats from that screen
-- (vqc.hash_set_key_duplicates: the keyed state holds each key once in its
-- bitmap and every further row in its repeats, all that the column's own
-- screen would hold), so the column is screened once.  Only the shared
-- scan's items change: a check scanned alone keeps its own screen.
CREATE FUNCTION vqc._share_key_screens(INOUT plans jsonb[], INOUT items jsonb)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    i      integer;
    j      integer;
    own    text;
    keyed  text;
    prefix text;
BEGIN
    FOR i IN 1 .. coalesce(cardinality(plans), 0) LOOP
        CONTINUE WHEN plans[i] IS NULL OR plans[i] ->> 'type' IS DISTINCT FROM 'expect_column_values_to_be_unique'
                      OR NOT plans[i] ? 'hash_item';
        own := format('vqc.hash_set_duplicates(vqc.hash_set_agg(%I), 100000)', plans[i] ->> 'column');
        CONTINUE WHEN items ->> (plans[i] ->> 'hash_item') IS DISTINCT FROM own;
        prefix := format('vqc.hash_set_duplicates(vqc.hash_set_agg(%I, ', plans[i] ->> 'column');
        FOR j IN 1 .. cardinality(plans) LOOP
            keyed := items ->> (plans[j] ->> 'hash_words');
            IF plans[j] ->> 'screen_key' = plans[i] ->> 'column' AND plans[j] ->> 'keep' IS NULL
               AND starts_with(keyed, prefix) AND right(keyed, 9) = ', 100000)' THEN
                items := jsonb_set(items, ARRAY[plans[i] ->> 'hash_item'],
                                   to_jsonb('vqc.hash_set_key_duplicates(' || substr(keyed, length('vqc.hash_set_duplicates(') + 1)));
                plans[i] := plans[i] || jsonb_build_object('explain_note', concat_ws('; ', plans[i] ->> 'explain_note',
                    format('the repeats of column %s are read from the compound screen of expectation %s, which is keyed by it',
                           quote_ident(plans[i] ->> 'column'), j)));
                EXIT;
            END IF;
        END LOOP;
    END LOOP;
END
$$;
