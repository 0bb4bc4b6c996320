/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-util.h"
#include "container-list.h"
#include "disk-usage.h"
#include "image-rows.h"
#include "json-util.h"
#include "log.h"
#include "output.h"
#include "parse-flags.h"
#include "strv.h"
#include "verbs.h"

/* One image row of Manager.GetDiskUsage. */
typedef struct DiskUsageImageRow {
        char *id;
        char *first_tag; /* NULL: untagged */
        uint64_t created;
        DiskUsageImage usage;
} DiskUsageImageRow;

/* One container row of Manager.GetDiskUsage; id points into the reply. */
typedef struct DiskUsageContainerRow {
        const char *id;
        uint64_t size_rw;
} DiskUsageContainerRow;

/* One volume row of Manager.GetDiskUsage; name points into the reply. */
typedef struct DiskUsageVolumeRow {
        const char *name;
        DiskUsageVolume usage;
} DiskUsageVolumeRow;

typedef struct DiskUsage {
        sd_bus_message *reply;
        uint64_t layers_size;
        DiskUsageImageRow *images;
        size_t n_images;
        DiskUsageContainerRow *containers;
        size_t n_containers;
        DiskUsageVolumeRow *volumes;
        size_t n_volumes;
} DiskUsage;

static void disk_usage_done(DiskUsage *du) {
        for (size_t i = 0; i < du->n_images; i++) {
                free(du->images[i].id);
                free(du->images[i].first_tag);
        }
        free(du->images);
        free(du->containers);
        free(du->volumes);
        sd_bus_message_unref(du->reply);
        *du = (DiskUsage){};
}

static int read_image_rows(sd_bus_message *m, DiskUsage *du) {
        int r;

        r = sd_bus_message_enter_container(m, 'a', "(sastttu)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'r', "sastttu")) > 0) {
                _cleanup_strv_free_ char **tags = NULL;
                DiskUsageImageRow *a, *row;
                const char *id;

                a = realloc(du->images, (du->n_images + 1) * sizeof(DiskUsageImageRow));
                if (!a)
                        return -ENOMEM;
                du->images = a;
                row = &du->images[du->n_images++];
                *row = (DiskUsageImageRow){};
                r = sd_bus_message_read(m, "s", &id);
                if (r < 0)
                        return r;
                row->id = image_id_full(id);
                if (!row->id)
                        return -ENOMEM;
                r = sd_bus_message_read_strv(m, &tags);
                if (r < 0)
                        return r;
                if (tags) {
                        row->first_tag = strdup(tags[0]);
                        if (!row->first_tag)
                                return -ENOMEM;
                }
                r = sd_bus_message_read(
                        m,
                        "tttu",
                        &row->created,
                        &row->usage.size,
                        &row->usage.shared_size,
                        &row->usage.containers);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

static int read_container_rows(sd_bus_message *m, DiskUsage *du) {
        const char *id;
        uint64_t size;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "(st)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "(st)", &id, &size)) > 0) {
                DiskUsageContainerRow *a =
                        realloc(du->containers, (du->n_containers + 1) * sizeof(DiskUsageContainerRow));
                if (!a)
                        return -ENOMEM;
                du->containers = a;
                du->containers[du->n_containers++] = (DiskUsageContainerRow){id, size};
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

static int read_volume_rows(sd_bus_message *m, DiskUsage *du) {
        const char *name;
        uint32_t links;
        uint64_t size;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "(sut)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "(sut)", &name, &links, &size)) > 0) {
                DiskUsageVolumeRow *a =
                        realloc(du->volumes, (du->n_volumes + 1) * sizeof(DiskUsageVolumeRow));
                if (!a)
                        return -ENOMEM;
                du->volumes = a;
                du->volumes[du->n_volumes++] = (DiskUsageVolumeRow){name, {size, links}};
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

static int disk_usage_fetch(sd_bus *bus, DiskUsage *ret) {
        _cleanup_(disk_usage_done) DiskUsage du = {};
        int r;

        r = bus_call(bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "GetDiskUsage", 0, NULL, &du.reply, NULL);
        if (r < 0)
                return r;
        r = sd_bus_message_read(du.reply, "t", &du.layers_size);
        if (r >= 0)
                r = read_image_rows(du.reply, &du);
        if (r >= 0)
                r = read_container_rows(du.reply, &du);
        if (r >= 0)
                r = read_volume_rows(du.reply, &du);
        if (r < 0)
                return log_error_errno(r, "Failed to parse the disk usage: %m");
        *ret = du;
        du = (DiskUsage){};
        return 0;
}

static const DiskUsageContainerRow *container_usage(const DiskUsage *du, const char *id) {
        for (size_t i = 0; i < du->n_containers; i++)
                if (streq(du->containers[i].id, id))
                        return &du->containers[i];
        return NULL;
}

static const Column summary_columns[] = {
        {"Type", "TYPE", true},
        {"TotalCount", "TOTAL", true},
        {"Active", "ACTIVE", true},
        {"Size", "SIZE", true},
        {"Reclaimable", "RECLAIMABLE", true},
};

static int print_summary(sd_bus *bus, const DiskUsage *du, OutputFormat format, const char *body) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ DiskUsageImage *images = calloc(MAX(du->n_images, 1U), sizeof(DiskUsageImage));
        _cleanup_free_ DiskUsageContainer *containers = NULL;
        _cleanup_free_ DiskUsageVolume *volumes = NULL;
        _cleanup_free_ ContainerRow *rows = NULL;
        _cleanup_json_ cJSON *summary = NULL;
        size_t n = 0;
        int r;

        if (!images)
                return log_oom();
        for (size_t i = 0; i < du->n_images; i++)
                images[i] = du->images[i].usage;
        /* Whether a container is active is its state, which ListContainers has. */
        r = container_list_fetch(bus, true, &reply, &rows, &n);
        if (r < 0)
                return r;
        containers = calloc(MAX(n, 1U), sizeof(DiskUsageContainer));
        if (!containers)
                return log_oom();
        for (size_t i = 0; i < n; i++) {
                const DiskUsageContainerRow *u = container_usage(du, rows[i].id);
                containers[i] =
                        (DiskUsageContainer){u ? u->size_rw : 0, container_state_is_active(rows[i].state)};
        }
        volumes = calloc(MAX(du->n_volumes, 1U), sizeof(DiskUsageVolume));
        if (!volumes)
                return log_oom();
        for (size_t i = 0; i < du->n_volumes; i++)
                volumes[i] = du->volumes[i].usage;
        summary = disk_usage_summary(
                du->layers_size, images, du->n_images, containers, n, volumes, du->n_volumes);
        if (!summary)
                return log_oom();
        return print_formatted_rows(summary, format, body, summary_columns, ELEMENTSOF(summary_columns));
}

static const Column image_columns[] = {
        {"Repository", "REPOSITORY", true},
        {"Tag", "TAG", true},
        {"ID", "IMAGE ID", true},
        {"CreatedSince", "CREATED", true},
        {"Size", "SIZE", true},
        {"SharedSize", "SHARED SIZE", true},
        {"UniqueSize", "UNIQUE SIZE", true},
        {"Containers", "CONTAINERS", true},
};

static int image_usage_rows(const DiskUsage *du, uint64_t now, cJSON **ret) {
        _cleanup_json_ cJSON *list = cJSON_CreateArray();

        if (!list)
                return -ENOMEM;
        for (size_t i = 0; i < du->n_images; i++) {
                const DiskUsageImageRow *img = &du->images[i];
                _cleanup_free_ char *repo = NULL, *tag = NULL;
                char since[FORMAT_BUF], size[FORMAT_BUF], shared[FORMAT_BUF], unique[FORMAT_BUF], count[16],
                        id[SHORT_ID_LEN + 1];
                cJSON *o = cJSON_CreateObject();

                if (!o)
                        return -ENOMEM;
                cJSON_AddItemToArray(list, o);
                /* Only the first tag, as Docker shows it. */
                if (img->first_tag && familiar_reference_split(img->first_tag, &repo, &tag) < 0)
                        return -ENOMEM;
                snprintf(count, sizeof(count), "%u", img->usage.containers);
                snprintf(id, sizeof(id), "%s", img->id + STRLEN("sha256:"));
                if (!cJSON_AddStringToObject(o, "Repository", repo ?: "<none>") ||
                    !cJSON_AddStringToObject(o, "Tag", tag ?: "<none>") ||
                    !cJSON_AddStringToObject(o, "ID", id) ||
                    !cJSON_AddStringToObject(o, "CreatedSince", format_ago(since, img->created, now)) ||
                    !cJSON_AddStringToObject(o, "Size", format_size(size, img->usage.size)) ||
                    !cJSON_AddStringToObject(o, "SharedSize", format_size(shared, img->usage.shared_size)) ||
                    !cJSON_AddStringToObject(
                            o,
                            "UniqueSize",
                            format_size(
                                    unique,
                                    img->usage.size - MIN(img->usage.shared_size, img->usage.size))) ||
                    !cJSON_AddStringToObject(o, "Containers", count))
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(list);
        return 0;
}

static const Column container_columns[] = {
        {"ID", "CONTAINER ID", true},
        {"Image", "IMAGE", true},
        {"Command", "COMMAND", true},
        {"LocalVolumes", "LOCAL VOLUMES", true},
        {"Size", "SIZE", true},
        {"RunningFor", "CREATED", true},
        {"Status", "STATUS", true},
        {"Names", "NAMES", true},
};

static int container_usage_rows(sd_bus *bus, const DiskUsage *du, uint64_t now, cJSON **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_json_ cJSON *list = cJSON_CreateArray();
        _cleanup_free_ ContainerRow *rows = NULL;
        size_t n = 0;
        int r;

        if (!list)
                return -ENOMEM;
        r = container_list_fetch(bus, true, &reply, &rows, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                const DiskUsageContainerRow *u = container_usage(du, rows[i].id);
                cJSON *o = container_row_json(&rows[i], true, now);
                char size[FORMAT_BUF];

                if (!o)
                        return -ENOMEM;
                cJSON_AddItemToArray(list, o);
                if (!cJSON_ReplaceItemInObjectCaseSensitive(
                            o, "Size", cJSON_CreateString(format_size(size, u ? u->size_rw : 0))))
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(list);
        return 0;
}

static int print_section(const char *title, const cJSON *rows, const Column *columns, size_t n_columns) {
        int r;

        printf("%s\n\n", title);
        fflush(stdout);
        r = print_formatted_rows(rows, OUTPUT_DEFAULT, NULL, columns, n_columns);
        if (r < 0)
                return r;
        putchar('\n');
        return 0;
}

static const Column volume_columns[] = {
        {"Name", "VOLUME NAME", true},
        {"Links", "LINKS", true},
        {"Size", "SIZE", true},
};

static const Column build_cache_columns[] = {
        {"ID", "CACHE ID", true},
        {"CacheType", "CACHE TYPE", true},
        {"Size", "SIZE", true},
        {"CreatedSince", "CREATED", true},
        {"LastUsedSince", "LAST USED", true},
        {"UsageCount", "USAGE", true},
        {"Shared", "SHARED", true},
};

/* The rows of the volumes table: Name, Links, Size. */
static int volume_usage_rows(const DiskUsage *du, cJSON **ret) {
        _cleanup_json_ cJSON *rows = cJSON_CreateArray();

        if (!rows)
                return -ENOMEM;
        for (size_t i = 0; i < du->n_volumes; i++) {
                cJSON *o = cJSON_CreateObject();
                char links[16], size[FORMAT_BUF];

                if (!o)
                        return -ENOMEM;
                cJSON_AddItemToArray(rows, o);
                snprintf(links, sizeof(links), "%" PRIu32, du->volumes[i].usage.links);
                if (!cJSON_AddStringToObject(o, "Name", du->volumes[i].name) ||
                    !cJSON_AddStringToObject(o, "Links", links) ||
                    !cJSON_AddStringToObject(o, "Size", format_size(size, du->volumes[i].usage.size)))
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(rows);
        return 0;
}

/* docker system df -v: a table per kind. A build cache does not exist in berth yet: its table is empty. */
static int print_verbose(sd_bus *bus, const DiskUsage *du) {
        _cleanup_json_ cJSON *images = NULL, *containers = NULL, *volumes = NULL,
                             *none = cJSON_CreateArray();
        uint64_t now = now_realtime_usec();
        int r;

        if (!none || image_usage_rows(du, now, &images) < 0 || volume_usage_rows(du, &volumes) < 0)
                return log_oom();
        r = container_usage_rows(bus, du, now, &containers);
        if (r < 0)
                return r == -ENOMEM ? log_oom() : r;
        if ((r = print_section("Images space usage:", images, image_columns, ELEMENTSOF(image_columns))) <
                    0 ||
            (r = print_section(
                     "Containers space usage:",
                     containers,
                     container_columns,
                     ELEMENTSOF(container_columns))) < 0 ||
            (r = print_section(
                     "Local Volumes space usage:", volumes, volume_columns, ELEMENTSOF(volume_columns))) <
                    0 ||
            (r = print_section(
                     "Build cache usage: 0B", none, build_cache_columns, ELEMENTSOF(build_cache_columns))) <
                    0)
                return r;
        return 0;
}

int verb_system_df(int argc, char *argv[]) {
        static const struct option options[] = {
                {"verbose", no_argument, NULL, 'v'},
                {"format", required_argument, NULL, 'F'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(disk_usage_done) DiskUsage du = {};
        _cleanup_free_ char *body = NULL;
        const char *format_arg = NULL;
        OutputFormat format;
        bool verbose = false;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+v", options)) >= 0)
                switch (c) {
                case 'v':
                        verbose = true;
                        break;
                case 'F':
                        format_arg = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth system df [OPTIONS]\n\nShow berth disk usage\n\n"
                               "Options:\n"
                               "      --format string   Format output: table, json, or a template such as "
                               "'{{.Type}} {{.Size}}'\n"
                               "  -v, --verbose         Show detailed information on space usage\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (optind < argc)
                return log_error("\"berth system df\" accepts no arguments.\nSee 'berth system df --help'."),
                       EXIT_FAILURE;
        if (verbose && !isempty(format_arg) && !streq(format_arg, "table"))
                return log_error("--format is not supported with --verbose"), EXIT_FAILURE;
        if (output_format_parse(format_arg, &format, &body) < 0)
                return log_oom(), EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        if (disk_usage_fetch(bus, &du) < 0)
                return EXIT_FAILURE;
        r = verbose ? print_verbose(bus, &du) : print_summary(bus, &du, format, body);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
