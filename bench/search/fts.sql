-- fts.sql - the PostgreSQL baseline: the same documents in a tsvector with a GIN index.
-- Title A, tags B, description C, body D, French configuration, as the issue asks. The table
-- keeps community_id and the file extension so the filters of queries.tsv apply on both
-- sides. Prints "fts_seconds tsvector|gin S" lines for bench/search/run.
\set ON_ERROR_STOP on
-- The GIN build sorts in memory up to this much (the default, 64 MB, spills to disk).
SET maintenance_work_mem = '256MB';
-- to_tsvector is most of the work: let PostgreSQL spread it over parallel workers (the
-- planner does not know how costly the function is, so it is told parallelism is cheap).
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
DROP TABLE IF EXISTS bench_search_fts;
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE bench_search_fts AS
SELECT d.id, d.community_id,
       lower(substring(v.filename FROM '\.([A-Za-z0-9]{1,8})$')) AS ext,
       setweight(to_tsvector('french', d.title), 'A')
       || setweight(to_tsvector('french', coalesce(t.names, '')), 'B')
       || setweight(to_tsvector('french', d.description), 'C')
       || setweight(to_tsvector('french', coalesce(v.extracted_text, '')), 'D') AS tsv
  FROM documents d
  LEFT JOIN document_versions v ON v.document_id = d.id AND v.number = d.current_version
  LEFT JOIN (SELECT dt.document_id, string_agg(t.name::text, ' ') AS names
               FROM document_tags dt JOIN tags t ON t.id = dt.tag_id
              GROUP BY dt.document_id) t ON t.document_id = d.id
 WHERE d.deleted_at IS NULL;
SELECT extract(epoch FROM clock_timestamp() - :'t0') AS s \gset
\echo fts_seconds tsvector :s
SELECT clock_timestamp() AS t0 \gset
CREATE INDEX bench_search_fts_tsv ON bench_search_fts USING gin (tsv);
SELECT extract(epoch FROM clock_timestamp() - :'t0') AS s \gset
\echo fts_seconds gin :s
CREATE INDEX bench_search_fts_community ON bench_search_fts (community_id);
VACUUM ANALYZE bench_search_fts;
SELECT pg_table_size('bench_search_fts') AS b \gset
\echo fts_bytes table :b
SELECT pg_relation_size('bench_search_fts_tsv') AS b \gset
\echo fts_bytes gin :b
