/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bind-propagation.h"
#include "bus-errors.h"
#include "bus-volume.h"
#include "events.h"
#include "fileio.h"
#include "log.h"
#include "strv.h"
#include "tmpfs-mount.h"
#include "volume-copy-up.h"
#include "volume-mounts.h"
#include "volume-store.h"

/* VolumeNew or VolumeRemoved, and Docker's "create" or "destroy" event. */
static void announce(Manager *m, const char *name, bool created) {
        if (created) {
                log_info("Created volume %s.", name);
                bus_volume_emit_new(m, name);
        } else {
                log_info("Removed volume %s.", name);
                bus_volume_emit_removed(m, name);
        }
        manager_emit_event(m, "volume", created ? "create" : "destroy", name, "driver", "local", NULL);
}

static bool spec_uses_volume(const MountSpec *s, const char *name) {
        return s->type == MOUNT_TYPE_VOLUME && streq_ptr(s->source, name);
}

static int add_users(Container *list, const char *name, bool running_only, char ***ids) {
        for (Container *c = list; c; c = c->next) {
                if (running_only && c->state != CONTAINER_RUNNING)
                        continue;
                for (size_t i = 0; i < c->n_mounts; i++)
                        if (spec_uses_volume(&c->mounts[i], name)) {
                                if (strv_extend(ids, c->id) < 0)
                                        return -ENOMEM;
                                break;
                        }
        }
        return 0;
}

int volume_users(Manager *m, const char *name, bool running_only, char ***ret_ids) {
        _cleanup_strv_free_ char **ids = NULL;
        int r;

        r = add_users(m->containers, name, running_only, &ids);
        /* Containers still being created use their volumes too, though nothing else shows them yet. */
        if (r >= 0)
                r = add_users(m->creating, name, running_only, &ids);
        if (r < 0)
                return r;
        *ret_ids = TAKE_PTR(ids);
        return 0;
}

/* Parents before children: "/a" is mounted before "/a/b". */
static size_t path_depth(const char *p) {
        size_t n = 0;
        for (; *p; p++)
                n += *p == '/';
        return n;
}

/* Stable, so that mounts of the same depth keep the order they were given in. */
static void sort_by_depth(MountSpec *m, size_t n) {
        for (size_t i = 1; i < n; i++) {
                MountSpec s = m[i];
                size_t j = i, d = path_depth(s.destination);

                for (; j > 0 && path_depth(m[j - 1].destination) > d; j--)
                        m[j] = m[j - 1];
                m[j] = s;
        }
}

static bool covered(const MountSpec *m, size_t n, const char *destination) {
        for (size_t i = 0; i < n; i++)
                if (streq(m[i].destination, destination))
                        return true;
        return false;
}

/* Takes s: on failure (s incomplete, out of memory) its fields are freed. */
static int append_spec(MountSpec **m, size_t *n, MountSpec *s, bool complete) {
        MountSpec *t = complete ? reallocarray(*m, *n + 2, sizeof(MountSpec)) : NULL;

        if (!t) {
                mount_spec_done(s);
                return -ENOMEM;
        }
        *m = t;
        (*m)[(*n)++] = *s;
        return 0;
}

/* The image's VOLUMEs that no mount covers: anonymous volumes there. */
static int add_image_volumes(const Image *img, MountSpec **m, size_t *n) {
        STRV_FOREACH (v, img->config.volumes) {
                _cleanup_free_ char *clean = mount_path_clean(*v, strlen(*v));
                MountSpec s = {.type = MOUNT_TYPE_VOLUME, .origin = MOUNT_ORIGIN_IMAGE};
                int r;

                if (!clean || streq(clean, "/")) {
                        log_warning("Image %s has an invalid VOLUME \"%s\", ignoring it.", img->id, *v);
                        continue;
                }
                if (covered(*m, *n, clean))
                        continue;
                s.destination = TAKE_PTR(clean);
                s.mode = strdup("");
                s.propagation = strdup("");
                r = append_spec(m, n, &s, s.mode && s.propagation);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* --volumes-from CONTAINER[:ro|rw]: its bind and volume mounts, with their modes unless ro/rw is given. */
static int add_volumes_from(Manager *m, char **from, MountSpec **specs, size_t *n, sd_bus_error *error) {
        STRV_FOREACH (f, from) {
                _cleanup_free_ char *name = strdup(*f);
                const char *mode = NULL;
                char *colon;
                Container *other;
                int r;

                if (!name)
                        return -ENOMEM;
                colon = strchr(name, ':');
                if (colon) {
                        *colon = 0;
                        mode = colon + 1;
                        if (!streq(mode, "ro") && !streq(mode, "rw"))
                                return sd_bus_error_setf(
                                        error, BERTH_ERROR_INVALID_ARGUMENT, "invalid mode: %s", mode);
                }
                r = manager_find_container(m, name, &other);
                if (r < 0)
                        return sd_bus_error_setf(
                                error, BERTH_ERROR_NO_SUCH_CONTAINER, "No such container: %s", name);
                for (size_t i = 0; i < other->n_mounts; i++) {
                        const MountSpec *o = &other->mounts[i];
                        MountSpec s = {
                                .type = o->type,
                                .origin = MOUNT_ORIGIN_VOLUMES_FROM,
                                .readonly = mode ? streq(mode, "ro") : o->readonly,
                                .nocopy = true,
                        };

                        if (o->type == MOUNT_TYPE_TMPFS || covered(*specs, *n, o->destination))
                                continue;
                        s.source = o->source ? strdup(o->source) : NULL;
                        s.destination = strdup(o->destination);
                        s.mode = strdup(mode ?: o->mode ?: "");
                        s.propagation = strdup(o->propagation ?: "");
                        s.text = strdup(*f);
                        r = append_spec(
                                specs,
                                n,
                                &s,
                                (!o->source || s.source) && s.destination && s.mode && s.propagation &&
                                        s.text);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int resolve_bind(MountSpec *s, sd_bus_error *error) {
        _cleanup_free_ char *message = NULL;
        struct stat st;
        int r;

        if (stat(s->source, &st) < 0) {
                if (errno != ENOENT)
                        return sd_bus_error_set_errnof(error, errno, "Failed to look at %s: %m", s->source);
                /* Docker: -v creates a missing source directory, --mount refuses it. */
                if (s->origin != MOUNT_ORIGIN_BINDS)
                        return sd_bus_error_setf(
                                error,
                                BERTH_ERROR_INVALID_ARGUMENT,
                                "invalid mount config for type \"bind\": bind source path does not exist: "
                                "%s",
                                s->source);
                r = mkdir_p(s->source, 0755);
                if (r < 0)
                        return sd_bus_error_set_errnof(
                                error, r, "error while creating mount source path '%s': %m", s->source);
        }
        r = bind_propagation_check(s->source, s->propagation, &message);
        if (r == -EINVAL)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, message);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to read the mount of %s: %m", s->source);
        s->host_path = strdup(s->source);
        return s->host_path ? 0 : -ENOMEM;
}

static int resolve_volume(Manager *m, const Image *img, MountSpec *s, sd_bus_error *error) {
        _cleanup_(volume_freep) Volume *v = NULL;
        _cleanup_free_ char *message = NULL;
        _cleanup_strv_free_ char **labels = strv_copy(s->volume_labels);
        int r;

        if (s->volume_labels && !labels)
                return -ENOMEM;
        if (!s->source) {
                r = volume_name_random(&s->source);
                if (r < 0)
                        return r;
                s->anonymous = true;
                if (strv_extend(&labels, VOLUME_LABEL_ANONYMOUS) < 0 || strv_extend(&labels, "") < 0)
                        return -ENOMEM;
        }
        r = manager_create_volume(m, s->source, labels, s->volume_options, &v, &message);
        if (r == -EINVAL)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, message);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to create the volume %s: %m", s->source);
        s->volume_created = r > 0;
        s->host_path = strdup(volume_bind_source(v));
        if (!s->host_path)
                return -ENOMEM;

        /* A volume with -o options gets its content from its device, not from images. Marked: another
         * mount of this container copies into it already. */
        if (s->nocopy || strv_length(v->options) > 0 || volume_is_empty(v) <= 0 ||
            volume_copy_up_running(m->state_dir, v->name) != 0)
                return 0;
        r = volume_copy_up_has_content(img->layer_dirs, s->destination);
        if (r == 0)
                /* Nothing to copy but the directory's owner and mode: done at once. */
                r = volume_copy_up(img->layer_dirs, s->destination, v->mountpoint);
        else if (r > 0) {
                /* Copied in a worker, before the container becomes visible. */
                r = volume_copy_up_begin(m->state_dir, v->name, s->volume_created);
                s->copy_up = r >= 0;
        }
        if (r < 0)
                return sd_bus_error_set_errnof(
                        error,
                        r,
                        "Failed to copy the image's %s into volume %s: %m",
                        s->destination,
                        v->name);
        return 0;
}

/* Before anything is made: a volume another create is filling is not used until that is done. */
static int check_copy_ups_running(Manager *m, const MountSpec *specs, size_t n, sd_bus_error *error) {
        for (size_t i = 0; i < n; i++) {
                int r;

                if (specs[i].type != MOUNT_TYPE_VOLUME || !specs[i].source)
                        continue;
                r = volume_copy_up_running(m->state_dir, specs[i].source);
                if (r < 0)
                        return sd_bus_error_set_errnof(
                                error, r, "Failed to look at volume %s: %m", specs[i].source);
                if (r > 0) {
                        sd_bus_error_setf(
                                error,
                                BERTH_ERROR_CONFLICT,
                                "volume %s is being filled with an image's content for another container",
                                specs[i].source);
                        return -EAGAIN;
                }
        }
        return 0;
}

void container_mounts_discard(Manager *m, MountSpec *mounts, size_t n) {
        for (size_t i = 0; i < n; i++) {
                MountSpec *s = &mounts[i];
                _cleanup_strv_free_ char **users = NULL;
                int r;

                if (s->type != MOUNT_TYPE_VOLUME || !s->source)
                        continue;
                if (s->copy_up) {
                        /* Nobody else uses a volume while it is marked. */
                        s->copy_up = false;
                        r = volume_copy_up_undo(m->state_dir, s->source);
                        if (r < 0)
                                log_warning_errno(r, "Failed to undo the copy-up into %s: %m", s->source);
                        else if (r > 0)
                                announce(m, s->source, false);
                        continue;
                }
                if (!s->anonymous && !s->volume_created)
                        continue;
                /* Another container may use a volume made here by now. */
                if (volume_users(m, s->source, false, &users) < 0 || users)
                        continue;
                if (volume_remove(m->state_dir, s->source) >= 0)
                        announce(m, s->source, false);
        }
}

int container_mounts_copy_up(const Container *c, char *const *layer_dirs) {
        for (size_t i = 0; i < c->n_mounts; i++) {
                const MountSpec *s = &c->mounts[i];
                int r;

                if (!s->copy_up)
                        continue;
                r = volume_copy_up(layer_dirs, s->destination, s->host_path);
                if (r < 0)
                        return log_error_errno(
                                r,
                                "Failed to copy the image's %s into volume %s: %m",
                                s->destination,
                                s->source);
        }
        return 0;
}

bool container_mounts_need_copy_up(const Container *c) {
        for (size_t i = 0; i < c->n_mounts; i++)
                if (c->mounts[i].copy_up)
                        return true;
        return false;
}

int container_mounts_copied(Container *c) {
        for (size_t i = 0; i < c->n_mounts; i++) {
                MountSpec *s = &c->mounts[i];
                int r;

                if (!s->copy_up)
                        continue;
                r = volume_copy_up_end(c->manager->state_dir, s->source);
                if (r < 0)
                        return r;
                s->copy_up = false;
        }
        return 0;
}

int container_mounts_resolve(
        Manager *m,
        const ContainerMountOptions *o,
        const Image *img,
        MountSpec **ret,
        size_t *ret_n,
        sd_bus_error *error) {
        _cleanup_free_ char *message = NULL;
        MountSpec *specs = NULL;
        size_t n = 0;
        int r;

        r = mount_specs_parse(o->binds, o->mounts, &specs, &n, &message);
        if (r == -EINVAL)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, message);
        if (r < 0)
                return r;
        r = add_volumes_from(m, o->volumes_from, &specs, &n, error);
        if (r >= 0)
                r = add_image_volumes(img, &specs, &n);
        if (r >= 0)
                r = check_copy_ups_running(m, specs, n, error);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                MountSpec *s = &specs[i];

                if (s->type == MOUNT_TYPE_BIND)
                        r = resolve_bind(s, error);
                else if (s->type == MOUNT_TYPE_VOLUME)
                        r = resolve_volume(m, img, s, error);
        }
        if (r < 0) {
                container_mounts_discard(m, specs, n);
                mount_specs_free(specs, n);
                return r;
        }
        sort_by_depth(specs, n);
        *ret = specs;
        *ret_n = n;
        return 0;
}

void container_mounts_release(Container *c, bool remove_anonymous) {
        Manager *m = c->manager;

        for (size_t i = 0; remove_anonymous && i < c->n_mounts; i++) {
                const MountSpec *s = &c->mounts[i];
                _cleanup_strv_free_ char **users = NULL;
                int r;

                /* Only the volumes made for this container, not those it got with --volumes-from. */
                if (s->type != MOUNT_TYPE_VOLUME || !s->anonymous || !s->source)
                        continue;
                r = volume_users(m, s->source, false, &users);
                if (r < 0 || strv_length(users) > (strv_contains(users, c->id) ? 1U : 0U))
                        continue;
                r = volume_remove(m->state_dir, s->source);
                if (r < 0) {
                        log_warning_errno(r, "Failed to remove volume %s: %m", s->source);
                        continue;
                }
                announce(m, s->source, false);
        }
}

int container_mounts_prepare(Container *c) {
        for (size_t i = 0; i < c->n_mounts; i++) {
                const MountSpec *s = &c->mounts[i];
                _cleanup_(volume_freep) Volume *v = NULL;
                int r;

                if (s->type != MOUNT_TYPE_VOLUME || !s->source)
                        continue;
                /* Removed with rm -f while this container was stopped: a fresh one, as at create. */
                r = manager_create_volume(c->manager, s->source, NULL, NULL, &v, NULL);
                if (r < 0)
                        return r;
                r = volume_mount(v);
                if (r < 0)
                        return log_error_errno(r, "Failed to mount volume %s: %m", v->name);
                manager_emit_event(
                        c->manager,
                        "volume",
                        "mount",
                        v->name,
                        "container",
                        c->id,
                        "destination",
                        s->destination,
                        "driver",
                        "local",
                        "propagation",
                        s->propagation ?: "",
                        "read/write",
                        s->readonly ? "false" : "true",
                        NULL);
        }
        return 0;
}

void container_mounts_after_exit(Container *c) {
        for (size_t i = 0; i < c->n_mounts; i++) {
                _cleanup_strv_free_ char **users = NULL;
                _cleanup_(volume_freep) Volume *v = NULL;
                const char *name = c->mounts[i].source;

                if (c->mounts[i].type != MOUNT_TYPE_VOLUME || !name ||
                    volume_get(c->manager->state_dir, name, &v) < 0)
                        continue;
                manager_emit_event(
                        c->manager, "volume", "unmount", name, "container", c->id, "driver", "local", NULL);
                /* c itself is no longer running. */
                if (volume_users(c->manager, name, true, &users) < 0 || users)
                        continue;
                (void)volume_unmount(v);
        }
}

int manager_create_volume(
        Manager *m, const char *name, char **labels, char **options, Volume **ret, char **ret_error) {
        _cleanup_free_ char *random_name = NULL;
        int r;

        if (isempty(name)) {
                r = volume_name_random(&random_name);
                if (r < 0)
                        return r;
                name = random_name;
        }
        r = volume_create(m->state_dir, name, labels, options, ret, ret_error);
        if (r > 0)
                announce(m, name, true);
        return r;
}

int manager_remove_volume(Manager *m, const char *name, bool force, char ***ret_users) {
        _cleanup_strv_free_ char **users = NULL;
        int r;

        r = volume_copy_up_running(m->state_dir, name);
        if (r < 0)
                return r;
        if (r > 0)
                return -EINPROGRESS;
        r = volume_users(m, name, force, &users);
        if (r < 0)
                return r;
        if (users) {
                *ret_users = TAKE_PTR(users);
                return -EBUSY;
        }
        r = volume_remove(m->state_dir, name);
        if (r == -EINVAL)
                return -ENOENT;
        if (r < 0)
                return r;
        announce(m, name, false);
        return 0;
}

static bool label_matches(const Volume *v, const char *filter) {
        const char *eq = strchr(filter, '=');
        _cleanup_free_ char *key = eq ? strndup(filter, (size_t)(eq - filter)) : strdup(filter);
        const char *value;

        if (!key)
                return false;
        value = volume_label(v, key);
        return value && (!eq || streq(value, eq + 1));
}

static bool prune_selects(const VolumePruneFilters *f, const Volume *v) {
        if (!f->all && !volume_is_anonymous(v))
                return false;
        STRV_FOREACH (l, f->labels)
                if (!label_matches(v, *l))
                        return false;
        STRV_FOREACH (l, f->labels_not)
                if (label_matches(v, *l))
                        return false;
        return true;
}

int manager_prune_volumes(
        Manager *m, const VolumePruneFilters *f, char ***ret_deleted, uint64_t *ret_space) {
        _cleanup_strv_free_ char **deleted = NULL;
        uint64_t space = 0;
        Volume **l = NULL;
        int r;

        r = volume_list(m->state_dir, &l);
        if (r < 0)
                return r;
        for (Volume **v = l; r >= 0 && *v; v++) {
                _cleanup_strv_free_ char **users = NULL;
                uint64_t size;

                if (!prune_selects(f, *v))
                        continue;
                size = volume_size(*v);
                r = manager_remove_volume(m, (*v)->name, false, &users);
                if (r < 0) {
                        if (r != -EBUSY && r != -EINPROGRESS)
                                log_warning_errno(r, "Failed to prune volume %s: %m", (*v)->name);
                        r = 0;
                        continue;
                }
                space += size;
                r = strv_extend(&deleted, (*v)->name);
        }
        volume_list_free(l);
        if (r < 0)
                return r;
        *ret_deleted = TAKE_PTR(deleted);
        *ret_space = space;
        return 0;
}
