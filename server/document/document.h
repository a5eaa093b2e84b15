/* document.h - the document library (GED): folders, documents, versions, locks, downloads. */
#ifndef RELAIS_DOCUMENT_H
#define RELAIS_DOCUMENT_H

#include <jansson.h>
#include <stdbool.h>

#include "audit/audit.h"
#include "community/community.h"
#include "db/pool.h"
#include "http/request.h"
#include "store/blob.h"
#include "util/buf.h"

/*
 * Rights: everything here is decided by access/ on the document's community.
 * ACL_READ to list, open and download; ACL_WRITE to create folders, upload,
 * add versions, lock, change and trash one's own documents; ACL_EDIT (the
 * community's animators, and admins) to trash or change anyone's, break locks
 * and delete folders. A document or folder the viewer may not read answers
 * exactly like a missing one.
 *
 * Storage: the bytes of every version are a blob (store/blob.h), put durably
 * before the row that names it is committed. Conventions as in community.h:
 * ST_OK or a status, human detail in err, json_t results owned by the caller,
 * changes in the caller's transaction with their audit events.
 */

#define DOC_TITLE_MAX 300
#define DOC_DESCRIPTION_MAX 5000
#define DOC_COMMENT_MAX 1000
#define DOC_REVIEW_COMMENT_MAX 2000     /* document_reviews.comment */
#define DOC_FILENAME_MAX 255
#define DOC_TAGS_MAX 20
#define DOC_TAG_MAX 60
#define FOLDER_NAME_MAX 200
#define DOC_LIST_MAX 200

/* ---- pure helpers (download.c) --------------------------------------------------------- */

/*
 * The client's file name made fit for display and for Content-Disposition:
 * the last path segment only (so "../../etc/passwd" is "passwd"), control
 * characters dropped, invalid UTF-8 replaced, trimmed, cut to
 * DOC_FILENAME_MAX bytes on a character boundary; "document" when nothing is
 * left. Never used as a path. out has DOC_FILENAME_MAX + 1 bytes.
 */
void doc_filename_clean(const char *in, char out[DOC_FILENAME_MAX + 1]);

typedef struct doc_range {
    unsigned long long start, length;
} doc_range;

enum doc_range_result { DOC_RANGE_NONE, DOC_RANGE_OK, DOC_RANGE_UNSATISFIABLE };

/*
 * Parses a Range header against a representation of size bytes. One range only
 * ("bytes=a-b", "bytes=a-", "bytes=-n"); anything else (several ranges, other
 * units, garbage) is DOC_RANGE_NONE: the whole body is sent, as RFC 9110
 * allows. DOC_RANGE_UNSATISFIABLE when the range starts past the end.
 */
enum doc_range_result doc_range_parse(const char *header, unsigned long long size,
                                      doc_range *out);

/*
 * Content-Disposition for filename: inline or attachment, an ASCII fallback
 * (filename="...", quotes and non-ASCII replaced) and the exact name as
 * RFC 6266/8187 filename*=UTF-8''percent-encoded.
 */
void doc_content_disposition(const char *filename, bool inline_, buf *out);

/* ---- the blob store of this process (blobs.c) ------------------------------------------ */

/* DATA_DIR/blobs, opened on first use and kept for the life of the process. */
rstatus doc_blobs(const request *r, blob_store **out);

/* blob_referenced_fn for the sweeper: ctx is a db_conn; asks document_versions. */
rstatus doc_blob_referenced(void *ctx, const unsigned char sha256[BLOB_HASH_LEN],
                            bool *referenced);

/* ---- the store (document_store.c) ----------------------------------------------------- */

typedef struct doc_facts {
    long long id;
    long long community_id;
    long long author_id;
    long long locked_by;        /* 0 = not locked */
    int version_count;
    int current_version;
    char status[16];
} doc_facts;

/*
 * The document's facts when it exists and is not in the trash. lock: inside the
 * caller's transaction, lock its row (version numbers and locks change one at a
 * time). ST_NOT_FOUND otherwise.
 */
rstatus doc_facts_load(db_conn *db, long long id, bool lock, doc_facts *out);

/* The folder's community and parent; ST_NOT_FOUND when there is no such folder. */
rstatus doc_folder_community(db_conn *db, long long folder_id, long long *community_id);

/* A new version's content, already in the blob store. */
typedef struct doc_upload {
    unsigned char sha256[BLOB_HASH_LEN];
    unsigned long long size;
    const char *media_type;
    const char *filename;       /* cleaned */
    const char *comment;
    const char *text;           /* extracted, NULL when none */
    const char *text_status;    /* "done", "truncated", "none", "failed" */
    const char *text_error;
    int restored_from;          /* 0 = a new upload */
} doc_upload;

typedef struct doc_input {
    const char *title;
    const char *description;
    long long folder_id;        /* 0 = root; with folder_set */
    bool folder_set;
    const char *const *tags;    /* with tags_set */
    int ntags;
    bool tags_set;
    const char *status;         /* NULL = unchanged */
    const char *comment;        /* with a status change: the reviewer's words */
    const char *link_origin;    /* for links in validation notices ("https://relais.example.fr") */
} doc_input;

/*
 * Makes the file at path (a temporary file under DATA_DIR/tmp whose content hashes to sha256,
 * computed by this process) a version's content, as an upload does: its type sniffed from the
 * bytes (filename, untrusted, only tells text flavours apart and is cleaned into up->filename),
 * its text extracted with the default limits (a failure is recorded in up, not returned), the
 * file moved durably into bs (blob_put_file). Strings in up are allocated in a. On ST_OK the
 * file at path is gone and the caller may commit a row naming the blob. ST_UNAVAILABLE when the
 * blob store refused the file (path is left for the caller), else sniff_file()'s status or
 * ST_NOMEM. Blocks for up to the PDF extraction timeout; no database work.
 */
rstatus doc_upload_take(blob_store *bs, const char *path,
                        const unsigned char sha256[BLOB_HASH_LEN], const char *filename,
                        const char *comment, arena *a, doc_upload *up);

/* Creates a document with its first version (the caller's transaction). */
rstatus doc_create(db_conn *db, const audit_ctx *ctx, long long community_id,
                   const doc_input *in, const doc_upload *up, long long *id_out, char *err,
                   size_t errsize);

/* Adds version f->version_count + 1 (f loaded with lock) and makes it current. */
rstatus doc_version_add(db_conn *db, const audit_ctx *ctx, const doc_facts *f,
                        const doc_upload *up, int *number_out);

/*
 * Changes title, description, folder, tags, status (the caller checked the rights). A move to
 * "validated" writes a notice to the outbox for each recipient of the document's folder.
 */
rstatus doc_update(db_conn *db, const audit_ctx *ctx, const doc_facts *f, const doc_input *in,
                   char *err, size_t errsize);

/* Moves the document to the trash. */
rstatus doc_trash(db_conn *db, const audit_ctx *ctx, const doc_facts *f);

/* {"items": [...]}: the community's documents trashed less than 30 days ago, newest first. */
rstatus doc_trash_list(db_conn *db, const principal *viewer, long long community_id,
                       json_t **out);

/* Takes a document of the community out of the trash (within 30 days); else ST_NOT_FOUND. */
rstatus doc_untrash(db_conn *db, const audit_ctx *ctx, long long community_id, long long id);

/* Sets or clears the check-out lock (holder 0 = unlock). */
rstatus doc_lock_set(db_conn *db, const audit_ctx *ctx, const doc_facts *f, long long holder,
                     bool broken);

/* The document as viewer sees it, with can{} from acl (the community's facts). */
rstatus doc_get(db_conn *db, const principal *viewer, const acl_community *acl, long long id,
                json_t **out);

typedef struct doc_query {
    long long community_id;
    long long folder_id;        /* -1 = every folder, 0 = the root */
    const char *tag;
    const char *status;
    const char *type;           /* media type prefix ("image/", "application/pdf") */
    const char *sort;           /* "title", "updated", "created" */
    long long limit, offset;
} doc_query;

/* {"items", "total", "limit", "offset"}: live documents of one community. */
rstatus doc_list(db_conn *db, const principal *viewer, const doc_query *q, json_t **out);

/* {"items": [version...]} newest first. */
rstatus doc_versions(db_conn *db, const principal *viewer, long long id, json_t **out);

typedef struct doc_version_file {
    unsigned char sha256[BLOB_HASH_LEN];
    unsigned long long size;
    char media_type[128];
    char filename[DOC_FILENAME_MAX + 1];
    int number;
} doc_version_file;

/* Version n (0 = the current one) of a live document; ST_NOT_FOUND when absent. */
rstatus doc_version_file_get(db_conn *db, long long id, int n, doc_version_file *out);

/* Version n's stored facts, for a restore (its extracted text too). */
rstatus doc_version_copy(db_conn *db, long long id, int n, doc_upload *up, arena *a);

/* Folders, their recipients filtered to the people viewer may see. */
rstatus doc_folder_list(db_conn *db, const principal *viewer, long long community_id,
                        json_t **out);
rstatus doc_folder_get(db_conn *db, const principal *viewer, long long folder_id, json_t **out);
rstatus doc_folder_create(db_conn *db, const audit_ctx *ctx, long long community_id,
                          long long parent_id, const char *name, long long *id_out,
                          char *err, size_t errsize);
rstatus doc_folder_update(db_conn *db, const audit_ctx *ctx, long long community_id,
                          long long folder_id, const char *name, bool parent_set,
                          long long parent_id, char *err, size_t errsize);
/*
 * Who is told when a document of the folder is validated: every member (notify_community 1),
 * or the listed people, who must be members (else ST_UNPROCESSABLE). notify_community -1 and
 * nrecipients -1 leave each unchanged. The caller's transaction.
 */
rstatus doc_folder_recipients(db_conn *db, const audit_ctx *ctx, long long community_id,
                              long long folder_id, int notify_community,
                              const long long *recipients, int nrecipients, char *err,
                              size_t errsize);
rstatus doc_folder_delete(db_conn *db, const audit_ctx *ctx, long long community_id,
                          long long folder_id, char *err, size_t errsize);

/* ---- the demo library (demo.c) --------------------------------------------------------- */

/*
 * `relais admin load-demo`, after people_demo_load(): about a dozen documents with folders,
 * tags, workflow statuses and second versions in the demo communities, their files copied from
 * files_dir (scripts/demo/documents) into the blob store under data_dir (DATA_DIR/tmp and
 * DATA_DIR/blobs are created when missing). Once: platform_settings 'demo.documents' marks it
 * done; nothing happens, *loaded false, when the marker is there or the people demo
 * ('demo.loaded') is not. One transaction of its own for every row, with a
 * 'demo.documents_loaded' audit event; the blobs are put before the commit, so a failure leaves
 * at most unreferenced blobs for the sweeper. Communities of the demo that no longer exist are
 * skipped. ST_NOT_FOUND when a bundled file is missing (logged), else a store or database
 * status. Not for the server's threads: it opens its own blob store handle.
 */
rstatus doc_demo_load(db_conn *db, const char *data_dir, const char *files_dir, bool *loaded);

/* ---- maintenance (sweep.c) ----------------------------------------------------------- */

/*
 * `relais sweep`: empties trashes past 30 days, then runs blob_sweep() with
 * doc_blob_referenced() and blob_sweep_tmp() (grace: RELAIS_SWEEP_GRACE seconds,
 * default 3600). Same contract as the commands of cli/cli.h.
 */
int cmd_sweep(int argc, char **argv);

/*
 * The same pass inside `relais serve`, on a background thread of its own: the
 * first a minute after start (sooner if the interval is shorter), then every
 * cfg->sweep_interval_s seconds; none when it is 0. It holds one pool
 * connection while it works. doc_sweeper_stop() ends a pass in progress
 * before the next blob and joins the thread. Uploads in flight are safe from
 * it as from the command (store/blob.h). Both are called by cli/serve.c's main
 * thread only; start returns 0, or -1 when the thread cannot be created.
 */
int doc_sweeper_start(struct app *a);
void doc_sweeper_stop(void);

/* ---- handlers (document_http.c, folder_http.c) ---------------------------------------- */

rstatus folder_http_list(request *r);         /* GET    /api/communities/{id}/folders */
rstatus folder_http_create(request *r);       /* POST   /api/communities/{id}/folders */
rstatus folder_http_get(request *r);          /* GET    /api/folders/{id} */
rstatus folder_http_update(request *r);       /* PATCH  /api/folders/{id} */
rstatus folder_http_delete(request *r);       /* DELETE /api/folders/{id} */
rstatus document_http_list(request *r);       /* GET    /api/communities/{id}/documents */
rstatus document_http_upload_check(request *r);   /* precheck of the upload */
rstatus document_http_create(request *r);     /* POST   /api/communities/{id}/documents */
rstatus document_http_get(request *r);        /* GET    /api/documents/{id} */
rstatus document_http_update(request *r);     /* PATCH  /api/documents/{id} */
rstatus document_http_delete(request *r);     /* DELETE /api/documents/{id} */
rstatus document_http_versions(request *r);   /* GET    /api/documents/{id}/versions */
rstatus document_http_version_check(request *r);  /* precheck of a new version */
rstatus document_http_version_add(request *r);    /* POST /api/documents/{id}/versions, PUT …/content */
rstatus document_http_content(request *r);    /* GET    /api/documents/{id}/content, …/versions/{n}/content */
rstatus document_http_lock(request *r);       /* POST   /api/documents/{id}/lock */
rstatus document_http_unlock(request *r);     /* DELETE /api/documents/{id}/lock */
rstatus document_http_restore(request *r);    /* POST   /api/documents/{id}/versions/{n}/restore */
rstatus document_http_trash(request *r);      /* GET    /api/communities/{id}/trash */
rstatus document_http_untrash(request *r);    /* POST   /api/communities/{id}/trash/{document_id}/restore */
rstatus document_http_export_community(request *r);   /* GET /api/communities/{id}/export.zip */
rstatus document_http_export_folder(request *r);      /* GET /api/folders/{id}/export.zip */

#endif
