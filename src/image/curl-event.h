/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A curl multi handle driven by an sd-event loop: curl's sockets become io sources and its timeout a time
 * source (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION), so that many transfers run at once in one
 * thread next to other event sources. */

#include <curl/curl.h>
#include <systemd/sd-event.h>

#include "macro.h"

typedef struct CurlEvent CurlEvent;

/* Called on the event loop when a transfer has ended (result: CURLE_OK or why not); the handle has been
 * removed from the multi handle and belongs to the callee again. userdata is the handle's
 * CURLOPT_PRIVATE. */
typedef void (*CurlDoneFunction)(CURL *handle, CURLcode result, void *userdata);

int curl_event_new(sd_event *event, CurlDoneFunction done, CurlEvent **ret);
/* Remove the transfers still running first (curl_event_remove()). */
CurlEvent *curl_event_free(CurlEvent *g);
DEFINE_TRIVIAL_CLEANUP_FUNC(CurlEvent *, curl_event_free);

/* Starts the transfer of handle (prepared, with CURLOPT_PRIVATE set). */
int curl_event_add(CurlEvent *g, CURL *handle);
/* Stops it without calling done. */
void curl_event_remove(CurlEvent *g, CURL *handle);
