/* sniff.c - content signatures, markup detection and ZIP container classification. */
#include "extract/sniff.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "extract/textsink.h"
#include "extract/zipread.h"

#define HEAD 8192

typedef struct kind {
    const char *type;
    const char *ext;
    bool inline_safe;
    bool text;
} kind;

static const kind K_OCTET = {MEDIA_OCTET, "", false, false};
static const kind K_PDF = {MEDIA_PDF, "pdf", true, false};
static const kind K_WEBP = {MEDIA_WEBP, "webp", true, false};
static const kind K_SVG = {MEDIA_SVG, "svg", false, false};
static const kind K_HTML = {MEDIA_HTML, "html", false, false};
static const kind K_XML = {MEDIA_XML, "xml", false, false};
static const kind K_TEXT = {MEDIA_TEXT, "txt", false, true};
static const kind K_MARKDOWN = {MEDIA_MARKDOWN, "md", false, true};
static const kind K_CSV = {MEDIA_CSV, "csv", false, true};
static const kind K_ZIP = {MEDIA_ZIP, "zip", false, false};
static const kind K_DOCX = {MEDIA_DOCX, "docx", false, false};
static const kind K_XLSX = {MEDIA_XLSX, "xlsx", false, false};
static const kind K_PPTX = {MEDIA_PPTX, "pptx", false, false};
static const kind K_ODT = {MEDIA_ODT, "odt", false, false};
static const kind K_ODS = {MEDIA_ODS, "ods", false, false};
static const kind K_ODP = {MEDIA_ODP, "odp", false, false};
static const kind K_ODG = {"application/vnd.oasis.opendocument.graphics", "odg", false, false};
static const kind K_EPUB = {"application/epub+zip", "epub", false, false};
static const kind K_OLE = {"application/x-ole-storage", "", false, false};
static const kind K_DOC = {"application/msword", "doc", false, false};
static const kind K_XLS = {"application/vnd.ms-excel", "xls", false, false};
static const kind K_PPT = {"application/vnd.ms-powerpoint", "ppt", false, false};
static const kind K_MSG = {"application/vnd.ms-outlook", "msg", false, false};

/* Fixed signatures at offset 0 (or at `at`). */
static const struct {
    size_t at;
    const char *magic;
    size_t len;
    kind k;
} signatures[] = {
    {0, "\x89PNG\r\n\x1a\n", 8, {MEDIA_PNG, "png", true, false}},
    {0, "\xff\xd8\xff", 3, {MEDIA_JPEG, "jpg", true, false}},
    {0, "GIF87a", 6, {MEDIA_GIF, "gif", true, false}},
    {0, "GIF89a", 6, {MEDIA_GIF, "gif", true, false}},
    {0, "BM", 2, {"image/bmp", "bmp", false, false}},
    {0, "II*\0", 4, {"image/tiff", "tif", false, false}},
    {0, "MM\0*", 4, {"image/tiff", "tif", false, false}},
    {0, "{\\rtf", 5, {"application/rtf", "rtf", false, false}},
    {0, "\x1f\x8b", 2, {"application/gzip", "gz", false, false}},
    {0, "7z\xbc\xaf\x27\x1c", 6, {"application/x-7z-compressed", "7z", false, false}},
    {0, "Rar!\x1a\x07", 6, {"application/vnd.rar", "rar", false, false}},
    {0, "OggS", 4, {"audio/ogg", "ogg", false, false}},
    {0, "ID3", 3, {"audio/mpeg", "mp3", false, false}},
    {0, "fLaC", 4, {"audio/flac", "flac", false, false}},
    {4, "ftypqt  ", 8, {"video/quicktime", "mov", false, false}},
    {4, "ftyp", 4, {"video/mp4", "mp4", false, false}},
    {0, "\x1a\x45\xdf\xa3", 4, {"video/webm", "webm", false, false}},
};

static void fill(sniff_result *out, const kind *k)
{
    out->media_type = k->type;
    out->extension = k->ext;
    out->inline_safe = k->inline_safe;
    out->is_text = k->text;
}

/* The client's extension, lower-cased into ext (empty when none or absurd). */
static void extension_of(const char *filename, char ext[16])
{
    ext[0] = '\0';
    if (!filename)
        return;
    const char *base = filename;
    for (const char *p = filename; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base || strlen(dot + 1) >= 16)
        return;
    size_t i = 0;
    for (const char *p = dot + 1; *p; p++)
        ext[i++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    ext[i] = '\0';
}

static bool starts_ci(const unsigned char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && strncasecmp((const char *)s, prefix, n) == 0;
}

/* After a tag name: the name must end there ("<a " yes, "<abbr" is another tag). */
static bool tag_at(const unsigned char *s, size_t len, const char *tag)
{
    size_t n = strlen(tag);
    if (!starts_ci(s, len, tag))
        return false;
    return len == n || s[n] == ' ' || s[n] == '>' || s[n] == '\t' || s[n] == '\n' ||
           s[n] == '\r' || s[n] == '/' || s[n] == '\f';
}

static size_t skip_space(const unsigned char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f'))
        i++;
    return i;
}

static const unsigned char *find(const unsigned char *s, size_t len, const char *what)
{
    size_t n = strlen(what);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (memcmp(s + i, what, n) == 0)
            return s + i;
    return NULL;
}

/* XML: the root element decides (svg, html, or anything else). */
static const kind *xml_root(const unsigned char *s, size_t len, size_t i)
{
    for (int guard = 0; guard < 64; guard++) {
        i = skip_space(s, len, i);
        if (i >= len || s[i] != '<')
            return &K_XML;
        const char *close = NULL;
        if (starts_ci(s + i, len - i, "<?"))
            close = "?>";
        else if (starts_ci(s + i, len - i, "<!--"))
            close = "-->";
        else if (starts_ci(s + i, len - i, "<!"))
            close = ">";
        if (close) {
            const unsigned char *end = find(s + i, len - i, close);
            if (!end)
                return &K_XML;
            i = (size_t)(end - s) + strlen(close);
            continue;
        }
        /* The root element, maybe prefixed (svg:svg). */
        size_t j = i + 1, start = j;
        while (j < len && s[j] != ' ' && s[j] != '>' && s[j] != '/' && s[j] != '\t' &&
               s[j] != '\n' && s[j] != '\r')
            j++;
        const unsigned char *name = s + start;
        size_t nlen = j - start;
        const unsigned char *colon = memchr(name, ':', nlen);
        if (colon) {
            nlen -= (size_t)(colon + 1 - name);
            name = colon + 1;
        }
        if (nlen == 3 && strncasecmp((const char *)name, "svg", 3) == 0)
            return &K_SVG;
        if (nlen == 4 && strncasecmp((const char *)name, "html", 4) == 0)
            return &K_HTML;
        return &K_XML;
    }
    return &K_XML;
}

/* Markup that browsers would render: the type it must be handled as, or NULL. */
static const kind *markup(const unsigned char *s, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    i = skip_space(s, len, i);
    if (i >= len || s[i] != '<')
        return NULL;
    const unsigned char *p = s + i;
    size_t n = len - i;
    if (starts_ci(p, n, "<?xml"))
        return xml_root(s, len, i);
    if (starts_ci(p, n, "<!doctype html"))
        return &K_HTML;
    if (starts_ci(p, n, "<!doctype svg"))
        return &K_SVG;
    if (tag_at(p, n, "<svg"))
        return &K_SVG;
    /* The tags HTML's own sniffing algorithm looks for at the start. */
    static const char *const html_tags[] = {
        "<html", "<head", "<script", "<iframe", "<h1", "<div", "<font", "<table", "<a",
        "<style", "<title", "<b", "<body", "<br", "<p", "<meta", "<link", "<form", "<img",
        "<span", "<ul", "<object", "<embed", NULL};
    for (const char *const *t = html_tags; *t; t++)
        if (tag_at(p, n, *t))
            return &K_HTML;
    if (starts_ci(p, n, "<!--"))
        return &K_HTML;
    if (starts_ci(p, n, "<!doctype") || starts_ci(p, n, "<rss") || starts_ci(p, n, "<feed"))
        return &K_XML;
    return NULL;
}

/* Text: no NUL, no control bytes but the usual whitespace, UTF-8 or Windows-1252. */
static bool looks_text(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b)
            return false;
        if (c == 0x7f)
            return false;
    }
    if (textsink_is_utf8(s, len))
        return true;
    /* Latin text saved by older tools: bytes above 0x7f are letters, not binary noise. */
    size_t high = 0;
    for (size_t i = 0; i < len; i++)
        high += s[i] >= 0x80;
    return high * 10 <= len;
}

static const kind *classify_zip(zipread *z)
{
    int m = zipread_find(z, "mimetype");
    if (m == 0) {
        char value[128];
        size_t n = 0;
        const char *why;
        if (zipread_read_small(z, 0, value, sizeof value, &n, &why) == ST_OK) {
            while (n && (value[n - 1] == '\n' || value[n - 1] == '\r' || value[n - 1] == ' '))
                value[--n] = '\0';
            static const kind *const odf[] = {&K_ODT, &K_ODS, &K_ODP, &K_ODG, &K_EPUB};
            for (size_t i = 0; i < sizeof odf / sizeof *odf; i++)
                if (strcmp(value, odf[i]->type) == 0)
                    return odf[i];
        }
    }
    if (zipread_find(z, "[Content_Types].xml") >= 0) {
        if (zipread_find(z, "word/document.xml") >= 0)
            return &K_DOCX;
        if (zipread_find(z, "xl/workbook.xml") >= 0)
            return &K_XLSX;
        if (zipread_find(z, "ppt/presentation.xml") >= 0)
            return &K_PPTX;
    }
    return &K_ZIP;
}

static const zip_limits sniff_zip_limits = {
    .max_expanded = 64 * 1024, .max_ratio = 1000, .max_entries = 100000,
};

static bool is_zip(const unsigned char *s, size_t len)
{
    return len >= 4 && s[0] == 'P' && s[1] == 'K' &&
           ((s[2] == 3 && s[3] == 4) || (s[2] == 5 && s[3] == 6));
}

/* Everything but ZIP containers, from the first bytes. */
static const kind *classify_head(const unsigned char *s, size_t len, const char *filename)
{
    if (len == 0)
        return &K_OCTET;
    /* Readers accept a PDF header anywhere in the first kilobyte; markup before
     * it would make an HTML page that calls itself a PDF, so that is not one. */
    const unsigned char *pdf = find(s, len < 1024 ? len : 1024, "%PDF-");
    if (pdf && !memchr(s, '<', (size_t)(pdf - s)))
        return &K_PDF;
    if (len >= 12 && memcmp(s, "RIFF", 4) == 0) {
        if (memcmp(s + 8, "WEBP", 4) == 0)
            return &K_WEBP;
        if (memcmp(s + 8, "WAVE", 4) == 0) {
            static const kind wav = {"audio/wav", "wav", false, false};
            return &wav;
        }
        if (memcmp(s + 8, "AVI ", 4) == 0) {
            static const kind avi = {"video/x-msvideo", "avi", false, false};
            return &avi;
        }
    }
    for (size_t i = 0; i < sizeof signatures / sizeof *signatures; i++) {
        size_t at = signatures[i].at, n = signatures[i].len;
        if (len >= at + n && memcmp(s + at, signatures[i].magic, n) == 0)
            return &signatures[i].k;
    }
    char ext[16];
    extension_of(filename, ext);
    if (len >= 8 && memcmp(s, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0) {
        if (!strcmp(ext, "doc") || !strcmp(ext, "dot"))
            return &K_DOC;
        if (!strcmp(ext, "xls") || !strcmp(ext, "xlt"))
            return &K_XLS;
        if (!strcmp(ext, "ppt") || !strcmp(ext, "pps"))
            return &K_PPT;
        if (!strcmp(ext, "msg"))
            return &K_MSG;
        return &K_OLE;
    }
    if (!looks_text(s, len))
        return &K_OCTET;
    const kind *m = markup(s, len);
    if (m)
        return m;
    if (!strcmp(ext, "md") || !strcmp(ext, "markdown"))
        return &K_MARKDOWN;
    if (!strcmp(ext, "csv"))
        return &K_CSV;
    return &K_TEXT;
}

void sniff_mem(const void *data, size_t len, const char *filename, sniff_result *out)
{
    const unsigned char *s = data;
    const kind *k;
    if (is_zip(s, len)) {
        zipread *z = NULL;
        const char *why;
        k = zipread_open_mem(data, len, &sniff_zip_limits, &z, &why) == ST_OK ? classify_zip(z)
                                                                                : &K_ZIP;
        zipread_close(z);
    } else {
        k = classify_head(s, len < HEAD ? len : HEAD, filename);
    }
    fill(out, k);
}

rstatus sniff_file(const char *path, const char *filename, sniff_result *out)
{
    fill(out, &K_OCTET);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? ST_NOT_FOUND : ST_INTERNAL;
    unsigned char head[HEAD];
    size_t len = 0;
    while (len < sizeof head) {
        ssize_t n = read(fd, head + len, sizeof head - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(fd);
            return ST_INTERNAL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    const kind *k;
    if (is_zip(head, len)) {
        zipread *z = NULL;
        const char *why;
        k = zipread_open_file(path, &sniff_zip_limits, &z, &why) == ST_OK ? classify_zip(z)
                                                                           : &K_ZIP;
        zipread_close(z);
    } else {
        k = classify_head(head, len, filename);
    }
    fill(out, k);
    return ST_OK;
}

bool sniff_inline_safe(const char *media_type)
{
    static const char *const safe[] = {MEDIA_PDF, MEDIA_PNG, MEDIA_JPEG, MEDIA_GIF, MEDIA_WEBP,
                                       NULL};
    if (!media_type)
        return false;
    for (const char *const *p = safe; *p; p++)
        if (strcmp(*p, media_type) == 0)
            return true;
    return false;
}
