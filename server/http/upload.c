/* upload.c - streaming request bodies into temporary files with a running SHA-256. */
#include "http/upload.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include "store/blob.h"
#include "util/log.h"

/*
 * Every this many bytes written, the kernel is asked to start writing them to
 * disk (sync_file_range, SYNC_FILE_RANGE_WRITE: it queues the writeback and
 * returns). Without it the whole file sits dirty in the page cache until
 * blob_put_file()'s fsync, which then waits for all of it at once while the
 * client waits for its answer; with it the disk works while the body streams
 * in and the fsync finds little left to do.
 */
#define WRITEBACK_EVERY (8u << 20)

/*
 * Body chunks arrive in libmicrohttpd's read buffer, about 32 KiB at a time and
 * at no particular alignment. They are gathered here and written STAGE_BYTES
 * at a time, at offsets that are multiples of it: 32 times fewer write(2)s,
 * and the page cache holds the file in large folios instead of scattered
 * pages, which makes every later download of the blob (sendfile) cheaper: on
 * the reference machine 0.5 ms of CPU per 10 MiB sent, against 0.9 ms for a
 * file written in the 32,446-byte pieces libmicrohttpd hands over. The copy
 * costs ~0.1 s per GiB. One buffer per request that uploads, allocated at its
 * first file and freed with the request.
 */
#define STAGE_BYTES (256u << 10)

struct impl {
    struct MHD_PostProcessor *pp;   /* NULL for a raw body */
    blob_hasher *hash;
    char *stage;                    /* STAGE_BYTES, the current file's bytes not yet written */
    size_t staged;
    unsigned long long written;     /* bytes of the current file written to it */
    unsigned long long queued;      /* ... and handed to writeback */
    int current;                    /* index of the file being written, -1 = none */
    const char *tmp_dir;
    buf field;                      /* the text field being read */
    const char *field_name;
};

static void fail(upload *u, rstatus st, const char *msg)
{
    if (u->error == ST_OK) {
        u->error = st;
        u->error_message = msg;
    }
}

/* Writes (and hashes) what is staged for the current file. */
static void flush_stage(upload *u, struct impl *im)
{
    upload_file *f = &u->files[im->current];
    const char *data = im->stage;
    size_t len = im->staged;
    im->staged = 0;
    if (u->error != ST_OK)
        return;
    blob_hasher_update(im->hash, data, len);
    while (len > 0) {
        ssize_t n = write(f->fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            log_error("writing upload %s: %s", f->path, strerror(errno));
            fail(u, errno == ENOSPC ? ST_UNAVAILABLE : ST_INTERNAL,
                 errno == ENOSPC ? "The server's disk is full." : "Could not write the upload to disk.");
            return;
        }
        data += n;
        len -= (size_t)n;
        im->written += (unsigned long long)n;
    }
    if (im->written - im->queued >= WRITEBACK_EVERY) {
        /* Best effort: on failure the fsync at the end still does it all. */
        (void)sync_file_range(f->fd, (off_t)im->queued, (off_t)(im->written - im->queued),
                              SYNC_FILE_RANGE_WRITE);
        im->queued = im->written;
    }
}

static void close_current(upload *u, struct impl *im)
{
    if (im->current < 0)
        return;
    upload_file *f = &u->files[im->current];
    flush_stage(u, im);
    blob_hasher_final(im->hash, f->sha256);
    /* f->fd stays open, and its lock held, until upload_cleanup(): see open_file(). */
    im->current = -1;
}

static upload_file *open_file(request *r, const char *field, const char *filename,
                              const char *type)
{
    upload *u = r->upload;
    struct impl *im = u->impl;
    close_current(u, im);
    if (u->nfiles >= UPLOAD_MAX_FILES) {
        fail(u, ST_PAYLOAD_TOO_LARGE, "Too many files in one request (at most 100).");
        return NULL;
    }
    upload_file *f = &u->files[u->nfiles];
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s/upload-XXXXXX", im->tmp_dir);
    f->fd = mkostemp(f->path, O_CLOEXEC);
    if (f->fd < 0) {
        log_error("cannot create a temporary upload file in %s: %s", im->tmp_dir, strerror(errno));
        f->path[0] = '\0';
        fail(u, ST_UNAVAILABLE, "The server cannot store uploads right now.");
        return NULL;
    }
    /* Held until the request ends: blob_sweep_tmp() never deletes a locked file, so an
     * upload that stalls, or waits long for its worker, keeps its file whatever the
     * sweeper's grace period. A fresh file cannot be locked by anyone else. */
    if (flock(f->fd, LOCK_SH | LOCK_NB) != 0)
        log_warn("cannot lock the temporary upload %s: %s", f->path, strerror(errno));
    f->field = arena_strdup(r->arena, field ? field : "");
    f->filename = arena_strdup(r->arena, filename ? filename : "");
    f->client_type = arena_strdup(r->arena, type ? type : "");
    u->nfiles++;
    im->current = u->nfiles - 1;
    im->staged = 0;
    im->written = im->queued = 0;
    return f;
}

static void write_current(upload *u, struct impl *im, const char *data, size_t len)
{
    if (im->current < 0 || u->error != ST_OK)
        return;
    upload_file *f = &u->files[im->current];
    if (f->size + len > u->max_file) {
        fail(u, ST_PAYLOAD_TOO_LARGE, "A file is larger than the upload limit.");
        return;
    }
    if (!im->stage && !(im->stage = malloc(STAGE_BYTES))) {
        fail(u, ST_NOMEM, "Out of memory reading the upload.");
        return;
    }
    f->size += len;
    while (len > 0 && u->error == ST_OK) {
        size_t n = STAGE_BYTES - im->staged;
        if (n > len)
            n = len;
        memcpy(im->stage + im->staged, data, n);
        im->staged += n;
        data += n;
        len -= n;
        if (im->staged == STAGE_BYTES)
            flush_stage(u, im);
    }
}

static void end_field(request *r, struct impl *im)
{
    upload *u = r->upload;
    if (!im->field_name)
        return;
    if (u->nfields < (int)(sizeof u->fields / sizeof u->fields[0])) {
        u->fields[u->nfields].name = im->field_name;
        u->fields[u->nfields].value = arena_strndup(r->arena, im->field.data ? im->field.data : "",
                                                    im->field.len);
        u->nfields++;
    } else {
        fail(u, ST_PAYLOAD_TOO_LARGE, "Too many form fields.");
    }
    im->field_name = NULL;
    buf_reset(&im->field);
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    request *r = cls;
    upload *u = r->upload;
    struct impl *im = u->impl;
    if (u->error != ST_OK)
        return MHD_YES;     /* keep consuming, store nothing */
    if (filename) {
        if (off == 0) {
            end_field(r, im);
            if (!open_file(r, key, filename, content_type))
                return MHD_YES;
        }
        write_current(u, im, data, size);
        return MHD_YES;
    }
    /* A text field: MHD passes it in pieces with increasing offsets. */
    if (off == 0) {
        close_current(u, im);
        end_field(r, im);
        im->field_name = arena_strdup(r->arena, key ? key : "");
    }
    u->field_bytes += size;
    if (u->field_bytes > UPLOAD_MAX_FIELD_BYTES) {
        fail(u, ST_PAYLOAD_TOO_LARGE, "Form fields are larger than 64 KiB.");
        return MHD_YES;
    }
    buf_append(&im->field, data, size);
    return MHD_YES;
}

static void free_impl(void *p)
{
    struct impl *im = p;
    if (im->pp)
        MHD_destroy_post_processor(im->pp);
    blob_hasher_free(im->hash);
    free(im->stage);
    buf_free(&im->field);
    free(im);
}

rstatus upload_begin(request *r, const char *tmp_dir, unsigned long long max_file)
{
    upload *u = arena_calloc(r->arena, 1, sizeof *u);
    struct impl *im = calloc(1, sizeof *im);
    if (!u || !im) {
        free(im);
        return ST_NOMEM;
    }
    if (arena_defer(r->arena, free_impl, im) != 0)
        return ST_NOMEM;
    im->current = -1;
    im->tmp_dir = arena_strdup(r->arena, tmp_dir);
    im->hash = blob_hasher_new();
    if (!im->tmp_dir || !im->hash)
        return ST_NOMEM;
    u->impl = im;
    u->max_file = max_file;
    r->upload = u;
    const char *ct = req_header(r, "Content-Type");
    if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0) {
        im->pp = MHD_create_post_processor(r->conn, 64 * 1024, on_part, r);
        if (!im->pp)
            return req_fail(r, ST_BAD_REQUEST, "Malformed multipart/form-data (no boundary?).");
    } else if (!open_file(r, "", req_header(r, "X-File-Name"), ct)) {
        return u->error != ST_OK ? req_fail(r, u->error, "%s", u->error_message) : ST_NOMEM;
    }
    return ST_OK;
}

void upload_feed(request *r, const char *data, size_t len)
{
    upload *u = r->upload;
    struct impl *im = u->impl;
    if (u->error != ST_OK)
        return;
    if (im->pp) {
        if (MHD_post_process(im->pp, data, len) != MHD_YES)
            fail(u, ST_BAD_REQUEST, "Malformed multipart/form-data body.");
    } else {
        write_current(u, im, data, len);
    }
}

rstatus upload_end(request *r)
{
    upload *u = r->upload;
    struct impl *im = u->impl;
    close_current(u, im);
    end_field(r, im);
    if (u->error != ST_OK)
        return req_fail(r, u->error, "%s", u->error_message);
    return ST_OK;
}

void upload_cleanup(request *r)
{
    upload *u = r->upload;
    if (!u)
        return;
    for (int i = 0; i < u->nfiles; i++) {
        upload_file *f = &u->files[i];
        if (f->fd >= 0) {
            close(f->fd);
            f->fd = -1;
        }
        if (!f->claimed && f->path[0]) {
            unlink(f->path);
            f->path[0] = '\0';
        }
    }
}

upload_file *upload_first(request *r)
{
    return r->upload && r->upload->nfiles > 0 ? &r->upload->files[0] : NULL;
}

const char *upload_field(const request *r, const char *name)
{
    if (!r->upload)
        return NULL;
    for (int i = 0; i < r->upload->nfields; i++)
        if (strcmp(r->upload->fields[i].name, name) == 0)
            return r->upload->fields[i].value;
    return NULL;
}
