/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "capabilities.h"
#include "capability-name.h"
#include "error-set.h"
#include "macro.h"

static inline void cap_freep(cap_t *c) {
        if (*c)
                cap_free(*c);
}
#define _cleanup_cap_ _cleanup_(cap_freep)

static const char *name_of(int cap, char buf[static CAPABILITY_NAME_MAX]) {
        if (capability_to_name(cap, buf) < 0)
                (void)snprintf(buf, CAPABILITY_NAME_MAX, "capability %d", cap);
        return buf;
}

int capabilities_check_available(const RuntimeCapabilities *caps, char **ret_error) {
        _cleanup_cap_ cap_t own = cap_get_proc();
        uint64_t wanted =
                caps->bounding | caps->effective | caps->permitted | caps->inheritable | caps->ambient;
        char name[CAPABILITY_NAME_MAX];

        if (!own)
                return -errno;
        for (int cap = 0; cap < 64; cap++) {
                cap_flag_value_t v = CAP_CLEAR;

                if (!(wanted & CAPABILITY_MASK(cap)))
                        continue;
                if (cap >= (int)cap_max_bits() ||
                    cap_get_flag(own, (cap_value_t)cap, CAP_PERMITTED, &v) < 0 || v != CAP_SET)
                        return error_set(
                                ret_error,
                                -EPERM,
                                "the container asks for %s, which berth-runtime does not have itself (it "
                                "is not in the runtime's bounding set)",
                                name_of(cap, name));
        }
        return 0;
}

int capabilities_apply_bounding(const RuntimeCapabilities *caps, char **ret_error) {
        char name[CAPABILITY_NAME_MAX];

        for (int cap = 0; cap < (int)cap_max_bits(); cap++) {
                if ((caps->bounding & CAPABILITY_MASK(cap)) || cap_get_bound((cap_value_t)cap) != 1)
                        continue;
                if (cap_drop_bound((cap_value_t)cap) < 0) {
                        int error = errno; /* before name_of() */
                        return error_set(
                                ret_error,
                                -error,
                                "dropping %s from the bounding set: %s",
                                name_of(cap, name),
                                strerror(error));
                }
        }
        if (cap_reset_ambient() < 0)
                return error_set(
                        ret_error, -errno, "clearing the ambient capabilities: %s", strerror(errno));
        return 0;
}

static int set_flag(cap_t c, cap_flag_t flag, uint64_t mask) {
        for (int cap = 0; cap < 64; cap++) {
                cap_value_t v = (cap_value_t)cap;
                if ((mask & CAPABILITY_MASK(cap)) && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
                        return -errno;
        }
        return 0;
}

int capabilities_apply_sets(const RuntimeCapabilities *caps, uid_t uid, char **ret_error) {
        _cleanup_cap_ cap_t c = cap_init();
        char name[CAPABILITY_NAME_MAX];
        int r;

        if (!c)
                return -ENOMEM;
        r = set_flag(c, CAP_EFFECTIVE, caps->effective);
        if (r >= 0)
                r = set_flag(c, CAP_PERMITTED, caps->permitted);
        if (r >= 0 && uid == 0)
                r = set_flag(c, CAP_INHERITABLE, caps->inheritable);
        if (r < 0)
                return error_set(ret_error, r, "capabilities: %s", strerror(-r));
        if (cap_set_proc(c) < 0)
                return error_set(ret_error, -errno, "setting the capabilities: %s", strerror(errno));

        if (uid != 0)
                return 0;
        for (int cap = 0; cap < 64; cap++)
                if ((caps->ambient & CAPABILITY_MASK(cap)) &&
                    cap_set_ambient((cap_value_t)cap, CAP_SET) < 0) {
                        int error = errno; /* before name_of() */
                        return error_set(
                                ret_error,
                                -error,
                                "raising the ambient capability %s: %s",
                                name_of(cap, name),
                                strerror(error));
                }
        return 0;
}

int capabilities_raise_effective(void) {
        _cleanup_cap_ cap_t c = cap_get_proc();

        if (!c)
                return -errno;
        if (cap_fill(c, CAP_EFFECTIVE, CAP_PERMITTED) < 0 || cap_set_proc(c) < 0)
                return -errno;
        return 0;
}
