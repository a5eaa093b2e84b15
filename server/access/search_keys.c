/* search_keys.c - who may find what in the search index: see "Search" in access.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "util/log.h"

void acl_search_key_content(char out[ACL_SEARCH_KEY_MAX], long long community_id)
{
    snprintf(out, ACL_SEARCH_KEY_MAX, "r%lld", community_id);
}

void acl_search_key_community(char out[ACL_SEARCH_KEY_MAX], long long community_id)
{
    snprintf(out, ACL_SEARCH_KEY_MAX, "s%lld", community_id);
}

const char **acl_search_keys_person(arena *a, long long id, bool is_staff,
                                    const long long *communities, size_t n, size_t *nkeys)
{
    const char **keys = arena_calloc(a, n + 3, sizeof *keys);
    if (!keys)
        return NULL;
    size_t k = 0;
    keys[k++] = "p";
    keys[k++] = arena_printf(a, "u%lld", id);
    if (is_staff)
        keys[k++] = "ps";
    for (size_t i = 0; i < n; i++)
        keys[k++] = arena_printf(a, "m%lld", communities[i]);
    for (size_t i = 0; i < k; i++)
        if (!keys[i])
            return NULL;
    *nkeys = k;
    return keys;
}

rstatus acl_search_viewer_keys(arena *a, const principal *viewer, const char ***keys,
                               size_t *nkeys)
{
    *keys = NULL;
    *nkeys = 0;
    if (!viewer)
        return ST_OK;
    /* "{r1,s1,m1}", read by the session lookup of a ROUTE_SEARCH_KEYS route; keys need no
     * quoting. Without it the route lacks the flag: a bug, never an empty set of rights. */
    const char *array = viewer->search_keys;
    if (!array) {
        log_error("search keys asked on a route without ROUTE_SEARCH_KEYS");
        return ST_INTERNAL;
    }
    size_t rows = *array && array[1] != '}';
    for (const char *p = array; *p; p++)
        rows += *p == ',';
    const char **k = arena_calloc(a, rows + 3, sizeof *k);
    char *copy = arena_strdup(a, array);
    if (!k || !copy)
        return ST_NOMEM;
    size_t n = 0;
    if (!(k[n++] = arena_printf(a, "u%lld", viewer->user_id)))
        return ST_NOMEM;
    if (!viewer->is_guest)
        k[n++] = "ps";
    if (acl_is_admin(viewer))
        k[n++] = "p";
    for (char *save = NULL, *t = strtok_r(copy, "{},", &save); t; t = strtok_r(NULL, "{},", &save))
        k[n++] = t;
    *keys = k;
    *nkeys = n;
    return ST_OK;
}
