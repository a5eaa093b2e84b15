/* community.h - communities, memberships, join requests and invitations: the domain and its store. */
#ifndef RELAIS_COMMUNITY_H
#define RELAIS_COMMUNITY_H

#include <jansson.h>
#include <stdbool.h>

#include "access/access.h"
#include "audit/audit.h"
#include "db/pool.h"
#include "util/arena.h"

/*
 * Conventions for everything below:
 *  - functions return ST_OK or a status; human detail for a refusal goes into err (when the
 *    function takes one) and the caller answers with it;
 *  - functions that change something run in the caller's transaction (the handler begins it
 *    with community_facts_load(..., lock = true) and commits) unless stated otherwise, and
 *    write their audit events in it;
 *  - json_t results are new references owned by the caller;
 *  - lists are already filtered with the ACL_SQL_* rules: nothing the viewer may not see is
 *    fetched, so counts and totals are safe to show.
 * Thread-safe: no shared state (each call uses the caller's connection).
 */

#define COMMUNITY_SLUG_MAX 64
#define COMMUNITY_NAME_MAX 120
#define COMMUNITY_DESCRIPTION_MAX 5000
#define COMMUNITY_MESSAGE_MAX 1000
#define COMMUNITY_LIST_MAX 200          /* largest page of any list here */
#define INVITATION_DAYS 14

/* ---- slugs (slug.c) ------------------------------------------------------------------- */

/* A slug for name: ASCII lowercase letters, digits and single hyphens, accents folded,
 * never all digits (that would read as an id), "communaute" when nothing is left. */
void community_slugify(const char *name, char out[COMMUNITY_SLUG_MAX + 1]);
/* Is s an acceptable slug as given by a client (same alphabet, not all digits)? */
bool community_slug_valid(const char *s);

/* ---- communities (community_store.c) ---------------------------------------------------- */

typedef struct community_facts {
    long long id;
    acl_community acl;          /* visibility, archived, the viewer's role */
    bool locked;                /* loaded inside a transaction the caller must end */
} community_facts;

/*
 * Loads what rights depend on for the community named by ref (a numeric id or a slug) as
 * seen by viewer. lock: begin a transaction and lock the community row (FOR NO KEY UPDATE),
 * so that membership changes of one community happen one at a time (the last-animator rule
 * is then race-free); on failure the transaction is already rolled back. ST_NOT_FOUND when
 * no community has that id or slug.
 */
rstatus community_facts_load(db_conn *db, const principal *viewer, const char *ref, bool lock,
                             community_facts *out);

/* The community as viewer sees it: fields, organisation, my_role, member_count, can{}. */
rstatus community_get(db_conn *db, const principal *viewer, long long id, json_t **out);

typedef struct community_query {
    bool mine;                  /* only communities I belong to */
    const char *q;              /* words of the name, case and accents folded; NULL = any */
    const char *visibility;     /* "public" ... or NULL */
    int archived;               /* -1 = both, 0 = live only, 1 = archived only */
    long long limit, offset;
} community_query;

/* {"items":[...], "total", "limit", "offset"}: the communities viewer may see, by name. */
rstatus community_list(db_conn *db, const principal *viewer, const community_query *q,
                       json_t **out);

/* Fields of a creation or a change; NULL (or -1) = not given. */
typedef struct community_input {
    const char *name;
    const char *description;
    const char *visibility;
    const char *slug;
    int archived;
} community_input;

/*
 * Creates a community (its own transaction): the slug is in->slug (ST_CONFLICT when taken)
 * or made from the name, with "-2", "-3" ... until free; the creator becomes its animator;
 * the owning organisation is the creator's. Audits community.created and membership.added.
 */
rstatus community_create(db_conn *db, const audit_ctx *ctx, long long creator_id,
                         const community_input *in, long long *id_out, char *err,
                         size_t errsize);

/* Applies the given fields; audits community.updated / archived / unarchived. ST_CONFLICT
 * when the new slug is taken. */
rstatus community_update(db_conn *db, const audit_ctx *ctx, const community_facts *f,
                         const community_input *in, char *err, size_t errsize);

/* ---- members and join requests (member_store.c) --------------------------------------- */

typedef struct member_target {
    long long id;
    bool is_guest;              /* kind 'guest' */
    bool active;
    enum acl_role role;         /* in the community concerned */
} member_target;

/*
 * The person user_id as viewer may see them, with their role in community_id.
 * ST_NOT_FOUND when there is no such person or viewer may not see them (same answer).
 */
rstatus member_target_load(db_conn *db, const principal *viewer, long long community_id,
                           long long user_id, member_target *out);

/* {"items":[member...], "total", "limit", "offset"}: members viewer may see, animators first. */
rstatus member_list(db_conn *db, const principal *viewer, long long community_id,
                    long long limit, long long offset, json_t **out);

/* One member: user_id, display_name, email, kind, organisation, job_title, role, joined_at. */
rstatus member_get(db_conn *db, long long community_id, long long user_id, json_t **out);

/* Adds user_id with role; how ("added", "joined", "approved", "invited") goes in the audit
 * detail. ST_CONFLICT when already a member. */
rstatus member_add(db_conn *db, const audit_ctx *ctx, long long community_id,
                   long long user_id, enum acl_role role, const char *how);

/* ST_NOT_FOUND: not a member; ST_CONFLICT: it would leave the community without animator. */
rstatus member_set_role(db_conn *db, const audit_ctx *ctx, long long community_id,
                        long long user_id, enum acl_role role);
rstatus member_remove(db_conn *db, const audit_ctx *ctx, long long community_id,
                      long long user_id);

/* Asks to join: the pending request (an existing pending one is returned as is). */
rstatus join_request_create(db_conn *db, const audit_ctx *ctx, long long community_id,
                            long long user_id, const char *message, json_t **out);
/* Cancels my pending request; ST_NOT_FOUND when there is none. */
rstatus join_request_cancel(db_conn *db, const audit_ctx *ctx, long long community_id,
                            long long user_id);
/* {"items":[...]}: pending requests first, then the last decided ones. */
rstatus join_request_list(db_conn *db, long long community_id, json_t **out);
/* Approves (the requester becomes a member) or refuses a pending request. ST_NOT_FOUND: no
 * such request in this community; ST_CONFLICT: already decided. */
rstatus join_request_decide(db_conn *db, const audit_ctx *ctx, long long community_id,
                            long long request_id, bool approve, json_t **out);

/* ---- invitations (invitation_store.c) ---------------------------------------------------- */

typedef struct invitation_input {
    const char *email;
    enum acl_role role;         /* ACL_GUEST or ACL_MEMBER */
    const char *message;        /* "" when none */
} invitation_input;

/*
 * Invites an address into the community: checks the platform's allowed domains
 * (ST_UNPROCESSABLE) and that the address is not a member already (ST_CONFLICT), revokes an
 * earlier pending invitation to the same address, writes the invitation, the e-mail in the
 * outbox with the link origin + "/invitation/" + token (signed, 14 days, single use) and
 * the audit event. *out: the invitation as listed.
 */
rstatus invitation_create(db_conn *db, arena *a, const audit_ctx *ctx, long long community_id,
                          const invitation_input *in, const char *origin, json_t **out,
                          char *err, size_t errsize);

/* {"items":[...]} with status pending / accepted / expired / revoked, newest first. */
rstatus invitation_list(db_conn *db, long long community_id, json_t **out);

/* ST_NOT_FOUND: no such invitation here; ST_CONFLICT: already accepted or revoked. */
rstatus invitation_revoke(db_conn *db, const audit_ctx *ctx, long long community_id,
                          long long invitation_id);

/* A usable invitation, found from its link's token. Strings live in the arena. */
typedef struct invitation_info {
    long long id;
    long long community_id;
    const char *email;
    enum acl_role role;
    long long account_id;           /* an account with that address, 0 = none */
    const char *account_email;      /* its address as stored (NULL when none) */
    bool account_active;
    bool account_is_guest;
    const char *account_password_hash;  /* NULL when the account has none */
    unsigned char nonce[16];
} invitation_info;

/*
 * Checks token (signature, purpose, expiry) and finds its invitation: not accepted, not
 * revoked, not expired, community not archived. ST_NOT_FOUND otherwise, whatever the reason.
 * view (may be NULL): what the acceptance page shows.
 */
rstatus invitation_open(db_conn *db, arena *a, const char *token, invitation_info *out,
                        json_t **view);

/*
 * Accepts inv (in the caller's transaction, the invitation row locked and checked again: a
 * second acceptance is ST_NOT_FOUND): attaches account user_id, or, when user_id is 0,
 * creates the guest account (new_name, new_hash; e-mail verified by the link). The role is
 * 'guest' for guest accounts, 'member' for staff. An existing membership is kept.
 * Audits invitation.accepted (+ user.created, membership.added). *user_out: the account.
 */
rstatus invitation_accept(db_conn *db, const audit_ctx *ctx, const invitation_info *inv,
                          long long user_id, const char *new_name, const char *new_hash,
                          long long *user_out);

/* {"user":{id,email,display_name,kind},"community":{id,slug,name},"role"} after acceptance. */
rstatus invitation_accepted_json(db_conn *db, long long user_id, long long community_id,
                                 json_t **out);

#endif
