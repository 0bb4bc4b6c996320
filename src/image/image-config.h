/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Parsers for the JSON documents of images: the image config (OCI and Docker share it), the OCI image
 * manifest, the OCI image index and the manifest.json of a Docker archive. All input is untrusted: sizes
 * and counts are capped, every digest is validated. */

#include <stddef.h>
#include <stdint.h>

#include "image-store.h"
#include "macro.h"

#define IMAGE_JSON_SIZE_MAX (4U * 1024U * 1024U)
#define IMAGE_LAYERS_MAX 128U
#define IMAGE_INDEX_ENTRIES_MAX 4096U

#define MEDIA_TYPE_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MEDIA_TYPE_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_TYPE_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MEDIA_TYPE_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MEDIA_TYPE_DOCKER_MANIFEST_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"
#define ANNOTATION_CONTAINERD_NAME "io.containerd.image.name"

void image_config_done(ImageConfig *c);

/* Image config → ImageConfig and its rootfs.diff_ids (bottom first, at least one). */
int image_config_parse(const char *data, size_t size, ImageConfig *ret_config, char ***ret_diff_ids);

typedef struct OciManifest {
        char *config_digest;
        char **layer_digests;  /* bottom first */
        uint64_t *layer_sizes; /* the descriptors' sizes (compressed), same order */
        size_t n_layers;
} OciManifest;

OciManifest *oci_manifest_free(OciManifest *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(OciManifest *, oci_manifest_free);
int oci_manifest_parse(const char *data, size_t size, OciManifest **ret);

typedef struct OciDescriptor {
        char *media_type; /* may be NULL */
        char *digest;
        uint64_t size;
        char *ref_name;    /* org.opencontainers.image.ref.name, may be NULL */
        char *image_name;  /* io.containerd.image.name, may be NULL */
        char *platform_os; /* may be NULL */
        char *platform_architecture;
        char *platform_variant;
} OciDescriptor;

void oci_descriptor_done(OciDescriptor *d);
void oci_descriptors_free(OciDescriptor *d, size_t n);
int oci_index_parse(const char *data, size_t size, OciDescriptor **ret, size_t *ret_n);

typedef struct DockerManifestEntry {
        char *config;     /* path inside the archive */
        char **repo_tags; /* as written by docker save, may be empty */
        char **layers;    /* paths inside the archive, bottom first */
} DockerManifestEntry;

void docker_manifest_entries_free(DockerManifestEntry *e, size_t n);
int docker_manifest_parse(const char *data, size_t size, DockerManifestEntry **ret, size_t *ret_n);

/* RFC 3339 ("2023-05-18T22:34:17.921182404Z", "…+02:00") → ns / µs since the epoch. */
int parse_rfc3339_nsec(const char *s, uint64_t *ret_nsec);
int parse_rfc3339(const char *s, uint64_t *ret_usec);
