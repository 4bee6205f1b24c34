/* error.h — error codes, the error context and invariant checks.
 *
 * Functions that can fail on user input return int: 0 on success or a negative
 * NELM_ERR_* code, and fill a caller-owned nelm_err with one human-readable line.
 * Broken invariants (programming errors) are not user errors: nelm_bug_assert()
 * stays on in release builds and aborts with the location.
 */
#ifndef NELM_ERROR_H
#define NELM_ERROR_H

#include <stddef.h>
#include <stdio.h>

enum {
    NELM_OK = 0,
    NELM_ERR_PARAM = -1,       /**< invalid parameter value or combination */
    NELM_ERR_NOMEM = -2,       /**< allocation failed */
    NELM_ERR_IO = -3,          /**< reading or writing a file failed */
    NELM_ERR_USAGE = -4,       /**< bad command line */
    NELM_ERR_LIMIT = -5,       /**< a documented cap was exceeded */
    NELM_ERR_INTERRUPTED = -6, /**< stopped by a signal (SIGINT, SIGTERM) */
};

#define NELM_ERR_MSG_MAX 512

/** Error context: the first failure's code and message. Zero it before use. */
typedef struct nelm_err {
    int code;
    char msg[NELM_ERR_MSG_MAX];
} nelm_err;

/** Record code and a printf-style message in e (may be NULL); returns code.
 *  A context that already holds an error keeps the first one. */
int nelm_fail(nelm_err *e, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/** Prefix the message already in e with "prefix: " (for adding a key path). */
void nelm_err_prefix(nelm_err *e, const char *prefix);

/** Static description of a code. */
const char *nelm_strerror(int code);

/** Where nelm_bug writes (NULL: stderr): the ranks of an MPI job other
 *  than 0 silence stderr but keep their internal errors. */
void nelm_bug_stream(FILE *f);

/** Abort with file and line; never returns. */
_Noreturn void nelm_bug(const char *file, int line, const char *expr);

#define NELM_FAIL(e, code, ...) nelm_fail((e), (code), __VA_ARGS__)
#define nelm_bug_assert(cond)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            nelm_bug(__FILE__, __LINE__, #cond);                                                   \
    } while (0)

#endif
