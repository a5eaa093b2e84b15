-- 0004_search.sql - the full-text index's work queue (server/search/indexer.c).
--
-- The index lives outside PostgreSQL (Xapian, DATA_DIR/search), so every change to indexed
-- content queues "(kind, id) changed" in the same transaction as the change itself: a
-- rollback queues nothing, a commit can never be lost by a crash. Triggers do it, so no
-- code path that writes content can forget. The indexer reads the current state of each
-- queued item, updates the index, commits the index, then deletes the queue rows; a crash
-- in between only makes it apply the same rows again.

CREATE TABLE search_queue (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,30}$'),
    item_id bigint NOT NULL,
    queued_at timestamp with time zone NOT NULL DEFAULT now()
);

-- Wakes the indexer (LISTEN relais_search). PostgreSQL folds identical notifications of a
-- transaction into one and delivers it at commit.
CREATE FUNCTION search_enqueue(p_kind text, p_id bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO search_queue (kind, item_id) VALUES (p_kind, p_id);
    SELECT pg_notify('relais_search', '');
$$;

CREATE FUNCTION search_queue_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM search_enqueue('document', OLD.document_id);
    ELSE
        PERFORM search_enqueue('document', NEW.document_id);
    END IF;
    RETURN NULL;
END $$;

-- documents: title, description, status, folder, trash, current version all live here.
CREATE FUNCTION search_queue_documents() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_enqueue('document', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    RETURN NULL;
END $$;
CREATE TRIGGER documents_search AFTER INSERT OR UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION search_queue_documents();

-- The extracted text arrives with a version row (and a restore makes a new one).
CREATE TRIGGER document_versions_search AFTER INSERT OR DELETE ON document_versions
    FOR EACH ROW EXECUTE FUNCTION search_queue_document();
CREATE TRIGGER document_tags_search AFTER INSERT OR DELETE ON document_tags
    FOR EACH ROW EXECUTE FUNCTION search_queue_document();

-- A folder renamed or moved changes the path of every document below it.
CREATE FUNCTION search_queue_folder() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_queue (kind, item_id)
    WITH RECURSIVE below (id) AS (
        SELECT NEW.id
        UNION ALL
        SELECT f.id FROM folders f JOIN below b ON f.parent_id = b.id
    )
    SELECT 'document', d.id FROM documents d WHERE d.folder_id IN (SELECT id FROM below);
    PERFORM pg_notify('relais_search', '');
    RETURN NULL;
END $$;
CREATE TRIGGER folders_search AFTER UPDATE OF name, parent_id ON folders
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.parent_id IS DISTINCT FROM NEW.parent_id)
    EXECUTE FUNCTION search_queue_folder();

-- A community is indexed with the names of its tags.
CREATE FUNCTION search_queue_tag() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM search_enqueue('tag', OLD.id);
        PERFORM search_enqueue('community', OLD.community_id);
    ELSE
        PERFORM search_enqueue('tag', NEW.id);
        PERFORM search_enqueue('community', NEW.community_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tags_search AFTER INSERT OR UPDATE OR DELETE ON tags
    FOR EACH ROW EXECUTE FUNCTION search_queue_tag();

-- A community's name is also indexed with each of its documents (communauté:).
CREATE FUNCTION search_queue_community() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM search_enqueue('community', OLD.id);
        RETURN NULL;
    END IF;
    PERFORM search_enqueue('community', NEW.id);
    IF TG_OP = 'UPDATE' AND OLD.name IS DISTINCT FROM NEW.name THEN
        INSERT INTO search_queue (kind, item_id)
        SELECT 'document', d.id FROM documents d WHERE d.community_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER communities_search AFTER INSERT OR UPDATE OR DELETE ON communities
    FOR EACH ROW EXECUTE FUNCTION search_queue_community();

-- People: what is indexed of them, and their name on the documents they wrote (auteur:).
CREATE FUNCTION search_queue_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM search_enqueue('person', OLD.id);
        RETURN NULL;
    END IF;
    PERFORM search_enqueue('person', NEW.id);
    IF TG_OP = 'UPDATE' AND OLD.display_name IS DISTINCT FROM NEW.display_name THEN
        INSERT INTO search_queue (kind, item_id)
        SELECT 'document', d.id FROM documents d WHERE d.author_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER users_search_insert AFTER INSERT OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION search_queue_user();
CREATE TRIGGER users_search_update
    AFTER UPDATE OF display_name, kind, organisation_id, job_title, place, status, platform_role ON users
    FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name
                       OR OLD.kind IS DISTINCT FROM NEW.kind
                       OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
                       OR OLD.job_title IS DISTINCT FROM NEW.job_title
                       OR OLD.place IS DISTINCT FROM NEW.place
                       OR OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION search_queue_user();

-- Who may find a person depends on the communities they share (server/access/).
CREATE FUNCTION search_queue_membership() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_enqueue('person', CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END);
    RETURN NULL;
END $$;
CREATE TRIGGER memberships_search AFTER INSERT OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION search_queue_membership();

CREATE FUNCTION search_queue_organisation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_queue (kind, item_id)
    SELECT 'person', u.id FROM users u WHERE u.organisation_id = NEW.id;
    PERFORM pg_notify('relais_search', '');
    RETURN NULL;
END $$;
CREATE TRIGGER organisations_search AFTER UPDATE OF name ON organisations
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION search_queue_organisation();
