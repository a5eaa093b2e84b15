/* testhooks.c - routes for the test suites only (RELAIS_TEST_HOOKS=1). */
#include <stdlib.h>

#include "ops/ops.h"

rstatus test_sleep(request *r)
{
    const char *s = req_query(r, "seconds");
    char *end;
    double seconds = s ? strtod(s, &end) : 0;
    if (!s || *end || seconds < 0 || seconds > 30)
        return req_fail(r, ST_BAD_REQUEST, "seconds must be a number from 0 to 30.");
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    const char *params[] = {s};
    st = db_exec(db, "SELECT pg_sleep($1::float8)", 1, params);
    if (st != ST_OK)
        return st;
    return reply_json(r, 200, json_pack("{s:f}", "slept", seconds));
}

rstatus test_fail(request *r)
{
    return req_fail(r, ST_INTERNAL, NULL);
}

rstatus test_echo(request *r)
{
    json_t *v = r->json ? json_incref(r->json) : json_null();
    return reply_json(r, 200, json_pack("{s:o}", "echo", v));
}
