/* download.c - file names for display, Range parsing and Content-Disposition (pure functions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "document/document.h"
#include "extract/textsink.h"

void doc_filename_clean(const char *in, char out[DOC_FILENAME_MAX + 1])
{
    const char *base = in ? in : "";
    for (const char *p = base; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    /* Through the text sink: valid UTF-8, controls gone, blanks collapsed, cut on a boundary. */
    buf b = BUF_INIT;
    textsink t;
    textsink_init(&t, &b, DOC_FILENAME_MAX);
    textsink_text(&t, base, strlen(base));
    textsink_finish(&t);
    size_t len = b.len;
    const char *s = b.data ? b.data : "";
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t' ||
                   s[len - 1] == '.'))
        len--;
    size_t start = 0;
    while (start < len && (s[start] == ' ' || s[start] == '.'))
        start++;
    size_t k = 0;
    for (size_t i = start; i < len; i++)
        out[k++] = s[i] == '\n' || s[i] == '\t' ? ' ' : s[i];
    out[k] = '\0';
    if (k == 0 || b.oom)
        snprintf(out, DOC_FILENAME_MAX + 1, "document");
    buf_free(&b);
}

static bool parse_ull(const char *s, size_t n, unsigned long long *out)
{
    if (n == 0 || n > 19)
        return false;
    unsigned long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned long long)(s[i] - '0');
    }
    *out = v;
    return true;
}

enum doc_range_result doc_range_parse(const char *h, unsigned long long size, doc_range *out)
{
    if (!h || strncmp(h, "bytes=", 6) != 0)
        return DOC_RANGE_NONE;
    const char *spec = h + 6;
    while (*spec == ' ')
        spec++;
    size_t len = strlen(spec);
    while (len && spec[len - 1] == ' ')
        len--;
    if (memchr(spec, ',', len))
        return DOC_RANGE_NONE;     /* several ranges: the whole body is a valid answer */
    const char *dash = memchr(spec, '-', len);
    if (!dash)
        return DOC_RANGE_NONE;
    size_t nfirst = (size_t)(dash - spec), nlast = len - nfirst - 1;
    unsigned long long first, last;
    if (nfirst == 0) {
        /* bytes=-n: the last n bytes. */
        if (!parse_ull(dash + 1, nlast, &last))
            return DOC_RANGE_NONE;
        if (last == 0 || size == 0)
            return DOC_RANGE_UNSATISFIABLE;
        out->length = last < size ? last : size;
        out->start = size - out->length;
        return DOC_RANGE_OK;
    }
    if (!parse_ull(spec, nfirst, &first))
        return DOC_RANGE_NONE;
    if (nlast == 0)
        last = size ? size - 1 : 0;
    else if (!parse_ull(dash + 1, nlast, &last) || last < first)
        return DOC_RANGE_NONE;
    if (first >= size)
        return DOC_RANGE_UNSATISFIABLE;
    if (last >= size)
        last = size - 1;
    out->start = first;
    out->length = last - first + 1;
    return DOC_RANGE_OK;
}

void doc_content_disposition(const char *filename, bool inline_, buf *out)
{
    buf_puts(out, inline_ ? "inline" : "attachment");
    buf_puts(out, "; filename=\"");
    bool any = false;
    for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;           /* continuation bytes: one '_' per non-ASCII character */
        char c = *p >= 0x80 || *p < 0x20 || *p == '"' || *p == '\\' || *p == 0x7F ? '_' : (char)*p;
        buf_putc(out, c);
        any = true;
    }
    if (!any)
        buf_puts(out, "document");
    buf_puts(out, "\"; filename*=UTF-8''");
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
        /* RFC 8187 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~" */
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("!#$&+-.^_`|~", *p)) {
            buf_putc(out, (char)*p);
        } else {
            buf_putc(out, '%');
            buf_putc(out, hex[*p >> 4]);
            buf_putc(out, hex[*p & 15]);
        }
    }
}
