/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-disk-usage.h"
#include "bus-util.h"
#include "bus-volume.h"
#include "container-size.h"
#include "image-usage.h"
#include "manager.h"
#include "reference.h"
#include "strv.h"

static uint32_t image_containers(Manager *m, const char *image_id) {
        uint32_t n = 0;

        for (Container *c = m->containers; c; c = c->next)
                n += streq_ptr(c->image_id, image_id);
        return n;
}

static int append_images(sd_bus_message *reply, Manager *m, Image **images, size_t n) {
        _cleanup_free_ uint64_t *shared = calloc(MAX(n, 1U), sizeof(uint64_t));
        uint64_t total;
        int r;

        if (!shared)
                return -ENOMEM;
        image_usage_compute(images, n, shared, &total);
        r = sd_bus_message_append(reply, "t", total);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(sastttu)");
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                _cleanup_strv_free_ char **tags = NULL;

                STRV_FOREACH (t, images[i]->repo_tags) {
                        char *familiar = NULL;
                        r = reference_familiar(*t, &familiar);
                        if (r < 0 || (r = strv_consume(&tags, familiar)) < 0)
                                return r;
                }
                r = sd_bus_message_open_container(reply, 'r', "sastttu");
                if (r < 0)
                        return r;
                r = sd_bus_message_append(reply, "s", images[i]->id);
                if (r < 0)
                        return r;
                r = sd_bus_message_append_strv(reply, tags);
                if (r < 0)
                        return r;
                r = sd_bus_message_append(
                        reply,
                        "tttu",
                        images[i]->config.created_usec,
                        images[i]->size,
                        shared[i],
                        image_containers(m, images[i]->id));
                if (r < 0)
                        return r;
                r = sd_bus_message_close_container(reply);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

int bus_method_get_disk_usage(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        Image **images = NULL;
        size_t n = 0;
        int r;

        r = image_store_list(m->image_store, &images, &n);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = append_images(reply, m, images, n);
        image_list_free(images, n);
        if (r < 0)
                return r;

        r = sd_bus_message_open_container(reply, 'a', "(st)");
        for (Container *c = m->containers; c && r >= 0; c = c->next)
                r = sd_bus_message_append(reply, "(st)", c->id, container_size_rw(c));
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = bus_volume_append_disk_usage(reply, m);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}
