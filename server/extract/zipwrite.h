/* zipwrite.h - a ZIP archive written as a stream (exports): nothing is buffered whole. */
#ifndef RELAIS_EXTRACT_ZIPWRITE_H
#define RELAIS_EXTRACT_ZIPWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/status.h"

/*
 * Bytes go out through write() as soon as they exist, in order, never seeking
 * back: each entry is a local header with the "sizes follow" flag, its data
 * (stored, or deflated with zlib as it arrives) and a data descriptor; the
 * central directory (kept in memory: one small record per entry, never the
 * data) ends the archive. ZIP64 records are written when an entry, an offset
 * or the directory passes 4 GiB or there are more than 65 535 entries, so
 * archives of any size open in unzip, Python, Windows and macOS. Names are
 * UTF-8 and flagged so. Bytes reach write() in pieces of up to 64 KiB (small
 * headers are gathered first; zipw_finish() flushes the rest). Memory: about
 * 400 KiB while an entry is deflated, plus the directory.
 *
 * minizip's writer needs a seekable file; an HTTP response is not one, hence
 * this writer (the read side still goes through minizip, see zipread.h).
 * A zipw belongs to one thread at a time.
 */
typedef struct zipw zipw;

/* Receives the next bytes of the archive; return 0, or nonzero to abort (client gone). */
typedef int (*zipw_write_fn)(void *ctx, const void *data, size_t len);

enum zipw_method { ZIPW_STORE = 0, ZIPW_DEFLATE = 8 };

/* The entry's size is not known in advance (it then always gets ZIP64 sizes). */
#define ZIPW_SIZE_UNKNOWN (~0ULL)

/* A writer sending to write(ctx, …); NULL when out of memory. */
zipw *zipw_new(zipw_write_fn write, void *ctx);

/* Frees the writer; an unfinished archive is simply incomplete. NULL is accepted. */
void zipw_free(zipw *z);

/*
 * Whether name may be an entry name: relative, '/'-separated, valid UTF-8, no
 * empty, "." or ".." segment, no backslash or control character, at most
 * 1024 bytes. Archives must never unpack outside the folder they are opened in.
 */
bool zipw_name_ok(const char *name);

/*
 * Starts an entry. size_hint is its uncompressed size if known (it decides
 * whether ZIP64 sizes are needed; an entry that then grows past 4 GiB fails),
 * else ZIPW_SIZE_UNKNOWN. ST_BAD_REQUEST for a name zipw_name_ok() refuses;
 * ST_CONFLICT when an entry is already open or the archive is finished.
 */
rstatus zipw_begin(zipw *z, const char *name, time_t mtime, enum zipw_method method,
                   unsigned long long size_hint);

/* Appends data to the open entry. */
rstatus zipw_data(zipw *z, const void *data, size_t len);

/* Ends the open entry (flushes the compressor, writes the data descriptor). */
rstatus zipw_end(zipw *z);

/* One whole entry from memory. */
rstatus zipw_add(zipw *z, const char *name, time_t mtime, enum zipw_method method,
                 const void *data, size_t len);

/* One whole entry read from fd (from its current offset to the end), 64 KiB at a time. */
rstatus zipw_add_fd(zipw *z, const char *name, time_t mtime, enum zipw_method method, int fd);

/* Writes the central directory and the end records. No entry may be open. */
rstatus zipw_finish(zipw *z);

/* Bytes of archive produced so far (some may still wait for zipw_finish()). */
unsigned long long zipw_offset(const zipw *z);

/*
 * Once any call failed, every later call returns the same status: ST_INTERNAL
 * when write() refused bytes or zlib failed, ST_NOMEM. Callers may check only
 * at the end.
 */

#endif
