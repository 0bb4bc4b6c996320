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

int network_members(const char *network, NetworkState **ret, size_t *ret_n) {
        _cleanup_closedir_ DIR *d = opendir(BERTH_RUN_DIR "/network/containers");
        NetworkState *l = NULL;
        size_t n = 0;
        struct dirent *de;

        if (!d)
                return errno == ENOENT ? (*ret = NULL, *ret_n = 0, 0) : -errno;
        while ((de = readdir(d))) {
                _cleanup_(network_state_done) NetworkState s = {};
                size_t len = strlen(de->d_name);
                NetworkState *t;

                if (len != 64 + 5 || !streq(de->d_name + 64, ".json"))
                        continue;
                de->d_name[64] = 0;
                if (network_state_load(BERTH_RUN_DIR, de->d_name, &s) < 0 || !streq_ptr(s.network, network))
                        continue;
                t = realloc(l, (n + 1) * sizeof(NetworkState));
                if (!t) {
                        network_members_free(l, n);
                        return -ENOMEM;
                }
                l = t;
                l[n++] = s;
                s = (NetworkState){};
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

int network_hosts_refresh(const char *network) {
        NetworkState *members = NULL;
        size_t n = 0;
        int r, ret = 0;

        r = network_members(network, &members, &n);
        if (r < 0)
                return log_error_errno(r, "Failed to list the containers of network %s: %m", network);
        for (size_t i = 0; i < n; i++) {
                _cleanup_(network_config_done) NetworkConfig config = {};
                _cleanup_free_ char *hosts = NULL, *path = NULL;
                _cleanup_close_ int bundle_fd = -EBADF;

                if (!members[i].bundle)
                        continue;
                bundle_fd = open(members[i].bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (bundle_fd < 0 || network_config_load(bundle_fd, &config) < 0)
                        continue;
                r = hosts_file_build(
                        members[i].ip,
                        members[i].gateway,
                        config.hostname,
                        config.names,
                        config.extra_hosts,
                        &hosts);
                for (size_t j = 0; r >= 0 && j < n; j++) {
                        _cleanup_(network_config_done) NetworkConfig other = {};
                        _cleanup_close_ int other_fd = -EBADF;
                        _cleanup_free_ char *names = NULL;
                        char *t;

                        if (j == i || !members[j].bundle)
                                continue;
                        other_fd = open(members[j].bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (other_fd < 0 || network_config_load(other_fd, &other) < 0)
                                continue;
                        names = strv_join(other.names, " ");
                        if (!names || asprintf(&t, "%s%s\t%s\n", hosts, members[j].ip, names) < 0) {
                                r = -ENOMEM;
                                break;
                        }
                        free(hosts);
                        hosts = t;
                }
                if (r >= 0 && asprintf(&path, "%s/hosts", members[i].bundle) < 0)
                        r = -ENOMEM;
                if (r >= 0)
                        r = write_in_place(path, hosts);
                if (r < 0)
                        ret = log_warning_errno(
                                r, "Failed to update the hosts file of %s: %m", members[i].bundle);
        }
        network_members_free(members, n);
        return ret;
}
