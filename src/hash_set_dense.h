/*-------------------------------------------------------------------------
 *
 * hash_set_dense.h
 *	  The dense form of a vqc.hash_set_state of integers: a bitmap over the
 *	  values' range plus the repeated values (see hash_set_dense.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_HASH_SET_DENSE_H
#define VQC_HASH_SET_DENSE_H

#include "state_io.h"

/* the binding of integers stored as themselves (see hash_set.c) */
#define HASH_SET_BINDING_INTEGERS	0x0002

/* the words values[0] and values[1], then the bitmap, then the repeats */
#define DENSE_HDR_WORDS			2
#define DENSE_NBITWORDS(s)		((int64) (s)->values[1])
#define DENSE_BITS(s)			((s)->values + DENSE_HDR_WORDS)
#define DENSE_REPEATS(s)		(DENSE_BITS(s) + DENSE_NBITWORDS(s))
#define DENSE_NREPEATS(s)		((s)->nvalues - DENSE_HDR_WORDS - DENSE_NBITWORDS(s))

/* a list this long whose range is narrow goes dense before it grows */
#define DENSE_EARLY_WORDS		65536

/* word indexes (key / 64) of the 2^64 keys run up to this */
#define DENSE_LAST_WORD_INDEX	((UINT64CONST(1) << 58) - 1)

/* an integer as an unsigned key in bigint order, and back */
static inline uint64
key_of(uint64 w)
{
	return w ^ (UINT64CONST(1) << 63);
}

static inline uint64
word_of(uint64 k)
{
	return k ^ (UINT64CONST(1) << 63);
}

/* the word index (key / 64) of the bitmap's first word */
static inline uint64
first_word(const Vec8State *s)
{
	return key_of(s->values[0]) >> 6;
}

extern void hash_set_dense_add(Vec8Expanded *e, uint64 word);
extern void hash_set_list_full(Vec8Expanded *e, uint64 word);
extern void hash_set_combine(Vec8Expanded *l, const Vec8State *r);
extern void hash_set_dense_validate(const Vec8State *s, int errcode, const char *typname);
extern int64 hash_set_bitmap_validate(const Vec8State *s, VqcReader *r);
extern bool hash_set_bitmap_has(const Vec8State *s, int64 nbits, uint64 word);
extern bool hash_set_bitmap_used_range(const Vec8State *r, int64 nbits, uint64 *lo, uint64 *hi);
extern int64 hash_set_bitmap_shared(const Vec8State *e, int64 enbits, const Vec8State *r, uint64 lo, uint64 hi);

#endif							/* VQC_HASH_SET_DENSE_H */
