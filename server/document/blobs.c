/* blobs.c - the process's blob store under DATA_DIR/blobs, and the sweeper's reference question. */
#include <pthread.h>
#include <stdio.h>

#include "app.h"
#include "document/document.h"
#include "util/log.h"

static pthread_mutex_t once_lock = PTHREAD_MUTEX_INITIALIZER;
static blob_store *store;

rstatus doc_blobs(const request *r, blob_store **out)
{
    pthread_mutex_lock(&once_lock);
    rstatus st = ST_OK;
    if (!store) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/blobs", r->app->cfg->data_dir);
        st = blob_store_open(dir, &store);
        if (st != ST_OK)
            log_error("documents: the blob store %s cannot be opened", dir);
    }
    *out = store;
    pthread_mutex_unlock(&once_lock);
    return st == ST_OK ? ST_OK : ST_UNAVAILABLE;
}

static const char sql_referenced[] =
    "SELECT EXISTS (SELECT 1 FROM document_versions WHERE sha256 = decode($1, 'hex'))";

rstatus doc_blob_referenced(void *ctx, const unsigned char sha256[BLOB_HASH_LEN],
                            bool *referenced)
{
    char hex[BLOB_HEX_LEN + 1];
    blob_hex(sha256, hex);
    const char *params[] = {hex};
    PGresult *res;
    rstatus st = db_query(ctx, sql_referenced, 1, params, &res);
    if (st != ST_OK)
        return st;
    *referenced = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return ST_OK;
}
