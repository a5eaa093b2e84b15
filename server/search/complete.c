/* complete.c - the completion table of complete.h. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "search/complete.h"

#define MAX_KINDS 16
#define LABEL_MAX 300       /* bytes of a title kept and matched */
#define DETAIL_MAX 200
#define URL_MAX 300
#define WORD_MAX 60         /* a longer word is cut: it is still found by its beginning */
#define TEXT_MAX 300        /* bytes of typed text considered */
#define QUERY_WORDS_MAX 8
#define PER_KIND_MAX 20
#define TAIL_MAX 256        /* new words kept unsorted before a merge into the vocabulary */
#define COMPACT_MIN 4096    /* dead entries tolerated before a compaction */

/* What a suggestion shows, and what is checked only of the candidates that rank well. */
typedef struct item {
    int64_t id, community_id;
    char *label, *detail, *url;
    char *folded;           /* the label's words, folded, one space between */
    uint32_t *keys;         /* numbers of its access keys (c->key_names) */
    uint32_t nkeys;
} item;

/*
 * An item as the scan of a short prefix sees it, tens of thousands of times a request:
 * small, in one array, so the scan reads memory in order and stays in cache. item == NULL
 * marks a dead entry (replaced or deleted), skipped until compaction.
 */
typedef struct entry {
    int64_t date;
    uint64_t head;          /* the first 8 bytes of item->folded, zero-padded: a quick rank */
    item *item;
    uint8_t kind;
} entry;

/*
 * A posting: an entry, with what ranks it, so that the scan of a short prefix rejects most
 * postings without reading their entry. Bits 63-32: the item's date (Unix seconds, clamped
 * to 32 bits), 31-28: kind, 27: the word is the first of the title, 26-0: the entry.
 */
typedef uint64_t posting;
#define POSTING_ENTRY_BITS 27
#define POSTING_ENTRY_MASK ((1u << POSTING_ENTRY_BITS) - 1)
#define POSTING_FIRST (1ULL << POSTING_ENTRY_BITS)

static uint32_t posting_entry(posting p) { return (uint32_t)(p & POSTING_ENTRY_MASK); }
static unsigned posting_kind(posting p) { return (unsigned)(p >> 28 & 15); }
static int64_t posting_date(posting p) { return (int64_t)(p >> 32); }

/*
 * The postings of one word for one kind, as the first word of titles or not: everything
 * in one list ranks the same way, so a list sorted by date (the postings' high bits) is
 * read newest first and left as soon as its next posting cannot make the best so far.
 * A one-letter prefix then reads a few postings of each word, not all of them.
 */
typedef struct plist {
    posting *items;         /* ascending, unless !sorted */
    uint32_t n, cap;
    uint8_t slot;           /* kind * 2 + first */
    bool sorted;
} plist;

/* Posting lists by slot. */
typedef struct lists {
    plist *l;
    uint8_t n;
} lists;

/* A word of some title, and its posting lists. */
typedef struct word {
    char *text;
    lists lists;
    uint32_t total;         /* postings in all its lists */
} word;

/*
 * The postings of every word beginning with one byte, or with two: a one- or two-letter
 * prefix spans thousands of words (rare names, codes), and visiting each word's lists cost
 * more than reading a few postings of one merged list.
 */
#define SHORT_PREFIXES (256 + 65536)

static size_t short_prefix(const char *w, size_t n)
{
    const unsigned char *u = (const unsigned char *)w;
    return n == 1 ? u[0] : 256 + ((size_t)u[0] << 8 | u[1]);
}

/* Open addressing, linear probing: string -> number. Keys are borrowed, never removed. */
typedef struct strmap {
    const char **keys;
    uint32_t *vals;
    size_t cap, n;
} strmap;

/* Open addressing, linear probing, backward-shift deletion: nonzero key -> number. */
typedef struct idmap {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, n;
} idmap;

struct complete {
    pthread_rwlock_t lock;
    char *kinds[MAX_KINDS];
    size_t nkinds;

    entry *entries;
    size_t nentries, entries_cap, live;

    lists *short_prefixes;  /* [SHORT_PREFIXES], made at the first posting */

    /* Tables filled aside (complete_create) append postings in any order and sort them
     * when they go live (complete_replace); the live one keeps every list sorted. */
    bool is_live;

    /* Vocabulary: words[] in order of arrival; order[0..nsorted) holds the numbers of
     * words[0..nsorted) sorted by text; words from nsorted on are the unsorted tail. */
    word *words;
    size_t nwords, words_cap, nsorted;
    uint32_t *order;
    strmap word_index;

    char **key_names;       /* access key number -> its text */
    size_t nkey_names, key_names_cap;
    strmap key_index;

    idmap items;            /* (kind, id) -> entry */
};

/* ---- small maps ------------------------------------------------------------------------ */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static uint64_t hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static bool strmap_get(const strmap *m, const char *key, uint32_t *val)
{
    if (m->cap == 0)
        return false;
    for (size_t i = hash_str(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return false;
        if (!strcmp(m->keys[i], key)) {
            *val = m->vals[i];
            return true;
        }
    }
}

static int strmap_grow(strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 256;
    const char **keys = calloc(cap, sizeof *keys);
    uint32_t *vals = calloc(cap, sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = hash_str(m->keys[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return 0;
}

/* key must be absent and outlive the map. */
static int strmap_add(strmap *m, const char *key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap && strmap_grow(m) != 0)
        return -1;
    size_t i = hash_str(key) & (m->cap - 1);
    while (m->keys[i])
        i = (i + 1) & (m->cap - 1);
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
    return 0;
}

static void strmap_free(strmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static bool idmap_get(const idmap *m, uint64_t key, uint32_t *val)
{
    if (m->cap == 0)
        return false;
    for (size_t i = hash_u64(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == 0)
            return false;
        if (m->keys[i] == key) {
            *val = m->vals[i];
            return true;
        }
    }
}

static int idmap_set(idmap *m, uint64_t key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        uint64_t *keys = calloc(cap, sizeof *keys);
        uint32_t *vals = calloc(cap, sizeof *vals);
        if (!keys || !vals) {
            free(keys);
            free(vals);
            return -1;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t j = hash_u64(m->keys[i]) & (cap - 1);
            while (keys[j])
                j = (j + 1) & (cap - 1);
            keys[j] = m->keys[i];
            vals[j] = m->vals[i];
        }
        free(m->keys);
        free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    size_t i = hash_u64(key) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
    return 0;
}

static void idmap_delete(idmap *m, uint64_t key)
{
    if (m->cap == 0)
        return;
    size_t mask = m->cap - 1, i = hash_u64(key) & mask;
    while (m->keys[i] != key) {
        if (!m->keys[i])
            return;
        i = (i + 1) & mask;
    }
    /* Backward shift: move up each later key of the run that may live in the hole. */
    for (size_t j = (i + 1) & mask; m->keys[j]; j = (j + 1) & mask) {
        size_t home = hash_u64(m->keys[j]) & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            i = j;
        }
    }
    m->keys[i] = 0;
    m->n--;
}

static void idmap_free(idmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ---- folding and words ----------------------------------------------------------------- */

static bool word_byte(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80;
}

/*
 * text folded as the index folds it (search_fold), cut into words of [a-z0-9] and
 * non-ASCII letters, each at most WORD_MAX bytes, joined by single spaces. malloc'ed.
 */
static char *fold_words(const char *text, size_t max)
{
    char *cut = strndup(text, max);
    char *folded = NULL;
    if (!cut || search_fold(cut, &folded) != SEARCH_OK) {
        free(cut);
        return NULL;
    }
    free(cut);
    char *out = malloc(strlen(folded) + 1), *o = out;
    if (!out) {
        free(folded);
        return NULL;
    }
    for (const unsigned char *p = (const unsigned char *)folded; *p;) {
        if (!word_byte(*p)) {
            p++;
            continue;
        }
        const unsigned char *start = p;
        while (word_byte(*p))
            p++;
        size_t n = (size_t)(p - start);
        if (n > WORD_MAX) {
            n = WORD_MAX;
            while (n > 0 && (start[n] & 0xC0) == 0x80) /* not inside a code point */
                n--;
        }
        if (o != out)
            *o++ = ' ';
        memcpy(o, start, n);
        o += n;
    }
    *o = '\0';
    free(folded);
    return out;
}

static bool has_word_starting(const char *folded, const char *w, size_t n)
{
    for (const char *p = folded; p; p = strchr(p, ' ')) {
        if (*p == ' ')
            p++;
        if (!strncmp(p, w, n))
            return true;
    }
    return false;
}

/* The first min(n, 8) bytes of s as a number, zero-padded (n > 8: its first 8 bytes). */
static uint64_t head_of(const char *s, size_t n)
{
    uint64_t h = 0;
    memcpy(&h, s, n < 8 ? n : 8);
    return h;
}

/* ---- building -------------------------------------------------------------------------- */

complete *complete_create(void)
{
    complete *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    /* The indexer must not wait behind a stream of readers. */
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    int rc = pthread_rwlock_init(&c->lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    if (rc != 0) {
        free(c);
        return NULL;
    }
    return c;
}

static void item_free(item *it)
{
    if (!it)
        return;
    free(it->label);
    free(it->detail);
    free(it->url);
    free(it->folded);
    free(it->keys);
    free(it);
}

static void lists_free(lists *ls)
{
    for (uint8_t l = 0; l < ls->n; l++)
        free(ls->l[l].items);
    free(ls->l);
}

static void words_free(word *words, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        lists_free(&words[i].lists);
        free(words[i].text);
    }
    free(words);
}

static void short_prefixes_free(lists *sp)
{
    for (size_t i = 0; sp && i < SHORT_PREFIXES; i++)
        lists_free(&sp[i]);
    free(sp);
}

static int cmp_posting(const void *x, const void *y)
{
    posting a = *(const posting *)x, b = *(const posting *)y;
    return (a > b) - (a < b);
}

static void lists_sort(lists *ls)
{
    for (uint8_t l = 0; l < ls->n; l++) {
        plist *pl = &ls->l[l];
        if (!pl->sorted)
            qsort(pl->items, pl->n, sizeof *pl->items, cmp_posting);
        pl->sorted = true;
    }
}

/* Sorts every list appended out of order: a table goes live. */
static void sort_lists(complete *c)
{
    for (size_t i = 0; i < c->nwords; i++)
        lists_sort(&c->words[i].lists);
    for (size_t i = 0; c->short_prefixes && i < SHORT_PREFIXES; i++)
        lists_sort(&c->short_prefixes[i]);
}

/* Everything but the lock and the kind names. */
static void content_free(complete *c)
{
    for (size_t i = 0; i < c->nentries; i++)
        item_free(c->entries[i].item);
    free(c->entries);
    words_free(c->words, c->nwords);
    short_prefixes_free(c->short_prefixes);
    c->short_prefixes = NULL;
    free(c->order);
    strmap_free(&c->word_index);
    for (size_t i = 0; i < c->nkey_names; i++)
        free(c->key_names[i]);
    free(c->key_names);
    strmap_free(&c->key_index);
    idmap_free(&c->items);
    c->entries = NULL;
    c->words = NULL;
    c->order = NULL;
    c->key_names = NULL;
    c->nentries = c->entries_cap = c->live = 0;
    c->nwords = c->words_cap = c->nsorted = 0;
    c->nkey_names = c->key_names_cap = 0;
}

void complete_free(complete *c)
{
    if (!c)
        return;
    content_free(c);
    for (size_t i = 0; i < c->nkinds; i++)
        free(c->kinds[i]);
    pthread_rwlock_destroy(&c->lock);
    free(c);
}

/* The kind's number, added if new; -1 when there are too many kinds or no memory. */
static int kind_number(complete *c, const char *kind, bool add)
{
    for (size_t i = 0; i < c->nkinds; i++)
        if (!strcmp(c->kinds[i], kind))
            return (int)i;
    if (!add || c->nkinds == MAX_KINDS || !(c->kinds[c->nkinds] = strdup(kind)))
        return -1;
    return (int)c->nkinds++;
}

static uint64_t item_key(int kind, int64_t id)
{
    return ((uint64_t)kind << 56) | ((uint64_t)id & 0x00ffffffffffffffULL);
}

static int key_number(complete *c, const char *key, uint32_t *out)
{
    if (strmap_get(&c->key_index, key, out))
        return 0;
    if (c->nkey_names == c->key_names_cap) {
        size_t cap = c->key_names_cap ? c->key_names_cap * 2 : 256;
        char **names = realloc(c->key_names, cap * sizeof *names);
        if (!names)
            return -1;
        c->key_names = names;
        c->key_names_cap = cap;
    }
    char *copy = strdup(key);
    if (!copy || strmap_add(&c->key_index, copy, (uint32_t)c->nkey_names) != 0) {
        free(copy);
        return -1;
    }
    c->key_names[c->nkey_names] = copy;
    *out = (uint32_t)c->nkey_names++;
    return 0;
}

static int cmp_word_numbers(const void *x, const void *y, void *arg)
{
    const word *w = arg;
    return strcmp(w[*(const uint32_t *)x].text, w[*(const uint32_t *)y].text);
}

/* Sorts the tail of the vocabulary into order[]. */
static int merge_tail(complete *c)
{
    size_t ntail = c->nwords - c->nsorted;
    if (ntail == 0)
        return 0;
    uint32_t *tail = malloc(ntail * sizeof *tail), *merged = malloc(c->nwords * sizeof *merged);
    if (!tail || !merged) {
        free(tail);
        free(merged);
        return -1;
    }
    for (size_t i = 0; i < ntail; i++)
        tail[i] = (uint32_t)(c->nsorted + i);
    qsort_r(tail, ntail, sizeof *tail, cmp_word_numbers, c->words);
    size_t i = 0, j = 0, k = 0;
    while (i < c->nsorted && j < ntail)
        merged[k++] = strcmp(c->words[c->order[i]].text, c->words[tail[j]].text) <= 0
                          ? c->order[i++] : tail[j++];
    while (i < c->nsorted)
        merged[k++] = c->order[i++];
    while (j < ntail)
        merged[k++] = tail[j++];
    free(tail);
    free(c->order);
    c->order = merged;
    c->nsorted = c->nwords;
    return 0;
}

/*
 * Adds p to the list of slot in ls: 1, or 0 when the list ends with p's entry already (a
 * word twice in one title: an entry's words are added one after the other), or -1.
 */
static int lists_add(const complete *c, lists *ls, uint8_t slot, posting p)
{
    plist *pl = NULL;
    for (uint8_t l = 0; l < ls->n && !pl; l++)
        if (ls->l[l].slot == slot)
            pl = &ls->l[l];
    if (!pl) {
        plist *more = realloc(ls->l, (ls->n + 1u) * sizeof *more);
        if (!more)
            return -1;
        ls->l = more;
        pl = &more[ls->n++];
        *pl = (plist){.slot = slot, .sorted = true};
    }
    if (pl->n > 0 && posting_entry(pl->items[pl->n - 1]) == posting_entry(p))
        return 0;
    if (pl->n == pl->cap) {
        uint32_t cap = pl->cap ? pl->cap * 2 : 4;
        posting *items = realloc(pl->items, cap * sizeof *items);
        if (!items)
            return -1;
        pl->items = items;
        pl->cap = cap;
    }
    uint32_t at = pl->n;
    if (at > 0 && p < pl->items[at - 1]) {
        if (c->is_live && pl->sorted) {
            /* An older date than the newest (a re-indexed tag): its place, by bisection. */
            uint32_t lo = 0, hi = at;
            while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (pl->items[mid] < p)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            memmove(&pl->items[lo + 1], &pl->items[lo], (at - lo) * sizeof *pl->items);
            at = lo;
        } else {
            pl->sorted = false;
        }
    }
    pl->items[at] = p;
    pl->n++;
    return 1;
}

/* Adds entry number e to the postings of the word text (n bytes), its title's first if first. */
static int add_posting(complete *c, const char *text, size_t n, uint32_t e, bool first)
{
    char w[WORD_MAX + 1];
    memcpy(w, text, n);
    w[n] = '\0';
    uint32_t number;
    if (!strmap_get(&c->word_index, w, &number)) {
        if (c->nwords == c->words_cap) {
            size_t cap = c->words_cap ? c->words_cap * 2 : 1024;
            word *words = realloc(c->words, cap * sizeof *words);
            if (!words)
                return -1;
            c->words = words;
            c->words_cap = cap;
        }
        word *nw = &c->words[c->nwords];
        memset(nw, 0, sizeof *nw);
        if (!(nw->text = strdup(w)) ||
            strmap_add(&c->word_index, nw->text, (uint32_t)c->nwords) != 0) {
            free(nw->text);
            return -1;
        }
        number = (uint32_t)c->nwords++;
        if (c->nwords - c->nsorted > TAIL_MAX && merge_tail(c) != 0)
            return -1;
    }
    const entry *en = &c->entries[e];
    int64_t date = en->date < 0 ? 0 : en->date > UINT32_MAX ? UINT32_MAX : en->date;
    posting p = (uint64_t)date << 32 | (uint64_t)en->kind << 28 | (first ? POSTING_FIRST : 0) | e;
    uint8_t slot = (uint8_t)(en->kind * 2 + first);
    word *wd = &c->words[number];
    if (!c->short_prefixes &&
        !(c->short_prefixes = calloc(SHORT_PREFIXES, sizeof *c->short_prefixes)))
        return -1;
    int added = lists_add(c, &wd->lists, slot, p);
    if (added < 0 ||
        (added && lists_add(c, &c->short_prefixes[short_prefix(text, 1)], slot, p) < 0) ||
        (added && n >= 2 && lists_add(c, &c->short_prefixes[short_prefix(text, 2)], slot, p) < 0))
        return -1;
    wd->total += (uint32_t)added;
    return 0;
}

/* Postings and the (kind, id) map for entry number i, already filled in. */
static int index_entry(complete *c, uint32_t i)
{
    entry *e = &c->entries[i];
    for (const char *p = e->item->folded; *p;) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > 0 && add_posting(c, p, n, i, p == e->item->folded) != 0)
            return -1;
        p += n + (end != NULL);
    }
    return idmap_set(&c->items, item_key(e->kind, e->item->id), i);
}

static void kill_entry(complete *c, uint32_t i)
{
    entry *e = &c->entries[i];
    if (!e->item)
        return;
    idmap_delete(&c->items, item_key(e->kind, e->item->id));
    item_free(e->item);
    e->item = NULL;
    c->live--;
}

/*
 * Rebuilds entries, vocabulary and map from the live entries when the dead ones outnumber
 * them: replacing an item leaves its old entry dead, so a busy table would otherwise grow
 * without end. Amortised: a compaction follows at least COMPACT_MIN changes.
 */
static void maybe_compact(complete *c)
{
    size_t dead = c->nentries - c->live;
    if (dead < COMPACT_MIN || dead < c->live)
        return;
    complete fresh = {0};   /* not live: appends, sorted once at the end */
    fresh.entries = malloc((c->live + 1) * sizeof *fresh.entries);
    if (!fresh.entries)
        return;     /* tried again at the next change */
    fresh.entries_cap = c->live + 1;
    for (size_t i = 0; i < c->nentries; i++)
        if (c->entries[i].item)
            fresh.entries[fresh.nentries++] = c->entries[i];
    fresh.live = fresh.nentries;
    /* Key numbers stay valid: the key names move over as they are. */
    fresh.key_names = c->key_names;
    fresh.nkey_names = c->nkey_names;
    fresh.key_names_cap = c->key_names_cap;
    fresh.key_index = c->key_index;
    for (uint32_t i = 0; i < fresh.nentries; i++)
        if (index_entry(&fresh, i) != 0)
            goto undo;
    if (merge_tail(&fresh) != 0)
        goto undo;
    sort_lists(&fresh);
    /* The entries' strings now belong to fresh; drop the old arrays only. */
    free(c->entries);
    words_free(c->words, c->nwords);
    short_prefixes_free(c->short_prefixes);
    c->short_prefixes = fresh.short_prefixes;
    free(c->order);
    strmap_free(&c->word_index);
    idmap_free(&c->items);
    c->entries = fresh.entries;
    c->nentries = fresh.nentries;
    c->entries_cap = fresh.entries_cap;
    c->live = fresh.live;
    c->words = fresh.words;
    c->nwords = fresh.nwords;
    c->words_cap = fresh.words_cap;
    c->nsorted = fresh.nsorted;
    c->order = fresh.order;
    c->word_index = fresh.word_index;
    c->key_index = fresh.key_index;   /* may have grown: same content */
    c->items = fresh.items;
    return;
undo:
    words_free(fresh.words, fresh.nwords);
    short_prefixes_free(fresh.short_prefixes);
    free(fresh.order);
    strmap_free(&fresh.word_index);
    idmap_free(&fresh.items);
    free(fresh.entries);
}

/* "detail" and "url" of the item's JSON data, cut to their limits. */
static void data_strings(const char *data, char **detail, char **url)
{
    *detail = *url = NULL;
    json_t *o = data ? json_loads(data, 0, NULL) : NULL;
    const char *d = json_string_value(json_object_get(o, "detail"));
    const char *u = json_string_value(json_object_get(o, "url"));
    if (d && *d)
        *detail = strndup(d, DETAIL_MAX);
    if (u && *u)
        *url = strndup(u, URL_MAX);
    json_decref(o);
}

static int put_locked(complete *c, const search_item *it)
{
    int kind = kind_number(c, it->kind, true);
    if (kind < 0)
        return -1;
    uint32_t old;
    if (idmap_get(&c->items, item_key(kind, it->id), &old))
        kill_entry(c, old);
    if (!it->title || !*it->title || it->naccess_keys == 0)
        return 0;

    item *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    t->id = it->id;
    t->community_id = it->community_id;
    t->label = strndup(it->title, LABEL_MAX);
    t->folded = fold_words(it->title, LABEL_MAX);
    t->keys = malloc(it->naccess_keys * sizeof *t->keys);
    data_strings(it->data, &t->detail, &t->url);
    bool ok = t->label && t->folded && t->keys;
    for (size_t k = 0; ok && k < it->naccess_keys; k++)
        ok = key_number(c, it->access_keys[k], &t->keys[t->nkeys++]) == 0;
    if (ok && c->nentries == POSTING_ENTRY_MASK)
        ok = false;     /* 134 million entries: compaction keeps far below */
    if (ok && c->nentries == c->entries_cap) {
        size_t cap = c->entries_cap ? c->entries_cap * 2 : 1024;
        entry *entries = realloc(c->entries, cap * sizeof *entries);
        if ((ok = entries != NULL)) {
            c->entries = entries;
            c->entries_cap = cap;
        }
    }
    if (!ok) {
        item_free(t);
        return -1;
    }
    uint32_t i = (uint32_t)c->nentries++;
    c->entries[i] = (entry){.date = it->date, .head = head_of(t->folded, strlen(t->folded)),
                            .item = t, .kind = (uint8_t)kind};
    c->live++;
    if (index_entry(c, i) != 0) {
        /* Postings already made point at a dead entry: skipped, then compacted away. */
        kill_entry(c, i);
        return -1;
    }
    maybe_compact(c);
    return 0;
}

int complete_put(complete *c, const search_item *it)
{
    if (!c || !it || !it->kind)
        return -1;
    pthread_rwlock_wrlock(&c->lock);
    int rc = put_locked(c, it);
    pthread_rwlock_unlock(&c->lock);
    return rc;
}

void complete_delete(complete *c, const char *kind, int64_t id)
{
    if (!c || !kind)
        return;
    pthread_rwlock_wrlock(&c->lock);
    int k = kind_number(c, kind, false);
    uint32_t i;
    if (k >= 0 && idmap_get(&c->items, item_key(k, id), &i)) {
        kill_entry(c, i);
        maybe_compact(c);
    }
    pthread_rwlock_unlock(&c->lock);
}

void complete_replace(complete *c, complete *src)
{
    sort_lists(src);    /* before the lock: readers keep the old content meanwhile */
    pthread_rwlock_wrlock(&c->lock);
    content_free(c);
    for (size_t i = 0; i < c->nkinds; i++)
        free(c->kinds[i]);
    memcpy(c->kinds, src->kinds, sizeof c->kinds);
    c->nkinds = src->nkinds;
    c->entries = src->entries;
    c->nentries = src->nentries;
    c->entries_cap = src->entries_cap;
    c->live = src->live;
    c->words = src->words;
    c->nwords = src->nwords;
    c->words_cap = src->words_cap;
    c->nsorted = src->nsorted;
    c->order = src->order;
    c->word_index = src->word_index;
    c->key_names = src->key_names;
    c->nkey_names = src->nkey_names;
    c->key_names_cap = src->key_names_cap;
    c->key_index = src->key_index;
    c->items = src->items;
    c->short_prefixes = src->short_prefixes;
    c->is_live = true;
    pthread_rwlock_unlock(&c->lock);
    pthread_rwlock_destroy(&src->lock);
    free(src);
}

size_t complete_size(complete *c)
{
    pthread_rwlock_rdlock(&c->lock);
    size_t n = c->live;
    pthread_rwlock_unlock(&c->lock);
    return n;
}

/* ---- suggesting ------------------------------------------------------------------------ */

typedef struct qword {
    const char *text;
    size_t len;
    size_t lo, hi;          /* its words in order[lo..hi) */
    size_t total;           /* postings of those words and of the matching tail words */
} qword;

/* First position in order[] whose word is >= w (by its first n bytes). */
static size_t lower_bound(const complete *c, const char *w, size_t n)
{
    size_t lo = 0, hi = c->nsorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncmp(c->words[c->order[mid]].text, w, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void find_range(const complete *c, qword *q)
{
    q->lo = q->hi = lower_bound(c, q->text, q->len);
    q->total = 0;
    while (q->hi < c->nsorted && !strncmp(c->words[c->order[q->hi]].text, q->text, q->len))
        q->total += c->words[c->order[q->hi++]].total;
    for (size_t w = c->nsorted; w < c->nwords; w++)
        if (!strncmp(c->words[w].text, q->text, q->len))
            q->total += c->words[w].total;
}

typedef struct best {
    uint32_t entry[PER_KIND_MAX];
    int64_t rank[PER_KIND_MAX], date[PER_KIND_MAX];
    size_t n, max;
    bool collapse;          /* one item per title */
} best;

static void best_remove(best *b, size_t i)
{
    for (; i + 1 < b->n; i++) {
        b->entry[i] = b->entry[i + 1];
        b->rank[i] = b->rank[i + 1];
        b->date[i] = b->date[i + 1];
    }
    b->n--;
}

static bool better(int64_t rank, int64_t date, uint32_t e, const best *b, size_t i)
{
    if (rank != b->rank[i])
        return rank > b->rank[i];
    if (date != b->date[i])
        return date > b->date[i];
    return e > b->entry[i];     /* a later entry is a more recent change */
}

typedef struct scan {
    const complete *c;
    const qword *words;
    size_t nwords, driver;
    uint64_t head, head_mask;   /* the first word typed, as entry.head, and its bytes */
    const uint64_t *visible;    /* bit per access key number */
    best *best;                 /* per kind number; NULL where the kind is not wanted */
} scan;

static void consider(const scan *s, posting p)
{
    best *b = &s->best[posting_kind(p)];
    if (!b->max)
        return;
    uint32_t ei = posting_entry(p);
    int64_t date = posting_date(p);
    /*
     * Rank 1 when the title begins with the first word typed. When that word drives the
     * scan, the posting says it: a title whose first word matches is reached through that
     * word's posting too, and then ranks 1 (an entry already listed is upgraded below).
     * Every posting of a short prefix gets here; most stop at the next test unread.
     */
    int64_t rank;
    if (s->driver == 0) {
        rank = (p & POSTING_FIRST) != 0;
    } else {
        const entry *e = &s->c->entries[ei];
        rank = (e->head & s->head_mask) == s->head &&
               (s->words[0].len <= 8 ||
                (e->item && !strncmp(e->item->folded, s->words[0].text, s->words[0].len)));
    }
    if (b->n == b->max && !better(rank, date, ei, b, b->n - 1))
        return;
    for (size_t i = 0; i < b->n; i++) {
        if (b->entry[i] != ei)
            continue;
        if (rank <= b->rank[i])     /* reached through a second word of its title */
            return;
        best_remove(b, i);
        break;
    }
    const item *t = s->c->entries[ei].item;
    if (!t)
        return;
    bool seen = false;
    for (uint32_t k = 0; k < t->nkeys && !seen; k++)
        seen = s->visible[t->keys[k] / 64] >> (t->keys[k] % 64) & 1;
    if (!seen)
        return;
    for (size_t w = 0; w < s->nwords; w++)
        if (w != s->driver && !has_word_starting(t->folded, s->words[w].text, s->words[w].len))
            return;
    for (size_t i = 0; b->collapse && i < b->n; i++) {
        if (strcmp(s->c->entries[b->entry[i]].item->folded, t->folded) != 0)
            continue;
        if (!better(rank, date, ei, b, i))
            return;
        best_remove(b, i);
        break;
    }
    size_t pos = b->n < b->max ? b->n++ : b->max - 1;
    while (pos > 0 && better(rank, date, ei, b, pos - 1)) {
        b->entry[pos] = b->entry[pos - 1];
        b->rank[pos] = b->rank[pos - 1];
        b->date[pos] = b->date[pos - 1];
        pos--;
    }
    b->entry[pos] = ei;
    b->rank[pos] = rank;
    b->date[pos] = date;
}

/*
 * The lists in ls holding first-word postings (first = true) or the others. When the first
 * word typed drives the scan, a list's rank is known and a sorted list is read newest
 * first until a posting cannot make the kind's best: every older one could not either.
 */
static void scan_lists(const scan *s, const lists *ls, bool first)
{
    for (uint8_t l = 0; l < ls->n; l++) {
        const plist *pl = &ls->l[l];
        if ((pl->slot & 1) != first || !s->best[pl->slot / 2].max)
            continue;
        const best *b = &s->best[pl->slot / 2];
        bool bounded = pl->sorted && s->driver == 0;
        for (uint32_t i = pl->n; i-- > 0;) {
            posting p = pl->items[i];
            if (bounded && b->n == b->max &&
                !better(first, posting_date(p), posting_entry(p), b, b->n - 1))
                break;
            consider(s, p);
        }
    }
}

/* Every word of the driver's range (one merged list for a one- or two-byte prefix):
 * first-word lists, then the others, which a full best of first-word titles then rejects
 * at their first posting. */
static void scan_range(const scan *s, const qword *d, bool first)
{
    const complete *c = s->c;
    if (d->len <= 2) {
        if (c->short_prefixes)
            scan_lists(s, &c->short_prefixes[short_prefix(d->text, d->len)], first);
        return;
    }
    for (size_t i = d->lo; i < d->hi; i++)
        scan_lists(s, &c->words[c->order[i]].lists, first);
    for (size_t w = c->nsorted; w < c->nwords; w++)
        if (!strncmp(c->words[w].text, d->text, d->len))
            scan_lists(s, &c->words[w].lists, first);
}

static char *dup_or_null(arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

int complete_suggest(complete *c, arena *a, const char *text, const char *const *keys,
                     size_t nkeys, const char *const *kinds, size_t nkinds, unsigned collapse,
                     size_t per_kind, complete_hit **hits, size_t *nhits)
{
    *hits = NULL;
    *nhits = 0;
    if (!text || !*text || nkeys == 0 || per_kind == 0)
        return 0;
    if (per_kind > PER_KIND_MAX)
        per_kind = PER_KIND_MAX;
    char *folded = fold_words(text, TEXT_MAX);
    if (!folded)
        return -1;
    qword words[QUERY_WORDS_MAX];
    size_t n = 0;
    for (char *p = folded; *p && n < QUERY_WORDS_MAX;) {
        char *end = strchr(p, ' ');
        words[n].text = p;
        words[n].len = end ? (size_t)(end - p) : strlen(p);
        n++;
        p += words[n - 1].len + (end != NULL);
    }
    if (n == 0) {
        free(folded);
        return 0;
    }

    int rc = 0;
    pthread_rwlock_rdlock(&c->lock);
    best *b = arena_calloc(a, MAX_KINDS, sizeof *b);
    uint64_t *visible = arena_calloc(a, c->nkey_names / 64 + 1, sizeof *visible);
    complete_hit *out = arena_calloc(a, nkinds * per_kind + 1, sizeof *out);
    if (!b || !visible || !out) {
        rc = -1;
        goto done;
    }
    bool any = false;
    for (size_t k = 0; k < nkinds; k++) {
        int kn = kind_number(c, kinds[k], false);
        if (kn >= 0) {
            b[kn].max = per_kind;
            b[kn].collapse = k < 32 && (collapse >> k & 1);
            any = true;
        }
    }
    for (size_t k = 0; k < nkeys; k++) {
        uint32_t number;
        if (keys[k] && strmap_get(&c->key_index, keys[k], &number))
            visible[number / 64] |= 1ULL << (number % 64);
    }
    /* Drive the scan by the word with the fewest postings; check the others per item. */
    scan s = {.c = c, .words = words, .nwords = n, .visible = visible, .best = b};
    s.head = head_of(words[0].text, words[0].len);
    s.head_mask = words[0].len >= 8 ? UINT64_MAX : head_of("\xff\xff\xff\xff\xff\xff\xff\xff", words[0].len);
    for (size_t w = 0; w < n; w++) {
        find_range(c, &words[w]);
        if (words[w].total < words[s.driver].total)
            s.driver = w;
    }
    if (any && words[s.driver].total > 0) {
        scan_range(&s, &words[s.driver], true);
        scan_range(&s, &words[s.driver], false);
    }
    for (size_t k = 0; k < nkinds; k++) {
        int kn = kind_number(c, kinds[k], false);
        if (kn < 0 || b[kn].max == 0)
            continue;
        for (size_t i = 0; i < b[kn].n; i++) {
            const item *e = c->entries[b[kn].entry[i]].item;
            complete_hit *h = &out[*nhits];
            h->kind = kinds[k];
            h->id = e->id;
            h->community_id = e->community_id;
            h->label = arena_strdup(a, e->label);
            h->detail = dup_or_null(a, e->detail);
            h->url = dup_or_null(a, e->url);
            if (!h->label || (e->detail && !h->detail) || (e->url && !h->url)) {
                rc = -1;
                goto done;
            }
            (*nhits)++;
        }
        b[kn].max = 0;  /* a kind named twice is listed once */
    }
    *hits = out;
done:
    pthread_rwlock_unlock(&c->lock);
    free(folded);
    if (rc != 0)
        *nhits = 0;
    return rc;
}
