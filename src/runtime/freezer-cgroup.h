/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The cgroup v1 freezer for pause/unpause on a hybrid layout, where systemd cannot freeze: the
 * container lives in <freezer>/<the unit's cgroup>/ (berthd writes its freezer.state), the monitor
 * does not, so that it keeps relaying and forwarding signals while the container is frozen. */

#define FREEZER_V1_ROOT "/sys/fs/cgroup/freezer"

/* Extracts from the text of /proc/self/cgroup the path of the named=systemd (or unified) hierarchy,
 * the unit's cgroup, and that of the freezer hierarchy. Either may come back NULL. */
int cgroup_paths_parse(const char *proc_cgroup, char **ret_unit, char **ret_freezer);

/* Moves the calling process into the freezer cgroup named as its unit (made when missing). Returns 0
 * with *ret_origin = NULL when this machine has no v1 freezer, else 1 and the freezer cgroup the
 * process came from in *ret_origin. */
int freezer_join_unit(char **ret_origin);
/* Moves the calling process back into the freezer cgroup origin. */
int freezer_move_to(const char *origin);
/* Removes the unit's freezer cgroup, empty once the container has ended (ExecStopPost). */
int freezer_remove_unit(void);
