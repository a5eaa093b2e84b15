/* router.h - the one route table, path matching and the gate in front of every handler. */
#ifndef RELAIS_ROUTER_H
#define RELAIS_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

typedef rstatus (*route_handler)(request *r);

/* Who may call a route at all; finer rights are asked of access/ by the handler. */
enum route_auth {
    AUTH_PUBLIC,        /* anyone, signed in or not */
    AUTH_SESSION,       /* a signed-in user (session cookie or API token) */
    AUTH_ADMIN,         /* a signed-in platform administrator */
};

enum route_flags {
    ROUTE_INLINE = 1 << 0,      /* runs on the I/O thread: must never block (no db, no disk) */
    ROUTE_JSON = 1 << 1,        /* body, if any, must be application/json and is parsed */
    ROUTE_TEST_HOOK = 1 << 2,   /* exists only when RELAIS_TEST_HOOKS=1 */
    ROUTE_PUBLIC_CACHE = 1 << 3,/* reply may be cached (no "no-store") */
    ROUTE_LOOPBACK = 1 << 4,    /* operator endpoints (metrics): loopback unless configured */
    ROUTE_UPLOAD = 1 << 5,      /* body streamed to files (http/upload.h), gate run first */
    ROUTE_SEARCH_KEYS = 1 << 6, /* the session lookup reads the viewer's search keys too */
};

/* Body limit sentinels: the configured RELAIS_MAX_JSON_BODY, RELAIS_MAX_UPLOAD. */
#define BODY_JSON_LIMIT ((size_t)-1)
#define BODY_UPLOAD_LIMIT ((size_t)-2)

typedef struct route {
    const char *method;         /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *pattern;        /* "/api/communities/{id}": {x} matches one segment */
    enum route_auth auth;
    size_t body_limit;          /* bytes; 0 = no body accepted */
    unsigned flags;
    route_handler handler;
    /*
     * ROUTE_UPLOAD only, optional: runs after the gate and before a single byte
     * of the body is accepted (e.g. "may this user add a document to this
     * folder?"), so that refused uploads cost nothing. NULL = the gate alone.
     */
    route_handler precheck;
} route;

/* The table (routes.c). */
extern const route router_routes[];
extern const int router_nroutes;

/* Pseudo-routes for metrics: requests no table row answered. */
enum {
    ROUTE_INDEX_STATIC = -1,    /* a file under web/ or the app's index page */
    ROUTE_INDEX_UNMATCHED = -2, /* 404 / 405 before any handler */
};

enum router_result { ROUTER_MATCH, ROUTER_NO_PATH, ROUTER_BAD_METHOD };

/*
 * Finds the route for method and path. On ROUTER_MATCH sets *index and fills
 * params (values are allocated from a, names point into the table). On
 * ROUTER_BAD_METHOD writes the methods the path accepts ("GET, HEAD, POST")
 * into allow. Test-hook routes take part only when test_hooks is true.
 * HEAD matches GET routes. Thread-safe (the table is constant).
 */
enum router_result router_match(const char *method, const char *path, bool test_hooks,
                                arena *a, int *index, kv *params, int *nparams,
                                char *allow, size_t allow_size);

/*
 * Does path match pattern? {name} matches one non-empty segment; captured values
 * are allocated from a and stored in params (when params is not NULL).
 */
bool router_pattern_match(const char *pattern, const char *path, arena *a, kv *params,
                          int *nparams);

/*
 * The gate: checks everything the route row declares before the handler runs
 * (authentication, admin role, loopback-only, JSON body). Returns ST_OK or the
 * failure to answer with. Runs on a worker thread unless the route is inline.
 */
rstatus gate_check(request *r);

/* Runs the gate (unless it already ran), then the handler; the single entry point. */
rstatus router_dispatch(request *r);

/* For ROUTE_UPLOAD, before the body: the gate, then the route's precheck if any. */
rstatus router_precheck(request *r);

#endif
