/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus-transfer.h"
#include "bus-util.h"
#include "events.h"
#include "fileio.h"
#include "log.h"
#include "registry-pull.h"
#include "strv.h"

#define TRANSFER_RESULT_MAX 8192U

typedef struct Transfer {
        Manager *manager;
        unsigned id;
        char *path;
        char *reference;
        const char *state; /* "running", "done", "failed", "cancelled" */
        double progress;
        uint64_t bytes_done, bytes_total;
        pid_t pid;
        int fd;
        sd_event_source *io;
        sd_bus_slot *slot;
        char **images_before;
} Transfer;

static unsigned transfer_counter = 0;

static Transfer *transfer_free(Transfer *t) {
        if (!t)
                return NULL;
        sd_event_source_disable_unref(t->io);
        sd_bus_slot_unref(t->slot);
        if (t->fd >= 0)
                close(t->fd);
        if (t->pid > 0) {
                (void)kill(t->pid, SIGKILL);
                (void)waitpid(t->pid, NULL, 0);
        }
        free(t->path);
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

static void registry_options_done(RegistryOptions *o) {
        o->mirrors = strv_free(o->mirrors);
        o->insecure = strv_free(o->insecure);
}

/* The worker: pulls, writes "OK <id> <manifest digest>" or "ERR <message>" to fd, exits. */
static _Noreturn void transfer_worker(Manager *m, const char *reference, int fd) {
        _cleanup_(registry_options_done) RegistryOptions o = {};
        _cleanup_free_ char *id = NULL, *manifest = NULL, *text = NULL;
        int r;

        (void)registry_options_load(BERTH_CONFIG_DIR "/daemon.json", &o);
        log_reset_first_error();
        r = image_store_pull(m->image_store, reference, &o, &id, &manifest);
        if (r < 0) {
                const char *reason = log_first_error();
                if (reason)
                        r = asprintf(&text, "ERR %s", reason);
                else {
                        errno = -r;
                        r = asprintf(&text, "ERR Failed to pull %s: %m", reference);
                }
        } else
                r = asprintf(&text, "OK %s %s", id, manifest);
        if (r >= 0)
                (void)loop_write(fd, text, strlen(text));
        _exit(r >= 0 && strncmp(text, "OK ", 3) == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}

static void transfer_finish(Transfer *t, const char *result) {
        Manager *m = t->manager;
        const char *id = "", *manifest = "", *error = "";
        _cleanup_free_ char *copy = NULL;

        copy = strdup(result ?: "");
        if (copy && strncmp(copy, "OK ", 3) == 0) {
                char *sp;
                id = copy + 3;
                sp = strchr(id, ' ');
                if (sp) {
                        *sp = 0;
                        manifest = sp + 1;
                }
                t->state = "done";
                t->progress = 1.0;
        } else {
                error = copy && strncmp(copy, "ERR ", 4) == 0 ? copy + 4 : "The pull worker failed.";
                if (!streq(t->state, "cancelled"))
                        t->state = "failed";
                if (streq(t->state, "cancelled"))
                        error = "Transfer cancelled.";
        }

        if (!isempty(id)) {
                _cleanup_strv_free_ char **after = NULL;
                if (list_ids(m->image_store, &after) >= 0)
                        STRV_FOREACH (i, after) {
                                _cleanup_free_ char *path = NULL;
                                if (strv_contains(t->images_before, *i))
                                        continue;
                                if (asprintf(&path, BERTH_IMAGE_PREFIX "/%s", *i + strlen("sha256:")) < 0)
                                        continue;
                                (void)sd_bus_emit_signal(
                                        m->bus,
                                        BERTH_MANAGER_PATH,
                                        BERTH_MANAGER_IFACE,
                                        "ImageNew",
                                        "so",
                                        *i,
                                        path);
                        }
                manager_emit_event(m, "image", "pull", id, "name", t->reference, NULL);
        }

        (void)sd_bus_emit_properties_changed(
                m->bus, t->path, BERTH_TRANSFER_IFACE, "State", "Progress", NULL);
        (void)sd_bus_emit_signal(
                m->bus, t->path, BERTH_TRANSFER_IFACE, "Finished", "sss", id, manifest, error);
        (void)sd_bus_emit_signal(
                m->bus,
                BERTH_MANAGER_PATH,
                BERTH_MANAGER_IFACE,
                "TransferRemoved",
                "uos",
                t->id,
                t->path,
                t->state);
        transfer_free(t);
}

static int transfer_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Transfer *t = userdata;
        _cleanup_free_ char *text = NULL;
        size_t size = 0;

        /* The worker writes its one result and exits: read to EOF. */
        (void)read_full_fd(fd, TRANSFER_RESULT_MAX, &text, &size);
        if (t->pid > 0) {
                (void)waitpid(t->pid, NULL, 0);
                t->pid = 0;
        }
        transfer_finish(t, text);
        return 0;
}

static int method_cancel(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Transfer *t = userdata;

        if (t->pid > 0) {
                t->state = "cancelled";
                (void)kill(t->pid, SIGKILL);
        }
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
        SD_BUS_PROPERTY("Reference", "s", NULL, offsetof(Transfer, reference), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", property_get_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY(
                "Progress", "d", NULL, offsetof(Transfer, progress), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("BytesDone", "t", NULL, offsetof(Transfer, bytes_done), 0),
        SD_BUS_PROPERTY("BytesTotal", "t", NULL, offsetof(Transfer, bytes_total), 0),
        SD_BUS_METHOD_WITH_ARGS(
                "Cancel", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_cancel, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("Finished", SD_BUS_ARGS("s", image_id, "s", manifest_digest, "s", error), 0),
        SD_BUS_VTABLE_END,
};

int bus_transfer_method_pull(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(transfer_freep) Transfer *t = NULL;
        Manager *m = userdata;
        const char *ref;
        int pipefd[2], r;

        r = bus_read_string(msg, "reference", &ref, error);
        if (r < 0)
                return r;
        r = sd_bus_message_skip(msg, "a{sv}");
        if (r < 0)
                return r;
        if (isempty(ref))
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, "No image reference given.");

        t = calloc(1, sizeof(Transfer));
        if (!t)
                return -ENOMEM;
        t->manager = m;
        t->fd = -EBADF;
        t->state = "running";
        t->id = ++transfer_counter;
        t->reference = strdup(ref);
        if (!t->reference || asprintf(&t->path, BERTH_TRANSFER_PREFIX "/%u", t->id) < 0)
                return -ENOMEM;
        r = list_ids(m->image_store, &t->images_before);
        if (r < 0)
                return r;

        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -errno;
        t->pid = fork();
        if (t->pid < 0) {
                r = -errno;
                close(pipefd[0]);
                close(pipefd[1]);
                return r;
        }
        if (t->pid == 0) {
                close(pipefd[0]);
                transfer_worker(m, t->reference, pipefd[1]);
        }
        close(pipefd[1]);
        t->fd = pipefd[0];

        r = sd_event_add_io(m->event, &t->io, t->fd, EPOLLIN, transfer_on_io, t);
        if (r < 0)
                return r;
        r = sd_bus_add_object_vtable(
                m->bus, &t->slot, t->path, BERTH_TRANSFER_IFACE, bus_transfer_vtable, t);
        if (r < 0)
                return r;

        (void)sd_bus_emit_signal(
                m->bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "TransferNew", "uo", t->id, t->path);
        r = sd_bus_reply_method_return(msg, "o", t->path);
        TAKE_PTR(t);
        return r;
}
