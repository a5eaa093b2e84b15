/* member_store.c - the SQL behind memberships and join requests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community/community.h"
#include "community/community_sql.h"

static const char *role_name(enum acl_role role)
{
    switch (role) {
    case ACL_ANIMATOR:
        return "animator";
    case ACL_MEMBER:
        return "member";
    case ACL_GUEST:
        return "guest";
    case ACL_NOT_MEMBER:
        break;
    }
    return NULL;
}

/* ---- people as targets ------------------------------------------------------------------- */

static const char sql_target[] =
    "SELECT u.id, u.kind = 'guest', u.status = 'active', m.role FROM users u"
    " LEFT JOIN memberships m ON m.user_id = u.id AND m.community_id = $2"
    " WHERE u.id = $3 AND " ACL_SQL_USER_VISIBLE("u", "$1");

rstatus member_target_load(db_conn *db, const principal *viewer, long long community_id,
                           long long user_id, member_target *out)
{
    char vid[24], cid[24], uid[24];
    const char *params[] = {csql_id(vid, viewer->user_id), csql_id(cid, community_id),
                            csql_id(uid, user_id)};
    PGresult *res;
    rstatus st = db_query(db, sql_target, 3, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    out->id = atoll(PQgetvalue(res, 0, 0));
    out->is_guest = PQgetvalue(res, 0, 1)[0] == 't';
    out->active = PQgetvalue(res, 0, 2)[0] == 't';
    out->role = PQgetisnull(res, 0, 3) ? ACL_NOT_MEMBER : acl_role_parse(PQgetvalue(res, 0, 3));
    PQclear(res);
    return ST_OK;
}

/* ---- members ---------------------------------------------------------------------------- */

#define MEMBER_JSON(p, o)                                                                    \
    "json_build_object('user_id', " p ".id, 'display_name', " p ".display_name,"             \
    " 'email', " p ".email, 'kind', " p ".kind, 'job_title', " p ".job_title,"                \
    " 'organisation', " CSQL_ORG(o) ", 'role', " p ".role,"                                  \
    " 'joined_at', " CSQL_TS(p ".joined") ")"

/* The members viewer $1 may see (people hidden from them are not counted either). */
static const char sql_members[] =
    "WITH v AS ("
    "  SELECT u.id, u.display_name, u.email, u.kind, u.job_title, u.organisation_id,"
    "         m.role, m.created_at AS joined"
    "    FROM memberships m JOIN users u ON u.id = m.user_id"
    "   WHERE m.community_id = $2 AND u.status <> 'deactivated'"
    "     AND " ACL_SQL_USER_VISIBLE("u", "$1") ")"
    " SELECT json_build_object('total', (SELECT count(*) FROM v), 'limit', $3::bigint,"
    "   'offset', $4::bigint, 'items', coalesce(json_agg(" MEMBER_JSON("p", "o")
    "     ORDER BY p.role, lower(unaccent(p.display_name)), p.id), '[]'))::text"
    " FROM (SELECT * FROM v ORDER BY role, lower(unaccent(display_name)), id"
    "        LIMIT $3 OFFSET $4) p"
    " LEFT JOIN organisations o ON o.id = p.organisation_id";

static const char sql_member[] =
    "SELECT " MEMBER_JSON("p", "o") "::text FROM ("
    "  SELECT u.id, u.display_name, u.email, u.kind, u.job_title, u.organisation_id,"
    "         m.role, m.created_at AS joined"
    "    FROM memberships m JOIN users u ON u.id = m.user_id"
    "   WHERE m.community_id = $1 AND m.user_id = $2) p"
    " LEFT JOIN organisations o ON o.id = p.organisation_id";

rstatus member_list(db_conn *db, const principal *viewer, long long community_id,
                    long long limit, long long offset, json_t **out)
{
    char vid[24], cid[24], lim[24], off[24];
    const char *params[] = {csql_id(vid, viewer->user_id), csql_id(cid, community_id),
                            csql_id(lim, limit), csql_id(off, offset)};
    return csql_json(db, sql_members, 4, params, out);
}

rstatus member_get(db_conn *db, long long community_id, long long user_id, json_t **out)
{
    char cid[24], uid[24];
    const char *params[] = {csql_id(cid, community_id), csql_id(uid, user_id)};
    return csql_json(db, sql_member, 2, params, out);
}

static const char sql_member_add[] =
    "INSERT INTO memberships (community_id, user_id, role) VALUES ($1, $2, $3::member_role)"
    " ON CONFLICT DO NOTHING RETURNING 1";

rstatus member_add(db_conn *db, const audit_ctx *ctx, long long community_id,
                   long long user_id, enum acl_role role, const char *how)
{
    char cid[24], uid[24];
    const char *params[] = {csql_id(cid, community_id), csql_id(uid, user_id), role_name(role)};
    long long one;
    rstatus st = csql_ll(db, sql_member_add, 3, params, &one);
    if (st == ST_NOT_FOUND)
        return ST_CONFLICT;
    if (st != ST_OK)
        return st;
    json_t *detail = json_pack("{s:I, s:s, s:s}", "user_id", (json_int_t)user_id, "role",
                               role_name(role), "how", how);
    st = audit_record(db, ctx, "membership.added", "user", uid, community_id, detail);
    json_decref(detail);
    return st;
}

/* The member's role (row locked) and how many other animators there are. The caller locked
 * the community row, so no other change to this community's members runs meanwhile. */
static const char sql_member_lock[] =
    "SELECT m.role, (SELECT count(*) FROM memberships a WHERE a.community_id = $1"
    "                   AND a.role = 'animator' AND a.user_id <> $2)"
    "  FROM memberships m WHERE m.community_id = $1 AND m.user_id = $2 FOR UPDATE";

static rstatus member_lock(db_conn *db, const char *cid, const char *uid, enum acl_role *role,
                           long long *other_animators)
{
    const char *params[] = {cid, uid};
    PGresult *res;
    rstatus st = db_query(db, sql_member_lock, 2, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    *role = acl_role_parse(PQgetvalue(res, 0, 0));
    *other_animators = atoll(PQgetvalue(res, 0, 1));
    PQclear(res);
    return ST_OK;
}

static const char sql_member_role[] =
    "UPDATE memberships SET role = $3::member_role WHERE community_id = $1 AND user_id = $2";

rstatus member_set_role(db_conn *db, const audit_ctx *ctx, long long community_id,
                        long long user_id, enum acl_role role)
{
    char cid[24], uid[24];
    csql_id(cid, community_id);
    csql_id(uid, user_id);
    enum acl_role old;
    long long others;
    rstatus st = member_lock(db, cid, uid, &old, &others);
    if (st != ST_OK)
        return st;
    if (old == role)
        return ST_OK;
    if (old == ACL_ANIMATOR && others == 0)
        return ST_CONFLICT;
    const char *params[] = {cid, uid, role_name(role)};
    if ((st = db_exec(db, sql_member_role, 3, params)) != ST_OK)
        return st;
    json_t *detail = json_pack("{s:I, s:s, s:s}", "user_id", (json_int_t)user_id, "from",
                               role_name(old), "to", role_name(role));
    st = audit_record(db, ctx, "membership.role_changed", "user", uid, community_id, detail);
    json_decref(detail);
    return st;
}

static const char sql_member_delete[] =
    "DELETE FROM memberships WHERE community_id = $1 AND user_id = $2";

rstatus member_remove(db_conn *db, const audit_ctx *ctx, long long community_id,
                      long long user_id)
{
    char cid[24], uid[24];
    csql_id(cid, community_id);
    csql_id(uid, user_id);
    enum acl_role old;
    long long others;
    rstatus st = member_lock(db, cid, uid, &old, &others);
    if (st != ST_OK)
        return st;
    if (old == ACL_ANIMATOR && others == 0)
        return ST_CONFLICT;
    const char *params[] = {cid, uid};
    if ((st = db_exec(db, sql_member_delete, 2, params)) != ST_OK)
        return st;
    json_t *detail = json_pack("{s:I, s:s, s:s}", "user_id", (json_int_t)user_id, "role",
                               role_name(old), "how",
                               ctx->actor_id == user_id ? "left" : "removed");
    st = audit_record(db, ctx, "membership.removed", "user", uid, community_id, detail);
    json_decref(detail);
    return st;
}

/* ---- join requests ------------------------------------------------------------------------ */

#define REQUEST_JSON(j, u, o, d)                                                             \
    "json_build_object('id', " j ".id, 'community_id', " j ".community_id,"                  \
    " 'user', " CSQL_PERSON(u, o) ", 'message', " j ".message, 'status', " j ".status,"       \
    " 'created_at', " CSQL_TS(j ".created_at") ", 'decided_at', " CSQL_TS(j ".decided_at") "," \
    " 'decided_by', CASE WHEN " d ".id IS NULL THEN NULL"                                    \
    "   ELSE json_build_object('id', " d ".id, 'display_name', " d ".display_name) END)"

#define REQUEST_FROM                                                                         \
    " FROM join_requests j JOIN users u ON u.id = j.user_id"                                  \
    " LEFT JOIN organisations o ON o.id = u.organisation_id"                                  \
    " LEFT JOIN users d ON d.id = j.decided_by"

static const char sql_request[] =
    "SELECT " REQUEST_JSON("j", "u", "o", "d") "::text" REQUEST_FROM " WHERE j.id = $1";

static const char sql_request_create[] =
    "INSERT INTO join_requests (community_id, user_id, message) VALUES ($1, $2, $3)"
    " ON CONFLICT (community_id, user_id) WHERE status = 'pending' DO NOTHING RETURNING id";

static const char sql_request_pending[] =
    "SELECT id FROM join_requests WHERE community_id = $1 AND user_id = $2 AND status = 'pending'";

rstatus join_request_create(db_conn *db, const audit_ctx *ctx, long long community_id,
                            long long user_id, const char *message, json_t **out)
{
    char cid[24], uid[24], rid[24];
    const char *params[] = {csql_id(cid, community_id), csql_id(uid, user_id), message};
    long long id;
    rstatus st = csql_ll(db, sql_request_create, 3, params, &id);
    if (st == ST_NOT_FOUND) {
        /* Asked already: the same request stands (a double click is not an error). */
        st = csql_ll(db, sql_request_pending, 2, params, &id);
    } else if (st == ST_OK) {
        st = audit_record(db, ctx, "join_request.created", "join_request", csql_id(rid, id),
                          community_id, NULL);
    }
    if (st != ST_OK)
        return st;
    const char *rp[] = {csql_id(rid, id)};
    return csql_json(db, sql_request, 1, rp, out);
}

static const char sql_request_cancel[] =
    "UPDATE join_requests SET status = 'cancelled', decided_at = now(), decided_by = $2"
    " WHERE community_id = $1 AND user_id = $2 AND status = 'pending' RETURNING id";

rstatus join_request_cancel(db_conn *db, const audit_ctx *ctx, long long community_id,
                            long long user_id)
{
    char cid[24], uid[24], rid[24];
    const char *params[] = {csql_id(cid, community_id), csql_id(uid, user_id)};
    long long id;
    rstatus st = csql_ll(db, sql_request_cancel, 2, params, &id);
    if (st != ST_OK)
        return st;
    return audit_record(db, ctx, "join_request.cancelled", "join_request", csql_id(rid, id),
                        community_id, NULL);
}

/* Pending first (oldest first: they have waited longest), then the last 100 decided. */
static const char sql_requests[] =
    "SELECT json_build_object('items', coalesce(json_agg(" REQUEST_JSON("j", "u", "o", "d")
    "   ORDER BY j.status <> 'pending', CASE WHEN j.status = 'pending' THEN j.id ELSE -j.id END),"
    "   '[]'))::text"
    " FROM (SELECT * FROM join_requests WHERE community_id = $1"
    "        ORDER BY status <> 'pending', id DESC LIMIT 200) j"
    " JOIN users u ON u.id = j.user_id"
    " LEFT JOIN organisations o ON o.id = u.organisation_id"
    " LEFT JOIN users d ON d.id = j.decided_by";

rstatus join_request_list(db_conn *db, long long community_id, json_t **out)
{
    char cid[24];
    const char *params[] = {csql_id(cid, community_id)};
    return csql_json(db, sql_requests, 1, params, out);
}

static const char sql_request_lock[] =
    "SELECT user_id, status = 'pending' FROM join_requests"
    " WHERE id = $2 AND community_id = $1 FOR UPDATE";

static const char sql_request_decide[] =
    "UPDATE join_requests SET status = $2::join_request_status, decided_by = $3,"
    " decided_at = now() WHERE id = $1";

rstatus join_request_decide(db_conn *db, const audit_ctx *ctx, long long community_id,
                            long long request_id, bool approve, json_t **out)
{
    char cid[24], rid[24], actor[24];
    const char *params[] = {csql_id(cid, community_id), csql_id(rid, request_id)};
    PGresult *res;
    rstatus st = db_query(db, sql_request_lock, 2, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    long long user_id = atoll(PQgetvalue(res, 0, 0));
    bool pending = PQgetvalue(res, 0, 1)[0] == 't';
    PQclear(res);
    if (!pending)
        return ST_CONFLICT;
    const char *dp[] = {rid, approve ? "approved" : "refused",
                        ctx->actor_id ? csql_id(actor, ctx->actor_id) : NULL};
    if ((st = db_exec(db, sql_request_decide, 3, dp)) != ST_OK)
        return st;
    if ((st = audit_record(db, ctx, approve ? "join_request.approved" : "join_request.refused",
                           "join_request", rid, community_id, NULL)) != ST_OK)
        return st;
    if (approve) {
        st = member_add(db, ctx, community_id, user_id, ACL_MEMBER, "approved");
        if (st == ST_CONFLICT)
            st = ST_OK;     /* added meanwhile by an animator: nothing more to do */
        if (st != ST_OK)
            return st;
    }
    const char *rp[] = {rid};
    return csql_json(db, sql_request, 1, rp, out);
}
