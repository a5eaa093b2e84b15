/* indexer.h - keeping the search index in step with PostgreSQL (search.h is the engine). */
#ifndef RELAIS_SEARCH_INDEXER_H
#define RELAIS_SEARCH_INDEXER_H

#include <libpq-fe.h>
#include <stddef.h>

#include "http/request.h"
#include "search/complete.h"
#include "search/search.h"
#include "util/arena.h"

struct app;

/*
 * What is indexed, one entry per kind. Adding forum threads or wiki pages later is one
 * more entry in kinds.c: a name, a batch size and one SELECT returning the columns below,
 * plus the triggers in a migration that call search_enqueue('<kind>', id).
 *
 * The SELECT takes $1 = bigint[] of wanted ids (NULL = every item), $2 = id to start
 * after, $3 = row limit, $4 = boolean, false when only titles and keys are wanted (the
 * completion table: SC_BODY and SC_URL may then be NULL), and returns the indexable items
 * in id order. An id asked for and not returned (deleted, trashed, deactivated) is removed
 * from the index.
 */
enum search_column {
    SC_ID, SC_COMMUNITY, SC_AUTHOR, SC_DATE, SC_TITLE,
    SC_TAGS,            /* comma-separated (tag names cannot hold commas) */
    SC_DESCRIPTION, SC_BODY, SC_URL, SC_PLACE, SC_AUTHOR_NAME, SC_COMMUNITY_NAME,
    SC_TYPES,           /* space-separated */
    SC_STAFF,           /* people: staff or external partner */
    SC_MEMBER_OF,       /* people: comma-separated community ids */
    SC_DATA,            /* the JSON shown with hits and suggestions */
    SC__COUNT
};

enum search_keys_rule {
    KEYS_CONTENT,       /* found by the readers of its community */
    KEYS_COMMUNITY,     /* found by who may see the community */
    KEYS_PERSON,        /* found as acl_user_can_see() says */
};

typedef struct search_kind {
    const char *name;
    int batch;                  /* rows per SELECT: documents carry megabytes of text */
    enum search_keys_rule keys;
    const char *sql;
} search_kind;

extern const search_kind search_kinds[];
extern const size_t search_nkinds;
const search_kind *search_kind_find(const char *name);

/*
 * Index the items of kind whose ids are ids[0..n) (n < 0: all of them) as pg sees them,
 * removing those that are gone, in db and comp (either may be NULL; without db the bodies
 * are not read). 0, or -1 with a message in err.
 */
int search_sync_kind(PGconn *pg, search_db *db, complete *comp, const search_kind *kind,
                     const long long *ids, int n, char *err, size_t errsize);

/*
 * Rebuild the whole index from PostgreSQL into a new generation and make it live, while
 * readers keep using the old one. Holds the indexer's advisory lock meanwhile, so queued
 * changes wait and are applied to the new generation afterwards. comp, when not NULL, is
 * filled from the same snapshot. 0 or -1 with err.
 */
int search_rebuild(PGconn *pg, const char *dir, complete *comp, char *err, size_t errsize);

/* The index directory under the data directory (malloc'ed). */
char *search_dir(const char *data_dir);

/* The indexer thread of `relais serve`: applies search_queue as it fills. */
int search_indexer_start(struct app *a);
void search_indexer_stop(void);

/* The completion table the indexer keeps, or NULL until it is loaded. */
complete *search_completions(void);

/* Handlers (search_http.c). */
rstatus search_http_query(request *r);
rstatus search_http_suggest(request *r);

#endif
