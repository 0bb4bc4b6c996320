/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>

#include "macro.h"
#include "pty.h"

#define PTMX_MAJOR 5
#define PTMX_MINOR 2

static int open_slave(int master, int *ret_slave) {
        int slave;

        if (unlockpt(master) < 0)
                return -errno;
        slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return -errno;
        *ret_slave = slave;
        return 0;
}

static int send_fd(int sock, int fd) {
        SyncMessage m = {};
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov = {.iov_base = &m, .iov_len = sizeof(m)};
        struct msghdr mh = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = &control,
                .msg_controllen = sizeof(control),
        };
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
        if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
                return -errno;
        return 0;
}

int pty_make_controlling(int slave) {
        if (ioctl(slave, TIOCSCTTY, 0) < 0)
                return -errno;
        for (int i = 0; i < 3; i++)
                if (dup2(slave, i) < 0)
                        return -errno;
        if (slave > STDERR_FILENO)
                safe_close(slave);
        return 0;
}

int pty_setup_console(int sync_fd, char **ret_error) {
        _cleanup_close_ int master = -EBADF, slave = -EBADF;
        char name[64];
        const char *step;
        int r;

        step = "open /dev/ptmx";
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0) {
                r = -errno;
                goto fail;
        }
        step = "open the terminal";
        r = open_slave(master, &slave);
        if (r < 0)
                goto fail;
        r = ptsname_r(master, name, sizeof(name));
        if (r != 0) {
                r = -r;
                goto fail;
        }
        /* /dev/console is the container's terminal, as with runc and crun. */
        step = "bind the terminal over /dev/console";
        if (mount(name, "/dev/console", NULL, MS_BIND, NULL) < 0) {
                r = -errno;
                goto fail;
        }
        step = "send the terminal to the runtime";
        r = send_fd(sync_fd, master);
        if (r < 0)
                goto fail;
        step = "make the terminal the controlling terminal";
        r = pty_make_controlling(TAKE_FD(slave));
        if (r < 0)
                goto fail;
        return 0;
fail:
        if (ret_error && asprintf(ret_error, "terminal: %s: %s", step, strerror(-r)) < 0)
                *ret_error = NULL;
        return r;
}

int pty_receive_master(int sync_fd, int *ret_master, bool *ret_failed, SyncMessage *msg) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov = {.iov_base = msg, .iov_len = sizeof(*msg)};
        struct msghdr mh = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = &control,
                .msg_controllen = sizeof(control),
        };
        int fd = -EBADF;
        ssize_t n;

        do
                n = recvmsg(sync_fd, &mh, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
                    c->cmsg_len == CMSG_LEN(sizeof(int)))
                        memcpy(&fd, CMSG_DATA(c), sizeof(int));
        if (n == 0) /* the init went away without a word */
                return -EPIPE;
        if ((size_t)n != sizeof(*msg)) {
                safe_close(fd);
                return -EBADMSG;
        }
        msg->text[sizeof(msg->text) - 1] = 0;
        if (fd < 0) {
                *ret_failed = true;
                *ret_master = -EBADF;
                return 0;
        }
        *ret_failed = false;
        *ret_master = fd;
        return 0;
}

int pty_open_in_container(pid_t pid, int *ret_master, int *ret_slave) {
        _cleanup_close_ int root = -EBADF, master = -EBADF;
        struct open_how how = {
                .flags = O_RDWR | O_NOCTTY | O_CLOEXEC,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        char path[64];
        struct stat st;
        int r;

        (void)snprintf(path, sizeof(path), "/proc/%i/root", (int)pid);
        root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return -errno;
        /* The ptmx node of the container's devpts instance (its /dev/ptmx is a symlink to it). */
        master = (int)syscall(SYS_openat2, root, "dev/pts/ptmx", &how, sizeof(how));
        if (master < 0)
                return -errno;
        if (fstat(master, &st) < 0)
                return -errno;
        if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != PTMX_MAJOR || minor(st.st_rdev) != PTMX_MINOR)
                return -ENOTTY;
        r = open_slave(master, ret_slave);
        if (r < 0)
                return r;
        *ret_master = TAKE_FD(master);
        return 0;
}

int pty_resize(int master, unsigned rows, unsigned cols) {
        struct winsize w = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};

        if (ioctl(master, TIOCSWINSZ, &w) < 0)
                return -errno;
        return 0;
}
