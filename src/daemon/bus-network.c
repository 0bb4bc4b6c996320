/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-errors.h"
#include "bus-network-connect.h"
#include "bus-network.h"
#include "bus-util.h"
#include "container-network-connect.h"
#include "container-network.h"
#include "digest.h"
#include "events.h"
#include "log.h"
#include "network-store.h"
#include "strv.h"
#include "time-util.h"

#define NETWORK_OPTIONS_MAX 64U

/* A network as the bus shows it: a user network, or one of the predefined ones. */
typedef struct NetworkInfo {
        UserNetwork *user; /* NULL for a predefined network */
        const char *name;
        char id[65];
        const char *driver; /* bridge, host, null */
        char subnet[20], gateway[16];
        uint64_t created_at;
        char **options; /* the driver's, key, value, … */
} NetworkInfo;

static void network_info_done(NetworkInfo *n) {
        user_network_free(n->user);
        strv_free(n->options);
}

static int predefined_info(const char *name, NetworkInfo *ret) {
        char digest[DIGEST_STRING_LEN + 1];
        _cleanup_free_ char *seed = NULL;
        unsigned mtu;
        Subnet s;
        int r;

        if (!streq(name, "bridge") && !streq(name, "host") && !streq(name, "none"))
                return -ENOENT;
        /* A stable id per name: Docker's are random at its first start. */
        if (asprintf(&seed, "org.berth.network.%s", name) < 0)
                return -ENOMEM;
        r = sha256_digest(seed, strlen(seed), digest);
        if (r < 0)
                return r;
        *ret = (NetworkInfo){
                .name = streq(name, "bridge") ? "bridge"
                        : streq(name, "host") ? "host"
                                              : "none",
                .driver = streq(name, "bridge") ? "bridge"
                          : streq(name, "host") ? "host"
                                                : "null",
        };
        memcpy(ret->id, digest + STRLEN(DIGEST_PREFIX), 64);
        if (streq(name, "bridge") && container_network_default_subnet(&s) >= 0) {
                subnet_to_string(&s, ret->subnet);
                ip_to_string(s.gateway, ret->gateway);
        }
        /* The MTU in effect, as Docker shows its bridge's. */
        if (streq(name, "bridge") && container_network_default_mtu(&mtu) >= 0) {
                char text[12];

                snprintf(text, sizeof(text), "%u", mtu);
                if (strv_extend(&ret->options, NETWORK_OPTION_MTU) < 0 ||
                    strv_extend(&ret->options, text) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int user_info(UserNetwork *n, NetworkInfo *ret) {
        *ret = (NetworkInfo){.user = n, .name = n->name, .driver = "bridge", .created_at = n->created_at};
        memcpy(ret->id, n->id, 65);
        subnet_to_string(&n->subnet, ret->subnet);
        ip_to_string(n->subnet.gateway, ret->gateway);
        return user_network_options(n, &ret->options);
}

static int network_info_get(Manager *m, const char *name_or_id, NetworkInfo *ret) {
        UserNetwork *n = NULL;
        int r;

        r = predefined_info(name_or_id, ret);
        if (r != -ENOENT)
                return r;
        r = user_network_get(m->state_dir, name_or_id, &n);
        if (r < 0)
                return r;
        return user_info(n, ret);
}

int bus_network_id(Manager *m, const char *name, char ret[static 65]) {
        _cleanup_(network_info_done) NetworkInfo n = {};
        int r;

        r = network_info_get(m, name, &n);
        if (r < 0)
                return r;
        memcpy(ret, n.id, 65);
        return 0;
}

static int network_path(const char *name, char **ret) {
        return sd_bus_path_encode(BERTH_NETWORK_PREFIX, name, ret);
}

static int network_from_path(Manager *m, const char *path, NetworkInfo *ret) {
        _cleanup_free_ char *name = NULL;
        int r;

        r = sd_bus_path_decode(path, BERTH_NETWORK_PREFIX, &name);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        return network_info_get(m, name, ret);
}

static int add_network_containers(Container *list, const char *name, char ***ids) {
        for (Container *c = list; c; c = c->next) {
                _cleanup_strv_free_ char **networks = NULL;
                int r;

                r = container_network_list(c, &networks);
                if (r < 0)
                        return r;
                if (strv_contains(networks, name) && strv_extend(ids, c->id) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* The containers on a network: the one they were created on, or one they were connected to; with_creating:
 * also those still being created (waiting for their copy-up), which keep the network as much. */
static int network_containers(Manager *m, const char *name, bool with_creating, char ***ret) {
        _cleanup_strv_free_ char **ids = NULL;
        int r;

        r = add_network_containers(m->containers, name, &ids);
        if (r >= 0 && with_creating)
                r = add_network_containers(m->creating, name, &ids);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(ids);
        return 0;
}

static void emit_signal(Manager *m, const char *member, const char *name) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = network_path(name, &path);
        if (r >= 0)
                r = sd_bus_emit_signal(
                        m->bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, member, "so", name, path);
        if (r < 0)
                log_warning_errno(r, "Failed to emit %s for network %s: %m", member, name);
}

static int property_get_network(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        _cleanup_(network_info_done) NetworkInfo n = {};
        int r;

        r = network_from_path(userdata, path, &n);
        if (r < 0)
                return r;
        if (streq(property, "Name"))
                return sd_bus_message_append(reply, "s", n.name);
        if (streq(property, "Id"))
                return sd_bus_message_append(reply, "s", n.id);
        if (streq(property, "Driver"))
                return sd_bus_message_append(reply, "s", n.driver);
        if (streq(property, "Scope"))
                return sd_bus_message_append(reply, "s", "local");
        if (streq(property, "Subnet"))
                return sd_bus_message_append(reply, "s", n.subnet);
        if (streq(property, "Gateway"))
                return sd_bus_message_append(reply, "s", n.gateway);
        if (streq(property, "Created"))
                return sd_bus_message_append(reply, "t", n.created_at);
        if (streq(property, "Options"))
                return bus_append_pairs(reply, n.options);
        if (streq(property, "Containers")) {
                _cleanup_strv_free_ char **ids = NULL;

                r = network_containers(userdata, n.name, false, &ids);
                if (r < 0)
                        return r;
                return sd_bus_message_append_strv(reply, ids);
        }
        return -EINVAL;
}

#define NETWORK_PROPERTY(name, sig, flags) SD_BUS_PROPERTY(name, sig, property_get_network, 0, flags)

const sd_bus_vtable bus_network_vtable[] = {
        SD_BUS_VTABLE_START(0),
        NETWORK_PROPERTY("Name", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        NETWORK_PROPERTY("Id", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        NETWORK_PROPERTY("Driver", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        NETWORK_PROPERTY("Scope", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        NETWORK_PROPERTY("Subnet", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        NETWORK_PROPERTY("Gateway", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        NETWORK_PROPERTY("Created", "t", SD_BUS_VTABLE_PROPERTY_CONST),
        NETWORK_PROPERTY("Options", "a{ss}", SD_BUS_VTABLE_PROPERTY_CONST),
        /* Changes with every container that comes or goes; read it when needed. */
        NETWORK_PROPERTY("Containers", "as", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
        SD_BUS_METHOD_WITH_ARGS(
                "Connect",
                SD_BUS_ARGS("s", container, "a{sv}", options),
                SD_BUS_NO_RESULT,
                bus_network_method_connect,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(
                "Disconnect",
                SD_BUS_ARGS("s", container, "b", force),
                SD_BUS_NO_RESULT,
                bus_network_method_disconnect,
                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

static int network_object_find(
        sd_bus *bus,
        const char *path,
        const char *interface,
        void *userdata,
        void **found,
        sd_bus_error *error) {
        _cleanup_(network_info_done) NetworkInfo n = {};
        int r;

        r = network_from_path(userdata, path, &n);
        if (r == -ENOENT || r == -EINVAL)
                return 0;
        if (r < 0)
                return r;
        *found = userdata;
        return 1;
}

static int
network_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes, sd_bus_error *error) {
        static const char *const predefined[] = {"bridge", "host", "none"};
        _cleanup_strv_free_ char **paths = NULL;
        Manager *m = userdata;
        UserNetwork **l = NULL;
        char *p;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(predefined); i++)
                if (network_path(predefined[i], &p) < 0 || strv_consume(&paths, p) < 0)
                        return -ENOMEM;
        r = user_network_list(m->state_dir, &l);
        if (r < 0)
                return r;
        for (UserNetwork **n = l; *n && r >= 0; n++) {
                r = network_path((*n)->name, &p);
                if (r >= 0)
                        r = strv_consume(&paths, p);
        }
        user_network_list_free(l);
        if (r < 0)
                return r;
        *nodes = TAKE_PTR(paths);
        return 1;
}

int bus_network_register(Manager *m) {
        return bus_add_object_class(
                m->bus,
                BERTH_NETWORK_PREFIX,
                BERTH_NETWORK_IFACE,
                bus_network_vtable,
                network_object_find,
                network_node_enumerator,
                m);
}

typedef struct CreateNetworkOptions {
        char *driver, *subnet, *gateway;
        char **options; /* the driver's (-o), key, value, … */
} CreateNetworkOptions;

static int read_create_option(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        CreateNetworkOptions *o = userdata;

        if (streq(key, "Driver"))
                return bus_read_string_variant(m, key, &o->driver, error);
        if (streq(key, "Subnet"))
                return bus_read_string_variant(m, key, &o->subnet, error);
        if (streq(key, "Gateway"))
                return bus_read_string_variant(m, key, &o->gateway, error);
        if (streq(key, "Options"))
                return bus_read_pairs_variant(m, key, NETWORK_OPTIONS_MAX, &o->options, error);
        return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Unknown option: %s", key);
}

int bus_network_method_create(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(user_network_freep) UserNetwork *n = NULL;
        _cleanup_free_ char *message = NULL, *path = NULL;
        CreateNetworkOptions o = {};
        Manager *m = userdata;
        const char *name;
        Subnet taken;
        int r;

        r = bus_read_string(msg, "name", &name, error);
        if (r < 0)
                return r;
        r = bus_read_dict(msg, read_create_option, &o, error);
        if (r < 0)
                goto finish;
        if (o.driver && !streq(o.driver, "bridge")) {
                r = sd_bus_error_setf(
                        error,
                        BERTH_ERROR_INVALID_ARGUMENT,
                        "plugin \"%s\" not found (berth has the \"bridge\" driver only)",
                        o.driver);
                goto finish;
        }
        r = container_network_default_subnet(&taken);
        if (r < 0) {
                r = sd_bus_error_set_errnof(
                        error, r, "Failed to read " CONTAINER_NETWORK_DAEMON_JSON ": %m");
                goto finish;
        }
        r = user_network_create(
                m->state_dir,
                name,
                o.subnet,
                o.gateway,
                o.options,
                &taken,
                now_realtime_usec(),
                &n,
                &message);
        if (r == -EEXIST)
                r = sd_bus_error_set(error, BERTH_ERROR_CONFLICT, message);
        else if (r == -EINVAL || r == -ENOSPC)
                r = sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, message);
        else if (r < 0)
                r = sd_bus_error_set_errnof(error, r, "Failed to create the network %s: %m", name);
        else {
                log_info("Created network %s.", n->name);
                emit_signal(m, "NetworkNew", n->name);
                manager_emit_event(m, "network", "create", n->id, "name", n->name, "type", "bridge", NULL);
                r = network_path(n->name, &path);
                if (r >= 0)
                        r = sd_bus_reply_method_return(msg, "o", path);
        }
finish:
        free(o.driver);
        free(o.subnet);
        free(o.gateway);
        strv_free(o.options);
        return r;
}

static int append_row(sd_bus_message *reply, const NetworkInfo *n) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = network_path(n->name, &path);
        if (r < 0)
                return r;
        return sd_bus_message_append(
                reply,
                "(ssssstso)",
                n->name,
                n->id,
                n->driver,
                n->subnet,
                n->gateway,
                n->created_at,
                "local",
                path);
}

int bus_network_method_list(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        static const char *const predefined[] = {"bridge", "host", "none"};
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        UserNetwork **l = NULL;
        int r;

        r = bus_array_reply_new(msg, "(ssssstso)", &reply);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(predefined); i++) {
                NetworkInfo n = {};

                r = predefined_info(predefined[i], &n);
                if (r >= 0)
                        r = append_row(reply, &n);
                strv_free(n.options);
        }
        if (r >= 0)
                r = user_network_list(m->state_dir, &l);
        for (UserNetwork **u = l; r >= 0 && u && *u; u++) {
                NetworkInfo n = {};

                r = user_info(*u, &n);
                if (r >= 0)
                        r = append_row(reply, &n);
                strv_free(n.options);
        }
        user_network_list_free(l);
        if (r < 0)
                return r;
        return bus_array_reply_send(reply);
}

int bus_network_method_get(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(network_info_done) NetworkInfo n = {};
        _cleanup_free_ char *path = NULL;
        const char *name;
        int r;

        r = bus_read_string(msg, "name_or_id", &name, error);
        if (r < 0)
                return r;
        r = network_info_get(userdata, name, &n);
        if (r == -ENOENT || r == -EINVAL)
                return sd_bus_error_setf(error, BERTH_ERROR_NO_SUCH_NETWORK, "network %s not found", name);
        if (r < 0)
                return r;
        r = network_path(n.name, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "o", path);
}

static int remove_one(Manager *m, const char *name_or_id, sd_bus_error *error) {
        _cleanup_(network_info_done) NetworkInfo n = {};
        _cleanup_strv_free_ char **users = NULL;
        int r;

        r = network_info_get(m, name_or_id, &n);
        if (r == -ENOENT || r == -EINVAL)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_NO_SUCH_NETWORK, "network %s not found", name_or_id);
        if (r < 0)
                return r;
        if (!n.user)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_CONFLICT,
                        "%s is a pre-defined network and cannot be removed",
                        n.name);
        r = network_containers(m, n.name, true, &users);
        if (r < 0)
                return r;
        if (users)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_CONFLICT,
                        "error while removing network: network %s id %s has active endpoints",
                        n.name,
                        n.id);
        r = user_network_remove(m->state_dir, n.name);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to remove network %s: %m", n.name);
        log_info("Removed network %s.", n.name);
        emit_signal(m, "NetworkRemoved", n.name);
        manager_emit_event(m, "network", "destroy", n.id, "name", n.name, "type", "bridge", NULL);
        return 0;
}

int bus_network_method_remove(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *name;
        int r;

        r = bus_read_string(msg, "name_or_id", &name, error);
        if (r < 0)
                return r;
        r = remove_one(userdata, name, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, NULL);
}

int bus_network_method_prune(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **removed = NULL;
        Manager *m = userdata;
        UserNetwork **l = NULL;
        int r;

        r = user_network_list(m->state_dir, &l);
        if (r < 0)
                return r;
        for (UserNetwork **u = l; *u && r >= 0; u++) {
                _cleanup_strv_free_ char **users = NULL;
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

                r = network_containers(m, (*u)->name, true, &users);
                if (r < 0 || users)
                        continue;
                r = remove_one(m, (*u)->name, &e);
                if (r >= 0)
                        r = strv_extend(&removed, (*u)->name);
                else if (sd_bus_error_is_set(&e))
                        r = 0;
        }
        user_network_list_free(l);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, removed);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}
