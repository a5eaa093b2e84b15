/* throttle.c - failed-login counting per account and per address, with doubling delays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"

/*
 * Free attempts in a 15-minute window, then a block of 2^(failures - FREE)
 * seconds (capped at 15 minutes) after each further failure. A success clears
 * the key. The owner of an attacked account waits minutes at worst, never
 * forever; an attacker gets a handful of guesses per quarter hour.
 */
#define FREE_FAILURES 5
/*
 * An address is shared: behind a hospital's NAT or a reverse proxy, everyone
 * arrives from one. Its budget is far larger, so a few people's typos (or an
 * attacker's deliberate failures) never lock a whole site out; the per-account
 * key still stops guessing at any one account.
 */
#define FREE_FAILURES_ADDRESS 50

static int free_failures(const char *key)
{
    return strncmp(key, "ip:", 3) == 0 ? FREE_FAILURES_ADDRESS : FREE_FAILURES;
}

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
    char budget[8];
    snprintf(budget, sizeof budget, "%d", free_failures(key));
    const char *params[] = {key, budget};
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

rstatus auth_throttle_forget_stale(db_conn *db)
{
    return db_exec(db,
                   "DELETE FROM auth_throttle WHERE window_start < now() - interval '15 minutes'"
                   " AND (blocked_until IS NULL OR blocked_until < now())", 0, NULL);
}
