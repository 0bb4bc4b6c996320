/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <grp.h>
#include <pwd.h>

#include "bus-authorize.h"
#include "bus-network.h"
#include "bus-transfer.h"
#include "bus-util.h"
#include "log.h"
#include "time-util.h"

#define POLKIT_NAME "org.freedesktop.PolicyKit1"
#define POLKIT_PATH "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_IFACE "org.freedesktop.PolicyKit1.Authority"
#define POLKIT_TIMEOUT_USEC (25 * USEC_PER_SEC)

/* Answers are kept per sender and action, so that the calls of one client ask polkit once per action. A
 * bus never gives a unique name twice, so an answer cannot apply to anyone else; the oldest go first. */
#define DECISIONS_MAX 256U

#define DBUS_IFACE(name) "org.freedesktop.DBus." name

static const struct {
        const char *interface;
        const char *member;
        const char *action; /* NULL: reads only */
} method_actions[] = {
        {DBUS_IFACE("Introspectable"), "Introspect", NULL},
        {DBUS_IFACE("Peer"), "Ping", NULL},
        {DBUS_IFACE("Peer"), "GetMachineId", NULL},
        {DBUS_IFACE("Properties"), "Get", NULL},
        {DBUS_IFACE("Properties"), "GetAll", NULL},

        {BERTH_MANAGER_IFACE, "CreateContainer", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_MANAGER_IFACE, "GetContainer", NULL},
        {BERTH_MANAGER_IFACE, "ListContainers", NULL},
        {BERTH_MANAGER_IFACE, "PruneContainers", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_MANAGER_IFACE, "GetImage", NULL},
        {BERTH_MANAGER_IFACE, "ListImages", NULL},
        {BERTH_MANAGER_IFACE, "LoadImages", BERTH_ACTION_MANAGE_IMAGES},
        /* An image may hold what its registry keeps private: writing it out is for those who manage them. */
        {BERTH_MANAGER_IFACE, "SaveImages", BERTH_ACTION_MANAGE_IMAGES},
        {BERTH_MANAGER_IFACE, "ImportImage", BERTH_ACTION_MANAGE_IMAGES},
        {BERTH_MANAGER_IFACE, "TagImage", BERTH_ACTION_MANAGE_IMAGES},
        {BERTH_MANAGER_IFACE, "RemoveImage", BERTH_ACTION_MANAGE_IMAGES},
        {BERTH_MANAGER_IFACE, "PruneImages", BERTH_ACTION_MANAGE_IMAGES},
        /* Search and Login make berthd talk to a registry the caller names. */
        {BERTH_MANAGER_IFACE, "SearchImages", BERTH_ACTION_MANAGE_IMAGES},
        {BERTH_MANAGER_IFACE, "GetDiskUsage", NULL},
        {BERTH_MANAGER_IFACE, "GetImageHistory", NULL},
        {BERTH_MANAGER_IFACE, "PullImage", BERTH_ACTION_MANAGE_IMAGES},
        {BERTH_MANAGER_IFACE, "PushImage", BERTH_ACTION_MANAGE_IMAGES},
        {BERTH_MANAGER_IFACE, "Login", BERTH_ACTION_MANAGE_IMAGES},
        {BERTH_MANAGER_IFACE, "CreateVolume", BERTH_ACTION_MANAGE_VOLUMES},
        {BERTH_MANAGER_IFACE, "ListVolumes", NULL},
        {BERTH_MANAGER_IFACE, "GetVolume", NULL},
        {BERTH_MANAGER_IFACE, "RemoveVolume", BERTH_ACTION_MANAGE_VOLUMES},
        {BERTH_MANAGER_IFACE, "PruneVolumes", BERTH_ACTION_MANAGE_VOLUMES},
        /* Networks are the containers' plumbing: for those who manage containers. */
        {BERTH_MANAGER_IFACE, "CreateNetwork", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_MANAGER_IFACE, "ListNetworks", NULL},
        {BERTH_MANAGER_IFACE, "GetNetwork", NULL},
        {BERTH_MANAGER_IFACE, "RemoveNetwork", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_MANAGER_IFACE, "PruneNetworks", BERTH_ACTION_MANAGE_CONTAINERS},

        {BERTH_CONTAINER_IFACE, "Start", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_CONTAINER_IFACE, "StartWithStreams", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_CONTAINER_IFACE, "Stop", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_CONTAINER_IFACE, "Kill", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_CONTAINER_IFACE, "Remove", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_CONTAINER_IFACE, "Wait", NULL},
        /* The container's streams and processes: only for those who may manage it. */
        {BERTH_CONTAINER_IFACE, "Attach", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_CONTAINER_IFACE, "Exec", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_CONTAINER_IFACE, "WaitCondition", NULL},
        {BERTH_CONTAINER_IFACE, "Restart", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_CONTAINER_IFACE, "Pause", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_CONTAINER_IFACE, "Unpause", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_CONTAINER_IFACE, "Rename", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_CONTAINER_IFACE, "Update", BERTH_ACTION_MANAGE_CONTAINERS},
        /* Reads, but command lines may carry secrets: the bus policy keeps Top for root and group berth. */
        {BERTH_CONTAINER_IFACE, "Top", NULL},
        {BERTH_CONTAINER_IFACE, "GetStats", NULL},

        {BERTH_NETWORK_IFACE, "Connect", BERTH_ACTION_MANAGE_CONTAINERS},
        {BERTH_NETWORK_IFACE, "Disconnect", BERTH_ACTION_MANAGE_CONTAINERS},

        {BERTH_TRANSFER_IFACE, "Cancel", BERTH_ACTION_MANAGE_IMAGES},
};

/* Properties that may hold secrets (the environment a container was given: passwords, tokens) are read
 * only by those who may manage their object; so is GetAll of their interface. */
static const struct {
        const char *interface;
        const char *property;
        const char *action;
} secret_properties[] = {
        {BERTH_CONTAINER_IFACE, "Env", BERTH_ACTION_MANAGE_CONTAINERS},
};

int bus_authorize_property_action(const char *interface, const char *property, const char **ret_action) {
        for (size_t i = 0; i < ELEMENTSOF(secret_properties); i++)
                if (streq(interface, secret_properties[i].interface) &&
                    (!property || streq(property, secret_properties[i].property))) {
                        *ret_action = secret_properties[i].action;
                        return 0;
                }
        *ret_action = NULL;
        return 0;
}

/* The action a Properties.Get or GetAll call m needs, by the interface and property it names. */
static void property_call_action(sd_bus_message *m, const char *member, const char **ret_action) {
        const char *interface, *property = NULL;
        int r;

        *ret_action = NULL;
        r = sd_bus_message_read(m, "s", &interface);
        if (r > 0 && streq(member, "Get"))
                r = sd_bus_message_read(m, "s", &property);
        if (r > 0)
                (void)bus_authorize_property_action(interface, property, ret_action);
        (void)sd_bus_message_rewind(m, true);
}

int bus_authorize_method_action(const char *interface, const char *member, const char **ret_action) {
        bool found = false;

        *ret_action = NULL;
        if (!member)
                return -ENOENT;
        /* Without an interface, an action of any entry of that name counts. */
        for (size_t i = 0; i < ELEMENTSOF(method_actions); i++)
                if (streq(member, method_actions[i].member) &&
                    (!interface || streq(interface, method_actions[i].interface))) {
                        if (!found || method_actions[i].action)
                                *ret_action = method_actions[i].action;
                        found = true;
                }
        return found ? 0 : -ENOENT;
}

typedef enum Verdict {
        VERDICT_ALLOWED,
        VERDICT_DENIED,
        VERDICT_CHALLENGE, /* polkit would ask for a password: the call must allow interaction */
        VERDICT_FAILED,    /* polkit failed to answer: told once, then asked again */
} Verdict;

typedef struct Decision {
        char *sender;
        const char *action;
        Verdict verdict;
        int error; /* VERDICT_FAILED */
} Decision;

typedef struct Authorizer {
        sd_bus *bus;
        Decision decisions[DECISIONS_MAX];
        size_t next; /* the slot the next decision takes */
} Authorizer;

typedef struct Query {
        Authorizer *authorizer;
        sd_bus_message *call;
        const char *action;
} Query;

static void authorizer_free(void *userdata) {
        Authorizer *a = userdata;

        for (size_t i = 0; i < DECISIONS_MAX; i++)
                free(a->decisions[i].sender);
        free(a);
}

static Decision *decision_find(Authorizer *a, const char *sender, const char *action) {
        for (size_t i = 0; i < DECISIONS_MAX; i++)
                if (streq_ptr(a->decisions[i].sender, sender) && streq(a->decisions[i].action, action))
                        return &a->decisions[i];
        return NULL;
}

static int
decision_remember(Authorizer *a, const char *sender, const char *action, Verdict verdict, int error) {
        Decision *d = decision_find(a, sender, action);

        if (!d) {
                char *s = strdup(sender);

                if (!s)
                        return -ENOMEM;
                d = &a->decisions[a->next];
                a->next = (a->next + 1) % DECISIONS_MAX;
                free(d->sender);
                d->sender = s;
                d->action = action;
        }
        d->verdict = verdict;
        d->error = error;
        return 0;
}

/* The caller's effective uid as the bus saw it when the caller connected; never one read from /proc,
 * which the caller could race. */
static int sender_uid(sd_bus_message *m, uid_t *ret) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        int r;

        r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &creds);
        if (r < 0)
                return r;
        if (sd_bus_creds_get_augmented_mask(creds) & SD_BUS_CREDS_EUID)
                return -EPERM;
        return sd_bus_creds_get_euid(creds, ret);
}

/* Whether uid's user is in group, by the user database: what the bus policy's group rule and polkit's
 * subject.isInGroup() look at, so the three agree. */
static int uid_in_group(uid_t uid, const char *group) {
        _cleanup_free_ char *buf = NULL;
        _cleanup_free_ gid_t *gids = NULL;
        struct passwd pw, *pwp = NULL;
        struct group gr, *grp = NULL;
        gid_t group_gid = 0;
        int n = 64, r = ERANGE;

        /* The entries' strings go into buf: grown while too small for a group of many members. */
        for (size_t size = 4096; r == ERANGE && size <= 1024 * 1024; size *= 2) {
                free(buf);
                buf = malloc(size);
                if (!buf)
                        return -ENOMEM;
                r = getgrnam_r(group, &gr, buf, size, &grp);
                if (r == 0 && grp) {
                        group_gid = grp->gr_gid;
                        r = getpwuid_r(uid, &pw, buf, size, &pwp);
                }
        }
        if (r != 0)
                return -r;
        if (!grp || !pwp)
                return 0;
        if (pw.pw_gid == group_gid)
                return 1;
        for (;;) {
                int count = n;
                gid_t *g = reallocarray(gids, n, sizeof(gid_t));

                if (!g)
                        return -ENOMEM;
                gids = g;
                if (getgrouplist(pw.pw_name, pw.pw_gid, gids, &count) >= 0) {
                        for (int i = 0; i < count; i++)
                                if (gids[i] == group_gid)
                                        return 1;
                        return 0;
                }
                if (count <= n || count > 65536)
                        return -ERANGE;
                n = count;
        }
}

/* polkit's absence: the name has no owner and cannot be activated (or its activation failed). */
static bool polkit_is_absent(const sd_bus_error *e) {
        return sd_bus_error_has_names(
                       e,
                       SD_BUS_ERROR_SERVICE_UNKNOWN,
                       SD_BUS_ERROR_NAME_HAS_NO_OWNER,
                       "org.freedesktop.systemd1.UnitMasked",
                       "org.freedesktop.systemd1.NoSuchUnit") ||
               strncmp(e->name,
                       "org.freedesktop.DBus.Error.Spawn.",
                       STRLEN("org.freedesktop.DBus.Error.Spawn.")) == 0;
}

/* Without polkit: the caller must be in group berth. */
static Verdict verdict_without_polkit(sd_bus_message *call, int *ret_error) {
        uid_t uid;
        int r;

        r = sender_uid(call, &uid);
        if (r >= 0)
                r = uid_in_group(uid, BERTH_GROUP);
        if (r < 0) {
                *ret_error = r;
                return VERDICT_FAILED;
        }
        return r > 0 ? VERDICT_ALLOWED : VERDICT_DENIED;
}

static void query_free(void *userdata) {
        Query *q = userdata;

        sd_bus_message_unref(q->call);
        free(q);
}

static int on_polkit_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        Query *q = userdata;
        Verdict verdict;
        int error = 0, r;

        if (e && polkit_is_absent(e))
                verdict = verdict_without_polkit(q->call, &error);
        else if (e) {
                log_warning("polkit could not check %s: %s", q->action, e->message ?: e->name);
                error = -(sd_bus_error_get_errno(e) ?: EIO);
                verdict = VERDICT_FAILED;
        } else {
                int authorized, challenge;

                r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
                if (r >= 0)
                        r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
                if (r < 0) {
                        log_warning_errno(r, "polkit's answer for %s is not readable: %m", q->action);
                        error = r;
                        verdict = VERDICT_FAILED;
                } else
                        verdict = authorized  ? VERDICT_ALLOWED
                                  : challenge ? VERDICT_CHALLENGE
                                              : VERDICT_DENIED;
        }

        /* The call comes round again and the filter finds the answer. */
        r = decision_remember(q->authorizer, sd_bus_message_get_sender(q->call), q->action, verdict, error);
        if (r >= 0)
                r = sd_bus_enqueue_for_read(q->authorizer->bus, q->call);
        if (r < 0) {
                log_warning_errno(r, "Cannot answer a call after polkit's answer: %m");
                (void)sd_bus_reply_method_errno(q->call, r, NULL);
        }
        return 0;
}

static int polkit_query_start(Authorizer *a, sd_bus_message *call, const char *action) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_free_ Query *q = NULL;
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL; /* ours; the bus keeps the floating one */
        int r;

        q = malloc(sizeof(Query));
        if (!q)
                return -ENOMEM;
        *q = (Query){.authorizer = a, .call = call, .action = action};

        r = sd_bus_message_new_method_call(
                a->bus, &m, POLKIT_NAME, POLKIT_PATH, POLKIT_IFACE, "CheckAuthorization");
        if (r < 0)
                return r;
        /* Subject: the calling connection, which polkit looks up itself. Flags 0: never ask for a password
         * here; such an answer is InteractiveAuthorizationRequired. */
        r = sd_bus_message_append(
                m,
                "(sa{sv})sa{ss}us",
                "system-bus-name",
                1,
                "name",
                "s",
                sd_bus_message_get_sender(call),
                action,
                0,
                UINT32_C(0),
                "");
        if (r < 0)
                return r;
        r = sd_bus_call_async(a->bus, &slot, m, on_polkit_reply, q, POLKIT_TIMEOUT_USEC);
        if (r < 0)
                return r;
        sd_bus_message_ref(call);
        (void)sd_bus_slot_set_destroy_callback(slot, query_free);
        (void)sd_bus_slot_set_floating(slot, 1);
        TAKE_PTR(q);
        return 0;
}

static int verdict_reply(Decision *d, const char *member, sd_bus_error *error) {
        int r;

        switch (d->verdict) {
        case VERDICT_ALLOWED:
                return 0;
        case VERDICT_DENIED:
                return sd_bus_error_setf(
                        error, SD_BUS_ERROR_ACCESS_DENIED, "%s needs %s", member, d->action);
        case VERDICT_CHALLENGE:
                return sd_bus_error_setf(
                        error,
                        SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED,
                        "%s needs %s, which needs authentication",
                        member,
                        d->action);
        case VERDICT_FAILED:
        default:
                r = sd_bus_error_set_errnof(error, d->error, "Cannot check %s: %m", d->action);
                free(d->sender);
                d->sender = NULL;
                return r;
        }
}

static int authorize_filter(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Authorizer *a = userdata;
        const char *member = sd_bus_message_get_member(m), *sender = sd_bus_message_get_sender(m),
                   *interface, *action;
        Decision *d;
        uid_t uid;
        int r;

        if (!sd_bus_message_is_method_call(m, NULL, NULL))
                return 0;

        interface = sd_bus_message_get_interface(m);
        r = bus_authorize_method_action(interface, member, &action);
        if (r >= 0 && !action && (!interface || streq(interface, DBUS_IFACE("Properties"))) &&
            (streq(member, "Get") || streq(member, "GetAll")))
                property_call_action(m, member, &action);
        if (r < 0)
                action = NULL; /* a method the table does not know: root only */
        else if (!action)
                return 0;

        if (action && sender) {
                d = decision_find(a, sender, action);
                if (d)
                        return verdict_reply(d, member, error);
        }

        r = sender_uid(m, &uid);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot identify the caller: %m");
        if (uid == 0) {
                if (action && sender)
                        (void)decision_remember(a, sender, action, VERDICT_ALLOWED, 0);
                return 0;
        }
        if (!action)
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED, "%s is for root only", member);

        if (!sender) { /* a direct connection: no bus name that polkit could look up */
                Decision direct = {.action = action};

                direct.verdict = verdict_without_polkit(m, &direct.error);
                return verdict_reply(&direct, member, error);
        }
        r = polkit_query_start(a, m, action);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot ask polkit about %s: %m", action);
        return 1; /* answered once polkit has */
}

int bus_authorize_install(sd_bus *bus) {
        Authorizer *a;
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL; /* ours; the bus keeps the floating one */
        int r;

        a = calloc(1, sizeof(Authorizer));
        if (!a)
                return log_oom();
        a->bus = bus;
        r = sd_bus_add_filter(bus, &slot, authorize_filter, a);
        if (r < 0) {
                free(a);
                return log_error_errno(r, "Failed to install the access check: %m");
        }
        (void)sd_bus_slot_set_destroy_callback(slot, authorizer_free);
        (void)sd_bus_slot_set_floating(slot, 1);
        return 0;
}
