/* merge.h — nelmsim merge (DESIGN §6): the shard files of one sweep or PSA
 * (nelmsim sweep|psa --shard I/N) into the file a single process writes.
 *
 * Every shard must be complete and carry the same run fingerprint (the
 * version, the spec, the resolved base parameters, seed, patients,
 * scenarios, strategies, tau and the number of shards); each of the N
 * shards must be given exactly once, in any order. The output holds the
 * first shard's header and the shards' stacked tables in scenario order:
 * dataset by dataset what one process writes (the root attributes are
 * provenance: shard attributes say the file is whole). */
#ifndef NELM_MERGE_H
#define NELM_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

int nelm_merge(const char *const *paths, size_t n, const char *output, bool force,
               int deflate_level, const char *command_line, nelm_err *e);

#endif
