/* cli_targets.h — the command `nelmsim targets` (DESIGN §9, §11). */
#ifndef NELM_CLI_TARGETS_H
#define NELM_CLI_TARGETS_H

/** nelmsim targets [TARGETS.yaml] [options]: simulate every target, print
 *  the table of published against simulated values with the verdicts, and
 *  write it as CSV (--csv) and HDF5 (-o). argc/argv after the command;
 *  full_* for the provenance. Exit 0 when it ran (failed targets are
 *  results), 1 usage, 2 a bad targets file, 3 I/O. */
int nelm_cli_targets(int argc, char **argv, int full_argc, char **full_argv);

#endif
