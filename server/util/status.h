/* status.h - the one status enum: every function's result, its HTTP status and JSON code. */
#ifndef RELAIS_STATUS_H
#define RELAIS_STATUS_H

/*
 * X(NAME, http_status, "json_code", "default message")
 *
 * The table is the single source of truth: the enum, the HTTP status a handler's
 * failure maps to and the stable "code" clients switch on are all generated from
 * it. Add a row here, never a bare number somewhere else. 0 is success.
 */
#define RELAIS_STATUS_TABLE(X)                                                          \
    X(OK,                  200, "ok",                  "OK")                            \
    X(BAD_REQUEST,         400, "bad_request",         "The request is malformed.")     \
    X(INVALID_JSON,        400, "invalid_json",        "The request body is not valid JSON.") \
    X(UNAUTHENTICATED,     401, "unauthenticated",     "You must be signed in.")        \
    X(FORBIDDEN,           403, "forbidden",           "You may not do this.")          \
    X(NOT_FOUND,           404, "not_found",           "Nothing here.")                 \
    X(METHOD_NOT_ALLOWED,  405, "method_not_allowed",  "This method is not allowed here.") \
    X(CONFLICT,            409, "conflict",            "The request conflicts with the current state.") \
    X(PAYLOAD_TOO_LARGE,   413, "payload_too_large",   "The request body is too large.") \
    X(URI_TOO_LONG,        414, "uri_too_long",        "The request URI is too long.")  \
    X(UNSUPPORTED_MEDIA,   415, "unsupported_media_type", "This content type is not accepted here.") \
    X(RANGE_NOT_SATISFIABLE, 416, "range_not_satisfiable", "The requested range is not satisfiable.") \
    X(UNPROCESSABLE,       422, "unprocessable",       "The request is well-formed but invalid.") \
    X(TOO_MANY_REQUESTS,   429, "too_many_requests",   "Too many requests; try again later.") \
    X(HEADERS_TOO_LARGE,   431, "request_header_fields_too_large", "The request headers are too large.") \
    X(INTERNAL,            500, "internal_error",      "An internal error occurred.")   \
    X(NOT_IMPLEMENTED,     501, "not_implemented",     "This method is not implemented.") \
    X(UNAVAILABLE,         503, "service_unavailable", "The service is temporarily unavailable.") \
    X(NOMEM,               503, "out_of_memory",       "The server is out of memory.")

typedef enum {
#define X(name, http, code, msg) ST_##name,
    RELAIS_STATUS_TABLE(X)
#undef X
    ST__COUNT
} rstatus;

/* HTTP status for a status; 500 for an out-of-range value. Thread-safe. */
int status_http(rstatus st);

/* Stable machine-readable code ("not_found"); static storage. */
const char *status_code(rstatus st);

/* Default human message (English); static storage. */
const char *status_message(rstatus st);

/* The status whose HTTP status is http (first row wins), or ST_INTERNAL. */
rstatus status_from_http(int http);

#endif
