/* auth_store.c - the SQL behind login, my account, my sessions and tokens, e-mailed links. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_store.h"

/* A timestamp as the API writes it: ISO 8601, UTC, seconds. */
#define ISO(x) "to_char(" x " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

#define ACCOUNT_COLUMNS                                                                     \
    "SELECT id, email, display_name, password_hash, status = 'active',"                     \
    "       email_verified_at IS NOT NULL,"                                                 \
    "       coalesce(ceil(extract(epoch FROM password_changed_at))::bigint, 0)"             \
    "  FROM users"

static const char sql_account_by_email[] = ACCOUNT_COLUMNS " WHERE email = $1::citext";
static const char sql_account_by_id[] = ACCOUNT_COLUMNS " WHERE id = $1";

static const char sql_me[] =
    "SELECT json_build_object("
    "  'id', u.id, 'email', u.email, 'display_name', u.display_name, 'kind', u.kind,"
    "  'platform_role', u.platform_role, 'status', u.status,"
    "  'organisation', CASE WHEN o.id IS NULL THEN NULL"
    "                  ELSE json_build_object('id', o.id, 'name', o.name, 'kind', o.kind) END,"
    "  'job_title', u.job_title, 'phone', u.phone, 'place', u.place, 'bio', u.bio,"
    "  'has_photo', u.photo IS NOT NULL, 'email_verified', u.email_verified_at IS NOT NULL,"
    "  'created_at', " ISO("u.created_at") ")::text"
    "  FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id"
    " WHERE u.id = $1";

static const char sql_sessions[] =
    "SELECT coalesce(json_agg(json_build_object("
    "  'id', s.id, 'created_at', " ISO("s.created_at") ","
    "  'last_seen_at', " ISO("s.last_seen_at") ","
    "  'expires_at', " ISO("least(s.expires_at, s.last_seen_at + make_interval(mins => $3::int))") ","
    "  'ip', host(s.ip), 'user_agent', s.user_agent, 'current', s.id = $2)"
    "  ORDER BY s.last_seen_at DESC, s.id DESC), '[]')::text"
    "  FROM (SELECT * FROM sessions"
    "         WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()"
    "           AND last_seen_at > now() - make_interval(mins => $3::int)"
    "         ORDER BY last_seen_at DESC, id DESC LIMIT 100) s";

#define TOKEN_OBJECT                                                                        \
    "json_build_object('id', t.id, 'name', t.name, 'prefix', t.prefix, 'scope', t.scope,"   \
    "  'created_at', " ISO("t.created_at") ", 'last_used_at', " ISO("t.last_used_at") ","   \
    "  'expires_at', " ISO("t.expires_at") ","                                              \
    "  'expired', t.expires_at IS NOT NULL AND t.expires_at <= now())"

static const char sql_tokens[] =
    "SELECT coalesce(json_agg(" TOKEN_OBJECT " ORDER BY t.created_at DESC, t.id DESC), '[]')::text"
    "  FROM api_tokens t WHERE t.user_id = $1 AND t.revoked_at IS NULL";

static const char sql_token[] =
    "SELECT " TOKEN_OBJECT "::text FROM api_tokens t"
    " WHERE t.user_id = $1 AND t.id = $2 AND t.revoked_at IS NULL";

static const char sql_tokens_count[] =
    "SELECT count(*) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL"
    "   AND (expires_at IS NULL OR expires_at > now())";

static const char sql_token_expire_in[] =
    "UPDATE api_tokens SET expires_at = created_at + make_interval(days => $2::int) WHERE id = $1";

static const char sql_token_revoke[] =
    "UPDATE api_tokens SET revoked_at = now()"
    " WHERE user_id = $1 AND id = $2 AND revoked_at IS NULL";

static const char sql_tokens_revoke_all[] =
    "UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL";

static const char sql_password_set[] =
    "UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now(),"
    "       email_verified_at = CASE WHEN $4::bool THEN coalesce(email_verified_at, now())"
    "                           ELSE email_verified_at END"
    " WHERE id = $1 AND status = 'active'"
    "   AND ($3::bigint = 0 OR password_changed_at IS NULL"
    "        OR ceil(extract(epoch FROM password_changed_at)) <= $3::bigint)";

static const char sql_email_verified_set[] =
    "UPDATE users SET email_verified_at = coalesce(email_verified_at, now())"
    " WHERE id = $1 AND status = 'active'";

static const char sql_nonce_used[] = "SELECT 1 FROM used_tokens WHERE nonce = $1::bytea";

static const char sql_nonce_use[] =
    "INSERT INTO used_tokens (nonce, purpose) VALUES ($1::bytea, $2) ON CONFLICT DO NOTHING";

static const char sql_outbox_add[] =
    "INSERT INTO email_outbox (kind, to_address, user_id, subject, body_text)"
    " VALUES ($1, $2, $3, $4, $5)";

static void id_text(char out[24], long long v)
{
    snprintf(out, 24, "%lld", v);
}

static bool affected(PGresult *res)
{
    return atoll(PQcmdTuples(res)) > 0;
}

static rstatus account_query(db_conn *db, arena *a, const char *sql, const char *param,
                             auth_account *out, bool *found)
{
    const char *params[] = {param};
    PGresult *res;
    rstatus st = db_query(db, sql, 1, params, &res);
    if (st != ST_OK)
        return st;
    *found = PQntuples(res) == 1;
    if (*found) {
        out->id = atoll(PQgetvalue(res, 0, 0));
        out->email = arena_strdup(a, PQgetvalue(res, 0, 1));
        out->display_name = arena_strdup(a, PQgetvalue(res, 0, 2));
        out->password_hash = PQgetisnull(res, 0, 3) ? NULL : arena_strdup(a, PQgetvalue(res, 0, 3));
        out->active = PQgetvalue(res, 0, 4)[0] == 't';
        out->email_verified = PQgetvalue(res, 0, 5)[0] == 't';
        out->password_changed_unix = atoll(PQgetvalue(res, 0, 6));
        if (!out->email || !out->display_name || (!PQgetisnull(res, 0, 3) && !out->password_hash))
            st = ST_NOMEM;
    }
    PQclear(res);
    return st;
}

rstatus auth_store_account_by_email(db_conn *db, arena *a, const char *email, auth_account *out,
                                    bool *found)
{
    return account_query(db, a, sql_account_by_email, email, out, found);
}

rstatus auth_store_account_by_id(db_conn *db, arena *a, long long user_id, auth_account *out,
                                 bool *found)
{
    char id[24];
    id_text(id, user_id);
    return account_query(db, a, sql_account_by_id, id, out, found);
}

/* Runs a statement that returns one text value (or no row); copies it into a. */
static rstatus text_query(db_conn *db, arena *a, const char *sql, int nparams,
                          const char *const *params, const char **out)
{
    PGresult *res;
    rstatus st = db_query(db, sql, nparams, params, &res);
    if (st != ST_OK)
        return st;
    *out = NULL;
    if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
        *out = arena_strdup(a, PQgetvalue(res, 0, 0));
        if (!*out)
            st = ST_NOMEM;
    }
    PQclear(res);
    return st;
}

rstatus auth_store_me_json(db_conn *db, arena *a, long long user_id, const char **json)
{
    char id[24];
    id_text(id, user_id);
    const char *params[] = {id};
    return text_query(db, a, sql_me, 1, params, json);
}

rstatus auth_store_sessions_json(db_conn *db, arena *a, long long user_id,
                                 long long current_session_id, int idle_minutes,
                                 const char **json)
{
    char id[24], cur[24], idle[24];
    id_text(id, user_id);
    id_text(cur, current_session_id);
    id_text(idle, idle_minutes);
    const char *params[] = {id, cur, idle};
    return text_query(db, a, sql_sessions, 3, params, json);
}

rstatus auth_store_tokens_json(db_conn *db, arena *a, long long user_id, const char **json)
{
    char id[24];
    id_text(id, user_id);
    const char *params[] = {id};
    return text_query(db, a, sql_tokens, 1, params, json);
}

rstatus auth_store_token_json(db_conn *db, arena *a, long long user_id, long long token_id,
                              const char **json)
{
    char uid[24], tid[24];
    id_text(uid, user_id);
    id_text(tid, token_id);
    const char *params[] = {uid, tid};
    return text_query(db, a, sql_token, 2, params, json);
}

rstatus auth_store_tokens_count(db_conn *db, long long user_id, long long *count)
{
    char id[24];
    id_text(id, user_id);
    const char *params[] = {id};
    PGresult *res;
    rstatus st = db_query(db, sql_tokens_count, 1, params, &res);
    if (st != ST_OK)
        return st;
    *count = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return ST_OK;
}

rstatus auth_store_token_expire_in(db_conn *db, long long token_id, long long days)
{
    char id[24], d[24];
    id_text(id, token_id);
    id_text(d, days);
    const char *params[] = {id, d};
    return db_exec(db, sql_token_expire_in, 2, params);
}

/* Runs an UPDATE with two id parameters; *found tells whether a row changed. */
static rstatus update_found(db_conn *db, const char *sql, long long a1, long long a2, bool *found)
{
    char p1[24], p2[24];
    id_text(p1, a1);
    id_text(p2, a2);
    const char *params[] = {p1, p2};
    PGresult *res;
    rstatus st = db_query(db, sql, 2, params, &res);
    if (st != ST_OK)
        return st;
    *found = affected(res);
    PQclear(res);
    return ST_OK;
}

rstatus auth_store_token_revoke(db_conn *db, long long user_id, long long token_id, bool *found)
{
    return update_found(db, sql_token_revoke, user_id, token_id, found);
}

rstatus auth_store_tokens_revoke_all(db_conn *db, long long user_id, long long *count)
{
    char id[24];
    id_text(id, user_id);
    const char *params[] = {id};
    PGresult *res;
    rstatus st = db_query(db, sql_tokens_revoke_all, 1, params, &res);
    if (st != ST_OK)
        return st;
    *count = atoll(PQcmdTuples(res));
    PQclear(res);
    return ST_OK;
}

rstatus auth_store_password_set(db_conn *db, long long user_id, const char *hash,
                                long long changed_before_unix, bool mark_verified,
                                bool *updated)
{
    char id[24], before[24];
    id_text(id, user_id);
    id_text(before, changed_before_unix);
    const char *params[] = {id, hash, before, mark_verified ? "true" : "false"};
    PGresult *res;
    rstatus st = db_query(db, sql_password_set, 4, params, &res);
    if (st != ST_OK)
        return st;
    *updated = affected(res);
    PQclear(res);
    return ST_OK;
}

rstatus auth_store_email_verified_set(db_conn *db, long long user_id, bool *updated)
{
    char id[24];
    id_text(id, user_id);
    const char *params[] = {id};
    PGresult *res;
    rstatus st = db_query(db, sql_email_verified_set, 1, params, &res);
    if (st != ST_OK)
        return st;
    *updated = affected(res);
    PQclear(res);
    return ST_OK;
}

/* "\\x" + 32 hex digits: a bytea literal for a query parameter. */
static void nonce_param(char out[35], const unsigned char nonce[16])
{
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, 33, nonce, 16);
}

rstatus auth_store_nonce_used(db_conn *db, const unsigned char nonce[16], bool *used)
{
    char n[35];
    nonce_param(n, nonce);
    const char *params[] = {n};
    PGresult *res;
    rstatus st = db_query(db, sql_nonce_used, 1, params, &res);
    if (st != ST_OK)
        return st;
    *used = PQntuples(res) > 0;
    PQclear(res);
    return ST_OK;
}

rstatus auth_store_nonce_use(db_conn *db, const unsigned char nonce[16], const char *purpose,
                             bool *fresh)
{
    char n[35];
    nonce_param(n, nonce);
    const char *params[] = {n, purpose};
    PGresult *res;
    rstatus st = db_query(db, sql_nonce_use, 2, params, &res);
    if (st != ST_OK)
        return st;
    *fresh = affected(res);
    PQclear(res);
    return ST_OK;
}

rstatus auth_store_outbox_add(db_conn *db, const char *kind, const char *to_address,
                              long long user_id, const char *subject, const char *body)
{
    char id[24];
    id_text(id, user_id);
    const char *params[] = {kind, to_address, user_id ? id : NULL, subject, body};
    return db_exec(db, sql_outbox_add, 5, params);
}
