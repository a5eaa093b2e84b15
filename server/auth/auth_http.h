/* auth_http.h - the HTTP handlers of sessions, my account, API tokens and e-mailed links. */
#ifndef RELAIS_AUTH_HTTP_H
#define RELAIS_AUTH_HTTP_H

#include <stdbool.h>

#include "audit/audit.h"
#include "http/request.h"

/* session_http.c */
rstatus auth_http_login(request *r);            /* POST   /api/session */
rstatus auth_http_logout(request *r);           /* DELETE /api/session */
rstatus auth_http_me(request *r);               /* GET    /api/me */
rstatus auth_http_sessions(request *r);         /* GET    /api/me/sessions */
rstatus auth_http_session_revoke(request *r);   /* DELETE /api/me/sessions/{id} */

/* token_http.c */
rstatus auth_http_tokens(request *r);           /* GET    /api/me/tokens */
rstatus auth_http_token_create(request *r);     /* POST   /api/me/tokens */
rstatus auth_http_token_revoke(request *r);     /* DELETE /api/me/tokens/{id} */

/* account_http.c */
rstatus auth_http_password_change(request *r);  /* POST   /api/me/password */
rstatus auth_http_reset_request(request *r);    /* POST   /api/password-reset */
rstatus auth_http_reset_confirm(request *r);    /* POST   /api/password-reset/confirm */
rstatus auth_http_verify_request(request *r);   /* POST   /api/me/email-verification */
rstatus auth_http_verify_confirm(request *r);   /* POST   /api/email-verification/confirm */

/* ---- helpers the handlers above share (session_http.c) ---------------------------------- */

/* Replies with JSON text already rendered (by PostgreSQL); the text is copied. */
rstatus auth_http_reply_json_text(request *r, int http_status, const char *json);
/* Answers 429 with a Retry-After header; what says what was refused ("Too many sign-ins"). */
rstatus auth_http_too_many(request *r, int retry_after, const char *what);
/* req_fail with a message a json_get_* call wrote. */
rstatus auth_http_field_error(request *r, rstatus st, const char *err);
/*
 * audit_ctx_of(r) with the User-Agent made valid UTF-8 (other bytes become
 * '?'): it is stored in sessions and audit events, and PostgreSQL refuses text
 * that is not UTF-8, which a client could otherwise use to make a request fail.
 */
audit_ctx auth_http_ctx(request *r);

#endif
