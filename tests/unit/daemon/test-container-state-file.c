/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "container-state-file.h"
#include "fileio.h"
#include "json-util.h"
#include "strv.h"

#define ID "4f1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"
#define OTHER_ID "5f1c2b3a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"

static char *make_state_dir(void) {
        char *dir = strdup("/tmp/test-daemon-state-XXXXXX"), *containers = NULL, *bundle = NULL;

        assert_non_null(mkdtemp(dir));
        assert_true(asprintf(&containers, "%s/containers", dir) > 0);
        assert_int_equal(mkdir(containers, 0700), 0);
        assert_true(asprintf(&bundle, "%s/" ID, containers) > 0);
        assert_int_equal(mkdir(bundle, 0700), 0);
        free(containers);
        free(bundle);
        return dir;
}

static void test_round_trip(void **state) {
        char *dir = make_state_dir();
        Container *c = NULL, *d = NULL;
        char *cmd[] = {"sh", "-c", "echo \"hi\"; exit 3", NULL};
        char *env[] = {"PATH=/bin", "A=b=c", NULL};

        assert_int_equal(container_new(dir, ID, "web_1", &c), 0);
        c->image = strdup("busybox");
        c->image_id = strdup("sha256:0123");
        c->command = strv_copy(cmd);
        c->env = strv_copy(env);
        c->working_dir = strdup("/srv");
        c->user = strdup("nobody:nogroup");
        c->hostname = strdup("4f1c2b3a4d5e");
        c->auto_remove = true;
        c->tty = true;
        c->open_stdin = true;
        c->stop_signal = 3;
        c->stop_timeout_usec = 2500000;
        c->state = CONTAINER_EXITED;
        c->exit_code = 137;
        c->pid = 4242;
        c->created_at = 1700000000123456ULL;
        c->started_at = 1700000001123456ULL;
        c->finished_at = 1700000002123456ULL;

        assert_int_equal(container_save_state(c), 0);
        assert_int_equal(container_load_state(dir, ID, &d), 0);

        assert_string_equal(d->id, ID);
        assert_string_equal(d->name, "web_1");
        assert_string_equal(d->unit, "berth-web_1.service");
        assert_string_equal(d->image, "busybox");
        assert_string_equal(d->image_id, "sha256:0123");
        assert_int_equal(strv_length(d->command), 3);
        assert_string_equal(d->command[2], "echo \"hi\"; exit 3");
        assert_string_equal(d->env[1], "A=b=c");
        assert_string_equal(d->working_dir, "/srv");
        assert_string_equal(d->user, "nobody:nogroup");
        assert_string_equal(d->hostname, "4f1c2b3a4d5e");
        assert_true(d->auto_remove);
        assert_true(d->tty);
        assert_true(d->open_stdin);
        assert_int_equal(d->stop_signal, 3);
        assert_int_equal(d->stop_timeout_usec, 2500000);
        assert_int_equal(d->state, CONTAINER_EXITED);
        assert_int_equal(d->exit_code, 137);
        assert_int_equal(d->pid, 4242);
        assert_int_equal(d->created_at, 1700000000123456ULL);
        assert_int_equal(d->started_at, 1700000001123456ULL);
        assert_int_equal(d->finished_at, 1700000002123456ULL);

        container_free(c);
        container_free(d);
        assert_int_equal(rm_rf(dir), 0);
        free(dir);
}

static void test_restart_fields_and_unit(void **state) {
        char *dir = make_state_dir();
        Container *c = NULL, *d = NULL;

        assert_int_equal(container_new(dir, ID, "renamed", &c), 0);
        c->image = strdup("busybox");
        c->image_id = strdup("sha256:0123");
        c->restart_policy = (RestartPolicy){RESTART_POLICY_ON_FAILURE, 5};
        c->restart_count = 3;
        c->manually_stopped = true;
        /* Renamed while running: the unit keeps the former name. */
        assert_int_equal(container_set_unit(c, "berth-former.service"), 0);
        assert_int_equal(container_save_state(c), 0);
        assert_int_equal(container_load_state(dir, ID, &d), 0);
        assert_int_equal(d->restart_policy.kind, RESTART_POLICY_ON_FAILURE);
        assert_int_equal(d->restart_policy.max_retries, 5);
        assert_int_equal(d->restart_count, 3);
        assert_true(d->manually_stopped);
        assert_string_equal(d->name, "renamed");
        assert_string_equal(d->unit, "berth-former.service");
        assert_string_equal(d->unit_path, "/org/freedesktop/systemd1/unit/berth_2dformer_2eservice");
        assert_int_equal(container_set_unit(d, NULL), 0);
        assert_string_equal(d->unit, "berth-renamed.service");

        /* Only berth-<valid name>.service is a container unit. */
        assert_int_equal(container_set_unit(d, "sshd.service"), -EINVAL);
        assert_int_equal(container_set_unit(d, "berth-.service"), -EINVAL);
        assert_int_equal(container_set_unit(d, "berth-a/b.service"), -EINVAL);
        assert_int_equal(container_set_unit(d, "berth-web.socket"), -EINVAL);
        assert_string_equal(d->unit, "berth-renamed.service");

        container_free(c);
        container_free(d);
        assert_int_equal(rm_rf(dir), 0);
        free(dir);
}

static void test_rejects_foreign_or_broken_records(void **state) {
        Container *c = NULL;
        cJSON *o;

        /* The Id must be the directory's. */
        o = cJSON_Parse("{\"Id\":\"" ID
                        "\",\"Name\":\"web\",\"Image\":\"b\",\"ImageId\":\"x\",\"State\":\"running\"}");
        assert_int_equal(container_state_from_json(o, "/var/lib/berth", ID, &c), 0);
        container_free(c);
        c = NULL;
        assert_int_equal(container_state_from_json(o, "/var/lib/berth", OTHER_ID, &c), -EINVAL);
        cJSON_Delete(o);

        o = cJSON_Parse("{\"Id\":\"" ID
                        "\",\"Name\":\"../etc\",\"Image\":\"b\",\"ImageId\":\"x\",\"State\":\"running\"}");
        assert_int_equal(container_state_from_json(o, "/var/lib/berth", ID, &c), -EINVAL);
        cJSON_Delete(o);

        o = cJSON_Parse("{\"Id\":\"" ID
                        "\",\"Name\":\"web\",\"Image\":\"b\",\"ImageId\":\"x\",\"State\":\"dancing\"}");
        assert_int_equal(container_state_from_json(o, "/var/lib/berth", ID, &c), -EINVAL);
        cJSON_Delete(o);

        o = cJSON_Parse("{\"Id\":\"" ID
                        "\",\"Name\":\"web\",\"Image\":\"b\",\"ImageId\":\"x\",\"State\":\"created\","
                        "\"Command\":[1,2]}");
        assert_int_equal(container_state_from_json(o, "/var/lib/berth", ID, &c), -EINVAL);
        cJSON_Delete(o);

        o = cJSON_Parse("[]");
        assert_int_equal(container_state_from_json(o, "/var/lib/berth", ID, &c), -EINVAL);
        cJSON_Delete(o);
}

static void test_state_strings(void **state) {
        for (ContainerState s = 0; s < _CONTAINER_STATE_MAX; s++)
                assert_int_equal(container_state_from_string(container_state_to_string(s)), s);
        assert_int_equal(container_state_from_string("paused"), _CONTAINER_STATE_INVALID);
        assert_null(container_state_to_string(_CONTAINER_STATE_MAX));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_round_trip),
                cmocka_unit_test(test_restart_fields_and_unit),
                cmocka_unit_test(test_rejects_foreign_or_broken_records),
                cmocka_unit_test(test_state_strings),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
