/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the config.json parser must refuse or accept any input without crashing or leaking. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "mount-setup.h"
#include "runtime-spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        RuntimeSpec *s = NULL;
        MountPlan plan = {};
        char *error = NULL;

        if (runtime_spec_parse((const char *)data, size, &s, &error) >= 0) {
                /* Whatever the parser accepts must also be plannable. */
                if (mount_plan_build(s, &plan) >= 0)
                        mount_plan_done(&plan);
                runtime_spec_free(s);
        }
        free(error);
        return 0;
}
