/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Asks journald to write out every message it has received so far (what `journalctl --sync` does,
 * through journald's Varlink method io.systemd.Journal.Synchronize). A container's last lines reach
 * journald through its stream socket before the unit is seen to stop, but journald may not have stored
 * them yet: logs and events call this before they read what must be complete. Needs root; returns a
 * negative errno when journald cannot be asked (the caller goes on with what is stored). */
int journal_sync(void);
