/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capability-name.h"

static void test_user_names(void **state) {
        assert_int_equal(capability_from_name("NET_ADMIN"), CAP_NET_ADMIN);
        assert_int_equal(capability_from_name("net_admin"), CAP_NET_ADMIN);
        assert_int_equal(capability_from_name("CAP_NET_ADMIN"), CAP_NET_ADMIN);
        assert_int_equal(capability_from_name("cap_net_admin"), CAP_NET_ADMIN);
        assert_int_equal(capability_from_name("Cap_Net_Admin"), CAP_NET_ADMIN);
        assert_int_equal(capability_from_name("chown"), CAP_CHOWN);
        assert_int_equal(capability_from_name("SYS_RESOURCE"), CAP_SYS_RESOURCE);
        assert_int_equal(capability_from_name("CHECKPOINT_RESTORE"), CAP_CHECKPOINT_RESTORE);

        /* libcap would take numbers; a name is letters. */
        assert_int_equal(capability_from_name("12"), -EINVAL);
        assert_int_equal(capability_from_name("CAP_12"), -EINVAL);
        assert_int_equal(capability_from_name(""), -EINVAL);
        assert_int_equal(capability_from_name("CAP_"), -EINVAL);
        assert_int_equal(capability_from_name("ALL"), -EINVAL);
        assert_int_equal(capability_from_name("NOT_A_CAP"), -EINVAL);
        assert_int_equal(capability_from_name("net admin"), -EINVAL);
        assert_int_equal(capability_from_name("net_admin,chown"), -EINVAL);
        assert_int_equal(capability_from_name("CAP_CAP_CHOWN"), -EINVAL);
        assert_int_equal(capability_from_name("AVERYLONGNAMETHATISNOCAPABILITYATALL"), -EINVAL);
}

static void test_oci_names(void **state) {
        assert_int_equal(capability_from_oci_name("CAP_NET_ADMIN"), CAP_NET_ADMIN);
        assert_int_equal(capability_from_oci_name("CAP_AUDIT_WRITE"), CAP_AUDIT_WRITE);
        assert_int_equal(capability_from_oci_name("NET_ADMIN"), -EINVAL);
        assert_int_equal(capability_from_oci_name("cap_net_admin"), -EINVAL);
        assert_int_equal(capability_from_oci_name("CAP_Net_Admin"), -EINVAL);
        assert_int_equal(capability_from_oci_name("CAP_7"), -EINVAL);
}

static void test_to_name(void **state) {
        char name[CAPABILITY_NAME_MAX];

        assert_int_equal(capability_to_name(CAP_CHOWN, name), 0);
        assert_string_equal(name, "CAP_CHOWN");
        assert_int_equal(capability_to_name(CAP_SYS_ADMIN, name), 0);
        assert_string_equal(name, "CAP_SYS_ADMIN");
        assert_int_equal(capability_to_name(-1, name), -EINVAL);
        assert_int_equal(capability_to_name(64, name), -EINVAL);
        assert_int_equal(capability_to_name(63, name), -EINVAL); /* no name for it */

        /* Every named capability round-trips in both forms. */
        for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
                assert_int_equal(capability_to_name(cap, name), 0);
                assert_int_equal(capability_from_oci_name(name), cap);
                assert_int_equal(capability_from_name(name + 4), cap);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_user_names),
                cmocka_unit_test(test_oci_names),
                cmocka_unit_test(test_to_name),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
