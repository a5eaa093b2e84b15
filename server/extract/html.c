/* html.c - streaming HTML tag stripper with character-reference decoding. */
#include "extract/html.h"

#include <stdbool.h>
#include <string.h>

enum {
    S_TEXT,
    S_LT,           /* after '<' */
    S_TAGNAME,
    S_ATTRS,
    S_ATTR_DQ,
    S_ATTR_SQ,
    S_BANG,         /* after "<!" */
    S_COMMENT,
    S_BOGUS,        /* <!DOCTYPE …>, <?…>, <![CDATA[…]]>: skipped up to '>' */
    S_RAW,          /* inside script/style/…: skipped up to its end tag */
    S_ENT,          /* after '&' */
};

/* HTML 4's Latin-1 references, U+00A0 to U+00FF in order. */
static const char *const latin1[96] = {
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy",
    "ordf", "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute",
    "micro", "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12",
    "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig",
    "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml",
    "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash",
    "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute",
    "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc",
    "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute",
    "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml",
    "yacute", "thorn", "yuml",
};

static const struct {
    const char *name;
    unsigned cp;
} others[] = {
    {"quot", 34}, {"amp", 38}, {"apos", 39}, {"lt", 60}, {"gt", 62},
    {"OElig", 338}, {"oelig", 339}, {"Scaron", 352}, {"scaron", 353}, {"Yuml", 376},
    {"fnof", 402}, {"circ", 710}, {"tilde", 732}, {"ensp", 8194}, {"emsp", 8195},
    {"thinsp", 8201}, {"zwnj", 8204}, {"zwj", 8205}, {"lrm", 8206}, {"rlm", 8207},
    {"ndash", 8211}, {"mdash", 8212}, {"lsquo", 8216}, {"rsquo", 8217}, {"sbquo", 8218},
    {"ldquo", 8220}, {"rdquo", 8221}, {"bdquo", 8222}, {"dagger", 8224}, {"Dagger", 8225},
    {"bull", 8226}, {"hellip", 8230}, {"permil", 8240}, {"prime", 8242}, {"Prime", 8243},
    {"lsaquo", 8249}, {"rsaquo", 8250}, {"euro", 8364}, {"trade", 8482}, {"larr", 8592},
    {"rarr", 8594}, {"minus", 8722}, {"infin", 8734}, {"ne", 8800}, {"le", 8804},
    {"ge", 8805},
};

/* Numeric references to 0x80..0x9F mean Windows-1252, as browsers read them. */
static const unsigned short c1_as_1252[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

/* Elements whose content is neither markup nor text for a reader: skipped whole. */
static const char *const raw_elements[] = {"script", "style", "template", "noscript", "xmp",
                                           "iframe", "noembed", "noframes", NULL};

static const char *const block_elements[] = {
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "table", "thead", "tbody", "tfoot", "caption", "section", "article", "aside",
    "header", "footer", "nav", "main", "blockquote", "pre", "hr", "address", "figure",
    "figcaption", "form", "fieldset", "legend", "details", "summary", "body", "html", "head",
    "option", NULL};

static bool in_list(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0)
            return true;
    return false;
}

unsigned html_entity(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof latin1 / sizeof *latin1; i++)
        if (strlen(latin1[i]) == len && memcmp(latin1[i], name, len) == 0)
            return 0xA0 + (unsigned)i;
    for (size_t i = 0; i < sizeof others / sizeof *others; i++)
        if (strlen(others[i].name) == len && memcmp(others[i].name, name, len) == 0)
            return others[i].cp;
    return 0;
}

void html_strip_init(html_strip *h, textsink *sink)
{
    memset(h, 0, sizeof *h);
    h->sink = sink;
    h->state = S_TEXT;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static void tag_done(html_strip *h)
{
    h->tag[h->ntag] = '\0';
    h->state = S_TEXT;
    if (h->ntag == 0)
        return;
    if (!h->closing && in_list(raw_elements, h->tag)) {
        memcpy(h->raw, h->tag, sizeof h->raw);
        h->rawmatch = 0;
        h->state = S_RAW;
        return;
    }
    if (strcmp(h->tag, "td") == 0 || strcmp(h->tag, "th") == 0) {
        if (!h->closing)    /* between cells, not after the last */
            textsink_sep(h->sink, '\t');
    }
    else if (in_list(block_elements, h->tag) || strcmp(h->tag, "title") == 0)
        textsink_sep(h->sink, '\n');
    else if (strcmp(h->tag, "img") == 0 || strcmp(h->tag, "input") == 0)
        textsink_sep(h->sink, ' ');
}

/* A finished reference (text after '&'); with_semicolon when ';' ended it. */
static void entity_done(html_strip *h, bool with_semicolon)
{
    const char *e = h->ent;
    size_t n = (size_t)h->nent;
    unsigned cp = 0;
    bool ok = false;
    if (n >= 2 && e[0] == '#') {
        bool hex = e[1] == 'x' || e[1] == 'X';
        size_t i = hex ? 2 : 1;
        unsigned long v = 0;
        bool digits = false;
        for (; i < n; i++) {
            unsigned char c = (unsigned char)e[i];
            int d = c >= '0' && c <= '9' ? c - '0'
                  : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0)
                break;
            digits = true;
            if (v <= 0x10FFFF)
                v = v * (hex ? 16 : 10) + (unsigned long)d;
        }
        if (digits && i == n) {
            ok = true;
            if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                cp = 0xFFFD;
            else if (v >= 0x80 && v < 0xA0)
                cp = c1_as_1252[v - 0x80];
            else
                cp = (unsigned)v;
        }
    } else if (n > 0) {
        cp = html_entity(e, n);
        ok = cp != 0;
    }
    h->state = S_TEXT;
    if (ok) {
        textsink_codepoint(h->sink, cp);
        return;
    }
    textsink_text(h->sink, "&", 1);
    textsink_text(h->sink, e, n);
    if (with_semicolon)
        textsink_text(h->sink, ";", 1);
}

void html_strip_feed(html_strip *h, const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t i = 0;
    while (i < len && !h->sink->full) {
        unsigned char c = s[i];
        switch (h->state) {
        case S_TEXT: {
            size_t j = i;
            while (j < len && s[j] != '<' && s[j] != '&' && !is_space(s[j]))
                j++;
            if (j > i) {
                textsink_text(h->sink, data + i, j - i);
                i = j;
                continue;
            }
            if (c == '<')
                h->state = S_LT;
            else if (c == '&') {
                h->state = S_ENT;
                h->nent = 0;
            } else
                textsink_sep(h->sink, ' ');
            i++;
            continue;
        }
        case S_LT:
            h->ntag = 0;
            h->closing = 0;
            if (c == '/') {
                h->closing = 1;
                h->state = S_TAGNAME;
            } else if (is_alpha(c)) {
                h->state = S_TAGNAME;
                continue;       /* read the letter as part of the name */
            } else if (c == '!') {
                h->state = S_BANG;
                h->bang = 0;
            } else if (c == '?') {
                h->state = S_BOGUS;
            } else {
                /* "a < b": not a tag. */
                textsink_text(h->sink, "<", 1);
                h->state = S_TEXT;
                continue;
            }
            i++;
            continue;
        case S_TAGNAME:
            if (is_alnum(c) || c == '-' || c == ':') {
                if (h->ntag < (int)sizeof h->tag - 1)
                    h->tag[h->ntag++] = (char)lower(c);
            } else if (c == '>') {
                tag_done(h);
            } else {
                h->state = S_ATTRS;
            }
            i++;
            continue;
        case S_ATTRS:
            if (c == '"')
                h->state = S_ATTR_DQ;
            else if (c == '\'')
                h->state = S_ATTR_SQ;
            else if (c == '>')
                tag_done(h);
            i++;
            continue;
        case S_ATTR_DQ:
        case S_ATTR_SQ: {
            const void *q = memchr(s + i, h->state == S_ATTR_DQ ? '"' : '\'', len - i);
            if (!q) {
                i = len;
                continue;
            }
            i = (size_t)((const unsigned char *)q - s) + 1;
            h->state = S_ATTRS;
            continue;
        }
        case S_BANG:
            if (c == '-' && h->bang < 2) {
                if (++h->bang == 2) {
                    h->state = S_COMMENT;
                    h->dashes = 2;  /* "<!-->" and "<!--->" end at once, as in browsers */
                }
                i++;
                continue;
            }
            h->state = S_BOGUS;
            continue;
        case S_COMMENT:
            if (c == '-')
                h->dashes++;
            else if (c == '>' && h->dashes >= 2)
                h->state = S_TEXT;
            else
                h->dashes = 0;
            i++;
            continue;
        case S_BOGUS: {
            const void *gt = memchr(s + i, '>', len - i);
            if (!gt) {
                i = len;
                continue;
            }
            i = (size_t)((const unsigned char *)gt - s) + 1;
            h->state = S_TEXT;
            continue;
        }
        case S_RAW: {
            /* Looking for "</" + name, case-insensitively. */
            size_t nlen = strlen(h->raw);
            unsigned char want = h->rawmatch == 0 ? '<'
                               : h->rawmatch == 1 ? '/'
                               : (unsigned char)h->raw[h->rawmatch - 2];
            if (lower(c) == want) {
                h->rawmatch++;
                if ((size_t)h->rawmatch == nlen + 2) {
                    memcpy(h->tag, h->raw, sizeof h->tag);
                    h->ntag = (int)nlen;
                    h->closing = 1;
                    h->state = S_ATTRS;
                }
                i++;
                continue;
            }
            if (h->rawmatch) {
                h->rawmatch = 0;
                continue;   /* a false start: look at c again as a possible '<' */
            }
            i++;
            continue;
        }
        case S_ENT:
            if (c == ';') {
                entity_done(h, true);
                i++;
            } else if ((is_alnum(c) || c == '#') && h->nent < (int)sizeof h->ent - 2) {
                h->ent[h->nent++] = (char)c;
                i++;
            } else {
                entity_done(h, false);
            }
            continue;
        default:
            h->state = S_TEXT;
            continue;
        }
    }
}

void html_strip_finish(html_strip *h)
{
    if (h->state == S_ENT)
        entity_done(h, false);
    else if (h->state == S_LT)
        textsink_text(h->sink, "<", 1);
    textsink_finish(h->sink);
}
