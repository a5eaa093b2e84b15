/* test_complete.c - the completion table: matching, ranking, rights, updates, compaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/complete.h"

static const char *const C1[] = {"r1"};
static const char *const C2[] = {"r2"};
static const char *const C1C2[] = {"r1", "r2"};
static const char *const ALL_KINDS[] = {"tag", "community", "person", "document"};

static void put(complete *c, const char *kind, int64_t id, const char *title, int64_t date,
                const char *const *keys, size_t nkeys, const char *data)
{
    search_item it = {.kind = kind, .id = id, .community_id = 7, .date = date, .title = title,
                      .access_keys = keys, .naccess_keys = nkeys, .data = data};
    assert_int_equal(complete_put(c, &it), 0);
}

typedef struct result {
    arena *a;
    complete_hit *hits;
    size_t n;
} result;

static result suggest_k(complete *c, const char *text, const char *const *keys, size_t nkeys,
                        const char *const *kinds, size_t nkinds, unsigned collapse,
                        size_t per_kind)
{
    result r = {.a = arena_create(4096)};
    assert_non_null(r.a);
    assert_int_equal(complete_suggest(c, r.a, text, keys, nkeys, kinds, nkinds, collapse,
                                      per_kind, &r.hits, &r.n),
                     0);
    return r;
}

static result suggest(complete *c, const char *text, const char *const *keys, size_t nkeys)
{
    return suggest_k(c, text, keys, nkeys, ALL_KINDS, 4, 0, 5);
}

static void done(result *r)
{
    arena_destroy(r->a);
}

static void test_prefix_accents_and_words(void **state)
{
    (void)state;
    complete *c = complete_create();
    put(c, "person", 1, "Stéphane Archambault", 10, C1, 1, "{\"detail\":\"Cadre de santé\",\"url\":\"/personnes/1\"}");
    put(c, "document", 2, "Projet d’établissement 2024", 20, C1, 1, "{\"url\":\"/documents/2\"}");
    put(c, "community", 3, "Œuvre collaborative du GHT", 30, C1, 1, NULL);

    result r = suggest(c, "stéph", C1, 1);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hits[0].kind, "person");
    assert_int_equal(r.hits[0].id, 1);
    assert_string_equal(r.hits[0].label, "Stéphane Archambault");
    assert_string_equal(r.hits[0].detail, "Cadre de santé");
    assert_string_equal(r.hits[0].url, "/personnes/1");
    done(&r);

    /* Case, accents, apostrophes, ligatures; every word typed is a prefix of some word. */
    const char *found[] = {"STEPH", "archam", "steph arch", "arch steph", "etabl", "projet d etab",
                           "d’établ", "oeuvre", "ght coll", "2024"};
    for (size_t i = 0; i < sizeof found / sizeof *found; i++) {
        r = suggest(c, found[i], C1, 1);
        if (r.n != 1)
            fail_msg("'%s' should find one item, found %zu", found[i], r.n);
        done(&r);
    }
    const char *missed[] = {"stephx", "archambault zz", "tabli", "", "   ", "--", "2025"};
    for (size_t i = 0; i < sizeof missed / sizeof *missed; i++) {
        r = suggest(c, missed[i], C1, 1);
        if (r.n != 0)
            fail_msg("'%s' should find nothing, found %zu", missed[i], r.n);
        done(&r);
    }
    /* No url or detail in the data: NULL, not "". */
    r = suggest(c, "oeuvre", C1, 1);
    assert_null(r.hits[0].detail);
    assert_null(r.hits[0].url);
    done(&r);
    complete_free(c);
}

static void test_rights(void **state)
{
    (void)state;
    complete *c = complete_create();
    put(c, "document", 1, "Projet ouvert", 10, C1, 1, NULL);
    put(c, "document", 2, "Projet secret", 20, C2, 1, NULL);
    const char *const person_keys[] = {"p", "u5", "m2"};
    put(c, "person", 5, "Paul Projet", 5, person_keys, 3, NULL);

    result r = suggest(c, "projet", C1, 1);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.hits[0].id, 1);
    done(&r);
    r = suggest(c, "projet s", C1, 1);
    assert_int_equal(r.n, 0);
    done(&r);
    r = suggest(c, "projet", C1C2, 2);
    assert_int_equal(r.n, 2);
    done(&r);
    /* A key nobody holds, no keys at all: nothing. */
    const char *const other[] = {"zz"};
    r = suggest(c, "projet", other, 1);
    assert_int_equal(r.n, 0);
    done(&r);
    r = suggest(c, "projet", NULL, 0);
    assert_int_equal(r.n, 0);
    done(&r);
    /* Any one of an item's keys opens it. */
    const char *const m2[] = {"m2"};
    r = suggest(c, "paul", m2, 1);
    assert_int_equal(r.n, 1);
    done(&r);
    /* An item without keys or title is never suggested. */
    put(c, "document", 3, "Projet orphelin", 30, NULL, 0, NULL);
    put(c, "document", 4, "", 30, C1, 1, NULL);
    assert_int_equal(complete_size(c), 3);
    complete_free(c);
}

static void test_ranking_and_limits(void **state)
{
    (void)state;
    complete *c = complete_create();
    char title[64];
    for (int i = 0; i < 60; i++) {
        snprintf(title, sizeof title, "Atelier %c%c numéro %d", 'a' + i % 26, 'a' + i / 26, i);
        put(c, i % 3 == 0 ? "document" : i % 3 == 1 ? "community" : "tag", i + 1, title, i, C1,
            1, NULL);
    }
    put(c, "document", 100, "Compte rendu de l'atelier", 1000, C1, 1, NULL);

    /* At most per_kind of each kind, in the order of kinds, newest first within a kind. */
    result r = suggest(c, "a", C1, 1);
    assert_int_equal(r.n, 15);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(r.hits[i].kind, "tag");
    for (size_t i = 5; i < 10; i++)
        assert_string_equal(r.hits[i].kind, "community");
    for (size_t i = 10; i < 15; i++)
        assert_string_equal(r.hits[i].kind, "document");
    assert_int_equal(r.hits[0].id, 60);
    assert_int_equal(r.hits[1].id, 57);
    /* A title that begins with the word typed comes before a newer one that does not. */
    assert_int_equal(r.hits[10].id, 58);
    done(&r);
    r = suggest(c, "compte", C1, 1);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.hits[0].id, 100);
    done(&r);
    r = suggest(c, "ate", C1, 1);
    assert_int_equal(r.hits[10].id, 58);
    done(&r);
    r = suggest(c, "rendu l at", C1, 1);   /* "de l'atelier": the elision is a word */
    assert_int_equal(r.n, 1);
    done(&r);

    /* Chosen kinds only; per_kind is capped. */
    const char *const tags[] = {"tag", "nope"};
    r = suggest_k(c, "atelier nu", C1, 1, tags, 2, 0, 3);
    assert_int_equal(r.n, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(r.hits[i].kind, "tag");
    done(&r);
    r = suggest_k(c, "atelier", C1, 1, tags, 1, 0, 1000);
    assert_int_equal(r.n, 20);
    done(&r);
    complete_free(c);
}

/* A title met first through a later word ("abeille") ranks by its first word when met again. */
static void test_rank_upgrade(void **state)
{
    (void)state;
    complete *c = complete_create();
    put(c, "document", 1, "Atelier abeille", 1, C1, 1, NULL);
    put(c, "document", 2, "Bouquet azur", 2, C1, 1, NULL);
    result r = suggest_k(c, "a", C1, 1, ALL_KINDS, 4, 0, 1);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.hits[0].id, 1);
    done(&r);
    r = suggest_k(c, "a", C1, 1, ALL_KINDS, 4, 0, 5);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.hits[0].id, 1);
    assert_int_equal(r.hits[1].id, 2);
    done(&r);
    complete_free(c);
}

static void test_collapse(void **state)
{
    (void)state;
    complete *c = complete_create();
    put(c, "tag", 1, "Patient traceur", 10, C1, 1, NULL);
    put(c, "tag", 2, "patient traceur", 30, C2, 1, NULL);
    put(c, "tag", 3, "Patient traceur", 20, C1, 1, NULL);
    put(c, "tag", 4, "Patientèle", 5, C1, 1, NULL);
    const char *const tags[] = {"tag"};
    result r = suggest_k(c, "pati", C1C2, 2, tags, 1, 0, 5);
    assert_int_equal(r.n, 4);
    done(&r);
    r = suggest_k(c, "pati", C1C2, 2, tags, 1, 1, 5);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.hits[0].id, 2);   /* the newest of the three */
    assert_int_equal(r.hits[1].id, 4);
    done(&r);
    /* Collapsing never lets an invisible item hide a visible one. */
    r = suggest_k(c, "pati", C1, 1, tags, 1, 1, 5);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.hits[0].id, 3);
    done(&r);
    complete_free(c);
}

static void test_replace_delete_compact(void **state)
{
    (void)state;
    complete *c = complete_create();
    put(c, "document", 1, "Ancien titre", 10, C1, 1, NULL);
    put(c, "person", 1, "Ancien collègue", 10, C1, 1, NULL);   /* same id, other kind */
    put(c, "document", 1, "Nouveau titre", 11, C1, 1, NULL);
    result r = suggest(c, "ancien", C1, 1);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hits[0].kind, "person");
    done(&r);
    r = suggest(c, "nouv", C1, 1);
    assert_int_equal(r.n, 1);
    done(&r);
    complete_delete(c, "person", 1);
    complete_delete(c, "person", 1);   /* absent: no-op */
    complete_delete(c, "unknown-kind", 1);
    r = suggest(c, "ancien", C1, 1);
    assert_int_equal(r.n, 0);
    done(&r);
    assert_int_equal(complete_size(c), 1);

    /* Many replacements: dead entries are compacted away and nothing is lost or doubled. */
    char title[64];
    for (int round = 0; round < 30; round++)
        for (int i = 0; i < 500; i++) {
            snprintf(title, sizeof title, "Protocole %d version %d", i, round);
            put(c, "document", 1000 + i, title, round, C1, 1, NULL);
        }
    assert_int_equal(complete_size(c), 501);
    r = suggest_k(c, "protocole 421 version 29", C1, 1, ALL_KINDS, 4, 0, 20);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.hits[0].id, 1421);
    done(&r);
    r = suggest_k(c, "protocole 42 version 29", C1, 1, ALL_KINDS, 4, 0, 20);
    assert_int_equal(r.n, 11);   /* 42 and 420-429: every word typed is a prefix */
    done(&r);
    r = suggest_k(c, "protocole 421 version 28", C1, 1, ALL_KINDS, 4, 0, 20);
    assert_int_equal(r.n, 0);
    done(&r);
    r = suggest(c, "nouveau", C1, 1);
    assert_int_equal(r.n, 1);
    done(&r);
    complete_free(c);
}

static void test_replace_whole_table(void **state)
{
    (void)state;
    complete *c = complete_create(), *fresh = complete_create();
    put(c, "document", 1, "Avant", 1, C1, 1, NULL);
    put(fresh, "community", 2, "Après", 2, C1, 1, NULL);
    complete_replace(c, fresh);
    result r = suggest(c, "avant", C1, 1);
    assert_int_equal(r.n, 0);
    done(&r);
    r = suggest(c, "apres", C1, 1);
    assert_int_equal(r.n, 1);
    done(&r);
    complete_free(c);
}

/*
 * A live table (after complete_replace) reads sorted lists newest first and stops early; a
 * table filled aside reads everything. Both must give the same answers, for many prefixes,
 * through updates and deletions made after going live.
 */
static void test_live_lists_agree(void **state)
{
    (void)state;
    complete *aside = complete_create(), *live = complete_create(), *fresh = complete_create();
    static const char *const words[] = {"projet", "patient", "parcours", "qualité", "soins",
                                        "plan", "pôle", "prévention", "réseau", "santé",
                                        "procédure", "protocole", "pratique", "pilotage"};
    static const char *const kinds[] = {"document", "tag", "person", "community"};
    static const char *const keys[][1] = {{"r1"}, {"r2"}, {"r3"}};
    unsigned seed = 12345;
    char title[128];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 3000; i++) {
            seed = seed * 1103515245u + 12345u;
            int id = (int)(seed >> 8) % 2000 + 1;
            size_t len = 0;
            int n = 1 + (int)(seed >> 20) % 4;
            for (int w = 0; w < n; w++) {
                seed = seed * 1103515245u + 12345u;
                len += (size_t)snprintf(title + len, sizeof title - len, "%s%s", w ? " " : "",
                                        words[(seed >> 16) % 14]);
            }
            seed = seed * 1103515245u + 12345u;
            const char *kind = kinds[(seed >> 16) % 4];
            int64_t date = (int64_t)((seed >> 4) % 100000);
            const char *const *k = keys[(seed >> 12) % 3];
            if (round == 0) {
                put(fresh, kind, id, title, date, k, 1, NULL);
            } else {
                put(live, kind, id, title, date, k, 1, NULL);
                if ((seed >> 24) % 10 == 0) {
                    complete_delete(aside, kind, id);
                    complete_delete(live, kind, id);
                    continue;
                }
            }
            put(aside, kind, id, title, date, k, 1, NULL);
        }
        if (round == 0)
            complete_replace(live, fresh);
    }
    assert_int_equal(complete_size(aside), complete_size(live));
    static const char *const typed[] = {"p", "pr", "pro", "q", "s", "r", "pa", "projet p",
                                        "plan s", "p p", "sante pro", "x", "pôl", "qualite"};
    static const char *const *viewers[] = {C1, C2, C1C2};
    size_t compared = 0;
    for (size_t t = 0; t < sizeof typed / sizeof *typed; t++)
        for (size_t v = 0; v < 3; v++)
            for (unsigned collapse = 0; collapse < 2; collapse++) {
                result a = suggest_k(aside, typed[t], viewers[v], v == 2 ? 2 : 1, ALL_KINDS, 4,
                                     collapse, 5);
                result b = suggest_k(live, typed[t], viewers[v], v == 2 ? 2 : 1, ALL_KINDS, 4,
                                     collapse, 5);
                if (a.n != b.n)
                    fail_msg("'%s': %zu hits aside, %zu live", typed[t], a.n, b.n);
                for (size_t i = 0; i < a.n; i++)
                    if (a.hits[i].id != b.hits[i].id || strcmp(a.hits[i].kind, b.hits[i].kind))
                        fail_msg("'%s' hit %zu: %s %lld aside, %s %lld live", typed[t], i,
                                 a.hits[i].kind, (long long)a.hits[i].id, b.hits[i].kind,
                                 (long long)b.hits[i].id);
                compared += a.n;
                done(&a);
                done(&b);
            }
    assert_true(compared > 1000);   /* full lists of every kind, not empty answers */
    complete_free(aside);
    complete_free(live);
}

static void test_long_and_odd_text(void **state)
{
    (void)state;
    complete *c = complete_create();
    char title[2000];
    memset(title, 'x', sizeof title - 1);
    title[sizeof title - 1] = '\0';
    put(c, "document", 1, title, 1, C1, 1, "not json");
    put(c, "document", 2, "\xff\xfe invalide \xc3", 1, C1, 1, NULL);
    put(c, "document", 3, "Ελληνικά и кириллица", 1, C1, 1, NULL);
    result r = suggest(c, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", C1, 1);
    assert_int_equal(r.n, 1);
    assert_true(strlen(r.hits[0].label) <= 300);
    done(&r);
    r = suggest(c, "invalide", C1, 1);
    assert_int_equal(r.n, 1);
    done(&r);
    r = suggest(c, "кирил", C1, 1);
    assert_int_equal(r.n, 1);
    done(&r);
    r = suggest(c, title, C1, 1);
    assert_int_equal(r.n, 1);
    done(&r);
    complete_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefix_accents_and_words),
        cmocka_unit_test(test_rights),
        cmocka_unit_test(test_ranking_and_limits),
        cmocka_unit_test(test_rank_upgrade),
        cmocka_unit_test(test_collapse),
        cmocka_unit_test(test_replace_delete_compact),
        cmocka_unit_test(test_replace_whole_table),
        cmocka_unit_test(test_live_lists_agree),
        cmocka_unit_test(test_long_and_odd_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
