/* export.c - a folder or a whole library as a ZIP: current versions plus a manifest. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "community/community_http.h"
#include "community/community_sql.h"
#include "document/document.h"
#include "extract/zipwrite.h"
#include "util/log.h"

/*
 * The archive is written by the worker into an anonymous temporary file under DATA_DIR/tmp
 * (streamed: memory stays flat whatever the library's size), then sent zero-copy like any
 * download. Writing to the socket from a worker would hold it for as long as the slowest
 * client takes, and the I/O threads never touch the disk.
 */
#define EXPORT_MAX_DOCUMENTS 20000
#define EXPORT_FETCH_SQL "20001"    /* one more than the maximum, to tell "too many" */

/* Current versions of the live documents under the export's root, with their folder path
 * ($2 = 0: the whole library, its root documents at the top of the archive). */
static const char sql_entries[] =
    "WITH RECURSIVE tree(id, path) AS ("
    "  SELECT id, name FROM folders WHERE community_id = $1"
    "   AND CASE WHEN $2::bigint = 0 THEN parent_id IS NULL ELSE id = $2::bigint END"
    "  UNION ALL SELECT f.id, tree.path || '/' || f.name FROM folders f"
    "   JOIN tree ON f.parent_id = tree.id)"
    " SELECT coalesce(t.path, ''), v.filename, d.title, v.number,"
    "  CASE WHEN a.id IS NOT NULL AND " ACL_SQL_USER_VISIBLE("a", "$3") " THEN a.display_name"
    "   ELSE '' END, " CSQL_TS("v.created_at") ", encode(v.sha256, 'hex'), v.media_type,"
    "  extract(epoch FROM v.created_at)::bigint"
    " FROM documents d JOIN document_versions v ON v.document_id = d.id"
    "  AND v.number = d.current_version"
    " LEFT JOIN tree t ON t.id = d.folder_id LEFT JOIN users a ON a.id = v.author_id"
    " WHERE d.community_id = $1 AND d.deleted_at IS NULL"
    "  AND ($2::bigint = 0 OR t.id IS NOT NULL)"
    " ORDER BY 1, 2, d.id LIMIT " EXPORT_FETCH_SQL;

enum { E_PATH, E_FILE, E_TITLE, E_VERSION, E_AUTHOR, E_DATE, E_SHA, E_TYPE, E_MTIME };

static const char sql_name_folder[] = "SELECT name FROM folders WHERE id = $1";
static const char sql_name_community[] = "SELECT slug FROM communities WHERE id = $1";

typedef struct sink {
    int fd;
} sink;

static int to_file(void *ctx, const void *data, size_t len)
{
    sink *s = ctx;
    const char *p = data;
    while (len) {
        ssize_t n = write(s->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* A path segment fit for a ZIP entry: "." and ".." become "_", nothing else changes (folder
 * names and file names are already free of slashes and control characters). */
static void put_segment(buf *b, const char *seg, size_t n)
{
    if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
        buf_putc(b, '_');
    else
        buf_append(b, seg, n);
}

static void entry_name(buf *b, const char *path, const char *file, int dup)
{
    buf_reset(b);
    while (*path) {
        const char *slash = strchr(path, '/');
        size_t n = slash ? (size_t)(slash - path) : strlen(path);
        put_segment(b, path, n);
        buf_putc(b, '/');
        path += n + (slash ? 1 : 0);
    }
    if (dup == 0) {
        put_segment(b, file, strlen(file));
        return;
    }
    /* Two documents with one file name in one folder: "rapport (2).pdf". */
    const char *dot = strrchr(file, '.');
    size_t stem = dot && dot != file ? (size_t)(dot - file) : strlen(file);
    buf_append(b, file, stem);
    buf_printf(b, " (%d)", dup + 1);
    buf_puts(b, file + stem);
}

static bool compressible(const char *type)
{
    return !strncmp(type, "text/", 5) || !strcmp(type, "application/xml") ||
           !strcmp(type, "image/svg+xml") || !strcmp(type, "image/bmp") ||
           !strcmp(type, "image/tiff") || !strcmp(type, "application/rtf") ||
           !strncmp(type, "application/vnd.ms-", 19) || !strcmp(type, "application/msword") ||
           !strcmp(type, "application/x-ole-storage");
}

/* Writes the archive of res's rows, then the manifest, into fd. */
static rstatus write_zip(request *r, PGresult *res, int fd, blob_store *bs)
{
    sink s = {fd};
    zipw *z = zipw_new(to_file, &s);
    if (!z)
        return ST_NOMEM;
    int rows = PQntuples(res);
    char **used = arena_calloc(r->arena, (size_t)rows + 1, sizeof *used);
    buf name = BUF_INIT, manifest = BUF_INIT;
    rstatus st = used ? ST_OK : ST_NOMEM;
    buf_puts(&manifest, "\xef\xbb\xbfpath,title,version,author,date,sha256\r\n");
    for (int i = 0; i < rows && st == ST_OK; i++) {
        for (int dup = 0;; dup++) {
            entry_name(&name, PQgetvalue(res, i, E_PATH), PQgetvalue(res, i, E_FILE), dup);
            bool taken = false;
            /* The rows come sorted by folder then file name: the documents with the same
             * name in the same folder are the ones just before. */
            for (int k = i - 1; k >= 0 && !taken &&
                 !strcmp(PQgetvalue(res, k, E_PATH), PQgetvalue(res, i, E_PATH)) &&
                 !strcmp(PQgetvalue(res, k, E_FILE), PQgetvalue(res, i, E_FILE)); k--)
                taken = !strcmp(used[k], name.data);
            if (!taken || name.oom)
                break;
        }
        if (name.oom || !(used[i] = arena_strdup(r->arena, name.data))) {
            st = ST_NOMEM;
            break;
        }
        unsigned char sha[BLOB_HASH_LEN];
        int in = -1;
        unsigned long long size;
        if (!blob_hex_parse(PQgetvalue(res, i, E_SHA), sha) ||
            blob_open(bs, sha, &in, &size) != ST_OK) {
            log_error("export: the blob %s is missing", PQgetvalue(res, i, E_SHA));
            st = ST_INTERNAL;
            break;
        }
        st = zipw_add_fd(z, name.data, (time_t)atoll(PQgetvalue(res, i, E_MTIME)),
                         compressible(PQgetvalue(res, i, E_TYPE)) ? ZIPW_DEFLATE : ZIPW_STORE, in);
        close(in);
        audit_csv_field(&manifest, name.data);
        buf_putc(&manifest, ',');
        audit_csv_field(&manifest, PQgetvalue(res, i, E_TITLE));
        buf_printf(&manifest, ",%s,", PQgetvalue(res, i, E_VERSION));
        audit_csv_field(&manifest, PQgetvalue(res, i, E_AUTHOR));
        buf_printf(&manifest, ",%s,%s\r\n", PQgetvalue(res, i, E_DATE), PQgetvalue(res, i, E_SHA));
    }
    if (st == ST_OK && manifest.oom)
        st = ST_NOMEM;
    if (st == ST_OK)
        st = zipw_add(z, "manifest.csv", time(NULL), ZIPW_DEFLATE, manifest.data, manifest.len);
    if (st == ST_OK)
        st = zipw_finish(z);
    zipw_free(z);
    buf_free(&name);
    buf_free(&manifest);
    return st;
}

/* An unnamed temporary file in DATA_DIR/tmp: gone from the disk when its descriptor closes. */
static int temp_file(request *r)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tmp", r->app->cfg->data_dir);
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    char path[4200];
    snprintf(path, sizeof path, "%s/export-XXXXXX", dir);
    fd = mkostemp(path, O_CLOEXEC);
    if (fd >= 0)
        unlink(path);
    return fd;
}

static rstatus export(request *r, long long community_id, long long folder_id, const char *name)
{
    char cb[24], fb[24], vb[24];
    const char *params[] = {csql_id(cb, community_id), csql_id(fb, folder_id),
                            csql_id(vb, r->who ? r->who->user_id : 0)};
    PGresult *res;
    rstatus st = db_query(r->db, sql_entries, 3, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) > EXPORT_MAX_DOCUMENTS) {
        PQclear(res);
        return req_fail(r, ST_UNPROCESSABLE, "Export at most %d documents at once: export a folder.",
                        EXPORT_MAX_DOCUMENTS);
    }
    blob_store *bs;
    int fd = -1;
    if ((st = doc_blobs(r, &bs)) == ST_OK && (fd = temp_file(r)) < 0) {
        log_error("export: no temporary file: %s", strerror(errno));
        st = ST_UNAVAILABLE;
    }
    if (st == ST_OK)
        st = write_zip(r, res, fd, bs);
    int count = PQntuples(res);
    PQclear(res);
    struct stat sb;
    if (st == ST_OK && (lseek(fd, 0, SEEK_SET) != 0 || fstat(fd, &sb) != 0))
        st = ST_INTERNAL;
    if (st != ST_OK) {
        if (fd >= 0)
            close(fd);
        return st == ST_INTERNAL ? req_fail(r, st, "The export could not be written.") : st;
    }
    audit_ctx ctx = audit_ctx_of(r);
    json_t *detail = json_pack("{s:I, s:i}", "folder_id", (json_int_t)folder_id, "documents", count);
    st = audit_record(r->db, &ctx, "library.exported", folder_id ? "folder" : "community",
                      folder_id ? fb : cb, community_id, detail);
    json_decref(detail);
    buf disp = BUF_INIT;
    char *zipname = arena_printf(r->arena, "%s.zip", name);
    if (zipname)
        doc_content_disposition(zipname, false, &disp);
    if (st == ST_OK && (!zipname || disp.oom))
        st = ST_NOMEM;
    if (st == ST_OK)
        st = reply_header(r, "Content-Disposition", disp.data);
    buf_free(&disp);
    if (st != ST_OK) {
        close(fd);
        return st;
    }
    r->http_status = 200;
    r->content_type = "application/zip";
    r->cache_control = "private, no-store";
    r->reply_kind = REPLY_FD;
    r->reply_fd = fd;
    r->fd_offset = 0;
    r->reply_len = (size_t)sb.st_size;
    return ST_OK;
}

static rstatus name_of(request *r, const char *sql, long long id, char **out)
{
    char ib[24];
    const char *params[] = {csql_id(ib, id)};
    PGresult *res;
    rstatus st = db_query(r->db, sql, 1, params, &res);
    if (st != ST_OK)
        return st;
    char clean[DOC_FILENAME_MAX + 1];
    doc_filename_clean(PQntuples(res) ? PQgetvalue(res, 0, 0) : "", clean);
    PQclear(res);
    *out = arena_strdup(r->arena, clean);
    return *out ? ST_OK : ST_NOMEM;
}

rstatus document_http_export_community(request *r)
{
    community_facts f;
    rstatus st = community_http_load(r, false, &f);
    if (st != ST_OK || (st = community_http_require(r, &f, ACL_READ)) != ST_OK)
        return st;
    char *name;
    if ((st = name_of(r, sql_name_community, f.id, &name)) != ST_OK)
        return st;
    return export(r, f.id, 0, name);
}

rstatus document_http_export_folder(request *r)
{
    long long id, community_id;
    if (!req_param_id(r, "id", &id))
        return req_fail(r, ST_NOT_FOUND, "No such folder.");
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st == ST_OK)
        st = doc_folder_community(db, id, &community_id);
    if (st == ST_NOT_FOUND)
        return req_fail(r, st, "No such folder.");
    if (st != ST_OK)
        return st;
    char cid[24];
    community_facts f;
    snprintf(cid, sizeof cid, "%lld", community_id);
    if ((st = community_facts_load(db, r->who, cid, false, &f)) != ST_OK)
        return st == ST_NOT_FOUND ? req_fail(r, st, "No such folder.") : st;
    if (!acl_community_can(r->who, &f.acl, ACL_READ)) {
        char idb[24];
        snprintf(idb, sizeof idb, "%lld", id);
        return acl_deny(r, false, "folder", idb, "No such folder.");
    }
    char *name;
    if ((st = name_of(r, sql_name_folder, id, &name)) != ST_OK)
        return st;
    return export(r, community_id, id, name);
}
