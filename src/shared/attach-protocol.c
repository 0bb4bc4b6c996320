/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "attach-protocol.h"
#include "macro.h"

static const char *const attach_packet_type_table[_ATTACH_PACKET_MAX] = {
        [ATTACH_PACKET_REQUEST_ATTACH] = "request-attach",
        [ATTACH_PACKET_REQUEST_EXEC] = "request-exec",
        [ATTACH_PACKET_STDIN] = "stdin",
        [ATTACH_PACKET_STDOUT] = "stdout",
        [ATTACH_PACKET_STDERR] = "stderr",
        [ATTACH_PACKET_RESIZE] = "resize",
        [ATTACH_PACKET_CLOSE_STDIN] = "close-stdin",
        [ATTACH_PACKET_STARTED] = "started",
        [ATTACH_PACKET_EXIT] = "exit",
};

const char *attach_packet_type_to_string(AttachPacketType t) {
        return t > 0 && t < _ATTACH_PACKET_MAX ? attach_packet_type_table[t] : NULL;
}

static uint16_t read_le16(const uint8_t *p) {
        return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t read_le32(const uint8_t *p) {
        return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void write_le16(uint8_t *p, uint16_t v) {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
}

static void write_le32(uint8_t *p, uint32_t v) {
        for (size_t i = 0; i < 4; i++)
                p[i] = (uint8_t)(v >> (8 * i));
}

int attach_packet_parse(const void *buf, size_t size, AttachPacket *ret) {
        const uint8_t *p = buf;
        AttachPacket k = {};
        size_t n;

        if (size < 1)
                return -EBADMSG;
        k.type = p[0];
        n = size - 1;
        switch (k.type) {
        case ATTACH_PACKET_REQUEST_ATTACH:
        case ATTACH_PACKET_REQUEST_EXEC:
                if (n > ATTACH_REQUEST_MAX)
                        return -EMSGSIZE;
                if (n == 0 || memchr(p + 1, 0, n))
                        return -EBADMSG;
                break;
        case ATTACH_PACKET_STDIN:
        case ATTACH_PACKET_STDOUT:
        case ATTACH_PACKET_STDERR:
                if (n > ATTACH_DATA_MAX)
                        return -EMSGSIZE;
                if (n == 0)
                        return -EBADMSG;
                break;
        case ATTACH_PACKET_RESIZE:
                if (n != 4)
                        return -EBADMSG;
                k.rows = read_le16(p + 1);
                k.cols = read_le16(p + 3);
                if (k.rows == 0 || k.cols == 0)
                        return -EBADMSG;
                break;
        case ATTACH_PACKET_CLOSE_STDIN:
        case ATTACH_PACKET_STARTED:
                if (n != 0)
                        return -EBADMSG;
                break;
        case ATTACH_PACKET_EXIT:
                if (n != 4)
                        return -EBADMSG;
                k.exit_code = (int32_t)read_le32(p + 1);
                if (k.exit_code < 0 || k.exit_code > 255)
                        return -EBADMSG;
                break;
        default:
                return -EBADMSG;
        }
        k.data = p + 1;
        k.size = n;
        *ret = k;
        return 0;
}

size_t attach_packet_build(uint8_t *buf, AttachPacketType type, const void *data, size_t size) {
        buf[0] = (uint8_t)type;
        if (size > 0)
                memcpy(buf + 1, data, size);
        return 1 + size;
}

size_t attach_packet_build_resize(uint8_t buf[static 5], unsigned rows, unsigned cols) {
        buf[0] = ATTACH_PACKET_RESIZE;
        write_le16(buf + 1, (uint16_t)MIN(rows, 0xffffU));
        write_le16(buf + 3, (uint16_t)MIN(cols, 0xffffU));
        return 5;
}

size_t attach_packet_build_exit(uint8_t buf[static 5], int exit_code) {
        buf[0] = ATTACH_PACKET_EXIT;
        write_le32(buf + 1, (uint32_t)exit_code);
        return 5;
}

static int send_packet(int fd, const void *buf, size_t size) {
        ssize_t n;

        do
                n = send(fd, buf, size, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        return (size_t)n == size ? 0 : -EIO;
}

int attach_send(int fd, AttachPacketType type, const void *data, size_t size) {
        uint8_t buf[1 + ATTACH_DATA_MAX];
        const uint8_t *p = data;
        int r;

        if (type == ATTACH_PACKET_REQUEST_ATTACH || type == ATTACH_PACKET_REQUEST_EXEC) {
                _cleanup_free_ uint8_t *req = NULL;

                if (size == 0 || size > ATTACH_REQUEST_MAX)
                        return -EMSGSIZE;
                req = malloc(1 + size);
                if (!req)
                        return -ENOMEM;
                return send_packet(fd, req, attach_packet_build(req, type, data, size));
        }
        if (size == 0)
                return send_packet(fd, buf, attach_packet_build(buf, type, NULL, 0));
        while (size > 0) {
                size_t k = MIN(size, (size_t)ATTACH_DATA_MAX);
                r = send_packet(fd, buf, attach_packet_build(buf, type, p, k));
                if (r < 0)
                        return r;
                p += k;
                size -= k;
        }
        return 0;
}

int attach_send_resize(int fd, unsigned rows, unsigned cols) {
        uint8_t buf[5];
        return send_packet(fd, buf, attach_packet_build_resize(buf, rows, cols));
}
