/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>

#include "fileio.h"
#include "log.h"
#include "stdio-relay.h"

const int relay_forwarded_signals[] = {
        SIGTERM,
        SIGINT,
        SIGHUP,
        SIGQUIT,
        SIGUSR1,
        SIGUSR2,
        SIGWINCH,
        SIGCONT,
};
const size_t relay_n_forwarded_signals = ELEMENTSOF(relay_forwarded_signals);

/* Output still held open after the init died (by a process outside the pid namespace) is not waited
 * for longer than this. */
#define DRAIN_TIMEOUT_MS 1000

static int write_record(const char *record, size_t size, void *userdata) {
        int fd = *(int *)userdata;
        return loop_write(fd, record, size);
}

static void relay_chunk(StdioRelay *r, bool is_err, const char *data, size_t size) {
        LineBuffer *lines = is_err ? &r->err_lines : &r->out_lines;
        int fd;

        if (r->attach)
                attach_server_output(r->attach, is_err, data, size);

        if (r->journal_mode) {
                fd = STDOUT_FILENO;
                /* Nothing better to do if the journal refuses a line than to go on with the next. */
                (void)line_buffer_feed(lines, data, size, write_record, &fd);
                return;
        }

        bool *broken = is_err ? &r->err_broken : &r->out_broken;
        if (!*broken && loop_write(is_err ? STDERR_FILENO : STDOUT_FILENO, data, size) < 0)
                *broken = true; /* the caller went away; keep draining so the container doesn't block */
        if (r->journal_fd >= 0 && line_buffer_feed(lines, data, size, write_record, &r->journal_fd) < 0)
                r->journal_fd = safe_close(r->journal_fd);
}

static void relay_eof(StdioRelay *r, bool is_err) {
        LineBuffer *lines = is_err ? &r->err_lines : &r->out_lines;
        int fd = r->journal_mode ? STDOUT_FILENO : r->journal_fd;

        if (fd >= 0)
                (void)line_buffer_flush(lines, write_record, &fd);
        if (is_err)
                r->err_fd = safe_close(r->err_fd);
        else
                r->out_fd = safe_close(r->out_fd);
}

static void relay_read(StdioRelay *r, bool is_err) {
        char buf[65536];
        ssize_t n;

        n = read(is_err ? r->err_fd : r->out_fd, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return;
        if (n <= 0) {
                relay_eof(r, is_err);
                return;
        }
        relay_chunk(r, is_err, buf, (size_t)n);
}

/* Returns true once the init has been reaped. */
static bool relay_signal(StdioRelay *r, int *wait_status) {
        struct signalfd_siginfo si;
        bool exited = false;

        /* The signalfd is non-blocking: read what is pending. SIGCHLD only says "reap". */
        while (read(r->signal_fd, &si, sizeof(si)) == sizeof(si))
                if (si.ssi_signo != SIGCHLD && !r->reaped && kill(r->child, (int)si.ssi_signo) < 0 &&
                    errno != ESRCH)
                        log_warning_errno(errno, "Failed to forward signal %u: %m", si.ssi_signo);

        for (;;) {
                int status;
                pid_t p = waitpid(-1, &status, WNOHANG);
                if (p <= 0)
                        break;
                if (p == r->child) {
                        *wait_status = status;
                        exited = true;
                        r->reaped = true;
                        if (r->attach)
                                attach_server_init_exited(r->attach);
                } else if (r->attach)
                        attach_server_child_exited(r->attach, p, status);
        }
        return exited;
}

static int64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int stdio_relay_run(StdioRelay *r, int *ret_wait_status) {
        int wait_status = 0;
        bool exited = false;
        int64_t deadline = 0;

        line_buffer_init(&r->out_lines, LOG_INFO);
        line_buffer_init(&r->err_lines, LOG_ERR);

        while (!exited || r->out_fd >= 0 || r->err_fd >= 0 || (r->attach && attach_server_busy(r->attach))) {
                /* Attach clients that cannot keep up hold the container's output back. */
                bool take = !r->attach || attach_server_can_take_output(r->attach);
                bool busy = r->attach && attach_server_busy(r->attach);
                struct pollfd p[4] = {
                        {.fd = exited && !busy ? -1 : r->signal_fd, .events = POLLIN},
                        {.fd = take ? r->out_fd : -1, .events = POLLIN},
                        {.fd = take ? r->err_fd : -1, .events = POLLIN},
                        {.fd = r->attach ? attach_server_fd(r->attach) : -1, .events = POLLIN},
                };
                int timeout = -1, n;

                if (exited) {
                        timeout = (int)MAX(deadline - now_ms(), 0);
                        if (timeout == 0)
                                break;
                }

                n = poll(p, ELEMENTSOF(p), timeout);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(errno, "poll() failed: %m");
                }
                /* Output first, so that what the container wrote before exiting is not cut short. */
                if (p[1].revents)
                        relay_read(r, false);
                if (p[2].revents)
                        relay_read(r, true);
                if (p[0].revents && relay_signal(r, &wait_status)) {
                        exited = true;
                        deadline = now_ms() + DRAIN_TIMEOUT_MS;
                }
                if (p[3].revents)
                        attach_server_dispatch(r->attach);
        }

        if (r->out_fd >= 0)
                relay_eof(r, false);
        if (r->err_fd >= 0)
                relay_eof(r, true);
        *ret_wait_status = wait_status;
        return 0;
}
