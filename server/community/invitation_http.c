/* invitation_http.c - handlers for inviting external partners and accepting invitations. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "community/community_http.h"
#include "util/json.h"

#define BAD_LINK "This invitation link is invalid, has expired or was already used."
#define PASSWORD_BYTES_MAX (AUTH_PASSWORD_MAX * 4)

/* A plausible address: local@domain.tld, no spaces, controls or characters mail headers
 * treat specially. The outbox sender is the final judge. */
static bool email_valid(const char *s)
{
    size_t len = strlen(s);
    const char *at = strchr(s, '@');
    if (len < 3 || len > 254 || !at || at == s || strchr(at + 1, '@') || at - s > 64)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7F || strchr("<>()[],;:\\\"", *p))
            return false;
    const char *domain = at + 1;
    size_t dlen = strlen(domain);
    return dlen >= 3 && strchr(domain, '.') && domain[0] != '.' && domain[dlen - 1] != '.' &&
           !strstr(domain, "..");
}

/* Where links in e-mails point: RELAIS_PUBLIC_ORIGIN, else this request's host over HTTP. */
static const char *link_origin(request *r)
{
    const char *pub = r->app->cfg->public_origin;
    if (pub && *pub) {
        size_t len = strlen(pub);
        while (len > 0 && pub[len - 1] == '/')
            len--;
        return arena_strndup(r->arena, pub, len);
    }
    const char *host = req_header(r, "Host");
    if (!host || !*host || strlen(host) > 255 ||
        strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
            strlen(host))
        host = "localhost";
    return arena_printf(r->arena, "http://%s", host);
}

rstatus invitation_http_create(request *r)
{
    char err[200];
    invitation_input in = {.role = ACL_GUEST, .message = ""};
    const char *role = NULL;
    rstatus st = community_http_object_body(r, false);
    if (st != ST_OK)
        return st;
    if ((st = json_get_string(r->json, "email", true, 254, &in.email, err, sizeof err)) != ST_OK ||
        (st = json_get_string(r->json, "role", false, 16, &role, err, sizeof err)) != ST_OK ||
        (st = json_get_string(r->json, "message", false, COMMUNITY_MESSAGE_MAX * 4, &in.message,
                              err, sizeof err)) != ST_OK)
        return community_http_fail(r, st, err);
    if (!email_valid(in.email))
        return req_fail(r, ST_UNPROCESSABLE, "email must be an e-mail address (name@domain.fr).");
    if (role && strcmp(role, "guest") != 0 && strcmp(role, "member") != 0)
        return req_fail(r, ST_UNPROCESSABLE, "role must be guest or member.");
    if (role && !strcmp(role, "member"))
        in.role = ACL_MEMBER;
    if (community_http_chars(in.message) > COMMUNITY_MESSAGE_MAX)
        return req_fail(r, ST_UNPROCESSABLE, "message is longer than %d characters.",
                        COMMUNITY_MESSAGE_MAX);
    const char *origin = link_origin(r);
    if (!origin)
        return ST_NOMEM;
    community_facts f;
    if ((st = community_http_load(r, true, &f)) != ST_OK ||
        (st = community_http_require(r, &f, ACL_INVITE)) != ST_OK)
        return st;
    audit_ctx ctx = audit_ctx_of(r);
    json_t *out = NULL;
    st = invitation_create(r->db, r->arena, &ctx, f.id, &in, origin, &out, err, sizeof err);
    if (st == ST_UNPROCESSABLE || st == ST_CONFLICT)
        community_http_fail(r, st, err);
    if ((st = community_http_end(r, &f, st)) != ST_OK) {
        json_decref(out);
        return st;
    }
    return reply_json(r, 201, out);
}

rstatus invitation_http_list(request *r)
{
    community_facts f;
    rstatus st = community_http_load(r, false, &f);
    if (st != ST_OK || (st = community_http_require(r, &f, ACL_REVIEW)) != ST_OK)
        return st;
    json_t *out;
    if ((st = invitation_list(r->db, f.id, &out)) != ST_OK)
        return st;
    return reply_json(r, 200, out);
}

rstatus invitation_http_revoke(request *r)
{
    long long id;
    if (!req_param_id(r, "invitation_id", &id))
        return req_fail(r, ST_NOT_FOUND, "No such invitation.");
    community_facts f;
    rstatus st = community_http_load(r, true, &f);
    if (st != ST_OK || (st = community_http_require(r, &f, ACL_MANAGE_MEMBERS)) != ST_OK)
        return st;
    audit_ctx ctx = audit_ctx_of(r);
    st = invitation_revoke(r->db, &ctx, f.id, id);
    if (st == ST_NOT_FOUND)
        req_fail(r, st, "No such invitation.");
    else if (st == ST_CONFLICT)
        req_fail(r, st, "This invitation was already accepted or revoked.");
    if ((st = community_http_end(r, &f, st)) != ST_OK)
        return st;
    return reply_empty(r, 204);
}

rstatus invitation_http_show(request *r)
{
    db_conn *db;
    invitation_info inv;
    json_t *view = NULL;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    st = invitation_open(db, r->arena, req_param(r, "token"), &inv, &view);
    if (st == ST_NOT_FOUND)
        return req_fail(r, st, BAD_LINK);
    if (st != ST_OK)
        return st;
    return reply_json(r, 200, view);
}

/* The throttle key the sign-in form uses for this account (its stored address, lowercased):
 * one budget for both doors. */
static const char *account_key(request *r, const char *email)
{
    char *k = arena_printf(r->arena, "acct:%s", email);
    for (char *p = k; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return k;
}

/* Proves that the caller is the account the invitation was sent to: signed in as it, or
 * giving its password. */
static rstatus prove_account(request *r, db_conn *db, const invitation_info *inv,
                             const char *password)
{
    if (!inv->account_active)
        return req_fail(r, ST_FORBIDDEN, "This account is not active: contact an administrator.");
    if (r->who && r->who->user_id == inv->account_id)
        return ST_OK;
    if (!password) {
        if (r->who)
            return req_fail(r, ST_FORBIDDEN, "This invitation was sent to another address: sign "
                                             "out, then open the link again.");
        return req_fail(r, ST_UNAUTHENTICATED, "An account exists for this address: sign in (or "
                                               "give its password) to accept.");
    }
    const char *key = account_key(r, inv->account_email);
    int retry = 0;
    rstatus st;
    if (!key)
        return ST_NOMEM;
    if ((st = auth_throttle_check(db, key, &retry)) != ST_OK) {
        if (st == ST_TOO_MANY_REQUESTS) {
            char secs[16];
            snprintf(secs, sizeof secs, "%d", retry > 0 ? retry : 1);
            reply_header(r, "Retry-After", secs);
            return req_fail(r, st, "Too many wrong passwords; try again in %s seconds.", secs);
        }
        return st;
    }
    if (!inv->account_password_hash || !auth_password_verify(inv->account_password_hash, password)) {
        if (!inv->account_password_hash)
            auth_password_burn(password);
        if ((st = auth_throttle_failure(db, key)) != ST_OK)
            return st;
        return req_fail(r, ST_UNAUTHENTICATED, "The password is wrong.");
    }
    return auth_throttle_success(db, key);
}

rstatus invitation_http_accept(request *r)
{
    char err[200];
    const char *name = NULL, *password = NULL;
    rstatus st = community_http_object_body(r, true);
    if (st != ST_OK)
        return st;
    if ((st = community_http_text(r, "display_name", false, COMMUNITY_NAME_MAX, true, &name)) !=
        ST_OK)
        return st;
    if ((st = json_get_string(r->json, "password", false, PASSWORD_BYTES_MAX, &password, err,
                              sizeof err)) != ST_OK)
        return community_http_fail(r, st, err);
    db_conn *db;
    invitation_info inv;
    if ((st = req_db(r, &db)) != ST_OK)
        return st;
    st = invitation_open(db, r->arena, req_param(r, "token"), &inv, NULL);
    if (st == ST_NOT_FOUND)
        return req_fail(r, st, BAD_LINK);
    if (st != ST_OK)
        return st;

    char hash[AUTH_HASH_BYTES] = "";
    if (inv.account_id) {
        if ((st = prove_account(r, db, &inv, password)) != ST_OK)
            return st;
    } else {
        if (!name || !*name)
            return req_fail(r, ST_UNPROCESSABLE, "display_name is required (1 to %d characters).",
                            COMMUNITY_NAME_MAX);
        if (!password)
            return req_fail(r, ST_UNPROCESSABLE, "password is required.");
        if ((st = auth_password_check(password, inv.email, name, err, sizeof err)) != ST_OK)
            return community_http_fail(r, st, err);
        /* Hashing takes a while: before the transaction, so no lock is held meanwhile. */
        if ((st = auth_password_hash(password, hash)) != ST_OK)
            return st;
    }

    audit_ctx ctx = audit_ctx_of(r);
    long long user_id = 0;
    bool same_session = r->who && r->who->user_id == inv.account_id && inv.account_id;
    const char *cookie = NULL, *csrf = same_session ? r->who->csrf_token : NULL;
    if ((st = db_begin(db)) != ST_OK)
        return st;
    st = invitation_accept(db, &ctx, &inv, inv.account_id, name, hash, &user_id);
    if (st == ST_NOT_FOUND)
        req_fail(r, st, BAD_LINK);
    else if (st == ST_CONFLICT)
        req_fail(r, st, "An account with this address was just created: sign in, then accept.");
    if (st == ST_OK && !same_session) {
        /* Signed in as the account now, on a fresh session; a session the client came
         * with is ended, never adopted. */
        if (r->who && r->who->method == AUTH_BY_SESSION)
            st = auth_session_revoke(db, r->who->user_id, r->who->session_id, NULL);
        if (st == ST_OK)
            st = auth_session_create(db, r->arena, &r->app->auth, user_id, r->client_ip,
                                     req_header(r, "User-Agent"), &cookie, &csrf);
        if (st == ST_OK) {
            audit_ctx lctx = ctx;
            lctx.actor_id = user_id;
            lctx.actor_email = inv.email;
            json_t *detail = json_pack("{s:s}", "how", "invitation");
            st = audit_record(db, &lctx, "login.ok", "user", NULL, 0, detail);
            json_decref(detail);
        }
    }
    if (st != ST_OK) {
        db_rollback(db);
        return st;
    }
    if ((st = db_commit(db)) != ST_OK)
        return st;
    if (cookie && (st = reply_header(r, "Set-Cookie", cookie)) != ST_OK)
        return st;
    json_t *out;
    if ((st = invitation_accepted_json(db, user_id, inv.community_id, &out)) != ST_OK)
        return st;
    if (csrf)
        json_object_set_new(out, "csrf_token", json_string(csrf));
    return reply_json(r, inv.account_id ? 200 : 201, out);
}
