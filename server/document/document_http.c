/* document_http.c - handlers for documents: upload, list, read, change, versions, locks, download. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "community/community_http.h"
#include "document/document.h"
#include "extract/extract.h"
#include "extract/sniff.h"
#include "http/upload.h"
#include "util/json.h"
#include "util/log.h"

#define NO_SUCH_DOCUMENT "No such document."

/* ---- loading and rights ------------------------------------------------------------------ */

typedef struct doc_ctx {
    doc_facts doc;
    community_facts community;
    bool in_tx;
} doc_ctx;

static rstatus end_tx(request *r, doc_ctx *d, rstatus st)
{
    if (!d->in_tx)
        return st;
    d->in_tx = false;
    if (st != ST_OK) {
        db_rollback(r->db);
        return st;
    }
    return db_commit(r->db);
}

/*
 * The document named by {id} and its community's facts, the viewer allowed `action`
 * (ACL_READ at least). lock: in a transaction with the document row locked. A document
 * the viewer may not read answers exactly like a missing one.
 */
static rstatus load_doc(request *r, bool lock, enum acl_action action, doc_ctx *d)
{
    memset(d, 0, sizeof *d);
    long long id;
    if (!req_param_id(r, "id", &id))
        return req_fail(r, ST_NOT_FOUND, NO_SUCH_DOCUMENT);
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    if (lock) {
        if ((st = db_begin(db)) != ST_OK)
            return st;
        d->in_tx = true;
    }
    st = doc_facts_load(db, id, lock, &d->doc);
    char cid[24];
    snprintf(cid, sizeof cid, "%lld", d->doc.community_id);
    if (st == ST_OK)
        st = community_facts_load(db, r->who, cid, false, &d->community);
    if (st == ST_NOT_FOUND) {
        end_tx(r, d, st);
        return req_fail(r, ST_NOT_FOUND, NO_SUCH_DOCUMENT);
    }
    if (st != ST_OK)
        return end_tx(r, d, st);
    bool readable = acl_community_can(r->who, &d->community.acl, ACL_READ);
    if (readable && acl_community_can(r->who, &d->community.acl, action))
        return ST_OK;
    /* The refusal's audit event must not be rolled back with the transaction. */
    end_tx(r, d, ST_FORBIDDEN);
    char idb[24];
    snprintf(idb, sizeof idb, "%lld", id);
    st = acl_deny(r, readable, "document", idb, NO_SUCH_DOCUMENT);
    if (readable)
        return req_fail(r, st, "%s", acl_community_why(r->who, &d->community.acl, action));
    return st;
}

static bool moderator(const request *r, const doc_ctx *d)
{
    return acl_community_can(r->who, &d->community.acl, ACL_EDIT);
}

static long long me(const request *r)
{
    return r->who ? r->who->user_id : 0;
}

/* Someone else holds the check-out lock: nobody but them adds a version. */
static rstatus lock_conflict(request *r, const doc_ctx *d)
{
    if (d->doc.locked_by && d->doc.locked_by != me(r))
        return req_fail(r, ST_CONFLICT,
                        "This document is checked out by someone else: it cannot change until "
                        "they unlock it.");
    return ST_OK;
}

static rstatus reply_doc(request *r, const doc_ctx *d, long long id, int status)
{
    json_t *out;
    rstatus st = doc_get(r->db, r->who, &d->community.acl, id, &out);
    if (st != ST_OK)
        return st == ST_NOT_FOUND ? req_fail(r, st, NO_SUCH_DOCUMENT) : st;
    return reply_json(r, status, out);
}

/* ---- input ------------------------------------------------------------------------------- */

/* Where links in notices point: RELAIS_PUBLIC_ORIGIN, else this request's host over HTTP. */
static const char *link_origin(request *r)
{
    const char *pub = r->app->cfg->public_origin;
    if (pub && *pub) {
        size_t len = strlen(pub);
        while (len > 0 && pub[len - 1] == '/')
            len--;
        return arena_strndup(r->arena, pub, len);
    }
    const char *host = req_header(r, "Host");
    if (!host || !*host || strlen(host) > 255 ||
        strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
            strlen(host))
        host = "localhost";
    return arena_printf(r->arena, "http://%s", host);
}

static rstatus clean_text(request *r, const char *name, const char *v, size_t max,
                          bool one_line, const char **out)
{
    if (!v) {
        *out = NULL;
        return ST_OK;
    }
    while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
        v++;
    size_t len = strlen(v);
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\n' ||
                   v[len - 1] == '\r'))
        len--;
    char *copy = arena_strndup(r->arena, v, len);
    if (!copy)
        return ST_NOMEM;
    if (community_http_chars(copy) > max)
        return req_fail(r, ST_UNPROCESSABLE, "%s is longer than %zu characters.", name, max);
    for (const unsigned char *p = (const unsigned char *)copy; *p; p++)
        if ((*p < 0x20 && (one_line || (*p != '\n' && *p != '\t' && *p != '\r'))) || *p == 0x7F)
            return req_fail(r, ST_UNPROCESSABLE, "%s holds control characters.", name);
    if (!textsink_is_utf8((const unsigned char *)copy, len) ||
        (len && ((unsigned char)copy[len - 1] & 0xC0) == 0xC0))
        return req_fail(r, ST_UNPROCESSABLE, "%s is not valid UTF-8.", name);
    *out = copy;
    return ST_OK;
}

/* Tags from a comma-separated form field. */
static rstatus parse_tag_list(request *r, const char *s, doc_input *in)
{
    const char **tags = arena_calloc(r->arena, DOC_TAGS_MAX, sizeof *tags);
    if (!tags)
        return ST_NOMEM;
    in->tags = tags;
    in->tags_set = true;
    while (s && *s) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        char *one = arena_strndup(r->arena, s, n);
        const char *clean;
        rstatus st;
        if (!one)
            return ST_NOMEM;
        if ((st = clean_text(r, "A tag", one, DOC_TAG_MAX, true, &clean)) != ST_OK)
            return st;
        if (*clean) {
            if (in->ntags == DOC_TAGS_MAX)
                return req_fail(r, ST_UNPROCESSABLE, "At most %d tags.", DOC_TAGS_MAX);
            tags[in->ntags++] = clean;
        }
        s = comma ? comma + 1 : NULL;
    }
    return ST_OK;
}

static rstatus parse_folder(request *r, const char *s, doc_input *in)
{
    if (!s || !*s || !strcmp(s, "root") || !strcmp(s, "0")) {
        in->folder_id = 0;
        return ST_OK;
    }
    if (strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
        return req_fail(r, ST_UNPROCESSABLE, "folder_id must be a folder's id.");
    in->folder_id = atoll(s);
    in->folder_set = true;
    return ST_OK;
}

/* The uploaded file made a version's content (doc_upload_take); the request no longer owns it. */
static rstatus take_file(request *r, upload_file *f, const char *comment, doc_upload *up)
{
    blob_store *bs;
    rstatus st = doc_blobs(r, &bs);
    if (st == ST_OK)
        st = doc_upload_take(bs, f->path, f->sha256, f->filename, comment, r->arena, up);
    if (st == ST_UNAVAILABLE)
        return req_fail(r, ST_UNAVAILABLE, "The file could not be stored; try again.");
    if (st != ST_OK)
        return st;
    f->claimed = true;
    return ST_OK;
}

/* The form's file part ("file"), or the raw body of a PUT. */
static upload_file *the_file(request *r)
{
    for (int i = 0; r->upload && i < r->upload->nfiles; i++)
        if (!strcmp(r->upload->files[i].field, "file") || !*r->upload->files[i].field)
            return &r->upload->files[i];
    return NULL;
}

/* ---- documents ----------------------------------------------------------------------------- */

rstatus document_http_upload_check(request *r)
{
    community_facts f;
    rstatus st = community_http_load(r, false, &f);
    if (st != ST_OK)
        return st;
    if (r->who && r->who->read_only)
        return req_fail(r, ST_FORBIDDEN, "A read-only token cannot upload.");
    return community_http_require(r, &f, ACL_WRITE);
}

rstatus document_http_create(request *r)
{
    community_facts f;
    rstatus st = community_http_load(r, false, &f);
    if (st != ST_OK || (st = community_http_require(r, &f, ACL_WRITE)) != ST_OK)
        return st;
    upload_file *file = the_file(r);
    if (!file)
        return req_fail(r, ST_UNPROCESSABLE, "Send the document in the form field \"file\".");
    doc_input in = {0};
    const char *comment;
    if ((st = clean_text(r, "title", upload_field(r, "title"), DOC_TITLE_MAX, true, &in.title)) != ST_OK ||
        (st = clean_text(r, "description", upload_field(r, "description"), DOC_DESCRIPTION_MAX,
                         false, &in.description)) != ST_OK ||
        (st = clean_text(r, "comment", upload_field(r, "comment"), DOC_COMMENT_MAX, false,
                         &comment)) != ST_OK ||
        (st = parse_folder(r, upload_field(r, "folder_id"), &in)) != ST_OK ||
        (st = parse_tag_list(r, upload_field(r, "tags"), &in)) != ST_OK)
        return st;
    doc_upload up;
    if ((st = take_file(r, file, comment, &up)) != ST_OK)
        return st;
    if (!in.title || !*in.title)
        in.title = up.filename;
    audit_ctx ctx = audit_ctx_of(r);
    char err[160] = "";
    long long id = 0;
    if ((st = db_begin(r->db)) != ST_OK)
        return st;
    st = doc_create(r->db, &ctx, f.id, &in, &up, &id, err, sizeof err);
    if (st != ST_OK) {
        db_rollback(r->db);
        return *err ? community_http_fail(r, st, err) : st;
    }
    if ((st = db_commit(r->db)) != ST_OK)
        return st;
    doc_ctx d = {.community = f};
    return reply_doc(r, &d, id, 201);
}

rstatus document_http_list(request *r)
{
    community_facts f;
    rstatus st = community_http_load(r, false, &f);
    if (st != ST_OK || (st = community_http_require(r, &f, ACL_READ)) != ST_OK)
        return st;
    doc_query q = {.community_id = f.id, .folder_id = -1};
    const char *folder = req_query(r, "folder_id");
    if (folder) {
        doc_input in = {0};
        if ((st = parse_folder(r, folder, &in)) != ST_OK)
            return req_fail(r, ST_BAD_REQUEST, "folder_id must be a folder's id or \"root\".");
        q.folder_id = in.folder_id;
    }
    q.tag = req_query(r, "tag");
    q.status = req_query(r, "status");
    if (q.status && strcmp(q.status, "draft") && strcmp(q.status, "in_review") &&
        strcmp(q.status, "validated") && strcmp(q.status, "archived"))
        return req_fail(r, ST_BAD_REQUEST, "status must be draft, in_review, validated or archived.");
    q.type = req_query(r, "type");
    q.sort = req_query(r, "sort");
    if (q.sort && strcmp(q.sort, "title") && strcmp(q.sort, "updated") && strcmp(q.sort, "created") &&
        strcmp(q.sort, "size"))
        return req_fail(r, ST_BAD_REQUEST, "sort must be title, updated, created or size.");
    if ((q.tag && strlen(q.tag) > 4 * DOC_TAG_MAX) || (q.type && strlen(q.type) > 127))
        return req_fail(r, ST_BAD_REQUEST, "A filter is too long.");
    if ((st = req_query_int(r, "limit", 50, 1, DOC_LIST_MAX, &q.limit)) != ST_OK ||
        (st = req_query_int(r, "offset", 0, 0, 1000000, &q.offset)) != ST_OK)
        return st;
    json_t *out;
    if ((st = doc_list(r->db, r->who, &q, &out)) != ST_OK)
        return st;
    return reply_json(r, 200, out);
}

rstatus document_http_get(request *r)
{
    doc_ctx d;
    rstatus st = load_doc(r, false, ACL_READ, &d);
    if (st != ST_OK)
        return st;
    return reply_doc(r, &d, d.doc.id, 200);
}

/* Who may move a document from one status to another (the validation workflow). */
static bool status_allowed(const char *from, const char *to, bool mod)
{
    if (!strcmp(from, to))
        return true;
    if (!strcmp(to, "in_review"))
        return !strcmp(from, "draft");
    return mod;     /* validating, rejecting, archiving and reopening are the animators' */
}

rstatus document_http_update(request *r)
{
    rstatus st = community_http_object_body(r, false);
    if (st != ST_OK)
        return st;
    doc_input in = {0};
    char err[160];
    const char *title = NULL, *description = NULL, *status = NULL, *comment = NULL;
    if ((st = json_get_string(r->json, "title", false, DOC_TITLE_MAX * 4, &title, err, sizeof err)) != ST_OK ||
        (st = json_get_string(r->json, "description", false, DOC_DESCRIPTION_MAX * 4, &description,
                              err, sizeof err)) != ST_OK ||
        (st = json_get_string(r->json, "status", false, 16, &status, err, sizeof err)) != ST_OK ||
        (st = json_get_string(r->json, "comment", false, DOC_REVIEW_COMMENT_MAX * 4, &comment, err,
                              sizeof err)) != ST_OK)
        return community_http_fail(r, st, err);
    if ((st = clean_text(r, "title", title, DOC_TITLE_MAX, true, &in.title)) != ST_OK ||
        (st = clean_text(r, "description", description, DOC_DESCRIPTION_MAX, false,
                         &in.description)) != ST_OK ||
        (st = clean_text(r, "comment", comment, DOC_REVIEW_COMMENT_MAX, false, &in.comment)) != ST_OK)
        return st;
    if (in.comment && *in.comment && !status)
        return req_fail(r, ST_UNPROCESSABLE, "A comment goes with a status change (submit, validate, reject).");
    if (in.title && !*in.title)
        return req_fail(r, ST_UNPROCESSABLE, "title must not be empty.");
    if (status && strcmp(status, "draft") && strcmp(status, "in_review") &&
        strcmp(status, "validated") && strcmp(status, "archived"))
        return req_fail(r, ST_UNPROCESSABLE, "status must be draft, in_review, validated or archived.");
    in.status = status;
    in.link_origin = link_origin(r);
    json_t *folder = json_object_get(r->json, "folder_id");
    if (folder) {
        if (!json_is_null(folder) && (!json_is_integer(folder) || json_integer_value(folder) < 0))
            return req_fail(r, ST_UNPROCESSABLE, "folder_id must be a folder's id or null.");
        in.folder_set = true;
        in.folder_id = json_is_null(folder) ? 0 : json_integer_value(folder);
    }
    json_t *tags = json_object_get(r->json, "tags");
    if (tags) {
        if (!json_is_array(tags) || json_array_size(tags) > DOC_TAGS_MAX)
            return req_fail(r, ST_UNPROCESSABLE, "tags must be a list of at most %d words.",
                            DOC_TAGS_MAX);
        buf joined = BUF_INIT;
        size_t i;
        json_t *t;
        json_array_foreach(tags, i, t) {
            if (!json_is_string(t) || strchr(json_string_value(t), ',')) {
                buf_free(&joined);
                return req_fail(r, ST_UNPROCESSABLE, "Each tag is a text without commas.");
            }
            buf_printf(&joined, "%s%s", i ? "," : "", json_string_value(t));
        }
        char *s = arena_strdup(r->arena, joined.data ? joined.data : "");
        buf_free(&joined);
        if (!s)
            return ST_NOMEM;
        if ((st = parse_tag_list(r, s, &in)) != ST_OK)
            return st;
    }
    doc_ctx d;
    if ((st = load_doc(r, true, ACL_WRITE, &d)) != ST_OK)
        return st;
    bool mod = moderator(r, &d);
    if ((in.title || in.description || in.folder_set || in.tags_set) &&
        d.doc.author_id != me(r) && !mod) {
        end_tx(r, &d, ST_FORBIDDEN);
        return req_fail(r, ST_FORBIDDEN, "Only its author or an animator can change this document.");
    }
    if (in.status && !status_allowed(d.doc.status, in.status, mod)) {
        end_tx(r, &d, ST_FORBIDDEN);
        return req_fail(r, ST_FORBIDDEN, !strcmp(in.status, "in_review")
                                             ? "Only a draft can be submitted for review."
                                             : "Only an animator can validate, reject or archive.");
    }
    audit_ctx ctx = audit_ctx_of(r);
    err[0] = '\0';
    st = doc_update(r->db, &ctx, &d.doc, &in, err, sizeof err);
    if ((st = end_tx(r, &d, st)) != ST_OK)
        return *err ? community_http_fail(r, st, err) : st;
    return reply_doc(r, &d, d.doc.id, 200);
}

rstatus document_http_delete(request *r)
{
    doc_ctx d;
    rstatus st = load_doc(r, true, ACL_WRITE, &d);
    if (st != ST_OK)
        return st;
    if (d.doc.author_id != me(r) && !moderator(r, &d)) {
        end_tx(r, &d, ST_FORBIDDEN);
        return req_fail(r, ST_FORBIDDEN, "Only its author or an animator can delete this document.");
    }
    audit_ctx ctx = audit_ctx_of(r);
    if ((st = end_tx(r, &d, doc_trash(r->db, &ctx, &d.doc))) != ST_OK)
        return st;
    return reply_empty(r, 204);
}

/* ---- versions ------------------------------------------------------------------------------ */

rstatus document_http_versions(request *r)
{
    doc_ctx d;
    rstatus st = load_doc(r, false, ACL_READ, &d);
    if (st != ST_OK)
        return st;
    json_t *out;
    if ((st = doc_versions(r->db, r->who, d.doc.id, &out)) != ST_OK)
        return st;
    return reply_json(r, 200, out);
}

rstatus document_http_version_check(request *r)
{
    doc_ctx d;
    rstatus st = load_doc(r, false, ACL_WRITE, &d);
    if (st != ST_OK)
        return st;
    if (r->who && r->who->read_only)
        return req_fail(r, ST_FORBIDDEN, "A read-only token cannot upload.");
    return lock_conflict(r, &d);
}

/* Adds up as the next version, under the document's row lock (numbers stay gapless). */
static rstatus add_version(request *r, doc_upload *up)
{
    doc_ctx d;
    rstatus st = load_doc(r, true, ACL_WRITE, &d);
    if (st != ST_OK)
        return st;
    if ((st = lock_conflict(r, &d)) != ST_OK) {
        end_tx(r, &d, st);
        return st;
    }
    audit_ctx ctx = audit_ctx_of(r);
    int number;
    if ((st = end_tx(r, &d, doc_version_add(r->db, &ctx, &d.doc, up, &number))) != ST_OK)
        return st;
    return reply_doc(r, &d, d.doc.id, 201);
}

rstatus document_http_version_add(request *r)
{
    upload_file *file = the_file(r);
    if (!file)
        return req_fail(r, ST_UNPROCESSABLE, "Send the new version in the form field \"file\".");
    const char *comment;
    const char *raw = upload_field(r, "comment");
    if (!raw)
        raw = req_query(r, "comment");
    rstatus st = clean_text(r, "comment", raw, DOC_COMMENT_MAX, false, &comment);
    if (st != ST_OK)
        return st;
    /* Rights and the lock were checked before the body came; they are checked again under the
     * row lock in add_version(), where they cannot change. */
    doc_upload up;
    if ((st = take_file(r, file, comment, &up)) != ST_OK)
        return st;
    return add_version(r, &up);
}

rstatus document_http_restore(request *r)
{
    long long n;
    if (!req_param_id(r, "n", &n) || n > 1000000000)
        return req_fail(r, ST_NOT_FOUND, "No such version.");
    doc_ctx d;
    rstatus st = load_doc(r, false, ACL_WRITE, &d);
    if (st != ST_OK)
        return st;
    doc_upload up = {0};
    if ((st = doc_version_copy(r->db, d.doc.id, (int)n, &up, r->arena)) != ST_OK)
        return st == ST_NOT_FOUND ? req_fail(r, st, "No such version.") : st;
    blob_store *bs;
    if ((st = doc_blobs(r, &bs)) != ST_OK)
        return st;
    /* The old version's blob gains a reference: protect it from the sweeper until it commits. */
    if ((st = blob_retain(bs, up.sha256)) != ST_OK) {
        log_error("documents: the blob of document %lld version %lld is missing", d.doc.id, n);
        return req_fail(r, ST_INTERNAL, "The stored file of this version is missing.");
    }
    up.comment = arena_printf(r->arena, "Restored from version %lld", n);
    if (!up.comment)
        return ST_NOMEM;
    return add_version(r, &up);
}

/* ---- locks --------------------------------------------------------------------------------- */

rstatus document_http_lock(request *r)
{
    doc_ctx d;
    rstatus st = load_doc(r, true, ACL_WRITE, &d);
    if (st != ST_OK)
        return st;
    if (d.doc.locked_by == me(r))
        st = ST_OK;
    else if ((st = lock_conflict(r, &d)) == ST_OK) {
        audit_ctx ctx = audit_ctx_of(r);
        st = doc_lock_set(r->db, &ctx, &d.doc, me(r), false);
    }
    if ((st = end_tx(r, &d, st)) != ST_OK)
        return st;
    return reply_doc(r, &d, d.doc.id, 200);
}

rstatus document_http_unlock(request *r)
{
    doc_ctx d;
    rstatus st = load_doc(r, true, ACL_WRITE, &d);
    if (st != ST_OK)
        return st;
    bool mine = d.doc.locked_by == me(r);
    if (d.doc.locked_by && !mine && !moderator(r, &d)) {
        end_tx(r, &d, ST_FORBIDDEN);
        return req_fail(r, ST_FORBIDDEN,
                        "Someone else checked this document out: only they or an animator can "
                        "unlock it.");
    }
    if (d.doc.locked_by) {
        audit_ctx ctx = audit_ctx_of(r);
        st = doc_lock_set(r->db, &ctx, &d.doc, 0, !mine);
    }
    if ((st = end_tx(r, &d, st)) != ST_OK)
        return st;
    return reply_doc(r, &d, d.doc.id, 200);
}

/* ---- download ------------------------------------------------------------------------------ */

rstatus document_http_content(request *r)
{
    long long n = 0;
    if (req_param(r, "n") && (!req_param_id(r, "n", &n) || n > 1000000000))
        return req_fail(r, ST_NOT_FOUND, "No such version.");
    doc_ctx d;
    rstatus st = load_doc(r, false, ACL_READ, &d);
    if (st != ST_OK)
        return st;
    doc_version_file vf;
    if ((st = doc_version_file_get(r->db, d.doc.id, (int)n, &vf)) != ST_OK)
        return st == ST_NOT_FOUND ? req_fail(r, st, "No such version.") : st;
    blob_store *bs;
    int fd = -1;
    unsigned long long size = 0;
    if ((st = doc_blobs(r, &bs)) != ST_OK)
        return st;
    if ((st = blob_open(bs, vf.sha256, &fd, &size)) != ST_OK) {
        log_error("documents: cannot open the blob of document %lld version %d", d.doc.id,
                  vf.number);
        return req_fail(r, ST_INTERNAL, "The stored file of this version cannot be read.");
    }
    /* Every download is in the audit trail. */
    audit_ctx ctx = audit_ctx_of(r);
    char idb[24];
    snprintf(idb, sizeof idb, "%lld", d.doc.id);
    json_t *detail = json_pack("{s:i}", "version", vf.number);
    st = audit_record(r->db, &ctx, "document.downloaded", "document", idb, d.doc.community_id,
                      detail);
    json_decref(detail);
    if (st != ST_OK) {
        close(fd);
        return st;
    }
    char hex[BLOB_HEX_LEN + 1];
    blob_hex(vf.sha256, hex);
    r->etag = arena_printf(r->arena, "\"%s\"", hex);
    r->cache_control = "private, no-cache";
    /* Only PDFs and raster images open in the browser; HTML, SVG and XML never render from
     * our origin: attachment, and a sandbox should a browser try anyway. */
    const char *want = req_query(r, "download");
    bool inline_ = sniff_inline_safe(vf.media_type) && !(want && strcmp(want, "0") != 0);
    buf disp = BUF_INIT;
    doc_content_disposition(vf.filename, inline_, &disp);
    rstatus hs = disp.oom ? ST_NOMEM : reply_header(r, "Content-Disposition", disp.data);
    buf_free(&disp);
    if (hs == ST_OK)
        hs = reply_header(r, "Accept-Ranges", "bytes");
    if (hs == ST_OK && !inline_)
        hs = reply_header(r, "Content-Security-Policy", "sandbox; default-src 'none'");
    /* The document page shows PDFs in a frame (the browser's own viewer). */
    r->framable = inline_;
    if (hs != ST_OK) {
        close(fd);
        return hs;
    }
    doc_range range = {0, size};
    enum doc_range_result rr = doc_range_parse(req_header(r, "Range"), size, &range);
    const char *if_range = req_header(r, "If-Range");
    if (if_range && strcmp(if_range, r->etag) != 0)
        rr = DOC_RANGE_NONE;    /* the client's copy is another version: send it all */
    if (rr == DOC_RANGE_UNSATISFIABLE) {
        close(fd);
        reply_header(r, "Content-Range", arena_printf(r->arena, "bytes */%llu", size));
        return req_fail(r, ST_RANGE_NOT_SATISFIABLE, "The range is outside the file (%llu bytes).",
                        size);
    }
    if (rr == DOC_RANGE_OK) {
        const char *cr = arena_printf(r->arena, "bytes %llu-%llu/%llu", range.start,
                                      range.start + range.length - 1, size);
        if (!cr || reply_header(r, "Content-Range", cr) != ST_OK) {
            close(fd);
            return ST_NOMEM;
        }
    } else {
        range = (doc_range){0, size};
    }
    r->http_status = rr == DOC_RANGE_OK ? 206 : 200;
    r->content_type = arena_strdup(r->arena, vf.media_type);
    r->reply_kind = REPLY_FD;
    r->reply_fd = fd;
    r->fd_offset = range.start;
    r->reply_len = (size_t)range.length;
    return ST_OK;
}

/* ---- trash --------------------------------------------------------------------------------- */

/* The trash is the animators' (ACL_EDIT): they restore what members deleted. */
rstatus document_http_trash(request *r)
{
    community_facts f;
    rstatus st = community_http_load(r, false, &f);
    if (st != ST_OK || (st = community_http_require(r, &f, ACL_EDIT)) != ST_OK)
        return st;
    json_t *out;
    if ((st = doc_trash_list(r->db, r->who, f.id, &out)) != ST_OK)
        return st;
    return reply_json(r, 200, out);
}

rstatus document_http_untrash(request *r)
{
    long long id;
    if (!req_param_id(r, "document_id", &id))
        return req_fail(r, ST_NOT_FOUND, NO_SUCH_DOCUMENT);
    community_facts f;
    rstatus st = community_http_load(r, true, &f);
    if (st != ST_OK)
        return st;
    if ((st = community_http_require(r, &f, ACL_EDIT)) != ST_OK)
        return community_http_end(r, &f, st);
    audit_ctx ctx = audit_ctx_of(r);
    st = community_http_end(r, &f, doc_untrash(r->db, &ctx, f.id, id));
    if (st == ST_NOT_FOUND)
        return req_fail(r, st, "No such document in the trash (it is kept 30 days).");
    if (st != ST_OK)
        return st;
    doc_ctx d = {.community = f};
    return reply_doc(r, &d, id, 200);
}
