/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "bundle.h"
#include "fileio.h"
#include "json-util.h"
#include "log.h"

#define RESOLV_CONF_MAX (64U * 1024U)
#define SMALL_FILE_MAX 4096U

static int write_hosts(int dir_fd, const char *hostname) {
        _cleanup_free_ char *s = NULL;
        int n;

        n = asprintf(
                &s,
                "127.0.0.1\tlocalhost\n"
                "::1\tlocalhost ip6-localhost ip6-loopback\n"
                "fe00::0\tip6-localnet\n"
                "ff00::0\tip6-mcastprefix\n"
                "ff02::1\tip6-allnodes\n"
                "ff02::2\tip6-allrouters\n"
                "127.0.0.1\t%s\n",
                hostname);
        if (n < 0)
                return -ENOMEM;
        return write_file_atomic_at(dir_fd, "hosts", s, (size_t)n, 0644);
}

static int write_resolv_conf(int dir_fd) {
        _cleanup_free_ char *s = NULL;
        size_t size = 0;
        int r;

        r = read_full_file_at(AT_FDCWD, "/etc/resolv.conf", RESOLV_CONF_MAX, &s, &size);
        if (r == -ENOENT)
                return write_file_atomic_at(dir_fd, "resolv.conf", "", 0, 0644);
        if (r < 0)
                return r;
        return write_file_atomic_at(dir_fd, "resolv.conf", s, size, 0644);
}

int bundle_create(const char *bundle, const cJSON *config, const char *hostname) {
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_free_ char *h = NULL;
        int r;

        if (mkdir(bundle, 0700) < 0)
                return log_error_errno(errno, "Failed to create %s: %m", bundle);
        dir_fd = open(bundle, O_DIRECTORY | O_CLOEXEC | O_RDONLY);
        if (dir_fd < 0)
                return log_error_errno(errno, "Failed to open %s: %m", bundle);

        /* upper/ and work/ are overlayfs' own, rootfs/ the mount point. */
        if (mkdirat(dir_fd, "upper", 0755) < 0 || mkdirat(dir_fd, "work", 0700) < 0 ||
            mkdirat(dir_fd, "rootfs", 0755) < 0)
                return log_error_errno(errno, "Failed to populate %s: %m", bundle);

        r = json_write_file_atomic_at(dir_fd, "config.json", config);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s/config.json: %m", bundle);

        if (asprintf(&h, "%s\n", hostname) < 0)
                return log_oom();
        r = write_file_atomic_at(dir_fd, "hostname", h, strlen(h), 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s/hostname: %m", bundle);
        r = write_hosts(dir_fd, hostname);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s/hosts: %m", bundle);
        r = write_resolv_conf(dir_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s/resolv.conf: %m", bundle);
        return 0;
}

int bundle_clear_run_files(const char *bundle) {
        _cleanup_close_ int dir_fd = -EBADF;

        dir_fd = open(bundle, O_DIRECTORY | O_CLOEXEC | O_RDONLY);
        if (dir_fd < 0)
                return negative_errno();
        if (unlinkat(dir_fd, "pid", 0) < 0 && errno != ENOENT)
                return negative_errno();
        if (unlinkat(dir_fd, "exit.json", 0) < 0 && errno != ENOENT)
                return negative_errno();
        return 0;
}

int bundle_read_pid(const char *bundle, pid_t *ret) {
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_free_ char *s = NULL;
        unsigned long v;
        char *end;
        int r;

        dir_fd = open(bundle, O_DIRECTORY | O_CLOEXEC | O_RDONLY);
        if (dir_fd < 0)
                return negative_errno();
        r = read_full_file_at(dir_fd, "pid", SMALL_FILE_MAX, &s, NULL);
        if (r < 0)
                return r;

        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno != 0 || end == s || (*end != 0 && *end != '\n') || v == 0 || v > INT32_MAX)
                return -EINVAL;
        *ret = (pid_t)v;
        return 0;
}

int bundle_read_exit(
        const char *bundle, int *ret_exit_code, uint64_t *ret_finished_at, bool *ret_oom_killed) {
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_json_ cJSON *o = NULL;
        int64_t code, finished;
        int r;

        dir_fd = open(bundle, O_DIRECTORY | O_CLOEXEC | O_RDONLY);
        if (dir_fd < 0)
                return negative_errno();
        r = json_parse_file_at(dir_fd, "exit.json", SMALL_FILE_MAX, &o);
        if (r < 0)
                return r;

        code = json_get_integer(o, "ExitCode", -1);
        if (code < 0 || code > 255)
                return -EINVAL;
        finished = json_get_integer(o, "FinishedAt", 0);

        *ret_exit_code = (int)code;
        *ret_finished_at = finished > 0 ? (uint64_t)finished : 0;
        if (ret_oom_killed)
                *ret_oom_killed = json_get_bool(o, "OOMKilled", false);
        return 0;
}
