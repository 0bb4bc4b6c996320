/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "archive-save.h"
#include "digest.h"
#include "fileio.h"
#include "image-remove.h"
#include "image-store.h"
#include "log.h"
#include "strv.h"

#define STRV_MAKE(...) ((char *[]){__VA_ARGS__, NULL})

static char *test_images; /* output of tests/sandbox/make-test-images */

static char *new_state_dir(void) {
        char *d = strdup("/tmp/image-save-test-XXXXXX");
        assert_non_null(d);
        assert_non_null(mkdtemp(d));
        return d;
}

static void remove_state_dir(char *d) {
        assert_int_equal(rm_rf(d), 0);
        free(d);
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

static void load_file(ImageStore *s, const char *name) {
        char path[4096];
        int fd;

        snprintf(path, sizeof(path), "%s/%s", test_images, name);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(image_store_load_archive(s, fd, NULL), 0);
        close(fd);
}

/* A store with hello (from the OCI archive: gzipped layers), busybox:latest and busybox:other. */
static ImageStore *source_store(char **ret_dir) {
        ImageStore *s = NULL;

        *ret_dir = new_state_dir();
        assert_int_equal(image_store_new(*ret_dir, &s), 0);
        load_file(s, "hello-oci.tar");
        load_file(s, "busybox-docker.tar");
        assert_int_equal(image_store_tag(s, "busybox:latest", "busybox:other"), 0);
        return s;
}

static int save_to_memfd(ImageStore *s, char **names, ImageArchiveFormat format) {
        SaveSet set = {};
        int fd = memfd_create("archive", MFD_CLOEXEC), r;

        assert_true(fd >= 0);
        assert_int_equal(image_store_resolve_save(s, names, &set, NULL), 0);
        r = image_store_write_archive(s, &set, format, fd);
        save_set_done(&set);
        if (r < 0) {
                close(fd);
                return r;
        }
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        return fd;
}

/* The member names of the tar at fd, one a line, in order. */
static char *members(int fd) {
        struct archive *a = archive_read_new();
        struct archive_entry *e;
        char *list = strdup("");

        assert_non_null(a);
        archive_read_support_format_tar(a);
        assert_int_equal(archive_read_open_fd(a, fd, 65536), ARCHIVE_OK);
        while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
                char *more = NULL;
                assert_true(asprintf(&more, "%s%s\n", list, archive_entry_pathname(e)) >= 0);
                free(list);
                list = more;
        }
        assert_int_equal(archive_read_free(a), ARCHIVE_OK);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        return list;
}

static void test_format_table(void **state) {
        for (ImageArchiveFormat f = 0; f < _IMAGE_ARCHIVE_FORMAT_MAX; f++)
                assert_int_equal(image_archive_format_from_string(image_archive_format_to_string(f)), f);
        assert_string_equal(image_archive_format_to_string(IMAGE_ARCHIVE_DOCKER), "docker-archive");
        assert_string_equal(image_archive_format_to_string(IMAGE_ARCHIVE_OCI), "oci-archive");
        assert_int_equal(image_archive_format_from_string("tar"), -EINVAL);
        assert_int_equal(image_archive_format_from_string(""), -EINVAL);
        assert_int_equal(image_archive_format_from_string(NULL), -EINVAL);
        assert_null(image_archive_format_to_string(_IMAGE_ARCHIVE_FORMAT_MAX));
        assert_null(image_archive_format_to_string(-1));
}

static void test_resolve(void **state) {
        char *dir, *busybox_id = digests_env("BUSYBOX_IMAGE_ID"), id_prefix[16];
        ImageStore *s = source_store(&dir);
        const char *bad = NULL;
        SaveSet set = {};

        /* A bare repository: every tag of it, on the one image. */
        assert_int_equal(image_store_resolve_save(s, STRV_MAKE("busybox"), &set, NULL), 0);
        assert_int_equal(set.n, 1);
        assert_string_equal(set.images[0].id, busybox_id);
        assert_int_equal(strv_length(set.images[0].tags), 2);
        assert_true(strv_contains(set.images[0].tags, "docker.io/library/busybox:latest"));
        assert_true(strv_contains(set.images[0].tags, "docker.io/library/busybox:other"));
        save_set_done(&set);

        /* A tag: that tag only; the same image twice goes in once. */
        assert_int_equal(
                image_store_resolve_save(
                        s, STRV_MAKE("busybox:other", "hello", "busybox:other"), &set, NULL),
                0);
        assert_int_equal(set.n, 2);
        assert_int_equal(strv_length(set.images[0].tags), 1);
        assert_string_equal(set.images[0].tags[0], "docker.io/library/busybox:other");
        assert_string_equal(set.images[1].tags[0], "docker.io/library/hello:latest");
        save_set_done(&set);

        /* An id prefix: the image without tags. */
        snprintf(id_prefix, sizeof(id_prefix), "%.12s", busybox_id + 7);
        assert_int_equal(image_store_resolve_save(s, STRV_MAKE(id_prefix), &set, NULL), 0);
        assert_int_equal(set.n, 1);
        assert_null(set.images[0].tags);
        save_set_done(&set);

        assert_int_equal(image_store_resolve_save(s, STRV_MAKE("hello", "nope"), &set, &bad), -ENOENT);
        assert_string_equal(bad, "nope");
        assert_int_equal(image_store_resolve_save(s, STRV_MAKE("busybox:9"), &set, &bad), -ENOENT);
        assert_string_equal(bad, "busybox:9");
        assert_int_equal(image_store_resolve_save(s, STRV_MAKE("Bad:Ref:Here"), &set, &bad), -EINVAL);
        assert_string_equal(bad, "Bad:Ref:Here");
        assert_int_equal(image_store_resolve_save(s, NULL, &set, &bad), -EINVAL);

        image_store_free(s);
        remove_state_dir(dir);
        free(busybox_id);
}

/* Saving hello and busybox in format, then loading the archive into an empty store gives the images. */
static void round_trip(ImageArchiveFormat format) {
        char *dir, *dir2 = new_state_dir(), *hello_id = digests_env("HELLO_IMAGE_ID"),
                   *hello_manifest = digests_env("HELLO_OCI_MANIFEST_DIGEST"), **loaded = NULL, *list;
        ImageStore *s = source_store(&dir), *s2 = NULL;
        Image *image = NULL;
        int fd;

        fd = save_to_memfd(s, STRV_MAKE("hello", "busybox"), format);
        list = members(fd);
        if (format == IMAGE_ARCHIVE_DOCKER) {
                assert_non_null(strstr(list, "manifest.json\n"));
                assert_non_null(strstr(list, "repositories\n"));
                assert_null(strstr(list, "index.json"));
        } else {
                assert_non_null(strstr(list, "oci-layout\n"));
                assert_non_null(strstr(list, "index.json\n"));
                assert_null(strstr(list, "manifest.json"));
        }

        assert_int_equal(image_store_new(dir2, &s2), 0);
        assert_int_equal(image_store_load_archive(s2, fd, &loaded), 0);
        assert_true(strv_contains(loaded, "hello:latest"));
        assert_true(strv_contains(loaded, "busybox:latest"));
        assert_true(strv_contains(loaded, "busybox:other"));
        assert_int_equal(image_store_get(s2, "hello", &image), 0);
        assert_string_equal(image->id, hello_id);
        /* The OCI archive carries the stored manifest itself; a Docker archive has none. */
        if (format == IMAGE_ARCHIVE_OCI)
                assert_string_equal(image->manifest_digest, hello_manifest);
        assert_int_equal(strv_length(image->layer_dirs), 2);

        image_free(image);
        strv_free(loaded);
        free(list);
        close(fd);
        image_store_free(s2);
        image_store_free(s);
        remove_state_dir(dir2);
        remove_state_dir(dir);
        free(hello_id);
        free(hello_manifest);
}

static void test_round_trip_docker(void **state) {
        round_trip(IMAGE_ARCHIVE_DOCKER);
}

static void test_round_trip_oci(void **state) {
        round_trip(IMAGE_ARCHIVE_OCI);
}

/* The same images give the same bytes. */
static void test_deterministic(void **state) {
        char *dir, *a = NULL, *b = NULL;
        ImageStore *s = source_store(&dir);
        size_t na, nb;
        int fa, fb;

        fa = save_to_memfd(s, STRV_MAKE("hello", "busybox"), IMAGE_ARCHIVE_DOCKER);
        fb = save_to_memfd(s, STRV_MAKE("hello", "busybox"), IMAGE_ARCHIVE_DOCKER);
        assert_int_equal(read_full_fd(fa, 64U << 20, &a, &na), 0);
        assert_int_equal(read_full_fd(fb, 64U << 20, &b, &nb), 0);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, na);

        free(a);
        free(b);
        close(fa);
        close(fb);
        image_store_free(s);
        remove_state_dir(dir);
}

/* A blob that no longer matches its digest fails the save instead of going out. */
static void test_corrupt_blob(void **state) {
        char *dir, *layer = digests_env("BUSYBOX_LAYER_DIFF_ID"), path[4096];
        ImageStore *s = source_store(&dir);
        int fd;

        /* busybox came from a Docker archive: its layer blob is the uncompressed tar. */
        snprintf(path, sizeof(path), "%s/images/blobs/sha256/%s", dir, layer + 7);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(pwrite(fd, "X", 1, 700), 1);
        close(fd);
        for (ImageArchiveFormat f = 0; f < _IMAGE_ARCHIVE_FORMAT_MAX; f++)
                assert_int_equal(save_to_memfd(s, STRV_MAKE("busybox"), f), -EBADMSG);

        image_store_free(s);
        remove_state_dir(dir);
        free(layer);
}

/* berthd hands over whatever fd the client gave: a non-blocking pipe must work as well. */
static void test_nonblocking_pipe(void **state) {
        char *dir, *dir2 = new_state_dir(), **loaded = NULL;
        ImageStore *s = source_store(&dir), *s2 = NULL;
        int p[2], status;
        SaveSet set = {};
        pid_t pid;

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
        assert_int_equal(image_store_resolve_save(s, STRV_MAKE("hello"), &set, NULL), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                close(p[0]);
                _exit(image_store_write_archive(s, &set, IMAGE_ARCHIVE_DOCKER, p[1]) < 0);
        }
        close(p[1]);
        assert_int_equal(image_store_new(dir2, &s2), 0);
        assert_int_equal(image_store_load_archive(s2, p[0], &loaded), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_true(strv_contains(loaded, "hello:latest"));

        strv_free(loaded);
        close(p[0]);
        save_set_done(&set);
        image_store_free(s2);
        image_store_free(s);
        remove_state_dir(dir2);
        remove_state_dir(dir);
}

static int setup(void **state) {
        char cmd[8192];

        test_images = strdup("/tmp/image-save-test-images-XXXXXX");
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
                cmocka_unit_test(test_format_table),
                cmocka_unit_test(test_resolve),
                cmocka_unit_test(test_round_trip_docker),
                cmocka_unit_test(test_round_trip_oci),
                cmocka_unit_test(test_deterministic),
                cmocka_unit_test(test_corrupt_blob),
                cmocka_unit_test(test_nonblocking_pipe),
        };

        log_set_max_level(getenv("BERTH_TEST_DEBUG") ? LOG_DEBUG : LOG_CRIT);
        return cmocka_run_group_tests(tests, setup, teardown);
}
