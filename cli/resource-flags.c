/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json-util.h"
#include "log.h"
#include "parse-size.h"
#include "resource-flags.h"

#define NANO_PER_UNIT INT64_C(1000000000)

/* The table's index of a flag. */
#define FIELD(flag) [(flag)-RESOURCE_FLAG_MEMORY]

static const struct {
        const char *key;  /* the CreateContainer/Update option, Docker's HostConfig field */
        const char *name; /* the flag, as Docker's errors name it */
        size_t offset;
} resource_fields[] = {
        FIELD(RESOURCE_FLAG_MEMORY) = {"Memory", "-m, --memory", offsetof(ResourceFlags, memory)},
        FIELD(RESOURCE_FLAG_MEMORY_SWAP) =
                {"MemorySwap", "--memory-swap", offsetof(ResourceFlags, memory_swap)},
        FIELD(RESOURCE_FLAG_MEMORY_RESERVATION) =
                {"MemoryReservation", "--memory-reservation", offsetof(ResourceFlags, memory_reservation)},
        FIELD(RESOURCE_FLAG_CPUS) = {"NanoCpus", "--cpus", offsetof(ResourceFlags, nano_cpus)},
        FIELD(RESOURCE_FLAG_CPU_SHARES) =
                {"CpuShares", "-c, --cpu-shares", offsetof(ResourceFlags, cpu_shares)},
        FIELD(RESOURCE_FLAG_CPU_QUOTA) = {"CpuQuota", "--cpu-quota", offsetof(ResourceFlags, cpu_quota)},
        FIELD(RESOURCE_FLAG_CPU_PERIOD) = {"CpuPeriod", "--cpu-period", offsetof(ResourceFlags, cpu_period)},
        FIELD(RESOURCE_FLAG_CPUSET_CPUS) = {"CpusetCpus", "--cpuset-cpus", 0},
        FIELD(RESOURCE_FLAG_PIDS_LIMIT) = {"PidsLimit", "--pids-limit", offsetof(ResourceFlags, pids_limit)},
        FIELD(RESOURCE_FLAG_BLKIO_WEIGHT) =
                {"BlkioWeight", "--blkio-weight", offsetof(ResourceFlags, blkio_weight)},
};

void resource_flags_done(ResourceFlags *f) {
        free(f->cpuset_cpus);
        *f = (ResourceFlags){};
}

/* A decimal number "d*[.d*]" at *p, with at least one digit: its integer and fraction digits. */
static int read_decimal(
        const char **p, const char **ret_int, size_t *ret_nint, const char **ret_frac, size_t *ret_nfrac) {
        const char *s = *p;
        size_t ni, nf = 0;

        ni = strspn(s, "0123456789");
        *ret_int = s;
        s += ni;
        if (*s == '.') {
                nf = strspn(s + 1, "0123456789");
                s += 1;
        }
        *ret_frac = s;
        s += nf;
        if (ni + nf == 0)
                return -EINVAL;
        *ret_nint = ni;
        *ret_nfrac = nf;
        *p = s;
        return 0;
}

int parse_nano_cpus(const char *s, int64_t *ret) {
        const char *p, *digits, *frac;
        size_t ni, nf;
        int64_t v = 0, f = 0, scale = NANO_PER_UNIT;
        bool negative;

        if (!s)
                return -EINVAL;
        negative = s[0] == '-';
        p = s + (s[0] == '-' || s[0] == '+');
        if (read_decimal(&p, &digits, &ni, &frac, &nf) < 0 || *p)
                return -EINVAL;
        for (size_t i = 0; i < ni; i++) {
                if (v > (INT64_MAX / NANO_PER_UNIT - 9) / 10)
                        return -ERANGE;
                v = v * 10 + (digits[i] - '0');
        }
        for (size_t i = 0; i < nf; i++) {
                if (i >= 9) {
                        if (frac[i] != '0')
                                return -EDOM;
                        continue;
                }
                scale /= 10;
                f += (frac[i] - '0') * scale;
        }
        v = v * NANO_PER_UNIT + f;
        *ret = negative ? -v : v;
        return 0;
}

static int parse_int64(const char *s, int64_t *ret) {
        char *end;
        long long v;

        if (isempty(s) || isspace((unsigned char)s[0]))
                return -EINVAL;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno != 0)
                return -errno;
        if (*end)
                return -EINVAL;
        *ret = v;
        return 0;
}

int resource_flags_parse(ResourceFlags *f, int flag, const char *arg) {
        unsigned i = (unsigned)(flag - RESOURCE_FLAG_MEMORY);
        uint64_t size;
        int64_t v = 0;
        int r;

        if (flag < RESOURCE_FLAG_MEMORY || flag > _RESOURCE_FLAG_LAST)
                return -EINVAL;

        switch (flag) {
        case RESOURCE_FLAG_MEMORY:
        case RESOURCE_FLAG_MEMORY_SWAP:
        case RESOURCE_FLAG_MEMORY_RESERVATION:
                /* Only --memory-swap takes -1, for unlimited swap. */
                if (flag == RESOURCE_FLAG_MEMORY_SWAP && streq(arg, "-1")) {
                        v = -1;
                        break;
                }
                r = parse_size(arg, &size);
                v = (int64_t)size;
                if (r < 0)
                        return log_error_errno(
                                EINVAL,
                                "invalid argument \"%s\" for \"%s\" flag: invalid size: '%s'",
                                arg,
                                resource_fields[i].name,
                                arg);
                break;
        case RESOURCE_FLAG_CPUS:
                r = parse_nano_cpus(arg, &v);
                if (r == -EDOM)
                        return log_error_errno(
                                EINVAL,
                                "invalid argument \"%s\" for \"--cpus\" flag: value is too precise",
                                arg);
                if (r < 0)
                        return log_error_errno(
                                EINVAL,
                                "invalid argument \"%s\" for \"--cpus\" flag: failed to parse %s as a "
                                "rational "
                                "number",
                                arg,
                                arg);
                break;
        case RESOURCE_FLAG_CPUSET_CPUS: {
                char *c = strdup(arg);
                if (!c)
                        return log_oom();
                free(f->cpuset_cpus);
                f->cpuset_cpus = c;
                f->given |= 1U << i;
                return 0;
        }
        default:
                r = parse_int64(arg, &v);
                /* --blkio-weight is Docker's uint16. */
                if (r >= 0 && flag == RESOURCE_FLAG_BLKIO_WEIGHT && (v < 0 || v > UINT16_MAX))
                        r = -ERANGE;
                if (r < 0)
                        return log_error_errno(
                                EINVAL,
                                "invalid argument \"%s\" for \"%s\" flag: strconv.Parse%s: parsing \"%s\": "
                                "%s",
                                arg,
                                resource_fields[i].name,
                                flag == RESOURCE_FLAG_BLKIO_WEIGHT ? "Uint" : "Int",
                                arg,
                                r == -ERANGE ? "value out of range" : "invalid syntax");
                break;
        }
        *(int64_t *)((uint8_t *)f + resource_fields[i].offset) = v;
        f->given |= 1U << i;
        return 0;
}

int resource_flags_append(sd_bus_message *m, const ResourceFlags *f) {
        int r;

        for (unsigned i = 0; i < ELEMENTSOF(resource_fields); i++) {
                if (!(f->given & (1U << i)))
                        continue;
                if (i == RESOURCE_FLAG_CPUSET_CPUS - RESOURCE_FLAG_MEMORY)
                        r = sd_bus_message_append(m, "{sv}", resource_fields[i].key, "s", f->cpuset_cpus);
                else
                        r = sd_bus_message_append(
                                m,
                                "{sv}",
                                resource_fields[i].key,
                                "x",
                                *(const int64_t *)((const uint8_t *)f + resource_fields[i].offset));
                if (r < 0)
                        return r;
        }
        return 0;
}

int resource_inspect_json(const cJSON *p, cJSON *state, cJSON *host) {
        int64_t pids;

        for (size_t i = 0; i < ELEMENTSOF(resource_fields); i++) {
                const char *key = resource_fields[i].key;
                bool ok;

                if (streq(key, "CpusetCpus"))
                        ok = cJSON_AddStringToObject(host, key, json_get_string(p, key) ?: "");
                else if (streq(key, "PidsLimit")) {
                        /* Docker: null when there is no limit. */
                        pids = json_get_integer(p, key, 0);
                        ok = pids > 0 ? cJSON_AddNumberToObject(host, key, (double)pids) != NULL
                                      : cJSON_AddNullToObject(host, key) != NULL;
                } else
                        ok = cJSON_AddNumberToObject(host, key, (double)json_get_integer(p, key, 0));
                if (!ok)
                        return -ENOMEM;
        }
        if (!cJSON_ReplaceItemInObject(
                    state, "OOMKilled", cJSON_CreateBool(json_get_bool(p, "OOMKilled", false))))
                return -ENOMEM;
        return 0;
}
