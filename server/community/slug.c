/* slug.c - URL names for communities: ASCII, lowercase, accents folded ("Qualité & soins" -> "qualite-soins"). */
#include <string.h>

#include "community/community.h"

/* Latin letters of U+00C0..U+017F and what they fold to; anything else is a separator. */
static const struct {
    unsigned lo, hi;
    const char *ascii;
} folds[] = {
    {0xC0, 0xC5, "a"}, {0xC6, 0xC6, "ae"}, {0xC7, 0xC7, "c"}, {0xC8, 0xCB, "e"},
    {0xCC, 0xCF, "i"}, {0xD0, 0xD0, "d"}, {0xD1, 0xD1, "n"}, {0xD2, 0xD6, "o"},
    {0xD8, 0xD8, "o"}, {0xD9, 0xDC, "u"}, {0xDD, 0xDD, "y"}, {0xDE, 0xDE, "th"},
    {0xDF, 0xDF, "ss"}, {0xE0, 0xE5, "a"}, {0xE6, 0xE6, "ae"}, {0xE7, 0xE7, "c"},
    {0xE8, 0xEB, "e"}, {0xEC, 0xEF, "i"}, {0xF0, 0xF0, "d"}, {0xF1, 0xF1, "n"},
    {0xF2, 0xF6, "o"}, {0xF8, 0xF8, "o"}, {0xF9, 0xFC, "u"}, {0xFD, 0xFD, "y"},
    {0xFE, 0xFE, "th"}, {0xFF, 0xFF, "y"}, {0x100, 0x105, "a"}, {0x106, 0x10D, "c"},
    {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"}, {0x11C, 0x123, "g"}, {0x124, 0x127, "h"},
    {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"}, {0x136, 0x138, "k"},
    {0x139, 0x142, "l"}, {0x143, 0x14B, "n"}, {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"},
    {0x154, 0x159, "r"}, {0x15A, 0x161, "s"}, {0x162, 0x167, "t"}, {0x168, 0x173, "u"},
    {0x174, 0x175, "w"}, {0x176, 0x178, "y"}, {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"},
};

/* Decodes one UTF-8 sequence at s; returns its length (1 for a bad byte, which is a separator). */
static size_t utf8_next(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (n == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    unsigned v = s[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return n;
}

static const char *fold(unsigned cp)
{
    for (size_t i = 0; i < sizeof folds / sizeof folds[0]; i++)
        if (cp >= folds[i].lo && cp <= folds[i].hi)
            return folds[i].ascii;
    return NULL;
}

void community_slugify(const char *name, char out[COMMUNITY_SLUG_MAX + 1])
{
    size_t len = 0;
    bool pending_dash = false;
    const unsigned char *s = (const unsigned char *)name;
    while (*s && len < COMMUNITY_SLUG_MAX) {
        unsigned cp;
        s += utf8_next(s, &cp);
        char one[2] = {0};
        const char *piece = NULL;
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
            one[0] = (char)cp;
            piece = one;
        } else if (cp >= 'A' && cp <= 'Z') {
            one[0] = (char)(cp - 'A' + 'a');
            piece = one;
        } else {
            piece = fold(cp);
        }
        if (!piece) {
            pending_dash = len > 0;
            continue;
        }
        size_t plen = strlen(piece);
        if (len + pending_dash + plen > COMMUNITY_SLUG_MAX)
            break;
        if (pending_dash)
            out[len++] = '-';
        pending_dash = false;
        memcpy(out + len, piece, plen);
        len += plen;
    }
    out[len] = '\0';
    if (len == 0) {
        strcpy(out, "communaute");
        return;
    }
    /* An all-digit slug would read as an id in /api/communities/{id}. */
    if (strspn(out, "0123456789") == len) {
        if (len > COMMUNITY_SLUG_MAX - 2)
            len = COMMUNITY_SLUG_MAX - 2;
        memmove(out + 2, out, len);
        out[0] = 'c';
        out[1] = '-';
        out[len + 2] = '\0';
    }
}

bool community_slug_valid(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > COMMUNITY_SLUG_MAX || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") != len)
        return false;
    if (s[0] == '-' || s[len - 1] == '-')
        return false;
    return strspn(s, "0123456789") != len;
}
