/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "error-set.h"
#include "fileio.h"
#include "json-util.h"
#include "log.h"
#include "strv.h"
#include "time-util.h"
#include "volume-store.h"

#define VOLUME_METADATA_FILE "volume.json"
#define VOLUME_COPY_UP_MARKER "copy-up"
#define VOLUME_COPY_UP_CREATED "created\n"
#define VOLUME_METADATA_MAX (256U * 1024U)
#define VOLUME_OPTION_MAX 4096U

Volume *volume_free(Volume *v) {
        if (!v)
                return NULL;
        free(v->name);
        free(v->mountpoint);
        strv_free(v->labels);
        strv_free(v->options);
        free(v);
        return NULL;
}

void volume_list_free(Volume **l) {
        for (Volume **v = l; v && *v; v++)
                volume_free(*v);
        free(l);
}

bool volume_name_is_valid(const char *name) {
        size_t n;

        if (!name)
                return false;
        n = strlen(name);
        if (n < 2 || n > VOLUME_NAME_MAX)
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

                if (!alnum && (i == 0 || !strchr("_.-", c)))
                        return false;
        }
        return true;
}

static const char *pairs_get(char *const *pairs, const char *key) {
        for (char *const *p = pairs; p && p[0] && p[1]; p += 2)
                if (streq(p[0], key))
                        return p[1];
        return NULL;
}

const char *volume_label(const Volume *v, const char *key) {
        return pairs_get(v->labels, key);
}

bool volume_is_anonymous(const Volume *v) {
        return volume_label(v, VOLUME_LABEL_ANONYMOUS) != NULL;
}

/* The comma-separated "o" option holds word w. */
static bool mount_options_contain(const char *o, const char *w) {
        size_t n = strlen(w);

        for (const char *p = o; p && *p;) {
                size_t len = strcspn(p, ",");
                if (len == n && strncmp(p, w, n) == 0)
                        return true;
                p += len;
                if (*p == ',')
                        p++;
        }
        return false;
}

int volume_options_validate(char *const *options, char **ret_error) {
        const char *type, *device, *o;

        if (strv_length(options) % 2 != 0)
                return -EINVAL;
        for (char *const *p = options; p && p[0]; p += 2) {
                if (!streq(p[0], "type") && !streq(p[0], "device") && !streq(p[0], "o"))
                        return error_set(ret_error, -EINVAL, "invalid option key: \"%.64s\"", p[0]);
                if (strlen(p[1]) > VOLUME_OPTION_MAX || strchr(p[1], '\n'))
                        return error_set(ret_error, -EINVAL, "invalid option: \"%.64s\"", p[0]);
        }
        if (strv_length(options) == 0)
                return 0;
        type = pairs_get(options, "type");
        device = pairs_get(options, "device");
        o = pairs_get(options, "o");
        if (streq_ptr(type, "tmpfs"))
                return 0;
        if (streq_ptr(type, "none") && o && mount_options_contain(o, "bind")) {
                if (!device || device[0] != '/')
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "invalid option: a bind volume needs an absolute device path");
                return 0;
        }
        return error_set(
                ret_error,
                -EINVAL,
                "unsupported local volume options: berth mounts type=tmpfs, and type=none with o=bind");
}

static int volume_dir(const char *state_dir, const char *name, char **ret) {
        return asprintf(ret, "%s/volumes/%s", state_dir, name) < 0 ? -ENOMEM : 0;
}

static int volume_to_json(const Volume *v, cJSON **ret) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        cJSON *labels, *options;

        if (!o || !cJSON_AddStringToObject(o, "Name", v->name) ||
            !cJSON_AddNumberToObject(o, "CreatedAt", (double)v->created_at))
                return -ENOMEM;
        labels = json_from_strv(v->labels);
        if (!labels)
                return -ENOMEM;
        cJSON_AddItemToObject(o, "Labels", labels);
        options = json_from_strv(v->options);
        if (!options)
                return -ENOMEM;
        cJSON_AddItemToObject(o, "Options", options);
        *ret = TAKE_PTR(o);
        return 0;
}

static int volume_new(const char *state_dir, const char *name, Volume **ret) {
        _cleanup_(volume_freep) Volume *v = calloc(1, sizeof(Volume));

        if (!v)
                return -ENOMEM;
        v->name = strdup(name);
        if (!v->name || asprintf(&v->mountpoint, "%s/volumes/%s/_data", state_dir, name) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(v);
        return 0;
}

int volume_get(const char *state_dir, const char *name, Volume **ret) {
        _cleanup_(volume_freep) Volume *v = NULL;
        _cleanup_free_ char *dir = NULL;
        _cleanup_json_ cJSON *o = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (!volume_name_is_valid(name))
                return -ENOENT;
        r = volume_dir(state_dir, name, &dir);
        if (r < 0)
                return r;
        fd = open(dir, O_DIRECTORY | O_CLOEXEC | O_RDONLY | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        r = json_parse_file_at(fd, VOLUME_METADATA_FILE, VOLUME_METADATA_MAX, &o);
        if (r < 0)
                return r == -ENOENT ? -ENOENT : r;
        if (!streq_ptr(json_get_string(o, "Name"), name))
                return -EINVAL;

        r = volume_new(state_dir, name, &v);
        if (r < 0)
                return r;
        r = json_get_strv(o, "Labels", &v->labels);
        if (r >= 0)
                r = json_get_strv(o, "Options", &v->options);
        if (r < 0)
                return r;
        if (strv_length(v->labels) % 2 != 0 || strv_length(v->options) % 2 != 0)
                return -EINVAL;
        v->created_at = (uint64_t)MAX(json_get_integer(o, "CreatedAt", 0), 0);
        *ret = TAKE_PTR(v);
        return 0;
}

int volume_create(
        const char *state_dir,
        const char *name,
        char *const *labels,
        char *const *options,
        Volume **ret,
        char **ret_error) {
        _cleanup_(volume_freep) Volume *v = NULL;
        _cleanup_free_ char *dir = NULL;
        _cleanup_json_ cJSON *o = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (!volume_name_is_valid(name))
                return error_set(
                        ret_error,
                        -EINVAL,
                        "create %.300s: \"%.300s\" includes invalid characters for a local volume name, "
                        "only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host "
                        "directory, use absolute path",
                        name,
                        name);
        if (strv_length(labels) % 2 != 0 || strv_length(labels) / 2 > VOLUME_LABELS_MAX)
                return error_set(ret_error, -EINVAL, "too many labels");
        r = volume_options_validate(options, ret_error);
        if (r < 0)
                return r;

        r = volume_get(state_dir, name, &v);
        if (r >= 0) {
                *ret = TAKE_PTR(v);
                return 0;
        }
        if (r != -ENOENT)
                return r;

        r = volume_new(state_dir, name, &v);
        if (r < 0)
                return r;
        v->labels = strv_copy(labels);
        v->options = strv_copy(options);
        if ((labels && !v->labels) || (options && !v->options))
                return -ENOMEM;
        v->created_at = now_realtime_usec();

        r = mkdir_p(v->mountpoint, 0755);
        if (r < 0)
                return r;
        r = volume_dir(state_dir, name, &dir);
        if (r < 0)
                return r;
        fd = open(dir, O_DIRECTORY | O_CLOEXEC | O_RDONLY | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        r = volume_to_json(v, &o);
        if (r < 0)
                return r;
        /* The metadata last: a directory without it is a leftover of a crash, not a volume. */
        r = json_write_file_atomic_at(fd, VOLUME_METADATA_FILE, o);
        if (r < 0) {
                (void)rm_rf(dir);
                return r;
        }
        *ret = TAKE_PTR(v);
        return 1;
}

int volume_name_random(char **ret) {
        uint8_t bytes[32];
        char *s;

        if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
                return -EIO;
        s = malloc(2 * sizeof(bytes) + 1);
        if (!s)
                return -ENOMEM;
        for (size_t i = 0; i < sizeof(bytes); i++)
                snprintf(s + 2 * i, 3, "%02x", bytes[i]);
        *ret = s;
        return 0;
}

int volume_collect_leftovers(const char *state_dir) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r = 0, k;

        if (asprintf(&dir, "%s/volumes", state_dir) < 0)
                return -ENOMEM;
        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : negative_errno();
        while ((de = readdir(d))) {
                _cleanup_free_ char *path = NULL;
                struct stat st;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (asprintf(&path, "%s/%s/" VOLUME_METADATA_FILE, dir, de->d_name) < 0)
                        return -ENOMEM;
                if (stat(path, &st) >= 0) {
                        if (volume_copy_up_running(state_dir, de->d_name) <= 0)
                                continue;
                        log_info("Undoing the interrupted copy-up into volume %s.", de->d_name);
                        k = volume_copy_up_undo(state_dir, de->d_name);
                        if (k < 0)
                                r = log_warning_errno(
                                        k, "Failed to undo the copy-up into %s: %m", de->d_name);
                        continue;
                }
                if (errno != ENOENT)
                        continue;
                path[strlen(path) - STRLEN("/" VOLUME_METADATA_FILE)] = 0;
                log_info("Removing leftover volume directory %s.", path);
                k = rm_rf(path);
                if (k < 0)
                        r = log_warning_errno(k, "Failed to remove %s: %m", path);
        }
        return r;
}

static int compare_volumes(const void *a, const void *b) {
        return strcmp((*(Volume *const *)a)->name, (*(Volume *const *)b)->name);
}

int volume_list(const char *state_dir, Volume ***ret) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        Volume **l = NULL;
        size_t n = 0;
        struct dirent *de;
        int r = 0;

        if (asprintf(&dir, "%s/volumes", state_dir) < 0)
                return -ENOMEM;
        l = calloc(1, sizeof(Volume *));
        if (!l)
                return -ENOMEM;
        d = opendir(dir);
        if (!d) {
                if (errno == ENOENT) {
                        *ret = l;
                        return 0;
                }
                free(l);
                return negative_errno();
        }
        while ((de = readdir(d))) {
                Volume *v, **t;

                if (!volume_name_is_valid(de->d_name))
                        continue;
                r = volume_get(state_dir, de->d_name, &v);
                if (r == -ENOENT || r == -EINVAL) {
                        r = 0;
                        continue;
                }
                if (r < 0)
                        break;
                t = reallocarray(l, n + 2, sizeof(Volume *));
                if (!t) {
                        volume_free(v);
                        r = -ENOMEM;
                        break;
                }
                l = t;
                l[n++] = v;
                l[n] = NULL;
        }
        if (r < 0) {
                volume_list_free(l);
                return r;
        }
        qsort(l, n, sizeof(Volume *), compare_volumes);
        *ret = l;
        return 0;
}

int volume_remove(const char *state_dir, const char *name) {
        _cleanup_(volume_freep) Volume *v = NULL;
        _cleanup_free_ char *dir = NULL, *metadata = NULL;
        int r;

        r = volume_get(state_dir, name, &v);
        if (r < 0)
                return r;
        r = volume_unmount(v);
        if (r < 0)
                return r;
        r = volume_dir(state_dir, name, &dir);
        if (r < 0)
                return r;
        /* The metadata first: from then on the rest is a leftover, not a volume. */
        if (asprintf(&metadata, "%s/" VOLUME_METADATA_FILE, dir) < 0)
                return -ENOMEM;
        if (unlink(metadata) < 0 && errno != ENOENT)
                return negative_errno();
        return rm_rf(dir);
}

int volume_is_empty(const Volume *v) {
        _cleanup_closedir_ DIR *d = opendir(v->mountpoint);
        struct dirent *de;

        if (!d)
                return negative_errno();
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        return 0;
        return 1;
}

const char *volume_bind_source(const Volume *v) {
        if (streq_ptr(pairs_get(v->options, "type"), "none"))
                return pairs_get(v->options, "device") ?: v->mountpoint;
        return v->mountpoint;
}

/* _data is a mount point: it lies on another device than the volume's directory. */
static int is_mounted(const Volume *v) {
        struct stat a, b;
        _cleanup_free_ char *parent = strdup(v->mountpoint);
        char *slash;

        if (!parent)
                return -ENOMEM;
        slash = strrchr(parent, '/');
        *slash = 0;
        if (stat(v->mountpoint, &a) < 0 || stat(parent, &b) < 0)
                return negative_errno();
        return a.st_dev != b.st_dev;
}

int volume_mount(const Volume *v) {
        const char *o = pairs_get(v->options, "o");
        int r;

        if (!streq_ptr(pairs_get(v->options, "type"), "tmpfs"))
                return 0;
        r = is_mounted(v);
        if (r != 0)
                return r < 0 ? r : 0;
        if (mount(pairs_get(v->options, "device") ?: "tmpfs",
                  v->mountpoint,
                  "tmpfs",
                  MS_NOSUID | MS_NODEV,
                  o) < 0)
                return negative_errno();
        return 0;
}

int volume_unmount(const Volume *v) {
        int r;

        if (!streq_ptr(pairs_get(v->options, "type"), "tmpfs"))
                return 0;
        r = is_mounted(v);
        if (r <= 0)
                return r == -ENOENT ? 0 : r;
        if (umount2(v->mountpoint, MNT_DETACH) < 0)
                return negative_errno();
        return 0;
}

static uint64_t du_total;

static int du_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        if (type == FTW_F || type == FTW_SL)
                du_total += (uint64_t)st->st_blocks * 512U;
        return 0;
}

uint64_t volume_size(const Volume *v) {
        du_total = 0;
        (void)nftw(v->mountpoint, du_one, 16, FTW_PHYS | FTW_MOUNT);
        return du_total;
}

static int copy_up_marker(const char *state_dir, const char *name, char **ret) {
        return asprintf(ret, "%s/volumes/%s/" VOLUME_COPY_UP_MARKER, state_dir, name) < 0 ? -ENOMEM : 0;
}

int volume_copy_up_begin(const char *state_dir, const char *name, bool created) {
        _cleanup_free_ char *marker = NULL;
        int r;

        r = copy_up_marker(state_dir, name, &marker);
        if (r < 0)
                return r;
        return write_string_file_atomic(marker, created ? VOLUME_COPY_UP_CREATED : "");
}

int volume_copy_up_running(const char *state_dir, const char *name) {
        _cleanup_free_ char *marker = NULL;
        int r;

        if (!volume_name_is_valid(name))
                return 0;
        r = copy_up_marker(state_dir, name, &marker);
        if (r < 0)
                return r;
        if (access(marker, F_OK) < 0)
                return errno == ENOENT ? 0 : negative_errno();
        return 1;
}

int volume_copy_up_end(const char *state_dir, const char *name) {
        _cleanup_free_ char *marker = NULL;
        int r;

        r = copy_up_marker(state_dir, name, &marker);
        if (r < 0)
                return r;
        if (unlink(marker) < 0 && errno != ENOENT)
                return negative_errno();
        return 0;
}

int volume_copy_up_undo(const char *state_dir, const char *name) {
        _cleanup_(volume_freep) Volume *v = NULL;
        _cleanup_free_ char *marker = NULL, *text = NULL;
        int r;

        r = copy_up_marker(state_dir, name, &marker);
        if (r < 0)
                return r;
        r = read_full_file_at(AT_FDCWD, marker, 64, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        if (streq(text, VOLUME_COPY_UP_CREATED)) {
                r = volume_remove(state_dir, name);
                return r < 0 ? r : 1;
        }
        r = volume_get(state_dir, name, &v);
        if (r < 0)
                return r;
        /* _data goes with what was copied so far, and comes back as volume_create() makes it. */
        r = rm_rf(v->mountpoint);
        if (r < 0)
                return r;
        if (mkdir(v->mountpoint, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        return volume_copy_up_end(state_dir, name);
}
