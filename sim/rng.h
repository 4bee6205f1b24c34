/* rng.h — PCG32 random numbers and keyed streams.
 *
 * Generator: PCG32 "setseq_64_xsh_rr_32" (O'Neill 2014): a 64-bit linear
 * congruential state with multiplier 6364136223846793005 and an odd increment
 * chosen by a stream selector; output is the XSH-RR permutation of the old
 * state. Verified byte for byte against tests/data/pcg32-check.out.
 *
 * Keyed streams (DESIGN §4): every draw in the simulator comes from a generator
 * whose state AND increment are derived from a key
 *     (run seed, patient index, purpose, modality instance, occurrence, slot)
 * by a strong 64-bit mix, so results never depend on thread, shard or rank
 * count, and one more draw at one site shifts nothing elsewhere. Deriving both
 * halves by the mix matters: PCG streams that differ only in their increment,
 * with states related by d = (c' - c) / (1 - a), are shifted copies of each
 * other (their state sequences differ by a constant), and naive schemes that
 * put the key in the increment alone are exposed to this.
 *
 * A generator is 16 bytes, needs no allocation and is seeded in a few ns.
 */
#ifndef NELM_RNG_H
#define NELM_RNG_H

#include <stdint.h>

#define NELM_PCG32_MULT UINT64_C(6364136223846793005)

typedef struct nelm_rng {
    uint64_t state; /**< LCG state */
    uint64_t inc;   /**< LCG increment; always odd */
} nelm_rng;

/** Fields of a stream key. purpose, instance, occurrence and slot each hold
 *  values below 2^16 (NELM_KEY_FIELD_MAX); larger values are a bug. */
typedef struct nelm_key {
    uint64_t seed;       /**< run seed */
    uint64_t patient;    /**< patient index within the run */
    uint32_t purpose;    /**< NELM_STREAM_* (what the draws are for) */
    uint32_t instance;   /**< modality instance index, or 0 */
    uint32_t occurrence; /**< n-th use of that instance by the patient */
    uint32_t slot;       /**< fixed draw site */
} nelm_key;

#define NELM_KEY_FIELD_MAX 0xffffu

/** Purposes: which part of the model a stream serves. Values are part of the
 *  reproducibility contract: never renumber, only append. */
enum {
    NELM_STREAM_BASELINE = 1,   /**< baseline attributes and filtering */
    NELM_STREAM_BACKGROUND = 2, /**< background (life-table) death */
    NELM_STREAM_FRAILTY = 3,    /**< patient frailty */
    NELM_STREAM_LINE = 4,       /**< a line of a modality instance */
    NELM_STREAM_STRATEGY = 5,   /**< strategy-level choices (uptake, ...) */
    NELM_STREAM_PSA = 6,        /**< PSA parameter draws */
    NELM_STREAM_TEST = 100,     /**< tests only */
};

/** The SplitMix64 finaliser (Stafford variant 13): a bijection on 64 bits
 *  with full avalanche. */
static inline uint64_t
nelm_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Distinct odd constants per absorbed word, so that swapping two fields'
 * values gives a different key. Part of the reproducibility contract. */
#define NELM_KEY_C0 UINT64_C(0x9e3779b97f4a7c15)
#define NELM_KEY_C1 UINT64_C(0xd1b54a32d192ed03)
#define NELM_KEY_C2 UINT64_C(0xaef17502108ef2d9)
#define NELM_KEY_STATE UINT64_C(0x2545f4914f6cdd1d)
#define NELM_KEY_STREAM UINT64_C(0x632be59bd9b4e019)

/** The part of a key's mix that depends on (seed, patient) only. Compute it
 *  once per patient and seed any number of that patient's generators with
 *  nelm_rng_keyed_tail: the result is identical to nelm_rng_keyed with the
 *  full key, at three mixes instead of five. */
static inline uint64_t
nelm_rng_key_prefix(uint64_t seed, uint64_t patient)
{
    uint64_t h = nelm_mix64(seed + NELM_KEY_C0);
    return nelm_mix64(h ^ (patient + NELM_KEY_C1));
}

/** Seed from a prefix and the remaining key fields (each <= NELM_KEY_FIELD_MAX:
 *  callers pass constants or checked counters; nelm_rng_keyed checks). */
static inline void
nelm_rng_keyed_tail(nelm_rng *r, uint64_t prefix, uint32_t purpose, uint32_t instance,
                    uint32_t occurrence, uint32_t slot)
{
    uint64_t packed = ((uint64_t)purpose << 48) | ((uint64_t)instance << 32) |
                      ((uint64_t)occurrence << 16) | (uint64_t)slot;
    /* Sponge-like absorption through a bijection: for a fixed prefix, each
     * step is injective in the absorbed word, so keys that differ in exactly
     * one field always give different h. */
    uint64_t h = nelm_mix64(prefix ^ (packed + NELM_KEY_C2));
    /* State and increment from independent-looking images of h. */
    r->state = nelm_mix64(h ^ NELM_KEY_STATE);
    r->inc = (nelm_mix64(h + NELM_KEY_STREAM) << 1u) | 1u;
}

/** Seed as the reference pcg32_srandom_r(initstate, initseq) does. */
void nelm_rng_seed(nelm_rng *r, uint64_t initstate, uint64_t initseq);

/** Seed from a key: state and increment both derived by the mix. */
void nelm_rng_keyed(nelm_rng *r, const nelm_key *k);

/** Next 32-bit output. */
static inline uint32_t
nelm_rng_next(nelm_rng *r)
{
    uint64_t old = r->state;
    r->state = old * NELM_PCG32_MULT + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

/** Move the generator by delta steps (mod 2^64): delta = 2^64 - k goes back k
 *  steps. O(log delta). */
void nelm_rng_advance(nelm_rng *r, uint64_t delta);

/** Unbiased integer in [0, bound); bound > 0. */
uint32_t nelm_rng_bounded(nelm_rng *r, uint32_t bound);

/** Uniform double on [0, 1) with 53 random bits (two outputs). */
static inline double
nelm_rng_uniform(nelm_rng *r)
{
    uint64_t hi = nelm_rng_next(r) >> 5;  /* 27 bits */
    uint64_t lo = nelm_rng_next(r) >> 6;  /* 26 bits */
    return (double)((hi << 26) | lo) * 0x1.0p-53;
}

/** Uniform double on (0, 1) with 53 random bits: k / 2^53 for a 53-bit k,
 *  redrawn in the 1-in-2^53 case k = 0. Values lie in [2^-53, 1 - 2^-53],
 *  symmetric about 1/2. ((k + 0.5) / 2^53 would not do: for the largest k
 *  it rounds to exactly 1.) */
static inline double
nelm_rng_uniform_pos(nelm_rng *r)
{
    uint64_t k;
    do {
        uint64_t hi = nelm_rng_next(r) >> 5;
        uint64_t lo = nelm_rng_next(r) >> 6;
        k = (hi << 26) | lo;
    } while (k == 0);
    return (double)k * 0x1.0p-53;
}

#endif
