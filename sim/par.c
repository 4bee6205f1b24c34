/* par.c — the ranks of an MPI job (see par.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "par.h"

#ifdef NELM_MPI
#include <mpi.h>

static bool
initialised(void)
{
    int on = 0, off = 0;
    MPI_Initialized(&on);
    if (on)
        MPI_Finalized(&off);
    return on && !off;
}

/* Started by an MPI launcher (mpirun, mpiexec, srun)? Without one, MPI would
 * start as a singleton of one rank, which serves no purpose here and sets up
 * the launcher's shared-memory files (failing under a file-size limit), so
 * the binary then runs as the one-rank job without initialising MPI. */
static bool
launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                       "PMI_SIZE", "MPI_LOCALNRANKS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]) != NULL)
            return true;
    return false;
}

int
nelm_par_init(int *argc, char ***argv)
{
    if (!launched())
        return 0;
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "nelmsim: MPI_Init_thread failed\n");
        return NELM_ERR_IO;
    }
    if (provided < MPI_THREAD_FUNNELED) {
        fprintf(stderr, "nelmsim: the MPI library does not support MPI_THREAD_FUNNELED\n");
        MPI_Finalize();
        return NELM_ERR_IO;
    }
    /* a failed call returns its code; errors are ours to report */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    return 0;
}

void
nelm_par_finalize(void)
{
    if (initialised())
        MPI_Finalize();
}

int
nelm_par_rank(void)
{
    int r = 0;
    if (initialised())
        MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int
nelm_par_size(void)
{
    int n = 1;
    if (initialised())
        MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

int
nelm_par_agree(int code, nelm_err *e)
{
    if (!nelm_par_active())
        return code;
    int size = nelm_par_size();
    int mine = code != 0 ? nelm_par_rank() : size, first = size;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == size)
        return 0;
    struct {
        int code;
        char msg[NELM_ERR_MSG_MAX];
    } m;
    memset(&m, 0, sizeof m);
    if (nelm_par_rank() == first) {
        m.code = code;
        if (e != NULL)
            memcpy(m.msg, e->msg, sizeof m.msg);
    }
    MPI_Bcast(&m, (int)sizeof m, MPI_BYTE, first, MPI_COMM_WORLD);
    m.msg[sizeof m.msg - 1] = '\0';
    if (e != NULL) {
        e->code = m.code;
        memcpy(e->msg, m.msg, sizeof e->msg);
    }
    return m.code;
}

void
nelm_par_bcast(void *buf, size_t len)
{
    if (!nelm_par_active())
        return;
    char *p = buf;
    while (len > 0) { /* counts are int */
        size_t n = len < (size_t)INT_MAX ? len : (size_t)INT_MAX;
        MPI_Bcast(p, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
        p += n;
        len -= n;
    }
}

void
nelm_par_sum_u64(uint64_t *v, size_t n)
{
    if (!nelm_par_active() || n == 0)
        return;
    nelm_bug_assert(n < (size_t)INT_MAX);
    MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
}

uint64_t
nelm_par_max_u64(uint64_t v)
{
    if (!nelm_par_active())
        return v;
    uint64_t m = v;
    MPI_Allreduce(&v, &m, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    return m;
}

int
nelm_par_allgather(const void *buf, size_t len, void **out, size_t *lens, nelm_err *e)
{
    *out = NULL;
    if (!nelm_par_active()) {
        lens[0] = len;
        *out = nelm_malloc(len ? len : 1);
        if (*out == NULL)
            return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (gather)");
        if (len)
            memcpy(*out, buf, len);
        return 0;
    }
    int size = nelm_par_size();
    uint64_t mine = len;
    uint64_t *all = nelm_malloc((size_t)size * sizeof *all);
    int *cnt = nelm_malloc((size_t)size * sizeof *cnt), *disp = nelm_malloc((size_t)size * sizeof *disp);
    int ok = all != NULL && cnt != NULL && disp != NULL;
    int ok_all = 0;
    MPI_Allreduce(&ok, &ok_all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    int ret = 0;
    if (!ok_all) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (gather)");
        goto out;
    }
    MPI_Allgather(&mine, 1, MPI_UINT64_T, all, 1, MPI_UINT64_T, MPI_COMM_WORLD);
    uint64_t total = 0;
    for (int r = 0; r < size; r++) {
        lens[r] = (size_t)all[r];
        disp[r] = (int)total;
        cnt[r] = (int)all[r];
        total += all[r];
    }
    if (total > (uint64_t)INT_MAX) { /* the same answer on every rank */
        ret = NELM_FAIL(e, NELM_ERR_LIMIT,
                        "MPI: %llu bytes to gather at once (at most %d): use smaller blocks",
                        (unsigned long long)total, INT_MAX);
        goto out;
    }
    *out = nelm_malloc(total ? (size_t)total : 1);
    ok = *out != NULL;
    MPI_Allreduce(&ok, &ok_all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!ok_all) {
        ret = NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (gather of %llu bytes)",
                        (unsigned long long)total);
        goto out;
    }
    MPI_Allgatherv(buf, (int)len, MPI_BYTE, *out, cnt, disp, MPI_BYTE, MPI_COMM_WORLD);
out:
    if (ret != 0) {
        free(*out);
        *out = NULL;
    }
    free(all);
    free(cnt);
    free(disp);
    return ret;
}

void
nelm_par_barrier(void)
{
    if (nelm_par_active())
        MPI_Barrier(MPI_COMM_WORLD);
}

#else /* one rank */

int
nelm_par_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

void
nelm_par_finalize(void)
{
}

int
nelm_par_rank(void)
{
    return 0;
}

int
nelm_par_size(void)
{
    return 1;
}

int
nelm_par_agree(int code, nelm_err *e)
{
    (void)e;
    return code;
}

void
nelm_par_bcast(void *buf, size_t len)
{
    (void)buf;
    (void)len;
}

void
nelm_par_sum_u64(uint64_t *v, size_t n)
{
    (void)v;
    (void)n;
}

uint64_t
nelm_par_max_u64(uint64_t v)
{
    return v;
}

int
nelm_par_allgather(const void *buf, size_t len, void **out, size_t *lens, nelm_err *e)
{
    lens[0] = len;
    *out = nelm_malloc(len ? len : 1);
    if (*out == NULL)
        return NELM_FAIL(e, NELM_ERR_NOMEM, "out of memory (gather)");
    if (len)
        memcpy(*out, buf, len);
    return 0;
}

void
nelm_par_barrier(void)
{
}

#endif

bool
nelm_par_active(void)
{
    return nelm_par_size() > 1;
}

bool
nelm_par_inject(const char *point)
{
    const char *v = getenv("NELMSIM_INJECT_FAULT");
    if (v == NULL)
        return false;
    size_t n = strlen(point);
    if (strncmp(v, point, n) != 0 || v[n] != ':')
        return false;
    char *end = NULL;
    long r = strtol(v + n + 1, &end, 10);
    return end != v + n + 1 && *end == '\0' && r == (long)nelm_par_rank();
}
