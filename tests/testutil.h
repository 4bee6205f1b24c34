/* testutil.h — helpers shared by the cmocka test programs. */
#ifndef NELM_TESTUTIL_H
#define NELM_TESTUTIL_H

/* cmocka 1.1.5 needs these before <cmocka.h>. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/** Fail the test unless |a - b| <= tol * max(|b|, tiny) (relative), with a
 *  message giving both values. Infinite b requires a == b. */
#define assert_close_rel(a, b, tol) nelm_t_assert_close_rel((a), (b), (tol), #a, __FILE__, __LINE__)
void nelm_t_assert_close_rel(double a, double b, double tol, const char *what, const char *file,
                             int line);

/** Read a whole file into a NUL-terminated buffer (caller frees); NULL on failure. */
char *nelm_t_read_file(const char *path, size_t *len);

/** Path under the committed test data directory (static buffer). */
const char *nelm_t_data_path(const char *name);

#endif
