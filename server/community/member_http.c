/* member_http.c - handlers for members, joining, leaving and join requests. */
#include <string.h>

#include "community/community_http.h"
#include "util/json.h"

#define LAST_ANIMATOR "A community keeps at least one animator: name another animator first."
#define NOT_A_MEMBER "This person is not a member of this community."
#define NO_SUCH_PERSON "No such person."

/* The role field; staff may be animators or members, external partners only guests. */
static rstatus read_role(request *r, enum acl_role *out)
{
    char err[160];
    const char *role = NULL;
    rstatus st = json_get_string(r->json, "role", true, 16, &role, err, sizeof err);
    if (st != ST_OK)
        return community_http_fail(r, st, err);
    *out = acl_role_parse(role);
    if (*out == ACL_NOT_MEMBER)
        return req_fail(r, ST_UNPROCESSABLE, "role must be animator, member or guest.");
    return ST_OK;
}

static rstatus check_role_fits(request *r, const member_target *t, enum acl_role role)
{
    if (t->is_guest && role != ACL_GUEST)
        return req_fail(r, ST_UNPROCESSABLE,
                        "External partners can only be guests of a community.");
    if (!t->is_guest && role == ACL_GUEST)
        return req_fail(r, ST_UNPROCESSABLE,
                        "Staff join as members or animators; the guest role is for external "
                        "partners.");
    return ST_OK;
}

static rstatus reply_member(request *r, int status, long long community_id, long long user_id)
{
    json_t *out;
    rstatus st = member_get(r->db, community_id, user_id, &out);
    if (st != ST_OK)
        return st;
    return reply_json(r, status, out);
}

rstatus member_http_list(request *r)
{
    long long limit, offset;
    rstatus st;
    if ((st = req_query_int(r, "limit", 100, 1, COMMUNITY_LIST_MAX, &limit)) != ST_OK ||
        (st = req_query_int(r, "offset", 0, 0, 1000000, &offset)) != ST_OK)
        return st;
    community_facts f;
    if ((st = community_http_load(r, false, &f)) != ST_OK ||
        (st = community_http_require(r, &f, ACL_LIST_MEMBERS)) != ST_OK)
        return st;
    json_t *out;
    if ((st = member_list(r->db, r->who, f.id, limit, offset, &out)) != ST_OK)
        return st;
    return reply_json(r, 200, out);
}

rstatus member_http_add(request *r)
{
    char err[160];
    long long user_id = 0;
    enum acl_role role;
    rstatus st = community_http_object_body(r, false);
    if (st != ST_OK)
        return st;
    if ((st = json_get_int(r->json, "user_id", true, 1, (1LL << 53), &user_id, err,
                           sizeof err)) != ST_OK)
        return community_http_fail(r, st, err);
    if ((st = read_role(r, &role)) != ST_OK)
        return st;
    community_facts f;
    if ((st = community_http_load(r, true, &f)) != ST_OK ||
        (st = community_http_require(r, &f, ACL_MANAGE_MEMBERS)) != ST_OK)
        return st;
    member_target t;
    st = member_target_load(r->db, r->who, f.id, user_id, &t);
    if (st == ST_NOT_FOUND)
        st = req_fail(r, ST_NOT_FOUND, NO_SUCH_PERSON);
    else if (st == ST_OK && t.role != ACL_NOT_MEMBER)
        st = req_fail(r, ST_CONFLICT, "This person is already a member of this community.");
    else if (st == ST_OK && !t.active)
        st = req_fail(r, ST_UNPROCESSABLE, "This account is not active.");
    else if (st == ST_OK)
        st = check_role_fits(r, &t, role);
    if (st == ST_OK) {
        audit_ctx ctx = audit_ctx_of(r);
        st = member_add(r->db, &ctx, f.id, user_id, role, "added");
    }
    if ((st = community_http_end(r, &f, st)) != ST_OK)
        return st;
    return reply_member(r, 201, f.id, user_id);
}

rstatus member_http_update(request *r)
{
    long long user_id;
    enum acl_role role;
    rstatus st = community_http_object_body(r, false);
    if (st != ST_OK || (st = read_role(r, &role)) != ST_OK)
        return st;
    if (!req_param_id(r, "user_id", &user_id))
        return req_fail(r, ST_NOT_FOUND, NOT_A_MEMBER);
    community_facts f;
    if ((st = community_http_load(r, true, &f)) != ST_OK ||
        (st = community_http_require(r, &f, ACL_MANAGE_MEMBERS)) != ST_OK)
        return st;
    member_target t;
    st = member_target_load(r->db, r->who, f.id, user_id, &t);
    if (st == ST_NOT_FOUND || (st == ST_OK && t.role == ACL_NOT_MEMBER))
        st = req_fail(r, ST_NOT_FOUND, NOT_A_MEMBER);
    else if (st == ST_OK)
        st = check_role_fits(r, &t, role);
    if (st == ST_OK) {
        audit_ctx ctx = audit_ctx_of(r);
        st = member_set_role(r->db, &ctx, f.id, user_id, role);
        if (st == ST_CONFLICT)
            req_fail(r, st, LAST_ANIMATOR);
    }
    if ((st = community_http_end(r, &f, st)) != ST_OK)
        return st;
    return reply_member(r, 200, f.id, user_id);
}

rstatus member_http_remove(request *r)
{
    long long user_id;
    if (!req_param_id(r, "user_id", &user_id))
        return req_fail(r, ST_NOT_FOUND, NOT_A_MEMBER);
    community_facts f;
    rstatus st = community_http_load(r, true, &f);
    if (st != ST_OK)
        return st;
    /* Anyone may leave; removing someone else is the animators' (or an admin's) business. */
    bool self = user_id == r->who->user_id;
    if ((st = community_http_require(r, &f, self ? ACL_LEAVE : ACL_MANAGE_MEMBERS)) != ST_OK)
        return st;
    audit_ctx ctx = audit_ctx_of(r);
    st = member_remove(r->db, &ctx, f.id, user_id);
    if (st == ST_NOT_FOUND)
        req_fail(r, st, NOT_A_MEMBER);
    else if (st == ST_CONFLICT)
        req_fail(r, st, self ? "You are the last animator: name another animator before leaving."
                             : LAST_ANIMATOR);
    if ((st = community_http_end(r, &f, st)) != ST_OK)
        return st;
    return reply_empty(r, 204);
}

rstatus member_http_join(request *r)
{
    char err[160];
    const char *message = NULL;
    rstatus st = community_http_object_body(r, true);
    if (st != ST_OK)
        return st;
    if ((st = json_get_string(r->json, "message", false, COMMUNITY_MESSAGE_MAX * 4, &message,
                              err, sizeof err)) != ST_OK)
        return community_http_fail(r, st, err);
    if (message && community_http_chars(message) > COMMUNITY_MESSAGE_MAX)
        return req_fail(r, ST_UNPROCESSABLE, "message is longer than %d characters.",
                        COMMUNITY_MESSAGE_MAX);
    community_facts f;
    if ((st = community_http_load(r, true, &f)) != ST_OK ||
        (st = community_http_require(r, &f, ACL_SEE)) != ST_OK)
        return st;
    audit_ctx ctx = audit_ctx_of(r);
    json_t *request_json = NULL;
    int status = 200;
    if (f.acl.role != ACL_NOT_MEMBER) {
        st = req_fail(r, ST_CONFLICT, "You are already a member of this community.");
    } else if (acl_community_can(r->who, &f.acl, ACL_JOIN)) {
        status = 200;
        st = member_add(r->db, &ctx, f.id, r->who->user_id, ACL_MEMBER, "joined");
    } else if (acl_community_can(r->who, &f.acl, ACL_REQUEST_JOIN)) {
        status = 202;
        st = join_request_create(r->db, &ctx, f.id, r->who->user_id, message ? message : "",
                                 &request_json);
    } else {
        return community_http_require(r, &f, ACL_JOIN);
    }
    if ((st = community_http_end(r, &f, st)) != ST_OK) {
        json_decref(request_json);
        return st;
    }
    json_t *community;
    if ((st = community_get(r->db, r->who, f.id, &community)) != ST_OK) {
        json_decref(request_json);
        return st;
    }
    if (status == 200)
        return reply_json(r, 200, json_pack("{s:s, s:o}", "status", "joined", "community",
                                            community));
    return reply_json(r, 202, json_pack("{s:s, s:o, s:o}", "status", "requested", "request",
                                        request_json, "community", community));
}

rstatus member_http_join_cancel(request *r)
{
    community_facts f;
    rstatus st = community_http_load(r, true, &f);
    if (st != ST_OK || (st = community_http_require(r, &f, ACL_SEE)) != ST_OK)
        return st;
    audit_ctx ctx = audit_ctx_of(r);
    st = join_request_cancel(r->db, &ctx, f.id, r->who->user_id);
    if (st == ST_NOT_FOUND)
        req_fail(r, st, "You have no pending request to join this community.");
    if ((st = community_http_end(r, &f, st)) != ST_OK)
        return st;
    return reply_empty(r, 204);
}

rstatus member_http_requests(request *r)
{
    community_facts f;
    rstatus st = community_http_load(r, false, &f);
    if (st != ST_OK || (st = community_http_require(r, &f, ACL_REVIEW)) != ST_OK)
        return st;
    json_t *out;
    if ((st = join_request_list(r->db, f.id, &out)) != ST_OK)
        return st;
    return reply_json(r, 200, out);
}

rstatus member_http_decide(request *r)
{
    char err[160];
    const char *decision = NULL;
    long long request_id;
    rstatus st = community_http_object_body(r, false);
    if (st != ST_OK)
        return st;
    if ((st = json_get_string(r->json, "decision", true, 16, &decision, err, sizeof err)) != ST_OK)
        return community_http_fail(r, st, err);
    bool approve = !strcmp(decision, "approve");
    if (!approve && strcmp(decision, "refuse") != 0)
        return req_fail(r, ST_UNPROCESSABLE, "decision must be approve or refuse.");
    if (!req_param_id(r, "request_id", &request_id))
        return req_fail(r, ST_NOT_FOUND, "No such join request.");
    community_facts f;
    if ((st = community_http_load(r, true, &f)) != ST_OK ||
        (st = community_http_require(r, &f, ACL_MANAGE_MEMBERS)) != ST_OK)
        return st;
    audit_ctx ctx = audit_ctx_of(r);
    json_t *out = NULL;
    st = join_request_decide(r->db, &ctx, f.id, request_id, approve, &out);
    if (st == ST_NOT_FOUND)
        req_fail(r, st, "No such join request.");
    else if (st == ST_CONFLICT)
        req_fail(r, st, "This request was already decided.");
    if ((st = community_http_end(r, &f, st)) != ST_OK) {
        json_decref(out);
        return st;
    }
    return reply_json(r, 200, out);
}
