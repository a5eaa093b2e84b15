/* json.c - Jansson helpers shared by every handler. */
#include "util/json.h"

#include <stdio.h>
#include <string.h>

void json_escape(buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        switch (c) {
        case '"':  buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                buf_append(b, e, 6);
            } else {
                buf_putc(b, (char)c);
            }
        }
    }
    buf_putc(b, '"');
}

/* Jansson recurses once per nesting level; refuse deep input before it does. */
static bool too_deep(const char *p, size_t len, int max)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                return true;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return false;
}

json_t *json_parse_body(const char *data, size_t len, rstatus *st, char *err, size_t errsize)
{
    json_error_t jerr;
    if (too_deep(data, len, 64)) {
        *st = ST_INVALID_JSON;
        snprintf(err, errsize, "The request body nests deeper than 64 levels.");
        return NULL;
    }
    if (memchr(data, '\0', len)) {
        *st = ST_INVALID_JSON;
        snprintf(err, errsize, "The request body contains a NUL byte.");
        return NULL;
    }
    json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!v) {
        *st = ST_INVALID_JSON;
        snprintf(err, errsize, "Invalid JSON at line %d, column %d: %s", jerr.line,
                 jerr.column, jerr.text);
        return NULL;
    }
    *st = ST_OK;
    return v;
}

static int render_cb(const char *chunk, size_t size, void *data)
{
    buf *b = data;
    buf_append(b, chunk, size);
    return b->oom ? -1 : 0;
}

bool json_render(buf *b, const json_t *v)
{
    if (json_dump_callback(v, render_cb, b, JSON_COMPACT | JSON_ENCODE_ANY) != 0)
        b->oom = true;
    return !b->oom;
}

void json_render_error(buf *b, rstatus st, const char *message)
{
    buf_puts(b, "{\"error\":{\"code\":");
    json_escape(b, status_code(st));
    buf_puts(b, ",\"message\":");
    json_escape(b, message && *message ? message : status_message(st));
    buf_puts(b, "}}");
}

static rstatus field_error(char *err, size_t errsize, const char *key, const char *what)
{
    snprintf(err, errsize, "Field '%s' %s.", key, what);
    return ST_UNPROCESSABLE;
}

rstatus json_get_string(const json_t *obj, const char *key, bool required, size_t max_len,
                        const char **out, char *err, size_t errsize)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!v || json_is_null(v))
        return required ? field_error(err, errsize, key, "is required") : ST_OK;
    if (!json_is_string(v))
        return field_error(err, errsize, key, "must be a string");
    if (json_string_length(v) > max_len) {
        char what[64];
        snprintf(what, sizeof what, "is longer than %zu bytes", max_len);
        return field_error(err, errsize, key, what);
    }
    if (strlen(json_string_value(v)) != json_string_length(v))
        return field_error(err, errsize, key, "must not contain NUL characters");
    *out = json_string_value(v);
    return ST_OK;
}

rstatus json_get_int(const json_t *obj, const char *key, bool required, long long min,
                     long long max, long long *out, char *err, size_t errsize)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!v || json_is_null(v))
        return required ? field_error(err, errsize, key, "is required") : ST_OK;
    if (!json_is_integer(v))
        return field_error(err, errsize, key, "must be an integer");
    long long n = json_integer_value(v);
    if (n < min || n > max) {
        char what[96];
        snprintf(what, sizeof what, "must be between %lld and %lld", min, max);
        return field_error(err, errsize, key, what);
    }
    *out = n;
    return ST_OK;
}

rstatus json_get_bool(const json_t *obj, const char *key, bool required, bool *out,
                      char *err, size_t errsize)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!v || json_is_null(v))
        return required ? field_error(err, errsize, key, "is required") : ST_OK;
    if (!json_is_boolean(v))
        return field_error(err, errsize, key, "must be true or false");
    *out = json_is_true(v);
    return ST_OK;
}
