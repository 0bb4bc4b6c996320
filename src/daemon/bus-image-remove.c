/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bus-errors.h"
#include "bus-image-remove.h"
#include "bus-util.h"
#include "container.h"
#include "events.h"
#include "image-history.h"
#include "image-remove.h"
#include "log.h"
#include "strv.h"

/* The store's lookup errors, as the caller reads them. */
static int lookup_error(sd_bus_error *error, int r, const char *name) {
        if (r == -ENOENT)
                return sd_bus_error_setf(error, BERTH_ERROR_NO_SUCH_IMAGE, "No such image: %s", name);
        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_AMBIGUOUS, "Image reference '%s' is ambiguous", name);
        if (r == -EINVAL)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "invalid reference format: %s", name);
        return r;
}

static int image_object_path(const char *id, char **ret) {
        return sd_bus_path_encode(BERTH_IMAGE_PREFIX, strncmp(id, "sha256:", 7) == 0 ? id + 7 : id, ret);
}

int bus_image_method_tag(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(image_freep) Image *image = NULL;
        Manager *m = userdata;
        const char *source, *target;
        int r;

        r = bus_read_string(msg, "source", &source, error);
        if (r < 0)
                return r;
        r = bus_read_string(msg, "target", &target, error);
        if (r < 0)
                return r;

        r = image_store_get(m->image_store, source, &image);
        if (r < 0)
                return lookup_error(error, r, source);
        r = image_store_tag(m->image_store, image->id, target);
        if (r == -EINVAL)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "invalid reference format: %s", target);
        if (r < 0)
                return lookup_error(error, r, source);

        manager_emit_event(m, "image", "tag", image->id, "name", target, NULL);
        return sd_bus_reply_method_return(msg, NULL);
}

static Container *image_user_in(Container *list, const char *image_id) {
        for (Container *c = list; c; c = c->next)
                if (streq_ptr(c->image_id, image_id))
                        return c;
        return NULL;
}

/* The first container made from the image, also one still being created (waiting for its copy-up), or
 * NULL. */
static Container *image_user(Manager *m, const char *image_id) {
        return image_user_in(m->containers, image_id) ?: image_user_in(m->creating, image_id);
}

static int images_in_use(Container *list, char ***in_use) {
        for (Container *c = list; c; c = c->next)
                if (c->image_id && !strv_contains(*in_use, c->image_id) &&
                    strv_extend(in_use, c->image_id) < 0)
                        return -ENOMEM;
        return 0;
}

int bus_image_method_remove(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(image_freep) Image *image = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        Manager *m = userdata;
        ImageRemoveFlags flags = 0;
        const char *name;
        Container *user;
        int force, r;

        r = bus_read_string(msg, "name", &name, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(msg, "b", &force);
        if (r < 0)
                return r;

        r = image_store_get(m->image_store, name, &image);
        if (r < 0)
                return lookup_error(error, r, name);
        user = image_user(m, image->id);
        if (force)
                flags |= IMAGE_REMOVE_FORCE;
        if (user)
                flags |= IMAGE_REMOVE_KEEP_IMAGE;

        r = image_store_remove(m->image_store, name, flags, &lines);
        if (r == -ETXTBSY)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_CONFLICT,
                        "conflict: unable to remove repository reference \"%s\" (must force) - container "
                        "%.12s "
                        "is using its referenced image %.12s",
                        name,
                        user->id,
                        image->id + STRLEN("sha256:"));
        if (r == -EBUSY)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_CONFLICT,
                        "conflict: unable to delete %.12s (must be forced) - image is referenced in "
                        "multiple "
                        "repositories",
                        image->id + STRLEN("sha256:"));
        if (r < 0)
                return lookup_error(error, r, name);

        STRV_FOREACH (l, lines) {
                if (strncmp(*l, "Untagged: ", 10) == 0)
                        manager_emit_event(m, "image", "untag", image->id, "name", *l + 10, NULL);
                else if (strncmp(*l, "Deleted: ", 9) == 0) {
                        _cleanup_free_ char *path = NULL;

                        manager_emit_event(m, "image", "delete", image->id, "name", image->id, NULL);
                        if (image_object_path(image->id, &path) >= 0)
                                (void)sd_bus_emit_signal(
                                        m->bus,
                                        BERTH_MANAGER_PATH,
                                        BERTH_MANAGER_IFACE,
                                        "ImageRemoved",
                                        "so",
                                        image->id,
                                        path);
                }
        }

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_append_strv(reply, lines);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

int bus_image_method_prune(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **lines = NULL, **in_use = NULL;
        Manager *m = userdata;
        char reclaimed[24];
        uint64_t freed = 0;
        int all, r;

        r = sd_bus_message_read(msg, "b", &all);
        if (r < 0)
                return r;

        if ((r = images_in_use(m->containers, &in_use)) < 0 || (r = images_in_use(m->creating, &in_use)) < 0)
                return r;

        r = image_store_prune(m->image_store, all, in_use, &lines, &freed);
        if (r < 0)
                return r;

        STRV_FOREACH (l, lines) {
                _cleanup_free_ char *path = NULL;
                const char *id;

                if (strncmp(*l, "deleted: ", 9) != 0)
                        continue;
                id = *l + 9;
                manager_emit_event(m, "image", "delete", id, "name", id, NULL);
                if (image_object_path(id, &path) >= 0)
                        (void)sd_bus_emit_signal(
                                m->bus,
                                BERTH_MANAGER_PATH,
                                BERTH_MANAGER_IFACE,
                                "ImageRemoved",
                                "so",
                                id,
                                path);
        }
        (void)snprintf(reclaimed, sizeof(reclaimed), "%" PRIu64, freed);
        manager_emit_event(m, "image", "prune", "", "reclaimed", reclaimed, NULL);

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_append_strv(reply, lines);
        if (r < 0)
                return r;
        r = sd_bus_message_append(reply, "t", freed);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

int bus_image_method_history(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        ImageHistoryEntry *h = NULL;
        Manager *m = userdata;
        const char *name;
        size_t n = 0;
        int r;

        r = bus_read_string(msg, "name", &name, error);
        if (r < 0)
                return r;
        r = image_store_history(m->image_store, name, &h, &n);
        if (r == -EBADMSG)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_IMAGE, "Malformed image history: %s", name);
        if (r < 0)
                return lookup_error(error, r, name);

        r = bus_array_reply_new(msg, "(sttss)", &reply);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = sd_bus_message_append(
                        reply,
                        "(sttss)",
                        h[i].id ?: "",
                        h[i].created_usec,
                        h[i].size,
                        h[i].created_by,
                        h[i].comment);
        image_history_free(h, n);
        if (r < 0)
                return r;
        return bus_array_reply_send(reply);
}
