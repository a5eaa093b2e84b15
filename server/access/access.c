/* access.c - the decision table for communities and people. */
#include <string.h>

#include "access/access.h"
#include "audit/audit.h"

bool acl_visibility_parse(const char *s, enum acl_visibility *out)
{
    if (!s)
        return false;
    if (!strcmp(s, "public"))
        *out = ACL_PUBLIC;
    else if (!strcmp(s, "restricted"))
        *out = ACL_RESTRICTED;
    else if (!strcmp(s, "secret"))
        *out = ACL_SECRET;
    else
        return false;
    return true;
}

enum acl_role acl_role_parse(const char *s)
{
    if (!s)
        return ACL_NOT_MEMBER;
    if (!strcmp(s, "animator"))
        return ACL_ANIMATOR;
    if (!strcmp(s, "member"))
        return ACL_MEMBER;
    if (!strcmp(s, "guest"))
        return ACL_GUEST;
    return ACL_NOT_MEMBER;
}

bool acl_is_admin(const principal *v)
{
    return v && v->is_admin;
}

bool acl_community_can(const principal *v, const acl_community *c, enum acl_action action)
{
    if (!v)
        return false;           /* nothing in Relais is anonymous */
    bool member = c->role != ACL_NOT_MEMBER;
    bool animator = c->role == ACL_ANIMATOR;
    bool staff = !v->is_guest;
    bool admin = v->is_admin;

    switch (action) {
    case ACL_SEE:
        return member || admin || (staff && c->visibility != ACL_SECRET);
    case ACL_READ:
        return member || (staff && c->visibility == ACL_PUBLIC);
    case ACL_WRITE:
        return member && !c->archived;
    case ACL_JOIN:
        return staff && !member && c->visibility == ACL_PUBLIC && !c->archived;
    case ACL_REQUEST_JOIN:
        return staff && !member && c->visibility == ACL_RESTRICTED && !c->archived;
    case ACL_LEAVE:
        return member;
    case ACL_EDIT:
    case ACL_MANAGE_MEMBERS:
        /* Admins can repair a community whose animators are gone. */
        return (animator || admin) && !c->archived;
    case ACL_INVITE:
        return animator && !c->archived;
    case ACL_ARCHIVE:
        return animator || admin;
    }
    return false;
}

bool acl_user_can_see(const principal *v, long long target_id, bool target_is_guest,
                      bool shares_community)
{
    if (!v)
        return false;
    if (v->user_id == target_id || v->is_admin || shares_community)
        return true;
    return !v->is_guest && !target_is_guest;
}

rstatus acl_deny(request *r, bool visible, const char *object_type, const char *object_id,
                 const char *what)
{
    audit_ctx ctx = audit_ctx_of(r);
    json_t *detail = json_pack("{s:s, s:s}", "method", r->method, "path", r->path);
    if (r->db)
        audit_record(r->db, &ctx, "access.denied", object_type, object_id, 0, detail);
    json_decref(detail);
    if (visible)
        return req_fail(r, ST_FORBIDDEN, "You may not do this here.");
    return req_fail(r, ST_NOT_FOUND, "%s", what ? what : "Nothing here.");
}
