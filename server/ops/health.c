/* health.c - GET /healthz: the process is up and the database answers. */
#include "ops/ops.h"

#include "app.h"

rstatus ops_healthz(request *r)
{
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st == ST_OK)
        st = db_exec(db, "SELECT 1", 0, NULL);
    if (st != ST_OK)
        return req_fail(r, ST_UNAVAILABLE, "The database is unreachable.");
    json_t *v = json_pack("{s:s, s:s, s:s}", "status", "ok", "database", "ok", "version",
                          RELAIS_VERSION);
    return reply_json(r, 200, v);
}
