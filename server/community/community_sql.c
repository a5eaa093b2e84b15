/* community_sql.c - small query helpers for the community stores. */
#include <stdio.h>
#include <stdlib.h>

#include "community/community_sql.h"

const char *csql_id(char buf[24], long long v)
{
    snprintf(buf, 24, "%lld", v);
    return buf;
}

rstatus csql_json(db_conn *db, const char *sql, int nparams, const char *const *params,
                  json_t **out)
{
    PGresult *res;
    rstatus st = db_query(db, sql, nparams, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) < 1 || PQgetisnull(res, 0, 0)) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    json_error_t je;
    *out = json_loads(PQgetvalue(res, 0, 0), 0, &je);
    PQclear(res);
    /* Cannot happen: PostgreSQL wrote this JSON. Out of memory is the likely cause. */
    return *out ? ST_OK : ST_NOMEM;
}

rstatus csql_ll(db_conn *db, const char *sql, int nparams, const char *const *params,
                long long *out)
{
    PGresult *res;
    rstatus st = db_query(db, sql, nparams, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) < 1 || PQgetisnull(res, 0, 0)) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    *out = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return ST_OK;
}
