/* people.c - helpers of the people module: image sniffing, text checks, search words, body fields. */
#include <string.h>

#include "app.h"
#include "http/server.h"
#include "people/people.h"
#include "util/json.h"

const char *people_image_sniff(const void *data, size_t len)
{
    const unsigned char *p = data;
    /* Signature plus the first chunk header: a bare signature is not an image. */
    if (len >= 16 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(p + 12, "IHDR", 4) == 0)
        return "image/png";
    if (len >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return "image/jpeg";
    if (len >= 13 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
        return "image/gif";
    if (len >= 16 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBPVP8", 7) == 0)
        return "image/webp";
    return NULL;
}

/* Length of the UTF-8 sequence starting at s and its code point, or 0 when invalid. */
static size_t utf8_next(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n;
    unsigned c, min;
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2, c = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3, c = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

const char *people_text_problem(const char *s, size_t max_chars, bool multiline)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t chars = 0;
    while (*p) {
        unsigned cp;
        size_t n = utf8_next(p, &cp);
        if (!n)
            return "is not valid UTF-8";
        bool allowed_control = multiline && (cp == '\n' || cp == '\r' || cp == '\t');
        if ((cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) && !allowed_control)
            return multiline ? "contains control characters" : "must fit on one line";
        p += n;
        if (++chars > max_chars)
            return "is too long";
    }
    return NULL;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *people_trim(arena *a, const char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n && is_space(s[n - 1]))
        n--;
    return arena_strndup(a, s, n);
}

bool people_email_ok(const char *s)
{
    size_t len = strlen(s);
    if (len < 3 || len > PEOPLE_EMAIL_MAX)
        return false;
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@') || at - s > 64)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p == 0x7F)
            return false;
    return true;
}

int people_search_words(arena *a, const char *q, const char *words[PEOPLE_SEARCH_WORDS])
{
    int n = 0;
    const char *p = q ? q : "";
    while (*p && n < PEOPLE_SEARCH_WORDS) {
        while (is_space(*p))
            p++;
        const char *start = p;
        while (*p && !is_space(*p))
            p++;
        size_t len = (size_t)(p - start);
        if (!len)
            break;
        char *w = arena_alloc(a, 2 * len + 1);
        if (!w)
            return n;
        size_t k = 0;
        for (size_t i = 0; i < len; i++) {
            if (start[i] == '\\' || start[i] == '%' || start[i] == '_')
                w[k++] = '\\';
            w[k++] = start[i];
        }
        w[k] = '\0';
        words[n++] = w;
    }
    return n;
}

const char *people_link_origin(request *r)
{
    const char *pub = r->app->cfg->public_origin;
    if (pub && *pub) {
        size_t n = strlen(pub);
        while (n && pub[n - 1] == '/')
            n--;
        return arena_strndup(r->arena, pub, n);
    }
    return arena_printf(r->arena, "http://127.0.0.1:%d", http_server_port(r->app));
}

rstatus people_reply_json_text(request *r, int http_status, const char *json)
{
    return reply_bytes(r, http_status, "application/json; charset=utf-8", json, strlen(json));
}

rstatus people_body_text(request *r, const char *key, bool required, size_t max_chars,
                         bool multiline, const char **out)
{
    char err[160];
    const char *raw = NULL;
    /* max_chars code points take at most 4 bytes each; people_text_problem counts them. */
    rstatus st = json_get_string(r->json, key, required, 4 * max_chars, &raw, err, sizeof err);
    if (st != ST_OK)
        return req_fail(r, st, "%s", err);
    if (!raw)
        return ST_OK;
    const char *v = people_trim(r->arena, raw);
    if (!v)
        return ST_NOMEM;
    if (required && !*v)
        return req_fail(r, ST_UNPROCESSABLE, "%s is required.", key);
    const char *problem = people_text_problem(v, max_chars, multiline);
    if (problem)
        return req_fail(r, ST_UNPROCESSABLE, "%s %s (at most %zu characters%s).", key, problem,
                        max_chars, multiline ? "" : " on one line");
    *out = v;
    return ST_OK;
}

rstatus people_body_object(request *r)
{
    if (!json_is_object(r->json))
        return req_fail(r, ST_UNPROCESSABLE, "Send a JSON object.");
    return ST_OK;
}
