/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "confinement.h"
#include "container-init.h"
#include "exec-session.h"
#include "exit-status.h"
#include "freezer-cgroup.h"
#include "json-util.h"
#include "pty.h"
#include "strv.h"
#include "sync-channel.h"
#include "user-spec.h"
#include "userns.h"

#define EXEC_USER_MAX 256U

void exec_request_done(ExecRequest *r) {
        strv_free(r->argv);
        strv_free(r->env);
        free(r->cwd);
        free(r->user);
        *r = (ExecRequest){};
}

static int fail(char **ret_error, const char *message) {
        if (ret_error)
                *ret_error = strdup(message);
        return -EINVAL;
}

static int get_strv_checked(const cJSON *o, const char *key, bool env, char ***ret) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *e;
        _cleanup_strv_free_ char **l = NULL;
        size_t total = 0, n = 0;

        *ret = NULL;
        if (!a || cJSON_IsNull(a))
                return 0;
        if (!cJSON_IsArray(a))
                return -EINVAL;
        cJSON_ArrayForEach (e, a) {
                const char *s = cJSON_GetStringValue(e);
                if (!s || ++n > RUNTIME_SPEC_MAX_ARGS)
                        return -EINVAL;
                total += strlen(s) + 1;
                if (strlen(s) > RUNTIME_SPEC_MAX_ARG_LEN || total > RUNTIME_SPEC_MAX_ARGV_TOTAL)
                        return -EINVAL;
                if (env && (!strchr(s, '=') || s[0] == '='))
                        return -EINVAL;
                if (strv_extend(&l, s) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int get_bool_checked(const cJSON *o, const char *key, bool *ret) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, key);

        if (!b) {
                *ret = false;
                return 0;
        }
        if (!cJSON_IsBool(b))
                return -EINVAL;
        *ret = cJSON_IsTrue(b);
        return 0;
}

int exec_request_parse(const char *json, size_t size, ExecRequest *ret, char **ret_error) {
        _cleanup_(exec_request_done) ExecRequest r = {};
        _cleanup_json_ cJSON *o = NULL;
        const cJSON *v;
        int k;

        o = cJSON_ParseWithLength(json, size);
        if (!cJSON_IsObject(o))
                return fail(ret_error, "exec request: not a JSON object");

        k = get_strv_checked(o, "argv", false, &r.argv);
        if (k == -ENOMEM)
                return k;
        if (k < 0)
                return fail(ret_error, "exec request: argv must be an array of strings within the limits");
        if (strv_length(r.argv) == 0 || isempty(r.argv[0]))
                return fail(ret_error, "No exec command specified");
        k = get_strv_checked(o, "env", true, &r.env);
        if (k == -ENOMEM)
                return k;
        if (k < 0)
                return fail(ret_error, "exec request: env must be an array of KEY=VALUE strings");

        v = cJSON_GetObjectItemCaseSensitive(o, "cwd");
        if (v && !cJSON_IsNull(v)) {
                const char *s = cJSON_GetStringValue(v);
                if (!s || s[0] != '/' || strlen(s) > RUNTIME_SPEC_MAX_PATH_LEN)
                        return fail(ret_error, "exec request: cwd must be an absolute path");
                r.cwd = strdup(s);
                if (!r.cwd)
                        return -ENOMEM;
        }
        v = cJSON_GetObjectItemCaseSensitive(o, "user");
        if (v && !cJSON_IsNull(v)) {
                const char *s = cJSON_GetStringValue(v);
                if (!s || strlen(s) > EXEC_USER_MAX)
                        return fail(ret_error, "exec request: user must be a string of at most 256 bytes");
                if (!isempty(s)) {
                        r.user = strdup(s);
                        if (!r.user)
                                return -ENOMEM;
                }
        }
        if (get_bool_checked(o, "tty", &r.tty) < 0 || get_bool_checked(o, "stdin", &r.interactive) < 0 ||
            get_bool_checked(o, "kill_on_close", &r.kill_on_close) < 0)
                return fail(ret_error, "exec request: tty, stdin and kill_on_close must be booleans");

        *ret = r;
        r = (ExecRequest){};
        return 0;
}

void exec_process_done(ExecProcess *p) {
        safe_close(p->master);
        safe_close(p->stdin_fd);
        safe_close(p->stdout_fd);
        safe_close(p->stderr_fd);
        safe_close(p->sync_fd);
        *p = (ExecProcess){
                .master = -EBADF,
                .stdin_fd = -EBADF,
                .stdout_fd = -EBADF,
                .stderr_fd = -EBADF,
                .sync_fd = -EBADF};
}

static int cmp_int(const void *a, const void *b) {
        return *(const int *)a - *(const int *)b;
}

/* Closes every fd ≥ 3 except those in keep. */
static void close_all_fds_except(int *keep, size_t n) {
        unsigned from = 3;

        qsort(keep, n, sizeof(int), cmp_int);
        for (size_t i = 0; i < n; i++) {
                if (keep[i] < (int)from)
                        continue;
                if ((unsigned)keep[i] > from)
                        (void)syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0);
                from = (unsigned)keep[i] + 1;
        }
        (void)syscall(SYS_close_range, from, ~0U, 0);
}

#define FAIL(code, ...)                                                                                     \
        do {                                                                                                \
                sync_send_error(sync_fd, 0, (code), __VA_ARGS__);                                           \
                _exit(code);                                                                                \
        } while (0)

/* The grandchild: inside all the container's namespaces. */
_noreturn_ static void exec_child(
        const Confinement *confinement,
        const ExecRequest *req,
        const sigset_t *mask,
        int sync_fd,
        const int stdio[3],
        int slave) {
        _cleanup_strv_free_ char **merged = NULL, **env = NULL;
        const RuntimeSpec *spec = confinement->spec;
        UserCreds creds = {};
        const char *cwd = req->cwd ?: spec->cwd;
        int r;

        (void)signal(SIGPIPE, SIG_DFL);
        if (setsid() < 0)
                FAIL(EXIT_NOT_EXECUTABLE, "setsid: %s", strerror(errno));
        if (slave >= 0) {
                r = pty_make_controlling(slave);
                if (r < 0)
                        FAIL(EXIT_NOT_EXECUTABLE, "terminal: %s", strerror(-r));
        } else {
                /* The runtime's own fds 0-2 are open, so the pipes are all above 2. */
                for (int i = 0; i < 3; i++)
                        if (dup2(stdio[i], i) < 0)
                                FAIL(EXIT_NOT_EXECUTABLE, "stdio: %s", strerror(errno));
                for (int i = 0; i < 3; i++)
                        safe_close(stdio[i]);
        }

        if (container_resolve_user(spec, req->user, sync_fd, &creds) < 0)
                _exit(EXIT_NOT_EXECUTABLE);
        merged = strv_copy(spec->env);
        if (spec->env && !merged)
                FAIL(EXIT_NOT_EXECUTABLE, "out of memory");
        STRV_FOREACH (e, req->env)
                if (strv_env_set(&merged, *e) < 0)
                        FAIL(EXIT_NOT_EXECUTABLE, "out of memory");
        if (container_env_build(merged, creds.home, &env) < 0)
                FAIL(EXIT_NOT_EXECUTABLE, "out of memory");
        if (slave >= 0 && fchown(STDIN_FILENO, creds.uid, (gid_t)-1) < 0)
                FAIL(EXIT_NOT_EXECUTABLE, "chown of the terminal: %s", strerror(errno));
        if (confinement_apply(confinement, &creds, sync_fd) < 0)
                _exit(EXIT_NOT_EXECUTABLE);
        if (chdir(cwd) < 0)
                FAIL(EXIT_NOT_EXECUTABLE,
                     "chdir to cwd (\"%s\") set in config.json failed: %s",
                     cwd,
                     strerror(errno));
        container_exec_command(req->argv, env, mask, sync_fd);
}

/* The helper's process, for its SIGTERM handler. */
static volatile pid_t helper_child = 0;

/* The process made itself a session (and process group) leader: its group goes too, so that a probe's
 * own children (sh -c "sleep 100; …") do not outlive it. Before its setsid() the group does not exist
 * yet; the process itself is killed either way. */
static void helper_on_sigterm(int sig) {
        int saved_errno = errno;

        if (helper_child > 0) {
                (void)kill(-helper_child, SIGKILL);
                (void)kill(helper_child, SIGKILL);
        }
        errno = saved_errno;
}

void exec_process_kill(const ExecProcess *p) {
        if (p->pid > 0)
                (void)kill(p->pid, SIGTERM);
}

/* The helper: joins the namespaces, forks the process and waits for it. */
_noreturn_ static void exec_helper(
        const Confinement *confinement,
        const ExecRequest *req,
        const sigset_t *mask,
        int pidfd,
        int sync_fd,
        const int stdio[3],
        int slave) {
        int keep[] = {pidfd, sync_fd, stdio[0], stdio[1], stdio[2], slave};
        /* With CLONE_NEWUSER the kernel enters the user namespace first, as the others need. */
        int flags = confinement->spec->namespace_flags &
                    (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
                     CLONE_NEWPID | CLONE_NEWCGROUP);
        _cleanup_free_ char *freezer_origin = NULL;
        int status, r;
        pid_t pid;

        /* The runtime is the monitor: without it, nobody would report the exit. */
        (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
        close_all_fds_except(keep, ELEMENTSOF(keep));

        /* Into the container's freezer cgroup, so that pause freezes this process too; while the
         * runtime's mounts are still ours to see it. The helper stays there: it only waits. */
        r = freezer_join_unit(&freezer_origin);
        if (r < 0)
                FAIL(EXIT_NOT_EXECUTABLE, "joining the container's freezer cgroup: %s", strerror(-r));

        if (flags != 0 && setns(pidfd, flags) < 0)
                FAIL(EXIT_NOT_EXECUTABLE, "joining the container's namespaces: %s", strerror(errno));
        safe_close(pidfd);

        pid = fork();
        if (pid < 0)
                FAIL(EXIT_NOT_EXECUTABLE, "fork: %s", strerror(errno));
        if (pid == 0)
                exec_child(confinement, req, mask, sync_fd, stdio, slave);

        /* exec_process_kill(): SIGTERM was blocked (the runtime's signalfd) since the fork, so one sent
         * early is pending and arrives here. */
        helper_child = pid;
        {
                struct sigaction sa = {.sa_handler = helper_on_sigterm};
                sigset_t term;

                sigemptyset(&term);
                sigaddset(&term, SIGTERM);
                if (sigaction(SIGTERM, &sa, NULL) < 0 || sigprocmask(SIG_UNBLOCK, &term, NULL) < 0)
                        (void)kill(pid, SIGKILL);
        }

        /* EOF on the sync channel must mean "the process runs": only the process keeps it open. */
        safe_close(sync_fd);
        safe_close(slave);
        for (int i = 0; i < 3; i++)
                safe_close(stdio[i]);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        _exit(EXIT_ENGINE_ERROR);
        _exit(exit_code_from_wait_status(status));
}

static int set_nonblock(int fd) {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;
        return 0;
}

int exec_process_spawn(
        const Confinement *confinement,
        pid_t init_pid,
        const ExecRequest *req,
        const sigset_t *mask,
        ExecProcess *ret) {
        _cleanup_(exec_process_done) ExecProcess p = {
                .master = -EBADF,
                .stdin_fd = -EBADF,
                .stdout_fd = -EBADF,
                .stderr_fd = -EBADF,
                .sync_fd = -EBADF};
        _cleanup_close_pair_ int in[2] = {-EBADF, -EBADF}, out[2] = {-EBADF, -EBADF},
                                 err[2] = {-EBADF, -EBADF}, sync_pair[2] = {-EBADF, -EBADF};
        _cleanup_close_ int pidfd = -EBADF, slave = -EBADF, null_fd = -EBADF;
        int stdio[3];
        pid_t pid;
        int r;

        pidfd = (int)syscall(SYS_pidfd_open, init_pid, 0);
        if (pidfd < 0)
                return -errno;
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync_pair) < 0)
                return -errno;

        if (req->tty) {
                r = pty_open_in_container(init_pid, &p.master, &slave);
                if (r < 0)
                        return r;
                r = userns_give_to_root(confinement->spec, slave);
                if (r < 0)
                        return r;
                stdio[0] = stdio[1] = stdio[2] = -EBADF;
        } else {
                if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
                        return -errno;
                if (req->interactive) {
                        if (pipe2(in, O_CLOEXEC) < 0)
                                return -errno;
                        stdio[0] = in[0];
                } else {
                        null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
                        if (null_fd < 0)
                                return -errno;
                        stdio[0] = null_fd;
                }
                stdio[1] = out[1];
                stdio[2] = err[1];
        }

        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0)
                exec_helper(confinement, req, mask, pidfd, sync_pair[1], stdio, slave);

        p.pid = pid;
        p.sync_fd = TAKE_FD(sync_pair[0]);
        if (req->tty) {
                p.stdin_fd = fcntl(p.master, F_DUPFD_CLOEXEC, 3);
                if (p.stdin_fd < 0)
                        return -errno;
        } else {
                p.stdout_fd = TAKE_FD(out[0]);
                p.stderr_fd = TAKE_FD(err[0]);
                if (req->interactive)
                        p.stdin_fd = TAKE_FD(in[1]);
        }
        int fds[] = {p.master, p.stdin_fd, p.stdout_fd, p.stderr_fd, p.sync_fd};
        for (size_t i = 0; i < ELEMENTSOF(fds); i++)
                if (fds[i] >= 0 && (r = set_nonblock(fds[i])) < 0)
                        return r;

        *ret = p;
        p = (ExecProcess){
                .master = -EBADF,
                .stdin_fd = -EBADF,
                .stdout_fd = -EBADF,
                .stderr_fd = -EBADF,
                .sync_fd = -EBADF};
        return 0;
}
