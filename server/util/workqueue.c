/* workqueue.c - mutex + condition variable job queue served by N threads. */
#include "util/workqueue.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

struct job {
    struct job *next;
    void (*fn)(void *);
    void *arg;
};

struct workqueue {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    struct job *head, *tail;
    int pending;
    bool closing;
    int nthreads;
    pthread_t *threads;
    char name[16];
};

static void *worker_main(void *p)
{
    workqueue *q = p;
    pthread_setname_np(pthread_self(), q->name);
    for (;;) {
        pthread_mutex_lock(&q->lock);
        while (!q->head && !q->closing)
            pthread_cond_wait(&q->ready, &q->lock);
        struct job *j = q->head;
        if (!j) {
            pthread_mutex_unlock(&q->lock);
            return NULL;        /* closing and drained */
        }
        q->head = j->next;
        if (!q->head)
            q->tail = NULL;
        q->pending--;
        pthread_mutex_unlock(&q->lock);
        j->fn(j->arg);
        free(j);
    }
}

workqueue *workqueue_create(int nthreads, const char *name)
{
    workqueue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->threads = calloc((size_t)nthreads, sizeof *q->threads);
    if (!q->threads) {
        free(q);
        return NULL;
    }
    snprintf(q->name, sizeof q->name, "%s", name);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->ready, NULL);
    for (int i = 0; i < nthreads; i++) {
        if (pthread_create(&q->threads[i], NULL, worker_main, q) != 0) {
            log_error("workqueue %s: could only start %d of %d threads", name, i, nthreads);
            break;
        }
        q->nthreads++;
    }
    if (q->nthreads == 0) {
        workqueue_destroy(q);
        return NULL;
    }
    return q;
}

int workqueue_submit(workqueue *q, void (*fn)(void *), void *arg)
{
    struct job *j = malloc(sizeof *j);
    if (!j)
        return -1;
    j->fn = fn;
    j->arg = arg;
    j->next = NULL;
    pthread_mutex_lock(&q->lock);
    if (q->closing) {
        pthread_mutex_unlock(&q->lock);
        free(j);
        return -1;
    }
    if (q->tail)
        q->tail->next = j;
    else
        q->head = j;
    q->tail = j;
    q->pending++;
    pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->lock);
    return 0;
}

int workqueue_pending(workqueue *q)
{
    pthread_mutex_lock(&q->lock);
    int n = q->pending;
    pthread_mutex_unlock(&q->lock);
    return n;
}

void workqueue_destroy(workqueue *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->closing = true;
    pthread_cond_broadcast(&q->ready);
    pthread_mutex_unlock(&q->lock);
    for (int i = 0; i < q->nthreads; i++)
        pthread_join(q->threads[i], NULL);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->ready);
    free(q->threads);
    free(q);
}
