/* fuzz_json.c - request bodies: json_parse_body and the typed field readers. */
#include <stddef.h>
#include <stdint.h>

#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rstatus st;
    char err[256];
    json_t *v = json_parse_body((const char *)data, size, &st, err, sizeof err);
    if (!v) {
        if (st != ST_INVALID_JSON)
            __builtin_trap();
        return 0;
    }
    const char *s;
    long long n;
    bool b;
    json_get_string(v, "name", false, 64, &s, err, sizeof err);
    json_get_int(v, "n", false, -5, 5, &n, err, sizeof err);
    json_get_bool(v, "b", false, &b, err, sizeof err);
    buf out = BUF_INIT;
    json_render(&out, v);
    json_render_error(&out, ST_UNPROCESSABLE, err);
    buf_free(&out);
    json_decref(v);
    return 0;
}
