/* json.h - Jansson helpers: parsing bodies, typed field access, rendering. */
#ifndef RELAIS_JSON_H
#define RELAIS_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/status.h"

/* Append s as a quoted, escaped JSON string (valid UTF-8 assumed, bad bytes replaced). */
void json_escape(buf *b, const char *s);

/*
 * Parse a request body as one JSON value. Rejects NUL bytes, duplicate keys,
 * nesting deeper than 64 and trailing garbage. On failure returns NULL, sets *st
 * (ST_INVALID_JSON) and writes a human message with line/column into err.
 * The caller owns the result (json_decref).
 */
json_t *json_parse_body(const char *data, size_t len, rstatus *st, char *err, size_t errsize);

/* Render v compactly into b (appending). Returns false when out of memory. */
bool json_render(buf *b, const json_t *v);

/* Render {"error":{"code":…,"message":…}} for st into b; message NULL = default. */
void json_render_error(buf *b, rstatus st, const char *message);

/*
 * Typed field access for validating input. Each returns ST_OK and sets *out, or
 * ST_UNPROCESSABLE with a message in err naming the field. A missing optional
 * field leaves *out untouched and returns ST_OK.
 */
rstatus json_get_string(const json_t *obj, const char *key, bool required, size_t max_len,
                        const char **out, char *err, size_t errsize);
rstatus json_get_int(const json_t *obj, const char *key, bool required, long long min,
                     long long max, long long *out, char *err, size_t errsize);
rstatus json_get_bool(const json_t *obj, const char *key, bool required, bool *out,
                      char *err, size_t errsize);

#endif
