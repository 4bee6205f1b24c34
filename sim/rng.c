/* rng.c — PCG32 seeding, jump-ahead, bounded draws and keyed streams. */
#include "rng.h"

#include "error.h"

void
nelm_rng_seed(nelm_rng *r, uint64_t initstate, uint64_t initseq)
{
    r->state = 0;
    r->inc = (initseq << 1u) | 1u;
    (void)nelm_rng_next(r);
    r->state += initstate;
    (void)nelm_rng_next(r);
}

/* Distinct odd constants per absorbed word, so that swapping two fields'
 * values gives a different key. */
#define KEY_C0 UINT64_C(0x9e3779b97f4a7c15)
#define KEY_C1 UINT64_C(0xd1b54a32d192ed03)
#define KEY_C2 UINT64_C(0xaef17502108ef2d9)
#define KEY_STATE UINT64_C(0x2545f4914f6cdd1d)
#define KEY_STREAM UINT64_C(0x632be59bd9b4e019)

void
nelm_rng_keyed(nelm_rng *r, const nelm_key *k)
{
    nelm_bug_assert(k->purpose <= NELM_KEY_FIELD_MAX && k->instance <= NELM_KEY_FIELD_MAX &&
                    k->occurrence <= NELM_KEY_FIELD_MAX && k->slot <= NELM_KEY_FIELD_MAX);
    uint64_t packed = ((uint64_t)k->purpose << 48) | ((uint64_t)k->instance << 32) |
                      ((uint64_t)k->occurrence << 16) | (uint64_t)k->slot;
    /* Sponge-like absorption through a bijection: for a fixed prefix, each
     * step is injective in the absorbed word, so keys that differ in exactly
     * one field always give different h. */
    uint64_t h = nelm_mix64(k->seed + KEY_C0);
    h = nelm_mix64(h ^ (k->patient + KEY_C1));
    h = nelm_mix64(h ^ (packed + KEY_C2));
    /* State and increment from independent-looking images of h. */
    uint64_t state = nelm_mix64(h ^ KEY_STATE);
    uint64_t stream = nelm_mix64(h + KEY_STREAM);
    r->inc = (stream << 1u) | 1u;
    r->state = state;
}

void
nelm_rng_advance(nelm_rng *r, uint64_t delta)
{
    /* Brown (1994), "Random number generation with arbitrary strides":
     * accumulate a^delta and the matching increment sum by squaring. */
    uint64_t cur_mult = NELM_PCG32_MULT;
    uint64_t cur_plus = r->inc;
    uint64_t acc_mult = 1u;
    uint64_t acc_plus = 0u;
    while (delta > 0) {
        if (delta & 1u) {
            acc_mult *= cur_mult;
            acc_plus = acc_plus * cur_mult + cur_plus;
        }
        cur_plus = (cur_mult + 1u) * cur_plus;
        cur_mult *= cur_mult;
        delta >>= 1u;
    }
    r->state = acc_mult * r->state + acc_plus;
}

uint32_t
nelm_rng_bounded(nelm_rng *r, uint32_t bound)
{
    nelm_bug_assert(bound > 0);
    /* Reject the lowest (2^32 mod bound) outputs so every residue is equally
     * likely; at most half the outputs are rejected. */
    uint32_t threshold = (uint32_t)(-bound) % bound;
    for (;;) {
        uint32_t x = nelm_rng_next(r);
        if (x >= threshold)
            return x % bound;
    }
}
