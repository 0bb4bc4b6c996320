/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define CONTAINER_NAME_MAX 128
#define CONTAINER_ID_LEN 64
#define CONTAINER_SHORT_ID_LEN 12

/* Docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]+, and at most CONTAINER_NAME_MAX characters, so that the
 * name is also safe inside a unit name and a path. */
bool container_name_is_valid(const char *name);

/* "adjective_surname" chosen by the two halves of seed; with attempt > 0 a number is appended, as
 * Docker does after collisions. */
int container_name_generate(uint64_t seed, unsigned attempt, char **ret);

/* 64 lower-case hex characters from the kernel's random pool; like Docker, never one whose 12-character
 * short form is all digits (it would read as a number). */
int container_id_generate(char **ret);
bool container_id_is_valid(const char *id);
