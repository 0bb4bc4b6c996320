/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <time.h>

#include "bundle.h"
#include "bus-container.h"
#include "bus-errors.h"
#include "bus-manager.h"
#include "container-attach.h"
#include "container-freezer.h"
#include "container-health.h"
#include "container-lifecycle.h"
#include "container-network.h"
#include "container-rename.h"
#include "container-restart.h"
#include "container-state-file.h"
#include "events.h"
#include "fileio.h"
#include "log.h"
#include "manager.h"
#include "time-util.h"
#include "unit-manager.h"
#include "volume-mounts.h"

/* Exit code recorded when the runtime left no exit.json (it could not even run). */
#define EXIT_CODE_UNKNOWN 255

static void container_save_and_emit(Container *c) {
        int r;

        r = container_save_state(c);
        if (r < 0)
                log_warning_errno(r, "Failed to save the state of container %s: %m", c->id);
        bus_container_emit_changed(c);
        container_health_follow(c);
}

static void container_clear_start(Container *c) {
        c->start_request = sd_bus_message_unref(c->start_request);
        container_close_start_fds(c);
        free(c->start_job);
        c->start_job = NULL;
        c->start_job_failed = false;
        c->stopped_during_start = false;
        c->unit_seen_active = false;
        c->waiting_unit_removal = false;
}

static void container_reply_start_error(Container *c, const char *name, const char *format, ...)
        _printf_(3, 4);
static void container_reply_start_error(Container *c, const char *name, const char *format, ...) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        va_list ap;

        if (!c->start_request)
                return;
        va_start(ap, format);
        (void)sd_bus_error_setfv(&error, name, format, ap);
        va_end(ap);
        (void)sd_bus_reply_method_error(c->start_request, &error);
        container_clear_start(c);
}

void container_destroy(Container *c) {
        Manager *m = c->manager;
        int r;

        c->state = CONTAINER_REMOVING;
        r = container_save_state(c);
        if (r < 0)
                log_debug_errno(r, "Failed to mark container %s as being removed: %m", c->id);

        unit_unwatch(c);
        /* Docker's run --rm takes the container's anonymous volumes along. */
        container_mounts_release(c, c->auto_remove);
        r = rm_rf(c->bundle);
        if (r < 0)
                log_warning_errno(r, "Failed to remove %s: %m", c->bundle);
        container_remove_run_dir(c);

        container_reply_removed_waiters(c);
        manager_unlink_container(m, c);
        bus_manager_emit_container_removed(m, c);
        container_emit_event(c, "destroy");
        container_free(c);
}

/* Docker's kill event: signal is the number, as a string. */
static void container_emit_kill(Container *c, int signo) {
        char sig[12];

        snprintf(sig, sizeof(sig), "%i", signo);
        container_emit_event(c, "kill", "signal", sig);
}

static void container_exited(Container *c) {
        _cleanup_free_ char *network_error = NULL;
        Waiter *waiters, *removers = NULL, *restarters, *removed_waiters;
        bool destroy;
        uint64_t finished = 0;
        bool stopped = false, oom_killed = false;
        char code_string[12];
        int code, r;

        r = bundle_read_exit(c->bundle, &code, &finished, &oom_killed);
        if (r < 0) {
                log_warning_errno(r, "Container %s left no usable exit.json: %m", c->id);
                code = EXIT_CODE_UNKNOWN;
        }

        c->state = CONTAINER_EXITED;
        c->exit_code = code;
        c->oom_killed = oom_killed;
        c->finished_at = finished > 0 ? finished : now_realtime_usec();
        c->pid = 0;
        c->stop_timer = sd_event_source_disable_unref(c->stop_timer);
        unit_unwatch(c);
        container_remove_run_dir(c);
        container_mounts_after_exit(c);
        container_save_and_emit(c);
        snprintf(code_string, sizeof(code_string), "%i", code);
        /* After a restart that systemd then refused (start limit), this exit was reported already. */
        if (!c->exit_reported)
                container_emit_event(c, "die", "exitCode", code_string);
        c->exit_reported = false;

        if (c->start_request) {
                const char *arg0 = c->command && c->command[0] ? c->command[0] : "";

                if (code == 127)
                        container_reply_start_error(
                                c,
                                BERTH_ERROR_EXEC_NOT_FOUND,
                                "exec: \"%s\": executable file not found in $PATH",
                                arg0);
                else if (code == 126)
                        container_reply_start_error(
                                c, BERTH_ERROR_EXEC_NOT_EXECUTABLE, "exec: \"%s\": permission denied", arg0);
                else if (container_network_start_error(c, &network_error) >= 0)
                        container_reply_start_error(
                                c,
                                BERTH_ERROR_START_FAILED,
                                "driver failed programming external connectivity on endpoint %s (%s): %s",
                                c->name,
                                c->id,
                                network_error);
                else
                        container_reply_start_error(
                                c,
                                BERTH_ERROR_START_FAILED,
                                "Container %s failed to start (exit code %i), see journalctl -u %s",
                                c->id,
                                code,
                                c->unit);
        }

        restarters = container_take_waiters(c, WAITER_RESTART);
        removed_waiters = container_take_waiters(c, WAITER_REMOVED);
        waiters = TAKE_PTR(c->waiters);
        c->waiters = removed_waiters; /* answered when it is removed */
        while (waiters) {
                Waiter *w = waiters;
                waiters = w->next;

                if (w->kind == WAITER_REMOVE) {
                        w->next = removers;
                        removers = w;
                        continue;
                }
                stopped = stopped || w->kind == WAITER_STOP;
                if (w->kind == WAITER_WAIT)
                        (void)sd_bus_reply_method_return(w->request, "i", code);
                else
                        (void)sd_bus_reply_method_return(w->request, NULL);
                sd_bus_message_unref(w->request);
                free(w);
        }

        if (stopped)
                container_emit_event(c, "stop");
        /* A restart skips the removal of a "run --rm" container, as Docker's does. */
        destroy = removers || (c->auto_remove && !restarters);
        if (destroy)
                container_destroy(c);
        container_restart_resume(destroy ? NULL : c, restarters, destroy);

        while (removers) {
                Waiter *w = removers;
                removers = w->next;
                (void)sd_bus_reply_method_return(w->request, NULL);
                sd_bus_message_unref(w->request);
                free(w);
        }
}

int container_start(Container *c, sd_bus_message *request, const int fds[3], sd_bus_error *error) {
        int r;

        if (c->state == CONTAINER_RUNNING)
                return sd_bus_reply_method_return(request, NULL);
        if (c->state == CONTAINER_REMOVING)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_START_FAILED, "Container %s is being removed", c->id);
        if (c->start_request)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_START_FAILED, "Container %s is already starting", c->id);

        r = container_rename_apply_unit(c);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to name the unit of %s: %m", c->id);
        r = container_mounts_prepare(c);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "error while mounting volumes of %s: %m", c->id);
        container_set_manually_stopped(c, false);

        if (fds)
                for (size_t i = 0; i < 3; i++) {
                        c->start_fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
                        if (c->start_fds[i] < 0) {
                                r = negative_errno();
                                container_close_start_fds(c);
                                return r;
                        }
                }

        r = bundle_clear_run_files(c->bundle);
        if (r >= 0)
                r = container_make_run_dir(c);
        if (r < 0) {
                container_close_start_fds(c);
                return sd_bus_error_set_errnof(error, r, "Failed to prepare the bundle of %s: %m", c->id);
        }

        /* Watch the unit before it exists: its exit may follow its start at once. */
        r = unit_watch(c);
        if (r >= 0)
                r = unit_start(c);
        if (r < 0) {
                container_close_start_fds(c);
                return sd_bus_error_set_errnof(error, r, "Failed to start %s: %m", c->unit);
        }

        c->start_request = sd_bus_message_ref(request);
        return 0;
}

void container_start_failed(Container *c, const char *message) {
        container_reply_start_error(c, BERTH_ERROR_START_FAILED, "Failed to start %s: %s", c->unit, message);
}

void container_start_job_done(Container *c, const char *result) {
        pid_t pid = 0;
        int r;

        free(c->start_job);
        c->start_job = NULL;

        if (!streq(result, "done")) {
                /* The runtime failed before the container ran; its exit.json tells why, once the unit
                 * has finished stopping. */
                log_debug("Start job of %s finished with result '%s'.", c->unit, result);
                c->start_job_failed = true;
                if (c->stopped_during_start)
                        container_exited(c);
                else if ((r = unit_query_state(c)) < 0) {
                        log_warning_errno(r, "Failed to query %s: %m", c->unit);
                        container_exited(c);
                }
                return;
        }

        r = bundle_read_pid(c->bundle, &pid);
        if (r < 0)
                log_warning_errno(r, "Failed to read the pid of container %s: %m", c->id);

        c->state = CONTAINER_RUNNING;
        c->pid = pid > 0 ? (uint32_t)pid : 0;
        c->started_at = now_realtime_usec();
        c->finished_at = 0;
        c->exit_code = 0;
        c->oom_killed = false;
        container_save_and_emit(c);
        container_emit_event(c, "start");

        (void)sd_bus_reply_method_return(c->start_request, NULL);
        bool stopped = c->stopped_during_start;
        container_clear_start(c);

        if (stopped)
                container_exited(c);
}

void container_unit_active_state(Container *c, const char *active_state) {
        bool stopped = streq(active_state, "inactive") || streq(active_state, "failed");

        if (c->start_request) {
                /* A freshly made transient unit reports "inactive" before its job runs: only a stop
                 * after the unit was seen in motion counts. */
                if (!stopped) {
                        if (c->start_job)
                                c->unit_seen_active = true;
                } else if (c->start_job) {
                        if (c->unit_seen_active)
                                c->stopped_during_start = true;
                } else if (c->start_job_failed)
                        container_exited(c);
                return;
        }

        if (container_restart_follow(c, active_state))
                return;
        if (stopped && c->state == CONTAINER_RUNNING)
                container_exited(c);
}

void container_unit_removed(Container *c) {
        int r;

        if (c->waiting_unit_removal) {
                c->waiting_unit_removal = false;
                r = unit_start(c);
                if (r < 0)
                        container_start_failed(c, strerror(-r));
                return;
        }
        container_unit_active_state(c, "inactive");
}

static int on_stop_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
        Container *c = userdata;
        int r;

        c->stop_timer = sd_event_source_disable_unref(c->stop_timer);
        log_info("Container %s did not stop in time, killing it.", c->id);
        r = unit_kill(c, "all", SIGKILL, NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to kill %s: %m", c->unit);
        else
                container_emit_kill(c, SIGKILL);
        return 0;
}

int container_stop(Container *c, uint64_t timeout_usec, sd_bus_message *request, sd_bus_error *error) {
        int r;

        if (c->state != CONTAINER_RUNNING)
                return sd_bus_reply_method_return(request, NULL);
        container_set_manually_stopped(c, true);
        container_thaw_for_stop(c);

        /* Between two runs of a restart policy there is no process: StopUnit cancels the restart. */
        if (timeout_usec == UINT64_MAX || timeout_usec == c->stop_timeout_usec || c->restarting) {
                /* The unit's own KillSignal= and TimeoutStopUSec= are exactly what is asked for. */
                r = unit_stop(c);
                if (r < 0)
                        return sd_bus_error_set_errnof(error, r, "Failed to stop %s: %m", c->unit);
                container_emit_kill(c, c->stop_signal);
                return container_add_waiter(c, WAITER_STOP, request);
        }

        /* TimeoutStopUSec= cannot be changed on a running unit: another timeout is ours to keep. A
         * shorter one kills early during the unit's stop; a longer one must not let systemd kill at its
         * own timeout, so it sends the stop signal itself. */
        if (!c->stop_timer && timeout_usec != CONTAINER_STOP_TIMEOUT_INFINITY) {
                r = sd_event_add_time_relative(
                        c->manager->event,
                        &c->stop_timer,
                        CLOCK_MONOTONIC,
                        timeout_usec,
                        0,
                        on_stop_timeout,
                        c);
                if (r < 0)
                        return sd_bus_error_set_errnof(
                                error, r, "Failed to arm the stop timer of %s: %m", c->id);
        }
        if (timeout_usec < c->stop_timeout_usec)
                r = unit_stop(c);
        else
                r = unit_kill(c, "main", c->stop_signal, NULL);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to stop %s: %m", c->unit);
        container_emit_kill(c, c->stop_signal);
        return container_add_waiter(c, WAITER_STOP, request);
}

int container_kill(Container *c, int signo, sd_bus_message *request, sd_bus_error *error) {
        int r;

        if (signo <= 0 || signo >= _NSIG)
                return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Invalid signal: %i", signo);
        if (c->state != CONTAINER_RUNNING)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_CONTAINER_NOT_RUNNING, "Container %s is not running", c->id);
        /* Docker marks a killed container manually stopped: its restart policy ends here. */
        container_set_manually_stopped(c, true);
        container_thaw_for_stop(c);
        if (c->restarting) {
                r = unit_stop(c);
                if (r < 0)
                        return sd_bus_error_set_errnof(error, r, "Failed to stop %s: %m", c->unit);
                return sd_bus_reply_method_return(request, NULL);
        }

        /* The runtime forwards signals to the container's init; SIGKILL cannot be forwarded. */
        r = unit_kill(c, signo == SIGKILL ? "all" : "main", signo, request);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to kill %s: %m", c->unit);
        container_emit_kill(c, signo);
        return 0;
}

int container_remove(Container *c, bool force, sd_bus_message *request, sd_bus_error *error) {
        int r;

        if (c->start_request)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_CONTAINER_RUNNING,
                        "You cannot remove a starting container %s. Wait for the start to finish",
                        c->id);
        if (c->state == CONTAINER_RUNNING) {
                if (!force)
                        return sd_bus_error_setf(
                                error,
                                BERTH_ERROR_CONTAINER_RUNNING,
                                "You cannot remove a running container %s. Stop the container "
                                "before attempting removal or force remove",
                                c->id);
                container_thaw_for_stop(c);
                r = c->restarting ? unit_stop(c) : unit_kill(c, "all", SIGKILL, NULL);
                if (r < 0)
                        return sd_bus_error_set_errnof(error, r, "Failed to kill %s: %m", c->unit);
                container_emit_kill(c, SIGKILL);
                return container_add_waiter(c, WAITER_REMOVE, request);
        }

        container_destroy(c);
        return sd_bus_reply_method_return(request, NULL);
}

int container_wait(Container *c, sd_bus_message *request, sd_bus_error *error) {
        if (c->state == CONTAINER_EXITED && !c->start_request)
                return sd_bus_reply_method_return(request, "i", c->exit_code);
        return container_add_waiter(c, WAITER_WAIT, request);
}

int container_reattach(Container *c) {
        int r;

        switch (c->state) {
        case CONTAINER_RUNNING:
                if (c->manager->first_start_after_boot) {
                        /* Transient units end with the machine: it stopped when the machine did. */
                        container_exited(c);
                        return 0;
                }
                r = unit_watch(c);
                if (r < 0)
                        return r;
                r = unit_query_state(c);
                if (r < 0)
                        return r;
                /* Probes again, continuing the run's status. */
                container_health_follow(c);
                return 0;
        case CONTAINER_EXITED:
                if (c->auto_remove)
                        container_destroy(c);
                return 0;
        case CONTAINER_REMOVING:
                container_destroy(c);
                return 0;
        default:
                return 0;
        }
}
