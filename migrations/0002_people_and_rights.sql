-- 0002_people_and_rights.sql: organisations, people, sessions, API tokens, communities,
-- memberships, join requests, invitations, the e-mail outbox, throttling and the audit trail.

-- The server runs its queries as relais_app (RELAIS_DB_ROLE), a role that may read and write
-- the application's tables but only read and append the audit trail. The role is created by
-- scripts/lib/pgcluster.sh for the embedded cluster, or here when the migrating role may.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'relais_app') THEN
        CREATE ROLE relais_app NOLOGIN;
    END IF;
    IF NOT pg_has_role(current_user, 'relais_app', 'MEMBER') THEN
        EXECUTE format('GRANT relais_app TO %I', current_user);
    END IF;
END
$$;
ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO relais_app;
ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO relais_app;
ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO relais_app;
GRANT USAGE ON SCHEMA public TO relais_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON platform_settings TO relais_app;
GRANT SELECT ON schema_migrations TO relais_app;

CREATE TYPE organisation_kind AS ENUM ('ght', 'ars', 'esms', 'other');

CREATE TABLE organisations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind organisation_kind NOT NULL,
    name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamp with time zone NOT NULL DEFAULT now()
);

CREATE TYPE user_kind AS ENUM ('staff', 'guest');
CREATE TYPE platform_role AS ENUM ('user', 'admin');
CREATE TYPE user_status AS ENUM ('active', 'suspended', 'deactivated');

CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email citext NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
    kind user_kind NOT NULL DEFAULT 'staff',
    organisation_id bigint REFERENCES organisations (id) ON DELETE RESTRICT,
    job_title text NOT NULL DEFAULT '' CHECK (length(job_title) <= 120),
    phone text NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    place text NOT NULL DEFAULT '' CHECK (length(place) <= 120),
    bio text NOT NULL DEFAULT '' CHECK (length(bio) <= 2000),
    photo bytea CHECK (octet_length(photo) <= 2097152),
    photo_type text CHECK (photo_type IN ('image/png', 'image/jpeg', 'image/webp', 'image/gif')),
    platform_role platform_role NOT NULL DEFAULT 'user',
    status user_status NOT NULL DEFAULT 'active',
    -- NULL until the person sets one (an invited partner who has not accepted yet).
    password_hash text,
    password_changed_at timestamp with time zone,
    email_verified_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    -- External partners belong to no organisation of the platform.
    CHECK (kind = 'staff' OR organisation_id IS NULL)
);
CREATE INDEX users_organisation ON users (organisation_id);
-- The directory folds case and accents ("helene" finds "Hélène"). unaccent() is only STABLE
-- (its dictionary could change), so this IMMUTABLE wrapper names the dictionary and lets the
-- trigram index below serve `relais_fold(...) LIKE '%word%'`.
CREATE FUNCTION relais_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, $1));
-- "Hôpital X" and "HOPITAL X" are the same organisation.
CREATE UNIQUE INDEX organisations_name_fold ON organisations (relais_fold(name));
CREATE INDEX users_search_trgm ON users
    USING gin (relais_fold(display_name || ' ' || job_title || ' ' || place) gin_trgm_ops);

CREATE TABLE sessions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- SHA-256 of the 256-bit token in the cookie; the token itself is never stored.
    token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    csrf_token text NOT NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    last_seen_at timestamp with time zone NOT NULL DEFAULT now(),
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    ip inet,
    user_agent text CHECK (length(user_agent) <= 512)
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TYPE token_scope AS ENUM ('read', 'read_write');

CREATE TABLE api_tokens (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    -- First characters of the token, shown in lists so people can tell tokens apart.
    prefix text NOT NULL,
    scope token_scope NOT NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    last_used_at timestamp with time zone,
    expires_at timestamp with time zone,
    revoked_at timestamp with time zone
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TYPE community_visibility AS ENUM ('public', 'restricted', 'secret');

CREATE TABLE communities (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    organisation_id bigint REFERENCES organisations (id) ON DELETE RESTRICT,
    visibility community_visibility NOT NULL,
    cover bytea CHECK (octet_length(cover) <= 4194304),
    cover_type text CHECK (cover_type IN ('image/png', 'image/jpeg', 'image/webp', 'image/gif')),
    archived_at timestamp with time zone,
    created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now()
);

CREATE TYPE member_role AS ENUM ('animator', 'member', 'guest');

CREATE TABLE memberships (
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role member_role NOT NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TYPE join_request_status AS ENUM ('pending', 'approved', 'refused', 'cancelled');

CREATE TABLE join_requests (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message text NOT NULL DEFAULT '' CHECK (length(message) <= 1000),
    status join_request_status NOT NULL DEFAULT 'pending',
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    decided_by bigint REFERENCES users (id) ON DELETE SET NULL,
    decided_at timestamp with time zone
);
CREATE UNIQUE INDEX join_requests_one_pending ON join_requests (community_id, user_id)
    WHERE status = 'pending';

CREATE TABLE invitations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    email citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    role member_role NOT NULL DEFAULT 'guest',
    message text NOT NULL DEFAULT '' CHECK (length(message) <= 1000),
    invited_by bigint REFERENCES users (id) ON DELETE SET NULL,
    -- The link carries a signed token naming this row and this nonce.
    nonce bytea NOT NULL UNIQUE CHECK (octet_length(nonce) = 16),
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    expires_at timestamp with time zone NOT NULL,
    accepted_at timestamp with time zone,
    accepted_by bigint REFERENCES users (id) ON DELETE SET NULL,
    revoked_at timestamp with time zone
);
CREATE INDEX invitations_community ON invitations (community_id);

-- Single-use signed tokens (password reset, e-mail verification): a token's nonce is
-- recorded here when it is used, so a second use is refused.
CREATE TABLE used_tokens (
    nonce bytea PRIMARY KEY CHECK (octet_length(nonce) = 16),
    purpose text NOT NULL,
    used_at timestamp with time zone NOT NULL DEFAULT now()
);

-- Every e-mail the platform sends is written here first, in the transaction that decided
-- to send it; the mail sender delivers from here, so nothing is lost in a crash.
CREATE TABLE email_outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    to_address citext NOT NULL,
    user_id bigint REFERENCES users (id) ON DELETE SET NULL,
    subject text NOT NULL,
    body_text text NOT NULL,
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    sent_at timestamp with time zone,
    attempts integer NOT NULL DEFAULT 0,
    last_error text
);
CREATE INDEX email_outbox_unsent ON email_outbox (created_at) WHERE sent_at IS NULL;

-- Failed logins per account and per client address, in a sliding window.
CREATE TABLE auth_throttle (
    key text PRIMARY KEY,
    failures integer NOT NULL DEFAULT 0,
    window_start timestamp with time zone NOT NULL DEFAULT now(),
    blocked_until timestamp with time zone
);

-- The audit trail ("traces"): append-only. relais_app may SELECT and INSERT only; rows
-- leave only through audit_purge(), which runs with its owner's rights.
CREATE TABLE audit_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamp with time zone NOT NULL DEFAULT now(),
    -- No foreign keys: the trail outlives the people and objects it names.
    actor_id bigint,
    actor_email text,
    action text NOT NULL CHECK (action ~ '^[a-z][a-z_.]{1,63}$'),
    object_type text,
    object_id text,
    community_id bigint,
    ip inet,
    user_agent text CHECK (length(user_agent) <= 512),
    detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at);
CREATE INDEX audit_events_action ON audit_events (action, at);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id, at);
CREATE INDEX audit_events_community ON audit_events (community_id, at) WHERE community_id IS NOT NULL;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM relais_app;

CREATE FUNCTION audit_purge(older_than interval) RETURNS bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = public
AS $$
    WITH gone AS (DELETE FROM audit_events WHERE at < now() - older_than RETURNING 1)
    SELECT count(*) FROM gone;
$$;
REVOKE ALL ON FUNCTION audit_purge(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_purge(interval) TO relais_app;
