/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "attach-protocol.h"
#include "bus-errors.h"
#include "container-attach.h"
#include "fileio.h"
#include "json-util.h"
#include "log.h"
#include "strv.h"

#define EXEC_USER_MAX 256U

void exec_options_done(ExecOptions *o) {
        strv_free(o->env);
        free(o->working_dir);
        free(o->user);
        *o = (ExecOptions){};
}

int container_make_run_dir(Container *c) {
        int r;

        r = mkdir_p(c->run_dir, 0700);
        if (r < 0)
                return r;
        /* An earlier directory may have been made with another mode. */
        if (chmod(c->run_dir, 0700) < 0)
                return -errno;
        return 0;
}

void container_remove_run_dir(Container *c) {
        int r = rm_rf(c->run_dir);
        if (r < 0 && r != -ENOENT)
                log_warning_errno(r, "Failed to remove %s: %m", c->run_dir);
}

/* Connects to the runtime and sends the request; the socket goes back blocking, for the caller. */
static int connect_and_request(
        Container *c, AttachPacketType type, const cJSON *request, int *ret_fd, sd_bus_error *error) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        _cleanup_free_ char *body = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r, n;

        n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" ATTACH_SOCKET_NAME, c->run_dir);
        if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
                return sd_bus_error_set_errnof(
                        error, ENAMETOOLONG, "Attach socket path of %s too long", c->id);
        body = cJSON_PrintUnformatted(request);
        if (!body)
                return -ENOMEM;

        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                r = -errno;
                if (r == -ENOENT || r == -ECONNREFUSED)
                        return sd_bus_error_setf(
                                error,
                                BERTH_ERROR_CONTAINER_NOT_RUNNING,
                                "container %s is not running (no attach socket)",
                                c->id);
                return sd_bus_error_set_errnof(
                        error, -r, "Failed to connect to the runtime of %s: %m", c->id);
        }
        r = attach_send(fd, type, body, strlen(body));
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "Failed to send the request to %s: %m", c->id);
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
                return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int container_attach(Container *c, const AttachOptions *o, int *ret_fd, sd_bus_error *error) {
        _cleanup_json_ cJSON *req = NULL;

        if (c->state != CONTAINER_RUNNING)
                return sd_bus_error_set(
                        error,
                        BERTH_ERROR_CONTAINER_NOT_RUNNING,
                        "You cannot attach to a stopped container, start it first");
        if (c->paused)
                return sd_bus_error_set(
                        error,
                        BERTH_ERROR_CONTAINER_NOT_RUNNING,
                        "You cannot attach to a paused container, unpause it first");

        req = cJSON_CreateObject();
        if (!req || !cJSON_AddBoolToObject(req, "stdin", o->stdin_stream && c->open_stdin) ||
            !cJSON_AddBoolToObject(req, "stdout", o->stdout_stream) ||
            !cJSON_AddBoolToObject(req, "stderr", o->stderr_stream))
                return -ENOMEM;
        return connect_and_request(c, ATTACH_PACKET_REQUEST_ATTACH, req, ret_fd, error);
}

int container_exec(Container *c, char **command, const ExecOptions *o, int *ret_fd, sd_bus_error *error) {
        _cleanup_json_ cJSON *req = NULL;
        cJSON *a;

        if (strv_length(command) == 0 || isempty(command[0]))
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, "No exec command specified");
        STRV_FOREACH (e, o->env)
                if (!strchr(*e, '=') || **e == '=')
                        return sd_bus_error_setf(
                                error, BERTH_ERROR_INVALID_ARGUMENT, "Invalid environment variable: %s", *e);
        if (o->working_dir && o->working_dir[0] != '/')
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_INVALID_ARGUMENT,
                        "the working directory '%s' is invalid, it needs to be an absolute path",
                        o->working_dir);
        if (o->user && strlen(o->user) > EXEC_USER_MAX)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, "User is too long");
        if (c->state != CONTAINER_RUNNING)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_CONTAINER_NOT_RUNNING, "container %s is not running", c->id);
        if (c->paused)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_CONTAINER_NOT_RUNNING,
                        "Container %s is paused, unpause the container before exec",
                        c->id);

        req = cJSON_CreateObject();
        if (!req)
                return -ENOMEM;
        a = json_from_strv(command);
        if (!a || !cJSON_AddItemToObject(req, "argv", a)) {
                cJSON_Delete(a);
                return -ENOMEM;
        }
        a = json_from_strv(o->env);
        if (!a || !cJSON_AddItemToObject(req, "env", a)) {
                cJSON_Delete(a);
                return -ENOMEM;
        }
        if ((o->working_dir && !cJSON_AddStringToObject(req, "cwd", o->working_dir)) ||
            (!isempty(o->user) && !cJSON_AddStringToObject(req, "user", o->user)) ||
            !cJSON_AddBoolToObject(req, "tty", o->tty) ||
            !cJSON_AddBoolToObject(req, "stdin", o->interactive) ||
            (o->kill_on_close && !cJSON_AddBoolToObject(req, "kill_on_close", true)))
                return -ENOMEM;
        return connect_and_request(c, ATTACH_PACKET_REQUEST_EXEC, req, ret_fd, error);
}
