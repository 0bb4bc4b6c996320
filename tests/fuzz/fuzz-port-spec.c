/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "port-spec.h"

/* Every accepted -p value gives mappings that survive the JSON round trip unchanged; a refused one
 * always says why. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        PortMapping *m = NULL, *back = NULL;
        size_t n = 0, n_back = 0;
        char *s, *error = NULL;
        cJSON *j;
        int r;

        if (size > 256)
                return 0;
        s = strndup((const char *)data, size);
        if (!s)
                return 0;
        r = port_spec_parse(s, &m, &n, &error);
        if (r < 0 && r != -ENOMEM && !error)
                abort();
        if (r >= 0) {
                j = port_mappings_to_json(m, n);
                if (!j || port_mappings_from_json(j, &back, &n_back) < 0 || n_back != n ||
                    (n > 0 && memcmp(m, back, n * sizeof(PortMapping)) != 0))
                        abort();
                for (size_t i = 0; i < n; i++)
                        if (m[i].container_port == 0 || m[i].host_port > m[i].host_port_end)
                                abort();
                cJSON_Delete(j);
        }
        free(s);
        free(error);
        free(m);
        free(back);
        return 0;
}
