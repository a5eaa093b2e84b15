/* server.c - the request funnel: accept, route, read body, hand to a worker, reply, log. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/response.h"
#include "http/static.h"
#include "http/upload.h"
#include "ops/metrics.h"
#include "router/router.h"
#include "util/json.h"
#include "util/log.h"
#include "util/workqueue.h"

#define MAX_URL_BYTES 4096
#define MAX_HEADERS 100

/* Where a request is in its life; see README.md. */
enum phase {
    PH_PREGATE,     /* upload route: suspended while a worker runs the gate and precheck */
    PH_PREGATE_OK,  /* ... which passed: start streaming the body to files */
    PH_BODY,        /* headers seen, reading the body on the I/O thread */
    PH_STATIC,      /* a file of the web app, answered once the request is read */
    PH_ERROR,       /* refused; the error is queued once the request is read */
    PH_WORKER,      /* suspended, a worker runs the handler */
    PH_READY,       /* worker done, response built, connection resumed */
    PH_QUEUED,      /* response queued; waiting for libmicrohttpd to send it */
};

static double elapsed_s(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

struct collect {
    request *r;
    kv *v;
    int n, max;
};

static enum MHD_Result collect_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    struct collect *c = cls;
    if (c->n >= c->max)
        return MHD_NO;
    c->v[c->n].name = arena_strdup(c->r->arena, key ? key : "");
    c->v[c->n].value = arena_strdup(c->r->arena, value ? value : "");
    if (!c->v[c->n].name || !c->v[c->n].value)
        return MHD_NO;
    c->n++;
    return MHD_YES;
}

/*
 * Copies headers and query arguments into the arena: a worker thread reads
 * them while the connection is suspended, and libmicrohttpd's own storage is
 * not ours to share across threads.
 */
static bool copy_values(request *r, enum MHD_ValueKind kind, kv **out, int *n)
{
    int count = MHD_get_connection_values(r->conn, kind, NULL, NULL);
    if (count > MAX_HEADERS)
        count = MAX_HEADERS;
    struct collect c = {r, arena_calloc(r->arena, (size_t)count + 1, sizeof(kv)), 0, count};
    if (!c.v)
        return false;
    MHD_get_connection_values(r->conn, kind, collect_value, &c);
    *out = c.v;
    *n = c.n;
    return true;
}

static void client_address(request *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    strcpy(r->client_ip, "-");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, r->client_ip, sizeof r->client_ip);
        r->client_is_loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, r->client_ip, sizeof r->client_ip);
        r->client_is_loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
            (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127);
    }
}

static request *request_new(app *a, struct MHD_Connection *conn, const char *url,
                            const char *method)
{
    arena *ar = arena_create(4096);
    if (!ar)
        return NULL;
    request *r = arena_calloc(ar, 1, sizeof *r);
    if (!r) {
        arena_destroy(ar);
        return NULL;
    }
    clock_gettime(CLOCK_MONOTONIC, &r->started);
    r->arena = ar;
    r->app = a;
    r->conn = conn;
    r->reply_fd = -1;
    r->route_index = ROUTE_INDEX_UNMATCHED;
    r->method = arena_strdup(ar, method);
    r->is_head = strcmp(method, "HEAD") == 0;
    r->path = arena_strndup(ar, url, strnlen(url, MAX_URL_BYTES + 1));
    if (!r->method || !r->path || !copy_values(r, MHD_HEADER_KIND, &r->headers, &r->nheaders) ||
        !copy_values(r, MHD_GET_ARGUMENT_KIND, &r->query, &r->nquery)) {
        arena_destroy(ar);
        return NULL;
    }
    client_address(r);
    return r;
}

static void request_free(request *r)
{
    upload_cleanup(r);
    if (r->db)
        db_pool_release(r->app->pool, r->db);
    free(r->reply_data);
    if (r->reply_fd >= 0)
        close(r->reply_fd);
    if (r->response)
        MHD_destroy_response(r->response);
    buf_free(&r->body);
    arena_destroy(r->arena);    /* r itself lives in the arena */
}

/* Builds (if not built yet) and queues r's response. */
static enum MHD_Result queue_reply(request *r)
{
    upload_cleanup(r);      /* unclaimed files go before the client hears back */
    struct MHD_Response *resp = r->response;
    r->response = NULL;
    if (!resp)
        resp = http_build_response(r);
    if (!resp)
        return MHD_NO;
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->http_status, resp);
    MHD_destroy_response(resp);
    r->phase = PH_QUEUED;
    return ok;
}

/*
 * Refuses the request. The reply waits for the final callback: queuing before
 * the request is fully read would make libmicrohttpd close the connection, and
 * keep-alive matters more than the few bytes of a body we discard.
 */
static enum MHD_Result fail_later(request *r, rstatus st, const char *msg)
{
    if (msg)
        req_fail(r, st, "%s", msg);
    else if (r->status == ST_OK)
        r->status = st;
    r->phase = PH_ERROR;
    return MHD_YES;
}

/* A handler's verdict becomes the request's status; its reply is kept only on success. */
static void finish_handler(request *r, rstatus st)
{
    if (st != ST_OK && r->status == ST_OK)
        r->status = st;
    if (r->db) {
        db_pool_release(r->app->pool, r->db);
        r->db = NULL;
    }
}

static void run_in_worker(void *p)
{
    request *r = p;
    finish_handler(r, router_dispatch(r));
    upload_cleanup(r);
    r->response = http_build_response(r);
    r->phase = PH_READY;
    MHD_resume_connection(r->conn);
}

/* Upload routes: the gate and the route's precheck run before any byte of the body. */
static void run_pregate(void *p)
{
    request *r = p;
    rstatus st = router_precheck(r);
    finish_handler(r, st);
    if (st != ST_OK || r->status != ST_OK) {
        r->response = http_build_response(r);
        r->phase = PH_READY;
    } else {
        r->phase = PH_PREGATE_OK;
    }
    MHD_resume_connection(r->conn);
}

static bool parse_content_length(const char *s, unsigned long long *out)
{
    if (!s)
        return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (errno || end == s || *end)
        return false;
    *out = n;
    return true;
}

/* First call for a request: route it and reject what can be rejected before any body. */
static enum MHD_Result begin(request *r)
{
    app *a = r->app;
    if (strlen(r->path) > MAX_URL_BYTES)
        return fail_later(r, ST_URI_TOO_LONG, "The request URI is longer than 4096 bytes.");

    char allow[128];
    int idx;
    enum router_result m = router_match(r->method, r->path, a->cfg->test_hooks, r->arena, &idx,
                                        r->params, &r->nparams, allow, sizeof allow);
    bool is_api = strncmp(r->path, "/api/", 5) == 0 || strcmp(r->path, "/api") == 0;
    if (m == ROUTER_NO_PATH && !is_api) {
        if (strcmp(r->method, "GET") == 0 || r->is_head) {
            r->route_index = ROUTE_INDEX_STATIC;
            r->phase = PH_STATIC;
            return MHD_YES;
        }
        snprintf(allow, sizeof allow, "GET, HEAD");
        m = ROUTER_BAD_METHOD;
    }
    if (m == ROUTER_NO_PATH)
        return fail_later(r, ST_NOT_FOUND, "No such API endpoint.");
    if (m == ROUTER_BAD_METHOD) {
        reply_header(r, "Allow", allow);
        req_fail(r, ST_METHOD_NOT_ALLOWED, "Use %s for %s.", allow, r->path);
        return fail_later(r, ST_METHOD_NOT_ALLOWED, NULL);
    }

    r->route = &router_routes[idx];
    r->route_index = idx;
    if (r->route->body_limit == BODY_JSON_LIMIT)
        r->body_limit = a->cfg->max_json_body;
    else if (r->route->body_limit == BODY_UPLOAD_LIMIT)
        r->body_limit = a->cfg->max_upload + 1024 * 1024;  /* multipart framing */
    else
        r->body_limit = r->route->body_limit;
    unsigned long long declared;
    if (parse_content_length(req_header(r, "Content-Length"), &declared) &&
        declared > r->body_limit) {
        /* Answer now, before the client sends what we would only discard;
         * libmicrohttpd closes the connection after this reply. */
        if (r->body_limit == 0)
            req_fail(r, ST_PAYLOAD_TOO_LARGE, "This endpoint takes no request body.");
        else
            req_fail(r, ST_PAYLOAD_TOO_LARGE, "The body is larger than %zu bytes.", r->body_limit);
        return queue_reply(r);
    }
    if (r->route->flags & ROUTE_UPLOAD) {
        /* Nobody may make us write to disk before being let in. */
        r->phase = PH_PREGATE;
        MHD_suspend_connection(r->conn);
        if (workqueue_submit(a->workers, run_pregate, r) != 0) {
            req_fail(r, ST_UNAVAILABLE, "The server is shutting down or out of memory.");
            r->response = http_build_response(r);
            r->phase = PH_READY;
            MHD_resume_connection(r->conn);
        }
        return MHD_YES;
    }
    r->phase = PH_BODY;
    return MHD_YES;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **con_cls)
{
    app *a = cls;
    request *r = *con_cls;

    if (!r) {
        r = request_new(a, conn, url, method);
        if (!r)
            return MHD_NO;      /* out of memory: libmicrohttpd drops the connection */
        *con_cls = r;
        atomic_fetch_add(&a->in_flight, 1);
        return begin(r);
    }

    if (r->phase == PH_PREGATE_OK) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s/tmp", a->cfg->data_dir);
        rstatus st = upload_begin(r, tmp, a->cfg->max_upload);
        if (st != ST_OK) {
            if (r->status == ST_OK)
                r->status = st;
            return queue_reply(r);  /* before the body: the connection closes after */
        }
        r->phase = PH_BODY;
        /* libmicrohttpd repeats the headers callback after a resume; the body
         * (and the final, empty callback) only come after it. */
        if (*upload_data_size == 0)
            return MHD_YES;
    }
    if (r->phase == PH_READY && (r->route && (r->route->flags & ROUTE_UPLOAD)) &&
        r->status != ST_OK)
        return queue_reply(r);      /* refused before the body: don't read it */

    if (*upload_data_size) {
        r->body_received += *upload_data_size;
        if (r->phase == PH_BODY && r->upload) {
            if (r->body_received > r->body_limit)
                r->body_too_large = true;
            else
                upload_feed(r, upload_data, *upload_data_size);
        } else if (r->phase == PH_BODY && !r->body_too_large) {
            if (r->body.len + *upload_data_size > r->body_limit) {
                r->body_too_large = true;
                buf_free(&r->body);
            } else {
                buf_append(&r->body, upload_data, *upload_data_size);
            }
        }
        *upload_data_size = 0;  /* consumed (or discarded) */
        return MHD_YES;
    }

    switch (r->phase) {
    case PH_STATIC: {
        rstatus st = a->web ? static_serve(a->web, r) : ST_NOT_FOUND;
        if (st == ST_OK) {
            r->phase = PH_QUEUED;   /* static_serve queued the shared response */
            return MHD_YES;
        }
        if (r->status == ST_OK)
            r->status = st;
        return queue_reply(r);
    }
    case PH_ERROR:
        return queue_reply(r);
    case PH_BODY:
        if (r->body_too_large) {
            if (r->body_limit == 0)
                req_fail(r, ST_PAYLOAD_TOO_LARGE, "This endpoint takes no request body.");
            else
                req_fail(r, ST_PAYLOAD_TOO_LARGE, "The body is larger than %zu bytes.",
                         r->body_limit);
            return queue_reply(r);
        }
        if (r->body.oom) {
            req_fail(r, ST_NOMEM, "Out of memory reading the request body.");
            return queue_reply(r);
        }
        if (r->upload && upload_end(r) != ST_OK)
            return queue_reply(r);
        if (r->route->flags & ROUTE_INLINE) {
            finish_handler(r, router_dispatch(r));
            return queue_reply(r);
        }
        r->phase = PH_WORKER;
        MHD_suspend_connection(conn);
        if (workqueue_submit(a->workers, run_in_worker, r) != 0) {
            req_fail(r, ST_UNAVAILABLE, "The server is shutting down or out of memory.");
            r->phase = PH_READY;
            MHD_resume_connection(conn);
        }
        return MHD_YES;
    case PH_READY:
        return queue_reply(r);
    default:
        return MHD_YES;
    }
}

/*
 * The path as logged: a segment that looks like a token (32 or more base64url
 * characters: invitation, reset and verification links) is replaced, so the
 * logs never hold a usable link.
 */
static void log_path(buf *b, const char *path)
{
    buf lp = BUF_INIT;
    const char *p = path;
    while (*p) {
        size_t seg = strcspn(p, "/");
        size_t tok = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
        if (seg >= 32 && tok == seg)
            buf_puts(&lp, "[redacted]");
        else
            buf_append(&lp, p, seg);
        p += seg;
        if (*p == '/') {
            buf_putc(&lp, '/');
            p++;
        }
    }
    json_escape(b, lp.data ? lp.data : "");
    buf_free(&lp);
}

static void log_access(request *r, double secs, enum MHD_RequestTerminationCode toe)
{
    char ts[40];
    log_timestamp(ts, sizeof ts);
    buf b = BUF_INIT;
    buf_printf(&b, "{\"ts\":\"%s\",\"type\":\"access\",\"method\":", ts);
    json_escape(&b, r->method);
    buf_puts(&b, ",\"path\":");
    log_path(&b, r->path);
    buf_puts(&b, ",\"route\":");
    json_escape(&b, r->route ? r->route->pattern
                    : r->route_index == ROUTE_INDEX_STATIC ? "static" : "unmatched");
    buf_printf(&b, ",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f,\"ip\":\"%s\",\"user\":",
               r->http_status, r->bytes_sent, secs * 1000.0, r->client_ip);
    if (r->user_label)
        json_escape(&b, r->user_label);
    else
        buf_puts(&b, "null");
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        buf_printf(&b, ",\"aborted\":%d", (int)toe);
    buf_puts(&b, "}\n");
    if (!b.oom)
        log_write(b.data, b.len);
    buf_free(&b);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    app *a = cls;
    request *r = *con_cls;
    if (!r)
        return;
    *con_cls = NULL;
    double secs = elapsed_s(&r->started);
    metrics_record(r->route_index, r->http_status, secs);
    if (a->cfg->access_log)
        log_access(r, secs, toe);
    request_free(r);
    atomic_fetch_sub(&a->in_flight, 1);
}

__attribute__((format(printf, 2, 0)))
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    log_warn("libmicrohttpd: %s", msg);
}

int http_server_start(app *a)
{
    const config *c = a->cfg;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ITC | MHD_USE_ERROR_LOG;
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, c->bind, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)c->port);
    } else if (inet_pton(AF_INET6, c->bind, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)c->port);
        flags |= MHD_USE_IPv6;
    } else {
        log_error("RELAIS_BIND '%s' is not an IPv4 or IPv6 address", c->bind);
        return -1;
    }

    a->workers = workqueue_create(c->workers, "relais-worker");
    if (!a->workers) {
        log_error("cannot start %d worker threads", c->workers);
        return -1;
    }

    a->daemon = MHD_start_daemon(
        flags, (uint16_t)c->port, NULL, NULL, on_access, a,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, a,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->io_threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)c->max_connections_per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->connection_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, c->connection_memory,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, a,
        MHD_OPTION_END);
    if (!a->daemon) {
        log_error("cannot listen on %s port %d: %s", c->bind, c->port, strerror(errno));
        workqueue_destroy(a->workers);
        a->workers = NULL;
        return -1;
    }
    return 0;
}

int http_server_port(app *a)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(a->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return di ? di->port : -1;
}

bool http_server_stop(app *a, int timeout_s)
{
    atomic_store(&a->stopping, true);
    MHD_socket lsock = MHD_quiesce_daemon(a->daemon);
    if (lsock != MHD_INVALID_SOCKET)
        close(lsock);

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (atomic_load(&a->in_flight) > 0 && elapsed_s(&t0) < timeout_s) {
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    int left = atomic_load(&a->in_flight);
    if (left > 0) {
        /* A worker may still hold a suspended connection; stopping the daemon
         * under it is undefined, so the caller exits without cleanup. */
        log_warn("%d requests still running after %d s; exiting without waiting", left, timeout_s);
        return false;
    }
    workqueue_destroy(a->workers);
    a->workers = NULL;
    MHD_stop_daemon(a->daemon);
    a->daemon = NULL;
    return true;
}
