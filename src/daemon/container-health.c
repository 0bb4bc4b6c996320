/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "attach-protocol.h"
#include "bus-container-health.h"
#include "bus-util.h"
#include "container-attach.h"
#include "container-health.h"
#include "container-state-file.h"
#include "events.h"
#include "log.h"
#include "manager.h"
#include "strv.h"
#include "time-util.h"
#include "unit-manager.h"

/* Timers a little late are fine; a probe's timeout should not be 250 ms late (sd-event's default). */
#define HEALTH_TIMER_ACCURACY_USEC 1000ULL

/* One packet of the runtime: its largest are STDOUT/STDERR with ATTACH_DATA_MAX bytes. */
static uint8_t packet_buf[1 + ATTACH_DATA_MAX];

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata);

const char *container_health_status_string(const Container *c) {
        return c->health ? health_status_to_string(c->health->status) : "";
}

static bool container_is_probed(const Container *c) {
        return c->state == CONTAINER_RUNNING && !c->restarting;
}

static void arm_timer(Container *c, uint64_t delay_usec) {
        ContainerHealth *h = c->health;
        int r;

        h->timer = sd_event_source_disable_unref(h->timer);
        r = sd_event_add_time_relative(
                c->manager->event,
                &h->timer,
                CLOCK_MONOTONIC,
                delay_usec,
                HEALTH_TIMER_ACCURACY_USEC,
                on_timer,
                c);
        if (r < 0)
                log_warning_errno(
                        r, "Failed to arm the health check timer of %s, no more probes: %m", c->id);
}

static void save_state(Container *c) {
        int r = container_save_state(c);
        if (r < 0)
                log_warning_errno(r, "Failed to save the state of container %s: %m", c->id);
}

static int on_restart_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_free_ char *id = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (e)
                log_warning("Failed to restart unhealthy container %s: %s", id, e->message ?: e->name);
        else
                log_info("Restarted unhealthy container %s.", id);
        return 0;
}

/* Through our own Restart method, as berth restart does it: the stop and the start are answered and
 * followed like any other. */
static int restart_through_bus(Container *c) {
        _cleanup_free_ char *id = strdup(c->id);
        const char *unique;
        int r;

        if (!id)
                return -ENOMEM;
        r = sd_bus_get_unique_name(c->manager->bus, &unique);
        if (r < 0)
                return r;
        r = sd_bus_call_method_async(
                c->manager->bus,
                NULL,
                unique,
                c->object_path,
                BERTH_CONTAINER_IFACE,
                "Restart",
                on_restart_reply,
                id,
                "t",
                UINT64_MAX);
        if (r < 0)
                return r;
        TAKE_PTR(id);
        return 0;
}

static void apply_on_failure(Container *c) {
        char sig[12];
        int r;

        switch (c->health->config.on_failure) {
        case HEALTH_ON_FAILURE_KILL:
                log_info("Container %s is unhealthy, killing it (health-on-failure=kill).", c->id);
                /* Not a kill by the user: the restart policy still decides what follows. */
                r = unit_kill(c, "all", SIGKILL, NULL);
                if (r < 0) {
                        log_warning_errno(r, "Failed to kill %s: %m", c->unit);
                        return;
                }
                snprintf(sig, sizeof(sig), "%i", SIGKILL);
                container_emit_event(c, "kill", "signal", sig);
                break;
        case HEALTH_ON_FAILURE_RESTART:
                log_info("Container %s is unhealthy, restarting it (health-on-failure=restart).", c->id);
                r = restart_through_bus(c);
                if (r < 0)
                        log_warning_errno(r, "Failed to restart %s: %m", c->id);
                break;
        default:
                break;
        }
}

/* The probe ended (or never ran): record it, tell, act, and plan the next one. */
static void probe_finish(Container *c, int exit_code, const char *message) {
        ContainerHealth *h = c->health;
        HealthResult result = {
                .start_usec = h->probe_start_usec ?: now_realtime_usec(),
                .end_usec = now_realtime_usec(),
                .exit_code = exit_code,
        };
        HealthStatus old;
        uint32_t old_streak = h->failing_streak;
        char action[64];

        if (message)
                result.output = health_output_sanitize(message, strlen(message));
        else
                result.output = health_output_sanitize(h->probe_output ?: "", h->probe_output_size);
        if (!result.output) {
                log_oom();
                result.output = NULL;
        }
        container_health_disarm(h);

        old = container_health_record(h, &result, c->started_at);
        log_debug(
                "Health probe of %s: exit code %i, %s.",
                c->id,
                exit_code,
                health_status_to_string(h->status));
        if (old != h->status || old_streak != h->failing_streak)
                save_state(c);
        bus_container_emit_health_changed(c, old != h->status);
        if (old != h->status) {
                snprintf(action, sizeof(action), "health_status: %s", health_status_to_string(h->status));
                container_emit_event(c, action);
        }

        if (container_is_probed(c))
                arm_timer(c, h->config.interval_usec);
        if (old != HEALTH_UNHEALTHY && h->status == HEALTH_UNHEALTHY)
                apply_on_failure(c);
}

static int on_probe_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Container *c = userdata;
        ContainerHealth *h = c->health;

        for (;;) {
                AttachPacket k;
                ssize_t n;
                int r;

                n = recv(fd, packet_buf, sizeof(packet_buf), MSG_DONTWAIT | MSG_TRUNC);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return 0;
                if (n < 0) {
                        log_debug_errno(errno, "Health probe connection of %s failed: %m", c->id);
                        probe_finish(c, -1, "the health probe's connection to the runtime failed");
                        return 0;
                }
                if (n == 0) {
                        probe_finish(c, -1, "the runtime ended the health probe without an exit code");
                        return 0;
                }
                r = (size_t)n > sizeof(packet_buf) ? -EMSGSIZE
                                                   : attach_packet_parse(packet_buf, (size_t)n, &k);
                if (r < 0) {
                        log_warning_errno(r, "Bad packet from the runtime of %s: %m", c->id);
                        probe_finish(c, -1, "bad packet from the runtime");
                        return 0;
                }

                switch (k.type) {
                case ATTACH_PACKET_STDOUT:
                case ATTACH_PACKET_STDERR: {
                        size_t take = MIN(k.size, HEALTH_OUTPUT_MAX - h->probe_output_size);
                        char *p;

                        if (take == 0)
                                break;
                        p = realloc(h->probe_output, h->probe_output_size + take);
                        if (!p) {
                                log_oom();
                                break;
                        }
                        memcpy(p + h->probe_output_size, k.data, take);
                        h->probe_output = p;
                        h->probe_output_size += take;
                        break;
                }
                case ATTACH_PACKET_EXIT:
                        probe_finish(c, k.exit_code, NULL);
                        return 0;
                default:
                        break;
                }
        }
}

static void probe_start(Container *c) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_close_ int fd = -EBADF;
        ContainerHealth *h = c->health;
        ExecOptions o = {.kill_on_close = true};
        int r;

        if (c->paused) {
                /* A frozen container cannot answer; its status stays as it was. */
                arm_timer(c, h->config.interval_usec);
                return;
        }

        h->probe_start_usec = now_realtime_usec();
        r = health_config_probe_argv(&h->config, &argv);
        if (r < 0) {
                probe_finish(c, -1, "invalid health check command");
                return;
        }
        r = container_exec(c, argv, &o, &fd, &error);
        if (r < 0) {
                probe_finish(c, -1, error.message ?: strerror(-r));
                return;
        }
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
            sd_event_add_io(c->manager->event, &h->probe_io, fd, EPOLLIN, on_probe_io, c) < 0) {
                probe_finish(c, -1, "failed to watch the health probe");
                return;
        }
        h->probe_fd = TAKE_FD(fd);
        arm_timer(c, h->config.timeout_usec);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Container *c = userdata;
        ContainerHealth *h = c->health;
        char d[HEALTH_DURATION_MAX], message[128];

        h->timer = sd_event_source_disable_unref(h->timer);
        if (!container_is_probed(c))
                return 0;
        if (h->probe_fd >= 0) {
                /* Closing the connection (in probe_finish) makes the runtime kill the probe. */
                snprintf(
                        message,
                        sizeof(message),
                        "Health check exceeded timeout (%s)",
                        health_format_duration(d, h->config.timeout_usec));
                probe_finish(c, -1, message);
                return 0;
        }
        probe_start(c);
        return 0;
}

void container_health_follow(Container *c) {
        ContainerHealth *h = c->health;
        uint64_t now, first;

        if (!h)
                return;
        if (!container_is_probed(c)) {
                container_health_disarm(h);
                return;
        }
        if (h->run_started_usec != c->started_at) {
                /* A new run: starting again. */
                container_health_reset(h, c->started_at);
                save_state(c);
                bus_container_emit_health_changed(c, true);
                container_health_disarm(h);
        }
        if (h->timer || h->probe_fd >= 0)
                return;

        /* The first probe at once, or once the start period is over (also for a run that berthd
         * finds when it starts again: the rest of its start period). */
        now = now_realtime_usec();
        first = c->started_at + h->config.start_period_usec;
        arm_timer(c, first > now ? first - now : 0);
}
