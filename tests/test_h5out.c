/* test_h5out.c — the HDF5 writer (DESIGN §7): a table with every column type,
 * more than three whole chunks and a partial one, appended in irregular
 * pieces and flushed at 1, 2 and the default number of threads, written with
 * deflate level 4 and without compression, then read back with the HDF5 C
 * API: every value, types (little-endian file types, enum names, the bool
 * enum), chunk size, filters, extents, attributes, the "complete" flag, the
 * string datasets. Each stored chunk is compared byte for byte with the chunk
 * HDF5's own shuffle and deflate filters make from the same data, and h5dump
 * (when installed) reads the compressed file. (The byte comparison relies on
 * HDF5 and sim/h5out.c sharing one zlib, as with Debian's packages.) Then the file life cycle:
 * existing files with and without --force, abort, unwritable places, bad
 * arguments, and a failed call that forbids finishing the file. All files
 * live in a fresh directory under /tmp, removed afterwards. */
#define _POSIX_C_SOURCE 200809L

#include "testutil.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>

#include "h5out.h"

enum { CH = 1000, NROWS = 4 * CH + 357, NCOLS = 9, NCHUNKS = (NROWS + CH - 1) / CH };

#define H5DUMP "/usr/bin/h5dump"

static const char *const colors[] = {"red", "green", "blue"};

static const nelm_h5_col all_cols[NCOLS] = {
    {"f64", NELM_H5_F64, "months", "a double column", NULL, 0},
    {"u64", NELM_H5_U64, NULL, "patient ids", NULL, 0},
    {"u32", NELM_H5_U32, "count", NULL, NULL, 0},
    {"u16", NELM_H5_U16, NULL, NULL, NULL, 0},
    {"u8", NELM_H5_U8, NULL, NULL, NULL, 0},
    {"i16", NELM_H5_I16, NULL, NULL, NULL, 0},
    {"i8", NELM_H5_I8, NULL, NULL, NULL, 0},
    {"color", NELM_H5_ENUM8, NULL, "an enum", colors, 3},
    {"flag", NELM_H5_BOOL, NULL, "a bool", NULL, 0},
};
static const size_t esizes[NCOLS] = {8, 8, 4, 2, 1, 2, 1, 1, 1};
enum { ROW_BYTES = 28 };

/* The column data, compressible but not trivially so. */
static struct {
    double f64[NROWS];
    uint64_t u64[NROWS];
    uint32_t u32[NROWS];
    uint16_t u16[NROWS];
    uint8_t u8[NROWS];
    int16_t i16[NROWS];
    int8_t i8[NROWS];
    uint8_t color[NROWS];
    uint8_t flag[NROWS];
} D;
static const void *data_ptr[NCOLS];

static void
fill_data(void)
{
    for (uint32_t i = 0; i < NROWS; i++) {
        D.f64[i] = i * 0.25 - 100.0;
        D.u64[i] = (uint64_t)i * 1000003u + ((uint64_t)1 << 40);
        D.u32[i] = (i * 7u) ^ 0x80000000u;
        D.u16[i] = (uint16_t)(i * 13u);
        D.u8[i] = (uint8_t)(i % 251u);
        D.i16[i] = (int16_t)((int)(i % 4000u) - 2000);
        D.i8[i] = (int8_t)((int)(i % 200u) - 100);
        D.color[i] = (uint8_t)((i / 10u) % 3u);
        D.flag[i] = i % 7u == 0;
    }
    const void *p[NCOLS] = {D.f64, D.u64, D.u32, D.u16, D.u8, D.i16, D.i8, D.color, D.flag};
    memcpy(data_ptr, p, sizeof p);
}

/* ---- fixture: a fresh directory ------------------------------------------------- */

typedef struct fixture {
    char dir[64];
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/nelm-h5out-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    if (d != NULL) {
        struct dirent *de;
        char p[512];
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", f->dir, de->d_name);
            remove(p);
        }
        closedir(d);
    }
    int r = rmdir(f->dir);
    free(f);
    return r;
}

static const char *
path_in(const fixture *f, const char *name, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s", f->dir, name);
    return buf;
}

/* Entries of the directory other than . and ..; the first name in first. */
static int
count_entries(const fixture *f, char *first, size_t cap)
{
    DIR *d = opendir(f->dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n++ == 0 && first != NULL)
            snprintf(first, cap, "%s", de->d_name);
    }
    closedir(d);
    return n;
}

static void
ok(int ret, const nelm_err *e)
{
    if (ret != 0)
        print_error("%s\n", e->msg);
    assert_int_equal(ret, 0);
}

static void
write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* ---- writing ------------------------------------------------------------------- */

static const char *const names3[] = {"alpha", "\xce\xb2", "gamma"}; /* β */
static const char *const param_text = "model: nelm\nscale: 0.5 \xc2\xb5m\n";

/* Write the test file: table data/t (all columns, appended in irregular
 * pieces, flushed at 1, 2 and default threads), table data/one (chunk of one
 * row), an empty table, string datasets and attributes. */
static void
write_file(const char *path, int level, uint64_t *raw, uint64_t *stored)
{
    nelm_err e = {0};
    nelm_h5 *h = NULL;
    nelm_h5_opts o = {.deflate_level = level, .force = false};
    ok(nelm_h5_open(&h, path, &o, &e), &e);
    assert_non_null(h);

    nelm_h5_table *t = NULL, *one = NULL, *empty = NULL;
    ok(nelm_h5_table_create(h, "data/t", all_cols, NCOLS, CH, "the test table", &t, &e), &e);
    const nelm_h5_col one_cols[] = {{"x", NELM_H5_F64, NULL, NULL, NULL, 0},
                                    {"n", NELM_H5_U32, NULL, NULL, NULL, 0}};
    ok(nelm_h5_table_create(h, "data/one", one_cols, 2, 1, NULL, &one, &e), &e);
    ok(nelm_h5_table_create(h, "empty", one_cols, 2, 64, NULL, &empty, &e), &e);

    static const size_t pieces[] = {1, 999, 1, 1500, 250, 7, 1242};
    size_t done = 0, k = 0;
    int threads[] = {1, 2, 0};
    while (done < NROWS) {
        size_t n = pieces[k % (sizeof pieces / sizeof pieces[0])];
        if (n > NROWS - done)
            n = NROWS - done;
        const void *p[NCOLS];
        for (size_t j = 0; j < NCOLS; j++)
            p[j] = (const unsigned char *)data_ptr[j] + done * esizes[j];
        ok(nelm_h5_append(t, p, n, &e), &e);
        done += n;
        assert_int_equal(nelm_h5_rows(t), done);
        if (k % 2 == 1)
            ok(nelm_h5_flush(h, threads[(k / 2) % 3], &e), &e);
        k++;
    }
    const void *p1[] = {D.f64, D.u32};
    ok(nelm_h5_append(one, p1, 3, &e), &e);
    assert_int_equal(nelm_h5_rows(empty), 0);

    ok(nelm_h5_string(h, "params/text", param_text, "the parameters", &e), &e);
    ok(nelm_h5_strings(h, "meta/names", names3, 3, "three names", &e), &e);
    ok(nelm_h5_strings(h, "meta/none", NULL, 0, NULL, &e), &e);
    ok(nelm_h5_attr_str(h, "/", "format", "nelmsim test", &e), &e);
    ok(nelm_h5_attr_u64(h, "/", "seed", UINT64_C(18446744073709551557), &e), &e);
    ok(nelm_h5_attr_f64(h, "data/t/f64", "scale", 0.125, &e), &e);
    ok(nelm_h5_attr_str(h, "data", "note", "replaced below", &e), &e);
    ok(nelm_h5_attr_str(h, "data", "note", "group attribute", &e), &e);
    ok(nelm_h5_flush(h, 0, &e), &e);
    nelm_h5_bytes(h, raw, stored);
    ok(nelm_h5_close(h, 2, &e), &e);
}

/* ---- reading ------------------------------------------------------------------- */

static hid_t
utf8(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    assert_true(t >= 0);
    assert_true(H5Tset_size(t, H5T_VARIABLE) >= 0);
    assert_true(H5Tset_cset(t, H5T_CSET_UTF8) >= 0);
    return t;
}

static void
check_str_attr(hid_t obj, const char *name, const char *want)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t ft = H5Aget_type(a);
    assert_int_equal(H5Tget_class(ft), H5T_STRING);
    assert_true(H5Tis_variable_str(ft) > 0);
    assert_int_equal(H5Tget_cset(ft), H5T_CSET_UTF8);
    hid_t space = H5Aget_space(a);
    assert_int_equal(H5Sget_simple_extent_type(space), H5S_SCALAR);
    hid_t mt = utf8();
    char *s = NULL;
    assert_true(H5Aread(a, mt, &s) >= 0);
    assert_non_null(s);
    assert_string_equal(s, want);
    H5free_memory(s);
    H5Tclose(mt);
    H5Sclose(space);
    H5Tclose(ft);
    H5Aclose(a);
}

static uint64_t
read_u64_attr(hid_t obj, const char *name)
{
    uint64_t v = 0;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t ft = H5Aget_type(a);
    assert_true(H5Tequal(ft, H5T_STD_U64LE) > 0);
    assert_true(H5Aread(a, H5T_NATIVE_UINT64, &v) >= 0);
    H5Tclose(ft);
    H5Aclose(a);
    return v;
}

static hid_t
file_type_of(nelm_h5_type t)
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
    default:
        return H5I_INVALID_HID;
    }
}

static hid_t
mem_type_of(nelm_h5_type t)
{
    switch (t) {
    case NELM_H5_F64:
        return H5T_NATIVE_DOUBLE;
    case NELM_H5_U64:
        return H5T_NATIVE_UINT64;
    case NELM_H5_U32:
        return H5T_NATIVE_UINT32;
    case NELM_H5_U16:
        return H5T_NATIVE_UINT16;
    case NELM_H5_U8:
        return H5T_NATIVE_UINT8;
    case NELM_H5_I16:
        return H5T_NATIVE_INT16;
    case NELM_H5_I8:
        return H5T_NATIVE_INT8;
    default:
        return H5I_INVALID_HID;
    }
}

/* The enum type's members are names[i] = i on a 1-byte unsigned base. */
static void
check_enum(hid_t ft, const char *const *names, int n)
{
    assert_int_equal(H5Tget_class(ft), H5T_ENUM);
    assert_int_equal(H5Tget_nmembers(ft), n);
    hid_t base = H5Tget_super(ft);
    assert_int_equal(H5Tget_size(base), 1);
    assert_int_equal(H5Tget_sign(base), H5T_SGN_NONE);
    H5Tclose(base);
    for (int i = 0; i < n; i++) {
        char *name = H5Tget_member_name(ft, (unsigned)i);
        assert_non_null(name);
        assert_string_equal(name, names[i]);
        H5free_memory(name);
        uint8_t v = 0xff;
        assert_true(H5Tget_member_value(ft, (unsigned)i, &v) >= 0);
        assert_int_equal(v, i);
    }
}

/* One column: type, shape, chunking, filters, attributes and every value. */
static void
check_column(hid_t file, const char *table, const nelm_h5_col *c, size_t esize, const void *want,
             size_t nrows, size_t chunk, int level)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", table, c->name);
    hid_t d = H5Dopen2(file, p, H5P_DEFAULT);
    assert_true(d >= 0);

    hid_t space = H5Dget_space(d);
    assert_int_equal(H5Sget_simple_extent_ndims(space), 1);
    hsize_t dim = 0, maxdim = 0;
    assert_true(H5Sget_simple_extent_dims(space, &dim, &maxdim) >= 0);
    assert_int_equal(dim, nrows);
    assert_true(maxdim == H5S_UNLIMITED);

    hid_t dcpl = H5Dget_create_plist(d);
    assert_int_equal(H5Pget_layout(dcpl), H5D_CHUNKED);
    hsize_t cdim = 0;
    assert_int_equal(H5Pget_chunk(dcpl, 1, &cdim), 1);
    assert_int_equal(cdim, chunk);
    if (level < 0) {
        assert_int_equal(H5Pget_nfilters(dcpl), 0);
    } else {
        assert_int_equal(H5Pget_nfilters(dcpl), 2);
        unsigned flags, cd[8];
        size_t ncd = 8;
        assert_int_equal(H5Pget_filter2(dcpl, 0, &flags, &ncd, cd, 0, NULL, NULL),
                         H5Z_FILTER_SHUFFLE);
        ncd = 8;
        assert_int_equal(H5Pget_filter2(dcpl, 1, &flags, &ncd, cd, 0, NULL, NULL),
                         H5Z_FILTER_DEFLATE);
        assert_true(ncd >= 1);
        assert_int_equal(cd[0], level);
    }

    hid_t ft = H5Dget_type(d);
    hid_t mt;
    if (c->type == NELM_H5_ENUM8) {
        check_enum(ft, c->enum_names, (int)c->enum_n);
        mt = H5Tcopy(ft);
    } else if (c->type == NELM_H5_BOOL) {
        static const char *const fb[] = {"FALSE", "TRUE"};
        check_enum(ft, fb, 2);
        mt = H5Tcopy(ft);
    } else {
        assert_true(H5Tequal(ft, file_type_of(c->type)) > 0);
        mt = H5Tcopy(mem_type_of(c->type));
    }
    assert_int_equal(H5Tget_size(ft), esize);

    if (c->units != NULL)
        check_str_attr(d, "units", c->units);
    else
        assert_int_equal(H5Aexists(d, "units"), 0);
    if (c->doc != NULL)
        check_str_attr(d, "description", c->doc);
    else
        assert_int_equal(H5Aexists(d, "description"), 0);

    unsigned char *got = malloc(nrows * esize + 1);
    assert_non_null(got);
    if (nrows > 0) {
        assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0);
        if (memcmp(got, want, nrows * esize) != 0) {
            size_t i = 0;
            while (memcmp(got + i * esize, (const unsigned char *)want + i * esize, esize) == 0)
                i++;
            fail_msg("%s: row %zu differs", p, i);
        }
    }
    free(got);
    H5Tclose(mt);
    H5Tclose(ft);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Dclose(d);
}

/* Scalar and 1-D string datasets with their descriptions. */
static void
check_strings(hid_t file)
{
    hid_t mt = utf8();
    hid_t d = H5Dopen2(file, "params/text", H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t ft = H5Dget_type(d);
    assert_true(H5Tis_variable_str(ft) > 0);
    assert_int_equal(H5Tget_cset(ft), H5T_CSET_UTF8);
    hid_t space = H5Dget_space(d);
    assert_int_equal(H5Sget_simple_extent_type(space), H5S_SCALAR);
    char *s = NULL;
    assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s) >= 0);
    assert_string_equal(s, param_text);
    H5free_memory(s);
    check_str_attr(d, "description", "the parameters");
    H5Sclose(space);
    H5Tclose(ft);
    H5Dclose(d);

    d = H5Dopen2(file, "meta/names", H5P_DEFAULT);
    assert_true(d >= 0);
    space = H5Dget_space(d);
    hsize_t dim = 0;
    assert_int_equal(H5Sget_simple_extent_ndims(space), 1);
    H5Sget_simple_extent_dims(space, &dim, NULL);
    assert_int_equal(dim, 3);
    hid_t dcpl = H5Dget_create_plist(d);
    assert_int_equal(H5Pget_layout(dcpl), H5D_CONTIGUOUS);
    char *v[3] = {NULL, NULL, NULL};
    assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    for (int i = 0; i < 3; i++)
        assert_string_equal(v[i], names3[i]);
    assert_true(H5Dvlen_reclaim(mt, space, H5P_DEFAULT, v) >= 0);
    check_str_attr(d, "description", "three names");
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Dclose(d);

    d = H5Dopen2(file, "meta/none", H5P_DEFAULT);
    assert_true(d >= 0);
    space = H5Dget_space(d);
    H5Sget_simple_extent_dims(space, &dim, NULL);
    assert_int_equal(dim, 0);
    assert_int_equal(H5Aexists(d, "description"), 0);
    H5Sclose(space);
    H5Dclose(d);
    H5Tclose(mt);
}

static void
check_file(const char *path, int level)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);

    hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
    hid_t a = H5Aopen(root, "complete", H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t ft = H5Aget_type(a);
    assert_true(H5Tequal(ft, H5T_STD_U8LE) > 0);
    uint8_t complete = 0;
    assert_true(H5Aread(a, H5T_NATIVE_UINT8, &complete) >= 0);
    assert_int_equal(complete, 1);
    H5Tclose(ft);
    H5Aclose(a);
    check_str_attr(root, "format", "nelmsim test");
    assert_true(read_u64_attr(root, "seed") == UINT64_C(18446744073709551557));
    H5Gclose(root);

    hid_t g = H5Gopen2(file, "data/t", H5P_DEFAULT);
    assert_true(g >= 0);
    check_str_attr(g, "description", "the test table");
    assert_int_equal(read_u64_attr(g, "chunk_rows"), CH);
    H5Gclose(g);
    g = H5Gopen2(file, "data", H5P_DEFAULT);
    check_str_attr(g, "note", "group attribute");
    H5Gclose(g);
    g = H5Gopen2(file, "data/one", H5P_DEFAULT);
    assert_int_equal(H5Aexists(g, "description"), 0);
    assert_int_equal(read_u64_attr(g, "chunk_rows"), 1);
    H5Gclose(g);

    for (size_t j = 0; j < NCOLS; j++)
        check_column(file, "data/t", &all_cols[j], esizes[j], data_ptr[j], NROWS, CH, level);
    const nelm_h5_col one_cols[] = {{"x", NELM_H5_F64, NULL, NULL, NULL, 0},
                                    {"n", NELM_H5_U32, NULL, NULL, NULL, 0}};
    check_column(file, "data/one", &one_cols[0], 8, D.f64, 3, 1, level);
    check_column(file, "data/one", &one_cols[1], 4, D.u32, 3, 1, level);
    check_column(file, "empty", &one_cols[0], 8, D.f64, 0, 64, level);
    check_column(file, "empty", &one_cols[1], 4, D.u32, 0, 64, level);

    hid_t d = H5Dopen2(file, "data/t/f64", H5P_DEFAULT);
    a = H5Aopen(d, "scale", H5P_DEFAULT);
    double scale = 0;
    assert_true(H5Aread(a, H5T_NATIVE_DOUBLE, &scale) >= 0);
    assert_true(scale == 0.125);
    H5Aclose(a);
    H5Dclose(d);

    check_strings(file);
    assert_true(H5Fclose(file) >= 0);
}

/* Write the data of dataset `path` through HDF5's own filter pipeline
 * (H5Dwrite, same type and creation properties) into rf, then compare every
 * stored chunk with ours byte for byte. */
static void
compare_chunks(hid_t file, hid_t rf, const char *path, nelm_h5_type type, const void *data,
               size_t nrows, size_t chunk, size_t esize, int level)
{
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t ft = H5Dget_type(d);
    hid_t dcpl = H5Dget_create_plist(d);
    hsize_t dim = nrows, maxdim = H5S_UNLIMITED;
    hid_t space = H5Screate_simple(1, &dim, &maxdim);
    char rname[64];
    snprintf(rname, sizeof rname, "r%lld", (long long)d);
    hid_t rd = H5Dcreate2(rf, rname, ft, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(rd >= 0);
    hid_t mt =
        type == NELM_H5_ENUM8 || type == NELM_H5_BOOL ? H5Tcopy(ft) : H5Tcopy(mem_type_of(type));
    assert_true(H5Dwrite(rd, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    assert_true(H5Fflush(rf, H5F_SCOPE_GLOBAL) >= 0);

    for (hsize_t c = 0; c * chunk < nrows; c++) {
        hsize_t off = c * chunk, n_ours = 0, n_ref = 0;
        assert_true(H5Dget_chunk_storage_size(d, &off, &n_ours) >= 0);
        assert_true(H5Dget_chunk_storage_size(rd, &off, &n_ref) >= 0);
        if (n_ours != n_ref)
            fail_msg("%s chunk %llu: %llu bytes, HDF5 makes %llu", path, (unsigned long long)c,
                     (unsigned long long)n_ours, (unsigned long long)n_ref);
        if (level < 0)
            assert_int_equal(n_ours, chunk * esize);
        unsigned char *a = malloc(n_ours), *b = malloc(n_ref);
        assert_non_null(a);
        assert_non_null(b);
        uint32_t fa = 1, fb = 1;
        assert_true(H5Dread_chunk(d, H5P_DEFAULT, &off, &fa, a) >= 0);
        assert_true(H5Dread_chunk(rd, H5P_DEFAULT, &off, &fb, b) >= 0);
        assert_int_equal(fa, 0);
        assert_int_equal(fb, 0);
        if (memcmp(a, b, n_ours) != 0)
            fail_msg("%s chunk %llu: bytes differ from HDF5's filters", path,
                     (unsigned long long)c);
        free(a);
        free(b);
    }
    H5Tclose(mt);
    H5Dclose(rd);
    H5Sclose(space);
    H5Pclose(dcpl);
    H5Tclose(ft);
    H5Dclose(d);
}

static void
check_chunks_like_hdf5(const char *path, const char *ref, int level)
{
    hid_t rf = H5Fcreate(ref, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(rf >= 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    for (size_t j = 0; j < NCOLS; j++) {
        char p[64];
        snprintf(p, sizeof p, "data/t/%s", all_cols[j].name);
        compare_chunks(file, rf, p, all_cols[j].type, data_ptr[j], NROWS, CH, esizes[j], level);
    }
    /* One-row chunks: HDF5 does not shuffle a single element. */
    compare_chunks(file, rf, "data/one/x", NELM_H5_F64, D.f64, 3, 1, 8, level);
    compare_chunks(file, rf, "data/one/n", NELM_H5_U32, D.u32, 3, 1, 4, level);
    H5Fclose(file);
    H5Fclose(rf);
    remove(ref);
}

static void
run_h5dump(const char *path)
{
    if (access(H5DUMP, X_OK) != 0) {
        print_message("%s not installed: not run\n", H5DUMP);
        return;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s %s > /dev/null 2>&1", H5DUMP, path);
    int st = system(cmd);
    assert_true(st != -1 && WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void
round_trip(void **state, int level)
{
    fixture *f = *state;
    char path[256], ref[256], name[256];
    path_in(f, "out.h5", path, sizeof path);
    uint64_t raw = 0, stored = 0;
    write_file(path, level, &raw, &stored);

    /* Only the final file is left. */
    assert_int_equal(count_entries(f, name, sizeof name), 1);
    assert_string_equal(name, "out.h5");

    /* Counted before close: every whole chunk, not yet the partial ones. */
    assert_int_equal(raw, (uint64_t)NROWS * ROW_BYTES + 3 * 12);
    if (level < 0) {
        assert_int_equal(stored, (uint64_t)(NROWS / CH) * CH * ROW_BYTES + 3 * 12);
    } else {
        assert_true(stored > 0);
        assert_true(stored < raw / 2);
    }
    check_file(path, level);
    check_chunks_like_hdf5(path, path_in(f, "ref.h5", ref, sizeof ref), level);
    run_h5dump(path);
}

static void
test_round_trip_deflate(void **state)
{
    round_trip(state, 4);
}

static void
test_round_trip_raw(void **state)
{
    round_trip(state, -1);
}

/* ---- the file's life cycle --------------------------------------------------------- */

static void
small_file(const char *path, bool force, bool finish, const char *table)
{
    nelm_err e = {0};
    nelm_h5 *h = NULL;
    nelm_h5_opts o = {.deflate_level = 1, .force = force};
    ok(nelm_h5_open(&h, path, &o, &e), &e);
    nelm_h5_table *t = NULL;
    const nelm_h5_col c[] = {{"x", NELM_H5_F64, NULL, NULL, NULL, 0}};
    ok(nelm_h5_table_create(h, table, c, 1, 16, NULL, &t, &e), &e);
    const void *p[] = {D.f64};
    ok(nelm_h5_append(t, p, 100, &e), &e);
    ok(nelm_h5_flush(h, 0, &e), &e);
    if (finish)
        ok(nelm_h5_close(h, 0, &e), &e);
    else
        nelm_h5_abort(h);
}

static void
test_exists_and_force(void **state)
{
    fixture *f = *state;
    char path[256], name[256];
    path_in(f, "x.h5", path, sizeof path);
    write_text(path, "old contents\n");

    nelm_err e = {0};
    nelm_h5 *h = (nelm_h5 *)&e; /* must be set to NULL */
    nelm_h5_opts o = {.deflate_level = 4, .force = false};
    assert_int_equal(nelm_h5_open(&h, path, &o, &e), NELM_ERR_USAGE);
    assert_null(h);
    char want[320];
    snprintf(want, sizeof want, "%s exists (use --force to replace it)", path);
    assert_string_equal(e.msg, want);

    /* --force, but the run fails: the old file stays, nothing else is left. */
    small_file(path, true, false, "t");
    size_t len = 0;
    char *txt = nelm_t_read_file(path, &len);
    assert_non_null(txt);
    assert_string_equal(txt, "old contents\n");
    free(txt);
    assert_int_equal(count_entries(f, name, sizeof name), 1);

    /* --force and success: replaced. */
    small_file(path, true, true, "t");
    assert_int_equal(count_entries(f, name, sizeof name), 1);
    assert_true(H5Fis_hdf5(path) > 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t d = H5Dopen2(file, "t/x", H5P_DEFAULT);
    assert_true(d >= 0);
    double x[100];
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) >= 0);
    assert_memory_equal(x, D.f64, sizeof x);
    H5Dclose(d);
    H5Fclose(file);

    /* A directory is never replaced. */
    memset(&e, 0, sizeof e);
    o.force = true;
    assert_int_equal(nelm_h5_open(&h, f->dir, &o, &e), NELM_ERR_USAGE);
    assert_null(h);
}

static void
test_abort_leaves_nothing(void **state)
{
    fixture *f = *state;
    char path[256];
    small_file(path_in(f, "a.h5", path, sizeof path), false, false, "deep/er/t");
    assert_int_equal(count_entries(f, NULL, 0), 0);
    nelm_h5_abort(NULL);
}

static void
test_unwritable_place(void **state)
{
    fixture *f = *state;
    char path[256];
    path_in(f, "no/such/dir/x.h5", path, sizeof path);
    nelm_err e = {0};
    nelm_h5 *h = NULL;
    nelm_h5_opts o = {.deflate_level = 4, .force = false};
    assert_int_equal(nelm_h5_open(&h, path, &o, &e), NELM_ERR_IO);
    assert_null(h);
    assert_non_null(strstr(e.msg, path));
    assert_non_null(strstr(e.msg, "No such file or directory"));
    assert_null(strchr(e.msg, '\n'));
    assert_int_equal(count_entries(f, NULL, 0), 0);
}

static void
test_bad_arguments(void **state)
{
    fixture *f = *state;
    char path[256];
    path_in(f, "b.h5", path, sizeof path);
    nelm_err e = {0};
    nelm_h5 *h = NULL;
    nelm_h5_opts o = {.deflate_level = 10, .force = false};
    assert_int_equal(nelm_h5_open(&h, path, &o, &e), NELM_ERR_PARAM);
    assert_null(h);

    o.deflate_level = 9;
    memset(&e, 0, sizeof e);
    ok(nelm_h5_open(&h, path, &o, &e), &e);
    nelm_h5_table *t = (nelm_h5_table *)&e;
    const nelm_h5_col c[] = {{"x", NELM_H5_F64, NULL, NULL, NULL, 0},
                             {"x", NELM_H5_U8, NULL, NULL, NULL, 0}};
    assert_int_equal(nelm_h5_table_create(h, "t", c, 1, 0, NULL, &t, &e), NELM_ERR_PARAM);
    assert_null(t);
    memset(&e, 0, sizeof e);
    assert_int_equal(nelm_h5_table_create(h, "t", c, 2, 8, NULL, &t, &e), NELM_ERR_PARAM);
    assert_non_null(strstr(e.msg, "appears twice"));
    const char *const dup[] = {"a", "a"};
    const nelm_h5_col c2[] = {{"k", NELM_H5_ENUM8, NULL, NULL, dup, 2}};
    memset(&e, 0, sizeof e);
    assert_int_equal(nelm_h5_table_create(h, "t", c2, 1, 8, NULL, &t, &e), NELM_ERR_PARAM);

    /* Values outside the enum are refused and change nothing. */
    const nelm_h5_col c3[] = {{"k", NELM_H5_ENUM8, NULL, NULL, colors, 3},
                              {"b", NELM_H5_BOOL, NULL, NULL, NULL, 0}};
    ok(nelm_h5_table_create(h, "t", c3, 2, 8, NULL, &t, &e), &e);
    const uint8_t k[] = {0, 1, 2, 3}, b[] = {1, 0, 1, 1}, b2[] = {1, 0, 2, 1};
    const void *p[] = {k, b};
    memset(&e, 0, sizeof e);
    assert_int_equal(nelm_h5_append(t, p, 4, &e), NELM_ERR_PARAM);
    assert_non_null(strstr(e.msg, "t/k: value 3 at row 3"));
    p[1] = b2;
    memset(&e, 0, sizeof e);
    assert_int_equal(nelm_h5_append(t, p, 3, &e), NELM_ERR_PARAM);
    assert_non_null(strstr(e.msg, "t/b: value 2 at row 2"));
    assert_int_equal(nelm_h5_rows(t), 0);
    p[1] = b;
    memset(&e, 0, sizeof e);
    ok(nelm_h5_append(t, p, 3, &e), &e);
    ok(nelm_h5_close(h, 1, &e), &e);
    assert_int_equal(count_entries(f, NULL, 0), 1);
}

/* A failed call that touched the file: close refuses and removes it. */
static void
test_failure_forbids_finish(void **state)
{
    fixture *f = *state;
    char path[256];
    path_in(f, "c.h5", path, sizeof path);
    nelm_err e = {0};
    nelm_h5 *h = NULL;
    nelm_h5_opts o = {.deflate_level = -1, .force = false};
    ok(nelm_h5_open(&h, path, &o, &e), &e);
    assert_int_equal(nelm_h5_attr_u64(h, "/no/such/group", "n", 1, &e), NELM_ERR_IO);
    char want[320];
    snprintf(want, sizeof want, "%s: cannot open object (/no/such/group)", path);
    assert_string_equal(e.msg, want);
    nelm_err e2 = {0};
    assert_int_equal(nelm_h5_close(h, 0, &e2), NELM_ERR_IO);
    assert_int_equal(count_entries(f, NULL, 0), 0);

    /* An existing table name. */
    memset(&e, 0, sizeof e);
    ok(nelm_h5_open(&h, path, &o, &e), &e);
    nelm_h5_table *t = NULL;
    const nelm_h5_col c[] = {{"x", NELM_H5_F64, NULL, NULL, NULL, 0}};
    ok(nelm_h5_table_create(h, "t", c, 1, 8, NULL, &t, &e), &e);
    assert_int_equal(nelm_h5_table_create(h, "t", c, 1, 8, NULL, &t, &e), NELM_ERR_IO);
    snprintf(want, sizeof want, "%s: cannot create group (t)", path);
    assert_string_equal(e.msg, want);
    assert_int_equal(nelm_h5_close(h, 0, &e2), NELM_ERR_IO);
    assert_int_equal(count_entries(f, NULL, 0), 0);
}

int
main(void)
{
    fill_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip_deflate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_raw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exists_and_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_forbids_finish, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
