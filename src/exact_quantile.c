/*-------------------------------------------------------------------------
 *
 * exact_quantile.c
 *	  vqc.exact_quantile_state: exact quantiles of a float8 column in one
 *	  scan.  The aggregate collects every non-null value (up to the exact
 *	  memory limit); vqc.exact_quantile() then answers exactly what
 *	  percentile_cont(q) WITHIN GROUP (ORDER BY x) would, by a bucketed
 *	  selection that leaves the state as it is, rather than a full sort.
 *	  Past the memory limit the state only counts and the accessor returns
 *	  NULL, so the caller falls back to passes over the table
 *	  (vqc._exact_ranks, with vqc.value_key and vqc.exact_kth below).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/float.h"

#include "numeric_float.h"
#include "state_io.h"

#define TYPNAME "vqc.exact_quantile_state"

PG_FUNCTION_INFO_V1(vqc_exact_quantile_state_in);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_state_out);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_state_recv);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_state_send);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_transfn);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_numeric_transfn);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_combinefn);
PG_FUNCTION_INFO_V1(vqc_exact_quantile);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_disc);
PG_FUNCTION_INFO_V1(vqc_exact_kth);
PG_FUNCTION_INFO_V1(vqc_value_key);
PG_FUNCTION_INFO_V1(vqc_numeric_value_key);
PG_FUNCTION_INFO_V1(vqc_key_value);
PG_FUNCTION_INFO_V1(vqc_quantile_interpolate);

Datum
vqc_exact_quantile_state_in(PG_FUNCTION_ARGS)
{
	return vec8_type_in(fcinfo, VQC_MAGIC_QUANTILE, TYPNAME);
}

Datum
vqc_exact_quantile_state_out(PG_FUNCTION_ARGS)
{
	return vec8_type_out(fcinfo, VQC_MAGIC_QUANTILE, TYPNAME);
}

Datum
vqc_exact_quantile_state_recv(PG_FUNCTION_ARGS)
{
	return vec8_type_recv(fcinfo, VQC_MAGIC_QUANTILE, TYPNAME);
}

Datum
vqc_exact_quantile_state_send(PG_FUNCTION_ARGS)
{
	return vec8_type_send(fcinfo, VQC_MAGIC_QUANTILE);
}

/*
 * Transition: strict (NULL inputs never arrive), and the aggregate's
 * INITCOND is the empty state, so the state is never NULL here.
 */
Datum
vqc_exact_quantile_transfn(PG_FUNCTION_ARGS)
{
	Vec8Expanded *e = vec8_transition_arg(fcinfo, 0);
	float8		x = PG_GETARG_FLOAT8(1);
	uint64		bits;

	memcpy(&bits, &x, sizeof(bits));
	vec8_append(e, bits);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

/*
 * The numeric form collects what numeric::float8 gives, without the text
 * round trip of PostgreSQL's cast (numeric_float.c).
 */
Datum
vqc_exact_quantile_numeric_transfn(PG_FUNCTION_ARGS)
{
	Vec8Expanded *e = vec8_transition_arg(fcinfo, 0);
	float8		x = vqc_numeric_to_float8(PG_GETARG_DATUM(1));
	uint64		bits;

	memcpy(&bits, &x, sizeof(bits));
	vec8_append(e, bits);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

Datum
vqc_exact_quantile_combinefn(PG_FUNCTION_ARGS)
{
	Vec8Expanded *l = vec8_transition_arg(fcinfo, 0);

	vec8_combine(l, vec8_get_arg(fcinfo, 1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&l->hdr));
}

/* tiny deterministic generator for pivot choice */
static inline uint64
xorshift64(uint64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * Rearranges a[0..n) (no NaNs) so that a[k] is the k-th smallest and every
 * element after position k is >= a[k].  Expected O(n): random pivots,
 * Hoare partition (which also splits runs of equal values evenly).
 */
static void
select_kth(float8 *a, int64 n, int64 k)
{
	int64		lo = 0;
	int64		hi = n - 1;
	uint64		rng = UINT64CONST(0x9E3779B97F4A7C15);

	while (hi > lo)
	{
		float8		pivot;
		int64		i;
		int64		j;

		if (hi - lo < 16)
		{
			/* insertion sort the small remainder */
			for (i = lo + 1; i <= hi; i++)
			{
				float8		v = a[i];

				for (j = i - 1; j >= lo && a[j] > v; j--)
					a[j + 1] = a[j];
				a[j + 1] = v;
			}
			return;
		}

		pivot = a[lo + (int64) (xorshift64(&rng) % (uint64) (hi - lo + 1))];
		i = lo;
		j = hi;
		while (i <= j)
		{
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j)
			{
				float8		t = a[i];

				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		}
		/* now a[lo..j] <= pivot, a[i..hi] >= pivot, a[j+1..i-1] == pivot */
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;

		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Selection without copying the state.  A value's bucket is the top 16
 * bits of an order-preserving key (-0 keyed as +0, since they compare
 * equal); one read counts the buckets, a second gathers the values of the
 * bucket holding the wanted rank, and quickselect finishes in that small
 * array.  Heavily repeated or crowded values make the bucket larger, never
 * the answer different.
 */
#define BUCKET_BITS 16
#define NBUCKETS	(1 << BUCKET_BITS)

/*
 * An unsigned key in float8 order: -0 keyed as +0 and every NaN as the one
 * positive NaN (they compare equal), NaN above +Infinity.
 */
static inline uint64
order_key(float8 x)
{
	uint64		bits;

	if (x == 0)
		x = 0;
	else if (isnan(x))
		x = get_float8_nan();
	memcpy(&bits, &x, sizeof(bits));
	return (bits & (UINT64CONST(1) << 63)) ? ~bits : bits | (UINT64CONST(1) << 63);
}

static inline uint32
value_bucket(float8 x)
{
	return (uint32) (order_key(x) >> (64 - BUCKET_BITS));
}

/*
 * The value of 0-based rank k among v[0..n) in float8 order (NaN above
 * every number, so NaN when k is not below the count of numbers) and, when
 * next is not NULL, the value of rank k + 1 likewise.
 */
static float8
value_at_rank(const float8 *v, int64 n, int64 k, float8 *next)
{
	int64	   *count = palloc0(sizeof(int64) * NBUCKETS);
	int64		numbers = 0;
	int64		before = 0;
	uint32		b;
	float8	   *bucket;
	int64		nb = 0;
	float8		above = get_float8_nan();	/* least number past bucket b */
	float8		kth;
	int64		i;

	for (i = 0; i < n; i++)
	{
		if (!isnan(v[i]))
			count[value_bucket(v[i])]++;
	}
	CHECK_FOR_INTERRUPTS();
	for (b = 0; b < NBUCKETS; b++)
		numbers += count[b];
	if (k >= numbers)
	{
		pfree(count);
		if (next)
			*next = get_float8_nan();
		return get_float8_nan();
	}
	for (b = 0; before + count[b] <= k; b++)
		before += count[b];
	bucket = palloc(sizeof(float8) * count[b]);
	CHECK_FOR_INTERRUPTS();
	for (i = 0; i < n; i++)
	{
		float8		x = v[i];
		uint32		xb;

		if (isnan(x))
			continue;
		xb = value_bucket(x);
		if (xb == b)
			bucket[nb++] = x;
		else if (xb > b && !(x >= above))
			above = x;
	}
	Assert(nb == count[b]);
	CHECK_FOR_INTERRUPTS();
	k -= before;
	select_kth(bucket, nb, k);
	kth = bucket[k];
	if (next)
	{
		/* everything after position k is >= it: the least of those, or above */
		*next = above;
		for (i = k + 1; i < nb; i++)
		{
			if (!(bucket[i] >= *next))
				*next = bucket[i];
		}
	}
	pfree(bucket);
	pfree(count);
	return kth;
}

/*
 * The state for a quantile q: checks q as percentile_cont does, returns
 * NULL when there is nothing to select from (empty or overflowed).
 */
static Vec8State *
quantile_state(FunctionCallInfo fcinfo, float8 q)
{
	Vec8State  *s = vec8_get_arg(fcinfo, 0);

	if (q < 0 || q > 1 || isnan(q))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("percentile value %g is not between 0 and 1", q)));
	if ((s->flags & VEC8_OVERFLOW) || s->nvalues == 0)
		return NULL;
	return s;
}

/*
 * vqc.exact_quantile(state, q): percentile_cont(q) over the collected
 * values, with the same row arithmetic and interpolation as PostgreSQL
 * (NaN sorts above every number; interpolating towards an infinity or
 * between equal infinities gives what lo + p * (hi - lo) gives).
 */
Datum
vqc_exact_quantile(PG_FUNCTION_ARGS)
{
	float8		q = PG_GETARG_FLOAT8(1);
	Vec8State  *s;
	int64		n;
	int64		first_row;
	int64		second_row;
	float8		first_val;
	float8		second_val;

	if ((s = quantile_state(fcinfo, q)) == NULL)
		PG_RETURN_NULL();
	n = s->nvalues;
	first_row = floor(q * (n - 1));
	second_row = ceil(q * (n - 1));
	first_val = value_at_rank((const float8 *) s->values, n, first_row,
							  first_row != second_row ? &second_val : NULL);
	if (first_row == second_row)
		PG_RETURN_FLOAT8(first_val);
	PG_RETURN_FLOAT8(first_val + ((q * (n - 1)) - first_row) *
					 (second_val - first_val));
}

/*
 * vqc.exact_quantile_disc(state, q): percentile_disc(q), the first value
 * whose position in the order reaches the fraction q (row ceil(q * n),
 * at least the first), as PostgreSQL computes it.  Great Expectations'
 * quantile expectations use it.
 */
Datum
vqc_exact_quantile_disc(PG_FUNCTION_ARGS)
{
	float8		q = PG_GETARG_FLOAT8(1);
	Vec8State  *s;

	if ((s = quantile_state(fcinfo, q)) == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(value_at_rank((const float8 *) s->values, s->nvalues,
								   Max((int64) ceil(q * s->nvalues), 1) - 1, NULL));
}

/*
 * Exact quantiles past the memory limit (vqc._exact_ranks) narrow a range of
 * order keys pass by pass, then collect only the values in the range:
 *
 * vqc.value_key(float8) returns bigint: the order key as a signed integer,
 * so that bigint order is float8 order (NaN last) and >> narrows ranges.
 */
Datum
vqc_value_key(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64((int64) (order_key(PG_GETARG_FLOAT8(0)) ^ (UINT64CONST(1) << 63)));
}

/* vqc.value_key(numeric): the key of what numeric::float8 gives */
Datum
vqc_numeric_value_key(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64((int64) (order_key(vqc_numeric_to_float8(PG_GETARG_DATUM(0))) ^ (UINT64CONST(1) << 63)));
}

/* vqc.key_value(bigint) returns float8: the value of an order key */
Datum
vqc_key_value(PG_FUNCTION_ARGS)
{
	uint64		key = (uint64) PG_GETARG_INT64(0) ^ (UINT64CONST(1) << 63);
	uint64		bits = (key & (UINT64CONST(1) << 63)) ? key & ~(UINT64CONST(1) << 63) : ~key;
	float8		x;

	memcpy(&x, &bits, sizeof(x));
	PG_RETURN_FLOAT8(x);
}

/*
 * vqc.exact_kth(state, k bigint) returns float8: the k-th smallest collected
 * value (0-based, NaN last); NULL when the state overflowed or k is out of
 * range.
 */
Datum
vqc_exact_kth(PG_FUNCTION_ARGS)
{
	Vec8State  *s = vec8_get_arg(fcinfo, 0);
	int64		k = PG_GETARG_INT64(1);

	if ((s->flags & VEC8_OVERFLOW) || k < 0 || k >= s->nvalues)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(value_at_rank((const float8 *) s->values, s->nvalues, k, NULL));
}

/*
 * vqc.quantile_interpolate(first, second, q, n) returns float8: what
 * percentile_cont(q) gives from the values at rows floor(q (n - 1)) and
 * ceil(q (n - 1)), with PostgreSQL's arithmetic (no overflow check).
 */
Datum
vqc_quantile_interpolate(PG_FUNCTION_ARGS)
{
	float8		first = PG_GETARG_FLOAT8(0);
	float8		second = PG_GETARG_FLOAT8(1);
	float8		q = PG_GETARG_FLOAT8(2);
	int64		n = PG_GETARG_INT64(3);
	int64		first_row;

	/* rows must fit in an int64 and a double: q in [0, 1], 1 <= n <= 2^53 */
	if (isnan(q) || q < 0 || q > 1)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("percentile value %g is not between 0 and 1", q)));
	if (n < 1 || n > (INT64CONST(1) << 53))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("row count " INT64_FORMAT " is out of range", n),
				 errdetail("The row count must be between 1 and 2^53.")));
	first_row = floor(q * (n - 1));
	if (first_row == (int64) ceil(q * (n - 1)))
		PG_RETURN_FLOAT8(first);
	PG_RETURN_FLOAT8(first + ((q * (n - 1)) - first_row) * (second - first));
}
