/* extract.c - picks the extractor for a media type and feeds it the file or buffer. */
#include "extract/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "extract/html.h"
#include "extract/sniff.h"
#include "extract/zipread.h"

#define CHUNK (64 * 1024)

void extract_limits_default(extract_limits *lim)
{
    lim->max_output = 10u * 1024 * 1024;
    lim->max_expanded = 256ull * 1024 * 1024;
    lim->max_ratio = 400;
    lim->max_entries = 10000;
    lim->max_parts = 2000;
    lim->timeout_seconds = 30;
    lim->child_memory = 1024ull * 1024 * 1024;
    lim->pdftotext = "/usr/bin/pdftotext";
}

enum family { F_NONE, F_TEXT, F_HTML, F_PDF, F_OFFICE };

static enum family family_of(const char *type)
{
    if (!type)
        return F_NONE;
    if (!strcmp(type, MEDIA_TEXT) || !strcmp(type, MEDIA_MARKDOWN) || !strcmp(type, MEDIA_CSV))
        return F_TEXT;
    if (!strcmp(type, MEDIA_HTML))
        return F_HTML;
    if (!strcmp(type, MEDIA_PDF))
        return F_PDF;
    if (!strcmp(type, MEDIA_DOCX) || !strcmp(type, MEDIA_XLSX) || !strcmp(type, MEDIA_PPTX) ||
        !strcmp(type, MEDIA_ODT) || !strcmp(type, MEDIA_ODS) || !strcmp(type, MEDIA_ODP))
        return F_OFFICE;
    return F_NONE;
}

bool extract_supports(const char *media_type)
{
    return family_of(media_type) != F_NONE;
}

/* Text and HTML: the first chunk decides between UTF-8 and Windows-1252. */
typedef struct stream {
    enum family fam;
    textsink *sink;
    html_strip html;
    bool started;
} stream;

static void stream_feed(stream *s, const char *data, size_t len)
{
    if (!s->started) {
        s->started = true;
        s->sink->cp1252 = !textsink_is_utf8((const unsigned char *)data, len);
    }
    if (s->fam == F_HTML)
        html_strip_feed(&s->html, data, len);
    else
        textsink_text(s->sink, data, len);
}

static void stream_finish(stream *s)
{
    if (s->fam == F_HTML)
        html_strip_finish(&s->html);
    else
        textsink_finish(s->sink);
}

static zip_limits zip_limits_of(const extract_limits *lim)
{
    return (zip_limits){lim->max_expanded, lim->max_ratio, lim->max_entries};
}

static rstatus finish(rstatus st, textsink *sink, buf *out, extract_info *info)
{
    if (st == ST_OK && sink->full)
        info->truncated = true;
    if (st == ST_OK && out->oom)
        return ST_NOMEM;
    return st;
}

rstatus extract_text(const char *path, const char *media_type, const extract_limits *lim,
                     buf *out, extract_info *info)
{
    *info = (extract_info){false, NULL};
    enum family fam = family_of(media_type);
    if (fam == F_NONE) {
        info->error = "No text can be extracted from this type of file.";
        return ST_UNSUPPORTED_MEDIA;
    }
    textsink sink;
    textsink_init(&sink, out, lim->max_output);
    if (fam == F_PDF) {
        if (access(path, R_OK) != 0) {
            info->error = "The file cannot be read.";
            return errno == ENOENT ? ST_NOT_FOUND : ST_INTERNAL;
        }
        return finish(extract_pdf(path, lim, &sink, info), &sink, out, info);
    }
    if (fam == F_OFFICE) {
        zipread *z = NULL;
        zip_limits zl = zip_limits_of(lim);
        rstatus st = zipread_open_file(path, &zl, &z, &info->error);
        if (st == ST_OK)
            st = extract_office(z, media_type, lim, &sink, info);
        zipread_close(z);
        textsink_finish(&sink);
        return finish(st, &sink, out, info);
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        info->error = "The file cannot be read.";
        return errno == ENOENT ? ST_NOT_FOUND : ST_INTERNAL;
    }
    stream s = {.fam = fam, .sink = &sink};
    if (fam == F_HTML)
        html_strip_init(&s.html, &sink);
    char chunk[CHUNK];
    rstatus st = ST_OK;
    while (!sink.full) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            info->error = "The file cannot be read.";
            st = ST_INTERNAL;
            break;
        }
        if (n == 0)
            break;
        stream_feed(&s, chunk, (size_t)n);
    }
    close(fd);
    stream_finish(&s);
    return finish(st, &sink, out, info);
}

rstatus extract_text_mem(const void *data, size_t len, const char *media_type,
                         const extract_limits *lim, buf *out, extract_info *info)
{
    *info = (extract_info){false, NULL};
    enum family fam = family_of(media_type);
    if (fam == F_NONE || fam == F_PDF) {
        info->error = "No text can be extracted from this type of file.";
        return ST_UNSUPPORTED_MEDIA;
    }
    textsink sink;
    textsink_init(&sink, out, lim->max_output);
    if (fam == F_OFFICE) {
        zipread *z = NULL;
        zip_limits zl = zip_limits_of(lim);
        rstatus st = zipread_open_mem(data, len, &zl, &z, &info->error);
        if (st == ST_OK)
            st = extract_office(z, media_type, lim, &sink, info);
        zipread_close(z);
        textsink_finish(&sink);
        return finish(st, &sink, out, info);
    }
    stream s = {.fam = fam, .sink = &sink};
    if (fam == F_HTML)
        html_strip_init(&s.html, &sink);
    /* Chunks as a file would give them, so both paths behave alike. */
    const char *p = data;
    while (len > 0 && !sink.full) {
        size_t n = len < CHUNK ? len : CHUNK;
        stream_feed(&s, p, n);
        p += n;
        len -= n;
    }
    stream_finish(&s);
    return finish(ST_OK, &sink, out, info);
}
