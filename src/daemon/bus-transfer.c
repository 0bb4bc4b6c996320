/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-transfer.h"
#include "bus-util.h"
#include "events.h"
#include "log.h"
#include "strv.h"

/* PropertiesChanged of the byte counters at most this often. */
#define TRANSFER_CHANGED_INTERVAL_USEC (250U * 1000U)
#define TRANSFER_LAYERS_MAX 1024U

typedef struct TransferLayer {
        char *digest;
        uint64_t moved, total; /* bytes downloaded or uploaded */
        bool present;          /* "Already exists": not part of the bytes to move */
} TransferLayer;

typedef struct Transfer {
        Manager *manager;
        unsigned id;
        char *path;
        char *type;
        char *reference;
        const char *state; /* "running", "done", "failed", "cancelled" */
        double progress;
        uint64_t bytes_done, bytes_total;
        uint64_t changed_usec;
        Worker *worker;
        sd_bus_slot *slot;
        char **images_before;
        TransferLayer *layers;
        size_t n_layers;
        WorkerFunction run;
        void *userdata;
        void (*free_userdata)(void *);
} Transfer;

static unsigned transfer_counter = 0;

static Transfer *transfer_free(Transfer *t) {
        if (!t)
                return NULL;
        worker_free(t->worker);
        sd_bus_slot_unref(t->slot);
        for (size_t i = 0; i < t->n_layers; i++)
                free(t->layers[i].digest);
        free(t->layers);
        if (t->free_userdata)
                t->free_userdata(t->userdata);
        free(t->path);
        free(t->type);
        free(t->reference);
        strv_free(t->images_before);
        free(t);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Transfer *, transfer_free);

static int list_ids(ImageStore *store, char ***ret) {
        _cleanup_strv_free_ char **ids = NULL;
        Image **images = NULL;
        size_t n = 0;
        int r;

        r = image_store_list(store, &images, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n && r >= 0; i++)
                r = strv_extend(&ids, images[i]->id);
        image_list_free(images, n);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(ids);
        return 0;
}

void transfer_on_layer_progress(
        const char *digest, const char *status, uint64_t done, uint64_t total, void *userdata) {
        (void)worker_send_progress("L %" PRIu64 " %" PRIu64 " %s %s", done, total, digest, status);
}

static TransferLayer *transfer_layer(Transfer *t, const char *digest) {
        TransferLayer *l;

        for (size_t i = 0; i < t->n_layers; i++)
                if (streq(t->layers[i].digest, digest))
                        return &t->layers[i];
        if (t->n_layers >= TRANSFER_LAYERS_MAX)
                return NULL;
        l = realloc(t->layers, (t->n_layers + 1) * sizeof(TransferLayer));
        if (!l)
                return NULL;
        t->layers = l;
        l = &t->layers[t->n_layers];
        *l = (TransferLayer){.digest = strdup(digest)};
        if (!l->digest)
                return NULL;
        t->n_layers++;
        return l;
}

static void transfer_update_counters(Transfer *t, bool force) {
        uint64_t done = 0, total = 0, now = 0;

        for (size_t i = 0; i < t->n_layers; i++)
                if (!t->layers[i].present) {
                        done += t->layers[i].moved;
                        total += t->layers[i].total;
                }
        t->bytes_done = done;
        t->bytes_total = total;
        t->progress = total > 0 ? (double)done / (double)total : 0.0;
        (void)sd_event_now(t->manager->event, CLOCK_MONOTONIC, &now);
        if (!force && now < t->changed_usec + TRANSFER_CHANGED_INTERVAL_USEC)
                return;
        t->changed_usec = now;
        (void)sd_bus_emit_properties_changed(
                t->manager->bus, t->path, BERTH_TRANSFER_IFACE, "Progress", "BytesDone", "BytesTotal", NULL);
}

/* "L <done> <total> <digest> <status…>" from the worker. */
static void transfer_on_progress(const char *line, void *userdata) {
        Transfer *t = userdata;
        uint64_t done, total;
        char digest[128];
        int consumed = 0;
        const char *status;
        TransferLayer *l;

        if (sscanf(line, "L %" SCNu64 " %" SCNu64 " %127s %n", &done, &total, digest, &consumed) != 3 ||
            consumed == 0)
                return;
        status = line + consumed;
        l = transfer_layer(t, digest);
        if (!l)
                return;
        /* Layers that move no bytes (and push's manifest record) are not part of the totals. */
        l->present = streq(status, "Already exists") || streq(status, "Layer already exists") ||
                     strncmp(status, "Mounted from ", 13) == 0 || streq(status, "Manifest pushed");
        if (total > 0)
                l->total = total;
        if (streq(status, "Downloading") || streq(status, "Pushing") || streq(status, "Retrying"))
                l->moved = done;
        else if (!streq(status, "Waiting") && !streq(status, "Preparing"))
                l->moved = l->total; /* moved: verifying, extracting, complete, pushed */
        (void)sd_bus_emit_signal(
                t->manager->bus,
                t->path,
                BERTH_TRANSFER_IFACE,
                "LayerProgress",
                "sstt",
                digest,
                status,
                done,
                total);
        transfer_update_counters(t, false);
}

static void transfer_emit_new_images(Transfer *t, const char *id) {
        Manager *m = t->manager;
        _cleanup_strv_free_ char **after = NULL;

        if (list_ids(m->image_store, &after) < 0)
                return;
        STRV_FOREACH (i, after) {
                _cleanup_free_ char *path = NULL;
                if (strv_contains(t->images_before, *i))
                        continue;
                if (asprintf(&path, BERTH_IMAGE_PREFIX "/%s", *i + strlen("sha256:")) < 0)
                        continue;
                (void)sd_bus_emit_signal(
                        m->bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "ImageNew", "so", *i, path);
        }
        manager_emit_event(m, "image", t->type, id, "name", t->reference, NULL);
}

static void transfer_on_done(int error, const char *text, void *userdata) {
        _cleanup_(transfer_freep) Transfer *t = userdata;
        _cleanup_free_ char *id = NULL, *digest = NULL;
        Manager *m = t->manager;
        int updated = 0;

        t->worker = NULL; /* frees itself after this */
        if (error >= 0 && sscanf(text, "%ms %ms %d", &id, &digest, &updated) == 3) {
                t->state = "done";
                transfer_update_counters(t, true);
                t->progress = 1.0;
                transfer_emit_new_images(t, id);
        } else if (error == -ECANCELED) {
                t->state = "cancelled";
                text = "Transfer cancelled.";
        } else {
                t->state = "failed";
                if (error >= 0)
                        text = "The transfer worker sent no result.";
        }

        (void)sd_bus_emit_properties_changed(
                m->bus, t->path, BERTH_TRANSFER_IFACE, "State", "Progress", "BytesDone", "BytesTotal", NULL);
        (void)sd_bus_emit_signal(
                m->bus,
                t->path,
                BERTH_TRANSFER_IFACE,
                "Finished",
                "ssbs",
                id ?: "",
                digest ?: "",
                updated != 0,
                streq(t->state, "done") ? "" : text);
        (void)sd_bus_emit_signal(
                m->bus,
                BERTH_MANAGER_PATH,
                BERTH_MANAGER_IFACE,
                "TransferRemoved",
                "uos",
                t->id,
                t->path,
                t->state);
}

static int transfer_run(void *userdata, char **ret_result) {
        Transfer *t = userdata;
        return t->run(t->userdata, ret_result);
}

static int method_cancel(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Transfer *t = userdata;

        if (t->worker)
                worker_cancel(t->worker);
        return sd_bus_reply_method_return(msg, NULL);
}

static int property_get_state(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        Transfer *t = userdata;
        return sd_bus_message_append(reply, "s", t->state);
}

const sd_bus_vtable bus_transfer_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Id", "u", NULL, offsetof(Transfer, id), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Type", "s", NULL, offsetof(Transfer, type), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Reference", "s", NULL, offsetof(Transfer, reference), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", property_get_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY(
                "Progress", "d", NULL, offsetof(Transfer, progress), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY(
                "BytesDone", "t", NULL, offsetof(Transfer, bytes_done), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY(
                "BytesTotal",
                "t",
                NULL,
                offsetof(Transfer, bytes_total),
                SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD_WITH_ARGS(
                "Cancel", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_cancel, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS(
                "LayerProgress", SD_BUS_ARGS("s", digest, "s", status, "t", done, "t", total), 0),
        SD_BUS_SIGNAL_WITH_ARGS(
                "Finished", SD_BUS_ARGS("s", image_id, "s", manifest_digest, "b", updated, "s", error), 0),
        SD_BUS_VTABLE_END,
};

int transfer_start(
        Manager *m,
        const char *type,
        const char *reference,
        WorkerFunction run,
        void *userdata,
        void (*free_userdata)(void *),
        char **ret_path) {
        _cleanup_(transfer_freep) Transfer *t = NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        t = calloc(1, sizeof(Transfer));
        if (!t) {
                if (free_userdata)
                        free_userdata(userdata);
                return -ENOMEM;
        }
        t->manager = m;
        t->state = "running";
        t->id = ++transfer_counter;
        t->run = run;
        t->userdata = userdata;
        t->free_userdata = free_userdata;
        t->type = strdup(type);
        t->reference = strdup(reference);
        if (!t->type || !t->reference || asprintf(&t->path, BERTH_TRANSFER_PREFIX "/%u", t->id) < 0 ||
            !(path = strdup(t->path)))
                return -ENOMEM;
        r = list_ids(m->image_store, &t->images_before);
        if (r < 0)
                return r;
        r = sd_bus_add_object_vtable(
                m->bus, &t->slot, t->path, BERTH_TRANSFER_IFACE, bus_transfer_vtable, t);
        if (r < 0)
                return r;
        r = worker_start_with_progress(
                m->event, transfer_run, transfer_on_progress, transfer_on_done, t, &t->worker);
        if (r < 0)
                return r;

        (void)sd_bus_emit_signal(
                m->bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "TransferNew", "uo", t->id, t->path);
        *ret_path = TAKE_PTR(path);
        TAKE_PTR(t); /* freed by transfer_on_done() */
        return 0;
}
