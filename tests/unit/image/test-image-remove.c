/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static char *new_state_dir(void) {
        char *d = strdup("/tmp/image-remove-test-XXXXXX");
        assert_non_null(d);
        assert_non_null(mkdtemp(d));
        return d;
}

static Blob layer(const char *file, const char *content) {
        TarBuilder *b = tar_new(NULL);
        tar_dir(b, "bin", 0755);
        tar_string(b, file, content);
        return tar_finish(b);
}

/* A docker save archive of the layers (bottom first), tagged tag. */
static Blob docker_archive(const Blob *layers, size_t n, const char *tag, const char *cmd) {
        char config[8192], manifest[8192], name[256], *config_digest;
        TarBuilder *b = tar_new(NULL);
        Blob config_blob;
        size_t off;

        off = (size_t)snprintf(
                config,
                sizeof(config),
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"%s\"]},"
                "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[",
                cmd);
        for (size_t i = 0; i < n; i++) {
                char *d = blob_digest(&layers[i]);
                off += (size_t)snprintf(config + off, sizeof(config) - off, "%s\"%s\"", i ? "," : "", d);
                free(d);
        }
        snprintf(config + off, sizeof(config) - off, "]}}");
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
                char path[64];
                snprintf(path, sizeof(path), "layer%zu/layer.tar", i);
                off += (size_t)snprintf(
                        manifest + off, sizeof(manifest) - off, "%s\"%s\"", i ? "," : "", path);
                tar_blob(b, path, &layers[i]);
        }
        snprintf(manifest + off, sizeof(manifest) - off, "]}]");
        tar_string(b, "manifest.json", manifest);
        free(config_digest);
        return tar_finish(b);
}

static void load(ImageStore *s, const Blob *archive) {
        char **loaded = NULL;
        int fd = blob_to_fd(archive);
        assert_int_equal(image_store_load_archive(s, fd, &loaded), 0);
        close(fd);
        strv_free(loaded);
}

/* Entries in dir/sub, "." and ".." not counted. */
static size_t count_entries(const char *dir, const char *sub) {
        char path[4096];
        struct dirent *de;
        size_t n = 0;
        DIR *d;

        snprintf(path, sizeof(path), "%s/%s", dir, sub);
        d = opendir(path);
        assert_non_null(d);
        while ((de = readdir(d)))
                if (de->d_name[0] != '.')
                        n++;
        closedir(d);
        return n;
}

static bool layer_present(const char *dir, const Blob *l) {
        char path[4096], *d = blob_digest(l);
        bool r;
        /* A bottom layer's chain id is its diff id. */
        snprintf(path, sizeof(path), "%s/layers/%s/diff", dir, d + 7);
        free(d);
        r = access(path, F_OK) == 0;
        return r;
}

static void test_shared_layer_refcount(void **state) {
        char *dir = new_state_dir(), **lines = NULL;
        Blob base = layer("bin/base", "shared"), one = layer("bin/one", "1"), two = layer("bin/two", "2");
        Blob a1 = docker_archive((Blob[]){base, one}, 2, "one:latest", "one"),
             a2 = docker_archive((Blob[]){base, two}, 2, "two:latest", "two");
        ImageStore *s = NULL;
        Image *image = NULL;

        assert_int_equal(image_store_new(dir, &s), 0);
        load(s, &a1);
        load(s, &a2);
        /* 2 × (manifest + config) + 3 distinct layer blobs; 3 unpacked layers (base stored once). */
        assert_int_equal(count_entries(dir, "images/blobs/sha256"), 7);
        assert_int_equal(count_entries(dir, "layers"), 3);

        assert_int_equal(image_store_remove(s, "one", 0, &lines), 0);
        assert_int_equal(strv_length(lines), 2);
        assert_string_equal(lines[0], "Untagged: one:latest");
        assert_int_equal(strncmp(lines[1], "Deleted: sha256:", 16), 0);
        lines = strv_free(lines);
        assert_int_equal(image_store_get(s, "one", &image), -ENOENT);
        assert_int_equal(image_store_get(s, "two", &image), 0);
        image = image_free(image);
        assert_true(layer_present(dir, &base));
        assert_int_equal(count_entries(dir, "images/blobs/sha256"), 4);
        assert_int_equal(count_entries(dir, "layers"), 2);

        assert_int_equal(image_store_remove(s, "two:latest", 0, &lines), 0);
        lines = strv_free(lines);
        assert_false(layer_present(dir, &base));
        assert_int_equal(count_entries(dir, "images/blobs/sha256"), 0);
        assert_int_equal(count_entries(dir, "layers"), 0);

        /* Gone is gone. */
        assert_int_equal(image_store_remove(s, "two", 0, &lines), -ENOENT);
        assert_int_equal(image_store_remove(s, "", 0, &lines), -ENOENT);
        assert_int_equal(image_store_remove(s, "Bad/Name", 0, &lines), -ENOENT);

        image_store_free(s);
        blob_done(&a1);
        blob_done(&a2);
        blob_done(&base);
        blob_done(&one);
        blob_done(&two);
        assert_int_equal(rm_rf(dir), 0);
        free(dir);
}

static void test_tag_untag(void **state) {
        char *dir = new_state_dir(), **lines = NULL, *id;
        Blob l = layer("bin/x", "x"), a = docker_archive(&l, 1, "app:v1", "x");
        ImageStore *s = NULL;
        Image *image = NULL;

        assert_int_equal(image_store_new(dir, &s), 0);
        load(s, &a);

        /* Bad input. */
        assert_int_equal(image_store_tag(s, "app:v1", "Not:A:Valid Ref"), -EINVAL);
        assert_int_equal(image_store_tag(s, "app:v1", ""), -EINVAL);
        assert_int_equal(
                image_store_tag(
                        s,
                        "app:v1",
                        "app@sha256:"
                        "0000000000000000000000000000000000000000000000000000000000000000"),
                -EINVAL);
        assert_int_equal(image_store_tag(s, "nothere:v1", "app:v2"), -ENOENT);

        assert_int_equal(image_store_tag(s, "app:v1", "app:v2"), 0);
        assert_int_equal(image_store_tag(s, "app:v1", "registry.example.com/team/app:v3"), 0);
        assert_int_equal(image_store_get(s, "app:v2", &image), 0);
        assert_int_equal(strv_length(image->repo_tags), 3);
        id = strdup(image->id);
        image = image_free(image);

        /* One tag of several: untag only. */
        assert_int_equal(image_store_remove(s, "app:v2", 0, &lines), 0);
        assert_int_equal(strv_length(lines), 1);
        assert_string_equal(lines[0], "Untagged: app:v2");
        lines = strv_free(lines);

        /* By id with several tags: must be forced. */
        assert_int_equal(image_store_remove(s, id, 0, &lines), -EBUSY);
        /* In use: may not go without force; with force it stays, untagged. */
        assert_int_equal(image_store_remove(s, "app:v1", IMAGE_REMOVE_KEEP_IMAGE, &lines), 0);
        lines = strv_free(lines);
        assert_int_equal(image_store_remove(s, id, IMAGE_REMOVE_KEEP_IMAGE, &lines), -ETXTBSY);
        assert_int_equal(image_store_remove(s, id, IMAGE_REMOVE_KEEP_IMAGE | IMAGE_REMOVE_FORCE, &lines), 0);
        assert_int_equal(strv_length(lines), 1);
        assert_string_equal(lines[0], "Untagged: registry.example.com/team/app:v3");
        lines = strv_free(lines);
        assert_int_equal(image_store_get(s, id, &image), 0);
        assert_null(image->repo_tags);
        image = image_free(image);
        assert_int_equal(count_entries(dir, "layers"), 1);

        /* The dangling image goes by id. */
        assert_int_equal(image_store_remove(s, id, 0, &lines), 0);
        assert_int_equal(strv_length(lines), 1);
        assert_int_equal(strncmp(lines[0], "Deleted: ", 9), 0);
        lines = strv_free(lines);
        assert_int_equal(count_entries(dir, "layers"), 0);
        assert_int_equal(count_entries(dir, "images/blobs/sha256"), 0);

        free(id);
        image_store_free(s);
        blob_done(&a);
        blob_done(&l);
        assert_int_equal(rm_rf(dir), 0);
        free(dir);
}

static void test_prune(void **state) {
        char *dir = new_state_dir(), **lines = NULL;
        Blob base = layer("bin/base", "shared"), one = layer("bin/one", "1"), two = layer("bin/two", "2");
        Blob a1 = docker_archive((Blob[]){base, one}, 2, "app:v1", "one"),
             a2 = docker_archive((Blob[]){base, two}, 2, "app:v1", "two"),
             a3 = docker_archive((Blob[]){base}, 1, "keep:v1", "three");
        ImageStore *s = NULL;
        Image **list = NULL, *image = NULL;
        uint64_t freed = 0;
        size_t n = 0;

        assert_int_equal(image_store_new(dir, &s), 0);
        /* Nothing dangling: nothing goes. */
        assert_int_equal(image_store_prune(s, false, NULL, &lines, &freed), 0);
        assert_null(lines);
        assert_int_equal(freed, 0);

        load(s, &a1);
        load(s, &a2); /* app:v1 moves: the first image dangles */
        load(s, &a3);
        assert_int_equal(image_store_prune(s, false, NULL, &lines, &freed), 0);
        assert_int_equal(strv_length(lines), 1);
        assert_int_equal(strncmp(lines[0], "deleted: sha256:", 16), 0);
        assert_true(freed > 0);
        lines = strv_free(lines);
        assert_int_equal(image_store_list(s, &list, &n), 0);
        assert_int_equal(n, 2);
        image_list_free(list, n);
        assert_int_equal(count_entries(dir, "layers"), 2);

        /* -a, but keep:v1 is in use. */
        assert_int_equal(image_store_get(s, "keep:v1", &image), 0);
        assert_int_equal(image_store_prune(s, true, (char *const[]){image->id, NULL}, &lines, &freed), 0);
        assert_int_equal(strv_length(lines), 2);
        assert_string_equal(lines[0], "untagged: app:v1");
        lines = strv_free(lines);
        assert_int_equal(count_entries(dir, "layers"), 1);
        image = image_free(image);

        assert_int_equal(image_store_prune(s, true, NULL, &lines, &freed), 0);
        lines = strv_free(lines);
        assert_int_equal(count_entries(dir, "layers"), 0);
        assert_int_equal(count_entries(dir, "images/blobs/sha256"), 0);

        image_store_free(s);
        blob_done(&a1);
        blob_done(&a2);
        blob_done(&a3);
        blob_done(&base);
        blob_done(&one);
        blob_done(&two);
        assert_int_equal(rm_rf(dir), 0);
        free(dir);
}

#define DIGEST_A "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DIGEST_B "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static uint64_t blob_size(const char *dir, const char *digest) {
        char path[4096];
        struct stat st;

        snprintf(path, sizeof(path), "%s/images/blobs/sha256/%s", dir, digest + 7);
        assert_int_equal(stat(path, &st), 0);
        return (uint64_t)st.st_size;
}

static void test_repo_digests(void **state) {
        char *dir = new_state_dir(), **lines = NULL, *id, *manifest;
        Blob l = layer("bin/x", "x"), a = docker_archive(&l, 1, "app:v1", "x");
        ImageStore *s = NULL;
        Image *image = NULL;
        Transaction *t = NULL;

        assert_int_equal(image_store_new(dir, &s), 0);
        load(s, &a);

        /* Bad input. */
        assert_int_equal(image_store_add_repo_digest(s, "app:v1", "app:v2"), -EINVAL);
        assert_int_equal(image_store_add_repo_digest(s, "app:v1", "Bad Ref@" DIGEST_A), -EINVAL);
        assert_int_equal(image_store_add_repo_digest(s, "app:v1", "app@sha256:0123"), -EINVAL);
        assert_int_equal(image_store_add_repo_digest(s, "nothere:v1", "app@" DIGEST_A), -ENOENT);

        /* As a push records it; "repo:tag@digest" names the digest only. */
        assert_int_equal(image_store_add_repo_digest(s, "app:v1", "app:v1@" DIGEST_A), 0);
        assert_int_equal(image_store_get(s, "app@" DIGEST_A, &image), 0);
        assert_int_equal(strv_length(image->repo_tags), 1);
        assert_int_equal(strv_length(image->repo_digests), 1);
        assert_string_equal(image->repo_digests[0], "docker.io/library/app@" DIGEST_A);
        id = strdup(image->id);
        manifest = strdup(image->manifest_digest);
        image = image_free(image);

        /* As a pull records it, through the transaction. */
        assert_int_equal(transaction_begin(s, &t), 0);
        assert_int_equal(
                transaction_add_repo_digest(t, manifest, "example.com/team/app@" DIGEST_B), -ENOENT);
        assert_int_equal(transaction_add_image(t, manifest, blob_size(dir, manifest), NULL), 0);
        assert_int_equal(transaction_add_repo_digest(t, manifest, "example.com/team/app:v1"), -EINVAL);
        assert_int_equal(transaction_add_repo_digest(t, manifest, "example.com/team/app@" DIGEST_B), 0);
        assert_int_equal(transaction_commit(t), 0);
        t = transaction_free(t);

        /* Tags come and go; the digest references stay. */
        assert_int_equal(image_store_tag(s, "app:v1", "app:v2"), 0);
        assert_int_equal(image_store_remove(s, "app:v2", 0, &lines), 0);
        assert_int_equal(strv_length(lines), 1);
        lines = strv_free(lines);
        /* By id: references in two repositories need force. */
        assert_int_equal(image_store_remove(s, id, 0, &lines), -EBUSY);

        /* The last tag of a repository takes its digest references along; the image stays for the other
         * repository's. */
        assert_int_equal(image_store_remove(s, "app:v1", 0, &lines), 0);
        assert_int_equal(strv_length(lines), 2);
        assert_string_equal(lines[0], "Untagged: app:v1");
        assert_string_equal(lines[1], "Untagged: app@" DIGEST_A);
        lines = strv_free(lines);
        assert_int_equal(image_store_get(s, id, &image), 0);
        assert_null(image->repo_tags);
        assert_int_equal(strv_length(image->repo_digests), 1);
        assert_string_equal(image->repo_digests[0], "example.com/team/app@" DIGEST_B);
        image = image_free(image);

        /* rmi of the last reference, a digest one, deletes the image. */
        assert_int_equal(image_store_remove(s, "example.com/team/app@" DIGEST_B, 0, &lines), 0);
        assert_int_equal(strv_length(lines), 2);
        assert_string_equal(lines[0], "Untagged: example.com/team/app@" DIGEST_B);
        assert_int_equal(strncmp(lines[1], "Deleted: sha256:", 16), 0);
        lines = strv_free(lines);
        assert_int_equal(image_store_get(s, id, &image), -ENOENT);
        assert_int_equal(count_entries(dir, "layers"), 0);

        /* Without a tag the image is dangling for prune, which takes its digest references. */
        load(s, &a);
        assert_int_equal(image_store_add_repo_digest(s, "app:v1", "example.com/team/app@" DIGEST_B), 0);
        assert_int_equal(image_store_remove(s, "app:v1", 0, &lines), 0);
        lines = strv_free(lines);
        assert_int_equal(image_store_prune(s, false, NULL, &lines, NULL), 0);
        assert_int_equal(strv_length(lines), 2);
        assert_string_equal(lines[0], "untagged: example.com/team/app@" DIGEST_B);
        assert_int_equal(strncmp(lines[1], "deleted: sha256:", 16), 0);
        lines = strv_free(lines);
        assert_int_equal(count_entries(dir, "images/blobs/sha256"), 0);

        free(id);
        free(manifest);
        image_store_free(s);
        blob_done(&a);
        blob_done(&l);
        assert_int_equal(rm_rf(dir), 0);
        free(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_shared_layer_refcount),
                cmocka_unit_test(test_tag_untag),
                cmocka_unit_test(test_prune),
                cmocka_unit_test(test_repo_digests),
        };

        log_set_max_level(getenv("BERTH_TEST_DEBUG") ? LOG_DEBUG : LOG_CRIT);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
