/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-util.h"
#include "log.h"
#include "strv.h"
#include "transfer-wait.h"

/* Signals that came before the call answered (they may be ours) are kept, up to this many. */
#define PENDING_MAX 4096U

typedef struct PendingLayer {
        char *path, *digest, *status;
        uint64_t done, total;
} PendingLayer;

typedef struct TransferWait {
        const char *what; /* "pull", "push" */
        char *path;       /* our transfer, once the call answered */
        TransferLayerFunction on_layer;
        void *userdata;
        PendingLayer *pending;
        size_t n_pending;
        bool finished;
        TransferResult *result;
        /* Finished of any transfer before path was known */
        char **finished_paths;
        char **finished_results; /* "updated\nid\ndigest\nerror" */
} TransferWait;

static volatile sig_atomic_t interrupted = 0;

void transfer_result_done(TransferResult *r) {
        free(r->image_id);
        free(r->digest);
        free(r->error);
        *r = (TransferResult){};
}

static void transfer_wait_done(TransferWait *w) {
        free(w->path);
        for (size_t i = 0; i < w->n_pending; i++) {
                free(w->pending[i].path);
                free(w->pending[i].digest);
                free(w->pending[i].status);
        }
        free(w->pending);
        strv_free(w->finished_paths);
        strv_free(w->finished_results);
}

static int on_layer_progress(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        TransferWait *w = userdata;
        const char *path = sd_bus_message_get_path(m), *digest, *status;
        uint64_t done, total;
        PendingLayer *p;

        if (sd_bus_message_read(m, "sstt", &digest, &status, &done, &total) < 0)
                return 0;
        if (w->path)
                return streq(path, w->path) ? w->on_layer(digest, status, done, total, w->userdata) : 0;
        if (w->n_pending >= PENDING_MAX)
                return 0;
        p = realloc(w->pending, (w->n_pending + 1) * sizeof(PendingLayer));
        if (!p)
                return -ENOMEM;
        w->pending = p;
        p = &w->pending[w->n_pending];
        *p = (PendingLayer){
                .path = strdup(path),
                .digest = strdup(digest),
                .status = strdup(status),
                .done = done,
                .total = total};
        w->n_pending++;
        return p->path && p->digest && p->status ? 0 : -ENOMEM;
}

static int take_result(TransferWait *w, const char *id, const char *digest, bool updated, const char *err) {
        w->finished = true;
        *w->result = (TransferResult){
                .image_id = strdup(id), .digest = strdup(digest), .updated = updated, .error = strdup(err)};
        return w->result->image_id && w->result->digest && w->result->error ? 0 : -ENOMEM;
}

static int on_finished(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        TransferWait *w = userdata;
        const char *path = sd_bus_message_get_path(m), *id, *digest, *err;
        char *text = NULL;
        int updated;

        if (sd_bus_message_read(m, "ssbs", &id, &digest, &updated, &err) < 0)
                return 0;
        if (w->path)
                return streq(path, w->path) ? take_result(w, id, digest, updated, err) : 0;
        if (asprintf(&text, "%d\n%s\n%s\n%s", updated, id, digest, err) < 0)
                return -ENOMEM;
        if (strv_extend(&w->finished_paths, path) < 0 || strv_consume(&w->finished_results, text) < 0)
                return -ENOMEM;
        return 0;
}

static int on_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        TransferWait *w = userdata;
        const char *name, *old_owner, *new_owner;
        _cleanup_free_ char *text = NULL;

        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0 || !isempty(new_owner))
                return 0;
        /* berthd went away with our transfer. */
        if (asprintf(&text, "berthd stopped during the %s", w->what) < 0)
                return -ENOMEM;
        return take_result(w, "", "", false, text);
}

/* Our path is known: what came for it before. */
static int replay(TransferWait *w) {
        for (size_t i = 0; i < w->n_pending; i++)
                if (streq(w->pending[i].path, w->path)) {
                        PendingLayer *p = &w->pending[i];
                        int r = w->on_layer(p->digest, p->status, p->done, p->total, w->userdata);
                        if (r < 0)
                                return r;
                }
        for (size_t i = 0; w->finished_paths && w->finished_paths[i]; i++)
                if (streq(w->finished_paths[i], w->path)) {
                        char *fields[4] = {w->finished_results[i]};
                        for (size_t k = 1; k < 4; k++) {
                                fields[k] = strchr(fields[k - 1], '\n');
                                if (!fields[k])
                                        return -EBADMSG;
                                *fields[k]++ = 0;
                        }
                        return take_result(w, fields[1], fields[2], fields[0][0] == '1', fields[3]);
                }
        return 0;
}

static void on_interrupt(int sig) {
        interrupted++;
}

static int wait_for_result(sd_bus *bus, TransferWait *w) {
        bool cancelling = false;
        int r;

        while (!w->finished) {
                if (interrupted && !cancelling) {
                        /* Ctrl-C: the transfer stops; a second one does not wait. */
                        cancelling = true;
                        (void)bus_call(bus, w->path, TRANSFER_IFACE, "Cancel", 0, NULL, NULL, NULL);
                }
                if (interrupted > 1)
                        return -EINTR;
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                r = sd_bus_wait(bus, UINT64_MAX);
                if (r < 0 && r != -EINTR)
                        return r;
        }
        return cancelling ? -EINTR : 0;
}

int transfer_call_and_wait(
        sd_bus *bus,
        sd_bus_message *call,
        const char *what,
        TransferLayerFunction on_layer,
        void *userdata,
        TransferResult *ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(transfer_wait_done)
                TransferWait w = {.what = what, .on_layer = on_layer, .userdata = userdata, .result = ret};
        struct sigaction sa = {.sa_handler = on_interrupt};
        const char *path;
        int r;

        *ret = (TransferResult){};
        /* Subscribe before starting, so that nothing early is missed. */
        r = sd_bus_match_signal(
                bus, NULL, BERTH_BUS_NAME, NULL, TRANSFER_IFACE, "LayerProgress", on_layer_progress, &w);
        if (r >= 0)
                r = sd_bus_match_signal(
                        bus, NULL, BERTH_BUS_NAME, NULL, TRANSFER_IFACE, "Finished", on_finished, &w);
        if (r >= 0)
                r = sd_bus_add_match(
                        bus,
                        NULL,
                        "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
                        "member='NameOwnerChanged',arg0='" BERTH_BUS_NAME "'",
                        on_owner_changed,
                        &w);
        if (r < 0)
                return bus_log_call_error("", NULL, r), r;

        r = sd_bus_call(bus, call, BUS_TIMEOUT_LONG_USEC, &error, &reply);
        if (r < 0)
                return bus_log_call_error("", &error, r), r;
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return bus_log_call_error("", NULL, r), r;
        w.path = strdup(path);
        if (!w.path)
                return log_oom();
        r = replay(&w);
        if (r < 0)
                return log_error_errno(r, "Cannot follow the transfer: %m");

        (void)sigaction(SIGINT, &sa, NULL);
        r = wait_for_result(bus, &w);
        if (r < 0 && r != -EINTR)
                bus_log_call_error("", NULL, r);
        return r;
}

int transfer_reference_names(const char *arg, char **ret_with_tag, char **ret_full) {
        _cleanup_free_ char *name = NULL;
        const char *last = strrchr(arg, '/'), *slash;
        bool has_domain;
        int r;

        if (strchr(arg, '@') || strchr(last ?: arg, ':'))
                name = strdup(arg);
        else if (asprintf(&name, "%s:latest", arg) < 0)
                name = NULL;
        if (!name)
                return -ENOMEM;

        slash = strchr(name, '/');
        has_domain = slash && (memchr(name, '.', slash - name) || memchr(name, ':', slash - name) ||
                               strncmp(name, "localhost/", 10) == 0);
        if (has_domain)
                r = asprintf(ret_full, "%s", name);
        else if (slash)
                r = asprintf(ret_full, "docker.io/%s", name);
        else
                r = asprintf(ret_full, "docker.io/library/%s", name);
        if (r < 0)
                return -ENOMEM;
        *ret_with_tag = TAKE_PTR(name);
        return 0;
}
