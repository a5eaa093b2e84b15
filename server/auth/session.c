/* session.c - session cookies, API tokens, resolving the caller, CSRF and Origin checks. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "access/access.h"
#include "auth/auth.h"
#include "util/log.h"

#define TOKEN_BYTES 32
#define API_TOKEN_PREFIX "rls_"
/* last_seen_at is written at most this often: idle expiry has minute precision. */
#define TOUCH_INTERVAL "60 seconds"

const char *auth_cookie_name(const auth_settings *s)
{
    return s->cookie_secure ? "__Host-relais_session" : "relais_session";
}

const char *auth_token_hash_param(arena *a, const char *token)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    char *out = arena_alloc(a, 2 + sizeof h * 2 + 1);
    if (!out)
        return NULL;
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, sizeof h * 2 + 1, h, sizeof h);
    return out;
}

static char *random_token(arena *a, size_t bytes, const char *prefix)
{
    unsigned char raw[64];
    randombytes_buf(raw, bytes);
    size_t plen = strlen(prefix);
    size_t len = sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(a, plen + len);
    if (!out)
        return NULL;
    memcpy(out, prefix, plen);
    sodium_bin2base64(out + plen, len, raw, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    return out;
}

static const char sql_session_insert[] =
    "INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at, ip, user_agent)"
    " VALUES ($1, $2::bytea, $3, now() + make_interval(hours => $4::int), $5::inet,"
    " left($6, 512))";

rstatus auth_session_create(db_conn *db, arena *a, const auth_settings *s, long long user_id,
                            const char *ip, const char *user_agent, const char **set_cookie,
                            const char **csrf)
{
    char *token = random_token(a, TOKEN_BYTES, "");
    char *csrf_token = random_token(a, TOKEN_BYTES, "");
    const char *hash = token ? auth_token_hash_param(a, token) : NULL;
    if (!token || !csrf_token || !hash)
        return ST_NOMEM;
    char uid[24], hours[16];
    snprintf(uid, sizeof uid, "%lld", user_id);
    snprintf(hours, sizeof hours, "%d", s->max_hours);
    bool ip_ok = ip && *ip && strcmp(ip, "-") != 0;
    const char *params[] = {uid, hash, csrf_token, hours, ip_ok ? ip : NULL,
                            user_agent ? user_agent : ""};
    rstatus st = db_exec(db, sql_session_insert, 6, params);
    if (st != ST_OK)
        return st;
    /* Max-Age matches the absolute lifetime; idle expiry is enforced server-side. */
    *set_cookie = arena_printf(a, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
                               auth_cookie_name(s), token, s->max_hours * 3600,
                               s->cookie_secure ? "; Secure" : "");
    *csrf = csrf_token;
    return *set_cookie ? ST_OK : ST_NOMEM;
}

const char *auth_cookie_clear(const auth_settings *s)
{
    return s->cookie_secure
               ? "__Host-relais_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
               : "relais_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
}

rstatus auth_session_revoke(db_conn *db, long long user_id, long long session_id, bool *found)
{
    char uid[24], sid[24];
    snprintf(uid, sizeof uid, "%lld", user_id);
    snprintf(sid, sizeof sid, "%lld", session_id);
    const char *params[] = {uid, sid};
    PGresult *res;
    rstatus st = db_query(db,
                          "UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND id = $2"
                          " AND revoked_at IS NULL", 2, params, &res);
    if (st != ST_OK)
        return st;
    if (found)
        *found = atoi(PQcmdTuples(res)) > 0;
    PQclear(res);
    return ST_OK;
}

rstatus auth_session_revoke_others(db_conn *db, long long user_id, long long keep_session_id)
{
    char uid[24], keep[24];
    snprintf(uid, sizeof uid, "%lld", user_id);
    snprintf(keep, sizeof keep, "%lld", keep_session_id);
    const char *params[] = {uid, keep};
    return db_exec(db, "UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND id <> $2"
                       " AND revoked_at IS NULL", 2, params);
}

rstatus auth_token_create(db_conn *db, arena *a, long long user_id, const char *name,
                          bool read_write, long long *id_out, const char **token_out)
{
    char *token = random_token(a, TOKEN_BYTES, API_TOKEN_PREFIX);
    const char *hash = token ? auth_token_hash_param(a, token) : NULL;
    if (!token || !hash)
        return ST_NOMEM;
    char uid[24], prefix[16];
    snprintf(uid, sizeof uid, "%lld", user_id);
    snprintf(prefix, sizeof prefix, "%.10s", token);
    const char *params[] = {uid, name, hash, prefix, read_write ? "read_write" : "read"};
    PGresult *res;
    rstatus st = db_query(db, "INSERT INTO api_tokens (user_id, name, token_hash, prefix, scope)"
                              " VALUES ($1, $2, $3::bytea, $4, $5::token_scope) RETURNING id",
                          5, params, &res);
    if (st != ST_OK)
        return st;
    *id_out = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    *token_out = token;
    return ST_OK;
}

/* The value of cookie `name` in a Cookie header, copied into the arena, or NULL. */
static const char *cookie_value(arena *a, const char *header, const char *name)
{
    if (!header)
        return NULL;
    size_t nlen = strlen(name);
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *eq = strchr(p, '=');
        const char *semi = strchr(p, ';');
        if (!eq || (semi && semi < eq)) {
            if (!semi)
                break;
            p = semi + 1;
            continue;
        }
        const char *end = semi ? semi : p + strlen(p);
        if ((size_t)(eq - p) == nlen && strncmp(p, name, nlen) == 0)
            return arena_strndup(a, eq + 1, (size_t)(end - eq - 1));
        p = end;
    }
    return NULL;
}

/* KEYS: "" or a last column, the viewer's search keys (ROUTE_SEARCH_KEYS). */
#define SESSION_LOOKUP(KEYS)                                                                \
    "SELECT s.id, s.csrf_token, u.id, u.email, u.display_name, u.kind = 'guest',"           \
    "       u.platform_role = 'admin', s.last_seen_at < now() - interval '" TOUCH_INTERVAL "'" \
    KEYS                                                                                    \
    "  FROM sessions s JOIN users u ON u.id = s.user_id"                                   \
    " WHERE s.token_hash = $1::bytea AND s.revoked_at IS NULL AND s.expires_at > now()"    \
    "   AND s.last_seen_at > now() - make_interval(mins => $2::int) AND u.status = 'active'"

#define TOKEN_LOOKUP(KEYS)                                                                  \
    "SELECT t.id, t.scope = 'read', u.id, u.email, u.display_name, u.kind = 'guest',"       \
    "       u.platform_role = 'admin',"                                                     \
    "       t.last_used_at IS NULL OR t.last_used_at < now() - interval '" TOUCH_INTERVAL "'" \
    KEYS                                                                                    \
    "  FROM api_tokens t JOIN users u ON u.id = t.user_id"                                 \
    " WHERE t.token_hash = $1::bytea AND t.revoked_at IS NULL"                             \
    "   AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.status = 'active'"

#define SEARCH_KEYS_COLUMN ", " ACL_SQL_SEARCH_VIEWER_KEYS("u.id") "::text"

static const char sql_session_lookup[] = SESSION_LOOKUP("");
static const char sql_session_lookup_keys[] = SESSION_LOOKUP(SEARCH_KEYS_COLUMN);
static const char sql_token_lookup[] = TOKEN_LOOKUP("");
static const char sql_token_lookup_keys[] = TOKEN_LOOKUP(SEARCH_KEYS_COLUMN);

static bool is_true(PGresult *res, int col)
{
    return PQgetvalue(res, 0, col)[0] == 't';
}

rstatus auth_resolve(request *r, const auth_settings *s, bool search_keys)
{
    const char *authz = req_header(r, "Authorization");
    const char *token = NULL;
    bool bearer = false;
    if (authz) {
        if (strncasecmp(authz, "Bearer ", 7) != 0 || strncmp(authz + 7, API_TOKEN_PREFIX, 4) != 0)
            return req_fail(r, ST_UNAUTHENTICATED, "Use 'Authorization: Bearer rls_…' with a personal API token.");
        token = authz + 7;
        bearer = true;
    } else {
        token = cookie_value(r->arena, req_header(r, "Cookie"), auth_cookie_name(s));
    }
    if (!token || !*token || strlen(token) > 128)
        return bearer ? req_fail(r, ST_UNAUTHENTICATED, "Invalid API token.") : ST_OK;

    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    const char *hash = auth_token_hash_param(r->arena, token);
    char idle[16];
    snprintf(idle, sizeof idle, "%d", s->idle_minutes);
    const char *params[] = {hash, idle};
    PGresult *res;
    const char *sql = bearer ? (search_keys ? sql_token_lookup_keys : sql_token_lookup)
                             : (search_keys ? sql_session_lookup_keys : sql_session_lookup);
    st = db_query(db, sql, bearer ? 1 : 2, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) != 1) {
        PQclear(res);
        /* A stale cookie is simply no session; a bad token is an error to its owner. */
        return bearer ? req_fail(r, ST_UNAUTHENTICATED, "Invalid, expired or revoked API token.")
                      : ST_OK;
    }
    principal *p = arena_calloc(r->arena, 1, sizeof *p);
    if (!p) {
        PQclear(res);
        return ST_NOMEM;
    }
    long long cred_id = atoll(PQgetvalue(res, 0, 0));
    p->user_id = atoll(PQgetvalue(res, 0, 2));
    p->email = arena_strdup(r->arena, PQgetvalue(res, 0, 3));
    p->display_name = arena_strdup(r->arena, PQgetvalue(res, 0, 4));
    p->is_guest = is_true(res, 5);
    p->is_admin = is_true(res, 6);
    bool touch = is_true(res, 7);
    if (search_keys && !(p->search_keys = arena_strdup(r->arena, PQgetvalue(res, 0, 8)))) {
        PQclear(res);
        return ST_NOMEM;
    }
    if (bearer) {
        p->method = AUTH_BY_TOKEN;
        p->token_id = cred_id;
        p->read_only = is_true(res, 1);
    } else {
        p->method = AUTH_BY_SESSION;
        p->session_id = cred_id;
        p->csrf_token = arena_strdup(r->arena, PQgetvalue(res, 0, 1));
    }
    PQclear(res);
    if (!p->email || !p->display_name || (!bearer && !p->csrf_token))
        return ST_NOMEM;
    if (touch) {
        char id[24];
        snprintf(id, sizeof id, "%lld", cred_id);
        const char *tp[] = {id};
        st = db_exec(db, bearer ? "UPDATE api_tokens SET last_used_at = now() WHERE id = $1"
                                : "UPDATE sessions SET last_seen_at = now() WHERE id = $1",
                     1, tp);
        if (st != ST_OK)
            return st;
    }
    r->who = p;
    r->user_label = p->email;
    return ST_OK;
}

/* "scheme://host[:port]" of an Origin or Referer value, compared with the Host header. */
static bool same_origin(const char *origin, const char *host, bool secure)
{
    const char *scheme = secure ? "https://" : "http://";
    size_t sl = strlen(scheme);
    if (!origin || !host || strncmp(origin, scheme, sl) != 0)
        return false;
    const char *o = origin + sl;
    size_t hl = strlen(host);
    if (strncasecmp(o, host, hl) != 0)
        return false;
    return o[hl] == '\0' || o[hl] == '/';
}

rstatus auth_check_csrf(request *r)
{
    const principal *p = r->who;
    if (!p || p->method != AUTH_BY_SESSION)
        return ST_OK;
    const char *sent = req_header(r, "X-CSRF-Token");
    if (!sent || strlen(sent) != strlen(p->csrf_token) ||
        sodium_memcmp(sent, p->csrf_token, strlen(sent)) != 0)
        return req_fail(r, ST_FORBIDDEN, "Missing or wrong X-CSRF-Token header.");
    const char *origin = req_header(r, "Origin");
    if (!origin)
        origin = req_header(r, "Referer");
    bool secure = r->app->cfg->cookie_secure;
    const char *pub = r->app->cfg->public_origin;
    bool ok = pub && *pub ? origin && strncmp(origin, pub, strlen(pub)) == 0 &&
                                (origin[strlen(pub)] == '\0' || origin[strlen(pub)] == '/')
                          : same_origin(origin, req_header(r, "Host"), secure);
    if (!ok)
        return req_fail(r, ST_FORBIDDEN, "Cross-origin request refused.");
    return ST_OK;
}
