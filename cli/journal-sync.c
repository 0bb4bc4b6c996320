/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "fileio.h"
#include "journal-sync.h"
#include "log.h"
#include "macro.h"

#define JOURNAL_VARLINK_SOCKET "/run/systemd/journal/io.systemd.journal"
#define JOURNAL_SYNC_TIMEOUT_SEC 10
#define JOURNAL_SYNC_REPLY_MAX 4096

int journal_sync(void) {
        static const char request[] = "{\"method\":\"io.systemd.Journal.Synchronize\",\"parameters\":{}}";
        struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = JOURNAL_VARLINK_SOCKET};
        struct timeval tv = {.tv_sec = JOURNAL_SYNC_TIMEOUT_SEC};
        char reply[JOURNAL_SYNC_REPLY_MAX];
        _cleanup_close_ int fd = -EBADF;
        size_t n = 0;
        int r;

        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
                return -errno;
        if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0)
                return log_debug_errno(
                        errno, "Cannot ask journald to sync (%s): %m", JOURNAL_VARLINK_SOCKET);

        /* A Varlink message is JSON ended by a NUL byte. */
        r = loop_write(fd, request, sizeof(request));
        if (r < 0)
                return log_debug_errno(r, "Failed to ask journald to sync: %m");

        while (n < sizeof(reply)) {
                ssize_t k = read(fd, reply + n, sizeof(reply) - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return log_debug_errno(errno, "No answer from journald to the sync: %m");
                if (k == 0)
                        return log_debug_errno(ECONNRESET, "journald closed the connection during the sync");
                if (memchr(reply + n, 0, (size_t)k)) {
                        if (memmem(reply, n + (size_t)k, "\"error\"", STRLEN("\"error\"")))
                                return log_debug_errno(EIO, "journald refused to sync: %s", reply);
                        return 0;
                }
                n += (size_t)k;
        }
        return log_debug_errno(EBADMSG, "journald's answer to the sync is too long");
}
