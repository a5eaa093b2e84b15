/* people_sql.h - SQL fragments and a query helper shared by the people module's stores. */
#ifndef RELAIS_PEOPLE_SQL_H
#define RELAIS_PEOPLE_SQL_H

#include "db/pool.h"
#include "util/arena.h"

/* A timestamp as an ISO 8601 UTC string. */
#define PEOPLE_SQL_TS(x) "to_char((" x ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* One organisations row as JSON. */
#define PEOPLE_SQL_ORG_ITEM(o)                                                              \
    "json_build_object('id', " o ".id, 'kind', " o ".kind, 'name', " o ".name,"             \
    " 'created_at', " PEOPLE_SQL_TS(o ".created_at") ")"

/* A person's organisation (o LEFT JOINed) as JSON or null. */
#define PEOPLE_SQL_ORG_REF(o)                                                               \
    "CASE WHEN " o ".id IS NULL THEN NULL"                                                  \
    " ELSE json_build_object('id', " o ".id, 'name', " o ".name, 'kind', " o ".kind) END"

/*
 * Runs a statement returning one row of one text column and copies that value
 * into a. ST_NOT_FOUND when there is no row.
 */
rstatus people_sql_text(db_conn *db, arena *a, const char *sql, int nparams,
                        const char *const *params, const char **out);

#endif
