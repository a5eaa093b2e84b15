/* audit_csv.c - pure helpers for reading the trail: CSV fields and the dates filters take. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"

void audit_csv_field(buf *out, const char *s)
{
    if (!s)
        return;
    /* A spreadsheet would evaluate these; user agents and attempted e-mails are anyone's. */
    bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                   s[0] == '\r';
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        buf_puts(out, s);
        return;
    }
    buf_putc(out, '"');
    if (formula)
        buf_putc(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_putc(out, '"');
        buf_putc(out, *p);
    }
    buf_putc(out, '"');
}

/* n decimal digits at s into *v; false if any is not a digit. */
static bool digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

const char *audit_parse_time(arena *a, const char *s, bool end_of_day)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (len < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return NULL;
    /* The calendar decides (no 30 February): round-trip through timegm. */
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d};
    time_t t = timegm(&tm);
    struct tm back;
    if (y < 1970 || y > 9999 || t == (time_t)-1 || !gmtime_r(&t, &back) ||
        back.tm_mon != mo - 1 || back.tm_mday != d)
        return NULL;
    if (len == 10) {
        if (end_of_day) {
            t += 86400;
            gmtime_r(&t, &back);
        }
        return arena_printf(a, "%04d-%02d-%02dT00:00:00Z", back.tm_year + 1900,
                            back.tm_mon + 1, back.tm_mday);
    }
    const char *p = s + 10;
    if ((*p != 'T' && *p != 't' && *p != ' ') || !digits(p + 1, 2, &h) || p[3] != ':' ||
        !digits(p + 4, 2, &mi) || h > 23 || mi > 59)
        return NULL;
    p += 6;
    if (*p == ':') {
        if (!digits(p + 1, 2, &sec) || sec > 59)
            return NULL;
        p += 3;
    }
    int frac_len = 0;
    const char *frac = NULL;
    if (*p == '.') {
        frac = ++p;
        while (*p >= '0' && *p <= '9' && frac_len < 7)
            p++, frac_len++;
        if (frac_len == 0 || frac_len > 6)
            return NULL;
    }
    char zone[8] = "Z";
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int zh, zm;
        if (!digits(p + 1, 2, &zh))
            return NULL;
        const char *m = p[3] == ':' ? p + 4 : p + 3;
        if (!digits(m, 2, &zm) || zh > 14 || zm > 59)
            return NULL;
        snprintf(zone, sizeof zone, "%c%02d:%02d", *p, zh, zm);
        p = m + 2;
    }
    if (*p)
        return NULL;
    return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d%s%.*s%s", y, mo, d, h, mi, sec,
                        frac ? "." : "", frac_len, frac ? frac : "", zone);
}
