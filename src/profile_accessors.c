/*-------------------------------------------------------------------------
 *
 * profile_accessors.c
 *	  What vqc.profile tells: vqc.quantile(s), vqc.rank, vqc.histogram,
 *	  vqc.ndistinct, vqc.top_values, the counts, moments and min/max, and
 *	  all of it at once as vqc.profile_to_jsonb; also the exact values and distinct
 *	  count for drift_profile.c (profile.h).  Each reads the stored form
 *	  (profile_from_datum()); what a profile holds is described in profile.c.
 *
 * Quantiles, ranks and histograms are over the non-NaN values; NaN counts
 * are reported separately.  In exact mode vqc.quantile() equals
 * percentile_cont over those values.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "profile_internal.h"

PG_FUNCTION_INFO_V1(vqc_profile_quantile);
PG_FUNCTION_INFO_V1(vqc_profile_quantiles);
PG_FUNCTION_INFO_V1(vqc_profile_rank);
PG_FUNCTION_INFO_V1(vqc_profile_ndistinct);
PG_FUNCTION_INFO_V1(vqc_profile_top_values);
PG_FUNCTION_INFO_V1(vqc_profile_histogram);
PG_FUNCTION_INFO_V1(vqc_profile_row_count);
PG_FUNCTION_INFO_V1(vqc_profile_null_count);
PG_FUNCTION_INFO_V1(vqc_profile_null_fraction);
PG_FUNCTION_INFO_V1(vqc_profile_mean);
PG_FUNCTION_INFO_V1(vqc_profile_variance);
PG_FUNCTION_INFO_V1(vqc_profile_stddev);
PG_FUNCTION_INFO_V1(vqc_profile_skewness);
PG_FUNCTION_INFO_V1(vqc_profile_kurtosis);
PG_FUNCTION_INFO_V1(vqc_profile_min_value);
PG_FUNCTION_INFO_V1(vqc_profile_max_value);
PG_FUNCTION_INFO_V1(vqc_profile_is_exact);
PG_FUNCTION_INFO_V1(vqc_profile_to_jsonb);

/* ---------------------------------------------------------------------
 * Values as text
 * ---------------------------------------------------------------------
 */

/*
 * The text of a profiled number: float8's shortest exact form for numbers,
 * ISO 8601 for dates and timestamps (timestamptz in UTC, so the accessors
 * stay immutable).
 */
static char *
value_text(Oid typid, float8 x)
{
	char		buf[MAXDATELEN + 1];
	struct pg_tm tm;
	fsec_t		fsec;

	if (isnan(x))
		return pstrdup("NaN");
	if (profile_kind_of_type(typid) == PK_TEMPORAL && isinf(x))
		return pstrdup(x > 0 ? "infinity" : "-infinity");
	switch (typid)
	{
		case DATEOID:
			j2date((int) (x - EPOCH_DAYS) + POSTGRES_EPOCH_JDATE,
				   &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
			EncodeDateOnly(&tm, USE_ISO_DATES, buf);
			return pstrdup(buf);
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			if (timestamp2tm((Timestamp) (x - EPOCH_USECS), NULL, &tm, &fsec, NULL, NULL) != 0)
				return float8out_internal(x);
			tm.tm_isdst = 0;	/* UTC: EncodeDateTime prints the zone only then */
			EncodeDateTime(&tm, fsec, typid == TIMESTAMPTZOID, 0, NULL, USE_ISO_DATES, buf);
			return pstrdup(buf);
		case BOOLOID:
			return pstrdup(x != 0 ? "true" : "false");
	}
	return float8out_internal(x);
}


/* ---------------------------------------------------------------------
 * Distribution of numbers: exact sorted values or the KLL view
 * ---------------------------------------------------------------------
 */

typedef struct Dist
{
	bool		exact;
	int			count;			/* values (exact) or retained items */
	float8	   *v;				/* ascending, no NaN */
	int64	   *cum;			/* sketch: cumulative weights */
	int64		total;			/* non-NaN values */
	float8		min;			/* true min and max (with infinities) */
	float8		max;
} Dist;

static int
cmp_f8(const void *a, const void *b)
{
	float8		x = *(const float8 *) a;
	float8		y = *(const float8 *) b;

	/* NaN sorts last, as in PostgreSQL */
	if (isnan(x))
		return isnan(y) ? 0 : 1;
	if (isnan(y))
		return -1;
	return (x > y) - (x < y);
}

/* false when the profile has no non-NaN number */
static bool
dist_build(const ProfileState *s, Dist *d)
{
	if (s->kind != PK_NUMERIC && s->kind != PK_TEMPORAL)
		return false;
	d->total = s->mom.n + s->posinf + s->neginf;
	if (d->total == 0)
		return false;
	d->min = s->neginf > 0 ? -INFINITY : (s->mom.n > 0 ? s->mom.min : INFINITY);
	d->max = s->posinf > 0 ? INFINITY : (s->mom.n > 0 ? s->mom.max : -INFINITY);
	if (!(s->flags & PF_SKETCH))
	{
		const float8 *src = (const float8 *) s->data;
		int			i;
		int			m = 0;

		d->exact = true;
		d->v = palloc(Max(s->nexact, 1) * sizeof(float8));
		for (i = 0; i < s->nexact; i++)
		{
			if (!isnan(src[i]))
				d->v[m++] = src[i];
		}
		qsort(d->v, m, sizeof(float8), cmp_f8);
		d->count = m;
		d->cum = NULL;
	}
	else
	{
		KllView		kv;

		kll_view(&PROFILE_SKETCH(s)->kll, &kv);
		d->exact = false;
		d->count = kv.count;
		d->v = kv.values;
		d->cum = kv.cumweight;
	}
	return true;
}

/* weight of values <= x */
static float8
dist_weight_le(const Dist *d, float8 x)
{
	int			lo = 0;
	int			hi = d->count;

	if (isnan(x))
		return (float8) d->total;
	/* first index with v > x */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (d->v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (d->exact)
		return (float8) lo;
	return lo == 0 ? 0.0 : (float8) d->cum[lo - 1];
}

static void
check_q(float8 q)
{
	if (q < 0 || q > 1 || isnan(q))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("percentile value %g is not between 0 and 1", q)));
}

static float8
dist_quantile(const Dist *d, float8 q)
{
	if (d->exact)
	{
		/* percentile_cont's arithmetic */
		int64		first = (int64) floor(q * (d->count - 1));
		int64		second = (int64) ceil(q * (d->count - 1));
		float8		lo = d->v[first];

		if (first == second)
			return lo;
		return lo + (q * (d->count - 1) - first) * (d->v[second] - lo);
	}
	else
	{
		KllView		kv = {d->count, d->v, d->cum, d->total};

		if (q == 0)
			return d->min;
		if (q == 1)
			return d->max;
		/* the first item whose cumulative weight reaches q * n */
		return d->v[kll_view_find(&kv, q * (float8) d->total)];
	}
}

Datum
vqc_profile_quantile(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	float8		q = PG_GETARG_FLOAT8(1);
	Dist		d;

	check_q(q);
	if (!dist_build(s, &d))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(dist_quantile(&d, q));
}

Datum
vqc_profile_quantiles(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	ArrayType  *qs = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;
	Dist		d;
	bool		have;
	int			dims[1];
	int			lbs[1];

	if (ARR_NDIM(qs) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("expected a one-dimensional array of quantiles")));
	deconstruct_array(qs, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		if (!nulls[i])
			check_q(DatumGetFloat8(elems[i]));
	}
	have = dist_build(s, &d);
	for (i = 0; i < n; i++)
	{
		if (nulls[i] || !have)
			nulls[i] = true;
		else
			elems[i] = Float8GetDatum(dist_quantile(&d, DatumGetFloat8(elems[i])));
	}
	dims[0] = n;
	lbs[0] = 1;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, n == 0 ? 0 : 1, dims, lbs,
											 FLOAT8OID, 8, FLOAT8PASSBYVAL,
											 TYPALIGN_DOUBLE));
}

Datum
vqc_profile_rank(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	float8		x = PG_GETARG_FLOAT8(1);
	Dist		d;

	if (!dist_build(s, &d))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(dist_weight_le(&d, x) / (float8) d.total);
}

/* ---------------------------------------------------------------------
 * Distinct values and frequencies
 * ---------------------------------------------------------------------
 */

typedef struct TextEntry
{
	const char *p;
	int32		len;
} TextEntry;

static int
cmp_text_entry(const void *a, const void *b)
{
	const TextEntry *x = (const TextEntry *) a;
	const TextEntry *y = (const TextEntry *) b;

	return clipped_cmp(x->p, x->len, false, y->p, y->len, false);
}

static TextEntry *
sorted_text_entries(const ProfileState *s)
{
	TextEntry  *e = palloc(Max(s->nexact, 1) * sizeof(TextEntry));
	const char *p = s->data;
	int			i;

	for (i = 0; i < s->nexact; i++)
	{
		e[i].p = text_entry(p, &e[i].len);
		p = e[i].p + e[i].len;
	}
	qsort(e, s->nexact, sizeof(TextEntry), cmp_text_entry);
	return e;
}

static float8 *
sorted_numbers(const ProfileState *s)
{
	float8	   *v = palloc(Max(s->nexact, 1) * sizeof(float8));

	memcpy(v, s->data, s->nexact * sizeof(float8));
	qsort(v, s->nexact, sizeof(float8), cmp_f8);
	return v;
}

/* exact mode: a copy of the stored numbers, in insertion order */
float8 *
profile_exact_numbers(const ProfileState *s, int *n)
{
	float8	   *v = palloc(Max(s->nexact, 1) * sizeof(float8));

	Assert(!(s->flags & PF_SKETCH) && s->kind != PK_TEXT);
	memcpy(v, s->data, s->nexact * sizeof(float8));
	*n = s->nexact;
	return v;
}

/* exact mode: the stored strings as C strings, in insertion order */
char **
profile_exact_texts(const ProfileState *s, int *n)
{
	char	  **v = palloc(Max(s->nexact, 1) * sizeof(char *));
	const char *p = s->data;
	int			i;

	Assert(!(s->flags & PF_SKETCH) && s->kind == PK_TEXT);
	for (i = 0; i < s->nexact; i++)
	{
		int32		len;
		const char *e = text_entry(p, &len);

		v[i] = pnstrdup(e, len);
		p = e + len;
	}
	*n = s->nexact;
	return v;
}

float8
profile_ndistinct(const ProfileState *s)
{
	int64		nn = s->rows - s->nulls;
	int64		distinct = 0;
	int			i;

	if (nn == 0)
		return 0;
	if (s->kind == PK_BOOLEAN)
		return (float8) ((s->ntrue > 0) + (s->nfalse > 0));
	if (s->flags & PF_SKETCH)
	{
		float8		est = hll_estimate(PROFILE_SKETCH(s)->hll);

		return Min(est, (float8) nn);
	}
	if (s->kind == PK_TEXT)
	{
		TextEntry  *e = sorted_text_entries(s);

		for (i = 0; i < s->nexact; i++)
		{
			if (i == 0 || cmp_text_entry(&e[i], &e[i - 1]) != 0)
				distinct++;
		}
	}
	else
	{
		float8	   *v = sorted_numbers(s);

		for (i = 0; i < s->nexact; i++)
		{
			if (i == 0 || cmp_f8(&v[i], &v[i - 1]) != 0)
				distinct++;
		}
	}
	return (float8) distinct;
}

Datum
vqc_profile_ndistinct(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(profile_ndistinct(profile_get_arg(fcinfo, 0)));
}

typedef struct TopValue
{
	char	   *text;			/* display */
	float8		num;			/* numbers: for ordering ties */
	const char *key;			/* text: for ordering ties */
	int			keylen;
	int64		count;
} TopValue;

static int		top_kind;

static int
cmp_top(const void *a, const void *b)
{
	const TopValue *x = (const TopValue *) a;
	const TopValue *y = (const TopValue *) b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (top_kind == PK_TEXT)
		return clipped_cmp(x->key, x->keylen, false, y->key, y->keylen, false);
	return cmp_f8(&x->num, &y->num);
}

static char *
clipped_text(const char *p, int len)
{
	int			cl = clip_len(p, len);

	return pnstrdup(p, cl);
}

/* false and true with their counts; fills t, returns how many */
static int
top_boolean(const ProfileState *s, TopValue *t)
{
	int			m = 0;

	if (s->nfalse > 0)
	{
		t[m].text = pstrdup("false");
		t[m].num = 0;
		t[m++].count = s->nfalse;
	}
	if (s->ntrue > 0)
	{
		t[m].text = pstrdup("true");
		t[m].num = 1;
		t[m++].count = s->ntrue;
	}
	return m;
}

/* the Misra-Gries items (lower bounds); fills t, returns how many */
static int
top_sketch(const ProfileState *s, const FreqSketch *f, TopValue *t)
{
	int			m = 0;
	int			i;

	for (i = 0; i < f->nitems; i++)
	{
		const FreqItem *it = &f->items[i];

		t[m].num = it->num;
		t[m].key = it->text;
		t[m].keylen = it->len;
		t[m].text = s->kind == PK_TEXT ? pnstrdup(it->text, it->len) :
			value_text(s->typid, it->num);
		t[m++].count = f->count[i];
	}
	return m;
}

/* exact text: runs of equal sorted strings; fills t, returns how many */
static int
top_exact_texts(const ProfileState *s, TopValue *t)
{
	TextEntry  *e = sorted_text_entries(s);
	int			m = 0;
	int			i;

	for (i = 0; i < s->nexact; i++)
	{
		if (i > 0 && cmp_text_entry(&e[i], &e[i - 1]) == 0)
		{
			t[m - 1].count++;
			continue;
		}
		t[m].key = e[i].p;
		t[m].keylen = e[i].len;
		t[m].text = NULL;
		t[m++].count = 1;
	}
	for (i = 0; i < m; i++)
		t[i].text = clipped_text(t[i].key, t[i].keylen);
	return m;
}

/* exact numbers: runs of equal sorted values; fills t, returns how many */
static int
top_exact_numbers(const ProfileState *s, TopValue *t)
{
	float8	   *v = sorted_numbers(s);
	int			m = 0;
	int			i;

	for (i = 0; i < s->nexact; i++)
	{
		if (i > 0 && cmp_f8(&v[i], &v[i - 1]) == 0)
		{
			t[m - 1].count++;
			continue;
		}
		t[m].num = v[i];
		t[m].text = NULL;
		t[m++].count = 1;
	}
	for (i = 0; i < m; i++)
		t[i].text = value_text(s->typid, t[i].num);
	return m;
}

/* every (value, count) of the profile, sorted by count descending */
static TopValue *
profile_top(const ProfileState *s, int *n, int64 *bound)
{
	TopValue   *t;
	int			m;

	*bound = 0;
	if (s->kind == PK_BOOLEAN)
	{
		t = palloc(2 * sizeof(TopValue));
		m = top_boolean(s, t);
	}
	else if (s->flags & PF_SKETCH)
	{
		const FreqSketch *f = &PROFILE_SKETCH(s)->freq;

		t = palloc(Max(f->nitems, 1) * sizeof(TopValue));
		m = top_sketch(s, f, t);
		*bound = f->offset;
	}
	else
	{
		t = palloc(Max(s->nexact, 1) * sizeof(TopValue));
		if (s->kind == PK_TEXT)
			m = top_exact_texts(s, t);
		else
			m = top_exact_numbers(s, t);
	}
	top_kind = s->kind;
	qsort(t, m, sizeof(TopValue), cmp_top);
	*n = m;
	return t;
}

/*
 * vqc.top_values(p, k) returns TABLE(value text, count bigint, error_bound
 * bigint): the k most frequent values.  Exact: true counts, bound 0.
 * Sketch: Misra-Gries lower bounds; the true count lies in
 * [count, count + error_bound].
 */
Datum
vqc_profile_top_values(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	int32		k = PG_GETARG_INT32(1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TopValue   *t;
	int			n;
	int64		bound;
	int			i;

	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must not be negative")));
	InitMaterializedSRF(fcinfo, 0);
	if (s->kind == PK_EMPTY)
		return (Datum) 0;
	t = profile_top(s, &n, &bound);
	for (i = 0; i < n && i < k; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(t[i].text);
		values[1] = Int64GetDatum(t[i].count);
		values[2] = Int64GetDatum(bound);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * vqc.histogram(p, bins, kind) returns TABLE(bin int, lower float8, upper
 * float8, count float8).  'equal_width': bins of equal width between the
 * finite min and max; 'quantile': edges at the i/bins quantiles.  Bin i
 * counts values in (lower, upper], the first bin also its lower edge and
 * everything below (-Infinity), the last everything above (+Infinity).
 */
Datum
vqc_profile_histogram(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	int32		bins = PG_GETARG_INT32(1);
	char	   *kind = text_to_cstring(PG_GETARG_TEXT_PP(2));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		quantile;
	Dist		d;
	float8	   *edges;
	float8		prev = 0;
	int			i;

	if (strcmp(kind, "equal_width") == 0)
		quantile = false;
	else if (strcmp(kind, "quantile") == 0)
		quantile = true;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown histogram kind \"%s\"", kind),
				 errhint("Use 'equal_width' or 'quantile'.")));
	if (bins < 1 || bins > 10000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bins must be between 1 and 10000")));

	InitMaterializedSRF(fcinfo, 0);
	if (!dist_build(s, &d))
		return (Datum) 0;
	if (!quantile && s->mom.n == 0)
		return (Datum) 0;		/* only infinities: no finite range */

	edges = palloc((bins + 1) * sizeof(float8));
	for (i = 0; i <= bins; i++)
	{
		if (quantile)
			edges[i] = dist_quantile(&d, (float8) i / bins);
		else if (i == bins)
			edges[i] = s->mom.max;
		else
			edges[i] = s->mom.min + (s->mom.max - s->mom.min) * ((float8) i / bins);
	}
	for (i = 0; i < bins; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};
		float8		w = (i == bins - 1) ? (float8) d.total : dist_weight_le(&d, edges[i + 1]);

		values[0] = Int32GetDatum(i + 1);
		values[1] = Float8GetDatum(edges[i]);
		values[2] = Float8GetDatum(edges[i + 1]);
		values[3] = Float8GetDatum(w - prev);
		prev = w;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * Scalars
 * ---------------------------------------------------------------------
 */

Datum
vqc_profile_row_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(profile_get_arg(fcinfo, 0)->rows);
}

Datum
vqc_profile_null_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(profile_get_arg(fcinfo, 0)->nulls);
}

Datum
vqc_profile_null_fraction(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);

	if (s->rows == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((float8) s->nulls / (float8) s->rows);
}

static bool
has_moments(const ProfileState *s)
{
	return s->kind == PK_NUMERIC || s->kind == PK_TEMPORAL;
}

#define MOMENT_ACCESSOR(fname, call) \
Datum \
fname(PG_FUNCTION_ARGS) \
{ \
	ProfileState *s = profile_get_arg(fcinfo, 0); \
	double		v; \
\
	if (!has_moments(s) || !call(&s->mom, &v)) \
		PG_RETURN_NULL(); \
	PG_RETURN_FLOAT8(v); \
}

MOMENT_ACCESSOR(vqc_profile_mean, moments_mean)
MOMENT_ACCESSOR(vqc_profile_variance, moments_variance)
MOMENT_ACCESSOR(vqc_profile_skewness, moments_skewness)
MOMENT_ACCESSOR(vqc_profile_kurtosis, moments_kurtosis)

Datum
vqc_profile_stddev(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	double		v;

	if (!has_moments(s) || !moments_variance(&s->mom, &v))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(sqrt(v));
}

/* min (want_max false) or max as text; NULL when there is none */
static char *
profile_extreme(const ProfileState *s, bool want_max, bool *clipped)
{
	int64		nn = s->rows - s->nulls;

	*clipped = false;
	if (nn == 0)
		return NULL;
	switch (s->kind)
	{
		case PK_NUMERIC:
		case PK_TEMPORAL:
			if (nn == s->nan)
				return pstrdup("NaN");
			if (want_max)
				return value_text(s->typid, s->posinf > 0 ? INFINITY :
								  s->mom.n > 0 ? s->mom.max : -INFINITY);
			return value_text(s->typid, s->neginf > 0 ? -INFINITY :
							  s->mom.n > 0 ? s->mom.min : INFINITY);
		case PK_BOOLEAN:
			if (want_max)
				return pstrdup(s->ntrue > 0 ? "true" : "false");
			return pstrdup(s->nfalse > 0 ? "false" : "true");
		case PK_TEXT:
			if (want_max)
			{
				*clipped = (s->flags & PF_MAX_CLIPPED) != 0;
				return pnstrdup(s->maxtext, s->maxlen);
			}
			*clipped = (s->flags & PF_MIN_CLIPPED) != 0;
			return pnstrdup(s->mintext, s->minlen);
	}
	return NULL;
}

Datum
vqc_profile_min_value(PG_FUNCTION_ARGS)
{
	bool		clipped;
	char	   *v = profile_extreme(profile_get_arg(fcinfo, 0), false, &clipped);

	if (v == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(v));
}

Datum
vqc_profile_max_value(PG_FUNCTION_ARGS)
{
	bool		clipped;
	char	   *v = profile_extreme(profile_get_arg(fcinfo, 0), true, &clipped);

	if (v == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(v));
}

Datum
vqc_profile_is_exact(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL((profile_get_arg(fcinfo, 0)->flags & PF_SKETCH) == 0);
}

/* ---------------------------------------------------------------------
 * JSON
 * ---------------------------------------------------------------------
 */

static void
json_key(StringInfo b, const char *key, bool *first)
{
	if (!*first)
		appendStringInfoString(b, ", ");
	*first = false;
	escape_json(b, key);
	appendStringInfoString(b, ": ");
}

/* a JSON number, or a string for NaN and infinities */
static void
json_f8(StringInfo b, float8 x)
{
	if (isfinite(x))
		appendStringInfoString(b, float8out_internal(x));
	else
		escape_json(b, float8out_internal(x));
}

static void
json_text(StringInfo b, const char *s)
{
	if (s == NULL)
		appendStringInfoString(b, "null");
	else
		escape_json(b, s);
}

static void
json_opt(StringInfo b, const char *key, bool *first, bool ok, float8 v)
{
	json_key(b, key, first);
	if (ok)
		json_f8(b, v);
	else
		appendStringInfoString(b, "null");
}

/* kind, type, mode and the counts */
static void
json_counts(StringInfo b, bool *first, const ProfileState *s)
{
	json_key(b, "kind", first);
	escape_json(b, profile_kind_name(s->kind));
	json_key(b, "type", first);
	json_text(b, s->typid ? format_type_be(s->typid) : NULL);
	json_key(b, "exact", first);
	appendStringInfoString(b, profile_is_exact(s) ? "true" : "false");
	json_key(b, "rows", first);
	appendStringInfo(b, INT64_FORMAT, s->rows);
	json_key(b, "nulls", first);
	appendStringInfo(b, INT64_FORMAT, s->nulls);
	json_opt(b, "null_fraction", first, s->rows > 0,
			 s->rows > 0 ? (float8) s->nulls / s->rows : 0);
	if (s->kind == PK_NUMERIC)
	{
		json_key(b, "nan", first);
		appendStringInfo(b, INT64_FORMAT, s->nan);
	}
	if (has_moments(s))
	{
		json_key(b, "pos_infinity", first);
		appendStringInfo(b, INT64_FORMAT, s->posinf);
		json_key(b, "neg_infinity", first);
		appendStringInfo(b, INT64_FORMAT, s->neginf);
	}
	if (s->kind == PK_BOOLEAN)
	{
		json_key(b, "true", first);
		appendStringInfo(b, INT64_FORMAT, s->ntrue);
		json_key(b, "false", first);
		appendStringInfo(b, INT64_FORMAT, s->nfalse);
	}
}

/* min and max, with their clipped flags for text */
static void
json_extremes(StringInfo b, bool *first, const ProfileState *s)
{
	bool		clipped;
	char	   *ext;

	ext = profile_extreme(s, false, &clipped);
	json_key(b, "min", first);
	json_text(b, ext);
	if (s->kind == PK_TEXT)
	{
		json_key(b, "min_clipped", first);
		appendStringInfoString(b, clipped ? "true" : "false");
	}
	ext = profile_extreme(s, true, &clipped);
	json_key(b, "max", first);
	json_text(b, ext);
	if (s->kind == PK_TEXT)
	{
		json_key(b, "max_clipped", first);
		appendStringInfoString(b, clipped ? "true" : "false");
	}
}

static void
json_moments(StringInfo b, bool *first, const ProfileState *s)
{
	double		v;
	bool		ok;

	/* (the call must come before v is read) */
	ok = moments_mean(&s->mom, &v);
	json_opt(b, "mean", first, ok, v);
	ok = moments_variance(&s->mom, &v);
	json_opt(b, "variance", first, ok, v);
	json_opt(b, "stddev", first, ok, ok ? sqrt(v) : 0);
	ok = moments_skewness(&s->mom, &v);
	json_opt(b, "skewness", first, ok, v);
	ok = moments_kurtosis(&s->mom, &v);
	json_opt(b, "kurtosis", first, ok, v);
}

/* text lengths in characters */
static void
json_length(StringInfo b, bool *first, const ProfileState *s)
{
	bool		f2 = true;
	int64		nn = profile_nonnull(s);

	json_key(b, "length", first);
	appendStringInfoChar(b, '{');
	json_opt(b, "min", &f2, nn > 0, (float8) s->len_min);
	json_opt(b, "mean", &f2, nn > 0, nn > 0 ? (float8) s->len_total / nn : 0);
	json_opt(b, "max", &f2, nn > 0, (float8) s->len_max);
	appendStringInfoChar(b, '}');
}

static void
json_ndistinct(StringInfo b, bool *first, const ProfileState *s)
{
	bool		f2 = true;
	bool		dexact = profile_is_exact(s) || s->kind == PK_BOOLEAN;

	json_key(b, "ndistinct", first);
	appendStringInfoChar(b, '{');
	json_key(b, "estimate", &f2);
	json_f8(b, profile_ndistinct(s));
	json_key(b, "exact", &f2);
	appendStringInfoString(b, dexact ? "true" : "false");
	json_key(b, "relative_standard_error", &f2);
	json_f8(b, dexact ? 0.0 : HLL_RSE);
	appendStringInfoChar(b, '}');
}

static void
json_quantiles(StringInfo b, bool *first, const ProfileState *s)
{
	static const float8 qs[] = {0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1};
	bool		exact = profile_is_exact(s);
	bool		f2 = true;
	bool		f3 = true;
	Dist		d;
	bool		have = dist_build(s, &d);
	int			i;

	json_key(b, "quantiles", first);
	appendStringInfoChar(b, '{');
	json_key(b, "exact", &f2);
	appendStringInfoString(b, exact ? "true" : "false");
	json_key(b, "rank_error", &f2);
	json_f8(b, exact ? 0.0 : kll_rank_error(&PROFILE_SKETCH(s)->kll));
	json_key(b, "rank_error_confidence", &f2);
	json_f8(b, exact ? 1.0 : 0.99);
	json_key(b, "k", &f2);
	appendStringInfo(b, "%d", KLL_K);
	json_key(b, "values", &f2);
	appendStringInfoChar(b, '{');
	for (i = 0; i < lengthof(qs); i++)
	{
		char		key[32];

		snprintf(key, sizeof(key), "%g", qs[i]);
		json_opt(b, key, &f3, have, have ? dist_quantile(&d, qs[i]) : 0);
	}
	appendStringInfoString(b, "}}");
}

/* the 10 most frequent values */
static void
json_frequent(StringInfo b, bool *first, const ProfileState *s)
{
	bool		f2 = true;
	TopValue   *t;
	int			n;
	int			i;
	int64		bound;
	bool		fexact = profile_is_exact(s) || s->kind == PK_BOOLEAN;

	t = profile_top(s, &n, &bound);
	json_key(b, "frequent", first);
	appendStringInfoChar(b, '{');
	json_key(b, "exact", &f2);
	appendStringInfoString(b, fexact ? "true" : "false");
	json_key(b, "k", &f2);
	appendStringInfo(b, "%d", FREQ_K);
	json_key(b, "error_bound", &f2);
	appendStringInfo(b, INT64_FORMAT, bound);
	json_key(b, "max_error_bound", &f2);
	appendStringInfo(b, INT64_FORMAT, fexact ? 0 : profile_nonnull(s) / (FREQ_K + 1));
	json_key(b, "values", &f2);
	appendStringInfoChar(b, '[');
	for (i = 0; i < n && i < 10; i++)
	{
		if (i > 0)
			appendStringInfoString(b, ", ");
		appendStringInfoString(b, "{\"value\": ");
		escape_json(b, t[i].text);
		appendStringInfo(b, ", \"count\": " INT64_FORMAT ", \"error_bound\": " INT64_FORMAT "}",
						 t[i].count, bound);
	}
	appendStringInfoString(b, "]}");
}

/* vqc.profile_to_jsonb(p): everything the accessors tell, as one object */
Datum
vqc_profile_to_jsonb(PG_FUNCTION_ARGS)
{
	ProfileState *s = profile_get_arg(fcinfo, 0);
	StringInfoData b;
	bool		first = true;

	initStringInfo(&b);
	appendStringInfoChar(&b, '{');
	json_counts(&b, &first, s);
	json_extremes(&b, &first, s);
	if (has_moments(s))
		json_moments(&b, &first, s);
	if (s->kind == PK_TEXT)
		json_length(&b, &first, s);
	json_ndistinct(&b, &first, s);
	if (has_moments(s))
		json_quantiles(&b, &first, s);
	if (s->kind != PK_EMPTY)
		json_frequent(&b, &first, s);
	appendStringInfoChar(&b, '}');

	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(b.data)));
}
