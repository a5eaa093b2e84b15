/* pool.h - a bounded pool of libpq connections shared by the worker threads. */
#ifndef RELAIS_DB_POOL_H
#define RELAIS_DB_POOL_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "util/status.h"

/*
 * The pool owns at most `size` connections, opened lazily. A thread acquires one
 * connection, runs its statements and releases it; a connection is never shared
 * between threads while acquired. When all are in use, acquire waits up to the
 * acquire timeout and then answers ST_UNAVAILABLE (the request gets a 503).
 *
 * A connection the server dropped (PostgreSQL restarted, network cut) is found
 * at acquire time by polling its socket and reconnected; while PostgreSQL stays
 * unreachable acquire fails fast for a short back-off instead of hammering it.
 * All pool functions are thread-safe.
 */
typedef struct db_pool db_pool;
typedef struct db_conn db_conn;

typedef struct db_pool_options {
    const char *url;            /* libpq URI or conninfo */
    int size;
    int acquire_timeout_ms;
    int connect_timeout_s;
    int statement_timeout_ms;   /* 0 = PostgreSQL's default */
    const char *role;           /* SET ROLE at connect; NULL or "" = the login role */
    const char *application_name;
} db_pool_options;

typedef struct db_pool_stats {
    int size, open, in_use, waiting;
    unsigned long long acquire_timeouts, connect_failures;
} db_pool_stats;

/* Creates the pool; opens no connection yet. NULL when out of memory. */
db_pool *db_pool_open(const db_pool_options *opt);
/* Closes every connection. All connections must have been released. */
void db_pool_close(db_pool *p);

/* ST_OK and *out, or ST_UNAVAILABLE (timeout, or the database is unreachable). */
rstatus db_pool_acquire(db_pool *p, db_conn **out);
/* Gives c back; rolls back an open transaction and drops a broken connection. */
void db_pool_release(db_pool *p, db_conn *c);

void db_pool_get_stats(db_pool *p, db_pool_stats *out);

/*
 * Runs one parameterised statement (text parameters, NULL = SQL NULL). On ST_OK
 * *res holds the result, which the caller owns (PQclear, or arena_defer it).
 * Errors map to statuses: connection lost or statement cancelled by a timeout
 * -> ST_UNAVAILABLE, unique/exclusion violation -> ST_CONFLICT, others ->
 * ST_INTERNAL (logged with the SQLSTATE). db_conn_sqlstate() tells which.
 */
rstatus db_query(db_conn *c, const char *sql, int nparams, const char *const *params,
                 PGresult **res);
/* db_query for statements whose result is not needed. */
rstatus db_exec(db_conn *c, const char *sql, int nparams, const char *const *params);

rstatus db_begin(db_conn *c);
rstatus db_commit(db_conn *c);
rstatus db_rollback(db_conn *c);

/* "{1,2,3}": ids as the text of a bigint[] parameter. malloc'ed; NULL when out of memory. */
char *db_bigint_array(const long long *ids, size_t n);

/* SQLSTATE of the last failed statement ("" if none); valid until the next call. */
const char *db_conn_sqlstate(const db_conn *c);
/* The underlying connection, for code that must speak libpq directly (migrations). */
PGconn *db_conn_pg(db_conn *c);

/* Opens a single connection outside any pool (CLI commands). NULL + message on failure. */
PGconn *db_connect_once(const char *url, int connect_timeout_s, char *err, size_t errsize);
/* The same for a background thread of the server, running as role (NULL = the login role). */
PGconn *db_connect_role(const char *url, const char *app, int connect_timeout_s, const char *role,
                        char *err, size_t errsize);

#endif
