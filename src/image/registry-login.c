/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "registry-login.h"
#include "log.h"
#include "registry-client.h"

int registry_login(const RegistryOptions *options, const char *registry, const char *auth) {
        _cleanup_(registry_client_freep) RegistryClient *c = NULL;
        _cleanup_(registry_response_done) RegistryResponse resp = {};
        RegistryRequest req = REGISTRY_REQUEST_INIT("GET", "/v2/");
        int r;

        /* Push access: the client then never picks a mirror; with no repository there is no scope. */
        r = registry_client_new(options, registry, NULL, REGISTRY_ACCESS_PUSH, auth, &c);
        if (r < 0)
                return log_error_errno(r, "Cannot log in to %s: %m", registry);
        /* The client meets the 401 challenge with the credentials and asks once more. */
        r = registry_client_request(c, &req, &resp);
        if (r < 0)
                return r;
        if (resp.status == 401)
                return log_error_errno(
                        EACCES,
                        "login attempt to %s/v2/ failed with status: 401 Unauthorized",
                        registry_client_endpoint(c));
        if (resp.status != 200)
                return registry_response_error(&resp, NULL);
        return 0;
}
