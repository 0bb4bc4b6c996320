/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "bus-errors.h"
#include "bus-login.h"
#include "bus-util.h"
#include "log.h"
#include "manager.h"
#include "registry-auth.h"
#include "registry-login.h"
#include "worker.h"

typedef struct LoginJob {
        sd_bus_message *call; /* answered when the registry has said yes or no */
        char *registry;
        char *auth;
} LoginJob;

static LoginJob *login_job_free(LoginJob *j) {
        if (!j)
                return NULL;
        sd_bus_message_unref(j->call);
        free(j->registry);
        erase_and_free(j->auth);
        free(j);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(LoginJob *, login_job_free);

static int login_run(void *userdata, char **ret_result) {
        _cleanup_(registry_options_done) RegistryOptions o = {};
        LoginJob *j = userdata;
        int r;

        r = registry_options_load(BERTH_CONFIG_DIR "/daemon.json", &o);
        if (r < 0)
                return r;
        return registry_login(&o, j->registry, j->auth);
}

static void login_done(int error, const char *text, void *userdata) {
        _cleanup_(login_job_freep) LoginJob *j = userdata;
        int r;

        if (error == -EACCES || error == -EPERM)
                r = sd_bus_reply_method_errorf(j->call, BERTH_ERROR_UNAUTHORIZED, "%s", text);
        else if (error < 0)
                r = sd_bus_reply_method_errorf(j->call, SD_BUS_ERROR_FAILED, "%s", text);
        else
                r = sd_bus_reply_method_return(j->call, "ss", "Login Succeeded", j->auth);
        if (r < 0)
                log_warning_errno(r, "Cannot answer Login: %m");
}

static int read_option(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        const char **auth = userdata;
        int r;

        if (!streq(key, "auth"))
                return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Unknown option: %s", key);
        if (sd_bus_message_enter_container(m, 'v', "s") <= 0)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s must be of type 's'", key);
        r = bus_read_string(m, key, auth, error);
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

static bool registry_name_is_valid(const char *s) {
        if (isempty(s))
                return false;
        for (; *s; s++)
                if ((unsigned char)*s <= ' ' || *s == 0x7f || *s == '/')
                        return false;
        return true;
}

int bus_method_login(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(login_job_freep) LoginJob *j = NULL;
        _cleanup_(registry_credentials_done) RegistryCredentials creds = {};
        const char *server, *username, *password, *auth = NULL;
        Manager *m = userdata;
        Worker *w;
        int r;

        if ((r = bus_read_string(msg, "server", &server, error)) < 0 ||
            (r = bus_read_string(msg, "username", &username, error)) < 0 ||
            (r = bus_read_string(msg, "password", &password, error)) < 0 ||
            (r = bus_read_dict(msg, read_option, &auth, error)) < 0)
                return r;
        if (!registry_name_is_valid(server))
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Invalid registry server: \"%s\"", server);

        j = calloc(1, sizeof(LoginJob));
        if (!j)
                return -ENOMEM;
        j->registry = strdup(server);
        if (!j->registry)
                return -ENOMEM;

        if (isempty(username) && isempty(password)) {
                if (!auth)
                        return sd_bus_error_set(
                                error, BERTH_ERROR_INVALID_ARGUMENT, "Username and password required.");
                /* Stored credentials: only checked for their shape here. */
                r = registry_credentials_from_auth(auth, &creds);
                if (r == -EBADMSG)
                        return sd_bus_error_set(
                                error,
                                BERTH_ERROR_INVALID_ARGUMENT,
                                "Invalid stored credentials: \"auth\" is not the base64 of user:password.");
                if (r < 0)
                        return r;
                j->auth = strdup(auth);
                if (!j->auth)
                        return -ENOMEM;
        } else {
                if (isempty(username) || isempty(password))
                        return sd_bus_error_set(
                                error, BERTH_ERROR_INVALID_ARGUMENT, "Username and password required.");
                r = registry_credentials_to_auth(
                        &(RegistryCredentials){.username = (char *)username, .password = (char *)password},
                        &j->auth);
                if (r == -EINVAL)
                        return sd_bus_error_set(
                                error, BERTH_ERROR_INVALID_ARGUMENT, "A user name cannot contain ':'.");
                if (r < 0)
                        return r;
        }

        j->call = sd_bus_message_ref(msg);
        r = worker_start(m->event, login_run, login_done, j, &w);
        if (r < 0)
                return r;
        TAKE_PTR(j);
        return 1;
}
