/* invitation_store.c - the SQL behind invitations of external partners: sending, listing, revoking, accepting. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "community/community.h"
#include "community/community_sql.h"

#define INVITATION_JSON(i, b)                                                                \
    "json_build_object('id', " i ".id, 'community_id', " i ".community_id,"                  \
    " 'email', " i ".email, 'role', " i ".role, 'message', " i ".message,"                   \
    " 'status', CASE WHEN " i ".accepted_at IS NOT NULL THEN 'accepted'"                     \
    "                WHEN " i ".revoked_at IS NOT NULL THEN 'revoked'"                       \
    "                WHEN " i ".expires_at <= now() THEN 'expired' ELSE 'pending' END,"      \
    " 'created_at', " CSQL_TS(i ".created_at") ", 'expires_at', " CSQL_TS(i ".expires_at") "," \
    " 'accepted_at', " CSQL_TS(i ".accepted_at") ", 'revoked_at', " CSQL_TS(i ".revoked_at") "," \
    " 'invited_by', CASE WHEN " b ".id IS NULL THEN NULL"                                    \
    "   ELSE json_build_object('id', " b ".id, 'display_name', " b ".display_name) END)"

static const char sql_invitation[] =
    "SELECT " INVITATION_JSON("i", "b") "::text FROM invitations i"
    " LEFT JOIN users b ON b.id = i.invited_by WHERE i.id = $1";

static const char sql_invitations[] =
    "SELECT json_build_object('items', coalesce(json_agg(" INVITATION_JSON("i", "b")
    "   ORDER BY i.id DESC), '[]'))::text"
    " FROM (SELECT * FROM invitations WHERE community_id = $1 ORDER BY id DESC LIMIT 200) i"
    " LEFT JOIN users b ON b.id = i.invited_by";

/* Whether the address's domain may be invited, and the allowed list for the message. An
 * absent, empty or malformed setting allows every domain. */
static const char sql_domain_allowed[] =
    "WITH s AS (SELECT coalesce((SELECT CASE WHEN jsonb_typeof(value) = 'array' THEN value END"
    "                              FROM platform_settings"
    "                             WHERE key = 'invitations.allowed_domains'), '[]'::jsonb) AS v)"
    " SELECT jsonb_array_length(v) = 0 OR EXISTS ("
    "          SELECT 1 FROM jsonb_array_elements_text(v) d"
    "           WHERE lower(ltrim(d, '@')) = lower(split_part($1::text, '@', 2))),"
    "        (SELECT string_agg(ltrim(d, '@'), ', ') FROM jsonb_array_elements_text(v) d)"
    "   FROM s";

static const char sql_already_member[] =
    "SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id"
    " WHERE m.community_id = $1 AND u.email = $2::citext";

static const char sql_revoke_pending[] =
    "UPDATE invitations SET revoked_at = now() WHERE community_id = $1 AND email = $2::citext"
    " AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()";

static const char sql_insert[] =
    "INSERT INTO invitations (community_id, email, role, message, invited_by, nonce, expires_at)"
    " VALUES ($1, $2, $3::member_role, $4, $5, $6::bytea, to_timestamp($7::bigint)) RETURNING id";

static const char sql_set_nonce[] = "UPDATE invitations SET nonce = $2::bytea WHERE id = $1";

static const char sql_mail_facts[] =
    "SELECT c.name, coalesce((SELECT display_name FROM users WHERE id = $2), 'Relais'),"
    "       (SELECT id FROM users WHERE email = $3::citext)"
    "  FROM communities c WHERE c.id = $1";

static const char sql_outbox[] =
    "INSERT INTO email_outbox (kind, to_address, user_id, subject, body_text)"
    " VALUES ('invitation', $1, $2, $3, $4)";

/* "\\x" + hex of 16 bytes, for a bytea parameter. */
static void nonce_param(char out[2 + 32 + 1], const unsigned char nonce[16])
{
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, 33, nonce, 16);
}

static rstatus write_mail(db_conn *db, arena *a, long long community_id, long long inviter,
                          const invitation_input *in, const char *link)
{
    char cid[24], uid[24];
    const char *fp[] = {csql_id(cid, community_id), csql_id(uid, inviter), in->email};
    PGresult *res;
    rstatus st = db_query(db, sql_mail_facts, 3, fp, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    const char *name = arena_strdup(a, PQgetvalue(res, 0, 0));
    const char *who = arena_strdup(a, PQgetvalue(res, 0, 1));
    const char *account = PQgetisnull(res, 0, 2) ? NULL : arena_strdup(a, PQgetvalue(res, 0, 2));
    PQclear(res);
    if (!name || !who)
        return ST_NOMEM;
    const char *subject = arena_printf(a, "Invitation à rejoindre « %s » sur Relais", name);
    const char *note = *in->message ? arena_printf(a, "Son message :\n« %s »\n\n", in->message) : "";
    const char *body = arena_printf(
        a,
        "Bonjour,\n\n"
        "%s vous invite à rejoindre l'espace « %s » sur Relais.\n\n"
        "%s"
        "Pour accepter l'invitation, ouvrez ce lien (valable %d jours, utilisable une seule fois) :\n"
        "%s\n\n"
        "Si vous ne vous attendiez pas à cette invitation, ignorez ce message.\n\n"
        "English: %s invites you to join \"%s\" on Relais. Open the link above to accept "
        "(valid for %d days, single use).\n",
        who, name, note ? note : "", INVITATION_DAYS, link, who, name, INVITATION_DAYS);
    if (!subject || !body)
        return ST_NOMEM;
    const char *op[] = {in->email, account, subject, body};
    return db_exec(db, sql_outbox, 4, op);
}

rstatus invitation_create(db_conn *db, arena *a, const audit_ctx *ctx, long long community_id,
                          const invitation_input *in, const char *origin, json_t **out,
                          char *err, size_t errsize)
{
    char cid[24], iid[24], inviter[24], exp[24], nonce_hex[35];
    csql_id(cid, community_id);
    const char *dp[] = {in->email};
    PGresult *res;
    rstatus st = db_query(db, sql_domain_allowed, 1, dp, &res);
    if (st != ST_OK)
        return st;
    bool allowed = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    if (!allowed)
        snprintf(err, errsize, "Invitations are limited to addresses at: %s.", PQgetvalue(res, 0, 1));
    PQclear(res);
    if (!allowed)
        return ST_UNPROCESSABLE;

    const char *mp[] = {cid, in->email};
    long long member;
    st = csql_ll(db, sql_already_member, 2, mp, &member);
    if (st == ST_OK) {
        snprintf(err, errsize, "This person is already a member of the community.");
        return ST_CONFLICT;
    }
    if (st != ST_NOT_FOUND)
        return st;
    if ((st = db_exec(db, sql_revoke_pending, 2, mp)) != ST_OK)
        return st;

    /* The row needs a unique nonce before its id exists; the token's own nonce, which names
     * the row, replaces it once the id is known. */
    unsigned char nonce[16];
    randombytes_buf(nonce, sizeof nonce);
    nonce_param(nonce_hex, nonce);
    long long expires = (long long)time(NULL) + INVITATION_DAYS * 86400LL;
    const char *ip[] = {cid, in->email, in->role == ACL_MEMBER ? "member" : "guest", in->message,
                        ctx->actor_id ? csql_id(inviter, ctx->actor_id) : NULL, nonce_hex,
                        csql_id(exp, expires)};
    long long id;
    if ((st = csql_ll(db, sql_insert, 7, ip, &id)) != ST_OK)
        return st;
    const char *token = auth_signed_make(a, "invite", id, expires, nonce);
    if (!token)
        return ST_INTERNAL;
    nonce_param(nonce_hex, nonce);
    const char *np[] = {csql_id(iid, id), nonce_hex};
    if ((st = db_exec(db, sql_set_nonce, 2, np)) != ST_OK)
        return st;
    const char *link = arena_printf(a, "%s/invitation/%s", origin, token);
    if (!link)
        return ST_NOMEM;
    if ((st = write_mail(db, a, community_id, ctx->actor_id, in, link)) != ST_OK)
        return st;
    json_t *detail = json_pack("{s:s, s:s}", "email", in->email, "role",
                               in->role == ACL_MEMBER ? "member" : "guest");
    st = audit_record(db, ctx, "invitation.sent", "invitation", iid, community_id, detail);
    json_decref(detail);
    if (st != ST_OK)
        return st;
    const char *gp[] = {iid};
    return csql_json(db, sql_invitation, 1, gp, out);
}

rstatus invitation_list(db_conn *db, long long community_id, json_t **out)
{
    char cid[24];
    const char *params[] = {csql_id(cid, community_id)};
    return csql_json(db, sql_invitations, 1, params, out);
}

static const char sql_revoke[] =
    "SELECT accepted_at IS NULL AND revoked_at IS NULL FROM invitations"
    " WHERE id = $2 AND community_id = $1 FOR UPDATE";

static const char sql_revoke_set[] = "UPDATE invitations SET revoked_at = now() WHERE id = $1";

rstatus invitation_revoke(db_conn *db, const audit_ctx *ctx, long long community_id,
                          long long invitation_id)
{
    char cid[24], iid[24];
    const char *params[] = {csql_id(cid, community_id), csql_id(iid, invitation_id)};
    PGresult *res;
    rstatus st = db_query(db, sql_revoke, 2, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    bool open = PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    if (!open)
        return ST_CONFLICT;
    const char *sp[] = {iid};
    if ((st = db_exec(db, sql_revoke_set, 1, sp)) != ST_OK)
        return st;
    return audit_record(db, ctx, "invitation.revoked", "invitation", iid, community_id, NULL);
}

/* A usable invitation: the token's nonce must be the row's (a replaced or forged token
 * names no row), and nothing may have ended it. */
#define USABLE                                                                               \
    " i.id = $1 AND i.nonce = $2::bytea AND i.accepted_at IS NULL AND i.revoked_at IS NULL"  \
    " AND i.expires_at > now() AND c.archived_at IS NULL"

static const char sql_open[] =
    "SELECT i.id, i.community_id, i.email, i.role, u.id, u.status = 'active', u.kind = 'guest',"
    "       u.password_hash, u.email,"
    "       json_build_object("
    "         'community', json_build_object('id', c.id, 'slug', c.slug, 'name', c.name,"
    "                                        'description', c.description,"
    "                                        'visibility', c.visibility),"
    "         'inviter', CASE WHEN b.id IS NULL THEN NULL"
    "                    ELSE json_build_object('display_name', b.display_name) END,"
    "         'email', i.email, 'role', i.role, 'message', i.message,"
    "         'expires_at', " CSQL_TS("i.expires_at") ","
    "         'account_exists', u.id IS NOT NULL)::text"
    "  FROM invitations i JOIN communities c ON c.id = i.community_id"
    "  LEFT JOIN users b ON b.id = i.invited_by"
    "  LEFT JOIN users u ON u.email = i.email"
    " WHERE" USABLE;

rstatus invitation_open(db_conn *db, arena *a, const char *token, invitation_info *out,
                        json_t **view)
{
    memset(out, 0, sizeof *out);
    long long id;
    if (auth_signed_check(token, "invite", &id, out->nonce) != ST_OK)
        return ST_NOT_FOUND;
    char iid[24], nonce_hex[35];
    nonce_param(nonce_hex, out->nonce);
    const char *params[] = {csql_id(iid, id), nonce_hex};
    PGresult *res;
    rstatus st = db_query(db, sql_open, 2, params, &res);
    if (st != ST_OK)
        return st;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return ST_NOT_FOUND;
    }
    out->id = atoll(PQgetvalue(res, 0, 0));
    out->community_id = atoll(PQgetvalue(res, 0, 1));
    out->email = arena_strdup(a, PQgetvalue(res, 0, 2));
    out->role = acl_role_parse(PQgetvalue(res, 0, 3));
    if (!PQgetisnull(res, 0, 4)) {
        out->account_id = atoll(PQgetvalue(res, 0, 4));
        out->account_active = PQgetvalue(res, 0, 5)[0] == 't';
        out->account_is_guest = PQgetvalue(res, 0, 6)[0] == 't';
        if (!PQgetisnull(res, 0, 7))
            out->account_password_hash = arena_strdup(a, PQgetvalue(res, 0, 7));
        out->account_email = arena_strdup(a, PQgetvalue(res, 0, 8));
    }
    if (view) {
        json_error_t je;
        *view = json_loads(PQgetvalue(res, 0, 9), 0, &je);
    }
    PQclear(res);
    if (!out->email || (out->account_id && !out->account_email) || (view && !*view))
        return ST_NOMEM;
    return ST_OK;
}

static const char sql_lock[] =
    "SELECT i.id FROM invitations i JOIN communities c ON c.id = i.community_id"
    " WHERE" USABLE " FOR UPDATE OF i";

static const char sql_new_guest[] =
    "INSERT INTO users (email, display_name, kind, password_hash, password_changed_at,"
    "                   email_verified_at)"
    " VALUES ($1, $2, 'guest', $3, now(), now())"
    " ON CONFLICT (email) DO NOTHING RETURNING id";

static const char sql_verified[] =
    "UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1";

static const char sql_accepted[] =
    "UPDATE invitations SET accepted_at = now(), accepted_by = $2 WHERE id = $1";

rstatus invitation_accept(db_conn *db, const audit_ctx *ctx, const invitation_info *inv,
                          long long user_id, const char *new_name, const char *new_hash,
                          long long *user_out)
{
    char iid[24], uid[24], nonce_hex[35];
    nonce_param(nonce_hex, inv->nonce);
    const char *lp[] = {csql_id(iid, inv->id), nonce_hex};
    long long locked;
    rstatus st = csql_ll(db, sql_lock, 2, lp, &locked);
    if (st != ST_OK)
        return st;      /* ST_NOT_FOUND: used, revoked or expired meanwhile */

    audit_ctx actx = *ctx;
    bool guest = inv->account_is_guest;
    if (user_id == 0) {
        const char *np[] = {inv->email, new_name, new_hash};
        st = csql_ll(db, sql_new_guest, 3, np, &user_id);
        if (st == ST_NOT_FOUND)
            return ST_CONFLICT;     /* an account with this address appeared meanwhile */
        if (st != ST_OK)
            return st;
        guest = true;
        actx.actor_id = user_id;
        actx.actor_email = inv->email;
        json_t *detail = json_pack("{s:s, s:s}", "kind", "guest", "how", "invitation");
        st = audit_record(db, &actx, "user.created", "user", csql_id(uid, user_id), 0, detail);
        json_decref(detail);
        if (st != ST_OK)
            return st;
    } else {
        actx.actor_id = user_id;
        actx.actor_email = inv->email;
        const char *vp[] = {csql_id(uid, user_id)};
        if ((st = db_exec(db, sql_verified, 1, vp)) != ST_OK)
            return st;
    }
    csql_id(uid, user_id);
    st = member_add(db, &actx, inv->community_id, user_id, guest ? ACL_GUEST : ACL_MEMBER,
                    "invited");
    if (st != ST_OK && st != ST_CONFLICT)   /* a member already keeps their role */
        return st;
    const char *ap[] = {iid, uid};
    if ((st = db_exec(db, sql_accepted, 2, ap)) != ST_OK)
        return st;
    json_t *detail = json_pack("{s:I}", "user_id", (json_int_t)user_id);
    st = audit_record(db, &actx, "invitation.accepted", "invitation", iid, inv->community_id,
                      detail);
    json_decref(detail);
    if (st == ST_OK)
        *user_out = user_id;
    return st;
}

static const char sql_accepted_json[] =
    "SELECT json_build_object("
    "  'user', json_build_object('id', u.id, 'email', u.email, 'display_name', u.display_name,"
    "                            'kind', u.kind),"
    "  'community', json_build_object('id', c.id, 'slug', c.slug, 'name', c.name),"
    "  'role', m.role)::text"
    "  FROM users u JOIN communities c ON c.id = $2"
    "  LEFT JOIN memberships m ON m.community_id = c.id AND m.user_id = u.id"
    " WHERE u.id = $1";

rstatus invitation_accepted_json(db_conn *db, long long user_id, long long community_id,
                                 json_t **out)
{
    char uid[24], cid[24];
    const char *params[] = {csql_id(uid, user_id), csql_id(cid, community_id)};
    return csql_json(db, sql_accepted_json, 2, params, out);
}
