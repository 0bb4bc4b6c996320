/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error-set.h"
#include "macro.h"
#include "runtime-spec-resources.h"
#include "runtime-spec.h"

/* Beyond this, a double no longer holds every integer: refused rather than rounded. */
#define TWO_TO_THE_53 9007199254740992.0

/* Refuses a member of o that is not in known: what berth-runtime does not apply must not pass silently. */
static int check_members(const cJSON *o, const char *const *known, const char *where, char **error) {
        const cJSON *e;

        cJSON_ArrayForEach (e, o) {
                bool found = false;

                for (const char *const *k = known; *k; k++)
                        found = found || streq(e->string, *k);
                if (!found)
                        return error_set(
                                error,
                                -EINVAL,
                                "%s%.64s: not supported (set through the unit)",
                                where,
                                e->string);
        }
        return 0;
}

static int get_object(const cJSON *o, const char *key, const char *where, const cJSON **ret, char **error) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        if (v && !cJSON_IsObject(v))
                return error_set(error, -EINVAL, "%s%s: must be an object", where, key);
        *ret = v;
        return 0;
}

/* A byte count, at least min (-1 or 1 for memory.swap, 0 for memory.reservation); absent is 0. */
static int get_bytes(const cJSON *o, const char *key, int64_t min, int64_t *ret, char **error) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        *ret = 0;
        if (!v)
                return 0;
        if (!cJSON_IsNumber(v) || v->valuedouble >= TWO_TO_THE_53 || v->valuedouble < (double)min ||
            v->valuedouble != (double)(int64_t)v->valuedouble ||
            (min < 0 && v->valuedouble > min && v->valuedouble < 1))
                return error_set(
                        error,
                        -EINVAL,
                        "linux.resources.memory.%s: must be %s",
                        key,
                        min < 0 ? "-1 or a positive number of bytes" : "a number of bytes");
        *ret = (int64_t)v->valuedouble;
        return 0;
}

/* A CPU list as the kernel's cpuset.cpus takes it: numbers, ranges, commas. The kernel checks the CPUs. */
static bool cpus_valid(const char *s) {
        size_t n = strlen(s);

        return n > 0 && n <= RUNTIME_SPEC_MAX_CPUS_LEN && strspn(s, "0123456789,-") == n;
}

int runtime_spec_parse_resources(const cJSON *lnx, RuntimeSpec *s, char **error) {
        static const char *const resources_known[] = {"memory", "cpu", NULL};
        static const char *const memory_known[] = {"swap", "reservation", NULL};
        static const char *const cpu_known[] = {"cpus", NULL};
        const cJSON *res = NULL, *memory = NULL, *cpu = NULL, *cpus;
        int r;

        r = get_object(lnx, "resources", "linux.", &res, error);
        if (r < 0 || !res)
                return r;
        r = check_members(res, resources_known, "linux.resources.", error);
        if (r < 0)
                return r;

        r = get_object(res, "memory", "linux.resources.", &memory, error);
        if (r >= 0 && memory)
                r = check_members(memory, memory_known, "linux.resources.memory.", error);
        if (r >= 0 && memory)
                r = get_bytes(memory, "swap", -1, &s->resources.memory_swap, error);
        if (r >= 0 && memory)
                r = get_bytes(memory, "reservation", 0, &s->resources.memory_reservation, error);
        if (r < 0)
                return r;

        r = get_object(res, "cpu", "linux.resources.", &cpu, error);
        if (r >= 0 && cpu)
                r = check_members(cpu, cpu_known, "linux.resources.cpu.", error);
        if (r < 0 || !cpu)
                return r;
        cpus = cJSON_GetObjectItemCaseSensitive(cpu, "cpus");
        if (!cpus)
                return 0;
        if (!cJSON_IsString(cpus) || !cpus_valid(cpus->valuestring))
                return error_set(
                        error, -EINVAL, "linux.resources.cpu.cpus: must be a list of CPUs (\"0-2,4\")");
        s->resources.cpuset_cpus = strdup(cpus->valuestring);
        return s->resources.cpuset_cpus ? 0 : -ENOMEM;
}

void runtime_spec_resources_done(RuntimeSpec *s) {
        free(s->resources.cpuset_cpus);
        s->resources = (RuntimeResources){};
}
