-- The tables and helpers the comparisons share (test/citus/run.sh runs this
-- on the coordinator after test/fixtures/people.sql made people).
--   people        distributed by record_id in 32 shards
--   people_plain  a plain copy on the coordinator
--   people_part   partitioned by range of record_id, distributed by it
SET client_min_messages = warning;

-- label columns for the model expectations
ALTER TABLE people ADD COLUMN label text, ADD COLUMN pred text, ADD COLUMN y_true boolean, ADD COLUMN y_score float8;
UPDATE people SET label = CASE WHEN score > 50 THEN 'yes' ELSE 'no' END,
                  pred = CASE WHEN age > 50 THEN 'yes' ELSE 'no' END,
                  y_true = score > 50, y_score = age / 200.0;

-- ordered columns for increasing / decreasing (by record_id, whose three
-- repeated ids carry equal values): level rises by steps of ten rows, with
-- a drop every 9001 ids and NULL every 4999; seq_ts (text) a minute per id,
-- two hours back every 7001 ids
ALTER TABLE people ADD COLUMN level integer, ADD COLUMN seq_ts text;
UPDATE people SET level = CASE WHEN record_id % 4999 = 0 THEN NULL
                               ELSE (record_id / 10 - CASE WHEN record_id % 9001 = 0 THEN 3 ELSE 0 END)::int END,
                  seq_ts = to_char(timestamp '2024-01-01' + (record_id * 60 - CASE WHEN record_id % 7001 = 0 THEN 7200 ELSE 0 END)
                                                            * interval '1 second', 'YYYY-MM-DD HH24:MI:SS');

CREATE TABLE people_plain AS SELECT * FROM people;
CREATE TABLE people_part (LIKE people) PARTITION BY RANGE (record_id);
CREATE TABLE people_part_1 PARTITION OF people_part FOR VALUES FROM (MINVALUE) TO (50000);
CREATE TABLE people_part_2 PARTITION OF people_part FOR VALUES FROM (50000) TO (MAXVALUE);
INSERT INTO people_part SELECT * FROM people;
SELECT create_distributed_table('people', 'record_id', shard_count => 32);
SELECT create_distributed_table('people_part', 'record_id', shard_count => 32);
-- the rows moved into the shards; the coordinator's local copies go
SELECT truncate_local_data_after_distributing_table('people');
SELECT truncate_local_data_after_distributing_table('people_part');
ANALYZE people_plain;

-- A row gather would make every aggregate "work": refuse it, so that a
-- feature runs on the distributed table only when its aggregates run on
-- the workers.
ALTER DATABASE postgres SET citus.coordinator_aggregation_strategy = 'disabled';

-- One row per feature compared.
CREATE TABLE citus_result (
    feature     text PRIMARY KEY,
    pushed_down boolean NOT NULL,
    same_answer boolean NOT NULL,
    detail      text,
    -- what runs instead of a push-down, checked in the plan (NULL: nothing;
    -- then a feature not pushed down is a failure)
    instead     text
);

