/* search_http.c - GET /api/search and GET /api/search/suggest. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/access.h"
#include "app.h"
#include "auth/auth.h"
#include "search/indexer.h"
#include "util/log.h"

#define QUERY_MAX_BYTES 500
#define SUGGEST_MAX_BYTES 100
#define PER_PAGE_DEFAULT 20
#define PER_PAGE_MAX 50
#define PAGE_MAX 200
#define SUGGEST_PER_KIND 5
#define SNIPPET_BYTES 240

/*
 * Readers: one index handle per worker thread (a handle serves one thread at a time),
 * opened at its first search and closed when the thread ends. A handle follows commits
 * and rebuilds by itself (search.h).
 */
static pthread_key_t reader_key;
static pthread_once_t reader_once = PTHREAD_ONCE_INIT;

static void reader_close(void *db)
{
    search_close(db);
}

static void reader_key_make(void)
{
    pthread_key_create(&reader_key, reader_close);
}

static rstatus reader(request *r, search_db **out)
{
    pthread_once(&reader_once, reader_key_make);
    search_db *db = pthread_getspecific(reader_key);
    if (!db) {
        char *dir = search_dir(r->app->cfg->data_dir);
        if (!dir)
            return ST_NOMEM;
        search_status st = search_open(dir, SEARCH_READ, &db);
        free(dir);
        if (st != SEARCH_OK) {
            if (st != SEARCH_NOT_FOUND)
                log_error("search: cannot open the index: %s", search_last_error());
            reply_header(r, "Retry-After", "5");
            return req_fail(r, ST_UNAVAILABLE, "The search index is not ready yet; try again shortly.");
        }
        pthread_setspecific(reader_key, db);
    }
    *out = db;
    return ST_OK;
}

/* After a failure the handle may be unusable: the next search opens a fresh one. */
static rstatus reader_failed(request *r, search_status st)
{
    if (st == SEARCH_BAD_QUERY)
        return req_fail(r, ST_BAD_REQUEST, "The search cannot be understood: %s", search_last_error());
    log_error("search: %s: %s", search_status_string(st), search_last_error());
    search_close(pthread_getspecific(reader_key));
    pthread_setspecific(reader_key, NULL);
    return req_fail(r, ST_UNAVAILABLE, "Search is unavailable right now.");
}

/* "YYYY-MM-DD" as the Unix time of that day's start (UTC), or -1. */
static long long parse_day(const char *s)
{
    struct tm tm = {0};
    const char *end = s ? strptime(s, "%Y-%m-%d", &tm) : NULL;
    if (!end || *end || strlen(s) != 10)
        return -1;
    return (long long)timegm(&tm);
}

static bool valid_word(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

static void iso_date(char out[32], long long t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* /recherche?tag=…[&community=…] for a tag (the app's URL of that tag's documents). */
static json_t *tag_url(const char *name, long long community)
{
    buf b = BUF_INIT;
    buf_puts(&b, "/recherche?tag=");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.')
            buf_append(&b, (const char *)p, 1);
        else
            buf_printf(&b, "%%%02X", *p);
    }
    if (community > 0)
        buf_printf(&b, "&community=%lld", community);
    json_t *s = b.data ? json_string(b.data) : NULL;
    buf_free(&b);
    return s;
}

/* The item's stored JSON with what every hit and suggestion carries. */
static json_t *item_json(const char *kind, long long id, const char *data)
{
    json_t *o = data ? json_loads(data, 0, NULL) : NULL;
    if (!json_is_object(o)) {
        json_decref(o);
        o = json_object();
    }
    json_object_set_new(o, "type", json_string(kind));
    json_object_set_new(o, "id", json_integer(id));
    if (!strcmp(kind, "tag")) {
        json_t *c = json_object_get(o, "community");
        json_object_set_new(o, "url", tag_url(json_string_value(json_object_get(o, "title")),
                                              json_integer_value(json_object_get(c, "id"))));
    }
    return o;
}

/* The snippet as [{"text":…, "match":bool}…], so clients never parse markup. */
static json_t *snippet_json(const char *s)
{
    json_t *parts = json_array();
    bool match = false;
    size_t mark_len = strlen(SEARCH_MARK_START);
    for (const char *p = s ? s : ""; *p;) {
        const char *mark = strstr(p, match ? SEARCH_MARK_END : SEARCH_MARK_START);
        size_t n = mark ? (size_t)(mark - p) : strlen(p);
        if (n > 0)
            json_array_append_new(parts, json_pack("{s:s%,s:b}", "text", p, n, "match", match));
        if (!mark)
            break;
        p = mark + mark_len;
        match = !match;
    }
    return parts;
}

/* "{1,2}" from the ids in a JSON array of integers, in the request's arena. */
static const char *id_list(arena *a, json_t *ids)
{
    size_t n = json_array_size(ids);
    long long *v = arena_calloc(a, n + 1, sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++)
        v[i] = json_integer_value(json_array_get(ids, i));
    char *s = db_bigint_array(v, n);
    const char *copy = s ? arena_strdup(a, s) : NULL;
    free(s);
    return copy;
}

static const char visible_people_sql[] =
    "SELECT u.id, u.display_name FROM users u WHERE u.id = ANY ($2::bigint[])"
    " AND u.status = 'active' AND " ACL_SQL_USER_VISIBLE("u", "$1");

static const char visible_communities_sql[] =
    "SELECT c.id, c.name FROM communities c WHERE c.id = ANY ($2::bigint[])"
    " AND " ACL_SQL_COMMUNITY_VISIBLE("c", "$1");

/* id -> name of the ids the viewer may see, as a JSON object keyed by the decimal id. */
static rstatus names(request *r, db_conn *db, const char *sql, json_t *ids, json_t **out)
{
    *out = json_object();
    if (json_array_size(ids) == 0)
        return ST_OK;
    char viewer[24];
    snprintf(viewer, sizeof viewer, "%lld", r->who->user_id);
    const char *params[] = {viewer, id_list(r->arena, ids)};
    if (!params[1])
        return ST_NOMEM;
    PGresult *res;
    rstatus st = db_query(db, sql, 2, params, &res);
    if (st != ST_OK)
        return st;
    for (int i = 0; i < PQntuples(res); i++)
        json_object_set_new(*out, PQgetvalue(res, i, 0), json_string(PQgetvalue(res, i, 1)));
    PQclear(res);
    return ST_OK;
}

static json_t *facet_json(const search_results *res, const char *facet, json_t *names_by_id)
{
    json_t *list = json_array();
    for (size_t i = 0; i < search_results_facet_size(res, facet); i++) {
        const char *value;
        uint64_t count;
        search_results_facet(res, facet, i, &value, &count);
        if (!names_by_id) {
            json_array_append_new(list, json_pack("{s:s,s:I}", "value", value, "count",
                                                  (json_int_t)count));
            continue;
        }
        json_t *name = json_object_get(names_by_id, value);
        if (name)   /* people the viewer may not see are left out */
            json_array_append_new(list, json_pack("{s:I,s:O,s:I}", "id",
                                                  (json_int_t)strtoll(value, NULL, 10), "name",
                                                  name, "count", (json_int_t)count));
    }
    return list;
}

static void collect_facet_ids(const search_results *res, const char *facet, json_t *ids)
{
    for (size_t i = 0; i < search_results_facet_size(res, facet); i++) {
        const char *value;
        uint64_t count;
        search_results_facet(res, facet, i, &value, &count);
        long long id = strtoll(value, NULL, 10);
        if (id > 0)
            json_array_append_new(ids, json_integer(id));
    }
}

static rstatus render_results(request *r, db_conn *db, const search_query *q, long long page,
                              const search_results *res)
{
    json_t *hits = json_array(), *authors = json_array(), *communities = json_array();
    for (size_t i = 0; i < search_results_size(res); i++) {
        const search_hit *h = search_results_hit(res, i);
        json_t *o = item_json(h->kind, h->id, h->data);
        char date[32];
        iso_date(date, h->date);
        json_object_set_new(o, "date", json_string(date));
        json_object_set_new(o, "percent", json_integer(h->percent));
        json_object_set_new(o, "snippet", snippet_json(h->snippet));
        json_t *author = json_object_get(o, "author_id");
        if (json_integer_value(author) > 0)
            json_array_append(authors, author);
        json_array_append_new(hits, o);
    }
    collect_facet_ids(res, "author", authors);
    collect_facet_ids(res, "community", communities);

    json_t *people = NULL, *places = NULL;
    rstatus st = names(r, db, visible_people_sql, authors, &people);
    if (st == ST_OK)
        st = names(r, db, visible_communities_sql, communities, &places);
    json_decref(authors);
    json_decref(communities);
    if (st != ST_OK) {
        json_decref(hits);
        json_decref(people);
        json_decref(places);
        return st;
    }

    /* Authors by name where the viewer may see them (access.h), else null. */
    size_t i;
    json_t *o;
    json_array_foreach(hits, i, o)
    {
        json_t *author = json_object_get(o, "author_id");
        char key[24];
        snprintf(key, sizeof key, "%lld", json_integer_value(author));
        json_t *name = json_object_get(people, key);
        json_object_set_new(o, "author", name ? json_pack("{s:I,s:O}", "id",
                                                          (json_int_t)json_integer_value(author),
                                                          "name", name)
                                              : json_null());
        json_object_del(o, "author_id");
    }

    const char *correction = search_results_correction(res);
    json_t *out = json_pack("{s:s,s:s,s:I,s:I,s:I,s:b,s:o,s:o}", "query", q->text ? q->text : "",
                            "sort", q->sort == SEARCH_SORT_DATE ? "date" : "relevance", "page",
                            (json_int_t)page, "per_page", (json_int_t)q->limit, "total",
                            (json_int_t)search_results_total(res), "total_exact",
                            search_results_total_exact(res), "correction",
                            correction ? json_string(correction) : json_null(), "hits", hits);
    json_object_set_new(out, "facets",
                        json_pack("{s:o,s:o,s:o,s:o}", "type", facet_json(res, "type", NULL),
                                  "community", facet_json(res, "community", places), "author",
                                  facet_json(res, "author", people), "tag",
                                  facet_json(res, "tag", NULL)));
    json_decref(people);
    json_decref(places);
    return reply_json(r, 200, out);
}

rstatus search_http_query(request *r)
{
    search_query q = {.text = req_query(r, "q"), .facets = 1, .snippet_length = SNIPPET_BYTES};
    if (q.text && strlen(q.text) > QUERY_MAX_BYTES)
        return req_fail(r, ST_BAD_REQUEST, "q is longer than %d bytes.", QUERY_MAX_BYTES);
    const char *sort = req_query(r, "sort");
    if (sort && *sort && strcmp(sort, "relevance") && strcmp(sort, "date"))
        return req_fail(r, ST_BAD_REQUEST, "sort must be relevance or date.");
    q.sort = sort && !strcmp(sort, "date") ? SEARCH_SORT_DATE : SEARCH_SORT_RELEVANCE;
    q.type = req_query(r, "type");
    if (q.type && !*q.type)
        q.type = NULL;
    if (q.type && !valid_word(q.type, 30))
        return req_fail(r, ST_BAD_REQUEST, "type must be a word such as document, person or pdf.");
    q.tag = req_query(r, "tag");
    if (q.tag && !*q.tag)
        q.tag = NULL;
    if (q.tag && strlen(q.tag) > 60)
        return req_fail(r, ST_BAD_REQUEST, "tag is longer than 60 bytes.");
    const char *from = req_query(r, "from"), *to = req_query(r, "to");
    if (from && *from && (q.date_from = parse_day(from)) < 0)
        return req_fail(r, ST_BAD_REQUEST, "from must be a date as YYYY-MM-DD.");
    if (to && *to && (q.date_to = parse_day(to)) < 0)
        return req_fail(r, ST_BAD_REQUEST, "to must be a date as YYYY-MM-DD.");
    if (q.date_to > 0)
        q.date_to += 86399;     /* the whole day */
    if (q.date_from && q.date_to && q.date_from > q.date_to)
        return req_fail(r, ST_BAD_REQUEST, "from must not be after to.");
    long long community, author, page, per_page;
    rstatus st = req_query_int(r, "community", 0, 1, 1LL << 53, &community);
    if (st == ST_OK)
        st = req_query_int(r, "author", 0, 1, 1LL << 53, &author);
    if (st == ST_OK)
        st = req_query_int(r, "page", 1, 1, PAGE_MAX, &page);
    if (st == ST_OK)
        st = req_query_int(r, "per_page", PER_PAGE_DEFAULT, 1, PER_PAGE_MAX, &per_page);
    if (st != ST_OK)
        return st;
    q.community_id = community;
    q.author_id = author;
    q.limit = (size_t)per_page;
    q.offset = (size_t)((page - 1) * per_page);

    db_conn *db;
    search_db *index = NULL;
    if ((st = req_db(r, &db)) != ST_OK ||
        (st = acl_search_viewer_keys(r->arena, r->who, (const char ***)&q.access_keys,
                                     &q.naccess_keys)) != ST_OK ||
        (st = reader(r, &index)) != ST_OK)
        return st;
    search_results *res = NULL;
    search_status ss = search_run(index, &q, &res);
    if (ss != SEARCH_OK)
        return reader_failed(r, ss);
    st = render_results(r, db, &q, page, res);
    search_results_free(res);
    return st;
}

rstatus search_http_suggest(request *r)
{
    static const char *const kinds[] = {"tag", "community", "person", "document"};
    const char *text = req_query(r, "q");
    if (text && strlen(text) > SUGGEST_MAX_BYTES)
        return req_fail(r, ST_BAD_REQUEST, "q is longer than %d bytes.", SUGGEST_MAX_BYTES);
    if (!text || !*text)
        return reply_json(r, 200, json_pack("{s:[]}", "suggestions"));
    complete *table = search_completions();
    if (!table) {
        reply_header(r, "Retry-After", "5");
        return req_fail(r, ST_UNAVAILABLE, "Suggestions are not ready yet; try again shortly.");
    }

    const char **keys;
    size_t nkeys, nhits;
    complete_hit *hits;
    rstatus st = acl_search_viewer_keys(r->arena, r->who, &keys, &nkeys);
    if (st != ST_OK)
        return st;
    if (complete_suggest(table, r->arena, text, keys, nkeys, kinds, sizeof kinds / sizeof *kinds,
                         1u << 0 /* tags: one per name */, SUGGEST_PER_KIND, &hits, &nhits) != 0)
        return ST_NOMEM;
    json_t *list = json_array();
    for (size_t i = 0; i < nhits; i++) {
        const complete_hit *h = &hits[i];
        /* A tag name stands for that keyword in every community the viewer can read. */
        bool tag = !strcmp(h->kind, "tag");
        json_t *url = tag ? tag_url(h->label, 0) : h->url ? json_string(h->url) : json_null();
        json_t *detail = h->detail && !tag ? json_string(h->detail) : json_null();
        json_array_append_new(list, json_pack("{s:s,s:I,s:s,s:o,s:o}", "type", h->kind, "id",
                                              (json_int_t)h->id, "label", h->label, "detail",
                                              detail, "url", url));
    }
    return reply_json(r, 200, json_pack("{s:o}", "suggestions", list));
}
