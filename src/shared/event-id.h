/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The MESSAGE_ID of berthd's event records in the journal: berthd writes them, `berth events --since`
 * reads them back. */
#define BERTH_EVENT_MESSAGE_ID "b08afd7e3f464187bb2c119fdd937c2e"
