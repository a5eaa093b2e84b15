/* test_router.c - pattern matching, parameters, 405 Allow lists, test hooks hidden. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "router/router.h"

static enum router_result match(const char *method, const char *path, bool hooks, int *idx,
                                kv *params, int *n, char *allow)
{
    static arena *a;
    if (!a)
        a = arena_create(0);
    return router_match(method, path, hooks, a, idx, params, n, allow, 128);
}

static void test_exact_routes(void **state)
{
    int idx, n;
    kv params[REQUEST_MAX_PARAMS];
    char allow[128];
    assert_int_equal(match("GET", "/healthz", false, &idx, params, &n, allow), ROUTER_MATCH);
    assert_string_equal(router_routes[idx].pattern, "/healthz");
    assert_int_equal(n, 0);
    assert_int_equal(match("HEAD", "/api/openapi.json", false, &idx, params, &n, allow), ROUTER_MATCH);
    assert_string_equal(router_routes[idx].method, "GET");
}

static void test_unknown_and_near_misses(void **state)
{
    int idx, n;
    kv params[REQUEST_MAX_PARAMS];
    char allow[128];
    const char *misses[] = {"/healthz/", "/healthzz", "/health", "//healthz", "/HEALTHZ",
                            "/api/openapi.json/x", "", "/"};
    for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++)
        assert_int_equal(match("GET", misses[i], false, &idx, params, &n, allow), ROUTER_NO_PATH);
}

static void test_method_not_allowed_lists_allow(void **state)
{
    int idx, n;
    kv params[REQUEST_MAX_PARAMS];
    char allow[128];
    assert_int_equal(match("POST", "/healthz", false, &idx, params, &n, allow), ROUTER_BAD_METHOD);
    assert_string_equal(allow, "GET, HEAD");
    assert_int_equal(match("DELETE", "/api/openapi.json", false, &idx, params, &n, allow),
                     ROUTER_BAD_METHOD);
    assert_string_equal(allow, "GET, HEAD");
}

static void test_hooks_hidden_unless_enabled(void **state)
{
    int idx, n;
    kv params[REQUEST_MAX_PARAMS];
    char allow[128];
    assert_int_equal(match("GET", "/api/_test/sleep", false, &idx, params, &n, allow), ROUTER_NO_PATH);
    assert_int_equal(match("GET", "/api/_test/echo", false, &idx, params, &n, allow), ROUTER_NO_PATH);
    assert_int_equal(match("GET", "/api/_test/sleep", true, &idx, params, &n, allow), ROUTER_MATCH);
    assert_int_equal(match("GET", "/api/_test/echo", true, &idx, params, &n, allow), ROUTER_BAD_METHOD);
    assert_string_equal(allow, "POST");
}

static void test_parameters(void **state)
{
    arena *a = arena_create(0);
    kv params[REQUEST_MAX_PARAMS];
    int n = -1;
    assert_true(router_pattern_match("/api/communities/{id}/members/{user}",
                                     "/api/communities/ght-84/members/17", a, params, &n));
    assert_int_equal(n, 2);
    assert_string_equal(params[0].name, "id");
    assert_string_equal(params[0].value, "ght-84");
    assert_string_equal(params[1].name, "user");
    assert_string_equal(params[1].value, "17");
    /* A parameter never spans segments and is never empty. */
    assert_false(router_pattern_match("/api/c/{id}", "/api/c/a/b", a, params, &n));
    assert_false(router_pattern_match("/api/c/{id}", "/api/c/", a, params, &n));
    assert_false(router_pattern_match("/api/c/{id}/x", "/api/c//x", a, params, &n));
    /* A parameter is always a whole segment. */
    assert_false(router_pattern_match("/api/c/{id}.json", "/api/c/7.json", a, params, &n));
    assert_false(router_pattern_match("/api/c/{id}", "/api/c/7/", a, params, &n));
    arena_destroy(a);
}

/* Parameters are exercised on a private table through the same matcher. */
static void test_every_route_matches_itself(void **state)
{
    arena *a = arena_create(0);
    for (int i = 0; i < router_nroutes; i++) {
        const route *rt = &router_routes[i];
        /* Replace each {param} by a sample segment. */
        char path[256];
        size_t o = 0;
        for (const char *p = rt->pattern; *p && o < sizeof path - 8;) {
            if (*p == '{') {
                memcpy(path + o, "v42", 3);
                o += 3;
                p = strchr(p, '}') + 1;
            } else {
                path[o++] = *p++;
            }
        }
        path[o] = '\0';
        int idx, n;
        kv params[REQUEST_MAX_PARAMS];
        char allow[128];
        assert_int_equal(router_match(rt->method, path, true, a, &idx, params, &n, allow, sizeof allow),
                         ROUTER_MATCH);
        assert_string_equal(router_routes[idx].pattern, rt->pattern);
        for (int k = 0; k < n; k++)
            assert_string_equal(params[k].value, "v42");
        assert_true(rt->handler != NULL);
        assert_true(rt->pattern[0] == '/');
    }
    arena_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_routes),
        cmocka_unit_test(test_unknown_and_near_misses),
        cmocka_unit_test(test_method_not_allowed_lists_allow),
        cmocka_unit_test(test_hooks_hidden_unless_enabled),
        cmocka_unit_test(test_parameters),
        cmocka_unit_test(test_every_route_matches_itself),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
