/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "capability-name.h"
#include "error-set.h"
#include "fileio.h"
#include "json-util.h"
#include "runtime-spec.h"
#include "strv.h"

static const struct {
        const char *name;
        int flag;
} namespace_table[] = {
        {"pid", CLONE_NEWPID},
        {"mount", CLONE_NEWNS},
        {"uts", CLONE_NEWUTS},
        {"ipc", CLONE_NEWIPC},
        {"network", CLONE_NEWNET},
        {"cgroup", CLONE_NEWCGROUP},
        {"user", CLONE_NEWUSER},
};

int namespace_flag_from_string(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(namespace_table); i++)
                if (streq(namespace_table[i].name, s))
                        return namespace_table[i].flag;
        return 0;
}

RuntimeSpec *runtime_spec_free(RuntimeSpec *s) {
        if (!s)
                return NULL;
        strv_free(s->args);
        strv_free(s->env);
        free(s->cwd);
        free(s->additional_gids);
        free(s->root_path);
        free(s->hostname);
        free(s->netns_path);
        for (size_t i = 0; i < s->n_mounts; i++) {
                free(s->mounts[i].destination);
                free(s->mounts[i].type);
                free(s->mounts[i].source);
                strv_free(s->mounts[i].options);
        }
        free(s->mounts);
        strv_free(s->masked_paths);
        strv_free(s->readonly_paths);
        seccomp_profile_free(s->seccomp);
        free(s->seccomp_text);
        free(s->user_annotation);
        free(s->name_annotation);
        free(s->run_dir_annotation);
        free(s->seccomp_digest_annotation);
        strv_free(s->group_add_annotation);
        runtime_spec_host_done(s);
        runtime_spec_resources_done(s);
        runtime_spec_userns_done(s);
        free(s);
        return NULL;
}

static bool path_is_safe_absolute(const char *p) {
        size_t n = strlen(p);

        if (p[0] != '/' || n > RUNTIME_SPEC_MAX_PATH_LEN)
                return false;
        /* No ".." component: destinations are resolved inside the container root and must stay there. */
        for (const char *c = p; (c = strstr(c, "..")); c += 2)
                if ((c == p || c[-1] == '/') && (c[2] == 0 || c[2] == '/'))
                        return false;
        return true;
}

static int
get_string(const cJSON *o, const char *key, const char *where, bool required, char **ret, char **error) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        if (!v || cJSON_IsNull(v)) {
                if (required)
                        return error_set(error, -EINVAL, "%s%s: missing", where, key);
                *ret = NULL;
                return 0;
        }
        if (!cJSON_IsString(v))
                return error_set(error, -EINVAL, "%s%s: must be a string", where, key);
        if (strlen(v->valuestring) > RUNTIME_SPEC_MAX_ARG_LEN)
                return error_set(error, -EINVAL, "%s%s: too long", where, key);
        *ret = strdup(v->valuestring);
        return *ret ? 0 : -ENOMEM;
}

static int get_bool(const cJSON *o, const char *key, const char *where, bool *ret, char **error) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        if (!v || cJSON_IsNull(v)) {
                *ret = false;
                return 0;
        }
        if (!cJSON_IsBool(v))
                return error_set(error, -EINVAL, "%s%s: must be a boolean", where, key);
        *ret = cJSON_IsTrue(v);
        return 0;
}

static int id_from_json(const cJSON *v, uint32_t *ret) {
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble >= 4294967295.0 ||
            v->valuedouble != (double)(uint32_t)v->valuedouble)
                return -EINVAL;
        *ret = (uint32_t)v->valuedouble;
        return 0;
}

static const cJSON *get_container(const cJSON *o, const char *key, bool array, bool *ok) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

        *ok = true;
        if (!v || cJSON_IsNull(v))
                return NULL;
        if (array ? !cJSON_IsArray(v) : !cJSON_IsObject(v))
                *ok = false;
        return v;
}

/* A string array with limits; "validate" may refuse elements. */
static int get_strv(
        const cJSON *o,
        const char *key,
        const char *where,
        size_t max_items,
        size_t max_total,
        bool (*validate)(const char *),
        const char *what,
        char ***ret,
        char **error) {
        _cleanup_strv_free_ char **l = NULL;
        const cJSON *a, *e;
        size_t n = 0, total = 0;
        bool ok;

        a = get_container(o, key, true, &ok);
        if (!ok)
                return error_set(error, -EINVAL, "%s%s: must be an array of strings", where, key);
        cJSON_ArrayForEach (e, a) {
                size_t len;

                if (!cJSON_IsString(e))
                        return error_set(error, -EINVAL, "%s%s[%zu]: must be a string", where, key, n);
                len = strlen(e->valuestring);
                if (len > RUNTIME_SPEC_MAX_ARG_LEN)
                        return error_set(
                                error, -EINVAL, "%s%s[%zu]: too long (%zu bytes)", where, key, n, len);
                total += len + 1;
                if (++n > max_items || total > max_total)
                        return error_set(error, -EINVAL, "%s%s: too many entries or too large", where, key);
                if (validate && !validate(e->valuestring))
                        return error_set(error, -EINVAL, "%s%s[%zu]: %s", where, key, n - 1, what);
                if (strv_extend(&l, e->valuestring) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static bool env_entry_valid(const char *s) {
        const char *eq = strchr(s, '=');
        return eq && eq != s;
}

static int parse_user(const cJSON *process, RuntimeSpec *s, char **error) {
        const cJSON *user, *v, *e;
        uint32_t id;
        bool ok;

        user = get_container(process, "user", false, &ok);
        if (!ok)
                return error_set(error, -EINVAL, "process.user: must be an object");
        if (!user)
                return 0;

        v = cJSON_GetObjectItemCaseSensitive(user, "uid");
        if (v) {
                if (id_from_json(v, &id) < 0)
                        return error_set(
                                error, -EINVAL, "process.user.uid: must be an integer 0…4294967294");
                s->uid = id;
        }
        v = cJSON_GetObjectItemCaseSensitive(user, "gid");
        if (v) {
                if (id_from_json(v, &id) < 0)
                        return error_set(
                                error, -EINVAL, "process.user.gid: must be an integer 0…4294967294");
                s->gid = id;
        }

        v = get_container(user, "additionalGids", true, &ok);
        if (!ok)
                return error_set(error, -EINVAL, "process.user.additionalGids: must be an array");
        if (!v)
                return 0;
        if ((size_t)cJSON_GetArraySize(v) > RUNTIME_SPEC_MAX_GIDS)
                return error_set(
                        error,
                        -EINVAL,
                        "process.user.additionalGids: more than %u entries",
                        RUNTIME_SPEC_MAX_GIDS);
        s->additional_gids = calloc(RUNTIME_SPEC_MAX_GIDS, sizeof(gid_t));
        if (!s->additional_gids)
                return -ENOMEM;
        cJSON_ArrayForEach (e, v) {
                if (id_from_json(e, &id) < 0)
                        return error_set(
                                error,
                                -EINVAL,
                                "process.user.additionalGids[%zu]: must be an integer",
                                s->n_additional_gids);
                s->additional_gids[s->n_additional_gids++] = id;
        }
        return 0;
}

/* One of process.capabilities' lists: "CAP_CHOWN", … */
static int parse_capability_list(const cJSON *caps, const char *key, uint64_t *ret, char **error) {
        const cJSON *a, *e;
        size_t i = 0;
        bool ok;

        a = get_container(caps, key, true, &ok);
        if (!ok)
                return error_set(
                        error, -EINVAL, "process.capabilities.%s: must be an array of strings", key);
        cJSON_ArrayForEach (e, a) {
                int cap;

                if (!cJSON_IsString(e))
                        return error_set(
                                error, -EINVAL, "process.capabilities.%s[%zu]: must be a string", key, i);
                cap = capability_from_oci_name(e->valuestring);
                if (cap < 0)
                        return error_set(
                                error,
                                -EINVAL,
                                "process.capabilities.%s[%zu]: unknown capability \"%.64s\"",
                                key,
                                i,
                                e->valuestring);
                *ret |= CAPABILITY_MASK(cap);
                i++;
        }
        return 0;
}

static int parse_capabilities(const cJSON *process, RuntimeSpec *s, char **error) {
        static const char *const keys[] = {"bounding", "effective", "permitted", "inheritable", "ambient"};
        uint64_t *masks[] = {
                &s->capabilities.bounding,
                &s->capabilities.effective,
                &s->capabilities.permitted,
                &s->capabilities.inheritable,
                &s->capabilities.ambient,
        };
        const cJSON *caps;
        bool ok;
        int r;

        caps = get_container(process, "capabilities", false, &ok);
        if (!ok)
                return error_set(error, -EINVAL, "process.capabilities: must be an object");
        if (!caps)
                return 0;
        s->has_capabilities = true;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                r = parse_capability_list(caps, keys[i], masks[i], error);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_process(const cJSON *root, RuntimeSpec *s, char **error) {
        const cJSON *process;
        bool ok;
        int r;

        process = get_container(root, "process", false, &ok);
        if (!ok)
                return error_set(error, -EINVAL, "process: must be an object");
        if (!process)
                return error_set(error, -EINVAL, "process: missing");

        r = get_strv(
                process,
                "args",
                "process.",
                RUNTIME_SPEC_MAX_ARGS,
                RUNTIME_SPEC_MAX_ARGV_TOTAL,
                NULL,
                NULL,
                &s->args,
                error);
        if (r < 0)
                return r;
        if (strv_length(s->args) == 0 || isempty(s->args[0]))
                return error_set(error, -EINVAL, "process.args: no command given");

        r = get_strv(
                process,
                "env",
                "process.",
                RUNTIME_SPEC_MAX_ENV,
                RUNTIME_SPEC_MAX_ARGV_TOTAL,
                env_entry_valid,
                "must be KEY=VALUE",
                &s->env,
                error);
        if (r < 0)
                return r;

        r = get_string(process, "cwd", "process.", true, &s->cwd, error);
        if (r < 0)
                return r;
        if (!path_is_safe_absolute(s->cwd))
                return error_set(error, -EINVAL, "process.cwd: must be an absolute path without \"..\"");

        r = get_bool(process, "terminal", "process.", &s->terminal, error);
        if (r < 0)
                return r;
        r = get_bool(process, "noNewPrivileges", "process.", &s->no_new_privileges, error);
        if (r < 0)
                return r;
        r = parse_capabilities(process, s, error);
        if (r < 0)
                return r;
        r = runtime_spec_parse_rlimits(process, s, error);
        if (r < 0)
                return r;

        return parse_user(process, s, error);
}

static int parse_root(const cJSON *root, RuntimeSpec *s, char **error) {
        const cJSON *o;
        bool ok;
        int r;

        o = get_container(root, "root", false, &ok);
        if (!ok)
                return error_set(error, -EINVAL, "root: must be an object");
        if (!o)
                return error_set(error, -EINVAL, "root: missing");
        r = get_string(o, "path", "root.", true, &s->root_path, error);
        if (r < 0)
                return r;
        if (isempty(s->root_path) || strlen(s->root_path) > RUNTIME_SPEC_MAX_PATH_LEN)
                return error_set(error, -EINVAL, "root.path: must not be empty");
        return get_bool(o, "readonly", "root.", &s->root_readonly, error);
}

static int parse_hostname(const cJSON *root, RuntimeSpec *s, char **error) {
        int r;

        r = get_string(root, "hostname", "", false, &s->hostname, error);
        if (r < 0 || !s->hostname)
                return r;
        if (strlen(s->hostname) > RUNTIME_SPEC_MAX_HOSTNAME_LEN)
                return error_set(
                        error,
                        -EINVAL,
                        "hostname: longer than %u characters",
                        RUNTIME_SPEC_MAX_HOSTNAME_LEN);
        for (const char *c = s->hostname; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      *c == '-' || *c == '.' || *c == '_'))
                        return error_set(error, -EINVAL, "hostname: invalid character");
        return 0;
}

static int parse_mounts(const cJSON *root, RuntimeSpec *s, char **error) {
        const cJSON *a, *e;
        size_t n;
        bool ok;
        int r;

        a = get_container(root, "mounts", true, &ok);
        if (!ok)
                return error_set(error, -EINVAL, "mounts: must be an array");
        if (!a)
                return 0;
        n = (size_t)cJSON_GetArraySize(a);
        if (n > RUNTIME_SPEC_MAX_MOUNTS)
                return error_set(error, -EINVAL, "mounts: more than %u entries", RUNTIME_SPEC_MAX_MOUNTS);
        if (n == 0)
                return 0;
        s->mounts = calloc(n, sizeof(RuntimeMount));
        if (!s->mounts)
                return -ENOMEM;

        cJSON_ArrayForEach (e, a) {
                RuntimeMount *m = &s->mounts[s->n_mounts];
                char where[64];

                if (!cJSON_IsObject(e))
                        return error_set(error, -EINVAL, "mounts[%zu]: must be an object", s->n_mounts);
                s->n_mounts++;
                (void)snprintf(where, sizeof(where), "mounts[%zu].", s->n_mounts - 1);

                r = get_string(e, "destination", where, true, &m->destination, error);
                if (r < 0)
                        return r;
                if (!path_is_safe_absolute(m->destination))
                        return error_set(
                                error,
                                -EINVAL,
                                "%sdestination: must be an absolute path without \"..\"",
                                where);
                r = get_string(e, "type", where, false, &m->type, error);
                if (r < 0)
                        return r;
                r = get_string(e, "source", where, false, &m->source, error);
                if (r < 0)
                        return r;
                r = get_strv(e, "options", where, 256, 64 * 1024, NULL, NULL, &m->options, error);
                if (r < 0)
                        return r;

                /* OCI allows a bind mount without "type": the options say it. */
                if (!m->type && (strv_contains(m->options, "bind") || strv_contains(m->options, "rbind"))) {
                        m->type = strdup("bind");
                        if (!m->type)
                                return -ENOMEM;
                }
                if (!m->type)
                        return error_set(error, -EINVAL, "%stype: missing", where);
                if (streq(m->type, "bind") && isempty(m->source))
                        return error_set(error, -EINVAL, "%ssource: a bind mount needs a source", where);
                if (streq(m->destination, "/") && !streq(m->type, "overlay"))
                        return error_set(
                                error,
                                -EINVAL,
                                "%sdestination: only an overlay may be mounted on \"/\"",
                                where);
        }
        return 0;
}

static bool path_valid(const char *p) {
        return path_is_safe_absolute(p);
}

static int parse_seccomp(const cJSON *lnx, RuntimeSpec *s, char **error) {
        _cleanup_free_ char *seccomp_error = NULL;
        const cJSON *o;
        bool ok;
        int r;

        o = get_container(lnx, "seccomp", false, &ok);
        if (!ok)
                return error_set(error, -EINVAL, "linux.seccomp: must be an object");
        if (!o)
                return 0;
        r = seccomp_profile_parse(o, SECCOMP_PROFILE_OCI, &s->seccomp, &seccomp_error);
        if (r == -EINVAL)
                return error_set(error, -EINVAL, "linux.seccomp.%s", seccomp_error ?: "invalid");
        if (r < 0)
                return r;
        s->seccomp_text = cJSON_PrintUnformatted(o);
        return s->seccomp_text ? 0 : -ENOMEM;
}

static int parse_linux(const cJSON *root, RuntimeSpec *s, char **error) {
        const cJSON *o, *a, *e;
        size_t i = 0;
        bool ok;
        int r;

        o = get_container(root, "linux", false, &ok);
        if (!ok)
                return error_set(error, -EINVAL, "linux: must be an object");
        if (!o)
                return 0;

        a = get_container(o, "namespaces", true, &ok);
        if (!ok)
                return error_set(error, -EINVAL, "linux.namespaces: must be an array");
        cJSON_ArrayForEach (e, a) {
                const char *type = json_get_string(e, "type");
                int flag;

                if (!cJSON_IsObject(e) || !type)
                        return error_set(error, -EINVAL, "linux.namespaces[%zu].type: missing", i);
                flag = namespace_flag_from_string(type);
                if (flag == 0)
                        return error_set(
                                error,
                                -EINVAL,
                                "linux.namespaces[%zu].type: \"%.64s\" is not supported",
                                i,
                                type);
                if (cJSON_GetObjectItemCaseSensitive(e, "path")) {
                        const char *path = json_get_string(e, "path");

                        /* Only the network namespace is joined: berth-network makes it. */
                        if (flag != CLONE_NEWNET)
                                return error_set(
                                        error,
                                        -EINVAL,
                                        "linux.namespaces[%zu].path: joining a namespace is not supported",
                                        i);
                        if (!path || !path_valid(path) || s->netns_path)
                                return error_set(
                                        error,
                                        -EINVAL,
                                        "linux.namespaces[%zu].path: must be an absolute path without "
                                        "\"..\"",
                                        i);
                        s->netns_path = strdup(path);
                        if (!s->netns_path)
                                return -ENOMEM;
                } else
                        s->namespace_flags |= flag;
                i++;
        }

        r = parse_seccomp(o, s, error);
        if (r < 0)
                return r;
        r = runtime_spec_parse_id_mappings(o, s, error);
        if (r < 0)
                return r;
        r = runtime_spec_parse_sysctl(o, s, error);
        if (r < 0)
                return r;
        r = runtime_spec_parse_devices(o, s, error);
        if (r < 0)
                return r;
        r = runtime_spec_parse_resources(o, s, error);
        if (r < 0)
                return r;
        r = get_strv(
                o,
                "maskedPaths",
                "linux.",
                RUNTIME_SPEC_MAX_PATHS,
                1024 * 1024,
                path_valid,
                "must be an absolute path without \"..\"",
                &s->masked_paths,
                error);
        if (r < 0)
                return r;
        return get_strv(
                o,
                "readonlyPaths",
                "linux.",
                RUNTIME_SPEC_MAX_PATHS,
                1024 * 1024,
                path_valid,
                "must be an absolute path without \"..\"",
                &s->readonly_paths,
                error);
}

/* "org.berth.group-add": "users,1234", comma-separated as in /etc/group. */
static int parse_group_add(const cJSON *annotations, RuntimeSpec *s, char **error) {
        _cleanup_free_ char *text = NULL;
        char *save = NULL;
        int r;

        r = get_string(annotations, "org.berth.group-add", "annotations.", false, &text, error);
        if (r < 0 || !text)
                return r;
        for (char *g = strtok_r(text, ",", &save); g; g = strtok_r(NULL, ",", &save)) {
                if (strv_length(s->group_add_annotation) >= RUNTIME_SPEC_MAX_GIDS || strlen(g) > 256 ||
                    strchr(g, ':') || strchr(g, '\n'))
                        return error_set(
                                error,
                                -EINVAL,
                                "annotations.org.berth.group-add: at most %u names or ids of 1…256 "
                                "characters",
                                RUNTIME_SPEC_MAX_GIDS);
                if (strv_extend(&s->group_add_annotation, g) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int parse_annotations(const cJSON *root, RuntimeSpec *s, char **error) {
        _cleanup_free_ char *open_stdin = NULL, *init = NULL;
        const cJSON *o;
        bool ok;
        int r;

        o = get_container(root, "annotations", false, &ok);
        if (!ok)
                return error_set(error, -EINVAL, "annotations: must be an object");
        if (!o)
                return 0;
        r = get_string(o, "org.berth.user", "annotations.", false, &s->user_annotation, error);
        if (r < 0)
                return r;
        if (s->user_annotation && (isempty(s->user_annotation) || strlen(s->user_annotation) > 256))
                return error_set(error, -EINVAL, "annotations.org.berth.user: must be 1…256 characters");
        r = get_string(o, "org.berth.name", "annotations.", false, &s->name_annotation, error);
        if (r < 0)
                return r;
        if (s->name_annotation && strlen(s->name_annotation) > 256)
                return error_set(error, -EINVAL, "annotations.org.berth.name: longer than 256 characters");
        r = get_string(o, "org.berth.run-dir", "annotations.", false, &s->run_dir_annotation, error);
        if (r < 0)
                return r;
        /* The attach socket's path must fit a sockaddr_un. */
        if (s->run_dir_annotation && (!path_is_safe_absolute(s->run_dir_annotation) ||
                                      strlen(s->run_dir_annotation) > RUNTIME_SPEC_MAX_RUN_DIR_LEN))
                return error_set(
                        error,
                        -EINVAL,
                        "annotations.org.berth.run-dir: must be an absolute path of at most %u characters",
                        RUNTIME_SPEC_MAX_RUN_DIR_LEN);
        r = get_string(
                o, "org.berth.seccomp-digest", "annotations.", false, &s->seccomp_digest_annotation, error);
        if (r < 0)
                return r;
        if (s->seccomp_digest_annotation &&
            (strncmp(s->seccomp_digest_annotation, "sha256:", 7) != 0 ||
             strlen(s->seccomp_digest_annotation) != 7 + 64 ||
             strspn(s->seccomp_digest_annotation + 7, "0123456789abcdef") != 64))
                return error_set(
                        error,
                        -EINVAL,
                        "annotations.org.berth.seccomp-digest: must be \"sha256:\" and 64 hex digits");
        r = get_string(o, "org.berth.open-stdin", "annotations.", false, &open_stdin, error);
        if (r < 0)
                return r;
        if (open_stdin && !streq(open_stdin, "true") && !streq(open_stdin, "false"))
                return error_set(
                        error, -EINVAL, "annotations.org.berth.open-stdin: must be \"true\" or \"false\"");
        s->open_stdin = streq_ptr(open_stdin, "true");
        r = get_string(o, "org.berth.init", "annotations.", false, &init, error);
        if (r < 0)
                return r;
        if (init && !streq(init, "true") && !streq(init, "false"))
                return error_set(
                        error, -EINVAL, "annotations.org.berth.init: must be \"true\" or \"false\"");
        s->init = streq_ptr(init, "true");
        return parse_group_add(o, s, error);
}

int runtime_spec_parse(const char *text, size_t size, RuntimeSpec **ret, char **ret_error) {
        _cleanup_(runtime_spec_freep) RuntimeSpec *s = NULL;
        _cleanup_json_ cJSON *root = NULL;
        _cleanup_free_ char *error = NULL, *version = NULL;
        int r;

        if (size > RUNTIME_SPEC_MAX_SIZE)
                r = error_set(&error, -EINVAL, "config.json: larger than %u bytes", RUNTIME_SPEC_MAX_SIZE);
        else if (!(root = cJSON_ParseWithLength(text, size)) || !cJSON_IsObject(root))
                r = error_set(&error, -EINVAL, "config.json: not a JSON object");
        else if (!(s = calloc(1, sizeof(RuntimeSpec))))
                r = -ENOMEM;
        else {
                r = get_string(root, "ociVersion", "", true, &version, &error);
                if (r >= 0 && strncmp(version, "1.", 2) != 0)
                        r = error_set(&error, -EINVAL, "ociVersion: \"%.32s\" is not 1.x", version);
                if (r >= 0)
                        r = parse_process(root, s, &error);
                if (r >= 0)
                        r = parse_root(root, s, &error);
                if (r >= 0)
                        r = parse_hostname(root, s, &error);
                if (r >= 0)
                        r = parse_mounts(root, s, &error);
                if (r >= 0)
                        r = parse_linux(root, s, &error);
                if (r >= 0)
                        r = parse_annotations(root, s, &error);
                if (r >= 0)
                        r = runtime_spec_check_userns(s, &error);
        }
        if (r < 0) {
                if (ret_error)
                        *ret_error = TAKE_PTR(error);
                return r;
        }

        *ret = TAKE_PTR(s);
        return 0;
}

int runtime_spec_load_at(int bundle_fd, RuntimeSpec **ret, char **ret_error) {
        _cleanup_free_ char *text = NULL;
        size_t size;
        int r;

        r = read_full_file_at(bundle_fd, "config.json", RUNTIME_SPEC_MAX_SIZE, &text, &size);
        if (r < 0) {
                if (ret_error && asprintf(ret_error, "config.json: %s", strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        return runtime_spec_parse(text, size, ret, ret_error);
}
