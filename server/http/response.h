/* response.h - turning a request's reply into a libmicrohttpd response (headers, gzip, errors). */
#ifndef RELAIS_HTTP_RESPONSE_H
#define RELAIS_HTTP_RESPONSE_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

/* The Content-Security-Policy every response carries. */
extern const char http_csp[];

/*
 * Adds the security headers every response carries, errors and files included. framable:
 * the app's own pages may show it in a frame (inline PDFs); never for anything else.
 */
void http_add_security_headers(struct MHD_Response *resp, bool framable);

/* True when an Accept-Encoding value admits gzip (q > 0). NULL = no. */
bool http_accepts_gzip(const char *accept_encoding);

/* True when an If-None-Match value lists etag (or is "*"). Weak comparison. */
bool http_etag_matches(const char *if_none_match, const char *etag);

/* True for media types worth compressing (text, JSON, JS, CSS, SVG, XML). */
bool http_is_compressible(const char *content_type);

/*
 * Gzips len bytes of in. Returns a malloc'd buffer and its size in *outlen,
 * or NULL when out of memory or when compression would not save space.
 */
char *http_gzip(const void *in, size_t len, size_t *outlen);

/*
 * Builds the response for r from its reply fields, or the JSON error body when
 * r->status is not ST_OK. Sets r->http_status and r->bytes_sent. The caller
 * queues it and then drops its reference with MHD_destroy_response().
 * NULL only when out of memory (libmicrohttpd then closes the connection).
 */
struct MHD_Response *http_build_response(request *r);

#endif
