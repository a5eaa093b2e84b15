/* pool.c - bounded libpq pool: lazy connects, stale-connection detection, back-off. */
#include "db/pool.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

/* After a failed connect, fail fast for this long rather than retrying each request. */
#define CONNECT_BACKOFF_MS 250

/*
 * Statements prepared on a connection, at most this many: the SQL of the product is a set
 * of constants, so the first few requests prepare them all; text built at run time beyond
 * the limit is simply run unprepared.
 */
#define PREPARED_MAX 256

/* A statement prepared on this connection as "r<its index>". */
typedef struct prepared {
    uint64_t hash;
    char *sql;
} prepared;

struct db_conn {
    PGconn *pg;
    bool in_use;
    bool in_tx;
    char sqlstate[6];
    prepared *stmts;            /* PREPARED_MAX slots once the connection has run anything */
    int nstmts;
};

struct db_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    db_conn *conns;
    int size, in_use, waiting;
    int acquire_timeout_ms, connect_timeout_s, statement_timeout_ms;
    char *url, *app_name, *role;
    long long down_until_ms;
    unsigned long long acquire_timeouts, connect_failures;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static PGconn *connect_pg(const char *url, const char *app, int connect_timeout_s,
                          int statement_timeout_ms, const char *role, char *err, size_t errsize)
{
    char timeout[16], options[192];
    snprintf(timeout, sizeof timeout, "%d", connect_timeout_s);
    /* The role is checked to be an identifier when the pool opens, so it cannot
     * smuggle other options in. */
    if (role && *role)
        snprintf(options, sizeof options, "-c statement_timeout=%d -c role=%s",
                 statement_timeout_ms, role);
    else
        snprintf(options, sizeof options, "-c statement_timeout=%d", statement_timeout_ms);
    /* Later keywords override what the URL says; dbname is expanded first. */
    const char *keys[] = {"dbname", "connect_timeout", "application_name", "options",
                          "keepalives", "keepalives_idle", "keepalives_interval",
                          "keepalives_count", "client_encoding", NULL};
    const char *vals[] = {url, timeout, app, options, "1", "30", "10", "3", "UTF8", NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (!pg) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    if (PQstatus(pg) != CONNECTION_OK) {
        snprintf(err, errsize, "%s", PQerrorMessage(pg));
        size_t n = strlen(err);
        while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
            err[--n] = '\0';
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

PGconn *db_connect_once(const char *url, int connect_timeout_s, char *err, size_t errsize)
{
    return connect_pg(url, "relais-cli", connect_timeout_s, 0, NULL, err, errsize);
}

/* The role goes into libpq's options string: only a plain identifier may, so it cannot
 * smuggle other options in. NULL and "" (the login role) are fine. */
static bool role_is_identifier(const char *role)
{
    if (role && strlen(role) >= 64)
        return false;
    for (const char *c = role ? role : ""; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return false;
    return true;
}

PGconn *db_connect_role(const char *url, const char *app, int connect_timeout_s, const char *role,
                        char *err, size_t errsize)
{
    if (!role_is_identifier(role)) {
        snprintf(err, errsize, "database role must be a lowercase identifier");
        return NULL;
    }
    return connect_pg(url, app, connect_timeout_s, 0, role, err, errsize);
}

db_pool *db_pool_open(const db_pool_options *opt)
{
    db_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->conns = calloc((size_t)opt->size, sizeof *p->conns);
    p->url = strdup(opt->url);
    p->app_name = strdup(opt->application_name ? opt->application_name : "relais");
    p->role = strdup(opt->role ? opt->role : "");
    bool role_ok = p->role && role_is_identifier(p->role);
    if (!role_ok)
        log_error("database role '%s' must be a lowercase identifier", opt->role);
    if (!p->conns || !p->url || !p->app_name || !role_ok) {
        free(p->conns);
        free(p->url);
        free(p->app_name);
        free(p->role);
        free(p);
        return NULL;
    }
    p->size = opt->size;
    p->acquire_timeout_ms = opt->acquire_timeout_ms;
    p->connect_timeout_s = opt->connect_timeout_s;
    p->statement_timeout_ms = opt->statement_timeout_ms;
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->freed, &ca);
    pthread_condattr_destroy(&ca);
    return p;
}

/* Closes the session, and forgets what was prepared in it. */
static void conn_close(db_conn *c)
{
    PQfinish(c->pg);
    c->pg = NULL;
    for (int i = 0; i < c->nstmts; i++)
        free(c->stmts[i].sql);
    free(c->stmts);
    c->stmts = NULL;
    c->nstmts = 0;
}

void db_pool_close(db_pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->size; i++)
        conn_close(&p->conns[i]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    free(p->conns);
    free(p->url);
    free(p->app_name);
    free(p->role);
    free(p);
}

/*
 * A connection the server closed while it sat idle has a readable socket (the
 * FATAL message, then EOF). Polling costs one syscall and spares the request
 * that would otherwise fail on it.
 */
static bool conn_is_healthy(PGconn *pg)
{
    if (PQstatus(pg) != CONNECTION_OK)
        return false;
    struct pollfd pfd = {.fd = PQsocket(pg), .events = POLLIN};
    if (pfd.fd < 0)
        return false;
    if (poll(&pfd, 1, 0) <= 0)
        return true;
    if (!PQconsumeInput(pg) || PQstatus(pg) != CONNECTION_OK)
        return false;
    PGnotify *n;
    while ((n = PQnotifies(pg)) != NULL)
        PQfreemem(n);
    return true;
}

rstatus db_pool_acquire(db_pool *p, db_conn **out)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += p->acquire_timeout_ms / 1000;
    deadline.tv_nsec += (long)(p->acquire_timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    pthread_mutex_lock(&p->lock);
    db_conn *c = NULL;
    for (;;) {
        /* Prefer an open idle connection, else an unopened slot. */
        for (int i = 0; i < p->size && !c; i++)
            if (!p->conns[i].in_use && p->conns[i].pg)
                c = &p->conns[i];
        for (int i = 0; i < p->size && !c; i++)
            if (!p->conns[i].in_use)
                c = &p->conns[i];
        if (c)
            break;
        p->waiting++;
        int rc = pthread_cond_timedwait(&p->freed, &p->lock, &deadline);
        p->waiting--;
        if (rc == ETIMEDOUT) {
            p->acquire_timeouts++;
            pthread_mutex_unlock(&p->lock);
            log_warn("database pool: no connection free within %d ms", p->acquire_timeout_ms);
            return ST_UNAVAILABLE;
        }
    }
    c->in_use = true;
    p->in_use++;
    bool backing_off = now_ms() < p->down_until_ms;
    pthread_mutex_unlock(&p->lock);

    if (c->pg && !conn_is_healthy(c->pg))
        conn_close(c);
    if (!c->pg) {
        char err[512];
        if (!backing_off)
            c->pg = connect_pg(p->url, p->app_name, p->connect_timeout_s,
                               p->statement_timeout_ms, p->role, err, sizeof err);
        if (!c->pg) {
            pthread_mutex_lock(&p->lock);
            if (!backing_off) {
                p->connect_failures++;
                p->down_until_ms = now_ms() + CONNECT_BACKOFF_MS;
            }
            c->in_use = false;
            p->in_use--;
            pthread_cond_signal(&p->freed);
            pthread_mutex_unlock(&p->lock);
            if (!backing_off)
                log_error("database unreachable: %s", err);
            return ST_UNAVAILABLE;
        }
    }
    c->in_tx = false;
    c->sqlstate[0] = '\0';
    *out = c;
    return ST_OK;
}

void db_pool_release(db_pool *p, db_conn *c)
{
    if (!c)
        return;
    if (c->pg && c->in_tx) {
        PGresult *r = PQexec(c->pg, "ROLLBACK");
        PQclear(r);
    }
    if (c->pg && PQstatus(c->pg) != CONNECTION_OK) {
        conn_close(c);
    } else if (c->pg && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        /* Should not happen after the rollback above; never hand out a dirty session. */
        conn_close(c);
    }
    c->in_tx = false;
    pthread_mutex_lock(&p->lock);
    c->in_use = false;
    p->in_use--;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

void db_pool_get_stats(db_pool *p, db_pool_stats *out)
{
    pthread_mutex_lock(&p->lock);
    out->size = p->size;
    out->in_use = p->in_use;
    out->waiting = p->waiting;
    out->open = 0;
    for (int i = 0; i < p->size; i++)
        if (p->conns[i].pg)
            out->open++;
    out->acquire_timeouts = p->acquire_timeouts;
    out->connect_failures = p->connect_failures;
    pthread_mutex_unlock(&p->lock);
}

static uint64_t sql_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/*
 * Runs sql as a statement prepared on this connection, preparing it the first time.
 * PostgreSQL then parses and plans it once per session instead of at every request: for
 * the access-rule queries that is most of their cost (0.8 ms unprepared, 0.16 ms prepared
 * for the viewer's search keys). Plans stay PostgreSQL's choice: it keeps re-planning with
 * the values when a generic plan would cost more. Returns NULL when out of slots or memory:
 * the caller then runs it unprepared.
 */
static PGresult *exec_prepared(db_conn *c, const char *sql, int nparams,
                               const char *const *params)
{
    uint64_t h = sql_hash(sql);
    char name[16];
    int i = 0;
    while (i < c->nstmts && (c->stmts[i].hash != h || strcmp(c->stmts[i].sql, sql) != 0))
        i++;
    snprintf(name, sizeof name, "r%d", i);
    if (i == c->nstmts) {
        if (i == PREPARED_MAX)
            return NULL;
        if (!c->stmts && !(c->stmts = calloc(PREPARED_MAX, sizeof *c->stmts)))
            return NULL;
        char *copy = strdup(sql);
        if (!copy)
            return NULL;
        /* Not undone by a rollback: a prepared statement belongs to the session. */
        PGresult *r = PQprepare(c->pg, name, sql, nparams, NULL);
        if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
            free(copy);
            return r;   /* the same error running it unprepared would give */
        }
        PQclear(r);
        c->stmts[i] = (prepared){h, copy};
        c->nstmts++;
    }
    return PQexecPrepared(c->pg, name, nparams, params, NULL, NULL, 0);
}

rstatus db_query(db_conn *c, const char *sql, int nparams, const char *const *params,
                 PGresult **res)
{
    *res = NULL;
    c->sqlstate[0] = '\0';
    PGresult *r = exec_prepared(c, sql, nparams, params);
    if (!r && PQstatus(c->pg) == CONNECTION_OK)
        r = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType es = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK) {
        *res = r;
        return ST_OK;
    }
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    snprintf(c->sqlstate, sizeof c->sqlstate, "%s", state ? state : "");
    rstatus st;
    if (PQstatus(c->pg) != CONNECTION_OK || !strncmp(c->sqlstate, "08", 2) ||
        !strncmp(c->sqlstate, "57P", 3)) {
        st = ST_UNAVAILABLE;    /* connection lost, server shutting down */
    } else if (!strcmp(c->sqlstate, "57014")) {
        st = ST_UNAVAILABLE;    /* statement_timeout */
    } else if (!strcmp(c->sqlstate, "23505") || !strcmp(c->sqlstate, "23P01") ||
               !strcmp(c->sqlstate, "40001") || !strcmp(c->sqlstate, "40P01")) {
        st = ST_CONFLICT;
    } else {
        st = ST_INTERNAL;
    }
    if (st != ST_CONFLICT) {
        const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg);
        log_error("sql failed (%s): %.*s", c->sqlstate[0] ? c->sqlstate : "no sqlstate",
                  (int)strcspn(msg, "\n"), msg);
    }
    PQclear(r);
    return st;
}

char *db_bigint_array(const long long *ids, size_t n)
{
    size_t cap = 3 + n * 21;    /* 20 characters a bigint at most, and a comma */
    char *s = malloc(cap), *p = s;
    if (!s)
        return NULL;
    *p++ = '{';
    for (size_t i = 0; i < n; i++)
        p += snprintf(p, cap - (size_t)(p - s), "%s%lld", i ? "," : "", ids[i]);
    *p++ = '}';
    *p = '\0';
    return s;
}

rstatus db_exec(db_conn *c, const char *sql, int nparams, const char *const *params)
{
    PGresult *r;
    rstatus st = db_query(c, sql, nparams, params, &r);
    PQclear(r);
    return st;
}

rstatus db_begin(db_conn *c)
{
    rstatus st = db_exec(c, "BEGIN", 0, NULL);
    if (st == ST_OK)
        c->in_tx = true;
    return st;
}

rstatus db_commit(db_conn *c)
{
    rstatus st = db_exec(c, "COMMIT", 0, NULL);
    c->in_tx = false;
    return st;
}

rstatus db_rollback(db_conn *c)
{
    rstatus st = db_exec(c, "ROLLBACK", 0, NULL);
    c->in_tx = false;
    return st;
}

const char *db_conn_sqlstate(const db_conn *c)
{
    return c->sqlstate;
}

PGconn *db_conn_pg(db_conn *c)
{
    return c->pg;
}
