/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "error-set.h"
#include "json-util.h"
#include "seccomp-profile.h"
#include "strv.h"

static const char *const action_table[_SECCOMP_ACTION_MAX] = {
        [SECCOMP_ACTION_KILL] = "SCMP_ACT_KILL",
        [SECCOMP_ACTION_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
        [SECCOMP_ACTION_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
        [SECCOMP_ACTION_TRAP] = "SCMP_ACT_TRAP",
        [SECCOMP_ACTION_ERRNO] = "SCMP_ACT_ERRNO",
        [SECCOMP_ACTION_TRACE] = "SCMP_ACT_TRACE",
        [SECCOMP_ACTION_ALLOW] = "SCMP_ACT_ALLOW",
        [SECCOMP_ACTION_LOG] = "SCMP_ACT_LOG",
};

static const char *const operator_table[_SECCOMP_OP_MAX] = {
        [SECCOMP_OP_NE] = "SCMP_CMP_NE",
        [SECCOMP_OP_LT] = "SCMP_CMP_LT",
        [SECCOMP_OP_LE] = "SCMP_CMP_LE",
        [SECCOMP_OP_EQ] = "SCMP_CMP_EQ",
        [SECCOMP_OP_GE] = "SCMP_CMP_GE",
        [SECCOMP_OP_GT] = "SCMP_CMP_GT",
        [SECCOMP_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const struct {
        const char *name;
        SeccompFlag flag;
} flag_table[] = {
        {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FLAG_TSYNC},
        {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FLAG_LOG},
        {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FLAG_SPEC_ALLOW},
};

static const struct {
        const char *name, *libseccomp_name;
} arch_table[] = {
        {"SCMP_ARCH_X86", "x86"},
        {"SCMP_ARCH_X86_64", "x86_64"},
        {"SCMP_ARCH_X32", "x32"},
        {"SCMP_ARCH_ARM", "arm"},
        {"SCMP_ARCH_AARCH64", "aarch64"},
        {"SCMP_ARCH_MIPS", "mips"},
        {"SCMP_ARCH_MIPS64", "mips64"},
        {"SCMP_ARCH_MIPS64N32", "mips64n32"},
        {"SCMP_ARCH_MIPSEL", "mipsel"},
        {"SCMP_ARCH_MIPSEL64", "mipsel64"},
        {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32"},
        {"SCMP_ARCH_PPC", "ppc"},
        {"SCMP_ARCH_PPC64", "ppc64"},
        {"SCMP_ARCH_PPC64LE", "ppc64le"},
        {"SCMP_ARCH_S390", "s390"},
        {"SCMP_ARCH_S390X", "s390x"},
        {"SCMP_ARCH_PARISC", "parisc"},
        {"SCMP_ARCH_PARISC64", "parisc64"},
        {"SCMP_ARCH_RISCV64", "riscv64"},
};

const char *seccomp_action_to_string(SeccompAction a) {
        return a >= 0 && a < _SECCOMP_ACTION_MAX ? action_table[a] : NULL;
}

const char *seccomp_operator_to_string(SeccompOperator op) {
        return op >= 0 && op < _SECCOMP_OP_MAX ? operator_table[op] : NULL;
}

const char *seccomp_arch_to_libseccomp_name(const char *arch) {
        for (size_t i = 0; i < ELEMENTSOF(arch_table); i++)
                if (streq(arch_table[i].name, arch))
                        return arch_table[i].libseccomp_name;
        return NULL;
}

static void condition_done(SeccompCondition *c) {
        strv_free(c->arches);
        strv_free(c->caps);
}

SeccompProfile *seccomp_profile_free(SeccompProfile *p) {
        if (!p)
                return NULL;
        strv_free(p->architectures);
        for (size_t i = 0; i < p->n_arch_map; i++) {
                free(p->arch_map[i].arch);
                strv_free(p->arch_map[i].sub_arches);
        }
        free(p->arch_map);
        for (size_t i = 0; i < p->n_rules; i++) {
                strv_free(p->rules[i].names);
                free(p->rules[i].args);
                condition_done(&p->rules[i].includes);
                condition_done(&p->rules[i].excludes);
        }
        free(p->rules);
        free(p);
        return NULL;
}

/* Every key of o must be one of keys (NULL-terminated). */
static int check_keys(const cJSON *o, const char *where, const char *const *keys, char **error) {
        const cJSON *e;

        cJSON_ArrayForEach (e, o) {
                bool known = false;
                for (size_t i = 0; keys[i] && !known; i++)
                        known = streq(e->string, keys[i]);
                if (!known)
                        return error_set(error, -EINVAL, "%s%.64s: unknown key", where, e->string);
        }
        return 0;
}

static bool is_null(const cJSON *v) {
        return !v || cJSON_IsNull(v);
}

/* A JSON number that is an integer in 0…max. */
static int get_uint(const cJSON *v, uint64_t max, uint64_t *ret) {
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > (double)max ||
            v->valuedouble != (double)(uint64_t)v->valuedouble)
                return -EINVAL;
        *ret = (uint64_t)v->valuedouble;
        return 0;
}

static int parse_enum(const cJSON *v, const char *const *table, size_t n, int *ret) {
        const char *s = cJSON_GetStringValue(v);

        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (table[i] && streq(table[i], s)) {
                        *ret = (int)i;
                        return 0;
                }
        return -ENOENT;
}

/* key is the field's full name, for messages: "defaultAction", "syscalls[2].action". */
static int parse_action(const cJSON *v, const char *key, SeccompAction *ret, char **error) {
        int a, r;

        if (is_null(v))
                return error_set(error, -EINVAL, "%s: missing", key);
        r = parse_enum(v, action_table, ELEMENTSOF(action_table), &a);
        if (r == -EINVAL)
                return error_set(error, -EINVAL, "%s: must be a string", key);
        if (r < 0 && streq(v->valuestring, "SCMP_ACT_NOTIFY"))
                return error_set(error, -EINVAL, "%s: SCMP_ACT_NOTIFY is not supported", key);
        if (r < 0)
                return error_set(error, -EINVAL, "%s: unknown action \"%.64s\"", key, v->valuestring);
        *ret = (SeccompAction)a;
        return 0;
}

static bool syscall_name_valid(const char *s) {
        size_t n = strlen(s);
        return n > 0 && n <= SECCOMP_SYSCALL_NAME_MAX &&
               strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static bool arch_valid(const char *s) {
        return seccomp_arch_to_libseccomp_name(s) != NULL;
}

/* Go's GOARCH values and capability names in includes/excludes: plain words. */
static bool word_valid(const char *s) {
        size_t n = strlen(s);
        return n > 0 && n <= 64 &&
               strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
}

/* An array of strings (null: none), each accepted by valid. */
static int get_strv(
        const cJSON *o,
        const char *key,
        const char *where,
        size_t max,
        bool (*valid)(const char *),
        char ***ret,
        char **error) {
        _cleanup_strv_free_ char **l = NULL;
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *e;
        size_t n = 0;

        *ret = NULL;
        if (is_null(a))
                return 0;
        if (!cJSON_IsArray(a))
                return error_set(error, -EINVAL, "%s%s: must be an array of strings", where, key);
        cJSON_ArrayForEach (e, a) {
                if (!cJSON_IsString(e))
                        return error_set(error, -EINVAL, "%s%s[%zu]: must be a string", where, key, n);
                if (++n > max)
                        return error_set(error, -EINVAL, "%s%s: more than %zu entries", where, key, max);
                if (!valid(e->valuestring))
                        return error_set(
                                error,
                                -EINVAL,
                                "%s%s[%zu]: invalid value \"%.64s\"",
                                where,
                                key,
                                n - 1,
                                e->valuestring);
                if (strv_extend(&l, e->valuestring) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int
get_errno(const cJSON *o, const char *key, const char *where, bool *ret_has, uint32_t *ret, char **error) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
        uint64_t e;

        *ret_has = false;
        if (is_null(v))
                return 0;
        if (get_uint(v, SECCOMP_ERRNO_MAX, &e) < 0)
                return error_set(
                        error, -EINVAL, "%s%s: must be an integer 0…%u", where, key, SECCOMP_ERRNO_MAX);
        *ret_has = true;
        *ret = (uint32_t)e;
        return 0;
}

/* "4.8": Docker's kernel version, major.minor. */
static int parse_min_kernel(const cJSON *v, SeccompCondition *c) {
        const char *s = cJSON_GetStringValue(v);
        unsigned major, minor;
        int n = 0;

        if (!s || sscanf(s, "%4u.%4u%n", &major, &minor, &n) != 2 || s[n] != 0 || s[0] < '0' || s[0] > '9')
                return -EINVAL;
        c->has_min_kernel = true;
        c->min_kernel_major = major;
        c->min_kernel_minor = minor;
        return 0;
}

static int
parse_condition(const cJSON *rule, const char *key, const char *where, SeccompCondition *ret, char **error) {
        static const char *const keys[] = {"arches", "caps", "minKernel", NULL};
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(rule, key), *v;
        char sub[96];
        int r;

        if (is_null(o))
                return 0;
        if (!cJSON_IsObject(o))
                return error_set(error, -EINVAL, "%s%s: must be an object", where, key);
        (void)snprintf(sub, sizeof(sub), "%s%s.", where, key);
        r = check_keys(o, sub, keys, error);
        if (r < 0)
                return r;
        r = get_strv(o, "arches", sub, SECCOMP_PROFILE_MAX_ARCHES, word_valid, &ret->arches, error);
        if (r < 0)
                return r;
        r = get_strv(o, "caps", sub, 64, word_valid, &ret->caps, error);
        if (r < 0)
                return r;
        v = cJSON_GetObjectItemCaseSensitive(o, "minKernel");
        if (!is_null(v) && parse_min_kernel(v, ret) < 0)
                return error_set(error, -EINVAL, "%sminKernel: must be a version such as \"4.8\"", sub);
        return 0;
}

static int parse_args(const cJSON *rule, const char *where, SeccompRule *ret, char **error) {
        static const char *const keys[] = {"index", "value", "valueTwo", "op", NULL};
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(rule, "args"), *e;
        size_t n;
        int r;

        if (is_null(a))
                return 0;
        if (!cJSON_IsArray(a))
                return error_set(error, -EINVAL, "%sargs: must be an array", where);
        n = (size_t)cJSON_GetArraySize(a);
        if (n > SECCOMP_PROFILE_MAX_ARGS)
                return error_set(
                        error, -EINVAL, "%sargs: more than %u entries", where, SECCOMP_PROFILE_MAX_ARGS);
        if (n == 0)
                return 0;
        ret->args = calloc(n, sizeof(SeccompArg));
        if (!ret->args)
                return -ENOMEM;

        cJSON_ArrayForEach (e, a) {
                SeccompArg *arg = &ret->args[ret->n_args];
                const cJSON *v;
                char sub[96];
                uint64_t u;
                int op;

                (void)snprintf(sub, sizeof(sub), "%sargs[%zu].", where, ret->n_args);
                ret->n_args++;
                if (!cJSON_IsObject(e))
                        return error_set(
                                error, -EINVAL, "%.*s: must be an object", (int)strlen(sub) - 1, sub);
                r = check_keys(e, sub, keys, error);
                if (r < 0)
                        return r;
                if (get_uint(
                            cJSON_GetObjectItemCaseSensitive(e, "index"), SECCOMP_PROFILE_MAX_ARGS - 1, &u) <
                    0)
                        return error_set(
                                error,
                                -EINVAL,
                                "%sindex: must be an integer 0…%u",
                                sub,
                                SECCOMP_PROFILE_MAX_ARGS - 1);
                arg->index = (unsigned)u;
                if (get_uint(
                            cJSON_GetObjectItemCaseSensitive(e, "value"),
                            SECCOMP_ARG_VALUE_MAX,
                            &arg->value) < 0)
                        return error_set(error, -EINVAL, "%svalue: must be an integer 0…2^53", sub);
                v = cJSON_GetObjectItemCaseSensitive(e, "valueTwo");
                if (!is_null(v) && get_uint(v, SECCOMP_ARG_VALUE_MAX, &arg->value_two) < 0)
                        return error_set(error, -EINVAL, "%svalueTwo: must be an integer 0…2^53", sub);
                v = cJSON_GetObjectItemCaseSensitive(e, "op");
                r = parse_enum(v, operator_table, ELEMENTSOF(operator_table), &op);
                if (r == -EINVAL)
                        return error_set(error, -EINVAL, "%sop: must be a string", sub);
                if (r < 0)
                        return error_set(
                                error, -EINVAL, "%sop: unknown operator \"%.64s\"", sub, v->valuestring);
                arg->op = (SeccompOperator)op;
        }
        return 0;
}

static int
parse_rule(const cJSON *o, SeccompProfileFormat format, const char *where, SeccompRule *ret, char **error) {
        static const char *const docker_keys[] = {
                "names", "name", "action", "errnoRet", "args", "comment", "includes", "excludes", NULL};
        static const char *const oci_keys[] = {"names", "action", "errnoRet", "args", NULL};
        const cJSON *name, *comment;
        char key[64];
        int r;

        if (!cJSON_IsObject(o))
                return error_set(error, -EINVAL, "%.*s: must be an object", (int)strlen(where) - 1, where);
        r = check_keys(o, where, format == SECCOMP_PROFILE_DOCKER ? docker_keys : oci_keys, error);
        if (r < 0)
                return r;

        r = get_strv(o, "names", where, SECCOMP_PROFILE_MAX_NAMES, syscall_name_valid, &ret->names, error);
        if (r < 0)
                return r;
        name = cJSON_GetObjectItemCaseSensitive(o, "name");
        if (!is_null(name)) {
                if (ret->names)
                        return error_set(
                                error,
                                -EINVAL,
                                "%.*s: use either \"name\" or \"names\"",
                                (int)strlen(where) - 1,
                                where);
                if (!cJSON_IsString(name) || !syscall_name_valid(name->valuestring))
                        return error_set(error, -EINVAL, "%sname: must be a syscall name", where);
                if (strv_extend(&ret->names, name->valuestring) < 0)
                        return -ENOMEM;
        }
        if (!ret->names)
                return error_set(error, -EINVAL, "%snames: missing", where);
        comment = cJSON_GetObjectItemCaseSensitive(o, "comment");
        if (!is_null(comment) && !cJSON_IsString(comment))
                return error_set(error, -EINVAL, "%scomment: must be a string", where);

        (void)snprintf(key, sizeof(key), "%saction", where);
        r = parse_action(cJSON_GetObjectItemCaseSensitive(o, "action"), key, &ret->action, error);
        if (r < 0)
                return r;
        r = get_errno(o, "errnoRet", where, &ret->has_errno_ret, &ret->errno_ret, error);
        if (r < 0)
                return r;
        if (ret->has_errno_ret && ret->action != SECCOMP_ACTION_ERRNO && ret->action != SECCOMP_ACTION_TRACE)
                return error_set(
                        error,
                        -EINVAL,
                        "%serrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one",
                        where);
        r = parse_args(o, where, ret, error);
        if (r < 0)
                return r;
        r = parse_condition(o, "includes", where, &ret->includes, error);
        if (r < 0)
                return r;
        return parse_condition(o, "excludes", where, &ret->excludes, error);
}

static int parse_arch_map(const cJSON *root, SeccompProfile *p, char **error) {
        static const char *const keys[] = {"architecture", "subArchitectures", NULL};
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "archMap"), *e;
        size_t n;
        int r;

        if (is_null(a))
                return 0;
        if (!cJSON_IsArray(a))
                return error_set(error, -EINVAL, "archMap: must be an array");
        n = (size_t)cJSON_GetArraySize(a);
        if (n > SECCOMP_PROFILE_MAX_ARCHES)
                return error_set(
                        error, -EINVAL, "archMap: more than %u entries", SECCOMP_PROFILE_MAX_ARCHES);
        if (n == 0)
                return 0;
        p->arch_map = calloc(n, sizeof(SeccompArchMap));
        if (!p->arch_map)
                return -ENOMEM;
        cJSON_ArrayForEach (e, a) {
                SeccompArchMap *m = &p->arch_map[p->n_arch_map];
                const char *arch;
                char where[48];

                (void)snprintf(where, sizeof(where), "archMap[%zu].", p->n_arch_map);
                p->n_arch_map++;
                if (!cJSON_IsObject(e))
                        return error_set(
                                error, -EINVAL, "archMap[%zu]: must be an object", p->n_arch_map - 1);
                r = check_keys(e, where, keys, error);
                if (r < 0)
                        return r;
                arch = json_get_string(e, "architecture");
                if (!arch || !arch_valid(arch))
                        return error_set(
                                error, -EINVAL, "%sarchitecture: must be a known SCMP_ARCH_* name", where);
                m->arch = strdup(arch);
                if (!m->arch)
                        return -ENOMEM;
                r = get_strv(
                        e,
                        "subArchitectures",
                        where,
                        SECCOMP_PROFILE_MAX_ARCHES,
                        arch_valid,
                        &m->sub_arches,
                        error);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_flags(const cJSON *root, SeccompProfile *p, char **error) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "flags"), *e;
        size_t i = 0;

        if (is_null(a))
                return 0;
        if (!cJSON_IsArray(a))
                return error_set(error, -EINVAL, "flags: must be an array of strings");
        cJSON_ArrayForEach (e, a) {
                const char *s = cJSON_GetStringValue(e);
                bool known = false;

                if (!s)
                        return error_set(error, -EINVAL, "flags[%zu]: must be a string", i);
                for (size_t j = 0; j < ELEMENTSOF(flag_table) && !known; j++)
                        if (streq(s, flag_table[j].name)) {
                                p->flags |= flag_table[j].flag;
                                known = true;
                        }
                if (!known)
                        return error_set(error, -EINVAL, "flags[%zu]: unsupported flag \"%.64s\"", i, s);
                i++;
        }
        return 0;
}

static int parse_rules(const cJSON *root, SeccompProfileFormat format, SeccompProfile *p, char **error) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "syscalls"), *e;
        size_t n;
        int r;

        if (is_null(a))
                return 0;
        if (!cJSON_IsArray(a))
                return error_set(error, -EINVAL, "syscalls: must be an array");
        n = (size_t)cJSON_GetArraySize(a);
        if (n > SECCOMP_PROFILE_MAX_RULES)
                return error_set(
                        error, -EINVAL, "syscalls: more than %u entries", SECCOMP_PROFILE_MAX_RULES);
        if (n == 0)
                return 0;
        p->rules = calloc(n, sizeof(SeccompRule));
        if (!p->rules)
                return -ENOMEM;
        cJSON_ArrayForEach (e, a) {
                char where[48];

                (void)snprintf(where, sizeof(where), "syscalls[%zu].", p->n_rules);
                r = parse_rule(e, format, where, &p->rules[p->n_rules++], error);
                if (r < 0)
                        return r;
        }
        return 0;
}

int seccomp_profile_parse(
        const cJSON *o, SeccompProfileFormat format, SeccompProfile **ret, char **ret_error) {
        static const char *const docker_keys[] = {
                "defaultAction", "defaultErrnoRet", "architectures", "archMap", "flags", "syscalls", NULL};
        static const char *const oci_keys[] = {
                "defaultAction", "defaultErrnoRet", "architectures", "flags", "syscalls", NULL};
        _cleanup_(seccomp_profile_freep) SeccompProfile *p = NULL;
        _cleanup_free_ char *error = NULL;
        int r;

        if (!cJSON_IsObject(o))
                r = error_set(&error, -EINVAL, "not a JSON object");
        else if (!(p = calloc(1, sizeof(SeccompProfile))))
                r = -ENOMEM;
        else {
                r = check_keys(o, "", format == SECCOMP_PROFILE_DOCKER ? docker_keys : oci_keys, &error);
                if (r >= 0)
                        r = parse_action(
                                cJSON_GetObjectItemCaseSensitive(o, "defaultAction"),
                                "defaultAction",
                                &p->default_action,
                                &error);
                if (r >= 0)
                        r = get_errno(
                                o,
                                "defaultErrnoRet",
                                "",
                                &p->has_default_errno_ret,
                                &p->default_errno_ret,
                                &error);
                if (r >= 0 && p->has_default_errno_ret && p->default_action != SECCOMP_ACTION_ERRNO &&
                    p->default_action != SECCOMP_ACTION_TRACE)
                        r = error_set(
                                &error,
                                -EINVAL,
                                "defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one");
                if (r >= 0)
                        r = get_strv(
                                o,
                                "architectures",
                                "",
                                SECCOMP_PROFILE_MAX_ARCHES,
                                arch_valid,
                                &p->architectures,
                                &error);
                if (r >= 0)
                        r = parse_arch_map(o, p, &error);
                if (r >= 0 && p->architectures && p->n_arch_map > 0)
                        r = error_set(&error, -EINVAL, "architectures and archMap: use either, not both");
                if (r >= 0)
                        r = parse_flags(o, p, &error);
                if (r >= 0)
                        r = parse_rules(o, format, p, &error);
        }
        if (r < 0) {
                if (ret_error)
                        *ret_error = TAKE_PTR(error);
                return r;
        }
        *ret = TAKE_PTR(p);
        return 0;
}

int seccomp_profile_parse_text(
        const char *text, size_t size, SeccompProfileFormat format, SeccompProfile **ret, char **ret_error) {
        _cleanup_json_ cJSON *o = NULL;

        if (size > SECCOMP_PROFILE_MAX_SIZE) {
                if (ret_error && asprintf(ret_error, "larger than %u bytes", SECCOMP_PROFILE_MAX_SIZE) < 0)
                        *ret_error = NULL;
                return -EINVAL;
        }
        o = cJSON_ParseWithLength(text, size);
        if (!o) {
                if (ret_error)
                        *ret_error = strdup("not valid JSON");
                return -EINVAL;
        }
        return seccomp_profile_parse(o, format, ret, ret_error);
}

static int add_strv(cJSON *o, const char *key, char *const *l) {
        cJSON *a = json_from_strv(l);
        if (!a)
                return -ENOMEM;
        cJSON_AddItemToObject(o, key, a);
        return 0;
}

static int rule_to_json(const SeccompRule *rule, cJSON *syscalls) {
        cJSON *o, *args;

        o = cJSON_CreateObject();
        if (!o)
                return -ENOMEM;
        cJSON_AddItemToArray(syscalls, o);
        if (add_strv(o, "names", rule->names) < 0 ||
            !cJSON_AddStringToObject(o, "action", seccomp_action_to_string(rule->action)))
                return -ENOMEM;
        if (rule->has_errno_ret && !cJSON_AddNumberToObject(o, "errnoRet", rule->errno_ret))
                return -ENOMEM;
        if (rule->n_args == 0)
                return 0;
        args = cJSON_AddArrayToObject(o, "args");
        if (!args)
                return -ENOMEM;
        for (size_t i = 0; i < rule->n_args; i++) {
                const SeccompArg *a = &rule->args[i];
                cJSON *arg = cJSON_CreateObject();

                if (!arg)
                        return -ENOMEM;
                cJSON_AddItemToArray(args, arg);
                if (!cJSON_AddNumberToObject(arg, "index", a->index) ||
                    !cJSON_AddNumberToObject(arg, "value", (double)a->value) ||
                    !cJSON_AddNumberToObject(arg, "valueTwo", (double)a->value_two) ||
                    !cJSON_AddStringToObject(arg, "op", seccomp_operator_to_string(a->op)))
                        return -ENOMEM;
        }
        return 0;
}

int seccomp_profile_to_oci_json(const SeccompProfile *p, cJSON **ret) {
        _cleanup_json_ cJSON *o = NULL;
        cJSON *syscalls;
        int r;

        o = cJSON_CreateObject();
        if (!o || !cJSON_AddStringToObject(o, "defaultAction", seccomp_action_to_string(p->default_action)))
                return -ENOMEM;
        if (p->has_default_errno_ret && !cJSON_AddNumberToObject(o, "defaultErrnoRet", p->default_errno_ret))
                return -ENOMEM;
        if (p->architectures && add_strv(o, "architectures", p->architectures) < 0)
                return -ENOMEM;
        if (p->flags != 0) {
                cJSON *flags = cJSON_AddArrayToObject(o, "flags");
                if (!flags)
                        return -ENOMEM;
                for (size_t i = 0; i < ELEMENTSOF(flag_table); i++)
                        if ((p->flags & flag_table[i].flag) &&
                            !cJSON_AddItemToArray(flags, cJSON_CreateString(flag_table[i].name)))
                                return -ENOMEM;
        }
        syscalls = cJSON_AddArrayToObject(o, "syscalls");
        if (!syscalls)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_rules; i++) {
                r = rule_to_json(&p->rules[i], syscalls);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(o);
        return 0;
}
