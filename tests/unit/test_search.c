/* test_search.c - the search C API over Xapian: indexing, French text, rights, generations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "search/search.h"
#include "scratch.h"

/* Real sentences from the project's corpus (forum, GHT directory, ARS news, ANAP day). */
#define FORUM "Ce qui m’interroge, c’est que l’on pense aujourd’hui à mettre en place des " \
              "solutions collaboratives pour organiser la prise en charge patient dans son "  \
              "parcours alors que nous n’exploitons que très peu ces solutions."
#define GHT "Dans le cadre de la loi de santé, le GHT du Vaucluse est en voie d’uniformiser " \
            "son SI à l’échelle des dix établissements qui le composent."
#define ARS "Des responsables des cinq agences régionales de santé (ARS) concernées par le " \
            "programme Territoire de soins numérique (TSN) ont témoigné des apports du "      \
            "programme et des difficultés rencontrées."
#define ESMS "Absence de synchronisation du logiciel utilisé pour les plannings (souvent "   \
             "Excel) avec un logiciel de disponibilité des ressources de l'ESMS, impliquant " \
             "un effort de coordination accru et très chronophage."
#define OEUVRE "Je rejoins Stéphane Archambault sur le niveau de priorité à déployer ce type " \
               "d'outil, afin de mettre en œuvre un espace collaboratif indispensable au GHT " \
               "pour assurer un travail collectif."
#define DMP "Le sujet du DMP (Dossier Médical Partagé) est un sujet dont on parle depuis " \
            "maintenant plusieurs années, et qui a eu du mal à démarrer."

static const char *const C1[] = {"c1"};
static const char *const C2[] = {"c2"};
static const char *const C1C2[] = {"c1", "c2"};

typedef struct {
    char dir[256];
    search_db *w;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/relais-test-search-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    strcat(f->dir, "/search"); /* search_open(WRITE) creates it */
    if (search_open(f->dir, SEARCH_WRITE, &f->w) != SEARCH_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    search_close(f->w);
    char *slash = strrchr(f->dir, '/');
    *slash = '\0';
    rm_rf(f->dir);
    free(f);
    return 0;
}

/* A document visible with key c1, dated by its id. */
static search_item doc(int64_t id, const char *title, const char *body)
{
    search_item it = {0};
    it.kind = "document";
    it.id = id;
    it.date = 1600000000 + id;
    it.title = title;
    it.body = body;
    it.access_keys = C1;
    it.naccess_keys = 1;
    it.data = "{}";
    return it;
}

static void put(search_db *db, search_item it)
{
    search_status st = search_put(db, &it);
    if (st != SEARCH_OK)
        fail_msg("search_put: %s", search_last_error());
}

static void commit(search_db *db)
{
    assert_int_equal(search_commit(db), SEARCH_OK);
}

static search_query query(const char *text)
{
    search_query q = {0};
    q.text = text;
    q.access_keys = C1;
    q.naccess_keys = 1;
    q.limit = 20;
    return q;
}

static search_results *run_q(search_db *db, const search_query *q)
{
    search_results *r = NULL;
    search_status st = search_run(db, q, &r);
    if (st != SEARCH_OK)
        fail_msg("search_run(%s): %s", q->text ? q->text : "", search_last_error());
    return r;
}

static search_results *run(search_db *db, const char *text)
{
    search_query q = query(text);
    return run_q(db, &q);
}

static int has(const search_results *r, const char *kind, int64_t id)
{
    for (size_t i = 0; i < search_results_size(r); i++) {
        const search_hit *h = search_results_hit(r, i);
        if (h->id == id && !strcmp(h->kind, kind))
            return 1;
    }
    return 0;
}

/* The ids of a search, in order, as "1,2,3". */
static void ids(search_db *db, const char *text, char *out, size_t size)
{
    search_results *r = run(db, text);
    out[0] = '\0';
    for (size_t i = 0; i < search_results_size(r); i++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%lld", i ? "," : "",
                 (long long)search_results_hit(r, i)->id);
    }
    search_results_free(r);
}

static void assert_ids(search_db *db, const char *text, const char *expected)
{
    char got[256];
    ids(db, text, got, sizeof got);
    if (strcmp(got, expected) != 0)
        fail_msg("query «%s»: got [%s], expected [%s]", text, got, expected);
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The same hits in any order (when the ranking between them does not matter). */
static void assert_set(search_db *db, const char *text, const char *expected)
{
    search_results *r = run(db, text);
    int64_t v[100];
    size_t n = search_results_size(r);
    for (size_t i = 0; i < n; i++)
        v[i] = search_results_hit(r, i)->id;
    search_results_free(r);
    qsort(v, n, sizeof *v, cmp_id);
    char got[256] = "";
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(got);
        snprintf(got + len, sizeof got - len, "%s%lld", i ? "," : "", (long long)v[i]);
    }
    if (strcmp(got, expected) != 0)
        fail_msg("query «%s»: got {%s}, expected {%s}", text, got, expected);
}

static uint64_t facet_count(const search_results *r, const char *facet, const char *value)
{
    for (size_t i = 0; i < search_results_facet_size(r, facet); i++) {
        const char *v;
        uint64_t n;
        search_results_facet(r, facet, i, &v, &n);
        if (!strcmp(v, value))
            return n;
    }
    return 0;
}

/* ---- Statuses and errors ---------------------------------------------------------------- */

static void test_status_strings(void **state)
{
    (void)state;
    assert_string_equal(search_status_string(SEARCH_OK), "ok");
    assert_string_equal(search_status_string(SEARCH_BAD_QUERY), "bad query");
    assert_non_null(search_status_string((search_status)99));
}

static void test_open_errors(void **state)
{
    fixture *f = *state;
    char path[512];
    search_db *db = (search_db *)1;

    snprintf(path, sizeof path, "%s-never-built", f->dir);
    assert_int_equal(search_open(path, SEARCH_READ, &db), SEARCH_NOT_FOUND);
    assert_null(db);
    assert_true(strlen(search_last_error()) > 0);

    /* A regular file where the directory should be: a status, not a crash. */
    snprintf(path, sizeof path, "%s-file", f->dir);
    FILE *fp = fopen(path, "w");
    fputs("not an index", fp);
    fclose(fp);
    search_status st = search_open(path, SEARCH_READ, &db);
    assert_true(st == SEARCH_IO || st == SEARCH_NOT_FOUND);
    st = search_open(path, SEARCH_WRITE, &db);
    assert_true(st == SEARCH_IO || st == SEARCH_NOT_FOUND);
    assert_true(strlen(search_last_error()) > 0);
    st = search_rebuild_begin(path, &db);
    assert_true(st == SEARCH_IO || st == SEARCH_NOT_FOUND);
    unlink(path);

    /* A corrupt generation: Xapian's exception becomes a status. */
    char gen[600];
    snprintf(path, sizeof path, "%s-corrupt", f->dir);
    mkdir(path, 0755);
    snprintf(gen, sizeof gen, "%s/gen-000001", path);
    mkdir(gen, 0755);
    snprintf(gen, sizeof gen, "%s/gen-000001/iamglass", path);
    fp = fopen(gen, "w");
    fputs("garbage", fp);
    fclose(fp);
    snprintf(gen, sizeof gen, "%s/current", path);
    assert_int_equal(symlink("gen-000001", gen), 0);
    st = search_open(path, SEARCH_READ, &db);
    assert_true(st == SEARCH_IO || st == SEARCH_NOT_FOUND);
    assert_true(strlen(search_last_error()) > 0);
    rm_rf(path);

    /* Misuse is reported, not crashed on. */
    search_item it = doc(1, "x", NULL);
    it.kind = NULL;
    assert_int_equal(search_put(f->w, &it), SEARCH_BAD_QUERY);
    assert_int_equal(search_put(NULL, &it), SEARCH_INTERNAL);
    search_close(NULL);
}

static void test_second_writer_locked(void **state)
{
    fixture *f = *state;
    search_db *other = NULL;
    assert_int_equal(search_open(f->dir, SEARCH_WRITE, &other), SEARCH_LOCKED);
    assert_null(other);
    assert_non_null(strstr(search_last_error(), "Lock"));
}

/* ---- Indexing ---------------------------------------------------------------------------- */

static void test_put_replace_delete_commit(void **state)
{
    fixture *f = *state;
    search_db *r = NULL;
    uint64_t n = 99;

    assert_int_equal(search_open(f->dir, SEARCH_READ, &r), SEARCH_OK);
    put(f->w, doc(1, "Hygiène des mains", "Procédure d'hygiène des mains, version 1."));
    put(f->w, doc(2, "Dossier médical partagé", DMP));
    put(f->w, doc(3, "GHT du Vaucluse", GHT));
    /* Not committed: the reader does not see them yet. */
    assert_int_equal(search_count(r, &n), SEARCH_OK);
    assert_int_equal(n, 0);
    commit(f->w);
    /* The reader opened before the commit follows it. */
    assert_int_equal(search_count(r, &n), SEARCH_OK);
    assert_int_equal(n, 3);
    assert_ids(r, "hygiene", "1");

    /* Same (kind, id): replaced, not added. */
    put(f->w, doc(1, "Lavage des mains", "Procédure de lavage, version 2."));
    commit(f->w);
    assert_int_equal(search_count(r, &n), SEARCH_OK);
    assert_int_equal(n, 3);
    assert_ids(r, "hygiene", "");
    assert_ids(r, "lavage", "1");

    /* Another kind with the same id is another item. */
    search_item person = doc(1, "Hervé Flesch", NULL);
    person.kind = "person";
    put(f->w, person);
    assert_int_equal(search_delete(f->w, "document", 2), SEARCH_OK);
    assert_int_equal(search_delete(f->w, "document", 12345), SEARCH_OK); /* absent: OK */
    commit(f->w);
    assert_int_equal(search_count(r, &n), SEARCH_OK);
    assert_int_equal(n, 3);
    assert_ids(r, "dossier", "");

    /* Closing a writer drops what it did not commit. */
    put(f->w, doc(4, "Jamais validé", "brouillon"));
    search_close(f->w);
    f->w = NULL;
    assert_int_equal(search_count(r, &n), SEARCH_OK);
    assert_int_equal(n, 3);
    assert_int_equal(search_open(f->dir, SEARCH_WRITE, &f->w), SEARCH_OK);
    assert_int_equal(search_count(f->w, &n), SEARCH_OK);
    assert_int_equal(n, 3);

    /* Readers cannot write. */
    search_item it = doc(5, "x", NULL);
    assert_int_equal(search_put(r, &it), SEARCH_INTERNAL);
    assert_int_equal(search_commit(r), SEARCH_INTERNAL);
    search_close(r);
}

static void test_metadata(void **state)
{
    fixture *f = *state;
    char *v = NULL;
    assert_int_equal(search_get_metadata(f->w, "last_event", &v), SEARCH_OK);
    assert_string_equal(v, "");
    free(v);
    assert_int_equal(search_set_metadata(f->w, "last_event", "12345"), SEARCH_OK);
    assert_int_equal(search_set_metadata(f->w, "schema", "é 1"), SEARCH_OK);
    commit(f->w);
    search_db *r = NULL;
    assert_int_equal(search_open(f->dir, SEARCH_READ, &r), SEARCH_OK);
    assert_int_equal(search_get_metadata(r, "last_event", &v), SEARCH_OK);
    assert_string_equal(v, "12345");
    free(v);
    assert_int_equal(search_get_metadata(r, "schema", &v), SEARCH_OK);
    assert_string_equal(v, "é 1");
    free(v);
    assert_int_equal(search_set_metadata(f->w, "", "x"), SEARCH_BAD_QUERY);
    search_close(r);
}

/* ---- French text ------------------------------------------------------------------------- */

static void test_accents_and_case(void **state)
{
    fixture *f = *state;
    put(f->w, doc(1, "Annuaire commun", GHT));
    put(f->w, doc(2, "Mise en œuvre", OEUVRE));
    put(f->w, doc(3, "Sans rapport", "Une phrase qui ne parle pas du sujet."));
    commit(f->w);
    assert_ids(f->w, "etablissements", "1");
    assert_ids(f->w, "établissement", "1");
    assert_ids(f->w, "ÉTABLISSEMENTS", "1");
    assert_ids(f->w, "Etablissement", "1");
    assert_ids(f->w, "echelle", "1");
    assert_ids(f->w, "oeuvre", "2");
    assert_ids(f->w, "Œuvre", "2");
    assert_ids(f->w, "priorite deployer", "2");
    /* Elisions split: "l’échelle", "d'outil". */
    assert_ids(f->w, "outil", "2");
    /* Default AND: all words must match. */
    assert_ids(f->w, "vaucluse priorite", "");
}

static void test_stemming(void **state)
{
    fixture *f = *state;
    put(f->w, doc(1, "Forum", FORUM));
    put(f->w, doc(2, "Espace", OEUVRE)); /* "espace collaboratif" */
    commit(f->w);
    assert_set(f->w, "collaboratif", "1,2");
    assert_set(f->w, "collaboratives", "1,2");
    assert_set(f->w, "Collaboratives", "1,2");
    assert_ids(f->w, "solution collaborative", "1");
    assert_ids(f->w, "organisé", "1");

    search_item en = doc(3, "Hospital networks", "Sharing patient records between hospitals.");
    en.language = "en";
    put(f->w, en);
    commit(f->w);
    search_query q = query("hospital record");
    q.language = "en";
    search_results *r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 1);
    assert_true(has(r, "document", 3));
    search_results_free(r);
}

static void test_acronyms(void **state)
{
    fixture *f = *state;
    put(f->w, doc(1, "Annuaire", GHT));
    put(f->w, doc(2, "Dépêche", ARS));
    put(f->w, doc(3, "Journée", ESMS));
    put(f->w, doc(4, "Arts", "Les arts et la santé, les gestes"));
    commit(f->w);
    assert_ids(f->w, "GHT", "1");
    assert_ids(f->w, "ght", "1");
    assert_ids(f->w, "ARS", "2");
    assert_ids(f->w, "ESMS", "3");
    assert_ids(f->w, "esms", "3");
    assert_ids(f->w, "TSN", "2");
    assert_ids(f->w, "ARS santé", "2");
}

static void test_phrase_and_prefix(void **state)
{
    fixture *f = *state;
    put(f->w, doc(1, "Forum", FORUM));
    put(f->w, doc(2, "Autre", "La prise de sang est en charge du laboratoire."));
    put(f->w, doc(3, "Annuaire", GHT));
    commit(f->w);
    assert_set(f->w, "prise charge", "1,2");
    assert_ids(f->w, "\"prise en charge\"", "1");
    assert_ids(f->w, "«prise en charge»", "1");
    assert_ids(f->w, "\"prise de sang\"", "2");
    assert_ids(f->w, "établis*", "3");
    assert_ids(f->w, "etabl*", "3");
    assert_ids(f->w, "collabor* -sang", "1");
    assert_set(f->w, "sang OR vaucluse", "2,3");
    assert_ids(f->w, "charge NOT sang", "1");
}

static void test_fields(void **state)
{
    fixture *f = *state;
    search_item a = doc(1, "Rapport d'activité", "Le texte parle de Vaucluse et du rapport.");
    const char *tags[] = {"Télémédecine", "hôpital numérique"};
    a.tags = tags;
    a.ntags = 2;
    a.author_name = "Hervé Flesch";
    a.community_name = "Communauté des DSI";
    a.place = "Avignon, Vaucluse";
    const char *types[] = {"pdf"};
    a.types = types;
    a.ntypes = 1;
    a.url = "CR_reunion-telemedecine.pdf";
    put(f->w, a);
    search_item b = doc(2, "Vaucluse : compte rendu", "Un rapport rédigé par Flesch sur la télémédecine.");
    b.author_name = "Renaud Dumont";
    b.place = "Paris";
    put(f->w, b);
    search_item p = doc(3, "Hervé Flesch", NULL);
    p.kind = "person";
    const char *ptypes[] = {"personne"};
    p.types = ptypes;
    p.ntypes = 1;
    put(f->w, p);
    commit(f->w);

    assert_ids(f->w, "titre:rapport", "1");
    assert_ids(f->w, "title:vaucluse", "2");
    assert_ids(f->w, "tag:telemedecine", "1");
    assert_ids(f->w, "tag:hôpital", "1");
    assert_ids(f->w, "auteur:flesch", "1");
    assert_ids(f->w, "author:Hervé", "1");
    assert_ids(f->w, "communauté:dsi", "1");
    assert_ids(f->w, "community:DSI", "1");
    assert_ids(f->w, "lieu:avignon", "1");
    assert_ids(f->w, "place:vaucluse", "1");
    assert_ids(f->w, "type:person", "3");
    assert_ids(f->w, "type:personne", "3");
    assert_ids(f->w, "type:PDF", "1");
    assert_set(f->w, "flesch type:document", "1,2");
    assert_ids(f->w, "reunion", "1"); /* from the url */
    assert_ids(f->w, "avignon", "1"); /* place also in free text */
}

static void test_weights(void **state)
{
    fixture *f = *state;
    /* Body-only match first, so docid order cannot explain the ranking. */
    put(f->w, doc(1, "Compte rendu", "Nous avons parlé de la convergence numérique hier."));
    put(f->w, doc(2, "La convergence numérique", "Un texte sans le mot du titre."));
    search_item t = doc(3, "Réunion", "Nous avons parlé de télémédecine hier.");
    search_item tag = doc(4, "Réunion", "Un texte sans le mot de l'étiquette.");
    const char *tags[] = {"télémédecine"};
    tag.tags = tags;
    tag.ntags = 1;
    put(f->w, t);
    put(f->w, tag);
    search_item d = doc(5, "Réunion", "Un autre texte.");
    d.description = "Compte rendu sur la télémédecine";
    put(f->w, d);
    commit(f->w);
    assert_ids(f->w, "convergence", "2,1");
    assert_ids(f->w, "telemedecine", "4,5,3");

    search_results *r = run(f->w, "convergence");
    assert_true(search_results_hit(r, 0)->percent >= search_results_hit(r, 1)->percent);
    assert_true(search_results_hit(r, 0)->percent <= 100);
    search_results_free(r);
}

static void test_date_sort_and_range(void **state)
{
    fixture *f = *state;
    int64_t dates[] = {300, 100, 500, 200, 400};
    for (int i = 0; i < 5; i++) {
        search_item it = doc(i + 1, "Santé", i == 4 ? "santé santé santé santé" : "santé");
        it.date = dates[i];
        put(f->w, it);
    }
    commit(f->w);
    search_query q = query("sante");
    q.sort = SEARCH_SORT_DATE;
    search_results *r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 5);
    for (size_t i = 1; i < 5; i++)
        assert_true(search_results_hit(r, i - 1)->date > search_results_hit(r, i)->date);
    assert_int_equal(search_results_hit(r, 0)->id, 3);
    search_results_free(r);

    q.date_from = 200;
    q.date_to = 400;
    r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 3);
    assert_int_equal(search_results_hit(r, 0)->date, 400);
    assert_int_equal(search_results_hit(r, 2)->date, 200);
    search_results_free(r);
    q.date_to = 0;
    r = run_q(f->w, &q);
    assert_int_equal(search_results_total(r), 4);
    search_results_free(r);

    /* Paging. */
    q = query("sante");
    q.sort = SEARCH_SORT_DATE;
    q.offset = 3;
    q.limit = 10;
    r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 2);
    assert_int_equal(search_results_total(r), 5);
    assert_true(search_results_total_exact(r));
    assert_int_equal(search_results_hit(r, 0)->date, 200);
    search_results_free(r);
}

static void test_filters_and_browse(void **state)
{
    fixture *f = *state;
    const char *t_hyg[] = {"Hygiène"};
    const char *t_num[] = {"numérique", "hygiène"};
    search_item a = doc(1, "Mains propres", "Le lavage des mains.");
    a.tags = t_hyg, a.ntags = 1, a.community_id = 7, a.author_id = 70;
    search_item b = doc(2, "Dossier patient", "Le dossier patient numérique.");
    b.tags = t_num, b.ntags = 2, b.community_id = 8, b.author_id = 70;
    search_item c = doc(3, "Annuaire", GHT);
    c.community_id = 7, c.author_id = 71;
    put(f->w, a);
    put(f->w, b);
    put(f->w, c);
    commit(f->w);

    /* Empty text with a filter: everything within it, newest first. */
    search_query q = query("");
    q.tag = "HYGIENE";
    search_results *r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 2);
    assert_int_equal(search_results_hit(r, 0)->id, 2);
    assert_int_equal(search_results_hit(r, 1)->id, 1);
    search_results_free(r);

    q = query(NULL);
    q.community_id = 7;
    r = run_q(f->w, &q);
    assert_int_equal(search_results_total(r), 2);
    search_results_free(r);

    q = query("   ");
    q.author_id = 70;
    q.community_id = 8;
    r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 1);
    assert_true(has(r, "document", 2));
    search_results_free(r);

    q = query("dossier");
    q.type = "person";
    r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 0);
    search_results_free(r);
}

static void test_facets(void **state)
{
    fixture *f = *state;
    const char *tags_a[] = {"Santé", "GHT"};
    const char *tags_b[] = {"santé"};
    search_item a = doc(1, "Santé numérique", "Le numérique en santé.");
    a.tags = tags_a, a.ntags = 2, a.community_id = 7, a.author_id = 70;
    search_item b = doc(2, "Santé publique", "Santé et territoires.");
    b.tags = tags_b, b.ntags = 1, b.community_id = 7, b.author_id = 71;
    search_item c = doc(3, "Communauté santé", NULL);
    c.kind = "community";
    c.tags = tags_b, c.ntags = 1;
    search_item secret = doc(4, "Santé secrète", "Santé confidentielle.");
    secret.tags = tags_a, secret.ntags = 2, secret.community_id = 9, secret.author_id = 72;
    secret.access_keys = C2;
    put(f->w, a);
    put(f->w, b);
    put(f->w, c);
    put(f->w, secret);
    commit(f->w);

    search_query q = query("sante");
    q.facets = 1;
    q.limit = 1; /* facets cover the whole match set, not the page */
    search_results *r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 1);
    assert_int_equal(search_results_total(r), 3);
    assert_int_equal(facet_count(r, "type", "document"), 2);
    assert_int_equal(facet_count(r, "type", "community"), 1);
    assert_int_equal(search_results_facet_size(r, "type"), 2);
    const char *v;
    uint64_t n;
    search_results_facet(r, "type", 0, &v, &n); /* by decreasing count */
    assert_string_equal(v, "document");
    assert_int_equal(facet_count(r, "community", "7"), 2);
    assert_int_equal(facet_count(r, "community", "9"), 0); /* invisible */
    assert_int_equal(facet_count(r, "author", "70"), 1);
    assert_int_equal(facet_count(r, "author", "71"), 1);
    assert_int_equal(search_results_facet_size(r, "author"), 2);
    assert_int_equal(facet_count(r, "tag", "Santé"), 3); /* one value whatever the case */
    assert_int_equal(facet_count(r, "tag", "GHT"), 1);
    assert_int_equal(search_results_facet_size(r, "tag"), 2);
    assert_int_equal(search_results_facet_size(r, "nope"), 0);
    search_results_facet(r, "tag", 99, &v, &n);
    assert_null(v);
    search_results_free(r);

    q.facets = 0;
    r = run_q(f->w, &q);
    assert_int_equal(search_results_facet_size(r, "type"), 0);
    search_results_free(r);
}

/* ---- Rights ------------------------------------------------------------------------------ */

static void test_access_keys(void **state)
{
    fixture *f = *state;
    put(f->w, doc(1, "Projet ouvert", "Un projet de télémédecine pour tous."));
    search_item secret = doc(2, "Projet secret", "Le projet zygomatique de télémédecine.");
    secret.access_keys = C2;
    secret.community_id = 9;
    put(f->w, secret);
    search_item none = doc(3, "Projet orphelin", "Un projet de télémédecine sans clé.");
    none.access_keys = NULL;
    none.naccess_keys = 0;
    put(f->w, none);
    commit(f->w);

    search_query q = query("projet telemedecine");
    q.facets = 1;
    search_results *r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 1);
    assert_true(has(r, "document", 1));
    assert_int_equal(search_results_total(r), 1);
    assert_int_equal(facet_count(r, "type", "document"), 1);
    assert_int_equal(facet_count(r, "community", "9"), 0);
    search_results_free(r);

    q.access_keys = C1C2;
    q.naccess_keys = 2;
    r = run_q(f->w, &q);
    assert_int_equal(search_results_total(r), 2);
    search_results_free(r);

    /* No keys: nothing at all. */
    q.naccess_keys = 0;
    r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 0);
    assert_int_equal(search_results_total(r), 0);
    assert_int_equal(search_results_facet_size(r, "type"), 0);
    assert_null(search_results_correction(r));
    search_results_free(r);

    /* Spelling: the secret item's word exists in the index, but is never suggested to
     * someone who cannot see it; its owner gets the correction. */
    q = query("zygomatiqe");
    r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 0);
    assert_null(search_results_correction(r));
    search_results_free(r);
    q.access_keys = C2;
    r = run_q(f->w, &q);
    assert_non_null(search_results_correction(r));
    assert_string_equal(search_results_correction(r), "zygomatique");
    search_results_free(r);

}

static void test_correction(void **state)
{
    fixture *f = *state;
    put(f->w, doc(1, "Annuaire", GHT));
    put(f->w, doc(2, "Forum", FORUM));
    commit(f->w);
    search_results *r = run(f->w, "etablisements vaucluse");
    assert_int_equal(search_results_size(r), 0);
    assert_non_null(search_results_correction(r));
    assert_string_equal(search_results_correction(r), "etablissements vaucluse");
    search_results_free(r);
    /* Known words: no correction. */
    r = run(f->w, "vaucluse");
    assert_null(search_results_correction(r));
    search_results_free(r);
}

/* ---- Snippets ---------------------------------------------------------------------------- */

static void test_snippets(void **state)
{
    fixture *f = *state;
    search_item it = doc(1, "Annuaire",
                         "Introduction. " GHT " Les <b>dix</b> sites & leurs équipes "
                         "partagent un annuaire commun. Texte sans rapport ensuite, très long, "
                         "pour que le passage choisi ne soit pas tout le corps du document.");
    put(f->w, it);
    search_item d = doc(2, "Sans corps", NULL);
    d.description = "Une description qui parle des hôpitaux & des établissements.";
    put(f->w, d);
    put(f->w, doc(3, "Oeuvre", OEUVRE));
    commit(f->w);

    search_query q = query("etablissement");
    q.snippet_length = 120;
    search_results *r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 2);
    for (size_t i = 0; i < 2; i++) {
        const char *s = search_results_hit(r, i)->snippet;
        assert_non_null(strstr(s, SEARCH_MARK_START "établissements" SEARCH_MARK_END));
        assert_null(strstr(s, "&amp;"));
        assert_null(strstr(s, "&lt;"));
    }
    const search_hit *h = search_results_hit(r, 0)->id == 2 ? search_results_hit(r, 0)
                                                              : search_results_hit(r, 1);
    assert_non_null(strstr(h->snippet, "hôpitaux & des"));
    search_results_free(r);

    q = query("dix sites");
    q.snippet_length = 200;
    r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 1);
    const char *s = search_results_hit(r, 0)->snippet;
    assert_non_null(strstr(s, "<b>" SEARCH_MARK_START "dix" SEARCH_MARK_END "</b> "
                              SEARCH_MARK_START "sites" SEARCH_MARK_END " &"));
    search_results_free(r);

    /* Phrases and capitalised words highlight through accents and ligatures too. */
    q = query("\"mettre en oeuvre\"");
    q.snippet_length = 100;
    r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 1);
    assert_non_null(strstr(search_results_hit(r, 0)->snippet,
                           SEARCH_MARK_START "mettre en œuvre" SEARCH_MARK_END));
    search_results_free(r);
    q = query("Stephane");
    q.snippet_length = 100;
    r = run_q(f->w, &q);
    assert_non_null(strstr(search_results_hit(r, 0)->snippet,
                           SEARCH_MARK_START "Stéphane" SEARCH_MARK_END));
    search_results_free(r);

    /* Not asked: "". */
    r = run(f->w, "etablissement");
    assert_string_equal(search_results_hit(r, 0)->snippet, "");
    search_results_free(r);

    /* Our marks never come from the indexed text itself. */
    search_item marked = doc(4, "Marques", "Un texte \xee\x80\x80piégé\xee\x80\x81 ici.");
    put(f->w, marked);
    commit(f->w);
    q = query("texte piege");
    q.snippet_length = 100;
    r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 1);
    assert_string_equal(search_results_hit(r, 0)->snippet,
                        "Un " SEARCH_MARK_START "texte" SEARCH_MARK_END " " SEARCH_MARK_START
                        "piégé" SEARCH_MARK_END " ici.");
    search_results_free(r);
}

/* ---- Suggest ----------------------------------------------------------------------------- */

static void test_fold(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(search_fold("  L’Hôpital  ŒUVRE\tÉté ", &out), SEARCH_OK);
    assert_string_equal(out, "l hopital oeuvre ete");
    free(out);
    assert_int_equal(search_fold(NULL, &out), SEARCH_OK);
    assert_string_equal(out, "");
    free(out);
}

/* ---- Limits ------------------------------------------------------------------------------ */

static void test_limits(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 120; i++)
        put(f->w, doc(i + 1, "Santé", "santé"));
    commit(f->w);

    search_query q = query("sante");
    q.limit = 500;
    search_results *r = run_q(f->w, &q);
    assert_int_equal(search_results_size(r), 100);
    assert_int_equal(search_results_total(r), 120);
    assert_true(search_results_total_exact(r));
    assert_null(search_results_hit(r, 100));
    search_results_free(r);

    char long_text[1100];
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    q = query(long_text);
    r = (search_results *)1;
    assert_int_equal(search_run(f->w, &q, &r), SEARCH_BAD_QUERY);
    assert_null(r);
    assert_true(strlen(search_last_error()) > 0);

    /* A sign before punctuation or a group crashed Xapian's parser (fuzzer finds). */
    const char *crashers[] = {"-T -/s\ts\ts*", "-zz -/t t x*", "-zz -.le le sa*", "-a -'s s s*",
                              "-i -(y\xffy", "-i -(y y) sa*", "O\x01+\x9fl\ts\ts*",
                              "-a -\xe2\x80\x94t t x*"};
    for (size_t i = 0; i < sizeof crashers / sizeof *crashers; i++) {
        q = query(crashers[i]);
        r = NULL;
        assert_int_equal(search_run(f->w, &q, &r), SEARCH_OK);
        search_results_free(r);
    }

    /* Unparseable operators are retried as plain words. */
    const char *odd[] = {"sante AND", "(sante", "\"sante", "sante -", "NOT", "titre:",
                         "*", "AND OR NOT", "sante:", "type:", "\xff\xfe sante", "'"};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        q = query(odd[i]);
        assert_int_equal(search_run(f->w, &q, &r), SEARCH_OK);
        search_results_free(r);
    }
}

/* ---- Generations ------------------------------------------------------------------------- */

static int count_generations(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += !strncmp(e->d_name, "gen-", 4);
    if (d)
        closedir(d);
    return n;
}

static void test_rebuild(void **state)
{
    fixture *f = *state;
    put(f->w, doc(1, "Ancien", "Le contenu de l'ancienne génération."));
    commit(f->w);
    search_db *r = NULL;
    assert_int_equal(search_open(f->dir, SEARCH_READ, &r), SEARCH_OK);
    assert_ids(r, "ancien", "1");
    assert_false(search_is_stale(f->w));

    /* A rebuild in progress: readers keep answering from the live generation. */
    search_db *b = NULL;
    assert_int_equal(search_rebuild_begin(f->dir, &b), SEARCH_OK);
    for (int i = 0; i < 50; i++)
        put(b, doc(100 + i, "Nouveau", DMP));
    assert_int_equal(search_commit(b), SEARCH_OK);
    assert_ids(r, "ancien", "1");
    assert_ids(r, "nouveau", "");
    assert_false(search_is_stale(f->w));
    assert_int_equal(count_generations(f->dir), 2);

    assert_int_equal(search_rebuild_finish(b), SEARCH_OK);
    /* The handle opened before now reads the new generation. */
    assert_ids(r, "ancien", "");
    uint64_t n = 0;
    assert_int_equal(search_count(r, &n), SEARCH_OK);
    assert_int_equal(n, 50);
    assert_true(search_is_stale(f->w));
    search_db *r2 = NULL;
    assert_int_equal(search_open(f->dir, SEARCH_READ, &r2), SEARCH_OK);
    assert_int_equal(search_count(r2, &n), SEARCH_OK);
    assert_int_equal(n, 50);

    /* The old writer reopens; a second rebuild removes the first generation (older than
     * the one it replaces) and readers move on to the newest. */
    search_close(f->w);
    assert_int_equal(search_open(f->dir, SEARCH_WRITE, &f->w), SEARCH_OK);
    assert_false(search_is_stale(f->w));
    assert_int_equal(search_rebuild_begin(f->dir, &b), SEARCH_OK);
    put(b, doc(7, "Troisième", "génération"));
    assert_int_equal(search_rebuild_finish(b), SEARCH_OK);
    assert_int_equal(count_generations(f->dir), 2);
    assert_int_equal(search_count(r2, &n), SEARCH_OK);
    assert_int_equal(n, 1);

    /* An abandoned rebuild leaves nothing behind. */
    assert_int_equal(search_rebuild_begin(f->dir, &b), SEARCH_OK);
    put(b, doc(8, "Abandon", "jamais"));
    assert_int_equal(count_generations(f->dir), 3);
    search_close(b);
    assert_int_equal(count_generations(f->dir), 2);
    assert_ids(r, "troisieme", "7");

    /* rebuild_finish on something else fails and still frees it. */
    search_db *w2 = NULL;
    assert_int_equal(search_open(f->dir, SEARCH_READ, &w2), SEARCH_OK);
    assert_int_equal(search_rebuild_finish(w2), SEARCH_INTERNAL);
    search_close(r);
    search_close(r2);
}

static void test_first_rebuild_without_index(void **state)
{
    fixture *f = *state;
    char dir[600];
    snprintf(dir, sizeof dir, "%s-fresh", f->dir);
    search_db *b = NULL, *r = NULL;
    assert_int_equal(search_rebuild_begin(dir, &b), SEARCH_OK);
    put(b, doc(1, "Premier", "index"));
    assert_int_equal(search_open(dir, SEARCH_READ, &r), SEARCH_NOT_FOUND);
    assert_int_equal(search_rebuild_finish(b), SEARCH_OK);
    assert_int_equal(search_open(dir, SEARCH_READ, &r), SEARCH_OK);
    assert_ids(r, "premier", "1");
    search_close(r);
    rm_rf(dir);
}

/* Readers in their own threads keep answering while a writer commits and rebuilds swap
 * generations under them. */
typedef struct {
    const char *dir;
    int *stop;
    int runs, failures;
    char error[256];
} reader_arg;

static void *reader_thread(void *p)
{
    reader_arg *a = p;
    search_db *r = NULL;
    if (search_open(a->dir, SEARCH_READ, &r) != SEARCH_OK) {
        a->failures++;
        snprintf(a->error, sizeof a->error, "%s", search_last_error());
        return NULL;
    }
    while (!__atomic_load_n(a->stop, __ATOMIC_ACQUIRE)) {
        search_query q = query("sante dossier");
        q.facets = 1;
        q.snippet_length = 80;
        search_results *res = NULL;
        if (search_run(r, &q, &res) != SEARCH_OK) {
            a->failures++;
            snprintf(a->error, sizeof a->error, "%s", search_last_error());
        }
        search_results_free(res);
        a->runs++;
    }
    search_close(r);
    return NULL;
}

/* The writer's side of test_concurrent_readers: "" or what failed (no cmocka assertion may
 * leave the test while reader threads still run). */
static const char *write_and_rebuild(fixture *f)
{
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 20; i++) {
            search_item it = doc(100 + round * 20 + i, "Santé publique", DMP);
            if (search_put(f->w, &it) != SEARCH_OK || search_commit(f->w) != SEARCH_OK)
                return search_last_error();
        }
        search_db *b = NULL;
        if (search_rebuild_begin(f->dir, &b) != SEARCH_OK)
            return search_last_error();
        for (int i = 0; i < 30; i++) {
            search_item it = doc(200 + i, "Dossier santé", DMP);
            if (search_put(b, &it) != SEARCH_OK) {
                search_close(b);
                return search_last_error();
            }
        }
        if (search_rebuild_finish(b) != SEARCH_OK)
            return search_last_error();
        search_close(f->w);
        f->w = NULL;
        if (search_open(f->dir, SEARCH_WRITE, &f->w) != SEARCH_OK)
            return search_last_error();
    }
    return "";
}

static void test_concurrent_readers(void **state)
{
    fixture *f = *state;
    put(f->w, doc(1, "Santé", DMP));
    commit(f->w);
    int stop = 0;
    reader_arg args[2] = {{.dir = f->dir, .stop = &stop}, {.dir = f->dir, .stop = &stop}};
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, reader_thread, &args[i]), 0);
    char writer_error[512];
    snprintf(writer_error, sizeof writer_error, "%s", write_and_rebuild(f));
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    if (writer_error[0])
        fail_msg("writer: %s", writer_error);
    for (int i = 0; i < 2; i++) {
        if (args[i].failures)
            fail_msg("reader %d: %d failures in %d runs, last: %s", i, args[i].failures,
                     args[i].runs, args[i].error);
        assert_true(args[i].runs > 0);
    }
    assert_int_equal(count_generations(f->dir), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_strings),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_locked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_replace_delete_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accents_and_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stemming, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acronyms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phrase_and_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weights, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_sort_and_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters_and_browse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_facets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_correction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snippets, setup, teardown),
        cmocka_unit_test(test_fold),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebuild, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_rebuild_without_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_readers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
