/* fuzz_extract_office.c - ZIP containers through minizip and the OOXML/ODF readers, plus sniffing. */
#include <stddef.h>
#include <stdint.h>

#include "extract/extract.h"
#include "extract/sniff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {MEDIA_DOCX, MEDIA_XLSX, MEDIA_PPTX,
                                        MEDIA_ODT,  MEDIA_ODS,  MEDIA_ODP};
    extract_limits lim;
    extract_limits_default(&lim);
    /* Small budgets so a bomb among the inputs costs milliseconds, not seconds. */
    lim.max_output = 64 * 1024;
    lim.max_expanded = 4 * 1024 * 1024;
    sniff_result r;
    sniff_mem(data, size, "fuzz.docx", &r);
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        buf out = BUF_INIT;
        extract_info info;
        rstatus st = extract_text_mem(data, size, types[i], &lim, &out, &info);
        if (st == ST_OK && out.len > lim.max_output)
            __builtin_trap();
        if (st != ST_OK && st != ST_NOMEM && !info.error)
            __builtin_trap();
        buf_free(&out);
    }
    return 0;
}
