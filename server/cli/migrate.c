/* migrate.c - `relais migrate`: apply pending migrations and exit. */
#include <stdio.h>

#include "cli/cli.h"
#include "config/config.h"
#include "db/migrate.h"
#include "db/pool.h"

static const char usage[] =
    "Usage: relais migrate [--database-url URL] [--migrations-dir DIR]\n"
    "\n"
    "Applies the migrations in the migrations directory that the database has not\n"
    "run yet, each in its own transaction, and records their checksums. Refuses to\n"
    "run when an applied migration was edited. Exit status 0 on success.";

int cmd_migrate(int argc, char **argv)
{
    config c;
    int rc = cli_load_config(&c, argc, argv, usage);
    if (rc != 0) {
        config_free(&c);
        return rc > 0 ? 0 : 2;
    }
    char err[1024];
    PGconn *pg = db_connect_once(c.database_url, c.db_connect_timeout_s, err, sizeof err);
    if (!pg) {
        fprintf(stderr, "relais: cannot connect to the database: %s\n", err);
        config_free(&c);
        return 1;
    }
    rc = db_migrate(pg, c.migrations_dir, stdout, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "relais: %s\n", err);
    PQfinish(pg);
    config_free(&c);
    return rc == 0 ? 0 : 1;
}
