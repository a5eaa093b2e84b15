/* buf.h - growable byte buffer on the heap (bodies, rendered JSON, SQL-free text). */
#ifndef RELAIS_BUF_H
#define RELAIS_BUF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A buf owns its data (malloc). After an allocation failure every append is a
 * no-op and oom stays set, so callers check once at the end instead of after
 * each append. data is always NUL-terminated when non-NULL.
 */
typedef struct {
    char *data;
    size_t len, cap;
    bool oom;
} buf;

#define BUF_INIT {NULL, 0, 0, false}

void buf_free(buf *b);
void buf_reset(buf *b);
bool buf_reserve(buf *b, size_t extra);
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the data to the caller (who frees it) and leave b empty. */
char *buf_steal(buf *b, size_t *len);

#endif
