/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>

#include "macro.h"
#include "sync-channel.h"

void sync_send_error(int fd, int error, int exit_code, const char *format, ...) {
        SyncMessage m = {.error = error, .exit_code = exit_code};
        va_list ap;

        va_start(ap, format);
        (void)vsnprintf(m.text, sizeof(m.text), format, ap);
        va_end(ap);
        (void)send(fd, &m, sizeof(m), MSG_NOSIGNAL);
}

int sync_receive(int fd, bool *ret_exec_ok, SyncMessage *ret) {
        ssize_t n;

        do
                n = recv(fd, ret, sizeof(*ret), 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if (n == 0) {
                *ret_exec_ok = true;
                return 0;
        }
        if ((size_t)n != sizeof(*ret))
                return -EBADMSG;
        ret->text[sizeof(ret->text) - 1] = 0;
        *ret_exec_ok = false;
        return 0;
}
