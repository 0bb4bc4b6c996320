/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "container-lifecycle.h"
#include "container-name.h"
#include "container-state-file.h"
#include "fileio.h"
#include "log.h"
#include "manager.h"
#include "unit-manager.h"

int manager_new(sd_event *event, sd_bus *bus, const char *state_dir, Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        _cleanup_free_ char *containers = NULL;
        int r;

        m = calloc(1, sizeof(Manager));
        if (!m)
                return log_oom();
        m->event = sd_event_ref(event);
        m->bus = sd_bus_ref(bus);
        m->state_dir = strdup(state_dir);
        if (!m->state_dir)
                return log_oom();

        if (asprintf(&containers, "%s/containers", state_dir) < 0)
                return log_oom();
        r = mkdir_p(containers, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", containers);

        r = image_store_new(state_dir, &m->image_store);
        if (r < 0)
                return log_error_errno(r, "Failed to open the image store in %s: %m", state_dir);

        *ret = TAKE_PTR(m);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;

        while (m->containers) {
                Container *c = m->containers;
                m->containers = c->next;
                container_free(c);
        }
        sd_bus_slot_unref(m->job_removed_slot);
        sd_bus_slot_unref(m->unit_removed_slot);
        image_store_free(m->image_store);
        free(m->state_dir);
        sd_bus_unref(m->bus);
        sd_event_unref(m->event);
        free(m);
        return NULL;
}

void manager_add_container(Manager *m, Container *c) {
        c->manager = m;
        c->next = m->containers;
        m->containers = c;
}

void manager_unlink_container(Manager *m, Container *c) {
        for (Container **p = &m->containers; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        c->next = NULL;
                        return;
                }
}

Container *manager_get_container_by_id(Manager *m, const char *id) {
        for (Container *c = m->containers; c; c = c->next)
                if (streq(c->id, id))
                        return c;
        return NULL;
}

Container *manager_get_container_by_name(Manager *m, const char *name) {
        for (Container *c = m->containers; c; c = c->next)
                if (streq(c->name, name))
                        return c;
        return NULL;
}

Container *manager_get_container_by_job(Manager *m, const char *job) {
        for (Container *c = m->containers; c; c = c->next)
                if (streq_ptr(c->start_job, job))
                        return c;
        return NULL;
}

Container *manager_get_container_by_unit(Manager *m, const char *unit) {
        for (Container *c = m->containers; c; c = c->next)
                if (streq(c->unit, unit))
                        return c;
        return NULL;
}

int manager_find_container(Manager *m, const char *name_or_id, Container **ret) {
        Container *found = NULL;
        size_t n;

        if (isempty(name_or_id))
                return -ENOENT;

        found = manager_get_container_by_id(m, name_or_id);
        if (!found)
                /* Docker accepts "/name" too. */
                found = manager_get_container_by_name(m, name_or_id[0] == '/' ? name_or_id + 1 : name_or_id);
        if (found) {
                *ret = found;
                return 0;
        }

        n = strlen(name_or_id);
        for (Container *c = m->containers; c; c = c->next)
                if (n < CONTAINER_ID_LEN && strncmp(c->id, name_or_id, n) == 0) {
                        if (found)
                                return -ENOTUNIQ;
                        found = c;
                }
        if (!found)
                return -ENOENT;
        *ret = found;
        return 0;
}

static int manager_load_one(Manager *m, const char *id) {
        _cleanup_(container_freep) Container *c = NULL;
        _cleanup_free_ char *bundle = NULL;
        int r;

        r = container_load_state(m->state_dir, id, &c);
        if (r == -ENOENT || r == -EINVAL) {
                /* A create that never finished (no state.json) or garbage: collect it. */
                if (asprintf(&bundle, "%s/containers/%s", m->state_dir, id) < 0)
                        return log_oom();
                log_info("Removing leftover container directory %s.", bundle);
                r = rm_rf(bundle);
                if (r < 0)
                        log_warning_errno(r, "Failed to remove %s, ignoring: %m", bundle);
                return 0;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to load container %s: %m", id);

        if (manager_get_container_by_name(m, c->name)) {
                log_warning("Container %s has the name of another container, ignoring it.", id);
                return 0;
        }

        manager_add_container(m, c);
        return container_reattach(TAKE_PTR(c));
}

int manager_load_containers(Manager *m) {
        _cleanup_free_ char *path = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        if (asprintf(&path, "%s/containers", m->state_dir) < 0)
                return log_oom();
        d = opendir(path);
        if (!d)
                return log_error_errno(errno, "Failed to open %s: %m", path);

        while ((errno = 0, de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                if (!container_id_is_valid(de->d_name)) {
                        log_warning("Ignoring unexpected entry %s/%s.", path, de->d_name);
                        continue;
                }
                r = manager_load_one(m, de->d_name);
                if (r < 0)
                        log_warning_errno(r, "Failed to load container %s, ignoring: %m", de->d_name);
        }
        if (errno != 0)
                return log_error_errno(errno, "Failed to read %s: %m", path);
        return 0;
}
