/*-------------------------------------------------------------------------
 *
 * hll.h
 *	  HyperLogLog distinct-count sketch with precision 14 (16384 one-byte
 *	  registers) over 64-bit hashes, estimated with Ertl's improved raw
 *	  estimator (O. Ertl, "New cardinality estimation algorithms for
 *	  HyperLogLog sketches", 2017), which needs no bias tables and no
 *	  switch to linear counting.  Relative standard error 1.04/sqrt(m)
 *	  = 0.81 %.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_HLL_H
#define VQC_HLL_H

#include "port/pg_bitutils.h"

#define HLL_P				14
#define HLL_M				(1 << HLL_P)
#define HLL_Q				(64 - HLL_P)
/* largest register value: q leading zeros then the implicit one */
#define HLL_MAX_REGISTER	(HLL_Q + 1)
#define HLL_RSE				(1.04 / 128.0)	/* 1.04 / sqrt(2^14) */

/* top p bits pick the register; the rank is 1 + leading zeros of the rest */
static inline void
hll_add(uint8 *regs, uint64 hash)
{
	uint32		idx = (uint32) (hash >> HLL_Q);
	uint64		w = hash << HLL_P;
	uint8		rank;

	rank = (w == 0) ? HLL_MAX_REGISTER : (uint8) (64 - pg_leftmost_one_pos64(w));
	/* a store every time rather than a branch the data decides */
	regs[idx] = Max(regs[idx], rank);
}

extern void hll_merge(uint8 *dst, const uint8 *src);
extern double hll_estimate(const uint8 *regs);

#endif							/* VQC_HLL_H */
