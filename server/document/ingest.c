/* ingest.c - a file becomes a version's content: type sniffed, text extracted, bytes stored. */
#include <string.h>

#include "document/document.h"
#include "extract/extract.h"
#include "extract/sniff.h"

rstatus doc_upload_take(blob_store *bs, const char *path,
                        const unsigned char sha256[BLOB_HASH_LEN], const char *filename,
                        const char *comment, arena *a, doc_upload *up)
{
    memset(up, 0, sizeof *up);
    char *name = arena_alloc(a, DOC_FILENAME_MAX + 1);
    if (!name)
        return ST_NOMEM;
    doc_filename_clean(filename, name);
    sniff_result sr;
    rstatus st = sniff_file(path, name, &sr);
    if (st != ST_OK)
        return st;
    extract_limits lim;
    extract_limits_default(&lim);
    extract_info info;
    buf text = BUF_INIT;
    rstatus xs = extract_text(path, sr.media_type, &lim, &text, &info);
    if (xs == ST_OK) {
        up->text_status = info.truncated ? "truncated" : "done";
        up->text = arena_strndup(a, text.data ? text.data : "", text.len);
        if (!up->text) {
            buf_free(&text);
            return ST_NOMEM;
        }
    } else if (xs == ST_UNSUPPORTED_MEDIA) {
        up->text_status = "none";
    } else {
        /* A document whose text cannot be read is still a document: kept, not indexed. */
        up->text_status = "failed";
        up->text_error = info.error ? info.error : "Text extraction failed.";
    }
    buf_free(&text);
    blob_put_info put;
    if (blob_put_file(bs, path, sha256, &put) != ST_OK)
        return ST_UNAVAILABLE;
    memcpy(up->sha256, sha256, sizeof up->sha256);
    up->size = put.size;
    up->media_type = sr.media_type;
    up->filename = name;
    up->comment = comment ? comment : "";
    return ST_OK;
}
