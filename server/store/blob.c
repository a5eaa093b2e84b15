/* blob.c - content-addressed blob store on the local file system (see blob.h). */
#include "store/blob.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

/*
 * How the store reaches its files. Paths, locking and sweeping belong to the
 * store; the backend decides what the bytes on disk are. Today's backend keeps
 * them as they are; an encrypting one would write ciphertext in put and hand
 * back a decrypted O_TMPFILE in open, with no caller noticing.
 */
typedef struct blob_backend {
    const char *name;
    /* Moves tmp_path to final_path durably, or drops it when final_path exists. */
    rstatus (*put)(const char *tmp_path, const char *final_path, bool *existed,
                   unsigned long long *size);
    /* A descriptor of the plain content at path and its plain size. */
    rstatus (*open)(const char *path, int *fd, unsigned long long *size);
} blob_backend;

struct blob_store {
    char *dir;
    char *lock_path;
    const blob_backend *backend;
};

#define PATH_CAP 4096

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* The directory part of path, into out. */
static void parent_of(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    char *slash = strrchr(out, '/');
    if (slash && slash != out)
        *slash = '\0';
    else if (slash)
        slash[1] = '\0';
}

static rstatus plain_put(const char *tmp_path, const char *final_path, bool *existed,
                         unsigned long long *size)
{
    int fd = open(tmp_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_error("blob: cannot open %s: %s", tmp_path, strerror(errno));
        return errno == ENOENT ? ST_NOT_FOUND : ST_INTERNAL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        log_error("blob: %s is not a readable regular file", tmp_path);
        close(fd);
        return ST_INTERNAL;
    }
    *size = (unsigned long long)st.st_size;

    struct stat have;
    if (stat(final_path, &have) == 0) {
        /* Same name, same content: keep the stored copy, touch it for the sweeper. */
        close(fd);
        if (utimensat(AT_FDCWD, final_path, NULL, 0) != 0) {
            log_error("blob: cannot touch %s: %s", final_path, strerror(errno));
            return ST_INTERNAL;
        }
        if (unlink(tmp_path) != 0)
            log_warn("blob: cannot remove %s: %s", tmp_path, strerror(errno));
        *existed = true;
        return ST_OK;
    }
    if (errno != ENOENT) {
        log_error("blob: cannot stat %s: %s", final_path, strerror(errno));
        close(fd);
        return ST_INTERNAL;
    }
    /* The data reaches the disk before the name does, or a crash could leave a
     * named blob with missing bytes. */
    if (fsync(fd) != 0) {
        log_error("blob: fsync %s: %s", tmp_path, strerror(errno));
        close(fd);
        return ST_INTERNAL;
    }
    close(fd);
    /* Blobs are immutable: read-only for everyone who may read them. */
    if (chmod(tmp_path, 0440) != 0)
        log_warn("blob: chmod %s: %s", tmp_path, strerror(errno));
    if (rename(tmp_path, final_path) != 0) {
        log_error("blob: rename %s -> %s: %s", tmp_path, final_path, strerror(errno));
        return ST_INTERNAL;
    }
    /* rename() keeps the temporary file's times; the sweeper's grace period
     * counts from the put. */
    if (utimensat(AT_FDCWD, final_path, NULL, 0) != 0)
        log_warn("blob: cannot touch %s: %s", final_path, strerror(errno));
    char dir[PATH_CAP];
    parent_of(final_path, dir, sizeof dir);
    if (fsync_dir(dir) != 0) {
        log_error("blob: fsync directory %s: %s", dir, strerror(errno));
        return ST_INTERNAL;
    }
    *existed = false;
    return ST_OK;
}

static rstatus plain_open(const char *path, int *fd, unsigned long long *size)
{
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0) {
        if (errno == ENOENT)
            return ST_NOT_FOUND;
        log_error("blob: cannot open %s: %s", path, strerror(errno));
        return ST_INTERNAL;
    }
    struct stat st;
    if (fstat(f, &st) != 0) {
        log_error("blob: fstat %s: %s", path, strerror(errno));
        close(f);
        return ST_INTERNAL;
    }
    *fd = f;
    *size = (unsigned long long)st.st_size;
    return ST_OK;
}

static const blob_backend plain_backend = {"plain", plain_put, plain_open};

/* A directory that exists after the call; new ones are made durable in their parent. */
static int ensure_dir(const char *path, bool *created)
{
    if (mkdir(path, 0750) == 0) {
        *created = true;
        return 0;
    }
    if (errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

rstatus blob_store_open(const char *dir, blob_store **out)
{
    *out = NULL;
    if (!dir || !*dir || strlen(dir) > PATH_CAP - 128)
        return ST_INTERNAL;
    bool created = false;
    if (ensure_dir(dir, &created) != 0) {
        log_error("blob: cannot create the store %s: %s", dir, strerror(errno));
        return ST_INTERNAL;
    }
    blob_store *s = calloc(1, sizeof *s);
    if (!s)
        return ST_NOMEM;
    s->dir = strdup(dir);
    size_t n = strlen(dir) + sizeof "/.lock";
    s->lock_path = malloc(n);
    if (!s->dir || !s->lock_path) {
        blob_store_close(s);
        return ST_NOMEM;
    }
    snprintf(s->lock_path, n, "%s/.lock", dir);
    s->backend = &plain_backend;
    int fd = open(s->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        log_error("blob: cannot create %s: %s", s->lock_path, strerror(errno));
        blob_store_close(s);
        return ST_INTERNAL;
    }
    close(fd);
    *out = s;
    return ST_OK;
}

void blob_store_close(blob_store *s)
{
    if (!s)
        return;
    free(s->dir);
    free(s->lock_path);
    free(s);
}

const char *blob_store_dir(const blob_store *s)
{
    return s->dir;
}

void blob_hex(const unsigned char sha256[BLOB_HASH_LEN], char out[BLOB_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < BLOB_HASH_LEN; i++) {
        out[2 * i] = digits[sha256[i] >> 4];
        out[2 * i + 1] = digits[sha256[i] & 15];
    }
    out[BLOB_HEX_LEN] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool blob_hex_parse(const char *hex, unsigned char sha256[BLOB_HASH_LEN])
{
    if (!hex)
        return false;
    for (int i = 0; i < BLOB_HASH_LEN; i++) {
        int hi = hexval(hex[2 * i]);
        int lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);
        if (lo < 0)
            return false;
        sha256[i] = (unsigned char)(hi << 4 | lo);
    }
    return hex[BLOB_HEX_LEN] == '\0';
}

/* An EVP digest context; its own type so the header needs no OpenSSL include. */
struct blob_hasher {
    EVP_MD_CTX *ctx;
};

/* "Cannot happen" failures of a digest on a valid context: OpenSSL reports them only on
 * allocation failure or a misconfigured provider, and a wrong hash must never name a blob. */
static void hasher_check(int ok, const char *what)
{
    if (!ok) {
        log_error("blob: SHA-256 %s failed in libcrypto", what);
        abort();
    }
}

blob_hasher *blob_hasher_new(void)
{
    blob_hasher *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
        blob_hasher_free(h);
        return NULL;
    }
    return h;
}

void blob_hasher_update(blob_hasher *h, const void *data, size_t len)
{
    if (len)
        hasher_check(EVP_DigestUpdate(h->ctx, data, len) == 1, "update");
}

void blob_hasher_final(blob_hasher *h, unsigned char sha256[BLOB_HASH_LEN])
{
    unsigned int n = 0;
    hasher_check(EVP_DigestFinal_ex(h->ctx, sha256, &n) == 1 && n == BLOB_HASH_LEN, "final");
    hasher_check(EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) == 1, "init");
}

void blob_hasher_free(blob_hasher *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    free(h);
}

rstatus blob_hash_file(const char *path, unsigned char sha256[BLOB_HASH_LEN],
                       unsigned long long *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? ST_NOT_FOUND : ST_INTERNAL;
    blob_hasher *h = blob_hasher_new();
    if (!h) {
        close(fd);
        return ST_NOMEM;
    }
    unsigned char chunk[64 * 1024];
    unsigned long long total = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(fd);
            blob_hasher_free(h);
            return ST_INTERNAL;
        }
        if (n == 0)
            break;
        blob_hasher_update(h, chunk, (size_t)n);
        total += (unsigned long long)n;
    }
    close(fd);
    blob_hasher_final(h, sha256);
    blob_hasher_free(h);
    if (size)
        *size = total;
    return ST_OK;
}

/* DIR/ab/cd/<hex> into out; with dirs, also DIR/ab and DIR/ab/cd. */
static void blob_path(const blob_store *s, const unsigned char sha256[BLOB_HASH_LEN],
                      char out[PATH_CAP], char d1[PATH_CAP], char d2[PATH_CAP])
{
    char hex[BLOB_HEX_LEN + 1];
    blob_hex(sha256, hex);
    snprintf(out, PATH_CAP, "%s/%.2s/%.2s/%s", s->dir, hex, hex + 2, hex);
    if (d1)
        snprintf(d1, PATH_CAP, "%s/%.2s", s->dir, hex);
    if (d2)
        snprintf(d2, PATH_CAP, "%s/%.2s/%.2s", s->dir, hex, hex + 2);
}

/* flock(2) on a descriptor of its own, so threads of one process exclude each other too. */
static int lock_take(const blob_store *s, int how)
{
    int fd = open(s->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        log_error("blob: cannot open %s: %s", s->lock_path, strerror(errno));
        return -1;
    }
    while (flock(fd, how) != 0) {
        if (errno != EINTR) {
            log_error("blob: flock %s: %s", s->lock_path, strerror(errno));
            close(fd);
            return -1;
        }
    }
    return fd;
}

static void lock_drop(int fd)
{
    if (fd >= 0)
        close(fd);  /* releases the flock */
}

rstatus blob_put_file(blob_store *s, const char *tmp_path,
                      const unsigned char sha256[BLOB_HASH_LEN], blob_put_info *info)
{
    char path[PATH_CAP], d1[PATH_CAP], d2[PATH_CAP];
    blob_path(s, sha256, path, d1, d2);
    int lock = lock_take(s, LOCK_SH);
    if (lock < 0)
        return ST_INTERNAL;
    rstatus st = ST_INTERNAL;
    bool made1 = false, made2 = false;
    if (ensure_dir(d1, &made1) != 0 || ensure_dir(d2, &made2) != 0) {
        log_error("blob: cannot create a directory under %s: %s", s->dir, strerror(errno));
        goto out;
    }
    /* A new directory entry is durable only once its parent is synced. */
    if ((made1 && fsync_dir(s->dir) != 0) || (made2 && fsync_dir(d1) != 0)) {
        log_error("blob: fsync a directory under %s: %s", s->dir, strerror(errno));
        goto out;
    }
    bool existed = false;
    unsigned long long size = 0;
    st = s->backend->put(tmp_path, path, &existed, &size);
    if (st == ST_OK && info) {
        info->size = size;
        info->existed = existed;
    }
out:
    lock_drop(lock);
    return st;
}

rstatus blob_open(blob_store *s, const unsigned char sha256[BLOB_HASH_LEN], int *fd,
                  unsigned long long *size)
{
    char path[PATH_CAP];
    blob_path(s, sha256, path, NULL, NULL);
    *fd = -1;
    return s->backend->open(path, fd, size);
}

rstatus blob_exists(blob_store *s, const unsigned char sha256[BLOB_HASH_LEN], bool *exists)
{
    char path[PATH_CAP];
    blob_path(s, sha256, path, NULL, NULL);
    struct stat st;
    if (stat(path, &st) == 0) {
        *exists = true;
        return ST_OK;
    }
    if (errno == ENOENT) {
        *exists = false;
        return ST_OK;
    }
    return ST_INTERNAL;
}

rstatus blob_retain(blob_store *s, const unsigned char sha256[BLOB_HASH_LEN])
{
    char path[PATH_CAP];
    blob_path(s, sha256, path, NULL, NULL);
    int lock = lock_take(s, LOCK_SH);
    if (lock < 0)
        return ST_INTERNAL;
    rstatus st = ST_OK;
    if (utimensat(AT_FDCWD, path, NULL, 0) != 0) {
        st = errno == ENOENT ? ST_NOT_FOUND : ST_INTERNAL;
        if (st == ST_INTERNAL)
            log_error("blob: cannot touch %s: %s", path, strerror(errno));
    }
    lock_drop(lock);
    return st;
}

static bool is_hex_name(const char *name, size_t len)
{
    if (strlen(name) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
            return false;
    return true;
}

static bool old_enough(const struct stat *st, time_t now, unsigned grace)
{
    return st->st_mtime <= now - (time_t)grace;
}

/* One candidate blob: the two looks of the protocol in blob.h. False: stop the sweep. */
static bool sweep_one(blob_store *s, const char *path, const char *hex,
                      blob_referenced_fn is_referenced, void *ctx, unsigned grace,
                      blob_sweep_stats *stats)
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return true;
    stats->seen++;
    if (!old_enough(&st, time(NULL), grace)) {
        stats->young++;
        return true;
    }
    unsigned char sha[BLOB_HASH_LEN];
    if (!blob_hex_parse(hex, sha))
        return true;
    bool referenced = true;
    rstatus q = is_referenced(ctx, sha, &referenced);
    if (q != ST_OK) {
        stats->errors++;
        return q != ST_UNAVAILABLE;
    }
    if (referenced) {
        stats->referenced++;
        return true;
    }
    int lock = lock_take(s, LOCK_EX);
    if (lock < 0) {
        stats->errors++;
        return true;
    }
    if (lstat(path, &st) != 0 || !old_enough(&st, time(NULL), grace)) {
        /* Put or retained since the first look: an upload is about to reference it. */
        stats->young++;
    } else if (unlink(path) != 0) {
        log_error("blob: cannot delete %s: %s", path, strerror(errno));
        stats->errors++;
    } else {
        stats->deleted++;
        stats->bytes_freed += (unsigned long long)st.st_size;
    }
    lock_drop(lock);
    return true;
}

rstatus blob_sweep(blob_store *s, blob_referenced_fn is_referenced, void *ctx,
                   unsigned grace_seconds, blob_sweep_stats *stats)
{
    blob_sweep_stats local = {0};
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    DIR *top = opendir(s->dir);
    if (!top) {
        log_error("blob: cannot list %s: %s", s->dir, strerror(errno));
        return ST_INTERNAL;
    }
    struct dirent *e1;
    bool go_on = true;
    while (go_on && (e1 = readdir(top))) {
        if (!is_hex_name(e1->d_name, 2))
            continue;
        char d1[PATH_CAP];
        if (snprintf(d1, sizeof d1, "%s/%s", s->dir, e1->d_name) >= (int)sizeof d1)
            continue;
        DIR *mid = opendir(d1);
        if (!mid)
            continue;
        struct dirent *e2;
        while (go_on && (e2 = readdir(mid))) {
            if (!is_hex_name(e2->d_name, 2))
                continue;
            char d2[PATH_CAP];
            if (snprintf(d2, sizeof d2, "%s/%s", d1, e2->d_name) >= (int)sizeof d2)
                continue;
            DIR *leaf = opendir(d2);
            if (!leaf)
                continue;
            struct dirent *e3;
            while (go_on && (e3 = readdir(leaf))) {
                /* Only names that match their place: ab/cd/abcd…. */
                if (!is_hex_name(e3->d_name, BLOB_HEX_LEN) ||
                    memcmp(e3->d_name, e1->d_name, 2) != 0 ||
                    memcmp(e3->d_name + 2, e2->d_name, 2) != 0)
                    continue;
                char path[PATH_CAP];
                if (snprintf(path, sizeof path, "%s/%s", d2, e3->d_name) >= (int)sizeof path)
                    continue;
                go_on = sweep_one(s, path, e3->d_name, is_referenced, ctx, grace_seconds, stats);
            }
            closedir(leaf);
        }
        closedir(mid);
    }
    closedir(top);
    if (stats->deleted)
        log_info("blob sweep: %llu deleted (%llu bytes), %llu referenced, %llu young, %llu errors",
                 stats->deleted, stats->bytes_freed, stats->referenced, stats->young,
                 stats->errors);
    return go_on ? ST_OK : ST_UNAVAILABLE;
}

rstatus blob_sweep_tmp(const char *tmp_dir, unsigned grace_seconds, unsigned long long *deleted)
{
    unsigned long long n = 0;
    DIR *d = opendir(tmp_dir);
    if (!d) {
        if (deleted)
            *deleted = 0;
        if (errno == ENOENT)
            return ST_OK;
        log_error("blob: cannot list %s: %s", tmp_dir, strerror(errno));
        return ST_INTERNAL;
    }
    int dfd = dirfd(d);
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        struct stat st;
        if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (!old_enough(&st, now, grace_seconds))
            continue;
        /* An upload in flight holds a lock on its file (http/upload.c): leave it. */
        int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
            continue;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            close(fd);
            continue;
        }
        if (unlinkat(dfd, e->d_name, 0) == 0)
            n++;
        else
            log_warn("blob: cannot delete %s/%s: %s", tmp_dir, e->d_name, strerror(errno));
        close(fd);
    }
    closedir(d);
    if (deleted)
        *deleted = n;
    if (n)
        log_info("blob sweep: %llu temporary files deleted from %s", n, tmp_dir);
    return ST_OK;
}
