-- A suite whose name, notes and failing values are markup and script: the
-- browser test checks that its page runs none of it.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE TABLE hostile (id int PRIMARY KEY, v text, n float8);
INSERT INTO hostile VALUES
    (1, '<script>alert(1)</script>', 1),
    (2, '"><img src=x onerror=alert(2)>', 2),
    (3, '</svg><script>alert(3)</script><svg>', 3),
    (4, E'\x01\x02\x07\x1b[31m binary-looking \\x00\\xff', 4),
    (5, repeat('<b>big', 200000), 5),
    (6, 'fine', 6);
SELECT vqc.create_suite('<script>alert("suite")</script>', 'hostile', profile_columns => '{v,n}');
SELECT vqc.add_expectation('<script>alert("suite")</script>', 'expect_column_values_to_be_in_set',
                           '{"column": "v", "value_set": ["fine"], "meta": {"notes": "<script>alert(\"notes\")</script><img src=x onerror=alert(4)>"}}');
SELECT vqc.add_expectation('<script>alert("suite")</script>', 'expect_column_mean_to_be_between',
                           '{"column": "n", "min_value": 0, "max_value": 10}');
SELECT count(*) FROM vqc.run('<script>alert("suite")</script>');
UPDATE hostile SET n = n * 3;
SELECT count(*) FROM vqc.run('<script>alert("suite")</script>');
