/* lifetable.c — background mortality from a period life table (see lifetable.h).
 *
 * The hazard is piecewise constant: rate[s][a] per person-year on [a, a + 1)
 * for a < last_age, rate[s][last_age] from last_age on. Its integral from
 * birth is piecewise linear through cum[s][a] = rate[s][0] + ... + rate[s][a-1],
 * so an age at death is found exactly by locating the target cumulative
 * hazard between two integer ages and interpolating.
 *
 * The parser reads CSV from memory without allocating: a header naming the
 * columns, then one row per age. It never reads outside [text, text + len). */
#include "lifetable.h"

#include "alloc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The default table: params/us-mortality-2015.csv, compiled in by
 * cmake/embed.cmake (the "embedded life table" block of CMakeLists.txt). */
extern const char nelm_us_mortality_2015_csv[];
extern const size_t nelm_us_mortality_2015_csv_len;

#define DEFAULT_LAST_AGE 100
#define DEFAULT_NAME "params/us-mortality-2015.csv (built in)"
#define DEFAULT_SOURCE "built-in: US 2015 period life table (params/us-mortality-2015.csv)"

/* Largest rate accepted, per person-year (a monthly death probability of
 * 1 - exp(-100/12) > 99.9 %). Real tables stay below ~2 even at 110; larger
 * values are almost always deaths per 1,000 or per 100,000. The cap also keeps
 * every cumulative hazard in the table finite (at most 121 * 100). */
#define MAX_RATE 100.0
/* Longest numeric field, in characters. */
#define MAX_NUM_CHARS 63
/* Largest file nelm_lifetable_load() reads: a life table is a few kilobytes. */
#define MAX_FILE_BYTES ((size_t)16 << 20)
/* Characters of a bad field quoted in a message. */
#define SHOW_CHARS 24

enum { COL_AGE, COL_FEMALE, COL_MALE, NCOLS };
static const char *const col_names[NCOLS] = {"Age", "Female", "Male"};

/* ---- CSV reading --------------------------------------------------------------- */

typedef struct parser {
    const char *name;    /* for messages */
    const char *p, *end; /* unread input */
    const char *ln;      /* start of the line last read */
    long line;           /* number of the line last read, 1-based */
    nelm_err *e;
} parser;

/* One field of a line: its text without surrounding blanks (and without the
 * double quotes of a quoted field, whose text is taken verbatim). */
typedef struct csv_field {
    const char *s;
    size_t n;
    size_t col; /* 1-based byte column of its first non-blank character */
} csv_field;

static int perr(const parser *ps, long line, size_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Record "name:line:col: what (expected ...)" as NELM_ERR_PARAM. */
static int
perr(const parser *ps, long line, size_t col, const char *fmt, ...)
{
    char what[NELM_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return NELM_FAIL(ps->e, NELM_ERR_PARAM, "%s:%ld:%zu: %s", ps->name, line, col, what);
}

/* An error at the end of the input (line and column just past its last byte). */
static int
perr_at_end(const parser *ps, const char *what)
{
    if (ps->line == 0)
        return perr(ps, 1, 1, "%s", what);
    if (ps->end[-1] == '\n')
        return perr(ps, ps->line + 1, 1, "%s", what);
    return perr(ps, ps->line, (size_t)(ps->end - ps->ln) + 1, "%s", what);
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Next line without its '\n' (nor a '\r' before it); false at the end. */
static bool
next_line(parser *ps, const char **ln, size_t *len)
{
    if (ps->p >= ps->end)
        return false;
    const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
    const char *stop = nl != NULL ? nl : ps->end;
    *ln = ps->ln = ps->p;
    *len = (size_t)(stop - ps->p);
    if (*len > 0 && (*ln)[*len - 1] == '\r')
        (*len)--;
    ps->p = nl != NULL ? nl + 1 : ps->end;
    ps->line++;
    return true;
}

/* Blank: nothing but blanks and commas (spreadsheets export empty rows as ",,,"). */
static bool
line_is_blank(const char *ln, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_blank(ln[i]) && ln[i] != ',')
            return false;
    return true;
}

/* Split off the field that starts at ln[*pos]; *more tells whether a comma
 * (and so another field) follows, and *pos moves past it. A quoted field runs
 * to the next lone '"' ("" stands for a quote) and may not span lines. */
static int
split_field(const parser *ps, const char *ln, size_t len, size_t *pos, csv_field *f, bool *more)
{
    size_t i = *pos;
    while (i < len && is_blank(ln[i]))
        i++;
    f->col = i + 1;
    if (i < len && ln[i] == '"') {
        size_t j = i + 1;
        for (;;) {
            if (j >= len)
                return perr(ps, ps->line, i + 1,
                            "unterminated quoted field (expected a closing \" on the same line)");
            if (ln[j] == '"') {
                if (j + 1 < len && ln[j + 1] == '"') {
                    j += 2;
                    continue;
                }
                break;
            }
            j++;
        }
        f->s = ln + i + 1;
        f->n = j - i - 1;
        i = j + 1;
        while (i < len && is_blank(ln[i]))
            i++;
        if (i < len && ln[i] != ',')
            return perr(ps, ps->line, i + 1,
                        "text after a quoted field (expected a comma or the end of the line)");
    } else {
        size_t j = i;
        while (j < len && ln[j] != ',')
            j++;
        size_t k = j;
        while (k > i && is_blank(ln[k - 1]))
            k--;
        f->s = ln + i;
        f->n = k - i;
        i = j;
    }
    *more = i < len;
    *pos = i + 1;
    return 0;
}

/* The field's text for a message: at most SHOW_CHARS characters, bytes that
 * are not printable ASCII shown as '?'. out holds SHOW_CHARS + 4 bytes. */
static const char *
show(const csv_field *f, char *out)
{
    size_t n = f->n < SHOW_CHARS ? f->n : SHOW_CHARS;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)f->s[i];
        out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (f->n > SHOW_CHARS) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
    return out;
}

/* Column names match without regard to ASCII case. */
static bool
name_is(const csv_field *f, const char *name)
{
    size_t n = strlen(name);
    if (f->n != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = f->s[i], b = name[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

/* The header: where Age, Female and Male are, and how many fields a row has. */
static int
parse_header(const parser *ps, const char *ln, size_t len, size_t idx[NCOLS], size_t *nfields)
{
    for (int c = 0; c < NCOLS; c++)
        idx[c] = SIZE_MAX;
    size_t pos = 0, k = 0;
    bool more = true;
    while (more) {
        csv_field f;
        int ret = split_field(ps, ln, len, &pos, &f, &more);
        if (ret != 0)
            return ret;
        for (int c = 0; c < NCOLS; c++) {
            if (!name_is(&f, col_names[c]))
                continue;
            if (idx[c] != SIZE_MAX)
                return perr(ps, ps->line, f.col,
                            "column %s appears twice in the header (expected it once)",
                            col_names[c]);
            idx[c] = k;
        }
        k++;
    }
    for (int c = 0; c < NCOLS; c++)
        if (idx[c] == SIZE_MAX)
            return perr(ps, ps->line, 1,
                        "the header has no column %s (expected a first line naming the columns "
                        "Age, Female and Male, in any order)",
                        col_names[c]);
    *nfields = k;
    return 0;
}

/* An age: decimal digits only. */
static int
parse_age(const parser *ps, const csv_field *f, int expect, int *age)
{
    char shown[SHOW_CHARS + 4];
    long v = 0;
    bool ok = f->n > 0;
    for (size_t i = 0; ok && i < f->n; i++) {
        if (f->s[i] < '0' || f->s[i] > '9')
            ok = false;
        else if (v <= 100000)
            v = 10 * v + (f->s[i] - '0');
    }
    if (!ok)
        return perr(ps, ps->line, f->col, "age \"%s\" is not a whole number (expected %d)",
                    show(f, shown), expect);
    if (v != expect) {
        if (expect == 0)
            return perr(ps, ps->line, f->col,
                        "the first age is %s (expected 0: the table starts at birth)",
                        show(f, shown));
        return perr(ps, ps->line, f->col,
                    "age %s out of sequence (expected %d: one row per year of age, no gaps)",
                    show(f, shown), expect);
    }
    if (v > NELM_LIFETABLE_MAX_AGE)
        return perr(ps, ps->line, f->col,
                    "age %ld is beyond the largest age supported (expected at most %d)", v,
                    NELM_LIFETABLE_MAX_AGE);
    *age = (int)v;
    return 0;
}

/* A rate: a finite number in [0, MAX_RATE], nothing else in the field. */
static int
parse_rate(const parser *ps, const csv_field *f, const char *what, double *rate)
{
    char shown[SHOW_CHARS + 4];
    if (f->n == 0)
        return perr(ps, ps->line, f->col,
                    "%s rate is empty (expected a number >= 0 per person-year)", what);
    if (f->n > MAX_NUM_CHARS)
        return perr(ps, ps->line, f->col,
                    "%s rate \"%s\" is too long (expected a number of at most %d characters)", what,
                    show(f, shown), MAX_NUM_CHARS);
    char buf[MAX_NUM_CHARS + 1];
    memcpy(buf, f->s, f->n);
    buf[f->n] = '\0';
    char *endp;
    double v = strtod(buf, &endp);
    if (endp == buf || endp != buf + f->n)
        return perr(ps, ps->line, f->col,
                    "%s rate \"%s\" is not a number (expected a number >= 0 per person-year)", what,
                    show(f, shown));
    if (!isfinite(v))
        return perr(ps, ps->line, f->col,
                    "%s rate \"%s\" is not finite (expected a number >= 0 per person-year)", what,
                    show(f, shown));
    if (v < 0)
        return perr(ps, ps->line, f->col,
                    "%s rate %s is negative (expected a number >= 0 per person-year)", what,
                    show(f, shown));
    if (v > MAX_RATE)
        return perr(ps, ps->line, f->col,
                    "%s rate %s is too large (expected at most %g per person-year; "
                    "rates per 1,000 or 100,000 must be converted)",
                    what, show(f, shown), MAX_RATE);
    *rate = v == 0 ? 0.0 : v; /* no -0 */
    return 0;
}

/* A data row for age `expect`: fields as in the header; stores its rates. */
static int
parse_row(const parser *ps, const char *ln, size_t len, const size_t idx[NCOLS], size_t nfields,
          int expect, nelm_lifetable *lt)
{
    csv_field got[NCOLS] = {{NULL, 0, 0}};
    size_t pos = 0, k = 0;
    bool more = true;
    while (more) {
        csv_field f;
        int ret = split_field(ps, ln, len, &pos, &f, &more);
        if (ret != 0)
            return ret;
        if (k == nfields)
            return perr(ps, ps->line, f.col,
                        "more fields than the header has (expected %zu, as in the header)",
                        nfields);
        for (int c = 0; c < NCOLS; c++)
            if (idx[c] == k)
                got[c] = f;
        k++;
    }
    if (k < nfields)
        return perr(ps, ps->line, len + 1, "row has %zu fields (expected %zu, as in the header)", k,
                    nfields);
    int age = 0;
    int ret = parse_age(ps, &got[COL_AGE], expect, &age);
    for (int c = COL_FEMALE; ret == 0 && c <= COL_MALE; c++)
        ret = parse_rate(ps, &got[c], col_names[c], &lt->rate[c - COL_FEMALE][age]);
    return ret;
}

/* cum from the rates up to last_age; beyond it, the last rate held constant
 * (rate[] filled with it too, so cum[a] = rate[0] + ... + rate[a-1] for every
 * a <= NELM_LIFETABLE_MAX_AGE + 1, up to rounding). */
static void
fill_cum(nelm_lifetable *lt)
{
    int last = lt->last_age;
    for (int s = 0; s < NELM_NSEXES; s++) {
        double *rate = lt->rate[s], *cum = lt->cum[s];
        cum[0] = 0.0;
        for (int a = 0; a < last; a++)
            cum[a + 1] = cum[a] + rate[a];
        for (int a = last + 1; a <= NELM_LIFETABLE_MAX_AGE; a++)
            rate[a] = rate[last];
        for (int a = last + 1; a <= NELM_LIFETABLE_MAX_AGE + 1; a++)
            cum[a] = cum[last] + (a - last) * rate[last];
    }
}

int
nelm_lifetable_parse(nelm_lifetable *lt, const char *text, size_t len, const char *name,
                     int last_age, nelm_err *e)
{
    nelm_bug_assert(lt != NULL && (text != NULL || len == 0));
    memset(lt, 0, sizeof *lt);
    if (name == NULL)
        name = "life table";
    parser ps = {name, text, text + len, text, 0, e};
    int ret = 0;
    if (last_age < 0 || last_age > NELM_LIFETABLE_MAX_AGE) {
        ret = NELM_FAIL(e, NELM_ERR_PARAM, "%s: last age %d is out of range (expected 0 to %d)",
                        name, last_age, NELM_LIFETABLE_MAX_AGE);
        goto out;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte order mark */
        ps.p += 3;

    const char *ln;
    size_t n;
    bool have_header = false;
    while (!have_header && next_line(&ps, &ln, &n))
        have_header = !line_is_blank(ln, n);
    if (!have_header) {
        ret = perr_at_end(&ps, "empty table (expected a header naming Age, Female and Male, "
                               "then one row per year of age from 0)");
        goto out;
    }
    size_t idx[NCOLS], nfields = 0;
    ret = parse_header(&ps, ln, n, idx, &nfields);
    if (ret != 0)
        goto out;

    int nrows = 0;
    while (next_line(&ps, &ln, &n)) {
        if (line_is_blank(ln, n))
            continue;
        ret = parse_row(&ps, ln, n, idx, nfields, nrows, lt);
        if (ret != 0)
            goto out;
        nrows++;
    }
    if (nrows == 0) {
        ret = perr_at_end(&ps, "no rows after the header (expected a row for age 0)");
        goto out;
    }
    if (last_age >= nrows) {
        char what[128];
        snprintf(what, sizeof what,
                 "the table ends at age %d (expected rows up to the last age "
                 "used, %d)",
                 nrows - 1, last_age);
        ret = perr_at_end(&ps, what);
        goto out;
    }
    lt->last_age = last_age;
    fill_cum(lt);
    snprintf(lt->source, sizeof lt->source, "%s", name);
out:
    if (ret != 0)
        memset(lt, 0, sizeof *lt);
    return ret;
}

int
nelm_lifetable_load(nelm_lifetable *lt, const char *path, int last_age, nelm_err *e)
{
    nelm_bug_assert(lt != NULL && path != NULL);
    memset(lt, 0, sizeof *lt);
    int ret = 0;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    for (;;) {
        if (n == cap) {
            if (cap > MAX_FILE_BYTES) {
                ret = NELM_FAIL(e, NELM_ERR_LIMIT,
                                "%s: larger than %zu MiB (expected a life table of a few "
                                "kilobytes)",
                                path, MAX_FILE_BYTES >> 20);
                goto out;
            }
            size_t ncap = cap == 0 ? (size_t)1 << 16 : 2 * cap;
            if (ncap > MAX_FILE_BYTES + 1)
                ncap = MAX_FILE_BYTES + 1;
            char *nb = nelm_realloc(buf, ncap);
            if (nb == NULL) {
                ret =
                    NELM_FAIL(e, NELM_ERR_NOMEM, "%s: out of memory reading %zu bytes", path, ncap);
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        size_t want = cap - n, got = fread(buf + n, 1, want, f);
        n += got;
        if (got < want) {
            if (ferror(f)) {
                ret = NELM_FAIL(e, NELM_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
                goto out;
            }
            break;
        }
    }
    ret = nelm_lifetable_parse(lt, buf, n, path, last_age, e);
out:
    if (f != NULL)
        fclose(f);
    free(buf);
    return ret;
}

int
nelm_lifetable_default(nelm_lifetable *lt, nelm_err *e)
{
    int ret = nelm_lifetable_parse(lt, nelm_us_mortality_2015_csv, nelm_us_mortality_2015_csv_len,
                                   DEFAULT_NAME, DEFAULT_LAST_AGE, e);
    if (ret == 0)
        snprintf(lt->source, sizeof lt->source, "%s", DEFAULT_SOURCE);
    return ret;
}

/* ---- hazard, survival, age at death --------------------------------------------- */

double
nelm_lifetable_cumhaz(const nelm_lifetable *lt, nelm_sex sex, double age)
{
    nelm_bug_assert((int)sex >= 0 && (int)sex < NELM_NSEXES && age >= 0);
    const double *rate = lt->rate[sex], *cum = lt->cum[sex];
    int last = lt->last_age;
    if (age >= last) /* a zero tail rate must not meet an infinite age */
        return rate[last] > 0 ? cum[last] + (age - last) * rate[last] : cum[last];
    int a = (int)age;
    return cum[a] + (age - a) * rate[a];
}

double
nelm_lifetable_surv(const nelm_lifetable *lt, nelm_sex sex, double a0, double a1)
{
    nelm_bug_assert(a0 >= 0 && a1 >= a0);
    if (a1 == a0)
        return 1.0;
    int last = lt->last_age;
    double r = lt->rate[sex][last];
    if (a0 >= last) /* both in the tail: no cancellation */
        return r > 0 ? exp(-(a1 - a0) * r) : 1.0;
    return exp(-(nelm_lifetable_cumhaz(lt, sex, a1) - nelm_lifetable_cumhaz(lt, sex, a0)));
}

double
nelm_lifetable_death_age(const nelm_lifetable *lt, nelm_sex sex, double age0, double u)
{
    nelm_bug_assert(age0 >= 0 && u > 0 && u <= 1);
    double ex = -log(u); /* unit exponential: the cumulative hazard still to run */
    if (!(ex > 0))       /* u = 1: dies at once, even where the hazard is 0 */
        return age0;
    const double *rate = lt->rate[sex], *cum = lt->cum[sex];
    int last = lt->last_age;
    if (age0 < last) {
        double h0 = nelm_lifetable_cumhaz(lt, sex, age0), target = h0 + ex;
        if (target <= cum[last]) {
            if (!(target > h0)) /* ex below h0's rounding */
                return age0;
            /* cum[lo] <= h0 < target <= cum[hi] */
            int lo = (int)age0, hi = last;
            while (hi - lo > 1) {
                int mid = lo + (hi - lo) / 2;
                if (cum[mid] >= target)
                    hi = mid;
                else
                    lo = mid;
            }
            /* cum[lo] < target <= cum[lo + 1], so rate[lo] > 0 */
            double x = lo + (target - cum[lo]) / rate[lo];
            return fmin(fmax(x, age0), (double)hi);
        }
        ex = target - cum[last];
        age0 = last;
    }
    return rate[last] > 0 ? age0 + ex / rate[last] : INFINITY;
}
