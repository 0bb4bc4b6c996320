/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stddef.h>

#include "bus-container-create.h"
#include "bus-container-resources.h"
#include "bus-container.h"
#include "bus-disk-usage.h"
#include "bus-errors.h"
#include "bus-image-remove.h"
#include "bus-image-save.h"
#include "bus-image-search.h"
#include "bus-image.h"
#include "bus-login.h"
#include "bus-manager.h"
#include "bus-network.h"
#include "bus-pull.h"
#include "bus-push.h"
#include "bus-transfer.h"
#include "bus-util.h"
#include "bus-volume.h"
#include "container-create.h"
#include "container-health.h"
#include "container-prune.h"
#include "container-restart.h"
#include "events.h"
#include "log.h"
#include "strv.h"

static int property_get_version(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", PACKAGE_VERSION);
}

static int property_get_storage_driver(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", "overlay");
}

static int option_type_error(sd_bus_error *error, const char *key, const char *type) {
        return sd_bus_error_setf(
                error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s must be of type '%s'", key, type);
}

/* Reads the variant of one option into the matching field of the ContainerCreateOptions. */
static int read_option(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        static const struct {
                const char *key;
                const char *type;
                size_t offset;
                size_t given_offset; /* "t" and "i": the bool that says the option was given */
        } table[] = {
                {"Name", "s", offsetof(ContainerCreateOptions, name)},
                {"Env", "as", offsetof(ContainerCreateOptions, env)},
                {"WorkingDir", "s", offsetof(ContainerCreateOptions, working_dir)},
                {"Entrypoint", "as", offsetof(ContainerCreateOptions, entrypoint)},
                {"Hostname", "s", offsetof(ContainerCreateOptions, hostname)},
                {"User", "s", offsetof(ContainerCreateOptions, user)},
                {"AutoRemove", "b", offsetof(ContainerCreateOptions, auto_remove)},
                {"Tty", "b", offsetof(ContainerCreateOptions, tty)},
                {"OpenStdin", "b", offsetof(ContainerCreateOptions, open_stdin)},
                {"RestartPolicy", "s", offsetof(ContainerCreateOptions, restart_policy)},
                {"HealthTest", "as", offsetof(ContainerCreateOptions, health.test)},
                {"HealthInterval",
                 "t",
                 offsetof(ContainerCreateOptions, health.interval_usec),
                 offsetof(ContainerCreateOptions, health.has_interval)},
                {"HealthTimeout",
                 "t",
                 offsetof(ContainerCreateOptions, health.timeout_usec),
                 offsetof(ContainerCreateOptions, health.has_timeout)},
                {"HealthStartPeriod",
                 "t",
                 offsetof(ContainerCreateOptions, health.start_period_usec),
                 offsetof(ContainerCreateOptions, health.has_start_period)},
                {"HealthRetries",
                 "i",
                 offsetof(ContainerCreateOptions, health.retries),
                 offsetof(ContainerCreateOptions, health.has_retries)},
                {"HealthOnFailure", "s", offsetof(ContainerCreateOptions, health.on_failure)},
                {"CapAdd", "as", offsetof(ContainerCreateOptions, security.cap_add)},
                {"CapDrop", "as", offsetof(ContainerCreateOptions, security.cap_drop)},
                {"Privileged", "b", offsetof(ContainerCreateOptions, security.privileged)},
                {"SecurityOpt", "as", offsetof(ContainerCreateOptions, security.security_opt)},
                {"ReadonlyRootfs", "b", offsetof(ContainerCreateOptions, security.readonly_rootfs)},
                {"Tmpfs", "as", offsetof(ContainerCreateOptions, security.tmpfs)},
                {"NetworkMode", "s", offsetof(ContainerCreateOptions, network.network_mode)},
                {"PortBindings", "as", offsetof(ContainerCreateOptions, network.port_bindings)},
                {"PublishAllPorts", "b", offsetof(ContainerCreateOptions, network.publish_all)},
                {"Dns", "as", offsetof(ContainerCreateOptions, network.dns)},
                {"ExtraHosts", "as", offsetof(ContainerCreateOptions, network.extra_hosts)},
                {"NetworkAliases", "as", offsetof(ContainerCreateOptions, network.aliases)},
                {"IPv4Address", "s", offsetof(ContainerCreateOptions, network.ip)},
                {"Devices", "as", offsetof(ContainerCreateOptions, host.devices)},
                {"GroupAdd", "as", offsetof(ContainerCreateOptions, host.group_add)},
                {"Ulimits", "as", offsetof(ContainerCreateOptions, host.ulimits)},
                {"Sysctls", "as", offsetof(ContainerCreateOptions, host.sysctls)},
                {"ShmSize",
                 "t",
                 offsetof(ContainerCreateOptions, host.shm_size),
                 offsetof(ContainerCreateOptions, host.has_shm_size)},
                {"Init", "b", offsetof(ContainerCreateOptions, host.init)},
                {"Binds", "as", offsetof(ContainerCreateOptions, mounts.binds)},
                {"Mounts", "as", offsetof(ContainerCreateOptions, mounts.mounts)},
                {"VolumesFrom", "as", offsetof(ContainerCreateOptions, mounts.volumes_from)},
                {"UsernsMode", "s", offsetof(ContainerCreateOptions, userns.mode)},
        };
        ContainerCreateOptions *o = userdata;
        int r;

        r = bus_read_resource_option(m, key, &o->resources, error);
        if (r != 0)
                return r < 0 ? r : 0;
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                void *field = (uint8_t *)o + table[i].offset;

                if (!streq(key, table[i].key))
                        continue;

                r = sd_bus_message_enter_container(m, 'v', table[i].type);
                if (r == -ENXIO)
                        return option_type_error(error, key, table[i].type);
                if (r < 0)
                        return r;

                if (streq(table[i].type, "s")) {
                        const char *s;
                        char **dest = field;

                        r = bus_read_string(m, key, &s, error);
                        if (r < 0)
                                return r;
                        free(*dest);
                        *dest = strdup(s);
                        if (!*dest)
                                return -ENOMEM;
                } else if (streq(table[i].type, "as")) {
                        char ***dest = field;

                        strv_free(*dest);
                        *dest = NULL;
                        r = bus_read_strv(m, key, dest, error);
                        if (r < 0)
                                return r;
                        if (streq(key, "Entrypoint"))
                                o->has_entrypoint = true;
                } else if (streq(table[i].type, "t") || streq(table[i].type, "i")) {
                        r = sd_bus_message_read_basic(m, table[i].type[0], field);
                        if (r < 0)
                                return r;
                        *(bool *)((uint8_t *)o + table[i].given_offset) = true;
                } else {
                        int b;

                        r = sd_bus_message_read(m, "b", &b);
                        if (r < 0)
                                return r;
                        *(bool *)field = b;
                }
                return sd_bus_message_exit_container(m);
        }

        return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Unknown option: %s", key);
}

static int method_create_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(container_create_options_done) ContainerCreateOptions o = {};
        _cleanup_strv_free_ char **command = NULL;
        Manager *m = userdata;
        const char *image;
        int r;

        r = bus_read_string(msg, "image", &image, error);
        if (r < 0)
                return r;
        r = bus_read_strv(msg, "command", &command, error);
        if (r < 0)
                return r;
        r = bus_read_dict(msg, read_option, &o, error);
        if (r < 0)
                return r;

        return bus_container_create(msg, m, image, command, &o, error);
}

static int method_get_container(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *name;
        Container *c;
        int r;

        r = bus_read_string(msg, "name_or_id", &name, error);
        if (r < 0)
                return r;

        r = manager_find_container(m, name, &c);
        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_AMBIGUOUS, "Multiple IDs found with provided prefix: %s", name);
        if (r < 0)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_NO_SUCH_CONTAINER, "No such container: %s", name);
        return sd_bus_reply_method_return(msg, "o", c->object_path);
}

static int method_list_containers(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        int all, r;

        r = sd_bus_message_read(msg, "b", &all);
        if (r < 0)
                return r;

        r = bus_array_reply_new(msg, "(sssssstttiuos)", &reply);
        if (r < 0)
                return r;
        for (Container *c = m->containers; c; c = c->next) {
                _cleanup_free_ char *cmdline = NULL;

                if (!all && c->state != CONTAINER_RUNNING)
                        continue;
                cmdline = strv_join(c->command, " ");
                if (!cmdline)
                        return -ENOMEM;
                r = sd_bus_message_append(
                        reply,
                        "(sssssstttiuos)",
                        c->id,
                        c->name,
                        c->image,
                        c->image_id,
                        cmdline,
                        container_status_to_string(c),
                        c->created_at,
                        c->started_at,
                        c->finished_at,
                        c->exit_code,
                        c->pid,
                        c->object_path,
                        container_health_status_string(c));
                if (r < 0)
                        return r;
        }
        return bus_array_reply_send(reply);
}

static int method_prune_containers(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        return manager_prune_containers(userdata, msg, error);
}

const sd_bus_vtable bus_manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY(
                "StateDirectory", "s", NULL, offsetof(Manager, state_dir), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("StorageDriver", "s", property_get_storage_driver, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_ARGS(
                "CreateContainer",
                SD_BUS_ARGS("s", image, "as", command, "a{sv}", options),
                SD_BUS_RESULT("o", container),
                method_create_container,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "GetContainer",
                SD_BUS_ARGS("s", name_or_id),
                SD_BUS_RESULT("o", container),
                method_get_container,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "ListContainers",
                SD_BUS_ARGS("b", all),
                SD_BUS_RESULT("a(sssssstttiuos)", containers),
                method_list_containers,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "PruneContainers",
                SD_BUS_NO_ARGS,
                SD_BUS_RESULT("as", deleted, "t", space_reclaimed),
                method_prune_containers,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "GetImage",
                SD_BUS_ARGS("s", reference),
                SD_BUS_RESULT("o", image),
                bus_image_method_get,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "ListImages",
                SD_BUS_NO_ARGS,
                SD_BUS_RESULT("a(sasasttoa{ss})", images),
                bus_image_method_list,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "LoadImages",
                SD_BUS_ARGS("h", archive),
                SD_BUS_RESULT("as", loaded),
                bus_image_method_load,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "SaveImages",
                SD_BUS_ARGS("as", names, "h", archive, "s", format, "a{sv}", options),
                SD_BUS_NO_RESULT,
                bus_image_method_save,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "ImportImage",
                SD_BUS_ARGS("h", tarball, "s", reference),
                SD_BUS_RESULT("s", image_id),
                bus_image_method_import,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "TagImage",
                SD_BUS_ARGS("s", source, "s", target),
                SD_BUS_NO_RESULT,
                bus_image_method_tag,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "RemoveImage",
                SD_BUS_ARGS("s", name, "b", force),
                SD_BUS_RESULT("as", lines),
                bus_image_method_remove,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "PruneImages",
                SD_BUS_ARGS("b", all),
                SD_BUS_RESULT("as", lines, "t", space_reclaimed),
                bus_image_method_prune,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "SearchImages",
                SD_BUS_ARGS("s", term, "u", limit, "a{sv}", options),
                SD_BUS_RESULT("a(ssubb)", results),
                bus_image_method_search,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "GetDiskUsage",
                SD_BUS_NO_ARGS,
                SD_BUS_RESULT(
                        "t", layers_size, "a(sastttu)", images, "a(st)", containers, "a(sut)", volumes),
                bus_method_get_disk_usage,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "GetImageHistory",
                SD_BUS_ARGS("s", name),
                SD_BUS_RESULT("a(sttss)", history),
                bus_image_method_history,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "PullImage",
                SD_BUS_ARGS("s", reference, "a{sv}", options),
                SD_BUS_RESULT("o", transfer),
                bus_pull_method_pull_image,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "PushImage",
                SD_BUS_ARGS("s", reference, "a{sv}", options),
                SD_BUS_RESULT("o", transfer),
                bus_push_method_push_image,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "Login",
                SD_BUS_ARGS("s", server, "s", username, "s", password, "a{sv}", options),
                SD_BUS_RESULT("s", status, "s", auth),
                bus_method_login,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "CreateVolume",
                SD_BUS_ARGS("s", name, "a{sv}", options),
                SD_BUS_RESULT("o", volume),
                bus_volume_method_create,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "ListVolumes",
                SD_BUS_NO_ARGS,
                SD_BUS_RESULT("a(ssta{ss}a{ss}uo)", volumes),
                bus_volume_method_list,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "GetVolume",
                SD_BUS_ARGS("s", name),
                SD_BUS_RESULT("o", volume),
                bus_volume_method_get,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "RemoveVolume",
                SD_BUS_ARGS("s", name, "b", force),
                SD_BUS_NO_RESULT,
                bus_volume_method_remove,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "PruneVolumes",
                SD_BUS_ARGS("a{sv}", filters),
                SD_BUS_RESULT("as", deleted, "t", space_reclaimed),
                bus_volume_method_prune,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "CreateNetwork",
                SD_BUS_ARGS("s", name, "a{sv}", options),
                SD_BUS_RESULT("o", network),
                bus_network_method_create,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "ListNetworks",
                SD_BUS_NO_ARGS,
                SD_BUS_RESULT("a(ssssstso)", networks),
                bus_network_method_list,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "GetNetwork",
                SD_BUS_ARGS("s", name_or_id),
                SD_BUS_RESULT("o", network),
                bus_network_method_get,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "RemoveNetwork",
                SD_BUS_ARGS("s", name_or_id),
                SD_BUS_NO_RESULT,
                bus_network_method_remove,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "PruneNetworks",
                SD_BUS_NO_ARGS,
                SD_BUS_RESULT("as", deleted),
                bus_network_method_prune,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("ContainerNew", SD_BUS_ARGS("s", id, "o", container), 0),
        SD_BUS_SIGNAL_WITH_ARGS("ContainerRemoved", SD_BUS_ARGS("s", id, "o", container), 0),
        SD_BUS_SIGNAL_WITH_ARGS("ImageNew", SD_BUS_ARGS("s", id, "o", image), 0),
        SD_BUS_SIGNAL_WITH_ARGS("ImageRemoved", SD_BUS_ARGS("s", id, "o", image), 0),
        SD_BUS_SIGNAL_WITH_ARGS("VolumeNew", SD_BUS_ARGS("s", name, "o", volume), 0),
        SD_BUS_SIGNAL_WITH_ARGS("VolumeRemoved", SD_BUS_ARGS("s", name, "o", volume), 0),
        SD_BUS_SIGNAL_WITH_ARGS("NetworkNew", SD_BUS_ARGS("s", name, "o", network), 0),
        SD_BUS_SIGNAL_WITH_ARGS("NetworkRemoved", SD_BUS_ARGS("s", name, "o", network), 0),
        SD_BUS_SIGNAL_WITH_ARGS("TransferNew", SD_BUS_ARGS("u", id, "o", transfer), 0),
        SD_BUS_SIGNAL_WITH_ARGS("TransferRemoved", SD_BUS_ARGS("u", id, "o", transfer, "s", result), 0),
        SD_BUS_SIGNAL_WITH_ARGS(
                "Event",
                SD_BUS_ARGS("s", type, "s", action, "s", id, "a{ss}", attributes, "t", time_usec),
                0),
        SD_BUS_VTABLE_END,
};

int bus_manager_register(Manager *m) {
        int r;

        r = sd_bus_add_object_vtable(
                m->bus, NULL, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, bus_manager_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Failed to add the manager vtable: %m");
        r = bus_container_register(m);
        if (r < 0)
                return r;
        r = bus_image_register(m);
        if (r < 0)
                return r;
        r = bus_volume_register(m);
        if (r < 0)
                return r;
        r = bus_network_register(m);
        if (r < 0)
                return r;
        return 0;
}

static void emit_container_signal(Manager *m, Container *c, const char *member) {
        int r;

        r = sd_bus_emit_signal(
                m->bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, member, "so", c->id, c->object_path);
        if (r < 0)
                log_warning_errno(r, "Failed to emit %s for %s: %m", member, c->id);
}

void bus_manager_emit_container_new(Manager *m, Container *c) {
        emit_container_signal(m, c, "ContainerNew");
}

void bus_manager_emit_container_removed(Manager *m, Container *c) {
        emit_container_signal(m, c, "ContainerRemoved");
}
