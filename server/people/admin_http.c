/* admin_http.c - account administration and platform settings (administrators only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "people/people.h"
#include "util/json.h"

#define ADMIN_LIMIT_DEFAULT 50
#define DOMAINS_MAX 200
#define DOMAIN_MAX 253

static const char no_account[] = "No such account.";

static bool status_ok(const char *s)
{
    return !strcmp(s, "active") || !strcmp(s, "suspended") || !strcmp(s, "deactivated");
}

static bool role_ok(const char *s)
{
    return !strcmp(s, "user") || !strcmp(s, "admin");
}

/* Refuses keys the route does not know, so a typo is not silently ignored. */
static rstatus only_keys(request *r, const char *const *keys, size_t n)
{
    const char *key;
    json_t *value;
    json_object_foreach(r->json, key, value) {
        bool known = false;
        for (size_t i = 0; i < n; i++)
            known = known || !strcmp(key, keys[i]);
        if (!known)
            return req_fail(r, ST_UNPROCESSABLE, "Unknown field '%.40s'.", key);
    }
    return ST_OK;
}

rstatus people_admin_user_list(request *r)
{
    const char *q = req_query(r, "q");
    const char *status = req_query(r, "status");
    if (q && strlen(q) > 200)
        return req_fail(r, ST_BAD_REQUEST, "q is longer than 200 bytes.");
    if (status && !*status)
        status = NULL;
    if (status && !status_ok(status))
        return req_fail(r, ST_BAD_REQUEST, "status must be active, suspended or deactivated.");
    long long limit, offset;
    rstatus st = req_query_int(r, "limit", ADMIN_LIMIT_DEFAULT, 1, PEOPLE_PAGE_MAX, &limit);
    if (st == ST_OK)
        st = req_query_int(r, "offset", 0, 0, 1000000, &offset);
    if (st != ST_OK)
        return st;
    people_admin_query aq = {.status = status, .limit = (int)limit, .offset = (int)offset};
    aq.nwords = people_search_words(r->arena, q, aq.words);
    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK)
        return st;
    const char *json;
    if ((st = people_admin_list_json(db, r->arena, &aq, &json)) != ST_OK)
        return st;
    return people_reply_json_text(r, 200, json);
}

rstatus people_admin_user_create(request *r)
{
    static const char *const keys[] = {"email", "display_name", "organisation_id", "job_title",
                                       "platform_role", "password"};
    people_new_user u = {0};
    const char *role = "user", *password = NULL;
    char err[256];
    rstatus st = people_body_object(r);
    if (st == ST_OK)
        st = only_keys(r, keys, sizeof keys / sizeof keys[0]);
    if (st == ST_OK)
        st = people_body_text(r, "email", true, PEOPLE_EMAIL_MAX, false, &u.email);
    if (st == ST_OK && !people_email_ok(u.email))
        st = req_fail(r, ST_UNPROCESSABLE, "email is not an e-mail address.");
    if (st == ST_OK)
        st = people_body_text(r, "display_name", true, PEOPLE_NAME_MAX, false, &u.display_name);
    if (st == ST_OK)
        st = people_body_text(r, "job_title", false, PEOPLE_JOB_MAX, false, &u.job_title);
    if (st == ST_OK)
        st = people_body_text(r, "platform_role", false, 8, false, &role);
    if (st == ST_OK && !role_ok(role))
        st = req_fail(r, ST_UNPROCESSABLE, "platform_role must be user or admin.");
    if (st == ST_OK) {
        /* Staff belong to an organisation; partners come in through invitations. */
        st = json_get_int(r->json, "organisation_id", true, 1, 1LL << 53, &u.organisation, err,
                          sizeof err);
        if (st != ST_OK)
            req_fail(r, st, "%s", err);
    }
    if (st == ST_OK) {
        st = json_get_string(r->json, "password", false, 4 * AUTH_PASSWORD_MAX, &password, err,
                             sizeof err);
        if (st != ST_OK)
            req_fail(r, st, "%s", err);
    }
    if (st != ST_OK)
        return st;
    u.admin = !strcmp(role, "admin");

    char hash[AUTH_HASH_BYTES];
    if (password) {
        if (auth_password_check(password, u.email, u.display_name, err, sizeof err) != ST_OK)
            return req_fail(r, ST_UNPROCESSABLE, "%s", err);
        if ((st = auth_password_hash(password, hash)) != ST_OK)
            return st;
        u.password_hash = hash;
    }

    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK || (st = db_begin(db)) != ST_OK)
        return st;
    audit_ctx ctx = audit_ctx_of(r);
    long long id = 0;
    const char *why = NULL, *json = NULL;
    st = people_account_create(db, r->arena, &ctx, &u, "api", people_link_origin(r),
                               r->who->display_name, &id, &why);
    if (st == ST_OK)
        st = people_admin_user_json(db, r->arena, id, &json);
    if (st == ST_OK)
        st = db_commit(db);
    if (st != ST_OK) {
        db_rollback(db);
        return why ? req_fail(r, st, "%s", why) : st;
    }
    return people_reply_json_text(r, 201, json);
}

rstatus people_admin_user_update(request *r)
{
    static const char *const keys[] = {"status", "platform_role", "organisation_id"};
    long long id;
    if (!req_param_id(r, "id", &id))
        return req_fail(r, ST_NOT_FOUND, no_account);
    const char *status = NULL, *role = NULL;
    long long org = -1;     /* -1 unchanged, 0 none */
    char err[160];
    rstatus st = people_body_object(r);
    if (st == ST_OK)
        st = only_keys(r, keys, sizeof keys / sizeof keys[0]);
    if (st == ST_OK)
        st = people_body_text(r, "status", false, 16, false, &status);
    if (st == ST_OK && status && !status_ok(status))
        st = req_fail(r, ST_UNPROCESSABLE, "status must be active, suspended or deactivated.");
    if (st == ST_OK)
        st = people_body_text(r, "platform_role", false, 8, false, &role);
    if (st == ST_OK && role && !role_ok(role))
        st = req_fail(r, ST_UNPROCESSABLE, "platform_role must be user or admin.");
    json_t *jorg = json_object_get(r->json, "organisation_id");
    if (st == ST_OK && jorg) {
        org = 0;
        if (!json_is_null(jorg)) {
            st = json_get_int(r->json, "organisation_id", true, 1, 1LL << 53, &org, err,
                              sizeof err);
            if (st != ST_OK)
                req_fail(r, st, "%s", err);
        }
    }
    if (st != ST_OK)
        return st;
    if (!status && !role && org < 0)
        return req_fail(r, ST_UNPROCESSABLE, "Send status, platform_role or organisation_id.");

    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK || (st = db_begin(db)) != ST_OK)
        return st;
    audit_ctx ctx = audit_ctx_of(r);
    people_account_change change = {.status = status, .role = role, .organisation = org};
    const char *why = NULL, *json = NULL;
    st = people_account_apply(db, r->arena, &ctx, id, &change, &why);
    if (st == ST_OK)
        st = people_admin_user_json(db, r->arena, id, &json);
    if (st == ST_OK)
        st = db_commit(db);
    if (st != ST_OK) {
        db_rollback(db);
        return why ? req_fail(r, st, "%s", why) : st;
    }
    return people_reply_json_text(r, 200, json);
}

rstatus people_admin_settings_get(request *r)
{
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    const char *json;
    if ((st = people_settings_json(db, r->arena, &json)) != ST_OK)
        return st;
    return people_reply_json_text(r, 200, json);
}

/* A DNS name in its ASCII form: labels of letters, digits and inner hyphens, two or more. */
static bool domain_ok(const char *d)
{
    size_t len = strlen(d), label = 0, labels = 1;
    if (len == 0 || len > DOMAIN_MAX)
        return false;
    for (size_t i = 0; i <= len; i++) {
        char c = d[i];
        if (c == '.' || c == '\0') {
            if (label == 0 || label > 63 || d[i - 1] == '-')
                return false;
            if (c == '.')
                labels++;
            label = 0;
            continue;
        }
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && !(c == '-' && label > 0))
            return false;
        label++;
    }
    return labels >= 2;
}

/* The allowed invitation domains, lowercased, without "@", without duplicates. */
static rstatus read_domains(request *r, json_t *value, json_t **out)
{
    if (!json_is_array(value) || json_array_size(value) > DOMAINS_MAX)
        return req_fail(r, ST_UNPROCESSABLE, "invitations.allowed_domains must be a list of at "
                        "most %d domain names (empty: any domain).", DOMAINS_MAX);
    json_t *list = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(value, i, v) {
        const char *s = json_string_value(v);
        char *d = s ? people_trim(r->arena, s) : NULL;
        if (d && *d == '@')
            d++;
        for (char *p = d; p && *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        if (!d || !domain_ok(d)) {
            json_decref(list);
            return req_fail(r, ST_UNPROCESSABLE, "'%.60s' is not a domain name (write "
                            "international names in their xn-- form).", s ? s : "");
        }
        bool seen = false;
        size_t k;
        json_t *w;
        json_array_foreach(list, k, w) seen = seen || !strcmp(json_string_value(w), d);
        if (!seen)
            json_array_append_new(list, json_string(d));
    }
    *out = list;
    return ST_OK;
}

rstatus people_admin_settings_put(request *r)
{
    static const char *const keys[] = {"invitations.allowed_domains"};
    rstatus st = people_body_object(r);
    if (st == ST_OK)
        st = only_keys(r, keys, sizeof keys / sizeof keys[0]);
    if (st != ST_OK)
        return st;
    json_t *domains = NULL;
    json_t *value = json_object_get(r->json, "invitations.allowed_domains");
    if (value && (st = read_domains(r, value, &domains)) != ST_OK)
        return st;

    db_conn *db;
    const char *json = NULL;
    if ((st = req_db(r, &db)) == ST_OK && (st = db_begin(db)) == ST_OK) {
        if (domains) {
            char *text = json_dumps(domains, JSON_COMPACT);
            st = text ? people_setting_put(db, "invitations.allowed_domains", text) : ST_NOMEM;
            free(text);
            if (st == ST_OK) {
                audit_ctx ctx = audit_ctx_of(r);
                json_t *detail = json_pack("{s:O}", "invitations.allowed_domains", domains);
                st = audit_record(db, &ctx, "settings.updated", "setting",
                                  "invitations.allowed_domains", 0, detail);
                json_decref(detail);
            }
        }
        if (st == ST_OK)
            st = people_settings_json(db, r->arena, &json);
        if (st == ST_OK)
            st = db_commit(db);
        if (st != ST_OK)
            db_rollback(db);
    }
    json_decref(domains);
    if (st != ST_OK)
        return st;
    return people_reply_json_text(r, 200, json);
}
