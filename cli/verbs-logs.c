/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth logs: a container's output from the journal (the entries with its CONTAINER_ID_FULL), stdout
 * lines (PRIORITY=6) to stdout and stderr lines (PRIORITY=3) to stderr. --follow drives the journal's
 * fd and the bus from one sd-event loop: it follows across restarts (same id), and ends when the
 * container is removed (ContainerRemoved) or has exited (its State leaves running), after journald has
 * stored the container's last lines. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-event.h>
#include <systemd/sd-journal.h>

#include "bus-util.h"
#include "fileio.h"
#include "journal-sync.h"
#include "log.h"
#include "output.h"
#include "parse-flags.h"
#include "time-parse.h"
#include "verbs.h"

#define OUTPUT_BUFFER_SIZE (64U * 1024U)

typedef struct Output {
        int fd; /* the stream the buffered bytes belong to; -1 when empty */
        size_t n;
        char buf[OUTPUT_BUFFER_SIZE];
} Output;

typedef struct Logs {
        sd_journal *journal;
        sd_bus *bus;
        sd_event *event;
        const char *path;
        char *id;
        uint64_t until; /* µs, UINT64_MAX: none */
        bool timestamps;
        bool finished; /* an entry after --until was met */
        Output out;
} Logs;

static int output_flush(Output *o) {
        int r = 0;

        if (o->n > 0)
                r = loop_write(o->fd, o->buf, o->n);
        o->n = 0;
        o->fd = -1;
        return r;
}

/* Buffers lines per stream; switching streams flushes first, so that 2>&1 keeps the journal's order. */
static int output_write(Output *o, int fd, const char *data, size_t size) {
        int r;

        if (o->fd != fd || o->n + size > sizeof(o->buf)) {
                r = output_flush(o);
                if (r < 0)
                        return r;
        }
        if (size > sizeof(o->buf))
                return loop_write(fd, data, size);
        o->fd = fd;
        memcpy(o->buf + o->n, data, size);
        o->n += size;
        return 0;
}

static int logs_print_entry(Logs *l) {
        const void *data;
        size_t size;
        int fd = STDOUT_FILENO, r;

        if (l->until != UINT64_MAX || l->timestamps) {
                uint64_t t;
                char buf[RFC3339_NANO_FIXED_MAX + 1];

                r = sd_journal_get_realtime_usec(l->journal, &t);
                if (r < 0)
                        return r;
                if (t > l->until) {
                        l->finished = true;
                        return 0;
                }
                if (l->timestamps) {
                        format_rfc3339nano_fixed(buf, t);
                        strcat(buf, " ");
                }
                /* PRIORITY=3 is what the runtime gives the container's stderr. */
                r = sd_journal_get_data(l->journal, "PRIORITY", &data, &size);
                if (r >= 0 && size == STRLEN("PRIORITY=3") && memcmp(data, "PRIORITY=3", size) == 0)
                        fd = STDERR_FILENO;
                if (l->timestamps) {
                        r = output_write(&l->out, fd, buf, strlen(buf));
                        if (r < 0)
                                return r;
                }
        } else {
                r = sd_journal_get_data(l->journal, "PRIORITY", &data, &size);
                if (r >= 0 && size == STRLEN("PRIORITY=3") && memcmp(data, "PRIORITY=3", size) == 0)
                        fd = STDERR_FILENO;
        }

        r = sd_journal_get_data(l->journal, "MESSAGE", &data, &size);
        if (r == -ENOENT)
                return l->timestamps ? output_write(&l->out, fd, "\n", 1) : 0;
        if (r < 0)
                return r;
        r = output_write(&l->out, fd, (const char *)data + STRLEN("MESSAGE="), size - STRLEN("MESSAGE="));
        if (r >= 0)
                r = output_write(&l->out, fd, "\n", 1);
        return r;
}

/* Prints the entries after the current position, up to --until. */
static int logs_drain(Logs *l) {
        int r;

        while (!l->finished) {
                r = sd_journal_next(l->journal);
                if (r < 0)
                        return log_error_errno(r, "Failed to read the journal: %m");
                if (r == 0)
                        break;
                r = logs_print_entry(l);
                if (r < 0)
                        return log_error_errno(r, "Failed to print a log entry: %m");
        }
        r = output_flush(&l->out);
        if (r < 0)
                return log_error_errno(r, "Failed to write the logs: %m");
        return 0;
}

/* Positions the journal before the first entry to print: the last tail entries at or after since. */
static int logs_seek(Logs *l, uint64_t since, uint64_t tail) {
        uint64_t t;
        int r;

        if (tail == TAIL_ALL) {
                if (since > 0)
                        return sd_journal_seek_realtime_usec(l->journal, since);
                return sd_journal_seek_head(l->journal);
        }

        r = sd_journal_seek_tail(l->journal);
        if (r < 0)
                return r;
        if (tail == 0) {
                /* Onto the last entry, so that only newer ones follow. */
                r = sd_journal_previous(l->journal);
                return r < 0 ? r : 0;
        }
        r = sd_journal_previous_skip(l->journal, tail);
        if (r <= 0)
                return r;
        r = sd_journal_get_realtime_usec(l->journal, &t);
        if (r < 0)
                return r;
        if (since > 0 && t < since)
                return sd_journal_seek_realtime_usec(l->journal, since);
        /* On the first entry to print: step back so that sd_journal_next() lands on it. */
        r = sd_journal_previous(l->journal);
        if (r < 0)
                return r;
        if (r == 0)
                return sd_journal_seek_head(l->journal);
        return 0;
}

/* The states after which no more output comes without a new start. */
static bool state_is_final(const char *state) {
        return streq(state, "exited") || streq(state, "created") || streq(state, "dead") ||
               streq(state, "removing");
}

/* The container stopped or went away: print what journald still holds. */
static int logs_final_drain(Logs *l) {
        (void)journal_sync();
        (void)sd_journal_process(l->journal);
        return logs_drain(l);
}

static void logs_finish(Logs *l) {
        (void)sd_event_exit(l->event, logs_final_drain(l) < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
}

static int on_container_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Logs *l = userdata;
        const char *id;

        if (sd_bus_message_read(m, "s", &id) >= 0 && streq(id, l->id))
                logs_finish(l);
        return 0;
}

static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Logs *l = userdata;
        const char *iface, *key, *state = NULL;
        int r;

        r = sd_bus_message_read(m, "s", &iface);
        if (r < 0 || !streq(iface, BERTH_CONTAINER_IFACE))
                return 0;
        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return 0;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                if (sd_bus_message_read(m, "s", &key) < 0)
                        return 0;
                if (streq(key, "State")) {
                        if (sd_bus_message_read(m, "v", "s", &state) < 0)
                                return 0;
                } else if (sd_bus_message_skip(m, "v") < 0)
                        return 0;
                if (sd_bus_message_exit_container(m) < 0)
                        return 0;
        }
        if (state && state_is_final(state))
                logs_finish(l);
        return 0;
}

static int on_journal(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Logs *l = userdata;
        int r;

        r = sd_journal_process(l->journal);
        if (r < 0)
                return log_error_errno(r, "Failed to process journal changes: %m"),
                       sd_event_exit(l->event, EXIT_FAILURE);
        if (logs_drain(l) < 0)
                return sd_event_exit(l->event, EXIT_FAILURE);
        if (l->finished)
                return sd_event_exit(l->event, EXIT_SUCCESS);
        return 0;
}

static int on_until(sd_event_source *s, uint64_t usec, void *userdata) {
        Logs *l = userdata;

        (void)sd_journal_process(l->journal);
        return sd_event_exit(l->event, logs_drain(l) < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
}

/* Installs the bus matches, then checks that the container still runs: returns 1 if it does (follow),
 * 0 if it already stopped (print and leave). */
static int logs_watch(Logs *l) {
        _cleanup_free_ char *state = NULL;
        int r;

        r = sd_bus_match_signal(
                l->bus,
                NULL,
                BERTH_BUS_NAME,
                BERTH_MANAGER_PATH,
                BERTH_MANAGER_IFACE,
                "ContainerRemoved",
                on_container_removed,
                l);
        if (r >= 0)
                r = sd_bus_match_signal(
                        l->bus,
                        NULL,
                        BERTH_BUS_NAME,
                        l->path,
                        "org.freedesktop.DBus.Properties",
                        "PropertiesChanged",
                        on_properties_changed,
                        l);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the container: %m");

        r = sd_bus_get_property_string(
                l->bus, BERTH_BUS_NAME, l->path, BERTH_CONTAINER_IFACE, "State", NULL, &state);
        if (r < 0)
                return 0; /* removed in between */
        return !state_is_final(state);
}

static int logs_follow(Logs *l) {
        _cleanup_(sd_event_source_unrefp) sd_event_source *io = NULL, *timer = NULL;
        int fd, r;

        r = sd_event_default(&l->event);
        if (r >= 0)
                r = sd_bus_attach_event(l->bus, l->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the event loop: %m");

        fd = sd_journal_get_fd(l->journal);
        if (fd < 0)
                return log_error_errno(fd, "Failed to watch the journal: %m");
        r = sd_event_add_io(l->event, &io, fd, (uint32_t)sd_journal_get_events(l->journal), on_journal, l);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the journal: %m");
        if (l->until != UINT64_MAX) {
                r = sd_event_add_time(l->event, &timer, CLOCK_REALTIME, l->until, 0, on_until, l);
                if (r < 0)
                        return log_error_errno(r, "Failed to arm the --until timer: %m");
        }

        r = logs_watch(l);
        if (r < 0)
                return r;
        if (r == 0)
                /* Stopped before we watched: what it wrote last may still be on its way. */
                return logs_final_drain(l);
        r = logs_drain(l);
        if (r < 0 || l->finished)
                return r;
        r = sd_event_loop(l->event);
        return r == EXIT_SUCCESS ? 0 : -EIO;
}

static void logs_help(void) {
        printf("Usage:  berth logs [OPTIONS] CONTAINER\n\nFetch the logs of a container (from the "
               "journal)\n\n"
               "Options:\n"
               "  -f, --follow         Follow log output\n"
               "      --since string   Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or "
               "relative "
               "(e.g. \"42m\" for 42 minutes)\n"
               "  -n, --tail string    Number of lines to show from the end of the logs (default \"all\")\n"
               "  -t, --timestamps     Show timestamps\n"
               "      --until string   Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or "
               "relative (e.g. \"42m\" for 42 minutes)\n");
}

int verb_logs(int argc, char *argv[]) {
        enum { ARG_SINCE = 0x100, ARG_UNTIL, ARG_HELP };
        static const struct option options[] = {
                {"follow", no_argument, NULL, 'f'},
                {"since", required_argument, NULL, ARG_SINCE},
                {"tail", required_argument, NULL, 'n'},
                {"timestamps", no_argument, NULL, 't'},
                {"until", required_argument, NULL, ARG_UNTIL},
                {"help", no_argument, NULL, ARG_HELP},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_journal_closep) sd_journal *j = NULL;
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        _cleanup_free_ char *path = NULL, *id = NULL, *state = NULL, *match = NULL;
        uint64_t since = 0, until = UINT64_MAX, tail = TAIL_ALL, now = now_realtime_usec();
        bool follow = false, timestamps = false;
        Logs *l;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+fn:t", options)) >= 0)
                switch (c) {
                case 'f':
                        follow = true;
                        break;
                case ARG_SINCE:
                case ARG_UNTIL:
                        r = parse_timestamp_usec(optarg, now, c == ARG_SINCE ? &since : &until);
                        if (r < 0)
                                return log_error(
                                               "invalid value for \"%s\": failed to parse value as time or "
                                               "duration: \"%s\"",
                                               c == ARG_SINCE ? "since" : "until",
                                               optarg),
                                       EXIT_BERTH_ERROR;
                        break;
                case 'n':
                        if (parse_tail(optarg, &tail) < 0)
                                return log_error(
                                               "invalid value for \"tail\": \"%s\" is neither \"all\" nor a "
                                               "non-negative number of lines",
                                               optarg),
                                       EXIT_BERTH_ERROR;
                        break;
                case 't':
                        timestamps = true;
                        break;
                case ARG_HELP:
                        logs_help();
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (argc - optind != 1)
                return log_error("\"berth logs\" requires exactly 1 argument.\nSee 'berth logs --help'.\n\n"
                                 "Usage:  berth logs [OPTIONS] CONTAINER"),
                       EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = bus_get_container(bus, argv[optind], &error, &path);
        if (r >= 0)
                r = sd_bus_get_property_string(
                        bus, BERTH_BUS_NAME, path, BERTH_CONTAINER_IFACE, "Id", &error, &id);
        if (r >= 0)
                r = sd_bus_get_property_string(
                        bus, BERTH_BUS_NAME, path, BERTH_CONTAINER_IFACE, "State", &error, &state);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;

        /* A stopped container's last lines are in the journal, not on their way to it. (A running one
         * writes on anyway: no point in asking journald to sync.) */
        if (state_is_final(state))
                (void)journal_sync();
        r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
        if (r < 0)
                return log_error_errno(r, "Failed to open the journal: %m"), EXIT_FAILURE;
        (void)sd_journal_set_data_threshold(j, 0);
        if (asprintf(&match, "CONTAINER_ID_FULL=%s", id) < 0)
                return log_oom(), EXIT_FAILURE;
        r = sd_journal_add_match(j, match, 0);
        if (r < 0)
                return log_error_errno(r, "Failed to add journal match: %m"), EXIT_FAILURE;

        l = malloc(sizeof(Logs));
        if (!l)
                return log_oom(), EXIT_FAILURE;
        *l = (Logs){
                .journal = j,
                .bus = bus,
                .path = path,
                .id = id,
                .until = until,
                .timestamps = timestamps,
                .out.fd = -1,
        };

        r = logs_seek(l, since, tail);
        if (r < 0)
                log_error_errno(r, "Failed to seek in the journal: %m");
        else if (follow && until > now) {
                r = logs_follow(l);
                event = l->event;
        } else
                r = logs_drain(l);
        free(l);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
