/* h5out.c — the HDF5 writer (see h5out.h, DESIGN §7).
 *
 * Each column keeps one staging chunk. When a table's staging chunks fill,
 * they move (the buffers themselves, in column order) to the file's queue
 * and fresh staging buffers take their place. nelm_h5_flush compresses the
 * queue in an OpenMP loop that makes no HDF5 call and never leaves early:
 * every chunk records its own error, and the first in queue order is
 * reported afterwards, so the message does not depend on the thread count.
 * The chunks are then written in queue order with H5Dwrite_chunk and filter
 * mask 0 ("every filter applied"): the bytes are exactly what HDF5's shuffle
 * filter (H5Zshuffle.c: byte b of element i goes to b * nelem + i; nothing
 * for 1-byte elements or single-element chunks) followed by its deflate
 * filter (H5Zdeflate.c: compress2 into compressBound bytes at the level)
 * produce, so any reader decompresses them with the stock filters.
 *
 * A dataset's extent grows before each chunk write to cover the chunk; at
 * close it grows once more to the row count before the partial last chunk
 * (zero-padded to a whole chunk, as HDF5 stores edge chunks) is written, so
 * an extent never shrinks and HDF5 never rewrites an edge chunk.
 *
 * Memory: one staging chunk per column plus the queue, which empties on every
 * flush. After any failure the file cannot be finished: nelm_h5_close then
 * fails and removes the temporary file. */
#define _POSIX_C_SOURCE 200809L

#include "h5out_int.h"
#include "alloc.h"
#include "par.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <omp.h>
#include <zlib.h>

/* Chunks are staged in native byte order and written without conversion
 * into little-endian datasets. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "sim/h5out.c supports little-endian hosts only"
#endif

/* ---- errors and handles ------------------------------------------------------------ */

/* Record "FILE: what (object)" as NELM_ERR_IO. */
int
h5i_io_fail(const nelm_h5 *h, nelm_err *e, const char *what, const char *objfmt, ...)
{
    char obj[OBJ_MAX];
    va_list ap;
    va_start(ap, objfmt);
    vsnprintf(obj, sizeof obj, objfmt, ap);
    va_end(ap);
    return NELM_FAIL(e, NELM_ERR_IO, "%s: %s (%s)", h->final_path, what, obj);
}

/* Close a valid handle of any kind and invalidate it; < 0 on failure. */
herr_t
h5i_close_id(hid_t *id)
{
    herr_t r = 0;
    if (*id < 0)
        return 0;
    switch (H5Iget_type(*id)) {
    case H5I_FILE:
        r = H5Fclose(*id);
        break;
    case H5I_GROUP:
        r = H5Gclose(*id);
        break;
    case H5I_DATASET:
        r = H5Dclose(*id);
        break;
    case H5I_DATATYPE:
        r = H5Tclose(*id);
        break;
    case H5I_DATASPACE:
        r = H5Sclose(*id);
        break;
    case H5I_ATTR:
        r = H5Aclose(*id);
        break;
    case H5I_GENPROP_LST:
        r = H5Pclose(*id);
        break;
    default:
        r = -1;
        break;
    }
    *id = H5I_INVALID_HID;
    return r;
}

/* Close *id when valid; a failure becomes *ret unless it holds an error. */
static void
close_checked(const nelm_h5 *h, nelm_err *e, int *ret, hid_t *id, const char *kind, const char *obj)
{
    char what[64];
    if (h5i_close_id(id) < 0 && *ret == 0) {
        snprintf(what, sizeof what, "cannot close %s", kind);
        *ret = h5i_io_fail(h, e, what, "%s", obj);
    }
}

char *
h5i_dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = nelm_malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* A variable-length UTF-8 string type (memory and file), or < 0. */
static hid_t
utf8_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return H5I_INVALID_HID;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

/* A link creation property list that creates missing parent groups, or < 0. */
static hid_t
parents_lcpl(void)
{
    hid_t p = H5Pcreate(H5P_LINK_CREATE);
    if (p < 0)
        return H5I_INVALID_HID;
    if (H5Pset_create_intermediate_group(p, 1) < 0) {
        H5Pclose(p);
        return H5I_INVALID_HID;
    }
    return p;
}

/* ---- attributes ---------------------------------------------------------------------- */

/* Write the scalar attribute `name` on the open object obj (called objname in
 * messages), replacing an existing one. */
int
h5i_attr_write(const nelm_h5 *h, hid_t obj, const char *objname, const char *name, hid_t ftype,
               hid_t mtype, const void *value, nelm_err *e)
{
    int ret = 0;
    hid_t space = H5I_INVALID_HID, attr = H5I_INVALID_HID;

    htri_t exists = H5Aexists(obj, name);
    if (exists < 0) {
        ret = h5i_io_fail(h, e, "cannot look up attribute", "%s: %s", objname, name);
        goto out;
    }
    if (exists > 0 && H5Adelete(obj, name) < 0) {
        ret = h5i_io_fail(h, e, "cannot replace attribute", "%s: %s", objname, name);
        goto out;
    }
    if ((space = H5Screate(H5S_SCALAR)) < 0) {
        ret = h5i_io_fail(h, e, "cannot create dataspace", "%s: %s", objname, name);
        goto out;
    }
    if ((attr = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
        ret = h5i_io_fail(h, e, "cannot create attribute", "%s: %s", objname, name);
        goto out;
    }
    if (H5Awrite(attr, mtype, value) < 0) {
        ret = h5i_io_fail(h, e, "cannot write attribute", "%s: %s", objname, name);
        goto out;
    }
out:
    if (h5i_close_id(&attr) < 0 && ret == 0)
        ret = h5i_io_fail(h, e, "cannot close attribute", "%s: %s", objname, name);
    if (h5i_close_id(&space) < 0 && ret == 0)
        ret = h5i_io_fail(h, e, "cannot close dataspace", "%s: %s", objname, name);
    return ret;
}

/* A string attribute on an open object. */
static int
attr_write_str(const nelm_h5 *h, hid_t obj, const char *objname, const char *name,
               const char *value, nelm_err *e)
{
    int ret = 0;
    hid_t type = utf8_type();
    if (type < 0) {
        ret = h5i_io_fail(h, e, "cannot create string type", "%s: %s", objname, name);
        goto out;
    }
    ret = h5i_attr_write(h, obj, objname, name, type, type, &value, e);
out:
    if (h5i_close_id(&type) < 0 && ret == 0)
        ret = h5i_io_fail(h, e, "cannot close string type", "%s: %s", objname, name);
    return ret;
}

/* An attribute on the object at path obj ("/" or a group or dataset). */
static int
attr_at(nelm_h5 *h, const char *obj, const char *name, hid_t ftype, hid_t mtype, const void *value,
        nelm_err *e)
{
    int ret = 0;
    hid_t o = H5Oopen(h->file, obj, H5P_DEFAULT);
    if (o < 0) {
        ret = h5i_io_fail(h, e, "cannot open object", "%s", obj);
        goto out;
    }
    ret = h5i_attr_write(h, o, obj, name, ftype, mtype, value, e);
out:
    if (o >= 0 && H5Oclose(o) < 0 && ret == 0)
        ret = h5i_io_fail(h, e, "cannot close object", "%s", obj);
    if (ret != 0)
        h->broken = true;
    return ret;
}

int
nelm_h5_attr_str(nelm_h5 *h, const char *obj, const char *name, const char *value, nelm_err *e)
{
    int ret = 0;
    hid_t type = utf8_type();
    if (type < 0) {
        ret = h5i_io_fail(h, e, "cannot create string type", "%s: %s", obj, name);
        h->broken = true;
        goto out;
    }
    ret = attr_at(h, obj, name, type, type, &value, e);
out:
    if (h5i_close_id(&type) < 0 && ret == 0) {
        ret = h5i_io_fail(h, e, "cannot close string type", "%s: %s", obj, name);
        h->broken = true;
    }
    return h5i_agree(h, ret, e);
}

int
nelm_h5_attr_u64(nelm_h5 *h, const char *obj, const char *name, uint64_t value, nelm_err *e)
{
    return h5i_agree(h, attr_at(h, obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value, e), e);
}

int
nelm_h5_attr_f64(nelm_h5 *h, const char *obj, const char *name, double value, nelm_err *e)
{
    return h5i_agree(h, attr_at(h, obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, e), e);
}

int
nelm_h5_attr_u64s(nelm_h5 *h, const char *obj, const char *name, const uint64_t *v, size_t n,
                  nelm_err *e)
{
    int ret = 0;
    hsize_t dim = (hsize_t)n;
    hid_t o = H5I_INVALID_HID, space = H5I_INVALID_HID, attr = H5I_INVALID_HID;
    nelm_bug_assert(n > 0);
    if ((o = H5Oopen(h->file, obj, H5P_DEFAULT)) < 0) {
        ret = h5i_io_fail(h, e, "cannot open object", "%s", obj);
        goto out;
    }
    htri_t exists = H5Aexists(o, name);
    if (exists < 0 || (exists > 0 && H5Adelete(o, name) < 0)) {
        ret = h5i_io_fail(h, e, "cannot replace attribute", "%s: %s", obj, name);
        goto out;
    }
    if ((space = H5Screate_simple(1, &dim, NULL)) < 0 ||
        (attr = H5Acreate2(o, name, H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        H5Awrite(attr, H5T_NATIVE_UINT64, v) < 0) {
        ret = h5i_io_fail(h, e, "cannot write attribute", "%s: %s", obj, name);
        goto out;
    }
out:
    if (h5i_close_id(&attr) < 0 && ret == 0)
        ret = h5i_io_fail(h, e, "cannot close attribute", "%s: %s", obj, name);
    if (h5i_close_id(&space) < 0 && ret == 0)
        ret = h5i_io_fail(h, e, "cannot close dataspace", "%s: %s", obj, name);
    if (o >= 0 && H5Oclose(o) < 0 && ret == 0)
        ret = h5i_io_fail(h, e, "cannot close object", "%s", obj);
    return h5i_agree(h, ret, e);
}

/* ---- string datasets ------------------------------------------------------------------ */

/* A contiguous dataset of n strings (n == 0 with scalar: one string) at path. */
int
h5i_strings_write(nelm_h5 *h, const char *path, const char *const *v, size_t n, bool scalar,
                  const char *doc, nelm_err *e)
{
    int ret = 0;
    hid_t type = H5I_INVALID_HID, space = H5I_INVALID_HID, lcpl = H5I_INVALID_HID;
    hid_t dset = H5I_INVALID_HID;

    if ((type = utf8_type()) < 0) {
        ret = h5i_io_fail(h, e, "cannot create string type", "%s", path);
        goto out;
    }
    if (scalar) {
        space = H5Screate(H5S_SCALAR);
    } else {
        hsize_t dim = (hsize_t)n;
        space = H5Screate_simple(1, &dim, NULL);
    }
    if (space < 0) {
        ret = h5i_io_fail(h, e, "cannot create dataspace", "%s", path);
        goto out;
    }
    if ((lcpl = parents_lcpl()) < 0) {
        ret = h5i_io_fail(h, e, "cannot create property list", "%s", path);
        goto out;
    }
    if ((dset = H5Dcreate2(h->file, path, type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT)) < 0) {
        ret = h5i_io_fail(h, e, "cannot create dataset", "%s", path);
        goto out;
    }
    if ((scalar || n > 0) && H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
        ret = h5i_io_fail(h, e, "cannot write dataset", "%s", path);
        goto out;
    }
    if (doc != NULL && (ret = attr_write_str(h, dset, path, "description", doc, e)) != 0)
        goto out;
out:
    close_checked(h, e, &ret, &dset, "dataset", path);
    close_checked(h, e, &ret, &lcpl, "property list", path);
    close_checked(h, e, &ret, &space, "dataspace", path);
    close_checked(h, e, &ret, &type, "string type", path);
    if (ret != 0)
        h->broken = true;
    return ret;
}

int
nelm_h5_string(nelm_h5 *h, const char *path, const char *text, const char *doc, nelm_err *e)
{
    nelm_bug_assert(text != NULL);
    if (h->coll)
        return h5i_coll_defer(h, path, &text, 1, true, doc, e);
    return h5i_strings_write(h, path, &text, 1, true, doc, e);
}

int
nelm_h5_strings(nelm_h5 *h, const char *path, const char *const *v, size_t n, const char *doc,
                nelm_err *e)
{
    nelm_bug_assert(v != NULL || n == 0);
    for (size_t i = 0; i < n; i++)
        nelm_bug_assert(v[i] != NULL);
    if (h->coll)
        return h5i_coll_defer(h, path, v, n, false, doc, e);
    return h5i_strings_write(h, path, v, n, false, doc, e);
}

/* ---- opening and tearing down -------------------------------------------------------- */

static void
table_free(nelm_h5_table *t)
{
    for (size_t j = 0; j < t->ncols; j++) {
        h5i_close_id(&t->cols[j].dset);
        free(t->cols[j].stage);
        free(t->cols[j].path);
        free(t->cols[j].pend);
    }
    h5i_close_id(&t->group);
    free(t->cols);
    free(t->path);
    free(t);
}

static void
queue_clear(nelm_h5 *h)
{
    for (size_t i = 0; i < h->nqueue; i++) {
        free(h->queue[i].raw);
        free(h->queue[i].out);
    }
    h->nqueue = 0;
}

/* Close everything still open, remove the temporary file if it is still
 * ours, free h. */
void
h5i_destroy(nelm_h5 *h)
{
    if (h == NULL)
        return;
    queue_clear(h);
    free(h->queue);
    while (h->tables != NULL) {
        nelm_h5_table *next = h->tables->next;
        table_free(h->tables);
        h->tables = next;
    }
    h5i_close_id(&h->file);
    if (h->tmp_exists)
        remove(h->tmp_path);
    for (size_t i = 0; i < h->ndef; i++) {
        for (size_t k = 0; k < h->def[i].n; k++)
            free(h->def[i].v[k]);
        free(h->def[i].v);
        free(h->def[i].path);
        free(h->def[i].doc);
    }
    free(h->def);
    free(h->tmp_path);
    free(h->final_path);
    free(h);
}

void
nelm_h5_abort(nelm_h5 *h)
{
    h5i_destroy(h);
}

/* The final name may be used: the level is valid, and it is not there, or
 * replaced with --force. */
int
h5i_check_final(const char *final_path, const nelm_h5_opts *opts, nelm_err *e)
{
    struct stat st;
    if (opts->deflate_level > 9)
        return NELM_FAIL(e, NELM_ERR_PARAM, "%s: deflate level %d is out of range (0 to 9)",
                         final_path, opts->deflate_level);
    if (stat(final_path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return NELM_FAIL(e, NELM_ERR_USAGE, "%s is a directory", final_path);
        if (!opts->force)
            return NELM_FAIL(e, NELM_ERR_USAGE, "%s exists (use --force to replace it)",
                             final_path);
    } else if (errno != ENOENT) {
        return NELM_FAIL(e, NELM_ERR_IO, "%s: cannot check the file (%s)", final_path,
                         strerror(errno));
    }
    /* Idempotent: failures are reported by us, one line each. */
    if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
        return NELM_FAIL(e, NELM_ERR_IO, "%s: cannot configure HDF5 error reporting", final_path);
    return 0;
}

int
nelm_h5_open(nelm_h5 **out, const char *final_path, const nelm_h5_opts *opts, nelm_err *e)
{
    int ret = 0;
    nelm_h5 *h = NULL;
    hid_t fapl = H5I_INVALID_HID;

    *out = NULL;
    if (nelm_par_active())
        return h5i_coll_open(out, final_path, opts, e);
    if ((ret = h5i_check_final(final_path, opts, e)) != 0)
        return ret;

    if ((h = nelm_calloc(1, sizeof *h)) == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", final_path);
        goto out;
    }
    h->file = H5I_INVALID_HID;
    h->level = opts->deflate_level < 0 ? -1 : opts->deflate_level;
    size_t tlen = strlen(final_path) + 32;
    if ((h->final_path = h5i_dup_str(final_path)) == NULL || (h->tmp_path = nelm_malloc(tlen)) == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", final_path);
        goto out;
    }
    snprintf(h->tmp_path, tlen, "%s.part-%ld", final_path, (long)getpid());

    /* Create it ourselves first: HDF5's failure would not say why. A stale
     * file of an earlier process with the same id is replaced. */
    int fd = open(h->tmp_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0) {
        ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot create %s (%s)", final_path, h->tmp_path,
                        strerror(errno));
        goto out;
    }
    h->tmp_exists = true;
    if (close(fd) != 0) {
        ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot create %s (%s)", final_path, h->tmp_path,
                        strerror(errno));
        goto out;
    }
    if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0 ||
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        ret = h5i_io_fail(h, e, "cannot create property list", "%s", h->tmp_path);
        goto out;
    }
    if ((h->file = H5Fcreate(h->tmp_path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl)) < 0) {
        ret = h5i_io_fail(h, e, "cannot create HDF5 file", "%s", h->tmp_path);
        goto out;
    }
out:
    if (fapl >= 0 && h5i_close_id(&fapl) < 0 && ret == 0)
        ret = h5i_io_fail(h, e, "cannot close property list", "%s", h->tmp_path);
    if (ret != 0)
        h5i_destroy(h);
    else
        *out = h;
    return ret;
}

/* ---- tables -------------------------------------------------------------------------- */

static size_t
type_size(nelm_h5_type t)
{
    switch (t) {
    case NELM_H5_F64:
    case NELM_H5_U64:
        return 8;
    case NELM_H5_U32:
        return 4;
    case NELM_H5_U16:
    case NELM_H5_I16:
        return 2;
    case NELM_H5_U8:
    case NELM_H5_I8:
    case NELM_H5_ENUM8:
    case NELM_H5_BOOL:
        return 1;
    }
    return 0;
}

/* The predefined little-endian file type of a numeric column. */
static hid_t
numeric_file_type(nelm_h5_type t)
{
    switch (t) {
    case NELM_H5_F64:
        return H5T_IEEE_F64LE;
    case NELM_H5_U64:
        return H5T_STD_U64LE;
    case NELM_H5_U32:
        return H5T_STD_U32LE;
    case NELM_H5_U16:
        return H5T_STD_U16LE;
    case NELM_H5_U8:
        return H5T_STD_U8LE;
    case NELM_H5_I16:
        return H5T_STD_I16LE;
    case NELM_H5_I8:
        return H5T_STD_I8LE;
    case NELM_H5_ENUM8:
    case NELM_H5_BOOL:
        break;
    }
    return H5I_INVALID_HID;
}

/* An enum type on uint8 with names[i] = i, or < 0. */
static hid_t
enum_type(const char *const *names, size_t n)
{
    hid_t t = H5Tenum_create(H5T_NATIVE_UINT8);
    if (t < 0)
        return H5I_INVALID_HID;
    for (size_t i = 0; i < n; i++) {
        uint8_t v = (uint8_t)i;
        if (H5Tenum_insert(t, names[i], &v) < 0) {
            H5Tclose(t);
            return H5I_INVALID_HID;
        }
    }
    return t;
}

static const char *const bool_names[2] = {"FALSE", "TRUE"};

/* Check a table's arguments before anything is created. */
static int
table_check(const nelm_h5 *h, const char *path, const nelm_h5_col *cols, size_t ncols,
            size_t chunk_rows, nelm_err *e)
{
    if (ncols == 0)
        return NELM_FAIL(e, NELM_ERR_PARAM, "%s: table %s has no columns", h->final_path, path);
    if (chunk_rows == 0 || chunk_rows > MAX_CHUNK_BYTES / 8)
        return NELM_FAIL(e, NELM_ERR_PARAM, "%s: table %s: %zu rows per chunk (1 to %zu)",
                         h->final_path, path, chunk_rows, MAX_CHUNK_BYTES / 8);
    for (size_t j = 0; j < ncols; j++) {
        const nelm_h5_col *c = &cols[j];
        if (c->name == NULL || c->name[0] == '\0' || strchr(c->name, '/') != NULL)
            return NELM_FAIL(e, NELM_ERR_PARAM, "%s: table %s: column %zu has no valid name",
                             h->final_path, path, j);
        if (type_size(c->type) == 0)
            return NELM_FAIL(e, NELM_ERR_PARAM, "%s: %s/%s: unknown column type %d", h->final_path,
                             path, c->name, (int)c->type);
        for (size_t k = 0; k < j; k++)
            if (strcmp(cols[k].name, c->name) == 0)
                return NELM_FAIL(e, NELM_ERR_PARAM, "%s: table %s: column %s appears twice",
                                 h->final_path, path, c->name);
        if (c->type != NELM_H5_ENUM8)
            continue;
        if (c->enum_n == 0 || c->enum_n > 256 || c->enum_names == NULL)
            return NELM_FAIL(e, NELM_ERR_PARAM, "%s: %s/%s: an enum needs 1 to 256 names",
                             h->final_path, path, c->name);
        for (size_t a = 0; a < c->enum_n; a++) {
            if (c->enum_names[a] == NULL || c->enum_names[a][0] == '\0')
                return NELM_FAIL(e, NELM_ERR_PARAM, "%s: %s/%s: enum value %zu has no name",
                                 h->final_path, path, c->name, a);
            for (size_t b = 0; b < a; b++)
                if (strcmp(c->enum_names[a], c->enum_names[b]) == 0)
                    return NELM_FAIL(e, NELM_ERR_PARAM, "%s: %s/%s: enum name %s appears twice",
                                     h->final_path, path, c->name, c->enum_names[a]);
        }
    }
    return 0;
}

/* Create column j's dataset (with its attributes) and staging buffer. */
static int
column_create(nelm_h5_table *t, size_t j, const nelm_h5_col *c, hid_t space, hid_t dcpl,
              nelm_err *e)
{
    int ret = 0;
    nelm_h5 *h = t->h;
    h5_col *col = &t->cols[j];
    hid_t ftype = H5I_INVALID_HID; /* owned only for enums */
    bool own = false;
    size_t plen = strlen(t->path) + strlen(c->name) + 2;

    col->type = c->type;
    col->esize = type_size(c->type);
    col->enum_n = c->type == NELM_H5_ENUM8 ? c->enum_n : c->type == NELM_H5_BOOL ? 2 : 0;
    if ((col->path = nelm_malloc(plen)) == NULL ||
        (col->stage = nelm_malloc(t->chunk_rows * col->esize)) == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", h->final_path);
        goto out;
    }
    snprintf(col->path, plen, "%s/%s", t->path, c->name);

    if (c->type == NELM_H5_ENUM8 || c->type == NELM_H5_BOOL) {
        own = true;
        ftype = c->type == NELM_H5_ENUM8 ? enum_type(c->enum_names, c->enum_n)
                                         : enum_type(bool_names, 2);
        if (ftype < 0) {
            ret = h5i_io_fail(h, e, "cannot create enum type", "%s", col->path);
            goto out;
        }
    } else {
        ftype = numeric_file_type(c->type);
    }
    col->dset = H5Dcreate2(t->group, c->name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (col->dset < 0) {
        ret = h5i_io_fail(h, e, "cannot create dataset", "%s", col->path);
        goto out;
    }
    if (c->units != NULL &&
        (ret = attr_write_str(h, col->dset, col->path, "units", c->units, e)) != 0)
        goto out;
    if (c->doc != NULL &&
        (ret = attr_write_str(h, col->dset, col->path, "description", c->doc, e)) != 0)
        goto out;
out:
    if (own && h5i_close_id(&ftype) < 0 && ret == 0)
        ret = h5i_io_fail(h, e, "cannot close enum type", "%s", col->path);
    return ret;
}

int
nelm_h5_table_create(nelm_h5 *h, const char *path, const nelm_h5_col *cols, size_t ncols,
                     size_t chunk_rows, const char *doc, nelm_h5_table **out, nelm_err *e)
{
    int ret = 0;
    nelm_h5_table *t = NULL;
    hid_t lcpl = H5I_INVALID_HID, gcpl = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    hid_t space = H5I_INVALID_HID;

    *out = NULL;
    if ((ret = table_check(h, path, cols, ncols, chunk_rows, e)) != 0)
        return h->coll ? h5i_agree(h, ret, e) : ret; /* nothing created: can still finish */
    if ((t = nelm_calloc(1, sizeof *t)) == NULL || (t->path = h5i_dup_str(path)) == NULL ||
        (t->cols = nelm_calloc(ncols, sizeof *t->cols)) == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", h->final_path);
        goto out;
    }
    t->h = h;
    t->group = H5I_INVALID_HID;
    t->chunk_rows = chunk_rows;
    for (size_t j = 0; j < ncols; j++)
        t->cols[j].dset = H5I_INVALID_HID;
    t->ncols = ncols;

    /* No modification times: the same run gives the same bytes. */
    if ((lcpl = parents_lcpl()) < 0 || (gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0 ||
        H5Pset_obj_track_times(gcpl, 0) < 0) {
        ret = h5i_io_fail(h, e, "cannot create property list", "%s", path);
        goto out;
    }
    if ((t->group = H5Gcreate2(h->file, path, lcpl, gcpl, H5P_DEFAULT)) < 0) {
        ret = h5i_io_fail(h, e, "cannot create group", "%s", path);
        goto out;
    }
    if (doc != NULL && (ret = attr_write_str(h, t->group, path, "description", doc, e)) != 0)
        goto out;
    uint64_t cr = chunk_rows;
    if ((ret = h5i_attr_write(h, t->group, path, "chunk_rows", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                              &cr, e)) != 0)
        goto out;

    hsize_t dim0 = 0, maxdim = H5S_UNLIMITED, chunk = (hsize_t)chunk_rows;
    if ((space = H5Screate_simple(1, &dim0, &maxdim)) < 0) {
        ret = h5i_io_fail(h, e, "cannot create dataspace", "%s", path);
        goto out;
    }
    if ((dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 || H5Pset_chunk(dcpl, 1, &chunk) < 0 ||
        H5Pset_obj_track_times(dcpl, 0) < 0) {
        ret = h5i_io_fail(h, e, "cannot create property list", "%s", path);
        goto out;
    }
    if (h->level >= 0 &&
        (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, (unsigned)h->level) < 0)) {
        ret = h5i_io_fail(h, e, "cannot set filters", "%s", path);
        goto out;
    }
    for (size_t j = 0; j < ncols; j++)
        if ((ret = column_create(t, j, &cols[j], space, dcpl, e)) != 0)
            goto out;
out:
    close_checked(h, e, &ret, &dcpl, "property list", path);
    close_checked(h, e, &ret, &space, "dataspace", path);
    close_checked(h, e, &ret, &gcpl, "property list", path);
    close_checked(h, e, &ret, &lcpl, "property list", path);
    ret = h5i_agree(h, ret, e);
    if (ret != 0) {
        h->broken = true;
        if (t != NULL)
            table_free(t);
        return ret;
    }
    nelm_h5_table **tail = &h->tables;
    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = t;
    *out = t;
    return 0;
}

void
nelm_h5_rows_of(nelm_h5_table *t, const char *column, nelm_h5_table *ref)
{
    size_t j = 0;
    while (j < t->ncols && strcmp(strrchr(t->cols[j].path, '/') + 1, column) != 0)
        j++;
    nelm_bug_assert(j < t->ncols && t->cols[j].esize == 8 && ref->h == t->h);
    t->cols[j].rows_of = ref;
}

uint64_t
nelm_h5_rows(const nelm_h5_table *t)
{
    return t->h->coll ? t->npend : t->rows;
}

/* ---- appending and the queue ----------------------------------------------------------- */

/* Room for `more` queue entries. */
static int
queue_reserve(nelm_h5 *h, size_t more, nelm_err *e)
{
    if (h->qcap - h->nqueue >= more)
        return 0;
    size_t cap = h->qcap > 0 ? h->qcap : 16;
    while (cap - h->nqueue < more)
        cap *= 2;
    h5_chunk *q = nelm_realloc(h->queue, cap * sizeof *q);
    if (q == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", h->final_path);
    h->queue = q;
    h->qcap = cap;
    return 0;
}

/* Move every column's staging chunk to the queue: whole chunks (fresh staging
 * buffers take their place) or, at close, the partial last chunk padded with
 * zeros (staging then stays empty). All or nothing. */
static int
queue_chunks(nelm_h5_table *t, bool last, nelm_err *e)
{
    nelm_h5 *h = t->h;
    size_t filled = (size_t)(t->rows % t->chunk_rows);
    uint64_t offset = t->rows - (filled > 0 ? filled : t->chunk_rows);
    int ret = queue_reserve(h, t->ncols, e);
    if (ret != 0)
        return ret;
    if (!last) {
        /* Fresh buffers first, so a failure leaves the table as it was. */
        size_t j = 0;
        for (; j < t->ncols; j++)
            if ((h->queue[h->nqueue + j].raw = nelm_malloc(t->chunk_rows * t->cols[j].esize)) == NULL)
                break;
        if (j < t->ncols) {
            while (j-- > 0)
                free(h->queue[h->nqueue + j].raw);
            return NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", h->final_path);
        }
    }
    for (size_t j = 0; j < t->ncols; j++) {
        h5_col *col = &t->cols[j];
        h5_chunk *c = &h->queue[h->nqueue + j];
        size_t nbytes = t->chunk_rows * col->esize;
        unsigned char *fresh = last ? NULL : c->raw;
        if (last)
            memset(col->stage + filled * col->esize, 0, nbytes - filled * col->esize);
        *c = (h5_chunk){.col = col,
                        .offset = offset,
                        .rows_end = last ? t->rows : offset + t->chunk_rows,
                        .nbytes = nbytes,
                        .raw = col->stage};
        col->stage = fresh;
    }
    h->nqueue += t->ncols;
    return 0;
}

/* Values of enum and bool columns must name a member. */
static int
append_check(const nelm_h5_table *t, const void *const *cols, size_t n, nelm_err *e)
{
    for (size_t j = 0; j < t->ncols; j++) {
        const h5_col *col = &t->cols[j];
        if (col->enum_n == 0 || col->enum_n == 256)
            continue;
        const uint8_t *v = cols[j];
        for (size_t i = 0; i < n; i++)
            if (v[i] >= col->enum_n)
                return NELM_FAIL(e, NELM_ERR_PARAM,
                                 "%s: %s: value %u at row %llu is not in the enum (0 to %zu)",
                                 t->h->final_path, col->path, (unsigned)v[i],
                                 (unsigned long long)(t->rows + i), col->enum_n - 1);
    }
    return 0;
}

int
nelm_h5_append(nelm_h5_table *t, const void *const *cols, size_t n, nelm_err *e)
{
    nelm_h5 *h = t->h;
    int ret = 0;
    if (n == 0)
        return 0;
    nelm_bug_assert(cols != NULL);
    for (size_t j = 0; j < t->ncols; j++)
        nelm_bug_assert(cols[j] != NULL && t->cols[j].stage != NULL);
    if ((ret = append_check(t, cols, n, e)) != 0)
        return ret;
    if (h->coll)
        return h5i_coll_append(t, cols, n, e);
    size_t done = 0;
    while (done < n) {
        size_t filled = (size_t)(t->rows % t->chunk_rows);
        size_t k = t->chunk_rows - filled;
        if (k > n - done)
            k = n - done;
        for (size_t j = 0; j < t->ncols; j++) {
            h5_col *col = &t->cols[j];
            memcpy(col->stage + filled * col->esize,
                   (const unsigned char *)cols[j] + done * col->esize, k * col->esize);
            h->raw_bytes += (uint64_t)(k * col->esize);
        }
        t->rows += k;
        done += k;
        if (filled + k == t->chunk_rows && (ret = queue_chunks(t, false, e)) != 0) {
            h->broken = true;
            return ret;
        }
    }
    return 0;
}

/* Byte b of element i to b * nelem + i: HDF5's shuffle filter. */
static void
shuffle_bytes(unsigned char *restrict dst, const unsigned char *restrict src, size_t nelem,
              size_t esize)
{
    for (size_t b = 0; b < esize; b++) {
        unsigned char *d = dst + b * nelem;
        const unsigned char *s = src + b;
        for (size_t i = 0; i < nelem; i++)
            d[i] = s[i * esize];
    }
}

/* Shuffle and deflate one chunk into c->out, freeing c->raw. Runs inside the
 * parallel region: no HDF5, errors recorded in c. */
static void
compress_chunk(h5_chunk *c, int level)
{
    size_t esize = c->col->esize, nelem = c->nbytes / esize;
    uLong bound = compressBound((uLong)c->nbytes);
    const unsigned char *src = c->raw;
    unsigned char *shuffled = NULL;

    if ((c->out = nelm_malloc((size_t)bound)) == NULL) {
        c->err = NELM_ERR_NOMEM;
        return;
    }
    if (esize > 1 && nelem > 1) {
        if ((shuffled = nelm_malloc(c->nbytes)) == NULL) {
            c->err = NELM_ERR_NOMEM;
            return;
        }
        shuffle_bytes(shuffled, c->raw, nelem, esize);
        src = shuffled;
    }
    uLongf len = bound;
    int z = compress2(c->out, &len, src, (uLong)c->nbytes, level);
    free(shuffled);
    if (z != Z_OK) {
        c->err = NELM_ERR_IO;
        c->zerr = z;
        return;
    }
    c->out_len = (size_t)len;
    free(c->raw);
    c->raw = NULL;
}

size_t
nelm_h5_deflate_bound(size_t nbytes)
{
    return (size_t)compressBound((uLong)nbytes);
}

int
nelm_h5_deflate(const void *raw, size_t nbytes, size_t esize, int level, void *out, size_t outcap,
                size_t *outlen)
{
    unsigned char *shuffled = NULL;
    const unsigned char *src = raw;
    size_t nelem = esize ? nbytes / esize : 0;
    if (esize > 1 && nelem > 1) {
        if ((shuffled = nelm_malloc(nbytes)) == NULL)
            return NELM_ERR_NOMEM;
        shuffle_bytes(shuffled, raw, nelem, esize);
        src = shuffled;
    }
    uLongf len = (uLongf)outcap;
    int z = compress2(out, &len, src, (uLong)nbytes, level);
    free(shuffled);
    if (z != Z_OK)
        return NELM_ERR_IO;
    *outlen = (size_t)len;
    return 0;
}

/* Grow the extent to cover the chunk and write it. */
static int
write_chunk(nelm_h5 *h, h5_chunk *c, nelm_err *e)
{
    h5_col *col = c->col;
    if (col->extent < c->rows_end) {
        hsize_t dim = (hsize_t)c->rows_end;
        if (H5Dset_extent(col->dset, &dim) < 0)
            return h5i_io_fail(h, e, "cannot extend dataset", "%s to %llu rows", col->path,
                               (unsigned long long)c->rows_end);
        col->extent = c->rows_end;
    }
    hsize_t offset = (hsize_t)c->offset;
    const void *buf = h->level >= 0 ? (const void *)c->out : (const void *)c->raw;
    size_t size = h->level >= 0 ? c->out_len : c->nbytes;
    if (H5Dwrite_chunk(col->dset, H5P_DEFAULT, 0, &offset, size, buf) < 0)
        return h5i_io_fail(h, e, "cannot write chunk", "%s rows %llu+", col->path,
                           (unsigned long long)c->offset);
    h->stored_bytes += (uint64_t)size;
    return 0;
}

/* Compress (in parallel) and write the queue in order; it is empty after. */
static int
queue_flush(nelm_h5 *h, int threads, nelm_err *e)
{
    int ret = 0;
    size_t nq = h->nqueue;
    h5_chunk *q = h->queue;
    if (nq == 0)
        return 0;
    if (h->level >= 0) {
        int nt = threads > 0 ? threads : omp_get_max_threads();
        if ((size_t)nt > nq)
            nt = (int)nq;
        int level = h->level;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
        for (size_t i = 0; i < nq; i++)
            compress_chunk(&q[i], level);
        for (size_t i = 0; i < nq; i++) {
            if (q[i].err == NELM_ERR_NOMEM) {
                ret = NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", h->final_path);
                goto out;
            }
            if (q[i].err != 0) {
                ret = h5i_io_fail(h, e, "zlib compression failed", "%s rows %llu+: zlib error %d",
                                  q[i].col->path, (unsigned long long)q[i].offset, q[i].zerr);
                goto out;
            }
        }
    }
    for (size_t i = 0; i < nq; i++) {
        if ((ret = write_chunk(h, &q[i], e)) != 0)
            goto out;
        free(q[i].raw);
        free(q[i].out);
        q[i].raw = q[i].out = NULL;
    }
out:
    queue_clear(h);
    return ret;
}

/* ---- batches: compression overlapped with the caller's work ---- */

struct nelm_h5_batch {
    h5_chunk *v;
    size_t n;
    int level;
};

nelm_h5_batch *
nelm_h5_take(nelm_h5 *h)
{
    if (h->nqueue == 0)
        return NULL;
    nelm_h5_batch *b = nelm_malloc(sizeof *b);
    if (b == NULL)
        return NULL; /* the chunks stay queued: nelm_h5_flush writes them */
    b->v = h->queue;
    b->n = h->nqueue;
    b->level = h->level;
    h->queue = NULL;
    h->nqueue = 0;
    h->qcap = 0;
    return b;
}

size_t
nelm_h5_batch_size(const nelm_h5_batch *b)
{
    return b ? b->n : 0;
}

void
nelm_h5_batch_compress(nelm_h5_batch *b, size_t i)
{
    if (b->level >= 0)
        compress_chunk(&b->v[i], b->level);
}

void
nelm_h5_batch_free(nelm_h5_batch *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->n; i++) {
        free(b->v[i].raw);
        free(b->v[i].out);
    }
    free(b->v);
    free(b);
}

int
nelm_h5_batch_write(nelm_h5 *h, nelm_h5_batch *b, nelm_err *e)
{
    int ret = 0;
    for (size_t i = 0; b && i < b->n && ret == 0; i++) {
        h5_chunk *c = &b->v[i];
        if (c->err == NELM_ERR_NOMEM)
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory", h->final_path);
        else if (c->err != 0)
            ret = h5i_io_fail(h, e, "zlib compression failed", "%s rows %llu+: zlib error %d",
                              c->col->path, (unsigned long long)c->offset, c->zerr);
        else
            ret = write_chunk(h, c, e);
    }
    nelm_h5_batch_free(b);
    if (ret != 0)
        h->broken = true;
    return ret;
}

int
nelm_h5_flush(nelm_h5 *h, int threads, nelm_err *e)
{
    if (h->coll)
        return nelm_h5_sync(h, 0, e);
    int ret = queue_flush(h, threads, e);
    if (ret != 0)
        h->broken = true;
    return ret;
}

void
nelm_h5_bytes(const nelm_h5 *h, uint64_t *raw, uint64_t *stored)
{
    if (raw != NULL)
        *raw = h->raw_bytes;
    if (stored != NULL)
        *stored = h->stored_bytes;
}

/* ---- closing --------------------------------------------------------------------------- */

/* Partial chunks, exact extents, then every table handle closed. */
static int
tables_finish(nelm_h5 *h, int threads, nelm_err *e)
{
    int ret = 0;
    for (nelm_h5_table *t = h->tables; t != NULL; t = t->next)
        if (t->rows % t->chunk_rows != 0 && (ret = queue_chunks(t, true, e)) != 0)
            return ret;
    if ((ret = queue_flush(h, threads, e)) != 0)
        return ret;
    for (nelm_h5_table *t = h->tables; t != NULL; t = t->next) {
        for (size_t j = 0; j < t->ncols; j++) {
            h5_col *col = &t->cols[j];
            hsize_t dim = (hsize_t)t->rows;
            if (col->extent != t->rows && H5Dset_extent(col->dset, &dim) < 0)
                return h5i_io_fail(h, e, "cannot set extent", "%s to %llu rows", col->path,
                                   (unsigned long long)t->rows);
            col->extent = t->rows;
            if (h5i_close_id(&col->dset) < 0)
                return h5i_io_fail(h, e, "cannot close dataset", "%s", col->path);
        }
        if (h5i_close_id(&t->group) < 0)
            return h5i_io_fail(h, e, "cannot close group", "%s", t->path);
    }
    return 0;
}

/* The directory holding path, to make the rename durable (best effort). */
void
h5i_sync_parent(const char *path)
{
    char dir[4096]; /* no allocation: this runs after the rename, when nothing may fail */
    const char *slash = strrchr(path, '/');
    size_t n = slash == NULL ? 0 : slash == path ? 1 : (size_t)(slash - path);
    if (n >= sizeof dir)
        return;
    if (n == 0)
        snprintf(dir, sizeof dir, ".");
    else {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        (void)close(fd);
    }
}

int
nelm_h5_close(nelm_h5 *h, int threads, nelm_err *e)
{
    int ret = 0;
    hid_t root = H5I_INVALID_HID;

    if (h->coll)
        return h5i_coll_close(h, e);
    if (h->broken) {
        ret = h5i_io_fail(h, e, "not finished after an earlier error", "%s", h->tmp_path);
        goto out;
    }
    if ((ret = tables_finish(h, threads, e)) != 0)
        goto out;
    if ((root = H5Gopen2(h->file, "/", H5P_DEFAULT)) < 0) {
        ret = h5i_io_fail(h, e, "cannot open group", "/");
        goto out;
    }
    uint8_t one = 1;
    if ((ret = h5i_attr_write(h, root, "/", "complete", H5T_STD_U8LE, H5T_NATIVE_UINT8, &one, e)) !=
        0)
        goto out;
    if (h5i_close_id(&root) < 0) {
        ret = h5i_io_fail(h, e, "cannot close group", "/");
        goto out;
    }
    if (H5Fflush(h->file, H5F_SCOPE_GLOBAL) < 0) {
        ret = h5i_io_fail(h, e, "cannot flush file", "%s", h->tmp_path);
        goto out;
    }
    if (h5i_close_id(&h->file) < 0) {
        ret = h5i_io_fail(h, e, "cannot close file", "%s", h->tmp_path);
        goto out;
    }
    int fd = open(h->tmp_path, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot sync %s (%s)", h->final_path, h->tmp_path,
                        strerror(errno));
        if (fd >= 0)
            (void)close(fd);
        goto out;
    }
    if (close(fd) != 0) {
        ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot sync %s (%s)", h->final_path, h->tmp_path,
                        strerror(errno));
        goto out;
    }
    if (rename(h->tmp_path, h->final_path) != 0) {
        ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot rename %s to it (%s)", h->final_path,
                        h->tmp_path, strerror(errno));
        goto out;
    }
    h->tmp_exists = false;
    h5i_sync_parent(h->final_path);
out:
    h5i_close_id(&root);
    h5i_destroy(h);
    return ret;
}

int64_t
nelm_h5_file_id(const nelm_h5 *h)
{
    return (int64_t)h->file;
}

int
nelm_h5_read_attr_u64(int64_t loc, const char *name, uint64_t *v)
{
    if (H5Aexists((hid_t)loc, name) <= 0)
        return -1;
    hid_t a = H5Aopen((hid_t)loc, name, H5P_DEFAULT);
    if (a < 0)
        return -1;
    hid_t t = H5Aget_type(a);
    herr_t r = t >= 0 && H5Tget_class(t) == H5T_INTEGER ? H5Aread(a, H5T_NATIVE_UINT64, v) : -1;
    if (t >= 0)
        H5Tclose(t);
    H5Aclose(a);
    return r < 0 ? -1 : 0;
}

int
nelm_h5_read_attr_str(int64_t loc, const char *name, char *out, size_t len)
{
    if (len == 0 || H5Aexists((hid_t)loc, name) <= 0)
        return -1;
    hid_t a = H5Aopen((hid_t)loc, name, H5P_DEFAULT);
    if (a < 0)
        return -1;
    hid_t t = H5Aget_type(a);
    int ret = -1;
    if (t >= 0 && H5Tget_class(t) == H5T_STRING) {
        if (H5Tis_variable_str(t) > 0) {
            hid_t mt = H5Tcopy(H5T_C_S1);
            char *s = NULL;
            H5Tset_size(mt, H5T_VARIABLE);
            H5Tset_cset(mt, H5Tget_cset(t)); /* UTF-8 as written: no conversion */
            if (H5Aread(a, mt, &s) >= 0 && s) {
                snprintf(out, len, "%s", s);
                H5free_memory(s);
                ret = 0;
            }
            H5Tclose(mt);
        } else {
            size_t sz = H5Tget_size(t);
            char *buf = nelm_calloc(sz + 1, 1);
            if (buf && H5Aread(a, t, buf) >= 0) {
                snprintf(out, len, "%s", buf);
                ret = 0;
            }
            free(buf);
        }
    }
    if (t >= 0)
        H5Tclose(t);
    H5Aclose(a);
    return ret;
}

/* a scalar or 1-D variable-length UTF-8 string dataset of f: n strings
 * (n = 1 for a scalar) into v (malloc'ed, each to H5free_memory) */
char **
nelm_h5_read_strings(int64_t loc, const char *path, size_t *n)
{
    char **v = NULL;
    hid_t d = H5Dopen2((hid_t)loc, path, H5P_DEFAULT);
    if (d < 0)
        return NULL;
    hid_t sp = H5Dget_space(d), t = H5Tcopy(H5T_C_S1);
    hsize_t dims[1] = {1};
    int nd = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    if (t >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 && H5Tset_cset(t, H5T_CSET_UTF8) >= 0 &&
        (nd == 0 || (nd == 1 && H5Sget_simple_extent_dims(sp, dims, NULL) == 1))) {
        v = nelm_calloc((size_t)dims[0] + 1, sizeof *v);
        if (v && dims[0] > 0 && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
            free(v);
            v = NULL;
        }
        if (v)
            *n = (size_t)dims[0];
    }
    if (t >= 0)
        H5Tclose(t);
    if (sp >= 0)
        H5Sclose(sp);
    H5Dclose(d);
    return v;
}

void
nelm_h5_strings_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        H5free_memory(v[i]);
    free(v);
}

int
nelm_h5_shard_state(const char *path, const char *fingerprint, char *why, size_t whylen)
{
    H5E_auto2_t fn = NULL;
    void *data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &fn, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int res = -1;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f >= 0) {
        uint64_t complete = 0;
        char fp[64] = "";
        if (nelm_h5_read_attr_u64((int64_t)f, "complete", &complete) != 0)
            complete = 0;
        nelm_h5_read_attr_str((int64_t)f, "fingerprint", fp, sizeof fp);
        if (complete == 1) {
            res = strcmp(fp, fingerprint) == 0;
            if (!res)
                snprintf(why, whylen, "its run fingerprint is %s, this run's %s",
                         fp[0] ? fp : "(none)", fingerprint);
        }
        H5Fclose(f);
    }
    H5Eset_auto2(H5E_DEFAULT, fn, data);
    return res;
}

int
nelm_h5_attr_created(nelm_h5 *h, nelm_err *e)
{
    char when[64];
    time_t now_t = time(NULL);
    struct tm tmv;
    if (gmtime_r(&now_t, &tmv) == NULL ||
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tmv) == 0)
        snprintf(when, sizeof when, "unknown");
    nelm_par_bcast(when, sizeof when); /* one time for every rank */
    return nelm_h5_attr_str(h, "/", "created", when, e);
}
