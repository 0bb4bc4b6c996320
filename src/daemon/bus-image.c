/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-image.h"
#include "bus-errors.h"
#include "bus-util.h"
#include "events.h"
#include "log.h"
#include "reference.h"
#include "strv.h"
#include "worker.h"

static void image_listp(Image ***l) {
        /* image_store_list()'s array is NULL-terminated. */
        if (!*l)
                return;
        for (Image **i = *l; *i; i++)
                image_free(*i);
        free(*l);
}

static int image_path(const char *id, char **ret) {
        return sd_bus_path_encode(BERTH_IMAGE_PREFIX, strncmp(id, "sha256:", 7) == 0 ? id + 7 : id, ret);
}

/* f() of every string of l, in order. */
static int strv_map(char **l, int (*f)(const char *s, char **ret), char ***ret) {
        _cleanup_strv_free_ char **mapped = NULL;
        int r;

        STRV_FOREACH (s, l) {
                char *t = NULL;

                r = f(*s, &t);
                if (r < 0)
                        return r;
                r = strv_consume(&mapped, t);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(mapped);
        return 0;
}

static int list_image_ids(ImageStore *store, char ***ret) {
        _cleanup_(image_listp) Image **images = NULL;
        _cleanup_strv_free_ char **ids = NULL;
        size_t n;
        int r;

        r = image_store_list(store, &images, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                r = strv_extend(&ids, images[i]->id);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(ids);
        return 0;
}

/* The property getters look the image up afresh: the store is the only truth, and an Image is not
 * kept alive between calls. */
static int image_from_path(Manager *m, const char *path, Image **ret) {
        _cleanup_free_ char *hex = NULL, *id = NULL;
        int r;

        r = sd_bus_path_decode(path, BERTH_IMAGE_PREFIX, &hex);
        if (r <= 0)
                return r < 0 ? r : -ENOENT;
        if (asprintf(&id, "sha256:%s", hex) < 0)
                return -ENOMEM;
        return image_store_get(m->image_store, id, ret);
}

/* References in Docker's short form ("busybox:latest", "busybox@sha256:…"). */
static int append_familiar(sd_bus_message *reply, char **refs) {
        _cleanup_strv_free_ char **familiar = NULL;
        int r;

        r = strv_map(refs, reference_familiar, &familiar);
        if (r < 0)
                return r;
        return sd_bus_message_append_strv(reply, familiar);
}

static int property_get_image(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        _cleanup_(image_freep) Image *image = NULL;
        const ImageConfig *cfg;
        int r;

        r = image_from_path(userdata, path, &image);
        if (r < 0)
                return r;
        cfg = &image->config;

        if (streq(property, "Id"))
                return sd_bus_message_append(reply, "s", image->id);
        if (streq(property, "RepoTags"))
                return append_familiar(reply, image->repo_tags);
        if (streq(property, "RepoDigests"))
                return append_familiar(reply, image->repo_digests);
        if (streq(property, "Created"))
                return sd_bus_message_append(reply, "t", cfg->created_usec);
        if (streq(property, "CreatedNSec"))
                return sd_bus_message_append(reply, "t", cfg->created_nsec);
        if (streq(property, "Author"))
                return sd_bus_message_append(reply, "s", cfg->author ?: "");
        if (streq(property, "Comment"))
                return sd_bus_message_append(reply, "s", cfg->comment ?: "");
        if (streq(property, "Variant"))
                return sd_bus_message_append(reply, "s", cfg->variant ?: "");
        if (streq(property, "Labels"))
                return bus_append_pairs(reply, cfg->labels);
        if (streq(property, "ExposedPorts"))
                return sd_bus_message_append_strv(reply, cfg->exposed_ports);
        if (streq(property, "Volumes"))
                return sd_bus_message_append_strv(reply, cfg->volumes);
        if (streq(property, "HealthcheckTest"))
                return sd_bus_message_append_strv(reply, cfg->healthcheck.test);
        if (streq(property, "HealthcheckInterval"))
                return sd_bus_message_append(reply, "t", cfg->healthcheck.interval_ns);
        if (streq(property, "HealthcheckTimeout"))
                return sd_bus_message_append(reply, "t", cfg->healthcheck.timeout_ns);
        if (streq(property, "HealthcheckStartPeriod"))
                return sd_bus_message_append(reply, "t", cfg->healthcheck.start_period_ns);
        if (streq(property, "HealthcheckRetries"))
                return sd_bus_message_append(reply, "i", (int32_t)cfg->healthcheck.retries);
        if (streq(property, "LayerDirectories"))
                return sd_bus_message_append_strv(reply, image->layer_dirs);
        if (streq(property, "Size"))
                return sd_bus_message_append(reply, "t", image->size);
        if (streq(property, "Architecture"))
                return sd_bus_message_append(reply, "s", cfg->architecture ?: "");
        if (streq(property, "Os"))
                return sd_bus_message_append(reply, "s", cfg->os ?: "");
        if (streq(property, "Env"))
                return sd_bus_message_append_strv(reply, cfg->env);
        if (streq(property, "Cmd"))
                return sd_bus_message_append_strv(reply, cfg->cmd);
        if (streq(property, "Entrypoint"))
                return sd_bus_message_append_strv(reply, cfg->entrypoint);
        if (streq(property, "WorkingDir"))
                return sd_bus_message_append(reply, "s", cfg->working_dir ?: "");
        if (streq(property, "User"))
                return sd_bus_message_append(reply, "s", cfg->user ?: "");
        if (streq(property, "StopSignal"))
                return sd_bus_message_append(reply, "s", cfg->stop_signal ?: "");
        if (streq(property, "Layers"))
                return sd_bus_message_append_strv(reply, image->diff_ids);
        return -EINVAL;
}

#define IMAGE_PROPERTY(name, sig)                                                                           \
        SD_BUS_PROPERTY(name, sig, property_get_image, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE)

const sd_bus_vtable bus_image_vtable[] = {
        SD_BUS_VTABLE_START(0),
        IMAGE_PROPERTY("Id", "s"),
        IMAGE_PROPERTY("RepoTags", "as"),
        IMAGE_PROPERTY("RepoDigests", "as"),
        IMAGE_PROPERTY("Created", "t"),
        IMAGE_PROPERTY("CreatedNSec", "t"),
        IMAGE_PROPERTY("Size", "t"),
        IMAGE_PROPERTY("Architecture", "s"),
        IMAGE_PROPERTY("Variant", "s"),
        IMAGE_PROPERTY("Os", "s"),
        IMAGE_PROPERTY("Author", "s"),
        IMAGE_PROPERTY("Comment", "s"),
        IMAGE_PROPERTY("Labels", "a{ss}"),
        IMAGE_PROPERTY("ExposedPorts", "as"),
        IMAGE_PROPERTY("Volumes", "as"),
        IMAGE_PROPERTY("HealthcheckTest", "as"),
        IMAGE_PROPERTY("HealthcheckInterval", "t"),
        IMAGE_PROPERTY("HealthcheckTimeout", "t"),
        IMAGE_PROPERTY("HealthcheckStartPeriod", "t"),
        IMAGE_PROPERTY("HealthcheckRetries", "i"),
        IMAGE_PROPERTY("Env", "as"),
        IMAGE_PROPERTY("Cmd", "as"),
        IMAGE_PROPERTY("Entrypoint", "as"),
        IMAGE_PROPERTY("WorkingDir", "s"),
        IMAGE_PROPERTY("User", "s"),
        IMAGE_PROPERTY("StopSignal", "s"),
        IMAGE_PROPERTY("Layers", "as"),
        IMAGE_PROPERTY("LayerDirectories", "as"),
        SD_BUS_VTABLE_END,
};

static int image_object_find(
        sd_bus *bus,
        const char *path,
        const char *interface,
        void *userdata,
        void **found,
        sd_bus_error *error) {
        _cleanup_(image_freep) Image *image = NULL;
        int r;

        r = image_from_path(userdata, path, &image);
        if (r == -ENOENT || r == -EINVAL || r == -ENOTUNIQ)
                return 0;
        if (r < 0)
                return r;
        *found = userdata;
        return 1;
}

static int
image_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes, sd_bus_error *error) {
        _cleanup_strv_free_ char **ids = NULL;
        Manager *m = userdata;
        int r;

        r = list_image_ids(m->image_store, &ids);
        if (r < 0)
                return r;
        r = strv_map(ids, image_path, nodes);
        if (r < 0)
                return r;
        return 1;
}

int bus_image_register(Manager *m) {
        return bus_add_object_class(
                m->bus,
                BERTH_IMAGE_PREFIX,
                BERTH_IMAGE_IFACE,
                bus_image_vtable,
                image_object_find,
                image_node_enumerator,
                m);
}

int bus_image_method_get(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(image_freep) Image *image = NULL;
        _cleanup_free_ char *path = NULL;
        Manager *m = userdata;
        const char *ref;
        int r;

        r = bus_read_string(msg, "reference", &ref, error);
        if (r < 0)
                return r;

        r = image_store_get(m->image_store, ref, &image);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, BERTH_ERROR_NO_SUCH_IMAGE, "No such image: %s", ref);
        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_AMBIGUOUS, "Image reference '%s' is ambiguous", ref);
        if (r == -EINVAL)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "invalid reference format: %s", ref);
        if (r < 0)
                return r;

        r = image_path(image->id, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "o", path);
}

int bus_image_method_list(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(image_listp) Image **images = NULL;
        Manager *m = userdata;
        size_t n;
        int r;

        r = image_store_list(m->image_store, &images, &n);
        if (r < 0)
                return r;

        r = bus_array_reply_new(msg, "(sasasttoa{ss})", &reply);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = NULL;

                r = image_path(images[i]->id, &path);
                if (r < 0)
                        return r;
                r = sd_bus_message_open_container(reply, 'r', "sasasttoa{ss}");
                if (r < 0)
                        return r;
                r = sd_bus_message_append(reply, "s", images[i]->id);
                if (r < 0)
                        return r;
                r = append_familiar(reply, images[i]->repo_tags);
                if (r < 0)
                        return r;
                r = append_familiar(reply, images[i]->repo_digests);
                if (r < 0)
                        return r;
                r = sd_bus_message_append(
                        reply, "tto", images[i]->config.created_usec, images[i]->size, path);
                if (r < 0)
                        return r;
                r = bus_append_pairs(reply, images[i]->config.labels);
                if (r < 0)
                        return r;
                r = sd_bus_message_close_container(reply);
                if (r < 0)
                        return r;
        }
        return bus_array_reply_send(reply);
}

/* ImageNew for every image of the store that is not in before. */
static void emit_new_images(Manager *m, char **before) {
        _cleanup_strv_free_ char **after = NULL;

        if (list_image_ids(m->image_store, &after) < 0)
                return;
        STRV_FOREACH (id, after) {
                _cleanup_free_ char *path = NULL;

                if (strv_contains(before, *id))
                        continue;
                if (image_path(*id, &path) < 0)
                        continue;
                (void)sd_bus_emit_signal(
                        m->bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "ImageNew", "so", *id, path);
        }
}

/* Docker's image event for each image an archive brought: the id, with the name it was loaded as. */
static void emit_load_events(Manager *m, char **loaded) {
        STRV_FOREACH (name, loaded) {
                _cleanup_(image_freep) Image *image = NULL;

                if (image_store_get(m->image_store, *name, &image) < 0)
                        continue;
                manager_emit_event(m, "image", "load", image->id, "name", *name, NULL);
        }
}

/* A load or import: the archive is read by a worker process, so that berthd's loop goes on while a large
 * or slow archive comes in (a "berth save | berth load" pipe needs SaveImages served meanwhile). */
typedef struct ArchiveJob {
        Manager *manager;
        sd_bus_message *call; /* answered when the worker is done; it also holds the fd */
        char **images_before;
        int fd;
        const char *reference; /* import only; points into call */
} ArchiveJob;

static ArchiveJob *archive_job_free(ArchiveJob *j) {
        if (!j)
                return NULL;
        sd_bus_message_unref(j->call);
        strv_free(j->images_before);
        free(j);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(ArchiveJob *, archive_job_free);

static int archive_job_start(
        sd_bus_message *msg, Manager *m, const char *reference, WorkerFunction run, WorkerDone done) {
        _cleanup_(archive_job_freep) ArchiveJob *j = NULL;
        Worker *w;
        int r;

        j = calloc(1, sizeof(ArchiveJob));
        if (!j)
                return -ENOMEM;
        *j = (ArchiveJob){.manager = m, .call = sd_bus_message_ref(msg), .reference = reference};
        r = sd_bus_message_rewind(msg, true);
        if (r >= 0)
                r = sd_bus_message_read(msg, "h", &j->fd);
        if (r < 0)
                return r;
        r = list_image_ids(m->image_store, &j->images_before);
        if (r < 0)
                return r;
        r = worker_start(m->event, run, done, j, &w);
        if (r < 0)
                return r;
        TAKE_PTR(j);
        return 1;
}

static int load_run(void *userdata, char **ret_result) {
        ArchiveJob *j = userdata;
        _cleanup_strv_free_ char **loaded = NULL;
        int r;

        r = image_store_load_archive(j->manager->image_store, j->fd, &loaded);
        if (r < 0)
                return r;
        *ret_result = strv_join(loaded, "\n");
        return *ret_result ? 0 : -ENOMEM;
}

static void load_done(int error, const char *text, void *userdata) {
        _cleanup_(archive_job_freep) ArchiveJob *j = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **loaded = NULL;
        _cleanup_free_ char *copy = NULL;
        char *p, *name;
        int r;

        if (error < 0) {
                (void)sd_bus_reply_method_errorf(
                        j->call, BERTH_ERROR_INVALID_IMAGE, "Failed to load the image archive: %s", text);
                return;
        }
        copy = strdup(text);
        if (!copy)
                return (void)sd_bus_reply_method_errno(j->call, ENOMEM, NULL);
        for (p = copy; (name = strsep(&p, "\n"));)
                if (!isempty(name) && strv_extend(&loaded, name) < 0)
                        return (void)sd_bus_reply_method_errno(j->call, ENOMEM, NULL);

        emit_new_images(j->manager, j->images_before);
        emit_load_events(j->manager, loaded);

        r = sd_bus_message_new_method_return(j->call, &reply);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, loaded);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        if (r < 0)
                log_warning_errno(r, "Cannot answer LoadImages: %m");
}

int bus_image_method_load(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        return archive_job_start(msg, userdata, NULL, load_run, load_done);
}

static int import_run(void *userdata, char **ret_result) {
        ArchiveJob *j = userdata;
        return image_store_import_rootfs(j->manager->image_store, j->fd, j->reference, ret_result);
}

static void import_done(int error, const char *text, void *userdata) {
        _cleanup_(archive_job_freep) ArchiveJob *j = userdata;

        if (error < 0) {
                (void)sd_bus_reply_method_errorf(
                        j->call, BERTH_ERROR_INVALID_IMAGE, "Failed to import the tarball: %s", text);
                return;
        }
        emit_new_images(j->manager, j->images_before);
        manager_emit_event(
                j->manager,
                "image",
                "import",
                text,
                "name",
                isempty(j->reference) ? text : j->reference,
                NULL);
        (void)sd_bus_reply_method_return(j->call, "s", text);
}

int bus_image_method_import(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *ref;
        int fd, r;

        r = sd_bus_message_read(msg, "h", &fd);
        if (r < 0)
                return r;
        r = bus_read_string(msg, "reference", &ref, error);
        if (r < 0)
                return r;
        return archive_job_start(msg, userdata, ref, import_run, import_done);
}
