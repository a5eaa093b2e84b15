-- 0001_foundation.sql: extensions every later capability relies on, and platform settings.
--
-- citext: case-insensitive e-mail addresses; unaccent and pg_trgm: accent-insensitive name
-- search in the directory and autocompletion. All three are "trusted" extensions, so the
-- database owner (the application's role) may create them without superuser rights.
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Platform-wide settings an administrator changes at run time (allowed invitation domains,
-- retention periods ...). One row per key; the value is JSON so each setting keeps its type.
CREATE TABLE platform_settings (
    key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.]{0,62}$'),
    value jsonb NOT NULL,
    updated_at timestamp with time zone NOT NULL DEFAULT now()
);
