/*-------------------------------------------------------------------------
 *
 * drift.c
 *	  The drift scores, and vqc.drift_exact: drift between two samples
 *	  given as arrays, computed exactly from the values.  drift_compute()
 *	  is the core, on in-memory sides (drift.h); vqc.drift (profiles,
 *	  drift_profile.c) calls it too.  Tests (ks,
 *	  chi_square, chi_square_gof, z_test) give a p-value; distances
 *	  (wasserstein, wasserstein_normed, psi, kl, js, hellinger, tv) a
 *	  score.  The numbers follow scipy 1.10 / numpy 1.24 (see README and
 *	  test/oracle/drift_vs_scipy.py); the special functions are in
 *	  drift_stats.c.
 *
 *	  Input: numeric arrays (int2/4/8, float4/8, numeric, converted to
 *	  float8) or categorical arrays (any other type, compared by text
 *	  form).  NULL elements are ignored; multidimensional arrays are
 *	  flattened.  The SQL wrapper vqc.drift_exact validates the options and
 *	  calls vqc._drift_exact.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "drift.h"
#include "kll.h"
#include "numeric_float.h"
#include "drift_stats.h"

PG_FUNCTION_INFO_V1(vqc_drift_exact);

/*
 * Evidently's proportion for an empty bin under psi and kl (its
 * get_binned_data): 1e-4, or the side's smallest nonzero proportion / 10^6
 * when that is at most 1e-4
 */
#define DRIFT_EMPTY_BIN 1e-4
#define DRIFT_EMPTY_BIN_SCALE 1e6

/* Evidently's floor for the normalizing standard deviation */
#define WASSERSTEIN_MIN_NORM 0.001

typedef enum DriftMethod
{
	DM_KS,
	DM_WASSERSTEIN,
	DM_WASSERSTEIN_NORMED,
	DM_PSI,
	DM_KL,
	DM_JS,
	DM_HELLINGER,
	DM_TV,
	DM_CHI_SQUARE,
	DM_CHI_SQUARE_GOF,
	DM_Z_TEST,
	DM_AUTO
} DriftMethod;

typedef struct MethodInfo
{
	const char *name;
	DriftMethod method;
	bool		is_test;		/* drifted when p_value < threshold */
	double		threshold;		/* default; NAN: none */
} MethodInfo;

static const MethodInfo methods[] = {
	{"ks", DM_KS, true, 0.05},
	{"wasserstein", DM_WASSERSTEIN, false, NAN},
	{"wasserstein_normed", DM_WASSERSTEIN_NORMED, false, 0.1},
	{"psi", DM_PSI, false, 0.2},
	{"kl", DM_KL, false, 0.1},
	{"js", DM_JS, false, 0.1},
	{"hellinger", DM_HELLINGER, false, 0.1},
	{"tv", DM_TV, false, 0.1},
	{"chi_square", DM_CHI_SQUARE, true, 0.05},
	{"chi_square_gof", DM_CHI_SQUARE_GOF, true, 0.05},
	{"z_test", DM_Z_TEST, true, 0.05},
	{"auto", DM_AUTO, false, NAN}
};

#define METHOD_LIST "ks, wasserstein, wasserstein_normed, psi, kl, js, hellinger, tv, chi_square, chi_square_gof, z_test, auto"


/* per-category (or per-bin) counts of both sides */
typedef struct Counts
{
	int			k;
	double	   *b;				/* baseline counts */
	double	   *c;				/* current counts */
	char	  **label;			/* category labels, or NULL for bins */
} Counts;

/* the result, before it becomes JSON */
typedef struct Result
{
	const MethodInfo *mi;
	double		score;
	double		p_value;		/* NAN: none */
	StringInfoData details;		/* JSON members, comma separated */
} Result;

/* ---------------------------------------------------------------------
 * JSON helpers
 * ---------------------------------------------------------------------
 */

static void
append_double(StringInfo buf, double v)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (isnan(v) || isinf(v))
	{
		appendStringInfoString(buf, "null");
		return;
	}
	double_to_shortest_decimal_buf(v, tmp);
	appendStringInfoString(buf, tmp);
}

static void
detail_sep(Result *r)
{
	if (r->details.len > 0)
		appendStringInfoString(&r->details, ", ");
}

static void
detail_double(Result *r, const char *key, double v)
{
	detail_sep(r);
	escape_json(&r->details, key);
	appendStringInfoString(&r->details, ": ");
	append_double(&r->details, v);
}

static void
detail_string(Result *r, const char *key, const char *v)
{
	detail_sep(r);
	escape_json(&r->details, key);
	appendStringInfoString(&r->details, ": ");
	escape_json(&r->details, v);
}

static void
detail_bool(Result *r, const char *key, bool v)
{
	detail_sep(r);
	escape_json(&r->details, key);
	appendStringInfoString(&r->details, v ? ": true" : ": false");
}

static void
detail_doubles(Result *r, const char *key, const double *v, int n)
{
	int			i;

	detail_sep(r);
	escape_json(&r->details, key);
	appendStringInfoString(&r->details, ": [");
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(&r->details, ", ");
		append_double(&r->details, v[i]);
	}
	appendStringInfoChar(&r->details, ']');
}
/* ---------------------------------------------------------------------
 * Input
 * ---------------------------------------------------------------------
 */

static bool
is_numeric_type(Oid t)
{
	return t == INT2OID || t == INT4OID || t == INT8OID ||
		t == FLOAT4OID || t == FLOAT8OID || t == NUMERICOID;
}

static bool
is_text_type(Oid t)
{
	return t == TEXTOID || t == VARCHAROID || t == BPCHAROID || t == NAMEOID;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

void
drift_side_init(DriftSide *side, const char *name)
{
	memset(side, 0, sizeof(DriftSide));
	side->name = name;
	side->std = NAN;
	side->ndistinct = NAN;
}

static void
load_side(ArrayType *arr, bool numeric, DriftSide *side)
{
	Oid			elemtype = ARR_ELEMTYPE(arr);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *values;
	bool	   *nulls;
	int			nelems,
				i;
	int			n = 0;
	Oid			outfn = InvalidOid;
	bool		isvarlena;

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elemtype, typlen, typbyval, typalign,
					  &values, &nulls, &nelems);
	if (numeric)
		side->x = palloc(sizeof(double) * Max(nelems, 1));
	else
	{
		side->s = palloc(sizeof(char *) * Max(nelems, 1));
		getTypeOutputInfo(elemtype, &outfn, &isvarlena);
	}
	for (i = 0; i < nelems; i++)
	{
		if (nulls[i])
			continue;
		if (numeric)
		{
			double		v;

			switch (elemtype)
			{
				case INT2OID:
					v = DatumGetInt16(values[i]);
					break;
				case INT4OID:
					v = DatumGetInt32(values[i]);
					break;
				case INT8OID:
					v = (double) DatumGetInt64(values[i]);
					break;
				case FLOAT4OID:
					v = DatumGetFloat4(values[i]);
					break;
				case FLOAT8OID:
					v = DatumGetFloat8(values[i]);
					break;
				default:
					v = vqc_numeric_to_float8(values[i]);
					break;
			}
			if (isnan(v))
				drift_nonfinite_error(side->name, true, "elements");
			if (isinf(v))
				drift_nonfinite_error(side->name, false, "elements");
			side->x[n++] = v;
		}
		else
			side->s[n++] = OidOutputFunctionCall(outfn, values[i]);
	}
	side->n = side->count = n;
	if (n == 0)
		drift_empty_error(side->name);
	if (numeric)
		drift_sort_values(side);
}

void
drift_sort_values(DriftSide *side)
{
	qsort(side->x, side->count, sizeof(double), cmp_double);
	side->min = side->x[0];
	side->max = side->x[side->count - 1];
}

void
drift_empty_error(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s has no non-null values", name)));
}

void
drift_nonfinite_error(const char *name, bool nan, const char *what)
{
	if (nan)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s contains NaN", name),
				 errdetail("Drift scores need finite numbers."),
				 errhint("Remove NaN %s or replace them with NULL, which is ignored.", what)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s contains an infinite value", name),
			 errdetail("Drift scores need finite numbers."),
			 errhint("Remove infinite %s or replace them with NULL, which is ignored.", what)));
}

/* ---------------------------------------------------------------------
 * Weighted views of a side (unit weights when exact)
 * ---------------------------------------------------------------------
 */

/* fraction of the side's numbers among its first i entries */
static inline double
side_cdf(const DriftSide *s, int i)
{
	if (s->cum == NULL)
		return (double) i / s->n;
	return (i == 0 ? 0.0 : (double) s->cum[i - 1]) / s->n;
}

/* weight of entry i */
static inline double
side_weight(const DriftSide *s, int i)
{
	if (s->cum == NULL)
		return 1;
	return (double) (s->cum[i] - (i == 0 ? 0 : s->cum[i - 1]));
}

/* ---------------------------------------------------------------------
 * Categories and bins
 * ---------------------------------------------------------------------
 */

typedef struct Tagged
{
	const char *s;
	double		x;
	double		w;
	int			side;			/* 0 baseline, 1 current */
} Tagged;

static int
cmp_tagged_s(const void *a, const void *b)
{
	return strcmp(((const Tagged *) a)->s, ((const Tagged *) b)->s);
}

static int
cmp_tagged_x(const void *a, const void *b)
{
	double		x = ((const Tagged *) a)->x;
	double		y = ((const Tagged *) b)->x;

	return (x > y) - (x < y);
}

static int
side_categories(const DriftSide *s)
{
	return s->cat_w ? s->cat_count : s->count;
}

static int
tag_side(const DriftSide *s, int sideno, bool numeric, Tagged *t)
{
	int			i,
				m = side_categories(s);

	for (i = 0; i < m; i++)
	{
		if (s->cat_w)
		{
			t[i].s = numeric ? NULL : s->cat_s[i];
			t[i].x = numeric ? s->cat_x[i] : 0;
			t[i].w = s->cat_w[i];
		}
		else
		{
			t[i].s = numeric ? NULL : s->s[i];
			t[i].x = numeric ? s->x[i] : 0;
			t[i].w = 1;
		}
		t[i].side = sideno;
	}
	return m;
}

/*
 * Categories: the union of both sides' distinct values, in byte order of
 * their text form (categorical input) or numeric order (numeric input),
 * then "__other__" when a side has a remainder beyond its frequent values.
 */
static Counts
categorize(const DriftSide *b, const DriftSide *c, bool numeric)
{
	int			n = side_categories(b) + side_categories(c);
	Tagged	   *t = palloc(sizeof(Tagged) * Max(n, 1));
	Counts		r;
	int			i,
				j;

	j = tag_side(b, 0, numeric, t);
	tag_side(c, 1, numeric, t + j);
	qsort(t, n, sizeof(Tagged), numeric ? cmp_tagged_x : cmp_tagged_s);

	r.b = palloc0(sizeof(double) * (n + 1));
	r.c = palloc0(sizeof(double) * (n + 1));
	r.label = palloc(sizeof(char *) * (n + 1));
	r.k = 0;
	for (i = 0; i < n; i++)
	{
		bool		same = (i > 0) &&
			(numeric ? t[i].x == t[i - 1].x : strcmp(t[i].s, t[i - 1].s) == 0);

		if (!same)
		{
			if (numeric)
			{
				char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

				double_to_shortest_decimal_buf(t[i].x, tmp);
				r.label[r.k] = pstrdup(tmp);
			}
			else
				r.label[r.k] = (char *) t[i].s;
			r.k++;
		}
		if (t[i].side == 0)
			r.b[r.k - 1] += t[i].w;
		else
			r.c[r.k - 1] += t[i].w;
	}
	if (b->other > 0 || c->other > 0)
	{
		r.label[r.k] = "__other__";
		r.b[r.k] = b->other;
		r.c[r.k] = c->other;
		r.k++;
	}
	pfree(t);
	return r;
}

/* number of distinct values of a sorted array */
static int
count_distinct_sorted(const double *x, int n)
{
	int			i,
				d = (n > 0);

	for (i = 1; i < n; i++)
		if (x[i] != x[i - 1])
			d++;
	return d;
}

/* the value of 0-based rank r among a side's n values (weighted: via cum) */
static double
value_at_rank(const DriftSide *s, int64 r)
{
	int			lo = 0;
	int			hi = s->count - 1;

	if (s->cum == NULL)
		return s->x[r];
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (s->cum[mid] > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	return s->x[lo];
}

/*
 * The side's q quantile: for exact values (raw, or distinct values with
 * exact counts) numpy's method 'linear' (its _lerp too); for a sketch the
 * first value whose cumulative weight reaches q n (the KLL estimate, as
 * vqc.quantile gives it).
 */
static double
side_quantile(const DriftSide *s, double q)
{
	KllView		kv = {s->count, s->x, s->cum, s->n};
	double		vi = (s->n - 1) * q;
	double		prev = floor(vi);
	double		a,
				b,
				t,
				diff;

	if (s->approximate)
		return s->x[kll_view_find(&kv, q * (double) s->n)];
	if (vi >= s->n - 1)
		return value_at_rank(s, s->n - 1);
	if (vi < 0)
		return value_at_rank(s, 0);
	a = value_at_rank(s, (int64) prev);
	b = value_at_rank(s, (int64) prev + 1);
	t = vi - prev;
	diff = b - a;
	if (t >= 0.5)
		return b - diff * (1 - t);
	return a + diff * t;
}

/* how many edges are <= v (np.digitize with right=False) */
static int
bin_index(const double *edges, int nedges, double v)
{
	int			lo = 0,
				hi = nedges;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (edges[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Numeric bins.  Interior edges: the baseline's quantiles i/bins
 * (i = 1..bins-1, numpy's linear method), or for 'equal_width' the points
 * lo + i (hi - lo)/bins of the combined range (np.linspace); duplicates
 * collapsed; outer edges -inf and +inf.  A value v falls in bin
 * np.digitize(v, interior_edges): bins are [e(i-1), e(i)).
 */
static Counts
bin_numeric(const DriftSide *b, const DriftSide *c, int bins, bool equal_width,
			Result *res)
{
	double	   *edges;
	int			ne = 0,
				i;
	Counts		r;

	if (equal_width)
	{
		double		lo = Min(b->min, c->min);
		double		hi = Max(b->max, c->max);
		double		step;

		if (bins <= 0)			/* Sturges */
			bins = (int) ceil(log2((double) (b->n + c->n))) + 1;
		edges = palloc(sizeof(double) * bins);
		step = (hi - lo) / bins;
		if (hi > lo)
			for (i = 1; i < bins; i++)
				edges[ne++] = i * step + lo;
	}
	else
	{
		if (bins <= 0)
			bins = 10;
		edges = palloc(sizeof(double) * bins);
		for (i = 1; i < bins; i++)
			edges[ne++] = side_quantile(b, (double) i / bins);
		qsort(edges, ne, sizeof(double), cmp_double);
	}
	/* collapse duplicate edges */
	if (ne > 1)
	{
		int			w = 1;

		for (i = 1; i < ne; i++)
			if (edges[i] != edges[w - 1])
				edges[w++] = edges[i];
		ne = w;
	}

	r.k = ne + 1;
	r.b = palloc0(sizeof(double) * r.k);
	r.c = palloc0(sizeof(double) * r.k);
	r.label = NULL;
	for (i = 0; i < b->count; i++)
		r.b[bin_index(edges, ne, b->x[i])] += side_weight(b, i);
	for (i = 0; i < c->count; i++)
		r.c[bin_index(edges, ne, c->x[i])] += side_weight(c, i);

	detail_string(res, "binning", equal_width ? "equal_width" : "quantile");
	detail_double(res, "bins", r.k);
	detail_doubles(res, "edges", edges, ne);
	return r;
}

/* bin proportions count / n, unsmoothed */
static double *
proportions(const double *cnt, int k, double n)
{
	double	   *p = palloc(sizeof(double) * k);
	int			i;

	for (i = 0; i < k; i++)
		p[i] = cnt[i] / n;
	return p;
}

/*
 * Gives the empty bins of one side a small proportion, so that psi and kl
 * stay finite, as Evidently does: DRIFT_EMPTY_BIN, or the side's smallest
 * nonzero proportion / DRIFT_EMPTY_BIN_SCALE when that is not larger (so
 * an empty bin never outweighs an observed one).  The other bins keep their
 * proportions: nothing is renormalized.  Returns the proportion given, or
 * NAN when no bin is empty.
 */
static double
fill_empty_bins(double *p, int k)
{
	double		least = INFINITY;
	double		fill;
	bool		empty = false;
	int			i;

	for (i = 0; i < k; i++)
	{
		if (p[i] == 0.0)
			empty = true;
		else if (p[i] < least)
			least = p[i];
	}
	if (!empty)
		return NAN;
	fill = least <= DRIFT_EMPTY_BIN ? least / DRIFT_EMPTY_BIN_SCALE : DRIFT_EMPTY_BIN;
	for (i = 0; i < k; i++)
		if (p[i] == 0.0)
			p[i] = fill;
	return fill;
}

/* rel_entr(x, y) = x log(x/y) for x > 0 */
static double
rel_entr(double x, double y)
{
	if (x == 0.0)
		return 0.0;
	return x * log(x / y);
}

static double
binned_score(DriftMethod m, const double *bp, const double *cp, int k)
{
	double		s = 0.0;
	int			i;

	switch (m)
	{
		case DM_PSI:
			/* Evidently's psi, on proportions whose empty bins were filled */
			for (i = 0; i < k; i++)
				s += (cp[i] - bp[i]) * log(cp[i] / bp[i]);
			return s;
		case DM_KL:
			{
				/*
				 * KL(baseline || current), as scipy.stats.entropy(b, c),
				 * which rescales both to sum 1 (filled empty bins add a little)
				 */
				double		sb = 0.0,
							sc = 0.0;

				for (i = 0; i < k; i++)
				{
					sb += bp[i];
					sc += cp[i];
				}
				for (i = 0; i < k; i++)
					s += rel_entr(bp[i] / sb, cp[i] / sc);
				return s;
			}
		case DM_JS:
			{
				/* scipy.spatial.distance.jensenshannon: renormalize, natural log */
				double		sp = 0.0,
							sq = 0.0,
							left = 0.0,
							right = 0.0;

				for (i = 0; i < k; i++)
				{
					sp += bp[i];
					sq += cp[i];
				}
				for (i = 0; i < k; i++)
				{
					double		p = bp[i] / sp;
					double		q = cp[i] / sq;
					double		mm = (p + q) / 2.0;

					left += rel_entr(p, mm);
					right += rel_entr(q, mm);
				}
				s = (left + right) / 2.0;
				return sqrt(Max(s, 0.0));
			}
		case DM_HELLINGER:
			/* sqrt(1 - sum sqrt(p q)) in the stable form ||sqrt p - sqrt q|| / sqrt 2 */
			for (i = 0; i < k; i++)
			{
				double		d = sqrt(bp[i]) - sqrt(cp[i]);

				s += d * d;
			}
			return sqrt(s / 2.0);
		case DM_TV:
			for (i = 0; i < k; i++)
				s += fabs(bp[i] - cp[i]);
			return s / 2.0;
		default:
			elog(ERROR, "unexpected binned drift method %d", (int) m);
	}
	return NAN;					/* keep compiler quiet */
}

/* ---------------------------------------------------------------------
 * Methods
 * ---------------------------------------------------------------------
 */

/* scipy.stats.ks_2samp, two-sided, method='auto' (asymptotic for sketches) */
static void
do_ks(const DriftSide *b, const DriftSide *c, Result *res)
{
	int			i = 0,
				j = 0;
	double		maxS = 0.0,
				minS = 0.0,
				d;
	bool		exact;
	double		p;

	/* ECDF difference at every distinct value, as i/n1 - j/n2 */
	while (i < b->count || j < c->count)
	{
		double		v,
					diff;

		if (j >= c->count || (i < b->count && b->x[i] <= c->x[j]))
			v = b->x[i];
		else
			v = c->x[j];
		while (i < b->count && b->x[i] <= v)
			i++;
		while (j < c->count && c->x[j] <= v)
			j++;
		diff = side_cdf(b, i) - side_cdf(c, j);
		if (diff > maxS)
			maxS = diff;
		if (diff < minS)
			minS = diff;
	}
	minS = Min(-minS, 1.0);
	d = (minS > maxS) ? minS : maxS;
	if (!b->approximate && !c->approximate)
	{
		/* exact distributions (raw values or exact counts) */
		p = vqc_ks_2samp_pvalue(b->n, c->n, &d, &exact);
		detail_string(res, "p_value_method", exact ? "exact" : "asymptotic");
	}
	else
	{
		/*
		 * Sketches: D is known within the rank errors only, and at large n
		 * the test would flag that noise.  The p-value is the asymptotic
		 * one at the smallest D the bound allows (the largest p-value
		 * consistent with the sketches), so drift is reported only when
		 * the sketches prove it; the p-value at D itself is a detail.
		 */
		double		lo = Max(d - (b->rank_error + c->rank_error), 0.0);

		p = vqc_ks_asymptotic_pvalue(b->n, c->n, lo);
		detail_string(res, "p_value_method", "asymptotic at score - error");
		detail_double(res, "p_value_at_score", vqc_ks_asymptotic_pvalue(b->n, c->n, d));
	}
	res->score = d;
	res->p_value = p;
}

/*
 * scipy.stats.wasserstein_distance(u, v): integral of |U - V|, U and V the
 * (weighted) empirical distribution functions
 */
static double
wasserstein(const DriftSide *b, const DriftSide *c)
{
	int			i = 0,
				j = 0;
	double		s = 0.0;
	double		prev = 0.0;
	bool		first = true;

	while (i < b->count || j < c->count)
	{
		double		v;

		if (j >= c->count || (i < b->count && b->x[i] <= c->x[j]))
			v = b->x[i];
		else
			v = c->x[j];
		if (!first)
			s += fabs(side_cdf(b, i) - side_cdf(c, j)) * (v - prev);
		while (i < b->count && b->x[i] <= v)
			i++;
		while (j < c->count && c->x[j] <= v)
			j++;
		prev = v;
		first = false;
	}
	return s;
}

/* numpy's std with ddof=0 (two passes) */
static double
std_pop(const double *x, int n)
{
	double		m = 0.0,
				s = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		m += x[i];
	m /= n;
	for (i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	return sqrt(s / n);
}

/* scipy.stats.chi2_contingency on the 2 x k table, with Yates when dof == 1 */
static void
do_chi_square(const Counts *t, double nb, double nc, Result *res)
{
	int			dof = t->k - 1;
	double		total = nb + nc;
	double		chi2 = 0.0;
	int			i,
				r;

	if (dof == 0)
	{
		res->score = 0.0;
		res->p_value = 1.0;
	}
	else
	{
		for (r = 0; r < 2; r++)
		{
			double		rowsum = r == 0 ? nb : nc;
			const double *obs = r == 0 ? t->b : t->c;

			for (i = 0; i < t->k; i++)
			{
				double		exp = rowsum * (t->b[i] + t->c[i]) / total;
				double		o = obs[i];

				if (dof == 1)
				{
					double		diff = exp - o;
					double		mag = Min(0.5, fabs(diff));

					o += (diff > 0) ? mag : (diff < 0 ? -mag : 0.0);
				}
				chi2 += (o - exp) * (o - exp) / exp;
			}
		}
		res->score = chi2;
		res->p_value = vqc_chi2_sf(chi2, dof);
	}
	detail_double(res, "dof", dof);
	detail_double(res, "categories", t->k);
	detail_bool(res, "yates_correction", dof == 1);
}

/* scipy.stats.chisquare(current counts, baseline proportions * n_current) */
static void
do_chi_square_gof(const Counts *t, double nb, double nc, Result *res)
{
	double		chi2 = 0.0;
	int			i;

	for (i = 0; i < t->k; i++)
	{
		double		exp = t->b[i] / nb * nc;

		if (exp == 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("chi_square_gof needs every current category in the baseline"),
					 errdetail("A category absent from the baseline has expected count zero, so the statistic is infinite."),
					 errhint("Use chi_square, the test of homogeneity, which handles categories present on one side only.")));
		chi2 += (t->c[i] - exp) * (t->c[i] - exp) / exp;
	}
	res->score = chi2;
	res->p_value = t->k > 1 ? vqc_chi2_sf(chi2, t->k - 1) : 1.0;
	detail_double(res, "dof", t->k - 1);
	detail_double(res, "categories", t->k);
}

/* two-proportion z-test with pooled variance (statsmodels' proportions_ztest) */
static void
do_z_test(const Counts *t, double nb, double nc, const char *what, Result *res)
{
	double		p1,
				p2,
				pp,
				z;

	if (t->k > 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("z_test needs at most two categories"),
				 errdetail("The %s hold %d distinct values.", what, t->k),
				 errhint("Use chi_square for more than two categories.")));
	p1 = t->b[0] / nb;
	p2 = t->c[0] / nc;
	pp = (t->b[0] + t->c[0]) / (nb + nc);
	if (t->k < 2 || pp <= 0.0 || pp >= 1.0)
	{
		z = 0.0;
		res->p_value = 1.0;
	}
	else
	{
		z = (p1 - p2) / sqrt(pp * (1 - pp) * (1.0 / nb + 1.0 / nc));
		res->p_value = vqc_norm_two_sided(z);
	}
	res->score = z;
	detail_string(res, "category", t->label[0]);
	detail_double(res, "baseline_proportion", p1);
	detail_double(res, "current_proportion", p2);
}

static const MethodInfo *
find_method(const char *name)
{
	int			i;

	for (i = 0; i < lengthof(methods); i++)
		if (strcmp(methods[i].name, name) == 0)
			return &methods[i];
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown drift method \"%s\"", name),
			 errhint("The methods are " METHOD_LIST ".")));
	return NULL;				/* keep compiler quiet */
}


/*
 * What a sketch-based score can be off by (details.error and
 * details.error_bound); kind: 'k' KS, 'w' Wasserstein, 'b' numeric bins,
 * 'c' categories.
 */
static void
detail_error(Result *res, char kind, const DriftSide *b, const DriftSide *c)
{
	switch (kind)
	{
		case 'k':
			detail_double(res, "error", b->rank_error + c->rank_error);
			detail_string(res, "error_bound", "|score - exact score| <= error with 99% confidence: the sum of both sides' KLL normalized rank errors");
			break;
		case 'w':
			detail_double(res, "error", NAN);
			detail_string(res, "error_bound", "not bounded formally: the score is the exact distance between the sketches' weighted samples, each within its KLL normalized rank error of the true distribution");
			break;
		case 'b':
			detail_double(res, "error", 2 * Max(b->rank_error, c->rank_error));
			detail_string(res, "error_bound", "bound on each bin proportion's absolute error with 99% confidence (twice the larger KLL normalized rank error); the bin edges are the baseline sketch's quantiles");
			break;
		default:
			detail_double(res, "error", Max(b->freq_error, c->freq_error));
			detail_string(res, "error_bound", "bound on each category proportion's absolute error: the larger Misra-Gries offset / n; values beyond the frequent ones form the category __other__");
			break;
	}
}

/* ---------------------------------------------------------------------
 * The core: the method (auto resolved), its score by family, the result
 * ---------------------------------------------------------------------
 */

/*
 * auto: Evidently's choice of test, from the baseline's size and whether
 * it is numeric with more than 5 distinct values.  Sets *reason.
 */
static const MethodInfo *
resolve_auto(const DriftSide *b, const DriftSide *c, bool numeric,
			 const char **reason)
{
	bool		many = false;

	if (numeric)
	{
		double		nd = isnan(b->ndistinct) ?
			count_distinct_sorted(b->x, b->count) : b->ndistinct;

		many = nd > 5;
	}
	if (b->n <= 1000)
	{
		Counts		t;

		if (many)
		{
			*reason = "baseline of at most 1000 values, numeric with more than 5 distinct values";
			return find_method("ks");
		}
		t = categorize(b, c, numeric);
		if (t.k == 2)
		{
			*reason = "baseline of at most 1000 values, exactly 2 categories";
			return find_method("z_test");
		}
		*reason = "baseline of at most 1000 values, categorical or at most 5 distinct values";
		return find_method("chi_square");
	}
	if (many)
	{
		*reason = "baseline of more than 1000 values, numeric with more than 5 distinct values";
		return find_method("wasserstein_normed");
	}
	*reason = "baseline of more than 1000 values, categorical or at most 5 distinct values";
	return find_method("js");
}

/* ks, wasserstein, wasserstein_normed: on the numbers; the error kind */
static char
score_distribution(const MethodInfo *mi, const DriftSide *b, const DriftSide *c,
				   bool numeric, const DriftOptions *opt, Result *res)
{
	double		w;

	if (!numeric)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("method \"%s\" needs numeric %s", mi->name, opt->what),
				 errhint("For categorical data use chi_square, chi_square_gof, z_test, psi, kl, js, hellinger or tv.")));
	if (mi->method == DM_KS)
	{
		do_ks(b, c, res);
		return 'k';
	}
	w = wasserstein(b, c);
	res->score = w;
	if (mi->method == DM_WASSERSTEIN_NORMED)
	{
		double		sd = isnan(b->std) ? std_pop(b->x, b->count) : b->std;
		double		norm = Max(sd, WASSERSTEIN_MIN_NORM);

		res->score = w / norm;
		detail_double(res, "wasserstein", w);
		detail_double(res, "baseline_std", sd);
		detail_double(res, "norm", norm);
	}
	return 'w';
}

/*
 * psi, kl, js, hellinger, tv: on the proportions of categories or of
 * numeric bins; the error kind
 */
static char
score_binned(const MethodInfo *mi, const DriftSide *b, const DriftSide *c,
			 bool numeric, bool as_categories, const DriftOptions *opt,
			 Result *res)
{
	Counts		t;
	double	   *bp,
			   *cp;
	char		error_kind;

	if (as_categories)
	{
		t = categorize(b, c, numeric);
		detail_string(res, "binning", "categories");
		detail_double(res, "bins", t.k);
		error_kind = 'c';
	}
	else
	{
		t = bin_numeric(b, c, opt->bins, opt->equal_width, res);
		error_kind = 'b';
	}
	bp = proportions(t.b, t.k, b->n);
	cp = proportions(t.c, t.k, c->n);
	/* js, hellinger and tv are finite with empty bins */
	if (mi->method == DM_PSI || mi->method == DM_KL)
	{
		detail_double(res, "epsilon_baseline", fill_empty_bins(bp, t.k));
		detail_double(res, "epsilon_current", fill_empty_bins(cp, t.k));
	}
	res->score = binned_score(mi->method, bp, cp, t.k);
	return error_kind;
}

/* chi_square, chi_square_gof, z_test: on the category counts; the error kind */
static char
score_categorical_test(const MethodInfo *mi, const DriftSide *b, const DriftSide *c,
					   bool numeric, const DriftOptions *opt, Result *res)
{
	Counts		t = categorize(b, c, numeric);

	if (mi->method == DM_CHI_SQUARE)
		do_chi_square(&t, b->n, c->n, res);
	else if (mi->method == DM_CHI_SQUARE_GOF)
		do_chi_square_gof(&t, b->n, c->n, res);
	else
		do_z_test(&t, b->n, c->n, opt->what, res);
	return 'c';
}

/* the result as jsonb: method, score, p_value, verdict, sizes, details */
static Datum
result_jsonb(const Result *res, const MethodInfo *requested, bool auto_chosen,
			 double threshold, bool exact, const DriftSide *b,
			 const DriftSide *c, const DriftOptions *opt)
{
	const MethodInfo *mi = res->mi;
	StringInfoData out;

	initStringInfo(&out);
	appendStringInfoString(&out, "{\"method\": ");
	escape_json(&out, mi->name);
	if (auto_chosen)
	{
		appendStringInfoString(&out, ", \"requested_method\": ");
		escape_json(&out, requested->name);
	}
	appendStringInfoString(&out, ", \"score\": ");
	append_double(&out, res->score);
	appendStringInfoString(&out, ", \"p_value\": ");
	append_double(&out, res->p_value);
	appendStringInfoString(&out, ", \"threshold\": ");
	append_double(&out, threshold);
	appendStringInfoString(&out, ", \"drifted\": ");
	if (isnan(threshold))
		appendStringInfoString(&out, "null");
	else if (mi->is_test)
		appendStringInfoString(&out, res->p_value < threshold ? "true" : "false");
	else
		appendStringInfoString(&out, res->score >= threshold ? "true" : "false");
	if (opt->report_exact)
		appendStringInfoString(&out, exact ? ", \"exact\": true" : ", \"exact\": false");
	appendStringInfo(&out, ", \"n_baseline\": " INT64_FORMAT ", \"n_current\": " INT64_FORMAT ", \"details\": {%s}}",
					 b->n, c->n, res->details.data);

	return DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data));
}

/*
 * The score of the two sides as jsonb.  Numeric sides have x (sorted) set,
 * categorical ones s or a category table.  The options come validated from
 * the SQL wrappers.
 */
Datum
drift_compute(DriftSide *b, DriftSide *c, bool numeric, const DriftOptions *opt)
{
	const MethodInfo *requested = find_method(opt->method);
	const MethodInfo *mi = requested;
	double		threshold = opt->threshold;
	bool		exact = !b->approximate && !c->approximate;
	const char *auto_reason = NULL;
	char		error_kind = 0;
	Result		res;

	initStringInfo(&res.details);
	res.p_value = NAN;
	res.score = NAN;

	if (mi->method == DM_AUTO)
		mi = resolve_auto(b, c, numeric, &auto_reason);
	res.mi = mi;
	if (isnan(threshold))
		threshold = mi->threshold;

	switch (mi->method)
	{
		case DM_KS:
		case DM_WASSERSTEIN:
		case DM_WASSERSTEIN_NORMED:
			error_kind = score_distribution(mi, b, c, numeric, opt, &res);
			break;
		case DM_PSI:
		case DM_KL:
		case DM_JS:
		case DM_HELLINGER:
		case DM_TV:
			/* in auto mode, numbers with few distinct values count as categories */
			error_kind = score_binned(mi, b, c, numeric,
									  !numeric || (auto_reason != NULL && mi->method == DM_JS),
									  opt, &res);
			break;
		case DM_CHI_SQUARE:
		case DM_CHI_SQUARE_GOF:
		case DM_Z_TEST:
			error_kind = score_categorical_test(mi, b, c, numeric, opt, &res);
			break;
		case DM_AUTO:
			elog(ERROR, "auto drift method left unresolved");
	}

	if (auto_reason)
		detail_string(&res, "auto", auto_reason);
	if (!exact)
		detail_error(&res, error_kind, b, c);
	return result_jsonb(&res, requested, auto_reason != NULL, threshold,
						exact, b, c, opt);
}

/*
 * The options of vqc._drift_exact and vqc._drift_profile, arguments 2-5:
 * method text, threshold float8, bins int4, binning text (the last three
 * may be NULL: defaults).  what names the inputs in messages.
 */
void
drift_options_from_args(FunctionCallInfo fcinfo, DriftOptions *opt,
						const char *what)
{
	opt->method = text_to_cstring(PG_GETARG_TEXT_PP(2));
	opt->threshold = PG_ARGISNULL(3) ? NAN : PG_GETARG_FLOAT8(3);
	opt->bins = PG_ARGISNULL(4) ? 0 : PG_GETARG_INT32(4);
	/* as vqc._drift_args checks: the C entry points are callable too */
	if (!PG_ARGISNULL(4) && (opt->bins < 1 || opt->bins > 10000))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("drift option \"bins\" must be an integer between 1 and 10000")));
	opt->equal_width = !PG_ARGISNULL(5) &&
		strcmp(text_to_cstring(PG_GETARG_TEXT_PP(5)), "equal_width") == 0;
	opt->report_exact = strcmp(what, "profiles") == 0;
	opt->what = what;
}

/*
 * vqc._drift_exact(baseline anyarray, current anycompatiblearray,
 *                  method text, threshold float8, bins int4, binning text)
 * threshold, bins and binning may be NULL (defaults).
 */
Datum
vqc_drift_exact(PG_FUNCTION_ARGS)
{
	ArrayType  *ab,
			   *ac;
	Oid			tb,
				tc;
	bool		numeric;
	DriftSide	b,
				c;
	DriftOptions opt;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		elog(ERROR, "vqc._drift_exact called with NULL arrays or method");
	ab = PG_GETARG_ARRAYTYPE_P(0);
	ac = PG_GETARG_ARRAYTYPE_P(1);
	drift_options_from_args(fcinfo, &opt, "arrays");
	/* an unknown method fails before the arrays are read */
	find_method(opt.method);

	tb = ARR_ELEMTYPE(ab);
	tc = ARR_ELEMTYPE(ac);
	if (is_numeric_type(tb) && is_numeric_type(tc))
		numeric = true;
	else if (tb == tc || (is_text_type(tb) && is_text_type(tc)))
		numeric = false;
	else
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("baseline and current arrays have incompatible element types %s and %s",
						format_type_be(tb), format_type_be(tc)),
				 errdetail("Both must be numeric (smallint, integer, bigint, real, double precision, numeric), both text-like, or of the same type.")));

	drift_side_init(&b, "baseline");
	drift_side_init(&c, "current");
	load_side(ab, numeric, &b);
	load_side(ac, numeric, &c);

	PG_RETURN_DATUM(drift_compute(&b, &c, numeric, &opt));
}
