/* test_document.c - display file names, Range headers and Content-Disposition for downloads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "document/document.h"

static void expect_name(const char *in, const char *want)
{
    char out[DOC_FILENAME_MAX + 1];
    doc_filename_clean(in, out);
    assert_string_equal(out, want);
}

static void test_filenames(void **state)
{
    expect_name("Procédure.pdf", "Procédure.pdf");
    expect_name("../../etc/passwd", "passwd");
    expect_name("C:\\Users\\x\\rapport.docx", "rapport.docx");
    expect_name("dossier/", "document");
    expect_name("", "document");
    expect_name(NULL, "document");
    expect_name("..", "document");
    expect_name("  .cache  ", "cache");
    expect_name("a\r\nb\tc\x01" "d", "a b c d");
    expect_name("bad\xff" "byte.txt", "bad\xef\xbf\xbd" "byte.txt");
    /* 300 bytes of accents: cut at 255 bytes, never inside a character. */
    char longname[400] = "";
    for (int i = 0; i < 150; i++)
        strcat(longname, "é");
    char out[DOC_FILENAME_MAX + 1];
    doc_filename_clean(longname, out);
    assert_int_equal(strlen(out), 254);
    assert_int_equal((unsigned char)out[252], 0xC3);
}

static void expect_range(const char *h, unsigned long long size, enum doc_range_result want,
                         unsigned long long start, unsigned long long length)
{
    doc_range r = {0, 0};
    assert_int_equal(doc_range_parse(h, size, &r), want);
    if (want == DOC_RANGE_OK) {
        assert_int_equal(r.start, start);
        assert_int_equal(r.length, length);
    }
}

static void test_ranges(void **state)
{
    expect_range("bytes=0-99", 1000, DOC_RANGE_OK, 0, 100);
    expect_range("bytes=100-", 1000, DOC_RANGE_OK, 100, 900);
    expect_range("bytes=-10", 1000, DOC_RANGE_OK, 990, 10);
    expect_range("bytes=-5000", 1000, DOC_RANGE_OK, 0, 1000);
    expect_range("bytes=900-5000", 1000, DOC_RANGE_OK, 900, 100);
    expect_range("bytes=999-999", 1000, DOC_RANGE_OK, 999, 1);
    expect_range("bytes=1000-", 1000, DOC_RANGE_UNSATISFIABLE, 0, 0);
    expect_range("bytes=-0", 1000, DOC_RANGE_UNSATISFIABLE, 0, 0);
    expect_range("bytes=0-", 0, DOC_RANGE_UNSATISFIABLE, 0, 0);
    /* Not understood: the whole file. */
    expect_range(NULL, 1000, DOC_RANGE_NONE, 0, 0);
    expect_range("bytes=0-1,5-6", 1000, DOC_RANGE_NONE, 0, 0);
    expect_range("items=0-1", 1000, DOC_RANGE_NONE, 0, 0);
    expect_range("bytes=5-1", 1000, DOC_RANGE_NONE, 0, 0);
    expect_range("bytes=a-b", 1000, DOC_RANGE_NONE, 0, 0);
    expect_range("bytes=-", 1000, DOC_RANGE_NONE, 0, 0);
    expect_range("bytes=99999999999999999999-", 1000, DOC_RANGE_NONE, 0, 0);
    expect_range("bytes=1-2-3", 1000, DOC_RANGE_NONE, 0, 0);
}

static void expect_disposition(const char *name, bool inline_, const char *want)
{
    buf b = BUF_INIT;
    doc_content_disposition(name, inline_, &b);
    assert_string_equal(b.data, want);
    buf_free(&b);
}

static void test_disposition(void **state)
{
    expect_disposition("rapport.pdf", true, "inline; filename=\"rapport.pdf\"; filename*=UTF-8''rapport.pdf");
    expect_disposition("Compte rendu é\"x\".docx", false,
                       "attachment; filename=\"Compte rendu __x_.docx\"; "
                       "filename*=UTF-8''Compte%20rendu%20%C3%A9%22x%22.docx");
    expect_disposition("日本", false, "attachment; filename=\"__\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC");
    expect_disposition("a;b\\c", false, "attachment; filename=\"a;b_c\"; filename*=UTF-8''a%3Bb%5Cc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filenames),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_disposition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
