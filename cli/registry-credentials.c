/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "json-util.h"
#include "log.h"
#include "registry-credentials.h"

/* config.json also holds other tools' settings; this is far more than any real one needs. */
#define CONFIG_SIZE_MAX (4U * 1024U * 1024U)

/* Docker's ConvertToHostname: without "http://" or "https://" and without anything from the first '/'. */
static int server_hostname(const char *server, char **ret) {
        const char *s = server;

        if (strncmp(s, "http://", 7) == 0)
                s += 7;
        else if (strncmp(s, "https://", 8) == 0)
                s += 8;
        *ret = strndup(s, strcspn(s, "/"));
        return *ret ? 0 : -ENOMEM;
}

static bool is_docker_hub(const char *host) {
        return streq(host, "docker.io") || streq(host, "index.docker.io") ||
               streq(host, "registry-1.docker.io");
}

int registry_server_key(const char *server, char **ret) {
        _cleanup_free_ char *host = NULL;
        int r;

        if (isempty(server))
                return (*ret = strdup(REGISTRY_INDEX_SERVER)) ? 0 : -ENOMEM;
        r = server_hostname(server, &host);
        if (r < 0)
                return r;
        if (isempty(host))
                return -EINVAL;
        if (is_docker_hub(host))
                return (*ret = strdup(REGISTRY_INDEX_SERVER)) ? 0 : -ENOMEM;
        *ret = TAKE_PTR(host);
        return 0;
}

const char *registry_server_domain(const char *key) {
        return streq(key, REGISTRY_INDEX_SERVER) ? "docker.io" : key;
}

int registry_server_key_of_reference(const char *reference, char **ret) {
        const char *slash = strchr(reference, '/');
        _cleanup_free_ char *domain = NULL;
        bool has_domain = false;

        /* Docker's splitDockerDomain: the first component is a domain when it has a '.' or a ':', is
         * "localhost", or has upper-case letters (which repository names cannot). */
        if (slash) {
                domain = strndup(reference, slash - reference);
                if (!domain)
                        return -ENOMEM;
                has_domain = strpbrk(domain, ".:") || streq(domain, "localhost");
                for (const char *p = domain; *p && !has_domain; p++)
                        has_domain = *p >= 'A' && *p <= 'Z';
        }
        return registry_server_key(has_domain ? domain : NULL, ret);
}

int registry_config_path(char **ret) {
        const char *dir = getenv("DOCKER_CONFIG"), *home;

        if (!isempty(dir))
                return asprintf(ret, "%s/config.json", dir) < 0 ? -ENOMEM : 0;
        home = getenv("HOME");
        if (isempty(home)) {
                struct passwd *pw = getpwuid(getuid());
                home = pw ? pw->pw_dir : NULL;
        }
        if (isempty(home))
                return -ENOENT;
        return asprintf(ret, "%s/.docker/config.json", home) < 0 ? -ENOMEM : 0;
}

/* The parsed file, and its "auths" object (NULL when it has none). */
static int config_load(const char *path, cJSON **ret, cJSON **ret_auths) {
        _cleanup_json_ cJSON *root = NULL;
        cJSON *auths;
        int r;

        r = json_parse_file_at(AT_FDCWD, path, CONFIG_SIZE_MAX, &root);
        if (r == -EINVAL)
                return -EBADMSG;
        if (r < 0)
                return r;
        if (!cJSON_IsObject(root))
                return -EBADMSG;
        auths = cJSON_GetObjectItemCaseSensitive(root, "auths");
        if (auths && !cJSON_IsObject(auths))
                return -EBADMSG;
        *ret = TAKE_PTR(root);
        *ret_auths = auths;
        return 0;
}

static const char *entry_auth(const cJSON *auths, const char *key) {
        const char *auth = json_get_string(cJSON_GetObjectItemCaseSensitive(auths, key), "auth");
        return isempty(auth) ? NULL : auth;
}

int registry_credentials_lookup(const char *path, const char *key, char **ret_auth) {
        _cleanup_json_ cJSON *root = NULL;
        _cleanup_free_ char *host = NULL;
        const char *auth;
        cJSON *auths, *e;
        int r;

        *ret_auth = NULL;
        r = config_load(path, &root, &auths);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        auth = entry_auth(auths, key);
        if (!auth) {
                r = server_hostname(key, &host);
                if (r < 0)
                        return r;
                cJSON_ArrayForEach (e, auths) {
                        _cleanup_free_ char *other = NULL;

                        r = server_hostname(e->string, &other);
                        if (r < 0)
                                return r;
                        if (streq(other, host) && (auth = entry_auth(auths, e->string)))
                                break;
                }
        }
        if (!auth)
                return 0;
        *ret_auth = strdup(auth);
        return *ret_auth ? 0 : -ENOMEM;
}

static int config_write(const char *path, const cJSON *root) {
        _cleanup_free_ char *text = NULL, *dir = NULL;
        const char *slash = strrchr(path, '/');
        int r;

        if (slash && slash != path) {
                dir = strndup(path, slash - path);
                if (!dir)
                        return -ENOMEM;
                r = mkdir_p(dir, 0700);
                if (r < 0)
                        return r;
        }
        text = cJSON_Print(root);
        if (!text)
                return -ENOMEM;
        /* Passwords are in it: readable by the owner only, also when the file was there before. */
        return write_file_atomic_at(AT_FDCWD, path, text, strlen(text), 0600);
}

int registry_credentials_store(const char *path, const char *key, const char *auth) {
        _cleanup_json_ cJSON *root = NULL;
        cJSON *auths = NULL, *entry;
        int r;

        r = config_load(path, &root, &auths);
        if (r == -ENOENT) {
                root = cJSON_CreateObject();
                if (!root)
                        return -ENOMEM;
        } else if (r < 0)
                return r;
        if (!auths) {
                auths = cJSON_AddObjectToObject(root, "auths");
                if (!auths)
                        return -ENOMEM;
        }
        entry = cJSON_CreateObject();
        if (!entry)
                return -ENOMEM;
        if (!cJSON_AddStringToObject(entry, "auth", auth)) {
                cJSON_Delete(entry);
                return -ENOMEM;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(auths, key);
        if (!cJSON_AddItemToObject(auths, key, entry)) {
                cJSON_Delete(entry);
                return -ENOMEM;
        }
        return config_write(path, root);
}

int registry_credentials_erase(const char *path, const char *key) {
        _cleanup_json_ cJSON *root = NULL;
        _cleanup_free_ char *http = NULL, *https = NULL;
        bool found = false;
        cJSON *auths;
        int r;

        r = config_load(path, &root, &auths);
        if (r < 0)
                return r;
        /* Older clients stored some registries with a scheme: remove those forms too, as Docker does. */
        if (asprintf(&http, "http://%s", key) < 0 || asprintf(&https, "https://%s", key) < 0)
                return -ENOMEM;
        for (const char *const *k = (const char *const[]){key, http, https, NULL}; *k; k++) {
                cJSON *e = cJSON_DetachItemFromObjectCaseSensitive(auths, *k);
                if (e) {
                        cJSON_Delete(e);
                        found = true;
                }
        }
        if (!found)
                return -ENOENT;
        return config_write(path, root);
}

int registry_auth_for_reference(const char *reference, char **ret_auth) {
        _cleanup_free_ char *key = NULL, *path = NULL;
        int r;

        *ret_auth = NULL;
        r = registry_server_key_of_reference(reference, &key);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0;
        r = registry_config_path(&path);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0;
        r = registry_credentials_lookup(path, key, ret_auth);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                log_warning_errno(r, "WARNING: Error loading config file: %s: %m", path);
        return 0;
}
