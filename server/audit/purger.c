/* purger.c - the background thread that applies the audit trail's retention period. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "app.h"
#include "auth/auth.h"
#include "audit/audit.h"
#include "util/log.h"

#define PURGE_EVERY_S (24 * 3600)
/* When the database was unreachable: try again sooner than the next day. */
#define RETRY_AFTER_S 600

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_t thread;
static bool running, stopping;

/* True when the purge ran (whether or not anything was old enough). */
static bool purge_once(app *a)
{
    db_conn *db;
    if (db_pool_acquire(a->pool, &db) != ST_OK) {
        log_warn("audit trail: database unreachable, purge postponed");
        return false;
    }
    long long deleted = 0;
    rstatus st = audit_purge(db, a->cfg->audit_retention_days, &deleted);
    if (st == ST_OK && auth_throttle_forget_stale(db) != ST_OK)
        log_warn("login throttle: clean-up failed");
    db_pool_release(a->pool, db);
    if (st != ST_OK)
        log_warn("audit trail: purge failed");
    else if (deleted > 0)
        log_info("audit trail: deleted %lld events older than %d days", deleted,
                 a->cfg->audit_retention_days);
    return st == ST_OK;
}

static void *purger_main(void *arg)
{
    app *a = arg;
    pthread_mutex_lock(&lock);
    while (!stopping) {
        pthread_mutex_unlock(&lock);
        bool done = purge_once(a);
        pthread_mutex_lock(&lock);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += done ? PURGE_EVERY_S : RETRY_AFTER_S;
        while (!stopping && pthread_cond_timedwait(&wake, &lock, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int audit_purger_start(app *a)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&wake, &attr);
    pthread_condattr_destroy(&attr);
    stopping = false;
    if (pthread_create(&thread, NULL, purger_main, a) != 0) {
        log_error("cannot start the audit purge thread");
        pthread_cond_destroy(&wake);
        return -1;
    }
    running = true;
    return 0;
}

void audit_purger_stop(void)
{
    if (!running)
        return;
    pthread_mutex_lock(&lock);
    stopping = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    pthread_cond_destroy(&wake);
    running = false;
}
