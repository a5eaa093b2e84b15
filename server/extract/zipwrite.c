/* zipwrite.c - streaming ZIP writer: local headers, data descriptors, ZIP64, deflate via zlib. */
#include "extract/zipwrite.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define OUT_CHUNK (64 * 1024)
#define NAME_MAX_BYTES 1024
#define U32_MAX 0xFFFFFFFFull
/* Deflate can grow incompressible data a little: past this hint, plan for ZIP64. */
#define ZIP64_HINT 0xF0000000ull

#define SIG_LOCAL 0x04034b50u
#define SIG_DESCRIPTOR 0x08074b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END64 0x06064b50u
#define SIG_LOCATOR64 0x07064b50u
#define SIG_END 0x06054b50u

#define FLAG_DESCRIPTOR 0x0008
#define FLAG_UTF8 0x0800
#define EXTRA_ZIP64 0x0001
#define EXTRA_TIME 0x5455
#define MADE_BY_UNIX 0x0300

typedef struct record {
    char *name;
    uint16_t name_len;
    uint16_t method, flags, dos_time, dos_date, version;
    uint32_t crc, mtime;
    unsigned long long csize, usize, offset;
} record;

struct zipw {
    zipw_write_fn write;
    void *ctx;
    rstatus error;
    unsigned long long offset;
    record *recs;
    size_t nrecs, caprecs;
    bool open, finished, zip64_local;
    record cur;
    z_stream zs;
    bool zs_ready;
    unsigned char *out;         /* deflate output */
    unsigned char *pend;        /* bytes not yet handed to write() */
    size_t npend;
};

/* Little-endian fields into a header being assembled. */
typedef struct hdr {
    unsigned char b[128];
    size_t n;
} hdr;

static void put16(hdr *h, unsigned v)
{
    h->b[h->n++] = (unsigned char)(v & 0xFF);
    h->b[h->n++] = (unsigned char)(v >> 8 & 0xFF);
}

static void put32(hdr *h, unsigned long long v)
{
    for (int i = 0; i < 4; i++)
        h->b[h->n++] = (unsigned char)(v >> (8 * i) & 0xFF);
}

static void put64(hdr *h, unsigned long long v)
{
    for (int i = 0; i < 8; i++)
        h->b[h->n++] = (unsigned char)(v >> (8 * i) & 0xFF);
}

static rstatus flush(zipw *z)
{
    if (z->error != ST_OK)
        return z->error;
    if (z->npend && z->write(z->ctx, z->pend, z->npend) != 0)
        return z->error = ST_INTERNAL;
    z->npend = 0;
    return ST_OK;
}

/* Small pieces (headers) are gathered so write() sees few, large calls. */
static rstatus emit(zipw *z, const void *data, size_t len)
{
    if (z->error != ST_OK)
        return z->error;
    if (len <= OUT_CHUNK - z->npend) {
        memcpy(z->pend + z->npend, data, len);
        z->npend += len;
    } else {
        if (flush(z) != ST_OK)
            return z->error;
        if (len >= OUT_CHUNK) {
            if (z->write(z->ctx, data, len) != 0)
                return z->error = ST_INTERNAL;
        } else {
            memcpy(z->pend, data, len);
            z->npend = len;
        }
    }
    z->offset += len;
    return ST_OK;
}

zipw *zipw_new(zipw_write_fn write, void *ctx)
{
    zipw *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->write = write;
    z->ctx = ctx;
    z->out = malloc(OUT_CHUNK);
    z->pend = malloc(OUT_CHUNK);
    if (!z->out || !z->pend) {
        free(z->out);
        free(z->pend);
        free(z);
        return NULL;
    }
    return z;
}

void zipw_free(zipw *z)
{
    if (!z)
        return;
    if (z->zs_ready)
        deflateEnd(&z->zs);
    for (size_t i = 0; i < z->nrecs; i++)
        free(z->recs[i].name);
    free(z->recs);
    free(z->cur.name);
    free(z->out);
    free(z->pend);
    free(z);
}

unsigned long long zipw_offset(const zipw *z)
{
    return z->offset;
}

static bool valid_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        int n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
              : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (n == 0 || i + (size_t)n > len)
            return false;
        for (int k = 1; k < n; k++)
            if ((s[i + (size_t)k] & 0xC0) != 0x80)
                return false;
        if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
            (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
            return false;
        i += (size_t)n;
    }
    return true;
}

bool zipw_name_ok(const char *name)
{
    if (!name)
        return false;
    size_t len = strlen(name);
    if (len == 0 || len > NAME_MAX_BYTES || name[0] == '/')
        return false;
    if (!valid_utf8((const unsigned char *)name, len))
        return false;
    const char *seg = name;
    for (const char *p = name;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '/' || c == '\0') {
            size_t n = (size_t)(p - seg);
            /* A trailing '/' names a directory entry; any other empty segment is refused. */
            if (n == 0 && !(c == '\0' && p > name))
                return false;
            if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
                return false;
            if (c == '\0')
                break;
            seg = p + 1;
            continue;
        }
        if (c < 0x20 || c == 0x7F || c == '\\')
            return false;
        /* "C:" at the start would be a drive on Windows. */
        if (c == ':' && p == name + 1)
            return false;
    }
    return true;
}

static void dos_time(time_t t, uint16_t *tm_out, uint16_t *date_out)
{
    struct tm tm;
    if (t < 315532800 || !gmtime_r(&t, &tm)) {     /* before 1980: DOS dates cannot say */
        *tm_out = 0;
        *date_out = (1 << 5) | 1;
        return;
    }
    if (tm.tm_year > 207) {                         /* after 2107 likewise */
        tm.tm_year = 207;
        tm.tm_mon = 11;
        tm.tm_mday = 31;
    }
    *tm_out = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
    *date_out = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
}

static bool ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

rstatus zipw_begin(zipw *z, const char *name, time_t mtime, enum zipw_method method,
                   unsigned long long size_hint)
{
    if (z->error != ST_OK)
        return z->error;
    if (z->open || z->finished)
        return ST_CONFLICT;
    if (!zipw_name_ok(name) || (method != ZIPW_STORE && method != ZIPW_DEFLATE))
        return ST_BAD_REQUEST;
    record *r = &z->cur;
    memset(r, 0, sizeof *r);
    r->name = strdup(name);
    if (!r->name)
        return z->error = ST_NOMEM;
    r->name_len = (uint16_t)strlen(name);
    r->method = (uint16_t)method;
    r->flags = FLAG_DESCRIPTOR | (ascii(name) ? 0 : FLAG_UTF8);
    dos_time(mtime, &r->dos_time, &r->dos_date);
    r->mtime = mtime < 0 ? 0 : mtime > (time_t)U32_MAX ? (uint32_t)U32_MAX : (uint32_t)mtime;
    r->offset = z->offset;
    r->crc = (uint32_t)crc32(0, NULL, 0);
    z->zip64_local = size_hint == ZIPW_SIZE_UNKNOWN || size_hint >= ZIP64_HINT;
    r->version = z->zip64_local ? 45 : 20;

    if (method == ZIPW_DEFLATE) {
        if (z->zs_ready)
            deflateReset(&z->zs);
        else {
            memset(&z->zs, 0, sizeof z->zs);
            if (deflateInit2(&z->zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
                return z->error = ST_NOMEM;
            z->zs_ready = true;
        }
    }

    hdr h = {.n = 0};
    put32(&h, SIG_LOCAL);
    put16(&h, r->version);
    put16(&h, r->flags);
    put16(&h, r->method);
    put16(&h, r->dos_time);
    put16(&h, r->dos_date);
    put32(&h, 0);                                   /* CRC: in the descriptor */
    put32(&h, z->zip64_local ? U32_MAX : 0);        /* sizes: in the descriptor */
    put32(&h, z->zip64_local ? U32_MAX : 0);
    put16(&h, r->name_len);
    put16(&h, (z->zip64_local ? 20 : 0) + 9);
    rstatus st = emit(z, h.b, h.n);
    if (st == ST_OK)
        st = emit(z, name, r->name_len);
    h.n = 0;
    if (z->zip64_local) {
        put16(&h, EXTRA_ZIP64);
        put16(&h, 16);
        put64(&h, 0);
        put64(&h, 0);
    }
    put16(&h, EXTRA_TIME);
    put16(&h, 5);
    h.b[h.n++] = 1;                                 /* modification time present */
    put32(&h, r->mtime);
    if (st == ST_OK)
        st = emit(z, h.b, h.n);
    if (st == ST_OK)
        z->open = true;
    return st;
}

/* Runs the compressor over the pending input (or finishes it) and sends what comes out. */
static rstatus pump(zipw *z, int flush)
{
    for (;;) {
        z->zs.next_out = z->out;
        z->zs.avail_out = OUT_CHUNK;
        int rc = deflate(&z->zs, flush);
        if (rc == Z_STREAM_ERROR)
            return z->error = ST_INTERNAL;
        size_t n = OUT_CHUNK - z->zs.avail_out;
        z->cur.csize += n;
        rstatus st = emit(z, z->out, n);
        if (st != ST_OK)
            return st;
        if (flush == Z_FINISH ? rc == Z_STREAM_END : z->zs.avail_in == 0 && z->zs.avail_out != 0)
            return ST_OK;
    }
}

rstatus zipw_data(zipw *z, const void *data, size_t len)
{
    if (z->error != ST_OK)
        return z->error;
    if (!z->open)
        return ST_CONFLICT;
    const unsigned char *p = data;
    while (len > 0) {
        /* zlib counts in uInt: slice very large buffers. */
        uInt n = len > (1u << 30) ? (1u << 30) : (uInt)len;
        z->cur.crc = (uint32_t)crc32(z->cur.crc, p, n);
        z->cur.usize += n;
        if (!z->zip64_local && z->cur.usize >= U32_MAX)
            return z->error = ST_INTERNAL;  /* larger than announced: the header cannot say it */
        rstatus st;
        if (z->cur.method == ZIPW_DEFLATE) {
            z->zs.next_in = (Bytef *)p;
            z->zs.avail_in = n;
            st = pump(z, Z_NO_FLUSH);
        } else {
            z->cur.csize += n;
            st = emit(z, p, n);
        }
        if (st != ST_OK)
            return st;
        p += n;
        len -= n;
    }
    return ST_OK;
}

rstatus zipw_end(zipw *z)
{
    if (z->error != ST_OK)
        return z->error;
    if (!z->open)
        return ST_CONFLICT;
    record *r = &z->cur;
    if (r->method == ZIPW_DEFLATE) {
        z->zs.next_in = NULL;
        z->zs.avail_in = 0;
        rstatus st = pump(z, Z_FINISH);
        if (st != ST_OK)
            return st;
    }
    if (!z->zip64_local && r->csize >= U32_MAX)
        return z->error = ST_INTERNAL;
    hdr h = {.n = 0};
    put32(&h, SIG_DESCRIPTOR);
    put32(&h, r->crc);
    if (z->zip64_local) {
        put64(&h, r->csize);
        put64(&h, r->usize);
    } else {
        put32(&h, r->csize);
        put32(&h, r->usize);
    }
    rstatus st = emit(z, h.b, h.n);
    if (st != ST_OK)
        return st;
    if (z->nrecs == z->caprecs) {
        size_t cap = z->caprecs ? z->caprecs * 2 : 64;
        record *grown = realloc(z->recs, cap * sizeof *grown);
        if (!grown)
            return z->error = ST_NOMEM;
        z->recs = grown;
        z->caprecs = cap;
    }
    z->recs[z->nrecs++] = *r;
    r->name = NULL;     /* now owned by the directory */
    z->open = false;
    return ST_OK;
}

rstatus zipw_add(zipw *z, const char *name, time_t mtime, enum zipw_method method,
                 const void *data, size_t len)
{
    rstatus st = zipw_begin(z, name, mtime, method, len);
    if (st == ST_OK)
        st = zipw_data(z, data, len);
    if (st == ST_OK)
        st = zipw_end(z);
    return st;
}

rstatus zipw_add_fd(zipw *z, const char *name, time_t mtime, enum zipw_method method, int fd)
{
    struct stat sb;
    unsigned long long hint = ZIPW_SIZE_UNKNOWN;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
        hint = (unsigned long long)sb.st_size;
    rstatus st = zipw_begin(z, name, mtime, method, hint);
    if (st != ST_OK)
        return st;
    unsigned char *chunk = malloc(OUT_CHUNK);
    if (!chunk)
        return z->error = ST_NOMEM;
    for (;;) {
        ssize_t n = read(fd, chunk, OUT_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            st = z->error = ST_INTERNAL;
            break;
        }
        if (n == 0)
            break;
        st = zipw_data(z, chunk, (size_t)n);
        if (st != ST_OK)
            break;
    }
    free(chunk);
    return st == ST_OK ? zipw_end(z) : st;
}

static rstatus central_record(zipw *z, const record *r)
{
    bool big_u = r->usize >= U32_MAX, big_c = r->csize >= U32_MAX, big_o = r->offset >= U32_MAX;
    unsigned zip64_len = 8u * (big_u + big_c + big_o);
    hdr h = {.n = 0};
    put32(&h, SIG_CENTRAL);
    put16(&h, MADE_BY_UNIX | 45);
    put16(&h, zip64_len ? 45 : r->version);
    put16(&h, r->flags);
    put16(&h, r->method);
    put16(&h, r->dos_time);
    put16(&h, r->dos_date);
    put32(&h, r->crc);
    put32(&h, big_c ? U32_MAX : r->csize);
    put32(&h, big_u ? U32_MAX : r->usize);
    put16(&h, r->name_len);
    put16(&h, (zip64_len ? 4 + zip64_len : 0) + 9);
    put16(&h, 0);                   /* comment */
    put16(&h, 0);                   /* disk */
    put16(&h, 0);                   /* internal attributes */
    put32(&h, (r->name_len && r->name[r->name_len - 1] == '/' ? 040755ull : 0100644ull) << 16);
    put32(&h, big_o ? U32_MAX : r->offset);
    rstatus st = emit(z, h.b, h.n);
    if (st == ST_OK)
        st = emit(z, r->name, r->name_len);
    h.n = 0;
    if (zip64_len) {
        put16(&h, EXTRA_ZIP64);
        put16(&h, zip64_len);
        if (big_u)
            put64(&h, r->usize);
        if (big_c)
            put64(&h, r->csize);
        if (big_o)
            put64(&h, r->offset);
    }
    put16(&h, EXTRA_TIME);
    put16(&h, 5);
    h.b[h.n++] = 1;
    put32(&h, r->mtime);
    if (st == ST_OK)
        st = emit(z, h.b, h.n);
    return st;
}

rstatus zipw_finish(zipw *z)
{
    if (z->error != ST_OK)
        return z->error;
    if (z->open || z->finished)
        return ST_CONFLICT;
    unsigned long long cd_start = z->offset;
    for (size_t i = 0; i < z->nrecs; i++) {
        rstatus st = central_record(z, &z->recs[i]);
        if (st != ST_OK)
            return st;
    }
    unsigned long long cd_size = z->offset - cd_start, n = z->nrecs;
    bool zip64 = n >= 0xFFFF || cd_size >= U32_MAX || cd_start >= U32_MAX;
    hdr h = {.n = 0};
    if (zip64) {
        unsigned long long end64 = z->offset;
        put32(&h, SIG_END64);
        put64(&h, 44);              /* size of the rest of this record */
        put16(&h, MADE_BY_UNIX | 45);
        put16(&h, 45);
        put32(&h, 0);
        put32(&h, 0);
        put64(&h, n);
        put64(&h, n);
        put64(&h, cd_size);
        put64(&h, cd_start);
        put32(&h, SIG_LOCATOR64);
        put32(&h, 0);
        put64(&h, end64);
        put32(&h, 1);
    }
    put32(&h, SIG_END);
    put16(&h, 0);
    put16(&h, 0);
    put16(&h, n >= 0xFFFF ? 0xFFFF : (unsigned)n);
    put16(&h, n >= 0xFFFF ? 0xFFFF : (unsigned)n);
    put32(&h, cd_size >= U32_MAX ? U32_MAX : cd_size);
    put32(&h, cd_start >= U32_MAX ? U32_MAX : cd_start);
    put16(&h, 0);
    rstatus st = emit(z, h.b, h.n);
    if (st == ST_OK)
        st = flush(z);
    if (st == ST_OK)
        z->finished = true;
    return st;
}
