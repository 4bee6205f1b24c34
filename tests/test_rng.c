/* test_rng.c — PCG32 known answers, jump-ahead, bounded and uniform draws,
 * and keyed streams (DESIGN §4). */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* First output of the generator keyed by {42, 7, NELM_STREAM_LINE, 3, 1, 2}. */
#define NELM_T_PINNED_KEYED 0x4cb5814cu

/* ---- known answers: shared/reference/pcg32-check.out, byte for byte ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void
sb_printf(sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void
sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < b->cap - b->len);
    b->len += (size_t)n;
}

static void
test_known_answers(void **state)
{
    (void)state;
    static char out[8192];
    sbuf b = {out, 0, sizeof out};
    nelm_rng rng;
    nelm_rng_seed(&rng, 42u, 54u);

    sb_printf(&b, "pcg32_random_r:\n"
                  "      -  result:      32-bit unsigned int (uint32_t)\n"
                  "      -  period:      2^64   (* 2^63 streams)\n"
                  "      -  state type:  pcg32_random_t (%zu bytes)\n"
                  "      -  output func: XSH-RR\n\n",
              sizeof(nelm_rng));
    for (int round = 1; round <= 5; round++) {
        sb_printf(&b, "Round %d:\n", round);
        sb_printf(&b, "  32bit:");
        for (int i = 0; i < 6; i++)
            sb_printf(&b, " 0x%08x", nelm_rng_next(&rng));
        sb_printf(&b, "\n");
        sb_printf(&b, "  Again:");
        nelm_rng_advance(&rng, (uint64_t)0 - 6u);
        for (int i = 0; i < 6; i++)
            sb_printf(&b, " 0x%08x", nelm_rng_next(&rng));
        sb_printf(&b, "\n");
        sb_printf(&b, "  Coins: ");
        for (int i = 0; i < 65; i++)
            sb_printf(&b, "%c", nelm_rng_bounded(&rng, 2) ? 'H' : 'T');
        sb_printf(&b, "\n");
        sb_printf(&b, "  Rolls:");
        for (int i = 0; i < 33; i++)
            sb_printf(&b, " %d", (int)nelm_rng_bounded(&rng, 6) + 1);
        sb_printf(&b, "\n");
        int cards[52];
        for (int i = 0; i < 52; i++)
            cards[i] = i;
        for (uint32_t i = 52; i > 1; i--) {
            uint32_t j = nelm_rng_bounded(&rng, i);
            int t = cards[j];
            cards[j] = cards[i - 1];
            cards[i - 1] = t;
        }
        sb_printf(&b, "  Cards:");
        static const char number[] = "A23456789TJQK", suit[] = "hcds";
        for (int i = 0; i < 52; i++) {
            sb_printf(&b, " %c%c", number[cards[i] / 4], suit[cards[i] % 4]);
            if (i % 22 == 21)
                sb_printf(&b, "\n\t");
        }
        sb_printf(&b, "\n\n");
    }

    size_t len = 0;
    char *expected = nelm_t_read_file(nelm_t_data_path("pcg32-check.out"), &len);
    assert_non_null(expected);
    if (len != b.len || memcmp(expected, out, len) != 0) {
        size_t i = 0;
        while (i < len && i < b.len && expected[i] == out[i])
            i++;
        print_error("output differs from pcg32-check.out at byte %zu (lengths %zu vs %zu)\n", i,
                    b.len, len);
        free(expected);
        fail();
    }
    free(expected);
}

/* ---- jump-ahead ---- */

static void
test_advance(void **state)
{
    (void)state;
    nelm_rng a, b;
    nelm_rng_seed(&a, 12345u, 678u);
    b = a;
    /* forward by k equals k steps, for k across bit patterns */
    static const uint64_t ks[] = {0, 1, 2, 3, 7, 64, 1000, 65535, 123457};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        nelm_rng c = a, s = a;
        nelm_rng_advance(&c, ks[i]);
        for (uint64_t k = 0; k < ks[i]; k++)
            (void)nelm_rng_next(&s);
        assert_int_equal(c.state, s.state);
        assert_int_equal(c.inc, s.inc);
    }
    /* any delta then its negation returns to the start */
    nelm_rng_advance(&b, UINT64_C(0x9e3779b97f4a7c15));
    assert_true(b.state != a.state);
    nelm_rng_advance(&b, (uint64_t)0 - UINT64_C(0x9e3779b97f4a7c15));
    assert_int_equal(b.state, a.state);
    /* 2^64 steps is the full period: advance(2^63) twice is the identity */
    b = a;
    nelm_rng_advance(&b, UINT64_C(1) << 63);
    assert_true(b.state != a.state);
    nelm_rng_advance(&b, UINT64_C(1) << 63);
    assert_int_equal(b.state, a.state);
    /* composition: advance(x) then advance(y) == advance(x + y) */
    nelm_rng c = a, d = a;
    nelm_rng_advance(&c, UINT64_C(0xdeadbeefcafef00d));
    nelm_rng_advance(&c, UINT64_C(0x123456789abcdef));
    nelm_rng_advance(&d, UINT64_C(0xdeadbeefcafef00d) + UINT64_C(0x123456789abcdef));
    assert_int_equal(c.state, d.state);
}

/* ---- bounded and uniform draws ---- */

/* Pearson chi-square of counts against equal expectations. */
static double
chisq_equal(const uint64_t *count, size_t k, uint64_t n)
{
    double e = (double)n / (double)k, x = 0;
    for (size_t i = 0; i < k; i++) {
        double d = (double)count[i] - e;
        x += d * d / e;
    }
    return x;
}

/* Upper critical value for chi-square with df degrees of freedom, about
 * 6 standard deviations out (Wilson–Hilferty; p ~ 1e-7). */
static double
chisq_crit(double df)
{
    double z = 6.0, h = 2.0 / (9.0 * df);
    double c = 1.0 - h + z * sqrt(h);
    return df * c * c * c;
}

static void
test_bounded_unbiased(void **state)
{
    (void)state;
    nelm_rng r;
    nelm_rng_seed(&r, 2024u, 7u);
    /* small bound */
    uint64_t c6[6] = {0};
    for (int i = 0; i < 600000; i++)
        c6[nelm_rng_bounded(&r, 6)]++;
    assert_true(chisq_equal(c6, 6, 600000) < chisq_crit(5));
    /* a bound where plain modulo would be badly biased: 3 * 2^30 leaves a
     * quarter of the outputs mapping twice onto the low third */
    uint64_t c3[3] = {0};
    const uint32_t bound = 3u << 30;
    for (int i = 0; i < 300000; i++) {
        uint32_t x = nelm_rng_bounded(&r, bound);
        assert_true(x < bound);
        c3[x >> 30]++;
    }
    assert_true(chisq_equal(c3, 3, 300000) < chisq_crit(2));
    /* bound 1 always gives 0; bound 2^32 - 1 stays in range */
    for (int i = 0; i < 100; i++) {
        assert_int_equal(nelm_rng_bounded(&r, 1), 0);
        assert_true(nelm_rng_bounded(&r, UINT32_MAX) < UINT32_MAX);
    }
}

static void
test_uniform(void **state)
{
    (void)state;
    nelm_rng r;
    nelm_rng_seed(&r, 99u, 3u);
    enum { N = 1000000, BINS = 1000 };
    static uint64_t cnt[BINS];
    memset(cnt, 0, sizeof cnt);
    double sum = 0;
    int odd = 0, low_bits = 0;
    for (int i = 0; i < N; i++) {
        double u = nelm_rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        double k = u * 0x1.0p53;
        assert_true(k == floor(k)); /* on the 2^-53 lattice */
        uint64_t ki = (uint64_t)k;
        odd += (int)(ki & 1u);
        low_bits |= (int)(ki & 0xfu);
        sum += u;
        cnt[(size_t)(u * BINS)]++;
    }
    /* the lowest of the 53 bits is random too */
    assert_true(odd > N / 2 - 5000 && odd < N / 2 + 5000);
    assert_int_equal(low_bits, 0xf);
    assert_true(fabs(sum / N - 0.5) < 6 * sqrt(1.0 / 12 / N));
    assert_true(chisq_equal(cnt, BINS, N) < chisq_crit(BINS - 1));

    double lo = 1, hi = 0;
    for (int i = 0; i < N; i++) {
        double u = nelm_rng_uniform_pos(&r);
        assert_true(u > 0.0 && u < 1.0);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    assert_true(lo < 1e-5 && hi > 1 - 1e-5);
    /* the extreme lattice points are representable strictly inside (0, 1) */
    assert_true(0x1.0p-53 > 0.0);
    assert_true((double)((UINT64_C(1) << 53) - 1) * 0x1.0p-53 < 1.0);
}

/* ---- keyed streams ---- */

static nelm_key
base_key(int i)
{
    static const uint64_t seeds[] = {0, 1, 42, UINT64_C(1) << 63, UINT64_MAX};
    static const uint64_t patients[] = {0, 1, 999999, UINT64_C(1) << 40};
    nelm_key k = {seeds[i % 5], patients[i % 4], (uint32_t)(1 + i % 6), (uint32_t)(i % 3),
                  (uint32_t)(i % 2), (uint32_t)(i % 7)};
    return k;
}

/* The key with field f moved by one (down when at the top of its range). */
static nelm_key
neighbour(nelm_key k, int f)
{
    switch (f) {
    case 0:
        k.seed = k.seed == UINT64_MAX ? k.seed - 1 : k.seed + 1;
        break;
    case 1:
        k.patient++;
        break;
    case 2:
        k.purpose++;
        break;
    case 3:
        k.instance++;
        break;
    case 4:
        k.occurrence++;
        break;
    default:
        k.slot = k.slot == NELM_KEY_FIELD_MAX ? k.slot - 1 : k.slot + 1;
        break;
    }
    return k;
}

static void
test_keyed_deterministic(void **state)
{
    (void)state;
    for (int i = 0; i < 20; i++) {
        nelm_key k = base_key(i);
        nelm_rng a, b;
        nelm_rng_keyed(&a, &k);
        nelm_rng_keyed(&b, &k);
        assert_true(a.inc & 1u);
        for (int j = 0; j < 100; j++)
            assert_int_equal(nelm_rng_next(&a), nelm_rng_next(&b));
    }
    /* a per-patient prefix and the remaining fields give the same generator */
    for (int i = 0; i < 200; i++) {
        nelm_key k = base_key(i);
        k.occurrence = (uint32_t)(i * 331) & NELM_KEY_FIELD_MAX;
        nelm_rng a, b;
        nelm_rng_keyed(&a, &k);
        nelm_rng_keyed_tail(&b, nelm_rng_key_prefix(k.seed, k.patient), k.purpose, k.instance,
                            k.occurrence, k.slot);
        assert_int_equal(a.state, b.state);
        assert_int_equal(a.inc, b.inc);
    }
    /* a pinned value: changing the derivation changes every result of every
     * run, so it must be deliberate (update this and say so) */
    nelm_key k = {42, 7, NELM_STREAM_LINE, 3, 1, 2};
    nelm_rng r;
    nelm_rng_keyed(&r, &k);
    uint32_t first = nelm_rng_next(&r);
    print_message("pinned keyed output: 0x%08x\n", first);
    assert_int_equal(first, NELM_T_PINNED_KEYED);
}

/* Chi-square of the joint distribution of the top 4 bits of two streams'
 * outputs at the same index (256 cells): dependent streams fail it. */
static double
pair_chisq(nelm_rng a, nelm_rng b, int n)
{
    uint64_t cell[256] = {0};
    for (int i = 0; i < n; i++) {
        uint32_t x = nelm_rng_next(&a) >> 28, y = nelm_rng_next(&b) >> 28;
        cell[x * 16 + y]++;
    }
    return chisq_equal(cell, 256, (uint64_t)n);
}

/* Pearson correlation of the two streams' uniforms at the same index. */
static double
pair_corr(nelm_rng a, nelm_rng b, int n)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        double x = nelm_rng_uniform(&a), y = nelm_rng_uniform(&b);
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
    }
    double cxy = sxy / n - sx / n * sy / n;
    return cxy / sqrt((sxx / n - sx / n * sx / n) * (syy / n - sy / n * sy / n));
}

/* Smallest |state difference| (as a signed 64-bit distance) over n steps:
 * streams whose states come close share their high output bits. */
static uint64_t
min_state_distance(nelm_rng a, nelm_rng b, int n)
{
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < n; i++) {
        uint64_t d = a.state - b.state;
        uint64_t ad = d > (UINT64_MAX >> 1) ? (uint64_t)0 - d : d;
        best = ad < best ? ad : best;
        (void)nelm_rng_next(&a);
        (void)nelm_rng_next(&b);
    }
    return best;
}

static int
cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Number of 64-bit runs (two consecutive outputs) that occur in more than
 * one of the streams. Overlapping streams share many; independent 4096-output
 * streams share one with probability ~1e-9. */
static size_t
shared_runs(const nelm_rng *gens, size_t ngen, size_t len)
{
    size_t n = ngen * (len - 1);
    uint64_t *v = malloc(n * sizeof *v);
    assert_non_null(v);
    size_t m = 0;
    for (size_t g = 0; g < ngen; g++) {
        nelm_rng r = gens[g];
        uint64_t prev = nelm_rng_next(&r);
        for (size_t i = 1; i < len; i++) {
            uint64_t cur = nelm_rng_next(&r);
            /* tag with the generator in no way: equal runs within one stream
             * are as suspicious as across streams */
            v[m++] = (prev << 32) | cur;
            prev = cur;
        }
    }
    qsort(v, m, sizeof *v, cmp_u64);
    size_t dup = 0;
    for (size_t i = 1; i < m; i++)
        dup += v[i] == v[i - 1];
    free(v);
    return dup;
}

static void
test_keyed_neighbours_independent(void **state)
{
    (void)state;
    const int n = 1 << 16;
    const double crit = chisq_crit(255);
    int pairs = 0;
    double worst_chi = 0, worst_corr = 0;
    uint64_t closest = UINT64_MAX;
    for (int i = 0; i < 16; i++) {
        nelm_key k = base_key(i);
        nelm_rng gens[7];
        nelm_rng_keyed(&gens[0], &k);
        for (int f = 0; f < 6; f++) {
            nelm_key kn = neighbour(k, f);
            nelm_rng_keyed(&gens[f + 1], &kn);
            assert_true(gens[f + 1].state != gens[0].state);
            assert_true(gens[f + 1].inc != gens[0].inc);
            double chi = pair_chisq(gens[0], gens[f + 1], n);
            double corr = pair_corr(gens[0], gens[f + 1], n);
            uint64_t dist = min_state_distance(gens[0], gens[f + 1], 4096);
            worst_chi = chi > worst_chi ? chi : worst_chi;
            worst_corr = fabs(corr) > worst_corr ? fabs(corr) : worst_corr;
            closest = dist < closest ? dist : closest;
            if (chi >= crit || fabs(corr) >= 6.0 / sqrt(n))
                print_error("key %d field %d: chi-square %.1f (crit %.1f), corr %.4f\n", i, f,
                            chi, crit, corr);
            assert_true(chi < crit);
            assert_true(fabs(corr) < 6.0 / sqrt(n));
            pairs++;
        }
        assert_int_equal(shared_runs(gens, 7, 4096), 0);
        /* Streams' states never come within 2^40 of each other (probability
         * ~1e-7 over all steps here for unrelated states). */
        assert_true(closest > (UINT64_C(1) << 40));
    }
    print_message("%d neighbouring pairs: worst chi-square %.1f (crit %.1f), worst |corr| %.4f, "
                  "closest states 2^%.1f apart\n",
                  pairs, worst_chi, crit, worst_corr, log2((double)closest));
}

/* The detectors above must catch the schemes they guard against. */
static void
test_detectors_catch_bad_streams(void **state)
{
    (void)state;
    const int n = 1 << 16;
    nelm_rng a;
    nelm_rng_seed(&a, 12345u, 1u);

    /* 1. The known weakness of PCG streams that differ only in their
     * increment: with c' = c + d (1 - a) and state' = state + d, the state
     * sequences differ by the constant d at every step, so outputs agree. */
    const uint64_t d = UINT64_C(1) << 20;
    nelm_rng b = {a.state + d, a.inc + d * (UINT64_C(1) - NELM_PCG32_MULT)};
    assert_true(b.inc & 1u);
    assert_true(pair_chisq(a, b, n) > 100 * chisq_crit(255));
    assert_true(pair_corr(a, b, n) > 0.9);
    assert_true(min_state_distance(a, b, 4096) <= d);

    /* 2. Overlapping streams: the same increment, one started 1000 steps
     * into the other (what seeding patient i at state seed + i can give). */
    nelm_rng gens[2] = {a, a};
    nelm_rng_advance(&gens[1], 1000);
    assert_true(shared_runs(gens, 2, 4096) > 3000);

    /* 3. A weak key mix: the key in the increment alone, state shared —
     * neighbouring streams then differ by a state offset that the LCG maps
     * through the same multiplier, and the first outputs coincide. */
    nelm_rng w1, w2;
    nelm_rng_seed(&w1, 777u, 10u);
    nelm_rng_seed(&w2, 777u, 11u);
    w2.state = w1.state; /* same state, increments 21 and 23 */
    assert_int_equal(nelm_rng_next(&w1), nelm_rng_next(&w2));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_advance),
        cmocka_unit_test(test_bounded_unbiased),
        cmocka_unit_test(test_uniform),
        cmocka_unit_test(test_keyed_deterministic),
        cmocka_unit_test(test_keyed_neighbours_independent),
        cmocka_unit_test(test_detectors_catch_bad_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
