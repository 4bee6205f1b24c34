/* cli.c — what the commands of the nelmsim command line share (see cli.h). */
#define _POSIX_C_SOURCE 200809L /* sigaction */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cli.h"
#include "run.h"

int
nelm_cli_exit_for(int code)
{
    if (code == NELM_ERR_IO)
        return EXIT_IO;
    if (code == NELM_ERR_USAGE)
        return EXIT_USAGE;
    return EXIT_INVALID;
}

bool
nelm_cli_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = (uint64_t)v;
    return true;
}

uint64_t
nelm_cli_choose_seed(void)
{
    uint64_t s = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        if (fread(&s, sizeof s, 1, f) != 1)
            s = 0;
        fclose(f);
    }
    if (s == 0)
        s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    return s >> 1; /* printable and re-enterable as a decimal */
}

volatile sig_atomic_t nelm_cli_stop = 0;

static void
cli_on_signal(int sig)
{
    nelm_cli_stop = sig;
}

void
nelm_cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cli_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int
nelm_cli_exit_for_run(const nelm_err *e)
{
    if (e->code == NELM_ERR_INTERRUPTED)
        return nelm_cli_stop == SIGTERM ? 143 : 130;
    return nelm_cli_exit_for(e->code);
}

/* the option's value: "--name=value" or the next argument */
const char *
nelm_cli_opt_value(const char *a, const char *name, int argc, char **argv, int *i)
{
    size_t n = strlen(name);
    if (strncmp(a, name, n) == 0 && a[n] == '=')
        return a + n + 1;
    return *i + 1 < argc ? argv[++*i] : NULL;
}

bool
nelm_cli_is_opt(const char *a, const char *name)
{
    size_t n = strlen(name);
    return strncmp(a, name, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

char *
nelm_cli_join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 3;
    char *s = nelm_malloc(len);
    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        bool q = strpbrk(argv[i], " \t'\"") != NULL;
        if (q)
            strcat(s, "'");
        strcat(s, argv[i]);
        if (q)
            strcat(s, "'");
    }
    return s;
}

/* "I/N" with 1 <= I <= N <= 1000000 */
bool
nelm_cli_parse_shard(const char *v, uint64_t *shard, uint64_t *nshards)
{
    const char *slash = v ? strchr(v, '/') : NULL;
    char left[32];
    if (slash == NULL || (size_t)(slash - v) >= sizeof left)
        return false;
    memcpy(left, v, (size_t)(slash - v));
    left[slash - v] = '\0';
    return nelm_cli_parse_u64(left, 1000000, shard) &&
           nelm_cli_parse_u64(slash + 1, 1000000, nshards) && *shard >= 1 && *shard <= *nshards;
}

int
nelm_cli_common_opt(const char *cmd, nelm_cli_common *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    const char *v = NULL;
    if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
        c->quiet = true;
    } else if (strcmp(a, "--force") == 0) {
        c->force = true;
    } else if (strcmp(a, "-n") == 0 || nelm_cli_is_opt(a, "--patients")) {
        v = nelm_cli_opt_value(a, "--patients", argc, argv, i);
        if (!nelm_cli_parse_u64(v, NELM_CLI_MAX_PATIENTS, &c->npatients) || c->npatients == 0) {
            fprintf(stderr, "nelmsim %s: -n needs a number of patients from 1 to %u (got '%s')\n",
                    cmd, NELM_CLI_MAX_PATIENTS, v ? v : "");
            return -1;
        }
    } else if (nelm_cli_is_opt(a, "--seed")) {
        v = nelm_cli_opt_value(a, "--seed", argc, argv, i);
        if (!nelm_cli_parse_u64(v, UINT64_MAX, &c->seed)) {
            fprintf(stderr, "nelmsim %s: --seed needs a number from 0 to 2^64-1 (got '%s')\n", cmd,
                    v ? v : "");
            return -1;
        }
        c->have_seed = true;
    } else if (nelm_cli_is_opt(a, "--threads")) {
        v = nelm_cli_opt_value(a, "--threads", argc, argv, i);
        if (!nelm_cli_parse_u64(v, 1024, &c->threads) || c->threads == 0) {
            fprintf(stderr, "nelmsim %s: --threads needs a number from 1 to 1024 (got '%s')\n", cmd,
                    v ? v : "");
            return -1;
        }
    } else if (nelm_cli_is_opt(a, "--tau")) {
        v = nelm_cli_opt_value(a, "--tau", argc, argv, i);
        char *end = NULL;
        c->tau = v ? strtod(v, &end) : 0;
        if (v == NULL || *end != '\0' || !(c->tau > 0 && c->tau <= 12000)) {
            fprintf(stderr,
                    "nelmsim %s: --tau needs months, above 0 and at most 12000 (got '%s')\n", cmd,
                    v ? v : "");
            return -1;
        }
    } else if (nelm_cli_is_opt(a, "--trajectories")) {
        v = nelm_cli_opt_value(a, "--trajectories", argc, argv, i);
        if (v && strcmp(v, "full") == 0)
            c->traj = NELM_TRAJ_FULL;
        else if (v && strcmp(v, "outcomes") == 0)
            c->traj = NELM_TRAJ_OUTCOMES;
        else if (v && strcmp(v, "none") == 0)
            c->traj = NELM_TRAJ_NONE;
        else {
            fprintf(stderr, "nelmsim %s: --trajectories needs full, outcomes or none (got '%s')\n",
                    cmd, v ? v : "");
            return -1;
        }
    } else if (nelm_cli_is_opt(a, "--shard")) {
        v = nelm_cli_opt_value(a, "--shard", argc, argv, i);
        if (!nelm_cli_parse_shard(v, &c->shard, &c->nshards)) {
            fprintf(stderr, "nelmsim %s: --shard needs I/N with 1 <= I <= N (got '%s')\n", cmd,
                    v ? v : "");
            return -1;
        }
    } else if (strcmp(a, "-o") == 0 || nelm_cli_is_opt(a, "--output")) {
        v = nelm_cli_opt_value(a, "--output", argc, argv, i);
        if (v == NULL || v[0] == '\0') {
            fprintf(stderr, "nelmsim %s: -o needs a file name\n", cmd);
            return -1;
        }
        c->output = v;
    } else if (nelm_cli_is_opt(a, "--reference")) {
        c->reference = nelm_cli_opt_value(a, "--reference", argc, argv, i);
        if (c->reference == NULL) {
            fprintf(stderr, "nelmsim %s: --reference needs a strategy name\n", cmd);
            return -1;
        }
    } else if (nelm_cli_is_opt(a, "--strategy")) {
        v = nelm_cli_opt_value(a, "--strategy", argc, argv, i);
        if (v == NULL || c->nnames == NELM_MAX_STRATEGIES) {
            fprintf(stderr, "nelmsim %s: --strategy needs a name (at most %d)\n", cmd,
                    NELM_MAX_STRATEGIES);
            return -1;
        }
        c->names[c->nnames++] = v;
    } else {
        return 0;
    }
    return 1;
}

int
nelm_cli_out_open(nelm_cli_out *o, const char *path)
{
    struct stat st;
    o->f = NULL;
    o->path = path;
    o->tmp = NULL;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode)) {
        size_t n = strlen(path) + 32;
        if ((o->tmp = nelm_malloc(n)) == NULL)
            return -1;
        snprintf(o->tmp, n, "%s.part-%ld", path, (long)getpid());
    }
    o->f = fopen(o->tmp ? o->tmp : path, "w");
    if (o->f == NULL) {
        int err = errno;
        free(o->tmp);
        o->tmp = NULL;
        errno = err;
        return -1;
    }
    return 0;
}

int
nelm_cli_out_close(nelm_cli_out *o, bool ok)
{
    int ret = 0, err = 0;
    if (o->f != NULL && (fflush(o->f) != 0 || ferror(o->f))) {
        err = errno;
        ret = -1;
    }
    if (o->f != NULL && fclose(o->f) != 0 && ret == 0) {
        err = errno;
        ret = -1;
    }
    o->f = NULL;
    if (o->tmp != NULL) {
        if (ok && ret == 0 && rename(o->tmp, o->path) != 0) {
            err = errno;
            ret = -1;
        }
        if (!ok || ret != 0)
            remove(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
    }
    if (!ok && ret == 0) {
        err = EIO;
        ret = -1;
    }
    errno = err;
    return ret;
}
