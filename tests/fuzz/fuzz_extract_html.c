/* fuzz_extract_html.c - the HTML stripper and the text sink, fed in pieces of varying size. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/html.h"
#include "extract/textsink.h"

static char *strip(const uint8_t *data, size_t size, size_t step, bool cp1252, size_t max)
{
    buf out = BUF_INIT;
    textsink t;
    textsink_init(&t, &out, max);
    t.cp1252 = cp1252;
    html_strip h;
    html_strip_init(&h, &t);
    for (size_t i = 0; i < size; i += step)
        html_strip_feed(&h, (const char *)data + i, size - i < step ? size - i : step);
    html_strip_finish(&h);
    /* Whatever came in, what goes out is valid UTF-8 without NUL, within the cap. */
    if (out.len > max || (out.data && strlen(out.data) != out.len) ||
        (out.data && !textsink_is_utf8((const unsigned char *)out.data, out.len)))
        __builtin_trap();
    if (out.data && out.len && (out.data[out.len - 1] & 0xC0) == 0xC0)
        __builtin_trap();   /* a character cut in half at the end */
    return out.data ? out.data : strdup("");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t step = (size_t)(data[0] % 17) + 1;
    bool cp1252 = data[0] & 0x80;
    char *whole = strip(data + 1, size - 1, size, cp1252, 1 << 20);
    char *pieces = strip(data + 1, size - 1, step, cp1252, 1 << 20);
    /* Chunk boundaries never change the text. */
    if (strcmp(whole, pieces) != 0)
        __builtin_trap();
    free(whole);
    free(pieces);
    free(strip(data + 1, size - 1, step, cp1252, (size_t)(data[0] % 64)));
    return 0;
}
