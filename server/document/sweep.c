/* sweep.c - the sweeper: empties trashes past 30 days, deletes unreferenced blobs and stale uploads (`relais sweep`, and a thread of `relais serve`). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "config/config.h"
#include "db/pool.h"
#include "document/document.h"
#include "util/log.h"

static const char usage[] =
    "Usage: relais sweep [--database-url URL] [--data-dir DIR] [--sweep-grace SECONDS]\n"
    "\n"
    "Deletes documents that have been in a trash for more than 30 days, then the blobs\n"
    "(stored files) no version references any more and the temporary upload files a crash\n"
    "left behind, both only when older than the grace period: RELAIS_SWEEP_GRACE seconds\n"
    "(default 3600). `relais serve` does the same every RELAIS_SWEEP_INTERVAL seconds; this\n"
    "command is safe to run while the server runs, as often as wanted (see\n"
    "server/store/blob.h for why it never races an upload). Exit status 0 on success.";

static const char sql_purge_trash[] =
    "WITH gone AS (DELETE FROM documents WHERE deleted_at < now() - interval '30 days'"
    " RETURNING id) SELECT count(*) FROM gone";

typedef struct sweep_report {
    long long purged;               /* documents deleted from trashes */
    blob_sweep_stats blobs;
    unsigned long long tmp;         /* temporary files deleted */
} sweep_report;

/* The question blob_sweep() asks, with a way to end the sweep when the server stops. */
typedef struct referenced_ctx {
    db_conn *conn;
    const atomic_bool *stop;        /* NULL: never */
} referenced_ctx;

static rstatus referenced(void *p, const unsigned char sha256[BLOB_HASH_LEN], bool *out)
{
    referenced_ctx *c = p;
    if (c->stop && atomic_load(c->stop))
        return ST_UNAVAILABLE;      /* ends the sweep; nothing more is deleted */
    return doc_blob_referenced(c->conn, sha256, out);
}

/*
 * One pass: the trash first (its versions' blobs become unreferenced and go in the same
 * pass), then the blob store, then the temporary uploads. *what names the step that
 * failed, for the caller's message.
 */
static rstatus sweep_pass(db_conn *conn, const char *data_dir, unsigned grace,
                          const atomic_bool *stop, sweep_report *out, const char **what)
{
    memset(out, 0, sizeof *out);
    PGresult *res;
    *what = "cannot empty the trash";
    rstatus st = db_query(conn, sql_purge_trash, 0, NULL, &res);
    if (st != ST_OK)
        return st;
    out->purged = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (out->purged > 0) {
        audit_ctx ctx = {0, NULL, NULL, NULL};
        json_t *detail = json_pack("{s:I}", "documents", (json_int_t)out->purged);
        audit_record(conn, &ctx, "trash.purged", NULL, NULL, 0, detail);
        json_decref(detail);
    }

    char dir[4096];
    snprintf(dir, sizeof dir, "%s/blobs", data_dir);
    blob_store *bs = NULL;
    *what = "cannot sweep the blob store";
    if ((st = blob_store_open(dir, &bs)) != ST_OK)
        return st;
    referenced_ctx rc = {conn, stop};
    st = blob_sweep(bs, referenced, &rc, grace, &out->blobs);
    blob_store_close(bs);
    if (st != ST_OK)
        return st;
    snprintf(dir, sizeof dir, "%s/tmp", data_dir);
    *what = "cannot sweep the temporary files";
    return blob_sweep_tmp(dir, grace, &out->tmp);
}

/* ---- `relais sweep` ------------------------------------------------------------------ */

static int fail(config *c, db_pool *pool, db_conn *conn, const char *what)
{
    fprintf(stderr, "relais: %s\n", what);
    if (conn)
        db_pool_release(pool, conn);
    db_pool_close(pool);
    config_free(c);
    return 1;
}

int cmd_sweep(int argc, char **argv)
{
    config c;
    int rc = cli_load_config(&c, argc, argv, usage);
    if (rc != 0) {
        config_free(&c);
        return rc > 0 ? 0 : 2;
    }
    db_pool_options opt = {c.database_url, 1, 10000, c.db_connect_timeout_s, c.statement_timeout_ms,
                           c.db_role, "relais sweep"};
    db_pool *pool = db_pool_open(&opt);
    db_conn *conn = NULL;
    if (!pool || db_pool_acquire(pool, &conn) != ST_OK)
        return fail(&c, pool, NULL, "cannot connect to the database");
    sweep_report r;
    const char *what;
    if (sweep_pass(conn, c.data_dir, (unsigned)c.sweep_grace_s, NULL, &r, &what) != ST_OK)
        return fail(&c, pool, conn, what);
    printf("relais sweep: %lld documents purged from trashes; %llu blobs deleted (%llu bytes), "
           "%llu kept as referenced, %llu as too recent, %llu on errors; %llu temporary files "
           "deleted\n",
           r.purged, r.blobs.deleted, r.blobs.bytes_freed, r.blobs.referenced, r.blobs.young,
           r.blobs.errors, r.tmp);
    db_pool_release(pool, conn);
    db_pool_close(pool);
    config_free(&c);
    return r.blobs.errors ? 1 : 0;
}

/* ---- the sweeper thread of `relais serve` -------------------------------------------- */

/* The first pass waits this long after start (or the interval, if shorter): a server that
 * restarts every day still sweeps, and start-up is not slowed by it. */
#define FIRST_PASS_AFTER_S 60

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_t thread;
static bool running;
static atomic_bool stopping;

static void pass_once(app *a)
{
    db_conn *conn;
    if (db_pool_acquire(a->pool, &conn) != ST_OK) {
        log_warn("sweeper: database unreachable, pass postponed");
        return;
    }
    sweep_report r;
    const char *what;
    rstatus st = sweep_pass(conn, a->cfg->data_dir, (unsigned)a->cfg->sweep_grace_s, &stopping,
                            &r, &what);
    db_pool_release(a->pool, conn);
    if (st != ST_OK && !atomic_load(&stopping))
        log_warn("sweeper: %s (%s)", what, status_code(st));
    else if (r.purged > 0)
        log_info("sweeper: %lld documents purged from trashes", r.purged);
    log_debug("sweeper: %llu blobs seen, %llu deleted, %llu temporary files deleted",
              r.blobs.seen, r.blobs.deleted, r.tmp);
}

/* Waits up to s seconds; false when the server is stopping. Called with lock held. */
static bool wait_for(int s)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += s;
    while (!atomic_load(&stopping) && pthread_cond_timedwait(&wake, &lock, &until) != ETIMEDOUT)
        ;
    return !atomic_load(&stopping);
}

static void *sweeper_main(void *arg)
{
    app *a = arg;
    int every = a->cfg->sweep_interval_s;
    pthread_mutex_lock(&lock);
    bool go = wait_for(every < FIRST_PASS_AFTER_S ? every : FIRST_PASS_AFTER_S);
    while (go) {
        pthread_mutex_unlock(&lock);
        pass_once(a);
        pthread_mutex_lock(&lock);
        go = wait_for(every);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int doc_sweeper_start(app *a)
{
    if (a->cfg->sweep_interval_s <= 0)
        return 0;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&wake, &attr);
    pthread_condattr_destroy(&attr);
    atomic_store(&stopping, false);
    if (pthread_create(&thread, NULL, sweeper_main, a) != 0) {
        log_error("cannot start the sweeper thread");
        pthread_cond_destroy(&wake);
        return -1;
    }
    running = true;
    return 0;
}

void doc_sweeper_stop(void)
{
    if (!running)
        return;
    pthread_mutex_lock(&lock);
    atomic_store(&stopping, true);
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    pthread_cond_destroy(&wake);
    running = false;
}
