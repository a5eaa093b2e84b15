/* search.h - full-text search: a small C API over Xapian (the only C++ in the tree). */
#ifndef RELAIS_SEARCH_H
#define RELAIS_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Modelled on notmuch's lib/notmuch.h:
 *  - opaque handles, no Xapian type ever crosses this header;
 *  - every call returns a search_status; results come back through out-parameters;
 *  - nothing throws: every exception (Xapian's, std::bad_alloc, anything) is caught at the
 *    extern "C" boundary and becomes a status, with a message for this thread in
 *    search_last_error();
 *  - only the functions below are exported from the C++ object files.
 *
 * The index knows nothing of rights. Each item carries "access keys" (opaque strings made
 * by server/access/), each query names the keys of the person asking, and an item matches
 * only if it holds one of them. The filter is part of the Xapian query itself, so hits,
 * totals, facets and spelling suggestions all come from visible items only.
 *
 * Layout on disk: `dir` (DATA_DIR/search) holds generations gen-NNNNNN, each a Xapian
 * database, and `current`, a symlink naming the live one. A rebuild writes a new
 * generation and swaps the symlink with rename(2), so readers never see a half-built index;
 * readers follow the swap at their next search_run().
 *
 * Threads: a search_db handle is used by one thread at a time. Readers open one handle per
 * thread; one writer at a time per generation (Xapian's lock; a second gets SEARCH_LOCKED).
 */

typedef enum search_status {
    SEARCH_OK = 0,
    SEARCH_BAD_QUERY,       /* the query text or a filter cannot be understood */
    SEARCH_NOT_FOUND,       /* no index at dir (never built) */
    SEARCH_LOCKED,          /* another writer holds the generation */
    SEARCH_IO,              /* cannot read or write the files; corrupt index */
    SEARCH_NO_MEMORY,
    SEARCH_INTERNAL,        /* anything else Xapian or the C++ runtime threw */
} search_status;

/* "ok", "bad query", ... Static storage. */
const char *search_status_string(search_status st);

/* The message of this thread's last failed call ("" if none). Valid until the next call. */
const char *search_last_error(void);

typedef struct search_db search_db;
typedef struct search_results search_results;

typedef enum search_mode { SEARCH_READ, SEARCH_WRITE } search_mode;

/*
 * Opens the live generation of the index under dir. SEARCH_WRITE creates dir and a first
 * empty generation when there is none. Free with search_close().
 */
search_status search_open(const char *dir, search_mode mode, search_db **out);

/* Commits nothing: a writer's uncommitted changes are dropped. NULL is a no-op. */
void search_close(search_db *db);

/*
 * Rebuild: a new, empty, writable generation; fill it with search_put(), then
 * search_rebuild_finish() commits it and makes it live atomically (and removes generations
 * older than the one it replaced). search_close() instead abandons it. Readers and the
 * previous writer keep working on the old generation meanwhile.
 */
search_status search_rebuild_begin(const char *dir, search_db **out);
search_status search_rebuild_finish(search_db *db); /* closes db whatever it returns */

/* Has another process made a newer generation live? A writer must then reopen. */
int search_is_stale(search_db *db);

/* What one indexed thing is. Strings are UTF-8 and copied; NULL or "" = absent. */
typedef struct search_item {
    const char *kind;           /* "document", "community", "person", "tag"; later "thread"... */
    int64_t id;                 /* unique within kind: (kind, id) replaces on search_put() */
    int64_t community_id;       /* its community, 0 if none: filter `community=` and facet */
    int64_t author_id;          /* 0 if none: filter `author=` and facet */
    int64_t date;               /* Unix seconds: date sort and from/to ranges */
    const char *language;       /* "fr" (default) or "en": stemming and stop words */

    /* Weighted text fields, in decreasing weight: title >> tags > description > body. */
    const char *title;
    const char *const *tags;
    size_t ntags;
    const char *description;
    const char *body;           /* may be megabytes; only its start is kept for snippets */
    const char *url;            /* file names, links: split on punctuation */
    const char *place;          /* towns, addresses, sites */
    /* Text reached by field prefixes only besides the free text. */
    const char *author_name;    /* auteur: / author: */
    const char *community_name; /* communauté: / community: */

    /* Exact values for `type:` and the type filter: the kind is added automatically; add
     * e.g. "pdf", "image", and French aliases ("personne"). Lowercase ASCII. */
    const char *const *types;
    size_t ntypes;

    /* Who may find it: see the top of this file. An item without keys is found by nobody. */
    const char *const *access_keys;
    size_t naccess_keys;

    /* Returned as is with each hit and suggestion (the JSON the API shows). */
    const char *data;
} search_item;

/*
 * On a SEARCH_WRITE or rebuild handle (a reader gets SEARCH_INTERNAL); seen by readers after
 * search_commit(). No kind, or a kind, type, tag or access key over 200 bytes:
 * SEARCH_BAD_QUERY. Kinds, types and tags are compared folded (lowercase, no accents).
 */
search_status search_put(search_db *db, const search_item *item);
search_status search_delete(search_db *db, const char *kind, int64_t id); /* absent: OK */

/*
 * Makes the changes (puts, deletes, metadata) durable and visible to readers, all or
 * nothing. Metadata are small key/value strings kept in the generation itself. Until then
 * a SEARCH_WRITE handle keeps its changes in memory: commit every few hundred items.
 * A rebuild handle may commit or not (nothing is live before search_rebuild_finish()).
 */
search_status search_commit(search_db *db);
search_status search_set_metadata(search_db *db, const char *key, const char *value);
/* *out is malloc'ed ("" when unset); free() it. */
search_status search_get_metadata(search_db *db, const char *key, char **out);

/* Number of items in the live generation. */
search_status search_count(search_db *db, uint64_t *out);

typedef enum search_sort { SEARCH_SORT_RELEVANCE, SEARCH_SORT_DATE } search_sort;

typedef struct search_query {
    /*
     * The user's words: free text, "phrases", prefix* and fields titre:/title:, tag:,
     * auteur:/author:, type:, communauté:/communaute:/community:, lieu:/place:.
     * Accent and case insensitive; French stemming unless language = "en". Words in
     * capitals (GHT, ARS) are matched as written, not stemmed. Operators AND, OR, NOT, -word,
     * +word. NULL or blank = every visible item within the filters, newest first whatever
     * the sort. Longer than 1000 bytes: SEARCH_BAD_QUERY; otherwise never a syntax error
     * (what cannot be parsed is taken as plain words).
     */
    const char *text;
    const char *language;       /* of the person asking: "fr" (default) or "en" */

    const char *const *access_keys;
    size_t naccess_keys;        /* 0 = nothing is found */

    /* Filters, all optional (NULL / 0). */
    const char *type;
    int64_t community_id;
    int64_t author_id;
    const char *tag;
    int64_t date_from, date_to; /* inclusive, Unix seconds; 0 = open */

    search_sort sort;           /* date: newest first, strictly */
    size_t offset, limit;       /* limit <= 100 (more is capped) */
    int facets;                 /* count hits by type, community, author and tag */
    size_t snippet_length;      /* 0 = no snippets; else about this many bytes */
} search_query;

search_status search_run(search_db *db, const search_query *q, search_results **out);

/* Everything below belongs to its results or suggestions: valid until they are freed. */
typedef struct search_hit {
    const char *kind;
    int64_t id;
    int64_t date;
    int percent;                /* relevance 0-100 */
    const char *data;           /* search_item.data */
    /* About snippet_length bytes of the best passage, plain UTF-8 text, with each matching
     * word between SEARCH_MARK_START and SEARCH_MARK_END ("" when not asked or no body). */
    const char *snippet;
} search_hit;

/* Private-use code points: safe to split on, never found in indexed text (stripped). */
#define SEARCH_MARK_START "\xee\x80\x80" /* U+E000 */
#define SEARCH_MARK_END   "\xee\x80\x81" /* U+E001 */

uint64_t search_results_total(const search_results *r); /* exact when small, else estimated */
int search_results_total_exact(const search_results *r);
size_t search_results_size(const search_results *r);   /* hits on this page */
const search_hit *search_results_hit(const search_results *r, size_t i);

/*
 * facet: "type" (values: kinds), "community", "author" (ids in decimal), "tag" (the tag as
 * first put). Values by decreasing count, at most 100; counted over all the matches (exact
 * up to 10,000 of them). Out of range: *value = NULL, *count = 0.
 */
size_t search_results_facet_size(const search_results *r, const char *facet);
void search_results_facet(const search_results *r, const char *facet, size_t i,
                          const char **value, uint64_t *count);

/*
 * "Did you mean": the corrected query text (accents removed), or NULL when the words are
 * all known, when there are 3 hits or more, or when the correction would find nothing the
 * person may see (so it never reveals words of items they cannot see).
 */
const char *search_results_correction(const search_results *r);

void search_results_free(search_results *r);

/*
 * text as the index sees it: accents and ligatures out, apostrophes as spaces (fold() in
 * search_text.h), lowercase, spaces collapsed. For tables kept outside Xapian that must
 * agree with it (complete.h). *out is malloc'ed; free() it.
 */
search_status search_fold(const char *text, char **out);

#ifdef __cplusplus
}
#endif

#endif
