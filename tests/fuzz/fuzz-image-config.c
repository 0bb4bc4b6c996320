/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image-config.h"
#include "strv.h"

/* Every parser of image JSON sees the same input: all of it comes from archives and registries. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *s = (const char *)data;
        ImageConfig c = {};
        char **diff_ids = NULL;
        OciManifest *m = NULL;
        OciDescriptor *d = NULL;
        DockerManifestEntry *e = NULL;
        size_t n = 0;
        uint64_t usec;

        if (image_config_parse(s, size, &c, &diff_ids) >= 0) {
                image_config_done(&c);
                strv_free(diff_ids);
        }
        if (oci_manifest_parse(s, size, &m) >= 0)
                oci_manifest_free(m);
        if (oci_index_parse(s, size, &d, &n) >= 0)
                oci_descriptors_free(d, n);
        if (docker_manifest_parse(s, size, &e, &n) >= 0)
                docker_manifest_entries_free(e, n);
        if (size < 64) {
                char *t = strndup(s, size);
                if (t)
                        (void)parse_rfc3339(t, &usec);
                free(t);
        }
        return 0;
}
