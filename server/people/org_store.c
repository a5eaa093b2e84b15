/* org_store.c - the SQL of organisations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "people/people.h"
#include "people/people_sql.h"

static const char sql_org_list[] =
    "SELECT json_build_object('items', coalesce(json_agg(" PEOPLE_SQL_ORG_ITEM("o")
    "        ORDER BY relais_fold(o.name), o.id), '[]'::json))::text"
    "  FROM organisations o"
    " WHERE " ACL_SQL_ORGANISATION_VISIBLE("o", "$1");

rstatus people_org_list_json(db_conn *db, arena *a, long long viewer, const char **json)
{
    char v[24];
    snprintf(v, sizeof v, "%lld", viewer);
    const char *params[] = {v};
    return people_sql_text(db, a, sql_org_list, 1, params, json);
}

/* Names are unique without case and accents (unique index organisations_name_fold). */
static const char sql_org_insert[] =
    "INSERT INTO organisations (kind, name) VALUES ($1::organisation_kind, $2)"
    " RETURNING id, " PEOPLE_SQL_ORG_ITEM("organisations") "::text";

rstatus people_org_insert(db_conn *db, arena *a, const char *kind, const char *name,
                          long long *id, const char **json)
{
    const char *params[] = {kind, name};
    PGresult *res;
    rstatus st = db_query(db, sql_org_insert, 2, params, &res);
    if (st != ST_OK)
        return st;
    *id = atoll(PQgetvalue(res, 0, 0));
    *json = arena_strdup(a, PQgetvalue(res, 0, 1));
    PQclear(res);
    return *json ? ST_OK : ST_NOMEM;
}

static const char sql_org_update[] =
    "UPDATE organisations SET kind = coalesce($2::organisation_kind, kind),"
    "       name = coalesce($3, name)"
    " WHERE id = $1"
    " RETURNING " PEOPLE_SQL_ORG_ITEM("organisations") "::text";

rstatus people_org_change(db_conn *db, arena *a, long long id, const char *kind,
                          const char *name, const char **json)
{
    char v[24];
    snprintf(v, sizeof v, "%lld", id);
    const char *params[] = {v, kind, name};
    return people_sql_text(db, a, sql_org_update, 3, params, json);
}

static const char sql_org_find[] =
    "SELECT id FROM organisations WHERE relais_fold(name) = relais_fold($1)";

rstatus people_org_find_or_create(db_conn *db, const char *name, const char *kind,
                                  long long *id, bool *created)
{
    const char *params[] = {name, kind};
    PGresult *res;
    rstatus st = db_query(db, sql_org_find, 1, params, &res);
    if (st != ST_OK)
        return st;
    *created = PQntuples(res) == 0;
    if (!*created)
        *id = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (!*created)
        return ST_OK;
    static const char sql_insert[] =
        "INSERT INTO organisations (name, kind) VALUES ($1, $2::organisation_kind) RETURNING id";
    st = db_query(db, sql_insert, 2, params, &res);
    if (st != ST_OK)
        return st;
    *id = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return ST_OK;
}
