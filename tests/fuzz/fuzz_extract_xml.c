/* fuzz_extract_xml.c - office XML parts through expat and the text rules, in pieces. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "extract/textsink.h"
#include "extract/xmltext.h"

static const char *const text[] = {"t", "p", "h", NULL};
static const char *const lines[] = {"p", "h", "tr", "si", "row", NULL};
static const char *const tabs[] = {"tc", "c", "table-cell", NULL};
static const char *const newline[] = {"br", "line-break", NULL};
static const char *const tab[] = {"tab", NULL};
static const char *const space[] = {"s", NULL};
static const char *const skip[] = {"rPh", "tracked-changes", NULL};
static const xml_rules rules = {text, lines, tabs, newline, tab, space, skip};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t step = (size_t)(data[0] % 29) + 1;
    buf out = BUF_INIT;
    textsink sink;
    textsink_init(&sink, &out, 1 << 16);
    xmltext *x = xmltext_new(&rules, &sink);
    if (!x)
        return 0;
    const char *why = NULL;
    rstatus st = ST_OK;
    size_t i = 1;
    for (; i < size && st == ST_OK; i += step)
        st = xmltext_feed(x, (const char *)data + i, size - i < step ? size - i : step, false, &why);
    if (st == ST_OK)
        st = xmltext_feed(x, "", 0, true, &why);
    if (st != ST_OK && !why)
        __builtin_trap();
    if (out.data && !textsink_is_utf8((const unsigned char *)out.data, out.len))
        __builtin_trap();
    xmltext_free(x);
    buf_free(&out);
    return 0;
}
