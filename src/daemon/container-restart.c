/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "bundle.h"
#include "bus-container.h"
#include "bus-errors.h"
#include "bus-util.h"
#include "container-freezer.h"
#include "container-health.h"
#include "container-lifecycle.h"
#include "container-restart.h"
#include "container-state-file.h"
#include "events.h"
#include "fileio.h"
#include "log.h"
#include "time-util.h"
#include "unit-manager.h"

#define BOOT_FLAG_FILE "booted"

static void save_and_emit(Container *c) {
        int r;

        r = container_save_state(c);
        if (r < 0)
                log_warning_errno(r, "Failed to save the state of container %s: %m", c->id);
        bus_container_emit_changed(c);
        container_health_follow(c);
}

int container_restart_policy_validate(
        const ContainerCreateOptions *o, RestartPolicy *ret, sd_bus_error *error) {
        _cleanup_free_ char *message = NULL;
        RestartPolicy p;
        int r;

        r = restart_policy_parse(o->restart_policy, &p, &message);
        if (r == -EINVAL)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, message);
        if (r < 0)
                return r;
        if (o->auto_remove && p.kind != RESTART_POLICY_NO)
                return sd_bus_error_set(
                        error,
                        BERTH_ERROR_INVALID_ARGUMENT,
                        "can't create 'AutoRemove' container with restart policy");
        *ret = p;
        return 0;
}

const char *container_status_to_string(const Container *c) {
        if (c->state == CONTAINER_RUNNING) {
                if (c->restarting)
                        return "restarting";
                if (c->paused)
                        return "paused";
        }
        return container_state_to_string(c->state);
}

void container_set_manually_stopped(Container *c, bool b) {
        int r;

        if (c->manually_stopped == b)
                return;
        c->manually_stopped = b;
        r = container_save_state(c);
        if (r < 0)
                log_warning_errno(r, "Failed to save the state of container %s: %m", c->id);
}

static bool has_waiter(const Container *c, WaiterKind kind) {
        for (const Waiter *w = c->waiters; w; w = w->next)
                if (w->kind == kind)
                        return true;
        return false;
}

Waiter *container_take_waiters(Container *c, WaiterKind kind) {
        Waiter *taken = NULL, **tail = &taken;

        for (Waiter **p = &c->waiters; *p;) {
                Waiter *w = *p;

                if (w->kind != kind) {
                        p = &w->next;
                        continue;
                }
                *p = w->next;
                w->next = NULL;
                *tail = w;
                tail = &w->next;
        }
        return taken;
}

static void waiter_free(Waiter *w) {
        sd_bus_message_unref(w->request);
        free(w);
}

/* Docker answers "wait" at every exit, an exit before an automatic restart too. */
static void reply_wait_waiters(Container *c) {
        Waiter *w = container_take_waiters(c, WAITER_WAIT);

        while (w) {
                Waiter *next = w->next;
                (void)sd_bus_reply_method_return(w->request, "i", c->exit_code);
                waiter_free(w);
                w = next;
        }
}

bool container_restart_follow(Container *c, const char *active_state) {
        uint64_t finished = 0;
        char code_string[12];
        pid_t pid = 0;
        int code, r;

        if (c->state != CONTAINER_RUNNING || c->start_request)
                return false;

        if (streq(active_state, "activating")) {
                c->confirming_stop = false;
                if (c->restarting)
                        return true;
                if (c->manually_stopped || has_waiter(c, WAITER_STOP) || has_waiter(c, WAITER_REMOVE) ||
                    has_waiter(c, WAITER_RESTART)) {
                        /* Killed or stopped by the user: systemd must not bring it back (an explicit
                         * StopUnit cancels the pending restart). */
                        r = unit_stop(c);
                        if (r < 0)
                                log_warning_errno(r, "Failed to stop %s: %m", c->unit);
                        return true;
                }

                r = bundle_read_exit(c->bundle, &code, &finished, NULL);
                if (r < 0) {
                        log_debug_errno(r, "No exit.json for the restart of %s: %m", c->id);
                        code = 255;
                }
                log_info("Container %s exited with %i, systemd restarts it.", c->id, code);
                c->restarting = true;
                c->paused = false;
                c->exit_code = code;
                c->finished_at = finished > 0 ? finished : now_realtime_usec();
                c->pid = 0;
                save_and_emit(c);
                snprintf(code_string, sizeof(code_string), "%i", code);
                container_emit_event(c, "die", "exitCode", code_string);
                c->exit_reported = true;
                reply_wait_waiters(c);
                return true;
        }

        if (streq(active_state, "active")) {
                if (!c->restarting)
                        return false;
                r = bundle_read_pid(c->bundle, &pid);
                if (r < 0)
                        log_warning_errno(r, "Failed to read the pid of container %s: %m", c->id);
                c->restarting = false;
                c->exit_reported = false;
                c->pid = pid > 0 ? (uint32_t)pid : 0;
                c->started_at = now_realtime_usec();
                save_and_emit(c);
                container_emit_event(c, "start");
                return true;
        }

        if (streq(active_state, "inactive") || streq(active_state, "failed")) {
                /* systemd 252 passes through "failed" (or "inactive") on its way to "activating
                 * (auto-restart)", in the same step: when a restart may follow, ask once more, and the
                 * answer tells. */
                if (c->restart_policy.kind != RESTART_POLICY_NO && !c->confirming_stop) {
                        c->confirming_stop = true;
                        r = unit_query_state(c);
                        if (r >= 0)
                                return true;
                        log_warning_errno(r, "Failed to query %s: %m", c->unit);
                }
                c->confirming_stop = false;
                c->restarting = false;
                c->paused = false;
                container_freezer_cleanup(c);
        }
        return false;
}

void container_unit_restarts(Container *c, uint32_t n_restarts) {
        int r;

        /* A new unit (a start by the user) counts from 0 again; Docker keeps counting until then. */
        if (n_restarts == 0 || n_restarts == c->restart_count)
                return;
        c->restart_count = n_restarts;
        r = container_save_state(c);
        if (r < 0)
                log_warning_errno(r, "Failed to save the state of container %s: %m", c->id);
        r = sd_bus_emit_properties_changed(
                c->manager->bus, c->object_path, BERTH_CONTAINER_IFACE, "RestartCount", NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to emit PropertiesChanged for %s: %m", c->id);
}

int container_restart(Container *c, uint64_t timeout_usec, sd_bus_message *request, sd_bus_error *error) {
        int r;

        if (c->state != CONTAINER_RUNNING || c->restarting) {
                if (c->restarting) {
                        /* Between two runs: stop the pending restart, then start anew. */
                        r = unit_stop(c);
                        if (r < 0)
                                return sd_bus_error_set_errnof(error, r, "Failed to stop %s: %m", c->unit);
                        return container_add_waiter(c, WAITER_RESTART, request);
                }
                return container_start(c, request, NULL, error);
        }

        /* Docker's restart is a stop then a start: the stop queues a WAITER_STOP for request, which
         * becomes the restart's waiter. */
        r = container_stop(c, timeout_usec, request, error);
        if (r < 0)
                return r;
        for (Waiter *w = c->waiters; w; w = w->next)
                if (w->request == request && w->kind == WAITER_STOP) {
                        w->kind = WAITER_RESTART;
                        break;
                }
        return 0;
}

void container_restart_resume(Container *c, Waiter *restarters, bool destroyed) {
        bool first = true;

        while (restarters) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                Waiter *w = restarters;
                int r;

                restarters = w->next;
                if (destroyed)
                        (void)sd_bus_reply_method_errorf(
                                w->request,
                                BERTH_ERROR_NO_SUCH_CONTAINER,
                                "The container was removed while it restarted");
                else if (first) {
                        r = container_start(c, w->request, NULL, &error);
                        if (r < 0) {
                                if (!sd_bus_error_is_set(&error))
                                        (void)sd_bus_error_set_errno(&error, r);
                                (void)sd_bus_reply_method_error(w->request, &error);
                        } else
                                container_emit_event(c, "restart");
                        first = false;
                } else
                        (void)sd_bus_reply_method_return(w->request, NULL);
                waiter_free(w);
        }
}

void container_reply_removed_waiters(Container *c) {
        Waiter *w = container_take_waiters(c, WAITER_REMOVED);

        while (w) {
                Waiter *next = w->next;
                (void)sd_bus_reply_method_return(w->request, "i", c->exit_code);
                waiter_free(w);
                w = next;
        }
}

int container_wait_condition(
        Container *c, const char *condition, sd_bus_message *request, sd_bus_error *error) {
        if (isempty(condition) || streq(condition, "not-running"))
                return container_wait(c, request, error);
        if (streq(condition, "next-exit"))
                return container_add_waiter(c, WAITER_WAIT, request);
        if (streq(condition, "removed"))
                return container_add_waiter(c, WAITER_REMOVED, request);
        return sd_bus_error_setf(
                error,
                BERTH_ERROR_INVALID_ARGUMENT,
                "invalid condition: \"%s\" (use not-running, next-exit or removed)",
                condition);
}

int manager_check_boot(Manager *m, const char *run_dir) {
        _cleanup_free_ char *flag = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = mkdir_p(run_dir, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", run_dir);
        if (asprintf(&flag, "%s/%s", run_dir, BOOT_FLAG_FILE) < 0)
                return log_oom();

        /* run_dir is a tmpfs: the flag lives exactly as long as this boot. */
        fd = open(flag, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0 && errno == EEXIST) {
                m->first_start_after_boot = false;
                return 0;
        }
        if (fd < 0)
                return log_error_errno(errno, "Failed to create %s: %m", flag);
        log_info("First start since boot: applying the restart policies.");
        m->first_start_after_boot = true;
        return 1;
}

static int on_boot_start_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_free_ char *id = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (e)
                log_warning("Failed to start container %s at boot: %s", id, e->message ?: e->name);
        else
                log_info("Started container %s at boot (restart policy).", id);
        return 0;
}

int manager_start_at_boot(Manager *m) {
        const char *unique;
        int r;

        if (!m->first_start_after_boot)
                return 0;
        r = sd_bus_get_unique_name(m->bus, &unique);
        if (r < 0)
                return log_error_errno(r, "Failed to get our bus name: %m");

        for (Container *c = m->containers; c; c = c->next) {
                _cleanup_free_ char *id = NULL;

                if (c->state != CONTAINER_EXITED || c->started_at == 0 ||
                    !restart_policy_start_at_boot(&c->restart_policy, c->exit_code, c->manually_stopped))
                        continue;
                id = strdup(c->id);
                if (!id)
                        return log_oom();
                /* Through our own Start method: a real request, answered like any other. */
                r = sd_bus_call_method_async(
                        m->bus,
                        NULL,
                        unique,
                        c->object_path,
                        BERTH_CONTAINER_IFACE,
                        "Start",
                        on_boot_start_reply,
                        id,
                        NULL);
                if (r < 0) {
                        log_warning_errno(r, "Failed to start container %s at boot: %m", c->id);
                        continue;
                }
                TAKE_PTR(id);
        }
        return 0;
}
