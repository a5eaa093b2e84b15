/* workqueue.h - a fixed set of threads running submitted jobs in FIFO order. */
#ifndef RELAIS_WORKQUEUE_H
#define RELAIS_WORKQUEUE_H

/*
 * Used for request handlers (http/server.c) and reusable for background work.
 * Jobs may block (database, disk); that is what the threads are for.
 * submit is thread-safe; destroy waits for queued and running jobs to finish.
 */
typedef struct workqueue workqueue;

workqueue *workqueue_create(int nthreads, const char *name);
/* Queues fn(arg). Returns 0, or -1 when out of memory or shutting down. */
int workqueue_submit(workqueue *q, void (*fn)(void *), void *arg);
/* Jobs queued but not started. */
int workqueue_pending(workqueue *q);
/* Runs every queued job, joins the threads, frees q. */
void workqueue_destroy(workqueue *q);

#endif
