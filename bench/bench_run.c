/* bench_run.c — the run benchmark of DESIGN §10 on the built-in default model:
 * the floor, outcomes-only and full-trajectory throughput, the I/O bound,
 * thread scaling and peak memory. Rates are patient-strategy trajectories
 * per second.
 *
 *   build/bench/bench_run [--json] [--patients N] [--quick] [--repeat R]
 *
 * Each timed measurement is repeated R times (default 3), the repetitions
 * interleaved, and the best is reported: the machine this runs on is shared
 * and noisy, and its noise only ever slows a measurement down. The spread
 * (worst/best) is printed beside each.
 *
 *   floor          per patient-strategy the draws the engine counted while
 *                  running the model (bare uniforms, each family's
 *                  inversions, life-table deaths), replayed through the same
 *                  keyed generators and inversion code, and nothing else
 *   outcomes_rate  nelm_run, summaries only, one thread (with the health
 *                  economics the default model computes; without them:
 *                  outcomes_rate_no_economics)
 *   full_rate      nelm_run with every event written to HDF5 (deflate:4 with
 *                  shuffle), all threads, on the file system of $TMPDIR: to
 *                  the last trajectory chunk written, as outcomes_rate stops
 *                  before the end-of-run Kaplan-Meier summaries (with them:
 *                  full_end_to_end_rate)
 *   io_bound_rate  the slower of the disk (sequential write + fsync
 *                  bandwidth / stored bytes per trajectory) and the
 *                  compressor (shuffle + deflate:4 of the run's own table
 *                  columns read back from its file, in the file's chunks,
 *                  all threads / raw bytes per trajectory)
 *   efficiency     outcomes rate on all threads / (threads x one-thread rate)
 *   econ_floor_ns  the economics' least arithmetic on the pieces it counted
 *                  (a discount factor and four sums each), beside what it
 *                  costs (econ_cost_ns) and what 0.5 x floor leaves for it
 *                  beside the clinical model (econ_allowance_ns)
 *   full_share_cap the best full rate / io_bound while the simulation shares
 *                  the threads with the compressor
 *   peak RSS       of `nelmsim run -n N --trajectories none` child processes
 */
#define _DEFAULT_SOURCE /* wait4 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <math.h>
#include <hdf5.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"
#include "build_info.h"
#include "econ_params.h"
#include "engine.h"
#include "h5out.h"
#include "lifetable.h"
#include "params.h"
#include "run.h"

static nelm_params P, P_clin; /* the default model; the same without economics */

static int
run_once(const nelm_model *m, uint64_t n, int threads, nelm_traj_mode traj, const char *out,
         nelm_run_result *r)
{
    nelm_run_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 1;
    o.npatients = n;
    o.nstrategies = P.nstrategies;
    for (size_t s = 0; s < P.nstrategies; s++)
        o.strategies[s] = s;
    o.tau = 120;
    o.threads = threads;
    o.block = NELM_BLOCK_DEFAULT;
    o.output = out;
    o.traj = traj;
    o.deflate_level = 4;
    o.force = true;
    o.command_line = "bench_run";
    nelm_err e = {0};
    if (nelm_run(m, &o, r, &e) != 0) {
        fprintf(stderr, "bench_run: %s\n", e.msg);
        return 1;
    }
    return 0;
}

/* a dist of each family the model uses (for the floor's replay) */
static const nelm_dist *
dist_of_family(int f)
{
    const nelm_disease_params *d = &P.disease;
    if ((int)d->death_controlled.family == f)
        return &d->death_controlled;
    if ((int)d->death_progressed.family == f)
        return &d->death_progressed;
    for (size_t i = 0; i < P.nmodalities; i++) {
        const nelm_modality *m = &P.modalities[i];
        const nelm_dist *c[] = {&m->ttp,
                                &m->toxicity,
                                &m->transplant.wait,
                                &m->transplant.wait_progression,
                                &m->prrt.late_onset,
                                &m->prrt.late_death};
        for (size_t k = 0; k < sizeof c / sizeof c[0]; k++)
            if ((int)c[k]->family == f && c[k]->per_month > 0)
                return c[k];
    }
    return NULL;
}

/* Seconds to replay the counted draws. Chained: each keyed by the previous
 * one's result — what a simulation whose every draw decides the next must
 * wait for (latency, not throughput). Inlined with `chained` a constant, so
 * the independent replay carries no dependence at all. */
static inline __attribute__((always_inline)) double
replay_seconds(const nelm_model *m, const nelm_draw_stats *st, double *sink, bool chained)
{
    double t0 = bench_now();
    uint64_t key = nelm_rng_key_prefix(1, 0);
    nelm_rng r;
    double acc = 0;
    uint32_t dep = 0; /* 0 or 1, from the previous draw when chained */
    for (uint64_t i = 0; i < st->uniforms + st->baseline; i++) {
        nelm_rng_keyed_tail(&r, key, NELM_STREAM_LINE, (uint32_t)(i & 15), (uint32_t)(i >> 4),
                            1 + dep);
        double u = nelm_rng_uniform_pos(&r);
        if (chained)
            dep = u < 0.5;
        acc += u;
    }
    nelm_mod mod = {0.0, 1.0, 1.3};
    for (int f = 0; f < NELM_DIST_NFAMILIES; f++) {
        const nelm_dist *d = dist_of_family(f);
        if (st->family[f] == 0 || d == NULL)
            continue;
        for (uint64_t i = 0; i < st->family[f]; i++) {
            nelm_rng_keyed_tail(&r, key, NELM_STREAM_LINE, (uint32_t)(i & 15), (uint32_t)(i >> 4),
                                3 + dep);
            double t = 0;
            bool ev = nelm_dist_draw(d, &mod, nelm_rng_uniform_pos(&r), &t);
            if (chained)
                dep = ev && t < 12.0;
            acc += ev ? t : 0;
        }
    }
    for (uint64_t i = 0; i < st->lifetable; i++) {
        nelm_rng_keyed_tail(&r, key, NELM_STREAM_BACKGROUND, dep, (uint32_t)i, 0);
        double a =
            nelm_lifetable_death_age(&m->lt, (nelm_sex)(i & 1), 60.0, nelm_rng_uniform_pos(&r));
        if (chained)
            dep = a < 80.0;
        acc += a;
    }
    *sink += acc;
    return bench_now() - t0;
}

static double
floor_seconds(const nelm_model *m, const nelm_draw_stats *st, double *sink)
{
    return replay_seconds(m, st, sink, false);
}

static double
floor_chained_seconds(const nelm_model *m, const nelm_draw_stats *st, double *sink)
{
    return replay_seconds(m, st, sink, true);
}

/* Seconds for the least arithmetic the health economics must do on the
 * counted pieces (spans of constant utility and cost): per piece, one
 * discount factor from the same tables as the walk (nelm_econ_factor), the
 * discounted integral from it and the previous one, and the four sums
 * (QALYs and cost, discounted and not); no state, no age norms. The times
 * rise within groups of 8 pieces, as within a trajectory. */
static double
econ_floor_seconds(const nelm_draw_stats *st, double *sink)
{
    const nelm_econ_params *x = &P.econ;
    const nelm_econ_disc *tb = &x->disc_effect;
    double id = x->d_effect > 0 ? 1.0 / x->d_effect : 0;
    double t0 = bench_now();
    double qu = 0, qd = 0, cu = 0, cd = 0, t = 0, e = 1;
    for (uint64_t i = 0; i < st->econ_pieces; i++) {
        if ((i & 7) == 0)
            t = 0, e = 1;
        double te = t + 0.5 + 3.1 * (double)(i & 7) + 1e-3 * (double)(i & 1023);
        double ee = nelm_econ_factor(tb, te);
        double wd = x->d_effect == 0 ? te - t : (e - ee) * id;
        double u = 0.7 + 0.01 * (double)(i & 3), c = 100.0 * (double)(i & 1);
        qu += u * (te - t);
        qd += u * wd;
        cu += c * (te - t);
        cd += c * wd;
        t = te;
        e = ee;
    }
    *sink += qu + qd + cu + cd;
    return bench_now() - t0;
}

/* sequential write bandwidth with fsync, bytes/s */
static double
disk_bandwidth(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/nelm-bench-disk.%d", dir, (int)getpid());
    size_t chunk = 1u << 22, total = (size_t)1 << 30;
    char *buf = malloc(chunk);
    if (buf == NULL)
        return 0;
    for (size_t i = 0; i < chunk; i++)
        buf[i] = (char)(i * 2654435761u >> 13);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        free(buf);
        return 0;
    }
    double t0 = bench_now();
    size_t done = 0;
    while (done < total) {
        ssize_t w = write(fd, buf, chunk);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    fsync(fd);
    double dt = bench_now() - t0;
    close(fd);
    unlink(path);
    free(buf);
    return dt > 0 ? (double)done / dt : 0;
}

/* the run's own columns, read back from its file, cut into the file's chunks */
typedef struct job {
    const unsigned char *raw;
    size_t nbytes, esize;
} job;

typedef struct jobs {
    job *v;
    size_t n, cap;
    unsigned char *bufs[256];
    size_t nbufs;
} jobs;

static herr_t
collect(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)info;
    jobs *J = data;
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    if (d < 0)
        return 0;
    hid_t ft = H5Dget_type(d), mt = H5Tget_native_type(ft, H5T_DIR_ASCEND), sp = H5Dget_space(d),
          pl = H5Dget_create_plist(d);
    hsize_t dims[1] = {0}, chunk[1] = {0};
    size_t es = H5Tget_size(mt);
    if (H5Sget_simple_extent_ndims(sp) == 1 && H5Sget_simple_extent_dims(sp, dims, NULL) == 1 &&
        H5Pget_layout(pl) == H5D_CHUNKED && H5Pget_chunk(pl, 1, chunk) == 1 && dims[0] > 0 &&
        J->nbufs < 256) {
        unsigned char *buf = malloc((size_t)dims[0] * es);
        if (buf && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0) {
            J->bufs[J->nbufs++] = buf;
            for (hsize_t off = 0; off < dims[0]; off += chunk[0]) {
                hsize_t rows = dims[0] - off < chunk[0] ? dims[0] - off : chunk[0];
                if (J->n == J->cap) {
                    J->cap = J->cap ? 2 * J->cap : 256;
                    J->v = realloc(J->v, J->cap * sizeof *J->v);
                }
                J->v[J->n++] = (job){buf + off * es, (size_t)rows * es, es};
            }
        } else {
            free(buf);
        }
    }
    H5Pclose(pl);
    H5Sclose(sp);
    H5Tclose(mt);
    H5Tclose(ft);
    H5Dclose(d);
    return 0;
}

/* bytes/s of shuffle + deflate:4 over the file's table columns, all threads */
static double
compressor_bandwidth(const char *file, int threads)
{
    jobs J;
    memset(&J, 0, sizeof J);
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return 0;
    const char *groups[] = {"patients", "outcomes", "lines", "events"};
    for (size_t g = 0; g < 4; g++) {
        hid_t gid = H5Gopen2(f, groups[g], H5P_DEFAULT);
        if (gid < 0)
            continue;
        H5Literate(gid, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, collect, &J);
        H5Gclose(gid);
    }
    H5Fclose(f);
    double total = 0;
    for (size_t i = 0; i < J.n; i++)
        total += (double)J.v[i].nbytes;
    int bad = 0;
    double t0 = bench_now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(+ : bad)
    for (size_t i = 0; i < J.n; i++) {
        size_t cap = nelm_h5_deflate_bound(J.v[i].nbytes), len = 0;
        void *out = malloc(cap);
        bad += out == NULL ||
               nelm_h5_deflate(J.v[i].raw, J.v[i].nbytes, J.v[i].esize, 4, out, cap, &len) != 0;
        free(out);
    }
    double dt = bench_now() - t0;
    for (size_t i = 0; i < J.nbufs; i++)
        free(J.bufs[i]);
    free(J.v);
    return bad || dt <= 0 ? 0 : total / dt;
}

/* peak RSS (MiB) of a child `nelmsim run -n N --trajectories none` */
static double
child_rss(const char *nelmsim, uint64_t n)
{
    char ns[32];
    snprintf(ns, sizeof ns, "%llu", (unsigned long long)n);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execl(nelmsim, nelmsim, "run", "-n", ns, "--seed", "1", "--trajectories", "none", "--quiet",
              (char *)NULL);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    return (double)ru.ru_maxrss / 1024.0;
}

int
main(int argc, char **argv)
{
    bool json = false, quick = false;
    uint64_t n = 500000;
    int repeat = 3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--quick") == 0)
            quick = true;
        else if (strcmp(argv[i], "--patients") == 0 && i + 1 < argc)
            n = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_run [--json] [--patients N] [--quick] [--repeat R]\n");
            return 1;
        }
    }
    if (n == 0)
        n = 1;
    if (repeat < 1)
        repeat = 1;
    nelm_err e = {0};
    nelm_model m;
    if (nelm_params_load(&P, NULL, NULL, 0, &e) != 0 || nelm_model_init(&m, &P, &e) != 0) {
        fprintf(stderr, "bench_run: %s\n", e.msg);
        return 1;
    }
    /* the clinical outcomes alone: economics off, everything else the same */
    nelm_model m_clin;
    P_clin = P;
    P_clin.econ.enabled = false;
    if (nelm_model_init(&m_clin, &P_clin, &e) != 0) {
        fprintf(stderr, "bench_run: %s\n", e.msg);
        return 1;
    }
    const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char out[4096], nelmsim[4096];
    snprintf(out, sizeof out, "%s/nelm-bench-run.%d.h5", tmpdir, (int)getpid());
    /* the nelmsim binary next to bench/ */
    snprintf(nelmsim, sizeof nelmsim, "%s", argv[0]);
    char *slash = strrchr(nelmsim, '/');
    if (slash)
        snprintf(slash, sizeof nelmsim - (size_t)(slash - nelmsim), "/../nelmsim");
    else
        snprintf(nelmsim, sizeof nelmsim, "../nelmsim");
    /* peak memory first, while this process is small (a forked child's
     * maximum RSS counts what it inherited before exec) */
    double rss5 = child_rss(nelmsim, 100000);
    double rss6 = quick ? -1 : child_rss(nelmsim, 1000000);
    double rss7 = quick ? -1 : child_rss(nelmsim, 10000000);
    int T = omp_get_max_threads();
    double S = (double)P.nstrategies, sink = 0;

    /* best (shortest) of `repeat` interleaved repetitions; spread = worst / best */
    static nelm_run_result r1, rT, rf, rc;
    double ps = (double)n * S;
    double best[10], worst[10]; /* seconds: one thread, T threads, end-to-end 1 and T, floor,
                                   full, chained floor, full end-to-end, one thread without
                                   economics, economics floor; the compressor's bandwidth
                                   apart */
    double comp_bw = 0, comp_worst = 0;
    for (int k = 0; k < 10; k++)
        best[k] = INFINITY, worst[k] = 0;
    for (int rep = 0; rep < repeat; rep++) {
        if (rep > 0) {
            nelm_run_result_free(&r1);
            nelm_run_result_free(&rT);
            nelm_run_result_free(&rf);
            nelm_run_result_free(&rc);
        }
        if (run_once(&m, n, 1, NELM_TRAJ_NONE, NULL, &r1) ||
            run_once(&m, n, T, NELM_TRAJ_NONE, NULL, &rT) ||
            run_once(&m, n, T, NELM_TRAJ_FULL, out, &rf) ||
            run_once(&m_clin, n, 1, NELM_TRAJ_NONE, NULL, &rc))
            return 1;
        double secs[10] = {r1.sim_seconds,
                           rT.sim_seconds,
                           r1.seconds,
                           rT.seconds,
                           floor_seconds(&m, &r1.stats, &sink),
                           rf.sim_seconds,
                           floor_chained_seconds(&m, &r1.stats, &sink),
                           rf.seconds,
                           rc.sim_seconds,
                           econ_floor_seconds(&r1.stats, &sink)};
        for (int k = 0; k < 10; k++) {
            best[k] = secs[k] < best[k] ? secs[k] : best[k];
            worst[k] = secs[k] > worst[k] ? secs[k] : worst[k];
        }
        double bw = compressor_bandwidth(out, T);
        comp_worst = rep == 0 || bw < comp_worst ? bw : comp_worst;
        comp_bw = bw > comp_bw ? bw : comp_bw;
        unlink(out);
    }
    double outcomes_rate = ps / best[0], outcomes_rate_T = ps / best[1];
    double outcomes_clin = ps / best[8];
    double end_to_end = ps / best[2], end_to_end_T = ps / best[3];
    double efficiency = outcomes_rate_T / ((double)T * outcomes_rate);
    /* the share of the threads' time spent working in the last all-threads
     * run (simulating, and the master's serial stage): what the driver's
     * scheduling leaves idle, whatever the machine's speed */
    double utilisation = (rT.busy_seconds + rT.serial_seconds) / ((double)T * rT.sim_seconds);
    uint64_t draws = r1.stats.uniforms + r1.stats.baseline + r1.stats.lifetable;
    for (int f = 0; f < NELM_DIST_NFAMILIES; f++)
        draws += r1.stats.family[f];
    double floor_rate = ps / best[4], floor_chained_rate = ps / best[6];
    /* the economics' least arithmetic beside the draws' floor, and what the
     * target 0.5 x floor leaves for it beside the clinical model as it runs
     * (seconds per patient-strategy; negative: nothing) */
    double econ_floor_ns = 1e9 * best[9] / ps, econ_pieces = (double)r1.stats.econ_pieces / ps;
    double floor_econ_rate = ps / (best[4] + best[9]);
    double econ_allowance_ns = 1e9 * (2.0 / floor_rate - 1.0 / outcomes_clin);
    double econ_cost_ns = 1e9 * (1.0 / outcomes_rate - 1.0 / outcomes_clin);
    double full_rate = ps / best[5], full_end_to_end = ps / best[7];
    double raw_pp = (double)rf.raw_bytes / ps, stored_pp = (double)rf.stored_bytes / ps;
    double disk = 0;
    for (int rep = 0; rep < (repeat < 2 ? repeat : 2); rep++) { /* 1 GiB each */
        double d = disk_bandwidth(tmpdir);
        disk = d > disk ? d : disk;
    }
    double comp_rate = raw_pp > 0 ? comp_bw / raw_pp : 0;
    double disk_rate = stored_pp > 0 ? disk / stored_pp : 0;
    double io_bound_rate = comp_rate < disk_rate ? comp_rate : disk_rate;
    /* the best full rate while the simulation shares the threads with the
     * compressor: each trajectory costs both (the writer's own work aside) */
    double share_cap =
        io_bound_rate > 0 ? 1.0 / (1.0 / io_bound_rate + 1.0 / outcomes_rate_T) / io_bound_rate : 0;
    double spread[7];
    for (int k = 0; k < 6; k++)
        spread[k] = worst[k] / best[k];
    spread[6] = comp_worst > 0 ? comp_bw / comp_worst : 0;

    double per_ps = (double)draws / ps;
    if (json) {
        printf("{\"machine_threads\": %d, \"patients\": %llu, \"strategies\": %zu, "
               "\"draws_per_patient\": %.3f, \"floor_rate\": %.4g, \"outcomes_rate\": %.4g, "
               "\"outcomes_rate_no_economics\": %.4g, \"outcomes_rate_all_threads\": %.4g, "
               "\"end_to_end_rate\": %.4g, "
               "\"end_to_end_rate_all_threads\": %.4g, \"full_rate\": %.4g, "
               "\"full_end_to_end_rate\": %.4g, \"floor_chained_rate\": %.4g, "
               "\"io_bound_rate\": %.4g, \"disk_bytes_per_s\": %.4g, "
               "\"compressor_bytes_per_s\": %.4g, \"efficiency\": %.3f, \"utilisation\": %.3f, "
               "\"raw_bytes_per_patient\": %.1f, \"stored_bytes_per_patient\": %.1f, "
               "\"peak_rss_mb_1e5\": %.1f, \"peak_rss_mb_1e6\": %.1f, \"peak_rss_mb_1e7\": %.1f, "
               "\"econ_pieces_per_patient\": %.3f, \"econ_floor_ns\": %.1f, "
               "\"econ_cost_ns\": %.1f, \"econ_allowance_ns\": %.1f, "
               "\"floor_with_economics_rate\": %.4g, \"full_share_cap\": %.3f, "
               "\"repeat\": %d, \"spread_outcomes\": %.2f, \"spread_floor\": %.2f, "
               "\"spread_full\": %.2f, \"spread_compressor\": %.2f, "
               "\"version\": \"%s\", \"git\": \"%s\"}\n",
               T, (unsigned long long)n, P.nstrategies, per_ps, floor_rate, outcomes_rate,
               outcomes_clin, outcomes_rate_T, end_to_end, end_to_end_T, full_rate, full_end_to_end,
               floor_chained_rate, io_bound_rate, disk, comp_bw, efficiency, utilisation, raw_pp,
               stored_pp, rss5, rss6, rss7, econ_pieces, econ_floor_ns, econ_cost_ns,
               econ_allowance_ns, floor_econ_rate, share_cap, repeat, spread[0], spread[4],
               spread[5], spread[6], NELM_VERSION, NELM_GIT_REV);
    } else {
        printf("nelmsim %s (git %s), %s; %d threads\n", NELM_VERSION, NELM_GIT_REV,
               NELM_BUILD_FLAGS, T);
        printf("default model, %llu patients x %zu strategies\n", (unsigned long long)n,
               P.nstrategies);
        printf("draws per patient-strategy   %8.2f (uniforms %.2f, baseline %.2f, life table %.2f",
               per_ps, (double)r1.stats.uniforms / ps, (double)r1.stats.baseline / ps,
               (double)r1.stats.lifetable / ps);
        for (int f = 0; f < NELM_DIST_NFAMILIES; f++)
            if (r1.stats.family[f])
                printf(", %s %.2f", nelm_dist_family_name((nelm_dist_family)f),
                       (double)r1.stats.family[f] / ps);
        printf(")\n");
        printf("best of %d repetitions (spread worst/best: outcomes %.2f, floor %.2f, full %.2f, "
               "compressor %.2f)\n",
               repeat, spread[0], spread[4], spread[5], spread[6]);
        printf("floor                        %10.4g /s (one core)\n", floor_rate);
        printf("outcomes only                %10.4g /s (one core) = %.2f x floor\n", outcomes_rate,
               outcomes_rate / floor_rate);
        printf("  without economics          %10.4g /s (one core) = %.2f x floor\n", outcomes_clin,
               outcomes_clin / floor_rate);
        printf("  economics: %.2f pieces per patient-strategy; they cost %.1f ns, their least "
               "arithmetic %.1f ns;\n    0.5 x floor leaves %.1f ns beside the clinical model; "
               "floor with the economics' %10.4g /s = %.2f x it\n",
               econ_pieces, econ_cost_ns, econ_floor_ns, econ_allowance_ns, floor_econ_rate,
               outcomes_rate / floor_econ_rate);
        printf("floor, each draw waiting     %10.4g /s (one core); outcomes = %.2f x it\n",
               floor_chained_rate, outcomes_rate / floor_chained_rate);
        printf("outcomes only, %d threads     %10.4g /s, efficiency %.3f (threads busy %.3f)\n", T,
               outcomes_rate_T, efficiency, utilisation);
        printf("  with the summaries (KM)    %10.4g /s (one core), %.4g /s (%d threads)\n",
               end_to_end, end_to_end_T, T);
        printf("full trajectories to %-8s %10.4g /s (%d threads); with the summaries %.4g /s\n",
               tmpdir, full_rate, T, full_end_to_end);
        printf("  compressor, %d threads      %10.4g MB/s -> %.4g /s at %.1f raw B\n", T,
               comp_bw / 1e6, comp_rate, raw_pp);
        printf("  disk write bandwidth       %10.4g MB/s -> %.4g /s at %.1f stored B\n", disk / 1e6,
               disk_rate, stored_pp);
        printf("  I/O bound                  %10.4g /s; full = %.2f x bound\n", io_bound_rate,
               io_bound_rate > 0 ? full_rate / io_bound_rate : 0);
        printf("  the simulation sharing the %d threads caps full at %.2f x bound\n", T, share_cap);
        printf("bytes per patient-strategy   %.1f raw, %.1f stored\n", raw_pp, stored_pp);
        printf("peak RSS (summaries only)    1e5: %.1f MB  1e6: %.1f MB  1e7: %.1f MB\n", rss5,
               rss6, rss7);
    }
    nelm_run_result_free(&r1);
    nelm_run_result_free(&rT);
    nelm_run_result_free(&rf);
    nelm_run_result_free(&rc);
    fprintf(stderr, "(checksum %g)\n", sink);
    return 0;
}
