/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json-util.h"
#include "log.h"
#include "registry-auth.h"
#include "registry-client.h"
#include "strv.h"

#define DOCKER_HUB "docker.io"
#define DOCKER_HUB_ENDPOINT "https://registry-1.docker.io"
#define ERROR_BODY_MAX (64U * 1024U)
#define TOKEN_ANSWER_MAX (1024U * 1024U)
#define CONNECT_TIMEOUT_SEC 30L
/* A transfer that moves less than a byte a second for this long is dead. */
#define LOW_SPEED_TIME_SEC 60L
#define REDIRECTS_MAX 8L

typedef struct Endpoint {
        char *url; /* "https://host:port", no trailing "/" */
        bool mirror;
        bool verify;        /* TLS verification */
        bool http_fallback; /* plain http when the server does not speak TLS */
} Endpoint;

typedef struct CachedAuthorization {
        char *key; /* realm + " " + scope */
        char *header;
} CachedAuthorization;

struct RegistryClient {
        char *registry;
        char *repository;
        RegistryAccess access;
        RegistryOptions options; /* the parts used: insecure */
        RegistryCredentials credentials;
        bool have_credentials;
        Endpoint *endpoints;
        size_t n_endpoints;
        size_t current;
        bool connected;
        char *authorization; /* "Authorization: …" for the current endpoint, NULL before a challenge */
        CachedAuthorization *cache;
        size_t n_cache;
        CURLcode last_code; /* of the last transport failure */
        char last_error[CURL_ERROR_SIZE];
        long last_os_errno;
        int cancel_fd;
};

static void endpoints_free(Endpoint *e, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(e[i].url);
        free(e);
}

static void cache_clear(RegistryClient *c) {
        for (size_t i = 0; i < c->n_cache; i++) {
                free(c->cache[i].key);
                free(c->cache[i].header);
        }
        free(c->cache);
        c->cache = NULL;
        c->n_cache = 0;
}

RegistryClient *registry_client_free(RegistryClient *c) {
        if (!c)
                return NULL;
        free(c->registry);
        free(c->repository);
        c->options.insecure = strv_free(c->options.insecure);
        registry_credentials_done(&c->credentials);
        endpoints_free(c->endpoints, c->n_endpoints);
        free(c->authorization);
        cache_clear(c);
        free(c);
        return NULL;
}

/* The host[:port] of an http(s) URL, as named in certs.d and insecure-registries. */
static int url_host(const char *url, char **ret) {
        CURLU *u = curl_url();
        char *host = NULL, *port = NULL;
        int r = 0;

        if (!u)
                return -ENOMEM;
        if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
            curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
                r = -EINVAL;
        else if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
                if (asprintf(ret, "%s:%s", host, port) < 0)
                        r = -ENOMEM;
        } else if (!(*ret = strdup(host)))
                r = -ENOMEM;
        curl_free(host);
        curl_free(port);
        curl_url_cleanup(u);
        return r;
}

static bool host_is_loopback(const char *host) {
        size_t n = strcspn(host, ":");

        if (host[0] == '[')
                return strncmp(host, "[::1]", 5) == 0;
        return (n == 9 && strncmp(host, "localhost", 9) == 0) || strncmp(host, "127.", 4) == 0 ||
               streq(host, "::1");
}

static int endpoint_add(RegistryClient *c, const char *url, bool mirror) {
        _cleanup_free_ char *host = NULL;
        Endpoint *e;
        int r;

        r = url_host(url, &host);
        if (r < 0)
                return r;
        e = realloc(c->endpoints, (c->n_endpoints + 1) * sizeof(Endpoint));
        if (!e)
                return -ENOMEM;
        c->endpoints = e;
        e = &c->endpoints[c->n_endpoints];
        *e = (Endpoint){
                .url = strdup(url),
                .mirror = mirror,
                .verify = !registry_options_is_insecure(&c->options, host),
        };
        if (!e->url)
                return -ENOMEM;
        /* A mirror keeps the scheme it was given; a registry is asked for TLS first. */
        e->http_fallback = !mirror && (!e->verify || host_is_loopback(host));
        c->n_endpoints++;
        return 0;
}

int registry_client_new(
        const RegistryOptions *options,
        const char *registry,
        const char *repository,
        RegistryAccess access,
        const char *auth,
        RegistryClient **ret) {
        _cleanup_(registry_client_freep) RegistryClient *c = NULL;
        _cleanup_free_ char *url = NULL;
        int r;

        if (isempty(registry) || strpbrk(registry, "/ \t\r\n") || (repository && isempty(repository)))
                return -EINVAL;
        c = calloc(1, sizeof(RegistryClient));
        if (!c)
                return -ENOMEM;
        c->access = access;
        c->cancel_fd = -EBADF;
        c->registry = strdup(registry);
        if (!c->registry || (repository && !(c->repository = strdup(repository))))
                return -ENOMEM;
        if (options && options->insecure && !(c->options.insecure = strv_copy(options->insecure)))
                return -ENOMEM;
        if (!isempty(auth)) {
                r = registry_credentials_from_auth(auth, &c->credentials);
                if (r < 0)
                        return log_error_errno(r, "Invalid credentials for %s.", registry);
                c->have_credentials = true;
        }

        if (access == REGISTRY_ACCESS_PULL) {
                _cleanup_strv_free_ char **mirrors = NULL;
                r = registry_options_mirrors(options, registry, &mirrors);
                if (r < 0)
                        return r;
                STRV_FOREACH (m, mirrors) {
                        r = endpoint_add(c, *m, true);
                        if (r < 0)
                                return log_error_errno(r, "Invalid mirror %s.", *m);
                }
        }
        if (streq(registry, DOCKER_HUB))
                url = strdup(DOCKER_HUB_ENDPOINT);
        else if (asprintf(&url, "https://%s", registry) < 0)
                url = NULL;
        if (!url)
                return -ENOMEM;
        r = endpoint_add(c, url, false);
        if (r < 0)
                return log_error_errno(r, "Invalid registry name %s.", registry);

        *ret = TAKE_PTR(c);
        return 0;
}

void registry_client_set_cancel_fd(RegistryClient *c, int fd) {
        c->cancel_fd = fd;
}

static bool cancel_requested(RegistryClient *c) {
        struct pollfd p = {.fd = c->cancel_fd, .events = POLLIN};

        return c->cancel_fd >= 0 && poll(&p, 1, 0) > 0;
}

const char *registry_client_endpoint(const RegistryClient *c) {
        return c->connected ? c->endpoints[c->current].url : NULL;
}

bool registry_client_on_mirror(const RegistryClient *c) {
        return c->connected && c->endpoints[c->current].mirror;
}

/* The full URL of a request path (see RegistryRequest.path); ret_own: whether credentials may go there. */
static int request_url(RegistryClient *c, const char *path, char **ret, bool *ret_own) {
        const char *base = c->endpoints[c->current].url;
        int r;

        if (strncmp(path, "http://", 7) == 0 || strncmp(path, "https://", 8) == 0) {
                size_t n = strlen(base);
                *ret_own = strncmp(path, base, n) == 0 && (path[n] == '/' || path[n] == 0);
                *ret = strdup(path);
                return *ret ? 0 : -ENOMEM;
        }
        *ret_own = true;
        if (path[0] == '/')
                r = asprintf(ret, "%s%s", base, path);
        else if (c->repository)
                r = asprintf(ret, "%s/v2/%s/%s", base, c->repository, path);
        else
                return -EINVAL;
        return r < 0 ? -ENOMEM : 0;
}

static bool file_exists(const char *path) {
        return access(path, R_OK) >= 0;
}

/* TLS settings for url: verification, and the CA and client certificate of certs.d/<host[:port]>/. */
static int setup_tls(RegistryClient *c, CURL *h, const char *url, bool verify) {
        _cleanup_free_ char *host = NULL, *ca = NULL, *cert = NULL, *key = NULL;
        int r;

        if (strncmp(url, "https://", 8) != 0)
                return 0;
        r = url_host(url, &host);
        if (r < 0)
                return r;
        if (asprintf(&ca, REGISTRY_CERTS_DIR "/%s/ca.crt", host) < 0 ||
            asprintf(&cert, REGISTRY_CERTS_DIR "/%s/client.cert", host) < 0 ||
            asprintf(&key, REGISTRY_CERTS_DIR "/%s/client.key", host) < 0)
                return -ENOMEM;
        verify = verify && !registry_options_is_insecure(&c->options, host);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
        /* CAINFO replaces the bundle file; the system's CA directory (CAPATH) stays trusted. */
        if (file_exists(ca))
                curl_easy_setopt(h, CURLOPT_CAINFO, ca);
        if (file_exists(cert) && file_exists(key)) {
                curl_easy_setopt(h, CURLOPT_SSLCERT, cert);
                curl_easy_setopt(h, CURLOPT_SSLKEY, key);
        }
        return 0;
}

/* An easy handle with what every request shares. */
static int handle_new(RegistryClient *c, const char *url, bool verify, CURL **ret) {
        CURL *h = curl_easy_init();
        int r;

        if (!h)
                return -ENOMEM;
        if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK) {
                curl_easy_cleanup(h);
                return -EINVAL;
        }
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(h, CURLOPT_MAXREDIRS, REDIRECTS_MAX);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_SEC);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME_SEC);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_USERAGENT, "berth/" PACKAGE_VERSION);
        r = setup_tls(c, h, url, verify);
        if (r < 0) {
                curl_easy_cleanup(h);
                return r;
        }
        *ret = h;
        return 0;
}

static int headers_append(struct curl_slist **l, const char *header) {
        struct curl_slist *n = curl_slist_append(*l, header);

        if (!n)
                return -ENOMEM;
        *l = n;
        return 0;
}

static int prepare_url(
        RegistryClient *c,
        const char *method,
        const char *url,
        bool own,
        char *const *headers,
        CURL **ret,
        struct curl_slist **ret_headers) {
        struct curl_slist *l = NULL;
        CURL *h;
        int r;

        r = handle_new(c, url, c->endpoints[c->current].verify, &h);
        if (r < 0)
                return r;
        STRV_FOREACH (i, (char **)headers)
                if ((r = headers_append(&l, *i)) < 0)
                        goto fail;
        /* curl never sends a header set this way to another host on a redirect (blob storage). */
        if (own && c->authorization && (r = headers_append(&l, c->authorization)) < 0)
                goto fail;
        if (method && streq(method, "HEAD"))
                curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
        else if (method && !streq(method, "GET"))
                curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, l);
        *ret = h;
        *ret_headers = l;
        return 0;
fail:
        curl_slist_free_all(l);
        curl_easy_cleanup(h);
        return r;
}

int registry_client_prepare(
        RegistryClient *c,
        const char *method,
        const char *path,
        char *const *headers,
        CURL **ret,
        struct curl_slist **ret_headers) {
        _cleanup_free_ char *url = NULL;
        bool own;
        int r;

        r = registry_client_connect(c);
        if (r < 0)
                return r;
        r = request_url(c, path, &url, &own);
        if (r < 0)
                return r;
        return prepare_url(c, method, url, own, headers, ret, ret_headers);
}

void registry_response_done(RegistryResponse *r) {
        free(r->body);
        if (r->curl)
                curl_easy_cleanup(r->curl);
        *r = (RegistryResponse){};
}

const char *registry_response_header(const RegistryResponse *r, const char *name) {
        struct curl_header *h;

        if (!r->curl || curl_easy_header(r->curl, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
                return NULL;
        return h->value;
}

typedef struct Exchange {
        RegistryClient *client;
        const RegistryRequest *req;
        RegistryResponse *resp;
        uint64_t sent;
        int error;
} Exchange;

static int exchange_progress(
        void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
        Exchange *x = userdata;

        if (!cancel_requested(x->client))
                return 0;
        x->error = -ECANCELED;
        return 1;
}

static size_t exchange_write(char *p, size_t size, size_t n, void *userdata) {
        Exchange *x = userdata;
        size_t len = size * n, max = x->req->max_response > 0 ? x->req->max_response : ERROR_BODY_MAX;
        char *b;

        if (x->resp->body_size + len > max) {
                if (x->req->max_response > 0) {
                        x->error = -EFBIG;
                        return 0;
                }
                /* A discarded body: keep the start, for an error message. */
                len = max - x->resp->body_size;
                if (len == 0)
                        return size * n;
        }
        b = realloc(x->resp->body, x->resp->body_size + len + 1);
        if (!b) {
                x->error = -ENOMEM;
                return 0;
        }
        memcpy(b + x->resp->body_size, p, len);
        x->resp->body_size += len;
        b[x->resp->body_size] = 0;
        x->resp->body = b;
        return size * n;
}

static size_t exchange_read(char *p, size_t size, size_t n, void *userdata) {
        Exchange *x = userdata;
        uint64_t left = x->req->body_size - x->sent;
        size_t want = (size_t)MIN((uint64_t)(size * n), left);
        ssize_t k;

        if (want == 0)
                return 0;
        if (x->req->body) {
                memcpy(p, (const char *)x->req->body + x->sent, want);
                k = (ssize_t)want;
        } else {
                k = pread(x->req->body_fd, p, want, (off_t)(x->req->body_offset + x->sent));
                if (k <= 0) {
                        x->error = k < 0 ? -errno : -EIO;
                        return CURL_READFUNC_ABORT;
                }
        }
        x->sent += (uint64_t)k;
        return (size_t)k;
}

static const char *go_method(const char *method) {
        static const char *const names[][2] = {
                {"GET", "Get"},
                {"HEAD", "Head"},
                {"POST", "Post"},
                {"PUT", "Put"},
                {"PATCH", "Patch"},
                {"DELETE", "Delete"},
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(method ?: "GET", names[i][0]))
                        return names[i][1];
        return method;
}

static bool tls_unknown_authority(const char *errbuf) {
        return errbuf && (strstr(errbuf, "self-signed") || strstr(errbuf, "self signed") ||
                          strstr(errbuf, "unable to get local issuer") ||
                          strstr(errbuf, "unable to verify the first certificate"));
}

static int transport_error(
        const char *method, const char *url, CURLcode code, const char *errbuf, long os_errno, int level) {
        const char *m = go_method(method);
        const char *reason = !isempty(errbuf) ? errbuf : curl_easy_strerror(code);

        switch (code) {
        case CURLE_COULDNT_CONNECT:
                if (os_errno == ECONNREFUSED)
                        return log_full_errno(
                                level, ECONNREFUSED, "%s \"%s\": connect: connection refused", m, url);
                if (os_errno > 0)
                        return log_full_errno(
                                level,
                                EHOSTUNREACH,
                                "%s \"%s\": connect: %s",
                                m,
                                url,
                                strerror((int)os_errno));
                return log_full_errno(level, EHOSTUNREACH, "%s \"%s\": connect: %s", m, url, reason);
        case CURLE_COULDNT_RESOLVE_HOST:
                return log_full_errno(
                        level, EHOSTUNREACH, "%s \"%s\": lookup: no such host (%s)", m, url, reason);
        case CURLE_OPERATION_TIMEDOUT:
                return log_full_errno(level, ETIMEDOUT, "%s \"%s\": i/o timeout (%s)", m, url, reason);
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
                if (tls_unknown_authority(errbuf))
                        return log_full_errno(
                                level,
                                EPROTO,
                                "%s \"%s\": x509: certificate signed by unknown authority",
                                m,
                                url);
                return log_full_errno(level, EPROTO, "%s \"%s\": tls: %s", m, url, reason);
        case CURLE_WRITE_ERROR:
        case CURLE_ABORTED_BY_CALLBACK:
                return log_full_errno(level, EIO, "%s \"%s\": %s", m, url, reason);
        default:
                return log_full_errno(level, EIO, "%s \"%s\": %s", m, url, reason);
        }
}

int registry_client_transport_error(RegistryClient *c, CURL *handle, CURLcode code, const char *errbuf) {
        char *url = NULL, *method = NULL;
        long os_errno = 0;

        curl_easy_getinfo(handle, CURLINFO_EFFECTIVE_URL, &url);
        curl_easy_getinfo(handle, CURLINFO_EFFECTIVE_METHOD, &method);
        curl_easy_getinfo(handle, CURLINFO_OS_ERRNO, &os_errno);
        return transport_error(method, url ?: "", code, errbuf, os_errno, LOG_ERR);
}

/* One exchange with url, no challenge handling. Transport errors are logged at level. */
static int
perform(RegistryClient *c,
        const RegistryRequest *req,
        const char *url,
        bool own,
        bool verify,
        const char *authorization,
        int level,
        RegistryResponse *ret) {
        _cleanup_(registry_response_done) RegistryResponse resp = {};
        struct curl_slist *l = NULL;
        char errbuf[CURL_ERROR_SIZE] = "";
        Exchange x = {.client = c, .req = req, .resp = &resp};
        const char *method = req->method ?: "GET";
        bool has_type = false;
        CURLcode cc;
        CURL *h;
        int r;

        r = handle_new(c, url, verify, &h);
        if (r < 0)
                return r;
        resp.curl = h;
        STRV_FOREACH (i, (char **)req->headers) {
                if (strncasecmp(*i, "Content-Type:", 13) == 0)
                        has_type = true;
                if ((r = headers_append(&l, *i)) < 0)
                        goto finish;
        }
        if (own && authorization && (r = headers_append(&l, authorization)) < 0)
                goto finish;

        if (streq(method, "HEAD"))
                curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
        else if (req->body_size > 0 && !req->body) {
                /* From the fd, re-read from body_offset on a retry. */
                curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
                curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->body_size);
                curl_easy_setopt(h, CURLOPT_READFUNCTION, exchange_read);
                curl_easy_setopt(h, CURLOPT_READDATA, &x);
                curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
                if ((r = headers_append(&l, "Expect:")) < 0)
                        goto finish;
        } else if (
                req->body_size > 0 || streq(method, "POST") || streq(method, "PUT") ||
                streq(method, "PATCH")) {
                curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_size);
                curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ?: "");
                curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        } else if (!streq(method, "GET"))
                curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        /* Not curl's form type for POSTFIELDS: the registry reads Content-Type. */
        if (!has_type && !streq(method, "GET") && !streq(method, "HEAD") &&
            (r = headers_append(&l, "Content-Type:")) < 0)
                goto finish;
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, l);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, exchange_write);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        if (c->cancel_fd >= 0) {
                curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, exchange_progress);
                curl_easy_setopt(h, CURLOPT_XFERINFODATA, &x);
                curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        }

        cc = curl_easy_perform(h);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
        if (x.error < 0) {
                r = x.error == -EFBIG
                            ? log_full_errno(
                                      level, EFBIG, "%s \"%s\": answer too large", go_method(method), url)
                            : x.error;
                goto finish;
        }
        if (cc != CURLE_OK) {
                c->last_code = cc;
                memcpy(c->last_error, errbuf, sizeof(errbuf));
                curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &c->last_os_errno);
                r = transport_error(method, url, cc, errbuf, c->last_os_errno, level);
                goto finish;
        }
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
        *ret = resp;
        resp = (RegistryResponse){};
        r = 0;
finish:
        curl_slist_free_all(l);
        return r;
}

static const char *cache_find(RegistryClient *c, const char *key) {
        for (size_t i = 0; i < c->n_cache; i++)
                if (streq(c->cache[i].key, key))
                        return c->cache[i].header;
        return NULL;
}

static int cache_put(RegistryClient *c, const char *key, const char *header) {
        CachedAuthorization *a;

        for (size_t i = 0; i < c->n_cache; i++)
                if (streq(c->cache[i].key, key)) {
                        char *h = strdup(header);
                        if (!h)
                                return -ENOMEM;
                        free(c->cache[i].header);
                        c->cache[i].header = h;
                        return 0;
                }
        a = realloc(c->cache, (c->n_cache + 1) * sizeof(CachedAuthorization));
        if (!a)
                return -ENOMEM;
        c->cache = a;
        a = &c->cache[c->n_cache];
        a->key = strdup(key);
        a->header = strdup(header);
        if (!a->key || !a->header) {
                free(a->key);
                free(a->header);
                return -ENOMEM;
        }
        c->n_cache++;
        return 0;
}

/* The scope asked for: this repository with the client's access, else what the challenge names. */
static int client_scope(RegistryClient *c, const RegistryChallenge *ch, char **ret) {
        if (!c->repository) {
                *ret = ch->scope ? strdup(ch->scope) : NULL;
                return ch->scope && !*ret ? -ENOMEM : 0;
        }
        return asprintf(
                       ret,
                       "repository:%s:%s",
                       c->repository,
                       c->access == REGISTRY_ACCESS_PUSH ? "pull,push" : "pull") < 0
                       ? -ENOMEM
                       : 0;
}

static int
fetch_token(RegistryClient *c, const RegistryChallenge *ch, const char *scope, char **ret_header) {
        _cleanup_(registry_response_done) RegistryResponse resp = {};
        _cleanup_free_ char *url = NULL, *basic = NULL, *token = NULL;
        RegistryRequest req = REGISTRY_REQUEST_INIT("GET", NULL);
        int r;

        r = registry_token_url(ch, scope, &url);
        if (r < 0)
                return log_error_errno(
                        r, "Invalid authentication challenge from %s (realm %s).", c->registry, ch->realm);
        if (c->have_credentials) {
                r = registry_basic_header(&c->credentials, &basic);
                if (r < 0)
                        return r;
        }
        req.path = url;
        req.max_response = TOKEN_ANSWER_MAX;
        r = perform(c, &req, url, true, true, basic, LOG_ERR, &resp);
        if (r < 0)
                return r;
        if (resp.status == 401)
                return log_error_errno(
                        EACCES,
                        "Get \"%s\": unauthorized: %s",
                        ch->realm,
                        c->have_credentials ? "incorrect username or password" : "authentication required");
        if (resp.status != 200)
                return registry_response_error(&resp, NULL);
        r = registry_token_parse(resp.body ?: "", resp.body_size, &token);
        if (r < 0)
                return log_error_errno(r, "Invalid answer from the token server %s.", ch->realm);
        return registry_bearer_header(token, ret_header);
}

/* Meets the challenge of a 401 answer (its WWW-Authenticate header value): c->authorization is set. */
static int meet_challenge(RegistryClient *c, const char *www_authenticate) {
        _cleanup_(registry_challenge_done) RegistryChallenge ch = {};
        _cleanup_free_ char *header = NULL, *scope = NULL, *key = NULL;
        const char *cached;
        int r;

        if (isempty(www_authenticate))
                return log_error_errno(EACCES, "unauthorized: authentication required");
        r = registry_challenge_parse(www_authenticate, &ch);
        if (r < 0)
                return log_error_errno(
                        r,
                        "Unsupported authentication challenge from %s: %s",
                        c->registry,
                        www_authenticate);

        if (strcasecmp(ch.scheme, "Basic") == 0) {
                if (!c->have_credentials)
                        return log_error_errno(EACCES, "unauthorized: authentication required");
                r = registry_basic_header(&c->credentials, &header);
                if (r < 0)
                        return r;
        } else {
                r = client_scope(c, &ch, &scope);
                if (r < 0)
                        return r;
                if (asprintf(&key, "%s %s", ch.realm, scope ?: "") < 0)
                        return -ENOMEM;
                cached = cache_find(c, key);
                /* A cached token that was just refused has expired: fetch a new one. */
                if (cached && !streq_ptr(cached, c->authorization))
                        header = strdup(cached);
                else {
                        r = fetch_token(c, &ch, scope, &header);
                        if (r < 0)
                                return r;
                        r = cache_put(c, key, header);
                }
                if (!header || r < 0)
                        return -ENOMEM;
        }
        if (streq_ptr(header, c->authorization) && strcasecmp(ch.scheme, "Basic") == 0)
                return log_error_errno(EACCES, "unauthorized: incorrect username or password");
        free(c->authorization);
        c->authorization = TAKE_PTR(header);
        return 0;
}

int registry_client_authenticate(RegistryClient *c, CURL *answered) {
        struct curl_header *h;

        if (curl_easy_header(answered, "WWW-Authenticate", 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
                return meet_challenge(c, NULL);
        return meet_challenge(c, h->value);
}

static int ping(RegistryClient *c, Endpoint *e, int level) {
        _cleanup_(registry_response_done) RegistryResponse resp = {};
        _cleanup_free_ char *url = NULL, *plain = NULL;
        RegistryRequest req = REGISTRY_REQUEST_INIT("GET", NULL);
        int r;

        if (asprintf(&url, "%s/v2/", e->url) < 0)
                return -ENOMEM;
        req.path = url;
        r = perform(c, &req, url, false, e->verify, NULL, e->http_fallback ? LOG_DEBUG : level, &resp);
        if (r < 0 && e->http_fallback && r != -ECANCELED) {
                /* A server that does not speak TLS at all: plain http, as allowed for this registry. Any
                 * other failure (none listening, a certificate not trusted) is the one to show. */
                if (c->last_code != CURLE_SSL_CONNECT_ERROR)
                        return transport_error(
                                "GET", url, c->last_code, c->last_error, c->last_os_errno, level);
                if (asprintf(&plain, "http://%s", e->url + STRLEN("https://")) < 0)
                        return -ENOMEM;
                free(url);
                url = NULL;
                if (asprintf(&url, "%s/v2/", plain) < 0)
                        return -ENOMEM;
                req.path = url;
                r = perform(c, &req, url, false, false, NULL, level, &resp);
                if (r >= 0) {
                        free(e->url);
                        e->url = TAKE_PTR(plain);
                        e->http_fallback = false;
                }
        }
        if (r < 0)
                return r;
        /* A registry answers 200, or 401 for a challenge; anything else is not one. */
        if (resp.status == 200 || resp.status == 401)
                return 0;
        if (level == LOG_ERR)
                return registry_response_error(&resp, NULL);
        return -EPROTO;
}

static int connect_from(RegistryClient *c, size_t start) {
        int r = -ENOENT;

        for (size_t i = start; i < c->n_endpoints; i++) {
                r = ping(c, &c->endpoints[i], i + 1 == c->n_endpoints ? LOG_ERR : LOG_DEBUG);
                if (r >= 0) {
                        c->current = i;
                        c->connected = true;
                        free(c->authorization);
                        c->authorization = NULL;
                        return 0;
                }
                if (r == -ECANCELED)
                        return r;
                log_debug("Skipping %s for %s.", c->endpoints[i].url, c->registry);
        }
        return r;
}

int registry_client_connect(RegistryClient *c) {
        if (c->connected)
                return 0;
        return connect_from(c, 0);
}

int registry_client_next_endpoint(RegistryClient *c) {
        size_t next = c->connected ? c->current + 1 : 0;

        if (next >= c->n_endpoints)
                return -ENOENT;
        c->connected = false;
        return connect_from(c, next);
}

int registry_client_request(RegistryClient *c, const RegistryRequest *req, RegistryResponse *ret) {
        _cleanup_(registry_response_done) RegistryResponse resp = {};
        _cleanup_free_ char *url = NULL;
        bool own;
        int r;

        r = registry_client_connect(c);
        if (r < 0)
                return r;
        r = request_url(c, req->path, &url, &own);
        if (r < 0)
                return r;
        r = perform(c, req, url, own, c->endpoints[c->current].verify, c->authorization, LOG_ERR, &resp);
        if (r < 0)
                return r;
        if (resp.status == 401 && own) {
                r = meet_challenge(c, registry_response_header(&resp, "WWW-Authenticate"));
                if (r < 0)
                        return r;
                registry_response_done(&resp);
                r = perform(
                        c, req, url, own, c->endpoints[c->current].verify, c->authorization, LOG_ERR, &resp);
                if (r < 0)
                        return r;
        }
        *ret = resp;
        resp = (RegistryResponse){};
        return 0;
}

static const char *status_text(long status) {
        static const struct {
                long status;
                const char *text;
        } table[] = {
                {400, "Bad Request"},
                {401, "Unauthorized"},
                {403, "Forbidden"},
                {404, "Not Found"},
                {405, "Method Not Allowed"},
                {408, "Request Timeout"},
                {409, "Conflict"},
                {413, "Request Entity Too Large"},
                {416, "Requested Range Not Satisfiable"},
                {429, "Too Many Requests"},
                {500, "Internal Server Error"},
                {501, "Not Implemented"},
                {502, "Bad Gateway"},
                {503, "Service Unavailable"},
                {504, "Gateway Timeout"},
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (table[i].status == status)
                        return table[i].text;
        return "";
}

/* "MANIFEST_UNKNOWN" → "manifest unknown", as Docker's errcode prints it. */
static char *error_code_text(const char *code) {
        char *s = strdup(code);

        for (char *p = s; p && *p; p++)
                *p = *p == '_' ? ' ' : (char)tolower((unsigned char)*p);
        return s;
}

/* The first entry of the registry's {"errors": [{"code", "message"}]} as "code: message". */
static char *registry_error_text(const RegistryResponse *r) {
        _cleanup_json_ cJSON *root = NULL;
        _cleanup_free_ char *code = NULL;
        const cJSON *errors, *first;
        const char *message;
        char *text = NULL;

        if (!r->body)
                return NULL;
        root = cJSON_ParseWithLength(r->body, r->body_size);
        errors = cJSON_GetObjectItemCaseSensitive(root, "errors");
        first = cJSON_IsArray(errors) ? cJSON_GetArrayItem(errors, 0) : NULL;
        if (!json_get_string(first, "code"))
                return NULL;
        code = error_code_text(json_get_string(first, "code"));
        message = json_get_string(first, "message");
        if (!code)
                return NULL;
        if (isempty(message))
                return TAKE_PTR(code);
        if (asprintf(&text, "%s: %s", code, message) < 0)
                return NULL;
        return text;
}

int registry_response_error(const RegistryResponse *r, const char *what) {
        _cleanup_free_ char *text = registry_error_text(r);
        const char *fallback;
        int error;

        switch (r->status) {
        case 401:
                error = EACCES;
                fallback = "unauthorized: authentication required";
                break;
        case 403:
                error = EPERM;
                fallback = "denied: requested access to the resource is denied";
                break;
        case 404:
                error = ENOENT;
                fallback = "not found";
                break;
        case 429:
                error = EBUSY;
                fallback = "toomanyrequests: too many requests";
                break;
        default:
                error = EPROTO;
                fallback = NULL;
        }
        if (!text && !fallback)
                return log_error_errno(
                        error,
                        "%s%sreceived unexpected HTTP status: %ld %s",
                        what ?: "",
                        what ? ": " : "",
                        r->status,
                        status_text(r->status));
        return log_error_errno(error, "%s%s%s", what ?: "", what ? ": " : "", text ?: fallback);
}
