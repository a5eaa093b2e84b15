/* fuzz_search_query.c - the query language: any text a user types gets hits or SEARCH_BAD_QUERY,
 * and completions (complete.h) without a crash. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "search/complete.h"
#include "search/search.h"

/* One small index for the whole run, built at the first input, removed at exit. */
static search_db *db;
static complete *table;
static char dir[] = "/tmp/relais-fuzz-search-XXXXXX";

static int remove_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb, (void)type, (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    search_close(db);
    complete_free(table);
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void build(void)
{
    if (!mkdtemp(dir))
        abort();
    atexit(cleanup);
    search_db *w;
    if (search_open(dir, SEARCH_WRITE, &w) != SEARCH_OK || !(table = complete_create()))
        abort();
    static const char *const tags[] = {"qualité", "hygiène"};
    static const char *const keys[] = {"r1"};
    static const char *const types[] = {"pdf"};
    const char *titles[] = {"Procédure d'hygiène des mains", "Compte rendu du COPIL GHT",
                            "Établissements médico-sociaux : l'ESMS numérique"};
    for (int i = 0; i < 3; i++) {
        search_item it = {.kind = "document", .id = i + 1, .community_id = 1, .author_id = 2,
                          .date = 1700000000 + i, .title = titles[i], .tags = tags, .ntags = 2,
                          .description = "Circuit de déclaration des événements indésirables",
                          .body = "Les pratiques collaboratives améliorent la sécurité des patients.",
                          .author_name = "Élodie Fabre", .community_name = "Qualité",
                          .types = types, .ntypes = 1, .access_keys = keys, .naccess_keys = 1,
                          .data = "{}"};
        if (search_put(w, &it) != SEARCH_OK || complete_put(table, &it) != 0)
            abort();
    }
    if (search_commit(w) != SEARCH_OK)
        abort();
    search_close(w);
    if (search_open(dir, SEARCH_READ, &db) != SEARCH_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db)
        build();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    static const char *const keys[] = {"r1"};
    search_query q = {.text = text, .access_keys = keys, .naccess_keys = 1, .limit = 10,
                      .facets = 1, .snippet_length = 120,
                      .sort = size % 2 ? SEARCH_SORT_DATE : SEARCH_SORT_RELEVANCE};
    search_results *r = NULL;
    search_status st = search_run(db, &q, &r);
    if (st == SEARCH_OK) {
        for (size_t i = 0; i < search_results_size(r); i++)
            if (!search_results_hit(r, i)->snippet)
                __builtin_trap();
        search_results_free(r);
    } else if (st != SEARCH_BAD_QUERY) {
        __builtin_trap();   /* a query never breaks the index or the process */
    }
    static const char *const kinds[] = {"tag", "document"};
    arena *a = arena_create(4096);
    complete_hit *hits;
    size_t n;
    if (!a || complete_suggest(table, a, text, keys, 1, kinds, 2, 1, 5, &hits, &n) != 0)
        __builtin_trap();
    for (size_t i = 0; i < n; i++)
        if (!hits[i].label || strcmp(hits[i].kind, "document") != 0)
            __builtin_trap();
    arena_destroy(a);
    free(text);
    return 0;
}
