/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "disk-usage.h"
#include "json-util.h"
#include "output.h"

bool container_state_is_active(const char *state) {
        return streq_ptr(state, "running") || streq_ptr(state, "paused") || streq_ptr(state, "restarting");
}

/* "1.2MB (50%)", or the size alone when there is nothing at all. */
static const char *format_reclaimable(char buf[static FORMAT_BUF], uint64_t reclaimable, uint64_t total) {
        size_t k;

        format_size(buf, reclaimable);
        k = strlen(buf);
        if (total > 0)
                snprintf(buf + k, FORMAT_BUF - k, " (%" PRIu64 "%%)", reclaimable * 100 / total);
        return buf;
}

static int
add_row(cJSON *rows, const char *type, size_t total, size_t active, uint64_t size, uint64_t reclaimable) {
        char t[32], a[32], s[FORMAT_BUF], r[FORMAT_BUF];
        cJSON *o = cJSON_CreateObject();

        if (!o)
                return -ENOMEM;
        cJSON_AddItemToArray(rows, o);
        snprintf(t, sizeof(t), "%zu", total);
        snprintf(a, sizeof(a), "%zu", active);
        if (!cJSON_AddStringToObject(o, "Active", a) ||
            !cJSON_AddStringToObject(o, "Reclaimable", format_reclaimable(r, reclaimable, size)) ||
            !cJSON_AddStringToObject(o, "Size", format_size(s, size)) ||
            !cJSON_AddStringToObject(o, "TotalCount", t) || !cJSON_AddStringToObject(o, "Type", type))
                return -ENOMEM;
        return 0;
}

cJSON *disk_usage_summary(
        uint64_t layers_size,
        const DiskUsageImage *images,
        size_t n_images,
        const DiskUsageContainer *containers,
        size_t n_containers,
        const DiskUsageVolume *volumes,
        size_t n_volumes) {
        _cleanup_json_ cJSON *rows = cJSON_CreateArray();
        uint64_t used = 0, rw_total = 0, rw_reclaimable = 0, volumes_total = 0, volumes_reclaimable = 0;
        size_t images_active = 0, containers_active = 0, volumes_active = 0;

        if (!rows)
                return NULL;
        for (size_t i = 0; i < n_images; i++)
                if (images[i].containers > 0) {
                        images_active++;
                        used += images[i].size - MIN(images[i].shared_size, images[i].size);
                }
        for (size_t i = 0; i < n_containers; i++) {
                rw_total += containers[i].size_rw;
                if (containers[i].active)
                        containers_active++;
                else
                        rw_reclaimable += containers[i].size_rw;
        }
        for (size_t i = 0; i < n_volumes; i++) {
                volumes_total += volumes[i].size;
                if (volumes[i].links > 0)
                        volumes_active++;
                else
                        volumes_reclaimable += volumes[i].size;
        }
        if (add_row(rows,
                    "Images",
                    n_images,
                    images_active,
                    layers_size,
                    layers_size - MIN(used, layers_size)) < 0 ||
            add_row(rows, "Containers", n_containers, containers_active, rw_total, rw_reclaimable) < 0 ||
            add_row(rows, "Local Volumes", n_volumes, volumes_active, volumes_total, volumes_reclaimable) <
                    0 ||
            add_row(rows, "Build Cache", 0, 0, 0, 0) < 0)
                return NULL;
        return TAKE_PTR(rows);
}
