/* h5out.h — the HDF5 writer (DESIGN §7): columnar tables of chunked 1-D
 * datasets, appended in row order, compressed in worker threads and written
 * with HDF5's direct chunk write.
 *
 * A table is an HDF5 group whose datasets (one per column) all have the same
 * number of rows and the same chunk size (rows per chunk). Rows are appended
 * to per-column staging chunks; a full chunk is queued; nelm_h5_flush
 * compresses every queued chunk in parallel (OpenMP, no HDF5 call inside the
 * parallel region: shuffle + zlib deflate, exactly what HDF5's own shuffle
 * and deflate filters would produce) and then writes them in order from the
 * calling thread with H5Dwrite_chunk. With compression off, chunks are
 * written raw (datasets have no filter). nelm_h5_close writes the partial
 * last chunks, sets every dataset's extent to its row count, writes the
 * attribute "complete" = 1 on the root group last, flushes, closes and
 * renames the temporary file (FINAL.part-PID in the same directory) to its
 * final name; nelm_h5_abort closes and removes the temporary file. A failed
 * or interrupted run never leaves a file under the final name.
 *
 * Every HDF5 call is checked; HDF5's own error printing is silenced and its
 * failures become one NELM_ERR_IO message naming the file and object. After
 * a failed call that may have touched the file (anything but an argument
 * check: bad table arguments or enum values change nothing), the file cannot
 * be finished: nelm_h5_close fails and removes the temporary file.
 * Not thread-safe: call from one thread (the OpenMP region is inside). */
#ifndef NELM_H5OUT_H
#define NELM_H5OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/** Column element types. Enum types are registered with nelm_h5_enum. */
typedef enum nelm_h5_type {
    NELM_H5_F64 = 0,
    NELM_H5_U64,
    NELM_H5_U32,
    NELM_H5_U16,
    NELM_H5_U8,
    NELM_H5_I16,
    NELM_H5_I8,
    NELM_H5_ENUM8, /**< uint8 values of an enum type (names given at creation) */
    NELM_H5_BOOL,  /**< uint8 0/1 as the enum {FALSE, TRUE} h5py maps to numpy bool */
} nelm_h5_type;

typedef struct nelm_h5_col {
    const char *name;
    nelm_h5_type type;
    const char *units;             /**< attribute "units" (NULL: none) */
    const char *doc;               /**< attribute "description" (NULL: none) */
    const char *const *enum_names; /**< ENUM8: names of values 0..n-1 */
    size_t enum_n;
} nelm_h5_col;

typedef struct nelm_h5 nelm_h5; /**< an open output file */
typedef struct nelm_h5_table nelm_h5_table;

/** Compression: level < 0 none; 0..9 deflate level (with shuffle). */
typedef struct nelm_h5_opts {
    int deflate_level;
    bool force; /**< replace an existing FINAL (else NELM_ERR_USAGE) */
} nelm_h5_opts;

/** Create FINAL.part-PID next to `final_path`. An existing final_path is an
 *  error (NELM_ERR_USAGE, "FILE exists (use --force to replace it)") unless
 *  opts->force. *out is NULL on failure. */
int nelm_h5_open(nelm_h5 **out, const char *final_path, const nelm_h5_opts *opts, nelm_err *e);

/** Attributes on the root group ("/") or on a group/dataset by path. */
int nelm_h5_attr_str(nelm_h5 *h, const char *obj, const char *name, const char *value, nelm_err *e);
int nelm_h5_attr_u64(nelm_h5 *h, const char *obj, const char *name, uint64_t value, nelm_err *e);
int nelm_h5_attr_f64(nelm_h5 *h, const char *obj, const char *name, double value, nelm_err *e);
/** A 1-D array attribute of n (> 0) unsigned integers. */
int nelm_h5_attr_u64s(nelm_h5 *h, const char *obj, const char *name, const uint64_t *v, size_t n,
                      nelm_err *e);

/** A scalar variable-length UTF-8 string dataset (e.g. the parameters). */
int nelm_h5_string(nelm_h5 *h, const char *path, const char *text, const char *doc, nelm_err *e);
/** A 1-D dataset of n variable-length UTF-8 strings (small: not chunked). */
int nelm_h5_strings(nelm_h5 *h, const char *path, const char *const *v, size_t n, const char *doc,
                    nelm_err *e);

/** A table: group `path` (created with parents) with one dataset per
 *  column, chunk_rows rows per chunk. The table belongs to h. */
int nelm_h5_table_create(nelm_h5 *h, const char *path, const nelm_h5_col *cols, size_t ncols,
                         size_t chunk_rows, const char *doc, nelm_h5_table **out, nelm_err *e);
/** Append n rows: cols[j] points to n values of column j's type (uint8_t
 *  for ENUM8 and BOOL). Full chunks are queued, not yet written. */
int nelm_h5_append(nelm_h5_table *t, const void *const *cols, size_t n, nelm_err *e);
/** Rows appended so far (collective writer: by this rank since the last
 *  nelm_h5_sync; see nelm_h5_rows_of). */
uint64_t nelm_h5_rows(const nelm_h5_table *t);
/** Column `column` (U64) of t holds row numbers of table ref, appended as
 *  nelm_h5_rows(ref) plus a row index: the collective writer makes them
 *  rows of the whole file when it writes them. */
void nelm_h5_rows_of(nelm_h5_table *t, const char *column, nelm_h5_table *ref);

/** The collective writer of an MPI job (more than one rank, see par.h):
 *  every rank opens, creates and closes the same objects with the same
 *  values; each rank appends its own rows, which nelm_h5_sync (collective)
 *  writes after the rows of the ranks before it, in rank order. Variable-
 *  length strings are written by rank 0 at close. The serial writer's
 *  nelm_h5_sync only returns status. */
bool nelm_h5_collective(const nelm_h5 *h);
/** Agree on status (every rank passes its own), then write every rank's
 *  rows appended since the last sync. Returns the agreed status. */
int nelm_h5_sync(nelm_h5 *h, int status, nelm_err *e);
/** Appends made while on are the same on every rank: rank 0's are kept. */
void nelm_h5_root_only(nelm_h5 *h, bool on);

/** Compress the queued chunks (threads: OpenMP threads, 0 = default) and
 *  write them in order. */
int nelm_h5_flush(nelm_h5 *h, int threads, nelm_err *e);

/** The queued chunks as a batch, detached from the file's queue so rows can
 *  be appended while it is compressed (NULL when nothing is queued, or on
 *  allocation failure: the chunks then stay queued for nelm_h5_flush). */
typedef struct nelm_h5_batch nelm_h5_batch;
nelm_h5_batch *nelm_h5_take(nelm_h5 *h);
size_t nelm_h5_batch_size(const nelm_h5_batch *b);
/** Compress chunk i (thread-safe for distinct i; no HDF5 call; errors are
 *  recorded and reported by nelm_h5_batch_write). */
void nelm_h5_batch_compress(nelm_h5_batch *b, size_t i);
/** Write every chunk of the batch in order (each compressed first, when
 *  compression is on) and free it. From the writing thread only. */
int nelm_h5_batch_write(nelm_h5 *h, nelm_h5_batch *b, nelm_err *e);
void nelm_h5_batch_free(nelm_h5_batch *b);

/** Finish: partial chunks, extents, "complete" attribute, flush, close,
 *  rename. Frees h (also on error, after removing the temporary file). */
int nelm_h5_close(nelm_h5 *h, int threads, nelm_err *e);
/** The open HDF5 file (an hid_t) for copying objects in with the HDF5 API
 *  (nelmsim merge); what is written that way is the caller's to check. */
int64_t nelm_h5_file_id(const nelm_h5 *h);
/** The root attribute "created": the UTC time now, ISO 8601
 *  (2025-01-31T12:00:00Z), or "unknown". */
int nelm_h5_attr_created(nelm_h5 *h, nelm_err *e);
/** Read a string or an unsigned integer attribute of the HDF5 object loc
 *  (an hid_t): 0, or -1 when it is missing or of another kind. The string
 *  is cut to len - 1 bytes. HDF5's error printing is the caller's. */
int nelm_h5_read_attr_str(int64_t loc, const char *name, char *out, size_t len);
int nelm_h5_read_attr_u64(int64_t loc, const char *name, uint64_t *v);
/** A scalar or 1-D variable-length UTF-8 string dataset of loc (an hid_t):
 *  its n strings (1 for a scalar), NULL when missing or of another kind;
 *  free with nelm_h5_strings_free. */
char **nelm_h5_read_strings(int64_t loc, const char *path, size_t *n);
void nelm_h5_strings_free(char **v, size_t n);
/** Is the finished file at path a shard of the run with this fingerprint?
 *  1 yes; 0 no (why says: another fingerprint); -1 missing, unreadable or
 *  not finished. */
int nelm_h5_shard_state(const char *path, const char *fingerprint, char *why, size_t whylen);
/** Give up: close and remove the temporary file; frees h. NULL is fine. */
void nelm_h5_abort(nelm_h5 *h);

/** Shuffle (element size esize) and deflate nbytes of raw data at level, as
 *  the writer does for each chunk, into out (outcap bytes, at least
 *  nelm_h5_deflate_bound(nbytes)); *outlen the compressed size. Thread-safe.
 *  For measuring the compressor (bench). */
size_t nelm_h5_deflate_bound(size_t nbytes);
int nelm_h5_deflate(const void *raw, size_t nbytes, size_t esize, int level, void *out,
                    size_t outcap, size_t *outlen);

/** Bytes handed to the writer (table columns, raw) and written to the file
 *  (chunks, after compression; partial last chunks only at close). */
void nelm_h5_bytes(const nelm_h5 *h, uint64_t *raw, uint64_t *stored);

#endif
