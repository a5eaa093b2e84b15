/* audit_store.c - the SQL that reads the audit trail (list pages and CSV export). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"

#define EXPORT_BATCH "2000"

/*
 * The filters, $1..$9 (NULL = any), newest first by (at, id). The keyset page
 * continues below the (at, id) of event $9. Indexes: audit_events_actor,
 * _action, _object, _community, _at.
 */
#define SQL_AUDIT_FILTER                                                                    \
    " WHERE ($1::bigint IS NULL OR e.actor_id = $1::bigint)"                                \
    "   AND ($2::text IS NULL OR lower(e.actor_email) = lower($2::text))"                    \
    "   AND ($3::text IS NULL OR e.action = $3::text"                                       \
    "        OR left(e.action, length($3::text) + 1) = $3::text || '.')"                     \
    "   AND ($4::text IS NULL OR e.object_type = $4::text)"                                 \
    "   AND ($5::text IS NULL OR e.object_id = $5::text)"                                   \
    "   AND ($6::bigint IS NULL OR e.community_id = $6::bigint)"                            \
    "   AND ($7::timestamptz IS NULL OR e.at >= $7::timestamptz)"                           \
    "   AND ($8::timestamptz IS NULL OR e.at < $8::timestamptz)"                            \
    "   AND ($9::bigint IS NULL OR (e.at, e.id) <"                                          \
    "        (SELECT b.at, b.id FROM audit_events b WHERE b.id = $9::bigint))"               \
    " ORDER BY e.at DESC, e.id DESC LIMIT $10"

#define SQL_TS(x) "to_char((" x ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static const char sql_list[] =
    "SELECT coalesce(json_agg(json_build_object('id', e.id, 'at', " SQL_TS("e.at") ","
    "         'actor_id', e.actor_id, 'actor_email', e.actor_email, 'action', e.action,"
    "         'object_type', e.object_type, 'object_id', e.object_id,"
    "         'community_id', e.community_id, 'ip', host(e.ip), 'user_agent', e.user_agent,"
    "         'detail', e.detail) ORDER BY e.at DESC, e.id DESC), '[]'::json)::text,"
    "       count(*), (array_agg(e.id ORDER BY e.at, e.id))[1]"
    "  FROM (SELECT * FROM audit_events e" SQL_AUDIT_FILTER ") e";

/* Ten filter parameters as text; storage for the numbers in num[4][24]. */
static void filter_params(const audit_filter *f, long long limit, char num[4][24],
                          const char *params[10])
{
    snprintf(num[0], 24, "%lld", f->actor_id);
    snprintf(num[1], 24, "%lld", f->community_id);
    snprintf(num[2], 24, "%lld", f->before_id);
    snprintf(num[3], 24, "%lld", limit);
    params[0] = f->actor_id ? num[0] : NULL;
    params[1] = f->actor_email;
    params[2] = f->action;
    params[3] = f->object_type;
    params[4] = f->object_id;
    params[5] = f->community_id ? num[1] : NULL;
    params[6] = f->from;
    params[7] = f->to;
    params[8] = f->before_id ? num[2] : NULL;
    params[9] = num[3];
}

rstatus audit_list_json(db_conn *db, arena *a, const audit_filter *f, const char **items,
                        int *count, long long *last_id)
{
    char num[4][24];
    const char *params[10];
    filter_params(f, f->limit, num, params);
    PGresult *res;
    rstatus st = db_query(db, sql_list, 10, params, &res);
    if (st != ST_OK)
        return st;
    *items = arena_strdup(a, PQgetvalue(res, 0, 0));
    *count = atoi(PQgetvalue(res, 0, 1));
    *last_id = PQgetisnull(res, 0, 2) ? 0 : atoll(PQgetvalue(res, 0, 2));
    PQclear(res);
    return *items ? ST_OK : ST_NOMEM;
}

static const char sql_export_declare[] =
    "DECLARE audit_export NO SCROLL CURSOR FOR"
    " SELECT e.id, " SQL_TS("e.at") ", e.actor_id, e.actor_email, e.action, e.object_type,"
    "        e.object_id, e.community_id, host(e.ip), e.user_agent, e.detail::text"
    "   FROM audit_events e" SQL_AUDIT_FILTER;

rstatus audit_export_csv(db_conn *db, const audit_filter *f, buf *out, long long *rows,
                         bool *truncated)
{
    char num[4][24];
    const char *params[10];
    /* One row more than the cap tells whether the export is complete. */
    filter_params(f, AUDIT_EXPORT_MAX_ROWS + 1, num, params);
    rstatus st = db_exec(db, sql_export_declare, 10, params);
    if (st != ST_OK)
        return st;
    *rows = 0;
    *truncated = false;
    for (;;) {
        PGresult *res;
        st = db_query(db, "FETCH " EXPORT_BATCH " FROM audit_export", 0, NULL, &res);
        if (st != ST_OK)
            return st;
        int n = PQntuples(res), ncols = PQnfields(res);
        for (int i = 0; i < n; i++) {
            if (*rows == AUDIT_EXPORT_MAX_ROWS) {
                *truncated = true;
                break;
            }
            for (int c = 0; c < ncols; c++) {
                if (c)
                    buf_putc(out, ',');
                audit_csv_field(out, PQgetisnull(res, i, c) ? NULL : PQgetvalue(res, i, c));
            }
            buf_puts(out, "\r\n");
            (*rows)++;
        }
        PQclear(res);
        if (out->oom)
            return ST_NOMEM;
        if (n == 0 || *truncated)
            break;
    }
    return db_exec(db, "CLOSE audit_export", 0, NULL);
}
