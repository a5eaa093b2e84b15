/* arena.h - region allocator with deferred cleanups, one per request or job. */
#ifndef RELAIS_ARENA_H
#define RELAIS_ARENA_H

#include <stdarg.h>
#include <stddef.h>

/*
 * An arena hands out memory that lives until arena_destroy(), which frees it all
 * at once and first runs the registered cleanups in reverse order (PQclear,
 * json_decref, close ...). Nothing allocated from an arena is freed on its own.
 * An arena is not thread-safe; it belongs to one request (or job) at a time.
 * Every allocator returns NULL when memory runs out.
 */
typedef struct arena arena;

arena *arena_create(size_t first_block);
void arena_destroy(arena *a);

/* size bytes aligned for any type; uninitialised. */
void *arena_alloc(arena *a, size_t size);
/* n * size zeroed bytes; NULL on overflow. */
void *arena_calloc(arena *a, size_t n, size_t size);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/*
 * Run fn(arg) when the arena is destroyed. Returns 0, or -1 when out of memory,
 * in which case fn(arg) has already been run so the caller never leaks.
 */
int arena_defer(arena *a, void (*fn)(void *), void *arg);

/* Bytes handed out so far (for limits and metrics). */
size_t arena_used(const arena *a);

#endif
