/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>

#include "container-name.h"
#include "container-state-file.h"
#include "health-check.h"
#include "json-util.h"
#include "log.h"
#include "strv.h"

/* As cJSON_Add*ToObject(): false when out of memory. */
static bool add_strv_to_object(cJSON *o, const char *key, char *const *l) {
        cJSON *a = json_from_strv(l);

        if (!a || !cJSON_AddItemToObject(o, key, a)) {
                cJSON_Delete(a);
                return false;
        }
        return true;
}

int container_state_to_json(const Container *c, cJSON **ret) {
        _cleanup_json_ cJSON *o = NULL, *mounts = NULL;
        char policy[RESTART_POLICY_STRING_MAX];
        int r;

        o = cJSON_CreateObject();
        if (!o)
                return -ENOMEM;

        if (!cJSON_AddStringToObject(o, "Id", c->id) || !cJSON_AddStringToObject(o, "Name", c->name) ||
            !cJSON_AddStringToObject(o, "Image", c->image ?: "") ||
            !cJSON_AddStringToObject(o, "ImageId", c->image_id ?: "") ||
            !cJSON_AddStringToObject(o, "WorkingDir", c->working_dir ?: "/") ||
            !cJSON_AddStringToObject(o, "User", c->user ?: "") ||
            !cJSON_AddStringToObject(o, "Hostname", c->hostname ?: "") ||
            !cJSON_AddStringToObject(o, "NetworkMode", network_mode_to_string(c->network_mode)) ||
            (c->network_name && !cJSON_AddStringToObject(o, "NetworkName", c->network_name)) ||
            !cJSON_AddBoolToObject(o, "AutoRemove", c->auto_remove) ||
            !cJSON_AddBoolToObject(o, "Tty", c->tty) ||
            !cJSON_AddBoolToObject(o, "OpenStdin", c->open_stdin) ||
            !cJSON_AddNumberToObject(o, "StopSignal", c->stop_signal) ||
            !cJSON_AddNumberToObject(o, "StopTimeoutUSec", (double)c->stop_timeout_usec) ||
            !cJSON_AddStringToObject(o, "State", container_state_to_string(c->state)) ||
            !cJSON_AddNumberToObject(o, "ExitCode", c->exit_code) ||
            !cJSON_AddNumberToObject(o, "Pid", c->pid) ||
            !cJSON_AddNumberToObject(o, "CreatedAt", (double)c->created_at) ||
            !cJSON_AddNumberToObject(o, "StartedAt", (double)c->started_at) ||
            !cJSON_AddNumberToObject(o, "FinishedAt", (double)c->finished_at) ||
            !add_strv_to_object(o, "Command", c->command) || !add_strv_to_object(o, "Env", c->env) ||
            !cJSON_AddStringToObject(
                    o, "RestartPolicy", restart_policy_to_string(&c->restart_policy, policy)) ||
            !cJSON_AddNumberToObject(o, "RestartCount", c->restart_count) ||
            !cJSON_AddBoolToObject(o, "ManuallyStopped", c->manually_stopped) ||
            !cJSON_AddStringToObject(o, "Unit", c->unit))
                return -ENOMEM;
        r = container_health_to_json(c->health, o);
        if (r < 0)
                return r;
        r = container_resources_to_json(&c->resources, o);
        if (r < 0)
                return r;
        if (!cJSON_AddBoolToObject(o, "OOMKilled", c->oom_killed))
                return -ENOMEM;
        r = container_host_config_to_json(&c->host_config, o);
        if (r < 0)
                return r;
        r = container_userns_to_json(&c->userns, o);
        if (r < 0)
                return r;
        r = mount_specs_to_json(c->mounts, c->n_mounts, &mounts);
        if (r < 0)
                return r;
        cJSON_AddItemToObject(o, "Mounts", TAKE_PTR(mounts));

        *ret = TAKE_PTR(o);
        return 0;
}

static int strdup_field(const cJSON *o, const char *key, bool required, char **ret) {
        const char *s = json_get_string(o, key);

        if (!s) {
                if (required)
                        return -EINVAL;
                *ret = NULL;
                return 0;
        }
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

static uint64_t get_usec(const cJSON *o, const char *key) {
        int64_t v = json_get_integer(o, key, 0);
        return v > 0 ? (uint64_t)v : 0;
}

int container_state_from_json(const cJSON *o, const char *state_dir, const char *id, Container **ret) {
        _cleanup_(container_freep) Container *c = NULL;
        const char *name;
        int64_t sig, timeout;
        int r;

        if (!cJSON_IsObject(o))
                return -EINVAL;
        if (!streq_ptr(json_get_string(o, "Id"), id) || !container_id_is_valid(id))
                return -EINVAL;
        name = json_get_string(o, "Name");
        if (!container_name_is_valid(name))
                return -EINVAL;

        r = container_new(state_dir, id, name, &c);
        if (r < 0)
                return r;

        if ((r = strdup_field(o, "Image", true, &c->image)) < 0 ||
            (r = strdup_field(o, "ImageId", true, &c->image_id)) < 0 ||
            (r = strdup_field(o, "WorkingDir", false, &c->working_dir)) < 0 ||
            (r = strdup_field(o, "User", false, &c->user)) < 0 ||
            (r = strdup_field(o, "Hostname", false, &c->hostname)) < 0 ||
            (r = strdup_field(o, "NetworkName", false, &c->network_name)) < 0 ||
            (r = json_get_strv(o, "Command", &c->command)) < 0 || (r = json_get_strv(o, "Env", &c->env)) < 0)
                return r;

        c->state = container_state_from_string(json_get_string(o, "State"));
        if (c->state < 0)
                return -EINVAL;

        sig = json_get_integer(o, "StopSignal", SIGTERM);
        c->stop_signal = sig >= 1 && sig < _NSIG ? (int)sig : SIGTERM;
        timeout = json_get_integer(o, "StopTimeoutUSec", (int64_t)CONTAINER_STOP_TIMEOUT_DEFAULT_USEC);
        c->stop_timeout_usec = timeout >= 0 ? (uint64_t)timeout : CONTAINER_STOP_TIMEOUT_DEFAULT_USEC;
        c->auto_remove = json_get_bool(o, "AutoRemove", false);
        c->tty = json_get_bool(o, "Tty", false);
        /* Containers from before networking had a namespace of their own with loopback only. */
        c->network_mode = json_get_string(o, "NetworkMode")
                                  ? network_mode_from_string(json_get_string(o, "NetworkMode"))
                                  : NETWORK_MODE_NONE;
        if (c->network_mode < 0)
                return -EINVAL;
        c->open_stdin = json_get_bool(o, "OpenStdin", false);
        c->exit_code = (int)json_get_integer(o, "ExitCode", 0);
        c->pid = (uint32_t)json_get_integer(o, "Pid", 0);
        c->created_at = get_usec(o, "CreatedAt");
        c->started_at = get_usec(o, "StartedAt");
        c->finished_at = get_usec(o, "FinishedAt");
        if (restart_policy_parse(json_get_string(o, "RestartPolicy"), &c->restart_policy, NULL) < 0)
                return -EINVAL;
        c->restart_count = (uint32_t)json_get_integer(o, "RestartCount", 0);
        c->manually_stopped = json_get_bool(o, "ManuallyStopped", false);
        r = container_set_unit(c, json_get_string(o, "Unit"));
        if (r < 0)
                return r;
        r = mount_specs_from_json(cJSON_GetObjectItemCaseSensitive(o, "Mounts"), &c->mounts, &c->n_mounts);
        if (r < 0)
                return r;
        r = container_host_config_from_json(o, &c->host_config);
        if (r < 0)
                return r;
        r = container_userns_from_json(o, &c->userns);
        if (r < 0)
                return r;
        r = container_resources_from_json(o, &c->resources);
        if (r < 0)
                return r;
        c->oom_killed = json_get_bool(o, "OOMKilled", false);
        r = container_health_from_json(o, &c->health);
        if (r == -EINVAL)
                /* Not worth losing the container over: it runs without a check. */
                log_warning("Container %s has an invalid health check in its state, ignoring it.", id);
        else if (r < 0)
                return r;

        *ret = TAKE_PTR(c);
        return 0;
}

int container_save_state(const Container *c) {
        _cleanup_json_ cJSON *o = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        int r;

        r = container_state_to_json(c, &o);
        if (r < 0)
                return r;

        dir_fd = open(c->bundle, O_DIRECTORY | O_CLOEXEC | O_RDONLY);
        if (dir_fd < 0)
                return negative_errno();

        return json_write_file_atomic_at(dir_fd, CONTAINER_STATE_FILE, o);
}

int container_load_state(const char *state_dir, const char *id, Container **ret) {
        _cleanup_json_ cJSON *o = NULL;
        _cleanup_free_ char *bundle = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        int r;

        if (asprintf(&bundle, "%s/containers/%s", state_dir, id) < 0)
                return -ENOMEM;
        dir_fd = open(bundle, O_DIRECTORY | O_CLOEXEC | O_RDONLY);
        if (dir_fd < 0)
                return negative_errno();

        r = json_parse_file_at(dir_fd, CONTAINER_STATE_FILE, CONTAINER_STATE_FILE_MAX, &o);
        if (r < 0)
                return r;

        return container_state_from_json(o, state_dir, id, ret);
}
