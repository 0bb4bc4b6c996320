/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Health checks at work: berthd runs each container's probe through the runtime's exec path (the same
 * as berth exec: no unit per probe, no systemd timer), on one sd-event timer per container that is
 * either the next probe's or the running probe's timeout. The first probe runs as soon as the
 * container runs (after the start period, if one is set), then one every interval after the previous
 * one ended. A timeout closes the probe's connection, which makes the runtime kill the probe.
 * Status changes emit the Event signal ("health_status: healthy") and PropertiesChanged of Health;
 * turning unhealthy applies --health-on-failure. The pure part is health-check.h. */

#include "container.h"
#include "health-check.h"

/* Arms or disarms the check from the container's state: a running container (not between two runs of
 * its restart policy) is probed, anything else is not. A new run (another StartedAt) starts again from
 * "starting". Idempotent: call it after every state change. */
void container_health_follow(Container *c);

/* The Health property and ps: "" without a check, else starting, healthy or unhealthy. */
const char *container_health_status_string(const Container *c);
