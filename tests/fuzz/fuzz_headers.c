/* fuzz_headers.c - request header values we parse: Accept-Encoding, If-None-Match. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    http_accepts_gzip(s);
    char *sep = strchr(s, '\n');
    if (sep) {
        *sep = '\0';
        http_etag_matches(s, sep + 1);
    } else {
        http_etag_matches(s, "\"abc\"");
    }
    http_is_compressible(s);
    free(s);
    return 0;
}
