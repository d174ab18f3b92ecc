/*-------------------------------------------------------------------------
 *
 * frequent.h
 *	  Misra-Gries frequent values with k = 64 counters, keyed by a 64-bit
 *	  hash of the value (and, for numbers, the float8 itself), with a small
 *	  open-addressing index so that an update costs one probe.  The index
 *	  has 8 slots per counter: at most 1/8 full, a value the sketch does
 *	  not hold almost always meets an empty slot first, a branch the CPU
 *	  predicts (at 2 slots per counter, mispredicted probes were half the
 *	  sketch's cost on mostly distinct columns).
 *
 *	  Guarantee: every reported count c(v) satisfies
 *		c(v) <= f(v) <= c(v) + offset,   offset <= n / (k + 1),
 *	  where offset is the total amount decremented from every counter (the
 *	  stream's decrement steps plus, on merge, the (k+1)-th largest merged
 *	  count, as in Agarwal et al., "Mergeable summaries", 2012).  So every
 *	  value with frequency above n / (k + 1) is reported.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VQC_FREQUENT_H
#define VQC_FREQUENT_H

#include "lib/stringinfo.h"

#include "state_io.h"

#define FREQ_K				64
#define FREQ_SLOTS			512
#define FREQ_TEXT_MAX		64

typedef struct FreqItem
{
	uint64		hash;
	float8		num;			/* the value, for numbers */
	uint8		len;			/* bytes of text (text kind only) */
	uint8		clipped;		/* text was longer than what is kept */
	char		text[FREQ_TEXT_MAX];
} FreqItem;

/*
 * The counts are kept apart from the items so that a decrement step (every
 * update of a full sketch by a value it does not hold) is one short
 * vectorized loop rather than a walk over the items.
 */
typedef struct FreqSketch
{
	int64		offset;			/* total decremented from every counter */
	int32		nitems;
	uint8		slot[FREQ_SLOTS];	/* 0 = empty, else item index + 1 */
	int64		count[FREQ_K];	/* count[i] >= 1 is items[i]'s counter */
	FreqItem	items[FREQ_K];
} FreqSketch;

extern void freq_init(FreqSketch *f);
extern void freq_clear_unused(FreqSketch *f);
extern void freq_update(FreqSketch *f, uint64 hash, float8 num,
						const char *text, int len, bool clipped, bool is_text);
extern void freq_merge(FreqSketch *a, const FreqSketch *b, bool is_text);
extern void freq_write(StringInfo buf, const FreqSketch *f);
extern void freq_read(VqcReader *r, FreqSketch *f, bool is_text);

#endif							/* VQC_FREQUENT_H */
