/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry-auth.h"

/* Outside input of the registry's authentication: the WWW-Authenticate challenge, the token server's
 * answer and config.json's "auth" value. Whatever parses must hold together. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        RegistryChallenge c = {};
        RegistryCredentials creds = {}, again = {};
        char *s, *url = NULL, *token = NULL, *header = NULL, *auth = NULL;

        s = strndup((const char *)data, size);
        if (!s)
                return 0;

        if (registry_challenge_parse(s, &c) >= 0) {
                if (strcasecmp(c.scheme, "Basic") != 0 && strcasecmp(c.scheme, "Bearer") != 0)
                        abort();
                if (strcasecmp(c.scheme, "Bearer") == 0 && (!c.realm || !c.realm[0]))
                        abort();
                if (c.realm && registry_token_url(&c, NULL, &url) >= 0 && strncasecmp(url, "http", 4) != 0)
                        abort();
        }

        if (registry_token_parse((const char *)data, size, &token) >= 0 &&
            registry_bearer_header(token, &header) < 0)
                abort();

        if (registry_credentials_from_auth(s, &creds) >= 0) {
                if (registry_credentials_to_auth(&creds, &auth) < 0 ||
                    registry_credentials_from_auth(auth, &again) < 0 ||
                    strcmp(creds.username, again.username) != 0 ||
                    strcmp(creds.password, again.password) != 0)
                        abort();
        }

        registry_challenge_done(&c);
        registry_credentials_done(&creds);
        registry_credentials_done(&again);
        free(s);
        free(url);
        free(token);
        free(header);
        free(auth);
        return 0;
}
