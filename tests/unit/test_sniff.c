/* test_sniff.c - media types from content: every sample document, markup traps, inline safety. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "extract/sniff.h"

#define FIXTURES RELAIS_SOURCE_DIR "/tests/fixtures/documents/"

static void expect_file(const char *name, const char *client_name, const char *type,
                        bool inline_safe)
{
    sniff_result r;
    char path[512];
    snprintf(path, sizeof path, "%s%s", FIXTURES, name);
    assert_int_equal(sniff_file(path, client_name, &r), ST_OK);
    if (strcmp(r.media_type, type) != 0)
        fail_msg("%s: %s, expected %s", name, r.media_type, type);
    assert_int_equal(r.inline_safe, inline_safe);
    assert_int_equal(sniff_inline_safe(r.media_type), inline_safe);
}

static void test_sample_documents(void **state)
{
    expect_file("procedure.pdf", "procedure.pdf", MEDIA_PDF, true);
    expect_file("corrupt.pdf", NULL, MEDIA_PDF, true);
    expect_file("procedure.docx", "x.bin", MEDIA_DOCX, false);
    expect_file("lits.xlsx", NULL, MEDIA_XLSX, false);
    expect_file("copil.pptx", NULL, MEDIA_PPTX, false);
    expect_file("projet.odt", NULL, MEDIA_ODT, false);
    expect_file("astreintes.ods", NULL, MEDIA_ODS, false);
    expect_file("pleniere.odp", NULL, MEDIA_ODP, false);
    expect_file("bomb.docx", NULL, MEDIA_DOCX, false);
    /* The directory is intact; only the data is damaged. */
    expect_file("corrupt.docx", NULL, MEDIA_DOCX, false);
    /* No directory at all: a ZIP that cannot be opened is still not a document. */
    expect_file("truncated.docx", "truncated.docx", MEDIA_ZIP, false);
    expect_file("fake.zip", NULL, MEDIA_ZIP, false);
    expect_file("page.html", "page.txt", MEDIA_HTML, false);
    expect_file("evil.svg", "evil.png", MEDIA_SVG, false);
    expect_file("data.xml", NULL, MEDIA_XML, false);
    /* The extension never turns markup into text. */
    expect_file("script.txt", "script.txt", MEDIA_HTML, false);
    expect_file("depeche.txt", "depeche.txt", MEDIA_TEXT, false);
    expect_file("depeche-latin1.txt", NULL, MEDIA_TEXT, false);
    expect_file("journee.md", "journee.md", MEDIA_MARKDOWN, false);
    expect_file("journee.md", "journee.txt", MEDIA_TEXT, false);
    expect_file("pixel.png", "pixel.pdf", MEDIA_PNG, true);
    expect_file("pixel.gif", NULL, MEDIA_GIF, true);
    expect_file("binary.bin", "binary.txt", MEDIA_OCTET, false);
}

static void expect_mem(const char *data, size_t len, const char *name, const char *type)
{
    sniff_result r;
    sniff_mem(data, len, name, &r);
    if (strcmp(r.media_type, type) != 0)
        fail_msg("%.*s: %s, expected %s", (int)(len > 40 ? 40 : len), data, r.media_type, type);
}

#define MEM(s, name, type) expect_mem(s, sizeof s - 1, name, type)

static void test_markup_is_never_text(void **state)
{
    MEM("<!DOCTYPE html><p>x", "a.txt", MEDIA_HTML);
    MEM("\xef\xbb\xbf  \n<HTML>", "a.md", MEDIA_HTML);
    MEM("<script>alert(1)</script>", "a.csv", MEDIA_HTML);
    MEM("<iframe src=x>", NULL, MEDIA_HTML);
    MEM("<a href=x>lien</a>", NULL, MEDIA_HTML);
    MEM("<!-- commentaire -->", NULL, MEDIA_HTML);
    MEM("<svg xmlns='http://www.w3.org/2000/svg'/>", "x.txt", MEDIA_SVG);
    MEM("<?xml version='1.0'?>\n<!-- c --><!DOCTYPE svg><svg:svg xmlns:svg='x'/>", NULL, MEDIA_SVG);
    MEM("<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'/>", NULL, MEDIA_HTML);
    MEM("<?xml version='1.0'?><rapport/>", NULL, MEDIA_XML);
    /* Not tags: text. */
    MEM("<abbr> is not on the list; 3 < 4", "notes.md", MEDIA_MARKDOWN);
    MEM("Bonjour <b>", "notes.csv", MEDIA_CSV);
    /* A PDF signature behind markup does not make a PDF. */
    MEM("<html><!-- %PDF-1.4 --><script>x</script>", NULL, MEDIA_HTML);
    MEM("junk\n%PDF-1.7\n", NULL, MEDIA_PDF);
}

static void test_signatures(void **state)
{
    MEM("", NULL, MEDIA_OCTET);
    MEM("RIFF\x10\0\0\0WEBPVP8 ", NULL, MEDIA_WEBP);
    MEM("\xff\xd8\xff\xe0\0\x10JFIF", "x.gif", MEDIA_JPEG);
    MEM("GIF87a\x01\0", NULL, MEDIA_GIF);
    MEM("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", "Compte rendu.DOC", "application/msword");
    MEM("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", "budget.xls", "application/vnd.ms-excel");
    MEM("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0", NULL, "application/x-ole-storage");
    MEM("\0\0\0\x18" "ftypmp42", NULL, "video/mp4");
    MEM("{\\rtf1\\ansi", NULL, "application/rtf");
    MEM("PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", NULL, MEDIA_ZIP);
    /* Control bytes make binary, Latin-1 accents do not. */
    MEM("abc\x01" "def", "a.txt", MEDIA_OCTET);
    MEM("Caf\xe9 cr\xe8me br\xfbl\xe9" "e et beaucoup de texte ordinaire", "a.txt", MEDIA_TEXT);
    sniff_result r;
    sniff_mem("x", 1, "a.md", &r);
    assert_true(r.is_text);
    assert_string_equal(r.extension, "md");
    sniff_mem("%PDF-1.4", 8, NULL, &r);
    assert_false(r.is_text);
    assert_string_equal(r.extension, "pdf");
}

static void test_inline_safety(void **state)
{
    assert_true(sniff_inline_safe(MEDIA_PDF));
    assert_true(sniff_inline_safe(MEDIA_PNG));
    assert_true(sniff_inline_safe(MEDIA_JPEG));
    assert_true(sniff_inline_safe(MEDIA_WEBP));
    assert_false(sniff_inline_safe(MEDIA_SVG));
    assert_false(sniff_inline_safe(MEDIA_HTML));
    assert_false(sniff_inline_safe(MEDIA_XML));
    assert_false(sniff_inline_safe(MEDIA_TEXT));
    assert_false(sniff_inline_safe("image/bmp"));
    assert_false(sniff_inline_safe(NULL));
}

static void test_missing_file(void **state)
{
    sniff_result r;
    assert_int_equal(sniff_file(FIXTURES "absent.pdf", NULL, &r), ST_NOT_FOUND);
    assert_string_equal(r.media_type, MEDIA_OCTET);
    /* A directory opens but cannot be read. */
    assert_int_equal(sniff_file(FIXTURES, NULL, &r), ST_INTERNAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_documents),
        cmocka_unit_test(test_markup_is_never_text),
        cmocka_unit_test(test_signatures),
        cmocka_unit_test(test_inline_safety),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
