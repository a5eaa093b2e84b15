/* kinds.c - what each kind of item puts in the search index, read from PostgreSQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "search/complete.h"
#include "search/indexer.h"

/* The common tail of every kind's SELECT: see search_kind in indexer.h. */
#define WANTED(alias) " AND ($1::bigint[] IS NULL OR " alias ".id = ANY ($1)) AND " alias ".id > $2" \
                      " ORDER BY " alias ".id LIMIT $3"

/* A document's folder path, root first ("Procédures/Hygiène"). */
#define FOLDER_PATH(folder_id)                                                              \
    "(WITH RECURSIVE p (parent_id, name, depth) AS ("                                       \
    "   SELECT f.parent_id, f.name, 0 FROM folders f WHERE f.id = " folder_id                \
    "   UNION ALL SELECT f.parent_id, f.name, p.depth + 1 FROM folders f JOIN p ON f.id = p.parent_id)" \
    " SELECT string_agg(name, '/' ORDER BY depth DESC) FROM p)"

/* What people type after type: besides the kind: the extension and a family, in French and English. */
#define MEDIA_FAMILY(media)                                                                 \
    "CASE WHEN " media " = 'application/pdf' THEN 'pdf'"                                     \
    " WHEN " media " LIKE 'image/%' THEN 'image'"                                             \
    " WHEN " media " IN ('text/plain', 'text/markdown', 'text/csv') THEN 'texte text'"        \
    " WHEN " media " = 'text/html' THEN 'html web'"                                           \
    " WHEN " media " LIKE '%wordprocessing%' OR " media " LIKE '%opendocument.text' THEN 'traitement-de-texte word'" \
    " WHEN " media " LIKE '%spreadsheet%' THEN 'tableur spreadsheet'"                          \
    " WHEN " media " LIKE '%presentation%' THEN 'presentation'"                               \
    " ELSE NULL END"

/* Up to 4 MiB of a version's text is indexed (extraction keeps up to 10 MiB). */
static const char documents_sql[] =
    "SELECT d.id, d.community_id, coalesce(d.author_id, 0), extract(epoch FROM d.updated_at)::bigint,"
    " d.title,"
    " (SELECT string_agg(t.name, ',' ORDER BY t.name) FROM document_tags dt JOIN tags t ON t.id = dt.tag_id"
    "   WHERE dt.document_id = d.id),"
    " d.description, CASE WHEN $4 THEN left(v.extracted_text, 4194304) END,"
    " CASE WHEN $4 THEN concat_ws('/', " FOLDER_PATH("d.folder_id") ", v.filename) END,"
    " NULL, u.display_name, c.name,"
    " concat_ws(' ', 'document', lower(substring(v.filename FROM '\\.([A-Za-z0-9]{1,8})$')), "
    MEDIA_FAMILY("v.media_type") "),"
    " NULL, NULL,"
    " json_build_object('title', d.title, 'url', '/documents/' || d.id,"
    "   'community', json_build_object('id', c.id, 'name', c.name), 'author_id', d.author_id,"
    "   'detail', v.filename, 'media_type', v.media_type, 'size', v.size, 'status', d.status)::text"
    " FROM documents d JOIN communities c ON c.id = d.community_id"
    " LEFT JOIN document_versions v ON v.document_id = d.id AND v.number = d.current_version"
    " LEFT JOIN users u ON u.id = d.author_id"
    " WHERE d.deleted_at IS NULL" WANTED("d");

static const char communities_sql[] =
    "SELECT c.id, c.id, 0, extract(epoch FROM c.updated_at)::bigint, c.name,"
    " (SELECT string_agg(name, ',') FROM (SELECT t.name FROM tags t WHERE t.community_id = c.id"
    "   ORDER BY t.name LIMIT 100) ct),"
    " c.description, NULL, c.slug, NULL, NULL, c.name, 'community communaute', NULL, NULL,"
    " json_build_object('title', c.name, 'url', '/communautes/' || c.id,"
    "   'detail', nullif(left(c.description, 160), ''), 'visibility', c.visibility,"
    "   'archived', c.archived_at IS NOT NULL)::text"
    " FROM communities c WHERE true" WANTED("c");

/* Only active accounts are found; e-mail addresses and phones are never indexed. */
static const char people_sql[] =
    "SELECT u.id, 0, 0, extract(epoch FROM u.updated_at)::bigint, u.display_name, NULL,"
    " concat_ws(' ', nullif(u.job_title, ''), o.name), CASE WHEN $4 THEN nullif(u.bio, '') END,"
    " NULL, nullif(u.place, ''),"
    " NULL, NULL, 'person personne', u.kind = 'staff',"
    " (SELECT string_agg(m.community_id::text, ',') FROM memberships m WHERE m.user_id = u.id),"
    " json_build_object('title', u.display_name, 'url', '/personnes/' || u.id,"
    "   'detail', nullif(concat_ws(' · ', nullif(u.job_title, ''), o.name), ''),"
    "   'guest', u.kind = 'guest')::text"
    " FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id"
    " WHERE u.status = 'active'" WANTED("u");

/* A tag is found by its own name only: with its community's name it would answer every
 * search that names the community. */
static const char tags_sql[] =
    "SELECT t.id, t.community_id, 0, extract(epoch FROM t.created_at)::bigint, t.name, NULL,"
    " NULL, NULL, NULL, NULL, NULL, NULL, 'tag etiquette', NULL, NULL,"
    " json_build_object('title', t.name, 'detail', c.name,"
    "   'community', json_build_object('id', c.id, 'name', c.name))::text"
    " FROM tags t JOIN communities c ON c.id = t.community_id WHERE true" WANTED("t");

const search_kind search_kinds[] = {
    {"document",  16,  KEYS_CONTENT,   documents_sql},
    {"community", 500, KEYS_COMMUNITY, communities_sql},
    {"person",    500, KEYS_PERSON,    people_sql},
    {"tag",       500, KEYS_CONTENT,   tags_sql},
};
const size_t search_nkinds = sizeof search_kinds / sizeof search_kinds[0];

const search_kind *search_kind_find(const char *name)
{
    for (size_t i = 0; i < search_nkinds; i++)
        if (!strcmp(search_kinds[i].name, name))
            return &search_kinds[i];
    return NULL;
}

static const char *col(PGresult *res, int row, enum search_column c)
{
    return PQgetisnull(res, row, (int)c) ? NULL : PQgetvalue(res, row, (int)c);
}

/* Splits a copy of s on sep into an arena array. */
static const char **split(arena *a, const char *s, char sep, size_t *n)
{
    *n = 0;
    if (!s || !*s)
        return NULL;
    size_t max = 1;
    for (const char *p = s; *p; p++)
        max += *p == sep;
    const char **out = arena_calloc(a, max, sizeof *out);
    char *copy = arena_strdup(a, s);
    if (!out || !copy)
        return NULL;
    for (char *save = NULL, *tok = strtok_r(copy, (char[]){sep, 0}, &save); tok;
         tok = strtok_r(NULL, (char[]){sep, 0}, &save))
        out[(*n)++] = tok;
    return out;
}

/*
 * English or French? Counts a few function words in the first kilobytes: content is
 * French unless English words clearly dominate.
 */
static const char *guess_language(const char *text)
{
    if (!text)
        return "fr";
    static const char *const en[] = {" the ", " and ", " of ", " to ", " is ", " with ", " for "};
    static const char *const fr[] = {" le ", " la ", " les ", " des ", " et ", " est ", " pour "};
    size_t len = strnlen(text, 8192);
    char *head = strndup(text, len);
    if (!head)
        return "fr";
    int score = 0;
    for (size_t i = 0; i < sizeof en / sizeof en[0]; i++) {
        for (const char *p = head; (p = strstr(p, en[i])); p++)
            score++;
        for (const char *p = head; (p = strstr(p, fr[i])); p++)
            score--;
    }
    free(head);
    return score > 5 ? "en" : "fr";
}

static int item_from_row(arena *a, const search_kind *kind, PGresult *res, int row,
                         search_item *it)
{
    memset(it, 0, sizeof *it);
    it->kind = kind->name;
    it->id = strtoll(col(res, row, SC_ID), NULL, 10);
    it->community_id = strtoll(col(res, row, SC_COMMUNITY), NULL, 10);
    it->author_id = strtoll(col(res, row, SC_AUTHOR), NULL, 10);
    it->date = strtoll(col(res, row, SC_DATE), NULL, 10);
    it->title = col(res, row, SC_TITLE);
    it->tags = split(a, col(res, row, SC_TAGS), ',', &it->ntags);
    it->description = col(res, row, SC_DESCRIPTION);
    it->body = col(res, row, SC_BODY);
    it->url = col(res, row, SC_URL);
    it->place = col(res, row, SC_PLACE);
    it->author_name = col(res, row, SC_AUTHOR_NAME);
    it->community_name = col(res, row, SC_COMMUNITY_NAME);
    it->types = split(a, col(res, row, SC_TYPES), ' ', &it->ntypes);
    it->data = col(res, row, SC_DATA);
    it->language = guess_language(it->body ? it->body : it->description);

    char key[ACL_SEARCH_KEY_MAX];
    switch (kind->keys) {
    case KEYS_CONTENT:
    case KEYS_COMMUNITY: {
        if (kind->keys == KEYS_CONTENT)
            acl_search_key_content(key, it->community_id);
        else
            acl_search_key_community(key, it->community_id);
        const char **keys = arena_calloc(a, 1, sizeof *keys);
        if (!keys || !(keys[0] = arena_strdup(a, key)))
            return -1;
        it->access_keys = keys;
        it->naccess_keys = 1;
        break;
    }
    case KEYS_PERSON: {
        size_t n = 0;
        const char **ids = split(a, col(res, row, SC_MEMBER_OF), ',', &n);
        long long *communities = arena_calloc(a, n + 1, sizeof *communities);
        if (!communities)
            return -1;
        for (size_t i = 0; i < n; i++)
            communities[i] = strtoll(ids[i], NULL, 10);
        const char *staff = col(res, row, SC_STAFF);
        it->access_keys = acl_search_keys_person(a, it->id, staff && *staff == 't', communities, n,
                                                 &it->naccess_keys);
        if (!it->access_keys)
            return -1;
        break;
    }
    }
    return 0;
}

static int cmp_ll(const void *x, const void *y)
{
    long long a = *(const long long *)x, b = *(const long long *)y;
    return (a > b) - (a < b);
}

/* Removes (kind, id) from the index and the completion table. */
static int unindex(search_db *db, complete *comp, const char *kind, long long id)
{
    complete_delete(comp, kind, id);
    return db && search_delete(db, kind, id) != SEARCH_OK ? -1 : 0;
}

int search_sync_kind(PGconn *pg, search_db *db, complete *comp, const search_kind *kind,
                     const long long *ids, int n, char *err, size_t errsize)
{
    long long *sorted = NULL;
    char *wanted = NULL;
    *err = '\0';
    if (n >= 0) {
        if (n == 0)
            return 0;
        sorted = malloc((size_t)n * sizeof *sorted);
        if (!sorted) {
            snprintf(err, errsize, "out of memory");
            return -1;
        }
        memcpy(sorted, ids, (size_t)n * sizeof *sorted);
        qsort(sorted, (size_t)n, sizeof *sorted, cmp_ll);
        if (!(wanted = db_bigint_array(sorted, (size_t)n))) {
            free(sorted);
            snprintf(err, errsize, "out of memory");
            return -1;
        }
    }

    /* Items come back in id order, as sorted is: whatever sorted holds between two rows
     * returned is gone from PostgreSQL, and goes from the index. */
    int rc = 0, next = 0;
    long long after = 0;
    char after_s[24], limit_s[24];
    /* Without bodies a row is small whatever the kind. */
    int batch = db ? kind->batch : 1000;
    snprintf(limit_s, sizeof limit_s, "%d", batch);
    for (;;) {
        snprintf(after_s, sizeof after_s, "%lld", after);
        /* Typed, so that a kind's SELECT may leave a parameter unused. */
        static const Oid types[] = {1016 /* int8[] */, 20 /* int8 */, 20, 16 /* bool */};
        const char *params[] = {wanted, after_s, limit_s, db ? "true" : "false"};
        PGresult *res = PQexecParams(pg, kind->sql, 4, types, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            snprintf(err, errsize, "reading %s items: %s", kind->name, PQresultErrorMessage(res));
            PQclear(res);
            rc = -1;
            break;
        }
        arena *a = arena_create(64 * 1024);
        int rows = PQntuples(res);
        for (int i = 0; i < rows && rc == 0; i++) {
            search_item it;
            if (!a || item_from_row(a, kind, res, i, &it) != 0) {
                snprintf(err, errsize, "out of memory");
                rc = -1;
                break;
            }
            for (; sorted && next < n && sorted[next] < it.id; next++)
                if (unindex(db, comp, kind->name, sorted[next]) != 0)
                    rc = -1;
            if (sorted)
                for (; next < n && sorted[next] == it.id; next++)
                    ;
            if (rc == 0 && db && search_put(db, &it) != SEARCH_OK)
                rc = -1;
            if (rc == 0 && comp && complete_put(comp, &it) != 0) {
                snprintf(err, errsize, "out of memory for the completion table");
                rc = -1;
            }
            if (rc != 0 && !*err)
                snprintf(err, errsize, "indexing %s %lld: %s", kind->name, (long long)it.id,
                         search_last_error());
            after = it.id;
        }
        arena_destroy(a);
        PQclear(res);
        if (rc != 0 || rows < batch)
            break;
    }
    for (; rc == 0 && sorted && next < n; next++)
        if (unindex(db, comp, kind->name, sorted[next]) != 0) {
            snprintf(err, errsize, "removing %s %lld: %s", kind->name, sorted[next],
                     search_last_error());
            rc = -1;
        }
    free(sorted);
    free(wanted);
    return rc;
}
