/* test_access.c - the rights decision table, written out row by row from
 * docs/design/people-and-rights.md, against acl_community_can(); who sees whom. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "access/access.h"

/* Columns of the expected strings, in this order; '1' = allowed, '.' = refused. */
static const enum acl_action actions[] = {
    ACL_SEE, ACL_READ, ACL_WRITE, ACL_JOIN, ACL_REQUEST_JOIN, ACL_LEAVE, ACL_EDIT,
    ACL_MANAGE_MEMBERS, ACL_INVITE, ACL_ARCHIVE, ACL_LIST_MEMBERS, ACL_REVIEW,
};
static const char *action_names[] = {
    "SEE", "READ", "WRITE", "JOIN", "REQUEST_JOIN", "LEAVE", "EDIT", "MANAGE_MEMBERS",
    "INVITE", "ARCHIVE", "LIST_MEMBERS", "REVIEW",
};
#define NACTIONS (sizeof actions / sizeof actions[0])

enum viewer { ANONYMOUS, STAFF, GUEST, ADMIN };
static const char *viewer_names[] = {"anonymous", "staff", "guest", "admin"};
static const char *role_names[] = {"none", "guest", "member", "animator"};
static const char *vis_names[] = {"public", "restricted", "secret"};

#define NO false
#define YES true

static const struct row {
    enum viewer viewer;
    enum acl_role role;
    enum acl_visibility visibility;
    bool archived;
    /*        SEE READ WRITE JOIN REQ LEAVE EDIT MANAGE INVITE ARCHIVE LIST REVIEW */
    const char *expect;
} table[] = {
    /* Nothing in Relais is anonymous. */
    {ANONYMOUS, ACL_NOT_MEMBER, ACL_PUBLIC, NO, "............"},
    {ANONYMOUS, ACL_NOT_MEMBER, ACL_PUBLIC, YES, "............"},
    {ANONYMOUS, ACL_NOT_MEMBER, ACL_RESTRICTED, NO, "............"},
    {ANONYMOUS, ACL_NOT_MEMBER, ACL_RESTRICTED, YES, "............"},
    {ANONYMOUS, ACL_NOT_MEMBER, ACL_SECRET, NO, "............"},
    {ANONYMOUS, ACL_NOT_MEMBER, ACL_SECRET, YES, "............"},

    /* Staff, not a member: public opens and can be joined, restricted shows its card and
     * takes requests, secret does not exist; archived ones take nobody new. */
    {STAFF, ACL_NOT_MEMBER, ACL_PUBLIC, NO, "11.1......1."},
    {STAFF, ACL_NOT_MEMBER, ACL_PUBLIC, YES, "11........1."},
    {STAFF, ACL_NOT_MEMBER, ACL_RESTRICTED, NO, "1...1......."},
    {STAFF, ACL_NOT_MEMBER, ACL_RESTRICTED, YES, "1..........."},
    {STAFF, ACL_NOT_MEMBER, ACL_SECRET, NO, "............"},
    {STAFF, ACL_NOT_MEMBER, ACL_SECRET, YES, "............"},

    /* Staff member: reads and writes whatever the visibility; archived = read-only. */
    {STAFF, ACL_MEMBER, ACL_PUBLIC, NO, "111..1....1."},
    {STAFF, ACL_MEMBER, ACL_PUBLIC, YES, "11...1....1."},
    {STAFF, ACL_MEMBER, ACL_RESTRICTED, NO, "111..1....1."},
    {STAFF, ACL_MEMBER, ACL_RESTRICTED, YES, "11...1....1."},
    {STAFF, ACL_MEMBER, ACL_SECRET, NO, "111..1....1."},
    {STAFF, ACL_MEMBER, ACL_SECRET, YES, "11...1....1."},

    /* Animator: everything while live; archived keeps reading, leaving, (un)archiving and
     * reviewing. */
    {STAFF, ACL_ANIMATOR, ACL_PUBLIC, NO, "111..1111111"},
    {STAFF, ACL_ANIMATOR, ACL_PUBLIC, YES, "11...1...111"},
    {STAFF, ACL_ANIMATOR, ACL_RESTRICTED, NO, "111..1111111"},
    {STAFF, ACL_ANIMATOR, ACL_RESTRICTED, YES, "11...1...111"},
    {STAFF, ACL_ANIMATOR, ACL_SECRET, NO, "111..1111111"},
    {STAFF, ACL_ANIMATOR, ACL_SECRET, YES, "11...1...111"},

    /* External partner outside the community: nothing, whatever the visibility. */
    {GUEST, ACL_NOT_MEMBER, ACL_PUBLIC, NO, "............"},
    {GUEST, ACL_NOT_MEMBER, ACL_PUBLIC, YES, "............"},
    {GUEST, ACL_NOT_MEMBER, ACL_RESTRICTED, NO, "............"},
    {GUEST, ACL_NOT_MEMBER, ACL_RESTRICTED, YES, "............"},
    {GUEST, ACL_NOT_MEMBER, ACL_SECRET, NO, "............"},
    {GUEST, ACL_NOT_MEMBER, ACL_SECRET, YES, "............"},

    /* External partner, guest of the community: a member like the others. */
    {GUEST, ACL_GUEST, ACL_PUBLIC, NO, "111..1....1."},
    {GUEST, ACL_GUEST, ACL_PUBLIC, YES, "11...1....1."},
    {GUEST, ACL_GUEST, ACL_RESTRICTED, NO, "111..1....1."},
    {GUEST, ACL_GUEST, ACL_RESTRICTED, YES, "11...1....1."},
    {GUEST, ACL_GUEST, ACL_SECRET, NO, "111..1....1."},
    {GUEST, ACL_GUEST, ACL_SECRET, YES, "11...1....1."},

    /* Administrator, not a member: sees every community and repairs it (edit, members,
     * archive, review) but reads content only where staff may, and never invites. */
    {ADMIN, ACL_NOT_MEMBER, ACL_PUBLIC, NO, "11.1..11.111"},
    {ADMIN, ACL_NOT_MEMBER, ACL_PUBLIC, YES, "11.......111"},
    {ADMIN, ACL_NOT_MEMBER, ACL_RESTRICTED, NO, "1...1.11.111"},
    {ADMIN, ACL_NOT_MEMBER, ACL_RESTRICTED, YES, "1........111"},
    {ADMIN, ACL_NOT_MEMBER, ACL_SECRET, NO, "1.....11.111"},
    {ADMIN, ACL_NOT_MEMBER, ACL_SECRET, YES, "1........111"},

    /* Administrator who is a member. */
    {ADMIN, ACL_MEMBER, ACL_PUBLIC, NO, "111..111.111"},
    {ADMIN, ACL_MEMBER, ACL_PUBLIC, YES, "11...1...111"},
    {ADMIN, ACL_MEMBER, ACL_RESTRICTED, NO, "111..111.111"},
    {ADMIN, ACL_MEMBER, ACL_RESTRICTED, YES, "11...1...111"},
    {ADMIN, ACL_MEMBER, ACL_SECRET, NO, "111..111.111"},
    {ADMIN, ACL_MEMBER, ACL_SECRET, YES, "11...1...111"},

    /* Administrator who animates it: an animator. */
    {ADMIN, ACL_ANIMATOR, ACL_PUBLIC, NO, "111..1111111"},
    {ADMIN, ACL_ANIMATOR, ACL_PUBLIC, YES, "11...1...111"},
    {ADMIN, ACL_ANIMATOR, ACL_RESTRICTED, NO, "111..1111111"},
    {ADMIN, ACL_ANIMATOR, ACL_RESTRICTED, YES, "11...1...111"},
    {ADMIN, ACL_ANIMATOR, ACL_SECRET, NO, "111..1111111"},
    {ADMIN, ACL_ANIMATOR, ACL_SECRET, YES, "11...1...111"},
};

static const principal *viewer_of(enum viewer v)
{
    static const principal staff = {.user_id = 1};
    static const principal guest = {.user_id = 2, .is_guest = true};
    static const principal admin = {.user_id = 3, .is_admin = true};
    switch (v) {
    case STAFF:
        return &staff;
    case GUEST:
        return &guest;
    case ADMIN:
        return &admin;
    case ANONYMOUS:
        break;
    }
    return NULL;
}

static void test_decision_table(void **state)
{
    int wrong = 0;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct row *t = &table[i];
        assert_int_equal(strlen(t->expect), NACTIONS);
        acl_community c = {t->visibility, t->archived, t->role};
        for (size_t a = 0; a < NACTIONS; a++) {
            bool want = t->expect[a] == '1';
            bool got = acl_community_can(viewer_of(t->viewer), &c, actions[a]);
            if (got != want) {
                fprintf(stderr, "%s, role %s, %s%s: %s is %s, expected %s\n",
                        viewer_names[t->viewer], role_names[t->role], vis_names[t->visibility],
                        t->archived ? ", archived" : "", action_names[a],
                        got ? "allowed" : "refused", want ? "allowed" : "refused");
                wrong++;
            }
        }
    }
    assert_int_equal(wrong, 0);
}

/* Every combination the table covers is there once: a forgotten row would test nothing. */
static void test_table_is_complete(void **state)
{
    int count[4][4][3][2] = {{{{0}}}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        count[table[i].viewer][table[i].role][table[i].visibility][table[i].archived]++;
    static const enum acl_role roles_of[4][3] = {
        [ANONYMOUS] = {ACL_NOT_MEMBER, ACL_NOT_MEMBER, ACL_NOT_MEMBER},
        [STAFF] = {ACL_NOT_MEMBER, ACL_MEMBER, ACL_ANIMATOR},
        [GUEST] = {ACL_NOT_MEMBER, ACL_GUEST, ACL_GUEST},
        [ADMIN] = {ACL_NOT_MEMBER, ACL_MEMBER, ACL_ANIMATOR},
    };
    for (int v = 0; v < 4; v++)
        for (int r = 0; r < 3; r++)
            for (int vis = 0; vis < 3; vis++)
                for (int ar = 0; ar < 2; ar++)
                    assert_true(count[v][roles_of[v][r]][vis][ar] >= 1);
    assert_int_equal(sizeof table / sizeof table[0], 54);
}

/* The reasons people read when a button does nothing. */
static void test_refusal_reasons(void **state)
{
    const principal *staff = viewer_of(STAFF), *guest = viewer_of(GUEST);
    acl_community archived = {ACL_PUBLIC, true, ACL_ANIMATOR};
    assert_string_equal(acl_community_why(staff, &archived, ACL_EDIT),
                        "This community is archived: it is read-only.");
    assert_string_equal(acl_community_why(staff, &archived, ACL_INVITE),
                        "This community is archived: it is read-only.");
    acl_community member = {ACL_RESTRICTED, false, ACL_MEMBER};
    assert_string_equal(acl_community_why(staff, &member, ACL_EDIT),
                        "Only the community's animators can do this.");
    assert_string_equal(acl_community_why(staff, &member, ACL_JOIN),
                        "You are already a member of this community.");
    acl_community outside = {ACL_PUBLIC, false, ACL_NOT_MEMBER};
    assert_string_equal(acl_community_why(guest, &outside, ACL_JOIN),
                        "External partners join a community by invitation only.");
    assert_string_equal(acl_community_why(staff, &outside, ACL_LEAVE),
                        "You are not a member of this community.");
    acl_community restricted = {ACL_RESTRICTED, false, ACL_NOT_MEMBER};
    assert_string_equal(acl_community_why(staff, &restricted, ACL_LIST_MEMBERS),
                        "Only members can open this community: ask to join it.");
    acl_community old = {ACL_PUBLIC, true, ACL_NOT_MEMBER};
    assert_string_equal(acl_community_why(staff, &old, ACL_JOIN),
                        "This community is archived: nobody can join it.");
    assert_string_equal(acl_community_why(NULL, &outside, ACL_SEE), "Sign in first.");
}

/* Who sees whom: staff see staff; everyone sees co-members and themselves; guests see
 * nobody else; admins see everyone. */
static void test_people(void **state)
{
    const principal *staff = viewer_of(STAFF), *guest = viewer_of(GUEST), *admin = viewer_of(ADMIN);
    /*                                target  guest? shares a community? */
    assert_true(acl_user_can_see(staff, 9, false, false));
    assert_false(acl_user_can_see(staff, 9, true, false));
    assert_true(acl_user_can_see(staff, 9, true, true));
    assert_false(acl_user_can_see(guest, 9, false, false));
    assert_false(acl_user_can_see(guest, 9, true, false));
    assert_true(acl_user_can_see(guest, 9, false, true));
    assert_true(acl_user_can_see(guest, 9, true, true));
    assert_true(acl_user_can_see(guest, guest->user_id, true, false));
    assert_true(acl_user_can_see(admin, 9, true, false));
    assert_false(acl_user_can_see(NULL, 9, false, true));
    assert_false(acl_is_admin(staff));
    assert_true(acl_is_admin(admin));
    assert_false(acl_is_admin(NULL));
}

static void test_parsers(void **state)
{
    enum acl_visibility v;
    assert_true(acl_visibility_parse("public", &v) && v == ACL_PUBLIC);
    assert_true(acl_visibility_parse("restricted", &v) && v == ACL_RESTRICTED);
    assert_true(acl_visibility_parse("secret", &v) && v == ACL_SECRET);
    assert_false(acl_visibility_parse("Secret", &v));
    assert_false(acl_visibility_parse("", &v));
    assert_false(acl_visibility_parse(NULL, &v));
    assert_int_equal(acl_role_parse("animator"), ACL_ANIMATOR);
    assert_int_equal(acl_role_parse("member"), ACL_MEMBER);
    assert_int_equal(acl_role_parse("guest"), ACL_GUEST);
    assert_int_equal(acl_role_parse("admin"), ACL_NOT_MEMBER);
    assert_int_equal(acl_role_parse(""), ACL_NOT_MEMBER);
    assert_int_equal(acl_role_parse(NULL), ACL_NOT_MEMBER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decision_table),
        cmocka_unit_test(test_table_is_complete),
        cmocka_unit_test(test_refusal_reasons),
        cmocka_unit_test(test_people),
        cmocka_unit_test(test_parsers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
