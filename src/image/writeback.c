/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "writeback.h"

struct Writeback {
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t cond; /* signalled to stop */
        int fd;
        bool stopping; /* under lock */
};

static void *writeback_thread(void *userdata) {
        Writeback *w = userdata;

        pthread_mutex_lock(&w->lock);
        for (;;) {
                struct timespec until;

                (void)clock_gettime(CLOCK_MONOTONIC, &until);
                until.tv_nsec += WRITEBACK_INTERVAL_MSEC * 1000000L;
                until.tv_sec += until.tv_nsec / 1000000000L;
                until.tv_nsec %= 1000000000L;
                while (!w->stopping && pthread_cond_timedwait(&w->cond, &w->lock, &until) == 0)
                        ;
                if (w->stopping)
                        break;
                pthread_mutex_unlock(&w->lock);
                (void)syncfs(w->fd); /* errors are the commit's syncfs() to report */
                pthread_mutex_lock(&w->lock);
        }
        pthread_mutex_unlock(&w->lock);
        return NULL;
}

int writeback_new(int fd, Writeback **ret) {
        pthread_condattr_t attr;
        Writeback *w;
        int r;

        w = calloc(1, sizeof(Writeback));
        if (!w)
                return -ENOMEM;
        w->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (w->fd < 0) {
                free(w);
                return -errno;
        }
        pthread_mutex_init(&w->lock, NULL);
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(&w->cond, &attr);
        pthread_condattr_destroy(&attr);
        r = pthread_create(&w->thread, NULL, writeback_thread, w);
        if (r != 0) {
                pthread_mutex_destroy(&w->lock);
                pthread_cond_destroy(&w->cond);
                safe_close(w->fd);
                free(w);
                return -r;
        }
        *ret = w;
        return 0;
}

Writeback *writeback_free(Writeback *w) {
        if (!w)
                return NULL;
        pthread_mutex_lock(&w->lock);
        w->stopping = true;
        pthread_cond_signal(&w->cond);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL);
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->cond);
        safe_close(w->fd);
        free(w);
        return NULL;
}
