/* testhooks.c - routes for the test suites only (RELAIS_TEST_HOOKS=1). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "http/upload.h"
#include "ops/ops.h"

rstatus test_sleep(request *r)
{
    const char *s = req_query(r, "seconds");
    char *end;
    double seconds = s ? strtod(s, &end) : 0;
    if (!s || *end || seconds < 0 || seconds > 30)
        return req_fail(r, ST_BAD_REQUEST, "seconds must be a number from 0 to 30.");
    db_conn *db;
    rstatus st = req_db(r, &db);
    if (st != ST_OK)
        return st;
    const char *params[] = {s};
    st = db_exec(db, "SELECT pg_sleep($1::float8)", 1, params);
    if (st != ST_OK)
        return st;
    return reply_json(r, 200, json_pack("{s:f}", "slept", seconds));
}

rstatus test_fail(request *r)
{
    return req_fail(r, ST_INTERNAL, NULL);
}

rstatus test_echo(request *r)
{
    json_t *v = r->json ? json_incref(r->json) : json_null();
    return reply_json(r, 200, json_pack("{s:o}", "echo", v));
}

/* Refuses before the body is read when the client asks for it (X-Test-Refuse: 1). */
rstatus test_upload_precheck(request *r)
{
    const char *refuse = req_header(r, "X-Test-Refuse");
    if (refuse && strcmp(refuse, "1") == 0)
        return req_fail(r, ST_FORBIDDEN, "Refused before the upload, as asked.");
    return ST_OK;
}

rstatus test_upload(request *r)
{
    json_t *files = json_array();
    for (int i = 0; r->upload && i < r->upload->nfiles; i++) {
        upload_file *f = &r->upload->files[i];
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, f->sha256, sizeof f->sha256);
        json_array_append_new(files, json_pack("{s:s, s:s, s:s, s:I, s:s}", "field", f->field,
                                               "filename", f->filename, "client_type",
                                               f->client_type, "size", (json_int_t)f->size,
                                               "sha256", hex));
    }
    json_t *fields = json_object();
    for (int i = 0; r->upload && i < r->upload->nfields; i++)
        json_object_set_new(fields, r->upload->fields[i].name,
                            json_string(r->upload->fields[i].value));
    return reply_json(r, 200, json_pack("{s:o, s:o}", "files", files, "fields", fields));
}
