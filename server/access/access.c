/* access.c - the decision table for communities and people. */
#include <stdio.h>
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
    case ACL_LIST_MEMBERS:
        return member || admin || (staff && c->visibility == ACL_PUBLIC);
    case ACL_REVIEW:
        return animator || admin;
    }
    return false;
}

const char *acl_community_why(const principal *v, const acl_community *c, enum acl_action action)
{
    if (!v)
        return "Sign in first.";
    bool member = c->role != ACL_NOT_MEMBER;
    switch (action) {
    case ACL_JOIN:
    case ACL_REQUEST_JOIN:
        if (member)
            return "You are already a member of this community.";
        if (v->is_guest)
            return "External partners join a community by invitation only.";
        if (c->archived)
            return "This community is archived: nobody can join it.";
        return c->visibility == ACL_SECRET ? "This community is joined by invitation only."
                                           : "You may not join this community.";
    case ACL_LEAVE:
        return "You are not a member of this community.";
    case ACL_READ:
    case ACL_LIST_MEMBERS:
        return "Only members can open this community: ask to join it.";
    case ACL_INVITE:
        if (c->role == ACL_ANIMATOR && c->archived)
            return "This community is archived: it is read-only.";
        return "Only the community's animators can invite people.";
    default:
        break;
    }
    if (c->archived && acl_community_can(v, &(acl_community){c->visibility, false, c->role}, action))
        return "This community is archived: it is read-only.";
    if (action == ACL_WRITE)
        return "Only members can contribute to this community.";
    return "Only the community's animators can do this.";
}

rstatus acl_community_deny(request *r, const acl_community *c, long long community_id,
                           enum acl_action action)
{
    char id[24];
    snprintf(id, sizeof id, "%lld", community_id);
    bool visible = acl_community_can(r->who, c, ACL_SEE);
    rstatus st = acl_deny(r, visible, "community", id, ACL_NO_SUCH_COMMUNITY);
    if (visible)
        return req_fail(r, st, "%s", acl_community_why(r->who, c, action));
    return st;
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
