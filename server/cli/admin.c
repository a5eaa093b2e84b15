/* admin.c - `relais admin`: accounts, demo data and the audit trail from the command line. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "config/config.h"
#include "db/pool.h"
#include "document/document.h"
#include "people/people.h"
#include "util/arena.h"

static const char admin_usage[] =
    "Usage: relais admin COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  create-user      create an account; the password is read from stdin\n"
    "  list-users       list every account (--json for JSON)\n"
    "  reset-password   set an account's password, read from stdin; ends its sessions\n"
    "  load-demo        load the demo organisations, people and communities (once)\n"
    "  purge-audit      delete audit events older than the retention period\n"
    "  password-cost    show the argon2id parameters and time one password hash\n"
    "\n"
    "Run 'relais admin COMMAND --help' for a command's options. The commands use the\n"
    "server's settings (RELAIS_DATABASE_URL, RELAIS_DB_ROLE ...) and run their queries as\n"
    "RELAIS_DB_ROLE, like the server.";

/* ---- options ------------------------------------------------------------------------------ */

typedef struct opt {
    const char *name;           /* without the leading "--" */
    const char **value;         /* options taking a value */
    bool *flag;                 /* options without one */
} opt;

/*
 * Takes the command's own options out of argv and hands the rest (server settings such as
 * --database-url, and --help) to cli_load_config. Returns 0, 1 when help was printed, 2 on
 * a usage error.
 */
static int parse(int argc, char **argv, const opt *opts, config *c, const char *usage)
{
    /* Every exit leaves c initialised, so the caller can always config_free() it. */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest) {
        config_defaults(c);
        return 2;
    }
    int nrest = 0;
    rest[nrest++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const opt *o = NULL;
        const char *inline_value = NULL;
        if (!strncmp(a, "--", 2)) {
            for (const opt *p = opts; p->name && !o; p++) {
                size_t n = strlen(p->name);
                if (!strncmp(a + 2, p->name, n) && (a[2 + n] == '\0' || a[2 + n] == '=')) {
                    o = p;
                    inline_value = a[2 + n] == '=' ? a + 3 + n : NULL;
                }
            }
        }
        if (!o) {
            rest[nrest++] = argv[i];
            continue;
        }
        if (o->flag) {
            if (inline_value) {
                fprintf(stderr, "relais: option '--%s' takes no value\n", o->name);
                free(rest);
                config_defaults(c);
                return 2;
            }
            *o->flag = true;
        } else if (inline_value) {
            *o->value = inline_value;
        } else if (i + 1 < argc) {
            *o->value = argv[++i];
        } else {
            fprintf(stderr, "relais: option '--%s' needs a value\n", o->name);
            free(rest);
            config_defaults(c);
            return 2;
        }
    }
    int rc = cli_load_config(c, nrest, rest, usage);
    free(rest);
    return rc == 0 ? 0 : rc > 0 ? 1 : 2;
}

/* Reads one line from stdin without its line ending; false (message printed) when none. */
static bool read_password(char *out, size_t size)
{
    if (!fgets(out, (int)size, stdin)) {
        fprintf(stderr, "relais: expected the password on stdin (one line)\n");
        return false;
    }
    size_t n = strlen(out);
    if (n == size - 1 && out[n - 1] != '\n' && !feof(stdin)) {
        sodium_memzero(out, size);
        fprintf(stderr, "relais: the password line is too long\n");
        return false;
    }
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    return true;
}

/* ---- the database ------------------------------------------------------------------------- */

typedef struct session {
    config cfg;
    db_pool *pool;
    db_conn *db;
    arena *arena;
    audit_ctx ctx;
} session;

/* One connection as RELAIS_DB_ROLE, like the server's. 0, or 1 (message printed). */
static int session_open(session *s, const char *command)
{
    db_pool_options po = {
        .url = s->cfg.database_url,
        .size = 1,
        .acquire_timeout_ms = s->cfg.db_acquire_timeout_ms,
        .connect_timeout_s = s->cfg.db_connect_timeout_s,
        .statement_timeout_ms = 0,
        .role = s->cfg.db_role,
        .application_name = "relais-admin",
    };
    s->arena = arena_create(4096);
    s->pool = s->arena ? db_pool_open(&po) : NULL;
    if (!s->pool || db_pool_acquire(s->pool, &s->db) != ST_OK) {
        fprintf(stderr, "relais: cannot connect to the database (RELAIS_DATABASE_URL) as role "
                        "'%s'\n", s->cfg.db_role);
        return 1;
    }
    s->ctx.user_agent = arena_printf(s->arena, "relais admin %s", command);
    return 0;
}

static void session_close(session *s)
{
    if (s->db)
        db_pool_release(s->pool, s->db);
    db_pool_close(s->pool);
    arena_destroy(s->arena);
    config_free(&s->cfg);
}

static int db_failed(const char *what, rstatus st)
{
    fprintf(stderr, "relais: %s failed: %s%s\n", what, status_message(st),
            st == ST_INTERNAL ? " (has the database been migrated? run 'relais migrate')" : "");
    return 1;
}

/* ---- create-user ------------------------------------------------------------------------- */

static const char create_usage[] =
    "Usage: relais admin create-user --email E --name N [--org ORG] [--org-kind KIND]\n"
    "                                [--job-title T] [--admin | --guest] --password-stdin\n"
    "\n"
    "Creates an active account whose password is the first line of stdin (checked against\n"
    "the password policy: 12 characters or more, not a common password). --org names the\n"
    "person's organisation, created with --org-kind (ght, ars, esms or other; default\n"
    "other) when no organisation has this name. --admin makes a platform administrator;\n"
    "--guest an external partner (no organisation).\n"
    "  e.g.  printf '%s\\n' \"$PASSWORD\" | relais admin create-user --email a@b.fr \\\n"
    "            --name 'Anne Martin' --org 'GHT Vaucluse' --org-kind ght --password-stdin";

static bool org_kind_ok(const char *k)
{
    return !strcmp(k, "ght") || !strcmp(k, "ars") || !strcmp(k, "esms") || !strcmp(k, "other");
}

static int create_user(int argc, char **argv)
{
    session s = {0};
    const char *email = NULL, *name = NULL, *org = NULL, *org_kind = "other", *job = NULL;
    bool admin = false, guest = false, from_stdin = false;
    const opt opts[] = {{"email", &email, NULL},      {"name", &name, NULL},
                        {"org", &org, NULL},          {"org-kind", &org_kind, NULL},
                        {"job-title", &job, NULL},    {"admin", NULL, &admin},
                        {"guest", NULL, &guest},      {"password-stdin", NULL, &from_stdin},
                        {NULL, NULL, NULL}};
    int rc = parse(argc, argv, opts, &s.cfg, create_usage);
    if (rc != 0) {
        config_free(&s.cfg);
        return rc == 1 ? 0 : 2;
    }
    const char *problem = NULL;
    if (!email || !name || !from_stdin)
        problem = "--email, --name and --password-stdin are required";
    else if (!people_email_ok(email))
        problem = "--email is not an e-mail address";
    else if (!*name || people_text_problem(name, PEOPLE_NAME_MAX, false))
        problem = "--name must be 1 to 120 characters on one line";
    else if (job && people_text_problem(job, PEOPLE_JOB_MAX, false))
        problem = "--job-title must be at most 120 characters on one line";
    else if (org && (!*org || people_text_problem(org, PEOPLE_ORG_NAME_MAX, false)))
        problem = "--org must be 1 to 200 characters on one line";
    else if (!org_kind_ok(org_kind))
        problem = "--org-kind must be ght, ars, esms or other";
    else if (guest && (org || admin))
        problem = "an external partner (--guest) has no organisation and is not an admin";
    if (problem) {
        fprintf(stderr, "relais: %s (see --help)\n", problem);
        config_free(&s.cfg);
        return 2;
    }

    char password[4 * AUTH_PASSWORD_MAX + 2], err[256], hash[AUTH_HASH_BYTES];
    if (!read_password(password, sizeof password)) {
        config_free(&s.cfg);
        return 1;
    }
    rstatus st = auth_password_check(password, email, name, err, sizeof err);
    if (st == ST_OK)
        st = auth_password_hash(password, hash);
    sodium_memzero(password, sizeof password);
    if (st != ST_OK) {
        fprintf(stderr, "relais: %s\n", st == ST_UNPROCESSABLE ? err : status_message(st));
        config_free(&s.cfg);
        return 1;
    }

    if (session_open(&s, "create-user") != 0) {
        session_close(&s);
        return 1;
    }
    people_new_user u = {.email = email, .display_name = name, .guest = guest, .admin = admin,
                         .job_title = job, .password_hash = hash};
    bool org_created = false;
    long long id = 0;
    const char *why = NULL;
    st = db_begin(s.db);
    if (st == ST_OK && org)
        st = people_org_find_or_create(s.db, org, org_kind, &u.organisation, &org_created);
    if (st == ST_OK && org_created) {
        json_t *d = json_pack("{s:s, s:s, s:s}", "name", org, "kind", org_kind, "via", "cli");
        st = audit_record(s.db, &s.ctx, "organisation.created", "organisation",
                          arena_printf(s.arena, "%lld", u.organisation), 0, d);
        json_decref(d);
    }
    if (st == ST_OK)
        st = people_account_create(s.db, s.arena, &s.ctx, &u, "cli", NULL, NULL, &id, &why);
    if (st == ST_OK)
        st = db_commit(s.db);
    if (st != ST_OK) {
        db_rollback(s.db);
        session_close(&s);
        if (why) {
            fprintf(stderr, "relais: %s\n", why);
            return 1;
        }
        return db_failed("create-user", st);
    }
    printf("created %s%s account %lld for %s%s%s\n", admin ? "administrator" : "user",
           guest ? " (external partner)" : "", id, email, org_created ? " in new organisation " : "",
           org_created ? org : "");
    session_close(&s);
    return 0;
}

/* ---- list-users ---------------------------------------------------------------------------- */

static const char list_usage[] =
    "Usage: relais admin list-users [--json]\n"
    "\n"
    "Lists every account: id, e-mail, name, kind, platform role, status and organisation\n"
    "(--json: a JSON array of the objects GET /api/admin/users returns).";

static const char *str(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* Prints s then spaces up to width characters (not bytes: names have accents). */
static void column(const char *s, int width)
{
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    printf("%s%*s ", s, chars < width ? width - chars : 0, "");
}

static int list_users(int argc, char **argv)
{
    session s = {0};
    bool as_json = false;
    const opt opts[] = {{"json", NULL, &as_json}, {NULL, NULL, NULL}};
    int rc = parse(argc, argv, opts, &s.cfg, list_usage);
    if (rc != 0) {
        config_free(&s.cfg);
        return rc == 1 ? 0 : 2;
    }
    if (session_open(&s, "list-users") != 0) {
        session_close(&s);
        return 1;
    }
    const char *text;
    rstatus st = people_user_list_all_json(s.db, s.arena, &text);
    if (st != ST_OK) {
        session_close(&s);
        return db_failed("list-users", st);
    }
    if (as_json) {
        printf("%s\n", text);
    } else {
        json_t *list = json_loads(text, 0, NULL);
        size_t i;
        json_t *u;
        printf("%-6s %-40s %-28s %-6s %-6s %-12s %s\n", "ID", "EMAIL", "NAME", "KIND", "ROLE",
               "STATUS", "ORGANISATION");
        json_array_foreach(list, i, u) {
            printf("%-6lld ", (long long)json_integer_value(json_object_get(u, "id")));
            column(str(u, "email"), 40);
            column(str(u, "display_name"), 28);
            column(str(u, "kind"), 6);
            column(str(u, "platform_role"), 6);
            column(str(u, "status"), 12);
            printf("%s\n", str(json_object_get(u, "organisation"), "name"));
        }
        json_decref(list);
    }
    session_close(&s);
    return 0;
}

/* ---- reset-password ------------------------------------------------------------------------ */

static const char reset_usage[] =
    "Usage: relais admin reset-password --email E --password-stdin\n"
    "\n"
    "Sets the account's password to the first line of stdin (checked against the password\n"
    "policy) and ends every session the account has open.";

static int reset_password(int argc, char **argv)
{
    session s = {0};
    const char *email = NULL;
    bool from_stdin = false;
    const opt opts[] = {{"email", &email, NULL}, {"password-stdin", NULL, &from_stdin},
                        {NULL, NULL, NULL}};
    int rc = parse(argc, argv, opts, &s.cfg, reset_usage);
    if (rc != 0) {
        config_free(&s.cfg);
        return rc == 1 ? 0 : 2;
    }
    if (!email || !from_stdin) {
        fprintf(stderr, "relais: --email and --password-stdin are required (see --help)\n");
        config_free(&s.cfg);
        return 2;
    }
    char password[4 * AUTH_PASSWORD_MAX + 2], err[256], hash[AUTH_HASH_BYTES];
    if (!read_password(password, sizeof password)) {
        config_free(&s.cfg);
        return 1;
    }
    if (session_open(&s, "reset-password") != 0) {
        sodium_memzero(password, sizeof password);
        session_close(&s);
        return 1;
    }
    long long id = 0;
    const char *name = NULL;
    rstatus st = people_user_by_email(s.db, s.arena, email, &id, &name);
    if (st == ST_OK)
        st = auth_password_check(password, email, name, err, sizeof err);
    if (st == ST_OK)
        st = auth_password_hash(password, hash);
    sodium_memzero(password, sizeof password);
    if (st == ST_OK)
        st = db_begin(s.db);
    if (st == ST_OK)
        st = people_password_set(s.db, email, hash, &id);
    if (st == ST_OK) {
        json_t *d = json_pack("{s:s}", "via", "cli");
        st = audit_record(s.db, &s.ctx, "password.reset", "user",
                          arena_printf(s.arena, "%lld", id), 0, d);
        json_decref(d);
    }
    if (st == ST_OK)
        st = db_commit(s.db);
    if (st != ST_OK) {
        db_rollback(s.db);
        session_close(&s);
        if (st == ST_NOT_FOUND) {
            fprintf(stderr, "relais: no account has the address %s\n", email);
            return 1;
        }
        if (st == ST_UNPROCESSABLE) {
            fprintf(stderr, "relais: %s\n", err);
            return 1;
        }
        return db_failed("reset-password", st);
    }
    printf("password changed for %s; its sessions were ended\n", email);
    session_close(&s);
    return 0;
}

/* ---- load-demo ------------------------------------------------------------------------------ */

static const char demo_usage[] =
    "Usage: relais admin load-demo [--logins-file PATH] [--documents-dir DIR]\n"
    "\n"
    "Loads the demo data set: a GHT, an ARS and two ESMS, about a dozen people (one\n"
    "administrator, one external partner) and communities of every visibility, one of them\n"
    "archived; then their document library: a dozen documents in folders, with tags, workflow\n"
    "statuses and a few second versions, whose files are copied from DIR (default: the source\n"
    "tree's scripts/demo/documents) into the blob store under RELAIS_DATA_DIR, ready for search.\n"
    "Each part is loaded once: a second run changes nothing (exit status 0 either way), and a\n"
    "run after one that could not load the documents adds them. When DIR does not exist the\n"
    "people and communities are still loaded, without documents, a warning is printed and the\n"
    "exit status is 0; any other failure with the documents exits with 1.\n"
    "Prints the demo logins on stdout, and writes them to PATH (mode 0600) when given.";

static int load_demo(int argc, char **argv)
{
    session s = {0};
    const char *logins = NULL, *docs_dir = RELAIS_SOURCE_DIR "/scripts/demo/documents";
    const opt opts[] = {{"logins-file", &logins, NULL}, {"documents-dir", &docs_dir, NULL},
                        {NULL, NULL, NULL}};
    int rc = parse(argc, argv, opts, &s.cfg, demo_usage);
    if (rc != 0) {
        config_free(&s.cfg);
        return rc == 1 ? 0 : 2;
    }
    if (session_open(&s, "load-demo") != 0) {
        session_close(&s);
        return 1;
    }
    /* One hash for every demo account: they share the password anyway. */
    char hash[AUTH_HASH_BYTES];
    bool loaded = false, docs_loaded = false, docs_missing = false;
    rstatus st = auth_password_hash(people_demo_password, hash);
    if (st == ST_OK)
        st = people_demo_load(s.db, hash, &loaded);
    if (st != ST_OK) {
        session_close(&s);
        return db_failed("load-demo", st);
    }
    /* The documents come after the people they belong to, in a transaction of their own. */
    struct stat sb;
    rstatus ds = ST_OK;
    if (stat(docs_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        docs_missing = true;
    else
        ds = doc_demo_load(s.db, s.cfg.data_dir, docs_dir, &docs_loaded);
    session_close(&s);
    if (loaded)
        fprintf(stderr, "relais: demo data loaded\n");
    else
        fprintf(stderr, "relais: demo data already present%s\n",
                docs_loaded || ds != ST_OK ? "" : "; nothing changed");
    if (docs_loaded)
        fprintf(stderr, "relais: demo documents loaded from %s\n", docs_dir);
    if (docs_missing)
        fprintf(stderr, "relais: no demo documents: %s is not a directory (--documents-dir); "
                        "the people and communities have an empty library\n", docs_dir);
    if (ds == ST_NOT_FOUND)
        fprintf(stderr, "relais: loading the demo documents failed: a file is missing from %s "
                        "(see above); no document was loaded, run load-demo again to retry\n",
                docs_dir);
    else if (ds != ST_OK)
        fprintf(stderr, "relais: loading the demo documents failed: %s; no document was "
                        "loaded, run load-demo again to retry\n", status_message(ds));
    people_demo_print_logins(stdout);
    if (logins) {
        FILE *f = fopen(logins, "w");
        if (!f || fchmod(fileno(f), 0600) != 0) {
            fprintf(stderr, "relais: cannot write %s\n", logins);
            if (f)
                fclose(f);
            return 1;
        }
        people_demo_print_logins(f);
        if (fclose(f) != 0) {
            fprintf(stderr, "relais: cannot write %s\n", logins);
            return 1;
        }
    }
    return ds == ST_OK ? 0 : 1;
}

/* ---- purge-audit ----------------------------------------------------------------------------- */

static const char purge_usage[] =
    "Usage: relais admin purge-audit [--days N]\n"
    "\n"
    "Deletes audit events older than N days (default: RELAIS_AUDIT_RETENTION_DAYS). The\n"
    "server does this by itself at start and every 24 hours.";

static int purge_audit(int argc, char **argv)
{
    session s = {0};
    const char *days_arg = NULL;
    const opt opts[] = {{"days", &days_arg, NULL}, {NULL, NULL, NULL}};
    int rc = parse(argc, argv, opts, &s.cfg, purge_usage);
    if (rc != 0) {
        config_free(&s.cfg);
        return rc == 1 ? 0 : 2;
    }
    int days = s.cfg.audit_retention_days;
    if (days_arg) {
        char *end;
        long v = strtol(days_arg, &end, 10);
        if (*end || v < 1 || v > 36500 || days_arg[0] < '0' || days_arg[0] > '9') {
            fprintf(stderr, "relais: --days must be a number of days from 1 to 36500\n");
            config_free(&s.cfg);
            return 2;
        }
        days = (int)v;
    }
    if (session_open(&s, "purge-audit") != 0) {
        session_close(&s);
        return 1;
    }
    long long deleted = 0;
    rstatus st = audit_purge(s.db, days, &deleted);
    session_close(&s);
    if (st != ST_OK)
        return db_failed("purge-audit", st);
    printf("deleted %lld audit events older than %d days\n", deleted, days);
    return 0;
}

/* ---- password-cost --------------------------------------------------------------------------- */

static const char cost_usage[] =
    "Usage: relais admin password-cost\n"
    "\n"
    "Prints the argon2id parameters passwords are hashed with and how long one hash (the\n"
    "work of one login) takes on this machine.";

static int password_cost(int argc, char **argv)
{
    config c;
    const opt opts[] = {{NULL, NULL, NULL}};
    int rc = parse(argc, argv, opts, &c, cost_usage);
    config_free(&c);
    if (rc != 0)
        return rc == 1 ? 0 : 2;
    char hash[AUTH_HASH_BYTES];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rstatus st = auth_password_hash("correct horse battery staple, timed", hash);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st != ST_OK)
        return db_failed("hashing", st);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("argon2id: opslimit %llu, memlimit %zu MiB, parallelism 1\n", auth_argon2_opslimit,
           auth_argon2_memlimit >> 20);
    printf("one hash: %.0f ms\n", ms);
    return 0;
}

/* ---- the command table ----------------------------------------------------------------------- */

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} subcommands[] = {
    {"create-user", create_user},     {"list-users", list_users},
    {"reset-password", reset_password}, {"load-demo", load_demo},
    {"purge-audit", purge_audit},     {"password-cost", password_cost},
};

int cmd_admin(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "%s\n", admin_usage);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        printf("%s\n", admin_usage);
        return 0;
    }
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (!strcmp(argv[1], subcommands[i].name))
            return subcommands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "relais: unknown admin command '%s'\n\n%s\n", argv[1], admin_usage);
    return 2;
}
