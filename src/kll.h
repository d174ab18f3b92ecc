/*-------------------------------------------------------------------------
 *
 * kll.h
 *	  KLL quantile sketch over float8 (Karnin, Lang and Liberty, 2016), laid
 *	  out as Apache DataSketches' KllDoublesSketch: one item array holding
 *	  levels 0..L-1 packed against its end, level 0 (unsorted) growing
 *	  downwards into the free space, higher levels sorted; level h items
 *	  weigh 2^h.  Capacities follow DataSketches (k at the top, shrinking by
 *	  2/3 per level down, at least m = 8).
 *
 *	  k = 350: DataSketches' single-rank error formula 2.446 / k^0.9433
 *	  gives a normalized rank error of 0.974 % with 99 % confidence (the
 *	  two-sided PMF bound 2.296 / k^0.9723 gives 0.772 %).
 *
 *	  Compaction coins come from a xorshift64 generator kept in the sketch
 *	  with a fixed seed, so results are reproducible for a given input
 *	  order and partitioning.
 *
 *	  Sampling below the levels (the KLL paper's sampler): once a sketch
 *	  would have more than KLL_SAMPLED_LEVELS levels, its bottom level is
 *	  compacted away and its capacity folded into the next, and from then on
 *	  one value chosen at random from each block of 2^shift arrivals enters
 *	  the sketch, so level h items weigh 2^(shift + h).  The values of the
 *	  current block wait in pending[] (they count with weight 1), so the
 *	  weights always add up to n exactly.  Sampling adds a rank error of
 *	  standard deviation at most sqrt(2^shift / n) / 2 (each block's sampled
 *	  value stands for 2^shift values).  Sampling starts when 12 levels are
 *	  full, near 1.4 M values, and each further level doubles both n and
 *	  2^shift, so 2^shift / n stays below about 1 / 700 000: a standard
 *	  deviation under 0.06 %.  With the compactors' 0.974 % that is 0.986 %
 *	  at 99 % (2.576 standard deviations, added in quadrature), inside 1 %;
 *	  sampling from 10 levels would give about 1.02 %.  Only 1 in 2^shift
 *	  values pays for a sketch update.
 *
 *	  The item array is sized for the most levels 2^63 values could need,
 *	  so the sketch never grows: it is a fixed-size struct updated in place.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_KLL_H
#define VQC_KLL_H

#include "lib/stringinfo.h"

#include "state_io.h"

#define KLL_K				350
#define KLL_M				8
#define KLL_MAX_LEVELS		63		/* levels + shift */
#define KLL_MAX_ITEMS		1456	/* kll_total_capacity(KLL_MAX_LEVELS) */
#define KLL_SAMPLED_LEVELS	12		/* more levels than this: sample below */
#define KLL_MAX_SHIFT		6		/* blocks of at most 64 values */
#define KLL_MAX_PENDING		((1 << KLL_MAX_SHIFT) - 1)
#define KLL_RANK_ERROR		0.00974 /* 2.446 / 350^0.9433 */
#define KLL_SEED			UINT64CONST(0x9E3779B97F4A7C15)

typedef struct KllSketch
{
	int64		n;				/* values inserted (total weight) */
	uint64		rng;			/* xorshift64 state, never 0 */
	int32		nlevels;		/* >= 1 */
	int32		shift;			/* level h items weigh 2^(shift + h) */
	int32		npending;		/* values of the current block, < 2^shift */
	int32		pad;
	int32		levels[KLL_MAX_LEVELS + 1]; /* level h is items[levels[h] .. levels[h+1]) */
	float8		pending[KLL_MAX_PENDING];
	float8		items[KLL_MAX_ITEMS];
} KllSketch;

/* a weighted sorted view of the sketch, for queries */
typedef struct KllView
{
	int			count;
	float8	   *values;			/* ascending */
	int64	   *cumweight;		/* weight of values[0..i] */
	int64		n;
} KllView;

extern void kll_init(KllSketch *s);
extern void kll_clear_unused(KllSketch *s);
extern void kll_compress(KllSketch *s);
extern void kll_insert(KllSketch *s, float8 x);
extern void kll_sample_block(KllSketch *s);
extern void kll_merge(KllSketch *a, const KllSketch *b);
extern void kll_write(StringInfo buf, const KllSketch *s);
extern void kll_read(VqcReader *r, KllSketch *s);
extern void kll_view(const KllSketch *s, KllView *v);
extern int	kll_total_capacity(int nlevels);
extern int	kll_retained(const KllSketch *s);
extern double kll_rank_error(const KllSketch *s);
extern int	kll_view_find(const KllView *v, double target);

/* x must not be NaN */
static inline void
kll_update(KllSketch *s, float8 x)
{
	s->n++;
	if (s->shift == 0)
	{
		if (unlikely(s->levels[0] == 0 || s->nlevels > KLL_SAMPLED_LEVELS))
		{
			kll_insert(s, x);
			return;
		}
		s->items[--s->levels[0]] = x;
		return;
	}
	s->pending[s->npending++] = x;
	if (unlikely(s->npending == (1 << s->shift)))
		kll_sample_block(s);
}

#endif							/* VQC_KLL_H */
