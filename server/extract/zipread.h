/* zipread.h - reading ZIP containers (OOXML, ODF) through minizip, with limits against bombs. */
#ifndef RELAIS_EXTRACT_ZIPREAD_H
#define RELAIS_EXTRACT_ZIPREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

/*
 * The container is parsed by zlib's minizip (never by hand); this layer adds
 * what minizip leaves to its caller: a cap on the number of entries, on the
 * bytes expanded from the whole archive, and on each entry's expansion ratio,
 * checked while decompressing (declared sizes are not trusted), plus the CRC
 * check and a refusal of encrypted entries. Every failure is a status and a
 * static message (*why) fit for people: never a crash on hostile input.
 * A zipread is used by one thread at a time.
 */
typedef struct zip_limits {
    unsigned long long max_expanded;    /* bytes decompressed from the archive in all */
    unsigned max_ratio;                 /* per entry, expanded / compressed, past 1 MiB */
    unsigned max_entries;               /* entries in the central directory */
} zip_limits;

typedef struct zipread zipread;

/*
 * Opens the archive at path (read with pread, never mapped) or in memory
 * (data must outlive the zipread) and lists its entries. ST_UNPROCESSABLE
 * when it is not a readable ZIP or has too many entries; ST_NOT_FOUND when
 * path does not exist; ST_NOMEM. *out is released with zipread_close().
 */
rstatus zipread_open_file(const char *path, const zip_limits *lim, zipread **out,
                          const char **why);
rstatus zipread_open_mem(const void *data, size_t len, const zip_limits *lim, zipread **out,
                         const char **why);
void zipread_close(zipread *z);

/* Number of entries, and the name of entry i (owned by z; "" past the end). */
unsigned zipread_count(const zipread *z);
const char *zipread_name(const zipread *z, unsigned i);

/* Index of the entry named exactly name, or -1. */
int zipread_find(const zipread *z, const char *name);

/* Receives decompressed bytes; return nonzero to stop reading (enough text). */
typedef int (*zipread_data_fn)(void *ctx, const char *data, size_t len);

/*
 * Streams entry i through fn in chunks of at most 64 KiB. ST_OK when the
 * entry was read whole (CRC checked) or fn asked to stop; ST_UNPROCESSABLE
 * (corrupt, encrypted, over a limit) with *why set; ST_NOT_FOUND for a bad i.
 * The expanded-bytes budget is shared by every read on the same zipread.
 */
rstatus zipread_read(zipread *z, unsigned i, zipread_data_fn fn, void *ctx, const char **why);

/* Reads entry i whole into out (NUL-terminated, at most max bytes, else ST_UNPROCESSABLE). */
rstatus zipread_read_small(zipread *z, unsigned i, char *out, size_t max, size_t *len,
                           const char **why);

#endif
