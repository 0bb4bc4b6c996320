/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosts-file.h"
#include "strv.h"

#define HOSTS_LOCALHOST                                                                                     \
        "127.0.0.1\tlocalhost\n"                                                                            \
        "::1\tlocalhost ip6-localhost ip6-loopback\n"                                                       \
        "fe00::0\tip6-localnet\n"                                                                           \
        "ff00::0\tip6-mcastprefix\n"                                                                        \
        "ff02::1\tip6-allnodes\n"                                                                           \
        "ff02::2\tip6-allrouters\n"

static bool ip_valid(const char *s) {
        unsigned char buf[sizeof(struct in6_addr)];

        return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static bool hostname_valid(const char *s, size_t len) {
        if (len == 0 || len > 253)
                return false;
        for (size_t i = 0; i < len; i++)
                if (s[i] <= ' ' || s[i] == '#' || s[i] == ':' || s[i] == '/' || (unsigned char)s[i] >= 0x7f)
                        return false;
        return true;
}

int extra_host_validate_name(const char *s) {
        return hostname_valid(s, strlen(s)) ? 0 : -EINVAL;
}

int extra_host_validate(const char *s) {
        const char *colon = strchr(s, ':');

        if (!colon || !hostname_valid(s, (size_t)(colon - s)))
                return -EINVAL;
        return streq(colon + 1, "host-gateway") || ip_valid(colon + 1) ? 0 : -EINVAL;
}

int dns_server_validate(const char *s) {
        return ip_valid(s) ? 0 : -EINVAL;
}

static int append(char **s, size_t *len, const char *format, ...) _printf_(3, 4);
static int append(char **s, size_t *len, const char *format, ...) {
        _cleanup_free_ char *t = NULL;
        va_list ap;
        char *n;
        int k;

        va_start(ap, format);
        k = vasprintf(&t, format, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        n = realloc(*s, *len + (size_t)k + 1);
        if (!n)
                return -ENOMEM;
        memcpy(n + *len, t, (size_t)k + 1);
        *s = n;
        *len += (size_t)k;
        return 0;
}

int hosts_file_build(
        const char *ip,
        const char *gateway,
        const char *hostname,
        char *const *names,
        char *const *extra_hosts,
        char **ret) {
        _cleanup_free_ char *s = strdup(HOSTS_LOCALHOST);
        size_t len = STRLEN(HOSTS_LOCALHOST);
        int r;

        if (!s)
                return -ENOMEM;
        STRV_FOREACH (e, (char **)extra_hosts) {
                const char *colon = strchr(*e, ':'), *addr;

                if (!colon)
                        return -EINVAL;
                addr = colon + 1;
                if (streq(addr, "host-gateway")) {
                        if (!gateway)
                                continue;
                        addr = gateway;
                }
                r = append(&s, &len, "%s\t%.*s\n", addr, (int)(colon - *e), *e);
                if (r < 0)
                        return r;
        }
        r = append(&s, &len, "%s\t%s", ip ?: "127.0.0.1", hostname);
        if (r < 0)
                return r;
        STRV_FOREACH (n, (char **)names)
                if (!streq(*n, hostname) && (r = append(&s, &len, " %s", *n)) < 0)
                        return r;
        r = append(&s, &len, "\n");
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

static bool nameserver_is_loopback(const char *addr) {
        struct in_addr a4;
        struct in6_addr a6;

        if (inet_pton(AF_INET, addr, &a4) == 1)
                return (ntohl(a4.s_addr) >> 24) == 127;
        return inet_pton(AF_INET6, addr, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

int resolv_conf_build(const char *host_text, char *const *dns, bool keep_loopback, char **ret) {
        _cleanup_free_ char *s = strdup(""), *copy = strdup(host_text ?: "");
        size_t len = 0;
        bool any = false;
        char *line, *save = NULL;
        int r;

        if (!s || !copy)
                return -ENOMEM;
        for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char addr[64];

                if (sscanf(line, " nameserver %63s", addr) == 1) {
                        if (dns || (!keep_loopback && nameserver_is_loopback(addr)))
                                continue;
                        any = true;
                }
                r = append(&s, &len, "%s\n", line);
                if (r < 0)
                        return r;
        }
        STRV_FOREACH (d, (char **)dns) {
                r = append(&s, &len, "nameserver %s\n", *d);
                if (r < 0)
                        return r;
                any = true;
        }
        if (!any && (r = append(&s, &len, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n")) < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}
