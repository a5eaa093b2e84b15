/* complete.h - completion as you type: every item's title in memory, filtered by rights. */
#ifndef RELAIS_SEARCH_COMPLETE_H
#define RELAIS_SEARCH_COMPLETE_H

#include <stddef.h>
#include <stdint.h>

#include "search/search.h"
#include "util/arena.h"

/*
 * A completion runs at every keystroke, so it must cost microseconds, not the milliseconds
 * of a Xapian query whose last word expands to dozens of terms and whose rights filter is
 * an OR of a hundred access-key terms (8-16 ms of CPU each at 100,000 documents, measured
 * in bench/search). This table holds, for every indexed item, its kind, id, date, access
 * keys, its title folded as the index folds it, and what a suggestion shows; a sorted
 * vocabulary of title words points to the items. A prefix is a binary search, each
 * candidate a few comparisons and one bit test for rights.
 *
 * The same access keys as the index (server/access/, search.h): an item is suggested only
 * to a viewer holding one of its keys, and the viewer's keys are read by the caller at each
 * request, so rights stay live.
 *
 * Kept in step by the indexer thread (indexer.c): loaded from PostgreSQL when `relais
 * serve` starts, then every item the indexer puts in or deletes from the index goes here
 * too. A rebuild made by `relais reindex` does not consume the queue, so nothing is missed.
 *
 * Threads: any number of complete_suggest() at once, one writer at a time (the indexer);
 * a read-write lock inside, writers first.
 */
typedef struct complete complete;

complete *complete_create(void);
void complete_free(complete *c);

/*
 * Adds or replaces (it->kind, it->id): its title (the words matched and the label), date,
 * community, access keys, and "detail" and "url" from it->data (JSON). An item without
 * title or keys is removed instead. 0, or -1 when out of memory (the item is then absent).
 */
int complete_put(complete *c, const search_item *it);
void complete_delete(complete *c, const char *kind, int64_t id);   /* absent: no-op */

/* c takes src's content (a table loaded aside goes live at once); src is freed. */
void complete_replace(complete *c, complete *src);

size_t complete_size(complete *c);   /* items held */

typedef struct complete_hit {
    const char *kind;       /* as given to complete_put() */
    int64_t id, community_id;
    const char *label, *detail, *url;   /* detail and url may be NULL */
} complete_hit;

/*
 * Up to per_kind items of each kind in kinds (in that order), best first, whose title has
 * words beginning with each word of text (the last one being typed); accents, case and
 * punctuation ignored. Best: the title's first word begins with the first word typed, then
 * the most recent. Only items holding one of keys[0..nkeys). For kinds[i] with bit i of
 * collapse set, items of the same (folded) title are listed once: the best of them (a tag
 * that many communities use is one keyword). Results are copied into a. 0, or -1 when out
 * of memory.
 */
int complete_suggest(complete *c, arena *a, const char *text, const char *const *keys,
                     size_t nkeys, const char *const *kinds, size_t nkinds, unsigned collapse,
                     size_t per_kind, complete_hit **hits, size_t *nhits);

#endif
