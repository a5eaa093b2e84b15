/* audit.h - the audit trail ("traces"): append-only security events. */
#ifndef RELAIS_AUDIT_H
#define RELAIS_AUDIT_H

#include <jansson.h>
#include <stdbool.h>

#include "db/pool.h"
#include "http/request.h"
#include "util/arena.h"
#include "util/buf.h"

/* Who did it and from where; plain values so domain code needs no request. */
typedef struct audit_ctx {
    long long actor_id;         /* 0 = anonymous */
    const char *actor_email;
    const char *ip;
    const char *user_agent;
} audit_ctx;

/* The context of the request's caller (r->who may be NULL). */
audit_ctx audit_ctx_of(const request *r);

/*
 * Appends one event. action is dotted lowercase ("login.ok", "login.failed",
 * "logout", "password.changed", "password.reset", "session.revoked",
 * "membership.added", "membership.role_changed", "membership.removed",
 * "invitation.sent", "invitation.accepted", "access.denied",
 * later "document.downloaded" ...). object_type/object_id name what it was
 * about (NULL allowed), community_id 0 = none, detail is borrowed (NULL = {}).
 * Runs in the caller's transaction when there is one, so the event and the
 * change commit or vanish together. Never logs secrets: callers pass ids.
 */
rstatus audit_record(db_conn *db, const audit_ctx *ctx, const char *action,
                     const char *object_type, const char *object_id, long long community_id,
                     const json_t *detail);

/* Deletes events older than `days` through audit_purge(); *deleted gets the count. */
rstatus audit_purge(db_conn *db, int days, long long *deleted);

/* ---- reading the trail (audit_store.c, audit_http.c; administrators only) --------------- */

/* Filters of GET /api/audit and /api/audit.csv; NULL / 0 = any. */
typedef struct audit_filter {
    long long actor_id;
    const char *actor_email;    /* compared without case */
    const char *action;         /* "login" matches "login" and "login.*" */
    const char *object_type;
    const char *object_id;
    long long community_id;
    const char *from;           /* ISO 8601 with zone, inclusive */
    const char *to;             /* ISO 8601 with zone, exclusive */
    long long before_id;        /* keyset: events older than this one */
    int limit;
} audit_filter;

/* Rows an export holds at most; beyond, the export says it was truncated. */
#define AUDIT_EXPORT_MAX_ROWS 100000

/*
 * Newest events first as JSON text: a JSON array in *items, the number of rows
 * in *count and the id of the oldest one in *last_id (for the next page).
 */
rstatus audit_list_json(db_conn *db, arena *a, const audit_filter *f, const char **items,
                        int *count, long long *last_id);

/*
 * Appends the matching events, newest first, to out as CSV rows (no header), at
 * most AUDIT_EXPORT_MAX_ROWS; *truncated when there were more. Reads through a
 * cursor so memory holds one batch of rows at a time besides out. Must run in a
 * transaction.
 */
rstatus audit_export_csv(db_conn *db, const audit_filter *f, buf *out, long long *rows,
                         bool *truncated);

/*
 * Appends s to out as one CSV field (RFC 4180: quoted when it holds a comma,
 * quote, CR or LF; quotes doubled). A field that a spreadsheet would run as a
 * formula (starting with = + - @ tab or CR) gets a leading apostrophe. NULL is
 * an empty field. Pure.
 */
void audit_csv_field(buf *out, const char *s);

/*
 * Normalises a date ("2026-03-01") or date-time ("2026-03-01T10:00",
 * "…:00Z", "…+01:00") into an ISO 8601 string with a zone, in a. A date alone
 * means its midnight UTC, or, when end_of_day, the next midnight (so `to` is
 * inclusive of the day). NULL when s is not such a date.
 */
const char *audit_parse_time(arena *a, const char *s, bool end_of_day);

rstatus audit_http_list(request *r);        /* GET /api/audit */
rstatus audit_http_csv(request *r);         /* GET /api/audit.csv */

/* ---- retention (purger.c) --------------------------------------------------------------- */

struct app;

/*
 * Starts the background thread that deletes events older than
 * RELAIS_AUDIT_RETENTION_DAYS: once at start, then every 24 hours. It borrows a
 * pool connection only while purging. 0, or -1 when the thread cannot start.
 * Call once, from the serving process, after the pool is open.
 */
int audit_purger_start(struct app *a);

/* Stops the thread (waits for a purge in progress) before the pool closes. Idempotent. */
void audit_purger_stop(void);

#endif
