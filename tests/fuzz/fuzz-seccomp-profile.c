/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: seccomp profiles in Docker's and the OCI shape. Whatever the parser accepts must
 * resolve for any container, serialize into an OCI linux.seccomp that parses back to the same text, and
 * compile with libseccomp or be refused with a message, without crashing or leaking. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capability-name.h"
#include "json-util.h"
#include "seccomp-filter.h"
#include "seccomp-resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_oci(const SeccompProfile *p) {
        _cleanup_(seccomp_profile_freep) SeccompProfile *again = NULL;
        _cleanup_json_ cJSON *j = NULL, *k = NULL;
        _cleanup_free_ char *text = NULL, *text_again = NULL, *error = NULL;
        SeccompProgram prog = {};

        if (seccomp_profile_to_oci_json(p, &j) < 0)
                return;
        text = cJSON_PrintUnformatted(j);
        if (!text)
                return;
        if (seccomp_profile_parse_text(text, strlen(text), SECCOMP_PROFILE_OCI, &again, NULL) < 0)
                abort();
        if (seccomp_profile_to_oci_json(again, &k) < 0)
                return;
        text_again = cJSON_PrintUnformatted(k);
        if (text_again && strcmp(text, text_again) != 0)
                abort();

        if (seccomp_program_compile(again, &prog, &error) >= 0) {
                if (!prog.filter || prog.len == 0)
                        abort();
                seccomp_program_done(&prog);
        } else if (prog.filter)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const SeccompHost hosts[] = {
                {.goarch = "amd64", .arch = "SCMP_ARCH_X86_64", .kernel_major = 6, .kernel_minor = 1},
                {.goarch = "s390x", .arch = "SCMP_ARCH_S390X", .kernel_major = 4, .kernel_minor = 4},
                {.goarch = "unknown"},
        };
        static const uint64_t caps[] = {0, CAPABILITY_MASK(21) | CAPABILITY_MASK(19), UINT64_MAX};
        _cleanup_(seccomp_profile_freep) SeccompProfile *docker = NULL, *oci = NULL;
        _cleanup_free_ char *error = NULL;

        if (seccomp_profile_parse_text((const char *)data, size, SECCOMP_PROFILE_DOCKER, &docker, &error) >=
            0)
                for (size_t h = 0; h < sizeof(hosts) / sizeof(hosts[0]); h++)
                        for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
                                _cleanup_(seccomp_profile_freep) SeccompProfile *resolved = NULL;
                                if (seccomp_profile_resolve(docker, caps[c], &hosts[h], &resolved) >= 0)
                                        check_oci(resolved);
                        }
        free(error);
        error = NULL;
        if (seccomp_profile_parse_text((const char *)data, size, SECCOMP_PROFILE_OCI, &oci, &error) >= 0)
                check_oci(oci);
        return 0;
}
