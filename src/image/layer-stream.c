/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/eventfd.h>

#include "layer-stream.h"
#include "log.h"

struct LayerStream {
        pthread_t thread;
        bool started;
        pthread_mutex_t lock;
        pthread_cond_t cond;
        /* under lock */
        uint64_t available, position;
        bool complete, aborted;

        int blob_fd, dir_fd, done_fd;
        LayerLimits limits;
        /* the thread's result, read after done_fd fired */
        int result;
        uint64_t size;
        char diff_id[DIGEST_STRING_LEN + 1];
};

static ssize_t stream_read(void *userdata, void *buf, size_t size) {
        LayerStream *s = userdata;
        uint64_t position;
        ssize_t n;

        pthread_mutex_lock(&s->lock);
        while (s->position >= s->available && !s->complete && !s->aborted)
                pthread_cond_wait(&s->cond, &s->lock);
        if (s->aborted) {
                pthread_mutex_unlock(&s->lock);
                return -ECANCELED;
        }
        size = (size_t)MIN((uint64_t)size, s->available - s->position);
        position = s->position;
        pthread_mutex_unlock(&s->lock);
        if (size == 0)
                return 0;

        n = pread(s->blob_fd, buf, size, (off_t)position);
        if (n < 0)
                return -errno;
        if (n == 0)
                return -EIO; /* the file shrank under us */
        pthread_mutex_lock(&s->lock);
        s->position += (uint64_t)n;
        pthread_mutex_unlock(&s->lock);
        return n;
}

static void *stream_thread(void *userdata) {
        LayerStream *s = userdata;
        uint64_t one = 1;

        s->result = layer_unpack_stream(stream_read, s, s->dir_fd, &s->limits, &s->size, s->diff_id);
        (void)write(s->done_fd, &one, sizeof(one));
        return NULL;
}

int layer_stream_start(
        int blob_fd,
        uint64_t available,
        bool complete,
        int dir_fd,
        const LayerLimits *limits,
        LayerStream **ret) {
        _cleanup_(layer_stream_freep) LayerStream *s = NULL;
        int r;

        s = calloc(1, sizeof(LayerStream));
        if (!s)
                return -ENOMEM;
        s->blob_fd = s->dir_fd = s->done_fd = -EBADF;
        pthread_mutex_init(&s->lock, NULL);
        pthread_cond_init(&s->cond, NULL);
        s->available = available;
        s->complete = complete;
        s->limits = *limits;
        s->blob_fd = fcntl(blob_fd, F_DUPFD_CLOEXEC, 3);
        s->dir_fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
        s->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (s->blob_fd < 0 || s->dir_fd < 0 || s->done_fd < 0)
                return -errno;
        r = pthread_create(&s->thread, NULL, stream_thread, s);
        if (r != 0)
                return -r;
        s->started = true;
        *ret = TAKE_PTR(s);
        return 0;
}

LayerStream *layer_stream_free(LayerStream *s) {
        if (!s)
                return NULL;
        if (s->started) {
                layer_stream_abort(s);
                pthread_join(s->thread, NULL);
        }
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->cond);
        safe_close(s->blob_fd);
        safe_close(s->dir_fd);
        safe_close(s->done_fd);
        free(s);
        return NULL;
}

int layer_stream_fd(LayerStream *s) {
        return s->done_fd;
}

void layer_stream_feed(LayerStream *s, uint64_t available, bool complete) {
        pthread_mutex_lock(&s->lock);
        s->available = available;
        s->complete = complete;
        pthread_cond_signal(&s->cond);
        pthread_mutex_unlock(&s->lock);
}

void layer_stream_abort(LayerStream *s) {
        pthread_mutex_lock(&s->lock);
        s->aborted = true;
        pthread_cond_signal(&s->cond);
        pthread_mutex_unlock(&s->lock);
}

uint64_t layer_stream_position(LayerStream *s) {
        uint64_t p;

        pthread_mutex_lock(&s->lock);
        p = s->position;
        pthread_mutex_unlock(&s->lock);
        return p;
}

int layer_stream_result(LayerStream *s, uint64_t *ret_size, char ret_diff_id[static DIGEST_STRING_LEN + 1]) {
        /* The thread wrote the result before it signalled: joining orders the memory. */
        if (s->started) {
                pthread_join(s->thread, NULL);
                s->started = false;
        }
        if (s->result < 0)
                return s->result;
        *ret_size = s->size;
        memcpy(ret_diff_id, s->diff_id, DIGEST_STRING_LEN + 1);
        return 0;
}
