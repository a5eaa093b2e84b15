/* search_keys.c - who may find what in the search index: see "Search" in access.h. */
#include <stdio.h>
#include <stdlib.h>

#include "access/access.h"

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

/* Same rules as ACL_SQL_COMMUNITY_READABLE / _VISIBLE and acl_user_can_see(). */
static const char viewer_keys_sql[] =
    "SELECT 'r' || c.id FROM communities c WHERE " ACL_SQL_COMMUNITY_READABLE("c", "$1")
    " UNION ALL SELECT 's' || c.id FROM communities c WHERE " ACL_SQL_COMMUNITY_VISIBLE("c", "$1")
    " UNION ALL SELECT 'm' || m.community_id FROM memberships m"
    "  WHERE m.user_id = $1 AND EXISTS (SELECT 1 FROM users v WHERE v.id = $1 AND v.status = 'active')";

rstatus acl_search_viewer_keys(db_conn *db, arena *a, const principal *viewer,
                               const char ***keys, size_t *nkeys)
{
    *keys = NULL;
    *nkeys = 0;
    if (!viewer)
        return ST_OK;
    char id[24];
    snprintf(id, sizeof id, "%lld", viewer->user_id);
    const char *params[] = {id};
    PGresult *res;
    rstatus st = db_query(db, viewer_keys_sql, 1, params, &res);
    if (st != ST_OK)
        return st;
    size_t rows = (size_t)PQntuples(res);
    const char **k = arena_calloc(a, rows + 3, sizeof *k);
    size_t n = 0;
    if (k) {
        k[n++] = arena_printf(a, "u%lld", viewer->user_id);
        if (!viewer->is_guest)
            k[n++] = "ps";
        if (acl_is_admin(viewer))
            k[n++] = "p";
        for (size_t i = 0; i < rows; i++)
            k[n++] = arena_strdup(a, PQgetvalue(res, (int)i, 0));
    }
    PQclear(res);
    if (!k)
        return ST_NOMEM;
    for (size_t i = 0; i < n; i++)
        if (!k[i])
            return ST_NOMEM;
    *keys = k;
    *nkeys = n;
    return ST_OK;
}
