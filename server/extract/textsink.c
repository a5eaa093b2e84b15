/* textsink.c - sanitised, capped UTF-8 output for the extractors. */
#include "extract/textsink.h"

#include <string.h>

#define REPLACEMENT 0xFFFDu

/* Windows-1252 0x80..0x9F; 0 = undefined. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

void textsink_init(textsink *t, buf *out, size_t max)
{
    memset(t, 0, sizeof *t);
    t->out = out;
    /* The cap counts what this sink writes, not what out already held. */
    t->max = max > (size_t)-1 - out->len ? (size_t)-1 : out->len + max;
}

static char last_char(const textsink *t)
{
    return t->out->len ? t->out->data[t->out->len - 1] : '\0';
}

static void put_bytes(textsink *t, const char *p, size_t n)
{
    if (t->full)
        return;
    if (t->out->len + n > t->max) {
        t->full = true;
        return;
    }
    buf_append(t->out, p, n);
}

void textsink_sep(textsink *t, char c)
{
    if (t->full || t->out->len == 0)
        return;
    char last = last_char(t);
    if (last == '\n')
        return;
    if (last == ' ' || last == '\t') {
        if (c != '\n')
            return;
        t->out->data[t->out->len - 1] = '\n';
        return;
    }
    put_bytes(t, &c, 1);
}

void textsink_codepoint(textsink *t, unsigned cp)
{
    if (cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
        textsink_sep(t, '\n');
        return;
    }
    if (cp == '\t') {
        textsink_sep(t, '\t');
        return;
    }
    if (cp == ' ' || cp == 0xA0) {
        /* No-break spaces separate words as well as spaces do. */
        textsink_sep(t, ' ');
        return;
    }
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
        textsink_sep(t, ' ');
        return;
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFEFF)
        cp = cp == 0xFEFF ? 0 : REPLACEMENT;
    if (cp == 0)
        return;     /* a byte-order mark is not text */
    char enc[4];
    size_t n;
    if (cp < 0x80) {
        enc[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        enc[0] = (char)(0xC0 | cp >> 6);
        enc[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        enc[0] = (char)(0xE0 | cp >> 12);
        enc[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        enc[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        enc[0] = (char)(0xF0 | cp >> 18);
        enc[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        enc[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        enc[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    put_bytes(t, enc, n);
}

/* Length of the sequence a lead byte starts; 0 for a byte that cannot start one. */
static int seq_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 0;
}

/* Whether the second byte fits the lead (rules out overlongs, surrogates, > U+10FFFF). */
static bool second_ok(unsigned char lead, unsigned char c)
{
    if ((c & 0xC0) != 0x80)
        return false;
    if (lead == 0xE0)
        return c >= 0xA0;
    if (lead == 0xED)
        return c <= 0x9F;
    if (lead == 0xF0)
        return c >= 0x90;
    if (lead == 0xF4)
        return c <= 0x8F;
    return true;
}

static unsigned decode(const unsigned char *s, int n)
{
    if (n == 2)
        return (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    if (n == 3)
        return (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    return (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3F) << 12 |
           (unsigned)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
}

bool textsink_is_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        int n = seq_len(s[i]);
        if (n == 0)
            return false;
        if (n == 1) {
            i++;
            continue;
        }
        for (int k = 1; k < n; k++) {
            if (i + (size_t)k >= len)
                return true;    /* cut off at the end: the next chunk may complete it */
            if (k == 1 ? !second_ok(s[i], s[i + 1]) : (s[i + (size_t)k] & 0xC0) != 0x80)
                return false;
        }
        i += (size_t)n;
    }
    return true;
}

static void byte_utf8(textsink *t, unsigned char c)
{
    for (;;) {
        if (t->npending == 0) {
            int n = seq_len(c);
            if (n == 1) {
                if (c == '\r')
                    textsink_sep(t, '\n');
                else
                    textsink_codepoint(t, c);
                return;
            }
            if (n == 0) {
                textsink_codepoint(t, REPLACEMENT);
                return;
            }
            t->pending[t->npending++] = c;
            return;
        }
        int need = seq_len(t->pending[0]);
        bool ok = t->npending == 1 ? second_ok(t->pending[0], c) : (c & 0xC0) == 0x80;
        if (!ok) {
            /* The sequence broke off: one replacement, then c starts afresh. */
            t->npending = 0;
            textsink_codepoint(t, REPLACEMENT);
            continue;
        }
        t->pending[t->npending++] = c;
        if (t->npending == need) {
            unsigned cp = decode(t->pending, need);
            t->npending = 0;
            textsink_codepoint(t, cp);
        }
        return;
    }
}

void textsink_text(textsink *t, const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *)data;
    for (size_t i = 0; i < len && !t->full; i++) {
        unsigned char c = s[i];
        if (t->cp1252) {
            if (c == '\r')
                textsink_sep(t, '\n');
            else if (c >= 0x80 && c < 0xA0)
                textsink_codepoint(t, cp1252_high[c - 0x80] ? cp1252_high[c - 0x80] : REPLACEMENT);
            else
                textsink_codepoint(t, c);
            continue;
        }
        /* Fast path for runs of plain ASCII text. */
        if (t->npending == 0 && c >= 0x21 && c < 0x7F) {
            size_t j = i;
            while (j < len && s[j] >= 0x21 && s[j] < 0x7F)
                j++;
            size_t run = j - i, room = t->max - t->out->len;
            if (run > room) {
                buf_append(t->out, data + i, room);
                t->full = true;
                return;
            }
            buf_append(t->out, data + i, run);
            i = j - 1;
            continue;
        }
        byte_utf8(t, c);
    }
}

void textsink_finish(textsink *t)
{
    if (t->npending) {
        t->npending = 0;
        textsink_codepoint(t, REPLACEMENT);
    }
}
