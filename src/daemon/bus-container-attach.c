/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-container-attach.h"
#include "bus-errors.h"
#include "bus-util.h"
#include "container-attach.h"
#include "strv.h"

static int read_bool(sd_bus_message *m, const char *key, bool *ret, sd_bus_error *error) {
        int b, r;

        r = sd_bus_message_enter_container(m, 'v', "b");
        if (r == -ENXIO)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s must be of type 'b'", key);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "b", &b);
        if (r < 0)
                return r;
        *ret = b;
        return sd_bus_message_exit_container(m);
}

static int read_string(sd_bus_message *m, const char *key, char **ret, sd_bus_error *error) {
        const char *s;
        int r;

        r = sd_bus_message_enter_container(m, 'v', "s");
        if (r == -ENXIO)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s must be of type 's'", key);
        if (r < 0)
                return r;
        r = bus_read_string(m, key, &s, error);
        if (r < 0)
                return r;
        free(*ret);
        *ret = strdup(s);
        if (!*ret)
                return -ENOMEM;
        return sd_bus_message_exit_container(m);
}

static int read_attach_option(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        AttachOptions *o = userdata;

        if (streq(key, "Stdin"))
                return read_bool(m, key, &o->stdin_stream, error);
        if (streq(key, "Stdout"))
                return read_bool(m, key, &o->stdout_stream, error);
        if (streq(key, "Stderr"))
                return read_bool(m, key, &o->stderr_stream, error);
        return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Unknown option: %s", key);
}

static int read_exec_option(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        ExecOptions *o = userdata;
        int r;

        if (streq(key, "Env")) {
                r = sd_bus_message_enter_container(m, 'v', "as");
                if (r == -ENXIO)
                        return sd_bus_error_setf(
                                error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s must be of type 'as'", key);
                if (r < 0)
                        return r;
                o->env = strv_free(o->env);
                r = bus_read_strv(m, key, &o->env, error);
                if (r < 0)
                        return r;
                return sd_bus_message_exit_container(m);
        }
        if (streq(key, "WorkingDir"))
                return read_string(m, key, &o->working_dir, error);
        if (streq(key, "User"))
                return read_string(m, key, &o->user, error);
        if (streq(key, "Tty"))
                return read_bool(m, key, &o->tty, error);
        if (streq(key, "Interactive"))
                return read_bool(m, key, &o->interactive, error);
        return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Unknown option: %s", key);
}

static int reply_fd(sd_bus_message *m, int fd) {
        _cleanup_close_ int owned = fd;
        return sd_bus_reply_method_return(m, "h", owned);
}

int bus_container_method_attach(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        AttachOptions o = {.stdout_stream = true, .stderr_stream = true};
        int fd, r;

        r = bus_read_dict(m, read_attach_option, &o, error);
        if (r < 0)
                return r;
        r = container_attach(userdata, &o, &fd, error);
        if (r < 0)
                return r;
        return reply_fd(m, fd);
}

int bus_container_method_exec(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(exec_options_done) ExecOptions o = {};
        _cleanup_strv_free_ char **command = NULL;
        int fd, r;

        r = bus_read_strv(m, "command", &command, error);
        if (r < 0)
                return r;
        r = bus_read_dict(m, read_exec_option, &o, error);
        if (r < 0)
                return r;
        r = container_exec(userdata, command, &o, &fd, error);
        if (r < 0)
                return r;
        return reply_fd(m, fd);
}
