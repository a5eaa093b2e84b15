/* community_http.c - handlers for listing, reading, creating and changing communities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community/community_http.h"
#include "util/json.h"

/* ---- shared helpers ---------------------------------------------------------------------- */

rstatus community_http_load(request *r, bool lock, community_facts *f)
{
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    st = community_facts_load(db, r->who, req_param(r, "id"), lock, f);
    if (st == ST_NOT_FOUND)
        return req_fail(r, ST_NOT_FOUND, ACL_NO_SUCH_COMMUNITY);
    return st;
}

rstatus community_http_require(request *r, community_facts *f, enum acl_action action)
{
    if (acl_community_can(r->who, &f->acl, action))
        return ST_OK;
    /* End the transaction first: the refusal's audit event must not be rolled back. */
    if (f->locked) {
        db_rollback(r->db);
        f->locked = false;
    }
    return acl_community_deny(r, &f->acl, f->id, action);
}

rstatus community_http_end(request *r, community_facts *f, rstatus st)
{
    if (!f->locked)
        return st;
    f->locked = false;
    if (st != ST_OK) {
        db_rollback(r->db);
        return st;
    }
    return db_commit(r->db);
}

size_t community_http_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

rstatus community_http_fail(request *r, rstatus st, const char *err)
{
    return req_fail(r, st, "%s", err);
}

rstatus community_http_object_body(request *r, bool optional)
{
    if (!r->json && optional)
        return ST_OK;
    if (!json_is_object(r->json))
        return req_fail(r, ST_UNPROCESSABLE, "Send a JSON object.");
    return ST_OK;
}

/* ---- input ------------------------------------------------------------------------------- */

rstatus community_http_text(request *r, const char *key, bool required, size_t max,
                            bool one_line, const char **out)
{
    char err[160];
    const char *v = NULL;
    rstatus st = json_get_string(r->json, key, required, max * 4, &v, err, sizeof err);
    if (st != ST_OK)
        return community_http_fail(r, st, err);
    if (!v)
        return ST_OK;
    while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
        v++;
    size_t len = strlen(v);
    while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\n' ||
                       v[len - 1] == '\r'))
        len--;
    if (required && len == 0)
        return req_fail(r, ST_UNPROCESSABLE, "%s must not be empty.", key);
    char *copy = arena_strndup(r->arena, v, len);
    if (!copy)
        return ST_NOMEM;
    if (community_http_chars(copy) > max)
        return req_fail(r, ST_UNPROCESSABLE, "%s is longer than %zu characters.", key, max);
    /* Names go into e-mail subjects and single-line places: no line breaks or controls. */
    for (const unsigned char *p = (const unsigned char *)copy; one_line && *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return req_fail(r, ST_UNPROCESSABLE, "%s must be one line of text.", key);
    *out = copy;
    return ST_OK;
}

/* name, description, visibility, slug, archived from the body into in. */
static rstatus read_input(request *r, bool creating, community_input *in)
{
    memset(in, 0, sizeof *in);
    in->archived = -1;
    rstatus st = community_http_object_body(r, false);
    if (st != ST_OK)
        return st;
    if ((st = community_http_text(r, "name", creating, COMMUNITY_NAME_MAX, true, &in->name)) !=
            ST_OK ||
        (st = community_http_text(r, "description", false, COMMUNITY_DESCRIPTION_MAX, false,
                                  &in->description)) != ST_OK)
        return st;
    if (!creating && in->name && !*in->name)
        return req_fail(r, ST_UNPROCESSABLE, "name must not be empty.");
    char err[160];
    if ((st = json_get_string(r->json, "visibility", creating, 16, &in->visibility, err,
                              sizeof err)) != ST_OK ||
        (st = json_get_string(r->json, "slug", false, COMMUNITY_SLUG_MAX, &in->slug, err,
                              sizeof err)) != ST_OK)
        return community_http_fail(r, st, err);
    enum acl_visibility vis;
    if (in->visibility && !acl_visibility_parse(in->visibility, &vis))
        return req_fail(r, ST_UNPROCESSABLE, "visibility must be public, restricted or secret.");
    if (in->slug && !community_slug_valid(in->slug))
        return req_fail(r, ST_UNPROCESSABLE,
                        "slug must be 1 to 64 lowercase letters, digits and inner hyphens, "
                        "not only digits.");
    bool archived = false;
    json_t *a = json_object_get(r->json, "archived");
    if (a && !creating) {
        if ((st = json_get_bool(r->json, "archived", false, &archived, err, sizeof err)) != ST_OK)
            return community_http_fail(r, st, err);
        in->archived = archived ? 1 : 0;
    } else if (a) {
        return req_fail(r, ST_UNPROCESSABLE, "A new community cannot be archived.");
    }
    return ST_OK;
}

/* ---- handlers ---------------------------------------------------------------------------- */

rstatus community_http_list(request *r)
{
    community_query q = {.archived = -1};
    const char *mine = req_query(r, "mine");
    q.mine = mine && (!strcmp(mine, "1") || !strcmp(mine, "true"));
    q.q = req_query(r, "q");
    if (q.q && strlen(q.q) > 200)
        return req_fail(r, ST_BAD_REQUEST, "q must be at most 200 bytes.");
    if (q.q && !*q.q)
        q.q = NULL;
    q.visibility = req_query(r, "visibility");
    enum acl_visibility vis;
    if (q.visibility && !acl_visibility_parse(q.visibility, &vis))
        return req_fail(r, ST_BAD_REQUEST, "visibility must be public, restricted or secret.");
    const char *archived = req_query(r, "archived");
    if (archived) {
        if (!strcmp(archived, "0") || !strcmp(archived, "false"))
            q.archived = 0;
        else if (!strcmp(archived, "1") || !strcmp(archived, "true"))
            q.archived = 1;
        else if (strcmp(archived, "any") != 0)
            return req_fail(r, ST_BAD_REQUEST, "archived must be 0, 1 or any.");
    }
    rstatus st;
    if ((st = req_query_int(r, "limit", 50, 1, COMMUNITY_LIST_MAX, &q.limit)) != ST_OK ||
        (st = req_query_int(r, "offset", 0, 0, 1000000, &q.offset)) != ST_OK)
        return st;
    db_conn *db;
    json_t *out;
    if ((st = req_db(r, &db)) != ST_OK || (st = community_list(db, r->who, &q, &out)) != ST_OK)
        return st;
    return reply_json(r, 200, out);
}

rstatus community_http_create(request *r)
{
    if (r->who->is_guest)
        return req_fail(r, ST_FORBIDDEN, "External partners cannot create communities.");
    community_input in;
    rstatus st = read_input(r, true, &in);
    if (st != ST_OK)
        return st;
    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK)
        return st;
    audit_ctx ctx = audit_ctx_of(r);
    char err[160];
    long long id;
    st = community_create(db, &ctx, r->who->user_id, &in, &id, err, sizeof err);
    if (st == ST_CONFLICT)
        return community_http_fail(r, st, err);
    json_t *out;
    if (st != ST_OK || (st = community_get(db, r->who, id, &out)) != ST_OK)
        return st;
    return reply_json(r, 201, out);
}

rstatus community_http_get(request *r)
{
    community_facts f;
    rstatus st = community_http_load(r, false, &f);
    if (st != ST_OK || (st = community_http_require(r, &f, ACL_SEE)) != ST_OK)
        return st;
    json_t *out;
    if ((st = community_get(r->db, r->who, f.id, &out)) != ST_OK)
        return st;
    return reply_json(r, 200, out);
}

rstatus community_http_update(request *r)
{
    community_input in;
    rstatus st = read_input(r, false, &in);
    if (st != ST_OK)
        return st;
    bool edits = in.name || in.description || in.visibility || in.slug;
    if (!edits && in.archived < 0)
        return req_fail(r, ST_UNPROCESSABLE,
                        "Nothing to change: give name, description, visibility, slug or archived.");
    community_facts f;
    if ((st = community_http_load(r, true, &f)) != ST_OK)
        return st;
    if (in.archived >= 0 && (st = community_http_require(r, &f, ACL_ARCHIVE)) != ST_OK)
        return st;
    if (edits) {
        /* Unarchiving and editing in one request is allowed; archiving and editing is not. */
        bool was = f.acl.archived;
        if (in.archived >= 0)
            f.acl.archived = in.archived == 1;
        st = community_http_require(r, &f, ACL_EDIT);
        f.acl.archived = was;
        if (st != ST_OK)
            return st;
    }
    audit_ctx ctx = audit_ctx_of(r);
    char err[160];
    st = community_http_end(r, &f, community_update(r->db, &ctx, &f, &in, err, sizeof err));
    if (st == ST_CONFLICT)
        return community_http_fail(r, st, err);
    json_t *out;
    if (st != ST_OK || (st = community_get(r->db, r->who, f.id, &out)) != ST_OK)
        return st;
    return reply_json(r, 200, out);
}
