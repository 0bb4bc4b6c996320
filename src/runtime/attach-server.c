/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "attach-protocol.h"
#include "attach-server.h"
#include "exec-session.h"
#include "exit-status.h"
#include "fileio.h"
#include "json-util.h"
#include "log.h"
#include "pty.h"
#include "sync-channel.h"

#define CLIENTS_MAX 64U
/* A client whose queue is this full stops the reading of what it is sent (backpressure). */
#define CLIENT_QUEUE_MAX (256U * 1024U)
/* Read at most this much per stream when an exec session ends (a background process may keep writing). */
#define SESSION_DRAIN_MAX (1024U * 1024U)
#define FINISH_FLUSH_MS 1000
#define READ_CHUNK ATTACH_DATA_MAX

typedef enum WatchKind {
        WATCH_LISTEN,
        WATCH_CLIENT,
        WATCH_STDIN,
        WATCH_SESSION_OUT,
        WATCH_SESSION_ERR,
        WATCH_SESSION_SYNC,
} WatchKind;

typedef struct Watch {
        WatchKind kind;
        void *owner;
        int fd;
        uint32_t events; /* registered with epoll; 0: not registered */
} Watch;

typedef struct Packet {
        struct Packet *next;
        size_t size;
        uint8_t data[];
} Packet;

/* Where a client's STDIN packets go: a terminal's master or a pipe's write end. Registered for
 * EPOLLOUT only while bytes are pending; the clients feeding it are not read meanwhile. */
typedef struct StdinTarget {
        Watch watch;
        bool tty;
        uint8_t *pending;
        size_t pending_size, pending_off;
        bool close_when_drained;
} StdinTarget;

typedef struct ExecSession ExecSession;

typedef struct Client {
        AttachServer *server;
        Watch watch;
        bool requested, is_exec, closing, dead;
        bool want_stdin, want_stdout, want_stderr;
        ExecSession *session;
        Packet *head, *tail;
        size_t queued;
        struct Client *next;
} Client;

struct ExecSession {
        AttachServer *server;
        Client *client; /* NULL once the client left (exec -d): the process keeps running */
        ExecProcess proc;
        Watch out, err, sync;
        StdinTarget in;
        int exit_code_override; /* from a start failure, else -1 */
        bool kill_on_close;     /* the client's leaving kills the process (a health probe's timeout) */
        bool dead;
        ExecSession *next;
};

struct AttachServer {
        const Confinement *confinement;
        const sigset_t *child_mask;
        int epoll_fd;
        Watch listen;
        char *socket_path;
        Client *clients;
        size_t n_clients;
        ExecSession *sessions;

        pid_t init_pid;
        bool init_exited;
        StdinTarget init_in;
        bool terminal;
        uint8_t *backlog;
        size_t backlog_size;
        bool attached_once;

        uint8_t *buf; /* ATTACH_PACKET_MAX + 1 */
};

static void watch_init(Watch *w, WatchKind kind, void *owner, int fd) {
        *w = (Watch){.kind = kind, .owner = owner, .fd = fd};
}

static void watch_set(AttachServer *a, Watch *w, uint32_t events) {
        struct epoll_event ev = {.events = events, .data.ptr = w};
        int op;

        if (w->fd < 0 || w->events == events)
                return;
        op = events == 0 ? EPOLL_CTL_DEL : w->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
        if (epoll_ctl(a->epoll_fd, op, w->fd, &ev) < 0) {
                log_warning_errno(errno, "epoll_ctl: %m");
                return;
        }
        w->events = events;
}

static void watch_close(AttachServer *a, Watch *w) {
        watch_set(a, w, 0);
        w->fd = safe_close(w->fd);
}

static void stdin_target_done(AttachServer *a, StdinTarget *t) {
        watch_close(a, &t->watch);
        free(t->pending);
        t->pending = NULL;
        t->pending_size = t->pending_off = 0;
}

static bool stdin_target_pending(const StdinTarget *t) {
        return t && t->pending_off < t->pending_size;
}

/* Writes what it can; keeps the rest. A reader that went away (EPIPE, EIO) loses the input. */
static void stdin_target_write(AttachServer *a, StdinTarget *t, const uint8_t *data, size_t size) {
        ssize_t n = 0;

        if (t->watch.fd < 0)
                return;
        if (!stdin_target_pending(t)) {
                n = write(t->watch.fd, data, size);
                if (n < 0 && errno != EAGAIN && errno != EINTR) {
                        log_debug_errno(errno, "Dropping input, the reader is gone: %m");
                        if (!t->tty)
                                stdin_target_done(a, t);
                        return;
                }
                if (n < 0)
                        n = 0;
                if ((size_t)n == size)
                        return;
        }
        /* Keep the rest; the clients are not read until it is written. */
        size_t rest = size - (size_t)n, have = t->pending_size - t->pending_off;
        uint8_t *p = malloc(have + rest);
        if (!p) {
                log_oom();
                return;
        }
        if (have > 0)
                memcpy(p, t->pending + t->pending_off, have);
        memcpy(p + have, data + n, rest);
        free(t->pending);
        t->pending = p;
        t->pending_off = 0;
        t->pending_size = have + rest;
        watch_set(a, &t->watch, EPOLLOUT);
}

static void stdin_target_writable(AttachServer *a, StdinTarget *t) {
        while (stdin_target_pending(t)) {
                ssize_t n =
                        write(t->watch.fd, t->pending + t->pending_off, t->pending_size - t->pending_off);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return;
                if (n < 0) {
                        log_debug_errno(errno, "Dropping input, the reader is gone: %m");
                        t->pending_off = t->pending_size;
                        break;
                }
                t->pending_off += (size_t)n;
        }
        free(t->pending);
        t->pending = NULL;
        t->pending_size = t->pending_off = 0;
        watch_set(a, &t->watch, 0);
        if (t->close_when_drained)
                stdin_target_done(a, t);
}

static void client_flush(Client *c) {
        while (c->head && !c->dead) {
                Packet *p = c->head;
                ssize_t n = send(c->watch.fd, p->data, p->size, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return;
                if (n < 0) {
                        log_debug_errno(errno, "Attach client went away: %m");
                        c->dead = true;
                        return;
                }
                c->head = p->next;
                if (!c->head)
                        c->tail = NULL;
                c->queued -= p->size;
                free(p);
        }
        if (c->closing && !c->head)
                c->dead = true;
}

static void client_queue_raw(Client *c, const uint8_t *packet, size_t size) {
        Packet *p;

        if (c->dead)
                return;
        p = malloc(sizeof(Packet) + size);
        if (!p) {
                log_oom();
                c->dead = true;
                return;
        }
        p->next = NULL;
        p->size = size;
        memcpy(p->data, packet, size);
        if (c->tail)
                c->tail->next = p;
        else
                c->head = p;
        c->tail = p;
        c->queued += size;
}

static void client_queue(Client *c, AttachPacketType type, const void *data, size_t size) {
        const uint8_t *d = data;
        uint8_t buf[1 + ATTACH_DATA_MAX];

        if (size == 0)
                client_queue_raw(c, buf, attach_packet_build(buf, type, NULL, 0));
        while (size > 0) {
                size_t k = MIN(size, (size_t)ATTACH_DATA_MAX);
                client_queue_raw(c, buf, attach_packet_build(buf, type, d, k));
                d += k;
                size -= k;
        }
        client_flush(c);
}

static void client_queue_exit(Client *c, int code) {
        uint8_t buf[5];

        client_queue_raw(c, buf, attach_packet_build_exit(buf, code));
        c->closing = true;
        client_flush(c);
}

/* A failure told to the client as Docker tells it: the words on stderr, then the exit code. */
static void client_fail(Client *c, int code, const char *format, ...) _printf_(3, 4);
static void client_fail(Client *c, int code, const char *format, ...) {
        char text[SYNC_MESSAGE_MAX + 1];
        va_list ap;
        int n;

        va_start(ap, format);
        n = vsnprintf(text, sizeof(text) - 1, format, ap);
        va_end(ap);
        if (n > 0) {
                n = (int)MIN((size_t)n, sizeof(text) - 2);
                text[n++] = '\n';
                client_queue(c, ATTACH_PACKET_STDERR, text, (size_t)n);
        }
        client_queue_exit(c, code);
}

static StdinTarget *client_stdin_target(Client *c) {
        if (c->is_exec)
                return c->session ? &c->session->in : NULL;
        return c->want_stdin ? &c->server->init_in : NULL;
}

static void client_free(AttachServer *a, Client *c) {
        watch_close(a, &c->watch);
        while (c->head) {
                Packet *p = c->head;
                c->head = p->next;
                free(p);
        }
        if (c->session) {
                if (c->session->kill_on_close && !c->session->dead)
                        exec_process_kill(&c->session->proc);
                c->session->client = NULL;
        }
        free(c);
}

static void session_free(AttachServer *a, ExecSession *s) {
        watch_close(a, &s->out);
        watch_close(a, &s->err);
        watch_close(a, &s->sync);
        stdin_target_done(a, &s->in);
        /* The watches own the fds. */
        s->proc.stdin_fd = -EBADF;
        exec_process_done(&s->proc);
        if (s->client)
                s->client->session = NULL;
        free(s);
}

/* Frees what died and sets every watch's events from the current state. */
static void server_settle(AttachServer *a) {
        for (Client **p = &a->clients; *p;) {
                Client *c = *p;
                if (c->dead) {
                        *p = c->next;
                        a->n_clients--;
                        client_free(a, c);
                } else
                        p = &c->next;
        }
        for (ExecSession **p = &a->sessions; *p;) {
                ExecSession *s = *p;
                if (s->dead) {
                        *p = s->next;
                        session_free(a, s);
                } else
                        p = &s->next;
        }

        for (Client *c = a->clients; c; c = c->next) {
                uint32_t events = 0;
                if (!c->closing && !stdin_target_pending(client_stdin_target(c)))
                        events |= EPOLLIN;
                if (c->head)
                        events |= EPOLLOUT;
                watch_set(a, &c->watch, events);
        }
        for (ExecSession *s = a->sessions; s; s = s->next) {
                uint32_t events = !s->client || s->client->queued < CLIENT_QUEUE_MAX ? EPOLLIN : 0;
                watch_set(a, &s->out, events);
                watch_set(a, &s->err, events);
                watch_set(a, &s->sync, EPOLLIN);
        }
}

static void session_read_stream(ExecSession *s, Watch *w, size_t limit) {
        AttachServer *a = s->server;
        size_t total = 0;

        while (w->fd >= 0 && total < limit) {
                ssize_t n = read(w->fd, a->buf, READ_CHUNK);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return;
                if (n <= 0) { /* EOF, or EIO from a master whose terminal is closed everywhere */
                        watch_close(a, w);
                        return;
                }
                total += (size_t)n;
                if (s->client)
                        client_queue(
                                s->client,
                                w->kind == WATCH_SESSION_ERR ? ATTACH_PACKET_STDERR : ATTACH_PACKET_STDOUT,
                                a->buf,
                                (size_t)n);
                if (limit == READ_CHUNK)
                        return; /* one chunk per event: others get their turn */
        }
}

static void session_read_sync(ExecSession *s) {
        AttachServer *a = s->server;
        SyncMessage m;
        ssize_t n;

        if (s->sync.fd < 0)
                return;
        do
                n = recv(s->sync.fd, &m, sizeof(m), MSG_DONTWAIT);
        while (n < 0 && errno == EINTR);
        if (n < 0 && errno == EAGAIN)
                return;
        if (n == (ssize_t)sizeof(m)) {
                m.text[sizeof(m.text) - 1] = 0;
                /* Docker: 127 not found, 126 not executable and every other failure to start. */
                s->exit_code_override = m.exit_code == EXIT_ENGINE_ERROR ? EXIT_NOT_EXECUTABLE : m.exit_code;
                if (s->client) {
                        char line[SYNC_MESSAGE_MAX + 2];
                        int k = snprintf(line, sizeof(line), "%s\n", m.text);
                        client_queue(
                                s->client,
                                ATTACH_PACKET_STDERR,
                                line,
                                (size_t)MIN(k, (int)sizeof(line) - 1));
                }
        } else if (n == 0 && s->exit_code_override < 0 && s->client)
                client_queue(s->client, ATTACH_PACKET_STARTED, NULL, 0);
        watch_close(a, &s->sync);
}

static void session_end(ExecSession *s, int wait_status) {
        int code;

        session_read_sync(s);
        session_read_stream(s, &s->out, SESSION_DRAIN_MAX);
        session_read_stream(s, &s->err, SESSION_DRAIN_MAX);
        code = s->exit_code_override >= 0 ? s->exit_code_override : exit_code_from_wait_status(wait_status);
        log_debug("Exec session %i ended with %i.", (int)s->proc.pid, code);
        s->proc.pid = 0;
        if (s->client)
                client_queue_exit(s->client, code);
        s->dead = true;
}

static void client_start_exec(Client *c, const AttachPacket *k) {
        _cleanup_(exec_request_done) ExecRequest req = {};
        _cleanup_free_ char *error = NULL;
        AttachServer *a = c->server;
        ExecSession *s;
        int r;

        c->is_exec = true;
        if (a->init_exited || a->init_pid <= 0) {
                client_fail(c, EXIT_NOT_EXECUTABLE, "container is not running");
                return;
        }
        r = exec_request_parse(k->data, k->size, &req, &error);
        if (r < 0) {
                client_fail(c, EXIT_ENGINE_ERROR, "%s", error ?: strerror(-r));
                return;
        }

        s = calloc(1, sizeof(ExecSession));
        if (!s) {
                client_fail(c, EXIT_ENGINE_ERROR, "out of memory");
                return;
        }
        s->server = a;
        s->exit_code_override = -1;
        r = exec_process_spawn(a->confinement, a->init_pid, &req, a->child_mask, &s->proc);
        if (r < 0) {
                free(s);
                {
                        client_fail(c, EXIT_NOT_EXECUTABLE, "exec failed: %s", strerror(-r));
                        return;
                }
        }
        watch_init(&s->out, WATCH_SESSION_OUT, s, req.tty ? s->proc.master : s->proc.stdout_fd);
        watch_init(&s->err, WATCH_SESSION_ERR, s, s->proc.stderr_fd);
        watch_init(&s->sync, WATCH_SESSION_SYNC, s, s->proc.sync_fd);
        watch_init(&s->in.watch, WATCH_STDIN, &s->in, s->proc.stdin_fd);
        /* The watches own these now. */
        s->proc.master = s->proc.stdout_fd = s->proc.stderr_fd = s->proc.sync_fd = -EBADF;
        s->in.tty = req.tty;
        s->kill_on_close = req.kill_on_close;
        s->client = c;
        c->session = s;
        c->want_stdin = req.interactive;
        s->next = a->sessions;
        a->sessions = s;
        log_debug("Exec session %i: %s", (int)s->proc.pid, req.argv[0]);
}

static void client_start_attach(Client *c, const AttachPacket *k) {
        AttachServer *a = c->server;
        _cleanup_json_ cJSON *o = cJSON_ParseWithLength(k->data, k->size);

        if (!cJSON_IsObject(o)) {
                client_fail(c, EXIT_ENGINE_ERROR, "attach request: not a JSON object");
                return;
        }
        c->want_stdin = json_get_bool(o, "stdin", false);
        c->want_stdout = json_get_bool(o, "stdout", true);
        c->want_stderr = json_get_bool(o, "stderr", true);
        if (!a->attached_once && a->backlog_size > 0 && c->want_stdout)
                client_queue(c, ATTACH_PACKET_STDOUT, a->backlog, a->backlog_size);
        a->attached_once = true;
        free(a->backlog);
        a->backlog = NULL;
        a->backlog_size = 0;
}

static void client_handle_packet(Client *c, const AttachPacket *k) {
        AttachServer *a = c->server;
        StdinTarget *t;

        if (!c->requested) {
                c->requested = true;
                if (k->type == ATTACH_PACKET_REQUEST_ATTACH) {
                        client_start_attach(c, k);
                        return;
                }
                if (k->type == ATTACH_PACKET_REQUEST_EXEC) {
                        client_start_exec(c, k);
                        return;
                }
        }

        switch (k->type) {
        case ATTACH_PACKET_STDIN:
                t = client_stdin_target(c);
                if (t)
                        stdin_target_write(a, t, k->data, k->size);
                return;
        case ATTACH_PACKET_RESIZE:
                t = c->is_exec ? (c->session ? &c->session->in : NULL) : &a->init_in;
                if (t && t->tty && t->watch.fd >= 0)
                        (void)pty_resize(t->watch.fd, k->rows, k->cols);
                return;
        case ATTACH_PACKET_CLOSE_STDIN:
                t = client_stdin_target(c);
                if (t && !t->tty) {
                        if (stdin_target_pending(t))
                                t->close_when_drained = true;
                        else
                                stdin_target_done(a, t);
                }
                return;
        default:
                log_warning(
                        "Attach client sent an unexpected %s packet, dropping it.",
                        attach_packet_type_to_string(k->type));
                c->dead = true;
                return;
        }
}

static void client_readable(Client *c) {
        AttachServer *a = c->server;

        /* A few packets per wakeup; stop when the input target is full. */
        for (unsigned i = 0; i < 16 && !c->dead && !c->closing; i++) {
                AttachPacket k;
                ssize_t n;
                int r;

                if (stdin_target_pending(client_stdin_target(c)))
                        return;
                n = recv(c->watch.fd, a->buf, ATTACH_PACKET_MAX + 1, MSG_DONTWAIT | MSG_TRUNC);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return;
                if (n <= 0) {
                        /* Gone (exec -d, or a detach): an exec session keeps running without it. */
                        c->dead = true;
                        return;
                }
                r = (size_t)n > ATTACH_PACKET_MAX ? -EMSGSIZE : attach_packet_parse(a->buf, (size_t)n, &k);
                if (r < 0) {
                        log_warning_errno(r, "Dropping an attach client that sent a bad packet: %m");
                        c->dead = true;
                        return;
                }
                client_handle_packet(c, &k);
        }
}

static void server_accept(AttachServer *a) {
        for (;;) {
                struct ucred cred;
                socklen_t len = sizeof(cred);
                Client *c;
                int fd;

                fd = accept4(a->listen.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd < 0) {
                        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                                log_warning_errno(errno, "accept: %m");
                        if (errno == EINTR || errno == ECONNABORTED)
                                continue;
                        return;
                }
                if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != 0) {
                        log_warning("Refusing an attach connection from uid %u.", (unsigned)cred.uid);
                        safe_close(fd);
                        continue;
                }
                if (a->n_clients >= CLIENTS_MAX) {
                        log_warning("Refusing an attach connection: %u clients already.", CLIENTS_MAX);
                        safe_close(fd);
                        continue;
                }
                c = calloc(1, sizeof(Client));
                if (!c) {
                        log_oom();
                        safe_close(fd);
                        return;
                }
                c->server = a;
                watch_init(&c->watch, WATCH_CLIENT, c, fd);
                c->next = a->clients;
                a->clients = c;
                a->n_clients++;
        }
}

void attach_server_dispatch(AttachServer *a) {
        struct epoll_event ev[32];
        int n;

        n = epoll_wait(a->epoll_fd, ev, ELEMENTSOF(ev), 0);
        for (int i = 0; i < n; i++) {
                Watch *w = ev[i].data.ptr;

                if (w->fd < 0)
                        continue;
                switch (w->kind) {
                case WATCH_LISTEN:
                        server_accept(a);
                        break;
                case WATCH_CLIENT: {
                        Client *c = w->owner;
                        if (c->dead)
                                break;
                        if (ev[i].events & EPOLLOUT)
                                client_flush(c);
                        if (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                                client_readable(c);
                        break;
                }
                case WATCH_STDIN:
                        stdin_target_writable(a, w->owner);
                        break;
                case WATCH_SESSION_OUT:
                case WATCH_SESSION_ERR:
                        if (!((ExecSession *)w->owner)->dead)
                                session_read_stream(w->owner, w, READ_CHUNK);
                        break;
                case WATCH_SESSION_SYNC:
                        if (!((ExecSession *)w->owner)->dead)
                                session_read_sync(w->owner);
                        break;
                }
        }
        server_settle(a);
}

int attach_server_fd(AttachServer *a) {
        return a->epoll_fd;
}

void attach_server_set_init(AttachServer *a, pid_t pid, int master, int stdin_fd) {
        a->init_pid = pid;
        a->terminal = master >= 0;
        a->init_in.tty = master >= 0;
        watch_init(&a->init_in.watch, WATCH_STDIN, &a->init_in, master >= 0 ? master : stdin_fd);
        if (master >= 0)
                safe_close(stdin_fd);
}

void attach_server_output(AttachServer *a, bool is_err, const void *data, size_t size) {
        if (a->terminal && !a->attached_once) {
                /* Keep the last ATTACH_BACKLOG_MAX bytes: the prompt is at the end. */
                size_t keep = MIN(
                        a->backlog_size, (size_t)ATTACH_BACKLOG_MAX - MIN(size, (size_t)ATTACH_BACKLOG_MAX));
                size_t add = MIN(size, (size_t)ATTACH_BACKLOG_MAX);
                uint8_t *b = malloc(keep + add);
                if (b) {
                        if (keep > 0)
                                memcpy(b, a->backlog + a->backlog_size - keep, keep);
                        memcpy(b + keep, (const uint8_t *)data + size - add, add);
                        free(a->backlog);
                        a->backlog = b;
                        a->backlog_size = keep + add;
                }
        }
        for (Client *c = a->clients; c; c = c->next)
                if (c->requested && !c->is_exec && !c->closing && (is_err ? c->want_stderr : c->want_stdout))
                        client_queue(c, is_err ? ATTACH_PACKET_STDERR : ATTACH_PACKET_STDOUT, data, size);
        server_settle(a);
}

bool attach_server_can_take_output(AttachServer *a) {
        for (Client *c = a->clients; c; c = c->next)
                if (!c->is_exec && c->queued >= CLIENT_QUEUE_MAX)
                        return false;
        return true;
}

void attach_server_child_exited(AttachServer *a, pid_t pid, int wait_status) {
        for (ExecSession *s = a->sessions; s; s = s->next)
                if (!s->dead && s->proc.pid == pid) {
                        session_end(s, wait_status);
                        break;
                }
        server_settle(a);
}

void attach_server_init_exited(AttachServer *a) {
        a->init_exited = true;
}

bool attach_server_busy(AttachServer *a) {
        for (ExecSession *s = a->sessions; s; s = s->next)
                if (!s->dead)
                        return true;
        return a->terminal && a->backlog_size > 0 && !a->attached_once;
}

static int64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void attach_server_finish(AttachServer *a, int exit_code) {
        int64_t deadline = now_ms() + FINISH_FLUSH_MS;

        /* Sessions still running have lost their container: their helpers go too. */
        for (ExecSession *s = a->sessions; s; s = s->next) {
                int status = 0;
                if (s->dead || s->proc.pid <= 0)
                        continue;
                (void)kill(s->proc.pid, SIGKILL);
                while (waitpid(s->proc.pid, &status, 0) < 0 && errno == EINTR)
                        ;
                session_end(s, status);
        }
        for (Client *c = a->clients; c; c = c->next) {
                if (c->requested && !c->is_exec && !c->closing)
                        client_queue_exit(c, exit_code);
                else if (!c->requested)
                        c->dead = true;
        }
        server_settle(a);

        /* Give the clients a moment to read the end. */
        while (a->clients) {
                struct pollfd p[CLIENTS_MAX];
                Client *by_index[CLIENTS_MAX];
                nfds_t n = 0;
                int64_t left = deadline - now_ms();

                for (Client *c = a->clients; c && n < CLIENTS_MAX; c = c->next) {
                        if (!c->head) {
                                c->dead = true;
                                continue;
                        }
                        by_index[n] = c;
                        p[n++] = (struct pollfd){.fd = c->watch.fd, .events = POLLOUT};
                }
                if (n == 0 || left <= 0)
                        break;
                if (poll(p, n, (int)left) < 0 && errno != EINTR)
                        break;
                for (nfds_t i = 0; i < n; i++)
                        if (p[i].revents)
                                client_flush(by_index[i]);
                server_settle(a);
        }
}

int attach_server_new(
        const Confinement *confinement,
        const char *run_dir,
        const sigset_t *child_mask,
        AttachServer **ret) {
        _cleanup_(attach_server_freep) AttachServer *a = NULL;
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        int r, fd;

        a = calloc(1, sizeof(AttachServer));
        if (!a)
                return -ENOMEM;
        a->confinement = confinement;
        a->child_mask = child_mask;
        a->epoll_fd = -EBADF;
        watch_init(&a->listen, WATCH_LISTEN, a, -EBADF);
        watch_init(&a->init_in.watch, WATCH_STDIN, &a->init_in, -EBADF);

        a->buf = malloc(ATTACH_PACKET_MAX + 1);
        if (!a->buf)
                return -ENOMEM;
        if (asprintf(&a->socket_path, "%s/" ATTACH_SOCKET_NAME, run_dir) < 0) {
                a->socket_path = NULL;
                return -ENOMEM;
        }
        if (strlen(a->socket_path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, a->socket_path);

        r = mkdir_p(run_dir, 0700);
        if (r < 0)
                return r;
        a->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (a->epoll_fd < 0)
                return -errno;
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        a->listen.fd = fd;
        /* A socket left by an earlier run of this unit (Restart=) is in the way. */
        if (unlink(a->socket_path) < 0 && errno != ENOENT)
                return -errno;
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                return -errno;
        if (chmod(a->socket_path, 0600) < 0)
                return -errno;
        if (listen(fd, 16) < 0)
                return -errno;
        watch_set(a, &a->listen, EPOLLIN);

        *ret = TAKE_PTR(a);
        return 0;
}

AttachServer *attach_server_free(AttachServer *a) {
        if (!a)
                return NULL;
        while (a->clients) {
                Client *c = a->clients;
                a->clients = c->next;
                client_free(a, c);
        }
        while (a->sessions) {
                ExecSession *s = a->sessions;
                a->sessions = s->next;
                session_free(a, s);
        }
        stdin_target_done(a, &a->init_in);
        safe_close(a->listen.fd);
        if (a->socket_path)
                (void)unlink(a->socket_path);
        free(a->socket_path);
        safe_close(a->epoll_fd);
        free(a->backlog);
        free(a->buf);
        free(a);
        return NULL;
}
