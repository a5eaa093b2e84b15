/* match.c - matching a decoded path against the route patterns. */
#include <string.h>

#include "router/router.h"

bool router_pattern_match(const char *pattern, const char *path, arena *a, kv *params, int *nparams)
{
    int n = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            size_t seglen = strcspn(s, "/");
            if (!close || seglen == 0 || n >= REQUEST_MAX_PARAMS)
                return false;
            if (params) {
                params[n].name = arena_strndup(a, p + 1, (size_t)(close - p - 1));
                params[n].value = arena_strndup(a, s, seglen);
                if (!params[n].name || !params[n].value)
                    return false;
            }
            n++;
            p = close + 1;
            s += seglen;
        } else if (*p == *s) {
            p++;
            s++;
        } else {
            return false;
        }
    }
    if (*p || *s)
        return false;
    if (nparams)
        *nparams = n;
    return true;
}

enum router_result router_match(const char *method, const char *path, bool test_hooks,
                                arena *a, int *index, kv *params, int *nparams,
                                char *allow, size_t allow_size)
{
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    bool path_seen = false;
    size_t alen = 0;
    if (allow_size)
        allow[0] = '\0';

    for (int i = 0; i < router_nroutes; i++) {
        const route *rt = &router_routes[i];
        if ((rt->flags & ROUTE_TEST_HOOK) && !test_hooks)
            continue;
        if (strcmp(rt->method, m) == 0) {
            if (router_pattern_match(rt->pattern, path, a, params, nparams)) {
                *index = i;
                return ROUTER_MATCH;
            }
            continue;
        }
        if (!router_pattern_match(rt->pattern, path, NULL, NULL, NULL))
            continue;
        path_seen = true;
        /* Collect distinct methods, GET implying HEAD. */
        const char *names[2] = {rt->method, strcmp(rt->method, "GET") == 0 ? "HEAD" : NULL};
        for (int k = 0; k < 2 && names[k]; k++) {
            size_t nl = strlen(names[k]);
            bool dup = false;
            for (const char *q = allow; (q = strstr(q, names[k])) != NULL; q += nl)
                if ((q == allow || q[-1] == ' ') && (q[nl] == ',' || q[nl] == '\0'))
                    dup = true;
            if (dup || alen + nl + 3 > allow_size)
                continue;
            if (alen) {
                memcpy(allow + alen, ", ", 2);
                alen += 2;
            }
            memcpy(allow + alen, names[k], nl + 1);
            alen += nl;
        }
    }
    if (path_seen) {
        /* The requested method itself may match this path (GET on a GET path is
         * handled above); reaching here means it does not. */
        return ROUTER_BAD_METHOD;
    }
    return ROUTER_NO_PATH;
}
