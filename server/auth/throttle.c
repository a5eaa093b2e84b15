/* throttle.c - failed-login counting per account and per address, with doubling delays. */
#include <stdio.h>
#include <stdlib.h>

#include "auth/auth.h"

/*
 * Free attempts in a 15-minute window, then a block of 2^(failures - FREE)
 * seconds (capped at 15 minutes) after each further failure. A success clears
 * the key. The owner of an attacked account waits minutes at worst, never
 * forever; an attacker gets a handful of guesses per quarter hour.
 */
#define FREE_FAILURES 5

rstatus auth_throttle_check(db_conn *db, const char *key, int *retry_after)
{
    const char *params[] = {key};
    PGresult *res;
    rstatus st = db_query(db,
                          "SELECT ceil(extract(epoch FROM blocked_until - now()))::int"
                          "  FROM auth_throttle WHERE key = $1 AND blocked_until > now()",
                          1, params, &res);
    if (st != ST_OK)
        return st;
    int wait = PQntuples(res) ? atoi(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    if (wait > 0) {
        *retry_after = wait;
        return ST_TOO_MANY_REQUESTS;
    }
    return ST_OK;
}

rstatus auth_throttle_failure(db_conn *db, const char *key)
{
    char free_failures[8];
    snprintf(free_failures, sizeof free_failures, "%d", FREE_FAILURES);
    const char *params[] = {key, free_failures};
    return db_exec(db,
        "INSERT INTO auth_throttle AS t (key, failures, window_start) VALUES ($1, 1, now())"
        " ON CONFLICT (key) DO UPDATE SET"
        "   failures = CASE WHEN t.window_start < now() - interval '15 minutes'"
        "                    AND (t.blocked_until IS NULL OR t.blocked_until < now())"
        "              THEN 1 ELSE t.failures + 1 END,"
        "   window_start = CASE WHEN t.window_start < now() - interval '15 minutes'"
        "                        AND (t.blocked_until IS NULL OR t.blocked_until < now())"
        "                  THEN now() ELSE t.window_start END,"
        "   blocked_until = CASE WHEN t.failures + 1 > $2::int"
        "     THEN now() + make_interval(secs => least(900, power(2, t.failures + 1 - $2::int)))"
        "     ELSE t.blocked_until END",
        2, params);
}

rstatus auth_throttle_success(db_conn *db, const char *key)
{
    const char *params[] = {key};
    return db_exec(db, "DELETE FROM auth_throttle WHERE key = $1", 1, params);
}
