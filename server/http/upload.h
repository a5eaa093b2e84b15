/* upload.h - request bodies streamed straight to temporary files (raw PUT or multipart). */
#ifndef RELAIS_HTTP_UPLOAD_H
#define RELAIS_HTTP_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

/*
 * Routes flagged ROUTE_UPLOAD never hold their body in memory. On the I/O
 * thread, each chunk is appended to a temporary file under DATA_DIR/tmp and
 * fed to a running SHA-256 (store/blob.h's hasher), so memory stays flat
 * whatever the size; every 8 MiB the kernel is told to start writing to disk,
 * so blob_put_file()'s fsync has little left to wait for. A raw body
 * (PUT with any content type) becomes one file; multipart/form-data becomes one
 * file per file part plus small text fields (64 KiB in all). The handler, on a
 * worker, finds them in r->upload; it takes a file by renaming upload_file.path
 * elsewhere and setting claimed; every unclaimed file is deleted when the
 * request ends, whatever happened. Each file is held under a shared flock(2)
 * until then, which is how blob_sweep_tmp() knows it is in use.
 */
#define UPLOAD_MAX_FILES 100
#define UPLOAD_MAX_FIELD_BYTES (64 * 1024)

typedef struct upload_file {
    const char *field;          /* form field name; "" for a raw body */
    const char *filename;       /* as the client sent it: untrusted, never a path */
    const char *client_type;    /* as the client sent it: untrusted, never trusted */
    char path[512];             /* the temporary file */
    int fd;                     /* the file, open (and flock'ed) until the request ends */
    unsigned long long size;
    unsigned char sha256[32];
    bool claimed;
} upload_file;

typedef struct upload {
    upload_file files[UPLOAD_MAX_FILES];
    int nfiles;
    kv fields[32];
    int nfields;
    size_t field_bytes;
    unsigned long long max_file;    /* bytes per file */
    rstatus error;                  /* first failure; the rest of the body is discarded */
    const char *error_message;
    void *impl;                     /* hashing state, post processor (upload.c) */
} upload;

/* Prepares r->upload for the body to come (on the first callback). ST_OK or a failure. */
rstatus upload_begin(request *r, const char *tmp_dir, unsigned long long max_file);

/* Consumes one chunk of body (I/O thread). Errors are recorded in r->upload. */
void upload_feed(request *r, const char *data, size_t len);

/* The body ended: closes files, finishes hashes. Returns r->upload->error or ST_OK. */
rstatus upload_end(request *r);

/* Closes and deletes whatever was not claimed. Safe to call more than once. */
void upload_cleanup(request *r);

/* The first uploaded file, or NULL. */
upload_file *upload_first(request *r);

/* Value of a small form field, or NULL. */
const char *upload_field(const request *r, const char *name);

#endif
