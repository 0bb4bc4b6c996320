/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What registry-pull.c (the steps of a pull) and pull-layer.c (one layer: download, unpack while
 * downloading, verify) share. */

#include <curl/curl.h>
#include <systemd/sd-event.h>

#include "curl-event.h"
#include "digest.h"
#include "image-store-internal.h"
#include "layer-stream.h"
#include "registry-client.h"
#include "registry-pull.h"

/* Attempts per layer download before the pull fails (Docker's max-download-attempts default). */
#define PULL_ATTEMPTS_MAX 5U
/* A layer's "Downloading"/"Extracting" progress is reported at most this often. */
#define PULL_PROGRESS_INTERVAL_USEC (100U * 1000U)

typedef struct Pull Pull;

typedef enum PullLayerState {
        PULL_LAYER_WAITING,
        PULL_LAYER_PRESENT, /* the store has its chain id */
        PULL_LAYER_DOWNLOADING,
        PULL_LAYER_EXTRACTING, /* downloaded and verified, the thread still unpacking */
        PULL_LAYER_DONE,
} PullLayerState;

typedef struct PullLayer {
        Pull *pull;
        char digest[DIGEST_STRING_LEN + 1];
        uint64_t size; /* from the manifest; 0 when it does not say */
        char diff_id[DIGEST_STRING_LEN + 1];
        char chain_id[DIGEST_STRING_LEN + 1];
        PullLayerState state;

        /* The blob file: <downloads>/<hex>, locked, kept for a resume; or an unnamed file when another
         * pull holds that one. */
        int blob_fd;
        bool resumable;
        uint64_t offset; /* bytes in the file */
        Sha256 *hash;    /* of those bytes */

        CURL *curl;
        struct curl_slist *headers;
        char errbuf[CURL_ERROR_SIZE];
        uint64_t requested_from; /* the Range start of the running request */
        bool answered;           /* the running request's first body bytes came */
        long status;
        uint64_t skip; /* bytes of a 200 answer already in the file */
        char *error_body;
        size_t error_size;
        int write_error;
        unsigned attempts;
        bool reauthenticated;
        sd_event_source *retry;
        sd_event_source *ticker; /* "Extracting" progress after the download */

        char *dir; /* the layer directory in the transaction */
        LayerStream *stream;
        sd_event_source *stream_source;

        uint64_t reported_usec;
} PullLayer;

struct Pull {
        ImageStore *store;
        const PullOptions *options;
        sd_event *event;
        CurlEvent *curl;
        RegistryClient *client;
        Transaction *transaction;
        int downloads_fd;
        PullLayer *layers;
        size_t n_layers;
        unsigned running, max_running;
        int error;
};

void pull_report(Pull *p, PullLayer *l, const char *status, uint64_t done, uint64_t total);
/* Ends the event loop with error (the first one wins). */
void pull_fail(Pull *p, int error);

/* Starts as many waiting layers as the limit allows; ends the loop when every layer is done. */
void pull_layers_schedule(Pull *p);
void pull_layer_done(PullLayer *l);
/* After a successful commit: the kept partial downloads are no longer needed. */
void pull_layers_forget_downloads(Pull *p);
/* CurlDoneFunction for the layer downloads. */
void pull_layer_download_done(CURL *handle, CURLcode result, void *userdata);
