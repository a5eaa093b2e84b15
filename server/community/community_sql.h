/* community_sql.h - SQL fragments and small query helpers shared by the community stores. */
#ifndef RELAIS_COMMUNITY_SQL_H
#define RELAIS_COMMUNITY_SQL_H

#include <jansson.h>

#include "db/pool.h"

/* A timestamp as the API writes it: ISO 8601, UTC, seconds. */
#define CSQL_TS(x) "to_char((" x ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* An organisations row (alias o, LEFT JOINed) as JSON or null. */
#define CSQL_ORG(o)                                                                          \
    "CASE WHEN " o ".id IS NULL THEN NULL"                                                   \
    " ELSE json_build_object('id', " o ".id, 'name', " o ".name, 'kind', " o ".kind) END"

/* A person (alias u, organisation o LEFT JOINed) as JSON, as member lists show them. */
#define CSQL_PERSON(u, o)                                                                    \
    "json_build_object('id', " u ".id, 'display_name', " u ".display_name, 'email', " u      \
    ".email, 'kind', " u ".kind, 'job_title', " u ".job_title, 'organisation', " CSQL_ORG(o) ")"

/* A long long as decimal text in buf (a query parameter). */
const char *csql_id(char buf[24], long long v);

/*
 * Runs a statement returning one row of one JSON text column and parses it into *out (a new
 * reference). ST_NOT_FOUND when there is no row or the value is NULL.
 */
rstatus csql_json(db_conn *db, const char *sql, int nparams, const char *const *params,
                  json_t **out);

/*
 * Runs a statement and returns the first column of the first row as a long long in *out.
 * ST_NOT_FOUND when there is no row (or a NULL value).
 */
rstatus csql_ll(db_conn *db, const char *sql, int nparams, const char *const *params,
                long long *out);

#endif
