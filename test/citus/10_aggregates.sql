SELECT citus_compare('count(*)', 'SELECT count(*) FROM %s');
