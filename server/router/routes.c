/* routes.c - every HTTP route of Relais, one row each. Static files are served
 * for GET paths no row claims (http/static.c). Keep docs/openapi.json in step:
 * a unit test compares the two. */
#include "ops/metrics.h"
#include "ops/ops.h"
#include "router/router.h"

#define KiB 1024

/* Rows leave out the trailing optional fields (precheck); they are NULL. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

const route router_routes[] = {
    /* method   pattern                 auth          body limit       flags                                handler */
    {"GET",  "/healthz",                AUTH_PUBLIC,  0,               0,                                   ops_healthz},
    {"GET",  "/metrics",                AUTH_PUBLIC,  0,               ROUTE_INLINE | ROUTE_LOOPBACK,       ops_metrics},
    {"GET",  "/api/openapi.json",       AUTH_PUBLIC,  0,               ROUTE_INLINE | ROUTE_PUBLIC_CACHE,   ops_openapi},

    /* auth/: sessions, me, password, API tokens, reset and verification (handlers in auth/) */

    /* community/: communities, members, join requests, invitations (handlers in community/) */

    /* people/: organisations, directory, profiles, photos, admin users, audit (people/, audit/) */

    {"GET",  "/api/_test/sleep",        AUTH_PUBLIC,  0,               ROUTE_TEST_HOOK,                     test_sleep},
    {"GET",  "/api/_test/fail",         AUTH_PUBLIC,  0,               ROUTE_TEST_HOOK,                     test_fail},
    {"POST", "/api/_test/echo",         AUTH_PUBLIC,  64 * KiB,        ROUTE_TEST_HOOK | ROUTE_JSON,        test_echo},
    {"PUT",  "/api/_test/upload",       AUTH_PUBLIC,  BODY_UPLOAD_LIMIT, ROUTE_TEST_HOOK | ROUTE_UPLOAD,    test_upload, test_upload_precheck},
    {"POST", "/api/_test/upload",       AUTH_PUBLIC,  BODY_UPLOAD_LIMIT, ROUTE_TEST_HOOK | ROUTE_UPLOAD,    test_upload, test_upload_precheck},
};

const int router_nroutes = (int)(sizeof router_routes / sizeof router_routes[0]);
