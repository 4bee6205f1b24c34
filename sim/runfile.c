/* runfile.c — reading a run file back for `nelmsim summary` (runfile.h):
 * the summaries are recomputed exactly from the per-patient columns when the
 * file has them, else read from the stored summary tables. */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "h5out.h"
#include "runfile.h"

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ret = NELM_FAIL(e, NELM_ERR_IO, __VA_ARGS__);                                          \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)

/* a variable-length string attribute of the root group; caller frees */
static char *
attr_str(hid_t f, const char *name)
{
    char *res = NULL;
    if (H5Aexists(f, name) <= 0)
        return NULL;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    hid_t t = H5Tcopy(H5T_C_S1);
    if (a >= 0 && t >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 &&
        H5Tset_cset(t, H5T_CSET_UTF8) >= 0) {
        char *v = NULL;
        if (H5Aread(a, t, &v) >= 0 && v) {
            res = strdup(v);
            H5free_memory(v);
        }
    }
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return res;
}

static bool
attr_num(hid_t f, const char *name, hid_t memtype, void *out)
{
    if (H5Aexists(f, name) <= 0)
        return false;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    bool ok = a >= 0 && H5Aread(a, memtype, out) >= 0;
    if (a >= 0)
        H5Aclose(a);
    return ok;
}

/* a whole 1-D column; enums and booleans are read as their uint8 values */
static void *
read_col(hid_t f, const char *path, hid_t memtype, size_t elem, size_t *n)
{
    void *buf = NULL;
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d < 0)
        return NULL;
    hid_t sp = H5Dget_space(d), ft = H5Dget_type(d), mt = -1;
    hsize_t dims[1] = {0};
    if (sp >= 0 && ft >= 0 && H5Sget_simple_extent_ndims(sp) == 1 &&
        H5Sget_simple_extent_dims(sp, dims, NULL) == 1) {
        mt = H5Tget_class(ft) == H5T_ENUM ? H5Tget_native_type(ft, H5T_DIR_ASCEND)
                                          : H5Tcopy(memtype);
        buf = malloc(dims[0] ? (size_t)dims[0] * elem : 1);
        if (buf && mt >= 0 && H5Tget_size(mt) == elem &&
            (dims[0] == 0 || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0)) {
            *n = (size_t)dims[0];
        } else {
            free(buf);
            buf = NULL;
        }
    }
    if (mt >= 0)
        H5Tclose(mt);
    if (ft >= 0)
        H5Tclose(ft);
    if (sp >= 0)
        H5Sclose(sp);
    H5Dclose(d);
    return buf;
}

static char *
read_string(hid_t f, const char *path)
{
    char *res = NULL;
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d < 0)
        return NULL;
    hid_t t = H5Tcopy(H5T_C_S1);
    char *v = NULL;
    if (t >= 0 && H5Tset_size(t, H5T_VARIABLE) >= 0 && H5Tset_cset(t, H5T_CSET_UTF8) >= 0 &&
        H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) >= 0 && v) {
        res = strdup(v);
        H5free_memory(v);
    }
    if (t >= 0)
        H5Tclose(t);
    H5Dclose(d);
    return res;
}

int
nelm_runfile_summary(const char *path, nelm_runfile *rf, nelm_err *e)
{
    memset(rf, 0, sizeof *rf);
    int ret = 0;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    char *fmt = NULL, *params = NULL, *ref = NULL, **names = NULL;
    size_t nnames = 0;
    double *os = NULL, *pfs = NULL;
    uint8_t *strat = NULL, *cause = NULL, *lines = NULL, *pfs_ev = NULL;
    uint8_t *recv[NELM_NKINDS] = {NULL};
    uint32_t *inst = NULL;
    uint64_t *line_first = NULL;
    double *econ[NELM_ECON_NACC] = {NULL};
    if (f < 0)
        return NELM_FAIL(e, NELM_ERR_IO, "%s: cannot open as an HDF5 file", path);
    uint8_t complete = 0;
    fmt = attr_str(f, "format");
    CHECK(fmt && strcmp(fmt, "nelmsim run") == 0, "%s: not a nelmsim run file", path);
    CHECK(attr_num(f, "complete", H5T_NATIVE_UINT8, &complete) && complete == 1,
          "%s: incomplete (the run that wrote it did not finish)", path);
    params = read_string(f, "parameters");
    CHECK(params != NULL, "%s: no /parameters", path);
    rf->p = calloc(1, sizeof *rf->p);
    if (rf->p == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory");
        goto out;
    }
    char where[NELM_PATH_MAX + 16];
    snprintf(where, sizeof where, "%.200s:/parameters", path);
    if ((ret = nelm_params_load_string(rf->p, params, strlen(params), where, NULL, 0, e)) != 0)
        goto out;
    names = nelm_h5_read_strings((int64_t)f, "strategies/name", &nnames);
    CHECK(names && nnames > 0 && nnames <= NELM_MAX_STRATEGIES, "%s: no /strategies/name", path);
    for (size_t s = 0; s < nnames; s++) {
        size_t j = 0;
        while (j < rf->p->nstrategies && strcmp(rf->p->strategies[j].name, names[s]) != 0)
            j++;
        CHECK(j < rf->p->nstrategies, "%s: strategy '%s' is not in /parameters", path, names[s]);
        rf->strategies[s] = j;
    }
    rf->nstrategies = nnames;
    ref = attr_str(f, "reference_strategy");
    for (size_t s = 0; ref && s < nnames; s++)
        if (strcmp(names[s], ref) == 0)
            rf->reference = s;
    CHECK(attr_num(f, "tau_months", H5T_NATIVE_DOUBLE, &rf->tau) && rf->tau > 0,
          "%s: no tau_months attribute", path);
    CHECK(attr_num(f, "seed", H5T_NATIVE_UINT64, &rf->seed), "%s: no seed attribute", path);

    if (H5Lexists(f, "outcomes", H5P_DEFAULT) <= 0) {
        ret = NELM_FAIL(e, NELM_ERR_PARAM,
                        "%s: no per-patient outcomes (written with --trajectories none): "
                        "the stored summary tables are in /summary",
                        path);
        goto out;
    }
    size_t n = 0, m = 0, k = 0;
    os = read_col(f, "outcomes/os", H5T_NATIVE_DOUBLE, 8, &n);
    strat = read_col(f, "outcomes/strategy", H5T_NATIVE_UINT8, 1, &k);
    CHECK(os && strat && k == n, "%s: cannot read /outcomes/os and strategy", path);
    cause = read_col(f, "outcomes/cause", H5T_NATIVE_UINT8, 1, &k);
    CHECK(cause && k == n, "%s: cannot read /outcomes/cause", path);
    lines = read_col(f, "outcomes/lines", H5T_NATIVE_UINT8, 1, &k);
    CHECK(lines && k == n, "%s: cannot read /outcomes/lines", path);
    inst = read_col(f, "outcomes/instances", H5T_NATIVE_UINT32, 4, &k);
    CHECK(inst && k == n, "%s: cannot read /outcomes/instances", path);
    line_first = read_col(f, "outcomes/line_first", H5T_NATIVE_UINT64, 8, &k);
    CHECK(line_first && k == n, "%s: cannot read /outcomes/line_first", path);
    for (int q = 0; q < NELM_NKINDS; q++) {
        char cp[64];
        snprintf(cp, sizeof cp, "outcomes/received_%s", nelm_kinds[q]->name);
        recv[q] = read_col(f, cp, H5T_NATIVE_UINT8, 1, &k);
        CHECK(recv[q] && k == n, "%s: cannot read /%s", path, cp);
    }
    if (rf->p->econ.enabled) { /* the per-patient economics (econ_patient.h order) */
        static const char *const ecol[NELM_ECON_NACC] = {
            "outcomes/ly", "outcomes/qaly", "outcomes/cost", "outcomes/qaly_undiscounted",
            "outcomes/cost_undiscounted"};
        for (size_t q = 0; q < NELM_ECON_NACC; q++) {
            econ[q] = read_col(f, ecol[q], H5T_NATIVE_DOUBLE, 8, &k);
            CHECK(econ[q] && k == n, "%s: cannot read /%s (the parameters have economics)", path,
                  ecol[q]);
        }
    }
    pfs = read_col(f, "lines/pfs", H5T_NATIVE_DOUBLE, 8, &m);
    pfs_ev = read_col(f, "lines/pfs_event", H5T_NATIVE_UINT8, 1, &k);
    CHECK(pfs && pfs_ev && k == m, "%s: cannot read /lines/pfs", path);
    for (size_t s = 0; s < nnames; s++)
        if ((ret = nelm_summary_acc_init(&rf->acc[s], n / nnames + 1, e)) != 0)
            goto out;
    for (size_t i = 0; i < n; i++) {
        nelm_outcome o;
        memset(&o, 0, sizeof o);
        CHECK(strat[i] < nnames && cause[i] < NELM_NCAUSES && lines[i] <= NELM_MAX_LINES &&
                  line_first[i] + lines[i] <= m && isfinite(os[i]) && os[i] >= 0,
              "%s: /outcomes row %zu is inconsistent", path, i);
        o.os = os[i];
        o.cause = cause[i];
        o.nlines = lines[i];
        o.instances = inst[i];
        for (unsigned q = 0; q < NELM_NKINDS; q++)
            if (recv[q][i])
                o.kinds |= 1u << q;
        for (size_t l = 0; l < o.nlines; l++) {
            o.line[l].pfs = pfs[line_first[i] + l];
            o.line[l].pfs_event = pfs_ev[line_first[i] + l] != 0;
            CHECK(isfinite(o.line[l].pfs) && o.line[l].pfs >= 0, "%s: /lines row %llu is bad", path,
                  (unsigned long long)(line_first[i] + l));
        }
        if ((ret = nelm_summary_acc_add(&rf->acc[strat[i]], &o, e)) != 0)
            goto out;
        if (econ[0]) {
            double v[NELM_ECON_NACC];
            for (size_t q = 0; q < NELM_ECON_NACC; q++) {
                v[q] = econ[q][i];
                CHECK(isfinite(v[q]), "%s: /outcomes row %zu: economics not finite", path, i);
            }
            if ((ret = nelm_summary_acc_add_econ(&rf->acc[strat[i]], v, e)) != 0)
                goto out;
        }
    }
    for (size_t s = 0; s < nnames; s++)
        if ((ret = nelm_summary_compute(&rf->acc[s], rf->tau, &rf->sum[s], e)) != 0)
            goto out;
    for (size_t s = 0; s < nnames; s++)
        if ((ret = nelm_summary_paired(&rf->acc[s], &rf->acc[rf->reference], &rf->sum[s], e)) != 0)
            goto out;
    ret = nelm_summary_econ(rf->acc, rf->sum, nnames, rf->p, e);
out:
    nelm_h5_strings_free(names, nnames);
    free(fmt);
    free(params);
    free(ref);
    free(os);
    free(strat);
    free(cause);
    free(lines);
    free(inst);
    free(line_first);
    free(pfs);
    free(pfs_ev);
    for (int q = 0; q < NELM_NKINDS; q++)
        free(recv[q]);
    for (size_t q = 0; q < NELM_ECON_NACC; q++)
        free(econ[q]);
    H5Fclose(f);
    return ret;
}

void
nelm_runfile_free(nelm_runfile *rf)
{
    for (size_t s = 0; s < NELM_MAX_STRATEGIES; s++)
        nelm_summary_acc_free(&rf->acc[s]);
    free(rf->p);
    rf->p = NULL;
}
