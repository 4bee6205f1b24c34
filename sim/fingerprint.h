/* fingerprint.h — a run fingerprint: a 64-bit FNV-1a hash of everything the
 * shards of one run must share (version, parameters, seed, sizes), printed
 * as 16 hex digits. Not cryptographic: it tells shards of different runs
 * apart, it does not defend against forgery. */
#ifndef NELM_FINGERPRINT_H
#define NELM_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NELM_FP_INIT UINT64_C(0xcbf29ce484222325)

static inline uint64_t
nelm_fp_bytes(uint64_t h, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

/** A string with its terminator (so that "ab","c" and "a","bc" differ). */
static inline uint64_t
nelm_fp_str(uint64_t h, const char *s)
{
    return nelm_fp_bytes(h, s ? s : "", strlen(s ? s : "") + 1);
}

/** An integer, little-endian whatever the machine. */
static inline uint64_t
nelm_fp_u64(uint64_t h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return nelm_fp_bytes(h, b, 8);
}

/** A double by its bits. */
static inline uint64_t
nelm_fp_f64(uint64_t h, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return nelm_fp_u64(h, u);
}

static inline void
nelm_fp_hex(uint64_t h, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

#endif
