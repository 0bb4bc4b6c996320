/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bus-errors.h"
#include "bus-util.h"
#include "image-filter.h"
#include "image-rows.h"
#include "json-util.h"
#include "log.h"
#include "output.h"
#include "parse-flags.h"
#include "strv.h"
#include "verbs.h"

static void image_rows_free_one(ImageRow *row) {
        free(row->id);
        strv_free(row->tags);
        strv_free(row->digests);
        strv_free(row->labels);
}

void image_rows_free(ImageRow *rows, size_t n) {
        for (size_t i = 0; i < n; i++)
                image_rows_free_one(&rows[i]);
        free(rows);
}

static int compare_images(const void *a, const void *b) {
        const ImageRow *x = a, *y = b;
        return x->created < y->created ? 1 : x->created > y->created ? -1 : 0;
}

/* An a{ss} as key, value pairs. */
static int read_pairs(sd_bus_message *m, char ***ret) {
        _cleanup_strv_free_ char **pairs = NULL;
        const char *k, *v;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{ss}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "{ss}", &k, &v)) > 0)
                if (strv_extend(&pairs, k) < 0 || strv_extend(&pairs, v) < 0)
                        return -ENOMEM;
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(pairs);
        return 0;
}

static int read_image_row(sd_bus_message *reply, ImageRow *row) {
        const char *id, *path;
        int r;

        r = sd_bus_message_read(reply, "s", &id);
        if (r < 0)
                return r;
        row->id = image_id_full(id);
        if (!row->id)
                return -ENOMEM;
        r = sd_bus_message_read_strv(reply, &row->tags);
        if (r < 0)
                return r;
        r = sd_bus_message_read_strv(reply, &row->digests);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "tto", &row->created, &row->size, &path);
        if (r < 0)
                return r;
        return read_pairs(reply, &row->labels);
}

int image_list_fetch(sd_bus *bus, ImageRow **ret, size_t *ret_n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        ImageRow *rows = NULL;
        size_t n = 0;
        int r;

        r = bus_call(bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "ListImages", 0, NULL, &reply, NULL);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(sasasttoa{ss})");
        while (r >= 0) {
                ImageRow *a;

                r = sd_bus_message_enter_container(reply, 'r', "sasasttoa{ss}");
                if (r <= 0)
                        break;
                a = realloc(rows, sizeof(ImageRow) * (n + 1));
                if (!a) {
                        r = -ENOMEM;
                        break;
                }
                rows = a;
                rows[n] = (ImageRow){};
                r = read_image_row(reply, &rows[n++]);
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
        }
        if (r < 0) {
                image_rows_free(rows, n);
                return log_error_errno(r, "Failed to parse the image list: %m");
        }
        if (n > 0)
                qsort(rows, n, sizeof(ImageRow), compare_images);
        *ret = rows;
        *ret_n = n;
        return 0;
}

static cJSON *image_row_json(const ImageRow *img, const ImageDisplayRow *d, bool trunc, uint64_t now) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        char created[FORMAT_BUF], since[FORMAT_BUF], size[FORMAT_BUF];
        const char *hex = img->id + STRLEN("sha256:");
        _cleanup_free_ char *id = trunc ? strndup(hex, SHORT_ID_LEN) : strdup(img->id);

        if (!o || !id)
                return NULL;
        format_size(size, img->size);
        /* Containers, SharedSize and UniqueSize are what docker images leaves uncounted too. */
        if (!cJSON_AddStringToObject(o, "Containers", "N/A") ||
            !cJSON_AddStringToObject(o, "CreatedAt", format_go_time(created, img->created)) ||
            !cJSON_AddStringToObject(o, "CreatedSince", format_ago(since, img->created, now)) ||
            !cJSON_AddStringToObject(o, "Digest", d->digest) || !cJSON_AddStringToObject(o, "ID", id) ||
            !cJSON_AddStringToObject(o, "Repository", d->repository) ||
            !cJSON_AddStringToObject(o, "SharedSize", "N/A") || !cJSON_AddStringToObject(o, "Size", size) ||
            !cJSON_AddStringToObject(o, "Tag", d->tag) || !cJSON_AddStringToObject(o, "UniqueSize", "N/A") ||
            !cJSON_AddStringToObject(o, "VirtualSize", size))
                return NULL;
        return TAKE_PTR(o);
}

/* The fields of an images row; the default table shows Repository, Tag, ID, CreatedSince, Size, and
 * with --digests the Digest after the Tag. */
#define IMAGES_DIGEST_COLUMN 2
static const Column images_columns[] = {
        {"Repository", "REPOSITORY", true},
        {"Tag", "TAG", true},
        {"Digest", "DIGEST", false},
        {"ID", "IMAGE ID", true},
        {"CreatedSince", "CREATED", true},
        {"CreatedAt", "CREATED AT", false},
        {"Size", "SIZE", true},
        {"Containers", "CONTAINERS", false},
        {"SharedSize", "SHARED SIZE", false},
        {"UniqueSize", "UNIQUE SIZE", false},
        {"VirtualSize", "VIRTUAL SIZE", false},
};

/* The Created time (µs) of the image name names, for before= and since=. */
static int image_created(sd_bus *bus, const char *name, uint64_t *ret) {
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        r = bus_get_image(bus, name, &error, &path);
        if (r >= 0)
                r = sd_bus_get_property_trivial(
                        bus, BERTH_BUS_NAME, path, BERTH_IMAGE_IFACE, "Created", &error, 't', ret);
        if (r < 0)
                bus_log_call_error("", &error, r);
        return r;
}

/* Applies the filters to one image: its references narrowed by reference=; false when it is left out. */
static int image_row_filter(
        const ImageFilter *f,
        const ImageRow *img,
        uint64_t before,
        uint64_t since,
        char ***ret_tags,
        char ***ret_digests) {
        _cleanup_strv_free_ char **tags = NULL, **digests = NULL;
        int r;

        if (!image_filter_labels_match(f, img->labels) || (f->before && img->created >= before) ||
            (f->since && img->created <= since))
                return false;
        r = image_filter_references(f, img->tags, &tags);
        if (r >= 0)
                r = image_filter_references(f, img->digests, &digests);
        if (r < 0)
                return r;
        /* Docker's rules: an image without references is dangling and shown unless dangling=false or a
         * reference= filter is given; dangling=true leaves out tagged images. */
        if (!tags && !digests) {
                if (f->dangling == 0 || f->references)
                        return false;
        } else if (f->dangling == 1 && tags)
                return false;
        *ret_tags = TAKE_PTR(tags);
        *ret_digests = TAKE_PTR(digests);
        return true;
}

static int images_json(
        sd_bus *bus,
        const ImageFilter *f,
        bool trunc,
        bool digests,
        const ImageRow *rows,
        size_t n,
        cJSON **ret) {
        _cleanup_json_ cJSON *list = cJSON_CreateArray();
        uint64_t now = now_realtime_usec(), before = 0, since = 0;
        int r;

        if (!list)
                return log_oom();
        if ((f->before && image_created(bus, f->before, &before) < 0) ||
            (f->since && image_created(bus, f->since, &since) < 0))
                return -ENOENT;

        for (size_t i = 0; i < n; i++) {
                _cleanup_strv_free_ char **tags = NULL, **repo_digests = NULL;
                ImageDisplayRow *d = NULL;
                size_t n_d = 0;

                r = image_row_filter(f, &rows[i], before, since, &tags, &repo_digests);
                if (r < 0)
                        return log_error_errno(r, "Failed to filter the images: %m");
                if (r == 0)
                        continue;
                r = image_display_rows(tags, repo_digests, digests, &d, &n_d);
                if (r < 0)
                        return log_oom();
                for (size_t k = 0; k < n_d && r >= 0; k++) {
                        cJSON *o = image_row_json(&rows[i], &d[k], trunc, now);
                        if (o)
                                cJSON_AddItemToArray(list, o);
                        else
                                r = -ENOMEM;
                }
                image_display_rows_free(d, n_d);
                if (r < 0)
                        return log_oom();
        }
        *ret = TAKE_PTR(list);
        return 0;
}

int verb_images(int argc, char *argv[]) {
        static const struct option options[] = {
                {"all", no_argument, NULL, 'a'},
                {"quiet", no_argument, NULL, 'q'},
                {"digests", no_argument, NULL, 'D'},
                {"no-trunc", no_argument, NULL, 'N'},
                {"format", required_argument, NULL, 'F'},
                {"filter", required_argument, NULL, 'f'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(image_filter_done) ImageFilter filter = IMAGE_FILTER_INIT;
        _cleanup_json_ cJSON *list = NULL;
        _cleanup_free_ char *body = NULL;
        Column columns[ELEMENTSOF(images_columns)];
        const char *format_arg = NULL;
        bool quiet = false, trunc = true, digests = false;
        OutputFormat format;
        ImageRow *rows = NULL;
        size_t n = 0;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+aqf:", options)) >= 0)
                switch (c) {
                case 'a':
                        break; /* no intermediate images exist without a builder */
                case 'f':
                        if (image_filter_add(&filter, optarg) < 0)
                                return EXIT_FAILURE;
                        break;
                case 'q':
                        quiet = true;
                        break;
                case 'D':
                        digests = true;
                        break;
                case 'N':
                        trunc = false;
                        break;
                case 'F':
                        format_arg = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth images [OPTIONS] [REPOSITORY[:TAG]]\n\nList "
                               "images\n\nAliases:\n"
                               "  berth image ls, berth image list, berth images\n\n"
                               "Options:\n  -a, --all             Show all images (default hides "
                               "intermediate "
                               "images)\n"
                               "      --digests         Show digests\n"
                               "  -f, --filter filter   Filter output based on conditions provided "
                               "(dangling=true|false, reference=PATTERN, before=IMAGE, since=IMAGE, "
                               "label=KEY[=VALUE])\n"
                               "      --format string   Format output: table, json, or a template such as "
                               "'{{.Repository}}:{{.Tag}}'\n"
                               "      --no-trunc        Don't truncate output\n"
                               "  -q, --quiet           Only show image IDs\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (argc - optind > 1)
                return log_error(
                               "\"berth images\" requires at most 1 argument.\nSee 'berth images --help'."),
                       EXIT_FAILURE;
        if (optind < argc) {
                /* docker images REPOSITORY[:TAG] is a reference filter. */
                _cleanup_free_ char *arg = NULL;

                if (asprintf(&arg, "reference=%s", argv[optind]) < 0)
                        return log_oom(), EXIT_FAILURE;
                if (image_filter_add(&filter, arg) < 0)
                        return EXIT_FAILURE;
        }

        /* -q is the table's short form; an explicit format wins. */
        if (quiet && (isempty(format_arg) || streq(format_arg, "table")))
                format_arg = "{{.ID}}";
        if (output_format_parse(format_arg, &format, &body) < 0)
                return log_oom(), EXIT_FAILURE;
        if (body) {
                _cleanup_json_ cJSON *empty = cJSON_CreateObject();
                _cleanup_free_ char *out = NULL;

                if (!empty)
                        return log_oom(), EXIT_FAILURE;
                if (template_render(body, empty, &out) < 0)
                        return log_error("template parsing error: %s", body), EXIT_FAILURE;
                /* A template that shows the digest gets it, as in Docker. */
                digests = digests || strstr(body, "{{.Digest}}");
        }
        memcpy(columns, images_columns, sizeof(columns));
        columns[IMAGES_DIGEST_COLUMN].shown = digests;

        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        if (image_list_fetch(bus, &rows, &n) < 0)
                return EXIT_FAILURE;
        r = images_json(bus, &filter, trunc, digests, rows, n, &list);
        image_rows_free(rows, n);
        if (r < 0)
                return EXIT_FAILURE;
        r = print_formatted_rows(list, format, body, columns, ELEMENTSOF(columns));
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int open_archive(const char *path, int *ret_fd) {
        int fd;

        if (!path || streq(path, "-")) {
                if (isatty(STDIN_FILENO))
                        return log_error_errno(EINVAL, "requested load from stdin, but stdin is empty");
                fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
        } else
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return log_error_errno(errno, "open %s: %m", path ?: "stdin");
        *ret_fd = fd;
        return 0;
}

int verb_load(int argc, char *argv[]) {
        static const struct option options[] = {
                {"input", required_argument, NULL, 'i'},
                {"quiet", no_argument, NULL, 'q'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **loaded = NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *input = NULL;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+i:q", options)) >= 0)
                switch (c) {
                case 'i':
                        input = optarg;
                        break;
                case 'q':
                        break; /* there is no progress output to suppress */
                case 'H':
                        printf("Usage:  berth load [OPTIONS]\n\nLoad an image from a tar archive (docker "
                               "save or OCI archive) or STDIN\n\n"
                               "Options:\n  -i, --input string   Read from tar archive file, instead of "
                               "STDIN\n"
                               "  -q, --quiet          Suppress the load output\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (optind < argc)
                return log_error("\"berth load\" accepts no arguments.\nSee 'berth load --help'."),
                       EXIT_FAILURE;
        if (open_archive(input, &fd) < 0)
                return EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;

        r = bus_call(
                bus,
                BERTH_MANAGER_PATH,
                BERTH_MANAGER_IFACE,
                "LoadImages",
                BUS_TIMEOUT_LONG_USEC,
                NULL,
                &reply,
                "h",
                fd);
        if (r < 0)
                return EXIT_FAILURE;
        r = sd_bus_message_read_strv(reply, &loaded);
        if (r < 0)
                return bus_log_call_error("", NULL, r), EXIT_FAILURE;
        STRV_FOREACH (l, loaded) {
                /* Untagged images come back as ids. */
                if (strncmp(*l, "sha256:", 7) == 0)
                        printf("Loaded image ID: %s\n", *l);
                else
                        printf("Loaded image: %s\n", reference_familiar_name(*l));
        }
        return EXIT_SUCCESS;
}

int verb_import(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *id = NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *image_id;
        int r;

        if (argc > 1 && streq(argv[1], "--help")) {
                printf("Usage:  berth import file|- [REPOSITORY[:TAG]]\n\nImport the contents from a "
                       "tarball to create a filesystem image\n");
                return EXIT_SUCCESS;
        }
        if (argc < 2 || argc > 3)
                return log_error("\"berth import\" requires at least 1 and at most 2 arguments.\nSee 'berth "
                                 "import --help'."),
                       EXIT_FAILURE;
        if (open_archive(argv[1], &fd) < 0)
                return EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;

        r = bus_call(
                bus,
                BERTH_MANAGER_PATH,
                BERTH_MANAGER_IFACE,
                "ImportImage",
                BUS_TIMEOUT_LONG_USEC,
                NULL,
                &reply,
                "hs",
                fd,
                argc > 2 ? argv[2] : "");
        if (r < 0)
                return EXIT_FAILURE;
        r = sd_bus_message_read(reply, "s", &image_id);
        if (r < 0)
                return bus_log_call_error("", NULL, r), EXIT_FAILURE;
        id = image_id_full(image_id);
        if (!id)
                return log_oom(), EXIT_FAILURE;
        puts(id);
        return EXIT_SUCCESS;
}

/* Docker shows an unset Cmd or Entrypoint as null; berthd sends an empty list. */
static cJSON *strv_or_null(const cJSON *a) {
        if (cJSON_GetArraySize(a) == 0)
                return cJSON_CreateNull();
        return cJSON_Duplicate(a, true);
}

/* A Go map[string]struct{} (ExposedPorts, Volumes) of a list of keys: null when empty. */
static cJSON *set_or_null(const cJSON *keys) {
        _cleanup_json_ cJSON *o = NULL;
        const cJSON *k;

        if (cJSON_GetArraySize(keys) == 0)
                return cJSON_CreateNull();
        o = cJSON_CreateObject();
        if (!o)
                return NULL;
        cJSON_ArrayForEach (k, keys)
                if (!cJSON_IsString(k) || !cJSON_AddObjectToObject(o, k->valuestring))
                        return NULL;
        return TAKE_PTR(o);
}

static cJSON *duplicate_or(const cJSON *p, const char *key, cJSON *(*make_default)(void)) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, key);
        return v ? cJSON_Duplicate(v, true) : make_default();
}

/* config.Healthcheck with Docker's omitempty fields, or NULL when the image has none. */
static int healthcheck_json(const cJSON *p, cJSON *config) {
        const cJSON *test = cJSON_GetObjectItemCaseSensitive(p, "HealthcheckTest");
        static const char *const durations[][2] = {
                {"HealthcheckInterval", "Interval"},
                {"HealthcheckTimeout", "Timeout"},
                {"HealthcheckStartPeriod", "StartPeriod"},
        };
        cJSON *h;
        int64_t retries;

        if (cJSON_GetArraySize(test) == 0)
                return 0;
        h = cJSON_AddObjectToObject(config, "Healthcheck");
        if (!h || !cJSON_AddItemToObject(h, "Test", cJSON_Duplicate(test, true)))
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(durations); i++) {
                int64_t ns = json_get_integer(p, durations[i][0], 0);
                if (ns > 0 && !cJSON_AddNumberToObject(h, durations[i][1], (double)ns))
                        return -ENOMEM;
        }
        retries = json_get_integer(p, "HealthcheckRetries", 0);
        if (retries > 0 && !cJSON_AddNumberToObject(h, "Retries", (double)retries))
                return -ENOMEM;
        return 0;
}

/* Docker's image Config: the container config an image carries, in Docker's key order, with the fields
 * images never set at their zero values. */
static int image_config_json(const cJSON *p, cJSON *o) {
        cJSON *config = cJSON_AddObjectToObject(o, "Config");
        const char *stop_signal = json_get_string(p, "StopSignal");
        const cJSON *ports = cJSON_GetObjectItemCaseSensitive(p, "ExposedPorts");
        int r;

        if (!config || !cJSON_AddStringToObject(config, "Hostname", "") ||
            !cJSON_AddStringToObject(config, "Domainname", "") ||
            !cJSON_AddStringToObject(config, "User", json_get_string(p, "User") ?: "") ||
            !cJSON_AddFalseToObject(config, "AttachStdin") ||
            !cJSON_AddFalseToObject(config, "AttachStdout") ||
            !cJSON_AddFalseToObject(config, "AttachStderr"))
                return -ENOMEM;
        if (cJSON_GetArraySize(ports) > 0 &&
            !cJSON_AddItemToObject(config, "ExposedPorts", set_or_null(ports)))
                return -ENOMEM;
        if (!cJSON_AddFalseToObject(config, "Tty") || !cJSON_AddFalseToObject(config, "OpenStdin") ||
            !cJSON_AddFalseToObject(config, "StdinOnce") ||
            !cJSON_AddItemToObject(config, "Env", duplicate_or(p, "Env", cJSON_CreateArray)) ||
            !cJSON_AddItemToObject(config, "Cmd", strv_or_null(cJSON_GetObjectItemCaseSensitive(p, "Cmd"))))
                return -ENOMEM;
        r = healthcheck_json(p, config);
        if (r < 0)
                return r;
        if (!cJSON_AddStringToObject(config, "Image", "") ||
            !cJSON_AddItemToObject(
                    config, "Volumes", set_or_null(cJSON_GetObjectItemCaseSensitive(p, "Volumes"))) ||
            !cJSON_AddStringToObject(config, "WorkingDir", json_get_string(p, "WorkingDir") ?: "") ||
            !cJSON_AddItemToObject(
                    config, "Entrypoint", strv_or_null(cJSON_GetObjectItemCaseSensitive(p, "Entrypoint"))) ||
            !cJSON_AddNullToObject(config, "OnBuild"))
                return -ENOMEM;
        if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(p, "Labels")) > 0) {
                if (!cJSON_AddItemToObject(config, "Labels", duplicate_or(p, "Labels", cJSON_CreateNull)))
                        return -ENOMEM;
        } else if (!cJSON_AddNullToObject(config, "Labels"))
                return -ENOMEM;
        if (!isempty(stop_signal) && !cJSON_AddStringToObject(config, "StopSignal", stop_signal))
                return -ENOMEM;
        return 0;
}

/* GraphDriver as Docker's overlay2 shows an image: the top layer as UpperDir, the ones below (topmost
 * first) as LowerDir. berth's layers are read-only and shared, there is no merged or work directory. */
static int graph_driver_json(const cJSON *p, cJSON *o) {
        const cJSON *dirs = cJSON_GetObjectItemCaseSensitive(p, "LayerDirectories");
        int n = cJSON_GetArraySize(dirs);
        cJSON *driver = cJSON_AddObjectToObject(o, "GraphDriver"), *data;

        if (!driver || !(data = cJSON_AddObjectToObject(driver, "Data")))
                return -ENOMEM;
        if (n > 1) {
                _cleanup_free_ char *lower = NULL;
                for (int i = n - 2; i >= 0; i--) {
                        const char *d = cJSON_GetStringValue(cJSON_GetArrayItem(dirs, i));
                        char *joined = NULL;
                        if (asprintf(&joined, "%s%s%s", lower ?: "", lower ? ":" : "", d ?: "") < 0)
                                return -ENOMEM;
                        free(lower);
                        lower = joined;
                }
                if (!cJSON_AddStringToObject(data, "LowerDir", lower))
                        return -ENOMEM;
        }
        if (n > 0 && !cJSON_AddStringToObject(
                             data, "UpperDir", cJSON_GetStringValue(cJSON_GetArrayItem(dirs, n - 1)) ?: ""))
                return -ENOMEM;
        return cJSON_AddStringToObject(driver, "Name", "overlay") ? 0 : -ENOMEM;
}

int image_inspect_json(sd_bus *bus, const char *path, sd_bus_error *error, cJSON **ret) {
        _cleanup_json_ cJSON *p = NULL, *o = NULL;
        cJSON *rootfs, *metadata;
        _cleanup_free_ char *id = NULL;
        const char *variant;
        char created[FORMAT_BUF];
        uint64_t created_nsec = 0;
        int r;

        r = bus_get_all_properties(bus, path, BERTH_IMAGE_IFACE, error, &p);
        if (r < 0)
                return r;
        /* Read on its own: nanoseconds since the epoch do not fit a JSON number's double. */
        r = sd_bus_get_property_trivial(
                bus, BERTH_BUS_NAME, path, BERTH_IMAGE_IFACE, "CreatedNSec", error, 't', &created_nsec);
        if (r < 0)
                return r;
        id = image_id_full(json_get_string(p, "Id") ?: "");
        o = cJSON_CreateObject();
        if (!id || !o)
                return -ENOMEM;

        if (!cJSON_AddStringToObject(o, "Id", id) ||
            !cJSON_AddItemToObject(o, "RepoTags", duplicate_or(p, "RepoTags", cJSON_CreateArray)) ||
            !cJSON_AddItemToObject(o, "RepoDigests", duplicate_or(p, "RepoDigests", cJSON_CreateArray)) ||
            !cJSON_AddStringToObject(o, "Parent", "") ||
            !cJSON_AddStringToObject(o, "Comment", json_get_string(p, "Comment") ?: "") ||
            !cJSON_AddStringToObject(o, "Created", format_rfc3339nano_nsec(created, created_nsec)) ||
            !cJSON_AddStringToObject(o, "Author", json_get_string(p, "Author") ?: ""))
                return -ENOMEM;
        r = image_config_json(p, o);
        if (r < 0)
                return r;
        if (!cJSON_AddStringToObject(o, "Architecture", json_get_string(p, "Architecture") ?: ""))
                return -ENOMEM;
        variant = json_get_string(p, "Variant");
        if (!isempty(variant) && !cJSON_AddStringToObject(o, "Variant", variant))
                return -ENOMEM;
        if (!cJSON_AddStringToObject(o, "Os", json_get_string(p, "Os") ?: "") ||
            !cJSON_AddNumberToObject(o, "Size", (double)json_get_integer(p, "Size", 0)))
                return -ENOMEM;
        r = graph_driver_json(p, o);
        if (r < 0)
                return r;

        rootfs = cJSON_AddObjectToObject(o, "RootFS");
        if (!rootfs || !cJSON_AddStringToObject(rootfs, "Type", "layers") ||
            !cJSON_AddItemToObject(rootfs, "Layers", duplicate_or(p, "Layers", cJSON_CreateArray)))
                return -ENOMEM;
        /* berth does not record when a tag was made: Go's zero time, as Docker shows for pulled images. */
        metadata = cJSON_AddObjectToObject(o, "Metadata");
        if (!metadata || !cJSON_AddStringToObject(metadata, "LastTagTime", format_rfc3339nano(created, 0)))
                return -ENOMEM;

        *ret = TAKE_PTR(o);
        return 0;
}
