/* account.c - creating accounts and changing their status, role or organisation: the flows
 * behind the admin routes and `relais admin`, free of HTTP. */
#include <string.h>

#include "people/people.h"

rstatus people_account_create(db_conn *db, arena *a, const audit_ctx *ctx,
                              const people_new_user *u, const char *via, const char *origin,
                              const char *created_by, long long *id, const char **why)
{
    rstatus st = people_user_insert(db, u, id, why);
    bool invite = st == ST_OK && !u->password_hash && origin;
    if (invite)
        st = people_account_email(db, a, origin, *id, u->email, u->display_name, created_by);
    if (st != ST_OK)
        return st;
    json_t *detail = json_pack("{s:s, s:s, s:s, s:b, s:s}", "email", u->email, "kind",
                               u->guest ? "guest" : "staff", "platform_role",
                               u->admin ? "admin" : "user", "invitation_sent", invite, "via", via);
    if (u->organisation)
        json_object_set_new(detail, "organisation_id", json_integer(u->organisation));
    const char *oid = arena_printf(a, "%lld", *id);
    st = oid ? audit_record(db, ctx, "user.created", "user", oid, 0, detail) : ST_NOMEM;
    json_decref(detail);
    return st;
}

/* Adds {"from":…, "to":…} under name to changes when the value changes; steals both. */
static void note_change(json_t *changes, const char *name, json_t *from, json_t *to)
{
    if (json_equal(from, to)) {
        json_decref(from);
        json_decref(to);
        return;
    }
    json_object_set_new(changes, name, json_pack("{s:o, s:o}", "from", from, "to", to));
}

static json_t *org_value(long long org)
{
    return org ? json_integer(org) : json_null();
}

rstatus people_account_apply(db_conn *db, arena *a, const audit_ctx *ctx, long long id,
                             const people_account_change *c, const char **why)
{
    /* An administrator cannot lock themself out: someone else must do it. */
    if (id == ctx->actor_id && c->status && strcmp(c->status, "active") != 0) {
        *why = "You cannot suspend or deactivate your own account.";
        return ST_CONFLICT;
    }
    if (id == ctx->actor_id && c->role && strcmp(c->role, "admin") != 0) {
        *why = "You cannot remove your own administrator role.";
        return ST_CONFLICT;
    }
    people_account cur;
    rstatus st = people_account_lock(db, id, &cur);
    if (st != ST_OK)
        return st;
    if (!cur.found) {
        *why = "No such account.";
        return ST_NOT_FOUND;
    }
    if (cur.is_guest && c->organisation > 0) {
        *why = "An external partner belongs to no organisation.";
        return ST_UNPROCESSABLE;
    }
    if ((st = people_account_update(db, id, c->status, c->role, c->organisation, why)) != ST_OK)
        return st;
    /* Leaving "active" ends every way in at once; the session lookup checks the status too. */
    long long sessions = 0, tokens = 0;
    if (c->status && strcmp(c->status, "active") != 0 && !strcmp(cur.status, "active") &&
        (st = people_account_revoke_all(db, id, &sessions, &tokens)) != ST_OK)
        return st;

    json_t *changes = json_object();
    if (c->status)
        note_change(changes, "status", json_string(cur.status), json_string(c->status));
    if (c->role)
        note_change(changes, "platform_role", json_string(cur.role), json_string(c->role));
    if (c->organisation >= 0)
        note_change(changes, "organisation_id", org_value(cur.organisation),
                    org_value(c->organisation));
    if (json_object_size(changes) == 0) {
        json_decref(changes);
        return ST_OK;
    }
    json_t *detail = json_pack("{s:o, s:I, s:I}", "changes", changes, "sessions_revoked",
                               (json_int_t)sessions, "tokens_revoked", (json_int_t)tokens);
    const char *oid = arena_printf(a, "%lld", id);
    st = oid ? audit_record(db, ctx, "user.updated", "user", oid, 0, detail) : ST_NOMEM;
    json_decref(detail);
    return st;
}
