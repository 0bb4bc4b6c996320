/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Early writeback for a transaction: a thread syncs the file system every WRITEBACK_INTERVAL_MSEC while the
 * transaction is filled, so that the commit's syncfs() finds little left to write. On ext4 with a journal
 * that final sync otherwise waited about 0.3 s for one journal commit holding every inode and block of a
 * pull; starting each file's writeback as it was written (sync_file_range(), dpkg's habit) cost the
 * unpacker the block allocation and left that commit as large. The syncs here write the data and commit the
 * journal in steps, off the path of the threads that download and unpack. Durability stays the commit's
 * syncfs(): these only do its work earlier. */

#include "macro.h"

#define WRITEBACK_INTERVAL_MSEC 100

typedef struct Writeback Writeback;

/* Starts the thread on the file system holding fd (duplicated). */
int writeback_new(int fd, Writeback **ret);
/* Ends the thread, after the sync it may be running. */
Writeback *writeback_free(Writeback *w);
