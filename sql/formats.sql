-- format validators (src/formats.c)
\set VERBOSITY default

-- ISO 8601 dates: exactly YYYY-MM-DD
SELECT v, vqc.is_iso8601_date(v) AS ok
FROM (VALUES ('1990-01-01'), ('2000-02-29'), ('2024-02-29'), ('1900-02-29'),
             ('2023-02-29'), ('1990-02-30'), ('1990-04-31'), ('1990-12-31'),
             ('1990-13-01'), ('1990-00-10'), ('1990-01-00'), ('1990-01-32'),
             ('1990/01/01'), ('1990-1-01'), ('1990-01-1'), (' 1990-01-01'),
             ('1990-01-01 '), ('1990-01-01x'), ('19900101'), ('90-01-01'),
             ('0000-01-01'), ('9999-12-31'), ('+1990-01-01'), ('1990-01-01T00:00'),
             ('１９９０-01-01'), ('')) AS t(v);

-- ISO 8601 / RFC 3339 date-times
SELECT v, vqc.is_iso8601_datetime(v) AS ok
FROM (VALUES ('2024-01-31T10:30'), ('2024-01-31T10:30:15'),
             ('2024-01-31T10:30:15.5'), ('2024-01-31T10:30:15.123456789'),
             ('2024-01-31T10:30:15.1234567890'), ('2024-01-31T10:30:15,25'),
             ('2024-01-31T10:30:15.'), ('2024-01-31T10:30.5'),
             ('2024-01-31T10:30:15Z'), ('2024-01-31t10:30:15z'),
             ('2024-01-31 10:30:15'), ('2024-01-31  10:30:15'),
             ('2024-01-31T10:30:15+01:00'), ('2024-01-31T10:30:15-0530'),
             ('2024-01-31T10:30:15+01'), ('2024-01-31T10:30+01:00'),
             ('2024-01-31T10:30:15+24:00'), ('2024-01-31T10:30:15+01:60'),
             ('2024-01-31T10:30:15+1'), ('2024-01-31T10:30:15+01:0'),
             ('2024-01-31T10:30:15+01:00Z'), ('2024-01-31T10:30:15Z+01:00'),
             ('2024-01-31T00:00:00'), ('2024-01-31T23:59:59'), ('2016-12-31T23:59:60Z'),
             ('2024-01-31T23:59:61'), ('2024-01-31T24:00:00'), ('2024-01-31T23:60'),
             ('2024-01-31T1:30'), ('2024-01-31T10:3'), ('2024-01-31T10'),
             ('2024-01-31T'), ('2024-01-31'), ('2024-02-30T10:30'),
             ('2024-01-31T10:30:15 '), ('2024-01-31X10:30'), ('2024-01-31T103015')) AS t(v);

-- Python strptime semantics, checked against CPython 3.11 (python column)
-- python: whether CPython 3.11 datetime.strptime(value, format) succeeds
CREATE TEMP TABLE strptime_cases (id serial, value text, format text, python boolean);
INSERT INTO strptime_cases (value, format, python) VALUES
  ('2024-01-31', '%Y-%m-%d', true),
  ('2024-1-5', '%Y-%m-%d', true),
  ('2024-02-30', '%Y-%m-%d', false),
  ('2024-02-29', '%Y-%m-%d', true),
  ('2023-02-29', '%Y-%m-%d', false),
  ('1900-02-29', '%Y-%m-%d', false),
  ('2000-02-29', '%Y-%m-%d', true),
  ('0000-01-01', '%Y-%m-%d', false),
  ('9999-12-31', '%Y-%m-%d', true),
  ('2024-04-31', '%Y-%m-%d', false),
  ('2024-13-01', '%Y-%m-%d', false),
  ('24-01-31', '%Y-%m-%d', false),
  ('2024-01-31 ', '%Y-%m-%d', false),
  (' 2024-01-31', '%Y-%m-%d', false),
  ('2024-01-31x', '%Y-%m-%d', false),
  ('2024/01/31', '%Y-%m-%d', false),
  ('20240131', '%Y%m%d', true),
  ('2024131', '%Y%m%d', true),
  ('202411', '%Y%m%d', true),
  ('2024123', '%Y%m%d', true),
  ('1232', '%m%d', false),
  ('123', '%m%d', true),
  ('24-01-31', '%y-%m-%d', true),
  ('69-01-01', '%y-%m-%d', true),
  ('68-01-01', '%y-%m-%d', true),
  ('2024- 1-31', '%Y-%m-%d', false),
  ('2024-01- 5', '%Y-%m-%d', true),
  ('2024-01-  5', '%Y-%m-%d', false),
  ('2024 01 31', '%Y %m %d', true),
  (E'2024   01\t31', '%Y %m %d', true),
  ('202401 31', '%Y %m %d', false),
  ('2024 01 31', '%Y%m%d', false),
  ('2024 01 31', '%Y %m %d', true),
  ('10:30', '%H:%M', true),
  ('9:5', '%H:%M', true),
  ('24:00', '%H:%M', false),
  ('23:59:59', '%H:%M:%S', true),
  ('23:59:60', '%H:%M:%S', false),
  ('23:59:61', '%H:%M:%S', false),
  ('23:60:00', '%H:%M:%S', false),
  ('123', '%H%M', true),
  ('1234', '%H%M', true),
  ('930', '%H%M', true),
  ('2024-01-31T10:30:00', '%Y-%m-%dT%H:%M:%S', true),
  ('2024-01-31t10:30:00', '%Y-%m-%dT%H:%M:%S', true),
  ('10:30:00.5', '%H:%M:%S.%f', true),
  ('10:30:00.123456', '%H:%M:%S.%f', true),
  ('10:30:00.1234567', '%H:%M:%S.%f', false),
  ('10:30:00.', '%H:%M:%S.%f', false),
  ('12345678', '%f%H', false),
  ('1234567', '%f%H', true),
  ('12:00 AM', '%I:%M %p', true),
  ('12:00 pm', '%I:%M %p', true),
  ('13:00 PM', '%I:%M %p', false),
  ('0:00 AM', '%I:%M %p', false),
  ('9:15am', '%I:%M%p', true),
  ('09:15 XM', '%I:%M %p', false),
  ('Jan 5 2024', '%b %d %Y', true),
  ('jan 05 2024', '%b %d %Y', true),
  ('JANUARY 5 2024', '%B %d %Y', true),
  ('Janu 5 2024', '%b %d %Y', false),
  ('Sept 5 2024', '%b %d %Y', false),
  ('Feb 29 2023', '%b %d %Y', false),
  ('Feb 29', '%b %d', false),
  ('Feb 28', '%b %d', true),
  ('02-29', '%m-%d', false),
  ('May 5', '%B %d', true),
  ('Wednesday, 31 January 2024', '%A, %d %B %Y', true),
  ('Wed, 31 Jan 2024', '%a, %d %b %Y', true),
  ('Thu, 31 Jan 2024', '%a, %d %b %Y', true),
  ('Tues, 30 Jan 2024', '%a, %d %b %Y', false),
  ('2024-366', '%Y-%j', true),
  ('2023-366', '%Y-%j', true),
  ('2023-365', '%Y-%j', true),
  ('2024-000', '%Y-%j', false),
  ('2024-367', '%Y-%j', false),
  ('9999-366', '%Y-%j', false),
  ('2024-60 02-30', '%Y-%j %m-%d', true),
  ('060', '%j', true),
  ('366', '%j', true),
  ('2024-7', '%Y-%j', true),
  ('10:00+0100', '%H:%M%z', true),
  ('10:00+01:00', '%H:%M%z', true),
  ('10:00-0530', '%H:%M%z', true),
  ('10:00Z', '%H:%M%z', true),
  ('10:00z', '%H:%M%z', false),
  ('10:00+01', '%H:%M%z', false),
  ('10:00+2359', '%H:%M%z', true),
  ('10:00+2400', '%H:%M%z', false),
  ('10:00-9900', '%H:%M%z', false),
  ('10:00+01:00:30', '%H:%M%z', true),
  ('10:00+010030', '%H:%M%z', true),
  ('10:00+01:0030', '%H:%M%z', false),
  ('10:00+0100:30', '%H:%M%z', false),
  ('10:00+01:00:30.5', '%H:%M%z', true),
  ('10:00+23:59:59.999999', '%H:%M%z', true),
  ('10:00+0160', '%H:%M%z', false),
  ('10:00 UTC', '%H:%M %Z', true),
  ('10:00 gmt', '%H:%M %Z', true),
  ('10:00 CET', '%H:%M %Z', false),
  ('100%', '%d%%', false),
  ('31%', '%d%%', true),
  ('5', '%w', true),
  ('7', '%w', false),
  ('7', '%u', true),
  ('0', '%u', false),
  ('', '', true),
  ('x', '', false),
  ('abc', 'abc', true),
  ('ABC', 'abc', true),
  ('a.c', 'a.c', true),
  ('abc', 'a.c', false),
  ('Date: 2024-01-31', 'Date: %Y-%m-%d', true),
  ('date:2024-01-31', 'Date: %Y-%m-%d', false),
  ('2024-01-31 ', '%Y-%m-%d ', true),
  ('2024-01-31', '%Y-%m-%d ', false),
  (E'2024-01-31\n', '%Y-%m-%d', false),
  (E'2024-01-31\n', E'%Y-%m-%d\n', true),
  ('12/31/99 11:59:59 PM', '%m/%d/%y %I:%M:%S %p', true),
  ('31.12.2024 23:59', '%d.%m.%Y %H:%M', true),
  ('31.12.2024', '%d.%m.%Y %H:%M', false),
  ('١٢', '%m', false);
SELECT id, value, format, python, vqc.matches_strftime(value, format) AS vqc
FROM strptime_cases ORDER BY id;
-- every answer agrees with Python
SELECT count(*) AS cases,
       count(*) FILTER (WHERE vqc.matches_strftime(value, format) IS DISTINCT FROM python) AS disagreements
FROM strptime_cases;
-- one format over many rows (the parsed format is cached)
SELECT count(*) FILTER (WHERE vqc.matches_strftime(to_char(d, 'YYYY-MM-DD'), '%Y-%m-%d')) AS valid,
       count(*) AS total
FROM generate_series(date '2000-01-01', date '2000-12-31', interval '1 day') AS d;
SELECT count(*) FILTER (WHERE vqc.matches_strftime('2023-02-' || lpad(g::text, 2, '0'), '%Y-%m-%d')) AS valid_feb_2023_days
FROM generate_series(1, 31) AS g;

-- documented differences from CPython: non-ASCII digits are refused
-- (CPython's \d in %Y takes them)
SELECT vqc.matches_strftime('٢٠٢٤', '%Y') AS f_python_true;

-- NULL in, NULL out
SELECT vqc.matches_strftime(NULL, '%Y') IS NULL AS t,
       vqc.matches_strftime('2024', NULL) IS NULL AS t,
       vqc.strftime_validate(NULL) IS NULL AS t,
       vqc.is_iso8601_date(NULL) IS NULL AS t,
       vqc.is_iso8601_datetime(NULL) IS NULL AS t,
       vqc.is_email(NULL) IS NULL AS t;

-- invalid formats
SELECT vqc.strftime_validate('%Y-%m-%d %H:%M:%S.%f%z') AS t;
SELECT vqc.strftime_validate('%e');
SELECT vqc.strftime_validate('%Y-%m-%');
SELECT vqc.strftime_validate('%Y %Y');
SELECT vqc.strftime_validate('%c');
SELECT vqc.strftime_validate('%ü');
SELECT vqc.matches_strftime('2024-01-01', '%Y-%m-%e');
-- an invalid format errors even when no row would need it
SELECT vqc.matches_strftime('', '%Q');
DO $$
BEGIN
  PERFORM vqc.strftime_validate('%U');
EXCEPTION WHEN invalid_parameter_value THEN
  RAISE NOTICE 'SQLSTATE %: %', SQLSTATE, SQLERRM;
END $$;

-- e-mail addresses
SELECT v, vqc.is_email(v) AS ok
FROM (VALUES ('user@example.com'), ('first.last@example.co.uk'),
             ('user+tag@sub.example.org'), ('a@b.co'), ('x@xn--bcher-kva.example'),
             ($$o'brien!#$%&*/=?^_`{|}~-@example.com$$), ('user@123.example'),
             ('1234@example.com'), ('user@example.c0m'),
             ('plainaddress'), ('@example.com'), ('user@'), ('user@@example.com'),
             ('us@er@example.com'), ('.user@example.com'), ('user.@example.com'),
             ('us..er@example.com'), ('user@example'), ('user@.example.com'),
             ('user@example.com.'), ('user@example..com'), ('user@-example.com'),
             ('user@example-.com'), ('user@exa_mple.com'), ('user@192.168.0.1'),
             ('user@[192.168.0.1]'), ('"john doe"@example.com'), ('john doe@example.com'),
             ('user@example.com '), (' user@example.com'), ('usér@example.com'),
             ('user@exämple.com'), ('user@ex ample.com'), ('user(comment)@example.com'),
             ('')) AS t(v);
-- length limits (shown by length): local part 64, label 63, total 254
SELECT what, length(v) AS len, vqc.is_email(v) AS ok
FROM (VALUES ('local 64', repeat('a', 64) || '@example.com'),
             ('local 65', repeat('a', 65) || '@example.com'),
             ('label 63', 'a@' || repeat('b', 63) || '.com'),
             ('label 64', 'a@' || repeat('b', 64) || '.com'),
             ('total 254', repeat('a', 64) || '@' || repeat('b', 62) || '.' || repeat('b', 62) || '.' || repeat('c', 63)),
             ('total 255', repeat('a', 64) || '@' || repeat('b', 62) || '.' || repeat('b', 62) || '.' || repeat('c', 61) || '.cd'),
             ('domain 251', 'a@' || repeat(repeat('b', 61) || '.', 4) || 'com')) AS t(what, v);
