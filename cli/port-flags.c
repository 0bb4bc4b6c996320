/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "bus-options.h"
#include "hosts-file.h"
#include "log.h"
#include "port-flags.h"
#include "port-spec.h"
#include "strv.h"

void port_flags_done(PortFlags *f) {
        strv_free(f->publish);
        free(f->network);
        strv_free(f->dns);
        strv_free(f->add_host);
        strv_free(f->network_alias);
        free(f->ip);
}

int port_flags_parse(PortFlags *f, int flag, const char *arg) {
        switch (flag) {
        case PORT_FLAG_PUBLISH: {
                _cleanup_free_ PortMapping *mappings = NULL;
                _cleanup_free_ char *error = NULL;
                size_t n = 0;
                int r;

                r = port_spec_parse(arg, &mappings, &n, &error);
                if (r == -ENOMEM)
                        return log_oom();
                if (r < 0)
                        return log_error_errno(EINVAL, "%s", error);
                return strv_extend(&f->publish, arg) < 0 ? log_oom() : 0;
        }
        case PORT_FLAG_PUBLISH_ALL:
                f->publish_all = true;
                return 0;
        case PORT_FLAG_NETWORK:
                free(f->network);
                f->network = strdup(arg);
                return f->network ? 0 : log_oom();
        case PORT_FLAG_DNS:
                if (dns_server_validate(arg) < 0)
                        return log_error_errno(
                                EINVAL,
                                "invalid argument \"%s\" for \"--dns\" flag: %s is not an ip address",
                                arg,
                                arg);
                return strv_extend(&f->dns, arg) < 0 ? log_oom() : 0;
        case PORT_FLAG_ADD_HOST:
                if (extra_host_validate(arg) < 0)
                        return log_error_errno(
                                EINVAL,
                                "invalid argument \"%s\" for \"--add-host\" flag: bad format for add-host: "
                                "\"%s\"",
                                arg,
                                arg);
                return strv_extend(&f->add_host, arg) < 0 ? log_oom() : 0;
        case PORT_FLAG_NETWORK_ALIAS:
                return strv_extend(&f->network_alias, arg) < 0 ? log_oom() : 0;
        case PORT_FLAG_IP:
                free(f->ip);
                f->ip = strdup(arg);
                return f->ip ? 0 : log_oom();
        }
        return -EINVAL;
}

int port_flags_append(sd_bus_message *m, const PortFlags *f) {
        int r;

        r = bus_append_strv_option(m, "PortBindings", f->publish);
        if (r >= 0 && f->publish_all)
                r = sd_bus_message_append(m, "{sv}", "PublishAllPorts", "b", 1);
        if (r >= 0 && f->network)
                r = sd_bus_message_append(m, "{sv}", "NetworkMode", "s", f->network);
        if (r >= 0)
                r = bus_append_strv_option(m, "Dns", f->dns);
        if (r >= 0)
                r = bus_append_strv_option(m, "ExtraHosts", f->add_host);
        if (r >= 0)
                r = bus_append_strv_option(m, "NetworkAliases", f->network_alias);
        if (r >= 0 && f->ip)
                r = sd_bus_message_append(m, "{sv}", "IPv4Address", "s", f->ip);
        return r;
}
