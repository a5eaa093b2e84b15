/* account.h - signing in, changing and resetting passwords, verifying e-mail addresses. */
#ifndef RELAIS_AUTH_ACCOUNT_H
#define RELAIS_AUTH_ACCOUNT_H

#include <stddef.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "db/pool.h"
#include "util/arena.h"
#include "util/status.h"

/*
 * The flows behind the auth routes, free of HTTP: each takes a database
 * connection, the request's arena for what it returns, and the audit context of
 * the caller (who, from where). Each writes its audit events in the same
 * transaction as its change. Those that hash or verify passwords block for
 * about a tenth of a second (argon2id): workers only. Thread-safe as far as
 * the connection and arena are the caller's own.
 */

/*
 * The links sent by e-mail, by purpose (the purpose is signed into the token):
 *  - "pwreset": choose a new password after asking for it; one hour.
 *  - "welcome": choose the first password of an account an administrator opened;
 *    seven days. Used through the same page and route as a reset.
 *  - "verify": prove an e-mail address; one day.
 */
#define AUTH_PURPOSE_RESET "pwreset"
#define AUTH_PURPOSE_WELCOME "welcome"
#define AUTH_PURPOSE_VERIFY "verify"
#define AUTH_RESET_LINK_SECONDS 3600
#define AUTH_WELCOME_LINK_SECONDS (7 * 86400)
#define AUTH_VERIFY_LINK_SECONDS 86400

/*
 * The token of a link for user_id with one of the purposes above, valid for
 * that purpose's lifetime from now (arena-allocated; NULL for an unknown
 * purpose or when out of memory). Use it for every e-mailed link that leads to
 * POST /api/password-reset/confirm or /api/email-verification/confirm: the
 * confirmations derive when the link was made from its expiry and lifetime, to
 * refuse links older than the account's last password change.
 */
const char *auth_link_token_make(arena *a, const char *purpose, long long user_id);

typedef struct auth_login_result {
    long long user_id;
    const char *email;          /* as stored */
    const char *set_cookie;     /* Set-Cookie value for the new session */
    const char *csrf_token;
    int retry_after;            /* seconds, with ST_TOO_MANY_REQUESTS */
} auth_login_result;

/*
 * Checks email and password and opens a new session. Attempts are throttled per
 * account ("acct:" + the lowercased e-mail) and per client address ("ip:" +
 * ctx->ip). A session the client already had (previous_session_id of
 * previous_user_id, 0 = none) is revoked: the session after login is always a
 * new one (no session fixation).
 *
 * Returns ST_OK; ST_UNAUTHENTICATED for an unknown e-mail, a wrong password or
 * an account that is not active, indistinguishable from outside (same answer,
 * the same argon2id work); ST_TOO_MANY_REQUESTS with out->retry_after. Audits
 * "login.ok" and "login.failed" (the attempted e-mail in the detail, never the
 * password).
 */
rstatus auth_login(db_conn *db, arena *a, const auth_settings *s, const audit_ctx *ctx,
                   const char *email, const char *password, long long previous_user_id,
                   long long previous_session_id, auth_login_result *out);

/*
 * Changes user_id's password after checking the current one (throttled like a
 * login on the same account key). Ends every other session of the user (all of
 * them but keep_session_id, 0 = all) and revokes every API token: whoever
 * learned the old password may have minted one. Audits "password.changed".
 * ST_OK; ST_FORBIDDEN when current is wrong; ST_UNPROCESSABLE with a message
 * in err when the new password breaks the policy; ST_TOO_MANY_REQUESTS with
 * *retry_after.
 */
rstatus auth_password_change(db_conn *db, arena *a, const audit_ctx *ctx, long long user_id,
                             long long keep_session_id, const char *current,
                             const char *new_password, int *retry_after, char *err,
                             size_t errsize);

/*
 * Asks for a password-reset link for email. When an active account has this
 * address, writes the e-mail (kind "password_reset", link origin +
 * "/mot-de-passe/" + token, valid one hour) to the outbox; otherwise does
 * nothing visible. Repeated requests for one address send at most a few
 * e-mails per quarter hour. Audits "password.reset_requested".
 * ST_OK whether or not the account exists; ST_TOO_MANY_REQUESTS (with
 * *retry_after) when this client address asked too often.
 */
rstatus auth_reset_request(db_conn *db, arena *a, const audit_ctx *ctx, const char *origin,
                           const char *email, int *retry_after);

/*
 * Sets a new password from a reset or welcome link's token: the token must be
 * genuine, unexpired, unused and younger than the account's last password change. Uses
 * the token up, ends every session and revokes every API token of the account,
 * marks its e-mail address verified and lifts the login throttle on it.
 * Audits "password.reset". ST_OK; ST_NOT_FOUND for a bad, expired, used or
 * outdated token; ST_UNPROCESSABLE (err) when the password breaks the policy,
 * in which case the token stays usable.
 */
rstatus auth_reset_confirm(db_conn *db, arena *a, const audit_ctx *ctx, const char *token,
                           const char *password, char *err, size_t errsize);

/*
 * Sends user_id a link (origin + "/verification/" + token, valid one day) that
 * proves their e-mail address. ST_OK; ST_CONFLICT when it is already verified;
 * ST_TOO_MANY_REQUESTS (*retry_after) after a few requests in a quarter hour.
 */
rstatus auth_verify_request(db_conn *db, arena *a, const audit_ctx *ctx, const char *origin,
                            long long user_id, int *retry_after);

/*
 * Marks the address verified from a verification link's token (single use).
 * Audits "email.verified". ST_OK; ST_NOT_FOUND for a bad, expired or used token.
 */
rstatus auth_verify_confirm(db_conn *db, arena *a, const audit_ctx *ctx, const char *token);

/* ---- sessions and API tokens ------------------------------------------------------------ */

/* Active API tokens one account may hold at once. */
#define AUTH_TOKENS_PER_USER 50

/*
 * Ends session_id if it is one of user_id's live ones and audits action
 * ("logout", "session.revoked"). *found false when it is not (nothing audited).
 */
rstatus auth_session_end(db_conn *db, const audit_ctx *ctx, long long user_id,
                         long long session_id, const char *action, bool *found);

/*
 * Creates an API token for user_id (scope read or read_write, expiring after
 * days, 0 = never) and audits "token.created". *token_json is the token as the
 * API lists it, *secret the token itself, shown once (both arena-allocated).
 * ST_CONFLICT when the user already holds AUTH_TOKENS_PER_USER tokens.
 */
rstatus auth_token_issue(db_conn *db, arena *a, const audit_ctx *ctx, long long user_id,
                         const char *name, bool read_write, long long days,
                         const char **token_json, const char **secret);

/* Revokes one of user_id's tokens and audits "token.revoked"; *found false when none. */
rstatus auth_token_withdraw(db_conn *db, const audit_ctx *ctx, long long user_id,
                            long long token_id, bool *found);

/*
 * The expiry (Unix seconds) written in a signed token that auth_signed_check()
 * accepted, or -1 when token cannot be decoded. Reads the layout signed.c
 * writes; tests/unit/test_auth.c checks the two agree.
 */
long long auth_signed_expiry(const char *token);

#endif
