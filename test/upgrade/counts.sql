-- counts.sql: a database's vqc data as a few lines, to compare it with a
-- restored copy: the rows of each config table (the ones pg_dump keeps), each
-- sequence's position, and what every stored profile reads as.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on

SELECT CASE c.relkind
       WHEN 'S' THEN format('SELECT %L, last_value, is_called FROM %s', c.oid::regclass, c.oid::regclass)
       ELSE format('SELECT %L, count(*) FROM %s', c.oid::regclass, c.oid::regclass) END
  FROM pg_extension e, unnest(e.extconfig) x(oid) JOIN pg_class c ON c.oid = x.oid
 WHERE e.extname = 'vqc'
 ORDER BY c.oid::regclass::text
\gexec

SELECT format('SELECT %L, count(*), md5(string_agg(upgrade_data.read_or_refused(%I)::text, %L ORDER BY t::text)) FROM %s t',
              c.oid::regclass || '.' || a.attname, a.attname, ',', c.oid::regclass)
  FROM pg_extension e, unnest(e.extconfig) x(oid)
  JOIN pg_class c ON c.oid = x.oid
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.atttypid = 'vqc.profile'::regtype AND NOT a.attisdropped
 WHERE e.extname = 'vqc'
 ORDER BY 1
\gexec
