/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include "attach-protocol.h"
#include "bus-errors.h"
#include "bus-util.h"
#include "fileio.h"
#include "log.h"
#include "parse-flags.h"
#include "stream-relay.h"

/* Starting includes setting up the rootfs: allow more than sd-bus's default 25 s. */
#define START_TIMEOUT_USEC (UINT64_C(300) * UINT64_C(1000000))

static void send_size(StreamRelay *r) {
        unsigned rows, cols;

        if (terminal_get_size(STDOUT_FILENO, &rows, &cols) < 0 &&
            terminal_get_size(STDIN_FILENO, &rows, &cols) < 0)
                return;
        (void)attach_send_resize(r->sock, rows, cols);
}

static void on_signal(StreamRelay *r, int fd, bool *ret_quit) {
        struct signalfd_siginfo si;

        while (read(fd, &si, sizeof(si)) == sizeof(si)) {
                int sig = (int)si.ssi_signo;

                if (sig == SIGWINCH) {
                        send_size(r);
                        continue;
                }
                if (r->sig_proxy && !r->tty && r->bus) {
                        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                        if (bus_call(
                                    r->bus,
                                    r->path,
                                    BERTH_CONTAINER_IFACE,
                                    "Kill",
                                    0,
                                    &error,
                                    NULL,
                                    "i",
                                    sig) < 0)
                                log_debug("Failed to forward signal %i: %s", sig, error.message ?: "");
                        continue;
                }
                /* Ours to die of: the terminal is restored at exit. */
                r->exit_code = 128 + sig;
                *ret_quit = true;
        }
}

/* Returns true when the stream has ended. */
static bool on_socket(StreamRelay *r, uint8_t *buf) {
        AttachPacket k;
        ssize_t n;

        n = recv(r->sock, buf, ATTACH_PACKET_MAX + 1, MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0)
                return errno != EAGAIN && errno != EINTR;
        if (n == 0)
                return true;
        if ((size_t)n > ATTACH_PACKET_MAX || attach_packet_parse(buf, (size_t)n, &k) < 0) {
                log_debug("Ignoring a bad packet from the container.");
                return false;
        }
        switch (k.type) {
        case ATTACH_PACKET_STDOUT:
        case ATTACH_PACKET_STDERR:
                (void)loop_write(
                        k.type == ATTACH_PACKET_STDERR ? STDERR_FILENO : STDOUT_FILENO, k.data, k.size);
                return false;
        case ATTACH_PACKET_STARTED:
                r->started = true;
                return r->until_started;
        case ATTACH_PACKET_EXIT:
                r->got_exit = true;
                r->exit_code = k.exit_code;
                return true;
        default:
                return false;
        }
}

/* Returns true when the relay must end (detach). */
static bool on_stdin(StreamRelay *r, uint8_t *buf) {
        uint8_t out[ATTACH_DATA_MAX + DETACH_KEYS_MAX];
        size_t m = 0;
        ssize_t n;
        bool detach;

        n = read(STDIN_FILENO, buf, ATTACH_DATA_MAX);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return false;
        if (n <= 0) {
                r->send_stdin = false;
                (void)attach_send(r->sock, ATTACH_PACKET_CLOSE_STDIN, NULL, 0);
                return false;
        }
        if (r->tty)
                detach = detach_keys_filter(&r->keys, buf, (size_t)n, out, &m);
        else {
                detach = false;
                memcpy(out, buf, (size_t)n);
                m = (size_t)n;
        }
        if (m > 0 && attach_send(r->sock, ATTACH_PACKET_STDIN, out, m) < 0)
                r->send_stdin = false;
        if (detach) {
                r->detached = true;
                return true;
        }
        return false;
}

int stream_relay_run(StreamRelay *r) {
        _cleanup_close_ int signal_fd = -EBADF;
        _cleanup_free_ uint8_t *buf = NULL;
        sigset_t mask;
        bool quit = false;
        int k;

        buf = malloc(ATTACH_PACKET_MAX + 1);
        if (!buf)
                return log_oom();

        sigemptyset(&mask);
        sigaddset(&mask, SIGWINCH);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(errno, "Failed to block signals: %m");
        signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        if (signal_fd < 0)
                return log_error_errno(errno, "Failed to watch signals: %m");
        (void)signal(SIGPIPE, SIG_IGN);

        if (r->tty) {
                if (r->send_stdin && isatty(STDIN_FILENO)) {
                        k = terminal_make_raw(STDIN_FILENO);
                        if (k < 0)
                                return log_error_errno(k, "Failed to put the terminal in raw mode: %m");
                }
                send_size(r);
        }

        while (!quit) {
                struct pollfd p[3] = {
                        {.fd = r->sock, .events = POLLIN},
                        {.fd = r->send_stdin ? STDIN_FILENO : -1, .events = POLLIN},
                        {.fd = signal_fd, .events = POLLIN},
                };

                if (poll(p, ELEMENTSOF(p), -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        k = log_error_errno(errno, "poll() failed: %m");
                        terminal_restore();
                        return k;
                }
                if (p[0].revents && on_socket(r, buf))
                        break;
                if (p[1].revents && on_stdin(r, buf))
                        break;
                if (p[2].revents)
                        on_signal(r, signal_fd, &quit);
        }
        terminal_restore();
        return 0;
}

int attach_container_terminal(
        sd_bus *bus, const char *path, bool start, bool attach_stdin, const DetachKeys *keys) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_close_ int sock = -EBADF;
        StreamRelay relay;
        int fd, r;

        if (start) {
                r = bus_call(
                        bus, path, BERTH_CONTAINER_IFACE, "Start", START_TIMEOUT_USEC, &error, NULL, NULL);
                if (r < 0) {
                        /* The runtime's words went to the journal, not to us: say them here. */
                        bus_log_call_error("berth: ", &error, r);
                        return bus_error_exit_status(&error);
                }
        }

        r = sd_bus_call_method(
                bus,
                BERTH_BUS_NAME,
                path,
                BERTH_CONTAINER_IFACE,
                "Attach",
                &error,
                &reply,
                "a{sv}",
                3,
                "Stdin",
                "b",
                attach_stdin,
                "Stdout",
                "b",
                1,
                "Stderr",
                "b",
                1);
        if (r < 0 && start && sd_bus_error_has_name(&error, BERTH_ERROR_CONTAINER_NOT_RUNNING)) {
                /* It ran and ended before we could attach (and had nothing to show): its exit code. */
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *wait = NULL;
                int32_t code;

                sd_bus_error_free(&error);
                r = bus_call(
                        bus, path, BERTH_CONTAINER_IFACE, "Wait", BUS_TIMEOUT_INFINITY, &error, &wait, NULL);
                if (r >= 0 && sd_bus_message_read(wait, "i", &code) >= 0)
                        return code;
        }
        if (r < 0) {
                bus_log_call_error("", &error, r);
                return EXIT_BERTH_ERROR;
        }
        r = sd_bus_message_read(reply, "h", &fd);
        if (r < 0)
                return log_error_errno(r, "Failed to read the attach reply: %m"), EXIT_BERTH_ERROR;
        sock = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (sock < 0)
                return log_error_errno(errno, "Failed to take the attach socket: %m"), EXIT_BERTH_ERROR;

        relay = (StreamRelay){
                .sock = sock,
                .tty = true,
                .send_stdin = attach_stdin,
                .keys = *keys,
                .bus = bus,
                .path = path,
        };
        r = stream_relay_run(&relay);
        if (r < 0)
                return EXIT_BERTH_ERROR;
        if (relay.detached)
                return EXIT_SUCCESS;
        if (relay.got_exit)
                return relay.exit_code;
        if (relay.exit_code > 0) /* a signal ended us */
                return relay.exit_code;

        /* The stream ended without an exit code: ask for it. */
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *wait = NULL;
                int32_t code;

                sd_bus_error_free(&error);
                r = bus_call(
                        bus, path, BERTH_CONTAINER_IFACE, "Wait", BUS_TIMEOUT_INFINITY, &error, &wait, NULL);
                if (r < 0 || sd_bus_message_read(wait, "i", &code) < 0)
                        return EXIT_BERTH_ERROR;
                return code;
        }
}
