/* audit.c - writing audit events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "util/text.h"

audit_ctx audit_ctx_of(const request *r)
{
    audit_ctx c = {0};
    if (r->who) {
        c.actor_id = r->who->user_id;
        c.actor_email = r->who->email;
    }
    c.ip = strcmp(r->client_ip, "-") != 0 ? r->client_ip : NULL;
    /* Stored as text, so it must be valid UTF-8; a client must not be able to
     * make an audited request fail by sending other bytes. */
    c.user_agent = text_utf8_clean(r->arena, req_header(r, "User-Agent"));
    return c;
}

rstatus audit_record(db_conn *db, const audit_ctx *ctx, const char *action,
                     const char *object_type, const char *object_id, long long community_id,
                     const json_t *detail)
{
    char actor[24], community[24];
    snprintf(actor, sizeof actor, "%lld", ctx->actor_id);
    snprintf(community, sizeof community, "%lld", community_id);
    char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    const char *params[] = {ctx->actor_id ? actor : NULL, ctx->actor_email, action,
                            object_type, object_id, community_id ? community : NULL,
                            ctx->ip, ctx->user_agent, d ? d : "{}"};
    rstatus st = db_exec(db,
        "INSERT INTO audit_events (actor_id, actor_email, action, object_type, object_id,"
        " community_id, ip, user_agent, detail)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7::inet, left($8, 512), $9::jsonb)", 9, params);
    free(d);
    return st;
}

rstatus audit_purge(db_conn *db, int days, long long *deleted)
{
    char interval[32];
    snprintf(interval, sizeof interval, "%d days", days);
    const char *params[] = {interval};
    PGresult *res;
    rstatus st = db_query(db, "SELECT audit_purge($1::interval)", 1, params, &res);
    if (st != ST_OK)
        return st;
    *deleted = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return ST_OK;
}
