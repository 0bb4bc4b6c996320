/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cjson/cJSON.h>
#include <inttypes.h>

#include "bus-errors.h"
#include "bus-image-search.h"
#include "bus-util.h"
#include "json-util.h"
#include "log.h"
#include "manager.h"
#include "registry-search.h"
#include "worker.h"

typedef struct SearchJob {
        sd_bus_message *call; /* answered when the worker is done */
        char *term;
        char *auth;
        uint32_t limit;
} SearchJob;

static SearchJob *search_job_free(SearchJob *j) {
        if (!j)
                return NULL;
        sd_bus_message_unref(j->call);
        free(j->term);
        free(j->auth);
        free(j);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(SearchJob *, search_job_free);

/* In the worker: the results as a JSON array of [name, description, stars, official, automated]. */
static int search_run(void *userdata, char **ret_result) {
        _cleanup_(registry_options_done) RegistryOptions o = {};
        _cleanup_json_ cJSON *list = cJSON_CreateArray();
        SearchJob *j = userdata;
        SearchResult *results = NULL;
        size_t n = 0;
        int r;

        if (!list)
                return -ENOMEM;
        r = registry_options_load(BERTH_CONFIG_DIR "/daemon.json", &o);
        if (r < 0)
                return r;
        r = registry_search(&o, j->term, j->limit, j->auth, &results, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n && r >= 0; i++) {
                cJSON *e = cJSON_CreateArray();
                if (!e) {
                        r = -ENOMEM;
                        break;
                }
                cJSON_AddItemToArray(list, e);
                cJSON_AddItemToArray(e, cJSON_CreateString(results[i].name));
                cJSON_AddItemToArray(e, cJSON_CreateString(results[i].description));
                cJSON_AddItemToArray(e, cJSON_CreateNumber((double)results[i].star_count));
                cJSON_AddItemToArray(e, cJSON_CreateBool(results[i].is_official));
                cJSON_AddItemToArray(e, cJSON_CreateBool(results[i].is_automated));
                if (cJSON_GetArraySize(e) != 5)
                        r = -ENOMEM;
        }
        search_results_free(results, n);
        if (r < 0)
                return r;
        *ret_result = cJSON_PrintUnformatted(list);
        return *ret_result ? 0 : -ENOMEM;
}

static int search_reply(sd_bus_message *call, const char *text) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_json_ cJSON *list = cJSON_Parse(text);
        const cJSON *e;
        int r;

        if (!cJSON_IsArray(list))
                return -EBADMSG;
        r = sd_bus_message_new_method_return(call, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(ssubb)");
        if (r < 0)
                return r;
        cJSON_ArrayForEach (e, list) {
                double stars = cJSON_GetNumberValue(cJSON_GetArrayItem(e, 2));
                r = sd_bus_message_append(
                        reply,
                        "(ssubb)",
                        cJSON_GetStringValue(cJSON_GetArrayItem(e, 0)) ?: "",
                        cJSON_GetStringValue(cJSON_GetArrayItem(e, 1)) ?: "",
                        (uint32_t)(stars > 0 && stars < UINT32_MAX ? stars : 0),
                        cJSON_IsTrue(cJSON_GetArrayItem(e, 3)),
                        cJSON_IsTrue(cJSON_GetArrayItem(e, 4)));
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static void search_done(int error, const char *text, void *userdata) {
        _cleanup_(search_job_freep) SearchJob *j = userdata;
        int r;

        if (error == -EACCES || error == -EPERM)
                r = sd_bus_reply_method_errorf(j->call, BERTH_ERROR_UNAUTHORIZED, "%s", text);
        else if (error < 0)
                r = sd_bus_reply_method_errorf(j->call, SD_BUS_ERROR_FAILED, "%s", text);
        else
                r = search_reply(j->call, text);
        if (r < 0)
                log_warning_errno(r, "Cannot answer SearchImages: %m");
}

static int read_option(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        SearchJob *j = userdata;
        const char *auth;
        int r;

        if (!streq(key, "auth"))
                return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Unknown option: %s", key);
        r = sd_bus_message_enter_container(m, 'v', "s");
        if (r == -ENXIO)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s must be of type 's'", key);
        if (r < 0)
                return r;
        r = bus_read_string(m, key, &auth, error);
        if (r < 0)
                return r;
        free(j->auth);
        j->auth = strdup(auth);
        if (!j->auth)
                return -ENOMEM;
        return sd_bus_message_exit_container(m);
}

int bus_image_method_search(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(search_job_freep) SearchJob *j = NULL;
        Manager *m = userdata;
        const char *term;
        Worker *w;
        int r;

        j = calloc(1, sizeof(SearchJob));
        if (!j)
                return -ENOMEM;
        r = bus_read_string(msg, "term", &term, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(msg, "u", &j->limit);
        if (r < 0)
                return r;
        r = bus_read_dict(msg, read_option, j, error);
        if (r < 0)
                return r;
        if (isempty(term))
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, "No search term given.");
        if (j->limit == 0)
                j->limit = SEARCH_LIMIT_DEFAULT;
        if (j->limit > SEARCH_LIMIT_MAX)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_INVALID_ARGUMENT,
                        "limit %" PRIu32 " is outside the range of [1, %u]",
                        j->limit,
                        SEARCH_LIMIT_MAX);
        j->term = strdup(term);
        if (!j->term)
                return -ENOMEM;

        j->call = sd_bus_message_ref(msg);
        r = worker_start(m->event, search_run, search_done, j, &w);
        if (r < 0)
                return r;
        TAKE_PTR(j);
        return 1;
}
