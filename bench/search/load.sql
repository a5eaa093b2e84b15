-- load.sql - the search benchmark's documents, straight into the real schema with COPY.
-- psql runs it after world.sql with BENCH_SEARCH_GEN in its environment: a command that
-- writes one table's rows in COPY text format (bench/search/gen.c with its options).
-- Blobs are not needed for search: every version names the same SHA-256 and its text is
-- already "extracted" (text_status done).
\set ON_ERROR_STOP on
BEGIN;
-- The 0004 triggers would queue every row (three a document) for the indexer; the index is
-- built afterwards from scratch by `relais reindex`, which reads everything anyway.
ALTER TABLE tags DISABLE TRIGGER tags_search;
ALTER TABLE documents DISABLE TRIGGER documents_search;
ALTER TABLE document_versions DISABLE TRIGGER document_versions_search;
ALTER TABLE document_tags DISABLE TRIGGER document_tags_search;
\copy tags (id, community_id, name, created_at) FROM PROGRAM '"$BENCH_SEARCH_GEN" tags'
\copy documents (id, community_id, title, description, status, version_count, current_version, author_id, created_at, updated_at) FROM PROGRAM '"$BENCH_SEARCH_GEN" documents'
\copy document_versions (document_id, number, sha256, size, media_type, filename, author_id, created_at, text_status, extracted_text) FROM PROGRAM '"$BENCH_SEARCH_GEN" versions'
\copy document_tags (document_id, tag_id) FROM PROGRAM '"$BENCH_SEARCH_GEN" document_tags'
ALTER TABLE tags ENABLE TRIGGER tags_search;
ALTER TABLE documents ENABLE TRIGGER documents_search;
ALTER TABLE document_versions ENABLE TRIGGER document_versions_search;
ALTER TABLE document_tags ENABLE TRIGGER document_tags_search;
-- COPY wrote the identity columns itself: move their sequences past what it wrote.
SELECT setval(pg_get_serial_sequence('documents', 'id'), max(id)) FROM documents;
SELECT setval(pg_get_serial_sequence('tags', 'id'), max(id)) FROM tags;
COMMIT;
-- What world.sql's rows queued (communities, people, memberships): reindex covers it.
TRUNCATE search_queue;
ANALYZE organisations, users, communities, memberships, sessions, tags, documents,
        document_versions, document_tags;
