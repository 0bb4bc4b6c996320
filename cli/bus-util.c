/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-errors.h"
#include "bus-util.h"
#include "json-util.h"
#include "log.h"
#include "parse-flags.h"
#include "strv.h"
#include "time-util.h"

/* Stopping waits for the container's stop timeout; give the call that much and some slack. */
#define STOP_CALL_SLACK_USEC (UINT64_C(60) * USEC_PER_SEC)

int berth_bus_open(sd_bus **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        const char *address = getenv("BERTH_BUS_ADDRESS");
        int r;

        if (address) {
                r = sd_bus_new(&bus);
                if (r >= 0)
                        r = sd_bus_set_address(bus, address);
                if (r >= 0)
                        r = sd_bus_set_bus_client(bus, true);
                if (r >= 0)
                        r = sd_bus_start(bus);
        } else
                r = sd_bus_open_system(&bus);
        if (r == -EACCES || r == -EPERM)
                return log_error_errno(
                        r, "permission denied while trying to connect to berthd (are you in group berth?)");
        if (r < 0)
                return log_error_errno(r, "Cannot connect to the system bus to reach berthd: %m");

        (void)sd_bus_set_allow_interactive_authorization(bus, false);
        *ret = TAKE_PTR(bus);
        return 0;
}

int bus_error_exit_status(const sd_bus_error *e) {
        if (sd_bus_error_has_name(e, BERTH_ERROR_EXEC_NOT_FOUND))
                return 127;
        if (sd_bus_error_has_name(e, BERTH_ERROR_EXEC_NOT_EXECUTABLE))
                return 126;
        return 125;
}

/* What a refusal was about: berthd says it ("Stop needs org.berth.berth1.manage-containers"); the bus
 * policy's words are long, their member="…" names the method. */
static void log_access_denied(const char *prefix, const sd_bus_error *e) {
        const char *member = e->message ? strstr(e->message, " member=\"") : NULL;

        if (member) {
                member += STRLEN(" member=\"");
                log_error(
                        "%spermission denied: %.*s (are you in group berth?)",
                        prefix,
                        (int)strcspn(member, "\""),
                        member);
        } else
                log_error(
                        "%spermission denied: %s (are you in group berth?)", prefix, e->message ?: e->name);
}

void bus_log_call_error(const char *prefix, const sd_bus_error *e, int r) {
        prefix = prefix ?: "";
        if (sd_bus_error_has_names(
                    e,
                    SD_BUS_ERROR_ACCESS_DENIED,
                    "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired"))
                log_access_denied(prefix, e);
        else if (sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
                log_error("%sCannot connect to berthd. Is berthd running?", prefix);
        else if (sd_bus_error_is_set(e))
                log_error("%sError response from daemon: %s", prefix, e->message ?: e->name);
        else
                log_error_errno(r, "%sError talking to berthd: %m", prefix);
}

int bus_callv(
        sd_bus *bus,
        const char *path,
        const char *iface,
        const char *method,
        uint64_t timeout,
        sd_bus_error *error,
        sd_bus_message **ret_reply,
        const char *types,
        va_list ap) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_bus_error_ sd_bus_error own_error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, BERTH_BUS_NAME, path, iface, method);
        if (r >= 0 && types)
                r = sd_bus_message_appendv(m, types, ap);
        if (r >= 0)
                r = sd_bus_call(bus, m, timeout, error ?: &own_error, ret_reply);
        if (r < 0 && !error)
                bus_log_call_error("", &own_error, r);
        return r;
}

int bus_call(
        sd_bus *bus,
        const char *path,
        const char *iface,
        const char *method,
        uint64_t timeout,
        sd_bus_error *error,
        sd_bus_message **ret_reply,
        const char *types,
        ...) {
        va_list ap;
        int r;

        va_start(ap, types);
        r = bus_callv(bus, path, iface, method, timeout, error, ret_reply, types, ap);
        va_end(ap);
        return r;
}

static int
bus_resolve(sd_bus *bus, const char *method, const char *arg, sd_bus_error *error, char **ret_path) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *path;
        char *p;
        int r;

        r = bus_call(bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, method, 0, error, &reply, "s", arg);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return r;
        p = strdup(path);
        if (!p)
                return -ENOMEM;
        *ret_path = p;
        return 0;
}

int bus_get_container(sd_bus *bus, const char *name_or_id, sd_bus_error *error, char **ret_path) {
        return bus_resolve(bus, "GetContainer", name_or_id, error, ret_path);
}

int bus_get_image(sd_bus *bus, const char *reference, sd_bus_error *error, char **ret_path) {
        return bus_resolve(bus, "GetImage", reference, error, ret_path);
}

int bus_get_volume(sd_bus *bus, const char *name, sd_bus_error *error, char **ret_path) {
        return bus_resolve(bus, "GetVolume", name, error, ret_path);
}

int bus_get_network(sd_bus *bus, const char *name_or_id, sd_bus_error *error, char **ret_path) {
        return bus_resolve(bus, "GetNetwork", name_or_id, error, ret_path);
}

static int read_variant(sd_bus_message *m, cJSON **ret) {
        const char *contents;
        char type;
        cJSON *v = NULL;
        int r;

        r = sd_bus_message_peek_type(m, &type, &contents);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(m, 'v', contents);
        if (r < 0)
                return r;

        if (streq(contents, "s") || streq(contents, "o")) {
                const char *s;
                r = sd_bus_message_read_basic(m, contents[0], &s);
                if (r >= 0)
                        v = cJSON_CreateString(s);
        } else if (streq(contents, "b")) {
                int b;
                r = sd_bus_message_read_basic(m, 'b', &b);
                if (r >= 0)
                        v = cJSON_CreateBool(b);
        } else if (streq(contents, "i")) {
                int32_t i;
                r = sd_bus_message_read_basic(m, 'i', &i);
                if (r >= 0)
                        v = cJSON_CreateNumber(i);
        } else if (streq(contents, "u")) {
                uint32_t u;
                r = sd_bus_message_read_basic(m, 'u', &u);
                if (r >= 0)
                        v = cJSON_CreateNumber(u);
        } else if (streq(contents, "t")) {
                uint64_t t;
                r = sd_bus_message_read_basic(m, 't', &t);
                if (r >= 0)
                        v = cJSON_CreateNumber((double)t);
        } else if (streq(contents, "x")) {
                int64_t x;
                r = sd_bus_message_read_basic(m, 'x', &x);
                if (r >= 0)
                        v = cJSON_CreateNumber((double)x);
        } else if (streq(contents, "d")) {
                double d;
                r = sd_bus_message_read_basic(m, 'd', &d);
                if (r >= 0)
                        v = cJSON_CreateNumber(d);
        } else if (streq(contents, "as")) {
                _cleanup_strv_free_ char **l = NULL;
                r = sd_bus_message_read_strv(m, &l);
                if (r >= 0)
                        v = json_from_strv(l);
        } else if (streq(contents, "a{ss}"))
                r = bus_message_read_string_map(m, &v);
        else {
                /* A type this client does not show: skip it, a newer daemon may add properties. */
                r = sd_bus_message_skip(m, contents);
                if (r >= 0)
                        v = cJSON_CreateNull();
        }
        if (r < 0)
                return r;
        if (!v)
                return -ENOMEM;
        r = sd_bus_message_exit_container(m);
        if (r < 0) {
                cJSON_Delete(v);
                return r;
        }
        *ret = v;
        return 0;
}

int bus_message_read_string_map(sd_bus_message *m, cJSON **ret) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        const char *k, *v;
        int r;

        if (!o)
                return -ENOMEM;
        r = sd_bus_message_enter_container(m, 'a', "{ss}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "{ss}", &k, &v)) > 0)
                if (!cJSON_AddStringToObject(o, k, v))
                        return -ENOMEM;
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

int bus_message_read_properties(sd_bus_message *m, cJSON **ret) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        int r;

        if (!o)
                return -ENOMEM;
        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                const char *name;
                cJSON *v;

                r = sd_bus_message_read_basic(m, 's', &name);
                if (r < 0)
                        return r;
                r = read_variant(m, &v);
                if (r < 0)
                        return r;
                cJSON_AddItemToObject(o, name, v);
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

int bus_get_all_properties(
        sd_bus *bus, const char *path, const char *iface, sd_bus_error *error, cJSON **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = bus_call(bus, path, "org.freedesktop.DBus.Properties", "GetAll", 0, error, &reply, "s", iface);
        if (r < 0)
                return r;
        return bus_message_read_properties(reply, ret);
}

int require_args(int argc, char *argv[], int min, bool exact, const char *usage) {
        int n = argc - optind;

        if (exact ? n == min : n >= min)
                return 0;
        log_error(
                "\"berth %s\" requires %s %i argument%s.\nSee 'berth %s --help'.\n\nUsage:  berth %s %s",
                argv[0],
                exact ? "exactly" : "at least",
                min,
                min == 1 ? "" : "s",
                argv[0],
                argv[0],
                usage);
        return -EINVAL;
}

static int call_on_containersv(
        sd_bus *bus,
        char **names,
        const char *method,
        uint64_t timeout,
        bool print_code,
        char ***ret_failed,
        const char *types,
        va_list ap) {
        _cleanup_strv_free_ char **failed = NULL;
        int r;

        STRV_FOREACH (name, names) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *path = NULL;
                int32_t code;

                r = bus_get_container(bus, *name, &error, &path);
                if (r >= 0) {
                        va_list aq;

                        va_copy(aq, ap);
                        r = bus_callv(
                                bus,
                                path,
                                BERTH_CONTAINER_IFACE,
                                method,
                                timeout,
                                &error,
                                &reply,
                                types,
                                aq);
                        va_end(aq);
                }
                if (r >= 0 && print_code)
                        r = sd_bus_message_read(reply, "i", &code);
                if (r < 0) {
                        bus_log_call_error("", &error, r);
                        if (strv_extend(&failed, *name) < 0)
                                return log_oom(), EXIT_FAILURE;
                        continue;
                }
                if (print_code)
                        printf("%i\n", code);
                else
                        puts(*name);
                fflush(stdout);
        }
        r = failed ? EXIT_FAILURE : EXIT_SUCCESS;
        if (ret_failed)
                *ret_failed = TAKE_PTR(failed);
        return r;
}

int call_on_containers(
        sd_bus *bus,
        char **names,
        const char *method,
        uint64_t timeout,
        bool print_code,
        char ***ret_failed,
        const char *types,
        ...) {
        va_list ap;
        int r;

        va_start(ap, types);
        r = call_on_containersv(bus, names, method, timeout, print_code, ret_failed, types, ap);
        va_end(ap);
        return r;
}

int verb_call_on_containers(
        int argc,
        char *argv[],
        const char *usage,
        const char *method,
        uint64_t timeout,
        bool print_code,
        const char *types,
        ...) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        va_list ap;
        int r;

        if (require_args(argc, argv, 1, false, usage) < 0)
                return EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        va_start(ap, types);
        r = call_on_containersv(bus, argv + optind, method, timeout, print_code, NULL, types, ap);
        va_end(ap);
        return r;
}

int verb_stop_or_restart(int argc, char *argv[], const char *method, const char *help) {
        static const struct option options[] = {
                {"time", required_argument, NULL, 't'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        uint64_t timeout = UINT64_MAX, call_timeout = 10 * 60 * USEC_PER_SEC;
        int c;

        optind = 0;
        while ((c = next_option(argc, argv, "+t:", options)) >= 0)
                switch (c) {
                case 't':
                        if (parse_stop_timeout(optarg, &timeout) < 0)
                                return log_error("invalid argument \"%s\" for \"-t, --time\" flag", optarg),
                                       EXIT_BERTH_ERROR;
                        call_timeout = timeout == STOP_TIMEOUT_INFINITY ? BUS_TIMEOUT_INFINITY
                                                                        : timeout + STOP_CALL_SLACK_USEC;
                        break;
                case 'H':
                        fputs(help, stdout);
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        return verb_call_on_containers(
                argc, argv, "[OPTIONS] CONTAINER [CONTAINER...]", method, call_timeout, false, "t", timeout);
}
