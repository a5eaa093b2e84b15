/* indexer.c - the thread that applies search_queue to the index, and full rebuilds. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "search/indexer.h"
#include "util/log.h"

/*
 * One writer applies the queue: the indexer thread of whichever `relais serve` holds this
 * advisory lock for the batch. A rebuild holds it from before its snapshot until its
 * generation is live, so every change it may have missed is still queued when the
 * indexer resumes, and is applied to the new generation.
 */
#define INDEX_LOCK "7308604954457146712" /* any constant; "relaisix" in ASCII */
#define QUEUE_BATCH "1000"
#define IDLE_WAIT_MS 10000  /* a lost notification costs at most this long */
#define BUSY_WAIT_MS 500    /* a rebuild holds the lock */
#define RETRY_WAIT_MS 3000  /* the database or the index failed */

char *search_dir(const char *data_dir)
{
    size_t n = strlen(data_dir) + sizeof "/search";
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/search", data_dir);
    return s;
}

static bool exec_ok(PGconn *pg, const char *sql, char *err, size_t errsize)
{
    PGresult *res = PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(res);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        snprintf(err, errsize, "%s", PQresultErrorMessage(res));
    PQclear(res);
    return ok;
}

int search_rebuild(PGconn *pg, const char *dir, complete *comp, char *err, size_t errsize)
{
    if (!exec_ok(pg, "SELECT pg_advisory_lock(" INDEX_LOCK ")", err, errsize))
        return -1;
    search_db *db = NULL;
    int rc = -1;
    if (!exec_ok(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err, errsize))
        goto unlock;
    search_status st = search_rebuild_begin(dir, &db);
    if (st != SEARCH_OK) {
        snprintf(err, errsize, "cannot start a new index: %s", search_last_error());
        goto rollback;
    }
    for (size_t i = 0; i < search_nkinds; i++)
        if (search_sync_kind(pg, db, comp, &search_kinds[i], NULL, -1, err, errsize) != 0)
            goto rollback;
    char when[32];
    snprintf(when, sizeof when, "%lld", (long long)time(NULL));
    if (search_set_metadata(db, "complete", "1") != SEARCH_OK ||
        search_set_metadata(db, "built_at", when) != SEARCH_OK) {
        snprintf(err, errsize, "%s", search_last_error());
        goto rollback;
    }
    st = search_rebuild_finish(db);
    db = NULL;
    if (st != SEARCH_OK) {
        snprintf(err, errsize, "cannot make the new index live: %s", search_last_error());
        goto rollback;
    }
    rc = 0;
rollback:
    search_close(db);   /* abandons an unfinished generation */
    exec_ok(pg, rc == 0 ? "COMMIT" : "ROLLBACK", err + strlen(err), errsize - strlen(err));
unlock:
    if (PQstatus(pg) == CONNECTION_OK) {
        char ignored[256];
        exec_ok(pg, "SELECT pg_advisory_unlock(" INDEX_LOCK ")", ignored, sizeof ignored);
    }
    return rc;
}

/* ---- the indexer thread ------------------------------------------------------------ */

static struct {
    pthread_t thread;
    bool running;
    atomic_bool stopping;
    int wake[2];                /* a byte written here ends a wait at once */
    const config *cfg;
    complete *completions;      /* made at start, filled once, then kept in step */
    atomic_bool completions_ready;
} ix = {.wake = {-1, -1}};

complete *search_completions(void)
{
    return atomic_load(&ix.completions_ready) ? ix.completions : NULL;
}

/*
 * Fills the completion table from one snapshot of PostgreSQL, titles only (a second or so
 * for 100,000 documents). Every change after the snapshot is still queued, and the queue
 * feeds the table from then on.
 */
static int load_completions(PGconn *pg, char *err, size_t errsize)
{
    complete *fresh = complete_create();
    if (!fresh) {
        snprintf(err, errsize, "out of memory");
        return -1;
    }
    int rc = exec_ok(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err, errsize) ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < search_nkinds; i++)
        rc = search_sync_kind(pg, NULL, fresh, &search_kinds[i], NULL, -1, err, errsize);
    char ignored[256];
    exec_ok(pg, "ROLLBACK", ignored, sizeof ignored);
    if (rc != 0) {
        complete_free(fresh);
        return -1;
    }
    complete_replace(ix.completions, fresh);
    atomic_store(&ix.completions_ready, true);
    return 0;
}

enum batch_result { BATCH_DONE, BATCH_EMPTY, BATCH_BUSY, BATCH_STALE, BATCH_FAILED };

/* Applies up to QUEUE_BATCH queued changes; the index commits before the queue forgets. */
static enum batch_result apply_batch(PGconn *pg, search_db *db, int *applied, char *err,
                                     size_t errsize)
{
    *applied = 0;
    if (!exec_ok(pg, "BEGIN", err, errsize))
        return BATCH_FAILED;
    PGresult *res = PQexec(pg, "SELECT pg_try_advisory_xact_lock(" INDEX_LOCK ")");
    bool locked = PQresultStatus(res) == PGRES_TUPLES_OK && *PQgetvalue(res, 0, 0) == 't';
    PQclear(res);
    if (!locked || search_is_stale(db)) {
        exec_ok(pg, "ROLLBACK", err, errsize);
        return locked ? BATCH_STALE : BATCH_BUSY;
    }
    res = PQexec(pg, "SELECT id, kind, item_id FROM search_queue ORDER BY id LIMIT " QUEUE_BATCH);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        snprintf(err, errsize, "%s", PQresultErrorMessage(res));
        PQclear(res);
        exec_ok(pg, "ROLLBACK", err, errsize);
        return BATCH_FAILED;
    }
    int rows = PQntuples(res);
    if (rows == 0) {
        PQclear(res);
        exec_ok(pg, "COMMIT", err, errsize);
        return BATCH_EMPTY;
    }

    /* ids: the items of one kind at a time; queue: the rows this batch consumes. */
    long long *ids = malloc((size_t)rows * sizeof *ids);
    long long *queue = malloc((size_t)rows * sizeof *queue);
    for (int i = 0; queue && i < rows; i++)
        queue[i] = strtoll(PQgetvalue(res, i, 0), NULL, 10);
    char *queue_ids = queue ? db_bigint_array(queue, (size_t)rows) : NULL;
    free(queue);
    bool ok = ids && queue_ids;
    if (!ok)
        snprintf(err, errsize, "out of memory");
    for (size_t k = 0; ok && k < search_nkinds; k++) {
        int n = 0;
        for (int i = 0; i < rows; i++)
            if (!strcmp(PQgetvalue(res, i, 1), search_kinds[k].name))
                ids[n++] = strtoll(PQgetvalue(res, i, 2), NULL, 10);
        if (n > 0 && search_sync_kind(pg, db, ix.completions, &search_kinds[k], ids, n, err,
                                      errsize) != 0)
            ok = false;
    }
    for (int i = 0; ok && i < rows; i++)
        if (!search_kind_find(PQgetvalue(res, i, 1)))
            log_warn("search: queue names unknown kind '%s'; dropped", PQgetvalue(res, i, 1));
    PQclear(res);
    free(ids);

    if (ok && search_commit(db) != SEARCH_OK) {
        snprintf(err, errsize, "committing the index: %s", search_last_error());
        ok = false;
    }
    if (ok) {
        const char *params[] = {queue_ids};
        res = PQexecParams(pg, "DELETE FROM search_queue WHERE id = ANY ($1::bigint[])", 1, NULL,
                           params, NULL, NULL, 0);
        ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok)
            snprintf(err, errsize, "%s", PQresultErrorMessage(res));
        PQclear(res);
    }
    free(queue_ids);
    if (!ok || !exec_ok(pg, "COMMIT", err, errsize)) {
        /* What the index committed is applied again next time: harmless. */
        char ignored[256];
        exec_ok(pg, "ROLLBACK", ignored, sizeof ignored);
        return BATCH_FAILED;
    }
    *applied = rows;
    return BATCH_DONE;
}

/* Sleeps until a notification, a stop, or timeout_ms; drains the notifications. */
static void wait_for_work(PGconn *pg, int timeout_ms)
{
    struct pollfd p[2] = {{.fd = pg ? PQsocket(pg) : -1, .events = POLLIN},
                          {.fd = ix.wake[0], .events = POLLIN}};
    if (poll(p, 2, timeout_ms) < 0 && errno != EINTR)
        return;
    if (pg) {
        PQconsumeInput(pg);
        PGnotify *n;
        while ((n = PQnotifies(pg)))
            PQfreemem(n);
    }
}

static bool index_complete(search_db *db)
{
    char *v = NULL;
    bool done = search_get_metadata(db, "complete", &v) == SEARCH_OK && v && !strcmp(v, "1");
    free(v);
    return done;
}

static void *indexer_main(void *arg)
{
    (void)arg;
    const config *c = ix.cfg;
    char *dir = search_dir(c->data_dir);
    PGconn *pg = NULL;
    search_db *db = NULL;
    char err[1024];
    bool warned = false;

    while (dir && !atomic_load(&ix.stopping)) {
        if (!pg || PQstatus(pg) != CONNECTION_OK) {
            PQfinish(pg);
            pg = db_connect_role(c->database_url, "relais-indexer", c->db_connect_timeout_s,
                                 c->db_role, err, sizeof err);
            if (!pg || !exec_ok(pg, "LISTEN relais_search", err, sizeof err)) {
                if (!warned)
                    log_warn("search: cannot reach the database (%s); retrying", err);
                warned = true;
                PQfinish(pg);
                pg = NULL;
                wait_for_work(NULL, RETRY_WAIT_MS);
                continue;
            }
            warned = false;
        }
        if (!db) {
            search_status st = search_open(dir, SEARCH_WRITE, &db);
            if (st != SEARCH_OK) {
                log_warn("search: cannot open the index for writing (%s: %s); retrying",
                         search_status_string(st), search_last_error());
                db = NULL;
                wait_for_work(NULL, RETRY_WAIT_MS);
                continue;
            }
            if (!index_complete(db)) {
                /* First start, or the index was lost: build it whole, and the completion
                 * table from the same reading. */
                search_close(db);
                db = NULL;
                complete *fresh = complete_create();
                struct timespec t0, t1;
                clock_gettime(CLOCK_MONOTONIC, &t0);
                log_info("search: building the index from the database");
                if (!fresh || search_rebuild(pg, dir, fresh, err, sizeof err) != 0) {
                    log_error("search: building the index failed: %s", fresh ? err : "out of memory");
                    complete_free(fresh);
                    wait_for_work(NULL, RETRY_WAIT_MS);
                } else {
                    complete_replace(ix.completions, fresh);
                    atomic_store(&ix.completions_ready, true);
                    clock_gettime(CLOCK_MONOTONIC, &t1);
                    log_info("search: index built in %.1f s",
                             (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
                }
                continue;
            }
            if (!atomic_load(&ix.completions_ready)) {
                struct timespec t0, t1;
                clock_gettime(CLOCK_MONOTONIC, &t0);
                if (load_completions(pg, err, sizeof err) != 0) {
                    log_error("search: loading the completion table failed: %s", err);
                    wait_for_work(NULL, RETRY_WAIT_MS);
                    continue;
                }
                clock_gettime(CLOCK_MONOTONIC, &t1);
                log_info("search: completion table loaded (%zu items) in %.1f s",
                         complete_size(ix.completions),
                         (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
            }
        }
        int applied = 0;
        switch (apply_batch(pg, db, &applied, err, sizeof err)) {
        case BATCH_DONE:
            log_debug("search: applied %d queued changes", applied);
            break;
        case BATCH_EMPTY:
            wait_for_work(pg, IDLE_WAIT_MS);
            break;
        case BATCH_BUSY:
            wait_for_work(NULL, BUSY_WAIT_MS);
            break;
        case BATCH_STALE:
            log_info("search: a rebuilt index went live; switching to it");
            search_close(db);
            db = NULL;
            break;
        case BATCH_FAILED:
            log_error("search: applying queued changes failed: %s", err);
            /* Uncommitted index changes are dropped with the handle; start afresh. */
            search_close(db);
            db = NULL;
            wait_for_work(NULL, RETRY_WAIT_MS);
            break;
        }
    }
    search_close(db);
    PQfinish(pg);
    free(dir);
    return NULL;
}

int search_indexer_start(app *a)
{
    ix.cfg = a->cfg;
    atomic_store(&ix.stopping, false);
    atomic_store(&ix.completions_ready, false);
    if (!(ix.completions = complete_create())) {
        log_error("search: out of memory for the completion table");
        return -1;
    }
    if (pipe2(ix.wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        log_error("search: cannot create the indexer's wake-up pipe");
        return -1;
    }
    if (pthread_create(&ix.thread, NULL, indexer_main, NULL) != 0) {
        log_error("search: cannot start the indexer thread");
        close(ix.wake[0]);
        close(ix.wake[1]);
        return -1;
    }
    ix.running = true;
    return 0;
}

void search_indexer_stop(void)
{
    if (!ix.running)
        return;
    atomic_store(&ix.stopping, true);
    if (write(ix.wake[1], "x", 1) < 0)
        log_warn("search: cannot wake the indexer");
    pthread_join(ix.thread, NULL);
    close(ix.wake[0]);
    close(ix.wake[1]);
    ix.running = false;
    /* The HTTP daemon is stopped before the indexer (serve.c): no reader is left. */
    atomic_store(&ix.completions_ready, false);
    complete_free(ix.completions);
    ix.completions = NULL;
}
