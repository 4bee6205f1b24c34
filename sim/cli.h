/* cli.h — what the commands of the nelmsim command line share: exit
 * statuses, option parsing, the seed, signals (DESIGN §9). */
#ifndef NELM_CLI_H
#define NELM_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "params.h"

/** Exit statuses: 0 success, 1 usage, 2 invalid input, 3 I/O failure
 *  (130 and 143 after SIGINT and SIGTERM). */
enum { EXIT_USAGE = 1, EXIT_INVALID = 2, EXIT_IO = 3 };

#define NELM_CLI_MAX_PATIENTS 100000000u

/** The signal that asked to stop (SIGINT, SIGTERM), 0 if none. */
extern volatile sig_atomic_t nelm_cli_stop;
/** Stop cleanly on SIGINT and SIGTERM: set nelm_cli_stop. */
void nelm_cli_catch_signals(void);

int nelm_cli_exit_for(int code);
/** As nelm_cli_exit_for, with 130 / 143 for an interrupted run. */
int nelm_cli_exit_for_run(const nelm_err *e);

/** A decimal number from 0 to max, nothing else. */
bool nelm_cli_parse_u64(const char *s, uint64_t max, uint64_t *out);
/** "I/N" with 1 <= I <= N <= 1000000. */
bool nelm_cli_parse_shard(const char *v, uint64_t *shard, uint64_t *nshards);
/** A seed from /dev/urandom (or the clock), printable as a decimal. */
uint64_t nelm_cli_choose_seed(void);
/** The option's value: "--name=value" or the next argument (NULL: none). */
const char *nelm_cli_opt_value(const char *a, const char *name, int argc, char **argv, int *i);
/** a is --name or --name=value. */
bool nelm_cli_is_opt(const char *a, const char *name);
/** The command line as typed, arguments with spaces quoted (malloc). */
char *nelm_cli_join_args(int argc, char **argv);

/** A text output named on the command line (--csv FILE): a regular file,
 *  or one not there yet, is written as FILE.part-PID and renamed when
 *  complete, so a failed write never leaves a truncated FILE; anything else
 *  (/dev/stdout, a pipe) is written directly. */
typedef struct nelm_cli_out {
    FILE *f;
    const char *path;
    char *tmp; /**< NULL: written directly */
} nelm_cli_out;
/** 0, or -1 with errno set. */
int nelm_cli_out_open(nelm_cli_out *o, const char *path);
/** Close; when ok, rename into place (0), else (or on any failure, -1 with
 *  errno set) remove the temporary file. */
int nelm_cli_out_close(nelm_cli_out *o, bool ok);

/** The options run, sweep and psa share. */
typedef struct nelm_cli_common {
    uint64_t npatients; /**< -n: set the default before parsing */
    uint64_t seed;
    bool have_seed;
    uint64_t threads;        /**< 0: OpenMP's default */
    double tau;              /**< set the default before parsing */
    int traj;                /**< nelm_traj_mode; set the default before parsing */
    uint64_t shard, nshards; /**< 1-based I of N; 1 and 1 when not given */
    const char *output, *reference;
    const char *names[NELM_MAX_STRATEGIES];
    size_t nnames;
    bool quiet, force;
} nelm_cli_common;

/** Parse argv[*i] if it is one of the shared options (-n, --seed,
 *  --threads, --tau, --trajectories, --shard, -o, --reference, --strategy,
 *  --force, --quiet), taking its value and moving *i past it: 1 taken, 0 not
 *  one of them, -1 a bad value (one line on stderr naming cmd). */
int nelm_cli_common_opt(const char *cmd, nelm_cli_common *c, int argc, char **argv, int *i);

/** The commands in cli_scenario.c: sweep and psa (kind: nelm_scen_kind),
 *  merge. argc/argv after the command; full_* for the provenance. */
int nelm_cli_scen(int kind, int argc, char **argv, int full_argc, char **full_argv);
int nelm_cli_merge(int argc, char **argv, int full_argc, char **full_argv);

#endif
