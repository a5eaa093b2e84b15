/* zipread.c - minizip over a file descriptor or a buffer, entry listing, bounded reads. */
#include "extract/zipread.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <minizip/unzip.h>

#define NAME_MAX_BYTES 1024
#define CHUNK (64 * 1024)
/* Ratios are judged only past this many expanded bytes: small XML parts
 * compress very well and are harmless. */
#define RATIO_FLOOR (1024 * 1024)

/* What minizip's I/O callbacks read from: a descriptor or a buffer. */
typedef struct source {
    int fd;
    const unsigned char *data;
    unsigned long long size, pos;
    bool error;
    /* minizip reads directories two and four bytes at a time: a window of the
     * file saves a system call per field. */
    unsigned char *win;
    unsigned long long win_start;
    size_t win_len;
} source;

#define WINDOW (64 * 1024)

typedef struct entry {
    char *name;
    unz64_file_pos pos;
} entry;

struct zipread {
    source src;
    unzFile uf;
    zip_limits lim;
    entry *entries;
    unsigned count;
    unsigned long long expanded;
};

static voidpf ZCALLBACK src_open(voidpf opaque, const void *filename, int mode)
{
    if ((mode & ZLIB_FILEFUNC_MODE_READWRITEFILTER) != ZLIB_FILEFUNC_MODE_READ)
        return NULL;
    return (voidpf)filename;    /* the source itself, passed as the "file name" */
}

static uLong ZCALLBACK src_read(voidpf opaque, voidpf stream, void *out, uLong size)
{
    source *s = stream;
    if (s->pos >= s->size)
        return 0;
    unsigned long long left = s->size - s->pos;
    size_t n = size < left ? (size_t)size : (size_t)left;
    if (s->fd >= 0) {
        size_t done = 0;
        while (done < n) {
            unsigned long long at = s->pos + done;
            if (at >= s->win_start && at < s->win_start + s->win_len) {
                size_t off = (size_t)(at - s->win_start);
                size_t take = s->win_len - off < n - done ? s->win_len - off : n - done;
                memcpy((char *)out + done, s->win + off, take);
                done += take;
                continue;
            }
            if (n - done >= WINDOW) {
                /* Large reads (entry data) go straight to the caller. */
                ssize_t got = pread(s->fd, (char *)out + done, n - done, (off_t)at);
                if (got < 0 && errno == EINTR)
                    continue;
                if (got <= 0) {
                    s->error = got < 0;
                    break;
                }
                done += (size_t)got;
                continue;
            }
            ssize_t got = pread(s->fd, s->win, WINDOW, (off_t)at);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                s->error = got < 0;
                break;
            }
            s->win_start = at;
            s->win_len = (size_t)got;
        }
        n = done;
    } else {
        memcpy(out, s->data + s->pos, n);
    }
    s->pos += n;
    return (uLong)n;
}

static uLong ZCALLBACK src_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
    return 0;
}

static ZPOS64_T ZCALLBACK src_tell(voidpf opaque, voidpf stream)
{
    return ((source *)stream)->pos;
}

static long ZCALLBACK src_seek(voidpf opaque, voidpf stream, ZPOS64_T offset, int origin)
{
    source *s = stream;
    unsigned long long base;
    switch (origin) {
    case ZLIB_FILEFUNC_SEEK_SET: base = 0; break;
    case ZLIB_FILEFUNC_SEEK_CUR: base = s->pos; break;
    case ZLIB_FILEFUNC_SEEK_END: base = s->size; break;
    default: return -1;
    }
    /* Offsets come from the archive: a seek outside it is a corrupt archive. */
    if (offset > s->size || base > s->size - offset)
        return -1;
    s->pos = base + offset;
    return 0;
}

static int ZCALLBACK src_close(voidpf opaque, voidpf stream)
{
    return 0;
}

static int ZCALLBACK src_error(voidpf opaque, voidpf stream)
{
    return ((source *)stream)->error;
}

static rstatus list_entries(zipread *z, const char **why)
{
    unz_global_info64 gi;
    if (unzGetGlobalInfo64(z->uf, &gi) != UNZ_OK) {
        *why = "The file is not a readable ZIP archive.";
        return ST_UNPROCESSABLE;
    }
    if (gi.number_entry > z->lim.max_entries) {
        *why = "The archive holds too many files.";
        return ST_UNPROCESSABLE;
    }
    if (gi.number_entry == 0)
        return ST_OK;
    z->entries = calloc((size_t)gi.number_entry, sizeof *z->entries);
    if (!z->entries)
        return ST_NOMEM;
    int rc = unzGoToFirstFile(z->uf);
    while (rc == UNZ_OK && z->count < gi.number_entry) {
        char name[NAME_MAX_BYTES + 1];
        unz_file_info64 fi;
        if (unzGetCurrentFileInfo64(z->uf, &fi, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK)
            break;
        entry *e = &z->entries[z->count];
        if (unzGetFilePos64(z->uf, &e->pos) != UNZ_OK)
            break;
        /* Long names are cut, which only means such an entry is never looked up. */
        name[NAME_MAX_BYTES] = '\0';
        e->name = strdup(name);
        if (!e->name)
            return ST_NOMEM;
        z->count++;
        rc = unzGoToNextFile(z->uf);
    }
    if (z->count != gi.number_entry) {
        *why = "The archive's directory is damaged.";
        return ST_UNPROCESSABLE;
    }
    return ST_OK;
}

static rstatus open_source(zipread *z, const zip_limits *lim, const char **why)
{
    z->lim = *lim;
    zlib_filefunc64_def io = {
        src_open, src_read, src_write, src_tell, src_seek, src_close, src_error, NULL,
    };
    z->uf = unzOpen2_64(&z->src, &io);
    if (!z->uf) {
        *why = "The file is not a readable ZIP archive.";
        return ST_UNPROCESSABLE;
    }
    return list_entries(z, why);
}

rstatus zipread_open_file(const char *path, const zip_limits *lim, zipread **out,
                          const char **why)
{
    *out = NULL;
    *why = NULL;
    zipread *z = calloc(1, sizeof *z);
    if (!z)
        return ST_NOMEM;
    z->src.fd = -1;
    z->src.win = malloc(WINDOW);
    if (!z->src.win) {
        zipread_close(z);
        return ST_NOMEM;
    }
    z->src.fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (z->src.fd < 0 || fstat(z->src.fd, &st) != 0) {
        rstatus st_err = errno == ENOENT ? ST_NOT_FOUND : ST_INTERNAL;
        *why = "The file cannot be read.";
        zipread_close(z);
        return st_err;
    }
    z->src.size = (unsigned long long)st.st_size;
    rstatus st_open = open_source(z, lim, why);
    if (st_open != ST_OK) {
        zipread_close(z);
        return st_open;
    }
    *out = z;
    return ST_OK;
}

rstatus zipread_open_mem(const void *data, size_t len, const zip_limits *lim, zipread **out,
                         const char **why)
{
    *out = NULL;
    *why = NULL;
    zipread *z = calloc(1, sizeof *z);
    if (!z)
        return ST_NOMEM;
    z->src.fd = -1;
    z->src.data = data;
    z->src.size = len;
    rstatus st = open_source(z, lim, why);
    if (st != ST_OK) {
        zipread_close(z);
        return st;
    }
    *out = z;
    return ST_OK;
}

void zipread_close(zipread *z)
{
    if (!z)
        return;
    if (z->uf)
        unzClose(z->uf);
    for (unsigned i = 0; i < z->count; i++)
        free(z->entries[i].name);
    free(z->entries);
    if (z->src.fd >= 0)
        close(z->src.fd);
    free(z->src.win);
    free(z);
}

unsigned zipread_count(const zipread *z)
{
    return z->count;
}

const char *zipread_name(const zipread *z, unsigned i)
{
    return i < z->count ? z->entries[i].name : "";
}

int zipread_find(const zipread *z, const char *name)
{
    for (unsigned i = 0; i < z->count; i++)
        if (strcmp(z->entries[i].name, name) == 0)
            return (int)i;
    return -1;
}

rstatus zipread_read(zipread *z, unsigned i, zipread_data_fn fn, void *ctx, const char **why)
{
    *why = NULL;
    if (i >= z->count)
        return ST_NOT_FOUND;
    unz_file_info64 fi;
    if (unzGoToFilePos64(z->uf, &z->entries[i].pos) != UNZ_OK ||
        unzGetCurrentFileInfo64(z->uf, &fi, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK) {
        *why = "The archive's directory is damaged.";
        return ST_UNPROCESSABLE;
    }
    if (fi.flag & 1) {
        *why = "The document is encrypted.";
        return ST_UNPROCESSABLE;
    }
    if (unzOpenCurrentFile(z->uf) != UNZ_OK) {
        *why = "A part of the archive cannot be read (damaged or unsupported compression).";
        return ST_UNPROCESSABLE;
    }
    char *chunk = malloc(CHUNK);
    if (!chunk) {
        unzCloseCurrentFile(z->uf);
        return ST_NOMEM;
    }
    /* The ratio is judged against the compressed bytes consumed so far (minizip
     * reads ahead 16 KiB at most), not the declared sizes, which lie in bombs. */
    unsigned long long mine = 0, start = unzGetCurrentFileZStreamPos64(z->uf);
    rstatus st = ST_OK;
    bool stopped = false;
    for (;;) {
        int n = unzReadCurrentFile(z->uf, chunk, CHUNK);
        if (n < 0) {
            *why = "A part of the archive is damaged.";
            st = ST_UNPROCESSABLE;
            break;
        }
        if (n == 0)
            break;
        mine += (unsigned long long)n;
        z->expanded += (unsigned long long)n;
        if (z->expanded > z->lim.max_expanded) {
            *why = "The archive expands beyond the size limit (possible zip bomb).";
            st = ST_UNPROCESSABLE;
            break;
        }
        unsigned long long now = unzGetCurrentFileZStreamPos64(z->uf);
        unsigned long long packed = now > start ? now - start : 1;
        if (mine > RATIO_FLOOR && mine / packed > z->lim.max_ratio) {
            *why = "A part of the archive expands too much (possible zip bomb).";
            st = ST_UNPROCESSABLE;
            break;
        }
        if (fn(ctx, chunk, (size_t)n)) {
            stopped = true;
            break;
        }
    }
    free(chunk);
    int rc = unzCloseCurrentFile(z->uf);
    if (st == ST_OK && !stopped && rc == UNZ_CRCERROR) {
        *why = "A part of the archive is damaged (checksum mismatch).";
        st = ST_UNPROCESSABLE;
    }
    return st;
}

typedef struct small {
    char *out;
    size_t max, len;
    bool over;
} small;

static int small_put(void *ctx, const char *data, size_t len)
{
    small *s = ctx;
    if (len > s->max - s->len) {
        s->over = true;
        return 1;
    }
    memcpy(s->out + s->len, data, len);
    s->len += len;
    return 0;
}

rstatus zipread_read_small(zipread *z, unsigned i, char *out, size_t max, size_t *len,
                           const char **why)
{
    small s = {out, max ? max - 1 : 0, 0, false};
    rstatus st = zipread_read(z, i, small_put, &s, why);
    if (max)
        out[s.len] = '\0';
    if (st == ST_OK && s.over) {
        *why = "A part of the archive is larger than expected.";
        st = ST_UNPROCESSABLE;
    }
    if (len)
        *len = s.len;
    return st;
}
