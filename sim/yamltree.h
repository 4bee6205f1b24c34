/* yamltree.h — YAML documents as trees with source locations.
 *
 * libyaml's event parser builds a tree of scalars, sequences and mappings;
 * every node keeps the file, line and column it came from (for errors of the
 * form "file:line:col: key.path: what"). Loading enforces, before anything
 * else sees the data:
 *   - one document per file; no tags (e.g. !!python/object);
 *   - no duplicate keys in a mapping (error names both lines);
 *   - anchors and aliases, expanded by copying, with a bound on the total
 *     number of nodes (an alias bomb is an error, not an out-of-memory);
 *   - nesting depth, scalar length and file size limits;
 *   - `include:` in any mapping: a file name or a list of them, relative to
 *     the including file; each must hold a mapping. Mappings merge
 *     recursively, in layers: later includes override earlier ones, and the
 *     including mapping's own keys override all of them. Missing files and
 *     include cycles are errors.
 * All nodes live in one arena owned by the document: nelm_ydoc_free frees
 * everything at once.
 */
#ifndef NELM_YAMLTREE_H
#define NELM_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define NELM_YAML_MAX_NODES 1000000u      /**< after alias expansion */
#define NELM_YAML_MAX_DEPTH 64            /**< nesting of collections */
#define NELM_YAML_MAX_SCALAR (64u * 1024u)  /**< bytes in one scalar */
#define NELM_YAML_MAX_FILE (16u * 1024u * 1024u)
#define NELM_YAML_MAX_INCLUDE_DEPTH 16

typedef enum nelm_ykind { NELM_YSCALAR = 0, NELM_YSEQ, NELM_YMAP } nelm_ykind;

typedef struct nelm_ynode nelm_ynode;
struct nelm_ynode {
    nelm_ykind kind;
    const char *file; /**< as given or resolved relative to the includer */
    int line, col;    /**< 1-based */
    const char *str;  /**< scalar text, NUL-terminated (NULL otherwise) */
    size_t len;       /**< scalar length in bytes */
    bool plain;       /**< unquoted plain scalar (only these are numbers/booleans) */
    size_t n;         /**< items (sequence) or pairs (mapping) */
    size_t cap;
    nelm_ynode **keys; /**< mapping keys (scalars), NULL for sequences */
    nelm_ynode **vals; /**< sequence items or mapping values */
};

typedef struct nelm_arena_block nelm_arena_block;

typedef struct nelm_ydoc {
    nelm_ynode *root;  /**< NULL for an empty document */
    size_t nnodes;
    nelm_arena_block *arena;
} nelm_ydoc;

/** Load a YAML file (with its includes). On error, e holds one line
 *  "file:line:col: what" and the document is empty (still safe to free). */
int nelm_ydoc_load(nelm_ydoc *doc, const char *path, nelm_err *e);
/** Load from memory; name is used in messages and to resolve includes
 *  (relative to its directory). */
int nelm_ydoc_load_string(nelm_ydoc *doc, const char *text, size_t len, const char *name,
                          nelm_err *e);
void nelm_ydoc_free(nelm_ydoc *doc);

/** Value for key in a mapping, or NULL. */
nelm_ynode *nelm_ymap_get(const nelm_ynode *map, const char *key);
/** Set key in mapping doc-owned node to val (replacing or appending). */
int nelm_ymap_set(nelm_ydoc *doc, nelm_ynode *map, const char *key, nelm_ynode *val,
                  nelm_err *e);
/** Parse a YAML fragment (a scalar or a flow collection) as a node owned by
 *  doc, located at (name, 1, col0 + column in text). */
int nelm_ydoc_parse_fragment(nelm_ydoc *doc, const char *text, const char *name, int col0,
                             nelm_ynode **out, nelm_err *e);
#endif
