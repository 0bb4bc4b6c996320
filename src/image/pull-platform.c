/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "image-config.h"
#include "pull-platform.h"

#define PLATFORM_PART_MAX 64U

void platform_done(Platform *p) {
        free(p->os);
        free(p->architecture);
        free(p->variant);
        *p = (Platform){};
}

static const char *host_architecture(void) {
#if defined(__x86_64__)
        return "amd64";
#elif defined(__aarch64__)
        return "arm64";
#elif defined(__arm__)
        return "arm";
#elif defined(__i386__)
        return "386";
#elif defined(__s390x__)
        return "s390x";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        return "ppc64le";
#elif defined(__riscv) && __riscv_xlen == 64
        return "riscv64";
#else
#error "Unknown architecture: add its OCI name."
#endif
}

static bool part_is_valid(const char *s, size_t n) {
        if (n == 0 || n > PLATFORM_PART_MAX)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
                      s[i] == '-' || s[i] == '.'))
                        return false;
        return true;
}

int platform_parse(const char *s, Platform *ret) {
        static const char *const aliases[][3] = {
                /* alias, architecture, variant */
                {"x86_64", "amd64", NULL},
                {"x86-64", "amd64", NULL},
                {"aarch64", "arm64", NULL},
                {"armhf", "arm", "v7"},
                {"armel", "arm", "v6"},
                {"i386", "386", NULL},
        };
        _cleanup_(platform_done) Platform p = {};
        const char *parts[3] = {};
        size_t lengths[3] = {}, n = 0;

        if (isempty(s)) {
                p.os = strdup("linux");
                p.architecture = strdup(host_architecture());
                if (!p.os || !p.architecture)
                        return -ENOMEM;
                *ret = p;
                p = (Platform){};
                return 0;
        }
        for (const char *c = s;; n++) {
                size_t len = strcspn(c, "/");
                if (n >= 3 || !part_is_valid(c, len))
                        return -EINVAL;
                parts[n] = c;
                lengths[n] = len;
                if (c[len] == 0) {
                        n++;
                        break;
                }
                c += len + 1;
        }
        if (n < 2)
                return -EINVAL;
        p.os = strndup(parts[0], lengths[0]);
        p.architecture = strndup(parts[1], lengths[1]);
        if (n == 3 && !(p.variant = strndup(parts[2], lengths[2])))
                return -ENOMEM;
        if (!p.os || !p.architecture)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(aliases); i++)
                if (streq(p.architecture, aliases[i][0])) {
                        free(p.architecture);
                        p.architecture = strdup(aliases[i][1]);
                        if (!p.architecture)
                                return -ENOMEM;
                        if (!p.variant && aliases[i][2] && !(p.variant = strdup(aliases[i][2])))
                                return -ENOMEM;
                }
        *ret = p;
        p = (Platform){};
        return 0;
}

int platform_to_string(const Platform *p, char **ret) {
        int r = p->variant ? asprintf(ret, "%s/%s/%s", p->os, p->architecture, p->variant)
                           : asprintf(ret, "%s/%s", p->os, p->architecture);
        return r < 0 ? -ENOMEM : 0;
}

static bool variant_matches(const Platform *p, const OciDescriptor *d) {
        if (!p->variant)
                return true;
        /* arm64 lists often leave out the only variant there is. */
        if (!d->platform_variant)
                return streq(p->architecture, "arm64") && streq(p->variant, "v8");
        return streq(p->variant, d->platform_variant);
}

int platform_pick_manifest(const char *data, size_t size, const Platform *p, char **ret_digest) {
        OciDescriptor *d = NULL;
        size_t n = 0;
        int r;

        r = oci_index_parse(data, size, &d, &n);
        if (r < 0)
                return r;
        r = -ENOENT;
        for (size_t i = 0; i < n && r == -ENOENT; i++)
                if (streq_ptr(d[i].platform_os, p->os) &&
                    streq_ptr(d[i].platform_architecture, p->architecture) && variant_matches(p, &d[i])) {
                        *ret_digest = strdup(d[i].digest);
                        r = *ret_digest ? 0 : -ENOMEM;
                }
        oci_descriptors_free(d, n);
        return r;
}
