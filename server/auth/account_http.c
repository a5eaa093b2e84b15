/* account_http.c - changing my password, password reset and e-mail verification links. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit/audit.h"
#include "auth/account.h"
#include "auth/auth_http.h"
#include "util/json.h"

#define PASSWORD_BYTES_MAX (AUTH_PASSWORD_MAX * 4)
#define EMAIL_BYTES_MAX 254
#define LINK_TOKEN_BYTES_MAX 200

static const char link_refused[] =
    "This link is invalid, has expired or was already used; ask for a new one.";

/*
 * Where e-mailed links point: RELAIS_PUBLIC_ORIGIN when set, else the scheme
 * and Host this request came with. The Host header is the client's to choose,
 * so a deployment reachable by others must set RELAIS_PUBLIC_ORIGIN (README);
 * here the Host is at least reduced to host[:port] characters so it cannot
 * carry a path or anything else into the link.
 */
static const char *link_origin(request *r)
{
    const char *pub = r->app->cfg->public_origin;
    if (pub && *pub) {
        size_t n = strlen(pub);
        while (n > 0 && pub[n - 1] == '/')
            n--;
        return arena_strndup(r->arena, pub, n);
    }
    const char *host = req_header(r, "Host");
    if (!host || !*host || strlen(host) > 255 ||
        strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
            strlen(host))
        return NULL;
    return arena_printf(r->arena, "%s://%s", r->app->cfg->cookie_secure ? "https" : "http", host);
}

rstatus auth_http_password_change(request *r)
{
    char err[160];
    const char *current = NULL, *fresh = NULL;
    rstatus st;
    if ((st = json_get_string(r->json, "current_password", true, PASSWORD_BYTES_MAX, &current,
                              err, sizeof err)) != ST_OK ||
        (st = json_get_string(r->json, "new_password", true, PASSWORD_BYTES_MAX, &fresh, err,
                              sizeof err)) != ST_OK)
        return auth_http_field_error(r, st, err);
    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK)
        return st;
    audit_ctx ctx = auth_http_ctx(r);
    long long keep = r->who->method == AUTH_BY_SESSION ? r->who->session_id : 0;
    int retry_after = 0;
    st = auth_password_change(db, r->arena, &ctx, r->who->user_id, keep, current, fresh,
                              &retry_after, err, sizeof err);
    if (st == ST_TOO_MANY_REQUESTS)
        return auth_http_too_many(r, retry_after, "Too many wrong passwords");
    if (st == ST_FORBIDDEN || st == ST_UNPROCESSABLE)
        return auth_http_field_error(r, st, err);
    if (st != ST_OK)
        return st;
    return reply_empty(r, 204);
}

rstatus auth_http_reset_request(request *r)
{
    char err[160];
    const char *email = NULL;
    rstatus st = json_get_string(r->json, "email", true, EMAIL_BYTES_MAX, &email, err, sizeof err);
    if (st != ST_OK)
        return auth_http_field_error(r, st, err);
    const char *origin = link_origin(r);
    if (!origin)
        return req_fail(r, ST_BAD_REQUEST, "The Host header is missing or malformed.");
    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK)
        return st;
    audit_ctx ctx = auth_http_ctx(r);
    int retry_after = 0;
    st = auth_reset_request(db, r->arena, &ctx, origin, email, &retry_after);
    if (st == ST_TOO_MANY_REQUESTS)
        return auth_http_too_many(r, retry_after, "Too many reset requests from this address");
    if (st != ST_OK)
        return st;
    /* The same answer whether or not the address has an account. */
    return reply_json(r, 202, json_pack("{s:s}", "message",
                                        "If an account uses this address, a link to choose a new "
                                        "password has been sent to it; it works for one hour."));
}

rstatus auth_http_reset_confirm(request *r)
{
    char err[160];
    const char *token = NULL, *password = NULL;
    rstatus st;
    if ((st = json_get_string(r->json, "token", true, LINK_TOKEN_BYTES_MAX, &token, err,
                              sizeof err)) != ST_OK ||
        (st = json_get_string(r->json, "password", true, PASSWORD_BYTES_MAX, &password, err,
                              sizeof err)) != ST_OK)
        return auth_http_field_error(r, st, err);
    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK)
        return st;
    audit_ctx ctx = auth_http_ctx(r);
    st = auth_reset_confirm(db, r->arena, &ctx, token, password, err, sizeof err);
    if (st == ST_NOT_FOUND)
        return req_fail(r, st, "%s", link_refused);
    if (st == ST_UNPROCESSABLE)
        return auth_http_field_error(r, st, err);
    if (st != ST_OK)
        return st;
    return reply_empty(r, 204);
}

rstatus auth_http_verify_request(request *r)
{
    const char *origin = link_origin(r);
    if (!origin)
        return req_fail(r, ST_BAD_REQUEST, "The Host header is missing or malformed.");
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    audit_ctx ctx = auth_http_ctx(r);
    int retry_after = 0;
    st = auth_verify_request(db, r->arena, &ctx, origin, r->who->user_id, &retry_after);
    if (st == ST_TOO_MANY_REQUESTS)
        return auth_http_too_many(r, retry_after, "Too many verification e-mails");
    if (st == ST_CONFLICT)
        return req_fail(r, st, "Your e-mail address is already verified.");
    if (st == ST_NOT_FOUND)
        return req_fail(r, ST_UNAUTHENTICATED, "Sign in first.");
    if (st != ST_OK)
        return st;
    return reply_json(r, 202, json_pack("{s:s}", "message",
                                        "A link to confirm your address has been sent to it; it "
                                        "works for 24 hours."));
}

rstatus auth_http_verify_confirm(request *r)
{
    char err[160];
    const char *token = NULL;
    rstatus st = json_get_string(r->json, "token", true, LINK_TOKEN_BYTES_MAX, &token, err,
                                 sizeof err);
    if (st != ST_OK)
        return auth_http_field_error(r, st, err);
    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK)
        return st;
    audit_ctx ctx = auth_http_ctx(r);
    st = auth_verify_confirm(db, r->arena, &ctx, token);
    if (st == ST_NOT_FOUND)
        return req_fail(r, st, "%s", link_refused);
    if (st != ST_OK)
        return st;
    return reply_empty(r, 204);
}
