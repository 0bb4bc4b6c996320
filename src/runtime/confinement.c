/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "capabilities.h"
#include "confinement.h"
#include "exit-status.h"
#include "log.h"
#include "macro.h"
#include "rlimits.h"
#include "seccomp-cache.h"
#include "sync-channel.h"

void confinement_done(Confinement *c) {
        seccomp_program_done(&c->seccomp);
        *c = (Confinement){};
}

/* From the cache when berthd named the profile and it was compiled before, else compiled (and cached). */
static int prepare_seccomp(const RuntimeSpec *spec, SeccompProgram *ret, char **ret_error) {
        const char *digest = spec->seccomp_digest_annotation;
        int r;

        if (digest) {
                r = seccomp_cache_load(SECCOMP_CACHE_DIR, digest, spec->seccomp_text, ret);
                if (r > 0)
                        return 0;
                if (r < 0)
                        log_debug_errno(r, "Failed to read the seccomp cache, compiling: %m");
        }
        r = seccomp_program_compile(spec->seccomp, ret, ret_error);
        if (r < 0)
                return r;
        if (digest) {
                r = seccomp_cache_store(SECCOMP_CACHE_DIR, digest, spec->seccomp_text, ret);
                if (r < 0)
                        log_debug_errno(r, "Failed to cache the seccomp filter: %m");
        }
        return 0;
}

int confinement_prepare(const RuntimeSpec *spec, Confinement *ret, char **ret_error) {
        _cleanup_(confinement_done) Confinement c = {.spec = spec};
        _cleanup_free_ char *error = NULL;
        int r;

        if (spec->has_capabilities) {
                r = capabilities_check_available(&spec->capabilities, ret_error);
                if (r < 0)
                        return r;
        }
        if (spec->seccomp) {
                r = prepare_seccomp(spec, &c.seccomp, &error);
                if (r < 0) {
                        if (ret_error && asprintf(ret_error, "seccomp: %s", error ?: strerror(-r)) < 0)
                                *ret_error = NULL;
                        return r;
                }
        }
        *ret = c;
        c = (Confinement){};
        return 0;
}

static int switch_user(const UserCreds *creds, int sync_fd) {
        int error;

        /* libcap's calls keep the permitted set across the switch away from uid 0. */
        if (cap_setgroups(creds->gid, creds->n_groups, creds->groups) < 0) {
                error = errno;
                sync_send_error(
                        sync_fd,
                        error,
                        EXIT_ENGINE_ERROR,
                        "setgid %u: %s",
                        (unsigned)creds->gid,
                        strerror(error));
                return -error;
        }
        if (cap_setuid(creds->uid) < 0) {
                error = errno;
                sync_send_error(
                        sync_fd,
                        error,
                        EXIT_ENGINE_ERROR,
                        "setuid %u: %s",
                        (unsigned)creds->uid,
                        strerror(error));
                return -error;
        }
        return 0;
}

static int load_seccomp(const Confinement *c, int sync_fd) {
        int r = seccomp_program_load(&c->seccomp);
        if (r < 0)
                sync_send_error(
                        sync_fd, -r, EXIT_ENGINE_ERROR, "loading the seccomp filter: %s", strerror(-r));
        return r;
}

static int apply_sets(const Confinement *c, uid_t uid, int sync_fd) {
        _cleanup_free_ char *error = NULL;
        int r;

        if (!c->spec->has_capabilities)
                return 0;
        r = capabilities_apply_sets(&c->spec->capabilities, uid, &error);
        if (r < 0)
                sync_send_error(sync_fd, -r, EXIT_ENGINE_ERROR, "%s", error ?: strerror(-r));
        return r;
}

int confinement_apply(const Confinement *c, const UserCreds *creds, int sync_fd) {
        const RuntimeSpec *s = c->spec;
        _cleanup_free_ char *error = NULL;
        int r;

        /* First, while root: a raised hard limit needs CAP_SYS_RESOURCE. */
        r = rlimits_apply(s, sync_fd);
        if (r < 0)
                return r;
        if (s->has_capabilities) {
                r = capabilities_apply_bounding(&s->capabilities, &error);
                if (r < 0) {
                        sync_send_error(sync_fd, -r, EXIT_ENGINE_ERROR, "%s", error ?: strerror(-r));
                        return r;
                }
        }
        r = switch_user(creds, sync_fd);
        if (r < 0)
                return r;

        if (s->no_new_privileges) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
                        r = -errno;
                        sync_send_error(sync_fd, -r, EXIT_ENGINE_ERROR, "no_new_privs: %s", strerror(-r));
                        return r;
                }
                r = apply_sets(c, creds->uid, sync_fd);
                if (r < 0)
                        return r;
                return load_seccomp(c, sync_fd);
        }

        if (c->seccomp.filter) {
                r = capabilities_raise_effective();
                if (r < 0) {
                        sync_send_error(sync_fd, -r, EXIT_ENGINE_ERROR, "capabilities: %s", strerror(-r));
                        return r;
                }
        }
        r = load_seccomp(c, sync_fd);
        if (r < 0)
                return r;
        return apply_sets(c, creds->uid, sync_fd);
}
