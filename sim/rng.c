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

void
nelm_rng_keyed(nelm_rng *r, const nelm_key *k)
{
    nelm_bug_assert(k->purpose <= NELM_KEY_FIELD_MAX && k->instance <= NELM_KEY_FIELD_MAX &&
                    k->occurrence <= NELM_KEY_FIELD_MAX && k->slot <= NELM_KEY_FIELD_MAX);
    nelm_rng_keyed_tail(r, nelm_rng_key_prefix(k->seed, k->patient), k->purpose, k->instance,
                        k->occurrence, k->slot);
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
