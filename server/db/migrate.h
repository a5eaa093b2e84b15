/* migrate.h - applies migrations/NNNN_name.sql in order, each in its own transaction. */
#ifndef RELAIS_DB_MIGRATE_H
#define RELAIS_DB_MIGRATE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * Brings the database at pg up to the newest migration in dir. Applied
 * migrations are recorded in schema_migrations with the SHA-256 of their text;
 * an applied migration whose file changed, or one missing from dir, stops
 * everything with a message on err (never edit an applied migration: add a new
 * one). A session-level advisory lock serialises concurrent migrators.
 * Progress goes to out (NULL for silence). Returns 0, or -1 with err filled.
 */
int db_migrate(PGconn *pg, const char *dir, FILE *out, char *err, size_t errsize);

/* Number of migrations in dir not yet applied, or -1 with err filled. */
int db_migrate_pending(PGconn *pg, const char *dir, char *err, size_t errsize);

#endif
