/* session_http.c - signing in and out, who I am, my sessions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit/audit.h"
#include "auth/account.h"
#include "auth/auth_http.h"
#include "auth/auth_store.h"
#include "util/json.h"

/* Longest password accepted at all: AUTH_PASSWORD_MAX code points of up to 4 bytes. */
#define PASSWORD_BYTES_MAX (AUTH_PASSWORD_MAX * 4)
#define EMAIL_BYTES_MAX 254

rstatus auth_http_reply_json_text(request *r, int http_status, const char *json)
{
    return reply_bytes(r, http_status, "application/json; charset=utf-8", json, strlen(json));
}

rstatus auth_http_too_many(request *r, int retry_after, const char *what)
{
    char secs[16];
    snprintf(secs, sizeof secs, "%d", retry_after > 0 ? retry_after : 1);
    rstatus st = reply_header(r, "Retry-After", secs);
    if (st != ST_OK)
        return st;
    return req_fail(r, ST_TOO_MANY_REQUESTS, "%s; try again in %s seconds.", what, secs);
}

rstatus auth_http_field_error(request *r, rstatus st, const char *err)
{
    return req_fail(r, st, "%s", err);
}

audit_ctx auth_http_ctx(request *r)
{
    return audit_ctx_of(r);     /* which cleans the User-Agent */
}

/* {"user":{…},"csrf_token":"…"} (csrf_token only for a session), built around the JSON
 * text PostgreSQL rendered: one query, no re-parsing. */
static rstatus reply_me(request *r, db_conn *db, long long user_id, const char *csrf)
{
    const char *user;
    rstatus st = auth_store_me_json(db, r->arena, user_id, &user);
    if (st != ST_OK)
        return st;
    if (!user)
        return req_fail(r, ST_UNAUTHENTICATED, "Sign in first.");
    buf b = BUF_INIT;
    buf_puts(&b, "{\"user\":");
    buf_puts(&b, user);
    if (csrf) {
        buf_puts(&b, ",\"csrf_token\":");
        json_escape(&b, csrf);
    }
    buf_putc(&b, '}');
    st = b.oom ? ST_NOMEM : reply_bytes(r, 200, "application/json; charset=utf-8", b.data, b.len);
    buf_free(&b);
    return st;
}

rstatus auth_http_login(request *r)
{
    char err[160];
    const char *email = NULL, *password = NULL;
    rstatus st;
    if ((st = json_get_string(r->json, "email", true, EMAIL_BYTES_MAX, &email, err,
                              sizeof err)) != ST_OK ||
        (st = json_get_string(r->json, "password", true, PASSWORD_BYTES_MAX, &password, err,
                              sizeof err)) != ST_OK)
        return auth_http_field_error(r, st, err);
    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK)
        return st;

    /* Whatever session the client came with is ended, never adopted. */
    const principal *prev = r->who && r->who->method == AUTH_BY_SESSION ? r->who : NULL;
    audit_ctx ctx = auth_http_ctx(r);
    auth_login_result res = {0};
    st = auth_login(db, r->arena, &r->app->auth, &ctx, email, password,
                    prev ? prev->user_id : 0, prev ? prev->session_id : 0, &res);
    if (st == ST_TOO_MANY_REQUESTS)
        return auth_http_too_many(r, res.retry_after, "Too many failed sign-ins");
    if (st == ST_UNAUTHENTICATED)
        return req_fail(r, st, "The e-mail address or the password is wrong.");
    if (st != ST_OK)
        return st;
    if ((st = reply_header(r, "Set-Cookie", res.set_cookie)) != ST_OK)
        return st;
    r->user_label = res.email;
    return reply_me(r, db, res.user_id, res.csrf_token);
}

rstatus auth_http_logout(request *r)
{
    /* Idempotent: clears the cookie in any case, so a stale one goes away too. */
    rstatus st = reply_header(r, "Set-Cookie", auth_cookie_clear(&r->app->auth));
    if (st != ST_OK)
        return st;
    if (r->who && r->who->method == AUTH_BY_SESSION) {
        db_conn *db;
        bool found;
        audit_ctx ctx = auth_http_ctx(r);
        if ((st = req_db(r, &db)) != ST_OK ||
            (st = auth_session_end(db, &ctx, r->who->user_id, r->who->session_id, "logout",
                                   &found)) != ST_OK)
            return st;
    }
    return reply_empty(r, 204);
}

rstatus auth_http_me(request *r)
{
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    return reply_me(r, db, r->who->user_id,
                    r->who->method == AUTH_BY_SESSION ? r->who->csrf_token : NULL);
}

rstatus auth_http_sessions(request *r)
{
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    const char *items;
    long long current = r->who->method == AUTH_BY_SESSION ? r->who->session_id : 0;
    st = auth_store_sessions_json(db, r->arena, r->who->user_id, current,
                                  r->app->auth.idle_minutes, &items);
    if (st != ST_OK)
        return st;
    const char *body = arena_printf(r->arena, "{\"items\":%s}", items ? items : "[]");
    return body ? auth_http_reply_json_text(r, 200, body) : ST_NOMEM;
}

rstatus auth_http_session_revoke(request *r)
{
    long long id;
    if (!req_param_id(r, "id", &id))
        return req_fail(r, ST_NOT_FOUND, "No such session.");
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    bool found = false;
    audit_ctx ctx = auth_http_ctx(r);
    if ((st = auth_session_end(db, &ctx, r->who->user_id, id, "session.revoked", &found)) != ST_OK)
        return st;
    if (!found)
        return req_fail(r, ST_NOT_FOUND, "No such session.");
    /* Ending the session this request came with is signing out: drop the cookie too. */
    if (r->who->method == AUTH_BY_SESSION && r->who->session_id == id &&
        (st = reply_header(r, "Set-Cookie", auth_cookie_clear(&r->app->auth))) != ST_OK)
        return st;
    return reply_empty(r, 204);
}
