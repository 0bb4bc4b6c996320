/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-container-create.h"
#include "bus-errors.h"
#include "bus-manager.h"
#include "events.h"
#include "log.h"
#include "strv.h"
#include "volume-mounts.h"
#include "worker.h"

struct CreateCall {
        Manager *manager;
        sd_bus_message *call; /* answered once the container exists, or cannot */
        /* The arguments, to run the create again after a wait: */
        char *image;
        char **command;
        ContainerCreateOptions options;
        /* While its copy-ups run: */
        Container *container;
        Image *source; /* the image the content comes from */
        Worker *worker;
        CreateCall *next; /* in Manager.create_calls */
};

static CreateCall *create_call_free(CreateCall *cc) {
        if (!cc)
                return NULL;
        /* The child stops writing into the volumes before they are undone. */
        worker_free(cc->worker);
        if (cc->container)
                container_create_abort(cc->container);
        image_free(cc->source);
        sd_bus_message_unref(cc->call);
        free(cc->image);
        strv_free(cc->command);
        container_create_options_done(&cc->options);
        free(cc);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(CreateCall *, create_call_free);

static void create_call_unlink(CreateCall *cc) {
        for (CreateCall **p = &cc->manager->create_calls; *p; p = &(*p)->next)
                if (*p == cc) {
                        *p = cc->next;
                        cc->next = NULL;
                        return;
                }
}

static bool copy_ups_running(Manager *m) {
        for (CreateCall *cc = m->create_calls; cc; cc = cc->next)
                if (cc->worker)
                        return true;
        return false;
}

static int reply_created(CreateCall *cc, Container *c) {
        log_info("Created container %s (%s).", c->name, c->id);
        bus_manager_emit_container_new(cc->manager, c);
        container_emit_event(c, "create");
        return sd_bus_reply_method_return(cc->call, "o", c->object_path);
}

static void reply_error(CreateCall *cc, int error, const sd_bus_error *e) {
        int r;

        r = sd_bus_error_is_set(e) ? sd_bus_reply_method_error(cc->call, e)
                                   : sd_bus_reply_method_errno(cc->call, error, NULL);
        if (r < 0)
                log_warning_errno(r, "Cannot answer CreateContainer: %m");
}

/* In the worker process. */
static int copy_up_run(void *userdata, char **ret_result) {
        CreateCall *cc = userdata;

        return container_mounts_copy_up(cc->container, cc->source->layer_dirs);
}

static void copy_up_done(int error, const char *text, void *userdata);

/* 0 when the call is answered (or is to be answered with error), 1 when it is kept for later. */
static int create_call_run(CreateCall *cc, sd_bus_error *error) {
        Manager *m = cc->manager;
        Container *c;
        int r;

        r = container_create(m, cc->image, cc->command, &cc->options, &c, error);
        if (r == -EAGAIN && copy_ups_running(m)) {
                /* A volume it needs is being filled: run again when a copy-up is done. */
                sd_bus_error_free(error);
                cc->next = m->create_calls;
                m->create_calls = cc;
                return 1;
        }
        if (r < 0)
                return r;
        if (!container_mounts_need_copy_up(c)) {
                r = container_create_commit(c, error);
                if (r < 0)
                        return r;
                r = reply_created(cc, c);
                return r < 0 ? r : 0;
        }

        cc->container = c;
        r = image_store_get(m->image_store, c->image_id, &cc->source);
        if (r >= 0)
                r = worker_start(m->event, copy_up_run, copy_up_done, cc, &cc->worker);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to start the copy-up of %s: %m", c->id);
        cc->next = m->create_calls;
        m->create_calls = cc;
        return 1;
}

static void run_waiting(Manager *m) {
        CreateCall *waiting = NULL;

        /* Taken out first, as each may wait again; the oldest first. */
        for (CreateCall **p = &m->create_calls; *p;) {
                CreateCall *cc = *p;

                if (cc->worker) {
                        p = &cc->next;
                        continue;
                }
                *p = cc->next;
                cc->next = waiting;
                waiting = cc;
        }
        while (waiting) {
                _cleanup_(create_call_freep) CreateCall *cc = waiting;
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
                int r;

                waiting = cc->next;
                cc->next = NULL;
                r = create_call_run(cc, &e);
                if (r > 0)
                        TAKE_PTR(cc);
                else if (r < 0)
                        reply_error(cc, r, &e);
        }
}

static void copy_up_done(int error, const char *text, void *userdata) {
        _cleanup_(create_call_freep) CreateCall *cc = userdata;
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        Container *c = TAKE_PTR(cc->container);
        int r;

        /* Freed by worker.c when this returns. */
        cc->worker = NULL;
        create_call_unlink(cc);
        if (error < 0) {
                log_error("The copy-up for container %s failed: %s", c->id, text);
                sd_bus_error_setf(
                        &e,
                        SD_BUS_ERROR_FAILED,
                        "Failed to copy the image's content into the volumes of %s: %s",
                        c->name,
                        text);
                container_create_abort(c);
                reply_error(cc, error, &e);
        } else {
                r = container_create_commit(c, &e);
                if (r >= 0)
                        r = reply_created(cc, c);
                if (r < 0)
                        reply_error(cc, r, &e);
        }
        run_waiting(cc->manager);
}

int bus_container_create(
        sd_bus_message *msg,
        Manager *m,
        const char *image,
        char **command,
        ContainerCreateOptions *o,
        sd_bus_error *error) {
        _cleanup_(create_call_freep) CreateCall *cc = NULL;
        int r;

        cc = calloc(1, sizeof(CreateCall));
        if (!cc)
                return -ENOMEM;
        cc->manager = m;
        cc->call = sd_bus_message_ref(msg);
        cc->options = *o;
        *o = (ContainerCreateOptions){};
        cc->image = strdup(image);
        cc->command = strv_copy(command);
        if (!cc->image || !cc->command)
                return -ENOMEM;

        r = create_call_run(cc, error);
        if (r < 0)
                return r;
        if (r > 0)
                TAKE_PTR(cc);
        return 1;
}

static int on_exit_stop_all(sd_event_source *s, void *userdata) {
        Manager *m = userdata;

        while (m->create_calls) {
                _cleanup_(create_call_freep) CreateCall *cc = m->create_calls;
                int r;

                m->create_calls = cc->next;
                if (cc->container)
                        log_info("berthd stops: undoing the create of container %s.", cc->container->id);
                r = sd_bus_reply_method_errorf(
                        cc->call, SD_BUS_ERROR_FAILED, "berthd stopped before the container was created");
                if (r < 0)
                        log_warning_errno(r, "Cannot answer CreateContainer: %m");
        }
        return 0;
}

int bus_container_create_attach(Manager *m) {
        _cleanup_(sd_event_source_unrefp) sd_event_source *s = NULL;
        int r;

        r = sd_event_add_exit(m->event, &s, on_exit_stop_all, m);
        if (r >= 0)
                /* Before sd-bus closes the connection on exit, so that the callers hear why. */
                r = sd_event_source_set_priority(s, SD_EVENT_PRIORITY_IMPORTANT);
        if (r >= 0)
                r = sd_event_source_set_floating(s, true);
        if (r < 0)
                return log_error_errno(r, "Failed to watch berthd's exit: %m");
        return 0;
}
