/* community_http.h - the HTTP handlers of communities, members, join requests and invitations. */
#ifndef RELAIS_COMMUNITY_HTTP_H
#define RELAIS_COMMUNITY_HTTP_H

#include <stdbool.h>

#include "community/community.h"
#include "http/request.h"

/* community_http.c */
rstatus community_http_list(request *r);        /* GET    /api/communities */
rstatus community_http_create(request *r);      /* POST   /api/communities */
rstatus community_http_get(request *r);         /* GET    /api/communities/{id} */
rstatus community_http_update(request *r);      /* PATCH  /api/communities/{id} */

/* member_http.c */
rstatus member_http_list(request *r);           /* GET    /api/communities/{id}/members */
rstatus member_http_add(request *r);            /* POST   /api/communities/{id}/members */
rstatus member_http_update(request *r);         /* PATCH  /api/communities/{id}/members/{user_id} */
rstatus member_http_remove(request *r);         /* DELETE /api/communities/{id}/members/{user_id} */
rstatus member_http_join(request *r);           /* POST   /api/communities/{id}/join */
rstatus member_http_join_cancel(request *r);    /* DELETE /api/communities/{id}/join */
rstatus member_http_requests(request *r);       /* GET    /api/communities/{id}/join-requests */
rstatus member_http_decide(request *r);         /* POST   /api/communities/{id}/join-requests/{request_id} */

/* invitation_http.c */
rstatus invitation_http_create(request *r);     /* POST   /api/communities/{id}/invitations */
rstatus invitation_http_list(request *r);       /* GET    /api/communities/{id}/invitations */
rstatus invitation_http_revoke(request *r);     /* DELETE /api/communities/{id}/invitations/{invitation_id} */
rstatus invitation_http_show(request *r);       /* GET    /api/invitations/{token} */
rstatus invitation_http_accept(request *r);     /* POST   /api/invitations/{token}/accept */

/* ---- shared by the handlers above (community_http.c) ------------------------------------ */

/*
 * The community named by the {id} path parameter (id or slug), with the caller's facts.
 * lock: inside a new transaction with the row locked (see community_facts_load). Answers a
 * missing community itself (404, the same text as an invisible one).
 */
rstatus community_http_load(request *r, bool lock, community_facts *f);

/*
 * ST_OK when the caller may do action in f's community; otherwise ends f's transaction and
 * answers the refusal through access/ (404 when the community is invisible, else 403).
 */
rstatus community_http_require(request *r, community_facts *f, enum acl_action action);

/* Commits f's transaction when st is ST_OK, else rolls it back; returns st or the commit's. */
rstatus community_http_end(request *r, community_facts *f, rstatus st);

/* Number of characters (code points) in UTF-8 text. */
size_t community_http_chars(const char *s);

/* An error a json_get_* call (or a domain function) wrote into err. */
rstatus community_http_fail(request *r, rstatus st, const char *err);

/*
 * A text field of at most max characters, trimmed of surrounding white space (the copy is in
 * the arena); a required one must not be blank; one_line refuses line breaks and controls.
 */
rstatus community_http_text(request *r, const char *key, bool required, size_t max,
                            bool one_line, const char **out);

/* The body must be a JSON object (or absent when optional). */
rstatus community_http_object_body(request *r, bool optional);

#endif
