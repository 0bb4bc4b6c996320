/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <sys/random.h>

#include "container-name.h"
#include "macro.h"

/* A selection of Docker's own word lists (moby/pkg/namesgenerator), so names look familiar. */
static const char *const adjectives[] = {
        "admiring",    "adoring",   "affectionate", "agitated",      "amazing",   "angry",
        "awesome",     "beautiful", "blissful",     "bold",          "boring",    "brave",
        "busy",        "charming",  "clever",       "compassionate", "competent", "condescending",
        "confident",   "cool",      "cranky",       "crazy",         "dazzling",  "determined",
        "distracted",  "dreamy",    "eager",        "ecstatic",      "elastic",   "elated",
        "elegant",     "eloquent",  "epic",         "exciting",      "fervent",   "festive",
        "flamboyant",  "focused",   "friendly",     "frosty",        "funny",     "gallant",
        "gifted",      "goofy",     "gracious",     "great",         "happy",     "hardcore",
        "heuristic",   "hopeful",   "hungry",       "infallible",    "inspiring", "intelligent",
        "interesting", "jolly",     "jovial",       "keen",          "kind",      "laughing",
        "loving",      "lucid",     "magical",      "modest",        "musing",    "mystifying",
        "naughty",     "nervous",   "nice",         "nifty",         "nostalgic", "objective",
        "optimistic",  "peaceful",  "pedantic",     "pensive",       "practical", "priceless",
        "quirky",      "quizzical", "recursing",    "relaxed",       "reverent",  "romantic",
        "sad",         "serene",    "sharp",        "silly",         "sleepy",    "stoic",
        "strange",     "stupefied", "suspicious",   "sweet",         "tender",    "thirsty",
        "trusting",    "unruffled", "upbeat",       "vibrant",       "vigilant",  "vigorous",
        "wizardly",    "wonderful", "xenodochial",  "youthful",      "zealous",   "zen",
};

static const char *const surnames[] = {
        "agnesi",   "albattani",  "allen",      "almeida",  "archimedes",    "ardinghelli",  "aryabhata",
        "austin",   "babbage",    "banach",     "bardeen",  "bartik",        "bassi",        "bell",
        "bhabha",   "blackwell",  "bohr",       "booth",    "borg",          "bose",         "brahmagupta",
        "brattain", "brown",      "carson",     "cerf",     "chandrasekhar", "clarke",       "colden",
        "cori",     "curie",      "darwin",     "davinci",  "dijkstra",      "dubinsky",     "easley",
        "einstein", "elion",      "engelbart",  "euclid",   "euler",         "fermat",       "fermi",
        "feynman",  "franklin",   "galileo",    "gates",    "goldberg",      "goodall",      "hamilton",
        "hawking",  "heisenberg", "hermann",    "hodgkin",  "hoover",        "hopper",       "hypatia",
        "jackson",  "jang",       "jennings",   "johnson",  "kalam",         "keller",       "kepler",
        "khorana",  "kilby",      "knuth",      "lalande",  "lamarr",        "leakey",       "leavitt",
        "lovelace", "lumiere",    "mayer",      "mccarthy", "mcclintock",    "meitner",      "mendel",
        "merkle",   "mirzakhani", "montalcini", "morse",    "napier",        "nash",         "newton",
        "nobel",    "noether",    "pare",       "pascal",   "pasteur",       "payne",        "perlman",
        "pike",     "poincare",   "ptolemy",    "raman",    "ramanujan",     "ride",         "ritchie",
        "roentgen", "rosalind",   "sammet",     "shannon",  "shockley",      "sinoussi",     "stonebraker",
        "swartz",   "tesla",      "thompson",   "torvalds", "turing",        "varahamihira", "villani",
        "wescoff",  "wilbur",     "wiles",      "williams", "wing",          "wozniak",      "wright",
        "yalow",    "yonath",
};

static bool char_is_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool container_name_is_valid(const char *name) {
        size_t n;

        if (!name)
                return false;
        n = strlen(name);
        if (n < 2 || n > CONTAINER_NAME_MAX)
                return false;
        if (!char_is_alnum(name[0]))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!char_is_alnum(name[i]) && !strchr("_.-", name[i]))
                        return false;
        return true;
}

int container_name_generate(uint64_t seed, unsigned attempt, char **ret) {
        const char *adjective = adjectives[(seed & 0xffffffffu) % ELEMENTSOF(adjectives)];
        const char *surname = surnames[(seed >> 32) % ELEMENTSOF(surnames)];
        char *s;
        int r;

        /* Docker's one exception: Steve Wozniak is not boring. */
        if (streq(adjective, "boring") && streq(surname, "wozniak"))
                adjective = "admiring";

        if (attempt > 0)
                r = asprintf(&s, "%s_%s%u", adjective, surname, attempt);
        else
                r = asprintf(&s, "%s_%s", adjective, surname);
        if (r < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static bool string_is_all_digits(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return true;
}

int container_id_generate(char **ret) {
        static const char hex[] = "0123456789abcdef";
        uint8_t bytes[CONTAINER_ID_LEN / 2];
        char *id;

        id = malloc(CONTAINER_ID_LEN + 1);
        if (!id)
                return -ENOMEM;

        for (;;) {
                ssize_t n = getrandom(bytes, sizeof(bytes), 0);
                if (n < 0) {
                        free(id);
                        return negative_errno();
                }
                if ((size_t)n != sizeof(bytes)) {
                        free(id);
                        return -EIO;
                }
                for (size_t i = 0; i < sizeof(bytes); i++) {
                        id[2 * i] = hex[bytes[i] >> 4];
                        id[2 * i + 1] = hex[bytes[i] & 0xf];
                }
                id[CONTAINER_ID_LEN] = 0;
                if (!string_is_all_digits(id, CONTAINER_SHORT_ID_LEN))
                        break;
        }

        *ret = id;
        return 0;
}

bool container_id_is_valid(const char *id) {
        if (!id || strlen(id) != CONTAINER_ID_LEN)
                return false;
        for (const char *p = id; *p; p++)
                if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
                        return false;
        return true;
}
