/* metrics.c - atomic per-route counters; rendering in Prometheus text format. */
#include "ops/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "router/router.h"
#include "util/workqueue.h"

static const int tracked_status[] = {200, 201, 202, 204, 206, 301, 302, 304, 400, 401, 403,
                                     404, 405, 409, 410, 413, 414, 415, 416, 422, 429, 431,
                                     500, 501, 503};
#define NSTATUS (int)(sizeof tracked_status / sizeof tracked_status[0])
#define STATUS_OTHER NSTATUS

static const double bucket_le[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                   0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (int)(sizeof bucket_le / sizeof bucket_le[0])

struct route_counters {
    atomic_ullong by_status[NSTATUS + 1];
    atomic_ullong buckets[NBUCKETS + 1];    /* last = +Inf; not cumulative here */
    atomic_ullong sum_us;
};

/* slot 0: unmatched, 1: static files, 2 + i: router_routes[i] */
static struct route_counters *counters;
static int nslots;

int metrics_init(void)
{
    nslots = router_nroutes + 2;
    counters = calloc((size_t)nslots, sizeof *counters);
    return counters ? 0 : -1;
}

void metrics_shutdown(void)
{
    free(counters);
    counters = NULL;
}

static int slot_of(int route_index)
{
    if (route_index == ROUTE_INDEX_STATIC)
        return 1;
    if (route_index >= 0 && route_index < router_nroutes)
        return route_index + 2;
    return 0;
}

void metrics_record(int route_index, int http_status, double seconds)
{
    if (!counters)
        return;
    struct route_counters *c = &counters[slot_of(route_index)];
    int s = STATUS_OTHER;
    for (int i = 0; i < NSTATUS; i++)
        if (tracked_status[i] == http_status) {
            s = i;
            break;
        }
    atomic_fetch_add_explicit(&c->by_status[s], 1, memory_order_relaxed);
    int b = NBUCKETS;
    for (int i = 0; i < NBUCKETS; i++)
        if (seconds <= bucket_le[i]) {
            b = i;
            break;
        }
    atomic_fetch_add_explicit(&c->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->sum_us, (unsigned long long)(seconds * 1e6),
                              memory_order_relaxed);
}

static void slot_labels(int slot, const char **method, const char **pattern)
{
    if (slot == 0) {
        *method = "";
        *pattern = "unmatched";
    } else if (slot == 1) {
        *method = "GET";
        *pattern = "static";
    } else {
        *method = router_routes[slot - 2].method;
        *pattern = router_routes[slot - 2].pattern;
    }
}

void metrics_render(buf *b, app *a)
{
    buf_puts(b, "# HELP relais_http_requests_total HTTP requests answered, by route and status.\n"
                "# TYPE relais_http_requests_total counter\n");
    for (int i = 0; counters && i < nslots; i++) {
        const char *method, *pattern;
        slot_labels(i, &method, &pattern);
        for (int s = 0; s <= NSTATUS; s++) {
            unsigned long long n = atomic_load_explicit(&counters[i].by_status[s],
                                                        memory_order_relaxed);
            if (!n)
                continue;
            if (s < NSTATUS)
                buf_printf(b, "relais_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
                           method, pattern, tracked_status[s], n);
            else
                buf_printf(b, "relais_http_requests_total{method=\"%s\",route=\"%s\",status=\"other\"} %llu\n",
                           method, pattern, n);
        }
    }

    buf_puts(b, "# HELP relais_http_request_duration_seconds Time from first byte to response queued.\n"
                "# TYPE relais_http_request_duration_seconds histogram\n");
    for (int i = 0; counters && i < nslots; i++) {
        unsigned long long total = 0, cum[NBUCKETS + 1];
        for (int k = 0; k <= NBUCKETS; k++) {
            total += atomic_load_explicit(&counters[i].buckets[k], memory_order_relaxed);
            cum[k] = total;
        }
        if (!total)
            continue;
        const char *method, *pattern;
        slot_labels(i, &method, &pattern);
        for (int k = 0; k < NBUCKETS; k++)
            buf_printf(b, "relais_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
                       method, pattern, bucket_le[k], cum[k]);
        buf_printf(b, "relais_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
                   method, pattern, total);
        buf_printf(b, "relais_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n",
                   method, pattern,
                   (double)atomic_load_explicit(&counters[i].sum_us, memory_order_relaxed) / 1e6);
        buf_printf(b, "relais_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
                   method, pattern, total);
    }

    buf_printf(b, "# HELP relais_http_requests_in_flight Requests begun and not yet completed.\n"
                  "# TYPE relais_http_requests_in_flight gauge\n"
                  "relais_http_requests_in_flight %d\n", atomic_load(&a->in_flight));
    if (a->workers)
        buf_printf(b, "# HELP relais_worker_queue_length Requests waiting for a worker thread.\n"
                      "# TYPE relais_worker_queue_length gauge\n"
                      "relais_worker_queue_length %d\n", workqueue_pending(a->workers));
    if (a->pool) {
        db_pool_stats st;
        db_pool_get_stats(a->pool, &st);
        buf_printf(b,
                   "# HELP relais_db_pool_size Database connections the pool may open.\n"
                   "# TYPE relais_db_pool_size gauge\nrelais_db_pool_size %d\n"
                   "# HELP relais_db_pool_open Database connections open.\n"
                   "# TYPE relais_db_pool_open gauge\nrelais_db_pool_open %d\n"
                   "# HELP relais_db_pool_in_use Database connections lent to a thread.\n"
                   "# TYPE relais_db_pool_in_use gauge\nrelais_db_pool_in_use %d\n"
                   "# HELP relais_db_pool_waiting Threads waiting for a database connection.\n"
                   "# TYPE relais_db_pool_waiting gauge\nrelais_db_pool_waiting %d\n"
                   "# HELP relais_db_pool_acquire_timeouts_total Waits for a connection that timed out.\n"
                   "# TYPE relais_db_pool_acquire_timeouts_total counter\n"
                   "relais_db_pool_acquire_timeouts_total %llu\n"
                   "# HELP relais_db_connect_failures_total Failed attempts to connect to PostgreSQL.\n"
                   "# TYPE relais_db_connect_failures_total counter\n"
                   "relais_db_connect_failures_total %llu\n",
                   st.size, st.open, st.in_use, st.waiting, st.acquire_timeouts,
                   st.connect_failures);
    }
}

rstatus ops_metrics(request *r)
{
    buf b = BUF_INIT;
    metrics_render(&b, r->app);
    if (b.oom) {
        buf_free(&b);
        return ST_NOMEM;
    }
    rstatus st = reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
    buf_free(&b);
    return st;
}
