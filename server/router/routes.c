/* routes.c - every HTTP route of Relais, one row each. Static files are served
 * for GET paths no row claims (http/static.c). Keep docs/openapi.json in step:
 * a unit test compares the two. */
#include "audit/audit.h"
#include "auth/auth_http.h"
#include "community/community_http.h"
#include "document/document.h"
#include "ops/metrics.h"
#include "ops/ops.h"
#include "people/people.h"
#include "router/router.h"
#include "search/indexer.h"

#define KiB 1024

/* Rows leave out the trailing optional fields (precheck); they are NULL. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

const route router_routes[] = {
    /* method   pattern                 auth          body limit       flags                                handler */
    {"GET",  "/healthz",                AUTH_PUBLIC,  0,               0,                                   ops_healthz},
    {"GET",  "/metrics",                AUTH_PUBLIC,  0,               ROUTE_INLINE | ROUTE_LOOPBACK,       ops_metrics},
    {"GET",  "/api/openapi.json",       AUTH_PUBLIC,  0,               ROUTE_INLINE | ROUTE_PUBLIC_CACHE,   ops_openapi},

    /* auth/: sessions, me, password, API tokens, reset and verification (handlers in auth/) */
    {"POST",   "/api/session",                    AUTH_PUBLIC,  8 * KiB, ROUTE_JSON, auth_http_login},
    {"DELETE", "/api/session",                    AUTH_PUBLIC,  0,       0,          auth_http_logout},
    {"GET",    "/api/me",                         AUTH_SESSION, 0,       0,          auth_http_me},
    {"POST",   "/api/me/password",                AUTH_SESSION, 8 * KiB, ROUTE_JSON, auth_http_password_change},
    {"GET",    "/api/me/sessions",                AUTH_SESSION, 0,       0,          auth_http_sessions},
    {"DELETE", "/api/me/sessions/{id}",           AUTH_SESSION, 0,       0,          auth_http_session_revoke},
    {"GET",    "/api/me/tokens",                  AUTH_SESSION, 0,       0,          auth_http_tokens},
    {"POST",   "/api/me/tokens",                  AUTH_SESSION, 4 * KiB, ROUTE_JSON, auth_http_token_create},
    {"DELETE", "/api/me/tokens/{id}",             AUTH_SESSION, 0,       0,          auth_http_token_revoke},
    {"POST",   "/api/me/email-verification",      AUTH_SESSION, 1 * KiB, ROUTE_JSON, auth_http_verify_request},
    {"POST",   "/api/email-verification/confirm", AUTH_PUBLIC,  4 * KiB, ROUTE_JSON, auth_http_verify_confirm},
    {"POST",   "/api/password-reset",             AUTH_PUBLIC,  4 * KiB, ROUTE_JSON, auth_http_reset_request},
    {"POST",   "/api/password-reset/confirm",     AUTH_PUBLIC,  8 * KiB, ROUTE_JSON, auth_http_reset_confirm},

    /* community/: communities, members, join requests, invitations (handlers in community/) */
    {"GET",    "/api/communities",                                  AUTH_SESSION, 0,       0,          community_http_list},
    {"POST",   "/api/communities",                                  AUTH_SESSION, 32 * KiB, ROUTE_JSON, community_http_create},
    {"GET",    "/api/communities/{id}",                             AUTH_SESSION, 0,       0,          community_http_get},
    {"PATCH",  "/api/communities/{id}",                             AUTH_SESSION, 32 * KiB, ROUTE_JSON, community_http_update},
    {"GET",    "/api/communities/{id}/members",                     AUTH_SESSION, 0,       0,          member_http_list},
    {"POST",   "/api/communities/{id}/members",                     AUTH_SESSION, 1 * KiB, ROUTE_JSON, member_http_add},
    {"PATCH",  "/api/communities/{id}/members/{user_id}",           AUTH_SESSION, 1 * KiB, ROUTE_JSON, member_http_update},
    {"DELETE", "/api/communities/{id}/members/{user_id}",           AUTH_SESSION, 0,       0,          member_http_remove},
    {"POST",   "/api/communities/{id}/join",                        AUTH_SESSION, 8 * KiB, ROUTE_JSON, member_http_join},
    {"DELETE", "/api/communities/{id}/join",                        AUTH_SESSION, 0,       0,          member_http_join_cancel},
    {"GET",    "/api/communities/{id}/join-requests",               AUTH_SESSION, 0,       0,          member_http_requests},
    {"POST",   "/api/communities/{id}/join-requests/{request_id}",  AUTH_SESSION, 1 * KiB, ROUTE_JSON, member_http_decide},
    {"POST",   "/api/communities/{id}/invitations",                 AUTH_SESSION, 8 * KiB, ROUTE_JSON, invitation_http_create},
    {"GET",    "/api/communities/{id}/invitations",                 AUTH_SESSION, 0,       0,          invitation_http_list},
    {"DELETE", "/api/communities/{id}/invitations/{invitation_id}", AUTH_SESSION, 0,       0,          invitation_http_revoke},
    {"GET",    "/api/invitations/{token}",                          AUTH_PUBLIC,  0,       0,          invitation_http_show},
    {"POST",   "/api/invitations/{token}/accept",                   AUTH_PUBLIC,  8 * KiB, ROUTE_JSON, invitation_http_accept},

    /* people/: organisations, directory, profiles, photos, admin users, audit (people/, audit/) */
    {"GET",    "/api/organisations",                                AUTH_SESSION, 0,       0,          people_org_list},
    {"POST",   "/api/organisations",                                AUTH_ADMIN,   4 * KiB, ROUTE_JSON, people_org_create},
    {"PATCH",  "/api/organisations/{id}",                           AUTH_ADMIN,   4 * KiB, ROUTE_JSON, people_org_update},
    {"GET",    "/api/users",                                        AUTH_SESSION, 0,       0,          people_user_list},
    {"GET",    "/api/users/{id}",                                   AUTH_SESSION, 0,       0,          people_user_get},
    {"GET",    "/api/users/{id}/photo",                             AUTH_SESSION, 0,       0,          people_user_photo},
    {"PATCH",  "/api/me",                                           AUTH_SESSION, 16 * KiB, ROUTE_JSON, people_me_update},
    /* The photo is the raw body (image/png, jpeg, webp or gif), checked by its magic bytes. */
    {"PUT",    "/api/me/photo",                                     AUTH_SESSION, 2048 * KiB, 0,       people_me_photo_put},
    {"DELETE", "/api/me/photo",                                     AUTH_SESSION, 0,       0,          people_me_photo_delete},
    {"GET",    "/api/admin/users",                                  AUTH_ADMIN,   0,       0,          people_admin_user_list},
    {"POST",   "/api/admin/users",                                  AUTH_ADMIN,   8 * KiB, ROUTE_JSON, people_admin_user_create},
    {"PATCH",  "/api/admin/users/{id}",                             AUTH_ADMIN,   1 * KiB, ROUTE_JSON, people_admin_user_update},
    {"GET",    "/api/admin/settings",                               AUTH_ADMIN,   0,       0,          people_admin_settings_get},
    {"PUT",    "/api/admin/settings",                               AUTH_ADMIN,   64 * KiB, ROUTE_JSON, people_admin_settings_put},
    {"GET",    "/api/audit",                                        AUTH_ADMIN,   0,       0,          audit_http_list},
    {"GET",    "/api/audit.csv",                                    AUTH_ADMIN,   0,       0,          audit_http_csv},

    /* document/: the document library: folders, documents, versions, locks, downloads (handlers in document/) */
    {"GET",    "/api/communities/{id}/folders",                     AUTH_SESSION, 0,       0,          folder_http_list},
    {"POST",   "/api/communities/{id}/folders",                     AUTH_SESSION, 4 * KiB, ROUTE_JSON, folder_http_create},
    {"GET",    "/api/folders/{id}",                                 AUTH_SESSION, 0,       0,          folder_http_get},
    {"PATCH",  "/api/folders/{id}",                                 AUTH_SESSION, 4 * KiB, ROUTE_JSON, folder_http_update},
    {"DELETE", "/api/folders/{id}",                                 AUTH_SESSION, 0,       0,          folder_http_delete},
    {"GET",    "/api/communities/{id}/documents",                   AUTH_SESSION, 0,       0,          document_http_list},
    {"POST",   "/api/communities/{id}/documents",                   AUTH_SESSION, BODY_UPLOAD_LIMIT, ROUTE_UPLOAD, document_http_create, document_http_upload_check},
    {"GET",    "/api/documents/{id}",                               AUTH_SESSION, 0,       0,          document_http_get},
    {"PATCH",  "/api/documents/{id}",                               AUTH_SESSION, 16 * KiB, ROUTE_JSON, document_http_update},
    {"DELETE", "/api/documents/{id}",                               AUTH_SESSION, 0,       0,          document_http_delete},
    {"GET",    "/api/documents/{id}/versions",                      AUTH_SESSION, 0,       0,          document_http_versions},
    {"POST",   "/api/documents/{id}/versions",                      AUTH_SESSION, BODY_UPLOAD_LIMIT, ROUTE_UPLOAD, document_http_version_add, document_http_version_check},
    {"GET",    "/api/documents/{id}/content",                       AUTH_SESSION, 0,       0,          document_http_content},
    {"PUT",    "/api/documents/{id}/content",                       AUTH_SESSION, BODY_UPLOAD_LIMIT, ROUTE_UPLOAD, document_http_version_add, document_http_version_check},
    {"GET",    "/api/documents/{id}/versions/{n}/content",          AUTH_SESSION, 0,       0,          document_http_content},
    {"POST",   "/api/documents/{id}/versions/{n}/restore",          AUTH_SESSION, 0,       0,          document_http_restore},
    {"POST",   "/api/documents/{id}/lock",                          AUTH_SESSION, 0,       0,          document_http_lock},
    {"DELETE", "/api/documents/{id}/lock",                          AUTH_SESSION, 0,       0,          document_http_unlock},
    {"GET",    "/api/communities/{id}/trash",                       AUTH_SESSION, 0,       0,          document_http_trash},
    {"POST",   "/api/communities/{id}/trash/{document_id}/restore", AUTH_SESSION, 0,       0,          document_http_untrash},
    {"GET",    "/api/communities/{id}/export.zip",                  AUTH_SESSION, 0,       0,          document_http_export_community},
    {"GET",    "/api/folders/{id}/export.zip",                      AUTH_SESSION, 0,       0,          document_http_export_folder},

    /* search/: full-text search and completion over the Xapian index (handlers in search/) */
    {"GET",    "/api/search",                                       AUTH_SESSION, 0,       ROUTE_SEARCH_KEYS, search_http_query},
    {"GET",    "/api/search/suggest",                               AUTH_SESSION, 0,       ROUTE_SEARCH_KEYS, search_http_suggest},

    {"GET",  "/api/_test/sleep",        AUTH_PUBLIC,  0,               ROUTE_TEST_HOOK,                     test_sleep},
    {"GET",  "/api/_test/fail",         AUTH_PUBLIC,  0,               ROUTE_TEST_HOOK,                     test_fail},
    {"POST", "/api/_test/echo",         AUTH_PUBLIC,  64 * KiB,        ROUTE_TEST_HOOK | ROUTE_JSON,        test_echo},
    {"PUT",  "/api/_test/upload",       AUTH_PUBLIC,  BODY_UPLOAD_LIMIT, ROUTE_TEST_HOOK | ROUTE_UPLOAD,    test_upload, test_upload_precheck},
    {"POST", "/api/_test/upload",       AUTH_PUBLIC,  BODY_UPLOAD_LIMIT, ROUTE_TEST_HOOK | ROUTE_UPLOAD,    test_upload, test_upload_precheck},
};

const int router_nroutes = (int)(sizeof router_routes / sizeof router_routes[0]);
