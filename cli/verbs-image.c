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
#include "json-util.h"
#include "log.h"
#include "output.h"
#include "parse-flags.h"
#include "strv.h"
#include "verbs.h"

static void image_rows_free_one(ImageRow *row) {
        free(row->id);
        strv_free(row->tags);
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

int image_list_fetch(sd_bus *bus, ImageRow **ret, size_t *ret_n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        ImageRow *rows = NULL;
        size_t n = 0;
        int r;

        r = bus_call(bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "ListImages", 0, NULL, &reply, NULL);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(sastto)");
        while (r >= 0) {
                ImageRow row = {};
                const char *id, *path;
                ImageRow *a;

                r = sd_bus_message_enter_container(reply, 'r', "sastto");
                if (r <= 0)
                        break;
                r = sd_bus_message_read(reply, "s", &id);
                if (r >= 0)
                        r = sd_bus_message_read_strv(reply, &row.tags);
                if (r >= 0)
                        r = sd_bus_message_read(reply, "tto", &row.created, &row.size, &path);
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
                row.id = image_id_full(id);
                a = realloc(rows, sizeof(ImageRow) * (n + 1));
                if (r < 0 || !row.id || !a) {
                        free(row.id);
                        strv_free(row.tags);
                        image_rows_free(a ?: rows, n);
                        return r < 0 ? log_error_errno(r, "Failed to parse the image list: %m") : log_oom();
                }
                rows = a;
                rows[n++] = row;
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

/* "busybox:latest" -> "busybox" and "latest"; splits at the last ':' after the last '/'. */
static int split_repo_tag(const char *ref, char **ret_repo, char **ret_tag) {
        const char *s = reference_familiar_name(ref), *slash = strrchr(s, '/'),
                   *colon = strrchr(slash ?: s, ':');

        *ret_repo = colon ? strndup(s, (size_t)(colon - s)) : strdup(s);
        *ret_tag = strdup(colon ? colon + 1 : "<none>");
        return *ret_repo && *ret_tag ? 0 : -ENOMEM;
}

static cJSON *
image_row_json(const ImageRow *img, const char *repo, const char *tag, bool trunc, uint64_t now) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        char created[FORMAT_BUF], since[FORMAT_BUF], size[FORMAT_BUF];
        const char *hex = img->id + STRLEN("sha256:");
        _cleanup_free_ char *id = trunc ? strndup(hex, SHORT_ID_LEN) : strdup(img->id);

        if (!o || !id)
                return NULL;
        format_size(size, img->size);
        if (!cJSON_AddStringToObject(o, "Containers", "N/A") ||
            !cJSON_AddStringToObject(o, "CreatedAt", format_go_time(created, img->created)) ||
            !cJSON_AddStringToObject(o, "CreatedSince", format_ago(since, img->created, now)) ||
            !cJSON_AddStringToObject(o, "Digest", "<none>") || !cJSON_AddStringToObject(o, "ID", id) ||
            !cJSON_AddStringToObject(o, "Repository", repo) ||
            !cJSON_AddStringToObject(o, "SharedSize", "N/A") || !cJSON_AddStringToObject(o, "Size", size) ||
            !cJSON_AddStringToObject(o, "Tag", tag) || !cJSON_AddStringToObject(o, "UniqueSize", "N/A") ||
            !cJSON_AddStringToObject(o, "VirtualSize", size))
                return NULL;
        return TAKE_PTR(o);
}

/* The fields of an images row; the default table shows Repository, Tag, ID, CreatedSince, Size. */
static const Column images_columns[] = {
        {"Repository", "REPOSITORY", true},
        {"Tag", "TAG", true},
        {"ID", "IMAGE ID", true},
        {"CreatedSince", "CREATED", true},
        {"CreatedAt", "CREATED AT", false},
        {"Size", "SIZE", true},
        {"Digest", "DIGEST", false},
        {"Containers", "CONTAINERS", false},
        {"SharedSize", "SHARED SIZE", false},
        {"UniqueSize", "UNIQUE SIZE", false},
        {"VirtualSize", "VIRTUAL SIZE", false},
};

static int print_images(ImageRow *rows, size_t n, bool quiet, bool trunc, const char *format_arg) {
        _cleanup_json_ cJSON *list = cJSON_CreateArray();
        _cleanup_free_ char *body = NULL;
        OutputFormat format;
        uint64_t now = now_realtime_usec();
        int r;

        if (quiet) {
                for (size_t i = 0; i < n; i++)
                        printf("%.*s\n",
                               trunc ? SHORT_ID_LEN : (int)strlen(rows[i].id),
                               trunc ? rows[i].id + STRLEN("sha256:") : rows[i].id);
                return 0;
        }
        r = output_format_parse(format_arg, &format, &body);
        if (r < 0 || !list)
                return log_oom();

        /* One row per tag, Docker's "<none>" for untagged images. */
        for (size_t i = 0; i < n; i++) {
                size_t k = MAX(strv_length(rows[i].tags), 1U);
                for (size_t t = 0; t < k; t++) {
                        _cleanup_free_ char *repo = NULL, *tag = NULL;
                        cJSON *o;

                        if (rows[i].tags)
                                r = split_repo_tag(rows[i].tags[t], &repo, &tag);
                        else {
                                repo = strdup("<none>");
                                tag = strdup("<none>");
                                r = repo && tag ? 0 : -ENOMEM;
                        }
                        o = r >= 0 ? image_row_json(&rows[i], repo, tag, trunc, now) : NULL;
                        if (!o)
                                return log_oom();
                        cJSON_AddItemToArray(list, o);
                }
        }

        return print_formatted_rows(list, format, body, images_columns, ELEMENTSOF(images_columns));
}

int verb_images(int argc, char *argv[]) {
        static const struct option options[] = {
                {"all", no_argument, NULL, 'a'},
                {"quiet", no_argument, NULL, 'q'},
                {"no-trunc", no_argument, NULL, 'N'},
                {"format", required_argument, NULL, 'F'},
                {"filter", required_argument, NULL, 'f'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        const char *format_arg = NULL;
        bool quiet = false, trunc = true;
        int dangling = -1; /* --filter dangling=BOOL; -1: not given */
        ImageRow *rows = NULL;
        size_t n = 0;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+aqf:", options)) >= 0)
                switch (c) {
                case 'a':
                        break; /* no intermediate images exist without a builder */
                case 'f':
                        if (strcasecmp(optarg, "dangling=true") == 0 || streq(optarg, "dangling=1"))
                                dangling = 1;
                        else if (strcasecmp(optarg, "dangling=false") == 0 || streq(optarg, "dangling=0"))
                                dangling = 0;
                        else if (strncmp(optarg, "dangling=", 9) == 0)
                                return log_error(
                                               "Error response from daemon: invalid filter 'dangling=%s'",
                                               optarg + 9),
                                       EXIT_FAILURE;
                        else
                                return log_error(
                                               "Error response from daemon: invalid filter '%.*s'",
                                               (int)strcspn(optarg, "="),
                                               optarg),
                                       EXIT_FAILURE;
                        break;
                case 'q':
                        quiet = true;
                        break;
                case 'N':
                        trunc = false;
                        break;
                case 'F':
                        format_arg = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth images [OPTIONS]\n\nList images\n\nAliases:\n  berth image "
                               "ls, berth image list, berth images\n\n"
                               "Options:\n  -a, --all             Show all images\n"
                               "  -f, --filter filter   Filter output based on conditions provided "
                               "(dangling=true|false)\n"
                               "      --format string   Format output: table, json, or a template such as "
                               "'{{.Repository}}:{{.Tag}}'\n"
                               "      --no-trunc        Don't truncate output\n"
                               "  -q, --quiet           Only show image IDs\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        if (image_list_fetch(bus, &rows, &n) < 0)
                return EXIT_FAILURE;
        if (dangling >= 0) {
                size_t k = 0;
                for (size_t i = 0; i < n; i++)
                        if ((rows[i].tags == NULL) == (dangling == 1))
                                rows[k++] = rows[i];
                        else
                                image_rows_free_one(&rows[i]);
                n = k;
        }
        r = print_images(rows, n, quiet, trunc, format_arg);
        image_rows_free(rows, n);
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

int image_inspect_json(sd_bus *bus, const char *path, sd_bus_error *error, cJSON **ret) {
        _cleanup_json_ cJSON *p = NULL, *o = NULL;
        cJSON *config, *rootfs;
        _cleanup_free_ char *id = NULL;
        char created[FORMAT_BUF];
        int r;

        r = bus_get_all_properties(bus, path, BERTH_IMAGE_IFACE, error, &p);
        if (r < 0)
                return r;
        id = image_id_full(json_get_string(p, "Id") ?: "");
        o = cJSON_CreateObject();
        if (!id || !o)
                return -ENOMEM;

        cJSON_AddStringToObject(o, "Id", id);
        cJSON_AddItemToObject(
                o,
                "RepoTags",
                cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p, "RepoTags"), true)
                        ?: cJSON_CreateArray());
        cJSON_AddItemToObject(o, "RepoDigests", cJSON_CreateArray());
        cJSON_AddStringToObject(
                o, "Created", format_rfc3339nano(created, (uint64_t)json_get_integer(p, "Created", 0)));
        cJSON_AddNumberToObject(o, "Size", (double)json_get_integer(p, "Size", 0));
        cJSON_AddStringToObject(o, "Architecture", json_get_string(p, "Architecture") ?: "");
        cJSON_AddStringToObject(o, "Os", json_get_string(p, "Os") ?: "");

        config = cJSON_AddObjectToObject(o, "Config");
        if (!config)
                return -ENOMEM;
        cJSON_AddItemToObject(
                config,
                "Env",
                cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p, "Env"), true) ?: cJSON_CreateArray());
        cJSON_AddItemToObject(config, "Cmd", strv_or_null(cJSON_GetObjectItemCaseSensitive(p, "Cmd")));
        cJSON_AddItemToObject(
                config, "Entrypoint", strv_or_null(cJSON_GetObjectItemCaseSensitive(p, "Entrypoint")));
        cJSON_AddStringToObject(config, "WorkingDir", json_get_string(p, "WorkingDir") ?: "");
        cJSON_AddStringToObject(config, "User", json_get_string(p, "User") ?: "");
        cJSON_AddStringToObject(config, "StopSignal", json_get_string(p, "StopSignal") ?: "");

        rootfs = cJSON_AddObjectToObject(o, "RootFS");
        if (!rootfs)
                return -ENOMEM;
        cJSON_AddStringToObject(rootfs, "Type", "layers");
        cJSON_AddItemToObject(
                rootfs,
                "Layers",
                cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p, "Layers"), true) ?: cJSON_CreateArray());

        *ret = TAKE_PTR(o);
        return 0;
}
