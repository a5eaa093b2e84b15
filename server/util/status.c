/* status.c - lookups generated from RELAIS_STATUS_TABLE. */
#include "util/status.h"

static const struct {
    int http;
    const char *code;
    const char *message;
} rows[] = {
#define X(name, http, code, msg) {http, code, msg},
    RELAIS_STATUS_TABLE(X)
#undef X
};

int status_http(rstatus st)
{
    if ((unsigned)st >= ST__COUNT)
        return 500;
    return rows[st].http;
}

const char *status_code(rstatus st)
{
    if ((unsigned)st >= ST__COUNT)
        return rows[ST_INTERNAL].code;
    return rows[st].code;
}

const char *status_message(rstatus st)
{
    if ((unsigned)st >= ST__COUNT)
        return rows[ST_INTERNAL].message;
    return rows[st].message;
}

rstatus status_from_http(int http)
{
    for (int i = 0; i < ST__COUNT; i++)
        if (rows[i].http == http)
            return (rstatus)i;
    return ST_INTERNAL;
}
