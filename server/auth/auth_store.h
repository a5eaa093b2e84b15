/* auth_store.h - the SQL behind login, my account, my sessions and tokens, e-mailed links. */
#ifndef RELAIS_AUTH_STORE_H
#define RELAIS_AUTH_STORE_H

#include <stdbool.h>

#include "db/pool.h"
#include "util/arena.h"
#include "util/status.h"

/*
 * Every function runs one statement on db (in the caller's transaction when
 * there is one) and copies what it returns into the arena a. Thread-safety:
 * that of the connection (one thread at a time).
 */

/* An account as login, password changes and e-mailed links need it. */
typedef struct auth_account {
    long long id;
    const char *email;
    const char *display_name;
    const char *password_hash;      /* NULL when no password was ever set */
    bool active;                    /* status 'active' */
    bool email_verified;
    long long password_changed_unix;/* seconds since 1970 (rounded up), 0 = never */
} auth_account;

/* The account with this e-mail (case-insensitive): *found false when none. */
rstatus auth_store_account_by_email(db_conn *db, arena *a, const char *email, auth_account *out,
                                    bool *found);
/* The account with this id: *found false when none. */
rstatus auth_store_account_by_id(db_conn *db, arena *a, long long user_id, auth_account *out,
                                 bool *found);

/*
 * The user object the API returns for the signed-in person (GET /api/me, login),
 * rendered by PostgreSQL as one JSON text: id, email, display_name, kind,
 * platform_role, status, organisation {id,name,kind} | null, job_title, phone,
 * place, bio, has_photo, email_verified, created_at. *json NULL when no such user.
 */
rstatus auth_store_me_json(db_conn *db, arena *a, long long user_id, const char **json);

/*
 * user_id's live sessions (not revoked, not expired, not idle longer than
 * idle_minutes), most recently used first, at most 100, as a JSON array;
 * `current` is true for current_session_id.
 */
rstatus auth_store_sessions_json(db_conn *db, arena *a, long long user_id,
                                 long long current_session_id, int idle_minutes,
                                 const char **json);

/* user_id's tokens that are not revoked, newest first, as a JSON array. */
rstatus auth_store_tokens_json(db_conn *db, arena *a, long long user_id, const char **json);
/* One token of user_id as a JSON object (*json NULL when not found). */
rstatus auth_store_token_json(db_conn *db, arena *a, long long user_id, long long token_id,
                              const char **json);
/* Number of user_id's tokens that are neither revoked nor expired. */
rstatus auth_store_tokens_count(db_conn *db, long long user_id, long long *count);
/* Sets the expiry of a token just created: now + days. */
rstatus auth_store_token_expire_in(db_conn *db, long long token_id, long long days);
/* Revokes one of user_id's tokens; *found false when not theirs or already revoked. */
rstatus auth_store_token_revoke(db_conn *db, long long user_id, long long token_id, bool *found);
/* Revokes every token of user_id; *count gets how many. */
rstatus auth_store_tokens_revoke_all(db_conn *db, long long user_id, long long *count);

/*
 * Sets user_id's password hash and password_changed_at = now(), only while the
 * account is active and its password was not changed after changed_before_unix
 * (0 = no such condition). With mark_verified, also records the e-mail address
 * as verified (a reset link proves the mailbox). *updated false when nothing matched.
 */
rstatus auth_store_password_set(db_conn *db, long long user_id, const char *hash,
                                long long changed_before_unix, bool mark_verified,
                                bool *updated);

/* Sets email_verified_at (kept when already set) on an active account. */
rstatus auth_store_email_verified_set(db_conn *db, long long user_id, bool *updated);

/* Has the nonce of a single-use link already been used? */
rstatus auth_store_nonce_used(db_conn *db, const unsigned char nonce[16], bool *used);
/* Records a nonce as used; *fresh false when it already was (the link is spent). */
rstatus auth_store_nonce_use(db_conn *db, const unsigned char nonce[16], const char *purpose,
                             bool *fresh);

/* Appends an e-mail to the outbox (the mailer sends it later). user_id 0 = none. */
rstatus auth_store_outbox_add(db_conn *db, const char *kind, const char *to_address,
                              long long user_id, const char *subject, const char *body);

#endif
