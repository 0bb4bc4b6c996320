/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "digest.h"
#include "fileio.h"
#include "image-remove.h"
#include "image-store-internal.h"
#include "image-store.h"
#include "log.h"
#include "strv.h"
#include "tar-builder.h"

static char *test_images; /* output of tests/sandbox/make-test-images */

/* ---- helpers ------------------------------------------------------------------------------------- */

static char *new_state_dir(void) {
        char *d = strdup("/tmp/image-test-XXXXXX");
        assert_non_null(d);
        assert_non_null(mkdtemp(d));
        return d;
}

static void remove_state_dir(char *d) {
        assert_int_equal(rm_rf(d), 0);
        free(d);
}

static char *snapshot_buf;
static size_t snapshot_root_len;

static int snapshot_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        char line[8192], digest[DIGEST_STRING_LEN + 1] = "";
        size_t old = snapshot_buf ? strlen(snapshot_buf) : 0;

        if (S_ISREG(st->st_mode)) {
                char *data = NULL;
                size_t size;
                assert_int_equal(read_full_file_at(AT_FDCWD, path, 1U << 30, &data, &size), 0);
                assert_int_equal(sha256_digest(data, size, digest), 0);
                free(data);
        }
        snprintf(line, sizeof(line), "%s %o %s\n", path + snapshot_root_len, (unsigned)st->st_mode, digest);
        snapshot_buf = realloc(snapshot_buf, old + strlen(line) + 1);
        assert_non_null(snapshot_buf);
        strcpy(snapshot_buf + old, line);
        return 0;
}

/* Every path, mode and content digest below the state directory, in traversal order. */
static char *snapshot(const char *state) {
        snapshot_buf = strdup("");
        snapshot_root_len = strlen(state);
        assert_int_equal(nftw(state, snapshot_one, 16, FTW_PHYS), 0);
        return snapshot_buf;
}

static int load_blob(ImageStore *s, const Blob *b, char ***loaded) {
        int fd = blob_to_fd(b), r;
        r = image_store_load_archive(s, fd, loaded);
        close(fd);
        return r;
}

static int load_file(ImageStore *s, const char *name, char ***loaded) {
        char path[4096];
        int fd, r;

        snprintf(path, sizeof(path), "%s/%s", test_images, name);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        r = image_store_load_archive(s, fd, loaded);
        close(fd);
        return r;
}

/* Loads through a pipe, as berthd gets the archive from `berth load < file`. */
static int load_file_via_pipe(ImageStore *s, const char *name, char ***loaded) {
        char path[4096];
        int p[2], r, status;
        pid_t pid;

        snprintf(path, sizeof(path), "%s/%s", test_images, name);
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                char *data = NULL;
                size_t size;
                close(p[0]);
                if (read_full_file_at(AT_FDCWD, path, 1U << 30, &data, &size) < 0 ||
                    loop_write(p[1], data, size) < 0)
                        _exit(1);
                _exit(0);
        }
        close(p[1]);
        r = image_store_load_archive(s, p[0], loaded);
        close(p[0]);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        return r;
}

static char *digests_env(const char *key) {
        char path[4096], *data = NULL, *line, *value;
        size_t size;

        snprintf(path, sizeof(path), "%s/digests.env", test_images);
        assert_int_equal(read_full_file_at(AT_FDCWD, path, 65536, &data, &size), 0);
        line = strstr(data, key);
        assert_non_null(line);
        value = strndup(line + strlen(key) + 1, strcspn(line + strlen(key) + 1, "\n"));
        free(data);
        return value;
}

enum {
        ARCHIVE_NO_MANIFEST = 1 << 0,
        ARCHIVE_MISSING_LAYER = 1 << 1,
        ARCHIVE_TAMPERED_LAYER = 1 << 2,
        ARCHIVE_CONFIG_NOT_JSON = 1 << 3,
};

/* A docker save archive of the given layer tars (uncompressed), tagged tag, with defects chosen by flags. */
static Blob docker_archive(const Blob *layers, size_t n, const char *tag, const char *cmd, unsigned flags) {
        char config[16384], manifest[16384], name[256], *config_digest;
        TarBuilder *b = tar_new(NULL);
        Blob config_blob;
        size_t off;

        off = (size_t)snprintf(
                config,
                sizeof(config),
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\","
                "\"config\":{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"%s\"]},\"rootfs\":{\"type\":\"layers\","
                "\"diff_ids\":[",
                cmd);
        for (size_t i = 0; i < n; i++) {
                char *d = blob_digest(&layers[i]);
                off += (size_t)snprintf(config + off, sizeof(config) - off, "%s\"%s\"", i ? "," : "", d);
                free(d);
        }
        snprintf(config + off, sizeof(config) - off, "]}}");
        if (flags & ARCHIVE_CONFIG_NOT_JSON)
                strcpy(config, "this is { not json");

        config_blob = (Blob){config, strlen(config)};
        config_digest = blob_digest(&config_blob);
        snprintf(name, sizeof(name), "%s.json", config_digest + 7);
        tar_blob(b, name, &config_blob);

        off = (size_t)snprintf(
                manifest,
                sizeof(manifest),
                "[{\"Config\":\"%s\",\"RepoTags\":[\"%s\"],\"Layers\":[",
                name,
                tag);
        for (size_t i = 0; i < n; i++) {
                Blob layer = layers[i];
                char path[64];

                snprintf(path, sizeof(path), "layer%zu/layer.tar", i);
                off += (size_t)snprintf(
                        manifest + off, sizeof(manifest) - off, "%s\"%s\"", i ? "," : "", path);
                if ((flags & ARCHIVE_MISSING_LAYER) && i == n - 1)
                        continue;
                if (flags & ARCHIVE_TAMPERED_LAYER) {
                        layer.data = malloc(layer.size);
                        memcpy(layer.data, layers[i].data, layer.size);
                        layer.data[layer.size / 3] ^= 0x20;
                }
                tar_blob(b, path, &layer);
                if (flags & ARCHIVE_TAMPERED_LAYER)
                        free(layer.data);
        }
        snprintf(manifest + off, sizeof(manifest) - off, "]}]");
        if (!(flags & ARCHIVE_NO_MANIFEST))
                tar_string(b, "manifest.json", manifest);
        free(config_digest);
        return tar_finish(b);
}

static Blob simple_layer(const char *file, const char *content) {
        TarBuilder *b = tar_new(NULL);
        tar_dir(b, "bin", 0755);
        tar_string(b, file, content);
        return tar_finish(b);
}

/* ---- tests --------------------------------------------------------------------------------------- */

static void test_load_docker_busybox(void **state) {
        char *dir = new_state_dir(), *id = digests_env("BUSYBOX_IMAGE_ID"), **loaded = NULL, *before, *after,
             path[4096];
        ImageStore *s = NULL;
        Image *image = NULL, **list = NULL;
        size_t n = 0;
        struct stat st;

        assert_int_equal(image_store_new(dir, &s), 0);
        assert_int_equal(load_file(s, "busybox-docker.tar", &loaded), 0);
        assert_int_equal(strv_length(loaded), 1);
        assert_string_equal(loaded[0], "busybox:latest");
        loaded = strv_free(loaded);

        assert_int_equal(image_store_get(s, "busybox", &image), 0);
        assert_string_equal(image->id, id);
        assert_int_equal(strv_length(image->repo_tags), 1);
        assert_string_equal(image->repo_tags[0], "docker.io/library/busybox:latest");
        assert_string_equal(image->config.cmd[0], "sh");
        assert_non_null(strv_env_find(image->config.env, "PATH"));
        assert_string_equal(image->config.os, "linux");
        assert_true(image->config.created_usec == 1704067200000000ULL);
        assert_true(image->size > 100000);
        assert_int_equal(strv_length(image->layer_dirs), 1);
        snprintf(path, sizeof(path), "%s/bin/busybox", image->layer_dirs[0]);
        assert_int_equal(stat(path, &st), 0);
        assert_true(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0755);
        snprintf(path, sizeof(path), "%s/bin/sh", image->layer_dirs[0]);
        assert_int_equal(lstat(path, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        snprintf(path, sizeof(path), "%s/home/berthuser", image->layer_dirs[0]);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_uid, 1000);
        assert_true(st.st_mtime == 1704067200);
        /* The store is an OCI layout: manifest written, blobs named by digest. */
        snprintf(path, sizeof(path), "%s/images/blobs/sha256/%s", dir, image->manifest_digest + 7);
        assert_int_equal(stat(path, &st), 0);
        snprintf(path, sizeof(path), "%s/images/blobs/sha256/%s", dir, id + 7);
        assert_int_equal(stat(path, &st), 0);
        image = image_free(image);

        /* By id, by prefix with and without "sha256:". */
        assert_int_equal(image_store_get(s, id, &image), 0);
        image = image_free(image);
        snprintf(path, sizeof(path), "%.12s", id + 7);
        assert_int_equal(image_store_get(s, path, &image), 0);
        image = image_free(image);
        snprintf(path, sizeof(path), "sha256:%.5s", id + 7);
        assert_int_equal(image_store_get(s, path, &image), 0);
        image = image_free(image);
        assert_int_equal(image_store_get(s, "docker.io/library/busybox:latest", &image), 0);
        image = image_free(image);
        assert_int_equal(image_store_get(s, "busybox:1.36", &image), -ENOENT);
        assert_int_equal(image_store_get(s, "Not A Name", &image), -EINVAL);

        /* Loading again changes nothing. */
        before = snapshot(dir);
        assert_int_equal(load_file(s, "busybox-docker.tar", &loaded), 0);
        loaded = strv_free(loaded);
        after = snapshot(dir);
        assert_string_equal(before, after);
        free(before);
        free(after);
        assert_int_equal(image_store_list(s, &list, &n), 0);
        assert_int_equal(n, 1);
        image_list_free(list, n);

        image_store_free(s);
        /* Reopening finds the same. */
        assert_int_equal(image_store_new(dir, &s), 0);
        assert_int_equal(image_store_get(s, "busybox", &image), 0);
        image_free(image);
        image_store_free(s);
        free(id);
        remove_state_dir(dir);
}

static void test_load_oci(void **state) {
        char *dir = new_state_dir(), **loaded = NULL, path[4096];
        char *id = digests_env("BUSYBOX_IMAGE_ID"), *manifest = digests_env("BUSYBOX_OCI_MANIFEST_DIGEST"),
             *hello_id = digests_env("HELLO_IMAGE_ID");
        ImageStore *s = NULL;
        Image *busybox = NULL, *hello = NULL, **list = NULL;
        size_t n = 0;
        struct stat st;

        assert_int_equal(image_store_new(dir, &s), 0);
        assert_int_equal(load_file_via_pipe(s, "busybox-oci.tar", &loaded), 0);
        assert_string_equal(loaded[0], "busybox:latest");
        loaded = strv_free(loaded);
        assert_int_equal(image_store_get(s, "busybox:latest", &busybox), 0);
        assert_string_equal(busybox->id, id);
        assert_string_equal(busybox->manifest_digest, manifest);
        assert_true(busybox->size > 100000);

        assert_int_equal(load_file_via_pipe(s, "hello-oci.tar", &loaded), 0);
        assert_string_equal(loaded[0], "hello:latest");
        loaded = strv_free(loaded);
        assert_int_equal(image_store_get(s, "hello", &hello), 0);
        assert_string_equal(hello->id, hello_id);
        assert_string_equal(hello->config.entrypoint[0], "/bin/echo");
        assert_string_equal(hello->config.working_dir, "/tmp");
        assert_non_null(strv_env_find(hello->config.env, "FOO"));
        assert_int_equal(strv_length(hello->layer_dirs), 2);
        /* The busybox layer is shared, unpacked once. */
        assert_string_equal(hello->layer_dirs[0], busybox->layer_dirs[0]);
        assert_true(hello->size > busybox->size);
        /* The second layer deletes /usr/bin/wget: an overlayfs whiteout. */
        snprintf(path, sizeof(path), "%s/usr/bin/wget", hello->layer_dirs[1]);
        assert_int_equal(lstat(path, &st), 0);
        assert_true(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
        snprintf(path, sizeof(path), "%s/usr/bin/.wh.wget", hello->layer_dirs[1]);
        assert_int_equal(lstat(path, &st), -1);
        snprintf(path, sizeof(path), "%s/etc/hello.txt", hello->layer_dirs[1]);
        assert_int_equal(lstat(path, &st), 0);

        /* The Docker archive of the same image: same id, one image. */
        assert_int_equal(load_file(s, "busybox-docker.tar", &loaded), 0);
        loaded = strv_free(loaded);
        assert_int_equal(image_store_list(s, &list, &n), 0);
        assert_int_equal(n, 2);
        image_list_free(list, n);

        image_free(busybox);
        image_free(hello);
        image_store_free(s);
        free(id);
        free(manifest);
        free(hello_id);
        remove_state_dir(dir);
}

static void test_import_rootfs(void **state) {
        char *dir = new_state_dir(), *id = NULL, *id2 = NULL, path[4096];
        ImageStore *s = NULL;
        Image *image = NULL;
        int fd;

        assert_int_equal(image_store_new(dir, &s), 0);
        snprintf(path, sizeof(path), "%s/busybox-rootfs.tar", test_images);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(image_store_import_rootfs(s, fd, "myfs:1", &id), 0);
        close(fd);
        assert_int_equal(image_store_get(s, "myfs:1", &image), 0);
        assert_string_equal(image->id, id);
        assert_int_equal(strv_length(image->layer_dirs), 1);
        assert_int_equal(strv_length(image->diff_ids), 1);
        assert_null(image->config.cmd);
        assert_string_equal(image->config.architecture, "amd64");
        assert_string_equal(image->config.os, "linux");
        assert_true(image->config.created_usec > 0);
        snprintf(path, sizeof(path), "%s/bin/busybox", image->layer_dirs[0]);
        assert_int_equal(access(path, X_OK), 0);
        image = image_free(image);

        /* Compressed, without a name: untagged, found by id. */
        TarBuilder *b = tar_new("gzip");
        tar_dir(b, "etc", 0755);
        tar_string(b, "etc/os-release", "ID=test\n");
        Blob gz = tar_finish(b);
        fd = blob_to_fd(&gz);
        assert_int_equal(image_store_import_rootfs(s, fd, NULL, &id2), 0);
        close(fd);
        assert_int_equal(image_store_get(s, id2, &image), 0);
        assert_null(image->repo_tags);
        image = image_free(image);

        fd = blob_to_fd(&gz);
        assert_int_equal(image_store_import_rootfs(s, fd, "Bad Name", NULL), -EINVAL);
        close(fd);
        blob_done(&gz);

        image_store_free(s);
        free(id);
        free(id2);
        remove_state_dir(dir);
}

static void test_layer_contents(void **state) {
        char *dir = new_state_dir(), *id = NULL, path[4096], value[8];
        ImageStore *s = NULL;
        Image *image = NULL;
        struct stat st;
        int fd;

        TarBuilder *b = tar_new(NULL);
        tar_dir(b, "a", 0755);
        tar_string(b, "a/.wh.b", "");
        tar_dir(b, "c", 0700);
        tar_string(b, "c/.wh..wh..opq", "");
        tar_file(b, "c/suid", "x", 1, 04755);
        tar_string(b, "implicit/parent/file", "made without its directories");
        tar_string(b, "twice", "first");
        tar_string(b, "twice", "second");
        tar_hardlink(b, "a/link", "implicit/parent/file");
        tar_symlink(b, "abs-link", "/etc/passwd");
        Blob layer = tar_finish(b);

        assert_int_equal(image_store_new(dir, &s), 0);
        fd = blob_to_fd(&layer);
        assert_int_equal(image_store_import_rootfs(s, fd, "contents", &id), 0);
        close(fd);
        assert_int_equal(image_store_get(s, "contents", &image), 0);

        snprintf(path, sizeof(path), "%s/a/b", image->layer_dirs[0]);
        assert_int_equal(lstat(path, &st), 0);
        assert_true(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
        snprintf(path, sizeof(path), "%s/c", image->layer_dirs[0]);
        assert_int_equal(lgetxattr(path, "trusted.overlay.opaque", value, sizeof(value)), 1);
        assert_int_equal(value[0], 'y');
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        assert_true(st.st_mtime == 1704067200);
        snprintf(path, sizeof(path), "%s/c/.wh..wh..opq", image->layer_dirs[0]);
        assert_int_equal(lstat(path, &st), -1);
        snprintf(path, sizeof(path), "%s/c/suid", image->layer_dirs[0]);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 04755);
        snprintf(path, sizeof(path), "%s/twice", image->layer_dirs[0]);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_size, 6);
        snprintf(path, sizeof(path), "%s/a/link", image->layer_dirs[0]);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_nlink, 2);
        snprintf(path, sizeof(path), "%s/abs-link", image->layer_dirs[0]);
        assert_int_equal(lstat(path, &st), 0);
        assert_true(S_ISLNK(st.st_mode));

        image_free(image);
        image_store_free(s);
        blob_done(&layer);
        free(id);
        remove_state_dir(dir);
}

static void assert_owner_mode(const char *layer_dir, const char *name, uid_t uid, gid_t gid, mode_t mode) {
        char path[4096];
        struct stat st;

        snprintf(path, sizeof(path), "%s/%s", layer_dir, name);
        assert_int_equal(lstat(path, &st), 0);
        assert_int_equal(st.st_uid, uid);
        assert_int_equal(st.st_gid, gid);
        assert_int_equal(st.st_mode & 07777, mode);
}

/* Owners and modes, also where what a new file gets by itself (our owner, a setgid directory's group and
 * setgid bit, the umask) is not what the layer says. */
static void test_layer_owners(void **state) {
        char *dir = new_state_dir(), *id = NULL;
        ImageStore *s = NULL;
        Image *image = NULL;
        const char *l;
        mode_t old_umask = umask(0027);
        int fd;

        TarBuilder *b = tar_new(NULL);
        tar_owned(b, "g", NULL, 02775, 0, 50);
        tar_owned(b, "g/file", "x", 0644, 0, 0);
        tar_owned(b, "g/inherits", "x", 0644, 0, 50);
        tar_owned(b, "g/dir", NULL, 0755, 0, 0);
        tar_owned(b, "g/setgid-dir", NULL, 02755, 0, 50);
        tar_owned(b, "suid", "x", 04755, 1000, 1000);
        tar_owned(b, "sgid", "x", 02711, 0, 0);
        tar_owned(b, "sticky", NULL, 01777, 0, 0);
        tar_owned(b, "umasked", "x", 0666, 0, 0);
        tar_owned(b, "readonly", "x", 0444, 7, 0);
        tar_owned(b, "locked", NULL, 0000, 0, 0);
        tar_owned(b, "locked/inside", "x", 0600, 0, 0);
        tar_owned(b, "again", NULL, 0700, 0, 0);
        tar_owned(b, "again", NULL, 02750, 5, 6);
        tar_owned(b, "plain", "x", 0644, 0, 0);
        Blob layer = tar_finish(b);

        assert_int_equal(image_store_new(dir, &s), 0);
        fd = blob_to_fd(&layer);
        assert_int_equal(image_store_import_rootfs(s, fd, "owners", &id), 0);
        close(fd);
        assert_int_equal(image_store_get(s, "owners", &image), 0);
        l = image->layer_dirs[0];

        assert_owner_mode(l, "g", 0, 50, 02775);
        assert_owner_mode(l, "g/file", 0, 0, 0644);
        assert_owner_mode(l, "g/inherits", 0, 50, 0644);
        assert_owner_mode(l, "g/dir", 0, 0, 0755);
        assert_owner_mode(l, "g/setgid-dir", 0, 50, 02755);
        assert_owner_mode(l, "suid", 1000, 1000, 04755);
        assert_owner_mode(l, "sgid", 0, 0, 02711);
        assert_owner_mode(l, "sticky", 0, 0, 01777);
        assert_owner_mode(l, "umasked", 0, 0, 0666);
        assert_owner_mode(l, "readonly", 7, 0, 0444);
        assert_owner_mode(l, "locked", 0, 0, 0000);
        assert_owner_mode(l, "locked/inside", 0, 0, 0600);
        assert_owner_mode(l, "again", 5, 6, 02750);
        assert_owner_mode(l, "plain", 0, 0, 0644);

        umask(old_umask);
        image_free(image);
        image_store_free(s);
        blob_done(&layer);
        free(id);
        remove_state_dir(dir);
}

typedef enum BadLayer {
        BAD_DOTDOT,
        BAD_ABSOLUTE,
        BAD_SYMLINK_PARENT,
        BAD_HARDLINK_ABSOLUTE,
        BAD_HARDLINK_DOTDOT,
        BAD_HARDLINK_VIA_SYMLINK,
        BAD_WHITEOUT_DOTDOT,
        BAD_SYMLINK_REPLACES_PARENT,
        BAD_WHITEOUT_REPLACES_PARENT,
        _BAD_LAYER_MAX,
} BadLayer;

static Blob bad_layer(BadLayer kind) {
        TarBuilder *b = tar_new(NULL);

        tar_dir(b, "etc", 0755);
        switch (kind) {
        case BAD_DOTDOT:
                tar_string(b, "etc/../../x", "escape");
                break;
        case BAD_ABSOLUTE:
                tar_string(b, "/etc/x", "escape");
                break;
        case BAD_SYMLINK_PARENT:
                tar_symlink(b, "evil", "/");
                tar_string(b, "evil/tmp/image-test-escaped", "escape");
                break;
        case BAD_HARDLINK_ABSOLUTE:
                tar_hardlink(b, "passwd", "/etc/passwd");
                break;
        case BAD_HARDLINK_DOTDOT:
                tar_hardlink(b, "passwd", "../../../../etc/passwd");
                break;
        case BAD_HARDLINK_VIA_SYMLINK:
                tar_symlink(b, "root", "/");
                tar_hardlink(b, "passwd", "root/etc/passwd");
                break;
        case BAD_WHITEOUT_DOTDOT:
                tar_string(b, "etc/.wh...", "");
                break;
        case BAD_SYMLINK_REPLACES_PARENT:
                tar_dir(b, "evil", 0755);
                tar_string(b, "evil/a", "a");
                tar_symlink(b, "evil", "/tmp");
                tar_string(b, "evil/image-test-escaped", "escape");
                break;
        case BAD_WHITEOUT_REPLACES_PARENT:
                tar_dir(b, "etc/d", 0755);
                tar_string(b, "etc/d/a", "a");
                tar_string(b, "etc/.wh.d", "");
                tar_string(b, "etc/d/b", "b");
                break;
        default:
                fail();
        }
        return tar_finish(b);
}

static void test_bad_archives(void **state) {
        char *dir = new_state_dir(), **loaded = NULL, *before, *after;
        Blob good_layer = simple_layer("bin/hello", "hello"), good, bad;
        ImageStore *s = NULL;
        struct stat st;

        assert_int_equal(image_store_new(dir, &s), 0);
        good = docker_archive(&good_layer, 1, "good:1", "hello", 0);
        assert_int_equal(load_blob(s, &good, &loaded), 0);
        loaded = strv_free(loaded);
        before = snapshot(dir);

#define EXPECT_REFUSED(blob, what)                                                                          \
        do {                                                                                                \
                Blob _b = (blob);                                                                           \
                if (load_blob(s, &_b, &loaded) >= 0)                                                        \
                        fail_msg("%s: accepted", what);                                                     \
                after = snapshot(dir);                                                                      \
                if (strcmp(before, after) != 0)                                                             \
                        fail_msg("%s: store changed:\n%s\n---\n%s", what, before, after);                   \
                free(after);                                                                                \
                blob_done(&_b);                                                                             \
        } while (0)

        /* Truncated: a prefix of a good archive. */
        bad = (Blob){malloc(good.size / 2), good.size / 2};
        memcpy(bad.data, good.data, bad.size);
        EXPECT_REFUSED(bad, "truncated archive");

        bad = (Blob){strdup("this is not a tar archive, not even close\n"), 0};
        bad.size = strlen(bad.data);
        EXPECT_REFUSED(bad, "not a tar");

        bad = (Blob){strdup(""), 0};
        EXPECT_REFUSED(bad, "empty input");

        Blob other_layer = simple_layer("bin/other", "other");
        EXPECT_REFUSED(
                docker_archive(&other_layer, 1, "x:1", "x", ARCHIVE_NO_MANIFEST), "manifest.json missing");
        EXPECT_REFUSED(docker_archive(&other_layer, 1, "x:1", "x", ARCHIVE_MISSING_LAYER), "missing layer");
        EXPECT_REFUSED(
                docker_archive(&other_layer, 1, "x:1", "x", ARCHIVE_TAMPERED_LAYER), "tampered layer");
        EXPECT_REFUSED(
                docker_archive(&other_layer, 1, "x:1", "x", ARCHIVE_CONFIG_NOT_JSON), "config not JSON");
        EXPECT_REFUSED(docker_archive(&other_layer, 1, "Bad Tag", "x", 0), "invalid tag");
        Blob two[2] = {good_layer, other_layer};
        EXPECT_REFUSED(docker_archive(two, 2, "x:2", "x", ARCHIVE_TAMPERED_LAYER), "second layer tampered");
        blob_done(&other_layer);

        for (BadLayer k = 0; k < _BAD_LAYER_MAX; k++) {
                char what[64];
                Blob layer = bad_layer(k);
                snprintf(what, sizeof(what), "hostile layer %d", (int)k);
                EXPECT_REFUSED(docker_archive(&layer, 1, "x:1", "x", 0), what);
                blob_done(&layer);
        }
        assert_int_equal(stat("/tmp/image-test-escaped", &st), -1);

        /* Decompression bomb: 64 MiB of zeros, gzipped to ~64 KiB, against a 1 MiB limit. */
        image_store_set_limits(s, 1ULL << 30, 1ULL << 20, 1000);
        TarBuilder *b = tar_new("gzip");
        tar_zeros(b, "zeros", 64ULL << 20);
        Blob bomb = tar_finish(b);
        assert_true(bomb.size < (1U << 20));
        b = tar_new(NULL);
        tar_blob(b, "bomb.tar.gz", &bomb);
        tar_string(
                b,
                "manifest.json",
                "[{\"Config\":\"c.json\",\"RepoTags\":[\"bomb:1\"],\"Layers\":[\"bomb.tar.gz\"]}]");
        tar_string(
                b,
                "c.json",
                "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
                "0000000000000000000000000000000000000000000000000000000000000000\"]}}");
        EXPECT_REFUSED(tar_finish(b), "gzip bomb");
        /* The same bomb as a rootfs import. */
        int fd = blob_to_fd(&bomb);
        assert_int_equal(image_store_import_rootfs(s, fd, "bomb", NULL), -EFBIG);
        close(fd);
        blob_done(&bomb);

        /* Too many entries. */
        b = tar_new(NULL);
        for (int i = 0; i < 1001; i++) {
                char name[32];
                snprintf(name, sizeof(name), "f%d", i);
                tar_string(b, name, "");
        }
        Blob many = tar_finish(b);
        EXPECT_REFUSED(docker_archive(&many, 1, "many:1", "x", 0), "too many entries");
        blob_done(&many);

        /* Archive larger than allowed. */
        image_store_set_limits(s, 1024, 1ULL << 20, 1000);
        EXPECT_REFUSED(docker_archive(&good_layer, 1, "good:2", "x", 0), "archive over the size limit");

        free(before);
        blob_done(&good);
        blob_done(&good_layer);
        image_store_free(s);
        remove_state_dir(dir);
}

/* A multi-platform index whose manifest for this machine is missing: the error names the missing blob,
 * not "no image for this platform", which the index lookup once logged even when it found one. */
static void test_platform_index_error(void **state) {
#if defined(__x86_64__)
        const char *arch = "amd64";
#elif defined(__aarch64__)
        const char *arch = "arm64";
#else
        skip();
#endif
        char *dir = new_state_dir(), **loaded = NULL, nested[1024], index[1024], path[128], *digest;
        ImageStore *s = NULL;
        TarBuilder *b = tar_new(NULL);
        Blob nested_blob, archive;

        snprintf(
                nested,
                sizeof(nested),
                "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"size\":1,"
                "\"platform\":{\"os\":\"linux\",\"architecture\":\"%s\"}}]}",
                arch);
        nested_blob = (Blob){nested, strlen(nested)};
        digest = blob_digest(&nested_blob);
        snprintf(path, sizeof(path), "blobs/sha256/%s", digest + 7);
        tar_blob(b, path, &nested_blob);
        snprintf(
                index,
                sizeof(index),
                "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                "\"application/vnd.oci.image.index.v1+json\",\"digest\":\"%s\",\"size\":%zu}]}",
                digest,
                nested_blob.size);
        tar_string(b, "index.json", index);
        archive = tar_finish(b);

        assert_int_equal(image_store_new(dir, &s), 0);
        log_set_max_level(LOG_ERR);
        log_reset_first_error();
        assert_int_equal(load_blob(s, &archive, &loaded), -EBADMSG);
        log_set_max_level(getenv("BERTH_TEST_DEBUG") ? LOG_DEBUG : LOG_CRIT);
        assert_non_null(log_first_error());
        assert_non_null(strstr(log_first_error(), "sha256:aaaaaaaa"));
        assert_null(strstr(log_first_error(), "has no image"));

        image_store_free(s);
        blob_done(&archive);
        free(digest);
        remove_state_dir(dir);
}

static void test_tags(void **state) {
        char *dir = new_state_dir(), **loaded = NULL;
        Blob l1 = simple_layer("bin/one", "1"), l2 = simple_layer("bin/two", "2"), a1, a2;
        ImageStore *s = NULL;
        Image *image = NULL, **list = NULL;
        size_t n = 0;

        assert_int_equal(image_store_new(dir, &s), 0);
        a1 = docker_archive(&l1, 1, "app:v1", "one", 0);
        a2 = docker_archive(&l2, 1, "app:v1", "two", 0);
        assert_int_equal(load_blob(s, &a1, &loaded), 0);
        loaded = strv_free(loaded);
        assert_int_equal(image_store_get(s, "app:v1", &image), 0);
        assert_string_equal(image->config.cmd[0], "one");
        image = image_free(image);

        /* The tag moves; the old image stays, untagged. */
        assert_int_equal(load_blob(s, &a2, &loaded), 0);
        loaded = strv_free(loaded);
        assert_int_equal(image_store_get(s, "app:v1", &image), 0);
        assert_string_equal(image->config.cmd[0], "two");
        image = image_free(image);
        assert_int_equal(image_store_list(s, &list, &n), 0);
        assert_int_equal(n, 2);
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i]->config.cmd[0], "one") == 0)
                        assert_null(list[i]->repo_tags);
        image_list_free(list, n);

        /* Both ids start with "sha256:": "sha256:" alone is no prefix. */
        assert_int_equal(image_store_get(s, "sha256:", &image), -EINVAL);

        image_store_free(s);
        blob_done(&a1);
        blob_done(&a2);
        blob_done(&l1);
        blob_done(&l2);
        remove_state_dir(dir);
}

static void test_leftovers(void **state) {
        char *dir = new_state_dir(), path[4096];
        ImageStore *s = NULL;
        struct stat st;

        assert_int_equal(image_store_new(dir, &s), 0);
        image_store_free(s);

        snprintf(path, sizeof(path), "%s/image-staging/txn-interrupted/l0/diff", dir);
        assert_int_equal(mkdir_p(path, 0755), 0);
        snprintf(path, sizeof(path), "%s/images/index.json.tmp.4242", dir);
        assert_int_equal(write_string_file_atomic(path, "{"), 0);

        assert_int_equal(image_store_new(dir, &s), 0);
        snprintf(path, sizeof(path), "%s/image-staging/txn-interrupted", dir);
        assert_int_equal(stat(path, &st), -1);
        snprintf(path, sizeof(path), "%s/images/index.json.tmp.4242", dir);
        assert_int_equal(stat(path, &st), -1);
        snprintf(path, sizeof(path), "%s/images/index.json", dir);
        assert_int_equal(stat(path, &st), 0);
        image_store_free(s);
        remove_state_dir(dir);
}

/* A later entry replaces an earlier one of the same name, a directory with all it holds: the entries
 * after it go into the directory that replaced it. */
static void test_replaced_directory(void **state) {
        char *dir = new_state_dir(), **loaded = NULL, path[4096];
        ImageStore *s = NULL;
        Image *image = NULL;
        struct stat st;
        TarBuilder *b = tar_new(NULL);
        Blob layer, archive;

        tar_dir(b, "d", 0755);
        tar_string(b, "d/a", "a");
        tar_string(b, "d", "now a file");
        tar_dir(b, "d", 0755);
        tar_string(b, "d/x", "x");
        layer = tar_finish(b);

        assert_int_equal(image_store_new(dir, &s), 0);
        archive = docker_archive(&layer, 1, "replaced:1", "x", 0);
        assert_int_equal(load_blob(s, &archive, &loaded), 0);
        assert_int_equal(image_store_get(s, "replaced:1", &image), 0);
        snprintf(path, sizeof(path), "%s/d/x", image->layer_dirs[0]);
        assert_int_equal(stat(path, &st), 0);
        snprintf(path, sizeof(path), "%s/d/a", image->layer_dirs[0]);
        assert_int_equal(stat(path, &st), -1);

        image_free(image);
        strv_free(loaded);
        image_store_free(s);
        blob_done(&archive);
        blob_done(&layer);
        remove_state_dir(dir);
}

/* A transaction of another process (a pull worker) holds a lock on its directory: opening the store
 * leaves it alone. */
static void test_live_transaction_kept(void **state) {
        char *dir = new_state_dir(), path[4096];
        ImageStore *s = NULL;
        struct stat st;
        int fd;

        snprintf(path, sizeof(path), "%s/image-staging/txn-alive", dir);
        assert_int_equal(mkdir_p(path, 0755), 0);
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(flock(fd, LOCK_EX), 0);

        assert_int_equal(image_store_new(dir, &s), 0);
        assert_int_equal(stat(path, &st), 0);
        image_store_free(s);

        close(fd);
        assert_int_equal(image_store_new(dir, &s), 0);
        assert_int_equal(stat(path, &st), -1);
        image_store_free(s);
        remove_state_dir(dir);
}

/* A transaction that reuses what the store has must not commit an image whose parts were collected
 * meanwhile (a pull racing rmi). */
static void test_commit_after_gc(void **state) {
        char *dir = new_state_dir(), **loaded = NULL, **lines = NULL;
        Blob l1 = simple_layer("bin/one", "1"), a1;
        ImageStore *s = NULL;
        Image *image = NULL;
        Transaction *t = NULL;

        assert_int_equal(image_store_new(dir, &s), 0);
        a1 = docker_archive(&l1, 1, "app:v1", "one", 0);
        assert_int_equal(load_blob(s, &a1, &loaded), 0);
        loaded = strv_free(loaded);
        assert_int_equal(image_store_get(s, "app:v1", &image), 0);

        assert_int_equal(transaction_begin(s, &t), 0);
        assert_int_equal(
                transaction_add_image(
                        t, image->manifest_digest, 1, (char *const[]){"docker.io/library/app:v2", NULL}),
                0);
        assert_int_equal(image_store_remove(s, "app:v1", 0, &lines), 0);
        lines = strv_free(lines);

        assert_int_equal(transaction_commit(t), -ESTALE);
        transaction_free(t);
        image = image_free(image);
        assert_int_equal(image_store_get(s, "app:v2", &image), -ENOENT);

        image_store_free(s);
        blob_done(&a1);
        blob_done(&l1);
        remove_state_dir(dir);
}

static int setup(void **state) {
        char cmd[8192];

        test_images = strdup("/tmp/image-test-images-XXXXXX");
        if (!test_images || !mkdtemp(test_images))
                return -1;
        snprintf(
                cmd,
                sizeof(cmd),
                "%s/tests/sandbox/make-test-images %s >/dev/null",
                SOURCE_ROOT,
                test_images);
        return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state) {
        rm_rf(test_images);
        free(test_images);
        return 0;
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_load_docker_busybox),
                cmocka_unit_test(test_load_oci),
                cmocka_unit_test(test_import_rootfs),
                cmocka_unit_test(test_layer_contents),
                cmocka_unit_test(test_layer_owners),
                cmocka_unit_test(test_bad_archives),
                cmocka_unit_test(test_platform_index_error),
                cmocka_unit_test(test_tags),
                cmocka_unit_test(test_leftovers),
                cmocka_unit_test(test_replaced_directory),
                cmocka_unit_test(test_live_transaction_kept),
                cmocka_unit_test(test_commit_after_gc),
        };

        log_set_max_level(getenv("BERTH_TEST_DEBUG") ? LOG_DEBUG : LOG_CRIT);
        if (geteuid() != 0) {
                fprintf(stderr, "Needs root (whiteout device nodes, ownership, trusted.* xattrs).\n");
                return 77;
        }
        return cmocka_run_group_tests(tests, setup, teardown);
}
