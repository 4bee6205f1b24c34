/* error.c — error context and invariant checks. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A message is one line: a control character from the input (a newline in
 * a folded YAML scalar, a tab, an escape) is written as an escape sequence,
 * (\n, \t, \xHH), truncated to the buffer like the message. */
static void
one_line(char *msg, size_t cap)
{
    size_t n = strcspn(msg, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
                            "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
                            "\x1e\x1f\x7f");
    if (msg[n] == '\0')
        return;
    char out[sizeof((nelm_err *)0)->msg];
    if (cap > sizeof out)
        cap = sizeof out;
    size_t o = 0;
    for (size_t i = 0; msg[i] != '\0'; i++) {
        unsigned char c = (unsigned char)msg[i];
        char esc[5];
        if (c == '\n')
            memcpy(esc, "\\n", 3);
        else if (c == '\t')
            memcpy(esc, "\\t", 3);
        else if (c == '\r')
            memcpy(esc, "\\r", 3);
        else if (c < 0x20 || c == 0x7f)
            snprintf(esc, sizeof esc, "\\x%02x", c);
        else {
            esc[0] = (char)c;
            esc[1] = '\0';
        }
        size_t w = strlen(esc);
        if (o + w >= cap)
            break;
        memcpy(out + o, esc, w);
        o += w;
    }
    out[o] = '\0';
    memcpy(msg, out, o + 1);
}

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
    one_line(e->msg, sizeof e->msg);
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
    one_line(e->msg, sizeof e->msg);
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
