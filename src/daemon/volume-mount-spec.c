/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error-set.h"
#include "json-util.h"
#include "parse-size.h"
#include "strv.h"
#include "tmpfs-mount.h"
#include "volume-mount-spec.h"
#include "volume-store.h"

static const char *const mount_type_table[_MOUNT_TYPE_MAX] = {
        [MOUNT_TYPE_BIND] = "bind",
        [MOUNT_TYPE_VOLUME] = "volume",
        [MOUNT_TYPE_TMPFS] = "tmpfs",
};

static const char *const mount_origin_table[_MOUNT_ORIGIN_MAX] = {
        [MOUNT_ORIGIN_BINDS] = "binds",
        [MOUNT_ORIGIN_MOUNT] = "mount",
        [MOUNT_ORIGIN_IMAGE] = "image",
        [MOUNT_ORIGIN_VOLUMES_FROM] = "volumes-from",
};

static const char *const propagations[] = {
        "shared",
        "rshared",
        "slave",
        "rslave",
        "private",
        "rprivate",
        NULL,
};

const char *mount_type_to_string(MountType t) {
        return t >= 0 && t < _MOUNT_TYPE_MAX ? mount_type_table[t] : NULL;
}

MountType mount_type_from_string(const char *s) {
        for (int i = 0; i < _MOUNT_TYPE_MAX; i++)
                if (streq_ptr(s, mount_type_table[i]))
                        return i;
        return _MOUNT_TYPE_INVALID;
}

const char *mount_origin_to_string(MountOrigin o) {
        return o >= 0 && o < _MOUNT_ORIGIN_MAX ? mount_origin_table[o] : NULL;
}

static MountOrigin mount_origin_from_string(const char *s) {
        for (int i = 0; i < _MOUNT_ORIGIN_MAX; i++)
                if (streq_ptr(s, mount_origin_table[i]))
                        return i;
        return _MOUNT_ORIGIN_INVALID;
}

void mount_spec_done(MountSpec *m) {
        free(m->text);
        free(m->source);
        free(m->destination);
        free(m->mode);
        free(m->propagation);
        free(m->host_path);
        strv_free(m->volume_labels);
        strv_free(m->volume_options);
        *m = (MountSpec){};
}

void container_mount_options_done(ContainerMountOptions *o) {
        strv_free(o->binds);
        strv_free(o->mounts);
        strv_free(o->volumes_from);
        *o = (ContainerMountOptions){};
}

void mount_specs_free(MountSpec *m, size_t n) {
        for (size_t i = 0; m && i < n; i++)
                mount_spec_done(&m[i]);
        free(m);
}

/* Docker's -v modes: comma-separated, at most one of each kind. */
static bool
bind_mode_valid(const char *mode, bool *ret_readonly, bool *ret_nocopy, const char **ret_propagation) {
        static const char *const rw_modes[] = {"rw", "ro", NULL};
        static const char *const label_modes[] = {"z", "Z", NULL};
        static const char *const copy_modes[] = {"nocopy", NULL};
        static const char *const consistency_modes[] = {"consistent", "cached", "delegated", NULL};
        const char *const *kinds[] = {rw_modes, label_modes, propagations, copy_modes, consistency_modes};
        unsigned seen[ELEMENTSOF(kinds)] = {};

        *ret_readonly = false;
        *ret_nocopy = false;
        *ret_propagation = NULL;
        if (isempty(mode))
                return true;
        for (const char *p = mode; *p;) {
                size_t len = strcspn(p, ",");
                bool known = false;

                for (size_t k = 0; k < ELEMENTSOF(kinds) && !known; k++)
                        for (size_t i = 0; kinds[k][i]; i++)
                                if (strlen(kinds[k][i]) == len && strncmp(p, kinds[k][i], len) == 0) {
                                        if (seen[k]++ > 0)
                                                return false;
                                        known = true;
                                        if (kinds[k] == rw_modes)
                                                *ret_readonly = i == 1;
                                        else if (kinds[k] == copy_modes)
                                                *ret_nocopy = true;
                                        else if (kinds[k] == propagations)
                                                *ret_propagation = kinds[k][i];
                                        break;
                                }
                if (!known)
                        return false;
                p += len;
                if (*p == ',' && p[1] == 0)
                        return false;
                if (*p == ',')
                        p++;
        }
        return true;
}

/* Docker's checks of a destination: absolute, not "/". */
static int
check_destination(const char *text, const char *type, const char *dst, char **ret, char **ret_error) {
        _cleanup_free_ char *clean = NULL;

        if (isempty(dst))
                return error_set(
                        ret_error,
                        -EINVAL,
                        "%.300sinvalid mount config for type \"%s\": field Target must not be empty",
                        text,
                        type);
        if (dst[0] != '/')
                return error_set(
                        ret_error,
                        -EINVAL,
                        "%.300sinvalid mount config for type \"%s\": invalid mount path: '%.300s' mount "
                        "path must be absolute",
                        text,
                        type,
                        dst);
        clean = mount_path_clean(dst, strlen(dst));
        if (!clean)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "%.300sinvalid mount config for type \"%s\": invalid mount path: '%.300s' must "
                        "not contain \"..\"",
                        text,
                        type,
                        dst);
        if (streq(clean, "/"))
                return error_set(
                        ret_error, -EINVAL, "%.300sinvalid specification: destination can't be '/'", text);
        *ret = TAKE_PTR(clean);
        return 0;
}

static int volume_name_error(const char *name, char **ret_error) {
        return error_set(
                ret_error,
                -EINVAL,
                "create %.300s: \"%.300s\" includes invalid characters for a local volume name, only "
                "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use "
                "absolute path",
                name,
                name);
}

int mount_spec_parse_bind(const char *text, MountSpec *ret, char **ret_error) {
        _cleanup_free_ char *prefix = NULL, *a = NULL, *destination = NULL;
        const char *source = NULL, *target, *mode = "", *propagation;
        MountSpec m = {.origin = MOUNT_ORIGIN_BINDS};
        char *colon1, *colon2;
        bool readonly, nocopy;
        int r;

        if (strlen(text) > MOUNT_SPEC_TEXT_MAX)
                return error_set(ret_error, -EINVAL, "invalid volume specification: too long");
        if (asprintf(&prefix, "invalid volume specification: '%.300s': ", text) < 0)
                return -ENOMEM;
        a = strdup(text);
        if (!a)
                return -ENOMEM;
        colon1 = strchr(a, ':');
        colon2 = colon1 ? strchr(colon1 + 1, ':') : NULL;
        if (colon2 && strchr(colon2 + 1, ':'))
                return error_set(ret_error, -EINVAL, "invalid volume specification: '%.300s'", text);
        if (colon1)
                *colon1 = 0;
        if (colon2)
                *colon2 = 0;
        if (!colon1)
                target = a;
        else if (!colon2) {
                /* "/foo:ro" would be a mode without a source: Docker refuses it. */
                if (bind_mode_valid(colon1 + 1, &readonly, &nocopy, &propagation))
                        return error_set(ret_error, -EINVAL, "invalid volume specification: '%.300s'", text);
                source = a;
                target = colon1 + 1;
        } else {
                source = a;
                target = colon1 + 1;
                mode = colon2 + 1;
        }
        if (!bind_mode_valid(mode, &readonly, &nocopy, &propagation))
                return error_set(ret_error, -EINVAL, "invalid mode: %.300s", mode);
        if (source && isempty(source))
                return error_set(ret_error, -EINVAL, "invalid volume specification: '%.300s'", text);

        m.type = source && source[0] == '/' ? MOUNT_TYPE_BIND : MOUNT_TYPE_VOLUME;
        r = check_destination(prefix, mount_type_to_string(m.type), target, &destination, ret_error);
        if (r < 0)
                return r;
        if (m.type == MOUNT_TYPE_VOLUME && source && !volume_name_is_valid(source))
                return volume_name_error(source, ret_error);
        if (m.type == MOUNT_TYPE_BIND && nocopy)
                return error_set(ret_error, -EINVAL, "invalid mode: %.300s", mode);
        /* Docker turns the mode into BindOptions, which a volume refuses. */
        if (m.type == MOUNT_TYPE_VOLUME && propagation)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "invalid mount config for type \"volume\": field BindOptions must not be specified");

        m.text = strdup(text);
        m.source = source && m.type == MOUNT_TYPE_BIND ? mount_path_clean(source, strlen(source))
                   : source                            ? strdup(source)
                                                       : NULL;
        m.mode = strdup(mode);
        m.propagation = strdup(m.type == MOUNT_TYPE_BIND ? propagation ?: "rprivate" : "");
        m.destination = TAKE_PTR(destination);
        m.readonly = readonly;
        m.nocopy = nocopy;
        if (!m.text || (source && !m.source) || !m.mode || !m.propagation) {
                bool bad_path = source && m.type == MOUNT_TYPE_BIND && !m.source;

                mount_spec_done(&m);
                if (bad_path)
                        return error_set(ret_error, -EINVAL, "invalid volume specification: '%.300s'", text);
                return -ENOMEM;
        }
        *ret = m;
        return 0;
}

static int replace_string(char **dst, const char *v) {
        char *t = strdup(v);

        if (!t)
                return -ENOMEM;
        free(*dst);
        *dst = t;
        return 0;
}

static int parse_bool(const char *v, bool *ret) {
        if (!v || streq(v, "true") || streq(v, "1")) {
                *ret = true;
                return 0;
        }
        if (streq(v, "false") || streq(v, "0")) {
                *ret = false;
                return 0;
        }
        return -EINVAL;
}

/* The next field of a CSV line, as Go's encoding/csv reads docker's --mount: a field in double quotes may
 * hold commas, "" is a quote inside it; a quote inside an unquoted field is an error. */
static int csv_field(const char **p, char **ret) {
        const char *s = *p;
        _cleanup_free_ char *out = malloc(strlen(s) + 1);
        size_t k = 0;

        if (!out)
                return -ENOMEM;
        if (*s == '"') {
                for (s++;; s++) {
                        if (*s == 0)
                                return -EINVAL;
                        if (*s == '"') {
                                if (s[1] != '"')
                                        break;
                                s++;
                        }
                        out[k++] = *s;
                }
                s++;
                if (*s != ',' && *s != 0)
                        return -EINVAL;
        } else
                for (; *s && *s != ','; s++) {
                        if (*s == '"')
                                return -EINVAL;
                        out[k++] = *s;
                }
        if (*s == ',')
                s++;
        out[k] = 0;
        *p = s;
        *ret = TAKE_PTR(out);
        return 0;
}

/* "KEY=VALUE" (or "KEY" alone, with an empty value, when !need_value) onto a key, value, … list. */
static int add_pair(char ***pairs, const char *kv, bool need_value) {
        const char *eq = strchr(kv, '=');

        if (!eq && need_value)
                return -EINVAL;
        if (strv_consume(pairs, eq ? strndup(kv, (size_t)(eq - kv)) : strdup(kv)) < 0 ||
            strv_extend(pairs, eq ? eq + 1 : "") < 0)
                return -ENOMEM;
        return 0;
}

static int invalid_value(char **ret_error, const char *flag, const char *field, const char *value) {
        return error_set(ret_error, -EINVAL, "%sinvalid value for %s: %.64s", flag, field, value);
}

int mount_spec_parse_mount(const char *text, MountSpec *ret, char **ret_error) {
        _cleanup_free_ char *flag = NULL, *type = NULL, *source = NULL, *target = NULL, *propagation = NULL,
                            *destination = NULL, *prefix = NULL;
        _cleanup_strv_free_ char **volume_labels = NULL, **volume_options = NULL;
        bool readonly = false, nocopy = false, has_volume_opts = false, has_tmpfs_opts = false,
             has_bind_opts = false;
        uint64_t tmpfs_size = 0;
        uint32_t tmpfs_mode = 0;
        MountSpec m = {.origin = MOUNT_ORIGIN_MOUNT};
        int r = 0;

        if (strlen(text) > MOUNT_SPEC_TEXT_MAX)
                return error_set(ret_error, -EINVAL, "invalid argument for \"--mount\" flag: too long");
        if (asprintf(&flag, "invalid argument \"%.300s\" for \"--mount\" flag: ", text) < 0)
                return -ENOMEM;

        for (const char *p = text; *p;) {
                _cleanup_free_ char *field = NULL, *raw = NULL;
                const char *value;
                char *eq;

                r = csv_field(&p, &field);
                if (r == -EINVAL)
                        return error_set(ret_error, -EINVAL, "%sbare \" in non-quoted-field", flag);
                if (r < 0)
                        return r;
                raw = strdup(field);
                if (!raw)
                        return -ENOMEM;
                eq = strchr(field, '=');
                if (eq)
                        *eq = 0;
                value = eq ? eq + 1 : NULL;

                if (streq(field, "readonly") || streq(field, "ro") || streq(field, "volume-nocopy")) {
                        bool *b = streq(field, "volume-nocopy") ? &nocopy : &readonly;

                        if (parse_bool(value, b) < 0)
                                return invalid_value(ret_error, flag, field, value);
                        has_volume_opts = has_volume_opts || b == &nocopy;
                        continue;
                }
                if (!value)
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "%sinvalid field '%.64s' must be a key=value pair",
                                flag,
                                raw);

                if (streq(field, "type"))
                        r = replace_string(&type, value);
                else if (streq(field, "source") || streq(field, "src"))
                        r = replace_string(&source, value);
                else if (streq(field, "target") || streq(field, "destination") || streq(field, "dst"))
                        r = replace_string(&target, value);
                else if (streq(field, "bind-propagation")) {
                        if (!strv_contains((char **)propagations, value))
                                return invalid_value(ret_error, flag, field, value);
                        r = replace_string(&propagation, value);
                        has_bind_opts = true;
                } else if (streq(field, "consistency"))
                        r = 0;
                else if (streq(field, "tmpfs-size")) {
                        if (parse_size(value, &tmpfs_size) < 0)
                                return invalid_value(ret_error, flag, field, value);
                        has_tmpfs_opts = true;
                } else if (streq(field, "tmpfs-mode")) {
                        char *end;
                        unsigned long v;

                        errno = 0;
                        v = strtoul(value, &end, 8);
                        if (errno != 0 || isempty(value) || *end || v > 07777)
                                return invalid_value(ret_error, flag, field, value);
                        tmpfs_mode = (uint32_t)v;
                        has_tmpfs_opts = true;
                } else if (streq(field, "volume-label") || streq(field, "volume-opt")) {
                        bool opt = streq(field, "volume-opt");

                        if (strv_length(opt ? volume_options : volume_labels) / 2 >= VOLUME_LABELS_MAX)
                                return error_set(ret_error, -EINVAL, "%stoo many %ss", flag, field);
                        r = add_pair(opt ? &volume_options : &volume_labels, value, opt);
                        if (r == -EINVAL)
                                return invalid_value(ret_error, flag, field, value);
                        has_volume_opts = true;
                } else if (streq(field, "volume-driver")) {
                        if (!streq(value, "local"))
                                return error_set(
                                        ret_error,
                                        -EINVAL,
                                        "%svolume driver %.64s is not supported: berth has the \"local\" "
                                        "driver only",
                                        flag,
                                        value);
                        has_volume_opts = true;
                } else
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "%sunexpected key '%.64s' in '%.300s'",
                                flag,
                                field,
                                raw);
                if (r < 0)
                        return r;
        }

        if (!type)
                return error_set(ret_error, -EINVAL, "%stype is required", flag);
        m.type = mount_type_from_string(type);
        if (m.type < 0)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "invalid mount config for type \"%.64s\": mount type unknown",
                        type);
        if (asprintf(&prefix, "invalid mount config for type \"%s\": ", type) < 0)
                return -ENOMEM;
        if (isempty(target))
                return error_set(ret_error, -EINVAL, "%sfield Target must not be empty", prefix);
        r = check_destination("", type, target, &destination, ret_error);
        if (r < 0)
                return r;

        switch (m.type) {
        case MOUNT_TYPE_BIND:
                if (isempty(source))
                        return error_set(ret_error, -EINVAL, "%sfield Source must not be empty", prefix);
                if (source[0] != '/')
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "%sinvalid mount path: '%.300s' mount path must be absolute",
                                prefix,
                                source);
                if (has_volume_opts)
                        return error_set(
                                ret_error, -EINVAL, "%sfield VolumeOptions must not be specified", prefix);
                if (has_tmpfs_opts)
                        return error_set(
                                ret_error, -EINVAL, "%sfield TmpfsOptions must not be specified", prefix);
                break;
        case MOUNT_TYPE_VOLUME:
                if (!isempty(source) && !volume_name_is_valid(source))
                        return volume_name_error(source, ret_error);
                if (has_bind_opts)
                        return error_set(
                                ret_error, -EINVAL, "%sfield BindOptions must not be specified", prefix);
                if (has_tmpfs_opts)
                        return error_set(
                                ret_error, -EINVAL, "%sfield TmpfsOptions must not be specified", prefix);
                break;
        case MOUNT_TYPE_TMPFS:
                if (!isempty(source))
                        return error_set(ret_error, -EINVAL, "%sfield Source must not be specified", prefix);
                if (has_bind_opts)
                        return error_set(
                                ret_error, -EINVAL, "%sfield BindOptions must not be specified", prefix);
                if (has_volume_opts)
                        return error_set(
                                ret_error, -EINVAL, "%sfield VolumeOptions must not be specified", prefix);
                break;
        default:
                return -EINVAL;
        }

        m.text = strdup(text);
        m.mode = strdup("");
        m.propagation = strdup(m.type == MOUNT_TYPE_BIND ? propagation ?: "rprivate" : "");
        if (m.type == MOUNT_TYPE_BIND)
                m.source = mount_path_clean(source, strlen(source));
        else if (m.type == MOUNT_TYPE_VOLUME && !isempty(source))
                m.source = strdup(source);
        m.destination = TAKE_PTR(destination);
        m.readonly = readonly;
        m.nocopy = nocopy;
        m.tmpfs_size = tmpfs_size;
        m.tmpfs_mode = tmpfs_mode;
        m.volume_labels = TAKE_PTR(volume_labels);
        m.volume_options = TAKE_PTR(volume_options);
        if (!m.text || !m.mode || !m.propagation || (m.type == MOUNT_TYPE_BIND && !m.source) ||
            (m.type == MOUNT_TYPE_VOLUME && !isempty(source) && !m.source)) {
                bool bad_path = m.type == MOUNT_TYPE_BIND && m.text && !m.source;

                mount_spec_done(&m);
                if (bad_path)
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "%sinvalid mount path: '%.300s' must not contain \"..\"",
                                prefix,
                                source);
                return -ENOMEM;
        }
        *ret = m;
        return 0;
}

int mount_specs_parse(
        char *const *binds, char *const *mounts, MountSpec **ret, size_t *ret_n, char **ret_error) {
        size_t nb = strv_length(binds), nm = strv_length(mounts), n = 0;
        MountSpec *m;
        int r = 0;

        if (nb + nm > MOUNT_SPECS_MAX)
                return error_set(ret_error, -EINVAL, "more than %u mounts", MOUNT_SPECS_MAX);
        m = calloc(nb + nm + 1, sizeof(MountSpec));
        if (!m)
                return -ENOMEM;
        for (size_t i = 0; i < nb + nm && r >= 0; i++) {
                r = i < nb ? mount_spec_parse_bind(binds[i], &m[n], ret_error)
                           : mount_spec_parse_mount(mounts[i - nb], &m[n], ret_error);
                if (r < 0)
                        break;
                n++;
                for (size_t j = 0; j + 1 < n; j++)
                        if (streq(m[j].destination, m[n - 1].destination))
                                r = error_set(
                                        ret_error,
                                        -EINVAL,
                                        "Duplicate mount point: %s",
                                        m[n - 1].destination);
        }
        if (r < 0) {
                mount_specs_free(m, n);
                return r;
        }
        *ret = m;
        *ret_n = n;
        return 0;
}

int mount_specs_to_json(const MountSpec *m, size_t n, cJSON **ret) {
        _cleanup_json_ cJSON *a = cJSON_CreateArray();

        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                cJSON *o = cJSON_CreateObject();

                if (!o)
                        return -ENOMEM;
                cJSON_AddItemToArray(a, o);
                if (!cJSON_AddStringToObject(o, "Type", mount_type_to_string(m[i].type)) ||
                    !cJSON_AddStringToObject(o, "Origin", mount_origin_to_string(m[i].origin)) ||
                    (m[i].text && !cJSON_AddStringToObject(o, "Text", m[i].text)) ||
                    (m[i].source && !cJSON_AddStringToObject(o, "Source", m[i].source)) ||
                    !cJSON_AddStringToObject(o, "Destination", m[i].destination) ||
                    !cJSON_AddBoolToObject(o, "ReadOnly", m[i].readonly) ||
                    !cJSON_AddStringToObject(o, "Mode", m[i].mode ?: "") ||
                    !cJSON_AddStringToObject(o, "Propagation", m[i].propagation ?: "") ||
                    !cJSON_AddBoolToObject(o, "NoCopy", m[i].nocopy) ||
                    !cJSON_AddNumberToObject(o, "TmpfsSize", (double)m[i].tmpfs_size) ||
                    !cJSON_AddNumberToObject(o, "TmpfsMode", m[i].tmpfs_mode) ||
                    (m[i].host_path && !cJSON_AddStringToObject(o, "HostPath", m[i].host_path)) ||
                    !cJSON_AddBoolToObject(o, "Anonymous", m[i].anonymous))
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(a);
        return 0;
}

static int dup_optional(const cJSON *o, const char *key, char **ret) {
        const char *s = json_get_string(o, key);

        *ret = NULL;
        if (!s)
                return 0;
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

int mount_specs_from_json(const cJSON *a, MountSpec **ret, size_t *ret_n) {
        MountSpec *m;
        const cJSON *o;
        size_t n = 0;
        int r = 0;

        if (a && !cJSON_IsArray(a))
                return -EINVAL;
        if (cJSON_GetArraySize(a) > (int)MOUNT_SPECS_MAX * 2)
                return -EINVAL;
        m = calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(MountSpec));
        if (!m)
                return -ENOMEM;
        cJSON_ArrayForEach (o, a) {
                MountSpec *s = &m[n++];
                int64_t size = json_get_integer(o, "TmpfsSize", 0),
                        mode = json_get_integer(o, "TmpfsMode", 0);

                s->type = mount_type_from_string(json_get_string(o, "Type"));
                s->origin = mount_origin_from_string(json_get_string(o, "Origin"));
                if (s->type < 0 || s->origin < 0 || !json_get_string(o, "Destination")) {
                        r = -EINVAL;
                        break;
                }
                if ((r = dup_optional(o, "Text", &s->text)) < 0 ||
                    (r = dup_optional(o, "Source", &s->source)) < 0 ||
                    (r = dup_optional(o, "Destination", &s->destination)) < 0 ||
                    (r = dup_optional(o, "Mode", &s->mode)) < 0 ||
                    (r = dup_optional(o, "Propagation", &s->propagation)) < 0 ||
                    (r = dup_optional(o, "HostPath", &s->host_path)) < 0)
                        break;
                s->readonly = json_get_bool(o, "ReadOnly", false);
                s->nocopy = json_get_bool(o, "NoCopy", false);
                s->anonymous = json_get_bool(o, "Anonymous", false);
                s->tmpfs_size = size > 0 ? (uint64_t)size : 0;
                s->tmpfs_mode = mode > 0 && mode <= 07777 ? (uint32_t)mode : 0;
        }
        if (r < 0) {
                mount_specs_free(m, n);
                return r;
        }
        *ret = m;
        *ret_n = n;
        return 0;
}
