/*-------------------------------------------------------------------------
 *
 * regression_numeric.c
 *	  scikit-learn's regression metrics over numeric (y_true, y_pred), in
 *	  exact decimal arithmetic: vqc.mean_absolute_error(numeric, numeric)
 *	  and the five others, each returning numeric.
 *
 * The float8 aggregates (regression_metrics.c) round every value to 53
 * bits first, so money-like data (19.99 against 20.00) gives 0.00999...
 * and a small error on a large amount can vanish.  These keep exact
 * numeric sums of |e|, e * e, y and y * y, the largest |e|, and the sum of
 * the per-pair ratios |e| / max(|y|, eps); each metric is then one numeric
 * division (PostgreSQL's, as avg(numeric) does it) of exact sums:
 *   MAE = sum|e| / n, MSE = sum e^2 / n, RMSE = sqrt(MSE), max error
 *   exact; MAPE = sum(|e| / max(|y|, eps)) / n, each ratio rounded as
 *   numeric division rounds; R^2 = 1 - n sum e^2 / (n sum y^2 - (sum y)^2).
 * So each equals the same expression written in SQL over numeric.
 *
 * Each aggregate's transition function keeps only the sums its metric
 * needs (MAE and max error: |e|; MSE and RMSE: e * e; MAPE: the ratios;
 * R^2: e * e, y and y * y).  The state is internal (not stored); parallel
 * plans serialize it as the counts and the six sums in numeric's binary
 * form (zero where not kept).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "label_metric_state.h"

/* numpy's float64 eps, 2^-52, exactly: scikit-learn's floor for |y_true| in MAPE */
#define MAPE_EPS	"0.0000000000000002220446049250313080847263336181640625"

enum
{
	S_ABS,						/* sum |e| */
	S_SQ,						/* sum e * e */
	S_APE,						/* sum |e| / max(|y|, eps) */
	S_Y,						/* sum y */
	S_Y2,						/* sum y * y */
	S_MAX,						/* max |e| */
	S_COUNT
};

/* which sums a transition function keeps: each aggregate's own */
#define NEED_ABS	((1 << S_ABS) | (1 << S_MAX))	/* MAE, max error */
#define NEED_SQ		(1 << S_SQ)						/* MSE, RMSE */
#define NEED_APE	(1 << S_APE)					/* MAPE */
#define NEED_R2		((1 << S_SQ) | (1 << S_Y) | (1 << S_Y2))	/* R^2 */

typedef struct RegNum
{
	MemoryContext cxt;			/* the aggregate's: the sums live here */
	int64		n;				/* pairs taken */
	int64		nulls;			/* pairs skipped for a NULL */
	Numeric		s[S_COUNT];		/* 0 when not kept */
	Size		room[S_COUNT];	/* bytes allocated for s[i] */
} RegNum;

PG_FUNCTION_INFO_V1(vqc_regression_numeric_abs_transfn);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_sq_transfn);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_ape_transfn);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_r2_transfn);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_combinefn);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_serialize);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_deserialize);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_mae);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_mse);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_rmse);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_mape);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_r2);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_max_error);

static Numeric
num_zero(void)
{
	return int64_to_numeric(0);
}

static Numeric
num_abs(Numeric x)
{
	return DatumGetNumeric(DirectFunctionCall1(numeric_abs, NumericGetDatum(x)));
}

static int
num_cmp(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a), NumericGetDatum(b)));
}

static Numeric
num_add(Numeric a, Numeric b)
{
	return numeric_add_opt_error(a, b, NULL);
}

static Numeric
num_sub(Numeric a, Numeric b)
{
	return numeric_sub_opt_error(a, b, NULL);
}

static Numeric
num_mul(Numeric a, Numeric b)
{
	return numeric_mul_opt_error(a, b, NULL);
}

static Numeric
num_div(Numeric a, Numeric b)
{
	return numeric_div_opt_error(a, b, NULL);
}

static Numeric
num_of(int64 n)
{
	return int64_to_numeric(n);
}

/* x copied into s[i]'s room in the state's context (grown when short) */
static void
put(RegNum *st, int i, Numeric x)
{
	Size		len = VARSIZE(x);

	if (len > st->room[i])
	{
		if (st->s[i] != NULL)
			pfree(st->s[i]);
		st->room[i] = Max(len * 2, 32);
		st->s[i] = MemoryContextAlloc(st->cxt, st->room[i]);
	}
	memcpy(st->s[i], x, len);
}

static RegNum *
regnum_new(MemoryContext cxt)
{
	RegNum	   *st = MemoryContextAllocZero(cxt, sizeof(RegNum));
	Numeric		zero = num_zero();

	st->cxt = cxt;
	for (int i = 0; i < S_COUNT; i++)
		put(st, i, zero);
	return st;
}

/* the MAPE floor as a numeric, made once per process */
static Numeric
mape_eps(void)
{
	static Numeric eps = NULL;

	if (eps == NULL)
	{
		Numeric		x = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(MAPE_EPS),
															ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));

		eps = MemoryContextAlloc(TopMemoryContext, VARSIZE(x));
		memcpy(eps, x, VARSIZE(x));
	}
	return eps;
}

/* 22023 unless x is a finite number */
static void
require_finite(Numeric x, const char *what)
{
	if (numeric_is_nan(x) || numeric_is_inf(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number", what)));
}

static MemoryContext
agg_context(FunctionCallInfo fcinfo)
{
	MemoryContext cxt;

	if (!AggCheckCallContext(fcinfo, &cxt))
		metric_check_agg(fcinfo);	/* raises */
	return cxt;
}

/*
 * The transition: the state (new when NULL) with the pair's terms of the
 * sums in need added; a pair with a NULL is counted.
 */
static Datum
regnum_trans(FunctionCallInfo fcinfo, int need)
{
	MemoryContext cxt = agg_context(fcinfo);
	RegNum	   *st = PG_ARGISNULL(0) ? regnum_new(cxt) : (RegNum *) PG_GETARG_POINTER(0);
	Numeric		y;
	Numeric		p;
	Numeric		e;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		st->nulls++;
		PG_RETURN_POINTER(st);
	}
	y = PG_GETARG_NUMERIC(1);
	p = PG_GETARG_NUMERIC(2);
	require_finite(y, "y_true");
	require_finite(p, "y_pred");
	e = num_abs(num_sub(y, p));
	if (need & (1 << S_ABS))
	{
		put(st, S_ABS, num_add(st->s[S_ABS], e));
		if (num_cmp(e, st->s[S_MAX]) > 0)
			put(st, S_MAX, e);
	}
	if (need & (1 << S_SQ))
		put(st, S_SQ, num_add(st->s[S_SQ], num_mul(e, e)));
	if (need & (1 << S_APE))
	{
		Numeric		ay = num_abs(y);
		Numeric		eps = mape_eps();

		put(st, S_APE, num_add(st->s[S_APE], num_div(e, num_cmp(ay, eps) > 0 ? ay : eps)));
	}
	if (need & (1 << S_Y))
	{
		put(st, S_Y, num_add(st->s[S_Y], y));
		put(st, S_Y2, num_add(st->s[S_Y2], num_mul(y, y)));
	}
	st->n++;
	PG_RETURN_POINTER(st);
}

Datum
vqc_regression_numeric_abs_transfn(PG_FUNCTION_ARGS)
{
	return regnum_trans(fcinfo, NEED_ABS);
}

Datum
vqc_regression_numeric_sq_transfn(PG_FUNCTION_ARGS)
{
	return regnum_trans(fcinfo, NEED_SQ);
}

Datum
vqc_regression_numeric_ape_transfn(PG_FUNCTION_ARGS)
{
	return regnum_trans(fcinfo, NEED_APE);
}

Datum
vqc_regression_numeric_r2_transfn(PG_FUNCTION_ARGS)
{
	return regnum_trans(fcinfo, NEED_R2);
}

/* l (created in the aggregate's context when NULL) takes r's counts and sums */
static RegNum *
regnum_merge(RegNum *l, const RegNum *r, MemoryContext cxt)
{
	if (l == NULL)
		l = regnum_new(cxt);
	if (pg_add_s64_overflow(l->n, r->n, &l->n) || pg_add_s64_overflow(l->nulls, r->nulls, &l->nulls))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));
	for (int i = 0; i < S_MAX; i++)
		put(l, i, num_add(l->s[i], r->s[i]));
	if (num_cmp(r->s[S_MAX], l->s[S_MAX]) > 0)
		put(l, S_MAX, r->s[S_MAX]);
	return l;
}

/* Combine (not strict: an internal state is copied into the aggregate's context) */
Datum
vqc_regression_numeric_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = agg_context(fcinfo);
	RegNum	   *l = PG_ARGISNULL(0) ? NULL : (RegNum *) PG_GETARG_POINTER(0);

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(l);
	PG_RETURN_POINTER(regnum_merge(l, (RegNum *) PG_GETARG_POINTER(1), cxt));
}

/* for parallel plans: n, nulls, then the six sums in numeric's binary form */
Datum
vqc_regression_numeric_serialize(PG_FUNCTION_ARGS)
{
	RegNum	   *st;
	StringInfoData buf;

	agg_context(fcinfo);
	st = (RegNum *) PG_GETARG_POINTER(0);
	pq_begintypsend(&buf);
	pq_sendint64(&buf, (uint64) st->n);
	pq_sendint64(&buf, (uint64) st->nulls);
	for (int i = 0; i < S_COUNT; i++)
	{
		bytea	   *b = DatumGetByteaPP(DirectFunctionCall1(numeric_send, NumericGetDatum(st->s[i])));

		pq_sendint32(&buf, VARSIZE_ANY_EXHDR(b));
		pq_sendbytes(&buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static pg_attribute_noreturn() void
bad_state(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("malformed vqc numeric regression state")));
}

/* read back in the current context, each sum validated by numeric_recv */
Datum
vqc_regression_numeric_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	RegNum	   *st;

	agg_context(fcinfo);
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	st = palloc0(sizeof(RegNum));
	st->cxt = CurrentMemoryContext;
	if (buf.len < 16)
		bad_state();
	st->n = (int64) pq_getmsgint64(&buf);
	st->nulls = (int64) pq_getmsgint64(&buf);
	if (st->n < 0 || st->nulls < 0)
		bad_state();
	for (int i = 0; i < S_COUNT; i++)
	{
		StringInfoData nb;
		int32		len;

		if (buf.len - buf.cursor < 4)
			bad_state();
		len = (int32) pq_getmsgint(&buf, 4);
		if (len < 0 || len > buf.len - buf.cursor)
			bad_state();
		nb.data = buf.data + buf.cursor;
		nb.len = len;
		nb.maxlen = len;
		nb.cursor = 0;
		buf.cursor += len;
		st->s[i] = DatumGetNumeric(DirectFunctionCall3(numeric_recv, PointerGetDatum(&nb),
													   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
		st->room[i] = VARSIZE(st->s[i]);
		if (nb.cursor != nb.len || numeric_is_nan(st->s[i]) || numeric_is_inf(st->s[i]) ||
			((i == S_ABS || i == S_SQ || i == S_APE || i == S_Y2 || i == S_MAX) &&
			 num_cmp(st->s[i], num_zero()) < 0))
			bad_state();
	}
	if (buf.cursor != buf.len)
		bad_state();
	PG_RETURN_POINTER(st);
}

/* the state argument of a final function, NULL when no pair was taken */
static RegNum *
final_arg(FunctionCallInfo fcinfo)
{
	RegNum	   *st = PG_ARGISNULL(0) ? NULL : (RegNum *) PG_GETARG_POINTER(0);

	return st != NULL && st->n > 0 ? st : NULL;
}

#define REGNUM_FINAL(fn, expr) \
Datum \
fn(PG_FUNCTION_ARGS) \
{ \
	RegNum	   *st = final_arg(fcinfo); \
	if (st == NULL) \
		PG_RETURN_NULL(); \
	PG_RETURN_NUMERIC(expr); \
}

REGNUM_FINAL(vqc_regression_numeric_mae, num_div(st->s[S_ABS], num_of(st->n)))
REGNUM_FINAL(vqc_regression_numeric_mse, num_div(st->s[S_SQ], num_of(st->n)))
REGNUM_FINAL(vqc_regression_numeric_rmse,
			 DatumGetNumeric(DirectFunctionCall1(numeric_sqrt,
												 NumericGetDatum(num_div(st->s[S_SQ], num_of(st->n))))))
REGNUM_FINAL(vqc_regression_numeric_mape, num_div(st->s[S_APE], num_of(st->n)))
REGNUM_FINAL(vqc_regression_numeric_max_error, st->s[S_MAX])

/*
 * R^2 = 1 - n sum e^2 / (n sum y^2 - (sum y)^2); constant y_true: 1 when
 * every prediction is exact, else 0 (scikit-learn's force_finite); under
 * two pairs NULL
 */
Datum
vqc_regression_numeric_r2(PG_FUNCTION_ARGS)
{
	RegNum	   *st = final_arg(fcinfo);
	Numeric		n;
	Numeric		denom;
	Numeric		zero = num_zero();

	if (st == NULL || st->n < 2)
		PG_RETURN_NULL();
	n = num_of(st->n);
	denom = num_sub(num_mul(n, st->s[S_Y2]), num_mul(st->s[S_Y], st->s[S_Y]));
	if (num_cmp(denom, zero) == 0)
		PG_RETURN_NUMERIC(num_of(num_cmp(st->s[S_SQ], zero) == 0 ? 1 : 0));
	PG_RETURN_NUMERIC(num_sub(num_of(1), num_div(num_mul(n, st->s[S_SQ]), denom)));
}
