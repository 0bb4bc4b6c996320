/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* berth events: the model of one event (Manager.Event signal or its journal record), Docker's filters and
 * Docker's three ways of printing it. Pure: no bus, no journal. */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "macro.h"

typedef struct Event {
        char *type;        /* "container", "image" */
        char *action;      /* "start", "die", "tag", … */
        char *id;          /* the actor: container id, image id */
        char **attributes; /* key, value, key, value, …; NULL-terminated */
        uint64_t time_usec;
} Event;

void event_done(Event *e);
/* The value of attribute key, NULL when absent. */
const char *event_attribute(const Event *e, const char *key);
/* Fills e from a journal record's fields: BERTH_EVENT_ATTRIBUTES is a JSON object of strings,
 * BERTH_EVENT_TIME_USEC a decimal number. -EINVAL when one does not parse. */
int event_from_journal(
        const char *type,
        const char *action,
        const char *id,
        const char *attributes_json,
        const char *time_usec,
        Event *ret);

/* Docker's default line: "2024-01-02T15:04:05.000000000Z container start <id> (image=busybox, name=x)",
 * attributes sorted by key. */
int event_format_line(const Event *e, char **ret);
/* Docker's JSON message (events.Message): status/id/from for containers and images, Type, Action, Actor,
 * scope, time, timeNano, on one line. */
int event_format_json(const Event *e, char **ret);
/* The object {{.Field}} templates see, with Go's field names: Status, ID, From, Type, Action,
 * Actor.ID, Actor.Attributes.<key>, Scope, Time, TimeNano. */
int event_template_object(const Event *e, cJSON **ret);

/* --filter key=value; the same key given twice matches either value, different keys must all match. */
typedef struct EventFilter {
        char **containers; /* id prefix or name (prefix) */
        char **events;     /* action */
        char **types;      /* container, image */
        char **images;     /* the image attribute of container events; id or name of image events */
} EventFilter;

void event_filter_done(EventFilter *f);
/* -EINVAL: not "key=value"; -ENOKEY: a key Docker does not know or berth does not filter on. */
int event_filter_add(EventFilter *f, const char *arg);
bool event_filter_match(const EventFilter *f, const Event *e);
