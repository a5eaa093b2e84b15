/* office.c - the text of OOXML (docx, xlsx, pptx) and ODF (odt, ods, odp) documents. */
#include "extract/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/xmltext.h"
#include "extract/zipread.h"
#include "extract/sniff.h"

static const char *const ooxml_text[] = {"t", NULL};
static const char *const word_lines[] = {"p", "tr", NULL};
static const char *const word_tabs[] = {"tc", NULL};
static const char *const word_newline[] = {"br", "cr", NULL};
static const char *const word_tab[] = {"tab", "ptab", NULL};
/* Deleted runs are w:delText (not "t") already; phonetic guides repeat the text. */
static const char *const ooxml_skip[] = {"rPh", "phoneticPr", NULL};

static const xml_rules word_rules = {
    .text = ooxml_text, .line_after = word_lines, .tab_after = word_tabs,
    .newline = word_newline, .tab = word_tab, .skip = ooxml_skip,
};

static const char *const sheet_lines[] = {"si", "row", NULL};
static const char *const sheet_tabs[] = {"c", NULL};
static const xml_rules sheet_rules = {
    .text = ooxml_text, .line_after = sheet_lines, .tab_after = sheet_tabs, .skip = ooxml_skip,
};

static const char *const odf_text[] = {"p", "h", NULL};
static const char *const odf_lines[] = {"p", "h", "table-row", NULL};
static const char *const odf_tabs[] = {"table-cell", NULL};
static const char *const odf_newline[] = {"line-break", NULL};
static const char *const odf_tab[] = {"tab", NULL};
static const char *const odf_space[] = {"s", NULL};
/* Tracked deletions and the notes' citation marks are not the document's text. */
static const char *const odf_skip[] = {"tracked-changes", "note-citation", NULL};
static const xml_rules odf_rules = {
    .text = odf_text, .line_after = odf_lines, .tab_after = odf_tabs, .newline = odf_newline,
    .tab = odf_tab, .space = odf_space, .skip = odf_skip,
};

typedef struct feed {
    xmltext *x;
    textsink *sink;
    rstatus st;
    const char *why;
} feed;

static int feed_chunk(void *ctx, const char *data, size_t len)
{
    feed *f = ctx;
    f->st = xmltext_feed(f->x, data, len, false, &f->why);
    return f->st != ST_OK || f->sink->full;
}

/* Streams one XML part of the archive into the sink. */
static rstatus read_part(zipread *z, unsigned index, const xml_rules *rules, textsink *sink,
                         extract_info *info)
{
    feed f = {xmltext_new(rules, sink), sink, ST_OK, NULL};
    if (!f.x)
        return ST_NOMEM;
    const char *why = NULL;
    rstatus st = zipread_read(z, index, feed_chunk, &f, &why);
    if (st == ST_OK && f.st != ST_OK) {
        st = f.st;
        why = f.why;
    }
    if (st == ST_OK && !sink->full)
        st = xmltext_feed(f.x, "", 0, true, &why);
    xmltext_free(f.x);
    if (st != ST_OK)
        info->error = why;
    textsink_sep(sink, '\n');
    return st;
}

static rstatus read_named(zipread *z, const char *name, const xml_rules *rules, textsink *sink,
                          extract_info *info, bool required)
{
    int i = zipread_find(z, name);
    if (i < 0) {
        if (!required)
            return ST_OK;
        info->error = "The document's main part is missing.";
        return ST_UNPROCESSABLE;
    }
    return read_part(z, (unsigned)i, rules, sink, info);
}

typedef struct numbered {
    unsigned n;
    unsigned index;
} numbered;

static int by_number(const void *a, const void *b)
{
    const numbered *x = a, *y = b;
    return x->n < y->n ? -1 : x->n > y->n;
}

/*
 * Parts named prefix<N>.xml (slides, worksheets), read in the order of N: that
 * is the order people see them in, near enough for search.
 */
static rstatus read_numbered(zipread *z, const char *prefix, const xml_rules *rules,
                             const extract_limits *lim, textsink *sink, extract_info *info)
{
    unsigned count = zipread_count(z), found = 0;
    numbered *parts = calloc(count ? count : 1, sizeof *parts);
    if (!parts)
        return ST_NOMEM;
    size_t plen = strlen(prefix);
    for (unsigned i = 0; i < count; i++) {
        const char *name = zipread_name(z, i);
        if (strncmp(name, prefix, plen) != 0)
            continue;
        const char *p = name + plen;
        unsigned n = 0;
        int digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 9) {
            n = n * 10 + (unsigned)(*p++ - '0');
            digits++;
        }
        if (digits && strcmp(p, ".xml") == 0)
            parts[found++] = (numbered){n, i};
    }
    qsort(parts, found, sizeof *parts, by_number);
    rstatus st = ST_OK;
    for (unsigned k = 0; k < found && k < lim->max_parts && st == ST_OK && !sink->full; k++)
        st = read_part(z, parts[k].index, rules, sink, info);
    if (found > lim->max_parts)
        info->truncated = true;
    free(parts);
    return st;
}

rstatus extract_office(zipread *z, const char *type, const extract_limits *lim,
                       textsink *sink, extract_info *info)
{
    if (strcmp(type, MEDIA_DOCX) == 0) {
        rstatus st = read_named(z, "word/document.xml", &word_rules, sink, info, true);
        if (st == ST_OK)
            st = read_named(z, "word/footnotes.xml", &word_rules, sink, info, false);
        if (st == ST_OK)
            st = read_named(z, "word/endnotes.xml", &word_rules, sink, info, false);
        return st;
    }
    if (strcmp(type, MEDIA_XLSX) == 0) {
        /* Text cells live in the shared strings; inline strings in the sheets. */
        rstatus st = read_named(z, "xl/sharedStrings.xml", &sheet_rules, sink, info, false);
        if (st == ST_OK)
            st = read_numbered(z, "xl/worksheets/sheet", &sheet_rules, lim, sink, info);
        return st;
    }
    if (strcmp(type, MEDIA_PPTX) == 0) {
        rstatus st = read_numbered(z, "ppt/slides/slide", &word_rules, lim, sink, info);
        if (st == ST_OK)
            st = read_numbered(z, "ppt/notesSlides/notesSlide", &word_rules, lim, sink, info);
        return st;
    }
    if (strcmp(type, MEDIA_ODT) == 0 || strcmp(type, MEDIA_ODS) == 0 ||
        strcmp(type, MEDIA_ODP) == 0)
        return read_named(z, "content.xml", &odf_rules, sink, info, true);
    return ST_UNSUPPORTED_MEDIA;
}
