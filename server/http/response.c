/* response.c - headers every reply carries, gzip, ETags and the JSON error body. */
#include "http/response.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "router/router.h"
#include "util/json.h"
#include "util/log.h"

/* Smaller bodies fit in a packet or two; gzip would only cost CPU. */
#define GZIP_MIN_BYTES 1024

#define CSP_COMMON                                                                          \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "   \
    "font-src 'self'; connect-src 'self'; media-src 'self'; frame-src 'self'; "              \
    "object-src 'none'; base-uri 'none'; form-action 'self'; "

const char http_csp[] = CSP_COMMON "frame-ancestors 'none'";
/* Inline document content (PDFs) shown in a frame of the app's own pages. */
static const char http_csp_framable[] = CSP_COMMON "frame-ancestors 'self'";

void http_add_security_headers(struct MHD_Response *resp, bool framable)
{
    MHD_add_response_header(resp, "Content-Security-Policy", framable ? http_csp_framable : http_csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "X-Frame-Options", framable ? "SAMEORIGIN" : "DENY");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy",
                            "camera=(), microphone=(), geolocation=(), interest-cohort=()");
}

bool http_accepts_gzip(const char *ae)
{
    if (!ae)
        return false;
    const char *p = ae;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *tok = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        size_t tlen = (size_t)(p - tok);
        double q = 1.0;
        while (*p && *p != ',') {
            if (*p == ';') {
                p++;
                while (*p == ' ')
                    p++;
                if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
                    q = strtod(p + 2, NULL);
            } else {
                p++;
            }
        }
        if ((tlen == 4 && strncasecmp(tok, "gzip", 4) == 0) || (tlen == 1 && *tok == '*'))
            return q > 0;
    }
    return false;
}

bool http_etag_matches(const char *inm, const char *etag)
{
    if (!inm || !etag)
        return false;
    /* Compare opaque tags ignoring a W/ prefix on either side. */
    const char *e = strncmp(etag, "W/", 2) == 0 ? etag + 2 : etag;
    size_t elen = strlen(e);
    const char *p = inm;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (*p == '*')
            return true;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        const char *start = p;
        if (*p == '"') {
            const char *close = strchr(p + 1, '"');
            p = close ? close + 1 : p + strlen(p);
        } else {
            while (*p && *p != ',')
                p++;
        }
        if ((size_t)(p - start) == elen && memcmp(start, e, elen) == 0)
            return true;
    }
    return false;
}

bool http_is_compressible(const char *ct)
{
    if (!ct)
        return false;
    return strncmp(ct, "text/", 5) == 0 || strncmp(ct, "application/json", 16) == 0 ||
           strncmp(ct, "application/javascript", 22) == 0 ||
           strncmp(ct, "text/javascript", 15) == 0 || strncmp(ct, "image/svg+xml", 13) == 0 ||
           strncmp(ct, "application/xml", 15) == 0 ||
           strncmp(ct, "application/manifest+json", 25) == 0;
}

char *http_gzip(const void *in, size_t len, size_t *outlen)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* windowBits 15 + 16 asks zlib for a gzip wrapper. */
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    uLong bound = deflateBound(&zs, (uLong)len);
    char *out = malloc(bound);
    if (!out) {
        deflateEnd(&zs);
        return NULL;
    }
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)bound;
    int rc = deflate(&zs, Z_FINISH);
    size_t n = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END || n >= len) {
        free(out);
        return NULL;
    }
    *outlen = n;
    return out;
}

static const char *default_cache_control(const request *r)
{
    if (r->route && (r->route->flags & ROUTE_PUBLIC_CACHE))
        return "no-cache";
    /* Every API answer may carry personal data: never store it anywhere. */
    return "no-store";
}

static struct MHD_Response *error_response(request *r)
{
    buf b = BUF_INIT;
    json_render_error(&b, r->status, r->error_message);
    if (b.oom) {
        buf_free(&b);
        return NULL;
    }
    size_t len;
    char *data = buf_steal(&b, &len);
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(len, data, free);
    if (!resp) {
        free(data);
        return NULL;
    }
    r->http_status = status_http(r->status);
    r->bytes_sent = len;
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->status == ST_UNAVAILABLE || r->status == ST_NOMEM)
        MHD_add_response_header(resp, "Retry-After", "1");
    return resp;
}

static struct MHD_Response *body_response(request *r)
{
    struct MHD_Response *resp = NULL;
    const char *encoding = NULL;

    if (r->etag && http_etag_matches(req_header(r, "If-None-Match"), r->etag) &&
        r->http_status == 200) {
        r->http_status = 304;
        if (r->reply_kind == REPLY_BYTES) {
            free(r->reply_data);
            r->reply_data = NULL;
        }
        r->reply_kind = REPLY_NONE;
    }

    switch (r->reply_kind) {
    case REPLY_NONE:
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        r->bytes_sent = 0;
        break;
    case REPLY_BYTES:
    case REPLY_STATIC: {
        const void *data = r->reply_kind == REPLY_BYTES ? r->reply_data : r->static_data;
        size_t len = r->reply_len;
        if (r->compressible && len >= GZIP_MIN_BYTES &&
            http_accepts_gzip(req_header(r, "Accept-Encoding"))) {
            size_t zlen;
            char *z = http_gzip(data, len, &zlen);
            if (z) {
                if (r->reply_kind == REPLY_BYTES) {
                    free(r->reply_data);
                    r->reply_data = NULL;
                }
                r->reply_kind = REPLY_BYTES;
                r->reply_data = z;
                r->reply_len = len = zlen;
                data = z;
                encoding = "gzip";
            }
        }
        if (r->reply_kind == REPLY_BYTES) {
            resp = MHD_create_response_from_buffer_with_free_callback(len, r->reply_data, free);
            if (resp)
                r->reply_data = NULL;   /* libmicrohttpd owns it now */
        } else {
            resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
                                                   MHD_RESPMEM_PERSISTENT);
        }
        r->bytes_sent = len;
        break;
    }
    case REPLY_FD:
        resp = MHD_create_response_from_fd_at_offset64(r->reply_len, r->reply_fd, r->fd_offset);
        if (resp)
            r->reply_fd = -1;
        r->bytes_sent = r->reply_len;
        break;
    case REPLY_RESPONSE:
        resp = r->response;
        r->response = NULL;
        break;
    }
    if (!resp)
        return NULL;
    if (r->reply_kind != REPLY_RESPONSE) {
        if (r->content_type && r->reply_kind != REPLY_NONE)
            MHD_add_response_header(resp, "Content-Type", r->content_type);
        MHD_add_response_header(resp, "Cache-Control",
                                r->cache_control ? r->cache_control : default_cache_control(r));
        if (r->etag)
            MHD_add_response_header(resp, "ETag", r->etag);
        if (r->compressible)
            MHD_add_response_header(resp, "Vary", "Accept-Encoding");
        if (encoding)
            MHD_add_response_header(resp, "Content-Encoding", encoding);
    }
    return resp;
}

struct MHD_Response *http_build_response(request *r)
{
    struct MHD_Response *resp;
    if (r->status != ST_OK) {
        resp = error_response(r);
    } else {
        if (r->http_status == 0)
            r->http_status = 200;
        resp = body_response(r);
    }
    if (!resp) {
        log_error("out of memory building a response for %s %s", r->method, r->path);
        return NULL;
    }
    /* A prebuilt response (static files) is shared between connections and
     * already complete: adding to it here would race with other threads. */
    if (r->reply_kind == REPLY_RESPONSE && r->status == ST_OK)
        return resp;
    http_add_security_headers(resp, r->framable && r->status == ST_OK);
    for (int i = 0; i < r->nextra_headers; i++)
        MHD_add_response_header(resp, r->extra_headers[i].name, r->extra_headers[i].value);
    return resp;
}
