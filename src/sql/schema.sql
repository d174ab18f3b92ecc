-- vqc install script, joined by the Makefile from the SQL beside each concern.
\echo Use "CREATE EXTENSION vqc" to load this file. \quit

-- Schema vqc (the API) is the extension's own schema (vqc.control);
-- vqc_report holds the quality report that dashboards read.
CREATE SCHEMA vqc_report;
GRANT USAGE ON SCHEMA vqc TO PUBLIC;
GRANT USAGE ON SCHEMA vqc_report TO PUBLIC;
