/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The lifecycle verbs beyond start/stop: restart, pause, unpause, rename, top, stats, container prune
 * and wait (with --condition). */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bus-util.h"
#include "container-list.h"
#include "fileio.h"
#include "json-util.h"
#include "log.h"
#include "output.h"
#include "parse-flags.h"
#include "prune.h"
#include "strv.h"
#include "verbs.h"

#define STATS_SAMPLE_USEC (UINT64_C(500) * UINT64_C(1000))
#define STATS_STREAM_USEC (UINT64_C(1000) * UINT64_C(1000))
#define PROC_FILE_MAX (64U * 1024U)

static bool want_help(int argc, char *argv[], const char *text) {
        for (int i = 1; i < argc && !streq(argv[i], "--"); i++)
                if (streq(argv[i], "--help")) {
                        fputs(text, stdout);
                        return true;
                }
        return false;
}

int verb_restart(int argc, char *argv[]) {
        return verb_stop_or_restart(
                argc,
                argv,
                "Restart",
                "Usage:  berth restart [OPTIONS] CONTAINER [CONTAINER...]\n\nRestart one or "
                "more "
                "containers\n\nOptions:\n  -t, --time int   Seconds to wait before killing "
                "the "
                "container (negative: wait forever)\n");
}

static int pause_or_unpause(int argc, char *argv[], const char *method, const char *help) {

        if (want_help(argc, argv, help))
                return EXIT_SUCCESS;
        optind = 1;
        if (argc > 1 && streq(argv[1], "--"))
                optind = 2;
        if (optind < argc && argv[optind][0] == '-' && argv[optind][1])
                return log_error("unknown flag: %s\nSee 'berth %s --help'.", argv[optind], argv[0]),
                       EXIT_BERTH_ERROR;
        return verb_call_on_containers(argc, argv, "CONTAINER [CONTAINER...]", method, 0, false, NULL);
}

int verb_pause(int argc, char *argv[]) {
        return pause_or_unpause(
                argc,
                argv,
                "Pause",
                "Usage:  berth pause CONTAINER [CONTAINER...]\n\nPause all processes within one or more "
                "containers\n");
}

int verb_unpause(int argc, char *argv[]) {
        return pause_or_unpause(
                argc,
                argv,
                "Unpause",
                "Usage:  berth unpause CONTAINER [CONTAINER...]\n\nUnpause all processes within one or more "
                "containers\n");
}

int verb_rename(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        if (want_help(
                    argc,
                    argv,
                    "Usage:  berth rename CONTAINER NEW_NAME\n\nRename a container (a running container's "
                    "unit keeps its old name until the next start)\n"))
                return EXIT_SUCCESS;
        optind = 1;
        if (require_args(argc, argv, 2, true, "CONTAINER NEW_NAME") < 0)
                return EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = bus_get_container(bus, argv[optind], &error, &path);
        if (r >= 0)
                r = bus_call(
                        bus, path, BERTH_CONTAINER_IFACE, "Rename", 0, &error, NULL, "s", argv[optind + 1]);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;
        return EXIT_SUCCESS;
}

/* ps's [DD-]HH:MM:SS */
static void format_cpu_time(char buf[static FORMAT_BUF], uint64_t seconds) {
        uint64_t d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60, s = seconds % 60;

        if (d > 0)
                snprintf(buf, FORMAT_BUF, "%" PRIu64 "-%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, d, h, m, s);
        else
                snprintf(buf, FORMAT_BUF, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, h, m, s);
}

/* One row of Docker's top (ps -ef columns) from /proc/<pid>. */
static int top_row(uint32_t pid, const char *cmdline, Table *t) {
        _cleanup_free_ char *path = NULL, *stat = NULL, *status = NULL;
        char uid_buf[32] = "?", ppid_buf[16] = "?", c_buf[16] = "0", stime[FORMAT_BUF] = "?", tty[32] = "?",
             cpu[FORMAT_BUF] = "00:00:00", pid_buf[16];
        long hz = sysconf(_SC_CLK_TCK);
        const char *user = uid_buf;

        snprintf(pid_buf, sizeof(pid_buf), "%" PRIu32, pid);
        if (asprintf(&path, "/proc/%" PRIu32 "/stat", pid) >= 0 &&
            read_full_file_at(AT_FDCWD, path, PROC_FILE_MAX, &stat, NULL) >= 0) {
                const char *p = strrchr(stat, ')');
                unsigned long long utime, stime_ticks, start;
                int ppid, tty_nr;
                char state;

                /* Fields after "(comm)": state ppid pgrp session tty_nr ... utime(14) stime(15) ...
                 * starttime(22). */
                if (p &&
                    sscanf(p + 2,
                           "%c %d %*d %*d %d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %llu",
                           &state,
                           &ppid,
                           &tty_nr,
                           &utime,
                           &stime_ticks,
                           &start) == 6 &&
                    hz > 0) {
                        struct timespec boot_ts;
                        double up, age, used = (double)(utime + stime_ticks) / (double)hz;
                        time_t started;
                        struct tm tm, now_tm;
                        time_t now = time(NULL);

                        snprintf(ppid_buf, sizeof(ppid_buf), "%d", ppid);
                        format_cpu_time(cpu, (uint64_t)used);
                        if (tty_nr != 0)
                                snprintf(
                                        tty,
                                        sizeof(tty),
                                        "pts/%d",
                                        (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00));
                        clock_gettime(CLOCK_BOOTTIME, &boot_ts);
                        up = (double)boot_ts.tv_sec + (double)boot_ts.tv_nsec / 1e9;
                        age = up - (double)start / (double)hz;
                        if (age > 0)
                                snprintf(c_buf, sizeof(c_buf), "%d", (int)(used * 100.0 / age));
                        started = now - (time_t)age;
                        localtime_r(&started, &tm);
                        localtime_r(&now, &now_tm);
                        if (tm.tm_yday == now_tm.tm_yday && tm.tm_year == now_tm.tm_year)
                                strftime(stime, sizeof(stime), "%H:%M", &tm);
                        else
                                strftime(stime, sizeof(stime), "%b%d", &tm);
                }
        }
        free(path);
        path = NULL;
        if (asprintf(&path, "/proc/%" PRIu32 "/status", pid) >= 0 &&
            read_full_file_at(AT_FDCWD, path, PROC_FILE_MAX, &status, NULL) >= 0) {
                const char *u = strstr(status, "\nUid:");
                unsigned uid;

                if (u && sscanf(u + 5, "%u", &uid) == 1) {
                        struct passwd *pw = getpwuid(uid);
                        if (pw)
                                user = pw->pw_name;
                        else
                                snprintf(uid_buf, sizeof(uid_buf), "%u", uid);
                }
        }

        return table_add_row(t, STRV_MAKE(user, pid_buf, ppid_buf, c_buf, stime, tty, cpu, cmdline));
}

int verb_top(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(table_freep) Table *t = NULL;
        _cleanup_free_ char *path = NULL;
        const char *cmdline;
        uint32_t pid;
        int r;

        if (want_help(
                    argc,
                    argv,
                    "Usage:  berth top CONTAINER [ps OPTIONS]\n\nDisplay the running processes of a "
                    "container (ps options are accepted and ignored)\n"))
                return EXIT_SUCCESS;
        optind = 1;
        if (require_args(argc, argv, 1, false, "CONTAINER [ps OPTIONS]") < 0)
                return EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = bus_get_container(bus, argv[optind], &error, &path);
        if (r >= 0)
                r = bus_call(bus, path, BERTH_CONTAINER_IFACE, "Top", 0, &error, &reply, NULL);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;

        t = table_new(8);
        if (!t || table_add_row(t, STRV_MAKE("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD")) < 0)
                return log_oom(), EXIT_FAILURE;
        r = sd_bus_message_enter_container(reply, 'a', "(us)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(us)", &pid, &cmdline)) > 0)
                if (top_row(pid, cmdline, t) < 0)
                        return log_oom(), EXIT_FAILURE;
        if (r < 0)
                return log_error_errno(r, "Failed to parse the process list: %m"), EXIT_FAILURE;
        return table_print(t, stdout) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

typedef struct StatsSample {
        char *arg, *path, *id, *name;
        uint64_t memory, limit, cpu_nsec, tasks, block_read, block_write;
        uint64_t at_usec; /* CLOCK_MONOTONIC */
        double cpu_percent;
        bool ok;
} StatsSample;

static void stats_samples_free(StatsSample *s, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(s[i].arg);
                free(s[i].path);
                free(s[i].id);
                free(s[i].name);
        }
        free(s);
}

static uint64_t now_monotonic_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000U;
}

static int stats_sample(sd_bus *bus, StatsSample *s) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        uint64_t prev_cpu = s->cpu_nsec, prev_at = s->at_usec;
        const char *key;
        uint64_t v;
        int r;

        r = bus_call(bus, s->path, BERTH_CONTAINER_IFACE, "GetStats", 0, &error, &reply, NULL);
        if (r < 0)
                return bus_log_call_error("", &error, r), r;
        s->at_usec = now_monotonic_usec();
        r = sd_bus_message_enter_container(reply, 'a', "{st}");
        while (r >= 0 && (r = sd_bus_message_read(reply, "{st}", &key, &v)) > 0) {
                if (streq(key, "MemoryUsage"))
                        s->memory = v;
                else if (streq(key, "MemoryLimit"))
                        s->limit = v;
                else if (streq(key, "CPUUsageNSec"))
                        s->cpu_nsec = v;
                else if (streq(key, "Tasks"))
                        s->tasks = v;
                else if (streq(key, "BlockRead"))
                        s->block_read = v;
                else if (streq(key, "BlockWrite"))
                        s->block_write = v;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to parse the stats: %m");
        /* CPU %: CPU time used over the wall time between two samples, as Docker's (which is the same
         * ratio over the host's CPU time times the number of CPUs). */
        s->cpu_percent = 0;
        if (s->ok && s->at_usec > prev_at && s->cpu_nsec >= prev_cpu)
                s->cpu_percent =
                        (double)(s->cpu_nsec - prev_cpu) / 1000.0 / (double)(s->at_usec - prev_at) * 100.0;
        s->ok = true;
        return 0;
}

static cJSON *stats_row_json(const StatsSample *s, bool trunc) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        char a[FORMAT_BUF], b[FORMAT_BUF], cpu[FORMAT_BUF], mem[2 * FORMAT_BUF + 4], mem_perc[FORMAT_BUF],
                block[2 * FORMAT_BUF + 4], pids[32], id[SHORT_ID_LEN + 1];

        if (!o)
                return NULL;
        snprintf(id, sizeof(id), "%.*s", SHORT_ID_LEN, s->id);
        snprintf(cpu, sizeof(cpu), "%.2f%%", s->cpu_percent);
        snprintf(
                mem,
                sizeof(mem),
                "%s / %s",
                format_bytes_binary(a, s->memory),
                format_bytes_binary(b, s->limit));
        snprintf(
                mem_perc,
                sizeof(mem_perc),
                "%.2f%%",
                s->limit > 0 ? (double)s->memory * 100.0 / (double)s->limit : 0.0);
        snprintf(
                block,
                sizeof(block),
                "%s / %s",
                format_size(a, s->block_read),
                format_size(b, s->block_write));
        snprintf(pids, sizeof(pids), "%" PRIu64, s->tasks);
        if (!cJSON_AddStringToObject(o, "BlockIO", block) || !cJSON_AddStringToObject(o, "CPUPerc", cpu) ||
            !cJSON_AddStringToObject(o, "Container", s->arg) ||
            !cJSON_AddStringToObject(o, "ID", trunc ? id : s->id) ||
            !cJSON_AddStringToObject(o, "MemPerc", mem_perc) ||
            !cJSON_AddStringToObject(o, "MemUsage", mem) || !cJSON_AddStringToObject(o, "Name", s->name) ||
            /* Containers have their own loopback-only network namespace. */
            !cJSON_AddStringToObject(o, "NetIO", "0B / 0B") || !cJSON_AddStringToObject(o, "PIDs", pids))
                return NULL;
        return TAKE_PTR(o);
}

static const Column stats_columns[] = {
        {"ID", "CONTAINER ID", true},
        {"Name", "NAME", true},
        {"CPUPerc", "CPU %", true},
        {"MemUsage", "MEM USAGE / LIMIT", true},
        {"MemPerc", "MEM %", true},
        {"NetIO", "NET I/O", true},
        {"BlockIO", "BLOCK I/O", true},
        {"PIDs", "PIDS", true},
        {"Container", "CONTAINER", false},
};

int verb_stats(int argc, char *argv[]) {
        static const struct option options[] = {
                {"all", no_argument, NULL, 'a'},
                {"no-stream", no_argument, NULL, 'S'},
                {"no-trunc", no_argument, NULL, 'N'},
                {"format", required_argument, NULL, 'F'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *list_reply = NULL;
        _cleanup_free_ char *body = NULL;
        StatsSample *samples = NULL;
        size_t n = 0;
        bool all = false, stream = true, trunc = true;
        const char *format_arg = NULL;
        OutputFormat format;
        int c, r, status = EXIT_SUCCESS;

        optind = 0;
        while ((c = next_option(argc, argv, "+a", options)) >= 0)
                switch (c) {
                case 'a':
                        all = true;
                        break;
                case 'S':
                        stream = false;
                        break;
                case 'N':
                        trunc = false;
                        break;
                case 'F':
                        format_arg = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth stats [OPTIONS] [CONTAINER...]\n\nDisplay a live stream of "
                               "container(s) resource usage statistics\n\nOptions:\n"
                               "  -a, --all             Show all containers (default shows just running)\n"
                               "      --format string   Format output: table, json, or a template\n"
                               "      --no-stream       Disable streaming stats and only pull the first "
                               "result\n"
                               "      --no-trunc        Do not truncate output\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (output_format_parse(format_arg, &format, &body) < 0)
                return log_oom(), EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;

        if (optind < argc) {
                samples = calloc((size_t)(argc - optind), sizeof(StatsSample));
                if (!samples)
                        return log_oom(), EXIT_FAILURE;
                for (int i = optind; i < argc; i++) {
                        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                        StatsSample *s = &samples[n];

                        r = bus_get_container(bus, argv[i], &error, &s->path);
                        if (r >= 0)
                                r = sd_bus_get_property_string(
                                        bus,
                                        BERTH_BUS_NAME,
                                        s->path,
                                        BERTH_CONTAINER_IFACE,
                                        "Id",
                                        &error,
                                        &s->id);
                        if (r >= 0)
                                r = sd_bus_get_property_string(
                                        bus,
                                        BERTH_BUS_NAME,
                                        s->path,
                                        BERTH_CONTAINER_IFACE,
                                        "Name",
                                        &error,
                                        &s->name);
                        if (r < 0) {
                                bus_log_call_error("", &error, r);
                                free(s->path), free(s->id), free(s->name);
                                *s = (StatsSample){};
                                status = EXIT_FAILURE;
                                continue;
                        }
                        s->arg = strdup(argv[i]);
                        if (!s->arg)
                                return log_oom(), EXIT_FAILURE;
                        n++;
                }
        } else {
                ContainerRow *rows = NULL;
                size_t k = 0;

                if (container_list_fetch(bus, all, &list_reply, &rows, &k) < 0)
                        return EXIT_FAILURE;
                samples = calloc(k ?: 1, sizeof(StatsSample));
                if (!samples)
                        return free(rows), log_oom(), EXIT_FAILURE;
                for (size_t i = 0; i < k; i++, n++) {
                        samples[n].path = strdup(rows[i].path);
                        samples[n].id = strdup(rows[i].id);
                        samples[n].name = strdup(rows[i].name);
                        samples[n].arg = strndup(rows[i].id, SHORT_ID_LEN);
                        if (!samples[n].path || !samples[n].id || !samples[n].name || !samples[n].arg)
                                return free(rows), stats_samples_free(samples, n + 1), log_oom(),
                                       EXIT_FAILURE;
                }
                free(rows);
        }
        if (n == 0 && status != EXIT_SUCCESS)
                return stats_samples_free(samples, n), status;

        /* A first sample for the CPU delta. */
        for (size_t i = 0; i < n; i++)
                (void)stats_sample(bus, &samples[i]);
        (void)usleep(STATS_SAMPLE_USEC);

        for (;;) {
                _cleanup_json_ cJSON *rows = cJSON_CreateArray();

                if (!rows)
                        return stats_samples_free(samples, n), log_oom(), EXIT_FAILURE;
                for (size_t i = 0; i < n; i++) {
                        cJSON *o;

                        if (stats_sample(bus, &samples[i]) < 0) {
                                status = EXIT_FAILURE;
                                continue;
                        }
                        o = stats_row_json(&samples[i], trunc);
                        if (!o)
                                return stats_samples_free(samples, n), log_oom(), EXIT_FAILURE;
                        cJSON_AddItemToArray(rows, o);
                }
                if (stream && isatty(STDOUT_FILENO))
                        fputs("\033[2J\033[H", stdout);
                if (print_formatted_rows(rows, format, body, stats_columns, ELEMENTSOF(stats_columns)) < 0)
                        status = EXIT_FAILURE;
                fflush(stdout);
                if (!stream)
                        break;
                (void)usleep(STATS_STREAM_USEC);
        }
        stats_samples_free(samples, n);
        return status;
}

int verb_container_prune(int argc, char *argv[]) {
        static const struct option options[] = {
                {"force", no_argument, NULL, 'f'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        bool force = false;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+f", options)) >= 0)
                switch (c) {
                case 'f':
                        force = true;
                        break;
                case 'H':
                        printf("Usage:  berth container prune [OPTIONS]\n\nRemove all stopped containers\n\n"
                               "Options:\n  -f, --force   Do not prompt for confirmation\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (optind < argc)
                return log_error("\"berth container prune\" accepts no arguments."), EXIT_FAILURE;
        if (!force && !prune_confirmed("stopped containers"))
                return EXIT_SUCCESS;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = bus_call(bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "PruneContainers", 0, NULL, &reply, NULL);
        if (r < 0)
                return EXIT_FAILURE;
        return prune_print_reply(reply, "Deleted Containers:");
}

int verb_wait(int argc, char *argv[]) {
        static const struct option options[] = {
                {"condition", required_argument, NULL, 'C'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        const char *condition = "not-running";
        int c;

        optind = 0;
        while ((c = next_option(argc, argv, "+", options)) >= 0)
                switch (c) {
                case 'C':
                        if (!streq(optarg, "not-running") && !streq(optarg, "next-exit") &&
                            !streq(optarg, "removed"))
                                return log_error(
                                               "invalid argument \"%s\" for \"--condition\" flag: use "
                                               "not-running, next-exit or removed",
                                               optarg),
                                       EXIT_BERTH_ERROR;
                        condition = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth wait [OPTIONS] CONTAINER [CONTAINER...]\n\nBlock until one or "
                               "more "
                               "containers stop, then print their exit codes\n\nOptions:\n"
                               "      --condition string   not-running (default), next-exit or removed\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        return verb_call_on_containers(
                argc,
                argv,
                "[OPTIONS] CONTAINER [CONTAINER...]",
                "WaitCondition",
                BUS_TIMEOUT_INFINITY,
                true,
                "s",
                condition);
}
