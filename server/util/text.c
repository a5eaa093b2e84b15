/* text.c - UTF-8 validation and cleaning. */
#include "util/text.h"

#include <string.h>

size_t text_utf8_seq(const unsigned char *p)
{
    unsigned c = p[0];
    if (c < 0x80)
        return c >= 0x20 && c != 0x7f ? 1 : 0;
    size_t n = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    unsigned cp = n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (n == 0 || (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

long text_utf8_length(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    long count = 0;
    while (*p) {
        size_t n = text_utf8_seq(p);
        if (n == 0)
            return -1;
        p += n;
        count++;
    }
    return count;
}

const char *text_utf8_clean(arena *a, const char *s)
{
    if (!s)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    while (*p && (n = text_utf8_seq(p)) > 0)
        p += n;
    if (!*p)
        return s;
    char *out = arena_strdup(a, s);
    if (!out)
        return NULL;
    for (unsigned char *q = (unsigned char *)out; *q;) {
        n = text_utf8_seq(q);
        if (n == 0)
            *q++ = '?';
        else
            q += n;
    }
    return out;
}
