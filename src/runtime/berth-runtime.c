/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

#include "attach-server.h"
#include "cgroup-v1-limits.h"
#include "container-init.h"
#include "exit-status.h"
#include "fileio.h"
#include "freezer-cgroup.h"
#include "log.h"
#include "notify.h"
#include "oom-kill.h"
#include "pty.h"
#include "stdio-relay.h"
#include "sync-channel.h"
#include "time-util.h"
#include "userns.h"

#define READY_BARRIER_TIMEOUT_USEC (5ULL * 1000000ULL)

static void help(void) {
        printf("berth-runtime " PACKAGE_VERSION "\n\n"
               "Usage: berth-runtime run BUNDLE        start the container of BUNDLE/config.json\n"
               "       berth-runtime stop-post BUNDLE  write BUNDLE/exit.json (from ExecStopPost=)\n");
}

/* Is fd the stream systemd connected to the journal ($JOURNAL_STREAM = "dev:inode")? */
static bool fd_is_journal_stream(int fd) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
                return false;
        if (fstat(fd, &st) < 0)
                return false;
        return st.st_dev == dev && st.st_ino == ino;
}

static int write_pid_file(int bundle_fd, pid_t pid) {
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%i\n", (int)pid);
        return write_file_atomic_at(bundle_fd, "pid", buf, (size_t)n, 0644);
}

/* Did systemd leave our stdin at /dev/null (StandardInput=null), i.e. nobody handed us one? */
static bool stdin_is_null(void) {
        struct stat st;

        if (fstat(STDIN_FILENO, &st) < 0)
                return true;
        return S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

static int set_nonblock(int fd) {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;
        return 0;
}

static int make_signal_fd(sigset_t *ret_original) {
        sigset_t mask;
        int fd;

        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        for (size_t i = 0; i < relay_n_forwarded_signals; i++)
                sigaddset(&mask, relay_forwarded_signals[i]);
        if (sigprocmask(SIG_BLOCK, &mask, ret_original) < 0)
                return -errno;
        fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

static int verb_run(const char *bundle_arg) {
        _cleanup_(runtime_spec_freep) RuntimeSpec *spec = NULL;
        _cleanup_(mount_plan_done) MountPlan plan = {};
        _cleanup_(confinement_done) Confinement confinement = {};
        _cleanup_free_ char *bundle = NULL, *error = NULL, *freezer_origin = NULL;
        _cleanup_close_ int bundle_fd = -EBADF, signal_fd = -EBADF;
        _cleanup_close_pair_ int out_pipe[2] = {-EBADF, -EBADF}, err_pipe[2] = {-EBADF, -EBADF},
                                 sync_pair[2] = {-EBADF, -EBADF}, in_pipe[2] = {-EBADF, -EBADF};
        _cleanup_close_ int master = -EBADF;
        _cleanup_(attach_server_freep) AttachServer *attach = NULL;
        StdioRelay relay = {.journal_fd = -EBADF};
        ContainerInit init = {};
        SyncMessage msg;
        bool exec_ok = false;
        int r, wait_status;
        pid_t pid;

        relay.journal_mode = fd_is_journal_stream(STDOUT_FILENO);
        log_set_prefix_priority(fd_is_journal_stream(STDERR_FILENO));

        bundle = realpath(bundle_arg, NULL);
        if (!bundle)
                return log_error_errno(errno, "Bundle %s: %m", bundle_arg), EXIT_ENGINE_ERROR;
        bundle_fd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (bundle_fd < 0)
                return log_error_errno(errno, "Bundle %s: %m", bundle), EXIT_ENGINE_ERROR;

        r = runtime_spec_load_at(bundle_fd, &spec, &error);
        if (r < 0) {
                log_error("%s/config.json: %s", bundle, error ?: strerror(-r));
                return EXIT_ENGINE_ERROR;
        }
        r = mount_plan_build(spec, &plan);
        if (r < 0)
                return log_error_errno(r, "Failed to plan the mounts: %m"), EXIT_ENGINE_ERROR;
        r = confinement_prepare(spec, &confinement, &error);
        if (r < 0) {
                log_error("%s: %s", bundle, error ?: strerror(-r));
                return EXIT_ENGINE_ERROR;
        }
        /* The monitor lives as long as the container: of the profile it keeps only the program. */
        spec->seccomp = seccomp_profile_free(spec->seccomp);
        free(spec->seccomp_text);
        spec->seccomp_text = NULL;

        /* A vanished reader of our stdout must not kill the monitor. */
        (void)signal(SIGPIPE, SIG_IGN);
        signal_fd = make_signal_fd(&init.original_mask);
        if (signal_fd < 0)
                return log_error_errno(signal_fd, "Failed to set up signals: %m"), EXIT_ENGINE_ERROR;
        if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0 ||
            socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync_pair) < 0)
                return log_error_errno(errno, "Failed to create pipes: %m"), EXIT_ENGINE_ERROR;
        /* An open stdin nobody handed us: attach clients feed it through a pipe. */
        if (spec->open_stdin && !spec->terminal && spec->run_dir_annotation && stdin_is_null() &&
            pipe2(in_pipe, O_CLOEXEC) < 0)
                return log_error_errno(errno, "Failed to create pipes: %m"), EXIT_ENGINE_ERROR;
        if (spec->run_dir_annotation) {
                r = attach_server_new(&confinement, spec->run_dir_annotation, &init.original_mask, &attach);
                if (r < 0)
                        return log_error_errno(
                                       r,
                                       "Failed to listen on %s/attach.sock: %m",
                                       spec->run_dir_annotation),
                               EXIT_ENGINE_ERROR;
        }

        /* A network namespace berth-network made: the monitor joins it, so the container starts in it (and
         * exec sessions, forked by the monitor, too). */
        if (spec->netns_path) {
                _cleanup_close_ int netns_fd = open(spec->netns_path, O_RDONLY | O_CLOEXEC);

                if (netns_fd < 0 || setns(netns_fd, CLONE_NEWNET) < 0)
                        return log_error_errno(errno, "Failed to join %s: %m", spec->netns_path),
                               EXIT_ENGINE_ERROR;
        }

        /* Before the clone: the container and the exec sessions inherit the monitor's cpuset. */
        r = cgroup_v1_limits_apply(&spec->resources, &error);
        if (r < 0) {
                log_error("%s", error);
                return EXIT_ENGINE_ERROR;
        }

        /* The container (not this monitor) goes into a v1 freezer cgroup, for pause/unpause. */
        r = freezer_join_unit(&freezer_origin);
        if (r < 0)
                log_warning_errno(r, "Failed to join the freezer cgroup, pause will not work: %m");

        /* Fork-like clone: the child gets copies of everything and new namespaces. */
        pid = (pid_t)syscall(
                SYS_clone, (unsigned long)spec->namespace_flags | SIGCHLD, NULL, NULL, NULL, NULL);
        if (pid < 0)
                return log_error_errno(errno, "clone() failed: %m"), EXIT_ENGINE_ERROR;
        if (pid == 0) {
                sync_pair[0] = safe_close(sync_pair[0]);
                init = (ContainerInit){
                        .spec = spec,
                        .confinement = &confinement,
                        .plan = &plan,
                        .bundle = bundle,
                        .sync_fd = sync_pair[1],
                        .stdin_fd = in_pipe[0] >= 0 ? in_pipe[0] : -1,
                        .stdout_fd = out_pipe[1],
                        .stderr_fd = err_pipe[1],
                        .original_mask = init.original_mask,
                };
                container_init_run(&init);
        }

        if (freezer_origin) {
                r = freezer_move_to(freezer_origin);
                if (r < 0)
                        log_warning_errno(r, "Failed to leave the freezer cgroup: %m");
        }
        sync_pair[1] = safe_close(sync_pair[1]);
        if (spec->namespace_flags & CLONE_NEWUSER) {
                r = userns_setup_child(spec, &plan, pid, sync_pair[0], &error);
                if (r < 0) {
                        log_error("User namespace: %s", error ?: strerror(-r));
                        (void)kill(pid, SIGKILL);
                        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                                ;
                        return EXIT_ENGINE_ERROR;
                }
        }
        out_pipe[1] = safe_close(out_pipe[1]);
        err_pipe[1] = safe_close(err_pipe[1]);
        in_pipe[0] = safe_close(in_pipe[0]);

        r = 0;
        exec_ok = true;
        if (spec->terminal) {
                bool failed = false;
                /* The init opens its terminal inside the container and sends us the master first. */
                r = pty_receive_master(sync_pair[0], &master, &failed, &msg);
                exec_ok = !failed;
        }
        if (r >= 0 && exec_ok)
                r = sync_receive(sync_pair[0], &exec_ok, &msg);
        if (r < 0 || !exec_ok) {
                if (r < 0)
                        log_error_errno(r, "Lost the container's setup channel: %m");
                else
                        log_error("%s", msg.text);
                (void)kill(pid, SIGKILL);
                while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                        ;
                return r < 0 ? EXIT_ENGINE_ERROR : msg.exit_code;
        }

        r = write_pid_file(bundle_fd, pid);
        if (r < 0)
                log_warning_errno(r, "Failed to write %s/pid: %m", bundle);
        r = notify_send("READY=1");
        if (r < 0)
                log_warning_errno(r, "Failed to notify systemd: %m");

        if (!relay.journal_mode) {
                relay.journal_fd = journal_stream_open(spec->name_annotation ?: "berth", LOG_INFO, true);
                if (relay.journal_fd < 0)
                        log_debug_errno(
                                relay.journal_fd, "No journal stream, output goes to the caller only: %m");
        }

        if (master >= 0) {
                /* The terminal is the container's stdout; its stderr pipe is closed already. */
                if (set_nonblock(master) < 0)
                        log_warning_errno(errno, "Failed to make the terminal non-blocking: %m");
                safe_close(out_pipe[0]);
                out_pipe[0] = fcntl(master, F_DUPFD_CLOEXEC, 3);
                if (out_pipe[0] < 0) {
                        log_error_errno(errno, "Failed to duplicate the terminal: %m");
                        (void)kill(pid, SIGKILL);
                        return EXIT_ENGINE_ERROR;
                }
        }
        if (in_pipe[1] >= 0 && set_nonblock(in_pipe[1]) < 0)
                log_warning_errno(errno, "Failed to make the stdin pipe non-blocking: %m");
        if (attach)
                attach_server_set_init(attach, pid, TAKE_FD(master), TAKE_FD(in_pipe[1]));

        relay.signal_fd = signal_fd;
        relay.child = pid;
        relay.attach = attach;
        relay.out_fd = TAKE_FD(out_pipe[0]);
        relay.err_fd = TAKE_FD(err_pipe[0]);
        /* The setup's garbage goes back to the kernel: the monitor lives as long as the container. */
        (void)malloc_trim(0);
        r = stdio_relay_run(&relay, &wait_status);
        safe_close(relay.out_fd);
        safe_close(relay.err_fd);
        safe_close(relay.journal_fd);
        if (r < 0) {
                (void)kill(pid, SIGKILL);
                return EXIT_ENGINE_ERROR;
        }

        /* Make sure systemd saw READY=1 before it sees us exit, or it may count the start as failed. */
        if (notify_barrier(READY_BARRIER_TIMEOUT_USEC) < 0)
                log_debug("The notify barrier failed, exiting anyway.");

        if (attach)
                attach_server_finish(attach, exit_code_from_wait_status(wait_status));
        return exit_code_from_wait_status(wait_status);
}

static int verb_stop_post(const char *bundle) {
        _cleanup_free_ char *json = NULL;
        _cleanup_close_ int bundle_fd = -EBADF;
        const char *result = getenv("SERVICE_RESULT");
        int code, r;

        r = freezer_remove_unit();
        if (r < 0)
                log_debug_errno(r, "Failed to remove the freezer cgroup: %m");
        r = cgroup_v1_limits_remove();
        if (r < 0)
                log_debug_errno(r, "Failed to remove the cpuset cgroup: %m");

        code = exit_code_from_service_env(getenv("EXIT_CODE"), getenv("EXIT_STATUS"));
        if (code < 0) {
                log_warning(
                        "No usable $EXIT_CODE/$EXIT_STATUS (%s/%s), recording exit code %d.",
                        getenv("EXIT_CODE") ?: "unset",
                        getenv("EXIT_STATUS") ?: "unset",
                        EXIT_ENGINE_ERROR);
                code = EXIT_ENGINE_ERROR;
        }

        r = exit_json_format(code, result, now_realtime_usec(), unit_oom_killed(result), &json);
        if (r < 0)
                return log_oom(), 1;

        bundle_fd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (bundle_fd < 0 && errno == ENOENT) {
                /* The container was removed already ("run --rm"): nobody is left to read exit.json. */
                log_info("Bundle %s is gone, not recording exit code %d.", bundle, code);
                return 0;
        }
        if (bundle_fd < 0)
                return log_error_errno(errno, "Bundle %s: %m", bundle), 1;
        r = write_file_atomic_at(bundle_fd, "exit.json", json, strlen(json), 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s/exit.json: %m", bundle), 1;
        return 0;
}

int main(int argc, char *argv[]) {
        if (argc == 2 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
                help();
                return 0;
        }
        if (argc == 2 && streq(argv[1], "--version")) {
                printf("berth-runtime " PACKAGE_VERSION "\n");
                return 0;
        }
        if (argc == 3 && streq(argv[1], "run"))
                return verb_run(argv[2]);
        if (argc == 3 && streq(argv[1], "stop-post"))
                return verb_stop_post(argv[2]);

        help();
        return EXIT_ENGINE_ERROR;
}
