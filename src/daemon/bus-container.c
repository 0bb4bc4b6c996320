/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stddef.h>

#include "bus-container-attach.h"
#include "bus-container-health.h"
#include "bus-container-host-config.h"
#include "bus-container-network.h"
#include "bus-container-resources.h"
#include "bus-container.h"
#include "bus-util.h"
#include "bus-volume.h"
#include "container-freezer.h"
#include "container-lifecycle.h"
#include "container-rename.h"
#include "container-restart.h"
#include "container-stats.h"
#include "log.h"
#include "strv.h"

static int property_get_state(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        Container *c = userdata;
        return sd_bus_message_append(reply, "s", container_status_to_string(c));
}

static int property_get_restart_policy(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        Container *c = userdata;
        char buf[RESTART_POLICY_STRING_MAX];
        return sd_bus_message_append(reply, "s", restart_policy_to_string(&c->restart_policy, buf));
}

/* The bool at the entry's offset: sd-bus itself would read an int for "b". */
static int property_get_bool(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        return sd_bus_message_append(reply, "b", *(bool *)userdata);
}

static int property_get_userns_mode(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        Container *c = userdata;
        return sd_bus_message_append(reply, "s", container_userns_mode_string(&c->userns));
}

/* The verbs may reply later: > 0 tells sd-bus the call is taken care of (0 would make it look for
 * another handler and answer UnknownMethod). */
static int handled(int r) {
        return r < 0 ? r : 1;
}

static int method_start(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return handled(container_start(userdata, m, NULL, error));
}

static int method_start_with_streams(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        int fds[3], r;

        r = sd_bus_message_read(m, "hhh", &fds[0], &fds[1], &fds[2]);
        if (r < 0)
                return r;
        return handled(container_start(userdata, m, fds, error));
}

static int method_stop(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        uint64_t timeout;
        int r;

        r = sd_bus_message_read(m, "t", &timeout);
        if (r < 0)
                return r;
        return handled(container_stop(userdata, timeout, m, error));
}

static int method_kill(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        int32_t signo;
        int r;

        r = sd_bus_message_read(m, "i", &signo);
        if (r < 0)
                return r;
        return handled(container_kill(userdata, signo, m, error));
}

static int method_remove(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        int force, r;

        r = sd_bus_message_read(m, "b", &force);
        if (r < 0)
                return r;
        return handled(container_remove(userdata, force, m, error));
}

static int method_wait(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return handled(container_wait(userdata, m, error));
}

static int method_wait_condition(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *condition;
        int r;

        r = bus_read_string(m, "condition", &condition, error);
        if (r < 0)
                return r;
        return handled(container_wait_condition(userdata, condition, m, error));
}

static int method_restart(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        uint64_t timeout;
        int r;

        r = sd_bus_message_read(m, "t", &timeout);
        if (r < 0)
                return r;
        return handled(container_restart(userdata, timeout, m, error));
}

static int method_pause(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return handled(container_pause(userdata, m, error));
}

static int method_unpause(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return handled(container_unpause(userdata, m, error));
}

static int method_rename(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *name;
        int r;

        r = bus_read_string(m, "new_name", &name, error);
        if (r < 0)
                return r;
        r = container_rename(userdata, name, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, NULL);
}

static int method_top(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return handled(container_top(userdata, m, error));
}

static int method_get_stats(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return handled(container_get_stats(userdata, m, error));
}

#define CONST_FLAGS SD_BUS_VTABLE_PROPERTY_CONST
#define CHANGE_FLAGS SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE

const sd_bus_vtable bus_container_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Id", "s", NULL, offsetof(Container, id), CONST_FLAGS),
        SD_BUS_PROPERTY("Name", "s", NULL, offsetof(Container, name), CHANGE_FLAGS),
        SD_BUS_PROPERTY("Image", "s", NULL, offsetof(Container, image), CONST_FLAGS),
        SD_BUS_PROPERTY("ImageId", "s", NULL, offsetof(Container, image_id), CONST_FLAGS),
        SD_BUS_PROPERTY("Command", "as", NULL, offsetof(Container, command), CONST_FLAGS),
        SD_BUS_PROPERTY("Env", "as", NULL, offsetof(Container, env), CONST_FLAGS),
        SD_BUS_PROPERTY("WorkingDir", "s", NULL, offsetof(Container, working_dir), CONST_FLAGS),
        SD_BUS_PROPERTY("User", "s", NULL, offsetof(Container, user), CONST_FLAGS),
        SD_BUS_PROPERTY("Hostname", "s", NULL, offsetof(Container, hostname), CONST_FLAGS),
        SD_BUS_PROPERTY("AutoRemove", "b", property_get_bool, offsetof(Container, auto_remove), CONST_FLAGS),
        SD_BUS_PROPERTY("Tty", "b", property_get_bool, offsetof(Container, tty), CONST_FLAGS),
        SD_BUS_PROPERTY("OpenStdin", "b", property_get_bool, offsetof(Container, open_stdin), CONST_FLAGS),
        SD_BUS_PROPERTY("Unit", "s", NULL, offsetof(Container, unit), CHANGE_FLAGS),
        SD_BUS_PROPERTY("RestartPolicy", "s", property_get_restart_policy, 0, CHANGE_FLAGS),
        SD_BUS_PROPERTY("RestartCount", "u", NULL, offsetof(Container, restart_count), CHANGE_FLAGS),
        SD_BUS_PROPERTY("CreatedAt", "t", NULL, offsetof(Container, created_at), CONST_FLAGS),
        SD_BUS_PROPERTY("State", "s", property_get_state, 0, CHANGE_FLAGS),
        SD_BUS_PROPERTY("ExitCode", "i", NULL, offsetof(Container, exit_code), CHANGE_FLAGS),
        SD_BUS_PROPERTY("Pid", "u", NULL, offsetof(Container, pid), CHANGE_FLAGS),
        SD_BUS_PROPERTY("StartedAt", "t", NULL, offsetof(Container, started_at), CHANGE_FLAGS),
        SD_BUS_PROPERTY("FinishedAt", "t", NULL, offsetof(Container, finished_at), CHANGE_FLAGS),
        SD_BUS_PROPERTY("Health", "s", bus_container_property_get_health, 0, CHANGE_FLAGS),
        SD_BUS_PROPERTY("HealthFailingStreak", "u", bus_container_property_get_health, 0, CHANGE_FLAGS),
        SD_BUS_PROPERTY(
                "HealthLog",
                "a(ttis)",
                bus_container_property_get_health,
                0,
                SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
        SD_BUS_PROPERTY("HealthTest", "as", bus_container_property_get_health, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("HealthInterval", "t", bus_container_property_get_health, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("HealthTimeout", "t", bus_container_property_get_health, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("HealthStartPeriod", "t", bus_container_property_get_health, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("HealthRetries", "u", bus_container_property_get_health, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("HealthOnFailure", "s", bus_container_property_get_health, 0, CONST_FLAGS),
        BUS_CONTAINER_RESOURCE_PROPERTIES,
        SD_BUS_PROPERTY("Devices", "as", bus_container_property_get_host_config, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("Privileged", "b", bus_container_property_get_host_config, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("GroupAdd", "as", bus_container_property_get_host_config, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("Ulimits", "as", bus_container_property_get_host_config, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("Sysctls", "a{ss}", bus_container_property_get_host_config, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("ShmSize", "t", bus_container_property_get_host_config, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("Init", "b", bus_container_property_get_host_config, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("UsernsMode", "s", property_get_userns_mode, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("Mounts", "a(ssssssbsstu)", bus_container_property_get_mounts, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("NetworkMode", "s", bus_container_property_get_network, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("PortBindings", "a(ssqqq)", bus_container_property_get_network, 0, CONST_FLAGS),
        SD_BUS_PROPERTY("IPAddress", "s", bus_container_property_get_network, 0, 0),
        SD_BUS_PROPERTY("IPPrefixLen", "u", bus_container_property_get_network, 0, 0),
        SD_BUS_PROPERTY("Gateway", "s", bus_container_property_get_network, 0, 0),
        SD_BUS_PROPERTY("MacAddress", "s", bus_container_property_get_network, 0, 0),
        SD_BUS_PROPERTY("Ports", "a(ssqq)", bus_container_property_get_network, 0, 0),
        SD_BUS_PROPERTY("Networks", "a(sassuss)", bus_container_property_get_network, 0, 0),
        SD_BUS_METHOD("Start", NULL, NULL, method_start, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "StartWithStreams",
                SD_BUS_ARGS("h", stdin, "h", stdout, "h", stderr),
                SD_BUS_NO_RESULT,
                method_start_with_streams,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "Stop",
                SD_BUS_ARGS("t", timeout_usec),
                SD_BUS_NO_RESULT,
                method_stop,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "Kill", SD_BUS_ARGS("i", signal), SD_BUS_NO_RESULT, method_kill, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "Remove",
                SD_BUS_ARGS("b", force),
                SD_BUS_NO_RESULT,
                method_remove,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "Wait",
                SD_BUS_NO_ARGS,
                SD_BUS_RESULT("i", exit_code),
                method_wait,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "Attach",
                SD_BUS_ARGS("a{sv}", options),
                SD_BUS_RESULT("h", stream),
                bus_container_method_attach,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "Exec",
                SD_BUS_ARGS("as", command, "a{sv}", options),
                SD_BUS_RESULT("h", stream),
                bus_container_method_exec,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "WaitCondition",
                SD_BUS_ARGS("s", condition),
                SD_BUS_RESULT("i", exit_code),
                method_wait_condition,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "Restart",
                SD_BUS_ARGS("t", timeout_usec),
                SD_BUS_NO_RESULT,
                method_restart,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Pause", NULL, NULL, method_pause, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Unpause", NULL, NULL, method_unpause, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "Rename",
                SD_BUS_ARGS("s", new_name),
                SD_BUS_NO_RESULT,
                method_rename,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "Top",
                SD_BUS_NO_ARGS,
                SD_BUS_RESULT("a(us)", processes),
                method_top,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "Update",
                SD_BUS_ARGS("a{sv}", options),
                SD_BUS_RESULT("as", warnings),
                bus_container_method_update,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "GetStats",
                SD_BUS_NO_ARGS,
                SD_BUS_RESULT("a{st}", stats),
                method_get_stats,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

static int container_object_find(
        sd_bus *bus,
        const char *path,
        const char *interface,
        void *userdata,
        void **found,
        sd_bus_error *error) {
        _cleanup_free_ char *id = NULL;
        Manager *m = userdata;
        Container *c;
        int r;

        r = sd_bus_path_decode(path, BERTH_CONTAINER_PREFIX, &id);
        if (r <= 0)
                return r;
        c = manager_get_container_by_id(m, id);
        if (!c)
                return 0;
        *found = c;
        return 1;
}

static int container_node_enumerator(
        sd_bus *bus, const char *path, void *userdata, char ***nodes, sd_bus_error *error) {
        _cleanup_strv_free_ char **l = NULL;
        Manager *m = userdata;
        int r;

        for (Container *c = m->containers; c; c = c->next) {
                r = strv_extend(&l, c->object_path);
                if (r < 0)
                        return r;
        }
        *nodes = TAKE_PTR(l);
        return 1;
}

int bus_container_register(Manager *m) {
        return bus_add_object_class(
                m->bus,
                BERTH_CONTAINER_PREFIX,
                BERTH_CONTAINER_IFACE,
                bus_container_vtable,
                container_object_find,
                container_node_enumerator,
                m);
}

void bus_container_emit_changed(Container *c) {
        int r;

        r = sd_bus_emit_properties_changed(
                c->manager->bus,
                c->object_path,
                BERTH_CONTAINER_IFACE,
                "State",
                "ExitCode",
                "Pid",
                "StartedAt",
                "FinishedAt",
                "OOMKilled",
                NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to emit PropertiesChanged for %s: %m", c->id);
}
