/* cli.c — what the commands of the nelmsim command line share (see cli.h). */
#define _POSIX_C_SOURCE 200809L /* sigaction */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

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
    char *s = malloc(len);
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
