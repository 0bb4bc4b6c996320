/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <linux/filter.h>

#include "seccomp-profile.h"

/* The container's seccomp filter. The monitor compiles the spec's linux.seccomp with libseccomp before
 * it clones the init (crun's habit: the container's processes never run libseccomp) and keeps the
 * classic BPF program; the init and every exec'd process load it right before execve(). */

typedef struct SeccompProgram {
        struct sock_filter *filter; /* NULL: no filter */
        unsigned short len;
        unsigned flags; /* SECCOMP_FILTER_FLAG_* */
} SeccompProgram;

void seccomp_program_done(SeccompProgram *p);

/* On failure ret_error says which rule or architecture libseccomp refused. Syscall names libseccomp
 * does not know are left out, as runc and crun do: a profile may name syscalls of newer kernels. */
int seccomp_program_compile(const SeccompProfile *profile, SeccompProgram *ret, char **ret_error);

/* Loads the program into the calling thread: needs no_new_privs or CAP_SYS_ADMIN. */
int seccomp_program_load(const SeccompProgram *p);
