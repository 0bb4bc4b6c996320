/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The Container model: what berthd knows about one container, persisted in its bundle's state.json,
 * plus the runtime-only bookkeeping of calls in flight on its unit. */

#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "container-host-config.h"
#include "container-resources.h"
#include "container-restart-policy.h"
#include "container-userns.h"
#include "macro.h"
#include "network-config.h"
#include "volume-mount-spec.h"

typedef struct Manager Manager;
typedef struct Container Container;
typedef struct ContainerHealth ContainerHealth;

typedef enum ContainerState {
        CONTAINER_CREATED,
        CONTAINER_RUNNING,
        CONTAINER_EXITED,
        CONTAINER_REMOVING,
        _CONTAINER_STATE_MAX,
        _CONTAINER_STATE_INVALID = -EINVAL,
} ContainerState;

const char *container_state_to_string(ContainerState s);
ContainerState container_state_from_string(const char *s);

/* A method call answered once the container has exited. */
typedef enum WaiterKind {
        WAITER_WAIT,    /* Wait(): replies with the exit code */
        WAITER_STOP,    /* Stop(): empty reply */
        WAITER_REMOVE,  /* Remove(force): removes, then replies */
        WAITER_RESTART, /* Restart(): starts again, the start replies */
        WAITER_REMOVED, /* WaitCondition("removed"): replies with the exit code once removed */
} WaiterKind;

typedef struct Waiter {
        WaiterKind kind;
        sd_bus_message *request;
        struct Waiter *next;
} Waiter;

#define CONTAINER_STOP_TIMEOUT_DEFAULT_USEC (10ULL * 1000000ULL)
/* Stop(timeout_usec) without a timeout: the stop signal only, and a wait for as long as it takes. */
#define CONTAINER_STOP_TIMEOUT_INFINITY (UINT64_MAX - 1)

struct Container {
        Manager *manager;
        Container *next;

        /* Persisted (state.json). */
        char *id;
        char *name;
        char *image;    /* as the user gave it */
        char *image_id; /* "sha256:<hex>" */
        char **command; /* the full argv: entrypoint + cmd */
        char **env;     /* image Env merged with the create options' Env */
        char *working_dir;
        char *user;
        char *hostname;
        NetworkMode network_mode; /* details in the bundle's network.json */
        char *network_name;       /* a user network (bridge mode), NULL for the default one */
        bool auto_remove;
        bool tty, open_stdin; /* a terminal; a stdin kept open for attach (-t, -i) */
        int stop_signal;
        uint64_t stop_timeout_usec;
        ContainerState state;
        int exit_code;
        uint32_t pid;
        uint64_t created_at, started_at, finished_at; /* µs since the epoch, 0 = never */
        RestartPolicy restart_policy;
        uint32_t restart_count;       /* the unit's NRestarts */
        bool manually_stopped;        /* stopped or killed by the user: no restart, not even at boot */
        ContainerHealth *health;      /* the health check and its state, NULL without one (health-check.h) */
        ContainerResources resources; /* --memory, --cpus, … (container-resources.h) */
        bool oom_killed;              /* the OOM killer killed a process of the last run */
        char **resource_warnings;     /* runtime only: limits CreateContainer discarded, and why */
        ContainerHostConfig host_config; /* devices, groups, ulimits, sysctls, /dev/shm, --init */
        ContainerUserns userns;          /* --userns=auto: its host id ranges (container-userns.h) */
        MountSpec *mounts;               /* -v, --mount, image VOLUMEs, resolved (volume-mounts.h) */
        size_t n_mounts;

        /* Derived. */
        char *bundle;      /* <state>/containers/<id> */
        char *unit;        /* berth-<name>.service */
        char *unit_path;   /* systemd's object path of the unit */
        char *object_path; /* our object path */
        char *run_dir;     /* <run>/containers/<id>: the runtime's attach.sock */

        /* Runtime only: a start in flight. */
        sd_bus_message *start_request;
        int start_fds[3]; /* StartWithStreams' fds, kept for a retry after UnitExists */
        char *start_job;
        bool start_job_failed;
        bool unit_seen_active; /* the started unit left "inactive" at least once */
        bool stopped_during_start;
        bool waiting_unit_removal;

        sd_bus_slot *unit_match_slot; /* PropertiesChanged of the unit */
        sd_bus_slot *unit_call_slot;  /* StartTransientUnit or a state query in flight */
        sd_event_source *stop_timer;
        Waiter *waiters;

        /* Runtime only: restart policies and pause (container-restart.c, container-freezer.c). */
        bool restarting;      /* the unit is in "activating (auto-restart)" */
        bool confirming_stop; /* "failed"/"inactive" seen, asked again whether a restart follows */
        bool exit_reported;   /* the last exit went out as a "die" event before an auto-restart */
        bool paused;
        sd_bus_slot *freeze_slot; /* FreezeUnit/ThawUnit in flight */
        sd_bus_message *freeze_request;
        bool freeze_wanted;
};

/* Allocates the model with its derived names; state_dir is berth's state directory. */
int container_new(const char *state_dir, const char *id, const char *name, Container **ret);
Container *container_free(Container *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Container *, container_free);

int container_add_waiter(Container *c, WaiterKind kind, sd_bus_message *request);
/* Sets the unit (and its systemd object path) to unit, or with NULL to berth-<name>.service. -EINVAL
 * unless unit is berth-<a valid name>.service. */
int container_set_unit(Container *c, const char *unit);
void container_close_start_fds(Container *c);
