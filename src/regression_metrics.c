/*-------------------------------------------------------------------------
 *
 * regression_metrics.c
 *	  vqc.regression_state: one mergeable state behind the regression
 *	  metrics of scikit-learn 1.2 (mean_absolute_error, mean_squared_error
 *	  and its root, mean_absolute_percentage_error, r2_score, max_error)
 *	  over (y_true, y_pred) pairs.
 *
 * The state holds compensated (Neumaier) sums of |e|, e^2 and
 * |e| / max(|y_true|, eps) with e = y_pred - y_true, the largest |e|, and
 * Welford's mean and M2 of y_true for R^2's total sum of squares; states
 * merge with Chan's pairwise formula, so a merged state gives the whole's
 * metrics up to rounding.  Welford runs on y_true minus the first y_true
 * seen (exact for values within a factor of two of it): the mean's rounding
 * is then that of the deviations, not of the values, which keeps R^2 exact
 * to ~1e-13 where y_true sits far from zero (1e8 + N(0, 1)).  A pair with a NULL is skipped and counted; NaN
 * and infinite values are refused (22023), and sums leaving the float8
 * range raise 22003, so every stored number is finite.
 *
 * Binary form (network order): magic "VQCE", version (uint16), flags
 * (uint16, 0), n (int8), nulls (int8), then ten float8 (as IEEE bits):
 * sum_abs, comp_abs, sum_sq, comp_sq, sum_ape, comp_ape, max_abs,
 * shift_true, mean_true, m2_true.  Text form: hex of the binary form.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "label_metric_state.h"

#define TYPNAME "vqc.regression_state"

typedef struct RegressionState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint16		version;		/* VQC_STATE_VERSION */
	uint16		flags;			/* reserved, 0 */
	int64		n;				/* pairs taken */
	int64		nulls;			/* pairs skipped for a NULL */
	double		sum_abs;		/* sum of |e|, with its compensation */
	double		comp_abs;
	double		sum_sq;			/* sum of e^2 */
	double		comp_sq;
	double		sum_ape;		/* sum of |e| / max(|y_true|, eps) */
	double		comp_ape;
	double		max_abs;		/* largest |e| */
	double		shift_true;		/* the first y_true: Welford runs on y_true - shift */
	double		mean_true;		/* mean of y_true - shift */
	double		m2_true;		/* sum of (y_true - mean)^2 */
} RegressionState;

PG_FUNCTION_INFO_V1(vqc_regression_state_in);
PG_FUNCTION_INFO_V1(vqc_regression_state_out);
PG_FUNCTION_INFO_V1(vqc_regression_state_recv);
PG_FUNCTION_INFO_V1(vqc_regression_state_send);
PG_FUNCTION_INFO_V1(vqc_regression_transfn);
PG_FUNCTION_INFO_V1(vqc_regression_combinefn);
PG_FUNCTION_INFO_V1(vqc_regression_mae);
PG_FUNCTION_INFO_V1(vqc_regression_mse);
PG_FUNCTION_INFO_V1(vqc_regression_rmse);
PG_FUNCTION_INFO_V1(vqc_regression_mape);
PG_FUNCTION_INFO_V1(vqc_regression_r2);
PG_FUNCTION_INFO_V1(vqc_regression_max_error);
PG_FUNCTION_INFO_V1(vqc_regression_count);
PG_FUNCTION_INFO_V1(vqc_regression_null_count);
PG_FUNCTION_INFO_V1(vqc_regression_to_jsonb);

static RegressionState *
regression_new(void)
{
	RegressionState *s = palloc0(sizeof(RegressionState));

	SET_VARSIZE(s, sizeof(RegressionState));
	s->version = VQC_STATE_VERSION;
	return s;
}

/* s, checked as this build lays a state out */
static RegressionState *
regression_checked(RegressionState *s)
{
	if (VARSIZE(s) != sizeof(RegressionState) || s->version != VQC_STATE_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("unsupported or corrupt vqc state"),
				 errdetail("The stored state was not written by this version of vqc.")));
	return s;
}

/* A detoasted state argument. */
static RegressionState *
regression_get_arg(FunctionCallInfo fcinfo, int argno)
{
	return regression_checked((RegressionState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno)));
}

/* Neumaier's compensated addition of x to (*s, *c); s + c is the sum. */
static inline void
ksum_add(double *s, double *c, double x)
{
	double		t = *s + x;

	if (fabs(*s) >= fabs(x))
		*c += (*s - t) + x;
	else
		*c += (x - t) + *s;
	*s = t;
}

static bool
regression_is_finite(const RegressionState *s)
{
	return isfinite(s->sum_abs + s->comp_abs + s->sum_sq + s->comp_sq +
					s->sum_ape + s->comp_ape + s->max_abs + s->shift_true + s->mean_true + s->m2_true);
}

/* ---------------------------------------------------------------------
 * I/O
 * ---------------------------------------------------------------------
 */

static void
regression_serialize(StringInfo buf, const void *state)
{
	const RegressionState *s = state;

	vqc_write_header(buf, VQC_MAGIC_REGRESSION, 0);
	pq_sendint64(buf, (uint64) s->n);
	pq_sendint64(buf, (uint64) s->nulls);
	metric_send_f8(buf, s->sum_abs);
	metric_send_f8(buf, s->comp_abs);
	metric_send_f8(buf, s->sum_sq);
	metric_send_f8(buf, s->comp_sq);
	metric_send_f8(buf, s->sum_ape);
	metric_send_f8(buf, s->comp_ape);
	metric_send_f8(buf, s->max_abs);
	metric_send_f8(buf, s->shift_true);
	metric_send_f8(buf, s->mean_true);
	metric_send_f8(buf, s->m2_true);
}

static void *
regression_parse(const char *data, Size len, int errcode)
{
	VqcReader	r;
	RegressionState *s = regression_new();

	vqc_reader_init(&r, data, len, errcode, TYPNAME);
	if (vqc_read_header(&r, VQC_MAGIC_REGRESSION) != 0)
		vqc_bad_state(&r, "The state has unknown flag bits set.");
	s->n = vqc_read_i64(&r);
	s->nulls = vqc_read_i64(&r);
	if (s->n < 0 || s->nulls < 0)
		vqc_bad_state(&r, "A count is negative.");
	s->sum_abs = metric_read_finite(&r);
	s->comp_abs = metric_read_finite(&r);
	s->sum_sq = metric_read_finite(&r);
	s->comp_sq = metric_read_finite(&r);
	s->sum_ape = metric_read_finite(&r);
	s->comp_ape = metric_read_finite(&r);
	s->max_abs = metric_read_finite(&r);
	s->shift_true = metric_read_finite(&r);
	s->mean_true = metric_read_finite(&r);
	s->m2_true = metric_read_finite(&r);
	vqc_read_end(&r);

	if (!regression_is_finite(s))
		vqc_bad_state(&r, "The sums of the state leave the range of double precision.");
	if (s->sum_abs < 0 || s->sum_sq < 0 || s->sum_ape < 0 || s->max_abs < 0 || s->m2_true < 0)
		vqc_bad_state(&r, "A sum of absolute or squared values is negative.");
	if (s->n == 0 && (s->sum_abs != 0 || s->comp_abs != 0 || s->sum_sq != 0 || s->comp_sq != 0 ||
					  s->sum_ape != 0 || s->comp_ape != 0 || s->max_abs != 0 ||
					  s->shift_true != 0 || s->mean_true != 0 || s->m2_true != 0))
		vqc_bad_state(&r, "A state of no pairs has sums that are not zero.");
	return s;
}

Datum
vqc_regression_state_in(PG_FUNCTION_ARGS)
{
	return metric_type_in(fcinfo, regression_parse, TYPNAME);
}

Datum
vqc_regression_state_out(PG_FUNCTION_ARGS)
{
	return metric_type_out(regression_serialize, regression_get_arg(fcinfo, 0), TYPNAME);
}

Datum
vqc_regression_state_recv(PG_FUNCTION_ARGS)
{
	return metric_type_recv(fcinfo, regression_parse);
}

Datum
vqc_regression_state_send(PG_FUNCTION_ARGS)
{
	return metric_type_send(regression_serialize, regression_get_arg(fcinfo, 0));
}

/* ---------------------------------------------------------------------
 * Aggregate
 * ---------------------------------------------------------------------
 */

/* The state argument, writable in place (it lives in the aggregate context). */
static RegressionState *
regression_transition_arg(FunctionCallInfo fcinfo, int argno)
{
	return regression_checked((RegressionState *) vqc_state_writable(PG_GETARG_DATUM(argno)));
}

/*
 * regression_transfn(state, y_true, y_pred): not strict, so that a pair
 * with a NULL is counted; the state is the INITCOND's copy or ours.
 */
Datum
vqc_regression_transfn(PG_FUNCTION_ARGS)
{
	RegressionState *s;
	double		y;
	double		p;
	double		e;
	double		delta;

	metric_check_agg(fcinfo);
	s = PG_ARGISNULL(0) ? regression_new() : regression_transition_arg(fcinfo, 0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		s->nulls++;
		PG_RETURN_POINTER(s);
	}
	y = PG_GETARG_FLOAT8(1);
	p = PG_GETARG_FLOAT8(2);
	metric_require_finite(y, "y_true");
	metric_require_finite(p, "y_pred");

	e = fabs(p - y);
	ksum_add(&s->sum_abs, &s->comp_abs, e);
	ksum_add(&s->sum_sq, &s->comp_sq, e * e);
	ksum_add(&s->sum_ape, &s->comp_ape, e / Max(fabs(y), DBL_EPSILON));
	if (e > s->max_abs)
		s->max_abs = e;
	if (s->n++ == 0)
		s->shift_true = y;
	y -= s->shift_true;
	delta = y - s->mean_true;
	s->mean_true += delta / (double) s->n;
	s->m2_true += delta * (y - s->mean_true);
	if (unlikely(!regression_is_finite(s)))
		metric_overflow();
	PG_RETURN_POINTER(s);
}

/* Adds r's compensated sum (rs, rc) to (*s, *c). */
static void
ksum_merge(double *s, double *c, double rs, double rc)
{
	ksum_add(s, c, rs);
	*c += rc;
}

/* Combine (strict): l takes r's pairs; Chan's formula for M2. */
Datum
vqc_regression_combinefn(PG_FUNCTION_ARGS)
{
	RegressionState *l;
	RegressionState *r;
	double		nl;
	double		nr;
	double		delta;

	metric_check_agg(fcinfo);
	l = regression_transition_arg(fcinfo, 0);
	r = regression_get_arg(fcinfo, 1);

	if (pg_add_s64_overflow(l->nulls, r->nulls, &l->nulls))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));
	if (r->n == 0)
		PG_RETURN_POINTER(l);
	if (l->n == 0)
	{
		int64		nulls = l->nulls;

		memcpy(l, r, sizeof(RegressionState));
		l->nulls = nulls;
		PG_RETURN_POINTER(l);
	}
	nl = (double) l->n;
	nr = (double) r->n;
	if (pg_add_s64_overflow(l->n, r->n, &l->n))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));
	ksum_merge(&l->sum_abs, &l->comp_abs, r->sum_abs, r->comp_abs);
	ksum_merge(&l->sum_sq, &l->comp_sq, r->sum_sq, r->comp_sq);
	ksum_merge(&l->sum_ape, &l->comp_ape, r->sum_ape, r->comp_ape);
	l->max_abs = Max(l->max_abs, r->max_abs);
	/* r's mean on l's shift */
	delta = (r->mean_true + (r->shift_true - l->shift_true)) - l->mean_true;
	l->m2_true += r->m2_true + delta * delta * (nl * nr / (nl + nr));
	l->mean_true += delta * (nr / (nl + nr));
	if (!regression_is_finite(l))
		metric_overflow();
	PG_RETURN_POINTER(l);
}

/* ---------------------------------------------------------------------
 * Accessors: NULL for a state of no pairs (scikit-learn raises)
 * ---------------------------------------------------------------------
 */

static double
regression_mean(const RegressionState *s, double sum, double comp)
{
	return (sum + comp) / (double) s->n;
}

/*
 * R^2 = 1 - SS_res / SS_tot; with constant y_true (SS_tot = 0) scikit-learn's
 * rule: 1 when the predictions are perfect, else 0.  Fewer than two pairs:
 * undefined (scikit-learn warns and gives NaN).
 */
static bool
regression_r2(const RegressionState *s, double *out)
{
	double		ss_res = s->sum_sq + s->comp_sq;

	if (s->n < 2)
		return false;
	if (s->m2_true == 0)
		*out = ss_res == 0 ? 1.0 : 0.0;
	else
		*out = 1.0 - ss_res / s->m2_true;
	return true;
}

#define REGRESSION_ACCESSOR(fn, expr) \
Datum \
fn(PG_FUNCTION_ARGS) \
{ \
	RegressionState *s = regression_get_arg(fcinfo, 0); \
	if (s->n == 0) \
		PG_RETURN_NULL(); \
	PG_RETURN_FLOAT8(expr); \
}

REGRESSION_ACCESSOR(vqc_regression_mae, regression_mean(s, s->sum_abs, s->comp_abs))
REGRESSION_ACCESSOR(vqc_regression_mse, regression_mean(s, s->sum_sq, s->comp_sq))
REGRESSION_ACCESSOR(vqc_regression_rmse, sqrt(regression_mean(s, s->sum_sq, s->comp_sq)))
REGRESSION_ACCESSOR(vqc_regression_mape, regression_mean(s, s->sum_ape, s->comp_ape))
REGRESSION_ACCESSOR(vqc_regression_max_error, s->max_abs)

Datum
vqc_regression_r2(PG_FUNCTION_ARGS)
{
	double		r2;

	if (!regression_r2(regression_get_arg(fcinfo, 0), &r2))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(r2);
}

Datum
vqc_regression_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(regression_get_arg(fcinfo, 0)->n);
}

Datum
vqc_regression_null_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(regression_get_arg(fcinfo, 0)->nulls);
}

/* every metric at once; JSON null where a metric is undefined */
Datum
vqc_regression_to_jsonb(PG_FUNCTION_ARGS)
{
	RegressionState *s = regression_get_arg(fcinfo, 0);
	StringInfoData buf;
	double		r2;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"count\": " INT64_FORMAT ", \"null_count\": " INT64_FORMAT,
					 s->n, s->nulls);
	if (s->n == 0)
		appendStringInfoString(&buf, ", \"mean_absolute_error\": null, \"mean_squared_error\": null, "
							   "\"root_mean_squared_error\": null, \"mean_absolute_percentage_error\": null, "
							   "\"max_error\": null");
	else
		appendStringInfo(&buf, ", \"mean_absolute_error\": %s, \"mean_squared_error\": %s, "
						 "\"root_mean_squared_error\": %s, \"mean_absolute_percentage_error\": %s, "
						 "\"max_error\": %s",
						 metric_json_number(regression_mean(s, s->sum_abs, s->comp_abs)),
						 metric_json_number(regression_mean(s, s->sum_sq, s->comp_sq)),
						 metric_json_number(sqrt(regression_mean(s, s->sum_sq, s->comp_sq))),
						 metric_json_number(regression_mean(s, s->sum_ape, s->comp_ape)),
						 metric_json_number(s->max_abs));
	if (regression_r2(s, &r2))
		appendStringInfo(&buf, ", \"r2_score\": %s}", metric_json_number(r2));
	else
		appendStringInfoString(&buf, ", \"r2_score\": null}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
