/* auth.h - who is calling: passwords, sessions, API tokens, CSRF, signed tokens, throttling. */
#ifndef RELAIS_AUTH_H
#define RELAIS_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "db/pool.h"
#include "http/request.h"
#include "util/status.h"

/*
 * The principal: the authenticated caller of one request, resolved by the gate
 * from the session cookie or an "Authorization: Bearer" API token and kept in
 * r->who (NULL when anonymous). Allocated in the request's arena.
 */
enum auth_method { AUTH_BY_SESSION, AUTH_BY_TOKEN };

typedef struct principal {
    long long user_id;
    const char *email;
    const char *display_name;
    bool is_guest;              /* external partner (user kind 'guest') */
    bool is_admin;              /* platform role 'admin' */
    enum auth_method method;
    long long session_id;       /* AUTH_BY_SESSION */
    const char *csrf_token;     /* AUTH_BY_SESSION */
    long long token_id;         /* AUTH_BY_TOKEN */
    bool read_only;             /* a 'read' API token */
    const char *search_keys;    /* ACL_SQL_SEARCH_VIEWER_KEYS as text, if the lookup read it */
} principal;

/* ---- passwords (password.c) ------------------------------------------------------- */

#define AUTH_PASSWORD_MIN 12        /* characters (code points), ANSSI/CNIL guidance */
#define AUTH_PASSWORD_MAX 256       /* characters */
#define AUTH_HASH_BYTES 128         /* >= crypto_pwhash_STRBYTES */

/* argon2id cost, reported by `relais admin password-cost`. */
extern const unsigned long long auth_argon2_opslimit;
extern const size_t auth_argon2_memlimit;

/*
 * Checks a new password against the policy: 12 to 256 characters of valid
 * UTF-8, any characters, no composition rules, not in the common-password
 * list, not the e-mail address or the name. ST_OK, or ST_UNPROCESSABLE with a
 * message for people in err.
 */
rstatus auth_password_check(const char *password, const char *email, const char *name,
                            char *err, size_t errsize);

/*
 * argon2id hash of password into out (NUL-terminated, AUTH_HASH_BYTES).
 * Bounded to a few concurrent hashes so that a burst of logins cannot take all
 * memory (each costs auth_argon2_memlimit bytes). Blocks: workers only.
 */
rstatus auth_password_hash(const char *password, char out[AUTH_HASH_BYTES]);

/* True when password matches hash (constant-time). Blocks like hashing. */
bool auth_password_verify(const char *hash, const char *password);

/* Verifies against a fixed dummy hash: spends the same time when no account matches. */
void auth_password_burn(const char *password);

/* ---- sessions (session.c) ----------------------------------------------------------- */

typedef struct auth_settings {
    int idle_minutes;           /* RELAIS_SESSION_IDLE_MINUTES */
    int max_hours;              /* RELAIS_SESSION_MAX_HOURS */
    bool cookie_secure;         /* RELAIS_COOKIE_SECURE: Secure + __Host- prefix */
} auth_settings;

/* The cookie's name for these settings ("relais_session" or "__Host-relais_session"). */
const char *auth_cookie_name(const auth_settings *s);

/*
 * Opens a session for user_id: a fresh 256-bit token (only its SHA-256 is
 * stored) and a CSRF token. Writes the Set-Cookie value into set_cookie and
 * the CSRF token into csrf (both arena-allocated).
 */
rstatus auth_session_create(db_conn *db, arena *a, const auth_settings *s, long long user_id,
                            const char *ip, const char *user_agent, const char **set_cookie,
                            const char **csrf);

/* Revokes one session (the caller's own or, with user_id check, one of theirs). */
rstatus auth_session_revoke(db_conn *db, long long user_id, long long session_id, bool *found);

/* Revokes every session of user_id except keep_session_id (0 = all). */
rstatus auth_session_revoke_others(db_conn *db, long long user_id, long long keep_session_id);

/* A Set-Cookie value that deletes the cookie. Static storage. */
const char *auth_cookie_clear(const auth_settings *s);

/*
 * Resolves r->who from the session cookie or a Bearer token, if any. A missing,
 * expired or revoked credential leaves r->who NULL (the route's auth level then
 * decides); a malformed Authorization header is ST_UNAUTHENTICATED. With search_keys, the
 * same statement reads the viewer's search access keys into r->who->search_keys.
 */
rstatus auth_resolve(request *r, const auth_settings *s, bool search_keys);

/*
 * CSRF and Origin checks for a state-changing request made with a session
 * cookie: X-CSRF-Token must equal the session's token and Origin (or, when
 * absent, Referer) must be this server's origin. Bearer tokens are exempt.
 */
rstatus auth_check_csrf(request *r);

/* ---- API tokens (session.c) ---------------------------------------------------------- */

/* Creates a token; *token_out is the secret shown once ("rls_" + 43 chars). */
rstatus auth_token_create(db_conn *db, arena *a, long long user_id, const char *name,
                          bool read_write, long long *id_out, const char **token_out);

/* ---- signed, expiring tokens for links (signed.c) -------------------------------------- */

/*
 * Links in e-mails (password reset, e-mail verification, invitations) carry
 * purpose | subject id | expiry | 16-byte nonce, MACed with the server key
 * (HMAC-SHA-512-256 from libsodium), base64url. Single use is enforced by the
 * caller recording the nonce (table used_tokens, or the row the nonce names).
 */
int auth_signing_key_load(const char *path, char *err, size_t errsize);
const char *auth_signed_make(arena *a, const char *purpose, long long subject,
                             long long expires_unix, unsigned char nonce_out[16]);
/* ST_OK with subject and nonce; ST_NOT_FOUND for a bad, foreign or expired token. */
rstatus auth_signed_check(const char *token, const char *purpose, long long *subject,
                          unsigned char nonce[16]);

/* ---- throttling (throttle.c) ----------------------------------------------------------- */

/*
 * Login attempts are counted per account and per client address. After a few
 * failures the key is blocked for a delay that doubles with each further
 * failure (capped at 15 minutes), so the real owner is slowed, never locked
 * out for good. ST_TOO_MANY_REQUESTS with *retry_after seconds when blocked.
 */
rstatus auth_throttle_check(db_conn *db, const char *key, int *retry_after);
rstatus auth_throttle_failure(db_conn *db, const char *key);
rstatus auth_throttle_success(db_conn *db, const char *key);
/* Drops counters that no longer block anything (one row per address ever tried
 * would otherwise pile up). Run by the daily purge. */
rstatus auth_throttle_forget_stale(db_conn *db);

/* SHA-256 of a token as the bytea literal "\\x…" for a query parameter (arena). */
const char *auth_token_hash_param(arena *a, const char *token);

#endif
