/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "container-network-connect.h"
#include "container-network.h"
#include "error-set.h"
#include "hosts-file.h"
#include "json-util.h"
#include "log.h"
#include "network-store.h"
#include "strv.h"

extern char **environ;

/* Docker's runconfig and libnetwork errors. */
#define ERROR_HOST_NETWORK "container cannot be disconnected from host network or connected to host network"
#define ERROR_SHARED_NETWORK                                                                                \
        "container sharing network namespace with another container or host cannot be connected to any "    \
        "other network"
#define ERROR_NONE_NETWORK                                                                                  \
        "container cannot be connected to multiple networks with one of the networks in private (none) "    \
        "mode"
#define ERROR_ALIAS_PREDEFINED                                                                              \
        "network-scoped alias is supported only for containers in user defined networks"

static int config_load(const Container *c, NetworkConfig *ret) {
        _cleanup_close_ int fd = open(c->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        return network_config_load(fd, ret);
}

static int config_save(const Container *c, const NetworkConfig *config) {
        _cleanup_json_ cJSON *o = NULL;
        _cleanup_close_ int fd = open(c->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r;

        if (fd < 0)
                return -errno;
        r = network_config_to_json(config, &o);
        if (r < 0)
                return r;
        return json_write_file_atomic_at(fd, NETWORK_CONFIG_FILE, o);
}

static const char *first_network(const Container *c) {
        return c->network_name ?: network_mode_to_string(c->network_mode);
}

int container_network_list(const Container *c, char ***ret) {
        _cleanup_(network_config_done) NetworkConfig config = {};
        _cleanup_strv_free_ char **l = NULL;

        /* A bundle without network.json (being removed) is on its first network only. */
        if (config_load(c, &config) < 0)
                config = (NetworkConfig){};
        if (!config.detached && strv_extend(&l, first_network(c)) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < config.n_connected; i++)
                if (strv_extend(&l, config.connected[i].network) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

/* The default bridge as a network to connect to: its subnet from daemon.json, berth0. */
static int bridge_attachment(const char *ip, char **aliases, NetworkAttachment *ret, char **ret_error) {
        Subnet s;
        char bip[20];
        int r;

        if (ip)
                return error_set(ret_error, -EINVAL, CONTAINER_NETWORK_ERROR_IP_PREDEFINED);
        if (aliases)
                return error_set(ret_error, -EINVAL, ERROR_ALIAS_PREDEFINED);
        r = container_network_default_subnet(&s);
        if (r < 0)
                return error_set(
                        ret_error, r, "Failed to read " CONTAINER_NETWORK_DAEMON_JSON ": %s", strerror(-r));
        subnet_to_bip(&s, bip);
        *ret = (NetworkAttachment){
                .network = strdup("bridge"), .bip = strdup(bip), .bridge = strdup(NETWORK_BRIDGE_NAME)};
        return ret->network && ret->bip && ret->bridge ? 0 : -ENOMEM;
}

static int user_attachment(
        const char *state_dir,
        const char *network,
        const char *ip,
        char **aliases,
        NetworkAttachment *ret,
        char **ret_error) {
        _cleanup_(user_network_freep) UserNetwork *n = NULL;
        char bip[20];
        int r;

        r = user_network_get(state_dir, network, &n);
        if (r == -ENOENT)
                return error_set(ret_error, -ENOENT, "network %s not found", network);
        if (r < 0)
                return r;
        STRV_FOREACH (alias, aliases)
                if (extra_host_validate_name(*alias) < 0)
                        return error_set(ret_error, -EINVAL, "invalid network alias: %s", *alias);
        if (ip &&
            (r = container_network_requested_address(&n->subnet, n->subnet_configured, ip, ret_error)) < 0)
                return r;
        subnet_to_bip(&n->subnet, bip);
        *ret = (NetworkAttachment){
                .network = strdup(n->name),
                .bip = strdup(bip),
                .bridge = strdup(n->bridge),
                .mtu = n->mtu,
                .aliases = strv_copy(aliases),
                .ip = ip ? strdup(ip) : NULL,
        };
        if (!ret->network || !ret->bip || !ret->bridge || (aliases && !ret->aliases) || (ip && !ret->ip))
                return -ENOMEM;
        return 0;
}

int container_network_attach(
        const char *state_dir,
        const Container *c,
        const char *network,
        char **aliases,
        const char *ip,
        char **ret_error) {
        _cleanup_(network_config_done) NetworkConfig config = {};
        _cleanup_(network_attachment_done) NetworkAttachment a = {};
        int r;

        if (streq(network, "host"))
                return error_set(ret_error, -EINVAL, ERROR_HOST_NETWORK);
        if (c->network_mode == NETWORK_MODE_HOST)
                return error_set(ret_error, -EINVAL, ERROR_SHARED_NETWORK);
        if (streq(network, "none") || c->network_mode == NETWORK_MODE_NONE)
                return error_set(ret_error, -EINVAL, ERROR_NONE_NETWORK);
        r = streq(network, "bridge") ? bridge_attachment(ip, aliases, &a, ret_error)
                                     : user_attachment(state_dir, network, ip, aliases, &a, ret_error);
        if (r < 0)
                return r;

        r = config_load(c, &config);
        if (r < 0)
                return r;
        /* Back on the network it was created on after it left that: as one connected to later. */
        if ((!config.detached && streq(first_network(c), a.network)) ||
            network_config_find_attachment(&config, a.network))
                return error_set(
                        ret_error,
                        -EEXIST,
                        "endpoint with name %s already exists in network %s",
                        c->name,
                        a.network);
        r = network_config_add_attachment(&config, &a);
        if (r < 0)
                return r;
        return config_save(c, &config);
}

int container_network_detach(const Container *c, const char *network, char **ret_error) {
        _cleanup_(network_config_done) NetworkConfig config = {};
        int r;

        if (c->network_mode == NETWORK_MODE_HOST || streq(network, "host"))
                return error_set(ret_error, -EINVAL, ERROR_HOST_NETWORK);
        if (c->network_mode == NETWORK_MODE_NONE && streq(network, "none"))
                return error_set(
                        ret_error,
                        -EINVAL,
                        "berth cannot disconnect container %s from the none network",
                        c->name);
        r = config_load(c, &config);
        if (r < 0)
                return r;
        /* Off the network it was created on: it starts without eth0 from now on, as in Docker. */
        if (!config.detached && streq(network, first_network(c)) && c->network_mode == NETWORK_MODE_BRIDGE) {
                config.detached = true;
                return config_save(c, &config);
        }
        if (!network_config_find_attachment(&config, network))
                return error_set(
                        ret_error, -ENOENT, "container %s is not connected to network %s", c->id, network);
        network_config_remove_attachment(&config, network);
        return config_save(c, &config);
}

int container_network_run(const Container *c, const char *verb, const char *network) {
        _cleanup_free_ char *error = NULL;
        char *argv[] = {(char *)BERTH_NETWORK_PATH, (char *)verb, c->bundle, (char *)network, NULL};
        pid_t pid;
        int r, status;

        r = posix_spawn(&pid, BERTH_NETWORK_PATH, NULL, NULL, argv, environ);
        if (r != 0)
                return log_error_errno(-r, "Failed to run %s: %m", BERTH_NETWORK_PATH);
        if (waitpid(pid, &status, 0) < 0)
                return log_error_errno(errno, "Failed to wait for %s: %m", BERTH_NETWORK_PATH);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (container_network_start_error(c, &error) >= 0)
                return log_error_errno(-EIO, "%s", error);
        return log_error_errno(-EIO, "%s %s %s failed", BERTH_NETWORK_PATH, verb, network);
}
