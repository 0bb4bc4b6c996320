/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-errors.h"
#include "bus-push.h"
#include "bus-transfer.h"
#include "bus-util.h"
#include "log.h"
#include "manager.h"
#include "reference.h"
#include "registry-push.h"

typedef struct PushJob {
        Manager *manager;
        char *reference;
        char *auth;
} PushJob;

static void push_job_free(void *userdata) {
        PushJob *j = userdata;

        if (!j)
                return;
        free(j->reference);
        erase_and_free(j->auth);
        free(j);
}

static void push_job_freep(PushJob **j) {
        push_job_free(*j);
}

/* In the worker. */
static int push_run(void *userdata, char **ret_result) {
        PushJob *j = userdata;
        _cleanup_(registry_options_done) RegistryOptions o = {};
        _cleanup_(push_result_done) PushResult result = {};
        PushOptions options = {
                .registry = &o,
                .auth = j->auth,
                .progress = transfer_on_layer_progress,
        };
        int r;

        r = registry_options_load(BERTH_CONFIG_DIR "/daemon.json", &o);
        if (r < 0)
                return r;
        options.cancel_fd = worker_cancel_fd();
        if (options.cancel_fd < 0)
                return log_error_errno(options.cancel_fd, "Cannot watch for a cancel: %m");
        r = image_store_push(j->manager->image_store, j->reference, &options, &result);
        if (r < 0)
                return r;
        return asprintf(ret_result, "%s %s %d", result.image_id, result.digest, result.uploaded) < 0
                       ? -ENOMEM
                       : 0;
}

static int read_option(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        PushJob *j = userdata;

        if (!streq(key, "auth"))
                return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Unknown option: %s", key);
        return bus_read_string_variant(m, key, &j->auth, error);
}

int bus_push_method_push_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(push_job_freep) PushJob *j = NULL;
        _cleanup_free_ char *path = NULL, *normalized = NULL, *repository = NULL, *digest = NULL;
        _cleanup_(image_freep) Image *image = NULL;
        Manager *m = userdata;
        const char *ref;
        int r;

        j = calloc(1, sizeof(PushJob));
        if (!j)
                return -ENOMEM;
        j->manager = m;
        r = bus_read_string(msg, "reference", &ref, error);
        if (r < 0)
                return r;
        r = bus_read_dict(msg, read_option, j, error);
        if (r < 0)
                return r;
        /* Refused here, before any transfer exists. */
        r = reference_normalize(ref, &normalized);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "invalid reference format: %s", ref);
        r = reference_split(normalized, &repository, NULL, &digest);
        if (r < 0)
                return r;
        if (digest)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "cannot push a digest reference: %s", ref);
        r = image_store_get(m->image_store, normalized, &image);
        if (r == -ENOENT)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_NO_SUCH_IMAGE,
                        "An image does not exist locally with the tag: %s",
                        repository);
        if (r < 0)
                return r;
        j->reference = strdup(ref);
        if (!j->reference)
                return -ENOMEM;

        r = transfer_start(m, "push", ref, push_run, TAKE_PTR(j), push_job_free, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "o", path);
}
