/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "container-name.h"
#include "container.h"
#include "health-check.h"
#include "strv.h"

static const char *const container_state_table[_CONTAINER_STATE_MAX] = {
        [CONTAINER_CREATED] = "created",
        [CONTAINER_RUNNING] = "running",
        [CONTAINER_EXITED] = "exited",
        [CONTAINER_REMOVING] = "removing",
};

const char *container_state_to_string(ContainerState s) {
        if (s < 0 || s >= _CONTAINER_STATE_MAX)
                return NULL;
        return container_state_table[s];
}

ContainerState container_state_from_string(const char *s) {
        if (!s)
                return _CONTAINER_STATE_INVALID;
        for (ContainerState i = 0; i < _CONTAINER_STATE_MAX; i++)
                if (streq(container_state_table[i], s))
                        return i;
        return _CONTAINER_STATE_INVALID;
}

int container_new(const char *state_dir, const char *id, const char *name, Container **ret) {
        _cleanup_(container_freep) Container *c = NULL;
        int r;

        c = calloc(1, sizeof(Container));
        if (!c)
                return -ENOMEM;
        c->start_fds[0] = c->start_fds[1] = c->start_fds[2] = -EBADF;
        c->stop_signal = 15;
        c->stop_timeout_usec = CONTAINER_STOP_TIMEOUT_DEFAULT_USEC;

        c->id = strdup(id);
        c->name = strdup(name);
        if (!c->id || !c->name)
                return -ENOMEM;
        if (asprintf(&c->bundle, "%s/containers/%s", state_dir, id) < 0) {
                c->bundle = NULL;
                return -ENOMEM;
        }
        if (asprintf(&c->run_dir, BERTH_RUN_DIR "/containers/%s", id) < 0) {
                c->run_dir = NULL;
                return -ENOMEM;
        }
        if (asprintf(&c->unit, "berth-%s.service", name) < 0) {
                c->unit = NULL;
                return -ENOMEM;
        }
        r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", c->unit, &c->unit_path);
        if (r < 0)
                return r;
        r = sd_bus_path_encode("/org/berth/berth1/container", id, &c->object_path);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(c);
        return 0;
}

int container_set_unit(Container *c, const char *unit) {
        _cleanup_free_ char *u = NULL, *path = NULL, *name = NULL;
        size_t n;
        int r;

        if (!unit) {
                /* The name's own unit, berth-<name>.service. */
                if (asprintf(&u, "berth-%s.service", c->name) < 0)
                        return -ENOMEM;
        } else {
                /* Only berth-<a valid container name>.service: the unit of a former name. */
                n = strlen(unit);
                if (n <= STRLEN("berth-") + STRLEN(".service") || strncmp(unit, "berth-", 6) != 0 ||
                    !streq(unit + n - STRLEN(".service"), ".service"))
                        return -EINVAL;
                name = strndup(unit + STRLEN("berth-"), n - STRLEN("berth-") - STRLEN(".service"));
                if (!name)
                        return -ENOMEM;
                if (!container_name_is_valid(name))
                        return -EINVAL;
                u = strdup(unit);
                if (!u)
                        return -ENOMEM;
        }
        r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", u, &path);
        if (r < 0)
                return r;
        free(c->unit);
        c->unit = TAKE_PTR(u);
        free(c->unit_path);
        c->unit_path = TAKE_PTR(path);
        return 0;
}

void container_close_start_fds(Container *c) {
        for (size_t i = 0; i < ELEMENTSOF(c->start_fds); i++)
                c->start_fds[i] = safe_close(c->start_fds[i]);
}

Container *container_free(Container *c) {
        if (!c)
                return NULL;

        while (c->waiters) {
                Waiter *w = c->waiters;
                c->waiters = w->next;
                sd_bus_message_unref(w->request);
                free(w);
        }
        sd_bus_message_unref(c->start_request);
        container_close_start_fds(c);
        mount_specs_free(c->mounts, c->n_mounts);
        free(c->start_job);
        sd_bus_slot_unref(c->unit_match_slot);
        sd_bus_slot_unref(c->unit_call_slot);
        sd_event_source_unref(c->stop_timer);
        sd_bus_slot_unref(c->freeze_slot);
        sd_bus_message_unref(c->freeze_request);
        container_health_free(c->health);
        container_resources_done(&c->resources);
        strv_free(c->resource_warnings);
        container_host_config_done(&c->host_config);

        free(c->run_dir);
        free(c->id);
        free(c->name);
        free(c->image);
        free(c->image_id);
        strv_free(c->command);
        strv_free(c->env);
        free(c->working_dir);
        free(c->user);
        free(c->hostname);
        free(c->network_name);
        free(c->bundle);
        free(c->unit);
        free(c->unit_path);
        free(c->object_path);
        free(c);
        return NULL;
}

int container_add_waiter(Container *c, WaiterKind kind, sd_bus_message *request) {
        Waiter *w, **tail;

        w = calloc(1, sizeof(Waiter));
        if (!w)
                return -ENOMEM;
        w->kind = kind;
        w->request = sd_bus_message_ref(request);

        /* Append: callers are answered in the order they asked. */
        for (tail = &c->waiters; *tail; tail = &(*tail)->next)
                ;
        *tail = w;
        return 0;
}
