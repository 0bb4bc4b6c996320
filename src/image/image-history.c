/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "image-config.h"
#include "image-history.h"
#include "image-store-internal.h"
#include "json-util.h"
#include "oci-layout.h"
#include "strv.h"

void image_history_free(ImageHistoryEntry *h, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(h[i].id);
                free(h[i].created_by);
                free(h[i].comment);
        }
        free(h);
}

int image_history_parse(
        const char *config_data,
        size_t config_size,
        const uint64_t *layer_sizes,
        size_t n_layers,
        ImageHistoryEntry **ret,
        size_t *ret_n) {
        _cleanup_json_ cJSON *root = NULL;
        const cJSON *history, *step;
        ImageHistoryEntry *h = NULL;
        size_t n = 0, layer = 0, total;
        int r = -EBADMSG;

        root = cJSON_ParseWithLength(config_data, config_size);
        if (!cJSON_IsObject(root))
                return -EBADMSG;
        history = cJSON_GetObjectItemCaseSensitive(root, "history");
        if (history && !cJSON_IsArray(history) && !cJSON_IsNull(history))
                return -EBADMSG;
        total = cJSON_IsArray(history) && cJSON_GetArraySize(history) > 0
                        ? (size_t)cJSON_GetArraySize(history)
                        : n_layers;
        h = calloc(total ?: 1, sizeof(ImageHistoryEntry));
        if (!h)
                return -ENOMEM;

        for (size_t i = 0; i < total; i++) {
                ImageHistoryEntry *e = &h[n++];
                const char *created = NULL, *by = "", *comment = "";
                bool empty = false;

                step = cJSON_IsArray(history) && cJSON_GetArraySize(history) > 0
                               ? cJSON_GetArrayItem(history, (int)i)
                               : NULL;
                if (step) {
                        if (!cJSON_IsObject(step))
                                goto fail;
                        created = json_get_string(step, "created");
                        by = json_get_string(step, "created_by") ?: "";
                        comment = json_get_string(step, "comment") ?: "";
                        empty = json_get_bool(step, "empty_layer", false);
                } else
                        created = json_get_string(root, "created");
                if (created && parse_rfc3339(created, &e->created_usec) < 0)
                        e->created_usec = 0;
                if (!empty) {
                        if (layer >= n_layers)
                                goto fail;
                        e->size = layer_sizes[layer++];
                }
                e->created_by = strdup(by);
                e->comment = strdup(comment);
                if (!e->created_by || !e->comment) {
                        r = -ENOMEM;
                        goto fail;
                }
        }

        /* Newest first, as docker history prints. */
        for (size_t i = 0; i < n / 2; i++) {
                ImageHistoryEntry t = h[i];
                h[i] = h[n - 1 - i];
                h[n - 1 - i] = t;
        }
        *ret = h;
        *ret_n = n;
        return 0;
fail:
        image_history_free(h, n);
        return r;
}

int image_store_history(ImageStore *s, const char *name, ImageHistoryEntry **ret, size_t *ret_n) {
        _cleanup_(image_freep) Image *image = NULL;
        _cleanup_free_ char *config_data = NULL;
        _cleanup_free_ uint64_t *sizes = NULL;
        ImageHistoryEntry *h = NULL;
        size_t size, n_layers, n = 0;
        int r;

        r = image_store_get(s, name, &image);
        if (r < 0)
                return r;
        r = oci_blob_read(s->images_fd, image->id, IMAGE_JSON_SIZE_MAX, &config_data, &size);
        if (r < 0)
                return r;

        n_layers = strv_length(image->layer_dirs);
        sizes = calloc(n_layers ?: 1, sizeof(uint64_t));
        if (!sizes)
                return -ENOMEM;
        for (size_t i = 0; i < n_layers; i++) {
                _cleanup_json_ cJSON *info = NULL;
                _cleanup_free_ char *path = NULL;
                int64_t sz;

                /* layer_dirs are <state>/layers/<hex>/diff: layer.json sits beside diff/. */
                if (asprintf(&path, "%s/../" LAYER_INFO_FILE, image->layer_dirs[i]) < 0)
                        return -ENOMEM;
                if (json_parse_file_at(AT_FDCWD, path, IMAGE_JSON_SIZE_MAX, &info) < 0)
                        continue;
                sz = json_get_integer(info, "Size", 0);
                sizes[i] = sz < 0 ? 0 : (uint64_t)sz;
        }

        r = image_history_parse(config_data, size, sizes, n_layers, &h, &n);
        if (r < 0)
                return r;
        if (n > 0) {
                h[0].id = strdup(image->id);
                if (!h[0].id) {
                        image_history_free(h, n);
                        return -ENOMEM;
                }
        }
        *ret = h;
        *ret_n = n;
        return 0;
}
