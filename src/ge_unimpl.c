/*-------------------------------------------------------------------------
 *
 * ge_unimpl.c
 *	  The row tests and statistics behind the Great Expectations types that
 *	  GE itself does not run on SQL databases (src/sql/ge_unimpl.sql):
 *	  JSON parseability, dateutil-style date parsing, the one-sample
 *	  Kolmogorov-Smirnov test against a named distribution (as
 *	  scipy.stats.kstest), GE's bootstrapped KS test against a partition and
 *	  the chi-square survival function.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/jsonapi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"

#include "drift_stats.h"

PG_FUNCTION_INFO_V1(vqc_is_json);
PG_FUNCTION_INFO_V1(vqc_is_dateutil_parseable);
PG_FUNCTION_INFO_V1(vqc_ks_1samp);
PG_FUNCTION_INFO_V1(vqc_chi2_sf_sql);
PG_FUNCTION_INFO_V1(vqc_ks_bootstrap);

/* vqc.is_json(text): the text is one JSON value (PostgreSQL's json grammar) */
Datum
vqc_is_json(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	JsonLexContext *lex;

	lex = makeJsonLexContextCstringLen(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
									   GetDatabaseEncoding(), false);
	PG_RETURN_BOOL(pg_parse_json(lex, &nullSemAction) == JSON_SUCCESS);
}

/*
 * vqc.is_dateutil_parseable(text): the text is a date, a date-time or a
 * time of day as PostgreSQL's date/time input reads it (DateStyle decides
 * day or month first, as dateutil's dayfirst).  Special words (now,
 * infinity, epoch, today) are not dates to dateutil: a date has a digit.
 */
Datum
vqc_is_dateutil_parseable(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	char	   *s;
	char		workbuf[MAXDATELEN + MAXDATEFIELDS];
	char	   *field[MAXDATEFIELDS];
	int			ftype[MAXDATEFIELDS];
	int			nf;
	int			dtype;
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;

	if (VARSIZE_ANY_EXHDR(t) == 0 || VARSIZE_ANY_EXHDR(t) > MAXDATELEN)
		PG_RETURN_BOOL(false);
	s = text_to_cstring(t);
	if (strpbrk(s, "0123456789") == NULL)
		PG_RETURN_BOOL(false);
	if (ParseDateTime(s, workbuf, sizeof(workbuf), field, ftype, MAXDATEFIELDS, &nf) != 0 || nf == 0)
		PG_RETURN_BOOL(false);
	if (DecodeDateTime(field, ftype, nf, &dtype, &tm, &fsec, &tz) == 0)
		PG_RETURN_BOOL(dtype == DTK_DATE);
	if (DecodeTimeOnly(field, ftype, nf, &dtype, &tm, &fsec, &tz) == 0)
		PG_RETURN_BOOL(dtype == DTK_TIME);
	PG_RETURN_BOOL(false);
}

/* ---------------------------------------------------------------------
 * distributions: the CDFs of scipy.stats with its positional arguments
 */

#define LENTZ_TINY 1e-300

/* one step of Lentz's method: updates c and d by the term aa, returns c d */
static double
lentz_step(double *c, double *d, double aa)
{
	*d = 1.0 + aa * *d;
	*c = 1.0 + aa / *c;
	if (fabs(*d) < LENTZ_TINY)
		*d = LENTZ_TINY;
	if (fabs(*c) < LENTZ_TINY)
		*c = LENTZ_TINY;
	*d = 1.0 / *d;
	return *d * *c;
}

/* continued fraction of the regularized incomplete beta (Lentz) */
static double
betacf(double a, double b, double x)
{
	double		c = 1.0,
				d = 1.0 - (a + b) * x / (a + 1.0),
				h;
	int			m;

	if (fabs(d) < LENTZ_TINY)
		d = LENTZ_TINY;
	d = 1.0 / d;
	h = d;
	for (m = 1; m <= 10000; m++)
	{
		double		m2 = 2.0 * m,
					del;

		h *= lentz_step(&c, &d, m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)));
		del = lentz_step(&c, &d, -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)));
		h *= del;
		if (fabs(del - 1.0) < 1e-15)
			break;
	}
	return h;
}

/* I_x(a, b), the regularized incomplete beta function */
static double
incbeta(double a, double b, double x)
{
	double		front;

	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * betacf(a, b, x) / a;
	return 1.0 - front * betacf(b, a, 1.0 - x) / b;
}

/* P(a, x), the regularized lower incomplete gamma function */
static double
igam(double a, double x)
{
	if (x <= 0.0)
		return 0.0;
	return 1.0 - vqc_igamc(a, x);
}

typedef struct Dist
{
	int			kind;			/* index into dist_names */
	double		shape[2];
	double		loc;
	double		scale;
} Dist;

static const char *const dist_names[] = {"norm", "uniform", "expon", "gamma", "chi2", "beta"};
static const int dist_shapes[] = {0, 0, 0, 1, 1, 2};

static double
dist_cdf(const Dist *d, double x)
{
	double		z = (x - d->loc) / d->scale;

	switch (d->kind)
	{
		case 0:
			return 0.5 * erfc(-z / M_SQRT2);
		case 1:
			return z <= 0.0 ? 0.0 : (z >= 1.0 ? 1.0 : z);
		case 2:
			return z <= 0.0 ? 0.0 : -expm1(-z);
		case 3:
			return igam(d->shape[0], z);
		case 4:
			return igam(d->shape[0] / 2.0, z / 2.0);
		default:
			return incbeta(d->shape[0], d->shape[1], z);
	}
}

/* the distribution named name with scipy's positional args (shapes, loc, scale) */
static void
dist_from_args(Dist *d, const char *name, const double *args, int nargs)
{
	int			k,
				ns,
				i;

	for (k = 0; k < (int) lengthof(dist_names); k++)
		if (strcmp(name, dist_names[k]) == 0)
			break;
	if (k == (int) lengthof(dist_names))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown distribution \"%s\"", name),
				 errhint("Use norm, uniform, expon, gamma, chi2 or beta.")));
	ns = dist_shapes[k];
	if (nargs < ns || nargs > ns + 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("distribution \"%s\" takes %d to %d parameters, not %d", name, ns, ns + 2, nargs),
				 errdetail("The parameters are scipy.stats' positional ones: the shapes, then loc and scale.")));
	d->kind = k;
	for (i = 0; i < ns; i++)
		d->shape[i] = args[i];
	d->loc = nargs > ns ? args[ns] : 0.0;
	d->scale = nargs > ns + 1 ? args[ns + 1] : 1.0;
	for (i = 0; i < nargs; i++)
		if (!isfinite(args[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("distribution parameters must be finite numbers")));
	if (d->scale <= 0.0 || (ns > 0 && d->shape[0] <= 0.0) || (ns > 1 && d->shape[1] <= 0.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("distribution \"%s\" needs a positive scale and positive shape parameters", name)));
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* the non-null float8 elements of an array, palloc'd; *n gets their number */
static double *
float8_elements(ArrayType *a, int *n)
{
	Datum	   *d;
	bool	   *isnull;
	int			nd,
				i;
	double	   *x;

	deconstruct_array(a, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &d, &isnull, &nd);
	x = palloc(sizeof(double) * Max(nd, 1));
	*n = 0;
	for (i = 0; i < nd; i++)
		if (!isnull[i])
			x[(*n)++] = DatumGetFloat8(d[i]);
	return x;
}

/*
 * vqc._ks_1samp(values float8[], distribution text, args float8[]) returns
 * {D, p}: scipy.stats.kstest(values, distribution, args) two-sided, whose
 * p-value is the exact kstwo.sf(D, n).  NULL elements are skipped; no
 * values give {NULL, NULL}.
 */
Datum
vqc_ks_1samp(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	ArrayType  *pa = PG_GETARG_ARRAYTYPE_P(2);
	int			n,
				np,
				i;
	double	   *x = float8_elements(PG_GETARG_ARRAYTYPE_P(0), &n);
	double	   *args = float8_elements(pa, &np);
	double		dmax = 0.0;
	Dist		dist = {0};
	Datum		out[2];
	bool		outnull[2] = {false, false};
	int			dims[1] = {2},
				lbs[1] = {1};

	if (np != ArrayGetNItems(ARR_NDIM(pa), ARR_DIMS(pa)))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("distribution parameters must not be null")));
	dist_from_args(&dist, name, args, np);

	if (n == 0)
	{
		outnull[0] = outnull[1] = true;
		out[0] = out[1] = (Datum) 0;
	}
	else
	{
		qsort(x, n, sizeof(double), cmp_double);
		for (i = 0; i < n; i++)
		{
			double		f = dist_cdf(&dist, x[i]);
			double		dplus = (double) (i + 1) / n - f,
						dminus = f - (double) i / n;

			if (isnan(f))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("distribution \"%s\" has no CDF with these parameters", name),
						 errdetail("A parameter is too large for double precision.")));
			dmax = Max(dmax, Max(dplus, dminus));
		}
		out[0] = Float8GetDatum(dmax);
		out[1] = Float8GetDatum(Min(1.0, Max(0.0, vqc_kolmogn_sf(n, dmax))));
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, outnull, 1, dims, lbs, FLOAT8OID, 8,
											 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* vqc._chi2_sf(x, dof): the chi-square survival function, as scipy.stats.chi2.sf */
Datum
vqc_chi2_sf_sql(PG_FUNCTION_ARGS)
{
	double		x = PG_GETARG_FLOAT8(0);
	double		dof = PG_GETARG_FLOAT8(1);

	if (isnan(x))
		PG_RETURN_FLOAT8(NAN);
	if (isinf(x))
		PG_RETURN_FLOAT8(0.0);
	PG_RETURN_FLOAT8(vqc_chi2_sf(x, dof));
}

/* numpy.interp(x, bins, cdf): linear between the edges, flat outside */
static double
interp_cdf(double x, const double *bins, const double *cdf, int nb)
{
	int			lo = 0,
				hi = nb - 1;

	if (x <= bins[0])
		return cdf[0];
	if (x >= bins[nb - 1])
		return cdf[nb - 1];
	while (hi - lo > 1)
	{
		int			mid = (lo + hi) / 2;

		if (bins[mid] <= x)
			lo = mid;
		else
			hi = mid;
	}
	return cdf[lo] + (cdf[hi] - cdf[lo]) * (x - bins[lo]) / (bins[hi] - bins[lo]);
}

/* splitmix64: a fixed, portable sequence, so a test is reproducible */
static uint64
splitmix64(uint64 *state)
{
	uint64		z = (*state += UINT64CONST(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/*
 * vqc._ks_bootstrap(values float8[], bins float8[], weights float8[], p
 * float8, samples int, size int) returns {result, below, above, min, max,
 * count per bin...}: GE's bootstrapped KS test.  It draws samples samples
 * of size values (with replacement) from the sorted values, tests each
 * against the partition's piecewise-linear CDF (scipy.stats.kstest, exact
 * kstwo p-value), and returns (1 + #{p-value >= p}) / (samples + 1).  GE
 * draws from numpy's random generator; vqc from a fixed splitmix64
 * sequence over the sorted values, so the answer depends on the values
 * alone and is the same at every run.  The counts are numpy.histogram's
 * (the last bin closed), and the values below and above the partition.
 */
Datum
vqc_ks_bootstrap(PG_FUNCTION_ARGS)
{
	int			n,
				nb,
				nw,
				i,
				b;
	double	   *x = float8_elements(PG_GETARG_ARRAYTYPE_P(0), &n);
	double	   *bins = float8_elements(PG_GETARG_ARRAYTYPE_P(1), &nb);
	double	   *w = float8_elements(PG_GETARG_ARRAYTYPE_P(2), &nw);
	double		p = PG_GETARG_FLOAT8(3);
	int32		samples = PG_GETARG_INT32(4);
	int32		size = PG_GETARG_INT32(5);
	double	   *cdf,
			   *draw,
			   *out;
	bool	   *outnull;
	int64		passing = 0;
	uint64		state = UINT64CONST(0x5EED0F0B00757A9);
	int			dims[1],
				lbs[1] = {1};
	Datum	   *od;

	if (nb < 2 || nw != nb - 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a partition of k bins needs k + 1 edges")));
	if (samples < 1 || size < 1 || samples > 1000000 || size > 1000000 || (int64) samples * size > 100000000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bootstrap_samples and bootstrap_sample_size must be between 1 and 1000000"),
				 errdetail("Their product (the values drawn) is at most 100000000.")));
	cdf = palloc(sizeof(double) * nb);
	cdf[0] = 0.0;
	for (i = 0; i < nw; i++)
		cdf[i + 1] = cdf[i] + w[i];

	out = palloc0(sizeof(double) * (5 + nw));
	outnull = palloc0(sizeof(bool) * (5 + nw));
	if (n == 0)
		outnull[0] = outnull[3] = outnull[4] = true;
	else
	{
		qsort(x, n, sizeof(double), cmp_double);
		draw = palloc(sizeof(double) * size);
		for (b = 0; b < samples; b++)
		{
			double		dmax = 0.0;

			CHECK_FOR_INTERRUPTS();
			for (i = 0; i < size; i++)
				draw[i] = x[(int) ((double) (splitmix64(&state) >> 11) * 0x1.0p-53 * n)];
			qsort(draw, size, sizeof(double), cmp_double);
			for (i = 0; i < size; i++)
			{
				double		f = interp_cdf(draw[i], bins, cdf, nb);

				dmax = Max(dmax, Max((double) (i + 1) / size - f, f - (double) i / size));
			}
			if (vqc_kolmogn_sf(size, dmax) >= p)
				passing++;
		}
		out[0] = (1.0 + passing) / (samples + 1.0);
		out[3] = x[0];
		out[4] = x[n - 1];
		for (i = 0; i < n; i++)
		{
			if (x[i] < bins[0])
				out[1] += 1;
			else if (x[i] > bins[nb - 1])
				out[2] += 1;
			else
			{
				int			lo = 0,
							hi = nb - 1;

				/* the bin [bins[lo], bins[lo + 1]), the last one closed */
				while (hi - lo > 1)
				{
					int			mid = (lo + hi) / 2;

					if (bins[mid] <= x[i])
						lo = mid;
					else
						hi = mid;
				}
				out[5 + lo] += 1;
			}
		}
	}
	od = palloc(sizeof(Datum) * (5 + nw));
	for (i = 0; i < 5 + nw; i++)
		od[i] = Float8GetDatum(out[i]);
	dims[0] = 5 + nw;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(od, outnull, 1, dims, lbs, FLOAT8OID, 8,
											 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
