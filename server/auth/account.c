/* account.c - signing in, changing and resetting passwords, verifying e-mail addresses. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/account.h"
#include "auth/auth_store.h"

/* Throttle keys: "prefix" + the lowercased value (e-mail addresses compare case-insensitively). */
static const char *throttle_key(arena *a, const char *prefix, const char *value)
{
    char *k = arena_printf(a, "%s%s", prefix, value ? value : "-");
    if (k)
        for (char *p = k + strlen(prefix); *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return k;
}

/* The larger wait of two keys; ST_OK when neither is blocked. */
static rstatus throttle_check2(db_conn *db, const char *k1, const char *k2, int *retry_after)
{
    int w1 = 0, w2 = 0;
    rstatus st = auth_throttle_check(db, k1, &w1);
    if (st != ST_OK && st != ST_TOO_MANY_REQUESTS)
        return st;
    rstatus st2 = k2 ? auth_throttle_check(db, k2, &w2) : ST_OK;
    if (st2 != ST_OK && st2 != ST_TOO_MANY_REQUESTS)
        return st2;
    if (st == ST_OK && st2 == ST_OK)
        return ST_OK;
    *retry_after = w1 > w2 ? w1 : w2;
    return ST_TOO_MANY_REQUESTS;
}

/* Commits, or rolls back and returns st when st is a failure. */
static rstatus finish(db_conn *db, rstatus st)
{
    if (st != ST_OK) {
        db_rollback(db);
        return st;
    }
    return db_commit(db);
}

/* The audit context of the account the action is about (the caller is often anonymous). */
static audit_ctx as_user(const audit_ctx *ctx, long long id, const char *email)
{
    audit_ctx c = *ctx;
    c.actor_id = id;
    c.actor_email = email;
    return c;
}

static rstatus audit_user(db_conn *db, const audit_ctx *ctx, const char *action, long long user_id,
                          json_t *detail)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", user_id);
    rstatus st = audit_record(db, ctx, action, "user", id, 0, detail);
    json_decref(detail);
    return st;
}

static rstatus login_failed(db_conn *db, const audit_ctx *ctx, const char *email, long long user_id,
                            const char *reason)
{
    json_t *d = json_pack("{s:s, s:s}", "email", email, "reason", reason);
    if (!d)
        return ST_NOMEM;
    if (user_id)
        return audit_user(db, ctx, "login.failed", user_id, d);
    rstatus st = audit_record(db, ctx, "login.failed", NULL, NULL, 0, d);
    json_decref(d);
    return st;
}

rstatus auth_login(db_conn *db, arena *a, const auth_settings *s, const audit_ctx *ctx,
                   const char *email, const char *password, long long previous_user_id,
                   long long previous_session_id, auth_login_result *out)
{
    auth_account acc = {0};
    bool found;
    rstatus st = auth_store_account_by_email(db, a, email, &acc, &found);
    if (st != ST_OK)
        return st;
    /* An account's key is made from its stored address: the lookup ignores case the
     * database's way (accented letters too), so spellings of one address share one key. */
    const char *acct_key = throttle_key(a, "acct:", found ? acc.email : email);
    const char *ip_key = throttle_key(a, "ip:", ctx->ip);
    if (!acct_key || !ip_key)
        return ST_NOMEM;

    st = throttle_check2(db, acct_key, ip_key, &out->retry_after);
    if (st == ST_TOO_MANY_REQUESTS) {
        /* No password check while blocked: a blocked key gives no oracle at all. */
        rstatus ast = login_failed(db, ctx, email, 0, "throttled");
        return ast != ST_OK ? ast : st;
    }
    if (st != ST_OK)
        return st;
    /* The same argon2id work whether or not the account exists (or has a password). */
    bool ok;
    if (found) {
        ok = auth_password_verify(acc.password_hash, password);
    } else {
        auth_password_burn(password);
        ok = false;
    }
    const char *reason = !found ? "unknown_email"
                         : !ok  ? "wrong_password"
                         : !acc.active ? "account_inactive" : NULL;
    if (reason) {
        if ((st = auth_throttle_failure(db, acct_key)) != ST_OK ||
            (st = auth_throttle_failure(db, ip_key)) != ST_OK)
            return st;
        st = login_failed(db, ctx, email, found ? acc.id : 0, reason);
        return st != ST_OK ? st : ST_UNAUTHENTICATED;
    }

    audit_ctx uc = as_user(ctx, acc.id, acc.email);
    if ((st = db_begin(db)) != ST_OK)
        return st;
    if (previous_session_id)
        st = auth_session_revoke(db, previous_user_id, previous_session_id, NULL);
    if (st == ST_OK)
        st = auth_session_create(db, a, s, acc.id, ctx->ip, ctx->user_agent, &out->set_cookie,
                                 &out->csrf_token);
    /* Only the account key is cleared: clearing the address key on success would let
     * someone with one account of their own guess at everybody else's without limit. */
    if (st == ST_OK)
        st = auth_throttle_success(db, acct_key);
    if (st == ST_OK) {
        json_t *d = json_pack("{s:b}", "replaced_session", previous_session_id != 0);
        st = d ? audit_user(db, &uc, "login.ok", acc.id, d) : ST_NOMEM;
    }
    if ((st = finish(db, st)) != ST_OK)
        return st;
    out->user_id = acc.id;
    out->email = acc.email;
    return ST_OK;
}

/* Ends a user's other sessions and every API token, after a password change or reset. */
static rstatus end_credentials(db_conn *db, long long user_id, long long keep_session_id,
                               long long *tokens)
{
    rstatus st = auth_session_revoke_others(db, user_id, keep_session_id);
    return st != ST_OK ? st : auth_store_tokens_revoke_all(db, user_id, tokens);
}

rstatus auth_password_change(db_conn *db, arena *a, const audit_ctx *ctx, long long user_id,
                             long long keep_session_id, const char *current,
                             const char *new_password, int *retry_after, char *err,
                             size_t errsize)
{
    auth_account acc = {0};
    bool found;
    rstatus st = auth_store_account_by_id(db, a, user_id, &acc, &found);
    if (st != ST_OK)
        return st;
    if (!found || !acc.active) {
        snprintf(err, errsize, "This account cannot change its password.");
        return ST_FORBIDDEN;
    }
    /* Someone holding a stolen session must not be able to guess the password faster
     * than at the login form: same key, same budget. */
    const char *acct_key = throttle_key(a, "acct:", acc.email);
    if (!acct_key)
        return ST_NOMEM;
    st = throttle_check2(db, acct_key, NULL, retry_after);
    if (st != ST_OK)
        return st;
    if (!auth_password_verify(acc.password_hash, current)) {
        if ((st = auth_throttle_failure(db, acct_key)) != ST_OK)
            return st;
        snprintf(err, errsize, "The current password is wrong.");
        return ST_FORBIDDEN;
    }
    st = auth_password_check(new_password, acc.email, acc.display_name, err, errsize);
    if (st != ST_OK)
        return st;
    if (strcmp(current, new_password) == 0) {
        snprintf(err, errsize, "The new password must differ from the current one.");
        return ST_UNPROCESSABLE;
    }
    char hash[AUTH_HASH_BYTES];
    if ((st = auth_password_hash(new_password, hash)) != ST_OK)
        return st;

    if ((st = db_begin(db)) != ST_OK)
        return st;
    bool updated = false;
    long long tokens = 0;
    st = auth_store_password_set(db, user_id, hash, 0, false, &updated);
    if (st == ST_OK && !updated) {
        snprintf(err, errsize, "This account cannot change its password.");
        st = ST_FORBIDDEN;
    }
    if (st == ST_OK)
        st = end_credentials(db, user_id, keep_session_id, &tokens);
    if (st == ST_OK)
        st = auth_throttle_success(db, acct_key);
    if (st == ST_OK) {
        json_t *d = json_pack("{s:I}", "tokens_revoked", (json_int_t)tokens);
        st = d ? audit_user(db, ctx, "password.changed", user_id, d) : ST_NOMEM;
    }
    sodium_memzero(hash, sizeof hash);
    return finish(db, st);
}

/* ---- sessions and API tokens ------------------------------------------------------------ */

rstatus auth_session_end(db_conn *db, const audit_ctx *ctx, long long user_id,
                         long long session_id, const char *action, bool *found)
{
    rstatus st = db_begin(db);
    if (st != ST_OK)
        return st;
    char sid[24];
    snprintf(sid, sizeof sid, "%lld", session_id);
    st = auth_session_revoke(db, user_id, session_id, found);
    if (st == ST_OK && *found)
        st = audit_record(db, ctx, action, "session", sid, 0, NULL);
    return finish(db, st);
}

rstatus auth_token_issue(db_conn *db, arena *a, const audit_ctx *ctx, long long user_id,
                         const char *name, bool read_write, long long days,
                         const char **token_json, const char **secret)
{
    rstatus st = db_begin(db);
    if (st != ST_OK)
        return st;
    long long count = 0, id = 0;
    st = auth_store_tokens_count(db, user_id, &count);
    if (st == ST_OK && count >= AUTH_TOKENS_PER_USER)
        st = ST_CONFLICT;
    if (st == ST_OK)
        st = auth_token_create(db, a, user_id, name, read_write, &id, secret);
    if (st == ST_OK && days > 0)
        st = auth_store_token_expire_in(db, id, days);
    if (st == ST_OK) {
        char tid[24];
        snprintf(tid, sizeof tid, "%lld", id);
        json_t *d = json_pack("{s:s, s:s}", "name", name, "scope",
                              read_write ? "read_write" : "read");
        st = d ? audit_record(db, ctx, "token.created", "api_token", tid, 0, d) : ST_NOMEM;
        json_decref(d);
    }
    if (st == ST_OK)
        st = auth_store_token_json(db, a, user_id, id, token_json);
    if (st == ST_OK && !*token_json)
        st = ST_INTERNAL;   /* cannot happen: the row was inserted in this transaction */
    return finish(db, st);
}

rstatus auth_token_withdraw(db_conn *db, const audit_ctx *ctx, long long user_id,
                            long long token_id, bool *found)
{
    rstatus st = db_begin(db);
    if (st != ST_OK)
        return st;
    char tid[24];
    snprintf(tid, sizeof tid, "%lld", token_id);
    st = auth_store_token_revoke(db, user_id, token_id, found);
    if (st == ST_OK && *found)
        st = audit_record(db, ctx, "token.revoked", "api_token", tid, 0, NULL);
    return finish(db, st);
}

/* ---- e-mailed links ------------------------------------------------------------------ */

static long long link_lifetime(const char *purpose)
{
    return !strcmp(purpose, AUTH_PURPOSE_RESET)     ? AUTH_RESET_LINK_SECONDS
           : !strcmp(purpose, AUTH_PURPOSE_WELCOME) ? AUTH_WELCOME_LINK_SECONDS
           : !strcmp(purpose, AUTH_PURPOSE_VERIFY)  ? AUTH_VERIFY_LINK_SECONDS
                                                    : 0;
}

/* The expiry carries one extra second so that the issue time derived from it
 * (expiry - lifetime) is never earlier than the real one: see auth_reset_confirm. */
const char *auth_link_token_make(arena *a, const char *purpose, long long user_id)
{
    long long lifetime = link_lifetime(purpose);
    if (!lifetime)
        return NULL;
    unsigned char nonce[16];
    return auth_signed_make(a, purpose, user_id, (long long)time(NULL) + 1 + lifetime, nonce);
}

static const char reset_subject[] = "Relais : réinitialisation de votre mot de passe";

static const char reset_body[] =
    "Bonjour %s,\n"
    "\n"
    "Une demande de réinitialisation du mot de passe de votre compte Relais (%s) a été faite.\n"
    "Pour choisir un nouveau mot de passe, ouvrez ce lien dans l’heure qui vient :\n"
    "\n"
    "%s/mot-de-passe/%s\n"
    "\n"
    "Ce lien ne sert qu’une fois. Si vous n’êtes pas à l’origine de cette demande, ignorez ce\n"
    "message : votre mot de passe reste inchangé.\n"
    "\n"
    "English: someone asked to reset your Relais password. Open the link above within one hour\n"
    "to choose a new one; if it was not you, ignore this message.\n";

static const char verify_subject[] = "Relais : confirmez votre adresse électronique";

static const char verify_body[] =
    "Bonjour %s,\n"
    "\n"
    "Pour confirmer que l’adresse %s est bien la vôtre, ouvrez ce lien dans les 24 heures :\n"
    "\n"
    "%s/verification/%s\n"
    "\n"
    "Si vous n’avez rien demandé, ignorez ce message.\n"
    "\n"
    "English: open the link above within 24 hours to confirm your e-mail address for Relais.\n";

rstatus auth_reset_request(db_conn *db, arena *a, const audit_ctx *ctx, const char *origin,
                           const char *email, int *retry_after)
{
    const char *ip_key = throttle_key(a, "reset:ip:", ctx->ip);
    const char *acct_key = throttle_key(a, "reset:acct:", email);
    if (!ip_key || !acct_key)
        return ST_NOMEM;
    rstatus st = throttle_check2(db, ip_key, NULL, retry_after);
    if (st != ST_OK)
        return st;
    /* Every request counts, sent or not: the budget is for asking, not for failing. */
    if ((st = auth_throttle_failure(db, ip_key)) != ST_OK)
        return st;
    /* An address that was sent several links recently gets no more for a while, but the
     * answer must not change: the caller cannot tell. */
    int acct_wait = 0;
    rstatus ast = auth_throttle_check(db, acct_key, &acct_wait);
    if (ast != ST_OK && ast != ST_TOO_MANY_REQUESTS)
        return ast;
    if (ast == ST_OK && (st = auth_throttle_failure(db, acct_key)) != ST_OK)
        return st;

    auth_account acc = {0};
    bool found;
    if ((st = auth_store_account_by_email(db, a, email, &acc, &found)) != ST_OK)
        return st;
    bool send = found && acc.active && ast == ST_OK;

    if ((st = db_begin(db)) != ST_OK)
        return st;
    if (send) {
        const char *token = auth_link_token_make(a, AUTH_PURPOSE_RESET, acc.id);
        const char *body = token ? arena_printf(a, reset_body, acc.display_name, acc.email,
                                                origin, token)
                                 : NULL;
        st = body ? auth_store_outbox_add(db, "password_reset", acc.email, acc.id,
                                          reset_subject, body)
                  : ST_NOMEM;
    }
    if (st == ST_OK) {
        json_t *d = json_pack("{s:s, s:b}", "email", email, "sent", send);
        if (!d)
            st = ST_NOMEM;
        else if (found)
            st = audit_user(db, ctx, "password.reset_requested", acc.id, d);
        else {
            st = audit_record(db, ctx, "password.reset_requested", NULL, NULL, 0, d);
            json_decref(d);
        }
    }
    return finish(db, st);
}

rstatus auth_reset_confirm(db_conn *db, arena *a, const audit_ctx *ctx, const char *token,
                           const char *password, char *err, size_t errsize)
{
    long long user_id;
    unsigned char nonce[16];
    const char *purpose = AUTH_PURPOSE_RESET;
    if (auth_signed_check(token, purpose, &user_id, nonce) != ST_OK) {
        purpose = AUTH_PURPOSE_WELCOME;
        if (auth_signed_check(token, purpose, &user_id, nonce) != ST_OK)
            return ST_NOT_FOUND;
    }
    long long issued = auth_signed_expiry(token) - link_lifetime(purpose);

    auth_account acc = {0};
    bool found, used;
    rstatus st = auth_store_account_by_id(db, a, user_id, &acc, &found);
    if (st != ST_OK)
        return st;
    /* A link made before the password last changed (another reset, a change) is stale. */
    if (!found || !acc.active || acc.password_changed_unix > issued)
        return ST_NOT_FOUND;
    if ((st = auth_store_nonce_used(db, nonce, &used)) != ST_OK)
        return st;
    if (used)
        return ST_NOT_FOUND;
    /* Policy before using the token up, so a refused password can be retried. */
    if ((st = auth_password_check(password, acc.email, acc.display_name, err, errsize)) != ST_OK)
        return st;
    char hash[AUTH_HASH_BYTES];
    if ((st = auth_password_hash(password, hash)) != ST_OK)
        return st;

    const char *acct_key = throttle_key(a, "acct:", acc.email);
    audit_ctx uc = as_user(ctx, acc.id, acc.email);
    bool fresh = false, updated = false;
    long long tokens = 0;
    if (!acct_key || (st = db_begin(db)) != ST_OK) {
        sodium_memzero(hash, sizeof hash);
        return acct_key ? st : ST_NOMEM;
    }
    /* Both checks again inside the transaction: two clicks at once, or a change in between. */
    st = auth_store_nonce_use(db, nonce, purpose, &fresh);
    if (st == ST_OK && !fresh)
        st = ST_NOT_FOUND;
    if (st == ST_OK)
        st = auth_store_password_set(db, acc.id, hash, issued, true, &updated);
    if (st == ST_OK && !updated)
        st = ST_NOT_FOUND;
    if (st == ST_OK)
        st = end_credentials(db, acc.id, 0, &tokens);
    /* The owner proved the mailbox: let them sign in at once. */
    if (st == ST_OK)
        st = auth_throttle_success(db, acct_key);
    if (st == ST_OK) {
        json_t *d = json_pack("{s:s, s:I}", "link", purpose, "tokens_revoked", (json_int_t)tokens);
        st = d ? audit_user(db, &uc, "password.reset", acc.id, d) : ST_NOMEM;
    }
    sodium_memzero(hash, sizeof hash);
    return finish(db, st);
}

rstatus auth_verify_request(db_conn *db, arena *a, const audit_ctx *ctx, const char *origin,
                            long long user_id, int *retry_after)
{
    auth_account acc = {0};
    bool found;
    rstatus st = auth_store_account_by_id(db, a, user_id, &acc, &found);
    if (st != ST_OK)
        return st;
    if (!found || !acc.active)
        return ST_NOT_FOUND;
    if (acc.email_verified)
        return ST_CONFLICT;
    char id[24];
    snprintf(id, sizeof id, "%lld", user_id);
    const char *key = throttle_key(a, "verify:", id);
    if (!key)
        return ST_NOMEM;
    if ((st = throttle_check2(db, key, NULL, retry_after)) != ST_OK)
        return st;

    const char *token = auth_link_token_make(a, AUTH_PURPOSE_VERIFY, acc.id);
    const char *body = token ? arena_printf(a, verify_body, acc.display_name, acc.email, origin,
                                            token)
                             : NULL;
    if (!body)
        return ST_NOMEM;
    if ((st = db_begin(db)) != ST_OK)
        return st;
    st = auth_throttle_failure(db, key);
    if (st == ST_OK)
        st = auth_store_outbox_add(db, "email_verification", acc.email, acc.id, verify_subject,
                                   body);
    if (st == ST_OK) {
        json_t *d = json_pack("{s:s}", "email", acc.email);
        st = d ? audit_user(db, ctx, "email.verification_sent", acc.id, d) : ST_NOMEM;
    }
    return finish(db, st);
}

rstatus auth_verify_confirm(db_conn *db, arena *a, const audit_ctx *ctx, const char *token)
{
    long long user_id;
    unsigned char nonce[16];
    if (auth_signed_check(token, AUTH_PURPOSE_VERIFY, &user_id, nonce) != ST_OK)
        return ST_NOT_FOUND;
    auth_account acc = {0};
    bool found, fresh = false, updated = false;
    rstatus st = auth_store_account_by_id(db, a, user_id, &acc, &found);
    if (st != ST_OK)
        return st;
    if (!found)
        return ST_NOT_FOUND;
    audit_ctx uc = as_user(ctx, acc.id, acc.email);
    if ((st = db_begin(db)) != ST_OK)
        return st;
    st = auth_store_nonce_use(db, nonce, AUTH_PURPOSE_VERIFY, &fresh);
    if (st == ST_OK && !fresh)
        st = ST_NOT_FOUND;
    if (st == ST_OK)
        st = auth_store_email_verified_set(db, acc.id, &updated);
    if (st == ST_OK && !updated)
        st = ST_NOT_FOUND;
    if (st == ST_OK) {
        json_t *d = json_pack("{s:s}", "email", acc.email);
        st = d ? audit_user(db, &uc, "email.verified", acc.id, d) : ST_NOMEM;
    }
    return finish(db, st);
}

/* signed.c's layout: purpose (16) | subject (8, big-endian) | expiry (8, big-endian) | nonce
 * (16) | MAC (32), in unpadded base64url. */
long long auth_signed_expiry(const char *token)
{
    unsigned char t[16 + 8 + 8 + 16 + crypto_auth_BYTES];
    size_t len;
    if (!token || strlen(token) > 200 ||
        sodium_base642bin(t, sizeof t, token, strlen(token), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len != sizeof t)
        return -1;
    unsigned long long v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | t[24 + i];
    return (long long)v;
}
