/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker import: a root filesystem tarball becomes a one-layer image. The blob stored is the
 * uncompressed tar, so that its digest is the layer's DiffID. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "image-config.h"
#include "image-store-internal.h"
#include "json-util.h"
#include "log.h"
#include "reference.h"
#include "strv.h"

static int build_config(const char *diff_id, char **ret_json) {
        _cleanup_json_ cJSON *root = cJSON_CreateObject();
        cJSON *rootfs, *diff_ids, *history, *h;
        char created[sizeof("YYYY-MM-DDTHH:MM:SSZ") + 8];
        time_t now = time(NULL);
        struct tm tm;
        char *s;

        if (!gmtime_r(&now, &tm) || strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                return -EINVAL;
        if (!root || !cJSON_AddStringToObject(root, "created", created) ||
            !cJSON_AddStringToObject(root, "architecture", "amd64") ||
            !cJSON_AddStringToObject(root, "os", "linux") || !cJSON_AddObjectToObject(root, "config") ||
            !(rootfs = cJSON_AddObjectToObject(root, "rootfs")) ||
            !cJSON_AddStringToObject(rootfs, "type", "layers") ||
            !(diff_ids = cJSON_AddArrayToObject(rootfs, "diff_ids")) ||
            !(history = cJSON_AddArrayToObject(root, "history")))
                return -ENOMEM;
        cJSON_AddItemToArray(diff_ids, cJSON_CreateString(diff_id));
        h = cJSON_CreateObject();
        if (!h)
                return -ENOMEM;
        cJSON_AddItemToArray(history, h);
        if (!cJSON_AddStringToObject(h, "created", created) ||
            !cJSON_AddStringToObject(h, "created_by", "berth import") || cJSON_GetArraySize(diff_ids) != 1)
                return -ENOMEM;

        s = cJSON_PrintUnformatted(root);
        if (!s)
                return -ENOMEM;
        *ret_json = s;
        return 0;
}

int image_store_import_rootfs(ImageStore *store, int fd, const char *reference, char **ret_id) {
        _cleanup_(transaction_freep) Transaction *t = NULL;
        _cleanup_strv_free_ char **tags = NULL;
        _cleanup_free_ char *tar_file = NULL, *config = NULL, *id = NULL;
        _cleanup_close_ int tar_fd = -EBADF;
        char diff_id[DIGEST_STRING_LEN + 1], config_digest[DIGEST_STRING_LEN + 1];
        char *const layers[] = {diff_id, NULL};
        uint64_t tar_size;
        struct stat st;
        int r;

        if (!isempty(reference)) {
                char *normalized = NULL;
                r = reference_normalize(reference, &normalized);
                if (r < 0)
                        return log_error_errno(r, "Invalid reference format: \"%s\".", reference);
                r = strv_consume(&tags, normalized);
                if (r < 0)
                        return r;
        }

        r = transaction_begin(store, &t);
        if (r < 0)
                return log_error_errno(r, "Cannot stage the import: %m");
        r = transaction_new_file(t, &tar_file, &tar_fd);
        if (r < 0)
                return r;
        r = layer_diff_id(fd, tar_fd, &store->layer_limits, diff_id);
        if (r < 0)
                return log_error_errno(r, "Cannot read the root filesystem tarball: %m");
        if (fstat(tar_fd, &st) < 0)
                return -errno;
        tar_size = (uint64_t)st.st_size;

        r = transaction_add_blob_file(t, tar_file, diff_id);
        if (r < 0)
                return r;
        r = transaction_add_layer(t, tar_fd, diff_id, diff_id);
        if (r < 0)
                return log_error_errno(r, "Cannot unpack the root filesystem tarball: %m");

        r = build_config(diff_id, &config);
        if (r < 0)
                return r;
        r = transaction_add_blob_data(t, config, strlen(config), config_digest);
        if (r < 0)
                return r;
        r = transaction_add_image_manifest(t, config_digest, strlen(config), layers, &tar_size, 1, tags);
        if (r < 0)
                return r;

        r = transaction_commit(t);
        if (r < 0)
                return log_error_errno(r, "Cannot commit the imported image: %m");
        if (ret_id) {
                id = strdup(config_digest);
                if (!id)
                        return -ENOMEM;
                *ret_id = TAKE_PTR(id);
        }
        return 0;
}
