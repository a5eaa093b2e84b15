/* textsink.h - where extracted text goes: always valid UTF-8, no control bytes, capped. */
#ifndef RELAIS_EXTRACT_TEXTSINK_H
#define RELAIS_EXTRACT_TEXTSINK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/*
 * Every extractor writes through a textsink, so whatever the input the output
 * is text PostgreSQL and the search index accept: valid UTF-8 (invalid bytes
 * become U+FFFD, or are read as Windows-1252 in that mode), no NUL and no
 * control characters but newline and tab, runs of separators collapsed, and at
 * most max bytes (cut on a character boundary; full is then set and further
 * writes are ignored). Input may arrive in chunks that split a character.
 * Not thread-safe; one per extraction.
 */
typedef struct textsink {
    buf *out;
    size_t max;
    bool full;          /* the cap was reached: the text is truncated */
    bool cp1252;        /* bytes are Windows-1252, not UTF-8 */
    unsigned char pending[4];
    int npending;
} textsink;

/* Starts writing into out (appended to), at most max bytes of it in all. */
void textsink_init(textsink *t, buf *out, size_t max);

/* Appends text (UTF-8, or Windows-1252 when t->cp1252). */
void textsink_text(textsink *t, const char *data, size_t len);

/* Appends one code point (entities, numeric references). */
void textsink_codepoint(textsink *t, unsigned cp);

/*
 * A separator: ' ', '\t' or '\n'. Nothing at the very start or right after
 * another separator, except that a newline replaces a preceding space or tab,
 * so structure (paragraphs, cells) survives without runs of blank space.
 */
void textsink_sep(textsink *t, char c);

/* Flushes a dangling partial character (as U+FFFD) at the end of input. */
void textsink_finish(textsink *t);

/* Whether data[0..len) is valid UTF-8, ignoring a character cut off at the end. */
bool textsink_is_utf8(const unsigned char *data, size_t len);

#endif
