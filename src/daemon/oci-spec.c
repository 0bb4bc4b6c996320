/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "digest.h"
#include "json-util.h"
#include "oci-spec.h"
#include "strv.h"

int oci_spec_resolve_command(
        const ImageConfig *image,
        char *const *command,
        bool has_entrypoint,
        char *const *entrypoint,
        char ***ret) {
        _cleanup_strv_free_ char **args = NULL;
        char *const *ep = has_entrypoint ? entrypoint : image->entrypoint;
        char *const *cmd;

        if (!strv_length(command))
                cmd = has_entrypoint ? NULL : image->cmd;
        else
                cmd = command;

        STRV_FOREACH (s, (char **)ep)
                if (strv_extend(&args, *s) < 0)
                        return -ENOMEM;
        STRV_FOREACH (s, (char **)cmd)
                if (strv_extend(&args, *s) < 0)
                        return -ENOMEM;

        if (!args)
                return -EINVAL;

        *ret = TAKE_PTR(args);
        return 0;
}

int oci_spec_merge_env(const ImageConfig *image, char *const *env, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        STRV_FOREACH (s, image->env)
                if (strv_env_set(&l, *s) < 0)
                        return -ENOMEM;
        STRV_FOREACH (s, (char **)env)
                if (strv_env_set(&l, *s) < 0)
                        return -ENOMEM;

        *ret = TAKE_PTR(l);
        return 0;
}

int oci_spec_process_env(char *const *container_env, const char *hostname, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *h = NULL;

        if (asprintf(&h, "HOSTNAME=%s", hostname) < 0)
                return -ENOMEM;
        if (strv_extend(&l, OCI_DEFAULT_PATH) < 0 || strv_consume(&l, TAKE_PTR(h)) < 0)
                return -ENOMEM;
        STRV_FOREACH (s, (char **)container_env)
                if (strv_env_set(&l, *s) < 0)
                        return -ENOMEM;

        *ret = TAKE_PTR(l);
        return 0;
}

/* Docker's default masked and read-only paths (moby oci/defaults.go). */
static const char *const masked_paths[] = {
        "/proc/asound",
        "/proc/acpi",
        "/proc/kcore",
        "/proc/keys",
        "/proc/latency_stats",
        "/proc/timer_list",
        "/proc/timer_stats",
        "/proc/sched_debug",
        "/proc/scsi",
        "/sys/firmware",
        "/sys/devices/virtual/powercap",
        NULL,
};

static const char *const readonly_paths[] = {
        "/proc/bus",
        "/proc/fs",
        "/proc/irq",
        "/proc/sys",
        "/proc/sysrq-trigger",
        NULL,
};

static const char *const namespaces[] = {
        "pid",
        "mount",
        "uts",
        "ipc",
        "network",
        "cgroup",
        NULL,
};

static int add_mount(
        cJSON *mounts,
        const char *destination,
        const char *type,
        const char *source,
        const char *const *options) {
        cJSON *m, *o;

        m = cJSON_CreateObject();
        if (!m)
                return -ENOMEM;
        cJSON_AddItemToArray(mounts, m);
        if (!cJSON_AddStringToObject(m, "destination", destination) ||
            !cJSON_AddStringToObject(m, "type", type) || !cJSON_AddStringToObject(m, "source", source))
                return -ENOMEM;
        o = json_from_strv((char **)options);
        if (!o)
                return -ENOMEM;
        cJSON_AddItemToObject(m, "options", o);
        return 0;
}

/* overlayfs takes lowerdir with the top layer first; Image.layer_dirs is bottom first. */
static int build_overlay_options(const OciSpecParams *p, char **ret) {
        _cleanup_free_ char *s = NULL;
        size_t n = strv_length(p->layer_dirs);

        if (n == 0)
                return -EINVAL;

        s = strdup("lowerdir=");
        if (!s)
                return -ENOMEM;
        for (size_t i = n; i > 0; i--) {
                char *t;
                if (asprintf(&t, "%s%s%s", s, i == n ? "" : ":", p->layer_dirs[i - 1]) < 0)
                        return -ENOMEM;
                free(s);
                s = t;
        }
        *ret = TAKE_PTR(s);
        return 0;
}

/* A --tmpfs, -v or --mount at a default mount's destination replaces it, as in Docker. */
static bool replaced_by_tmpfs(const OciSpecParams *p, const char *destination) {
        for (size_t i = 0; i < p->security->n_tmpfs; i++)
                if (streq(p->security->tmpfs[i].destination, destination))
                        return true;
        for (size_t i = 0; i < p->n_mounts; i++)
                if (streq(p->mounts[i].destination, destination))
                        return true;
        return false;
}

/* Binds of host paths and volume directories, recursive as Docker's; a tmpfs of --mount type=tmpfs. */
static int add_user_mount(cJSON *mounts, const MountSpec *s) {
        char size[32], mode[24];
        const char *opts[7];
        size_t k = 0;

        if (s->type != MOUNT_TYPE_TMPFS) {
                opts[k++] = "rbind";
                opts[k++] = s->readonly ? "ro" : "rw";
                opts[k++] = isempty(s->propagation) ? "rprivate" : s->propagation;
                opts[k] = NULL;
                return add_mount(mounts, s->destination, "bind", s->host_path, opts);
        }
        opts[k++] = "nosuid";
        opts[k++] = "nodev";
        opts[k++] = "noexec";
        opts[k++] = s->readonly ? "ro" : "rw";
        if (s->tmpfs_size > 0) {
                snprintf(size, sizeof(size), "size=%" PRIu64, s->tmpfs_size);
                opts[k++] = size;
        }
        if (s->tmpfs_mode > 0) {
                snprintf(mode, sizeof(mode), "mode=%o", s->tmpfs_mode);
                opts[k++] = mode;
        }
        opts[k] = NULL;
        return add_mount(mounts, s->destination, "tmpfs", "tmpfs", opts);
}

static int add_mounts(cJSON *spec, const OciSpecParams *p) {
        _cleanup_free_ char *lower = NULL, *upper = NULL, *work = NULL, *hostname = NULL, *hosts = NULL,
                            *resolv = NULL, *shm_size = NULL;
        cJSON *mounts;
        int r;

        r = build_overlay_options(p, &lower);
        if (r < 0)
                return r;
        if (asprintf(&upper, "upperdir=%s/upper", p->bundle) < 0 ||
            asprintf(&work, "workdir=%s/work", p->bundle) < 0 ||
            asprintf(&hostname, "%s/hostname", p->bundle) < 0 ||
            asprintf(&hosts, "%s/hosts", p->bundle) < 0 ||
            asprintf(&resolv, "%s/resolv.conf", p->bundle) < 0 ||
            asprintf(
                    &shm_size,
                    "size=%" PRIu64,
                    p->host_config ? p->host_config->shm_size : (uint64_t)SHM_SIZE_DEFAULT) < 0)
                return -ENOMEM;

        mounts = cJSON_AddArrayToObject(spec, "mounts");
        if (!mounts)
                return -ENOMEM;

        const char *overlay_opts[] = {lower, upper, work, NULL};
        const char *proc_opts[] = {"nosuid", "noexec", "nodev", NULL};
        const char *dev_opts[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
        const char *pts_opts[] = {
                "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL};
        const char *shm_opts[] = {"nosuid", "noexec", "nodev", "mode=1777", shm_size, NULL};
        const char *mqueue_opts[] = {"nosuid", "noexec", "nodev", NULL};
        /* Docker's privileged containers get a writable /sys. */
        const char *sys_opts[] = {"nosuid", "noexec", "nodev", p->security->privileged ? NULL : "ro", NULL};
        const char *bind_opts[] = {"rbind", "rprivate", NULL};
        const struct {
                const char *destination, *type, *source;
                const char *const *options;
        } defaults[] = {
                {"/proc", "proc", "proc", proc_opts},
                {"/dev", "tmpfs", "tmpfs", dev_opts},
                {"/dev/pts", "devpts", "devpts", pts_opts},
                {"/dev/shm", "tmpfs", "shm", shm_opts},
                {"/dev/mqueue", "mqueue", "mqueue", mqueue_opts},
                {"/sys", "sysfs", "sysfs", sys_opts},
                {"/etc/hostname", "bind", hostname, bind_opts},
                {"/etc/hosts", "bind", hosts, bind_opts},
                {"/etc/resolv.conf", "bind", resolv, bind_opts},
        };

        if (add_mount(mounts, "/", "overlay", "overlay", overlay_opts) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(defaults); i++) {
                if (replaced_by_tmpfs(p, defaults[i].destination))
                        continue;
                r = add_mount(
                        mounts,
                        defaults[i].destination,
                        defaults[i].type,
                        defaults[i].source,
                        defaults[i].options);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < p->security->n_tmpfs; i++) {
                const TmpfsMount *t = &p->security->tmpfs[i];

                r = add_mount(mounts, t->destination, "tmpfs", "tmpfs", (const char *const *)t->options);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < p->n_mounts; i++) {
                r = add_user_mount(mounts, &p->mounts[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* process.capabilities: the set in bounding, effective, permitted and inheritable, none ambient. The runtime
 * gives a process that is not uid 0 no inheritable ones (capabilities.h in src/runtime). */
static int add_capabilities(cJSON *process, uint64_t capabilities) {
        static const char *const sets[] = {"bounding", "effective", "permitted", "inheritable"};
        cJSON *caps, *list;

        caps = cJSON_AddObjectToObject(process, "capabilities");
        if (!caps)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(sets); i++) {
                list = cJSON_AddArrayToObject(caps, sets[i]);
                if (!list)
                        return -ENOMEM;
                for (int cap = 0; cap < 64; cap++) {
                        char name[CAPABILITY_NAME_MAX];

                        if (!(capabilities & CAPABILITY_MASK(cap)) || capability_to_name(cap, name) < 0)
                                continue;
                        if (!cJSON_AddItemToArray(list, cJSON_CreateString(name)))
                                return -ENOMEM;
                }
        }
        return cJSON_AddArrayToObject(caps, "ambient") ? 0 : -ENOMEM;
}

static int add_process(cJSON *spec, const OciSpecParams *p) {
        cJSON *process, *user, *a;

        process = cJSON_AddObjectToObject(spec, "process");
        if (!process)
                return -ENOMEM;
        if (!cJSON_AddBoolToObject(process, "terminal", p->terminal) ||
            !cJSON_AddStringToObject(process, "cwd", p->cwd) ||
            !cJSON_AddBoolToObject(process, "noNewPrivileges", p->security->no_new_privileges))
                return -ENOMEM;
        if (add_capabilities(process, p->security->capabilities) < 0)
                return -ENOMEM;

        user = cJSON_AddObjectToObject(process, "user");
        if (!user || !cJSON_AddNumberToObject(user, "uid", 0) || !cJSON_AddNumberToObject(user, "gid", 0))
                return -ENOMEM;

        a = json_from_strv(p->args);
        if (!a)
                return -ENOMEM;
        cJSON_AddItemToObject(process, "args", a);
        a = json_from_strv(p->env);
        if (!a)
                return -ENOMEM;
        cJSON_AddItemToObject(process, "env", a);
        return 0;
}

static int add_linux(cJSON *spec, const ContainerSecurity *security) {
        cJSON *lnx, *ns, *a;

        lnx = cJSON_AddObjectToObject(spec, "linux");
        if (!lnx)
                return -ENOMEM;
        ns = cJSON_AddArrayToObject(lnx, "namespaces");
        if (!ns)
                return -ENOMEM;
        for (size_t i = 0; namespaces[i]; i++) {
                cJSON *n = cJSON_CreateObject();
                if (!n)
                        return -ENOMEM;
                cJSON_AddItemToArray(ns, n);
                if (!cJSON_AddStringToObject(n, "type", namespaces[i]))
                        return -ENOMEM;
        }

        if (security->seccomp) {
                a = cJSON_Duplicate(security->seccomp, true);
                if (!a)
                        return -ENOMEM;
                cJSON_AddItemToObject(lnx, "seccomp", a);
        }
        /* Docker's privileged containers see /proc and /sys unmasked and writable. */
        if (security->privileged)
                return 0;
        a = json_from_strv((char **)masked_paths);
        if (!a)
                return -ENOMEM;
        cJSON_AddItemToObject(lnx, "maskedPaths", a);
        a = json_from_strv((char **)readonly_paths);
        if (!a)
                return -ENOMEM;
        cJSON_AddItemToObject(lnx, "readonlyPaths", a);
        return 0;
}

/* The runtime keeps compiled filters by this name (seccomp-cache.h in src/runtime). */
static int add_seccomp_digest(cJSON *annotations, const cJSON *seccomp) {
        _cleanup_free_ char *text = NULL;
        char digest[DIGEST_STRING_LEN + 1];
        int r;

        if (!seccomp)
                return 0;
        text = cJSON_PrintUnformatted(seccomp);
        if (!text)
                return -ENOMEM;
        r = sha256_digest(text, strlen(text), digest);
        if (r < 0)
                return r;
        return cJSON_AddStringToObject(annotations, "org.berth.seccomp-digest", digest) ? 0 : -ENOMEM;
}

/* The network namespace entry: dropped for the host's network, or one to join by path. */
static int set_network_namespace(cJSON *spec, const OciSpecParams *p) {
        cJSON *ns = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(spec, "linux"), "namespaces");
        cJSON *e;

        cJSON_ArrayForEach (e, ns) {
                if (!streq_ptr(json_get_string(e, "type"), "network"))
                        continue;
                if (p->host_network)
                        cJSON_Delete(cJSON_DetachItemViaPointer(ns, e));
                else if (p->netns_path && !cJSON_AddStringToObject(e, "path", p->netns_path))
                        return -ENOMEM;
                return 0;
        }
        return 0;
}

int oci_spec_build(const OciSpecParams *p, cJSON **ret) {
        _cleanup_json_ cJSON *spec = NULL;
        cJSON *root, *annotations;
        int r;

        spec = cJSON_CreateObject();
        if (!spec)
                return -ENOMEM;
        if (!cJSON_AddStringToObject(spec, "ociVersion", "1.0.2") ||
            !cJSON_AddStringToObject(spec, "hostname", p->hostname))
                return -ENOMEM;

        r = add_process(spec, p);
        if (r < 0)
                return r;

        root = cJSON_AddObjectToObject(spec, "root");
        if (!root || !cJSON_AddStringToObject(root, "path", "rootfs") ||
            !cJSON_AddBoolToObject(root, "readonly", p->security->readonly_rootfs))
                return -ENOMEM;

        r = add_mounts(spec, p);
        if (r < 0)
                return r;
        r = add_linux(spec, p->security);
        if (r < 0)
                return r;
        r = set_network_namespace(spec, p);
        if (r < 0)
                return r;

        annotations = cJSON_AddObjectToObject(spec, "annotations");
        if (!annotations || !cJSON_AddStringToObject(annotations, "org.berth.name", p->name))
                return -ENOMEM;
        r = add_seccomp_digest(annotations, p->security->seccomp);
        if (r < 0)
                return r;
        if (!isempty(p->user) && !cJSON_AddStringToObject(annotations, "org.berth.user", p->user))
                return -ENOMEM;
        if (p->run_dir && !cJSON_AddStringToObject(annotations, "org.berth.run-dir", p->run_dir))
                return -ENOMEM;
        if (p->open_stdin && !cJSON_AddStringToObject(annotations, "org.berth.open-stdin", "true"))
                return -ENOMEM;
        if (p->host_config) {
                r = container_host_config_to_spec(p->host_config, spec);
                if (r < 0)
                        return r;
        }

        *ret = TAKE_PTR(spec);
        return 0;
}
