/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dlfcn.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#include "log.h"
#include "notify.h"

typedef struct Libsystemd {
        void *handle;
        __typeof__(&sd_notify) notify;
        __typeof__(&sd_notify_barrier) notify_barrier;
        __typeof__(&sd_journal_stream_fd) journal_stream_fd;
} Libsystemd;

static void libsystemd_close(Libsystemd *l) {
        if (l->handle)
                (void)dlclose(l->handle);
}

static int libsystemd_open(Libsystemd *ret) {
        Libsystemd l = {};

        l.handle = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!l.handle)
                return log_debug_errno(ENOPKG, "Cannot load libsystemd: %s", dlerror()), -ENOPKG;
        l.notify = (__typeof__(l.notify))dlsym(l.handle, "sd_notify");
        l.notify_barrier = (__typeof__(l.notify_barrier))dlsym(l.handle, "sd_notify_barrier");
        l.journal_stream_fd = (__typeof__(l.journal_stream_fd))dlsym(l.handle, "sd_journal_stream_fd");
        if (!l.notify || !l.notify_barrier || !l.journal_stream_fd) {
                libsystemd_close(&l);
                return -ENOPKG;
        }
        *ret = l;
        return 0;
}

int notify_send(const char *state) {
        _cleanup_(libsystemd_close) Libsystemd l = {};
        int r = libsystemd_open(&l);

        return r < 0 ? r : l.notify(0, state);
}

int notify_barrier(uint64_t timeout_usec) {
        _cleanup_(libsystemd_close) Libsystemd l = {};
        int r = libsystemd_open(&l);

        return r < 0 ? r : l.notify_barrier(0, timeout_usec);
}

int journal_stream_open(const char *identifier, int priority, bool level_prefix) {
        _cleanup_(libsystemd_close) Libsystemd l = {};
        int r = libsystemd_open(&l);

        return r < 0 ? r : l.journal_stream_fd(identifier, priority, level_prefix);
}
