/* community_store.c - the SQL behind communities: facts for rights, reading, listing, creating, changing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community/community.h"
#include "community/community_sql.h"

/* ---- facts ------------------------------------------------------------------------------- */

#define FACTS_SELECT                                                                         \
    "SELECT c.id, c.visibility, c.archived_at IS NOT NULL, m.role FROM communities c"         \
    " LEFT JOIN memberships m ON m.community_id = c.id AND m.user_id = $2"

static const char sql_facts_by_id[] = FACTS_SELECT " WHERE c.id = $1";
static const char sql_facts_by_slug[] = FACTS_SELECT " WHERE c.slug = $1";
/* The lock is taken by its own statement: the facts query that follows then sees every change
 * committed while it waited (a locking join would re-check the community row only, and could
 * answer with a role its holder lost meanwhile). */
static const char sql_lock_by_id[] = "SELECT id FROM communities WHERE id = $1 FOR NO KEY UPDATE";
static const char sql_lock_by_slug[] =
    "SELECT id FROM communities WHERE slug = $1 FOR NO KEY UPDATE";

static bool is_id(const char *s)
{
    size_t n = strspn(s, "0123456789");
    return n > 0 && n <= 18 && s[n] == '\0';
}

rstatus community_facts_load(db_conn *db, const principal *viewer, const char *ref, bool lock,
                             community_facts *out)
{
    memset(out, 0, sizeof *out);
    bool by_id = ref && is_id(ref);
    if (!ref || (!by_id && !community_slug_valid(ref)))
        return ST_NOT_FOUND;
    char vid[24];
    const char *params[] = {ref, csql_id(vid, viewer ? viewer->user_id : 0)};
    rstatus st;
    long long id;
    if (lock && (st = db_begin(db)) != ST_OK)
        return st;
    if (lock && (st = csql_ll(db, by_id ? sql_lock_by_id : sql_lock_by_slug, 1, params, &id)) != ST_OK) {
        db_rollback(db);
        return st;
    }
    PGresult *res;
    st = db_query(db, by_id ? sql_facts_by_id : sql_facts_by_slug, 2, params, &res);
    if (st == ST_OK && PQntuples(res) != 1) {
        PQclear(res);
        st = ST_NOT_FOUND;
    }
    if (st != ST_OK) {
        if (lock)
            db_rollback(db);
        return st;
    }
    out->id = atoll(PQgetvalue(res, 0, 0));
    acl_visibility_parse(PQgetvalue(res, 0, 1), &out->acl.visibility);
    out->acl.archived = PQgetvalue(res, 0, 2)[0] == 't';
    out->acl.role = PQgetisnull(res, 0, 3) ? ACL_NOT_MEMBER : acl_role_parse(PQgetvalue(res, 0, 3));
    out->locked = lock;
    PQclear(res);
    return ST_OK;
}

/* ---- reading ----------------------------------------------------------------------------- */

/* Columns of one community as viewer $1 sees it; member_count counts only the members the
 * viewer may see, so the number never reveals a hidden person. */
#define COMMUNITY_COLUMNS                                                                    \
    "c.id, c.slug, c.name, c.description, c.visibility, c.archived_at IS NOT NULL,"          \
    " " CSQL_TS("c.archived_at") ", " CSQL_TS("c.created_at") ", o.id, o.name, o.kind,"       \
    " m.role,"                                                                               \
    " (SELECT count(*) FROM memberships mc JOIN users u ON u.id = mc.user_id"                 \
    "   WHERE mc.community_id = c.id AND u.status <> 'deactivated'"                          \
    "     AND " ACL_SQL_USER_VISIBLE("u", "$1") "),"                                         \
    " EXISTS (SELECT 1 FROM join_requests jr WHERE jr.community_id = c.id"                   \
    "           AND jr.user_id = $1 AND jr.status = 'pending')"

#define COMMUNITY_FROM                                                                       \
    " FROM communities c LEFT JOIN organisations o ON o.id = c.organisation_id"               \
    " LEFT JOIN memberships m ON m.community_id = c.id AND m.user_id = $1"

static const char sql_get[] =
    "SELECT " COMMUNITY_COLUMNS COMMUNITY_FROM
    " WHERE c.id = $2 AND " ACL_SQL_COMMUNITY_VISIBLE("c", "$1");

/* One page of the visible communities that match, and how many match in all. Every word of
 * the query must appear in the name (case and accents folded). */
static const char sql_list[] =
    "WITH v AS ("
    "  SELECT c.id FROM communities c"
    "   WHERE " ACL_SQL_COMMUNITY_VISIBLE("c", "$1")
    "     AND (NOT $2::bool OR EXISTS (SELECT 1 FROM memberships mm"
    "                                   WHERE mm.community_id = c.id AND mm.user_id = $1))"
    "     AND ($3::text IS NULL OR NOT EXISTS ("
    "           SELECT 1 FROM regexp_split_to_table(lower(unaccent($3::text)), '\\s+') w"
    "            WHERE w <> '' AND strpos(lower(unaccent(c.name)), w) = 0))"
    "     AND ($4::community_visibility IS NULL OR c.visibility = $4::community_visibility)"
    "     AND ($5::int < 0 OR (c.archived_at IS NOT NULL) = ($5::int = 1)))"
    " SELECT p.*, (SELECT count(*) FROM v) FROM (SELECT 1) one LEFT JOIN LATERAL ("
    "   SELECT " COMMUNITY_COLUMNS COMMUNITY_FROM " JOIN v ON v.id = c.id"
    "    ORDER BY lower(unaccent(c.name)), c.id LIMIT $6 OFFSET $7) p ON true";

enum { COL_ID, COL_SLUG, COL_NAME, COL_DESC, COL_VIS, COL_ARCHIVED, COL_ARCHIVED_AT,
       COL_CREATED_AT, COL_ORG_ID, COL_ORG_NAME, COL_ORG_KIND, COL_ROLE, COL_MEMBERS,
       COL_PENDING, COL_TOTAL };

static json_t *nullable(PGresult *res, int i, int col)
{
    return PQgetisnull(res, i, col) ? json_null() : json_string(PQgetvalue(res, i, col));
}

/* The JSON of row i; what the viewer may do is decided here, by access/, per community. */
static json_t *community_json(const principal *v, PGresult *res, int i)
{
    acl_community acl = {ACL_PUBLIC, PQgetvalue(res, i, COL_ARCHIVED)[0] == 't',
                         PQgetisnull(res, i, COL_ROLE) ? ACL_NOT_MEMBER
                                                       : acl_role_parse(PQgetvalue(res, i, COL_ROLE))};
    acl_visibility_parse(PQgetvalue(res, i, COL_VIS), &acl.visibility);
    json_t *org = PQgetisnull(res, i, COL_ORG_ID)
                      ? json_null()
                      : json_pack("{s:I, s:s, s:s}", "id", (json_int_t)atoll(PQgetvalue(res, i, COL_ORG_ID)),
                                  "name", PQgetvalue(res, i, COL_ORG_NAME),
                                  "kind", PQgetvalue(res, i, COL_ORG_KIND));
    json_t *can = json_pack(
        "{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
        "read", acl_community_can(v, &acl, ACL_READ),
        "list_members", acl_community_can(v, &acl, ACL_LIST_MEMBERS),
        "write", acl_community_can(v, &acl, ACL_WRITE),
        "join", acl_community_can(v, &acl, ACL_JOIN),
        "request_join", acl_community_can(v, &acl, ACL_REQUEST_JOIN),
        "leave", acl_community_can(v, &acl, ACL_LEAVE),
        "edit", acl_community_can(v, &acl, ACL_EDIT),
        "manage_members", acl_community_can(v, &acl, ACL_MANAGE_MEMBERS),
        "invite", acl_community_can(v, &acl, ACL_INVITE),
        "archive", acl_community_can(v, &acl, ACL_ARCHIVE));
    bool pending = PQgetvalue(res, i, COL_PENDING)[0] == 't';
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:s, s:o, s:o, s:I, s:o, s:o}",
                     "id", (json_int_t)atoll(PQgetvalue(res, i, COL_ID)),
                     "slug", PQgetvalue(res, i, COL_SLUG),
                     "name", PQgetvalue(res, i, COL_NAME),
                     "description", PQgetvalue(res, i, COL_DESC),
                     "visibility", PQgetvalue(res, i, COL_VIS),
                     "archived", acl.archived,
                     "archived_at", nullable(res, i, COL_ARCHIVED_AT),
                     "created_at", PQgetvalue(res, i, COL_CREATED_AT),
                     "organisation", org ? org : json_null(),
                     "my_role", nullable(res, i, COL_ROLE),
                     "member_count", (json_int_t)atoll(PQgetvalue(res, i, COL_MEMBERS)),
                     "join_request", pending ? json_string("pending") : json_null(),
                     "can", can ? can : json_null());
}

rstatus community_get(db_conn *db, const principal *viewer, long long id, json_t **out)
{
    char vid[24], cid[24];
    const char *params[] = {csql_id(vid, viewer->user_id), csql_id(cid, id)};
    PGresult *res;
    rstatus st = db_query(db, sql_get, 2, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    *out = community_json(viewer, res, 0);
    PQclear(res);
    return *out ? ST_OK : ST_NOMEM;
}

rstatus community_list(db_conn *db, const principal *viewer, const community_query *q,
                       json_t **out)
{
    char vid[24], arch[8], lim[24], off[24];
    snprintf(arch, sizeof arch, "%d", q->archived);
    const char *params[] = {csql_id(vid, viewer->user_id), q->mine ? "true" : "false", q->q,
                            q->visibility, arch, csql_id(lim, q->limit),
                            csql_id(off, q->offset)};
    PGresult *res;
    rstatus st = db_query(db, sql_list, 7, params, &res);
    if (st != ST_OK)
        return st;
    json_t *items = json_array();
    long long total = PQntuples(res) > 0 ? atoll(PQgetvalue(res, 0, COL_TOTAL)) : 0;
    for (int i = 0; items && i < PQntuples(res); i++) {
        if (PQgetisnull(res, i, COL_ID))
            continue;   /* the page is past the end: only the total came back */
        if (json_array_append_new(items, community_json(viewer, res, i)) != 0) {
            json_decref(items);
            items = NULL;
        }
    }
    PQclear(res);
    if (!items)
        return ST_NOMEM;
    *out = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
                     "limit", (json_int_t)q->limit, "offset", (json_int_t)q->offset);
    return *out ? ST_OK : ST_NOMEM;
}

/* ---- creating ---------------------------------------------------------------------------- */

/* Slugs already taken that a generated one could collide with: base and base-N. */
static const char sql_slugs_like[] =
    "SELECT slug FROM communities WHERE slug = $1 OR slug LIKE $1 || '-%'";

static const char sql_create[] =
    "INSERT INTO communities (slug, name, description, visibility, organisation_id, created_by)"
    " VALUES ($1, $2, $3, $4::community_visibility,"
    "         (SELECT organisation_id FROM users WHERE id = $5), $5)"
    " ON CONFLICT (slug) DO NOTHING RETURNING id";

static const char sql_add_animator[] =
    "INSERT INTO memberships (community_id, user_id, role) VALUES ($1, $2, 'animator')";

/* Chooses the first free slug among base, base-2, base-3 ... (base cut to leave room). */
static rstatus free_slug(db_conn *db, const char *base, char out[COMMUNITY_SLUG_MAX + 1])
{
    const char *params[] = {base};
    PGresult *res;
    rstatus st = db_query(db, sql_slugs_like, 1, params, &res);
    if (st != ST_OK)
        return st;
    st = ST_CONFLICT;
    for (int n = 1; n <= PQntuples(res) + 1; n++) {
        if (n == 1) {
            snprintf(out, COMMUNITY_SLUG_MAX + 1, "%s", base);
        } else {
            char suffix[16];
            int slen = snprintf(suffix, sizeof suffix, "-%d", n);
            size_t keep = strlen(base);
            if (keep > (size_t)(COMMUNITY_SLUG_MAX - slen))
                keep = (size_t)(COMMUNITY_SLUG_MAX - slen);
            while (keep > 1 && base[keep - 1] == '-')
                keep--;
            snprintf(out, COMMUNITY_SLUG_MAX + 1, "%.*s%s", (int)keep, base, suffix);
        }
        bool taken = false;
        for (int i = 0; i < PQntuples(res) && !taken; i++)
            taken = strcmp(PQgetvalue(res, i, 0), out) == 0;
        if (!taken) {
            st = ST_OK;
            break;
        }
    }
    PQclear(res);
    return st;
}

rstatus community_create(db_conn *db, const audit_ctx *ctx, long long creator_id,
                         const community_input *in, long long *id_out, char *err,
                         size_t errsize)
{
    char base[COMMUNITY_SLUG_MAX + 1], slug[COMMUNITY_SLUG_MAX + 1], uid[24], cid[24];
    if (in->slug)
        snprintf(base, sizeof base, "%s", in->slug);
    else
        community_slugify(in->name, base);

    /* A generated slug may lose a race with another creation: try the next free one. */
    for (int attempt = 0; attempt < 5; attempt++) {
        rstatus st = db_begin(db);
        if (st != ST_OK)
            return st;
        if (in->slug)
            snprintf(slug, sizeof slug, "%s", in->slug);
        else if ((st = free_slug(db, base, slug)) != ST_OK)
            goto fail;
        const char *params[] = {slug, in->name, in->description ? in->description : "",
                                in->visibility, csql_id(uid, creator_id)};
        long long id;
        st = csql_ll(db, sql_create, 5, params, &id);
        if (st == ST_NOT_FOUND) {
            db_rollback(db);
            if (in->slug) {
                snprintf(err, errsize, "The slug '%s' is already taken: choose another one.", slug);
                return ST_CONFLICT;
            }
            continue;
        }
        if (st != ST_OK)
            goto fail;
        const char *mp[] = {csql_id(cid, id), uid};
        if ((st = db_exec(db, sql_add_animator, 2, mp)) != ST_OK)
            goto fail;
        json_t *detail = json_pack("{s:s, s:s, s:s}", "name", in->name, "slug", slug,
                                   "visibility", in->visibility);
        st = audit_record(db, ctx, "community.created", "community", cid, id, detail);
        json_decref(detail);
        if (st != ST_OK)
            goto fail;
        detail = json_pack("{s:I, s:s, s:s}", "user_id", (json_int_t)creator_id, "role",
                           "animator", "how", "created");
        st = audit_record(db, ctx, "membership.added", "user", uid, id, detail);
        json_decref(detail);
        if (st != ST_OK || (st = db_commit(db)) != ST_OK)
            goto fail;
        *id_out = id;
        return ST_OK;
    fail:
        db_rollback(db);
        return st;
    }
    snprintf(err, errsize, "Too many communities were created with this name at once: try again.");
    return ST_CONFLICT;
}

/* ---- changing ------------------------------------------------------------------------------ */

static const char sql_update[] =
    "UPDATE communities SET name = coalesce($2, name), description = coalesce($3, description),"
    " visibility = coalesce($4::community_visibility, visibility), slug = coalesce($5, slug),"
    " archived_at = CASE $6::int WHEN 1 THEN coalesce(archived_at, now())"
    "                            WHEN 0 THEN NULL ELSE archived_at END,"
    " updated_at = now()"
    " WHERE id = $1";

static const char sql_slug_taken[] = "SELECT id FROM communities WHERE slug = $1 AND id <> $2";

rstatus community_update(db_conn *db, const audit_ctx *ctx, const community_facts *f,
                         const community_input *in, char *err, size_t errsize)
{
    char cid[24], arch[8];
    csql_id(cid, f->id);
    if (in->slug) {
        const char *sp[] = {in->slug, cid};
        long long other;
        rstatus st = csql_ll(db, sql_slug_taken, 2, sp, &other);
        if (st == ST_OK) {
            snprintf(err, errsize, "The slug '%s' is already taken: choose another one.", in->slug);
            return ST_CONFLICT;
        }
        if (st != ST_NOT_FOUND)
            return st;
    }
    snprintf(arch, sizeof arch, "%d", in->archived);
    const char *params[] = {cid, in->name, in->description, in->visibility, in->slug, arch};
    rstatus st = db_exec(db, sql_update, 6, params);
    if (st != ST_OK)
        return st;

    json_t *changed = json_object();
    if (!changed)
        return ST_NOMEM;
    if (in->name)
        json_object_set_new(changed, "name", json_string(in->name));
    if (in->description)
        json_object_set_new(changed, "description", json_true());
    if (in->visibility)
        json_object_set_new(changed, "visibility", json_string(in->visibility));
    if (in->slug)
        json_object_set_new(changed, "slug", json_string(in->slug));
    if (json_object_size(changed) > 0)
        st = audit_record(db, ctx, "community.updated", "community", cid, f->id, changed);
    json_decref(changed);
    if (st == ST_OK && in->archived >= 0 && (in->archived == 1) != f->acl.archived)
        st = audit_record(db, ctx, in->archived ? "community.archived" : "community.unarchived",
                          "community", cid, f->id, NULL);
    return st;
}
