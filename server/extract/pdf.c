/* pdf.c - PDF text through pdftotext in a child process, with a deadline and caps. */
#include "extract/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * In the child, between fork and exec, only async-signal-safe calls: the
 * parent has other threads whose locks may be held at the moment of fork.
 */
static void child(const char *exe, const char *path, int out_fd, const extract_limits *lim)
{
    int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(null, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(null, 2) < 0)
        _exit(126);
    /* Nothing of the server's (sockets, the database, blobs) reaches the child. */
    syscall(SYS_close_range, 3U, ~0U, 0U);
    struct rlimit cpu = {lim->timeout_seconds + 1, lim->timeout_seconds + 2};
    struct rlimit mem = {lim->child_memory, lim->child_memory};
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CPU, &cpu);
    if (lim->child_memory)
        setrlimit(RLIMIT_AS, &mem);
    setrlimit(RLIMIT_CORE, &none);
    setrlimit(RLIMIT_FSIZE, &none);     /* writes only to its pipe */
    /* Its own process group, so a kill reaches anything it might start. */
    setpgid(0, 0);
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    char *const argv[] = {(char *)exe, "-q", "-enc", "UTF-8", "-eol", "unix", "--",
                          (char *)path, "-", NULL};
    char *const envp[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL};
    execve(exe, argv, envp);
    _exit(127);
}

rstatus extract_pdf(const char *path, const extract_limits *lim, textsink *sink,
                    extract_info *info)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        log_error("extract: pipe: %s", strerror(errno));
        info->error = "Text extraction is not available right now.";
        return ST_INTERNAL;
    }
    pid_t pid = fork();
    if (pid < 0) {
        log_error("extract: fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        info->error = "Text extraction is not available right now.";
        return ST_INTERNAL;
    }
    if (pid == 0)
        child(lim->pdftotext, path, fds[1], lim);
    close(fds[1]);
    int rfd = fds[0];
    fcntl(rfd, F_SETFL, fcntl(rfd, F_GETFL) | O_NONBLOCK);

    long long deadline = now_ms() + (long long)lim->timeout_seconds * 1000;
    bool timed_out = false, read_error = false;
    char chunk[16 * 1024];
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd p = {rfd, POLLIN, 0};
        int rc = poll(&p, 1, left > 1000 ? 1000 : (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0) {
            read_error = true;
            break;
        }
        if (rc == 0)
            continue;
        ssize_t n = read(rfd, chunk, sizeof chunk);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0) {
            read_error = true;
            break;
        }
        if (n == 0)
            break;
        /* pdftotext separates pages with form feeds: lines for us. */
        for (ssize_t k = 0; k < n; k++)
            if (chunk[k] == '\f')
                chunk[k] = '\n';
        textsink_text(sink, chunk, (size_t)n);
        if (sink->full)
            break;      /* enough text: the rest is not read */
    }
    close(rfd);
    bool stopped_early = timed_out || read_error || sink->full;
    if (stopped_early) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);     /* in case it had not made its group yet */
    }
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    textsink_finish(sink);
    if (timed_out) {
        info->error = "Text extraction took too long and was stopped.";
        return ST_UNPROCESSABLE;
    }
    if (read_error) {
        info->error = "Text extraction failed.";
        return ST_INTERNAL;
    }
    if (sink->full) {
        info->truncated = true;
        return ST_OK;
    }
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
        return ST_OK;
    if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127) {
        log_error("extract: cannot run %s", lim->pdftotext);
        info->error = "Text extraction is not available (pdftotext is missing).";
        return ST_INTERNAL;
    }
    if (WIFSIGNALED(wstatus))
        info->error = "The PDF could not be read (the reader was stopped: too large or too complex).";
    else
        info->error = "The PDF is damaged or cannot be read.";
    return ST_UNPROCESSABLE;
}
