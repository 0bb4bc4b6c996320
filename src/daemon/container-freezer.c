/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bus-container.h"
#include "bus-errors.h"
#include "container-freezer.h"
#include "events.h"
#include "log.h"
#include "unit-manager.h"

/* FREEZING turns into FROZEN once every task stopped; a task in an uninterruptible sleep may take a
 * while, so the wait is bounded (and the caller gets EBUSY, as the kernel's own word). */
#define FREEZE_POLL_USEC 1000U
#define FREEZE_TIMEOUT_USEC (2U * 1000000U)

static int write_state(const char *path, const char *state) {
        _cleanup_close_ int fd = -EBADF;
        size_t n = strlen(state);

        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        if (write(fd, state, n) != (ssize_t)n)
                return negative_errno();
        return 0;
}

static int read_state(const char *path, char buf[static 32]) {
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        n = read(fd, buf, 31);
        if (n < 0)
                return negative_errno();
        buf[n] = 0;
        buf[strcspn(buf, "\n")] = 0;
        return 0;
}

int freezer_v1_set(const char *dir, bool freeze) {
        _cleanup_free_ char *path = NULL;
        const char *want = freeze ? "FROZEN" : "THAWED";
        char state[32];
        int r;

        if (asprintf(&path, "%s/freezer.state", dir) < 0)
                return -ENOMEM;
        for (unsigned waited = 0;; waited += FREEZE_POLL_USEC) {
                /* Writing FROZEN again makes the kernel retry the tasks that were not stopped yet. */
                r = write_state(path, want);
                if (r < 0)
                        return r;
                r = read_state(path, state);
                if (r < 0)
                        return r;
                if (streq(state, want))
                        return 0;
                if (waited >= FREEZE_TIMEOUT_USEC)
                        break;
                (void)usleep(FREEZE_POLL_USEC);
        }
        if (freeze)
                (void)write_state(path, "THAWED");
        return -EBUSY;
}

/* The container's v1 freezer cgroup when this machine has that hierarchy (-ENOENT otherwise). */
static int freezer_v1_dir(const Container *c, char **ret) {
        _cleanup_free_ char *dir = NULL;
        struct stat st;

        if (asprintf(&dir, FREEZER_V1_ROOT "/berth.slice/%s", c->unit) < 0)
                return -ENOMEM;
        if (stat(dir, &st) < 0)
                return negative_errno();
        *ret = TAKE_PTR(dir);
        return 0;
}

static int not_running(Container *c, sd_bus_error *error) {
        return sd_bus_error_setf(
                error, BERTH_ERROR_CONTAINER_NOT_RUNNING, "Container %s is not running", c->id);
}

static int container_freeze(Container *c, bool freeze, sd_bus_message *request, sd_bus_error *error) {
        _cleanup_free_ char *dir = NULL;
        int r;

        if (c->state != CONTAINER_RUNNING || c->restarting || c->start_request)
                return not_running(c, error);
        if (freeze && c->paused)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_CONTAINER_RUNNING, "Container %s is already paused", c->id);
        if (!freeze && !c->paused)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_CONTAINER_NOT_RUNNING, "Container %s is not paused", c->id);
        if (c->freeze_slot)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_INVALID_ARGUMENT,
                        "Container %s is being paused or unpaused",
                        c->id);

        r = freezer_v1_dir(c, &dir);
        if (r == -ENOENT) {
                /* No v1 freezer: systemd freezes the unit's cgroup (cgroup v2). */
                r = unit_freeze(c, freeze, request);
                if (r < 0)
                        return sd_bus_error_set_errnof(error, r, "Failed to freeze %s: %m", c->unit);
                return 0;
        }
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to find the freezer of %s: %m", c->id);
        r = freezer_v1_set(dir, freeze);
        if (r < 0)
                return sd_bus_error_set_errnof(
                        error, r, "Failed to %s container %s: %m", freeze ? "pause" : "unpause", c->id);
        container_freeze_done(c, request, freeze, NULL);
        return 0;
}

void container_freeze_done(Container *c, sd_bus_message *request, bool freeze, const sd_bus_error *error) {
        if (error) {
                if (request)
                        (void)sd_bus_reply_method_error(request, error);
                return;
        }
        c->paused = freeze;
        log_info("Container %s %s.", c->id, freeze ? "paused" : "unpaused");
        bus_container_emit_changed(c);
        container_emit_event(c, freeze ? "pause" : "unpause");
        if (request)
                (void)sd_bus_reply_method_return(request, NULL);
}

int container_pause(Container *c, sd_bus_message *request, sd_bus_error *error) {
        return container_freeze(c, true, request, error);
}

int container_unpause(Container *c, sd_bus_message *request, sd_bus_error *error) {
        return container_freeze(c, false, request, error);
}

void container_thaw_for_stop(Container *c) {
        _cleanup_free_ char *dir = NULL;
        int r;

        if (!c->paused)
                return;
        r = freezer_v1_dir(c, &dir);
        if (r >= 0)
                r = freezer_v1_set(dir, false);
        else if (r == -ENOENT)
                /* Queued before the stop or kill that follows: systemd handles them in order. */
                r = unit_freeze(c, false, NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to thaw container %s: %m", c->id);
        c->paused = false;
        bus_container_emit_changed(c);
}

void container_freezer_cleanup(Container *c) {
        _cleanup_free_ char *dir = NULL;

        if (freezer_v1_dir(c, &dir) < 0)
                return;
        if (rmdir(dir) < 0 && errno != ENOENT)
                log_debug_errno(errno, "Failed to remove %s: %m", dir);
}
