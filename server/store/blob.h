/* blob.h - the content-addressed blob store: every stored byte of every document version. */
#ifndef RELAIS_STORE_BLOB_H
#define RELAIS_STORE_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/status.h"

/*
 * A blob is named by the SHA-256 of its content and lives at
 * DIR/ab/cd/<64 hex digits> (ab and cd: the first two bytes of the hash, so no
 * directory holds more than a few thousand files). Identical content is stored
 * once. Blobs are immutable: they are created by blob_put_file() and deleted
 * only by blob_sweep().
 *
 * Durability. blob_put_file() takes a temporary file that the caller already
 * wrote and hashed (uploads land in DATA_DIR/tmp with a running SHA-256, see
 * http/upload.h), fsyncs it, renames it into place and fsyncs the directory.
 * Only when it returns ST_OK may the caller commit the database row that
 * references the blob: a crash at any point leaves either an unreferenced blob
 * (swept later) or a leftover temporary file (swept by blob_sweep_tmp), never a
 * row pointing at a missing blob. DIR and the temporary directory must be on
 * the same file system (rename(2)).
 *
 * Sweeping protocol (why the sweeper never races an upload):
 *  1. An upload in flight lives in the temporary directory, which blob_sweep()
 *     never looks at, until blob_put_file(); its request holds a flock(2) on
 *     the file meanwhile, so blob_sweep_tmp() leaves it alone too.
 *  2. blob_put_file() sets the blob's modification time to now, also when the
 *     content was already stored (deduplicated), under a shared lock.
 *  3. blob_sweep() asks is_referenced() (no lock held) about blobs older than
 *     the grace period; for one nothing references, it takes the exclusive
 *     lock, looks at the modification time again and deletes the blob only if
 *     it is still old.
 *  So a put either happens before the sweeper's second look (the blob is young
 *  and stays) or after its deletion (the put stores the file again). The caller
 *  must commit its row within the grace period after the put; a grace period of
 *  an hour or more leaves room for any transaction. A caller that adds a
 *  reference to a blob it did not just put (restoring, copying) calls
 *  blob_retain() first, for the same reason. The lock is flock(2) on DIR/.lock,
 *  opened per operation, so it holds between threads and between processes (a
 *  sweep run from the command line while the server runs).
 *
 * Encryption at rest. Callers only see this header; the store reaches its
 * files through a backend (blob.c), today plain files. A backend that encrypts
 * with libsodium's secretstream changes what is on disk, not these calls:
 * blob_open() always hands back a readable, seekable descriptor of the plain
 * content and its plain size (an encrypting backend decrypts into an anonymous
 * O_TMPFILE).
 *
 * Thread-safety: a blob_store may be shared by every thread once opened.
 */
typedef struct blob_store blob_store;

#define BLOB_HASH_LEN 32
#define BLOB_HEX_LEN 64

/*
 * Opens (creating it if needed, mode 0750) the store rooted at dir. *out is
 * owned by the caller and released with blob_store_close(). ST_INTERNAL when
 * the directory cannot be created or written (logged).
 */
rstatus blob_store_open(const char *dir, blob_store **out);

/* Releases the handle; blobs stay on disk. NULL is accepted. */
void blob_store_close(blob_store *s);

/* The store's root directory (owned by the store). */
const char *blob_store_dir(const blob_store *s);

/* Lower-case hex of a hash into out (BLOB_HEX_LEN + 1 bytes). */
void blob_hex(const unsigned char sha256[BLOB_HASH_LEN], char out[BLOB_HEX_LEN + 1]);

/* Parses 64 hex digits (either case) into sha256; false on anything else. */
bool blob_hex_parse(const char *hex, unsigned char sha256[BLOB_HASH_LEN]);

/*
 * A running SHA-256 over content as it streams in (uploads). It is computed
 * with OpenSSL's libcrypto, which uses the CPU's SHA extensions where they
 * exist: about 1.4 GiB/s on the reference machine against 0.3 GiB/s for
 * libsodium's portable code, the difference between hashing being most of an
 * upload's CPU time and a small part of it (docs/PERFORMANCE.md). One hasher
 * per stream, used by one thread at a time.
 */
typedef struct blob_hasher blob_hasher;

/* A new hasher, ready for content; NULL when out of memory. Free with blob_hasher_free(). */
blob_hasher *blob_hasher_new(void);

/* Adds len bytes of content. */
void blob_hasher_update(blob_hasher *h, const void *data, size_t len);

/* The hash of everything added, into sha256; the hasher starts over empty. */
void blob_hasher_final(blob_hasher *h, unsigned char sha256[BLOB_HASH_LEN]);

/* Releases the hasher. NULL is accepted. */
void blob_hasher_free(blob_hasher *h);

/*
 * SHA-256 and size of the file at path, read in chunks (memory stays flat).
 * ST_NOT_FOUND when it does not exist, ST_INTERNAL on a read error, ST_NOMEM.
 */
rstatus blob_hash_file(const char *path, unsigned char sha256[BLOB_HASH_LEN],
                       unsigned long long *size);

typedef struct blob_put_info {
    unsigned long long size;    /* bytes of content */
    bool existed;               /* identical content was already stored */
} blob_put_info;

/*
 * Moves the temporary file tmp_path, whose content hashes to sha256 (the
 * caller computed it while writing), into the store, durably (see above). On
 * ST_OK tmp_path no longer exists (renamed, or unlinked when the content was
 * already stored) and info, when not NULL, is filled. On failure tmp_path is
 * left for the caller to delete. The hash is trusted, not recomputed: pass
 * only hashes computed by this process over the bytes it wrote.
 */
rstatus blob_put_file(blob_store *s, const char *tmp_path,
                      const unsigned char sha256[BLOB_HASH_LEN], blob_put_info *info);

/*
 * Opens a blob for reading. *fd (O_RDONLY, O_CLOEXEC) belongs to the caller,
 * who closes it (or hands it to libmicrohttpd, which does); *size is the
 * content's size. ST_NOT_FOUND when no such blob exists.
 */
rstatus blob_open(blob_store *s, const unsigned char sha256[BLOB_HASH_LEN], int *fd,
                  unsigned long long *size);

/*
 * Marks an existing blob as just put, so a sweep cannot take it before the
 * caller commits a new reference to it. ST_NOT_FOUND when it is gone (the
 * caller must then upload the content again).
 */
rstatus blob_retain(blob_store *s, const unsigned char sha256[BLOB_HASH_LEN]);

/* Whether the blob exists (ST_OK, *exists set); ST_INTERNAL on an I/O error. */
rstatus blob_exists(blob_store *s, const unsigned char sha256[BLOB_HASH_LEN], bool *exists);

/*
 * Answers whether some row references the blob. Return ST_OK and set
 * *referenced; any other status makes the sweeper keep the blob (a failed
 * question never deletes anything). ST_UNAVAILABLE also ends the sweep there:
 * the database is gone, or the caller is shutting down.
 */
typedef rstatus (*blob_referenced_fn)(void *ctx, const unsigned char sha256[BLOB_HASH_LEN],
                                      bool *referenced);

typedef struct blob_sweep_stats {
    unsigned long long seen;        /* blobs examined */
    unsigned long long young;       /* kept: put less than the grace period ago */
    unsigned long long referenced;  /* kept: something references them */
    unsigned long long errors;      /* kept: the question or an unlink failed */
    unsigned long long deleted;
    unsigned long long bytes_freed;
} blob_sweep_stats;

/*
 * Deletes every blob that was put (or retained) more than grace_seconds ago
 * and that is_referenced() says nothing references, following the protocol
 * above. is_referenced runs on the calling thread with no lock held. Files in
 * the store that are not blobs (names other than 64 hex digits) are left
 * alone. stats, when not NULL, is filled. ST_OK unless the store cannot be
 * listed at all (ST_INTERNAL) or is_referenced() ended the sweep early
 * (ST_UNAVAILABLE; what was examined until then is in stats).
 */
rstatus blob_sweep(blob_store *s, blob_referenced_fn is_referenced, void *ctx,
                   unsigned grace_seconds, blob_sweep_stats *stats);

/*
 * Deletes regular files directly in tmp_dir not modified for grace_seconds:
 * temporary uploads left by a crash. A file someone holds a flock(2) on is
 * never taken: an upload in flight holds one on its file from creation to the
 * end of its request (http/upload.c), in whichever process, so a live upload
 * is safe whatever the grace period, also while it waits for a worker or its
 * text is extracted. *deleted (may be NULL) counts the files removed.
 */
rstatus blob_sweep_tmp(const char *tmp_dir, unsigned grace_seconds, unsigned long long *deleted);

#endif
