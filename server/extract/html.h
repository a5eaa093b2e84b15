/* html.h - the readable text of an HTML document: tags stripped, entities decoded. */
#ifndef RELAIS_EXTRACT_HTML_H
#define RELAIS_EXTRACT_HTML_H

#include <stddef.h>

#include "extract/textsink.h"

/*
 * A streaming tag stripper, not a DOM: text goes to the sink with whitespace
 * collapsed; block elements (p, div, li, headings, rows ...) end lines, cells
 * are tab-separated; script, style, template and noscript contents, comments,
 * doctypes and processing instructions are dropped; named (HTML 4 and common
 * typographic), decimal and hexadecimal character references are decoded.
 * Any byte sequence is accepted (malformed markup is read as text). Input may
 * come in chunks of any size, split anywhere. Not thread-safe; one per document.
 */
typedef struct html_strip {
    textsink *sink;
    int state;
    char tag[16];       /* lower-cased tag name being read (cut at 15) */
    int ntag;
    int closing;
    char raw[16];       /* inside <script> etc.: the name that ends it */
    int rawmatch;       /* bytes of "</name" matched so far */
    char ent[34];       /* character reference being read */
    int nent;
    int dashes;         /* in comments: consecutive '-' seen */
    int bang;           /* bytes after "<!" looked at */
} html_strip;

void html_strip_init(html_strip *h, textsink *sink);
void html_strip_feed(html_strip *h, const char *data, size_t len);
/* End of input: flushes a pending reference as text. */
void html_strip_finish(html_strip *h);

/* The code point of a named reference (without '&' and ';'), or 0 when unknown. */
unsigned html_entity(const char *name, size_t len);

#endif
