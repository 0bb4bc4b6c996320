/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/epoll.h>

#include "curl-event.h"
#include "log.h"

struct CurlEvent {
        sd_event *event;
        CURLM *multi;
        sd_event_source *timer;
        CurlDoneFunction done;
        /* The io sources of curl's sockets, also found through curl_multi_assign(): curl may close its
         * connection cache without telling, so they are freed from here. */
        sd_event_source **ios;
        size_t n_ios;
};

static int ios_add(CurlEvent *g, sd_event_source *s) {
        sd_event_source **l = realloc(g->ios, (g->n_ios + 1) * sizeof(sd_event_source *));

        if (!l)
                return -ENOMEM;
        g->ios = l;
        g->ios[g->n_ios++] = s;
        return 0;
}

static void ios_remove(CurlEvent *g, sd_event_source *s) {
        for (size_t i = 0; i < g->n_ios; i++)
                if (g->ios[i] == s) {
                        g->ios[i] = g->ios[--g->n_ios];
                        break;
                }
        sd_event_source_disable_unref(s);
}

static void process_messages(CurlEvent *g) {
        CURLMsg *msg;
        int left;

        while ((msg = curl_multi_info_read(g->multi, &left))) {
                CURL *h = msg->easy_handle;
                CURLcode result = msg->data.result;
                void *userdata = NULL;

                if (msg->msg != CURLMSG_DONE)
                        continue;
                curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&userdata);
                curl_multi_remove_handle(g->multi, h);
                g->done(h, result, userdata);
        }
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        CurlEvent *g = userdata;
        int action = 0, running;

        if (revents & (EPOLLIN | EPOLLHUP))
                action |= CURL_CSELECT_IN;
        if (revents & EPOLLOUT)
                action |= CURL_CSELECT_OUT;
        if (revents & EPOLLERR)
                action |= CURL_CSELECT_ERR;
        if (curl_multi_socket_action(g->multi, fd, action, &running) != CURLM_OK)
                log_debug("curl_multi_socket_action() failed.");
        process_messages(g);
        return 0;
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userdata, void *socketp) {
        CurlEvent *g = userdata;
        sd_event_source *s = socketp;
        uint32_t events = 0;
        int r;

        if (what == CURL_POLL_REMOVE) {
                if (s) {
                        ios_remove(g, s);
                        curl_multi_assign(g->multi, fd, NULL);
                }
                return 0;
        }
        if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
                events |= EPOLLIN;
        if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
                events |= EPOLLOUT;
        if (s) {
                if (sd_event_source_set_io_events(s, events) < 0)
                        return -1;
                return sd_event_source_set_enabled(s, SD_EVENT_ON) < 0 ? -1 : 0;
        }
        r = sd_event_add_io(g->event, &s, fd, events, on_io, g);
        if (r < 0)
                return -1;
        if (ios_add(g, s) < 0) {
                sd_event_source_disable_unref(s);
                return -1;
        }
        curl_multi_assign(g->multi, fd, s);
        return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        CurlEvent *g = userdata;
        int running;

        if (curl_multi_socket_action(g->multi, CURL_SOCKET_TIMEOUT, 0, &running) != CURLM_OK)
                log_debug("curl_multi_socket_action() failed.");
        process_messages(g);
        return 0;
}

static int on_timeout_change(CURLM *multi, long timeout_ms, void *userdata) {
        CurlEvent *g = userdata;
        uint64_t now;

        if (timeout_ms < 0)
                return sd_event_source_set_enabled(g->timer, SD_EVENT_OFF) < 0 ? -1 : 0;
        if (sd_event_now(g->event, CLOCK_MONOTONIC, &now) < 0)
                return -1;
        if (sd_event_source_set_time(g->timer, now + (uint64_t)timeout_ms * 1000U) < 0 ||
            sd_event_source_set_enabled(g->timer, SD_EVENT_ONESHOT) < 0)
                return -1;
        return 0;
}

int curl_event_new(sd_event *event, CurlDoneFunction done, CurlEvent **ret) {
        _cleanup_(curl_event_freep) CurlEvent *g = NULL;
        int r;

        g = calloc(1, sizeof(CurlEvent));
        if (!g)
                return -ENOMEM;
        g->event = sd_event_ref(event);
        g->done = done;
        g->multi = curl_multi_init();
        if (!g->multi)
                return -ENOMEM;
        /* curl's timeouts are mostly "act now" (0 ms, to start a transfer): with accuracy 0, sd-event's
         * default of 250 ms, each request could wait up to a quarter of a second before it began. */
        r = sd_event_add_time(event, &g->timer, CLOCK_MONOTONIC, UINT64_MAX, 1, on_timer, g);
        if (r < 0)
                return r;
        (void)sd_event_source_set_enabled(g->timer, SD_EVENT_OFF);
        if (curl_multi_setopt(g->multi, CURLMOPT_SOCKETFUNCTION, on_socket) != CURLM_OK ||
            curl_multi_setopt(g->multi, CURLMOPT_SOCKETDATA, g) != CURLM_OK ||
            curl_multi_setopt(g->multi, CURLMOPT_TIMERFUNCTION, on_timeout_change) != CURLM_OK ||
            curl_multi_setopt(g->multi, CURLMOPT_TIMERDATA, g) != CURLM_OK)
                return -EIO;
        *ret = TAKE_PTR(g);
        return 0;
}

CurlEvent *curl_event_free(CurlEvent *g) {
        if (!g)
                return NULL;
        if (g->multi)
                curl_multi_cleanup(g->multi);
        for (size_t i = 0; i < g->n_ios; i++)
                sd_event_source_disable_unref(g->ios[i]);
        free(g->ios);
        sd_event_source_disable_unref(g->timer);
        sd_event_unref(g->event);
        free(g);
        return NULL;
}

int curl_event_add(CurlEvent *g, CURL *handle) {
        return curl_multi_add_handle(g->multi, handle) == CURLM_OK ? 0 : -EIO;
}

void curl_event_remove(CurlEvent *g, CURL *handle) {
        curl_multi_remove_handle(g->multi, handle);
}
