/* password.c - password policy and argon2id hashing (libsodium crypto_pwhash). */
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/auth.h"
#include "util/log.h"
#include "util/text.h"

/*
 * libsodium's "moderate" cost would take ~0.7 s on a small server; OWASP's
 * argon2id floor is m=19 MiB, t=2. We use t=3, m=64 MiB: about 0.1-0.2 s per
 * hash on one core, measured in docs/PERFORMANCE.md.
 */
const unsigned long long auth_argon2_opslimit = 3;
const size_t auth_argon2_memlimit = 64u << 20;

/* At most this many hashes at once: 4 x 64 MiB of memory at worst. */
#define MAX_CONCURRENT_HASHES 4

/* The common-password list, embedded at build time (server/auth/common-passwords.txt). */
extern const unsigned char common_passwords[];
extern const size_t common_passwords_len;

static sem_t hash_slots;
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;
static char dummy_hash[AUTH_HASH_BYTES];

static void slots_init(void)
{
    sem_init(&hash_slots, 0, MAX_CONCURRENT_HASHES);
    /* A real hash of a random password: verifying against it costs what a real
     * verification costs, so unknown e-mails take as long as known ones. */
    unsigned char rnd[16];
    randombytes_buf(rnd, sizeof rnd);
    char pw[33];
    sodium_bin2hex(pw, sizeof pw, rnd, sizeof rnd);
    if (crypto_pwhash_str_alg(dummy_hash, pw, strlen(pw), auth_argon2_opslimit,
                              auth_argon2_memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
        dummy_hash[0] = '\0';
}

static bool in_common_list(const char *pw)
{
    size_t len = strlen(pw);
    const char *p = (const char *)common_passwords, *end = p + common_passwords_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n == len && n > 0 && p[0] != '#' && strncasecmp(p, pw, n) == 0)
            return true;
        p += n + 1;
    }
    return false;
}

rstatus auth_password_check(const char *pw, const char *email, const char *name, char *err,
                            size_t errsize)
{
    long n = text_utf8_length(pw);
    if (n < 0) {
        snprintf(err, errsize, "The password contains invalid or control characters.");
        return ST_UNPROCESSABLE;
    }
    if (n < AUTH_PASSWORD_MIN) {
        snprintf(err, errsize, "The password must have at least %d characters.", AUTH_PASSWORD_MIN);
        return ST_UNPROCESSABLE;
    }
    if (n > AUTH_PASSWORD_MAX) {
        snprintf(err, errsize, "The password must have at most %d characters.", AUTH_PASSWORD_MAX);
        return ST_UNPROCESSABLE;
    }
    /* One character repeated, whatever its length in bytes ("éééééééééééé"). */
    size_t first = text_utf8_seq((const unsigned char *)pw);
    bool one_char = true;
    for (const char *c = pw + first; *c && one_char; c += first)
        one_char = strncmp(c, pw, first) == 0;
    if (one_char || in_common_list(pw)) {
        snprintf(err, errsize, "This password is too common; choose another one.");
        return ST_UNPROCESSABLE;
    }
    if ((email && strcasecmp(pw, email) == 0) || (name && strcasecmp(pw, name) == 0)) {
        snprintf(err, errsize, "The password must not be your e-mail address or your name.");
        return ST_UNPROCESSABLE;
    }
    if (email) {
        const char *at = strchr(email, '@');
        if (at && (size_t)(at - email) == strlen(pw) && strncasecmp(pw, email, strlen(pw)) == 0) {
            snprintf(err, errsize, "The password must not be your e-mail address or your name.");
            return ST_UNPROCESSABLE;
        }
    }
    return ST_OK;
}

rstatus auth_password_hash(const char *pw, char out[AUTH_HASH_BYTES])
{
    pthread_once(&slots_once, slots_init);
    sem_wait(&hash_slots);
    int rc = crypto_pwhash_str_alg(out, pw, strlen(pw), auth_argon2_opslimit,
                                   auth_argon2_memlimit, crypto_pwhash_ALG_ARGON2ID13);
    sem_post(&hash_slots);
    if (rc != 0) {
        log_error("argon2id hashing failed (out of memory?)");
        return ST_NOMEM;
    }
    return ST_OK;
}

bool auth_password_verify(const char *hash, const char *pw)
{
    pthread_once(&slots_once, slots_init);
    if (!hash || !*hash) {
        auth_password_burn(pw);
        return false;
    }
    sem_wait(&hash_slots);
    bool ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
    sem_post(&hash_slots);
    return ok;
}

void auth_password_burn(const char *pw)
{
    pthread_once(&slots_once, slots_init);
    if (!dummy_hash[0])
        return;
    sem_wait(&hash_slots);
    /* The verdict is meaningless; only the time spent matters. */
    if (crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw)) == 0)
        log_warn("a password matched the random dummy hash");
    sem_post(&hash_slots);
}
