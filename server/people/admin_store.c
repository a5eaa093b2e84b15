/* admin_store.c - the SQL of account administration, passwords set by the CLI, settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "auth/auth.h"
#include "people/people.h"
#include "people/people_sql.h"

/* An account as administrators see it (u: users, o: organisation LEFT JOINed). */
#define SQL_ACCOUNT_ITEM                                                                    \
    "json_build_object('id', u.id, 'display_name', u.display_name, 'email', u.email,"       \
    " 'kind', u.kind, 'job_title', u.job_title, 'organisation', " PEOPLE_SQL_ORG_REF("o") ","\
    " 'platform_role', u.platform_role, 'status', u.status,"                                \
    " 'has_password', u.password_hash IS NOT NULL, 'has_photo', u.photo IS NOT NULL,"       \
    " 'created_at', " PEOPLE_SQL_TS("u.created_at") ","                                     \
    " 'last_login_at', (SELECT " PEOPLE_SQL_TS("max(s.created_at)")                          \
    "    FROM sessions s WHERE s.user_id = u.id))"

/* Administrators also find people by e-mail address. */
#define SQL_ADMIN_WORD(n)                                                                   \
    " AND ($" n "::text IS NULL"                                                            \
    " OR relais_fold(u.display_name || ' ' || u.job_title || ' ' || u.place || ' '"         \
    "    || u.email::text)"                                                                 \
    "    LIKE '%' || relais_fold($" n ") || '%'"                                            \
    " OR u.organisation_id = ANY (ARRAY(SELECT wo.id FROM organisations wo"                 \
    "     WHERE relais_fold(wo.name) LIKE '%' || relais_fold($" n ") || '%')))"

static const char sql_admin_list[] =
    "WITH hits AS ("
    "  SELECT u.id, relais_fold(u.display_name) AS sort_key FROM users u"
    "   WHERE ($1::user_status IS NULL OR u.status = $1::user_status)"
    SQL_ADMIN_WORD("2") SQL_ADMIN_WORD("3") SQL_ADMIN_WORD("4") SQL_ADMIN_WORD("5")
    SQL_ADMIN_WORD("6")
    "), page AS (SELECT id, sort_key FROM hits ORDER BY sort_key, id LIMIT $7 OFFSET $8)"
    " SELECT json_build_object("
    "   'items', coalesce((SELECT json_agg(" SQL_ACCOUNT_ITEM " ORDER BY p.sort_key, p.id)"
    "       FROM page p JOIN users u ON u.id = p.id"
    "       LEFT JOIN organisations o ON o.id = u.organisation_id), '[]'::json),"
    "   'total', (SELECT count(*) FROM hits), 'limit', $7::int, 'offset', $8::int)::text";

rstatus people_admin_list_json(db_conn *db, arena *a, const people_admin_query *q,
                               const char **json)
{
    char limit[16], offset[16];
    snprintf(limit, sizeof limit, "%d", q->limit);
    snprintf(offset, sizeof offset, "%d", q->offset);
    const char *params[8] = {q->status};
    for (int i = 0; i < PEOPLE_SEARCH_WORDS; i++)
        params[1 + i] = i < q->nwords ? q->words[i] : NULL;
    params[6] = limit;
    params[7] = offset;
    return people_sql_text(db, a, sql_admin_list, 8, params, json);
}

static const char sql_account_one[] =
    "SELECT " SQL_ACCOUNT_ITEM "::text"
    "  FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1";

rstatus people_admin_user_json(db_conn *db, arena *a, long long id, const char **json)
{
    char v[24];
    snprintf(v, sizeof v, "%lld", id);
    const char *params[] = {v};
    return people_sql_text(db, a, sql_account_one, 1, params, json);
}

static const char sql_accounts_all[] =
    "SELECT coalesce(json_agg(" SQL_ACCOUNT_ITEM " ORDER BY u.id), '[]'::json)::text"
    "  FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id";

rstatus people_user_list_all_json(db_conn *db, arena *a, const char **json)
{
    return people_sql_text(db, a, sql_accounts_all, 0, NULL, json);
}

/* Zero rows when the organisation named does not exist. An administrator vouches for
 * the address of an account created with a password. */
static const char sql_user_insert[] =
    "INSERT INTO users (email, display_name, kind, organisation_id, job_title, platform_role,"
    "                   password_hash, password_changed_at, email_verified_at)"
    " SELECT $1, $2, $3::user_kind, $4::bigint, coalesce($5, ''), $6::platform_role, $7,"
    "        CASE WHEN $7::text IS NULL THEN NULL ELSE now() END,"
    "        CASE WHEN $7::text IS NULL THEN NULL ELSE now() END"
    "  WHERE $4::bigint IS NULL OR EXISTS (SELECT 1 FROM organisations WHERE id = $4::bigint)"
    " RETURNING id";

rstatus people_user_insert(db_conn *db, const people_new_user *u, long long *id,
                           const char **why)
{
    *why = NULL;
    if (u->guest && u->organisation) {
        *why = "An external partner belongs to no organisation.";
        return ST_UNPROCESSABLE;
    }
    char org[24];
    snprintf(org, sizeof org, "%lld", u->organisation);
    const char *params[] = {u->email, u->display_name, u->guest ? "guest" : "staff",
                            u->organisation ? org : NULL, u->job_title,
                            u->admin ? "admin" : "user", u->password_hash};
    PGresult *res;
    rstatus st = db_query(db, sql_user_insert, 7, params, &res);
    if (st == ST_CONFLICT)
        *why = "An account with this e-mail address already exists.";
    if (st != ST_OK)
        return st;
    if (PQntuples(res) == 0) {
        PQclear(res);
        *why = "No such organisation.";
        return ST_UNPROCESSABLE;
    }
    *id = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return ST_OK;
}

static const char sql_outbox_insert[] =
    "INSERT INTO email_outbox (kind, to_address, user_id, subject, body_text)"
    " VALUES ('account_created', $1, $2, $3, $4)";

rstatus people_account_email(db_conn *db, arena *a, const char *origin, long long user,
                             const char *email, const char *display_name,
                             const char *created_by)
{
    /* A "welcome" link: seven days, confirmed by POST /api/password-reset/confirm. */
    const char *token = auth_link_token_make(a, AUTH_PURPOSE_WELCOME, user);
    if (!token)
        return ST_NOMEM;
    const char *body = arena_printf(a,
        "Bonjour %s,\n\n"
        "%s vous a ouvert un compte sur Relais, l'espace de travail partagé de votre "
        "organisation.\n"
        "Choisissez votre mot de passe en ouvrant ce lien (valable 7 jours, une seule fois) :\n\n"
        "%s/mot-de-passe/%s\n\n"
        "Votre identifiant est votre adresse : %s\n\n"
        "--\n"
        "Hello %s, %s opened a Relais account for you. Choose your password with the link "
        "above (valid for 7 days, once). Your login is your e-mail address.\n",
        display_name, created_by, origin, token, email, display_name, created_by);
    if (!body)
        return ST_NOMEM;
    char uid[24];
    snprintf(uid, sizeof uid, "%lld", user);
    const char *params[] = {email, uid, "Votre compte Relais / Your Relais account", body};
    return db_exec(db, sql_outbox_insert, 4, params);
}

static const char sql_account_lock[] =
    "SELECT kind = 'guest', status, platform_role, coalesce(organisation_id, 0)"
    "  FROM users WHERE id = $1 FOR UPDATE";

rstatus people_account_lock(db_conn *db, long long id, people_account *out)
{
    char v[24];
    snprintf(v, sizeof v, "%lld", id);
    const char *params[] = {v};
    PGresult *res;
    rstatus st = db_query(db, sql_account_lock, 1, params, &res);
    if (st != ST_OK)
        return st;
    *out = (people_account){0};
    if (PQntuples(res) == 1) {
        out->found = true;
        out->is_guest = PQgetvalue(res, 0, 0)[0] == 't';
        snprintf(out->status, sizeof out->status, "%s", PQgetvalue(res, 0, 1));
        snprintf(out->role, sizeof out->role, "%s", PQgetvalue(res, 0, 2));
        out->organisation = atoll(PQgetvalue(res, 0, 3));
    }
    PQclear(res);
    return ST_OK;
}

static const char sql_account_update[] =
    "UPDATE users SET status = coalesce($2::user_status, status),"
    "       platform_role = coalesce($3::platform_role, platform_role),"
    "       organisation_id = CASE WHEN $4::boolean THEN $5::bigint ELSE organisation_id END,"
    "       updated_at = now()"
    " WHERE id = $1"
    "   AND ($5::bigint IS NULL OR EXISTS (SELECT 1 FROM organisations WHERE id = $5::bigint))"
    " RETURNING id";

rstatus people_account_update(db_conn *db, long long id, const char *status, const char *role,
                              long long organisation, const char **why)
{
    char v[24], org[24];
    snprintf(v, sizeof v, "%lld", id);
    snprintf(org, sizeof org, "%lld", organisation);
    const char *params[] = {v, status, role, organisation >= 0 ? "true" : "false",
                            organisation > 0 ? org : NULL};
    PGresult *res;
    rstatus st = db_query(db, sql_account_update, 5, params, &res);
    if (st != ST_OK)
        return st;
    bool done = PQntuples(res) == 1;
    PQclear(res);
    if (!done) {
        *why = "No such organisation.";
        return ST_UNPROCESSABLE;
    }
    return ST_OK;
}

static const char sql_revoke_all[] =
    "WITH s AS (UPDATE sessions SET revoked_at = now()"
    "            WHERE user_id = $1 AND revoked_at IS NULL RETURNING 1),"
    "     t AS (UPDATE api_tokens SET revoked_at = now()"
    "            WHERE user_id = $1 AND revoked_at IS NULL RETURNING 1)"
    " SELECT (SELECT count(*) FROM s), (SELECT count(*) FROM t)";

rstatus people_account_revoke_all(db_conn *db, long long user, long long *sessions,
                                  long long *tokens)
{
    char v[24];
    snprintf(v, sizeof v, "%lld", user);
    const char *params[] = {v};
    PGresult *res;
    rstatus st = db_query(db, sql_revoke_all, 1, params, &res);
    if (st != ST_OK)
        return st;
    *sessions = atoll(PQgetvalue(res, 0, 0));
    *tokens = atoll(PQgetvalue(res, 0, 1));
    PQclear(res);
    return ST_OK;
}

/* A new password ends every open session of the account. */
static const char sql_password_set[] =
    "WITH u AS (UPDATE users SET password_hash = $2, password_changed_at = now(),"
    "                  updated_at = now()"
    "            WHERE email = $1 RETURNING id),"
    "     s AS (UPDATE sessions SET revoked_at = now()"
    "            WHERE user_id IN (SELECT id FROM u) AND revoked_at IS NULL)"
    " SELECT id FROM u";

rstatus people_password_set(db_conn *db, const char *email, const char *hash, long long *user)
{
    const char *params[] = {email, hash};
    PGresult *res;
    rstatus st = db_query(db, sql_password_set, 2, params, &res);
    if (st != ST_OK)
        return st;
    bool found = PQntuples(res) == 1;
    if (found)
        *user = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return found ? ST_OK : ST_NOT_FOUND;
}

rstatus people_user_by_email(db_conn *db, arena *a, const char *email, long long *id,
                             const char **display_name)
{
    const char *params[] = {email};
    PGresult *res;
    rstatus st = db_query(db, "SELECT id, display_name FROM users WHERE email = $1", 1, params,
                          &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    *id = atoll(PQgetvalue(res, 0, 0));
    *display_name = arena_strdup(a, PQgetvalue(res, 0, 1));
    PQclear(res);
    return *display_name ? ST_OK : ST_NOMEM;
}

/* Every setting an administrator may change, with its default when no row exists. */
static const char sql_settings[] =
    "SELECT jsonb_build_object('invitations.allowed_domains',"
    "         coalesce((SELECT value FROM platform_settings"
    "                    WHERE key = 'invitations.allowed_domains'), '[]'::jsonb))::text";

rstatus people_settings_json(db_conn *db, arena *a, const char **json)
{
    return people_sql_text(db, a, sql_settings, 0, NULL, json);
}

static const char sql_setting_put[] =
    "INSERT INTO platform_settings (key, value) VALUES ($1, $2::jsonb)"
    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()";

rstatus people_setting_put(db_conn *db, const char *key, const char *value_json)
{
    const char *params[] = {key, value_json};
    return db_exec(db, sql_setting_put, 2, params);
}
