/*-------------------------------------------------------------------------
 *
 * label_metric_state.c
 *	  Helpers shared by the model- and label-quality state types (see
 *	  label_metric_state.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "libpq/pqformat.h"

#include "label_metric_state.h"

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

Datum
metric_type_in(FunctionCallInfo fcinfo, metric_parse_fn parse, const char *typname)
{
	Size		len;
	char	   *bin = vqc_hex_decode(PG_GETARG_CSTRING(0), &len, typname);

	PG_RETURN_POINTER(parse(bin, len, ERRCODE_INVALID_TEXT_REPRESENTATION));
}

Datum
metric_type_recv(FunctionCallInfo fcinfo, metric_parse_fn parse)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	void	   *s = parse(buf->data + buf->cursor, buf->len - buf->cursor,
						  ERRCODE_INVALID_BINARY_REPRESENTATION);

	buf->cursor = buf->len;
	PG_RETURN_POINTER(s);
}

Datum
metric_type_out(metric_serialize_fn serialize, const void *state, const char *typname)
{
	StringInfoData buf;

	initStringInfo(&buf);
	serialize(&buf, state);
	PG_RETURN_CSTRING(vqc_hex_encode(buf.data, buf.len, typname));
}

Datum
metric_type_send(metric_serialize_fn serialize, const void *state)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	serialize(&buf, state);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
