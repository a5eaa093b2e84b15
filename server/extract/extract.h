/* extract.h - the text of a stored document, for search: one call per file and type. */
#ifndef RELAIS_EXTRACT_EXTRACT_H
#define RELAIS_EXTRACT_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "extract/textsink.h"
#include "util/buf.h"
#include "util/status.h"

/*
 * Every limit the extractors obey. extract_limits_default() gives the
 * product's values; tests lower them.
 */
typedef struct extract_limits {
    size_t max_output;                  /* bytes of UTF-8 text kept (10 MiB) */
    unsigned long long max_expanded;    /* ZIP containers: bytes decompressed in all (256 MiB) */
    unsigned max_ratio;                 /* ZIP containers: per-entry expansion ratio (400) */
    unsigned max_entries;               /* ZIP containers: entries (10 000) */
    unsigned max_parts;                 /* slides or sheets read (2 000) */
    unsigned timeout_seconds;           /* pdftotext wall clock (30 s) */
    unsigned long long child_memory;    /* pdftotext address space (1 GiB; 0 = no limit) */
    const char *pdftotext;              /* absolute path (/usr/bin/pdftotext) */
} extract_limits;

void extract_limits_default(extract_limits *lim);

typedef struct extract_info {
    bool truncated;         /* the text reached max_output and was cut there */
    const char *error;      /* why it failed, for people (static); NULL on success */
} extract_info;

/* Whether extract_text() knows how to read media_type (as sniff.h names types). */
bool extract_supports(const char *media_type);

/*
 * Appends the text of the file at path, of type media_type (sniffed, never the
 * client's), to out: valid UTF-8, at most lim->max_output bytes, whitespace
 * collapsed (see textsink.h). Types: text/plain, text/markdown, text/csv,
 * text/html, application/pdf (pdftotext in a child process, killed at the
 * deadline), DOCX, XLSX, PPTX, ODT, ODS, ODP. Returns
 *   ST_OK                   text in out (info->truncated when cut);
 *   ST_UNSUPPORTED_MEDIA    nothing to extract from this type (images, ...);
 *   ST_UNPROCESSABLE        damaged file, zip bomb, timeout (info->error says which);
 *   ST_NOT_FOUND            no such file;
 *   ST_INTERNAL / ST_NOMEM  the server's fault (logged).
 * On failure out may hold partial text; callers discard it. Thread-safe (each
 * call has its own state); it blocks for up to the PDF timeout, so call it
 * from a worker or background thread, never an I/O thread.
 */
rstatus extract_text(const char *path, const char *media_type, const extract_limits *lim,
                     buf *out, extract_info *info);

/*
 * The same for content in memory (fuzzing, small parts). PDF is not read from
 * memory (pdftotext wants a file): ST_UNSUPPORTED_MEDIA.
 */
rstatus extract_text_mem(const void *data, size_t len, const char *media_type,
                         const extract_limits *lim, buf *out, extract_info *info);

/* Internal to extract/: one function per family, writing through sink. */
struct zipread;
rstatus extract_pdf(const char *path, const extract_limits *lim, textsink *sink,
                    extract_info *info);
rstatus extract_office(struct zipread *z, const char *media_type, const extract_limits *lim,
                       textsink *sink, extract_info *info);

#endif
