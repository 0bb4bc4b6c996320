/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-introspect.h"
#include "macro.h"

/* Length of the first complete type of a D-Bus signature; 0 if malformed. */
static size_t complete_type_length(const char *s) {
        size_t i = 0, depth = 0;

        for (;;) {
                char c = s[i];

                if (c == 0)
                        return 0;
                i++;
                if (c == 'a')
                        continue;
                if (c == '(' || c == '{') {
                        depth++;
                        continue;
                }
                if (c == ')' || c == '}') {
                        if (depth == 0)
                                return 0;
                        depth--;
                }
                if (depth == 0)
                        return i;
        }
}

/* Prints one <arg/> per complete type of signature, naming them from the NUL-separated names list;
 * *names advances past the names used. */
static int print_args(FILE *f, const char *signature, const char **names, const char *direction) {
        const char *p = signature;

        while (p && *p) {
                size_t n = complete_type_length(p);
                if (n == 0)
                        return -EINVAL;
                fprintf(f, "   <arg type=\"%.*s\"", (int)n, p);
                if (*names && **names) {
                        fprintf(f, " name=\"%s\"", *names);
                        *names += strlen(*names) + 1;
                }
                if (direction)
                        fprintf(f, " direction=\"%s\"", direction);
                fputs("/>\n", f);
                p += n;
        }
        return 0;
}

static int print_interface(FILE *f, const BusInterface *iface) {
        int r;

        fprintf(f, " <interface name=\"%s\">\n", iface->name);
        for (const sd_bus_vtable *v = iface->vtable; v->type != _SD_BUS_VTABLE_END; v++) {
                const char *names;

                switch (v->type) {
                case _SD_BUS_VTABLE_METHOD:
                        names = v->x.method.names;
                        if (isempty(v->x.method.signature) && isempty(v->x.method.result)) {
                                fprintf(f, "  <method name=\"%s\"/>\n", v->x.method.member);
                                break;
                        }
                        fprintf(f, "  <method name=\"%s\">\n", v->x.method.member);
                        r = print_args(f, v->x.method.signature, &names, "in");
                        if (r < 0)
                                return r;
                        r = print_args(f, v->x.method.result, &names, "out");
                        if (r < 0)
                                return r;
                        fputs("  </method>\n", f);
                        break;
                case _SD_BUS_VTABLE_SIGNAL:
                        names = v->x.signal.names;
                        fprintf(f, "  <signal name=\"%s\">\n", v->x.signal.member);
                        r = print_args(f, v->x.signal.signature, &names, NULL);
                        if (r < 0)
                                return r;
                        fputs("  </signal>\n", f);
                        break;
                case _SD_BUS_VTABLE_PROPERTY:
                case _SD_BUS_VTABLE_WRITABLE_PROPERTY: {
                        const char *emits = NULL;

                        /* sd-bus' rules for the annotation. */
                        if (v->flags & SD_BUS_VTABLE_PROPERTY_CONST)
                                emits = "const";
                        else if (v->flags & SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION)
                                emits = "invalidates";
                        else if (!(v->flags & SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE))
                                emits = "false";

                        fprintf(f,
                                "  <property name=\"%s\" type=\"%s\" access=\"%s\"",
                                v->x.property.member,
                                v->x.property.signature,
                                v->type == _SD_BUS_VTABLE_WRITABLE_PROPERTY ? "readwrite" : "read");
                        if (emits)
                                fprintf(f,
                                        ">\n   <annotation "
                                        "name=\"org.freedesktop.DBus.Property.EmitsChangedSignal\" "
                                        "value=\"%s\"/>\n  </property>\n",
                                        emits);
                        else
                                fputs("/>\n", f);
                        break;
                }
                default:
                        break;
                }
        }
        fputs(" </interface>\n", f);
        return 0;
}

int bus_introspect_print(FILE *f, const BusInterface *interfaces, size_t n) {
        int r;

        fputs("<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
              "\"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n"
              "<node>\n",
              f);
        for (size_t i = 0; i < n; i++) {
                r = print_interface(f, &interfaces[i]);
                if (r < 0)
                        return r;
        }
        fputs("</node>\n", f);
        return fflush(f) == 0 ? 0 : -EIO;
}
