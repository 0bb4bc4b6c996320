/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The HTTP side of the registry API v2 (OCI distribution spec) for one repository of one registry, over
 * libcurl:
 *   - endpoints: for pulls the registry's mirrors first (registry_options_mirrors()), then the registry
 *     itself (docker.io is https://registry-1.docker.io); the first that answers GET /v2/ is used;
 *   - scheme: https, verified against the system CAs plus /etc/berth/certs.d/<host[:port]>/ca.crt
 *     (client.cert/client.key there too), as Docker's /etc/docker/certs.d. Registries in
 *     insecure-registries are not verified; they and loopback registries (127.0.0.0/8, ::1, localhost)
 *     fall back to plain http when the server does not speak TLS at all. A mirror URL keeps its scheme;
 *   - authentication: on a 401 the WWW-Authenticate challenge is met (registry-auth.h): Basic with the
 *     credentials, or a Bearer token from the challenge's realm for this repository's scope (with the
 *     credentials when given, anonymous otherwise), cached per scope; the request is retried once;
 *   - errors: one line each, logged at error level, in Docker's words.
 * Synchronous requests for short exchanges (manifests, push, search), prepared easy handles for a curl
 * multi loop (blob downloads). Image code only: knows nothing of containers or of the bus. */

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"
#include "registry-options.h"

#define REGISTRY_CERTS_DIR BERTH_CONFIG_DIR "/certs.d"

typedef struct RegistryClient RegistryClient;

typedef enum RegistryAccess {
        REGISTRY_ACCESS_PULL, /* scope "repository:NAME:pull"; mirrors first */
        REGISTRY_ACCESS_PUSH, /* scope "repository:NAME:pull,push"; never a mirror */
} RegistryAccess;

/* registry: the domain of a normalized reference ("docker.io", "127.0.0.1:5000"); repository: the path
 * in it ("library/busybox"), or NULL for registry-wide requests (/v2/_catalog: then the scope comes from
 * the challenge); auth: Docker config.json's "auth" value (base64 "user:password") or NULL. options may
 * be NULL (defaults) and is copied from. Sends nothing yet. */
int registry_client_new(
        const RegistryOptions *options,
        const char *registry,
        const char *repository,
        RegistryAccess access,
        const char *auth,
        RegistryClient **ret);
RegistryClient *registry_client_free(RegistryClient *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(RegistryClient *, registry_client_free);

/* Synchronous requests end with -ECANCELED (not logged) soon after fd becomes readable (a signalfd for
 * SIGTERM, say). */
void registry_client_set_cancel_fd(RegistryClient *c, int fd);

/* Pings the endpoints in order (GET /v2/, meeting an auth challenge there) and keeps the first that
 * answers. The first request does this when it was not done before. Failing that, the last endpoint's
 * error is logged and returned. */
int registry_client_connect(RegistryClient *c);
/* Moves on to the next endpoint (e.g. a mirror that does not have the image) and connects to it; -ENOENT
 * (not logged) when there is none left. */
int registry_client_next_endpoint(RegistryClient *c);
/* The endpoint in use ("http://127.0.0.1:5000"), NULL before connecting; whether it is a mirror. */
const char *registry_client_endpoint(const RegistryClient *c);
bool registry_client_on_mirror(const RegistryClient *c);

typedef struct RegistryRequest {
        const char *method; /* NULL: "GET"; "HEAD", "POST", "PATCH", "PUT", "DELETE" */
        /* "manifests/latest": below /v2/<repository>/; "/v2/_catalog?n=100": below the endpoint;
         * "http(s)://…" (a Location header): as it is; credentials go only to the endpoint's own URLs. */
        const char *path;
        char *const *headers; /* extra request headers, "Name: value"; may be NULL */
        /* The body: body_size bytes at body, or, when body is NULL and body_fd >= 0, read from body_fd
         * with pread() from body_offset. body_size 0: none (POST/PUT then send Content-Length: 0). */
        const void *body;
        int body_fd;
        uint64_t body_offset;
        uint64_t body_size;
        size_t max_response; /* bytes of answer body kept in memory; more is -EFBIG. 0: discarded */
} RegistryRequest;

/* Initializes a request with body_fd = -EBADF. */
#define REGISTRY_REQUEST_INIT(m, p) ((RegistryRequest){.method = (m), .path = (p), .body_fd = -EBADF})

typedef struct RegistryResponse {
        long status; /* of the last answer (redirects are followed) */
        char *body;  /* NUL-terminated, NULL when discarded or empty */
        size_t body_size;
        CURL *curl; /* kept for registry_response_header() */
} RegistryResponse;

void registry_response_done(RegistryResponse *r);
/* A header of the final answer ("Location", "Docker-Content-Digest", "Range", "Docker-Upload-UUID"),
 * NULL when absent. Valid until registry_response_done(). */
const char *registry_response_header(const RegistryResponse *r, const char *name);

/* Sends one request and waits for the answer, meeting one 401 challenge on the way. Any HTTP status is
 * success here (ret->status says which); transport failures (connection refused, TLS, timeout) are
 * logged ("Get \"URL\": connect: connection refused") and returned as negative errno. */
int registry_client_request(RegistryClient *c, const RegistryRequest *req, RegistryResponse *ret);

/* Logs the failed answer in Docker's words and returns a negative errno for it: the registry's own
 * error body as "<code>: <message>" ("manifest unknown: manifest unknown", "unauthorized: authentication
 * required", "toomanyrequests: …"; 401 → -EACCES, 403 → -EPERM, 404 → -ENOENT, 429 → -EBUSY), else
 * "received unexpected HTTP status: 500 Internal Server Error" (-EPROTO). what, when not NULL, comes first
 * ("manifest for busybox:nope not found: manifest unknown: manifest unknown"). */
int registry_response_error(const RegistryResponse *r, const char *what);

/* For a multi loop: an easy handle for method/path (as in RegistryRequest) with the endpoint, TLS
 * settings, timeouts and the current Authorization applied. headers are added to the request; the
 * resulting list is set as CURLOPT_HTTPHEADER and returned in ret_headers, to be freed with
 * curl_slist_free_all() after curl_easy_cleanup(). The caller sets CURLOPT_WRITEFUNCTION & co. Connects
 * first when needed. */
int registry_client_prepare(
        RegistryClient *c,
        const char *method,
        const char *path,
        char *const *headers,
        CURL **ret,
        struct curl_slist **ret_headers);

/* After a 401 in the multi loop: meets the handle's WWW-Authenticate challenge (a fresh token), so that
 * the next prepared handle carries it. Logs and returns the error when the challenge cannot be met. */
int registry_client_authenticate(RegistryClient *c, CURL *answered);

/* Logs a transport failure of handle (code and the CURLOPT_ERRORBUFFER text errbuf, may be NULL) in
 * Docker's words and returns a negative errno: -ECONNREFUSED, -EHOSTUNREACH, -ETIMEDOUT, -EPROTO for TLS
 * ("x509: certificate signed by unknown authority" or curl's reason), -EIO otherwise. */
int registry_client_transport_error(RegistryClient *c, CURL *handle, CURLcode code, const char *errbuf);
