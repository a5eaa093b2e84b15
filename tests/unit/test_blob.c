/* test_blob.c - the blob store: durable puts, deduplication, reads, the sweeper and its protocol. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/blob.h"
#include "scratch.h"

typedef struct {
    char root[256];
    char blobs[300];
    char tmp[300];
    blob_store *store;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->root, sizeof f->root, "/tmp/relais-test-blob-XXXXXX");
    if (!mkdtemp(f->root))
        return -1;
    snprintf(f->blobs, sizeof f->blobs, "%s/blobs", f->root);
    snprintf(f->tmp, sizeof f->tmp, "%s/tmp", f->root);
    mkdir(f->tmp, 0700);
    if (blob_store_open(f->blobs, &f->store) != ST_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    blob_store_close(f->store);
    rm_rf(f->root);
    free(f);
    return 0;
}

/* A temporary file with content, as an upload would leave it; its hash in sha. */
static void make_tmp(fixture *f, const char *name, const void *data, size_t len,
                     unsigned char sha[32], char path[512])
{
    snprintf(path, 512, "%s/%s", f->tmp, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    crypto_hash_sha256(sha, data, len);
}

static void blob_file_path(fixture *f, const unsigned char sha[32], char out[512])
{
    char hex[65];
    blob_hex(sha, hex);
    snprintf(out, 512, "%s/%.2s/%.2s/%s", f->blobs, hex, hex + 2, hex);
}

static void age(const char *path, time_t seconds)
{
    struct timespec t[2];
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= seconds;
    t[1] = t[0];
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static void test_hex(void **state)
{
    unsigned char sha[32], back[32];
    crypto_hash_sha256(sha, (const unsigned char *)"abc", 3);
    char hex[65];
    blob_hex(sha, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_true(blob_hex_parse(hex, back));
    assert_memory_equal(sha, back, 32);
    assert_true(blob_hex_parse("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", back));
    assert_memory_equal(sha, back, 32);
    assert_false(blob_hex_parse("ba78", back));
    assert_false(blob_hex_parse(NULL, back));
    char longer[80];
    snprintf(longer, sizeof longer, "%s0", hex);
    assert_false(blob_hex_parse(longer, back));
    hex[10] = 'g';
    assert_false(blob_hex_parse(hex, back));
}

/* The streaming hasher agrees with libsodium, whatever the chunks, and starts over after final. */
static void test_hasher(void **state)
{
    (void)state;
    blob_hasher *h = blob_hasher_new();
    assert_non_null(h);
    unsigned char got[32], want[32];
    char hex[65];
    blob_hasher_update(h, "ab", 2);
    blob_hasher_update(h, "", 0);
    blob_hasher_update(h, "c", 1);
    blob_hasher_final(h, got);
    blob_hex(got, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    size_t len = 3 * 1024 * 1024 + 17;
    unsigned char *data = malloc(len);
    assert_non_null(data);
    randombytes_buf(data, len);
    crypto_hash_sha256(want, data, len);
    for (size_t at = 0, step = 1; at < len; at += step, step = step * 3 + 1) {
        size_t n = len - at < step ? len - at : step;
        blob_hasher_update(h, data + at, n);
    }
    blob_hasher_final(h, got);
    assert_memory_equal(got, want, 32);
    free(data);
    blob_hasher_free(h);
    blob_hasher_free(NULL);
}

static void test_put_read_dedup(void **state)
{
    fixture *f = *state;
    const char text[] = "Procédure d'hygiène des mains, version 1.\n";
    unsigned char sha[32];
    char tmp[512], path[512];
    make_tmp(f, "upload-1", text, sizeof text - 1, sha, tmp);

    unsigned char h2[32];
    unsigned long long hsize = 0;
    assert_int_equal(blob_hash_file(tmp, h2, &hsize), ST_OK);
    assert_memory_equal(sha, h2, 32);
    assert_int_equal(hsize, sizeof text - 1);

    bool exists = true;
    assert_int_equal(blob_exists(f->store, sha, &exists), ST_OK);
    assert_false(exists);

    blob_put_info info = {0};
    assert_int_equal(blob_put_file(f->store, tmp, sha, &info), ST_OK);
    assert_false(info.existed);
    assert_int_equal(info.size, sizeof text - 1);
    assert_int_equal(access(tmp, F_OK), -1);   /* renamed away */
    blob_file_path(f, sha, path);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0222, 0);    /* immutable */
    assert_int_equal(blob_exists(f->store, sha, &exists), ST_OK);
    assert_true(exists);

    int fd = -1;
    unsigned long long size = 0;
    assert_int_equal(blob_open(f->store, sha, &fd, &size), ST_OK);
    assert_int_equal(size, sizeof text - 1);
    char back[128] = {0};
    assert_int_equal(read(fd, back, sizeof back), (ssize_t)(sizeof text - 1));
    assert_string_equal(back, text);
    close(fd);

    /* The same bytes again: stored once, the temporary file is dropped. */
    make_tmp(f, "upload-2", text, sizeof text - 1, sha, tmp);
    assert_int_equal(blob_put_file(f->store, tmp, sha, &info), ST_OK);
    assert_true(info.existed);
    assert_int_equal(access(tmp, F_OK), -1);
    char dir[512];
    snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(path, '/') - path), path);
    DIR *d = opendir(dir);
    int files = 0;
    for (struct dirent *e; (e = readdir(d));)
        files += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(files, 1);

    /* An empty file is a blob like any other. */
    make_tmp(f, "upload-3", "", 0, sha, tmp);
    assert_int_equal(blob_put_file(f->store, tmp, sha, &info), ST_OK);
    assert_int_equal(info.size, 0);
    assert_int_equal(blob_open(f->store, sha, &fd, &size), ST_OK);
    assert_int_equal(size, 0);
    close(fd);
}

static void test_missing(void **state)
{
    fixture *f = *state;
    unsigned char sha[32];
    memset(sha, 0x5a, sizeof sha);
    int fd = 123;
    unsigned long long size;
    assert_int_equal(blob_open(f->store, sha, &fd, &size), ST_NOT_FOUND);
    assert_int_equal(fd, -1);
    assert_int_equal(blob_retain(f->store, sha), ST_NOT_FOUND);
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s/never-written", f->tmp);
    assert_int_equal(blob_put_file(f->store, tmp, sha, NULL), ST_NOT_FOUND);
    assert_int_equal(blob_hash_file(tmp, sha, &size), ST_NOT_FOUND);
}

static void test_open_fails_on_a_file(void **state)
{
    fixture *f = *state;
    char file[512];
    snprintf(file, sizeof file, "%s/plain-file", f->root);
    int fd = open(file, O_WRONLY | O_CREAT, 0600);
    close(fd);
    blob_store *s = NULL;
    assert_int_equal(blob_store_open(file, &s), ST_INTERNAL);
    assert_null(s);
    blob_store_close(NULL);
}

/* The set of hashes "the database" references, for the sweeper. */
typedef struct {
    unsigned char refs[4][32];
    int nrefs;
    rstatus fail;       /* what the question answers instead (ST_OK: it answers) */
    /* Simulates an upload of the same content arriving between the sweeper's two looks. */
    fixture *race;
    const void *race_data;
    size_t race_len;
    int calls;
} refs;

static rstatus is_referenced(void *ctx, const unsigned char sha[32], bool *referenced)
{
    refs *r = ctx;
    r->calls++;
    if (r->fail != ST_OK)
        return r->fail;
    if (r->race) {
        unsigned char h[32];
        char tmp[512];
        make_tmp(r->race, "racing-upload", r->race_data, r->race_len, h, tmp);
        blob_put_info info;
        assert_int_equal(blob_put_file(r->race->store, tmp, h, &info), ST_OK);
        assert_true(info.existed);
    }
    *referenced = false;
    for (int i = 0; i < r->nrefs; i++)
        if (!memcmp(r->refs[i], sha, 32))
            *referenced = true;
    return ST_OK;
}

static void put_text(fixture *f, const char *text, unsigned char sha[32])
{
    char tmp[512];
    make_tmp(f, "upload", text, strlen(text), sha, tmp);
    assert_int_equal(blob_put_file(f->store, tmp, sha, NULL), ST_OK);
}

static void test_sweep(void **state)
{
    fixture *f = *state;
    unsigned char kept[32], gone[32], young[32];
    char p_kept[512], p_gone[512], p_young[512];
    put_text(f, "référencé", kept);
    put_text(f, "orphelin", gone);
    put_text(f, "tout juste déposé", young);
    blob_file_path(f, kept, p_kept);
    blob_file_path(f, gone, p_gone);
    blob_file_path(f, young, p_young);
    age(p_kept, 7200);
    age(p_gone, 7200);
    /* Stray files the store did not write are not blobs and stay. */
    char stray[512];
    snprintf(stray, sizeof stray, "%s/README", f->blobs);
    close(open(stray, O_WRONLY | O_CREAT, 0600));

    refs r = {.nrefs = 1};
    memcpy(r.refs[0], kept, 32);

    /* A failing question deletes nothing; the sweep goes on with the next blob... */
    r.fail = ST_INTERNAL;
    blob_sweep_stats stats;
    assert_int_equal(blob_sweep(f->store, is_referenced, &r, 3600, &stats), ST_OK);
    assert_int_equal(stats.seen, 3);
    assert_int_equal(stats.errors, 2);
    assert_int_equal(stats.young, 1);
    assert_int_equal(stats.deleted, 0);
    assert_int_equal(access(p_gone, F_OK), 0);

    /* ... unless the database is gone or the server stops: then it ends at once. */
    r.fail = ST_UNAVAILABLE;
    r.calls = 0;
    assert_int_equal(blob_sweep(f->store, is_referenced, &r, 3600, &stats), ST_UNAVAILABLE);
    assert_int_equal(r.calls, 1);
    assert_int_equal(stats.errors, 1);
    assert_int_equal(stats.deleted, 0);
    assert_int_equal(access(p_gone, F_OK), 0);

    r.fail = ST_OK;
    assert_int_equal(blob_sweep(f->store, is_referenced, &r, 3600, &stats), ST_OK);
    assert_int_equal(stats.deleted, 1);
    assert_int_equal(stats.bytes_freed, strlen("orphelin"));
    assert_int_equal(stats.referenced, 1);
    assert_int_equal(stats.young, 1);
    assert_int_equal(access(p_gone, F_OK), -1);
    assert_int_equal(access(p_kept, F_OK), 0);
    assert_int_equal(access(p_young, F_OK), 0);
    assert_int_equal(access(stray, F_OK), 0);

    /* With no grace at all, every unreferenced blob goes. */
    assert_int_equal(blob_sweep(f->store, is_referenced, &r, 0, &stats), ST_OK);
    assert_int_equal(stats.deleted, 1);
    assert_int_equal(access(p_young, F_OK), -1);
    assert_int_equal(access(p_kept, F_OK), 0);

    /* A swept blob can be put again. */
    put_text(f, "orphelin", gone);
    assert_int_equal(access(p_gone, F_OK), 0);
}

static void test_sweep_never_races_a_put(void **state)
{
    fixture *f = *state;
    const char *text = "déposé pendant le balayage";
    unsigned char sha[32];
    char path[512];
    put_text(f, text, sha);
    blob_file_path(f, sha, path);
    age(path, 7200);
    /* An upload of the same bytes is put after the sweeper found the blob old and
     * unreferenced, before it deletes: the second look must keep it. */
    refs r = {.race = f, .race_data = text, .race_len = strlen(text)};
    blob_sweep_stats stats;
    assert_int_equal(blob_sweep(f->store, is_referenced, &r, 3600, &stats), ST_OK);
    assert_int_equal(r.calls, 1);
    assert_int_equal(stats.deleted, 0);
    assert_int_equal(stats.young, 1);
    assert_int_equal(access(path, F_OK), 0);
}

static void test_retain(void **state)
{
    fixture *f = *state;
    unsigned char sha[32];
    char path[512];
    put_text(f, "version restaurée", sha);
    blob_file_path(f, sha, path);
    age(path, 7200);
    assert_int_equal(blob_retain(f->store, sha), ST_OK);
    refs r = {0};
    blob_sweep_stats stats;
    assert_int_equal(blob_sweep(f->store, is_referenced, &r, 3600, &stats), ST_OK);
    assert_int_equal(stats.deleted, 0);
    assert_int_equal(r.calls, 0);   /* young: not even asked */
    assert_int_equal(access(path, F_OK), 0);
}

static void test_sweep_tmp(void **state)
{
    fixture *f = *state;
    unsigned char sha[32];
    char stale[512], live[512];
    make_tmp(f, "upload-stale", "x", 1, sha, stale);
    make_tmp(f, "upload-live", "y", 1, sha, live);
    age(stale, 7200);
    unsigned long long n = 0;
    assert_int_equal(blob_sweep_tmp(f->tmp, 3600, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(access(stale, F_OK), -1);
    assert_int_equal(access(live, F_OK), 0);

    /* An upload in flight holds a lock on its file: never taken, however old. */
    char held[512];
    make_tmp(f, "upload-held", "z", 1, sha, held);
    int fd = open(held, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_SH | LOCK_NB), 0);
    age(held, 7200);
    assert_int_equal(blob_sweep_tmp(f->tmp, 3600, &n), ST_OK);
    assert_int_equal(n, 0);
    assert_int_equal(access(held, F_OK), 0);
    close(fd);
    assert_int_equal(blob_sweep_tmp(f->tmp, 3600, &n), ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(access(held, F_OK), -1);

    char missing[512];
    snprintf(missing, sizeof missing, "%s/nope", f->root);
    assert_int_equal(blob_sweep_tmp(missing, 0, &n), ST_OK);
    assert_int_equal(n, 0);
}

typedef struct {
    fixture *f;
    int id;
    rstatus st;
} racer;

static void *put_same(void *arg)
{
    racer *w = arg;
    char name[64], tmp[512];
    snprintf(name, sizeof name, "upload-thread-%d", w->id);
    unsigned char sha[32];
    static const char same[] = "le même fichier déposé par huit personnes";
    for (int i = 0; i < 50 && w->st == ST_OK; i++) {
        make_tmp(w->f, name, same, sizeof same - 1, sha, tmp);
        w->st = blob_put_file(w->f->store, tmp, sha, NULL);
    }
    return NULL;
}

static void test_concurrent_puts(void **state)
{
    fixture *f = *state;
    pthread_t t[8];
    racer w[8];
    for (int i = 0; i < 8; i++) {
        w[i] = (racer){f, i, ST_OK};
        pthread_create(&t[i], NULL, put_same, &w[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].st, ST_OK);
    }
    /* Every temporary file was consumed. */
    DIR *d = opendir(f->tmp);
    int left = 0;
    for (struct dirent *e; (e = readdir(d));)
        left += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(left, 0);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_hasher),
        cmocka_unit_test_setup_teardown(test_put_read_dedup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_fails_on_a_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep_never_races_a_put, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep_tmp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_puts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
