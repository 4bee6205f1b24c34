/* merge.c — nelmsim merge: the shards of a sweep or PSA into the file one
 * process would have written (see merge.h). */
#define _POSIX_C_SOURCE 200809L

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "econ_psa.h"
#include "h5out.h"
#include "merge.h"
#include "run.h"
#include "runfile.h"
#include "sumtables.h"

typedef struct shard {
    const char *path;
    hid_t f;
    char format[64], fingerprint[64];
    uint64_t shard, nshards, first, scenarios;
} shard;

static int
read_u64(hid_t f, const char *name, uint64_t *v)
{
    return nelm_h5_read_attr_u64((int64_t)f, name, v);
}

static int
read_str(hid_t f, const char *name, char *out, size_t len)
{
    return nelm_h5_read_attr_str((int64_t)f, name, out, len);
}

/* root attributes of the shards that are not about the shard */
static herr_t
copy_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    hid_t dst = *(hid_t *)data;
    static const char *const skip[] = {"complete",     "shard",   "shards", "first_scenario",
                                       "command_line", "created", NULL};
    for (size_t i = 0; skip[i]; i++)
        if (strcmp(name, skip[i]) == 0)
            return 0;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0)
        return -1;
    hid_t t = H5Aget_type(a), sp = H5Aget_space(a);
    herr_t ret = -1;
    size_t sz = H5Tget_size(t);
    hssize_t n = H5Sget_simple_extent_npoints(sp);
    void *buf = n > 0 ? malloc((size_t)n * sz) : NULL;
    if (buf && H5Aread(a, t, buf) >= 0) {
        hid_t b = H5Acreate2(dst, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
        if (b >= 0) {
            ret = H5Awrite(b, t, buf);
            H5Aclose(b);
        }
        if (H5Tis_variable_str(t) > 0)
            H5Dvlen_reclaim(t, sp, H5P_DEFAULT, buf);
    }
    free(buf);
    H5Sclose(sp);
    H5Tclose(t);
    H5Aclose(a);
    return ret < 0 ? -1 : 0;
}

/* append the rows of dataset `path` of src to the same (copied) dataset in dst */
static int
append_dataset(hid_t dst, hid_t src, const char *path, uint64_t offset)
{
    int ret = -1;
    hid_t ds = H5Dopen2(src, path, H5P_DEFAULT), dd = H5Dopen2(dst, path, H5P_DEFAULT);
    hid_t ts = -1, ss = -1, sd = -1, ms = -1;
    void *buf = NULL;
    if (ds < 0 || dd < 0)
        goto out;
    ts = H5Dget_type(ds);
    ss = H5Dget_space(ds);
    sd = H5Dget_space(dd);
    hsize_t ns = 0, nd = 0;
    if (H5Sget_simple_extent_ndims(ss) != 1 || H5Sget_simple_extent_ndims(sd) != 1 ||
        H5Sget_simple_extent_dims(ss, &ns, NULL) < 0 ||
        H5Sget_simple_extent_dims(sd, &nd, NULL) < 0)
        goto out;
    if (ns == 0) {
        ret = 0;
        goto out;
    }
    size_t sz = H5Tget_size(ts);
    buf = malloc((size_t)ns * sz);
    if (buf == NULL || H5Dread(ds, ts, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        goto out;
    if (offset != 0) { /* row indices into a table the earlier shards filled */
        if (H5Tequal(ts, H5T_NATIVE_UINT64) <= 0)
            goto out;
        uint64_t *v = buf;
        for (hsize_t i = 0; i < ns; i++)
            v[i] += offset;
    }
    hsize_t total = nd + ns;
    if (H5Dset_extent(dd, &total) < 0)
        goto out;
    H5Sclose(sd);
    sd = H5Dget_space(dd);
    hsize_t start = nd, count = ns;
    ms = H5Screate_simple(1, &count, NULL);
    if (ms < 0 || H5Sselect_hyperslab(sd, H5S_SELECT_SET, &start, NULL, &count, NULL) < 0 ||
        H5Dwrite(dd, ts, ms, sd, H5P_DEFAULT, buf) < 0)
        goto out;
    ret = 0;
out:
    free(buf);
    if (ms >= 0)
        H5Sclose(ms);
    if (sd >= 0)
        H5Sclose(sd);
    if (ss >= 0)
        H5Sclose(ss);
    if (ts >= 0)
        H5Tclose(ts);
    if (dd >= 0)
        H5Dclose(dd);
    if (ds >= 0)
        H5Dclose(ds);
    return ret;
}

typedef struct names {
    char **v;
    size_t n, cap;
} names;

static herr_t
collect(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    names *nm = data;
    if (nm->n == nm->cap) {
        size_t c = nm->cap ? 2 * nm->cap : 32;
        char **v = realloc(nm->v, c * sizeof *v);
        if (v == NULL)
            return -1;
        nm->v = v;
        nm->cap = c;
    }
    nm->v[nm->n] = strdup(name);
    return nm->v[nm->n++] ? 0 : -1;
}

static void
names_free(names *nm)
{
    for (size_t i = 0; i < nm->n; i++)
        free(nm->v[i]);
    free(nm->v);
}

/* the stacked tables: rows of every shard, in shard order (the per-patient
 * ones when the sweep or PSA kept them) */
static const char *const tables[] = {"scenarios",
                                     "summary/strategies",
                                     "summary/instance_share",
                                     "summary/pfs_by_line",
                                     "summary/km",
                                     "summary/economics",
                                     "summary/incremental",
                                     "summary/nmb",
                                     "psa/draws",
                                     "patients",
                                     "outcomes",
                                     "lines",
                                     "events"};
/* copied from the first shard as they are */
static const char *const whole[] = {"spec", "parameters", "strategies", "instances"};

/* row counts of a table (its first column's length) */
static uint64_t
table_rows(hid_t f, const char *tab)
{
    char path[256];
    snprintf(path, sizeof path, "%s/patient", tab);
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d < 0)
        return 0;
    hid_t sp = H5Dget_space(d);
    hsize_t n = 0;
    H5Sget_simple_extent_dims(sp, &n, NULL);
    H5Sclose(sp);
    H5Dclose(d);
    return (uint64_t)n;
}

/* The output: the first shard's root attributes (those about the shard
 * replaced: the file is whole) and its unstacked datasets. */
static int
open_merged(const shard *sh, size_t n, const char *output, bool force, int deflate_level,
            const char *command_line, bool run, nelm_h5 **out, nelm_err *e)
{
    nelm_h5_opts ho = {deflate_level, force};
    nelm_h5 *h = NULL;
    int ret = nelm_h5_open(&h, output, &ho, e);
    if (ret != 0)
        return ret;
    *out = h;
    hid_t of = (hid_t)nelm_h5_file_id(h);
    if (H5Aiterate2(sh[0].f, H5_INDEX_NAME, H5_ITER_INC, NULL, copy_attr, &of) < 0)
        return NELM_FAIL(e, NELM_ERR_IO, "%s: cannot copy the attributes of %s", output,
                         sh[0].path);
    if ((ret = nelm_h5_attr_u64(h, "/", "shard", 0, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", "shards", 1, e)) ||
        (ret = nelm_h5_attr_u64(h, "/", run ? "first_patient" : "first_scenario", 0, e)) ||
        (run && (ret = nelm_h5_attr_u64(h, "/", "patients", sh[0].scenarios, e))) ||
        (ret = nelm_h5_attr_u64(h, "/", "merged_from_shards", n, e)) ||
        (ret = nelm_h5_attr_str(h, "/", "command_line", command_line ? command_line : "", e)))
        return ret;
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    for (size_t k = 0; k < sizeof whole / sizeof whole[0] && ret == 0; k++)
        if (H5Lexists(sh[0].f, whole[k], H5P_DEFAULT) > 0 &&
            H5Ocopy(sh[0].f, whole[k], of, whole[k], H5P_DEFAULT, lcpl) < 0)
            ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot copy /%s from %s", output, whole[k],
                            sh[0].path);
    H5Pclose(lcpl);
    return ret;
}

/* Table `tab` of src created empty in dst: its group and each column with
 * the same attributes, type and creation properties (chunks, filters). The
 * rows are appended after. (H5Ocopy would copy them too, but HDF5 1.10.8
 * crashes inside it when a write fails during the copy, e.g. on a full
 * disk.) */
static int
create_like(hid_t src, hid_t dst, const char *tab, const names *cols)
{
    int ret = -1;
    hid_t sg = H5Gopen2(src, tab, H5P_DEFAULT), dg = -1, lcpl = H5Pcreate(H5P_LINK_CREATE);
    hid_t gcpl = sg >= 0 ? H5Gget_create_plist(sg) : -1;
    if (sg < 0 || gcpl < 0 || lcpl < 0 || H5Pset_create_intermediate_group(lcpl, 1) < 0 ||
        (dg = H5Gcreate2(dst, tab, lcpl, gcpl, H5P_DEFAULT)) < 0 ||
        H5Aiterate2(sg, H5_INDEX_NAME, H5_ITER_INC, NULL, copy_attr, &dg) < 0)
        goto out;
    for (size_t c = 0; c < cols->n; c++) {
        hid_t sd = H5Dopen2(sg, cols->v[c], H5P_DEFAULT), dd = -1;
        hid_t t = sd >= 0 ? H5Dget_type(sd) : -1, dcpl = sd >= 0 ? H5Dget_create_plist(sd) : -1;
        hsize_t zero = 0, unlimited = H5S_UNLIMITED;
        hid_t sp = H5Screate_simple(1, &zero, &unlimited);
        bool ok = sd >= 0 && t >= 0 && dcpl >= 0 && sp >= 0 &&
                  (dd = H5Dcreate2(dg, cols->v[c], t, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT)) >= 0 &&
                  H5Aiterate2(sd, H5_INDEX_NAME, H5_ITER_INC, NULL, copy_attr, &dd) >= 0;
        if (dd >= 0)
            H5Dclose(dd);
        if (sp >= 0)
            H5Sclose(sp);
        if (dcpl >= 0)
            H5Pclose(dcpl);
        if (t >= 0)
            H5Tclose(t);
        if (sd >= 0)
            H5Dclose(sd);
        if (!ok)
            goto out;
    }
    ret = 0;
out:
    if (dg >= 0)
        H5Gclose(dg);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    if (lcpl >= 0)
        H5Pclose(lcpl);
    if (sg >= 0)
        H5Gclose(sg);
    return ret;
}

/* Each table: created like the first shard's, then every shard's rows
 * appended in shard order; with `rows`, the row indices into /lines and
 * /events moved on by the rows of the earlier shards. */
static int
concat_tables(const shard *sh, size_t n, hid_t of, const char *const *tabs, size_t ntabs, bool rows,
              const char *output, nelm_err *e)
{
    int ret = 0;
    for (size_t k = 0; k < ntabs && ret == 0; k++) {
        const char *tab = tabs[k];
        if (strchr(tab, '/') && H5Lexists(sh[0].f, "summary", H5P_DEFAULT) <= 0)
            continue;
        if (H5Lexists(sh[0].f, tab, H5P_DEFAULT) <= 0)
            continue;
        names cols = {0};
        hid_t g = H5Gopen2(sh[0].f, tab, H5P_DEFAULT);
        if (g < 0 || H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, collect, &cols) < 0)
            ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot list /%s", sh[0].path, tab);
        if (g >= 0)
            H5Gclose(g);
        if (ret == 0 && create_like(sh[0].f, of, tab, &cols) != 0)
            ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot create /%s like %s's", output, tab,
                            sh[0].path);
        uint64_t lb = 0, eb = 0;
        for (size_t i = 0; i < n && ret == 0; i++) {
            for (size_t c = 0; c < cols.n && ret == 0; c++) {
                char path[512];
                snprintf(path, sizeof path, "%s/%s", tab, cols.v[c]);
                uint64_t off = 0;
                if (rows && strcmp(path, "outcomes/line_first") == 0)
                    off = lb;
                else if (rows && strcmp(path, "outcomes/event_first") == 0)
                    off = eb;
                if (append_dataset(of, sh[i].f, path, off) != 0)
                    ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot append /%s of %s", output, path,
                                    sh[i].path);
            }
            lb += table_rows(sh[i].f, "lines");
            eb += table_rows(sh[i].f, "events");
        }
        names_free(&cols);
    }
    return ret;
}

/* Shards of one run (patient blocks): the per-patient tables concatenated,
 * the summaries recomputed from the per-patient outcomes of all shards in
 * patient order, exactly as the single run computes them. */
static int
merge_runs(shard *sh, size_t n, const char *output, bool force, int deflate_level,
           const char *command_line, nelm_err *e)
{
    static const char *const ptabs[] = {"patients", "outcomes", "lines", "events"};
    nelm_h5 *h = NULL;
    nelm_runfile *rf = calloc(n, sizeof *rf);
    nelm_run_result *r = calloc(1, sizeof *r);
    nelm_sum_tables *st = NULL;
    int ret = 0;
    if (rf == NULL || r == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (merge)");
        goto out;
    }
    /* the shards' accumulators, from their per-patient columns */
    for (size_t i = 0; i < n && ret == 0; i++)
        if ((ret = nelm_runfile_summary(sh[i].path, &rf[i], e)) == 0 && i > 0 &&
            sh[i].first != sh[i - 1].first + rf[i - 1].acc[0].n)
            ret = NELM_FAIL(e, NELM_ERR_PARAM,
                            "%s: starts at patient %llu, but the shards before end at %llu",
                            sh[i].path, (unsigned long long)sh[i].first,
                            (unsigned long long)(sh[i - 1].first + rf[i - 1].acc[0].n));
    if (ret != 0)
        goto out;
    size_t S = rf[0].nstrategies;
    for (size_t s = 0; s < S && ret == 0; s++) {
        ret = nelm_summary_acc_init(&r->acc[s], (size_t)sh[0].scenarios, e);
        for (size_t i = 0; i < n && ret == 0; i++)
            ret = nelm_summary_acc_append(&r->acc[s], &rf[i].acc[s], e);
    }
    if (ret == 0 && r->acc[0].n != sh[0].scenarios)
        ret = NELM_FAIL(e, NELM_ERR_PARAM, "the shards hold %zu patients, the run %llu",
                        r->acc[0].n, (unsigned long long)sh[0].scenarios);
    for (size_t s = 0; s < S && ret == 0; s++)
        ret = nelm_summary_compute(&r->acc[s], rf[0].tau, &r->sum[s], e);
    for (size_t s = 0; s < S && ret == 0; s++)
        ret = nelm_summary_paired(&r->acc[s], &r->acc[rf[0].reference], &r->sum[s], e);
    if (ret == 0)
        ret = nelm_summary_econ(r->acc, r->sum, S, rf[0].p, e);
    if (ret == 0)
        ret = open_merged(sh, n, output, force, deflate_level, command_line, true, &h, e);
    if (ret == 0)
        ret = concat_tables(sh, n, (hid_t)nelm_h5_file_id(h), ptabs, sizeof ptabs / sizeof ptabs[0],
                            true, output, e);
    if (ret == 0)
        ret = nelm_sum_tables_create(h, rf[0].p, rf[0].strategies, S, false, &st, e);
    if (ret == 0)
        ret = nelm_sum_tables_append(st, 0, r, e);
    if (ret == 0) {
        nelm_h5 *hh = h;
        h = NULL;
        ret = nelm_h5_close(hh, 1, e);
    }
out:
    nelm_h5_abort(h);
    nelm_sum_tables_free(st);
    for (size_t i = 0; rf && i < n; i++)
        nelm_runfile_free(&rf[i]);
    free(rf);
    if (r)
        nelm_run_result_free(r);
    free(r);
    return ret;
}

int
nelm_merge(const char *const *paths, size_t n, const char *output, bool force, int deflate_level,
           const char *command_line, nelm_err *e)
{
    if (n == 0)
        return NELM_FAIL(e, NELM_ERR_USAGE, "merge: no shard files");
    H5E_auto2_t efn = NULL;
    void *edata = NULL;
    H5Eget_auto2(H5E_DEFAULT, &efn, &edata);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    shard *sh = calloc(n, sizeof *sh);
    nelm_h5 *h = NULL;
    int ret = 0;
    if (sh == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (shards)");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        sh[i].f = -1;
    for (size_t i = 0; i < n && ret == 0; i++) {
        shard *s = &sh[i];
        s->path = paths[i];
        s->f = H5Fopen(s->path, H5F_ACC_RDONLY, H5P_DEFAULT);
        uint64_t complete = 0;
        if (s->f < 0) {
            ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot open it as an HDF5 file", s->path);
        } else if (read_str(s->f, "format", s->format, sizeof s->format) != 0 ||
                   (strcmp(s->format, "nelmsim sweep") != 0 &&
                    strcmp(s->format, "nelmsim psa") != 0 &&
                    strcmp(s->format, "nelmsim run") != 0)) {
            ret = NELM_FAIL(e, NELM_ERR_PARAM,
                            "%s: not a nelmsim file (format '%s'); merge takes the shards of "
                            "nelmsim run, sweep or psa --shard",
                            s->path, s->format);
        } else if (read_u64(s->f, "complete", &complete) != 0 || complete != 1) {
            ret = NELM_FAIL(e, NELM_ERR_PARAM, "%s: not finished (no 'complete' mark): re-run it",
                            s->path);
        } else if (read_str(s->f, "fingerprint", s->fingerprint, sizeof s->fingerprint) != 0 ||
                   read_u64(s->f, "shard", &s->shard) != 0 ||
                   read_u64(s->f, "shards", &s->nshards) != 0 ||
                   (strcmp(s->format, "nelmsim run") == 0
                        ? read_u64(s->f, "first_patient", &s->first) != 0 ||
                              read_u64(s->f, "patients_total", &s->scenarios) != 0
                        : read_u64(s->f, "first_scenario", &s->first) != 0 ||
                              read_u64(s->f, "scenarios", &s->scenarios) != 0)) {
            ret = NELM_FAIL(e, NELM_ERR_PARAM,
                            "%s: no shard attributes (fingerprint, shard, shards, first row, "
                            "total): not written by this version of nelmsim",
                            s->path);
        } else if (i > 0 && (strcmp(s->fingerprint, sh[0].fingerprint) != 0 ||
                             strcmp(s->format, sh[0].format) != 0)) {
            ret = NELM_FAIL(e, NELM_ERR_PARAM,
                            "%s: run fingerprint %s differs from %s's %s: shards of different "
                            "runs (parameters, spec, seed, sizes or version) cannot be merged",
                            s->path, s->fingerprint, sh[0].path, sh[0].fingerprint);
        }
    }
    if (ret != 0)
        goto out;
    uint64_t N = sh[0].nshards;
    if (N != n || N == 0) {
        /* which are missing */
        char miss[256] = "";
        for (uint64_t k = 0; k < N && strlen(miss) < 200; k++) {
            size_t i = 0;
            while (i < n && sh[i].shard != k)
                i++;
            if (i == n) {
                char one[64];
                snprintf(one, sizeof one, "%s%llu/%llu", miss[0] ? ", " : "",
                         (unsigned long long)k + 1, (unsigned long long)N);
                strncat(miss, one, sizeof miss - strlen(miss) - 1);
            }
        }
        ret = NELM_FAIL(e, NELM_ERR_PARAM, "the run has %llu shards and %zu files were given%s%s",
                        (unsigned long long)N, n, miss[0] ? "; missing: " : "", miss);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (sh[i].shard == sh[j].shard) {
                ret = NELM_FAIL(e, NELM_ERR_PARAM, "shard %llu/%llu is given twice (%s and %s)",
                                (unsigned long long)sh[i].shard + 1, (unsigned long long)N,
                                sh[i].path, sh[j].path);
                goto out;
            }
    /* in shard order (a permutation: every index once) */
    for (size_t i = 0; i < n; i++)
        while (sh[i].shard != i) {
            shard t = sh[sh[i].shard];
            sh[sh[i].shard] = sh[i];
            sh[i] = t;
        }

    if (strcmp(sh[0].format, "nelmsim run") == 0) {
        ret = merge_runs(sh, n, output, force, deflate_level, command_line, e);
        goto out;
    }
    if ((ret = open_merged(sh, n, output, force, deflate_level, command_line, false, &h, e)) ||
        (ret = concat_tables(sh, n, (hid_t)nelm_h5_file_id(h), tables,
                             sizeof tables / sizeof tables[0], true, output, e)))
        goto out;
    if (strcmp(sh[0].format, "nelmsim psa") == 0) { /* the PSA economics of all the draws */
        int64_t *fs = malloc(n * sizeof *fs);
        if (fs == NULL) {
            ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (merge)");
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            fs[i] = (int64_t)sh[i].f;
        ret = nelm_econ_psa_merge(h, fs, n, output, e);
        free(fs);
        if (ret != 0)
            goto out;
    }
    {
        nelm_h5 *hh = h;
        h = NULL;
        ret = nelm_h5_close(hh, 1, e);
    }
out:
    nelm_h5_abort(h);
    for (size_t i = 0; sh && i < n; i++)
        if (sh[i].f >= 0)
            H5Fclose(sh[i].f);
    free(sh);
    H5Eset_auto2(H5E_DEFAULT, efn, edata);
    return ret;
}
