/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <systemd/sd-event.h>

#include "attach.h"
#include "bus-errors.h"
#include "bus-util.h"
#include "json-util.h"
#include "log.h"
#include "parse-flags.h"

/* Starting includes setting up the rootfs: allow more than sd-bus's default 25 s. */
#define START_TIMEOUT_USEC (UINT64_C(300) * UINT64_C(1000000))

typedef struct Attach {
        sd_bus *bus;
        const char *path;
        /* Last exit code seen in PropertiesChanged: with --rm the object may be gone before Wait. */
        int seen_exit_code;
        bool seen_exited;
        /* The container's stderr is ours: the runtime told us why a start failed there already. */
        bool stderr_passed;
        int status;
} Attach;

static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Attach *a = userdata;
        _cleanup_json_ cJSON *changed = NULL;
        const char *iface, *state;
        const cJSON *code;

        if (sd_bus_message_read(m, "s", &iface) < 0 || !streq(iface, BERTH_CONTAINER_IFACE))
                return 0;
        if (bus_message_read_properties(m, &changed) < 0)
                return 0;
        code = cJSON_GetObjectItemCaseSensitive(changed, "ExitCode");
        if (cJSON_IsNumber(code))
                a->seen_exit_code = code->valueint;
        state = json_get_string(changed, "State");
        if (streq_ptr(state, "exited"))
                a->seen_exited = true;
        return 0;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Attach *a = userdata;
        int r;

        log_debug("Forwarding signal %u to the container.", si->ssi_signo);
        r = sd_bus_call_method_async(
                a->bus,
                NULL,
                BERTH_BUS_NAME,
                a->path,
                BERTH_CONTAINER_IFACE,
                "Kill",
                NULL,
                NULL,
                "i",
                (int)si->ssi_signo);
        if (r < 0)
                log_warning_errno(r, "Failed to forward signal: %m");
        return 0;
}

static int on_wait_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Attach *a = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int32_t code;
        int r;

        if (e) {
                /* Removed (--rm) between its exit and our call: we saw the exit code go by. */
                if (a->seen_exited && sd_bus_error_has_names(
                                              e,
                                              BERTH_ERROR_NO_SUCH_CONTAINER,
                                              SD_BUS_ERROR_UNKNOWN_OBJECT,
                                              SD_BUS_ERROR_UNKNOWN_METHOD))
                        a->status = a->seen_exit_code;
                else {
                        bus_log_call_error("berth: ", e, -EIO);
                        a->status = EXIT_BERTH_ERROR;
                }
        } else {
                r = sd_bus_message_read(reply, "i", &code);
                if (r < 0) {
                        log_error_errno(r, "berth: Failed to parse reply of Wait: %m");
                        a->status = EXIT_BERTH_ERROR;
                } else
                        a->status = code;
        }
        return sd_event_exit(sd_bus_get_event(a->bus), 0);
}

static int on_start_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Attach *a = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (!e)
                return 0;
        /* The runtime has told the container's stderr (ours, unless -a left it out) why exec failed;
         * say it once. */
        if (!a->stderr_passed ||
            !sd_bus_error_has_names(e, BERTH_ERROR_EXEC_NOT_FOUND, BERTH_ERROR_EXEC_NOT_EXECUTABLE))
                bus_log_call_error("berth: ", e, -EIO);
        a->status = bus_error_exit_status(e);
        return sd_event_exit(sd_bus_get_event(a->bus), 0);
}

/* Start and Wait are sent back to back: berthd queues the waiter before the container can exit, so
 * even a --rm container that is gone at once reports its exit code. */
static int
start_and_wait_async(Attach *a, const int fds[static 3], sd_bus_slot **ret_start, sd_bus_slot **ret_wait) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *start = NULL, *wait = NULL;
        int r;

        r = sd_bus_message_new_method_call(
                a->bus, &start, BERTH_BUS_NAME, a->path, BERTH_CONTAINER_IFACE, "StartWithStreams");
        if (r < 0)
                return r;
        r = sd_bus_message_append(start, "hhh", fds[0], fds[1], fds[2]);
        if (r < 0)
                return r;
        r = sd_bus_call_async(a->bus, ret_start, start, on_start_reply, a, START_TIMEOUT_USEC);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_call(
                a->bus, &wait, BERTH_BUS_NAME, a->path, BERTH_CONTAINER_IFACE, "Wait");
        if (r < 0)
                return r;
        /* No timeout: a container may run for as long as it likes. */
        return sd_bus_call_async(a->bus, ret_wait, wait, on_wait_reply, a, BUS_TIMEOUT_INFINITY);
}

int attach_start_and_wait(
        sd_bus *bus, const char *path, bool pass_stdin, bool pass_stdout, bool pass_stderr) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *match = NULL, *start_slot = NULL, *wait_slot = NULL;
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        _cleanup_close_ int null_fd = -EBADF;
        Attach a = {.bus = bus, .path = path, .stderr_passed = pass_stderr, .status = EXIT_BERTH_ERROR};
        static const int proxied[] = {SIGINT, SIGTERM, SIGHUP};
        sigset_t mask;
        int r;

        r = sd_event_default(&event);
        if (r < 0)
                return log_error_errno(r, "berth: Failed to allocate event loop: %m"), EXIT_BERTH_ERROR;

        /* Block the proxied signals before starting, so none is lost between start and the event loop. */
        sigemptyset(&mask);
        for (size_t i = 0; i < ELEMENTSOF(proxied); i++)
                sigaddset(&mask, proxied[i]);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(errno, "berth: Failed to block signals: %m"), EXIT_BERTH_ERROR;
        for (size_t i = 0; i < ELEMENTSOF(proxied); i++) {
                r = sd_event_add_signal(event, NULL, proxied[i], on_signal, &a);
                if (r < 0)
                        return log_error_errno(r, "berth: Failed to watch signals: %m"), EXIT_BERTH_ERROR;
        }

        r = sd_bus_match_signal(
                bus,
                &match,
                BERTH_BUS_NAME,
                path,
                "org.freedesktop.DBus.Properties",
                "PropertiesChanged",
                on_properties_changed,
                &a);
        if (r < 0)
                return log_error_errno(r, "berth: Failed to subscribe to container changes: %m"),
                       EXIT_BERTH_ERROR;

        if (!pass_stdin || !pass_stdout || !pass_stderr) {
                null_fd = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);
                if (null_fd < 0)
                        return log_error_errno(errno, "berth: open /dev/null: %m"), EXIT_BERTH_ERROR;
        }

        r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "berth: Failed to attach bus to event loop: %m"), EXIT_BERTH_ERROR;
        const int fds[3] = {
                pass_stdin ? STDIN_FILENO : null_fd,
                pass_stdout ? STDOUT_FILENO : null_fd,
                pass_stderr ? STDERR_FILENO : null_fd,
        };
        r = start_and_wait_async(&a, fds, &start_slot, &wait_slot);
        if (r < 0)
                return log_error_errno(r, "berth: Failed to start the container: %m"), EXIT_BERTH_ERROR;
        r = sd_event_loop(event);
        (void)sd_bus_detach_event(bus);
        if (r < 0)
                return log_error_errno(r, "berth: Event loop failed: %m"), EXIT_BERTH_ERROR;
        return a.status;
}
