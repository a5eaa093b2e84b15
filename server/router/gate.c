/* gate.c - the one place a routed request is checked before its handler runs. */
#include <string.h>
#include <strings.h>

#include "app.h"
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

    /*
     * Sessions and API tokens arrive with the people-and-rights work (auth/);
     * until then no request is authenticated, so a route that needs a user
     * must refuse everyone rather than let anyone in.
     */
    if (rt->auth != AUTH_PUBLIC)
        return req_fail(r, ST_UNAUTHENTICATED, NULL);

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
    rstatus st = gate_check(r);
    if (st != ST_OK)
        return st;
    return r->route->handler(r);
}
