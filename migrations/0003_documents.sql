-- 0003_documents.sql - the document library (GED) of each community: folders, documents,
-- versions whose bytes live in the content-addressed blob store (server/store/blob.h), tags,
-- trash, check-out locks, the validation workflow and the text extracted for search.

-- Tags: one model for the whole product. A tag belongs to a community (so it is seen exactly
-- by who sees the community); documents attach them through document_tags, and later forums
-- and the wiki through tables of their own.
CREATE TABLE tags (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    name citext NOT NULL CHECK (length(name) BETWEEN 1 AND 60 AND name !~ '[[:cntrl:],]'),
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    UNIQUE (community_id, name)
);

CREATE TABLE folders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    parent_id bigint REFERENCES folders (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200 AND name !~ '[[:cntrl:]/\\]'),
    -- Validation notices go to the whole community, or to folder_recipients.
    notify_community boolean NOT NULL DEFAULT false,
    created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE UNIQUE INDEX folders_unique_name ON folders (community_id, coalesce(parent_id, 0), lower(name));
CREATE INDEX folders_parent ON folders (parent_id);

CREATE TABLE folder_recipients (
    folder_id bigint NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (folder_id, user_id)
);

CREATE TYPE document_status AS ENUM ('draft', 'in_review', 'validated', 'archived');

CREATE TABLE documents (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    -- A folder is deleted only when empty; NULL = the library's root.
    folder_id bigint REFERENCES folders (id) ON DELETE RESTRICT,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    status document_status NOT NULL DEFAULT 'draft',
    -- Versions are numbered 1, 2, 3 ... without gaps: a new one takes version_count + 1
    -- while holding this row's lock.
    version_count integer NOT NULL DEFAULT 0 CHECK (version_count >= 0),
    current_version integer NOT NULL DEFAULT 0 CHECK (current_version BETWEEN 0 AND version_count),
    author_id bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    -- Check-out lock: nobody else adds a version while it is held.
    locked_by bigint REFERENCES users (id) ON DELETE SET NULL,
    locked_at timestamp with time zone,
    -- Trash: kept 30 days, restorable by animators.
    deleted_at timestamp with time zone,
    deleted_by bigint REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX documents_community ON documents (community_id, folder_id) WHERE deleted_at IS NULL;
CREATE INDEX documents_trash ON documents (community_id, deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TYPE extraction_status AS ENUM ('done', 'truncated', 'none', 'failed');

CREATE TABLE document_versions (
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    number integer NOT NULL CHECK (number >= 1),
    -- The blob: DATA_DIR/blobs/ab/cd/<hex>. A row is committed only after the blob is durable.
    sha256 bytea NOT NULL CHECK (octet_length(sha256) = 32),
    size bigint NOT NULL CHECK (size >= 0),
    media_type text NOT NULL CHECK (length(media_type) BETWEEN 1 AND 127),
    -- As uploaded, sanitised for display; never used as a path.
    filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 1000),
    author_id bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    restored_from integer,
    -- Text for search (server/extract/), capped at 10 MiB.
    text_status extraction_status NOT NULL,
    extracted_text text,
    text_error text,
    PRIMARY KEY (document_id, number)
);
-- The blob sweeper asks, for each old blob, whether any version still names it.
CREATE INDEX document_versions_sha256 ON document_versions (sha256);

CREATE TABLE document_tags (
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (document_id, tag_id)
);
CREATE INDEX document_tags_tag ON document_tags (tag_id);

-- The validation workflow's history: who submitted, validated or rejected which version.
CREATE TYPE review_action AS ENUM ('submitted', 'validated', 'rejected');

CREATE TABLE document_reviews (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version integer NOT NULL,
    action review_action NOT NULL,
    actor_id bigint REFERENCES users (id) ON DELETE SET NULL,
    comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    at timestamp with time zone NOT NULL DEFAULT now()
);
CREATE INDEX document_reviews_document ON document_reviews (document_id, at);
