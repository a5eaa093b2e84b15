/* app.h - the process-wide context every request can reach (settings, pool, caches). */
#ifndef RELAIS_APP_H
#define RELAIS_APP_H

#include <stdatomic.h>

#include "auth/auth.h"
#include "config/config.h"
#include "db/pool.h"

struct static_files;
struct workqueue;
struct MHD_Daemon;

/*
 * One app per serving process, built by cli/serve.c. Handlers read it (through
 * request->app) but never change it; the counters are atomics.
 */
typedef struct app {
    const config *cfg;
    auth_settings auth;
    db_pool *pool;
    struct static_files *web;
    struct workqueue *workers;
    struct MHD_Daemon *daemon;
    atomic_int in_flight;       /* requests begun and not yet completed */
    atomic_bool stopping;
} app;

#endif
