/* test_extract.c - text extraction: every format, the text sink, HTML, limits and hostile files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract/extract.h"
#include "extract/html.h"
#include "extract/sniff.h"
#include "extract/textsink.h"
#include "extract/zipwrite.h"

#define FIXTURES RELAIS_SOURCE_DIR "/tests/fixtures/documents/"

static extract_limits lim;

static int reset_limits(void **state)
{
    extract_limits_default(&lim);
    return 0;
}

/* Extracts a fixture; the text, owned by the caller (free()). */
static char *extract(const char *name, const char *type, rstatus expect, extract_info *info)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", FIXTURES, name);
    buf out = BUF_INIT;
    extract_info local;
    if (!info)
        info = &local;
    rstatus st = extract_text(path, type, &lim, &out, info);
    if (st != expect)
        fail_msg("%s: status %d (%s), expected %d", name, st, info->error ? info->error : "-",
                 expect);
    if (st != ST_OK)
        assert_non_null(info->error);
    char *text = out.data ? out.data : strdup("");
    assert_true(textsink_is_utf8((const unsigned char *)text, strlen(text)));
    return text;
}

static void expect_text(const char *name, const char *type, const char *want)
{
    char *got = extract(name, type, ST_OK, NULL);
    assert_string_equal(got, want);
    free(got);
}

static void test_office_documents(void **state)
{
    expect_text("procedure.docx", MEDIA_DOCX,
                "Procédure d'hygiène des mains\nFriction hydro-alcoolique\tavant\nchaque soin.\n"
                "Service\nRéférent\n");
    expect_text("lits.xlsx", MEDIA_XLSX,
                "Établissement\nCapacité en lits\nEHPAD Les Tilleuls\n");
    /* Slides in their numeric order (1, 2, 10), not the archive's. */
    expect_text("copil.pptx", MEDIA_PPTX,
                "Comité de pilotage du GHT\nOrdre du jour\nDeuxième diapositive\nTélémédecine\n"
                "Dixième diapositive\nConclusion\n");
    expect_text("projet.odt", MEDIA_ODT,
                "Projet médical partagé\nFilière gériatrique\tet\nsoins de suite.\nNoteprécision\n");
    expect_text("astreintes.ods", MEDIA_ODS, "Médecin\nTéléphone\nDr Lefèvre\n4\n");
    expect_text("pleniere.odp", MEDIA_ODP, "Réunion plénière de l'ARS\n");
}

static void test_html(void **state)
{
    char *text = extract("page.html", MEDIA_HTML, ST_OK, NULL);
    assert_string_equal(text,
                        "Procédure & qualité\nHygiène des mains\n"
                        "Friction « hydro-alcoolique » – 30 s\nService\tRéférent\n"
                        "AT&T &unknown; 3 < 4\n");
    /* Scripts, styles, comments and noscript never reach the index. */
    assert_null(strstr(text, "jamais"));
    assert_null(strstr(text, "invisible"));
    assert_null(strstr(text, "caché"));
    assert_null(strstr(text, "activez"));
    free(text);
}

static void test_plain_text_and_markdown(void **state)
{
    char *utf8 = extract("depeche.txt", MEDIA_TEXT, ST_OK, NULL);
    assert_non_null(strstr(utf8, "TSN: les ARS témoignent des apports du programme"));
    char *latin1 = extract("depeche-latin1.txt", MEDIA_TEXT, ST_OK, NULL);
    assert_non_null(strstr(latin1, "TSN: les ARS témoignent des apports du programme"));
    free(utf8);
    free(latin1);
    char *md = extract("journee.md", MEDIA_MARKDOWN, ST_OK, NULL);
    assert_non_null(strstr(md, "# JOURNEE DE LA COMMUNAUTE DE PRATIQUES DE L'ANAP"));
    assert_non_null(strstr(md, "Programme ESMS Numérique"));
    free(md);
}

static void test_output_cap(void **state)
{
    lim.max_output = 101;
    extract_info info;
    char *text = extract("depeche.txt", MEDIA_TEXT, ST_OK, &info);
    assert_true(info.truncated);
    assert_true(strlen(text) <= 101);
    assert_true(strlen(text) >= 97);    /* cut on a character boundary, not before */
    free(text);
    lim.max_output = 20;
    text = extract("procedure.docx", MEDIA_DOCX, ST_OK, &info);
    assert_true(info.truncated);
    assert_string_equal(text, "Procédure d'hygièn");
    free(text);
}

static void test_pdf(void **state)
{
    expect_text("procedure.pdf", MEDIA_PDF, "Procédure d’hygiène des mains\n");
    extract_info info;
    free(extract("corrupt.pdf", MEDIA_PDF, ST_UNPROCESSABLE, &info));
    assert_non_null(strstr(info.error, "damaged"));
    free(extract("absent.pdf", MEDIA_PDF, ST_NOT_FOUND, &info));
}

/* A stand-in for pdftotext, to drive the deadline and the cap. */
static void fake_reader(char path[64], const char *body)
{
    snprintf(path, 64, "/tmp/relais-fake-pdftotext-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    char script[256];
    int n = snprintf(script, sizeof script, "#!/bin/sh\n%s\n", body);
    assert_int_equal(write(fd, script, (size_t)n), n);
    close(fd);
    chmod(path, 0700);
}

static void test_pdf_reader_is_bounded(void **state)
{
    char reader[64];
    extract_info info;
    /* Never answers: killed at the deadline. */
    fake_reader(reader, "exec sleep 60");
    lim.pdftotext = reader;
    lim.timeout_seconds = 1;
    free(extract("procedure.pdf", MEDIA_PDF, ST_UNPROCESSABLE, &info));
    assert_non_null(strstr(info.error, "too long"));
    unlink(reader);
    /* Talks forever: cut at the output cap, then killed. */
    fake_reader(reader, "exec yes 'ligne sans fin'");
    lim.timeout_seconds = 30;
    lim.max_output = 4096;
    char *text = extract("procedure.pdf", MEDIA_PDF, ST_OK, &info);
    assert_true(info.truncated);
    assert_true(strlen(text) <= 4096);
    assert_non_null(strstr(text, "ligne sans fin"));
    free(text);
    unlink(reader);
    /* Missing: the server's problem, not the document's. */
    lim.pdftotext = "/nonexistent/pdftotext";
    free(extract("procedure.pdf", MEDIA_PDF, ST_INTERNAL, &info));
}

static void test_zip_bombs_and_damage(void **state)
{
    extract_info info;
    free(extract("bomb.docx", MEDIA_DOCX, ST_UNPROCESSABLE, &info));
    assert_non_null(strstr(info.error, "zip bomb"));
    /* With the ratio out of the way, the total budget stops it. */
    lim.max_ratio = 1u << 30;
    lim.max_expanded = 4u << 20;
    free(extract("bomb.docx", MEDIA_DOCX, ST_UNPROCESSABLE, &info));
    assert_non_null(strstr(info.error, "size limit"));
    reset_limits(NULL);
    free(extract("corrupt.docx", MEDIA_DOCX, ST_UNPROCESSABLE, &info));
    free(extract("truncated.docx", MEDIA_DOCX, ST_UNPROCESSABLE, &info));
    free(extract("fake.zip", MEDIA_ODT, ST_UNPROCESSABLE, &info));
    free(extract("page.html", MEDIA_XLSX, ST_UNPROCESSABLE, &info));
    lim.max_entries = 2;
    free(extract("procedure.docx", MEDIA_DOCX, ST_UNPROCESSABLE, &info));
    assert_non_null(strstr(info.error, "too many"));
}

static void test_unsupported_and_missing(void **state)
{
    extract_info info;
    free(extract("pixel.png", MEDIA_PNG, ST_UNSUPPORTED_MEDIA, &info));
    free(extract("evil.svg", MEDIA_SVG, ST_UNSUPPORTED_MEDIA, &info));
    free(extract("pixel.png", NULL, ST_UNSUPPORTED_MEDIA, &info));
    free(extract("absent.txt", MEDIA_TEXT, ST_NOT_FOUND, &info));
    free(extract("absent.docx", MEDIA_DOCX, ST_NOT_FOUND, &info));
    assert_true(extract_supports(MEDIA_ODP));
    assert_false(extract_supports(MEDIA_SVG));
    buf out = BUF_INIT;
    assert_int_equal(extract_text_mem("%PDF-1.4", 8, MEDIA_PDF, &lim, &out, &info),
                     ST_UNSUPPORTED_MEDIA);
    buf_free(&out);
}

/* A DOCX in memory whose document part is `xml`, written with our own ZIP writer. */
static int to_buf(void *ctx, const void *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

static rstatus docx_with(const char *xml, buf *text, extract_info *info)
{
    buf zip = BUF_INIT;
    zipw *z = zipw_new(to_buf, &zip);
    assert_int_equal(zipw_add(z, "[Content_Types].xml", 0, ZIPW_DEFLATE, "<Types/>", 8), ST_OK);
    assert_int_equal(zipw_add(z, "word/document.xml", 0, ZIPW_DEFLATE, xml, strlen(xml)), ST_OK);
    assert_int_equal(zipw_finish(z), ST_OK);
    zipw_free(z);
    sniff_result r;
    sniff_mem(zip.data, zip.len, NULL, &r);
    assert_string_equal(r.media_type, MEDIA_DOCX);
    rstatus st = extract_text_mem(zip.data, zip.len, MEDIA_DOCX, &lim, text, info);
    buf_free(&zip);
    return st;
}

static void test_hostile_xml(void **state)
{
    buf text = BUF_INIT;
    extract_info info;
    assert_int_equal(docx_with("<w:document xmlns:w='x'><w:p><w:t>a&amp;b</w:t></w:p></w:document>",
                               &text, &info), ST_OK);
    assert_string_equal(text.data, "a&b\n");
    buf_reset(&text);
    /* Billion laughs: refused at the DOCTYPE, before any entity is defined. */
    const char *laughs =
        "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY a 'aaaaaaaaaa'>"
        "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;'>]>"
        "<d><t>&c;</t></d>";
    assert_int_equal(docx_with(laughs, &text, &info), ST_UNPROCESSABLE);
    assert_non_null(strstr(info.error, "DOCTYPE"));
    /* External entities never load either. */
    assert_int_equal(docx_with("<!DOCTYPE d SYSTEM 'file:///etc/passwd'><d>&x;</d>", &text, &info),
                     ST_UNPROCESSABLE);
    assert_int_equal(docx_with("<w:document><w:p><w:t>unclosed", &text, &info), ST_UNPROCESSABLE);
    assert_non_null(strstr(info.error, "malformed"));
    char deep[8000] = "";
    for (int i = 0; i < 1000; i++)
        strcat(deep, "<a>");
    assert_int_equal(docx_with(deep, &text, &info), ST_UNPROCESSABLE);
    assert_non_null(strstr(info.error, "deeply"));
    buf_free(&text);
}

static char *sink_run(bool cp1252, size_t max, const char *const *chunks, size_t *lens, int n)
{
    buf out = BUF_INIT;
    textsink t;
    textsink_init(&t, &out, max);
    t.cp1252 = cp1252;
    for (int i = 0; i < n; i++)
        textsink_text(&t, chunks[i], lens[i]);
    textsink_finish(&t);
    return out.data ? out.data : strdup("");
}

static void expect_sink(const char *in, size_t len, const char *want)
{
    const char *chunks[] = {in};
    size_t lens[] = {len};
    char *got = sink_run(false, 1000, chunks, lens, 1);
    assert_string_equal(got, want);
    free(got);
    /* Byte by byte gives the same text: characters split across chunks survive. */
    buf out = BUF_INIT;
    textsink t;
    textsink_init(&t, &out, 1000);
    for (size_t i = 0; i < len; i++)
        textsink_text(&t, in + i, 1);
    textsink_finish(&t);
    assert_string_equal(out.data ? out.data : "", want);
    buf_free(&out);
}

#define SINK(in, want) expect_sink(in, sizeof in - 1, want)

static void test_text_sink(void **state)
{
    SINK("é à ç", "é à ç");
    SINK("  a  \t b\r\n\r\nc  ", "a b\nc ");
    SINK("nul\0byte\x01" "ctl", "nul byte ctl");
    SINK("\xef\xbb\xbf" "bom", "bom");
    SINK("bad\xff" "byte", "bad\xef\xbf\xbd" "byte");
    SINK("overlong\xc0\xaf", "overlong\xef\xbf\xbd\xef\xbf\xbd");
    SINK("surrogate\xed\xa0\x80!", "surrogate\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!");
    SINK("cut\xe2\x82", "cut\xef\xbf\xbd");
    SINK("\xe2\x82\xac\xf0\x9f\x98\x80", "€😀");
    SINK("c1\xc2\x85" "next", "c1\nnext");
    assert_true(textsink_is_utf8((const unsigned char *)"caf\xc3", 4));
    assert_false(textsink_is_utf8((const unsigned char *)"caf\xc3" "x", 5));
    /* Windows-1252 mode: the bytes of older French files. */
    const char *latin[] = {"caf\xe9 \x80 \x92 \x9c"};
    size_t llen[] = {strlen(latin[0])};
    char *got = sink_run(true, 1000, latin, llen, 1);
    assert_string_equal(got, "café € ’ œ");
    free(got);
    /* The cap never splits a character: 3 bytes of "éé" keep one é. */
    const char *two[] = {"éé"};
    size_t tlen[] = {4};
    got = sink_run(false, 3, two, tlen, 1);
    assert_string_equal(got, "é");
    free(got);
    /* Separators: nothing first, newline wins over a space. */
    buf out = BUF_INIT;
    textsink t;
    textsink_init(&t, &out, 100);
    textsink_sep(&t, '\n');
    textsink_text(&t, "a", 1);
    textsink_sep(&t, ' ');
    textsink_sep(&t, '\n');
    textsink_sep(&t, '\t');
    textsink_codepoint(&t, 0xD800);
    textsink_codepoint(&t, 0x110000);
    assert_string_equal(out.data, "a\n\xef\xbf\xbd\xef\xbf\xbd");
    buf_free(&out);
}

static char *strip(const char *html, size_t step)
{
    buf out = BUF_INIT;
    textsink t;
    textsink_init(&t, &out, 10000);
    html_strip h;
    html_strip_init(&h, &t);
    size_t len = strlen(html);
    for (size_t i = 0; i < len; i += step)
        html_strip_feed(&h, html + i, len - i < step ? len - i : step);
    html_strip_finish(&h);
    return out.data ? out.data : strdup("");
}

static void expect_strip(const char *html, const char *want)
{
    /* Whole, in odd pieces and byte by byte: the same text. */
    static const size_t steps[] = {100000, 7, 1};
    for (size_t i = 0; i < 3; i++) {
        char *got = strip(html, steps[i]);
        if (strcmp(got, want) != 0)
            fail_msg("step %zu: [%s], expected [%s]", steps[i], got, want);
        free(got);
    }
}

static void test_html_stripper(void **state)
{
    expect_strip("<p>a</p><p>b</p>", "a\nb\n");
    expect_strip("&eacute;&Eacute;&#233;&#xE9;&#XE9;&oelig;&euro;&hellip;", "éÉéééœ€…");
    expect_strip("&#146;&#0;&#xD800;&#1114112;&#x;&#;", "’\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd&#x;&#;");
    expect_strip("a &amp b &copy 2024", "a & b © 2024");
    expect_strip("<ScRiPt type=x>if (a<b) document.write('</p>')</sCrIpT >after", "after");
    expect_strip("<style>p{}</style><STYLE>q{}</style>texte", "texte");
    expect_strip("<a href=\"x>y\" title='>'>lien</a>", "lien");
    expect_strip("<!-- a -- b --->c<!--->d", "cd");
    expect_strip("<!DOCTYPE html><?php echo 1 ?>e", "e");
    expect_strip("x < y > z", "x < y > z");
    expect_strip("<td>1</td><td>2</td>", "1\t2");
    expect_strip("fin &", "fin &");
    expect_strip("fin <", "fin <");
    expect_strip("<script>jamais fermé", "");
    expect_strip("&verylongentitynamethatgoesonandonandon;", "&verylongentitynamethatgoesonandonandon;");
    assert_int_equal(html_entity("nbsp", 4), 0xA0);
    assert_int_equal(html_entity("yuml", 4), 0xFF);
    assert_int_equal(html_entity("Yuml", 4), 0x178);
    assert_int_equal(html_entity("nope", 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_office_documents, reset_limits),
        cmocka_unit_test_setup(test_html, reset_limits),
        cmocka_unit_test_setup(test_plain_text_and_markdown, reset_limits),
        cmocka_unit_test_setup(test_output_cap, reset_limits),
        cmocka_unit_test_setup(test_pdf, reset_limits),
        cmocka_unit_test_setup(test_pdf_reader_is_bounded, reset_limits),
        cmocka_unit_test_setup(test_zip_bombs_and_damage, reset_limits),
        cmocka_unit_test_setup(test_unsupported_and_missing, reset_limits),
        cmocka_unit_test_setup(test_hostile_xml, reset_limits),
        cmocka_unit_test(test_text_sink),
        cmocka_unit_test(test_html_stripper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
