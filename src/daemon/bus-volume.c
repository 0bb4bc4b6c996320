/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-volume.h"
#include "bus-errors.h"
#include "bus-util.h"
#include "log.h"
#include "strv.h"
#include "volume-mounts.h"
#include "volume-store.h"

#define VOLUME_DRIVER "local"
#define VOLUME_SCOPE "local"

static int volume_path(const char *name, char **ret) {
        return sd_bus_path_encode(BERTH_VOLUME_PREFIX, name, ret);
}

static int volume_from_path(Manager *m, const char *path, Volume **ret) {
        _cleanup_free_ char *name = NULL;
        int r;

        r = sd_bus_path_decode(path, BERTH_VOLUME_PREFIX, &name);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        return volume_get(m->state_dir, name, ret);
}

static void emit_signal(Manager *m, const char *member, const char *name) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = volume_path(name, &path);
        if (r >= 0)
                r = sd_bus_emit_signal(
                        m->bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, member, "so", name, path);
        if (r < 0)
                log_warning_errno(r, "Failed to emit %s for volume %s: %m", member, name);
}

void bus_volume_emit_new(Manager *m, const char *name) {
        emit_signal(m, "VolumeNew", name);
}

void bus_volume_emit_removed(Manager *m, const char *name) {
        emit_signal(m, "VolumeRemoved", name);
}

static int property_get_volume(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        _cleanup_(volume_freep) Volume *v = NULL;
        int r;

        r = volume_from_path(userdata, path, &v);
        if (r < 0)
                return r;
        if (streq(property, "Name"))
                return sd_bus_message_append(reply, "s", v->name);
        if (streq(property, "Driver"))
                return sd_bus_message_append(reply, "s", VOLUME_DRIVER);
        if (streq(property, "Mountpoint"))
                return sd_bus_message_append(reply, "s", v->mountpoint);
        if (streq(property, "Labels"))
                return bus_append_pairs(reply, v->labels);
        if (streq(property, "Options"))
                return bus_append_pairs(reply, v->options);
        if (streq(property, "CreatedAt"))
                return sd_bus_message_append(reply, "t", v->created_at);
        if (streq(property, "Scope"))
                return sd_bus_message_append(reply, "s", VOLUME_SCOPE);
        if (streq(property, "UsedBy")) {
                _cleanup_strv_free_ char **users = NULL;

                r = volume_users(userdata, v->name, false, &users);
                if (r < 0)
                        return r;
                return sd_bus_message_append_strv(reply, users);
        }
        return -EINVAL;
}

#define VOLUME_PROPERTY(name, sig, flags) SD_BUS_PROPERTY(name, sig, property_get_volume, 0, flags)

const sd_bus_vtable bus_volume_vtable[] = {
        SD_BUS_VTABLE_START(0),
        VOLUME_PROPERTY("Name", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        VOLUME_PROPERTY("Driver", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        VOLUME_PROPERTY("Mountpoint", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        VOLUME_PROPERTY("Labels", "a{ss}", SD_BUS_VTABLE_PROPERTY_CONST),
        VOLUME_PROPERTY("Options", "a{ss}", SD_BUS_VTABLE_PROPERTY_CONST),
        VOLUME_PROPERTY("CreatedAt", "t", SD_BUS_VTABLE_PROPERTY_CONST),
        VOLUME_PROPERTY("Scope", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        /* Changes with every container that comes or goes; read it when needed. */
        VOLUME_PROPERTY("UsedBy", "as", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
        SD_BUS_VTABLE_END,
};

static int volume_object_find(
        sd_bus *bus,
        const char *path,
        const char *interface,
        void *userdata,
        void **found,
        sd_bus_error *error) {
        _cleanup_(volume_freep) Volume *v = NULL;
        int r;

        r = volume_from_path(userdata, path, &v);
        if (r == -ENOENT || r == -EINVAL)
                return 0;
        if (r < 0)
                return r;
        *found = userdata;
        return 1;
}

static int
volume_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes, sd_bus_error *error) {
        _cleanup_strv_free_ char **paths = NULL;
        Manager *m = userdata;
        Volume **l = NULL;
        int r;

        r = volume_list(m->state_dir, &l);
        if (r < 0)
                return r;
        for (Volume **v = l; *v && r >= 0; v++) {
                char *p;

                r = volume_path((*v)->name, &p);
                if (r >= 0)
                        r = strv_consume(&paths, p);
        }
        volume_list_free(l);
        if (r < 0)
                return r;
        *nodes = TAKE_PTR(paths);
        return 1;
}

int bus_volume_register(Manager *m) {
        return bus_add_object_class(
                m->bus,
                BERTH_VOLUME_PREFIX,
                BERTH_VOLUME_IFACE,
                bus_volume_vtable,
                volume_object_find,
                volume_node_enumerator,
                m);
}

typedef struct CreateVolumeOptions {
        char *driver;
        char **labels;
        char **options;
} CreateVolumeOptions;

static int read_create_option(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        CreateVolumeOptions *o = userdata;

        if (streq(key, "Driver"))
                return bus_read_string_variant(m, key, &o->driver, error);
        if (streq(key, "Labels"))
                return bus_read_pairs_variant(m, key, VOLUME_LABELS_MAX, &o->labels, error);
        if (streq(key, "DriverOpts"))
                return bus_read_pairs_variant(m, key, VOLUME_LABELS_MAX, &o->options, error);
        return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Unknown option: %s", key);
}

int bus_volume_method_create(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(volume_freep) Volume *v = NULL;
        _cleanup_free_ char *message = NULL, *path = NULL;
        CreateVolumeOptions o = {};
        Manager *m = userdata;
        const char *name;
        int r;

        r = bus_read_string(msg, "name", &name, error);
        if (r < 0)
                return r;
        r = bus_read_dict(msg, read_create_option, &o, error);
        if (r >= 0 && o.driver && !streq(o.driver, VOLUME_DRIVER))
                r = sd_bus_error_setf(
                        error,
                        BERTH_ERROR_INVALID_ARGUMENT,
                        "error looking up volume plugin %s: plugin \"%s\" not found (berth has the "
                        "\"local\" "
                        "driver only)",
                        o.driver,
                        o.driver);
        else if (r >= 0) {
                r = manager_create_volume(m, name, o.labels, o.options, &v, &message);
                if (r == -EINVAL)
                        r = sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, message);
                else if (r < 0)
                        r = sd_bus_error_set_errnof(error, r, "Failed to create the volume %s: %m", name);
        }
        if (r >= 0)
                r = volume_path(v->name, &path);
        if (r >= 0)
                r = sd_bus_reply_method_return(msg, "o", path);
        free(o.driver);
        strv_free(o.labels);
        strv_free(o.options);
        return r;
}

int bus_volume_method_list(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        Volume **l = NULL;
        int r;

        r = volume_list(m->state_dir, &l);
        if (r < 0)
                return r;
        r = bus_array_reply_new(msg, "(ssta{ss}a{ss}uo)", &reply);
        for (Volume **v = l; r >= 0 && *v; v++) {
                _cleanup_strv_free_ char **users = NULL;
                _cleanup_free_ char *path = NULL;

                r = volume_users(m, (*v)->name, false, &users);
                if (r >= 0)
                        r = volume_path((*v)->name, &path);
                if (r >= 0)
                        r = sd_bus_message_open_container(reply, 'r', "ssta{ss}a{ss}uo");
                if (r >= 0)
                        r = sd_bus_message_append(
                                reply, "sst", (*v)->name, (*v)->mountpoint, (*v)->created_at);
                if (r >= 0)
                        r = bus_append_pairs(reply, (*v)->labels);
                if (r >= 0)
                        r = bus_append_pairs(reply, (*v)->options);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "uo", (uint32_t)strv_length(users), path);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
        }
        volume_list_free(l);
        if (r < 0)
                return r;
        return bus_array_reply_send(reply);
}

int bus_volume_append_disk_usage(sd_bus_message *reply, Manager *m) {
        Volume **l = NULL;
        int r;

        r = volume_list(m->state_dir, &l);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(sut)");
        for (Volume **v = l; r >= 0 && *v; v++) {
                _cleanup_strv_free_ char **users = NULL;

                r = volume_users(m, (*v)->name, false, &users);
                if (r >= 0)
                        r = sd_bus_message_append(
                                reply, "(sut)", (*v)->name, (uint32_t)strv_length(users), volume_size(*v));
        }
        volume_list_free(l);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

int bus_volume_method_get(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(volume_freep) Volume *v = NULL;
        _cleanup_free_ char *path = NULL;
        Manager *m = userdata;
        const char *name;
        int r;

        r = bus_read_string(msg, "name", &name, error);
        if (r < 0)
                return r;
        r = volume_get(m->state_dir, name, &v);
        if (r == -ENOENT || r == -EINVAL)
                return sd_bus_error_setf(error, BERTH_ERROR_NO_SUCH_VOLUME, "get %s: no such volume", name);
        if (r < 0)
                return r;
        r = volume_path(v->name, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "o", path);
}

static int remove_volume(Manager *m, const char *name, bool force, sd_bus_error *error) {
        _cleanup_strv_free_ char **users = NULL;
        _cleanup_free_ char *list = NULL;
        int r;

        r = manager_remove_volume(m, name, force, &users);
        if (r == -EBUSY) {
                list = strv_join(users, ", ");
                if (!list)
                        return -ENOMEM;
                return sd_bus_error_setf(
                        error, BERTH_ERROR_CONFLICT, "remove %s: volume is in use - [%s]", name, list);
        }
        if (r == -EINPROGRESS)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_CONFLICT,
                        "remove %s: volume is in use - it is being filled with an image's content for a "
                        "container being created",
                        name);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, BERTH_ERROR_NO_SUCH_VOLUME, "get %s: no such volume", name);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "remove %s: %m", name);
        return 0;
}

int bus_volume_method_remove(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *name;
        int force, r;

        r = bus_read_string(msg, "name", &name, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(msg, "b", &force);
        if (r < 0)
                return r;
        r = remove_volume(userdata, name, force, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, NULL);
}

static int read_prune_filter(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        VolumePruneFilters *f = userdata;
        int r;

        if (streq(key, "All")) {
                int b = 0;

                r = sd_bus_message_enter_container(m, 'v', "b");
                if (r == -ENXIO)
                        return sd_bus_error_setf(
                                error, BERTH_ERROR_INVALID_ARGUMENT, "Option All must be of type 'b'");
                if (r >= 0)
                        r = sd_bus_message_read(m, "b", &b);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
                f->all = b;
                return r;
        }
        if (streq(key, "Label") || streq(key, "LabelNot")) {
                char ***dest = streq(key, "Label") ? &f->labels : &f->labels_not;

                r = sd_bus_message_enter_container(m, 'v', "as");
                if (r == -ENXIO)
                        return sd_bus_error_setf(
                                error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s must be of type 'as'", key);
                if (r < 0)
                        return r;
                strv_free(*dest);
                *dest = NULL;
                r = bus_read_strv(m, key, dest, error);
                if (r < 0)
                        return r;
                return sd_bus_message_exit_container(m);
        }
        return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Invalid filter '%s'", key);
}

int bus_volume_method_prune(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **deleted = NULL;
        VolumePruneFilters f = {};
        uint64_t space = 0;
        int r;

        r = bus_read_dict(msg, read_prune_filter, &f, error);
        if (r >= 0)
                r = manager_prune_volumes(userdata, &f, &deleted, &space);
        strv_free(f.labels);
        strv_free(f.labels_not);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, deleted);
        if (r >= 0)
                r = sd_bus_message_append(reply, "t", space);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

int bus_container_property_get_mounts(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        Container *c = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(ssssssbsstu)");
        if (r < 0)
                return r;
        for (size_t i = 0; i < c->n_mounts; i++) {
                const MountSpec *s = &c->mounts[i];

                r = sd_bus_message_append(
                        reply,
                        "(ssssssbsstu)",
                        mount_type_to_string(s->type),
                        s->type == MOUNT_TYPE_VOLUME ? s->source ?: "" : "",
                        s->host_path ?: "",
                        s->destination,
                        s->mode ?: "",
                        s->propagation ?: "",
                        !s->readonly,
                        mount_origin_to_string(s->origin),
                        s->text ?: "",
                        s->tmpfs_size,
                        s->tmpfs_mode);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}
