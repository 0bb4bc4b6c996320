/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

/* Manager.Login(s server, s username, s password, a{sv} options) → (s status, s auth): checks the
 * credentials against the registry server (a domain as in image references: "docker.io",
 * "127.0.0.1:5000"), as `docker login` does. With username and password empty, option "auth" (s, Docker
 * config.json's value) gives them. The check runs in a worker process; the reply is "Login Succeeded"
 * and the "auth" value for the caller to store. berthd stores nothing: credentials are the user's. */
int bus_method_login(sd_bus_message *m, void *userdata, sd_bus_error *error);
