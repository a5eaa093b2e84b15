/* document_store.c - the SQL behind the document library: facts, documents, versions, folders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "community/community_sql.h"
#include "document/document.h"

/* ---- facts ------------------------------------------------------------------------------- */

#define FACTS_SELECT                                                                         \
    "SELECT id, community_id, coalesce(author_id, 0), coalesce(locked_by, 0), version_count," \
    " current_version, status FROM documents WHERE id = $1 AND deleted_at IS NULL"

static const char sql_facts[] = FACTS_SELECT;
static const char sql_facts_lock[] = FACTS_SELECT " FOR UPDATE";

rstatus doc_facts_load(db_conn *db, long long id, bool lock, doc_facts *out)
{
    memset(out, 0, sizeof *out);
    char idb[24];
    const char *params[] = {csql_id(idb, id)};
    PGresult *res;
    rstatus st = db_query(db, lock ? sql_facts_lock : sql_facts, 1, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    out->id = atoll(PQgetvalue(res, 0, 0));
    out->community_id = atoll(PQgetvalue(res, 0, 1));
    out->author_id = atoll(PQgetvalue(res, 0, 2));
    out->locked_by = atoll(PQgetvalue(res, 0, 3));
    out->version_count = atoi(PQgetvalue(res, 0, 4));
    out->current_version = atoi(PQgetvalue(res, 0, 5));
    snprintf(out->status, sizeof out->status, "%s", PQgetvalue(res, 0, 6));
    PQclear(res);
    return ST_OK;
}

static const char sql_folder_community[] = "SELECT community_id FROM folders WHERE id = $1";

rstatus doc_folder_community(db_conn *db, long long folder_id, long long *community_id)
{
    char idb[24];
    const char *params[] = {csql_id(idb, folder_id)};
    return csql_ll(db, sql_folder_community, 1, params, community_id);
}

/* ---- reading ----------------------------------------------------------------------------- */

/* A person as a document shows them, or null when the viewer ($2) may not see them. */
#define DOC_PERSON(u)                                                                        \
    "CASE WHEN " u ".id IS NOT NULL AND " ACL_SQL_USER_VISIBLE(u, "$2")                       \
    " THEN json_build_object('id', " u ".id, 'display_name', " u ".display_name) END"

#define DOC_JSON                                                                             \
    "json_build_object('id', d.id, 'community_id', d.community_id, 'folder_id', d.folder_id," \
    " 'title', d.title, 'description', d.description, 'status', d.status,"                   \
    " 'current_version', d.current_version, 'version_count', d.version_count,"               \
    " 'author', " DOC_PERSON("a") ", 'created_at', " CSQL_TS("d.created_at") ","              \
    " 'updated_at', " CSQL_TS("d.updated_at") ","                                            \
    " 'locked', d.locked_by IS NOT NULL, 'locked_by', " DOC_PERSON("l") ","                   \
    " 'locked_at', " CSQL_TS("d.locked_at") ","                                              \
    " 'tags', coalesce((SELECT json_agg(t.name ORDER BY t.name) FROM document_tags dt"         \
    "   JOIN tags t ON t.id = dt.tag_id WHERE dt.document_id = d.id), '[]'::json),"          \
    " 'file', json_build_object('filename', v.filename, 'size', v.size,"                     \
    "   'media_type', v.media_type, 'sha256', encode(v.sha256, 'hex'),"                      \
    "   'text_status', v.text_status))"

#define DOC_FROM                                                                             \
    " FROM documents d JOIN document_versions v"                                             \
    "   ON v.document_id = d.id AND v.number = d.current_version"                            \
    " LEFT JOIN users a ON a.id = d.author_id LEFT JOIN users l ON l.id = d.locked_by"

/* One document also shows the validation workflow's history, newest first. */
static const char sql_get[] =
    "SELECT (" DOC_JSON "::jsonb || jsonb_build_object('reviews', coalesce((SELECT"
    "   json_agg(json_build_object('action', r.action, 'version', r.version,"
    "   'comment', r.comment, 'at', " CSQL_TS("r.at") ", 'actor', " DOC_PERSON("ru") ")"
    "   ORDER BY r.at DESC, r.id DESC) FROM document_reviews r LEFT JOIN users ru ON ru.id = r.actor_id"
    "   WHERE r.document_id = d.id), '[]'::json)))::text"
    DOC_FROM " WHERE d.id = $1 AND d.deleted_at IS NULL";

rstatus doc_get(db_conn *db, const principal *viewer, const acl_community *acl, long long id,
                json_t **out)
{
    char idb[24], vb[24];
    const char *params[] = {csql_id(idb, id), csql_id(vb, viewer ? viewer->user_id : 0)};
    rstatus st = csql_json(db, sql_get, 2, params, out);
    if (st != ST_OK)
        return st;
    json_t *locked_by = json_object_get(json_object_get(*out, "locked_by"), "id");
    json_t *author = json_object_get(json_object_get(*out, "author"), "id");
    long long me = viewer ? viewer->user_id : 0;
    bool write = acl_community_can(viewer, acl, ACL_WRITE);
    bool moderate = acl_community_can(viewer, acl, ACL_EDIT);
    bool mine = author && json_integer_value(author) == me;
    bool lock_free = !locked_by || json_integer_value(locked_by) == me;
    json_object_set_new(*out, "can",
                        json_pack("{s:b, s:b, s:b, s:b, s:b, s:b}", "add_version",
                                  write && lock_free, "edit", write && (mine || moderate),
                                  "delete", write && (mine || moderate), "lock",
                                  write && !locked_by, "unlock",
                                  locked_by && (json_integer_value(locked_by) == me || moderate),
                                  "validate", moderate));
    return ST_OK;
}

/* Sorting goes through this whitelist, never into the SQL text from the client. */
static const char sql_list_title[] =
    "WITH m AS (SELECT d.id FROM documents d JOIN document_versions v"
    "   ON v.document_id = d.id AND v.number = d.current_version"
    "  WHERE d.community_id = $1 AND d.deleted_at IS NULL"
    "    AND ($3::bigint < 0 OR d.folder_id IS NOT DISTINCT FROM nullif($3::bigint, 0))"
    "    AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM document_tags dt JOIN tags t"
    "          ON t.id = dt.tag_id WHERE dt.document_id = d.id AND t.name = $4::citext))"
    "    AND ($5::document_status IS NULL OR d.status = $5::document_status)"
    "    AND ($6::text IS NULL OR starts_with(v.media_type, $6::text)))"
    " SELECT json_build_object('items', coalesce((SELECT json_agg(x.j ORDER BY x.k1, x.k2 DESC,"
    "   x.k3 DESC, x.k4 DESC, x.id) FROM ("
    "   SELECT " DOC_JSON " AS j, k.k1, k.k2, k.k3, k.k4, d.id" DOC_FROM " JOIN m ON m.id = d.id"
    "   CROSS JOIN LATERAL (SELECT CASE $9 WHEN 'title' THEN lower(d.title) END AS k1,"
    "     CASE $9 WHEN 'updated' THEN d.updated_at END AS k2,"
    "     CASE $9 WHEN 'created' THEN d.created_at END AS k3,"
    "     CASE $9 WHEN 'size' THEN v.size END AS k4) k"
    "    ORDER BY k.k1, k.k2 DESC, k.k3 DESC, k.k4 DESC, d.id LIMIT $7 OFFSET $8) x), '[]'::json),"
    " 'total', (SELECT count(*) FROM m), 'limit', $7::bigint, 'offset', $8::bigint)::text";

rstatus doc_list(db_conn *db, const principal *viewer, const doc_query *q, json_t **out)
{
    char cb[24], vb[24], fb[24], lb[24], ob[24];
    const char *sort = q->sort && (!strcmp(q->sort, "updated") || !strcmp(q->sort, "created") ||
                                   !strcmp(q->sort, "size"))
                           ? q->sort
                           : "title";
    const char *params[] = {csql_id(cb, q->community_id),
                            csql_id(vb, viewer ? viewer->user_id : 0),
                            csql_id(fb, q->folder_id),
                            q->tag,
                            q->status,
                            q->type,
                            csql_id(lb, q->limit),
                            csql_id(ob, q->offset),
                            sort};
    return csql_json(db, sql_list_title, 9, params, out);
}

static const char sql_versions[] =
    "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
    "  'number', v.number, 'filename', v.filename, 'size', v.size, 'media_type', v.media_type,"
    "  'sha256', encode(v.sha256, 'hex'), 'comment', v.comment, 'author', " DOC_PERSON("a") ","
    "  'created_at', " CSQL_TS("v.created_at") ", 'restored_from', v.restored_from,"
    "  'text_status', v.text_status, 'current', v.number = d.current_version)"
    "  ORDER BY v.number DESC), '[]'::json))::text"
    " FROM documents d JOIN document_versions v ON v.document_id = d.id"
    " LEFT JOIN users a ON a.id = v.author_id"
    " WHERE d.id = $1 AND d.deleted_at IS NULL";

rstatus doc_versions(db_conn *db, const principal *viewer, long long id, json_t **out)
{
    char idb[24], vb[24];
    const char *params[] = {csql_id(idb, id), csql_id(vb, viewer ? viewer->user_id : 0)};
    return csql_json(db, sql_versions, 2, params, out);
}

static const char sql_version_file[] =
    "SELECT encode(v.sha256, 'hex'), v.size, v.media_type, v.filename, v.number"
    " FROM documents d JOIN document_versions v ON v.document_id = d.id"
    "  AND v.number = CASE WHEN $2::int = 0 THEN d.current_version ELSE $2::int END"
    " WHERE d.id = $1 AND d.deleted_at IS NULL";

rstatus doc_version_file_get(db_conn *db, long long id, int n, doc_version_file *out)
{
    char idb[24], nb[24];
    const char *params[] = {csql_id(idb, id), csql_id(nb, n)};
    PGresult *res;
    rstatus st = db_query(db, sql_version_file, 2, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) != 1 || !blob_hex_parse(PQgetvalue(res, 0, 0), out->sha256)) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    out->size = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
    snprintf(out->media_type, sizeof out->media_type, "%s", PQgetvalue(res, 0, 2));
    snprintf(out->filename, sizeof out->filename, "%s", PQgetvalue(res, 0, 3));
    out->number = atoi(PQgetvalue(res, 0, 4));
    PQclear(res);
    return ST_OK;
}

static const char sql_version_copy[] =
    "SELECT encode(sha256, 'hex'), size, media_type, filename, text_status, extracted_text,"
    " text_error FROM document_versions WHERE document_id = $1 AND number = $2";

rstatus doc_version_copy(db_conn *db, long long id, int n, doc_upload *up, arena *a)
{
    char idb[24], nb[24];
    const char *params[] = {csql_id(idb, id), csql_id(nb, n)};
    PGresult *res;
    rstatus st = db_query(db, sql_version_copy, 2, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) != 1 || !blob_hex_parse(PQgetvalue(res, 0, 0), up->sha256)) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    up->size = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
    up->media_type = arena_strdup(a, PQgetvalue(res, 0, 2));
    up->filename = arena_strdup(a, PQgetvalue(res, 0, 3));
    up->text_status = arena_strdup(a, PQgetvalue(res, 0, 4));
    up->text = PQgetisnull(res, 0, 5) ? NULL : arena_strdup(a, PQgetvalue(res, 0, 5));
    up->text_error = PQgetisnull(res, 0, 6) ? NULL : arena_strdup(a, PQgetvalue(res, 0, 6));
    up->restored_from = n;
    PQclear(res);
    return up->media_type && up->filename && up->text_status ? ST_OK : ST_NOMEM;
}

/* ---- changing ---------------------------------------------------------------------------- */

static const char sql_folder_in_community[] =
    "SELECT id FROM folders WHERE id = $1 AND community_id = $2";

static rstatus check_folder(db_conn *db, long long community_id, long long folder_id,
                            char *err, size_t errsize)
{
    if (folder_id == 0)
        return ST_OK;
    char fb[24], cb[24];
    const char *params[] = {csql_id(fb, folder_id), csql_id(cb, community_id)};
    long long found;
    rstatus st = csql_ll(db, sql_folder_in_community, 2, params, &found);
    if (st == ST_NOT_FOUND) {
        snprintf(err, errsize, "No such folder in this community.");
        return ST_UNPROCESSABLE;
    }
    return st;
}

static const char sql_doc_insert[] =
    "INSERT INTO documents (community_id, folder_id, title, description, author_id,"
    " version_count, current_version) VALUES ($1, nullif($2::bigint, 0), $3, $4, $5, 1, 1)"
    " RETURNING id";

static const char sql_version_insert[] =
    "INSERT INTO document_versions (document_id, number, sha256, size, media_type, filename,"
    " comment, author_id, restored_from, text_status, extracted_text, text_error)"
    " VALUES ($1, $2, decode($3, 'hex'), $4, $5, $6, $7, $8, nullif($9::int, 0),"
    " $10::extraction_status, $11, $12)";

static rstatus insert_version(db_conn *db, long long doc_id, int number, long long author,
                              const doc_upload *up)
{
    char db_[24], nb[24], sb[24], ab[24], rb[24], hex[BLOB_HEX_LEN + 1];
    blob_hex(up->sha256, hex);
    snprintf(sb, sizeof sb, "%llu", up->size);
    const char *params[] = {csql_id(db_, doc_id), csql_id(nb, number), hex, sb,
                            up->media_type, up->filename, up->comment ? up->comment : "",
                            author ? csql_id(ab, author) : NULL, csql_id(rb, up->restored_from),
                            up->text_status, up->text, up->text_error};
    return db_exec(db, sql_version_insert, 12, params);
}

static const char sql_tags_clear[] = "DELETE FROM document_tags WHERE document_id = $1";
static const char sql_tag_upsert[] =
    "WITH t AS (INSERT INTO tags (community_id, name) VALUES ($2, $3)"
    "  ON CONFLICT (community_id, name) DO UPDATE SET name = tags.name RETURNING id)"
    " INSERT INTO document_tags (document_id, tag_id) SELECT $1, id FROM t"
    " ON CONFLICT DO NOTHING";

static rstatus set_tags(db_conn *db, long long doc_id, long long community_id,
                        const doc_input *in)
{
    char db_[24], cb[24];
    const char *params[] = {csql_id(db_, doc_id), csql_id(cb, community_id), NULL};
    rstatus st = db_exec(db, sql_tags_clear, 1, params);
    for (int i = 0; st == ST_OK && i < in->ntags; i++) {
        params[2] = in->tags[i];
        st = db_exec(db, sql_tag_upsert, 3, params);
    }
    return st;
}

static json_t *upload_detail(const doc_upload *up, int number)
{
    char hex[BLOB_HEX_LEN + 1];
    blob_hex(up->sha256, hex);
    return json_pack("{s:i, s:s, s:I, s:s}", "version", number, "sha256", hex, "size",
                     (json_int_t)up->size, "media_type", up->media_type);
}

rstatus doc_create(db_conn *db, const audit_ctx *ctx, long long community_id,
                   const doc_input *in, const doc_upload *up, long long *id_out, char *err,
                   size_t errsize)
{
    rstatus st = check_folder(db, community_id, in->folder_id, err, errsize);
    if (st != ST_OK)
        return st;
    char cb[24], fb[24], ab[24];
    const char *params[] = {csql_id(cb, community_id), csql_id(fb, in->folder_id), in->title,
                            in->description ? in->description : "",
                            ctx->actor_id ? csql_id(ab, ctx->actor_id) : NULL};
    if ((st = csql_ll(db, sql_doc_insert, 5, params, id_out)) != ST_OK ||
        (st = insert_version(db, *id_out, 1, ctx->actor_id, up)) != ST_OK ||
        (st = set_tags(db, *id_out, community_id, in)) != ST_OK)
        return st;
    char idb[24];
    json_t *detail = upload_detail(up, 1);
    st = audit_record(db, ctx, "document.created", "document", csql_id(idb, *id_out),
                      community_id, detail);
    json_decref(detail);
    return st;
}

static const char sql_version_bump[] =
    "UPDATE documents SET version_count = $2, current_version = $2, updated_at = now()"
    " WHERE id = $1";

rstatus doc_version_add(db_conn *db, const audit_ctx *ctx, const doc_facts *f,
                        const doc_upload *up, int *number_out)
{
    int number = f->version_count + 1;
    char idb[24], nb[24];
    const char *params[] = {csql_id(idb, f->id), csql_id(nb, number)};
    rstatus st = insert_version(db, f->id, number, ctx->actor_id, up);
    if (st == ST_OK)
        st = db_exec(db, sql_version_bump, 2, params);
    if (st != ST_OK)
        return st;
    json_t *detail = upload_detail(up, number);
    if (up->restored_from)
        json_object_set_new(detail, "restored_from", json_integer(up->restored_from));
    st = audit_record(db, ctx, up->restored_from ? "document.restored" : "document.version_added",
                      "document", idb, f->community_id, detail);
    json_decref(detail);
    *number_out = number;
    return st;
}

static const char sql_update[] =
    "UPDATE documents SET title = coalesce($2, title), description = coalesce($3, description),"
    " folder_id = CASE WHEN $4::bool THEN nullif($5::bigint, 0) ELSE folder_id END,"
    " status = coalesce($6::document_status, status), updated_at = now() WHERE id = $1";

/* Validation notices go to the folder's recipients (or every member when the folder says so),
 * only people who belong to the community now and are active, never the validator. Until
 * notifications exist the outbox keeps them, so nothing is lost. */
static const char sql_notify_validated[] =
    "INSERT INTO email_outbox (kind, to_address, user_id, subject, body_text)"
    " SELECT 'document.validated', u.email, u.id, $4, $5 FROM users u"
    "  JOIN memberships m ON m.user_id = u.id AND m.community_id = $1"
    " WHERE u.status = 'active' AND u.id <> $3::bigint AND $2::bigint <> 0"
    "   AND (u.id IN (SELECT fr.user_id FROM folder_recipients fr WHERE fr.folder_id = $2::bigint)"
    "        OR EXISTS (SELECT 1 FROM folders f WHERE f.id = $2::bigint AND f.notify_community))";

static const char sql_notice_facts[] =
    "SELECT d.title, c.name, coalesce(d.folder_id, 0), coalesce(u.display_name, 'Relais')"
    " FROM documents d JOIN communities c ON c.id = d.community_id"
    " LEFT JOIN users u ON u.id = $2 WHERE d.id = $1";

static rstatus notify_validated(db_conn *db, const audit_ctx *ctx, const doc_facts *f,
                                const char *origin)
{
    char idb[24], ab[24], cb[24], fb[24];
    const char *fp[] = {csql_id(idb, f->id), csql_id(ab, ctx->actor_id)};
    PGresult *res;
    rstatus st = db_query(db, sql_notice_facts, 2, fp, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    buf subject = BUF_INIT, body = BUF_INIT;
    buf_printf(&subject, "Document validé : %s", PQgetvalue(res, 0, 0));
    buf_printf(&body,
               "%s a validé le document « %s » (version %d) dans la communauté « %s ».\n"
               "%s validated the document \"%s\" (version %d) in \"%s\".\n\n%s/documents/%lld\n",
               PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 0), f->current_version,
               PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 0),
               f->current_version, PQgetvalue(res, 0, 1), origin ? origin : "", f->id);
    snprintf(fb, sizeof fb, "%s", PQgetvalue(res, 0, 2));
    PQclear(res);
    const char *params[] = {csql_id(cb, f->community_id), fb, ab, subject.data, body.data};
    st = subject.oom || body.oom ? ST_NOMEM : db_exec(db, sql_notify_validated, 5, params);
    buf_free(&subject);
    buf_free(&body);
    return st;
}

static const char sql_review[] =
    "INSERT INTO document_reviews (document_id, version, action, actor_id, comment)"
    " VALUES ($1, $2, $3::review_action, $4, coalesce($5, ''))";

rstatus doc_update(db_conn *db, const audit_ctx *ctx, const doc_facts *f, const doc_input *in,
                   char *err, size_t errsize)
{
    rstatus st = in->folder_set ? check_folder(db, f->community_id, in->folder_id, err, errsize)
                                : ST_OK;
    if (st != ST_OK)
        return st;
    char idb[24], fb[24];
    const char *params[] = {csql_id(idb, f->id), in->title, in->description,
                            in->folder_set ? "true" : "false", csql_id(fb, in->folder_id),
                            in->status};
    if ((st = db_exec(db, sql_update, 6, params)) != ST_OK)
        return st;
    if (in->tags_set && (st = set_tags(db, f->id, f->community_id, in)) != ST_OK)
        return st;
    if (in->status && strcmp(in->status, f->status) != 0) {
        /* The workflow's history: draft -> in_review is a submission, in_review -> validated a
         * validation, in_review -> draft a rejection. */
        const char *action = !strcmp(in->status, "in_review")   ? "submitted"
                             : !strcmp(in->status, "validated") ? "validated"
                             : !strcmp(f->status, "in_review") && !strcmp(in->status, "draft")
                                 ? "rejected"
                                 : NULL;
        char vb[24], ab[24];
        const char *rp[] = {idb, csql_id(vb, f->current_version), action,
                            ctx->actor_id ? csql_id(ab, ctx->actor_id) : NULL, in->comment};
        if (action && (st = db_exec(db, sql_review, 5, rp)) != ST_OK)
            return st;
        if (!strcmp(in->status, "validated") &&
            (st = notify_validated(db, ctx, f, in->link_origin)) != ST_OK)
            return st;
    }
    json_t *detail = json_pack("{s:b, s:b, s:b, s:b}", "title", in->title != NULL, "description",
                               in->description != NULL, "folder", in->folder_set, "tags",
                               in->tags_set);
    if (in->status)
        json_object_set_new(detail, "status", json_string(in->status));
    st = audit_record(db, ctx, "document.updated", "document", idb, f->community_id, detail);
    json_decref(detail);
    return st;
}

static const char sql_trash[] =
    "UPDATE documents SET deleted_at = now(), deleted_by = $2, locked_by = NULL,"
    " locked_at = NULL WHERE id = $1";

rstatus doc_trash(db_conn *db, const audit_ctx *ctx, const doc_facts *f)
{
    char idb[24], ab[24];
    const char *params[] = {csql_id(idb, f->id), ctx->actor_id ? csql_id(ab, ctx->actor_id) : NULL};
    rstatus st = db_exec(db, sql_trash, 2, params);
    if (st == ST_OK)
        st = audit_record(db, ctx, "document.trashed", "document", idb, f->community_id, NULL);
    return st;
}

static const char sql_lock[] =
    "UPDATE documents SET locked_by = nullif($2::bigint, 0),"
    " locked_at = CASE WHEN $2::bigint = 0 THEN NULL ELSE now() END WHERE id = $1";

rstatus doc_lock_set(db_conn *db, const audit_ctx *ctx, const doc_facts *f, long long holder,
                     bool broken)
{
    char idb[24], hb[24];
    const char *params[] = {csql_id(idb, f->id), csql_id(hb, holder)};
    rstatus st = db_exec(db, sql_lock, 2, params);
    if (st != ST_OK)
        return st;
    json_t *detail = broken ? json_pack("{s:I}", "holder", (json_int_t)f->locked_by) : NULL;
    st = audit_record(db, ctx,
                      holder ? "document.locked" : broken ? "document.lock_broken"
                                                          : "document.unlocked",
                      "document", idb, f->community_id, detail);
    json_decref(detail);
    return st;
}

/* ---- folders ----------------------------------------------------------------------------- */

#define FOLDER_JSON                                                                          \
    "json_build_object('id', f.id, 'community_id', f.community_id, 'parent_id', f.parent_id," \
    " 'name', f.name, 'created_at', " CSQL_TS("f.created_at") ","                            \
    " 'notify_community', f.notify_community,"                                               \
    " 'recipients', coalesce((SELECT json_agg(json_build_object('id', u.id,"                  \
    "   'display_name', u.display_name) ORDER BY u.display_name, u.id) FROM folder_recipients r" \
    "   JOIN users u ON u.id = r.user_id WHERE r.folder_id = f.id"                            \
    "     AND " ACL_SQL_USER_VISIBLE("u", "$2") "), '[]'::json),"                              \
    " 'document_count', (SELECT count(*) FROM documents d WHERE d.folder_id = f.id"          \
    "   AND d.deleted_at IS NULL))"

static const char sql_folder_list[] =
    "SELECT json_build_object('items', coalesce(json_agg(" FOLDER_JSON
    " ORDER BY lower(f.name), f.id), '[]'::json))::text FROM folders f WHERE f.community_id = $1";

rstatus doc_folder_list(db_conn *db, const principal *viewer, long long community_id,
                        json_t **out)
{
    char cb[24], vb[24];
    const char *params[] = {csql_id(cb, community_id), csql_id(vb, viewer ? viewer->user_id : 0)};
    return csql_json(db, sql_folder_list, 2, params, out);
}

static const char sql_folder_get[] =
    "SELECT (" FOLDER_JSON ")::jsonb || jsonb_build_object('folders', coalesce((SELECT"
    " jsonb_agg(jsonb_build_object('id', s.id, 'name', s.name) ORDER BY lower(s.name), s.id)"
    " FROM folders s WHERE s.parent_id = f.id), '[]'::jsonb))"
    " FROM folders f WHERE f.id = $1";

rstatus doc_folder_get(db_conn *db, const principal *viewer, long long folder_id, json_t **out)
{
    char fb[24], vb[24];
    const char *params[] = {csql_id(fb, folder_id), csql_id(vb, viewer ? viewer->user_id : 0)};
    return csql_json(db, sql_folder_get, 2, params, out);
}

static const char sql_folder_insert[] =
    "INSERT INTO folders (community_id, parent_id, name, created_by)"
    " VALUES ($1, nullif($2::bigint, 0), $3, $4) RETURNING id";

rstatus doc_folder_create(db_conn *db, const audit_ctx *ctx, long long community_id,
                          long long parent_id, const char *name, long long *id_out,
                          char *err, size_t errsize)
{
    rstatus st = check_folder(db, community_id, parent_id, err, errsize);
    if (st != ST_OK)
        return st;
    char cb[24], pb[24], ab[24];
    const char *params[] = {csql_id(cb, community_id), csql_id(pb, parent_id), name,
                            ctx->actor_id ? csql_id(ab, ctx->actor_id) : NULL};
    st = csql_ll(db, sql_folder_insert, 4, params, id_out);
    if (st == ST_CONFLICT) {
        snprintf(err, errsize, "A folder with this name is already there.");
        return st;
    }
    if (st != ST_OK)
        return st;
    char idb[24];
    return audit_record(db, ctx, "folder.created", "folder", csql_id(idb, *id_out), community_id,
                        NULL);
}

/* A folder cannot move under itself: the new parent's ancestors must not include it. */
static const char sql_folder_cycle[] =
    "WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM folders WHERE id = $2"
    "  UNION SELECT f.id, f.parent_id FROM folders f JOIN up ON f.id = up.parent_id)"
    " SELECT count(*) FROM up WHERE id = $1";

static const char sql_folder_update[] =
    "UPDATE folders SET name = coalesce($2, name),"
    " parent_id = CASE WHEN $3::bool THEN nullif($4::bigint, 0) ELSE parent_id END,"
    " updated_at = now() WHERE id = $1";

static const char sql_folder_notify[] =
    "UPDATE folders SET notify_community = $2 WHERE id = $1";
static const char sql_recipients_clear[] = "DELETE FROM folder_recipients WHERE folder_id = $1";
/* Recipients are members of the folder's community: nobody else may read what they are told of. */
static const char sql_recipient_add[] =
    "INSERT INTO folder_recipients (folder_id, user_id)"
    " SELECT $1, m.user_id FROM memberships m WHERE m.community_id = $2 AND m.user_id = $3"
    " RETURNING user_id";

rstatus doc_folder_recipients(db_conn *db, const audit_ctx *ctx, long long community_id,
                              long long folder_id, int notify_community,
                              const long long *recipients, int nrecipients, char *err,
                              size_t errsize)
{
    char fb[24], cb[24], ub[24];
    const char *params[] = {csql_id(fb, folder_id), NULL, NULL};
    rstatus st = ST_OK;
    if (notify_community >= 0) {
        params[1] = notify_community ? "true" : "false";
        if ((st = db_exec(db, sql_folder_notify, 2, params)) != ST_OK)
            return st;
    }
    if (nrecipients < 0)
        return ST_OK;
    if ((st = db_exec(db, sql_recipients_clear, 1, params)) != ST_OK)
        return st;
    params[1] = csql_id(cb, community_id);
    for (int i = 0; i < nrecipients; i++) {
        params[2] = csql_id(ub, recipients[i]);
        long long added;
        st = csql_ll(db, sql_recipient_add, 3, params, &added);
        if (st == ST_NOT_FOUND) {
            snprintf(err, errsize, "Recipients must be members of this community.");
            return ST_UNPROCESSABLE;
        }
        if (st == ST_CONFLICT)
            st = ST_OK;     /* named twice */
        if (st != ST_OK)
            return st;
    }
    return ST_OK;
}

rstatus doc_folder_update(db_conn *db, const audit_ctx *ctx, long long community_id,
                          long long folder_id, const char *name, bool parent_set,
                          long long parent_id, char *err, size_t errsize)
{
    char fb[24], pb[24];
    rstatus st;
    if (parent_set) {
        if ((st = check_folder(db, community_id, parent_id, err, errsize)) != ST_OK)
            return st;
        const char *cp[] = {csql_id(fb, folder_id), csql_id(pb, parent_id)};
        long long loops = 0;
        if (parent_id && (st = csql_ll(db, sql_folder_cycle, 2, cp, &loops)) != ST_OK)
            return st;
        if (loops > 0) {
            snprintf(err, errsize, "A folder cannot move into itself or one of its subfolders.");
            return ST_UNPROCESSABLE;
        }
    }
    const char *params[] = {csql_id(fb, folder_id), name, parent_set ? "true" : "false",
                            csql_id(pb, parent_id)};
    st = db_exec(db, sql_folder_update, 4, params);
    if (st == ST_CONFLICT) {
        snprintf(err, errsize, "A folder with this name is already there.");
        return st;
    }
    if (st != ST_OK)
        return st;
    return audit_record(db, ctx, "folder.updated", "folder", fb, community_id, NULL);
}

static const char sql_folder_busy[] =
    "SELECT (SELECT count(*) FROM folders WHERE parent_id = $1)"
    " + (SELECT count(*) FROM documents WHERE folder_id = $1 AND deleted_at IS NULL)";
/* Documents in the trash come back at the library's root if they are restored. */
static const char sql_folder_release_trash[] =
    "UPDATE documents SET folder_id = NULL WHERE folder_id = $1 AND deleted_at IS NOT NULL";
static const char sql_folder_delete[] = "DELETE FROM folders WHERE id = $1";

rstatus doc_folder_delete(db_conn *db, const audit_ctx *ctx, long long community_id,
                          long long folder_id, char *err, size_t errsize)
{
    char fb[24];
    const char *params[] = {csql_id(fb, folder_id)};
    long long busy = 0;
    rstatus st = csql_ll(db, sql_folder_busy, 1, params, &busy);
    if (st != ST_OK)
        return st;
    if (busy > 0) {
        snprintf(err, errsize, "Only an empty folder can be deleted: move or delete what it holds.");
        return ST_CONFLICT;
    }
    if ((st = db_exec(db, sql_folder_release_trash, 1, params)) != ST_OK ||
        (st = db_exec(db, sql_folder_delete, 1, params)) != ST_OK)
        return st;
    return audit_record(db, ctx, "folder.deleted", "folder", fb, community_id, NULL);
}

/* ---- trash ------------------------------------------------------------------------------- */

/* What the trash keeps: documents deleted less than this long ago can come back. */
#define TRASH_KEPT "30 days"

static const char sql_trash_list[] =
    "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
    "  'id', d.id, 'title', d.title, 'folder_id', d.folder_id,"
    "  'deleted_at', " CSQL_TS("d.deleted_at") ", 'deleted_by', " DOC_PERSON("a") ","
    "  'restorable_until', " CSQL_TS("d.deleted_at + interval '" TRASH_KEPT "'") ","
    "  'file', json_build_object('filename', v.filename, 'size', v.size, 'media_type', v.media_type))"
    "  ORDER BY d.deleted_at DESC, d.id), '[]'::json))::text"
    " FROM documents d JOIN document_versions v ON v.document_id = d.id"
    "  AND v.number = d.current_version"
    " LEFT JOIN users a ON a.id = d.deleted_by"
    " WHERE d.community_id = $1 AND d.deleted_at > now() - interval '" TRASH_KEPT "'";

rstatus doc_trash_list(db_conn *db, const principal *viewer, long long community_id,
                       json_t **out)
{
    char cb[24], vb[24];
    const char *params[] = {csql_id(cb, community_id), csql_id(vb, viewer ? viewer->user_id : 0)};
    return csql_json(db, sql_trash_list, 2, params, out);
}

/* Back from the trash, at the root when its folder went meanwhile (folder_id is then NULL). */
static const char sql_untrash[] =
    "UPDATE documents SET deleted_at = NULL, deleted_by = NULL, updated_at = now()"
    " WHERE id = $1 AND community_id = $2"
    "   AND deleted_at > now() - interval '" TRASH_KEPT "' RETURNING id";

rstatus doc_untrash(db_conn *db, const audit_ctx *ctx, long long community_id, long long id)
{
    char idb[24], cb[24];
    const char *params[] = {csql_id(idb, id), csql_id(cb, community_id)};
    long long got;
    rstatus st = csql_ll(db, sql_untrash, 2, params, &got);
    if (st != ST_OK)
        return st;
    return audit_record(db, ctx, "document.untrashed", "document", idb, community_id, NULL);
}
