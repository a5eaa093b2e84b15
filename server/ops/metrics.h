/* metrics.h - request counters and latency histograms, rendered for Prometheus. */
#ifndef RELAIS_OPS_METRICS_H
#define RELAIS_OPS_METRICS_H

#include "http/request.h"
#include "util/buf.h"

struct app;

/* Allocates counters for every route of the table. Call once before serving. */
int metrics_init(void);
void metrics_shutdown(void);

/* Counts one finished request. Lock-free; any thread. */
void metrics_record(int route_index, int http_status, double seconds);

/* Appends the Prometheus text exposition (format 0.0.4) to b. */
void metrics_render(buf *b, struct app *app);

/* GET /metrics */
rstatus ops_metrics(request *r);

#endif
