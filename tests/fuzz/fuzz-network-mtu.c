/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "network-config.h"

/* The MTU from outside: the value of network create -o com.docker.network.driver.mtu (first byte even) or
 * daemon.json's "mtu" (odd). An accepted one is one the kernel takes; a refused one always says why. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s, *error = NULL;
        unsigned mtu = 0;
        int r;

        if (size < 1 || size > 4096)
                return 0;
        s = strndup((const char *)data + 1, size - 1);
        if (!s)
                return 0;
        r = data[0] % 2 == 0 ? mtu_parse(s, &mtu, &error) : daemon_config_bridge_mtu(s, &mtu, &error);
        if (r < 0 && r != -ENOMEM && !error)
                abort();
        if (r >= 0 && (mtu < NETWORK_MTU_MIN || mtu > NETWORK_MTU_MAX))
                abort();
        free(s);
        free(error);
        return 0;
}
