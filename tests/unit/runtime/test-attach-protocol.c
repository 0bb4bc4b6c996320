/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "attach-protocol.h"
#include "exec-session.h"
#include "macro.h"

static int parse(const void *buf, size_t size, AttachPacket *k) {
        return attach_packet_parse(buf, size, k);
}

static void test_good_packets(void **state) {
        uint8_t buf[1 + ATTACH_DATA_MAX];
        AttachPacket k;
        size_t n;

        n = attach_packet_build(buf, ATTACH_PACKET_STDOUT, "hello", 5);
        assert_int_equal(n, 6);
        assert_int_equal(parse(buf, n, &k), 0);
        assert_int_equal(k.type, ATTACH_PACKET_STDOUT);
        assert_int_equal(k.size, 5);
        assert_memory_equal(k.data, "hello", 5);

        n = attach_packet_build_resize(buf, 24, 80);
        assert_int_equal(parse(buf, n, &k), 0);
        assert_int_equal(k.type, ATTACH_PACKET_RESIZE);
        assert_int_equal(k.rows, 24);
        assert_int_equal(k.cols, 80);
        /* Little endian on the wire. */
        assert_int_equal(buf[1], 24);
        assert_int_equal(buf[3], 80);

        n = attach_packet_build_exit(buf, 137);
        assert_int_equal(parse(buf, n, &k), 0);
        assert_int_equal(k.type, ATTACH_PACKET_EXIT);
        assert_int_equal(k.exit_code, 137);

        n = attach_packet_build(buf, ATTACH_PACKET_CLOSE_STDIN, NULL, 0);
        assert_int_equal(parse(buf, n, &k), 0);
        assert_int_equal(k.type, ATTACH_PACKET_CLOSE_STDIN);
        n = attach_packet_build(buf, ATTACH_PACKET_STARTED, NULL, 0);
        assert_int_equal(parse(buf, n, &k), 0);

        n = attach_packet_build(buf, ATTACH_PACKET_REQUEST_EXEC, "{}", 2);
        assert_int_equal(parse(buf, n, &k), 0);
        assert_int_equal(k.type, ATTACH_PACKET_REQUEST_EXEC);

        /* The largest data packet is fine. */
        memset(buf + 1, 'x', ATTACH_DATA_MAX);
        buf[0] = ATTACH_PACKET_STDIN;
        assert_int_equal(parse(buf, 1 + ATTACH_DATA_MAX, &k), 0);
        assert_int_equal(k.size, ATTACH_DATA_MAX);
}

static void test_bad_packets(void **state) {
        _cleanup_free_ uint8_t *big = calloc(1, ATTACH_PACKET_MAX + 2);
        uint8_t buf[16] = {};
        AttachPacket k;

        assert_non_null(big);
        /* Short: nothing at all, or no payload where one is needed. */
        assert_int_equal(parse(buf, 0, &k), -EBADMSG);
        buf[0] = ATTACH_PACKET_STDOUT;
        assert_int_equal(parse(buf, 1, &k), -EBADMSG);
        buf[0] = ATTACH_PACKET_REQUEST_ATTACH;
        assert_int_equal(parse(buf, 1, &k), -EBADMSG);
        buf[0] = ATTACH_PACKET_RESIZE;
        assert_int_equal(parse(buf, 4, &k), -EBADMSG);
        assert_int_equal(parse(buf, 6, &k), -EBADMSG);
        buf[0] = ATTACH_PACKET_EXIT;
        assert_int_equal(parse(buf, 3, &k), -EBADMSG);
        buf[0] = ATTACH_PACKET_CLOSE_STDIN;
        assert_int_equal(parse(buf, 2, &k), -EBADMSG);

        /* Unknown types. */
        buf[0] = 0;
        assert_int_equal(parse(buf, 2, &k), -EBADMSG);
        buf[0] = _ATTACH_PACKET_MAX;
        assert_int_equal(parse(buf, 2, &k), -EBADMSG);
        buf[0] = 0xff;
        assert_int_equal(parse(buf, 2, &k), -EBADMSG);

        /* Values out of range: a zero-sized window, an exit code that is no exit code. */
        attach_packet_build_resize(buf, 0, 80);
        assert_int_equal(parse(buf, 5, &k), -EBADMSG);
        attach_packet_build_exit(buf, 256);
        assert_int_equal(parse(buf, 5, &k), -EBADMSG);
        attach_packet_build_exit(buf, -1);
        assert_int_equal(parse(buf, 5, &k), -EBADMSG);

        /* A NUL inside a request's JSON. */
        memcpy(buf, "\x02{\0}", 4);
        assert_int_equal(parse(buf, 4, &k), -EBADMSG);

        /* Oversized. */
        big[0] = ATTACH_PACKET_STDOUT;
        assert_int_equal(parse(big, 2 + ATTACH_DATA_MAX, &k), -EMSGSIZE);
        memset(big + 1, 'x', ATTACH_REQUEST_MAX + 1);
        big[0] = ATTACH_PACKET_REQUEST_EXEC;
        assert_int_equal(parse(big, 2 + ATTACH_REQUEST_MAX, &k), -EMSGSIZE);
        assert_int_equal(parse(big, 1 + ATTACH_REQUEST_MAX, &k), 0);
}

static void test_send_cuts_into_packets(void **state) {
        _cleanup_free_ uint8_t *data = malloc(2 * ATTACH_DATA_MAX + 5), *buf = malloc(ATTACH_PACKET_MAX);
        int pair[2];
        size_t total = 0;
        unsigned packets = 0;

        assert_non_null(data);
        assert_non_null(buf);
        for (size_t i = 0; i < 2 * ATTACH_DATA_MAX + 5; i++)
                data[i] = (uint8_t)i;
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair), 0);
        int sndbuf = 1024 * 1024;
        (void)setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
        assert_int_equal(attach_send(pair[0], ATTACH_PACKET_STDIN, data, 2 * ATTACH_DATA_MAX + 5), 0);
        assert_int_equal(attach_send_resize(pair[0], 50, 132), 0);
        close(pair[0]);

        for (;;) {
                AttachPacket k;
                ssize_t n = recv(pair[1], buf, ATTACH_PACKET_MAX, 0);
                assert_true(n >= 0);
                if (n == 0)
                        break;
                assert_int_equal(attach_packet_parse(buf, (size_t)n, &k), 0);
                if (k.type == ATTACH_PACKET_RESIZE) {
                        assert_int_equal(k.rows, 50);
                        assert_int_equal(k.cols, 132);
                        continue;
                }
                assert_int_equal(k.type, ATTACH_PACKET_STDIN);
                assert_memory_equal(k.data, data + total, k.size);
                total += k.size;
                packets++;
        }
        close(pair[1]);
        assert_int_equal(total, 2 * ATTACH_DATA_MAX + 5);
        assert_int_equal(packets, 3);

        /* A request that does not fit is refused before sending. */
        assert_int_equal(
                attach_send(-1, ATTACH_PACKET_REQUEST_EXEC, data, ATTACH_REQUEST_MAX + 1), -EMSGSIZE);
}

static void test_type_table(void **state) {
        for (int t = 1; t < _ATTACH_PACKET_MAX; t++)
                assert_non_null(attach_packet_type_to_string(t));
        assert_null(attach_packet_type_to_string(0));
        assert_null(attach_packet_type_to_string(_ATTACH_PACKET_MAX));
        assert_string_equal(attach_packet_type_to_string(ATTACH_PACKET_RESIZE), "resize");
}

static int parse_exec(const char *json, ExecRequest *r, char **error) {
        return exec_request_parse(json, strlen(json), r, error);
}

static void expect_bad_exec(const char *json, const char *what) {
        ExecRequest r = {};
        char *error = NULL;

        assert_int_equal(parse_exec(json, &r, &error), -EINVAL);
        assert_non_null(error);
        if (!strstr(error, what))
                fail_msg("error \"%s\" does not mention \"%s\"", error, what);
        free(error);
}

static void test_exec_request(void **state) {
        ExecRequest r = {};

        assert_int_equal(
                parse_exec(
                        "{\"argv\":[\"sh\",\"-c\",\"x\"],\"env\":[\"A=1\"],\"cwd\":\"/"
                        "tmp\",\"user\":\"nobody\","
                        "\"tty\":true,\"stdin\":false}",
                        &r,
                        NULL),
                0);
        assert_string_equal(r.argv[2], "x");
        assert_string_equal(r.env[0], "A=1");
        assert_string_equal(r.cwd, "/tmp");
        assert_string_equal(r.user, "nobody");
        assert_true(r.tty);
        assert_false(r.interactive);
        exec_request_done(&r);

        assert_int_equal(parse_exec("{\"argv\":[\"true\"],\"user\":\"\"}", &r, NULL), 0);
        assert_null(r.cwd);
        assert_null(r.user);
        assert_null(r.env);
        exec_request_done(&r);

        expect_bad_exec("[]", "not a JSON object");
        expect_bad_exec("{\"argv\":[]}", "No exec command specified");
        expect_bad_exec("{\"argv\":[\"\"]}", "No exec command specified");
        expect_bad_exec("{}", "No exec command specified");
        expect_bad_exec("{\"argv\":\"sh\"}", "argv");
        expect_bad_exec("{\"argv\":[\"sh\",1]}", "argv");
        expect_bad_exec("{\"argv\":[\"sh\"],\"env\":[\"NOEQUALS\"]}", "env");
        expect_bad_exec("{\"argv\":[\"sh\"],\"env\":[\"=x\"]}", "env");
        expect_bad_exec("{\"argv\":[\"sh\"],\"cwd\":\"tmp\"}", "cwd");
        expect_bad_exec("{\"argv\":[\"sh\"],\"user\":5}", "user");
        expect_bad_exec("{\"argv\":[\"sh\"],\"tty\":\"yes\"}", "tty");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_good_packets),
                cmocka_unit_test(test_bad_packets),
                cmocka_unit_test(test_send_cuts_into_packets),
                cmocka_unit_test(test_type_table),
                cmocka_unit_test(test_exec_request),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
