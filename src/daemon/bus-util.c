/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-util.h"
#include "bus-errors.h"
#include "log.h"
#include "strv.h"

int bus_read_string(sd_bus_message *m, const char *what, const char **ret, sd_bus_error *error) {
        const char *s;
        int r;

        r = sd_bus_message_read(m, "s", &s);
        if (r < 0)
                return r;
        if (strlen(s) > BUS_STRING_MAX)
                return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "%s is too long", what);
        *ret = s;
        return 0;
}

int bus_read_strv(sd_bus_message *m, const char *what, char ***ret, sd_bus_error *error) {
        _cleanup_strv_free_ char **l = NULL;
        int r;

        r = sd_bus_message_read_strv(m, &l);
        if (r < 0)
                return r;
        if (strv_length(l) > BUS_STRV_MAX)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "%s has too many entries", what);
        STRV_FOREACH (s, l)
                if (strlen(*s) > BUS_STRING_MAX)
                        return sd_bus_error_setf(
                                error, BERTH_ERROR_INVALID_ARGUMENT, "%s has an entry too long", what);
        *ret = TAKE_PTR(l);
        return 0;
}

int bus_read_string_variant(sd_bus_message *m, const char *key, char **ret, sd_bus_error *error) {
        const char *value = NULL;
        int r;

        r = sd_bus_message_enter_container(m, 'v', "s");
        if (r == -ENXIO)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s must be a string.", key);
        if (r < 0)
                return r;
        r = bus_read_string(m, key, &value, error);
        if (r < 0)
                return r;
        free(*ret);
        *ret = NULL;
        if (!isempty(value) && !(*ret = strdup(value)))
                return -ENOMEM;
        return sd_bus_message_exit_container(m);
}

int bus_read_dict(sd_bus_message *m, bus_dict_entry_t entry, void *userdata, sd_bus_error *error) {
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                const char *key;

                r = sd_bus_message_read(m, "s", &key);
                if (r < 0)
                        return r;
                r = entry(m, key, userdata, error);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

int bus_add_object_class(
        sd_bus *bus,
        const char *prefix,
        const char *interface,
        const sd_bus_vtable *vtable,
        sd_bus_object_find_t find,
        sd_bus_node_enumerator_t enumerator,
        void *userdata) {
        int r;

        r = sd_bus_add_fallback_vtable(bus, NULL, prefix, interface, vtable, find, userdata);
        if (r < 0)
                return log_error_errno(r, "Failed to add the %s vtable: %m", interface);
        r = sd_bus_add_node_enumerator(bus, NULL, prefix, enumerator, userdata);
        if (r < 0)
                return log_error_errno(r, "Failed to add the %s enumerator: %m", interface);
        return 0;
}

int bus_array_reply_new(sd_bus_message *call, const char *contents, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_new_method_return(call, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', contents);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(reply);
        return 0;
}

int bus_array_reply_send(sd_bus_message *reply) {
        int r;

        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

int bus_read_pairs_variant(
        sd_bus_message *m, const char *key, size_t max, char ***ret, sd_bus_error *error) {
        _cleanup_strv_free_ char **pairs = NULL;
        const char *k, *v;
        int r;

        r = sd_bus_message_enter_container(m, 'v', "a{ss}");
        if (r == -ENXIO)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s must be of type 'a{ss}'", key);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(m, 'a', "{ss}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "{ss}", &k, &v)) > 0) {
                if (strv_length(pairs) / 2 >= max || strlen(k) > BUS_STRING_MAX ||
                    strlen(v) > BUS_STRING_MAX)
                        return sd_bus_error_setf(
                                error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s is too large", key);
                if (strv_extend(&pairs, k) < 0 || strv_extend(&pairs, v) < 0)
                        return -ENOMEM;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        strv_free(*ret);
        *ret = TAKE_PTR(pairs);
        return 0;
}

int bus_append_pairs(sd_bus_message *reply, char *const *pairs) {
        int r;

        r = sd_bus_message_open_container(reply, 'a', "{ss}");
        if (r < 0)
                return r;
        for (char *const *p = pairs; p && p[0] && p[1]; p += 2) {
                r = sd_bus_message_append(reply, "{ss}", p[0], p[1]);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}
