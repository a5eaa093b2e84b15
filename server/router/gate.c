/* gate.c - the one place a routed request is checked before its handler runs. */
#include <string.h>
#include <strings.h>

#include "app.h"
#include "auth/auth.h"
#include "router/router.h"
#include "util/json.h"

static void decref(void *v)
{
    json_decref(v);
}

static bool is_json_type(const char *ct)
{
    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    size_t n = strcspn(ct, "; ");
    return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

rstatus gate_check(request *r)
{
    const route *rt = r->route;

    if ((rt->flags & ROUTE_LOOPBACK) && !r->client_is_loopback &&
        strcmp(r->app->cfg->metrics_allow, "any") != 0)
        return req_fail(r, ST_FORBIDDEN, "This endpoint answers only local clients.");

    /* Inline routes run on an I/O thread and are public: no database lookup there. */
    if (!(rt->flags & ROUTE_INLINE)) {
        rstatus st = auth_resolve(r, &r->app->auth, rt->flags & ROUTE_SEARCH_KEYS);
        if (st != ST_OK)
            return st;
    }
    if (rt->auth != AUTH_PUBLIC && !r->who)
        return req_fail(r, ST_UNAUTHENTICATED, "Sign in first.");
    if (rt->auth == AUTH_ADMIN && !r->who->is_admin)
        return req_fail(r, ST_FORBIDDEN, "This needs a platform administrator.");

    bool unsafe = strcmp(r->method, "GET") != 0 && !r->is_head;
    if (unsafe && r->who) {
        if (r->who->read_only)
            return req_fail(r, ST_FORBIDDEN, "This API token may only read.");
        rstatus st = auth_check_csrf(r);
        if (st != ST_OK)
            return st;
    }

    if (r->body.len > 0) {
        if ((rt->flags & ROUTE_JSON) && !is_json_type(req_header(r, "Content-Type")))
            return req_fail(r, ST_UNSUPPORTED_MEDIA, "Send the body as application/json.");
        if (rt->flags & ROUTE_JSON) {
            rstatus st;
            char err[256];
            r->json = json_parse_body(r->body.data, r->body.len, &st, err, sizeof err);
            if (!r->json)
                return req_fail(r, st, "%s", err);
            if (arena_defer(r->arena, decref, r->json) != 0) {
                r->json = NULL;
                return ST_NOMEM;
            }
        }
    }
    return ST_OK;
}

rstatus router_dispatch(request *r)
{
    if (!r->gate_passed) {
        rstatus st = gate_check(r);
        if (st != ST_OK)
            return st;
        r->gate_passed = true;
    }
    return r->route->handler(r);
}

rstatus router_precheck(request *r)
{
    rstatus st = gate_check(r);
    if (st != ST_OK)
        return st;
    r->gate_passed = true;
    return r->route->precheck ? r->route->precheck(r) : ST_OK;
}
