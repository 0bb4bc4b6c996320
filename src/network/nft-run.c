/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dlfcn.h>
#include <nftables/libnftables.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nft-run.h"

#define LIBNFTABLES_SONAME "libnftables.so.1"

typedef struct Libnftables {
        __typeof__(&nft_ctx_new) ctx_new;
        __typeof__(&nft_ctx_free) ctx_free;
        __typeof__(&nft_ctx_buffer_output) ctx_buffer_output;
        __typeof__(&nft_ctx_buffer_error) ctx_buffer_error;
        __typeof__(&nft_ctx_get_error_buffer) ctx_get_error_buffer;
        __typeof__(&nft_run_cmd_from_buffer) run_cmd_from_buffer;
} Libnftables;

/* Loaded once and kept: berth-network is a short-lived process. */
static int libnftables_get(const Libnftables **ret) {
        static Libnftables lib;
        static void *handle;
        struct {
                void **sym;
                const char *name;
        } syms[] = {
                {(void **)&lib.ctx_new, "nft_ctx_new"},
                {(void **)&lib.ctx_free, "nft_ctx_free"},
                {(void **)&lib.ctx_buffer_output, "nft_ctx_buffer_output"},
                {(void **)&lib.ctx_buffer_error, "nft_ctx_buffer_error"},
                {(void **)&lib.ctx_get_error_buffer, "nft_ctx_get_error_buffer"},
                {(void **)&lib.run_cmd_from_buffer, "nft_run_cmd_from_buffer"},
        };

        if (!handle) {
                void *h = dlopen(LIBNFTABLES_SONAME, RTLD_NOW | RTLD_LOCAL);

                if (!h)
                        return log_error_errno(ENOPKG, "Cannot load %s: %s", LIBNFTABLES_SONAME, dlerror()),
                               -ENOPKG;
                for (size_t i = 0; i < ELEMENTSOF(syms); i++) {
                        *syms[i].sym = dlsym(h, syms[i].name);
                        if (!*syms[i].sym) {
                                log_error("%s lacks %s: %s", LIBNFTABLES_SONAME, syms[i].name, dlerror());
                                (void)dlclose(h);
                                return -ENOPKG;
                        }
                }
                handle = h;
        }
        *ret = &lib;
        return 0;
}

int nft_run(const char *commands, char **ret_error) {
        const Libnftables *lib;
        struct nft_ctx *ctx;
        int r;

        r = libnftables_get(&lib);
        if (r < 0)
                return r;
        ctx = lib->ctx_new(NFT_CTX_DEFAULT);
        if (!ctx)
                return -ENOMEM;
        r = lib->ctx_buffer_output(ctx) < 0 || lib->ctx_buffer_error(ctx) < 0 ? -ENOMEM : 0;
        if (r >= 0 && lib->run_cmd_from_buffer(ctx, commands) != 0) {
                if (ret_error) {
                        const char *e = lib->ctx_get_error_buffer(ctx);
                        *ret_error = strdup(e ?: "nftables failed");
                }
                r = -EIO;
        }
        lib->ctx_free(ctx);
        return r;
}
