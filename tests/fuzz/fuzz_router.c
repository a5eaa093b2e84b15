/* fuzz_router.c - request lines: method and path through the route table and the
 * static-path validator, plus arbitrary patterns through the matcher. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/static.h"
#include "router/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[4097];
    if (size >= sizeof in)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    /* "METHOD PATH" or "PATTERN\nPATH" */
    char *nl = strchr(in, '\n');
    arena *a = arena_create(0);
    kv params[REQUEST_MAX_PARAMS];
    int n = 0, idx = -1;
    char allow[128];
    if (nl) {
        *nl = '\0';
        if (router_pattern_match(in, nl + 1, a, params, &n))
            for (int i = 0; i < n; i++)
                if (!params[i].value[0] || strchr(params[i].value, '/'))
                    __builtin_trap();       /* a parameter is one non-empty segment */
    } else {
        char *sp = strchr(in, ' ');
        const char *method = "GET", *path = in;
        if (sp) {
            *sp = '\0';
            method = in;
            path = sp + 1;
        }
        enum router_result r = router_match(method, path, true, a, &idx, params, &n, allow,
                                            sizeof allow);
        if (r == ROUTER_MATCH && (idx < 0 || idx >= router_nroutes))
            __builtin_trap();
        if (static_path_is_safe(path)) {
            /* A safe path never climbs out of the web directory. */
            if (strstr(path, "..") == path || strstr(path, "/..") || path[0] == '/' ||
                strchr(path, '\\'))
                __builtin_trap();
        }
    }
    arena_destroy(a);
    return 0;
}
