/* test_lifetable.c — background mortality (DESIGN §2.2): the built-in US 2015
 * table against the CSV, cumulative hazard and survival as sums of rates,
 * the constant tail beyond age 100, goodness of fit of 200,000 keyed draws of
 * the age at death (and a proof that 10 % higher rates fail the same test),
 * exact inversion, every class of malformed table with its file:line:col,
 * I/O errors, a user table in another layout, and random corruptions of a
 * valid table (no crash, clean errors). Fixed seeds throughout. */
#include "testutil.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifetable.h"
#include "rng.h"

enum { NDRAW = 200000 };
/* Kolmogorov: P(sqrt(n) D > 2.23) ~ 1e-4 under the null; on a grid D is at
 * most the full statistic, so the test is conservative. */
#define KS_CRIT 2.23
#define Z_CRIT 5.0
/* Grid for the KS-style check: 1/8 year (exact in binary), 80 years. */
#define GRID_STEP 0.125
enum { NBINS = 640 };

static const nelm_sex sexes[NELM_NSEXES] = {NELM_FEMALE, NELM_MALE};

static void
load_default(nelm_lifetable *lt)
{
    nelm_err e = {0};
    int ret = nelm_lifetable_default(lt, &e);
    if (ret != 0)
        print_error("%s\n", e.msg);
    assert_int_equal(ret, 0);
}

/* ---- the built-in table ------------------------------------------------------- */

static void
test_default_spot_values(void **state)
{
    (void)state;
    nelm_lifetable lt;
    load_default(&lt);
    assert_int_equal(lt.last_age, 100);
    assert_string_equal(lt.source,
                        "built-in: US 2015 period life table (params/us-mortality-2015.csv)");
    /* params/us-mortality-2015.csv, rows for ages 0, 60, 85, 100 */
    assert_true(lt.rate[NELM_FEMALE][0] == 0.005386 && lt.rate[NELM_MALE][0] == 0.006404);
    assert_true(lt.rate[NELM_MALE][60] == 0.011437);
    assert_true(lt.rate[NELM_FEMALE][60] == 0.00669);
    assert_true(lt.rate[NELM_FEMALE][85] == 0.073238);
    assert_true(lt.rate[NELM_MALE][85] == 0.096102);
    assert_true(lt.rate[NELM_FEMALE][100] == 0.355657);
    assert_true(lt.rate[NELM_MALE][100] == 0.418053);
    /* beyond 100 the age-100 rate, not the file's (male 101: 0.455799) */
    assert_true(lt.rate[NELM_MALE][101] == 0.418053);
    assert_true(lt.rate[NELM_FEMALE][NELM_LIFETABLE_MAX_AGE] == 0.355657);
}

/* The compiled-in text is the committed file: a stale embedding would differ. */
static void
test_default_equals_params_file(void **state)
{
    (void)state;
    nelm_lifetable def, file;
    load_default(&def);
    nelm_err e = {0};
    const char *path = nelm_t_data_path("../../params/us-mortality-2015.csv");
    int ret = nelm_lifetable_load(&file, path, 100, &e);
    if (ret != 0)
        print_error("%s\n", e.msg);
    assert_int_equal(ret, 0);
    assert_string_equal(file.source, path);
    assert_int_equal(file.last_age, def.last_age);
    assert_memory_equal(file.rate, def.rate, sizeof def.rate);
    assert_memory_equal(file.cum, def.cum, sizeof def.cum);
}

static void
test_cumhaz_and_survival(void **state)
{
    (void)state;
    nelm_lifetable lt;
    load_default(&lt);
    for (int k = 0; k < NELM_NSEXES; k++) {
        nelm_sex s = sexes[k];
        double sum = 0;
        for (int a = 0; a <= 100; a++) {
            assert_close_rel(nelm_lifetable_cumhaz(&lt, s, a), sum, 1e-14);
            if (a > 0)
                assert_close_rel(lt.cum[s][a], sum, 1e-14);
            sum += lt.rate[s][a];
        }
        /* linear within a year */
        double mid = 0.5 * (nelm_lifetable_cumhaz(&lt, s, 60) + nelm_lifetable_cumhaz(&lt, s, 61));
        assert_close_rel(nelm_lifetable_cumhaz(&lt, s, 60.5), mid, 1e-14);
        double h = 0;
        for (int a = 60; a < 70; a++)
            h += lt.rate[s][a];
        assert_close_rel(nelm_lifetable_surv(&lt, s, 60, 70), exp(-h), 1e-13);
        assert_true(nelm_lifetable_surv(&lt, s, 70, 70) == 1.0);
        assert_true(nelm_lifetable_surv(&lt, s, 60, INFINITY) == 0.0);
        assert_true(isinf(nelm_lifetable_cumhaz(&lt, s, INFINITY)));
    }
    /* the monthly view: rate / 12 per month within a year of age */
    double m = lt.rate[NELM_MALE][60] / 12;
    assert_close_rel(nelm_lifetable_surv(&lt, NELM_MALE, 60, 60 + 1.0 / 12), exp(-m), 1e-13);
}

static void
test_tail_beyond_100(void **state)
{
    (void)state;
    nelm_lifetable lt;
    load_default(&lt);
    for (int k = 0; k < NELM_NSEXES; k++) {
        nelm_sex s = sexes[k];
        double r100 = lt.rate[s][100];
        double d = nelm_lifetable_cumhaz(&lt, s, 105) - nelm_lifetable_cumhaz(&lt, s, 100);
        assert_close_rel(d, 5 * r100, 1e-12);
        assert_close_rel(nelm_lifetable_cumhaz(&lt, s, 130) - nelm_lifetable_cumhaz(&lt, s, 100),
                         30 * r100, 1e-12);
        assert_close_rel(nelm_lifetable_surv(&lt, s, 102.5, 110), exp(-7.5 * r100), 1e-13);
        /* 100.5 is in the tail as well */
        assert_close_rel(nelm_lifetable_surv(&lt, s, 99.5, 100.5),
                         exp(-0.5 * lt.rate[s][99] - 0.5 * r100), 1e-13);
        /* from 103 with unit exponential 1: 103 + 1 / rate100 */
        assert_close_rel(nelm_lifetable_death_age(&lt, s, 103, exp(-1.0)), 103 + 1 / r100, 1e-13);
        /* from 99 the first year uses rate99, then rate100 */
        double u = exp(-(lt.rate[s][99] + 0.5 * r100));
        assert_close_rel(nelm_lifetable_death_age(&lt, s, 99, u), 100.5, 1e-13);
    }
}

/* ---- exact inversion ------------------------------------------------------------ */

static void
test_death_age_inverts_survival(void **state)
{
    (void)state;
    nelm_lifetable lt;
    load_default(&lt);
    static const double ages[] = {0, 0.5, 17.25, 40, 60.3, 85, 99, 99.9, 100, 103.7, 130};
    static const double us[] = {0x1.0p-53, 1e-9, 0.001, 0.1, 0.3, 0.5, 0.9, 0.999, 1 - 1e-12};
    for (int k = 0; k < NELM_NSEXES; k++) {
        for (size_t i = 0; i < sizeof ages / sizeof ages[0]; i++) {
            double prev = INFINITY;
            for (size_t j = 0; j < sizeof us / sizeof us[0]; j++) {
                double a0 = ages[i], u = us[j];
                double d = nelm_lifetable_death_age(&lt, sexes[k], a0, u);
                assert_true(isfinite(d) && d >= a0 && d <= prev);
                assert_close_rel(nelm_lifetable_surv(&lt, sexes[k], a0, d), u, 1e-11);
                prev = d;
            }
            assert_true(nelm_lifetable_death_age(&lt, sexes[k], ages[i], 1.0) == ages[i]);
        }
        /* landing on an integer age */
        double u = nelm_lifetable_surv(&lt, sexes[k], 60, 65);
        assert_close_rel(nelm_lifetable_death_age(&lt, sexes[k], 60, u), 65, 1e-13);
        u = nelm_lifetable_surv(&lt, sexes[k], 60.5, 100);
        assert_close_rel(nelm_lifetable_death_age(&lt, sexes[k], 60.5, u), 100, 1e-13);
    }
}

/* ---- statistical: keyed draws against the survival function ---------------------- */

typedef struct fit_stat {
    double max_z; /* largest |S_emp - S| / SE at +1, +5, +10, +20, +30 years */
    double ks;    /* sqrt(n) * max |S_emp - S| over the grid */
} fit_stat;

/* NDRAW ages at death from `draw` for people alive at a0 (keyed uniforms,
 * stream NELM_STREAM_BACKGROUND, one per patient index), compared with the
 * conditional survival of `ref`. */
static fit_stat
fit(const nelm_lifetable *draw, const nelm_lifetable *ref, nelm_sex sex, double a0, uint64_t seed)
{
    static size_t count[NBINS + 1];
    memset(count, 0, sizeof count);
    for (uint64_t i = 0; i < NDRAW; i++) {
        nelm_key key = {seed, i, NELM_STREAM_BACKGROUND, 0, 0, 0};
        nelm_rng r;
        nelm_rng_keyed(&r, &key);
        double d = nelm_lifetable_death_age(draw, sex, a0, nelm_rng_uniform_pos(&r));
        assert_true(isfinite(d) && d >= a0);
        double b = floor((d - a0) / GRID_STEP);
        count[b < NBINS ? (size_t)b : NBINS]++;
    }
    static const int check_years[] = {1, 5, 10, 20, 30};
    fit_stat st = {0, 0};
    size_t dead = 0; /* draws below a0 + k * GRID_STEP */
    for (int k = 1; k <= NBINS; k++) {
        dead += count[k - 1];
        double t = a0 + k * GRID_STEP;
        double p = nelm_lifetable_surv(ref, sex, a0, t);
        double emp = (double)(NDRAW - dead) / NDRAW;
        st.ks = fmax(st.ks, sqrt((double)NDRAW) * fabs(emp - p));
        for (size_t j = 0; j < sizeof check_years / sizeof check_years[0]; j++) {
            if (k * GRID_STEP != check_years[j])
                continue;
            double se = sqrt(p * (1 - p) / NDRAW);
            st.max_z = fmax(st.max_z, fabs(emp - p) / se);
        }
    }
    return st;
}

static const double fit_ages[] = {40, 60, 85};

static void
test_draws_match_survival(void **state)
{
    (void)state;
    nelm_lifetable lt;
    load_default(&lt);
    uint64_t seed = 20150;
    for (size_t i = 0; i < sizeof fit_ages / sizeof fit_ages[0]; i++) {
        for (int k = 0; k < NELM_NSEXES; k++) {
            fit_stat st = fit(&lt, &lt, sexes[k], fit_ages[i], seed++);
            print_message("age %g sex %d: max z %.2f, sqrt(n) D %.3f\n", fit_ages[i], k, st.max_z,
                          st.ks);
            assert_true(st.max_z < Z_CRIT);
            assert_true(st.ks < KS_CRIT);
        }
    }
}

/* The same test sees 10 % higher rates: draws from rate * 1.1, compared with
 * the unmodified survival, fail both checks at every age and sex. */
static void
test_draws_detect_wrong_rates(void **state)
{
    (void)state;
    nelm_lifetable lt, hi;
    load_default(&lt);
    static char text[16384];
    size_t n = (size_t)snprintf(text, sizeof text, "Age,Female,Male\n");
    for (int a = 0; a <= 100; a++) {
        int w = snprintf(text + n, sizeof text - n, "%d,%.17g,%.17g\n", a,
                         1.1 * lt.rate[NELM_FEMALE][a], 1.1 * lt.rate[NELM_MALE][a]);
        assert_true(w > 0 && (size_t)w < sizeof text - n);
        n += (size_t)w;
    }
    nelm_err e = {0};
    assert_int_equal(nelm_lifetable_parse(&hi, text, n, "x1.1", 100, &e), 0);
    uint64_t seed = 20150;
    for (size_t i = 0; i < sizeof fit_ages / sizeof fit_ages[0]; i++) {
        for (int k = 0; k < NELM_NSEXES; k++) {
            fit_stat st = fit(&hi, &lt, sexes[k], fit_ages[i], seed++);
            print_message("rates x1.1, age %g sex %d: max z %.2f, sqrt(n) D %.3f\n", fit_ages[i], k,
                          st.max_z, st.ks);
            assert_true(st.max_z > Z_CRIT);
            assert_true(st.ks > KS_CRIT);
        }
    }
}

/* ---- a user table ----------------------------------------------------------------- */

/* Other column order, extra columns (one quoted with a comma), CRLF, blank
 * and ",,," lines, rows beyond last_age with rates that must be ignored. */
static const char user_csv[] = "Note,Male,Sex ratio,Age,Female\r\n"
                               "\"newborn, both sexes\",0.1,1.05,0,0.05\r\n"
                               "x,0.2,1,1,0\r\n"
                               "x,0.3,1,2,0.15\r\n"
                               "x,0.4,1,3,0.2\r\n"
                               "x,9,1,4,50\r\n"
                               "x,9,1,5,50\r\n"
                               ",,,,\r\n"
                               "\r\n";

static void
test_user_table(void **state)
{
    (void)state;
    nelm_lifetable lt;
    nelm_err e = {0};
    int ret = nelm_lifetable_parse(&lt, user_csv, sizeof user_csv - 1, "user.csv", 3, &e);
    if (ret != 0)
        print_error("%s\n", e.msg);
    assert_int_equal(ret, 0);
    assert_string_equal(lt.source, "user.csv");
    assert_int_equal(lt.last_age, 3);
    assert_true(lt.rate[NELM_MALE][0] == 0.1 && lt.rate[NELM_FEMALE][0] == 0.05);
    assert_true(lt.rate[NELM_MALE][3] == 0.4 && lt.rate[NELM_MALE][4] == 0.4);
    assert_true(lt.rate[NELM_FEMALE][1] == 0.0);
    assert_close_rel(nelm_lifetable_cumhaz(&lt, NELM_MALE, 3), 1.0 - 0.4, 1e-15);
    assert_close_rel(nelm_lifetable_cumhaz(&lt, NELM_MALE, 5), 0.6 + 2 * 0.4, 1e-15);
    assert_close_rel(nelm_lifetable_cumhaz(&lt, NELM_FEMALE, 5), 0.2 + 2 * 0.2, 1e-15);
    /* male from birth, unit exponential 0.25: 0.1 in year 0, 0.15 / 0.2 into year 1 */
    assert_close_rel(nelm_lifetable_death_age(&lt, NELM_MALE, 0, exp(-0.25)), 1.75, 1e-13);
    /* male from 3.5, exponential 1: rate 0.4 held beyond 3, never the 9 of ages 4-5 */
    assert_close_rel(nelm_lifetable_death_age(&lt, NELM_MALE, 3.5, exp(-1.0)), 6.0, 1e-13);
    /* male from 2.5, exponential 0.15 + 0.8: to 3, then 2 years at 0.4 */
    assert_close_rel(nelm_lifetable_death_age(&lt, NELM_MALE, 2.5, exp(-0.95)), 5.0, 1e-13);
    /* female from 0.5, exponential 0.0125: half-way through the rest of year 0 */
    assert_close_rel(nelm_lifetable_death_age(&lt, NELM_FEMALE, 0.5, exp(-0.0125)), 0.75, 1e-13);
    /* female from 1.2: year 1 has rate 0, so exponential 0.1 ends 0.1 / 0.15 into year 2 */
    assert_close_rel(nelm_lifetable_death_age(&lt, NELM_FEMALE, 1.2, exp(-0.1)), 2 + 0.1 / 0.15,
                     1e-13);
    assert_true(nelm_lifetable_surv(&lt, NELM_FEMALE, 1, 2) == 1.0);
    /* nobody dies inside the zero-rate year (1, 2) */
    for (int i = 1; i < 1000; i++) {
        double d = nelm_lifetable_death_age(&lt, NELM_FEMALE, 0.3, i / 1000.0);
        assert_true(d <= 1 || d >= 2);
    }
}

/* A zero rate at last_age: survival has a plateau and some never die. */
static void
test_zero_tail(void **state)
{
    (void)state;
    static const char csv[] = "age,FEMALE,male\n0,0.1,0.2\n1,0,0\n";
    nelm_lifetable lt;
    nelm_err e = {0};
    assert_int_equal(nelm_lifetable_parse(&lt, csv, sizeof csv - 1, "zero.csv", 1, &e), 0);
    assert_true(nelm_lifetable_cumhaz(&lt, NELM_FEMALE, INFINITY) == 0.1);
    assert_close_rel(nelm_lifetable_surv(&lt, NELM_FEMALE, 0, INFINITY), exp(-0.1), 1e-15);
    assert_true(nelm_lifetable_surv(&lt, NELM_MALE, 2, INFINITY) == 1.0);
    assert_close_rel(nelm_lifetable_death_age(&lt, NELM_FEMALE, 0, exp(-0.05)), 0.5, 1e-13);
    assert_true(isinf(nelm_lifetable_death_age(&lt, NELM_FEMALE, 0, exp(-0.2))));
    assert_true(isinf(nelm_lifetable_death_age(&lt, NELM_MALE, 0.5, 0.5)));
    assert_true(isinf(nelm_lifetable_death_age(&lt, NELM_MALE, 7, 0.999)));
    /* last_age 0: the age-0 rate for ever */
    assert_int_equal(nelm_lifetable_parse(&lt, csv, sizeof csv - 1, "zero.csv", 0, &e), 0);
    assert_close_rel(nelm_lifetable_cumhaz(&lt, NELM_MALE, 10), 2.0, 1e-15);
    assert_close_rel(nelm_lifetable_death_age(&lt, NELM_MALE, 3, exp(-1.0)), 8.0, 1e-13);
}

/* ---- malformed tables ---------------------------------------------------------------- */

typedef struct bad_case {
    const char *text;
    size_t len; /* 0: strlen(text) */
    int last_age;
    const char *where; /* the message starts with this */
    const char *what;  /* and contains this */
} bad_case;

#define HDR "Age,Female,Male\n"
static const bad_case bad_cases[] = {
    /* columns */
    {"Age,Female\n0,0.1\n", 0, 0, "bad.csv:1:1: ", "no column Male"},
    {"Year,Age,Male,Total\n2015,0,0.1,0.1\n", 0, 0, "bad.csv:1:1: ", "no column Female"},
    {"0,0.1,0.1\n1,0.1,0.1\n", 0, 0, "bad.csv:1:1: ", "no column Age"},
    {"Age,Female,Male,male\n0,1,1,1\n", 0, 0, "bad.csv:1:17: ", "column Male appears twice"},
    {"Age,\"Female,Male\n0,1,1\n", 0, 0, "bad.csv:1:5: ", "unterminated quoted field"},
    {"Age,\"Female\"x,Male\n0,1,1\n", 0, 0, "bad.csv:1:13: ", "text after a quoted field"},
    /* rates */
    {HDR "0,0.1,abc\n", 0, 0, "bad.csv:2:7: ", "Male rate \"abc\" is not a number"},
    {HDR "0,0.1x,0.2\n", 0, 0, "bad.csv:2:3: ", "Female rate \"0.1x\" is not a number"},
    {HDR "0,0. 1,0.2\n", 0, 0, "bad.csv:2:3: ", "Female rate \"0. 1\" is not a number"},
    {HDR "0,0.1,-0.2\n", 0, 0, "bad.csv:2:7: ", "Male rate -0.2 is negative"},
    {HDR "0,nan,0.1\n", 0, 0, "bad.csv:2:3: ", "Female rate \"nan\" is not finite"},
    {HDR "0,0.1,NaN\n", 0, 0, "bad.csv:2:7: ", "Male rate \"NaN\" is not finite"},
    {HDR "0,0.1,inf\n", 0, 0, "bad.csv:2:7: ", "Male rate \"inf\" is not finite"},
    {HDR "0,1e999,0.1\n", 0, 0, "bad.csv:2:3: ", "Female rate \"1e999\" is not finite"},
    {HDR "0,150,0.1\n", 0, 0, "bad.csv:2:3: ", "Female rate 150 is too large"},
    {HDR "0,,0.1\n", 0, 0, "bad.csv:2:3: ", "Female rate is empty"},
    {HDR "0,0.1,\xff\xfe\n", 0, 0, "bad.csv:2:7: ", "Male rate \"??\" is not a number"},
    {HDR "0,0.1\0,0.1\n", sizeof HDR "0,0.1\0,0.1\n" - 1, 0,
     "bad.csv:2:3: ", "Female rate \"0.1?\" is not a number"},
    {HDR "0,0.1,0.00000000000000000000000000000000000000000000000000000000000000001\n", 0, 0,
     "bad.csv:2:7: ", "is too long"},
    {"Age,Female,Male\r\n0,0.1,x\r\n", 0, 0, "bad.csv:2:7: ", "Male rate \"x\" is not a number"},
    /* fields */
    {HDR "0,0.1\n", 0, 0, "bad.csv:2:6: ", "row has 2 fields (expected 3"},
    {HDR "0,0.1,0.1,9\n", 0, 0, "bad.csv:2:11: ", "more fields than the header"},
    /* ages */
    {HDR "0,.1,.1\n1,.1,.1\n3,.1,.1\n", 0, 0, "bad.csv:4:1: ", "age 3 out of sequence (expected 2"},
    {HDR "0,.1,.1\n0,.1,.1\n", 0, 0, "bad.csv:3:1: ", "age 0 out of sequence (expected 1"},
    {HDR "1,.1,.1\n2,.1,.1\n", 0, 0, "bad.csv:2:1: ", "first age is 1 (expected 0"},
    {HDR "0,.1,.1\n1.5,.1,.1\n", 0, 0, "bad.csv:3:1: ", "age \"1.5\" is not a whole number"},
    {HDR "-0,.1,.1\n", 0, 0, "bad.csv:2:1: ", "age \"-0\" is not a whole number"},
    {HDR ",.1,.1\n", 0, 0, "bad.csv:2:1: ", "age \"\" is not a whole number"},
    /* empty, header only, too short for last_age */
    {"", 0, 0, "bad.csv:1:1: ", "empty table"},
    {"\n \r\n,,\n", 0, 0, "bad.csv:4:1: ", "empty table"},
    {"\xEF\xBB\xBF", 0, 0, "bad.csv:1:1: ", "empty table"},
    {HDR, 0, 0, "bad.csv:2:1: ", "no rows after the header (expected a row for age 0)"},
    {"Age,Female,Male", 0, 0, "bad.csv:1:16: ", "no rows after the header"},
    {HDR "0,.1,.1\n1,.1,.1\n2,.1,.1\n", 0, 5,
     "bad.csv:5:1: ", "the table ends at age 2 (expected rows up to the last age used, 5)"},
    {HDR "0,.1,.1\n1,.1,.1\n2,.1,.1", 0, 3, "bad.csv:4:8: ", "the table ends at age 2"},
};
#undef HDR

static void
check_bad(const char *text, size_t len, int last_age, const char *where, const char *what)
{
    /* an exact-size copy, not NUL-terminated: ASan sees any read past len */
    char *buf = malloc(len > 0 ? len : 1);
    assert_non_null(buf);
    memcpy(buf, text, len);
    nelm_lifetable lt;
    memset(&lt, 0x5a, sizeof lt);
    nelm_err e = {0};
    int ret = nelm_lifetable_parse(&lt, buf, len, "bad.csv", last_age, &e);
    free(buf);
    if (ret != NELM_ERR_PARAM || strncmp(e.msg, where, strlen(where)) != 0 ||
        strstr(e.msg, what) == NULL || strstr(e.msg, "(expected ") == NULL)
        print_error("got %d \"%s\"; expected \"%s...%s...(expected ...)\"\n", ret, e.msg, where,
                    what);
    assert_int_equal(ret, NELM_ERR_PARAM);
    assert_int_equal(e.code, NELM_ERR_PARAM);
    assert_true(strncmp(e.msg, where, strlen(where)) == 0);
    assert_non_null(strstr(e.msg, what));
    assert_non_null(strstr(e.msg, "(expected "));
    /* on error the table is zeroed */
    assert_int_equal(lt.last_age, 0);
    assert_true(lt.source[0] == '\0' && lt.rate[NELM_MALE][0] == 0.0);
}

static void
test_parse_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        check_bad(c->text, c->len ? c->len : strlen(c->text), c->last_age, c->where, c->what);
    }
}

/* Ages 0..121: one more than NELM_LIFETABLE_MAX_AGE allows. */
static void
test_too_many_rows(void **state)
{
    (void)state;
    static char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text, "Age,Female,Male\n");
    for (int a = 0; a <= NELM_LIFETABLE_MAX_AGE + 1; a++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%d,0.01,0.02\n", a);
    assert_true(n < sizeof text - 1);
    check_bad(text, n, 100, "bad.csv:123:1: ", "age 121 is beyond the largest age supported");
    /* even when last_age is small: the whole table is checked */
    check_bad(text, n, 3, "bad.csv:123:1: ", "(expected at most 120)");
    /* up to 120 is fine, and last_age may be 120 */
    size_t cut = (size_t)(strstr(text, "\n121,") - text) + 1;
    nelm_lifetable lt;
    nelm_err e = {0};
    assert_int_equal(nelm_lifetable_parse(&lt, text, cut, "ok.csv", NELM_LIFETABLE_MAX_AGE, &e), 0);
    assert_close_rel(nelm_lifetable_cumhaz(&lt, NELM_MALE, NELM_LIFETABLE_MAX_AGE + 1),
                     0.02 * (NELM_LIFETABLE_MAX_AGE + 1), 1e-13);
}

static void
test_last_age_range(void **state)
{
    (void)state;
    static const char csv[] = "Age,Female,Male\n0,.1,.1\n";
    nelm_lifetable lt;
    static const int bad[] = {-1, NELM_LIFETABLE_MAX_AGE + 1};
    for (size_t i = 0; i < 2; i++) {
        nelm_err e = {0};
        assert_int_equal(nelm_lifetable_parse(&lt, csv, sizeof csv - 1, "bad.csv", bad[i], &e),
                         NELM_ERR_PARAM);
        assert_true(strncmp(e.msg, "bad.csv: last age", 17) == 0);
        assert_non_null(strstr(e.msg, "(expected 0 to 120)"));
    }
}

static void
test_io_errors(void **state)
{
    (void)state;
    nelm_lifetable lt;
    nelm_err e = {0};
    const char *path = "/nonexistent-nelmsim-dir/table.csv";
    assert_int_equal(nelm_lifetable_load(&lt, path, 100, &e), NELM_ERR_IO);
    assert_non_null(strstr(e.msg, path));
    assert_non_null(strstr(e.msg, strerror(ENOENT)));
    /* a directory opens on Linux but cannot be read */
    nelm_err e2 = {0};
    int ret = nelm_lifetable_load(&lt, nelm_t_data_path("."), 100, &e2);
    assert_int_equal(ret, NELM_ERR_IO);
    assert_non_null(strstr(e2.msg, nelm_t_data_path(".")));
    /* an endless file: read up to the 16 MiB cap, then refused */
    FILE *z = fopen("/dev/zero", "rb");
    if (z != NULL) {
        fclose(z);
        nelm_err e4 = {0};
        assert_int_equal(nelm_lifetable_load(&lt, "/dev/zero", 100, &e4), NELM_ERR_LIMIT);
        assert_non_null(strstr(e4.msg, "/dev/zero: larger than 16 MiB"));
    }
    /* a file that is not a life table: a parse error naming the path */
    nelm_err e3 = {0};
    const char *other = nelm_t_data_path("pcg32-check.out");
    assert_int_equal(nelm_lifetable_load(&lt, other, 100, &e3), NELM_ERR_PARAM);
    assert_true(strncmp(e3.msg, other, strlen(other)) == 0);
    assert_non_null(strstr(e3.msg, ":1:1: the header has no column Age"));
}

/* ---- robustness: random corruptions of a valid table --------------------------------- */

static void
test_corrupted_input(void **state)
{
    (void)state;
    static const char alphabet[] = ",\n\r\"0123456789.-+eEx \t\0\xff";
    nelm_rng r;
    nelm_key key = {7, 0, NELM_STREAM_TEST, 0, 0, 0};
    nelm_rng_keyed(&r, &key);
    size_t base_len = sizeof user_csv - 1;
    int ok = 0, bad = 0;
    for (int it = 0; it < 20000; it++) {
        char buf[sizeof user_csv + 16];
        memcpy(buf, user_csv, base_len);
        size_t n = base_len;
        int nmut = 1 + (int)nelm_rng_bounded(&r, 4);
        for (int m = 0; m < nmut && n > 0; m++) {
            size_t at = nelm_rng_bounded(&r, (uint32_t)n);
            char c = alphabet[nelm_rng_bounded(&r, sizeof alphabet - 1)];
            switch (nelm_rng_bounded(&r, 3)) {
            case 0:
                buf[at] = c;
                break;
            case 1: /* delete */
                memmove(buf + at, buf + at + 1, n - at - 1);
                n--;
                break;
            default: /* insert */
                if (n < sizeof buf) {
                    memmove(buf + at + 1, buf + at, n - at);
                    buf[at] = c;
                    n++;
                }
            }
        }
        n = nelm_rng_bounded(&r, 8) == 0 ? nelm_rng_bounded(&r, (uint32_t)n + 1) : n;
        char *exact = malloc(n > 0 ? n : 1);
        assert_non_null(exact);
        memcpy(exact, buf, n);
        nelm_lifetable lt;
        nelm_err e = {0};
        int last = (int)nelm_rng_bounded(&r, 5);
        int ret = nelm_lifetable_parse(&lt, exact, n, "fuzz.csv", last, &e);
        free(exact);
        if (ret == 0) {
            ok++;
            for (int s = 0; s < NELM_NSEXES; s++)
                for (int a = 0; a <= NELM_LIFETABLE_MAX_AGE; a++)
                    assert_true(isfinite(lt.cum[s][a + 1]) && lt.cum[s][a + 1] >= lt.cum[s][a]);
        } else {
            bad++;
            assert_int_equal(ret, NELM_ERR_PARAM);
            assert_true(strncmp(e.msg, "fuzz.csv:", 9) == 0);
            assert_non_null(strstr(e.msg, "(expected "));
        }
    }
    print_message("corrupted tables: %d parsed, %d rejected\n", ok, bad);
    assert_true(ok > 0 && bad > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_spot_values),
        cmocka_unit_test(test_default_equals_params_file),
        cmocka_unit_test(test_cumhaz_and_survival),
        cmocka_unit_test(test_tail_beyond_100),
        cmocka_unit_test(test_death_age_inverts_survival),
        cmocka_unit_test(test_draws_match_survival),
        cmocka_unit_test(test_draws_detect_wrong_rates),
        cmocka_unit_test(test_user_table),
        cmocka_unit_test(test_zero_tail),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_too_many_rows),
        cmocka_unit_test(test_last_age_range),
        cmocka_unit_test(test_io_errors),
        cmocka_unit_test(test_corrupted_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
