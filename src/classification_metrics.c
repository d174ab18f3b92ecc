/*-------------------------------------------------------------------------
 *
 * classification_metrics.c
 *	  The classification metrics of a vqc.confusion_state, as scikit-learn
 *	  1.2 defines them: accuracy, balanced accuracy, precision, recall, F1
 *	  and F-beta (binary / micro / macro / weighted, zero_division), the
 *	  Matthews correlation, Cohen's kappa (unweighted, linear, quadratic)
 *	  and the confusion matrix.  Classes are ordered as scikit-learn sorts
 *	  its labels: numbers by value, strings by code point (byte order of
 *	  UTF-8), false before true.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/json.h"
#include "utils/numeric.h"

#include "classification.h"
#include "classification_internal.h"

/* ---------------------------------------------------------------------
 * Canonical keys and their order
 * ---------------------------------------------------------------------
 */

static bool
key_is(const char *key, uint32 len, const char *s)
{
	return len == strlen(s) && memcmp(key, s, len) == 0;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?, not -0; or NaN, Infinity, -Infinity */
bool
conf_number_key_valid(const char *key, uint32 len)
{
	uint32		i = 0;
	uint32		start;

	if (key_is(key, len, "NaN") || key_is(key, len, "Infinity") ||
		key_is(key, len, "-Infinity"))
		return true;
	if (i < len && key[i] == '-')
		i++;
	start = i;
	if (i >= len)
		return false;
	if (key[i] == '0')
		i++;
	else
	{
		if (key[i] < '1' || key[i] > '9')
			return false;
		while (i < len && key[i] >= '0' && key[i] <= '9')
			i++;
	}
	if (i < len)
	{
		if (key[i] != '.' || i + 1 >= len || key[len - 1] == '0')
			return false;
		for (i++; i < len; i++)
		{
			if (key[i] < '0' || key[i] > '9')
				return false;
		}
	}
	/* "-0" is not canonical, "-0.5" is */
	return !(start == 1 && len == 2 && key[1] == '0');
}

/* the key of a float label: float8's text (-0 as 0) */
static char *
float_key(float8 x)
{
	if (x == 0)
		x = 0;
	return float8out_internal(x);
}

static float8
key_float(const char *key, uint32 len)
{
	char	   *s = pnstrdup(key, len);
	float8		x = strtod(s, NULL);

	pfree(s);
	return x;
}

bool
conf_float_key_valid(const char *key, uint32 len)
{
	char	   *s = pnstrdup(key, len);
	char	   *end;
	float8		x;
	bool		ok;

	x = strtod(s, &end);
	ok = end == s + len && len > 0 && strcmp(float_key(x), s) == 0;
	pfree(s);
	return ok;
}

/* number keys: -Infinity < finite < Infinity < NaN (numeric's order) */
static int
number_class(const char *key, uint32 len)
{
	if (key_is(key, len, "-Infinity"))
		return 0;
	if (key_is(key, len, "Infinity"))
		return 2;
	if (key_is(key, len, "NaN"))
		return 3;
	return 1;
}

/* compares the magnitudes of two canonical unsigned decimals */
static int
cmp_magnitude(const char *a, uint32 alen, const char *b, uint32 blen)
{
	const char *ad = memchr(a, '.', alen);
	const char *bd = memchr(b, '.', blen);
	uint32		ai = ad ? ad - a : alen;
	uint32		bi = bd ? bd - b : blen;
	uint32		af;
	uint32		bf;
	int			c;

	if (ai != bi)
		return ai < bi ? -1 : 1;
	c = memcmp(a, b, ai);
	if (c != 0)
		return c;
	af = ad ? alen - ai - 1 : 0;
	bf = bd ? blen - bi - 1 : 0;
	c = memcmp(a + ai + (af ? 1 : 0), b + bi + (bf ? 1 : 0), Min(af, bf));
	if (c != 0)
		return c;
	return af == bf ? 0 : (af < bf ? -1 : 1);
}

static int
cmp_number_keys(const char *a, uint32 alen, const char *b, uint32 blen)
{
	int			ca = number_class(a, alen);
	int			cb = number_class(b, blen);
	bool		na;
	bool		nb;
	int			m;

	if (ca != cb)
		return ca < cb ? -1 : 1;
	if (ca != 1)
		return 0;
	na = a[0] == '-';
	nb = b[0] == '-';
	if (na != nb)
		return na ? -1 : 1;
	m = cmp_magnitude(a + na, alen - na, b + nb, blen - nb);
	return na ? -m : m;
}

static int
cmp_keys(int kind, const ConfLabel *a, const ConfLabel *b)
{
	int			c;

	switch (kind)
	{
		case CONF_KIND_NUMBER:
			return cmp_number_keys(a->bytes, a->len, b->bytes, b->len);
		case CONF_KIND_FLOAT:
			{
				float8		x = key_float(a->bytes, a->len);
				float8		y = key_float(b->bytes, b->len);

				return float8_cmp_internal(x, y);
			}
		default:
			c = memcmp(a->bytes, b->bytes, Min(a->len, b->len));
			if (c != 0)
				return c;
			return a->len == b->len ? 0 : (a->len < b->len ? -1 : 1);
	}
}

static int
cmp_label_idx(const void *pa, const void *pb, void *arg)
{
	const ConfData *d = (const ConfData *) arg;

	return cmp_keys(d->flags & CONF_KIND_MASK,
					&d->labels[*(const int32 *) pa], &d->labels[*(const int32 *) pb]);
}

/* ---------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------
 */

uint8
conf_parse_average(const char *s)
{
	if (s == NULL)
		return AVG_NONE;
	if (strcmp(s, "binary") == 0)
		return AVG_BINARY;
	if (strcmp(s, "micro") == 0)
		return AVG_MICRO;
	if (strcmp(s, "macro") == 0)
		return AVG_MACRO;
	if (strcmp(s, "weighted") == 0)
		return AVG_WEIGHTED;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("average must be 'binary', 'micro', 'macro', 'weighted' or NULL"),
			 errdetail("scikit-learn's 'samples' applies to multilabel targets, which a confusion state does not hold.")));
	return AVG_BINARY;			/* keep compiler quiet */
}

uint8
conf_parse_zero_division(const char *s)
{
	if (s == NULL || strcmp(s, "warn") == 0)
		return ZD_WARN;
	if (strcmp(s, "0") == 0 || strcmp(s, "0.0") == 0)
		return ZD_ZERO;
	if (strcmp(s, "1") == 0 || strcmp(s, "1.0") == 0)
		return ZD_ONE;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("zero_division must be 'warn', '0' or '1'")));
	return ZD_WARN;
}

uint8
conf_parse_weights(const char *s)
{
	if (s == NULL)
		return KW_NONE;
	if (strcmp(s, "linear") == 0)
		return KW_LINEAR;
	if (strcmp(s, "quadratic") == 0)
		return KW_QUADRATIC;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("weights must be NULL, 'linear' or 'quadratic'")));
	return KW_NONE;
}

float8
conf_check_beta(float8 beta)
{
	if (isnan(beta) || beta < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("beta must be at least 0")));
	return beta;
}

/* pos_label (NULL: 1) as the canonical key of the state's kind */
static char *
canonical_pos(int kind, const char *pos)
{
	if (pos == NULL)
		pos = "1";
	switch (kind)
	{
		case CONF_KIND_NUMBER:
			{
				Datum		n = DirectFunctionCall3(numeric_in, CStringGetDatum(pos),
													ObjectIdGetDatum(InvalidOid),
													Int32GetDatum(-1));

				return DatumGetCString(DirectFunctionCall1(numeric_out,
														   DirectFunctionCall1(numeric_trim_scale, n)));
			}
		case CONF_KIND_FLOAT:
			return float_key(DatumGetFloat8(DirectFunctionCall1(float8in, CStringGetDatum(pos))));
		case CONF_KIND_BOOL:
			{
				bool		b;

				if (!parse_bool(pos, &b))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("pos_label is not a boolean, as the labels are")));
				return pstrdup(b ? "true" : "false");
			}
		default:
			return pstrdup(pos);
	}
}

/* ---------------------------------------------------------------------
 * Per-class sums in label order
 * ---------------------------------------------------------------------
 */

typedef struct ConfTable
{
	ConfData   *d;
	int32		K;
	int32	   *order;			/* order[r]: the class at sorted rank r */
	int32	   *rank;			/* rank[class] */
	double	   *tp;				/* by rank: correct predictions */
	double	   *ts;				/* by rank: true count (support) */
	double	   *ps;				/* by rank: predicted count */
	double		n;
} ConfTable;

static void
conf_table(ConfData *d, ConfTable *t)
{
	int32		i;
	uint32		c;

	t->d = d;
	t->K = d->nlabels;
	t->order = palloc(Max(t->K, 1) * sizeof(int32));
	t->rank = palloc(Max(t->K, 1) * sizeof(int32));
	t->tp = palloc0(Max(t->K, 1) * sizeof(double));
	t->ts = palloc0(Max(t->K, 1) * sizeof(double));
	t->ps = palloc0(Max(t->K, 1) * sizeof(double));
	t->n = 0;
	for (i = 0; i < t->K; i++)
		t->order[i] = i;
	qsort_arg(t->order, t->K, sizeof(int32), cmp_label_idx, d);
	for (i = 0; i < t->K; i++)
		t->rank[t->order[i]] = i;
	for (c = 0; c <= d->cmask; c++)
	{
		const ConfCell *cell = &d->cells[c];
		int32		tr;
		int32		pr;

		if (cell->key == PG_UINT64_MAX)
			continue;
		tr = t->rank[cell->key >> 32];
		pr = t->rank[(uint32) cell->key];
		t->ts[tr] += cell->count;
		t->ps[pr] += cell->count;
		if (tr == pr)
			t->tp[tr] += cell->count;
		t->n += cell->count;
	}
}

/* ---------------------------------------------------------------------
 * Metrics
 * ---------------------------------------------------------------------
 */

static double
conf_accuracy(ConfTable *t)
{
	double		correct = 0;
	int32		k;

	for (k = 0; k < t->K; k++)
		correct += t->tp[k];
	return correct / t->n;
}

/* mean recall over the classes that occur in y_true */
static double
conf_balanced_accuracy(ConfTable *t)
{
	double		sum = 0;
	int32		m = 0;
	int32		k;

	for (k = 0; k < t->K; k++)
	{
		if (t->ts[k] > 0)
		{
			sum += t->tp[k] / t->ts[k];
			m++;
		}
	}
	return sum / m;
}

typedef struct Prf
{
	double		p;
	double		r;
	double		f;
} Prf;

/* one class's (or micro sums') precision, recall, F-beta */
static Prf
prf_of(double tp, double ps, double ts, double beta, int zd)
{
	double		zdv = zd == ZD_ONE ? 1.0 : 0.0;
	double		b2 = beta * beta;
	Prf			x;

	x.p = ps == 0 ? zdv : tp / ps;
	x.r = ts == 0 ? zdv : tp / ts;
	if (isinf(beta))
		x.f = x.r;
	else
	{
		double		den = b2 * x.p + x.r;

		if (den == 0)
			den = 1;
		x.f = (1 + b2) * x.p * x.r / den;
	}
	return x;
}

/*
 * Averaged precision, recall and F-beta as precision_recall_fscore_support
 * computes them; t->K > 0.
 */
static Prf
conf_prf(ConfTable *t, int average, const char *pos, double beta, int zd)
{
	Prf			sum = {0, 0, 0};
	int32		k;

	switch (average)
	{
		case AVG_BINARY:
			{
				char	   *key;
				int32		cls;

				if (t->K > 2)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("average 'binary' needs at most two classes"),
							 errdetail("The labels and predictions have %d classes.", t->K),
							 errhint("Choose average 'micro', 'macro' or 'weighted'.")));
				key = canonical_pos(t->d->flags & CONF_KIND_MASK, pos);
				cls = conf_label_index(t->d, key, strlen(key), false);
				if (cls < 0)
				{
					if (t->K == 2)
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("pos_label is not one of the two classes"),
								 errhint("Give pos_label as the positive class's text (the default is 1).")));
					return prf_of(0, 0, 0, beta, zd);
				}
				k = t->rank[cls];
				return prf_of(t->tp[k], t->ps[k], t->ts[k], beta, zd);
			}
		case AVG_MICRO:
			{
				double		tp = 0;

				for (k = 0; k < t->K; k++)
					tp += t->tp[k];
				return prf_of(tp, t->n, t->n, beta, zd);
			}
		case AVG_MACRO:
			for (k = 0; k < t->K; k++)
			{
				Prf			x = prf_of(t->tp[k], t->ps[k], t->ts[k], beta, zd);

				sum.p += x.p;
				sum.r += x.r;
				sum.f += x.f;
			}
			sum.p /= t->K;
			sum.r /= t->K;
			sum.f /= t->K;
			return sum;
		case AVG_WEIGHTED:
			for (k = 0; k < t->K; k++)
			{
				Prf			x = prf_of(t->tp[k], t->ps[k], t->ts[k], beta, zd);

				sum.p += x.p * t->ts[k];
				sum.r += x.r * t->ts[k];
				sum.f += x.f * t->ts[k];
			}
			/* every pair has a true label: the weights add up to n > 0 */
			sum.p /= t->n;
			sum.r /= t->n;
			sum.f /= t->n;
			return sum;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("average NULL gives one value per class"),
			 errhint("Use vqc.precision_recall_fscore_support(state, beta, NULL) for the per-class values.")));
	return sum;
}

static double
conf_mcc(ConfTable *t)
{
	double		correct = 0;
	double		tp_dot = 0;
	double		pp = 0;
	double		tt = 0;
	double		cov_ytyp;
	double		cov_ypyp;
	double		cov_ytyt;
	int32		k;

	for (k = 0; k < t->K; k++)
	{
		correct += t->tp[k];
		tp_dot += t->ts[k] * t->ps[k];
		pp += t->ps[k] * t->ps[k];
		tt += t->ts[k] * t->ts[k];
	}
	cov_ytyp = correct * t->n - tp_dot;
	cov_ypyp = t->n * t->n - pp;
	cov_ytyt = t->n * t->n - tt;
	if (cov_ypyp * cov_ytyt == 0)
		return 0.0;
	return cov_ytyp / sqrt(cov_ytyt * cov_ypyp);
}

static double
kappa_weight(int weights, int32 i, int32 j)
{
	double		d = (double) i - (double) j;

	switch (weights)
	{
		case KW_LINEAR:
			return fabs(d);
		case KW_QUADRATIC:
			return d * d;
		default:
			return i == j ? 0.0 : 1.0;
	}
}

/*
 * Cohen's kappa as scikit-learn: 1 - sum(w * C) / sum(w * E), with E the
 * outer product of the predicted and true counts over n.  The expected
 * side is O(K^2) up to 4096 classes, else by prefix sums.
 */
static double
conf_kappa(ConfTable *t, int weights)
{
	ConfData   *d = t->d;
	double		num = 0;
	double		den = 0;
	uint32		c;
	int32		i;
	int32		j;

	for (c = 0; c <= d->cmask; c++)
	{
		if (d->cells[c].key == PG_UINT64_MAX)
			continue;
		num += kappa_weight(weights, t->rank[d->cells[c].key >> 32],
							t->rank[(uint32) d->cells[c].key]) * d->cells[c].count;
	}
	if (weights == KW_NONE)
	{
		double		diag = 0;

		for (i = 0; i < t->K; i++)
			diag += t->ps[i] * t->ts[i];
		den = (t->n * t->n - diag) / t->n;
	}
	else if (t->K <= 4096)
	{
		for (i = 0; i < t->K; i++)
		{
			double		row = 0;

			for (j = 0; j < t->K; j++)
				row += kappa_weight(weights, i, j) * t->ts[j];
			den += t->ps[i] * row;
		}
		den /= t->n;
	}
	else
	{
		long double P = 0,
					S = 0,
					Q = 0,
					Pl = 0,
					Sl = 0,
					acc = 0;

		for (i = 0; i < t->K; i++)
		{
			P += t->ps[i];
			S += (long double) i * t->ps[i];
			Q += (long double) i * i * t->ps[i];
		}
		for (j = 0; j < t->K; j++)
		{
			long double s;

			if (weights == KW_QUADRATIC)
				s = Q - 2.0L * j * S + (long double) j * j * P;
			else
				s = ((long double) j * Pl - Sl) + ((S - Sl - (long double) j * t->ps[j]) -
												   (long double) j * (P - Pl - t->ps[j]));
			acc += s * t->ts[j];
			Pl += t->ps[j];
			Sl += (long double) j * t->ps[j];
		}
		den = (double) (acc / t->n);
	}
	return 1.0 - num / den;
}

/* ---------------------------------------------------------------------
 * SQL functions
 * ---------------------------------------------------------------------
 */

/*
 * The state's table, or NULL when the argument is NULL or the state has
 * no pairs (every metric is then NULL).
 */
static ConfTable *
table_arg(FunctionCallInfo fcinfo)
{
	ConfData   *d;
	ConfTable  *t;

	if (PG_ARGISNULL(0))
		return NULL;
	d = conf_get_arg(fcinfo, 0);
	if (d->ncells == 0)
		return NULL;
	t = palloc(sizeof(ConfTable));
	conf_table(d, t);
	return t;
}

static const char *
text_arg_or_null(FunctionCallInfo fcinfo, int argno)
{
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return NULL;
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

PG_FUNCTION_INFO_V1(vqc_confusion_accuracy);
PG_FUNCTION_INFO_V1(vqc_confusion_balanced_accuracy);
PG_FUNCTION_INFO_V1(vqc_confusion_precision);
PG_FUNCTION_INFO_V1(vqc_confusion_recall);
PG_FUNCTION_INFO_V1(vqc_confusion_fscore);
PG_FUNCTION_INFO_V1(vqc_confusion_fbeta);
PG_FUNCTION_INFO_V1(vqc_confusion_precision_final);
PG_FUNCTION_INFO_V1(vqc_confusion_recall_final);
PG_FUNCTION_INFO_V1(vqc_confusion_fscore_final);
PG_FUNCTION_INFO_V1(vqc_confusion_mcc);
PG_FUNCTION_INFO_V1(vqc_confusion_kappa);
PG_FUNCTION_INFO_V1(vqc_confusion_kappa_final);
PG_FUNCTION_INFO_V1(vqc_confusion_matrix);
PG_FUNCTION_INFO_V1(vqc_confusion_prfs);
PG_FUNCTION_INFO_V1(vqc_confusion_count);
PG_FUNCTION_INFO_V1(vqc_confusion_skipped);

/* vqc.accuracy_score(state); also the aggregate's final function */
Datum
vqc_confusion_accuracy(PG_FUNCTION_ARGS)
{
	ConfTable  *t = table_arg(fcinfo);

	if (t == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(conf_accuracy(t));
}

Datum
vqc_confusion_balanced_accuracy(PG_FUNCTION_ARGS)
{
	ConfTable  *t = table_arg(fcinfo);

	if (t == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(conf_balanced_accuracy(t));
}

/* which of precision, recall, F-beta */
typedef enum PrfPart
{
	PRF_P,
	PRF_R,
	PRF_F
} PrfPart;

static double
prf_part(Prf x, PrfPart part)
{
	return part == PRF_P ? x.p : (part == PRF_R ? x.r : x.f);
}

/* (state, [beta,] average, pos_label, zero_division), NULL options as defaults */
static Datum
prf_accessor(FunctionCallInfo fcinfo, PrfPart part, bool with_beta)
{
	ConfTable  *t = table_arg(fcinfo);
	int			a = with_beta ? 2 : 1;
	double		beta = 1.0;
	int			average;
	int			zd;

	if (with_beta)
	{
		if (PG_ARGISNULL(1))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("beta must not be NULL")));
		beta = conf_check_beta(PG_GETARG_FLOAT8(1));
	}
	average = conf_parse_average(text_arg_or_null(fcinfo, a));
	zd = conf_parse_zero_division(text_arg_or_null(fcinfo, a + 2));
	if (average == AVG_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("average NULL gives one value per class"),
				 errhint("Use vqc.precision_recall_fscore_support(state, beta, NULL) for the per-class values.")));
	if (t == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(prf_part(conf_prf(t, average, text_arg_or_null(fcinfo, a + 1), beta, zd),
							  part));
}

Datum
vqc_confusion_precision(PG_FUNCTION_ARGS)
{
	return prf_accessor(fcinfo, PRF_P, false);
}

Datum
vqc_confusion_recall(PG_FUNCTION_ARGS)
{
	return prf_accessor(fcinfo, PRF_R, false);
}

Datum
vqc_confusion_fscore(PG_FUNCTION_ARGS)
{
	return prf_accessor(fcinfo, PRF_F, false);
}

Datum
vqc_confusion_fbeta(PG_FUNCTION_ARGS)
{
	return prf_accessor(fcinfo, PRF_F, true);
}

/* final functions of the precision, recall, f1 and fbeta aggregates */
static Datum
prf_final(FunctionCallInfo fcinfo, PrfPart part)
{
	ConfTable  *t = table_arg(fcinfo);
	ConfOpts   *o;

	if (t == NULL)
		PG_RETURN_NULL();
	o = &t->d->opts;
	PG_RETURN_FLOAT8(prf_part(conf_prf(t, o->average, o->has_pos ? o->pos : NULL,
									   o->beta, o->zero_division),
							  part));
}

Datum
vqc_confusion_precision_final(PG_FUNCTION_ARGS)
{
	return prf_final(fcinfo, PRF_P);
}

Datum
vqc_confusion_recall_final(PG_FUNCTION_ARGS)
{
	return prf_final(fcinfo, PRF_R);
}

Datum
vqc_confusion_fscore_final(PG_FUNCTION_ARGS)
{
	return prf_final(fcinfo, PRF_F);
}

Datum
vqc_confusion_mcc(PG_FUNCTION_ARGS)
{
	ConfTable  *t = table_arg(fcinfo);

	if (t == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(conf_mcc(t));
}

/* vqc.cohen_kappa_score(state, weights) */
Datum
vqc_confusion_kappa(PG_FUNCTION_ARGS)
{
	ConfTable  *t = table_arg(fcinfo);
	int			w = conf_parse_weights(text_arg_or_null(fcinfo, 1));

	if (t == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(conf_kappa(t, w));
}

Datum
vqc_confusion_kappa_final(PG_FUNCTION_ARGS)
{
	ConfTable  *t = table_arg(fcinfo);

	if (t == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(conf_kappa(t, t->d->opts.weights));
}

static void
json_label(StringInfo buf, const ConfLabel *l)
{
	char	   *s = pnstrdup(l->bytes, l->len);

	escape_json(buf, s);
	pfree(s);
}

static void
json_number(StringInfo buf, double x)
{
	if (isnan(x) || isinf(x))
		appendStringInfoString(buf, "null");
	else
		appendStringInfoString(buf, float8out_internal(x));
}

static Datum
jsonb_from(StringInfo buf)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf->data));
}

static void
json_labels(StringInfo buf, ConfTable *t)
{
	int32		k;

	appendStringInfoString(buf, "\"labels\": [");
	for (k = 0; k < t->K; k++)
	{
		if (k > 0)
			appendStringInfoString(buf, ", ");
		json_label(buf, &t->d->labels[t->order[k]]);
	}
	appendStringInfoChar(buf, ']');
}

/*
 * vqc.confusion_matrix(state): {"labels": [...], "matrix": [[...]], "skipped": n},
 * rows true classes and columns predicted ones, in label order.
 */
Datum
vqc_confusion_matrix(PG_FUNCTION_ARGS)
{
	ConfTable  *t;
	ConfData   *d;
	StringInfoData buf;
	int64	   *m;
	int32		i;
	int32		j;
	uint32		c;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	d = conf_get_arg(fcinfo, 0);
	t = palloc(sizeof(ConfTable));
	conf_table(d, t);
	if ((Size) t->K * t->K > MaxAllocSize / sizeof(int64) / 8)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the confusion matrix has too many classes to show")));
	m = palloc0(Max((Size) t->K * t->K, 1) * sizeof(int64));
	for (c = 0; c <= d->cmask; c++)
	{
		if (d->cells[c].key != PG_UINT64_MAX)
			m[(Size) t->rank[d->cells[c].key >> 32] * t->K +
			  t->rank[(uint32) d->cells[c].key]] = d->cells[c].count;
	}
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	json_labels(&buf, t);
	appendStringInfoString(&buf, ", \"matrix\": [");
	for (i = 0; i < t->K; i++)
	{
		appendStringInfoString(&buf, i > 0 ? ", [" : "[");
		for (j = 0; j < t->K; j++)
			appendStringInfo(&buf, j > 0 ? ", " INT64_FORMAT : INT64_FORMAT,
							 m[(Size) i * t->K + j]);
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfo(&buf, "], \"skipped\": " INT64_FORMAT "}", d->skipped);
	PG_RETURN_DATUM(jsonb_from(&buf));
}

/*
 * vqc.precision_recall_fscore_support(state, beta, average, pos_label,
 * zero_division): per class ({"labels", "precision", "recall",
 * "fbeta_score", "support"} arrays in label order) when average is NULL,
 * else the averages and "support": null, as scikit-learn returns them.
 */
Datum
vqc_confusion_prfs(PG_FUNCTION_ARGS)
{
	ConfTable  *t = table_arg(fcinfo);
	double		beta;
	int			average;
	int			zd;
	StringInfoData buf;
	int32		k;
	Prf		   *x;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("beta must not be NULL")));
	beta = conf_check_beta(PG_GETARG_FLOAT8(1));
	average = conf_parse_average(text_arg_or_null(fcinfo, 2));
	zd = conf_parse_zero_division(text_arg_or_null(fcinfo, 4));
	if (t == NULL)
		PG_RETURN_NULL();
	initStringInfo(&buf);
	if (average != AVG_NONE)
	{
		Prf			a = conf_prf(t, average, text_arg_or_null(fcinfo, 3), beta, zd);

		appendStringInfoString(&buf, "{\"precision\": ");
		json_number(&buf, a.p);
		appendStringInfoString(&buf, ", \"recall\": ");
		json_number(&buf, a.r);
		appendStringInfoString(&buf, ", \"fbeta_score\": ");
		json_number(&buf, a.f);
		appendStringInfoString(&buf, ", \"support\": null}");
		PG_RETURN_DATUM(jsonb_from(&buf));
	}
	x = palloc(t->K * sizeof(Prf));
	for (k = 0; k < t->K; k++)
		x[k] = prf_of(t->tp[k], t->ps[k], t->ts[k], beta, zd);
	appendStringInfoChar(&buf, '{');
	json_labels(&buf, t);
	for (int part = PRF_P; part <= PRF_F; part++)
	{
		appendStringInfo(&buf, ", \"%s\": [",
						 part == PRF_P ? "precision" : (part == PRF_R ? "recall" : "fbeta_score"));
		for (k = 0; k < t->K; k++)
		{
			if (k > 0)
				appendStringInfoString(&buf, ", ");
			json_number(&buf, prf_part(x[k], (PrfPart) part));
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, ", \"support\": [");
	for (k = 0; k < t->K; k++)
		appendStringInfo(&buf, k > 0 ? ", %.0f" : "%.0f", t->ts[k]);
	appendStringInfoString(&buf, "]}");
	PG_RETURN_DATUM(jsonb_from(&buf));
}

/* pairs counted (rows with both labels) */
Datum
vqc_confusion_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(conf_total(conf_get_arg(fcinfo, 0)));
}

/* rows skipped for a NULL label or prediction */
Datum
vqc_confusion_skipped(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(conf_get_arg(fcinfo, 0)->skipped);
}
