/*-------------------------------------------------------------------------
 *
 * metric_state.c
 *	  Helpers shared by the model- and label-quality state types (see
 *	  metric_state.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "libpq/pqformat.h"

#include "metric_state.h"

void
metric_check_agg(FunctionCallInfo fcinfo)
{
	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("vqc's transition and combine functions must be called by an aggregate")));
}

void
metric_send_f8(StringInfo buf, double x)
{
	uint64		bits;

	memcpy(&bits, &x, sizeof(bits));
	pq_sendint64(buf, bits);
}

double
metric_read_f8(VqcReader *r)
{
	uint64		bits = vqc_read_u64(r);
	double		x;

	memcpy(&x, &bits, sizeof(x));
	return x;
}

double
metric_read_finite(VqcReader *r)
{
	double		x = metric_read_f8(r);

	if (!isfinite(x))
		vqc_bad_state(r, "A number in the state is not finite.");
	return x;
}

void
metric_require_finite(double x, const char *what)
{
	if (unlikely(!isfinite(x)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number", what),
				 errdetail("NaN and infinite values have no place in this metric, as in scikit-learn."),
				 errhint("Filter them out, or map them to NULL to have the row skipped and counted.")));
}

void
metric_overflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("value out of range: overflow"),
			 errdetail("A sum of errors left the range of double precision.")));
}

char *
metric_json_number(double x)
{
	Assert(isfinite(x));
	return double_to_shortest_decimal(x);
}
