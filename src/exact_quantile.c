/*-------------------------------------------------------------------------
 *
 * exact_quantile.c
 *	  vqc.exact_quantile_state: exact quantiles of a float8 column in one
 *	  scan.  The aggregate collects every non-null value (up to the exact
 *	  memory limit); vqc.exact_quantile() then answers exactly what
 *	  percentile_cont(q) WITHIN GROUP (ORDER BY x) would, by selection on a
 *	  private copy rather than a full sort.  Past the memory limit the state
 *	  only counts and the accessor returns NULL, so the caller can fall back
 *	  to a second pass.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/float.h"

#include "state_io.h"

#define TYPNAME "vqc.exact_quantile_state"

PG_FUNCTION_INFO_V1(vqc_exact_quantile_state_in);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_state_out);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_state_recv);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_state_send);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_transfn);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_combinefn);
PG_FUNCTION_INFO_V1(vqc_exact_quantile);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_disc);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_count);
PG_FUNCTION_INFO_V1(vqc_exact_quantile_overflowed);

Datum
vqc_exact_quantile_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Size		len;
	char	   *bin = vqc_hex_decode(str, &len, TYPNAME);

	PG_RETURN_POINTER(vec8_parse(bin, len, VQC_MAGIC_QUANTILE,
								 ERRCODE_INVALID_TEXT_REPRESENTATION, TYPNAME));
}

Datum
vqc_exact_quantile_state_out(PG_FUNCTION_ARGS)
{
	Vec8State  *s = vec8_get_arg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	vec8_serialize(&buf, s, VQC_MAGIC_QUANTILE);
	PG_RETURN_CSTRING(vqc_hex_encode(buf.data, buf.len, TYPNAME));
}

Datum
vqc_exact_quantile_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Vec8State  *s;

	s = vec8_parse(buf->data + buf->cursor, buf->len - buf->cursor,
				   VQC_MAGIC_QUANTILE, ERRCODE_INVALID_BINARY_REPRESENTATION,
				   TYPNAME);
	buf->cursor = buf->len;
	PG_RETURN_POINTER(s);
}

Datum
vqc_exact_quantile_state_send(PG_FUNCTION_ARGS)
{
	Vec8State  *s = vec8_get_arg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	vec8_serialize(&buf, s, VQC_MAGIC_QUANTILE);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
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
 * vqc.exact_quantile(state, q): percentile_cont(q) over the collected
 * values, with the same row arithmetic and interpolation as PostgreSQL
 * (NaN sorts above every number; interpolating towards an infinity or
 * between equal infinities gives what lo + p * (hi - lo) gives).
 */
Datum
vqc_exact_quantile(PG_FUNCTION_ARGS)
{
	Vec8State  *s = vec8_get_arg(fcinfo, 0);
	float8		q = PG_GETARG_FLOAT8(1);
	float8	   *a;
	int64		n;
	int64		m;
	int64		i;
	int64		first_row;
	int64		second_row;
	float8		first_val;
	float8		second_val;

	if (q < 0 || q > 1 || isnan(q))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("percentile value %g is not between 0 and 1", q)));

	if ((s->flags & VEC8_OVERFLOW) || s->nvalues == 0)
		PG_RETURN_NULL();

	n = s->nvalues;
	a = (float8 *) vec8_private_values(s);

	/* NaNs sort last: move them to the end, select among the numbers */
	m = 0;
	for (i = 0; i < n; i++)
	{
		if (!isnan(a[i]))
			a[m++] = a[i];
	}
	for (i = m; i < n; i++)
		a[i] = get_float8_nan();

	first_row = floor(q * (n - 1));
	second_row = ceil(q * (n - 1));

	if (first_row < m)
		select_kth(a, m, first_row);
	first_val = a[first_row];

	if (first_row == second_row)
		PG_RETURN_FLOAT8(first_val);

	if (second_row < m)
	{
		/* everything after first_row is >= it: take the least of those */
		second_val = a[second_row];
		for (i = second_row + 1; i < m; i++)
		{
			if (a[i] < second_val)
				second_val = a[i];
		}
	}
	else
		second_val = a[second_row];	/* NaN */

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
	Vec8State  *s = vec8_get_arg(fcinfo, 0);
	float8		q = PG_GETARG_FLOAT8(1);
	float8	   *a;
	int64		n;
	int64		m;
	int64		i;
	int64		k;

	if (q < 0 || q > 1 || isnan(q))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("percentile value %g is not between 0 and 1", q)));

	if ((s->flags & VEC8_OVERFLOW) || s->nvalues == 0)
		PG_RETURN_NULL();

	n = s->nvalues;
	a = (float8 *) vec8_private_values(s);
	m = 0;
	for (i = 0; i < n; i++)
	{
		if (!isnan(a[i]))
			a[m++] = a[i];
	}
	k = Max((int64) ceil(q * n), 1) - 1;
	if (k >= m)
		PG_RETURN_FLOAT8(get_float8_nan());
	select_kth(a, m, k);
	PG_RETURN_FLOAT8(a[k]);
}

Datum
vqc_exact_quantile_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(vec8_get_arg(fcinfo, 0)->count);
}

Datum
vqc_exact_quantile_overflowed(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL((vec8_get_arg(fcinfo, 0)->flags & VEC8_OVERFLOW) != 0);
}
