/* server.h - the HTTP server: libmicrohttpd daemon, worker threads, request lifecycle. */
#ifndef RELAIS_HTTP_SERVER_H
#define RELAIS_HTTP_SERVER_H

#include <stdbool.h>

#include "app.h"

/*
 * Starts listening and serving with a->cfg, a->pool and a->web already set.
 * Creates a->workers and a->daemon. Returns 0, or -1 (logged).
 * See README.md in this folder for the thread model.
 */
int http_server_start(app *a);

/* The TCP port actually bound (useful with port 0). */
int http_server_port(app *a);

/*
 * Graceful stop: stops accepting connections, lets requests in flight finish
 * for up to timeout_s seconds, then closes every connection and joins all
 * threads. Returns true when everything finished in time; false means some
 * request was still running (the caller should then exit without cleanup).
 */
bool http_server_stop(app *a, int timeout_s);

#endif
