/* serve.c - `relais serve`: wire the modules together and run until SIGTERM/SIGINT. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "config/config.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "document/document.h"
#include "http/server.h"
#include "http/static.h"
#include "ops/metrics.h"
#include "search/indexer.h"
#include "util/log.h"

static const char usage[] =
    "Usage: relais serve [options]\n"
    "\n"
    "Serves the Relais API and web app over HTTP until SIGTERM or SIGINT, then\n"
    "stops accepting, lets requests in flight finish and exits 0. Applies pending\n"
    "migrations first unless --no-migrate-on-start.";

static int migrate_first(const config *c)
{
    char err[1024];
    PGconn *pg = db_connect_once(c->database_url, c->db_connect_timeout_s, err, sizeof err);
    if (!pg) {
        log_error("cannot connect to the database to migrate: %s", err);
        return -1;
    }
    int rc = db_migrate(pg, c->migrations_dir, NULL, err, sizeof err);
    if (rc != 0)
        log_error("migration failed: %s", err);
    PQfinish(pg);
    return rc;
}

static int make_dir(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(tmp, 0750);
            *p = '/';
        }
    if (mkdir(tmp, 0750) != 0 && access(tmp, W_OK) != 0)
        return -1;
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    config c;
    int rc = cli_load_config(&c, argc, argv, usage);
    if (rc != 0) {
        config_free(&c);
        return rc > 0 ? 0 : 2;
    }

    /* Signals are taken by this thread alone (sigwait below); every thread
     * started from here on inherits the mask. SIGPIPE is never wanted. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* More workers than the CPUs can keep busy only add PostgreSQL backends and context
     * switches: on 2 CPUs, completions at 16 connections ran at 4,400-4,600 req/s (p99
     * 7.7-9.4 ms) with 16 workers, 4,600-5,000 (p99 6.9-8.6 ms) with 8, 5,500-6,000 (p99
     * 5-5.3 ms) with 4 (docs/PERFORMANCE.md, Search). At least 8 all the same, so that a few
     * slow requests (a PDF being extracted, argon2) never hold every worker. */
    if (c.workers == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        c.workers = cpus < 2 ? 8 : cpus > 16 ? 64 : (int)cpus * 4;
        if (c.workers < 8)
            c.workers = 8;
    }

    app a = {.cfg = &c};
    int status = 1;
    char tmp_dir[4096];
    snprintf(tmp_dir, sizeof tmp_dir, "%s/tmp", c.data_dir);
    if (make_dir(c.data_dir) != 0 || make_dir(tmp_dir) != 0) {
        log_error("cannot create data directory %s", c.data_dir);
        goto out;
    }
    if (c.migrate_on_start && migrate_first(&c) != 0)
        goto out;
    char key_path[4096], err[512];
    snprintf(key_path, sizeof key_path, "%s", *c.secret_key_file ? c.secret_key_file : "");
    if (!*key_path)
        snprintf(key_path, sizeof key_path, "%s/secret.key", c.data_dir);
    if (auth_signing_key_load(key_path, err, sizeof err) != 0) {
        log_error("%s", err);
        goto out;
    }
    a.auth.idle_minutes = c.session_idle_minutes;
    a.auth.max_hours = c.session_max_hours;
    a.auth.cookie_secure = c.cookie_secure;
    db_pool_options po = {
        .url = c.database_url,
        .size = c.db_pool_size ? c.db_pool_size : c.workers + 4,
        .acquire_timeout_ms = c.db_acquire_timeout_ms,
        .connect_timeout_s = c.db_connect_timeout_s,
        .statement_timeout_ms = c.statement_timeout_ms,
        .role = c.db_role,
        .application_name = "relais",
    };
    a.pool = db_pool_open(&po);
    a.web = static_open(c.web_dir);
    if (!a.pool || !a.web || metrics_init() != 0 || audit_purger_start(&a) != 0 ||
        doc_sweeper_start(&a) != 0 || search_indexer_start(&a) != 0)
        goto out;
    if (http_server_start(&a) != 0)
        goto out;

    int port = http_server_port(&a);
    fprintf(stderr, "relais: listening on http://%s%s%s:%d\n", strchr(c.bind, ':') ? "[" : "",
            c.bind, strchr(c.bind, ':') ? "]" : "", port);
    log_info("relais %s serving on %s:%d with %d I/O threads, %d workers, %d database connections",
             RELAIS_VERSION, c.bind, port, c.io_threads, c.workers, po.size);

    int sig = 0;
    sigwait(&sigs, &sig);
    log_info("received %s; finishing requests in flight (up to %d s)",
             sig == SIGINT ? "SIGINT" : "SIGTERM", c.shutdown_timeout_s);
    if (!http_server_stop(&a, c.shutdown_timeout_s)) {
        /* Threads still hold requests: freeing what they use would be worse
         * than leaving the cleanup to the kernel. */
        _exit(0);
    }
    status = 0;
    log_info("stopped cleanly");
out:
    search_indexer_stop();
    doc_sweeper_stop();
    audit_purger_stop();
    static_close(a.web);
    db_pool_close(a.pool);
    metrics_shutdown();
    config_free(&c);
    return status;
}
