/* sweep.c - `relais sweep`: empties the trash past 30 days, deletes unreferenced blobs and stale uploads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "config/config.h"
#include "db/pool.h"
#include "document/document.h"

static const char usage[] =
    "Usage: relais sweep [--database-url URL] [--data-dir DIR]\n"
    "\n"
    "Deletes documents that have been in a trash for more than 30 days, then the blobs\n"
    "(stored files) no version references any more and the temporary upload files a crash\n"
    "left behind, both only when older than the grace period: RELAIS_SWEEP_GRACE seconds\n"
    "(default 3600). Safe to run while the server runs, as often as wanted (see\n"
    "server/store/blob.h for why it never races an upload). Exit status 0 on success.";

static const char sql_purge_trash[] =
    "WITH gone AS (DELETE FROM documents WHERE deleted_at < now() - interval '30 days'"
    " RETURNING id) SELECT count(*) FROM gone";

static int fail(config *c, db_pool *pool, db_conn *conn, blob_store *bs, const char *what)
{
    fprintf(stderr, "relais: %s\n", what);
    if (conn)
        db_pool_release(pool, conn);
    db_pool_close(pool);
    blob_store_close(bs);
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
    const char *g = getenv("RELAIS_SWEEP_GRACE");
    unsigned grace = 3600;
    if (g && *g) {
        if (strlen(g) > 9 || strspn(g, "0123456789") != strlen(g)) {
            fprintf(stderr, "relais: RELAIS_SWEEP_GRACE must be a number of seconds\n");
            config_free(&c);
            return 2;
        }
        grace = (unsigned)atoi(g);
    }
    db_pool_options opt = {c.database_url, 1, 10000, c.db_connect_timeout_s, c.statement_timeout_ms,
                           c.db_role, "relais sweep"};
    db_pool *pool = db_pool_open(&opt);
    db_conn *conn = NULL;
    blob_store *bs = NULL;
    if (!pool || db_pool_acquire(pool, &conn) != ST_OK)
        return fail(&c, pool, NULL, NULL, "cannot connect to the database");

    /* The trash first: its versions' blobs become unreferenced and go in the same run. */
    PGresult *res;
    if (db_query(conn, sql_purge_trash, 0, NULL, &res) != ST_OK)
        return fail(&c, pool, conn, NULL, "cannot empty the trash");
    long long purged = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (purged > 0) {
        audit_ctx ctx = {0, NULL, NULL, NULL};
        json_t *detail = json_pack("{s:I}", "documents", (json_int_t)purged);
        audit_record(conn, &ctx, "trash.purged", NULL, NULL, 0, detail);
        json_decref(detail);
    }

    char dir[4096];
    snprintf(dir, sizeof dir, "%s/blobs", c.data_dir);
    blob_sweep_stats stats;
    if (blob_store_open(dir, &bs) != ST_OK ||
        blob_sweep(bs, doc_blob_referenced, conn, grace, &stats) != ST_OK)
        return fail(&c, pool, conn, bs, "cannot sweep the blob store");
    snprintf(dir, sizeof dir, "%s/tmp", c.data_dir);
    unsigned long long tmp = 0;
    if (blob_sweep_tmp(dir, grace, &tmp) != ST_OK)
        return fail(&c, pool, conn, bs, "cannot sweep the temporary files");
    printf("relais sweep: %lld documents purged from trashes; %llu blobs deleted (%llu bytes), "
           "%llu kept as referenced, %llu as too recent, %llu on errors; %llu temporary files "
           "deleted\n",
           purged, stats.deleted, stats.bytes_freed, stats.referenced, stats.young, stats.errors,
           tmp);
    db_pool_release(pool, conn);
    db_pool_close(pool);
    blob_store_close(bs);
    config_free(&c);
    return stats.errors ? 1 : 0;
}
