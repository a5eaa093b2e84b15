/* sniff.h - a file's media type from its content, and whether the browser may show it inline. */
#ifndef RELAIS_EXTRACT_SNIFF_H
#define RELAIS_EXTRACT_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

#define MEDIA_OCTET "application/octet-stream"
#define MEDIA_PDF "application/pdf"
#define MEDIA_PNG "image/png"
#define MEDIA_JPEG "image/jpeg"
#define MEDIA_GIF "image/gif"
#define MEDIA_WEBP "image/webp"
#define MEDIA_SVG "image/svg+xml"
#define MEDIA_HTML "text/html"
#define MEDIA_XML "application/xml"
#define MEDIA_TEXT "text/plain"
#define MEDIA_MARKDOWN "text/markdown"
#define MEDIA_CSV "text/csv"
#define MEDIA_ZIP "application/zip"
#define MEDIA_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define MEDIA_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define MEDIA_PPTX "application/vnd.openxmlformats-officedocument.presentationml.presentation"
#define MEDIA_ODT "application/vnd.oasis.opendocument.text"
#define MEDIA_ODS "application/vnd.oasis.opendocument.spreadsheet"
#define MEDIA_ODP "application/vnd.oasis.opendocument.presentation"

/*
 * What the content says it is. The client's Content-Type is never consulted;
 * the file name's extension only picks between text flavours (Markdown, CSV)
 * once the content is known to be text, and between the legacy Office formats
 * once the content is known to be an OLE compound file. Strings are static.
 */
typedef struct sniff_result {
    const char *media_type;
    const char *extension;  /* conventional extension without the dot, "" when none */
    bool inline_safe;       /* may be shown inline from our origin: PDF and raster images only */
    bool is_text;           /* plain text, Markdown or CSV: the browser may display it as text */
} sniff_result;

/*
 * Sniffs the file at path (its first 8 KiB, and for ZIP containers their
 * directory through minizip). filename is the client's name, untrusted (may be
 * NULL). ST_OK, ST_NOT_FOUND, or ST_INTERNAL when it cannot be read.
 */
rstatus sniff_file(const char *path, const char *filename, sniff_result *out);

/* The same for content in memory (the whole content: ZIP directories are at the end). */
void sniff_mem(const void *data, size_t len, const char *filename, sniff_result *out);

/* Whether a media type (as sniffed) may be rendered inline: never HTML, SVG or XML. */
bool sniff_inline_safe(const char *media_type);

#endif
