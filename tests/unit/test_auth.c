/* test_auth.c - password policy, argon2id round trip, signed link tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "auth/account.h"
#include "auth/auth.h"

static rstatus check(const char *pw)
{
    char err[160] = "";
    rstatus st = auth_password_check(pw, "marie.dupont@chu-exemple.fr", "Marie Dupont", err,
                                     sizeof err);
    if (st != ST_OK)
        assert_true(strlen(err) > 0);   /* every refusal says why */
    return st;
}

/* s repeated until it holds n code points (s is n_s code points long). */
static char *repeat_cp(const char *s, int n_s, int n)
{
    size_t len = strlen(s);
    char *out = calloc((size_t)(n / n_s + 1) * len + 1, 1);
    assert_non_null(out);
    for (int i = 0; i < n / n_s; i++)
        strcat(out, s);
    return out;
}

static void test_policy_counts_code_points(void **state)
{
    /* 11 accented letters are 22 bytes but 11 characters: too short. */
    assert_int_equal(check("éàèùâêîôûçë"), ST_UNPROCESSABLE);
    assert_int_equal(check("éàèùâêîôûçëœ"), ST_OK);
    /* Emoji are 4 bytes each: 11 are 44 bytes, still 11 characters. */
    assert_int_equal(check("🙂🙃😉😊😇🥰😍🤩😘😗😚"), ST_UNPROCESSABLE);
    assert_int_equal(check("🙂🙃😉😊😇🥰😍🤩😘😗😚😙"), ST_OK);
    assert_int_equal(check("Ceci est une phrase de passe, avec des accents : ça marche"), ST_OK);

    /* Up to 256 characters of any width; 257 is one too many. */
    char *max = repeat_cp("a€🙂é", 4, 256);
    assert_int_equal(check(max), ST_OK);
    char *over = repeat_cp("a€🙂é", 4, 260);
    assert_int_equal(check(over), ST_UNPROCESSABLE);
    free(max);
    free(over);
    char *ascii = repeat_cp("abcd", 4, AUTH_PASSWORD_MAX);
    assert_int_equal(check(ascii), ST_OK);
    char *ascii_over = calloc(AUTH_PASSWORD_MAX + 2, 1);
    assert_non_null(ascii_over);
    memcpy(ascii_over, ascii, AUTH_PASSWORD_MAX);
    ascii_over[AUTH_PASSWORD_MAX] = 'z';
    assert_int_equal(check(ascii_over), ST_UNPROCESSABLE);
    free(ascii);
    free(ascii_over);
}

static void test_policy_refuses_invalid_utf8(void **state)
{
    assert_int_equal(check("motdepasse\xff\xfe\xfd\xfc"), ST_UNPROCESSABLE);     /* not UTF-8 */
    assert_int_equal(check("motdepasse\xc0\xaf" "abc"), ST_UNPROCESSABLE);        /* overlong '/' */
    assert_int_equal(check("motdepasse\xed\xa0\x80" "abc"), ST_UNPROCESSABLE);    /* surrogate */
    assert_int_equal(check("motdepasseabc\xe2\x82"), ST_UNPROCESSABLE);           /* truncated */
    assert_int_equal(check("motdepasse\xf4\x90\x80\x80" "ab"), ST_UNPROCESSABLE); /* > U+10FFFF */
    assert_int_equal(check("mot de passe\x01long"), ST_UNPROCESSABLE);            /* control */
    assert_int_equal(check("mot de passe\nlong"), ST_UNPROCESSABLE);
}

static void test_policy_refuses_common_and_personal(void **state)
{
    assert_int_equal(check("administrateur"), ST_UNPROCESSABLE);
    assert_int_equal(check("AdMiNiStRaTeUr"), ST_UNPROCESSABLE);    /* case-insensitive */
    assert_int_equal(check("azertyuiop12"), ST_UNPROCESSABLE);
    assert_int_equal(check("zzzzzzzzzzzzzzzz"), ST_UNPROCESSABLE);  /* one character repeated */
    assert_int_equal(check("marie.dupont@chu-exemple.fr"), ST_UNPROCESSABLE);
    assert_int_equal(check("MARIE.DUPONT@CHU-EXEMPLE.FR"), ST_UNPROCESSABLE);
    assert_int_equal(check("marie.dupont"), ST_UNPROCESSABLE);      /* the address's local part */
    char err[160];
    assert_int_equal(auth_password_check("Marie Dupont-Lefèvre", "m@x.fr", "Marie Dupont-Lefèvre",
                                         err, sizeof err), ST_UNPROCESSABLE);
    /* Containing the name is fine: only the name itself is refused. */
    assert_int_equal(check("marie.dupont aime les tilleuls"), ST_OK);
    /* No e-mail or name known (an account being created): only the rest applies. */
    assert_int_equal(auth_password_check("un mot de passe correct", NULL, NULL, err, sizeof err),
                     ST_OK);
}

static void test_hash_round_trip(void **state)
{
    const char *pw = "Cheval correct, agrafe de batterie ✓";
    char hash[AUTH_HASH_BYTES];
    assert_int_equal(auth_password_hash(pw, hash), ST_OK);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "$argon2id$v=19$m=%zu,t=%llu,p=1$",
             auth_argon2_memlimit / 1024, auth_argon2_opslimit);
    assert_memory_equal(hash, prefix, strlen(prefix));
    assert_null(strstr(hash, pw));
    assert_true(auth_password_verify(hash, pw));
    assert_false(auth_password_verify(hash, "Cheval correct, agrafe de batterie ✗"));
    assert_false(auth_password_verify(hash, ""));

    /* A fresh salt each time: the same password never gives the same hash. */
    char again[AUTH_HASH_BYTES];
    assert_int_equal(auth_password_hash(pw, again), ST_OK);
    assert_string_not_equal(hash, again);
    assert_true(auth_password_verify(again, pw));

    /* No hash (an account without a password) never verifies. */
    assert_false(auth_password_verify(NULL, pw));
    assert_false(auth_password_verify("", pw));
    assert_false(auth_password_verify("$argon2id$garbage", pw));
    auth_password_burn(pw);
}

static char keydir[64];
static char keypath[128];

static int key_setup(void **state)
{
    snprintf(keydir, sizeof keydir, "/tmp/relais-test-auth-XXXXXX");
    if (!mkdtemp(keydir))
        return -1;
    snprintf(keypath, sizeof keypath, "%s/secret.key", keydir);
    char err[256];
    return auth_signing_key_load(keypath, err, sizeof err);
}

static int key_teardown(void **state)
{
    unlink(keypath);
    rmdir(keydir);
    return 0;
}

static void test_signed_tokens(void **state)
{
    arena *a = arena_create(4096);
    long long expiry = (long long)time(NULL) + 3600;
    unsigned char nonce[16], got_nonce[16];
    const char *t = auth_signed_make(a, "pwreset", 42, expiry, nonce);
    assert_non_null(t);
    /* base64url without padding: safe in a path segment. */
    assert_int_equal(strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                     strlen(t));

    long long subject = 0;
    assert_int_equal(auth_signed_check(t, "pwreset", &subject, got_nonce), ST_OK);
    assert_int_equal(subject, 42);
    assert_memory_equal(nonce, got_nonce, 16);
    assert_int_equal(auth_signed_expiry(t), expiry);

    /* Wrong purpose: a verification link cannot reset a password. */
    assert_int_equal(auth_signed_check(t, "verify", &subject, got_nonce), ST_NOT_FOUND);
    assert_int_equal(auth_signed_check(t, "pwrese", &subject, got_nonce), ST_NOT_FOUND);

    /* Any changed character breaks the MAC. */
    size_t len = strlen(t);
    for (size_t i = 0; i < len; i += 7) {
        char *bad = arena_strdup(a, t);
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        assert_int_equal(auth_signed_check(bad, "pwreset", &subject, got_nonce), ST_NOT_FOUND);
    }
    assert_int_equal(auth_signed_check(arena_strndup(a, t, len - 1), "pwreset", &subject, got_nonce),
                     ST_NOT_FOUND);
    assert_int_equal(auth_signed_check(arena_printf(a, "%sA", t), "pwreset", &subject, got_nonce),
                     ST_NOT_FOUND);
    assert_int_equal(auth_signed_check("", "pwreset", &subject, got_nonce), ST_NOT_FOUND);
    assert_int_equal(auth_signed_check("not a token!", "pwreset", &subject, got_nonce), ST_NOT_FOUND);
    assert_int_equal(auth_signed_check(NULL, "pwreset", &subject, got_nonce), ST_NOT_FOUND);

    /* Expired. */
    const char *old = auth_signed_make(a, "pwreset", 42, (long long)time(NULL) - 1, nonce);
    assert_non_null(old);
    assert_int_equal(auth_signed_check(old, "pwreset", &subject, got_nonce), ST_NOT_FOUND);

    /* Two tokens for the same subject differ (fresh nonce). */
    const char *t2 = auth_signed_make(a, "pwreset", 42, expiry, nonce);
    assert_string_not_equal(t, t2);

    /* A purpose longer than the field is refused, not truncated. */
    assert_null(auth_signed_make(a, "a-purpose-too-long", 1, expiry, nonce));

    /* The key persists: loading the same file again keeps tokens valid ... */
    char err[256];
    assert_int_equal(auth_signing_key_load(keypath, err, sizeof err), 0);
    assert_int_equal(auth_signed_check(t, "pwreset", &subject, got_nonce), ST_OK);
    /* ... and another key refuses them. */
    char other[160];
    snprintf(other, sizeof other, "%s/other.key", keydir);
    assert_int_equal(auth_signing_key_load(other, err, sizeof err), 0);
    assert_int_equal(auth_signed_check(t, "pwreset", &subject, got_nonce), ST_NOT_FOUND);
    unlink(other);
    assert_int_equal(auth_signing_key_load(keypath, err, sizeof err), 0);

    /* Link tokens carry their purpose's lifetime (plus the second that keeps the derived
     * issue time from preceding the real one). */
    long long now = (long long)time(NULL);
    const char *w = auth_link_token_make(a, AUTH_PURPOSE_WELCOME, 7);
    assert_int_equal(auth_signed_check(w, AUTH_PURPOSE_WELCOME, &subject, got_nonce), ST_OK);
    assert_int_equal(subject, 7);
    long long left = auth_signed_expiry(w) - now;
    assert_true(left >= AUTH_WELCOME_LINK_SECONDS && left <= AUTH_WELCOME_LINK_SECONDS + 2);
    left = auth_signed_expiry(auth_link_token_make(a, AUTH_PURPOSE_RESET, 7)) - now;
    assert_true(left >= AUTH_RESET_LINK_SECONDS && left <= AUTH_RESET_LINK_SECONDS + 2);
    left = auth_signed_expiry(auth_link_token_make(a, AUTH_PURPOSE_VERIFY, 7)) - now;
    assert_true(left >= AUTH_VERIFY_LINK_SECONDS && left <= AUTH_VERIFY_LINK_SECONDS + 2);
    assert_null(auth_link_token_make(a, "invite", 7));

    assert_int_equal(auth_signed_expiry("garbage"), -1);
    assert_int_equal(auth_signed_expiry(NULL), -1);
    arena_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_counts_code_points),
        cmocka_unit_test(test_policy_refuses_invalid_utf8),
        cmocka_unit_test(test_policy_refuses_common_and_personal),
        cmocka_unit_test(test_hash_round_trip),
        cmocka_unit_test_setup_teardown(test_signed_tokens, key_setup, key_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
