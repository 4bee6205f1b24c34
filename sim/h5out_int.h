/* h5out_int.h — what h5out.c (the serial writer) and h5par.c (the
 * collective writer of an MPI job) share. Not a public header. */
#ifndef NELM_H5OUT_INT_H
#define NELM_H5OUT_INT_H

#include <hdf5.h>

#include "h5out.h"

/* Largest chunk, in bytes: HDF5 1.10 stores chunk sizes in 32 bits, and the
 * compressed size (up to compressBound) must fit as well. */
#define MAX_CHUNK_BYTES ((size_t)1 << 30)
/* Longest object description in a message. */
#define OBJ_MAX 256

typedef struct h5_col {
    char *path; /* "table/column", for messages */
    nelm_h5_type type;
    size_t esize;  /* bytes per element */
    size_t enum_n; /* ENUM8: names; BOOL: 2; else 0 */
    hid_t dset;
    unsigned char *stage; /* chunk_rows elements; NULL after close queued it */
    uint64_t extent;      /* current extent of dset, rows */
    /* collective writer */
    nelm_h5_table *rows_of; /* values are rows of this table (made global at sync) */
    unsigned char *pend;    /* this rank's rows since the last sync */
} h5_col;

struct nelm_h5_table {
    nelm_h5 *h;
    char *path;
    hid_t group;
    h5_col *cols;
    size_t ncols;
    size_t chunk_rows;
    uint64_t rows; /* rows appended (collective: rows of every rank, synced) */
    nelm_h5_table *next;
    /* collective writer */
    size_t npend, pend_cap; /* this rank's rows since the last sync */
    size_t ncarry;          /* of which the first are rows of the file already */
    uint64_t sync_base;     /* at a sync: rows before this rank's part */
};

/* A queued chunk. raw holds chunk_bytes in native order; out its shuffled
 * and deflated form once compressed (compression on). */
typedef struct h5_chunk {
    h5_col *col;
    uint64_t offset;   /* first row */
    uint64_t rows_end; /* the extent must reach this before the write */
    size_t nbytes;     /* raw bytes: chunk_rows * esize */
    unsigned char *raw;
    unsigned char *out;
    size_t out_len;
    int err; /* 0, NELM_ERR_NOMEM or NELM_ERR_IO (zerr: zlib's code) */
    int zerr;
} h5_chunk;

/* A string dataset the collective writer writes at close, from rank 0
 * alone (parallel HDF5 cannot write variable-length data). */
typedef struct h5_deferred {
    char *path, *doc; /* doc may be NULL */
    char **v;
    size_t n;
    bool scalar;
} h5_deferred;

struct nelm_h5 {
    char *final_path;
    char *tmp_path;
    bool tmp_exists; /* tmp_path is ours to remove */
    bool broken;     /* an operation failed: the file cannot be finished */
    hid_t file;
    int level; /* deflate level, < 0: no compression */
    nelm_h5_table *tables;
    h5_chunk *queue;
    size_t nqueue, qcap;
    uint64_t raw_bytes, stored_bytes;
    /* collective writer (every rank of an MPI job has the file open) */
    bool coll;
    bool root_only; /* appends are the same on every rank: rank 0's are kept */
    h5_deferred *def;
    size_t ndef;
};

/* h5out.c */
int h5i_io_fail(const nelm_h5 *h, nelm_err *e, const char *what, const char *objfmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
herr_t h5i_close_id(hid_t *id);
char *h5i_dup_str(const char *s);
int h5i_check_final(const char *final_path, const nelm_h5_opts *opts, nelm_err *e);
int h5i_attr_write(const nelm_h5 *h, hid_t obj, const char *objname, const char *name, hid_t ftype,
                   hid_t mtype, const void *value, nelm_err *e);
int h5i_strings_write(nelm_h5 *h, const char *path, const char *const *v, size_t n, bool scalar,
                      const char *doc, nelm_err *e);
void h5i_destroy(nelm_h5 *h);
void h5i_sync_parent(const char *path);

/* h5par.c: the collective writer */
int h5i_coll_open(nelm_h5 **out, const char *final_path, const nelm_h5_opts *opts, nelm_err *e);
int h5i_coll_defer(nelm_h5 *h, const char *path, const char *const *v, size_t n, bool scalar,
                   const char *doc, nelm_err *e);
int h5i_coll_append(nelm_h5_table *t, const void *const *cols, size_t n, nelm_err *e);
int h5i_coll_close(nelm_h5 *h, nelm_err *e);
/* Agreement after a collective call (a no-op for the serial writer): the
 * same result on every rank; an error marks the file broken. */
int h5i_agree(nelm_h5 *h, int ret, nelm_err *e);

#endif
