/* test_openapi.c - the route table and docs/openapi.json describe the same API, both ways. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ops/ops.h"
#include "router/router.h"

static const char *methods[] = {"get", "post", "put", "patch", "delete"};

static json_t *load_doc(void)
{
    json_error_t je;
    json_t *doc = json_loadb((const char *)openapi_doc, openapi_doc_len, 0, &je);
    if (!doc)
        fail_msg("docs/openapi.json does not parse: line %d: %s", je.line, je.text);
    return doc;
}

static void test_document_basics(void **state)
{
    json_t *doc = load_doc();
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    assert_true(json_is_object(json_object_get(doc, "paths")));
    assert_non_null(json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"),
                                    "Error"));
    json_decref(doc);
}

static void test_every_route_is_documented(void **state)
{
    json_t *doc = load_doc();
    json_t *paths = json_object_get(doc, "paths");
    int missing = 0;
    for (int i = 0; i < router_nroutes; i++) {
        const route *rt = &router_routes[i];
        if (rt->flags & ROUTE_TEST_HOOK)
            continue;   /* not part of the API: routed only under RELAIS_TEST_HOOKS=1 */
        char lower[8];
        size_t k;
        for (k = 0; rt->method[k] && k < sizeof lower - 1; k++)
            lower[k] = (char)tolower((unsigned char)rt->method[k]);
        lower[k] = '\0';
        json_t *op = json_object_get(json_object_get(paths, rt->pattern), lower);
        if (!op) {
            fprintf(stderr, "route %s %s is missing from docs/openapi.json\n", rt->method, rt->pattern);
            missing++;
            continue;
        }
        if (!json_is_object(json_object_get(op, "responses"))) {
            fprintf(stderr, "%s %s documents no responses\n", rt->method, rt->pattern);
            missing++;
        }
    }
    json_decref(doc);
    assert_int_equal(missing, 0);
}

static void test_every_documented_operation_is_routed(void **state)
{
    json_t *doc = load_doc();
    json_t *paths = json_object_get(doc, "paths");
    const char *path;
    json_t *item;
    int extra = 0;
    json_object_foreach(paths, path, item) {
        for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
            if (!json_object_get(item, methods[m]))
                continue;
            bool found = false;
            for (int i = 0; i < router_nroutes && !found; i++)
                found = !(router_routes[i].flags & ROUTE_TEST_HOOK) &&
                        strcmp(router_routes[i].pattern, path) == 0 &&
                        strcasecmp(router_routes[i].method, methods[m]) == 0;
            if (!found) {
                fprintf(stderr, "docs/openapi.json documents %s %s, which no route serves\n",
                        methods[m], path);
                extra++;
            }
        }
        /* head/options/trace are answered by the server itself, not documented per path. */
        if (json_object_get(item, "head") || json_object_get(item, "options") ||
            json_object_get(item, "trace")) {
            fprintf(stderr, "%s: do not document head/options/trace\n", path);
            extra++;
        }
    }
    json_decref(doc);
    assert_int_equal(extra, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_basics),
        cmocka_unit_test(test_every_route_is_documented),
        cmocka_unit_test(test_every_documented_operation_is_routed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
