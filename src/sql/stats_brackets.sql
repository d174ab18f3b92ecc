
-- ---------------------------------------------------------------------
-- stats_brackets.sql: exact quantiles of a big column in the suite's one
-- scan, bracketed by the planner's statistics
-- ---------------------------------------------------------------------
-- When a column may hold more values than one exact collector keeps
-- (vqc._may_overflow), the scan collects, beside its usual collector, only
-- the values inside a bracket [lo, hi] around each wanted quantile, taken
-- from pg_stats (ANALYZE's histogram and most common values), and counts
-- the values below lo.  The rank r falls inside when
-- below <= r < below + inside; then the value at rank r is the
-- (r - below)-th collected value: exact, whatever the statistics said.  A
-- bracket that misses (statistics too far off) or overflows costs the
-- passes of vqc._exact_quantiles_by_passes, as before; the run's `scans`
-- shows them.

-- The non-null values' distribution as ANALYZE saw it: sorted points (the
-- histogram's bounds and the most common values) with the share of the
-- non-null values below each (below) and at or below it (upto); the share
-- of the rows that is not null (nonnull); the sampling error of a share
-- near one half (sigma).  NULL when pg_stats has nothing the caller may
-- read for the column, or its values are not numbers.
CREATE FUNCTION vqc._stats_distribution(target regclass, colname name,
                                        OUT xs float8[], OUT below float8[], OUT upto float8[],
                                        OUT nonnull float8, OUT sigma float8)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    st       record;
    mcv      float8[];
    hist     float8[];
    histpart float8;   -- the share of all rows the histogram describes
    stat_target int;
BEGIN
    -- pg_stats shows a role only the columns it may read; a table with
    -- inheritance children is read with them, as its inherited statistics say
    SELECT s.null_frac, s.most_common_vals::text AS mcv, s.most_common_freqs AS mcf,
           s.histogram_bounds::text AS hist
      INTO st
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname
     WHERE c.oid = target AND s.attname = colname
     ORDER BY s.inherited DESC
     LIMIT 1;
    IF NOT FOUND OR st.null_frac >= 1 THEN
        RETURN;
    END IF;
    BEGIN
        mcv := coalesce(st.mcv::float8[], '{}');
        hist := coalesce(st.hist::float8[], '{}');
    EXCEPTION WHEN data_exception OR invalid_text_representation THEN
        RETURN;
    END;
    -- NaN and the infinities have no place on a line: the finite bounds
    -- describe the rest well enough for a bracket
    hist := ARRAY(SELECT h FROM unnest(hist) h WHERE h NOT IN ('NaN', 'Infinity', '-Infinity'));
    IF cardinality(hist) = 1 OR (cardinality(hist) = 0 AND cardinality(mcv) = 0) THEN
        RETURN;
    END IF;
    nonnull := 1 - st.null_frac;
    histpart := greatest(nonnull - coalesce((SELECT sum(f) FROM unnest(st.mcf) f), 0), 0);
    -- each point: the most common values' mass below and at it, plus the
    -- histogram's part up to it
    WITH pts AS (
        SELECT x, sum(f) AS mass FROM (
            SELECT m.x, m.f FROM unnest(mcv, st.mcf) m(x, f)
            UNION ALL
            SELECT h.x, 0 FROM unnest(hist) h(x)) p
         WHERE x NOT IN ('NaN', 'Infinity', '-Infinity')
         GROUP BY x),
    cum AS (
        SELECT x, mass,
               coalesce(sum(mass) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS mcv_below,
               vqc._hist_fraction(hist, x) AS h
          FROM pts)
    SELECT array_agg(x ORDER BY x),
           array_agg(least((mcv_below + histpart * h) / nonnull, 1) ORDER BY x),
           array_agg(least((mcv_below + mass + histpart * h) / nonnull, 1) ORDER BY x)
      INTO xs, below, upto
      FROM cum;
    -- ANALYZE samples 300 rows per unit of the column's statistics target
    SELECT coalesce(nullif(a.attstattarget, -1), pg_catalog.current_setting('default_statistics_target')::int)
      INTO stat_target
      FROM pg_catalog.pg_attribute a WHERE a.attrelid = target AND a.attname = colname;
    sigma := sqrt(0.25 / greatest(300.0 * stat_target, 1));
END
$$;

-- The share of a histogram's values below x (bounds hist, each bin the
-- same share; linear inside a bin).
CREATE FUNCTION vqc._hist_fraction(hist float8[], x float8)
RETURNS float8
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN b < 2 OR i = 0 THEN 0
                WHEN i >= b THEN 1
                ELSE (i - 1 + coalesce((x - hist[i]) / nullif(hist[i + 1] - hist[i], 0), 0)) / (b - 1) END
      FROM (SELECT cardinality(hist) AS b, width_bucket(x, hist) AS i) s
$$;

-- The smallest value x of the distribution with at least fraction p of the
-- values at or below it (linear between points); -Infinity below the
-- first point's share, Infinity past 1.
CREATE FUNCTION vqc._stats_inverse(xs float8[], below float8[], upto float8[], p float8)
RETURNS float8
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN p <= 0 THEN '-Infinity'::float8
                WHEN p >= 1 OR p > upto[cardinality(upto)] THEN 'Infinity'::float8
                ELSE (SELECT CASE WHEN i = 1 OR p >= below[i] THEN xs[i]
                                  -- between point i - 1 and i the share rises linearly
                                  ELSE xs[i - 1] + (xs[i] - xs[i - 1]) * (p - upto[i - 1]) / nullif(below[i] - upto[i - 1], 0) END
                        FROM generate_series(1, cardinality(xs)) i
                       WHERE upto[i] >= p
                       ORDER BY i LIMIT 1) END
$$;

-- For each quantile q, a bracket {"lo", "hi"} of the non-null values
-- around it, from the column's statistics: q's share plus and minus a
-- margin of ten times ANALYZE's sampling error, or less to keep the brackets
-- of all quantiles together within 70 % of one collector
-- (vqc._exact_fit()) for the rows the table has now; with no single value
-- inside heavier than a quarter of the margin.  NULL when the statistics cannot give that (none, or a margin
-- under four times ANALYZE's sampling error: a table too big for the
-- collector); the caller then brackets by a profile taken in the scan
-- instead.  Statistics that are out of date cost passes, not exactness.
CREATE FUNCTION vqc._stats_brackets(target regclass, colname name, qs float8[])
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    d       record;
    rows    float8;
    margin  float8;
    lo      float8;
    hi      float8;
    q       float8;
    out     jsonb := '[]';
BEGIN
    -- rows inserted since the last ANALYZE count too
    SELECT greatest(c.reltuples, s.n_live_tup) INTO rows
      FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
     WHERE c.oid = target;
    IF rows IS NULL OR rows <= 0 THEN
        RETURN NULL;
    END IF;
    SELECT * INTO d FROM vqc._stats_distribution(target, colname);
    IF d.xs IS NULL THEN
        RETURN NULL;
    END IF;
    -- ten times the sampling error is wide enough: a bracket holds no more
    -- values than it must
    margin := least(0.7 * vqc._exact_fit() / (rows * d.nonnull) / cardinality(qs) / 2, 10 * d.sigma);
    IF margin < 4 * d.sigma THEN
        RETURN NULL;
    END IF;
    FOREACH q IN ARRAY qs LOOP
        lo := vqc._stats_inverse(d.xs, d.below, d.upto, q - margin);
        hi := vqc._stats_inverse(d.xs, d.below, d.upto, q + margin);
        IF (SELECT max(d.upto[i] - d.below[i]) FROM generate_series(1, cardinality(d.xs)) i
             WHERE d.xs[i] BETWEEN lo AND hi) > margin / 4 THEN
            RETURN NULL;
        END IF;
        out := out || jsonb_build_object('lo', lo, 'hi', hi);
    END LOOP;
    RETURN out;
END
$$;

-- SQL, for the scan's select list, of the value at 0-based rank rank_sql
-- (an expression over the scan's aggregates) among the values of
-- value_sql (float8 or numeric), from the bracket's collector; NULL when
-- the rank falls outside the bracket or the collector overflowed.
CREATE FUNCTION vqc._bracketed_rank_sql(value_sql text, bracket jsonb, rank_sql text)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format('vqc.exact_kth(vqc.exact_quantile_agg(%1$s) FILTER (WHERE (%1$s)::pg_catalog.float8 OPERATOR(pg_catalog.>=) %2$L::pg_catalog.float8 '
                  'AND (%1$s)::pg_catalog.float8 OPERATOR(pg_catalog.<=) %3$L::pg_catalog.float8), '
                  '(%4$s) OPERATOR(pg_catalog.-) pg_catalog.count(*) FILTER (WHERE (%1$s)::pg_catalog.float8 OPERATOR(pg_catalog.<) %2$L::pg_catalog.float8))',
                  value_sql, bracket ->> 'lo', bracket ->> 'hi', rank_sql)
$$;

-- SQL of the 0-based rank percentile_cont (disc: percentile_disc) reads for
-- q among the n values counted by count_sql; second: the upper of
-- percentile_cont's two rows.
CREATE FUNCTION vqc._rank_sql(count_sql text, q float8, disc boolean, second boolean)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN disc THEN format('GREATEST(pg_catalog.ceil(%L::pg_catalog.float8 OPERATOR(pg_catalog.*) %s)::pg_catalog.int8, 1) OPERATOR(pg_catalog.-) 1',
                                      q, count_sql)
                ELSE format('pg_catalog.%s(%L::pg_catalog.float8 OPERATOR(pg_catalog.*) (%s OPERATOR(pg_catalog.-) 1))::pg_catalog.int8',
                            CASE WHEN second THEN 'ceil' ELSE 'floor' END, q, count_sql) END
$$;

-- The items an exact quantile check adds to the scan, in one of two ways.
-- On a table of a million rows or more, or one that may outgrow the
-- collector, whose statistics bracket every wanted quantile: the count of
-- non-null values and, per quantile, the values at its ranks from the
-- brackets' filtered collectors ("bracket_items": one [item of the lower
-- rank, item of the upper rank] per q); collecting the whole column would
-- cost more and prove nothing more.  Otherwise the caller's collector
-- (vqc.exact_quantile_agg(qarg), whose answers the caller adds) with its
-- count and overflow flag, and, when the table may outgrow it, a profile of
-- the column ("sketch_item") to bracket one more pass.  Returns {"items",
-- "count_item", "overflow_item" or "bracket_items", "sketch_item"}; the
-- item names end in suffix, the brackets' in bracket_suffix (they depend on
-- the quantiles).
CREATE FUNCTION vqc._exact_quantile_items(target regclass, colname name, qarg text, qs float8[], disc boolean,
                                          suffix text, bracket_suffix text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    count_sql text := format('vqc.exact_quantile_count(vqc.exact_quantile_agg(%s))', qarg);
    overflow  boolean := vqc._may_overflow(target);
    brackets  jsonb;
    items     jsonb := '{}';
    pairs     jsonb := '[]';
    i         int;
    first     text;
    second    text;
BEGIN
    IF overflow OR (SELECT c.reltuples >= 1e6 FROM pg_catalog.pg_class c WHERE c.oid = target) THEN
        brackets := vqc._stats_brackets(target, colname, qs);
    END IF;
    IF brackets IS NULL THEN
        RETURN jsonb_build_object(
            'items', jsonb_build_object('o' || suffix, format('vqc.exact_quantile_overflowed(vqc.exact_quantile_agg(%s))', qarg),
                                        'c' || suffix, count_sql)
                     || CASE WHEN overflow THEN jsonb_build_object('k' || suffix, format('vqc.profile_agg(%s)', qarg)) ELSE '{}' END,
            'overflow_item', 'o' || suffix, 'count_item', 'c' || suffix,
            'sketch_item', CASE WHEN overflow THEN 'k' || suffix END);
    END IF;
    count_sql := format('pg_catalog.count(%s)', qarg);
    FOR i IN 1 .. cardinality(qs) LOOP
        first := format('r%s_%s', bracket_suffix, i);
        second := CASE WHEN disc THEN first ELSE format('R%s_%s', bracket_suffix, i) END;
        items := items
                 || jsonb_build_object(first, vqc._bracketed_rank_sql(qarg, brackets -> (i - 1), vqc._rank_sql(count_sql, qs[i], disc, false)))
                 || jsonb_build_object(second, vqc._bracketed_rank_sql(qarg, brackets -> (i - 1), vqc._rank_sql(count_sql, qs[i], disc, NOT disc)));
        pairs := pairs || jsonb_build_array(jsonb_build_array(first, second));
    END LOOP;
    RETURN jsonb_build_object('items', items || jsonb_build_object('n' || suffix, count_sql),
                              'count_item', 'n' || suffix, 'bracket_items', pairs);
END
$$;

-- percentile_cont(q) (disc: percentile_disc(q)) for each q of qs when the
-- scan's collector overflowed or the scan bracketed them instead: from the
-- scan's brackets when every wanted rank fell inside them (no pass), else
-- by vqc._exact_quantiles_by_passes (with the scan's profile when it took
-- one).  plan is what
-- vqc._exact_quantile_items returned, vals the scan's values.
CREATE FUNCTION vqc._overflowed_quantiles(target regclass, qarg text, qs float8[], disc boolean,
                                          plan jsonb, vals jsonb, OUT quantiles float8[], OUT passes integer)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    n bigint := (vals ->> (plan ->> 'count_item'))::bigint;
BEGIN
    IF plan ? 'bracket_items' AND n > 0 THEN
        quantiles := ARRAY(SELECT CASE WHEN disc THEN (vals ->> (p ->> 0))::float8
                                       ELSE vqc.quantile_interpolate((vals ->> (p ->> 0))::float8,
                                                                     (vals ->> (p ->> 1))::float8, qs[o::int], n) END
                             FROM jsonb_array_elements(plan -> 'bracket_items') WITH ORDINALITY b(p, o)
                            ORDER BY o);
        passes := 0;
        IF array_position(quantiles, NULL) IS NULL THEN
            RETURN;
        END IF;
    END IF;
    SELECT x.vals, x.passes INTO quantiles, passes
      FROM vqc._exact_quantiles_by_passes(target, qarg, qs, n, disc, (vals ->> (plan ->> 'sketch_item'))::vqc.profile) x;
END
$$;
