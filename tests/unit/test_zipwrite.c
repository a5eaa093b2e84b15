/* test_zipwrite.c - the streaming ZIP writer, checked by minizip and by Info-ZIP's unzip -t. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "extract/zipread.h"
#include "extract/zipwrite.h"
#include "util/buf.h"

/* Sink that writes a file, leaving holes for all-zero chunks (a sparse 4 GiB archive). */
typedef struct sink {
    int fd;
    bool sparse;
    int fail_after;     /* calls before write fails; -1 = never */
    unsigned long long bytes;
} sink;

static int sink_write(void *ctx, const void *data, size_t len)
{
    sink *s = ctx;
    if (s->fail_after == 0)
        return -1;
    if (s->fail_after > 0)
        s->fail_after--;
    s->bytes += len;
    static const unsigned char zeros[64 * 1024];
    if (s->sparse && len <= sizeof zeros && memcmp(data, zeros, len) == 0)
        return lseek(s->fd, (off_t)len, SEEK_CUR) < 0 ? -1 : 0;
    const char *p = data;
    while (len) {
        ssize_t n = write(s->fd, p, len);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static char path[256];

static int setup(void **state)
{
    snprintf(path, sizeof path, "/tmp/relais-test-zipwrite-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    unlink(path);
    return 0;
}

static sink open_sink(bool sparse)
{
    sink s = {open(path, O_WRONLY | O_TRUNC), sparse, -1, 0};
    assert_true(s.fd >= 0);
    return s;
}

static void close_sink(sink *s)
{
    /* A hole at the very end must still count in the file's size. */
    off_t end = lseek(s->fd, 0, SEEK_CUR);
    assert_int_equal(ftruncate(s->fd, end), 0);
    close(s->fd);
}

/* unzip -t over the archive: Info-ZIP's own reader checks every CRC. */
static void assert_unzip_ok(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "unzip -tqq '%s' >/dev/null 2>&1", path);
    int rc = system(cmd);
    assert_true(WIFEXITED(rc));
    assert_int_equal(WEXITSTATUS(rc), 0);
}

static int collect(void *ctx, const char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

static void assert_entry(zipread *z, const char *name, const void *data, size_t len)
{
    int i = zipread_find(z, name);
    assert_true(i >= 0);
    buf b = BUF_INIT;
    const char *why;
    assert_int_equal(zipread_read(z, (unsigned)i, collect, &b, &why), ST_OK);
    assert_int_equal(b.len, len);
    if (len)
        assert_memory_equal(b.data, data, len);
    buf_free(&b);
}

static const zip_limits roomy = {1ull << 33, 1u << 30, 200000};

static void test_small_archive(void **state)
{
    sink s = open_sink(false);
    zipw *z = zipw_new(sink_write, &s);
    assert_non_null(z);
    const char *text = "Procédure d'hygiène des mains.\n";
    char big[200000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = "Communauté de pratique "[i % 23];
    time_t when = 1700000000;
    assert_int_equal(zipw_begin(z, "Procédures/", when, ZIPW_STORE, 0), ST_OK);
    assert_int_equal(zipw_end(z), ST_OK);
    assert_int_equal(zipw_add(z, "Procédures/hygiène.txt", when, ZIPW_STORE, text, strlen(text)),
                     ST_OK);
    assert_int_equal(zipw_add(z, "Procédures/compressé.txt", when, ZIPW_DEFLATE, big, sizeof big),
                     ST_OK);
    assert_int_equal(zipw_add(z, "vide.txt", when, ZIPW_DEFLATE, "", 0), ST_OK);
    /* An entry fed in pieces, from a descriptor. */
    char src[] = "/tmp/relais-test-zipwrite-src-XXXXXX";
    int fd = mkstemp(src);
    assert_int_equal(write(fd, big, sizeof big), (ssize_t)sizeof big);
    lseek(fd, 0, SEEK_SET);
    assert_int_equal(zipw_add_fd(z, "manifest/copie.txt", when, ZIPW_DEFLATE, fd), ST_OK);
    close(fd);
    unlink(src);
    assert_int_equal(zipw_finish(z), ST_OK);
    /* Deflate did compress, and the archive is what was sent. */
    assert_true(zipw_offset(z) < sizeof big);
    assert_int_equal(zipw_offset(z), s.bytes);
    assert_int_equal(zipw_finish(z), ST_CONFLICT);
    zipw_free(z);
    close_sink(&s);

    assert_unzip_ok();
    zipread *r = NULL;
    const char *why;
    assert_int_equal(zipread_open_file(path, &roomy, &r, &why), ST_OK);
    assert_int_equal(zipread_count(r), 5);
    assert_string_equal(zipread_name(r, 0), "Procédures/");
    assert_entry(r, "Procédures/hygiène.txt", text, strlen(text));
    assert_entry(r, "Procédures/compressé.txt", big, sizeof big);
    assert_entry(r, "vide.txt", "", 0);
    assert_entry(r, "manifest/copie.txt", big, sizeof big);
    zipread_close(r);

    /* The UTF-8 flag (bit 11) is set on the accented name's local header, not on ASCII ones. */
    int in = open(path, O_RDONLY);
    unsigned char head[8];
    assert_int_equal(read(in, head, 8), 8);
    close(in);
    assert_int_equal(head[7] & 0x08, 0x08);
    assert_int_equal(head[6] & 0x08, 0x08);     /* sizes in a data descriptor */
}

static void test_zip64_entry_of_unknown_size(void **state)
{
    sink s = open_sink(false);
    zipw *z = zipw_new(sink_write, &s);
    const char *line = "ligne de journal d'audit\n";
    assert_int_equal(zipw_begin(z, "journal.txt", 0, ZIPW_DEFLATE, ZIPW_SIZE_UNKNOWN), ST_OK);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(zipw_data(z, line, strlen(line)), ST_OK);
    assert_int_equal(zipw_end(z), ST_OK);
    assert_int_equal(zipw_begin(z, "brut.bin", 0, ZIPW_STORE, ZIPW_SIZE_UNKNOWN), ST_OK);
    assert_int_equal(zipw_data(z, "abc", 3), ST_OK);
    assert_int_equal(zipw_end(z), ST_OK);
    assert_int_equal(zipw_finish(z), ST_OK);
    zipw_free(z);
    close_sink(&s);
    assert_unzip_ok();
    zipread *r = NULL;
    const char *why;
    assert_int_equal(zipread_open_file(path, &roomy, &r, &why), ST_OK);
    assert_entry(r, "brut.bin", "abc", 3);
    zipread_close(r);
}

static void test_more_than_65535_entries(void **state)
{
    sink s = open_sink(false);
    zipw *z = zipw_new(sink_write, &s);
    char name[32];
    for (int i = 0; i < 70000; i++) {
        snprintf(name, sizeof name, "d/%05d.txt", i);
        assert_int_equal(zipw_add(z, name, 0, ZIPW_STORE, name, strlen(name)), ST_OK);
    }
    assert_int_equal(zipw_finish(z), ST_OK);
    zipw_free(z);
    close_sink(&s);
    assert_unzip_ok();
    zipread *r = NULL;
    const char *why;
    assert_int_equal(zipread_open_file(path, &roomy, &r, &why), ST_OK);
    assert_int_equal(zipread_count(r), 70000);
    assert_entry(r, "d/69999.txt", "d/69999.txt", 11);
    zipread_close(r);
}

static void test_entry_larger_than_4_gib(void **state)
{
    /* 4 GiB + 64 KiB of zeros, stored: the file is sparse, so this costs CRC time, not disk. */
    sink s = open_sink(true);
    zipw *z = zipw_new(sink_write, &s);
    static const unsigned char zeros[64 * 1024];
    unsigned long long total = (4ull << 30) + sizeof zeros;
    assert_int_equal(zipw_begin(z, "grand.bin", 0, ZIPW_STORE, total), ST_OK);
    for (unsigned long long done = 0; done < total; done += sizeof zeros)
        assert_int_equal(zipw_data(z, zeros, sizeof zeros), ST_OK);
    assert_int_equal(zipw_end(z), ST_OK);
    /* An entry whose offset is past 4 GiB. */
    assert_int_equal(zipw_add(z, "après.txt", 0, ZIPW_DEFLATE, "fin", 3), ST_OK);
    assert_int_equal(zipw_finish(z), ST_OK);
    assert_true(zipw_offset(z) > total);
    zipw_free(z);
    close_sink(&s);
    /*
     * Debian's minizip cannot read ZIP64 sizes (it compares them with (unsigned
     * long)-1), and unzip -t would spend a minute on 4 GiB of CRC: Info-ZIP lists
     * the directory (ZIP64 sizes and CRC) and extracts the entry that lies past
     * 4 GiB, which exercises the ZIP64 offset and end records.
     */
    uLong crc_chunk = crc32(0, zeros, sizeof zeros);
    uLong crc = crc_chunk;
    for (unsigned long long done = sizeof zeros; done < total; done += sizeof zeros)
        crc = crc32_combine(crc, crc_chunk, sizeof zeros);
    char expect[128], cmd[512], got[4096] = {0};
    snprintf(expect, sizeof expect, "%llu  Stored %llu   0%% 1970-01-01 00:00 %08lx  grand.bin",
             total, total, crc);
    snprintf(cmd, sizeof cmd, "unzip -lv '%s' 2>&1", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(got, 1, sizeof got - 1, p);
    assert_int_equal(WEXITSTATUS(pclose(p)), 0);
    got[n] = '\0';
    assert_non_null(strstr(got, expect));
    snprintf(cmd, sizeof cmd, "unzip -p '%s' 'après.txt' 2>&1", path);
    p = popen(cmd, "r");
    n = fread(got, 1, sizeof got - 1, p);
    assert_int_equal(WEXITSTATUS(pclose(p)), 0);
    got[n] = '\0';
    assert_string_equal(got, "fin");
}

static void test_names(void **state)
{
    assert_true(zipw_name_ok("a.txt"));
    assert_true(zipw_name_ok("Dossier/Sous-dossier/compte rendu.pdf"));
    assert_true(zipw_name_ok("Dossier/"));
    assert_true(zipw_name_ok("..hidden/x"));
    assert_false(zipw_name_ok(NULL));
    assert_false(zipw_name_ok(""));
    assert_false(zipw_name_ok("/etc/passwd"));
    assert_false(zipw_name_ok("../../etc/passwd"));
    assert_false(zipw_name_ok("a/../b"));
    assert_false(zipw_name_ok("a/./b"));
    assert_false(zipw_name_ok("a//b"));
    assert_false(zipw_name_ok("a\\b"));
    assert_false(zipw_name_ok("C:evil"));
    assert_false(zipw_name_ok("line\nbreak"));
    assert_false(zipw_name_ok("bad\xff utf8"));
    assert_false(zipw_name_ok("overlong\xc0\xaf"));
    char longname[1100];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_false(zipw_name_ok(longname));

    sink s = open_sink(false);
    zipw *z = zipw_new(sink_write, &s);
    assert_int_equal(zipw_begin(z, "../x", 0, ZIPW_STORE, 1), ST_BAD_REQUEST);
    assert_int_equal(zipw_begin(z, "x", 0, (enum zipw_method)3, 1), ST_BAD_REQUEST);
    assert_int_equal(zipw_data(z, "x", 1), ST_CONFLICT);
    assert_int_equal(zipw_begin(z, "x", 0, ZIPW_STORE, 1), ST_OK);
    assert_int_equal(zipw_begin(z, "y", 0, ZIPW_STORE, 1), ST_CONFLICT);
    assert_int_equal(zipw_finish(z), ST_CONFLICT);
    zipw_free(z);
    close_sink(&s);
}

static void test_write_failure_sticks(void **state)
{
    sink s = open_sink(false);
    s.fail_after = 3;
    zipw *z = zipw_new(sink_write, &s);
    char data[300000];
    memset(data, 'r', sizeof data);
    rstatus st = ST_OK;
    for (int i = 0; i < 10 && st == ST_OK; i++)
        st = zipw_add(z, "f.txt", 0, ZIPW_STORE, data, sizeof data);
    assert_int_equal(st, ST_INTERNAL);
    assert_int_equal(zipw_add(z, "g.txt", 0, ZIPW_STORE, "g", 1), ST_INTERNAL);
    assert_int_equal(zipw_finish(z), ST_INTERNAL);
    zipw_free(z);
    close_sink(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_small_archive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zip64_entry_of_unknown_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_more_than_65535_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entry_larger_than_4_gib, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_failure_sticks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
