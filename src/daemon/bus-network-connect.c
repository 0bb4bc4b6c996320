/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "bus-errors.h"
#include "bus-network-connect.h"
#include "bus-network.h"
#include "bus-util.h"
#include "container-network-connect.h"
#include "container-network.h"
#include "events.h"
#include "log.h"
#include "manager.h"
#include "network-store.h"
#include "strv.h"
#include "worker.h"

typedef struct ConnectJob {
        Manager *manager;
        sd_bus_message *call;
        char *container_id;
        char *network;
        bool connect;
        bool force;
} ConnectJob;

static ConnectJob *connect_job_free(ConnectJob *j) {
        if (!j)
                return NULL;
        sd_bus_message_unref(j->call);
        free(j->container_id);
        free(j->network);
        free(j);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(ConnectJob *, connect_job_free);

static void emit_event(Manager *m, const Container *c, const char *network, bool connect) {
        char id[65];

        if (bus_network_id(m, network, id) >= 0)
                manager_emit_event(
                        m,
                        "network",
                        connect ? "connect" : "disconnect",
                        id,
                        "container",
                        c->id,
                        "name",
                        network,
                        "type",
                        "bridge",
                        NULL);
}

static int connect_run(void *userdata, char **ret_result) {
        ConnectJob *j = userdata;
        Container *c = manager_get_container_by_id(j->manager, j->container_id);

        if (!c)
                return -ENOENT;
        return container_network_run(c, j->connect ? "connect" : "disconnect", j->network);
}

static void connect_done(int error, const char *text, void *userdata) {
        _cleanup_(connect_job_freep) ConnectJob *j = userdata;
        Container *c = manager_get_container_by_id(j->manager, j->container_id);
        int r;

        if (c && ((j->connect && error < 0) || (!j->connect && (error >= 0 || j->force)))) {
                _cleanup_free_ char *message = NULL;

                /* network.json as it was before a failed connect, or without what was disconnected. */
                r = container_network_detach(c, j->network, &message);
                if (r < 0)
                        log_warning_errno(
                                r,
                                "Failed to update the network configuration of %s: %s",
                                c->name,
                                message ?: "");
        }
        if (error < 0 && !(j->force && !j->connect))
                r = sd_bus_reply_method_errorf(j->call, BERTH_ERROR_START_FAILED, "%s", text);
        else {
                if (c)
                        emit_event(j->manager, c, j->network, j->connect);
                r = sd_bus_reply_method_return(j->call, NULL);
        }
        if (r < 0)
                log_warning_errno(r, "Cannot answer %s: %m", j->connect ? "Connect" : "Disconnect");
}

/* The network a Network object's path names, and the container the call names. */
static int
call_targets(sd_bus_message *msg, Manager *m, char **ret_network, Container **ret, sd_bus_error *error) {
        _cleanup_(user_network_freep) UserNetwork *n = NULL;
        _cleanup_free_ char *network = NULL;
        const char *name;
        int r;

        r = sd_bus_path_decode(sd_bus_message_get_path(msg), BERTH_NETWORK_PREFIX, &network);
        if (r <= 0)
                return r < 0 ? r : sd_bus_error_set(error, BERTH_ERROR_NO_SUCH_NETWORK, "no such network");
        /* By its name, whatever the path says (an id or a prefix of one). */
        if (user_network_get(m->state_dir, network, &n) >= 0 && !streq(n->name, network)) {
                free(network);
                network = strdup(n->name);
                if (!network)
                        return -ENOMEM;
        }
        r = bus_read_string(msg, "container", &name, error);
        if (r < 0)
                return r;
        r = manager_find_container(m, name, ret);
        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_AMBIGUOUS, "Multiple IDs found with provided prefix: %s", name);
        if (r < 0)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_NO_SUCH_CONTAINER, "No such container: %s", name);
        *ret_network = TAKE_PTR(network);
        return 0;
}

static int reply_error(sd_bus_error *error, int r, const char *message, const char *what) {
        if (r == -ENOENT && message)
                return sd_bus_error_set(error, BERTH_ERROR_NO_SUCH_NETWORK, message);
        if (r == -EEXIST || r == -EADDRINUSE)
                return sd_bus_error_set(error, BERTH_ERROR_CONFLICT, message);
        if (r == -EINVAL)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, message);
        return sd_bus_error_set_errnof(error, r, "Failed to %s: %m", what);
}

/* Runs berth-network for a running container; answers the call when done. */
static int
job_start(Manager *m, sd_bus_message *msg, Container *c, char *network, bool connect, bool force) {
        _cleanup_(connect_job_freep) ConnectJob *j = NULL;
        Worker *w;
        int r;

        j = calloc(1, sizeof(ConnectJob));
        if (!j)
                return -ENOMEM;
        *j = (ConnectJob){.manager = m, .connect = connect, .force = force, .network = network};
        j->container_id = strdup(c->id);
        if (!j->container_id)
                return -ENOMEM;
        j->call = sd_bus_message_ref(msg);
        r = worker_start(m->event, connect_run, connect_done, j, &w);
        if (r < 0)
                return r;
        TAKE_PTR(j);
        return 1;
}

/* Connect's options: Docker's EndpointSettings.Aliases and IPAMConfig.IPv4Address. */
typedef struct ConnectOptions {
        char **aliases;
        char *ip;
} ConnectOptions;

static void connect_options_done(ConnectOptions *o) {
        strv_free(o->aliases);
        free(o->ip);
}

static int read_connect_option(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        ConnectOptions *o = userdata;
        int r;

        if (streq(key, "IPv4Address"))
                return bus_read_string_variant(m, key, &o->ip, error);
        if (!streq(key, "Aliases"))
                return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Unknown option: %s", key);
        r = sd_bus_message_enter_container(m, 'v', "as");
        if (r < 0)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s must be a string array", key);
        o->aliases = strv_free(o->aliases);
        r = bus_read_strv(m, key, &o->aliases, error);
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

int bus_network_method_connect(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(connect_options_done) ConnectOptions o = {};
        _cleanup_free_ char *network = NULL, *message = NULL;
        Manager *m = userdata;
        Container *c;
        int r;

        r = call_targets(msg, m, &network, &c, error);
        if (r < 0)
                return r;
        r = bus_read_dict(msg, read_connect_option, &o, error);
        if (r < 0)
                return r;
        r = container_network_attach(m->state_dir, c, network, o.aliases, o.ip, &message);
        if (r < 0)
                return reply_error(error, r, message, "connect the container");
        if (c->state == CONTAINER_RUNNING)
                return job_start(m, msg, c, TAKE_PTR(network), true, false);
        emit_event(m, c, network, true);
        return sd_bus_reply_method_return(msg, NULL);
}

int bus_network_method_disconnect(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *network = NULL, *message = NULL;
        _cleanup_strv_free_ char **networks = NULL;
        Manager *m = userdata;
        Container *c;
        int force, r;

        r = call_targets(msg, m, &network, &c, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(msg, "b", &force);
        if (r < 0)
                return r;
        r = container_network_list(c, &networks);
        if (r < 0)
                return r;
        /* Only berth-network's containers have interfaces to remove (not those on host or none). */
        if (c->state == CONTAINER_RUNNING && container_network_needs_setup(c) &&
            strv_contains(networks, network))
                return job_start(m, msg, c, TAKE_PTR(network), false, force);
        r = container_network_detach(c, network, &message);
        if (r < 0)
                return reply_error(error, r, message, "disconnect the container");
        emit_event(m, c, network, false);
        return sd_bus_reply_method_return(msg, NULL);
}
