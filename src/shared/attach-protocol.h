/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The attach socket's packets (berth-runtime listens on <run-dir>/attach.sock, AF_UNIX SOCK_SEQPACKET;
 * berthd connects, sends the request and hands the socket to the CLI). One packet is one message: a
 * type byte, then the payload. Multi-byte numbers are little endian.
 *
 *   REQUEST_ATTACH  client → runtime, first packet: JSON {"stdin":b,"stdout":b,"stderr":b}
 *   REQUEST_EXEC    client → runtime, first packet: JSON {"argv":[s…],"env":[s…],"cwd":s,"user":s,
 *                   "tty":b,"stdin":b,"kill_on_close":b}; kill_on_close: the client's leaving kills the
 *                   process and its process group (else it keeps running, as exec -d)
 *   STDIN           client → runtime: bytes for the process's stdin (or its terminal)
 *   RESIZE          client → runtime: u16 rows, u16 cols of the client's terminal
 *   CLOSE_STDIN     client → runtime: end of input
 *   STDOUT, STDERR  runtime → client: output bytes (a terminal's output is STDOUT)
 *   STARTED         runtime → client: the exec'd process runs (exec sessions only)
 *   EXIT            runtime → client, last packet: i32 exit code */

#include <stddef.h>
#include <stdint.h>

#define ATTACH_SOCKET_NAME "attach.sock"
#define ATTACH_DATA_MAX (32U * 1024U)     /* payload of one STDIN/STDOUT/STDERR packet */
#define ATTACH_REQUEST_MAX (128U * 1024U) /* JSON body of a request */
#define ATTACH_PACKET_MAX (1U + ATTACH_REQUEST_MAX)

typedef enum AttachPacketType {
        ATTACH_PACKET_REQUEST_ATTACH = 1,
        ATTACH_PACKET_REQUEST_EXEC,
        ATTACH_PACKET_STDIN,
        ATTACH_PACKET_STDOUT,
        ATTACH_PACKET_STDERR,
        ATTACH_PACKET_RESIZE,
        ATTACH_PACKET_CLOSE_STDIN,
        ATTACH_PACKET_STARTED,
        ATTACH_PACKET_EXIT,
        _ATTACH_PACKET_MAX,
} AttachPacketType;

typedef struct AttachPacket {
        AttachPacketType type;
        const void *data; /* requests and byte streams: points into the parsed buffer */
        size_t size;
        uint16_t rows, cols; /* RESIZE */
        int32_t exit_code;   /* EXIT */
} AttachPacket;

const char *attach_packet_type_to_string(AttachPacketType t);

/* Parses one received message. -EBADMSG for an empty message, an unknown type or a payload of the wrong
 * size for its type, -EMSGSIZE for a payload over its type's limit. */
int attach_packet_parse(const void *buf, size_t size, AttachPacket *ret);

/* Fills buf (at least 1 + size bytes, size ≤ the type's limit) with one packet; returns its length. */
size_t attach_packet_build(uint8_t *buf, AttachPacketType type, const void *data, size_t size);
/* RESIZE and EXIT packets: 5 bytes. */
size_t attach_packet_build_resize(uint8_t buf[static 5], unsigned rows, unsigned cols);
size_t attach_packet_build_exit(uint8_t buf[static 5], int exit_code);

/* Blocking sends (the CLI's and berthd's side): data is cut into packets of at most ATTACH_DATA_MAX. */
int attach_send(int fd, AttachPacketType type, const void *data, size_t size);
int attach_send_resize(int fd, unsigned rows, unsigned cols);
