/* people.h - organisations, the directory, profiles and photos, accounts, demo data. */
#ifndef RELAIS_PEOPLE_H
#define RELAIS_PEOPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "access/access.h"
#include "audit/audit.h"
#include "db/pool.h"
#include "http/request.h"
#include "util/arena.h"
#include "util/buf.h"

/* ---- HTTP handlers (org_http.c, user_http.c, admin_http.c) --------------------------- */

rstatus people_org_list(request *r);            /* GET   /api/organisations */
rstatus people_org_create(request *r);          /* POST  /api/organisations (admin) */
rstatus people_org_update(request *r);          /* PATCH /api/organisations/{id} (admin) */

rstatus people_user_list(request *r);           /* GET   /api/users */
rstatus people_user_get(request *r);            /* GET   /api/users/{id} */
rstatus people_user_photo(request *r);          /* GET   /api/users/{id}/photo */
rstatus people_me_update(request *r);           /* PATCH /api/me */
rstatus people_me_photo_put(request *r);        /* PUT   /api/me/photo */
rstatus people_me_photo_delete(request *r);     /* DELETE /api/me/photo */

rstatus people_admin_user_list(request *r);     /* GET   /api/admin/users */
rstatus people_admin_user_create(request *r);   /* POST  /api/admin/users */
rstatus people_admin_user_update(request *r);   /* PATCH /api/admin/users/{id} */
rstatus people_admin_settings_get(request *r);  /* GET   /api/admin/settings */
rstatus people_admin_settings_put(request *r);  /* PUT   /api/admin/settings */

/* ---- limits ----------------------------------------------------------------------------- */

#define PEOPLE_NAME_MAX 120         /* characters, as the users table checks */
#define PEOPLE_JOB_MAX 120
#define PEOPLE_PHONE_MAX 40
#define PEOPLE_PLACE_MAX 120
#define PEOPLE_BIO_MAX 2000
#define PEOPLE_ORG_NAME_MAX 200
#define PEOPLE_EMAIL_MAX 254
#define PEOPLE_PHOTO_MAX (2 * 1024 * 1024)
#define PEOPLE_SEARCH_WORDS 5       /* words of a directory query that count; more are ignored */
#define PEOPLE_PAGE_MAX 100

/* ---- helpers (people.c; the pure ones unit-tested in tests/unit/test_people.c) --------- */

/*
 * The media type that data's magic bytes announce among image/png, image/jpeg,
 * image/gif and image/webp, or NULL for anything else (SVG, HTML, truncated files).
 */
const char *people_image_sniff(const void *data, size_t len);

/*
 * Checks a text field people typed: valid UTF-8 (Jansson guarantees it for JSON
 * input), at most max_chars code points, no control characters except, when
 * multiline, tab, CR and LF. Returns a message for people, or NULL when fine.
 */
const char *people_text_problem(const char *s, size_t max_chars, bool multiline);

/* s without leading and trailing white space, copied into a. NULL when out of memory. */
char *people_trim(arena *a, const char *s);

/* True when s looks like an e-mail address: local@domain, no spaces, 3..254 bytes. */
bool people_email_ok(const char *s);

/*
 * Splits a search query into at most PEOPLE_SEARCH_WORDS words, each escaped for
 * LIKE (\ % _ get a backslash) and copied into a. Returns the number of words.
 */
int people_search_words(arena *a, const char *q, const char *words[PEOPLE_SEARCH_WORDS]);

/* The base URL links in e-mails start with: RELAIS_PUBLIC_ORIGIN or http://127.0.0.1:PORT. */
const char *people_link_origin(request *r);

/* Replies with JSON text that a store built. */
rstatus people_reply_json_text(request *r, int http_status, const char *json);

/*
 * Reads string field key of the JSON body: trimmed, checked with
 * people_text_problem, required ones non-empty. Leaves *out alone when an optional
 * field is absent. Fails the request (422) with a message naming the field.
 */
rstatus people_body_text(request *r, const char *key, bool required, size_t max_chars,
                         bool multiline, const char **out);

/* ST_OK when the JSON body is an object, else fails the request (422). */
rstatus people_body_object(request *r);

/* ---- store: organisations (org_store.c) ------------------------------------------------- */

/* The organisations viewer may see, as {"items":[…]} JSON text in *json (arena). */
rstatus people_org_list_json(db_conn *db, arena *a, long long viewer, const char **json);

/*
 * Creates an organisation; *json gets it as JSON text. ST_CONFLICT when the name
 * (compared without case and accents) is taken.
 */
rstatus people_org_insert(db_conn *db, arena *a, const char *kind, const char *name,
                          long long *id, const char **json);

/* Renames or re-kinds one (NULL = unchanged). ST_NOT_FOUND, ST_CONFLICT. */
rstatus people_org_change(db_conn *db, arena *a, long long id, const char *kind,
                          const char *name, const char **json);

/* Finds an organisation by name (without case and accents) or creates it with kind. */
rstatus people_org_find_or_create(db_conn *db, const char *name, const char *kind,
                                  long long *id, bool *created);

/* ---- store: directory and profiles (user_store.c) ---------------------------------------- */

typedef struct people_query {
    long long viewer;
    bool viewer_is_admin;       /* admins also see accounts that are not active */
    const char *words[PEOPLE_SEARCH_WORDS];
    int nwords;
    long long organisation;     /* 0 = any */
    int limit, offset;
} people_query;

/* The directory page for q as {"items","total","limit","offset"} JSON text. */
rstatus people_directory_json(db_conn *db, arena *a, const people_query *q, const char **json);

/* What decides whether a viewer may see a person (access/'s acl_user_can_see). */
typedef struct people_facts {
    bool found;
    bool is_guest;
    bool active;
    bool shares_community;      /* with the viewer */
} people_facts;

/*
 * Loads target's facts relative to viewer and, when found, the profile as JSON
 * text (with the person's communities the viewer may see).
 */
rstatus people_profile_load(db_conn *db, arena *a, long long viewer, long long target,
                            people_facts *facts, const char **json);

/* Facts and photo metadata; *etag NULL when the person has no photo. */
rstatus people_photo_meta(db_conn *db, arena *a, long long viewer, long long target,
                          people_facts *facts, const char **type, const char **etag);

/* The photo's bytes (arena). ST_NOT_FOUND when there is none. */
rstatus people_photo_bytes(db_conn *db, arena *a, long long target, const void **data,
                           size_t *len);

typedef struct people_profile_change {
    const char *display_name, *job_title, *phone, *place, *bio;    /* NULL = unchanged */
} people_profile_change;

rstatus people_profile_update(db_conn *db, long long user, const people_profile_change *c);

/* Stores (data != NULL) or removes (data == NULL) the user's photo. */
rstatus people_photo_store(db_conn *db, arena *a, long long user, const void *data, size_t len,
                           const char *type);

/* ---- store: accounts (admin_store.c) ----------------------------------------------------- */

typedef struct people_admin_query {
    const char *words[PEOPLE_SEARCH_WORDS];
    int nwords;
    const char *status;         /* NULL = any */
    int limit, offset;
} people_admin_query;

/* Every account matching q, with status, role and last sign-in, as page JSON text. */
rstatus people_admin_list_json(db_conn *db, arena *a, const people_admin_query *q,
                               const char **json);

/* One account as the admin list shows it. ST_NOT_FOUND. */
rstatus people_admin_user_json(db_conn *db, arena *a, long long id, const char **json);

typedef struct people_new_user {
    const char *email;
    const char *display_name;
    bool guest;                 /* external partner: no organisation */
    bool admin;
    long long organisation;     /* 0 = none */
    const char *job_title;      /* NULL = "" */
    const char *password_hash;  /* NULL = none yet (an invitation e-mail sets it) */
} people_new_user;

/*
 * Inserts the account. ST_CONFLICT when the e-mail address is taken,
 * ST_UNPROCESSABLE (with *why) when the organisation does not exist or a guest
 * names one.
 */
rstatus people_user_insert(db_conn *db, const people_new_user *u, long long *id,
                           const char **why);

/*
 * Queues the "account_created" e-mail: a link ORIGIN/mot-de-passe/TOKEN where
 * TOKEN is a signed "welcome" link token for the user (auth/account.h), valid 7 days.
 */
rstatus people_account_email(db_conn *db, arena *a, const char *origin, long long user,
                             const char *email, const char *display_name,
                             const char *created_by);

/*
 * Creates an account in the caller's transaction and audits "user.created" (detail:
 * kind, role, organisation, via: "api" or "cli"). Without a password hash and with an
 * origin, also queues the "account_created" e-mail whose link lets the person choose a
 * password (created_by: who is named in it). ST_CONFLICT, ST_UNPROCESSABLE with *why.
 */
rstatus people_account_create(db_conn *db, arena *a, const audit_ctx *ctx,
                              const people_new_user *u, const char *via, const char *origin,
                              const char *created_by, long long *id, const char **why);

typedef struct people_account_change {
    const char *status;         /* active|suspended|deactivated; NULL = unchanged */
    const char *role;           /* user|admin; NULL = unchanged */
    long long organisation;     /* -1 = unchanged, 0 = none */
} people_account_change;

/*
 * Applies an administrator's change to account id in the caller's transaction. Leaving
 * "active" revokes every session and API token of the account. Audits "user.updated"
 * with the changes (nothing when nothing changed). ctx->actor_id may not suspend,
 * deactivate or demote themself (ST_CONFLICT). ST_NOT_FOUND, ST_UNPROCESSABLE, all
 * with *why.
 */
rstatus people_account_apply(db_conn *db, arena *a, const audit_ctx *ctx, long long id,
                             const people_account_change *c, const char **why);

/* The current values admin changes start from (locked FOR UPDATE: call in a transaction). */
typedef struct people_account {
    bool found;
    bool is_guest;
    char status[16];
    char role[8];
    long long organisation;     /* 0 = none */
} people_account;

rstatus people_account_lock(db_conn *db, long long id, people_account *out);

/* Applies the changes (NULL / -1 = unchanged; organisation 0 = none). */
rstatus people_account_update(db_conn *db, long long id, const char *status, const char *role,
                              long long organisation, const char **why);

/* Revokes every session and API token of user; counts in the out-parameters. */
rstatus people_account_revoke_all(db_conn *db, long long user, long long *sessions,
                                  long long *tokens);

/* Sets a new password hash and ends every session of the user. ST_NOT_FOUND. */
rstatus people_password_set(db_conn *db, const char *email, const char *hash, long long *user);

/* Looks an account up by e-mail (without case): id, name; ST_NOT_FOUND. */
rstatus people_user_by_email(db_conn *db, arena *a, const char *email, long long *id,
                             const char **display_name);

/* The accounts as JSON text for `relais admin list-users`. */
rstatus people_user_list_all_json(db_conn *db, arena *a, const char **json);

/* Platform settings as one JSON object text ({"invitations.allowed_domains":[…]}). */
rstatus people_settings_json(db_conn *db, arena *a, const char **json);
/* Upserts one setting; value is JSON text. */
rstatus people_setting_put(db_conn *db, const char *key, const char *value_json);

/* ---- demo data (demo.c, demo_store.c) ------------------------------------------------------ */

/* The password every demo account shares (printed by load-demo). */
extern const char people_demo_password[];

/*
 * Loads the demo organisations, people, communities and memberships in one
 * transaction, unless they are there already (*loaded false then). password_hash
 * is the argon2id hash of people_demo_password, shared by every demo account.
 */
rstatus people_demo_load(db_conn *db, const char *password_hash, bool *loaded);

/* Prints the demo logins (e-mail, role, job) to out. */
void people_demo_print_logins(FILE *out);

#endif
