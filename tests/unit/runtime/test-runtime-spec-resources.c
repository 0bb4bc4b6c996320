/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime-spec.h"

#define RESOURCES_SPEC                                                                                      \
        "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"true\"],\"cwd\":\"/\"},"                        \
        "\"root\":{\"path\":\"rootfs\"},"                                                                   \
        "\"linux\":{\"namespaces\":[{\"type\":\"pid\"}],"                                                   \
        "\"resources\":{\"memory\":{\"swap\":134217728,\"reservation\":33554432},"                          \
        "\"cpu\":{\"cpus\":\"0-1,3\"}}}}"

static void test_good(void **state) {
        RuntimeSpec *s = NULL;
        char *error = NULL;

        assert_int_equal(runtime_spec_parse(RESOURCES_SPEC, strlen(RESOURCES_SPEC), &s, &error), 0);
        assert_null(error);
        assert_int_equal(s->resources.memory_swap, 134217728);
        assert_int_equal(s->resources.memory_reservation, 33554432);
        assert_string_equal(s->resources.cpuset_cpus, "0-1,3");
        runtime_spec_free(s);
}

static void expect(const char *from, const char *to, int want, const char *what) {
        char buf[4096], *error = NULL;
        const char *p = strstr(RESOURCES_SPEC, from);
        RuntimeSpec *s = NULL;
        int r;

        assert_non_null(p);
        snprintf(
                buf,
                sizeof(buf),
                "%.*s%s%s",
                (int)(p - RESOURCES_SPEC),
                RESOURCES_SPEC,
                to,
                p + strlen(from));
        r = runtime_spec_parse(buf, strlen(buf), &s, &error);
        assert_int_equal(r, want);
        if (want == 0) {
                assert_null(error);
                runtime_spec_free(s);
                return;
        }
        assert_null(s);
        assert_non_null(error);
        if (!strstr(error, what))
                fail_msg("error \"%s\" does not mention \"%s\"", error, what);
        free(error);
}

static void test_bad(void **state) {
        /* Unlimited swap, no reservation, no cpuset: fine. */
        expect("134217728", "-1", 0, NULL);
        expect(",\"reservation\":33554432", "", 0, NULL);
        expect(",\"cpu\":{\"cpus\":\"0-1,3\"}", "", 0, NULL);

        expect("134217728", "0", -EINVAL, "linux.resources.memory.swap");
        expect("134217728", "-2", -EINVAL, "linux.resources.memory.swap");
        expect("134217728", "1.5", -EINVAL, "linux.resources.memory.swap");
        expect("134217728", "\"128m\"", -EINVAL, "linux.resources.memory.swap");
        expect("134217728", "1e300", -EINVAL, "linux.resources.memory.swap");
        expect("33554432", "-1", -EINVAL, "linux.resources.memory.reservation");
        expect("\"0-1,3\"", "\"\"", -EINVAL, "linux.resources.cpu.cpus");
        expect("\"0-1,3\"", "\"0;1\"", -EINVAL, "linux.resources.cpu.cpus");
        expect("\"0-1,3\"", "3", -EINVAL, "linux.resources.cpu.cpus");
        expect("{\"memory\"", "[],\"x\":{\"memory\"", -EINVAL, "linux.resources: must be an object");
        expect("{\"swap\":134217728,\"reservation\":33554432}",
               "1",
               -EINVAL,
               "linux.resources.memory: must be an object");
        /* What systemd sets through the unit is refused rather than ignored. */
        expect("{\"swap\"", "{\"limit\":1,\"swap\"", -EINVAL, "linux.resources.memory.limit: not supported");
        expect("\"cpu\":{", "\"pids\":{},\"cpu\":{", -EINVAL, "linux.resources.pids: not supported");
        expect("{\"cpus\"", "{\"shares\":2,\"cpus\"", -EINVAL, "linux.resources.cpu.shares: not supported");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_good),
                cmocka_unit_test(test_bad),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
