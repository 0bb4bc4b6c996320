/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-image-save.h"
#include "archive-save.h"
#include "bus-errors.h"
#include "bus-util.h"
#include "events.h"
#include "log.h"
#include "manager.h"
#include "strv.h"
#include "worker.h"

typedef struct SaveJob {
        Manager *manager;
        sd_bus_message *call; /* answered when the archive is complete; it also holds the fd */
        SaveSet set;
        ImageArchiveFormat format;
        int fd;
} SaveJob;

static SaveJob *save_job_free(SaveJob *j) {
        if (!j)
                return NULL;
        sd_bus_message_unref(j->call);
        save_set_done(&j->set);
        free(j);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(SaveJob *, save_job_free);

static int save_run(void *userdata, char **ret_result) {
        SaveJob *j = userdata;
        return image_store_write_archive(j->manager->image_store, &j->set, j->format, j->fd);
}

static void save_done(int error, const char *text, void *userdata) {
        _cleanup_(save_job_freep) SaveJob *j = userdata;
        int r;

        if (error < 0)
                r = sd_bus_reply_method_errorf(j->call, BERTH_ERROR_INVALID_IMAGE, "%s", text);
        else {
                for (size_t i = 0; i < j->set.n; i++) {
                        const SaveImage *s = &j->set.images[i];
                        manager_emit_event(
                                j->manager,
                                "image",
                                "save",
                                s->id,
                                "name",
                                s->tags ? s->tags[0] : s->id,
                                NULL);
                }
                r = sd_bus_reply_method_return(j->call, NULL);
        }
        if (r < 0)
                log_warning_errno(r, "Cannot answer SaveImages: %m");
}

static int refuse_option(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Unknown option: %s", key);
}

int bus_image_method_save(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(save_job_freep) SaveJob *j = NULL;
        _cleanup_strv_free_ char **names = NULL;
        const char *format, *bad = NULL;
        Manager *m = userdata;
        Worker *w;
        int r;

        j = calloc(1, sizeof(SaveJob));
        if (!j)
                return -ENOMEM;
        j->manager = m;

        r = bus_read_strv(msg, "names", &names, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(msg, "h", &j->fd);
        if (r < 0)
                return r;
        r = bus_read_string(msg, "format", &format, error);
        if (r < 0)
                return r;
        r = bus_read_dict(msg, refuse_option, NULL, error);
        if (r < 0)
                return r;

        if (!names)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, "No image names given.");
        j->format = isempty(format) ? IMAGE_ARCHIVE_DOCKER : image_archive_format_from_string(format);
        if (j->format < 0)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_INVALID_ARGUMENT,
                        "Unknown archive format \"%s\" (docker-archive or oci-archive).",
                        format);

        r = image_store_resolve_save(m->image_store, names, &j->set, &bad);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, BERTH_ERROR_NO_SUCH_IMAGE, "No such image: %s", bad);
        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_AMBIGUOUS, "Image reference '%s' is ambiguous", bad);
        if (r == -EINVAL)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "invalid reference format: %s", bad ?: "");
        if (r < 0)
                return r;

        j->call = sd_bus_message_ref(msg);
        r = worker_start(m->event, save_run, save_done, j, &w);
        if (r < 0)
                return r;
        TAKE_PTR(j);
        return 1;
}
