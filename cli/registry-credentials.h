/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Registry credentials in Docker's config.json (${DOCKER_CONFIG:-$HOME/.docker}/config.json):
 *   {"auths": {"127.0.0.1:5000": {"auth": "<base64 of user:password>"}, "https://index.docker.io/v1/": …}}
 * They are the user's, so the CLI reads them and hands the matching "auth" value to berthd with each
 * call that talks to a registry (option "auth"); berthd never reads anyone's home directory. */

/* The key Docker uses for Docker Hub. */
#define REGISTRY_INDEX_SERVER "https://index.docker.io/v1/"

/* The config.json key of a server named on the command line (login, logout): Docker Hub's names
 * (NULL, "", docker.io, index.docker.io, registry-1.docker.io, with or without scheme and path) give
 * REGISTRY_INDEX_SERVER, anything else its host[:port] without scheme and path. -EINVAL when that is
 * empty. */
int registry_server_key(const char *server, char **ret);

/* The registry domain berthd takes for a key: "docker.io" for REGISTRY_INDEX_SERVER, else the key. */
const char *registry_server_domain(const char *key);

/* The config.json key of the registry of an image reference, by Docker's rule for the domain ("busybox"
 * and "user/app" are Docker Hub's, "127.0.0.1:5000/a/b:t" is 127.0.0.1:5000's). */
int registry_server_key_of_reference(const char *reference, char **ret);

/* ${DOCKER_CONFIG:-$HOME/.docker}/config.json; -ENOENT when neither variable is set. */
int registry_config_path(char **ret);

/* The "auth" value stored for key in the config file at path: the entry of that exact key, else one
 * whose key has the same host (as "https://127.0.0.1:5000/v2/"), as Docker looks them up. *ret_auth is
 * NULL when there is none, also when the file does not exist. -EBADMSG when the file is not a JSON
 * object. */
int registry_credentials_lookup(const char *path, const char *key, char **ret_auth);
/* Sets auths[key] = {"auth": auth}, keeping everything else in the file; the file is written atomically
 * with mode 0600, its directory made (0700) when missing. */
int registry_credentials_store(const char *path, const char *key, const char *auth);
/* Removes auths[key] and the http:// and https:// forms of key; -ENOENT when none was there. */
int registry_credentials_erase(const char *path, const char *key);

/* For verbs that talk to a registry (pull, push): the "auth" value for the reference's registry from the
 * user's config.json, or NULL in *ret_auth. A file that cannot be read is a warning, not an error, as in
 * Docker; only -ENOMEM fails. Pass it as option "auth" (s) of the call when not NULL. */
int registry_auth_for_reference(const char *reference, char **ret_auth);
