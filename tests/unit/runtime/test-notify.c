/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "macro.h"
#include "notify.h"

static int bind_socket(int type, const char *path, bool abstract) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        socklen_t len;
        int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

        assert_true(fd >= 0);
        strcpy(sa.sun_path + (abstract ? 1 : 0), path);
        len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
        if (!abstract)
                (void)unlink(path);
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
        return fd;
}

static void test_notify_send(void **state) {
        char path[64], buf[80];
        int fd;
        ssize_t n;

        assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
        assert_int_equal(notify_send("READY=1"), 0);
        assert_int_equal(notify_barrier(1000), 0);

        snprintf(path, sizeof(path), "/tmp/berth-test-notify-%i", (int)getpid());
        fd = bind_socket(SOCK_DGRAM, path, false);
        assert_int_equal(setenv("NOTIFY_SOCKET", path, 1), 0);
        assert_int_equal(notify_send("READY=1"), 1);
        n = recv(fd, buf, sizeof(buf), 0);
        assert_int_equal(n, 7);
        assert_memory_equal(buf, "READY=1", 7);
        close(fd);
        unlink(path);

        /* The abstract namespace: "@name". */
        snprintf(path, sizeof(path), "berth-test-notify-%i", (int)getpid());
        fd = bind_socket(SOCK_DGRAM, path, true);
        snprintf(buf, sizeof(buf), "@%s", path);
        assert_int_equal(setenv("NOTIFY_SOCKET", buf, 1), 0);
        assert_int_equal(notify_send("STATUS=x"), 1);
        n = recv(fd, buf, sizeof(buf), 0);
        assert_int_equal(n, 8);
        close(fd);

        assert_int_equal(setenv("NOTIFY_SOCKET", "relative/path", 1), 0);
        assert_int_equal(notify_send("READY=1"), -EINVAL);
        unsetenv("NOTIFY_SOCKET");
}

static void test_notify_barrier(void **state) {
        char path[64];
        pid_t pid;
        int fd, status;

        snprintf(path, sizeof(path), "/tmp/berth-test-barrier-%i", (int)getpid());
        fd = bind_socket(SOCK_DGRAM, path, false);
        assert_int_equal(setenv("NOTIFY_SOCKET", path, 1), 0);

        /* Nobody processes the message: the pipe's end stays open in flight. */
        assert_int_equal(notify_barrier(100000), -ETIMEDOUT);
        {
                char drop[64];
                assert_true(recv(fd, drop, sizeof(drop), 0) > 0); /* its fd is closed with the message */
        }

        /* A manager that receives BARRIER=1 and closes the fd. */
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                union {
                        struct cmsghdr h;
                        uint8_t buf[CMSG_SPACE(sizeof(int))];
                } control;
                char buf[64];
                struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
                struct msghdr mh = {
                        .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = &control,
                        .msg_controllen = sizeof(control)};
                ssize_t n = recvmsg(fd, &mh, 0);
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                int passed;

                if (n != 9 || memcmp(buf, "BARRIER=1", 9) != 0 || !c || c->cmsg_type != SCM_RIGHTS)
                        _exit(1);
                memcpy(&passed, CMSG_DATA(c), sizeof(int));
                close(passed);
                _exit(0);
        }
        assert_int_equal(notify_barrier(5000000), 1);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        close(fd);
        unlink(path);
        unsetenv("NOTIFY_SOCKET");
}

static void test_journal_stream(void **state) {
        /* Only the refusals can be tested without journald; the integration tests see the lines arrive. */
        assert_int_equal(journal_stream_open("x", 8, false), -EINVAL);
        assert_int_equal(journal_stream_open("x", -1, false), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_notify_send),
                cmocka_unit_test(test_notify_barrier),
                cmocka_unit_test(test_journal_stream),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
