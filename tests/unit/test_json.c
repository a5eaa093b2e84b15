/* test_json.c - body parsing limits, typed field access, the error shape, escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "util/json.h"

static json_t *parse(const char *s, rstatus *st, char *err)
{
    return json_parse_body(s, strlen(s), st, err, 256);
}

static void test_parse_ok_and_errors(void **state)
{
    rstatus st;
    char err[256];
    json_t *v = parse("{\"nom\":\"Hôpital d’Avignon\",\"n\":3}", &st, err);
    assert_non_null(v);
    assert_int_equal(st, ST_OK);
    json_decref(v);

    assert_null(parse("{\"a\":", &st, err));
    assert_int_equal(st, ST_INVALID_JSON);
    assert_non_null(strstr(err, "line 1"));

    assert_null(parse("{\"a\":1,\"a\":2}", &st, err));     /* duplicate keys */
    assert_int_equal(st, ST_INVALID_JSON);
    assert_null(parse("{} trailing", &st, err));
    assert_null(json_parse_body("{\"a\":\"\0\"}", 9, &st, err, sizeof err));
    assert_int_equal(st, ST_INVALID_JSON);
}

static void test_depth_limit(void **state)
{
    rstatus st;
    char err[256];
    char deep[200];
    memset(deep, '[', 65);
    memset(deep + 65, ']', 65);
    deep[130] = '\0';
    assert_null(parse(deep, &st, err));
    assert_non_null(strstr(err, "64"));
    /* Brackets inside strings do not count. */
    char ok[300] = "{\"s\":\"";
    memset(ok + 6, '[', 100);
    strcpy(ok + 106, "\"}");
    json_t *v = parse(ok, &st, err);
    assert_non_null(v);
    json_decref(v);
    memset(deep, '[', 64);
    memset(deep + 64, ']', 64);
    deep[128] = '\0';
    v = parse(deep, &st, err);
    assert_non_null(v);
    json_decref(v);
}

static void test_typed_fields(void **state)
{
    char err[256];
    json_t *o = json_pack("{s:s, s:i, s:b, s:i}", "name", "ARS Occitanie", "n", 5, "on", 1,
                          "str", 3);
    const char *s = NULL;
    long long n = 0;
    bool b = false;
    assert_int_equal(json_get_string(o, "name", true, 100, &s, err, sizeof err), ST_OK);
    assert_string_equal(s, "ARS Occitanie");
    assert_int_equal(json_get_string(o, "name", true, 5, &s, err, sizeof err), ST_UNPROCESSABLE);
    assert_non_null(strstr(err, "name"));
    assert_int_equal(json_get_string(o, "missing", true, 5, &s, err, sizeof err), ST_UNPROCESSABLE);
    assert_int_equal(json_get_string(o, "missing", false, 5, &s, err, sizeof err), ST_OK);
    assert_int_equal(json_get_string(o, "n", true, 5, &s, err, sizeof err), ST_UNPROCESSABLE);
    assert_int_equal(json_get_int(o, "n", true, 0, 10, &n, err, sizeof err), ST_OK);
    assert_int_equal(n, 5);
    assert_int_equal(json_get_int(o, "n", true, 6, 10, &n, err, sizeof err), ST_UNPROCESSABLE);
    assert_int_equal(json_get_bool(o, "on", true, &b, err, sizeof err), ST_OK);
    assert_true(b);
    assert_int_equal(json_get_bool(o, "str", true, &b, err, sizeof err), ST_UNPROCESSABLE);
    json_decref(o);
}

static void test_error_rendering(void **state)
{
    /* Every status renders as {"error":{"code","message"}} with its own code. */
    for (int st = 1; st < ST__COUNT; st++) {
        buf b = BUF_INIT;
        json_render_error(&b, (rstatus)st, NULL);
        json_error_t je;
        json_t *v = json_loadb(b.data, b.len, 0, &je);
        assert_non_null(v);
        json_t *e = json_object_get(v, "error");
        assert_true(json_is_object(e));
        assert_int_equal(json_object_size(v), 1);
        assert_string_equal(json_string_value(json_object_get(e, "code")), status_code((rstatus)st));
        assert_true(strlen(json_string_value(json_object_get(e, "message"))) > 0);
        assert_true(status_http((rstatus)st) >= 400 && status_http((rstatus)st) < 600);
        json_decref(v);
        buf_free(&b);
    }
    /* A custom message is escaped, never spliced. */
    buf b = BUF_INIT;
    json_render_error(&b, ST_UNPROCESSABLE, "quote \" backslash \\ newline \n tab \t ctl \x01");
    json_t *v = json_loadb(b.data, b.len, 0, NULL);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"), "message")),
                        "quote \" backslash \\ newline \n tab \t ctl \x01");
    json_decref(v);
    buf_free(&b);
}

static void test_status_table(void **state)
{
    assert_int_equal(status_http(ST_OK), 200);
    assert_int_equal(status_http(ST_NOT_FOUND), 404);
    assert_int_equal(status_http(ST_METHOD_NOT_ALLOWED), 405);
    assert_int_equal(status_http(ST_UNAVAILABLE), 503);
    assert_int_equal(status_http((rstatus)9999), 500);
    assert_string_equal(status_code(ST_PAYLOAD_TOO_LARGE), "payload_too_large");
    assert_int_equal(status_from_http(415), ST_UNSUPPORTED_MEDIA);
    int wanted[] = {400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503};
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
        assert_int_equal(status_http(status_from_http(wanted[i])), wanted[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok_and_errors),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_typed_fields),
        cmocka_unit_test(test_error_rendering),
        cmocka_unit_test(test_status_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
