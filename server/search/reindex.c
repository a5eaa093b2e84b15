/* reindex.c - `relais reindex`: rebuild the search index from PostgreSQL, swapped in atomically. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "config/config.h"
#include "db/pool.h"
#include "search/indexer.h"

static const char usage[] =
    "Usage: relais reindex [--database-url URL] [--data-dir DIR]\n"
    "\n"
    "Rebuilds the full-text index from the database into a new index under\n"
    "DATA_DIR/search and makes it live in one atomic step. A running server keeps\n"
    "answering searches from the old index meanwhile, and its indexer applies the\n"
    "changes made during the rebuild to the new one afterwards. Exit status 0 on success.";

int cmd_reindex(int argc, char **argv)
{
    config c;
    int rc = cli_load_config(&c, argc, argv, usage);
    if (rc != 0) {
        config_free(&c);
        return rc > 0 ? 0 : 2;
    }
    char err[1024];
    char *dir = search_dir(c.data_dir);
    mkdir(c.data_dir, 0750);
    PGconn *pg = db_connect_role(c.database_url, "relais reindex", c.db_connect_timeout_s,
                                 c.db_role, err, sizeof err);
    if (!dir || !pg) {
        fprintf(stderr, "relais: cannot connect to the database: %s\n", dir ? err : "out of memory");
        PQfinish(pg);
        free(dir);
        config_free(&c);
        return 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = search_rebuild(pg, dir, NULL, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != 0) {
        fprintf(stderr, "relais: reindex failed: %s\n", err);
    } else {
        search_db *db = NULL;
        uint64_t n = 0;
        if (search_open(dir, SEARCH_READ, &db) == SEARCH_OK)
            search_count(db, &n);
        search_close(db);
        printf("reindexed %llu items in %.2f s into %s\n", (unsigned long long)n,
               (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, dir);
    }
    PQfinish(pg);
    free(dir);
    config_free(&c);
    return rc == 0 ? 0 : 1;
}
