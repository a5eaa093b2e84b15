/* openapi.c - GET /api/openapi.json from the copy embedded at build time. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>

#include "ops/ops.h"

static char etag[48];
static pthread_once_t etag_once = PTHREAD_ONCE_INIT;

static void compute_etag(void)
{
    unsigned char hash[16];
    crypto_generichash(hash, sizeof hash, openapi_doc, openapi_doc_len, NULL, 0);
    char hex[sizeof hash * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    snprintf(etag, sizeof etag, "\"%s\"", hex);
}

rstatus ops_openapi(request *r)
{
    pthread_once(&etag_once, compute_etag);
    r->etag = etag;
    return reply_static(r, 200, "application/json; charset=utf-8", openapi_doc, openapi_doc_len);
}
