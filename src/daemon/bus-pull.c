/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-errors.h"
#include "bus-pull.h"
#include "bus-transfer.h"
#include "bus-util.h"
#include "log.h"
#include "manager.h"
#include "pull-platform.h"
#include "registry-pull.h"

typedef struct PullJob {
        Manager *manager;
        char *reference;
        char *platform;
        char *auth;
} PullJob;

static void pull_job_free(void *userdata) {
        PullJob *j = userdata;

        if (!j)
                return;
        free(j->reference);
        free(j->platform);
        erase_and_free(j->auth);
        free(j);
}

static void pull_job_freep(PullJob **j) {
        pull_job_free(*j);
}

/* In the worker. */
static int pull_run(void *userdata, char **ret_result) {
        PullJob *j = userdata;
        _cleanup_(registry_options_done) RegistryOptions o = {};
        _cleanup_(pull_result_done) PullResult result = {};
        PullOptions options = {
                .registry = &o,
                .platform = j->platform,
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
        r = image_store_pull(j->manager->image_store, j->reference, &options, &result);
        if (r < 0)
                return r;
        return asprintf(ret_result, "%s %s %d", result.image_id, result.digest, result.updated) < 0 ? -ENOMEM
                                                                                                    : 0;
}

static int read_option(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        PullJob *j = userdata;
        const char *value;
        char **target;
        int r;

        if (streq(key, "platform"))
                target = &j->platform;
        else if (streq(key, "auth"))
                target = &j->auth;
        else
                return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Unknown option: %s", key);
        r = sd_bus_message_enter_container(m, 'v', "s");
        if (r < 0)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s must be a string.", key);
        r = bus_read_string(m, key, &value, error);
        if (r < 0)
                return r;
        free(*target);
        *target = isempty(value) ? NULL : strdup(value);
        if (!isempty(value) && !*target)
                return -ENOMEM;
        return sd_bus_message_exit_container(m);
}

int bus_pull_method_pull_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(pull_job_freep) PullJob *j = NULL;
        _cleanup_(platform_done) Platform platform = {};
        _cleanup_free_ char *path = NULL;
        Manager *m = userdata;
        const char *ref;
        int r;

        j = calloc(1, sizeof(PullJob));
        if (!j)
                return -ENOMEM;
        j->manager = m;
        r = bus_read_string(msg, "reference", &ref, error);
        if (r < 0)
                return r;
        r = bus_read_dict(msg, read_option, j, error);
        if (r < 0)
                return r;
        if (isempty(ref))
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, "No image reference given.");
        /* Refused here, before any transfer exists. */
        if (platform_parse(j->platform, &platform) < 0)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_INVALID_ARGUMENT,
                        "invalid platform: %s (os/arch[/variant])",
                        j->platform);
        j->reference = strdup(ref);
        if (!j->reference)
                return -ENOMEM;

        r = transfer_start(m, "pull", ref, pull_run, TAKE_PTR(j), pull_job_free, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "o", path);
}
