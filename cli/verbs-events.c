/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth events: berthd's Manager.Event signals as Docker prints its events. --since first reads the
 * history berthd wrote to the journal (MESSAGE_ID=BERTH_EVENT_MESSAGE_ID), then follows the signals;
 * the match is installed before the history is read and signals already seen in it are skipped, so
 * nothing is lost or shown twice at the seam. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-event.h>
#include <systemd/sd-journal.h>

#include "bus-util.h"
#include "event-format.h"
#include "journal-sync.h"
#include "json-util.h"
#include "log.h"
#include "output.h"
#include "parse-flags.h"
#include "strv.h"
#include "time-parse.h"
#include "verbs.h"

#include "event-id.h"

typedef struct Events {
        sd_event *event;
        EventFilter filter;
        OutputFormat format;
        char *template;
        uint64_t since, until;
        /* The newest time met in the history and the events of that very µs, to skip at the seam. */
        uint64_t seam_usec;
        char **seam_keys;
} Events;

static void events_done(Events *e) {
        event_filter_done(&e->filter);
        free(e->template);
        strv_free(e->seam_keys);
}

static char *event_key(const Event *ev) {
        char *k;
        if (asprintf(&k, "%s/%s/%s", ev->type, ev->action, ev->id) < 0)
                return NULL;
        return k;
}

static int events_print(Events *e, const Event *ev) {
        _cleanup_free_ char *s = NULL;
        int r;

        if (!event_filter_match(&e->filter, ev))
                return 0;
        switch (e->format) {
        case OUTPUT_JSON:
                r = event_format_json(ev, &s);
                break;
        case OUTPUT_TEMPLATE:
        case OUTPUT_TABLE_TEMPLATE: {
                _cleanup_json_ cJSON *o = NULL;
                r = event_template_object(ev, &o);
                if (r >= 0)
                        r = template_render(e->template, o, &s);
                if (r == -EINVAL)
                        return log_error_errno(r, "template parsing error: %s", e->template);
                break;
        }
        default:
                r = event_format_line(ev, &s);
        }
        if (r < 0)
                return log_error_errno(r, "Failed to format an event: %m");
        if (puts(s) == EOF || fflush(stdout) == EOF)
                return log_error_errno(errno, "Failed to write the event: %m");
        return 0;
}

static int journal_field(sd_journal *j, const char *field, char **ret) {
        const void *data;
        size_t size, k = strlen(field) + 1;
        int r;

        r = sd_journal_get_data(j, field, &data, &size);
        if (r == -ENOENT) {
                *ret = NULL;
                return 0;
        }
        if (r < 0)
                return r;
        *ret = strndup((const char *)data + k, size - k);
        return *ret ? 0 : -ENOMEM;
}

static int events_read_journal_entry(sd_journal *j, Event *ret) {
        _cleanup_free_ char *type = NULL, *action = NULL, *id = NULL, *attrs = NULL, *time = NULL;
        int r;

        if ((r = journal_field(j, "BERTH_EVENT_TYPE", &type)) < 0 ||
            (r = journal_field(j, "BERTH_EVENT_ACTION", &action)) < 0 ||
            (r = journal_field(j, "BERTH_EVENT_ID", &id)) < 0 ||
            (r = journal_field(j, "BERTH_EVENT_ATTRIBUTES", &attrs)) < 0 ||
            (r = journal_field(j, "BERTH_EVENT_TIME_USEC", &time)) < 0)
                return r;
        return event_from_journal(type, action, id, attrs, time, ret);
}

/* Prints the recorded events from --since to --until (or now). */
static int events_history(Events *e) {
        _cleanup_(sd_journal_closep) sd_journal *j = NULL;
        int r;

        (void)journal_sync();
        r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
        if (r < 0)
                return log_error_errno(r, "Failed to open the journal: %m");
        (void)sd_journal_set_data_threshold(j, 0);
        r = sd_journal_add_match(j, "MESSAGE_ID=" BERTH_EVENT_MESSAGE_ID, 0);
        /* Only berthd's (root's) records count: anybody may log a line with that MESSAGE_ID. */
        if (r >= 0)
                r = sd_journal_add_match(j, "_UID=0", 0);
        if (r < 0)
                return log_error_errno(r, "Failed to add journal match: %m");
        /* The journal's own timestamp comes after the event's: start a little early, then go by the
         * event's time. */
        r = sd_journal_seek_realtime_usec(j, e->since > USEC_PER_SEC ? e->since - USEC_PER_SEC : 0);
        if (r < 0)
                return log_error_errno(r, "Failed to seek in the journal: %m");

        while ((r = sd_journal_next(j)) > 0) {
                _cleanup_(event_done) Event ev = {};
                _cleanup_free_ char *key = NULL;

                if (events_read_journal_entry(j, &ev) < 0) {
                        log_debug("Skipping a malformed event record.");
                        continue;
                }
                if (ev.time_usec < e->since)
                        continue;
                if (ev.time_usec > e->until)
                        break;
                key = event_key(&ev);
                if (!key)
                        return log_oom();
                if (ev.time_usec > e->seam_usec) {
                        e->seam_usec = ev.time_usec;
                        e->seam_keys = strv_free(e->seam_keys);
                }
                if (ev.time_usec == e->seam_usec && strv_consume(&e->seam_keys, TAKE_PTR(key)) < 0)
                        return log_oom();
                r = events_print(e, &ev);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to read the journal: %m");
        return 0;
}

static int read_attributes(sd_bus_message *m, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        const char *k, *v;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{ss}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "{ss}", &k, &v)) > 0)
                if (strv_extend(&l, k) < 0 || strv_extend(&l, v) < 0)
                        return -ENOMEM;
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}

static int on_event(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(event_done) Event ev = {};
        Events *e = userdata;
        const char *type, *action, *id;
        int r;

        r = sd_bus_message_read(m, "sss", &type, &action, &id);
        if (r >= 0)
                r = read_attributes(m, &ev.attributes);
        if (r >= 0)
                r = sd_bus_message_read(m, "t", &ev.time_usec);
        if (r < 0) {
                log_debug_errno(r, "Ignoring a malformed Event signal: %m");
                return 0;
        }
        ev.type = strdup(type);
        ev.action = strdup(action);
        ev.id = strdup(id);
        if (!ev.type || !ev.action || !ev.id)
                return sd_event_exit(e->event, log_oom());

        if (ev.time_usec < e->since || ev.time_usec < e->seam_usec)
                return 0;
        if (ev.time_usec == e->seam_usec) {
                _cleanup_free_ char *key = event_key(&ev);
                if (!key)
                        return sd_event_exit(e->event, log_oom());
                if (strv_contains(e->seam_keys, key))
                        return 0;
        }
        if (ev.time_usec > e->until)
                return sd_event_exit(e->event, 0);
        if (events_print(e, &ev) < 0)
                return sd_event_exit(e->event, -EIO);
        return 0;
}

static int on_until(sd_event_source *s, uint64_t usec, void *userdata) {
        Events *e = userdata;
        return sd_event_exit(e->event, 0);
}

static void events_help(void) {
        printf("Usage:  berth events [OPTIONS]\n\nGet real time events from the server\n\n"
               "Options:\n"
               "  -f, --filter filter   Filter output based on conditions provided (container=NAME|ID, "
               "event=ACTION, image=NAME, type=container|image)\n"
               "      --format string   Format output using a custom template: 'json' or a template such as "
               "'{{.Action}} {{.Actor.Attributes.name}}'\n"
               "      --since string    Show all events created since timestamp\n"
               "      --until string    Stream events until this timestamp\n");
}

int verb_events(int argc, char *argv[]) {
        enum { ARG_SINCE = 0x100, ARG_UNTIL, ARG_FORMAT, ARG_HELP };
        static const struct option options[] = {
                {"filter", required_argument, NULL, 'f'},
                {"format", required_argument, NULL, ARG_FORMAT},
                {"since", required_argument, NULL, ARG_SINCE},
                {"until", required_argument, NULL, ARG_UNTIL},
                {"help", no_argument, NULL, ARG_HELP},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_event_source_unrefp) sd_event_source *timer = NULL;
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        _cleanup_(events_done) Events e = {.until = UINT64_MAX};
        uint64_t now = now_realtime_usec();
        const char *format_arg = NULL;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+f:", options)) >= 0)
                switch (c) {
                case 'f':
                        r = event_filter_add(&e.filter, optarg);
                        if (r == -ENOMEM)
                                return log_oom(), EXIT_BERTH_ERROR;
                        if (r == -EINVAL)
                                return log_error("bad format of filter (expected name=value): %s", optarg),
                                       EXIT_BERTH_ERROR;
                        if (r < 0) {
                                size_t n = strcspn(optarg, "=");
                                return log_error(
                                               "invalid filter '%.*s'%s",
                                               (int)n,
                                               optarg,
                                               r == -EOPNOTSUPP ? ": berth has no such objects" : ""),
                                       EXIT_BERTH_ERROR;
                        }
                        break;
                case ARG_FORMAT:
                        format_arg = optarg;
                        break;
                case ARG_SINCE:
                case ARG_UNTIL:
                        r = parse_timestamp_usec(optarg, now, c == ARG_SINCE ? &e.since : &e.until);
                        if (r < 0)
                                return log_error(
                                               "invalid value for \"%s\": failed to parse value as time or "
                                               "duration: \"%s\"",
                                               c == ARG_SINCE ? "since" : "until",
                                               optarg),
                                       EXIT_BERTH_ERROR;
                        break;
                case ARG_HELP:
                        events_help();
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (optind < argc)
                return log_error("\"berth events\" accepts no arguments.\nSee 'berth events --help'."),
                       EXIT_BERTH_ERROR;
        if (e.until != UINT64_MAX && e.since > e.until)
                return log_error("--since must not be later than --until"), EXIT_BERTH_ERROR;
        if (output_format_parse(format_arg, &e.format, &e.template) < 0)
                return log_oom(), EXIT_BERTH_ERROR;
        if (e.template) {
                /* A template that does not parse is a flag error, found before any event comes. */
                _cleanup_json_ cJSON *empty = cJSON_CreateObject();
                _cleanup_free_ char *s = NULL;
                if (!empty)
                        return log_oom(), EXIT_BERTH_ERROR;
                if (template_render(e.template, empty, &s) == -EINVAL)
                        return log_error("template parsing error: %s", e.template), EXIT_BERTH_ERROR;
        }
        if (berth_bus_open(&bus) < 0)
                return EXIT_BERTH_ERROR;

        r = sd_event_default(&event);
        if (r >= 0)
                r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the event loop: %m"), EXIT_BERTH_ERROR;
        e.event = event;

        /* Subscribe first: whatever happens while the history is read is queued, not lost. */
        r = sd_bus_match_signal(
                bus, NULL, BERTH_BUS_NAME, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "Event", on_event, &e);
        if (r < 0)
                return log_error_errno(r, "Failed to subscribe to berthd's events: %m"), EXIT_BERTH_ERROR;

        if (e.since > 0 && events_history(&e) < 0)
                return EXIT_BERTH_ERROR;
        if (e.until != UINT64_MAX) {
                if (e.until <= now_realtime_usec())
                        return EXIT_SUCCESS;
                r = sd_event_add_time(event, &timer, CLOCK_REALTIME, e.until, 0, on_until, &e);
                if (r < 0)
                        return log_error_errno(r, "Failed to arm the --until timer: %m"), EXIT_BERTH_ERROR;
        }

        r = sd_event_loop(event);
        return r < 0 ? EXIT_BERTH_ERROR : EXIT_SUCCESS;
}
