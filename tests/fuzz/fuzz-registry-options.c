/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <stdlib.h>

#include "log.h"
#include "registry-options.h"
#include "strv.h"

/* daemon.json's registry keys, and the lookups berthd makes with what they gave. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        RegistryOptions o = {};
        char **mirrors = NULL;

        log_set_max_level(LOG_CRIT);
        if (registry_options_parse((const char *)data, size, &o) < 0)
                return 0;
        if (registry_options_mirrors(&o, "docker.io", &mirrors) >= 0)
                strv_free(mirrors);
        (void)registry_options_is_insecure(&o, "10.1.2.3:5000");
        (void)registry_options_is_insecure(&o, "[fd00::1]:5000");
        (void)registry_options_is_insecure(&o, "registry.example");
        registry_options_done(&o);
        return 0;
}
