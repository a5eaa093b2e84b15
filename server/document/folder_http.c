/* folder_http.c - handlers for the folders of a community's document library. */
#include <stdio.h>
#include <string.h>

#include "community/community_http.h"
#include "document/document.h"
#include "util/json.h"

#define NO_SUCH_FOLDER "No such folder."

rstatus folder_http_list(request *r)
{
    community_facts f;
    rstatus st = community_http_load(r, false, &f);
    if (st != ST_OK || (st = community_http_require(r, &f, ACL_READ)) != ST_OK)
        return st;
    json_t *out;
    if ((st = doc_folder_list(r->db, r->who, f.id, &out)) != ST_OK)
        return st;
    return reply_json(r, 200, out);
}

/* name (one line, 1..200 characters, no slash) from the body; NULL when absent and optional. */
static rstatus folder_name(request *r, bool required, const char **out)
{
    rstatus st = community_http_text(r, "name", required, FOLDER_NAME_MAX, true, out);
    if (st != ST_OK)
        return st;
    if (*out && (!**out || strchr(*out, '/') || strchr(*out, '\\')))
        return req_fail(r, ST_UNPROCESSABLE, "name must be a non-empty name without slashes.");
    return ST_OK;
}

/* parent_id from the body: a folder id, or null for the root. */
static rstatus folder_parent(request *r, bool *set, long long *parent)
{
    json_t *p = json_object_get(r->json, "parent_id");
    *set = p != NULL;
    *parent = 0;
    if (!p || json_is_null(p))
        return ST_OK;
    if (!json_is_integer(p) || json_integer_value(p) <= 0)
        return req_fail(r, ST_UNPROCESSABLE, "parent_id must be a folder's id or null.");
    *parent = json_integer_value(p);
    return ST_OK;
}

rstatus folder_http_create(request *r)
{
    rstatus st = community_http_object_body(r, false);
    const char *name = NULL;
    bool parent_set;
    long long parent;
    if (st != ST_OK || (st = folder_name(r, true, &name)) != ST_OK ||
        (st = folder_parent(r, &parent_set, &parent)) != ST_OK)
        return st;
    community_facts f;
    if ((st = community_http_load(r, true, &f)) != ST_OK)
        return st;
    if ((st = community_http_require(r, &f, ACL_WRITE)) != ST_OK)
        return community_http_end(r, &f, st);
    audit_ctx ctx = audit_ctx_of(r);
    char err[160] = "";
    long long id = 0;
    st = community_http_end(r, &f, doc_folder_create(r->db, &ctx, f.id, parent, name, &id, err,
                                                     sizeof err));
    if (st != ST_OK)
        return *err ? community_http_fail(r, st, err) : st;
    json_t *out;
    if ((st = doc_folder_get(r->db, r->who, id, &out)) != ST_OK)
        return st;
    return reply_json(r, 201, out);
}

/*
 * The folder named by {id} and its community, the viewer allowed action; a folder the
 * viewer may not read answers like a missing one. lock: the community row is locked in a
 * transaction (folder changes of one community happen one at a time).
 */
static rstatus load_folder(request *r, bool lock, enum acl_action action, long long *id,
                           community_facts *f)
{
    if (!req_param_id(r, "id", id))
        return req_fail(r, ST_NOT_FOUND, NO_SUCH_FOLDER);
    db_conn *db;
    long long community_id;
    rstatus st = req_db(r, &db);
    if (st == ST_OK)
        st = doc_folder_community(db, *id, &community_id);
    if (st == ST_NOT_FOUND)
        return req_fail(r, ST_NOT_FOUND, NO_SUCH_FOLDER);
    if (st != ST_OK)
        return st;
    char cid[24];
    snprintf(cid, sizeof cid, "%lld", community_id);
    if ((st = community_facts_load(db, r->who, cid, lock, f)) != ST_OK)
        return st == ST_NOT_FOUND ? req_fail(r, st, NO_SUCH_FOLDER) : st;
    bool readable = acl_community_can(r->who, &f->acl, ACL_READ);
    if (readable && acl_community_can(r->who, &f->acl, action))
        return ST_OK;
    community_http_end(r, f, ST_FORBIDDEN);
    char idb[24];
    snprintf(idb, sizeof idb, "%lld", *id);
    st = acl_deny(r, readable, "folder", idb, NO_SUCH_FOLDER);
    if (readable)
        return req_fail(r, st, "%s", acl_community_why(r->who, &f->acl, action));
    return st;
}

rstatus folder_http_get(request *r)
{
    long long id;
    community_facts f;
    rstatus st = load_folder(r, false, ACL_READ, &id, &f);
    if (st != ST_OK)
        return st;
    json_t *out;
    if ((st = doc_folder_get(r->db, r->who, id, &out)) != ST_OK)
        return st;
    return reply_json(r, 200, out);
}

#define FOLDER_RECIPIENTS_MAX 100

/* notify_community and recipients (validation notices) from the body; -1 = not given. */
static rstatus folder_notices(request *r, int *notify, long long **ids, int *n)
{
    *notify = -1;
    *n = -1;
    json_t *all = json_object_get(r->json, "notify_community");
    if (all && !json_is_boolean(all))
        return req_fail(r, ST_UNPROCESSABLE, "notify_community must be true or false.");
    if (all)
        *notify = json_is_true(all);
    json_t *list = json_object_get(r->json, "recipients");
    if (!list)
        return ST_OK;
    if (!json_is_array(list) || json_array_size(list) > FOLDER_RECIPIENTS_MAX)
        return req_fail(r, ST_UNPROCESSABLE, "recipients must be a list of at most %d user ids.",
                        FOLDER_RECIPIENTS_MAX);
    *ids = arena_calloc(r->arena, json_array_size(list) + 1, sizeof **ids);
    if (!*ids)
        return ST_NOMEM;
    size_t i;
    json_t *v;
    *n = 0;
    json_array_foreach(list, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return req_fail(r, ST_UNPROCESSABLE, "recipients must be a list of user ids.");
        (*ids)[(*n)++] = json_integer_value(v);
    }
    return ST_OK;
}

rstatus folder_http_update(request *r)
{
    rstatus st = community_http_object_body(r, false);
    const char *name = NULL;
    bool parent_set;
    long long parent, id, *recipients = NULL;
    int notify, nrecipients;
    if (st != ST_OK || (st = folder_name(r, false, &name)) != ST_OK ||
        (st = folder_parent(r, &parent_set, &parent)) != ST_OK ||
        (st = folder_notices(r, &notify, &recipients, &nrecipients)) != ST_OK)
        return st;
    community_facts f;
    if ((st = load_folder(r, true, ACL_WRITE, &id, &f)) != ST_OK)
        return st;
    audit_ctx ctx = audit_ctx_of(r);
    char err[160] = "";
    st = doc_folder_recipients(r->db, &ctx, f.id, id, notify, recipients, nrecipients, err,
                               sizeof err);
    if (st == ST_OK)
        st = doc_folder_update(r->db, &ctx, f.id, id, name, parent_set, parent, err, sizeof err);
    st = community_http_end(r, &f, st);
    if (st != ST_OK)
        return *err ? community_http_fail(r, st, err) : st;
    json_t *out;
    if ((st = doc_folder_get(r->db, r->who, id, &out)) != ST_OK)
        return st;
    return reply_json(r, 200, out);
}

rstatus folder_http_delete(request *r)
{
    long long id;
    community_facts f;
    /* Deleting structure is the animators' (ACL_EDIT); members move and rename. */
    rstatus st = load_folder(r, true, ACL_EDIT, &id, &f);
    if (st != ST_OK)
        return st;
    audit_ctx ctx = audit_ctx_of(r);
    char err[160] = "";
    st = community_http_end(r, &f, doc_folder_delete(r->db, &ctx, f.id, id, err, sizeof err));
    if (st != ST_OK)
        return *err ? community_http_fail(r, st, err) : st;
    return reply_empty(r, 204);
}
