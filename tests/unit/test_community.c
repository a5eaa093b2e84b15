/* test_community.c - community slugs: accents folded, separators collapsed, never all digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "community/community.h"

static void expect_slug(const char *name, const char *want)
{
    char out[COMMUNITY_SLUG_MAX + 1];
    community_slugify(name, out);
    assert_string_equal(out, want);
    assert_true(community_slug_valid(out));
}

static void test_slugify(void **state)
{
    expect_slug("Qualité & sécurité des soins", "qualite-securite-des-soins");
    expect_slug("GHT Cœur Grand Est", "ght-coeur-grand-est");
    expect_slug("  L’hôpital « numérique »  ", "l-hopital-numerique");
    expect_slug("ÉHPAD Les Tilleuls — ARS", "ehpad-les-tilleuls-ars");
    expect_slug("Straße, Ærø, Łódź", "strasse-aero-lodz");
    expect_slug("2024", "c-2024");
    expect_slug("!!!", "communaute");
    expect_slug("", "communaute");
    expect_slug("日本語 équipe", "equipe");
    /* Invalid UTF-8 bytes are separators, never copied. */
    expect_slug("a\xff\xfe" "b", "a-b");
}

static void test_slug_length(void **state)
{
    char name[400], out[COMMUNITY_SLUG_MAX + 1];
    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    community_slugify(name, out);
    assert_int_equal(strlen(out), COMMUNITY_SLUG_MAX);
    /* Cut between words: no trailing hyphen. */
    char words[200] = "";
    for (int i = 0; i < 30; i++)
        strcat(words, "abcd ");
    community_slugify(words, out);
    assert_true(strlen(out) <= COMMUNITY_SLUG_MAX);
    assert_true(out[strlen(out) - 1] != '-');
    assert_true(community_slug_valid(out));
    /* Folding that grows ("œ" -> "oe") stops before the limit. */
    char oe[400] = "";
    for (int i = 0; i < 60; i++)
        strcat(oe, "œ");
    community_slugify(oe, out);
    assert_int_equal(strlen(out), COMMUNITY_SLUG_MAX);
}

static void test_slug_valid(void **state)
{
    assert_true(community_slug_valid("qualite"));
    assert_true(community_slug_valid("a"));
    assert_true(community_slug_valid("ght-2024"));
    assert_false(community_slug_valid(""));
    assert_false(community_slug_valid("-a"));
    assert_false(community_slug_valid("a-"));
    assert_false(community_slug_valid("Qualite"));
    assert_false(community_slug_valid("qualité"));
    assert_false(community_slug_valid("a b"));
    assert_false(community_slug_valid("123"));
    char long_slug[COMMUNITY_SLUG_MAX + 2];
    memset(long_slug, 'a', sizeof long_slug - 1);
    long_slug[sizeof long_slug - 1] = '\0';
    assert_false(community_slug_valid(long_slug));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slugify),
        cmocka_unit_test(test_slug_length),
        cmocka_unit_test(test_slug_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
