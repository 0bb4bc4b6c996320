/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "hosts-file.h"
#include "log.h"
#include "network-members.h"
#include "strv.h"

void network_members_free(NetworkState *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                network_state_done(&l[i]);
        free(l);
}

/* The state files of all running containers, with their ids. */
typedef struct Running {
        char id[65];
        NetworkState state;
} Running;

static void running_free(Running *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                network_state_done(&l[i].state);
        free(l);
}

static int running_load(Running **ret, size_t *ret_n) {
        _cleanup_closedir_ DIR *d = opendir(BERTH_RUN_DIR "/network/containers");
        Running *l = NULL;
        size_t n = 0;
        struct dirent *de;

        *ret = NULL;
        *ret_n = 0;
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                _cleanup_(network_state_done) NetworkState s = {};
                size_t len = strlen(de->d_name);
                Running *t;

                if (len != 64 + 5 || !streq(de->d_name + 64, ".json"))
                        continue;
                de->d_name[64] = 0;
                if (network_state_load(BERTH_RUN_DIR, de->d_name, &s) < 0)
                        continue;
                t = realloc(l, (n + 1) * sizeof(Running));
                if (!t) {
                        running_free(l, n);
                        return -ENOMEM;
                }
                l = t;
                memcpy(l[n].id, de->d_name, 65);
                l[n++].state = s;
                s = (NetworkState){};
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

/* The address of s on network (its first network or one it was connected to), or NULL. */
static const char *address_on(const NetworkState *s, const char *network) {
        const NetworkEndpoint *e;

        if (streq_ptr(s->network, network))
                return s->ip;
        e = network ? network_state_find_endpoint(s, network) : NULL;
        return e ? e->ip : NULL;
}

int network_members(const char *network, NetworkState **ret, size_t *ret_n) {
        Running *all = NULL;
        NetworkState *l = NULL;
        size_t n_all = 0, n = 0;
        int r;

        r = running_load(&all, &n_all);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n_all; i++) {
                const NetworkEndpoint *e = network_state_find_endpoint(&all[i].state, network ?: "");
                NetworkState *t;

                if (!streq_ptr(all[i].state.network, network) && !e)
                        continue;
                t = realloc(l, (n + 1) * sizeof(NetworkState));
                if (!t) {
                        r = -ENOMEM;
                        break;
                }
                l = t;
                l[n] = (NetworkState){};
                if (streq_ptr(all[i].state.network, network)) {
                        /* Its first network: the state as it is. */
                        l[n++] = all[i].state;
                        all[i].state = (NetworkState){};
                        continue;
                }
                /* A network it was connected to: that endpoint as its state. */
                l[n].network = strdup(e->network);
                l[n].bundle = all[i].state.bundle ? strdup(all[i].state.bundle) : NULL;
                memcpy(l[n].ip, e->ip, sizeof(e->ip));
                memcpy(l[n].gateway, e->gateway, sizeof(e->gateway));
                memcpy(l[n].mac, e->mac, sizeof(e->mac));
                memcpy(l[n].bridge, e->bridge, sizeof(e->bridge));
                l[n].prefixlen = e->prefixlen;
                if (!l[n++].network) {
                        r = -ENOMEM;
                        break;
                }
        }
        running_free(all, n_all);
        if (r < 0) {
                network_members_free(l, n);
                return r;
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

static int write_in_place(const char *path, const char *s) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);

        if (fd < 0)
                return -errno;
        return loop_write(fd, s, strlen(s));
}

/* The names of a container on network: its name and aliases on its first network, its name and the
 * aliases of that attachment on one it was connected to. */
static int names_on(const NetworkConfig *config, const char *network, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        const NetworkAttachment *a = network_config_find_attachment(config, network);

        if (!config->detached && streq_ptr(config->network, network)) {
                l = strv_copy(config->names);
                if (!l && config->names)
                        return -ENOMEM;
        } else if (config->names && config->names[0] && strv_extend(&l, config->names[0]) < 0)
                return -ENOMEM;
        STRV_FOREACH (alias, a ? a->aliases : NULL)
                if (strv_extend(&l, *alias) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

/* The user networks of a container: its first network (when not the default bridge) and those it was
 * connected to (but the default bridge, which resolves no names). */
static int state_networks(const NetworkState *s, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        if (s->network && strv_extend(&l, s->network) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_connected; i++)
                if (!streq(s->connected[i].network, "bridge") &&
                    strv_extend(&l, s->connected[i].network) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

/* Rewrites the hosts file of all[k]: its own lines, then one line per container sharing a user network
 * with it, with its address on that network, name and aliases there. */
static int hosts_write(const Running *all, size_t n, size_t k) {
        _cleanup_(network_config_done) NetworkConfig config = {};
        _cleanup_free_ char *hosts = NULL, *path = NULL;
        _cleanup_strv_free_ char **networks = NULL;
        _cleanup_close_ int bundle_fd = -EBADF;
        const NetworkState *self = &all[k].state;
        const char *own_ip = self->ip, *gateway = self->gateway;
        int r;

        if (!self->bundle)
                return 0;
        bundle_fd = open(self->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (bundle_fd < 0 || network_config_load(bundle_fd, &config) < 0)
                return 0;
        /* Without an address on its first network (it left that), its own line has the one of the first
         * network it was connected to, or loopback's. */
        if (!self->ip[0] && self->n_connected > 0) {
                own_ip = self->connected[0].ip;
                gateway = self->connected[0].gateway;
        } else if (!self->ip[0])
                own_ip = gateway = NULL;
        r = hosts_file_build(own_ip, gateway, config.hostname, config.names, config.extra_hosts, &hosts);
        if (r >= 0)
                r = state_networks(self, &networks);
        STRV_FOREACH (network, networks)
                for (size_t j = 0; r >= 0 && j < n; j++) {
                        _cleanup_(network_config_done) NetworkConfig other = {};
                        _cleanup_strv_free_ char **l = NULL;
                        _cleanup_close_ int other_fd = -EBADF;
                        _cleanup_free_ char *names = NULL;
                        const char *ip = address_on(&all[j].state, *network);
                        char *t;

                        if (j == k || !ip || !all[j].state.bundle)
                                continue;
                        other_fd = open(all[j].state.bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (other_fd < 0 || network_config_load(other_fd, &other) < 0)
                                continue;
                        r = names_on(&other, *network, &l);
                        if (r < 0)
                                break;
                        names = strv_join(l, " ");
                        if (!names || asprintf(&t, "%s%s\t%s\n", hosts, ip, names) < 0) {
                                r = -ENOMEM;
                                break;
                        }
                        free(hosts);
                        hosts = t;
                }
        if (r >= 0 && asprintf(&path, "%s/hosts", self->bundle) < 0)
                r = -ENOMEM;
        if (r >= 0)
                r = write_in_place(path, hosts);
        if (r < 0)
                return log_warning_errno(r, "Failed to update the hosts file of %s: %m", self->bundle);
        return 0;
}

int network_hosts_refresh(const char *network) {
        Running *all = NULL;
        size_t n = 0;
        int r, ret = 0;

        r = running_load(&all, &n);
        if (r < 0)
                return log_error_errno(r, "Failed to list the containers of network %s: %m", network);
        for (size_t i = 0; i < n; i++)
                if (address_on(&all[i].state, network) && (r = hosts_write(all, n, i)) < 0)
                        ret = r;
        running_free(all, n);
        return ret;
}

int container_hosts_refresh(const char *id) {
        Running *all = NULL;
        size_t n = 0;
        int r;

        r = running_load(&all, &n);
        if (r < 0)
                return log_error_errno(r, "Failed to list the running containers: %m");
        for (size_t i = 0; i < n; i++)
                if (streq(all[i].id, id))
                        r = hosts_write(all, n, i);
        running_free(all, n);
        return r;
}
