/* test_params.c — the parameter loader: include resolution, anchors, --set
 * into lists, the --dump round trip, defaults, sources and the generated
 * reference. (Every error class is covered line by line by the script test
 * param_errors over tests/data/params/expected-errors.tsv.) */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

#include <stddef.h>

static nelm_params p1, p2; /* large: keep off the stack */

static void
load_ok(nelm_params *p, const char *path, const char *const *sets, size_t nsets)
{
    nelm_err e = {0};
    int rc = nelm_params_load(p, path, sets, nsets, &e);
    if (rc != 0)
        print_error("%s\n", e.msg);
    assert_int_equal(rc, 0);
}

static const char *
source_of(const nelm_params *p, const char *path)
{
    for (size_t i = 0; i < p->nsources; i++)
        if (strcmp(p->sources[i].path, path) == 0)
            return p->sources[i].text;
    return NULL;
}

static void
test_default_model(void **state)
{
    (void)state;
    load_ok(&p1, NULL, NULL, 0);
    const nelm_cohort_params *c = &p1.cohort;
    assert_true(c->age_mean == 60 && c->age_sd == 11 && c->age_min == 18 && c->age_max == 90);
    assert_true(c->grade_p[NELM_G1] == 0.48 && c->p_sstr_by_grade[NELM_G3] == 0.31);
    assert_int_equal(c->entry_line, 1);
    assert_int_equal(c->nfilters, 0);
    assert_int_equal(c->max_tries, 1000); /* the declared default */
    assert_string_equal(p1.background.table, "builtin");
    assert_int_equal(p1.background.last_age, 100);
    /* every section that needs a source has one */
    /* 13 cohort sections, the disease section, 10 modality instances and the economics
     * section's 14 (discounting, utilities, supportive care, norms, each instance) */
    assert_int_equal(p1.nsources, 38);
    assert_int_equal(p1.nmodalities, 10);
    assert_int_equal(p1.nstrategies, 7);
    assert_non_null(strstr(source_of(&p1, "modalities.lutetium"), "NETTER-1"));
    assert_non_null(strstr(source_of(&p1, "disease"), "modelling choice"));
    assert_non_null(strstr(source_of(&p1, "cohort.grade"), "Chen 2017"));
    assert_non_null(strstr(source_of(&p1, "cohort.sstr_positive"), "Aichi"));
}

static void
test_includes(void **state)
{
    (void)state;
    load_ok(&p1, nelm_t_data_path("params/include/override.yaml"), NULL, 0);
    const nelm_cohort_params *c = &p1.cohort;
    /* the including file wins key by key; the rest of the section stays */
    assert_true(c->age_mean == 64.5);
    assert_true(c->age_sd == 11 && c->age_max == 90);
    /* from sub/extra.yaml (included relative to override.yaml) */
    assert_int_equal(c->entry_line, 2);
    assert_int_equal(c->entry_prior, NELM_PRIOR_SSA);
    assert_true(c->entry_progressive);
    /* the life-table path in base.yaml is relative to base.yaml */
    assert_non_null(strstr(p1.background.table, "include/sub/table.csv"));
    assert_int_equal(p1.background.last_age, 3);
    /* filters parsed: ranges, categories, booleans */
    assert_int_equal(c->nfilters, 3);
    assert_int_equal(c->filters[0].attr, NELM_ATTR_KI67);
    assert_true(c->filters[0].lo == 10 && c->filters[0].hi == 40);
    assert_int_equal(c->filters[1].allowed, (1u << NELM_SITE_PANCREAS) | (1u << NELM_SITE_OTHER_GI));
    assert_int_equal(c->filters[2].attr, NELM_ATTR_SSTR);
    assert_int_equal(c->filters[2].allowed, 2u);
}

static void
test_anchors(void **state)
{
    (void)state;
    load_ok(&p1, nelm_t_data_path("params/include/anchors.yaml"), NULL, 0);
    assert_string_equal(source_of(&p1, "cohort.male"), source_of(&p1, "cohort.functional"));
    assert_non_null(strstr(source_of(&p1, "cohort.male"), "stated here once"));
    assert_true(p1.cohort.p_sstr_by_grade[NELM_G2] == 0.8);
}

static void
test_set_overrides(void **state)
{
    (void)state;
    const char *path = nelm_t_data_path("params/include/override.yaml");
    const char *sets[] = {
        "cohort.age.mean=61.25",                 /* a number */
        "cohort.filters[0].max=30",              /* inside a list element */
        "cohort.filters[1]={attribute: grade, in: [G2, G3]}", /* a whole list element */
        "cohort.entry.prior=[iat, prrt]",        /* a list */
        "cohort.entry.prior[1]=targeted",        /* a list element, after the list was set */
        "cohort.max_tries=5000",                 /* an optional key absent from the file */
        "background_mortality.table=builtin",
        "background_mortality.last_age=100",
    };
    load_ok(&p1, path, sets, sizeof sets / sizeof sets[0]);
    const nelm_cohort_params *c = &p1.cohort;
    assert_true(c->age_mean == 61.25);
    assert_true(c->filters[0].hi == 30 && c->filters[0].lo == 10);
    assert_int_equal(c->filters[1].attr, NELM_ATTR_GRADE);
    assert_int_equal(c->filters[1].allowed, (1u << NELM_G2) | (1u << NELM_G3));
    assert_int_equal(c->entry_prior, NELM_PRIOR_IAT | NELM_PRIOR_TARGETED);
    assert_int_equal(c->max_tries, 5000);
    assert_string_equal(p1.background.table, "builtin");

    /* overrides are validated like the file, with their own location */
    nelm_err e = {0};
    const char *bad[] = {"cohort.filters[1].in=[G5]"};
    assert_int_equal(nelm_params_load(&p2, path, bad, 1, &e), NELM_ERR_PARAM);
    /* filters[1] of override.yaml is a site filter */
    assert_string_equal(e.msg, "--set:1:23: cohort.filters[1].in[0]: unknown value 'G5' "
                               "(expected one of small_bowel, pancreas, other_gi, unknown)");
    memset(&e, 0, sizeof e);
    const char *range[] = {"cohort.filters[3].min=1"};
    assert_int_equal(nelm_params_load(&p2, path, range, 1, &e), NELM_ERR_PARAM);
    assert_string_equal(e.msg, "--set:1:15: cohort.filters[3].min: index 3 out of range "
                               "('cohort.filters' has 3 items)");
}

/* Everything written to f so far, as a NUL-terminated string; closes f. */
static char *
read_back(FILE *f, size_t *len)
{
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* dump -> load gives the identical model, and dumping again the same text */
static char *
dump_to_string(const nelm_params *p, size_t *len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    nelm_params_dump(f, p);
    return read_back(f, len);
}

static void
roundtrip(const char *path, const char *const *sets, size_t nsets)
{
    load_ok(&p1, path, sets, nsets);
    size_t len1 = 0, len2 = 0;
    char *text1 = dump_to_string(&p1, &len1);
    nelm_err e = {0};
    int rc = nelm_params_load_string(&p2, text1, len1, "dump.yaml", NULL, 0, &e);
    if (rc != 0)
        print_error("%s\n", e.msg);
    assert_int_equal(rc, 0);
    /* both were zeroed before filling, so the bytes compare */
    assert_memory_equal(&p1, &p2, sizeof p1);
    char *text2 = dump_to_string(&p2, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(text1, text2, len1);
    free(text1);
    free(text2);
}

static void
test_dump_roundtrip(void **state)
{
    (void)state;
    roundtrip(NULL, NULL, 0);
    roundtrip(nelm_t_data_path("params/include/override.yaml"), NULL, 0);
    /* numbers that need all 17 digits, and text that needs escaping */
    const char *sets[] = {"cohort.age.mean=60.123456789012345",
                          "cohort.male.p=0.1",
                          "cohort.male.source='quotes \" and \\ backslash, tab\tand unicode é'",
                          "cohort.filters=[{attribute: age, max: 70.5}, {attribute: ecog, min: 1}]"};
    roundtrip(NULL, sets, sizeof sets / sizeof sets[0]);
    assert_true(p2.cohort.age_mean == 60.123456789012345);
}

static void
test_explain_lists_every_key(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    nelm_params_explain(f);
    size_t n = 0;
    char *buf = read_back(f, &n);
    /* every key the dump writes is documented (the dump walks the same spec) */
    load_ok(&p1, NULL, NULL, 0);
    size_t dlen = 0;
    char *dump = dump_to_string(&p1, &dlen);
    static const char *const paths[] = {
        "cohort.age.mean",      "cohort.age.sd",          "cohort.site.small_bowel",
        "cohort.ki67.G2.min",   "cohort.sstr_positive.G3", "cohort.ecog.4",
        "cohort.entry.prior",   "cohort.filters",          "cohort.max_tries",
        "background_mortality.table", "background_mortality.last_age"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        if (strstr(buf, paths[i]) == NULL)
            print_error("explain does not document %s\n", paths[i]);
        assert_non_null(strstr(buf, paths[i]));
    }
    assert_non_null(strstr(buf, "needs source:"));
    assert_non_null(strstr(buf, "probabilities and must sum to 1"));
    free(dump);
    free(buf);
}

/* ---- survival distributions in parameter files ---- */

/* Parse one distribution from YAML text; returns the loader's code. */
static int
parse_dist(const char *yaml, nelm_dist *d, nelm_err *e)
{
    nelm_ydoc doc;
    int rc = nelm_ydoc_load_string(&doc, yaml, strlen(yaml), "d.yaml", e);
    if (rc != 0)
        return rc;
    nelm_pctx c = {&p1, e, &doc};
    rc = nelm_pread_dist(&c, doc.root, "m.ttp", d);
    nelm_ydoc_free(&doc);
    return rc;
}

static void
test_dist_values(void **state)
{
    (void)state;
    nelm_err e = {0};
    nelm_dist d, ref, back;
    /* the same distribution as the library builds it */
    assert_int_equal(parse_dist("{dist: weibull, shape: 1.345, scale: 11.03}", &d, &e), 0);
    double wp[2] = {1.345, 11.03};
    assert_int_equal(nelm_dist_init(&ref, NELM_DIST_WEIBULL, wp, NELM_UNIT_MONTHS, &e), 0);
    assert_memory_equal(&d, &ref, sizeof d);
    assert_int_equal(parse_dist("{dist: gamma, shape: 2.5, rate: 0.1, time_unit: years}", &d, &e),
                     0);
    assert_int_equal(d.unit, NELM_UNIT_YEARS);
    assert_int_equal(parse_dist("dist: gengamma\nmu: 3\nsigma: 0.8\nQ: -0.5\n", &d, &e), 0);
    assert_int_equal(parse_dist("{dist: pexp, cuts: [0, 6, 24], rates: [0.02, 0.05, 0.1]}", &d, &e),
                     0);
    assert_int_equal(d.npieces, 3);
    assert_true(d.rates[2] == 0.1);
    /* dump -> parse gives the identical distribution, for every family */
    static const char *const all[] = {
        "{dist: exp, rate: 0.0462}",
        "{dist: weibull, shape: 0.51, scale: 41.7, time_unit: days}",
        "{dist: weibullPH, shape: 1.345, scale: 0.0395}",
        "{dist: gompertz, shape: -0.05, rate: 0.02}",
        "{dist: lnorm, meanlog: 3.2, sdlog: 0.9, time_unit: weeks}",
        "{dist: llogis, shape: 1.8, scale: 30}",
        "{dist: gamma, shape: 0.3, rate: 0.02}",
        "{dist: gengamma, mu: 2.5, sigma: 1.2, Q: 0.1}",
        "{dist: pexp, cuts: [0, 6.5], rates: [0.1, 0]}",
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        assert_int_equal(parse_dist(all[i], &d, &e), 0);
        FILE *f = tmpfile();
        assert_non_null(f);
        nelm_pdump_dist(f, &d);
        size_t n = 0;
        char *text = read_back(f, &n);
        assert_int_equal(parse_dist(text, &back, &e), 0);
        assert_memory_equal(&d, &back, sizeof d);
        free(text);
    }
}

static void
test_dist_errors(void **state)
{
    (void)state;
    static const struct {
        const char *yaml, *msg;
    } cases[] = {
        {"{dist: weibul, shape: 1, scale: 2}",
         "d.yaml:1:8: m.ttp.dist: unknown value 'weibul' (did you mean 'weibull'? expected one of "
         "exp, weibull, weibullPH, gompertz, lnorm, llogis, gamma, gengamma, pexp)"},
        {"{shape: 1, scale: 2}",
         "d.yaml:1:1: m.ttp: missing required key 'dist' (one of exp, weibull, weibullPH, "
         "gompertz, lnorm, llogis, gamma, gengamma, pexp)"},
        {"{dist: weibull, shape: 1}",
         "d.yaml:1:1: m.ttp: missing required key 'scale' (weibull takes shape, scale, time_unit)"},
        {"{dist: weibull, shape: 1, scale: 2, rate: 3}",
         "d.yaml:1:37: m.ttp.rate: unknown key for weibull (expected shape, scale, time_unit)"},
        {"{dist: weibull, shape: -1, scale: 2}",
         "d.yaml:1:24: m.ttp.shape: weibull: shape must be > 0 (got -1)"},
        {"{dist: gamma, shape: 1, rate: .nan}",
         "d.yaml:1:31: m.ttp.rate: NaN and infinity are not allowed (expected a finite number)"},
        {"{dist: exp, rate: 0.1, time_unit: fortnights}",
         "d.yaml:1:35: m.ttp.time_unit: unknown value 'fortnights' (expected one of days, weeks, "
         "months, years)"},
        {"{dist: pexp, cuts: [0, 6], rates: [0.1]}",
         "d.yaml:1:35: m.ttp.rates: 1 rates for 2 cuts (expected one rate per piece, the first cut "
         "0)"},
        {"{dist: pexp, cuts: [0, 6, 5], rates: [0.1, 0.2, 0.3]}",
         "d.yaml:1:20: m.ttp: pexp: cuts must be strictly increasing (cuts[2] = 5 after 6)"},
        {"{dist: pexp, cuts: [0, 6], rates: [0.1, -1]}",
         "d.yaml:1:35: m.ttp: pexp: rates[1] must be finite and >= 0 (got -1)"},
        {"[weibull, 1, 2]", "d.yaml:1:1: m.ttp: expected a distribution {dist: FAMILY, "
                            "parameters...}"},
        /* control characters from the input are escaped: one line */
        {"{dist: \"wei\\nbu\\tll\\x01\", shape: 1, scale: 2}",
         "d.yaml:1:8: m.ttp.dist: unknown value 'wei\\nbu\\tll\\x01' (did you mean 'weibull'? "
         "expected one of exp, weibull, weibullPH, gompertz, lnorm, llogis, gamma, gengamma, pexp)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nelm_err e = {0};
        nelm_dist d;
        assert_int_equal(parse_dist(cases[i].yaml, &d, &e), NELM_ERR_PARAM);
        if (strcmp(e.msg, cases[i].msg) != 0)
            print_error("case %zu:\n  got      %s\n  expected %s\n", i, e.msg, cases[i].msg);
        assert_string_equal(e.msg, cases[i].msg);
    }
}

/* ---- named entries and references (the machinery for modality instances
 * and strategies), on a test-only spec ---- */

typedef struct t_inst {
    char name[NELM_NAME_MAX];
    double p;
    nelm_dist ttp;
} t_inst;

typedef struct t_model {
    t_inst inst[3];
    size_t ninst;
    size_t order[4];
    size_t norder;
} t_model;

static const nelm_pkey t_inst_keys[] = {
    {.name = "p", .type = NELM_P_NUM, .offset = offsetof(t_inst, p), .min = 0, .max = 1,
     .doc = "a probability"},
    {.name = "ttp", .type = NELM_P_DIST, .offset = offsetof(t_inst, ttp), .doc = "a time"},
};
static const nelm_psection t_inst_sec = {"inst", "", t_inst_keys, 2, 0, 0, NULL};

static int
t_parse_order(nelm_pctx *c, const nelm_ynode *n, void *base, const char *path)
{
    t_model *m = base;
    const char *names[3];
    for (size_t i = 0; i < m->ninst; i++)
        names[i] = m->inst[i].name;
    if (n->kind != NELM_YSEQ || n->n > 4)
        return nelm_pfail(c, n, path, "expected a list of up to 4 names");
    for (size_t i = 0; i < n->n; i++) {
        char ip[NELM_PATH_MAX + 24];
        if (snprintf(ip, sizeof ip, "%s[%zu]", path, i) < 0)
            ip[0] = '\0';
        int ret = nelm_pread_ref(c, n->vals[i], ip, "instance", names, m->ninst, &m->order[i]);
        if (ret != 0)
            return ret;
        m->norder = i + 1;
    }
    return 0;
}

static void
t_dump_order(FILE *out, const void *base, int indent)
{
    (void)indent;
    const t_model *m = base;
    fputs(" [", out);
    for (size_t i = 0; i < m->norder; i++)
        fprintf(out, "%s%s", i ? ", " : "", m->inst[m->order[i]].name);
    fputs("]\n", out);
}

static const nelm_pkey t_model_keys[] = {
    {.name = "instances", .type = NELM_P_NAMED, .offset = offsetof(t_model, inst),
     .sub = &t_inst_sec, .elem_size = sizeof(t_inst), .max_items = 3,
     .count_offset = offsetof(t_model, ninst), .name_offset = offsetof(t_inst, name),
     .doc = "instances"},
    {.name = "order", .type = NELM_P_CUSTOM, .parse = t_parse_order, .dump = t_dump_order,
     .doc = "references to instances"},
};
static const nelm_psection t_model_sec = {"", "", t_model_keys, 2, 0, 0, NULL};

static int
parse_model(const char *yaml, t_model *m, nelm_err *e)
{
    nelm_ydoc doc;
    int rc = nelm_ydoc_load_string(&doc, yaml, strlen(yaml), "m.yaml", e);
    if (rc != 0)
        return rc;
    memset(m, 0, sizeof *m);
    nelm_pctx c = {&p1, e, &doc};
    rc = nelm_pparse_section(&c, &t_model_sec, doc.root, m, "");
    nelm_ydoc_free(&doc);
    return rc;
}

static void
test_named_entries(void **state)
{
    (void)state;
    static t_model m, back;
    nelm_err e = {0};
    const char *yaml = "instances:\n"
                       "  tace: {p: 0.1, ttp: {dist: exp, rate: 0.1}}\n"
                       "  sunitinib: {p: 0.2, ttp: {dist: weibull, shape: 1.5, scale: 10}}\n"
                       "order: [sunitinib, tace, sunitinib]\n";
    assert_int_equal(parse_model(yaml, &m, &e), 0);
    assert_int_equal(m.ninst, 2);
    assert_string_equal(m.inst[0].name, "tace");
    assert_string_equal(m.inst[1].name, "sunitinib");
    assert_true(m.inst[1].p == 0.2 && m.inst[1].ttp.family == NELM_DIST_WEIBULL);
    assert_int_equal(m.norder, 3);
    assert_int_equal(m.order[0], 1);
    assert_int_equal(m.order[1], 0);
    /* echo and parse back: identical */
    FILE *f = tmpfile();
    assert_non_null(f);
    nelm_pdump_section(f, &p1, &t_model_sec, &m, "", 0);
    size_t n = 0;
    char *text = read_back(f, &n);
    assert_int_equal(parse_model(text, &back, &e), 0);
    assert_memory_equal(&m, &back, sizeof m);
    free(text);

    static const struct {
        const char *yaml, *msg;
    } bad[] = {
        {"instances: {tace: {p: 0.1, ttp: {dist: exp, rate: 1}}}\norder: [tacee]\n",
         "m.yaml:2:9: order[0]: unknown instance 'tacee' (did you mean 'tace'?)"},
        {"instances: {tace: {p: 0.1, ttp: {dist: exp, rate: 1}}}\norder: [prrt]\n",
         "m.yaml:2:9: order[0]: unknown instance 'prrt' (defined: tace)"},
        {"instances: {}\norder: [prrt]\n",
         "m.yaml:2:9: order[0]: unknown instance 'prrt' (defined: none)"},
        {"instances: {2fast: {p: 0.1, ttp: {dist: exp, rate: 1}}}\norder: []\n",
         "m.yaml:1:13: instances.2fast: '2fast' is not a valid name (letters, digits and _, "
         "starting with a letter; at most 63 characters)"},
        {"instances: {a: {p: 0, ttp: {dist: exp, rate: 1}}, b: {p: 0, ttp: {dist: exp, rate: 1}},"
         " c: {p: 0, ttp: {dist: exp, rate: 1}}, d: {p: 0, ttp: {dist: exp, rate: 1}}}\norder: []\n",
         "m.yaml:1:12: instances: 4 entries (at most 3)"},
        {"instances: [tace]\norder: []\n",
         "m.yaml:1:12: instances: expected a mapping of names to instances"},
        {"instances: {tace: {p: 0.1, ttp: {dist: exp, rate: 1}, q: 2}}\norder: []\n",
         "m.yaml:1:55: instances.tace.q: unknown key (expected one of p, ttp)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        assert_int_equal(parse_model(bad[i].yaml, &m, &e), NELM_ERR_PARAM);
        if (strcmp(e.msg, bad[i].msg) != 0)
            print_error("case %zu:\n  got      %s\n  expected %s\n", i, e.msg, bad[i].msg);
        assert_string_equal(e.msg, bad[i].msg);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_model),
        cmocka_unit_test(test_includes),
        cmocka_unit_test(test_anchors),
        cmocka_unit_test(test_set_overrides),
        cmocka_unit_test(test_dump_roundtrip),
        cmocka_unit_test(test_explain_lists_every_key),
        cmocka_unit_test(test_dist_values),
        cmocka_unit_test(test_dist_errors),
        cmocka_unit_test(test_named_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
