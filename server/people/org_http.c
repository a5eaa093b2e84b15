/* org_http.c - organisations: list (everyone signed in, filtered), create and change (admins). */
#include <string.h>

#include "people/people.h"

static bool kind_ok(const char *k)
{
    return !strcmp(k, "ght") || !strcmp(k, "ars") || !strcmp(k, "esms") || !strcmp(k, "other");
}

static rstatus read_kind(request *r, bool required, const char **out)
{
    rstatus st = people_body_text(r, "kind", required, 8, false, out);
    if (st != ST_OK)
        return st;
    if (*out && !kind_ok(*out))
        return req_fail(r, ST_UNPROCESSABLE, "kind must be ght, ars, esms or other.");
    return ST_OK;
}

rstatus people_org_list(request *r)
{
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    const char *json;
    st = people_org_list_json(db, r->arena, r->who->user_id, &json);
    if (st != ST_OK)
        return st;
    return people_reply_json_text(r, 200, json);
}

static rstatus audit_org(request *r, db_conn *db, const char *action, long long id,
                         const char *kind, const char *name)
{
    audit_ctx ctx = audit_ctx_of(r);
    json_t *detail = json_object();
    if (kind)
        json_object_set_new(detail, "kind", json_string(kind));
    if (name)
        json_object_set_new(detail, "name", json_string(name));
    const char *oid = arena_printf(r->arena, "%lld", id);
    rstatus st = oid ? audit_record(db, &ctx, action, "organisation", oid, 0, detail) : ST_NOMEM;
    json_decref(detail);
    return st;
}

rstatus people_org_create(request *r)
{
    const char *kind = NULL, *name = NULL;
    rstatus st = people_body_object(r);
    if (st == ST_OK)
        st = read_kind(r, true, &kind);
    if (st == ST_OK)
        st = people_body_text(r, "name", true, PEOPLE_ORG_NAME_MAX, false, &name);
    if (st != ST_OK)
        return st;

    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK || (st = db_begin(db)) != ST_OK)
        return st;
    long long id;
    const char *json;
    st = people_org_insert(db, r->arena, kind, name, &id, &json);
    if (st == ST_OK)
        st = audit_org(r, db, "organisation.created", id, kind, name);
    if (st == ST_OK)
        st = db_commit(db);
    if (st != ST_OK) {
        bool taken = st == ST_CONFLICT && !strcmp(db_conn_sqlstate(db), "23505");
        db_rollback(db);
        if (taken)
            return req_fail(r, st, "An organisation with this name already exists.");
        return st;
    }
    return people_reply_json_text(r, 201, json);
}

rstatus people_org_update(request *r)
{
    long long id;
    if (!req_param_id(r, "id", &id))
        return req_fail(r, ST_NOT_FOUND, "No such organisation.");
    const char *kind = NULL, *name = NULL;
    rstatus st = people_body_object(r);
    if (st == ST_OK)
        st = read_kind(r, false, &kind);
    if (st == ST_OK)
        st = people_body_text(r, "name", false, PEOPLE_ORG_NAME_MAX, false, &name);
    if (st != ST_OK)
        return st;
    if (!kind && !name)
        return req_fail(r, ST_UNPROCESSABLE, "Send a new name or kind.");

    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK || (st = db_begin(db)) != ST_OK)
        return st;
    const char *json;
    st = people_org_change(db, r->arena, id, kind, name, &json);
    if (st == ST_OK)
        st = audit_org(r, db, "organisation.updated", id, kind, name);
    if (st == ST_OK)
        st = db_commit(db);
    if (st != ST_OK) {
        bool taken = st == ST_CONFLICT && !strcmp(db_conn_sqlstate(db), "23505");
        db_rollback(db);
        if (taken)
            return req_fail(r, st, "An organisation with this name already exists.");
        if (st == ST_NOT_FOUND)
            return req_fail(r, st, "No such organisation.");
        return st;
    }
    return people_reply_json_text(r, 200, json);
}
