/* static.h - the browser app's files from web/, cached in memory with prebuilt responses. */
#ifndef RELAIS_HTTP_STATIC_H
#define RELAIS_HTTP_STATIC_H

#include "http/request.h"

/*
 * Files are looked up only by validated relative paths (no "..", no hidden
 * names, no backslashes) below the web directory, so nothing outside it can be
 * served. Each file is read once into memory with its ETag and, when it pays,
 * a gzip copy; the libmicrohttpd responses are built once and shared by every
 * connection (they are reference-counted). A file is re-checked against the
 * disk at most once a second so edits show up without a restart.
 * Thread-safe.
 */
typedef struct static_files static_files;

static_files *static_open(const char *dir);
void static_close(static_files *s);

/*
 * Answers a GET/HEAD for r->path: the file, 304 when If-None-Match matches,
 * the app's index.html for a client-side route (a path whose last segment has
 * no dot), or ST_NOT_FOUND. On ST_OK the response is already queued on
 * r->conn (the caller must not queue another); on failure nothing is queued.
 * Never blocks for long: one stat a second per file, a read when it changed.
 */
rstatus static_serve(static_files *s, request *r);

/*
 * True for "css/app.css"-style relative paths: printable, no empty segment, no
 * segment starting with a dot (so no "..", no ".git"), no backslash, at most
 * 1024 bytes. Exposed for the unit and fuzz tests.
 */
bool static_path_is_safe(const char *path);

#endif
