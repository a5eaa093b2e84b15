/* ops.h - operational endpoints: health, API description, test hooks. */
#ifndef RELAIS_OPS_H
#define RELAIS_OPS_H

#include "http/request.h"

/* GET /healthz: 200 when the database answers, 503 otherwise. */
rstatus ops_healthz(request *r);

/* GET /api/openapi.json: the embedded OpenAPI document. */
rstatus ops_openapi(request *r);

/* The embedded document (generated from docs/openapi.json at build time). */
extern const unsigned char openapi_doc[];
extern const size_t openapi_doc_len;

/*
 * Test hooks, routed only when RELAIS_TEST_HOOKS=1 (ROUTE_TEST_HOOK): they let
 * the API tests provoke what real traffic rarely does on demand.
 */
rstatus test_sleep(request *r);     /* GET /api/_test/sleep?seconds=N: SELECT pg_sleep(N) */
rstatus test_fail(request *r);      /* GET /api/_test/fail: an internal error (500) */
rstatus test_echo(request *r);      /* POST /api/_test/echo: returns the parsed JSON body */
rstatus test_upload(request *r);    /* PUT|POST /api/_test/upload: describes the streamed files */
rstatus test_upload_precheck(request *r);

#endif
