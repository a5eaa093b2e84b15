/* test_config.c - defaults, environment, flags and their validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "config/config.h"

static void test_defaults(void **state)
{
    config c;
    config_defaults(&c);
    assert_string_equal(c.bind, "127.0.0.1");
    assert_int_equal(c.port, 8080);
    assert_int_equal(c.workers, 0);   /* chosen from the CPUs by `relais serve` */
    assert_true(c.connection_timeout_s > 0);
    assert_true(c.migrate_on_start);
    assert_false(c.test_hooks);
    assert_int_equal(config_validate(&c), 0);
    config_free(&c);
}

static void test_env_then_flags(void **state)
{
    config c;
    config_defaults(&c);
    setenv("RELAIS_PORT", "9090", 1);
    setenv("RELAIS_TEST_HOOKS", "yes", 1);
    assert_int_equal(config_from_env(&c), 0);
    assert_int_equal(c.port, 9090);
    assert_true(c.test_hooks);
    char *argv[] = {"serve", "--port=7070", "--workers", "3", "--no-migrate-on-start",
                    "--bind", "::1", NULL};
    assert_int_equal(config_from_args(&c, 7, argv, 1, stdout, "usage"), 0);
    assert_int_equal(c.port, 7070);
    assert_int_equal(c.workers, 3);
    assert_false(c.migrate_on_start);
    assert_string_equal(c.bind, "::1");
    unsetenv("RELAIS_PORT");
    unsetenv("RELAIS_TEST_HOOKS");
    config_free(&c);
}

static void test_bad_values_are_refused(void **state)
{
    config c;
    config_defaults(&c);
    char *a1[] = {"serve", "--port=70000"};
    assert_int_equal(config_from_args(&c, 2, a1, 1, stdout, "u"), -1);
    char *a2[] = {"serve", "--workers=abc"};
    assert_int_equal(config_from_args(&c, 2, a2, 1, stdout, "u"), -1);
    char *a3[] = {"serve", "--no-such-flag"};
    assert_int_equal(config_from_args(&c, 2, a3, 1, stdout, "u"), -1);
    char *a4[] = {"serve", "--port"};
    assert_int_equal(config_from_args(&c, 2, a4, 1, stdout, "u"), -1);
    setenv("RELAIS_ACCESS_LOG", "maybe", 1);
    assert_int_equal(config_from_env(&c), -1);
    unsetenv("RELAIS_ACCESS_LOG");
    config_free(&c);
}

static void test_help(void **state)
{
    config c;
    config_defaults(&c);
    FILE *out = tmpfile();
    char *argv[] = {"serve", "--help"};
    assert_int_equal(config_from_args(&c, 2, argv, 1, out, "Usage: relais serve"), 1);
    long size = ftell(out);
    assert_true(size > 500);    /* every setting is listed */
    fclose(out);
    config_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_env_then_flags),
        cmocka_unit_test(test_bad_values_are_refused),
        cmocka_unit_test(test_help),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
