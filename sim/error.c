/* error.c — error context and invariant checks. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
nelm_fail(nelm_err *e, int code, const char *fmt, ...)
{
    if (e == NULL || e->code != 0)
        return code;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

void
nelm_err_prefix(nelm_err *e, const char *prefix)
{
    if (e == NULL || prefix == NULL || prefix[0] == '\0')
        return;
    /* "prefix: msg", truncated to the buffer. */
    size_t cap = sizeof e->msg - 1;
    size_t lp = strlen(prefix), lm = strlen(e->msg);
    size_t head = lp + 2 < cap ? lp + 2 : cap;
    size_t keep = lm < cap - head ? lm : cap - head;
    memmove(e->msg + head, e->msg, keep);
    e->msg[head + keep] = '\0';
    memcpy(e->msg, prefix, head < lp ? head : lp);
    if (head == lp + 2) {
        e->msg[lp] = ':';
        e->msg[lp + 1] = ' ';
    }
}

const char *
nelm_strerror(int code)
{
    switch (code) {
    case NELM_OK:
        return "success";
    case NELM_ERR_PARAM:
        return "invalid parameter";
    case NELM_ERR_NOMEM:
        return "out of memory";
    case NELM_ERR_IO:
        return "input/output error";
    case NELM_ERR_USAGE:
        return "usage error";
    case NELM_ERR_LIMIT:
        return "limit exceeded";
    default:
        return "unknown error";
    }
}

static FILE *bug_stream; /* NULL: stderr */

void
nelm_bug_stream(FILE *f)
{
    bug_stream = f;
}

_Noreturn void
nelm_bug(const char *file, int line, const char *expr)
{
    fprintf(bug_stream ? bug_stream : stderr,
            "nelmsim: internal error at %s:%d: assertion '%s' failed; "
            "please report this\n",
            file, line, expr);
    abort();
}
