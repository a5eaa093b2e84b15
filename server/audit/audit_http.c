/* audit_http.c - the audit trail for administrators: filtered pages and CSV export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/auth.h"

#define LIMIT_DEFAULT 100
#define LIMIT_MAX 500

static const char csv_header[] =
    "id,at,actor_id,actor_email,action,object_type,object_id,community_id,ip,user_agent,detail\r\n";

static bool action_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_' || *p == '.'))
            return false;
    return true;
}

/* A query argument, NULL when absent or empty. */
static const char *arg(request *r, const char *name)
{
    const char *v = req_query(r, name);
    return v && *v ? v : NULL;
}

/* Reads the filters shared by the list and the export; fails the request on bad input. */
static rstatus read_filter(request *r, audit_filter *f)
{
    *f = (audit_filter){.limit = LIMIT_DEFAULT};
    const char *actor = arg(r, "actor");
    if (actor) {
        if (strchr(actor, '@') && strlen(actor) <= 254)
            f->actor_email = actor;
        else if (!req_parse_id(actor, &f->actor_id))
            return req_fail(r, ST_UNPROCESSABLE, "actor must be a user id or an e-mail address.");
    }
    f->action = arg(r, "action");
    if (f->action && !action_ok(f->action))
        return req_fail(r, ST_UNPROCESSABLE,
                        "action must look like 'login' or 'membership.added'.");
    f->object_type = arg(r, "object_type");
    f->object_id = arg(r, "object_id");
    if ((f->object_type && strlen(f->object_type) > 64) ||
        (f->object_id && strlen(f->object_id) > 200))
        return req_fail(r, ST_UNPROCESSABLE, "object_type or object_id is too long.");
    const char *community = arg(r, "community");
    if (community && !req_parse_id(community, &f->community_id))
        return req_fail(r, ST_UNPROCESSABLE, "community must be a community id.");
    const char *from = arg(r, "from"), *to = arg(r, "to");
    if (from && !(f->from = audit_parse_time(r->arena, from, false)))
        return req_fail(r, ST_UNPROCESSABLE, "from must be a date (2026-03-01) or an ISO 8601 "
                        "date and time.");
    if (to && !(f->to = audit_parse_time(r->arena, to, true)))
        return req_fail(r, ST_UNPROCESSABLE, "to must be a date (2026-03-31, inclusive) or an "
                        "ISO 8601 date and time.");
    const char *before = arg(r, "before_id");
    if (before && !req_parse_id(before, &f->before_id))
        return req_fail(r, ST_UNPROCESSABLE, "before_id must be an event id.");
    const char *limit = arg(r, "limit");
    if (limit) {
        char *end;
        long v = strtol(limit, &end, 10);
        if (*end || v < 1 || v > LIMIT_MAX || limit[0] < '0' || limit[0] > '9')
            return req_fail(r, ST_UNPROCESSABLE, "limit must be between 1 and %d.", LIMIT_MAX);
        f->limit = (int)v;
    }
    return ST_OK;
}

rstatus audit_http_list(request *r)
{
    audit_filter f;
    rstatus st = read_filter(r, &f);
    if (st != ST_OK)
        return st;
    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK)
        return st;
    const char *items;
    int count;
    long long last_id;
    if ((st = audit_list_json(db, r->arena, &f, &items, &count, &last_id)) != ST_OK)
        return st;
    buf b = BUF_INIT;
    buf_puts(&b, "{\"items\":");
    buf_puts(&b, items);
    /* A full page may have a next one; a short page is the last. */
    if (count == f.limit && last_id)
        buf_printf(&b, ",\"next_before_id\":%lld}", last_id);
    else
        buf_puts(&b, ",\"next_before_id\":null}");
    st = b.oom ? ST_NOMEM
               : reply_bytes(r, 200, "application/json; charset=utf-8", b.data, b.len);
    buf_free(&b);
    return st;
}

/* The filters as the export's audit event records them. */
static json_t *filter_detail(request *r)
{
    static const char *const names[] = {"actor", "action", "object_type", "object_id",
                                        "community", "from", "to", "before_id"};
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = arg(r, names[i]);
        if (v)
            json_object_set_new(o, names[i], json_string(v));
    }
    return o;
}

rstatus audit_http_csv(request *r)
{
    audit_filter f;
    rstatus st = read_filter(r, &f);
    if (st != ST_OK)
        return st;
    db_conn *db;
    if ((st = req_db(r, &db)) != ST_OK || (st = db_begin(db)) != ST_OK)
        return st;
    /* A byte-order mark, so that spreadsheets read the accents as UTF-8. */
    buf b = BUF_INIT;
    buf_puts(&b, "\xEF\xBB\xBF");
    buf_puts(&b, csv_header);
    long long rows = 0;
    bool truncated = false;
    st = audit_export_csv(db, &f, &b, &rows, &truncated);
    if (st == ST_OK) {
        /* Who exported what is itself part of the trail. */
        audit_ctx ctx = audit_ctx_of(r);
        json_t *detail = json_pack("{s:o, s:I, s:b}", "filters", filter_detail(r), "rows",
                                   (json_int_t)rows, "truncated", truncated);
        st = audit_record(db, &ctx, "audit.exported", NULL, NULL, 0, detail);
        json_decref(detail);
    }
    if (st == ST_OK)
        st = db_commit(db);
    if (st != ST_OK) {
        db_rollback(db);
        buf_free(&b);
        return st;
    }

    char name[96], count[24];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(name, sizeof name, "attachment; filename=\"relais-audit-%Y%m%d-%H%M%S.csv\"", &tm);
    snprintf(count, sizeof count, "%lld", rows);
    if ((st = reply_header(r, "Content-Disposition", name)) != ST_OK ||
        (st = reply_header(r, "X-Export-Rows", count)) != ST_OK ||
        (st = reply_header(r, "X-Export-Truncated", truncated ? "true" : "false")) != ST_OK) {
        buf_free(&b);
        return st;
    }
    st = b.oom ? ST_NOMEM : reply_bytes(r, 200, "text/csv; charset=utf-8", b.data, b.len);
    buf_free(&b);
    return st;
}
