/* config.h - the server's settings, from RELAIS_* environment variables and flags. */
#ifndef RELAIS_CONFIG_H
#define RELAIS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * One struct holds every setting. config_defaults() fills it, config_from_env()
 * overrides from RELAIS_* variables, config_from_args() from --flags; the flag
 * wins. The table in config.c is the single list (it also prints --help and the
 * README's configuration section is written from it).
 */
typedef struct config {
    char *bind;                 /* RELAIS_BIND */
    int port;                   /* RELAIS_PORT; 0 picks a free port */
    char *database_url;         /* RELAIS_DATABASE_URL, libpq conninfo or URI */
    char *data_dir;             /* RELAIS_DATA_DIR */
    char *web_dir;              /* RELAIS_WEB_DIR */
    char *migrations_dir;       /* RELAIS_MIGRATIONS_DIR */
    int io_threads;             /* RELAIS_IO_THREADS: libmicrohttpd polling threads */
    int workers;                /* RELAIS_WORKERS: threads that run handlers */
    int db_pool_size;           /* RELAIS_DB_POOL_SIZE; 0 = workers + 4 */
    int db_acquire_timeout_ms;  /* RELAIS_DB_ACQUIRE_TIMEOUT_MS */
    int db_connect_timeout_s;   /* RELAIS_DB_CONNECT_TIMEOUT */
    int statement_timeout_ms;   /* RELAIS_STATEMENT_TIMEOUT_MS */
    char *db_role;              /* RELAIS_DB_ROLE: role the server's queries run as */
    int max_connections;        /* RELAIS_MAX_CONNECTIONS */
    int max_connections_per_ip; /* RELAIS_MAX_CONNECTIONS_PER_IP */
    int connection_timeout_s;   /* RELAIS_CONNECTION_TIMEOUT */
    size_t connection_memory;   /* RELAIS_CONNECTION_MEMORY: bytes per connection */
    size_t max_json_body;       /* RELAIS_MAX_JSON_BODY */
    size_t max_upload;          /* RELAIS_MAX_UPLOAD */
    int shutdown_timeout_s;     /* RELAIS_SHUTDOWN_TIMEOUT */
    bool migrate_on_start;      /* RELAIS_MIGRATE_ON_START */
    bool access_log;            /* RELAIS_ACCESS_LOG */
    bool test_hooks;            /* RELAIS_TEST_HOOKS: enables the /api/_test routes (tests only) */
    char *metrics_allow;        /* RELAIS_METRICS_ALLOW: "loopback" or "any" */
    char *log_level;            /* RELAIS_LOG_LEVEL */
    int session_idle_minutes;   /* RELAIS_SESSION_IDLE_MINUTES */
    int session_max_hours;      /* RELAIS_SESSION_MAX_HOURS */
    bool cookie_secure;         /* RELAIS_COOKIE_SECURE: HTTPS deployments */
    char *public_origin;        /* RELAIS_PUBLIC_ORIGIN: e.g. https://relais.example.fr */
    char *secret_key_file;      /* RELAIS_SECRET_KEY_FILE; "" = DATA_DIR/secret.key */
    int audit_retention_days;   /* RELAIS_AUDIT_RETENTION_DAYS */
    int sweep_interval_s;       /* RELAIS_SWEEP_INTERVAL: serve's sweeper; 0 = only `relais sweep` */
    int sweep_grace_s;          /* RELAIS_SWEEP_GRACE: age before an unreferenced file goes */
} config;

void config_defaults(config *c);

/* Returns 0, or -1 after printing the offending variable to stderr. */
int config_from_env(config *c);

/*
 * Parses --name=value / --name value flags from argv[first..argc). Unknown
 * flags are an error. Returns 0, -1 on error (message printed), 1 if --help
 * was given (help printed to out).
 */
int config_from_args(config *c, int argc, char **argv, int first, FILE *out, const char *usage);

/* Checks cross-field constraints; prints and returns -1 if invalid. */
int config_validate(const config *c);

/* Prints the settings table (flag, variable, default, meaning). */
void config_print_help(FILE *out);

void config_free(config *c);

#endif
