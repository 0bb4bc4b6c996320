/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device-spec.h"
#include "log.h"
#include "parse-flags.h"
#include "parse-size.h"
#include "strv.h"
#include "sysctl-spec.h"
#include "ulimit-spec.h"

#define MAX_ARGS 64

static char *dir;
static int dir_fd = -EBADF;

static void remove_dir(void) {
        (void)unlinkat(dir_fd, "env", 0);
        (void)rmdir(dir);
        free(dir);
}

/* --env-file reads files: the parser runs in an empty directory holding one env file, "env", and inputs
 * naming anything outside it (a '/' in any argument) are passed over, so no device or fifo is opened. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
        _cleanup_fclose_ FILE *f = NULL;
        int fd;

        log_set_max_level(LOG_CRIT); /* the parser's refusals are expected, not news */
        opterr = 0;
        if (asprintf(&dir, "%s/fuzz-cli-flags-XXXXXX", getenv("TMPDIR") ?: "/tmp") < 0 || !mkdtemp(dir))
                abort();
        dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                abort();
        atexit(remove_dir);
        fd = openat(dir_fd, "env", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!f)
                abort();
        fputs("# seed\nA=from-file\nB\nC=c\n", f);
        return 0;
}

static void check_signal(const char *s) {
        const char *name;
        int sig, again;

        if (parse_signal(s, &sig) < 0)
                return;
        if (sig < 1 || sig > SIGRTMAX)
                abort();
        name = signal_to_string(sig);
        if (name && (parse_signal(name, &again) < 0 || again != sig))
                abort();
}

/* The value parsers of --device, --ulimit, --sysctl and --shm-size, which read no files: any argument. */
static void check_host_specs(const char *s) {
        _cleanup_(device_spec_done) DeviceSpec d = {};
        _cleanup_free_ char *key = NULL, *value = NULL, *error = NULL;
        UlimitSpec u;
        uint64_t size;

        if (device_spec_parse(s, &d, NULL) >= 0 &&
            (d.path_on_host[0] != '/' || d.path_in_container[0] != '/' ||
             !device_permissions_valid(d.permissions)))
                abort();
        if (ulimit_spec_parse(s, &u, &error) >= 0 &&
            (u.soft > u.hard || !ulimit_resource_to_name(u.resource)))
                abort();
        if (sysctl_spec_parse(s, &key, &value, NULL) >= 0 && !sysctl_key_namespaced(key))
                abort();
        (void)parse_size(s, &size);
}

/* The input is an argv, its arguments separated by NUL bytes; the first names the verb (create, or any
 * other word for run). Each argument is also given to the signal, duration and host-spec parsers. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(run_options_done) RunOptions o = {};
        _cleanup_free_ char *buf = NULL;
        _cleanup_close_ int cwd_fd = -EBADF;
        char *argv[MAX_ARGS + 1] = {};
        int argc = 0, r;
        uint64_t usec;

        buf = malloc(size + 1);
        if (!buf)
                return 0;
        memcpy(buf, data, size);
        buf[size] = 0;
        for (char *p = buf; p <= buf + size; p += strlen(p) + 1)
                check_host_specs(p);
        for (char *p = buf; p <= buf + size && argc < MAX_ARGS; p += strlen(p) + 1) {
                if (strchr(p, '/'))
                        return 0;
                argv[argc++] = p;
        }
        if (argc >= MAX_ARGS)
                return 0;

        for (int i = 0; i < argc; i++) {
                check_signal(argv[i]);
                (void)parse_duration_usec(argv[i], &usec);
        }

        /* In the directory only while parsing: libFuzzer reads and writes files relative to its own. */
        cwd_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cwd_fd < 0 || fchdir(dir_fd) < 0)
                abort();
        r = parse_run_options(argc, argv, &o);
        if (fchdir(cwd_fd) < 0)
                abort();
        if (r != 0)
                return 0;
        if (!o.image || (o.detach && streq(argv[0], "create")))
                abort();
        STRV_FOREACH (e, o.env)
                if (!strchr(*e, '=') || **e == '=')
                        abort();
        return 0;
}
