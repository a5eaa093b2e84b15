/* text.h - UTF-8 checks shared by everything that takes text from outside. */
#ifndef RELAIS_TEXT_H
#define RELAIS_TEXT_H

#include <stddef.h>

#include "util/arena.h"

/* Length of the valid, printable UTF-8 sequence at p (control characters,
 * overlong forms and surrogates are invalid), or 0. */
size_t text_utf8_seq(const unsigned char *p);

/* Code points in s, or -1 when s holds invalid UTF-8 or control characters. */
long text_utf8_length(const char *s);

/* s with every byte that is not valid, printable UTF-8 replaced by '?'; s itself
 * when it is clean (the common case, no copy), NULL only when out of memory. */
const char *text_utf8_clean(arena *a, const char *s);

#endif
