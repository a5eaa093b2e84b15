/* test_people.c - the people module's pure helpers and the audit trail's CSV and date parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "audit/audit.h"
#include "http/request.h"
#include "people/people.h"

static void test_image_sniff(void **state)
{
    static const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1";
    static const unsigned char jpeg[] = "\xFF\xD8\xFF\xE0\0\x10JFIF";
    static const unsigned char gif[] = "GIF89a\1\0\1\0\0\0\0";
    static const unsigned char webp[] = "RIFF\x1a\0\0\0WEBPVP8L\0";
    assert_string_equal(people_image_sniff(png, sizeof png - 1), "image/png");
    assert_string_equal(people_image_sniff(jpeg, sizeof jpeg - 1), "image/jpeg");
    assert_string_equal(people_image_sniff(gif, sizeof gif - 1), "image/gif");
    assert_string_equal(people_image_sniff("GIF87a\1\0\1\0\0\0\0", 13), "image/gif");
    assert_string_equal(people_image_sniff(webp, sizeof webp - 1), "image/webp");
    /* Truncated, foreign or dangerous: nothing. */
    assert_null(people_image_sniff(png, 8));
    assert_null(people_image_sniff(jpeg, 2));
    assert_null(people_image_sniff(gif, 6));
    assert_null(people_image_sniff("RIFF\x1a\0\0\0WAVEfmt \0\0\0\0", 16));
    assert_null(people_image_sniff("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 41));
    assert_null(people_image_sniff("<!DOCTYPE html><html>", 21));
    assert_null(people_image_sniff("", 0));
}

static void test_text_problem(void **state)
{
    assert_null(people_text_problem("Hélène Garnier", 14, false));
    assert_non_null(people_text_problem("Hélène Garnier", 13, false));
    assert_null(people_text_problem("", 0, false));
    assert_non_null(people_text_problem("deux\nlignes", 100, false));
    assert_null(people_text_problem("deux\r\nlignes\tet tab", 100, true));
    assert_non_null(people_text_problem("bip\a", 100, true));
    assert_non_null(people_text_problem("del\x7f", 100, true));
    assert_non_null(people_text_problem("c1 \xc2\x85", 100, true));     /* U+0085 NEL */
    assert_non_null(people_text_problem("\xc3\x28", 100, true));         /* bad UTF-8 */
    assert_non_null(people_text_problem("\xed\xa0\x80", 100, true));     /* surrogate */
    assert_non_null(people_text_problem("\xc0\xaf", 100, true));         /* overlong */
    assert_null(people_text_problem("😀😀", 2, false));
    assert_non_null(people_text_problem("😀😀😀", 2, false));
}

static void test_trim_email_id(void **state)
{
    arena *a = arena_create(256);
    assert_string_equal(people_trim(a, "  \t Anne Martin \r\n"), "Anne Martin");
    assert_string_equal(people_trim(a, "   "), "");
    arena_destroy(a);

    assert_true(people_email_ok("anne.martin@ght-vaucluse.fr"));
    assert_true(people_email_ok("a@b"));
    assert_false(people_email_ok("anne martin@x.fr"));
    assert_false(people_email_ok("@x.fr"));
    assert_false(people_email_ok("anne@"));
    assert_false(people_email_ok("a@b@c"));
    assert_false(people_email_ok("ab"));

    long long id = 0;
    assert_true(req_parse_id("42", &id));
    assert_int_equal(id, 42);
    assert_true(req_parse_id("9007199254740992", &id));
    assert_false(req_parse_id("9007199254740993", &id));
    assert_false(req_parse_id("0", &id));
    assert_false(req_parse_id("042", &id));
    assert_false(req_parse_id("-1", &id));
    assert_false(req_parse_id("1e3", &id));
    assert_false(req_parse_id("", &id));
    assert_false(req_parse_id(NULL, &id));
}

static void test_search_words(void **state)
{
    arena *a = arena_create(256);
    const char *w[PEOPLE_SEARCH_WORDS];
    assert_int_equal(people_search_words(a, "  Hélène   soins ", w), 2);
    assert_string_equal(w[0], "Hélène");
    assert_string_equal(w[1], "soins");
    assert_int_equal(people_search_words(a, "100% sur_le \\fil", w), 3);
    assert_string_equal(w[0], "100\\%");
    assert_string_equal(w[1], "sur\\_le");
    assert_string_equal(w[2], "\\\\fil");
    assert_int_equal(people_search_words(a, "a b c d e f g", w), PEOPLE_SEARCH_WORDS);
    assert_string_equal(w[4], "e");
    assert_int_equal(people_search_words(a, "   ", w), 0);
    assert_int_equal(people_search_words(a, NULL, w), 0);
    arena_destroy(a);
}

static const char *csv(const char *s)
{
    static char out[256];
    buf b = BUF_INIT;
    audit_csv_field(&b, s);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    buf_free(&b);
    return out;
}

static void test_csv_field(void **state)
{
    assert_string_equal(csv("login.ok"), "login.ok");
    assert_string_equal(csv(NULL), "");
    assert_string_equal(csv(""), "");
    assert_string_equal(csv("a,b"), "\"a,b\"");
    assert_string_equal(csv("dit \"oui\""), "\"dit \"\"oui\"\"\"");
    assert_string_equal(csv("deux\nlignes"), "\"deux\nlignes\"");
    assert_string_equal(csv("=1+1"), "\"'=1+1\"");
    assert_string_equal(csv("+33 4 90"), "\"'+33 4 90\"");
    assert_string_equal(csv("-2"), "\"'-2\"");
    assert_string_equal(csv("@SUM(A1)"), "\"'@SUM(A1)\"");
    assert_string_equal(csv("Hôpital d’Avignon"), "Hôpital d’Avignon");
}

static void test_parse_time(void **state)
{
    arena *a = arena_create(256);
    assert_string_equal(audit_parse_time(a, "2026-03-01", false), "2026-03-01T00:00:00Z");
    assert_string_equal(audit_parse_time(a, "2026-03-01", true), "2026-03-02T00:00:00Z");
    assert_string_equal(audit_parse_time(a, "2026-12-31", true), "2027-01-01T00:00:00Z");
    assert_string_equal(audit_parse_time(a, "2024-02-28", true), "2024-02-29T00:00:00Z");
    assert_string_equal(audit_parse_time(a, "2026-03-01T10:30", false), "2026-03-01T10:30:00Z");
    assert_string_equal(audit_parse_time(a, "2026-03-01 10:30:15", true), "2026-03-01T10:30:15Z");
    assert_string_equal(audit_parse_time(a, "2026-03-01T10:30:15.123Z", false),
                        "2026-03-01T10:30:15.123Z");
    assert_string_equal(audit_parse_time(a, "2026-03-01T10:30+01:00", false),
                        "2026-03-01T10:30:00+01:00");
    assert_string_equal(audit_parse_time(a, "2026-03-01T10:30:00-0530", false),
                        "2026-03-01T10:30:00-05:30");
    static const char *bad[] = {"", "2026", "2026-02-30", "2026-13-01", "2026-1-01",
                                "26-03-01", "2026-03-01T24:00", "2026-03-01T10:60",
                                "2026-03-01T10", "2026-03-01T10:30:61", "2026-03-01T10:30+",
                                "2026-03-01T10:30+1", "2026-03-01T10:30+15:00",
                                "2026-03-01T10:30:00.", "2026-03-01T10:30:00.1234567",
                                "2026-03-01x", "2026-03-01T10:30Zjunk", "1969-12-31",
                                "2026-03-01'; DROP TABLE users; --"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (audit_parse_time(a, bad[i], false))
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_null(audit_parse_time(a, NULL, false));
    arena_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image_sniff),
        cmocka_unit_test(test_text_problem),
        cmocka_unit_test(test_trim_email_id),
        cmocka_unit_test(test_search_words),
        cmocka_unit_test(test_csv_field),
        cmocka_unit_test(test_parse_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
