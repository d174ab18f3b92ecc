
-- ---------------------------------------------------------------------
-- html.sql: pages people look at, rendered in SQL
-- ---------------------------------------------------------------------
-- vqc.report_html(run_id), vqc.suite_html(suite) and vqc.drift_html(
-- drift_run_id) return one standalone HTML page each: no script, no
-- external stylesheet, font or image (a Content-Security-Policy forbids
-- them), charts as inline SVG.  The pages read vqc_report as the caller,
-- so they show what the caller may read and nothing more: row-level
-- security hides failing samples, observed values and profiles of tables
-- the caller may not SELECT, exactly as in the views.  Every text that
-- comes from a table, a suite, a kwarg or a note goes through
-- vqc.html_escape (and is clipped to a length a page can show).

-- Text made safe to place in HTML, in an element or a quoted attribute:
-- & < > " ' become entities, control characters (other than tab and line
-- breaks) the replacement character.
CREATE FUNCTION vqc.html_escape(s text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT replace(replace(replace(replace(replace(
               regexp_replace(s, '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]', U&'\FFFD', 'g'),
               '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')
$$;
COMMENT ON FUNCTION vqc.html_escape(text) IS
    'The text with & < > " '' as HTML entities and control characters replaced: safe inside an element or a quoted attribute.';

-- A text for a page: clipped to max_chars characters (with an ellipsis)
-- and escaped; an em dash for NULL.
CREATE FUNCTION vqc._html_text(s text, max_chars integer DEFAULT 300)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN s IS NULL THEN '&#8212;'
                WHEN length(s) > max_chars THEN vqc.html_escape(left(s, max_chars)) || '&#8230;'
                ELSE vqc.html_escape(s) END
$$;

-- A number for a page: thousands apart, six decimals at most, very large
-- and very small ones in scientific notation.
CREATE FUNCTION vqc._html_num(x double precision)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN x IS NULL THEN '&#8212;'
                WHEN x IN ('NaN', 'Infinity', '-Infinity') THEN x::text
                WHEN x = trunc(x) AND abs(x) < 1e15 THEN to_char(x::numeric, 'FM999,999,999,999,990')
                WHEN abs(x) >= 1e12 OR abs(x) < 1e-6 THEN trim(to_char(x, '9.99999EEEE'))
                ELSE rtrim(to_char(round(x::numeric, 6), 'FM999,999,999,990.999999'), '.') END
$$;

-- The page around a body: the stylesheet, and a policy that forbids any
-- script, remote resource or form (defence in depth: the body escapes
-- everything already).
CREATE FUNCTION vqc._html_page(title text, body text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT '<!DOCTYPE html>' || E'\n'
        || '<html lang="en"><head><meta charset="utf-8">'
        || '<meta http-equiv="Content-Security-Policy" content="default-src ''none''; style-src ''unsafe-inline''; img-src data:; form-action ''none''; base-uri ''none''">'
        || '<meta name="viewport" content="width=device-width, initial-scale=1">'
        || '<meta name="generator" content="vqc">'
        || '<title>' || vqc._html_text(title, 200) || '</title><style>'
        || 'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2430;margin:0;background:#f6f7f9}'
        || 'main{max-width:1180px;margin:0 auto;padding:24px}h1{font-size:22px;margin:0 0 4px}'
        || 'h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #d8dde5;padding-bottom:4px}'
        || 'h3{font-size:14px;margin:0 0 6px}.muted{color:#5d6778}'
        || 'table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #e1e5eb;padding:5px 8px;text-align:left;vertical-align:top}'
        || 'th{background:#eef1f5;font-weight:600}.kv th{width:22%;font-weight:500}.kv td{width:28%}.card table{font-size:12px;margin-top:6px;table-layout:fixed}td{overflow-wrap:anywhere}.card{overflow:hidden}td.num{text-align:right;font-variant-numeric:tabular-nums}'
        || '.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600;color:#fff}'
        || '.success{background:#2f8f4e}.failure{background:#c0392b}.error{background:#8a5a00}.none{background:#7b8494}'
        || '.summary{display:flex;gap:12px;margin:14px 0}.summary div{background:#fff;border:1px solid #e1e5eb;border-radius:8px;padding:10px 16px;min-width:110px}'
        || '.summary b{display:block;font-size:22px}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}'
        || '.card{background:#fff;border:1px solid #e1e5eb;border-radius:8px;padding:12px}'
        || 'code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all}'
        || 'pre{background:#f3f5f8;padding:6px;margin:4px 0;max-height:220px;overflow:auto}'
        || 'details summary{cursor:pointer;color:#36518a}'
        || 'svg{display:block;margin:6px 0}svg .bar{fill:#4a78c2}svg .baseline{fill:#8aa0c8;opacity:.75}svg .current{fill:#e08a3c;opacity:.6}'
        || 'svg .axis{stroke:#9aa4b2;stroke-width:1}svg .line{fill:none;stroke:#4a78c2;stroke-width:1.5}'
        || 'svg .point{fill:#4a78c2}svg .anomaly{fill:#c0392b}svg .bound{stroke:#c0392b;stroke-dasharray:4 3;stroke-width:1}'
        || 'svg text{font-size:10px;fill:#5d6778}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}'
        || '</style></head><body><main>' || body
        || '<p class="muted">Rendered by vqc at ' || vqc.html_escape(to_char(now(), 'YYYY-MM-DD HH24:MI:SS TZ'))
        || ' for role ' || vqc.html_escape(current_user::text) || '.</p></main></body></html>'
$$;

-- A status badge.
CREATE FUNCTION vqc._html_status(status text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT format('<span class="badge %s">%s</span>',
                  CASE WHEN status IN ('success', 'failure', 'error') THEN status ELSE 'none' END,
                  vqc._html_text(coalesce(status, 'not run'), 40))
$$;

-- A coordinate for SVG: two decimals.
CREATE FUNCTION vqc._svg_num(x double precision)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT round(x::numeric, 2) $$;

-- One bar of vqc._svg_bars: the i-th of n, of value h against the largest
-- top, with its label and value as a tooltip.
CREATE FUNCTION vqc._svg_rect(series text, i bigint, n bigint, h double precision, top double precision,
                              label text, width integer, height integer)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT format('<rect class="bar %s" x="%s" y="%s" width="%s" height="%s"><title>%s: %s</title></rect>',
                  vqc.html_escape(series), vqc._svg_num((i - 1) * width::float8 / n),
                  vqc._svg_num(height - h / top * height), vqc._svg_num(greatest(width::float8 / n - 1, 0.5)),
                  vqc._svg_num(h / top * height), vqc._html_text(label, 120), vqc._html_num(h))
$$;

-- An SVG bar chart: one bar per value (heights scaled to the largest),
-- each with its label and value as a tooltip; class names the series.
-- With second values, a second series drawn over the first (for two
-- distributions on the same bins).
CREATE FUNCTION vqc._svg_bars(heights double precision[], labels text[], series text DEFAULT 'bar',
                              second double precision[] DEFAULT NULL, second_series text DEFAULT NULL,
                              width integer DEFAULT 340, height integer DEFAULT 110)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    WITH b AS (
        SELECT i, coalesce(heights[i], 0) AS h, coalesce(second[i], 0) AS h2, labels[i] AS label
          FROM generate_series(1, coalesce(cardinality(heights), 0)) i),
    m AS (SELECT greatest(max(h), max(h2), 1e-300) AS top, count(*) AS n FROM b)
    SELECT format('<svg class="chart %s" data-bars="%s" viewBox="0 0 %s %s" width="%s" height="%s" role="img">',
                  vqc.html_escape(series), m.n * (1 + (second IS NOT NULL)::int), width, height + 14, width, height + 14)
        || format('<line class="axis" x1="0" y1="%s" x2="%s" y2="%s"/>', height, width, height)
        || coalesce(string_agg(
               vqc._svg_rect(series, b.i, m.n, b.h, m.top, b.label, width, height)
               || CASE WHEN second IS NULL THEN ''
                       ELSE vqc._svg_rect(second_series, b.i, m.n, b.h2, m.top, b.label, width, height) END,
               '' ORDER BY b.i), '')
        || format('<text x="0" y="%s">%s</text><text x="%s" y="%s" text-anchor="end">%s</text>',
                  height + 12, vqc._html_text(labels[1], 40), width, height + 12,
                  vqc._html_text(labels[cardinality(labels)], 40))
        || '</svg>'
      FROM b, m
     GROUP BY m.top, m.n
    UNION ALL
    SELECT '<p class="muted">No values.</p>' WHERE coalesce(cardinality(heights), 0) = 0
$$;

-- An SVG trend of a metric over runs: a line through the points, the
-- bounds as dashed lines, points whose run failed marked as anomalies.
CREATE FUNCTION vqc._svg_trend(at timestamptz[], ys double precision[], failed boolean[],
                               lo double precision, hi double precision,
                               width integer DEFAULT 340, height integer DEFAULT 90)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    WITH p AS (
        SELECT i, at[i] AS t, ys[i] AS y, coalesce(failed[i], false) AS bad
          FROM generate_series(1, coalesce(cardinality(ys), 0)) i
         WHERE ys[i] IS NOT NULL AND ys[i] NOT IN ('NaN', 'Infinity', '-Infinity')),
    r AS (SELECT least(min(y), lo) AS y0, greatest(max(y), hi) AS y1, count(*) AS n, max(i) AS last FROM p),
    s AS (SELECT p.*, vqc._svg_num(8 + (p.i - 1) * (width - 16)::numeric / greatest(r.last - 1, 1)) AS px,
                 vqc._svg_num(height - 6 - (p.y - r.y0) / nullif(r.y1 - r.y0, 0) * (height - 12)) AS py0,
                 r.y0, r.y1
            FROM p, r),
    s2 AS (SELECT *, coalesce(py0, vqc._svg_num(height / 2.0)) AS py FROM s)
    SELECT format('<svg class="chart trend" data-points="%s" viewBox="0 0 %s %s" width="%s" height="%s" role="img">',
                  count(*), width, height, width, height)
        || coalesce((SELECT string_agg(format('<line class="bound" x1="0" y1="%1$s" x2="%2$s" y2="%1$s"><title>bound %3$s</title></line>',
                                              vqc._svg_num(height - 6 - (b - min(s2.y0)) / nullif(min(s2.y1) - min(s2.y0), 0) * (height - 12)),
                                              width, vqc._html_num(b)), '')
                       FROM unnest(ARRAY[lo, hi]) b WHERE b IS NOT NULL AND min(s2.y1) > min(s2.y0)), '')
        || format('<polyline class="line" points="%s"/>', string_agg(s2.px || ',' || s2.py, ' ' ORDER BY s2.i))
        || string_agg(format('<circle class="point%s" cx="%s" cy="%s" r="3"><title>%s: %s%s</title></circle>',
                             CASE WHEN s2.bad THEN ' anomaly' ELSE '' END, s2.px, s2.py,
                             vqc.html_escape(to_char(s2.t, 'YYYY-MM-DD HH24:MI')), vqc._html_num(s2.y),
                             CASE WHEN s2.bad THEN ' (failed)' ELSE '' END), '' ORDER BY s2.i)
        || '</svg>'
      FROM s2
    HAVING count(*) > 0
$$;

-- What an expectation checks, in words: the catalogue's sentence with the
-- kwargs it names, and the expectation's notes.
CREATE FUNCTION vqc._html_describe(etype text, kwargs jsonb)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT '<b>' || vqc._html_text(coalesce(kwargs ->> 'column', kwargs ->> 'column_A', 'The table'), 120) || '</b>: '
        || vqc._html_text(coalesce(c.description, etype), 600)
        || coalesce(' <span class="muted">(' || (SELECT string_agg(vqc._html_text(k, 60) || ' = ' || vqc._html_text(v::text, 200), ', ' ORDER BY k)
                                                   FROM jsonb_each(kwargs - '{column,meta,notes,result_format,include_config,catch_exceptions}'::text[]) x(k, v))
                    || ')</span>', '')
        || coalesce('<br><i>' || vqc.html_escape(left(coalesce(kwargs #>> '{meta,notes,content}', kwargs #>> '{meta,notes}', kwargs ->> 'notes'), 2000)) || '</i>', '')
      FROM (SELECT NULL) one
      LEFT JOIN vqc.expectation_catalog c ON c.expectation_type = etype
$$;

-- The trend of each expectation's main number (its observed value, else its
-- unexpected percent) over the suite's last n runs up to a run, by
-- expectation identity; points whose result failed are anomalies.  HTML
-- of cards, empty when no expectation has two points.
CREATE FUNCTION vqc._html_trends(suite text, up_to bigint, n integer DEFAULT 30)
RETURNS text
LANGUAGE sql STABLE
AS $$
    WITH runs AS (
        SELECT r.run_id, r.started_at FROM vqc_report.run r
         WHERE r.suite_name = suite AND r.run_id <= up_to
         ORDER BY r.run_id DESC LIMIT n),
    pts AS (
        SELECT res.expectation_id, res.expectation_type, res.column_name, runs.run_id, runs.started_at,
               res.status = 'failure' AS bad,
               coalesce(max(m.value) FILTER (WHERE m.metric_name = 'observed_value'),
                        max(m.value) FILTER (WHERE m.metric_name = 'unexpected_percent')) AS y,
               bool_or(m.metric_name = 'observed_value') AS observed
          FROM runs
          JOIN vqc_report.result res ON res.run_id = runs.run_id
          JOIN vqc_report.metric m ON m.run_id = res.run_id AND m.position = res.position
         WHERE res.expectation_id IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5, 6),
    series AS (
        SELECT p.expectation_id, min(p.expectation_type) AS etype, min(p.column_name) AS col,
               bool_or(p.observed) AS observed,
               array_agg(p.started_at ORDER BY p.run_id) AS at, array_agg(p.y ORDER BY p.run_id) AS ys,
               array_agg(p.bad ORDER BY p.run_id) AS bad
          FROM pts p GROUP BY p.expectation_id HAVING count(p.y) >= 2)
    SELECT coalesce(string_agg(
               '<div class="card"><h3>' || vqc._html_text(s.etype, 120) || ' &#183; ' || vqc._html_text(coalesce(s.col, 'table'), 120)
               || '</h3><div class="muted">' || CASE WHEN s.observed THEN 'observed value' ELSE 'unexpected %' END
               || ', last ' || cardinality(s.ys) || ' runs</div>'
               || coalesce(vqc._svg_trend(s.at, s.ys, s.bad,
                                          CASE WHEN s.observed THEN (e.kwargs ->> 'min_value')::float8 END,
                                          CASE WHEN s.observed THEN (e.kwargs ->> 'max_value')::float8 END), '')
               || '</div>', '' ORDER BY s.expectation_id), '')
      FROM series s
      LEFT JOIN vqc.suite_expectation e ON e.expectation_id = s.expectation_id
$$;

-- Rows of a table of names and values (already HTML), two pairs a row.
CREATE FUNCTION vqc._html_kv_rows(names text[], vals text[])
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT string_agg(format('<tr><th>%s</th><td class="num">%s</td>%s</tr>', names[i], vals[i],
                             CASE WHEN i < cardinality(names) THEN format('<th>%s</th><td class="num">%s</td>', names[i + 1], vals[i + 1])
                                  ELSE '<td></td><td></td>' END), '' ORDER BY i)
      FROM generate_series(1, cardinality(names), 2) i
$$;

-- A profile as a card: counts, quantiles, and its distribution as an SVG
-- histogram (numbers and times) or bars of its most frequent values.
CREATE FUNCTION vqc._html_profile_card(column_name text, column_type text, p vqc.profile)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    numeric_kind boolean := vqc.mean(p) IS NOT NULL;
    chart        text;
    qs           double precision[];
BEGIN
    IF numeric_kind THEN
        SELECT vqc._svg_bars(array_agg(h.count ORDER BY h.bin),
                             array_agg(vqc._html_num(h.lower) || ' – ' || vqc._html_num(h.upper) ORDER BY h.bin), 'bar')
          INTO chart FROM vqc.histogram(p, 20) h;
        qs := vqc.quantiles(p, '{0.05,0.25,0.5,0.75,0.95}');
    ELSE
        SELECT vqc._svg_bars(array_agg(t.count::float8 ORDER BY t.count DESC, t.value),
                             array_agg(t.value ORDER BY t.count DESC, t.value), 'bar')
          INTO chart FROM vqc.top_values(p, 12) t;
    END IF;
    RETURN '<div class="card"><h3>' || vqc._html_text(column_name, 120) || ' <span class="muted">'
        || vqc._html_text(column_type, 60) || '</span></h3>'
        || coalesce(chart, '')
        || '<table class="kv">' || vqc._html_kv_rows(
               ARRAY['rows', 'null fraction', 'distinct', 'min', 'max']
               || CASE WHEN qs IS NULL THEN '{}'::text[] ELSE ARRAY['mean', 'stddev', 'p5', 'p25', 'median', 'p75', 'p95'] END,
               ARRAY[vqc._html_num(vqc.row_count(p)), vqc._html_num(vqc.null_fraction(p)), vqc._html_num(round(vqc.ndistinct(p))),
                     vqc._html_text(vqc.min_value(p), 60), vqc._html_text(vqc.max_value(p), 60)]
               || CASE WHEN qs IS NULL THEN '{}'::text[] ELSE
                  ARRAY[vqc._html_num(vqc.mean(p)), vqc._html_num(vqc.stddev(p))]
                  || ARRAY(SELECT vqc._html_num(q) FROM unnest(qs) WITH ORDINALITY u(q, o) ORDER BY o) END)
        || '</table>'
        || CASE WHEN numeric_kind THEN '' ELSE
           '<table><tr><th>most frequent</th><th>count</th></tr>'
           || coalesce((SELECT string_agg(format('<tr><td>%s</td><td class="num">%s</td></tr>', vqc._html_text(t.value, 200), vqc._html_num(t.count)),
                                          '' ORDER BY t.count DESC, t.value)
                          FROM vqc.top_values(p, 5) t), '')
           || '</table>' END
        || CASE WHEN vqc.is_exact(p) THEN '' ELSE '<div class="muted">from sketches (approximate)</div>' END
        || '</div>';
END
$$;

-- Two distributions over the same bins, drawn over each other: numbers
-- and times on 20 equal bins spanning both, other values on the most
-- frequent values of both.  Shares, not counts, so sizes may differ.
CREATE FUNCTION vqc._html_overlay(baseline vqc.profile, current vqc.profile)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    lo    double precision;
    hi    double precision;
    edges double precision[];
    a     double precision[];
    b     double precision[];
    labs  text[];
BEGIN
    IF vqc.mean(baseline) IS NOT NULL AND vqc.mean(current) IS NOT NULL THEN
        lo := least(vqc.quantile(baseline, 0), vqc.quantile(current, 0));
        hi := greatest(vqc.quantile(baseline, 1), vqc.quantile(current, 1));
        IF lo IS NULL OR hi IS NULL OR lo = hi THEN
            RETURN '<p class="muted">Both hold one value.</p>';
        END IF;
        edges := ARRAY(SELECT lo + (hi - lo) * g / 20.0 FROM generate_series(0, 20) g);
        SELECT array_agg(coalesce(vqc.rank(baseline, edges[g + 1]) - CASE WHEN g = 1 THEN 0 ELSE vqc.rank(baseline, edges[g]) END, 0) ORDER BY g),
               array_agg(coalesce(vqc.rank(current, edges[g + 1]) - CASE WHEN g = 1 THEN 0 ELSE vqc.rank(current, edges[g]) END, 0) ORDER BY g),
               array_agg(vqc._html_num(edges[g]) || ' – ' || vqc._html_num(edges[g + 1]) ORDER BY g)
          INTO a, b, labs
          FROM generate_series(1, 20) g;
    ELSE
        WITH v AS (SELECT value FROM vqc.top_values(baseline, 10) UNION SELECT value FROM vqc.top_values(current, 10))
        SELECT array_agg(coalesce(tb.count, 0)::float8 / nullif(vqc.row_count(baseline) - vqc.null_count(baseline), 0) ORDER BY v.value),
               array_agg(coalesce(tc.count, 0)::float8 / nullif(vqc.row_count(current) - vqc.null_count(current), 0) ORDER BY v.value),
               array_agg(v.value ORDER BY v.value)
          INTO a, b, labs
          FROM v
          LEFT JOIN vqc.top_values(baseline, 1000) tb ON tb.value = v.value
          LEFT JOIN vqc.top_values(current, 1000) tc ON tc.value = v.value;
    END IF;
    RETURN vqc._svg_bars(a, labs, 'baseline', b, 'current')
        || '<div class="legend muted"><span class="baseline" style="background:#8aa0c8"></span>baseline'
        || '<span class="current" style="background:#e08a3c"></span>current</div>';
END
$$;

-- The drift expectations of a run as cards: score and status, and the
-- baseline's and this run's distributions over each other when the run
-- profiled the column (the suite's profile_columns) and the baseline is
-- still there; NULL when the run has none.
CREATE FUNCTION vqc._html_run_drift(run_id bigint, target regclass)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT string_agg(
               '<div class="card"><h3>' || vqc._html_text(res.column_name, 120) || ' ' || vqc._html_status(res.status)
               || '</h3><div class="muted">against baseline <b>' || vqc._html_text(res.kwargs ->> 'baseline', 200) || '</b>'
               || CASE WHEN jsonb_typeof(d.observed_value) = 'number'
                       THEN ', score ' || vqc._html_num((d.observed_value #>> '{}')::float8) ELSE '' END
               || '</div>'
               || CASE WHEN b.profile IS NOT NULL AND p.profile IS NOT NULL THEN vqc._html_overlay(b.profile, p.profile)
                       ELSE '<p class="muted">Profile the column in the suite (profile_columns) to draw both distributions here.</p>' END
               || '</div>', '' ORDER BY res.position)
      FROM vqc_report.result res
      LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
      LEFT JOIN vqc_report.profile p ON p.run_id = res.run_id AND p.column_name = res.column_name
      LEFT JOIN vqc.baseline b ON b.target = _html_run_drift.target AND b.label = res.kwargs ->> 'baseline'
                              AND b.column_name = res.column_name
     WHERE res.run_id = _html_run_drift.run_id AND res.expectation_type = 'expect_column_drift_to_be_less_than'
$$;

-- GE's query for a failing result's rows when the run did not keep one
-- (suites run with result_format BASIC): the suite's expectation planned
-- again on the table as it is now, with the suite's row key, as vqc.expect
-- would write it for COMPLETE.  NULL when the expectation is gone from the
-- suite, cannot be planned any more (a column was dropped) or has no such
-- query.
CREATE FUNCTION vqc._html_failing_query(r vqc_report.run, res vqc_report.result)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    keys   text[];
    kwargs jsonb;
BEGIN
    -- the expectation's whole kwargs (the report keeps them clipped)
    SELECT e.kwargs INTO kwargs FROM vqc.suite_expectation e WHERE e.expectation_id = res.expectation_id;
    IF r.target IS NULL OR kwargs IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT s.key_columns INTO keys FROM vqc.suite s WHERE s.suite_id = r.suite_id;
    keys := coalesce(keys, vqc._primary_key(r.target));
    RETURN vqc._unexpected_index_query(r.target,
                                       vqc._plan(r.target, res.expectation_type, kwargs, res.position, keys, 20)
                                       || jsonb_build_object('key_columns', to_jsonb(keys)));
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$$;

-- The page of one run: the suite, table, time, duration and scans; a
-- summary; every expectation with its kwargs, status, observed value and
-- bounds; failing samples with their row keys (and GE's query for the
-- failing rows, where the result has one); the profiles taken in the run;
-- its drift expectations; the trend of each expectation over the suite's
-- last 30 runs.
CREATE FUNCTION vqc.report_html(run_id bigint)
RETURNS text
LANGUAGE plpgsql STABLE STRICT
AS $$
DECLARE
    r        vqc_report.run;
    body     text;
    rows_html text;
    profiles text;
BEGIN
    SELECT * INTO r FROM vqc_report.run x WHERE x.run_id = report_html.run_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'run % does not exist', run_id USING ERRCODE = 'undefined_object';
    END IF;
    body := '<h1>' || vqc._html_text(r.suite_name, 200) || '</h1>'
         || '<div class="muted">run ' || r.run_id || ' of table <code>' || vqc._html_text(format('%I.%I', r.target_schema, r.target_table), 300)
         || '</code> by ' || vqc._html_text(r.run_by, 100) || ', started ' || vqc.html_escape(to_char(r.started_at, 'YYYY-MM-DD HH24:MI:SS TZ'))
         || ', ' || vqc._html_num(round(extract(epoch FROM r.finished_at - r.started_at)::numeric * 1000, 1)::float8) || ' ms, '
         || vqc._html_num(r.rows_scanned) || ' rows, ' || r.scans || ' scan' || CASE WHEN r.scans = 1 THEN '' ELSE 's' END
         || CASE WHEN r.row_security THEN ', through row-level security' ELSE '' END || '</div>'
         || '<div class="summary">'
         || format('<div><b>%s</b>%s</div>', vqc._html_status(CASE WHEN r.success THEN 'success' ELSE 'failure' END),
                   vqc._html_num(round(r.success_percent::numeric, 1)::float8) || ' % passed')
         || format('<div><b>%s</b>passed</div><div><b>%s</b>failed</div><div><b>%s</b>errors</div><div><b>%s</b>expectations</div>',
                   r.successful_expectations, r.unsuccessful_expectations, r.error_expectations,
                   r.evaluated_expectations)
         || '</div>';

    SELECT string_agg(
               '<tr id="e' || res.position || '"><td class="num">' || res.position || '</td><td>'
               || vqc._html_describe(res.expectation_type, res.kwargs)
               || '<details><summary>kwargs</summary><pre>' || vqc._html_text(jsonb_pretty(res.kwargs), 20000) || '</pre></details></td>'
               || '<td>' || vqc._html_status(res.status) || coalesce('<div class="muted">' || vqc.html_escape(left(res.error_message, 500)) || '</div>', '') || '</td>'
               || '<td>' || CASE WHEN jsonb_typeof(d.observed_value) = 'number' THEN vqc._html_num((d.observed_value #>> '{}')::float8)
                                 WHEN d.observed_value IS NOT NULL THEN vqc._html_text(d.observed_value::text, 400)
                                 WHEN res.unexpected_count IS NOT NULL THEN
                                      vqc._html_num(res.unexpected_count) || ' unexpected (' || vqc._html_num(res.unexpected_percent) || ' %)'
                                 ELSE '&#8212;' END || '</td>'
               || '<td>' || CASE WHEN res.kwargs ->> 'min_value' IS NULL AND res.kwargs ->> 'max_value' IS NULL THEN ''
                                 ELSE coalesce(vqc._html_text(res.kwargs ->> 'min_value', 60), '') || ' &#8230; '
                                      || coalesce(vqc._html_text(res.kwargs ->> 'max_value', 60), '') END || '</td>'
               || '<td>' || coalesce(s.samples, '') || coalesce('<details class="failing-query"><summary>query for the failing rows</summary><pre>'
                                                             || vqc.html_escape(left(coalesce(d.result #>> '{result,unexpected_index_query}',
                                                                                              CASE WHEN res.unexpected_count > 0
                                                                                                   THEN vqc._html_failing_query(r, res) END), 20000))
                                                             || '</pre></details>', '')
               || '</td></tr>', '' ORDER BY res.position)
      INTO rows_html
      FROM vqc_report.result res
      LEFT JOIN vqc_report.result_detail d ON d.run_id = res.run_id AND d.position = res.position
      LEFT JOIN LATERAL (
          SELECT '<table><tr><th>value</th><th>row key</th></tr>'
                 || string_agg('<tr><td><code>' || vqc._html_text(u.value, 200) || CASE WHEN u.value_clipped THEN '&#8230;' ELSE '' END
                               || '</code></td><td><code>' || vqc._html_text(u.row_key::text, 200) || '</code></td></tr>', '' ORDER BY u.ordinality)
                 || '</table>' AS samples
            FROM (SELECT * FROM vqc_report.unexpected u
                   WHERE u.run_id = res.run_id AND u.position = res.position
                   ORDER BY u.ordinality LIMIT 20) u) s ON true
     WHERE res.run_id = r.run_id;
    body := body || '<h2>Expectations</h2><table><tr><th>#</th><th>what is checked</th><th>status</th>'
                 || '<th>observed</th><th>bounds</th><th>failing samples (first 20)</th></tr>'
                 || coalesce(rows_html, '') || '</table>';

    SELECT string_agg(vqc._html_profile_card(p.column_name, p.column_type, p.profile), '' ORDER BY p.column_name)
      INTO profiles
      FROM vqc_report.profile p WHERE p.run_id = r.run_id;
    IF profiles IS NOT NULL THEN
        body := body || '<h2>Profiles taken in the run</h2><div class="cards">' || profiles || '</div>';
    END IF;
    body := body || coalesce('<h2>Drift</h2><div class="cards">' || vqc._html_run_drift(r.run_id, r.target) || '</div>', '');
    body := body || coalesce('<h2>Trends</h2><div class="cards">' || nullif(vqc._html_trends(r.suite_name, r.run_id), '') || '</div>', '');
    RETURN vqc._html_page(format('vqc: %s, run %s', r.suite_name, r.run_id), body);
END
$$;
COMMENT ON FUNCTION vqc.report_html(bigint) IS
    'One standalone HTML page for a run: summary, every expectation with kwargs, status, observed value and failing samples, the profiles taken, trends. Shows only what the caller may read.';

-- The page of a suite: what it checks, in words; its last runs; trends.
CREATE FUNCTION vqc.suite_html(suite text)
RETURNS text
LANGUAGE plpgsql STABLE STRICT
AS $$
DECLARE
    s      vqc.suite;
    body   text;
    last   bigint;
BEGIN
    SELECT * INTO s FROM vqc.suite x WHERE x.name = suite;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'suite "%" does not exist', suite USING ERRCODE = 'undefined_object';
    END IF;
    body := '<h1>' || vqc._html_text(s.name, 200) || '</h1><div class="muted">suite on <code>'
         || vqc._html_text(coalesce(s.target::text, format('%I.%I', s.target_schema, s.target_table)), 300)
         || '</code>, owned by ' || vqc._html_text(s.owner::text, 100)
         || ', row key ' || vqc._html_text(coalesce(array_to_string(s.key_columns, ', '), 'the primary key'), 300)
         || coalesce(', profiles ' || vqc._html_text(array_to_string(s.profile_columns, ', '), 300), '') || '</div>'
         || '<h2>What it checks</h2><table><tr><th>#</th><th>expectation</th></tr>'
         || coalesce((SELECT string_agg('<tr><td class="num">' || o || '</td><td>' || vqc._html_describe(e.expectation_type, e.kwargs) || '</td></tr>', '' ORDER BY o)
                        FROM (SELECT e.*, row_number() OVER (ORDER BY e.expectation_id) AS o
                                FROM vqc.suite_expectation e WHERE e.suite_id = s.suite_id) e), '')
         || '</table>';
    body := body || '<h2>Last runs</h2><table><tr><th>run</th><th>started</th><th>status</th><th>passed</th><th>failed</th><th>errors</th><th>rows</th><th>scans</th><th>ms</th></tr>'
         || coalesce((SELECT string_agg(format('<tr><td class="num">%s</td><td>%s</td><td>%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td><td class="num">%s</td></tr>',
                                               r.run_id, vqc.html_escape(to_char(r.started_at, 'YYYY-MM-DD HH24:MI:SS')),
                                               vqc._html_status(CASE WHEN r.success THEN 'success' ELSE 'failure' END),
                                               r.successful_expectations, r.unsuccessful_expectations,
                                               r.error_expectations, vqc._html_num(r.rows_scanned), r.scans,
                                               vqc._html_num(round(extract(epoch FROM r.finished_at - r.started_at)::numeric * 1000, 1)::float8)),
                                        '' ORDER BY r.run_id DESC)
                        FROM (SELECT * FROM vqc_report.run r WHERE r.suite_name = s.name ORDER BY r.run_id DESC LIMIT 20) r), '')
         || '</table>';
    SELECT max(r.run_id) INTO last FROM vqc_report.run r WHERE r.suite_name = s.name;
    IF last IS NOT NULL THEN
        body := body || coalesce('<h2>Trends</h2><div class="cards">' || nullif(vqc._html_trends(s.name, last), '') || '</div>', '');
    END IF;
    RETURN vqc._html_page('vqc: suite ' || s.name, body);
END
$$;
COMMENT ON FUNCTION vqc.suite_html(text) IS
    'One standalone HTML page for a suite: its expectations in words, its last 20 runs, the trend of each expectation.';

-- The page of a drift report: the verdict, then per column its score and
-- the baseline's and current distributions drawn over each other.
CREATE FUNCTION vqc.drift_html(drift_run_id bigint)
RETURNS text
LANGUAGE plpgsql STABLE STRICT
AS $$
DECLARE
    d     vqc_report.drift_run;
    body  text;
BEGIN
    SELECT * INTO d FROM vqc_report.drift_run x WHERE x.drift_run_id = drift_html.drift_run_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'drift report % does not exist', drift_run_id USING ERRCODE = 'undefined_object';
    END IF;
    body := '<h1>Drift of ' || vqc._html_text(format('%I.%I', d.target_schema, d.target_table), 300) || '</h1>'
         || '<div class="muted">drift report ' || d.drift_run_id || ' against baseline <b>' || vqc._html_text(d.baseline_label, 200)
         || '</b>' || CASE WHEN d.baseline_table IS NULL THEN ''    -- reports made before 0.5.0
                           ELSE ' of <b>' || vqc._html_text(format('%I.%I', d.baseline_schema, d.baseline_table), 300) || '</b>' END
         || ', by ' || vqc._html_text(d.run_by, 100) || ', started ' || vqc.html_escape(to_char(d.started_at, 'YYYY-MM-DD HH24:MI:SS TZ'))
         || ', ' || vqc._html_num(d.rows_scanned) || ' rows</div>'
         || '<div class="summary">'
         || format('<div>%s<b>%s / %s</b>columns drifted</div><div><b>%s</b>share (threshold %s)</div></div>',
                   vqc._html_status(CASE WHEN d.dataset_drifted THEN 'failure' ELSE 'success' END),
                   d.drifted_columns, d.columns, vqc._html_num(d.drift_share), vqc._html_num(d.share_threshold))
         || '<div class="cards">'
         || coalesce((SELECT string_agg(
                '<div class="card"><h3>' || vqc._html_text(x.column_name, 120) || ' '
                || vqc._html_status(CASE WHEN x.error_message IS NOT NULL THEN 'error' WHEN x.drifted THEN 'failure' ELSE 'success' END)
                || '</h3><div class="muted">' || vqc._html_text(x.method, 60) || ' ' || vqc._html_num(x.score)
                || ' (threshold ' || vqc._html_num(x.threshold) || ')'
                || CASE WHEN x.p_value IS NULL THEN '' ELSE ', p-value ' || vqc._html_num(x.p_value) END
                || CASE WHEN x.exact THEN '' ELSE ', from sketches' END || '</div>'
                || coalesce('<div class="muted">' || vqc.html_escape(left(x.error_message, 500)) || '</div>', '')
                || coalesce(vqc._html_overlay(dd.baseline_profile, dd.current_profile), '')
                || '</div>', '' ORDER BY x.column_name)
               FROM vqc_report.drift_result x
               LEFT JOIN vqc_report.drift_detail dd ON dd.drift_run_id = x.drift_run_id AND dd.column_name = x.column_name
              WHERE x.drift_run_id = d.drift_run_id), '')
         || '</div>';
    RETURN vqc._html_page(format('vqc: drift of %s.%s', d.target_schema, d.target_table), body);
END
$$;
COMMENT ON FUNCTION vqc.drift_html(bigint) IS
    'One standalone HTML page for a drift report: the verdict and, per column, the score with the baseline and current distributions drawn over each other.';

-- Every page by kind and id, for a small web handler or a BI tool:
-- SELECT html FROM vqc_report.pages WHERE kind = 'run' AND id = '42'.  A
-- page is rendered only for the rows a query asks for; security_invoker,
-- so it shows what the reader may read.
CREATE VIEW vqc_report.pages WITH (security_invoker = true) AS
SELECT 'run'::text AS kind, r.run_id::text AS id, r.suite_name AS title, r.started_at AS at,
       vqc.report_html(r.run_id) AS html
  FROM vqc_report.run r
UNION ALL
SELECT 'suite', s.name, s.name, s.created_at, vqc.suite_html(s.name)
  FROM vqc.suite s
UNION ALL
SELECT 'drift', d.drift_run_id::text, d.target_schema || '.' || d.target_table, d.started_at,
       vqc.drift_html(d.drift_run_id)
  FROM vqc_report.drift_run d;
COMMENT ON VIEW vqc_report.pages IS
    'Every page (kind run, suite or drift; id) as HTML, rendered only for the rows asked for; shows what the reader may read.';
