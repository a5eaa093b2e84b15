/* token_http.c - my personal API tokens: list, create (the secret is shown once), revoke. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit/audit.h"
#include "auth/account.h"
#include "auth/auth_http.h"
#include "auth/auth_store.h"
#include "util/json.h"

#define TOKEN_NAME_CHARS 100
#define TOKEN_DAYS_MAX 365

/* 1 to max characters (code points of valid UTF-8, as Jansson guarantees), no control
 * characters, not only spaces. */
static bool name_ok(const char *s, size_t max)
{
    size_t n = 0;
    bool visible = false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return false;
        if ((*p & 0xc0) != 0x80)
            n++;
        if (*p != ' ')
            visible = true;
    }
    return visible && n <= max;
}

rstatus auth_http_tokens(request *r)
{
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    const char *items;
    if ((st = auth_store_tokens_json(db, r->arena, r->who->user_id, &items)) != ST_OK)
        return st;
    const char *body = arena_printf(r->arena, "{\"items\":%s}", items ? items : "[]");
    return body ? auth_http_reply_json_text(r, 200, body) : ST_NOMEM;
}

rstatus auth_http_token_create(request *r)
{
    /* A token that could mint tokens would outlive its own revocation. */
    if (r->who->method != AUTH_BY_SESSION)
        return req_fail(r, ST_FORBIDDEN, "Create API tokens from a signed-in session, not with a token.");
    char err[160];
    const char *name = NULL, *scope = NULL;
    long long days = 0;
    rstatus st;
    if ((st = json_get_string(r->json, "name", true, TOKEN_NAME_CHARS * 4, &name, err,
                              sizeof err)) != ST_OK ||
        (st = json_get_string(r->json, "scope", true, 16, &scope, err, sizeof err)) != ST_OK ||
        (st = json_get_int(r->json, "expires_in_days", false, 1, TOKEN_DAYS_MAX, &days, err,
                           sizeof err)) != ST_OK)
        return auth_http_field_error(r, st, err);
    if (!name_ok(name, TOKEN_NAME_CHARS))
        return req_fail(r, ST_UNPROCESSABLE,
                        "name: 1 to %d characters, without control characters.", TOKEN_NAME_CHARS);
    bool read_write = strcmp(scope, "read_write") == 0;
    if (!read_write && strcmp(scope, "read") != 0)
        return req_fail(r, ST_UNPROCESSABLE, "scope must be \"read\" or \"read_write\".");

    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK)
        return st;
    audit_ctx ctx = auth_http_ctx(r);
    const char *token = NULL, *secret = NULL;
    st = auth_token_issue(db, r->arena, &ctx, r->who->user_id, name, read_write, days, &token,
                          &secret);
    if (st == ST_CONFLICT)
        return req_fail(r, st, "You already have %d API tokens; revoke one first.",
                        AUTH_TOKENS_PER_USER);
    if (st != ST_OK)
        return st;
    buf b = BUF_INIT;
    buf_puts(&b, "{\"token\":");
    buf_puts(&b, token);
    buf_puts(&b, ",\"secret\":");
    json_escape(&b, secret);
    buf_putc(&b, '}');
    st = b.oom ? ST_NOMEM : auth_http_reply_json_text(r, 201, b.data);
    buf_free(&b);
    return st;
}

rstatus auth_http_token_revoke(request *r)
{
    long long id;
    if (!req_param_id(r, "id", &id))
        return req_fail(r, ST_NOT_FOUND, "No such API token.");
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    bool found = false;
    audit_ctx ctx = auth_http_ctx(r);
    if ((st = auth_token_withdraw(db, &ctx, r->who->user_id, id, &found)) != ST_OK)
        return st;
    if (!found)
        return req_fail(r, ST_NOT_FOUND, "No such API token.");
    return reply_empty(r, 204);
}
