/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "fileio.h"
#include "log.h"
#include "worker.h"

/* The child sends lines "P <progress>\n", then "R <errno> <text>" up to its end. */
#define WORKER_RESULT_MAX (64U * 1024U)

struct Worker {
        pid_t pid;
        int fd;
        sd_event_source *io;
        WorkerProgress progress;
        WorkerDone done;
        void *userdata;
        bool cancelled;
        char *buf; /* what came and is not a whole progress line yet */
        size_t size;
};

/* In the child. */
static int child_fd = -EBADF;
static int child_cancel_fd = -EBADF;

Worker *worker_free(Worker *w) {
        if (!w)
                return NULL;
        sd_event_source_disable_unref(w->io);
        safe_close(w->fd);
        free(w->buf);
        if (w->pid > 0) {
                (void)kill(w->pid, SIGKILL);
                (void)waitpid(w->pid, NULL, 0);
        }
        free(w);
        return NULL;
}

static _noreturn_ void worker_child(int fd, WorkerFunction run, void *userdata) {
        _cleanup_free_ char *result = NULL, *text = NULL;
        sigset_t mask;
        int r;

        /* A reader that goes away is an error to report, not a signal to die of. */
        (void)signal(SIGPIPE, SIG_IGN);
        /* berthd blocks these for its event loop; here they stop the child (see worker_cancel_fd()). */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        (void)sigprocmask(SIG_UNBLOCK, &mask, NULL);
        /* Nobody is left to take the result when berthd goes: stop as when cancelled. */
        (void)prctl(PR_SET_PDEATHSIG, SIGTERM);
        child_fd = fd;
        log_reset_first_error();
        r = run(userdata, &result);
        if (r < 0) {
                const char *reason = log_first_error();
                errno = -r;
                r = reason ? asprintf(&text, "R %d %s", -r, reason) : asprintf(&text, "R %d %m", -r);
        } else
                r = asprintf(&text, "R 0 %s", result ?: "");
        if (r >= 0)
                (void)loop_write(fd, text, strlen(text));
        _exit(r >= 0 && text[2] == '0' ? EXIT_SUCCESS : EXIT_FAILURE);
}

int worker_send_progress(const char *format, ...) {
        _cleanup_free_ char *line = NULL, *text = NULL;
        va_list ap;
        int r;

        if (child_fd < 0)
                return -EBADF;
        va_start(ap, format);
        r = vasprintf(&line, format, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        /* One record a line. */
        for (char *p = line; *p; p++)
                if (*p == '\n')
                        *p = ' ';
        if (asprintf(&text, "P %s\n", line) < 0)
                return -ENOMEM;
        return loop_write(child_fd, text, strlen(text));
}

int worker_cancel_fd(void) {
        sigset_t mask;

        if (child_cancel_fd >= 0)
                return child_cancel_fd;
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;
        child_cancel_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (child_cancel_fd < 0)
                return -errno;
        /* berthd may have gone before the mask was set. */
        if (getppid() == 1)
                (void)raise(SIGTERM);
        return child_cancel_fd;
}

/* Hands the whole progress lines in w->buf to the callback and keeps the rest. */
static void worker_take_lines(Worker *w) {
        size_t start = 0;

        for (;;) {
                char *nl = memchr(w->buf + start, '\n', w->size - start);
                if (!nl || strncmp(w->buf + start, "P ", 2) != 0)
                        break;
                *nl = 0;
                if (w->progress)
                        w->progress(w->buf + start + 2, w->userdata);
                start = nl - w->buf + 1;
        }
        memmove(w->buf, w->buf + start, w->size - start);
        w->size -= start;
}

static void worker_end(Worker *w) {
        const char *message = "The worker process failed.";
        int error = -EIO;
        char *end;

        (void)waitpid(w->pid, NULL, 0);
        w->pid = 0;
        if (w->size > 2 && strncmp(w->buf, "R ", 2) == 0) {
                long e;
                w->buf[w->size] = 0;
                e = strtol(w->buf + 2, &end, 10);
                if (end != w->buf + 2 && *end == ' ' && e >= 0 && e < 4096) {
                        error = -(int)e;
                        message = end + 1;
                }
        }
        /* A child that finished its work before it saw the cancel still succeeded. */
        if (w->cancelled && error < 0) {
                error = -ECANCELED;
                message = "Cancelled.";
        }
        w->done(error, message, w->userdata);
        worker_free(w);
}

static int on_worker_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Worker *w = userdata;

        for (;;) {
                ssize_t n;

                if (w->size >= WORKER_RESULT_MAX) {
                        /* Garbage: no line end in all that. */
                        w->size = 0;
                        (void)kill(w->pid, SIGKILL);
                }
                n = read(fd, w->buf + w->size, WORKER_RESULT_MAX - w->size);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN)
                                return 0;
                        break;
                }
                if (n == 0)
                        break;
                w->size += (size_t)n;
                worker_take_lines(w);
        }
        /* The child has closed its end: it is exiting. */
        worker_end(w);
        return 0;
}

int worker_start(sd_event *event, WorkerFunction run, WorkerDone done, void *userdata, Worker **ret) {
        return worker_start_with_progress(event, run, NULL, done, userdata, ret);
}

int worker_start_with_progress(
        sd_event *event,
        WorkerFunction run,
        WorkerProgress progress,
        WorkerDone done,
        void *userdata,
        Worker **ret) {
        _cleanup_(worker_freep) Worker *w = NULL;
        int pipefd[2], r;

        w = calloc(1, sizeof(Worker));
        if (!w)
                return -ENOMEM;
        w->fd = -EBADF;
        w->progress = progress;
        w->done = done;
        w->userdata = userdata;
        w->buf = malloc(WORKER_RESULT_MAX + 1);
        if (!w->buf)
                return -ENOMEM;

        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -errno;
        w->pid = fork();
        if (w->pid < 0) {
                r = -errno;
                safe_close(pipefd[0]);
                safe_close(pipefd[1]);
                return r;
        }
        if (w->pid == 0) {
                safe_close(pipefd[0]);
                worker_child(pipefd[1], run, userdata);
        }
        safe_close(pipefd[1]);
        w->fd = pipefd[0];
        if (fcntl(w->fd, F_SETFL, O_NONBLOCK) < 0)
                return -errno;

        r = sd_event_add_io(event, &w->io, w->fd, EPOLLIN, on_worker_io, w);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(w);
        return 0;
}

void worker_cancel(Worker *w) {
        if (w->pid > 0) {
                w->cancelled = true;
                (void)kill(w->pid, SIGTERM);
        }
}
