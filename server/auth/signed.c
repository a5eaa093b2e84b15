/* signed.c - expiring, MACed tokens for e-mailed links; the key lives in a file. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"

static unsigned char key[crypto_auth_KEYBYTES];
static bool key_loaded;

/* payload: purpose (16, NUL-padded) | subject (8, BE) | expiry (8, BE) | nonce (16) */
#define PURPOSE_BYTES 16
#define PAYLOAD_BYTES (PURPOSE_BYTES + 8 + 8 + 16)
#define TOKEN_BYTES (PAYLOAD_BYTES + crypto_auth_BYTES)

int auth_signing_key_load(const char *path, char *err, size_t errsize)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        /* First start: make a key, readable by this user only. O_EXCL: two
         * processes starting at once cannot both write one. */
        unsigned char fresh[crypto_auth_KEYBYTES];
        crypto_auth_keygen(fresh);
        int wfd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (wfd >= 0) {
            bool ok = write(wfd, fresh, sizeof fresh) == (ssize_t)sizeof fresh && fsync(wfd) == 0;
            close(wfd);
            sodium_memzero(fresh, sizeof fresh);
            if (!ok) {
                unlink(path);
                snprintf(err, errsize, "cannot write the signing key %s", path);
                return -1;
            }
        } else if (errno != EEXIST) {
            snprintf(err, errsize, "cannot create the signing key %s: %s", path, strerror(errno));
            return -1;
        }
        fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        snprintf(err, errsize, "cannot open the signing key %s: %s", path, strerror(errno));
        return -1;
    }
    ssize_t n = read(fd, key, sizeof key);
    close(fd);
    if (n != (ssize_t)sizeof key) {
        snprintf(err, errsize, "the signing key %s must hold exactly %d bytes", path,
                 (int)sizeof key);
        return -1;
    }
    key_loaded = true;
    return 0;
}

static void put64(unsigned char *p, unsigned long long v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static unsigned long long get64(const unsigned char *p)
{
    unsigned long long v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

const char *auth_signed_make(arena *a, const char *purpose, long long subject,
                             long long expires_unix, unsigned char nonce_out[16])
{
    if (!key_loaded || strlen(purpose) > PURPOSE_BYTES)
        return NULL;
    unsigned char t[TOKEN_BYTES] = {0};
    memcpy(t, purpose, strlen(purpose));
    put64(t + PURPOSE_BYTES, (unsigned long long)subject);
    put64(t + PURPOSE_BYTES + 8, (unsigned long long)expires_unix);
    randombytes_buf(t + PURPOSE_BYTES + 16, 16);
    memcpy(nonce_out, t + PURPOSE_BYTES + 16, 16);
    crypto_auth(t + PAYLOAD_BYTES, t, PAYLOAD_BYTES, key);
    size_t len = sodium_base64_ENCODED_LEN(TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(a, len);
    if (out)
        sodium_bin2base64(out, len, t, TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

rstatus auth_signed_check(const char *token, const char *purpose, long long *subject,
                          unsigned char nonce[16])
{
    unsigned char t[TOKEN_BYTES];
    size_t len;
    if (!key_loaded || !token || strlen(token) > 200 ||
        sodium_base642bin(t, sizeof t, token, strlen(token), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len != TOKEN_BYTES)
        return ST_NOT_FOUND;
    if (crypto_auth_verify(t + PAYLOAD_BYTES, t, PAYLOAD_BYTES, key) != 0)
        return ST_NOT_FOUND;
    char p[PURPOSE_BYTES + 1] = {0};
    memcpy(p, t, PURPOSE_BYTES);
    if (strcmp(p, purpose) != 0)
        return ST_NOT_FOUND;
    if ((long long)get64(t + PURPOSE_BYTES + 8) < (long long)time(NULL))
        return ST_NOT_FOUND;
    *subject = (long long)get64(t + PURPOSE_BYTES);
    memcpy(nonce, t + PURPOSE_BYTES + 16, 16);
    return ST_OK;
}
