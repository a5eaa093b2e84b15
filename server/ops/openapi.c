/* openapi.c - GET /api/openapi.json from the copy embedded at build time. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>

#include "http/response.h"
#include "ops/ops.h"

static char etag[48];
static char *gzipped;       /* compressed once: the document never changes while we run */
static size_t gzipped_len;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void prepare(void)
{
    unsigned char hash[16];
    crypto_generichash(hash, sizeof hash, openapi_doc, openapi_doc_len, NULL, 0);
    char hex[sizeof hash * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    snprintf(etag, sizeof etag, "\"%s\"", hex);
    gzipped = http_gzip(openapi_doc, openapi_doc_len, &gzipped_len);
}

rstatus ops_openapi(request *r)
{
    pthread_once(&once, prepare);
    r->etag = etag;
    if (gzipped && http_accepts_gzip(req_header(r, "Accept-Encoding"))) {
        rstatus st = reply_static(r, 200, "application/json; charset=utf-8", gzipped, gzipped_len);
        r->compressible = false;    /* already compressed; the headers below say so */
        if (st == ST_OK)
            st = reply_header(r, "Content-Encoding", "gzip");
        if (st == ST_OK)
            st = reply_header(r, "Vary", "Accept-Encoding");
        return st;
    }
    rstatus st = reply_static(r, 200, "application/json; charset=utf-8", openapi_doc,
                              openapi_doc_len);
    r->compressible = false;
    return st == ST_OK ? reply_header(r, "Vary", "Accept-Encoding") : st;
}
