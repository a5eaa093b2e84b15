/* xmltext.h - the text of an office XML part (OOXML, ODF), streamed through expat. */
#ifndef RELAIS_EXTRACT_XMLTEXT_H
#define RELAIS_EXTRACT_XMLTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "extract/textsink.h"
#include "util/status.h"

/*
 * Which elements carry what, by local name (namespaces are resolved by expat
 * and ignored here: w:t, a:t and m:t are all text runs). Each list ends with
 * NULL; a NULL list is empty.
 */
typedef struct xml_rules {
    const char *const *text;        /* character data inside these is text */
    const char *const *line_after;  /* a newline after these (paragraphs, rows) */
    const char *const *tab_after;   /* a tab after these (cells) */
    const char *const *newline;     /* these are line breaks themselves (w:br, text:line-break) */
    const char *const *tab;         /* these are tabs themselves (w:tab, text:tab) */
    const char *const *space;       /* these are spaces themselves (text:s) */
    const char *const *skip;        /* nothing inside these is text (deleted runs, phonetics) */
} xml_rules;

typedef struct xmltext xmltext;

/*
 * A parser writing the text of one XML document into sink. Documents with a
 * DOCTYPE are refused (office formats have none; it closes the door on entity
 * expansion attacks), and nothing external is ever loaded. NULL when out of
 * memory. The rules must outlive the parser.
 */
xmltext *xmltext_new(const xml_rules *rules, textsink *sink);
void xmltext_free(xmltext *x);

/*
 * Feeds the next bytes of the document; final on the last call (len may be 0).
 * ST_OK, or ST_UNPROCESSABLE with *why (static) for malformed XML or a DOCTYPE.
 */
rstatus xmltext_feed(xmltext *x, const char *data, size_t len, bool final, const char **why);

#endif
