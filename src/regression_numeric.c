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
 * R^2: e * e, y and y * y).  The state is the type
 * vqc.regression_numeric_state (0.6.0; internal in 0.5.0, whose symbols
 * stay): boxed as an expanded object during aggregation, flat as the
 * counts and the six sums in numeric's binary form (zero where not kept)
 * after a header whose flags say which sums it keeps.
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
#include "metric_state.h"
#include "state_box.h"
#include "state_io.h"

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
	MemoryContext cxt;			/* where the sums live: the aggregate's (or its boxes') context */
	int			need;			/* the sums kept (NEED_*), 0 before a transition */
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

/* the pair of arguments 1 and 2 added to st, which keeps the sums in need */
static void
regnum_row(FunctionCallInfo fcinfo, RegNum *st, int need)
{
	Numeric		y;
	Numeric		p;
	Numeric		e;

	st->need |= need;
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		st->nulls++;
		return;
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

	regnum_row(fcinfo, st, need);
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

/* l (created in cxt when NULL) takes r's counts and sums */
static RegNum *
regnum_merge(RegNum *l, const RegNum *r, MemoryContext cxt)
{
	if (l == NULL)
		l = regnum_new(cxt);
	if (pg_add_s64_overflow(l->n, r->n, &l->n) || pg_add_s64_overflow(l->nulls, r->nulls, &l->nulls))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("state count out of range")));
	l->need |= r->need;
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

/* n, nulls, then the six sums in numeric's binary form, appended to buf */
static void
regnum_write_body(const RegNum *st, StringInfo buf)
{
	pq_sendint64(buf, (uint64) st->n);
	pq_sendint64(buf, (uint64) st->nulls);
	for (int i = 0; i < S_COUNT; i++)
	{
		bytea	   *b = DatumGetByteaPP(DirectFunctionCall1(numeric_send, NumericGetDatum(st->s[i])));

		pq_sendint32(buf, VARSIZE_ANY_EXHDR(b));
		pq_sendbytes(buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
	}
}

/* for parallel plans: the body alone (0.5.0's form) */
Datum
vqc_regression_numeric_serialize(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	agg_context(fcinfo);
	pq_begintypsend(&buf);
	regnum_write_body((RegNum *) PG_GETARG_POINTER(0), &buf);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * The body read from r into st (its sums allocated in the current
 * context), each sum validated by numeric_recv: finite, and not negative
 * where it cannot be; the sums outside need (when known) are zero.
 */
static void
regnum_read_body(VqcReader *r, RegNum *st, int need)
{
	Numeric		zero = num_zero();

	st->n = vqc_read_i64(r);
	st->nulls = vqc_read_i64(r);
	if (st->n < 0 || st->nulls < 0)
		vqc_bad_state(r, "A count is negative.");
	for (int i = 0; i < S_COUNT; i++)
	{
		StringInfoData nb;
		int32		len = vqc_read_i32(r);

		if (len < 0 || (Size) len > vqc_reader_remaining(r))
			vqc_bad_state(r, "A sum's length is out of range.");
		nb.data = unconstify(char *, vqc_read_bytes(r, len));
		nb.len = len;
		nb.maxlen = len;
		nb.cursor = 0;
		st->s[i] = DatumGetNumeric(DirectFunctionCall3(numeric_recv, PointerGetDatum(&nb),
													   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
		st->room[i] = VARSIZE(st->s[i]);
		if (nb.cursor != nb.len || numeric_is_nan(st->s[i]) || numeric_is_inf(st->s[i]) ||
			((i == S_ABS || i == S_SQ || i == S_APE || i == S_Y2 || i == S_MAX) &&
			 num_cmp(st->s[i], zero) < 0))
			vqc_bad_state(r, "A sum is not finite, or negative where it cannot be.");
		if (need >= 0 && (!(need & (1 << i)) || st->n == 0) && num_cmp(st->s[i], zero) != 0)
			vqc_bad_state(r, "A sum the state does not keep is not zero.");
	}
	vqc_read_end(r);
}

/* read back in the current context (0.5.0's form, for parallel plans) */
Datum
vqc_regression_numeric_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	VqcReader	r;
	RegNum	   *st;

	agg_context(fcinfo);
	st = palloc0(sizeof(RegNum));
	st->cxt = CurrentMemoryContext;
	vqc_reader_init(&r, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), ERRCODE_INVALID_BINARY_REPRESENTATION,
					"vqc numeric regression state");
	regnum_read_body(&r, st, -1);
	PG_RETURN_POINTER(st);
}

/* ---------------------------------------------------------------------
 * The SQL type vqc.regression_numeric_state (0.6.0): the same state boxed
 * as an expanded object during aggregation (state_box.c), in one context
 * per aggregate context shared by its groups, so that Citus runs the
 * aggregates as worker partials and a coordinator combine.  Binary form:
 * magic "VQCM", version, flags (the sums kept: NEED_*), then the body
 * above, network byte order; text: its hex.
 * ---------------------------------------------------------------------
 */

#define VQC_MAGIC_REGRESSION_NUMERIC	0x5651434d	/* "VQCM" */
#define STATE_TYPNAME "vqc.regression_numeric_state"

static void
box_write(const void *state, StringInfo buf)
{
	const RegNum *st = state;

	vqc_write_header(buf, VQC_MAGIC_REGRESSION_NUMERIC, (uint16) st->need);
	regnum_write_body(st, buf);
}

static const StateBoxType regnum_box = {STATE_TYPNAME, box_write};

/* a state (sums in cxt) read from a binary form, validated (errcode 22P02 or 22P03) */
static RegNum *
regnum_parse(const char *data, Size len, int code, MemoryContext cxt)
{
	VqcReader	r;
	RegNum	   *st = MemoryContextAllocZero(cxt, sizeof(RegNum));
	MemoryContext old = MemoryContextSwitchTo(cxt);
	uint16		need;

	vqc_reader_init(&r, data, len, code, STATE_TYPNAME);
	need = vqc_read_header(&r, VQC_MAGIC_REGRESSION_NUMERIC);
	if (need != 0 && need != NEED_ABS && need != NEED_SQ && need != NEED_APE && need != NEED_R2)
		vqc_bad_state(&r, "The state has unknown flag bits set.");
	st->cxt = cxt;
	st->need = need;
	regnum_read_body(&r, st, need);
	if (need == 0 && (st->n != 0 || st->nulls != 0))
		vqc_bad_state(&r, "A state with pairs does not say which sums it keeps.");
	MemoryContextSwitchTo(old);
	return st;
}

/* a new state in cxt holding the state datum d (flat or boxed) */
static RegNum *
regnum_from_datum(Datum d, MemoryContext cxt)
{
	StateBox   *box = state_box_of(d, &regnum_box);
	struct varlena *v;

	if (box != NULL)
	{
		RegNum	   *st = regnum_merge(NULL, box->state, cxt);

		st->need = ((RegNum *) box->state)->need;
		return st;
	}
	v = PG_DETOAST_DATUM_PACKED(d);
	return regnum_parse(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), ERRCODE_INVALID_BINARY_REPRESENTATION, cxt);
}

/* the aggregate's own box in argno, or a new one holding NULL's, a flat or a read-only state */
static StateBox *
regnum_box_arg(FunctionCallInfo fcinfo, int argno)
{
	StateBox   *box = state_box_rw(fcinfo, argno, &regnum_box);
	MemoryContext cxt;

	if (likely(box != NULL))
		return box;
	cxt = vqc_metric_states_context(agg_context(fcinfo));
	return state_box_new(&regnum_box, cxt,
						 PG_ARGISNULL(argno) ? regnum_new(cxt) : regnum_from_datum(PG_GETARG_DATUM(argno), cxt));
}

static Datum
regnum_state_trans(FunctionCallInfo fcinfo, int need)
{
	StateBox   *box = regnum_box_arg(fcinfo, 0);
	RegNum	   *st = box->state;

	if (unlikely(st->need != need) && st->need != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the numeric regression state keeps the sums of another metric")));
	state_box_changed(box);
	regnum_row(fcinfo, st, need);
	return state_box_datum(box);
}

PG_FUNCTION_INFO_V1(vqc_regression_numeric_state_abs_transfn);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_state_sq_transfn);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_state_ape_transfn);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_state_r2_transfn);
PG_FUNCTION_INFO_V1(vqc_regression_numeric_state_combinefn);

Datum
vqc_regression_numeric_state_abs_transfn(PG_FUNCTION_ARGS)
{
	return regnum_state_trans(fcinfo, NEED_ABS);
}

Datum
vqc_regression_numeric_state_sq_transfn(PG_FUNCTION_ARGS)
{
	return regnum_state_trans(fcinfo, NEED_SQ);
}

Datum
vqc_regression_numeric_state_ape_transfn(PG_FUNCTION_ARGS)
{
	return regnum_state_trans(fcinfo, NEED_APE);
}

Datum
vqc_regression_numeric_state_r2_transfn(PG_FUNCTION_ARGS)
{
	return regnum_state_trans(fcinfo, NEED_R2);
}

/* Combine (not strict): either side flat or boxed; the result is the aggregate's own box */
Datum
vqc_regression_numeric_state_combinefn(PG_FUNCTION_ARGS)
{
	StateBox   *box;
	RegNum	   *l;
	RegNum	   *r;

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
	{
		agg_context(fcinfo);	/* raises outside an aggregate */
		PG_RETURN_NULL();
	}
	box = regnum_box_arg(fcinfo, PG_ARGISNULL(0) ? 1 : 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return state_box_datum(box);
	l = box->state;
	if (state_box_of(PG_GETARG_DATUM(1), &regnum_box) != NULL)
		r = state_box_of(PG_GETARG_DATUM(1), &regnum_box)->state;
	else
		r = regnum_from_datum(PG_GETARG_DATUM(1), CurrentMemoryContext);
	if (l->need != 0 && r->need != 0 && l->need != r->need)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("cannot merge numeric regression states of different metrics")));
	state_box_changed(box);
	regnum_merge(l, r, l->cxt);
	return state_box_datum(box);
}

static void
state_validate(const char *data, Size len, int code)
{
	regnum_parse(data, len, code, CurrentMemoryContext);
}

static bool
state_write_expanded(Datum d, StringInfo buf)
{
	return state_box_write_expanded(d, &regnum_box, buf);
}

static const MetricStateType regnum_type = {STATE_TYPNAME, state_validate, state_write_expanded};

METRIC_STATE_IO_FUNCTIONS(vqc_regression_numeric_state, regnum_type)

/* ---------------------------------------------------------------------
 * Final functions, of the internal state (0.5.0) and of the type
 * ---------------------------------------------------------------------
 */

/* the internal state argument of a final function, NULL when no pair was taken */
static RegNum *
final_arg(FunctionCallInfo fcinfo)
{
	RegNum	   *st = PG_ARGISNULL(0) ? NULL : (RegNum *) PG_GETARG_POINTER(0);

	return st != NULL && st->n > 0 ? st : NULL;
}

/*
 * The state argument (vqc.regression_numeric_state) of a final function
 * whose metric reads the sums in need: NULL when no pair was taken, 22023
 * when the state keeps other sums.
 */
static RegNum *
final_state_arg(FunctionCallInfo fcinfo, int need)
{
	StateBox   *box;
	RegNum	   *st;

	if (PG_ARGISNULL(0))
		return NULL;
	box = state_box_of(PG_GETARG_DATUM(0), &regnum_box);
	st = box != NULL ? box->state : regnum_from_datum(PG_GETARG_DATUM(0), CurrentMemoryContext);
	if (st->n == 0)
		return NULL;
	if ((st->need & need) != need)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the numeric regression state does not keep the sums of this metric")));
	return st;
}

/* fn of the internal state and fn_state of the type, with the metric expr of st */
#define REGNUM_FINAL(fn, need, expr) \
static Numeric \
fn##_of(const RegNum *st) \
{ \
	return (expr); \
} \
Datum \
fn(PG_FUNCTION_ARGS) \
{ \
	RegNum	   *st = final_arg(fcinfo); \
	if (st == NULL) \
		PG_RETURN_NULL(); \
	PG_RETURN_NUMERIC(fn##_of(st)); \
} \
PG_FUNCTION_INFO_V1(fn##_state); \
Datum \
fn##_state(PG_FUNCTION_ARGS) \
{ \
	RegNum	   *st = final_state_arg(fcinfo, need); \
	if (st == NULL) \
		PG_RETURN_NULL(); \
	PG_RETURN_NUMERIC(fn##_of(st)); \
}

REGNUM_FINAL(vqc_regression_numeric_mae, NEED_ABS, num_div(st->s[S_ABS], num_of(st->n)))
REGNUM_FINAL(vqc_regression_numeric_mse, NEED_SQ, num_div(st->s[S_SQ], num_of(st->n)))
REGNUM_FINAL(vqc_regression_numeric_rmse, NEED_SQ,
			 DatumGetNumeric(DirectFunctionCall1(numeric_sqrt,
												 NumericGetDatum(num_div(st->s[S_SQ], num_of(st->n))))))
REGNUM_FINAL(vqc_regression_numeric_mape, NEED_APE, num_div(st->s[S_APE], num_of(st->n)))
REGNUM_FINAL(vqc_regression_numeric_max_error, NEED_ABS, st->s[S_MAX])

/*
 * R^2 = 1 - n sum e^2 / (n sum y^2 - (sum y)^2); constant y_true: 1 when
 * every prediction is exact, else 0 (scikit-learn's force_finite); under
 * two pairs NULL
 */
static Datum
r2_datum(FunctionCallInfo fcinfo, const RegNum *st)
{
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

Datum
vqc_regression_numeric_r2(PG_FUNCTION_ARGS)
{
	return r2_datum(fcinfo, final_arg(fcinfo));
}

PG_FUNCTION_INFO_V1(vqc_regression_numeric_r2_state);

Datum
vqc_regression_numeric_r2_state(PG_FUNCTION_ARGS)
{
	return r2_datum(fcinfo, final_state_arg(fcinfo, NEED_R2));
}
