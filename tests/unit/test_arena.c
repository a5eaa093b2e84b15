/* test_arena.c - the request arena: alignment, growth, strings, cleanups in reverse order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/arena.h"

static void test_alignment_and_growth(void **state)
{
    arena *a = arena_create(64);
    assert_non_null(a);
    for (int i = 0; i < 1000; i++) {
        char *p = arena_alloc(a, (size_t)(i % 37) + 1);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        memset(p, 0xab, (size_t)(i % 37) + 1);
    }
    /* An allocation larger than any block so far gets one of its own. */
    char *big = arena_alloc(a, 1 << 20);
    assert_non_null(big);
    memset(big, 1, 1 << 20);
    assert_true(arena_used(a) >= (1 << 20));
    arena_destroy(a);
}

static void test_calloc_overflow(void **state)
{
    arena *a = arena_create(0);
    assert_null(arena_calloc(a, SIZE_MAX / 2, 4));
    int *z = arena_calloc(a, 16, sizeof(int));
    for (int i = 0; i < 16; i++)
        assert_int_equal(z[i], 0);
    arena_destroy(a);
}

static void test_strings(void **state)
{
    arena *a = arena_create(0);
    assert_string_equal(arena_strdup(a, "communauté"), "communauté");
    assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
    assert_string_equal(arena_printf(a, "%s-%04d", "ght", 42), "ght-0042");
    char long_text[5000];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    assert_int_equal(strlen(arena_printf(a, "%s!", long_text)), sizeof long_text);
    arena_destroy(a);
}

static int order[4];
static int norder;
static void record(void *p)
{
    order[norder++] = (int)(intptr_t)p;
}

static void test_cleanups_run_in_reverse(void **state)
{
    norder = 0;
    arena *a = arena_create(0);
    for (intptr_t i = 1; i <= 3; i++)
        assert_int_equal(arena_defer(a, record, (void *)i), 0);
    arena_destroy(a);
    assert_int_equal(norder, 3);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment_and_growth),
        cmocka_unit_test(test_calloc_overflow),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_cleanups_run_in_reverse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
