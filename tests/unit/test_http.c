/* test_http.c - header parsing helpers: Accept-Encoding, If-None-Match, gzip round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "http/response.h"

static void test_accepts_gzip(void **state)
{
    assert_true(http_accepts_gzip("gzip"));
    assert_true(http_accepts_gzip("gzip, deflate, br"));
    assert_true(http_accepts_gzip("br;q=1.0, gzip;q=0.8"));
    assert_true(http_accepts_gzip("*"));
    assert_true(http_accepts_gzip("GZIP"));
    assert_false(http_accepts_gzip(NULL));
    assert_false(http_accepts_gzip(""));
    assert_false(http_accepts_gzip("br"));
    assert_false(http_accepts_gzip("gzip;q=0"));
    assert_false(http_accepts_gzip("x-gzip2"));
    assert_false(http_accepts_gzip("identity"));
}

static void test_etag_matches(void **state)
{
    assert_true(http_etag_matches("\"abc\"", "\"abc\""));
    assert_true(http_etag_matches("\"x\", \"abc\"", "\"abc\""));
    assert_true(http_etag_matches("W/\"abc\"", "\"abc\""));
    assert_true(http_etag_matches("*", "\"abc\""));
    assert_false(http_etag_matches("\"abcd\"", "\"abc\""));
    assert_false(http_etag_matches("\"ab\"", "\"abc\""));
    assert_false(http_etag_matches(NULL, "\"abc\""));
    assert_false(http_etag_matches("", "\"abc\""));
}

static void test_gzip_round_trip(void **state)
{
    size_t len = 20000;
    char *in = malloc(len);
    for (size_t i = 0; i < len; i++)
        in[i] = "Groupement hospitalier de territoire "[i % 36];
    size_t zlen;
    char *z = http_gzip(in, len, &zlen);
    assert_non_null(z);
    assert_true(zlen < len / 4);

    char *out = malloc(len);
    z_stream zs = {0};
    assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = (Bytef *)z;
    zs.avail_in = (uInt)zlen;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)len;
    assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
    assert_int_equal(zs.total_out, len);
    inflateEnd(&zs);
    assert_memory_equal(in, out, len);
    free(in);
    free(out);
    free(z);

    /* Incompressible input is refused rather than grown. */
    unsigned char noise[512];
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (unsigned char)((i * 2654435761u) >> 13);
    char *zn = http_gzip(noise, sizeof noise, &zlen);
    if (zn)
        assert_true(zlen < sizeof noise);
    free(zn);
}

static void test_compressible_types(void **state)
{
    assert_true(http_is_compressible("application/json; charset=utf-8"));
    assert_true(http_is_compressible("text/css"));
    assert_true(http_is_compressible("image/svg+xml"));
    assert_false(http_is_compressible("image/png"));
    assert_false(http_is_compressible("application/pdf"));
    assert_false(http_is_compressible(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_gzip),
        cmocka_unit_test(test_etag_matches),
        cmocka_unit_test(test_gzip_round_trip),
        cmocka_unit_test(test_compressible_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
