/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Named volumes of the "local" driver: <state>/volumes/<name>/_data holds the data, and
 * <state>/volumes/<name>/volume.json the metadata (labels, driver options, creation time). Knows nothing
 * of containers: who uses a volume is the caller's business. */

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"

#define VOLUME_NAME_MAX 255U
#define VOLUME_LABELS_MAX 256U
/* Docker's label on the volumes it creates for "-v /path" and image VOLUMEs; prune without --all
 * removes only these. */
#define VOLUME_LABEL_ANONYMOUS "com.docker.volume.anonymous"

typedef struct Volume {
        char *name;
        char *mountpoint;    /* <state>/volumes/<name>/_data */
        char **labels;       /* key, value, key, value, … */
        char **options;      /* the local driver's -o: key, value, … */
        uint64_t created_at; /* µs since the epoch */
} Volume;

Volume *volume_free(Volume *v);
DEFINE_TRIVIAL_CLEANUP_FUNC(Volume *, volume_free);
void volume_list_free(Volume **l);

/* Docker's rule for local volume names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
bool volume_name_is_valid(const char *name);
bool volume_is_anonymous(const Volume *v);
/* The value of a label, NULL when the volume has none of that key. */
const char *volume_label(const Volume *v, const char *key);

/* Checks the local driver's -o options (type, device, o) in Docker's words. */
int volume_options_validate(char *const *options, char **ret_error);

/* Creates the volume, or returns the existing one of that name unchanged (as Docker does). Returns 1
 * when it created the volume, 0 when it existed. -EINVAL with ret_error for a bad name or options. */
int volume_create(
        const char *state_dir,
        const char *name,
        char *const *labels,
        char *const *options,
        Volume **ret,
        char **ret_error);
/* A random 64-hex name, as Docker's anonymous volumes get. */
int volume_name_random(char **ret);
/* -ENOENT when there is no such volume. */
int volume_get(const char *state_dir, const char *name, Volume **ret);
/* Removes what interrupted creates and removals left: directories without their volume.json; and undoes
 * the copy-ups a crash interrupted (see volume_copy_up_undo()). */
int volume_collect_leftovers(const char *state_dir);
/* NULL-terminated, sorted by name. */
int volume_list(const char *state_dir, Volume ***ret);
int volume_remove(const char *state_dir, const char *name);
/* True when _data has no entries (a volume's copy-up fills only an empty one). */
int volume_is_empty(const Volume *v);
/* The directory a container binds: the -o device of a "type=none,o=bind" volume, else the mountpoint. */
const char *volume_bind_source(const Volume *v);
/* "type=tmpfs" volumes: the tmpfs is mounted on _data at the first use (idempotent). */
int volume_mount(const Volume *v);
int volume_unmount(const Volume *v);
/* Bytes the files in _data take on disk. */
uint64_t volume_size(const Volume *v);

/* Docker's copy-up fills an empty volume in a worker process: a marker next to _data says that it has not
 * finished, so that nobody else uses or removes the volume meanwhile and a crash mid-copy is undone at the
 * next start. created: the create that copies made the volume, and removes it again when it fails. */
int volume_copy_up_begin(const char *state_dir, const char *name, bool created);
/* > 0 while the volume is marked. */
int volume_copy_up_running(const char *state_dir, const char *name);
/* Drops the marker: the copy is complete. */
int volume_copy_up_end(const char *state_dir, const char *name);
/* Undoes an unfinished copy-up: the volume is removed when the create made it (then 1), else emptied and
 * unmarked (0). */
int volume_copy_up_undo(const char *state_dir, const char *name);
