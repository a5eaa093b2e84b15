/* migrate.c - numbered SQL migrations with checksums, one transaction each. */
#include "db/migrate.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"

#define MAX_MIGRATION_BYTES (16u << 20)
/* Any constant works; it only has to be the same for every Relais process. */
#define MIGRATE_LOCK_KEY "7200420001"

static const char create_table_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " checksum text NOT NULL,"
    " applied_at timestamp with time zone NOT NULL DEFAULT now())";

struct migration {
    int version;
    char *name;         /* file name */
    char *text;
    char checksum[crypto_hash_sha256_BYTES * 2 + 1];
};

struct migration_set {
    struct migration *v;
    size_t n;
};

static void set_free(struct migration_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].name);
        free(s->v[i].text);
    }
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* NNNN_name.sql with name in [a-z0-9_]. */
static bool parse_name(const char *file, int *version)
{
    size_t len = strlen(file);
    if (len < 10 || strcmp(file + len - 4, ".sql") != 0)
        return false;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)file[i]))
            return false;
    if (file[4] != '_')
        return false;
    for (size_t i = 5; i < len - 4; i++)
        if (!islower((unsigned char)file[i]) && !isdigit((unsigned char)file[i]) && file[i] != '_')
            return false;
    *version = (file[0] - '0') * 1000 + (file[1] - '0') * 100 + (file[2] - '0') * 10 + (file[3] - '0');
    return *version > 0;
}

static int by_version(const void *a, const void *b)
{
    const struct migration *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

static char *read_file(const char *path, size_t *len, char *err, size_t errsize)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsize, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    buf b = BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_append(&b, chunk, n);
        if (b.len > MAX_MIGRATION_BYTES)
            break;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed || b.oom || b.len > MAX_MIGRATION_BYTES) {
        snprintf(err, errsize, "cannot read %s (too large or I/O error)", path);
        buf_free(&b);
        return NULL;
    }
    if (!b.data)
        buf_puts(&b, "");
    return buf_steal(&b, len);
}

static int load_dir(const char *dir, struct migration_set *s, char *err, size_t errsize)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errsize, "cannot open migrations directory %s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        const char *fn = e->d_name;
        size_t len = strlen(fn);
        if (fn[0] == '.' || len < 4 || strcmp(fn + len - 4, ".sql") != 0)
            continue;
        int version;
        if (!parse_name(fn, &version)) {
            snprintf(err, errsize, "migration file %s is not named NNNN_name.sql "
                     "(four digits, an underscore, lowercase letters, digits or underscores)", fn);
            rc = -1;
            break;
        }
        struct migration *nv = realloc(s->v, (s->n + 1) * sizeof *nv);
        if (!nv) {
            snprintf(err, errsize, "out of memory");
            rc = -1;
            break;
        }
        s->v = nv;
        struct migration *m = &s->v[s->n];
        memset(m, 0, sizeof *m);
        m->version = version;
        m->name = strdup(fn);
        s->n++;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, fn);
        size_t tlen;
        m->text = m->name ? read_file(path, &tlen, err, errsize) : NULL;
        if (!m->text) {
            rc = -1;
            break;
        }
        unsigned char hash[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(hash, (const unsigned char *)m->text, tlen);
        sodium_bin2hex(m->checksum, sizeof m->checksum, hash, sizeof hash);
    }
    closedir(d);
    if (rc != 0)
        return rc;
    qsort(s->v, s->n, sizeof *s->v, by_version);
    for (size_t i = 1; i < s->n; i++)
        if (s->v[i].version == s->v[i - 1].version) {
            snprintf(err, errsize, "two migrations share number %04d: %s and %s",
                     s->v[i].version, s->v[i - 1].name, s->v[i].name);
            return -1;
        }
    return 0;
}

static int exec_simple(PGconn *pg, const char *sql, char *err, size_t errsize, const char *what)
{
    PGresult *r = PQexec(pg, sql);
    ExecStatusType es = PQresultStatus(r);
    if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK) {
        snprintf(err, errsize, "%s: %s", what, PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 0;
}

/*
 * Checks the applied migrations against the files and returns how many files
 * are applied (they form a prefix of the sorted set), or -1.
 */
static int check_applied(PGconn *pg, const struct migration_set *s, char *err, size_t errsize)
{
    PGresult *r = PQexec(pg, "SELECT version, name, checksum FROM schema_migrations ORDER BY version");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, errsize, "reading schema_migrations: %s", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    int applied = 0, newest = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        int version = atoi(PQgetvalue(r, i, 0));
        const char *name = PQgetvalue(r, i, 1);
        const char *sum = PQgetvalue(r, i, 2);
        const struct migration *m = NULL;
        for (size_t j = 0; j < s->n; j++)
            if (s->v[j].version == version)
                m = &s->v[j];
        if (!m) {
            snprintf(err, errsize, "the database has migration %s applied, which this "
                     "checkout does not have: it was migrated by a newer Relais", name);
            PQclear(r);
            return -1;
        }
        if (strcmp(m->checksum, sum) != 0) {
            snprintf(err, errsize, "migration %s was edited after it was applied "
                     "(recorded checksum %.12s…, file now %.12s…). Never edit an applied "
                     "migration: revert the file and add a new migration instead.",
                     m->name, sum, m->checksum);
            PQclear(r);
            return -1;
        }
        applied++;
        if (version > newest)
            newest = version;
    }
    PQclear(r);
    /* Applied migrations must be a prefix of the files: one numbered below the
     * newest applied one but never run (a merge of two branches) would run out
     * of order. Every applied one is among the files, so comparing the k-th
     * file's number with the newest applied number is enough. */
    if (applied > 0 && s->v[applied - 1].version != newest) {
        const char *late = "?";
        for (size_t j = 0; j < s->n; j++)
            if (s->v[j].version < newest) {
                char v[16];
                snprintf(v, sizeof v, "%d", s->v[j].version);
                const char *params[] = {v};
                PGresult *q = PQexecParams(pg, "SELECT 1 FROM schema_migrations WHERE version = $1",
                                           1, NULL, params, NULL, NULL, 0);
                bool done = PQresultStatus(q) == PGRES_TUPLES_OK && PQntuples(q) == 1;
                PQclear(q);
                if (!done) {
                    late = s->v[j].name;
                    break;
                }
            }
        snprintf(err, errsize, "migration %s is numbered below %04d, which is already "
                 "applied; renumber it after the newest migration", late, newest);
        return -1;
    }
    return applied;
}

static int prepare(PGconn *pg, const char *dir, struct migration_set *s, char *err, size_t errsize)
{
    if (load_dir(dir, s, err, errsize) != 0)
        return -1;
    if (exec_simple(pg, "SET client_min_messages = warning", err, errsize, "setting up") != 0)
        return -1;
    if (exec_simple(pg, create_table_sql, err, errsize, "creating schema_migrations") != 0)
        return -1;
    return check_applied(pg, s, err, errsize);
}

int db_migrate(PGconn *pg, const char *dir, FILE *out, char *err, size_t errsize)
{
    struct migration_set s = {0};
    int rc = -1;
    if (exec_simple(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", err, errsize,
                    "taking the migration lock") != 0)
        return -1;
    int applied = prepare(pg, dir, &s, err, errsize);
    if (applied < 0)
        goto done;

    int applied_now = 0;
    for (size_t i = (size_t)applied; i < s.n; i++) {
        struct migration *m = &s.v[i];
        if (exec_simple(pg, "BEGIN", err, errsize, m->name) != 0)
            goto done;
        PGresult *r = PQexec(pg, m->text);
        ExecStatusType es = PQresultStatus(r);
        if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK && es != PGRES_EMPTY_QUERY) {
            snprintf(err, errsize, "migration %s failed, nothing of it was applied: %s",
                     m->name, PQresultErrorMessage(r));
            PQclear(r);
            PQclear(PQexec(pg, "ROLLBACK"));
            goto done;
        }
        PQclear(r);
        char v[16];
        snprintf(v, sizeof v, "%d", m->version);
        const char *params[] = {v, m->name, m->checksum};
        r = PQexecParams(pg, "INSERT INTO schema_migrations (version, name, checksum) "
                             "VALUES ($1, $2, $3)", 3, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            snprintf(err, errsize, "recording %s: %s", m->name, PQresultErrorMessage(r));
            PQclear(r);
            PQclear(PQexec(pg, "ROLLBACK"));
            goto done;
        }
        PQclear(r);
        if (exec_simple(pg, "COMMIT", err, errsize, m->name) != 0)
            goto done;
        if (out)
            fprintf(out, "relais: applied %s\n", m->name);
        applied_now++;
    }
    if (out)
        fprintf(out, "relais: database is at migration %04d (%d applied now)\n",
                s.n ? s.v[s.n - 1].version : 0, applied_now);
    rc = 0;
done:
    PQclear(PQexec(pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
    set_free(&s);
    return rc;
}

int db_migrate_pending(PGconn *pg, const char *dir, char *err, size_t errsize)
{
    struct migration_set s = {0};
    int applied = prepare(pg, dir, &s, err, errsize);
    int pending = applied < 0 ? -1 : (int)s.n - applied;
    set_free(&s);
    return pending;
}
