/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "error-set.h"
#include "fileio.h"
#include "json-util.h"
#include "network-store.h"
#include "strv.h"

#define NETWORK_FILE_MAX (64U * 1024U)

UserNetwork *user_network_free(UserNetwork *n) {
        if (n)
                free(n->name);
        free(n);
        return NULL;
}

void user_network_list_free(UserNetwork **l) {
        for (UserNetwork **n = l; n && *n; n++)
                user_network_free(*n);
        free(l);
}

bool network_name_is_predefined(const char *name) {
        return streq(name, "bridge") || streq(name, "host") || streq(name, "none") || streq(name, "default");
}

bool network_name_is_valid(const char *name) {
        size_t n = strlen(name);

        if (n == 0 || n > 64 || network_name_is_predefined(name))
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

                if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
                        return false;
        }
        return true;
}

int subnet_to_bip(const Subnet *s, char ret[static 20]) {
        char ip[16];

        ip_to_string(s->gateway, ip);
        snprintf(ret, 20, "%s/%u", ip, s->prefixlen);
        return 0;
}

int subnet_to_string(const Subnet *s, char ret[static 20]) {
        char ip[16];

        ip_to_string(s->network, ip);
        snprintf(ret, 20, "%s/%u", ip, s->prefixlen);
        return 0;
}

bool subnets_overlap(const Subnet *a, const Subnet *b) {
        unsigned p = MIN(a->prefixlen, b->prefixlen);
        uint32_t mask = ~0U << (32 - p);

        return (a->network & mask) == (b->network & mask);
}

static int parse_ip(const char *s, uint32_t *ret) {
        struct in_addr a;

        if (inet_pton(AF_INET, s, &a) != 1)
                return -EINVAL;
        *ret = ntohl(a.s_addr);
        return 0;
}

/* "10.1.0.0/24": the network address with its prefix, 8 to 30. */
static int parse_subnet(const char *s, Subnet *ret) {
        char buf[INET_ADDRSTRLEN];
        const char *slash = strchr(s, '/');
        char *end;
        unsigned long prefix;
        uint32_t ip, mask;

        if (!slash || (size_t)(slash - s) >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, s, (size_t)(slash - s));
        buf[slash - s] = 0;
        if (parse_ip(buf, &ip) < 0)
                return -EINVAL;
        errno = 0;
        prefix = strtoul(slash + 1, &end, 10);
        if (errno != 0 || *end != 0 || end == slash + 1 || prefix < 8 || prefix > 30)
                return -EINVAL;
        mask = ~0U << (32 - prefix);
        *ret = (Subnet){.network = ip & mask, .prefixlen = (unsigned)prefix, .gateway = (ip & mask) + 1};
        return 0;
}

static int network_path(const char *state_dir, const char *name, char **ret) {
        return asprintf(ret, "%s/networks/%s.json", state_dir, name) < 0 ? -ENOMEM : 0;
}

static int network_from_json(const cJSON *o, UserNetwork **ret) {
        _cleanup_(user_network_freep) UserNetwork *n = calloc(1, sizeof(UserNetwork));
        const char *name = json_get_string(o, "Name"), *id = json_get_string(o, "Id"),
                   *bip = json_get_string(o, "Bip"), *mtu;

        if (!n)
                return -ENOMEM;
        if (!name || !network_name_is_valid(name) || !id || strlen(id) != 64 ||
            strspn(id, "0123456789abcdef") != 64 || !bip || subnet_parse_bip(bip, &n->subnet) < 0)
                return -EINVAL;
        n->name = strdup(name);
        if (!n->name)
                return -ENOMEM;
        memcpy(n->id, id, 65);
        n->created_at = (uint64_t)MAX(json_get_integer(o, "Created", 0), 0);
        n->subnet_configured = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "SubnetConfigured"));
        snprintf(n->bridge, sizeof(n->bridge), "br-%.12s", id);
        mtu = json_get_string(cJSON_GetObjectItemCaseSensitive(o, "Options"), NETWORK_OPTION_MTU);
        if (mtu && mtu_parse(mtu, &n->mtu, NULL) < 0)
                return -EINVAL;
        *ret = TAKE_PTR(n);
        return 0;
}

int user_network_options(const UserNetwork *n, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        char mtu[12];

        if (n->mtu > 0) {
                snprintf(mtu, sizeof(mtu), "%u", n->mtu);
                if (strv_extend(&l, NETWORK_OPTION_MTU) < 0 || strv_extend(&l, mtu) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

/* The driver's options of network create (-o): NETWORK_OPTION_MTU, which goes into *ret_mtu. */
static int options_parse(char *const *options, unsigned *ret_mtu, char **ret_error) {
        *ret_mtu = 0;
        for (char *const *p = options; p && p[0] && p[1]; p += 2) {
                int r;

                if (!streq(p[0], NETWORK_OPTION_MTU))
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "unsupported network option %s: berth's bridge driver "
                                "takes " NETWORK_OPTION_MTU " only",
                                p[0]);
                r = mtu_parse(p[1], ret_mtu, ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int load_one(const char *state_dir, const char *name, UserNetwork **ret) {
        _cleanup_free_ char *path = NULL;
        _cleanup_json_ cJSON *o = NULL;
        int r;

        if (!network_name_is_valid(name))
                return -ENOENT;
        r = network_path(state_dir, name, &path);
        if (r < 0)
                return r;
        r = json_parse_file_at(AT_FDCWD, path, NETWORK_FILE_MAX, &o);
        if (r < 0)
                return r;
        return network_from_json(o, ret);
}

static int compare_names(const void *a, const void *b) {
        return strcmp((*(UserNetwork *const *)a)->name, (*(UserNetwork *const *)b)->name);
}

int user_network_list(const char *state_dir, UserNetwork ***ret) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        UserNetwork **l = NULL;
        size_t n = 0;
        struct dirent *de;

        if (asprintf(&dir, "%s/networks", state_dir) < 0)
                return -ENOMEM;
        l = calloc(1, sizeof(UserNetwork *));
        if (!l)
                return -ENOMEM;
        d = opendir(dir);
        if (!d) {
                if (errno != ENOENT) {
                        free(l);
                        return -errno;
                }
                *ret = l;
                return 0;
        }
        while ((de = readdir(d))) {
                _cleanup_free_ char *name = NULL;
                UserNetwork *net, **t;
                size_t len = strlen(de->d_name);

                if (len <= 5 || !streq(de->d_name + len - 5, ".json") || n >= USER_NETWORKS_MAX)
                        continue;
                name = strndup(de->d_name, len - 5);
                if (!name) {
                        user_network_list_free(l);
                        return -ENOMEM;
                }
                if (load_one(state_dir, name, &net) < 0)
                        continue;
                t = realloc(l, (n + 2) * sizeof(UserNetwork *));
                if (!t) {
                        user_network_free(net);
                        user_network_list_free(l);
                        return -ENOMEM;
                }
                l = t;
                l[n++] = net;
                l[n] = NULL;
        }
        qsort(l, n, sizeof(UserNetwork *), compare_names);
        *ret = l;
        return 0;
}

int user_network_get(const char *state_dir, const char *name_or_id, UserNetwork **ret) {
        UserNetwork **l = NULL, *found = NULL;
        size_t len = strlen(name_or_id);
        int r;

        r = load_one(state_dir, name_or_id, ret);
        if (r != -ENOENT && r != -EINVAL)
                return r;
        if (len == 0 || len > 64 || strspn(name_or_id, "0123456789abcdef") != len)
                return -ENOENT;
        r = user_network_list(state_dir, &l);
        if (r < 0)
                return r;
        for (UserNetwork **n = l; *n; n++)
                if (strncmp((*n)->id, name_or_id, len) == 0) {
                        if (found) {
                                user_network_list_free(l);
                                return -ENOENT;
                        }
                        found = *n;
                }
        r = found ? load_one(state_dir, found->name, ret) : -ENOENT;
        user_network_list_free(l);
        return r;
}

static bool overlaps_any(UserNetwork **l, const Subnet *taken, const Subnet *s) {
        if (taken && subnets_overlap(taken, s))
                return true;
        for (UserNetwork **n = l; n && *n; n++)
                if (subnets_overlap(&(*n)->subnet, s))
                        return true;
        return false;
}

/* Docker's default pools: 172.17-31.0.0/16, then 192.168.0.0/16 in /20s. */
static int pick_subnet(UserNetwork **l, const Subnet *taken, Subnet *ret) {
        for (uint32_t b = 18; b <= 31; b++) {
                Subnet s = {.network = (172U << 24) | (b << 16), .prefixlen = 16};

                s.gateway = s.network + 1;
                if (!overlaps_any(l, taken, &s)) {
                        *ret = s;
                        return 0;
                }
        }
        for (uint32_t c = 0; c < 256; c += 16) {
                Subnet s = {.network = (192U << 24) | (168U << 16) | (c << 8), .prefixlen = 20};

                s.gateway = s.network + 1;
                if (!overlaps_any(l, taken, &s)) {
                        *ret = s;
                        return 0;
                }
        }
        return -ENOSPC;
}

int user_network_create(
        const char *state_dir,
        const char *name,
        const char *subnet,
        const char *gateway,
        char *const *options,
        const Subnet *taken,
        uint64_t now_usec,
        UserNetwork **ret,
        char **ret_error) {
        _cleanup_(user_network_freep) UserNetwork *existing = NULL, *n = NULL;
        _cleanup_free_ char *path = NULL, *dir = NULL;
        _cleanup_json_ cJSON *o = NULL;
        UserNetwork **l = NULL;
        uint8_t raw[32];
        char bip[20];
        _cleanup_strv_free_ char **pairs = NULL;
        cJSON *opts;
        unsigned mtu;
        Subnet s;
        int r;

        if (network_name_is_predefined(name))
                return error_set(
                        ret_error, -EINVAL, "operation is not permitted on predefined %s network", name);
        if (!network_name_is_valid(name))
                return error_set(
                        ret_error,
                        -EINVAL,
                        "invalid network name \"%s\", only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                        name);
        r = load_one(state_dir, name, &existing);
        if (r >= 0)
                return error_set(ret_error, -EEXIST, "network with name %s already exists", name);
        if (gateway && !subnet)
                return error_set(ret_error, -EINVAL, "no matching subnet for gateway %s", gateway);
        r = options_parse(options, &mtu, ret_error);
        if (r < 0)
                return r;

        r = user_network_list(state_dir, &l);
        if (r < 0)
                return r;
        if (subnet) {
                if (parse_subnet(subnet, &s) < 0) {
                        user_network_list_free(l);
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "invalid subnet %s: an IPv4 CIDR with a prefix of 8 to 30",
                                subnet);
                }
                if (overlaps_any(l, taken, &s)) {
                        user_network_list_free(l);
                        return error_set(
                                ret_error, -EINVAL, "Pool overlaps with other one on this address space");
                }
                if (gateway) {
                        uint32_t g, mask = ~0U << (32 - s.prefixlen);

                        if (parse_ip(gateway, &g) < 0 || (g & mask) != s.network || (g & ~mask) == 0 ||
                            (g & ~mask) == ~mask) {
                                user_network_list_free(l);
                                return error_set(
                                        ret_error, -EINVAL, "no matching subnet for gateway %s", gateway);
                        }
                        s.gateway = g;
                }
        } else
                r = pick_subnet(l, taken, &s);
        user_network_list_free(l);
        if (r < 0)
                return error_set(
                        ret_error, r, "could not find an available, non-overlapping IPv4 address pool");

        n = calloc(1, sizeof(UserNetwork));
        if (!n || !(n->name = strdup(name)))
                return -ENOMEM;
        if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
                return -EIO;
        for (size_t i = 0; i < sizeof(raw); i++)
                snprintf(n->id + 2 * i, 3, "%02x", raw[i]);
        n->subnet = s;
        n->subnet_configured = subnet != NULL;
        n->created_at = now_usec;
        n->mtu = mtu;
        snprintf(n->bridge, sizeof(n->bridge), "br-%.12s", n->id);

        subnet_to_bip(&s, bip);
        o = cJSON_CreateObject();
        if (!o || !cJSON_AddStringToObject(o, "Name", name) || !cJSON_AddStringToObject(o, "Id", n->id) ||
            !cJSON_AddStringToObject(o, "Bip", bip) ||
            !cJSON_AddNumberToObject(o, "Created", (double)now_usec) ||
            (subnet && !cJSON_AddTrueToObject(o, "SubnetConfigured")))
                return -ENOMEM;
        /* Docker's shape: the options as strings. */
        opts = cJSON_AddObjectToObject(o, "Options");
        if (!opts || user_network_options(n, &pairs) < 0)
                return -ENOMEM;
        for (char **p = pairs; p && p[0] && p[1]; p += 2)
                if (!cJSON_AddStringToObject(opts, p[0], p[1]))
                        return -ENOMEM;
        if (asprintf(&dir, "%s/networks", state_dir) < 0)
                return -ENOMEM;
        r = mkdir_p(dir, 0700);
        if (r < 0)
                return r;
        r = network_path(state_dir, name, &path);
        if (r >= 0)
                r = json_write_file_atomic_at(AT_FDCWD, path, o);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(n);
        return 0;
}

int user_network_remove(const char *state_dir, const char *name) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (!network_name_is_valid(name))
                return -ENOENT;
        r = network_path(state_dir, name, &path);
        if (r < 0)
                return r;
        return unlink(path) < 0 ? -errno : 0;
}
