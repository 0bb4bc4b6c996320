/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* escape-probe: one subcommand per thing a confined container must not be able to do. Each exits 0 when
 * the operation went through and otherwise prints the errno name (or what it found instead) and exits 1;
 * usage errors exit 2. tests/integration/25-confinement.bats runs it inside containers, built static so
 * that it runs in any image.
 *
 * Probes that could act on the host when run outside a container (reboot, kexec-load, init-module,
 * swapon) pass arguments the kernel refuses after its permission checks (EINVAL, ENOEXEC, …), and all of
 * them refuse to run at all in the host's pid namespace. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

/* PROC_PID_INIT_INO: the inode of the initial pid namespace. */
#define INIT_PID_NS "pid:[4026531836]"

static int denied(int error) {
        printf("%s\n", strerrorname_np(error) ?: "unknown error");
        return 1;
}

static int result(long r) {
        return r < 0 ? denied(errno) : 0;
}

static bool in_init_pid_ns(void) {
        char link[64] = {};
        return readlink("/proc/self/ns/pid", link, sizeof(link) - 1) < 0 || strcmp(link, INIT_PID_NS) == 0;
}

static int probe_mount(void) {
        if (mkdir("/tmp/probe-mnt", 0755) < 0 && errno != EEXIST)
                return denied(errno);
        return result(mount("tmpfs", "/tmp/probe-mnt", "tmpfs", 0, "size=16k"));
}

static int probe_clone_newuser(void) {
        int status;
        long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);

        if (pid < 0)
                return denied(errno);
        if (pid == 0)
                _exit(0);
        return result(waitpid((pid_t)pid, &status, 0));
}

static int probe_bpf(void) {
        union bpf_attr attr = {
                .map_type = BPF_MAP_TYPE_ARRAY,
                .key_size = 4,
                .value_size = 4,
                .max_entries = 1,
        };
        return result(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)));
}

static int probe_swapon(void) {
        int fd = open("/tmp/probe-swap", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

        if (fd < 0)
                return denied(errno);
        close(fd);
        /* An empty file is no swap space: EINVAL once the caller may swapon. */
        return result(swapon("/tmp/probe-swap", 0));
}

static int probe_init_module(void) {
        static const char not_a_module[64] = "not an ELF module";
        return result(syscall(SYS_init_module, not_a_module, sizeof(not_a_module), ""));
}

static int probe_kexec_load(void) {
        /* Flags the kernel does not know: EINVAL once the caller may kexec. */
        return result(syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0xdead0000UL));
}

static int probe_reboot(void) {
        /* In a pid namespace other than the host's, the kernel answers every command but restart and halt
         * with EINVAL once the caller may reboot. */
        return result(syscall(
                SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, NULL));
}

/* Reads a file: success when it has something to say (a masked file reads empty). */
static int probe_read(const char *path) {
        char buf[4096];
        ssize_t n;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                return denied(errno);
        n = read(fd, buf, sizeof(buf));
        close(fd);
        if (n < 0)
                return denied(errno);
        if (n == 0) {
                printf("EMPTY\n");
                return 1;
        }
        return 0;
}

/* Lists a directory: success when it has entries (a masked directory is an empty tmpfs). */
static int probe_list(const char *path) {
        struct dirent *e;
        DIR *d = opendir(path);
        int n = 0;

        if (!d)
                return denied(errno);
        while ((e = readdir(d)))
                if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                        n++;
        closedir(d);
        if (n == 0) {
                printf("EMPTY\n");
                return 1;
        }
        return 0;
}

/* Opens a file for writing without writing: /proc/sysrq-trigger would act on the host. */
static int probe_open_write(const char *path) {
        int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                return denied(errno);
        close(fd);
        return 0;
}

/* Writes a file's own content back to it: a sysctl keeps its value. */
static int probe_rewrite(const char *path) {
        char buf[4096];
        ssize_t n;
        int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                return denied(errno);
        n = read(fd, buf, sizeof(buf));
        if (n < 0 || lseek(fd, 0, SEEK_SET) < 0 || write(fd, buf, (size_t)n) != n) {
                int error = errno;
                close(fd);
                return denied(error);
        }
        close(fd);
        return 0;
}

/* mknod of a block device and a read from it. */
static int probe_mknod_block(const char *major, const char *minor) {
        char c;
        int fd;

        (void)unlink("/tmp/probe-blk");
        if (mknod("/tmp/probe-blk", S_IFBLK | 0600, makedev(atoi(major), atoi(minor))) < 0)
                return denied(errno);
        fd = open("/tmp/probe-blk", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return denied(errno);
        if (read(fd, &c, 1) != 1) {
                int error = errno;
                close(fd);
                return denied(error);
        }
        close(fd);
        return 0;
}

static int probe_ptrace(const char *pid_arg) {
        pid_t pid = (pid_t)atoi(pid_arg);
        int status;

        if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
                return denied(errno);
        (void)waitpid(pid, &status, 0);
        (void)ptrace(PTRACE_DETACH, pid, NULL, NULL);
        return 0;
}

static bool same_file(const struct stat *a, const struct stat *b) {
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The ways out of a chroot that work without a mount namespace's pivot_root: a chroot with the working
 * directory left outside and ".." walked up, and the roots of other processes in /proc/PID/root. Success
 * when any of them leads to a root other than the container's. */
static int probe_chroot_escape(void) {
        struct stat root, st;
        struct dirent *e;
        DIR *proc;
        bool escaped = false;

        if (stat("/", &root) < 0)
                return denied(errno);
        proc = opendir("/proc");
        if (!proc)
                return denied(errno);
        while ((e = readdir(proc)))
                if (e->d_name[0] >= '1' && e->d_name[0] <= '9') {
                        char path[300];
                        snprintf(path, sizeof(path), "/proc/%s/root/", e->d_name);
                        if (stat(path, &st) == 0 && !same_file(&st, &root))
                                escaped = true;
                }
        closedir(proc);

        if (mkdir("/tmp/probe-chroot", 0755) < 0 && errno != EEXIST)
                return denied(errno);
        if (chdir("/") < 0 || chroot("/tmp/probe-chroot") < 0)
                return denied(errno);
        for (int i = 0; i < 64; i++)
                if (chdir("..") < 0)
                        return denied(errno);
        if (chroot(".") < 0 || stat("/", &st) < 0)
                return denied(errno);
        if (!same_file(&st, &root))
                escaped = true;

        if (!escaped) {
                printf("CONTAINED\n");
                return 1;
        }
        return 0;
}

/* Whether this process runs with privileges: uid 0 as its effective uid or any effective capability. */
static int probe_privileges(void) {
        char line[256];
        unsigned long long eff = 0;
        FILE *f = fopen("/proc/self/status", "re");

        if (!f)
                return denied(errno);
        while (fgets(line, sizeof(line), f))
                (void)sscanf(line, "CapEff: %llx", &eff);
        fclose(f);
        printf("euid=%u cap_eff=%016llx\n", (unsigned)geteuid(), eff);
        return geteuid() == 0 || eff != 0 ? 0 : 1;
}

static int usage(void) {
        fprintf(stderr,
                "usage: escape-probe mount | umount PATH | unshare-user | unshare-mount | clone-newuser | "
                "keyctl |\n"
                "                    add-key | reboot | swapon | init-module | kexec-load | bpf | read FILE "
                "|\n"
                "                    list DIR | open-write FILE | rewrite FILE | mknod-block MAJOR MINOR |\n"
                "                    ptrace PID | chroot-escape | privileges\n");
        return 2;
}

int main(int argc, char *argv[]) {
        const char *cmd = argc > 1 ? argv[1] : "";
        const char *arg = argc > 2 ? argv[2] : NULL;

        if (in_init_pid_ns()) {
                fprintf(stderr, "escape-probe: refusing to run outside a container's pid namespace\n");
                return 2;
        }
        if (strcmp(cmd, "mount") == 0)
                return probe_mount();
        if (strcmp(cmd, "umount") == 0 && arg)
                return result(umount2(arg, MNT_DETACH));
        if (strcmp(cmd, "unshare-user") == 0)
                return result(unshare(CLONE_NEWUSER));
        if (strcmp(cmd, "unshare-mount") == 0)
                return result(unshare(CLONE_NEWNS));
        if (strcmp(cmd, "clone-newuser") == 0)
                return probe_clone_newuser();
        if (strcmp(cmd, "keyctl") == 0)
                return result(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
        if (strcmp(cmd, "add-key") == 0)
                return result(
                        syscall(SYS_add_key, "user", "escape-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING));
        if (strcmp(cmd, "reboot") == 0)
                return probe_reboot();
        if (strcmp(cmd, "swapon") == 0)
                return probe_swapon();
        if (strcmp(cmd, "init-module") == 0)
                return probe_init_module();
        if (strcmp(cmd, "kexec-load") == 0)
                return probe_kexec_load();
        if (strcmp(cmd, "bpf") == 0)
                return probe_bpf();
        if (strcmp(cmd, "read") == 0 && arg)
                return probe_read(arg);
        if (strcmp(cmd, "list") == 0 && arg)
                return probe_list(arg);
        if (strcmp(cmd, "open-write") == 0 && arg)
                return probe_open_write(arg);
        if (strcmp(cmd, "rewrite") == 0 && arg)
                return probe_rewrite(arg);
        if (strcmp(cmd, "mknod-block") == 0 && argc > 3)
                return probe_mknod_block(argv[2], argv[3]);
        if (strcmp(cmd, "ptrace") == 0 && arg)
                return probe_ptrace(arg);
        if (strcmp(cmd, "chroot-escape") == 0)
                return probe_chroot_escape();
        if (strcmp(cmd, "privileges") == 0)
                return probe_privileges();
        return usage();
}
