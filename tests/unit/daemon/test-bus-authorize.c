/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>

#include "bus-authorize.h"
#include "fileio.h"
#include "macro.h"

static const char *contract_dir;

static void test_method_actions(void **state) {
        static const struct {
                const char *interface;
                const char *member;
                int result;
                const char *action;
        } table[] = {
                {"org.berth.berth1.Manager", "ListContainers", 0, NULL},
                {"org.berth.berth1.Manager", "GetImage", 0, NULL},
                {"org.berth.berth1.Manager", "CreateContainer", 0, BERTH_ACTION_MANAGE_CONTAINERS},
                {"org.berth.berth1.Manager", "PullImage", 0, BERTH_ACTION_MANAGE_IMAGES},
                {"org.berth.berth1.Manager", "SaveImages", 0, BERTH_ACTION_MANAGE_IMAGES},
                {"org.berth.berth1.Container", "Exec", 0, BERTH_ACTION_MANAGE_CONTAINERS},
                {"org.berth.berth1.Container", "Attach", 0, BERTH_ACTION_MANAGE_CONTAINERS},
                {"org.berth.berth1.Container", "Remove", 0, BERTH_ACTION_MANAGE_CONTAINERS},
                {"org.berth.berth1.Transfer", "Cancel", 0, BERTH_ACTION_MANAGE_IMAGES},
                {"org.freedesktop.DBus.Properties", "Get", 0, NULL},
                {"org.freedesktop.DBus.Introspectable", "Introspect", 0, NULL},
                /* Setting a property is no read: nobody but root. */
                {"org.freedesktop.DBus.Properties", "Set", -ENOENT, NULL},
                /* A method of one interface asked for on another is unknown. */
                {"org.berth.berth1.Manager", "Start", -ENOENT, NULL},
                {"org.berth.berth1.Container", "NoSuchMethod", -ENOENT, NULL},
                {"org.berth.berth1.Container", NULL, -ENOENT, NULL},
                /* Without an interface: by the member's name alone. */
                {NULL, "Start", 0, BERTH_ACTION_MANAGE_CONTAINERS},
                {NULL, "Cancel", 0, BERTH_ACTION_MANAGE_IMAGES},
                {NULL, "GetAll", 0, NULL},
                {NULL, "Set", -ENOENT, NULL},
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                const char *action = "unset";
                int r = bus_authorize_method_action(table[i].interface, table[i].member, &action);

                if (r != table[i].result)
                        fail_msg(
                                "%s.%s: %i, expected %i",
                                table[i].interface ?: "-",
                                table[i].member ?: "-",
                                r,
                                table[i].result);
                if (r >= 0 && !streq_ptr(action, table[i].action))
                        fail_msg(
                                "%s.%s: action %s, expected %s",
                                table[i].interface ?: "-",
                                table[i].member,
                                action ?: "(none)",
                                table[i].action ?: "(none)");
        }
}

static void test_property_actions(void **state) {
        const char *action = "unset";

        assert_int_equal(bus_authorize_property_action("org.berth.berth1.Container", "Env", &action), 0);
        assert_string_equal(action, BERTH_ACTION_MANAGE_CONTAINERS);
        action = "unset";
        assert_int_equal(bus_authorize_property_action("org.berth.berth1.Container", NULL, &action), 0);
        assert_string_equal(action, BERTH_ACTION_MANAGE_CONTAINERS);
        action = "unset";
        assert_int_equal(bus_authorize_property_action("org.berth.berth1.Container", "State", &action), 0);
        assert_null(action);
        action = "unset";
        /* An image's environment is part of the image, which anyone may inspect. */
        assert_int_equal(bus_authorize_property_action("org.berth.berth1.Image", "Env", &action), 0);
        assert_null(action);
        action = "unset";
        assert_int_equal(bus_authorize_property_action("org.berth.berth1.Image", NULL, &action), 0);
        assert_null(action);
}

/* Copies the value of name="…" that follows p. */
static char *attribute_name(const char *p) {
        const char *v = strstr(p, "name=\"");
        char *s;

        assert_non_null(v);
        v += STRLEN("name=\"");
        s = strndup(v, strcspn(v, "\""));
        assert_non_null(s);
        return s;
}

/* Every method of the contract (the dbus/ files, which a meson test compares with berthd's vtables) has
 * an entry: a method added without one is refused to everyone but root. */
static void test_every_contract_method_has_an_entry(void **state) {
        _cleanup_closedir_ DIR *d = opendir(contract_dir);
        unsigned methods = 0;
        struct dirent *de;

        assert_non_null(d);
        while ((de = readdir(d))) {
                _cleanup_free_ char *xml = NULL, *interface = NULL;
                const char *p;
                size_t n = strlen(de->d_name);

                if (n < 4 || !streq(de->d_name + n - 4, ".xml"))
                        continue;
                assert_int_equal(read_full_file_at(dirfd(d), de->d_name, 1024 * 1024, &xml, NULL), 0);
                p = strstr(xml, "<interface ");
                assert_non_null(p);
                interface = attribute_name(p);
                for (p = strstr(p, "<method "); p; p = strstr(p + 1, "<method ")) {
                        _cleanup_free_ char *member = attribute_name(p);
                        const char *action;

                        if (bus_authorize_method_action(interface, member, &action) < 0)
                                fail_msg("%s.%s has no entry in bus-authorize.c's table", interface, member);
                        methods++;
                }
        }
        assert_true(methods > 20);
}

int main(int argc, char *argv[]) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_method_actions),
                cmocka_unit_test(test_property_actions),
                cmocka_unit_test(test_every_contract_method_has_an_entry),
        };

        if (argc != 2) {
                fprintf(stderr, "usage: %s DBUS-DIRECTORY\n", argv[0]);
                return EXIT_FAILURE;
        }
        contract_dir = argv[1];
        return cmocka_run_group_tests(tests, NULL, NULL);
}
