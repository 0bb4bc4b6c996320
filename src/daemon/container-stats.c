/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bus-errors.h"
#include "container-stats.h"
#include "log.h"
#include "unit-manager.h"

#define BLKIO_V1_ROOT "/sys/fs/cgroup/blkio"

static int not_running(Container *c, sd_bus_error *error) {
        return sd_bus_error_setf(
                error, BERTH_ERROR_CONTAINER_NOT_RUNNING, "Container %s is not running", c->id);
}

int container_top(Container *c, sd_bus_message *request, sd_bus_error *error) {
        int r;

        if (c->state != CONTAINER_RUNNING || c->restarting)
                return not_running(c, error);
        r = unit_get_processes(c, request);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to list the processes of %s: %m", c->unit);
        return 0;
}

int container_get_stats(Container *c, sd_bus_message *request, sd_bus_error *error) {
        int r;

        /* Docker shows a stopped container with zeros. */
        if (c->state != CONTAINER_RUNNING || c->restarting) {
                UnitStats s = UNIT_STATS_NULL;
                return container_stats_reply(request, NULL, &s);
        }
        r = unit_get_stats(c, request);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to read the accounting of %s: %m", c->unit);
        return 0;
}

int blkio_parse_service_bytes(FILE *f, uint64_t *ret_read, uint64_t *ret_write) {
        uint64_t rd = 0, wr = 0;
        char line[256];

        /* "8:0 Read 4096" ... "8:0 Total 8192", then a final "Total N". */
        while (fgets(line, sizeof(line), f)) {
                char dev[64], op[16];
                uint64_t v;

                if (sscanf(line, "%63s %15s %" SCNu64, dev, op, &v) != 3)
                        continue;
                if (streq(op, "Read"))
                        rd += v;
                else if (streq(op, "Write"))
                        wr += v;
        }
        if (ferror(f))
                return -EIO;
        *ret_read = rd;
        *ret_write = wr;
        return 0;
}

/* On a hybrid layout systemd reports IO only from cgroup v2: the v1 blkio counters are the fallback. */
static void blkio_v1_bytes(const char *unit, uint64_t *rd, uint64_t *wr) {
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;

        if (!unit ||
            asprintf(&path, BLKIO_V1_ROOT "/berth.slice/%s/blkio.throttle.io_service_bytes", unit) < 0)
                return;
        f = fopen(path, "re");
        if (!f)
                return;
        (void)blkio_parse_service_bytes(f, rd, wr);
}

static uint64_t host_memory(void) {
        long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
        return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
}

static uint64_t value_or_zero(uint64_t v) {
        return v == UINT64_MAX ? 0 : v;
}

int container_stats_reply(sd_bus_message *request, const char *unit, const UnitStats *s) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        uint64_t rd = s->io_read_bytes, wr = s->io_write_bytes, limit = s->memory_max;
        int r;

        if (rd == UINT64_MAX || wr == UINT64_MAX) {
                rd = wr = 0;
                blkio_v1_bytes(unit, &rd, &wr);
        }
        if (limit == UINT64_MAX || limit == 0)
                limit = host_memory();

        r = sd_bus_message_new_method_return(request, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_append(
                reply,
                "a{st}",
                6,
                "MemoryUsage",
                value_or_zero(s->memory_current),
                "MemoryLimit",
                limit,
                "CPUUsageNSec",
                value_or_zero(s->cpu_usage_nsec),
                "Tasks",
                value_or_zero(s->tasks_current),
                "BlockRead",
                rd,
                "BlockWrite",
                wr);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}
