/* audit.h - the audit trail ("traces"): append-only security events. */
#ifndef RELAIS_AUDIT_H
#define RELAIS_AUDIT_H

#include <jansson.h>

#include "db/pool.h"
#include "http/request.h"

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

#endif
