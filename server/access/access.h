/* access.h - the one place Relais decides who may do what (communities, people, admin). */
#ifndef RELAIS_ACCESS_H
#define RELAIS_ACCESS_H

#include <stdbool.h>

#include "auth/auth.h"
#include "http/request.h"

/*
 * Two faces of the same rules, kept side by side so they cannot drift apart:
 *  - acl_*_can(): the decision for one object whose facts the caller loaded;
 *  - ACL_SQL_*: the same rule as a SQL condition, for every list, count, search
 *    or feed query, so that nothing the viewer may not see is ever fetched.
 * tests/unit/test_access.c checks the decision table; tests/api/access_matrix
 * checks every route and every list against it.
 *
 * Denied objects answer exactly like missing ones (404), so ids cannot be
 * probed: use acl_deny() to answer and audit a refusal.
 */

enum acl_visibility { ACL_PUBLIC, ACL_RESTRICTED, ACL_SECRET };
enum acl_role { ACL_NOT_MEMBER, ACL_GUEST, ACL_MEMBER, ACL_ANIMATOR };

typedef struct acl_community {
    enum acl_visibility visibility;
    bool archived;
    enum acl_role role;         /* the viewer's role in it */
} acl_community;

enum acl_action {
    ACL_SEE,            /* know it exists: lists, counts, search, autocompletion, profiles */
    ACL_READ,           /* open it: home page, members, documents, forums */
    ACL_WRITE,          /* add or change content in it */
    ACL_JOIN,           /* become a member directly (public) */
    ACL_REQUEST_JOIN,   /* ask the animators (restricted) */
    ACL_LEAVE,
    ACL_EDIT,           /* name, description, visibility, cover */
    ACL_MANAGE_MEMBERS, /* add, remove, change roles, decide join requests */
    ACL_INVITE,         /* invite external partners by e-mail */
    ACL_ARCHIVE,        /* archive and unarchive */
    ACL_LIST_MEMBERS,   /* see who belongs: readers, and admins who may repair it */
    ACL_REVIEW,         /* see what animators handle (join requests, invitations), archived too */
};

/* May viewer (NULL = anonymous) do action on community c? Pure; thread-safe. */
bool acl_community_can(const principal *viewer, const acl_community *c, enum acl_action action);

/*
 * Why action is refused on c, for people ("This community is archived: it is read-only.").
 * Only meaningful when acl_community_can() said no. Static storage.
 */
const char *acl_community_why(const principal *viewer, const acl_community *c,
                              enum acl_action action);

/*
 * Answers a refused community action: 404 with the message a missing community gets when
 * the viewer may not even see it, else 403 with acl_community_why(). Audits it like
 * acl_deny(). community_id is what the client asked for (kept in the audit trail).
 */
rstatus acl_community_deny(request *r, const acl_community *c, long long community_id,
                           enum acl_action action);

/* The message a missing or invisible community answers with (one text, so ids cannot be probed). */
#define ACL_NO_SUCH_COMMUNITY "No such community."

/* Parses "public"/"restricted"/"secret" and "animator"/"member"/"guest" (NULL, "" = none). */
bool acl_visibility_parse(const char *s, enum acl_visibility *out);
enum acl_role acl_role_parse(const char *s);

/*
 * May viewer see person target? Staff see staff; everyone sees the people they
 * share a community with and themselves; guests see nobody else; admins see all.
 */
bool acl_user_can_see(const principal *viewer, long long target_id, bool target_is_guest,
                      bool shares_community);

/* Platform administration (organisations, accounts, audit trail). */
bool acl_is_admin(const principal *viewer);

/*
 * SQL conditions. `c` is the alias of a communities row, `u` of a users row,
 * `viewer` the placeholder holding the viewer's user id ("$1"); all string
 * literals, so they concatenate into constant statements:
 *     "SELECT ... FROM communities c WHERE " ACL_SQL_COMMUNITY_VISIBLE("c", "$1")
 * An anonymous viewer (NULL id) matches nothing.
 */
#define ACL_SQL_VIEWER(viewer, cond)                                                       \
    "EXISTS (SELECT 1 FROM users acl_v WHERE acl_v.id = " viewer                           \
    " AND acl_v.status = 'active' AND (" cond "))"

/*
 * The same, uncorrelated: cond names the viewer's row only, never the row being
 * filtered, so PostgreSQL evaluates it once per statement (an InitPlan) instead of once
 * per community of a list. Likewise the viewer's communities are one IN list, hashed once.
 */
#define ACL_SQL_VIEWER_IS(viewer, cond)                                                    \
    "EXISTS (SELECT 1 FROM users acl_v WHERE acl_v.id = " viewer                           \
    " AND acl_v.status = 'active' AND (" cond "))"

#define ACL_SQL_IS_MEMBER(c, viewer)                                                       \
    "(" c ".id IN (SELECT acl_m.community_id FROM memberships acl_m"                       \
    " WHERE acl_m.user_id = " viewer ") AND " ACL_SQL_VIEWER_IS(viewer, "true") ")"

/* ACL_SEE as SQL. */
#define ACL_SQL_COMMUNITY_VISIBLE(c, viewer)                                               \
    "(" ACL_SQL_VIEWER_IS(viewer, "acl_v.platform_role = 'admin'")                         \
    " OR (" c ".visibility <> 'secret' AND " ACL_SQL_VIEWER_IS(viewer, "acl_v.kind = 'staff'") ")" \
    " OR " ACL_SQL_IS_MEMBER(c, viewer) ")"

/* ACL_READ as SQL. */
#define ACL_SQL_COMMUNITY_READABLE(c, viewer)                                              \
    "((" c ".visibility = 'public' AND " ACL_SQL_VIEWER_IS(viewer, "acl_v.kind = 'staff'") ")" \
    " OR " ACL_SQL_IS_MEMBER(c, viewer) ")"

/* acl_user_can_see as SQL. The co-members are an uncorrelated IN list (it names the viewer,
 * not the row), so PostgreSQL builds it once per query and probes a hash for each person
 * instead of joining memberships again for every row of a list or count. */
#define ACL_SQL_USER_VISIBLE(u, viewer)                                                    \
    "(" ACL_SQL_VIEWER(viewer, "acl_v.id = " u ".id OR acl_v.platform_role = 'admin'"      \
                       " OR (acl_v.kind = 'staff' AND " u ".kind = 'staff')"                \
                       " OR " u ".id IN (SELECT acl_b.user_id FROM memberships acl_a"        \
                       " JOIN memberships acl_b ON acl_a.community_id = acl_b.community_id" \
                       " WHERE acl_a.user_id = " viewer ")") ")"

/*
 * Organisations a viewer may list: staff and admins see every organisation (the
 * directory filters by them); a guest sees only the organisations of the people
 * it may see. `o` is the alias of an organisations row.
 */
#define ACL_SQL_ORGANISATION_VISIBLE(o, viewer)                                            \
    "(" ACL_SQL_VIEWER(viewer, "acl_v.kind = 'staff' OR acl_v.platform_role = 'admin'"     \
                       " OR EXISTS (SELECT 1 FROM users org_u WHERE org_u.organisation_id = " \
                       o ".id AND org_u.status = 'active' AND "                             \
                       ACL_SQL_USER_VISIBLE("org_u", viewer) ")") ")"

/*
 * Answers a refusal: writes an "access.denied" audit event and returns
 * ST_NOT_FOUND with the same message a missing object gets (what), or
 * ST_FORBIDDEN when the object is visible but the action is not allowed
 * (visible = true), so people learn why a button does nothing.
 */
rstatus acl_deny(request *r, bool visible, const char *object_type, const char *object_id,
                 const char *what);

/*
 * Search (server/search/). The index holds "access keys" on each item and every query
 * names the viewer's keys: an item is found only by a viewer holding one of its keys, and
 * the filter is inside the index query, so totals, facets and completions obey it too.
 * The keys mirror the rules above:
 *   "r<c>"  content of community c (documents, tags...): its readers (ACL_READ);
 *   "s<c>"  community c itself: who may know it exists (ACL_SEE);
 *   "u<id>" a person, found by themself; "m<c>" a member of c, found by co-members;
 *   "ps"    a staff person, found by staff; "p" any person, found by administrators.
 * A viewer's keys are computed from PostgreSQL at each query, so a member removed a
 * moment ago finds nothing more. ACL_SQL_SEARCH_VIEWER_KEYS(viewer) is that computation as
 * one text[] expression, besides the ones every viewer holds ("u<id>", "ps", "p"), which
 * follow from the principal; the session lookup of search routes (ROUTE_SEARCH_KEYS)
 * selects it too, so a search costs no second round trip to the database.
 */
#define ACL_SQL_SEARCH_VIEWER_KEYS(viewer)                                                  \
    "ARRAY(SELECT 'r' || c.id FROM communities c WHERE " ACL_SQL_COMMUNITY_READABLE("c", viewer) \
    " UNION ALL SELECT 's' || c.id FROM communities c WHERE " ACL_SQL_COMMUNITY_VISIBLE("c", viewer) \
    " UNION ALL SELECT 'm' || m.community_id FROM memberships m WHERE m.user_id = " viewer       \
    "   AND EXISTS (SELECT 1 FROM users v WHERE v.id = " viewer " AND v.status = 'active'))"
#define ACL_SEARCH_KEY_MAX 24
void acl_search_key_content(char out[ACL_SEARCH_KEY_MAX], long long community_id);
void acl_search_key_community(char out[ACL_SEARCH_KEY_MAX], long long community_id);
/* The keys of person id: staff or guest, member of communities[0..n). Arena-allocated. */
const char **acl_search_keys_person(arena *a, long long id, bool is_staff,
                                    const long long *communities, size_t n, size_t *nkeys);
/* The viewer's keys (NULL viewer: none), from viewer->search_keys, which the session lookup
 * of ROUTE_SEARCH_KEYS routes reads. Arena-allocated. ST_OK, ST_NOMEM or ST_INTERNAL. */
rstatus acl_search_viewer_keys(arena *a, const principal *viewer, const char ***keys,
                               size_t *nkeys);

#endif
