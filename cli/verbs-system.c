/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bus-util.h"
#include "container-list.h"
#include "fileio.h"
#include "log.h"
#include "output.h"
#include "parse-flags.h"
#include "strv.h"
#include "verbs.h"

#define OS_RELEASE_MAX (64U * 1024U)

static const char *go_arch(const char *machine) {
        /* Docker prints Go's names for architectures. */
        if (streq(machine, "x86_64"))
                return "amd64";
        if (streq(machine, "aarch64"))
                return "arm64";
        if (streq(machine, "i686") || streq(machine, "i386"))
                return "386";
        return machine;
}

static int manager_property(sd_bus *bus, const char *name, sd_bus_error *error, char **ret) {
        return sd_bus_get_property_string(
                bus, BERTH_BUS_NAME, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, name, error, ret);
}

int verb_version(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *server = NULL;
        struct utsname u;
        int r;

        if (argc > 1) {
                if (streq(argv[1], "--help")) {
                        printf("Usage:  berth version\n\nShow the berth version information\n");
                        return EXIT_SUCCESS;
                }
                return log_error("\"berth version\" accepts no arguments."), EXIT_FAILURE;
        }
        (void)uname(&u);
        printf("Client:\n"
               " Version:           %s\n"
               " OS/Arch:           linux/%s\n",
               PACKAGE_VERSION,
               go_arch(u.machine));
        fflush(stdout);

        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = manager_property(bus, "Version", &error, &server);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;
        printf("\nServer:\n"
               " Engine:\n"
               "  Version:          %s\n"
               "  OS/Arch:          linux/%s\n"
               "  Kernel Version:   %s\n",
               server,
               go_arch(u.machine),
               u.release);
        return EXIT_SUCCESS;
}

static int count_containers(sd_bus *bus, unsigned *ret_total, unsigned *ret_running) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ ContainerRow *rows = NULL;
        unsigned running = 0;
        size_t n;
        int r;

        r = container_list_fetch(bus, true, &reply, &rows, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                running += streq(rows[i].state, "running");
        *ret_total = n;
        *ret_running = running;
        return 0;
}

static int count_images(sd_bus *bus, unsigned *ret) {
        ImageRow *rows;
        size_t n;
        int r;

        r = image_list_fetch(bus, &rows, &n);
        if (r < 0)
                return r;
        image_rows_free(rows, n);
        *ret = n;
        return 0;
}

/* PRETTY_NAME from os-release, unquoted. */
static char *operating_system(void) {
        _cleanup_free_ char *buf = NULL;
        size_t size;
        char *p, *e;

        if (read_full_file_at(AT_FDCWD, "/etc/os-release", OS_RELEASE_MAX, &buf, &size) < 0 &&
            read_full_file_at(AT_FDCWD, "/usr/lib/os-release", OS_RELEASE_MAX, &buf, &size) < 0)
                return strdup("Linux");
        for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                if (strncmp(p, "PRETTY_NAME=", 12) != 0)
                        continue;
                p += 12;
                e = p + strcspn(p, "\n");
                if (e > p + 1 && (*p == '"' || *p == '\'') && e[-1] == *p) {
                        p++;
                        e--;
                }
                return strndup(p, (size_t)(e - p));
        }
        return strdup("Linux");
}

int verb_info(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *version = NULL, *driver = NULL, *root = NULL, *os = NULL;
        unsigned containers = 0, running = 0, images = 0;
        char mem[FORMAT_BUF];
        struct utsname u;
        struct statfs fs;
        long pages, page_size;
        int r;

        if (argc > 1) {
                if (streq(argv[1], "--help")) {
                        printf("Usage:  berth info\n\nDisplay system-wide information\n");
                        return EXIT_SUCCESS;
                }
                return log_error("\"berth info\" accepts no arguments."), EXIT_FAILURE;
        }
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = manager_property(bus, "Version", &error, &version);
        if (r >= 0)
                r = manager_property(bus, "StorageDriver", &error, &driver);
        if (r >= 0)
                r = manager_property(bus, "StateDirectory", &error, &root);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;
        if (count_containers(bus, &containers, &running) < 0 || count_images(bus, &images) < 0)
                return EXIT_FAILURE;

        (void)uname(&u);
        os = operating_system();
        pages = sysconf(_SC_PHYS_PAGES);
        page_size = sysconf(_SC_PAGESIZE);
        format_bytes_binary(mem, pages > 0 && page_size > 0 ? (uint64_t)pages * (uint64_t)page_size : 0);

        printf("Client:\n"
               " Version:    %s\n"
               " Debug Mode: %s\n"
               "\n"
               "Server:\n"
               " Containers: %u\n"
               "  Running: %u\n"
               "  Paused: 0\n"
               "  Stopped: %u\n"
               " Images: %u\n"
               " Server Version: %s\n"
               " Storage Driver: %s\n"
               " Cgroup Driver: systemd\n"
               " Cgroup Version: %s\n"
               " Kernel Version: %s\n"
               " Operating System: %s\n"
               " OSType: linux\n"
               " Architecture: %s\n"
               " CPUs: %ld\n"
               " Total Memory: %s\n"
               " Name: %s\n"
               " Berth Root Dir: %s\n",
               PACKAGE_VERSION,
               log_get_max_level() >= LOG_DEBUG ? "true" : "false",
               containers,
               running,
               containers - running,
               images,
               version,
               driver,
               statfs("/sys/fs/cgroup", &fs) >= 0 && fs.f_type == CGROUP2_SUPER_MAGIC ? "2" : "1",
               u.release,
               os ?: "Linux",
               u.machine,
               sysconf(_SC_NPROCESSORS_ONLN),
               mem,
               u.nodename,
               root);
        return EXIT_SUCCESS;
}
