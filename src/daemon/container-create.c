/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>

#include "bundle.h"
#include "bus-errors.h"
#include "container-cgroup-v1.h"
#include "container-create.h"
#include "container-name.h"
#include "container-network.h"
#include "container-restart.h"
#include "container-state-file.h"
#include "fileio.h"
#include "json-util.h"
#include "log.h"
#include "manager.h"
#include "oci-spec.h"
#include "reference.h"
#include "strv.h"
#include "time-util.h"
#include "volume-mounts.h"

#define AUTO_NAME_ATTEMPTS 16U

void container_create_options_done(ContainerCreateOptions *o) {
        free(o->name);
        strv_free(o->env);
        free(o->working_dir);
        strv_free(o->entrypoint);
        free(o->hostname);
        free(o->user);
        free(o->restart_policy);
        health_options_done(&o->health);
        container_security_options_done(&o->security);
        container_resources_options_done(&o->resources);
        container_host_options_done(&o->host);
        container_userns_options_done(&o->userns);
        container_mount_options_done(&o->mounts);
        container_network_options_done(&o->network);
}

static Container *creating_by_name(Manager *m, const char *name) {
        for (Container *c = m->creating; c; c = c->next)
                if (streq(c->name, name))
                        return c;
        return NULL;
}

Container *container_create_name_taken(Manager *m, const char *name) {
        return manager_get_container_by_name(m, name) ?: creating_by_name(m, name);
}

static int pick_name(Manager *m, char **ret) {
        for (unsigned attempt = 0; attempt < AUTO_NAME_ATTEMPTS; attempt++) {
                _cleanup_free_ char *name = NULL;
                uint64_t seed;
                int r;

                if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
                        return -EIO;
                /* Like Docker: a few plain attempts, then with a number appended. */
                r = container_name_generate(seed, attempt < AUTO_NAME_ATTEMPTS / 2 ? 0 : attempt, &name);
                if (r < 0)
                        return r;
                if (!container_create_name_taken(m, name)) {
                        *ret = TAKE_PTR(name);
                        return 0;
                }
        }
        return -EBUSY;
}

/* "SIGTERM", "TERM" or "15", as Docker's STOPSIGNAL accepts. */
static int parse_signal(const char *s) {
        char *end;
        long v;

        if (isempty(s))
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno == 0 && *end == 0)
                return v > 0 && v < _NSIG ? (int)v : -EINVAL;
        if (strncmp(s, "SIG", 3) == 0)
                s += 3;
        for (int i = 1; i < SIGRTMIN; i++) {
                const char *n = sigabbrev_np(i);
                if (n && streq(n, s))
                        return i;
        }
        return -EINVAL;
}

static int image_not_found_error(const char *image, sd_bus_error *error) {
        _cleanup_free_ char *normalized = NULL, *familiar = NULL;

        if (reference_normalize(image, &normalized) >= 0 && reference_familiar(normalized, &familiar) >= 0)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_NO_SUCH_IMAGE, "Unable to find image '%s' locally", familiar);
        return sd_bus_error_setf(
                error, BERTH_ERROR_NO_SUCH_IMAGE, "Unable to find image '%s' locally", image);
}

int container_create(
        Manager *m,
        const char *image,
        char **command,
        const ContainerCreateOptions *o,
        Container **ret,
        sd_bus_error *error) {
        _cleanup_(container_freep) Container *c = NULL;
        _cleanup_(image_freep) Image *img = NULL;
        _cleanup_strv_free_ char **args = NULL, **env = NULL, **process_env = NULL;
        _cleanup_free_ char *id = NULL, *name = NULL;
        _cleanup_json_ cJSON *spec = NULL;
        _cleanup_(container_health_freep) ContainerHealth *health = NULL;
        _cleanup_free_ char *health_message = NULL, *security_error = NULL;
        _cleanup_(container_security_done) ContainerSecurity security = {};
        _cleanup_(container_resources_done) ContainerResources resources = {};
        _cleanup_strv_free_ char **resource_warnings = NULL;
        _cleanup_free_ char *resources_error = NULL;
        ResourceHost resource_host;
        _cleanup_(network_config_done) NetworkConfig network = {};
        _cleanup_free_ char *network_error = NULL, *netns = NULL;
        _cleanup_(container_host_config_done) ContainerHostConfig host_config = {};
        _cleanup_free_ char *host_config_error = NULL, *userns_error = NULL;
        ContainerUserns userns;
        MountSpec *mounts = NULL;
        size_t n_mounts = 0;
        SeccompHost host;
        const char *cwd, *user;
        RestartPolicy policy;
        Container *other;
        int r;

        if (o->name) {
                const char *n = o->name[0] == '/' ? o->name + 1 : o->name;
                if (!container_name_is_valid(n))
                        return sd_bus_error_setf(
                                error,
                                BERTH_ERROR_INVALID_ARGUMENT,
                                "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                                o->name);
                other = container_create_name_taken(m, n);
                if (other)
                        return sd_bus_error_setf(
                                error,
                                BERTH_ERROR_NAME_IN_USE,
                                "Conflict. The container name \"/%s\" is already in use by container "
                                "\"%s\". You have to remove (or rename) that container to be able to "
                                "reuse that name.",
                                n,
                                other->id);
                name = strdup(n);
                if (!name)
                        return -ENOMEM;
        }
        r = container_restart_policy_validate(o, &policy, error);
        if (r < 0)
                return r;
        if (o->hostname &&
            (strlen(o->hostname) > 63 || strchr(o->hostname, '/') || strchr(o->hostname, '\n')))
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Invalid hostname: %s", o->hostname);
        STRV_FOREACH (e, o->env)
                if (!strchr(*e, '=') || **e == '=')
                        return sd_bus_error_setf(
                                error, BERTH_ERROR_INVALID_ARGUMENT, "Invalid environment variable: %s", *e);
        r = seccomp_host_native(&host);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to identify the kernel: %m");
        r = container_security_resolve(
                &o->security, capabilities_available(), &host, &security, &security_error);
        if (r == -EINVAL)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, security_error);
        if (r < 0)
                return r;
        r = container_host_config_resolve(
                &o->host, o->security.privileged, &host_config, &host_config_error);
        if (host_config_error)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, host_config_error);
        if (r < 0)
                return r;

        r = container_userns_pick(m, &o->userns, &userns, &userns_error);
        if (userns_error)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, userns_error);
        if (r < 0)
                return r;
        /* Docker's rule with user namespaces; a user namespace could not make --privileged's device nodes.
         */
        if (userns.size > 0 && o->security.privileged)
                return sd_bus_error_set(
                        error,
                        BERTH_ERROR_INVALID_ARGUMENT,
                        "privileged mode is incompatible with user namespaces. You must run the container "
                        "in the host namespace when running privileged mode");

        r = resource_host_get(&resource_host);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to read the host's CPUs: %m");
        r = container_resources_resolve(
                NULL, &o->resources, &resource_host, &resources, &resource_warnings, &resources_error);
        if (r == -EINVAL)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, resources_error);
        if (r < 0)
                return r;

        r = image_store_get(m->image_store, image, &img);
        if (r == -ENOENT)
                return image_not_found_error(image, error);
        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_AMBIGUOUS, "Image reference '%s' is ambiguous", image);
        if (r == -EINVAL)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "invalid reference format: %s", image);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to look up image %s: %m", image);

        r = health_config_resolve(&o->health, &img->config.healthcheck, &health, &health_message);
        if (r == -EINVAL)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, health_message);
        if (r < 0)
                return r;
        if (r > 0)
                log_warning("Image %s: %s; the container gets no health check.", img->id, health_message);

        r = oci_spec_resolve_command(&img->config, command, o->has_entrypoint, o->entrypoint, &args);
        if (r == -EINVAL)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, "No command specified");
        if (r < 0)
                return r;

        cwd = o->working_dir ?: (isempty(img->config.working_dir) ? "/" : img->config.working_dir);
        if (cwd[0] != '/')
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_INVALID_ARGUMENT,
                        "the working directory '%s' is invalid, it needs to be an absolute path",
                        cwd);
        user = o->user ?: img->config.user;

        r = oci_spec_merge_env(&img->config, o->env, &env);
        if (r < 0)
                return r;

        if (!name) {
                r = pick_name(m, &name);
                if (r < 0)
                        return sd_bus_error_set_errnof(error, r, "Failed to pick a container name: %m");
        }
        r = container_id_generate(&id);
        if (r < 0)
                return r;
        {
                char short_id[CONTAINER_SHORT_ID_LEN + 1];

                snprintf(short_id, sizeof(short_id), "%.*s", (int)CONTAINER_SHORT_ID_LEN, id);
                r = container_network_resolve(
                        m->state_dir,
                        &o->network,
                        img->config.exposed_ports,
                        name,
                        o->hostname ?: short_id,
                        &network,
                        &network_error);
                if (r == -EINVAL || r == -E2BIG || r == -ENOENT)
                        return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, network_error);
                if (r < 0)
                        return r;
                if (network.mode == NETWORK_MODE_BRIDGE &&
                    asprintf(&netns, BERTH_RUN_DIR "/netns/%s", id) < 0)
                        return -ENOMEM;
        }
        r = container_host_config_check_host_network(
                &host_config, network.mode == NETWORK_MODE_HOST, &host_config_error);
        if (r < 0)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, host_config_error);

        /* The last check, as it creates volumes: they are removed again if the rest fails. */
        r = container_mounts_resolve(m, &o->mounts, img, &mounts, &n_mounts, error);
        if (r < 0)
                return r;
        r = container_new(m->state_dir, id, name, &c);
        if (r < 0) {
                container_mounts_discard(m, mounts, n_mounts);
                mount_specs_free(mounts, n_mounts);
                return r;
        }
        c->mounts = TAKE_PTR(mounts);
        c->n_mounts = n_mounts;
        c->image = strdup(image);
        c->image_id = strdup(img->id);
        c->working_dir = strdup(cwd);
        c->user = strdup(user ?: "");
        c->hostname = o->hostname ? strdup(o->hostname) : strndup(id, CONTAINER_SHORT_ID_LEN);
        if (!c->image || !c->image_id || !c->working_dir || !c->user || !c->hostname)
                return -ENOMEM;
        c->command = TAKE_PTR(args);
        c->env = TAKE_PTR(env);
        c->network_mode = network.mode;
        if (network.network && !(c->network_name = strdup(network.network)))
                return -ENOMEM;
        c->auto_remove = o->auto_remove;
        c->tty = o->tty;
        c->open_stdin = o->open_stdin;
        c->restart_policy = policy;
        c->resources = resources;
        resources = (ContainerResources){};
        c->resource_warnings = TAKE_PTR(resource_warnings);
        c->health = TAKE_PTR(health);
        c->state = CONTAINER_CREATED;
        c->created_at = now_realtime_usec();
        if (img->config.stop_signal) {
                r = parse_signal(img->config.stop_signal);
                if (r > 0)
                        c->stop_signal = r;
                else
                        log_warning(
                                "Image %s has an invalid StopSignal '%s', using SIGTERM.",
                                img->id,
                                img->config.stop_signal);
        }

        r = oci_spec_process_env(c->env, c->hostname, &process_env);
        if (r < 0)
                return r;

        OciSpecParams p = {
                .bundle = c->bundle,
                .name = c->name,
                .hostname = c->hostname,
                .cwd = c->working_dir,
                .user = c->user,
                .args = c->command,
                .env = process_env,
                .layer_dirs = img->layer_dirs,
                .run_dir = c->run_dir,
                .terminal = c->tty,
                .open_stdin = c->open_stdin,
                .security = &security,
                .host_config = &host_config,
                .mounts = c->mounts,
                .n_mounts = c->n_mounts,
                .netns_path = netns,
                .host_network = network.mode == NETWORK_MODE_HOST,
        };
        r = oci_spec_build(&p, &spec);
        if (r >= 0)
                r = container_userns_add_to_spec(
                        &userns, c->bundle, host_config.devices, host_config.n_devices, spec);
        if (r >= 0)
                r = container_cgroup_v1_set_spec(&c->resources, &resource_host, spec);
        if (r < 0)
                container_mounts_discard(m, c->mounts, c->n_mounts);
        if (r == -EINVAL)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_IMAGE, "Image %s has no layers", img->id);
        if (r < 0)
                return r;

        c->host_config = host_config;
        host_config = (ContainerHostConfig){};
        c->userns = userns;

        r = bundle_create(c->bundle, spec, c->hostname);
        if (r >= 0)
                r = container_network_write_bundle(c->bundle, &network);
        if (r >= 0)
                r = container_userns_prepare_bundle(&c->userns, c->bundle);
        if (r < 0) {
                (void)rm_rf(c->bundle);
                container_mounts_discard(m, c->mounts, c->n_mounts);
                return sd_bus_error_set_errnof(error, r, "Failed to create the bundle of %s: %m", c->id);
        }

        /* Without state.json the bundle is a leftover to a berthd that starts after a crash. */
        c->manager = m;
        c->next = m->creating;
        m->creating = c;
        *ret = TAKE_PTR(c);
        return 0;
}

static void unlink_creating(Container *c) {
        for (Container **p = &c->manager->creating; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        c->next = NULL;
                        return;
                }
}

void container_create_abort(Container *c) {
        Manager *m = c->manager;

        unlink_creating(c);
        (void)rm_rf(c->bundle);
        container_mounts_discard(m, c->mounts, c->n_mounts);
        container_free(c);
}

int container_create_commit(Container *c, sd_bus_error *error) {
        int r;

        /* The markers first: a crash before state.json leaves complete volumes and no container. */
        r = container_mounts_copied(c);
        if (r >= 0)
                r = container_save_state(c);
        if (r < 0) {
                sd_bus_error_set_errnof(error, r, "Failed to create container %s: %m", c->id);
                container_create_abort(c);
                return r;
        }
        unlink_creating(c);
        manager_add_container(c->manager, c);
        return 0;
}
