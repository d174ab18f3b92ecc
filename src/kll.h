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
#define KLL_MAX_LEVELS		63
#define KLL_MAX_ITEMS		1456	/* kll_total_capacity(KLL_MAX_LEVELS) */
#define KLL_RANK_ERROR		0.00974 /* 2.446 / 350^0.9433 */
#define KLL_SEED			UINT64CONST(0x9E3779B97F4A7C15)

typedef struct KllSketch
{
	int64		n;				/* values inserted (total weight) */
	uint64		rng;			/* xorshift64 state, never 0 */
	int32		nlevels;		/* >= 1 */
	int32		levels[KLL_MAX_LEVELS + 1]; /* level h is items[levels[h] .. levels[h+1]) */
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
extern void kll_compress(KllSketch *s);
extern void kll_merge(KllSketch *a, const KllSketch *b);
extern void kll_write(StringInfo buf, const KllSketch *s);
extern void kll_read(VqcReader *r, KllSketch *s);
extern void kll_view(const KllSketch *s, KllView *v);
extern int	kll_total_capacity(int nlevels);
extern int	kll_retained(const KllSketch *s);
extern int	kll_view_find(const KllView *v, double target);

/* x must not be NaN */
static inline void
kll_update(KllSketch *s, float8 x)
{
	if (unlikely(s->levels[0] == 0))
		kll_compress(s);
	s->n++;
	s->items[--s->levels[0]] = x;
}

#endif							/* VQC_KLL_H */
