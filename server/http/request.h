/* request.h - one HTTP request as handlers see it, and the calls that build the reply. */
#ifndef RELAIS_HTTP_REQUEST_H
#define RELAIS_HTTP_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "db/pool.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/status.h"

struct app;
struct route;
struct principal;
struct upload;
struct MHD_Connection;
struct MHD_Response;

typedef struct kv {
    const char *name;
    const char *value;
} kv;

enum reply_kind { REPLY_NONE, REPLY_BYTES, REPLY_STATIC, REPLY_FD, REPLY_RESPONSE };

#define REQUEST_MAX_PARAMS 8
#define REQUEST_MAX_EXTRA_HEADERS 16

/*
 * Everything about one request lives here and in r->arena; both are freed
 * together when libmicrohttpd reports the request complete. A request is
 * touched by one thread at a time: the I/O thread until it is handed to a
 * worker, the worker until it resumes the connection, then the I/O thread.
 * Handlers read the decoded input (params, query, headers, json) and build the
 * reply with the reply_* calls; they never touch libmicrohttpd.
 */
typedef struct request {
    arena *arena;
    struct app *app;
    struct MHD_Connection *conn;
    struct timespec started;

    const char *method;         /* "GET", "POST", ... (HEAD is routed as GET) */
    bool is_head;
    const char *path;           /* percent-decoded, without the query string */
    const struct route *route;  /* NULL for static files */
    int route_index;            /* for metrics; see router.h for the pseudo-routes */
    kv params[REQUEST_MAX_PARAMS];
    int nparams;
    kv *headers;                /* copied from the connection; names as sent */
    int nheaders;
    kv *query;
    int nquery;
    char client_ip[64];
    bool client_is_loopback;

    buf body;
    size_t body_limit;
    unsigned long long body_received;   /* bytes of body seen (uploads are not buffered) */
    bool body_too_large;
    json_t *json;               /* parsed body for routes that take JSON */
    struct upload *upload;      /* ROUTE_UPLOAD: the body as files (http/upload.h) */
    bool gate_passed;           /* the gate already ran (before an upload) */

    db_conn *db;                /* acquired on first use by req_db() */
    struct principal *who;      /* the authenticated caller, NULL = anonymous (auth/) */

    /* The reply. */
    int http_status;
    rstatus status;             /* ST_OK unless the request failed */
    const char *error_message;  /* detail for the error body; NULL = default */
    enum reply_kind reply_kind;
    const char *content_type;
    char *reply_data;           /* REPLY_BYTES: malloc'd, handed to libmicrohttpd */
    const void *static_data;    /* REPLY_STATIC: outlives the request */
    size_t reply_len;
    int reply_fd;               /* REPLY_FD: closed by libmicrohttpd */
    unsigned long long fd_offset;
    struct MHD_Response *response;  /* REPLY_RESPONSE, or the built response */
    const char *etag;
    const char *cache_control;  /* NULL = the route's default */
    bool compressible;
    bool framable;              /* our own pages may frame it (inline PDFs): response.c */
    kv extra_headers[REQUEST_MAX_EXTRA_HEADERS];
    int nextra_headers;
    size_t bytes_sent;          /* body bytes of the reply, for the access log */
    const char *user_label;     /* who, for the access log, once auth exists */

    int phase;                  /* server.c's state machine */
} request;

/* Value of a request header (case-insensitive name) or NULL. */
const char *req_header(const request *r, const char *name);
/* Value of a query-string argument or NULL. */
const char *req_query(const request *r, const char *name);
/* Value of a {name} path parameter or NULL. */
const char *req_param(const request *r, const char *name);

/*
 * Parses a positive id: decimal digits, no sign, no leading zero, at most 2^53
 * (ids travel as JSON numbers, exact in every client). NULL and "" are not ids.
 */
bool req_parse_id(const char *s, long long *out);

/* req_parse_id() of a {name} path parameter. */
bool req_param_id(const request *r, const char *name, long long *out);

/*
 * An integer query argument in [min, max]; def when absent or empty. A bad
 * value fails the request (400, naming the argument) and is returned.
 */
rstatus req_query_int(request *r, const char *name, long long def, long long min, long long max,
                      long long *out);

/*
 * The request's database connection, acquired from the pool on first call and
 * released by the server as soon as the handler returns (never held while the
 * reply is sent). ST_UNAVAILABLE when the database cannot be reached.
 */
rstatus req_db(request *r, db_conn **out);

/* Record a failure with a formatted detail message; returns st for `return req_fail(...)`. */
rstatus req_fail(request *r, rstatus st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reply with v rendered as JSON; takes ownership of v (steals the reference). */
rstatus reply_json(request *r, int http_status, json_t *v);
/* Reply with a copy of data. */
rstatus reply_bytes(request *r, int http_status, const char *content_type, const void *data,
                    size_t len);
/* Reply with data that outlives the request (embedded files); not copied. */
rstatus reply_static(request *r, int http_status, const char *content_type, const void *data,
                     size_t len);
/* Reply with no body (204, 304). */
rstatus reply_empty(request *r, int http_status);
/* Add a response header; name and value are copied. */
rstatus reply_header(request *r, const char *name, const char *value);

#endif
