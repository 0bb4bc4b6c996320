/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "fileio.h"
#include "log.h"
#include "pull-internal.h"

#define ERROR_BODY_MAX (64U * 1024U)
#define RETRY_DELAY_USEC (1000U * 1000U)
#define READ_BLOCK_SIZE (128U * 1024U)
/* curl's receive buffer: its default of 16 KiB cost a recv(), a write and a wake-up of the unpacking
 * thread per 16 KiB of a layer. */
#define DOWNLOAD_BUFFER_SIZE (512L * 1024L)

static void request_free(PullLayer *l) {
        if (l->curl) {
                curl_event_remove(l->pull->curl, l->curl);
                curl_easy_cleanup(l->curl);
                l->curl = NULL;
        }
        curl_slist_free_all(l->headers);
        l->headers = NULL;
        free(l->error_body);
        l->error_body = NULL;
        l->error_size = 0;
}

void pull_layer_done(PullLayer *l) {
        request_free(l);
        l->retry = sd_event_source_disable_unref(l->retry);
        l->ticker = sd_event_source_disable_unref(l->ticker);
        l->stream_source = sd_event_source_disable_unref(l->stream_source);
        l->stream = layer_stream_free(l->stream);
        l->hash = sha256_free(l->hash);
        l->blob_fd = safe_close(l->blob_fd);
        free(l->dir);
        l->dir = NULL;
}

static int reset_hash(PullLayer *l) {
        sha256_free(l->hash);
        l->hash = NULL;
        return sha256_new(&l->hash);
}

/* Hashes the first size bytes of the blob file into h. */
static int hash_file(PullLayer *l, Sha256 *h, uint64_t size) {
        _cleanup_free_ char *buf = malloc(READ_BLOCK_SIZE);
        uint64_t done = 0;

        if (!buf)
                return -ENOMEM;
        while (done < size) {
                ssize_t n = pread(
                        l->blob_fd, buf, (size_t)MIN((uint64_t)READ_BLOCK_SIZE, size - done), (off_t)done);
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;
                if (sha256_update(h, buf, (size_t)n) < 0)
                        return -ENOMEM;
                done += (uint64_t)n;
        }
        return 0;
}

static int truncate_blob(PullLayer *l) {
        if (ftruncate(l->blob_fd, 0) < 0)
                return -errno;
        l->offset = 0;
        return reset_hash(l);
}

/* <downloads>/<hex>, locked for this pull; or, when another pull holds it, an unnamed file. */
static int open_blob_file(PullLayer *l) {
        Pull *p = l->pull;
        int fd;

        fd = openat(p->downloads_fd, digest_hex(l->digest), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        if (flock(fd, LOCK_EX | LOCK_NB) >= 0) {
                l->blob_fd = fd;
                l->resumable = true;
                return 0;
        }
        safe_close(fd);
        if (errno != EWOULDBLOCK)
                return -errno;
        fd = openat(p->downloads_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        l->blob_fd = fd;
        l->resumable = false;
        return 0;
}

/* What is in the file already: a whole verified blob (*ret_complete), a prefix to resume after, or
 * nothing usable. */
static int resume_from_file(PullLayer *l, bool *ret_complete) {
        struct stat st;
        int r;

        *ret_complete = false;
        if (fstat(l->blob_fd, &st) < 0)
                return -errno;
        l->offset = (uint64_t)st.st_size;
        r = reset_hash(l);
        if (r < 0)
                return r;
        if (l->offset == 0)
                return 0;
        if (l->size > 0 && l->offset > l->size)
                return truncate_blob(l);
        r = hash_file(l, l->hash, l->offset);
        if (r < 0)
                return r;
        if (l->size > 0 && l->offset == l->size) {
                char actual[DIGEST_STRING_LEN + 1];
                r = sha256_final(l->hash, actual);
                if (r < 0)
                        return r;
                if (streq(actual, l->digest)) {
                        *ret_complete = true;
                        return 0;
                }
                return truncate_blob(l);
        }
        log_debug("Resuming layer %s after %" PRIu64 " bytes.", l->digest, l->offset);
        return 0;
}

static int on_ticker(sd_event_source *s, uint64_t usec, void *userdata) {
        PullLayer *l = userdata;

        if (l->stream)
                pull_report(l->pull, l, "Extracting", layer_stream_position(l->stream), l->offset);
        (void)sd_event_source_set_time(s, usec + PULL_PROGRESS_INTERVAL_USEC);
        return 0;
}

static int on_stream_done(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        PullLayer *l = userdata;
        Pull *p = l->pull;
        char diff_id[DIGEST_STRING_LEN + 1];
        uint64_t size = 0;
        int r;

        l->stream_source = sd_event_source_disable_unref(l->stream_source);
        r = layer_stream_result(l->stream, &size, diff_id);
        if (r == -EFBIG) {
                pull_fail(p, r); /* a decompression bomb, said by the unpacker */
                return 0;
        }
        if (r < 0) {
                pull_fail(p, log_error_errno(r, "Cannot extract layer %s: %m", l->digest));
                return 0;
        }
        if (l->state != PULL_LAYER_EXTRACTING) {
                /* The tar ended, but the blob is not verified yet: never before that. */
                pull_fail(p, log_error_errno(EBADMSG, "Layer %s ended before its blob.", l->digest));
                return 0;
        }
        if (!streq(diff_id, l->diff_id)) {
                pull_fail(
                        p,
                        log_error_errno(
                                EBADMSG, "Layer %s does not match its DiffID %s.", l->digest, l->diff_id));
                return 0;
        }
        r = transaction_add_layer_dir(p->transaction, l->dir, l->diff_id, l->chain_id, size);
        if (r >= 0)
                r = transaction_add_blob_fd(p->transaction, l->blob_fd, l->digest);
        if (r < 0) {
                pull_fail(p, log_error_errno(r, "Cannot stage layer %s: %m", l->digest));
                return 0;
        }
        l->ticker = sd_event_source_disable_unref(l->ticker);
        l->stream = layer_stream_free(l->stream);
        l->state = PULL_LAYER_DONE;
        pull_report(p, l, "Pull complete", l->offset, l->offset);
        p->running--;
        pull_layers_schedule(p);
        return 0;
}

uint64_t pull_unpack_limit(uint64_t absolute, uint64_t compressed_size) {
        /* Past a floor, a layer may unpack to a bounded multiple of its compressed size. */
        if (compressed_size == 0 || compressed_size > UINT64_MAX / PULL_RATIO_MAX)
                return absolute;
        return MIN(absolute, MAX(PULL_RATIO_FLOOR, compressed_size * PULL_RATIO_MAX));
}

static int start_stream(PullLayer *l, bool complete) {
        Pull *p = l->pull;
        _cleanup_close_ int diff_fd = -EBADF;
        LayerLimits limits = p->store->layer_limits;
        uint64_t max = limits.max_unpacked_size;
        int r;

        if (p->options->registry && p->options->registry->max_layer_size > 0)
                max = p->options->registry->max_layer_size;
        limits.max_unpacked_size = pull_unpack_limit(max, l->size);

        r = transaction_new_layer_dir(p->transaction, &l->dir, &diff_fd);
        if (r < 0)
                return r;
        r = layer_stream_start(l->blob_fd, l->offset, complete, diff_fd, &limits, &l->stream);
        if (r < 0)
                return r;
        return sd_event_add_io(
                p->event, &l->stream_source, layer_stream_fd(l->stream), EPOLLIN, on_stream_done, l);
}

/* The blob is whole and verified: the thread may finish. */
static int downloaded(PullLayer *l) {
        Pull *p = l->pull;
        uint64_t now;
        int r;

        pull_report(p, l, "Download complete", l->offset, l->offset);
        if (!l->stream) {
                r = start_stream(l, true);
                if (r < 0)
                        return log_error_errno(r, "Cannot extract layer %s: %m", l->digest);
        } else
                layer_stream_feed(l->stream, l->offset, true);
        l->state = PULL_LAYER_EXTRACTING;
        pull_report(p, l, "Extracting", layer_stream_position(l->stream), l->offset);
        r = sd_event_now(p->event, CLOCK_MONOTONIC, &now);
        if (r < 0)
                return r;
        return sd_event_add_time(
                p->event, &l->ticker, CLOCK_MONOTONIC, now + PULL_PROGRESS_INTERVAL_USEC, 0, on_ticker, l);
}

/* "bytes START-END/TOTAL": the start. */
static int content_range_start(CURL *h, uint64_t *ret) {
        struct curl_header *c;
        unsigned long long start;

        if (curl_easy_header(h, "Content-Range", 0, CURLH_HEADER, -1, &c) != CURLHE_OK ||
            sscanf(c->value, "bytes %llu-", &start) != 1)
                return -EBADMSG;
        *ret = start;
        return 0;
}

/* The first body bytes of an answer: whether they continue the file, start it over, or are an error. */
static int on_answer(PullLayer *l) {
        uint64_t start;
        int r;

        l->answered = true;
        curl_easy_getinfo(l->curl, CURLINFO_RESPONSE_CODE, &l->status);
        if (l->status == 206) {
                if (content_range_start(l->curl, &start) < 0 || start != l->requested_from)
                        return log_error_errno(
                                EBADMSG, "Layer %s: the registry sent the wrong range.", l->digest);
        } else if (l->status == 200 && l->offset > 0) {
                /* The whole blob again. Before the thread has read anything, start over; after, skip what
                 * the file has: the same bytes, since the blob is addressed by its content (and checked). */
                if (!l->stream) {
                        log_debug("Layer %s: no range answer, downloading it again.", l->digest);
                        r = truncate_blob(l);
                        if (r < 0)
                                return r;
                } else
                        l->skip = l->offset;
        }
        if ((l->status == 200 || l->status == 206) && !l->stream) {
                r = start_stream(l, false);
                if (r < 0)
                        return log_error_errno(r, "Cannot extract layer %s: %m", l->digest);
        }
        return 0;
}

static int write_all(int fd, const char *p, size_t n, uint64_t offset) {
        while (n > 0) {
                ssize_t k = pwrite(fd, p, n, (off_t)offset);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += k;
                n -= (size_t)k;
                offset += (uint64_t)k;
        }
        return 0;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *userdata) {
        PullLayer *l = userdata;
        size_t n = size * nmemb, len = n;
        uint64_t now;
        int r;

        if (!l->answered) {
                r = on_answer(l);
                if (r < 0) {
                        l->write_error = r;
                        return 0;
                }
        }
        if (l->status != 200 && l->status != 206) {
                /* An error answer: keep its start for the message. */
                size_t keep = MIN(len, ERROR_BODY_MAX - l->error_size);
                char *b = realloc(l->error_body, l->error_size + keep + 1);
                if (!b) {
                        l->write_error = -ENOMEM;
                        return 0;
                }
                memcpy(b + l->error_size, data, keep);
                l->error_size += keep;
                b[l->error_size] = 0;
                l->error_body = b;
                return n;
        }
        if (l->skip > 0) {
                size_t k = (size_t)MIN((uint64_t)len, l->skip);
                l->skip -= k;
                data += k;
                len -= k;
                if (len == 0)
                        return n;
        }
        if (l->size > 0 && l->offset + len > l->size) {
                l->write_error =
                        log_error_errno(EBADMSG, "Layer %s is larger than its manifest says.", l->digest);
                return 0;
        }
        r = write_all(l->blob_fd, data, len, l->offset);
        if (r < 0) {
                l->write_error = log_error_errno(r, "Cannot write layer %s: %m", l->digest);
                return 0;
        }
        if (sha256_update(l->hash, data, len) < 0) {
                l->write_error = -ENOMEM;
                return 0;
        }
        l->offset += len;
        layer_stream_feed(l->stream, l->offset, false);

        if (sd_event_now(l->pull->event, CLOCK_MONOTONIC, &now) >= 0 &&
            now >= l->reported_usec + PULL_PROGRESS_INTERVAL_USEC) {
                l->reported_usec = now;
                pull_report(l->pull, l, "Downloading", l->offset, l->size);
        }
        return n;
}

static int start_request(PullLayer *l) {
        Pull *p = l->pull;
        _cleanup_free_ char *path = NULL, *range = NULL;
        char *headers[2] = {};
        int r;

        request_free(l);
        if (asprintf(&path, "blobs/%s", l->digest) < 0)
                return -ENOMEM;
        if (l->offset > 0) {
                if (asprintf(&range, "Range: bytes=%" PRIu64 "-", l->offset) < 0)
                        return -ENOMEM;
                headers[0] = range;
        }
        r = registry_client_prepare(p->client, "GET", path, headers, &l->curl, &l->headers);
        if (r < 0)
                return r;
        curl_easy_setopt(l->curl, CURLOPT_BUFFERSIZE, DOWNLOAD_BUFFER_SIZE);
        curl_easy_setopt(l->curl, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(l->curl, CURLOPT_WRITEDATA, l);
        curl_easy_setopt(l->curl, CURLOPT_PRIVATE, l);
        curl_easy_setopt(l->curl, CURLOPT_ERRORBUFFER, l->errbuf);
        l->errbuf[0] = 0;
        l->requested_from = l->offset;
        l->answered = false;
        l->status = 0;
        l->skip = 0;
        l->write_error = 0;
        l->attempts++;
        return curl_event_add(p->curl, l->curl);
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        PullLayer *l = userdata;
        int r;

        l->retry = sd_event_source_disable_unref(l->retry);
        r = start_request(l);
        if (r < 0)
                pull_fail(l->pull, log_error_errno(r, "Cannot download layer %s: %m", l->digest));
        return 0;
}

/* Tries again later, from where the file ends, unless the attempts are used up: then false. */
static bool retry_later(PullLayer *l) {
        uint64_t now;

        if (l->attempts >= PULL_ATTEMPTS_MAX || sd_event_now(l->pull->event, CLOCK_MONOTONIC, &now) < 0 ||
            sd_event_add_time(
                    l->pull->event,
                    &l->retry,
                    CLOCK_MONOTONIC,
                    now + l->attempts * RETRY_DELAY_USEC,
                    0,
                    on_retry,
                    l) < 0)
                return false;
        request_free(l);
        log_debug("Layer %s: attempt %u failed, trying again.", l->digest, l->attempts);
        pull_report(l->pull, l, "Retrying", l->offset, l->size);
        return true;
}

static int download_finished(PullLayer *l, CURLcode result) {
        Pull *p = l->pull;
        char actual[DIGEST_STRING_LEN + 1];
        int r;

        if (l->write_error < 0)
                return l->write_error;
        if (result != CURLE_OK) {
                if (retry_later(l))
                        return 0;
                return registry_client_transport_error(p->client, l->curl, result, l->errbuf);
        }
        if (!l->answered)
                curl_easy_getinfo(l->curl, CURLINFO_RESPONSE_CODE, &l->status);
        if (l->status == 401 && !l->reauthenticated) {
                /* The token expired during a long pull. */
                l->reauthenticated = true;
                r = registry_client_authenticate(p->client, l->curl);
                return r < 0 ? r : start_request(l);
        }
        if (l->status == 416 && !l->stream && l->offset > 0) {
                r = truncate_blob(l);
                return r < 0 ? r : start_request(l);
        }
        if (l->status >= 500 && retry_later(l))
                return 0;
        if (l->status != 200 && l->status != 206) {
                RegistryResponse resp = {
                        .status = l->status, .body = l->error_body, .body_size = l->error_size};
                return registry_response_error(&resp, NULL);
        }

        request_free(l);
        pull_report(p, l, "Verifying Checksum", l->offset, l->offset);
        r = sha256_final(l->hash, actual);
        if (r < 0)
                return r;
        if (!streq(actual, l->digest)) {
                /* Not worth resuming from. */
                if (l->resumable)
                        (void)unlinkat(p->downloads_fd, digest_hex(l->digest), 0);
                return log_error_errno(
                        EBADMSG, "Blob %s does not match its digest (got %s).", l->digest, actual);
        }
        return downloaded(l);
}

void pull_layer_download_done(CURL *handle, CURLcode result, void *userdata) {
        PullLayer *l = userdata;
        int r;

        r = download_finished(l, result);
        if (r < 0)
                pull_fail(l->pull, r);
}

static int layer_start(PullLayer *l) {
        bool complete;
        int r;

        r = open_blob_file(l);
        if (r < 0)
                return log_error_errno(r, "Cannot create the download file of %s: %m", l->digest);
        r = resume_from_file(l, &complete);
        if (r < 0)
                return log_error_errno(r, "Cannot read the partial download of %s: %m", l->digest);
        l->state = PULL_LAYER_DOWNLOADING;
        if (complete)
                return downloaded(l);
        pull_report(l->pull, l, "Downloading", l->offset, l->size);
        r = start_request(l);
        if (r < 0)
                return log_error_errno(r, "Cannot download layer %s: %m", l->digest);
        return 0;
}

void pull_layers_schedule(Pull *p) {
        bool all_done = true;

        for (size_t i = 0; i < p->n_layers; i++) {
                PullLayer *l = &p->layers[i];
                int r;

                if (l->state == PULL_LAYER_WAITING && p->running < p->max_running) {
                        p->running++;
                        r = layer_start(l);
                        if (r < 0) {
                                pull_fail(p, r);
                                return;
                        }
                }
                if (l->state != PULL_LAYER_DONE && l->state != PULL_LAYER_PRESENT)
                        all_done = false;
        }
        if (all_done)
                (void)sd_event_exit(p->event, 0);
}

void pull_layers_forget_downloads(Pull *p) {
        for (size_t i = 0; i < p->n_layers; i++)
                if (p->layers[i].resumable && p->layers[i].state == PULL_LAYER_DONE)
                        (void)unlinkat(p->downloads_fd, digest_hex(p->layers[i].digest), 0);
}
