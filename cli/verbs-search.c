/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-util.h"
#include "json-util.h"
#include "log.h"
#include "output.h"
#include "parse-flags.h"
#include "registry-credentials.h"
#include "search-filter.h"
#include "strv.h"
#include "verbs.h"

#define SEARCH_LIMIT_DEFAULT 25
#define SEARCH_LIMIT_MAX 100
#define DESCRIPTION_SHORT 45

static const Column search_columns[] = {
        {"Name", "NAME", true},
        {"Description", "DESCRIPTION", true},
        {"StarCount", "STARS", true},
        {"IsOfficial", "OFFICIAL", true},
        {"IsAutomated", "AUTOMATED", false},
};

/* One result as Docker's search formatter shows it: the description on one line (cut to 45 characters
 * unless --no-trunc), booleans as "[OK]" or "". */
static cJSON *search_row_json(
        const char *name,
        const char *description,
        uint32_t stars,
        bool official,
        bool automated,
        bool trunc) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        _cleanup_free_ char *flat = strdup(description), *shown = NULL;
        char count[16];

        if (!o || !flat)
                return NULL;
        for (char *p = flat; *p; p++)
                if (*p == '\n' || *p == '\r')
                        *p = ' ';
        shown = trunc ? ellipsize(flat, DESCRIPTION_SHORT) : strdup(flat);
        snprintf(count, sizeof(count), "%u", stars);
        if (!shown || !cJSON_AddStringToObject(o, "Description", shown) ||
            !cJSON_AddStringToObject(o, "IsAutomated", automated ? "[OK]" : "") ||
            !cJSON_AddStringToObject(o, "IsOfficial", official ? "[OK]" : "") ||
            !cJSON_AddStringToObject(o, "Name", name) || !cJSON_AddStringToObject(o, "StarCount", count))
                return NULL;
        return TAKE_PTR(o);
}

static int search_rows(sd_bus_message *reply, const SearchFilter *f, bool trunc, cJSON **ret) {
        _cleanup_json_ cJSON *list = cJSON_CreateArray();
        const char *name, *description;
        uint32_t stars;
        int official, automated, r;

        if (!list)
                return -ENOMEM;
        r = sd_bus_message_enter_container(reply, 'a', "(ssubb)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(
                        reply, "(ssubb)", &name, &description, &stars, &official, &automated)) > 0) {
                cJSON *o;

                if (!search_filter_match(f, stars, official, automated))
                        continue;
                o = search_row_json(name, description, stars, official, automated, trunc);
                if (!o)
                        return -ENOMEM;
                cJSON_AddItemToArray(list, o);
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(list);
        return 0;
}

int verb_search(int argc, char *argv[]) {
        static const struct option options[] = {
                {"filter", required_argument, NULL, 'f'},
                {"format", required_argument, NULL, 'F'},
                {"limit", required_argument, NULL, 'L'},
                {"no-trunc", no_argument, NULL, 'N'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL, *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *body = NULL, *auth = NULL;
        _cleanup_json_ cJSON *rows = NULL;
        SearchFilter filter = SEARCH_FILTER_INIT;
        const char *format_arg = NULL;
        OutputFormat format;
        long limit = SEARCH_LIMIT_DEFAULT;
        bool trunc = true;
        char *end;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+f:", options)) >= 0)
                switch (c) {
                case 'f':
                        if (search_filter_add(&filter, optarg) < 0)
                                return EXIT_FAILURE;
                        break;
                case 'F':
                        format_arg = optarg;
                        break;
                case 'L':
                        errno = 0;
                        limit = strtol(optarg, &end, 10);
                        if (errno != 0 || end == optarg || *end)
                                return log_error(
                                               "invalid argument \"%s\" for \"--limit\" flag: "
                                               "strconv.ParseInt: "
                                               "parsing \"%s\": invalid syntax",
                                               optarg,
                                               optarg),
                                       EXIT_BERTH_ERROR;
                        break;
                case 'N':
                        trunc = false;
                        break;
                case 'H':
                        printf("Usage:  berth search [OPTIONS] TERM\n\nSearch a registry for images: Docker "
                               "Hub "
                               "(or its registry-mirrors) for \"busybox\", the registry HOST[:PORT] for "
                               "\"HOST[:PORT]/TEXT\"\n\n"
                               "Options:\n"
                               "  -f, --filter filter   Filter output based on conditions provided "
                               "(stars=N, "
                               "is-official=BOOL, is-automated=BOOL)\n"
                               "      --format string   Format output: table, json, or a template such as "
                               "'{{.Name}}'\n"
                               "      --limit int       Max number of search results (default 25)\n"
                               "      --no-trunc        Don't truncate output\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (require_args(argc, argv, 1, true, "[OPTIONS] TERM") < 0)
                return EXIT_FAILURE;
        if (limit < 1 || limit > SEARCH_LIMIT_MAX)
                return log_error(
                               "Error response from daemon: limit %ld is outside the range of [1, %d]",
                               limit,
                               SEARCH_LIMIT_MAX),
                       EXIT_FAILURE;
        if (output_format_parse(format_arg, &format, &body) < 0)
                return log_oom(), EXIT_FAILURE;
        if (registry_auth_for_reference(argv[optind], &auth) < 0)
                return log_oom(), EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;

        r = sd_bus_message_new_method_call(
                bus, &call, BERTH_BUS_NAME, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "SearchImages");
        if (r >= 0)
                r = sd_bus_message_append(call, "su", argv[optind], (uint32_t)limit);
        if (r >= 0)
                r = auth ? sd_bus_message_append(call, "a{sv}", 1, "auth", "s", auth)
                         : sd_bus_message_append(call, "a{sv}", 0);
        if (r < 0)
                return log_oom(), EXIT_FAILURE;
        r = sd_bus_call(bus, call, BUS_TIMEOUT_LONG_USEC, &error, &reply);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;
        r = search_rows(reply, &filter, trunc, &rows);
        if (r < 0)
                return log_error_errno(r, "Failed to read the search results: %m"), EXIT_FAILURE;
        r = print_formatted_rows(rows, format, body, search_columns, ELEMENTSOF(search_columns));
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
