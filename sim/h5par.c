/* h5par.c — the collective writer: one file written by every rank of an MPI
 * job with parallel HDF5 (see h5out.h, par.h; DESIGN §6, §7).
 *
 * Every rank creates the same groups, datasets and attributes in the same
 * order (HDF5's metadata calls are collective) and agrees on the status
 * after each call, so an error on one rank fails the call on all of them.
 * Rows are appended to per-column pending buffers; nelm_h5_sync gathers the
 * pending row counts of every table from every rank, extends each dataset
 * once, and writes each rank's rows after those of the ranks before it with
 * one collective H5Dwrite per column (HDF5 compresses with its own shuffle
 * and deflate filters: direct chunk write is not available in parallel).
 * Columns whose values are rows of another table (nelm_h5_col.rows_of) are
 * appended relative to this rank's pending rows of that table and made
 * global here.
 *
 * Parallel HDF5 cannot write variable-length data, so the string datasets
 * (parameters, strategy names) are kept and written by rank 0 alone after
 * the collective close, when it reopens the file with the serial driver and
 * writes the "complete" attribute last. Then it renames the file. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h5out_int.h"
#include "alloc.h"
#include "par.h"

int
h5i_agree(nelm_h5 *h, int ret, nelm_err *e)
{
    if (h->coll)
        ret = nelm_par_agree(ret, e);
    if (ret != 0)
        h->broken = true;
    return ret;
}

bool
nelm_h5_collective(const nelm_h5 *h)
{
    return h->coll;
}

void
nelm_h5_root_only(nelm_h5 *h, bool on)
{
    h->root_only = on;
}

#ifdef NELM_MPI
#include <mpi.h>

int
h5i_coll_open(nelm_h5 **out, const char *final_path, const nelm_h5_opts *opts, nelm_err *e)
{
    int ret = 0;
    nelm_h5 *h = NULL;
    hid_t fapl = H5I_INVALID_HID;
    bool root = nelm_par_rank() == 0;

    *out = NULL;
    if (root)
        ret = h5i_check_final(final_path, opts, e);
    else if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
        ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot configure HDF5 error reporting", final_path);
    if ((ret = nelm_par_agree(ret, e)) != 0)
        return ret;
    long pid = (long)getpid(); /* rank 0's: one temporary name for all */
    nelm_par_bcast(&pid, sizeof pid);
    if ((h = nelm_calloc(1, sizeof *h)) == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", final_path);
    } else {
        h->coll = true;
        h->file = H5I_INVALID_HID;
        h->level = opts->deflate_level < 0 ? -1 : opts->deflate_level;
        size_t tlen = strlen(final_path) + 32;
        if ((h->final_path = h5i_dup_str(final_path)) == NULL ||
            (h->tmp_path = nelm_malloc(tlen)) == NULL)
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", final_path);
        else
            snprintf(h->tmp_path, tlen, "%s.part-%ld", final_path, pid);
    }
    /* rank 0 creates it first: HDF5's failure would not say why */
    if (ret == 0 && root) {
        int fd = open(h->tmp_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd < 0 || close(fd) != 0)
            ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot create %s (%s)", final_path, h->tmp_path,
                            strerror(errno));
        h->tmp_exists = fd >= 0;
    }
    if (ret == 0 && ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0 ||
                     H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL) < 0))
        ret = h5i_io_fail(h, e, "cannot create property list", "%s", h->tmp_path);
    if ((ret = nelm_par_agree(ret, e)) != 0)
        goto out;
    if ((h->file = H5Fcreate(h->tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl)) < 0)
        ret = h5i_io_fail(h, e, "cannot create HDF5 file (MPI-IO)", "%s", h->tmp_path);
    ret = nelm_par_agree(ret, e);
out:
    h5i_close_id(&fapl);
    if (ret != 0) {
        if (h != NULL && h->file >= 0)
            h5i_close_id(&h->file); /* collective: every rank has it */
        h5i_destroy(h);
    } else {
        *out = h;
    }
    return ret;
}

int
h5i_coll_defer(nelm_h5 *h, const char *path, const char *const *v, size_t n, bool scalar,
               const char *doc, nelm_err *e)
{
    int ret = 0;
    h5_deferred *nd = nelm_realloc(h->def, (h->ndef + 1) * sizeof *nd);
    if (nd == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", h->final_path);
        return h5i_agree(h, ret, e);
    }
    h->def = nd;
    h5_deferred *d = &h->def[h->ndef++];
    memset(d, 0, sizeof *d);
    d->scalar = scalar;
    d->path = h5i_dup_str(path);
    d->doc = doc ? h5i_dup_str(doc) : NULL;
    d->v = nelm_calloc(n ? n : 1, sizeof *d->v);
    bool ok = d->path && (doc == NULL || d->doc) && d->v;
    for (size_t i = 0; ok && i < n; i++) {
        d->v[i] = h5i_dup_str(v[i]);
        ok = d->v[i] != NULL;
        d->n = i + 1;
    }
    if (!ok)
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", h->final_path);
    return h5i_agree(h, ret, e);
}

int
h5i_coll_append(nelm_h5_table *t, const void *const *cols, size_t n, nelm_err *e)
{
    nelm_h5 *h = t->h;
    if (h->root_only && nelm_par_rank() != 0)
        return 0;
    if (t->npend + n > t->pend_cap) {
        size_t cap = t->pend_cap ? t->pend_cap : 1024;
        while (cap < t->npend + n)
            cap *= 2;
        for (size_t j = 0; j < t->ncols; j++) {
            unsigned char *nb = nelm_realloc(t->cols[j].pend, cap * t->cols[j].esize);
            if (nb == NULL) {
                h->broken = true; /* reported by every rank at the next sync */
                return NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", h->final_path);
            }
            t->cols[j].pend = nb;
        }
        t->pend_cap = cap;
    }
    for (size_t j = 0; j < t->ncols; j++) {
        h5_col *col = &t->cols[j];
        memcpy(col->pend + t->npend * col->esize, cols[j], n * col->esize);
        h->raw_bytes += (uint64_t)(n * col->esize);
    }
    t->npend += n;
    return 0;
}

/* Column col: the new extent `ext` (collective), then this rank's first
 * `cnt` pending rows at row t->sync_base (a collective write; cnt may be 0). */
static int
write_column(nelm_h5 *h, nelm_h5_table *t, h5_col *col, uint64_t ext, uint64_t cnt, nelm_err *e)
{
    int ret = 0;
    hid_t fs = H5I_INVALID_HID, ms = H5I_INVALID_HID, mt = H5I_INVALID_HID;
    hid_t dxpl = H5I_INVALID_HID;
    if (ext > col->extent) {
        hsize_t dim = (hsize_t)ext;
        if (H5Dset_extent(col->dset, &dim) < 0)
            ret = h5i_io_fail(h, e, "cannot extend dataset", "%s to %llu rows", col->path,
                              (unsigned long long)ext);
        if ((ret = h5i_agree(h, ret, e)) != 0)
            return ret;
        col->extent = ext;
    }
    /* local: this rank's selection */
    hsize_t off = (hsize_t)t->sync_base, n = (hsize_t)cnt, one = 1;
    if ((fs = H5Dget_space(col->dset)) < 0 || (mt = H5Dget_type(col->dset)) < 0 ||
        (dxpl = H5Pcreate(H5P_DATASET_XFER)) < 0 ||
        H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE) < 0)
        ret = h5i_io_fail(h, e, "cannot prepare the write", "%s", col->path);
    if (ret == 0 && n > 0) {
        if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, &off, NULL, &n, NULL) < 0 ||
            (ms = H5Screate_simple(1, &n, NULL)) < 0)
            ret = h5i_io_fail(h, e, "cannot select rows", "%s rows %llu+", col->path,
                              (unsigned long long)off);
    } else if (ret == 0) {
        if (H5Sselect_none(fs) < 0 || (ms = H5Screate_simple(1, &one, NULL)) < 0 ||
            H5Sselect_none(ms) < 0)
            ret = h5i_io_fail(h, e, "cannot select rows", "%s (none)", col->path);
    }
    if (ret == 0 && nelm_par_inject("write"))
        ret = h5i_io_fail(h, e, "cannot select rows (injected fault, NELMSIM_INJECT_FAULT)",
                          "%s on rank %d", col->path, nelm_par_rank());
    if ((ret = h5i_agree(h, ret, e)) != 0)
        goto out;
    /* collective: the rows */
    static const unsigned char none[8];
    const void *buf = n > 0 ? (const void *)col->pend : (const void *)none;
    if (H5Dwrite(col->dset, mt, ms, fs, dxpl, buf) < 0)
        ret = h5i_io_fail(h, e, "cannot write rows", "%s rows %llu+", col->path,
                          (unsigned long long)off);
    ret = h5i_agree(h, ret, e);
out:
    h5i_close_id(&dxpl);
    h5i_close_id(&mt);
    h5i_close_id(&ms);
    h5i_close_id(&fs);
    return ret;
}

/* The rows of table t past `cut` (the end of the last whole chunk written)
 * to rank 0, in order: they lead the next sync's rows. Rank r holds `tail`
 * of them at the end of its pending rows; cnt[r * nt + k] are the ranks'
 * pending rows of this table (k). */
static int
carry_tail(nelm_h5 *h, nelm_h5_table *t, const uint64_t *cnt, size_t nt, size_t k, uint64_t cut,
           nelm_err *e)
{
    int R = nelm_par_size(), me = nelm_par_rank(), ret = 0;
    /* each rank's rows past cut, from the gathered counts */
    int *rc = nelm_calloc((size_t)R, sizeof *rc), *disp = nelm_calloc((size_t)R, sizeof *disp);
    uint64_t total = 0, start = t->rows;
    for (int r = 0; rc && disp && r < R; r++) {
        uint64_t b = start, n = cnt[(size_t)r * nt + k];
        uint64_t lo = b > cut ? b : cut, hi = b + n;
        uint64_t tl = hi > lo ? hi - lo : 0;
        nelm_bug_assert(tl < (uint64_t)INT_MAX / 8);
        rc[r] = (int)tl;
        disp[r] = (int)total;
        total += tl;
        start += n;
    }
    uint64_t mine = (rc && disp) ? (uint64_t)rc[me] : 0;
    unsigned char **fresh = nelm_calloc(t->ncols, sizeof *fresh);
    if (rc == NULL || disp == NULL || fresh == NULL)
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", h->final_path);
    for (size_t j = 0; ret == 0 && me == 0 && j < t->ncols; j++)
        if ((fresh[j] = nelm_malloc((size_t)(total ? total : 1) * t->cols[j].esize)) == NULL)
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", h->final_path);
    if ((ret = h5i_agree(h, ret, e)) != 0)
        goto out;
    for (size_t j = 0; j < t->ncols; j++) {
        h5_col *col = &t->cols[j];
        int esz = (int)col->esize;
        int *bc = rc, *bd = disp; /* in bytes: scaled in place, restored below */
        for (int r = 0; r < R; r++) {
            bc[r] *= esz;
            bd[r] *= esz;
        }
        const unsigned char *src =
            col->pend ? col->pend + (t->npend - mine) * col->esize : (const unsigned char *)"";
        MPI_Gatherv(src, rc[me], MPI_BYTE, me == 0 ? fresh[j] : NULL, bc, bd, MPI_BYTE, 0,
                    MPI_COMM_WORLD);
        for (int r = 0; r < R; r++) {
            bc[r] /= esz;
            bd[r] /= esz;
        }
    }
    if (me == 0) { /* rank 0's pending rows: the tail, already rows of the file */
        for (size_t j = 0; j < t->ncols; j++) {
            free(t->cols[j].pend);
            t->cols[j].pend = fresh[j];
            fresh[j] = NULL;
        }
        t->npend = (size_t)total;
        t->pend_cap = (size_t)(total ? total : 1);
        t->ncarry = (size_t)total;
    } else {
        t->npend = 0;
        t->ncarry = 0;
    }
out:
    for (size_t j = 0; fresh && j < t->ncols; j++)
        free(fresh[j]);
    free(fresh);
    free(rc);
    free(disp);
    return ret;
}

/* Write the rows of every rank; all of them when final, else only up to the
 * end of the last whole chunk (the rest leads the next sync, on rank 0):
 * HDF5 would otherwise decompress and rewrite a partly written chunk at
 * every sync. */
static int
sync_rows(nelm_h5 *h, int status, bool final, nelm_err *e)
{
    if (status == 0 && h->broken)
        status = h5i_io_fail(h, e, "not finished after an earlier error", "%s", h->tmp_path);
    if ((status = h5i_agree(h, status, e)) != 0)
        return status;
    size_t nt = 0;
    for (nelm_h5_table *t = h->tables; t != NULL; t = t->next)
        nt++;
    if (nt == 0)
        return 0;
    int R = nelm_par_size(), me = nelm_par_rank();
    uint64_t *mine = nelm_malloc(nt * sizeof *mine);
    size_t *lens = nelm_malloc((size_t)R * sizeof *lens);
    void *all = NULL;
    int ret = mine && lens ? 0 : NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", h->final_path);
    if ((ret = h5i_agree(h, ret, e)) != 0)
        goto out;
    size_t k = 0;
    for (nelm_h5_table *t = h->tables; t != NULL; t = t->next)
        mine[k++] = t->npend;
    if ((ret = nelm_par_allgather(mine, nt * sizeof *mine, &all, lens, e)) != 0) {
        h->broken = true;
        goto out;
    }
    const uint64_t *cnt = all; /* cnt[r * nt + k] */
    uint64_t *total = mine;    /* reused: per table, every rank's rows */
    k = 0;
    for (nelm_h5_table *t = h->tables; t != NULL; t = t->next, k++) {
        uint64_t before = 0, sum = 0;
        for (int r = 0; r < R; r++) {
            if (r < me)
                before += cnt[(size_t)r * nt + k];
            sum += cnt[(size_t)r * nt + k];
        }
        t->sync_base = t->rows + before;
        total[k] = sum;
    }
    /* row references appended since the last sync: relative to this rank's
     * pending rows of the other table; carried rows are rows of the file */
    for (nelm_h5_table *t = h->tables; t != NULL; t = t->next)
        for (size_t j = 0; j < t->ncols; j++) {
            h5_col *col = &t->cols[j];
            if (col->rows_of == NULL)
                continue;
            uint64_t *v = (uint64_t *)(void *)col->pend;
            for (size_t i = t->ncarry; i < t->npend; i++)
                v[i] += col->rows_of->sync_base;
        }
    for (nelm_h5_table *t = h->tables; t != NULL; t = t->next)
        t->ncarry = t->npend; /* all global now, until new rows come */
    k = 0;
    for (nelm_h5_table *t = h->tables; t != NULL && ret == 0; t = t->next, k++) {
        if (total[k] == 0)
            continue;
        uint64_t end = t->rows + total[k];
        uint64_t cut = final ? end : end / t->chunk_rows * t->chunk_rows;
        if (cut < t->rows)
            cut = t->rows;
        uint64_t b = t->sync_base, hi = b + t->npend;
        uint64_t w = hi <= cut ? t->npend : b < cut ? cut - b : 0; /* this rank's rows to write */
        if (cut > t->rows)
            for (size_t j = 0; j < t->ncols && ret == 0; j++)
                ret = write_column(h, t, &t->cols[j], cut, w, e);
        if (ret == 0 && cut < end)
            ret = carry_tail(h, t, cnt, nt, k, cut, e);
        else if (ret == 0)
            t->npend = t->ncarry = 0;
        t->rows = cut;
    }
out:
    free(all);
    free(lens);
    free(mine);
    return ret;
}

int
nelm_h5_sync(nelm_h5 *h, int status, nelm_err *e)
{
    if (!h->coll)
        return status;
    return sync_rows(h, status, false, e);
}

int
h5i_coll_close(nelm_h5 *h, nelm_err *e)
{
    bool root = nelm_par_rank() == 0;
    int ret = sync_rows(h, 0, true, e);
    if (ret == 0 && nelm_par_inject("close"))
        ret = h5i_io_fail(h, e, "cannot finish (injected fault, NELMSIM_INJECT_FAULT)", "rank %d",
                          nelm_par_rank());
    if ((ret = h5i_agree(h, ret, e)) != 0)
        goto out;
    /* collective: every dataset, group and the file */
    for (nelm_h5_table *t = h->tables; t != NULL; t = t->next) {
        for (size_t j = 0; j < t->ncols; j++)
            if (h5i_close_id(&t->cols[j].dset) < 0 && ret == 0)
                ret = h5i_io_fail(h, e, "cannot close dataset", "%s", t->cols[j].path);
        if (h5i_close_id(&t->group) < 0 && ret == 0)
            ret = h5i_io_fail(h, e, "cannot close group", "%s", t->path);
    }
    if ((ret = h5i_agree(h, ret, e)) != 0)
        goto out;
    if (h5i_close_id(&h->file) < 0)
        ret = h5i_io_fail(h, e, "cannot close file", "%s", h->tmp_path);
    if ((ret = h5i_agree(h, ret, e)) != 0)
        goto out;
    /* rank 0 alone: the strings, "complete", sync and rename */
    if (root) {
        h->coll = false; /* the serial writer's calls from here */
        hid_t root_g = H5I_INVALID_HID;
        if ((h->file = H5Fopen(h->tmp_path, H5F_ACC_RDWR, H5P_DEFAULT)) < 0)
            ret = h5i_io_fail(h, e, "cannot reopen file", "%s", h->tmp_path);
        for (size_t i = 0; ret == 0 && i < h->ndef; i++) {
            const h5_deferred *d = &h->def[i];
            ret = h5i_strings_write(h, d->path, (const char *const *)d->v, d->n, d->scalar, d->doc,
                                    e);
        }
        uint8_t one = 1;
        if (ret == 0 && (root_g = H5Gopen2(h->file, "/", H5P_DEFAULT)) < 0)
            ret = h5i_io_fail(h, e, "cannot open group", "/");
        if (ret == 0)
            ret =
                h5i_attr_write(h, root_g, "/", "complete", H5T_STD_U8LE, H5T_NATIVE_UINT8, &one, e);
        if (h5i_close_id(&root_g) < 0 && ret == 0)
            ret = h5i_io_fail(h, e, "cannot close group", "/");
        if (ret == 0 && H5Fflush(h->file, H5F_SCOPE_GLOBAL) < 0)
            ret = h5i_io_fail(h, e, "cannot flush file", "%s", h->tmp_path);
        if (h5i_close_id(&h->file) < 0 && ret == 0)
            ret = h5i_io_fail(h, e, "cannot close file", "%s", h->tmp_path);
        if (ret == 0) {
            int fd = open(h->tmp_path, O_RDONLY);
            if (fd < 0 || fsync(fd) != 0)
                ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot sync %s (%s)", h->final_path,
                                h->tmp_path, strerror(errno));
            if (fd >= 0)
                (void)close(fd);
        }
        struct stat st;
        if (ret == 0 && stat(h->tmp_path, &st) == 0)
            h->stored_bytes = (uint64_t)st.st_size;
        if (ret == 0 && rename(h->tmp_path, h->final_path) != 0)
            ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot rename %s to it (%s)", h->final_path,
                            h->tmp_path, strerror(errno));
        if (ret == 0) {
            h->tmp_exists = false;
            h5i_sync_parent(h->final_path);
        }
        h->coll = true;
    }
    ret = nelm_par_agree(ret, e);
out:
    h5i_destroy(h);
    return ret;
}

#else /* without MPI there is no collective writer */

int
h5i_coll_open(nelm_h5 **out, const char *final_path, const nelm_h5_opts *opts, nelm_err *e)
{
    (void)out;
    (void)final_path;
    (void)opts;
    (void)e;
    nelm_bug(__FILE__, __LINE__, "collective writer without MPI");
}

int
h5i_coll_defer(nelm_h5 *h, const char *path, const char *const *v, size_t n, bool scalar,
               const char *doc, nelm_err *e)
{
    (void)h;
    (void)path;
    (void)v;
    (void)n;
    (void)scalar;
    (void)doc;
    (void)e;
    nelm_bug(__FILE__, __LINE__, "collective writer without MPI");
}

int
h5i_coll_append(nelm_h5_table *t, const void *const *cols, size_t n, nelm_err *e)
{
    (void)t;
    (void)cols;
    (void)n;
    (void)e;
    nelm_bug(__FILE__, __LINE__, "collective writer without MPI");
}

int
nelm_h5_sync(nelm_h5 *h, int status, nelm_err *e)
{
    (void)h;
    (void)e;
    return status;
}

int
h5i_coll_close(nelm_h5 *h, nelm_err *e)
{
    (void)h;
    (void)e;
    nelm_bug(__FILE__, __LINE__, "collective writer without MPI");
}

#endif
