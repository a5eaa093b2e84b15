/* static.c - in-memory cache of web/ with shared, prebuilt responses. */
#include "http/static.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http/response.h"
#include "util/log.h"

#define MAX_PATH_BYTES 1024
#define MAX_CACHED_FILE (8u << 20)
#define NBUCKETS 512

struct entry {
    struct entry *next;
    char *path;                 /* relative, e.g. "js/app.js" */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    time_t checked;             /* coarse monotonic seconds */
    size_t len;                 /* bytes of the plain body */
    char etag[48];
    struct MHD_Response *plain, *gzipped, *not_modified;
};

struct static_files {
    char *dir;
    int dirfd;
    pthread_rwlock_t lock;
    struct entry *buckets[NBUCKETS];
};

static const struct {
    const char *ext;
    const char *type;
} mime_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"webmanifest", "application/manifest+json; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"txt", "text/plain; charset=utf-8"},
    {"pdf", "application/pdf"},
};

static const char *mime_for(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++)
            if (strcasecmp(dot + 1, mime_types[i].ext) == 0)
                return mime_types[i].type;
    return "application/octet-stream";
}

static unsigned hash_path(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % NBUCKETS;
}

static time_t coarse_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return ts.tv_sec;
}

/*
 * Accepts "a/b.css"-style paths only: segments of printable characters, none
 * empty, none starting with a dot (so no "..", no ".git"), no backslash.
 */
bool static_path_is_safe(const char *p)
{
    size_t len = strlen(p);
    if (len == 0 || len > MAX_PATH_BYTES)
        return false;
    bool seg_start = true;
    for (const char *c = p; *c; c++) {
        unsigned char ch = (unsigned char)*c;
        if (ch < 0x20 || ch == 0x7f || ch == '\\')
            return false;
        if (ch == '/') {
            if (seg_start)
                return false;   /* empty segment */
            seg_start = true;
            continue;
        }
        if (seg_start && ch == '.')
            return false;
        seg_start = false;
    }
    return !seg_start;          /* no trailing slash */
}

static void entry_drop_responses(struct entry *e)
{
    if (e->plain)
        MHD_destroy_response(e->plain);
    if (e->gzipped)
        MHD_destroy_response(e->gzipped);
    if (e->not_modified)
        MHD_destroy_response(e->not_modified);
    e->plain = e->gzipped = e->not_modified = NULL;
}

static void add_common(struct MHD_Response *resp, const struct entry *e, const char *type,
                       bool compressible)
{
    http_add_security_headers(resp, false);
    MHD_add_response_header(resp, "ETag", e->etag);
    /* Names carry no content hash, so browsers must revalidate (cheap: 304). */
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    if (type)
        MHD_add_response_header(resp, "Content-Type", type);
    if (compressible)
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
}

/* Reads the file at fd into e's responses. Returns 0 or -1 (errno-ish, logged). */
static int entry_load(struct entry *e, int fd, const struct stat *st)
{
    if (st->st_size > (off_t)MAX_CACHED_FILE) {
        log_warn("static file %s is larger than %u bytes; not served", e->path, MAX_CACHED_FILE);
        return -1;
    }
    size_t len = (size_t)st->st_size;
    char *data = malloc(len ? len : 1);
    if (!data)
        return -1;
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, data + got, len - got, (off_t)got);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            free(data);
            return -1;
        }
        got += (size_t)n;
    }

    unsigned char hash[crypto_generichash_BYTES_MIN];
    crypto_generichash(hash, sizeof hash, (unsigned char *)data, len, NULL, 0);
    char hex[sizeof hash * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    snprintf(e->etag, sizeof e->etag, "\"%.24s\"", hex);

    const char *type = mime_for(e->path);
    bool compressible = http_is_compressible(type);
    size_t zlen = 0;
    char *z = compressible && len >= 256 ? http_gzip(data, len, &zlen) : NULL;

    entry_drop_responses(e);
    e->plain = MHD_create_response_from_buffer_with_free_callback(len, data, free);
    if (!e->plain) {
        free(data);
        free(z);
        return -1;
    }
    add_common(e->plain, e, type, z != NULL);
    if (z) {
        e->gzipped = MHD_create_response_from_buffer_with_free_callback(zlen, z, free);
        if (e->gzipped) {
            add_common(e->gzipped, e, type, true);
            MHD_add_response_header(e->gzipped, "Content-Encoding", "gzip");
        } else {
            free(z);
        }
    }
    e->not_modified = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (e->not_modified)
        add_common(e->not_modified, e, NULL, z != NULL);
    e->len = len;
    e->dev = st->st_dev;
    e->ino = st->st_ino;
    e->size = st->st_size;
    e->mtime = st->st_mtim;
    return 0;
}

static struct entry *find(static_files *s, const char *path)
{
    for (struct entry *e = s->buckets[hash_path(path)]; e; e = e->next)
        if (strcmp(e->path, path) == 0)
            return e;
    return NULL;
}

static bool same_file(const struct entry *e, const struct stat *st)
{
    return e->plain && e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
           e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/*
 * Returns the entry for path, loading or refreshing it as needed, or NULL when
 * there is no such regular file. Called with no lock held.
 */
static struct entry *lookup(static_files *s, const char *path)
{
    time_t now = coarse_now();
    pthread_rwlock_rdlock(&s->lock);
    struct entry *e = find(s, path);
    if (e && e->checked == now && e->plain) {
        pthread_rwlock_unlock(&s->lock);
        return e;   /* entries are never freed while serving; responses are refcounted */
    }
    pthread_rwlock_unlock(&s->lock);

    pthread_rwlock_wrlock(&s->lock);
    e = find(s, path);
    if (e && e->checked == now && e->plain)
        goto out;
    int fd = openat(s->dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        if (e)
            entry_drop_responses(e);    /* deleted: stop serving it */
        e = NULL;
        goto out;
    }
    if (!e) {
        e = calloc(1, sizeof *e);
        if (e)
            e->path = strdup(path);
        if (!e || !e->path) {
            free(e);
            close(fd);
            e = NULL;
            goto out;
        }
        unsigned h = hash_path(path);
        e->next = s->buckets[h];
        s->buckets[h] = e;
    }
    if (!same_file(e, &st) && entry_load(e, fd, &st) != 0)
        entry_drop_responses(e);
    close(fd);
    e->checked = now;
    if (!e->plain)
        e = NULL;
out:
    pthread_rwlock_unlock(&s->lock);
    return e;
}

static_files *static_open(const char *dir)
{
    static_files *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->dirfd < 0) {
        log_error("cannot open web directory %s: %s", dir, strerror(errno));
        free(s);
        return NULL;
    }
    s->dir = strdup(dir);
    pthread_rwlock_init(&s->lock, NULL);
    return s;
}

void static_close(static_files *s)
{
    if (!s)
        return;
    for (int i = 0; i < NBUCKETS; i++) {
        struct entry *e = s->buckets[i];
        while (e) {
            struct entry *next = e->next;
            entry_drop_responses(e);
            free(e->path);
            free(e);
            e = next;
        }
    }
    close(s->dirfd);
    pthread_rwlock_destroy(&s->lock);
    free(s->dir);
    free(s);
}

static bool looks_like_client_route(const char *path)
{
    const char *last = strrchr(path, '/');
    last = last ? last + 1 : path;
    return strchr(last, '.') == NULL;
}

rstatus static_serve(static_files *s, request *r)
{
    const char *rel = r->path[0] == '/' ? r->path + 1 : r->path;
    struct entry *e = NULL;
    if (*rel == '\0')
        rel = "index.html";
    if (static_path_is_safe(rel))
        e = lookup(s, rel);
    if (!e && looks_like_client_route(r->path) && strncmp(r->path, "/api/", 5) != 0)
        e = lookup(s, "index.html");
    if (!e)
        return req_fail(r, ST_NOT_FOUND, "No file at %s.", r->path);

    /* Queue while the read lock keeps a concurrent reload from dropping the
     * response: queuing takes libmicrohttpd's own reference. */
    pthread_rwlock_rdlock(&s->lock);
    struct MHD_Response *resp;
    if (!e->plain) {
        pthread_rwlock_unlock(&s->lock);
        return req_fail(r, ST_NOT_FOUND, "No file at %s.", r->path);
    }
    if (http_etag_matches(req_header(r, "If-None-Match"), e->etag)) {
        resp = e->not_modified;
        r->http_status = 304;
        r->bytes_sent = 0;
    } else if (e->gzipped && http_accepts_gzip(req_header(r, "Accept-Encoding"))) {
        resp = e->gzipped;
        r->http_status = 200;
        r->bytes_sent = e->len;     /* the uncompressed size */
    } else {
        resp = e->plain;
        r->http_status = 200;
        r->bytes_sent = e->len;
    }
    enum MHD_Result ok = resp ? MHD_queue_response(r->conn, (unsigned)r->http_status, resp) : MHD_NO;
    pthread_rwlock_unlock(&s->lock);
    if (ok != MHD_YES)
        return ST_NOMEM;
    r->reply_kind = REPLY_RESPONSE;
    r->response = NULL;
    return ST_OK;
}
