/*-------------------------------------------------------------------------
 *
 * kll.c
 *	  KLL quantile sketch (see kll.h): in-place compaction on update, merge,
 *	  serialization with complete validation, and a sorted weighted view.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"

#include "kll.h"

/* an inlined float8 sort for level 0 (items are never NaN) */
#define ST_SORT kll_sort_f8
#define ST_ELEMENT_TYPE float8
#define ST_COMPARE(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * Level 0 is sorted at each compaction, and below 1.4 M values it holds
 * about 17 items then: quicksort's mispredicted branches made that sort
 * 60 % of an update.  Insertion sort mispredicts once per item.
 */
#define SMALL_SORT_MAX 64

static void
sort_level0(float8 *a, int n)
{
	int			i;

	if (n > SMALL_SORT_MAX)
	{
		kll_sort_f8(a, n);
		return;
	}
	for (i = 1; i < n; i++)
	{
		float8		v = a[i];
		int			j = i;

		while (j > 0 && a[j - 1] > v)
		{
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

/*
 * Level capacities by depth below the top level: DataSketches' round(k *
 * (2/3)^depth) in integers, floor((2k * 2^depth / 3^depth + 1) / 2), at
 * least m.  From depth 10 on that is m, up to the deepest level a sketch
 * may have (KLL_MAX_LEVELS - 1); the assertion below ties the item array's
 * size to this table, and kll_read() rejects more levels than it covers.
 */
#define KLL_SHALLOW_CAPACITIES(X) \
	X(350) X(233) X(156) X(104) X(69) X(46) X(31) X(20) X(14) X(9)
#define KLL_AS_ELEMENT(c) c,
#define KLL_AS_TERM(c) + c

static const int16 shallow_capacity[] = {KLL_SHALLOW_CAPACITIES(KLL_AS_ELEMENT)};

#define KLL_SHALLOW_DEPTHS ((int) lengthof(shallow_capacity))

StaticAssertDecl(KLL_K == 350 && KLL_M == 8,
				 "the capacity table is computed for k = 350 and m = 8");
StaticAssertDecl((0 KLL_SHALLOW_CAPACITIES(KLL_AS_TERM)) +
				 KLL_M * (KLL_MAX_LEVELS - KLL_SHALLOW_DEPTHS) == KLL_MAX_ITEMS,
				 "KLL_MAX_ITEMS must be the capacity of KLL_MAX_LEVELS levels");

/* DataSketches' capacity of level height in a sketch of nlevels levels */
static inline int
virtual_capacity(int nlevels, int height)
{
	int			depth = nlevels - height - 1;

	Assert(depth >= 0 && depth < KLL_MAX_LEVELS);
	return depth < KLL_SHALLOW_DEPTHS ? shallow_capacity[depth] : KLL_M;
}

/*
 * Capacity of level h of s: as if the shift sampled-away levels were still
 * below it (their capacity folds into level 0), so a sketch's array size
 * depends on nlevels + shift only.
 */
static int
level_capacity(int nlevels, int shift, int h)
{
	int			total = 0;
	int			v;

	if (h > 0)
		return virtual_capacity(nlevels + shift, h + shift);
	for (v = 0; v <= shift; v++)
		total += virtual_capacity(nlevels + shift, v);
	return total;
}

int
kll_total_capacity(int nlevels)
{
	int			total = 0;
	int			h;

	for (h = 0; h < nlevels; h++)
		total += virtual_capacity(nlevels, h);
	return total;
}

int
kll_retained(const KllSketch *s)
{
	return s->levels[s->nlevels] - s->levels[0];
}

/*
 * The normalized rank error at 99 % confidence: the compactors' bound, and
 * once the sketch samples, in quadrature with 2.576 standard deviations of
 * the sampler's error sqrt(2^shift / n) / 2 (see kll.h).
 */
double
kll_rank_error(const KllSketch *s)
{
	double		sampling;

	if (s->shift == 0 || s->n <= 0)
		return KLL_RANK_ERROR;
	sampling = 2.576 * 0.5 * sqrt(ldexp(1.0, s->shift) / (double) s->n);
	return sqrt(KLL_RANK_ERROR * KLL_RANK_ERROR + sampling * sampling);
}

/* every byte set: a sketch is stored as it is */
void
kll_init(KllSketch *s)
{
	memset(s, 0, sizeof(KllSketch));
	s->rng = KLL_SEED;
	s->nlevels = 1;
	s->levels[0] = s->levels[1] = kll_total_capacity(1);
}

/*
 * Zeroes what the sketch does not use (the free items below level 0, spent
 * pending slots, level bounds past the top), so that equal sketches are
 * equal bytes, as kll_read() builds them.
 */
void
kll_clear_unused(KllSketch *s)
{
	memset(s->items, 0, s->levels[0] * sizeof(float8));
	memset(s->pending + s->npending, 0,
		   (KLL_MAX_PENDING - s->npending) * sizeof(float8));
	memset(s->levels + s->nlevels + 1, 0,
		   (KLL_MAX_LEVELS - s->nlevels) * sizeof(int32));
	s->pad = 0;
}

static inline int
kll_coin(KllSketch *s)
{
	uint64		x = s->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	s->rng = x;
	return (int) ((x >> 32) & 1);
}

/* a uniform index below 2^bits (bits <= KLL_MAX_SHIFT) */
static inline int
kll_random_index(KllSketch *s, int bits)
{
	uint64		x = s->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	s->rng = x;
	return (int) ((x >> 32) & ((UINT64CONST(1) << bits) - 1));
}

/* keeps every other item of buf[start..start+len), result at the top end */
static void
halve_up(KllSketch *s, float8 *buf, int start, int len)
{
	int			half = len / 2;
	int			j = start + len - 1 - kll_coin(s);
	int			i;

	for (i = start + len - 1; i >= start + half; i--)
	{
		buf[i] = buf[j];
		j -= 2;
	}
}

/* keeps every other item of buf[start..start+len), result at the bottom */
static void
halve_down(KllSketch *s, float8 *buf, int start, int len)
{
	int			half = len / 2;
	int			j = start + kll_coin(s);
	int			i;

	for (i = start; i < start + half; i++)
	{
		buf[i] = buf[j];
		j += 2;
	}
}

/* merges sorted runs a and b into out; out may overlap b's start from below */
static void
merge_sorted(const float8 *a, int na, const float8 *b, int nb, float8 *out)
{
	int			i = 0;
	int			j = 0;
	int			o = 0;

	/* branch-free: which side advances is data, not control flow */
	while (i < na && j < nb)
	{
		float8		x = a[i];
		float8		y = b[j];
		int			take_b = y < x;

		out[o++] = take_b ? y : x;
		j += take_b;
		i += 1 - take_b;
	}
	while (i < na)
		out[o++] = a[i++];
	while (j < nb)
		out[o++] = b[j++];
}

static void
add_top_level(KllSketch *s)
{
	int			L = s->nlevels;
	int			oldcap = kll_total_capacity(L + s->shift);
	int			newcap;
	int			delta;
	int			h;

	if (L + s->shift >= KLL_MAX_LEVELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("quantile sketch has too many levels")));
	newcap = kll_total_capacity(L + s->shift + 1);
	delta = newcap - oldcap;
	memmove(s->items + s->levels[0] + delta, s->items + s->levels[0],
			(oldcap - s->levels[0]) * sizeof(float8));
	for (h = 0; h <= L; h++)
		s->levels[h] += delta;
	s->levels[L + 1] = newcap;
	s->nlevels = L + 1;
}

/*
 * The item array is full: compact the lowest level at or over its capacity
 * into the level above (DataSketches' compressWhileUpdatingSketch).
 */
void
kll_compress(KllSketch *s)
{
	int			h = 0;
	int			rawbeg;
	int			rawend;
	int			rawpop;
	int			popabove;
	int			odd;
	int			adjbeg;
	int			adjpop;
	int			half;

	while (s->levels[h + 1] - s->levels[h] < level_capacity(s->nlevels, s->shift, h))
		h++;
	if (h == s->nlevels - 1)
		add_top_level(s);

	rawbeg = s->levels[h];
	rawend = s->levels[h + 1];
	rawpop = rawend - rawbeg;
	popabove = s->levels[h + 2] - rawend;
	odd = rawpop & 1;
	adjbeg = rawbeg + odd;
	adjpop = rawpop - odd;
	half = adjpop / 2;

	if (h == 0)
		sort_level0(s->items + adjbeg, adjpop);
	if (popabove == 0)
		halve_up(s, s->items, adjbeg, adjpop);
	else
	{
		halve_down(s, s->items, adjbeg, adjpop);
		merge_sorted(s->items + adjbeg, half, s->items + rawend, popabove,
					 s->items + adjbeg + half);
	}
	s->levels[h + 1] -= half;
	if (odd)
	{
		s->levels[h] = s->levels[h + 1] - 1;
		s->items[s->levels[h]] = s->items[rawbeg];
	}
	else
		s->levels[h] = s->levels[h + 1];
	Assert(s->levels[h] == rawbeg + half);
	if (h > 0)
	{
		int			l;

		memmove(s->items + s->levels[0] + half, s->items + s->levels[0],
				(rawbeg - s->levels[0]) * sizeof(float8));
		for (l = 0; l < h; l++)
			s->levels[l] += half;
	}
}


/*
 * Samples one level more: level 0 is compacted whole into level 1 (an odd
 * value left over joins the pending block as 2^shift copies, the weight it
 * had), then dropped, and shift grows by one.  The array's layout stays:
 * the dropped level's capacity folds into the new level 0.
 */
static void
raise_shift(KllSketch *s)
{
	int			beg = s->levels[0];
	int			end = s->levels[1];
	int			pop = end - beg;
	int			odd = pop & 1;
	int			popabove = s->levels[2] - end;
	int			half = (pop - odd) / 2;
	int			h;

	Assert(s->nlevels >= 2 && s->shift < KLL_MAX_SHIFT);
	Assert(s->npending < (1 << s->shift));
	sort_level0(s->items + beg, pop);
	if (odd)
	{
		int			copies = 1 << s->shift;

		for (h = 0; h < copies; h++)
			s->pending[s->npending++] = s->items[beg];
	}
	if (popabove == 0)
		halve_up(s, s->items, beg + odd, pop - odd);
	else
	{
		halve_down(s, s->items, beg + odd, pop - odd);
		merge_sorted(s->items + beg + odd, half, s->items + end, popabove,
					 s->items + beg + odd + half);
	}
	s->levels[1] = end - half;
	for (h = 0; h < s->nlevels; h++)
		s->levels[h] = s->levels[h + 1];
	s->nlevels--;
	s->shift++;
}

/* after a value entered level 0: sample below when there are too many levels */
static inline void
kll_check_levels(KllSketch *s)
{
	if (unlikely(s->nlevels > KLL_SAMPLED_LEVELS && s->shift < KLL_MAX_SHIFT))
		raise_shift(s);
}

/* pushes x, of the current base weight 2^shift, into level 0 */
void
kll_insert(KllSketch *s, float8 x)
{
	if (unlikely(s->levels[0] == 0))
		kll_compress(s);
	s->items[--s->levels[0]] = x;
	kll_check_levels(s);
}

/* the current block is complete: one of its values, at random, enters */
void
kll_sample_block(KllSketch *s)
{
	float8		x = s->pending[kll_random_index(s, s->shift)];

	s->npending = 0;
	kll_insert(s, x);
}

/*
 * a := a merged with b.  The result samples as finely as the finer of the
 * two (the lesser shift); the other's levels sit that many levels higher.
 * Levels are gathered into per-level arrays (level 0 concatenated, higher
 * levels merged in order), the pending values of both are sampled in
 * blocks into level 0, then the lowest level over its capacity is
 * compacted into the next until everything fits; the result is packed
 * back into a.
 */
void
kll_merge(KllSketch *a, const KllSketch *b)
{
	float8	   *lv[KLL_MAX_LEVELS + 1];
	int			sz[KLL_MAX_LEVELS + 1];
	float8		pend[2 * KLL_MAX_PENDING];
	int			npend = 0;
	int			shift = Min(a->shift, b->shift);
	int			L;
	int			total;
	int			room;
	int			pos;
	int			h;
	int			i;
	int64		n;
	const KllSketch *side[2] = {a, b};

	if (b->n == 0)
		return;
	if (pg_add_s64_overflow(a->n, b->n, &n))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("profile count out of range")));

	L = Max(a->nlevels + a->shift, b->nlevels + b->shift) - shift;
	room = kll_retained(a) + kll_retained(b) + 2 * KLL_MAX_PENDING + 1;
	for (h = 0; h <= KLL_MAX_LEVELS; h++)
	{
		lv[h] = (h <= L) ? palloc(room * sizeof(float8)) : NULL;
		sz[h] = 0;
	}
	total = 0;
	for (i = 0; i < 2; i++)
	{
		const KllSketch *k = side[i];
		int			up = k->shift - shift;

		for (h = 0; h < k->nlevels; h++)
		{
			int			cnt = k->levels[h + 1] - k->levels[h];
			const float8 *src = k->items + k->levels[h];
			int			dest = h + up;

			if (cnt == 0)
				continue;
			if (dest == 0)
				memcpy(lv[0] + sz[0], src, cnt * sizeof(float8));
			else
			{
				float8	   *run = palloc(cnt * sizeof(float8));
				float8	   *merged = palloc(room * sizeof(float8));

				memcpy(run, src, cnt * sizeof(float8));
				if (h == 0)
					sort_level0(run, cnt);	/* level 0 is unsorted */
				merge_sorted(lv[dest], sz[dest], run, cnt, merged);
				pfree(lv[dest]);
				pfree(run);
				lv[dest] = merged;
			}
			sz[dest] += cnt;
			total += cnt;
		}
		memcpy(pend + npend, k->pending, k->npending * sizeof(float8));
		npend += k->npending;
	}
	/* the pending values of both, in blocks of 2^shift: one of each enters */
	while (npend >= (1 << shift))
	{
		int			block = 1 << shift;

		lv[0][sz[0]++] = pend[npend - block + kll_random_index(a, shift)];
		total++;
		npend -= block;
	}

	while (total > kll_total_capacity(L + shift))
	{
		int			odd;
		int			half;
		int			off;
		float8	   *picked;
		float8	   *merged;

		h = 0;
		while (sz[h] < level_capacity(L, shift, h))
			h++;
		if (h == L - 1)
		{
			if (L + shift >= KLL_MAX_LEVELS)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("quantile sketch has too many levels")));
			L++;
			if (lv[L - 1] == NULL)
			{
				lv[L - 1] = palloc(room * sizeof(float8));
				sz[L - 1] = 0;
			}
		}
		if (h == 0)
			sort_level0(lv[0], sz[0]);
		odd = sz[h] & 1;
		half = (sz[h] - odd) / 2;
		off = kll_coin(a);
		picked = palloc(Max(half, 1) * sizeof(float8));
		for (i = 0; i < half; i++)
			picked[i] = lv[h][odd + 2 * i + off];
		merged = palloc(room * sizeof(float8));
		merge_sorted(picked, half, lv[h + 1], sz[h + 1], merged);
		pfree(lv[h + 1]);
		lv[h + 1] = merged;
		sz[h + 1] += half;
		sz[h] = odd;
		total -= half;
		pfree(picked);
	}

	a->nlevels = L;
	a->shift = shift;
	pos = kll_total_capacity(L + shift) - total;
	for (h = 0; h < L; h++)
	{
		a->levels[h] = pos;
		memcpy(a->items + pos, lv[h], sz[h] * sizeof(float8));
		pos += sz[h];
	}
	a->levels[L] = pos;
	memcpy(a->pending, pend, npend * sizeof(float8));
	a->npending = npend;
	a->n = n;
	for (h = 0; h <= KLL_MAX_LEVELS; h++)
	{
		if (lv[h])
			pfree(lv[h]);
	}
	while (a->nlevels > KLL_SAMPLED_LEVELS && a->shift < KLL_MAX_SHIFT)
		raise_shift(a);
}

static inline void
send_f8(StringInfo buf, float8 x)
{
	uint64		bits;

	memcpy(&bits, &x, sizeof(bits));
	pq_sendint64(buf, bits);
}

/*
 * n, rng, nlevels, shift, npending, the size of each level, then the items
 * level by level, then the pending values.
 */
void
kll_write(StringInfo buf, const KllSketch *s)
{
	int			h;
	int			i;

	pq_sendint64(buf, (uint64) s->n);
	pq_sendint64(buf, s->rng);
	pq_sendint32(buf, (uint32) s->nlevels);
	pq_sendint32(buf, (uint32) s->shift);
	pq_sendint32(buf, (uint32) s->npending);
	for (h = 0; h < s->nlevels; h++)
		pq_sendint32(buf, (uint32) (s->levels[h + 1] - s->levels[h]));
	for (i = s->levels[0]; i < s->levels[s->nlevels]; i++)
		send_f8(buf, s->items[i]);
	for (i = 0; i < s->npending; i++)
		send_f8(buf, s->pending[i]);
}

static float8
read_value(VqcReader *r)
{
	uint64		bits = vqc_read_u64(r);
	float8		x;

	memcpy(&x, &bits, sizeof(x));
	if (isnan(x))
		vqc_bad_state(r, "The quantile sketch holds a NaN.");
	return x;
}

void
kll_read(VqcReader *r, KllSketch *s)
{
	int32		sizes[KLL_MAX_LEVELS];
	int64		total = 0;
	uint64		weight;
	int			capacity;
	int			pos;
	int			h;
	int			i;

	s->n = vqc_read_i64(r);
	s->rng = vqc_read_u64(r);
	s->nlevels = vqc_read_i32(r);
	s->shift = vqc_read_i32(r);
	s->npending = vqc_read_i32(r);
	s->pad = 0;
	if (s->n < 0)
		vqc_bad_state(r, "The quantile sketch count is negative.");
	if (s->rng == 0)
		vqc_bad_state(r, "The quantile sketch generator state is zero.");
	if (s->shift < 0 || s->shift > KLL_MAX_SHIFT)
		vqc_bad_state(r, "The quantile sketch has an invalid sampling shift.");
	if (s->nlevels < 1 || s->nlevels + s->shift > KLL_MAX_LEVELS)
		vqc_bad_state(r, "The quantile sketch has an invalid number of levels.");
	if (s->npending < 0 || s->npending >= (1 << s->shift))
		vqc_bad_state(r, "The quantile sketch has an invalid number of pending values.");
	for (h = 0; h < s->nlevels; h++)
	{
		sizes[h] = vqc_read_i32(r);
		if (sizes[h] < 0 || sizes[h] > KLL_MAX_ITEMS)
			vqc_bad_state(r, "A quantile sketch level has an invalid size.");
		total += sizes[h];
	}
	capacity = kll_total_capacity(s->nlevels + s->shift);
	Assert(capacity <= KLL_MAX_ITEMS);
	if (total > capacity)
		vqc_bad_state(r, "The quantile sketch holds more items than its levels allow.");
	if ((uint64) total + s->npending > vqc_reader_remaining(r) / sizeof(float8))
		vqc_bad_state(r, "The state is truncated: the quantile sketch claims more items than it holds.");

	weight = (uint64) s->npending;
	pos = capacity - (int) total;
	for (h = 0; h < s->nlevels; h++)
	{
		int			lg = h + s->shift;	/* items weigh 2^lg, lg < 63 */

		s->levels[h] = pos;
		for (i = 0; i < sizes[h]; i++)
		{
			float8		x = read_value(r);

			if (h > 0 && i > 0 && x < s->items[pos + i - 1])
				vqc_bad_state(r, "A quantile sketch level is not sorted.");
			s->items[pos + i] = x;
		}
		pos += sizes[h];
		if (sizes[h] > 0)
		{
			uint64		w = (uint64) sizes[h] << lg;

			if ((w >> lg) != (uint64) sizes[h] || weight + w < weight)
				vqc_bad_state(r, "The quantile sketch weights overflow.");
			weight += w;
		}
	}
	s->levels[s->nlevels] = pos;
	for (i = 0; i < s->npending; i++)
		s->pending[i] = read_value(r);
	if (weight != (uint64) s->n)
		vqc_bad_state(r, "The quantile sketch weights do not add up to its count.");
	if (s->nlevels > 1 && sizes[s->nlevels - 1] == 0)
		vqc_bad_state(r, "The quantile sketch's top level is empty.");
	if (s->nlevels > KLL_SAMPLED_LEVELS && s->shift < KLL_MAX_SHIFT)
		vqc_bad_state(r, "The quantile sketch has more levels than it samples below.");
}

typedef struct KllPair
{
	float8		v;
	int64		w;
} KllPair;

static int
kll_pair_cmp(const void *a, const void *b)
{
	float8		x = ((const KllPair *) a)->v;
	float8		y = ((const KllPair *) b)->v;

	return (x > y) - (x < y);
}

/* the items weigh 2^(shift + level), the pending values 1 */
void
kll_view(const KllSketch *s, KllView *v)
{
	int			count = kll_retained(s) + s->npending;
	KllPair    *p = palloc(Max(count, 1) * sizeof(KllPair));
	int			i = 0;
	int			h;
	int64		cum = 0;

	for (h = 0; h < s->nlevels; h++)
	{
		int			j;

		for (j = s->levels[h]; j < s->levels[h + 1]; j++)
		{
			p[i].v = s->items[j];
			p[i].w = INT64CONST(1) << (h + s->shift);
			i++;
		}
	}
	for (h = 0; h < s->npending; h++)
	{
		p[i].v = s->pending[h];
		p[i].w = 1;
		i++;
	}
	qsort(p, count, sizeof(KllPair), kll_pair_cmp);
	v->count = count;
	v->values = palloc(Max(count, 1) * sizeof(float8));
	v->cumweight = palloc(Max(count, 1) * sizeof(int64));
	for (i = 0; i < count; i++)
	{
		cum += p[i].w;
		v->values[i] = p[i].v;
		v->cumweight[i] = cum;
	}
	v->n = cum;
	pfree(p);
}

/*
 * Index of the first value of the view whose cumulative weight reaches
 * target (the last one when none does): the quantile q is the value at
 * kll_view_find(v, q * n).
 */
int
kll_view_find(const KllView *v, double target)
{
	int			lo = 0;
	int			hi = v->count - 1;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if ((double) v->cumweight[mid] >= target)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}
