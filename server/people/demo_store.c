/* demo_store.c - loads the demo data set (demo.c) in one transaction, once. */
#include <stdio.h>
#include <stdlib.h>

#include "people/demo.h"

static const char sql_demo_marker[] =
    "SELECT 1 FROM platform_settings WHERE key = 'demo.loaded'";

static const char sql_demo_person[] =
    "INSERT INTO users (email, display_name, kind, organisation_id, job_title, place, phone, bio,"
    "                   platform_role, password_hash, password_changed_at, email_verified_at)"
    " VALUES ($1, $2, $3::user_kind, $4::bigint, $5, $6, $7, $8, $9::platform_role, $10,"
    "         now(), now())"
    " RETURNING id";

static const char sql_demo_community[] =
    "INSERT INTO communities (slug, name, description, organisation_id, visibility, archived_at,"
    "                         created_by)"
    " VALUES ($1, $2, $3, $4::bigint, $5::community_visibility,"
    "         CASE WHEN $6::boolean THEN now() END, $7::bigint)"
    " RETURNING id";

static const char sql_demo_member[] =
    "INSERT INTO memberships (community_id, user_id, role) VALUES ($1, $2, $3::member_role)";

static const char sql_demo_request[] =
    "INSERT INTO join_requests (community_id, user_id, message) VALUES ($1, $2, $3)";

static const char sql_demo_done[] =
    "INSERT INTO platform_settings (key, value) VALUES ('demo.loaded', to_jsonb(now()))";

/* Runs sql and reads the id it returns. */
static rstatus insert_id(db_conn *db, const char *sql, int n, const char *const *params,
                         long long *id)
{
    PGresult *res;
    rstatus st = db_query(db, sql, n, params, &res);
    if (st != ST_OK)
        return st;
    *id = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return ST_OK;
}

static rstatus load(db_conn *db, const char *password_hash)
{
    long long org_ids[8], person_ids[32];
    char a[24], b[24];
    rstatus st = ST_OK;
    if (demo_norgs > 8 || demo_npeople > 32)
        return ST_INTERNAL;     /* cannot happen: the tables are in demo.c */
    for (int i = 0; i < demo_norgs && st == ST_OK; i++) {
        bool created;
        st = people_org_find_or_create(db, demo_orgs[i].name, demo_orgs[i].kind, &org_ids[i],
                                       &created);
    }
    for (int i = 0; i < demo_npeople && st == ST_OK; i++) {
        const demo_person *p = &demo_people[i];
        if (p->org >= 0)
            snprintf(a, sizeof a, "%lld", org_ids[p->org]);
        const char *params[] = {p->email, p->name, p->guest ? "guest" : "staff",
                                p->org >= 0 ? a : NULL, p->job, p->place, p->phone, p->bio,
                                p->admin ? "admin" : "user", password_hash};
        st = insert_id(db, sql_demo_person, 10, params, &person_ids[i]);
    }
    for (int i = 0; i < demo_ncommunities && st == ST_OK; i++) {
        const demo_community *c = &demo_communities[i];
        snprintf(a, sizeof a, "%lld", org_ids[c->org]);
        snprintf(b, sizeof b, "%lld", person_ids[c->members[0].person]);
        const char *params[] = {c->slug, c->name, c->description, a, c->visibility,
                                c->archived ? "true" : "false", b};
        long long cid = 0;
        st = insert_id(db, sql_demo_community, 7, params, &cid);
        snprintf(a, sizeof a, "%lld", cid);
        for (const demo_member *m = c->members; st == ST_OK && m->person >= 0; m++) {
            snprintf(b, sizeof b, "%lld", person_ids[m->person]);
            const char *mp[] = {a, b, m->role};
            st = db_exec(db, sql_demo_member, 3, mp);
        }
        if (st == ST_OK && c->pending_request >= 0) {
            snprintf(b, sizeof b, "%lld", person_ids[c->pending_request]);
            const char *rp[] = {a, b, "Je coordonne les retours d'hospitalisation du pôle "
                                      "médecine : puis-je suivre le projet ?"};
            st = db_exec(db, sql_demo_request, 3, rp);
        }
    }
    if (st == ST_OK)
        st = db_exec(db, sql_demo_done, 0, NULL);
    if (st == ST_OK) {
        audit_ctx ctx = {0};
        json_t *detail = json_pack("{s:s, s:i, s:i, s:i}", "via", "cli", "organisations",
                                   demo_norgs, "people", demo_npeople, "communities",
                                   demo_ncommunities);
        st = audit_record(db, &ctx, "demo.loaded", NULL, NULL, 0, detail);
        json_decref(detail);
    }
    return st;
}

rstatus people_demo_load(db_conn *db, const char *password_hash, bool *loaded)
{
    *loaded = false;
    rstatus st = db_begin(db);
    if (st != ST_OK)
        return st;
    /* Two loads at once: the second fails on the unique e-mails and changes nothing. */
    PGresult *res;
    st = db_query(db, sql_demo_marker, 0, NULL, &res);
    if (st == ST_OK) {
        bool present = PQntuples(res) > 0;
        PQclear(res);
        if (present) {
            db_rollback(db);
            return ST_OK;
        }
        st = load(db, password_hash);
    }
    if (st == ST_OK)
        st = db_commit(db);
    if (st != ST_OK) {
        db_rollback(db);
        return st;
    }
    *loaded = true;
    return ST_OK;
}
