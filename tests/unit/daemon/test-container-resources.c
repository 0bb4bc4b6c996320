/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "container-resources.h"
#include "container-state-file.h"
#include "container.h"
#include "json-util.h"
#include "macro.h"
#include "strv.h"

#define MB (INT64_C(1024) * 1024)

/* Two CPUs, 0 and 1, on a v1 or hybrid layout with swap accounting and a cpuset hierarchy, the same
 * without them, and with cgroup v2. */
static const ResourceHost host2 = {.n_cpus = 2, .cpus = {0x03}, .v1_memsw = true, .v1_cpuset = true};
static const ResourceHost host2_bare = {.n_cpus = 2, .cpus = {0x03}};
static const ResourceHost host2_v2 = {.n_cpus = 2, .cpus = {0x03}, .cgroup_unified = true};

/* On cgroup v2, where nothing is discarded. */
static int
resolve(const ContainerResources *current,
        const ContainerResourcesOptions *o,
        ContainerResources *ret,
        char **ret_error) {
        _cleanup_strv_free_ char **warnings = NULL;
        int r = container_resources_resolve(current, o, &host2_v2, ret, &warnings, ret_error);

        assert_null(warnings);
        return r;
}

static void
assert_refused(const ContainerResources *current, ContainerResourcesOptions *o, const char *message) {
        _cleanup_(container_resources_done) ContainerResources r = {};
        _cleanup_free_ char *error = NULL;

        assert_int_equal(resolve(current, o, &r, &error), -EINVAL);
        assert_non_null(error);
        assert_string_equal(error, message);
}

#define OPTIONS(...) ((ContainerResourcesOptions){.values = {__VA_ARGS__}, .given = RESOURCE_MASK_ALL})

static void test_resolve_defaults(void **state) {
        _cleanup_(container_resources_done) ContainerResources r = {};
        ContainerResourcesOptions o = {.values = {.memory = 64 * MB, .pids_limit = -1}};

        o.given = RESOURCE_MASK(RESOURCE_MEMORY) | RESOURCE_MASK(RESOURCE_PIDS_LIMIT);
        assert_int_equal(resolve(NULL, &o, &r, NULL), 0);
        assert_int_equal(r.memory, 64 * MB);
        /* Docker: as much swap again; -1 pids is no limit, shown as 0. */
        assert_int_equal(r.memory_swap, 128 * MB);
        assert_int_equal(r.pids_limit, 0);
        assert_int_equal(
                container_resources_set_mask(&r),
                RESOURCE_MASK(RESOURCE_MEMORY) | RESOURCE_MASK(RESOURCE_MEMORY_SWAP));
}

static void test_resolve_v1(void **state) {
        _cleanup_(container_resources_done) ContainerResources r = {};
        _cleanup_strv_free_ char **warnings = NULL;
        ContainerResourcesOptions o =
                OPTIONS(.memory = 64 * MB, .memory_reservation = 32 * MB, .cpuset_cpus = (char *)"1");

        /* berth-runtime writes swap, soft limit and cpuset on v1: all kept. */
        assert_int_equal(container_resources_resolve(NULL, &o, &host2, &r, &warnings, NULL), 0);
        assert_int_equal(r.memory_swap, 128 * MB);
        assert_int_equal(r.memory_reservation, 32 * MB);
        assert_string_equal(r.cpuset_cpus, "1");
        assert_null(warnings);
        container_resources_done(&r);

        /* Without swap accounting and a cpuset hierarchy: dropped, each with Docker's warning. */
        assert_int_equal(container_resources_resolve(NULL, &o, &host2_bare, &r, &warnings, NULL), 0);
        assert_int_equal(r.memory, 64 * MB);
        assert_int_equal(r.memory_swap, -1);
        assert_int_equal(r.memory_reservation, 32 * MB);
        assert_null(r.cpuset_cpus);
        assert_int_equal(strv_length(warnings), 2);
        assert_non_null(strstr(warnings[0], "Memory limited without swap."));
        assert_non_null(strstr(warnings[1], "Cpuset discarded."));
        container_resources_done(&r);
        warnings = strv_free(warnings);

        /* Unlimited swap needs no limit. */
        o = (ContainerResourcesOptions){
                .values = {.memory = 64 * MB, .memory_swap = -1},
                .given = RESOURCE_MASK(RESOURCE_MEMORY) | RESOURCE_MASK(RESOURCE_MEMORY_SWAP)};
        assert_int_equal(container_resources_resolve(NULL, &o, &host2_bare, &r, &warnings, NULL), 0);
        assert_null(warnings);
}

static void test_resolve_refusals(void **state) {
        ContainerResourcesOptions o;

        o = OPTIONS(.memory = 5 * MB);
        assert_refused(NULL, &o, "Minimum memory limit allowed is 6MB");
        o = OPTIONS(.memory = -1);
        assert_refused(NULL, &o, "Minimum memory limit allowed is 6MB");
        o = OPTIONS(.memory = 64 * MB, .memory_swap = 32 * MB);
        assert_refused(NULL, &o, "Minimum memoryswap limit should be larger than memory limit, see usage");
        o = OPTIONS(.memory_swap = 32 * MB);
        assert_refused(
                NULL, &o, "You should always set the Memory limit when using Memoryswap limit, see usage");
        o = OPTIONS(.memory_reservation = 1 * MB);
        assert_refused(NULL, &o, "Minimum memory reservation allowed is 6MB");
        o = OPTIONS(.memory = 64 * MB, .memory_reservation = 128 * MB);
        assert_refused(
                NULL, &o, "Minimum memory limit can not be less than memory reservation limit, see usage");
        o = OPTIONS(.nano_cpus = 500000000, .cpu_period = 50000);
        assert_refused(NULL, &o, "Conflicting options: Nano CPUs and CPU Period cannot both be set");
        o = OPTIONS(.nano_cpus = 500000000, .cpu_quota = 50000);
        assert_refused(NULL, &o, "Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        o = OPTIONS(.nano_cpus = 3000000000);
        assert_refused(NULL, &o, "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available");
        o = OPTIONS(.nano_cpus = 1000000);
        assert_refused(NULL, &o, "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available");
        o = OPTIONS(.cpu_period = 999);
        assert_refused(
                NULL,
                &o,
                "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        o = OPTIONS(.cpu_quota = 999);
        assert_refused(NULL, &o, "CPU cfs quota can not be less than 1ms (i.e. 1000)");
        o = OPTIONS(.cpu_shares = -2);
        assert_refused(NULL, &o, "Invalid CPU shares -2: must not be negative");
        o = OPTIONS(.blkio_weight = 5);
        assert_refused(NULL, &o, "Range of blkio weight is from 10 to 1000");
        o = OPTIONS(.blkio_weight = 1001);
        assert_refused(NULL, &o, "Range of blkio weight is from 10 to 1000");
        o = OPTIONS(.cpuset_cpus = (char *)"0-1,3");
        assert_refused(NULL, &o, "Requested CPUs are not available - requested 0-1,3, available: 0-1");
        o = OPTIONS(.cpuset_cpus = (char *)"1-0");
        assert_refused(NULL, &o, "Invalid value 1-0 for cpuset cpus: invalid format: 1-0");
}

static void test_resolve_update(void **state) {
        _cleanup_(container_resources_done) ContainerResources current = {}, r = {};
        ContainerResourcesOptions create = {.values = {.memory = 64 * MB, .cpu_shares = 512}}, o = {};

        create.given = RESOURCE_MASK(RESOURCE_MEMORY) | RESOURCE_MASK(RESOURCE_CPU_SHARES);
        assert_int_equal(resolve(NULL, &create, &current, NULL), 0);

        /* Only the given fields change; the swap limit set at create stays. */
        o.values.memory = 100 * MB;
        o.given = RESOURCE_MASK(RESOURCE_MEMORY);
        assert_int_equal(resolve(&current, &o, &r, NULL), 0);
        assert_int_equal(r.memory, 100 * MB);
        assert_int_equal(r.memory_swap, 128 * MB);
        assert_int_equal(r.cpu_shares, 512);
        container_resources_done(&r);

        o.values.memory = 200 * MB;
        assert_refused(
                &current,
                &o,
                "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at "
                "the "
                "same time");
        o.values.memory_swap = -1;
        o.given |= RESOURCE_MASK(RESOURCE_MEMORY_SWAP);
        assert_int_equal(resolve(&current, &o, &r, NULL), 0);
        assert_int_equal(r.memory, 200 * MB);
        assert_int_equal(r.memory_swap, -1);
}

static void test_cpuset_parse(void **state) {
        uint8_t mask[RESOURCE_CPUS_MAX / 8];
        size_t bytes;

        assert_int_equal(cpuset_parse("0-2,4", mask, &bytes), 0);
        assert_int_equal(bytes, 1);
        assert_int_equal(mask[0], 0x17);
        assert_int_equal(cpuset_parse("9", mask, &bytes), 0);
        assert_int_equal(bytes, 2);
        assert_int_equal(mask[1], 0x02);
        assert_int_equal(cpuset_parse("", mask, &bytes), 0);
        assert_int_equal(bytes, 0);
        assert_int_equal(cpuset_parse("1023", mask, &bytes), 0);
        assert_int_equal(bytes, RESOURCE_CPUS_MAX / 8);

        static const char *const bad[] = {
                "a", "1-", "-1", "1,", ",1", "1,,2", "2-1", "1 ", " 1", "1-2-3", "0x1", "1.5"};
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (cpuset_parse(bad[i], mask, &bytes) != -EINVAL)
                        fail_msg("\"%s\" accepted", bad[i]);
        assert_int_equal(cpuset_parse("1024", mask, &bytes), -ERANGE);
        assert_int_equal(cpuset_parse("99999999999999999999", mask, &bytes), -ERANGE);
}

/* The (sv) entries appended for a mask, read back. */
static void assert_property(sd_bus_message *m, const char *name, uint64_t value) {
        const char *key;
        uint64_t v;

        assert_int_equal(sd_bus_message_enter_container(m, 'r', "sv"), 1);
        assert_int_equal(sd_bus_message_read(m, "s", &key), 1);
        assert_string_equal(key, name);
        assert_int_equal(sd_bus_message_read(m, "v", "t", &v), 1);
        if (v != value)
                fail_msg("%s=%llu, want %llu", name, (unsigned long long)v, (unsigned long long)value);
        assert_int_equal(sd_bus_message_exit_container(m), 1);
}

static sd_bus_message *properties(const ContainerResources *r, uint32_t mask, const ResourceHost *host) {
        _cleanup_(sd_bus_close_unrefp) sd_bus *bus = NULL;
        sd_bus_message *m = NULL;
        int pair[2];

        /* Messages need a bus that started: one end of a socket pair, nobody at the other. */
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
        assert_int_equal(sd_bus_new(&bus), 0);
        assert_int_equal(sd_bus_set_fd(bus, pair[0], pair[0]), 0);
        assert_true(sd_bus_start(bus) >= 0);
        assert_int_equal(
                sd_bus_message_new_method_call(bus, &m, "org.example", "/", "org.example", "Test"), 0);
        close(pair[1]);
        assert_true(sd_bus_message_open_container(m, 'a', "(sv)") >= 0);
        assert_true(container_resources_append_properties(m, r, mask, host) >= 0);
        assert_true(sd_bus_message_close_container(m) >= 0);
        assert_true(sd_bus_message_seal(m, 1, 0) >= 0);
        assert_int_equal(sd_bus_message_enter_container(m, 'a', "(sv)"), 1);
        return m;
}

static void test_unit_properties(void **state) {
        ContainerResources r = {
                .memory = 64 * MB,
                .memory_swap = 128 * MB,
                .memory_reservation = 32 * MB,
                .nano_cpus = 1500000000,
                .cpu_shares = 512,
                .pids_limit = 20,
                .blkio_weight = 300,
        };
        ResourceHost v2 = host2;
        sd_bus_message *m;

        m = properties(&r, container_resources_set_mask(&r), &host2);
        assert_property(m, "MemoryMax", 64 * MB);
        assert_property(m, "MemorySwapMax", 64 * MB);
        assert_property(m, "MemoryLow", 32 * MB);
        assert_property(m, "CPUQuotaPerSecUSec", 1500000);
        assert_property(m, "CPUQuotaPeriodUSec", UINT64_MAX);
        assert_property(m, "CPUShares", 512);
        assert_property(m, "TasksMax", 21); /* and the monitor */
        assert_property(m, "BlockIOWeight", 300);
        assert_int_equal(sd_bus_message_at_end(m, false), 1);
        sd_bus_message_unref(m);

        /* On cgroup v2 runc's conversions to weights. */
        v2.cgroup_unified = true;
        m = properties(&r, RESOURCE_MASK(RESOURCE_CPU_SHARES) | RESOURCE_MASK(RESOURCE_BLKIO_WEIGHT), &v2);
        assert_property(m, "CPUWeight", 1 + (512 - 2) * 9999 / 262142);
        assert_property(m, "IOWeight", 1 + (300 - 10) * 9999 / 990);
        sd_bus_message_unref(m);

        /* An update that lifts limits: systemd's "infinity" and "unset"; --cpu-quota over its period. */
        r = (ContainerResources){.memory_swap = -1, .cpu_quota = 25000, .cpu_period = 50000};
        m = properties(&r, RESOURCE_MASK_ALL & ~RESOURCE_MASK(RESOURCE_CPUSET_CPUS), &host2);
        assert_property(m, "MemoryMax", UINT64_MAX);
        assert_property(m, "MemorySwapMax", UINT64_MAX);
        assert_property(m, "MemoryLow", 0);
        assert_property(m, "CPUQuotaPerSecUSec", 500000);
        assert_property(m, "CPUQuotaPeriodUSec", 50000);
        assert_property(m, "CPUShares", UINT64_MAX);
        assert_property(m, "TasksMax", UINT64_MAX);
        assert_property(m, "BlockIOWeight", UINT64_MAX);
        sd_bus_message_unref(m);
}

static void test_json(void **state) {
        _cleanup_(container_resources_done) ContainerResources back = {};
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        ContainerResources r = {
                .memory = 64 * MB, .memory_swap = -1, .cpuset_cpus = (char *)"0-1", .pids_limit = 7};

        assert_int_equal(container_resources_to_json(&r, o), 0);
        assert_int_equal(container_resources_from_json(o, &back), 0);
        assert_int_equal(back.memory, 64 * MB);
        assert_int_equal(back.memory_swap, -1);
        assert_int_equal(back.pids_limit, 7);
        assert_string_equal(back.cpuset_cpus, "0-1");
        container_resources_done(&back);

        /* A state.json from before resource limits: none. */
        cJSON_DeleteItemFromObject(o, "Resources");
        assert_int_equal(container_resources_from_json(o, &back), 0);
        assert_int_equal(container_resources_set_mask(&back), 0);
        cJSON_AddStringToObject(o, "Resources", "x");
        assert_int_equal(container_resources_from_json(o, &back), -EINVAL);
}

/* state.json keeps the limits and OOMKilled. */
static void test_state_file(void **state) {
        _cleanup_(container_freep) Container *c = NULL, *d = NULL;
        _cleanup_json_ cJSON *o = NULL;
        const char *id = "4f1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";

        assert_int_equal(container_new("/var/lib/berth", id, "limited", &c), 0);
        c->image = strdup("busybox");
        c->image_id = strdup("sha256:0123");
        c->resources = (ContainerResources){
                .memory = 64 * MB,
                .memory_swap = -1,
                .nano_cpus = 500000000,
                .pids_limit = 20,
                .cpuset_cpus = strdup("0-1")};
        c->oom_killed = true;
        assert_int_equal(container_state_to_json(c, &o), 0);
        assert_int_equal(container_state_from_json(o, "/var/lib/berth", id, &d), 0);
        assert_int_equal(d->resources.memory, 64 * MB);
        assert_int_equal(d->resources.memory_swap, -1);
        assert_int_equal(d->resources.nano_cpus, 500000000);
        assert_int_equal(d->resources.pids_limit, 20);
        assert_string_equal(d->resources.cpuset_cpus, "0-1");
        assert_true(d->oom_killed);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_resolve_defaults),
                cmocka_unit_test(test_resolve_v1),
                cmocka_unit_test(test_resolve_refusals),
                cmocka_unit_test(test_resolve_update),
                cmocka_unit_test(test_cpuset_parse),
                cmocka_unit_test(test_unit_properties),
                cmocka_unit_test(test_json),
                cmocka_unit_test(test_state_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
