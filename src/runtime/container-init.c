/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "confinement.h"
#include "container-init.h"
#include "exit-status.h"
#include "fileio.h"
#include "init-reaper.h"
#include "pty.h"
#include "strv.h"
#include "sync-channel.h"
#include "user-spec.h"
#include "userns.h"

#define ACCOUNT_FILE_MAX (4U * 1024U * 1024U)

static int loopback_up(void) {
        _cleanup_close_ int fd = -EBADF;
        struct ifreq ifr = {.ifr_name = "lo"};

        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                return -errno;
        if (ifr.ifr_flags & IFF_UP)
                return 0;
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                return -errno;
        return 0;
}

int container_env_build(char *const *spec_env, const char *home, char ***ret) {
        _cleanup_strv_free_ char **env = strv_copy(spec_env);
        _cleanup_free_ char *h = NULL;

        if (spec_env && !env)
                return -ENOMEM;
        if (!strv_env_find(env, "PATH") && strv_env_set(&env, "PATH=" DEFAULT_PATH) < 0)
                return -ENOMEM;
        if (!strv_env_find(env, "HOME")) {
                if (asprintf(&h, "HOME=%s", isempty(home) ? "/" : home) < 0)
                        return -ENOMEM;
                if (strv_env_set(&env, h) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(env);
        return 0;
}

int container_resolve_user(const RuntimeSpec *s, const char *user, int sync_fd, UserCreds *ret) {
        _cleanup_free_ char *passwd = NULL, *group = NULL, *error = NULL;
        UserCreds creds = {};
        int r;

        if (!user)
                user = s->user_annotation;
        r = read_full_file_at(AT_FDCWD, "/etc/passwd", ACCOUNT_FILE_MAX, &passwd, NULL);
        if (r < 0 && r != -ENOENT && user)
                goto fail;
        if (!user) {
                creds = (UserCreds){
                        .uid = s->uid,
                        .gid = s->gid,
                        .n_groups = MIN(s->n_additional_gids, USER_MAX_GROUPS)};
                if (creds.n_groups > 0)
                        memcpy(creds.groups, s->additional_gids, creds.n_groups * sizeof(gid_t));
                /* HOME still comes from passwd when the uid has an entry. */
                if (passwd) {
                        char spec[16];
                        UserCreds pw;
                        (void)snprintf(spec, sizeof(spec), "%u", (unsigned)s->uid);
                        if (user_resolve(spec, passwd, NULL, &pw, NULL) >= 0) {
                                creds.home = TAKE_PTR(pw.home);
                                user_creds_done(&pw);
                        }
                }
        }

        if (user || s->group_add_annotation) {
                r = read_full_file_at(AT_FDCWD, "/etc/group", ACCOUNT_FILE_MAX, &group, NULL);
                if (r < 0 && r != -ENOENT)
                        goto fail;
        }
        if (user) {
                r = user_resolve(user, passwd, group, &creds, &error);
                if (r < 0)
                        goto fail_resolve;
        }
        r = user_add_groups(s->group_add_annotation, group, &creds, &error);
        if (r < 0)
                goto fail_resolve;
        *ret = creds;
        return 0;

fail_resolve:
        user_creds_done(&creds);
        sync_send_error(sync_fd, -r, EXIT_ENGINE_ERROR, "%s", error ?: strerror(-r));
        return r;
fail:
        user_creds_done(&creds);
        sync_send_error(
                sync_fd,
                -r,
                EXIT_ENGINE_ERROR,
                "failed to read the container's account files: %s",
                strerror(-r));
        return r;
}

_noreturn_ void container_exec_command(char *const *argv, char **env, const sigset_t *mask, int sync_fd) {
        const char *cmd = argv[0];
        char **path_entry = strv_env_find(env, "PATH");
        const char *path = path_entry ? strchr(*path_entry, '=') + 1 : DEFAULT_PATH;
        bool denied = false;
        int error = ENOENT;

        if (sigprocmask(SIG_SETMASK, mask, NULL) < 0) {
                error = errno;
                goto fail;
        }

        if (strchr(cmd, '/')) {
                execve(cmd, argv, env);
                error = errno;
                if (error == ENOENT)
                        sync_send_error(
                                sync_fd,
                                error,
                                EXIT_NOT_FOUND,
                                "exec: \"%s\": stat %s: no such file or directory",
                                cmd,
                                cmd);
                else if (error == EACCES)
                        sync_send_error(
                                sync_fd, error, EXIT_NOT_EXECUTABLE, "exec: \"%s\": permission denied", cmd);
                else
                        goto fail;
                _exit(EXIT_ENGINE_ERROR);
        }

        for (const char *p = path;; p++) {
                const char *end = strchrnul(p, ':');
                char full[4096];
                int n;

                /* An empty PATH element means the current directory. */
                n = snprintf(full, sizeof(full), "%.*s%s%s", (int)(end - p), p, end == p ? "" : "/", cmd);
                if (n > 0 && (size_t)n < sizeof(full)) {
                        execve(full, argv, env);
                        if (errno == EACCES)
                                denied = true;
                        else if (errno != ENOENT && errno != ENOTDIR) {
                                error = errno;
                                goto fail;
                        }
                }
                if (*end == 0)
                        break;
                p = end;
        }
        if (denied)
                sync_send_error(
                        sync_fd, EACCES, EXIT_NOT_EXECUTABLE, "exec: \"%s\": permission denied", cmd);
        else
                sync_send_error(
                        sync_fd,
                        ENOENT,
                        EXIT_NOT_FOUND,
                        "exec: \"%s\": executable file not found in $PATH",
                        cmd);
        _exit(EXIT_ENGINE_ERROR);
fail:
        sync_send_error(sync_fd, error, EXIT_ENGINE_ERROR, "exec: \"%s\": %s", cmd, strerror(error));
        _exit(EXIT_ENGINE_ERROR);
}

#define FAIL(r, ...)                                                                                        \
        do {                                                                                                \
                sync_send_error(c->sync_fd, -(r), EXIT_ENGINE_ERROR, __VA_ARGS__);                          \
                _exit(EXIT_ENGINE_ERROR);                                                                   \
        } while (0)

/* --init: the parent stays PID 1 as the reaper, the child goes on to execve() the command. */
static void start_reaper(const ContainerInit *c) {
        pid_t pid;
        int r;

        r = init_reaper_block_signals();
        if (r < 0)
                FAIL(r, "--init: blocking signals: %s", strerror(-r));
        pid = fork();
        if (pid < 0)
                FAIL(-errno, "--init: fork: %m");
        if (pid > 0) {
                /* The command's execve() closes its end of the channel: the monitor must see that alone. */
                safe_close(c->sync_fd);
                init_reaper_run(pid);
        }
}

_noreturn_ void container_init_run(const ContainerInit *c) {
        const RuntimeSpec *s = c->spec;
        _cleanup_free_ char *error = NULL;
        _cleanup_strv_free_ char **env = NULL;
        UserCreds creds = {};
        int r;

        /* Inherited from the runtime, which ignores SIGPIPE; execve() would keep SIG_IGN. */
        (void)signal(SIGPIPE, SIG_DFL);

        if (c->stdin_fd >= 0 && dup2(c->stdin_fd, STDIN_FILENO) < 0)
                FAIL(-errno, "failed to set up stdin: %m");
        if (c->stdin_fd > STDERR_FILENO)
                safe_close(c->stdin_fd);
        if (dup2(c->stdout_fd, STDOUT_FILENO) < 0 || dup2(c->stderr_fd, STDERR_FILENO) < 0)
                FAIL(-errno, "failed to set up stdout/stderr: %m");
        if (c->stdout_fd > STDERR_FILENO)
                safe_close(c->stdout_fd);
        if (c->stderr_fd > STDERR_FILENO)
                safe_close(c->stderr_fd);
        if (setsid() < 0)
                FAIL(-errno, "setsid: %m");

        if (s->namespace_flags & CLONE_NEWUSER) {
                r = userns_child_wait(c->sync_fd, c->plan);
                if (r < 0)
                        FAIL(r, "waiting for the user namespace's maps: %s", strerror(-r));
        }
        if (chdir(c->bundle) < 0)
                FAIL(-errno, "chdir %s: %m", c->bundle);
        r = mount_plan_execute(c->plan, &error);
        if (r < 0)
                FAIL(r, "%s", error ?: strerror(-r));
        if (s->terminal) {
                r = pty_setup_console(c->sync_fd, &error);
                if (r < 0)
                        FAIL(r, "%s", error ?: strerror(-r));
        }

        if ((s->namespace_flags & CLONE_NEWUTS) && s->hostname &&
            sethostname(s->hostname, strlen(s->hostname)) < 0)
                FAIL(-errno, "sethostname: %m");
        if (s->namespace_flags & CLONE_NEWNET) {
                r = loopback_up();
                if (r < 0)
                        FAIL(r, "bringing up lo: %s", strerror(-r));
        }

        r = container_resolve_user(s, NULL, c->sync_fd, &creds);
        if (r < 0)
                _exit(EXIT_ENGINE_ERROR);
        /* The terminal belongs to the container's user, as with runc. */
        if (s->terminal && fchown(STDIN_FILENO, creds.uid, (gid_t)-1) < 0)
                FAIL(-errno, "chown of the terminal: %m");
        r = container_env_build(s->env, creds.home, &env);
        if (r < 0)
                FAIL(r, "environment: %s", strerror(-r));

        if (confinement_apply(c->confinement, &creds, c->sync_fd) < 0)
                _exit(EXIT_ENGINE_ERROR);
        if (chdir(s->cwd) < 0)
                FAIL(-errno, "chdir to working directory %s: %m", s->cwd);
        if (s->init)
                start_reaper(c);

        container_exec_command(s->args, env, &c->original_mask, c->sync_fd);
}
