/* user_store.c - the SQL of the directory, profiles and photos. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "people/people.h"
#include "people/people_sql.h"

rstatus people_sql_text(db_conn *db, arena *a, const char *sql, int nparams,
                        const char *const *params, const char **out)
{
    PGresult *res;
    rstatus st = db_query(db, sql, nparams, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    *out = arena_strdup(a, PQgetvalue(res, 0, 0));
    PQclear(res);
    return *out ? ST_OK : ST_NOMEM;
}

/* A person as lists show them (u: users, o: their organisation, LEFT JOINed). */
#define SQL_PERSON_ITEM                                                                     \
    "json_build_object('id', u.id, 'display_name', u.display_name, 'email', u.email,"       \
    " 'kind', u.kind, 'job_title', u.job_title, 'place', u.place,"                          \
    " 'organisation', " PEOPLE_SQL_ORG_REF("o") ", 'has_photo', u.photo IS NOT NULL,"       \
    " 'status', u.status)"

/*
 * One search word ($n: LIKE-escaped, NULL = no word) matches the person's name, job
 * title or place, or the name of their organisation; both sides folded (lower +
 * unaccent). Written as a union so that each half has its index: the trigram index
 * users_search_trgm for the first, users_organisation for the second. (An OR of the
 * two would evaluate relais_fold() on every row.)
 */
#define SQL_WORD(n)                                                                         \
    " AND ($" n "::text IS NULL OR u.id IN ("                                               \
    "  SELECT wu.id FROM users wu"                                                          \
    "   WHERE relais_fold(wu.display_name || ' ' || wu.job_title || ' ' || wu.place)"       \
    "         LIKE '%' || relais_fold($" n ") || '%'"                                       \
    "  UNION ALL"                                                                           \
    "  SELECT wu.id FROM organisations wo JOIN users wu ON wu.organisation_id = wo.id"      \
    "   WHERE relais_fold(wo.name) LIKE '%' || relais_fold($" n ") || '%'))"

/* The filter and the count use the same rows: `total` counts only whom the viewer may see. */
static const char sql_directory[] =
    "WITH hits AS ("
    "  SELECT u.id, relais_fold(u.display_name) AS sort_key FROM users u"
    "   WHERE " ACL_SQL_USER_VISIBLE("u", "$1")
    "     AND (u.status = 'active' OR $2::boolean)"
    "     AND ($3::bigint IS NULL OR u.organisation_id = $3)"
    SQL_WORD("4") SQL_WORD("5") SQL_WORD("6") SQL_WORD("7") SQL_WORD("8")
    "), page AS (SELECT id, sort_key FROM hits ORDER BY sort_key, id LIMIT $9 OFFSET $10)"
    " SELECT json_build_object("
    "   'items', coalesce((SELECT json_agg(" SQL_PERSON_ITEM " ORDER BY p.sort_key, p.id)"
    "       FROM page p JOIN users u ON u.id = p.id"
    "       LEFT JOIN organisations o ON o.id = u.organisation_id), '[]'::json),"
    "   'total', (SELECT count(*) FROM hits), 'limit', $9::int, 'offset', $10::int)::text";

rstatus people_directory_json(db_conn *db, arena *a, const people_query *q, const char **json)
{
    char viewer[24], org[24], limit[16], offset[16];
    snprintf(viewer, sizeof viewer, "%lld", q->viewer);
    snprintf(org, sizeof org, "%lld", q->organisation);
    snprintf(limit, sizeof limit, "%d", q->limit);
    snprintf(offset, sizeof offset, "%d", q->offset);
    const char *params[10] = {viewer, q->viewer_is_admin ? "true" : "false",
                              q->organisation ? org : NULL};
    for (int i = 0; i < PEOPLE_SEARCH_WORDS; i++)
        params[3 + i] = i < q->nwords ? q->words[i] : NULL;
    params[8] = limit;
    params[9] = offset;
    return people_sql_text(db, a, sql_directory, 10, params, json);
}

/* Does the viewer ($1) share a community with u? */
#define SQL_SHARES                                                                          \
    "EXISTS (SELECT 1 FROM memberships pa JOIN memberships pb"                              \
    " ON pa.community_id = pb.community_id WHERE pa.user_id = $1 AND pb.user_id = u.id)"

/* The person's communities, only those the viewer ($1) may see: never a secret one. */
static const char sql_profile[] =
    "SELECT u.kind = 'guest', u.status = 'active', " SQL_SHARES ","
    " json_build_object('id', u.id, 'display_name', u.display_name, 'email', u.email,"
    "  'kind', u.kind, 'organisation', " PEOPLE_SQL_ORG_REF("o") ","
    "  'job_title', u.job_title, 'phone', u.phone, 'place', u.place, 'bio', u.bio,"
    "  'has_photo', u.photo IS NOT NULL, 'platform_role', u.platform_role, 'status', u.status,"
    "  'created_at', " PEOPLE_SQL_TS("u.created_at") ","
    "  'communities', coalesce((SELECT json_agg(json_build_object('id', c.id, 'slug', c.slug,"
    "      'name', c.name, 'visibility', c.visibility, 'archived', c.archived_at IS NOT NULL,"
    "      'role', m.role) ORDER BY relais_fold(c.name), c.id)"
    "    FROM memberships m JOIN communities c ON c.id = m.community_id"
    "   WHERE m.user_id = u.id AND " ACL_SQL_COMMUNITY_VISIBLE("c", "$1") "), '[]'::json))::text"
    "  FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id"
    " WHERE u.id = $2";

static void read_facts(PGresult *res, people_facts *f)
{
    f->found = true;
    f->is_guest = PQgetvalue(res, 0, 0)[0] == 't';
    f->active = PQgetvalue(res, 0, 1)[0] == 't';
    f->shares_community = PQgetvalue(res, 0, 2)[0] == 't';
}

rstatus people_profile_load(db_conn *db, arena *a, long long viewer, long long target,
                            people_facts *facts, const char **json)
{
    char v[24], t[24];
    snprintf(v, sizeof v, "%lld", viewer);
    snprintf(t, sizeof t, "%lld", target);
    const char *params[] = {v, t};
    PGresult *res;
    rstatus st = db_query(db, sql_profile, 2, params, &res);
    if (st != ST_OK)
        return st;
    *facts = (people_facts){0};
    if (PQntuples(res) == 1) {
        read_facts(res, facts);
        *json = arena_strdup(a, PQgetvalue(res, 0, 3));
        if (!*json)
            st = ST_NOMEM;
    }
    PQclear(res);
    return st;
}

static const char sql_photo_meta[] =
    "SELECT u.kind = 'guest', u.status = 'active', " SQL_SHARES ","
    "       u.photo_type, '\"' || md5(u.photo) || '\"'"
    "  FROM users u WHERE u.id = $2";

rstatus people_photo_meta(db_conn *db, arena *a, long long viewer, long long target,
                          people_facts *facts, const char **type, const char **etag)
{
    char v[24], t[24];
    snprintf(v, sizeof v, "%lld", viewer);
    snprintf(t, sizeof t, "%lld", target);
    const char *params[] = {v, t};
    PGresult *res;
    rstatus st = db_query(db, sql_photo_meta, 2, params, &res);
    if (st != ST_OK)
        return st;
    *facts = (people_facts){0};
    *type = *etag = NULL;
    if (PQntuples(res) == 1) {
        read_facts(res, facts);
        if (!PQgetisnull(res, 0, 3)) {
            *type = arena_strdup(a, PQgetvalue(res, 0, 3));
            *etag = arena_strdup(a, PQgetvalue(res, 0, 4));
            if (!*type || !*etag)
                st = ST_NOMEM;
        }
    }
    PQclear(res);
    return st;
}

static void free_pq(void *p)
{
    PQfreemem(p);
}

rstatus people_photo_bytes(db_conn *db, arena *a, long long target, const void **data,
                           size_t *len)
{
    char t[24];
    snprintf(t, sizeof t, "%lld", target);
    const char *params[] = {t};
    PGresult *res;
    rstatus st = db_query(db, "SELECT photo FROM users WHERE id = $1 AND photo IS NOT NULL", 1,
                          params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    unsigned char *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 0), len);
    PQclear(res);
    if (!bytes || arena_defer(a, free_pq, bytes) != 0)
        return ST_NOMEM;
    *data = bytes;
    return ST_OK;
}

static const char sql_profile_update[] =
    "UPDATE users SET display_name = coalesce($2, display_name),"
    "       job_title = coalesce($3, job_title), phone = coalesce($4, phone),"
    "       place = coalesce($5, place), bio = coalesce($6, bio), updated_at = now()"
    " WHERE id = $1";

rstatus people_profile_update(db_conn *db, long long user, const people_profile_change *c)
{
    char u[24];
    snprintf(u, sizeof u, "%lld", user);
    const char *params[] = {u, c->display_name, c->job_title, c->phone, c->place, c->bio};
    return db_exec(db, sql_profile_update, 6, params);
}

static const char sql_photo_store[] =
    "UPDATE users SET photo = $2::bytea, photo_type = $3, updated_at = now() WHERE id = $1";

rstatus people_photo_store(db_conn *db, arena *a, long long user, const void *data, size_t len,
                           const char *type)
{
    char u[24];
    snprintf(u, sizeof u, "%lld", user);
    char *hex = NULL;
    if (data) {
        /* bytea's text input: "\x" and two hex digits a byte. */
        hex = arena_alloc(a, 2 + 2 * len + 1);
        if (!hex)
            return ST_NOMEM;
        hex[0] = '\\';
        hex[1] = 'x';
        sodium_bin2hex(hex + 2, 2 * len + 1, data, len);
    }
    const char *params[] = {u, hex, data ? type : NULL};
    return db_exec(db, sql_photo_store, 3, params);
}
