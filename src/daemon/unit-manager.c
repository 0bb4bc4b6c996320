/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "bus-util.h"
#include "container-freezer.h"
#include "container-lifecycle.h"
#include "container-name.h"
#include "container-network.h"
#include "container-restart.h"
#include "container-stats.h"
#include "log.h"
#include "strv.h"
#include "unit-manager.h"

#define SYSTEMD_DEST "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER "org.freedesktop.systemd1.Manager"
#define SYSTEMD_UNIT_IFACE "org.freedesktop.systemd1.Unit"
#define SYSTEMD_SERVICE_IFACE "org.freedesktop.systemd1.Service"

/* The smallest rate-limit window systemd passes on to journald. */
#define UNIT_LOG_RATE_LIMIT_INTERVAL_USEC ((uint64_t)1)

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Manager *manager = userdata;
        const char *job, *unit, *result;
        Container *c;
        uint32_t id;
        int r;

        r = sd_bus_message_read(m, "uoss", &id, &job, &unit, &result);
        if (r < 0) {
                log_warning_errno(r, "Failed to parse JobRemoved signal, ignoring: %m");
                return 0;
        }

        c = manager_get_container_by_job(manager, job);
        if (c)
                container_start_job_done(c, result);
        return 0;
}

static int on_unit_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Manager *manager = userdata;
        const char *unit, *path;
        Container *c;
        int r;

        r = sd_bus_message_read(m, "so", &unit, &path);
        if (r < 0) {
                log_warning_errno(r, "Failed to parse UnitRemoved signal, ignoring: %m");
                return 0;
        }

        c = manager_get_container_by_unit(manager, unit);
        if (c)
                container_unit_removed(c);
        return 0;
}

int unit_manager_attach(Manager *m) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_match_signal(
                m->bus,
                &m->job_removed_slot,
                SYSTEMD_DEST,
                SYSTEMD_PATH,
                SYSTEMD_MANAGER,
                "JobRemoved",
                on_job_removed,
                m);
        if (r < 0)
                return log_error_errno(r, "Failed to watch JobRemoved: %m");
        r = sd_bus_match_signal(
                m->bus,
                &m->unit_removed_slot,
                SYSTEMD_DEST,
                SYSTEMD_PATH,
                SYSTEMD_MANAGER,
                "UnitRemoved",
                on_unit_removed,
                m);
        if (r < 0)
                return log_error_errno(r, "Failed to watch UnitRemoved: %m");

        /* systemd sends unit and job signals only while someone is subscribed. */
        r = sd_bus_call_method(
                m->bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "Subscribe", &error, NULL, NULL);
        if (r < 0)
                return log_error_errno(
                        r, "Failed to subscribe to systemd: %s", error.message ?: strerror(-r));
        return 0;
}

/* The dictionary entry of a PropertiesChanged or GetAll: ActiveState is kept, the rest skipped. */
static int read_active_state(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        const char **state = userdata;

        if (streq(key, "ActiveState"))
                return sd_bus_message_read(m, "v", "s", state);
        return sd_bus_message_skip(m, "v");
}

/* The Service interface's NRestarts: systemd's count of automatic restarts. */
static int read_n_restarts(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        if (streq(key, "NRestarts"))
                return sd_bus_message_read(m, "v", "u", userdata);
        return sd_bus_message_skip(m, "v");
}

static int on_unit_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Container *c = userdata;
        const char *iface, *state = NULL;
        int r;

        r = sd_bus_message_read(m, "s", &iface);
        if (r >= 0 && streq(iface, SYSTEMD_SERVICE_IFACE)) {
                uint32_t n = UINT32_MAX;

                r = bus_read_dict(m, read_n_restarts, &n, NULL);
                if (r >= 0 && n != UINT32_MAX)
                        container_unit_restarts(c, n);
                return 0;
        }
        if (r < 0 || !streq(iface, SYSTEMD_UNIT_IFACE))
                return 0;

        r = bus_read_dict(m, read_active_state, &state, NULL);
        if (r < 0) {
                log_warning_errno(r, "Failed to parse PropertiesChanged of %s, ignoring: %m", c->unit);
                return 0;
        }
        if (state)
                container_unit_active_state(c, state);
        return 0;
}

int unit_watch(Container *c) {
        int r;

        if (c->unit_match_slot)
                return 0;
        r = sd_bus_match_signal_async(
                c->manager->bus,
                &c->unit_match_slot,
                SYSTEMD_DEST,
                c->unit_path,
                "org.freedesktop.DBus.Properties",
                "PropertiesChanged",
                on_unit_properties_changed,
                NULL,
                c);
        if (r < 0)
                return log_error_errno(r, "Failed to watch %s: %m", c->unit);
        return 0;
}

void unit_unwatch(Container *c) {
        c->unit_match_slot = sd_bus_slot_unref(c->unit_match_slot);
}

static int append_string_property(sd_bus_message *m, const char *key, const char *value) {
        return sd_bus_message_append(m, "(sv)", key, "s", value);
}

/* berth-runtime's verb; with the bridge network, berth-network's first, which then execs it: "setup" makes
 * the network before each start (ExecStart=), "teardown" removes it after each stop (ExecStopPost=) and runs
 * stop-post whatever it did. systemd runs both, for Restart= too and after the monitor was killed; one
 * process per step rather than ExecStartPre=/ExecStopPost= lines of their own saves 2 ms each. */
static int append_exec(
        sd_bus_message *m, const Container *c, const char *key, const char *verb, const char *network_verb) {
        if (!container_network_needs_setup(c))
                return sd_bus_message_append(
                        m,
                        "(sv)",
                        key,
                        "a(sasb)",
                        1,
                        BERTH_RUNTIME_PATH,
                        3,
                        BERTH_RUNTIME_PATH,
                        verb,
                        c->bundle,
                        false);
        return sd_bus_message_append(
                m,
                "(sv)",
                key,
                "a(sasb)",
                1,
                BERTH_NETWORK_PATH,
                7,
                BERTH_NETWORK_PATH,
                network_verb,
                c->bundle,
                "--",
                BERTH_RUNTIME_PATH,
                verb,
                c->bundle,
                false);
}

static int append_log_extra_fields(sd_bus_message *m, const Container *c) {
        char short_id[CONTAINER_SHORT_ID_LEN + 1];
        const char *fields[4][2] = {
                {"CONTAINER_ID", short_id},
                {"CONTAINER_ID_FULL", c->id},
                {"CONTAINER_NAME", c->name},
                {"IMAGE_NAME", c->image},
        };
        int r;

        snprintf(short_id, sizeof(short_id), "%.12s", c->id);

        r = sd_bus_message_open_container(m, 'r', "sv");
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "s", "LogExtraFields");
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(m, 'v', "aay");
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(m, 'a', "ay");
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                _cleanup_free_ char *s = NULL;

                if (asprintf(&s, "%s=%s", fields[i][0], fields[i][1]) < 0)
                        return -ENOMEM;
                r = sd_bus_message_append_array(m, 'y', s, strlen(s));
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(m);
}

/* --memory, --cpus, …: the limits that are set (container-resources.h maps them). */
static int append_resource_properties(sd_bus_message *m, const Container *c) {
        ResourceHost host;
        int r;

        if (container_resources_set_mask(&c->resources) == 0)
                return 0;
        r = resource_host_get(&host);
        if (r < 0)
                return r;
        return container_resources_append_properties(
                m, &c->resources, container_resources_set_mask(&c->resources), &host);
}

/* The standard devices (systemd adds /dev/ptmx to "closed" itself) and the --device ones; a privileged
 * container gets every device, as in Docker. */
static int append_device_policy(sd_bus_message *m, const ContainerHostConfig *hc) {
        static const char *const standard[] = {
                "/dev/null",
                "/dev/zero",
                "/dev/full",
                "/dev/random",
                "/dev/urandom",
                "/dev/tty",
                "char-pts"};
        _cleanup_strv_free_ char **paths = NULL, **permissions = NULL;
        int r;

        if (hc->privileged)
                return append_string_property(m, "DevicePolicy", "auto");
        r = container_host_config_device_allow(hc, &paths, &permissions);
        if (r < 0)
                return r;
        r = append_string_property(m, "DevicePolicy", "closed");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "DeviceAllow");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a(ss)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(standard); i++)
                r = sd_bus_message_append(m, "(ss)", standard[i], "rwm");
        for (size_t i = 0; r >= 0 && paths && paths[i]; i++)
                r = sd_bus_message_append(m, "(ss)", paths[i], permissions[i]);
        for (int k = 0; r >= 0 && k < 3; k++)
                r = sd_bus_message_close_container(m);
        return r;
}

static int append_unit_properties(sd_bus_message *m, const Container *c) {
        _cleanup_free_ char *description = NULL, *cmdline = NULL;
        int r;

        cmdline = strv_join(c->command, " ");
        if (!cmdline ||
            asprintf(&description, "berth container %s (%s: %s)", c->name, c->image, cmdline) < 0)
                return -ENOMEM;

        r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r < 0)
                return r;

        if ((r = append_string_property(m, "Description", description)) < 0 ||
            (r = append_string_property(m, "Type", "notify")) < 0 ||
            (r = append_string_property(m, "NotifyAccess", "all")) < 0 ||
            (r = sd_bus_message_append(m, "(sv)", "Delegate", "b", true)) < 0 ||
            (r = append_string_property(m, "KillMode", "mixed")) < 0 ||
            (r = sd_bus_message_append(m, "(sv)", "KillSignal", "i", c->stop_signal)) < 0 ||
            (r = sd_bus_message_append(m, "(sv)", "TimeoutStopUSec", "t", c->stop_timeout_usec)) < 0 ||
            (r = append_string_property(m, "CollectMode", "inactive-or-failed")) < 0 ||
            (r = append_string_property(m, "Restart", restart_policy_unit_restart(&c->restart_policy))) <
                    0 ||
            (r = sd_bus_message_append(m, "(sv)", "RestartUSec", "t", RESTART_POLICY_DELAY_USEC)) < 0 ||
            (r = sd_bus_message_append(
                     m,
                     "(sv)",
                     "StartLimitBurst",
                     "u",
                     restart_policy_start_limit_burst(&c->restart_policy))) < 0 ||
            (r = sd_bus_message_append(
                     m,
                     "(sv)",
                     "StartLimitIntervalUSec",
                     "t",
                     restart_policy_start_limit_interval_usec(&c->restart_policy))) < 0 ||
            (r = sd_bus_message_append(m, "(sv)", "MemoryAccounting", "b", true)) < 0 ||
            (r = sd_bus_message_append(m, "(sv)", "CPUAccounting", "b", true)) < 0 ||
            (r = sd_bus_message_append(m, "(sv)", "TasksAccounting", "b", true)) < 0 ||
            (r = sd_bus_message_append(m, "(sv)", "IOAccounting", "b", true)) < 0 ||
            (r = append_string_property(m, "Slice", "berth.slice")) < 0 ||
            /* No per-unit rate limit. 0 would mean "journald's default" (systemd does not even export
             * it); a window of 1 µs is never exceeded. */
            (r = sd_bus_message_append(
                     m, "(sv)", "LogRateLimitIntervalUSec", "t", UNIT_LOG_RATE_LIMIT_INTERVAL_USEC)) < 0 ||
            (r = append_device_policy(m, &c->host_config)) < 0 ||
            /* For berth-runtime, which lives as long as the container: without glibc's per-thread cache
             * of freed chunks, malloc_trim() can return the pages that parsing config.json (its seccomp
             * profile above all) left behind. The container's processes get the spec's environment. */
            (r = sd_bus_message_append(
                     m, "(sv)", "Environment", "as", 1, "GLIBC_TUNABLES=glibc.malloc.tcache_count=0")) < 0 ||
            (r = append_string_property(m, "SyslogIdentifier", c->name)) < 0 ||
            (r = append_log_extra_fields(m, c)) < 0 ||
            (r = append_exec(m, c, "ExecStart", "run", "setup")) < 0 ||
            (r = append_exec(m, c, "ExecStopPost", "stop-post", "teardown")) < 0)
                return r;

        if (c->start_fds[0] >= 0) {
                if ((r = sd_bus_message_append(
                             m, "(sv)", "StandardInputFileDescriptor", "h", c->start_fds[0])) < 0 ||
                    (r = sd_bus_message_append(
                             m, "(sv)", "StandardOutputFileDescriptor", "h", c->start_fds[1])) < 0 ||
                    (r = sd_bus_message_append(
                             m, "(sv)", "StandardErrorFileDescriptor", "h", c->start_fds[2])) < 0)
                        return r;
        }

        r = append_resource_properties(m, c);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(m);
}

static int on_start_transient_unit_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Container *c = userdata;
        const sd_bus_error *e;
        const char *job;
        int r;

        c->unit_call_slot = sd_bus_slot_unref(c->unit_call_slot);

        e = sd_bus_message_get_error(reply);
        if (e) {
                if (sd_bus_error_has_name(e, "org.freedesktop.systemd1.UnitExists")) {
                        /* The unit of a previous run is still loaded: wait for systemd to collect it. */
                        log_debug("%s still exists, waiting for its removal.", c->unit);
                        c->waiting_unit_removal = true;
                        r = unit_reset_failed(c);
                        if (r < 0)
                                container_start_failed(c, strerror(-r));
                        return 0;
                }
                container_start_failed(c, e->message ?: e->name);
                return 0;
        }

        r = sd_bus_message_read(reply, "o", &job);
        if (r < 0) {
                container_start_failed(c, "Unexpected reply from systemd");
                return 0;
        }
        free(c->start_job);
        c->start_job = strdup(job);
        if (!c->start_job)
                container_start_failed(c, "Out of memory");
        return 0;
}

/* c->unit_call_slot holds one call on the unit at a time: a new call drops the reply to the previous. */
static int unit_call_async(
        Container *c,
        const char *path,
        const char *interface,
        const char *member,
        sd_bus_message_handler_t callback,
        const char *types,
        ...) {
        va_list ap;
        int r;

        c->unit_call_slot = sd_bus_slot_unref(c->unit_call_slot);
        va_start(ap, types);
        r = sd_bus_call_method_asyncv(
                c->manager->bus,
                &c->unit_call_slot,
                SYSTEMD_DEST,
                path,
                interface,
                member,
                callback,
                c,
                types,
                ap);
        va_end(ap);
        return r;
}

int unit_start(Container *c) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(
                c->manager->bus, &m, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "StartTransientUnit");
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "ss", c->unit, "fail");
        if (r < 0)
                return r;
        r = append_unit_properties(m, c);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "a(sa(sv))", 0);
        if (r < 0)
                return r;

        c->unit_call_slot = sd_bus_slot_unref(c->unit_call_slot);
        return sd_bus_call_async(
                c->manager->bus, &c->unit_call_slot, m, on_start_transient_unit_reply, c, 0);
}

static int on_active_state_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Container *c = userdata;
        const char *state;
        int r;

        c->unit_call_slot = sd_bus_slot_unref(c->unit_call_slot);

        if (sd_bus_message_is_method_error(reply, NULL)) {
                /* Whatever systemd's reason, the unit is not running. */
                container_unit_active_state(c, "inactive");
                return 0;
        }
        r = sd_bus_message_read(reply, "v", "s", &state);
        if (r < 0) {
                log_warning_errno(r, "Failed to parse ActiveState of %s: %m", c->unit);
                return 0;
        }
        container_unit_active_state(c, state);
        return 0;
}

int unit_query_state(Container *c) {
        return unit_call_async(
                c,
                c->unit_path,
                "org.freedesktop.DBus.Properties",
                "Get",
                on_active_state_reply,
                "ss",
                SYSTEMD_UNIT_IFACE,
                "ActiveState");
}

static int on_log_error_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (e)
                log_warning("%s failed: %s", (const char *)userdata, e->message ?: e->name);
        return 0;
}

int unit_stop(Container *c) {
        return sd_bus_call_method_async(
                c->manager->bus,
                NULL,
                SYSTEMD_DEST,
                SYSTEMD_PATH,
                SYSTEMD_MANAGER,
                "StopUnit",
                on_log_error_reply,
                (void *)"StopUnit",
                "ss",
                c->unit,
                "replace");
}

static int on_reset_failed_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Container *c = userdata;

        c->unit_call_slot = sd_bus_slot_unref(c->unit_call_slot);

        /* Already gone: its UnitRemoved went by before we asked. */
        if (sd_bus_message_is_method_error(reply, "org.freedesktop.systemd1.NoSuchUnit"))
                container_unit_removed(c);
        return 0;
}

int unit_reset_failed(Container *c) {
        return unit_call_async(
                c, SYSTEMD_PATH, SYSTEMD_MANAGER, "ResetFailedUnit", on_reset_failed_reply, "s", c->unit);
}

static int on_kill_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (!request) {
                if (e)
                        log_warning("KillUnit failed: %s", e->message ?: e->name);
                return 0;
        }
        if (e)
                (void)sd_bus_reply_method_error(request, e);
        else
                (void)sd_bus_reply_method_return(request, NULL);
        return 0;
}

int unit_kill(Container *c, const char *whom, int signo, sd_bus_message *request) {
        int r;

        r = sd_bus_call_method_async(
                c->manager->bus,
                NULL,
                SYSTEMD_DEST,
                SYSTEMD_PATH,
                SYSTEMD_MANAGER,
                "KillUnit",
                on_kill_reply,
                request,
                "ssi",
                c->unit,
                whom,
                signo);
        if (r < 0)
                return r;
        sd_bus_message_ref(request);
        return 0;
}

static int on_freeze_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Container *c = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = NULL;
        bool freeze;

        request = TAKE_PTR(c->freeze_request);
        freeze = c->freeze_wanted;
        c->freeze_slot = sd_bus_slot_unref(c->freeze_slot);
        container_freeze_done(c, request, freeze, sd_bus_message_get_error(reply));
        return 0;
}

int unit_freeze(Container *c, bool freeze, sd_bus_message *request) {
        int r;

        c->freeze_slot = sd_bus_slot_unref(c->freeze_slot);
        c->freeze_request = sd_bus_message_unref(c->freeze_request);
        r = sd_bus_call_method_async(
                c->manager->bus,
                &c->freeze_slot,
                SYSTEMD_DEST,
                c->unit_path,
                SYSTEMD_UNIT_IFACE,
                freeze ? "Freeze" : "Thaw",
                on_freeze_reply,
                c,
                NULL);
        if (r < 0)
                return r;
        c->freeze_request = sd_bus_message_ref(request);
        c->freeze_wanted = freeze;
        return 0;
}

/* The container's processes; berth-runtime, the monitor, is not one of them (Docker hides its shim). */
static int on_processes_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = userdata, *answer = NULL;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *cgroup, *cmdline;
        uint32_t pid;
        int r;

        if (e)
                return (void)sd_bus_reply_method_error(request, e), 0;

        r = sd_bus_message_new_method_return(request, &answer);
        if (r >= 0)
                r = sd_bus_message_open_container(answer, 'a', "(us)");
        if (r >= 0)
                r = sd_bus_message_enter_container(reply, 'a', "(sus)");
        while (r >= 0) {
                r = sd_bus_message_read(reply, "(sus)", &cgroup, &pid, &cmdline);
                if (r <= 0)
                        break;
                if (strncmp(cmdline, BERTH_RUNTIME_PATH " ", STRLEN(BERTH_RUNTIME_PATH " ")) == 0)
                        continue;
                r = sd_bus_message_append(answer, "(us)", pid, cmdline);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(answer);
        if (r < 0)
                return (void)sd_bus_reply_method_errnof(request, r, "Failed to read the processes: %m"), 0;
        (void)sd_bus_send(NULL, answer, NULL);
        return 0;
}

int unit_get_processes(Container *c, sd_bus_message *request) {
        int r;

        r = sd_bus_call_method_async(
                c->manager->bus,
                NULL,
                SYSTEMD_DEST,
                SYSTEMD_PATH,
                SYSTEMD_MANAGER,
                "GetUnitProcesses",
                on_processes_reply,
                request,
                "s",
                c->unit);
        if (r < 0)
                return r;
        sd_bus_message_ref(request);
        return 0;
}

typedef struct StatsCall {
        sd_bus_message *request;
        char *unit;
} StatsCall;

static int read_stats_property(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        static const struct {
                const char *key;
                size_t offset;
        } table[] = {
                {"MemoryCurrent", offsetof(UnitStats, memory_current)},
                {"MemoryMax", offsetof(UnitStats, memory_max)},
                {"CPUUsageNSec", offsetof(UnitStats, cpu_usage_nsec)},
                {"TasksCurrent", offsetof(UnitStats, tasks_current)},
                {"IOReadBytes", offsetof(UnitStats, io_read_bytes)},
                {"IOWriteBytes", offsetof(UnitStats, io_write_bytes)},
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(key, table[i].key))
                        return sd_bus_message_read(m, "v", "t", (uint8_t *)userdata + table[i].offset);
        return sd_bus_message_skip(m, "v");
}

static int on_stats_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        StatsCall *call = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        UnitStats s = UNIT_STATS_NULL;
        int r;

        if (e)
                (void)sd_bus_reply_method_error(call->request, e);
        else {
                r = bus_read_dict(reply, read_stats_property, &s, NULL);
                if (r >= 0)
                        r = container_stats_reply(call->request, call->unit, &s);
                if (r < 0)
                        (void)sd_bus_reply_method_errnof(
                                call->request, r, "Failed to read the accounting: %m");
        }
        sd_bus_message_unref(call->request);
        free(call->unit);
        free(call);
        return 0;
}

int unit_get_stats(Container *c, sd_bus_message *request) {
        StatsCall *call;
        int r;

        call = calloc(1, sizeof(StatsCall));
        if (!call)
                return -ENOMEM;
        call->unit = strdup(c->unit);
        if (!call->unit) {
                free(call);
                return -ENOMEM;
        }
        r = sd_bus_call_method_async(
                c->manager->bus,
                NULL,
                SYSTEMD_DEST,
                c->unit_path,
                "org.freedesktop.DBus.Properties",
                "GetAll",
                on_stats_reply,
                call,
                "s",
                SYSTEMD_SERVICE_IFACE);
        if (r < 0) {
                free(call->unit);
                free(call);
                return r;
        }
        call->request = sd_bus_message_ref(request);
        return 0;
}

int unit_set_resource_properties(
        Container *c,
        const ContainerResources *resources,
        uint32_t mask,
        const ResourceHost *host,
        sd_bus_message_handler_t callback,
        void *userdata) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(
                c->manager->bus, &m, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "SetUnitProperties");
        if (r < 0)
                return r;
        /* runtime: a transient unit has no configuration on disk to change. */
        r = sd_bus_message_append(m, "sb", c->unit, true);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = container_resources_append_properties(m, resources, mask, host);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        return sd_bus_call_async(c->manager->bus, NULL, m, callback, userdata, 0);
}
