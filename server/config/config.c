/* config.c - defaults, RELAIS_* environment variables and --flags, from one table. */
#include "config/config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_STR, K_INT, K_SIZE, K_BOOL };

struct setting {
    const char *flag;       /* without the leading "--" */
    const char *env;
    enum kind kind;
    size_t offset;
    long long min, max;
    const char *def;
    const char *help;
};

#define F(field) offsetof(config, field)
static const struct setting settings[] = {
    {"bind", "RELAIS_BIND", K_STR, F(bind), 0, 0, "127.0.0.1", "address to listen on"},
    {"port", "RELAIS_PORT", K_INT, F(port), 0, 65535, "8080", "TCP port (0 picks a free one)"},
    {"database-url", "RELAIS_DATABASE_URL", K_STR, F(database_url), 0, 0,
     "postgresql:///relais", "PostgreSQL connection string (libpq URI or conninfo)"},
    {"data-dir", "RELAIS_DATA_DIR", K_STR, F(data_dir), 0, 0, "var/data",
     "directory for blobs and the search index"},
    {"web-dir", "RELAIS_WEB_DIR", K_STR, F(web_dir), 0, 0, RELAIS_SOURCE_DIR "/web",
     "directory of the browser app's static files"},
    {"migrations-dir", "RELAIS_MIGRATIONS_DIR", K_STR, F(migrations_dir), 0, 0,
     RELAIS_SOURCE_DIR "/migrations", "directory of NNNN_name.sql migrations"},
    {"io-threads", "RELAIS_IO_THREADS", K_INT, F(io_threads), 1, 64, "2",
     "threads polling sockets (never block)"},
    {"workers", "RELAIS_WORKERS", K_INT, F(workers), 0, 512, "0",
     "threads running handlers that may block on the database or disk (0 = 4 per CPU, 8 to 64)"},
    {"db-pool-size", "RELAIS_DB_POOL_SIZE", K_INT, F(db_pool_size), 0, 1000, "0",
     "database connections (0 = workers + 4)"},
    {"db-acquire-timeout-ms", "RELAIS_DB_ACQUIRE_TIMEOUT_MS", K_INT, F(db_acquire_timeout_ms),
     1, 600000, "3000", "wait for a free connection before answering 503"},
    {"db-connect-timeout", "RELAIS_DB_CONNECT_TIMEOUT", K_INT, F(db_connect_timeout_s), 1, 600,
     "2", "seconds to wait when (re)connecting to PostgreSQL"},
    {"statement-timeout-ms", "RELAIS_STATEMENT_TIMEOUT_MS", K_INT, F(statement_timeout_ms), 0,
     3600000, "30000", "longest SQL statement before PostgreSQL cancels it (0 = none)"},
    {"db-role", "RELAIS_DB_ROLE", K_STR, F(db_role), 0, 0, "relais_app",
     "database role the server's queries run as (SET ROLE; empty = the login role)"},
    {"max-connections", "RELAIS_MAX_CONNECTIONS", K_INT, F(max_connections), 1, 100000, "1024",
     "open HTTP connections at most"},
    {"max-connections-per-ip", "RELAIS_MAX_CONNECTIONS_PER_IP", K_INT,
     F(max_connections_per_ip), 0, 100000, "256", "HTTP connections per client address (0 = no limit)"},
    {"connection-timeout", "RELAIS_CONNECTION_TIMEOUT", K_INT, F(connection_timeout_s), 1, 3600,
     "30", "seconds an idle connection is kept"},
    {"connection-memory", "RELAIS_CONNECTION_MEMORY", K_SIZE, F(connection_memory), 8192,
     16 << 20, "65536", "bytes libmicrohttpd may use per connection (headers, buffers)"},
    {"max-json-body", "RELAIS_MAX_JSON_BODY", K_SIZE, F(max_json_body), 1024, 256 << 20,
     "1048576", "largest JSON request body in bytes"},
    {"max-upload", "RELAIS_MAX_UPLOAD", K_SIZE, F(max_upload), 1024, INT64_MAX, "536870912",
     "largest uploaded file in bytes"},
    {"shutdown-timeout", "RELAIS_SHUTDOWN_TIMEOUT", K_INT, F(shutdown_timeout_s), 0, 600, "10",
     "seconds to let in-flight requests finish on SIGTERM"},
    {"migrate-on-start", "RELAIS_MIGRATE_ON_START", K_BOOL, F(migrate_on_start), 0, 1, "1",
     "apply pending migrations when serve starts"},
    {"access-log", "RELAIS_ACCESS_LOG", K_BOOL, F(access_log), 0, 1, "1",
     "one JSON line per request on stderr"},
    {"test-hooks", "RELAIS_TEST_HOOKS", K_BOOL, F(test_hooks), 0, 1, "0",
     "enable the /api/_test routes (test suites only, never in production)"},
    {"metrics-allow", "RELAIS_METRICS_ALLOW", K_STR, F(metrics_allow), 0, 0, "loopback",
     "who may read /metrics: loopback or any"},
    {"log-level", "RELAIS_LOG_LEVEL", K_STR, F(log_level), 0, 0, "info",
     "debug, info, warn or error"},
    {"session-idle-minutes", "RELAIS_SESSION_IDLE_MINUTES", K_INT, F(session_idle_minutes), 1,
     1440, "30", "a session unused this long ends"},
    {"session-max-hours", "RELAIS_SESSION_MAX_HOURS", K_INT, F(session_max_hours), 1, 720, "12",
     "a session ends this long after login, used or not"},
    {"cookie-secure", "RELAIS_COOKIE_SECURE", K_BOOL, F(cookie_secure), 0, 1, "0",
     "served over HTTPS (behind a TLS proxy): Secure cookie with the __Host- prefix"},
    {"public-origin", "RELAIS_PUBLIC_ORIGIN", K_STR, F(public_origin), 0, 0, "",
     "the origin browsers use (https://relais.example.fr); empty = trust the Host header"},
    {"secret-key-file", "RELAIS_SECRET_KEY_FILE", K_STR, F(secret_key_file), 0, 0, "",
     "key that signs e-mailed links; created if missing (empty = DATA_DIR/secret.key)"},
    {"audit-retention-days", "RELAIS_AUDIT_RETENTION_DAYS", K_INT, F(audit_retention_days), 1,
     36500, "365", "audit events older than this are purged"},
    {"sweep-interval", "RELAIS_SWEEP_INTERVAL", K_INT, F(sweep_interval_s), 0, 7 * 86400, "3600",
     "seconds between two passes of serve's sweeper (trash, unreferenced blobs, stale uploads; "
     "0 = none)"},
    {"sweep-grace", "RELAIS_SWEEP_GRACE", K_INT, F(sweep_grace_s), 1, 30 * 86400, "3600",
     "seconds an unreferenced blob or temporary upload is kept (an hour or more in production)"},
};
#undef F
#define NSETTINGS (sizeof settings / sizeof settings[0])

static int set_value(config *c, const struct setting *s, const char *value, const char *origin)
{
    void *field = (char *)c + s->offset;
    char *end;
    switch (s->kind) {
    case K_STR: {
        char *copy = strdup(value);
        if (!copy)
            return -1;
        free(*(char **)field);
        *(char **)field = copy;
        return 0;
    }
    case K_INT:
    case K_SIZE: {
        errno = 0;
        long long n = strtoll(value, &end, 10);
        if (errno || end == value || *end || n < s->min || n > s->max) {
            fprintf(stderr, "relais: %s must be an integer from %lld to %lld, not '%s'\n",
                    origin, s->min, s->max, value);
            return -1;
        }
        if (s->kind == K_INT)
            *(int *)field = (int)n;
        else
            *(size_t *)field = (size_t)n;
        return 0;
    }
    case K_BOOL:
        if (!strcmp(value, "1") || !strcasecmp(value, "true") || !strcasecmp(value, "yes") ||
            !strcasecmp(value, "on")) {
            *(bool *)field = true;
        } else if (!strcmp(value, "0") || !strcasecmp(value, "false") ||
                   !strcasecmp(value, "no") || !strcasecmp(value, "off")) {
            *(bool *)field = false;
        } else {
            fprintf(stderr, "relais: %s must be 1/0, true/false, yes/no or on/off, not '%s'\n",
                    origin, value);
            return -1;
        }
        return 0;
    }
    return -1;
}

void config_defaults(config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < NSETTINGS; i++)
        if (set_value(c, &settings[i], settings[i].def, settings[i].flag) != 0)
            abort();    /* cannot happen: defaults are checked by the unit tests */
}

int config_from_env(config *c)
{
    for (size_t i = 0; i < NSETTINGS; i++) {
        const char *v = getenv(settings[i].env);
        if (v && *v && set_value(c, &settings[i], v, settings[i].env) != 0)
            return -1;
    }
    return 0;
}

static const struct setting *find_flag(const char *name, size_t len)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        if (strlen(settings[i].flag) == len && !strncmp(settings[i].flag, name, len))
            return &settings[i];
    return NULL;
}

int config_from_args(config *c, int argc, char **argv, int first, FILE *out, const char *usage)
{
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fprintf(out, "%s\n", usage);
            config_print_help(out);
            return 1;
        }
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "relais: unexpected argument '%s' (see --help)\n", a);
            return -1;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct setting *s = find_flag(name, len);
        if (!s && !eq && len > 3 && !strncmp(name, "no-", 3)) {
            s = find_flag(name + 3, len - 3);
            if (s && s->kind == K_BOOL) {
                if (set_value(c, s, "0", a) != 0)
                    return -1;
                continue;
            }
            s = NULL;
        }
        if (!s) {
            fprintf(stderr, "relais: unknown option '%s' (see --help)\n", a);
            return -1;
        }
        const char *value;
        if (eq) {
            value = eq + 1;
        } else if (s->kind == K_BOOL) {
            value = "1";
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            fprintf(stderr, "relais: option '%s' needs a value\n", a);
            return -1;
        }
        if (set_value(c, s, value, a) != 0)
            return -1;
    }
    return 0;
}

int config_validate(const config *c)
{
    if (strcmp(c->metrics_allow, "loopback") && strcmp(c->metrics_allow, "any")) {
        fprintf(stderr, "relais: RELAIS_METRICS_ALLOW must be 'loopback' or 'any'\n");
        return -1;
    }
    if (strcmp(c->log_level, "debug") && strcmp(c->log_level, "info") &&
        strcmp(c->log_level, "warn") && strcmp(c->log_level, "error")) {
        fprintf(stderr, "relais: RELAIS_LOG_LEVEL must be debug, info, warn or error\n");
        return -1;
    }
    return 0;
}

void config_print_help(FILE *out)
{
    fprintf(out, "\nSettings (flag, environment variable, default):\n");
    for (size_t i = 0; i < NSETTINGS; i++) {
        const struct setting *s = &settings[i];
        fprintf(out, "  --%-24s %-30s %s\n      %s\n", s->flag, s->env, s->def, s->help);
    }
}

void config_free(config *c)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        if (settings[i].kind == K_STR) {
            char **p = (char **)((char *)c + settings[i].offset);
            free(*p);
            *p = NULL;
        }
}
