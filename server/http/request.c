/* request.c - what handlers call: input lookups and reply building. */
#include "http/request.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "http/response.h"
#include "util/json.h"

const char *req_header(const request *r, const char *name)
{
    for (int i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

const char *req_query(const request *r, const char *name)
{
    for (int i = 0; i < r->nquery; i++)
        if (strcmp(r->query[i].name, name) == 0)
            return r->query[i].value;
    return NULL;
}

const char *req_param(const request *r, const char *name)
{
    for (int i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].name, name) == 0)
            return r->params[i].value;
    return NULL;
}

bool req_parse_id(const char *s, long long *out)
{
    if (!s || !*s || *s == '0' || strlen(s) > 16)
        return false;
    long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v > (1LL << 53))
        return false;
    *out = v;
    return true;
}

bool req_param_id(const request *r, const char *name, long long *out)
{
    return req_parse_id(req_param(r, name), out);
}

rstatus req_query_int(request *r, const char *name, long long def, long long min, long long max,
                      long long *out)
{
    const char *s = req_query(r, name);
    *out = def;
    if (!s || !*s)
        return ST_OK;
    bool neg = s[0] == '-';
    const char *d = neg ? s + 1 : s;
    bool ok = *d && strlen(d) <= 18 && strspn(d, "0123456789") == strlen(d);
    long long v = ok ? atoll(d) * (neg ? -1 : 1) : 0;
    if (!ok || v < min || v > max)
        return req_fail(r, ST_BAD_REQUEST, "%s must be a whole number from %lld to %lld.", name,
                        min, max);
    *out = v;
    return ST_OK;
}

rstatus req_db(request *r, db_conn **out)
{
    if (!r->db) {
        rstatus st = db_pool_acquire(r->app->pool, &r->db);
        if (st != ST_OK)
            return req_fail(r, st, "The database is unreachable; try again shortly.");
    }
    *out = r->db;
    return ST_OK;
}

rstatus req_fail(request *r, rstatus st, const char *fmt, ...)
{
    r->status = st;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        r->error_message = arena_vprintf(r->arena, fmt, ap);
        va_end(ap);
    }
    return st;
}

static void clear_reply(request *r)
{
    if (r->reply_kind == REPLY_BYTES)
        free(r->reply_data);
    r->reply_data = NULL;
    r->reply_kind = REPLY_NONE;
}

rstatus reply_bytes(request *r, int http_status, const char *content_type, const void *data,
                    size_t len)
{
    clear_reply(r);
    r->reply_data = malloc(len ? len : 1);
    if (!r->reply_data)
        return ST_NOMEM;
    if (len)
        memcpy(r->reply_data, data, len);
    r->reply_kind = REPLY_BYTES;
    r->reply_len = len;
    r->http_status = http_status;
    r->content_type = content_type;
    r->compressible = http_is_compressible(content_type);
    return ST_OK;
}

rstatus reply_static(request *r, int http_status, const char *content_type, const void *data,
                     size_t len)
{
    clear_reply(r);
    r->reply_kind = REPLY_STATIC;
    r->static_data = data;
    r->reply_len = len;
    r->http_status = http_status;
    r->content_type = content_type;
    r->compressible = http_is_compressible(content_type);
    return ST_OK;
}

rstatus reply_json(request *r, int http_status, json_t *v)
{
    if (!v)
        return ST_NOMEM;
    buf b = BUF_INIT;
    bool ok = json_render(&b, v);
    json_decref(v);
    if (!ok) {
        buf_free(&b);
        return ST_NOMEM;
    }
    clear_reply(r);
    size_t len;
    r->reply_data = buf_steal(&b, &len);
    r->reply_kind = REPLY_BYTES;
    r->reply_len = len;
    r->http_status = http_status;
    r->content_type = "application/json; charset=utf-8";
    r->compressible = true;
    return ST_OK;
}

rstatus reply_empty(request *r, int http_status)
{
    clear_reply(r);
    r->http_status = http_status;
    return ST_OK;
}

rstatus reply_header(request *r, const char *name, const char *value)
{
    if (r->nextra_headers >= REQUEST_MAX_EXTRA_HEADERS)
        return ST_INTERNAL;
    kv *h = &r->extra_headers[r->nextra_headers];
    h->name = arena_strdup(r->arena, name);
    h->value = arena_strdup(r->arena, value);
    if (!h->name || !h->value)
        return ST_NOMEM;
    r->nextra_headers++;
    return ST_OK;
}
