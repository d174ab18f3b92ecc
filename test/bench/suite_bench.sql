-- vqc.run over the sample suite against count(*) and against the same checks
-- issued as Great Expectations' SQL engine issues them; PCRE2 against ~.
-- Run by test/bench/run.sh on the people table.
\set ON_ERROR_STOP on
\o /dev/null
\i test/bench/bench_timer.sql
TRUNCATE bench.timing;

SELECT vqc.drop_suite('people_bench') FROM vqc.suite WHERE name = 'people_bench';
SELECT vqc.create_suite('people_bench', 'people', key_columns => '{record_id}');
SELECT vqc.add_expectation('people_bench', 'expect_column_values_to_be_unique', '{"column": "record_id"}');
SELECT vqc.add_expectation('people_bench', 'expect_column_values_to_not_be_null', '{"column": "transaction_amount"}');
SELECT vqc.add_expectation('people_bench', 'expect_column_values_to_be_between', '{"column": "age", "min_value": 0, "max_value": 120}');
SELECT vqc.add_expectation('people_bench', 'expect_column_values_to_be_between', '{"column": "score", "min_value": 0, "max_value": 100}');
SELECT vqc.add_expectation('people_bench', 'expect_column_values_to_match_regex', '{"column": "date_of_birth", "regex": "^\\d{4}-\\d{2}-\\d{2}$"}');
SELECT vqc.add_expectation('people_bench', 'expect_column_values_to_match_regex', '{"column": "email", "regex": "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"}');
SELECT vqc.add_expectation('people_bench', 'expect_column_values_to_be_in_set', '{"column": "gender", "value_set": ["Male", "Female", "Other"]}');
SELECT vqc.add_expectation('people_bench', 'expect_column_mean_to_be_between', '{"column": "income", "min_value": 35000, "max_value": 45000}');
SELECT vqc.add_expectation('people_bench', 'expect_column_median_to_be_between', '{"column": "income", "min_value": 30000, "max_value": 40000}');
SELECT vqc.add_expectation('people_bench', 'expect_column_stdev_to_be_between', '{"column": "income", "min_value": 15000, "max_value": 30000}');

-- warm the cache
SELECT count(*) FROM people;

SELECT bench.time('count(*)', ARRAY['SELECT count(*) FROM people']);
SELECT bench.time('vqc.run (10 checks)', ARRAY['SELECT count(*) FROM vqc.run(''people_bench'')']);

-- Great Expectations' SQL engine: the map metrics bundled in one SELECT, then
-- one query per failing expectation for its unexpected values (and index
-- list), a sorted median, and a GROUP BY for uniqueness.
SELECT bench.time('GE-style SQL (same checks)', ARRAY[
  $q$SELECT count(*),
            sum(CASE WHEN transaction_amount IS NULL THEN 1 ELSE 0 END),
            sum(CASE WHEN age IS NOT NULL AND NOT (age >= 0 AND age <= 120) THEN 1 ELSE 0 END),
            sum(CASE WHEN score IS NOT NULL AND NOT (score >= 0 AND score <= 100) THEN 1 ELSE 0 END),
            sum(CASE WHEN date_of_birth IS NOT NULL AND NOT (date_of_birth ~ '^\d{4}-\d{2}-\d{2}$') THEN 1 ELSE 0 END),
            sum(CASE WHEN email IS NOT NULL AND NOT (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$') THEN 1 ELSE 0 END),
            sum(CASE WHEN gender IS NOT NULL AND gender NOT IN ('Male', 'Female', 'Other') THEN 1 ELSE 0 END),
            avg(income), stddev_samp(income)
       FROM people$q$,
  $q$SELECT record_id, transaction_amount FROM people WHERE transaction_amount IS NULL LIMIT 20$q$,
  $q$SELECT record_id, age FROM people WHERE age IS NOT NULL AND NOT (age >= 0 AND age <= 120) LIMIT 20$q$,
  $q$SELECT record_id, score FROM people WHERE score IS NOT NULL AND NOT (score >= 0 AND score <= 100) LIMIT 20$q$,
  $q$SELECT record_id, date_of_birth FROM people WHERE date_of_birth IS NOT NULL AND NOT (date_of_birth ~ '^\d{4}-\d{2}-\d{2}$') LIMIT 20$q$,
  $q$SELECT record_id, email FROM people WHERE email IS NOT NULL AND NOT (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$') LIMIT 20$q$,
  $q$SELECT record_id, gender FROM people WHERE gender IS NOT NULL AND gender NOT IN ('Male', 'Female', 'Other') LIMIT 20$q$,
  $q$SELECT count(income) FROM people$q$,
  $q$SELECT income FROM people WHERE income IS NOT NULL ORDER BY income OFFSET (SELECT count(income) / 2 - 1 FROM people) LIMIT 2$q$,
  $q$SELECT count(*) FROM people WHERE record_id IN (SELECT record_id FROM people GROUP BY record_id HAVING count(*) > 1)$q$,
  $q$SELECT record_id FROM people WHERE record_id IN (SELECT record_id FROM people GROUP BY record_id HAVING count(*) > 1) LIMIT 20$q$
]);

-- The floor under vqc.run: the eight columns the checks read, and the two patterns
-- matched, with nothing collected (no samples, median, uniqueness or report).
SELECT bench.time('floor: read the columns, match the two patterns', ARRAY[
  $q$SELECT count(record_id), count(transaction_amount), count(age), count(score), count(gender), count(income),
            count(*) FILTER (WHERE vqc.regex_match(date_of_birth, '^\d{4}-\d{2}-\d{2}$')),
            count(*) FILTER (WHERE vqc.regex_match(email, '^[^@\s]+@[^@\s]+\.[^@\s]+$'))
       FROM people$q$]);

SELECT bench.time('email: PostgreSQL ~', ARRAY[$q$SELECT count(*) FROM people WHERE email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'$q$]);
SELECT bench.time('email: vqc.regex_match', ARRAY[$q$SELECT count(*) FROM people WHERE vqc.regex_match(email, '^[^@\s]+@[^@\s]+\.[^@\s]+$')$q$]);
-- the same scan reading the column without matching it: what both regex queries pay anyway
SELECT bench.time('email: scan + length() only', ARRAY[$q$SELECT count(*) FROM people WHERE length(email) > 0$q$]);
\o

\echo
\echo 'Median of 3 runs each, measured in this one session:'
SELECT label, round(median_ms::numeric, 1) AS median_ms, round(best_ms::numeric, 1) AS best_ms FROM bench.timing ORDER BY median_ms;
SELECT round((bench.ms('vqc.run (10 checks)') / bench.ms('count(*)'))::numeric, 2) AS "vqc.run / count(*) (target <= 4)",
       round((bench.ms('floor: read the columns, match the two patterns') / bench.ms('count(*)'))::numeric, 2) AS "floor / count(*)",
       round((bench.ms('GE-style SQL (same checks)') / bench.ms('vqc.run (10 checks)'))::numeric, 2) AS "GE-style / vqc.run (target >= 10)",
       round((bench.ms('email: PostgreSQL ~') / bench.ms('email: vqc.regex_match'))::numeric, 2) AS "~ / regex_match (target >= 5)",
       round(((bench.ms('email: PostgreSQL ~') - bench.ms('email: scan + length() only'))
              / nullif(bench.ms('email: vqc.regex_match') - bench.ms('email: scan + length() only'), 0))::numeric, 2) AS "same, matching time only",
       round((bench.ms('email: PostgreSQL ~') / bench.ms('email: scan + length() only'))::numeric, 2) AS "~ / reading the column (ceiling of the ratio)";
SELECT scans AS "scans per vqc.run", rows_scanned, current_setting('work_mem') AS work_mem,
       current_setting('max_parallel_workers_per_gather') AS workers_per_gather
  FROM vqc_report.run WHERE suite_name = 'people_bench' ORDER BY run_id DESC LIMIT 1;
